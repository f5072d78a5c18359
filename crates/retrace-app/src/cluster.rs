//! Following the changes other server processes make to the same database
//! (`docs/adr/0019-several-servers-one-database.md`). Every change to a
//! matchable person or a gallery entry leaves a row in the store's change
//! outbox, in the change's own transaction. Each process remembers the
//! position it has applied and reads the rows after it: a person changed
//! through another process is read again into this process's matching
//! index (and the candidate lists it can affect recomputed, which also
//! settles two processes saving two similar persons at the same moment); a
//! gallery change clears this process's page cache. A wake-up (PostgreSQL's
//! NOTIFY) only says "read now": the table is the truth, so a missed
//! wake-up delays a change until the next periodic read and loses nothing.

use crate::matching::Recomputation;
use crate::{App, AppResult};
use retrace_domain::PersonId;
use retrace_store::ChangeKind;
use std::collections::BTreeSet;
use std::str::FromStr;

/// Changes read per page.
const PAGE: u32 = 500;

/// The position this process has applied, behind a lock so that one
/// reader at a time applies a page.
#[derive(Default)]
pub struct ChangeFollower {
    position: tokio::sync::Mutex<u64>,
}

/// What one [`App::follow_changes`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Followed {
    /// Persons changed through another process, read again.
    pub persons: usize,
    /// Whether a gallery change of another process cleared the cache.
    pub gallery_cleared: bool,
    /// Whether the outbox no longer held this process's position (pruned):
    /// the matching index was read again whole.
    pub reloaded: bool,
    /// The position applied now.
    pub position: u64,
}

impl ChangeFollower {
    pub async fn position(&self) -> u64 {
        *self.position.lock().await
    }

    pub(crate) async fn set(&self, position: u64) {
        *self.position.lock().await = position;
    }
}

impl App {
    /// Applies every change recorded after the position this process has
    /// applied: see the module documentation. Changes this process made
    /// itself are skipped (its use cases applied them already) where the
    /// store can tell them apart.
    pub async fn follow_changes(&self) -> AppResult<Followed> {
        let mut position = self.follower.position.lock().await;
        let mut done = Followed {
            position: *position,
            ..Followed::default()
        };
        let bounds = self.store.outbox_bounds().await?;
        if !bounds.can_replay_from(*position) {
            self.matching.clear();
            self.matching.load(self.store()).await?;
            self.gallery_cache.clear();
            *position = bounds.newest;
            return Ok(Followed {
                reloaded: true,
                gallery_cleared: true,
                position: *position,
                ..done
            });
        }
        loop {
            let page = self.store.changes_since(*position, PAGE).await?;
            let Some(last) = page.last().map(|change| change.seq) else {
                break;
            };
            let mut persons = BTreeSet::new();
            for change in page.iter().filter(|change| !change.own) {
                match change.kind {
                    ChangeKind::Person => {
                        if let Ok(id) = PersonId::from_str(&change.object_id) {
                            persons.insert(id);
                        }
                    }
                    ChangeKind::Gallery => done.gallery_cleared = true,
                }
            }
            if done.gallery_cleared {
                self.gallery_cache.clear();
            }
            let now = self.clock.now();
            for person in &persons {
                self.matching
                    .person_changed(self.store(), *person, now)
                    .await?;
            }
            done.persons += persons.len();
            // Applied: only now does the position move, so a failure above
            // reads the same page again next time.
            *position = last;
            if page.len() < PAGE as usize {
                break;
            }
        }
        done.position = *position;
        Ok(done)
    }
}

/// How far the matching checkpoint lags behind the changes seen: longer
/// than any use case takes between committing a change and storing the
/// candidate lists it affects.
pub const CHECKPOINT_LAG: std::time::Duration = std::time::Duration::from_secs(60);

/// Positions seen, waiting for [`CHECKPOINT_LAG`] to pass before they
/// become the matching checkpoint.
#[derive(Default)]
pub struct Checkpointer {
    seen: std::collections::VecDeque<(std::time::Instant, u64)>,
}

impl Checkpointer {
    /// Records the newest position now and returns the newest position
    /// seen at least [`CHECKPOINT_LAG`] ago, if one came of age.
    pub fn tick(&mut self, now: std::time::Instant, newest: u64) -> Option<u64> {
        self.seen.push_back((now, newest));
        let mut ready = None;
        while let Some((at, position)) = self.seen.front().copied() {
            if now.duration_since(at) < CHECKPOINT_LAG {
                break;
            }
            ready = Some(position);
            self.seen.pop_front();
        }
        ready
    }
}

