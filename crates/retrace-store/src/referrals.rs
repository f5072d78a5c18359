//! What the store keeps for transnational referrals, and the one place
//! where each side's view of a referral is assembled.
//!
//! Design choice (as for transfers): the person's shared parts are read
//! live from the sending organisation's person record, never copied into
//! the referral. Each read by the receiver asks
//! `retrace_domain::receiver_may_see_person` against the person's flags
//! and consent ledger as they are now, so a withdrawn consent, a decline or
//! an at-risk flag hides the person at the next read. Checklists, on the
//! other hand, are copied from the organisation's template when their
//! stages start: a case keeps the version it started on.

use crate::backend::{corrupt, from_json, parse_id, parse_opt_id, stored_text, to_json};
use crate::{AuditContext, OrgScope, StoreError, StoreResult};
use async_trait::async_trait;
use retrace_domain::{
    ConsentRecord, CountryCode, EventKind, Outcome, PartialDate, PersonDetails, PersonId,
    PersonName, ReferralId, ReferralRefusal, ReferralShare, ReferralStatus, ReferralStepId,
    RiskAssessment, Service, Side, SopStep, Stage, StageRefusal, StepState, Text, Timestamp,
    Urgency, UserId, receiver_may_see_person,
};
use retrace_domain::{OrgId, Sex, ToolDefinition, ToolEntryId};
use std::collections::BTreeMap;

const T: &str = "referrals";

/// A referral as its sender asks for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReferral {
    pub person: PersonId,
    pub to_org: OrgId,
    pub purpose: Text,
    pub services: Vec<Service>,
    pub urgency: Urgency,
    pub risk: RiskAssessment,
    pub share: ReferralShare,
}

/// The stored referral, as the sender knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Referral {
    pub id: ReferralId,
    pub person: PersonId,
    pub from_org: OrgId,
    pub to_org: OrgId,
    pub purpose: Text,
    pub services: Vec<Service>,
    pub urgency: Urgency,
    pub risk: RiskAssessment,
    pub share: ReferralShare,
    pub status: ReferralStatus,
    /// The stage being worked; `None` once every stage is closed.
    pub stage: Option<Stage>,
    pub outcome: Option<Outcome>,
    /// The receiver's reason for a decline, or the closing note.
    pub reason: Option<Text>,
    pub created_by: Option<UserId>,
    pub created_at: Timestamp,
    pub accepted_by: Option<UserId>,
    pub decided_at: Option<Timestamp>,
    pub updated_at: Timestamp,
}

impl Referral {
    /// Which side `org` is on, if any.
    pub fn side_of(&self, org: OrgId) -> Option<Side> {
        if org == self.from_org {
            Some(Side::Sender)
        } else if org == self.to_org {
            Some(Side::Receiver)
        } else {
            None
        }
    }
}

/// The columns of a referral.
#[derive(Debug, Clone)]
pub struct ReferralRow {
    pub id: String,
    pub person_id: String,
    pub from_org: String,
    pub to_org: String,
    pub purpose: String,
    pub services: String,
    pub urgency: String,
    pub risk: String,
    pub share: String,
    pub status: String,
    pub stage: Option<String>,
    pub outcome: Option<String>,
    pub reason: Option<String>,
    pub created_by: Option<String>,
    pub created_at: i64,
    pub accepted_by: Option<String>,
    pub decided_at: Option<i64>,
    pub updated_at: i64,
}

fn code<V>(
    column: &str,
    value: &str,
    parse: fn(&str) -> Result<V, retrace_domain::InvalidValue>,
) -> StoreResult<V> {
    parse(value).map_err(|e| corrupt(T, format!("{column}: {e}")))
}

impl ReferralRow {
    pub fn into_referral(self) -> StoreResult<Referral> {
        Ok(Referral {
            id: parse_id(T, "id", &self.id)?,
            person: parse_id(T, "person_id", &self.person_id)?,
            from_org: parse_id(T, "from_org", &self.from_org)?,
            to_org: parse_id(T, "to_org", &self.to_org)?,
            purpose: stored_text(T, "purpose", &self.purpose)?,
            services: from_json(T, "services", &self.services)?,
            urgency: code("urgency", &self.urgency, Urgency::parse)?,
            risk: from_json(T, "risk", &self.risk)?,
            share: from_json(T, "share", &self.share)?,
            status: code("status", &self.status, ReferralStatus::parse)?,
            stage: self
                .stage
                .as_deref()
                .map(|s| code("stage", s, Stage::parse))
                .transpose()?,
            outcome: self
                .outcome
                .as_deref()
                .map(|s| code("outcome", s, Outcome::parse))
                .transpose()?,
            reason: self
                .reason
                .as_deref()
                .map(|r| stored_text(T, "reason", r))
                .transpose()?,
            created_by: parse_opt_id(T, "created_by", self.created_by.as_deref())?,
            created_at: Timestamp::from_millis(self.created_at),
            accepted_by: parse_opt_id(T, "accepted_by", self.accepted_by.as_deref())?,
            decided_at: self.decided_at.map(Timestamp::from_millis),
            updated_at: Timestamp::from_millis(self.updated_at),
        })
    }
}

