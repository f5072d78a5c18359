//! Settings, migrations, demo data and the administrative commands, run
//! as a separate process against a SQLite file.

use crate::{retrace, text};
use std::process::Command;

#[test]
fn demo_loads_once_and_the_audit_chain_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let first = retrace(dir.path(), &["demo"]);
    assert!(first.status.success(), "{}", text(&first));
    let out = text(&first);
    assert!(
        out.contains("Loaded demo data: 8 organisations, 41 accounts"),
        "{out}"
    );
    assert!(out.contains("org-admin@redcross-be.example"), "{out}");
    assert!(out.contains("Demo-Tracing-2026"), "{out}");
    // The default database lives under ./data, readable by the owner only.
    let db = dir.path().join("data/retrace.db");
    assert!(db.is_file());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&db).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "database file mode {mode:o}");
    }

    let again = retrace(dir.path(), &["demo"]);
    assert!(!again.status.success());
    assert!(
        text(&again).contains("only into an empty database"),
        "{}",
        text(&again)
    );

    let verify = retrace(dir.path(), &["admin", "verify-audit"]);
    assert!(verify.status.success(), "{}", text(&verify));
    assert!(
        text(&verify).contains("audit chain intact"),
        "{}",
        text(&verify)
    );
}

#[tokio::test]
async fn verify_audit_names_the_first_tampered_entry() {
    let dir = tempfile::tempdir().unwrap();
    assert!(retrace(dir.path(), &["demo"]).status.success());
    let url = format!("sqlite://{}", dir.path().join("data/retrace.db").display());
    let _keys = crate::FIELD_KEYS.read().await;
    let store = crate::open_store(&url).await;
    // Someone with write access to the file: the append-only trigger is
    // dropped first, as an attacker would.
    for sql in [
        "DROP TRIGGER audit_log_no_update",
        "UPDATE audit_log SET purpose = 'nothing to see' WHERE seq = 7",
    ] {
        store.execute_raw_for_tests(sql).await.unwrap();
    }
    store.close().await;

    let verify = retrace(dir.path(), &["admin", "verify-audit"]);
    assert_eq!(verify.status.code(), Some(2), "{}", text(&verify));
    assert!(
        text(&verify).contains("BROKEN at entry 7"),
        "{}",
        text(&verify)
    );
}

#[test]
fn admin_commands_create_and_reset_accounts() {
    let dir = tempfile::tempdir().unwrap();
    let org = retrace(
        dir.path(),
        &[
            "admin",
            "create-org",
            "--name",
            "Lebanese Red Cross",
            "--kind",
            "national_society",
            "--country",
            "LB",
        ],
    );
    assert!(org.status.success(), "{}", text(&org));
    let user = retrace(
        dir.path(),
        &[
            "admin",
            "create-user",
            "--email",
            "Rania@LRC.example",
            "--name",
            "Rania Haddad",
            "--org",
            "lebanese red cross",
            "--roles",
            "org_admin,caseworker",
        ],
    );
    assert!(user.status.success(), "{}", text(&user));
    let first_password = text(&user)
        .lines()
        .find_map(|line| line.split("shown once, hand it over securely): ").nth(1))
        .map(str::to_owned)
        .unwrap();
    assert_eq!(first_password.len(), 23, "{first_password}");

    let duplicate = retrace(
        dir.path(),
        &[
            "admin",
            "create-user",
            "--email",
            "rania@lrc.example",
            "--name",
            "Again",
            "--operator",
        ],
    );
    assert!(!duplicate.status.success());
    assert!(
        text(&duplicate).contains("email is already in use"),
        "{}",
        text(&duplicate)
    );

    let reset = retrace(
        dir.path(),
        &["admin", "reset-password", "--email", "rania@lrc.example"],
    );
    assert!(reset.status.success(), "{}", text(&reset));
    assert!(!text(&reset).contains(&first_password));

    let unknown = retrace(
        dir.path(),
        &["admin", "reset-password", "--email", "nobody@lrc.example"],
    );
    assert!(!unknown.status.success());
    assert!(
        text(&unknown).starts_with("error: email:"),
        "{}",
        text(&unknown)
    );
}

#[test]
fn bad_settings_stop_with_the_key_named() {
    let dir = tempfile::tempdir().unwrap();
    type Case<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)], &'a str);
    let cases: [Case; 6] = [
        (
            &["migrate"],
            &[("RETRACE_LISTEN", "not an address")],
            "error: listen:",
        ),
        (
            &["migrate", "--database-url", "mysql://root:hunter2@db/x"],
            &[],
            "error: database_url:",
        ),
        (
            &["serve", "--listen", "0.0.0.0:8080"],
            &[],
            "error: listen:",
        ),
        (
            &["migrate"],
            &[("RETRACE_SESSION_IDLE_MINUTES", "0")],
            "error: session_idle_minutes:",
        ),
        (
            &["migrate"],
            &[("RETRACE_METRICS_TOKEN", "hunter2")],
            "error: metrics_token:",
        ),
        (
            &["--config", "missing.toml", "migrate"],
            &[],
            "error: config:",
        ),
    ];
    for (args, env, expected) in cases {
        let output = Command::new(env!("CARGO_BIN_EXE_retrace"))
            .current_dir(dir.path())
            .envs(env.iter().copied())
            .args(args)
            .output()
            .unwrap();
        let out = text(&output);
        assert!(!output.status.success(), "{args:?} should fail");
        assert!(out.starts_with(expected), "{args:?}: {out}");
        assert!(!out.contains("hunter2"), "secrets never printed: {out}");
    }
    std::fs::write(
        dir.path().join("retrace.toml"),
        "listen = 5\nunknown_key = 1\n",
    )
    .unwrap();
    let output = retrace(dir.path(), &["migrate"]);
    assert!(!output.status.success());
    assert!(text(&output).contains("retrace.toml"), "{}", text(&output));
}

