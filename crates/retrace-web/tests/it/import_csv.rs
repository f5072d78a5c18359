//! The CSV and XLSX import pages: anonymous, wrong role, another member's
//! or organisation's job (not found), the dry run row by row, the commit
//! with its progress page, duplicates created anyway when ticked,
//! idempotence, the mapping page with its preview, and bad files (another
//! encoding, a formula, too large).

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
    rest[..rest.find('"').unwrap()].to_owned()
}

/// The job's page once the commit has finished (it refreshes itself
/// while running).
async fn finished(client: &Client<'_>, job: &str) -> TestResponse {
    let mut page = client.get(job).await;
    for _ in 0..200 {
        if !page.body.contains("http-equiv=\"refresh\"") {
            break;
        }
        assert!(page.body.contains("<progress"), "{}", page.body);
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        page = client.get(job).await;
    }
    assert!(
        !page.body.contains("http-equiv=\"refresh\""),
        "{}",
        page.body
    );
    page
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
    let page = finished(&case, &commit).await;
    assert!(page.body.contains("import-summary"), "{}", page.body);
    assert!(page.body.contains(": 2 created."), "{}", page.body);
    // The bar is full, and the rows created are listed with their person.
    assert!(page.body.contains("max=\"2\" value=\"2\""), "{}", page.body);
    assert!(page.body.contains("Karim Haddad</a>"), "{}", page.body);
    assert!(!page.body.contains("created anyway"), "{}", page.body);

    // Again: nothing new; only the duplicate left out could still be
    // created anyway.
    let again = dry_run(&case, "requests", "people.csv", FILE.as_bytes()).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    assert!(
        again.body.contains("0 to create, 1 duplicates"),
        "{}",
        again.body
    );
    assert!(again.body.contains("2 already imported"), "{}", again.body);
    assert!(
        again.body.contains("id=\"create-anyway-4\""),
        "{}",
        again.body
    );
    // A file with nothing to create and no duplicate: nothing to commit.
    let first_two: String = FILE.lines().take(3).map(|l| format!("{l}\n")).collect();
    let nothing = dry_run(&case, "requests", "people.csv", first_two.as_bytes()).await;
    assert!(
        nothing.body.contains("0 to create, 0 duplicates"),
        "{}",
        nothing.body
    );
    assert!(
        !nothing.body.contains("/import/csv/jobs/"),
        "{}",
        nothing.body
    );

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
async fn duplicates_ticked_create_anyway_are_created_and_audited() {
    let app = TestApp::new().await;
    let be = app.org("Belgian Red Cross", "BE").await;
    let fr = app.org("French Red Cross", "FR").await;
    app.member("case@be.example", be, "caseworker").await;
    app.member("viewer@be.example", be, "viewer").await;
    app.member("admin@fr.example", fr, "org_admin").await;
    let case = app.signed_in("case@be.example").await;
    save_mapping(&case).await;

    // Line 4 duplicates line 3: offered "create anyway", not ticked.
    let planned = dry_run(&case, "requests", "people.csv", FILE.as_bytes()).await;
    assert_eq!(planned.status, StatusCode::OK, "{}", planned.body);
    assert!(
        planned
            .body
            .contains("name=\"create_anyway\" value=\"4\" id=\"create-anyway-4\">"),
        "{}",
        planned.body
    );
    assert!(
        !planned.body.contains("value=\"2\" id=\"create-anyway-2\""),
        "only duplicates are offered: {}",
        planned.body
    );
    assert!(!planned.body.contains(" checked"), "{}", planned.body);
    // A browser sends the form's fields, not its action's query: the
    // token is among them.
    let form = planned
        .between("id=\"import-commit-form\">", "</form>")
        .unwrap();
    assert!(form.contains("name=\"csrf_token\""), "{form}");
    assert!(
        planned.body.contains("import-anyway-hint"),
        "{}",
        planned.body
    );
    let commit = commit_path(&planned.body);

    // Anonymous, wrong role, another organisation: the ticked commit is
    // refused as any other.
    let anonymous = app.client();
    anonymous
        .post(&commit, &[("create_anyway", "4")])
        .await
        .assert_redirect_to_sign_in();
    anonymous.get(&commit).await.assert_redirect_to_sign_in();
    let viewer = app.signed_in("viewer@be.example").await;
    assert_eq!(
        viewer.post(&commit, &[("create_anyway", "4")]).await.status,
        StatusCode::FORBIDDEN
    );
    let french = app.signed_in("admin@fr.example").await;
    let theirs = french.post(&commit, &[("create_anyway", "4")]).await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND);
    assert_eq!(french.get(&commit).await.status, StatusCode::NOT_FOUND);
    // A line that is not a number: refused, the job still waiting.
    let garbled = case.post(&commit, &[("create_anyway", "four")]).await;
    assert_eq!(garbled.status, StatusCode::UNPROCESSABLE_ENTITY);

    let started = case.post(&commit, &[("create_anyway", "4")]).await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.body);
    let page = finished(&case, &commit).await;
    assert!(
        page.body
            .contains(": 3 created (1 of them duplicates created anyway)."),
        "{}",
        page.body
    );
    assert!(page.body.contains("max=\"3\" value=\"3\""), "{}", page.body);
    assert!(page.body.contains("Nadia  Said</a>"), "{}", page.body);
    assert!(
        page.body.contains("created anyway: duplicate of line 3"),
        "{}",
        page.body
    );
    let anyway = duplicates_created(&app, be).await;
    assert_eq!(anyway.len(), 1);
    assert!(
        page.body.contains(&format!("/persons/{}", anyway[0])),
        "{}",
        page.body
    );
    // The French organisation's log says nothing of it.
    assert!(duplicates_created(&app, fr).await.is_empty());

    // A file of duplicates only can still be committed; a line ticked
    // that is not a duplicate's (forged) stores nothing.
    let again = "Ref;Enquirer;Link;Missing person;Born\n\
                 B1;Amina Haddad;brother;Karim Haddad;1990\n\
                 B2;Omar Said;wife;Samira Said;1970\n";
    let planned = dry_run(&case, "requests", "again.csv", again.as_bytes()).await;
    assert_eq!(planned.status, StatusCode::OK, "{}", planned.body);
    assert!(
        planned.body.contains("1 to create, 1 duplicates"),
        "{}",
        planned.body
    );
    let commit = commit_path(&planned.body);
    case.post(&commit, &[("create_anyway", "3")]).await;
    let page = finished(&case, &commit).await;
    assert!(page.body.contains("not duplicates"), "{}", page.body);
    assert!(page.body.contains(": 3"), "{}", page.body);
    assert!(!page.body.contains("import-summary"), "{}", page.body);
    let listed = case.get("/requests").await;
    assert!(!listed.body.contains("Samira Said"), "{}", listed.body);

    // In French: the box is offered in French.
    let planned = french_dry_run(&app, be).await;
    assert!(planned.contains("Créer quand même"), "{planned}");
}

