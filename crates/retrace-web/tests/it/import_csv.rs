//! The CSV and XLSX import pages: anonymous, wrong role, another member's
//! or organisation's job (not found), the dry run row by row, the commit
//! with its progress page, idempotence, the mapping page with its
//! preview, and bad files (another encoding, a formula, too large).

use crate::form_pages::assert_form_page;
use crate::harness::{Client, TestApp, TestResponse};
use axum::http::StatusCode;

const FILE: &str = "Ref;Enquirer;Link;Missing person;Born\n\
                    A1;Amina Haddad;brother;Karim Haddad;1990\n\
                    A2;Omar Said;wife;Nadia Said;1985-03\n\
                    A3;Omar Said;wife;Nadia  Said;1985-03\n";

async fn dry_run(client: &Client<'_>, kind: &str, name: &str, bytes: &[u8]) -> TestResponse {
    client
        .post_multipart_file(
            "/import/csv",
            &[("kind", kind), ("encoding", "utf-8")],
            Some(("file", name, bytes)),
        )
        .await
}

fn commit_path(body: &str) -> String {
    let start = body.find("/import/csv/jobs/").expect("a commit form");
    let rest = &body[start..];
    rest[..rest.find('?').unwrap()].to_owned()
}

async fn save_mapping(client: &Client<'_>) -> TestResponse {
    client
        .post_multipart_file(
            "/import/csv/mapping",
            &[
                ("kind", "requests"),
                ("encoding", "utf-8"),
                ("action", "save"),
                ("map.row_id", "Ref"),
                ("map.enquirer_name", "Enquirer"),
                ("map.relationship", "Link"),
                ("map.sought_name", "Missing person"),
                ("map.sought_birth_date", "Born"),
            ],
            Some(("file", "people.csv", FILE.as_bytes())),
        )
        .await
}

