//! What several server processes on one database share through it
//! (`docs/adr/0019-several-servers-one-database.md`): the change outbox
//! that every process follows to keep its matching index and gallery cache
//! current, and per-client rate limits counted in the database.

use crate::StoreResult;
use async_trait::async_trait;
use retrace_domain::Timestamp;

/// What an outbox row says changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    /// A person the matching index holds: the person, one of its consents
    /// or its request's status. The object id is the person's id.
    Person,
    /// A gallery entry (published, approved, taken down). The object id is
    /// the entry's id.
    Gallery,
}

impl ChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Person => "person",
            Self::Gallery => "gallery",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "person" => Some(Self::Person),
            "gallery" => Some(Self::Gallery),
            _ => None,
        }
    }
}

/// One row of the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxChange {
    /// The database position of this change: strictly increasing, and
    /// visible in that order (a reader that has seen position N never
    /// later finds a smaller one).
    pub seq: u64,
    pub kind: ChangeKind,
    pub object_id: String,
    /// Written through this store's own connections (this process), as
    /// far as the backend can tell; always false where it cannot.
    pub own: bool,
}

/// The positions the outbox holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OutboxBounds {
    /// The oldest position still kept, `None` when the outbox is empty.
    pub oldest: Option<u64>,
    /// The newest position ever given (0 before the first change). A
    /// reader at this position has seen every change committed so far.
    pub newest: u64,
}

impl OutboxBounds {
    /// Whether a reader that has applied every change up to `position`
    /// can catch up from the outbox, or lost changes to pruning and must
    /// read everything again.
    pub fn can_replay_from(self, position: u64) -> bool {
        match self.oldest {
            Some(oldest) => position + 1 >= oldest,
            // Empty: nothing to replay, unless rows this reader never saw
            // were pruned.
            None => position >= self.newest,
        }
    }
}

/// How long outbox rows are kept: a process (or an index snapshot) older
/// than this position reads everything again.
pub const OUTBOX_RETENTION_DAYS: i64 = 7;

#[async_trait]
pub trait OutboxStore: Send + Sync {
    /// Up to `limit` changes after position `after`, oldest first.
    async fn changes_since(&self, after: u64, limit: u32) -> StoreResult<Vec<OutboxChange>>;

    /// The oldest and newest positions.
    async fn outbox_bounds(&self) -> StoreResult<OutboxBounds>;

    /// Deletes the changes recorded before `before`, keeping the newest
    /// one (so that the newest position stays known). Returns how many
    /// went.
    async fn prune_outbox(&self, before: Timestamp) -> StoreResult<u64>;

    /// The position up to which every change has had its candidate lists
    /// computed.
    async fn matching_checkpoint(&self) -> StoreResult<u64>;

    /// Moves the matching checkpoint forward to `position` (never back).
    async fn advance_matching_checkpoint(&self, position: u64) -> StoreResult<()>;

    /// The fingerprint of the matching engine that last computed every
    /// candidate list (empty if none has, or before it was recorded).
    async fn matching_engine(&self) -> StoreResult<String>;

    /// Records that every candidate list was computed by `engine`.
    async fn record_matching_engine(&self, engine: &str) -> StoreResult<()>;

    /// This database's random identity, written once by its migrations:
    /// the outbox's positions mean something only in the database that
    /// gave them.
    async fn database_identity(&self) -> StoreResult<String>;
}

#[async_trait]
pub trait RateLimitStore: Send + Sync {
    /// Counts one hit of `client_key` in the fixed window starting at
    /// `window_start` and ending at `window_end`, and returns the hits of
    /// that window so far, this one included.
    async fn count_hit(
        &self,
        client_key: &str,
        window_start: Timestamp,
        window_end: Timestamp,
    ) -> StoreResult<u64>;

    /// The hits of `client_key` in the window starting at `window_start`,
    /// without counting.
    async fn hits(&self, client_key: &str, window_start: Timestamp) -> StoreResult<u64>;

    /// Deletes the counts of windows that ended before `now`.
    async fn prune_rate_limits(&self, now: Timestamp) -> StoreResult<u64>;
}
