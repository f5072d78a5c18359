//! Pledge indicators (issue 14, item 3) through the pages, the PDF and the
//! API: members read their organisation's figures, administrators enter
//! the hand-typed ones (every error at once, values kept, computed figures
//! refused), networks add up their members and are "not found" to anyone
//! else.

use crate::access::create_token;
use crate::harness::{TestApp, pdf_text};
use axum::http::{Method, StatusCode};
use retrace_domain::{MemberRole, NetworkName, OrgId, Text};
use retrace_store::AuditContext;

struct World {
    belgium: OrgId,
    network: String,
}

/// Belgium and France in a network, Mexico outside.
async fn world(app: &TestApp) -> World {
    let belgium = app.org("Belgian Red Cross", "BE").await;
    let france = app.org("French Red Cross", "FR").await;
    let mexico = app.org("Mexican Red Cross", "MX").await;
    app.member("admin@be.example", belgium, "org_admin").await;
    app.member("viewer@be.example", belgium, "viewer").await;
    app.member("admin@fr.example", france, "org_admin").await;
    app.member("admin@mx.example", mexico, "org_admin").await;
    let network = app
        .store
        .create_network(
            &AuditContext::system(app.now(), "test"),
            &NetworkName::parse("European migration network").unwrap(),
            &Text::parse("description", "-", 4000, true).unwrap(),
            &[
                (belgium, MemberRole::Coordinator),
                (france, MemberRole::Member),
            ],
        )
        .await
        .unwrap();
    World {
        belgium,
        network: network.id.to_string(),
    }
}

