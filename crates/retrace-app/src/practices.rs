//! The smart-practices database (issue 14, item 2): members submit a
//! practice to one of their organisation's networks, the public sends one
//! through a form (held until a coordinating organisation accepts it), two
//! reviewers of two other member organisations review it with a verdict
//! and a comment, and its own (or a coordinating) organisation publishes
//! it after two approvals. Published practices are anyone's to read and
//! search. The rules are `retrace_domain::practice`'s, asked again in the
//! store's transaction.

use crate::{Actor, App, AppError, AppResult, Collect};
use retrace_domain::Problem;
use retrace_domain::library::{SearchQuery, TextLanguage};
use retrace_domain::{
    Cost, CountryCode, GcmObjective, NetworkId, NewPractice, PracticeId, PracticeStatus,
    PracticeText, Role, RouteStage, SupportType, Text, Verdict,
};
use retrace_store::{
    AuditContext, FormStamp, Practice, PracticeFilter, PracticeReader, PracticeSummary, StoreError,
};
use serde::Deserialize;

/// The most practices one page or API call lists.
pub const PRACTICES_PER_PAGE: u32 = 100;
/// The longest review comment.
pub const COMMENT_MAX: usize = 4000;

/// A practice as typed: the member's form, the public's form and the API
/// body. Lists are codes; `objectives` numbers 1 to 23.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PracticeInput {
    pub network: String,
    pub language: String,
    pub title: String,
    #[serde(default)]
    pub stages: Vec<String>,
    #[serde(default)]
    pub support: Vec<String>,
    pub implementers: String,
    #[serde(default)]
    pub funders: String,
    #[serde(default)]
    pub countries: Vec<String>,
    pub target_group: String,
    pub impact: String,
    #[serde(default)]
    pub cost_amount: String,
    #[serde(default)]
    pub cost_currency: String,
    #[serde(default)]
    pub challenges: String,
    #[serde(default)]
    pub lessons: String,
    #[serde(default)]
    pub recommendations: String,
    #[serde(default)]
    pub objectives: Vec<String>,
}

/// Parses each non-empty value of a list, naming the bad one by index.
fn each<T>(
    field: &str,
    values: &[String],
    parse: impl Fn(&str) -> Result<T, retrace_domain::InvalidValue>,
) -> AppResult<Vec<T>> {
    values
        .iter()
        .filter(|value| !value.trim().is_empty())
        .enumerate()
        .map(|(i, value)| {
            parse(value).map_err(|error| AppError::invalid(format!("{field}[{i}]"), error.problem))
        })
        .collect()
}

impl PracticeInput {
    pub fn network(&self) -> AppResult<NetworkId> {
        self.network
            .trim()
            .parse::<NetworkId>()
            .map_err(|_| AppError::invalid("network", Problem::ChooseNetwork))
    }

    /// The practice, or every error of the input at once.
    pub fn parse(&self) -> AppResult<(NetworkId, NewPractice)> {
        let mut errors = Collect::default();
        let network = errors.take(self.network())?;
        let language = errors.note(TextLanguage::parse(&self.language))?;
        let stages = errors.take(each("stages", &self.stages, RouteStage::parse))?;
        let support = errors.take(each("support", &self.support, SupportType::parse))?;
        let countries = errors.take(each("countries", &self.countries, CountryCode::parse))?;
        let cost = errors.note(Cost::parse(&self.cost_amount, &self.cost_currency))?;
        let objectives = errors.take(each("objectives", &self.objectives, GcmObjective::parse))?;
        // A list not read is given empty: its "required" is not said twice.
        let unread: Vec<&str> = [
            ("stages", stages.is_none()),
            ("support", support.is_none()),
            ("countries", countries.is_none()),
            ("objectives", objectives.is_none()),
        ]
        .into_iter()
        .filter_map(|(field, unread)| unread.then_some(field))
        .collect();
        let practice = NewPractice::new_all(
            language,
            &PracticeText {
                title: &self.title,
                implementers: &self.implementers,
                funders: &self.funders,
                target_group: &self.target_group,
                impact: &self.impact,
                challenges: &self.challenges,
                lessons: &self.lessons,
                recommendations: &self.recommendations,
            },
            (
                stages.unwrap_or_default(),
                support.unwrap_or_default(),
                countries.unwrap_or_default(),
                cost.flatten(),
                objectives.unwrap_or_default(),
            ),
        );
        let practice = match practice {
            Ok(practice) => Some(practice),
            Err(refused) => {
                for error in refused {
                    if !unread.contains(&error.field) {
                        errors.push(error.field, error.problem);
                    }
                }
                None
            }
        };
        errors.done(|| Some((network?, practice?)))
    }
}

fn refused(error: StoreError) -> AppError {
    match error {
        StoreError::Refused { field, problem } => AppError::invalid(field, problem),
        other => other.into(),
    }
}

fn writes(actor: &Actor) -> AppResult<()> {
    if actor.roles().iter().all(|role| role == Role::Viewer) {
        Err(AppError::Forbidden)
    } else {
        Ok(())
    }
}