#[test]
fn an_unreachable_postgres_stops_start_up_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let output = retrace(
        dir.path(),
        &[
            "migrate",
            "--database-url",
            "postgres://retrace:secret-pw@127.0.0.1:1/retrace",
        ],
    );
    assert!(!output.status.success());
    let out = text(&output);
    assert!(
        out.starts_with(
            "error: database_url: cannot connect to postgres://retrace:***@127.0.0.1:1/retrace"
        ),
        "{out}"
    );
    assert!(!out.contains("secret-pw"));
}

#[tokio::test]
async fn a_schema_newer_than_the_binary_stops_start_up() {
    let dir = tempfile::tempdir().unwrap();
    assert!(retrace(dir.path(), &["migrate"]).status.success());
    let url = format!("sqlite://{}", dir.path().join("data/retrace.db").display());
    let _keys = crate::FIELD_KEYS.read().await;
    let store = crate::open_store(&url).await;
    store
        .execute_raw_for_tests(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
             VALUES (9999, 'from the future', 1, x'00', 0)",
        )
        .await
        .unwrap();
    store.close().await;
    let output = retrace(dir.path(), &["serve"]);
    assert!(!output.status.success());
    let out = text(&output);
    assert!(out.contains("newer than this binary"), "{out}");
}

#[tokio::test]
async fn demo_loads_tracing_requests_with_candidates_across_organisations() {
    use retrace_domain::{Timestamp, UserId};
    use retrace_store::{AuditContext, OrgScope, RequestFilter, Store, TracingStore};

    let dir = tempfile::tempdir().unwrap();
    let loaded = retrace(dir.path(), &["demo"]);
    assert!(loaded.status.success(), "{}", text(&loaded));
    let out = text(&loaded);
    assert!(out.contains("Demo tracing data:"), "{out}");

    let url = format!("sqlite://{}", dir.path().join("data/retrace.db").display());
    let _keys = crate::FIELD_KEYS.read().await;
    let store = crate::open_store(&url).await;
    let audit = AuditContext {
        at: Timestamp::from_millis(0),
        actor: Some(UserId::random()),
        org: None,
        purpose: Some("test".to_owned()),
    };
    let orgs = store.organisations().await.unwrap();
    let mut total = 0;
    let mut with_requests = 0;
    for org in &orgs {
        let (_, count) = store
            .list_requests(&audit, &OrgScope::new(org.id), &RequestFilter::default())
            .await
            .unwrap();
        total += count;
        with_requests += usize::from(count > 0);
    }
    assert!(total >= 500, "{total} requests");
    assert!(with_requests >= 4, "requests spread over the organisations");

    // The walkthrough of the README: the Belgian request for Omar Khaled
    // Al-Hassan has a candidate held by the French Red Cross.
    let belgium = orgs
        .iter()
        .find(|o| o.name.as_str() == "Belgian Red Cross (demo)")
        .unwrap();
    let france = orgs
        .iter()
        .find(|o| o.name.as_str() == "French Red Cross (demo)")
        .unwrap();
    let scope = OrgScope::new(belgium.id);
    let (page, _) = store
        .list_requests(
            &audit,
            &scope,
            &RequestFilter {
                text: Some("Omar Khaled Al-Hassan".to_owned()),
                ..RequestFilter::default()
            },
        )
        .await
        .unwrap();
    let summary = page.first().expect("the walkthrough request");
    let request = store
        .request(&audit, &scope, summary.id)
        .await
        .unwrap()
        .unwrap();
    let sought = request.sought.first().unwrap();
    let candidates = store.candidates_for(&scope, sought.id).await.unwrap();
    assert!(
        candidates.iter().any(|c| c.other_org == france.id),
        "{candidates:?}"
    );

    // Many sought persons have candidates in other organisations.
    let mut across = 0;
    for org in &orgs {
        let scope = OrgScope::new(org.id);
        let (page, _) = store
            .list_requests(
                &audit,
                &scope,
                &RequestFilter {
                    limit: 1000,
                    ..RequestFilter::default()
                },
            )
            .await
            .unwrap();
        for summary in page {
            let request = store
                .request(&audit, &scope, summary.id)
                .await
                .unwrap()
                .unwrap();
            for person in &request.sought {
                let found = store.candidates_for(&scope, person.id).await.unwrap();
                across += found.iter().filter(|c| c.other_org != org.id).count();
            }
        }
    }
    assert!(across >= 30, "{across} cross-organisation candidates");
    store.close().await;
}
