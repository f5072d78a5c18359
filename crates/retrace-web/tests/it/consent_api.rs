//! Consent through the JSON API: record, list, withdraw; anonymous, wrong
//! role and another organisation's person (exactly like a missing one);
//! and the warning when a request is opened without `vital_interest`.

use crate::access::create_token;
use crate::harness::TestApp;
use axum::http::StatusCode;

const MISSING: &str = "5f0c3a52-9d1e-4c1b-8a5e-3d0f1b2c4d6e";

const REQUEST: &str = r#"{"enquirer":{"names":["Fatima Yusuf"]},
    "sought":[{"relationship":"son","person":{"names":["Abdirahman Yusuf Warsame"]}}],
    "circumstances":{"context":"conflict"}}"#;

#[tokio::test]
async fn consents_are_recorded_listed_and_withdrawn_through_the_api() {
    let app = TestApp::new().await;
    let be = app.org("Belgian Red Cross", "BE").await;
    let fr = app.org("French Red Cross", "FR").await;
    app.member("case@be.example", be, "caseworker").await;
    app.member("viewer@be.example", be, "viewer").await;
    app.member("case@fr.example", fr, "caseworker").await;
    let case = app.api(&create_token(&app.signed_in("case@be.example").await).await);
    let viewer = app.api(&create_token(&app.signed_in("viewer@be.example").await).await);
    let other = app.api(&create_token(&app.signed_in("case@fr.example").await).await);
    let anonymous = app.client();

    // Without vital_interest the response says the sought person is not traced.
    let created = case.post_json("/api/v1/requests", REQUEST).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let json = created.json();
    assert!(
        json["warnings"][0]
            .as_str()
            .unwrap()
            .starts_with("vital_interest"),
        "{json}"
    );
    let sought = json["sought"][0]["id"].as_str().unwrap().to_owned();
    let with_basis = case
        .post_json(
            "/api/v1/requests",
            &REQUEST.replace(
                r#""circumstances""#,
                r#""vital_interest":true,"circumstances""#,
            ),
        )
        .await;
    assert_eq!(
        with_basis.status,
        StatusCode::CREATED,
        "{}",
        with_basis.body
    );
    assert!(
        with_basis.json()["warnings"].is_null(),
        "{}",
        with_basis.body
    );

    let ledger = format!("/api/v1/persons/{sought}/consents");
    let body = r#"{"purpose":"sharing","basis":"vital_interest","countries":["FR"],"note":"Mother asked"}"#;
    assert_eq!(
        anonymous.get(&ledger).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        anonymous.post_json(&ledger, body).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        viewer.post_json(&ledger, body).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        viewer.get(&ledger).await.json()["consents"],
        serde_json::json!([])
    );

    let bad = case
        .post_json(&ledger, r#"{"purpose":"sharing","basis":"whim"}"#)
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(bad.body.contains("basis"), "{}", bad.body);

    let recorded = case.post_json(&ledger, body).await;
    assert_eq!(recorded.status, StatusCode::CREATED, "{}", recorded.body);
    let entry = recorded.json();
    assert_eq!(entry["purpose"], "sharing");
    assert_eq!(entry["basis"], "vital_interest");
    assert_eq!(entry["countries"][0], "FR");
    assert_eq!(entry["active"], true);
    let consent = entry["id"].as_str().unwrap().to_owned();
    let listed = viewer.get(&ledger).await.json();
    assert_eq!(listed["consents"].as_array().unwrap().len(), 1, "{listed}");

    // Another organisation's person looks exactly like a missing one.
    let missing_ledger = format!("/api/v1/persons/{MISSING}/consents");
    let withdraw = format!("{ledger}/{consent}/withdraw");
    let missing_withdraw = format!("{missing_ledger}/{consent}/withdraw");
    for (theirs, missing) in [
        (other.get(&ledger).await, other.get(&missing_ledger).await),
        (
            other.post_json(&ledger, body).await,
            other.post_json(&missing_ledger, body).await,
        ),
        (
            other.post_json(&withdraw, "{}").await,
            other.post_json(&missing_withdraw, "{}").await,
        ),
    ] {
        assert_eq!(theirs.status, StatusCode::NOT_FOUND, "{}", theirs.body);
        assert_eq!(theirs.body.replace(&sought, MISSING), missing.body);
    }
    assert_eq!(
        viewer.post_json(&withdraw, "{}").await.status,
        StatusCode::FORBIDDEN
    );

    let withdrawn = case.post_json(&withdraw, "{}").await;
    assert_eq!(withdrawn.status, StatusCode::OK, "{}", withdrawn.body);
    assert_eq!(withdrawn.json()["active"], false);
    assert!(withdrawn.json()["withdrawn_at"].is_string());
    let listed = case.get(&ledger).await.json();
    assert_eq!(listed["consents"][0]["active"], false, "{listed}");
}
