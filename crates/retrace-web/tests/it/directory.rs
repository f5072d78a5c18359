//! The directory of services, the country profiles and the library end to
//! end: every route anonymous, with the wrong role, and against another
//! organisation's private record (which must look exactly like a missing
//! one); forms that keep what was typed; hostile uploads refused or stored
//! without text, the server staying up.

use crate::access::create_token;
use crate::form_pages::{NOT_ON_A_FRENCH_PAGE, assert_form_page};
use crate::harness::{TestApp, TestResponse};
use axum::http::StatusCode;
use retrace_app::sample_files;

const MISSING: &str = "5f0c3a52-9d1e-4c1b-8a5e-3d0f1b2c4d6e";

fn entry_fields<'a>(name: &'a str, visibility: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("name", name),
        ("kind", "shelter"),
        ("country", "BE"),
        ("city", "Liège"),
        ("services", "accommodation"),
        ("services", "psychosocial"),
        ("languages", "fr, ar"),
        ("opening_hours", "24/7"),
        ("utc_offset", "+01:00"),
        ("min_age", "18"),
        ("sex", "female"),
        ("visibility", visibility),
    ]
}

fn created_id(response: &TestResponse, prefix: &str) -> String {
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    response
        .location()
        .and_then(|l| l.strip_prefix(prefix))
        .expect("redirected to the new record")
        .to_owned()
}

/// Status and body with the id and the CSRF token taken out.
fn shape(response: &TestResponse, id: &str) -> (StatusCode, String) {
    let mut body = response.body.replace(id, "ID");
    let marker = "name=\"csrf_token\" value=\"";
    if let Some(start) = body.find(marker).map(|at| at + marker.len())
        && let Some(len) = body[start..].find('"')
    {
        body.replace_range(start..start + len, "TOKEN");
    }
    (response.status, body)
}

struct World {
    app: TestApp,
}

async fn world() -> World {
    let app = TestApp::new().await;
    let belgium = app.org("Belgian Red Cross", "BE").await;
    let france = app.org("French Red Cross", "FR").await;
    app.member("case@be.example", belgium, "caseworker").await;
    app.member("coord@be.example", belgium, "coordinator").await;
    app.member("viewer@be.example", belgium, "viewer").await;
    app.member("case@fr.example", france, "caseworker").await;
    app.member("coord@fr.example", france, "coordinator").await;
    World { app }
}