/// The JSON columns of a new referral: services, risk, share.
pub fn referral_json(new: &NewReferral) -> StoreResult<(String, String, String)> {
    Ok((
        to_json(T, &new.services)?,
        to_json(T, &new.risk)?,
        to_json(T, &new.share)?,
    ))
}

/// The JSON `services` column of a referral.
pub fn services_from_json(text: &str) -> StoreResult<Vec<Service>> {
    from_json(T, "services", text)
}

/// One line of an inbox or outbox: no person id, no personal data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralSummary {
    pub id: ReferralId,
    /// The caller's side.
    pub side: Side,
    pub other_org: OrgId,
    pub other_org_name: String,
    pub other_country: CountryCode,
    pub status: ReferralStatus,
    pub stage: Option<Stage>,
    pub urgency: Urgency,
    pub services: Vec<Service>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// Which referrals a list shows. `side` picks the inbox (`Receiver`) or
/// the outbox (`Sender`); the other fields narrow it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralFilter {
    pub side: Side,
    pub status: Option<ReferralStatus>,
    pub stage: Option<Stage>,
    pub urgency: Option<Urgency>,
    /// The other organisation's country.
    pub country: Option<CountryCode>,
    /// Sent at or after.
    pub from: Option<Timestamp>,
    /// Sent before.
    pub until: Option<Timestamp>,
    pub limit: u32,
}

impl ReferralFilter {
    pub fn new(side: Side) -> Self {
        Self {
            side,
            status: None,
            stage: None,
            urgency: None,
            country: None,
            from: None,
            until: None,
            limit: 200,
        }
    }
}

/// A step of a referral's checklist, copied from a template version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChecklistStep {
    pub id: ReferralStepId,
    pub stage: Stage,
    pub position: i64,
    pub label: Text,
    pub required: bool,
    pub template_version: i64,
    pub state: StepState,
    /// Why it was skipped.
    pub reason: Option<Text>,
    pub by: Option<UserId>,
    pub at: Option<Timestamp>,
}

/// A line of a referral's timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineEvent {
    pub at: Timestamp,
    /// Which side wrote it.
    pub side: Side,
    pub kind: EventKind,
    pub stage: Option<Stage>,
    pub outcome: Option<Outcome>,
    pub text: Option<Text>,
    /// True when the other side sees it.
    pub shared: bool,
}

/// An organisation of a referral and its contact person, as either side
/// sees it: name, country, and the staff member's name and email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralParty {
    pub org: OrgId,
    pub name: String,
    pub country: CountryCode,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
}

/// The person as shared with the receiver (identity and contact parts
/// only), or as the sender knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferredPerson {
    pub names: Vec<PersonName>,
    pub sex: Sex,
    pub birth_date: Option<PartialDate>,
    pub nationalities: Vec<CountryCode>,
    pub languages: Vec<Text>,
    pub contact: Option<Text>,
}

impl ReferredPerson {
    fn of(details: &PersonDetails, contact: bool) -> Self {
        Self {
            names: details.names().to_vec(),
            sex: details.sex,
            birth_date: details.birth_date,
            nationalities: details.nationalities.clone(),
            languages: details.languages.clone(),
            contact: if contact {
                details.contact.clone()
            } else {
                None
            },
        }
    }
}

/// A referral as one of its two sides sees it now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralView {
    pub id: ReferralId,
    pub side: Side,
    pub from: ReferralParty,
    pub to: ReferralParty,
    pub status: ReferralStatus,
    pub stage: Option<Stage>,
    pub urgency: Urgency,
    pub services: Vec<Service>,
    pub outcome: Option<Outcome>,
    pub reason: Option<Text>,
    pub created_at: Timestamp,
    pub decided_at: Option<Timestamp>,
    /// The sender's own person id; `None` for the receiver.
    pub person_id: Option<PersonId>,
    /// The person: everything for the sender, the shared parts for the
    /// receiver while the rule allows (`None` otherwise).
    pub person: Option<ReferredPerson>,
    pub purpose: Option<Text>,
    pub risk: Option<RiskAssessment>,
    /// What the sender chose to share (shown to both sides).
    pub share: ReferralShare,
    /// True when the receiver is shown nothing about the person now
    /// (declined, consent withdrawn, or the person flagged at risk).
    pub withheld: bool,
    /// The checklists of the caller's own stages.
    pub steps: Vec<ChecklistStep>,
    /// The caller's own events and what the other side shared.
    pub timeline: Vec<TimelineEvent>,
}

