//! The API's contract (ADR 0030): the OpenAPI document describes every
//! request and response completely, and it lists exactly the operations
//! the real router answers. The property-based test against a running
//! server is `scripts/contract-test`.

use crate::access::create_scoped_token;
use crate::harness::TestApp;
use axum::http::{Method, StatusCode};
use serde_json::Value;
use std::collections::BTreeSet;

/// Where the document leaves a shape open: an object without properties,
/// an array without items.
fn bare_schemas(value: &Value, at: &str, found: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            let typed = |t: &str| match map.get("type") {
                Some(Value::String(s)) => s == t,
                Some(Value::Array(all)) => all.iter().any(|v| v == t),
                _ => false,
            };
            let composed = [
                "properties",
                "additionalProperties",
                "oneOf",
                "anyOf",
                "allOf",
                "$ref",
            ]
            .iter()
            .any(|k| map.contains_key(*k));
            if typed("object") && !composed {
                found.push(format!("{at}: object without properties"));
            }
            if typed("array") && !map.contains_key("items") {
                found.push(format!("{at}: array without items"));
            }
            for (key, inner) in map {
                bare_schemas(inner, &format!("{at}/{key}"), found);
            }
        }
        Value::Array(all) => {
            for (i, inner) in all.iter().enumerate() {
                bare_schemas(inner, &format!("{at}[{i}]"), found);
            }
        }
        _ => {}
    }
}

fn operations(doc: &Value) -> BTreeSet<(String, String)> {
    let mut all = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            all.insert((method.to_uppercase(), path.clone()));
        }
    }
    all
}

#[tokio::test]
async fn every_request_and_response_schema_is_complete() {
    let app = TestApp::new().await;
    let response = app.client().get("/api/v1/openapi.json").await;
    assert_eq!(response.status, StatusCode::OK);
    let doc = response.json();
    let mut problems = Vec::new();
    bare_schemas(&doc, "", &mut problems);
    for (method, path) in operations(&doc) {
        let operation = &doc["paths"][&path][method.to_lowercase()];
        for (code, answer) in operation["responses"].as_object().unwrap() {
            let content = answer["content"].as_object();
            if code.starts_with('2') && code != "204" && content.is_none_or(|c| c.is_empty()) {
                problems.push(format!("{method} {path} {code}: no content"));
            }
            for (media, body) in content.into_iter().flatten() {
                if body["schema"].is_null() {
                    problems.push(format!("{method} {path} {code} {media}: no schema"));
                }
            }
        }
    }
    // Every `$ref` names a schema that exists.
    let text = doc.to_string();
    for (at, _) in text.match_indices("#/components/schemas/") {
        let rest = &text[at + 21..];
        let name: String = rest.chars().take_while(|c| c.is_alphanumeric()).collect();
        if doc["components"]["schemas"][&name].is_null() {
            problems.push(format!("$ref to a missing schema {name}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The path with each `{parameter}` filled with a plausible value.
fn concrete(path: &str) -> String {
    path.split('/')
        .map(|part| match part {
            "{code}" => "BE",
            "{stage}" => "referral",
            "{kind}" => "requests",
            "{key}" => "risk_assessment",
            p if p.starts_with('{') => "5f0c3a52-9d1e-4c1b-8a5e-3d0f1b2c4d6e",
            p => p,
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The document lists exactly the operations of the real router: each
/// documented method and path reaches the router's scope check (a token
/// without the operation's scope gets `insufficient_scope`, never the
/// 404 or 405 of an unrouted one), and each is in the route table
/// (`api_scopes::API_ROUTES`, which a unit test checks against the
/// router's source) and the other way round.
#[tokio::test]
async fn every_documented_operation_is_routed_and_every_route_documented() {
    let app = TestApp::new().await;
    let org = app.org("Belgian Red Cross", "BE").await;
    app.member(
        "all@be.example",
        org,
        "org_admin,caseworker,referral_officer,outreach_worker,coordinator,viewer",
    )
    .await;
    let browser = app.signed_in("all@be.example").await;
    let scopes = ["read", "write", "export", "admin"];
    let mut without = Vec::new();
    for scope in scopes {
        let others: Vec<&str> = scopes.iter().copied().filter(|s| *s != scope).collect();
        without.push((scope, create_scoped_token(&browser, &others).await));
    }
    let doc = app.client().get("/api/v1/openapi.json").await.json();
    let documented = operations(&doc);
    let table: BTreeSet<(String, String)> = retrace_web::api_route_table()
        .into_iter()
        .map(|(method, path)| (method.to_owned(), path.to_owned()))
        .collect();
    let undocumented: Vec<_> = table.difference(&documented).collect();
    assert!(
        undocumented.is_empty(),
        "routed but not documented: {undocumented:?}"
    );
    let unrouted: Vec<_> = documented.difference(&table).collect();
    assert!(
        unrouted.is_empty(),
        "documented but not routed: {unrouted:?}"
    );

    // A path no route has, for comparison: the router's own 404.
    let (_, token) = &without[0];
    let nowhere = app.api(token).get("/api/v1/no-such-route").await;
    assert_eq!(nowhere.status, StatusCode::NOT_FOUND);

    for (method, path) in &documented {
        let operation = &doc["paths"][path][method.to_lowercase()];
        let method: Method = method.parse().unwrap();
        let uri = concrete(path);
        let body = Some(("application/json", "{}".to_owned()));
        match operation["x-required-scope"].as_str() {
            Some(scope) => {
                let (_, token) = without.iter().find(|(s, _)| *s == scope).unwrap();
                let response = app.api(token).send(method.clone(), &uri, body, None).await;
                assert_eq!(
                    response.status,
                    StatusCode::FORBIDDEN,
                    "{method} {uri}: {}",
                    response.body
                );
                assert_eq!(
                    response.json()["code"],
                    "insufficient_scope",
                    "{method} {uri}"
                );
            }
            None => {
                let response = app.client().send(method.clone(), &uri, None, None).await;
                assert!(
                    response.status != StatusCode::NOT_FOUND
                        && response.status != StatusCode::METHOD_NOT_ALLOWED,
                    "{method} {uri}: {}",
                    response.status
                );
            }
        }
    }
}
