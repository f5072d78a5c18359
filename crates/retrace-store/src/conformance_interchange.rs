//! The conformance suite for imports (issue 18): records written with a
//! progress count in one transaction, idempotent by record id, the
//! relationship kept, and column mappings saved per organisation.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed expectation is a failed test"
)]

use crate::conformance::{
    Harness, acting, actions, circumstances, entry_count, org_with_member, person_named,
};
use crate::{
    ImportOutcome, ImportTarget, ImportedPerson, InterchangeStore, OrgScope, PersonRole,
    PfifSource, RequestFilter, TracingStore,
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

/// A family name that says which row it came from, in letters (a name
/// holds no digits): row 12 is "Rowbc".
fn row_name(row: usize) -> String {
    let letters: String = row
        .to_string()
        .bytes()
        .map(|digit| char::from(b'a' + (digit - b'0')))
        .collect();
    format!("Row{letters}")
}

pub async fn a_large_import_keeps_each_row_whole_across_batches<H: Harness>(h: &H) {
    let store = h.store();
    let (org, user) = org_with_member(store, "Import Red Cross", "BE", "a@import.example").await;
    let scope = OrgScope::new(org.id);
    // More rows than a backend writes at once, requests and registrations
    // mixed; row 7 repeats row 6's id (one batch), the last row repeats
    // row 5's (another batch).
    let rows_count = 1_203;
    let mut rows: Vec<ImportedPerson> = (0..rows_count)
        .map(|row| {
            let family = row_name(row);
            if row % 4 == 0 {
                csv_row(
                    &row.to_string(),
                    &format!("Leila {family}"),
                    ImportTarget::Registration(RegistrationKind::Safe),
                )
            } else {
                csv_row(
                    &row.to_string(),
                    &format!("Karim {family}"),
                    ImportTarget::Request {
                        enquirer: Box::new(person_named(&[&format!("Amina {family}")], &[])),
                        relationship: Relationship::Brother,
                        circumstances: Box::new(circumstances("Aleppo")),
                    },
                )
            }
        })
        .collect();
    rows[7].record_id = rows[6].record_id.clone();
    rows.push(rows[5].clone());
    let seen = Mutex::new(Vec::new());
    let record = |done: usize| seen.lock().unwrap().push(done);
    let before = entry_count(store).await;
    let outcomes = store
        .import_records(&acting(&user, 10), &scope, &rows, &record)
        .await
        .unwrap();
    let seen = seen.into_inner().unwrap();
    assert!(seen.windows(2).all(|pair| pair[0] <= pair[1]), "{seen:?}");
    assert_eq!(seen.last(), Some(&rows.len()));
    assert_eq!(outcomes.len(), rows.len());
    assert_eq!(
        outcomes[7],
        ImportOutcome::AlreadyImported(outcomes[6].person())
    );
    assert_eq!(
        outcomes[rows_count],
        ImportOutcome::AlreadyImported(outcomes[5].person())
    );
    let created = outcomes
        .iter()
        .filter(|outcome| matches!(outcome, ImportOutcome::Created(_)))
        .count();
    assert_eq!(created, rows_count - 1);
    // Per created row: its creation and its import, chained.
    assert_eq!(entry_count(store).await - before, 2 * created as u64);
    // Each created row is the person of its own row, in its own role.
    for (row, outcome) in [0, 1, 2, 3, 499, 500, 501, 1000, 1202]
        .into_iter()
        .map(|row| (row, outcomes[row]))
    {
        let person = store
            .person(&acting(&user, 11), &scope, outcome.person())
            .await
            .unwrap()
            .unwrap();
        let name = person.details.names()[0].full().to_owned();
        if row % 4 == 0 {
            assert_eq!(name, format!("Leila {}", row_name(row)));
            assert_eq!(person.role, PersonRole::Registered(RegistrationKind::Safe));
        } else {
            assert_eq!(name, format!("Karim {}", row_name(row)));
            assert_eq!(person.role, PersonRole::Sought(Relationship::Brother));
        }
    }
    // Every request has its own enquirer and sought person, and its own
    // case number, the numbers following one another.
    let (requests, total) = store
        .list_requests(
            &acting(&user, 12),
            &scope,
            &RequestFilter {
                limit: 1000,
                ..RequestFilter::default()
            },
        )
        .await
        .unwrap();
    let expected_requests = (0..rows_count).filter(|row| row % 4 != 0).count() - 1;
    assert_eq!(total, expected_requests as u64);
    assert_eq!(requests.len(), expected_requests);
    for request in &requests {
        let family = request.enquirer_name.trim_start_matches("Amina ");
        assert_eq!(
            request.sought,
            vec![(Relationship::Brother, format!("Karim {family}"))]
        );
    }
    let mut numbers: Vec<u32> = requests
        .iter()
        .map(|request| {
            let reference = request.reference.to_string();
            reference.rsplit('-').next().unwrap().parse().unwrap()
        })
        .collect();
    numbers.sort_unstable();
    numbers.dedup();
    assert_eq!(numbers.len(), expected_requests);
    assert_eq!(
        numbers[numbers.len() - 1] - numbers[0] + 1,
        expected_requests as u32
    );
    // Again: nothing new, in one lookup per batch.
    let again = store
        .import_records(&acting(&user, 13), &scope, &rows, &|_| {})
        .await
        .unwrap();
    assert!(
        again
            .iter()
            .zip(&outcomes)
            .all(|(again, first)| *again == ImportOutcome::AlreadyImported(first.person()))
    );
}
