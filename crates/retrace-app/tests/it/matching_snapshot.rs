//! The matching index saved as a snapshot file and restored: the restored
//! service answers as the one it was saved from, changes made after the
//! snapshot are replayed person by person, and a damaged file changes nothing.

use crate::requests::app_and_actor;
use retrace_app::MatchingService;
use retrace_app::requests::{OpenRequest, open_request};
use retrace_domain::Role;

const OMAR: &str = r#"{"enquirer":{"names":["Ahmad Khaled Al-Hassan"]},
    "sought":[{"relationship":"brother","person":{"names":["Omar Khaled Al-Hassan", "عمر خالد الحسن"],"birth_date":"1994"}}],
    "circumstances":{"context":"migration"},
    "enquirer_consent_method":"oral","vital_interest":true}"#;
const AMINA: &str = r#"{"enquirer":{"names":["Fatima Diallo"]},
    "sought":[{"relationship":"daughter","person":{"names":["Amina Diallo"],"birth_date":"2010-04-12"}}],
    "circumstances":{"context":"conflict"},
    "enquirer_consent_method":"oral","vital_interest":true}"#;

fn request(json: &str) -> OpenRequest {
    serde_json::from_str(json).unwrap()
}

#[tokio::test]
async fn a_restored_snapshot_answers_as_the_saved_index_and_replays_later_changes() {
    let (app, actor) = app_and_actor(Role::Caseworker).await;
    open_request(&app, &actor, request(OMAR)).await.unwrap();
    let dir = tempdir();
    let path = dir.join("matching.snapshot");
    app.matching().save_snapshot_file(&path, 41).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the snapshot holds personal data");
    }
    assert!(!dir.join("matching.snapshot.tmp").exists());

    // A change after the snapshot's position.
    let later = open_request(&app, &actor, request(AMINA)).await.unwrap();

    let restored = MatchingService::new(2026);
    assert_eq!(restored.restore_snapshot_file(&path).unwrap(), 41);
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
async fn a_damaged_or_missing_snapshot_changes_nothing() {
    let (app, actor) = app_and_actor(Role::Caseworker).await;
    open_request(&app, &actor, request(OMAR)).await.unwrap();
    let dir = tempdir();
    let path = dir.join("matching.snapshot");
    app.matching().save_snapshot_file(&path, 3).unwrap();
    let mut bytes = std::fs::read(&path).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x20;
    std::fs::write(&path, &bytes).unwrap();

    let service = MatchingService::new(2026);
    service
        .restore_snapshot_file(&dir.join("none"))
        .unwrap_err();
    // A service already holding persons keeps them when the snapshot is refused.
    assert!(app.matching().restore_snapshot_file(&path).is_err());
    assert_eq!(app.matching().len(), 2);
    assert_eq!(
        app.matching()
            .search_names(actor.org(), "Omar Al Hassan", 10)
            .len(),
        1
    );
    // Made for another reference year: refused too.
    app.matching().save_snapshot_file(&path, 3).unwrap();
    assert!(matches!(
        MatchingService::new(2031).restore_snapshot_file(&path),
        Err(retrace_matching::SnapshotError::OtherEngine)
    ));
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
