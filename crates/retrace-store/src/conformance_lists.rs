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
    simple_request, system, tracing_consent, world,
};
use crate::{
    CandidateCounts, EntryFilter, FlagFilter, FormStamp, GalleryStore, ListOrder, ListStore,
    MediaTokens, NewGalleryEntry, NewReport, NewRequest, OpeningConsents, OrgScope,
    RegistrationFilter, ReportFilter, ReportState, RequestFilter, SoughtFilter, Store, StoreError,
    TracingStore, UserAccount,
};
use retrace_domain::{
    CandidateStatus, ConsentBasis, ConsentGiver, ConsentMethod, ConsentPurpose, EntryStatus,
    GalleryReference, NewConsent, PersonDetails, PersonFlags, PersonId, Relationship, ReportId,
    ReportStatus, RequestId, Text, Timestamp,
};

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

/// Opens a request with the enquirer's publication consent (given by a
/// guardian for a minor) and asks for its gallery entry.
async fn published<S: Store>(
    store: &S,
    scope: &OrgScope,
    author: &UserAccount,
    new: &NewRequest,
    seed: u8,
) -> (RequestId, GalleryReference) {
    let given_by = if new.enquirer.flags.minor {
        ConsentGiver::Guardian
    } else {
        ConsentGiver::Person
    };
    let consents = OpeningConsents {
        enquirer: Some(NewConsent {
            purpose: ConsentPurpose::Publication,
            basis: ConsentBasis::Consent {
                given_by,
                method: ConsentMethod::Written,
            },
            ..tracing_consent()
        }),
        each_sought: None,
    };
    let millis = 100 + i64::from(seed) * 10;
    let request = store
        .open_request(&acting(author, millis), scope, new, &consents)
        .await
        .unwrap();
    let reference = GalleryReference::from_random_bytes(&[seed, 1, 2, 3, 4, 5, 6, 7]).unwrap();
    let entry = NewGalleryEntry {
        request: request.id,
        reference: reference.clone(),
        relationships: new.sought.iter().map(|(r, _)| *r).collect(),
        region: None,
        media: MediaTokens {
            photo: format!("{seed:02}").repeat(16),
            thumbnail: format!("t{seed:01}").repeat(16),
        },
    };
    store
        .create_gallery_entry(&acting(author, millis + 1), scope, &entry)
        .await
        .unwrap();
    (request.id, reference)
}

async fn report<S: Store>(store: &S, reference: &GalleryReference, nonce: &str) -> ReportId {
    let report = NewReport {
        message: Text::parse("message", "I saw her at the station", 4000, true).unwrap(),
        contact: None,
        language: "en".to_owned(),
    };
    let stamp = FormStamp {
        nonce: nonce.to_owned(),
        expires_at: Timestamp::from_millis(10_000_000),
    };
    store
        .create_report(&system(400), reference, &report, &stamp)
        .await
        .unwrap()
}

fn family(enquirer: &str, relationship: Relationship, sought: PersonDetails) -> NewRequest {
    NewRequest {
        enquirer: person_named(&[enquirer], &["SY"]),
        sought: vec![(relationship, sought)],
        circumstances: crate::conformance::circumstances("Idlib"),
    }
}

