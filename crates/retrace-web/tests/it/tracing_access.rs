//! Every tracing route against the wrong role and another organisation's
//! records: the answer must be exactly the answer for a missing record.

use crate::access::create_token;
use crate::harness::TestApp;
use crate::harness::TestResponse;
use crate::tracing::{candidate_link, open_request, orgs, register_safe};
use axum::http::StatusCode;

const MISSING: &str = "5f0c3a52-9d1e-4c1b-8a5e-3d0f1b2c4d6e";

fn shape(response: &TestResponse, id: &str) -> (StatusCode, String) {
    (response.status, response.body.replace(id, "ID"))
}

#[tokio::test]
async fn wrong_roles_are_forbidden_and_viewers_only_read() {
    let app = TestApp::new().await;
    orgs(&app).await;
    let be = app.signed_in("case@be.example").await;
    let (request, sought) = open_request(&be).await;
    let outreach = app.signed_in("outreach@be.example").await;
    let viewer = app.signed_in("viewer@be.example").await;
    let reads = [
        "/requests".to_owned(),
        format!("/requests/{request}"),
        format!("/persons/{sought}"),
        "/registrations".to_owned(),
        "/sought".to_owned(),
    ];
    for path in &reads {
        assert_eq!(
            outreach.get(path).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
        assert_eq!(viewer.get(path).await.status, StatusCode::OK, "{path}");
    }
    let writes = [
        (
            "/requests".to_owned(),
            vec![
                ("e_name_1", "X Y"),
                ("s_name_1", "Z W"),
                ("s_relationship", "son"),
                ("c_context", "other"),
            ],
        ),
        (
            format!("/requests/{request}/status"),
            vec![("status", "searching"), ("version", "1")],
        ),
        (
            format!("/requests/{request}/edit"),
            vec![("version", "1"), ("c_context", "other")],
        ),
        (
            format!("/requests/{request}/sought"),
            vec![("s_name_1", "Z W"), ("s_relationship", "son")],
        ),
        (
            format!("/persons/{sought}/edit"),
            vec![("version", "1"), ("p_name_1", "Changed")],
        ),
        (
            format!("/persons/{sought}/consents"),
            vec![("purpose", "tracing"), ("basis", "vital_interest")],
        ),
        (
            "/registrations".to_owned(),
            vec![("kind", "safe"), ("p_name_1", "X Y")],
        ),
    ];
    for (path, fields) in &writes {
        for browser in [&outreach, &viewer] {
            let response = browser.post(path, fields).await;
            assert_eq!(response.status, StatusCode::FORBIDDEN, "{path}");
        }
    }
    for path in [
        format!("/requests/{request}/edit"),
        "/requests/new".to_owned(),
        "/registrations/new".to_owned(),
    ] {
        assert_eq!(
            viewer.get(&path).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    let api = app.api(&create_token(&outreach).await);
    for path in [
        "/api/v1/requests".to_owned(),
        format!("/api/v1/requests/{request}"),
        format!("/api/v1/persons/{sought}"),
    ] {
        assert_eq!(api.get(&path).await.status, StatusCode::FORBIDDEN, "{path}");
    }
}

#[tokio::test]
async fn another_organisations_records_look_missing_on_every_route() {
    let app = TestApp::new().await;
    orgs(&app).await;
    let be = app.signed_in("case@be.example").await;
    let fr = app.signed_in("case@fr.example").await;
    let (request, sought) = open_request(&be).await;
    let registration = register_safe(&fr, &[]).await;
    let candidate = candidate_link(&be.get(&format!("/persons/{sought}")).await).unwrap();
    // A third organisation, not party to the candidate.
    let italy = app.org("IOM Italy", "IT").await;
    app.member("case@it.example", italy, "caseworker").await;
    let it = app.signed_in("case@it.example").await;

    let gets = [
        ("/requests/ID", request.as_str()),
        ("/requests/ID/edit", request.as_str()),
        ("/requests/ID/sought/new", request.as_str()),
        ("/persons/ID", sought.as_str()),
        ("/persons/ID/edit", sought.as_str()),
        ("/persons/ID", registration.as_str()),
        ("/candidates/ID", candidate.as_str()),
    ];
    for (template, id) in gets {
        let (browser, label) = if template.starts_with("/persons/") && id == registration {
            (&be, "be")
        } else {
            (&it, "it")
        };
        let seen = browser.get(&template.replace("ID", id)).await;
        let absent = browser.get(&template.replace("ID", MISSING)).await;
        assert_eq!(seen.status, StatusCode::NOT_FOUND, "{label} {template}");
        assert_eq!(shape(&seen, id), shape(&absent, MISSING), "{template}");
    }
    type Post<'a> = (&'a str, &'a str, Vec<(&'a str, &'a str)>);
    let posts: [Post; 8] = [
        (
            "/requests/ID/status",
            request.as_str(),
            vec![("status", "searching"), ("version", "1")],
        ),
        (
            "/requests/ID/edit",
            request.as_str(),
            vec![("version", "1"), ("c_context", "other")],
        ),
        (
            "/requests/ID/sought",
            request.as_str(),
            vec![("s_name_1", "Z W"), ("s_relationship", "son")],
        ),
        (
            "/persons/ID/edit",
            sought.as_str(),
            vec![("version", "1"), ("p_name_1", "Changed")],
        ),
        (
            "/persons/ID/consents",
            sought.as_str(),
            vec![("purpose", "tracing"), ("basis", "vital_interest")],
        ),
        (
            "/candidates/ID/review",
            candidate.as_str(),
            vec![("status", "confirmed")],
        ),
        (
            "/candidates/ID/release",
            candidate.as_str(),
            vec![("confirm", "on")],
        ),
        (
            "/candidates/ID/messages",
            candidate.as_str(),
            vec![("direction", "to_enquirer"), ("body", "hello")],
        ),
    ];
    for (template, id, fields) in &posts {
        let seen = it.post(&template.replace("ID", id), fields).await;
        let absent = it.post(&template.replace("ID", MISSING), fields).await;
        assert_eq!(seen.status, StatusCode::NOT_FOUND, "{template}");
        assert_eq!(shape(&seen, id), shape(&absent, MISSING), "{template}");
    }
    // Nothing changed for Belgium.
    let page = be.get(&format!("/requests/{request}")).await;
    assert!(page.body.contains("Open") && !page.body.contains("Z W"));

    let api = app.api(&create_token(&it).await);
    for (template, id) in [
        ("/api/v1/requests/ID", request.as_str()),
        ("/api/v1/persons/ID", sought.as_str()),
        ("/api/v1/persons/ID/candidates", sought.as_str()),
        ("/api/v1/candidates/ID", candidate.as_str()),
        ("/api/v1/candidates/ID/messages", candidate.as_str()),
    ] {
        let seen = api.get(&template.replace("ID", id)).await;
        let absent = api.get(&template.replace("ID", MISSING)).await;
        assert_eq!(seen.status, StatusCode::NOT_FOUND, "{template}");
        assert_eq!(shape(&seen, id), shape(&absent, MISSING), "{template}");
    }
    let listed = api.get("/api/v1/requests").await;
    assert_eq!(listed.json()["total"], 0);
}

#[tokio::test]
async fn the_api_tells_the_same_story_without_disclosure() {
    let app = TestApp::new().await;
    orgs(&app).await;
    let be = app.signed_in("case@be.example").await;
    let fr = app.signed_in("case@fr.example").await;
    let be_api = app.api(&create_token(&be).await);
    let created = be_api
        .post_json(
            "/api/v1/requests",
            r#"{"enquirer":{"names":["Ahmad Khaled Al-Hassan"],"sex":"male","nationalities":["SY"]},
                "sought":[{"relationship":"brother","person":{"names":[{"full":"Omar Khaled Al-Hassan","kind":"birth"}],"birth_date":"1994-03-12","sex":"male","nationalities":["SY"],"father_name":"Khaled"}}],
                "circumstances":{"context":"migration","date":"2023-08","countries_transited":["TR","GR"]},
                "enquirer_consent_method":"written","vital_interest":true}"#,
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let json = created.json();
    assert!(json["reference"].as_str().unwrap().starts_with("BE-"));
    let sought = json["sought"][0]["id"].as_str().unwrap().to_owned();
    register_safe(&fr, &[]).await;
    let candidates = be_api
        .get(&format!("/api/v1/persons/{sought}/candidates"))
        .await;
    assert_eq!(candidates.status, StatusCode::OK, "{}", candidates.body);
    let first = &candidates.json()["candidates"][0];
    assert_eq!(first["other_organisation"]["name"], "French Red Cross");
    assert!(
        first["other_person"].is_null(),
        "no foreign id before release"
    );
    assert!(!candidates.body.contains("عمر") && !candidates.body.contains("Lyon"));
    let id = first["id"].as_str().unwrap().to_owned();
    let one = be_api.get(&format!("/api/v1/candidates/{id}")).await;
    assert!(one.json().get("released_person").is_none());

    for (body, field) in [
        (
            r#"{"enquirer":{"names":[]},"sought":[{"relationship":"brother","person":{"names":["A B"]}}],"circumstances":{"context":"migration"}}"#,
            "enquirer.names[0]",
        ),
        (
            r#"{"enquirer":{"names":["A B"]},"sought":[{"relationship":"brother","person":{"names":["A B"],"birth_date":"1990-02-30"}}],"circumstances":{"context":"migration"}}"#,
            "sought[0].person.birth_date",
        ),
        (
            r#"{"enquirer":{"names":["A B"]},"sought":[{"relationship":"cousin2","person":{"names":["A B"]}}],"circumstances":{"context":"migration"}}"#,
            "sought[0].relationship",
        ),
        (
            r#"{"enquirer":{"names":["A B"]},"sought":[],"circumstances":{"context":"migration"}}"#,
            "sought",
        ),
        (
            r#"{"enquirer":{"names":["A B"]},"sought":[{"relationship":"son","person":{"names":["A B"]}}],"circumstances":{"context":"war"}}"#,
            "circumstances.context",
        ),
    ] {
        let response = be_api.post_json("/api/v1/requests", body).await;
        assert_eq!(
            response.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {}",
            response.body
        );
        assert_eq!(response.json()["field"], field, "{body}");
    }
    let review = be_api
        .post_json(
            &format!("/api/v1/candidates/{id}/review"),
            r#"{"status":"rejected"}"#,
        )
        .await;
    assert_eq!(review.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(review.json()["field"], "reason");
}

#[tokio::test]
async fn registrations_over_the_api_are_matched_and_validated() {
    let app = TestApp::new().await;
    orgs(&app).await;
    let be = app.signed_in("case@be.example").await;
    let fr = app.signed_in("case@fr.example").await;
    let (_, sought) = open_request(&be).await;
    let api = app.api(&create_token(&fr).await);
    let created = api
        .post_json(
            "/api/v1/registrations",
            r#"{"kind":"safe","consent_method":"oral","person":{"names":["عمر خالد الحسن"],"birth_date":"1994","sex":"male","nationalities":["SY"]}}"#,
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    assert_eq!(created.json()["registration"], "safe");
    assert!(candidate_link(&be.get(&format!("/persons/{sought}")).await).is_some());
    let listed = api.get("/api/v1/registrations").await;
    assert_eq!(listed.json()["registrations"].as_array().unwrap().len(), 1);
    let bad = api
        .post_json(
            "/api/v1/registrations",
            r#"{"kind":"safe","person":{"names":["A B"],"birth_date":"1994-13"}}"#,
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.json()["field"], "person.birth_date");
    let unknown = api
        .post_json(
            "/api/v1/registrations",
            r#"{"kind":"lost","person":{"names":["A B"]}}"#,
        )
        .await;
    assert_eq!(unknown.json()["field"], "kind");
}

#[tokio::test]
async fn json_of_the_wrong_shape_names_its_path_and_saves_nothing() {
    let app = TestApp::new().await;
    orgs(&app).await;
    let be = app.signed_in("case@be.example").await;
    let api = app.api(&create_token(&be).await);
    for (body, field) in [
        (
            r#"{"enquirer":{"names":["A B"]},"sought":[{"relationship":"son","person":{"names":["A B"],"age":true}}],"circumstances":{"context":"migration"}}"#,
            "sought[0].person.age",
        ),
        (
            r#"{"enquirer":{"names":["A B",{"full":"C D","kind":"nick"}]},"sought":[{"relationship":"son","person":{"names":["A B"]}}],"circumstances":{"context":"migration"}}"#,
            "enquirer.names[1].kind",
        ),
        (
            r#"{"enquirer":{"names":[7.5]},"sought":[{"relationship":"son","person":{"names":["A B"]}}],"circumstances":{"context":"migration"}}"#,
            "enquirer.names[0]",
        ),
        (
            r#"{"enquirer":{"names":["A B"]},"sought":[{"relationship":"son","person":{"names":["A B"]},"extra":1}],"circumstances":{"context":"migration"}}"#,
            "sought[0]",
        ),
        (
            r#"{"enquirer":{"names":["A B"]},"sought":[{"relationship":"son","person":{"names":["A B"]}}],"circumstances":{"context":"migration","countries_transited":"TR"}}"#,
            "circumstances.countries_transited",
        ),
    ] {
        let response = api.post_json("/api/v1/requests", body).await;
        assert_eq!(
            response.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {}",
            response.body
        );
        assert_eq!(response.json()["field"], field, "{body}");
    }
    assert_eq!(api.get("/api/v1/requests").await.json()["total"], 0);
}
