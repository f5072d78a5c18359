//! What the store keeps for outreach: sessions synced from phones, the
//! conflicts between edits made apart, pseudonymous follow-ups with their
//! outcomes, an organisation's own topics, and the aggregates of the
//! results dashboard.
//!
//! Design choice: a session is stored twice over, in one transaction. Its
//! whole content as JSON (`body`, written and read only here), which is
//! what a phone sent and what a retried sync is compared with; and its
//! figures spread over narrow tables (counts, topics, referrals) that the
//! dashboard aggregates with plain `GROUP BY`s. Every figure row repeats
//! the session's organisation and month so that aggregates never read the
//! bodies.

use crate::{AuditContext, OrgScope, StoreError, StoreResult};
use async_trait::async_trait;
use retrace_domain::{
    CountryCode, FollowUpId, FollowUpOutcome, OrgId, OutreachConflictId, OutreachSessionData,
    OutreachSessionId, PlaceKind, Text, Timestamp, TopicCode, UserId,
};

/// A session as a phone sends it: its id, the version it edited (0 for a
/// new session) and its content, already validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncomingSession {
    pub id: OutreachSessionId,
    pub base_version: i64,
    pub data: OutreachSessionData,
}

/// What became of one synced session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncOutcome {
    /// Stored as this version (1 for a new session).
    Stored { version: i64 },
    /// The server already held exactly this; nothing was written.
    AlreadyApplied { version: i64 },
    /// An edit made apart from the one the server holds: kept aside,
    /// nothing overwritten.
    Conflict {
        conflict: OutreachConflictId,
        server_version: i64,
    },
}

/// A stored session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutreachSession {
    pub id: OutreachSessionId,
    pub version: i64,
    pub data: OutreachSessionData,
    pub created_at: Timestamp,
    pub created_by: Option<UserId>,
    pub updated_at: Timestamp,
    pub updated_by: Option<UserId>,
}

/// One line of the list of sessions: no names, no pseudonyms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutreachSummary {
    pub id: OutreachSessionId,
    pub version: i64,
    pub team: String,
    pub place_kind: PlaceKind,
    pub city: String,
    pub started_at: Timestamp,
    pub people_reached: i64,
}

/// An edit kept aside, with the version it was made on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutreachConflict {
    pub id: OutreachConflictId,
    pub session: OutreachSessionId,
    pub base_version: i64,
    pub server_version: i64,
    pub data: OutreachSessionData,
    pub created_at: Timestamp,
    pub created_by: Option<UserId>,
}

/// How a person resolves a conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolution {
    /// Keep what the server holds; the edit kept aside is dropped.
    KeepStored,
    /// Store the edit kept aside as the next version.
    TakeIncoming,
}

/// A pseudonymous follow-up record and what became of the person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUp {
    pub id: FollowUpId,
    pub session: OutreachSessionId,
    pub pseudonym: Text,
    pub consent_to_link: bool,
    pub outcome: Option<FollowUpOutcome>,
    pub outcome_at: Option<Timestamp>,
    pub session_started_at: Timestamp,
}

/// A topic an organisation added to the built-in ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgTopic {
    pub code: TopicCode,
    pub label: Text,
}

/// Which sessions the list and the dashboard count: `[from, to)` and
/// optional place kind, team and nationality of the people reached. The
/// dashboard (`outreach_stats`) counts whole UTC days: a session counts
/// when its day starts at or after the start of `from`'s day and before
/// `to` (exact for the dates the pages send).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutreachFilter {
    pub from: Option<Timestamp>,
    pub to: Option<Timestamp>,
    pub place_kind: Option<PlaceKind>,
    pub team: Option<String>,
    /// `Some(None)`: people of unknown nationality.
    pub nationality: Option<Option<CountryCode>>,
}

