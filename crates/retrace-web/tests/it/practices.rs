//! Smart practices (issue 14, item 2) through the pages and the API: a
//! member submits, two other member organisations review, its own
//! organisation publishes, and the public finds it; the bad inputs of the
//! issue are refused with a clear message; anonymous visitors, viewers and
//! non-members get exactly what the rules say ("not found" for what they
//! may not see); the public form is held for the coordinators and keeps
//! the gallery form's defences.

use crate::form_pages::{NOT_ON_A_FRENCH_PAGE, assert_form_page};
use crate::harness::{Client, TestApp, TestResponse};
use axum::http::StatusCode;
use retrace_domain::{MemberRole, NetworkName, Text};
use retrace_store::AuditContext;
use std::time::Duration;

const MISSING: &str = "00000000-0000-4000-8000-000000000000";

/// Italy coordinates, Greece and France are members, Mexico is outside.
async fn world(app: &TestApp) -> String {
    let italy = app.org("Italian Red Cross", "IT").await;
    let greece = app.org("Hellenic Red Cross", "GR").await;
    let france = app.org("French Red Cross", "FR").await;
    let mexico = app.org("Mexican Red Cross", "MX").await;
    app.member("case@it.example", italy, "caseworker").await;
    app.member("other@it.example", italy, "caseworker").await;
    app.member("case@gr.example", greece, "caseworker").await;
    app.member("viewer@gr.example", greece, "viewer").await;
    app.member("case@fr.example", france, "caseworker").await;
    app.member("case@mx.example", mexico, "caseworker").await;
    app.store
        .create_network(
            &AuditContext::system(app.now(), "test"),
            &NetworkName::parse("Mediterranean migration network").unwrap(),
            &Text::parse("description", "Along the routes", 4000, true).unwrap(),
            &[
                (italy, MemberRole::Coordinator),
                (greece, MemberRole::Member),
                (france, MemberRole::Member),
            ],
        )
        .await
        .unwrap()
        .id
        .to_string()
}

fn practice_form<'a>(network: &'a str, title: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("network", network),
        ("language", "en"),
        ("title", title),
        ("stages", "transit"),
        ("stages", "destination"),
        ("support", "family_links"),
        ("implementers", "Italian Red Cross volunteers"),
        ("funders", "ECHO"),
        ("countries", "LY, IT"),
        ("target_group", "Families separated at sea"),
        ("impact", "2,400 calls made in a year"),
        ("cost_amount", "12"),
        ("cost_currency", "eur"),
        ("lessons", "Volunteers speaking Tigrinya were essential"),
        ("objectives", "8"),
        ("objectives", "21"),
    ]
}

fn practice_id(response: &TestResponse) -> String {
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    response
        .location()
        .and_then(|l| l.strip_prefix("/practices/"))
        .expect("redirected to the practice")
        .to_owned()
}

async fn review(client: &Client<'_>, id: &str, verdict: &str, comment: &str) -> TestResponse {
    client
        .post(
            &format!("/practices/{id}/reviews"),
            &[("verdict", verdict), ("comment", comment)],
        )
        .await
}

#[tokio::test]
async fn a_practice_is_reviewed_by_two_other_organisations_published_and_found_by_the_public() {
    let app = TestApp::new().await;
    let network = world(&app).await;
    let italy = app.signed_in("case@it.example").await;
    let italy2 = app.signed_in("other@it.example").await;
    let greece = app.signed_in("case@gr.example").await;
    let france = app.signed_in("case@fr.example").await;

    let form = italy.get("/practices/new").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("Mediterranean migration network"));
    let id = practice_id(
        &italy
            .post(
                "/practices",
                &practice_form(&network, "Phone calls from the boats"),
            )
            .await,
    );
    let page = greece.get(&format!("/practices/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Phone calls from the boats"));
    assert!(page.body.contains("12 EUR"));
    assert!(page.body.contains("Tigrinya"));
    assert!(
        page.body.contains("id=\"send-review\""),
        "Greece may review"
    );

    // Its own organisation may not review it, whoever writes.
    for own in [&italy, &italy2] {
        let refused = review(own, &id, "approve", "Ours is good").await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            refused.body.contains(
                "A practice is reviewed by other organisations of the network, not by its own."
            ),
            "the refusal in words of the page: {}",
            refused.body
        );
    }
    let early = italy.post(&format!("/practices/{id}/publish"), &[]).await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(early.body.contains("two approving reviews"));

    let first = review(&greece, &id, "approve", "Clear and replicable").await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    let twice = review(&greece, &id, "revise", "On second thoughts").await;
    assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(twice.body.contains("already reviewed"), "{}", twice.body);
    assert!(
        !twice.body.contains("id=\"send-review\""),
        "no second review form"
    );
    let second = review(&france, &id, "approve", "Approved").await;
    assert_eq!(second.status, StatusCode::SEE_OTHER, "{}", second.body);

    // Still not public until published.
    let public = app.client();
    let hidden = public.get(&format!("/public/practices/{id}")).await;
    let missing = public.get(&format!("/public/practices/{MISSING}")).await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
    assert_eq!(hidden.status, missing.status);

    let published = italy.post(&format!("/practices/{id}/publish"), &[]).await;
    assert_eq!(
        published.status,
        StatusCode::SEE_OTHER,
        "{}",
        published.body
    );
    let shown = public.get(&format!("/public/practices/{id}")).await;
    assert_eq!(shown.status, StatusCode::OK);
    assert!(shown.body.contains("Phone calls from the boats"));
    assert!(
        !shown.body.contains("Clear and replicable"),
        "reviews stay with the network"
    );
    let found = public
        .get("/public/practices?q=calls+boat&stage=transit&country=LY&objective=21")
        .await;
    assert!(found.body.contains("Phone calls from the boats"));
    let not_found = public.get("/public/practices?support=legal").await;
    assert!(!not_found.body.contains("Phone calls from the boats"));
    // Filters that cannot be read: every one marked, nothing listed.
    let unreadable = public
        .get("/public/practices?country=Libya&objective=99&stage=sea")
        .await;
    assert_eq!(unreadable.status, StatusCode::UNPROCESSABLE_ENTITY);
    for control in ["filter-country", "filter-objective", "filter-stage"] {
        assert!(
            unreadable.body.contains(&format!("href=\"#{control}\"")),
            "{control}: {}",
            unreadable.body
        );
    }
    assert!(!unreadable.body.contains("Phone calls from the boats"));

    let audit = app.store.verify_audit_chain().await.unwrap();
    assert!(matches!(
        audit,
        retrace_store::AuditVerification::Intact { .. }
    ));
}

