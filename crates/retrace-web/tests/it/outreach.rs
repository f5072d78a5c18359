//! Outreach end to end: the phone form, the sync endpoint (idempotent by
//! the phone's id, conflicts by version), the dashboard and its country
//! view with small counts suppressed, and every route against anonymous
//! visitors, the wrong role and another organisation.

use crate::form_pages::{NOT_ON_A_FRENCH_PAGE, assert_form_page};
use crate::harness::{Client, TestApp, TestResponse};
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

const SESSION: &str = "1b4e28ba-2fa1-11d2-883f-0016d3cca427";
const FOLLOW_UP: &str = "9c5b94b1-35ad-49bb-b118-8e8fc24abf80";
const MISSING: &str = "5f0c3a52-9d1e-4c1b-8a5e-3d0f1b2c4d6e";

fn form(id: &str, people: &str, count: &str) -> Vec<(&'static str, String)> {
    vec![
        ("id", id.to_owned()),
        ("base_version", "0".to_owned()),
        ("team", "Brussels North".to_owned()),
        ("place_kind", "station".to_owned()),
        ("city", "Brussels".to_owned()),
        ("started_at", "2026-01-10T18:00".to_owned()),
        ("duration_minutes", "120".to_owned()),
        ("members", "Anne\nMarc".to_owned()),
        ("mediators", "Yonas".to_owned()),
        ("languages", "ti, ar".to_owned()),
        ("people_reached", people.to_owned()),
        ("reached_sex_0", "male".to_owned()),
        ("reached_age_0", "18_25".to_owned()),
        ("reached_nationality_0", "ER".to_owned()),
        ("reached_count_0", count.to_owned()),
        ("topics", "dublin_regulation".to_owned()),
        ("topics", "reception_rights".to_owned()),
        ("referral_service_0", "Medical clinic".to_owned()),
        ("referral_count_0", "1".to_owned()),
        ("follow_up_id_0", FOLLOW_UP.to_owned()),
        ("follow_up_pseudonym_0", "K. blue jacket".to_owned()),
    ]
}