/// Outbox rows read per recovery batch.
const RECOVERY_PAGE: u32 = 500;

/// Sought persons whose lists one recovery batch recomputes.
const RECOVERY_LISTS: usize = 256;

/// The candidate lists a start has to recompute (see
/// [`App::plan_recovery`]), done batch by batch with
/// [`App::recover_batch`] while the server already answers.
#[derive(Debug)]
pub enum Recovery {
    /// Every change up to the checkpoint has its lists: nothing to do.
    Done,
    /// The persons changed in `(cursor, until]`, one outbox page per batch;
    /// the matching checkpoint follows `cursor`, so a stop between batches
    /// leaves the rest to the next start.
    Changes { from: u64, cursor: u64, until: u64 },
    /// Every sought person's list: the outbox no longer reaches back to the
    /// checkpoint, or it holds more changes than there are sought persons
    /// (a large import), where recomputing each list once is cheaper than
    /// following each changed person. First one linkage of the whole index,
    /// a part per batch, then [`RECOVERY_LISTS`] lists per batch from it
    /// (the lists a save wrote meanwhile are queried instead). The
    /// checkpoint moves to `until` only when the last list is done. Also
    /// when the lists were computed by another matching engine
    /// (`other_engine`, an upgrade).
    All {
        other_engine: bool,
        sought: Vec<PersonId>,
        next: usize,
        until: u64,
        linkage: Box<Recomputation>,
    },
}

impl Recovery {
    pub fn is_done(&self) -> bool {
        matches!(self, Self::Done)
    }

    /// Work done and work in all, in outbox positions or sought persons.
    pub fn progress(&self) -> (u64, u64) {
        match self {
            Self::Done => (0, 0),
            Self::Changes {
                from,
                cursor,
                until,
            } => (cursor - from, until - from),
            Self::All { sought, next, .. } => (*next as u64, sought.len() as u64),
        }
    }

    /// While the whole index is linked before every list is recomputed:
    /// records linked so far, and in all.
    pub fn linking(&self) -> Option<(usize, usize)> {
        match self {
            Self::All { linkage, .. } if linkage.is_linking() => Some(linkage.progress()),
            _ => None,
        }
    }
}

/// Whether a recovery planned at start is still under way: the periodic
/// checkpoint waits for it (it would otherwise move past changes whose lists
/// are not computed yet).
#[derive(Default)]
pub struct RecoveryState {
    pending: std::sync::atomic::AtomicBool,
}

impl RecoveryState {
    fn set(&self, pending: bool) {
        self.pending
            .store(pending, std::sync::atomic::Ordering::SeqCst);
    }

    pub fn is_pending(&self) -> bool {
        self.pending.load(std::sync::atomic::Ordering::SeqCst)
    }
}

impl App {
    /// At start, after [`App::start_matching`]: what is left of the
    /// candidate lists of the persons changed after the matching checkpoint
    /// (a server killed between a change's commit and its lists, or a
    /// command-line import, which computes none). Until the plan is done,
    /// [`App::advance_checkpoint`] does not move the checkpoint.
    pub async fn plan_recovery(&self) -> AppResult<Recovery> {
        let since = self.store.matching_checkpoint().await?;
        let bounds = self.store.outbox_bounds().await?;
        let until = bounds.newest;
        let replayable = bounds.can_replay_from(since);
        // Lists computed by another engine (an upgrade) are all out of date.
        // None recorded: none was computed by another (a new database).
        let engine = crate::matching::lists_engine();
        let recorded = self.store.matching_engine().await?;
        let other_engine = !recorded.is_empty() && recorded != engine;
        if recorded.is_empty() {
            self.store.record_matching_engine(&engine).await?;
        }
        if !other_engine && replayable && since >= until {
            return Ok(Recovery::Done);
        }
        self.recovery.set(true);
        let sought = self.matching.sought_persons();
        if other_engine || !replayable || until - since > sought.len() as u64 {
            return Ok(Recovery::All {
                other_engine,
                sought,
                next: 0,
                until,
                linkage: Box::new(self.matching.begin_recomputation()),
            });
        }
        Ok(Recovery::Changes {
            from: since,
            cursor: since,
            until,
        })
    }

