//! Transnational referrals: the sender refers one of its persons to an
//! organisation (usually in another country) under the person's consent or
//! recorded lawful basis; the receiver accepts or declines, works its
//! stages with the standard-operating-procedure checklists, reports back
//! and closes with an outcome. Organisation administrators write the
//! checklist templates. Every action is one store transaction with its
//! audit entries; the consent rule is checked by the store in that
//! transaction, and again at every read by the receiver.

use crate::requests::day;
use crate::{Actor, App, AppError, AppResult, Collect};
use retrace_domain::Problem;
use retrace_domain::{
    CountryCode, Outcome, PersonId, ReferralId, ReferralShare, ReferralStatus, ReferralStepId,
    RiskAssessment, RiskLevel, Side, Stage, Text, Urgency, parse_services, parse_sop_steps,
};
use retrace_domain::{RawValue, ToolDefinition, ToolEntryId, ToolError, builtin_tools};
use retrace_store::{
    ChecklistStep, NewReferral, Referral, ReferralFilter, ReferralSummary, ReferralView,
    SopTemplate, StatusMove, StepChange, StoreError, ToolEntry,
};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::time::Duration;

const PURPOSE_MAX: usize = 2000;
const RISK_MAX: usize = 2000;
const NOTE_MAX: usize = 2000;
const REASON_MAX: usize = 500;

/// The risk assessment as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskInput {
    #[serde(default)]
    pub level: String,
    #[serde(default)]
    pub who_at_risk: String,
    #[serde(default)]
    pub from_whom: String,
    #[serde(default)]
    pub safety_plan: String,
}

/// What the sender chooses to share about the person.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShareInput {
    #[serde(default)]
    pub identity: bool,
    #[serde(default)]
    pub contact: bool,
    #[serde(default)]
    pub risk_assessment: bool,
}

/// A new referral as the API and the form give it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReferralInput {
    pub person: String,
    pub to_organisation: String,
    #[serde(default)]
    pub purpose: String,
    #[serde(default)]
    pub services: Vec<String>,
    #[serde(default)]
    pub urgency: String,
    #[serde(default)]
    pub risk: RiskInput,
    #[serde(default)]
    pub share: ShareInput,
}

fn required_text(field: &'static str, value: &str, max: usize) -> AppResult<Text> {
    if value.trim().is_empty() {
        return Err(AppError::Required { field });
    }
    Ok(Text::parse(field, value, max, true)?)
}

fn optional_text(field: &'static str, value: &str, max: usize) -> AppResult<Option<Text>> {
    if value.trim().is_empty() {
        Ok(None)
    } else {
        Ok(Some(Text::parse(field, value, max, true)?))
    }
}

impl ReferralInput {
    /// The referral, or every error of the input at once.
    pub(crate) fn parse(&self) -> AppResult<NewReferral> {
        let mut errors = Collect::default();
        let person: Option<PersonId> = errors.take(
            self.person
                .trim()
                .parse()
                .map_err(|_| AppError::invalid("person", Problem::ChoosePerson)),
        )?;
        let to_org = errors.take(self.to_organisation.trim().parse().map_err(|_| {
            AppError::invalid("to_organisation", Problem::ChooseReceivingOrganisation)
        }))?;
        let purpose = errors.take(required_text("purpose", &self.purpose, PURPOSE_MAX))?;
        let services = errors.take(
            parse_services(self.services.iter().map(String::as_str)).map_err(AppError::from),
        )?;
        let urgency = errors.take(Urgency::parse(&self.urgency).map_err(AppError::from))?;
        let level = errors.take(RiskLevel::parse(&self.risk.level).map_err(AppError::from))?;
        let who_at_risk = errors.take(
            required_text("risk.who_at_risk", &self.risk.who_at_risk, RISK_MAX)
                .map_err(rename("risk.who_at_risk")),
        )?;
        let from_whom = errors.take(
            optional_text("risk.from_whom", &self.risk.from_whom, RISK_MAX)
                .map_err(rename("risk.from_whom")),
        )?;
        let safety_plan = errors.take(
            required_text("risk.safety_plan", &self.risk.safety_plan, RISK_MAX)
                .map_err(rename("risk.safety_plan")),
        )?;
        errors.finish()?;
        match (
            person,
            to_org,
            purpose,
            services,
            urgency,
            level,
            who_at_risk,
            from_whom,
            safety_plan,
        ) {
            (
                Some(person),
                Some(to_org),
                Some(purpose),
                Some(services),
                Some(urgency),
                Some(level),
                Some(who_at_risk),
                Some(from_whom),
                Some(safety_plan),
            ) => Ok(NewReferral {
                person,
                to_org,
                purpose,
                services,
                urgency,
                risk: RiskAssessment {
                    level,
                    who_at_risk,
                    from_whom,
                    safety_plan,
                },
                share: ReferralShare {
                    identity: self.share.identity,
                    contact: self.share.contact,
                    risk_assessment: self.share.risk_assessment,
                },
            }),
            // `finish` returned every error noted, so each value is here.
            _ => Err(AppError::Internal(
                "a referral without errors lacks a value".to_owned(),
            )),
        }
    }
}

