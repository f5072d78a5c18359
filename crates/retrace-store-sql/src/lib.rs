//! The storage code written once: [`SqlStore`] implements
//! `retrace_store::Store` for any database with a [`Dialect`].
//!
//! Key design decision: every query is written once, in SQL that SQLite
//! and PostgreSQL both accept (`$n` placeholders, text ids, 64-bit
//! millisecond timestamps, keys computed in Rust, `CAST` rather than `::`).
//! What truly differs is small and named in the dialect: how a write
//! transaction begins (`BEGIN IMMEDIATE` takes SQLite's single write lock up
//! front; PostgreSQL locks the rows a change depends on with the dialect's
//! lock suffixes), how a consistent snapshot is read, how a list of ids is
//! bound, and the migrations. Audit appends read the chain head and write
//! the next entry inside the change's own transaction, so a change and its
//! audit entry land together or not at all. See
//! `docs/adr/0007-one-sql-layer.md`.

#![forbid(unsafe_code)]

/// Reads a row into a row struct of `retrace_store::backend` whose fields
/// are named like the columns, as a `FromRow` derive would (the structs
/// live in a crate that knows no driver). Fails with the driver's error.
macro_rules! read_row {
    ($row:expr => $ty:ident { $($field:ident),* $(,)? }) => {
        $ty { $($field: $row.try_get(stringify!($field))?),* }
    };
}

mod cluster;
mod digest;
mod directory;
mod disclosure;
mod field_keys;
mod gallery;
mod indicators;
mod lists;
mod network;
mod org_contact;
mod outreach;
mod pfif;
mod practices;
mod privacy;
mod referrals;
mod retention;
mod tracing;
mod transfers;
mod work_queue;

use sqlx::migrate::{Migrate, MigrateError, Migrator};
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Pool, Type};
use std::marker::PhantomData;

/// Audit entries read per round trip while verifying the chain.
const VERIFY_PAGE: i64 = 1000;

/// What differs between the databases the store runs on.
pub trait Dialect: Clone + Send + Sync + 'static {
    /// The sqlx driver.
    type Db: Database;
    /// Which [`Backend`] this is, as the store reports it.
    const BACKEND: Backend;
    /// The statement that begins a write transaction; `None` for the
    /// driver's default.
    const BEGIN_WRITE: Option<&'static str>;
    /// The statement that begins a read-only transaction that sees one
    /// consistent snapshot; `None` for the driver's default.
    const BEGIN_SNAPSHOT: Option<&'static str>;
    /// Appended to a `SELECT` whose rows a change depends on.
    const FOR_UPDATE: &'static str;
    /// Appended to a `SELECT … FROM transfers t JOIN …` to lock only the
    /// transfer row.
    const FOR_UPDATE_OF_TRANSFER: &'static str;
    /// The placeholder of a parameter bound by its position, written in
    /// place of `$n` by the statements built for bulk writes, where the
    /// database has one: SQLite looks each `$n` up among the statement's
    /// other parameters, a cost that grows with the square of their number.
    const POSITIONAL_PARAMETER: Option<&'static str>;
    /// Statements run at the start and at the end of a bulk write's
    /// transaction (an import of many rows): SQLite's page cache is raised
    /// for the import and set back, so that the pages of the indexes it
    /// writes are not written out and read back many times over.
    const BULK_WRITE: Option<(&'static str, &'static str)>;
    /// The text before and after a placeholder bound to a JSON array of
    /// strings that makes a subquery yielding its values.
    const JSON_VALUES: (&'static str, &'static str);
    /// Full-text search of the library (`docs/adr/0011-directory-and-library.md`,
    /// `docs/adr/0014-library-search-in-the-index.md`): the statement that
    /// writes a document's row of `library_index`, `$1` the document id, `$2`
    /// its terms (folded and stemmed in Rust, separated by spaces) and `$3`
    /// its facets (visibility, organisation, language, type, countries,
    /// themes as tokens of letters and digits, see `directory::facets`),
    /// kept apart from the terms so that no word matches a facet.
    const FTS_INSERT: &'static str;
    /// The text before and after the bound full-text query that makes the
    /// condition "this `library_index` row matches" (the table is not
    /// aliased).
    const FTS_MATCH: (&'static str, &'static str);
    /// The column of `library_index` that grows with each row written: the
    /// order documents were indexed in (oldest first).
    const FTS_POSITION: &'static str;
    /// Whether the full-text index yields matches newest first and stops at
    /// a statement's limit; otherwise a search reads the newest rows first
    /// (see `directory::page_of_matches`).
    const FTS_READS_NEWEST_FIRST: bool;
    /// What a full-text match is read with to be ranked (a column of
    /// `library_index`), named `ranked` in an outer query.
    const FTS_RANKED_BY: &'static str;
    /// Pushes an expression that orders full-text matches best first
    /// (ascending) for the words-only query `words` (see `fts_query`),
    /// from the column `ranked` that `FTS_RANKED_BY` read.
    fn push_fts_rank(query: &mut sqlx::QueryBuilder<Self::Db>, ranked: &str, words: String);
    /// The full-text query in the database's syntax: every word group must
    /// match the terms, any term of a group may; a term of four letters or
    /// more also matches as a prefix, because two forms of a word do not
    /// always stem alike ("identification", "identifying"). Every facet
    /// group must match the facets (any token of a group may), and the
    /// facet `without`, if any, must not. Terms and facets are letters and
    /// digits only; at least one word or facet group is given.
    fn fts_query(words: &[Vec<String>], facets: &[Vec<String>], without: Option<&str>) -> String;
    /// How many rows a statement changed.
    fn rows_affected(result: &<Self::Db as Database>::QueryResult) -> u64;
    /// The migrations of this database, embedded in the binary.
    fn migrator() -> &'static Migrator;
    /// A query answering whether the migrations table exists.
    const HAS_MIGRATIONS_TABLE: &'static str;
    /// Statements run outside any transaction after an erasure so that
    /// deleted rows leave the database files where the database allows it
    /// (`docs/adr/0018-retention-erasure-subject-access.md`).
    const RECLAIM: &'static [&'static str];
    /// A condition true for a `change_outbox` row written through this
    /// connection's process (its `origin`); false where the backend cannot
    /// tell (see `docs/adr/0019-several-servers-one-database.md`).
    const OUTBOX_OWN: &'static str;
}

