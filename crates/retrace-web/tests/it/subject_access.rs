//! Subject access (issue 16, item 3): the organisation administrator's
//! page, the JSON and PDF downloads and the API, against anonymous
//! visitors, wrong roles and scopes, and another organisation (which must
//! see exactly what a missing id shows); and what the export holds.

use crate::access::create_scoped_token;
use crate::gallery::{published, send_report};
use crate::harness::{CONFIRM, Client};
use crate::privacy::{MISSING, shape, with_admins};
use crate::referrals::pdf_has_text;
use crate::tracing::{candidate_link, confirm_and_relay, open_request, register_safe};
use axum::http::StatusCode;
use serde_json::Value;

fn paths(id: &str) -> [String; 4] {
    [
        format!("/persons/{id}/subject-access"),
        format!("/persons/{id}/subject-access.json"),
        format!("/persons/{id}/subject-access.pdf"),
        format!("/api/v1/persons/{id}/subject-access"),
    ]
}

/// Every value of a JSON document, as one string to search.
fn text_of(json: &Value) -> String {
    json.to_string()
}

#[tokio::test]
async fn subject_access_is_for_the_org_admin_and_hides_other_organisations() {
    let app = with_admins().await;
    let be = app.signed_in("case@be.example").await;
    let (_, sought) = open_request(&be).await;
    let [page, json, pdf, api] = paths(&sought);
    let missing = paths(MISSING);

    // Anonymous: the pages go to sign in, the API answers 401.
    for path in [&page, &json, &pdf] {
        app.client().get(path).await.assert_redirect_to_sign_in();
    }
    assert_eq!(
        app.client().get(&api).await.status,
        StatusCode::UNAUTHORIZED
    );
    // A caseworker is not the organisation's administrator.
    for path in [&page, &json, &pdf] {
        assert_eq!(be.get(path).await.status, StatusCode::FORBIDDEN, "{path}");
    }
    let case_token = create_scoped_token(&be, &["read", "write"]).await;
    assert_eq!(
        app.api(&case_token).get(&api).await.status,
        StatusCode::FORBIDDEN
    );
    // An administrator's token without the admin scope.
    let admin = app.signed_in("admin@be.example").await;
    let read_only = create_scoped_token(&admin, &["read"]).await;
    assert_eq!(
        app.api(&read_only).get(&api).await.status,
        StatusCode::FORBIDDEN
    );
    // Another organisation's administrator: exactly like a missing id.
    let fr = app.signed_in("admin@fr.example").await;
    for (theirs, missing) in [&page, &json, &pdf].into_iter().zip(&missing) {
        let answer = fr.get(theirs).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{theirs}");
        assert_eq!(
            shape(&answer, &sought),
            shape(&fr.get(missing).await, MISSING)
        );
    }
    let fr_token = create_scoped_token(&fr, &["admin"]).await;
    let theirs = app.api(&fr_token).get(&api).await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND);
    assert_eq!(
        shape(&theirs, &sought),
        shape(&app.api(&fr_token).get(&missing[3]).await, MISSING)
    );
    // A language the PDF does not speak is named.
    let wrong = admin.get(&format!("{pdf}?lang=de")).await;
    assert_eq!(
        wrong.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        wrong.body
    );

    // An administrator who also works cases sees the link on the person
    // page; the export page links to each download.
    let lead = app.signed_in("lead@be.example").await;
    let person = lead.get(&format!("/persons/{sought}")).await;
    assert!(
        person.body.contains("id=\"subject-access-link\""),
        "{}",
        person.body
    );
    let caseworker_view = be.get(&format!("/persons/{sought}")).await;
    assert!(!caseworker_view.body.contains("id=\"subject-access-link\""));
    let shown = admin.get(&page).await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.body);
    assert!(shown.body.contains(&format!("{json}\"")), "{}", shown.body);
    assert!(shown.body.contains(&format!("{pdf}?lang=ar")));
    let token = create_scoped_token(&admin, &["admin"]).await;
    let answer = app.api(&token).get(&api).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(answer.json()["person"]["id"], sought.as_str());
}

/// France's registration released to Belgium: (candidate, registration).
async fn released_to_belgium(be: &Client<'_>, fr: &Client<'_>) -> (String, String) {
    let (_, sought) = open_request(be).await;
    let registration = register_safe(
        fr,
        &[
            ("p_birth_place", "SARBIRTHPLACE"),
            ("p_marks", "SARMARKS scar on the left hand"),
            ("p_contact", "SARCONTACT +33 6 12 12 12 12"),
        ],
    )
    .await;
    let person = be.get(&format!("/persons/{sought}")).await;
    let candidate = candidate_link(&person).unwrap();
    let consent = fr
        .post(
            &format!("/persons/{registration}/consents"),
            &[
                ("purpose", "sharing"),
                ("basis", "self"),
                ("method", "oral"),
                ("countries", "BE"),
                ("note", "SARCONSENTNOTE agreed at the shelter"),
            ],
        )
        .await;
    assert_eq!(consent.status, StatusCode::SEE_OTHER, "{}", consent.body);
    let released = fr
        .post(&format!("/candidates/{candidate}/release"), CONFIRM)
        .await;
    assert_eq!(released.status, StatusCode::SEE_OTHER, "{}", released.body);
    (candidate, registration)
}

