//! Starting the matching index from a snapshot file instead of reading
//! every person from the database (issue 17, `docs/adr/0022-matching-at-scale.md`).
//!
//! A snapshot holds the index and what the service keeps per person as of a
//! position of the change outbox (`docs/adr/0019-several-servers-one-database.md`):
//! every change at or before it is in the snapshot. At start the snapshot
//! is restored, then every person changed after its position is read again
//! from the database, so the index is what the database says now: a person
//! erased, withdrawn from tracing, closed or put at risk after the snapshot
//! was written leaves an outbox row (the triggers of migration 0025 fire on
//! every change to a person, its consents and its request's status, and on
//! its deletion), and reading it again drops or deactivates it. When there
//! is no usable snapshot (none, sealed under another key or for another
//! database, altered, made by another engine, or older than the outbox
//! keeps), the index is built from the database as before. A snapshot is
//! sealed for the database's random identity (migration 0040): the
//! outbox's positions mean nothing in another database, and a file made
//! from one must never bring its persons into another's index.
//!
//! Key design decision: the position written with a snapshot is the one up
//! to which this process has itself read every change again, not the
//! newest position the database has given: a change committed by a use
//! case (or another process) whose index update has not happened yet is
//! read again before the snapshot is taken, so no change can fall between
//! the snapshot and its position. Reading a person again is idempotent, so
//! replaying a change the snapshot already holds costs time, never
//! correctness.

use crate::matching::SnapshotFileError;
use crate::{App, AppResult};
use std::path::Path;
use std::time::Instant;

/// How the matching index started.
#[derive(Debug)]
pub enum MatchingStart {
    /// Restored from the snapshot, then every change after its position
    /// read again.
    Restored {
        persons: usize,
        /// The snapshot's position.
        position: u64,
        /// Persons read again from the database.
        replayed: usize,
        restore_ms: u128,
        replay_ms: u128,
    },
    /// Built from the database.
    Built {
        persons: usize,
        /// Why the snapshot was not used.
        reason: String,
        ms: u128,
    },
}

/// The position up to which the index has read every change again, and
/// the position of the last snapshot written (behind a lock held while a
/// snapshot is written, so two writes never share the temporary file).
#[derive(Default)]
pub struct SnapshotPosition {
    replayed: tokio::sync::Mutex<u64>,
    written: std::sync::Mutex<Option<u64>>,
    /// The database's identity, read at start: a snapshot is sealed for it.
    database: std::sync::Mutex<Option<String>>,
}

impl SnapshotPosition {
    pub(crate) async fn set(&self, replayed: u64, written: Option<u64>) {
        *self.replayed.lock().await = replayed;
        *lock(&self.written) = written;
    }
}

fn lock<T>(mutex: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// What [`App::catch_up_for_snapshot`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SnapshotDue {
    /// The index holds every change up to this position: write it.
    At(u64),
    /// Nothing changed since the last snapshot.
    Unchanged,
    /// The outbox no longer holds the index's position, so a snapshot
    /// could not say which changes it lacks: none is written (the next
    /// start builds from the database).
    OutboxPruned,
}

