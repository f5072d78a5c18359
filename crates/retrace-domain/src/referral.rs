//! Transnational referral (anti-trafficking): a case about a person, sent by
//! one organisation to another (usually in another country), worked through
//! the six stages of the mechanism with a standard-operating-procedure
//! checklist per stage.
//!
//! Key design decisions: the person is the tracing side's person record
//! (one identity, one consent ledger), so a referral needs an active
//! sharing consent (or recorded lawful basis) covering the receiving
//! organisation or its country, asked through the one disclosure rule
//! (`disclosure::may_disclose`) when the referral is made and again at
//! every read by the receiver. A checklist is copied from the organisation's
//! template when its stages start, so revising a template never changes a
//! case already started.

use crate::consent::ConsentLedger;
use crate::disclosure::{Audience, Withheld, may_disclose};
use crate::person::{PersonFlags, Text, code_enum};
use crate::{CountryCode, InvalidValue, OrgId};
use serde::{Deserialize, Serialize};

code_enum!(
    /// A service the receiving organisation is asked to provide.
    Service, "services" {
        Shelter => "shelter",
        Medical => "medical",
        Legal => "legal",
        Psychosocial => "psychosocial",
        SafeReturn => "safe_return",
        Reintegration => "reintegration",
        FamilyTracing => "family_tracing",
        Documents => "documents",
    }
);

code_enum!(
    Urgency, "urgency" {
        Routine => "routine",
        Urgent => "urgent",
        Emergency => "emergency",
    }
);

code_enum!(
    RiskLevel, "risk.level" {
        Low => "low",
        Medium => "medium",
        High => "high",
    }
);

code_enum!(
    /// The six stages of the transnational referral mechanism, in order.
    Stage, "stage" {
        Identification => "identification",
        Referral => "referral",
        Assistance => "assistance",
        Monitoring => "monitoring",
        Return => "return",
        Reintegration => "reintegration",
    }
);

/// Which organisation of a referral does something.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Sender,
    Receiver,
}

impl Side {
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Sender => "sender",
            Side::Receiver => "receiver",
        }
    }
}

impl Stage {
    /// The stage after this one; `None` after reintegration.
    pub fn next(self) -> Option<Stage> {
        let all = Stage::ALL;
        let index = all.iter().position(|s| *s == self)?;
        all.get(index + 1).copied()
    }

    /// The organisation that works the stage: the sender identifies and
    /// refers; the receiver assists, monitors, organises the return and
    /// the reintegration with its partners.
    pub fn worked_by(self) -> Side {
        match self {
            Stage::Identification | Stage::Referral => Side::Sender,
            _ => Side::Receiver,
        }
    }

    /// The stages a side works, in order.
    pub fn of(side: Side) -> impl Iterator<Item = Stage> {
        Stage::ALL
            .iter()
            .copied()
            .filter(move |stage| stage.worked_by() == side)
    }
}

code_enum!(
    /// Where a referral stands: sent → accepted or declined → in progress
    /// → closed with an outcome.
    ReferralStatus, "status" {
        Sent => "sent",
        Accepted => "accepted",
        Declined => "declined",
        InProgress => "in_progress",
        Closed => "closed",
    }
);

impl ReferralStatus {
    pub fn may_become(self, next: ReferralStatus) -> bool {
        use ReferralStatus::*;
        matches!(
            (self, next),
            (Sent, Accepted) | (Sent, Declined) | (Accepted, InProgress) | (InProgress, Closed)
        )
    }

    /// While the receiver may see the shared parts (never after a decline;
    /// consent is asked as well, at every read).
    pub fn shows_shared_parts(self) -> bool {
        self != ReferralStatus::Declined
    }

    /// While the receiver's checklists may be worked.
    pub fn is_active(self) -> bool {
        matches!(self, ReferralStatus::Accepted | ReferralStatus::InProgress)
    }
}

code_enum!(
    /// How a referral ended.
    Outcome, "outcome" {
        Assisted => "assisted",
        ReturnedSafely => "returned_safely",
        Reintegrated => "reintegrated",
        PersonWithdrew => "person_withdrew",
        LostContact => "lost_contact",
        ReferredElsewhere => "referred_elsewhere",
    }
);

code_enum!(
    /// What a line of a referral's timeline records.
    EventKind, "kind" {
        Sent => "sent",
        Accepted => "accepted",
        Declined => "declined",
        InProgress => "in_progress",
        Closed => "closed",
        StageClosed => "stage_closed",
        Update => "update",
    }
);

/// Who is at risk, from whom, and the plan to keep them safe.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskAssessment {
    pub level: RiskLevel,
    pub who_at_risk: Text,
    pub from_whom: Option<Text>,
    pub safety_plan: Text,
}

