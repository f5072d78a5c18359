//! PFIF import with Person Finder's own test feeds (`retrace-pfif`'s
//! `test-data/`, copied from `../shared/interop/pfif/`).

use crate::requests::app_and_actor;
use retrace_app::AppError;
use retrace_app::interchange::{PfifImport, import_pfif};
use retrace_domain::Role;
use retrace_store::{ImportOutcome, OrgScope, RequestFilter};

fn feed(name: &str) -> String {
    let path = format!(
        "{}/../retrace-pfif/test-data/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(path).unwrap()
}

fn imported(result: PfifImport) -> retrace_app::interchange::PfifSummary {
    match result {
        PfifImport::Imported(summary) => summary,
        PfifImport::Refused { problems } => panic!("refused: {problems:?}"),
    }
}

#[tokio::test]
async fn person_finder_feeds_import_once_each() {
    let (app, actor) = app_and_actor(Role::Caseworker).await;
    for name in [
        "test.pfif-1.1.xml",
        "test.pfif-1.2.xml",
        "test.pfif-1.4.xml",
    ] {
        let text = feed(name);
        let first = imported(import_pfif(&app, &actor, &text, None).await.unwrap());
        assert_eq!(first.records.len(), 1, "{name}");
        // Person Finder's feeds reuse the record id test.google.com/person.21009.
        let again = imported(import_pfif(&app, &actor, &text, None).await.unwrap());
        assert_eq!(again.already_imported, 1, "{name}");
        assert_eq!(again.registrations + again.requests, 0, "{name}");
        assert!(matches!(
            again.records[0].1,
            ImportOutcome::AlreadyImported(_)
        ));
    }
    let scope = OrgScope::new(actor.org());
    let records = app.store().imported_pfif_records(&scope).await.unwrap();
    // The three feeds hold the same record id: it was imported once.
    assert_eq!(records.len(), 1, "{records:?}");
}

#[tokio::test]
async fn a_sought_person_becomes_a_request_and_the_note_author_a_registration() {
    let (app, actor) = app_and_actor(Role::Caseworker).await;
    // PFIF 1.1: no status, so the person is sought by the record's author.
    let summary = imported(
        import_pfif(&app, &actor, &feed("test.pfif-1.1.xml"), None)
            .await
            .unwrap(),
    );
    assert_eq!((summary.requests, summary.registrations), (1, 0));
    let scope = OrgScope::new(actor.org());
    let audit = retrace_store::AuditContext::system(retrace_domain::Timestamp::from_millis(0), "t");
    let (requests, total) = app
        .store()
        .list_requests(&audit, &scope, &RequestFilter::default())
        .await
        .unwrap();
    assert_eq!((requests.len(), total), (1, 1));
    // PFIF 1.4: the latest note is by the person themselves.
    let (app, actor) = app_and_actor(Role::Caseworker).await;
    let summary = imported(
        import_pfif(&app, &actor, &feed("test.pfif-1.4.xml"), None)
            .await
            .unwrap(),
    );
    assert_eq!((summary.requests, summary.registrations), (0, 1));
}

#[tokio::test]
async fn a_bad_record_stores_nothing_and_is_reported_with_its_line() {
    let (app, actor) = app_and_actor(Role::Caseworker).await;
    let result = import_pfif(
        &app,
        &actor,
        &feed("test.pfif-1.2-badrecord.xml"),
        Some("test.google.com"),
    )
    .await
    .unwrap();
    let PfifImport::Refused { problems } = result else {
        panic!("imported {result:?}");
    };
    assert_eq!(problems.len(), 1, "{problems:?}");
    let text = problems[0].to_string();
    assert!(text.contains("line 79"), "{text}");
    assert!(text.contains("foo.google.com/person.666"), "{text}");
    // The page's code: where, and what.
    assert_eq!(problems[0].line, 79);
    assert_eq!(
        problems[0].problem,
        retrace_domain::Problem::PfifOtherDomain {
            found: "foo.google.com".to_owned(),
            domain: "test.google.com".to_owned(),
        }
    );
    let scope = OrgScope::new(actor.org());
    assert!(
        app.store()
            .imported_pfif_records(&scope)
            .await
            .unwrap()
            .is_empty()
    );
    let audit = retrace_store::AuditContext::system(retrace_domain::Timestamp::from_millis(0), "t");
    assert!(
        app.store()
            .registrations(&audit, &scope, 10)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn hostile_documents_are_refused_whole() {
    let (app, actor) = app_and_actor(Role::Caseworker).await;
    let bomb = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>
<pfif:pfif xmlns:pfif="http://zesty.ca/pfif/1.4"><pfif:person>&lol2;</pfif:person></pfif:pfif>"#;
    let wrong_namespace = r#"<pfif xmlns="http://example.org/other"><person/></pfif>"#;
    let text = feed("test.pfif-1.4.xml");
    let truncated = &text[..text.len() / 2];
    for doc in [bomb, wrong_namespace, truncated] {
        match import_pfif(&app, &actor, doc, None).await.unwrap() {
            PfifImport::Refused { problems } => assert_eq!(problems.len(), 1, "{problems:?}"),
            other => panic!("imported {other:?}"),
        }
    }
    let scope = OrgScope::new(actor.org());
    assert!(
        app.store()
            .imported_pfif_records(&scope)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn a_viewer_may_not_import() {
    let (app, actor) = app_and_actor(Role::Viewer).await;
    let result = import_pfif(&app, &actor, &feed("test.pfif-1.4.xml"), None).await;
    assert!(matches!(result, Err(AppError::Forbidden)), "{result:?}");
}