pub type Conn<D> = <<D as Dialect>::Db as Database>::Connection;
pub type DbRow<D> = <<D as Dialect>::Db as Database>::Row;

/// The store on one database. Cheap to clone: the pool is shared.
pub struct SqlStore<D: Dialect> {
    pool: Pool<D::Db>,
    dialect: D,
}

// Written by hand: a derive would ask the driver type to be `Clone`.
impl<D: Dialect> Clone for SqlStore<D> {
    fn clone(&self) -> Self {
        Self {
            pool: self.pool.clone(),
            dialect: self.dialect.clone(),
        }
    }
}

impl<D: Dialect> std::fmt::Debug for SqlStore<D> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The pool's options may hold a password.
        f.debug_struct("SqlStore")
            .field("backend", &D::BACKEND)
            .finish_non_exhaustive()
    }
}

/// The queries, as functions of the dialect. A type of its own so that the
/// bounds on the driver are written once per module.
pub(crate) struct Sql<D>(PhantomData<D>);

impl<D> SqlStore<D>
where
    D: Dialect,
    for<'c> &'c mut Conn<D>: Executor<'c, Database = D::Db>,
    Conn<D>: Migrate,
    <D::Db as Database>::Arguments: IntoArguments<D::Db>,
    for<'a> &'a str: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db> + ColumnIndex<DbRow<D>>,
    for<'a> String: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> i64: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> bool: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> Vec<u8>: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> Option<&'a str>: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> Option<String>: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> Option<i64>: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> Option<Vec<u8>>: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    usize: ColumnIndex<DbRow<D>>,
{
    /// A store over an open pool. Does not apply migrations: call
    /// [`SqlStore::migrate`].
    pub async fn new(pool: Pool<D::Db>, dialect: D) -> StoreResult<Self> {
        let store = Self { pool, dialect };
        store.check_schema().await?;
        Ok(store)
    }

    /// What the backend keeps about this database (a file path, a test
    /// database to drop).
    pub fn dialect(&self) -> &D {
        &self.dialect
    }

    /// Applies pending migrations. Idempotent: safe to call on every start
    /// and from several servers at once.
    pub async fn migrate(&self) -> StoreResult<()> {
        self.check_schema().await?;
        D::migrator()
            .run(&self.pool)
            .await
            .map_err(migrate_error::<D>)?;
        // A migration that changes the full-text index leaves it empty:
        // it is rebuilt from the documents' stored text.
        self.fill_library_index_if_empty().await?;
        Sql::<D>::fill_directory_words(&self.pool).await?;
        Sql::<D>::fill_directory_open_week(&self.pool).await
    }

    /// Rebuilds the library index when it is empty while documents exist:
    /// what a migration that changes the index leaves behind.
    async fn fill_library_index_if_empty(&self) -> StoreResult<()> {
        let missing: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM documents) \
             AND NOT EXISTS (SELECT 1 FROM library_index)",
        )
        .fetch_one(&self.pool)
        .await
        .map_err(db_error)?;
        if missing {
            retrace_store::DirectoryStore::rebuild_library_index(self).await?;
        }
        Ok(())
    }

    /// Closes every connection; the store cannot be used afterwards.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Refuses a database that has migrations this binary does not know:
    /// a newer binary has been there.
    async fn check_schema(&self) -> StoreResult<()> {
        let has_table: bool = sqlx::query_scalar(D::HAS_MIGRATIONS_TABLE)
            .fetch_one(&self.pool)
            .await
            .map_err(db_error)?;
        if !has_table {
            return Ok(());
        }
        let applied: Vec<i64> = sqlx::query_scalar("SELECT version FROM _sqlx_migrations")
            .fetch_all(&self.pool)
            .await
            .map_err(db_error)?;
        let migrator = D::migrator();
        let supported = migrator.iter().map(|m| m.version).max().unwrap_or(0);
        let found = applied.iter().copied().max().unwrap_or(0);
        if applied
            .iter()
            .any(|version| !migrator.version_exists(*version))
        {
            return Err(StoreError::SchemaTooNew { found, supported });
        }
        Ok(())
    }

    async fn begin_write(&self) -> StoreResult<Transaction<'static, D::Db>> {
        Sql::<D>::begin(&self.pool).await
    }

    /// Runs `event` as a change of its own, for methods whose only write
    /// is the audit entry.
    async fn append_alone(&self, audit: &AuditContext, event: &AuditEvent) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        Sql::<D>::append(&mut tx, audit, event).await?;
        tx.commit().await.map_err(db_error)
    }

    /// Runs raw SQL, bypassing every rule of the store: for tests that
    /// tamper with stored rows. Returns the number of rows affected.
    #[cfg(feature = "test-support")]
    pub async fn execute_raw_for_tests(&self, sql: &str) -> StoreResult<u64> {
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned()))
            .execute(&self.pool)
            .await
            .map(|done| D::rows_affected(&done))
            .map_err(db_error)
    }

    /// Sets the last case-reference number given for a country and year,
    /// as that many requests opened before would have: for tests of the
    /// references past 99,999 without opening 100,000 requests.
    #[cfg(feature = "test-support")]
    pub async fn set_reference_counter_for_tests(
        &self,
        country: retrace_domain::CountryCode,
        year: u16,
        last_number: i64,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO reference_counters (country, year, last_number) VALUES ($1, $2, $3) \
             ON CONFLICT (country, year) DO UPDATE SET last_number = excluded.last_number",
        )
        .bind(country.as_str())
        .bind(i64::from(year))
        .bind(last_number)
        .execute(&self.pool)
        .await
        .map(|_| ())
        .map_err(db_error)
    }
}

/// Begins a transaction (with `statement`, else the driver's plain begin)
/// on a task of its own, so that it completes even when the caller is
/// dropped meanwhile: a request whose client hung up. sqlx 0.9.0 counts a
/// PostgreSQL transaction as open only once `BEGIN` is answered, so a
/// caller dropped in between returned its connection to the pool inside a
/// transaction nobody would end (sqlx issue 4393): the next request to
/// borrow it ran inside that transaction, a snapshot's read-only one
/// included. The load test's closed connections left such warnings in the
/// server's log. A transaction begun for a caller that is gone is dropped
/// on the task, and so rolled back.
pub(crate) async fn begin_with<DB: Database>(
    pool: &Pool<DB>,
    statement: Option<&'static str>,
) -> StoreResult<Transaction<'static, DB>> {
    let pool = pool.clone();
    let begun = tokio::spawn(async move {
        match statement {
            Some(statement) => pool.begin_with(statement).await,
            None => pool.begin().await,
        }
    })
    .await
    .map_err(|error| StoreError::Unavailable(format!("beginning a transaction: {error}")))?;
    begun.map_err(db_error)
}