#[tokio::test]
async fn anonymous_visitors_viewers_and_non_members_get_what_the_rules_say() {
    let app = TestApp::new().await;
    let network = world(&app).await;
    let italy = app.signed_in("case@it.example").await;
    let viewer = app.signed_in("viewer@gr.example").await;
    let mexico = app.signed_in("case@mx.example").await;
    let id = practice_id(
        &italy
            .post("/practices", &practice_form(&network, "Tracing desk"))
            .await,
    );

    // Anonymous: the members' pages ask for a sign-in.
    let anonymous = app.client();
    for path in ["/practices", "/practices/new", &format!("/practices/{id}")] {
        anonymous.get(path).await.assert_redirect_to_sign_in();
    }

    // A viewer reads but neither submits nor reviews.
    assert!(
        !viewer
            .get("/practices")
            .await
            .body
            .contains("href=\"/practices/new\""),
        "no submission link for a viewer"
    );
    assert_eq!(
        viewer.get(&format!("/practices/{id}")).await.status,
        StatusCode::OK
    );
    assert_eq!(
        viewer.get("/practices/new").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        viewer
            .post("/practices", &practice_form(&network, "x"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let refused = review(&viewer, &id, "approve", "fine").await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("not review them"));

    // Outside the network: exactly "not found" on every route.
    for (real, fake) in [
        (format!("/practices/{id}"), format!("/practices/{MISSING}")),
        (
            format!("/public/practices/{id}"),
            format!("/public/practices/{MISSING}"),
        ),
    ] {
        let seen = mexico.get(&real).await;
        let none = mexico.get(&fake).await;
        assert_eq!(seen.status, StatusCode::NOT_FOUND, "{real}");
        assert_eq!(seen.status, none.status);
        assert!(!seen.body.contains("Tracing desk"));
    }
    for path in [
        format!("/practices/{id}/reviews"),
        format!("/practices/{id}/publish"),
        format!("/practices/{id}/moderation"),
    ] {
        let response = mexico
            .post(
                &path,
                &[
                    ("verdict", "approve"),
                    ("comment", "x"),
                    ("decision", "accept"),
                ],
            )
            .await;
        assert_eq!(response.status, StatusCode::NOT_FOUND, "{path}");
    }
    assert_eq!(
        mexico
            .post("/practices", &practice_form(&network, "Not ours"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert!(!mexico.get("/practices").await.body.contains("Tracing desk"));

    // The same through the API.
    let token = crate::access::create_token(&mexico).await;
    let api = app.api(&token);
    assert_eq!(
        api.get(&format!("/api/v1/practices/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    let listed = api.get("/api/v1/practices").await;
    assert_eq!(listed.status, StatusCode::OK);
    assert_eq!(listed.json()["practices"], serde_json::json!([]));
    let token = crate::access::create_token(&italy).await;
    let api = app.api(&token);
    let own = api.get(&format!("/api/v1/practices/{id}")).await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.body);
    assert_eq!(own.json()["status"], "in_review");
    assert_eq!(own.json()["objectives"], serde_json::json!([8, 21]));
    assert_eq!(own.json()["cost_per_beneficiary"]["currency"], "EUR");
}

#[tokio::test]
async fn the_public_form_is_held_for_the_coordinators_and_keeps_the_gallery_defences() {
    let app = TestApp::new().await;
    let network = world(&app).await;
    let public = app.client();
    let form = public.get("/public/practices/new").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("Mediterranean migration network"));
    let stamp = form.between("name=\"stamp\" value=\"", "\"").unwrap();

    let mut fields = practice_form(&network, "Community kitchen with a tracing corner");
    fields.push(("stamp", stamp.as_str()));
    let too_fast = public.post("/public/practices", &fields).await;
    assert_eq!(too_fast.status, StatusCode::UNPROCESSABLE_ENTITY);
    app.clock.advance(Duration::from_secs(10));
    let mut bad = fields.clone();
    bad.retain(|(name, _)| *name != "stages");
    let invalid = public.post("/public/practices", &bad).await;
    assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        invalid.body.contains("Stage of the route"),
        "names the field"
    );
    let sent = public.post("/public/practices", &fields).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    assert_eq!(sent.location(), Some("/public/practices/thanks"));
    let replayed = public.post("/public/practices", &fields).await;
    assert_eq!(
        replayed.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "one stamp, one practice"
    );
    let mut bot = fields.clone();
    bot.push(("website", "http://spam.example"));
    assert_eq!(
        public.post("/public/practices", &bot).await.location(),
        Some("/public/practices/thanks")
    );

    // Held: the coordinator sees it and accepts it; a member does not.
    let italy = app.signed_in("case@it.example").await;
    let greece = app.signed_in("case@gr.example").await;
    let held = italy.get("/practices?status=held").await;
    assert!(
        held.body
            .contains("Community kitchen with a tracing corner")
    );
    let id = held
        .between("<td data-label=\"Title\"><a href=\"/practices/", "\"")
        .expect("a link to the held practice");
    assert!(
        !greece
            .get("/practices?status=held")
            .await
            .body
            .contains("Community kitchen")
    );
    assert_eq!(
        greece.get(&format!("/practices/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    let page = italy.get(&format!("/practices/{id}")).await;
    assert!(page.body.contains("id=\"accept\""));
    let accepted = italy
        .post(
            &format!("/practices/{id}/moderation"),
            &[("decision", "accept")],
        )
        .await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{}", accepted.body);
    let page = greece.get(&format!("/practices/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Italian Red Cross"),
        "sponsored by Italy"
    );
}

#[tokio::test]
async fn a_refused_practice_marks_every_error_in_french_and_keeps_what_was_typed() {
    let app = TestApp::new().await;
    let network = world(&app).await;
    let italy = app.signed_in("case@it.example").await;
    italy.set_cookie("retrace_lang", "fr");
    let refused = italy
        .post(
            "/practices",
            &[
                ("network", network.as_str()),
                ("language", "fr"),
                ("title", ""),
                ("support", "family_links"),
                ("implementers", "Bénévoles de la Croix-Rouge"),
                ("countries", "LY, Italie"),
                ("target_group", "Familles séparées en mer"),
                ("impact", "2 400 appels en un an"),
                ("cost_amount", "douze"),
                ("cost_currency", "eur"),
                ("objectives", "8"),
            ],
        )
        .await;
    assert_form_page(
        &refused,
        StatusCode::UNPROCESSABLE_ENTITY,
        &[
            "Ce formulaire contient 4 erreurs",
            r#"id="form-error" tabindex="-1""#,
            r##"<a href="#practice-stages">"##,
            r#"<p class="field-error" id="err-practice-title">"#,
            r#"id="practice-stages" aria-invalid="true" aria-describedby="err-practice-stages""#,
            r#"name="countries" aria-invalid="true" aria-describedby="practice-countries-hint err-practice-countries""#,
            r#"name="cost_amount" aria-invalid="true" aria-describedby="err-practice-cost""#,
            "LY, Italie",
            "Bénévoles de la Croix-Rouge",
            r#"value="family_links" checked"#,
            r#"value="8" checked"#,
        ],
        NOT_ON_A_FRENCH_PAGE,
    );
    // A review without a verdict and without a comment: both marked.
    italy.set_cookie("retrace_lang", "en");
    let id = practice_id(
        &italy
            .post(
                "/practices",
                &practice_form(&network, "Family tracing hotline"),
            )
            .await,
    );
    let greece = app.signed_in("case@gr.example").await;
    greece.set_cookie("retrace_lang", "fr");
    let refused = review(&greece, &id, "", " ").await;
    assert_form_page(
        &refused,
        StatusCode::UNPROCESSABLE_ENTITY,
        &[
            "Ce formulaire contient 2 erreurs",
            r##"<a href="#review-verdict">"##,
            r#"<fieldset id="review-verdict" aria-invalid="true" aria-describedby="err-review-verdict">"#,
            r#"aria-invalid="true" aria-describedby="err-review-comment""#,
        ],
        NOT_ON_A_FRENCH_PAGE,
    );
}
