//! The conformance behaviours of erasure (issue 16, item 2), run on every
//! backend through `conformance_tests!`: a person written with a unique
//! marker in every field of every module that can hold one is erased, and
//! no marker is left in the database files the harness dumps.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed expectation is a failed test"
)]

use crate::conformance::{Harness, acting, org_with_member};
use crate::{
    AuditVerification, FormStamp, GalleryStore, ImportTarget, ImportedPerson, InterchangeStore,
    MediaTokens, NewCandidate, NewGalleryEntry, NewReferral, NewReport, OpeningConsents, OrgScope,
    PfifSource, PrivacyStore, Referral, ReferralStore, Store, StoreError, StoredPerson,
    TracingRequest, TracingStore, TransferStore, UserAccount,
};
use retrace_domain::{
    CandidateId, Circumstances, ConsentBasis, ConsentGiver, ConsentMethod, ConsentPurpose,
    CountryCode, GalleryReference, LastNews, MessageDirection, NameKind, NewConsent, PartialDate,
    PersonDetails, PersonId, PersonName, ReferralShare, RegistrationKind, Relationship,
    RequestStatus, RiskAssessment, RiskLevel, SeparationContext, Service, Sex, SharingScope, Text,
    Timestamp, TransferShare, Urgency,
};
use std::collections::BTreeMap;

fn text(value: &str) -> Text {
    Text::parse("text", value, 2000, true).unwrap()
}

/// A person whose every free field holds a marker starting with `tag`.
fn marked_person(tag: &str) -> PersonDetails {
    let mut details = PersonDetails::new(
        vec![
            PersonName::simple(&format!("{tag}given {tag}family"), NameKind::Birth).unwrap(),
            PersonName::simple(&format!("{tag}alias"), NameKind::Alias).unwrap(),
        ],
        Sex::Female,
    )
    .unwrap();
    details.birth_place = Some(text(&format!("{tag}birthplace")));
    details.nationalities = vec![CountryCode::parse("SY").unwrap()];
    details.languages = vec![text(&format!("{tag}language"))];
    details.father_name = Some(text(&format!("{tag}father")));
    details.mother_name = Some(text(&format!("{tag}mother")));
    details.last_known_place = Some(text(&format!("{tag}lastplace")));
    details.distinguishing_marks = Some(text(&format!("{tag}marks")));
    details.contact = Some(text(&format!("{tag}contact")));
    details
}

fn consent(purpose: ConsentPurpose, countries: &[&str], note: &str) -> NewConsent {
    NewConsent {
        purpose,
        basis: ConsentBasis::Consent {
            given_by: ConsentGiver::Person,
            method: ConsentMethod::Written,
        },
        scope: SharingScope {
            organisations: Vec::new(),
            countries: countries
                .iter()
                .map(|c| CountryCode::parse(c).unwrap())
                .collect(),
        },
        note: Some(text(note)),
    }
}

/// The markers of fields stored in clear (names for search, notes,
/// purposes, import records); the others are sealed at rest
/// (`docs/adr/0017-field-encryption-at-rest.md`) and never in the files.
const CLEAR_MARKERS: [&str; 13] = [
    "qqenqgiven",
    "qqenqfamily",
    "qqenqalias",
    "qqsgtgiven",
    "qqsgtfamily",
    "qqsgtalias",
    "qqconsentnote",
    "qqsharingnote",
    "qqtransfernote",
    "qqreferralpurpose",
    "qqimpgiven",
    "qqimpsource",
    "qqimprecord",
];

/// Every marker written below, lower-cased (names are also kept
/// lower-cased for search).
const MARKERS: [&str; 36] = [
    "qqenqgiven",
    "qqenqfamily",
    "qqenqalias",
    "qqenqbirthplace",
    "qqenqlanguage",
    "qqenqfather",
    "qqenqmother",
    "qqenqlastplace",
    "qqenqmarks",
    "qqenqcontact",
    "qqsgtgiven",
    "qqsgtfamily",
    "qqsgtalias",
    "qqsgtbirthplace",
    "qqsgtfather",
    "qqsgtmarks",
    "qqsgtcontact",
    "qqcircplace",
    "qqcircnarrative",
    "qqcircsource",
    "qqstatusnote",
    "qqconsentnote",
    "qqsharingnote",
    "qqmessagebody",
    "qqtransfernote",
    "qqreportmessage",
    "qqreportcontact",
    "qqreferralpurpose",
    "qqriskwho",
    "qqsafetyplan",
    "qqreferralupdate",
    "qqtoolvalue",
    "qqimpgiven",
    "qqimpmarks",
    "qqimpsource",
    "qqimprecord",
];