/// Maps the driver's errors: unique and foreign-key violations become
/// domain errors; everything else keeps the driver's description for the
/// log (the web layer never shows it). PostgreSQL names the violated
/// constraint, SQLite names `table.column` in its message; neither repeats
/// the values.
pub fn db_error(error: sqlx::Error) -> StoreError {
    match &error {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            let what = db.constraint().unwrap_or_else(|| db.message());
            let field = if what.contains("name_key") {
                "name"
            } else if what.contains("email") {
                "email"
            } else if what.contains("token_hash") || what.starts_with("sessions_") {
                "token"
            } else {
                "value"
            };
            StoreError::Conflict { field }
        }
        sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::NotFound,
        sqlx::Error::Database(db) => StoreError::Database(format!(
            "{} (code {})",
            db.message(),
            db.code().unwrap_or_default()
        )),
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
            StoreError::Unavailable(error.to_string())
        }
        _ => StoreError::Database(error.to_string()),
    }
}

/// A subquery yielding the values of the JSON array of strings bound at
/// placeholder `param` (for example `$1`).
fn json_values<D: Dialect>(param: &str) -> String {
    format!("{}{param}{}", D::JSON_VALUES.0, D::JSON_VALUES.1)
}

/// One value of a row written by [`Sql::insert_rows`].
pub(crate) enum Value<'a> {
    Text(&'a str),
    Int(i64),
    Bool(bool),
    MaybeText(Option<&'a str>),
    MaybeInt(Option<i64>),
}

/// Placeholders bound per multi-row statement of [`Sql::insert_rows`].
/// Kept small: SQLite reads `$n` as a named parameter and looks each name
/// up among the ones before it, so preparing a statement costs the square
/// of its placeholders (8,000 took over a second; 900 take well under a
/// millisecond), and equal chunks reuse one prepared statement.
const VALUES_PER_STATEMENT: usize = 900;

fn migrate_error<D: Dialect>(error: MigrateError) -> StoreError {
    match error {
        MigrateError::Execute(inner) => db_error(inner),
        MigrateError::VersionMissing(version) => StoreError::SchemaTooNew {
            found: version,
            supported: D::migrator().iter().map(|m| m.version).max().unwrap_or(0),
        },
        other => StoreError::Database(format!("migration failed: {other}")),
    }
}

use async_trait::async_trait;
use retrace_domain::{
    ApiScopes, ApiTokenId, AuditAction, Email, ExportId, ObjectKind, OrgId, RoleSet,
    SecurityEventId, Timestamp, UserId,
};
use retrace_store::backend::{
    self, ApiTokenRow, AuditRow, ChainHead, ChainVerifier, OrgRow, SessionRow, UserRow,
};
use retrace_store::{
    ApiToken, AuditContext, AuditEntry, AuditEvent, AuditLogQuery, AuditVerification, Backend,
    ExportRecord, NewOrganisation, NewUser, OrgScope, Organisation, SecurityEvent, SessionProof,
    SessionRecord, Store, StoreError, StoreResult, UserAccount,
};
use sqlx::{Row, Transaction};

macro_rules! user_columns {
    () => {
        "id, email, display_name, org_id, roles, is_operator, password_hash, \
         totp_secret_sealed, disabled, failed_sign_ins, locked_until, created_at, \
         password_changed_at"
    };
}

macro_rules! audit_columns {
    () => {
        "seq, at, actor, org_id, action, object_kind, object_id, purpose, previous_hash, hash"
    };
}

impl<D> Sql<D>
where
    D: Dialect,
    for<'c> &'c mut Conn<D>: Executor<'c, Database = D::Db>,
    Conn<D>: Migrate,
    <D::Db as Database>::Arguments: IntoArguments<D::Db>,
    for<'a> &'a str: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db> + ColumnIndex<DbRow<D>>,
    for<'a> String: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> i64: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> bool: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> Vec<u8>: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> Option<&'a str>: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> Option<String>: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> Option<i64>: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> Option<Vec<u8>>: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    usize: ColumnIndex<DbRow<D>>,
{
    fn org_row(row: &DbRow<D>) -> Result<OrgRow, sqlx::Error> {
        Ok(read_row!(row => OrgRow {
            id, name, kind, country, created_at
        }))
    }

    fn user_row(row: &DbRow<D>) -> Result<UserRow, sqlx::Error> {
        Ok(read_row!(row => UserRow {
            id, email, display_name, org_id, roles, is_operator, password_hash, totp_secret_sealed,
            disabled, failed_sign_ins, locked_until, created_at, password_changed_at
        }))
    }

    fn session_row(row: &DbRow<D>) -> Result<SessionRow, sqlx::Error> {
        Ok(read_row!(row => SessionRow {
            token_hash, user_id, created_at, last_seen_at, second_factor_done
        }))
    }

    fn token_row(row: &DbRow<D>) -> Result<ApiTokenRow, sqlx::Error> {
        Ok(read_row!(row => ApiTokenRow {
            id, user_id, name, created_at, last_used_at, revoked_at, scopes, expires_at
        }))
    }

    fn audit_row(row: &DbRow<D>) -> Result<AuditRow, sqlx::Error> {
        Ok(read_row!(row => AuditRow {
            seq, at, actor, org_id, action, object_kind, object_id, purpose, previous_hash, hash
        }))
    }

    fn users(rows: &[DbRow<D>]) -> StoreResult<Vec<UserAccount>> {
        rows.iter()
            .map(|row| Self::user_row(row).map_err(db_error)?.into_account())
            .collect()
    }

    fn maybe_user(row: Option<DbRow<D>>) -> StoreResult<Option<UserAccount>> {
        row.map(|row| Self::user_row(&row).map_err(db_error)?.into_account())
            .transpose()
    }

    /// Appends one audit entry inside the caller's transaction. The chain head
    /// row is locked here (`FOR UPDATE`) until the transaction ends, so
    /// concurrent appends queue and each reads the hash the previous one wrote.
    async fn append(
        conn: &mut Conn<D>,
        audit: &AuditContext,
        event: &AuditEvent,
    ) -> StoreResult<AuditEntry> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT seq, hash FROM audit_head WHERE id = 1{}",
            D::FOR_UPDATE
        )))
        .fetch_one(&mut *conn)
        .await
        .map_err(db_error)?;
        let head = ChainHead {
            seq: row.try_get("seq").map_err(db_error)?,
            hash: row.try_get("hash").map_err(db_error)?,
        };
        let entry = backend::next_audit_entry(&head, audit, event)?;
        let stored = backend::audit_row(&entry);
        sqlx::query(concat!(
            "INSERT INTO audit_log (",
            audit_columns!(),
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
        ))
        .bind(stored.seq)
        .bind(stored.at)
        .bind(&stored.actor)
        .bind(&stored.org_id)
        .bind(&stored.action)
        .bind(&stored.object_kind)
        .bind(&stored.object_id)
        .bind(&stored.purpose)
        .bind(&stored.previous_hash)
        .bind(&stored.hash)
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
        sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
            .bind(stored.seq)
            .bind(&stored.hash)
            .execute(&mut *conn)
            .await
            .map_err(db_error)?;
        Ok(entry)
    }

    /// Appends one audit entry per event, chained in order, inside the
    /// caller's transaction: the head is read (and locked) once, the
    /// entries written a few hundred per statement, the head moved once.
    async fn append_many(
        conn: &mut Conn<D>,
        audit: &AuditContext,
        events: &[AuditEvent],
    ) -> StoreResult<()> {
        let Some(first) = events.first() else {
            return Ok(());
        };
        // The first through `append`, which takes the head's lock.
        let entry = Self::append(conn, audit, first).await?;
        let mut head = ChainHead {
            seq: entry.record.seq,
            hash: entry.hash.to_hex(),
        };
        let mut stored = Vec::with_capacity(events.len().saturating_sub(1));
        for event in events.iter().skip(1) {
            let entry = backend::next_audit_entry(&head, audit, event)?;
            head = ChainHead {
                seq: entry.record.seq,
                hash: entry.hash.to_hex(),
            };
            stored.push(backend::audit_row(&entry));
        }
        if stored.is_empty() {
            return Ok(());
        }
        let rows: Vec<Vec<Value<'_>>> = stored
            .iter()
            .map(|row| {
                vec![
                    Value::Int(row.seq),
                    Value::Int(row.at),
                    Value::MaybeText(row.actor.as_deref()),
                    Value::MaybeText(row.org_id.as_deref()),
                    Value::Text(&row.action),
                    Value::Text(&row.object_kind),
                    Value::Text(&row.object_id),
                    Value::MaybeText(row.purpose.as_deref()),
                    Value::Text(&row.previous_hash),
                    Value::Text(&row.hash),
                ]
            })
            .collect();
        Self::insert_rows(
            conn,
            concat!("INSERT INTO audit_log (", audit_columns!(), ")"),
            &rows,
        )
        .await?;
        sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
            .bind(head.seq)
            .bind(&head.hash)
            .execute(&mut *conn)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    /// Inserts `rows` (all of one width) with `head` (`INSERT INTO t (a,
    /// b)`) as multi-row `VALUES` statements of up to
    /// [`VALUES_PER_STATEMENT`] values: a bulk write in one round trip per
    /// hundred rows or so rather than one per row.
    async fn insert_rows(
        conn: &mut Conn<D>,
        head: &str,
        rows: &[Vec<Value<'_>>],
    ) -> StoreResult<()> {
        use std::fmt::Write as _;
        let width = rows.first().map(Vec::len).unwrap_or(1).max(1);
        for chunk in rows.chunks((VALUES_PER_STATEMENT / width).max(1)) {
            let mut sql = String::with_capacity(head.len() + chunk.len() * width * 6);
            sql.push_str(head);
            sql.push_str(" VALUES ");
            let mut n = 0;
            for (i, row) in chunk.iter().enumerate() {
                sql.push_str(if i == 0 { "(" } else { ", (" });
                for column in 0..row.len() {
                    n += 1;
                    sql.push_str(if column == 0 { "" } else { ", " });
                    match D::POSITIONAL_PARAMETER {
                        Some(positional) => sql.push_str(positional),
                        None => {
                            let _ = write!(sql, "${n}");
                        }
                    }
                }
                sql.push(')');
            }
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for value in chunk.iter().flatten() {
                query = match value {
                    Value::Text(text) => query.bind(*text),
                    Value::Int(number) => query.bind(*number),
                    Value::Bool(flag) => query.bind(*flag),
                    Value::MaybeText(text) => query.bind(*text),
                    Value::MaybeInt(number) => query.bind(*number),
                };
            }
            query.execute(&mut *conn).await.map_err(db_error)?;
        }
        Ok(())
    }

    /// Spends what lets a session start; false, with nothing written, when
    /// it is not good.
    async fn spend_proof(
        conn: &mut Conn<D>,
        audit: &AuditContext,
        user: UserId,
        proof: SessionProof<'_>,
    ) -> StoreResult<bool> {
        match proof {
            SessionProof::Password => Ok(true),
            SessionProof::TotpStep(step) => Self::accept_totp_step(conn, user, step).await,
            SessionProof::RecoveryCode(code_hash) => {
                let done = sqlx::query(
                    "UPDATE recovery_codes SET used_at = $1 \
                     WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
                )
                .bind(audit.at.as_millis())
                .bind(user.to_string())
                .bind(code_hash)
                .execute(&mut *conn)
                .await
                .map_err(db_error)?;
                if D::rows_affected(&done) != 1 {
                    return Ok(false);
                }
                let used = event(AuditAction::RecoveryCodeUsed, ObjectKind::User, user);
                Self::append(conn, audit, &used).await?;
                Ok(true)
            }
            SessionProof::Enrolment {
                totp_secret_sealed,
                recovery_code_hashes,
                step,
            } => {
                // A new secret starts its own sequence of steps; the code
                // that proved it is spent like any other.
                let done = sqlx::query(
                    "UPDATE users SET totp_secret_sealed = $1, totp_last_step = $2 WHERE id = $3",
                )
                .bind(totp_secret_sealed)
                .bind(step)
                .bind(user.to_string())
                .execute(&mut *conn)
                .await
                .map_err(db_error)?;
                if D::rows_affected(&done) != 1 {
                    return Err(StoreError::NotFound);
                }
                sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
                    .bind(user.to_string())
                    .execute(&mut *conn)
                    .await
                    .map_err(db_error)?;
                for code_hash in recovery_code_hashes {
                    sqlx::query(
                        "INSERT INTO recovery_codes (user_id, code_hash, used_at) \
                         VALUES ($1, $2, NULL) ON CONFLICT (user_id, code_hash) DO NOTHING",
                    )
                    .bind(user.to_string())
                    .bind(code_hash)
                    .execute(&mut *conn)
                    .await
                    .map_err(db_error)?;
                }
                let enrolled = event(AuditAction::SecondFactorEnrolled, ObjectKind::User, user);
                Self::append(conn, audit, &enrolled).await?;
                Ok(true)
            }
        }
    }

    /// Records `step` as the account's last accepted TOTP step when it is
    /// later than the last, in one conditional update: two sign-ins racing
    /// with the same code cannot both see the old step.
    async fn accept_totp_step(conn: &mut Conn<D>, user: UserId, step: i64) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE users SET totp_last_step = $1 \
             WHERE id = $2 AND (totp_last_step IS NULL OR totp_last_step < $1)",
        )
        .bind(step)
        .bind(user.to_string())
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
        Ok(D::rows_affected(&done) == 1)
    }

    /// The scope's newest entries the query asks for: only the conditions
    /// it sets, so that the indexes on the organisation, the actor and the
    /// object serve them.
    async fn audit_page(
        conn: &mut Conn<D>,
        scope: &OrgScope,
        filter: &AuditLogQuery,
    ) -> StoreResult<Vec<AuditEntry>> {
        let mut query = sqlx::QueryBuilder::<D::Db>::new(concat!(
            "SELECT ",
            audit_columns!(),
            " FROM audit_log WHERE org_id = "
        ));
        query.push_bind(scope.org().to_string());
        if let Some(before) = filter.before_seq {
            query.push(" AND seq < ").push_bind(before);
        }
        if let Some(actor) = filter.actor {
            query.push(" AND actor = ").push_bind(actor.to_string());
        }
        if let Some(action) = filter.action {
            query.push(" AND action = ").push_bind(action.as_str());
        }
        if let Some(kind) = filter.object_kind {
            query.push(" AND object_kind = ").push_bind(kind.as_str());
        }
        if let Some(object) = &filter.object_id {
            query.push(" AND object_id = ").push_bind(object.clone());
        }
        if let Some(from) = filter.from {
            query.push(" AND at >= ").push_bind(from.as_millis());
        }
        if let Some(until) = filter.until {
            query.push(" AND at < ").push_bind(until.as_millis());
        }
        query
            .push(" ORDER BY seq DESC LIMIT ")
            .push_bind(i64::from(filter.limit));
        let rows = query
            .build()
            .fetch_all(&mut *conn)
            .await
            .map_err(db_error)?;
        rows.iter()
            .map(|row| Self::audit_row(row).map_err(db_error)?.into_entry())
            .collect()
    }

    async fn delete_session(conn: &mut Conn<D>, token_hash: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&mut *conn)
            .await
            .map(|_| ())
            .map_err(db_error)
    }
}

