//! The shared conformance suite, run on a fresh SQLite file per test.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test harness: a failure to set up is a failed test"
)]

use async_trait::async_trait;
use retrace_store::StoreResult;
use retrace_store::conformance::Harness;
use retrace_store_sqlite::SqliteStore;

struct Sqlite {
    store: SqliteStore,
    url: String,
}

#[async_trait]
impl Harness for Sqlite {
    type Store = SqliteStore;

    async fn fresh() -> Option<Self> {
        let store = SqliteStore::open_fresh_for_tests().await.unwrap();
        let url = format!("sqlite://{}", store.path().unwrap().display());
        Some(Self { store, url })
    }

    fn store(&self) -> &SqliteStore {
        &self.store
    }

    async fn migrate(&self) -> StoreResult<()> {
        self.store.migrate().await
    }

    async fn reopen(&self) -> StoreResult<SqliteStore> {
        self.store.close().await;
        let store = SqliteStore::open(&self.url).await?;
        store.migrate().await?;
        Ok(store)
    }

    async fn tamper_audit_purpose(&self, seq: i64, purpose: &str) -> StoreResult<()> {
        let purpose = purpose.replace('\'', "''");
        self.raw(&format!(
            "DROP TRIGGER IF EXISTS audit_log_no_update; \
             UPDATE audit_log SET purpose = '{purpose}' WHERE seq = {seq}"
        ))
        .await
    }

    async fn tamper_audit_hash(&self, seq: i64, hash: &str) -> StoreResult<()> {
        let hash = hash.replace('\'', "''");
        self.raw(&format!(
            "DROP TRIGGER IF EXISTS audit_log_no_update; \
             UPDATE audit_log SET hash = '{hash}' WHERE seq = {seq}"
        ))
        .await
    }

    async fn delete_audit_entry(&self, seq: i64) -> StoreResult<()> {
        self.raw(&format!(
            "DROP TRIGGER IF EXISTS audit_log_no_delete; DELETE FROM audit_log WHERE seq = {seq}"
        ))
        .await
    }

    async fn record_unknown_migration(&self, version: i64) -> StoreResult<()> {
        self.raw(&format!(
            "INSERT INTO _sqlx_migrations \
             (version, description, success, checksum, execution_time) \
             VALUES ({version}, 'from the future', 1, X'00', 0)"
        ))
        .await
    }

    async fn cleanup(self) {
        self.store.remove_for_tests().await;
    }
}

impl Sqlite {
    async fn raw(&self, sql: &str) -> StoreResult<()> {
        let affected = self.store.execute_raw_for_tests(sql).await?;
        assert!(affected > 0, "tampering changed nothing: {sql}");
        Ok(())
    }
}

retrace_store::conformance_tests!(Sqlite);
