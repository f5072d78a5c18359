//! The JSON API: bearer tokens, error bodies that name the field.

use crate::access::{create_scoped_token, create_token};
use crate::harness::TestApp;
use axum::http::StatusCode;
use retrace_store::Membership;

#[tokio::test]
async fn tokens_work_until_revoked_and_are_stored_hashed() {
    let app = TestApp::new().await;
    let org = app.org("Belgian Red Cross", "BE").await;
    let id = app.member("case@be.example", org, "caseworker").await;
    let browser = app.signed_in("case@be.example").await;
    let token = create_token(&browser).await;
    assert!(token.starts_with("rt_") && token.len() > 40, "{token}");
    let api = app.api(&token);
    let me = api.get("/api/v1/me").await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.json()["email"], "case@be.example");
    assert_eq!(me.json()["roles"][0], "caseworker");
    // The account page never shows the secret again.
    let account = browser.get("/account").await;
    assert!(!account.body.contains(&token));
    let stored = app.store.api_tokens(id).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert!(stored[0].last_used_at.is_some());

    let revoke = browser
        .post(&format!("/account/api-tokens/{}/revoke", stored[0].id), &[])
        .await;
    assert_eq!(revoke.status, StatusCode::SEE_OTHER, "{}", revoke.body);
    assert_eq!(api.get("/api/v1/me").await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn api_requests_need_no_csrf_token_but_cookies_do_not_authenticate_them() {
    let app = TestApp::new().await;
    let org = app.org("Belgian Red Cross", "BE").await;
    app.member("case@be.example", org, "caseworker").await;
    let browser = app.signed_in("case@be.example").await;
    // A browser session alone is not an API credential.
    assert_eq!(
        browser.get("/api/v1/me").await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn operators_create_organisations_and_bad_json_names_the_field() {
    let app = TestApp::new().await;
    app.account("op@retrace.example", Membership::Operator)
        .await;
    let browser = app.signed_in("op@retrace.example").await;
    let token = create_token(&browser).await;
    let api = app.api(&token);

    let created = api
        .post_json(
            "/api/v1/organisations",
            r#"{"name":"Lebanese Red Cross","kind":"national_society","country":"LB"}"#,
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    assert_eq!(created.json()["country"], "LB");

    let cases = [
        (
            r#"{"name":"Xenia Aid","kind":"ngo","country":"ZZ"}"#,
            "country",
        ),
        (
            r#"{"name":"Yarmouk Aid","kind":"club","country":"BE"}"#,
            "kind",
        ),
        (r#"{"name":"","kind":"ngo","country":"BE"}"#, "name"),
        (r#"{"name":"Zagora Aid","kind":"ngo""#, "body"),
        (
            r#"{"name":"Zagora Aid","kind":"ngo","country":"BE","extra":1}"#,
            "body",
        ),
    ];
    for (body, field) in cases {
        let response = api.post_json("/api/v1/organisations", body).await;
        assert_eq!(
            response.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {}",
            response.body
        );
        let json = response.json();
        assert_eq!(json["code"], "invalid", "{body}");
        assert_eq!(json["field"], field, "{body}");
        assert!(!json["message"].as_str().unwrap().is_empty());
    }
    let duplicate = api
        .post_json(
            "/api/v1/organisations",
            r#"{"name":"lebanese red cross","kind":"ngo","country":"LB"}"#,
        )
        .await;
    assert_eq!(duplicate.status, StatusCode::CONFLICT, "{}", duplicate.body);
    assert_eq!(duplicate.json()["field"], "name");
    assert_eq!(
        app.store.organisations().await.unwrap().len(),
        1,
        "nothing half-written"
    );
}

#[tokio::test]
async fn org_admins_list_their_users_and_audit_over_the_api() {
    let app = TestApp::new().await;
    let org = app.org("Belgian Red Cross", "BE").await;
    app.member("admin@be.example", org, "org_admin").await;
    app.member("case@be.example", org, "caseworker").await;
    let browser = app.signed_in("admin@be.example").await;
    let api = app.api(&create_token(&browser).await);
    let users = api.get("/api/v1/org/users").await;
    assert_eq!(users.status, StatusCode::OK);
    assert_eq!(users.json()["users"].as_array().unwrap().len(), 2);
    let audit = api.get("/api/v1/org/audit?limit=5").await;
    assert_eq!(audit.status, StatusCode::OK);
    let entries = audit.json()["entries"].as_array().unwrap().clone();
    assert!(!entries.is_empty() && entries.len() <= 5);
    assert!(entries[0]["hash"].as_str().unwrap().len() == 64);
    let bad = api.get("/api/v1/org/audit?limit=lots").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert_eq!(bad.json()["field"], "limit");
}

#[tokio::test]
async fn a_token_without_the_scope_is_refused_with_a_clear_error() {
    let app = TestApp::new().await;
    let org = app.org("Belgian Red Cross", "BE").await;
    app.member("admin@be.example", org, "org_admin,caseworker")
        .await;
    let browser = app.signed_in("admin@be.example").await;
    let read_only = create_scoped_token(&browser, &["read"]).await;
    let reader = app.api(&read_only);
    assert_eq!(reader.get("/api/v1/me").await.status, StatusCode::OK);
    assert_eq!(reader.get("/api/v1/requests").await.status, StatusCode::OK);
    // Writing needs `write`, administering `admin`, bulk export `export`.
    let write = reader.post_json("/api/v1/registrations", "{}").await;
    assert_eq!(write.status, StatusCode::FORBIDDEN, "{}", write.body);
    assert_eq!(write.json()["code"], "insufficient_scope");
    assert!(
        write.json()["message"]
            .as_str()
            .unwrap()
            .contains("`write`"),
        "{}",
        write.body
    );
    let admin = reader.get("/api/v1/org/users").await;
    assert_eq!(admin.status, StatusCode::FORBIDDEN);
    assert_eq!(admin.json()["code"], "insufficient_scope");
    let feed = reader
        .get(&format!("/api/v1/pfif/persons?receiver={org}"))
        .await;
    assert_eq!(feed.status, StatusCode::FORBIDDEN);
    assert!(
        feed.json()["message"]
            .as_str()
            .unwrap()
            .contains("`export`")
    );
    // The same account with the scopes is let through; roles still apply.
    let admin_only = create_scoped_token(&browser, &["admin"]).await;
    let admin_token = app.api(&admin_only);
    assert_eq!(
        admin_token.get("/api/v1/org/users").await.status,
        StatusCode::OK
    );
    assert_eq!(
        admin_token.get("/api/v1/me").await.status,
        StatusCode::FORBIDDEN
    );
    // The scopes are shown on the account page, in words.
    let account = browser.get("/account").await;
    assert!(
        account.body.contains(">read records</td>"),
        "{}",
        account.body
    );
}

#[tokio::test]
async fn a_token_needs_scopes_and_a_lifetime_of_at_most_a_year() {
    let app = TestApp::new().await;
    let org = app.org("Belgian Red Cross", "BE").await;
    app.member("case@be.example", org, "caseworker").await;
    let browser = app.signed_in("case@be.example").await;
    for form in [
        vec![("name", "x"), ("expires_in_days", "90")],
        vec![("name", "x"), ("expires_in_days", "90"), ("scopes", "root")],
        vec![
            ("name", "x"),
            ("expires_in_days", "366"),
            ("scopes", "read"),
        ],
        vec![("name", "x"), ("scopes", "read")],
    ] {
        let refused = browser.post("/account/api-tokens", &form).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{form:?}");
        assert!(refused.body.contains("role=\"alert\""), "{form:?}");
    }
}

#[tokio::test]
async fn an_expired_token_is_refused_401_and_says_so() {
    let app = TestApp::new().await;
    let org = app.org("Belgian Red Cross", "BE").await;
    app.member("case@be.example", org, "caseworker").await;
    let browser = app.signed_in("case@be.example").await;
    let form = [
        ("name", "short"),
        ("expires_in_days", "30"),
        ("scopes", "read"),
    ];
    let created = browser.post("/account/api-tokens", &form).await;
    let token = created.between("id=\"new-token\">", "</code>").unwrap();
    // The account's list of tokens names the scope in words, not its code.
    let account = browser.get("/account").await;
    assert!(
        account.body.contains(">read records</td>"),
        "{}",
        account.body
    );
    let api = app.api(&token);
    app.clock
        .advance(std::time::Duration::from_secs(29 * 86_400));
    assert_eq!(api.get("/api/v1/me").await.status, StatusCode::OK);
    app.clock.advance(std::time::Duration::from_secs(86_400));
    let late = api.get("/api/v1/me").await;
    assert_eq!(late.status, StatusCode::UNAUTHORIZED);
    assert_eq!(late.json()["code"], "token_expired");
    // Even a route open to anyone refuses it: the caller must know.
    let doc = api.get("/api/v1/openapi.json").await;
    assert_eq!(doc.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn status_changes_and_account_administration_through_the_api() {
    let app = TestApp::new().await;
    let be = app.org("Belgian Red Cross", "BE").await;
    let fr = app.org("French Red Cross", "FR").await;
    app.member("admin@be.example", be, "org_admin,caseworker")
        .await;
    let target = app.member("case@be.example", be, "caseworker").await;
    let foreign = app.member("case@fr.example", fr, "caseworker").await;
    app.member("viewer@be.example", be, "viewer").await;
    let admin_token = create_token(&app.signed_in("admin@be.example").await).await;
    let admin = app.api(&admin_token);
    let viewer_token = create_token(&app.signed_in("viewer@be.example").await).await;
    let viewer = app.api(&viewer_token);
    let foreign_token = create_token(&app.signed_in("case@fr.example").await).await;
    let other = app.api(&foreign_token);
    let anonymous = app.client();

    // Accounts: roles, disable, enable.
    let roles = format!("/api/v1/org/users/{target}/roles");
    let changed = admin.post_json(&roles, r#"{"roles":["viewer"]}"#).await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    assert_eq!(changed.json()["roles"][0], "viewer");
    let disabled = admin
        .post_json(&format!("/api/v1/org/users/{target}/disable"), "{}")
        .await;
    assert_eq!(disabled.status, StatusCode::OK, "{}", disabled.body);
    assert_eq!(disabled.json()["disabled"], true);
    let enabled = admin
        .post_json(&format!("/api/v1/org/users/{target}/enable"), "{}")
        .await;
    assert_eq!(enabled.json()["disabled"], false);
    assert_eq!(
        anonymous
            .post_json(&roles, r#"{"roles":["viewer"]}"#)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        viewer
            .post_json(&roles, r#"{"roles":["viewer"]}"#)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // Another organisation's account answers like a missing one.
    let theirs = admin
        .post_json(&format!("/api/v1/org/users/{foreign}/disable"), "{}")
        .await;
    let missing = admin
        .post_json(
            "/api/v1/org/users/5f0c3a52-9d1e-4c1b-8a5e-3d0f1b2c4d6e/disable",
            "{}",
        )
        .await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND);
    assert_eq!(theirs.body, missing.body);

    // Status changes, with the version read.
    let created = admin
        .post_json(
            "/api/v1/requests",
            r#"{"enquirer":{"names":["Hawa Hassan"]},"sought":[{"relationship":"son","person":{"names":["Bilal Hassan"]}}],"circumstances":{"context":"migration"}}"#,
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let id = created.json()["id"].as_str().unwrap().to_owned();
    let version = created.json()["version"].as_i64().unwrap();
    let status = format!("/api/v1/requests/{id}/status");
    let body = format!(r#"{{"version":{version},"status":"searching"}}"#);
    let moved = admin.post_json(&status, &body).await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
    assert_eq!(moved.json()["status"], "searching");
    let stale = admin
        .post_json(&status, &body.replace("searching", "located"))
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    assert_eq!(
        anonymous.post_json(&status, &body).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        viewer.post_json(&status, &body).await.status,
        StatusCode::FORBIDDEN
    );
    let theirs = other.post_json(&status, &body).await;
    let missing = other
        .post_json(
            "/api/v1/requests/5f0c3a52-9d1e-4c1b-8a5e-3d0f1b2c4d6e/status",
            &body,
        )
        .await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND, "{}", theirs.body);
    assert_eq!(theirs.body, missing.body);
}
