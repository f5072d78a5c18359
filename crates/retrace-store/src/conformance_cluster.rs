//! The conformance behaviours of what several server processes share
//! through the database (issue 19): the change outbox and the rate limits,
//! run on every backend through `conformance_tests!`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed expectation is a failed test"
)]

use crate::conformance::{
    Harness, acting, at, org_with_member, person_named, simple_request, tracing_consent,
};
use crate::{
    ChangeKind, OpeningConsents, OrgScope, OutboxStore, PrivacyStore, RateLimitStore, TracingStore,
};
use retrace_domain::{ConsentPurpose, Relationship};

/// Opening a request writes one outbox row per person in its transaction,
/// at increasing positions; a failed opening writes none; the bounds and
/// "changes since" agree.
pub async fn the_outbox_records_person_changes_in_their_transaction<H: Harness>(h: &H) {
    let store = h.store();
    let (a, user) = org_with_member(store, "Org", "CH", "u@example.org").await;
    let scope = OrgScope::new(a.id);
    let start = store.outbox_bounds().await.unwrap().newest;

    let opened = store
        .open_request(
            &acting(&user, 2),
            &scope,
            &simple_request(),
            &OpeningConsents::default(),
        )
        .await
        .unwrap();
    let changes = store.changes_since(start, 100).await.unwrap();
    let mut persons: Vec<String> = changes
        .iter()
        .filter(|c| c.kind == ChangeKind::Person)
        .map(|c| c.object_id.clone())
        .collect();
    persons.sort();
    persons.dedup();
    let mut expected = vec![opened.enquirer.id.to_string()];
    expected.extend(opened.sought.iter().map(|p| p.id.to_string()));
    expected.sort();
    assert_eq!(persons, expected, "every person of the request, no other");
    assert!(
        changes.windows(2).all(|w| w[0].seq < w[1].seq),
        "positions increase"
    );
    let newest = store.outbox_bounds().await.unwrap().newest;
    assert_eq!(changes.last().map(|c| c.seq), Some(newest));
    assert!(store.changes_since(newest, 100).await.unwrap().is_empty());
    // Paged reading gives the same rows.
    let first = store.changes_since(start, 1).await.unwrap();
    assert_eq!(first.len(), 1);
    assert_eq!(first[0], changes[0]);

    // A failed opening leaves no outbox row behind.
    let mut new = simple_request();
    new.sought.push((
        Relationship::Sister,
        person_named(&["Lina Haddad"], &["SY"]),
    ));
    h.fail_audit_appends_of("consent_recorded").await.unwrap();
    let failed = store
        .open_request(
            &acting(&user, 5),
            &scope,
            &new,
            &OpeningConsents {
                enquirer: Some(tracing_consent()),
                each_sought: Some(tracing_consent()),
            },
        )
        .await;
    assert!(failed.is_err(), "the injected failure must surface");
    assert!(store.changes_since(newest, 100).await.unwrap().is_empty());
    assert_eq!(store.outbox_bounds().await.unwrap().newest, newest);
}

/// Every change that decides whether or how a person may be matched leaves
/// an outbox row for that person: a tracing consent withdrawn, the person
/// put at risk, the person erased. A matching index restored from a
/// snapshot replays these rows (issue 17): without one, a person erased or
/// withdrawn after the snapshot would come back from it.
pub async fn changes_that_decide_matching_leave_an_outbox_row<H: Harness>(h: &H) {
    let store = h.store();
    let (a, user) = org_with_member(store, "Org", "CH", "u@example.org").await;
    let scope = OrgScope::new(a.id);
    let opened = store
        .open_request(
            &acting(&user, 2),
            &scope,
            &simple_request(),
            &OpeningConsents {
                enquirer: Some(tracing_consent()),
                each_sought: Some(tracing_consent()),
            },
        )
        .await
        .unwrap();
    let changed_since = |since: u64| async move {
        store
            .changes_since(since, 1000)
            .await
            .unwrap()
            .into_iter()
            .filter(|c| c.kind == ChangeKind::Person)
            .map(|c| c.object_id)
            .collect::<Vec<_>>()
    };

    let enquirer = opened.enquirer.id;
    let consent = store
        .consents(&scope, enquirer)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.purpose == ConsentPurpose::Tracing)
        .unwrap();
    let before = store.outbox_bounds().await.unwrap().newest;
    store
        .withdraw_consent(&acting(&user, 3), &scope, consent.id)
        .await
        .unwrap();
    assert!(
        changed_since(before).await.contains(&enquirer.to_string()),
        "a withdrawn tracing consent"
    );

    let sought = opened.sought[0].id;
    let stored = store
        .person(&acting(&user, 4), &scope, sought)
        .await
        .unwrap()
        .unwrap();
    let mut details = stored.details.clone();
    details.flags.at_risk = true;
    let before = store.outbox_bounds().await.unwrap().newest;
    store
        .update_person(&acting(&user, 5), &scope, sought, stored.version, &details)
        .await
        .unwrap();
    assert!(
        changed_since(before).await.contains(&sought.to_string()),
        "a person put at risk"
    );

    let before = store.outbox_bounds().await.unwrap().newest;
    store
        .erase_person(&acting(&user, 6), &scope, sought)
        .await
        .unwrap();
    assert!(
        changed_since(before).await.contains(&sought.to_string()),
        "an erased person"
    );
}

