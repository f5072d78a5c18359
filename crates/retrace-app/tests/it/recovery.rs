//! The candidate lists a start recomputes (a server killed between a
//! change's commit and its lists, a command-line import) are recomputed
//! batch by batch while the server already answers: the matching
//! checkpoint moves only over what is done, and the periodic checkpoint
//! waits for the recovery.

use crate::requests::{FixedClock, KEY, app_on, store_app_and_actor};
use retrace_app::cluster::{CHECKPOINT_LAG, Checkpointer, Recovery};
use retrace_app::requests::{OpenRequest, open_request};
use retrace_domain::{Clock, NameKind, PartialDate, PersonDetails, PersonId, PersonName, Role};
use retrace_store::{AuditContext, OrgScope, Store};
use std::sync::Arc;
use std::time::Instant;

fn request(name: &str, enquirer: &str, birth: &str) -> OpenRequest {
    serde_json::from_value(serde_json::json!({
        "enquirer": {"names": [enquirer]},
        "sought": [{"relationship": "brother", "person": {"names": [name], "birth_date": birth}}],
        "circumstances": {"context": "migration"},
        "enquirer_consent_method": "oral",
        "vital_interest": true
    }))
    .unwrap()
}

async fn stored_candidates(
    store: &Arc<dyn Store>,
    org: retrace_domain::OrgId,
    sought: PersonId,
) -> Vec<PersonId> {
    store
        .candidates_for(&OrgScope::new(org), sought)
        .await
        .unwrap()
        .into_iter()
        .filter(|c| c.sought == sought)
        .map(|c| c.other)
        .collect()
}

/// Another server starting on `store` without a snapshot: its index built
/// from the database and its recovery planned, not run.
async fn restart(store: &Arc<dyn Store>) -> (retrace_app::App, Recovery) {
    let restarted = app_on(store.clone(), KEY);
    let none = std::env::temp_dir()
        .join(format!("retrace-recovery-{}", PersonId::random()))
        .join("none");
    restarted.start_matching(&none).await.unwrap();
    let plan = restarted.plan_recovery().await.unwrap();
    (restarted, plan)
}

/// A sought person, the enquirer and the birth date.
const OMAR: (&str, &str, &str) = ("Omar Khaled Al-Hassan", "Ahmad Al-Hassan", "1994");

/// Opens a request for `name` (born `birth`) by `enquirer` through `app`.
async fn open(
    app: &retrace_app::App,
    actor: &retrace_app::Actor,
    (name, enquirer, birth): (&str, &str, &str),
) -> retrace_store::TracingRequest {
    open_request(app, actor, request(name, enquirer, birth))
        .await
        .unwrap()
}

#[tokio::test]
async fn candidates_left_undone_are_recomputed_in_batches_while_the_server_answers() {
    let (store, app, actor) = store_app_and_actor(Role::Caseworker).await;
    let omar = open(&app, &actor, OMAR).await;
    let amina = open(
        &app,
        &actor,
        ("Amina Diallo", "Fatima Diallo", "2010-04-12"),
    )
    .await;
    open(
        &app,
        &actor,
        ("Aminata Diallo", "Mariam Diallo", "2010-04-12"),
    )
    .await;
    let newest = store.outbox_bounds().await.unwrap().newest;
    store.advance_matching_checkpoint(newest).await.unwrap();

    // A change committed by a server killed before its lists: Amina's
    // record corrected to an Omar, through the store alone.
    let audit = AuditContext::system(FixedClock.now(), "test");
    let scope = OrgScope::new(actor.org());
    let corrected = amina.sought[0].id;
    let stored = store
        .person(&audit, &scope, corrected)
        .await
        .unwrap()
        .unwrap();
    let mut details = PersonDetails::new(
        vec![PersonName::simple("Omar Khalid Alhassan", NameKind::Birth).unwrap()],
        stored.details.sex,
    )
    .unwrap();
    details.birth_date = Some(PartialDate::parse("1994").unwrap());
    details.flags = stored.details.flags;
    store
        .update_person(&audit, &scope, corrected, stored.version, &details)
        .await
        .unwrap();
    let changed = store.outbox_bounds().await.unwrap().newest;
    assert!(changed > newest);
    let omar_sought = omar.sought[0].id;
    assert!(
        !stored_candidates(&store, actor.org(), omar_sought)
            .await
            .contains(&corrected)
    );

    // The restart: index built, the recovery planned, not yet run.
    let (restarted, mut plan) = restart(&store).await;
    assert!(matches!(plan, Recovery::Changes { .. }), "{plan:?}");
    assert!(restarted.recovering_candidates());

    // It answers meanwhile, and the periodic checkpoint waits.
    open(&restarted, &actor, ("Leila Saleh", "Karim Saleh", "1980")).await;
    let mut checkpointer = Checkpointer::default();
    let start = Instant::now();
    restarted
        .advance_checkpoint(&mut checkpointer, start)
        .await
        .unwrap();
    restarted
        .advance_checkpoint(&mut checkpointer, start + CHECKPOINT_LAG * 2)
        .await
        .unwrap();
    assert_eq!(
        store.matching_checkpoint().await.unwrap(),
        newest,
        "nothing recomputed yet"
    );

    while !plan.is_done() {
        restarted.recover_batch(&mut plan).await.unwrap();
    }
    assert!(!restarted.recovering_candidates());
    assert_eq!(store.matching_checkpoint().await.unwrap(), changed);
    assert!(
        stored_candidates(&store, actor.org(), omar_sought)
            .await
            .contains(&corrected),
        "the corrected record is the Omar's candidate"
    );
}

