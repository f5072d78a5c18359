//! The shared conformance suite, run on a fresh PostgreSQL database per
//! test. Needs `RETRACE_TEST_POSTGRES_URL` (see `scripts/test-postgres`);
//! without it the tests pass after printing a notice, unless `CI` or
//! `RETRACE_REQUIRE_POSTGRES` is set, where they fail.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test harness: a failure to set up is a failed test"
)]

use async_trait::async_trait;
use retrace_store::StoreResult;
use retrace_store::conformance::Harness;
use retrace_store_postgres::PostgresStore;
use retrace_store_postgres::test_support::remove_for_tests;
use std::io::Write;

struct Postgres {
    store: PostgresStore,
    url: String,
}

fn must_run() -> bool {
    ["CI", "RETRACE_REQUIRE_POSTGRES"]
        .iter()
        .any(|name| std::env::var_os(name).is_some_and(|value| !value.is_empty()))
}

#[async_trait]
impl Harness for Postgres {
    type Store = PostgresStore;

    async fn fresh() -> Option<Self> {
        match retrace_store_postgres::test_support::open_fresh_for_tests_from_env().await {
            Ok(Some(store)) => {
                let url = store.dialect().url_for_tests().unwrap().to_owned();
                Some(Self { store, url })
            }
            Ok(None) if must_run() => panic!(
                "RETRACE_TEST_POSTGRES_URL is unset but CI or RETRACE_REQUIRE_POSTGRES is set: \
                 run eval \"$(scripts/test-postgres)\" first"
            ),
            Ok(None) => {
                // Written to the real stderr, past the test harness's
                // capture, and once for the whole binary.
                static NOTICE: std::sync::Once = std::sync::Once::new();
                NOTICE.call_once(|| {
                    let _ = writeln!(
                        std::io::stderr(),
                        "SKIPPED: PostgreSQL conformance tests not run: RETRACE_TEST_POSTGRES_URL \
                         is unset (run eval \"$(scripts/test-postgres)\" first)"
                    );
                });
                None
            }
            Err(error) => panic!("cannot create a PostgreSQL test database: {error}"),
        }
    }

    fn store(&self) -> &PostgresStore {
        &self.store
    }

    async fn migrate(&self) -> StoreResult<()> {
        self.store.migrate().await
    }

    async fn reopen(&self) -> StoreResult<PostgresStore> {
        self.store.close().await;
        let store = retrace_store_postgres::open(&self.url).await?;
        store.migrate().await?;
        Ok(store)
    }

    async fn tamper_audit_purpose(&self, seq: i64, purpose: &str) -> StoreResult<()> {
        let purpose = purpose.replace('\'', "''");
        self.raw(&format!(
            "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change; \
             UPDATE audit_log SET purpose = '{purpose}' WHERE seq = {seq}"
        ))
        .await
    }

    async fn tamper_audit_hash(&self, seq: i64, hash: &str) -> StoreResult<()> {
        let hash = hash.replace('\'', "''");
        self.raw(&format!(
            "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change; \
             UPDATE audit_log SET hash = '{hash}' WHERE seq = {seq}"
        ))
        .await
    }

    async fn delete_audit_entry(&self, seq: i64) -> StoreResult<()> {
        self.raw(&format!(
            "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change; \
             DELETE FROM audit_log WHERE seq = {seq}"
        ))
        .await
    }

    async fn record_unknown_migration(&self, version: i64) -> StoreResult<()> {
        self.raw(&format!(
            "INSERT INTO _sqlx_migrations \
             (version, description, success, checksum, execution_time) \
             VALUES ({version}, 'from the future', TRUE, '\\x00'::bytea, 0)"
        ))
        .await
    }

    async fn fail_audit_appends_of(&self, action: &str) -> StoreResult<()> {
        let action = action.replace('\'', "''");
        self.store
            .execute_raw_for_tests(&format!(
                "CREATE FUNCTION fail_audit_append() RETURNS trigger LANGUAGE plpgsql AS \
             $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$; \
             CREATE TRIGGER fail_audit_append BEFORE INSERT ON audit_log FOR EACH ROW \
             WHEN (NEW.action = '{action}') EXECUTE FUNCTION fail_audit_append()"
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
        let output = std::process::Command::new(pg_dump())
            .arg("--no-owner")
            .arg("--dbname")
            .arg(&self.url)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "pg_dump failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        output.stdout
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

/// `pg_dump` of the newest PostgreSQL installed (the cluster's bindir, as
/// `scripts/test-postgres` picks it), or the one on the `PATH`.
fn pg_dump() -> std::path::PathBuf {
    let mut found: Vec<(u32, std::path::PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|dir| {
            let version = dir.file_name().to_str()?.parse().ok()?;
            let tool = dir.path().join("bin/pg_dump");
            tool.is_file().then_some((version, tool))
        })
        .collect();
    found.sort();
    found
        .pop()
        .map_or_else(|| "pg_dump".into(), |(_, tool)| tool)
}

impl Postgres {
    async fn raw(&self, sql: &str) -> StoreResult<()> {
        let affected = self.store.execute_raw_for_tests(sql).await?;
        assert!(affected > 0, "tampering changed nothing: {sql}");
        Ok(())
    }
}

retrace_store::conformance_tests!(Postgres);

// Behaviours of connecting, beyond the shared suite: these need no server.

#[tokio::test]
async fn unreachable_server_is_unavailable_without_echoing_the_url() {
    let started = std::time::Instant::now();
    let err = retrace_store_postgres::open("postgres://retrace:s3cret-pw@127.0.0.1:1/retrace")
        .await
        .unwrap_err();
    assert!(
        matches!(err, retrace_store::StoreError::Unavailable(_)),
        "{err:?}"
    );
    assert!(!err.to_string().contains("s3cret-pw"), "{err}");
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
    let err = retrace_store_postgres::open("not a url").await.unwrap_err();
    assert!(
        matches!(err, retrace_store::StoreError::Unavailable(_)),
        "{err:?}"
    );
}
