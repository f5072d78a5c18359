//! The API does what the pages do: person edits with a version check,
//! sought persons added, the CSV export, accounts created and passwords
//! reset, gallery publication, approval and takedown, and the public's
//! reports. Each route: anonymous, wrong role, and another organisation's
//! record answered exactly like a missing one.

use crate::access::{create_scoped_token, create_token};
use crate::gallery::{gps_photo, send_report};
use crate::harness::{Client, TestApp, TestResponse};
use crate::tracing::orgs;
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

const MISSING: &str = "5f0c3a52-9d1e-4c1b-8a5e-3d0f1b2c4d6e";

const REQUEST: &str = r#"{"enquirer":{"names":["Fatima Yusuf"],"contact":"+32 470 11 22 33"},
    "sought":[{"relationship":"son","person":{"names":["Abdirahman Yusuf Warsame"],"birth_date":"2001"}}],
    "vital_interest":true,"circumstances":{"context":"conflict"}}"#;

async fn put_json(client: &Client<'_>, path: &str, body: &str) -> TestResponse {
    client
        .send(
            Method::PUT,
            path,
            Some(("application/json", body.to_owned())),
            None,
        )
        .await
}

/// The same answer, with the asked-for id taken out.
fn shape(response: &TestResponse, id: &str) -> (StatusCode, String) {
    (response.status, response.body.replace(id, "ID"))
}