/// Names a nested field's error by its full JSON path.
fn rename(path: &'static str) -> impl Fn(AppError) -> AppError {
    move |error| match error {
        AppError::Invalid { problem, .. } => AppError::invalid(path, problem),
        AppError::Required { .. } => AppError::Required { field: path },
        other => other,
    }
}

/// The store's refusals and conflicts as errors naming the input.
fn refusal(error: StoreError) -> AppError {
    match error {
        StoreError::Refused { field, problem } => AppError::invalid(field, problem),
        StoreError::Conflict { field: "step" } => {
            AppError::conflict("step", Problem::StepAlreadyTicked)
        }
        StoreError::Conflict { field } => AppError::conflict(field, Problem::ReferralChanged),
        other => other.into(),
    }
}

/// Refers one of the actor's organisation's persons.
pub async fn create_referral(
    app: &App,
    actor: &Actor,
    input: &ReferralInput,
) -> AppResult<Referral> {
    actor.require_referral_officer()?;
    let new = input.parse()?;
    app.store()
        .create_referral(&actor.audit(app, "referral"), &actor.scope(), &new)
        .await
        .map_err(refusal)
}

/// The inbox or outbox filter as typed (query string or JSON).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ReferralQuery {
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub stage: String,
    #[serde(default)]
    pub urgency: String,
    #[serde(default)]
    pub country: String,
    /// Sent on or after this day.
    #[serde(default)]
    pub from: String,
    /// Sent on or before this day.
    #[serde(default)]
    pub to: String,
}

/// The value of the filter `field`, when given.
fn optional_code<T>(
    field: &str,
    value: &str,
    parse: fn(&str) -> Result<T, retrace_domain::InvalidValue>,
) -> AppResult<Option<T>> {
    if value.trim().is_empty() {
        Ok(None)
    } else {
        parse(value)
            .map(Some)
            .map_err(|error| AppError::invalid(field, error.problem))
    }
}

/// The inbox (`Side::Receiver`) or outbox (`Side::Sender`), filtered.
pub async fn list_referrals(
    app: &App,
    actor: &Actor,
    side: Side,
    query: &ReferralQuery,
) -> AppResult<Vec<ReferralSummary>> {
    actor.require_referral_officer()?;
    // Every filter that cannot be read is named at once.
    let mut errors = Collect::default();
    let status = errors.take(optional_code(
        "status",
        &query.status,
        ReferralStatus::parse,
    ))?;
    let stage = errors.take(optional_code("stage", &query.stage, Stage::parse))?;
    let urgency = errors.take(optional_code("urgency", &query.urgency, Urgency::parse))?;
    let country = errors.take(optional_code("country", &query.country, CountryCode::parse))?;
    let from = errors.take(day("from", &query.from))?;
    let until = errors.take(day("to", &query.to))?;
    let filter = errors.done(|| {
        Some(ReferralFilter {
            status: status?,
            stage: stage?,
            urgency: urgency?,
            country: country?,
            from: from?,
            until: until?.map(|t| t.plus(Duration::from_secs(86_400))),
            ..ReferralFilter::new(side)
        })
    })?;
    Ok(app
        .store()
        .referrals(&actor.audit(app, "referral list"), &actor.scope(), &filter)
        .await?)
}

/// One referral as the actor's side sees it now.
pub async fn view_referral(app: &App, actor: &Actor, id: ReferralId) -> AppResult<ReferralView> {
    actor.require_referral_officer()?;
    app.store()
        .referral(&actor.audit(app, "referral"), &actor.scope(), id)
        .await?
        .ok_or(AppError::NotFound)
}

/// The receiver's answer: `accept`, or `decline` with a reason.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecisionInput {
    pub decision: String,
    #[serde(default)]
    pub reason: String,
}

