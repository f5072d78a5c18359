//! The use cases of retrace: one function per action a person can take
//! (open a request, record or withdraw consent, register a person, review
//! or release a candidate, relay a family message, transfer, publish to or
//! take down from the gallery, export), called alike by the HTML pages and
//! the JSON API of `retrace-web`, and by nothing that knows HTTP or SQL.
//!
//! Key design decision: each function takes typed input (deserialised
//! straight from JSON, or built by the form parser), the caller's
//! [`Actor`] (identity, organisation scope, roles) and does the whole
//! action: it checks the role rule, validates the input with the domain's
//! parse functions, naming each error by its JSON path
//! (`sought[0].person.birth_date`), makes its store calls (each one
//! transaction with its audit entries) and only then updates the matching
//! index, the gallery's page cache and its media files. The HTML and JSON
//! handlers cannot differ in what they allow because neither decides it.
//!
//! The matching service, password hashing, photo processing and the media
//! directory live here too: they are rules and I/O of the platform, not of
//! HTTP.

pub mod accounts;
pub mod candidates;
pub mod cluster;
pub mod csv_import;
pub mod digest;
pub mod directory;
pub mod duplicates;
mod error;
pub mod export;
pub mod extract;
#[doc(hidden)]
pub mod fuzzing;
pub mod gallery;
pub mod gallery_cache;
pub mod indicators;
pub mod input;
pub mod interchange;
pub mod library;
pub mod lists;
pub mod mail;
pub mod matching;
pub mod media;
pub mod networks;
pub mod org_contact;
pub mod outreach;
pub mod password;
pub mod persons;
pub mod photo;
pub mod practices;
pub mod privacy;
pub mod referrals;
pub mod requests;
pub mod retention;
pub mod sample_files;
pub mod secrets;
pub mod snapshot;
pub mod spreadsheet;
pub mod totp;
pub mod transfers;
pub mod work_queue;
pub mod xlsx;

pub use error::{AppError, AppResult, Collect};
pub use matching::{MatchingService, RecomputeSummary};

use data_encoding::BASE64URL_NOPAD;
use rand::RngCore;
use retrace_domain::{Clock, OrgId, PersonId, Role, RoleSet, UserId};
use retrace_store::{AuditContext, OrgScope, Store};
use secrets::{Sealer, SecretKey};
use std::path::PathBuf;
use std::sync::Arc;

/// What every use case may use: the store, the clock, the matching index,
/// the gallery's media directory and page cache, and what is derived from
/// the server's secret key.
pub struct App {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    matching: MatchingService,
    media: media::MediaStore,
    gallery_cache: gallery_cache::GalleryCache,
    follower: cluster::ChangeFollower,
    recovery: cluster::RecoveryState,
    snapshot_position: snapshot::SnapshotPosition,
    sealer: Sealer,
    snapshot_sealer: secrets::SnapshotSealer,
    lockout_threshold: u32,
    retention: retention::RetentionRules,
}

/// Consecutive failed sign-ins before an account is locked, unless set.
pub const DEFAULT_LOCKOUT_THRESHOLD: u32 = 5;