/// Whose sessions the dashboard counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatsScope {
    /// One organisation's, for its members.
    Organisation(OrgScope),
    /// Every organisation's in a country, for coordinators: aggregates
    /// only, small counts suppressed by the caller.
    Country(CountryCode),
}

/// A count by one key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tally {
    pub key: String,
    pub sessions: u64,
    pub people: u64,
}

/// The dashboard's figures.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutreachStats {
    pub sessions: u64,
    pub people: u64,
    /// Keyed by `yyyymm`, oldest first.
    pub by_month: Vec<Tally>,
    pub by_place_kind: Vec<Tally>,
    pub by_team: Vec<Tally>,
    /// People by nationality (`unknown` for none).
    pub by_nationality: Vec<Tally>,
    pub by_sex: Vec<Tally>,
    pub by_age_band: Vec<Tally>,
    /// Sessions where each topic was informed.
    pub topics: Vec<Tally>,
    /// People referred to each service.
    pub referrals: Vec<Tally>,
    /// Follow-ups by outcome (of sessions in the filter).
    pub outcomes: Vec<Tally>,
}

#[async_trait]
pub trait OutreachStore: Send + Sync {
    /// Applies one session sent by a phone, in one transaction with its
    /// audit entry: stores it, recognises it as already stored, or keeps
    /// it aside as a conflict (`retrace_domain::outreach::sync_decision`).
    /// An edit of a session that is not the organisation's is `NotFound`.
    async fn sync_outreach_session(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        incoming: &IncomingSession,
    ) -> StoreResult<SyncOutcome>;
    /// Applies a batch of sessions sent by a phone with the rules of
    /// `sync_outreach_session`, in order, in one transaction (one wait for
    /// the disk for the whole batch), each session with its own audit
    /// entry. A session refused (`NotFound`, `Refused`) is left out alone
    /// and answered as such; any other error fails the whole batch and
    /// stores nothing, so the phone keeps it all and sends it again.
    async fn sync_outreach_sessions(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        sessions: &[IncomingSession],
    ) -> StoreResult<Vec<StoreResult<SyncOutcome>>> {
        let mut outcomes = Vec::with_capacity(sessions.len());
        for incoming in sessions {
            match self.sync_outreach_session(audit, scope, incoming).await {
                Err(error @ (StoreError::NotFound | StoreError::Refused { .. })) => {
                    outcomes.push(Err(error))
                }
                Err(other) => return Err(other),
                Ok(outcome) => outcomes.push(Ok(outcome)),
            }
        }
        Ok(outcomes)
    }
    /// Stores many new sessions in one transaction (an import, the demo
    /// data), each with its audit entry; any id already taken fails the
    /// whole batch with `NotFound` and stores nothing.
    async fn import_outreach_sessions(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        sessions: &[IncomingSession],
    ) -> StoreResult<u64>;
    /// The organisation's sessions in the filter, newest first.
    async fn outreach_sessions(
        &self,
        scope: &OrgScope,
        filter: &OutreachFilter,
        limit: u32,
    ) -> StoreResult<Vec<OutreachSummary>>;
    /// One session with its names and pseudonyms; the read is audited.
    async fn outreach_session(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        id: OutreachSessionId,
    ) -> StoreResult<Option<OutreachSession>>;
    /// The organisation's unresolved conflicts, oldest first.
    async fn outreach_conflicts(&self, scope: &OrgScope) -> StoreResult<Vec<OutreachConflict>>;
    async fn outreach_conflict(
        &self,
        scope: &OrgScope,
        id: OutreachConflictId,
    ) -> StoreResult<Option<OutreachConflict>>;
    /// Resolves an unresolved conflict; taking the edit stores it as the
    /// session's next version. Returns the session as it then is.
    async fn resolve_outreach_conflict(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        id: OutreachConflictId,
        resolution: Resolution,
    ) -> StoreResult<OutreachSession>;
    /// The organisation's follow-ups, newest session first; a list that
    /// is not empty is audited (`persons_listed`, object `outreach_follow_ups`).
    async fn follow_ups(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        limit: u32,
    ) -> StoreResult<Vec<FollowUp>>;
    /// Records (or clears) what became of a person followed up.
    async fn record_outcome(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        id: FollowUpId,
        outcome: Option<FollowUpOutcome>,
    ) -> StoreResult<FollowUp>;
    async fn outreach_topics(&self, scope: &OrgScope) -> StoreResult<Vec<OrgTopic>>;
    /// Adds a topic of the organisation; a code already there (built-in or
    /// added) is a `Conflict` on `label`.
    async fn add_outreach_topic(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        topic: &OrgTopic,
    ) -> StoreResult<()>;
    /// The dashboard's figures. A `Country` scope reads across
    /// organisations on purpose and returns aggregates only.
    async fn outreach_stats(
        &self,
        scope: &StatsScope,
        filter: &OutreachFilter,
    ) -> StoreResult<OutreachStats>;
}

