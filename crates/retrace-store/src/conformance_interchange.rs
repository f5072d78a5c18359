//! The conformance suite for imports (issue 18): records written with a
//! progress count in one transaction, idempotent by record id, the
//! relationship kept, and column mappings saved per organisation.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed expectation is a failed test"
)]

use crate::conformance::{Harness, acting, actions, circumstances, org_with_member, person_named};
use crate::{
    ImportOutcome, ImportTarget, ImportedPerson, InterchangeStore, OrgScope, PersonRole,
    PfifSource, TracingStore,
};
use retrace_domain::{RegistrationKind, Relationship};
use std::sync::Mutex;

fn csv_row(id: &str, name: &str, target: ImportTarget) -> ImportedPerson {
    ImportedPerson {
        record_id: format!("csv:{id}"),
        source: PfifSource {
            name: Some("people.csv".into()),
            ..PfifSource::default()
        },
        target,
        details: person_named(&[name], &[]),
        created_as_duplicate: false,
    }
}

pub async fn imported_records_keep_their_relationship_and_are_idempotent<H: Harness>(h: &H) {
    let store = h.store();
    let (org, user) = org_with_member(store, "Import Red Cross", "BE", "a@import.example").await;
    let (other, _) = org_with_member(store, "Other Red Cross", "FR", "b@other.example").await;
    let scope = OrgScope::new(org.id);
    let rows = vec![
        csv_row(
            "1",
            "Karim Haddad",
            ImportTarget::Request {
                enquirer: Box::new(person_named(&["Amina Haddad"], &[])),
                relationship: Relationship::Brother,
                circumstances: Box::new(circumstances("Aleppo")),
            },
        ),
        csv_row(
            "2",
            "Leila Haddad",
            ImportTarget::Registration(RegistrationKind::Safe),
        ),
        // Taken for a duplicate of row 2, created as the importer chose.
        ImportedPerson {
            created_as_duplicate: true,
            ..csv_row(
                "3",
                "Leila Haddad",
                ImportTarget::Registration(RegistrationKind::Safe),
            )
        },
    ];
    let seen = Mutex::new(Vec::new());
    let record = |done: usize| seen.lock().unwrap().push(done);
    let outcomes = store
        .import_records(&acting(&user, 10), &scope, &rows, &record)
        .await
        .unwrap();
    assert_eq!(seen.lock().unwrap().last(), Some(&3));
    let ImportOutcome::Created(sought) = outcomes[0] else {
        panic!("{outcomes:?}")
    };
    let person = store
        .person(&acting(&user, 11), &scope, sought)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(person.role, PersonRole::Sought(Relationship::Brother));
    assert!(matches!(outcomes[1], ImportOutcome::Created(_)));
    assert!(matches!(outcomes[2], ImportOutcome::Created(_)));
    // Only the duplicate created anyway says so in the audit log.
    let log = actions(store, org.id).await;
    let count = |action: &str| log.iter().filter(|a| a.as_str() == action).count();
    assert_eq!(count("person_imported"), 3);
    assert_eq!(count("import_duplicate_created"), 1);
    // Again: nothing new.
    let again = store
        .import_records(&acting(&user, 12), &scope, &rows, &|_| {})
        .await
        .unwrap();
    assert_eq!(
        again,
        vec![
            ImportOutcome::AlreadyImported(outcomes[0].person()),
            ImportOutcome::AlreadyImported(outcomes[1].person()),
            ImportOutcome::AlreadyImported(outcomes[2].person()),
        ]
    );
    let records = store.imported_pfif_records(&scope).await.unwrap();
    assert_eq!(records.len(), 3);
    // Another organisation's ids are its own.
    assert!(
        store
            .imported_pfif_records(&OrgScope::new(other.id))
            .await
            .unwrap()
            .is_empty()
    );
}

pub async fn csv_mappings_are_saved_per_organisation_and_audited<H: Harness>(h: &H) {
    let store = h.store();
    let (org, user) = org_with_member(store, "Import Red Cross", "BE", "a@import.example").await;
    let (other, _) = org_with_member(store, "Other Red Cross", "FR", "b@other.example").await;
    let scope = OrgScope::new(org.id);
    assert_eq!(store.csv_mapping(&scope, "requests").await.unwrap(), None);
    store
        .save_csv_mapping(&acting(&user, 10), &scope, "requests", r#"{"a":"1"}"#)
        .await
        .unwrap();
    store
        .save_csv_mapping(&acting(&user, 11), &scope, "requests", r#"{"a":"2"}"#)
        .await
        .unwrap();
    assert_eq!(
        store.csv_mapping(&scope, "requests").await.unwrap(),
        Some(r#"{"a":"2"}"#.to_owned())
    );
    assert_eq!(
        store.csv_mapping(&scope, "registrations").await.unwrap(),
        None
    );
    assert_eq!(
        store
            .csv_mapping(&OrgScope::new(other.id), "requests")
            .await
            .unwrap(),
        None
    );
    let log = actions(store, org.id).await;
    assert_eq!(
        log.iter()
            .filter(|a| a.as_str() == "import_mapping_saved")
            .count(),
        2
    );
}

pub async fn a_failing_import_stores_nothing<H: Harness>(h: &H) {
    let store = h.store();
    let (org, user) = org_with_member(store, "Import Red Cross", "BE", "a@import.example").await;
    let scope = OrgScope::new(org.id);
    h.fail_audit_appends_of("person_imported").await.unwrap();
    let rows = vec![csv_row(
        "1",
        "Leila Haddad",
        ImportTarget::Registration(RegistrationKind::Safe),
    )];
    assert!(
        store
            .import_records(&acting(&user, 10), &scope, &rows, &|_| {})
            .await
            .is_err()
    );
    assert!(
        store
            .imported_pfif_records(&scope)
            .await
            .unwrap()
            .is_empty()
    );
}
