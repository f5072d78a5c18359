//! What the store tells about the work waiting for an organisation: counts
//! and the newest items of each kind, and when each member last read their
//! notifications.

use crate::{OrgScope, StoreResult};
use async_trait::async_trait;
use retrace_domain::{
    NETWORK_POST_DAYS, QUIET_AFTER_DAYS, RECENT_RELEASE_DAYS, Timestamp, UserId, WorkKind,
};

/// The moment the queue is read at, which decides what is quiet and what
/// is recent, and the member reading it (whose follows pick network posts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkWindow {
    pub now: Timestamp,
    pub user: UserId,
}

const DAY_MILLIS: i64 = 24 * 60 * 60 * 1000;

impl WorkWindow {
    /// How long a request stays unchanged before it is quiet.
    pub fn quiet_millis(self) -> i64 {
        QUIET_AFTER_DAYS * DAY_MILLIS
    }
    /// Requests unchanged since before this are quiet.
    pub fn quiet_before(self) -> Timestamp {
        Timestamp::from_millis(self.now.as_millis().saturating_sub(self.quiet_millis()))
    }
    /// Network posts written before this are no longer listed.
    pub fn posts_after(self) -> Timestamp {
        Timestamp::from_millis(
            self.now
                .as_millis()
                .saturating_sub(NETWORK_POST_DAYS * DAY_MILLIS),
        )
    }
    /// Releases received before this are no longer listed.
    pub fn releases_after(self) -> Timestamp {
        Timestamp::from_millis(
            self.now
                .as_millis()
                .saturating_sub(RECENT_RELEASE_DAYS * DAY_MILLIS),
        )
    }
}

/// One piece of waiting work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkItem {
    pub kind: WorkKind,
    /// The id of the record its page is about (a candidate, a transfer, a
    /// referral, a report, a request or a network post).
    pub object_id: String,
    /// The reference of the organisation's own request it concerns, when
    /// there is one. Never anything of another organisation's record.
    pub reference: Option<String>,
    /// When it started waiting (for a quiet request: when it became quiet).
    pub since: Timestamp,
}

/// The work of one kind: how much, how much of it arrived after the
/// member last read their notifications, and the newest items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkBucket {
    pub kind: WorkKind,
    pub count: u64,
    pub unread: u64,
    pub items: Vec<WorkItem>,
}

#[async_trait]
pub trait WorkQueueStore: Send + Sync {
    /// For each of `kinds` in order, the organisation's waiting work: the
    /// count, how many items started waiting after `read_at` (all when
    /// `None`), and up to `items_per_kind` items, newest first.
    async fn work_queue(
        &self,
        scope: &OrgScope,
        kinds: &[WorkKind],
        window: WorkWindow,
        read_at: Option<Timestamp>,
        items_per_kind: u32,
    ) -> StoreResult<Vec<WorkBucket>>;

    /// When the user last marked their notifications read.
    async fn notifications_read_at(&self, user: UserId) -> StoreResult<Option<Timestamp>>;

    /// Marks everything up to `at` read for the user. Never moves the mark
    /// back.
    async fn mark_notifications_read(&self, user: UserId, at: Timestamp) -> StoreResult<()>;
}
