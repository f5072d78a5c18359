//! Outreach: recording sessions (one at a time from the form, or a batch
//! queued on a phone and synced when the network returns), resolving the
//! conflicts between edits made apart, following up outcomes, adding an
//! organisation's topics, and the results dashboard with its CSV export.
//!
//! A batch is checked session by session: a half-written session is
//! refused with the JSON path of what is wrong and the others are still
//! stored, so nothing is lost and nothing waits for the worst item of the
//! queue. The valid ones are stored a hundred per transaction, each in a
//! savepoint of its own, so a sync waits for the disk once per hundred
//! sessions, not once per session. Each session carries the id made on
//! the phone, so a batch sent again is recognised, never counted twice.

use crate::spreadsheet::safe_cell;
use crate::{Actor, App, AppError, AppResult, Collect};
use retrace_domain::Problem;
use retrace_domain::outreach::suppress_small;
use retrace_domain::{
    AgeBand, AuditAction, CountryCode, FollowUpId, FollowUpOutcome, FollowUpRequest, LanguageCode,
    ObjectKind, OutreachConflictId, OutreachSessionData, OutreachSessionId, PlaceKind,
    ReachedGroup, Referral, Role, Sex, Text, Timestamp, TopicCode,
};
use retrace_store::{
    AuditEvent, IncomingSession, OrgTopic, OutreachFilter, OutreachSession, OutreachStats,
    Resolution, StatsScope, StoreError, SyncOutcome, Tally,
};
use serde::{Deserialize, Serialize};

/// Sessions one sync may carry.
pub const MAX_BATCH: usize = 500;
const NAME_MAX: usize = 80;
const LIST_MAX: usize = 30;