impl App {
    /// At start, before serving: restores the matching index from the
    /// snapshot at `path` and replays the changes after its position, or
    /// builds it from the database (see the module documentation). Sets
    /// the position the change follower starts from.
    pub async fn start_matching(&self, path: &Path) -> AppResult<MatchingStart> {
        // A process killed while writing a snapshot leaves its temporary
        // file (sealed, owner-only, but as large as the snapshot).
        let _ = crate::matching::remove_stale_snapshot_files(path);
        let database = self.store.database_identity().await?;
        *lock(&self.snapshot_position.database) = Some(database.clone());
        let started = Instant::now();
        let reason =
            match self
                .matching
                .restore_snapshot_file(path, &self.snapshot_sealer, &database)
            {
                Ok(position) => {
                    let restore_ms = started.elapsed().as_millis();
                    let bounds = self.store.outbox_bounds().await?;
                    if position > bounds.newest {
                        // Written against another database, or this one before
                        // it was restored from a backup: nothing can be replayed.
                        "the snapshot is ahead of the database (another or a restored database)"
                            .to_owned()
                    } else if bounds.can_replay_from(position) {
                        let replaying = Instant::now();
                        let (applied, replayed) = self.replay_changes(position).await?;
                        self.follower.set(applied).await;
                        self.snapshot_position.set(applied, Some(position)).await;
                        return Ok(MatchingStart::Restored {
                            persons: self.matching.len(),
                            position,
                            replayed,
                            restore_ms,
                            replay_ms: replaying.elapsed().as_millis(),
                        });
                    } else {
                        "the change outbox no longer holds the snapshot's position".to_owned()
                    }
                }
                Err(SnapshotFileError::Io(err)) if err.kind() == std::io::ErrorKind::NotFound => {
                    "no snapshot".to_owned()
                }
                Err(err) => err.to_string(),
            };
        let started = Instant::now();
        let position = self.store.outbox_bounds().await?.newest;
        self.matching.clear();
        let persons = self.matching.load(self.store()).await?;
        self.follower.set(position).await;
        self.snapshot_position.set(position, None).await;
        Ok(MatchingStart::Built {
            persons,
            reason,
            ms: started.elapsed().as_millis(),
        })
    }

    /// Reads again every person changed after the index's position, and
    /// says whether a snapshot is due (and at which position). Then
    /// [`App::write_matching_snapshot`], on a blocking thread.
    pub async fn catch_up_for_snapshot(&self) -> AppResult<SnapshotDue> {
        let mut replayed = self.snapshot_position.replayed.lock().await;
        if !self.store.outbox_bounds().await?.can_replay_from(*replayed) {
            return Ok(SnapshotDue::OutboxPruned);
        }
        let (position, _) = self.replay_changes(*replayed).await?;
        *replayed = position;
        if *lock(&self.snapshot_position.written) == Some(position) {
            return Ok(SnapshotDue::Unchanged);
        }
        Ok(SnapshotDue::At(position))
    }

    /// Writes the sealed snapshot of the matching index at `position` (from
    /// [`App::catch_up_for_snapshot`]) to `path`; returns its size. Blocks:
    /// the index is read-locked while it is serialised in memory, then
    /// sealed and written without the lock.
    pub fn write_matching_snapshot(
        &self,
        path: &Path,
        position: u64,
    ) -> Result<u64, SnapshotFileError> {
        let database = lock(&self.snapshot_position.database)
            .clone()
            .ok_or_else(|| {
                SnapshotFileError::Io(std::io::Error::other(
                    "the matching index was not started: no database to seal the snapshot for",
                ))
            })?;
        let mut written = lock(&self.snapshot_position.written);
        let bytes =
            self.matching
                .save_snapshot_file(path, position, &self.snapshot_sealer, &database)?;
        *written = Some(position);
        Ok(bytes)
    }

    /// [`App::catch_up_for_snapshot`] then, when due,
    /// [`App::write_matching_snapshot`] on this thread: at shutdown and in
    /// tests. Returns the position written.
    pub async fn save_matching_snapshot(&self, path: &Path) -> AppResult<Option<u64>> {
        match self.catch_up_for_snapshot().await? {
            SnapshotDue::At(position) => {
                self.write_matching_snapshot(path, position)
                    .map_err(|err| crate::AppError::Internal(err.to_string()))?;
                Ok(Some(position))
            }
            SnapshotDue::Unchanged | SnapshotDue::OutboxPruned => Ok(None),
        }
    }

    /// Reads again into the index every person changed after `since`
    /// (without recomputing candidate lists: the process that made the
    /// change did, or [`App::recover_batch`] does). Returns the
    /// position reached and how many persons were read.
    async fn replay_changes(&self, since: u64) -> AppResult<(u64, usize)> {
        let (position, persons) = self.persons_changed_since(since).await?;
        for person in &persons {
            self.matching.refresh_person(self.store(), *person).await?;
        }
        Ok((position, persons.len()))
    }
}
