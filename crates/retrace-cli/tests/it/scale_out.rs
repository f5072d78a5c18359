//! Two `retrace serve` processes on one PostgreSQL database
//! (docs/adr/0019-several-servers-one-database.md): a person saved through
//! one is a candidate seen through the other within a second, a lockout
//! reached through one holds on the other, and a takedown through one
//! removes the entry from the other's gallery. Runs where
//! `RETRACE_TEST_POSTGRES_URL` names a server (the test command starts
//! one); fails instead of skipping when `RETRACE_REQUIRE_POSTGRES` is set.

use crate::http::{Client, Server};
use crate::{retrace, text};
use retrace_domain::{
    Circumstances, Clock, ConsentBasis, ConsentGiver, ConsentMethod, ConsentPurpose, Email,
    GalleryReference, LastNews, NameKind, NewConsent, PersonDetails, PersonName, Relationship,
    SeparationContext, Sex, SharingScope, SystemClock,
};
use retrace_store::{AuditContext, MediaTokens, NewGalleryEntry, NewRequest, OrgScope, Store};
use retrace_store_postgres::test_support;
use std::time::{Duration, Instant};

/// Opens a fresh test database, or says why there is none.
pub async fn fresh_postgres() -> Option<retrace_store_postgres::PostgresStore> {
    crate::install_test_field_keys();
    match test_support::open_fresh_for_tests_from_env().await.unwrap() {
        Some(store) => Some(store),
        None if std::env::var_os("RETRACE_REQUIRE_POSTGRES").is_some() => {
            panic!("RETRACE_REQUIRE_POSTGRES is set but RETRACE_TEST_POSTGRES_URL is not")
        }
        None => {
            eprintln!("skipped: RETRACE_TEST_POSTGRES_URL is not set");
            None
        }
    }
}

/// Creates an organisation and a caseworker through the CLI; returns the
/// caseworker's first password.
pub fn org_and_caseworker(dir: &std::path::Path, url: &str, name: &str, email: &str) -> String {
    let with_db = |args: &[&str]| {
        let mut all = vec!["--database-url", url];
        all.extend_from_slice(args);
        retrace(dir, &all)
    };
    let org = with_db(&[
        "admin",
        "create-org",
        "--name",
        name,
        "--kind",
        "national_society",
        "--country",
        "BE",
    ]);
    assert!(org.status.success(), "{}", text(&org));
    let user = with_db(&[
        "admin",
        "create-user",
        "--email",
        email,
        "--name",
        "Case Worker",
        "--org",
        name,
        "--roles",
        "caseworker",
    ]);
    assert!(user.status.success(), "{}", text(&user));
    text(&user)
        .lines()
        .find_map(|line| line.split("shown once, hand it over securely): ").nth(1))
        .map(str::to_owned)
        .unwrap()
}

fn person(name: &str) -> PersonDetails {
    PersonDetails::new(
        vec![PersonName::simple(name, NameKind::Birth).unwrap()],
        Sex::Unknown,
    )
    .unwrap()
}

/// Publishes a gallery entry straight through the store (as the demo
/// does); returns its id and public reference.
async fn published_entry(store: &dyn Store, email: &str) -> (String, String) {
    let user = store
        .user_by_email(&Email::parse(email).unwrap())
        .await
        .unwrap()
        .unwrap();
    let retrace_store::Membership::Member { org, .. } = user.membership else {
        panic!("not a member");
    };
    let scope = OrgScope::new(org);
    let audit = AuditContext {
        at: SystemClock.now(),
        actor: Some(user.id),
        org: Some(org),
        purpose: Some("scale-out test".to_owned()),
    };
    let request = store
        .create_request(
            &audit,
            &scope,
            &NewRequest {
                enquirer: person("Gallery Enquirer"),
                sought: vec![(Relationship::Brother, person("Gallery Sought"))],
                circumstances: Circumstances {
                    context: SeparationContext::Migration,
                    date: None,
                    place: None,
                    countries_transited: Vec::new(),
                    last_news: LastNews {
                        date: None,
                        place: None,
                        source: None,
                    },
                    narrative: None,
                },
            },
        )
        .await
        .unwrap();
    store
        .record_consent(
            &audit,
            &scope,
            request.enquirer.id,
            &NewConsent {
                purpose: ConsentPurpose::Publication,
                basis: ConsentBasis::Consent {
                    given_by: ConsentGiver::Person,
                    method: ConsentMethod::Written,
                },
                scope: SharingScope::default(),
                note: None,
            },
        )
        .await
        .unwrap();
    let reference = GalleryReference::from_random_bytes(&[3, 1, 4, 1, 5, 9, 2, 6]).unwrap();
    let entry = store
        .create_gallery_entry(
            &audit,
            &scope,
            &NewGalleryEntry {
                request: request.id,
                reference: reference.clone(),
                relationships: vec![Relationship::Brother],
                region: None,
                media: MediaTokens {
                    photo: retrace_app::media::new_token(),
                    thumbnail: retrace_app::media::new_token(),
                },
            },
        )
        .await
        .unwrap();
    (entry.id.to_string(), reference.to_string())
}

