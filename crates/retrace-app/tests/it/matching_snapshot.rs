//! The matching index saved as a sealed snapshot file and restored: the
//! restored service answers as the one it was saved from, changes made after
//! the snapshot are replayed person by person (an erased person does not come
//! back, a withdrawn or at-risk one is as the database says), and a damaged
//! file, or one sealed under another key, is refused and the index rebuilt.

use crate::requests::{FixedClock, KEY, app_and_actor, app_on, store_app_and_actor};
use retrace_app::matching::SnapshotFileError;
use retrace_app::requests::{OpenRequest, open_request};
use retrace_app::secrets::{SecretKey, SnapshotSealer};
use retrace_app::snapshot::MatchingStart;
use retrace_app::{App, MatchingService};
use retrace_domain::{Clock, ConsentPurpose, PersonId, Role};
use retrace_store::{AuditContext, OrgScope};

const OMAR: &str = r#"{"enquirer":{"names":["Ahmad Khaled Al-Hassan"]},
    "sought":[{"relationship":"brother","person":{"names":["Omar Khaled Al-Hassan", "عمر خالد الحسن"],"birth_date":"1994"}}],
    "circumstances":{"context":"migration"},
    "enquirer_consent_method":"oral","vital_interest":true}"#;
const AMINA: &str = r#"{"enquirer":{"names":["Fatima Diallo"]},
    "sought":[{"relationship":"daughter","person":{"names":["Amina Diallo"],"birth_date":"2010-04-12"}}],
    "circumstances":{"context":"conflict"},
    "enquirer_consent_method":"oral","vital_interest":true}"#;
/// Looks for an Omar too: each sought person is the other's candidate.
const OMAR_AGAIN: &str = r#"{"enquirer":{"names":["Khaled Al-Hassan"]},
    "sought":[{"relationship":"son","person":{"names":["Omar Khalid Alhassan"],"birth_date":"1994"}}],
    "circumstances":{"context":"migration"},
    "enquirer_consent_method":"oral","vital_interest":true}"#;
const AMINA_AGAIN: &str = r#"{"enquirer":{"names":["Mariam Diallo"]},
    "sought":[{"relationship":"sister","person":{"names":["Aminata Diallo"],"birth_date":"2010-04-12"}}],
    "circumstances":{"context":"conflict"},
    "enquirer_consent_method":"oral","vital_interest":true}"#;

fn request(json: &str) -> OpenRequest {
    serde_json::from_str(json).unwrap()
}

/// The identity of the database the snapshots of these tests are made from.
const DATABASE: &str = "0123456789abcdef0123456789abcdef";

fn sealer(key: [u8; 32]) -> SnapshotSealer {
    SnapshotSealer::new(&SecretKey::from_bytes(key))
}