/// What the sender chose to share about the person. The services, urgency
/// and stages are always visible to the receiver; these parts only while
/// the person's consent covers it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferralShare {
    /// Names, sex, birth date, nationalities, languages.
    pub identity: bool,
    /// The person's contact details.
    pub contact: bool,
    /// The risk assessment.
    pub risk_assessment: bool,
}

/// The services asked, at least one, each once.
pub fn parse_services<'a>(
    codes: impl IntoIterator<Item = &'a str>,
) -> Result<Vec<Service>, InvalidValue> {
    let mut services = Vec::new();
    for code in codes {
        let service = Service::parse(code)?;
        if !services.contains(&service) {
            services.push(service);
        }
    }
    if services.is_empty() {
        return Err(InvalidValue::new(
            "services",
            crate::Problem::ServicesRequired,
        ));
    }
    Ok(services)
}

/// Why a referral is refused; `field` names the input to blame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReferralRefusal {
    OwnOrganisation,
    UnknownOrganisation,
    AtRisk,
    NoConsent,
}

impl ReferralRefusal {
    pub fn field(self) -> &'static str {
        match self {
            ReferralRefusal::OwnOrganisation | ReferralRefusal::UnknownOrganisation => {
                "to_organisation"
            }
            ReferralRefusal::AtRisk => "person",
            ReferralRefusal::NoConsent => "consent",
        }
    }

    pub fn problem(self) -> crate::Problem {
        use crate::Problem;
        match self {
            ReferralRefusal::OwnOrganisation => Problem::ReferralOwnOrganisation,
            ReferralRefusal::UnknownOrganisation => Problem::NoSuchOrganisation,
            ReferralRefusal::AtRisk => Problem::PersonAtRisk,
            ReferralRefusal::NoConsent => Problem::ReferralNoConsent,
        }
    }
}

/// May this person be referred from `from_org` to `to_org` (in
/// `to_country`, `None` when no such organisation exists)? Checked in the
/// transaction that records the referral.
pub fn referral_decision(
    from_org: OrgId,
    to_org: OrgId,
    to_country: Option<CountryCode>,
    flags: PersonFlags,
    ledger: ConsentLedger<'_>,
) -> Result<(), ReferralRefusal> {
    if from_org == to_org {
        return Err(ReferralRefusal::OwnOrganisation);
    }
    let Some(country) = to_country else {
        return Err(ReferralRefusal::UnknownOrganisation);
    };
    may_disclose(
        flags,
        ledger,
        Audience::Organisation {
            org: to_org,
            country,
        },
    )
    .map_err(|withheld| match withheld {
        Withheld::AtRisk => ReferralRefusal::AtRisk,
        Withheld::NoConsent => ReferralRefusal::NoConsent,
    })
}

/// May the receiver see the person's shared parts now? Asked at every read.
pub fn receiver_may_see_person(
    status: ReferralStatus,
    to_org: OrgId,
    to_country: CountryCode,
    flags: PersonFlags,
    ledger: ConsentLedger<'_>,
) -> bool {
    status.shows_shared_parts()
        && may_disclose(
            flags,
            ledger,
            Audience::Organisation {
                org: to_org,
                country: to_country,
            },
        )
        .is_ok()
}

/// One step of a standard operating procedure as an administrator writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SopStep {
    pub label: Text,
    pub required: bool,
}

pub const SOP_MAX_STEPS: usize = 40;
pub const SOP_LABEL_MAX: usize = 300;

/// The steps of a template: one to forty, labels unique.
pub fn parse_sop_steps(
    steps: impl IntoIterator<Item = (String, bool)>,
) -> Result<Vec<SopStep>, InvalidValue> {
    let mut parsed: Vec<SopStep> = Vec::new();
    for (label, required) in steps {
        if label.trim().is_empty() {
            continue;
        }
        let label = Text::parse("steps", &label, SOP_LABEL_MAX, false)?;
        if parsed.iter().any(|s| s.label == label) {
            return Err(InvalidValue::new("steps", crate::Problem::StepRepeated));
        }
        parsed.push(SopStep { label, required });
    }
    if parsed.is_empty() {
        return Err(InvalidValue::new("steps", crate::Problem::StepsRequired));
    }
    if parsed.len() > SOP_MAX_STEPS {
        return Err(InvalidValue::new(
            "steps",
            crate::Problem::TooManySteps { max: SOP_MAX_STEPS },
        ));
    }
    Ok(parsed)
}

code_enum!(
    /// Where a checklist step stands.
    StepState, "state" {
        Open => "open",
        Done => "done",
        Skipped => "skipped",
    }
);

