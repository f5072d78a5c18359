//! Protection that holds after the decision (issue 10): second-factor
//! changes, token revocation, re-confirmation failures, CSRF binding,
//! single-use gallery stamps, robots.txt, export records, probing.

use crate::access::create_token;
use crate::harness::{PASSWORD, TestApp};
use axum::http::StatusCode;
use retrace_domain::Email;

async fn totp_secret_of(app: &TestApp, email: &str) -> Option<String> {
    app.store
        .user_by_email(&Email::parse(email).unwrap())
        .await
        .unwrap()
        .unwrap()
        .totp_secret_sealed
}

#[tokio::test]
async fn replacing_or_removing_the_second_factor_needs_the_password() {
    let app = TestApp::new().await;
    let org = app.org("Belgian Red Cross", "BE").await;
    app.member("admin@be.example", org, "org_admin").await;
    app.member("case@be.example", org, "caseworker").await;

    // An administrator's session left open cannot re-enrol the second
    // factor onto someone else's phone without the password.
    let admin = app.signed_in("admin@be.example").await;
    let before = totp_secret_of(&app, "admin@be.example").await;
    let page = admin.get("/account/second-factor").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("name=\"current_password\""));
    let secret = page.between("id=\"totp-secret\">", "</code>").unwrap();
    let sealed = page.between("name=\"sealed\" value=\"", "\"").unwrap();
    let code = retrace_web::totp_code(&secret, app.now()).unwrap();
    for password in [None, Some("not my password")] {
        let mut fields = vec![("sealed", sealed.as_str()), ("code", code.as_str())];
        if let Some(password) = password {
            fields.push(("current_password", password));
        }
        let refused = admin.post("/account/second-factor", &fields).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(totp_secret_of(&app, "admin@be.example").await, before);
    }
    // Both answers wrong: both named at once, on their fields.
    let wrong_code = if code == "000000" { "111111" } else { "000000" };
    let refused = admin
        .post(
            "/account/second-factor",
            &[
                ("sealed", sealed.as_str()),
                ("code", wrong_code),
                ("current_password", "not my password"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["current_password", "code"] {
        assert!(
            refused.body.contains(&format!("id=\"err-{field}\"")),
            "{field}: {}",
            refused.body
        );
        assert!(refused.body.contains(&format!("href=\"#{field}\"")));
    }
    assert!(refused.body.contains("aria-invalid=\"true\""));
    let refreshed = refused.between("name=\"sealed\" value=\"", "\"").unwrap();
    assert!(!refreshed.is_empty());
    let replaced = admin
        .post(
            "/account/second-factor",
            &[
                ("sealed", sealed.as_str()),
                ("code", code.as_str()),
                ("current_password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(replaced.status, StatusCode::OK, "{}", replaced.body);
    assert_ne!(totp_secret_of(&app, "admin@be.example").await, before);

    // A caseworker who chose a second factor removes it only with the
    // password.
    let case = app.signed_in("case@be.example").await;
    case.enrol_voluntarily(&app).await;
    assert!(totp_secret_of(&app, "case@be.example").await.is_some());
    let account = case.get("/account").await;
    assert!(account.body.contains("name=\"current_password\""));
    let refused = case.post("/account/second-factor/remove", &[]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let refused = case
        .post(
            "/account/second-factor/remove",
            &[("current_password", "not my password")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(totp_secret_of(&app, "case@be.example").await.is_some());
    let removed = case
        .post(
            "/account/second-factor/remove",
            &[("current_password", PASSWORD)],
        )
        .await;
    assert_eq!(removed.status, StatusCode::OK, "{}", removed.body);
    assert!(totp_secret_of(&app, "case@be.example").await.is_none());
}

#[tokio::test]
async fn password_change_and_reset_revoke_api_tokens() {
    let app = TestApp::new().await;
    let org = app.org("Belgian Red Cross", "BE").await;
    app.member("admin@be.example", org, "org_admin").await;
    let case = app.member("case@be.example", org, "caseworker").await;
    let browser = app.signed_in("case@be.example").await;
    let token = create_token(&browser).await;
    assert_eq!(
        app.api(&token).get("/api/v1/me").await.status,
        StatusCode::OK
    );
    let changed = browser
        .post(
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "a fresh long passphrase"),
            ],
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    assert_eq!(
        app.api(&token).get("/api/v1/me").await.status,
        StatusCode::UNAUTHORIZED,
        "a stolen token dies with the old password"
    );

    let second = create_token(&browser).await;
    let admin = app.signed_in("admin@be.example").await;
    let reset = admin
        .post(&format!("/org/users/{case}/reset-password"), &[])
        .await;
    assert_eq!(reset.status, StatusCode::OK, "{}", reset.body);
    assert_eq!(
        app.api(&second).get("/api/v1/me").await.status,
        StatusCode::UNAUTHORIZED
    );
    browser.get("/").await.assert_redirect_to_sign_in();
}

#[tokio::test]
async fn wrong_passwords_at_re_confirmation_lock_the_account() {
    let app = TestApp::new().await;
    let org = app.org("Belgian Red Cross", "BE").await;
    app.member("case@be.example", org, "caseworker").await;
    app.member("other@be.example", org, "caseworker").await;

    let browser = app.signed_in("case@be.example").await;
    for _ in 0..5 {
        let wrong = browser
            .post(
                "/account/password",
                &[
                    ("current_password", "a guess at it"),
                    ("new_password", "a fresh long passphrase"),
                ],
            )
            .await;
        assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let signing_in = app.client();
    let response = signing_in
        .post(
            "/sign-in",
            &[("email", "case@be.example"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(response.status, StatusCode::UNAUTHORIZED, "locked");
    // While locked, the right password does not get through the form either.
    let right = browser
        .post(
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "a fresh long passphrase"),
            ],
        )
        .await;
    assert_eq!(right.status, StatusCode::UNPROCESSABLE_ENTITY);

    let other = app.signed_in("other@be.example").await;
    for _ in 0..5 {
        let wrong = other
            .post(
                "/requests/export",
                &[
                    ("reason", "annual statistics for the board"),
                    ("password", "a guess at it"),
                ],
            )
            .await;
        assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let response = app
        .client()
        .post(
            "/sign-in",
            &[("email", "other@be.example"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(response.status, StatusCode::UNAUTHORIZED, "locked");
}

#[tokio::test]
async fn csrf_token_is_renewed_at_sign_in_and_bound_to_the_session() {
    let app = TestApp::new().await;
    let org = app.org("Belgian Red Cross", "BE").await;
    app.member("admin@be.example", org, "org_admin").await;
    let target = app.member("case@be.example", org, "caseworker").await;
    app.member("viewer@be.example", org, "viewer").await;

    let browser = app.client();
    browser.get("/sign-in").await;
    let anonymous = browser.cookie("retrace_csrf").unwrap();
    browser.sign_in("admin@be.example").await;
    let signed_in = browser.cookie("retrace_csrf").unwrap();
    assert_ne!(anonymous, signed_in, "a fresh token at sign-in");

    // Another session's token (even planted as this browser's cookie) is
    // refused: the token belongs to the session, not to the cookie jar.
    let other = app.signed_in("viewer@be.example").await;
    let foreign = other.cookie("retrace_csrf").unwrap();
    assert_ne!(foreign, signed_in);
    browser.set_cookie("retrace_csrf", &foreign);
    let path = format!("/org/users/{target}/disable");
    let refused = browser
        .post_raw(&path, &[("csrf_token", foreign.as_str())])
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(!app.store.user(target).await.unwrap().unwrap().disabled);
    // The session's own token works whatever the cookie says.
    let accepted = browser
        .post_raw(&path, &[("csrf_token", signed_in.as_str())])
        .await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{}", accepted.body);

    // Signing out renews it again.
    browser.post("/sign-out", &[]).await;
    let after = browser.cookie("retrace_csrf").unwrap();
    assert_ne!(after, signed_in);
    assert_ne!(after, foreign);
}

#[tokio::test]
async fn robots_txt_disallows_everything() {
    let app = TestApp::new().await;
    let response = app.client().get("/robots.txt").await;
    assert_eq!(response.status, StatusCode::OK);
    assert!(
        response.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    assert_eq!(response.body, "User-agent: *\nDisallow: /\n");
}

const MISSING: &str = "5f0c3a52-9d1e-4c1b-8a5e-3d0f1b2c4d6e";

#[tokio::test]
async fn probing_another_organisations_ids_is_a_security_event() {
    let app = TestApp::new().await;
    let story = crate::tracing::orgs(&app).await;
    let prober = app
        .member("prober@fr.example", story.france, "caseworker")
        .await;
    app.account("operator@example.org", retrace_store::Membership::Operator)
        .await;
    let owner = app.signed_in("case@be.example").await;
    let (request, person) = crate::tracing::open_request(&owner).await;
    let be = app.signed_in("prober@fr.example").await;

    for (kind, id) in [("requests", &request), ("persons", &person)] {
        let probed = be.get(&format!("/{kind}/{id}")).await;
        let missing = be.get(&format!("/{kind}/{MISSING}")).await;
        assert_eq!(probed.status, StatusCode::NOT_FOUND);
        assert_eq!(
            probed.body.replace(&request, "ID").replace(&person, "ID"),
            missing.body.replace(MISSING, "ID"),
            "the answer is exactly that of a missing id"
        );
    }
    let events = app.store.security_events(10).await.unwrap();
    assert_eq!(events.len(), 2, "{events:?}");
    assert!(events.iter().all(|e| e.user == Some(prober)
        && e.org == Some(story.france)
        && e.kind.starts_with("cross_org_probe")));
    // Nothing personal and no id of the probed record is kept.
    assert!(!format!("{events:?}").contains(&request));
    assert!(!format!("{events:?}").contains(&person));

    let operator = app.signed_in("operator@example.org").await;
    let page = operator.get("/operator/organisations").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("cross_org_probe"), "{}", page.body);
}