/// Polls `check` until it is true or `within` has passed; returns how long
/// it took.
async fn eventually<F, Fut>(within: Duration, mut check: F) -> Option<Duration>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let started = Instant::now();
    loop {
        if check().await {
            return Some(started.elapsed());
        }
        if started.elapsed() > within {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_on_one_postgres_database_agree() {
    let _keys = crate::FIELD_KEYS.read().await;
    let Some(store) = fresh_postgres().await else {
        return;
    };
    let url = store.dialect().url_for_tests().unwrap().to_owned();
    let dir = tempfile::tempdir().unwrap();
    let password = org_and_caseworker(dir.path(), &url, "Belgian Red Cross", "case@be.example");
    let locked_password =
        org_and_caseworker(dir.path(), &url, "French Red Cross", "case@fr.example");
    let (entry, reference) = published_entry(&store, "case@be.example").await;

    // Both servers share the data directory (secret key, media).
    let a = Server::start(dir.path(), &url).await;
    let b = Server::start(dir.path(), &url).await;

    // B shows the published entry (and caches the gallery's list).
    let visitor_b = Client::new(b.port);
    let gallery = visitor_b.get("/gallery").await;
    assert_eq!(gallery.status, 200, "{}", gallery.body);
    assert!(gallery.body.contains(&reference), "{}", gallery.body);

    // A person saved through one is a candidate seen through the other.
    let case_a = Client::new(a.port);
    case_a.sign_in("case@be.example", &password).await;
    let token = case_a.api_token().await;
    let api_a = Client::with_bearer(a.port, &token);
    let api_b = Client::with_bearer(b.port, &token);
    let opened = api_b
        .post_json(
            "/api/v1/requests",
            r#"{"enquirer":{"names":["Fatima Yusuf"]},"vital_interest":true,
               "sought":[{"relationship":"son","person":{"names":["Abdirahman Yusuf Warsame"],"birth_date":"1998"}}],
               "circumstances":{"context":"conflict"}}"#,
        )
        .await;
    assert_eq!(opened.status, 201, "{}", opened.body);
    let sought = opened.json()["sought"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let registered = api_a
        .post_json(
            "/api/v1/registrations",
            r#"{"kind":"safe","person":{"names":["Abdirahman Yusuf Warsame"],"birth_date":"1998"},"consent_method":"oral"}"#,
        )
        .await;
    assert_eq!(registered.status, 201, "{}", registered.body);
    let candidates = format!("/api/v1/persons/{sought}/candidates");
    let seen = eventually(Duration::from_secs(1), || async {
        let list = api_b.get(&candidates).await;
        assert_eq!(list.status, 200, "{}", list.body);
        list.json()["candidates"]
            .as_array()
            .is_some_and(|list| !list.is_empty())
    })
    .await;
    assert!(seen.is_some(), "no candidate through B within a second");

    // A lockout reached through one holds on the other.
    for _ in 0..5 {
        let refused = Client::new(a.port)
            .try_sign_in("case@fr.example", "not the password at all")
            .await;
        assert_eq!(refused, 401);
    }
    let on_b = Client::new(b.port)
        .try_sign_in("case@fr.example", &locked_password)
        .await;
    assert_eq!(on_b, 401, "the right password on a locked account");

    // A takedown through one removes the entry from the other's gallery
    // (whose cached list is younger than its lifetime).
    let done = case_a
        .post_form(
            &format!("/staff/gallery/{entry}/take-down"),
            &[("confirm", "yes")],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    let gone = eventually(Duration::from_secs(1), || async {
        let page = visitor_b.get("/gallery").await;
        page.status == 200 && !page.body.contains(&reference)
    })
    .await;
    assert!(gone.is_some(), "the entry is still in B's gallery");

    drop(a);
    drop(b);
    test_support::remove_for_tests(store).await;
}
