//! The JSON API: bearer tokens, error bodies that name the field.

use crate::access::create_token;
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