pub async fn sought_gallery_and_report_lists_filter_sort_page_and_count<H: Harness>(h: &H) {
    let store = h.store();
    let w = world(store).await;
    let scope_a = OrgScope::new(w.a.id);
    let scope_b = OrgScope::new(w.b.id);
    // A: the world's request (Karim Haddad, a candidate to review), a
    // published entry whose sought son is a minor with a candidate, and an
    // entry of a minor enquirer waiting for a second approval.
    let mut omar = person_named(&["Omar Mansour", "عمر منصور"], &["SY"]);
    omar.flags.minor = true;
    let (mansour, mansour_ref) = published(
        store,
        &scope_a,
        &w.user_a,
        &family("Layla Mansour", Relationship::Son, omar),
        1,
    )
    .await;
    let mut nour = family(
        "Nour Saleh",
        Relationship::Mother,
        person_named(&["Huda Saleh"], &["SY"]),
    );
    nour.enquirer.flags.minor = true;
    let (saleh, _) = published(store, &scope_a, &w.user_a, &nour, 2).await;
    let omar_id = store
        .request(&system(500), &scope_a, mansour)
        .await
        .unwrap()
        .unwrap()
        .sought[0]
        .id;
    store
        .record_candidates(&system(501), omar_id, &[cand(omar_id, w.found, 650)])
        .await
        .unwrap();
    // B: its own published entry and a report on it, never listed for A.
    let (_, b_ref) = published(
        store,
        &scope_b,
        &w.user_b,
        &family(
            "Samir Khoury",
            Relationship::Brother,
            person_named(&["Elias Khoury"], &["LB"]),
        ),
        3,
    )
    .await;
    report(store, &b_ref, "b1").await;

    // Sought persons.
    let sought = |f: SoughtFilter| SoughtFilter { limit: 50, ..f };
    let reader = |scope: OrgScope| {
        if scope == scope_a {
            &w.user_a
        } else {
            &w.user_b
        }
    };
    let list = |scope: OrgScope, f: SoughtFilter| {
        let user = reader(scope);
        async move {
            let (page, total) = store
                .list_sought(&acting(user, 600), &scope, &sought(f))
                .await
                .unwrap();
            let names: Vec<String> = page
                .iter()
                .map(|l| l.person.details.primary_name().to_owned())
                .collect();
            (names, total, page)
        }
    };
    let (names, total, page) = list(scope_a, SoughtFilter::default()).await;
    assert_eq!(total, 3);
    assert_eq!(
        names,
        ["Huda Saleh", "Omar Mansour", "Karim Haddad"],
        "newest first"
    );
    assert_eq!(page[1].request, mansour);
    assert!(page[1].person.details.flags.minor);
    assert_eq!(
        page[1].candidates,
        CandidateCounts {
            total: 1,
            to_review: 1
        }
    );
    assert_eq!(page[0].candidates, CandidateCounts::default());
    assert_eq!(
        actions(store, w.a.id).await.last().map(String::as_str),
        Some("persons_listed")
    );
    let alphabetical = SoughtFilter {
        order: ListOrder::Alphabetical,
        ..SoughtFilter::default()
    };
    assert_eq!(
        list(scope_a, alphabetical.clone()).await.0,
        ["Huda Saleh", "Karim Haddad", "Omar Mansour"]
    );
    let second_page = list(
        scope_a,
        SoughtFilter {
            limit: 2,
            offset: 2,
            ..alphabetical
        },
    )
    .await;
    assert_eq!(
        (second_page.0, second_page.1),
        (vec!["Omar Mansour".to_owned()], 3)
    );
    let by_text = |text: &str| SoughtFilter {
        text: Some(text.to_owned()),
        ..SoughtFilter::default()
    };
    assert_eq!(list(scope_a, by_text("منصور")).await.0, ["Omar Mansour"]);
    let reference = page[1].reference.to_string().to_lowercase();
    assert_eq!(list(scope_a, by_text(&reference)).await.0, ["Omar Mansour"]);
    let minors = SoughtFilter {
        flag: Some(FlagFilter::Minor),
        ..SoughtFilter::default()
    };
    assert_eq!(list(scope_a, minors).await.0, ["Omar Mansour"]);
    let matched = SoughtFilter {
        with_candidates: true,
        ..SoughtFilter::default()
    };
    assert_eq!(
        list(scope_a, matched).await.0,
        ["Omar Mansour", "Karim Haddad"]
    );
    let only = SoughtFilter {
        only: Some(vec![w.sought, w.found]),
        ..SoughtFilter::default()
    };
    assert_eq!(list(scope_a, only).await.0, ["Karim Haddad"]);
    let closed = SoughtFilter {
        status: Some("closed".to_owned()),
        ..SoughtFilter::default()
    };
    assert_eq!(list(scope_a, closed).await.1, 0);
    assert_eq!(
        list(scope_b, SoughtFilter::default()).await.0,
        ["Elias Khoury"]
    );

    // Gallery entries.
    let entries = |scope: OrgScope, f: EntryFilter| {
        let user = reader(scope);
        async move {
            store
                .list_gallery_entries(&acting(user, 700), &scope, &EntryFilter { limit: 50, ..f })
                .await
                .unwrap()
        }
    };
    let (page, total) = entries(scope_a, EntryFilter::default()).await;
    assert_eq!(total, 2);
    assert_eq!(page[0].entry.request, saleh, "newest first");
    assert_eq!(page[0].entry.status, EntryStatus::AwaitingApproval);
    assert_eq!(page[0].request.enquirer_name, "Nour Saleh");
    assert_eq!(page[1].request.enquirer_name, "Layla Mansour");
    assert!(page[1].request.minor && !page[1].request.at_risk);
    assert_eq!(page[1].request.candidates.total, 1);
    assert_eq!(
        actions(store, w.a.id).await.last().map(String::as_str),
        Some("persons_listed")
    );
    let requests_of = |page: Vec<crate::EntrySummary>| -> Vec<RequestId> {
        page.iter().map(|l| l.entry.request).collect()
    };
    let published_only = EntryFilter {
        state: Some(EntryStatus::Published),
        ..EntryFilter::default()
    };
    assert_eq!(
        requests_of(entries(scope_a, published_only).await.0),
        [mansour]
    );
    let text = EntryFilter {
        text: Some("omar".to_owned()),
        ..EntryFilter::default()
    };
    assert_eq!(requests_of(entries(scope_a, text).await.0), [mansour]);
    let by_reference = EntryFilter {
        text: Some(mansour_ref.to_string().to_lowercase()),
        ..EntryFilter::default()
    };
    assert_eq!(
        requests_of(entries(scope_a, by_reference).await.0),
        [mansour]
    );
    let matched = EntryFilter {
        with_candidates: true,
        ..EntryFilter::default()
    };
    assert_eq!(requests_of(entries(scope_a, matched).await.0), [mansour]);
    let only = EntryFilter {
        only: Some(vec![saleh]),
        order: ListOrder::Oldest,
        ..EntryFilter::default()
    };
    assert_eq!(requests_of(entries(scope_a, only).await.0), [saleh]);
    let paged = EntryFilter {
        order: ListOrder::Oldest,
        limit: 1,
        offset: 1,
        ..EntryFilter::default()
    };
    let (page, total) = entries(scope_a, paged).await;
    assert_eq!((requests_of(page), total), (vec![saleh], 2));
    let (page, total) = entries(scope_b, EntryFilter::default()).await;
    assert_eq!(total, 1);
    assert_eq!(page[0].request.enquirer_name, "Samir Khoury");

    // Reports from the public.
    let first = report(store, &mansour_ref, "a1").await;
    let second = report(store, &mansour_ref, "a2").await;
    store
        .set_report_status(
            &acting(&w.user_a, 800),
            &scope_a,
            second,
            ReportStatus::Useful,
        )
        .await
        .unwrap();
    let reports = |scope: OrgScope, f: ReportFilter| {
        let user = reader(scope);
        async move {
            let (page, total) = store
                .list_reports(&acting(user, 900), &scope, &ReportFilter { limit: 50, ..f })
                .await
                .unwrap();
            let ids: Vec<ReportId> = page.iter().map(|l| l.report.id).collect();
            (ids, total, page)
        }
    };
    let (ids, total, page) = reports(scope_a, ReportFilter::default()).await;
    assert_eq!(total, 2);
    assert!(ids.contains(&first) && ids.contains(&second));
    assert_eq!(page[0].request.enquirer_name, "Layla Mansour");
    assert!(page[0].request.minor);
    let state = |state| ReportFilter {
        state: Some(state),
        ..ReportFilter::default()
    };
    assert_eq!(
        reports(scope_a, state(ReportState::Handled)).await.0,
        [second]
    );
    assert_eq!(
        reports(scope_a, state(ReportState::Is(ReportStatus::New)))
            .await
            .0,
        [first]
    );
    let text = ReportFilter {
        text: Some("layla".to_owned()),
        ..ReportFilter::default()
    };
    assert_eq!(reports(scope_a, text).await.1, 2);
    let nobody = ReportFilter {
        text: Some("khoury".to_owned()),
        ..ReportFilter::default()
    };
    assert_eq!(reports(scope_a, nobody).await.1, 0);
    let only = ReportFilter {
        only: Some(vec![saleh]),
        ..ReportFilter::default()
    };
    assert_eq!(reports(scope_a, only).await.1, 0);
    let (ids, total, _) = reports(scope_b, ReportFilter::default()).await;
    assert_eq!(total, 1);
    assert!(!ids.contains(&first) && !ids.contains(&second));
}
