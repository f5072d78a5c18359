//! The conformance behaviours of transnational referrals (issue 11), run on
//! every backend through `conformance_tests!`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed expectation is a failed test"
)]

use crate::conformance::Harness;
use crate::{
    AuditContext, AuditVerification, Membership, NewOrganisation, NewReferral, NewUser, OrgScope,
    Organisation, ReferralFilter, ReferralStore, StatusMove, StepChange, Store, StoreError,
    StoredPerson, TracingStore, UserAccount,
};
use retrace_domain::{
    ConsentBasis, ConsentGiver, ConsentMethod, ConsentPurpose, CountryCode, DisplayName, Email,
    EventKind, NameKind, NewConsent, OrgKind, OrgName, Outcome, PersonDetails, PersonName,
    ReferralShare, ReferralStatus, RegistrationKind, RiskAssessment, RiskLevel, Role, RoleSet,
    Service, Sex, SharingScope, Side, SopStep, Stage, StepState, Text, Timestamp, Urgency,
};

const T0: i64 = 1_700_000_000_000;

fn acting(user: &UserAccount, millis: i64) -> AuditContext {
    AuditContext {
        at: Timestamp::from_millis(T0 + millis),
        actor: Some(user.id),
        org: match &user.membership {
            Membership::Member { org, .. } => Some(*org),
            Membership::Operator => None,
        },
        purpose: None,
    }
}

fn text(value: &str) -> Text {
    Text::parse("text", value, 2000, true).unwrap()
}

pub(crate) async fn party<S: Store>(
    store: &S,
    name: &str,
    country: &str,
    email: &str,
) -> (Organisation, UserAccount) {
    let org = store
        .create_organisation(
            &AuditContext::system(Timestamp::from_millis(T0), "conformance test"),
            &NewOrganisation {
                name: OrgName::parse(name).unwrap(),
                kind: OrgKind::Ngo,
                country: CountryCode::parse(country).unwrap(),
            },
        )
        .await
        .unwrap();
    let user = store
        .create_user(
            &AuditContext::system(Timestamp::from_millis(T0), "conformance test"),
            &NewUser {
                email: Email::parse(email).unwrap(),
                display_name: DisplayName::parse("Referral Officer").unwrap(),
                membership: Membership::Member {
                    org: org.id,
                    roles: RoleSet::new([Role::ReferralOfficer, Role::OrgAdmin]).unwrap(),
                },
                password_hash: format!("$argon2id$fake${email}"),
            },
        )
        .await
        .unwrap();
    (org, user)
}

/// A person of `user`'s organisation with a sharing consent covering
/// `countries`.
pub(crate) async fn person_sharing_with<S: Store>(
    store: &S,
    user: &UserAccount,
    org: &Organisation,
    countries: &[&str],
) -> StoredPerson {
    let mut details = PersonDetails::new(
        vec![PersonName::simple("Elira Hoxha", NameKind::Birth).unwrap()],
        Sex::Female,
    )
    .unwrap();
    details.contact = Some(text("+355 69 000 0000"));
    let consent = NewConsent {
        purpose: ConsentPurpose::Sharing,
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
        note: None,
    };
    store
        .create_registration(
            &acting(user, 1),
            &OrgScope::new(org.id),
            RegistrationKind::LookingForFamily,
            &details,
            (!countries.is_empty()).then_some(&consent),
        )
        .await
        .unwrap()
}

pub(crate) fn new_referral(person: &StoredPerson, to: &Organisation) -> NewReferral {
    NewReferral {
        person: person.id,
        to_org: to.id,
        purpose: text("safe return and reintegration support"),
        services: vec![Service::Shelter, Service::SafeReturn],
        urgency: Urgency::Urgent,
        risk: RiskAssessment {
            level: RiskLevel::High,
            who_at_risk: text("the person and her sister"),
            from_whom: Some(text("the recruiter's network")),
            safety_plan: text("meet only at the shelter"),
        },
        share: ReferralShare {
            identity: true,
            contact: true,
            risk_assessment: false,
        },
    }
}

fn steps(labels: &[(&str, bool)]) -> Vec<SopStep> {
    labels
        .iter()
        .map(|(label, required)| SopStep {
            label: text(label),
            required: *required,
        })
        .collect()
}