/// The JSON body of a session, as stored and compared.
pub fn session_body(data: &OutreachSessionData) -> StoreResult<String> {
    serde_json::to_string(data).map_err(|e| StoreError::Database(format!("session body: {e}")))
}

/// A stored body read back.
pub fn parse_session_body(table: &'static str, body: &str) -> StoreResult<OutreachSessionData> {
    serde_json::from_str(body).map_err(|e| crate::backend::corrupt(table, e.to_string()))
}

/// The organisation a stats scope names, if one.
pub fn stats_org(scope: &StatsScope) -> Option<OrgId> {
    match scope {
        StatsScope::Organisation(scope) => Some(scope.org()),
        StatsScope::Country(_) => None,
    }
}

const SESSIONS: &str = "outreach_sessions";

/// The columns of a stored session.
#[derive(Debug, Clone)]
pub struct SessionRow {
    pub id: String,
    pub version: i64,
    pub body: String,
    pub created_at: i64,
    pub created_by: Option<String>,
    pub updated_at: i64,
    pub updated_by: Option<String>,
}

impl SessionRow {
    pub fn into_session(self) -> StoreResult<OutreachSession> {
        use crate::backend::{parse_id, parse_opt_id};
        Ok(OutreachSession {
            id: parse_id(SESSIONS, "id", &self.id)?,
            version: self.version,
            data: parse_session_body(SESSIONS, &self.body)?,
            created_at: Timestamp::from_millis(self.created_at),
            created_by: parse_opt_id(SESSIONS, "created_by", self.created_by.as_deref())?,
            updated_at: Timestamp::from_millis(self.updated_at),
            updated_by: parse_opt_id(SESSIONS, "updated_by", self.updated_by.as_deref())?,
        })
    }
}

/// The columns of a line of the list.
#[derive(Debug, Clone)]
pub struct SummaryRow {
    pub id: String,
    pub version: i64,
    pub team: String,
    pub place_kind: String,
    pub city: String,
    pub started_at: i64,
    pub people_reached: i64,
}

impl SummaryRow {
    pub fn into_summary(self) -> StoreResult<OutreachSummary> {
        Ok(OutreachSummary {
            id: crate::backend::parse_id(SESSIONS, "id", &self.id)?,
            version: self.version,
            team: self.team,
            place_kind: PlaceKind::parse(&self.place_kind)
                .map_err(|e| crate::backend::corrupt(SESSIONS, e.to_string()))?,
            city: self.city,
            started_at: Timestamp::from_millis(self.started_at),
            people_reached: self.people_reached,
        })
    }
}

/// The columns of a conflict.
#[derive(Debug, Clone)]
pub struct ConflictRow {
    pub id: String,
    pub session_id: String,
    pub base_version: i64,
    pub server_version: i64,
    pub body: String,
    pub created_at: i64,
    pub created_by: Option<String>,
}

