//! The only place that chooses a storage backend, from the database URL.

use crate::field_keys;
use crate::settings::{DatabaseKind, Settings, load_or_create_secret_key};
use anyhow::{Context, bail};
use retrace_domain::{Clock, SystemClock};
use retrace_store::Store;
use retrace_store::crypto;
use retrace_store_postgres::PostgresStore;
use retrace_store_sqlite::SqliteStore;
use std::sync::Arc;

/// An open, migrated store and how to close it cleanly.
pub enum OpenStore {
    Sqlite(Arc<SqliteStore>),
    Postgres(Arc<PostgresStore>),
}

impl OpenStore {
    pub fn as_store(&self) -> &dyn Store {
        match self {
            OpenStore::Sqlite(store) => store.as_ref(),
            OpenStore::Postgres(store) => store.as_ref(),
        }
    }

    pub fn shared(&self) -> Arc<dyn Store> {
        match self {
            OpenStore::Sqlite(store) => store.clone(),
            OpenStore::Postgres(store) => store.clone(),
        }
    }

    /// One batch of the key rotation (see `SqlStore::reencrypt_batch`).
    pub async fn reencrypt_batch(&self, batch: i64) -> retrace_store::StoreResult<u64> {
        match self {
            OpenStore::Sqlite(store) => store.reencrypt_batch(batch).await,
            OpenStore::Postgres(store) => store.reencrypt_batch(batch).await,
        }
    }

    pub async fn values_not_under_current_key(&self) -> retrace_store::StoreResult<u64> {
        match self {
            OpenStore::Sqlite(store) => store.values_not_under_current_key().await,
            OpenStore::Postgres(store) => store.values_not_under_current_key().await,
        }
    }

    pub async fn retire_old_field_keys(
        &self,
        now: retrace_domain::Timestamp,
    ) -> retrace_store::StoreResult<Vec<u16>> {
        match self {
            OpenStore::Sqlite(store) => store.retire_old_field_keys(now).await,
            OpenStore::Postgres(store) => store.retire_old_field_keys(now).await,
        }
    }

    pub async fn close(&self) {
        match self {
            OpenStore::Sqlite(store) => store.close().await,
            OpenStore::Postgres(store) => store.close().await,
        }
    }
}

/// Opens the database named by `database_url` and applies migrations. A
/// database that cannot be reached, or whose schema is newer than this
/// binary, stops here with a message naming the setting.
pub async fn open(settings: &Settings) -> anyhow::Result<OpenStore> {
    let url = &settings.database_url;
    let kind = url
        .kind()
        .map_err(|message| anyhow::anyhow!("database_url: {message}"))?;
    let store = match kind {
        DatabaseKind::Sqlite => {
            prepare_private_file(url.expose())?;
            let store = retrace_store_sqlite::open(url.expose())
                .await
                .with_context(|| format!("database_url: cannot open {url}"))?;
            OpenStore::Sqlite(Arc::new(store))
        }
        DatabaseKind::Postgres => {
            let store = retrace_store_postgres::open(url.expose())
                .await
                .with_context(|| format!("database_url: cannot connect to {url}"))?;
            OpenStore::Postgres(Arc::new(store))
        }
    };
    let migrated = match &store {
        OpenStore::Sqlite(store) => store.migrate().await,
        OpenStore::Postgres(store) => store.migrate().await,
    };
    if let Err(err) = migrated {
        store.close().await;
        return Err(err).with_context(|| format!("database_url: cannot migrate {url}"));
    }
    if let Err(err) = install_field_keys(settings, &store).await {
        store.close().await;
        return Err(err);
    }
    Ok(store)
}

/// Reads the field keys, checks them against the database (a wrong or
/// missing key stops here, before anything is read or written), makes
/// them the process's keys and seals what an older version left in clear.
pub async fn install_field_keys(settings: &Settings, store: &OpenStore) -> anyhow::Result<()> {
    let key_file = settings.secret_key_path();
    let source = field_keys::source(&key_file);
    if let field_keys::Source::File(path) = &source {
        load_or_create_secret_key(path)?;
    }
    let keyring = field_keys::load(&source)?;
    let now = SystemClock.now();
    let checked = match store {
        OpenStore::Sqlite(store) => store.check_field_keys(&keyring, now).await,
        OpenStore::Postgres(store) => store.check_field_keys(&keyring, now).await,
    }
    .context("database_url: cannot read the field key check values")?;
    if let Err(mismatch) = checked {
        bail!("{}: {mismatch}", source.describe());
    }
    let reload: Option<crypto::Reload> = match &source {
        field_keys::Source::File(path) => {
            let path = path.clone();
            Some(Box::new(move || {
                field_keys::load(&field_keys::Source::File(path.clone())).ok()
            }))
        }
        field_keys::Source::Env => None,
    };
    crypto::install(keyring, reload);
    let sealed = match store {
        OpenStore::Sqlite(store) => store.seal_plaintext_fields(RESEAL_BATCH).await,
        OpenStore::Postgres(store) => store.seal_plaintext_fields(RESEAL_BATCH).await,
    }
    .context("database_url: cannot seal the fields written in clear")?;
    if sealed > 0 {
        tracing::info!(
            sealed,
            "fields written before encryption at rest are now sealed"
        );
    }
    Ok(())
}

/// Values re-encrypted per column and transaction.
pub const RESEAL_BATCH: i64 = 500;

/// Creates the SQLite file (and its directory) readable by the owner only
/// before SQLite opens it; SQLite gives its journal files the same mode.
fn prepare_private_file(url: &str) -> anyhow::Result<()> {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    let path = path.split('?').next().unwrap_or_default();
    if path.is_empty() || path.starts_with(':') || std::path::Path::new(path).exists() {
        return Ok(());
    }
    let path = std::path::Path::new(path);
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        crate::files::create_private_dir(parent)
            .with_context(|| format!("database_url: cannot create {}", parent.display()))?;
    }
    crate::files::create_private_file(path)
        .with_context(|| format!("database_url: cannot create {}", path.display()))
}

/// A second handle on the already opened and migrated database for a bulk
/// load (the demo data): on a SQLite file, commits do not wait for the
/// disk, which makes thousands of small transactions fast. `None` when the
/// normal store should be used (PostgreSQL, an in-memory database). Close
/// it before serving.
pub async fn open_for_bulk_load(settings: &Settings) -> anyhow::Result<Option<OpenStore>> {
    let url = &settings.database_url;
    let in_memory = url.expose().contains(":memory:") || url.expose().contains("mode=memory");
    match url.kind() {
        Ok(DatabaseKind::Sqlite) if !in_memory => {
            let store = retrace_store_sqlite::open_for_bulk_load(url.expose())
                .await
                .with_context(|| format!("database_url: cannot open {url}"))?;
            Ok(Some(OpenStore::Sqlite(Arc::new(store))))
        }
        _ => Ok(None),
    }
}