/// A session as the phone (or the form) sends it.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SessionInput {
    /// Made on the phone (a UUID); the same id always names the same
    /// session.
    pub id: String,
    /// The version the phone edited; 0 (or absent) for a new session.
    #[serde(default)]
    pub base_version: i64,
    pub team: String,
    pub place_kind: String,
    pub city: String,
    /// RFC 3339 (`2026-03-02T18:30:00Z`) or `2026-03-02T18:30` (UTC).
    pub started_at: String,
    pub duration_minutes: u32,
    #[serde(default)]
    pub members: Vec<String>,
    #[serde(default)]
    pub mediators: Vec<String>,
    #[serde(default)]
    pub languages: Vec<String>,
    pub people_reached: u32,
    #[serde(default)]
    pub reached: Vec<ReachedInput>,
    #[serde(default)]
    pub topics: Vec<String>,
    #[serde(default)]
    pub referrals: Vec<ReferralInput>,
    #[serde(default)]
    pub follow_ups: Vec<FollowUpInput>,
    #[serde(default)]
    pub notes: String,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ReachedInput {
    pub sex: String,
    pub age_band: String,
    /// An ISO country code, or empty / `unknown`.
    #[serde(default)]
    pub nationality: String,
    pub count: u32,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ReferralInput {
    pub service: String,
    pub count: u32,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FollowUpInput {
    pub id: String,
    pub pseudonym: String,
    #[serde(default)]
    pub consent_to_link: bool,
}

/// Parses `2026-03-02T18:30:00Z`, `2026-03-02T18:30:00+01:00` or the
/// browser's `2026-03-02T18:30` (read as UTC).
pub fn parse_moment(field: &str, value: &str) -> AppResult<Timestamp> {
    use time::format_description::well_known::Rfc3339;
    let value = value.trim();
    let parsed = time::OffsetDateTime::parse(value, &Rfc3339).or_else(|_| {
        let with_seconds = if value.len() == 16 {
            format!("{value}:00Z")
        } else {
            format!("{value}Z")
        };
        time::OffsetDateTime::parse(&with_seconds, &Rfc3339)
    });
    let moment = parsed.map_err(|_| AppError::invalid(field, Problem::DateTime))?;
    let millis = i64::try_from(moment.unix_timestamp_nanos() / 1_000_000)
        .map_err(|_| AppError::invalid(field, Problem::OutOfRange))?;
    Ok(Timestamp::from_millis(millis))
}

fn at(path: &str, error: retrace_domain::InvalidValue) -> AppError {
    AppError::invalid(path, error.problem)
}

fn names(path: &str, values: &[String]) -> AppResult<Vec<Text>> {
    if values.len() > LIST_MAX {
        return Err(AppError::invalid(
            path,
            Problem::TooManyEntries { max: LIST_MAX },
        ));
    }
    values
        .iter()
        .filter(|v| !v.trim().is_empty())
        .enumerate()
        .map(|(i, v)| {
            Text::parse("name", v, NAME_MAX, false).map_err(|e| at(&format!("{path}[{i}]"), e))
        })
        .collect()
}

fn nationality(value: &str) -> Result<Option<CountryCode>, retrace_domain::InvalidValue> {
    let value = value.trim();
    if value.is_empty() || value.eq_ignore_ascii_case("unknown") {
        Ok(None)
    } else {
        CountryCode::parse(value).map(Some)
    }
}

impl SessionInput {
    /// The session typed and checked, errors named by JSON path; topics
    /// must be built-in or among `org_topics`.
    pub fn parse(&self, now: Timestamp, org_topics: &[OrgTopic]) -> AppResult<IncomingSession> {
        let mut errors = Collect::default();
        let id: Option<OutreachSessionId> = errors.take(
            self.id
                .parse()
                .map_err(|_| AppError::invalid("id", Problem::SessionId)),
        )?;
        if self.base_version < 0 {
            errors.push("base_version", Problem::Negative);
        }
        let reached = every(
            &mut errors,
            self.reached.iter().enumerate().map(|(i, r)| {
                // Every error of the row, not only its first.
                let mut row = Collect::default();
                let field = |name: &str| format!("reached[{i}].{name}");
                let sex = row.take(Sex::parse(&r.sex).map_err(|e| at(&field("sex"), e)))?;
                let age_band =
                    row.take(AgeBand::parse(&r.age_band).map_err(|e| at(&field("age_band"), e)))?;
                let nationality = row
                    .take(nationality(&r.nationality).map_err(|e| at(&field("nationality"), e)))?;
                row.done(|| {
                    Some(ReachedGroup {
                        sex: sex?,
                        age_band: age_band?,
                        nationality: nationality?,
                        count: r.count,
                    })
                })
            }),
        )?;
        let topics = every(
            &mut errors,
            self.topics.iter().enumerate().map(|(i, t)| {
                let path = format!("topics[{i}]");
                let code = TopicCode::parse(t).map_err(|e| at(&path, e))?;
                if code.is_builtin() || org_topics.iter().any(|o| o.code == code) {
                    Ok(code)
                } else {
                    Err(AppError::invalid(path, Problem::NotATopic))
                }
            }),
        )?;
        let referrals = every(
            &mut errors,
            self.referrals.iter().enumerate().map(|(i, r)| {
                Ok(Referral {
                    service: Text::parse("service", &r.service, 120, false)
                        .map_err(|e| at(&format!("referrals[{i}].service"), e))?,
                    count: r.count,
                })
            }),
        )?;
        let follow_ups = every(
            &mut errors,
            self.follow_ups.iter().enumerate().map(|(i, f)| {
                Ok(FollowUpRequest {
                    id: f.id.parse::<FollowUpId>().map_err(|_| {
                        AppError::invalid(format!("follow_ups[{i}].id"), Problem::Uuid)
                    })?,
                    pseudonym: Text::parse("pseudonym", &f.pseudonym, 60, false)
                        .map_err(|e| at(&format!("follow_ups[{i}].pseudonym"), e))?,
                    consent_to_link: f.consent_to_link,
                })
            }),
        )?;
        let languages = every(
            &mut errors,
            self.languages
                .iter()
                .filter(|l| !l.trim().is_empty())
                .enumerate()
                .map(|(i, l)| {
                    LanguageCode::parse(l).map_err(|e| at(&format!("languages[{i}]"), e))
                }),
        )?;
        let team = errors
            .take(Text::parse("team", &self.team, NAME_MAX, false).map_err(|e| at("team", e)))?;
        let place_kind =
            errors.take(PlaceKind::parse(&self.place_kind).map_err(|e| at("place_kind", e)))?;
        let city = errors
            .take(Text::parse("city", &self.city, NAME_MAX, false).map_err(|e| at("city", e)))?;
        let started_at = errors.take(parse_moment("started_at", &self.started_at))?;
        let members = errors.take(names("members", &self.members))?;
        let mediators = errors.take(names("mediators", &self.mediators))?;
        let notes =
            errors.take(Text::optional("notes", &self.notes, 2000).map_err(|e| at("notes", e)))?;
        let data = errors.done(|| {
            Some(OutreachSessionData {
                team: team?,
                place_kind: place_kind?,
                city: city?,
                started_at: started_at?,
                duration_minutes: self.duration_minutes,
                members: members?,
                mediators: mediators?,
                languages: languages?,
                people_reached: self.people_reached,
                reached: reached?,
                topics: topics?,
                referrals: referrals?,
                follow_ups: follow_ups?,
                notes: notes?,
            })
        })?;
        let mut rules = Collect::default();
        for problem in data.check_all(now) {
            rules.push(problem.field, problem.problem);
        }
        rules.finish()?;
        Ok(IncomingSession {
            id: id.ok_or_else(|| AppError::Internal("a session without an id".to_owned()))?,
            base_version: self.base_version,
            data,
        })
    }
}

/// Every item's value, or `None` after noting each item's input error.
fn every<T>(
    errors: &mut Collect,
    items: impl Iterator<Item = AppResult<T>>,
) -> AppResult<Option<Vec<T>>> {
    let mut values = Some(Vec::new());
    for item in items {
        match errors.take(item)? {
            Some(value) => {
                if let Some(values) = values.as_mut() {
                    values.push(value);
                }
            }
            None => values = None,
        }
    }
    Ok(values)
}

impl Actor {
    /// `Forbidden` unless the actor records outreach.
    pub fn require_outreach_worker(&self) -> AppResult<()> {
        if self.roles().contains(Role::OutreachWorker) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// `Forbidden` unless the actor may read the organisation's outreach
    /// results: an outreach worker, a coordinator or a viewer.
    pub fn require_outreach_reader(&self) -> AppResult<()> {
        let roles = self.roles();
        if roles.contains(Role::OutreachWorker)
            || roles.contains(Role::Coordinator)
            || roles.contains(Role::Viewer)
        {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
}

/// Records one session (from the form or the API). A conflict is an
/// answer, not an error: the caller shows it.
pub async fn record_session(
    app: &App,
    actor: &Actor,
    input: &SessionInput,
) -> AppResult<SyncOutcome> {
    actor.require_outreach_worker()?;
    let topics = app.store().outreach_topics(&actor.scope()).await?;
    let incoming = input.parse(app.clock().now(), &topics)?;
    app.store()
        .sync_outreach_session(
            &actor.audit(app, "outreach session"),
            &actor.scope(),
            &incoming,
        )
        .await
        .map_err(follow_up_taken)
}

fn follow_up_taken(error: StoreError) -> AppError {
    match error {
        StoreError::Refused { field, problem } => AppError::invalid(field, problem),
        other => other.into(),
    }
}

/// What became of one session of a sync.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SyncResult {
    /// The session's id as sent (empty when it had none).
    pub id: String,
    /// `stored`, `already_applied`, `conflict`, `invalid` or `not_found`.
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conflict: Option<String>,
    /// For `invalid`: the JSON path within the session, and why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl SyncResult {
    /// True when the phone may erase its copy: the server holds it (or
    /// holds the conflict for a person to resolve).
    pub fn settled(&self) -> bool {
        matches!(self.status, "stored" | "already_applied" | "conflict")
    }
}

/// The key a phone encrypts its queue with: derived from the sign-in
/// session under the server's key, so it exists only while the session
/// does and is never stored.
pub fn device_key(app: &App, actor: &Actor, session_token: &str) -> AppResult<String> {
    actor.require_outreach_worker()?;
    Ok(app
        .sealer()
        .mac(&format!("outreach-device-key:{session_token}")))
}

/// Sessions stored per transaction of a sync: one wait for the disk each,
/// and the write lock never held long.
const SYNC_CHUNK: usize = 100;

/// Applies a batch queued on a phone. Each item is parsed on its own so
/// one half-written session is refused alone; the valid ones are stored
/// in order, a hundred per transaction (`sync_outreach_sessions`).
pub async fn sync_sessions(
    app: &App,
    actor: &Actor,
    items: Vec<serde_json::Value>,
) -> AppResult<Vec<SyncResult>> {
    actor.require_outreach_worker()?;
    if items.len() > MAX_BATCH {
        return Err(AppError::invalid(
            "sessions",
            Problem::TooManySessions { max: MAX_BATCH },
        ));
    }
    let topics = app.store().outreach_topics(&actor.scope()).await?;
    let now = app.clock().now();
    let mut results = Vec::with_capacity(items.len());
    // The valid sessions, with where their answer goes.
    let mut valid: Vec<(usize, IncomingSession)> = Vec::new();
    for item in items {
        let id = item
            .get("id")
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_owned();
        let parsed = match serde_json::from_value::<SessionInput>(item) {
            Err(error) => Err((String::new(), error.to_string())),
            Ok(input) => match input.parse(now, &topics) {
                Ok(incoming) => Ok(incoming),
                Err(AppError::Invalid { field, problem }) => Err((field, problem.to_string())),
                Err(other) => return Err(other),
            },
        };
        let pending = SyncResult {
            id,
            status: "",
            version: None,
            conflict: None,
            field: None,
            message: None,
        };
        match parsed {
            Ok(incoming) => {
                valid.push((results.len(), incoming));
                results.push(pending);
            }
            Err((field, message)) => results.push(SyncResult {
                status: "invalid",
                field: Some(field),
                message: Some(message),
                ..pending
            }),
        }
    }
    for chunk in valid.chunks(SYNC_CHUNK) {
        let sessions: Vec<IncomingSession> = chunk.iter().map(|(_, s)| s.clone()).collect();
        let outcomes = app
            .store()
            .sync_outreach_sessions(
                &actor.audit(app, "outreach sync"),
                &actor.scope(),
                &sessions,
            )
            .await?;
        for ((index, _), outcome) in chunk.iter().zip(outcomes) {
            let Some(result) = results.get_mut(*index) else {
                continue;
            };
            match outcome {
                Ok(SyncOutcome::Stored { version }) => {
                    result.status = "stored";
                    result.version = Some(version);
                }
                Ok(SyncOutcome::AlreadyApplied { version }) => {
                    result.status = "already_applied";
                    result.version = Some(version);
                }
                Ok(SyncOutcome::Conflict {
                    conflict,
                    server_version,
                }) => {
                    result.status = "conflict";
                    result.version = Some(server_version);
                    result.conflict = Some(conflict.to_string());
                }
                Err(StoreError::NotFound) => result.status = "not_found",
                Err(StoreError::Refused { field, problem }) => {
                    result.status = "invalid";
                    result.field = Some(field.to_owned());
                    result.message = Some(problem.to_string());
                }
                Err(other) => return Err(other.into()),
            }
        }
    }
    Ok(results)
}

/// One session with its names and pseudonyms (an audited read).
pub async fn session(
    app: &App,
    actor: &Actor,
    id: OutreachSessionId,
) -> AppResult<OutreachSession> {
    actor.require_outreach_reader()?;
    app.store()
        .outreach_session(&actor.audit(app, "outreach session"), &actor.scope(), id)
        .await?
        .ok_or(AppError::NotFound)
}

/// Resolves a conflict: keep what the server holds, or take the edit.
pub async fn resolve_conflict(
    app: &App,
    actor: &Actor,
    id: OutreachConflictId,
    take_incoming: bool,
) -> AppResult<OutreachSession> {
    actor.require_outreach_worker()?;
    let resolution = if take_incoming {
        Resolution::TakeIncoming
    } else {
        Resolution::KeepStored
    };
    app.store()
        .resolve_outreach_conflict(
            &actor.audit(app, "outreach conflict"),
            &actor.scope(),
            id,
            resolution,
        )
        .await
        .map_err(follow_up_taken)
}

/// Records what became of a person followed up (`""` clears it).
pub async fn record_outcome(
    app: &App,
    actor: &Actor,
    id: FollowUpId,
    outcome: &str,
) -> AppResult<retrace_store::FollowUp> {
    actor.require_outreach_worker()?;
    let outcome = if outcome.trim().is_empty() {
        None
    } else {
        Some(FollowUpOutcome::parse(outcome).map_err(|e| at("outcome", e))?)
    };
    Ok(app
        .store()
        .record_outcome(
            &actor.audit(app, "outreach follow-up"),
            &actor.scope(),
            id,
            outcome,
        )
        .await?)
}

/// Adds a topic of the organisation from its label.
pub async fn add_topic(app: &App, actor: &Actor, label: &str) -> AppResult<OrgTopic> {
    actor.require_outreach_worker()?;
    let label = Text::parse("label", label, 60, false).map_err(|e| at("label", e))?;
    let code = TopicCode::from_label(label.as_str())
        .map_err(|_| AppError::invalid("label", Problem::LettersOrDigits))?;
    let topic = OrgTopic { code, label };
    app.store()
        .add_outreach_topic(&actor.audit(app, "outreach topic"), &actor.scope(), &topic)
        .await
        .map_err(|error| match error {
            StoreError::Conflict { .. } => AppError::invalid("label", Problem::TopicExists),
            other => other.into(),
        })?;
    Ok(topic)
}

/// The dashboard's filters as typed in the page or the query string.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct FilterInput {
    /// `YYYY-MM-DD`, inclusive.
    pub from: String,
    /// `YYYY-MM-DD`, inclusive.
    pub to: String,
    pub place_kind: String,
    pub team: String,
    pub nationality: String,
}

fn day_start(field: &str, value: &str) -> AppResult<Option<Timestamp>> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    parse_moment(field, &format!("{value}T00:00"))
        .map(Some)
        .map_err(|_| AppError::invalid(field, Problem::Date))
}

impl FilterInput {
    /// The filter, or every filter that cannot be read at once.
    pub fn parse(&self) -> AppResult<OutreachFilter> {
        const DAY: i64 = 86_400_000;
        let mut errors = Collect::default();
        let from = errors.take(day_start("from", &self.from))?;
        let to = errors
            .take(day_start("to", &self.to))?
            .map(|to| to.map(|t| Timestamp::from_millis(t.as_millis() + DAY)));
        if let (Some(Some(from)), Some(Some(to))) = (from, to)
            && from >= to
        {
            errors.push("to", Problem::EndBeforeStart);
        }
        let place_kind = errors.take(if self.place_kind.trim().is_empty() {
            Ok(None)
        } else {
            PlaceKind::parse(&self.place_kind)
                .map(Some)
                .map_err(|e| at("place_kind", e))
        })?;
        let team = Some(self.team.trim().to_owned()).filter(|t| !t.is_empty());
        let nationality = errors.take(if self.nationality.trim().is_empty() {
            Ok(None)
        } else {
            nationality(&self.nationality)
                .map(Some)
                .map_err(|e| at("nationality", e))
        })?;
        errors.done(|| {
            Some(OutreachFilter {
                from: from?,
                to: to?,
                place_kind: place_kind?,
                team,
                nationality: nationality?,
            })
        })
    }
}

/// One figure of the dashboard: `None` when suppressed as too small.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Figure(pub Option<u64>);

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    pub key: String,
    pub sessions: Figure,
    pub people: Figure,
}

/// A group of rows: `month`, `place_kind`, `team`, `nationality`, `sex`,
/// `age_band`, `topic`, `referral` or `outcome`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Section {
    pub name: &'static str,
    pub rows: Vec<Row>,
}

