//! The conformance behaviours of the work queue (issue 15), run on every
//! backend through `conformance_tests!`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed expectation is a failed test"
)]

use crate::conformance::{Harness, acting_at, at, org_with_member, world};
use crate::{OrgScope, TracingStore, WorkBucket, WorkQueueStore, WorkWindow};
use retrace_domain::{
    CandidateStatus, MessageDirection, MessageStatus, Text, Timestamp, UserId, WorkKind,
};

const DAY: i64 = 24 * 60 * 60 * 1000;

async fn bucket<S: WorkQueueStore>(
    store: &S,
    scope: &OrgScope,
    kind: WorkKind,
    now: Timestamp,
    read_at: Option<Timestamp>,
) -> WorkBucket {
    let mut buckets = store
        .work_queue(
            scope,
            &[kind],
            WorkWindow {
                now,
                user: UserId::random(),
            },
            read_at,
            10,
        )
        .await
        .unwrap();
    assert_eq!(buckets.len(), 1);
    buckets.remove(0)
}

pub async fn the_work_queue_shows_each_side_its_own_work<H: Harness>(h: &H) {
    let store = h.store();
    let w = world(store).await;
    let (c, _) = org_with_member(store, "Org C", "IT", "u@c.org").await;
    let (scope_a, scope_b, scope_c) = (
        OrgScope::new(w.a.id),
        OrgScope::new(w.b.id),
        OrgScope::new(c.id),
    );
    let now = at(1_000);
    let to_review = |scope| bucket(store, scope, WorkKind::CandidateToReview, now, None);

    // Both sides have the candidate to review; the bystander nothing. A
    // sees its own request's reference, B (a registration) none.
    let a = to_review(&scope_a).await;
    assert_eq!((a.count, a.unread, a.items.len()), (1, 1, 1));
    assert_eq!(a.items[0].object_id, w.candidate.to_string());
    assert!(a.items[0].reference.is_some());
    let b = to_review(&scope_b).await;
    assert_eq!(b.count, 1);
    assert_eq!(b.items[0].reference, None);
    assert_eq!(to_review(&scope_c).await.count, 0);

    // Read after it arrived: counted, no longer unread.
    let read = bucket(
        store,
        &scope_a,
        WorkKind::CandidateToReview,
        now,
        Some(at(500)),
    )
    .await;
    assert_eq!((read.count, read.unread), (1, 0));

    // A's review empties A's queue only.
    store
        .review_candidate(
            &acting_at(&w.user_a, at(10)),
            &scope_a,
            w.candidate,
            CandidateStatus::Confirmed,
            None,
        )
        .await
        .unwrap();
    assert_eq!(to_review(&scope_a).await.count, 0);
    assert_eq!(to_review(&scope_b).await.count, 1);

    // A drafted message waits for its writer, a sent one for the other side.
    let relay = |scope| bucket(store, scope, WorkKind::MessageToRelay, now, None);
    let message = store
        .create_message(
            &acting_at(&w.user_a, at(20)),
            &scope_a,
            w.candidate,
            MessageDirection::ToSoughtPerson,
            &Text::parse("message", "We are safe.", 2000, true).unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(
        (relay(&scope_a).await.count, relay(&scope_b).await.count),
        (1, 0)
    );
    store
        .advance_message(
            &acting_at(&w.user_a, at(21)),
            &scope_a,
            message.id,
            MessageStatus::Sent,
        )
        .await
        .unwrap();
    assert_eq!(
        (relay(&scope_a).await.count, relay(&scope_b).await.count),
        (0, 1)
    );
    assert_eq!(relay(&scope_c).await.count, 0);

    // A request unchanged for thirty days is quiet from then on.
    let quiet = |now| bucket(store, &scope_a, WorkKind::QuietRequest, now, None);
    assert_eq!(quiet(at(DAY)).await.count, 0);
    let later = quiet(at(31 * DAY)).await;
    assert_eq!(later.count, 1);
    assert!(later.items[0].since > at(29 * DAY) && later.items[0].since < at(31 * DAY));
    assert_eq!(
        bucket(store, &scope_b, WorkKind::QuietRequest, at(31 * DAY), None)
            .await
            .count,
        0
    );
}

pub async fn notifications_are_marked_read_forward_only<H: Harness>(h: &H) {
    let store = h.store();
    let (_, user) = org_with_member(store, "Org A", "BE", "u@a.org").await;
    assert_eq!(store.notifications_read_at(user.id).await.unwrap(), None);
    store
        .mark_notifications_read(user.id, at(50))
        .await
        .unwrap();
    store
        .mark_notifications_read(user.id, at(10))
        .await
        .unwrap();
    assert_eq!(
        store.notifications_read_at(user.id).await.unwrap(),
        Some(at(50))
    );
}
