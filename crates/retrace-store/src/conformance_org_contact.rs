//! The conformance behaviours of an organisation's public contact
//! (issue 15, item 9), run on every backend through `conformance_tests!`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed expectation is a failed test"
)]

use crate::conformance::{Harness, acting_at, org_with_member};
use crate::{OrgContactStore, OrgScope, Store};
use retrace_domain::{AuditAction, PublicContact, Timestamp};

pub async fn public_contact_is_set_replaced_cleared_and_audited<H: Harness>(h: &H) {
    let store = h.store();
    let (be, admin) = org_with_member(store, "Belgian Red Cross", "BE", "admin@be.example").await;
    let (fr, _) = org_with_member(store, "Croix-Rouge française", "FR", "admin@fr.example").await;
    let scope = OrgScope::new(be.id);
    let when = Timestamp::from_millis(1_700_000_000_000);
    // None set: empty.
    assert!(store.public_contact(be.id).await.unwrap().is_empty());
    let full = PublicContact::parse(
        "+32 2 555 01 23",
        "tracing@redcross-be.example",
        "Rue Haute 1, Brussels\nMon–Fri 9:00–17:00",
    )
    .unwrap();
    store
        .set_public_contact(&acting_at(&admin, when), &scope, &full)
        .await
        .unwrap();
    assert_eq!(store.public_contact(be.id).await.unwrap(), full);
    // Another organisation's contact is its own.
    assert!(store.public_contact(fr.id).await.unwrap().is_empty());
    // Replaced whole: a field left blank is gone.
    let phone_only = PublicContact::parse("+32 2 555 99 99", "", "").unwrap();
    store
        .set_public_contact(&acting_at(&admin, when), &scope, &phone_only)
        .await
        .unwrap();
    assert_eq!(store.public_contact(be.id).await.unwrap(), phone_only);
    // Cleared.
    store
        .set_public_contact(&acting_at(&admin, when), &scope, &PublicContact::default())
        .await
        .unwrap();
    assert!(store.public_contact(be.id).await.unwrap().is_empty());
    // Each change is in the organisation's audit log, with no contact in it.
    let entries = store.audit_entries(&scope, 100, None).await.unwrap();
    let set: Vec<_> = entries
        .iter()
        .filter(|e| e.record.action == AuditAction::OrgContactSet.as_str())
        .collect();
    assert_eq!(set.len(), 3);
    for entry in set {
        assert_eq!(entry.record.object_id, be.id.to_string());
        let purpose = entry.record.purpose.clone().unwrap_or_default();
        assert!(!purpose.contains("555"), "{purpose}");
    }
}