/// Assembles `side`'s view. `ledger` and `details` are the person's as they
/// are now; `steps` and `events` are every row of the referral.
#[allow(clippy::too_many_arguments, reason = "the parts of one view")]
pub fn referral_view(
    referral: Referral,
    side: Side,
    from: ReferralParty,
    to: ReferralParty,
    details: &PersonDetails,
    ledger: &[ConsentRecord],
    steps: Vec<ChecklistStep>,
    events: Vec<TimelineEvent>,
) -> ReferralView {
    let visible = match side {
        Side::Sender => true,
        Side::Receiver => receiver_may_see_person(
            referral.status,
            referral.to_org,
            to.country,
            details.flags,
            retrace_domain::ConsentLedger(ledger),
        ),
    };
    let (person, purpose, risk) = match side {
        Side::Sender => (
            Some(ReferredPerson::of(details, true)),
            Some(referral.purpose.clone()),
            Some(referral.risk.clone()),
        ),
        Side::Receiver if visible => (
            referral
                .share
                .identity
                .then(|| ReferredPerson::of(details, referral.share.contact)),
            Some(referral.purpose.clone()),
            referral
                .share
                .risk_assessment
                .then(|| referral.risk.clone()),
        ),
        Side::Receiver => (None, None, None),
    };
    let steps = steps
        .into_iter()
        .filter(|s| s.stage.worked_by() == side)
        .collect();
    let timeline = events
        .into_iter()
        .filter(|e| e.side == side || e.shared)
        .collect();
    ReferralView {
        id: referral.id,
        side,
        from,
        to,
        status: referral.status,
        stage: referral.stage,
        urgency: referral.urgency,
        services: referral.services,
        outcome: referral.outcome,
        reason: referral.reason,
        created_at: referral.created_at,
        decided_at: referral.decided_at,
        person_id: (side == Side::Sender).then_some(referral.person),
        person,
        purpose,
        risk,
        share: referral.share,
        withheld: !visible,
        steps,
        timeline,
    }
}

/// A version of an organisation's template for one stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SopTemplate {
    pub org: OrgId,
    pub stage: Stage,
    pub version: i64,
    pub steps: Vec<SopStep>,
    pub created_by: Option<UserId>,
    pub created_at: Timestamp,
}

/// The JSON `steps` column of a template.
pub fn steps_json(steps: &[SopStep]) -> StoreResult<String> {
    to_json("sop_templates", &steps)
}

pub fn steps_from_json(text: &str) -> StoreResult<Vec<SopStep>> {
    from_json("sop_templates", "steps", text)
}

/// Parses a stored code column of the referral tables.
pub fn stored_code<V>(
    column: &str,
    value: &str,
    parse: fn(&str) -> Result<V, retrace_domain::InvalidValue>,
) -> StoreResult<V> {
    code(column, value, parse)
}

/// Parses a stored text column of the referral tables.
pub fn stored_referral_text(column: &'static str, value: &str) -> StoreResult<Text> {
    stored_text(T, column, value)
}

/// Parses a stored id column of the referral tables.
pub fn stored_id<I: std::str::FromStr>(column: &str, value: &str) -> StoreResult<I> {
    parse_id(T, column, value)
}

/// Parses a stored optional id column of the referral tables.
pub fn stored_opt_id<I: std::str::FromStr>(
    column: &str,
    value: Option<&str>,
) -> StoreResult<Option<I>> {
    parse_opt_id(T, column, value)
}

/// A refusal of the referral rule as a store error.
pub fn referral_refused(refusal: ReferralRefusal) -> StoreError {
    StoreError::Refused {
        field: refusal.field(),
        problem: refusal.problem(),
    }
}

/// A refusal of the stage rules as a store error.
pub fn stage_refused(refusal: StageRefusal) -> StoreError {
    match refusal {
        StageRefusal::AlreadyTicked => StoreError::Conflict { field: "step" },
        other => StoreError::Refused {
            field: other.field(),
            problem: other.problem(),
        },
    }
}

/// What is done to a checklist step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepChange {
    Done,
    Skipped { reason: Text },
}

/// A status change of the receiver after acceptance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatusMove {
    Start,
    Close {
        outcome: Outcome,
        note: Option<Text>,
    },
}

/// A tool filled for a referral, with the definition it was filled with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolEntry {
    pub id: ToolEntryId,
    pub referral: ReferralId,
    pub tool_key: String,
    pub definition: ToolDefinition,
    pub values: BTreeMap<String, String>,
    pub filled_by: Option<UserId>,
    pub filled_at: Timestamp,
}

