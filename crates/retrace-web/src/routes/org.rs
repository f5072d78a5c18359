//! Organisation administration: accounts of the organisation and its audit log.

use crate::AppState;
use crate::error::{WebError, WebResult};
use crate::extract::{FormFields, OrgAdmin, PathId, QueryParams};
use crate::form_errors::FormErrors;
use crate::form_values::FormValues;
use crate::identity::Member;
use crate::page::OnPage;
use crate::page::Page;
use crate::routes::lists::{self, answer, readable_on};
use crate::templates::{self, AuditRow, NewUserForm, UserRow, render};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use retrace_app::accounts::{self, AuditLogInput, IssuedPassword, NewAccountInput};
use retrace_app::org_contact;
use retrace_domain::{AuditAction, ObjectKind, UserId};
use retrace_store::{Membership, UserAccount};

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
        FormErrors::none(),
        StatusCode::OK,
    )
    .await
}

async fn users_page(
    state: &AppState,
    page: &Page,
    member: &Member,
    form: NewUserForm,
    errors: FormErrors,
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
        values: errors_only(errors),
    })?;
    Ok((status, html).into_response())
}

/// A form's errors, for a form whose values are shown another way.
pub fn errors_only(errors: FormErrors) -> FormValues {
    let mut values = FormValues::default();
    values.errors = errors;
    values
}

/// The new-account fields as typed, to show again, and as input.
pub fn new_account(form: &FormFields) -> (NewUserForm, NewAccountInput) {
    let values = NewUserForm {
        email: form.text("email"),
        display_name: form.text("display_name"),
        roles: form.all("roles"),
    };
    let input = NewAccountInput {
        email: values.email.clone(),
        display_name: values.display_name.clone(),
        roles: values.roles.clone(),
    };
    (values, input)
}

/// The page that shows a new account's first password, once.
pub fn password_issued(page: &Page, issued: &IssuedPassword, back: String) -> WebResult<Response> {
    Ok(render(&templates::PasswordIssued {
        page,
        display_name: issued.account.display_name.to_string(),
        email: issued.account.email.to_string(),
        password: issued.password.clone(),
        back,
    })?
    .into_response())
}

/// The account and organisation forms' controls and their labels.
const ACCOUNT_FIELDS: &[(&str, &str, &str)] = &[
    ("email", "email", "field-email"),
    ("display_name", "display_name", "field-display-name"),
    ("roles", "roles", "field-roles"),
    ("org", "org", "organisation"),
    ("name", "name", "field-org-name"),
    ("kind", "kind", "field-kind"),
    ("country", "country", "field-country"),
];

/// Every error of a refused account or organisation form, on its fields;
/// `None` for an error not about the input.
pub fn field_errors(page: &Page, error: &WebError) -> Option<FormErrors> {
    FormErrors::of_fields(page, error, ACCOUNT_FIELDS)
}