#[tokio::test]
async fn a_restored_snapshot_answers_as_the_saved_index_and_replays_later_changes() {
    let (app, actor) = app_and_actor(Role::Caseworker).await;
    open_request(&app, &actor, request(OMAR)).await.unwrap();
    let dir = tempdir();
    let path = dir.join("matching.snapshot");
    app.matching()
        .save_snapshot_file(&path, 41, &sealer(KEY), DATABASE)
        .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the snapshot holds personal data");
    }
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        1,
        "no temporary file left"
    );
    // Sealed: no name, in any script, is readable in the file.
    let bytes = std::fs::read(&path).unwrap();
    for name in ["Omar", "Hassan", "عمر", "Ahmad"] {
        assert!(
            !bytes.windows(name.len()).any(|w| w == name.as_bytes()),
            "{name} in clear"
        );
    }

    // A change after the snapshot's position.
    let later = open_request(&app, &actor, request(AMINA)).await.unwrap();

    let restored = MatchingService::new(2026);
    assert_eq!(
        restored
            .restore_snapshot_file(&path, &sealer(KEY), DATABASE)
            .unwrap(),
        41
    );
    assert_eq!(restored.len(), 2);
    let org = actor.org();
    let omar = app.matching().search_names(org, "Omar Al Hassan", 10);
    assert_eq!(omar.len(), 1);
    assert_eq!(restored.search_names(org, "Omar Al Hassan", 10), omar);
    assert_eq!(restored.search_names(org, "عمر الحسن", 10), omar);
    // Another organisation sees nothing, restored or not.
    let other = retrace_domain::OrgId::random();
    assert!(
        restored
            .search_names(other, "Omar Al Hassan", 10)
            .is_empty()
    );

    assert!(restored.search_names(org, "Amina Diallo", 10).is_empty());
    for id in [later.enquirer.id, later.sought[0].id] {
        restored.refresh_person(app.store(), id).await.unwrap();
    }
    assert_eq!(restored.len(), 4);
    assert_eq!(
        restored.search_names(org, "Amina Diallo", 10),
        app.matching().search_names(org, "Amina Diallo", 10)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_damaged_foreign_or_missing_snapshot_changes_nothing() {
    let (app, actor) = app_and_actor(Role::Caseworker).await;
    open_request(&app, &actor, request(OMAR)).await.unwrap();
    let dir = tempdir();
    let path = dir.join("matching.snapshot");
    app.matching()
        .save_snapshot_file(&path, 3, &sealer(KEY), DATABASE)
        .unwrap();
    let service = MatchingService::new(2026);
    assert!(matches!(
        service.restore_snapshot_file(&dir.join("none"), &sealer(KEY), DATABASE),
        Err(SnapshotFileError::Io(_))
    ));
    // Sealed under another key: refused before anything is read.
    assert!(matches!(
        service.restore_snapshot_file(&path, &sealer([8; 32]), DATABASE),
        Err(SnapshotFileError::Sealed)
    ));
    // Made from another database (same key): refused, its persons never
    // reach this database's index.
    assert!(matches!(
        service.restore_snapshot_file(&path, &sealer(KEY), "fedcba9876543210fedcba9876543210"),
        Err(SnapshotFileError::Sealed)
    ));
    assert!(service.is_empty());
    let good = std::fs::read(&path).unwrap();
    for at in [0, 30, good.len() / 2, good.len() - 1] {
        let mut bytes = good.clone();
        bytes[at] ^= 0x20;
        std::fs::write(&path, &bytes).unwrap();
        // A service already holding persons keeps them when the snapshot is refused.
        assert!(matches!(
            app.matching()
                .restore_snapshot_file(&path, &sealer(KEY), DATABASE),
            Err(SnapshotFileError::Sealed)
        ));
    }
    std::fs::write(&path, &good[..good.len() - 1]).unwrap();
    assert!(
        app.matching()
            .restore_snapshot_file(&path, &sealer(KEY), DATABASE)
            .is_err()
    );
    assert_eq!(app.matching().len(), 2);
    assert_eq!(
        app.matching()
            .search_names(actor.org(), "Omar Al Hassan", 10)
            .len(),
        1
    );
    // Made for another reference year: opens, and is refused as another engine's.
    std::fs::write(&path, &good).unwrap();
    assert!(matches!(
        MatchingService::new(2031).restore_snapshot_file(&path, &sealer(KEY), DATABASE),
        Err(SnapshotFileError::Snapshot(
            retrace_matching::SnapshotError::OtherEngine
        ))
    ));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Every sought person's candidate list, and whether each person is indexed.
fn state(app: &App, persons: &[PersonId]) -> Vec<(bool, Option<Vec<retrace_store::NewCandidate>>)> {
    persons
        .iter()
        .map(|p| {
            (
                app.matching().contains(*p),
                app.matching().candidates_of(*p),
            )
        })
        .collect()
}

#[tokio::test]
async fn restoring_then_replaying_the_outbox_gives_the_rebuilt_index() {
    let (store, app, actor) = store_app_and_actor(Role::Caseworker).await;
    let omar = open_request(&app, &actor, request(OMAR)).await.unwrap();
    let amina = open_request(&app, &actor, request(AMINA)).await.unwrap();
    let amina_again = open_request(&app, &actor, request(AMINA_AGAIN))
        .await
        .unwrap();
    let dir = tempdir();
    let path = dir.join("matching.snapshot");
    app.start_matching(&path).await.unwrap();
    let written = app.save_matching_snapshot(&path).await.unwrap();
    assert!(written.is_some());
    assert_eq!(
        app.save_matching_snapshot(&path).await.unwrap(),
        None,
        "nothing changed: not written again"
    );
    let amina_sought = amina.sought[0].id;
    assert!(
        app.matching()
            .candidates_of(amina_again.sought[0].id)
            .unwrap()
            .iter()
            .any(|c| c.other == amina_sought),
        "the two Aminas are each other's candidates before the erasure"
    );

    // After the snapshot, through the store alone, as another process (the
    // command line, another server) would: a new request, an erasure, a
    // tracing consent withdrawn, a person put at risk.
    let audit = AuditContext::system(FixedClock.now(), "test");
    let scope = OrgScope::new(actor.org());
    let omar_again = open_request(&app_on(store.clone(), KEY), &actor, request(OMAR_AGAIN))
        .await
        .unwrap();
    store
        .erase_person(&audit, &scope, amina_sought)
        .await
        .unwrap();
    let consent = store
        .consents(&scope, omar.enquirer.id)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.purpose == ConsentPurpose::Tracing)
        .unwrap();
    store
        .withdraw_consent(&audit, &scope, consent.id)
        .await
        .unwrap();
    let sought = omar.sought[0].id;
    let stored = store.person(&audit, &scope, sought).await.unwrap().unwrap();
    let mut details = stored.details.clone();
    details.flags.at_risk = true;
    store
        .update_person(&audit, &scope, sought, stored.version, &details)
        .await
        .unwrap();

    // The snapshot alone still holds the erased person: only the replay
    // keeps it out.
    let stale = MatchingService::new(FixedClock.now().to_offset_date_time().year());
    let database = store.database_identity().await.unwrap();
    stale
        .restore_snapshot_file(&path, &sealer(KEY), &database)
        .unwrap();
    assert!(stale.contains(amina_sought));

    let restored = app_on(store.clone(), KEY);
    let start = restored.start_matching(&path).await.unwrap();
    let MatchingStart::Restored { replayed, .. } = start else {
        panic!("not restored: {start:?}");
    };
    assert!(replayed >= 5, "replayed {replayed}");
    let rebuilt = app_on(store.clone(), KEY);
    let start = rebuilt.start_matching(&dir.join("none")).await.unwrap();
    assert!(
        matches!(&start, MatchingStart::Built { reason, .. } if reason == "no snapshot"),
        "{start:?}"
    );

    assert!(!restored.matching().contains(amina_sought), "erased: gone");
    assert!(
        restored
            .matching()
            .search_names(actor.org(), "Amina Diallo", 10)
            .iter()
            .all(|p| *p != amina_sought)
    );
    assert!(
        restored
            .matching()
            .candidates_of(amina_again.sought[0].id)
            .unwrap()
            .iter()
            .all(|c| c.other != amina_sought),
        "an erased person is nobody's candidate"
    );
    let persons: Vec<PersonId> = [&omar, &amina, &amina_again, &omar_again]
        .iter()
        .flat_map(|r| std::iter::once(r.enquirer.id).chain(r.sought.iter().map(|s| s.id)))
        .collect();
    assert_eq!(restored.matching().len(), rebuilt.matching().len());
    assert_eq!(state(&restored, &persons), state(&rebuilt, &persons));
    assert!(
        restored
            .matching()
            .candidates_of(omar_again.sought[0].id)
            .is_some_and(|list| list.iter().any(|c| c.other == sought)),
        "the new request is replayed, and finds the Omar of the snapshot"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_snapshot_sealed_under_another_key_or_altered_is_refused_and_the_index_rebuilt() {
    let (store, app, actor) = store_app_and_actor(Role::Caseworker).await;
    open_request(&app, &actor, request(OMAR)).await.unwrap();
    let dir = tempdir();
    let path = dir.join("matching.snapshot");
    app.start_matching(&path).await.unwrap();
    app.save_matching_snapshot(&path).await.unwrap().unwrap();

    let other_key = app_on(store.clone(), [9; 32]);
    let start = other_key.start_matching(&path).await.unwrap();
    assert!(
        matches!(&start, MatchingStart::Built { persons: 2, reason, .. } if reason.contains("key")),
        "{start:?}"
    );

    let mut bytes = std::fs::read(&path).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 1;
    std::fs::write(&path, &bytes).unwrap();
    let altered = app_on(store.clone(), KEY);
    let start = altered.start_matching(&path).await.unwrap();
    assert!(
        matches!(start, MatchingStart::Built { persons: 2, .. }),
        "{start:?}"
    );
    assert_eq!(
        altered
            .matching()
            .search_names(actor.org(), "Omar Al Hassan", 10)
            .len(),
        1
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_snapshot_of_another_database_is_refused_and_stale_temporaries_removed() {
    let (_, app, actor) = store_app_and_actor(Role::Caseworker).await;
    let omar = open_request(&app, &actor, request(OMAR)).await.unwrap();
    open_request(&app, &actor, request(AMINA)).await.unwrap();
    let dir = tempdir();
    let path = dir.join("matching.snapshot");
    app.start_matching(&path).await.unwrap();
    app.save_matching_snapshot(&path).await.unwrap().unwrap();
    let stale = dir.join("matching.snapshot.4294967.tmp");
    std::fs::write(&stale, b"left by a killed process").unwrap();

    // Another database, same data directory and key, whose change outbox
    // is already past the snapshot's position: positions mean nothing
    // across databases, so the snapshot does not open for it.
    let (other_store, other_app, other_actor) = store_app_and_actor(Role::Caseworker).await;
    for json in [OMAR_AGAIN, AMINA_AGAIN, OMAR_AGAIN, AMINA_AGAIN] {
        open_request(&other_app, &other_actor, request(json))
            .await
            .unwrap();
    }
    let other = app_on(other_store, KEY);
    let start = other.start_matching(&path).await.unwrap();
    assert!(
        matches!(&start, MatchingStart::Built { persons: 8, reason, .. } if reason.contains("another database")),
        "{start:?}"
    );
    assert!(!other.matching().contains(omar.sought[0].id));
    assert!(!other.matching().contains(omar.enquirer.id));

    // An empty database: the same.
    let (empty_store, _, _) = store_app_and_actor(Role::Caseworker).await;
    let empty = app_on(empty_store, KEY);
    let start = empty.start_matching(&path).await.unwrap();
    assert!(
        matches!(&start, MatchingStart::Built { persons: 0, .. }),
        "{start:?}"
    );
    assert!(empty.matching().is_empty());
    assert!(
        !stale.exists(),
        "a killed writer's temporary file is removed"
    );
    assert!(path.exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

fn tempdir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "retrace-matching-snapshot-{}",
        retrace_domain::PersonId::random()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