/// The persons of the organisation's `import_duplicate_created` audit
/// entries.
async fn duplicates_created(app: &TestApp, org: retrace_domain::OrgId) -> Vec<String> {
    let audit = app
        .store
        .audit_entries(&retrace_store::OrgScope::new(org), 100, None)
        .await
        .unwrap();
    audit
        .into_iter()
        .filter(|e| e.record.action == "import_duplicate_created")
        .map(|e| e.record.object_id)
        .collect()
}

/// The dry run of a file of one duplicate, on a French page.
async fn french_dry_run(app: &TestApp, org: retrace_domain::OrgId) -> String {
    app.member("fr-case@be.example", org, "caseworker").await;
    let client = app.signed_in("fr-case@be.example").await;
    client.set_cookie("retrace_lang", "fr");
    let file = "Ref;Enquirer;Link;Missing person;Born\n\
                C1;Amina Haddad;brother;Karim Haddad;1990\n";
    let planned = dry_run(&client, "requests", "fr.csv", file.as_bytes()).await;
    assert_eq!(planned.status, StatusCode::OK, "{}", planned.body);
    planned.body
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

/// A file of registrations with bad rows: a month 13, a formula, a row
/// longer than the header, a row with two bad cells.
const BAD_ROWS: &str = "Name;Sex;Birth date\n\
                        Leila Haddad;f;1990-13\n\
                        =SUM(1);f;1991\n\
                        Amal Said;f;1992;extra\n\
                        Rania Haddad;x;1990-02-30\n";

/// Isolated left to right, as the page shows typed text.
fn ltr(text: &str) -> String {
    format!("\u{2066}{text}\u{2069}")
}

#[tokio::test]
async fn refused_rows_and_unreadable_files_read_in_french_and_arabic_with_line_and_column() {
    let app = TestApp::new().await;
    let be = app.org("Belgian Red Cross", "BE").await;
    app.member("case@be.example", be, "caseworker").await;
    let case = app.signed_in("case@be.example").await;

    case.set_cookie("retrace_lang", "fr");
    let planned = dry_run(&case, "registrations", "bad.csv", BAD_ROWS.as_bytes()).await;
    assert_eq!(planned.status, StatusCode::UNPROCESSABLE_ENTITY);
    let body = planned.body.replace("&#x27;", "'");
    for expected in [
        format!(
            "Ligne 2, colonne « {} » : le mois doit être compris entre 01 et 12",
            ltr("Birth date")
        ),
        format!(
            "Ligne 3, colonne « {} » : contient une formule : les formules ne sont jamais évaluées",
            ltr("Name")
        ),
        "Ligne 4 : a 4 cellules alors que la première ligne nomme 3 colonnes".to_owned(),
        // Both problems of one row, each with its column.
        format!("Ligne 5, colonne « {} » : ", ltr("Sex")),
        format!("Ligne 5, colonne « {} » : ", ltr("Birth date")),
    ] {
        assert!(body.contains(&expected), "{expected}: {body}");
    }
    for english in [
        "the month",
        "holds a formula",
        "cells but",
        "birth_date",
        "sought_",
    ] {
        assert!(!body.contains(english), "{english}: {body}");
    }
    // Nothing to commit while a row is refused.
    assert!(!body.contains("/import/csv/jobs/"), "{body}");

    let latin = b"name;sex\nJos\xe9 Mart\xednez;m\n";
    let unreadable = dry_run(&case, "registrations", "latin.csv", latin).await;
    assert_eq!(unreadable.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        unreadable.body.contains(
            "Le fichier n’a pas pu être lu : le fichier n’est pas en UTF-8 (premier octet invalide à la position 12)"
        ),
        "{}",
        unreadable.body
    );
    let twice = dry_run(&case, "registrations", "twice.csv", b"name;Name\nA;B\n").await;
    assert!(
        twice.body.contains(&format!(
            "la colonne {} figure deux fois dans la première ligne",
            ltr("Name")
        )),
        "{}",
        twice.body
    );
    let truncated =
        &retrace_app::xlsx::workbook("S", &[vec![retrace_app::xlsx::Cell::Text("name".into())]])
            [..100];
    let cut = dry_run(&case, "registrations", "cut.xlsx", truncated).await;
    assert!(
        cut.body
            .contains("le fichier XLSX n’a pas pu être lu (endommagé ou tronqué)"),
        "{}",
        cut.body
    );
    assert!(!cut.body.contains("could not"), "{}", cut.body);

    case.set_cookie("retrace_lang", "ar");
    let planned = dry_run(&case, "registrations", "bad.csv", BAD_ROWS.as_bytes()).await;
    assert_eq!(planned.status, StatusCode::UNPROCESSABLE_ENTITY);
    for expected in [
        format!(
            "السطر 2، العمود «{}»: يجب أن يكون الشهر من 01 إلى 12",
            ltr("Birth date")
        ),
        format!("السطر 3، العمود «{}»: تحتوي على صيغة", ltr("Name")),
        "السطر 4: فيه 4 خلايا بينما يسمّي الصف الأول 3 أعمدة".to_owned(),
    ] {
        assert!(
            planned.body.contains(&expected),
            "{expected}: {}",
            planned.body
        );
    }
    for english in ["the month", "holds a formula", "cells but", "Line "] {
        assert!(
            !planned.body.contains(english),
            "{english}: {}",
            planned.body
        );
    }
    let unreadable = dry_run(&case, "registrations", "latin.csv", latin).await;
    assert!(
        unreadable
            .body
            .contains("تعذّرت قراءة الملف: الملف ليس بترميز UTF-8"),
        "{}",
        unreadable.body
    );
}

#[tokio::test]
async fn duplicates_past_the_rows_shown_can_be_created_anyway_by_line() {
    let app = TestApp::new().await;
    let be = app.org("Belgian Red Cross", "BE").await;
    app.member("case@be.example", be, "caseworker").await;
    let case = app.signed_in("case@be.example").await;

    // Line 2, then 1,003 rows about the same person: 1,000 of them in the
    // table, lines 1003 to 1005 past it.
    let mut file = String::from("name;sex;birth_date\n");
    for _ in 0..1004 {
        file.push_str("Leila Haddad;f;1990\n");
    }
    let planned = dry_run(&case, "registrations", "many.csv", file.as_bytes()).await;
    assert_eq!(planned.status, StatusCode::OK);
    assert!(
        planned
            .body
            .contains("1004 rows: 1 to create, 1003 duplicates"),
        "{}",
        planned.body
    );
    assert!(planned.body.contains("id=\"create-anyway-1002\""));
    assert!(!planned.body.contains("id=\"create-anyway-1003\""));
    let unlisted = planned
        .between("id=\"import-unlisted\">", "</p>")
        .expect("the unlisted duplicates");
    assert!(unlisted.contains(">1003-1005</span>"), "{unlisted}");
    let form = planned
        .between("id=\"import-commit-form\"", "</form>")
        .unwrap();
    assert!(form.contains("name=\"create_anyway_lines\""), "{form}");
    let commit = commit_path(&planned.body);

    // Not line numbers: refused, in words, the job still waiting.
    let garbled = case
        .post(&commit, &[("create_anyway_lines", "1003-x")])
        .await;
    assert_eq!(garbled.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        garbled
            .body
            .contains("Other lines to create anyway: must be line numbers"),
        "{}",
        garbled.body
    );

    // A box ticked and a range typed: all three created anyway.
    let started = case
        .post(
            &commit,
            &[("create_anyway", "3"), ("create_anyway_lines", "1004-1005")],
        )
        .await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.body);
    let page = finished(&case, &commit).await;
    assert!(
        page.body
            .contains(": 4 created (3 of them duplicates created anyway)."),
        "{}",
        page.body
    );
    assert_eq!(duplicates_created(&app, be).await.len(), 3);
}