impl ConflictRow {
    pub fn into_conflict(self) -> StoreResult<OutreachConflict> {
        use crate::backend::{parse_id, parse_opt_id};
        const T: &str = "outreach_conflicts";
        Ok(OutreachConflict {
            id: parse_id(T, "id", &self.id)?,
            session: parse_id(T, "session_id", &self.session_id)?,
            base_version: self.base_version,
            server_version: self.server_version,
            data: parse_session_body(T, &self.body)?,
            created_at: Timestamp::from_millis(self.created_at),
            created_by: parse_opt_id(T, "created_by", self.created_by.as_deref())?,
        })
    }
}

/// The columns of a follow-up.
#[derive(Debug, Clone)]
pub struct FollowUpRow {
    pub id: String,
    pub session_id: String,
    pub pseudonym: String,
    pub consent_to_link: bool,
    pub outcome: Option<String>,
    pub outcome_at: Option<i64>,
    pub started_at: i64,
}

impl FollowUpRow {
    pub fn into_follow_up(self) -> StoreResult<FollowUp> {
        use crate::backend::{corrupt, parse_id, stored_text};
        const T: &str = "outreach_follow_ups";
        Ok(FollowUp {
            id: parse_id(T, "id", &self.id)?,
            session: parse_id(T, "session_id", &self.session_id)?,
            pseudonym: stored_text(T, "pseudonym", &self.pseudonym)?,
            consent_to_link: self.consent_to_link,
            outcome: self
                .outcome
                .as_deref()
                .map(FollowUpOutcome::parse)
                .transpose()
                .map_err(|e| corrupt(T, e.to_string()))?,
            outcome_at: self.outcome_at.map(Timestamp::from_millis),
            session_started_at: Timestamp::from_millis(self.started_at),
        })
    }
}

/// A topic row read back.
pub fn org_topic(code: &str, label: &str) -> StoreResult<OrgTopic> {
    const T: &str = "outreach_topics";
    Ok(OrgTopic {
        code: TopicCode::parse(code).map_err(|e| crate::backend::corrupt(T, e.to_string()))?,
        label: crate::backend::stored_text(T, "label", label)?,
    })
}

/// A millisecond moment's day: days since 1970-01-01, UTC.
pub fn day_of(at: Timestamp) -> i64 {
    at.as_millis().div_euclid(DAY_MILLIS)
}

const DAY_MILLIS: i64 = 86_400_000;

/// The days a stats filter covers, `[from, to)` in days since 1970: the
/// dashboard counts whole UTC days, so a day counts when it starts at or
/// after the start of `from`'s day and before `to`.
pub fn filter_days(filter: &OutreachFilter) -> (i64, i64) {
    let from = filter.from.map(day_of).unwrap_or(i64::MIN);
    let to = filter
        .to
        .map(|t| {
            let millis = t.as_millis();
            millis.div_euclid(DAY_MILLIS) + i64::from(millis.rem_euclid(DAY_MILLIS) != 0)
        })
        .unwrap_or(i64::MAX);
    (from, to)
}

/// The first day of the month of `day`.
fn month_start(day: i64) -> i64 {
    let date = Timestamp::from_millis(day.saturating_mul(DAY_MILLIS)).to_offset_date_time();
    day - i64::from(date.day()) + 1
}

/// `yyyymm` of a day.
fn month_of_day(day: i64) -> i64 {
    retrace_domain::outreach::month_of(Timestamp::from_millis(day.saturating_mul(DAY_MILLIS)))
}

/// Where the dashboard reads the days of a filter: whole months from the
/// monthly tallies (`months`, `yyyymm`, `[from, to)`), the days before
/// the first whole month (`head`) and after the last (`tail`) from the
/// daily ones. A year is then about twelve monthly rows and at most two
/// months of daily rows per team, place and figure, not 365 days of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatsRanges {
    pub head: (i64, i64),
    pub months: (i64, i64),
    pub tail: (i64, i64),
}

