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
use retrace_store_sqlite::{SqliteStore, remove_for_tests};

struct Sqlite {
    store: SqliteStore,
    url: String,
}

#[async_trait]
impl Harness for Sqlite {
    type Store = SqliteStore;

    async fn fresh() -> Option<Self> {
        let store = retrace_store_sqlite::open_fresh_for_tests().await.unwrap();
        let url = format!("sqlite://{}", store.dialect().path().unwrap().display());
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
        let store = retrace_store_sqlite::open(&self.url).await?;
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

    async fn fail_audit_appends_of(&self, action: &str) -> StoreResult<()> {
        let action = action.replace('\'', "''");
        self.store
            .execute_raw_for_tests(&format!(
                "CREATE TRIGGER fail_audit_append BEFORE INSERT ON audit_log \
             WHEN NEW.action = '{action}' \
             BEGIN SELECT RAISE(ABORT, 'injected failure'); END"
            ))
            .await
            .map(|_| ())
    }

    async fn empty_search_indexes(&self) -> StoreResult<()> {
        self.raw("DELETE FROM directory_words; DELETE FROM library_index")
            .await
    }

    async fn unfilled_open_weeks(&self, forget: bool) -> StoreResult<i64> {
        if forget {
            self.raw(
                "UPDATE directory_entries SET open_week = ''; DELETE FROM directory_open_hours",
            )
            .await?;
        }
        // An update that changes nothing counts the rows it matches.
        let matched = self
            .store
            .execute_raw_for_tests(
                "UPDATE directory_entries SET open_week = open_week WHERE open_week = ''",
            )
            .await?;
        Ok(i64::try_from(matched).unwrap())
    }

    async fn dump(&self) -> Vec<u8> {
        let path = self.store.dialect().path().unwrap();
        let mut bytes = Vec::new();
        for suffix in ["", "-wal", "-shm"] {
            let mut file = path.as_os_str().to_owned();
            file.push(suffix);
            if let Ok(read) = std::fs::read(std::path::PathBuf::from(file)) {
                bytes.extend(read);
            }
        }
        bytes
    }

    async fn reencrypt_batch(&self, batch: i64) -> StoreResult<u64> {
        self.store.reencrypt_batch(batch).await
    }

    async fn values_not_under_current_key(&self) -> StoreResult<u64> {
        self.store.values_not_under_current_key().await
    }

    async fn set_reference_counter(
        &self,
        country: retrace_domain::CountryCode,
        year: u16,
        last_number: i64,
    ) -> StoreResult<()> {
        self.store
            .set_reference_counter_for_tests(country, year, last_number)
            .await
    }

    async fn cleanup(self) {
        remove_for_tests(self.store).await;
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

// Behaviours of opening a SQLite database, beyond the shared suite.

#[tokio::test]
async fn open_creates_missing_parent_directories() {
    let dir = std::env::temp_dir().join(format!("retrace-test-dir-{}", uuid_like()));
    let path = dir.join("nested").join("retrace.db");
    let store = retrace_store_sqlite::open(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    store.migrate().await.unwrap();
    assert!(path.exists());
    store.close().await;
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn unopenable_database_is_unavailable() {
    // A directory cannot be created under a regular file.
    let file = std::env::temp_dir().join(format!("retrace-test-file-{}", uuid_like()));
    std::fs::write(&file, b"not a directory").unwrap();
    let url = format!("sqlite://{}/sub/retrace.db", file.display());
    let err = retrace_store_sqlite::open(&url).await.unwrap_err();
    assert!(
        matches!(err, retrace_store::StoreError::Unavailable(_)),
        "{err:?}"
    );
    std::fs::remove_file(&file).unwrap();
    let err = retrace_store_sqlite::open("mysql://nope")
        .await
        .unwrap_err();
    assert!(
        matches!(err, retrace_store::StoreError::Unavailable(_)),
        "{err:?}"
    );
}

#[tokio::test]
async fn in_memory_database_keeps_data_across_queries() {
    use retrace_store::Store;
    let store = retrace_store_sqlite::open("sqlite::memory:").await.unwrap();
    store.migrate().await.unwrap();
    assert_eq!(store.dialect().path(), None);
    let org = store
        .create_organisation(
            &retrace_store::AuditContext::system(retrace_domain::Timestamp::from_millis(1), "t"),
            &retrace_store::NewOrganisation {
                name: retrace_domain::OrgName::parse("Memory").unwrap(),
                kind: retrace_domain::OrgKind::Ngo,
                country: retrace_domain::CountryCode::parse("CH").unwrap(),
            },
        )
        .await
        .unwrap();
    assert_eq!(store.organisation(org.id).await.unwrap(), Some(org));
}

fn uuid_like() -> String {
    format!(
        "{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    )
}
