//! The conformance behaviours of the e-mail digest (issues 14 and 15), run
//! on every backend through `conformance_tests!`: off by default, the
//! choice audited without the address, and each due digest claimed by
//! exactly one of several concurrent servers.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed expectation is a failed test"
)]

use crate::conformance::{Harness, acting_at, member, org_with_member};
use crate::{DigestOutcome, DigestStore, OrgScope, Store};
use retrace_domain::{AuditAction, DigestFrequency, DigestLanguage, Timestamp};
use std::collections::BTreeSet;

const DAY: i64 = 24 * 60 * 60 * 1000;

fn at(millis: i64) -> Timestamp {
    Timestamp::from_millis(1_700_000_000_000 + millis)
}

pub async fn digest_preference_is_off_by_default_and_audited_without_the_address<H: Harness>(
    h: &H,
) {
    let store = h.store();
    let (be, user) = org_with_member(store, "Belgian Red Cross", "BE", "digest@be.example").await;
    assert_eq!(store.digest_preference(user.id).await.unwrap(), None);

    let choice = Some((DigestFrequency::Weekly, DigestLanguage::Fr));
    store
        .set_digest_preference(&acting_at(&user, at(0)), user.id, choice)
        .await
        .unwrap();
    let chosen = store.digest_preference(user.id).await.unwrap().unwrap();
    assert_eq!(chosen.frequency, DigestFrequency::Weekly);
    assert_eq!(chosen.language, DigestLanguage::Fr);
    assert_eq!(chosen.next_due, at(7 * DAY), "first due a period later");
    assert_eq!(chosen.covered_to, at(0), "lists what is new from now");
    assert_eq!((chosen.last_sent_at, chosen.failures), (None, 0));

    // Changing the frequency keeps what was covered.
    store
        .set_digest_preference(
            &acting_at(&user, at(DAY)),
            user.id,
            Some((DigestFrequency::Daily, DigestLanguage::Ar)),
        )
        .await
        .unwrap();
    let changed = store.digest_preference(user.id).await.unwrap().unwrap();
    assert_eq!(changed.frequency, DigestFrequency::Daily);
    assert_eq!(changed.language, DigestLanguage::Ar);
    assert_eq!(changed.next_due, at(2 * DAY));
    assert_eq!(changed.covered_to, at(0));

    store
        .set_digest_preference(&acting_at(&user, at(2 * DAY)), user.id, None)
        .await
        .unwrap();
    assert_eq!(store.digest_preference(user.id).await.unwrap(), None);

    let entries = store
        .audit_entries(&OrgScope::new(be.id), 100, None)
        .await
        .unwrap();
    let set: Vec<_> = entries
        .iter()
        .filter(|e| e.record.action == AuditAction::DigestPreferenceSet.as_str())
        .collect();
    assert_eq!(set.len(), 3);
    for entry in set {
        assert_eq!(entry.record.object_id, user.id.to_string());
        let purpose = entry.record.purpose.clone().unwrap_or_default();
        assert!(!purpose.contains("digest@be.example"), "{purpose}");
    }
}