/// Splits a filter's days (`filter_days`) into [`StatsRanges`].
pub fn stats_ranges(filter: &OutreachFilter) -> StatsRanges {
    let (from, to) = filter_days(filter);
    // The first day of the first whole month, and of the month after the
    // last whole one.
    let first = if from == i64::MIN {
        i64::MIN
    } else if month_start(from) == from {
        from
    } else {
        month_start(month_start(from) + 32)
    };
    let end = if to == i64::MAX {
        i64::MAX
    } else {
        month_start(to)
    };
    if first >= end {
        return StatsRanges {
            head: (from, to),
            months: (0, 0),
            tail: (0, 0),
        };
    }
    let month = |day: i64, open: i64| {
        if day == open { open } else { month_of_day(day) }
    };
    StatsRanges {
        head: (from, first),
        months: (month(first, i64::MIN), month(end, i64::MAX)),
        tail: (end, to),
    }
}

/// What `changes` add to the monthly tallies: the same keys without the
/// day, zeros left out.
pub fn monthly(changes: &[(TallyKey, i64, i64)]) -> Vec<(TallyKey, i64, i64)> {
    let mut months: std::collections::BTreeMap<TallyKey, (i64, i64)> = Default::default();
    for (key, sessions, people) in changes {
        let entry = months
            .entry(TallyKey {
                day: 0,
                ..key.clone()
            })
            .or_default();
        entry.0 += sessions;
        entry.1 += people;
    }
    months
        .into_iter()
        .filter(|(_, (sessions, people))| *sessions != 0 || *people != 0)
        .map(|(key, (sessions, people))| (key, sessions, people))
        .collect()
}

/// The stored code of a nationality of people reached: the country, or
/// `unknown`.
pub fn nationality_code(nationality: Option<CountryCode>) -> String {
    nationality
        .map(|c| c.as_str().to_owned())
        .unwrap_or_else(|| "unknown".to_owned())
}

/// Where a tally counts: among all the people reached (`*`) or among the
/// people of one nationality (for a dashboard filtered by nationality).
pub const ALL_NATIONALITIES: &str = "*";

/// One row of the dashboard's pre-aggregated tallies (table
/// `outreach_tallies`): what sessions of one organisation, day, team and
/// place add to one figure. `dim` is `session` (`item` empty), `nationality`,
/// `sex`, `age_band`, `topic`, `referral` or `outcome`; `sessions` counts
/// the sessions that have the key (each at most once), `people` the
/// people reached with it (referred, for `referral`; follow-ups, for
/// `outcome`; 0 for `topic`). Under a nationality other than `*`, only the
/// sessions that reached someone of that nationality count, and only its
/// people (the referrals, topics and outcomes of those sessions count
/// whole).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct TallyKey {
    pub nationality: String,
    pub dim: &'static str,
    pub day: i64,
    pub month: i64,
    pub team: String,
    pub place_kind: &'static str,
    pub item: String,
}

