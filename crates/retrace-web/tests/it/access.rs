//! Every route against three callers that must be refused: anonymous, the
//! wrong role, and a member of another organisation (whose view of a record
//! must be indistinguishable from a record that does not exist).

use crate::harness::{TestApp, TestResponse};
use axum::http::StatusCode;
use retrace_store::Membership;

const PAGE_GETS: [&str; 26] = [
    "/",
    "/export/pfif",
    "/account",
    "/account/second-factor",
    "/org/users",
    "/org/users/00000000-0000-4000-8000-000000000000",
    "/org/audit",
    "/org/retention",
    "/persons/00000000-0000-4000-8000-000000000000/subject-access",
    "/persons/00000000-0000-4000-8000-000000000000/subject-access.json",
    "/persons/00000000-0000-4000-8000-000000000000/subject-access.pdf",
    "/operator/organisations",
    "/operator/users",
    "/requests",
    "/requests/new",
    "/requests/export",
    "/requests/00000000-0000-4000-8000-000000000000",
    "/requests/00000000-0000-4000-8000-000000000000/edit",
    "/requests/00000000-0000-4000-8000-000000000000/sought/new",
    "/persons/00000000-0000-4000-8000-000000000000",
    "/registrations",
    "/sought",
    "/candidates/00000000-0000-4000-8000-000000000000",
    "/requests/00000000-0000-4000-8000-000000000000/transfer",
    "/transfers",
    "/transfers/00000000-0000-4000-8000-000000000000",
];

const PAGE_POSTS: [&str; 29] = [
    "/export/pfif",
    "/account/password",
    "/account/second-factor",
    "/account/second-factor/remove",
    "/account/api-tokens",
    "/account/api-tokens/00000000-0000-4000-8000-000000000000/revoke",
    "/org/users",
    "/org/users/00000000-0000-4000-8000-000000000000/roles",
    "/org/users/00000000-0000-4000-8000-000000000000/disable",
    "/org/users/00000000-0000-4000-8000-000000000000/enable",
    "/org/users/00000000-0000-4000-8000-000000000000/reset-password",
    "/operator/organisations",
    "/operator/users",
    "/requests/export",
    "/requests",
    "/requests/00000000-0000-4000-8000-000000000000/edit",
    "/requests/00000000-0000-4000-8000-000000000000/status",
    "/requests/00000000-0000-4000-8000-000000000000/sought",
    "/persons/00000000-0000-4000-8000-000000000000/edit",
    "/persons/00000000-0000-4000-8000-000000000000/consents",
    "/persons/00000000-0000-4000-8000-000000000000/consents/00000000-0000-4000-8000-000000000000/withdraw",
    "/registrations",
    "/candidates/00000000-0000-4000-8000-000000000000/review",
    "/candidates/00000000-0000-4000-8000-000000000000/release",
    "/candidates/00000000-0000-4000-8000-000000000000/messages",
    "/candidates/00000000-0000-4000-8000-000000000000/messages/00000000-0000-4000-8000-000000000000/advance",
    "/requests/00000000-0000-4000-8000-000000000000/transfers",
    "/requests/00000000-0000-4000-8000-000000000000/transfers/00000000-0000-4000-8000-000000000000/revoke",
    "/transfers/00000000-0000-4000-8000-000000000000/decision",
];

const API_GETS: [&str; 16] = [
    "/api/v1/me",
    "/api/v1/org/users",
    "/api/v1/org/users/00000000-0000-4000-8000-000000000000",
    "/api/v1/org/audit",
    "/api/v1/persons/00000000-0000-4000-8000-000000000000/subject-access",
    "/api/v1/organisations",
    "/api/v1/requests",
    "/api/v1/registrations",
    "/api/v1/requests/00000000-0000-4000-8000-000000000000",
    "/api/v1/persons/00000000-0000-4000-8000-000000000000",
    "/api/v1/persons/00000000-0000-4000-8000-000000000000/candidates",
    "/api/v1/candidates/00000000-0000-4000-8000-000000000000",
    "/api/v1/candidates/00000000-0000-4000-8000-000000000000/messages",
    "/api/v1/requests/00000000-0000-4000-8000-000000000000/transfers",
    "/api/v1/transfers",
    "/api/v1/transfers/00000000-0000-4000-8000-000000000000",
];

