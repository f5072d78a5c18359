//! The server storage backend: [`PostgresStore`] is the shared SQL store
//! (`retrace-store-sql`) on a PostgreSQL database.
//!
//! Key design decision: audit appends are serialised by a row lock on the
//! single chain-head row (`SELECT … FOR UPDATE` on `audit_head`), taken in
//! the same transaction as the change being audited, and every row a change
//! reads before writing is locked the same way. This crate only connects,
//! migrates and names its dialect; the queries are in `retrace-store-sql`
//! (see `docs/adr/0007-one-sql-layer.md`).

#![forbid(unsafe_code)]

use retrace_store::{Backend, StoreError, StoreResult};
use retrace_store_sql::{Dialect, SqlStore};
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgListener, PgPoolOptions, PgQueryResult};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// How long to wait for a pooled connection before reporting the database
/// unavailable.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

/// The store on PostgreSQL.
pub type PostgresStore = SqlStore<PostgresDialect>;

/// PostgreSQL's dialect, and the test database to drop, if any.
#[derive(Clone)]
pub struct PostgresDialect {
    #[cfg(feature = "test-support")]
    test_database: Option<test_support::TestDatabase>,
}

impl Dialect for PostgresDialect {
    type Db = sqlx::Postgres;
    const BACKEND: Backend = Backend::Postgres;
    const BEGIN_WRITE: Option<&'static str> = None;
    const BEGIN_SNAPSHOT: Option<&'static str> =
        Some("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    const FOR_UPDATE: &'static str = " FOR UPDATE";
    const FOR_UPDATE_OF_TRANSFER: &'static str = " FOR UPDATE OF t";
    const POSITIONAL_PARAMETER: Option<&'static str> = None;
    const BULK_WRITE: Option<(&'static str, &'static str)> = None;
    const JSON_VALUES: (&'static str, &'static str) =
        ("SELECT json_array_elements_text(CAST(", " AS JSON))");
    const HAS_MIGRATIONS_TABLE: &'static str = "SELECT to_regclass('_sqlx_migrations') IS NOT NULL";
    // Dead row versions stay in the table files until vacuumed; a dump
    // never shows them, `VACUUM` makes their space reusable at once.
    const RECLAIM: &'static [&'static str] = &["VACUUM persons, consents, candidates, releases, \
         family_messages, family_message_history, candidate_withdrawals, gallery_entries, \
         information_reports, referrals, referral_steps, referral_events, referral_tool_entries, \
         pfif_records, tracing_requests, request_status_history, transfers, exports, \
         outreach_follow_ups"];
    const OUTBOX_OWN: &'static str = "origin = current_setting('application_name', true)";

    // Facets are lexemes written as they are, each behind a `~` that no
    // term has, so no word (nor a word's prefix) matches them. The query
    // is written in tsquery syntax and cast: its terms are already folded
    // and stemmed, and a query without weights lets GIN answer alone.
    const FTS_INSERT: &'static str = "INSERT INTO library_index (document_id, terms) \
         VALUES ($1, to_tsvector('simple', $2) || array_to_tsvector(ARRAY(\
         SELECT '~' || facet FROM unnest(string_to_array($3, ' ')) AS facet)))";
    const FTS_MATCH: (&'static str, &'static str) =
        ("library_index.terms @@ CAST(", " AS tsquery)");
    const FTS_POSITION: &'static str = "library_index.position";

    // A GIN index yields its matches as a bitmap, all of them.
    const FTS_READS_NEWEST_FIRST: bool = false;
    // The terms are ranked after the newest matches are chosen, so that
    // `ts_rank` runs on those only.
    const FTS_RANKED_BY: &'static str = "library_index.terms";

    // `ts_rank` is "higher is better": negated to sort ascending.
    fn push_fts_rank(query: &mut sqlx::QueryBuilder<sqlx::Postgres>, ranked: &str, words: String) {
        query
            .push(format!("-ts_rank({ranked}, CAST("))
            .push_bind(words)
            .push(" AS tsquery))");
    }