pub async fn create_user(
    State(state): State<AppState>,
    page: Page,
    member: OrgAdmin,
    form: FormFields,
) -> WebResult<Response> {
    let (values, input) = new_account(&form);
    match accounts::create_member(&state.app, &member.actor(), &input).await {
        Ok(issued) => password_issued(&page, &issued, "/org/users".to_owned()),
        Err(error) => {
            let error = WebError::from(error);
            let status = match error {
                WebError::Conflict { .. } => StatusCode::CONFLICT,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            match field_errors(&page, &error) {
                Some(errors) => users_page(&state, &page, &member, values, errors, status).await,
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
    errors: FormErrors,
    status: StatusCode,
) -> WebResult<Response> {
    let user = scoped_user(state, member, id).await?;
    let html = render(&templates::OrgUser {
        page,
        is_self: user.id == member.id(),
        user: user_row(&user, String::new()),
        values: errors_only(errors),
    })?;
    Ok((status, html).into_response())
}

pub async fn user(
    State(state): State<AppState>,
    page: Page,
    member: OrgAdmin,
    PathId(id): PathId<UserId>,
) -> WebResult<Response> {
    user_page(
        &state,
        &page,
        &member,
        id,
        FormErrors::none(),
        StatusCode::OK,
    )
    .await
}

pub async fn set_roles(
    State(state): State<AppState>,
    page: Page,
    member: OrgAdmin,
    PathId(id): PathId<UserId>,
    form: FormFields,
) -> WebResult<Response> {
    match accounts::set_roles(&state.app, &member.actor(), id, &form.all("roles")).await {
        Ok(()) => Ok(Redirect::to(&format!("/org/users/{id}")).into_response()),
        Err(error) => {
            let error = WebError::from(error);
            match field_errors(&page, &error) {
                Some(errors) => {
                    let status = StatusCode::UNPROCESSABLE_ENTITY;
                    user_page(&state, &page, &member, id, errors, status).await
                }
                None => Err(error),
            }
        }
    }
}

async fn set_disabled(
    state: AppState,
    member: OrgAdmin,
    id: UserId,
    disabled: bool,
) -> WebResult<Response> {
    accounts::set_disabled(&state.app, &member.actor(), id, disabled).await?;
    Ok(Redirect::to(&format!("/org/users/{id}")).into_response())
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
    let issued = accounts::reset_password(&state.app, &member.actor(), id).await?;
    password_issued(&page, &issued, format!("/org/users/{id}"))
}

/// The audit log's filters: (filter, control, label).
const AUDIT_FILTERS: &[(&str, &str, &str)] = &[
    ("actor", "actor", "actor"),
    ("action", "action", "action"),
    ("object_kind", "object_kind", "audit-object-kind"),
    ("object", "object", "audit-object-id"),
    ("from", "from", "audit-from"),
    ("to", "to", "audit-to"),
];

/// (code, words) of `codes`, sorted by the words.
fn choices(
    page: &Page,
    prefix: &str,
    codes: impl Iterator<Item = &'static str>,
) -> Vec<(String, String)> {
    let mut choices: Vec<(String, String)> = codes
        .map(|code| (code.to_owned(), page.label(prefix, code)))
        .collect();
    choices.sort_by(|a, b| a.1.cmp(&b.1));
    choices
}

pub async fn audit(
    State(state): State<AppState>,
    page: Page,
    member: OrgAdmin,
    QueryParams(query): QueryParams<AuditLogInput>,
) -> WebResult<Response> {
    const PAGE_SIZE: u32 = 50;
    let scope = member.scope();
    let entries = accounts::read_audit_log(&state.app, &member.actor(), &query, PAGE_SIZE).await;
    let (entries, errors) = readable_on(&page, entries, AUDIT_FILTERS)?;
    let status = answer(&entries);
    let entries = entries.unwrap_or_default();
    let accounts = state.store.users_in(&scope).await?;
    let names: std::collections::HashMap<UserId, String> = accounts
        .iter()
        .map(|user| (user.id, user.display_name.to_string()))
        .collect();
    let (mut values, base) = lists::shown(
        "/org/audit",
        &[
            ("actor", query.actor.trim()),
            ("action", query.action.trim()),
            ("object_kind", query.object_kind.trim()),
            ("object", query.object.trim()),
            ("from", query.from.trim()),
            ("to", query.to.trim()),
        ],
    );
    values.errors = errors;
    let older = (entries.len() == PAGE_SIZE as usize)
        .then(|| {
            entries
                .last()
                .map(|entry| format!("{base}before={}", entry.record.seq))
        })
        .flatten();
    let rows = entries
        .into_iter()
        .map(|entry| {
            let record = entry.record;
            AuditRow {
                seq: record.seq,
                at: record.at.on_page(),
                actor: record
                    .actor
                    .map(|id| names.get(&id).cloned().unwrap_or_else(|| id.to_string()))
                    .unwrap_or_else(|| page.t("system")),
                actor_id: record.actor.map(|id| id.to_string()),
                action: page.label("audit-action", &record.action),
                object_kind: page.label("object-kind", &record.object_kind),
                object_link: format!(
                    "/org/audit?{}",
                    serde_urlencoded::to_string([("object", record.object_id.as_str())])
                        .unwrap_or_default()
                ),
                object_id: record.object_id,
                purpose: record
                    .purpose
                    .map(|purpose| page.lang.purpose(&purpose))
                    .unwrap_or_default(),
            }
        })
        .collect();
    let mut actors: Vec<(String, String)> = accounts
        .iter()
        .map(|user| (user.id.to_string(), user.display_name.to_string()))
        .collect();
    actors.sort_by(|a, b| a.1.cmp(&b.1));
    let html = render(&templates::OrgAudit {
        entries: rows,
        older,
        values,
        actors,
        actions: choices(
            &page,
            "audit-action",
            AuditAction::ALL.into_iter().map(AuditAction::as_str),
        ),
        object_kinds: choices(
            &page,
            "object-kind",
            ObjectKind::ALL.into_iter().map(ObjectKind::as_str),
        ),
        page: &page,
    })?;
    Ok((status, html).into_response())
}

// ---------------------------------------------------------------- public contact

/// The values of the public contact form from a stored contact.
fn contact_values(contact: &retrace_domain::PublicContact) -> FormValues {
    let mut values = FormValues::default();
    if let Some(phone) = &contact.phone {
        values.set("public_phone", phone.as_str());
    }
    if let Some(email) = &contact.email {
        values.set("public_email", email.as_str());
    }
    if let Some(details) = &contact.details {
        values.set("public_details", details.as_str());
    }
    values
}

async fn contact_page(
    state: &AppState,
    page: &Page,
    member: &Member,
    values: FormValues,
    saved: bool,
) -> WebResult<axum::response::Html<String>> {
    let org_name = state
        .store
        .organisation(member.org)
        .await?
        .map(|org| org.name.to_string())
        .unwrap_or_default();
    render(&templates::OrgContactPage {
        page,
        org_name,
        values,
        saved,
    })
}

pub async fn contact(
    State(state): State<AppState>,
    page: Page,
    member: OrgAdmin,
) -> WebResult<Response> {
    let contact = org_contact::own_contact(&state.app, &member.actor()).await?;
    Ok(
        contact_page(&state, &page, &member, contact_values(&contact), false)
            .await?
            .into_response(),
    )
}

pub async fn save_contact(
    State(state): State<AppState>,
    page: Page,
    member: OrgAdmin,
    form: FormFields,
) -> WebResult<Response> {
    let saved = org_contact::set_contact(
        &state.app,
        &member.actor(),
        &form.text("public_phone"),
        &form.text("public_email"),
        &form.text("public_details"),
    )
    .await
    .map_err(WebError::from);
    match saved {
        Ok(contact) => Ok(
            contact_page(&state, &page, &member, contact_values(&contact), true)
                .await?
                .into_response(),
        ),
        Err(error) => match FormErrors::of(&page, &error, None, "") {
            Some(errors) => {
                let values = FormValues::with_errors(&form, errors);
                let html = contact_page(&state, &page, &member, values, false).await?;
                Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
            }
            None => Err(error),
        },
    }
}
