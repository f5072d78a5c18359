//! Organisation administration: accounts of the organisation and its audit log.

use crate::AppState;
use crate::error::{WebError, WebResult};
use crate::extract::{FormFields, OrgAdmin, PathId, QueryParams};
use crate::identity::Member;
use crate::page::Page;
use crate::templates::{self, AuditRow, NewUserForm, UserRow, render};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use retrace_domain::{
    AuditAction, DisplayName, Email, NewPassword, ObjectKind, Role, RoleSet, UserId,
};
use retrace_store::{AuditContext, AuditEvent, Membership, NewUser, UserAccount};
use serde::Deserialize;

pub fn user_row(user: &UserAccount, context: String) -> UserRow {
    let roles = match &user.membership {
        Membership::Member { roles, .. } => roles.iter().map(|r| r.as_str().to_owned()).collect(),
        Membership::Operator => Vec::new(),
    };
    UserRow {
        id: user.id.to_string(),
        display_name: user.display_name.to_string(),
        email: user.email.to_string(),
        roles,
        disabled: user.disabled,
        second_factor: user.totp_secret_sealed.is_some(),
        context,
    }
}

fn admin_audit(member: &Member, state: &AppState) -> AuditContext {
    AuditContext {
        at: state.clock.now(),
        actor: Some(member.id()),
        org: Some(member.org),
        purpose: None,
    }
}

pub async fn users(
    State(state): State<AppState>,
    page: Page,
    member: OrgAdmin,
) -> WebResult<Response> {
    users_page(
        &state,
        &page,
        &member,
        NewUserForm::default(),
        None,
        StatusCode::OK,
    )
    .await
}

async fn users_page(
    state: &AppState,
    page: &Page,
    member: &Member,
    form: NewUserForm,
    error: Option<String>,
    status: StatusCode,
) -> WebResult<Response> {
    let org_name = state
        .store
        .organisation(member.org)
        .await?
        .map(|org| org.name.to_string())
        .unwrap_or_default();
    let mut users: Vec<UserRow> = state
        .store
        .users_in(&member.scope())
        .await?
        .iter()
        .map(|user| user_row(user, String::new()))
        .collect();
    users.sort_by(|a, b| {
        a.display_name
            .to_lowercase()
            .cmp(&b.display_name.to_lowercase())
    });
    let html = render(&templates::OrgUsers {
        page,
        org_name,
        users,
        form,
        error,
    })?;
    Ok((status, html).into_response())
}

/// Reads the new-account fields, naming the first field that is wrong.
pub fn parse_new_user(
    form: &FormFields,
) -> (NewUserForm, Result<(Email, DisplayName, RoleSet), WebError>) {
    let values = NewUserForm {
        email: form.text("email"),
        display_name: form.text("display_name"),
        roles: form.all("roles"),
    };
    let parsed = (|| {
        let display_name = DisplayName::parse(&values.display_name)?;
        let email = Email::parse(&values.email)?;
        let roles = RoleSet::new(
            values
                .roles
                .iter()
                .map(|r| Role::parse(r))
                .collect::<Result<Vec<_>, _>>()?,
        )?;
        Ok::<_, WebError>((email, display_name, roles))
    })();
    (values, parsed)
}

/// A random first password, shown once to the administrator who hands it over.
pub fn issue_password() -> WebResult<(String, String)> {
    let password = retrace_app::random_token(15);
    let parsed = NewPassword::parse(&password).map_err(WebError::internal)?;
    let hash = retrace_app::password::hash_password(&parsed).map_err(WebError::internal)?;
    Ok((password, hash))
}

pub fn field_error(page: &Page, error: &WebError) -> Option<String> {
    match error {
        WebError::Invalid { field, message } => {
            Some(format!("{}: {message}", page.t(&format!("label-{field}"))))
        }
        WebError::Conflict { field, .. } => Some(format!(
            "{}: {}",
            page.t(&format!("label-{field}")),
            page.t("already-in-use")
        )),
        _ => None,
    }
}