    fn fts_query(words: &[Vec<String>], facets: &[Vec<String>], without: Option<&str>) -> String {
        let mut parts: Vec<String> = words
            .iter()
            .map(|group| {
                // Stems of four letters or more also match as prefixes
                // ("identif" finds "identifi"), see `Dialect::fts_query`.
                let terms: Vec<String> = group
                    .iter()
                    .map(|t| {
                        let star = if t.chars().count() >= 4 { ":*" } else { "" };
                        format!("'{t}'{star}")
                    })
                    .collect();
                format!("({})", terms.join(" | "))
            })
            .collect();
        for group in facets {
            let tokens: Vec<String> = group.iter().map(|t| format!("'~{t}'")).collect();
            parts.push(format!("({})", tokens.join(" | ")));
        }
        if let Some(token) = without {
            parts.push(format!("!'~{token}'"));
        }
        parts.join(" & ")
    }

    fn rows_affected(result: &PgQueryResult) -> u64 {
        result.rows_affected()
    }

    fn migrator() -> &'static Migrator {
        &MIGRATOR
    }
}

/// Connects to the database at `url` (`postgres://user:password@host/db`).
/// Refuses a database whose schema is newer than this binary. Does not
/// apply migrations: call [`SqlStore::migrate`].
pub async fn open(url: &str) -> StoreResult<PostgresStore> {
    open_with(
        url,
        PostgresDialect {
            #[cfg(feature = "test-support")]
            test_database: None,
        },
    )
    .await
}

async fn open_with(url: &str, dialect: PostgresDialect) -> StoreResult<PostgresStore> {
    // The URL may hold a password: no error below repeats it.
    let options = PgConnectOptions::from_str(url)
        .map_err(|_| StoreError::Unavailable("not a valid PostgreSQL connection URL".to_owned()))?
        // Unique to this store: the change outbox records it as the origin
        // of each change, so that this process knows its own changes.
        .application_name(&format!("retrace-{}", uuid::Uuid::new_v4().simple()));
    let pool = PgPoolOptions::new()
        .max_connections(10)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .connect_with(options)
        .await
        .map_err(|error| {
            StoreError::Unavailable(format!("cannot connect to PostgreSQL: {error}"))
        })?;
    SqlStore::new(pool, dialect).await
}

/// The channel the change outbox's trigger notifies on each commit that
/// wrote a change (`0025_change_outbox.sql`).
const CHANGE_CHANNEL: &str = "retrace_change_outbox";