/// The dashboard as shown: exact for the organisation's own members,
/// small counts suppressed in the country view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Dashboard {
    pub suppressed: bool,
    pub sessions: Figure,
    pub people: Figure,
    pub sections: Vec<Section>,
}

impl Dashboard {
    fn from_stats(stats: OutreachStats, suppress: bool) -> Self {
        let figure = |n: u64| Figure(if suppress { suppress_small(n) } else { Some(n) });
        let rows = |tallies: Vec<Tally>| -> Vec<Row> {
            tallies
                .into_iter()
                .map(|t| Row {
                    key: t.key,
                    sessions: figure(t.sessions),
                    people: figure(t.people),
                })
                .collect()
        };
        Self {
            suppressed: suppress,
            sessions: figure(stats.sessions),
            people: figure(stats.people),
            sections: vec![
                Section {
                    name: "month",
                    rows: rows(stats.by_month),
                },
                Section {
                    name: "place_kind",
                    rows: rows(stats.by_place_kind),
                },
                Section {
                    name: "team",
                    rows: rows(stats.by_team),
                },
                Section {
                    name: "nationality",
                    rows: rows(stats.by_nationality),
                },
                Section {
                    name: "sex",
                    rows: rows(stats.by_sex),
                },
                Section {
                    name: "age_band",
                    rows: rows(stats.by_age_band),
                },
                Section {
                    name: "topic",
                    rows: rows(stats.topics),
                },
                Section {
                    name: "referral",
                    rows: rows(stats.referrals),
                },
                Section {
                    name: "outcome",
                    rows: rows(stats.outcomes),
                },
            ],
        }
    }