pub async fn decide_referral(
    app: &App,
    actor: &Actor,
    id: ReferralId,
    input: &DecisionInput,
) -> AppResult<Referral> {
    actor.require_referral_officer()?;
    let mut errors = Collect::default();
    let accept = match input.decision.trim() {
        "accept" => Some(true),
        "decline" => Some(false),
        _ => {
            errors.push(
                "decision",
                Problem::OneOf {
                    choices: vec![
                        retrace_domain::Choice::Accept,
                        retrace_domain::Choice::Decline,
                    ],
                },
            );
            None
        }
    };
    let reason = errors
        .take(optional_text("reason", &input.reason, REASON_MAX))?
        .flatten();
    if accept == Some(false) && reason.is_none() && input.reason.trim().is_empty() {
        errors.push("reason", Problem::DeclineNeedsReason);
    }
    errors.finish()?;
    let accept = accept.unwrap_or(false);
    app.store()
        .decide_referral(
            &actor.audit(app, "referral decision"),
            &actor.scope(),
            id,
            accept,
            reason.as_ref(),
        )
        .await
        .map_err(refusal)
}

/// The receiver starts the work (`in_progress`) or closes with an outcome.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusInput {
    pub status: String,
    #[serde(default)]
    pub outcome: String,
    #[serde(default)]
    pub note: String,
}

pub async fn change_status(
    app: &App,
    actor: &Actor,
    id: ReferralId,
    input: &StatusInput,
) -> AppResult<Referral> {
    actor.require_referral_officer()?;
    let change = match ReferralStatus::parse(&input.status)? {
        ReferralStatus::InProgress => StatusMove::Start,
        ReferralStatus::Closed => {
            let mut errors = Collect::default();
            let outcome = if input.outcome.trim().is_empty() {
                errors.push("outcome", Problem::Required);
                None
            } else {
                errors.take(Outcome::parse(&input.outcome).map_err(AppError::from))?
            };
            let note = errors.take(optional_text("note", &input.note, NOTE_MAX))?;
            errors.finish()?;
            match (outcome, note) {
                (Some(outcome), Some(note)) => StatusMove::Close { outcome, note },
                _ => {
                    return Err(AppError::Internal(
                        "a closing without errors lacks a value".to_owned(),
                    ));
                }
            }
        }
        _ => {
            return Err(AppError::invalid(
                "status",
                Problem::OneOf {
                    choices: vec![
                        retrace_domain::Choice::InProgress,
                        retrace_domain::Choice::Closed,
                    ],
                },
            ));
        }
    };
    app.store()
        .move_referral(
            &actor.audit(app, "referral status"),
            &actor.scope(),
            id,
            &change,
        )
        .await
        .map_err(refusal)
}

/// Ticks (`done`) or skips (`skip`, with a reason) a checklist step.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepInput {
    pub action: String,
    #[serde(default)]
    pub reason: String,
}

pub async fn change_step(
    app: &App,
    actor: &Actor,
    id: ReferralId,
    step: ReferralStepId,
    input: &StepInput,
) -> AppResult<ChecklistStep> {
    actor.require_referral_officer()?;
    let change = match input.action.trim() {
        "done" => StepChange::Done,
        "skip" => StepChange::Skipped {
            reason: optional_text("reason", &input.reason, REASON_MAX)?
                .ok_or_else(|| AppError::invalid("reason", Problem::SkipNeedsReason))?,
        },
        _ => {
            return Err(AppError::invalid(
                "action",
                Problem::OneOf {
                    choices: vec![retrace_domain::Choice::Done, retrace_domain::Choice::Skip],
                },
            ));
        }
    };
    app.store()
        .change_step(
            &actor.audit(app, "referral checklist"),
            &actor.scope(),
            id,
            step,
            &change,
        )
        .await
        .map_err(refusal)
}

/// Closes the current stage of the actor's side.
pub async fn close_stage(
    app: &App,
    actor: &Actor,
    id: ReferralId,
    stage: &str,
) -> AppResult<Referral> {
    actor.require_referral_officer()?;
    let stage = Stage::parse(stage)?;
    app.store()
        .close_stage(
            &actor.audit(app, "referral stage"),
            &actor.scope(),
            id,
            stage,
        )
        .await
        .map_err(refusal)
}

/// An update on the timeline; `report` shares it with the other side.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateInput {
    pub text: String,
    #[serde(default)]
    pub report: bool,
}

pub async fn post_update(
    app: &App,
    actor: &Actor,
    id: ReferralId,
    input: &UpdateInput,
) -> AppResult<()> {
    actor.require_referral_officer()?;
    let text = required_text("text", &input.text, NOTE_MAX)?;
    app.store()
        .post_referral_update(
            &actor.audit(app, "referral update"),
            &actor.scope(),
            id,
            &text,
            input.report,
        )
        .await
        .map_err(refusal)
}

/// One step of a template as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SopStepInput {
    pub label: String,
    #[serde(default)]
    pub required: bool,
}

/// A template's steps, in order. Blank labels are dropped.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SopTemplateInput {
    pub steps: Vec<SopStepInput>,
}