/// What one session adds to the tallies, given the outcomes recorded for
/// its follow-ups.
pub fn session_tallies(
    data: &OutreachSessionData,
    outcomes: &[FollowUpOutcome],
) -> std::collections::BTreeMap<TallyKey, (i64, i64)> {
    use std::collections::{BTreeMap, BTreeSet};
    let groups: Vec<(String, &retrace_domain::ReachedGroup)> = data
        .reached
        .iter()
        .map(|g| (nationality_code(g.nationality), g))
        .collect();
    let nationalities: BTreeSet<&str> = groups.iter().map(|(n, _)| n.as_str()).collect();
    let mut out = BTreeMap::new();
    let day = day_of(data.started_at);
    let month = data.month();
    for scope in std::iter::once(ALL_NATIONALITIES).chain(nationalities.iter().copied()) {
        let mut rows: BTreeMap<(&'static str, String), i64> = BTreeMap::new();
        let mut people = 0i64;
        for (nationality, group) in &groups {
            if scope != ALL_NATIONALITIES && scope != nationality {
                continue;
            }
            let count = i64::from(group.count);
            people += count;
            for (dim, key) in [
                ("nationality", nationality.clone()),
                ("sex", group.sex.as_str().to_owned()),
                ("age_band", group.age_band.as_str().to_owned()),
            ] {
                *rows.entry((dim, key)).or_default() += count;
            }
        }
        rows.insert(("session", String::new()), people);
        for topic in &data.topics {
            rows.insert(("topic", topic.as_str().to_owned()), 0);
        }
        for referral in &data.referrals {
            *rows
                .entry(("referral", referral.service.as_str().to_owned()))
                .or_default() += i64::from(referral.count);
        }
        for outcome in outcomes {
            *rows
                .entry(("outcome", outcome.as_str().to_owned()))
                .or_default() += 1;
        }
        for ((dim, key), people) in rows {
            out.insert(
                TallyKey {
                    nationality: scope.to_owned(),
                    dim,
                    day,
                    month,
                    team: data.team.as_str().to_owned(),
                    place_kind: data.place_kind.as_str(),
                    item: key,
                },
                (1, people),
            );
        }
    }
    out
}

/// What changing a session from `before` to `after` (each a content and
/// its follow-ups' outcomes; `None` when it did not or no longer exists)
/// changes in the tallies: `(sessions, people)` to add, zeros left out.
pub fn tally_changes(
    before: Option<(&OutreachSessionData, &[FollowUpOutcome])>,
    after: Option<(&OutreachSessionData, &[FollowUpOutcome])>,
) -> Vec<(TallyKey, i64, i64)> {
    let mut changes = after
        .map(|(data, outcomes)| session_tallies(data, outcomes))
        .unwrap_or_default();
    if let Some((data, outcomes)) = before {
        for (key, (sessions, people)) in session_tallies(data, outcomes) {
            let entry = changes.entry(key).or_default();
            entry.0 -= sessions;
            entry.1 -= people;
        }
    }
    changes
        .into_iter()
        .filter(|(_, (sessions, people))| *sessions != 0 || *people != 0)
        .map(|(key, (sessions, people))| (key, sessions, people))
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "test code")]
    use super::*;
    use retrace_domain::{AgeBand, ReachedGroup, Referral, Sex};

    fn text(value: &str) -> Text {
        Text::parse("t", value, 100, false).unwrap()
    }

    fn group(sex: Sex, nationality: Option<&str>, count: u32) -> ReachedGroup {
        ReachedGroup {
            sex,
            age_band: AgeBand::From18To25,
            nationality: nationality.map(|n| CountryCode::parse(n).unwrap()),
            count,
        }
    }

    fn session() -> OutreachSessionData {
        OutreachSessionData {
            team: text("North"),
            place_kind: PlaceKind::Station,
            city: text("Brussels"),
            started_at: Timestamp::from_millis(1_700_000_000_000),
            duration_minutes: 60,
            members: vec![text("Anne")],
            mediators: vec![],
            languages: vec![],
            people_reached: 9,
            reached: vec![
                group(Sex::Male, Some("SD"), 3),
                group(Sex::Female, Some("SD"), 2),
                group(Sex::Male, None, 4),
            ],
            topics: vec![TopicCode::parse("health").unwrap()],
            referrals: vec![
                Referral {
                    service: text("Clinic"),
                    count: 1,
                },
                Referral {
                    service: text("Clinic"),
                    count: 2,
                },
            ],
            follow_ups: vec![],
            notes: None,
        }
    }

    fn get(
        tallies: &std::collections::BTreeMap<TallyKey, (i64, i64)>,
        nationality: &str,
        dim: &str,
        key: &str,
    ) -> Option<(i64, i64)> {
        tallies
            .iter()
            .find(|(k, _)| k.nationality == nationality && k.dim == dim && k.item == key)
            .map(|(_, v)| *v)
    }

    #[test]
    fn a_session_counts_once_per_key_among_all_and_per_nationality() {
        let data = session();
        let tallies = session_tallies(&data, &[FollowUpOutcome::ReceptionEntered]);
        assert_eq!(get(&tallies, "*", "session", ""), Some((1, 9)));
        assert_eq!(get(&tallies, "SD", "session", ""), Some((1, 5)));
        assert_eq!(get(&tallies, "unknown", "session", ""), Some((1, 4)));
        assert_eq!(get(&tallies, "*", "sex", "male"), Some((1, 7)));
        assert_eq!(get(&tallies, "SD", "sex", "male"), Some((1, 3)));
        assert_eq!(get(&tallies, "*", "nationality", "SD"), Some((1, 5)));
        assert_eq!(get(&tallies, "SD", "nationality", "unknown"), None);
        assert_eq!(get(&tallies, "*", "referral", "Clinic"), Some((1, 3)));
        assert_eq!(get(&tallies, "SD", "topic", "health"), Some((1, 0)));
        assert_eq!(
            get(&tallies, "unknown", "outcome", "reception_entered"),
            Some((1, 1))
        );
    }

    fn day(date: &str) -> i64 {
        let t = time::Date::parse(
            date,
            time::macros::format_description!("[year]-[month]-[day]"),
        )
        .unwrap();
        i64::from(t.to_julian_day() - time::macros::date!(1970 - 01 - 01).to_julian_day())
    }

    fn filter(from: Option<&str>, to: Option<&str>) -> OutreachFilter {
        OutreachFilter {
            from: from.map(|d| Timestamp::from_millis(day(d) * DAY_MILLIS)),
            to: to.map(|d| Timestamp::from_millis(day(d) * DAY_MILLIS)),
            ..OutreachFilter::default()
        }
    }

    #[test]
    fn a_year_reads_whole_months_and_the_days_around_them() {
        let year = stats_ranges(&filter(Some("2025-12-04"), Some("2026-12-04")));
        assert_eq!(year.head, (day("2025-12-04"), day("2026-01-01")));
        assert_eq!(year.months, (202601, 202612));
        assert_eq!(year.tail, (day("2026-12-01"), day("2026-12-04")));
        let calendar = stats_ranges(&filter(Some("2026-01-01"), Some("2027-01-01")));
        assert_eq!(calendar.head.0, calendar.head.1);
        assert_eq!(calendar.months, (202601, 202701));
        assert_eq!(calendar.tail.0, calendar.tail.1);
        let within = stats_ranges(&filter(Some("2026-02-03"), Some("2026-02-20")));
        assert_eq!(within.head, (day("2026-02-03"), day("2026-02-20")));
        assert_eq!(within.months, (0, 0));
        let all = stats_ranges(&OutreachFilter::default());
        assert_eq!(all.months, (i64::MIN, i64::MAX));
        assert_eq!(all.head.0, all.head.1);
        assert_eq!(all.tail.0, all.tail.1);
        let until = stats_ranges(&filter(None, Some("2026-03-15")));
        assert_eq!(until.months, (i64::MIN, 202603));
        assert_eq!(until.tail, (day("2026-03-01"), day("2026-03-15")));
    }

    #[test]
    fn an_edit_changes_only_what_differs() {
        let before = session();
        let mut after = session();
        after.notes = Some(text("rain"));
        assert!(tally_changes(Some((&before, &[])), Some((&after, &[]))).is_empty());
        after.reached[2].count = 5;
        after.people_reached = 10;
        let changes = tally_changes(Some((&before, &[])), Some((&after, &[])));
        assert!(
            changes
                .iter()
                .all(|(_, sessions, people)| *sessions == 0 && *people == 1)
        );
        let gone = tally_changes(Some((&before, &[])), None);
        assert!(gone.iter().all(|(_, sessions, _)| *sessions == -1));
    }
}