fn event(action: AuditAction, object_kind: ObjectKind, object_id: impl ToString) -> AuditEvent {
    AuditEvent {
        action,
        object_kind,
        object_id: object_id.to_string(),
    }
}

#[async_trait]
impl<D> Store for SqlStore<D>
where
    D: Dialect,
    for<'c> &'c mut Conn<D>: Executor<'c, Database = D::Db>,
    Conn<D>: Migrate,
    <D::Db as Database>::Arguments: IntoArguments<D::Db>,
    for<'a> &'a str: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db> + ColumnIndex<DbRow<D>>,
    for<'a> String: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> i64: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> bool: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> Vec<u8>: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> Option<&'a str>: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> Option<String>: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> Option<i64>: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> Option<Vec<u8>>: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    usize: ColumnIndex<DbRow<D>>,
{
    fn backend(&self) -> Backend {
        D::BACKEND
    }

    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(db_error)
    }

    async fn create_organisation(
        &self,
        audit: &AuditContext,
        new: &NewOrganisation,
    ) -> StoreResult<Organisation> {
        let org = Organisation {
            id: OrgId::random(),
            name: new.name.clone(),
            kind: new.kind,
            country: new.country,
            created_at: audit.at,
        };
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO organisations (id, name, name_key, kind, country, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(org.id.to_string())
        .bind(org.name.as_str())
        .bind(backend::org_name_key(&org.name))
        .bind(org.kind.as_str())
        .bind(org.country.as_str())
        .bind(org.created_at.as_millis())
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        Sql::<D>::append(
            &mut tx,
            audit,
            &event(
                AuditAction::OrganisationCreated,
                ObjectKind::Organisation,
                org.id,
            ),
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        Ok(org)
    }

    async fn organisations(&self) -> StoreResult<Vec<Organisation>> {
        let rows = sqlx::query(
            "SELECT id, name, kind, country, created_at FROM organisations ORDER BY name_key, id",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        rows.iter()
            .map(|row| {
                Sql::<D>::org_row(row)
                    .map_err(db_error)?
                    .into_organisation()
            })
            .collect()
    }

    async fn organisation(&self, id: OrgId) -> StoreResult<Option<Organisation>> {
        let row = sqlx::query(
            "SELECT id, name, kind, country, created_at FROM organisations WHERE id = $1",
        )
        .bind(id.to_string())
        .fetch_optional(&self.pool)
        .await
        .map_err(db_error)?;
        row.map(|row| {
            Sql::<D>::org_row(&row)
                .map_err(db_error)?
                .into_organisation()
        })
        .transpose()
    }

    async fn create_user(&self, audit: &AuditContext, new: &NewUser) -> StoreResult<UserAccount> {
        let account = UserAccount {
            id: UserId::random(),
            email: new.email.clone(),
            display_name: new.display_name.clone(),
            membership: new.membership.clone(),
            password_hash: new.password_hash.clone(),
            totp_secret_sealed: None,
            disabled: false,
            failed_sign_ins: 0,
            locked_until: None,
            created_at: audit.at,
            password_changed_at: audit.at,
        };
        let membership = backend::membership_columns(&account.membership);
        let mut tx = self.begin_write().await?;
        sqlx::query(concat!(
            "INSERT INTO users (",
            user_columns!(),
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, FALSE, 0, NULL, $8, $9)"
        ))
        .bind(account.id.to_string())
        .bind(account.email.as_str())
        .bind(account.display_name.as_str())
        .bind(&membership.org_id)
        .bind(&membership.roles)
        .bind(membership.is_operator)
        .bind(&account.password_hash)
        .bind(account.created_at.as_millis())
        .bind(account.password_changed_at.as_millis())
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        Sql::<D>::append(
            &mut tx,
            audit,
            &event(AuditAction::UserCreated, ObjectKind::User, account.id),
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        Ok(account)
    }

    async fn user(&self, id: UserId) -> StoreResult<Option<UserAccount>> {
        let row = sqlx::query(concat!(
            "SELECT ",
            user_columns!(),
            " FROM users WHERE id = $1"
        ))
        .bind(id.to_string())
        .fetch_optional(&self.pool)
        .await
        .map_err(db_error)?;
        Sql::<D>::maybe_user(row)
    }

    async fn user_by_email(&self, email: &Email) -> StoreResult<Option<UserAccount>> {
        let row = sqlx::query(concat!(
            "SELECT ",
            user_columns!(),
            " FROM users WHERE email = $1"
        ))
        .bind(email.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(db_error)?;
        Sql::<D>::maybe_user(row)
    }

    async fn all_users(&self) -> StoreResult<Vec<UserAccount>> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            user_columns!(),
            " FROM users ORDER BY email"
        ))
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        Sql::<D>::users(&rows)
    }

    async fn users_in(&self, scope: &OrgScope) -> StoreResult<Vec<UserAccount>> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            user_columns!(),
            " FROM users WHERE org_id = $1 ORDER BY email"
        ))
        .bind(scope.org().to_string())
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        Sql::<D>::users(&rows)
    }

    async fn user_in(&self, scope: &OrgScope, id: UserId) -> StoreResult<Option<UserAccount>> {
        let row = sqlx::query(concat!(
            "SELECT ",
            user_columns!(),
            " FROM users WHERE id = $1 AND org_id = $2"
        ))
        .bind(id.to_string())
        .bind(scope.org().to_string())
        .fetch_optional(&self.pool)
        .await
        .map_err(db_error)?;
        Sql::<D>::maybe_user(row)
    }

    async fn set_roles(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        id: UserId,
        roles: &RoleSet,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE users SET roles = $1 WHERE id = $2 AND org_id = $3 AND is_operator = FALSE",
        )
        .bind(roles.to_list())
        .bind(id.to_string())
        .bind(scope.org().to_string())
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        if D::rows_affected(&done) != 1 {
            return Err(StoreError::NotFound);
        }
        Sql::<D>::append(
            &mut tx,
            audit,
            &event(AuditAction::UserRolesChanged, ObjectKind::User, id),
        )
        .await?;
        tx.commit().await.map_err(db_error)
    }

    async fn set_disabled(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        id: UserId,
        disabled: bool,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("UPDATE users SET disabled = $1 WHERE id = $2 AND org_id = $3")
            .bind(disabled)
            .bind(id.to_string())
            .bind(scope.org().to_string())
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        if D::rows_affected(&done) != 1 {
            return Err(StoreError::NotFound);
        }
        if disabled {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(id.to_string())
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
            sqlx::query(
                "UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
            )
            .bind(audit.at.as_millis())
            .bind(id.to_string())
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        }
        let action = if disabled {
            AuditAction::UserDisabled
        } else {
            AuditAction::UserEnabled
        };
        Sql::<D>::append(&mut tx, audit, &event(action, ObjectKind::User, id)).await?;
        tx.commit().await.map_err(db_error)
    }

    async fn set_password(
        &self,
        audit: &AuditContext,
        action: AuditAction,
        id: UserId,
        password_hash: &str,
        keep_session: Option<&str>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE users SET password_hash = $1, password_changed_at = $2, \
             failed_sign_ins = 0, locked_until = NULL WHERE id = $3",
        )
        .bind(password_hash)
        .bind(audit.at.as_millis())
        .bind(id.to_string())
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        if D::rows_affected(&done) != 1 {
            return Err(StoreError::NotFound);
        }
        sqlx::query(
            "DELETE FROM sessions WHERE user_id = $1 AND token_hash IS DISTINCT FROM CAST($2 AS TEXT)",
        )
        .bind(id.to_string())
        .bind(keep_session)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        // A token taken with the old password must not outlive it.
        sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
        )
        .bind(audit.at.as_millis())
        .bind(id.to_string())
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        Sql::<D>::append(&mut tx, audit, &event(action, ObjectKind::User, id)).await?;
        tx.commit().await.map_err(db_error)
    }

    async fn record_sign_in_failure(
        &self,
        audit: &AuditContext,
        id: UserId,
        locked_until: Option<Timestamp>,
    ) -> StoreResult<u32> {
        let mut tx = self.begin_write().await?;
        let failures: Option<i64> = sqlx::query_scalar(
            "UPDATE users SET failed_sign_ins = failed_sign_ins + 1, \
             locked_until = COALESCE(CAST($1 AS BIGINT), locked_until) WHERE id = $2 RETURNING failed_sign_ins",
        )
        .bind(locked_until.map(Timestamp::as_millis))
        .bind(id.to_string())
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_error)?;
        let failures = failures.ok_or(StoreError::NotFound)?;
        Sql::<D>::append(
            &mut tx,
            audit,
            &event(AuditAction::SignInFailed, ObjectKind::User, id),
        )
        .await?;
        if locked_until.is_some() {
            Sql::<D>::append(
                &mut tx,
                audit,
                &event(AuditAction::AccountLocked, ObjectKind::User, id),
            )
            .await?;
        }
        tx.commit().await.map_err(db_error)?;
        backend::count("users", failures)
    }

    async fn remove_second_factor(&self, audit: &AuditContext, id: UserId) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("UPDATE users SET totp_secret_sealed = NULL WHERE id = $1")
            .bind(id.to_string())
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        if D::rows_affected(&done) != 1 {
            return Err(StoreError::NotFound);
        }
        sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
            .bind(id.to_string())
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        let removed = event(AuditAction::SecondFactorRemoved, ObjectKind::User, id);
        Sql::<D>::append(&mut tx, audit, &removed).await?;
        tx.commit().await.map_err(db_error)
    }

    async fn unused_recovery_codes(&self, id: UserId) -> StoreResult<u32> {
        let count: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL",
        )
        .bind(id.to_string())
        .fetch_one(&self.pool)
        .await
        .map_err(db_error)?;
        backend::count("recovery_codes", count)
    }

    async fn start_session(
        &self,
        audit: &AuditContext,
        session: &SessionRecord,
        proof: SessionProof<'_>,
        replaces: Option<&str>,
    ) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        if !Sql::<D>::spend_proof(&mut tx, audit, session.user, proof).await? {
            return Ok(false);
        }
        if let Some(old) = replaces {
            Sql::<D>::delete_session(&mut tx, old).await?;
        }
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, second_factor_done) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&session.token_hash)
        .bind(session.user.to_string())
        .bind(session.created_at.as_millis())
        .bind(session.last_seen_at.as_millis())
        .bind(session.second_factor_done)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        if session.second_factor_done {
            // The failure count is cleared only when sign-in is complete: a
            // correct password must not reset the budget for guessing the
            // second factor.
            let done = sqlx::query(
                "UPDATE users SET failed_sign_ins = 0, locked_until = NULL WHERE id = $1",
            )
            .bind(session.user.to_string())
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
            if D::rows_affected(&done) != 1 {
                return Err(StoreError::NotFound);
            }
            let signed_in = event(AuditAction::SignedIn, ObjectKind::User, session.user);
            Sql::<D>::append(&mut tx, audit, &signed_in).await?;
        }
        tx.commit().await.map_err(db_error)?;
        Ok(true)
    }

    async fn session(&self, token_hash: &str) -> StoreResult<Option<SessionRecord>> {
        let row = sqlx::query(
            "SELECT token_hash, user_id, created_at, last_seen_at, second_factor_done \
             FROM sessions WHERE token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_error)?;
        row.map(|row| {
            Sql::<D>::session_row(&row)
                .map_err(db_error)?
                .into_session()
        })
        .transpose()
    }

    async fn touch_session(&self, token_hash: &str, at: Timestamp) -> StoreResult<()> {
        let done = sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
            .bind(at.as_millis())
            .bind(token_hash)
            .execute(&self.pool)
            .await
            .map_err(db_error)?;
        if D::rows_affected(&done) != 1 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        let mut conn = self.pool.acquire().await.map_err(db_error)?;
        Sql::<D>::delete_session(&mut conn, token_hash).await
    }

    async fn end_session(&self, audit: &AuditContext, token_hash: &str) -> StoreResult<()> {
        let user = audit.actor.ok_or(StoreError::ActorRequired)?;
        let mut tx = self.begin_write().await?;
        Sql::<D>::delete_session(&mut tx, token_hash).await?;
        let signed_out = event(AuditAction::SignedOut, ObjectKind::User, user);
        Sql::<D>::append(&mut tx, audit, &signed_out).await?;
        tx.commit().await.map_err(db_error)
    }

    async fn delete_expired_sessions(
        &self,
        idle_before: Timestamp,
        created_before: Timestamp,
    ) -> StoreResult<u64> {
        sqlx::query("DELETE FROM sessions WHERE last_seen_at < $1 OR created_at < $2")
            .bind(idle_before.as_millis())
            .bind(created_before.as_millis())
            .execute(&self.pool)
            .await
            .map(|done| D::rows_affected(&done))
            .map_err(db_error)
    }

    async fn create_api_token(
        &self,
        audit: &AuditContext,
        user: UserId,
        name: &str,
        token_hash: &str,
        scopes: ApiScopes,
        expires_at: Option<Timestamp>,
    ) -> StoreResult<ApiToken> {
        let token = ApiToken {
            id: ApiTokenId::random(),
            user,
            name: name.to_owned(),
            created_at: audit.at,
            last_used_at: None,
            revoked_at: None,
            scopes,
            expires_at,
        };
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO api_tokens (id, user_id, name, token_hash, created_at, scopes, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(token.id.to_string())
        .bind(user.to_string())
        .bind(name)
        .bind(token_hash)
        .bind(token.created_at.as_millis())
        .bind(scopes.to_string())
        .bind(expires_at.map(Timestamp::as_millis))
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        Sql::<D>::append(
            &mut tx,
            audit,
            &event(AuditAction::ApiTokenCreated, ObjectKind::ApiToken, token.id),
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        Ok(token)
    }

    async fn api_tokens(&self, user: UserId) -> StoreResult<Vec<ApiToken>> {
        let rows = sqlx::query(
            "SELECT id, user_id, name, created_at, last_used_at, revoked_at, scopes, expires_at \
             FROM api_tokens WHERE user_id = $1 ORDER BY created_at, id",
        )
        .bind(user.to_string())
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        rows.iter()
            .map(|row| Sql::<D>::token_row(row).map_err(db_error)?.into_token())
            .collect()
    }

    async fn revoke_api_token(
        &self,
        audit: &AuditContext,
        user: UserId,
        id: ApiTokenId,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 \
             WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL",
        )
        .bind(audit.at.as_millis())
        .bind(id.to_string())
        .bind(user.to_string())
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        if D::rows_affected(&done) != 1 {
            return Err(StoreError::NotFound);
        }
        Sql::<D>::append(
            &mut tx,
            audit,
            &event(AuditAction::ApiTokenRevoked, ObjectKind::ApiToken, id),
        )
        .await?;
        tx.commit().await.map_err(db_error)
    }

    async fn use_api_token(
        &self,
        token_hash: &str,
        at: Timestamp,
    ) -> StoreResult<Option<ApiToken>> {
        let row = sqlx::query(
            "UPDATE api_tokens SET last_used_at = CASE \
             WHEN expires_at IS NOT NULL AND expires_at <= $1 THEN last_used_at ELSE $1 END \
             WHERE token_hash = $2 AND revoked_at IS NULL \
             AND user_id IN (SELECT id FROM users WHERE disabled = FALSE) \
             RETURNING id, user_id, name, created_at, last_used_at, revoked_at, scopes, expires_at",
        )
        .bind(at.as_millis())
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_error)?;
        row.map(|row| Sql::<D>::token_row(&row).map_err(db_error)?.into_token())
            .transpose()
    }

    async fn append_audit(&self, audit: &AuditContext, event: &AuditEvent) -> StoreResult<()> {
        self.append_alone(audit, event).await
    }

    async fn note_cross_org_probe(
        &self,
        at: Timestamp,
        user: UserId,
        org: OrgId,
        object: ObjectKind,
        id: &str,
    ) -> StoreResult<bool> {
        let exists = match object {
            ObjectKind::TracingRequest => {
                "SELECT COUNT(*) FROM tracing_requests WHERE id = $1 AND org_id <> $2"
            }
            ObjectKind::Person => "SELECT COUNT(*) FROM persons WHERE id = $1 AND org_id <> $2",
            ObjectKind::Candidate => {
                "SELECT COUNT(*) FROM candidates \
                 WHERE id = $1 AND sought_org <> $2 AND other_org <> $2"
            }
            ObjectKind::Transfer => {
                "SELECT COUNT(*) FROM transfers WHERE id = $1 AND from_org <> $2 AND to_org <> $2"
            }
            ObjectKind::GalleryEntry => {
                "SELECT COUNT(*) FROM gallery_entries WHERE id = $1 AND org_id <> $2"
            }
            ObjectKind::InformationReport => {
                "SELECT COUNT(*) FROM information_reports WHERE id = $1 AND org_id <> $2"
            }
            _ => return Ok(false),
        };
        let found: i64 = sqlx::query_scalar(exists)
            .bind(id)
            .bind(org.to_string())
            .fetch_one(&self.pool)
            .await
            .map_err(db_error)?;
        if found == 0 {
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO security_events (id, at, kind, user_id, org_id) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(SecurityEventId::random().to_string())
        .bind(at.as_millis())
        .bind(format!("cross_org_probe:{}", object.as_str()))
        .bind(user.to_string())
        .bind(org.to_string())
        .execute(&self.pool)
        .await
        .map_err(db_error)?;
        Ok(true)
    }

    async fn security_events(&self, limit: u32) -> StoreResult<Vec<SecurityEvent>> {
        let rows = sqlx::query(
            "SELECT at, kind, user_id, org_id FROM security_events ORDER BY at DESC, id LIMIT $1",
        )
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        let corrupt = |detail: &str| StoreError::Corrupt {
            table: "security_events",
            detail: detail.to_owned(),
        };
        rows.iter()
            .map(|row| {
                let at: i64 = row.try_get("at").map_err(db_error)?;
                let user: Option<String> = row.try_get("user_id").map_err(db_error)?;
                let org: Option<String> = row.try_get("org_id").map_err(db_error)?;
                Ok(SecurityEvent {
                    at: Timestamp::from_millis(at),
                    kind: row.try_get("kind").map_err(db_error)?,
                    user: user
                        .map(|u| u.parse().map_err(|_| corrupt("user_id")))
                        .transpose()?,
                    org: org
                        .map(|o| o.parse().map_err(|_| corrupt("org_id")))
                        .transpose()?,
                })
            })
            .collect()
    }

    async fn export_record(
        &self,
        scope: &OrgScope,
        id: ExportId,
    ) -> StoreResult<Option<ExportRecord>> {
        let row = sqlx::query(
            "SELECT user_id, at, reason, row_count FROM exports WHERE id = $1 AND org_id = $2",
        )
        .bind(id.to_string())
        .bind(scope.org().to_string())
        .fetch_optional(&self.pool)
        .await
        .map_err(db_error)?;
        let Some(row) = row else {
            return Ok(None);
        };
        let user: String = row.try_get("user_id").map_err(db_error)?;
        let at: i64 = row.try_get("at").map_err(db_error)?;
        let row_count: i64 = row.try_get("row_count").map_err(db_error)?;
        Ok(Some(ExportRecord {
            id,
            org: scope.org(),
            user: user.parse().map_err(|_| StoreError::Corrupt {
                table: "exports",
                detail: "user_id".to_owned(),
            })?,
            at: Timestamp::from_millis(at),
            reason: row.try_get("reason").map_err(db_error)?,
            row_count: backend::count("exports", row_count)?,
        }))
    }

    async fn audit_entries(
        &self,
        scope: &OrgScope,
        limit: u32,
        before_seq: Option<i64>,
    ) -> StoreResult<Vec<AuditEntry>> {
        let mut conn = self.pool.acquire().await.map_err(db_error)?;
        let query = AuditLogQuery {
            limit,
            before_seq,
            ..AuditLogQuery::default()
        };
        Sql::<D>::audit_page(&mut conn, scope, &query).await
    }

    async fn read_audit_log(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        query: &AuditLogQuery,
    ) -> StoreResult<Vec<AuditEntry>> {
        let mut tx = self.begin_write().await?;
        let entries = Sql::<D>::audit_page(&mut tx, scope, query).await?;
        let viewed = event(AuditAction::AuditViewed, ObjectKind::AuditLog, scope.org());
        Sql::<D>::append(&mut tx, audit, &viewed).await?;
        tx.commit().await.map_err(db_error)?;
        Ok(entries)
    }

    async fn verify_audit_chain(&self) -> StoreResult<AuditVerification> {
        // One repeatable-read transaction: a consistent snapshot of log and head even
        // while appends go on.
        let mut tx = begin_with(&self.pool, D::BEGIN_SNAPSHOT).await?;
        let mut verifier = ChainVerifier::new();
        loop {
            let rows = sqlx::query(concat!(
                "SELECT ",
                audit_columns!(),
                " FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2"
            ))
            .bind(verifier.last_seq())
            .bind(VERIFY_PAGE)
            .fetch_all(&mut *tx)
            .await
            .map_err(db_error)?;
            for row in &rows {
                verifier.check(&Sql::<D>::audit_row(row).map_err(db_error)?);
            }
            if !verifier.is_intact() || rows.len() < VERIFY_PAGE as usize {
                break;
            }
        }
        let row = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
            .fetch_one(&mut *tx)
            .await
            .map_err(db_error)?;
        let head = ChainHead {
            seq: row.try_get("seq").map_err(db_error)?,
            hash: row.try_get("hash").map_err(db_error)?,
        };
        tx.rollback().await.map_err(db_error)?;
        Ok(verifier.finish(&head))
    }

    // ----- Transfers (begin) --------------------------------------------

    // ----- Transfers (end) ----------------------------------------------
    // Trace the Face
}
