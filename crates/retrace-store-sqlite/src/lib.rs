//! The embedded storage backend: [`SqliteStore`] is the shared SQL store
//! (`retrace-store-sql`) on one SQLite file.
//!
//! Key design decision: every write runs in a `BEGIN IMMEDIATE` transaction,
//! which takes SQLite's single write lock up front, so audit appends (which
//! read the chain head and write the next entry) are serialised without row
//! locks. This crate only connects, migrates and names its dialect; the
//! queries are in `retrace-store-sql` (see `docs/adr/0007-one-sql-layer.md`).

#![forbid(unsafe_code)]

use retrace_store::{Backend, StoreError, StoreResult};
use retrace_store_sql::{Dialect, SqlStore};
use sqlx::migrate::Migrator;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteQueryResult,
    SqliteSynchronous,
};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// How long a writer waits for another writer's lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// The store on SQLite.
pub type SqliteStore = SqlStore<SqliteDialect>;

/// SQLite's dialect, and the file the database lives in.
#[derive(Debug, Clone)]
pub struct SqliteDialect {
    path: Option<PathBuf>,
}

impl SqliteDialect {
    /// The database file, unless the database is in memory.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }
}

impl Dialect for SqliteDialect {
    type Db = sqlx::Sqlite;
    const BACKEND: Backend = Backend::Sqlite;
    const BEGIN_WRITE: Option<&'static str> = Some("BEGIN IMMEDIATE");
    // A read transaction sees one snapshot of the WAL already.
    const BEGIN_SNAPSHOT: Option<&'static str> = None;
    // Writers are serialised by `BEGIN IMMEDIATE`: no row locks needed.
    const FOR_UPDATE: &'static str = "";
    const FOR_UPDATE_OF_TRANSFER: &'static str = "";
    const POSITIONAL_PARAMETER: Option<&'static str> = Some("?");
    // 256 MiB while the import runs, then SQLite's default (2,000 KiB).
    const BULK_WRITE: Option<(&'static str, &'static str)> =
        Some(("PRAGMA cache_size = -262144", "PRAGMA cache_size = -2000"));
    const JSON_VALUES: (&'static str, &'static str) = ("SELECT value FROM json_each(", ")");
    const HAS_MIGRATIONS_TABLE: &'static str = "SELECT EXISTS (SELECT 1 FROM sqlite_master \
         WHERE type = 'table' AND name = '_sqlx_migrations')";
    const OUTBOX_OWN: &'static str = "0 = 1";

    const FTS_INSERT: &'static str =
        "INSERT INTO library_index (document_id, terms, facets) VALUES ($1, $2, $3)";
    const FTS_MATCH: (&'static str, &'static str) = ("library_index MATCH ", "");
    // FTS5 reads its matches in rowid order and seeks to a rowid.
    const FTS_POSITION: &'static str = "library_index.rowid";

    const FTS_READS_NEWEST_FIRST: bool = true;

    // FTS5's `rank` column is BM25 on the terms column only (configured
    // in migration 0015), "lower is better"; it can only be read in the
    // statement that matches.
    const FTS_RANKED_BY: &'static str = "library_index.rank";

    fn push_fts_rank(query: &mut sqlx::QueryBuilder<sqlx::Sqlite>, ranked: &str, _words: String) {
        query.push(ranked);
    }

    fn fts_query(words: &[Vec<String>], facets: &[Vec<String>], without: Option<&str>) -> String {
        let mut parts = Vec::new();
        if !words.is_empty() {
            let groups: Vec<String> = words
                .iter()
                .map(|group| {
                    // Stems of four letters or more also match as prefixes
                    // ("identif" finds "identifi"), see `Dialect::fts_query`.
                    let terms: Vec<String> = group
                        .iter()
                        .map(|t| {
                            let star = if t.chars().count() >= 4 { "*" } else { "" };
                            format!("\"{t}\"{star}")
                        })
                        .collect();
                    format!("({})", terms.join(" OR "))
                })
                .collect();
            parts.push(format!("terms : ({})", groups.join(" AND ")));
        }
        for group in facets {
            let tokens: Vec<String> = group.iter().map(|t| format!("\"{t}\"")).collect();
            parts.push(format!("facets : ({})", tokens.join(" OR ")));
        }
        let mut query = parts.join(" AND ");
        if let Some(token) = without {
            query.push_str(&format!(" NOT facets : \"{token}\""));
        }
        query
    }