#[tokio::test]
async fn persons_are_edited_and_sought_persons_added_through_the_api() {
    let app = TestApp::new().await;
    orgs(&app).await;
    let case = app.api(&create_token(&app.signed_in("case@be.example").await).await);
    let viewer = app.api(&create_token(&app.signed_in("viewer@be.example").await).await);
    let other = app.api(&create_token(&app.signed_in("case@fr.example").await).await);
    let anonymous = app.client();

    let created = case.post_json("/api/v1/requests", REQUEST).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let request = created.json();
    let request_id = request["id"].as_str().unwrap().to_owned();
    let sought = request["sought"][0]["id"].as_str().unwrap().to_owned();
    let version = request["sought"][0]["version"].as_i64().unwrap();

    let path = format!("/api/v1/persons/{sought}");
    let edit = |version: i64| {
        json!({ "version": version, "person": { "names": ["Abdirahman Yusuf Warsame", "Cabdiraxmaan Yuusuf"], "birth_date": "2001-05", "last_known_place": "Bosaso" } }).to_string()
    };
    assert_eq!(
        put_json(&anonymous, &path, &edit(version)).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        put_json(&viewer, &path, &edit(version)).await.status,
        StatusCode::FORBIDDEN
    );
    let foreign = put_json(&other, &path, &edit(version)).await;
    let missing = put_json(
        &other,
        &format!("/api/v1/persons/{MISSING}"),
        &edit(version),
    )
    .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
    assert_eq!(shape(&foreign, &sought), shape(&missing, MISSING));

    let saved = put_json(&case, &path, &edit(version)).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let saved = saved.json();
    assert_eq!(saved["version"].as_i64().unwrap(), version + 1);
    let shown = case.get(&path).await.json();
    assert_eq!(shown["details"]["last_known_place"], "Bosaso", "{shown}");
    assert_eq!(
        shown["details"]["names"][1]["full"], "Cabdiraxmaan Yuusuf",
        "{shown}"
    );

    // The version read before the change is stale now: refused, unchanged.
    let stale = put_json(
        &case,
        &path,
        &json!({ "version": version, "person": { "names": ["Someone Else"] } }).to_string(),
    )
    .await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    assert_eq!(
        case.get(&path).await.json()["details"]["last_known_place"],
        "Bosaso"
    );
    // Bad input names the field, and nothing changes.
    let bad = put_json(
        &case,
        &path,
        &json!({ "version": version + 1, "person": { "names": ["A"], "birth_date": "2001-13" } })
            .to_string(),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(bad.body.contains("birth_date"), "{}", bad.body);
    assert_eq!(
        case.get(&path).await.json()["version"].as_i64().unwrap(),
        version + 1
    );

    // A second sought person.
    let add = format!("/api/v1/requests/{request_id}/sought");
    let body = r#"{"relationship":"daughter","person":{"names":["Hodan Yusuf Warsame"],"sex":"female"},"vital_interest":true}"#;
    assert_eq!(
        anonymous.post_json(&add, body).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        viewer.post_json(&add, body).await.status,
        StatusCode::FORBIDDEN
    );
    let foreign = other.post_json(&add, body).await;
    let missing = other
        .post_json(&format!("/api/v1/requests/{MISSING}/sought"), body)
        .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
    assert_eq!(shape(&foreign, &request_id), shape(&missing, MISSING));
    let added = case.post_json(&add, body).await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.body);
    assert_eq!(added.json()["relationship"], "daughter");
    let request = case
        .get(&format!("/api/v1/requests/{request_id}"))
        .await
        .json();
    assert_eq!(request["sought"].as_array().unwrap().len(), 2, "{request}");
    let refused = case
        .post_json(
            &add,
            r#"{"relationship":"cousin-ish","person":{"names":["X Y"]}}"#,
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert!(refused.body.contains("relationship"), "{}", refused.body);
    assert_eq!(
        case.get(&format!("/api/v1/requests/{request_id}"))
            .await
            .json()["sought"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[tokio::test]
async fn the_csv_export_needs_the_export_scope_and_a_reason() {
    let app = TestApp::new().await;
    let story = orgs(&app).await;
    app.member("admin@be.example", story.belgium, "org_admin")
        .await;
    let browser = app.signed_in("case@be.example").await;
    let full = app.api(&create_token(&browser).await);
    let write_only = app.api(&create_scoped_token(&browser, &["read", "write"]).await);
    let viewer = app.api(&create_token(&app.signed_in("viewer@be.example").await).await);
    let other = app.api(&create_token(&app.signed_in("case@fr.example").await).await);
    let anonymous = app.client();
    assert_eq!(
        full.post_json("/api/v1/requests", REQUEST).await.status,
        StatusCode::CREATED
    );

    let body = r#"{"reason":"Monthly report to the tracing coordinator"}"#;
    assert_eq!(
        anonymous
            .post_json("/api/v1/exports/requests", body)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    let no_scope = write_only.post_json("/api/v1/exports/requests", body).await;
    assert_eq!(no_scope.status, StatusCode::FORBIDDEN);
    assert!(no_scope.body.contains("export"), "{}", no_scope.body);
    assert_eq!(
        viewer
            .post_json("/api/v1/exports/requests", body)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let short = full
        .post_json("/api/v1/exports/requests", r#"{"reason":"why"}"#)
        .await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(short.body.contains("reason"), "{}", short.body);

    let csv = full.post_json("/api/v1/exports/requests", body).await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.body);
    assert!(
        csv.body
            .starts_with("reference,status,opened,enquirer,sought"),
        "{}",
        csv.body
    );
    assert!(csv.body.contains("BE-"), "{}", csv.body);
    // Another organisation's export holds none of ours.
    let theirs = other.post_json("/api/v1/exports/requests", body).await;
    assert_eq!(theirs.status, StatusCode::OK);
    assert!(!theirs.body.contains("BE-"), "{}", theirs.body);
    assert!(!theirs.body.contains("Fatima"), "{}", theirs.body);
    // The export is in the audit log (its reason is kept with the export
    // record the log entry points at).
    let admin_browser = app.signed_in("admin@be.example").await;
    let log = admin_browser.get("/org/audit").await;
    // One entry: ours; the French export is in the French log.
    assert_eq!(
        log.body.matches(">Data exported</td>").count(),
        1,
        "{}",
        log.body
    );
}

#[tokio::test]
async fn accounts_are_created_and_passwords_reset_through_the_api() {
    let app = TestApp::new().await;
    let be = app.org("Belgian Red Cross", "BE").await;
    let fr = app.org("French Red Cross", "FR").await;
    app.member("admin@be.example", be, "org_admin").await;
    app.member("case@be.example", be, "caseworker").await;
    let foreign = app.member("case@fr.example", fr, "caseworker").await;
    app.member("admin@fr.example", fr, "org_admin").await;
    let admin = app.api(&create_token(&app.signed_in("admin@be.example").await).await);
    let case = app.api(&create_token(&app.signed_in("case@be.example").await).await);
    let anonymous = app.client();

    let body = r#"{"email":"new.caseworker@be.example","display_name":"New Caseworker","roles":["caseworker"]}"#;
    assert_eq!(
        anonymous.post_json("/api/v1/org/users", body).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        case.post_json("/api/v1/org/users", body).await.status,
        StatusCode::FORBIDDEN
    );
    let created = admin.post_json("/api/v1/org/users", body).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let created = created.json();
    let password = created["password"].as_str().unwrap().to_owned();
    let id = created["user"]["id"].as_str().unwrap().to_owned();
    assert_eq!(created["user"]["roles"], json!(["caseworker"]));
    // The one-time password signs in (and must then be changed).
    let signed = app
        .client()
        .post(
            "/sign-in",
            &[
                ("email", "new.caseworker@be.example"),
                ("password", &password),
            ],
        )
        .await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
    // The same address again: a conflict; a bad role: the field named.
    assert_eq!(
        admin.post_json("/api/v1/org/users", body).await.status,
        StatusCode::CONFLICT
    );
    let bad = admin
        .post_json(
            "/api/v1/org/users",
            r#"{"email":"x@be.example","display_name":"X","roles":["superuser"]}"#,
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);

    let reset = format!("/api/v1/org/users/{id}/reset-password");
    assert_eq!(
        anonymous.post_json(&reset, "{}").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        case.post_json(&reset, "{}").await.status,
        StatusCode::FORBIDDEN
    );
    let theirs = admin
        .post_json(&format!("/api/v1/org/users/{foreign}/reset-password"), "{}")
        .await;
    let missing = admin
        .post_json(&format!("/api/v1/org/users/{MISSING}/reset-password"), "{}")
        .await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND);
    assert_eq!(
        shape(&theirs, &foreign.to_string()),
        shape(&missing, MISSING)
    );
    let fresh = admin.post_json(&reset, "{}").await;
    assert_eq!(fresh.status, StatusCode::OK, "{}", fresh.body);
    let new_password = fresh.json()["password"].as_str().unwrap().to_owned();
    assert_ne!(new_password, password);
    let old = app
        .client()
        .post(
            "/sign-in",
            &[
                ("email", "new.caseworker@be.example"),
                ("password", &password),
            ],
        )
        .await;
    assert_ne!(
        old.status,
        StatusCode::SEE_OTHER,
        "the old password no longer works"
    );
}

#[tokio::test]
async fn the_gallery_is_published_reviewed_and_taken_down_through_the_api() {
    let app = TestApp::new().await;
    orgs(&app).await;
    let case = app.api(&create_token(&app.signed_in("case@be.example").await).await);
    let viewer = app.api(&create_token(&app.signed_in("viewer@be.example").await).await);
    let other = app.api(&create_token(&app.signed_in("case@fr.example").await).await);
    let anonymous = app.client();

    let created = case.post_json("/api/v1/requests", REQUEST).await.json();
    let request = created["id"].as_str().unwrap().to_owned();
    let enquirer = created["enquirer"]["id"].as_str().unwrap().to_owned();
    let photo = data_encoding::BASE64.encode(&gps_photo());
    let publication = json!({ "request": request, "relationships": ["son"], "region": "", "photo_base64": photo }).to_string();

    // Without a publication consent: refused, nothing stored.
    let refused = case.post_json("/api/v1/gallery", &publication).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert_eq!(
        case.get("/api/v1/gallery").await.json()["entries"],
        json!([])
    );
    let consent = case
        .post_json(
            &format!("/api/v1/persons/{enquirer}/consents"),
            r#"{"purpose":"publication","basis":"self","method":"written"}"#,
        )
        .await;
    assert_eq!(consent.status, StatusCode::CREATED, "{}", consent.body);

    assert_eq!(
        anonymous
            .post_json("/api/v1/gallery", &publication)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        viewer
            .post_json("/api/v1/gallery", &publication)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let not_base64 = case
        .post_json(
            "/api/v1/gallery",
            &json!({ "request": request, "relationships": ["son"], "photo_base64": "%%%" })
                .to_string(),
        )
        .await;
    assert_eq!(not_base64.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        not_base64.body.contains("photo_base64"),
        "{}",
        not_base64.body
    );
    // Another organisation cannot publish our request.
    let theirs = other.post_json("/api/v1/gallery", &publication).await;
    assert!(
        matches!(
            theirs.status,
            StatusCode::NOT_FOUND | StatusCode::UNPROCESSABLE_ENTITY
        ),
        "{}",
        theirs.body
    );
    assert_eq!(
        other.get("/api/v1/gallery").await.json()["entries"],
        json!([])
    );

    let published = case.post_json("/api/v1/gallery", &publication).await;
    assert_eq!(published.status, StatusCode::CREATED, "{}", published.body);
    let entry: Value = published.json();
    let id = entry["id"].as_str().unwrap().to_owned();
    let reference = entry["reference"].as_str().unwrap().to_owned();
    assert_eq!(entry["status"], "published");
    assert_eq!(
        viewer.get(&format!("/api/v1/gallery/{id}")).await.json()["reference"],
        reference
    );
    assert_eq!(
        anonymous.get(&format!("/gallery/{reference}")).await.status,
        StatusCode::OK
    );
    let foreign = other.get(&format!("/api/v1/gallery/{id}")).await;
    let missing = other.get(&format!("/api/v1/gallery/{MISSING}")).await;
    assert_eq!(shape(&foreign, &id), shape(&missing, MISSING));
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
    // An adult's entry needs no second approval.
    assert_eq!(
        case.post_json(&format!("/api/v1/gallery/{id}/approve"), "{}")
            .await
            .status,
        StatusCode::CONFLICT
    );

    // A visitor's report reaches the queue of the API.
    let visitor = app.client();
    send_report(&app, &visitor, &reference, "I met him in Bosaso last week").await;
    let reports = viewer.get("/api/v1/gallery-reports").await.json();
    let report = reports["reports"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        reports["reports"][0]["message"],
        "I met him in Bosaso last week"
    );
    assert_eq!(
        other.get("/api/v1/gallery-reports").await.json()["reports"],
        json!([])
    );
    let foreign = other
        .get(&format!("/api/v1/gallery-reports/{report}"))
        .await;
    let missing = other
        .get(&format!("/api/v1/gallery-reports/{MISSING}"))
        .await;
    assert_eq!(shape(&foreign, &report), shape(&missing, MISSING));
    assert_eq!(
        anonymous.get("/api/v1/gallery-reports").await.status,
        StatusCode::UNAUTHORIZED
    );
    let status = format!("/api/v1/gallery-reports/{report}/status");
    assert_eq!(
        viewer
            .post_json(&status, r#"{"status":"useful"}"#)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        other
            .post_json(&status, r#"{"status":"useful"}"#)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        case.post_json(&status, r#"{"status":"maybe"}"#)
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let marked = case.post_json(&status, r#"{"status":"useful"}"#).await;
    assert_eq!(marked.status, StatusCode::OK, "{}", marked.body);
    assert_eq!(
        viewer
            .get("/api/v1/gallery-reports?status=useful")
            .await
            .json()["reports"][0]["id"],
        report
    );
    assert_eq!(
        viewer
            .get("/api/v1/gallery-reports?status=nonsense")
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );

    // Takedown: refused to others, then the public page is gone.
    let down = format!("/api/v1/gallery/{id}/take-down");
    assert_eq!(
        anonymous.post_json(&down, "{}").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        viewer.post_json(&down, "{}").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        other.post_json(&down, "{}").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        anonymous.get(&format!("/gallery/{reference}")).await.status,
        StatusCode::OK
    );
    let gone = case.post_json(&down, "{}").await;
    assert_eq!(gone.status, StatusCode::OK, "{}", gone.body);
    assert_eq!(
        anonymous.get(&format!("/gallery/{reference}")).await.status,
        StatusCode::NOT_FOUND
    );
}
