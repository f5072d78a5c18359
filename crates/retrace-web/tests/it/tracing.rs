//! Restoring Family Links end to end: a request in one organisation, a
//! registration in another script in a second, the candidate on both sides
//! without disclosure, release under consent, and the audit trail.

use crate::harness::{CONFIRM, Client, TestApp, TestResponse};
use axum::http::StatusCode;
use retrace_domain::OrgId;
use retrace_store::OrgScope;

pub struct Story {
    pub belgium: OrgId,
    pub france: OrgId,
}

pub async fn orgs(app: &TestApp) -> Story {
    let belgium = app.org("Belgian Red Cross", "BE").await;
    let france = app.org("French Red Cross", "FR").await;
    app.member("case@be.example", belgium, "caseworker").await;
    app.member("case2@be.example", belgium, "caseworker").await;
    app.member("viewer@be.example", belgium, "viewer").await;
    app.member("outreach@be.example", belgium, "outreach_worker")
        .await;
    app.member("case@fr.example", france, "caseworker").await;
    app.member("case2@fr.example", france, "caseworker").await;
    Story { belgium, france }
}

/// Opens the Belgian request for a brother; returns (request id, sought person id).
pub async fn open_request(browser: &Client<'_>) -> (String, String) {
    open_request_with(browser, &[]).await
}