fn markers_in(dump: &[u8]) -> Vec<&'static str> {
    let lower = dump.to_ascii_lowercase();
    MARKERS
        .iter()
        .copied()
        .filter(|marker| {
            lower
                .windows(marker.len())
                .any(|window| window == marker.as_bytes())
        })
        .collect()
}

/// Everything `marked_case` wrote.
struct MarkedCase {
    user_a: UserAccount,
    user_b: UserAccount,
    sa: OrgScope,
    sb: OrgScope,
    request: TracingRequest,
    enquirer: PersonId,
    sought: PersonId,
    found: StoredPerson,
    candidate: CandidateId,
    referral: Referral,
    imported: PersonId,
}

/// Org A's request whose enquirer and sought sister carry a marker in
/// every field, and every module holding something of them: status note,
/// consents, a candidate with Org B's registration released to B with a
/// family message, a transfer to B, a published gallery entry with a
/// visitor's report, a referral to B with a progress note and a filled tool,
/// and a PFIF-imported registration.
async fn marked_case<H: Harness>(h: &H) -> MarkedCase {
    let store = h.store();
    let (a, user_a) = org_with_member(store, "Org A", "BE", "u@a.org").await;
    let (b, user_b) = org_with_member(store, "Org B", "FR", "u@b.org").await;
    let (sa, sb) = (OrgScope::new(a.id), OrgScope::new(b.id));

    // Tracing: a request with every field marked, its enquirer consenting
    // to publication, a status change with a note.
    let new = crate::NewRequest {
        enquirer: marked_person("qqenq"),
        sought: vec![(Relationship::Sister, marked_person("qqsgt"))],
        circumstances: Circumstances {
            context: SeparationContext::Conflict,
            date: Some(PartialDate::parse("2015-08").unwrap()),
            place: Some(text("qqcircplace")),
            countries_transited: vec![CountryCode::parse("TR").unwrap()],
            last_news: LastNews {
                date: None,
                place: None,
                source: Some(text("qqcircsource")),
            },
            narrative: Some(text("qqcircnarrative")),
        },
    };
    let request = store
        .open_request(
            &acting(&user_a, 1),
            &sa,
            &new,
            &OpeningConsents {
                enquirer: Some(consent(ConsentPurpose::Publication, &[], "qqconsentnote")),
                each_sought: None,
            },
        )
        .await
        .unwrap();
    let enquirer = request.enquirer.id;
    let sought = request.sought[0].id;
    let request = store
        .set_request_status(
            &acting(&user_a, 2),
            &sa,
            request.id,
            request.version,
            RequestStatus::Searching,
            Some(&text("qqstatusnote")),
        )
        .await
        .unwrap();
    store
        .record_consent(
            &acting(&user_a, 3),
            &sa,
            sought,
            &consent(ConsentPurpose::Sharing, &["FR"], "qqsharingnote"),
        )
        .await
        .unwrap();

    // Matching: a candidate with B's registration, released to B, with a
    // family message.
    let found = store
        .create_registration(
            &acting(&user_b, 4),
            &sb,
            RegistrationKind::Safe,
            &PersonDetails::new(
                vec![PersonName::simple("Found Person", NameKind::Birth).unwrap()],
                Sex::Female,
            )
            .unwrap(),
            None,
        )
        .await
        .unwrap();
    store
        .record_candidates(
            &system_at(5),
            sought,
            &[NewCandidate {
                sought,
                other: found.id,
                score_milli: 700,
                explanation: Vec::new(),
            }],
        )
        .await
        .unwrap();
    let candidate = store.candidates_for(&sa, sought).await.unwrap()[0].id;
    store
        .approve_release(&acting(&user_a, 6), &sa, candidate)
        .await
        .unwrap();
    assert!(
        store
            .released_person(&acting(&user_b, 7), &sb, candidate)
            .await
            .unwrap()
            .is_some()
    );
    store
        .create_message(
            &acting(&user_a, 8),
            &sa,
            candidate,
            MessageDirection::ToSoughtPerson,
            &text("qqmessagebody"),
        )
        .await
        .unwrap();

    // A transfer to B with a note.
    store
        .transfer_request(
            &acting(&user_a, 9),
            &sa,
            request.id,
            b.id,
            &TransferShare {
                circumstances: true,
                sought: vec![sought],
                enquirer_names: true,
                enquirer_contact: false,
                note: Some(text("qqtransfernote")),
            },
        )
        .await
        .unwrap();

    // Trace the Face: a published entry and a visitor's report.
    let reference = GalleryReference::from_random_bytes(&[9, 1, 2, 3, 4, 5, 6, 7]).unwrap();
    store
        .create_gallery_entry(
            &acting(&user_a, 10),
            &sa,
            &NewGalleryEntry {
                request: request.id,
                reference: reference.clone(),
                relationships: vec![Relationship::Sister],
                region: None,
                media: MediaTokens {
                    photo: "p".repeat(43),
                    thumbnail: "t".repeat(43),
                },
            },
        )
        .await
        .unwrap();
    store
        .create_report(
            &system_at(11),
            &reference,
            &NewReport {
                message: text("qqreportmessage"),
                contact: Some(text("qqreportcontact")),
                language: "en".to_owned(),
            },
            &FormStamp {
                nonce: "erasure-nonce".to_owned(),
                expires_at: Timestamp::from_millis(i64::MAX / 2),
            },
        )
        .await
        .unwrap();

    // Referral of the sought person to B, with a news item and a filled tool.
    let referral = store
        .create_referral(
            &acting(&user_a, 12),
            &sa,
            &NewReferral {
                person: sought,
                to_org: b.id,
                purpose: text("qqreferralpurpose"),
                services: vec![Service::Shelter],
                urgency: Urgency::Urgent,
                risk: RiskAssessment {
                    level: RiskLevel::High,
                    who_at_risk: text("qqriskwho"),
                    from_whom: None,
                    safety_plan: text("qqsafetyplan"),
                },
                share: ReferralShare {
                    identity: true,
                    contact: true,
                    risk_assessment: true,
                },
            },
        )
        .await
        .unwrap();
    store
        .post_referral_update(
            &acting(&user_a, 13),
            &sa,
            referral.id,
            &text("qqreferralupdate"),
            true,
        )
        .await
        .unwrap();
    let tool = retrace_domain::builtin_tools().remove(0);
    store
        .save_tool_entry(
            &acting(&user_a, 14),
            &sa,
            referral.id,
            &tool,
            &BTreeMap::from([("notes".to_owned(), "qqtoolvalue".to_owned())]),
        )
        .await
        .unwrap();

    // Imports: a registration from a PFIF record.
    let mut imported = PersonDetails::new(
        vec![PersonName::simple("qqimpgiven", NameKind::Birth).unwrap()],
        Sex::Male,
    )
    .unwrap();
    imported.distinguishing_marks = Some(text("qqimpmarks"));
    let outcome = store
        .import_pfif_persons(
            &acting(&user_a, 15),
            &sa,
            &[ImportedPerson {
                record_id: "example.org/qqimprecord".to_owned(),
                source: PfifSource {
                    name: Some("qqimpsource".to_owned()),
                    url: None,
                    date: None,
                },
                target: ImportTarget::Registration(RegistrationKind::Safe),
                details: imported,
                created_as_duplicate: false,
            }],
        )
        .await
        .unwrap();
    let imported = outcome[0].person();
    MarkedCase {
        user_a,
        user_b,
        sa,
        sb,
        request,
        enquirer,
        sought,
        found,
        candidate,
        referral,
        imported,
    }
}

