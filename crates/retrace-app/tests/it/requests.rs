use retrace_app::requests::{OpenRequest, open_request};
use retrace_app::{Actor, App, AppError};
use retrace_domain::{
    Clock, ConsentBasis, CountryCode, DisplayName, Email, LawfulBasis, OrgKind, OrgName, Role,
    RoleSet, Timestamp,
};
use retrace_store::{AuditContext, Membership, NewOrganisation, NewUser, OrgScope, Store};
use std::sync::Arc;

pub struct FixedClock;

impl Clock for FixedClock {
    fn now(&self) -> Timestamp {
        // 2026-06-01T00:00:00Z
        Timestamp::from_millis(1_780_272_000_000)
    }
}

/// An app over a fresh store, and a member of one organisation with `role`.
pub async fn app_and_actor(role: Role) -> (App, Actor) {
    let (_, app, actor) = store_app_and_actor(role).await;
    (app, actor)
}

/// The secret key of [`app_on`]'s apps.
pub const KEY: [u8; 32] = [7; 32];

/// Another app (another server process) on the same store.
pub fn app_on(store: Arc<dyn Store>, key: [u8; 32]) -> App {
    let media = std::env::temp_dir().join("retrace-app-test-media");
    let key = retrace_app::secrets::SecretKey::from_bytes(key);
    App::new(store, Arc::new(FixedClock), media, &key)
}

/// [`app_and_actor`] with the store, for a second app on it.
pub async fn store_app_and_actor(role: Role) -> (Arc<dyn Store>, App, Actor) {
    let store: Arc<dyn Store> =
        Arc::new(retrace_store_sqlite::open_fresh_for_tests().await.unwrap());
    let audit = AuditContext::system(FixedClock.now(), "test");
    let org = store
        .create_organisation(
            &audit,
            &NewOrganisation {
                name: OrgName::parse("Belgian Red Cross").unwrap(),
                kind: OrgKind::parse("national_society").unwrap(),
                country: CountryCode::parse("BE").unwrap(),
            },
        )
        .await
        .unwrap();
    let roles = RoleSet::new([role]).unwrap();
    let user = store
        .create_user(
            &audit,
            &NewUser {
                email: Email::parse("case@be.example").unwrap(),
                display_name: DisplayName::parse("Case Worker").unwrap(),
                membership: Membership::Member {
                    org: org.id,
                    roles: roles.clone(),
                },
                password_hash: String::new(),
            },
        )
        .await
        .unwrap();
    let app = app_on(store.clone(), KEY);
    (store, app, Actor::new(user.id, org.id, roles))
}

fn request(json: &str) -> OpenRequest {
    serde_json::from_str(json).unwrap()
}

const OMAR: &str = r#"{"enquirer":{"names":["Ahmad Khaled Al-Hassan"]},
    "sought":[{"relationship":"brother","person":{"names":["Omar Khaled Al-Hassan"],"birth_date":"1994"}}],
    "circumstances":{"context":"migration"},
    "enquirer_consent_method":"oral","vital_interest":true}"#;

#[tokio::test]
async fn opening_a_request_records_its_consents_and_indexes_its_persons() {
    let (app, actor) = app_and_actor(Role::Caseworker).await;
    let opened = open_request(&app, &actor, request(OMAR)).await.unwrap();
    let scope = OrgScope::new(actor.org());
    let enquirer = app
        .store()
        .consents(&scope, opened.enquirer.id)
        .await
        .unwrap();
    assert_eq!(enquirer.len(), 1);
    let sought = app
        .store()
        .consents(&scope, opened.sought[0].id)
        .await
        .unwrap();
    assert_eq!(
        sought.iter().map(|c| c.basis).collect::<Vec<_>>(),
        vec![ConsentBasis::Lawful(LawfulBasis::VitalInterest)]
    );
    assert_eq!(app.matching().len(), 2, "both persons are in the index");
}

#[tokio::test]
async fn a_viewer_may_not_open_a_request_and_nothing_is_written() {
    let (app, actor) = app_and_actor(Role::Viewer).await;
    let refused = open_request(&app, &actor, request(OMAR)).await;
    assert!(matches!(refused, Err(AppError::Forbidden)), "{refused:?}");
    assert!(app.matching().is_empty());
}

#[tokio::test]
async fn invalid_input_names_its_json_path_before_anything_is_written() {
    let (app, actor) = app_and_actor(Role::Caseworker).await;
    for (json, path) in [
        (
            r#"{"enquirer":{"names":["A B"]},"sought":[],"circumstances":{"context":"migration"}}"#,
            "sought",
        ),
        (
            r#"{"enquirer":{"names":["A B"]},"sought":[{"relationship":"son","person":{"names":["A B"]}},{"relationship":"son","person":{"names":["A B", "1"]}}],"circumstances":{"context":"migration"}}"#,
            "sought[1].person.names[1]",
        ),
        (
            r#"{"enquirer":{"names":["A B"]},"sought":[{"relationship":"son","person":{"names":["A B"]}}],"circumstances":{"context":"migration"},"enquirer_consent_method":"telepathy"}"#,
            "enquirer_consent_method",
        ),
    ] {
        match open_request(&app, &actor, request(json)).await {
            Err(AppError::Invalid { field, .. }) => assert_eq!(field, path, "{json}"),
            other => panic!("{json}: {other:?}"),
        }
    }
    assert!(app.matching().is_empty());
}
