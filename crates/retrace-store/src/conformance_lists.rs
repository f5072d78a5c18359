//! The conformance behaviours of the lists of persons (issue 15, item 7):
//! candidate counts on the reader's side, flags, orders, assignment and
//! the registration list, run on every backend through
//! `conformance_tests!`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed expectation is a failed test"
)]

use crate::conformance::{
    Harness, acting, actions, cand, member, org_with_member, person_named, registration,
    simple_request, system, world,
};
use crate::{
    CandidateCounts, FlagFilter, ListOrder, NewRequest, OrgScope, RegistrationFilter,
    RequestFilter, Store, StoreError, TracingStore,
};
use retrace_domain::{CandidateStatus, PersonFlags, PersonId, Relationship, RequestId};

fn requests() -> RequestFilter {
    RequestFilter {
        limit: 50,
        ..RequestFilter::default()
    }
}

fn registrations() -> RegistrationFilter {
    RegistrationFilter {
        limit: 50,
        ..RegistrationFilter::default()
    }
}

async fn request_ids<S: Store>(
    store: &S,
    scope: &OrgScope,
    filter: &RequestFilter,
) -> Vec<RequestId> {
    let (page, _) = store
        .list_requests(&system(900), scope, filter)
        .await
        .unwrap();
    page.iter().map(|r| r.id).collect()
}

async fn registration_ids<S: Store>(
    store: &S,
    scope: &OrgScope,
    filter: &RegistrationFilter,
) -> (Vec<PersonId>, u64) {
    let (page, total) = store
        .list_registrations(&system(900), scope, filter)
        .await
        .unwrap();
    (page.iter().map(|r| r.person.id).collect(), total)
}

pub async fn request_lists_count_candidates_show_flags_and_sort<H: Harness>(h: &H) {
    let store = h.store();
    let w = world(store).await;
    let scope_a = OrgScope::new(w.a.id);
    // A second request of A, opened later, with a sought minor at risk.
    let mut minor = person_named(&["Zaid Haddad"], &["SY"]);
    minor.flags = PersonFlags {
        minor: true,
        unaccompanied: true,
        at_risk: true,
    };
    let second = store
        .create_request(
            &acting(&w.user_a, 50),
            &scope_a,
            &NewRequest {
                enquirer: person_named(&["Amal Nasser"], &["SY"]),
                sought: vec![(Relationship::Son, minor)],
                circumstances: crate::conformance::circumstances("Homs"),
            },
        )
        .await
        .unwrap();
    let (page, total) = store
        .list_requests(&acting(&w.user_a, 60), &scope_a, &requests())
        .await
        .unwrap();
    assert_eq!(total, 2);
    assert_eq!(page[0].id, second.id, "newest first by default");
    assert!(page[0].minor && page[0].at_risk);
    assert_eq!(page[0].candidates, CandidateCounts::default());
    let first = &page[1];
    assert!(!first.minor && !first.at_risk);
    assert_eq!(
        first.candidates,
        CandidateCounts {
            total: 1,
            to_review: 1
        }
    );

    // Orders: every one is stable and ends on the id.
    let order = |order| RequestFilter {
        order,
        ..requests()
    };
    assert_eq!(
        request_ids(store, &scope_a, &order(ListOrder::Oldest)).await,
        [first.id, second.id]
    );
    assert_eq!(
        request_ids(store, &scope_a, &order(ListOrder::Alphabetical)).await,
        [first.id, second.id],
        "references are numbered in order of opening"
    );
    store
        .set_request_status(
            &acting(&w.user_a, 70),
            &scope_a,
            first.id,
            1,
            retrace_domain::RequestStatus::Searching,
            None,
        )
        .await
        .unwrap();
    assert_eq!(
        request_ids(store, &scope_a, &order(ListOrder::Updated)).await,
        [first.id, second.id]
    );

    // Filters by flag and by candidates to review.
    let flagged = |flag| RequestFilter {
        flag: Some(flag),
        ..requests()
    };
    assert_eq!(
        request_ids(store, &scope_a, &flagged(FlagFilter::AtRisk)).await,
        [second.id]
    );
    assert_eq!(
        request_ids(store, &scope_a, &flagged(FlagFilter::Minor)).await,
        [second.id]
    );
    let to_review = RequestFilter {
        to_review: true,
        ..requests()
    };
    assert_eq!(request_ids(store, &scope_a, &to_review).await, [first.id]);
    // A's review leaves the candidate counted, no longer to review.
    store
        .review_candidate(
            &acting(&w.user_a, 80),
            &scope_a,
            w.candidate,
            CandidateStatus::Rejected,
            Some(&crate::conformance::text("not the same person")),
        )
        .await
        .unwrap();
    assert!(request_ids(store, &scope_a, &to_review).await.is_empty());
    let (page, _) = store
        .list_requests(&system(90), &scope_a, &order(ListOrder::Oldest))
        .await
        .unwrap();
    assert_eq!(
        page[0].candidates,
        CandidateCounts {
            total: 1,
            to_review: 0
        }
    );

    // B's registration side counts the same candidate on its own side,
    // and B never sees A's requests.
    let scope_b = OrgScope::new(w.b.id);
    let (lines, _) = store
        .list_registrations(&acting(&w.user_b, 95), &scope_b, &registrations())
        .await
        .unwrap();
    assert_eq!(lines[0].person.id, w.found);
    assert_eq!(
        lines[0].candidates,
        CandidateCounts {
            total: 1,
            to_review: 1
        }
    );
    assert!(request_ids(store, &scope_b, &requests()).await.is_empty());
}

