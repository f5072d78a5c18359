//! The server storage backend: [`PostgresStore`] implements
//! `retrace_store::Store` on a PostgreSQL database.
//!
//! Key design decision: audit appends are serialised by a row lock on the
//! single chain-head row (`SELECT … FOR UPDATE` on `audit_head`), taken in
//! the same transaction as the change being audited, so the previous hash
//! is read under the lock and a change and its audit entry land together
//! or not at all. Queries are written for PostgreSQL only and checked by
//! the shared conformance suite (see `docs/adr/0001-sql-per-backend.md`).

mod gallery;
mod rfl;
mod transfers;

use async_trait::async_trait;
use retrace_domain::{
    ApiTokenId, AuditAction, CandidateId, CandidateStatus, Circumstances, ConsentId, ConsentRecord,
    Email, MessageDirection, MessageId, MessageStatus, NewConsent, ObjectKind, OrgId,
    PersonDetails, PersonId, RegistrationKind, Relationship, RequestId, RequestStatus, RoleSet,
    Text, Timestamp, TransferId, TransferShare, UserId,
};
use retrace_domain::{GalleryEntryId, GalleryReference, ReportId, ReportStatus};
use retrace_store::backend::{
    self, ApiTokenRow, AuditRow, ChainHead, ChainVerifier, OrgRow, SessionRow, UserRow,
};
use retrace_store::{
    ApiToken, AuditContext, AuditEntry, AuditEvent, AuditVerification, Backend, CandidateView,
    FamilyMessage, IncomingTransfer, MatchablePerson, NewCandidate, NewOrganisation, NewRequest,
    NewUser, OrgScope, Organisation, ReleaseOutcome, RequestFilter, RequestSummary, SessionRecord,
    StatusChange, Store, StoreError, StoreResult, StoredPerson, TracingRequest, Transfer,
    TransferView, UserAccount,
};
use retrace_store::{
    GalleryEntry, InformationReport, NewGalleryEntry, NewReport, PublicEntry, TakedownTarget,
    TakenDown,
};
use sqlx::migrate::{MigrateError, Migrator};
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPool, PgPoolOptions, PgRow};
use sqlx::{Postgres, Row, Transaction};
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// How long to wait for a pooled connection before reporting the database
/// unavailable.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);
/// Audit entries read per round trip while verifying the chain.
const VERIFY_PAGE: i64 = 1000;

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

#[derive(Clone)]
pub struct PostgresStore {
    pool: PgPool,
    #[cfg(feature = "test-support")]
    test_database: Option<test_support::TestDatabase>,
}

/// Written by hand: the connection options hold the password.
impl fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PostgresStore").finish_non_exhaustive()
    }
}

impl PostgresStore {
    /// Connects to the database at `url` (`postgres://user:password@host/db`).
    /// Refuses a database whose schema is newer than this binary. Does not
    /// apply migrations: call [`PostgresStore::migrate`].
    pub async fn open(url: &str) -> StoreResult<Self> {
        // The URL may hold a password: no error below repeats it.
        let options = PgConnectOptions::from_str(url).map_err(|_| {
            StoreError::Unavailable("not a valid PostgreSQL connection URL".to_owned())
        })?;
        let pool = PgPoolOptions::new()
            .max_connections(10)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_with(options)
            .await
            .map_err(|error| {
                StoreError::Unavailable(format!("cannot connect to PostgreSQL: {error}"))
            })?;
        let store = Self {
            pool,
            #[cfg(feature = "test-support")]
            test_database: None,
        };
        store.check_schema().await?;
        Ok(store)
    }

    /// Applies the embedded migrations that are not applied yet. Safe to
    /// call on every start and from several servers at once (sqlx takes an
    /// advisory lock while migrating).
    pub async fn migrate(&self) -> StoreResult<()> {
        self.check_schema().await?;
        MIGRATOR.run(&self.pool).await.map_err(migrate_error)
    }