    // `secure_delete` (set on every connection) zeroes deleted content in
    // the pages; the write-ahead log still holds the pages as they were
    // until it is checkpointed, and truncating it removes those copies.
    const RECLAIM: &'static [&'static str] = &["PRAGMA wal_checkpoint(TRUNCATE)"];

    fn rows_affected(result: &SqliteQueryResult) -> u64 {
        result.rows_affected()
    }

    fn migrator() -> &'static Migrator {
        &MIGRATOR
    }
}

/// Opens (creating if missing, with its parent directory) the database at
/// `url` (`sqlite://path/to/file.db`, `sqlite:file.db`, or
/// `sqlite::memory:`). Refuses a database whose schema is newer than this
/// binary. Does not apply migrations: call [`SqlStore::migrate`].
pub async fn open(url: &str) -> StoreResult<SqliteStore> {
    open_with(url, SqliteSynchronous::Full).await
}

/// Opens like [`open`] for a bulk load (demo data, a benchmark): commits do
/// not wait for the disk (`synchronous=NORMAL` in WAL mode), so a power cut
/// may lose the last transactions but never corrupts the file. Close it
/// before serving; serve with [`open`].
pub async fn open_for_bulk_load(url: &str) -> StoreResult<SqliteStore> {
    open_with(url, SqliteSynchronous::Normal).await
}

async fn open_with(url: &str, synchronous: SqliteSynchronous) -> StoreResult<SqliteStore> {
    // Anything else would be read as a file name and created.
    if !url.starts_with("sqlite:") {
        return Err(StoreError::Unavailable(
            "a SQLite database URL starts with sqlite:".to_owned(),
        ));
    }
    let options = SqliteConnectOptions::from_str(url)
        .map_err(|_| StoreError::Unavailable("not a valid SQLite database URL".to_owned()))?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(synchronous)
        .foreign_keys(true)
        // Deleted rows are overwritten with zeros, not only unlinked: an
        // erased person must not stay readable in the file's free space
        // (docs/adr/0018-retention-erasure-subject-access.md).
        .pragma("secure_delete", "ON")
        // Statement journals, sorts and temporary indexes stay in memory:
        // no temporary file holds rows (plain names among them) on disk,
        // and a bulk write does not journal each statement to a file.
        .pragma("temp_store", "MEMORY")
        .busy_timeout(BUSY_TIMEOUT);
    let in_memory = url.contains(":memory:") || url.contains("mode=memory");
    let path = (!in_memory).then(|| options.get_filename().to_path_buf());
    if let Some(parent) = path.as_deref().and_then(Path::parent)
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent).map_err(|error| {
            StoreError::Unavailable(format!(
                "cannot create the directory {}: {error}",
                parent.display()
            ))
        })?;
    }
    // An in-memory database lives as long as its connections: one
    // connection that is never closed keeps it alive and shared.
    let pool_options = if in_memory {
        SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
    } else {
        SqlitePoolOptions::new().max_connections(8)
    };
    let pool = pool_options
        .connect_with(options)
        .await
        .map_err(|error| StoreError::Unavailable(format!("cannot open the database: {error}")))?;
    SqlStore::new(pool, SqliteDialect { path }).await
}

/// A fresh, migrated database in a new file under the system's temporary
/// directory. Installs a fixed field key when the process has none.
#[cfg(feature = "test-support")]
pub async fn open_fresh_for_tests() -> StoreResult<SqliteStore> {
    retrace_store::crypto::install_for_tests();
    let path = std::env::temp_dir().join(format!("retrace-test-{}.db", uuid::Uuid::new_v4()));
    let store = open(&format!("sqlite://{}", path.display())).await?;
    store.migrate().await?;
    Ok(store)
}

/// Closes the store and deletes its files.
#[cfg(feature = "test-support")]
pub async fn remove_for_tests(store: SqliteStore) {
    store.close().await;
    if let Some(path) = store.dialect().path() {
        for suffix in ["", "-wal", "-shm"] {
            let mut file = path.as_os_str().to_owned();
            file.push(suffix);
            let _ = std::fs::remove_file(PathBuf::from(file));
        }
    }
}