/// `open_request` with more fields (such as `different_person`, to save a
/// second request for the same man past the duplicate warning).
pub async fn open_request_with(browser: &Client<'_>, extra: &[(&str, &str)]) -> (String, String) {
    let mut fields = vec![
        ("e_name_1", "Ahmad Khaled Al-Hassan"),
        ("e_sex", "male"),
        ("e_birth_date", "1990"),
        ("e_nationalities", "SY"),
        ("e_contact", "+32 470 00 00 00"),
        ("e_tracing_consent", "on"),
        ("e_consent_method", "written"),
        ("s_relationship", "brother"),
        ("s_name_1", "Omar Khaled Al-Hassan"),
        ("s_sex", "male"),
        ("s_birth_date", "1994-03-12"),
        ("s_nationalities", "SY"),
        ("s_father_name", "Khaled"),
        ("s_vital_interest", "on"),
        ("c_context", "migration"),
        ("c_date", "2023-08"),
        ("c_place", "Evros river"),
        ("c_countries", "TR, GR"),
    ];
    fields.extend_from_slice(extra);
    let response = browser.post("/requests", &fields).await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    let request = response
        .location()
        .unwrap()
        .trim_start_matches("/requests/")
        .to_owned();
    let page = browser.get(&format!("/requests/{request}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("BE-"), "a human reference");
    let sought = page
        .between("<h3><a href=\"/persons/", "\"")
        .expect("the sought person is linked");
    (request, sought)
}

/// The French registration of the same man, in Arabic script.
pub async fn register_safe(browser: &Client<'_>, extra: &[(&str, &str)]) -> String {
    let mut fields = vec![
        ("kind", "safe"),
        ("p_name_1", "عمر خالد الحسن"),
        ("p_sex", "male"),
        ("p_birth_date", "1994"),
        ("p_nationalities", "SY"),
        ("p_father_name", "خالد"),
        ("p_last_known_place", "Centre d'accueil de Lyon"),
        ("p_tracing_consent", "on"),
        ("p_consent_method", "oral"),
    ];
    fields.extend_from_slice(extra);
    let response = browser.post("/registrations", &fields).await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    response
        .location()
        .unwrap()
        .trim_start_matches("/persons/")
        .to_owned()
}

/// Both sides confirm the candidate; the first relays a family message
/// to the sought person.
pub async fn confirm_and_relay(
    first: &Client<'_>,
    second: &Client<'_>,
    candidate: &str,
    body: &str,
) {
    for browser in [first, second] {
        let response = browser
            .post(
                &format!("/candidates/{candidate}/review"),
                &[("status", "confirmed")],
            )
            .await;
        assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    }
    let message = first
        .post(
            &format!("/candidates/{candidate}/messages"),
            &[("direction", "to_sought_person"), ("body", body)],
        )
        .await;
    assert_eq!(message.status, StatusCode::SEE_OTHER, "{}", message.body);
}

pub fn candidate_link(page: &TestResponse) -> Option<String> {
    page.between("href=\"/candidates/", "\"")
}

async fn share_with_belgium(browser: &Client<'_>, person: &str) {
    let response = browser
        .post(
            &format!("/persons/{person}/consents"),
            &[
                ("purpose", "sharing"),
                ("basis", "self"),
                ("method", "oral"),
                ("countries", "BE"),
            ],
        )
        .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
}

#[tokio::test]
async fn a_brother_found_across_organisations_and_scripts() {
    let app = TestApp::new().await;
    let story = orgs(&app).await;
    let be = app.signed_in("case@be.example").await;
    let fr = app.signed_in("case@fr.example").await;

    let (request, sought) = open_request(&be).await;
    let registration = register_safe(&fr, &[]).await;

    // Belgium sees a candidate held by the French Red Cross, without its values.
    let person = be.get(&format!("/persons/{sought}")).await;
    let candidate = candidate_link(&person).expect("a candidate for the brother");
    assert!(person.body.contains("French Red Cross"), "{}", person.body);
    let view = be.get(&format!("/candidates/{candidate}")).await;
    assert_eq!(view.status, StatusCode::OK);
    for secret in ["عمر", "Lyon", &registration] {
        assert!(
            !view.body.contains(secret),
            "{secret} leaked before release"
        );
    }
    assert!(view.body.contains("French Red Cross"));
    // Whom to contact: the organisation, reached through the platform,
    // never its staff's personal addresses.
    for staff in ["case@fr.example", "case2@fr.example"] {
        assert!(!view.body.contains(staff), "{staff} exposed");
    }
    assert!(view.body.contains("through retrace"), "{}", view.body);

    // France sees it too, without the Belgian values.
    let theirs = fr.get(&format!("/persons/{registration}")).await;
    assert_eq!(candidate_link(&theirs).as_deref(), Some(candidate.as_str()));
    let fr_view = fr.get(&format!("/candidates/{candidate}")).await;
    for secret in ["Ahmad", "Al-Hassan", "Evros", &sought] {
        assert!(!fr_view.body.contains(secret), "{secret} leaked to France");
    }

    // No sharing consent yet: the release is refused and nothing changes.
    let refused = fr
        .post(&format!("/candidates/{candidate}/release"), CONFIRM)
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
    assert!(
        !be.get(&format!("/candidates/{candidate}"))
            .await
            .body
            .contains("عمر")
    );

    // The person agrees to share with Belgium; France releases, once the
    // confirmation box is ticked.
    share_with_belgium(&fr, &registration).await;
    let unconfirmed = fr
        .post(&format!("/candidates/{candidate}/release"), &[])
        .await;
    assert_eq!(unconfirmed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unconfirmed.body.contains("tick the box to confirm"));
    assert!(
        !be.get(&format!("/candidates/{candidate}"))
            .await
            .body
            .contains("عمر")
    );
    let released = fr
        .post(&format!("/candidates/{candidate}/release"), CONFIRM)
        .await;
    assert_eq!(released.status, StatusCode::SEE_OTHER, "{}", released.body);
    let view = be.get(&format!("/candidates/{candidate}")).await;
    assert!(view.body.contains("عمر خالد الحسن"), "released name");
    assert!(view.body.contains("Lyon"), "released whereabouts");

    // Both sides confirm; a family message is relayed.
    confirm_and_relay(
        &be,
        &fr,
        &candidate,
        "Your brother Ahmad is safe in Brussels.",
    )
    .await;

    // Located, then contact restored.
    for status in ["located", "contact_restored"] {
        let page = be.get(&format!("/requests/{request}")).await;
        let version = page.between("name=\"version\" value=\"", "\"").unwrap();
        let response = be
            .post(
                &format!("/requests/{request}/status"),
                &[("status", status), ("version", &version)],
            )
            .await;
        assert_eq!(
            response.status,
            StatusCode::SEE_OTHER,
            "{status}: {}",
            response.body
        );
    }
    let page = be.get(&format!("/requests/{request}")).await;
    assert!(page.body.contains("Contact restored"));
    assert!(
        page.body.contains("Test case@be.example"),
        "each change is attributed"
    );

    // The audit logs of both organisations hold every step.
    let belgian = actions(&app, story.belgium).await;
    for wanted in [
        "request_created",
        "consent_recorded",
        "request_viewed",
        "person_viewed",
        "candidate_reviewed",
        "released_details_viewed",
        "message_drafted",
        "request_status_changed",
    ] {
        assert!(
            belgian.iter().any(|a| a == wanted),
            "{wanted} missing: {belgian:?}"
        );
    }
    let french = actions(&app, story.france).await;
    for wanted in [
        "registration_created",
        "consent_recorded",
        "release_approved",
        "details_released",
    ] {
        assert!(
            french.iter().any(|a| a == wanted),
            "{wanted} missing: {french:?}"
        );
    }
}

async fn actions(app: &TestApp, org: OrgId) -> Vec<String> {
    app.store
        .audit_entries(&OrgScope::new(org), 500, None)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.record.action)
        .collect()
}

#[tokio::test]
async fn at_risk_persons_are_never_candidates_for_another_organisation() {
    let app = TestApp::new().await;
    orgs(&app).await;
    let be = app.signed_in("case@be.example").await;
    let fr = app.signed_in("case@fr.example").await;
    let (_, sought) = open_request(&be).await;
    let registration = register_safe(&fr, &[("p_at_risk", "on")]).await;
    assert_eq!(
        candidate_link(&be.get(&format!("/persons/{sought}")).await),
        None
    );
    assert_eq!(
        candidate_link(&fr.get(&format!("/persons/{registration}")).await),
        None
    );
}

#[tokio::test]
async fn withdrawing_tracing_consent_removes_candidates_and_stops_matching() {
    let app = TestApp::new().await;
    orgs(&app).await;
    let be = app.signed_in("case@be.example").await;
    let fr = app.signed_in("case@fr.example").await;
    let (_, sought) = open_request(&be).await;
    let registration = register_safe(&fr, &[]).await;
    assert!(candidate_link(&be.get(&format!("/persons/{sought}")).await).is_some());

    let page = fr.get(&format!("/persons/{registration}")).await;
    let consent = page
        .between(&format!("/persons/{registration}/consents/"), "/withdraw")
        .expect("a withdraw button");
    let response = fr
        .post(
            &format!("/persons/{registration}/consents/{consent}/withdraw"),
            CONFIRM,
        )
        .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    assert_eq!(
        candidate_link(&be.get(&format!("/persons/{sought}")).await),
        None
    );

    // A second request for the same man finds nothing either.
    let (_, again) = open_request_with(&be, &[("different_person", "1")]).await;
    let page = be.get(&format!("/persons/{again}")).await;
    assert!(!page.body.contains("French Red Cross"), "matching stopped");
}

#[tokio::test]
async fn a_minors_release_needs_two_different_staff() {
    let app = TestApp::new().await;
    orgs(&app).await;
    let be = app.signed_in("case@be.example").await;
    let fr = app.signed_in("case@fr.example").await;
    let fr2 = app.signed_in("case2@fr.example").await;
    let (_, sought) = open_request(&be).await;
    let registration = register_safe(&fr, &[("p_minor", "on")]).await;
    share_with_guardian_consent(&fr, &registration).await;
    let candidate = candidate_link(&be.get(&format!("/persons/{sought}")).await).unwrap();

    let first = fr
        .post(&format!("/candidates/{candidate}/release"), CONFIRM)
        .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    assert!(
        !be.get(&format!("/candidates/{candidate}"))
            .await
            .body
            .contains("عمر"),
        "one approval is not enough"
    );
    let same = fr
        .post(&format!("/candidates/{candidate}/release"), CONFIRM)
        .await;
    assert_eq!(same.status, StatusCode::CONFLICT, "{}", same.body);
    let second = fr2
        .post(&format!("/candidates/{candidate}/release"), CONFIRM)
        .await;
    assert_eq!(second.status, StatusCode::SEE_OTHER, "{}", second.body);
    assert!(
        be.get(&format!("/candidates/{candidate}"))
            .await
            .body
            .contains("عمر")
    );
}

async fn share_with_guardian_consent(browser: &Client<'_>, person: &str) {
    let response = browser
        .post(
            &format!("/persons/{person}/consents"),
            &[
                ("purpose", "sharing"),
                ("basis", "guardian"),
                ("method", "written"),
                ("countries", "BE"),
            ],
        )
        .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
}

#[tokio::test]
async fn a_refused_form_keeps_what_was_typed_and_shows_every_error_in_french() {
    let app = TestApp::new().await;
    orgs(&app).await;
    let be = app.signed_in("case@be.example").await;
    be.set_cookie("retrace_lang", "fr");
    let response = be
        .post(
            "/requests",
            &[
                ("e_name_1", "Ahmad"),
                ("e_birth_date", "1990-13"),
                ("s_relationship", "brother"),
                ("s_name_1", "Omar"),
                ("s_birth_date", "1994-02-30"),
                ("c_context", "migration"),
                ("c_countries", "ZZ"),
                ("c_narrative", "Séparés à la frontière"),
            ],
        )
        .await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    let body = &response.body;
    for expected in [
        "Ce formulaire contient 3 erreurs",
        "le mois doit être compris entre 01 et 12",
        "n’a pas de jour 30",
        "doit être un code de pays",
        "Séparés à la frontière",
        r#"id="form-error" tabindex="-1""#,
        r#"<script src="/static/form-errors.js" defer></script>"#,
        r#"value="1990-13" aria-invalid="true" aria-describedby="e_date-hint err-e_birth_date""#,
        r#"<p class="field-error" id="err-s_birth_date">"#,
        r##"<a href="#c_countries">"##,
    ] {
        assert!(body.contains(expected), "{expected}: {body}");
    }
    assert!(!body.contains("the month"), "no English left: {body}");

    let (request, _) = open_request(&be).await;
    let page = be.get(&format!("/requests/{request}")).await;
    let version = page
        .between(r#"name="version" value=""#, "\"")
        .expect("the version field");
    let closing = be
        .post(
            &format!("/requests/{request}/status"),
            &[
                ("version", version.as_str()),
                ("status", "closed"),
                ("note", "Famille retrouvée ailleurs"),
                ("confirm", "on"),
            ],
        )
        .await;
    assert_eq!(closing.status, StatusCode::UNPROCESSABLE_ENTITY);
    for expected in [
        "une demande clôturée exige un motif",
        r#"value="Famille retrouvée ailleurs""#,
        r#"id="closure_reason" name="closure_reason" aria-invalid="true" aria-describedby="err-closure_reason""#,
    ] {
        assert!(
            closing.body.contains(expected),
            "{expected}: {}",
            closing.body
        );
    }
    assert!(!closing.body.contains(">422<"), "no status shown");
}

#[tokio::test]
async fn bad_input_names_the_field_and_saves_nothing() {
    let app = TestApp::new().await;
    let story = orgs(&app).await;
    let be = app.signed_in("case@be.example").await;
    let cases: [(&str, &str, &str); 5] = [
        (
            "s_birth_date",
            "1994-02-30",
            "Sought person · Date of birth",
        ),
        ("s_relationship", "enemy", "Relationship"),
        ("s_name_1", "   ", "Sought person · Name"),
        ("e_birth_date", "2999", "Enquirer · Date of birth"),
        ("c_countries", "ZZ", "Countries transited"),
    ];
    for (field, value, label) in cases {
        let mut fields = vec![
            ("e_name_1", "Ahmad"),
            ("s_relationship", "brother"),
            ("s_name_1", "Omar"),
            ("c_context", "migration"),
        ];
        fields.retain(|(name, _)| *name != field);
        fields.push((field, value));
        let response = be.post("/requests", &fields).await;
        assert_eq!(
            response.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}: {}",
            response.body
        );
        assert!(
            response.body.contains(label),
            "{field}: the error names {label}"
        );
        assert!(response.body.contains("role=\"alert\""));
    }
    let (rows, total) = app
        .store
        .list_requests(
            &retrace_store::AuditContext::system(app.now(), "test"),
            &OrgScope::new(story.belgium),
            &retrace_store::RequestFilter {
                limit: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!((rows.len(), total), (0, 0), "nothing half-saved");
}

#[tokio::test]
async fn nothing_that_records_consent_is_chosen_in_advance() {
    let app = TestApp::new().await;
    orgs(&app).await;
    let be = app.signed_in("case@be.example").await;
    let registration = be
        .post(
            "/registrations",
            &[("kind", "safe"), ("p_name_1", "Omar"), ("p_sex", "male")],
        )
        .await;
    assert_eq!(
        registration.status,
        StatusCode::SEE_OTHER,
        "{}",
        registration.body
    );
    let person = registration.location().unwrap().to_owned();
    for (path, boxes) in [
        (
            "/requests/new",
            &["e_tracing_consent", "s_vital_interest"][..],
        ),
        ("/registrations/new", &["p_tracing_consent"][..]),
        (person.as_str(), &[][..]),
    ] {
        let page = be.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        for name in boxes {
            let input = page
                .body
                .split("<input")
                .find(|tag| tag.contains(&format!("name=\"{name}\"")))
                .unwrap_or_else(|| panic!("{path}: {name} is on the page"));
            let tag = input.split('>').next().unwrap_or_default();
            assert!(!tag.contains("checked"), "{path}: {name} is not ticked");
        }
        for select in ["e_consent_method", "p_consent_method", "basis", "method"] {
            if let Some(rest) = page.body.split(&format!("name=\"{select}\"")).nth(1) {
                let options = rest.split("</select>").next().unwrap_or_default();
                assert!(
                    !options.contains(" selected"),
                    "{path}: {select} has no default"
                );
                assert!(
                    options.contains("<option value=\"\">"),
                    "{path}: {select} asks to choose"
                );
            }
        }
    }
    // Ticking the consent without saying how it was given is an error that
    // names the field, and the request is not opened.
    let response = be
        .post(
            "/requests",
            &[
                ("e_name_1", "Ahmad"),
                ("e_tracing_consent", "on"),
                ("e_consent_method", ""),
                ("s_relationship", "brother"),
                ("s_name_1", "Omar"),
                ("c_context", "migration"),
            ],
        )
        .await;
    assert_eq!(
        response.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        response.body
    );
    assert!(response.body.contains("choose one"), "{}", response.body);
    assert!(
        response.body.contains("value=\"Ahmad\""),
        "typed text is kept"
    );
}

#[tokio::test]
async fn consents_read_as_words_with_their_note() {
    let app = TestApp::new().await;
    orgs(&app).await;
    let fr = app.signed_in("case@fr.example").await;
    let registration = fr
        .post(
            "/registrations",
            &[("kind", "safe"), ("p_name_1", "Omar"), ("p_sex", "male")],
        )
        .await;
    let person = registration.location().unwrap().to_owned();
    for fields in [
        &[
            ("purpose", "sharing"),
            ("basis", "self"),
            ("method", "oral"),
            ("countries", "BE"),
            ("note", "Agreed at the Lyon shelter, interpreter present"),
        ][..],
        &[("purpose", "tracing"), ("basis", "vital_interest")][..],
    ] {
        let response = fr.post(&format!("{person}/consents"), fields).await;
        assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    }
    let page = fr.get(&person).await;
    assert!(
        page.body
            .contains("Consent of the person · Orally, witnessed")
    );
    assert!(page.body.contains("Vital interest (decided by you)"));
    assert!(
        page.body
            .contains("Agreed at the Lyon shelter, interpreter present")
    );
    assert!(!page.body.contains("self/oral") && !page.body.contains(">vital_interest<"));
    let french = fr
        .send(
            axum::http::Method::GET,
            &person,
            None,
            Some(("accept-language", "fr")),
        )
        .await;
    assert!(french.body.contains("lang=\"fr\""), "{}", french.body);
    // Times keep their left-to-right order inside a right-to-left page.
    let arabic = fr
        .send(
            axum::http::Method::GET,
            &person,
            None,
            Some(("accept-language", "ar")),
        )
        .await;
    assert!(arabic.body.contains("dir=\"rtl\""));
    assert!(arabic.body.contains(" UTC\u{2069}</td>"), "{}", arabic.body);
    assert!(!french.body.contains("Consent of the person"), "translated");
}

#[tokio::test]
async fn a_second_edit_racing_the_first_is_a_conflict() {
    let app = TestApp::new().await;
    orgs(&app).await;
    let be = app.signed_in("case@be.example").await;
    let be2 = app.signed_in("case2@be.example").await;
    let (request, _) = open_request(&be).await;
    let first = be.get(&format!("/requests/{request}/edit")).await;
    let second = be2.get(&format!("/requests/{request}/edit")).await;
    let version = |page: &TestResponse| page.between("name=\"version\" value=\"", "\"").unwrap();
    let path = format!("/requests/{request}/edit");
    let first_version = version(&first);
    let saved = be
        .post(
            &path,
            &[
                ("version", first_version.as_str()),
                ("c_context", "migration"),
                ("c_place", "Evros, near Kipoi"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let second_version = version(&second);
    let raced = be2
        .post(
            &path,
            &[
                ("version", second_version.as_str()),
                ("c_context", "migration"),
                ("c_place", "Somewhere else"),
            ],
        )
        .await;
    assert_eq!(raced.status, StatusCode::CONFLICT, "{}", raced.body);
    assert!(raced.body.contains("someone else saved"), "{}", raced.body);
    let page = be.get(&format!("/requests/{request}")).await;
    assert!(page.body.contains("Evros, near Kipoi"));
    assert!(!page.body.contains("Somewhere else"));
}

#[tokio::test]
async fn name_search_finds_requests_across_scripts() {
    let app = TestApp::new().await;
    orgs(&app).await;
    let be = app.signed_in("case@be.example").await;
    let fr = app.signed_in("case@fr.example").await;
    open_request(&be).await;
    let found = be
        .get("/requests?name=%D8%B9%D9%85%D8%B1%20%D8%A7%D9%84%D8%AD%D8%B3%D9%86")
        .await;
    assert_eq!(found.status, StatusCode::OK);
    assert!(
        found.body.contains("Omar Khaled Al-Hassan"),
        "{}",
        found.body
    );
    let row = "data-label=\"Reference\"><a href=\"/requests/";
    assert!(found.body.contains(row), "a row");
    // Another organisation's name search never sees it.
    let other = fr.get("/requests?name=Omar%20Al-Hassan").await;
    assert!(!other.body.contains("Omar Khaled Al-Hassan"));
    assert!(
        !other
            .body
            .contains("data-label=\"Reference\"><a href=\"/requests/"),
        "no row"
    );
    let by_reference = be.get("/requests?q=BE-").await;
    assert!(by_reference.body.contains("Omar Khaled Al-Hassan"));
}

#[tokio::test]
async fn editing_a_person_keeps_every_name() {
    let app = TestApp::new().await;
    orgs(&app).await;
    let be = app.signed_in("case@be.example").await;
    let api = app.api(&crate::access::create_token(&be).await);
    let created = api
        .post_json(
            "/api/v1/requests",
            r#"{"enquirer":{"names":["Fatima Yusuf"]},
                "sought":[{"relationship":"son","person":{"names":["Abdirahman Yusuf Warsame","عبد الرحمن يوسف ورسمه","Cabdiraxmaan Yuusuf","Abdi"]}}],
                "circumstances":{"context":"conflict"}}"#,
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let sought = created.json()["sought"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let form = be.get(&format!("/persons/{sought}/edit")).await;
    assert!(
        form.body.contains("value=\"Abdi\""),
        "the fourth name is in the form"
    );
    assert!(
        form.body.contains("id=\"p_name_5\""),
        "and an empty row after it"
    );
    let mut fields: Vec<(String, String)> = vec![
        (
            "version".into(),
            form.between("name=\"version\" value=\"", "\"").unwrap(),
        ),
        ("p_sex".into(), "male".into()),
    ];
    for row in 1..=4 {
        let key = format!("p_name_{row}");
        let value = form.between(&format!("name=\"{key}\" maxlength=\"200\" dir=\"auto\" aria-describedby=\"p_names-hint\" value=\""), "\"").unwrap();
        fields.push((key, value));
    }
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let saved = be.post(&format!("/persons/{sought}/edit"), &borrowed).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let person = api.get(&format!("/api/v1/persons/{sought}")).await.json();
    assert_eq!(person["details"]["names"].as_array().unwrap().len(), 4);
}

#[tokio::test]
async fn exports_need_a_reason_and_the_password_and_respect_consent() {
    let app = TestApp::new().await;
    let story = orgs(&app).await;
    let be = app.signed_in("case@be.example").await;
    let (_, sought) = open_request(&be).await;
    // The sought person's tracing basis is withdrawn.
    let page = be.get(&format!("/persons/{sought}")).await;
    let consent = page
        .between(&format!("/persons/{sought}/consents/"), "/withdraw")
        .unwrap();
    be.post(
        &format!("/persons/{sought}/consents/{consent}/withdraw"),
        CONFIRM,
    )
    .await;

    let no_reason = be
        .post(
            "/requests/export",
            &[("reason", "x"), ("password", crate::harness::PASSWORD)],
        )
        .await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    let wrong_password = be
        .post(
            "/requests/export",
            &[
                ("reason", "annual statistics for the board"),
                ("password", "not my password"),
            ],
        )
        .await;
    assert_eq!(wrong_password.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong_password.body.contains("Password"));

    let csv = be
        .post(
            "/requests/export",
            &[
                ("reason", "annual statistics for the board"),
                ("password", crate::harness::PASSWORD),
            ],
        )
        .await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.body);
    assert!(
        csv.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(
        csv.headers["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    assert!(
        csv.body
            .starts_with("reference,status,opened,enquirer,sought,nationalities")
    );
    assert!(csv.body.contains("BE-"));
    assert!(csv.body.contains("Ahmad Khaled Al-Hassan"));
    assert!(
        !csv.body.contains("Omar"),
        "withdrawn consent: not exported"
    );
    assert!(csv.body.contains("consent withdrawn"));

    let entries = app
        .store
        .audit_entries(&OrgScope::new(story.belgium), 200, None)
        .await
        .unwrap();
    let export = entries
        .iter()
        .find(|e| e.record.action == "data_exported")
        .expect("the export is audited");
    // The free-text reason stays out of the never-erasable audit log: it
    // is in the export record the entry names.
    assert!(
        entries.iter().all(|e| !e
            .record
            .purpose
            .as_deref()
            .unwrap_or_default()
            .contains("annual statistics")),
        "no audit entry carries the reason"
    );
    assert_eq!(export.record.object_kind, "export");
    let id = export.record.object_id.parse().unwrap();
    let record = app
        .store
        .export_record(&OrgScope::new(story.belgium), id)
        .await
        .unwrap()
        .expect("the export record");
    assert_eq!(
        record.reason.as_deref(),
        Some("annual statistics for the board")
    );
    assert_eq!(record.row_count, 1);

    let viewer = app.signed_in("viewer@be.example").await;
    assert_eq!(
        viewer.get("/requests/export").await.status,
        StatusCode::FORBIDDEN
    );
    let refused = viewer
        .post(
            "/requests/export",
            &[
                ("reason", "annual statistics for the board"),
                ("password", crate::harness::PASSWORD),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

/// Belgium's candidate page and API answer once France has released its
/// registration: (page, API JSON).
async fn belgian_view(
    be: &Client<'_>,
    api: &Client<'_>,
    candidate: &str,
) -> (TestResponse, serde_json::Value) {
    let page = be.get(&format!("/candidates/{candidate}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let json = api.get(&format!("/api/v1/candidates/{candidate}")).await;
    assert_eq!(json.status, StatusCode::OK, "{}", json.body);
    (page, json.json())
}

/// France edits its registration (a new place and a new phone number),
/// optionally flagging the person at risk.
async fn french_edit(fr: &Client<'_>, registration: &str, at_risk: bool) {
    let form = fr.get(&format!("/persons/{registration}/edit")).await;
    let version = form.between("name=\"version\" value=\"", "\"").unwrap();
    let mut fields = vec![
        ("version", version.as_str()),
        ("p_name_1", "عمر خالد الحسن"),
        ("p_last_known_place", "Marseille, rue Secrète"),
        ("p_contact", "+33 6 99 99 99 99"),
    ];
    if at_risk {
        fields.push(("p_at_risk", "on"));
    }
    let response = fr
        .post(&format!("/persons/{registration}/edit"), &fields)
        .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
}

/// Sets up a released candidate: (candidate, French registration).
async fn released_candidate(be: &Client<'_>, fr: &Client<'_>) -> (String, String) {
    let (_, sought) = open_request(be).await;
    let registration = register_safe(fr, &[]).await;
    let person = be.get(&format!("/persons/{sought}")).await;
    let candidate = candidate_link(&person).unwrap();
    share_with_belgium(fr, &registration).await;
    let released = fr
        .post(&format!("/candidates/{candidate}/release"), CONFIRM)
        .await;
    assert_eq!(released.status, StatusCode::SEE_OTHER, "{}", released.body);
    (candidate, registration)
}

#[tokio::test]
async fn a_release_shows_the_values_as_released_not_later_edits() {
    let app = TestApp::new().await;
    orgs(&app).await;
    let be = app.signed_in("case@be.example").await;
    let fr = app.signed_in("case@fr.example").await;
    let api = app.api(&crate::access::create_token(&be).await);
    let (candidate, registration) = released_candidate(&be, &fr).await;
    french_edit(&fr, &registration, false).await;
    let (page, json) = belgian_view(&be, &api, &candidate).await;
    assert!(page.body.contains("Lyon"), "the place as released");
    for later in ["Marseille", "99 99 99"] {
        assert!(!page.body.contains(later), "{later} reached Belgium");
        assert!(!json.to_string().contains(later), "{later} in the API");
    }
    assert!(json["released_at"].is_string());
    assert!(json["released_person"].is_object());
}

#[tokio::test]
async fn withdrawing_sharing_consent_hides_what_was_released() {
    let app = TestApp::new().await;
    orgs(&app).await;
    let be = app.signed_in("case@be.example").await;
    let fr = app.signed_in("case@fr.example").await;
    let api = app.api(&crate::access::create_token(&be).await);
    let (candidate, registration) = released_candidate(&be, &fr).await;
    let page = fr.get(&format!("/persons/{registration}")).await;
    let row = page
        .body
        .split("<tr>")
        .find(|row| row.contains("Sharing") && row.contains("/withdraw"))
        .unwrap();
    let withdraw = row
        .split("action=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned();
    let response = fr.post(&withdraw, CONFIRM).await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    french_edit(&fr, &registration, false).await;
    let (page, json) = belgian_view(&be, &api, &candidate).await;
    for secret in ["عمر", "Lyon", "Marseille", "99 99 99"] {
        assert!(!page.body.contains(secret), "{secret} still shown");
        assert!(!json.to_string().contains(secret), "{secret} in the API");
    }
    assert!(
        page.body.contains("withdrawn these details"),
        "{}",
        page.body
    );
    assert!(json["withdrawn_at"].is_string(), "{json}");
    assert!(json.get("released_person").is_none());
}

#[tokio::test]
async fn an_at_risk_flag_after_the_release_hides_it() {
    let app = TestApp::new().await;
    orgs(&app).await;
    let be = app.signed_in("case@be.example").await;
    let fr = app.signed_in("case@fr.example").await;
    let api = app.api(&crate::access::create_token(&be).await);
    let (candidate, registration) = released_candidate(&be, &fr).await;
    french_edit(&fr, &registration, true).await;
    let (page, json) = belgian_view(&be, &api, &candidate).await;
    for secret in ["عمر", "Lyon", "Marseille", "99 99 99"] {
        assert!(!page.body.contains(secret), "{secret} still shown");
        assert!(!json.to_string().contains(secret), "{secret} in the API");
    }
    assert!(page.body.contains("withdrawn these details"));
    assert!(json["withdrawn_at"].is_string(), "{json}");
}

#[tokio::test]
async fn exported_cells_cannot_run_as_formulas_or_hide_text() {
    let app = TestApp::new().await;
    orgs(&app).await;
    let be = app.signed_in("case@be.example").await;
    let response = be
        .post(
            "/requests",
            &[
                ("e_name_1", "=HYPERLINK(\"http://evil.example\",\"x\")"),
                ("e_sex", "male"),
                ("e_nationalities", "SY"),
                ("e_tracing_consent", "on"),
                ("e_consent_method", "written"),
                ("s_relationship", "brother"),
                ("s_name_1", "Omar\u{202E}nassaH-lA\u{200B} Khaled"),
                ("s_sex", "male"),
                ("s_nationalities", "SY"),
                ("c_context", "migration"),
            ],
        )
        .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    let csv = be
        .post(
            "/requests/export",
            &[
                ("reason", "annual statistics for the board"),
                ("password", crate::harness::PASSWORD),
            ],
        )
        .await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.body);
    let mut reader = csv::Reader::from_reader(csv.body.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1);
    let enquirer = &rows[0][3];
    assert_eq!(enquirer, "'=HYPERLINK(\"http://evil.example\",\"x\")");
    let sought = &rows[0][4];
    assert_eq!(sought, "brother: OmarnassaH-lA Khaled");
    for row in &rows {
        for cell in row {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "{cell:?}"
            );
            assert!(
                !cell.chars().any(|c| matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{061C}' | '\u{FEFF}')),
                "{cell:?}"
            );
        }
    }
}

#[tokio::test]
async fn listing_registrations_is_audited_without_personal_data() {
    let app = TestApp::new().await;
    let story = orgs(&app).await;
    let fr = app.signed_in("case@fr.example").await;
    register_safe(&fr, &[]).await;
    let scope = OrgScope::new(story.france);
    let listed = |entries: &[retrace_store::AuditEntry]| {
        entries
            .iter()
            .filter(|e| e.record.action == "persons_listed")
            .map(|e| (e.record.object_kind.clone(), e.record.object_id.clone()))
            .collect::<Vec<_>>()
    };
    let before = app.store.audit_entries(&scope, 500, None).await.unwrap();
    assert!(listed(&before).is_empty());

    let page = fr.get("/registrations").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("عمر"), "the list shows the person");
    let token = crate::access::create_token(&fr).await;
    let api = app.api(&token);
    let json = api.get("/api/v1/registrations").await;
    assert_eq!(json.status, StatusCode::OK, "{}", json.body);

    let entries = app.store.audit_entries(&scope, 500, None).await.unwrap();
    let listings = listed(&entries);
    assert_eq!(
        listings,
        vec![
            ("person".to_owned(), "registrations".to_owned()),
            ("person".to_owned(), "registrations".to_owned()),
        ]
    );
    for entry in entries
        .iter()
        .filter(|e| e.record.action == "persons_listed")
    {
        let text = format!("{:?}", entry.record);
        assert!(!text.contains("عمر") && !text.contains("Lyon"), "{text}");
    }
    // Another organisation lists its own (empty) registrations only.
    let be = app.signed_in("case@be.example").await;
    let theirs = be.get("/registrations").await;
    assert!(!theirs.body.contains("عمر"));
}