    /// Waits for running queries and closes every connection.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Refuses a database that has migrations this binary does not know:
    /// a newer retrace wrote it, and this one would misread it.
    async fn check_schema(&self) -> StoreResult<()> {
        let has_table: bool =
            sqlx::query_scalar("SELECT to_regclass('_sqlx_migrations') IS NOT NULL")
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
        let supported = MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0);
        let found = applied.iter().copied().max().unwrap_or(0);
        if applied
            .iter()
            .any(|version| !MIGRATOR.version_exists(*version))
        {
            return Err(StoreError::SchemaTooNew { found, supported });
        }
        Ok(())
    }

    async fn begin_write(&self) -> StoreResult<Transaction<'static, Postgres>> {
        self.pool.begin().await.map_err(db_error)
    }

    /// Runs `event` as a change of its own, for methods whose only write
    /// is the audit entry.
    async fn append_alone(&self, audit: &AuditContext, event: &AuditEvent) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        append(&mut tx, audit, event).await?;
        tx.commit().await.map_err(db_error)
    }
}

#[cfg(feature = "test-support")]
mod test_support {
    use super::{PostgresStore, db_error};
    use retrace_store::{StoreError, StoreResult};
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

    impl PostgresStore {
        /// A fresh, migrated database with a unique name on the server
        /// named by `RETRACE_TEST_POSTGRES_URL`; `Ok(None)` when the
        /// variable is unset (the caller decides whether that may skip).
        pub async fn open_fresh_for_tests_from_env() -> StoreResult<Option<Self>> {
            let Ok(admin_url) = std::env::var(URL_VARIABLE) else {
                return Ok(None);
            };
            let name = format!("retrace_test_{}", uuid::Uuid::new_v4().simple());
            let mut admin = PgConnection::connect(&admin_url).await.map_err(|error| {
                StoreError::Unavailable(format!("cannot connect to {URL_VARIABLE}: {error}"))
            })?;
            sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
                .execute(&mut admin)
                .await
                .map_err(db_error)?;
            let _ = admin.close().await;
            let url = database_url(&admin_url, &name)?;
            let mut store = Self::open(&url).await?;
            store.migrate().await?;
            store.test_database = Some(TestDatabase {
                admin_url,
                name,
                url,
            });
            Ok(Some(store))
        }

        /// The URL of the test database, to open it again.
        pub fn url_for_tests(&self) -> Option<&str> {
            self.test_database.as_ref().map(|db| db.url.as_str())
        }

        /// Runs raw SQL, bypassing every rule of the store: for tests that
        /// tamper with stored rows. Returns the number of rows affected.
        pub async fn execute_raw_for_tests(&self, sql: &str) -> StoreResult<u64> {
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned()))
                .execute(&self.pool)
                .await
                .map(|done| done.rows_affected())
                .map_err(db_error)
        }

        /// Closes the store and drops its test database.
        pub async fn remove_for_tests(self) {
            self.close().await;
            let Some(db) = self.test_database else {
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

/// Driver errors as store errors. Unique and foreign-key violations become
/// domain errors; everything else keeps the driver's description for the
/// log (the web layer never shows it). PostgreSQL's messages name
/// constraints; the values are only in the detail, which is not kept.
fn db_error(error: sqlx::Error) -> StoreError {
    match &error {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            let constraint = db.constraint().unwrap_or_default();
            let field = if constraint.contains("name_key") {
                "name"
            } else if constraint.contains("email") {
                "email"
            } else if constraint.contains("token_hash") || constraint.starts_with("sessions_") {
                "token"
            } else {
                "value"
            };
            StoreError::Conflict { field }
        }
        sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::NotFound,
        sqlx::Error::Database(db) => StoreError::Database(format!(
            "{} (SQLSTATE {})",
            db.message(),
            db.code().unwrap_or_default()
        )),
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
            StoreError::Unavailable(error.to_string())
        }
        _ => StoreError::Database(error.to_string()),
    }
}

fn migrate_error(error: MigrateError) -> StoreError {
    match error {
        MigrateError::Execute(inner) => db_error(inner),
        MigrateError::VersionMissing(version) => StoreError::SchemaTooNew {
            found: version,
            supported: MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0),
        },
        other => StoreError::Database(format!("migration failed: {other}")),
    }
}

fn org_row(row: &PgRow) -> Result<OrgRow, sqlx::Error> {
    Ok(OrgRow {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        kind: row.try_get("kind")?,
        country: row.try_get("country")?,
        created_at: row.try_get("created_at")?,
    })
}

