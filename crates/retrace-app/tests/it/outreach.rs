use super::requests::app_and_actor;
use retrace_app::AppError;
use retrace_app::outreach::{
    Figure, FilterInput, SessionInput, dashboard, record_session, sync_sessions,
};
use retrace_domain::Role;
use serde_json::{Value, json};

fn session(id: &str, people: u32) -> Value {
    json!({
        "id": id,
        "team": "Brussels North",
        "place_kind": "station",
        "city": "Brussels",
        "started_at": "2026-05-30T18:00",
        "duration_minutes": 120,
        "members": ["Anne"],
        "mediators": ["Yonas"],
        "languages": ["ti", "ar"],
        "people_reached": people,
        "reached": [{"sex": "male", "age_band": "18_25", "nationality": "ER", "count": people}],
        "topics": ["dublin_regulation", "reception_rights"],
        "referrals": [{"service": "Medical clinic", "count": 1}]
    })
}

const A: &str = "1b4e28ba-2fa1-11d2-883f-0016d3cca427";
const B: &str = "6fa459ea-ee8a-3ca4-894e-db77e160355e";

#[tokio::test]
async fn a_batch_is_applied_item_by_item_and_a_retry_counts_nothing_twice() {
    let (app, actor) = app_and_actor(Role::OutreachWorker).await;
    let mut half_written = session(B, 3);
    half_written["reached"][0]["count"] = json!(2);
    let mut future = session("c56a4180-65aa-42ec-a945-5fd21dec0538", 1);
    future["started_at"] = json!("2027-01-01T00:00");
    let results = sync_sessions(
        &app,
        &actor,
        vec![session(A, 4), half_written, future, json!({"id": 5})],
    )
    .await
    .unwrap();
    let statuses: Vec<&str> = results.iter().map(|r| r.status).collect();
    assert_eq!(statuses, ["stored", "invalid", "invalid", "invalid"]);
    assert_eq!(results[1].field.as_deref(), Some("people_reached"));
    assert_eq!(results[2].field.as_deref(), Some("started_at"));

    let again = sync_sessions(&app, &actor, vec![session(A, 4), session(B, 3)])
        .await
        .unwrap();
    let statuses: Vec<&str> = again.iter().map(|r| r.status).collect();
    assert_eq!(statuses, ["already_applied", "stored"]);
    let board = dashboard(&app, &actor, &FilterInput::default())
        .await
        .unwrap();
    assert_eq!(
        (board.sessions, board.people),
        (Figure(Some(2)), Figure(Some(7)))
    );
}

#[tokio::test]
async fn only_outreach_workers_record_and_unknown_topics_are_named() {
    let (app, caseworker) = app_and_actor(Role::Caseworker).await;
    let input: SessionInput = serde_json::from_value(session(A, 2)).unwrap();
    assert!(matches!(
        record_session(&app, &caseworker, &input).await,
        Err(AppError::Forbidden)
    ));
    assert!(matches!(
        dashboard(&app, &caseworker, &FilterInput::default()).await,
        Err(AppError::Forbidden)
    ));
    let (app, worker) = app_and_actor(Role::OutreachWorker).await;
    let mut unknown = session(A, 2);
    unknown["topics"] = json!(["astrology"]);
    let input: SessionInput = serde_json::from_value(unknown).unwrap();
    match record_session(&app, &worker, &input).await {
        Err(AppError::Invalid { field, .. }) => assert_eq!(field, "topics[0]"),
        other => panic!("expected an invalid topic, got {other:?}"),
    }
}
