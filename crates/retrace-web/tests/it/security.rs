//! CSRF, security headers, languages and error rendering.

use crate::harness::{PASSWORD, TestApp};
use axum::http::{Method, StatusCode};

#[tokio::test]
async fn state_changes_without_the_csrf_token_are_refused() {
    let app = TestApp::new().await;
    let org = app.org("Belgian Red Cross", "BE").await;
    app.member("admin@be.example", org, "org_admin").await;
    let target = app.member("case@be.example", org, "caseworker").await;
    let admin = app.signed_in("admin@be.example").await;
    let path = format!("/org/users/{target}/disable");

    let missing = admin.post_raw(&path, &[]).await;
    assert_eq!(missing.status, StatusCode::FORBIDDEN);
    let forged = admin
        .post_raw(&path, &[("csrf_token", "forged-value")])
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(forged.body.contains("<html"));
    let account = app.store.user(target).await.unwrap().unwrap();
    assert!(!account.disabled, "a refused request changes nothing");

    // Sign-in itself is protected (login CSRF).
    let fresh = app.client();
    let response = fresh
        .post_raw(
            "/sign-in",
            &[("email", "case@be.example"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(response.status, StatusCode::FORBIDDEN);

    // The header form is accepted for scripts.
    let token = admin.cookie("retrace_csrf").unwrap();
    let response = admin
        .send(
            Method::POST,
            &path,
            None,
            Some(("x-csrf-token", token.as_str())),
        )
        .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    assert!(app.store.user(target).await.unwrap().unwrap().disabled);
}

#[tokio::test]
async fn an_upload_carries_its_token_as_the_first_part_never_in_the_address() {
    let app = TestApp::new().await;
    let org = app.org("Belgian Red Cross", "BE").await;
    app.member("case@be.example", org, "caseworker").await;
    let case = app.signed_in("case@be.example").await;
    let token = case.cookie("retrace_csrf").unwrap();
    let boundary = "token-place-boundary";
    let part = |name: &str, value: &str| {
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        )
    };
    let file = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"note.txt\"\r\n\r\nShelter rules\r\n--{boundary}--\r\n"
    );
    let content_type = format!("multipart/form-data; boundary={boundary}");
    let fields = [
        part("title", "Shelter rules"),
        part("language", "en"),
        part("visibility", "own_organisation"),
        part("document_type", "guideline"),
    ]
    .concat();
    let refused = [
        // In the query string: it would stay in the history and the logs.
        (
            format!("/library?csrf_token={token}"),
            format!("{fields}{file}"),
        ),
        // Anywhere but first: the middleware does not buffer an upload.
        (
            "/library".to_owned(),
            format!("{fields}{}{file}", part("csrf_token", &token)),
        ),
    ];
    for (path, body) in refused {
        let response = case
            .send_bytes(
                Method::POST,
                &path,
                Some((&content_type, body.into_bytes())),
                None,
            )
            .await;
        assert_eq!(response.status, StatusCode::FORBIDDEN, "{path}");
    }
    let library = case.get("/library").await;
    assert!(!library.body.contains("Shelter rules"), "{}", library.body);

    let accepted = case
        .send_bytes(
            Method::POST,
            "/library",
            Some((
                &content_type,
                format!("{}{fields}{file}", part("csrf_token", &token)).into_bytes(),
            )),
            None,
        )
        .await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{}", accepted.body);
    let library = case.get("/library").await;
    assert!(library.body.contains("Shelter rules"), "{}", library.body);
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = TestApp::new().await;
    let client = app.client();
    for path in ["/sign-in", "/healthz", "/api/v1/me", "/no-such-page"] {
        let response = client.get(path).await;
        let header = |name: &str| {
            response
                .headers
                .get(name)
                .map(|v| v.to_str().unwrap().to_owned())
                .unwrap_or_else(|| panic!("{path} lacks {name}"))
        };
        let csp = header("content-security-policy");
        assert!(
            csp.contains("default-src 'self'") || csp.contains("default-src 'none'"),
            "{csp}"
        );
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        assert!(
            !csp.contains("unsafe-inline") || csp.contains("style-src"),
            "{csp}"
        );
        assert_eq!(header("x-content-type-options"), "nosniff");
        assert_eq!(header("referrer-policy"), "no-referrer");
        assert!(header("x-frame-options").eq_ignore_ascii_case("deny"));
    }
    let page = client.get("/sign-in").await;
    assert!(
        page.headers
            .get("cache-control")
            .unwrap()
            .to_str()
            .unwrap()
            .contains("no-store")
    );
}

#[tokio::test]
async fn secure_deployments_send_hsts_and_host_prefixed_cookies() {
    let app = TestApp::with_config(|config| config.secure_cookies = true).await;
    let client = app.client();
    let response = client.get("/sign-in").await;
    assert!(response.headers.get("strict-transport-security").is_some());
    let cookie = response
        .headers
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap();
    assert!(cookie.starts_with("__Host-retrace_csrf="), "{cookie}");
    assert!(cookie.contains("Secure"), "{cookie}");
}

#[tokio::test]
async fn language_switch_to_arabic_turns_the_page_right_to_left() {
    let app = TestApp::new().await;
    let client = app.client();
    let english = client.get("/sign-in").await;
    assert!(english.body.contains("lang=\"en\""));
    assert!(english.body.contains("dir=\"ltr\""));
    let switched = client
        .post("/language", &[("lang", "ar"), ("back", "/sign-in")])
        .await;
    assert_eq!(switched.status, StatusCode::SEE_OTHER);
    assert_eq!(switched.location(), Some("/sign-in"));
    let arabic = client.get("/sign-in").await;
    assert!(arabic.body.contains("lang=\"ar\""), "{}", arabic.body);
    assert!(arabic.body.contains("dir=\"rtl\""));
    for (code, word) in [("fr", "lang=\"fr\""), ("es", "lang=\"es\"")] {
        client
            .post("/language", &[("lang", code), ("back", "/")])
            .await;
        assert!(client.get("/sign-in").await.body.contains(word), "{code}");
    }
    // Accept-Language is honoured when no choice was made.
    let browser = app.client();
    let response = browser
        .send(
            Method::GET,
            "/sign-in",
            None,
            Some(("accept-language", "fr-BE,fr;q=0.9")),
        )
        .await;
    assert!(response.body.contains("lang=\"fr\""));
}

#[tokio::test]
async fn unknown_pages_are_html_and_unknown_api_paths_json() {
    let app = TestApp::new().await;
    let client = app.client();
    let page = client.get("/no-such-page").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.body.contains("<html"));
    let api = client.get("/api/v1/no-such-thing").await;
    assert!(api.status == StatusCode::NOT_FOUND || api.status == StatusCode::UNAUTHORIZED);
    let json = api.json();
    assert!(json["code"].is_string() && json["message"].is_string());
}