#[tokio::test]
async fn csv_import_dry_run_then_commit_once_for_its_own_member_only() {
    let app = TestApp::new().await;
    let be = app.org("Belgian Red Cross", "BE").await;
    let fr = app.org("French Red Cross", "FR").await;
    app.member("case@be.example", be, "caseworker").await;
    app.member("case2@be.example", be, "caseworker").await;
    app.member("viewer@be.example", be, "viewer").await;
    app.member("case@fr.example", fr, "caseworker").await;

    let anonymous = app.client();
    anonymous
        .get("/import/csv")
        .await
        .assert_redirect_to_sign_in();
    anonymous
        .get("/import/csv/mapping")
        .await
        .assert_redirect_to_sign_in();

    let viewer = app.signed_in("viewer@be.example").await;
    assert_eq!(
        viewer.get("/import/csv").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        viewer.get("/import/csv/mapping").await.status,
        StatusCode::FORBIDDEN
    );
    let refused = dry_run(&viewer, "requests", "people.csv", FILE.as_bytes()).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    let case = app.signed_in("case@be.example").await;
    let form = case.get("/import/csv").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("name=\"file\""), "{}", form.body);

    // The mapping page: a preview of the first rows, then saved.
    let preview = case
        .post_multipart_file(
            "/import/csv/mapping",
            &[("kind", "requests"), ("action", "preview")],
            Some(("file", "people.csv", FILE.as_bytes())),
        )
        .await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    assert!(preview.body.contains("mapping-preview"), "{}", preview.body);
    assert!(preview.body.contains("Karim Haddad"), "{}", preview.body);
    let saved = save_mapping(&case).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert!(saved.body.contains("mapping-saved"), "{}", saved.body);
    let shown = case.get("/import/csv/mapping?kind=requests").await;
    assert!(
        shown.body.contains("value=\"Missing person\""),
        "{}",
        shown.body
    );

    // The dry run: row by row.
    let planned = dry_run(&case, "requests", "people.csv", FILE.as_bytes()).await;
    assert_eq!(planned.status, StatusCode::OK, "{}", planned.body);
    assert!(
        planned.body.contains(
            "3 rows: 2 to create, 1 duplicates, not created, 0 already imported, 0 refused"
        ),
        "{}",
        planned.body
    );
    assert!(
        planned.body.contains("duplicate of line"),
        "{}",
        planned.body
    );
    let commit = commit_path(&planned.body);

    // Another member, or another organisation: not found.
    let other = app.signed_in("case2@be.example").await;
    assert_eq!(other.post(&commit, &[]).await.status, StatusCode::NOT_FOUND);
    assert_eq!(other.get(&commit).await.status, StatusCode::NOT_FOUND);
    let french = app.signed_in("case@fr.example").await;
    assert_eq!(
        french.post(&commit, &[]).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        viewer.post(&commit, &[]).await.status,
        StatusCode::FORBIDDEN
    );

    let started = case.post(&commit, &[]).await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.body);
    let mut page = case.get(&commit).await;
    for _ in 0..100 {
        if !page.body.contains("<progress") {
            break;
        }
        assert!(
            page.body.contains("http-equiv=\"refresh\""),
            "{}",
            page.body
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        page = case.get(&commit).await;
    }
    assert!(page.body.contains("import-summary"), "{}", page.body);
    assert!(page.body.contains(": 2 created"), "{}", page.body);

    // Again: nothing new, nothing to commit.
    let again = dry_run(&case, "requests", "people.csv", FILE.as_bytes()).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    assert!(again.body.contains("0 to create"), "{}", again.body);
    assert!(again.body.contains("2 already imported"), "{}", again.body);
    assert!(!again.body.contains("/import/csv/jobs/"), "{}", again.body);

    // The French organisation has no mapping: the headers do not fit.
    let theirs = dry_run(&french, "requests", "people.csv", FILE.as_bytes()).await;
    assert_eq!(theirs.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Every required column missing, each named by the code the mapping
    // page shows, never as a path.
    for field in ["enquirer_name: ", "sought_name: "] {
        assert!(theirs.body.contains(field), "{field}: {}", theirs.body);
    }
    assert!(!theirs.body.contains("mapping."), "{}", theirs.body);
}

#[tokio::test]
async fn bad_csv_files_are_reported_and_store_nothing() {
    let app = TestApp::new().await;
    let be = app.org("Belgian Red Cross", "BE").await;
    app.member("case@be.example", be, "caseworker").await;
    let case = app.signed_in("case@be.example").await;

    let latin = b"name;sex\nJos\xe9 Mart\xednez;m\n";
    let response = dry_run(&case, "registrations", "latin.csv", latin).await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.body.contains("not UTF-8"), "{}", response.body);
    let decoded = case
        .post_multipart_file(
            "/import/csv",
            &[("kind", "registrations"), ("encoding", "windows-1252")],
            Some(("file", "latin.csv", latin)),
        )
        .await;
    assert_eq!(decoded.status, StatusCode::OK, "{}", decoded.body);
    assert!(decoded.body.contains("José Martínez"), "{}", decoded.body);

    let formula = b"name;sex\n=HYPERLINK(\"http://x\";\"y\");f\nLeila Haddad;f\n";
    let response = dry_run(&case, "registrations", "formula.csv", formula).await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.body.contains("formula"), "{}", response.body);
    assert!(
        !response.body.contains("/import/csv/jobs/"),
        "{}",
        response.body
    );

    let truncated =
        &retrace_app::xlsx::workbook("S", &[vec![retrace_app::xlsx::Cell::Text("name".into())]])
            [..100];
    let response = dry_run(&case, "registrations", "cut.xlsx", truncated).await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.body.contains("XLSX"), "{}", response.body);

    // 200 MB, streamed: refused once the limit is passed; the server
    // stays up.
    let boundary = "huge-csv-boundary";
    let head = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nrequests\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"huge.csv\"\r\n\r\n"
    );
    let chunks = std::iter::once(head.into_bytes())
        .chain((0..200).map(|_| vec![b'a'; 1 << 20]))
        .map(Ok::<_, std::io::Error>);
    let body = axum::body::Body::from_stream(futures_util::stream::iter(chunks));
    let response = case
        .post_multipart_stream("/import/csv", boundary, body)
        .await;
    assert_eq!(response.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(app.client().get("/healthz").await.status, StatusCode::OK);
    let listed = case.get("/registrations").await;
    assert!(!listed.body.contains("Leila Haddad"), "{}", listed.body);
}

#[tokio::test]
async fn a_refused_mapping_marks_every_missing_column_in_french() {
    let app = TestApp::new().await;
    let be = app.org("Belgian Red Cross", "BE").await;
    app.member("case@be.example", be, "caseworker").await;
    let case = app.signed_in("case@be.example").await;
    case.set_cookie("retrace_lang", "fr");
    let refused = case
        .post_multipart_file(
            "/import/csv/mapping",
            &[
                ("kind", "requests"),
                ("encoding", "windows-1252"),
                ("action", "save"),
                ("map.row_id", "Réf"),
                ("map.relationship", "Lien"),
            ],
            None,
        )
        .await;
    assert_form_page(
        &refused,
        StatusCode::UNPROCESSABLE_ENTITY,
        &[
            "Ce formulaire contient 2 erreurs",
            "enquirer_name: doit nommer une colonne",
            "sought_name: doit nommer une colonne",
            r#"id="form-error" tabindex="-1""#,
            r##"<a href="#map-sought_name">"##,
            r#"id="map-enquirer_name" name="map.enquirer_name" value="" list="headers" dir="auto" aria-invalid="true" aria-describedby="err-map-enquirer_name""#,
            r#"value="Réf""#,
            r#"value="Lien""#,
            r#"value="windows-1252" selected"#,
        ],
        &["mapping.", "must name"],
    );
}
