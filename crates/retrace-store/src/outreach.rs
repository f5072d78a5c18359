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
/// optional place kind, team and nationality of the people reached.
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
