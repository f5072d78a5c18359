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

impl App {
    /// At start, after [`App::load_matching`]: recomputes the candidate
    /// lists of every person changed after the matching checkpoint, which
    /// a server killed between a change's commit and its candidate lists
    /// left undone. When the outbox no longer holds the checkpoint, every
    /// list is recomputed. Returns how many persons were recomputed.
    pub async fn recover_candidates(&self) -> AppResult<usize> {
        let since = self.store.matching_checkpoint().await?;
        let bounds = self.store.outbox_bounds().await?;
        let now = self.clock.now();
        if !bounds.can_replay_from(since) {
            let summary = self.matching.recompute_all(self.store(), now).await?;
            self.store
                .advance_matching_checkpoint(bounds.newest)
                .await?;
            return Ok(summary.sought);
        }
        let (position, persons) = self.persons_changed_since(since).await?;
        for person in &persons {
            self.matching
                .person_changed(self.store(), *person, now)
                .await?;
        }
        self.store.advance_matching_checkpoint(position).await?;
        Ok(persons.len())
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
