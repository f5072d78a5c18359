//! Erasure of a person (issue 16): the organisation administrator's page
//! and the API, against anonymous visitors, wrong roles and scopes, and
//! another organisation (which must see exactly what a missing id shows).

use crate::access::create_scoped_token;
use crate::gallery::{media_files, published, visitor_status};
use crate::harness::{CONFIRM, TestApp, TestResponse};
use crate::tracing::{candidate_link, open_request, orgs, register_safe};
use axum::http::StatusCode;

pub const MISSING: &str = "5f0c3a52-9d1e-4c1b-8a5e-3d0f1b2c4d6e";

pub fn shape(response: &TestResponse, id: &str) -> (StatusCode, String) {
    (response.status, response.body.replace(id, "ID"))
}

/// The story's organisations, each with an administrator
/// (`admin@be.example`, `admin@fr.example`), and a Belgian administrator
/// who also works cases (`lead@be.example`).
pub async fn with_admins() -> TestApp {
    let app = TestApp::new().await;
    let story = orgs(&app).await;
    app.member("admin@be.example", story.belgium, "org_admin")
        .await;
    app.member("admin@fr.example", story.france, "org_admin")
        .await;
    app.member("lead@be.example", story.belgium, "org_admin,caseworker")
        .await;
    app
}

#[tokio::test]
async fn erasure_page_is_for_the_org_admin_and_reaches_the_gallery_files() {
    let app = with_admins().await;
    let be = app.signed_in("case@be.example").await;
    let (request, enquirer, _entry, reference) = published(&be).await;
    assert_eq!(media_files(&app).len(), 2, "photo and thumbnail");
    let path = format!("/persons/{enquirer}/erase");

    // Anonymous: to the sign-in page; a post without a session's form
    // token is refused before anything else.
    app.client().get(&path).await.assert_redirect_to_sign_in();
    assert_eq!(
        app.client().post_raw(&path, CONFIRM).await.status,
        StatusCode::FORBIDDEN
    );
    // A caseworker is not the organisation's administrator.
    assert_eq!(be.get(&path).await.status, StatusCode::FORBIDDEN);
    assert_eq!(be.post(&path, CONFIRM).await.status, StatusCode::FORBIDDEN);
    // Another organisation's administrator: exactly like a missing id.
    let fr = app.signed_in("admin@fr.example").await;
    let missing = format!("/persons/{MISSING}/erase");
    assert_eq!(
        shape(&fr.get(&path).await, &enquirer),
        shape(&fr.get(&missing).await, MISSING)
    );
    assert_eq!(fr.get(&path).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        shape(&fr.post(&path, CONFIRM).await, &enquirer),
        shape(&fr.post(&missing, CONFIRM).await, MISSING)
    );

    // The administrator sees what will go, and must confirm.
    let admin = app.signed_in("admin@be.example").await;
    let page = admin.get(&path).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains("Ahmad Khaled Al-Hassan"),
        "{}",
        page.body
    );
    assert!(page.body.contains("the whole request is erased"));
    let unconfirmed = admin.post(&path, &[]).await;
    assert_eq!(unconfirmed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unconfirmed.body.contains("id=\"form-error\""));
    assert_eq!(
        be.get(&format!("/requests/{request}")).await.status,
        StatusCode::OK
    );

    let done = admin.post(&path, CONFIRM).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(done.body.contains("id=\"erase-done\""));
    assert!(!done.body.contains("Ahmad"));
    assert!(media_files(&app).is_empty(), "gallery files deleted");
    assert_eq!(
        visitor_status(&app, &reference).await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        be.get(&format!("/requests/{request}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        be.get(&format!("/persons/{enquirer}")).await.status,
        StatusCode::NOT_FOUND
    );
    // Nothing is left to find by name.
    let search = be.get("/requests?q=Khaled").await;
    assert!(!search.body.contains("Khaled Al-Hassan"), "{}", search.body);
}

#[tokio::test]
async fn erasure_api_needs_the_admin_scope_and_role_and_hides_other_organisations() {
    let app = with_admins().await;
    let be = app.signed_in("case@be.example").await;
    let (request, sought) = open_request(&be).await;
    // The French Red Cross holds a candidate for the sought brother.
    let fr_case = app.signed_in("case@fr.example").await;
    let registration = register_safe(&fr_case, &[]).await;
    let before = fr_case.get(&format!("/persons/{registration}")).await;
    assert!(candidate_link(&before).is_some(), "{}", before.body);
    assert!(!before.body.contains("id=\"withdrawn-candidates\""));
    let path = format!("/api/v1/persons/{sought}/erase");
    let body = r#"{"confirm":true}"#;

    // No token.
    assert_eq!(
        app.client().post_json(&path, body).await.status,
        StatusCode::UNAUTHORIZED
    );
    // A caseworker's token.
    let case_token = create_scoped_token(&be, &["read", "write"]).await;
    let response = app.api(&case_token).post_json(&path, body).await;
    assert_eq!(response.status, StatusCode::FORBIDDEN, "{}", response.body);
    // An administrator's token without the admin scope.
    let admin = app.signed_in("admin@be.example").await;
    let read_only = create_scoped_token(&admin, &["read"]).await;
    let response = app.api(&read_only).post_json(&path, body).await;
    assert_eq!(response.status, StatusCode::FORBIDDEN, "{}", response.body);
    // Another organisation's administrator: exactly like a missing id.
    let fr = app.signed_in("admin@fr.example").await;
    let fr_token = create_scoped_token(&fr, &["admin"]).await;
    let theirs = app.api(&fr_token).post_json(&path, body).await;
    let missing = app
        .api(&fr_token)
        .post_json(&format!("/api/v1/persons/{MISSING}/erase"), body)
        .await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND);
    assert_eq!(shape(&theirs, &sought), shape(&missing, MISSING));

    let token = create_scoped_token(&admin, &["admin"]).await;
    let unconfirmed = app
        .api(&token)
        .post_json(&path, r#"{"confirm":false}"#)
        .await;
    assert_eq!(unconfirmed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        unconfirmed.json()["field"],
        "confirm",
        "{}",
        unconfirmed.body
    );
    let response = app.api(&token).post_json(&path, body).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    let json = response.json();
    assert_eq!(json["erased_persons"], serde_json::json!([sought]));
    assert_eq!(json["erased_request"], serde_json::Value::Null);
    // A sought person goes alone: the request and its enquirer stay.
    let page = be.get(&format!("/requests/{request}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("Omar Khaled"), "{}", page.body);
    assert!(page.body.contains("Ahmad Khaled"));
    // France sees that its candidate was withdrawn, and nothing more.
    let after = fr_case.get(&format!("/persons/{registration}")).await;
    assert_eq!(candidate_link(&after), None);
    assert!(
        after.body.contains("id=\"withdrawn-candidates\""),
        "{}",
        after.body
    );
    assert!(!after.body.contains("Belgian"), "{}", after.body);
    assert_eq!(json["candidates_withdrawn"], 1);
    let again = app.api(&token).post_json(&path, body).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn retention_api_is_for_the_org_admin_within_the_limits_and_per_organisation() {
    let app = with_admins().await;
    let be = app.signed_in("case@be.example").await;
    let path = "/api/v1/retention/gallery_reports";
    let body = r#"{"days":60}"#;

    // No token.
    assert_eq!(
        app.client().get("/api/v1/retention").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.client().post_json(path, body).await.status,
        StatusCode::UNAUTHORIZED
    );
    // A caseworker's token, and an administrator's without the admin scope.
    let case_token = create_scoped_token(&be, &["read", "write"]).await;
    assert_eq!(
        app.api(&case_token).post_json(path, body).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.api(&case_token).get("/api/v1/retention").await.status,
        StatusCode::FORBIDDEN
    );
    let admin = app.signed_in("admin@be.example").await;
    let read_only = create_scoped_token(&admin, &["read"]).await;
    assert_eq!(
        app.api(&read_only).post_json(path, body).await.status,
        StatusCode::FORBIDDEN
    );

    let token = create_scoped_token(&admin, &["admin"]).await;
    // Outside the platform's limits (30 to 1080 days) or an unknown kind:
    // a clear error naming the field, nothing written.
    let too_short = app.api(&token).post_json(path, r#"{"days":7}"#).await;
    assert_eq!(too_short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(too_short.json()["field"], "days", "{}", too_short.body);
    let unknown = app
        .api(&token)
        .post_json("/api/v1/retention/persons", body)
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(unknown.json()["field"], "kind", "{}", unknown.body);

    let set = app.api(&token).post_json(path, body).await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.body);
    assert_eq!(set.json()["days"], 60);
    let read = app.api(&token).get("/api/v1/retention").await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.body);
    let periods = read.json()["periods"].clone();
    let reports = periods
        .as_array()
        .and_then(|all| all.iter().find(|p| p["kind"] == "gallery_reports"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(reports["days"], 60, "{periods}");
    assert_eq!(reports["chosen_days"], 60);
    assert_eq!(reports["min_days"], 30);

    // Another organisation's administrator sees and sets only its own.
    let fr = app.signed_in("admin@fr.example").await;
    let fr_token = create_scoped_token(&fr, &["admin"]).await;
    let theirs = app.api(&fr_token).get("/api/v1/retention").await;
    assert_eq!(theirs.status, StatusCode::OK);
    assert!(
        theirs.json()["periods"]
            .as_array()
            .is_some_and(|all| all.iter().all(|p| p["chosen_days"].is_null())),
        "{}",
        theirs.body
    );
    let fr_set = app.api(&fr_token).post_json(path, r#"{"days":90}"#).await;
    assert_eq!(fr_set.status, StatusCode::OK);
    let ours = app.api(&token).get("/api/v1/retention").await;
    assert!(ours.body.contains("\"chosen_days\":60"), "{}", ours.body);
    assert!(!ours.body.contains("\"chosen_days\":90"), "{}", ours.body);
}

#[tokio::test]
async fn retention_page_is_for_the_org_admin_and_keeps_periods_within_the_limits() {
    let app = with_admins().await;
    let path = "/org/retention";
    let set = |days: &'static str| [("kind", "exports"), ("days", days)];

    app.client().get(path).await.assert_redirect_to_sign_in();
    assert_eq!(
        app.client().post_raw(path, &set("60")).await.status,
        StatusCode::FORBIDDEN
    );
    let be = app.signed_in("case@be.example").await;
    assert_eq!(be.get(path).await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        be.post(path, &set("60")).await.status,
        StatusCode::FORBIDDEN
    );

    let admin = app.signed_in("admin@be.example").await;
    let page = admin.get(path).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Records of exports"), "{}", page.body);
    assert!(page.body.contains("value=\"365\""), "{}", page.body);
    let refused = admin.post(path, &set("5")).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("id=\"form-error\""));
    let saved = admin.post(path, &set("60")).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert!(saved.body.contains("id=\"retention-saved\""));
    assert!(
        saved.body.contains(
            "id=\"days-exports\" name=\"days\" type=\"number\" min=\"30\" max=\"3650\" value=\"60\""
        ),
        "{}",
        saved.body
    );

    // Another organisation's administrator: its own periods, untouched.
    let fr = app.signed_in("admin@fr.example").await;
    let theirs = fr.get(path).await;
    assert_eq!(theirs.status, StatusCode::OK);
    assert!(!theirs.body.contains("value=\"60\""), "{}", theirs.body);
}

/// Issue 15, item 4: the retention rule's refusal was an English sentence
/// in every language; it is now coded and translated.
#[tokio::test]
async fn retention_out_of_limits_reads_in_french_and_arabic() {
    let app = with_admins().await;
    let admin = app.signed_in("admin@be.example").await;
    for (lang, translated) in [
        (
            "fr",
            [
                "est hors des limites",
                "choisissez une durée comprise entre elles",
            ],
        ),
        ("ar", ["خارج الحدود", "اختر مدة ضمنها"]),
    ] {
        admin
            .post("/language", &[("lang", lang), ("back", "/")])
            .await;
        let refused = admin
            .post("/org/retention", &[("kind", "exports"), ("days", "9999")])
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.body.contains("id=\"form-error\""));
        for words in translated {
            assert!(refused.body.contains(words), "{lang}: {}", refused.body);
        }
        assert!(refused.body.contains("9999"), "{lang}: the value is shown");
        assert!(
            !refused.body.contains("outside the limits"),
            "{lang}: {}",
            refused.body
        );
    }
}
