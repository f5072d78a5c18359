//! Transfers end to end: Belgium transfers a request to France choosing
//! what is shared; France sees only those parts, accepts; Belgium sees the
//! decision and revokes; France then meets "not found". Every new route
//! against the wrong role and a third organisation.

use crate::access::create_token;
use crate::harness::{Client, TestApp, TestResponse};
use crate::tracing::{Story, open_request, orgs};
use axum::http::StatusCode;
use retrace_domain::OrgId;
use retrace_store::OrgScope;

const MISSING: &str = "5f0c3a52-9d1e-4c1b-8a5e-3d0f1b2c4d6e";
const MISSING_2: &str = "0b6a8f3e-2c4d-4e5f-9a1b-7c8d9e0f1a2b";

fn shape(response: &TestResponse, ids: &[&str]) -> (StatusCode, String) {
    let mut body = response.body.clone();
    for id in ids {
        body = body.replace(id, "ID");
    }
    (response.status, body)
}

/// Adds a sister at risk to the request; returns her person id.
async fn add_sister_at_risk(browser: &Client<'_>, request: &str) -> String {
    let response = browser
        .post(
            &format!("/requests/{request}/sought"),
            &[
                ("s_name_1", "Layla Khaled Al-Hassan"),
                ("s_relationship", "sister"),
                ("s_birth_place", "Homs"),
                ("s_at_risk", "on"),
            ],
        )
        .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    let page = browser.get(&format!("/requests/{request}")).await;
    let at = page.body.find("Layla Khaled Al-Hassan").unwrap();
    let before = &page.body[..at];
    let start = before.rfind("/persons/").unwrap() + "/persons/".len();
    before[start..start + 36].to_owned()
}

fn enquirer_of(page: &TestResponse) -> String {
    page.between("<h2 id=\"enquirer-heading\">", "</h2>")
        .and_then(|h| {
            let from = h.find("/persons/")? + "/persons/".len();
            Some(h[from..from + 36].to_owned())
        })
        .expect("the enquirer is linked")
}

/// Transfers `request` to France; returns the response.
async fn transfer(
    browser: &Client<'_>,
    request: &str,
    to: OrgId,
    fields: &[(&str, &str)],
) -> TestResponse {
    let to = to.to_string();
    let mut all = vec![("to_org", to.as_str())];
    all.extend_from_slice(fields);
    browser
        .post(&format!("/requests/{request}/transfers"), &all)
        .await
}

fn transfer_link(page: &TestResponse) -> Option<String> {
    page.between("href=\"/transfers/", "\"")
}

async fn transferred(app: &TestApp, story: &Story) -> (String, String, String) {
    let be = app.signed_in("case@be.example").await;
    let (request, sought) = open_request(&be).await;
    let response = transfer(
        &be,
        &request,
        story.france,
        &[("sought", sought.as_str()), ("enquirer_names", "on")],
    )
    .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    let fr = app.signed_in("case@fr.example").await;
    let id = transfer_link(&fr.get("/transfers").await).expect("listed for France");
    (request, sought, id)
}