    pub fn section(&self, name: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.name == name)
    }
}

/// The organisation's dashboard, exact.
pub async fn dashboard(app: &App, actor: &Actor, filter: &FilterInput) -> AppResult<Dashboard> {
    actor.require_outreach_reader()?;
    let filter = filter.parse()?;
    let stats = app
        .store()
        .outreach_stats(&StatsScope::Organisation(actor.scope()), &filter)
        .await?;
    Ok(Dashboard::from_stats(stats, false))
}

/// The country view for coordinators: every organisation of the actor's
/// country, aggregates only, counts below 5 suppressed.
pub async fn country_dashboard(
    app: &App,
    actor: &Actor,
    filter: &FilterInput,
) -> AppResult<(CountryCode, Dashboard)> {
    if !actor.roles().contains(Role::Coordinator) {
        return Err(AppError::Forbidden);
    }
    let filter = filter.parse()?;
    let country = app
        .store()
        .organisation(actor.org())
        .await?
        .ok_or(AppError::NotFound)?
        .country;
    let stats = app
        .store()
        .outreach_stats(&StatsScope::Country(country), &filter)
        .await?;
    Ok((country, Dashboard::from_stats(stats, true)))
}

/// The organisation's dashboard as rows (`section`, `key`, sessions,
/// people; `None` never appears here: the export is exact), the export
/// audited.
async fn export_rows(
    app: &App,
    actor: &Actor,
    filter: &FilterInput,
) -> AppResult<Vec<(String, String, Figure, Figure)>> {
    let board = dashboard(app, actor, filter).await?;
    app.store()
        .append_audit(
            &actor.audit(app, "outreach export"),
            &AuditEvent {
                action: AuditAction::OutreachStatsExported,
                object_kind: ObjectKind::Organisation,
                object_id: actor.org().to_string(),
            },
        )
        .await?;
    let mut rows = vec![(
        "total".to_owned(),
        String::new(),
        board.sessions,
        board.people,
    )];
    for section in board.sections {
        for row in section.rows {
            rows.push((section.name.to_owned(), row.key, row.sessions, row.people));
        }
    }
    Ok(rows)
}

