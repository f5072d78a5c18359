//! The conformance behaviours of retention (issue 16, item 1), run on
//! every backend through `conformance_tests!`: a test clock moves past
//! each period and the test checks what went and what stayed.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed expectation is a failed test"
)]

use crate::conformance::{Harness, acting_at, org_with_member, simple_request, tracing_consent};
use crate::conformance_outreach::tests::{data, incoming, org_and_worker};
use crate::{
    AuditContext, FormStamp, GalleryStore, MediaTokens, NewGalleryEntry, NewReport,
    OpeningConsents, OrgScope, OutreachStore, RequestFilter, RetentionStore, Store, TracingStore,
    UserAccount,
};
use retrace_domain::{
    ClosureReason, ConsentPurpose, FollowUpId, FollowUpRequest, GalleryReference, NewConsent,
    OutreachSessionId, Relationship, RequestId, RequestStatus, RetentionKind, Text, Timestamp,
};

const T0: i64 = 1_700_000_000_000;
const DAY: i64 = 86_400_000;

fn day(n: i64) -> Timestamp {
    Timestamp::from_millis(T0 + n * DAY)
}

/// A request of the scope opened and closed on `closed_on`.
async fn closed_request<S: Store>(
    store: &S,
    scope: &OrgScope,
    user: &UserAccount,
    closed_on: i64,
) -> RequestId {
    let request = store
        .create_request(&acting_at(user, day(closed_on)), scope, &simple_request())
        .await
        .unwrap();
    store
        .set_request_status(
            &acting_at(user, day(closed_on)),
            scope,
            request.id,
            request.version,
            RequestStatus::Closed(ClosureReason::EnquirerUnreachable),
            None,
        )
        .await
        .unwrap();
    request.id
}

/// Every removable kind of the scope, counted as the dry run counts them,
/// with the closed requests past their period.
async fn due<S: Store>(
    store: &S,
    scope: &OrgScope,
    cutoffs: &[(RetentionKind, Timestamp)],
) -> Vec<u64> {
    let mut counts = Vec::new();
    for (kind, before) in cutoffs {
        let count = if *kind == RetentionKind::ClosedRequests {
            store.expired_requests(scope, *before).await.unwrap().len() as u64
        } else {
            store.count_expired(scope, *kind, *before).await.unwrap()
        };
        counts.push(count);
    }
    counts
}

/// What the retention job does, at `now`, with periods of `days` per kind.
async fn run<S: Store>(
    store: &S,
    scope: &OrgScope,
    now: Timestamp,
    days: &[(RetentionKind, i64)],
) -> (Vec<RequestId>, Vec<(RetentionKind, u64)>) {
    let cutoffs: Vec<(RetentionKind, Timestamp)> = days
        .iter()
        .map(|(kind, d)| (*kind, Timestamp::from_millis(now.as_millis() - d * DAY)))
        .collect();
    let audit = AuditContext::system(now, "retention");
    let mut erased = Vec::new();
    for expired in store.expired_requests(scope, cutoffs[0].1).await.unwrap() {
        let erasure = store
            .erase_person(&audit, scope, expired.enquirer)
            .await
            .unwrap();
        assert_eq!(erasure.request, Some(expired.request));
        erased.push(expired.request);
    }
    let counts = store
        .remove_expired(&audit, scope, &cutoffs[1..], erased.len() as u64)
        .await
        .unwrap();
    (erased, counts)
}

