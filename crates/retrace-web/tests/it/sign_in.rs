//! Sign-in, second factor, lockout, rate limit, sessions, password change.

use crate::harness::{PASSWORD, TestApp};
use axum::http::StatusCode;
use retrace_domain::{AuditAction, Email};
use retrace_store::OrgScope;
use std::time::Duration;

async fn attempt(client: &crate::harness::Client<'_>, email: &str, password: &str) -> StatusCode {
    client
        .post("/sign-in", &[("email", email), ("password", password)])
        .await
        .status
}

#[tokio::test]
async fn caseworker_signs_in_and_out() {
    let app = TestApp::new().await;
    let org = app.org("Belgian Red Cross", "BE").await;
    app.member("case@be.example", org, "caseworker").await;
    let browser = app.client();
    let response = browser
        .post(
            "/sign-in",
            &[
                ("email", "CASE@be.example"),
                ("password", PASSWORD),
                ("next", "/account"),
            ],
        )
        .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER);
    assert_eq!(response.location(), Some("/account"));
    let cookie = response
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|v| v.starts_with("retrace_session="))
        .expect("a session cookie");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(
        cookie.contains("SameSite=Lax") || cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let home = browser.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("case@be.example") || home.body.contains("Test case@be.example"));

    let out = browser.post("/sign-out", &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    browser.get("/").await.assert_redirect_to_sign_in();
}