pub async fn requests_are_assigned_within_the_organisation_only<H: Harness>(h: &H) {
    let store = h.store();
    let (a, user) = org_with_member(store, "Org A", "BE", "u@a.org").await;
    let (b, outsider) = org_with_member(store, "Org B", "FR", "u@b.org").await;
    let colleague = member(store, "colleague@a.org", a.id).await;
    let scope = OrgScope::new(a.id);
    let request = store
        .create_request(&acting(&user, 10), &scope, &simple_request())
        .await
        .unwrap();
    let other = store
        .create_request(&acting(&user, 11), &scope, &simple_request())
        .await
        .unwrap();
    assert_eq!(request.assigned_to, None);

    store
        .assign_request(&acting(&user, 20), &scope, request.id, Some(colleague.id))
        .await
        .unwrap();
    let read = store
        .request(&acting(&user, 21), &scope, request.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(read.assigned_to, Some(colleague.id));
    assert!(
        actions(store, a.id)
            .await
            .contains(&"request_assigned".to_owned())
    );
    let mine = |id| RequestFilter {
        assigned_to: Some(id),
        ..requests()
    };
    assert_eq!(
        request_ids(store, &scope, &mine(colleague.id)).await,
        [request.id]
    );
    assert!(request_ids(store, &scope, &mine(user.id)).await.is_empty());
    let (page, _) = store
        .list_requests(&system(22), &scope, &requests())
        .await
        .unwrap();
    let line = page.iter().find(|r| r.id == request.id).unwrap();
    assert_eq!(line.assigned_to, Some(colleague.id));

    // Another organisation's member, or another organisation's request,
    // is "not found"; nothing changes.
    let refused = store
        .assign_request(&acting(&user, 30), &scope, other.id, Some(outsider.id))
        .await;
    assert!(matches!(refused, Err(StoreError::NotFound)));
    let refused = store
        .assign_request(
            &acting(&outsider, 31),
            &OrgScope::new(b.id),
            request.id,
            Some(outsider.id),
        )
        .await;
    assert!(matches!(refused, Err(StoreError::NotFound)));
    assert_eq!(
        request_ids(store, &scope, &mine(colleague.id)).await,
        [request.id]
    );

    // A disabled member is not assignable.
    store
        .set_disabled(&acting(&user, 40), &scope, colleague.id, true)
        .await
        .unwrap();
    let refused = store
        .assign_request(&acting(&user, 41), &scope, other.id, Some(colleague.id))
        .await;
    assert!(matches!(
        refused,
        Err(StoreError::Refused {
            field: "assignee",
            ..
        })
    ));

    // Taken back.
    store
        .assign_request(&acting(&user, 50), &scope, request.id, None)
        .await
        .unwrap();
    assert!(
        request_ids(store, &scope, &mine(colleague.id))
            .await
            .is_empty()
    );
}

pub async fn registration_lists_filter_sort_page_and_count<H: Harness>(h: &H) {
    let store = h.store();
    let (a, user) = org_with_member(store, "Org A", "BE", "u@a.org").await;
    let (b, other_user) = org_with_member(store, "Org B", "FR", "u@b.org").await;
    let scope = OrgScope::new(a.id);
    let mut ids = Vec::new();
    for (name, flags) in [
        ("Nour Khalil", PersonFlags::default()),
        (
            "Bashir Khalil",
            PersonFlags {
                minor: true,
                ..PersonFlags::default()
            },
        ),
        (
            "Carim Saleh",
            PersonFlags {
                at_risk: true,
                ..PersonFlags::default()
            },
        ),
    ] {
        ids.push(registration(store, &user, a.id, name, flags).await.id);
    }
    registration(
        store,
        &other_user,
        b.id,
        "Nour Khalil",
        PersonFlags::default(),
    )
    .await;
    // A request of A: its persons are not registrations.
    store
        .create_request(&acting(&user, 5), &scope, &simple_request())
        .await
        .unwrap();

    let (all, total) = registration_ids(store, &scope, &registrations()).await;
    assert_eq!(total, 3);
    assert_eq!(all.len(), 3);
    let text = RegistrationFilter {
        text: Some("KHALIL".to_owned()),
        ..registrations()
    };
    let (found, total) = registration_ids(store, &scope, &text).await;
    assert_eq!(total, 2, "case-insensitive, own organisation only");
    assert!(found.contains(&ids[0]) && found.contains(&ids[1]));
    let alphabetical = RegistrationFilter {
        order: ListOrder::Alphabetical,
        ..registrations()
    };
    assert_eq!(
        registration_ids(store, &scope, &alphabetical).await.0,
        [ids[1], ids[2], ids[0]]
    );
    let minors = RegistrationFilter {
        flag: Some(FlagFilter::Minor),
        ..registrations()
    };
    assert_eq!(registration_ids(store, &scope, &minors).await.0, [ids[1]]);
    let at_risk = RegistrationFilter {
        flag: Some(FlagFilter::AtRisk),
        ..registrations()
    };
    assert_eq!(registration_ids(store, &scope, &at_risk).await.0, [ids[2]]);
    let only = RegistrationFilter {
        only: Some(vec![ids[2], ids[0]]),
        ..alphabetical.clone()
    };
    assert_eq!(
        registration_ids(store, &scope, &only).await.0,
        [ids[2], ids[0]]
    );
    // Pages of one in alphabetical order: no line twice, none skipped.
    let mut paged = Vec::new();
    for offset in 0..4 {
        let page = RegistrationFilter {
            limit: 1,
            offset,
            ..alphabetical.clone()
        };
        let (ids, total) = registration_ids(store, &scope, &page).await;
        assert_eq!(total, 3);
        paged.extend(ids);
    }
    assert_eq!(paged, [ids[1], ids[2], ids[0]]);

    // Candidates to review: B's Nour is proposed for A's Nour.
    let (b_ids, _) = registration_ids(store, &OrgScope::new(b.id), &registrations()).await;
    store
        .record_candidates(&system(7), ids[0], &[cand(ids[0], b_ids[0], 800)])
        .await
        .unwrap();
    let to_review = RegistrationFilter {
        to_review: true,
        ..registrations()
    };
    assert_eq!(
        registration_ids(store, &scope, &to_review).await.0,
        [ids[0]]
    );

    // Listed is audited; an empty page is not.
    let before = actions(store, b.id).await.len();
    let nobody = RegistrationFilter {
        text: Some("nobody".to_owned()),
        ..registrations()
    };
    let (none, _) = store
        .list_registrations(&acting(&other_user, 9), &OrgScope::new(b.id), &nobody)
        .await
        .unwrap();
    assert!(none.is_empty());
    assert_eq!(actions(store, b.id).await.len(), before);
    store
        .list_registrations(
            &acting(&other_user, 10),
            &OrgScope::new(b.id),
            &registrations(),
        )
        .await
        .unwrap();
    assert_eq!(
        actions(store, b.id).await.last().map(String::as_str),
        Some("persons_listed")
    );
}
