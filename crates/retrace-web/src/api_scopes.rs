//! The scope each API route needs, declared once here: the scope check
//! (`enforce`, a route layer over the whole router) and the OpenAPI
//! document both read this table, and a test checks that it lists exactly
//! the routes of the router. A matched `/api/` route missing from it is
//! refused (fail closed).
//!
//! Scopes narrow what a token may do; the roles of the token's account
//! still apply on top (a `write` token of a viewer cannot open a request).

use crate::error::WebError;
use crate::identity::Identity;
use axum::extract::{MatchedPath, Request};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use retrace_domain::ApiScope;

/// One API route: method (upper case), path as routed, and the scope a
/// token needs (`None`: open to anyone, e.g. the OpenAPI document).
pub struct ApiRoute {
    pub method: &'static str,
    pub path: &'static str,
    pub scope: Option<ApiScope>,
}

const fn route(method: &'static str, path: &'static str, scope: ApiScope) -> ApiRoute {
    ApiRoute {
        method,
        path,
        scope: Some(scope),
    }
}

use ApiScope::{Admin, Export, Read, Write};

/// Every API route and the scope it needs.
pub const API_ROUTES: &[ApiRoute] = &[
    ApiRoute {
        method: "GET",
        path: "/api/v1/openapi.json",
        scope: None,
    },
    route("GET", "/api/v1/me", Read),
    route("GET", "/api/v1/work-queue", Read),
    // Networks (issue 14).
    route("GET", "/api/v1/networks", Read),
    route("GET", "/api/v1/networks/{id}", Read),
    route("GET", "/api/v1/networks/{id}/posts", Read),
    route("POST", "/api/v1/networks/{id}/posts", Write),
    route("GET", "/api/v1/network-posts/{id}", Read),
    route("GET", "/api/v1/network-follows", Read),
    route("POST", "/api/v1/network-follows", Write),
    route("GET", "/api/v1/network-digest", Read),
    route("GET", "/api/v1/practices", Read),
    route("GET", "/api/v1/practices/{id}", Read),
    // Pledge indicators (issue 14, item 3).
    route("GET", "/api/v1/indicators", Read),
    route("PUT", "/api/v1/indicators/{year}", Write),
    route("GET", "/api/v1/networks/{id}/indicators", Read),
    // Organisation administration.
    route("GET", "/api/v1/org/users", Admin),
    route("POST", "/api/v1/org/users", Admin),
    route("POST", "/api/v1/org/users/{id}/reset-password", Admin),
    route("GET", "/api/v1/org/users/{id}", Admin),
    route("POST", "/api/v1/org/users/{id}/roles", Admin),
    route("POST", "/api/v1/org/users/{id}/disable", Admin),
    route("POST", "/api/v1/org/users/{id}/enable", Admin),
    route("GET", "/api/v1/org/audit", Admin),
    route("GET", "/api/v1/organisations", Admin),
    route("POST", "/api/v1/organisations", Admin),
    // Tracing.
    route("GET", "/api/v1/requests", Read),
    route("POST", "/api/v1/requests", Write),
    route("GET", "/api/v1/requests/{id}", Read),
    route("POST", "/api/v1/requests/{id}/status", Write),
    route("POST", "/api/v1/requests/{id}/assignment", Write),
    route("GET", "/api/v1/requests/{id}/transfers", Read),
    route("POST", "/api/v1/requests/{id}/transfers", Write),
    route("GET", "/api/v1/transfers", Read),
    route("GET", "/api/v1/transfers/{id}", Read),
    route("POST", "/api/v1/transfers/{id}/decision", Write),
    route("GET", "/api/v1/persons/{id}", Read),
    route("PUT", "/api/v1/persons/{id}", Write),
    route("POST", "/api/v1/requests/{id}/sought", Write),
    route("GET", "/api/v1/persons/{id}/consents", Read),
    route("POST", "/api/v1/persons/{id}/consents", Write),
    route(
        "POST",
        "/api/v1/persons/{id}/consents/{consent}/withdraw",
        Write,
    ),
    route("GET", "/api/v1/registrations", Read),
    route("POST", "/api/v1/registrations", Write),
    route("GET", "/api/v1/persons/{id}/candidates", Read),
    // Erasure and subject access (issue 16).
    route("POST", "/api/v1/persons/{id}/erase", Admin),
    route("GET", "/api/v1/persons/{id}/subject-access", Admin),
    route("GET", "/api/v1/retention", Admin),
    route("POST", "/api/v1/retention/{kind}", Admin),
    route("GET", "/api/v1/candidates/{id}", Read),
    route("POST", "/api/v1/candidates/{id}/review", Write),
    route("POST", "/api/v1/candidates/{id}/release", Write),
    route("GET", "/api/v1/candidates/{id}/messages", Read),
    route("POST", "/api/v1/candidates/{id}/messages", Write),
    // Interchange and exports.
    route("POST", "/api/v1/exports/requests", Export),
    route("GET", "/api/v1/pfif/persons", Export),
    route("POST", "/api/v1/imports/pfif", Write),
    // Gallery and the public's reports.
    route("GET", "/api/v1/gallery", Read),
    route("POST", "/api/v1/gallery", Write),
    route("GET", "/api/v1/gallery/{id}", Read),
    route("POST", "/api/v1/gallery/{id}/approve", Write),
    route("POST", "/api/v1/gallery/{id}/take-down", Write),
    route("GET", "/api/v1/gallery-reports", Read),
    route("GET", "/api/v1/gallery-reports/{id}", Read),
    route("POST", "/api/v1/gallery-reports/{id}/status", Write),
    // Referrals.
    route("GET", "/api/v1/referrals", Read),
    route("POST", "/api/v1/referrals", Write),
    route("GET", "/api/v1/referrals/{id}", Read),
    route("POST", "/api/v1/referrals/{id}/decision", Write),
    route("POST", "/api/v1/referrals/{id}/status", Write),
    route("POST", "/api/v1/referrals/{id}/steps/{step}", Write),
    route("POST", "/api/v1/referrals/{id}/stage", Write),
    route("POST", "/api/v1/referrals/{id}/updates", Write),
    route("GET", "/api/v1/tools", Read),
    route("POST", "/api/v1/tools", Write),
    route("POST", "/api/v1/referrals/{id}/tools/{key}", Write),
    route("GET", "/api/v1/referrals/{id}/tool-entries/{entry}", Read),
    route(
        "GET",
        "/api/v1/referrals/{id}/tool-entries/{entry}/pdf",
        Read,
    ),
    route("GET", "/api/v1/sop-templates", Read),
    route("POST", "/api/v1/sop-templates/{stage}", Write),
    // Directory and library.
    route("GET", "/api/v1/directory", Read),
    route("POST", "/api/v1/directory", Write),
    route("GET", "/api/v1/directory/{id}", Read),
    route("POST", "/api/v1/directory/{id}", Write),
    route("GET", "/api/v1/countries", Read),
    route("GET", "/api/v1/countries/{code}", Read),
    route("POST", "/api/v1/countries/{code}", Write),
    route("GET", "/api/v1/library", Read),
    route("POST", "/api/v1/library", Write),
    route("GET", "/api/v1/library/{id}", Read),
    route("GET", "/api/v1/library/{id}/file", Read),
    // Outreach.
    route("POST", "/api/v1/outreach/sync", Write),
    route("POST", "/api/v1/outreach/sessions", Write),
    route("GET", "/api/v1/outreach/sessions/{id}", Read),
    route("GET", "/api/v1/outreach/dashboard", Read),
];