fn figure_cell(figure: Figure) -> String {
    figure
        .0
        .map(|n| n.to_string())
        .unwrap_or_else(|| "<5".into())
}

/// The organisation's dashboard as CSV (one line per section row).
pub async fn export_csv(app: &App, actor: &Actor, filter: &FilterInput) -> AppResult<Vec<u8>> {
    let rows = export_rows(app, actor, filter).await?;
    let mut writer = csv::Writer::from_writer(Vec::new());
    let internal = |e: csv::Error| AppError::Internal(format!("csv: {e}"));
    writer
        .write_record(["section", "key", "sessions", "people"])
        .map_err(internal)?;
    for (section, key, sessions, people) in rows {
        writer
            .write_record([
                section.as_str(),
                &safe_cell(&key),
                &figure_cell(sessions),
                &figure_cell(people),
            ])
            .map_err(internal)?;
    }
    writer
        .into_inner()
        .map_err(|e| AppError::Internal(format!("csv: {e}")))
}

/// The same rows as an XLSX workbook, numbers as numbers.
pub async fn export_xlsx(app: &App, actor: &Actor, filter: &FilterInput) -> AppResult<Vec<u8>> {
    use crate::xlsx::{Cell, workbook};
    let number = |f: Figure| match f.0 {
        Some(n) => Cell::Number(n),
        None => Cell::Text("<5".into()),
    };
    let mut sheet = vec![vec![
        Cell::Text("section".into()),
        Cell::Text("key".into()),
        Cell::Text("sessions".into()),
        Cell::Text("people".into()),
    ]];
    for (section, key, sessions, people) in export_rows(app, actor, filter).await? {
        sheet.push(vec![
            Cell::Text(section),
            Cell::Text(key),
            number(sessions),
            number(people),
        ]);
    }
    Ok(workbook("Outreach", &sheet))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moments_accept_rfc3339_and_the_browsers_local_form() {
        let a = parse_moment("t", "2026-03-02T18:30").unwrap();
        let b = parse_moment("t", "2026-03-02T18:30:00Z").unwrap();
        let c = parse_moment("t", "2026-03-02T19:30:00+01:00").unwrap();
        assert_eq!(a, b);
        assert_eq!(b, c);
        assert!(parse_moment("t", "yesterday").is_err());
    }

    #[test]
    fn a_group_reached_names_each_of_its_errors() {
        let input = SessionInput {
            id: "0b5c3f4e-1d2a-4c3b-9e8f-7a6b5c4d3e2f".into(),
            team: "North".into(),
            place_kind: "street".into(),
            city: "Calais".into(),
            started_at: "2026-03-02T18:30".into(),
            people_reached: 2,
            reached: vec![ReachedInput {
                sex: "x".into(),
                age_band: "old".into(),
                nationality: "Narnia".into(),
                count: 2,
            }],
            ..SessionInput::default()
        };
        let now = Timestamp::from_millis(1_800_000_000_000);
        let error = input.parse(now, &[]).unwrap_err();
        let fields: Vec<String> = error.field_errors().into_iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                "reached[0].sex",
                "reached[0].age_band",
                "reached[0].nationality"
            ]
        );
    }

    #[test]
    fn the_country_view_suppresses_small_counts() {
        let stats = OutreachStats {
            sessions: 12,
            people: 4,
            by_team: vec![Tally {
                key: "North".into(),
                sessions: 3,
                people: 40,
            }],
            ..OutreachStats::default()
        };
        let board = Dashboard::from_stats(stats.clone(), true);
        assert_eq!(board.sessions, Figure(Some(12)));
        assert_eq!(board.people, Figure(None));
        let team = &board.section("team").unwrap().rows[0];
        assert_eq!(
            (team.sessions, team.people),
            (Figure(None), Figure(Some(40)))
        );
        let exact = Dashboard::from_stats(stats, false);
        assert_eq!(exact.people, Figure(Some(4)));
    }
}