async fn entry_count<S: Store>(store: &S) -> u64 {
    match store.verify_audit_chain().await.unwrap() {
        AuditVerification::Intact { entries, .. } => entries,
        broken => panic!("the chain should be intact: {broken:?}"),
    }
}

async fn actions<S: Store>(store: &S, org: &Organisation) -> Vec<String> {
    let mut entries = store
        .audit_entries(&OrgScope::new(org.id), 1000, None)
        .await
        .unwrap();
    entries.reverse();
    entries.into_iter().map(|e| e.record.action).collect()
}

/// The whole story at the store: A refers, B accepts, both work their
/// stages with the checklists, B reports back and closes; each side sees
/// its own checklists and what the other shared; a third organisation
/// sees nothing; the audit log holds every step.
pub async fn referrals_run_through_the_stages_between_two_organisations<H: Harness>(h: &H) {
    let store = h.store();
    let (a, alice) = party(store, "Anti-trafficking NGO", "FR", "alice@a.org").await;
    let (b, bob) = party(store, "Albanian NRM", "AL", "bob@b.org").await;
    let (c, carol) = party(store, "Third Org", "IT", "carol@c.org").await;
    let (sa, sb, sc) = (
        OrgScope::new(a.id),
        OrgScope::new(b.id),
        OrgScope::new(c.id),
    );
    store
        .save_sop_template(
            &acting(&alice, 2),
            &sa,
            Stage::Identification,
            &steps(&[("Screen indicators", true), ("Offer interpreter", false)]),
        )
        .await
        .unwrap();
    store
        .save_sop_template(
            &acting(&bob, 2),
            &sb,
            Stage::Assistance,
            &steps(&[("Shelter place confirmed", true), ("Medical check", true)]),
        )
        .await
        .unwrap();
    let person = person_sharing_with(store, &alice, &a, &["AL"]).await;
    let referral = store
        .create_referral(&acting(&alice, 3), &sa, &new_referral(&person, &b))
        .await
        .unwrap();
    assert_eq!(referral.status, ReferralStatus::Sent);
    assert_eq!(referral.stage, Some(Stage::Identification));

    // A third organisation sees nothing, exactly like a missing id.
    assert!(
        store
            .referral(&acting(&carol, 4), &sc, referral.id)
            .await
            .unwrap()
            .is_none()
    );
    for side in [Side::Sender, Side::Receiver] {
        assert!(
            store
                .referrals(&acting(&carol, 4), &sc, &ReferralFilter::new(side))
                .await
                .unwrap()
                .is_empty()
        );
    }
    assert!(matches!(
        store
            .decide_referral(&acting(&carol, 4), &sc, referral.id, true, None)
            .await,
        Err(StoreError::NotFound)
    ));

    // The sender works its stages.
    let view = store
        .referral(&acting(&alice, 5), &sa, referral.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(view.side, Side::Sender);
    assert_eq!(view.steps.len(), 2);
    let required = view.steps.first().unwrap().clone();
    assert!(matches!(
        store
            .close_stage(&acting(&alice, 6), &sa, referral.id, Stage::Identification)
            .await,
        Err(StoreError::Refused { field: "step", .. })
    ));
    let ticked = store
        .change_step(
            &acting(&alice, 7),
            &sa,
            referral.id,
            required.id,
            &StepChange::Done,
        )
        .await
        .unwrap();
    assert_eq!(ticked.state, StepState::Done);
    assert_eq!(ticked.by, Some(alice.id));
    // Ticked twice (a colleague at the same moment): a conflict.
    assert!(matches!(
        store
            .change_step(
                &acting(&alice, 8),
                &sa,
                referral.id,
                required.id,
                &StepChange::Done
            )
            .await,
        Err(StoreError::Conflict { field: "step" })
    ));
    store
        .close_stage(&acting(&alice, 9), &sa, referral.id, Stage::Identification)
        .await
        .unwrap();
    let moved = store
        .close_stage(&acting(&alice, 10), &sa, referral.id, Stage::Referral)
        .await
        .unwrap();
    assert_eq!(moved.stage, Some(Stage::Assistance));
    // The sender cannot work the receiver's stage.
    assert!(matches!(
        store
            .close_stage(&acting(&alice, 11), &sa, referral.id, Stage::Assistance)
            .await,
        Err(StoreError::Refused { field: "stage", .. })
    ));

    // The receiver sees the shared parts only, and its contact person.
    let seen = store
        .referral(&acting(&bob, 12), &sb, referral.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(seen.side, Side::Receiver);
    assert!(seen.person_id.is_none());
    assert!(!seen.withheld);
    let shared = seen.person.clone().unwrap();
    assert_eq!(
        shared.contact.as_ref().map(Text::as_str),
        Some("+355 69 000 0000")
    );
    assert!(seen.risk.is_none(), "the risk assessment was not shared");
    assert_eq!(seen.from.contact_email.as_deref(), Some("alice@a.org"));
    assert!(seen.steps.is_empty(), "no checklist of the sender's stages");
    // Not accepted yet: the receiver's stage cannot be worked.
    assert!(matches!(
        store
            .close_stage(&acting(&bob, 13), &sb, referral.id, Stage::Assistance)
            .await,
        Err(StoreError::Refused { field: "stage", .. })
    ));
    let accepted = store
        .decide_referral(&acting(&bob, 14), &sb, referral.id, true, None)
        .await
        .unwrap();
    assert_eq!(accepted.status, ReferralStatus::Accepted);
    assert!(matches!(
        store
            .decide_referral(&acting(&bob, 15), &sb, referral.id, false, Some(&text("x")))
            .await,
        Err(StoreError::Conflict { field: "status" })
    ));
    store
        .move_referral(&acting(&bob, 16), &sb, referral.id, &StatusMove::Start)
        .await
        .unwrap();
    let seen = store
        .referral(&acting(&bob, 17), &sb, referral.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(seen.steps.len(), 2);
    assert_eq!(seen.to.contact_email.as_deref(), Some("bob@b.org"));
    let (first, second) = (seen.steps[0].clone(), seen.steps[1].clone());
    store
        .change_step(
            &acting(&bob, 18),
            &sb,
            referral.id,
            first.id,
            &StepChange::Done,
        )
        .await
        .unwrap();
    store
        .change_step(
            &acting(&bob, 19),
            &sb,
            referral.id,
            second.id,
            &StepChange::Skipped {
                reason: text("seen by the shelter's nurse"),
            },
        )
        .await
        .unwrap();
    store
        .close_stage(&acting(&bob, 20), &sb, referral.id, Stage::Assistance)
        .await
        .unwrap();
    store
        .post_referral_update(
            &acting(&bob, 21),
            &sb,
            referral.id,
            &text("settled in the shelter"),
            true,
        )
        .await
        .unwrap();
    store
        .post_referral_update(
            &acting(&bob, 22),
            &sb,
            referral.id,
            &text("internal: check the interpreter's invoice"),
            false,
        )
        .await
        .unwrap();
    store
        .move_referral(
            &acting(&bob, 23),
            &sb,
            referral.id,
            &StatusMove::Close {
                outcome: Outcome::ReturnedSafely,
                note: Some(text("returned with family support")),
            },
        )
        .await
        .unwrap();

    // The sender's timeline: what the receiver reported, not its internal note.
    let back = store
        .referral(&acting(&alice, 24), &sa, referral.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(back.status, ReferralStatus::Closed);
    assert_eq!(back.outcome, Some(Outcome::ReturnedSafely));
    let kinds: Vec<EventKind> = back.timeline.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        vec![
            EventKind::Sent,
            EventKind::StageClosed,
            EventKind::StageClosed,
            EventKind::Accepted,
            EventKind::InProgress,
            EventKind::StageClosed,
            EventKind::Update,
            EventKind::Closed,
        ]
    );
    assert!(
        back.timeline
            .iter()
            .all(|e| e.text.as_ref().map(Text::as_str)
                != Some("internal: check the interpreter's invoice"))
    );
    assert!(
        back.steps
            .iter()
            .all(|s| s.stage.worked_by() == Side::Sender)
    );
    let mine = store
        .referral(&acting(&bob, 25), &sb, referral.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(mine.timeline.len(), 9, "the receiver sees its own note");

    // Inbox and outbox with filters.
    let inbox = store
        .referrals(&acting(&bob, 26), &sb, &ReferralFilter::new(Side::Receiver))
        .await
        .unwrap();
    assert_eq!(inbox.len(), 1);
    assert_eq!(inbox[0].other_org_name, "Anti-trafficking NGO");
    let outbox = store
        .referrals(
            &acting(&alice, 27),
            &sa,
            &ReferralFilter {
                status: Some(ReferralStatus::Sent),
                ..ReferralFilter::new(Side::Sender)
            },
        )
        .await
        .unwrap();
    assert!(outbox.is_empty());
    let by_country = store
        .referrals(
            &acting(&alice, 28),
            &sa,
            &ReferralFilter {
                country: Some(CountryCode::parse("AL").unwrap()),
                urgency: Some(Urgency::Urgent),
                ..ReferralFilter::new(Side::Sender)
            },
        )
        .await
        .unwrap();
    assert_eq!(by_country.len(), 1);

    let a_actions = actions(store, &a).await;
    for expected in [
        "sop_template_saved",
        "referral_created",
        "referral_viewed",
        "referral_step_ticked",
        "referral_stage_closed",
        "referrals_listed",
    ] {
        assert!(a_actions.iter().any(|x| x == expected), "{expected}");
    }
    let b_actions = actions(store, &b).await;
    for expected in [
        "referral_accepted",
        "referral_status_changed",
        "referral_step_skipped",
        "referral_update_posted",
    ] {
        assert!(b_actions.iter().any(|x| x == expected), "{expected}");
    }
}

/// Refused without a covering consent, to one's own or an unknown
/// organisation, for another organisation's person; a decline needs a
/// reason and ends the receiver's access to the person; a withdrawn
/// consent hides the person at the next read.
pub async fn referrals_follow_consent_at_creation_and_at_every_read<H: Harness>(h: &H) {
    let store = h.store();
    let (a, alice) = party(store, "Sender Org", "FR", "alice@a.org").await;
    let (b, bob) = party(store, "Receiver Org", "AL", "bob@b.org").await;
    let (sa, sb) = (OrgScope::new(a.id), OrgScope::new(b.id));
    let without = person_sharing_with(store, &alice, &a, &[]).await;
    let elsewhere = person_sharing_with(store, &alice, &a, &["MA"]).await;
    let covered = person_sharing_with(store, &alice, &a, &["AL"]).await;
    let refused = |r: Result<_, StoreError>| match r {
        Err(StoreError::Refused { field, .. }) => field,
        other => panic!("expected a refusal, got {other:?}"),
    };
    let before = entry_count(store).await;
    for person in [&without, &elsewhere] {
        assert_eq!(
            refused(
                store
                    .create_referral(&acting(&alice, 2), &sa, &new_referral(person, &b))
                    .await
            ),
            "consent"
        );
    }
    assert_eq!(
        refused(
            store
                .create_referral(&acting(&alice, 2), &sa, &new_referral(&covered, &a))
                .await
        ),
        "to_organisation"
    );
    let unknown = Organisation {
        id: retrace_domain::OrgId::random(),
        ..b.clone()
    };
    assert_eq!(
        refused(
            store
                .create_referral(&acting(&alice, 2), &sa, &new_referral(&covered, &unknown))
                .await
        ),
        "to_organisation"
    );
    // Another organisation's person is not found.
    assert!(matches!(
        store
            .create_referral(&acting(&bob, 2), &sb, &new_referral(&covered, &a))
            .await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(entry_count(store).await, before, "refusals write nothing");

    // Consent withdrawn after the referral: hidden at the next read.
    let referral = store
        .create_referral(&acting(&alice, 3), &sa, &new_referral(&covered, &b))
        .await
        .unwrap();
    let consent = store
        .consents(&sa, covered.id)
        .await
        .unwrap()
        .into_iter()
        .next()
        .unwrap();
    store
        .withdraw_consent(&acting(&alice, 4), &sa, consent.id)
        .await
        .unwrap();
    let seen = store
        .referral(&acting(&bob, 5), &sb, referral.id)
        .await
        .unwrap()
        .unwrap();
    assert!(seen.withheld && seen.person.is_none() && seen.purpose.is_none());
    assert_eq!(seen.services, vec![Service::Shelter, Service::SafeReturn]);

    // A decline needs a reason and leaves the receiver nothing of the person.
    let second = person_sharing_with(store, &alice, &a, &["AL"]).await;
    let referral = store
        .create_referral(&acting(&alice, 6), &sa, &new_referral(&second, &b))
        .await
        .unwrap();
    assert_eq!(
        refused(
            store
                .decide_referral(&acting(&bob, 7), &sb, referral.id, false, None)
                .await
        ),
        "reason"
    );
    assert!(matches!(
        store
            .decide_referral(&acting(&alice, 7), &sa, referral.id, true, None)
            .await,
        Err(StoreError::Refused { .. })
    ));
    store
        .decide_referral(
            &acting(&bob, 8),
            &sb,
            referral.id,
            false,
            Some(&text("no shelter capacity")),
        )
        .await
        .unwrap();
    let seen = store
        .referral(&acting(&bob, 9), &sb, referral.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(seen.status, ReferralStatus::Declined);
    assert!(seen.withheld && seen.person.is_none() && seen.risk.is_none());
    let sender = store
        .referral(&acting(&alice, 10), &sa, referral.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        sender.reason.as_ref().map(Text::as_str),
        Some("no shelter capacity")
    );
}

/// Revising a template makes a new version; a case already started keeps
/// the checklist of the version it started on.
pub async fn template_revisions_do_not_change_started_cases<H: Harness>(h: &H) {
    let store = h.store();
    let (a, alice) = party(store, "Sender Org", "FR", "alice@a.org").await;
    let (b, _) = party(store, "Receiver Org", "AL", "bob@b.org").await;
    let sa = OrgScope::new(a.id);
    let first = store
        .save_sop_template(
            &acting(&alice, 1),
            &sa,
            Stage::Identification,
            &steps(&[("Version one step", true)]),
        )
        .await
        .unwrap();
    assert_eq!(first.version, 1);
    let person = person_sharing_with(store, &alice, &a, &["AL"]).await;
    let started = store
        .create_referral(&acting(&alice, 2), &sa, &new_referral(&person, &b))
        .await
        .unwrap();
    let second = store
        .save_sop_template(
            &acting(&alice, 3),
            &sa,
            Stage::Identification,
            &steps(&[("Version two step", true), ("Another", false)]),
        )
        .await
        .unwrap();
    assert_eq!(second.version, 2);
    let templates = store.sop_templates(&sa).await.unwrap();
    assert_eq!(templates.len(), 1);
    assert_eq!(templates[0].version, 2);
    let view = store
        .referral(&acting(&alice, 4), &sa, started.id)
        .await
        .unwrap()
        .unwrap();
    let labels: Vec<&str> = view.steps.iter().map(|s| s.label.as_str()).collect();
    assert_eq!(labels, vec!["Version one step"]);
    assert_eq!(view.steps[0].template_version, 1);
    let later = store
        .create_referral(&acting(&alice, 5), &sa, &new_referral(&person, &b))
        .await
        .unwrap();
    let view = store
        .referral(&acting(&alice, 6), &sa, later.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(view.steps.len(), 2);
    assert!(view.steps.iter().all(|s| s.template_version == 2));
    // Templates are the organisation's own.
    assert!(
        store
            .sop_templates(&OrgScope::new(b.id))
            .await
            .unwrap()
            .is_empty()
    );
}

/// The referral's audit append is its last statement: when it fails,
/// nothing of the referral remains (no row, no checklist, no event).
pub async fn creating_a_referral_stores_nothing_when_its_last_statement_fails<H: Harness>(h: &H) {
    let store = h.store();
    let (a, alice) = party(store, "Sender Org", "FR", "alice@a.org").await;
    let (b, _) = party(store, "Receiver Org", "AL", "bob@b.org").await;
    let sa = OrgScope::new(a.id);
    store
        .save_sop_template(
            &acting(&alice, 1),
            &sa,
            Stage::Identification,
            &steps(&[("Screen indicators", true)]),
        )
        .await
        .unwrap();
    let person = person_sharing_with(store, &alice, &a, &["AL"]).await;
    h.fail_audit_appends_of("referral_created").await.unwrap();
    let before = entry_count(store).await;
    assert!(
        store
            .create_referral(&acting(&alice, 2), &sa, &new_referral(&person, &b))
            .await
            .is_err()
    );
    assert_eq!(entry_count(store).await, before);
    assert!(
        store
            .referrals(&acting(&alice, 3), &sa, &ReferralFilter::new(Side::Sender))
            .await
            .unwrap()
            .is_empty()
    );
}

/// Two colleagues tick the same step at the same moment: exactly one
/// succeeds, the other gets a conflict, and one audit entry is written.
pub async fn a_step_ticked_twice_in_a_race_is_ticked_once<H: Harness>(h: &H) {
    let store = h.store();
    let (a, alice) = party(store, "Sender Org", "FR", "alice@a.org").await;
    let (b, _) = party(store, "Receiver Org", "AL", "bob@b.org").await;
    let sa = OrgScope::new(a.id);
    store
        .save_sop_template(
            &acting(&alice, 1),
            &sa,
            Stage::Identification,
            &steps(&[("Screen indicators", true)]),
        )
        .await
        .unwrap();
    let person = person_sharing_with(store, &alice, &a, &["AL"]).await;
    let referral = store
        .create_referral(&acting(&alice, 2), &sa, &new_referral(&person, &b))
        .await
        .unwrap();
    let view = store
        .referral(&acting(&alice, 3), &sa, referral.id)
        .await
        .unwrap()
        .unwrap();
    let step = view.steps[0].id;
    let before = entry_count(store).await;
    let (one, two) = (store.clone(), store.clone());
    let (audit_one, audit_two) = (acting(&alice, 4), acting(&alice, 4));
    let (first, second) = tokio::join!(
        async move {
            one.change_step(&audit_one, &sa, referral.id, step, &StepChange::Done)
                .await
        },
        async move {
            two.change_step(
                &audit_two,
                &sa,
                referral.id,
                step,
                &StepChange::Skipped {
                    reason: text("not needed"),
                },
            )
            .await
        }
    );
    let results = [first, second];
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1);
    assert!(
        results
            .iter()
            .any(|r| matches!(r, Err(StoreError::Conflict { field: "step" })))
    );
    assert_eq!(entry_count(store).await, before + 1);
}

/// A filled tool is saved to a referral with the definition it was filled
/// with, and seen only by the organisation that filled it; a third
/// organisation cannot fill one for the referral.
pub async fn filled_tools_stay_with_the_organisation_that_filled_them<H: Harness>(h: &H) {
    let store = h.store();
    let (a, alice) = party(store, "Sender Org", "FR", "alice@a.org").await;
    let (b, bob) = party(store, "Receiver Org", "AL", "bob@b.org").await;
    let (c, carol) = party(store, "Third Org", "IT", "carol@c.org").await;
    let (sa, sb, sc) = (
        OrgScope::new(a.id),
        OrgScope::new(b.id),
        OrgScope::new(c.id),
    );
    let person = person_sharing_with(store, &alice, &a, &["AL"]).await;
    let referral = store
        .create_referral(&acting(&alice, 2), &sa, &new_referral(&person, &b))
        .await
        .unwrap();
    let tool = retrace_domain::builtin_tools().remove(0);
    let values = std::collections::BTreeMap::from([(
        "notes".to_owned(),
        "documents kept by the employer".to_owned(),
    )]);
    let entry = store
        .save_tool_entry(&acting(&alice, 3), &sa, referral.id, &tool, &values)
        .await
        .unwrap();
    let listed = store.tool_entries(&sa, referral.id).await.unwrap();
    assert_eq!(listed.len(), 1);
    let read = store
        .tool_entry(&acting(&alice, 4), &sa, referral.id, entry.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(read.values, values);
    assert_eq!(read.definition, tool);
    assert!(
        store
            .tool_entries(&sb, referral.id)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .tool_entry(&acting(&bob, 5), &sb, referral.id, entry.id)
            .await
            .unwrap()
            .is_none()
    );
    assert!(matches!(
        store.tool_entries(&sc, referral.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store
            .save_tool_entry(&acting(&carol, 6), &sc, referral.id, &tool, &values)
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(actions(store, &a).await.iter().any(|x| x == "tool_filled"));
    assert!(
        actions(store, &a)
            .await
            .iter()
            .any(|x| x == "tool_entry_viewed")
    );
}
