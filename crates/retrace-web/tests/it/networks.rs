//! Networks (issue 14) through the pages and the API: members see their
//! networks' posts, non-members see exactly "not found" on every route,
//! viewers read without writing, minutes are the coordinators', follows
//! reach the notifications, and the operator creates networks.

use crate::form_pages::{NOT_ON_A_FRENCH_PAGE, assert_form_page};
use crate::harness::{TestApp, TestResponse};
use axum::http::StatusCode;
use retrace_domain::{MemberRole, NetworkName, OrgId, Text};
use retrace_store::{AuditContext, Membership};

struct World {
    network: String,
    italy: OrgId,
}

/// Italy coordinates, Greece is a member, Mexico is outside.
async fn world(app: &TestApp) -> World {
    let italy = app.org("Italian Red Cross", "IT").await;
    let greece = app.org("Hellenic Red Cross", "GR").await;
    let mexico = app.org("Mexican Red Cross", "MX").await;
    app.member("case@it.example", italy, "caseworker").await;
    app.member("case@gr.example", greece, "caseworker").await;
    app.member("viewer@gr.example", greece, "viewer").await;
    app.member("case@mx.example", mexico, "caseworker").await;
    let network = app
        .store
        .create_network(
            &AuditContext::system(app.now(), "test"),
            &NetworkName::parse("Mediterranean migration network").unwrap(),
            &Text::parse(
                "description",
                "National Societies along the routes",
                4000,
                true,
            )
            .unwrap(),
            &[
                (italy, MemberRole::Coordinator),
                (greece, MemberRole::Member),
            ],
        )
        .await
        .unwrap();
    World {
        network: network.id.to_string(),
        italy,
    }
}

fn post_id(response: &TestResponse) -> String {
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    response
        .location()
        .and_then(|l| l.strip_prefix("/network-posts/"))
        .expect("redirected to the post")
        .to_owned()
}