pub async fn erasure_reaches_every_copy_and_keeps_the_chain<H: Harness>(h: &H) {
    let store = h.store();
    let case = marked_case(h).await;
    let (user_a, user_b) = (&case.user_a, &case.user_b);
    let (sa, sb) = (&case.sa, &case.sb);
    let (request, found, referral) = (&case.request, &case.found, &case.referral);
    let (enquirer, sought) = (case.enquirer, case.sought);
    let (candidate, imported) = (case.candidate, case.imported);

    // The markers of fields kept in clear are in the files before: the
    // check below can fail.
    store.reclaim_free_space().await.unwrap();
    assert_eq!(markers_in(&h.dump().await), CLEAR_MARKERS.to_vec());

    // Another organisation cannot erase A's person: not found.
    assert!(matches!(
        store
            .erase_person(&acting(user_b, 20), sb, enquirer)
            .await
            .unwrap_err(),
        StoreError::NotFound
    ));

    let erasure = store
        .erase_person(&acting(user_a, 21), sa, enquirer)
        .await
        .unwrap();
    assert_eq!(erasure.request, Some(request.id));
    let mut erased = erasure.persons.clone();
    erased.sort();
    let mut expected = vec![enquirer, sought];
    expected.sort();
    assert_eq!(erased, expected);
    assert_eq!(erasure.media, vec!["p".repeat(43), "t".repeat(43)]);
    assert_eq!(erasure.candidates_withdrawn, 1);
    let second = store
        .erase_person(&acting(user_a, 22), sa, imported)
        .await
        .unwrap();
    assert_eq!(second.persons, vec![imported]);
    assert_eq!(second.request, None);
    store.reclaim_free_space().await.unwrap();

    // Gone for A, and B sees only that a candidate was withdrawn.
    assert_eq!(
        store.person(&acting(user_a, 24), sa, sought).await.unwrap(),
        None
    );
    assert!(store.published_entries().await.unwrap().is_empty());
    assert!(store.candidates_for(sb, found.id).await.unwrap().is_empty());
    let withdrawals = store.candidate_withdrawals(sb, found.id).await.unwrap();
    assert_eq!(withdrawals.len(), 1);
    assert_eq!(withdrawals[0].candidate, candidate);
    assert_eq!(withdrawals[0].person, found.id);
    assert!(
        store
            .candidate_withdrawals(sa, found.id)
            .await
            .unwrap()
            .is_empty(),
        "A does not see B's withdrawals"
    );
    assert!(store.incoming_transfers(sb).await.unwrap().is_empty());
    assert!(
        store
            .referral(&acting(user_b, 23), sb, referral.id)
            .await
            .unwrap()
            .is_none()
    );
    assert!(store.imported_pfif_records(sa).await.unwrap().is_empty());
    assert!(
        store
            .person(&acting(user_b, 25), sb, found.id)
            .await
            .unwrap()
            .is_some()
    );

    // No marker in the files; the audit log names the erasure by ids and
    // still verifies.
    assert_eq!(markers_in(&h.dump().await), Vec::<&str>::new());
    assert!(matches!(
        store.verify_audit_chain().await.unwrap(),
        AuditVerification::Intact { .. }
    ));
    let entries = store.audit_entries(sa, 200, None).await.unwrap();
    let erased_entries: Vec<_> = entries
        .iter()
        .filter(|e| e.record.action == "person_erased")
        .map(|e| e.record.object_id.clone())
        .collect();
    assert_eq!(erased_entries.len(), 3);
    assert!(erased_entries.contains(&enquirer.to_string()));
    assert!(entries.iter().any(
        |e| e.record.action == "request_erased" && e.record.object_id == request.id.to_string()
    ));
}