/// Why a stage cannot close, or a step cannot change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StageRefusal {
    /// Not the stage being worked now.
    NotCurrent,
    /// The other organisation works this stage.
    OtherSide,
    /// The receiver has not accepted, or the referral is over.
    NotActive,
    /// A required step is neither done nor skipped with a reason.
    RequiredStepsOpen,
    /// The step was already ticked or skipped (perhaps by a colleague at
    /// the same moment).
    AlreadyTicked,
    /// Skipping needs a reason.
    SkipNeedsReason,
}

impl StageRefusal {
    pub fn field(self) -> &'static str {
        match self {
            StageRefusal::NotCurrent | StageRefusal::OtherSide | StageRefusal::NotActive => "stage",
            StageRefusal::RequiredStepsOpen | StageRefusal::AlreadyTicked => "step",
            StageRefusal::SkipNeedsReason => "reason",
        }
    }

    pub fn problem(self) -> crate::Problem {
        use crate::Problem;
        match self {
            StageRefusal::NotCurrent => Problem::StageNotCurrent,
            StageRefusal::OtherSide => Problem::StageOtherSide,
            StageRefusal::NotActive => Problem::ReferralNotActive,
            StageRefusal::RequiredStepsOpen => Problem::RequiredStepsOpen,
            StageRefusal::AlreadyTicked => Problem::StepAlreadyTicked,
            StageRefusal::SkipNeedsReason => Problem::SkipNeedsReason,
        }
    }
}

/// May `side` work `stage` of a referral whose current stage is `current`
/// (`None` once every stage is closed) and status `status`?
pub fn may_work_stage(
    side: Side,
    stage: Stage,
    current: Option<Stage>,
    status: ReferralStatus,
) -> Result<(), StageRefusal> {
    if stage.worked_by() != side {
        return Err(StageRefusal::OtherSide);
    }
    if current != Some(stage) {
        return Err(StageRefusal::NotCurrent);
    }
    let active = match side {
        // The sender identifies and refers while the referral is open.
        Side::Sender => !matches!(status, ReferralStatus::Declined | ReferralStatus::Closed),
        Side::Receiver => status.is_active(),
    };
    if active {
        Ok(())
    } else {
        Err(StageRefusal::NotActive)
    }
}

