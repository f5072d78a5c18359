//! Every sought person's candidate list computed at once after a bulk load
//! (`MatchingService::recompute_all`, one linkage of the whole index) is the
//! list a query for that person gives, and so is every list a start
//! recovers after an import by another process.

use crate::requests::{FixedClock, KEY, app_on, store_app_and_actor};
use retrace_app::cluster::Recovery;
use retrace_app::requests::{OpenRequest, open_request};
use retrace_app::{Actor, App};
use retrace_domain::{Clock, OrgId, PersonId, Role};
use retrace_store::{AuditContext, OrgScope, Store};
use std::sync::Arc;

/// Sought persons who are each other's candidates, some with two names.
const REQUESTS: &[&str] = &[
    r#"{"enquirer":{"names":["Ahmad Khaled Al-Hassan"]},
        "sought":[{"relationship":"brother","person":{"names":["Omar Khaled Al-Hassan", "عمر خالد الحسن"],"birth_date":"1994"}}],
        "circumstances":{"context":"migration"},"enquirer_consent_method":"oral","vital_interest":true}"#,
    r#"{"enquirer":{"names":["Khaled Al-Hassan"]},
        "sought":[{"relationship":"son","person":{"names":["Omar Khalid Alhassan"],"birth_date":"1994"}},
                  {"relationship":"son","person":{"names":["Yusuf Khalid Alhassan"],"birth_date":"1998"}}],
        "circumstances":{"context":"migration"},"enquirer_consent_method":"oral","vital_interest":true}"#,
    r#"{"enquirer":{"names":["Mona Al-Hassan"]},
        "sought":[{"relationship":"brother","person":{"names":["Youssef Khaled Al Hassan"],"birth_date":"1998-06"}}],
        "circumstances":{"context":"migration"},"enquirer_consent_method":"oral","vital_interest":true}"#,
    r#"{"enquirer":{"names":["Layla Hassan"]},
        "sought":[{"relationship":"brother","person":{"names":["Omar Al Hasan", "Omar Khaled"],"birth_date":"1994-03-02"}}],
        "circumstances":{"context":"conflict"},"enquirer_consent_method":"oral","vital_interest":true}"#,
    r#"{"enquirer":{"names":["Fatima Diallo"]},
        "sought":[{"relationship":"daughter","person":{"names":["Amina Diallo"],"birth_date":"2010-04-12"}}],
        "circumstances":{"context":"conflict"},"enquirer_consent_method":"oral","vital_interest":true}"#,
    r#"{"enquirer":{"names":["Mariam Diallo"]},
        "sought":[{"relationship":"sister","person":{"names":["Aminata Diallo"],"birth_date":"2010-04-12"}}],
        "circumstances":{"context":"conflict"},"enquirer_consent_method":"oral","vital_interest":true}"#,
    r#"{"enquirer":{"names":["Ousmane Diallo"]},
        "sought":[{"relationship":"daughter","person":{"names":["Amina Dialo", "Aminata Dyallo"],"birth_date":"2010"}}],
        "circumstances":{"context":"disaster"},"enquirer_consent_method":"oral","vital_interest":true}"#,
];

#[tokio::test]
async fn recomputing_every_list_stores_the_lists_queries_give() {
    let (store, app, actor) = store_app_and_actor(Role::Caseworker).await;
    // Loaded through another server, as a bulk import is: this one reads
    // them all at once.
    let loader = app_on(store.clone(), KEY);
    let mut sought: Vec<PersonId> = Vec::new();
    for json in REQUESTS {
        let request: OpenRequest = serde_json::from_str(json).unwrap();
        let opened = open_request(&loader, &actor, request).await.unwrap();
        sought.extend(opened.sought.iter().map(|s| s.id));
    }
    // Only what the recomputation writes is stored.
    let audit = AuditContext::system(FixedClock.now(), "test");
    for id in &sought {
        store.remove_candidates_of(&audit, *id).await.unwrap();
    }
    app.matching().load(store.as_ref()).await.unwrap();
    let summary = app
        .matching()
        .recompute_all(store.as_ref(), FixedClock.now())
        .await
        .unwrap();
    assert_eq!(summary.sought, sought.len());
    assert_eq!(
        summary.with_candidates,
        sought.len(),
        "each has a look-alike"
    );

    assert_stored_lists_are_the_queried_ones(&store, &app, actor.org(), &sought).await;
}