/// Saves a new version of the organisation's checklist template of a stage.
pub async fn save_template(
    app: &App,
    actor: &Actor,
    stage: &str,
    input: &SopTemplateInput,
) -> AppResult<SopTemplate> {
    actor.require_org_admin()?;
    let stage = Stage::parse(stage)?;
    let steps = parse_sop_steps(
        input
            .steps
            .iter()
            .map(|step| (step.label.clone(), step.required)),
    )?;
    Ok(app
        .store()
        .save_sop_template(
            &actor.audit(app, "sop template"),
            &actor.scope(),
            stage,
            &steps,
        )
        .await?)
}

/// The organisation's current templates; administrators and referral
/// officers read them.
pub async fn templates(app: &App, actor: &Actor) -> AppResult<Vec<SopTemplate>> {
    actor
        .require_org_admin()
        .or_else(|_| actor.require_referral_officer())?;
    Ok(app.store().sop_templates(&actor.scope()).await?)
}

/// The actor's organisation's toolbox: the built-in tools, then those its
/// administrators added.
pub async fn tools(app: &App, actor: &Actor) -> AppResult<Vec<ToolDefinition>> {
    actor
        .require_org_admin()
        .or_else(|_| actor.require_referral_officer())?;
    let mut tools = builtin_tools();
    tools.extend(app.store().org_tools(&actor.scope()).await?);
    Ok(tools)
}

fn tool_error(error: ToolError) -> AppError {
    AppError::invalid(error.field, error.problem)
}

/// Adds a tool (a definition with its fields in the four languages).
pub async fn add_tool(app: &App, actor: &Actor, definition: &ToolDefinition) -> AppResult<()> {
    actor.require_org_admin()?;
    definition.check().map_err(tool_error)?;
    if builtin_tools().iter().any(|t| t.key == definition.key) {
        return Err(AppError::conflict("key", Problem::BuiltinToolKey));
    }
    app.store()
        .add_tool(&actor.audit(app, "toolbox"), &actor.scope(), definition)
        .await
        .map_err(|error| match error {
            StoreError::Conflict { .. } => AppError::conflict("key", Problem::ToolKeyTaken),
            other => other.into(),
        })
}

/// A filled tool as the API sends it: field key → text, boolean or integer.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ToolEntryInput {
    pub values: BTreeMap<String, serde_json::Value>,
}

impl ToolEntryInput {
    /// From form fields, all text.
    pub fn from_text(values: impl IntoIterator<Item = (String, String)>) -> Self {
        Self {
            values: values
                .into_iter()
                .map(|(k, v)| (k, serde_json::Value::String(v)))
                .collect(),
        }
    }

    fn raw(&self) -> BTreeMap<String, RawValue> {
        self.values
            .iter()
            .map(|(key, value)| {
                let raw = match value {
                    serde_json::Value::String(s) => RawValue::Text(s.clone()),
                    serde_json::Value::Bool(b) => RawValue::Bool(*b),
                    serde_json::Value::Number(n) => {
                        n.as_i64().map(RawValue::Integer).unwrap_or(RawValue::Other)
                    }
                    serde_json::Value::Null => RawValue::Text(String::new()),
                    _ => RawValue::Other,
                };
                (key.clone(), raw)
            })
            .collect()
    }
}

/// Fills tool `key` for a referral of the actor's organisation (either
/// side); the values are checked against the tool's fields by type.
pub async fn fill_tool(
    app: &App,
    actor: &Actor,
    referral: ReferralId,
    key: &str,
    input: &ToolEntryInput,
) -> AppResult<ToolEntry> {
    actor.require_referral_officer()?;
    let tool = tools(app, actor)
        .await?
        .into_iter()
        .find(|t| t.key == key)
        .ok_or(AppError::NotFound)?;
    let values = tool.check_all_values(&input.raw()).map_err(|errors| {
        let mut collect = Collect::default();
        for error in errors {
            collect.push(error.field, error.problem);
        }
        collect
            .finish()
            .err()
            .unwrap_or_else(|| AppError::Internal("a refused tool without errors".to_owned()))
    })?;
    Ok(app
        .store()
        .save_tool_entry(
            &actor.audit(app, "toolbox"),
            &actor.scope(),
            referral,
            &tool,
            &values,
        )
        .await?)
}

/// One filled tool of the actor's organisation.
pub async fn tool_entry(
    app: &App,
    actor: &Actor,
    referral: ReferralId,
    id: ToolEntryId,
) -> AppResult<ToolEntry> {
    actor.require_referral_officer()?;
    app.store()
        .tool_entry(&actor.audit(app, "toolbox"), &actor.scope(), referral, id)
        .await?
        .ok_or(AppError::NotFound)
}
