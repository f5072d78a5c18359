//! The JSON API under `/api/v1`, authenticated by bearer API tokens.
//! Described by the OpenAPI document at `/api/v1/openapi.json`.

use super::{api_gallery, api_requests};
use crate::AppState;
use crate::error::{WebError, WebResult};
use crate::extract::{JsonBody, OrgAdmin, PathId, QueryParams};
use crate::identity::{Operator, SignedIn};
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use retrace_app::accounts::{self, AuditLogInput, NewOrganisationInput};
use retrace_domain::UserId;
use retrace_store::{Membership, Organisation, UserAccount};
use serde::Deserialize;
use serde_json::{Value, json};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/openapi.json", get(openapi))
        .route("/api/v1/me", get(me))
        .route("/api/v1/org/users", get(org_users).post(create_org_user))
        .route(
            "/api/v1/org/users/{id}/reset-password",
            post(reset_org_user_password),
        )
        .route("/api/v1/org/users/{id}", get(org_user))
        .route("/api/v1/org/users/{id}/roles", post(org_user_roles))
        .route("/api/v1/org/users/{id}/disable", post(org_user_disable))
        .route("/api/v1/org/users/{id}/enable", post(org_user_enable))
        .route("/api/v1/org/audit", get(org_audit))
        .route(
            "/api/v1/organisations",
            get(organisations).post(create_organisation),
        )
        .route(
            "/api/v1/requests",
            get(api_requests::list_requests).post(api_requests::create_request),
        )
        .route("/api/v1/requests/{id}", get(api_requests::get_request))
        .route(
            "/api/v1/requests/{id}/status",
            post(api_requests::change_status),
        )
        .route(
            "/api/v1/requests/{id}/assignment",
            post(api_requests::assign),
        )
        .route(
            "/api/v1/requests/{id}/transfers",
            get(super::transfers::api_of_request).post(super::transfers::api_create),
        )
        .route("/api/v1/transfers", get(super::transfers::api_incoming))
        .route("/api/v1/transfers/{id}", get(super::transfers::api_show))
        .route(
            "/api/v1/transfers/{id}/decision",
            post(super::transfers::api_decision),
        )
        .route("/api/v1/persons/{id}", get(api_requests::get_person))
        .route(
            "/api/v1/persons/{id}/consents",
            get(api_requests::list_consents).post(api_requests::record_consent),
        )
        .route(
            "/api/v1/persons/{id}/consents/{consent}/withdraw",
            post(api_requests::withdraw_consent),
        )
        .route(
            "/api/v1/registrations",
            get(api_requests::list_registrations).post(api_requests::create_registration),
        )
        .route(
            "/api/v1/persons/{id}/candidates",
            get(api_requests::person_candidates),
        )
        .route("/api/v1/candidates/{id}", get(api_requests::get_candidate))
        .route(
            "/api/v1/candidates/{id}/review",
            post(api_requests::review_candidate),
        )
        .route(
            "/api/v1/candidates/{id}/release",
            post(api_requests::release_candidate),
        )
        .route(
            "/api/v1/candidates/{id}/messages",
            get(api_requests::list_messages).post(api_requests::create_message),
        )
        .route("/api/v1/persons/{id}", put(api_requests::edit_person))
        .route(
            "/api/v1/requests/{id}/sought",
            post(api_requests::add_sought),
        )
        .route("/api/v1/exports/requests", post(api_requests::export_csv))
        .route(
            "/api/v1/gallery",
            get(api_gallery::list)
                .post(api_gallery::publish)
                .layer(DefaultBodyLimit::max(api_gallery::MAX_PUBLICATION_BODY)),
        )
        .route("/api/v1/gallery/{id}", get(api_gallery::show))
        .route("/api/v1/gallery/{id}/approve", post(api_gallery::approve))
        .route(
            "/api/v1/gallery/{id}/take-down",
            post(api_gallery::take_down),
        )
        .route("/api/v1/gallery-reports", get(api_gallery::reports))
        .route("/api/v1/gallery-reports/{id}", get(api_gallery::report))
        .route(
            "/api/v1/gallery-reports/{id}/status",
            post(api_gallery::report_status),
        )
}

/// The account and its one-time password, shown once: the administrator
/// passes it on by a safe channel; it must be changed at first sign-in.
fn issued_json(issued: &accounts::IssuedPassword) -> Value {
    json!({ "user": user_json(&issued.account), "password": issued.password })
}

/// `POST /api/v1/org/users`: a new staff account of the caller's
/// organisation (`email`, `display_name`, `roles`).
async fn create_org_user(
    State(state): State<AppState>,
    member: OrgAdmin,
    JsonBody(input): JsonBody<accounts::NewAccountInput>,
) -> WebResult<Response> {
    let issued = accounts::create_member(&state.app, &member.actor(), &input).await?;
    Ok((StatusCode::CREATED, Json(issued_json(&issued))).into_response())
}

/// `POST /api/v1/org/users/{id}/reset-password`: a new one-time password
/// for another account of the organisation, ending its sessions and
/// revoking its tokens; never the caller's own.
async fn reset_org_user_password(
    State(state): State<AppState>,
    member: OrgAdmin,
    PathId(id): PathId<UserId>,
) -> WebResult<Json<Value>> {
    let issued = accounts::reset_password(&state.app, &member.actor(), id).await?;
    Ok(Json(issued_json(&issued)))
}