#[tokio::test]
async fn a_recovery_of_every_list_links_the_index_once_and_stores_the_lists_queries_give() {
    let (store, app, actor) = store_app_and_actor(Role::Caseworker).await;
    // An import by another process whose own index was empty: no list of
    // one request knows the others.
    let sought = imported_elsewhere(&store, &actor).await;
    let mut plan = recovery_without_snapshot(&app).await;
    let mut linked_parts = 0;
    while plan.linking().is_some() {
        app.recover_batch(&mut plan).await.unwrap();
        linked_parts += 1;
    }
    let Recovery::All { linkage, .. } = &plan else {
        panic!("every list to recompute: {plan:?}");
    };
    let records = linkage.progress().1;
    assert!(records > sought.len(), "{linkage:?}");
    assert_eq!(
        linkage.progress(),
        (records, records),
        "linked, not given up"
    );
    assert_eq!(linked_parts, 1);
    while !plan.is_done() {
        app.recover_batch(&mut plan).await.unwrap();
    }
    assert_stored_lists_are_the_queried_ones(&store, &app, actor.org(), &sought).await;
}

#[tokio::test]
async fn saves_during_a_recovery_of_every_list_neither_stop_its_linkage_nor_leave_a_stale_list() {
    let (store, app, actor) = store_app_and_actor(Role::Caseworker).await;
    let mut sought = imported_elsewhere(&store, &actor).await;
    let mut plan = recovery_without_snapshot(&app).await;
    // Saved on this server once the linkage has begun, and once it is
    // linked: each writes lists (theirs and their namesakes') that the
    // linkage does not know.
    let late = |name: &str, birth: &str| {
        format!(
            r#"{{"enquirer":{{"names":["Hawa Diallo"]}},
            "sought":[{{"relationship":"brother","person":{{"names":["{name}"],"birth_date":"{birth}"}}}}],
            "circumstances":{{"context":"migration"}},"enquirer_consent_method":"oral","vital_interest":true}}"#
        )
    };
    let save = |json: String| {
        let (app, actor) = (&app, &actor);
        async move {
            let request: OpenRequest = serde_json::from_str(&json).unwrap();
            let opened = open_request(app, actor, request).await.unwrap();
            opened.sought.iter().map(|s| s.id).collect::<Vec<_>>()
        }
    };
    sought.extend(save(late("Amina Dyallo", "2010-04")).await);
    while plan.linking().is_some() {
        app.recover_batch(&mut plan).await.unwrap();
    }
    let Recovery::All { linkage, .. } = &plan else {
        panic!("every list to recompute: {plan:?}");
    };
    let (linked, records) = linkage.progress();
    assert!(
        records > 0 && linked == records,
        "linked, not given up: {linkage:?}"
    );
    sought.extend(save(late("Aminata Diallo", "2010-04-12")).await);
    while !plan.is_done() {
        app.recover_batch(&mut plan).await.unwrap();
    }
    assert_stored_lists_are_the_queried_ones(&store, &app, actor.org(), &sought).await;
}

/// The sought persons of [`REQUESTS`], opened each through a server of its
/// own (as an import by another process is): no list knows the others.
async fn imported_elsewhere(store: &Arc<dyn Store>, actor: &Actor) -> Vec<PersonId> {
    let mut sought = Vec::new();
    for json in REQUESTS {
        let loader = app_on(store.clone(), KEY);
        let request: OpenRequest = serde_json::from_str(json).unwrap();
        let opened = open_request(&loader, actor, request).await.unwrap();
        sought.extend(opened.sought.iter().map(|s| s.id));
    }
    sought
}

/// Starts `app`'s matching with no snapshot and plans its recovery.
async fn recovery_without_snapshot(app: &App) -> Recovery {
    let none = std::env::temp_dir()
        .join(format!("retrace-bulk-recovery-{}", PersonId::random()))
        .join("none");
    app.start_matching(&none).await.unwrap();
    app.plan_recovery().await.unwrap()
}

async fn assert_stored_lists_are_the_queried_ones(
    store: &Arc<dyn Store>,
    app: &App,
    org: OrgId,
    sought: &[PersonId],
) {
    let scope = OrgScope::new(org);
    for id in sought {
        let mut stored: Vec<_> = store
            .candidates_for(&scope, *id)
            .await
            .unwrap()
            .into_iter()
            .filter(|c| c.sought == *id)
            .map(|c| (c.other, c.score_milli, c.explanation))
            .collect();
        let mut queried: Vec<_> = app
            .matching()
            .candidates_of(*id)
            .unwrap()
            .into_iter()
            .map(|c| (c.other, c.score_milli, c.explanation))
            .collect();
        stored.sort_by_key(|c| c.0);
        queried.sort_by_key(|c| c.0);
        assert!(!queried.is_empty(), "a list for {id}");
        assert_eq!(stored, queried, "the list of {id}");
    }
}
