//! Transnational referrals end to end (issue 11): an anti-trafficking NGO
//! in France refers a person to Albania's national referral mechanism;
//! Albania accepts, works its stages with the checklist, reports back and
//! closes; France sees the timeline. Every route against anonymous
//! callers, the wrong role and a third organisation, which must meet
//! exactly what a missing id gives.

use crate::access::create_token;
use crate::form_pages::{NOT_ON_A_FRENCH_PAGE, assert_form_page};
use crate::harness::{TestApp, TestResponse, pdf_text};
use axum::http::StatusCode;
use retrace_domain::{
    ConsentBasis, ConsentGiver, ConsentMethod, ConsentPurpose, CountryCode, NameKind, NewConsent,
    OrgId, PersonDetails, PersonName, RegistrationKind, Sex, SharingScope,
};
use retrace_store::{AuditContext, OrgScope};

const MISSING: &str = "5f0c3a52-9d1e-4c1b-8a5e-3d0f1b2c4d6e";

struct Parties {
    france: OrgId,
    albania: OrgId,
}

async fn parties(app: &TestApp) -> Parties {
    let france = app.org("Anti-trafficking NGO Paris", "FR").await;
    let albania = app.org("Albanian NRM Focal Point", "AL").await;
    let italy = app.org("Italian Shelter Network", "IT").await;
    app.member("ref@fr.example", france, "referral_officer")
        .await;
    app.member("case@fr.example", france, "caseworker").await;
    app.member("ref@al.example", albania, "referral_officer")
        .await;
    app.member("admin@al.example", albania, "org_admin").await;
    app.member("ref@it.example", italy, "referral_officer")
        .await;
    Parties { france, albania }
}

/// A registered person of France, with a sharing consent covering `countries`.
async fn person(app: &TestApp, org: OrgId, name: &str, countries: &[&str]) -> String {
    let details = PersonDetails::new(
        vec![PersonName::simple(name, NameKind::Birth).unwrap()],
        Sex::Female,
    )
    .unwrap();
    let consent = NewConsent {
        purpose: ConsentPurpose::Sharing,
        basis: ConsentBasis::Consent {
            given_by: ConsentGiver::Person,
            method: ConsentMethod::Written,
        },
        scope: SharingScope {
            organisations: Vec::new(),
            countries: countries
                .iter()
                .map(|c| CountryCode::parse(c).unwrap())
                .collect(),
        },
        note: None,
    };
    let mut audit = AuditContext::system(app.now(), "test");
    audit.org = Some(org);
    let users = app.store.users_in(&OrgScope::new(org)).await.unwrap();
    audit.actor = users.first().map(|u| u.id);
    app.store
        .create_registration(
            &audit,
            &OrgScope::new(org),
            RegistrationKind::LookingForFamily,
            &details,
            (!countries.is_empty()).then_some(&consent),
        )
        .await
        .unwrap()
        .id
        .to_string()
}

fn referral_fields<'a>(person: &'a str, to: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("person", person),
        ("to_organisation", to),
        ("purpose", "Safe return and reintegration support in Tirana"),
        ("services", "shelter"),
        ("services", "safe_return"),
        ("urgency", "urgent"),
        ("risk_level", "high"),
        ("risk_who", "the person and her younger sister"),
        ("risk_from", "the recruiter's network in Durrës"),
        ("risk_plan", "meet only at the shelter; no phone contact"),
        ("share_identity", "on"),
    ]
}

/// France registers `name` with consent covering Albania and refers them
/// there; returns the person's and the referral's ids.
async fn refer(
    app: &TestApp,
    story: &Parties,
    fr: &crate::harness::Client<'_>,
    name: &str,
) -> (String, String) {
    let covered = person(app, story.france, name, &["AL"]).await;
    let albania = story.albania.to_string();
    let sent = fr
        .post("/referrals", &referral_fields(&covered, &albania))
        .await;
    (covered, referral_id(&sent))
}

fn shape(response: &TestResponse, id: &str) -> (StatusCode, String) {
    (response.status, response.body.replace(id, "ID"))
}

fn referral_id(response: &TestResponse) -> String {
    let location = response.location().expect("redirected to the referral");
    location
        .strip_prefix("/referrals/")
        .expect("a referral page")
        .to_owned()
}