#[tokio::test]
async fn more_changes_than_sought_persons_recompute_every_list_once() {
    let (store, app, actor) = store_app_and_actor(Role::Caseworker).await;
    let omar = open(&app, &actor, OMAR).await;
    // Another process (an import) whose lists were never computed: its
    // own index was empty.
    let other = open(
        &app_on(store.clone(), KEY),
        &actor,
        ("Omar Khalid Alhassan", "Khaled Al-Hassan", "1994"),
    )
    .await;
    let omar_sought = omar.sought[0].id;
    let other_sought = other.sought[0].id;
    assert!(
        !stored_candidates(&store, actor.org(), omar_sought)
            .await
            .contains(&other_sought)
    );

    let newest = store.outbox_bounds().await.unwrap().newest;
    let (restarted, mut plan) = restart(&store).await;
    assert!(
        matches!(&plan, Recovery::All { sought, .. } if sought.len() == 2),
        "{plan:?}"
    );
    while !plan.is_done() {
        restarted.recover_batch(&mut plan).await.unwrap();
    }
    assert_eq!(store.matching_checkpoint().await.unwrap(), newest);
    assert!(
        stored_candidates(&store, actor.org(), omar_sought)
            .await
            .contains(&other_sought)
    );
    assert!(
        stored_candidates(&store, actor.org(), other_sought)
            .await
            .contains(&omar_sought)
    );
    assert!(restarted.plan_recovery().await.unwrap().is_done());
}

#[tokio::test]
async fn lists_computed_by_another_matching_engine_are_all_recomputed_at_start() {
    let (store, app, actor) = store_app_and_actor(Role::Caseworker).await;
    // A new database: its first start records its engine, nothing to do.
    assert_eq!(store.matching_engine().await.unwrap(), "");
    let (_, plan) = restart(&store).await;
    assert!(plan.is_done(), "{plan:?}");
    let engine = retrace_app::matching::lists_engine();
    assert_eq!(store.matching_engine().await.unwrap(), engine);

    let omar = open(&app, &actor, OMAR).await;
    let other = open(
        &app,
        &actor,
        ("Omar Khalid Alhassan", "Khaled Al-Hassan", "1994"),
    )
    .await;
    let newest = store.outbox_bounds().await.unwrap().newest;
    store.advance_matching_checkpoint(newest).await.unwrap();
    let (_, plan) = restart(&store).await;
    assert!(plan.is_done(), "every change has its lists: {plan:?}");

    // The lists were computed by an older engine (an upgrade since).
    store.record_matching_engine("older").await.unwrap();
    let (restarted, mut plan) = restart(&store).await;
    assert!(
        matches!(&plan, Recovery::All { other_engine: true, sought, .. } if sought.len() == 2),
        "{plan:?}"
    );
    while !plan.is_done() {
        restarted.recover_batch(&mut plan).await.unwrap();
    }
    assert_eq!(store.matching_engine().await.unwrap(), engine);
    let (omar_sought, other_sought) = (omar.sought[0].id, other.sought[0].id);
    assert!(
        stored_candidates(&store, actor.org(), omar_sought)
            .await
            .contains(&other_sought)
    );
    assert!(restarted.plan_recovery().await.unwrap().is_done());
}