/// The declared route for a method and routed path (`HEAD` as `GET`).
pub fn declared(method: &Method, path: &str) -> Option<&'static ApiRoute> {
    let method = if method == Method::HEAD {
        "GET"
    } else {
        method.as_str()
    };
    API_ROUTES
        .iter()
        .find(|r| r.method == method && r.path == path)
}

/// Refuses a token request to a route whose scope the token lacks (403
/// `insufficient_scope`, naming the scope), or to an `/api/` route that
/// declares none. Sessions and anonymous callers pass: the handlers decide.
pub async fn enforce(request: Request, next: Next) -> Response {
    let Some(Identity::ApiToken { scopes, .. }) = request.extensions().get::<Identity>() else {
        return next.run(request).await;
    };
    let Some(path) = request.extensions().get::<MatchedPath>() else {
        return next.run(request).await;
    };
    if !path.as_str().starts_with("/api/") {
        return next.run(request).await;
    }
    match declared(request.method(), path.as_str()) {
        Some(ApiRoute { scope: None, .. }) => next.run(request).await,
        Some(ApiRoute {
            scope: Some(needed),
            ..
        }) if scopes.contains(*needed) => next.run(request).await,
        Some(ApiRoute {
            scope: Some(needed),
            ..
        }) => WebError::MissingScope(*needed).into_response(),
        None => WebError::Forbidden.into_response(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::API_ROUTES;
    use std::collections::BTreeSet;

    /// Every `(METHOD, path)` routed under `/api/`, read from the router's
    /// source: `.route("/api/...", get(..).post(..))`.
    fn routed() -> BTreeSet<(String, String)> {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/routes");
        let mut found = BTreeSet::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            for (start, _) in text.match_indices(".route(") {
                let rest = text[start + 7..].trim_start();
                let Some(rest) = rest.strip_prefix('"') else {
                    continue;
                };
                let Some(end) = rest.find('"') else { continue };
                let path = &rest[..end];
                if !path.starts_with("/api/") {
                    continue;
                }
                // The method router: up to the parenthesis closing `.route(`.
                let mut depth = 1;
                let mut stop = end + 1;
                for (i, c) in rest[end + 1..].char_indices() {
                    match c {
                        '(' => depth += 1,
                        ')' => depth -= 1,
                        _ => {}
                    }
                    if depth == 0 {
                        stop = end + 1 + i;
                        break;
                    }
                }
                let methods = &rest[end + 1..stop];
                for method in ["get", "post", "put", "patch", "delete"] {
                    for (at, _) in methods.match_indices(&format!("{method}(")) {
                        let before = methods[..at].chars().last().unwrap_or(' ');
                        if matches!(before, ' ' | '\n' | ',' | '.' | '(') {
                            found.insert((method.to_uppercase(), path.to_owned()));
                        }
                    }
                }
            }
        }
        found
    }

    #[test]
    fn every_api_route_declares_a_scope_and_is_documented_and_the_other_way_round() {
        let routed = routed();
        assert!(routed.len() > 40, "the source scan found {routed:?}");
        let declared: BTreeSet<(String, String)> = API_ROUTES
            .iter()
            .map(|r| (r.method.to_owned(), r.path.to_owned()))
            .collect();
        assert_eq!(
            declared.len(),
            API_ROUTES.len(),
            "a route is declared twice"
        );
        let undeclared: Vec<_> = routed.difference(&declared).collect();
        assert!(
            undeclared.is_empty(),
            "routed without a scope: {undeclared:?}"
        );
        let unrouted: Vec<_> = declared.difference(&routed).collect();
        assert!(unrouted.is_empty(), "declared but not routed: {unrouted:?}");

        let doc = crate::openapi::document();
        let mut documented = BTreeSet::new();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for method in item.as_object().unwrap().keys() {
                documented.insert((method.to_uppercase(), path.clone()));
            }
        }
        let missing: Vec<_> = routed.difference(&documented).collect();
        assert!(missing.is_empty(), "routed but not documented: {missing:?}");
        let extra: Vec<_> = documented.difference(&routed).collect();
        assert!(extra.is_empty(), "documented but not routed: {extra:?}");
        for route in API_ROUTES {
            let operation = &doc["paths"][route.path][route.method.to_lowercase()];
            let scope = route.scope.map(|s| s.as_str());
            assert_eq!(
                operation["x-required-scope"].as_str(),
                scope,
                "{} {}",
                route.method,
                route.path
            );
        }
    }
}