async fn post_form(
    client: &Client<'_>,
    path: &str,
    fields: &[(&'static str, String)],
) -> TestResponse {
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    client.post(path, &pairs).await
}

fn session_json(id: &str, base: i64, city: &str, people: u32) -> Value {
    json!({
        "id": id, "base_version": base, "team": "Calais", "place_kind": "camp",
        "city": city, "started_at": "2026-01-12T10:00:00Z", "duration_minutes": 60,
        "members": ["Léa"], "people_reached": people,
        "reached": [{"sex": "female", "age_band": "26_40", "nationality": "SD", "count": people}],
        "topics": ["health"]
    })
}

/// Posts the phone's queue with the session's CSRF token in the header.
async fn sync(client: &Client<'_>, sessions: Vec<Value>) -> TestResponse {
    let token = client.cookie("retrace_csrf").unwrap();
    client
        .send(
            Method::POST,
            "/outreach/sync",
            Some((
                "application/json",
                json!({ "sessions": sessions }).to_string(),
            )),
            Some(("x-csrf-token", token.as_str())),
        )
        .await
}

fn statuses(response: &TestResponse) -> Vec<String> {
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    response.json()["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_session_is_recorded_from_the_form_once_and_counted_on_the_dashboard() {
    let app = TestApp::new().await;
    let org = app.org("Belgian Red Cross", "BE").await;
    app.member("worker@be.example", org, "outreach_worker")
        .await;
    let worker = app.signed_in("worker@be.example").await;

    let page = worker.get("/outreach/sessions/new").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("rel=\"manifest\""));
    assert!(page.body.contains("/static/outreach.js"));
    assert!(!page.body.contains("<script>"), "no inline script");

    // Counts that do not add up: refused, named, and what was typed kept.
    let wrong = post_form(&worker, "/outreach/sessions", &form(SESSION, "5", "4")).await;
    assert_eq!(
        wrong.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        wrong.body
    );
    assert!(
        wrong.body.contains("People reached in all"),
        "{}",
        wrong.body
    );
    assert!(wrong.body.contains("add up to 4"), "{}", wrong.body);
    assert!(wrong.body.contains("K. blue jacket"));

    // Saved, then sent again (a double tap, a retried request): once.
    for _ in 0..2 {
        let saved = post_form(&worker, "/outreach/sessions", &form(SESSION, "4", "4")).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
        assert_eq!(
            saved.location(),
            Some(format!("/outreach/sessions/{SESSION}").as_str())
        );
    }
    let shown = worker.get(&format!("/outreach/sessions/{SESSION}")).await;
    assert_eq!(shown.status, StatusCode::OK);
    assert!(shown.body.contains("Brussels North"));
    assert!(shown.body.contains("K. blue jacket"));

    let dashboard = worker.get("/outreach").await;
    assert_eq!(dashboard.status, StatusCode::OK);
    assert_eq!(
        dashboard.between("id=\"total-sessions\">", "<").as_deref(),
        Some("1")
    );
    assert_eq!(
        dashboard.between("id=\"total-people\">", "<").as_deref(),
        Some("4")
    );
    assert!(dashboard.body.contains("<svg"));
    assert!(dashboard.body.contains("<title id=\"chart-month-title\">"));
    assert!(dashboard.body.contains("Dublin regulation"));

    let csv = worker.get("/outreach/dashboard.csv?from=2026-01-01").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.body.starts_with("section,key,sessions,people"));
    assert!(csv.body.contains("total,,1,4"), "{}", csv.body);
    let (status, headers, xlsx) = worker.get_bytes("/outreach/dashboard.xlsx").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers[axum::http::header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .contains("spreadsheetml")
    );
    assert!(xlsx.starts_with(b"PK\x03\x04"));

    // The follow-up's outcome, recorded later.
    let outcome = worker
        .post(
            &format!("/outreach/follow-ups/{FOLLOW_UP}/outcome"),
            &[("outcome", "asylum_claim_lodged")],
        )
        .await;
    assert_eq!(outcome.status, StatusCode::SEE_OTHER, "{}", outcome.body);
    let follow_ups = worker.get("/outreach/follow-ups").await;
    assert!(
        follow_ups
            .body
            .contains("value=\"asylum_claim_lodged\" selected")
    );
    // An outcome no choice offers: the list again, the control marked.
    let refused = worker
        .post(
            &format!("/outreach/follow-ups/{FOLLOW_UP}/outcome"),
            &[("outcome", "vanished")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let control = format!("outcome-{FOLLOW_UP}");
    assert!(
        refused.body.contains(&format!("href=\"#{control}\"")),
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains(&format!("id=\"err-{control}\"")),
        "{}",
        refused.body
    );

    // The Arabic dashboard draws its charts right to left.
    worker
        .post("/language", &[("lang", "ar"), ("back", "/outreach")])
        .await;
    let arabic = worker.get("/outreach").await;
    assert!(arabic.body.contains("direction=\"rtl\""), "{}", arabic.body);
}

#[tokio::test]
async fn the_phone_sync_never_counts_twice_and_shows_edits_made_apart_as_conflicts() {
    let app = TestApp::new().await;
    let org = app.org("French Red Cross", "FR").await;
    app.member("phone@fr.example", org, "outreach_worker").await;
    let phone_a = app.signed_in("phone@fr.example").await;
    let phone_b = app.signed_in("phone@fr.example").await;

    let key_a = phone_a.get("/outreach/device-key").await;
    let key_b = phone_b.get("/outreach/device-key").await;
    assert_eq!(key_a.status, StatusCode::OK);
    let key = key_a.json()["key"].as_str().unwrap().to_owned();
    assert_eq!(key.len(), 64);
    assert_ne!(
        key,
        key_b.json()["key"].as_str().unwrap(),
        "one key per signed-in session"
    );

    let mut half_written = session_json(MISSING, 0, "Calais", 3);
    half_written.as_object_mut().unwrap().remove("team");
    let first = sync(
        &phone_a,
        vec![session_json(SESSION, 0, "Calais", 6), half_written],
    )
    .await;
    assert_eq!(statuses(&first), ["stored", "invalid"]);
    assert!(
        first.json()["results"][1]["message"]
            .as_str()
            .unwrap()
            .contains("team")
    );
    // The answer was lost and the phone sends its queue again.
    let retried = sync(&phone_a, vec![session_json(SESSION, 0, "Calais", 6)]).await;
    assert_eq!(statuses(&retried), ["already_applied"]);

    // Both phones edit version 1; the second is kept aside.
    let edit_a = sync(&phone_a, vec![session_json(SESSION, 1, "Dunkirk", 6)]).await;
    assert_eq!(statuses(&edit_a), ["stored"]);
    let edit_b = sync(&phone_b, vec![session_json(SESSION, 1, "Grande-Synthe", 6)]).await;
    assert_eq!(statuses(&edit_b), ["conflict"]);
    let conflict = edit_b.json()["results"][0]["conflict"]
        .as_str()
        .unwrap()
        .to_owned();

    let shown = phone_a.get(&format!("/outreach/sessions/{SESSION}")).await;
    assert!(shown.body.contains("Dunkirk") && !shown.body.contains("Grande-Synthe"));
    let list = phone_a.get("/outreach/sessions").await;
    assert!(
        list.body
            .contains(&format!("/outreach/conflicts/{conflict}"))
    );
    let page = phone_a
        .get(&format!("/outreach/conflicts/{conflict}"))
        .await;
    assert!(page.body.contains("Dunkirk") && page.body.contains("Grande-Synthe"));
    let refused = phone_a
        .post(
            &format!("/outreach/conflicts/{conflict}/resolve"),
            &[("take", "both")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("href=\"#resolve-form\""),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("Dunkirk") && refused.body.contains("Grande-Synthe"));
    let resolved = phone_a
        .post(
            &format!("/outreach/conflicts/{conflict}/resolve"),
            &[("take", "incoming")],
        )
        .await;
    assert_eq!(resolved.status, StatusCode::SEE_OTHER, "{}", resolved.body);
    let shown = phone_a.get(&format!("/outreach/sessions/{SESSION}")).await;
    assert!(shown.body.contains("Grande-Synthe"));
    let dashboard = phone_a.get("/outreach").await;
    assert_eq!(
        dashboard.between("id=\"total-people\">", "<").as_deref(),
        Some("6")
    );

    // Signing out erases what the browser keeps.
    let out = phone_a.post("/sign-out", &[]).await;
    assert_eq!(
        out.headers
            .get("clear-site-data")
            .and_then(|v| v.to_str().ok()),
        Some("\"cache\", \"storage\"")
    );
    let after = phone_a.get("/outreach/device-key").await;
    assert_ne!(after.status, StatusCode::OK);
}

#[tokio::test]
async fn the_session_form_marks_every_error_in_french_and_keeps_what_was_typed() {
    let app = TestApp::new().await;
    let org = app.org("Belgian Red Cross", "BE").await;
    app.member("worker@be.example", org, "outreach_worker")
        .await;
    let worker = app.signed_in("worker@be.example").await;
    worker.set_cookie("retrace_lang", "fr");
    let mut fields = form(SESSION, "4", "");
    fields.retain(|(k, _)| !matches!(*k, "team" | "city" | "duration_minutes"));
    fields.extend([
        ("team", String::new()),
        ("city", String::new()),
        ("duration_minutes", "deux heures".to_owned()),
        ("reached_sex_1", "female".to_owned()),
        ("reached_age_1", "26_40".to_owned()),
        ("reached_nationality_1", "Érythrée".to_owned()),
        ("reached_count_1", "4".to_owned()),
    ]);
    let refused = post_form(&worker, "/outreach/sessions", &fields).await;
    assert_form_page(
        &refused,
        StatusCode::UNPROCESSABLE_ENTITY,
        &[
            "Ce formulaire contient 4 erreurs",
            "doit être un nombre entier",
            "doit être un code de pays",
            r#"id="form-error" tabindex="-1""#,
            r##"<a href="#reached_nationality_1">"##,
            r##"<a href="#team">"##,
            r##"<a href="#city">"##,
            r#"value="deux heures" aria-invalid="true" aria-describedby="err-duration_minutes""#,
            r#"name="reached_nationality_1" aria-invalid="true" aria-describedby="err-reached_nationality_1""#,
            r#"value="Érythrée""#,
            r#"value="reception_rights" checked"#,
            r#"value="dublin_regulation" checked"#,
            "K. blue jacket",
            "Anne\nMarc",
        ],
        NOT_ON_A_FRENCH_PAGE,
    );
}

/// A dashboard filter that cannot be read comes back on the dashboard's
/// own form, every filter marked in the page's language, and no figure
/// is shown for a filter that was not applied.
#[tokio::test]
async fn the_dashboard_marks_every_unreadable_filter_in_french() {
    let app = TestApp::new().await;
    let org = app.org("Belgian Red Cross", "BE").await;
    app.member("worker@be.example", org, "outreach_worker")
        .await;
    app.member("coordinator@be.example", org, "coordinator")
        .await;
    let worker = app.signed_in("worker@be.example").await;
    worker.set_cookie("retrace_lang", "fr");
    sync(&worker, vec![session_json(SESSION, 0, "Brussels", 7)]).await;

    let path = "/outreach?from=2026-02-30&to=&place_kind=ferry&team=Nord&nationality=Soudan";
    let refused = worker.get(path).await;
    assert_form_page(
        &refused,
        StatusCode::UNPROCESSABLE_ENTITY,
        &[
            "Ce formulaire contient 3 erreurs",
            r#"id="form-error" tabindex="-1""#,
            r##"<a href="#from">"##,
            r##"<a href="#filter-place">"##,
            r##"<a href="#filter-nationality">"##,
            r#"value="2026-02-30" aria-invalid="true" aria-describedby="err-from""#,
            r#"value="Soudan" aria-invalid="true" aria-describedby="err-filter-nationality""#,
            r#"value="Nord""#,
        ],
        NOT_ON_A_FRENCH_PAGE,
    );
    assert!(
        !refused.body.contains("id=\"total-people\""),
        "{}",
        refused.body
    );

    // An end before the start is named with the others.
    let backwards = worker
        .get("/outreach?from=2026-03-01&to=2026-01-01&place_kind=x")
        .await;
    assert_eq!(backwards.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        backwards.body.contains("Ce formulaire contient 2 erreurs"),
        "{}",
        backwards.body
    );
    assert!(backwards.body.contains(r##"<a href="#to">"##));

    // The country view's form does the same.
    let coordinator = app.signed_in("coordinator@be.example").await;
    let country = coordinator.get("/outreach/country?nationality=12").await;
    assert_eq!(
        country.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        country.body
    );
    assert!(country.body.contains(r##"<a href="#filter-nationality">"##));

    // Readable filters: the figures.
    let fine = worker.get("/outreach?from=2026-01-01&nationality=SD").await;
    assert_eq!(fine.status, StatusCode::OK, "{}", fine.body);
    assert_eq!(
        fine.between("id=\"total-people\">", "<").as_deref(),
        Some("7")
    );
}

/// Bad input in a queue: a date in the future and counts that do not add
/// up are each refused alone, with the field named, and the session
/// between them is stored; the queue sent again stores nothing twice.
#[tokio::test]
async fn a_sync_refuses_future_dates_and_counts_that_do_not_add_up_one_by_one() {
    const FUTURE: &str = "0d9a4b7e-61f2-4c84-9a51-6f3a2b1c0d11";
    const WRONG: &str = "0d9a4b7e-61f2-4c84-9a51-6f3a2b1c0d22";
    const GOOD: &str = "0d9a4b7e-61f2-4c84-9a51-6f3a2b1c0d33";
    let app = TestApp::new().await;
    let org = app.org("French Red Cross", "FR").await;
    app.member("phone@fr.example", org, "outreach_worker").await;
    let phone = app.signed_in("phone@fr.example").await;
    let mut future = session_json(FUTURE, 0, "Calais", 2);
    future["started_at"] = json!("2999-01-01T10:00:00Z");
    let mut wrong = session_json(WRONG, 0, "Calais", 2);
    wrong["people_reached"] = json!(3);
    let queue = vec![future, session_json(GOOD, 0, "Calais", 4), wrong];
    let first = sync(&phone, queue.clone()).await;
    assert_eq!(statuses(&first), ["invalid", "stored", "invalid"]);
    let results = &first.json()["results"];
    assert_eq!(results[0]["field"], "started_at");
    assert!(results[0]["message"].as_str().unwrap().contains("future"));
    assert_eq!(results[2]["field"], "people_reached");
    assert!(results[2]["message"].as_str().unwrap().contains("add up"));
    let again = sync(&phone, queue).await;
    assert_eq!(statuses(&again), ["invalid", "already_applied", "invalid"]);
    let dashboard = phone.get("/outreach").await;
    assert_eq!(
        dashboard.between("id=\"total-sessions\">", "<").as_deref(),
        Some("1")
    );
    assert_eq!(
        dashboard.between("id=\"total-people\">", "<").as_deref(),
        Some("4")
    );
}

#[tokio::test]
async fn the_country_view_shows_aggregates_with_small_counts_suppressed() {
    let app = TestApp::new().await;
    let a = app.org("Belgian Red Cross", "BE").await;
    let b = app.org("Caritas Belgium", "BE").await;
    app.member("worker@a.example", a, "outreach_worker").await;
    app.member("worker@b.example", b, "outreach_worker").await;
    app.member("coordinator@a.example", a, "coordinator").await;
    let worker_a = app.signed_in("worker@a.example").await;
    let worker_b = app.signed_in("worker@b.example").await;
    sync(&worker_a, vec![session_json(SESSION, 0, "Brussels", 7)]).await;
    sync(&worker_b, vec![session_json(MISSING, 0, "Liège", 2)]).await;

    let coordinator = app.signed_in("coordinator@a.example").await;
    let country = coordinator.get("/outreach/country").await;
    assert_eq!(country.status, StatusCode::OK, "{}", country.body);
    // Two sessions (fewer than 5: suppressed), nine people (shown).
    assert_eq!(
        country.between("id=\"total-sessions\">", "<").as_deref(),
        Some("fewer than 5")
    );
    assert_eq!(
        country.between("id=\"total-people\">", "<").as_deref(),
        Some("9")
    );
    assert!(
        !country.body.contains(">2<"),
        "the 2 people of Liège are not shown"
    );
    assert!(!country.body.contains("dashboard.csv"));
    // The coordinator's own organisation view stays exact.
    let own = coordinator.get("/outreach").await;
    assert_eq!(
        own.between("id=\"total-people\">", "<").as_deref(),
        Some("7")
    );
    // A worker is not a coordinator.
    assert_eq!(
        worker_a.get("/outreach/country").await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn every_outreach_route_refuses_strangers_and_hides_another_organisations_records() {
    let app = TestApp::new().await;
    let a = app.org("Belgian Red Cross", "BE").await;
    let b = app.org("Dutch Red Cross", "NL").await;
    app.member("worker@a.example", a, "outreach_worker").await;
    app.member("worker@b.example", b, "outreach_worker").await;
    app.member("case@a.example", a, "caseworker").await;
    let worker_a = app.signed_in("worker@a.example").await;
    let saved = post_form(&worker_a, "/outreach/sessions", &form(SESSION, "4", "4")).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    sync(&worker_a, vec![session_json(SESSION, 0, "Elsewhere", 4)]).await;
    let conflict = worker_a.get("/outreach/sessions").await;
    let conflict_id = conflict
        .between("/outreach/conflicts/", "\"")
        .expect("a conflict is listed");

    let pages = [
        "/outreach".to_owned(),
        "/outreach/sessions".to_owned(),
        "/outreach/sessions/new".to_owned(),
        "/outreach/follow-ups".to_owned(),
        "/outreach/country".to_owned(),
        "/outreach/dashboard.csv".to_owned(),
        "/outreach/dashboard.xlsx".to_owned(),
        format!("/outreach/sessions/{SESSION}"),
        format!("/outreach/conflicts/{conflict_id}"),
    ];
    let anonymous = app.client();
    for page in &pages {
        anonymous.get(page).await.assert_redirect_to_sign_in();
    }
    let caseworker = app.signed_in("case@a.example").await;
    for page in &pages {
        assert_eq!(
            caseworker.get(page).await.status,
            StatusCode::FORBIDDEN,
            "{page}"
        );
    }
    assert_eq!(
        caseworker.get("/outreach/device-key").await.status,
        StatusCode::FORBIDDEN
    );
    let posts = [
        ("/outreach/sessions".to_owned(), vec![("team", "x")]),
        (
            format!("/outreach/conflicts/{conflict_id}/resolve"),
            vec![("take", "stored")],
        ),
        (
            format!("/outreach/follow-ups/{FOLLOW_UP}/outcome"),
            vec![("outcome", "reception_entered")],
        ),
        (
            "/outreach/topics".to_owned(),
            vec![("label", "Winter plan")],
        ),
    ];
    for (path, fields) in &posts {
        assert_eq!(
            caseworker.post(path, fields).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    assert_eq!(
        sync(&caseworker, vec![]).await.status,
        StatusCode::FORBIDDEN
    );

    // Another organisation's records look exactly like missing ones.
    let worker_b = app.signed_in("worker@b.example").await;
    for (theirs, missing) in [
        (
            format!("/outreach/sessions/{SESSION}"),
            format!("/outreach/sessions/{MISSING}"),
        ),
        (
            format!("/outreach/conflicts/{conflict_id}"),
            format!("/outreach/conflicts/{MISSING}"),
        ),
    ] {
        let (a, b) = (worker_b.get(&theirs).await, worker_b.get(&missing).await);
        assert_eq!(a.status, StatusCode::NOT_FOUND, "{theirs}");
        assert_eq!((a.status, a.body.len()), (b.status, b.body.len()));
    }
    for path in [
        format!("/outreach/conflicts/{conflict_id}/resolve"),
        format!("/outreach/follow-ups/{FOLLOW_UP}/outcome"),
    ] {
        let response = worker_b
            .post(
                &path,
                &[("take", "incoming"), ("outcome", "reception_entered")],
            )
            .await;
        assert_eq!(response.status, StatusCode::NOT_FOUND, "{path}");
    }
    let taken = sync(&worker_b, vec![session_json(SESSION, 0, "Amsterdam", 2)]).await;
    assert_eq!(statuses(&taken), ["not_found"]);
    let board_b = worker_b.get("/outreach").await;
    assert_eq!(
        board_b.between("id=\"total-sessions\">", "<").as_deref(),
        Some("0")
    );

    // The JSON API: a bearer token, the same rules.
    let api_anonymous = app.client().get("/api/v1/outreach/dashboard").await;
    assert_eq!(api_anonymous.status, StatusCode::UNAUTHORIZED);
    let token = crate::access::create_token(&worker_b).await;
    let api = app.api(&token);
    assert_eq!(
        api.get(&format!("/api/v1/outreach/sessions/{SESSION}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let recorded = api
        .post_json(
            "/api/v1/outreach/sessions",
            &session_json(MISSING, 0, "Rotterdam", 3).to_string(),
        )
        .await;
    assert_eq!(recorded.status, StatusCode::CREATED, "{}", recorded.body);
    let board = api.get("/api/v1/outreach/dashboard").await;
    assert_eq!(board.json()["people"], json!(3));
}