#[tokio::test]
async fn anonymous_pages_redirect_to_sign_in() {
    let app = TestApp::new().await;
    let browser = app.client();
    for path in PAGE_GETS {
        let response = browser.get(path).await;
        response.assert_redirect_to_sign_in();
        if path != "/" {
            assert!(
                response.location().unwrap().contains("next="),
                "{path} should come back after sign-in"
            );
        }
    }
    for path in PAGE_POSTS {
        browser.post(path, &[]).await.assert_redirect_to_sign_in();
    }
}

#[tokio::test]
async fn anonymous_api_gets_401_json() {
    let app = TestApp::new().await;
    let client = app.client();
    for path in API_GETS {
        let response = client.get(path).await;
        assert_eq!(response.status, StatusCode::UNAUTHORIZED, "{path}");
        let json = response.json();
        assert_eq!(json["code"], "unauthenticated", "{path}");
        assert!(json["message"].is_string());
    }
    let response = client
        .post_json(
            "/api/v1/organisations",
            r#"{"name":"X","kind":"ngo","country":"BE"}"#,
        )
        .await;
    assert_eq!(response.status, StatusCode::UNAUTHORIZED);
    let bad_token = app.api("rt_not-a-real-token");
    assert_eq!(
        bad_token.get("/api/v1/me").await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn public_routes_answer_without_sign_in() {
    let app = TestApp::new().await;
    let client = app.client();
    assert_eq!(client.get("/sign-in").await.status, StatusCode::OK);
    assert_eq!(client.get("/static/app.css").await.status, StatusCode::OK);
    let health = client.get("/healthz").await;
    assert_eq!(health.status, StatusCode::OK);
    assert_eq!(health.json()["database"], "ok");
    let openapi = client.get("/api/v1/openapi.json").await;
    assert_eq!(openapi.status, StatusCode::OK);
    assert!(openapi.json()["paths"]["/api/v1/me"].is_object());
    // Every API route is described in the document.
    let paths = &openapi.json()["paths"];
    for (path, method) in [
        ("/api/v1/me", "get"),
        ("/api/v1/work-queue", "get"),
        ("/api/v1/org/users", "get"),
        ("/api/v1/org/users/{id}", "get"),
        ("/api/v1/org/audit", "get"),
        ("/api/v1/retention", "get"),
        ("/api/v1/retention/{kind}", "post"),
        ("/api/v1/organisations", "get"),
        ("/api/v1/organisations", "post"),
        ("/api/v1/requests", "get"),
        ("/api/v1/requests", "post"),
        ("/api/v1/registrations", "get"),
        ("/api/v1/registrations", "post"),
        ("/api/v1/requests/{id}", "get"),
        ("/api/v1/persons/{id}", "get"),
        ("/api/v1/persons/{id}/candidates", "get"),
        ("/api/v1/persons/{id}/subject-access", "get"),
        ("/api/v1/pfif/persons", "get"),
        ("/api/v1/imports/pfif", "post"),
        ("/api/v1/persons/{id}/consents", "get"),
        ("/api/v1/persons/{id}/consents", "post"),
        ("/api/v1/persons/{id}/consents/{consent}/withdraw", "post"),
        ("/api/v1/candidates/{id}", "get"),
        ("/api/v1/candidates/{id}/review", "post"),
        ("/api/v1/candidates/{id}/release", "post"),
        ("/api/v1/candidates/{id}/messages", "get"),
        ("/api/v1/candidates/{id}/messages", "post"),
        ("/api/v1/requests/{id}/transfers", "get"),
        ("/api/v1/requests/{id}/transfers", "post"),
        ("/api/v1/transfers", "get"),
        ("/api/v1/transfers/{id}", "get"),
        ("/api/v1/transfers/{id}/decision", "post"),
    ] {
        assert!(
            paths[path][method].is_object(),
            "{method} {path} is not documented"
        );
    }
    // Metrics are for the operator's scraper only (see security.rs).
    let metrics = client.get("/metrics").await;
    assert_eq!(metrics.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn wrong_role_is_forbidden_on_pages() {
    let app = TestApp::new().await;
    let org = app.org("Croix-Rouge de Belgique", "BE").await;
    let target = app.member("target@be.example", org, "viewer").await;
    app.member("case@be.example", org, "caseworker").await;
    let caseworker = app.signed_in("case@be.example").await;
    let user_page = format!("/org/users/{target}");
    for path in [
        "/org/users",
        user_page.as_str(),
        "/org/audit",
        "/org/retention",
        "/operator/organisations",
        "/operator/users",
    ] {
        let response = caseworker.get(path).await;
        assert_eq!(response.status, StatusCode::FORBIDDEN, "{path}");
        assert!(
            response.body.contains("<html"),
            "{path} answers with a page"
        );
    }
    for action in ["roles", "disable", "enable", "reset-password"] {
        let path = format!("/org/users/{target}/{action}");
        let response = caseworker.post(&path, &[("roles", "org_admin")]).await;
        assert_eq!(response.status, StatusCode::FORBIDDEN, "{path}");
    }
    let create = caseworker
        .post(
            "/org/users",
            &[
                ("email", "new@be.example"),
                ("display_name", "New"),
                ("roles", "org_admin"),
            ],
        )
        .await;
    assert_eq!(create.status, StatusCode::FORBIDDEN);
    let create_org = caseworker
        .post(
            "/operator/organisations",
            &[("name", "Mine"), ("kind", "ngo"), ("country", "BE")],
        )
        .await;
    assert_eq!(create_org.status, StatusCode::FORBIDDEN);
    // Nothing was changed by the refused requests.
    let scope = retrace_store::OrgScope::new(org);
    assert_eq!(app.store.users_in(&scope).await.unwrap().len(), 2);
    assert_eq!(app.store.organisations().await.unwrap().len(), 1);
}

#[tokio::test]
async fn operators_manage_accounts_but_not_organisation_pages() {
    let app = TestApp::new().await;
    app.account("op@retrace.example", Membership::Operator)
        .await;
    let operator = app.signed_in("op@retrace.example").await;
    assert_eq!(
        operator.get("/operator/organisations").await.status,
        StatusCode::OK
    );
    for path in ["/org/users", "/org/audit", "/org/retention"] {
        assert_eq!(
            operator.get(path).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
}

#[tokio::test]
async fn wrong_role_is_forbidden_on_the_api() {
    let app = TestApp::new().await;
    let org = app.org("Croix-Rouge française", "FR").await;
    app.member("viewer@fr.example", org, "viewer").await;
    let browser = app.signed_in("viewer@fr.example").await;
    let token = create_token(&browser).await;
    let api = app.api(&token);
    assert_eq!(api.get("/api/v1/me").await.status, StatusCode::OK);
    for path in [
        "/api/v1/org/users",
        "/api/v1/org/audit",
        "/api/v1/retention",
        "/api/v1/organisations",
    ] {
        let response = api.get(path).await;
        assert_eq!(response.status, StatusCode::FORBIDDEN, "{path}");
        assert_eq!(response.json()["code"], "forbidden", "{path}");
    }
    let response = api
        .post_json(
            "/api/v1/organisations",
            r#"{"name":"X","kind":"ngo","country":"BE"}"#,
        )
        .await;
    assert_eq!(response.status, StatusCode::FORBIDDEN);
}

/// A token with every scope, valid 90 days.
pub async fn create_token(browser: &crate::harness::Client<'_>) -> String {
    create_scoped_token(browser, &["read", "write", "export", "admin"]).await
}

pub async fn create_scoped_token(browser: &crate::harness::Client<'_>, scopes: &[&str]) -> String {
    let mut form = vec![("name", "laptop"), ("expires_in_days", "90")];
    form.extend(scopes.iter().map(|scope| ("scopes", *scope)));
    let response = browser.post("/account/api-tokens", &form).await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.body);
    response
        .between("id=\"new-token\">", "</code>")
        .expect("the new token is shown once")
}

/// Status and body with the request-specific path taken out.
fn shape(response: &TestResponse, id: &str) -> (StatusCode, String) {
    (response.status, response.body.replace(id, "ID"))
}

#[tokio::test]
async fn another_organisations_account_looks_missing() {
    let app = TestApp::new().await;
    let belgium = app.org("Belgian Red Cross", "BE").await;
    let france = app.org("French Red Cross", "FR").await;
    app.member("admin@be.example", belgium, "org_admin").await;
    let foreign = app.member("case@fr.example", france, "caseworker").await;
    let missing = "5f0c3a52-9d1e-4c1b-8a5e-3d0f1b2c4d6e";
    let foreign_id = foreign.to_string();
    let admin = app.signed_in("admin@be.example").await;

    let seen = admin.get(&format!("/org/users/{foreign_id}")).await;
    let absent = admin.get(&format!("/org/users/{missing}")).await;
    assert_eq!(seen.status, StatusCode::NOT_FOUND);
    assert_eq!(shape(&seen, &foreign_id), shape(&absent, missing));

    for action in ["roles", "disable", "enable", "reset-password"] {
        let seen = admin
            .post(
                &format!("/org/users/{foreign_id}/{action}"),
                &[("roles", "viewer")],
            )
            .await;
        let absent = admin
            .post(
                &format!("/org/users/{missing}/{action}"),
                &[("roles", "viewer")],
            )
            .await;
        assert_eq!(seen.status, StatusCode::NOT_FOUND, "{action}");
        assert_eq!(
            shape(&seen, &foreign_id),
            shape(&absent, missing),
            "{action}"
        );
    }
    // The foreign account is untouched.
    let account = app.store.user(foreign).await.unwrap().unwrap();
    assert!(!account.disabled);
    assert_eq!(
        account.membership,
        Membership::Member {
            org: france,
            roles: retrace_domain::RoleSet::parse_list("caseworker").unwrap()
        }
    );

    let token = create_token(&admin).await;
    let api = app.api(&token);
    let seen = api.get(&format!("/api/v1/org/users/{foreign_id}")).await;
    let absent = api.get(&format!("/api/v1/org/users/{missing}")).await;
    assert_eq!(seen.status, StatusCode::NOT_FOUND);
    assert_eq!(shape(&seen, &foreign_id), shape(&absent, missing));
    let listed = api.get("/api/v1/org/users").await;
    assert!(!listed.body.contains("fr.example"), "{}", listed.body);
}

#[tokio::test]
async fn another_users_api_token_looks_missing() {
    let app = TestApp::new().await;
    let org = app.org("IOM Italy", "IT").await;
    app.member("a@it.example", org, "caseworker").await;
    app.member("b@it.example", org, "caseworker").await;
    let a = app.signed_in("a@it.example").await;
    let b = app.signed_in("b@it.example").await;
    create_token(&a).await;
    let a_token_id = app
        .store
        .api_tokens(
            app.store
                .user_by_email(&retrace_domain::Email::parse("a@it.example").unwrap())
                .await
                .unwrap()
                .unwrap()
                .id,
        )
        .await
        .unwrap()[0]
        .id
        .to_string();
    let seen = b
        .post(&format!("/account/api-tokens/{a_token_id}/revoke"), &[])
        .await;
    let missing = "5f0c3a52-9d1e-4c1b-8a5e-3d0f1b2c4d6e";
    let absent = b
        .post(&format!("/account/api-tokens/{missing}/revoke"), &[])
        .await;
    assert_eq!(seen.status, StatusCode::NOT_FOUND);
    assert_eq!(shape(&seen, &a_token_id), shape(&absent, missing));
}

#[tokio::test]
async fn audit_pages_show_only_the_own_organisation() {
    let app = TestApp::new().await;
    let belgium = app.org("Belgian Red Cross", "BE").await;
    let france = app.org("French Red Cross", "FR").await;
    app.member("admin@be.example", belgium, "org_admin").await;
    app.member("admin@fr.example", france, "org_admin").await;
    let be = app.signed_in("admin@be.example").await;
    let _fr = app.signed_in("admin@fr.example").await;
    let page = be.get("/org/audit").await;
    assert_eq!(page.status, StatusCode::OK);
    let table = page
        .between("id=\"audit-entries\"", "</table>")
        .expect("the entries");
    assert!(table.contains(">Signed in</td>"), "actions as words");
    assert!(!table.contains("signed_in"), "no raw action codes");
    assert!(!page.body.contains("admin@fr.example"), "{}", page.body);
}

/// The audit log is read by who, what, which object and which days; an
/// account of another organisation finds nothing, and filters that cannot
/// be read are all marked on the log's own form, in the page's language.
#[tokio::test]
async fn the_audit_log_is_filtered_and_its_unreadable_filters_marked() {
    let app = TestApp::new().await;
    let belgium = app.org("Belgian Red Cross", "BE").await;
    let france = app.org("French Red Cross", "FR").await;
    let admin = app.member("admin@be.example", belgium, "org_admin").await;
    let case = app.member("case@be.example", belgium, "caseworker").await;
    let french = app.member("case@fr.example", france, "caseworker").await;
    let be = app.signed_in("admin@be.example").await;
    let _case = app.signed_in("case@be.example").await;
    let _french = app.signed_in("case@fr.example").await;

    let entries = |page: &crate::harness::TestResponse| -> Vec<String> {
        page.between("id=\"audit-entries\"", "</table>")
            .unwrap_or_default()
            .split("<tr>")
            .skip(2)
            .map(str::to_owned)
            .collect()
    };
    let by_case = be
        .get(&format!("/org/audit?actor={case}&action=signed_in"))
        .await;
    assert_eq!(by_case.status, StatusCode::OK, "{}", by_case.body);
    let rows = entries(&by_case);
    assert_eq!(rows.len(), 1, "{}", by_case.body);
    assert!(rows[0].contains(">Signed in</td>"), "{}", rows[0]);
    // The actor chosen is kept in the form.
    assert!(by_case.body.contains(&format!("value=\"{case}\" selected")));
    // The account's own sign-in, and nothing of the French account's.
    let by_admin = be.get(&format!("/org/audit?actor={admin}")).await;
    assert!(!entries(&by_admin).is_empty());
    let by_french = be.get(&format!("/org/audit?actor={french}")).await;
    assert_eq!(by_french.status, StatusCode::OK);
    assert!(entries(&by_french).is_empty());
    assert!(by_french.body.contains("No entry matches these filters."));
    // Every entry's object links to the entries about it.
    assert!(
        by_case
            .body
            .contains(&format!("href=\"/org/audit?object={case}\"")),
        "{}",
        by_case.body
    );
    let about = be
        .get(&format!("/org/audit?object={case}&object_kind=user"))
        .await;
    assert!(
        entries(&about)
            .iter()
            .all(|row| row.contains(&case.to_string()))
    );
    let api_client = app.api(&create_token(&be).await);
    let api = api_client
        .get(&format!("/api/v1/org/audit?actor={case}&action=signed_in"))
        .await;
    assert_eq!(api.status, StatusCode::OK, "{}", api.body);
    assert_eq!(api.json()["entries"].as_array().map(Vec::len), Some(1));

    be.set_cookie("retrace_lang", "fr");
    let refused = be
        .get("/org/audit?actor=someone&action=peeked&from=2026-13-01&to=2026-01-01")
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    for control in ["actor", "action", "from"] {
        assert!(
            refused.body.contains(&format!("<a href=\"#{control}\">")),
            "{control}: {}",
            refused.body
        );
    }
    assert!(
        refused.body.contains("Ce formulaire contient 3 erreurs"),
        "{}",
        refused.body
    );
    assert!(!refused.body.contains("id=\"audit-entries\""));
    let api_refused = api_client.get("/api/v1/org/audit?action=peeked").await;
    assert_eq!(api_refused.status, StatusCode::UNPROCESSABLE_ENTITY);
}