#[tokio::test]
async fn a_referral_runs_from_identification_to_closure_between_two_countries() {
    let app = TestApp::new().await;
    let story = parties(&app).await;
    let fr = app.signed_in("ref@fr.example").await;
    let al = app.signed_in("ref@al.example").await;
    let admin = app.signed_in("admin@al.example").await;

    // Albania's administrator writes the assistance checklist.
    let saved = admin
        .post(
            "/org/sop/assistance",
            &[
                ("required", "Shelter place confirmed\nMedical check offered"),
                ("optional", "Interpreter booked"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let page = admin.get("/org/sop").await;
    assert!(page.body.contains("Shelter place confirmed") && page.body.contains("v1"));

    // Without consent: refused, naming the field, the form keeps its input.
    let albania = story.albania.to_string();
    let no_consent = person(&app, story.france, "Elira Hoxha", &[]).await;
    let refused = fr
        .post("/referrals", &referral_fields(&no_consent, &albania))
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("Consent: "), "{}", refused.body);
    assert!(
        refused.body.contains("the recruiter&#x27;s network")
            || refused.body.contains("the recruiter&#39;s network")
    );
    // To one's own organisation: refused too.
    let covered = person(&app, story.france, "Mirela Dushku", &["AL"]).await;
    let france = story.france.to_string();
    let own = fr
        .post("/referrals", &referral_fields(&covered, &france))
        .await;
    assert_eq!(own.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        own.body.contains("Receiving organisation: "),
        "{}",
        own.body
    );

    let sent = fr
        .post("/referrals", &referral_fields(&covered, &albania))
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let id = referral_id(&sent);
    let outbox = fr.get("/referrals?box=outbox").await;
    assert!(outbox.body.contains(&id) && outbox.body.contains("Albanian NRM Focal Point"));

    // France fills the screening tool on screen; a value of the wrong type
    // is refused naming the field; only France sees what it filled.
    let form = fr.get(&format!("/referrals/{id}/tools/screening")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.body
            .contains("Identity documents withheld by someone else")
    );
    let filled = fr
        .post(
            &format!("/referrals/{id}/tools/screening"),
            &[
                ("f_deceived_about_work", "yes"),
                ("f_documents_withheld", "yes"),
                ("f_debt_bondage", "no"),
                ("f_notes", "Passport kept by the bar owner in Durrës"),
            ],
        )
        .await;
    assert_eq!(filled.status, StatusCode::SEE_OTHER, "{}", filled.body);
    let entry_path = filled.location().unwrap().to_owned();
    let entry = fr.get(&entry_path).await;
    assert!(entry.body.contains("Passport kept by the bar owner"));
    let wrong = fr
        .post(
            &format!("/referrals/{id}/tools/risk_assessment"),
            &[
                ("f_threat_known", "yes"),
                ("f_who_at_risk", "her sister"),
                ("f_level", "high"),
                ("f_assessed_on", "2026-05-31"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        wrong
            .body
            .contains("Risk level from 1 (low) to 5 (high): must be a whole number"),
        "{}",
        wrong.body
    );
    assert!(
        wrong.body.contains("her sister"),
        "the form keeps its input"
    );
    let entry_id = entry_path.rsplit('/').next().unwrap().to_owned();
    let theirs = al.get(&entry_path).await;
    let missing = al.get(&entry_path.replace(&entry_id, MISSING)).await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND);
    assert_eq!(shape(&theirs, &entry_id), shape(&missing, MISSING));

    // France works identification and referral (no checklist of its own).
    for stage in ["identification", "referral"] {
        let closed = fr
            .post(&format!("/referrals/{id}/stage"), &[("stage", stage)])
            .await;
        assert_eq!(closed.status, StatusCode::SEE_OTHER, "{}", closed.body);
    }

    // Albania: the inbox, the shared parts only, the sender's contact.
    let inbox = al.get("/referrals").await;
    assert!(inbox.body.contains(&id) && inbox.body.contains("Anti-trafficking NGO Paris"));
    let filtered = al.get("/referrals?status=closed").await;
    assert!(!filtered.body.contains(&id));
    let seen = al.get(&format!("/referrals/{id}")).await;
    assert_eq!(seen.status, StatusCode::OK);
    assert!(seen.body.contains("Mirela Dushku"));
    assert!(seen.body.contains("ref@fr.example"));
    assert!(!seen.body.contains("younger sister"), "risk not shared");
    assert!(
        !seen.body.contains(&covered),
        "no person id for the receiver"
    );
    let accepted = al
        .post(
            &format!("/referrals/{id}/decision"),
            &[("decision", "accept")],
        )
        .await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{}", accepted.body);
    let started = al
        .post(
            &format!("/referrals/{id}/status"),
            &[("status", "in_progress")],
        )
        .await;
    assert_eq!(started.status, StatusCode::SEE_OTHER);
    let page = al.get(&format!("/referrals/{id}")).await;
    let steps: Vec<String> = page
        .body
        .match_indices(&format!("/referrals/{id}/steps/"))
        .map(|(at, m)| page.body[at + m.len()..at + m.len() + 36].to_owned())
        .collect();
    assert!(steps.len() >= 4, "two forms per open step");
    let (first, second) = (steps[0].clone(), steps[2].clone());
    // Closing before the required steps: refused, the page says why.
    let early = al
        .post(
            &format!("/referrals/{id}/stage"),
            &[("stage", "assistance")],
        )
        .await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(early.body.contains("Step: "), "{}", early.body);
    let done = al
        .post(
            &format!("/referrals/{id}/steps/{first}"),
            &[("action", "done")],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    let twice = al
        .post(
            &format!("/referrals/{id}/steps/{first}"),
            &[("action", "done")],
        )
        .await;
    assert_eq!(twice.status, StatusCode::CONFLICT);
    let no_reason = al
        .post(
            &format!("/referrals/{id}/steps/{second}"),
            &[("action", "skip")],
        )
        .await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    let skipped = al
        .post(
            &format!("/referrals/{id}/steps/{second}"),
            &[("action", "skip"), ("reason", "seen by the shelter nurse")],
        )
        .await;
    assert_eq!(skipped.status, StatusCode::SEE_OTHER);
    let closed = al
        .post(
            &format!("/referrals/{id}/stage"),
            &[("stage", "assistance")],
        )
        .await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER, "{}", closed.body);
    al.post(
        &format!("/referrals/{id}/updates"),
        &[
            ("text", "Settled in the shelter, medical follow-up weekly"),
            ("report", "on"),
        ],
    )
    .await;
    al.post(
        &format!("/referrals/{id}/updates"),
        &[("text", "Internal: interpreter invoice pending")],
    )
    .await;
    let closing = al
        .post(
            &format!("/referrals/{id}/status"),
            &[("status", "closed"), ("outcome", "returned_safely")],
        )
        .await;
    assert_eq!(closing.status, StatusCode::SEE_OTHER);

    // France's timeline: what Albania reported, never its internal note.
    let back = fr.get(&format!("/referrals/{id}")).await;
    assert!(back.body.contains("Settled in the shelter"));
    assert!(!back.body.contains("interpreter invoice"));
    assert!(back.body.contains("Returned safely"));
    assert!(
        back.body.contains("ref@al.example"),
        "the receiver's contact"
    );

    // The audit log holds every step.
    let mut actions = Vec::new();
    for org in [story.france, story.albania] {
        let entries = app
            .store
            .audit_entries(&OrgScope::new(org), 1000, None)
            .await
            .unwrap();
        actions.extend(entries.into_iter().map(|e| e.record.action));
    }
    for expected in [
        "sop_template_saved",
        "referral_created",
        "referral_viewed",
        "referrals_listed",
        "referral_stage_closed",
        "referral_accepted",
        "referral_status_changed",
        "referral_step_ticked",
        "referral_step_skipped",
        "referral_update_posted",
    ] {
        assert!(actions.iter().any(|a| a == expected), "{expected}");
    }
}

#[tokio::test]
async fn referral_routes_refuse_anonymous_wrong_role_and_other_organisations() {
    let app = TestApp::new().await;
    let story = parties(&app).await;
    let fr = app.signed_in("ref@fr.example").await;
    let al = app.signed_in("ref@al.example").await;
    let it = app.signed_in("ref@it.example").await;
    let caseworker = app.signed_in("case@fr.example").await;
    let anonymous = app.client();
    let covered = person(&app, story.france, "Ana Kola", &["AL"]).await;
    let albania = story.albania.to_string();
    let sent = fr
        .post("/referrals", &referral_fields(&covered, &albania))
        .await;
    let id = referral_id(&sent);
    let step = "0b6a8f3e-2c4d-4e5f-9a1b-7c8d9e0f1a2b";
    let gets = [
        "/referrals".to_owned(),
        "/referrals/new".to_owned(),
        format!("/referrals/{id}"),
    ];
    for path in &gets {
        anonymous.get(path).await.assert_redirect_to_sign_in();
        assert_eq!(
            caseworker.get(path).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    let posts: Vec<(String, Vec<(&str, &str)>)> = vec![
        (
            format!("/referrals/{id}/decision"),
            vec![("decision", "accept")],
        ),
        (
            format!("/referrals/{id}/status"),
            vec![("status", "in_progress")],
        ),
        (
            format!("/referrals/{id}/steps/{step}"),
            vec![("action", "done")],
        ),
        (
            format!("/referrals/{id}/stage"),
            vec![("stage", "identification")],
        ),
        (format!("/referrals/{id}/updates"), vec![("text", "hello")]),
    ];
    for (path, fields) in &posts {
        assert_eq!(
            caseworker.post(path, fields).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
        // A third organisation meets exactly what a missing id gives.
        let theirs = it.post(path, fields).await;
        let missing = it.post(&path.replace(&id, MISSING), fields).await;
        assert_eq!(theirs.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(shape(&theirs, &id), shape(&missing, MISSING), "{path}");
    }
    let theirs = it.get(&format!("/referrals/{id}")).await;
    let missing = it.get(&format!("/referrals/{MISSING}")).await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND);
    assert_eq!(shape(&theirs, &id), shape(&missing, MISSING));
    assert!(!it.get("/referrals").await.body.contains(&id));
    assert!(!it.get("/referrals?box=outbox").await.body.contains(&id));
    // Another organisation's person cannot be referred.
    let italy_person = fr
        .post("/referrals", &referral_fields(MISSING, &albania))
        .await;
    assert_eq!(italy_person.status, StatusCode::NOT_FOUND);
    // Templates: referral officers read, only administrators write.
    assert_eq!(fr.get("/org/sop").await.status, StatusCode::OK);
    assert_eq!(
        fr.post("/org/sop/assistance", &[("required", "x")])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        caseworker.get("/org/sop").await.status,
        StatusCode::FORBIDDEN
    );

    // The API: same rules, JSON errors.
    let token_it = create_token(&it).await;
    let token_al = create_token(&al).await;
    let token_case = create_token(&caseworker).await;
    let api_it = app.api(&token_it);
    let theirs = api_it.get(&format!("/api/v1/referrals/{id}")).await;
    let missing = api_it.get(&format!("/api/v1/referrals/{MISSING}")).await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND);
    assert_eq!(shape(&theirs, &id), shape(&missing, MISSING));
    assert_eq!(
        app.api(&token_case).get("/api/v1/referrals").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.client().get("/api/v1/referrals").await.status,
        StatusCode::UNAUTHORIZED
    );
    let api_al = app.api(&token_al);
    let inbox = api_al.get("/api/v1/referrals?box=inbox").await.json();
    assert_eq!(inbox["referrals"].as_array().unwrap().len(), 1);
    let view = api_al.get(&format!("/api/v1/referrals/{id}")).await.json();
    assert_eq!(view["side"], "receiver");
    assert!(view["person_id"].is_null());
    assert_eq!(view["person"]["names"][0]["full"], "Ana Kola");
    let bad = api_al
        .post_json(
            &format!("/api/v1/referrals/{id}/decision"),
            r#"{"decision":"decline"}"#,
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.json()["field"], "reason");

    // A decline leaves Albania with nothing of the person afterwards.
    let declined = api_al
        .post_json(
            &format!("/api/v1/referrals/{id}/decision"),
            r#"{"decision":"decline","reason":"no shelter capacity this month"}"#,
        )
        .await;
    assert_eq!(declined.status, StatusCode::OK, "{}", declined.body);
    assert!(declined.json().get("person").is_none());
    let after = api_al.get(&format!("/api/v1/referrals/{id}")).await.json();
    assert!(after["person"].is_null() && after["purpose"].is_null());
    assert_eq!(after["withheld"], true);
    let page = al.get(&format!("/referrals/{id}")).await;
    assert!(!page.body.contains("Ana Kola"));
    let sender = fr.get(&format!("/referrals/{id}")).await;
    assert!(sender.body.contains("no shelter capacity this month"));

    // The API refuses a wrongly typed field, naming it.
    let token_fr = create_token(&fr).await;
    let tool = app
        .api(&token_fr)
        .post_json(
            &format!("/api/v1/referrals/{id}/tools/risk_assessment"),
            r#"{"values":{"threat_known":"maybe","who_at_risk":"x","level":3,"assessed_on":"2026-05-31"}}"#,
        )
        .await;
    assert_eq!(tool.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(tool.json()["field"], "values.threat_known");
    let saved = app
        .store
        .tool_entries(&OrgScope::new(story.france), id.parse().unwrap())
        .await
        .unwrap();
    assert!(saved.is_empty(), "a refused tool saves nothing");
    // To an unknown organisation: refused naming the field, nothing saved.
    let before = app
        .api(&token_fr)
        .get("/api/v1/referrals?box=outbox")
        .await
        .json()["referrals"]
        .as_array()
        .unwrap()
        .len();
    let unknown = app
        .api(&token_fr)
        .post_json(
            "/api/v1/referrals",
            &format!(
                r#"{{"person":"{covered}","to_organisation":"{MISSING}","purpose":"p","services":["shelter"],"urgency":"urgent","risk":{{"level":"high","who_at_risk":"x","safety_plan":"y"}}}}"#
            ),
        )
        .await;
    assert_eq!(
        unknown.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        unknown.body
    );
    assert_eq!(unknown.json()["field"], "to_organisation");
    let after = app
        .api(&token_fr)
        .get("/api/v1/referrals?box=outbox")
        .await
        .json()["referrals"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(before, after);
    let tools = app.api(&token_fr).get("/api/v1/tools").await.json();
    assert!(tools["tools"].as_array().unwrap().len() >= 8);
    assert_eq!(
        it.get(&format!("/referrals/{id}/tools/screening"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let wrong = app
        .api(&token_fr)
        .post_json(
            "/api/v1/referrals",
            &format!(
                r#"{{"person":"{covered}","to_organisation":"{albania}","purpose":"p","services":"shelter","urgency":"urgent","risk":{{"level":"high","who_at_risk":"x","safety_plan":"y"}}}}"#
            ),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(wrong.json()["field"], "services");
    let unknown_service = app
        .api(&token_fr)
        .post_json(
            "/api/v1/referrals",
            &format!(
                r#"{{"person":"{covered}","to_organisation":"{albania}","purpose":"p","services":["spa"],"urgency":"urgent","risk":{{"level":"high","who_at_risk":"x","safety_plan":"y"}}}}"#
            ),
        )
        .await;
    assert_eq!(unknown_service.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(unknown_service.json()["field"], "services");
}

#[tokio::test]
async fn withdrawing_consent_hides_the_person_from_the_receiver_at_the_next_read() {
    let app = TestApp::new().await;
    let story = parties(&app).await;
    let fr = app.signed_in("ref@fr.example").await;
    let al = app.signed_in("ref@al.example").await;
    let (covered, id) = refer(&app, &story, &fr, "Drita Leka").await;
    assert!(
        al.get(&format!("/referrals/{id}"))
            .await
            .body
            .contains("Drita Leka")
    );
    let scope = OrgScope::new(story.france);
    let consent = app
        .store
        .consents(&scope, covered.parse().unwrap())
        .await
        .unwrap()
        .remove(0);
    let mut audit = AuditContext::system(app.now(), "test");
    audit.org = Some(story.france);
    audit.actor = app
        .store
        .users_in(&scope)
        .await
        .unwrap()
        .first()
        .map(|u| u.id);
    app.store
        .withdraw_consent(&audit, &scope, consent.id)
        .await
        .unwrap();
    let page = al.get(&format!("/referrals/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("Drita Leka"));
    assert!(page.body.contains("consent no longer covers"));
}

/// The PDF text layer: each line carries its text as UTF-16BE hex in
/// `/ActualText`, so a label is found by its hex form.
pub fn pdf_has_text(pdf: &[u8], text: &str) -> bool {
    let hex: String = text.encode_utf16().map(|u| format!("{u:04X}")).collect();
    let pdf = String::from_utf8_lossy(pdf);
    pdf.split("/ActualText <FEFF")
        .skip(1)
        .any(|line| line.split('>').next().is_some_and(|l| l.contains(&hex)))
}

async fn viewed_entries(app: &TestApp, org: OrgId) -> usize {
    app.store
        .audit_entries(&OrgScope::new(org), 1000, None)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.record.action == "tool_entry_viewed")
        .count()
}

#[tokio::test]
async fn a_filled_tool_exports_as_pdf_only_to_the_organisation_that_filled_it() {
    let app = TestApp::new().await;
    let story = parties(&app).await;
    let fr = app.signed_in("ref@fr.example").await;
    let al = app.signed_in("ref@al.example").await;
    let it = app.signed_in("ref@it.example").await;
    let caseworker = app.signed_in("case@fr.example").await;
    let (_, id) = refer(&app, &story, &fr, "Ana Kola").await;
    let filled = fr
        .post(
            &format!("/referrals/{id}/tools/screening"),
            &[
                ("f_deceived_about_work", "yes"),
                ("f_documents_withheld", "yes"),
                ("f_debt_bondage", "no"),
                (
                    "f_notes",
                    "Passport kept by the bar owner in Durrës.\nSecond line: مرحبا",
                ),
            ],
        )
        .await;
    let entry_path = filled.location().unwrap().to_owned();
    let entry_id = entry_path.rsplit('/').next().unwrap().to_owned();
    let pdf_path = format!("{entry_path}/pdf");
    let page = fr.get(&entry_path).await;
    assert!(page.body.contains(&format!("href=\"{pdf_path}\"")));

    let before = viewed_entries(&app, story.france).await;
    let (status, headers, pdf) = fr.get_bytes(&pdf_path).await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&pdf));
    assert_eq!(headers["content-type"], "application/pdf");
    assert!(pdf.starts_with(b"%PDF-"));
    assert!(pdf.ends_with(b"%%EOF\n"));
    for text in [
        "Identity documents withheld by someone else",
        "Passport kept by the bar owner in Durrës.",
        "Second line: مرحبا",
        "Yes",
        "No",
    ] {
        assert!(pdf_has_text(&pdf, text), "{text}");
    }
    // The text layer itself, as a reader extracts it.
    let extracted = pdf_text(&pdf);
    for text in [
        "Identity documents withheld by someone else",
        "Passport kept by the bar owner in Durrës.",
        "Second line: مرحبا",
    ] {
        assert!(extracted.contains(text), "{text} not in {extracted}");
    }
    if let Ok(dir) = std::env::var("RETRACE_KEEP_POSTER") {
        std::fs::write(std::path::Path::new(&dir).join("referral.pdf"), &pdf).unwrap();
    }
    assert_eq!(viewed_entries(&app, story.france).await, before + 1);

    // In Arabic: the labels in Arabic, the document marked as Arabic.
    fr.post("/language", &[("lang", "ar"), ("back", "/")]).await;
    let (status, _, pdf) = fr.get_bytes(&pdf_path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(pdf_has_text(&pdf, "وثائق الهوية محتجزة لدى شخص آخر"));
    assert!(pdf_text(&pdf).contains("وثائق الهوية محتجزة لدى شخص آخر"));
    assert!(String::from_utf8_lossy(&pdf).contains("/Lang (ar)"));

    // The receiving side, a third organisation and a missing entry all
    // meet the same not-found; the wrong role is refused; anonymous goes
    // to sign in.
    let missing_path = pdf_path.replace(&entry_id, MISSING);
    for other in [&al, &it] {
        let theirs = other.get(&pdf_path).await;
        let missing = other.get(&missing_path).await;
        assert_eq!(theirs.status, StatusCode::NOT_FOUND);
        assert_eq!(shape(&theirs, &entry_id), shape(&missing, MISSING));
    }
    assert_eq!(
        caseworker.get(&pdf_path).await.status,
        StatusCode::FORBIDDEN
    );
    app.client()
        .get(&pdf_path)
        .await
        .assert_redirect_to_sign_in();

    // The API route: the same PDF and the same rules, JSON errors.
    let api_path = format!("/api/v1{pdf_path}");
    let token_fr = create_token(&fr).await;
    let (status, headers, pdf) = app.api(&token_fr).get_bytes(&api_path).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "application/pdf");
    assert!(pdf.starts_with(b"%PDF-"));
    let token_it = create_token(&it).await;
    let api_it = app.api(&token_it);
    let theirs = api_it.get(&api_path).await;
    let missing = api_it.get(&api_path.replace(&entry_id, MISSING)).await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND);
    assert_eq!(shape(&theirs, &entry_id), shape(&missing, MISSING));
    let token_case = create_token(&caseworker).await;
    assert_eq!(
        app.api(&token_case).get(&api_path).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.client().get(&api_path).await.status,
        StatusCode::UNAUTHORIZED
    );
}

/// Issue 15, item 4: the referral rule's refusal was English on every
/// page; it is now coded and translated.
#[tokio::test]
async fn a_referral_to_ones_own_organisation_is_refused_in_french_and_arabic() {
    let app = TestApp::new().await;
    let story = parties(&app).await;
    let fr = app.signed_in("ref@fr.example").await;
    let covered = person(&app, story.france, "Mirela Dushku", &["AL"]).await;
    let france = story.france.to_string();
    for (lang, translated) in [
        (
            "fr",
            "une orientation va vers une autre organisation que la vôtre",
        ),
        ("ar", "تُوجَّه الإحالة إلى منظمة غير منظمتك"),
    ] {
        fr.post("/language", &[("lang", lang), ("back", "/")]).await;
        let own = fr
            .post("/referrals", &referral_fields(&covered, &france))
            .await;
        assert_eq!(own.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(own.body.contains(translated), "{lang}: {}", own.body);
        assert!(
            !own.body.contains("another organisation than"),
            "{lang}: {}",
            own.body
        );
    }
}

#[tokio::test]
async fn referral_forms_keep_what_was_typed_and_mark_every_error_in_french() {
    let app = TestApp::new().await;
    let story = parties(&app).await;
    let fr = app.signed_in("ref@fr.example").await;
    let al = app.signed_in("ref@al.example").await;
    let admin = app.signed_in("admin@al.example").await;
    for client in [&fr, &al, &admin] {
        client.set_cookie("retrace_lang", "fr");
    }
    let absent = [NOT_ON_A_FRENCH_PAGE, &["Step:"]].concat();

    // A list whose filters cannot be read: each marked on the list's form.
    let list = fr
        .get("/referrals?box=outbox&country=Albanie&urgency=later&from=2026-02-30")
        .await;
    assert_form_page(
        &list,
        StatusCode::UNPROCESSABLE_ENTITY,
        &[
            "Ce formulaire contient 3 erreurs",
            r##"<a href="#country">"##,
            r##"<a href="#urgency">"##,
            r##"<a href="#from">"##,
            r#"value="Albanie" placeholder="AL" aria-invalid="true""#,
        ],
        &absent,
    );

    // The new referral: six errors at once, every value kept.
    let refused = fr
        .post(
            "/referrals",
            &[
                ("person", ""),
                ("to_organisation", ""),
                ("purpose", ""),
                ("services", "shelter"),
                ("services", "legal"),
                ("services", "spa"),
                ("urgency", "urgent"),
                ("risk_level", "high"),
                ("risk_who", ""),
                ("risk_from", "le réseau du recruteur"),
                ("risk_plan", ""),
                ("share_contact", "on"),
            ],
        )
        .await;
    assert_form_page(
        &refused,
        StatusCode::UNPROCESSABLE_ENTITY,
        &[
            "Ce formulaire contient 6 erreurs",
            "choisissez l’organisation destinataire",
            r##"<a href="#risk_plan">"##,
            r##"<a href="#services">"##,
            r#"<fieldset id="services" aria-invalid="true" aria-describedby="err-services">"#,
            r#"id="person" name="person" required aria-invalid="true" aria-describedby="person-hint err-person""#,
            r#"id="to_organisation" name="to_organisation" required aria-invalid="true" aria-describedby="err-to_organisation""#,
            r#"required aria-invalid="true" aria-describedby="err-purpose""#,
            r#"value="le réseau du recruteur""#,
            r#"value="shelter" checked"#,
            r#"value="legal" checked"#,
            r#"value="urgent" selected"#,
            r#"value="high" selected"#,
            r#"name="share_contact" checked"#,
            r#"<p class="field-error" id="err-risk_who">"#,
            r#"<p class="field-error" id="err-risk_plan">"#,
        ],
        &absent,
    );

    // A tool: each wrong value marked, what was typed kept.
    let (_, id) = refer(&app, &story, &fr, "Mirela Dushku").await;
    let wrong = fr
        .post(
            &format!("/referrals/{id}/tools/risk_assessment"),
            &[
                ("f_threat_known", "peut-être"),
                ("f_who_at_risk", "sa sœur"),
                ("f_level", "élevé"),
                ("f_assessed_on", "hier"),
            ],
        )
        .await;
    assert_form_page(
        &wrong,
        StatusCode::UNPROCESSABLE_ENTITY,
        &[
            "doit être un nombre entier",
            "doit être une date comme 2026-05-31",
            r#"value="sa sœur""#,
            r#"value="élevé""#,
            r#"<p class="field-error" id="err-f_level">"#,
            r#"<p class="field-error" id="err-f_assessed_on">"#,
            r#"id="f_threat_known" aria-invalid="true""#,
        ],
        &absent,
    );

    // A decline without a reason: the choice kept, the reason marked.
    let declined = al
        .post(
            &format!("/referrals/{id}/decision"),
            &[("decision", "decline"), ("reason", "")],
        )
        .await;
    assert_form_page(
        &declined,
        StatusCode::UNPROCESSABLE_ENTITY,
        &[
            r#"value="decline" checked"#,
            r#"id="reason" name="reason" maxlength="500" dir="auto" value="" aria-invalid="true" aria-describedby="reason-hint err-reason""#,
        ],
        &absent,
    );

    // Albania's checklist: its stage cannot be closed before its required
    // steps, so the button is not offered.
    admin
        .post(
            "/org/sop/assistance",
            &[("required", "Shelter place confirmed"), ("optional", "")],
        )
        .await;
    let too_long = "x".repeat(301);
    let template = admin
        .post(
            "/org/sop/assistance",
            &[
                ("required", too_long.as_str()),
                ("optional", "Interprète réservé"),
            ],
        )
        .await;
    assert_form_page(
        &template,
        StatusCode::UNPROCESSABLE_ENTITY,
        &[
            "doit compter au plus 300 caractères",
            "Interprète réservé",
            r#"aria-invalid="true" aria-describedby="hint-assistance err-required-assistance""#,
        ],
        &absent,
    );
    for stage in ["identification", "referral"] {
        fr.post(&format!("/referrals/{id}/stage"), &[("stage", stage)])
            .await;
    }
    al.post(
        &format!("/referrals/{id}/decision"),
        &[("decision", "accept")],
    )
    .await;
    al.post(
        &format!("/referrals/{id}/status"),
        &[("status", "in_progress")],
    )
    .await;
    let page = al.get(&format!("/referrals/{id}")).await;
    assert!(
        !page.body.contains(r#"id="close-assistance""#),
        "{}",
        page.body
    );
    assert!(page.body.contains("Cette étape pourra être close"));
    let step = page
        .between(&format!("/referrals/{id}/steps/"), "\"")
        .expect("an open step");
    let skipped = al
        .post(
            &format!("/referrals/{id}/steps/{step}"),
            &[("action", "skip"), ("reason", "")],
        )
        .await;
    assert_form_page(
        &skipped,
        StatusCode::UNPROCESSABLE_ENTITY,
        &[
            "indiquez pourquoi l’étape est passée",
            &format!(r#"aria-invalid="true" aria-describedby="err-skip-{step}""#),
        ],
        &absent,
    );

    // An update without text, and a closing without an outcome.
    let update = al
        .post(
            &format!("/referrals/{id}/updates"),
            &[("text", " "), ("report", "on")],
        )
        .await;
    assert_form_page(
        &update,
        StatusCode::UNPROCESSABLE_ENTITY,
        &[
            r#"name="report" checked"#,
            r#"<p class="field-error" id="err-text">"#,
        ],
        &absent,
    );
    let closing = al
        .post(
            &format!("/referrals/{id}/status"),
            &[
                ("status", "closed"),
                ("outcome", ""),
                ("note", "Suivi terminé"),
            ],
        )
        .await;
    assert_form_page(
        &closing,
        StatusCode::UNPROCESSABLE_ENTITY,
        &[
            "Suivi terminé",
            r#"id="outcome" name="outcome" required aria-invalid="true" aria-describedby="err-outcome""#,
        ],
        &absent,
    );
}