#[tokio::test]
async fn the_export_holds_the_person_releases_messages_and_who_saw_them() {
    let app = with_admins().await;
    let be = app.signed_in("case@be.example").await;
    let fr = app.signed_in("case@fr.example").await;
    let (candidate, registration) = released_to_belgium(&be, &fr).await;
    // Belgium reads what was released to it; both sides confirm and a
    // family message is relayed.
    let view = be.get(&format!("/candidates/{candidate}")).await;
    assert!(view.body.contains("SARMARKS") || view.body.contains("عمر"));
    confirm_and_relay(
        &be,
        &fr,
        &candidate,
        "SARMESSAGE your family is looking for you",
    )
    .await;
    // Another French member views the person.
    let other = app.signed_in("case2@fr.example").await;
    assert_eq!(
        other.get(&format!("/persons/{registration}")).await.status,
        StatusCode::OK
    );

    let admin = app.signed_in("admin@fr.example").await;
    let response = admin
        .get(&format!("/persons/{registration}/subject-access.json"))
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    assert!(
        response.headers["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment"),
    );
    let json = response.json();
    let all = text_of(&json);
    for marker in [
        "SARBIRTHPLACE",
        "SARMARKS",
        "SARCONTACT",
        "SARCONSENTNOTE",
        "SARMESSAGE",
        "عمر خالد الحسن",
    ] {
        assert!(all.contains(marker), "{marker} missing from {all}");
    }
    // The release names the receiving organisation and the consent in
    // force; the candidate names the other organisation, never its person.
    let release = &json["releases"][0];
    assert_eq!(release["to_organisation"]["name"], "Belgian Red Cross");
    assert_eq!(release["candidate"], candidate.as_str());
    let consent = json["consents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["purpose"] == "sharing")
        .unwrap();
    assert_eq!(release["under_consents"][0], consent["id"]);
    assert_eq!(
        json["candidates"][0]["other_organisation"]["name"],
        "Belgian Red Cross"
    );
    for other_person in ["Ahmad", "Omar Khaled", "Evros", "+32 470"] {
        assert!(!all.contains(other_person), "{other_person} in {all}");
    }
    // Who saw it: the other French member by name, Belgium's reading of
    // the release by organisation only.
    let seen = json["seen_by"].as_array().unwrap();
    assert!(
        seen.iter().any(|e| e["action"] == "person_viewed"
            && e["actor"] == "Test case2@fr.example"
            && e["organisation"]["name"] == "French Red Cross"),
        "{seen:?}"
    );
    let belgian = seen
        .iter()
        .find(|e| e["action"] == "released_details_viewed")
        .unwrap_or_else(|| panic!("{seen:?}"));
    assert_eq!(belgian["organisation"]["name"], "Belgian Red Cross");
    assert_eq!(belgian["actor"], Value::Null);
    // The export itself is audited, and a second export sees the first.
    let again = admin
        .get(&format!("/persons/{registration}/subject-access.json"))
        .await
        .json();
    assert!(
        again["seen_by"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "subject_access_exported"
                && e["actor"] == "Test admin@fr.example"),
        "{again}"
    );
}

#[tokio::test]
async fn an_enquirers_export_holds_the_request_gallery_and_reports_and_reads_as_a_pdf() {
    let app = with_admins().await;
    let be = app.signed_in("case@be.example").await;
    let (request, enquirer, _entry, reference) = published(&be).await;
    let visitor = app.client();
    let sent = send_report(&app, &visitor, &reference, "SARREPORT seen in Lyon").await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let page = be.get(&format!("/requests/{request}")).await;
    let version = page.between("name=\"version\" value=\"", "\"").unwrap();
    let status = be
        .post(
            &format!("/requests/{request}/status"),
            &[
                ("status", "searching"),
                ("version", &version),
                ("note", "SARSTATUSNOTE"),
            ],
        )
        .await;
    assert_eq!(status.status, StatusCode::SEE_OTHER, "{}", status.body);

    let admin = app.signed_in("admin@be.example").await;
    let token = create_scoped_token(&admin, &["admin"]).await;
    let response = app
        .api(&token)
        .get(&format!("/api/v1/persons/{enquirer}/subject-access"))
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    let json = response.json();
    let all = text_of(&json);
    for marker in [
        "Ahmad Khaled Al-Hassan",
        "Evros river",
        "SARREPORT",
        "SARSTATUSNOTE",
        reference.as_str(),
    ] {
        assert!(all.contains(marker), "{marker} missing from {all}");
    }
    let reference_of_request = json["request"]["reference"].as_str().unwrap().to_owned();
    assert!(reference_of_request.starts_with("BE-"));
    assert_eq!(json["gallery_entries"][0]["status"], "published");
    // The sought brother is another person; the visitor's contact is the
    // visitor's.
    for other in ["Omar", "+33 6 00 00 00 00"] {
        assert!(!all.contains(other), "{other} in {all}");
    }

    for lang in ["en", "ar"] {
        let (status, headers, pdf) = admin
            .get_bytes(&format!(
                "/persons/{enquirer}/subject-access.pdf?lang={lang}"
            ))
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(headers["content-type"], "application/pdf");
        assert!(pdf.starts_with(b"%PDF"));
        assert!(String::from_utf8_lossy(&pdf).contains(&format!("/Lang ({lang})")));
        // The writer draws glyph outlines (no font is embedded), so
        // `pdftotext` reads nothing from any of its PDFs; the text a reader
        // searches and copies is each line's `/ActualText`.
        assert!(pdf_has_text(&pdf, &reference_of_request), "{lang}");
        assert!(pdf_has_text(&pdf, "SARREPORT seen in Lyon"), "{lang}");
        assert!(!pdf_has_text(&pdf, "Omar"), "{lang}");
    }
}