#[tokio::test]
async fn belgium_transfers_a_request_to_france_sharing_only_chosen_parts() {
    let app = TestApp::new().await;
    let story = orgs(&app).await;
    let be = app.signed_in("case@be.example").await;
    let fr = app.signed_in("case@fr.example").await;
    let (request, sought) = open_request(&be).await;
    let sister = add_sister_at_risk(&be, &request).await;
    let request_page = be.get(&format!("/requests/{request}")).await;
    let enquirer = enquirer_of(&request_page);
    let reference = request_page.between("<title>", "</title>").unwrap();
    let reference = reference.split_whitespace().next().unwrap().to_owned();
    assert!(reference.starts_with("BE-"), "{reference}");
    assert!(
        request_page.body.contains(
            "href=\"/requests/{request}/transfer\""
                .replace("{request}", &request)
                .as_str()
        )
    );

    // The form offers organisations abroad only and never the sister.
    let form = be.get(&format!("/requests/{request}/transfer")).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert!(form.body.contains(&story.france.to_string()));
    assert!(!form.body.contains(&story.belgium.to_string()));
    assert!(form.body.contains("<legend>"));
    assert!(!form.body.contains(&format!("value=\"{sister}\"")));

    let note = "Believed to be in Calais since May";
    let response = transfer(
        &be,
        &request,
        story.france,
        &[
            ("sought", sought.as_str()),
            ("enquirer_names", "on"),
            ("note", note),
        ],
    )
    .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    assert_eq!(
        response.location(),
        Some(format!("/requests/{request}#transfers").as_str())
    );

    // France: the inbox, then the transfer with only the shared parts.
    let inbox = fr.get("/transfers").await;
    assert_eq!(inbox.status, StatusCode::OK);
    assert!(inbox.body.contains(&reference) && inbox.body.contains("Belgian Red Cross"));
    assert!(inbox.body.contains("href=\"/transfers\""), "nav item");
    let id = transfer_link(&inbox).unwrap();
    let view = fr.get(&format!("/transfers/{id}")).await;
    assert_eq!(view.status, StatusCode::OK, "{}", view.body);
    for shared in [
        "Omar Khaled Al-Hassan",
        "1994-03-12",
        "Khaled",
        "Ahmad Khaled Al-Hassan",
        note,
        "Belgian Red Cross",
        "case@be.example",
        &reference,
    ] {
        assert!(view.body.contains(shared), "{shared} should be shown");
    }
    for absent in [
        "Evros",   // circumstances were not chosen
        "+32 470", // nor the enquirer's contact
        "Layla",   // the sister is at risk
        "Homs",
        request.as_str(), // no request id
        sought.as_str(),  // no person id
        sister.as_str(),
        enquirer.as_str(),
        "field-",
    ] {
        assert!(!view.body.contains(absent), "{absent} must not be shown");
    }
    // The request itself stays another organisation's.
    let theirs = fr.get(&format!("/requests/{request}")).await;
    let missing = fr.get(&format!("/requests/{MISSING}")).await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND);
    assert_eq!(shape(&theirs, &[&request]), shape(&missing, &[MISSING]));

    // France accepts with a reason; Belgium sees it.
    let decided = fr
        .post(
            &format!("/transfers/{id}/decision"),
            &[
                ("decision", "accept"),
                ("reason", "We know the reception centre"),
            ],
        )
        .await;
    assert_eq!(decided.status, StatusCode::SEE_OTHER, "{}", decided.body);
    let again = fr
        .post(
            &format!("/transfers/{id}/decision"),
            &[("decision", "decline"), ("reason", "changed our mind")],
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let mine = be.get(&format!("/requests/{request}")).await;
    assert!(mine.body.contains("Accepted"), "{}", mine.body);
    assert!(mine.body.contains("We know the reception centre"));
    assert!(mine.body.contains("French Red Cross"));

    // Belgium revokes: France gets exactly what a missing id gets.
    let revoked = be
        .post(&format!("/requests/{request}/transfers/{id}/revoke"), &[])
        .await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER, "{}", revoked.body);
    assert!(
        be.get(&format!("/requests/{request}"))
            .await
            .body
            .contains("Revoked")
    );
    let gone = fr.get(&format!("/transfers/{id}")).await;
    let missing = fr.get(&format!("/transfers/{MISSING}")).await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    assert_eq!(shape(&gone, &[&id]), shape(&missing, &[MISSING]));
    assert!(!fr.get("/transfers").await.body.contains(&reference));
    let api = app.api(&create_token(&fr).await);
    let gone = api.get(&format!("/api/v1/transfers/{id}")).await;
    let missing = api.get(&format!("/api/v1/transfers/{MISSING}")).await;
    assert_eq!(shape(&gone, &[&id]), shape(&missing, &[MISSING]));

    // Audited on each side.
    let actions = |org| {
        let store = app.store.clone();
        async move {
            store
                .audit_entries(&OrgScope::new(org), 200, None)
                .await
                .unwrap()
                .into_iter()
                .map(|e| e.record.action)
                .collect::<Vec<_>>()
        }
    };
    let be_actions = actions(story.belgium).await;
    let fr_actions = actions(story.france).await;
    for action in ["request_transferred", "transfer_revoked"] {
        assert!(be_actions.iter().any(|a| a == action), "{action}");
    }
    for action in ["transfer_viewed", "transfer_accepted"] {
        assert!(fr_actions.iter().any(|a| a == action), "{action}");
    }
}