#[tokio::test]
async fn members_read_administrators_enter_and_the_chart_shows_it() {
    let app = TestApp::new().await;
    let w = world(&app).await;
    // Anonymous: sent to sign in; the API answers 401.
    app.client()
        .get("/indicators")
        .await
        .assert_redirect_to_sign_in();
    app.client()
        .get("/indicators/2026/edit")
        .await
        .assert_redirect_to_sign_in();
    assert_eq!(
        app.client().get("/api/v1/indicators").await.status,
        StatusCode::UNAUTHORIZED
    );
    let anonymous = app.client();
    for path in [
        format!("/networks/{}/indicators", w.network),
        format!("/networks/{}/indicators.pdf", w.network),
        "/indicators.pdf".to_owned(),
    ] {
        anonymous.get(&path).await.assert_redirect_to_sign_in();
    }
    for path in [
        format!("/api/v1/networks/{}/indicators", w.network),
        "/api/v1/indicators/2026".to_owned(),
    ] {
        let method = if path.ends_with("2026") {
            Method::PUT
        } else {
            Method::GET
        };
        let response = anonymous
            .send(
                method,
                &path,
                Some(("application/json", "{}".to_owned())),
                None,
            )
            .await;
        assert_eq!(response.status, StatusCode::UNAUTHORIZED, "{path}");
    }

    let admin = app.signed_in("admin@be.example").await;
    let page = admin.get("/indicators").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("role=\"img\""));
    assert!(page.body.contains("<title id=\"chart-training-title\">"));
    assert!(page.body.contains("Tracing requests opened"));
    assert!(page.body.contains("Computed"));
    let form = admin.get("/indicators/2026/edit").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("name=\"trained_staff\""));
    // The form offers entered figures only.
    assert!(!form.body.contains("name=\"reunifications\""));

    let saved = admin
        .post(
            "/indicators/2026/edit",
            &[
                ("trained_staff", "37"),
                ("trained_staff_note", "two workshops"),
                ("awareness_campaigns", "4"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let page = admin.get("/indicators").await;
    let row = page
        .between("id=\"row-trained_staff\"", "</tr>")
        .expect("the staff row");
    assert!(row.contains(">37<"), "{row}");
    assert!(row.contains("two workshops"), "{row}");
    // The bar of 37 is the longest of its chart: full width.
    let chart = page
        .between("id=\"chart-training\"", "</svg>")
        .expect("the training chart");
    assert!(chart.contains(">37</text>"), "{chart}");
    assert!(chart.contains("width=\"360\""), "{chart}");
    // Audited with the figures changed.
    let audit = admin.get("/org/audit").await;
    assert!(audit.body.contains("Indicators entered"));
    assert!(
        audit
            .body
            .contains("2026: trained_staff, awareness_campaigns")
    );

    // A viewer reads the report but may not enter figures.
    let viewer = app.signed_in("viewer@be.example").await;
    assert!(viewer.get("/indicators").await.body.contains(">37<"));
    assert_eq!(
        viewer.get("/indicators/2026/edit").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        viewer
            .post("/indicators/2026/edit", &[("trained_staff", "1")])
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    assert_eq!(
        viewer
            .post("/indicators/offset", &[("utc_offset", "+01:00")])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert!(
        !viewer
            .get("/indicators")
            .await
            .body
            .contains("id=\"indicators-edit\"")
    );

    // Another organisation's figures are its own.
    let france = app.signed_in("admin@fr.example").await;
    let theirs = france.get("/indicators").await;
    assert!(!theirs.body.contains("two workshops"));

    // The PDF has the figures as real text.
    let (status, _, pdf) = admin.get_bytes("/indicators.pdf").await;
    assert_eq!(status, StatusCode::OK);
    let text = pdf_text(&pdf);
    assert!(text.contains("Staff trained"), "{text}");
    assert!(text.contains("2026: 37"), "{text}");

    // In Arabic too, right to left.
    admin.set_cookie("retrace_lang", "ar");
    let (status, _, pdf) = admin.get_bytes("/indicators.pdf").await;
    assert_eq!(status, StatusCode::OK);
    let text = pdf_text(&pdf);
    assert!(text.contains("الإحالات"), "{text}");
    assert!(admin.get("/indicators").await.body.contains("dir=\"rtl\""));
    admin.set_cookie("retrace_lang", "en");

    // The network adds up its members; a non-member sees "not found",
    // exactly as for a network that does not exist.
    france
        .post("/indicators/2026/edit", &[("trained_staff", "5")])
        .await;
    let network = admin
        .get(&format!("/networks/{}/indicators", w.network))
        .await;
    assert_eq!(network.status, StatusCode::OK);
    let row = network
        .between("id=\"row-trained_staff\"", "</tr>")
        .unwrap();
    assert!(row.contains(">42<"), "{row}");
    assert!(
        !row.contains("two workshops"),
        "notes stay with their organisation"
    );
    let mexico = app.signed_in("admin@mx.example").await;
    let outside = mexico
        .get(&format!("/networks/{}/indicators", w.network))
        .await;
    let missing = mexico
        .get("/networks/00000000-0000-4000-8000-000000000000/indicators")
        .await;
    assert_eq!(outside.status, StatusCode::NOT_FOUND);
    assert_eq!(outside.status, missing.status);
    assert_eq!(
        mexico
            .get(&format!("/networks/{}/indicators.pdf", w.network))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let _ = w.belgium;
}

#[tokio::test]
async fn bad_entries_are_refused_all_at_once_and_kept() {
    let app = TestApp::new().await;
    world(&app).await;
    let admin = app.signed_in("admin@be.example").await;
    let refused = admin
        .post(
            "/indicators/2026/edit",
            &[
                ("trained_staff", "-3"),
                ("trained_volunteers", "twelve"),
                ("awareness_campaigns", "7"),
                ("reunifications", "9"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let body = &refused.body;
    assert!(body.contains("id=\"form-error\""));
    assert!(
        body.contains("must be a whole number from 0 to 10000000"),
        "{body}"
    );
    assert!(body.contains("cannot be entered by hand"), "{body}");
    assert!(
        body.contains("value=\"twelve\""),
        "the values typed are kept"
    );
    assert!(body.contains("value=\"-3\""));
    assert!(body.contains("value=\"7\""));
    assert!(body.contains("aria-invalid=\"true\""));
    // Nothing was stored.
    assert!(!admin.get("/indicators").await.body.contains(">7<"));
    // A year not begun, or before 2000.
    for year in ["2027", "1999", "abc"] {
        let response = admin
            .post(
                &format!("/indicators/{year}/edit"),
                &[("trained_staff", "1")],
            )
            .await;
        assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{year}");
        assert!(
            response
                .body
                .contains("the year must be between 2000 and 2026")
        );
    }
    // The reporting offset: refused when invalid, then set.
    let bad = admin
        .post("/indicators/offset", &[("utc_offset", "+25:00")])
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("value=\"+25:00\""));
    let good = admin
        .post("/indicators/offset", &[("utc_offset", "+02:00")])
        .await;
    assert_eq!(good.status, StatusCode::SEE_OTHER);
    assert!(admin.get("/indicators").await.body.contains("UTC+02:00"));
}

#[tokio::test]
async fn the_api_reads_and_enters_and_refuses_computed_figures() {
    let app = TestApp::new().await;
    let w = world(&app).await;
    let admin = app.signed_in("admin@be.example").await;
    let api = app.api(&create_token(&admin).await);
    let put = |body: &'static str, year: &'static str| {
        let api = &api;
        async move {
            api.send(
                Method::PUT,
                &format!("/api/v1/indicators/{year}"),
                Some(("application/json", body.to_owned())),
                None,
            )
            .await
        }
    };
    let ok = put(
        r#"{"figures":[{"figure":"trained_volunteers","value":120,"note":"summer camp"}]}"#,
        "2026",
    )
    .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    assert_eq!(ok.json()["changed"][0], "trained_volunteers");
    let bad = put(
        r#"{"figures":[{"figure":"persons_located","value":3},{"figure":"trained_staff","value":-1},{"figure":"nonsense","value":1}]}"#,
        "2026",
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    let text = bad.body.clone();
    assert!(text.contains("persons_located"), "{text}");
    assert!(text.contains("trained_staff"), "{text}");
    assert!(text.contains("nonsense"), "{text}");
    let report = api.get("/api/v1/indicators?from=2025&to=2026").await;
    assert_eq!(report.status, StatusCode::OK);
    let json = report.json();
    assert_eq!(json["years"], serde_json::json!([2025, 2026]));
    let volunteers = json["figures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["figure"] == "trained_volunteers")
        .unwrap();
    assert_eq!(volunteers["source"], "entered");
    assert_eq!(volunteers["values"][1]["value"], 120);
    assert_eq!(volunteers["values"][0]["value"], serde_json::Value::Null);
    let opened = json["figures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["figure"] == "requests_opened")
        .unwrap();
    assert_eq!(opened["source"], "computed");
    assert_eq!(opened["values"][1]["value"], 0);
    assert_eq!(
        api.get("/api/v1/indicators?from=2030").await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let network = api
        .get(&format!("/api/v1/networks/{}/indicators", w.network))
        .await;
    assert_eq!(network.status, StatusCode::OK);
    // Wrong role through the API: a viewer's token may not enter.
    let viewer = app.signed_in("viewer@be.example").await;
    let viewer_api = app.api(&create_token(&viewer).await);
    let refused = viewer_api
        .send(
            Method::PUT,
            "/api/v1/indicators/2026",
            Some((
                "application/json",
                r#"{"figures":[{"figure":"trained_staff","value":1}]}"#.to_owned(),
            )),
            None,
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    // A non-member's token: not found.
    let mexico = app.signed_in("admin@mx.example").await;
    let mexico_api = app.api(&create_token(&mexico).await);
    assert_eq!(
        mexico_api
            .get(&format!("/api/v1/networks/{}/indicators", w.network))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}
