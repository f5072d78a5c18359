//! Networks (issue 14) as pages and JSON: a member's networks, a network's
//! posts with the filter and the form to write one, one post, the
//! member's follows, membership changes by coordinating organisations, and
//! the operator's page creating networks. What is allowed is the app
//! layer's (`retrace_app::networks`); a network the member's organisation
//! is not in is "not found" on every route.

use crate::AppState;
use crate::error::{WebError, WebResult};
use crate::extract::{FormFields, JsonBody, PathId, QueryParams};
use crate::form_errors::FormErrors;
use crate::form_values::FormValues;
use crate::forms;
use crate::identity::{Member, Operator};
use crate::network_views::{
    FollowRow, FollowsPage, MemberRow, NetworkPage, NetworkRow, NetworksPage, OperatorNetworksPage,
    PostForm, PostPage, PostRow, kind_key,
};
use crate::page::{OnPage, Page};
use crate::templates::render;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use retrace_app::networks::{
    self as app_networks, MemberInput, NewNetworkInput, PostFilterInput, PostInput,
};
use retrace_domain::{
    Follow, MemberRole, NetworkId, NetworkPostId, PostKind, may_manage_members, post_decision,
};
use retrace_store::{NetworkPost, NetworkView};
use serde::Deserialize;
use serde_json::{Value, json};

/// The errors of a network form, each field by its label and on its
/// control: `{prefix}{field}` (`countries[1]` → `post-countries`).
fn network_errors(page: &Page, error: &WebError, prefix: &str) -> Option<FormErrors> {
    FormErrors::labelled(
        page,
        error,
        |field| forms::form_field_label(page, "network", field),
        |field| format!("{prefix}{}", field.split('[').next().unwrap_or(field)),
    )
}

fn post_row(page: &Page, post: &NetworkPost) -> PostRow {
    PostRow {
        id: post.id.to_string(),
        network: post.network.to_string(),
        network_name: post.network_name.to_string(),
        kind: post.kind.as_str(),
        kind_label: page.t(&kind_key(post.kind)),
        title: post.title.to_string(),
        body: post.body.to_string(),
        org_name: post.org_name.to_string(),
        countries: post
            .countries
            .iter()
            .map(|c| c.as_str().to_owned())
            .collect::<Vec<_>>()
            .join(", "),
        action: post
            .joint_action
            .as_ref()
            .map(|a| (a.owner_name.to_string(), a.due.clone())),
        at: post.created_at.on_page(),
    }
}

pub async fn list(
    State(state): State<AppState>,
    page: Page,
    member: Member,
) -> WebResult<Response> {
    let networks = app_networks::networks(&state.app, &member.actor()).await?;
    let rows = networks
        .iter()
        .map(|summary| NetworkRow {
            id: summary.network.id.to_string(),
            name: summary.network.name.to_string(),
            coordinator: summary.role == MemberRole::Coordinator,
            members: summary.members,
            posts: summary.posts,
        })
        .collect();
    Ok(render(&NetworksPage { page: &page, rows })?.into_response())
}

async fn network_page(
    state: &AppState,
    page: &Page,
    member: &Member,
    view: NetworkView,
    filter: &PostFilterInput,
    form: PostForm,
    status: StatusCode,
) -> WebResult<Response> {
    let actor = member.actor();
    let posts = app_networks::posts(&state.app, &actor, view.network.id, filter).await?;
    let can_manage = may_manage_members(Some(view.role), actor.roles());
    let mut candidates = Vec::new();
    if can_manage {
        candidates = state
            .store
            .organisations()
            .await?
            .into_iter()
            .filter(|org| !view.members.iter().any(|m| m.org == org.id))
            .map(|org| (org.id.to_string(), org.name.to_string()))
            .collect();
    }
    let can_post = post_decision(Some(view.role), actor.roles(), PostKind::Event).is_ok();
    let kinds = PostKind::ALL
        .iter()
        .filter(|kind| post_decision(Some(view.role), actor.roles(), **kind).is_ok())
        .map(|kind| (kind.as_str(), page.t(&kind_key(*kind))))
        .collect();
    let html = render(&NetworkPage {
        page,
        id: view.network.id.to_string(),
        name: view.network.name.to_string(),
        description: view.network.description.to_string(),
        members: view
            .members
            .iter()
            .map(|m| MemberRow {
                id: m.org.to_string(),
                name: m.name.to_string(),
                country: m.country.to_string(),
                coordinator: m.role == MemberRole::Coordinator,
            })
            .collect(),
        posts: posts.iter().map(|post| post_row(page, post)).collect(),
        all_kinds: PostKind::ALL
            .iter()
            .map(|kind| (kind.as_str(), page.t(&kind_key(*kind))))
            .collect(),
        kinds,
        filter_kind: filter.kind.clone(),
        filter_country: filter.country.clone(),
        can_post,
        can_manage,
        candidates,
        form,
    })?;
    Ok((status, html).into_response())
}

