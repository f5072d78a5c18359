//! The PFIF upload page: anonymous, wrong role, another organisation's
//! imports (invisible: the same record id is new to it), all or nothing
//! with every problem's line, and idempotent on a second upload.

use crate::harness::{TestApp, TestResponse};
use axum::http::StatusCode;

fn feed(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/../retrace-pfif/test-data/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(path).unwrap()
}

async fn upload(client: &crate::harness::Client<'_>, name: &str, domain: &str) -> TestResponse {
    client
        .post_multipart_file(
            "/import/pfif",
            &[("domain", domain)],
            Some(("file", name, &feed(name))),
        )
        .await
}

#[tokio::test]
async fn pfif_upload_page_imports_all_or_nothing_once_per_organisation() {
    let app = TestApp::new().await;
    let be = app.org("Belgian Red Cross", "BE").await;
    let fr = app.org("French Red Cross", "FR").await;
    app.member("case@be.example", be, "caseworker").await;
    app.member("admin@be.example", be, "org_admin").await;
    app.member("viewer@be.example", be, "viewer").await;
    app.member("case@fr.example", fr, "caseworker").await;

    let anonymous = app.client();
    anonymous
        .get("/import/pfif")
        .await
        .assert_redirect_to_sign_in();

    let viewer = app.signed_in("viewer@be.example").await;
    assert_eq!(
        viewer.get("/import/pfif").await.status,
        StatusCode::FORBIDDEN
    );
    let refused = upload(&viewer, "test.pfif-1.2.xml", "").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);

    let admin = app.signed_in("admin@be.example").await;
    let form = admin.get("/import/pfif").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("name=\"file\""), "{}", form.body);

    let case = app.signed_in("case@be.example").await;
    let bad = upload(&case, "test.pfif-1.2-badrecord.xml", "test.google.com").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(bad.body.contains("line 79"), "{}", bad.body);
    assert!(
        bad.body.contains("foo.google.com/person.666"),
        "{}",
        bad.body
    );

    let first = upload(&case, "test.pfif-1.2.xml", "test.google.com").await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    assert!(
        first
            .body
            .contains("PFIF 1.2: 0 requests, 1 registrations, 0 already"),
        "{}",
        first.body
    );
    let again = upload(&case, "test.pfif-1.4.xml", "").await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    assert!(
        again
            .body
            .contains("0 requests, 0 registrations, 1 already"),
        "{}",
        again.body
    );

    // Another organisation does not see Belgium's import: the record is new to it.
    let other = app.signed_in("case@fr.example").await;
    let theirs = upload(&other, "test.pfif-1.4.xml", "").await;
    assert_eq!(theirs.status, StatusCode::OK, "{}", theirs.body);
    assert!(theirs.body.contains("0 already"), "{}", theirs.body);

    let not_xml = case
        .post_multipart_file("/import/pfif", &[], Some(("file", "x.xml", b"\xff\xfe<")))
        .await;
    assert_eq!(
        not_xml.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        not_xml.body
    );
}