    /// One batch of `plan`: the persons of one outbox page, or
    /// [`RECOVERY_LISTS`] sought persons, their lists written in one
    /// transaction, then the checkpoint moved over what is done. Returns
    /// how many persons the batch recomputed.
    pub async fn recover_batch(&self, plan: &mut Recovery) -> AppResult<usize> {
        let now = self.clock.now();
        let done = match plan {
            Recovery::Done => 0,
            Recovery::Changes { cursor, until, .. } => {
                let page = self.store.changes_since(*cursor, RECOVERY_PAGE).await?;
                let in_range: Vec<_> = page.iter().take_while(|c| c.seq <= *until).collect();
                match in_range.last().map(|change| change.seq) {
                    None => {
                        self.store.advance_matching_checkpoint(*until).await?;
                        *plan = Recovery::Done;
                        0
                    }
                    Some(last) => {
                        let persons: Vec<PersonId> = in_range
                            .iter()
                            .filter(|change| change.kind == ChangeKind::Person)
                            .filter_map(|change| PersonId::from_str(&change.object_id).ok())
                            .collect::<BTreeSet<_>>()
                            .into_iter()
                            .collect();
                        self.matching
                            .persons_changed(self.store(), &persons, now)
                            .await?;
                        self.store.advance_matching_checkpoint(last).await?;
                        *cursor = last;
                        if last >= *until {
                            *plan = Recovery::Done;
                        }
                        persons.len()
                    }
                }
            }
            Recovery::All { linkage, .. } if linkage.is_linking() => {
                self.matching.link_part(linkage);
                0
            }
            Recovery::All {
                sought,
                next,
                until,
                linkage,
                ..
            } => {
                let end = (*next + RECOVERY_LISTS).min(sought.len());
                let batch = sought.get(*next..end).unwrap_or_default();
                self.matching
                    .recompute_lists_from(self.store(), batch, now, linkage)
                    .await?;
                let count = batch.len();
                *next = end;
                if end >= sought.len() {
                    self.store.advance_matching_checkpoint(*until).await?;
                    self.store
                        .record_matching_engine(&crate::matching::lists_engine())
                        .await?;
                    *plan = Recovery::Done;
                }
                count
            }
        };
        if plan.is_done() {
            self.recovery.set(false);
        }
        Ok(done)
    }

    /// Whether a recovery planned at start is still under way.
    pub fn recovering_candidates(&self) -> bool {
        self.recovery.is_pending()
    }

    /// Every person changed after position `since` (whichever process
    /// changed it), and the newest position read.
    pub(crate) async fn persons_changed_since(
        &self,
        since: u64,
    ) -> AppResult<(u64, BTreeSet<PersonId>)> {
        let mut position = since;
        let mut persons = BTreeSet::new();
        loop {
            let page = self.store.changes_since(position, PAGE).await?;
            let Some(last) = page.last().map(|change| change.seq) else {
                break;
            };
            persons.extend(
                page.iter()
                    .filter(|change| change.kind == ChangeKind::Person)
                    .filter_map(|change| PersonId::from_str(&change.object_id).ok()),
            );
            position = last;
            if page.len() < PAGE as usize {
                break;
            }
        }
        Ok((position, persons))
    }

    /// One step of the matching checkpoint: see [`Checkpointer`].
    pub async fn advance_checkpoint(
        &self,
        checkpointer: &mut Checkpointer,
        now: std::time::Instant,
    ) -> AppResult<()> {
        if self.recovery.is_pending() {
            // The lists of changes before the start are not all computed
            // yet: the recovery moves the checkpoint itself as it goes.
            return Ok(());
        }
        let newest = self.store.outbox_bounds().await?.newest;
        if let Some(position) = checkpointer.tick(now, newest) {
            self.store.advance_matching_checkpoint(position).await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    #[test]
    fn a_position_becomes_the_checkpoint_after_the_lag() {
        let mut checkpointer = Checkpointer::default();
        let start = Instant::now();
        assert_eq!(checkpointer.tick(start, 5), None);
        assert_eq!(checkpointer.tick(start + Duration::from_secs(30), 9), None);
        assert_eq!(checkpointer.tick(start + CHECKPOINT_LAG, 12), Some(5));
        assert_eq!(
            checkpointer.tick(start + CHECKPOINT_LAG * 2, 12),
            Some(12),
            "every position of age, the newest last"
        );
    }
}