/// The JSON columns of a tool definition and of filled values.
pub fn tool_json(definition: &ToolDefinition) -> StoreResult<String> {
    to_json("referral_tools", definition)
}

pub fn tool_from_json(text: &str) -> StoreResult<ToolDefinition> {
    from_json("referral_tools", "definition", text)
}

pub fn values_json(values: &BTreeMap<String, String>) -> StoreResult<String> {
    to_json("referral_tool_entries", values)
}

pub fn values_from_json(text: &str) -> StoreResult<BTreeMap<String, String>> {
    from_json("referral_tool_entries", "entry_values", text)
}

/// Transnational referrals: every read takes the caller's scope (a
/// referral is visible to its two organisations only; to anyone else it is
/// `None`/`NotFound`, exactly like a missing one) and every change writes
/// its audit entries in the same transaction.
#[async_trait]
pub trait ReferralStore: Send + Sync {
    /// Refers one of the scope's persons to another organisation, audited
    /// as `referral_created`. `retrace_domain::referral_decision` is
    /// checked in the same transaction (a refusal is `Refused { field,
    /// message }`); the sender's checklists (identification, referral) are
    /// copied from its current templates; the timeline starts with `sent`.
    async fn create_referral(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        new: &NewReferral,
    ) -> StoreResult<Referral>;

    /// The scope's inbox or outbox, newest first, audited as
    /// `referrals_listed`.
    async fn referrals(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        filter: &ReferralFilter,
    ) -> StoreResult<Vec<ReferralSummary>>;

    /// One referral as the scope's side sees it now, audited as
    /// `referral_viewed`. `None` when the scope is neither side.
    async fn referral(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        id: ReferralId,
    ) -> StoreResult<Option<ReferralView>>;

    /// The receiver accepts (copying its current templates for the
    /// assistance to reintegration stages) or declines with a reason.
    /// `Conflict { field: "status" }` unless the referral is `sent`.
    async fn decide_referral(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        id: ReferralId,
        accept: bool,
        reason: Option<&Text>,
    ) -> StoreResult<Referral>;

    /// The receiver starts the work or closes the referral with an
    /// outcome. `Conflict { field: "status" }` for a move the status
    /// machine does not allow.
    async fn move_referral(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        id: ReferralId,
        change: &StatusMove,
    ) -> StoreResult<Referral>;

    /// Ticks or skips (with a reason) a step of the current stage, by the
    /// side that works it. `Conflict { field: "step" }` when it was
    /// already ticked or skipped, even by a concurrent request.
    async fn change_step(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        id: ReferralId,
        step: ReferralStepId,
        change: &StepChange,
    ) -> StoreResult<ChecklistStep>;

    /// Closes the current stage when its required steps are done or
    /// skipped; the next stage becomes current. Shared with the other
    /// side on its timeline.
    async fn close_stage(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        id: ReferralId,
        stage: Stage,
    ) -> StoreResult<Referral>;

    /// Adds a news item to the timeline; `shared` reports it to the other
    /// side.
    async fn post_referral_update(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        id: ReferralId,
        text: &Text,
        shared: bool,
    ) -> StoreResult<()>;

    /// Saves a new version of the scope's template for `stage`.
    async fn save_sop_template(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        stage: Stage,
        steps: &[SopStep],
    ) -> StoreResult<SopTemplate>;

    /// The latest version of each of the scope's templates, in stage order.
    async fn sop_templates(&self, scope: &OrgScope) -> StoreResult<Vec<SopTemplate>>;

    /// Adds a tool to the scope's toolbox, audited as `tool_added`.
    /// `Conflict { field: "key" }` when the scope already has one with
    /// that key.
    async fn add_tool(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        definition: &ToolDefinition,
    ) -> StoreResult<()>;

    /// The tools the scope added, by key.
    async fn org_tools(&self, scope: &OrgScope) -> StoreResult<Vec<ToolDefinition>>;

    /// Saves a filled tool to one of the scope's referrals (either side),
    /// audited as `tool_filled`. The values were checked against
    /// `definition` by the caller; the definition is kept with them.
    async fn save_tool_entry(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        referral: ReferralId,
        definition: &ToolDefinition,
        values: &BTreeMap<String, String>,
    ) -> StoreResult<ToolEntry>;

    /// The tools the scope filled for a referral, newest first, without
    /// their values; `NotFound` when the scope is neither side.
    async fn tool_entries(
        &self,
        scope: &OrgScope,
        referral: ReferralId,
    ) -> StoreResult<Vec<(ToolEntryId, String, Timestamp)>>;

    /// One filled tool of the scope, audited as `tool_entry_viewed`.
    async fn tool_entry(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        referral: ReferralId,
        id: ToolEntryId,
    ) -> StoreResult<Option<ToolEntry>>;
}