pub async fn due_digests_are_claimed_once_among_concurrent_servers<H: Harness>(h: &H) {
    let store = h.store();
    let (be, first) = org_with_member(store, "Belgian Red Cross", "BE", "d0@be.example").await;
    let mut users = vec![first];
    for i in 1..24 {
        users.push(member(store, &format!("d{i}@be.example"), be.id).await);
    }
    for user in &users {
        store
            .set_digest_preference(
                &acting_at(user, at(0)),
                user.id,
                Some((DigestFrequency::Daily, DigestLanguage::En)),
            )
            .await
            .unwrap();
    }
    // Nothing is due before its time.
    let early = store
        .claim_due_digests(at(DAY - 1), at(DAY + 1000), "early", 100)
        .await
        .unwrap();
    assert!(early.is_empty());

    // Six servers claim at the same moment, a few at a time, over and
    // over: each digest goes to exactly one of them.
    let now = at(DAY);
    let lease = at(DAY + 15 * 60 * 1000);
    let mut claimers = Vec::new();
    for server in 0..6 {
        let store = store.clone();
        claimers.push(tokio::spawn(async move {
            let mut mine = Vec::new();
            for _ in 0..10 {
                mine.extend(
                    store
                        .claim_due_digests(now, lease, &format!("server-{server}"), 4)
                        .await
                        .unwrap(),
                );
                tokio::task::yield_now().await;
            }
            mine
        }));
    }
    let mut claimed = Vec::new();
    for claimer in claimers {
        claimed.extend(claimer.await.unwrap());
    }
    let distinct: BTreeSet<_> = claimed.iter().map(|c| c.user).collect();
    assert_eq!(
        claimed.len(),
        users.len(),
        "each digest claimed exactly once"
    );
    assert_eq!(distinct.len(), users.len());
    assert!(claimed.iter().all(|c| c.covered_to == at(0)));

    // While the lease holds, nobody claims them again.
    let again = store
        .claim_due_digests(at(DAY + 1000), at(DAY + 2000), "late", 100)
        .await
        .unwrap();
    assert!(again.is_empty());

    // Only the holder of a claim records the outcome.
    let sent = &claimed[0];
    assert!(
        !store
            .finish_digest(
                sent.user,
                "someone-else",
                at(DAY + 10),
                DigestOutcome::Sent {
                    covered_to: at(DAY)
                },
                at(2 * DAY),
            )
            .await
            .unwrap()
    );
    assert!(
        store
            .finish_digest(
                sent.user,
                &sent.claim,
                at(DAY + 10),
                DigestOutcome::Sent {
                    covered_to: at(DAY)
                },
                at(2 * DAY),
            )
            .await
            .unwrap()
    );
    let after = store.digest_preference(sent.user).await.unwrap().unwrap();
    assert_eq!(after.last_sent_at, Some(at(DAY + 10)));
    assert_eq!((after.covered_to, after.next_due), (at(DAY), at(2 * DAY)));
    // A claim is recorded once.
    assert!(
        !store
            .finish_digest(
                sent.user,
                &sent.claim,
                at(DAY + 20),
                DigestOutcome::Failed,
                at(DAY + 30),
            )
            .await
            .unwrap()
    );

    // A failure keeps what was covered, counts, and comes back when due.
    let failed = &claimed[1];
    let retry = at(DAY + 5 * 60 * 1000);
    assert!(
        store
            .finish_digest(
                failed.user,
                &failed.claim,
                at(DAY + 10),
                DigestOutcome::Failed,
                retry,
            )
            .await
            .unwrap()
    );
    let after = store.digest_preference(failed.user).await.unwrap().unwrap();
    assert_eq!((after.failures, after.covered_to), (1, at(0)));
    assert_eq!(after.last_failed_at, Some(at(DAY + 10)));
    let retried = store
        .claim_due_digests(retry, at(DAY + 3_600_000), "retry", 100)
        .await
        .unwrap();
    assert_eq!(retried.len(), 1);
    assert_eq!((retried[0].user, retried[0].failures), (failed.user, 1));

    // A preference changed while its digest is being sent drops the claim.
    let changed = &claimed[2];
    let owner = users.iter().find(|u| u.id == changed.user).unwrap();
    store
        .set_digest_preference(
            &acting_at(owner, at(DAY + 5)),
            owner.id,
            Some((DigestFrequency::Weekly, DigestLanguage::Es)),
        )
        .await
        .unwrap();
    assert!(
        !store
            .finish_digest(
                changed.user,
                &changed.claim,
                at(DAY + 10),
                DigestOutcome::NothingToSend {
                    covered_to: at(DAY)
                },
                at(2 * DAY),
            )
            .await
            .unwrap()
    );

    // A server that died while sending: its digests are claimed again
    // once the lease has passed, by one server.
    let after_lease = store
        .claim_due_digests(lease, at(DAY + 3_600_000), "rescuer", 100)
        .await
        .unwrap();
    let rescued: BTreeSet<_> = after_lease.iter().map(|c| c.user).collect();
    let expected: BTreeSet<_> = claimed[3..].iter().map(|c| c.user).collect();
    assert_eq!(rescued, expected);
}