fn user_row(row: &PgRow) -> Result<UserRow, sqlx::Error> {
    Ok(UserRow {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        display_name: row.try_get("display_name")?,
        org_id: row.try_get("org_id")?,
        roles: row.try_get("roles")?,
        is_operator: row.try_get("is_operator")?,
        password_hash: row.try_get("password_hash")?,
        totp_secret_sealed: row.try_get("totp_secret_sealed")?,
        disabled: row.try_get("disabled")?,
        failed_sign_ins: row.try_get("failed_sign_ins")?,
        locked_until: row.try_get("locked_until")?,
        created_at: row.try_get("created_at")?,
        password_changed_at: row.try_get("password_changed_at")?,
    })
}

fn session_row(row: &PgRow) -> Result<SessionRow, sqlx::Error> {
    Ok(SessionRow {
        token_hash: row.try_get("token_hash")?,
        user_id: row.try_get("user_id")?,
        created_at: row.try_get("created_at")?,
        last_seen_at: row.try_get("last_seen_at")?,
        second_factor_done: row.try_get("second_factor_done")?,
    })
}

fn token_row(row: &PgRow) -> Result<ApiTokenRow, sqlx::Error> {
    Ok(ApiTokenRow {
        id: row.try_get("id")?,
        user_id: row.try_get("user_id")?,
        name: row.try_get("name")?,
        created_at: row.try_get("created_at")?,
        last_used_at: row.try_get("last_used_at")?,
        revoked_at: row.try_get("revoked_at")?,
    })
}

fn audit_row(row: &PgRow) -> Result<AuditRow, sqlx::Error> {
    Ok(AuditRow {
        seq: row.try_get("seq")?,
        at: row.try_get("at")?,
        actor: row.try_get("actor")?,
        org_id: row.try_get("org_id")?,
        action: row.try_get("action")?,
        object_kind: row.try_get("object_kind")?,
        object_id: row.try_get("object_id")?,
        purpose: row.try_get("purpose")?,
        previous_hash: row.try_get("previous_hash")?,
        hash: row.try_get("hash")?,
    })
}

fn users(rows: &[PgRow]) -> StoreResult<Vec<UserAccount>> {
    rows.iter()
        .map(|row| user_row(row).map_err(db_error)?.into_account())
        .collect()
}

fn maybe_user(row: Option<PgRow>) -> StoreResult<Option<UserAccount>> {
    row.map(|row| user_row(&row).map_err(db_error)?.into_account())
        .transpose()
}