pub async fn show(
    State(state): State<AppState>,
    page: Page,
    member: Member,
    PathId(id): PathId<NetworkId>,
    QueryParams(filter): QueryParams<PostFilterInput>,
) -> WebResult<Response> {
    let view = app_networks::network(&state.app, &member.actor(), id).await?;
    network_page(
        &state,
        &page,
        &member,
        view,
        &filter,
        PostForm::default(),
        StatusCode::OK,
    )
    .await
}

pub(super) fn post_input(form: &FormFields) -> PostInput {
    PostInput {
        kind: form.text("kind"),
        title: form.text("title"),
        body: form.get("body").unwrap_or_default().to_owned(),
        countries: form
            .text("countries")
            .split([',', ' '])
            .filter(|code| !code.is_empty())
            .map(str::to_owned)
            .collect(),
        owner: form.text("owner"),
        due: form.text("due"),
    }
}

pub async fn create_post(
    State(state): State<AppState>,
    page: Page,
    member: Member,
    PathId(id): PathId<NetworkId>,
    form: FormFields,
) -> WebResult<Response> {
    let input = post_input(&form);
    match app_networks::write_post(&state.app, &member.actor(), id, &input).await {
        Ok(post) => Ok(Redirect::to(&format!("/network-posts/{}", post.id)).into_response()),
        Err(error) => {
            let error = WebError::from(error);
            let Some(errors) = network_errors(&page, &error, "post-") else {
                return Err(error);
            };
            let view = app_networks::network(&state.app, &member.actor(), id).await?;
            let form = PostForm {
                kind: input.kind,
                title: input.title,
                body: input.body,
                countries: form.text("countries"),
                owner: input.owner,
                due: input.due,
                errors: FormValues::with_errors(&form, errors),
            };
            network_page(
                &state,
                &page,
                &member,
                view,
                &PostFilterInput::default(),
                form,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

pub async fn show_post(
    State(state): State<AppState>,
    page: Page,
    member: Member,
    PathId(id): PathId<NetworkPostId>,
) -> WebResult<Response> {
    let post = app_networks::post(&state.app, &member.actor(), id).await?;
    Ok(render(&PostPage {
        page: &page,
        post: post_row(&page, &post),
    })?
    .into_response())
}

pub async fn set_member(
    State(state): State<AppState>,
    member: Member,
    PathId(id): PathId<NetworkId>,
    form: FormFields,
) -> WebResult<Response> {
    let input = MemberInput {
        org: form.text("org"),
        role: form.text("role"),
    };
    app_networks::set_member(&state.app, &member.actor(), id, &input).await?;
    Ok(Redirect::to(&format!("/networks/{id}")).into_response())
}

pub async fn follows(
    State(state): State<AppState>,
    page: Page,
    member: Member,
) -> WebResult<Response> {
    let follows = app_networks::follows(&state.app, &member.actor()).await?;
    let rows = follows
        .iter()
        .map(|follow| FollowRow {
            code: follow.code(),
            label: match follow {
                Follow::Kind(kind) => page.t(&kind_key(*kind)),
                Follow::Country(country) => country.to_string(),
            },
        })
        .collect();
    Ok(render(&FollowsPage {
        page: &page,
        rows,
        kinds: PostKind::ALL
            .iter()
            .map(|kind| (kind.as_str(), page.t(&kind_key(*kind))))
            .collect(),
    })?
    .into_response())
}

/// `kind` (a post kind) or `country` (a code) to follow; `unfollow` (a
/// stored code) to stop.
pub async fn set_follow(
    State(state): State<AppState>,
    member: Member,
    form: FormFields,
) -> WebResult<Response> {
    let actor = member.actor();
    let unfollow = form.text("unfollow");
    if !unfollow.is_empty() {
        app_networks::set_follow(&state.app, &actor, &unfollow, false).await?;
    } else {
        let kind = form.text("kind");
        let country = form.text("country");
        let code = if kind.is_empty() {
            format!("country:{country}")
        } else {
            format!("kind:{kind}")
        };
        app_networks::set_follow(&state.app, &actor, &code, true).await?;
    }
    Ok(Redirect::to("/networks/follows").into_response())
}

// ------------------------------------------------------------ operators

async fn operator_page(
    state: &AppState,
    page: &Page,
    operator: &Operator,
    values: FormValues,
    status: StatusCode,
) -> WebResult<Response> {
    let networks = app_networks::all_networks(&state.app, operator.actor).await?;
    let mut organisations: Vec<(String, String)> = state
        .store
        .organisations()
        .await?
        .into_iter()
        .map(|org| (org.id.to_string(), org.name.to_string()))
        .collect();
    organisations.sort_by(|a, b| a.1.cmp(&b.1));
    let html = render(&OperatorNetworksPage {
        page,
        networks: networks.iter().map(|n| n.name.to_string()).collect(),
        organisations,
        values,
    })?;
    Ok((status, html).into_response())
}

pub async fn operator_networks(
    State(state): State<AppState>,
    page: Page,
    operator: Operator,
) -> WebResult<Response> {
    operator_page(
        &state,
        &page,
        &operator,
        FormValues::default(),
        StatusCode::OK,
    )
    .await
}

pub async fn operator_create(
    State(state): State<AppState>,
    page: Page,
    operator: Operator,
    form: FormFields,
) -> WebResult<Response> {
    let input = NewNetworkInput {
        name: form.text("name"),
        description: form.text("description"),
        coordinators: form.all("coordinators"),
        members: form.all("members"),
    };
    match app_networks::create_network(&state.app, operator.actor, &input).await {
        Ok(_) => Ok(Redirect::to("/operator/networks").into_response()),
        Err(error) => {
            let error = WebError::from(error);
            let Some(errors) = network_errors(&page, &error, "network-") else {
                return Err(error);
            };
            let values = FormValues::with_errors(&form, errors);
            operator_page(
                &state,
                &page,
                &operator,
                values,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

// ------------------------------------------------------------ JSON API

fn post_json(post: &NetworkPost) -> Value {
    json!({
        "id": post.id,
        "network": post.network,
        "network_name": post.network_name.as_str(),
        "org": post.org,
        "org_name": post.org_name.as_str(),
        "kind": post.kind.as_str(),
        "title": post.title.as_str(),
        "body": post.body.as_str(),
        "countries": post.countries.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
        "joint_action": post.joint_action.as_ref().map(|a| json!({
            "owner": a.owner,
            "owner_name": a.owner_name.as_str(),
            "due": a.due,
        })),
        "created_at": post.created_at.rfc3339(),
    })
}

pub async fn api_list(State(state): State<AppState>, member: Member) -> WebResult<Json<Value>> {
    let networks = app_networks::networks(&state.app, &member.actor()).await?;
    Ok(Json(json!({
        "networks": networks.iter().map(|s| json!({
            "id": s.network.id,
            "name": s.network.name.as_str(),
            "description": s.network.description.as_str(),
            "role": s.role.as_str(),
            "members": s.members,
            "posts": s.posts,
        })).collect::<Vec<_>>(),
    })))
}

pub async fn api_show(
    State(state): State<AppState>,
    member: Member,
    PathId(id): PathId<NetworkId>,
) -> WebResult<Json<Value>> {
    let view = app_networks::network(&state.app, &member.actor(), id).await?;
    Ok(Json(json!({
        "id": view.network.id,
        "name": view.network.name.as_str(),
        "description": view.network.description.as_str(),
        "role": view.role.as_str(),
        "members": view.members.iter().map(|m| json!({
            "org": m.org,
            "name": m.name.as_str(),
            "country": m.country.as_str(),
            "role": m.role.as_str(),
        })).collect::<Vec<_>>(),
    })))
}

pub async fn api_posts(
    State(state): State<AppState>,
    member: Member,
    PathId(id): PathId<NetworkId>,
    QueryParams(filter): QueryParams<PostFilterInput>,
) -> WebResult<Json<Value>> {
    let posts = app_networks::posts(&state.app, &member.actor(), id, &filter).await?;
    Ok(Json(json!({
        "posts": posts.iter().map(post_json).collect::<Vec<_>>(),
    })))
}

pub async fn api_create_post(
    State(state): State<AppState>,
    member: Member,
    PathId(id): PathId<NetworkId>,
    JsonBody(input): JsonBody<PostInput>,
) -> WebResult<Response> {
    let post = app_networks::write_post(&state.app, &member.actor(), id, &input).await?;
    Ok((StatusCode::CREATED, Json(post_json(&post))).into_response())
}

pub async fn api_post(
    State(state): State<AppState>,
    member: Member,
    PathId(id): PathId<NetworkPostId>,
) -> WebResult<Json<Value>> {
    let post = app_networks::post(&state.app, &member.actor(), id).await?;
    Ok(Json(post_json(&post)))
}

pub async fn api_follows(State(state): State<AppState>, member: Member) -> WebResult<Json<Value>> {
    let follows = app_networks::follows(&state.app, &member.actor()).await?;
    Ok(Json(json!({
        "follows": follows.iter().map(Follow::code).collect::<Vec<_>>(),
    })))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FollowBody {
    /// `kind:<post kind>` or `country:<code>`.
    pub follow: String,
    pub on: bool,
}

pub async fn api_set_follow(
    State(state): State<AppState>,
    member: Member,
    JsonBody(body): JsonBody<FollowBody>,
) -> WebResult<Json<Value>> {
    let follow =
        app_networks::set_follow(&state.app, &member.actor(), &body.follow, body.on).await?;
    Ok(Json(json!({ "follow": follow.code(), "on": body.on })))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DigestQuery {
    /// RFC 3339; posts after it.
    pub since: String,
}

/// What an e-mail digest of the caller's follows would list.
pub async fn api_digest(
    State(state): State<AppState>,
    member: Member,
    QueryParams(query): QueryParams<DigestQuery>,
) -> WebResult<Json<Value>> {
    let (since, posts) = app_networks::digest(&state.app, &member.actor(), &query.since).await?;
    Ok(Json(json!({
        "since": since.rfc3339(),
        "posts": posts.iter().map(post_json).collect::<Vec<_>>(),
    })))
}
