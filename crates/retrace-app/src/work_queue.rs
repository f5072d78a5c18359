//! The work queue on the home page and the notification bell: what waits
//! for a member's roles in their organisation. Reading the queue is not
//! audited: it shows counts and the organisation's own request references,
//! no personal data, and is read on every page for the bell.

use crate::{Actor, App, AppResult};
use retrace_domain::{Timestamp, WorkKind};
use retrace_store::{WorkBucket, WorkItem, WorkWindow};

/// How many items of each kind the home page lists.
pub const ITEMS_PER_KIND: u32 = 10;

/// A member's queue: every kind of their roles, in order, even when empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkQueue {
    pub buckets: Vec<WorkBucket>,
    /// When the member last marked their notifications read.
    pub read_at: Option<Timestamp>,
}

impl WorkQueue {
    pub fn total(&self) -> u64 {
        self.buckets.iter().map(|bucket| bucket.count).sum()
    }
    pub fn unread(&self) -> u64 {
        self.buckets.iter().map(|bucket| bucket.unread).sum()
    }
    pub fn is_unread(&self, item: &WorkItem) -> bool {
        self.read_at.is_none_or(|read_at| item.since > read_at)
    }
}

/// The member's queue with up to `items_per_kind` items of each kind.
pub async fn work_queue(app: &App, actor: &Actor, items_per_kind: u32) -> AppResult<WorkQueue> {
    let kinds = WorkKind::for_roles(actor.roles());
    if kinds.is_empty() {
        return Ok(WorkQueue {
            buckets: Vec::new(),
            read_at: None,
        });
    }
    let store = app.store();
    let read_at = store.notifications_read_at(actor.user()).await?;
    let window = WorkWindow {
        now: app.clock().now(),
        user: actor.user(),
    };
    let buckets = store
        .work_queue(&actor.scope(), &kinds, window, read_at, items_per_kind)
        .await?;
    Ok(WorkQueue { buckets, read_at })
}

/// The number on the bell: work that arrived since the member last marked
/// their notifications read.
pub async fn unread_count(app: &App, actor: &Actor) -> AppResult<u64> {
    Ok(work_queue(app, actor, 0).await?.unread())
}

/// Marks everything in the queue read now.
pub async fn mark_read(app: &App, actor: &Actor) -> AppResult<()> {
    app.store()
        .mark_notifications_read(actor.user(), app.clock().now())
        .await?;
    Ok(())
}