/// Appends one audit entry inside the caller's transaction. The chain head
/// row is locked here (`FOR UPDATE`) until the transaction ends, so
/// concurrent appends queue and each reads the hash the previous one wrote.
async fn append(
    conn: &mut PgConnection,
    audit: &AuditContext,
    event: &AuditEvent,
) -> StoreResult<AuditEntry> {
    let row = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE")
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

fn event(action: AuditAction, object_kind: ObjectKind, object_id: impl ToString) -> AuditEvent {
    AuditEvent {
        action,
        object_kind,
        object_id: object_id.to_string(),
    }
}

#[async_trait]
impl Store for PostgresStore {
    fn backend(&self) -> Backend {
        Backend::Postgres
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
        append(
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
            .map(|row| org_row(row).map_err(db_error)?.into_organisation())
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
        row.map(|row| org_row(&row).map_err(db_error)?.into_organisation())
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
        append(
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
        maybe_user(row)
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
        maybe_user(row)
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
        users(&rows)
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
        users(&rows)
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
        maybe_user(row)
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
        if done.rows_affected() != 1 {
            return Err(StoreError::NotFound);
        }
        append(
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
        if done.rows_affected() != 1 {
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
        append(&mut tx, audit, &event(action, ObjectKind::User, id)).await?;
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
        if done.rows_affected() != 1 {
            return Err(StoreError::NotFound);
        }
        sqlx::query(
            "DELETE FROM sessions WHERE user_id = $1 AND token_hash IS DISTINCT FROM $2::TEXT",
        )
        .bind(id.to_string())
        .bind(keep_session)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        append(&mut tx, audit, &event(action, ObjectKind::User, id)).await?;
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
             locked_until = COALESCE($1::BIGINT, locked_until) WHERE id = $2 RETURNING failed_sign_ins",
        )
        .bind(locked_until.map(Timestamp::as_millis))
        .bind(id.to_string())
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_error)?;
        let failures = failures.ok_or(StoreError::NotFound)?;
        append(
            &mut tx,
            audit,
            &event(AuditAction::SignInFailed, ObjectKind::User, id),
        )
        .await?;
        if locked_until.is_some() {
            append(
                &mut tx,
                audit,
                &event(AuditAction::AccountLocked, ObjectKind::User, id),
            )
            .await?;
        }
        tx.commit().await.map_err(db_error)?;
        backend::count("users", failures)
    }

    async fn record_sign_in_success(&self, audit: &AuditContext, id: UserId) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let done =
            sqlx::query("UPDATE users SET failed_sign_ins = 0, locked_until = NULL WHERE id = $1")
                .bind(id.to_string())
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
        if done.rows_affected() != 1 {
            return Err(StoreError::NotFound);
        }
        append(
            &mut tx,
            audit,
            &event(AuditAction::SignedIn, ObjectKind::User, id),
        )
        .await?;
        tx.commit().await.map_err(db_error)
    }

    async fn set_second_factor(
        &self,
        audit: &AuditContext,
        id: UserId,
        totp_secret_sealed: Option<&str>,
        recovery_code_hashes: &[String],
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("UPDATE users SET totp_secret_sealed = $1 WHERE id = $2")
            .bind(totp_secret_sealed)
            .bind(id.to_string())
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        if done.rows_affected() != 1 {
            return Err(StoreError::NotFound);
        }
        sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
            .bind(id.to_string())
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        if totp_secret_sealed.is_some() {
            for code_hash in recovery_code_hashes {
                sqlx::query(
                    "INSERT INTO recovery_codes (user_id, code_hash, used_at) VALUES ($1, $2, NULL) \
                     ON CONFLICT (user_id, code_hash) DO NOTHING",
                )
                .bind(id.to_string())
                .bind(code_hash)
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
            }
        }
        let action = if totp_secret_sealed.is_some() {
            AuditAction::SecondFactorEnrolled
        } else {
            AuditAction::SecondFactorRemoved
        };
        append(&mut tx, audit, &event(action, ObjectKind::User, id)).await?;
        tx.commit().await.map_err(db_error)
    }

    async fn consume_recovery_code(
        &self,
        audit: &AuditContext,
        id: UserId,
        code_hash: &str,
    ) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE recovery_codes SET used_at = $1 \
             WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
        )
        .bind(audit.at.as_millis())
        .bind(id.to_string())
        .bind(code_hash)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        if done.rows_affected() != 1 {
            return Ok(false);
        }
        append(
            &mut tx,
            audit,
            &event(AuditAction::RecoveryCodeUsed, ObjectKind::User, id),
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        Ok(true)
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

    async fn create_session(&self, session: &SessionRecord) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, second_factor_done) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&session.token_hash)
        .bind(session.user.to_string())
        .bind(session.created_at.as_millis())
        .bind(session.last_seen_at.as_millis())
        .bind(session.second_factor_done)
        .execute(&self.pool)
        .await
        .map(|_| ())
        .map_err(db_error)
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
        row.map(|row| session_row(&row).map_err(db_error)?.into_session())
            .transpose()
    }

    async fn touch_session(&self, token_hash: &str, at: Timestamp) -> StoreResult<()> {
        let done = sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
            .bind(at.as_millis())
            .bind(token_hash)
            .execute(&self.pool)
            .await
            .map_err(db_error)?;
        if done.rows_affected() != 1 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn complete_second_factor(&self, token_hash: &str, at: Timestamp) -> StoreResult<()> {
        let done = sqlx::query(
            "UPDATE sessions SET second_factor_done = TRUE, last_seen_at = $1 WHERE token_hash = $2",
        )
        .bind(at.as_millis())
        .bind(token_hash)
        .execute(&self.pool)
        .await
        .map_err(db_error)?;
        if done.rows_affected() != 1 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(db_error)
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
            .map(|done| done.rows_affected())
            .map_err(db_error)
    }

    async fn create_api_token(
        &self,
        audit: &AuditContext,
        user: UserId,
        name: &str,
        token_hash: &str,
    ) -> StoreResult<ApiToken> {
        let token = ApiToken {
            id: ApiTokenId::random(),
            user,
            name: name.to_owned(),
            created_at: audit.at,
            last_used_at: None,
            revoked_at: None,
        };
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO api_tokens (id, user_id, name, token_hash, created_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token.id.to_string())
        .bind(user.to_string())
        .bind(name)
        .bind(token_hash)
        .bind(token.created_at.as_millis())
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        append(
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
            "SELECT id, user_id, name, created_at, last_used_at, revoked_at \
             FROM api_tokens WHERE user_id = $1 ORDER BY created_at, id",
        )
        .bind(user.to_string())
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        rows.iter()
            .map(|row| token_row(row).map_err(db_error)?.into_token())
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
        if done.rows_affected() != 1 {
            return Err(StoreError::NotFound);
        }
        append(
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
            "UPDATE api_tokens SET last_used_at = $1 \
             WHERE token_hash = $2 AND revoked_at IS NULL \
             AND user_id IN (SELECT id FROM users WHERE disabled = FALSE) \
             RETURNING id, user_id, name, created_at, last_used_at, revoked_at",
        )
        .bind(at.as_millis())
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_error)?;
        row.map(|row| token_row(&row).map_err(db_error)?.into_token())
            .transpose()
    }

    async fn append_audit(&self, audit: &AuditContext, event: &AuditEvent) -> StoreResult<()> {
        self.append_alone(audit, event).await
    }

    async fn audit_entries(
        &self,
        scope: &OrgScope,
        limit: u32,
        before_seq: Option<i64>,
    ) -> StoreResult<Vec<AuditEntry>> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            audit_columns!(),
            " FROM audit_log WHERE org_id = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3"
        ))
        .bind(scope.org().to_string())
        .bind(before_seq.unwrap_or(i64::MAX))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        rows.iter()
            .map(|row| audit_row(row).map_err(db_error)?.into_entry())
            .collect()
    }

    async fn verify_audit_chain(&self) -> StoreResult<AuditVerification> {
        // One repeatable-read transaction: a consistent snapshot of log and head even
        // while appends go on.
        let mut tx = self
            .pool
            .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            .await
            .map_err(db_error)?;
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
                verifier.check(&audit_row(row).map_err(db_error)?);
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

    async fn create_request(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        new: &NewRequest,
    ) -> StoreResult<TracingRequest> {
        rfl::create_request(&self.pool, audit, scope, new).await
    }

    async fn request(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        id: RequestId,
    ) -> StoreResult<Option<TracingRequest>> {
        rfl::request(&self.pool, audit, scope, id).await
    }

    async fn list_requests(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        filter: &RequestFilter,
    ) -> StoreResult<(Vec<RequestSummary>, u64)> {
        rfl::list_requests(&self.pool, audit, scope, filter).await
    }

    async fn update_circumstances(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        id: RequestId,
        expected_version: i64,
        circumstances: &Circumstances,
    ) -> StoreResult<TracingRequest> {
        rfl::update_circumstances(
            &self.pool,
            audit,
            scope,
            id,
            expected_version,
            circumstances,
        )
        .await
    }

    async fn set_request_status(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        id: RequestId,
        expected_version: i64,
        status: RequestStatus,
        note: Option<&Text>,
    ) -> StoreResult<TracingRequest> {
        rfl::set_request_status(&self.pool, audit, scope, id, expected_version, status, note).await
    }

    async fn status_history(
        &self,
        scope: &OrgScope,
        id: RequestId,
    ) -> StoreResult<Vec<StatusChange>> {
        rfl::status_history(&self.pool, scope, id).await
    }

    async fn add_sought_person(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        request: RequestId,
        relationship: Relationship,
        details: &PersonDetails,
    ) -> StoreResult<StoredPerson> {
        rfl::add_sought_person(&self.pool, audit, scope, request, relationship, details).await
    }

    async fn create_registration(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        kind: RegistrationKind,
        details: &PersonDetails,
    ) -> StoreResult<StoredPerson> {
        rfl::create_registration(&self.pool, audit, scope, kind, details).await
    }

    async fn person(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        id: PersonId,
    ) -> StoreResult<Option<StoredPerson>> {
        rfl::person_viewed(&self.pool, audit, scope, id).await
    }

    async fn update_person(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        id: PersonId,
        expected_version: i64,
        details: &PersonDetails,
    ) -> StoreResult<StoredPerson> {
        rfl::update_person(&self.pool, audit, scope, id, expected_version, details).await
    }

    async fn registrations(&self, scope: &OrgScope, limit: u32) -> StoreResult<Vec<StoredPerson>> {
        rfl::registrations(&self.pool, scope, limit).await
    }

    async fn consents(
        &self,
        scope: &OrgScope,
        person: PersonId,
    ) -> StoreResult<Vec<ConsentRecord>> {
        rfl::consents(&self.pool, scope, person).await
    }

    async fn record_consent(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        person: PersonId,
        consent: &NewConsent,
    ) -> StoreResult<ConsentRecord> {
        rfl::record_consent(&self.pool, audit, scope, person, consent).await
    }

    async fn withdraw_consent(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        id: ConsentId,
    ) -> StoreResult<ConsentRecord> {
        rfl::withdraw_consent(&self.pool, audit, scope, id).await
    }

    async fn matchable_persons(
        &self,
        after: Option<PersonId>,
        limit: u32,
    ) -> StoreResult<Vec<MatchablePerson>> {
        rfl::matchable_persons(&self.pool, after, limit).await
    }

    async fn matchable_person(&self, id: PersonId) -> StoreResult<Option<MatchablePerson>> {
        rfl::matchable_person(&self.pool, id).await
    }

    async fn record_candidates(
        &self,
        audit: &AuditContext,
        sought: PersonId,
        found: &[NewCandidate],
    ) -> StoreResult<()> {
        rfl::record_candidates(&self.pool, audit, sought, found).await
    }

    async fn record_candidate_lists(
        &self,
        audit: &AuditContext,
        lists: &[(PersonId, Vec<NewCandidate>)],
    ) -> StoreResult<()> {
        rfl::record_candidate_lists(&self.pool, audit, lists).await
    }

    async fn remove_candidates_of(
        &self,
        audit: &AuditContext,
        person: PersonId,
    ) -> StoreResult<u64> {
        rfl::remove_candidates_of(&self.pool, audit, person).await
    }

    async fn candidates_for(
        &self,
        scope: &OrgScope,
        person: PersonId,
    ) -> StoreResult<Vec<CandidateView>> {
        rfl::candidates_for(&self.pool, scope, person).await
    }

    async fn candidate(
        &self,
        scope: &OrgScope,
        id: CandidateId,
    ) -> StoreResult<Option<CandidateView>> {
        rfl::candidate_in(&self.pool, scope, id).await
    }

    async fn review_candidate(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        id: CandidateId,
        status: CandidateStatus,
        reason: Option<&Text>,
    ) -> StoreResult<CandidateView> {
        rfl::review_candidate(&self.pool, audit, scope, id, status, reason).await
    }

    async fn approve_release(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        id: CandidateId,
    ) -> StoreResult<(CandidateView, ReleaseOutcome)> {
        rfl::approve_release(&self.pool, audit, scope, id).await
    }

    async fn released_person(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        id: CandidateId,
    ) -> StoreResult<Option<StoredPerson>> {
        rfl::released_person(&self.pool, audit, scope, id).await
    }

    async fn create_message(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        candidate: CandidateId,
        direction: MessageDirection,
        body: &Text,
    ) -> StoreResult<FamilyMessage> {
        rfl::create_message(&self.pool, audit, scope, candidate, direction, body).await
    }

    async fn advance_message(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        id: MessageId,
        status: MessageStatus,
    ) -> StoreResult<FamilyMessage> {
        rfl::advance_message(&self.pool, audit, scope, id, status).await
    }

    async fn messages(
        &self,
        scope: &OrgScope,
        candidate: CandidateId,
    ) -> StoreResult<Vec<FamilyMessage>> {
        rfl::messages(&self.pool, scope, candidate).await
    }

    // ----- Transfers (begin) --------------------------------------------

    async fn transfer_request(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        request: RequestId,
        to_org: OrgId,
        share: &TransferShare,
    ) -> StoreResult<Transfer> {
        transfers::transfer_request(&self.pool, audit, scope, request, to_org, share).await
    }

    async fn transfers_of_request(
        &self,
        scope: &OrgScope,
        request: RequestId,
    ) -> StoreResult<Vec<Transfer>> {
        transfers::transfers_of_request(&self.pool, scope, request).await
    }

    async fn incoming_transfers(&self, scope: &OrgScope) -> StoreResult<Vec<IncomingTransfer>> {
        transfers::incoming_transfers(&self.pool, scope).await
    }

    async fn transfer(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        id: TransferId,
    ) -> StoreResult<Option<TransferView>> {
        transfers::transfer_view(&self.pool, audit, scope, id).await
    }

    async fn decide_transfer(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        id: TransferId,
        accept: bool,
        reason: Option<&Text>,
    ) -> StoreResult<IncomingTransfer> {
        transfers::decide_transfer(&self.pool, audit, scope, id, accept, reason).await
    }

    async fn revoke_transfer(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        id: TransferId,
    ) -> StoreResult<Transfer> {
        transfers::revoke_transfer(&self.pool, audit, scope, id).await
    }

    // ----- Transfers (end) ----------------------------------------------
    // Trace the Face

    async fn create_gallery_entry(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        new: &NewGalleryEntry,
    ) -> StoreResult<GalleryEntry> {
        gallery::create_entry(&self.pool, audit, scope, new).await
    }

    async fn approve_gallery_entry(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        id: GalleryEntryId,
    ) -> StoreResult<GalleryEntry> {
        gallery::approve_entry(&self.pool, audit, scope, id).await
    }

    async fn gallery_entry(
        &self,
        scope: &OrgScope,
        id: GalleryEntryId,
    ) -> StoreResult<Option<GalleryEntry>> {
        gallery::entry_in(&self.pool, scope, id).await
    }

    async fn gallery_entries(&self, scope: &OrgScope) -> StoreResult<Vec<GalleryEntry>> {
        gallery::entries_in(&self.pool, scope).await
    }

    async fn gallery_entry_for_request(
        &self,
        scope: &OrgScope,
        request: RequestId,
    ) -> StoreResult<Option<GalleryEntry>> {
        gallery::entry_for_request(&self.pool, scope, request).await
    }

    async fn published_entries(&self) -> StoreResult<Vec<PublicEntry>> {
        gallery::published_entries(&self.pool).await
    }

    async fn published_entry(
        &self,
        reference: &GalleryReference,
    ) -> StoreResult<Option<PublicEntry>> {
        gallery::published_entry(&self.pool, reference).await
    }

    async fn published_media(&self, token: &str) -> StoreResult<bool> {
        gallery::published_media(&self.pool, token).await
    }

    async fn scoped_media(&self, scope: &OrgScope, token: &str) -> StoreResult<bool> {
        gallery::scoped_media(&self.pool, scope, token).await
    }

    async fn all_media_tokens(&self) -> StoreResult<Vec<String>> {
        gallery::all_media_tokens(&self.pool).await
    }

    async fn take_down_gallery(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        target: TakedownTarget,
    ) -> StoreResult<TakenDown> {
        gallery::take_down(&self.pool, audit, scope, target).await
    }

    async fn create_report(
        &self,
        audit: &AuditContext,
        reference: &GalleryReference,
        report: &NewReport,
    ) -> StoreResult<ReportId> {
        gallery::create_report(&self.pool, audit, reference, report).await
    }

    async fn reports(
        &self,
        scope: &OrgScope,
        status: Option<ReportStatus>,
        limit: u32,
    ) -> StoreResult<Vec<InformationReport>> {
        gallery::reports(&self.pool, scope, status, limit).await
    }

    async fn report(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        id: ReportId,
    ) -> StoreResult<Option<InformationReport>> {
        gallery::report_viewed(&self.pool, audit, scope, id).await
    }

    async fn set_report_status(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        id: ReportId,
        status: ReportStatus,
    ) -> StoreResult<InformationReport> {
        gallery::set_report_status(&self.pool, audit, scope, id, status).await
    }
}