impl App {
    /// `media_dir` holds the gallery's photos; `secret_key` seals second
    /// factors and keys the hashes of recovery codes. The matching index
    /// starts empty: call [`App::load_matching`] before serving.
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        media_dir: PathBuf,
        secret_key: &SecretKey,
    ) -> Self {
        let year = clock.now().to_offset_date_time().year();
        Self {
            matching: MatchingService::new(year),
            media: media::MediaStore::new(media_dir),
            gallery_cache: gallery_cache::GalleryCache::default(),
            follower: cluster::ChangeFollower::default(),
            recovery: cluster::RecoveryState::default(),
            snapshot_position: snapshot::SnapshotPosition::default(),
            sealer: Sealer::new(secret_key),
            snapshot_sealer: secrets::SnapshotSealer::new(secret_key),
            lockout_threshold: DEFAULT_LOCKOUT_THRESHOLD,
            retention: retention::RetentionRules::default(),
            store,
            clock,
        }
    }

    /// Consecutive failed sign-ins (or codes) before an account is locked.
    pub fn with_lockout_threshold(mut self, failures: u32) -> Self {
        self.lockout_threshold = failures.max(1);
        self
    }

    pub fn lockout_threshold(&self) -> u32 {
        self.lockout_threshold
    }

    /// The platform operator's retention limits (settings).
    pub fn with_retention_rules(mut self, rules: retention::RetentionRules) -> Self {
        self.retention = rules;
        self
    }

    pub fn retention_rules(&self) -> &retention::RetentionRules {
        &self.retention
    }

    /// Seals secrets to a context and makes keyed hashes.
    pub fn sealer(&self) -> &Sealer {
        &self.sealer
    }

    pub fn store(&self) -> &dyn Store {
        self.store.as_ref()
    }

    pub fn clock(&self) -> &dyn Clock {
        self.clock.as_ref()
    }

    pub fn matching(&self) -> &MatchingService {
        &self.matching
    }

    pub fn media(&self) -> &media::MediaStore {
        &self.media
    }

    pub fn gallery_cache(&self) -> &gallery_cache::GalleryCache {
        &self.gallery_cache
    }

    /// Builds the matching index from every stored person. The change
    /// outbox's position is read first: a change committed while the index
    /// loads is applied again by [`App::follow_changes`] (which reads the
    /// person as it is then), never lost.
    pub async fn load_matching(&self) -> AppResult<usize> {
        let position = self.store.outbox_bounds().await?.newest;
        let loaded = self.matching.load(self.store()).await?;
        self.follower.set(position).await;
        self.snapshot_position.set(position, None).await;
        Ok(loaded)
    }

    /// The change outbox position this process has applied.
    pub async fn applied_position(&self) -> u64 {
        self.follower.position().await
    }

    /// Removes media files that no gallery entry owns (left by a crash
    /// between a takedown and the deletion of its files), except files
    /// younger than [`media::SWEEP_GRACE`]: the media directory may be
    /// shared by several server processes, and another one may have just
    /// written the files of an entry it has not committed yet.
    pub async fn sweep_gallery_media(&self) -> AppResult<usize> {
        let keep = self.store.all_media_tokens().await?;
        self.media
            .sweep(&keep, media::SWEEP_GRACE)
            .await
            .map_err(AppError::media)
    }

    /// The media tokens of the organisation's gallery entries: read before
    /// a change that may take entries down, for
    /// [`App::forget_withdrawn_media`].
    async fn media_tokens_of(&self, scope: &OrgScope) -> AppResult<Vec<String>> {
        Ok(self
            .store
            .gallery_entries(scope)
            .await?
            .into_iter()
            .flat_map(|entry| [entry.media.photo, entry.media.thumbnail])
            .collect())
    }

    /// After a change whose transaction took gallery entries down (a
    /// closure, an at-risk flag, a withdrawn publication consent): clears
    /// the public gallery's cache and deletes the files of `before` (the
    /// organisation's tokens before the change) that no entry owns now.
    /// Only those: a file no entry owns yet may be another process's
    /// publication in progress.
    async fn forget_withdrawn_media(&self, before: &[String]) -> AppResult<()> {
        self.gallery_cache.clear();
        let owned: std::collections::HashSet<String> =
            self.store.all_media_tokens().await?.into_iter().collect();
        let gone: Vec<&str> = before
            .iter()
            .filter(|token| !owned.contains(*token))
            .map(String::as_str)
            .collect();
        self.media.delete(&gone).await.map_err(AppError::media)
    }

    /// Recomputes the candidates the changed persons can affect. Called
    /// after the change is committed, so the index never holds what the
    /// database does not.
    async fn reindex(&self, persons: &[PersonId]) -> AppResult<()> {
        let now = self.clock.now();
        for person in persons {
            self.matching
                .person_changed(self.store(), *person, now)
                .await?;
        }
        Ok(())
    }
}

/// Who acts: a signed-in member of one organisation, with their roles.
/// Built by the web layer from the session or API token, never from input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    user: UserId,
    org: OrgId,
    roles: RoleSet,
}

impl Actor {
    pub fn new(user: UserId, org: OrgId, roles: RoleSet) -> Self {
        Self { user, org, roles }
    }

    pub fn user(&self) -> UserId {
        self.user
    }

    pub fn org(&self) -> OrgId {
        self.org
    }

    pub fn roles(&self) -> &RoleSet {
        &self.roles
    }

    pub fn scope(&self) -> OrgScope {
        OrgScope::new(self.org)
    }

    /// Who is acting and why, for the audit entries of a change.
    pub fn audit(&self, app: &App, purpose: &str) -> AuditContext {
        AuditContext {
            at: app.clock.now(),
            actor: Some(self.user),
            org: Some(self.org),
            purpose: Some(purpose.to_owned()),
        }
    }

    /// Who is acting, for changes that need no stated purpose (account
    /// administration).
    pub fn audit_unexplained(&self, app: &App) -> AuditContext {
        AuditContext {
            purpose: None,
            ..self.audit(app, "")
        }
    }

    /// `Forbidden` unless the actor administers the organisation.
    pub fn require_org_admin(&self) -> AppResult<()> {
        if self.roles.contains(Role::OrgAdmin) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// `Forbidden` unless the actor may change the organisation's cases.
    pub fn require_caseworker(&self) -> AppResult<()> {
        if self.roles.contains(Role::Caseworker) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// `Forbidden` unless the actor works on transnational referrals.
    pub fn require_referral_officer(&self) -> AppResult<()> {
        if self.roles.contains(Role::ReferralOfficer) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// `Forbidden` unless the actor may read the organisation's cases.
    pub fn require_reader(&self) -> AppResult<()> {
        if self.roles.contains(Role::Caseworker) || self.roles.contains(Role::Viewer) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
}

/// A random URL-safe token of `bytes` random bytes.
pub fn random_token(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    rand::thread_rng().fill_bytes(&mut buffer);
    BASE64URL_NOPAD.encode(&buffer)
}

/// Percent-encodes every byte but ASCII letters, digits, `-._~` and the
/// bytes of `also_keep`.
pub fn percent_encode(value: &str, also_keep: &[u8]) -> String {
    value
        .bytes()
        .map(|byte| {
            if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) || also_keep.contains(&byte)
            {
                char::from(byte).to_string()
            } else {
                format!("%{byte:02X}")
            }
        })
        .collect()
}