/// A stage closes when each required step is done or skipped.
pub fn stage_may_close(
    steps: impl IntoIterator<Item = (bool, StepState)>,
) -> Result<(), StageRefusal> {
    if steps
        .into_iter()
        .any(|(required, state)| required && state == StepState::Open)
    {
        Err(StageRefusal::RequiredStepsOpen)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        ConsentBasis, ConsentId, ConsentPurpose, ConsentRecord, LawfulBasis, PersonId,
        SharingScope, Timestamp, UserId,
    };

    fn sharing(org: Option<OrgId>, countries: &[&str], withdrawn: bool) -> ConsentRecord {
        ConsentRecord {
            id: ConsentId::random(),
            person: PersonId::random(),
            purpose: ConsentPurpose::Sharing,
            basis: ConsentBasis::Lawful(LawfulBasis::VitalInterest),
            scope: SharingScope {
                organisations: org.into_iter().collect(),
                countries: countries
                    .iter()
                    .map(|c| CountryCode::parse(c).unwrap())
                    .collect(),
            },
            note: None,
            recorded_by: UserId::random(),
            recorded_at: Timestamp::from_millis(1),
            withdrawn_at: withdrawn.then(|| Timestamp::from_millis(2)),
            withdrawn_by: None,
        }
    }

    #[test]
    fn referrals_need_another_known_organisation_and_a_covering_basis() {
        let (a, b) = (OrgId::random(), OrgId::random());
        let al = Some(CountryCode::parse("AL").unwrap());
        let safe = PersonFlags::default();
        let covering = [sharing(Some(b), &[], false)];
        let by_country = [sharing(None, &["AL"], false)];
        let withdrawn = [sharing(Some(b), &[], true)];
        let elsewhere = [sharing(None, &["MA"], false)];
        let check = |to, country, flags, ledger: &[ConsentRecord]| {
            referral_decision(a, to, country, flags, ConsentLedger(ledger))
        };
        assert_eq!(check(b, al, safe, &covering), Ok(()));
        assert_eq!(check(b, al, safe, &by_country), Ok(()));
        assert_eq!(
            check(a, al, safe, &covering),
            Err(ReferralRefusal::OwnOrganisation)
        );
        assert_eq!(
            check(b, None, safe, &covering),
            Err(ReferralRefusal::UnknownOrganisation)
        );
        assert_eq!(check(b, al, safe, &[]), Err(ReferralRefusal::NoConsent));
        assert_eq!(
            check(b, al, safe, &withdrawn),
            Err(ReferralRefusal::NoConsent)
        );
        assert_eq!(
            check(b, al, safe, &elsewhere),
            Err(ReferralRefusal::NoConsent)
        );
        let at_risk = PersonFlags {
            at_risk: true,
            ..PersonFlags::default()
        };
        assert_eq!(
            check(b, al, at_risk, &covering),
            Err(ReferralRefusal::AtRisk)
        );
        assert_eq!(ReferralRefusal::NoConsent.field(), "consent");
    }

    #[test]
    fn the_receiver_sees_the_person_only_while_not_declined_and_consent_holds() {
        let b = OrgId::random();
        let al = CountryCode::parse("AL").unwrap();
        let covering = [sharing(Some(b), &[], false)];
        let withdrawn = [sharing(Some(b), &[], true)];
        let safe = PersonFlags::default();
        assert!(receiver_may_see_person(
            ReferralStatus::InProgress,
            b,
            al,
            safe,
            ConsentLedger(&covering)
        ));
        assert!(!receiver_may_see_person(
            ReferralStatus::Declined,
            b,
            al,
            safe,
            ConsentLedger(&covering)
        ));
        assert!(!receiver_may_see_person(
            ReferralStatus::Accepted,
            b,
            al,
            safe,
            ConsentLedger(&withdrawn)
        ));
    }

    #[test]
    fn statuses_move_forward_only() {
        use ReferralStatus::*;
        assert!(Sent.may_become(Accepted));
        assert!(Sent.may_become(Declined));
        assert!(Accepted.may_become(InProgress));
        assert!(InProgress.may_become(Closed));
        for (from, to) in [
            (Declined, Accepted),
            (Sent, Closed),
            (Closed, InProgress),
            (Accepted, Accepted),
            (Sent, InProgress),
        ] {
            assert!(!from.may_become(to), "{from} -> {to}");
        }
    }

    #[test]
    fn stages_run_in_order_and_belong_to_one_side() {
        assert_eq!(Stage::Identification.next(), Some(Stage::Referral));
        assert_eq!(Stage::Return.next(), Some(Stage::Reintegration));
        assert_eq!(Stage::Reintegration.next(), None);
        assert_eq!(
            Stage::of(Side::Sender).collect::<Vec<_>>(),
            vec![Stage::Identification, Stage::Referral]
        );
        assert_eq!(Stage::of(Side::Receiver).count(), 4);
        use ReferralStatus::*;
        let current = Some(Stage::Assistance);
        assert_eq!(
            may_work_stage(Side::Receiver, Stage::Assistance, current, InProgress),
            Ok(())
        );
        assert_eq!(
            may_work_stage(Side::Receiver, Stage::Assistance, current, Sent),
            Err(StageRefusal::NotActive)
        );
        assert_eq!(
            may_work_stage(Side::Sender, Stage::Assistance, current, InProgress),
            Err(StageRefusal::OtherSide)
        );
        assert_eq!(
            may_work_stage(Side::Receiver, Stage::Monitoring, current, InProgress),
            Err(StageRefusal::NotCurrent)
        );
        assert_eq!(
            may_work_stage(
                Side::Sender,
                Stage::Identification,
                Some(Stage::Identification),
                Sent
            ),
            Ok(())
        );
    }

    #[test]
    fn a_stage_closes_when_required_steps_are_done_or_skipped() {
        use StepState::*;
        assert_eq!(stage_may_close([]), Ok(()));
        assert_eq!(
            stage_may_close([(true, Done), (true, Skipped), (false, Open)]),
            Ok(())
        );
        assert_eq!(
            stage_may_close([(true, Done), (true, Open)]),
            Err(StageRefusal::RequiredStepsOpen)
        );
    }

    #[test]
    fn services_and_steps_are_parsed_with_named_errors() {
        assert_eq!(
            parse_services(["shelter", "legal", "shelter"]).unwrap(),
            vec![Service::Shelter, Service::Legal]
        );
        assert_eq!(parse_services([]).unwrap_err().field, "services");
        assert_eq!(parse_services(["spa"]).unwrap_err().field, "services");
        let steps = parse_sop_steps([
            ("Screen indicators".to_owned(), true),
            (String::new(), false),
            ("Offer interpreter".to_owned(), false),
        ])
        .unwrap();
        assert_eq!(steps.len(), 2);
        assert!(parse_sop_steps([("a".to_owned(), true), ("a".to_owned(), false)]).is_err());
        assert_eq!(parse_sop_steps([]).unwrap_err().field, "steps");
    }
}