/// Submits a practice to peer review in a network of the actor's
/// organisation. Another network is "not found".
pub async fn submit(app: &App, actor: &Actor, input: &PracticeInput) -> AppResult<PracticeId> {
    writes(actor)?;
    let (network, practice) = input.parse()?;
    app.store()
        .submit_practice(
            &actor.audit(app, "practice submitted"),
            &actor.scope(),
            actor.roles(),
            network,
            &practice,
        )
        .await
        .map_err(refused)
}

/// A practice sent through the public form, held for moderation. The
/// web layer has checked the honeypot and the stamp's age; the stamp is
/// spent here.
pub async fn submit_public(
    app: &App,
    input: &PracticeInput,
    stamp: &FormStamp,
) -> AppResult<PracticeId> {
    let (network, practice) = input.parse()?;
    let audit = AuditContext {
        at: app.clock().now(),
        actor: None,
        org: None,
        purpose: Some("public practice form".to_owned()),
    };
    app.store()
        .submit_public_practice(&audit, network, &practice, stamp)
        .await
        .map_err(|error| match error {
            StoreError::NotFound => AppError::invalid("network", Problem::ChooseNetwork),
            other => other.into(),
        })
}

/// A coordinating organisation accepts a held practice into peer review
/// (and sponsors it) or declines it.
pub async fn moderate(app: &App, actor: &Actor, id: PracticeId, accept: bool) -> AppResult<()> {
    writes(actor)?;
    app.store()
        .moderate_practice(
            &actor.audit(app, "practice moderated"),
            &actor.scope(),
            actor.roles(),
            id,
            accept,
        )
        .await
        .map_err(refused)
}

/// A review: `approve` or `revise`, with a comment.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewInput {
    pub verdict: String,
    pub comment: String,
}

pub async fn review(
    app: &App,
    actor: &Actor,
    id: PracticeId,
    input: &ReviewInput,
) -> AppResult<()> {
    let mut errors = Collect::default();
    let verdict = errors.note(Verdict::parse(&input.verdict))?;
    let comment = errors.note(Text::parse("comment", &input.comment, COMMENT_MAX, true))?;
    let (verdict, comment) = errors.done(|| Some((verdict?, comment?)))?;
    // A viewer is told what the rule says (the store asks it again).
    app.store()
        .review_practice(
            &actor.audit(app, "practice reviewed"),
            &actor.scope(),
            actor.roles(),
            actor.user(),
            id,
            verdict,
            &comment,
        )
        .await
        .map_err(refused)
}

pub async fn publish(app: &App, actor: &Actor, id: PracticeId) -> AppResult<()> {
    app.store()
        .publish_practice(
            &actor.audit(app, "practice published"),
            &actor.scope(),
            actor.roles(),
            id,
        )
        .await
        .map_err(refused)
}

/// One practice as the reader may see it.
pub async fn practice(app: &App, reader: PracticeReader, id: PracticeId) -> AppResult<Practice> {
    app.store()
        .practice(reader, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// The search as typed in the page's filter or the query string.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PracticeFilterInput {
    pub status: String,
    pub network: String,
    pub stage: String,
    pub support: String,
    pub country: String,
    pub objective: String,
    pub language: String,
    pub q: String,
}

/// The value of the filter `field`, when given.
fn optional<T>(
    field: &str,
    value: &str,
    parse: impl Fn(&str) -> Result<T, retrace_domain::InvalidValue>,
) -> AppResult<Option<T>> {
    match value.trim() {
        "" => Ok(None),
        value => parse(value)
            .map(Some)
            .map_err(|error| AppError::invalid(field, error.problem)),
    }
}

impl PracticeFilterInput {
    /// The filter; free text in `reader_language` unless its script tells.
    pub fn parse(&self, reader_language: TextLanguage) -> AppResult<PracticeFilter> {
        // Every filter that cannot be read is named at once.
        let mut errors = Collect::default();
        let query = errors.note(SearchQuery::parse(&self.q, reader_language))?;
        let status = errors.take(optional("status", &self.status, PracticeStatus::parse))?;
        let network = errors.take(optional("network", &self.network, |value| {
            value
                .parse::<NetworkId>()
                .map_err(|_| retrace_domain::InvalidValue::new("network", Problem::ChooseNetwork))
        }))?;
        let stage = errors.take(optional("stage", &self.stage, RouteStage::parse))?;
        let support = errors.take(optional("support", &self.support, SupportType::parse))?;
        let country = errors.take(optional("country", &self.country, CountryCode::parse))?;
        let objective = errors.take(optional("objective", &self.objective, GcmObjective::parse))?;
        let language = errors.take(optional("language", &self.language, TextLanguage::parse))?;
        errors.done(|| {
            Some(PracticeFilter {
                status: status?,
                network: network?,
                stage: stage?,
                support: support?,
                country: country?,
                objective: objective?,
                language: language?,
                terms: query?.groups,
                limit: PRACTICES_PER_PAGE,
            })
        })
    }
}

/// The practices the reader may see that pass the filter, newest first.
pub async fn search(
    app: &App,
    reader: PracticeReader,
    filter: &PracticeFilterInput,
    reader_language: TextLanguage,
) -> AppResult<Vec<PracticeSummary>> {
    let filter = filter.parse(reader_language)?;
    Ok(app.store().practices(reader, &filter).await?)
}