#[tokio::test]
async fn transfers_at_home_or_with_contact_but_no_consent_are_refused() {
    let app = TestApp::new().await;
    let story = orgs(&app).await;
    let flemish = app.org("Rode Kruis Vlaanderen", "BE").await;
    let be = app.signed_in("case@be.example").await;
    let (request, sought) = open_request(&be).await;
    let enquirer = enquirer_of(&be.get(&format!("/requests/{request}")).await);

    for (to, fields, text) in [
        (flemish, vec![("circumstances", "on")], "another country"),
        (
            story.belgium,
            vec![("circumstances", "on")],
            "its own organisation",
        ),
        (story.france, vec![], "at least one part"),
        (
            story.france,
            vec![("enquirer_contact", "on")],
            "has not agreed to share",
        ),
    ] {
        let response = transfer(&be, &request, to, &fields).await;
        assert_eq!(
            response.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{text}: {}",
            response.body
        );
        assert!(response.body.contains(text), "{text}: {}", response.body);
        assert!(response.body.contains("role=\"alert\""));
    }
    let refused = transfer(&be, &request, flemish, &[("circumstances", "on")]).await;
    assert!(refused.body.contains("Receiving organisation"));
    let bad = transfer(
        &be,
        &request,
        story.france,
        &[("sought", "not-an-id"), ("circumstances", "on")],
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);

    // The API names the field.
    let api = app.api(&create_token(&be).await);
    for (body, field) in [
        (
            format!(r#"{{"to_organisation":"{flemish}","circumstances":true}}"#),
            "to_organisation",
        ),
        (
            format!(
                r#"{{"to_organisation":"{}","enquirer_contact":true}}"#,
                story.france
            ),
            "enquirer_contact",
        ),
        (
            format!(
                r#"{{"to_organisation":"{}","sought":["{sought}"],"share":true}}"#,
                story.france
            ),
            "body",
        ),
    ] {
        let response = api
            .post_json(&format!("/api/v1/requests/{request}/transfers"), &body)
            .await;
        assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(response.json()["field"], field, "{body}");
    }

    // With the enquirer's consent to share with France, the contact goes.
    let consent = be
        .post(
            &format!("/persons/{enquirer}/consents"),
            &[
                ("purpose", "sharing"),
                ("basis", "self"),
                ("method", "oral"),
                ("countries", "FR"),
            ],
        )
        .await;
    assert_eq!(consent.status, StatusCode::SEE_OTHER, "{}", consent.body);
    let created = api
        .post_json(
            &format!("/api/v1/requests/{request}/transfers"),
            &format!(
                r#"{{"to_organisation":"{}","enquirer_names":true,"enquirer_contact":true,"circumstances":true}}"#,
                story.france
            ),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let id = created.json()["id"].as_str().unwrap().to_owned();
    let listed = api
        .get(&format!("/api/v1/requests/{request}/transfers"))
        .await;
    assert_eq!(listed.json()["transfers"][0]["status"], "pending");
    let fr = app.signed_in("case@fr.example").await;
    let view = fr.get(&format!("/transfers/{id}")).await;
    assert!(view.body.contains("+32 470 00 00 00"), "{}", view.body);
    assert!(view.body.contains("Evros"));
    assert!(!view.body.contains("Omar"), "the brother was not chosen");
    let fr_api = app.api(&create_token(&fr).await);
    let json = fr_api.get(&format!("/api/v1/transfers/{id}")).await.json();
    assert_eq!(json["enquirer_contact"], "+32 470 00 00 00");
    assert!(json.get("request").is_none());
    let incoming = fr_api.get("/api/v1/transfers").await.json();
    assert_eq!(incoming["transfers"][0]["id"], id.as_str());
    let declined = fr_api
        .post_json(
            &format!("/api/v1/transfers/{id}/decision"),
            r#"{"decision":"decline"}"#,
        )
        .await;
    assert_eq!(declined.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(declined.json()["field"], "reason");
    let declined = fr_api
        .post_json(
            &format!("/api/v1/transfers/{id}/decision"),
            r#"{"decision":"decline","reason":"not in our area"}"#,
        )
        .await;
    assert_eq!(declined.status, StatusCode::OK, "{}", declined.body);
    assert_eq!(declined.json()["status"], "declined");
    // Declined: the decision stays, the shared parts go.
    let view = fr.get(&format!("/transfers/{id}")).await;
    assert!(view.body.contains("Declined") && !view.body.contains("+32 470"));
}

#[tokio::test]
async fn transfer_routes_check_roles_and_look_missing_to_everyone_else() {
    let app = TestApp::new().await;
    let story = orgs(&app).await;
    app.member("viewer@fr.example", story.france, "viewer")
        .await;
    let italy = app.org("IOM Italy", "IT").await;
    app.member("case@it.example", italy, "caseworker").await;
    let (request, sought, id) = transferred(&app, &story).await;
    let be = app.signed_in("case@be.example").await;
    let fr = app.signed_in("case@fr.example").await;
    let outreach = app.signed_in("outreach@be.example").await;
    let viewer = app.signed_in("viewer@be.example").await;
    let fr_viewer = app.signed_in("viewer@fr.example").await;
    let it = app.signed_in("case@it.example").await;
    let france = story.france.to_string();
    let create_fields = [("to_org", france.as_str()), ("circumstances", "on")];

    // Wrong roles.
    for path in [
        "/transfers".to_owned(),
        format!("/requests/{request}/transfer"),
    ] {
        assert_eq!(
            outreach.get(&path).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    assert_eq!(viewer.get("/transfers").await.status, StatusCode::OK);
    assert_eq!(
        viewer
            .get(&format!("/requests/{request}/transfer"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    for browser in [&outreach, &viewer] {
        for (path, fields) in [
            (format!("/requests/{request}/transfers"), &create_fields[..]),
            (
                format!("/requests/{request}/transfers/{id}/revoke"),
                &[][..],
            ),
        ] {
            assert_eq!(
                browser.post(&path, fields).await.status,
                StatusCode::FORBIDDEN,
                "{path}"
            );
        }
    }
    assert_eq!(
        fr_viewer.get(&format!("/transfers/{id}")).await.status,
        StatusCode::OK
    );
    assert_eq!(
        fr_viewer
            .post(
                &format!("/transfers/{id}/decision"),
                &[("decision", "accept")]
            )
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let outreach_api = app.api(&create_token(&outreach).await);
    for path in [
        "/api/v1/transfers".to_owned(),
        format!("/api/v1/requests/{request}/transfers"),
    ] {
        assert_eq!(outreach_api.get(&path).await.status, StatusCode::FORBIDDEN);
    }

    // Italy (not party), France on the owner's routes and Belgium on the
    // receiver's: each exactly like a missing id.
    let gets = [
        (&it, "/transfers/ID", id.as_str()),
        (&it, "/requests/ID/transfer", request.as_str()),
        (&fr, "/requests/ID/transfer", request.as_str()),
        (&be, "/transfers/ID", id.as_str()),
    ];
    for (browser, template, real) in gets {
        let seen = browser.get(&template.replace("ID", real)).await;
        let absent = browser.get(&template.replace("ID", MISSING)).await;
        assert_eq!(seen.status, StatusCode::NOT_FOUND, "{template}");
        assert_eq!(
            shape(&seen, &[real]),
            shape(&absent, &[MISSING]),
            "{template}"
        );
    }
    let decision = [("decision", "accept"), ("reason", "ok")];
    type Post<'a> = (&'a Client<'a>, String, String, &'a [(&'a str, &'a str)]);
    let posts: [Post; 6] = [
        (
            &it,
            format!("/transfers/{id}/decision"),
            format!("/transfers/{MISSING}/decision"),
            &decision,
        ),
        (
            &be,
            format!("/transfers/{id}/decision"),
            format!("/transfers/{MISSING}/decision"),
            &decision,
        ),
        (
            &it,
            format!("/requests/{request}/transfers"),
            format!("/requests/{MISSING}/transfers"),
            &create_fields,
        ),
        (
            &fr,
            format!("/requests/{request}/transfers"),
            format!("/requests/{MISSING}/transfers"),
            &create_fields,
        ),
        (
            &it,
            format!("/requests/{request}/transfers/{id}/revoke"),
            format!("/requests/{MISSING}/transfers/{MISSING_2}/revoke"),
            &[],
        ),
        (
            &fr,
            format!("/requests/{request}/transfers/{id}/revoke"),
            format!("/requests/{MISSING}/transfers/{MISSING_2}/revoke"),
            &[],
        ),
    ];
    for (browser, real, absent, fields) in &posts {
        let seen = browser.post(real, fields).await;
        let missing = browser.post(absent, fields).await;
        assert_eq!(seen.status, StatusCode::NOT_FOUND, "{real}");
        assert_eq!(
            shape(&seen, &[&request, &id]),
            shape(&missing, &[MISSING, MISSING_2]),
            "{real}"
        );
    }
    assert!(!it.get("/transfers").await.body.contains("BE-"));

    let it_api = app.api(&create_token(&it).await);
    for (template, real) in [
        ("/api/v1/transfers/ID", id.as_str()),
        ("/api/v1/requests/ID/transfers", request.as_str()),
    ] {
        let seen = it_api.get(&template.replace("ID", real)).await;
        let absent = it_api.get(&template.replace("ID", MISSING)).await;
        assert_eq!(seen.status, StatusCode::NOT_FOUND, "{template}");
        assert_eq!(
            shape(&seen, &[real]),
            shape(&absent, &[MISSING]),
            "{template}"
        );
    }
    let body = format!(r#"{{"to_organisation":"{france}","sought":["{sought}"]}}"#);
    for (template, real, json) in [
        (
            "/api/v1/requests/ID/transfers",
            request.as_str(),
            body.as_str(),
        ),
        (
            "/api/v1/transfers/ID/decision",
            id.as_str(),
            r#"{"decision":"accept"}"#,
        ),
    ] {
        let seen = it_api.post_json(&template.replace("ID", real), json).await;
        let absent = it_api
            .post_json(&template.replace("ID", MISSING), json)
            .await;
        assert_eq!(
            seen.status,
            StatusCode::NOT_FOUND,
            "{template}: {}",
            seen.body
        );
        assert_eq!(
            shape(&seen, &[real]),
            shape(&absent, &[MISSING]),
            "{template}"
        );
    }
    assert_eq!(
        it_api.get("/api/v1/transfers").await.json()["transfers"],
        serde_json::json!([])
    );
    // Nothing changed: still pending for France.
    let view = fr.get(&format!("/transfers/{id}")).await;
    assert!(view.body.contains("Awaiting decision"), "{}", view.body);
}