/// Pruning deletes old rows but keeps the newest, so that the position
/// stays known; a reader behind the pruned rows is told to read
/// everything again.
pub async fn the_database_has_one_random_identity<H: Harness>(h: &H) {
    let store = h.store();
    let identity = store.database_identity().await.unwrap();
    assert_eq!(identity.len(), 32, "{identity}");
    assert!(
        identity.bytes().all(|b| b.is_ascii_hexdigit()),
        "{identity}"
    );
    assert_eq!(store.database_identity().await.unwrap(), identity);
}

/// The engine that computed every candidate list is unknown at first, then
/// the last one recorded.
pub async fn the_matching_engine_is_recorded<H: Harness>(h: &H) {
    let store = h.store();
    assert_eq!(store.matching_engine().await.unwrap(), "");
    store.record_matching_engine("a1").await.unwrap();
    assert_eq!(store.matching_engine().await.unwrap(), "a1");
    store.record_matching_engine("b2").await.unwrap();
    assert_eq!(store.matching_engine().await.unwrap(), "b2");
}

pub async fn pruning_the_outbox_keeps_the_newest_position<H: Harness>(h: &H) {
    let store = h.store();
    let (a, user) = org_with_member(store, "Org", "CH", "u@example.org").await;
    let scope = OrgScope::new(a.id);
    for n in 0..2 {
        store
            .open_request(
                &acting(&user, 2 + n),
                &scope,
                &simple_request(),
                &OpeningConsents::default(),
            )
            .await
            .unwrap();
    }
    let before = store.outbox_bounds().await.unwrap();
    assert!(before.oldest.is_some() && before.newest >= 4);
    assert!(before.can_replay_from(0));
    // Rows are stamped with the database's clock: far in the future
    // prunes every one of them but the newest.
    let far = at(i64::MAX / 2);
    let removed = store.prune_outbox(far).await.unwrap();
    assert!(removed >= 3, "removed {removed}");
    let after = store.outbox_bounds().await.unwrap();
    assert_eq!(after.newest, before.newest);
    assert_eq!(after.oldest, Some(before.newest));
    assert!(!after.can_replay_from(0), "the pruned rows are gone");
    assert!(after.can_replay_from(after.newest - 1));
    assert!(after.can_replay_from(after.newest));
    assert!(store.prune_outbox(at(0)).await.unwrap() == 0);
}

/// Hits are counted per client and window, read without counting, and
/// ended windows are pruned.
pub async fn rate_limits_count_per_client_and_window<H: Harness>(h: &H) {
    let store = h.store();
    let (w1, w1_end, w2, w2_end) = (at(60_000), at(120_000), at(120_000), at(180_000));
    for expected in 1..=3 {
        assert_eq!(store.count_hit("k1", w1, w1_end).await.unwrap(), expected);
    }
    assert_eq!(store.count_hit("k2", w1, w1_end).await.unwrap(), 1);
    assert_eq!(store.hits("k1", w1).await.unwrap(), 3);
    assert_eq!(store.hits("k3", w1).await.unwrap(), 0);
    assert_eq!(store.count_hit("k1", w2, w2_end).await.unwrap(), 1);
    assert_eq!(store.prune_rate_limits(at(130_000)).await.unwrap(), 2);
    assert_eq!(store.hits("k1", w1).await.unwrap(), 0);
    assert_eq!(store.hits("k1", w2).await.unwrap(), 1);
}