#[tokio::test]
async fn pfif_feed_holds_only_what_the_receivers_consent_allows() {
    use crate::access::create_token;
    let app = TestApp::new().await;
    let be = app.org("Belgian Red Cross", "BE").await;
    let fr = app.org("French Red Cross", "FR").await;
    app.member("case@be.example", be, "caseworker").await;
    app.member("viewer@be.example", be, "viewer").await;
    app.member("case@fr.example", fr, "caseworker").await;
    let case = app.api(&create_token(&app.signed_in("case@be.example").await).await);
    let viewer = app.api(&create_token(&app.signed_in("viewer@be.example").await).await);
    let other = app.api(&create_token(&app.signed_in("case@fr.example").await).await);

    let created = case
        .post_json(
            "/api/v1/requests",
            r#"{"enquirer":{"names":["Hawa Hassan"]},"vital_interest":true,
                "sought":[
                  {"relationship":"daughter","person":{"names":["Amina Hassan","Amina H."],"sex":"female","birth_date":"2010"}},
                  {"relationship":"son","person":{"names":["Bilal Hassan"]}},
                  {"relationship":"sister","person":{"names":["Celine Hassan"],"at_risk":true}},
                  {"relationship":"brother","person":{"names":["Dawit Hassan"]}}],
                "circumstances":{"context":"migration"}}"#,
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let sought = created.json()["sought"].clone();
    for (index, country) in [(0, "FR"), (2, "FR"), (3, "DE")] {
        let id = sought[index]["id"].as_str().unwrap();
        let recorded = case
            .post_json(
                &format!("/api/v1/persons/{id}/consents"),
                &format!(
                    r#"{{"purpose":"sharing","basis":"vital_interest","countries":["{country}"]}}"#
                ),
            )
            .await;
        assert_eq!(recorded.status, StatusCode::CREATED, "{}", recorded.body);
    }

    let feed = format!("/api/v1/pfif/persons?receiver={fr}");
    assert_eq!(
        app.client().get(&feed).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(viewer.get(&feed).await.status, StatusCode::FORBIDDEN);
    let bad = case.get("/api/v1/pfif/persons?receiver=nobody").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    let unknown = case
        .get("/api/v1/pfif/persons?receiver=5f0c3a52-9d1e-4c1b-8a5e-3d0f1b2c4d6e")
        .await;
    assert_eq!(
        unknown.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        unknown.body
    );

    let xml = case.get(&feed).await;
    assert_eq!(xml.status, StatusCode::OK, "{}", xml.body);
    retrace_pfif::validate_with_xmllint(&xml.body).unwrap();
    let parsed = retrace_pfif::parse(&xml.body).unwrap();
    assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
    let names: Vec<_> = parsed
        .persons
        .iter()
        .map(|p| p.full_name.clone().unwrap_or_default())
        .collect();
    assert_eq!(names, ["Amina Hassan"], "{}", xml.body);
    let amina = &parsed.persons[0];
    assert_eq!(amina.alternate_names, ["Amina H."]);
    assert_eq!(amina.date_of_birth.as_deref(), Some("2010"));
    assert_eq!(amina.sex.as_deref(), Some("female"));
    for absent in ["Bilal", "Celine", "Dawit", "Hawa"] {
        assert!(!xml.body.contains(absent), "{absent} is not shared with FR");
    }

    // Another organisation exports only its own persons: Belgium's are not there.
    let theirs = other
        .get(&format!("/api/v1/pfif/persons?receiver={be}"))
        .await;
    assert_eq!(theirs.status, StatusCode::OK, "{}", theirs.body);
    assert!(
        retrace_pfif::parse(&theirs.body)
            .unwrap()
            .persons
            .is_empty(),
        "{}",
        theirs.body
    );
}

#[tokio::test]
async fn pfif_import_through_the_api_reports_or_stores_all() {
    use crate::access::create_token;
    let app = TestApp::new().await;
    let be = app.org("Belgian Red Cross", "BE").await;
    app.member("case@be.example", be, "caseworker").await;
    app.member("viewer@be.example", be, "viewer").await;
    let case = app.api(&create_token(&app.signed_in("case@be.example").await).await);
    let viewer = app.api(&create_token(&app.signed_in("viewer@be.example").await).await);
    let path = "/api/v1/imports/pfif";
    assert_eq!(
        post(&app.client(), path, "test.pfif-1.4.xml").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        post(&viewer, path, "test.pfif-1.4.xml").await.status,
        StatusCode::FORBIDDEN
    );

    let bad = post(
        &case,
        "/api/v1/imports/pfif?domain=test.google.com",
        "test.pfif-1.2-badrecord.xml",
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(
        bad.json()["problems"][0]
            .as_str()
            .unwrap()
            .contains("line 79"),
        "{}",
        bad.body
    );

    let first = post(&case, path, "test.pfif-1.4.xml").await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    let json = first.json();
    assert_eq!(json["version"], "1.4");
    assert_eq!(json["records"][0]["created"], true);
    let person = json["records"][0]["person"].as_str().unwrap().to_owned();
    let again = post(&case, path, "test.pfif-1.4.xml").await.json();
    assert_eq!(again["already_imported"], 1);
    assert_eq!(again["records"][0]["person"], person.as_str());
}

async fn post(client: &crate::harness::Client<'_>, path: &str, name: &str) -> TestResponse {
    let body = String::from_utf8(feed(name)).unwrap();
    client
        .send(
            axum::http::Method::POST,
            path,
            Some(("application/xml", body)),
            None,
        )
        .await
}

#[tokio::test]
async fn pfif_export_file_and_export_scoped_feed_hold_only_what_consent_allows() {
    use crate::access::create_scoped_token;
    let app = TestApp::new().await;
    let be = app.org("Belgian Red Cross", "BE").await;
    let fr = app.org("French Red Cross", "FR").await;
    app.member("case@be.example", be, "caseworker").await;
    app.member("viewer@be.example", be, "viewer").await;
    let browser = app.signed_in("case@be.example").await;
    let writer_token = create_scoped_token(&browser, &["write"]).await;
    let writer = app.api(&writer_token);
    let created = writer
        .post_json(
            "/api/v1/requests",
            r#"{"enquirer":{"names":["Hawa Hassan"]},"vital_interest":true,
                "sought":[
                  {"relationship":"daughter","person":{"names":["Amina Hassan"]}},
                  {"relationship":"sister","person":{"names":["Celine Hassan"],"at_risk":true}}],
                "circumstances":{"context":"migration"}}"#,
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    for index in [0, 1] {
        let id = created.json()["sought"][index]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let recorded = writer
            .post_json(
                &format!("/api/v1/persons/{id}/consents"),
                r#"{"purpose":"sharing","basis":"vital_interest","countries":["FR"]}"#,
            )
            .await;
        assert_eq!(recorded.status, StatusCode::CREATED, "{}", recorded.body);
    }
    let registered = writer
        .post_json(
            "/api/v1/registrations",
            r#"{"kind":"safe","person":{"names":["Rana Said"]},"consent_method":"oral"}"#,
        )
        .await;
    assert_eq!(
        registered.status,
        StatusCode::CREATED,
        "{}",
        registered.body
    );
    let rana = registered.json()["id"].as_str().unwrap().to_owned();
    let shared = writer
        .post_json(
            &format!("/api/v1/persons/{rana}/consents"),
            r#"{"purpose":"sharing","basis":"vital_interest","countries":["FR"]}"#,
        )
        .await;
    assert_eq!(shared.status, StatusCode::CREATED, "{}", shared.body);

    // The file: the organisation chooses the receiver and which persons.
    let form = browser.get("/export/pfif").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("French Red Cross"));
    let fr_id = fr.to_string();
    let file = browser
        .post(
            "/export/pfif",
            &[("receiver", fr_id.as_str()), ("include", "sought")],
        )
        .await;
    assert_eq!(file.status, StatusCode::OK, "{}", file.body);
    assert!(
        file.headers[axum::http::header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .starts_with("attachment; filename=\"pfif-")
    );
    retrace_pfif::validate_with_xmllint(&file.body).unwrap();
    assert!(file.body.contains("Amina Hassan"), "{}", file.body);
    assert!(!file.body.contains("Celine"), "never a person at risk");
    assert!(!file.body.contains("Hawa"), "never the enquirer");
    assert!(!file.body.contains("Rana"), "registrations were not chosen");
    let bad = browser
        .post("/export/pfif", &[("receiver", "nobody")])
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("role=\"alert\""));
    let viewer = app.signed_in("viewer@be.example").await;
    assert_eq!(
        viewer.get("/export/pfif").await.status,
        StatusCode::FORBIDDEN
    );

    // The feed: a token scoped to export only, as handed to a partner.
    let export_token = create_scoped_token(&browser, &["export"]).await;
    let partner = app.api(&export_token);
    let feed = partner
        .get(&format!(
            "/api/v1/pfif/persons?receiver={fr}&include=registered"
        ))
        .await;
    assert_eq!(feed.status, StatusCode::OK, "{}", feed.body);
    retrace_pfif::validate_with_xmllint(&feed.body).unwrap();
    assert!(feed.body.contains("Rana Said"), "{}", feed.body);
    assert!(!feed.body.contains("Amina"), "{}", feed.body);
    // That token can do nothing else.
    let other = partner.get("/api/v1/requests").await;
    assert_eq!(other.status, StatusCode::FORBIDDEN);
    assert_eq!(other.json()["code"], "insufficient_scope");
    assert_eq!(
        writer
            .get(&format!("/api/v1/pfif/persons?receiver={fr}"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

/// A PFIF 1.4 document of `persons` (the records' XML).
fn pfif_document(persons: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<pfif:pfif xmlns:pfif=\"http://zesty.ca/pfif/1.4\">\n{persons}</pfif:pfif>\n"
    )
}

#[tokio::test]
async fn pfif_problems_read_in_french_and_arabic_with_their_record_and_line() {
    let app = TestApp::new().await;
    let be = app.org("Belgian Red Cross", "BE").await;
    app.member("case@be.example", be, "caseworker").await;
    let case = app.signed_in("case@be.example").await;
    case.set_cookie("retrace_lang", "fr");

    let bad = upload(&case, "test.pfif-1.2-badrecord.xml", "test.google.com").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    let expected = "Personne 2 (ligne 79, enregistrement \u{2066}foo.google.com/person.666\u{2069}) : l’enregistrement vient du domaine \u{2066}foo.google.com\u{2069}, et non de \u{2066}test.google.com\u{2069}";
    assert!(bad.body.contains(expected), "{}", bad.body);

    let persons = "<pfif:person>\n<pfif:person_record_id>example.org/p.1</pfif:person_record_id>\n<pfif:full_name>Leila Haddad</pfif:full_name>\n<pfif:sex>f</pfif:sex>\n</pfif:person>\n\
                   <pfif:person>\n<pfif:full_name>Amal Said</pfif:full_name>\n</pfif:person>\n";
    let document = pfif_document(persons);
    let refused = case
        .post_multipart_file(
            "/import/pfif",
            &[],
            Some(("file", "bad.xml", document.as_bytes())),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    for expected in [
        "Personne 1 (ligne 3, enregistrement \u{2066}example.org/p.1\u{2069}) : le sexe \u{2066}f\u{2069} n’est ni féminin, ni masculin, ni autre",
        "Personne 2 (ligne 8) : l’identifiant d’enregistrement de la personne manque",
    ] {
        assert!(
            refused.body.contains(expected),
            "{expected}: {}",
            refused.body
        );
    }
    for english in ["is not female", "is missing", "person_record_id", "line "] {
        assert!(
            !refused.body.contains(english),
            "{english}: {}",
            refused.body
        );
    }

    let bomb = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [<!ENTITY lol \"lol\">]>\n<pfif:pfif xmlns:pfif=\"http://zesty.ca/pfif/1.4\"/>\n";
    let refused = case
        .post_multipart_file(
            "/import/pfif",
            &[],
            Some(("file", "bomb.xml", bomb.as_bytes())),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .body
            .contains("Ligne 1 : le fichier déclare une DTD ou des entités"),
        "{}",
        refused.body
    );

    case.set_cookie("retrace_lang", "ar");
    let refused = case
        .post_multipart_file(
            "/import/pfif",
            &[],
            Some(("file", "bad.xml", document.as_bytes())),
        )
        .await;
    assert!(
        refused
            .body
            .contains("الشخص 2 (السطر 8): معرّف سجل الشخص مفقود"),
        "{}",
        refused.body
    );
    assert!(!refused.body.contains("is missing"), "{}", refused.body);
}