pub async fn create_user(
    State(state): State<AppState>,
    page: Page,
    member: OrgAdmin,
    form: FormFields,
) -> WebResult<Response> {
    let (values, parsed) = parse_new_user(&form);
    let (email, display_name, roles) = match parsed {
        Ok(parsed) => parsed,
        Err(error) => {
            let message = field_error(&page, &error);
            return users_page(
                &state,
                &page,
                &member,
                values,
                message,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let (password, password_hash) = tokio::task::spawn_blocking(issue_password)
        .await
        .map_err(WebError::internal)??;
    let new = NewUser {
        email,
        display_name,
        membership: Membership::Member {
            org: member.org,
            roles,
        },
        password_hash,
    };
    match state
        .store
        .create_user(&admin_audit(&member, &state), &new)
        .await
    {
        Ok(user) => Ok(render(&templates::PasswordIssued {
            page: &page,
            display_name: user.display_name.to_string(),
            email: user.email.to_string(),
            password,
            back: "/org/users".to_owned(),
        })?
        .into_response()),
        Err(error) => {
            let error = WebError::from(error);
            match field_error(&page, &error) {
                Some(message) => {
                    users_page(
                        &state,
                        &page,
                        &member,
                        values,
                        Some(message),
                        StatusCode::CONFLICT,
                    )
                    .await
                }
                None => Err(error),
            }
        }
    }
}

async fn scoped_user(state: &AppState, member: &Member, id: UserId) -> WebResult<UserAccount> {
    state
        .store
        .user_in(&member.scope(), id)
        .await?
        .ok_or(WebError::NotFound)
}

async fn user_page(
    state: &AppState,
    page: &Page,
    member: &Member,
    id: UserId,
    error: Option<String>,
    status: StatusCode,
) -> WebResult<Response> {
    let user = scoped_user(state, member, id).await?;
    let html = render(&templates::OrgUser {
        page,
        is_self: user.id == member.id(),
        user: user_row(&user, String::new()),
        error,
    })?;
    Ok((status, html).into_response())
}

pub async fn user(
    State(state): State<AppState>,
    page: Page,
    member: OrgAdmin,
    PathId(id): PathId<UserId>,
) -> WebResult<Response> {
    user_page(&state, &page, &member, id, None, StatusCode::OK).await
}

pub async fn set_roles(
    State(state): State<AppState>,
    page: Page,
    member: OrgAdmin,
    PathId(id): PathId<UserId>,
    form: FormFields,
) -> WebResult<Response> {
    let user = scoped_user(&state, &member, id).await?;
    let roles = form
        .all("roles")
        .iter()
        .map(|r| Role::parse(r))
        .collect::<Result<Vec<_>, _>>()
        .and_then(RoleSet::new);
    let roles = match roles {
        Ok(roles) => roles,
        Err(error) => {
            let message = field_error(&page, &WebError::from(error));
            return user_page(
                &state,
                &page,
                &member,
                id,
                message,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    // An administrator cannot remove their own administration role: an
    // organisation must never be left without one by accident.
    if user.id == member.id() && !roles.contains(Role::OrgAdmin) {
        let message = Some(page.t("cannot-demote-self"));
        return user_page(
            &state,
            &page,
            &member,
            id,
            message,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    state
        .store
        .set_roles(
            &admin_audit(&member, &state),
            &member.scope(),
            user.id,
            &roles,
        )
        .await?;
    Ok(Redirect::to(&format!("/org/users/{}", user.id)).into_response())
}

async fn set_disabled(
    state: AppState,
    member: OrgAdmin,
    id: UserId,
    disabled: bool,
) -> WebResult<Response> {
    let user = scoped_user(&state, &member, id).await?;
    if user.id == member.id() {
        return Err(WebError::Forbidden);
    }
    state
        .store
        .set_disabled(
            &admin_audit(&member, &state),
            &member.scope(),
            user.id,
            disabled,
        )
        .await?;
    Ok(Redirect::to(&format!("/org/users/{}", user.id)).into_response())
}

pub async fn disable(
    State(state): State<AppState>,
    member: OrgAdmin,
    PathId(id): PathId<UserId>,
) -> WebResult<Response> {
    set_disabled(state, member, id, true).await
}

pub async fn enable(
    State(state): State<AppState>,
    member: OrgAdmin,
    PathId(id): PathId<UserId>,
) -> WebResult<Response> {
    set_disabled(state, member, id, false).await
}

pub async fn reset_password(
    State(state): State<AppState>,
    page: Page,
    member: OrgAdmin,
    PathId(id): PathId<UserId>,
) -> WebResult<Response> {
    let user = scoped_user(&state, &member, id).await?;
    if user.id == member.id() {
        return Err(WebError::Forbidden);
    }
    let (password, hash) = tokio::task::spawn_blocking(issue_password)
        .await
        .map_err(WebError::internal)??;
    state
        .store
        .set_password(
            &admin_audit(&member, &state),
            AuditAction::PasswordReset,
            user.id,
            &hash,
            None,
        )
        .await?;
    Ok(render(&templates::PasswordIssued {
        page: &page,
        display_name: user.display_name.to_string(),
        email: user.email.to_string(),
        password,
        back: format!("/org/users/{}", user.id),
    })?
    .into_response())
}

#[derive(Deserialize)]
pub struct AuditQuery {
    before: Option<i64>,
}

pub async fn audit(
    State(state): State<AppState>,
    page: Page,
    member: OrgAdmin,
    QueryParams(query): QueryParams<AuditQuery>,
) -> WebResult<Response> {
    const PAGE_SIZE: u32 = 50;
    let scope = member.scope();
    let entries = state
        .store
        .audit_entries(&scope, PAGE_SIZE, query.before)
        .await?;
    // Reading the audit log is itself recorded.
    state
        .store
        .append_audit(
            &admin_audit(&member, &state),
            &AuditEvent {
                action: AuditAction::AuditViewed,
                object_kind: ObjectKind::AuditLog,
                object_id: member.org.to_string(),
            },
        )
        .await?;
    let names: std::collections::HashMap<UserId, String> = state
        .store
        .users_in(&scope)
        .await?
        .into_iter()
        .map(|user| (user.id, user.display_name.to_string()))
        .collect();
    let older = (entries.len() == PAGE_SIZE as usize)
        .then(|| entries.last().map(|entry| entry.record.seq))
        .flatten();
    let rows = entries
        .into_iter()
        .map(|entry| {
            let record = entry.record;
            AuditRow {
                seq: record.seq,
                at: record.at.display_utc(),
                actor: record
                    .actor
                    .map(|id| names.get(&id).cloned().unwrap_or_else(|| id.to_string()))
                    .unwrap_or_else(|| page.t("system")),
                action: record.action,
                object: format!("{} {}", record.object_kind, record.object_id),
                purpose: record.purpose.unwrap_or_default(),
            }
        })
        .collect();
    Ok(render(&templates::OrgAudit {
        page: &page,
        entries: rows,
        older,
    })?
    .into_response())
}