#[tokio::test]
async fn directory_entries_follow_their_visibility_on_every_route() {
    let World { app } = world().await;
    let be = app.signed_in("case@be.example").await;
    let public = created_id(
        &be.post("/directory", &entry_fields("Maison des Femmes", "public"))
            .await,
        "/directory/",
    );
    let own = created_id(
        &be.post(
            "/directory",
            &entry_fields("Internal shelter", "own_organisation"),
        )
        .await,
        "/directory/",
    );
    let shared = created_id(
        &be.post(
            "/directory",
            &entry_fields("Shared shelter", "organisations"),
        )
        .await,
        "/directory/",
    );
    let page = be.get(&format!("/directory/{public}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Maison des Femmes"));
    assert!(page.body.contains("24/7"));

    // Anonymous: the public entry only, as a page and as JSON.
    let anonymous = app.client();
    let list = anonymous.get("/directory?city=liege").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("Maison des Femmes"));
    assert!(!list.body.contains("Internal shelter") && !list.body.contains("Shared shelter"));
    assert_eq!(
        anonymous.get(&format!("/directory/{public}")).await.status,
        StatusCode::OK
    );
    let missing_page = anonymous.get(&format!("/directory/{MISSING}")).await;
    for hidden in [&own, &shared] {
        let page = anonymous.get(&format!("/directory/{hidden}")).await;
        assert_eq!(shape(&page, hidden), shape(&missing_page, MISSING));
    }
    let json = anonymous.get("/api/v1/directory").await.json();
    assert_eq!(json["total"], 1);
    assert!(json["entries"][0]["verified_by"].is_null());
    let missing_json = anonymous.get(&format!("/api/v1/directory/{MISSING}")).await;
    let hidden_json = anonymous.get(&format!("/api/v1/directory/{own}")).await;
    assert_eq!(shape(&hidden_json, &own), shape(&missing_json, MISSING));
    assert_eq!(hidden_json.status, StatusCode::NOT_FOUND);
    anonymous
        .get("/directory/new")
        .await
        .assert_redirect_to_sign_in();
    assert!(
        anonymous
            .post("/directory", &entry_fields("X", "public"))
            .await
            .status
            .is_redirection()
    );

    // Another organisation: shared yes, own-organisation "not found".
    let fr = app.signed_in("case@fr.example").await;
    assert_eq!(
        fr.get(&format!("/directory/{shared}")).await.status,
        StatusCode::OK
    );
    let fr_missing = fr.get(&format!("/directory/{MISSING}")).await;
    let fr_own = fr.get(&format!("/directory/{own}")).await;
    assert_eq!(shape(&fr_own, &own), shape(&fr_missing, MISSING));
    for path in [
        format!("/directory/{shared}/edit"),
        format!("/directory/{own}/edit"),
    ] {
        assert_eq!(fr.get(&path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
    let mut change = entry_fields("Taken over", "public");
    change.push(("version", "1"));
    assert_eq!(
        fr.post(&format!("/directory/{shared}"), &change)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // A French coordinator cannot edit Belgian entries either.
    let fr_coord = app.signed_in("coord@fr.example").await;
    assert_eq!(
        fr_coord
            .post(&format!("/directory/{shared}"), &change)
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // A viewer may read but not maintain.
    let viewer = app.signed_in("viewer@be.example").await;
    assert_eq!(
        viewer.get("/directory/new").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        viewer
            .post("/directory", &entry_fields("X", "public"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    // The Belgian coordinator edits the shared Belgian entry.
    let coord = app.signed_in("coord@be.example").await;
    let edit = coord.get(&format!("/directory/{shared}/edit")).await;
    assert_eq!(edit.status, StatusCode::OK);
    assert!(edit.body.contains("Shared shelter"));
    let saved = coord.post(&format!("/directory/{shared}"), &change).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    // The same stale version again: a conflict, shown on the form.
    let stale = coord.post(&format!("/directory/{shared}"), &change).await;
    assert_eq!(stale.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        stale.body.contains("Taken over"),
        "the form keeps what was typed"
    );
    let page = anonymous.get(&format!("/directory/{shared}")).await;
    assert!(page.body.contains("Taken over"), "now public");
}

#[tokio::test]
async fn directory_forms_keep_input_and_name_the_error() {
    let World { app } = world().await;
    let be = app.signed_in("case@be.example").await;
    let mut fields = entry_fields("Foyer Espoir", "public");
    fields.retain(|(k, _)| *k != "opening_hours");
    fields.push(("opening_hours", "weekdays nine to five"));
    let response = be.post("/directory", &fields).await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.body.contains("Foyer Espoir"));
    assert!(response.body.contains("weekdays nine to five"));
    assert!(response.body.contains("Opening hours"), "{}", response.body);
    let mut fields = entry_fields("Foyer Espoir", "public");
    fields.push(("max_age", "12"));
    let response = be.post("/directory", &fields).await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.body.contains("Maximum age"), "{}", response.body);

    // The JSON API names the field by its path.
    let token = create_token(&be).await;
    let api = app.api(&token);
    let bad = api
        .post_json(
            "/api/v1/directory",
            r#"{"name":"X","kind":"spaceship","country":"BE","city":"Gent","visibility":"public"}"#,
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.json()["field"], "kind");
    let created = api
        .post_json(
            "/api/v1/directory",
            r#"{"name":"Gent shelter","kind":"shelter","country":"BE","city":"Gent","services":["accommodation"],"languages":["nl","fr"],"opening_hours":"Mo-Fr 09:00-17:00","utc_offset":"+01:00","visibility":"organisations"}"#,
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let id = created.json()["id"].as_str().unwrap().to_owned();
    let stale = api
        .post_json(
            &format!("/api/v1/directory/{id}"),
            r#"{"version":7,"entry":{"name":"Gent","kind":"shelter","country":"BE","city":"Gent","visibility":"public"}}"#,
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert_eq!(stale.json()["field"], "version");
    let filtered = api
        .get("/api/v1/directory?service=accommodation&language=nl&city=GENT")
        .await;
    assert_eq!(filtered.json()["total"], 1, "{}", filtered.body);
    let bad_filter = api.get("/api/v1/directory?service=spa").await;
    assert_eq!(bad_filter.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn directory_and_country_forms_mark_every_error_in_french() {
    let World { app } = world().await;
    let be = app.signed_in("case@be.example").await;
    be.set_cookie("retrace_lang", "fr");
    let response = be
        .post(
            "/directory",
            &[
                ("name", ""),
                ("kind", "shelter"),
                ("country", "Belgique"),
                ("city", "Liège"),
                ("services", "accommodation"),
                ("services", "psychosocial"),
                ("languages", "fr, ar"),
                ("opening_hours", "en semaine"),
                ("utc_offset", "+01:00"),
                ("min_age", "dix-huit"),
                ("sex", "female"),
                ("visibility", "public"),
            ],
        )
        .await;
    assert_form_page(
        &response,
        StatusCode::UNPROCESSABLE_ENTITY,
        &[
            "Ce formulaire contient 4 erreurs",
            "doit être un nombre entier",
            "doit être un code de pays",
            "n’est pas compris : écrivez par exemple",
            r#"id="form-error" tabindex="-1""#,
            r##"<a href="#min_age">"##,
            r#"value="Belgique" aria-invalid="true" aria-describedby="err-country""#,
            r#"value="en semaine" aria-invalid="true" aria-describedby="hours-hint err-opening_hours""#,
            r#"value="dix-huit" aria-invalid="true" aria-describedby="err-min_age""#,
            r#"<p class="field-error" id="err-name">"#,
            r#"value="accommodation" checked"#,
            r#"value="psychosocial" checked"#,
            r#"value="female" selected"#,
            r#"value="Liège""#,
        ],
        &[NOT_ON_A_FRENCH_PAGE, &["Opening hours"]].concat(),
    );

    let coord = app.signed_in("coord@be.example").await;
    coord.set_cookie("retrace_lang", "fr");
    let too_long = "x".repeat(20_001);
    let profile = coord
        .post(
            "/countries/BE",
            &[
                ("version", "0"),
                ("legal_framework", too_long.as_str()),
                ("sources", "Rapport annuel"),
                ("last_reviewed", "2026-13"),
            ],
        )
        .await;
    assert_eq!(profile.status, StatusCode::UNPROCESSABLE_ENTITY);
    for expected in [
        "Ce formulaire contient 2 erreurs",
        "le mois doit être compris entre 01 et 12",
        "Rapport annuel",
        r#"value="2026-13" aria-invalid="true" aria-describedby="err-last_reviewed""#,
        r#"id="legal_framework" name="legal_framework" rows="5" maxlength="20000" dir="auto" aria-invalid="true""#,
    ] {
        assert!(
            profile.body.contains(expected),
            "{expected}: {}",
            profile.body
        );
    }
    assert!(!profile.body.contains("the month"), "{}", profile.body);
}

#[tokio::test]
async fn country_profiles_are_versioned_and_revised_by_the_countrys_coordinator() {
    let World { app } = world().await;
    let coord = app.signed_in("coord@be.example").await;
    let form = coord.get("/countries/BE/edit").await;
    assert_eq!(form.status, StatusCode::OK);
    let first = coord
        .post(
            "/countries/BE",
            &[
                ("version", "0"),
                ("legal_framework", "Law of 10 August 2005 on trafficking"),
                ("referral_mechanism", "Circular of 2016"),
                ("last_reviewed", "2026-10"),
            ],
        )
        .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    let second = coord
        .post(
            "/countries/BE",
            &[
                ("version", "1"),
                ("legal_framework", "Law of 10 August 2005 on trafficking"),
                ("referral_mechanism", "Circular of 2016, revised in 2024"),
            ],
        )
        .await;
    assert_eq!(second.status, StatusCode::SEE_OTHER);
    let stale = coord
        .post(
            "/countries/BE",
            &[("version", "1"), ("sources", "Typed text")],
        )
        .await;
    assert_eq!(stale.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(stale.body.contains("Typed text"));

    let reader = app.signed_in("case@fr.example").await;
    let page = reader.get("/countries/BE").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("revised in 2024"));
    assert!(page.body.contains("?version=1"), "history is listed");
    let old = reader.get("/countries/BE?version=1").await;
    assert!(old.body.contains("Circular of 2016") && !old.body.contains("revised in 2024"));
    assert_eq!(
        reader.get("/countries/BE?version=9").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        reader.get("/countries/ZZZ").await.status,
        StatusCode::NOT_FOUND
    );
    // Wrong role, wrong country, anonymous.
    for client in [&reader, &app.signed_in("case@be.example").await] {
        assert_eq!(
            client.get("/countries/BE/edit").await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            client
                .post("/countries/BE", &[("version", "2"), ("sources", "x")])
                .await
                .status,
            StatusCode::FORBIDDEN
        );
    }
    let fr_coord = app.signed_in("coord@fr.example").await;
    assert_eq!(
        fr_coord.get("/countries/BE/edit").await.status,
        StatusCode::FORBIDDEN
    );
    let anonymous = app.client();
    anonymous
        .get("/countries")
        .await
        .assert_redirect_to_sign_in();
    anonymous
        .get("/countries/BE")
        .await
        .assert_redirect_to_sign_in();
    assert_eq!(
        anonymous.get("/api/v1/countries/BE").await.status,
        StatusCode::UNAUTHORIZED
    );
    let token = create_token(&reader).await;
    let json = app.api(&token).get("/api/v1/countries/BE").await.json();
    assert_eq!(json["version"], 2);
    assert_eq!(json["changed_sections"][0], "referral_mechanism");
    assert_eq!(json["versions"].as_array().unwrap().len(), 2);
}

async fn upload(
    client: &crate::harness::Client<'_>,
    title: &str,
    language: &str,
    visibility: &str,
    file_name: &str,
    bytes: &[u8],
) -> TestResponse {
    client
        .post_multipart_file(
            "/library",
            &[
                ("title", title),
                ("language", language),
                ("document_type", "guideline"),
                ("countries", "BE, FR"),
                ("themes", "trafficking, shelter"),
                ("visibility", visibility),
            ],
            Some(("file", file_name, bytes)),
        )
        .await
}

#[tokio::test]
async fn a_refused_upload_keeps_the_description_and_asks_for_the_file_again_in_french() {
    let World { app } = world().await;
    let be = app.signed_in("case@be.example").await;
    be.set_cookie("retrace_lang", "fr");
    let refused = be
        .post_multipart_file(
            "/library",
            &[
                ("title", ""),
                ("summary", "Guide des refuges"),
                ("language", "fr"),
                ("document_type", "guideline"),
                ("countries", "Belgique"),
                ("themes", "traite des êtres humains"),
                ("visibility", "public"),
            ],
            Some(("file", "guide.exe", b"MZ".as_slice())),
        )
        .await;
    assert_form_page(
        &refused,
        StatusCode::UNPROCESSABLE_ENTITY,
        &[
            "Ce formulaire contient 4 erreurs",
            "doit être un code de pays",
            "Choisissez à nouveau le fichier",
            r#"id="form-error" tabindex="-1""#,
            r##"<a href="#file">"##,
            r#"<p class="field-error" id="err-title">"#,
            r#"value="Belgique" aria-invalid="true" aria-describedby="err-countries""#,
            r#"value="traite des êtres humains" aria-invalid="true" aria-describedby="err-themes""#,
            r#"aria-invalid="true" aria-describedby="file-hint file-again err-file""#,
            "Guide des refuges",
            r#"value="guideline" selected"#,
            r#"value="public" selected"#,
        ],
        NOT_ON_A_FRENCH_PAGE,
    );
}

#[tokio::test]
async fn library_uploads_search_and_downloads_respect_visibility() {
    let World { app } = world().await;
    let be = app.signed_in("case@be.example").await;
    let public = created_id(
        &upload(
            &be,
            "Guide de l'hébergement",
            "fr",
            "public",
            "guide.md",
            "# Hébergement\n\nLes **victimes** de la traite sont orientées vers un foyer sûr."
                .as_bytes(),
        )
        .await,
        "/library/",
    );
    let arabic = created_id(
        &upload(
            &be,
            "دليل حماية الأطفال",
            "ar",
            "public",
            "guide.html",
            "<p>حِمَايَةُ الأَطْفَالِ اللاجئين</p><script>alert(1)</script>".as_bytes(),
        )
        .await,
        "/library/",
    );
    let internal = created_id(
        &upload(
            &be,
            "Internal shelter SOP",
            "en",
            "own_organisation",
            "sop.txt",
            b"Internal procedure for shelter referrals.",
        )
        .await,
        "/library/",
    );
    let anonymous = app.client();
    // Search with and without accents and diacritics, with a snippet.
    for q in ["victimes", "VICTIME", "hebergement"] {
        let page = anonymous.get(&format!("/library?q={q}")).await;
        assert!(
            page.body.contains("Guide de l&#39;hébergement"),
            "{q}: {}",
            page.body
        );
    }
    let page = anonymous.get("/library?q=victimes").await;
    assert!(page.body.contains("<mark>victimes</mark>"), "{}", page.body);
    for q in [
        "%D8%AD%D9%85%D8%A7%D9%8A%D8%A9",
        "%D8%AD%D9%90%D9%85%D9%8E%D8%A7%D9%8A%D9%8E%D8%A9",
    ] {
        let json = anonymous
            .get(&format!("/api/v1/library?q={q}"))
            .await
            .json();
        assert_eq!(json["total"], 1, "{q}");
        assert_eq!(json["documents"][0]["id"], arabic.as_str());
    }
    let stop = anonymous
        .get("/api/v1/library?q=the%20of%20and")
        .await
        .json();
    assert_eq!(stop["only_common_words"], true);
    assert_eq!(stop["total"], 2, "common words list every public document");
    let operators = anonymous
        .get("/api/v1/library?q=%22shelter%22%20AND%20-(sop)%20OR")
        .await;
    assert_eq!(operators.status, StatusCode::OK);

    // The own-organisation document, on every route, for the public and
    // for another organisation: exactly like a missing one.
    let fr = app.signed_in("case@fr.example").await;
    let fr_token = create_token(&fr).await;
    let fr_api = app.api(&fr_token);
    for client in [&anonymous, &fr, &fr_api] {
        for path in [
            "/library/{}",
            "/library/{}/file",
            "/api/v1/library/{}",
            "/api/v1/library/{}/file",
        ] {
            let hidden = client.get(&path.replace("{}", &internal)).await;
            let missing = client.get(&path.replace("{}", MISSING)).await;
            assert_eq!(hidden.status, StatusCode::NOT_FOUND, "{path}");
            assert_eq!(
                shape(&hidden, &internal),
                shape(&missing, MISSING),
                "{path}"
            );
        }
        let listed = client.get("/api/v1/library?q=shelter").await.json();
        assert_eq!(listed["total"], 0);
    }
    let own = be.get(&format!("/library/{internal}")).await;
    assert_eq!(own.status, StatusCode::OK);
    assert!(
        be.get("/library?q=shelter")
            .await
            .body
            .contains("Internal shelter SOP")
    );

    // The file as uploaded, as an attachment.
    let file = anonymous.get(&format!("/library/{arabic}/file")).await;
    assert_eq!(file.status, StatusCode::OK);
    assert!(file.body.contains("<script>alert(1)</script>"));
    let disposition = file.headers["content-disposition"].to_str().unwrap();
    assert!(disposition.starts_with("attachment"), "{disposition}");
    let page = anonymous.get(&format!("/library/{public}")).await;
    assert!(page.body.contains("guide.md"));

    // Wrong role and anonymous uploads.
    let viewer = app.signed_in("viewer@be.example").await;
    assert_eq!(
        viewer.get("/library/new").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        upload(&viewer, "x", "en", "public", "a.txt", b"x")
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    anonymous
        .get("/library/new")
        .await
        .assert_redirect_to_sign_in();
}

#[tokio::test]
async fn hostile_uploads_are_refused_or_stored_without_text() {
    let World { app } = world().await;
    let be = app.signed_in("case@be.example").await;
    // Not what the extension says: refused, naming the file.
    for (name, bytes) in [
        ("law.pdf", b"MZ\x90\x00 this is a program".as_slice()),
        ("notes.txt", b"%PDF-1.4\x00\x01\x02binary".as_slice()),
        ("form.docx", b"%PDF-1.7 not a zip".as_slice()),
        ("empty.txt", b"".as_slice()),
        ("script.exe", b"MZ".as_slice()),
        ("photo.odt", b"\xff\xd8\xff\xe0\x00\x10JFIF".as_slice()),
        (
            "page.docx",
            b"<html><body>not a document</body></html>".as_slice(),
        ),
        ("scan.pdf", b"PK\x03\x04 a zip named pdf".as_slice()),
    ] {
        let response = upload(&be, "Hostile", "en", "public", name, bytes).await;
        assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        assert!(response.body.contains("File"), "{name}: {}", response.body);
        assert!(
            response.body.contains("Hostile"),
            "the form keeps the title"
        );
    }
    // A PDF whose content no extractor reads, ZIP bombs named .docx (one
    // not even a ZIP, one whose body inflates to 40 MB), a PDF whose page
    // inflates past the limit, a PDF whose page tree is its own child, a
    // ZIP that is not a DOCX: stored, without text, and saying so.
    let mut fake_bomb = b"PK\x03\x04".to_vec();
    fake_bomb.extend(std::iter::repeat_n(0u8, 64 * 1024));
    let bomb = sample_files::zip_of(&[
        ("[Content_Types].xml", String::new()),
        (
            "word/document.xml",
            format!(
                "<w:document><w:t>{}</w:t></w:document>",
                "a".repeat(40 << 20)
            ),
        ),
    ])
    .unwrap();
    let mut page = b"BT /F1 11 Tf ".to_vec();
    page.extend(b"(x) Tj ".repeat(24 * 1024 * 1024 / 7));
    page.extend(b"ET");
    let cycle = sample_files::pdf_of(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>".to_vec(),
        b"<< /Length 99999999 >>\nstream\nBT (x) Tj ET".to_vec(),
    ]);
    let plain_zip = sample_files::zip_of(&[("readme.txt", "hello".to_owned())]).unwrap();
    for (name, bytes) in [
        (
            "broken.pdf",
            b"%PDF-1.7\n1 0 obj << /Length 99999999 >> stream\n\xff\xfe".to_vec(),
        ),
        ("fake-bomb.docx", fake_bomb),
        ("bomb.docx", bomb),
        ("bomb.pdf", sample_files::pdf_page(&page)),
        ("cycle.pdf", cycle),
        ("archive.odt", plain_zip),
    ] {
        let response = upload(&be, "Unreadable", "en", "public", name, &bytes).await;
        let id = created_id(&response, "/library/");
        let page = be.get(&format!("/library/{id}")).await;
        assert!(page.body.contains("could not be read"), "{name}");
    }
    // A DOCX with external references (a remote template, a hyperlink, a
    // field that includes a URL, an external entity): its body text is
    // indexed, nothing it points at is fetched or indexed.
    let document = r#"<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY xxe SYSTEM "http://127.0.0.1:9/x">]><w:document xmlns:w="w"><w:body><w:p><w:r><w:instrText>INCLUDETEXT "http://127.0.0.1:9/remote"</w:instrText></w:r><w:r><w:t>Tamper-evident &xxe; safeguards</w:t></w:r></w:p></w:body></w:document>"#;
    let external = sample_files::zip_of(&[
        ("[Content_Types].xml", "<Types/>".to_owned()),
        (
            "word/_rels/settings.xml.rels",
            r#"<Relationships><Relationship Id="rId1" Type="attachedTemplate" Target="http://127.0.0.1:9/template.dotm" TargetMode="External"/></Relationships>"#.to_owned(),
        ),
        ("word/document.xml", document.to_owned()),
    ])
    .unwrap();
    let response = upload(&be, "External", "en", "public", "external.docx", &external).await;
    let id = created_id(&response, "/library/");
    let anonymous = app.client();
    let found = anonymous.get("/api/v1/library?q=safeguards").await.json();
    assert_eq!(found["documents"][0]["id"], id.as_str());
    for q in ["remote", "template", "INCLUDETEXT", "xxe"] {
        let json = anonymous
            .get(&format!("/api/v1/library?q={q}"))
            .await
            .json();
        assert_eq!(json["total"], 0, "{q}");
    }
    // Too large: refused before it is read, the server stays up.
    let big = vec![b'a'; 21 * 1024 * 1024];
    let response = upload(&be, "Big", "en", "public", "big.txt", &big).await;
    assert_eq!(response.status, StatusCode::PAYLOAD_TOO_LARGE);
    // A 200 MB upload, streamed: refused once the limit is passed, the
    // rest never read.
    let pulled = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = std::sync::Arc::clone(&pulled);
    let boundary = "huge-upload-boundary";
    let head = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nHuge\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"huge.txt\"\r\n\r\n"
    );
    let chunks = std::iter::once(head.into_bytes())
        .chain((0..200).map(|_| vec![b'a'; 1 << 20]))
        .map(move |chunk| {
            counted.fetch_add(chunk.len(), std::sync::atomic::Ordering::SeqCst);
            Ok::<_, std::io::Error>(chunk)
        });
    let body = axum::body::Body::from_stream(futures_util::stream::iter(chunks));
    let response = be.post_multipart_stream("/library", boundary, body).await;
    assert_eq!(response.status, StatusCode::PAYLOAD_TOO_LARGE);
    let read = pulled.load(std::sync::atomic::Ordering::SeqCst);
    assert!(read < 30 << 20, "{read} bytes read of 200 MB");
    assert_eq!(app.client().get("/healthz").await.status, StatusCode::OK);
}

#[tokio::test]
async fn office_documents_are_found_by_the_words_of_their_text() {
    let World { app } = world().await;
    let be = app.signed_in("case@be.example").await;
    for (title, language, name, bytes, q) in [
        (
            "Shelter rules",
            "en",
            "rules.pdf",
            sample_files::pdf(&["Residents keep a locker key.", "Curfew at ten."]),
            "curfew",
        ),
        (
            "Règlement du foyer",
            "fr",
            "reglement.docx",
            sample_files::docx(&["Les résidents reçoivent une clé de casier."]).unwrap(),
            "casier",
        ),
        (
            "Normas del albergue",
            "es",
            "normas.odt",
            sample_files::odt(&["Los residentes reciben una llave de taquilla."]).unwrap(),
            "taquilla",
        ),
    ] {
        let id = created_id(
            &upload(&be, title, language, "public", name, &bytes).await,
            "/library/",
        );
        let page = app.client().get(&format!("/library?q={q}")).await;
        assert!(page.body.contains("<mark>"), "{name}: {}", page.body);
        let json = app
            .client()
            .get(&format!("/api/v1/library?q={q}"))
            .await
            .json();
        assert_eq!(json["total"], 1, "{name}");
        assert_eq!(json["documents"][0]["id"], id.as_str(), "{name}");
        let shown = be.get(&format!("/library/{id}")).await;
        assert!(!shown.body.contains("could not be read"), "{name}");
        let file = app.client().get(&format!("/library/{id}/file")).await;
        assert_eq!(file.status, StatusCode::OK);
    }
}