const METRICS_TOKEN: &str = "metrics-scraper-token-0123456789abcdef";

#[tokio::test]
async fn metrics_are_not_served_without_a_configured_token() {
    let app = TestApp::new().await;
    let client = app.client();
    let unset = client.get("/metrics").await;
    assert_eq!(unset.status, StatusCode::NOT_FOUND);
    let guessed = client
        .send(
            Method::GET,
            "/metrics",
            None,
            Some(("authorization", &format!("Bearer {METRICS_TOKEN}"))),
        )
        .await;
    assert_eq!(guessed.status, StatusCode::NOT_FOUND);
    assert!(!guessed.body.contains("# TYPE"));
}

#[tokio::test]
async fn metrics_need_the_bearer_token_and_keep_their_labels_bounded() {
    let app = TestApp::with_config(|config| {
        config.metrics_token = Some(retrace_web::MetricsToken::new(METRICS_TOKEN));
    })
    .await;
    let client = app.client();
    let not_found = client.get("/no-such-page").await;
    let anonymous = client.get("/metrics").await;
    assert_eq!(anonymous.status, StatusCode::NOT_FOUND);
    assert_eq!(
        anonymous.status, not_found.status,
        "looks like any unknown page"
    );
    assert!(!anonymous.body.contains("# TYPE"));
    let wrong = client
        .send(
            Method::GET,
            "/metrics",
            None,
            Some((
                "authorization",
                "Bearer metrics-scraper-token-0123456789abcdeX",
            )),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::NOT_FOUND);

    // Client-chosen methods and paths must not become new label sets.
    for method in ["FOOBAR", "BREW", "X-ANYTHING-1", "X-ANYTHING-2"] {
        client
            .send(
                Method::from_bytes(method.as_bytes()).unwrap(),
                "/healthz",
                None,
                None,
            )
            .await;
    }
    client.get("/requests/4f7c2d1e-unknown-path-917").await;
    client.get("/healthz").await;

    let metrics = client
        .send(
            Method::GET,
            "/metrics",
            None,
            Some(("authorization", &format!("Bearer {METRICS_TOKEN}"))),
        )
        .await;
    assert_eq!(metrics.status, StatusCode::OK, "{}", metrics.body);
    assert!(metrics.body.contains("# TYPE"), "{}", metrics.body);
    for leaked in ["FOOBAR", "BREW", "X-ANYTHING", "4f7c2d1e", "no-such-page"] {
        assert!(!metrics.body.contains(leaked), "{leaked}: {}", metrics.body);
    }
    assert!(
        metrics.body.contains("method=\"OTHER\",route=\"/healthz\""),
        "{}",
        metrics.body
    );
    assert!(
        metrics.body.contains("method=\"GET\",route=\"/healthz\""),
        "{}",
        metrics.body
    );
    let other_lines = metrics
        .body
        .lines()
        .filter(|line| line.contains("method=\"OTHER\",route=\"/healthz\""))
        .count();
    assert_eq!(other_lines, 1, "four odd methods, one label set");
}
