//! Field encryption at rest as an operator meets it (issue 16): the demo
//! data sealed in the database file, a wrong or missing key stopping
//! start-up, and `retrace admin rotate-key`.

use crate::{TEST_FIELD_KEYS, binary, retrace, text};
use retrace_store::crypto;
use std::path::Path;

/// The database file and its write-ahead log, as a copy of the data
/// directory would hold them.
fn database_bytes(dir: &Path) -> Vec<u8> {
    let path = dir.join("data/retrace.db");
    let mut bytes = std::fs::read(&path).unwrap();
    if let Ok(log) = std::fs::read(dir.join("data/retrace.db-wal")) {
        bytes.extend_from_slice(&log);
    }
    bytes
}

fn holds(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle.as_bytes())
}

/// Texts the demo writes into encrypted fields: contact details, a
/// narrative, a referral's risk assessment and safety plan.
const DEMO_SEALED: [&str; 5] = [
    "+32 470 00 00 42",
    "+33 6 00 00 00 42",
    "The family fled the shelling in different directions and lost contact.",
    "the person and relatives at home",
    "no address shared with relatives until assessed",
];

#[test]
fn the_demo_data_is_sealed_in_the_database_file() {
    let dir = tempfile::tempdir().unwrap();
    // The same loader seeds `retrace serve --demo`.
    let loaded = retrace(dir.path(), &["demo"]);
    assert!(loaded.status.success(), "{}", text(&loaded));
    let bytes = database_bytes(dir.path());
    // What stays in clear is there: the dump is real.
    assert!(holds(&bytes, "Belgian Red Cross (demo)"));
    assert!(holds(&bytes, &crypto::prefix(1)));
    for sealed in DEMO_SEALED {
        assert!(!holds(&bytes, sealed), "{sealed:?} is in the file in clear");
    }
}

#[test]
fn a_wrong_or_missing_key_stops_start_up() {
    let dir = tempfile::tempdir().unwrap();
    let first = binary(dir.path()).arg("migrate").output().unwrap();
    assert!(first.status.success(), "{}", text(&first));
    let key_file = dir.path().join("data/secret.key");

    // Another secret key file: the check value of key 1 differs.
    std::fs::write(&key_file, "ab".repeat(32)).unwrap();
    for args in [&["migrate"][..], &["serve"][..]] {
        let output = binary(dir.path()).args(args).output().unwrap();
        assert!(!output.status.success());
        let out = text(&output);
        assert!(
            out.contains("field key 1 is not the key this database was encrypted with"),
            "{out}"
        );
        assert!(out.contains("secret_key_file"), "{out}");
    }

    // The key file lost: a new one is made, and it is not the right key.
    std::fs::remove_file(&key_file).unwrap();
    let output = binary(dir.path()).arg("migrate").output().unwrap();
    assert!(!output.status.success());
    assert!(
        text(&output).contains("is not the key this database was encrypted with"),
        "{}",
        text(&output)
    );

    // Keys from the environment without the key the database uses.
    let output = binary(dir.path())
        .env("RETRACE_FIELD_KEYS", format!("2:{}", "cd".repeat(32)))
        .arg("migrate")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let out = text(&output);
    assert!(
        out.contains("RETRACE_FIELD_KEYS: field key 1 is missing"),
        "{out}"
    );
    assert!(
        !out.contains(&"cd".repeat(32)),
        "the key is never shown: {out}"
    );

    // A malformed variable names itself, not the key.
    let output = binary(dir.path())
        .env("RETRACE_FIELD_KEYS", "1:xyz")
        .arg("migrate")
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(
        text(&output).contains("RETRACE_FIELD_KEYS"),
        "{}",
        text(&output)
    );
}

#[tokio::test]
async fn rotation_reencrypts_every_value_and_every_record_stays_readable() {
    use retrace_domain::{Timestamp, UserId};
    use retrace_store::{AuditContext, OrgScope, RequestFilter, Store, TracingStore};

    let dir = tempfile::tempdir().unwrap();
    let loaded = binary(dir.path()).arg("demo").output().unwrap();
    assert!(loaded.status.success(), "{}", text(&loaded));
    assert!(holds(&database_bytes(dir.path()), &crypto::prefix(1)));

    let rotated = binary(dir.path())
        .args(["admin", "rotate-key", "--batch", "200"])
        .output()
        .unwrap();
    assert!(rotated.status.success(), "{}", text(&rotated));
    let out = text(&rotated);
    assert!(out.contains("field key 2 added"), "{out}");
    assert!(
        out.contains("every sealed value is under field key 2"),
        "{out}"
    );
    assert!(out.contains("0 left"), "{out}");

    let retired = binary(dir.path())
        .args(["admin", "rotate-key", "--resume", "--retire"])
        .output()
        .unwrap();
    assert!(retired.status.success(), "{}", text(&retired));
    assert!(
        text(&retired).contains("retired field keys 1"),
        "{}",
        text(&retired)
    );

    // The server starts with the new key alone.
    let key_file = std::fs::read_to_string(dir.path().join("data/secret.key")).unwrap();
    assert!(key_file.contains("retired-field-key 1"), "{key_file}");
    let started = binary(dir.path()).arg("migrate").output().unwrap();
    assert!(started.status.success(), "{}", text(&started));

    // None is in clear. (Old ciphertexts may linger in free pages: that
    // no live value needs the old key is shown by reading below without it.)
    let bytes = database_bytes(dir.path());
    assert!(holds(&bytes, &crypto::prefix(2)));
    for sealed in DEMO_SEALED {
        assert!(!holds(&bytes, sealed), "{sealed:?} is in the file in clear");
    }

    // Every request and person reads back under the new key, without the
    // old key 1 of the key file (the process's key 1 is the test key other
    // tests read with, not that one).
    let new_key = key_file
        .lines()
        .find_map(|line| line.strip_prefix("field-key 2 "))
        .unwrap();
    // Key 2 becomes the process's current key for this read: no other test
    // may seal values meanwhile (they read and write under key 1).
    let _only_keys_user = crate::FIELD_KEYS.write().await;
    crypto::install(
        crypto::Keyring::parse_list(&format!("{TEST_FIELD_KEYS},2:{new_key}")).unwrap(),
        None,
    );
    let url = format!("sqlite://{}", dir.path().join("data/retrace.db").display());
    let store = retrace_store_sqlite::open(&url).await.unwrap();
    let audit = AuditContext {
        at: Timestamp::from_millis(0),
        actor: Some(UserId::random()),
        org: None,
        purpose: Some("test".to_owned()),
    };
    let mut requests = 0;
    for org in store.organisations().await.unwrap() {
        let scope = OrgScope::new(org.id);
        let filter = RequestFilter {
            limit: 1000,
            ..RequestFilter::default()
        };
        let (page, _) = store.list_requests(&audit, &scope, &filter).await.unwrap();
        for summary in page {
            let request = store.request(&audit, &scope, summary.id).await.unwrap();
            assert!(request.is_some());
            requests += 1;
        }
    }
    assert!(requests >= 500, "{requests} requests read");
    let mut persons = 0;
    let mut after = None;
    loop {
        let page = store.matchable_persons(after, 1000).await.unwrap();
        let Some(last) = page.last() else { break };
        after = Some(last.id);
        persons += page.len();
    }
    assert!(persons > requests, "{persons} persons read");
    store.close().await;
    crypto::install(crypto::Keyring::parse_list(TEST_FIELD_KEYS).unwrap(), None);
}