async fn openapi() -> Json<Value> {
    Json(crate::openapi::document())
}

fn user_json(user: &UserAccount) -> Value {
    let (organisation, roles, operator) = match &user.membership {
        Membership::Member { org, roles } => (
            Some(org.to_string()),
            roles.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
            false,
        ),
        Membership::Operator => (None, Vec::new(), true),
    };
    json!({
        "id": user.id.to_string(),
        "email": user.email.as_str(),
        "display_name": user.display_name.as_str(),
        "organisation": organisation,
        "roles": roles,
        "operator": operator,
        "disabled": user.disabled,
        "second_factor": user.totp_secret_sealed.is_some(),
    })
}

fn organisation_json(org: &Organisation) -> Value {
    json!({
        "id": org.id.to_string(),
        "name": org.name.as_str(),
        "kind": org.kind.as_str(),
        "country": org.country.as_str(),
        "created_at": org.created_at.rfc3339(),
    })
}

async fn me(signed_in: SignedIn) -> Json<Value> {
    Json(user_json(&signed_in.user))
}

async fn org_users(State(state): State<AppState>, member: OrgAdmin) -> WebResult<Json<Value>> {
    let users = state.store.users_in(&member.scope()).await?;
    Ok(Json(
        json!({ "users": users.iter().map(user_json).collect::<Vec<_>>() }),
    ))
}

async fn org_user(
    State(state): State<AppState>,
    member: OrgAdmin,
    PathId(id): PathId<UserId>,
) -> WebResult<Json<Value>> {
    changed_user(&state, &member, id).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RolesBody {
    roles: Vec<String>,
}

/// The account as it is now, after a change by the administrator.
async fn changed_user(state: &AppState, member: &OrgAdmin, id: UserId) -> WebResult<Json<Value>> {
    let user = state
        .store
        .user_in(&member.scope(), id)
        .await?
        .ok_or(WebError::NotFound)?;
    Ok(Json(user_json(&user)))
}

/// `POST /api/v1/org/users/{id}/roles`: the page's role change
/// (`accounts::set_roles`); an administrator cannot drop their own role.
async fn org_user_roles(
    State(state): State<AppState>,
    member: OrgAdmin,
    PathId(id): PathId<UserId>,
    JsonBody(body): JsonBody<RolesBody>,
) -> WebResult<Json<Value>> {
    accounts::set_roles(&state.app, &member.actor(), id, &body.roles).await?;
    changed_user(&state, &member, id).await
}

/// `POST /api/v1/org/users/{id}/disable`: ends the account's sessions and
/// revokes its tokens (`accounts::set_disabled`, as the page).
async fn org_user_disable(
    State(state): State<AppState>,
    member: OrgAdmin,
    PathId(id): PathId<UserId>,
) -> WebResult<Json<Value>> {
    accounts::set_disabled(&state.app, &member.actor(), id, true).await?;
    changed_user(&state, &member, id).await
}

async fn org_user_enable(
    State(state): State<AppState>,
    member: OrgAdmin,
    PathId(id): PathId<UserId>,
) -> WebResult<Json<Value>> {
    accounts::set_disabled(&state.app, &member.actor(), id, false).await?;
    changed_user(&state, &member, id).await
}

/// The audit log's filters and the page size (a flattened struct would
/// read numbers in a query string as text).
#[derive(Deserialize)]
struct AuditQuery {
    limit: Option<u32>,
    before: Option<i64>,
    #[serde(default)]
    actor: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    object_kind: String,
    #[serde(default)]
    object: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

async fn org_audit(
    State(state): State<AppState>,
    member: OrgAdmin,
    QueryParams(query): QueryParams<AuditQuery>,
) -> WebResult<Json<Value>> {
    let limit = query.limit.unwrap_or(100).clamp(1, 500);
    let filters = AuditLogInput {
        before: query.before,
        actor: query.actor,
        action: query.action,
        object_kind: query.object_kind,
        object: query.object,
        from: query.from,
        to: query.to,
    };
    let entries = accounts::read_audit_log(&state.app, &member.actor(), &filters, limit).await?;
    let entries: Vec<Value> = entries
        .iter()
        .map(|entry| {
            let r = &entry.record;
            json!({
                "seq": r.seq,
                "at": r.at.rfc3339(),
                "actor": r.actor.map(|id| id.to_string()),
                "action": r.action,
                "object_kind": r.object_kind,
                "object_id": r.object_id,
                "purpose": r.purpose,
                "hash": entry.hash.to_hex(),
            })
        })
        .collect();
    Ok(Json(json!({ "entries": entries })))
}

async fn organisations(
    State(state): State<AppState>,
    _operator: Operator,
) -> WebResult<Json<Value>> {
    let orgs = state.store.organisations().await?;
    Ok(Json(
        json!({ "organisations": orgs.iter().map(organisation_json).collect::<Vec<_>>() }),
    ))
}

async fn create_organisation(
    State(state): State<AppState>,
    operator: Operator,
    JsonBody(body): JsonBody<NewOrganisationInput>,
) -> WebResult<Response> {
    let org = accounts::create_organisation(&state.app, operator.actor, &body).await?;
    Ok((StatusCode::CREATED, Json(organisation_json(&org))).into_response())
}
