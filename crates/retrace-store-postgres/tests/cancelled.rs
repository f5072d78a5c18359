//! A write whose caller is dropped while its `BEGIN` is in flight (a web
//! request whose client hung up) must not leave a transaction open on a
//! pooled connection for the next caller to run inside. Found by the load
//! test (bench/load.sh): "there is already a transaction in progress" in
//! the server's log after wrk closed its connections. Needs
//! `RETRACE_TEST_POSTGRES_URL`, like the conformance suite.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test harness: a failure to set up is a failed test"
)]

use retrace_domain::{CountryCode, OrgKind, OrgName, Timestamp};
use retrace_store::{AuditContext, NewOrganisation, Store};
use sqlx::Connection;
use sqlx::postgres::PgConnection;
use std::time::Duration;

fn new_org(name: &str) -> NewOrganisation {
    NewOrganisation {
        name: OrgName::parse(name).unwrap(),
        kind: OrgKind::NationalSociety,
        country: CountryCode::parse("BE").unwrap(),
    }
}

/// Connections of the test database left inside a transaction while idle.
async fn idle_in_transaction(check: &mut PgConnection) -> i64 {
    sqlx::query_scalar(
        "SELECT count(*) FROM pg_stat_activity \
         WHERE datname = current_database() AND state LIKE 'idle in transaction%'",
    )
    .fetch_one(check)
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_dropped_during_begin_leaves_no_transaction_open() {
    let store = match retrace_store_postgres::test_support::open_fresh_for_tests_from_env().await {
        Ok(Some(store)) => store,
        Ok(None) if std::env::var_os("RETRACE_REQUIRE_POSTGRES").is_some() => {
            panic!("RETRACE_TEST_POSTGRES_URL is unset: run eval \"$(scripts/test-postgres)\"")
        }
        Ok(None) => {
            eprintln!("SKIPPED: RETRACE_TEST_POSTGRES_URL is unset");
            return;
        }
        Err(error) => panic!("cannot create a PostgreSQL test database: {error}"),
    };
    let url = store.dialect().url_for_tests().unwrap().to_owned();
    let mut check = PgConnection::connect(&url).await.unwrap();
    let audit = AuditContext::system(Timestamp::from_millis(1_000), "cancel test");
    // Idle connections in the pool, so that a write's first poll takes
    // one at once and sends its BEGIN.
    for n in 0..3 {
        store
            .create_organisation(&audit, &new_org(&format!("Warm {n}")))
            .await
            .unwrap();
    }

    // Writes cut off after 20 µs to 2 ms, as a client hanging up cuts off
    // its request: some of them while their BEGIN is in flight. After
    // each, no connection may stay inside a transaction (the next write to
    // borrow it would run in it).
    let mut dropped = 0;
    let mut left_open = 0;
    for n in 0..100u64 {
        let org = new_org(&format!("Gone {n}"));
        let write = store.create_organisation(&audit, &org);
        if tokio::time::timeout(Duration::from_micros(20 * (n + 1)), write)
            .await
            .is_ok()
        {
            continue;
        }
        dropped += 1;
        // A dropped write's rollback is sent by a task of the pool: give
        // it up to 2 s on a loaded machine. A transaction nobody will end
        // stays open however long one waits.
        let mut settled = false;
        for _ in 0..100 {
            if idle_in_transaction(&mut check).await == 0 {
                settled = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        if !settled {
            left_open += 1;
            break;
        }
    }
    eprintln!("dropped {dropped}, left open {left_open}");
    assert!(dropped > 0, "every write finished before its time was up");
    assert_eq!(
        left_open, 0,
        "a connection stayed idle inside a transaction after its caller was dropped"
    );

    // And the pool still serves writes that commit.
    let kept = store
        .create_organisation(&audit, &new_org("Kept"))
        .await
        .unwrap();
    let listed = store.organisations().await.unwrap();
    assert!(listed.iter().any(|org| org.id == kept.id));
}