/// Listens for the change outbox's notifications on a connection of its
/// own and wakes `wake` for each, and once more whenever the connection was
/// lost (notifications may have been missed meanwhile: the reader catches
/// up from the table, which is the truth). Runs until the task is aborted.
pub fn wake_on_changes(url: &str, wake: Arc<Notify>) -> tokio::task::JoinHandle<()> {
    let url = url.to_owned();
    tokio::spawn(async move {
        loop {
            let mut listener = match PgListener::connect(&url).await {
                Ok(listener) => listener,
                Err(_) => {
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
            };
            if listener.listen(CHANGE_CHANNEL).await.is_err() {
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
            // Changes committed before the LISTEN took effect.
            wake.notify_one();
            loop {
                match listener.try_recv().await {
                    Ok(Some(_)) => wake.notify_one(),
                    // The connection was lost; `try_recv` reconnects and
                    // listens again on its next call.
                    Ok(None) => wake.notify_one(),
                    Err(_) => {
                        wake.notify_one();
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        break;
                    }
                }
            }
        }
    })
}

#[cfg(feature = "test-support")]
pub mod test_support {
    use super::{PostgresDialect, PostgresStore, open_with};
    use retrace_store::{StoreError, StoreResult};
    use retrace_store_sql::db_error;
    use sqlx::Connection;
    use sqlx::postgres::PgConnection;

    /// The environment variable holding the admin URL of a server on which
    /// tests may create and drop databases.
    pub const URL_VARIABLE: &str = "RETRACE_TEST_POSTGRES_URL";

    #[derive(Clone)]
    pub(super) struct TestDatabase {
        admin_url: String,
        name: String,
        url: String,
    }

    /// The URL of database `name` on the server of `admin_url`.
    fn database_url(admin_url: &str, name: &str) -> StoreResult<String> {
        let (base, query) = match admin_url.split_once('?') {
            Some((base, query)) => (base, Some(query)),
            None => (admin_url, None),
        };
        let authority_start = base.find("://").map(|i| i + 3).unwrap_or(0);
        let server = match base[authority_start..].find('/') {
            Some(slash) => &base[..authority_start + slash],
            None => base,
        };
        if server.len() <= authority_start {
            return Err(StoreError::Unavailable(format!(
                "{URL_VARIABLE} is not a PostgreSQL URL"
            )));
        }
        Ok(match query {
            Some(query) => format!("{server}/{name}?{query}"),
            None => format!("{server}/{name}"),
        })
    }

    /// A fresh, migrated database with a unique name on the server named
    /// by `RETRACE_TEST_POSTGRES_URL`; `Ok(None)` when the variable is
    /// unset (the caller decides whether that may skip). Installs a fixed
    /// field key when the process has none.
    pub async fn open_fresh_for_tests_from_env() -> StoreResult<Option<PostgresStore>> {
        let Ok(admin_url) = std::env::var(URL_VARIABLE) else {
            return Ok(None);
        };
        retrace_store::crypto::install_for_tests();
        // A test run may name its databases (`RETRACE_TEST_RUN`, letters and
        // digits) so that it can drop what its tests leave (`scripts/test-all`).
        let run = std::env::var("RETRACE_TEST_RUN").ok().filter(|run| {
            (1..=12).contains(&run.len()) && run.bytes().all(|b| b.is_ascii_alphanumeric())
        });
        let uuid = uuid::Uuid::new_v4().simple();
        let name = match run {
            Some(run) => format!("retrace_test_{}_{uuid}", run.to_ascii_lowercase()),
            None => format!("retrace_test_{uuid}"),
        };
        let mut admin = PgConnection::connect(&admin_url).await.map_err(|error| {
            StoreError::Unavailable(format!("cannot connect to {URL_VARIABLE}: {error}"))
        })?;
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
            .execute(&mut admin)
            .await
            .map_err(db_error)?;
        let _ = admin.close().await;
        let url = database_url(&admin_url, &name)?;
        let store = open_with(
            &url,
            PostgresDialect {
                test_database: Some(TestDatabase {
                    admin_url,
                    name,
                    url: url.clone(),
                }),
            },
        )
        .await?;
        store.migrate().await?;
        Ok(Some(store))
    }

    impl PostgresDialect {
        /// The URL of the test database, to open it again.
        pub fn url_for_tests(&self) -> Option<&str> {
            self.test_database.as_ref().map(|db| db.url.as_str())
        }
    }

    /// Closes the store and drops its test database.
    pub async fn remove_for_tests(store: PostgresStore) {
        store.close().await;
        let Some(db) = &store.dialect().test_database else {
            return;
        };
        if let Ok(mut admin) = PgConnection::connect(&db.admin_url).await {
            let drop = format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", db.name);
            let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(drop))
                .execute(&mut admin)
                .await;
            let _ = admin.close().await;
        }
    }

    #[cfg(test)]
    mod tests {
        use super::database_url;

        #[test]
        fn test_database_urls_keep_server_and_options() {
            assert_eq!(
                database_url("postgres://u@127.0.0.1:55432/postgres", "t1").unwrap(),
                "postgres://u@127.0.0.1:55432/t1"
            );
            assert_eq!(
                database_url("postgres://u:p@h/db?sslmode=disable", "t2").unwrap(),
                "postgres://u:p@h/t2?sslmode=disable"
            );
            assert_eq!(
                database_url("postgres://h:5432", "t3").unwrap(),
                "postgres://h:5432/t3"
            );
        }
    }
}
