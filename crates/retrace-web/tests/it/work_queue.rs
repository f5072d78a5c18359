//! The work queue on the home page, the notification bell and the
//! notifications page, and the same queue as JSON (issue 15).

use crate::harness::{TestApp, TestResponse};
use crate::tracing::{open_request, orgs, register_safe};
use axum::http::StatusCode;

fn bell(page: &TestResponse) -> Option<String> {
    page.between("class=\"badge\" aria-hidden=\"true\">", "<")
}

#[tokio::test]
async fn a_new_candidate_reaches_both_queues_and_the_bell() {
    let app = TestApp::new().await;
    orgs(&app).await;
    let be = app.signed_in("case@be.example").await;
    let fr = app.signed_in("case@fr.example").await;

    let home = be.get("/").await;
    assert!(
        home.body.contains("Nothing is waiting for you."),
        "{}",
        home.body
    );
    assert_eq!(bell(&home), None);

    let (_, sought) = open_request(&be).await;
    register_safe(&fr, &[]).await;
    let person = be.get(&format!("/persons/{sought}")).await;
    let candidate = crate::tracing::candidate_link(&person).expect("a candidate");

    // Belgium sees its own request's reference, one click from the candidate.
    let home = be.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    let group = home
        .between("data-kind=\"candidate_to_review\">", "</li>\n  </ul>")
        .or_else(|| home.between("data-kind=\"candidate_to_review\">", "</ul>"))
        .expect("a group of candidates to review");
    assert!(
        group.contains(&format!("href=\"/candidates/{candidate}\"")),
        "{group}"
    );
    assert!(group.contains("BE-"), "the request reference: {group}");
    assert_eq!(bell(&home).as_deref(), Some("1"));

    // France sees it too, without anything of the Belgian request.
    let home_fr = fr.get("/").await;
    let group_fr = home_fr
        .between("data-kind=\"candidate_to_review\">", "</ul>")
        .expect("France has it to review too");
    assert!(!group_fr.contains("BE-"), "{group_fr}");
    assert!(group_fr.contains(&format!("href=\"/candidates/{candidate}\"")));

    // The queue as JSON, for the same member.
    let token = crate::access::create_token(&be).await;
    let json = app.api(&token).get("/api/v1/work-queue").await.json();
    let kinds = json["kinds"].as_array().unwrap();
    let to_review = kinds
        .iter()
        .find(|k| k["kind"] == "candidate_to_review")
        .unwrap();
    assert_eq!(to_review["count"], 1);
    assert_eq!(
        to_review["items"][0]["href"],
        format!("/candidates/{candidate}")
    );
    assert_eq!(json["unread"], 1);

    // Marking read empties the bell, not the queue.
    let page = be.get("/notifications").await;
    assert!(
        page.body.contains("1 new since you last looked."),
        "{}",
        page.body
    );
    let marked = be.post("/notifications/read", &[]).await;
    assert_eq!(marked.status, StatusCode::SEE_OTHER);
    let home = be.get("/").await;
    assert_eq!(bell(&home), None);
    assert!(
        home.body
            .contains(&format!("href=\"/candidates/{candidate}\""))
    );
    // France's bell is its own.
    assert_eq!(bell(&fr.get("/").await).as_deref(), Some("1"));

    // Reviewing it takes it off Belgium's queue only.
    let reviewed = be
        .post(
            &format!("/candidates/{candidate}/review"),
            &[("status", "confirmed"), ("reason", "same father's name")],
        )
        .await;
    assert_eq!(reviewed.status, StatusCode::SEE_OTHER, "{}", reviewed.body);
    assert!(
        !be.get("/")
            .await
            .body
            .contains("data-kind=\"candidate_to_review\"")
    );
    assert!(
        fr.get("/")
            .await
            .body
            .contains("data-kind=\"candidate_to_review\"")
    );
}

#[tokio::test]
async fn the_queue_and_notifications_need_a_member() {
    let app = TestApp::new().await;
    orgs(&app).await;
    let anonymous = app.client();
    anonymous
        .get("/notifications")
        .await
        .assert_redirect_to_sign_in();
    assert_eq!(
        anonymous.get("/api/v1/work-queue").await.status,
        StatusCode::UNAUTHORIZED
    );
    anonymous
        .post("/notifications/read", &[])
        .await
        .assert_redirect_to_sign_in();

    // A role without casework has only the network posts it follows
    // (issue 14): a bell, and nothing of the caseworkers' kinds.
    let outreach = app.signed_in("outreach@be.example").await;
    let home = outreach.get("/").await;
    assert!(home.body.contains("class=\"bell"), "{}", home.body);
    assert!(!home.body.contains("candidate_to_review"));
    let page = outreach.get("/notifications").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("no work queue"), "{}", page.body);
    let token = crate::access::create_token(&outreach).await;
    let json = app.api(&token).get("/api/v1/work-queue").await.json();
    assert_eq!(
        json["kinds"],
        serde_json::json!([{
            "kind": "network_post", "count": 0, "unread": 0, "items": []
        }])
    );
}

#[tokio::test]
async fn the_queue_reads_in_french_and_arabic() {
    let app = TestApp::new().await;
    orgs(&app).await;
    let be = app.signed_in("case@be.example").await;
    let fr = app.signed_in("case@fr.example").await;
    open_request(&be).await;
    register_safe(&fr, &[]).await;
    for (lang, words) in [("fr", "Candidats à examiner"), ("ar", "مرشحون للمراجعة")]
    {
        let switched = be.post("/language", &[("lang", lang), ("back", "/")]).await;
        assert_eq!(switched.status, StatusCode::SEE_OTHER);
        let home = be.get("/").await;
        assert!(home.body.contains(words), "{lang}: {}", home.body);
    }
}