#[tokio::test]
async fn next_parameter_never_leaves_the_site() {
    let app = TestApp::new().await;
    let org = app.org("Belgian Red Cross", "BE").await;
    app.member("case@be.example", org, "caseworker").await;
    for next in [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
    ] {
        let browser = app.client();
        let response = browser
            .post(
                "/sign-in",
                &[
                    ("email", "case@be.example"),
                    ("password", PASSWORD),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(response.location(), Some("/"), "{next}");
    }
}

#[tokio::test]
async fn wrong_password_and_unknown_account_look_the_same() {
    let app = TestApp::new().await;
    let org = app.org("Belgian Red Cross", "BE").await;
    app.member("case@be.example", org, "caseworker").await;
    let browser = app.client();
    let wrong = browser
        .post(
            "/sign-in",
            &[
                ("email", "case@be.example"),
                ("password", "not the password"),
            ],
        )
        .await;
    let unknown = browser
        .post(
            "/sign-in",
            &[
                ("email", "nobody@be.example"),
                ("password", "not the password"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.status, unknown.status);
    assert_eq!(
        wrong.body.replace("case@be.example", "E"),
        unknown.body.replace("nobody@be.example", "E")
    );
    assert!(
        browser
            .get("/")
            .await
            .location()
            .unwrap()
            .starts_with("/sign-in")
    );
}

#[tokio::test]
async fn five_failures_lock_the_account_with_back_off() {
    let app = TestApp::new().await;
    let org = app.org("Belgian Red Cross", "BE").await;
    let id = app.member("case@be.example", org, "caseworker").await;
    let browser = app.client();
    for _ in 0..5 {
        assert_eq!(
            attempt(&browser, "case@be.example", "wrong password!").await,
            StatusCode::UNAUTHORIZED
        );
    }
    // Locked: even the right password is refused, with the same answer.
    assert_eq!(
        attempt(&browser, "case@be.example", PASSWORD).await,
        StatusCode::UNAUTHORIZED
    );
    let account = app.store.user(id).await.unwrap().unwrap();
    let first_lock = account.locked_until.expect("locked");
    assert!(first_lock > app.now());

    app.clock.advance(Duration::from_secs(61));
    // One more failure after the lockout doubles it.
    assert_eq!(
        attempt(&browser, "case@be.example", "wrong again!!").await,
        StatusCode::UNAUTHORIZED
    );
    let account = app.store.user(id).await.unwrap().unwrap();
    let second_lock = account.locked_until.expect("locked again");
    assert!(
        second_lock.since(app.now()) > Duration::from_secs(100),
        "back-off grows"
    );
    app.clock.advance(Duration::from_secs(60));
    assert_eq!(
        attempt(&browser, "case@be.example", PASSWORD).await,
        StatusCode::UNAUTHORIZED
    );

    app.clock.advance(Duration::from_secs(3600));
    assert_eq!(
        attempt(&browser, "case@be.example", PASSWORD).await,
        StatusCode::SEE_OTHER
    );
    let account = app.store.user(id).await.unwrap().unwrap();
    assert_eq!(account.failed_sign_ins, 0);
    assert_eq!(account.locked_until, None);
    let entries = app
        .store
        .audit_entries(&OrgScope::new(org), 50, None)
        .await
        .unwrap();
    let actions: Vec<&str> = entries.iter().map(|e| e.record.action.as_str()).collect();
    for wanted in [
        AuditAction::AccountLocked,
        AuditAction::SignInFailed,
        AuditAction::SignedIn,
    ] {
        assert!(
            actions.contains(&wanted.as_str()),
            "{wanted} missing from {actions:?}"
        );
    }
}

#[tokio::test]
async fn one_client_address_is_rate_limited() {
    let app = TestApp::with_config(|config| config.sign_in_attempts_per_client = 3).await;
    let org = app.org("Belgian Red Cross", "BE").await;
    app.member("case@be.example", org, "caseworker").await;
    let noisy = app.client();
    for _ in 0..3 {
        assert_eq!(
            attempt(&noisy, "nobody@be.example", "whatever whatever").await,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        attempt(&noisy, "case@be.example", PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // Another address is not affected, and the window passes.
    let other = app.client();
    assert_eq!(
        attempt(&other, "case@be.example", PASSWORD).await,
        StatusCode::SEE_OTHER
    );
    app.clock.advance(Duration::from_secs(5 * 60 + 1));
    assert_eq!(
        attempt(&noisy, "case@be.example", PASSWORD).await,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn sessions_expire_when_idle_and_after_twelve_hours() {
    let app = TestApp::new().await;
    let org = app.org("Belgian Red Cross", "BE").await;
    app.member("case@be.example", org, "caseworker").await;
    let idle = app.signed_in("case@be.example").await;
    app.clock.advance(Duration::from_secs(29 * 60));
    assert_eq!(idle.get("/").await.status, StatusCode::OK);
    app.clock.advance(Duration::from_secs(29 * 60));
    assert_eq!(
        idle.get("/").await.status,
        StatusCode::OK,
        "activity extends the session"
    );
    app.clock.advance(Duration::from_secs(31 * 60));
    idle.get("/").await.assert_redirect_to_sign_in();

    let busy = app.signed_in("case@be.example").await;
    for _ in 0..(12 * 3) {
        app.clock.advance(Duration::from_secs(20 * 60));
        let status = busy.get("/").await.status;
        if status != StatusCode::OK {
            break;
        }
    }
    busy.get("/").await.assert_redirect_to_sign_in();
}

#[tokio::test]
async fn org_admin_must_enrol_then_use_the_second_factor() {
    let app = TestApp::new().await;
    let org = app.org("Belgian Red Cross", "BE").await;
    app.member("admin@be.example", org, "org_admin").await;
    let browser = app.client();
    let response = browser
        .post(
            "/sign-in",
            &[("email", "admin@be.example"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(response.location(), Some("/account/second-factor"));
    // Until enrolled, nothing else is reachable.
    let blocked = browser.get("/org/users").await;
    assert_eq!(blocked.location(), Some("/account/second-factor"));
    let secret = browser.enrol().await;
    assert_eq!(browser.get("/org/users").await.status, StatusCode::OK);
    browser.post("/sign-out", &[]).await;

    let again = app.client();
    let response = again
        .post(
            "/sign-in",
            &[("email", "admin@be.example"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(response.location(), Some("/sign-in/second-factor"));
    assert_eq!(
        again.get("/org/users").await.location(),
        Some("/sign-in/second-factor")
    );
    let wrong = again
        .post("/sign-in/second-factor", &[("code", "000000")])
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    // The code that proved the enrolment is spent: the app's next one.
    let spent = retrace_web::totp_code(&secret, app.now()).unwrap();
    let refused = again
        .post("/sign-in/second-factor", &[("code", spent.as_str())])
        .await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    app.clock.advance(Duration::from_secs(30));
    let code = retrace_web::totp_code(&secret, app.now()).unwrap();
    let right = again
        .post("/sign-in/second-factor", &[("code", code.as_str())])
        .await;
    assert_eq!(right.status, StatusCode::SEE_OTHER, "{}", right.body);
    assert_eq!(again.get("/org/users").await.status, StatusCode::OK);
}

#[tokio::test]
async fn recovery_codes_work_once() {
    let app = TestApp::new().await;
    let org = app.org("Belgian Red Cross", "BE").await;
    app.member("admin@be.example", org, "org_admin").await;
    let browser = app.client();
    browser
        .post(
            "/sign-in",
            &[("email", "admin@be.example"), ("password", PASSWORD)],
        )
        .await;
    let page = browser.get("/account/second-factor").await;
    let secret = page.between("id=\"totp-secret\">", "</code>").unwrap();
    let sealed = page.between("name=\"sealed\" value=\"", "\"").unwrap();
    let code = retrace_web::totp_code(&secret, app.now()).unwrap();
    let codes_page = browser
        .post(
            "/account/second-factor",
            &[("sealed", sealed.as_str()), ("code", code.as_str())],
        )
        .await;
    let recovery = codes_page
        .between("<li><code>", "</code>")
        .expect("recovery codes are listed");

    let first = app.client();
    first
        .post(
            "/sign-in",
            &[("email", "admin@be.example"), ("password", PASSWORD)],
        )
        .await;
    let used = first
        .post("/sign-in/second-factor", &[("code", recovery.as_str())])
        .await;
    assert_eq!(used.status, StatusCode::SEE_OTHER, "{}", used.body);

    let second = app.client();
    second
        .post(
            "/sign-in",
            &[("email", "admin@be.example"), ("password", PASSWORD)],
        )
        .await;
    let reused = second
        .post("/sign-in/second-factor", &[("code", recovery.as_str())])
        .await;
    assert_eq!(reused.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn password_change_checks_the_rules_and_ends_other_sessions() {
    let app = TestApp::new().await;
    let org = app.org("Belgian Red Cross", "BE").await;
    app.member("case@be.example", org, "caseworker").await;
    let laptop = app.signed_in("case@be.example").await;
    let phone = app.signed_in("case@be.example").await;

    let wrong_current = laptop
        .post(
            "/account/password",
            &[
                ("current_password", "not it at all"),
                ("new_password", "a fresh long passphrase"),
            ],
        )
        .await;
    assert_eq!(wrong_current.status, StatusCode::UNPROCESSABLE_ENTITY);
    for weak in ["short", "password1234", "Password123!"] {
        let response = laptop
            .post(
                "/account/password",
                &[("current_password", PASSWORD), ("new_password", weak)],
            )
            .await;
        assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{weak}");
    }
    let changed = laptop
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
        laptop.get("/").await.status,
        StatusCode::OK,
        "this session stays"
    );
    phone.get("/").await.assert_redirect_to_sign_in();
    let email = Email::parse("case@be.example").unwrap();
    let account = app.store.user_by_email(&email).await.unwrap().unwrap();
    assert!(retrace_app::password::verify_password(
        "a fresh long passphrase",
        &account.password_hash
    ));
}

#[tokio::test]
async fn disabled_accounts_lose_their_sessions() {
    let app = TestApp::new().await;
    let org = app.org("Belgian Red Cross", "BE").await;
    app.member("admin@be.example", org, "org_admin").await;
    let target = app.member("case@be.example", org, "caseworker").await;
    let admin = app.signed_in("admin@be.example").await;
    let case = app.signed_in("case@be.example").await;
    let response = admin
        .post(&format!("/org/users/{target}/disable"), &[])
        .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    case.get("/").await.assert_redirect_to_sign_in();
    assert_eq!(
        attempt(&app.client(), "case@be.example", PASSWORD).await,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn failures_while_locked_do_not_extend_the_lock_and_the_lock_is_capped() {
    let app = TestApp::new().await;
    let org = app.org("Belgian Red Cross", "BE").await;
    let id = app.member("case@be.example", org, "caseworker").await;
    // An attacker with many addresses: each address fails only a few times.
    for _ in 0..5 {
        let attacker = app.client();
        assert_eq!(
            attempt(&attacker, "case@be.example", "wrong password!").await,
            StatusCode::UNAUTHORIZED
        );
    }
    let locked = app.store.user(id).await.unwrap().unwrap();
    let first_lock = locked.locked_until.expect("locked");
    for _ in 0..40 {
        let attacker = app.client();
        attempt(&attacker, "case@be.example", "wrong password!").await;
    }
    let account = app.store.user(id).await.unwrap().unwrap();
    assert_eq!(account.locked_until, Some(first_lock), "not extended");
    assert_eq!(
        account.failed_sign_ins, locked.failed_sign_ins,
        "not counted"
    );

    // Even after many rounds the lock never exceeds fifteen minutes.
    for _ in 0..12 {
        app.clock.advance(Duration::from_secs(16 * 60));
        let attacker = app.client();
        attempt(&attacker, "case@be.example", "wrong password!").await;
        let account = app.store.user(id).await.unwrap().unwrap();
        let until = account.locked_until.expect("locked again");
        assert!(
            until.since(app.now()) <= Duration::from_secs(15 * 60),
            "capped"
        );
    }
    app.clock.advance(Duration::from_secs(15 * 60 + 1));
    let owner = app.client();
    assert_eq!(
        attempt(&owner, "case@be.example", PASSWORD).await,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn a_client_failing_across_many_accounts_is_blocked() {
    let app = TestApp::new().await;
    let org = app.org("Belgian Red Cross", "BE").await;
    for n in 0..12 {
        app.member(&format!("case{n}@be.example"), org, "caseworker")
            .await;
    }
    let sprayer = app.client();
    // Two guesses per account: no account reaches its lock threshold.
    let mut blocked = false;
    for n in 0..12 {
        for _ in 0..2 {
            let status = attempt(&sprayer, &format!("case{n}@be.example"), "Spring2026!!!").await;
            blocked |= status == StatusCode::TOO_MANY_REQUESTS;
        }
    }
    assert!(blocked, "the per-client failure limit stops the spray");
    assert_eq!(
        attempt(&sprayer, "case0@be.example", PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // Nobody else is affected, and no account was locked.
    let owner = app.client();
    assert_eq!(
        attempt(&owner, "case11@be.example", PASSWORD).await,
        StatusCode::SEE_OTHER
    );
    app.clock.advance(Duration::from_secs(15 * 60 + 1));
    assert_eq!(
        attempt(&sprayer, "case0@be.example", PASSWORD).await,
        StatusCode::SEE_OTHER
    );
}

/// A sign-in attempt that arrives with an `X-Forwarded-For` header.
async fn attempt_via(
    client: &crate::harness::Client<'_>,
    forwarded_for: &str,
    email: &str,
    password: &str,
) -> StatusCode {
    if client.cookie("retrace_csrf").is_none() {
        client.get("/sign-in").await;
    }
    let token = client.cookie("retrace_csrf").unwrap();
    let body = serde_urlencoded::to_string([
        ("csrf_token", token.as_str()),
        ("email", email),
        ("password", password),
    ])
    .unwrap();
    client
        .send(
            axum::http::Method::POST,
            "/sign-in",
            Some(("application/x-www-form-urlencoded", body)),
            Some(("x-forwarded-for", forwarded_for)),
        )
        .await
        .status
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_client_has_its_own_limit() {
    // The test clients connect from 10.0.0.0/8: here, that is the proxy.
    let app = TestApp::with_config(|config| {
        config.sign_in_attempts_per_client = 3;
        config.trusted_proxies = vec!["10.0.0.0/8".parse().unwrap()];
    })
    .await;
    let org = app.org("Belgian Red Cross", "BE").await;
    app.member("case@be.example", org, "caseworker").await;
    let proxy = app.client();
    for _ in 0..3 {
        attempt_via(
            &proxy,
            "198.51.100.1",
            "nobody@be.example",
            "whatever whatever",
        )
        .await;
    }
    // The noisy client is limited, even when it forges a leftmost hop ...
    assert_eq!(
        attempt_via(
            &proxy,
            "203.0.113.50, 198.51.100.1",
            "case@be.example",
            PASSWORD
        )
        .await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // ... while another visitor behind the same proxy signs in.
    assert_eq!(
        attempt_via(&proxy, "198.51.100.2", "case@be.example", PASSWORD).await,
        StatusCode::SEE_OTHER
    );

    // IPv6 clients rotating through their /64 share one limit.
    let v6 = app.client();
    for host in 1..=3 {
        attempt_via(
            &v6,
            &format!("2001:db8:7:7::{host}"),
            "nobody@be.example",
            "whatever whatever",
        )
        .await;
    }
    assert_eq!(
        attempt_via(&v6, "2001:db8:7:7:ffff::9", "case@be.example", PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test]
async fn forwarded_headers_from_untrusted_peers_are_ignored() {
    let app = TestApp::with_config(|config| {
        config.sign_in_attempts_per_client = 3;
        config.trusted_proxies = vec!["192.0.2.1".parse().unwrap()];
    })
    .await;
    let org = app.org("Belgian Red Cross", "BE").await;
    app.member("case@be.example", org, "caseworker").await;
    let forger = app.client();
    for n in 0..3 {
        attempt_via(
            &forger,
            &format!("198.51.100.{n}"),
            "nobody@be.example",
            "whatever whatever",
        )
        .await;
    }
    assert_eq!(
        attempt_via(&forger, "198.51.100.99", "case@be.example", PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test]
async fn a_totp_code_signs_in_only_once() {
    let app = TestApp::new().await;
    let org = app.org("Belgian Red Cross", "BE").await;
    app.member("admin@be.example", org, "org_admin").await;
    let browser = app.client();
    browser
        .post(
            "/sign-in",
            &[("email", "admin@be.example"), ("password", PASSWORD)],
        )
        .await;
    let secret = browser.enrol().await;
    // A later time step than the enrolment's, as a person would sign in.
    app.clock.advance(Duration::from_secs(60));
    let code = retrace_web::totp_code(&secret, app.now()).unwrap();
    let first = app.client();
    first
        .post(
            "/sign-in",
            &[("email", "admin@be.example"), ("password", PASSWORD)],
        )
        .await;
    let used = first
        .post("/sign-in/second-factor", &[("code", code.as_str())])
        .await;
    assert_eq!(used.status, StatusCode::SEE_OTHER, "{}", used.body);

    // Someone who saw the code (over a shoulder, a phishing proxy) within
    // its window cannot use it for a second sign-in.
    let second = app.client();
    second
        .post(
            "/sign-in",
            &[("email", "admin@be.example"), ("password", PASSWORD)],
        )
        .await;
    let replayed = second
        .post("/sign-in/second-factor", &[("code", code.as_str())])
        .await;
    assert_eq!(replayed.status, StatusCode::UNAUTHORIZED);
    // The next step's code still works.
    app.clock.advance(Duration::from_secs(30));
    let next = retrace_web::totp_code(&secret, app.now()).unwrap();
    let fresh = second
        .post("/sign-in/second-factor", &[("code", next.as_str())])
        .await;
    assert_eq!(fresh.status, StatusCode::SEE_OTHER, "{}", fresh.body);
}