/// The platform's own audit context at a moment of the test.
fn system_at(millis: i64) -> crate::AuditContext {
    crate::AuditContext::system(Timestamp::from_millis(1_700_000_000_000 + millis), "test")
}

/// Subject access (issue 16, item 3): everything held on one person, read
/// in one transaction, nothing of another person, the reading audited;
/// another organisation's person is not found.
pub async fn subject_access_holds_every_module_and_nothing_of_another_person<H: Harness>(h: &H) {
    let store = h.store();
    let case = marked_case(h).await;
    let MarkedCase {
        user_a,
        user_b,
        sa,
        sb,
        ..
    } = &case;
    assert!(matches!(
        store
            .subject_access(&acting(user_b, 30), sb, case.sought)
            .await
            .unwrap_err(),
        StoreError::NotFound
    ));
    assert!(matches!(
        store
            .subject_access(&system_at(30), sa, case.sought)
            .await
            .unwrap_err(),
        StoreError::ActorRequired
    ));

    let sought = store
        .subject_access(&acting(user_a, 31), sa, case.sought)
        .await
        .unwrap();
    let text = format!("{sought:?}").to_ascii_lowercase();
    for marker in [
        "qqsgtgiven",
        "qqsgtbirthplace",
        "qqsgtmarks",
        "qqsgtcontact",
        "qqcircnarrative",
        "qqstatusnote",
        "qqsharingnote",
        "qqmessagebody",
        "qqreferralpurpose",
        "qqriskwho",
        "qqsafetyplan",
        "qqreferralupdate",
        "qqtoolvalue",
    ] {
        assert!(text.contains(marker), "{marker} missing");
    }
    for other in ["qqenq", "qqimp", "found person", "qqreportcontact"] {
        assert!(!text.contains(other), "{other} is another person's");
    }
    assert_eq!(sought.person.id, case.sought);
    assert_eq!(
        sought.request.as_ref().unwrap().reference,
        case.request.reference
    );
    assert_eq!(sought.candidates.len(), 1);
    assert_eq!(sought.candidates[0].other_org.name, "Org B");
    assert_eq!(sought.releases.len(), 1);
    assert_eq!(sought.releases[0].candidate, case.candidate);
    assert_eq!(sought.releases[0].to_org.name, "Org B");
    assert_eq!(sought.transfers.len(), 1);
    assert_eq!(sought.transfers[0].to_org.name, "Org B");
    assert_eq!(sought.referrals.len(), 1);
    assert_eq!(sought.referrals[0].referral.id, case.referral.id);
    assert!(
        sought.gallery_entries.is_empty(),
        "the entry shows the enquirer"
    );
    // Who saw it: B's reading of the release, by organisation only; A's
    // staff by name.
    let b_read = sought
        .seen_by
        .iter()
        .find(|e| e.action == retrace_domain::AuditAction::ReleasedDetailsViewed)
        .expect("B's reading of the release");
    assert_eq!(b_read.org.as_ref().unwrap().name, "Org B");
    assert_eq!(b_read.actor, None);
    assert!(
        sought
            .seen_by
            .iter()
            .any(|e| e.actor.is_some() && e.org.as_ref().unwrap().name == "Org A")
    );

    let enquirer = store
        .subject_access(&acting(user_a, 32), sa, case.enquirer)
        .await
        .unwrap();
    let text = format!("{enquirer:?}").to_ascii_lowercase();
    for marker in [
        "qqenqgiven",
        "qqenqcontact",
        "qqconsentnote",
        "qqcircplace",
        "qqreportmessage",
    ] {
        assert!(text.contains(marker), "{marker} missing");
    }
    for other in ["qqsgt", "qqreportcontact", "qqmessagebody", "qqimp"] {
        assert!(!text.contains(other), "{other} is not the enquirer's");
    }
    assert_eq!(enquirer.gallery_entries.len(), 1);
    assert_eq!(enquirer.reports.len(), 1);
    assert!(enquirer.candidates.is_empty());

    let imported = store
        .subject_access(&acting(user_a, 33), sa, case.imported)
        .await
        .unwrap();
    let import = imported.import.as_ref().unwrap();
    assert_eq!(import.record_id, "example.org/qqimprecord");
    assert_eq!(import.source_name.as_deref(), Some("qqimpsource"));
    assert!(imported.request.is_none());

    // Each export is in the log against the person, and the chain holds.
    let entries = store.audit_entries(sa, 500, None).await.unwrap();
    let exported: Vec<_> = entries
        .iter()
        .filter(|e| e.record.action == "subject_access_exported")
        .map(|e| e.record.object_id.clone())
        .collect();
    assert_eq!(exported.len(), 3);
    assert!(exported.contains(&case.sought.to_string()));
    assert!(matches!(
        store.verify_audit_chain().await.unwrap(),
        AuditVerification::Intact { .. }
    ));
}