#[tokio::test]
async fn members_post_and_read_and_non_members_find_nothing() {
    let app = TestApp::new().await;
    let w = world(&app).await;
    let italy = app.signed_in("case@it.example").await;
    let greece = app.signed_in("case@gr.example").await;
    let mexico = app.signed_in("case@mx.example").await;

    let list = greece.get("/networks").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("Mediterranean migration network"));
    assert!(
        !mexico
            .get("/networks")
            .await
            .body
            .contains("Mediterranean migration network")
    );

    let network = format!("/networks/{}", w.network);
    let written = italy
        .post(
            &format!("{network}/posts"),
            &[
                ("kind", "route_change"),
                ("title", "Departures moved to Zuwara"),
                ("body", "Boats now leave from Zuwara."),
                ("countries", "LY, IT"),
            ],
        )
        .await;
    let post = post_id(&written);
    let page = greece.get(&format!("/network-posts/{post}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Departures moved to Zuwara"));
    assert!(page.body.contains("Italian Red Cross"));
    let filtered = greece
        .get(&format!("{network}?kind=route_change&country=LY"))
        .await;
    assert!(filtered.body.contains("Departures moved to Zuwara"));
    let other = greece.get(&format!("{network}?kind=event")).await;
    assert!(!other.body.contains("Departures moved to Zuwara"));

    // Mexico: every route looks like a network that does not exist.
    let missing = "00000000-0000-4000-8000-000000000000";
    for (real, fake) in [
        (network.clone(), format!("/networks/{missing}")),
        (
            format!("/network-posts/{post}"),
            format!("/network-posts/{missing}"),
        ),
    ] {
        let seen = mexico.get(&real).await;
        let none = mexico.get(&fake).await;
        assert_eq!(seen.status, StatusCode::NOT_FOUND, "{real}");
        assert_eq!(seen.status, none.status);
        assert!(!seen.body.contains("Zuwara"));
    }
    let refused = mexico
        .post(
            &format!("{network}/posts"),
            &[("kind", "event"), ("title", "x"), ("body", "y")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    let refused = mexico
        .post(
            &format!("{network}/members"),
            &[("org", &w.italy.to_string()), ("role", "remove")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);

    // The same through the API.
    let token = crate::access::create_token(&mexico).await;
    let api = app.api(&token);
    assert_eq!(
        api.get(&format!("/api/v1{network}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        api.get(&format!("/api/v1{network}/posts")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        api.get(&format!("/api/v1/network-posts/{post}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        api.post_json(
            &format!("/api/v1{network}/posts"),
            r#"{"kind":"event","title":"x","body":"y"}"#
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        api.get("/api/v1/networks").await.json()["networks"],
        serde_json::json!([])
    );
}

#[tokio::test]
async fn viewers_read_only_and_minutes_are_for_coordinators() {
    let app = TestApp::new().await;
    let w = world(&app).await;
    let network = format!("/networks/{}", w.network);
    let viewer = app.signed_in("viewer@gr.example").await;
    let page = viewer.get(&network).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        !page.body.contains(&format!("action=\"{network}/posts\"")),
        "no post form"
    );
    let refused = viewer
        .post(
            &format!("{network}/posts"),
            &[("kind", "event"), ("title", "x"), ("body", "y")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    let greece = app.signed_in("case@gr.example").await;
    let refused = greece
        .post(
            &format!("{network}/posts"),
            &[
                ("kind", "meeting_minutes"),
                ("title", "Annual meeting"),
                ("body", "Minutes"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .body
            .contains("coordinating organisations write minutes and joint actions"),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("Annual meeting"), "values kept");
    // A plain member may not change the membership.
    let refused = greece
        .post(
            &format!("{network}/members"),
            &[("org", &w.italy.to_string()), ("role", "remove")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    // The coordinator writes minutes and a joint action for Greece.
    let italy = app.signed_in("case@it.example").await;
    post_id(
        &italy
            .post(
                &format!("{network}/posts"),
                &[
                    ("kind", "meeting_minutes"),
                    ("title", "Annual meeting"),
                    ("body", "Minutes"),
                ],
            )
            .await,
    );
    let greek_org = app
        .store
        .organisations()
        .await
        .unwrap()
        .into_iter()
        .find(|o| o.name.as_str() == "Hellenic Red Cross")
        .unwrap()
        .id
        .to_string();
    let refused = italy
        .post(
            &format!("{network}/posts"),
            &[
                ("kind", "joint_action"),
                ("title", "Joint desk"),
                ("body", "Who does what"),
                ("owner", &greek_org),
                ("due", "30/06/2027"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let action = post_id(
        &italy
            .post(
                &format!("{network}/posts"),
                &[
                    ("kind", "joint_action"),
                    ("title", "Joint desk"),
                    ("body", "Who does what"),
                    ("owner", &greek_org),
                    ("due", "2027-06-30"),
                ],
            )
            .await,
    );
    let page = viewer.get(&format!("/network-posts/{action}")).await;
    assert!(page.body.contains("2027-06-30"));
    assert!(page.body.contains("Hellenic Red Cross"));
}

#[tokio::test]
async fn a_followed_country_rings_the_bell_and_fills_the_digest() {
    let app = TestApp::new().await;
    let w = world(&app).await;
    let network = format!("/networks/{}", w.network);
    let greece = app.signed_in("case@gr.example").await;
    let followed = greece.post("/networks/follows", &[("country", "ly")]).await;
    assert_eq!(followed.status, StatusCode::SEE_OTHER);
    let page = greece.get("/networks/follows").await;
    assert!(page.body.contains("LY"), "{}", page.body);

    let italy = app.signed_in("case@it.example").await;
    let post = post_id(
        &italy
            .post(
                &format!("{network}/posts"),
                &[
                    ("kind", "route_change"),
                    ("title", "Departures moved to Zuwara"),
                    ("body", "Boats now leave from Zuwara."),
                    ("countries", "LY"),
                ],
            )
            .await,
    );
    let home = greece.get("/").await;
    assert_eq!(
        home.between("class=\"badge\" aria-hidden=\"true\">", "<")
            .as_deref(),
        Some("1")
    );
    let notifications = greece.get("/notifications").await;
    assert!(
        notifications
            .body
            .contains(&format!("href=\"/network-posts/{post}\"")),
        "{}",
        notifications.body
    );
    // Italy wrote it and follows nothing: no bell.
    let home = italy.get("/").await;
    assert_eq!(
        home.between("class=\"badge\" aria-hidden=\"true\">", "<"),
        None
    );

    let token = crate::access::create_token(&greece).await;
    let api = app.api(&token);
    let digest = api
        .get("/api/v1/network-digest?since=2000-01-01T00:00:00Z")
        .await;
    assert_eq!(digest.status, StatusCode::OK, "{}", digest.body);
    assert_eq!(
        digest.json()["posts"][0]["title"],
        "Departures moved to Zuwara"
    );
    assert_eq!(
        api.get("/api/v1/network-digest?since=yesterday")
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        api.get("/api/v1/network-follows").await.json()["follows"],
        serde_json::json!(["country:LY"])
    );
    let unfollow = api
        .post_json(
            "/api/v1/network-follows",
            r#"{"follow":"country:LY","on":false}"#,
        )
        .await;
    assert_eq!(unfollow.status, StatusCode::OK, "{}", unfollow.body);
    assert_eq!(
        api.get("/api/v1/network-digest?since=2000-01-01T00:00:00Z")
            .await
            .json()["posts"],
        serde_json::json!([])
    );
    // Writing through the API, and its bad input named by field.
    let bad = api
        .post_json(
            &format!("/api/v1{network}/posts"),
            r#"{"kind":"event","title":"Camp","body":"x","countries":["ZZ"]}"#,
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.json()["field"], "countries[0]");
    // Every error at once: a bad kind and country do not hide the
    // missing title and text.
    let bad = api
        .post_json(
            &format!("/api/v1{network}/posts"),
            r#"{"kind":"rumour","title":" ","body":"","countries":["ZZ"]}"#,
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<String> = bad.json()["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|error| error["field"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        fields,
        ["kind", "title", "body", "countries[0]"],
        "{}",
        bad.body
    );
    let made = api
        .post_json(
            &format!("/api/v1{network}/posts"),
            r#"{"kind":"event","title":"Camp","body":"x","countries":["GR"]}"#,
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    assert_eq!(made.json()["org_name"], "Hellenic Red Cross");
}

#[tokio::test]
async fn anonymous_callers_and_operators_see_no_network() {
    let app = TestApp::new().await;
    let w = world(&app).await;
    let anonymous = app.client();
    for path in [
        "/networks".to_owned(),
        "/networks/follows".to_owned(),
        format!("/networks/{}", w.network),
        "/operator/networks".to_owned(),
    ] {
        anonymous.get(&path).await.assert_redirect_to_sign_in();
    }
    for path in [
        format!("/networks/{}/posts", w.network),
        format!("/networks/{}/members", w.network),
        "/networks/follows".to_owned(),
        "/operator/networks".to_owned(),
    ] {
        anonymous
            .post(&path, &[])
            .await
            .assert_redirect_to_sign_in();
    }
    for path in [
        "/api/v1/networks".to_owned(),
        format!("/api/v1/networks/{}/posts", w.network),
        "/api/v1/network-digest?since=2000-01-01T00:00:00Z".to_owned(),
    ] {
        assert_eq!(
            anonymous.get(&path).await.status,
            StatusCode::UNAUTHORIZED,
            "{path}"
        );
    }
    // A member is not an operator.
    let member = app.signed_in("case@it.example").await;
    assert_eq!(
        member.get("/operator/networks").await.status,
        StatusCode::FORBIDDEN
    );

    // The operator creates a network; it reads no posts.
    app.account("ops@example.org", Membership::Operator).await;
    let operator = app.signed_in("ops@example.org").await;
    assert_eq!(
        operator
            .get(&format!("/networks/{}", w.network))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let refused = operator
        .post(
            "/operator/networks",
            &[("name", "Americas group"), ("description", "")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let created = operator
        .post(
            "/operator/networks",
            &[
                ("name", "Americas group"),
                ("coordinators", &w.italy.to_string()),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    assert!(
        operator
            .get("/operator/networks")
            .await
            .body
            .contains("Americas group")
    );
    let italy = app.signed_in("case@it.example").await;
    assert!(italy.get("/networks").await.body.contains("Americas group"));
}

#[tokio::test]
async fn the_network_pages_read_in_french_spanish_and_arabic() {
    let app = TestApp::new().await;
    let w = world(&app).await;
    let greece = app.signed_in("case@gr.example").await;
    for (lang, words) in [
        ("fr", "Écrire une publication"),
        ("es", "Escribir una publicación"),
        ("ar", "كتابة منشور"),
    ] {
        let switched = greece
            .post("/language", &[("lang", lang), ("back", "/")])
            .await;
        assert_eq!(switched.status, StatusCode::SEE_OTHER);
        let page = greece.get(&format!("/networks/{}", w.network)).await;
        assert!(page.body.contains(words), "{lang}: {}", page.body);
        assert_eq!(page.body.contains("dir=\"rtl\""), lang == "ar", "{lang}");
    }
}

/// Issue 15, item 4: a rule of the networks refused in English on French
/// and Arabic pages; it is now coded and translated.
#[tokio::test]
async fn the_minutes_rule_reads_in_french_and_arabic() {
    let app = TestApp::new().await;
    let w = world(&app).await;
    let greece = app.signed_in("case@gr.example").await;
    for (lang, translated) in [
        (
            "fr",
            "seules les organisations coordinatrices du réseau rédigent les comptes rendus",
        ),
        ("ar", "لا يكتب المحاضرَ والأعمالَ المشتركة إلا المنظماتُ المنسّقة"),
    ] {
        greece
            .post("/language", &[("lang", lang), ("back", "/")])
            .await;
        let refused = greece
            .post(
                &format!("/networks/{}/posts", w.network),
                &[
                    ("kind", "meeting_minutes"),
                    ("title", "Annual meeting"),
                    ("body", "Minutes"),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            refused.body.contains(translated),
            "{lang}: {}",
            refused.body
        );
        assert!(
            !refused.body.contains("write minutes and joint actions"),
            "{lang}: {}",
            refused.body
        );
    }
}

#[tokio::test]
async fn a_refused_post_marks_every_error_in_french_and_keeps_what_was_typed() {
    let app = TestApp::new().await;
    let w = world(&app).await;
    let italy = app.signed_in("case@it.example").await;
    italy.set_cookie("retrace_lang", "fr");
    let refused = italy
        .post(
            &format!("/networks/{}/posts", w.network),
            &[
                ("kind", "joint_action"),
                ("title", "Patrouilles conjointes"),
                ("body", "Deux équipes à Lampedusa."),
                ("countries", "Libye"),
                ("owner", ""),
                ("due", "demain"),
            ],
        )
        .await;
    assert_form_page(
        &refused,
        StatusCode::UNPROCESSABLE_ENTITY,
        &[
            "Ce formulaire contient 3 erreurs",
            "choisissez l’organisation qui la mène",
            "doit être un code de pays",
            "doit être une date comme 2026-05-31",
            r#"id="form-error" tabindex="-1""#,
            r##"<a href="#post-countries">"##,
            r#"value="Libye" dir="ltr" aria-invalid="true" aria-describedby="post-countries-hint err-post-countries""#,
            r#"name="owner" aria-invalid="true" aria-describedby="err-post-owner""#,
            r#"value="demain" aria-invalid="true" aria-describedby="err-post-due""#,
            r#"value="joint_action" selected"#,
            "Patrouilles conjointes",
            "Deux équipes à Lampedusa.",
        ],
        NOT_ON_A_FRENCH_PAGE,
    );

    // The operator's form: an empty name and no coordinator, both marked,
    // the members ticked kept.
    app.account("ops@example.org", Membership::Operator).await;
    let operator = app.signed_in("ops@example.org").await;
    operator.set_cookie("retrace_lang", "fr");
    let italy_id = w.italy.to_string();
    let refused = operator
        .post(
            "/operator/networks",
            &[
                ("name", " "),
                ("description", "Le long des routes"),
                ("members", italy_id.as_str()),
            ],
        )
        .await;
    assert_form_page(
        &refused,
        StatusCode::UNPROCESSABLE_ENTITY,
        &[
            "Ce formulaire contient 2 erreurs",
            r##"<a href="#network-coordinators">"##,
            r#"<fieldset id="network-coordinators" aria-invalid="true" aria-describedby="err-network-coordinators">"#,
            r#"aria-invalid="true" aria-describedby="err-network-name""#,
            "Le long des routes",
            &format!(r#"name="members" value="{italy_id}" checked"#),
        ],
        NOT_ON_A_FRENCH_PAGE,
    );
}