pub async fn retention_removes_what_is_past_its_period_and_keeps_the_rest<H: Harness>(h: &H) {
    let store = h.store();
    let (a, user_a) = org_and_worker(store, "Org A", "BE").await;
    let (b, user_b) = org_with_member(store, "Org B", "FR", "u@b.org").await;
    let (sa, sb) = (OrgScope::new(a.id), OrgScope::new(b.id));

    // A's periods: closed requests a year, the rest 30 days.
    let days = [
        (RetentionKind::ClosedRequests, 365),
        (RetentionKind::GalleryReports, 30),
        (RetentionKind::OutreachFollowUps, 30),
        (RetentionKind::Exports, 30),
    ];
    for (kind, d) in days {
        let period = kind.platform_limits().period(d as u32).unwrap();
        store
            .set_retention_period(&acting_at(&user_a, day(0)), &sa, kind, period)
            .await
            .unwrap();
    }
    // Setting again replaces the period.
    let exports = RetentionKind::Exports.platform_limits().period(30).unwrap();
    store
        .set_retention_period(
            &acting_at(&user_a, day(0)),
            &sa,
            RetentionKind::Exports,
            exports,
        )
        .await
        .unwrap();
    let chosen = store.chosen_retention_periods().await.unwrap();
    assert_eq!(chosen.len(), 4);
    assert!(chosen.iter().all(|c| c.org == a.id));

    // Closed requests: one on day 1, one on day 300; an open one; B's,
    // closed on day 1, follows the default (five years).
    let old = closed_request(store, &sa, &user_a, 1).await;
    let recent = closed_request(store, &sa, &user_a, 300).await;
    let open = store
        .open_request(
            &acting_at(&user_a, day(0)),
            &sa,
            &simple_request(),
            &OpeningConsents {
                enquirer: Some(NewConsent {
                    purpose: ConsentPurpose::Publication,
                    ..tracing_consent()
                }),
                each_sought: None,
            },
        )
        .await
        .unwrap();
    let b_old = closed_request(store, &sb, &user_b, 1).await;

    // Gallery reports on day 2 and day 100, about the open request's entry.
    let reference = GalleryReference::from_random_bytes(&[7, 1, 2, 3, 4, 5, 6, 7]).unwrap();
    store
        .create_gallery_entry(
            &acting_at(&user_a, day(0)),
            &sa,
            &NewGalleryEntry {
                request: open.id,
                reference: reference.clone(),
                relationships: vec![Relationship::Brother],
                region: None,
                media: MediaTokens {
                    photo: "p".repeat(32),
                    thumbnail: "t".repeat(32),
                },
            },
        )
        .await
        .unwrap();
    for (n, on) in [(1, 2), (2, 100)] {
        store
            .create_report(
                &AuditContext::system(day(on), "test"),
                &reference,
                &NewReport {
                    message: Text::parse("t", "seen at the station", 200, false).unwrap(),
                    contact: None,
                    language: "en".to_owned(),
                },
                &FormStamp {
                    nonce: format!("retention-{n}"),
                    expires_at: Timestamp::from_millis(i64::MAX / 2),
                },
            )
            .await
            .unwrap();
    }

    // Outreach follow-ups from sessions on day 0 and day 100.
    for on in [0, 100] {
        let mut session = data("North", "ER", 2, on);
        session.follow_ups.push(FollowUpRequest {
            id: FollowUpId::random(),
            pseudonym: Text::parse("t", "K. blue jacket", 200, false).unwrap(),
            consent_to_link: true,
        });
        store
            .sync_outreach_session(
                &acting_at(&user_a, day(on)),
                &sa,
                &incoming(OutreachSessionId::random(), 0, session),
            )
            .await
            .unwrap();
    }

    // Exports on day 3 and day 100.
    for on in [3, 100] {
        store
            .export_requests(
                &acting_at(&user_a, day(on)),
                &sa,
                &RequestFilter::default(),
                10,
                "for the board",
            )
            .await
            .unwrap();
    }

    let cutoffs_at = |now: i64| -> Vec<(RetentionKind, Timestamp)> {
        days.iter().map(|(kind, d)| (*kind, day(now - d))).collect()
    };

    // Day 120: the reports, follow-up and export of the first days go;
    // no request has been closed for a year.
    assert_eq!(due(store, &sa, &cutoffs_at(120)).await, [0, 1, 1, 1]);
    let (erased, counts) = run(store, &sa, day(120), &days).await;
    assert!(erased.is_empty());
    assert_eq!(
        counts,
        [
            (RetentionKind::GalleryReports, 1),
            (RetentionKind::OutreachFollowUps, 1),
            (RetentionKind::Exports, 1)
        ]
    );
    assert_eq!(due(store, &sa, &cutoffs_at(120)).await, [0, 0, 0, 0]);
    assert_eq!(store.reports(&sa, None, 10).await.unwrap().len(), 1);
    assert_eq!(
        store
            .follow_ups(&acting_at(&user_a, day(120)), &sa, 10)
            .await
            .unwrap()
            .len(),
        1
    );

    // Day 400: the request closed on day 1 goes whole, with everything
    // past 30 days; the one closed on day 300 and the open one stay.
    assert_eq!(due(store, &sa, &cutoffs_at(400)).await, [1, 1, 1, 1]);
    let (erased, counts) = run(store, &sa, day(400), &days).await;
    assert_eq!(erased, [old]);
    assert_eq!(
        counts,
        [
            (RetentionKind::GalleryReports, 1),
            (RetentionKind::OutreachFollowUps, 1),
            (RetentionKind::Exports, 1)
        ]
    );
    let reader = acting_at(&user_a, day(400));
    assert!(store.request(&reader, &sa, old).await.unwrap().is_none());
    assert!(store.request(&reader, &sa, recent).await.unwrap().is_some());
    assert!(
        store
            .request(&reader, &sa, open.id)
            .await
            .unwrap()
            .is_some()
    );
    assert!(store.reports(&sa, None, 10).await.unwrap().is_empty());
    assert!(store.follow_ups(&reader, &sa, 10).await.unwrap().is_empty());

    // B chose nothing: with the default (five years) its request stays;
    // A's run never touched it.
    let b_default = RetentionKind::ClosedRequests
        .platform_limits()
        .effective(None)
        .days() as i64;
    assert!(
        store
            .expired_requests(&sb, day(400 - b_default))
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .request(&acting_at(&user_b, day(400)), &sb, b_old)
            .await
            .unwrap()
            .is_some()
    );

    // The runs are audited by counts, against the organisation.
    // (The first run's entry reads `retention closed_requests=0
    // gallery_reports=1 outreach_follow_ups=1 exports=1`.)
    let entries = store.audit_entries(&sa, 1000, None).await.unwrap();
    let applied: Vec<_> = entries
        .iter()
        .filter(|e| e.record.action == "retention_applied")
        .collect();
    assert_eq!(applied.len(), 2);
    for entry in &applied {
        assert_eq!(entry.record.object_id, a.id.to_string());
    }
    assert!(applied.iter().any(|e| e.record.purpose.as_deref()
        == Some("retention closed_requests=1 gallery_reports=1 outreach_follow_ups=1 exports=1")));
    assert!(matches!(
        store.verify_audit_chain().await.unwrap(),
        crate::AuditVerification::Intact { .. }
    ));
}
