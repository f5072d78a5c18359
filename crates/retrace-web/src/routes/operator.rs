//! Platform operators: organisations and accounts. Operators see account
//! names and roles, never the personal data that organisations hold.

use super::org::{errors_only, field_errors, new_account, password_issued, user_row};
use crate::AppState;
use crate::error::{WebError, WebResult};
use crate::extract::FormFields;
use crate::form_errors::FormErrors;
use crate::identity::Operator;
use crate::page::OnPage;
use crate::page::Page;
use crate::templates::{self, NewUserForm, OrgOption, OrgRow, render};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use retrace_app::accounts::{self, NewOrganisationInput};
use retrace_domain::{OrgId, OrgKind};
use retrace_store::Membership;
use std::collections::HashMap;

struct OrgFormValues {
    name: String,
    kind: String,
    country: String,
}

async fn organisations_page(
    state: &AppState,
    page: &Page,
    values: OrgFormValues,
    errors: FormErrors,
    status: StatusCode,
) -> WebResult<Response> {
    let users = state.store.all_users().await?;
    let mut members: HashMap<OrgId, usize> = HashMap::new();
    for user in &users {
        if let Membership::Member { org, .. } = user.membership {
            *members.entry(org).or_default() += 1;
        }
    }
    let mut organisations: Vec<OrgRow> = state
        .store
        .organisations()
        .await?
        .into_iter()
        .map(|org| OrgRow {
            members: members.get(&org.id).copied().unwrap_or(0),
            name: org.name.to_string(),
            kind: org.kind.as_str().to_owned(),
            country: org.country.to_string(),
        })
        .collect();
    organisations.sort_by(|a, b| a.name.cmp(&b.name));
    let names: std::collections::HashMap<String, String> = organisations_by_id(state).await?;
    let security_events = state
        .store
        .security_events(50)
        .await?
        .into_iter()
        .map(|event| templates::SecurityEventRow {
            at: event.at.on_page(),
            kind: event.kind,
            org: event
                .org
                .map(|org| {
                    names
                        .get(&org.to_string())
                        .cloned()
                        .unwrap_or_else(|| org.to_string())
                })
                .unwrap_or_default(),
            user: event.user.map(|user| user.to_string()).unwrap_or_default(),
        })
        .collect();
    let html = render(&templates::OperatorOrgs {
        page,
        organisations,
        security_events,
        kinds: OrgKind::ALL.iter().map(|kind| kind.as_str()).collect(),
        name: values.name,
        kind: values.kind,
        country: values.country,
        values: errors_only(errors),
    })?;
    Ok((status, html).into_response())
}

pub async fn organisations(
    State(state): State<AppState>,
    page: Page,
    _operator: Operator,
) -> WebResult<Response> {
    let values = OrgFormValues {
        name: String::new(),
        kind: "national_society".into(),
        country: String::new(),
    };
    organisations_page(&state, &page, values, FormErrors::none(), StatusCode::OK).await
}

pub async fn create_organisation(
    State(state): State<AppState>,
    page: Page,
    operator: Operator,
    form: FormFields,
) -> WebResult<Response> {
    let input = NewOrganisationInput {
        name: form.text("name"),
        kind: form.text("kind"),
        country: form.text("country"),
    };
    match accounts::create_organisation(&state.app, operator.actor, &input).await {
        Ok(_) => Ok(Redirect::to("/operator/organisations").into_response()),
        Err(error) => {
            let error = WebError::from(error);
            let status = match error {
                WebError::Conflict { .. } => StatusCode::CONFLICT,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            let values = OrgFormValues {
                name: input.name,
                kind: input.kind,
                country: input.country,
            };
            match field_errors(&page, &error) {
                Some(errors) => organisations_page(&state, &page, values, errors, status).await,
                None => Err(error),
            }
        }
    }
}

async fn users_page(
    state: &AppState,
    page: &Page,
    form: NewUserForm,
    selected_org: Option<OrgId>,
    errors: FormErrors,
    status: StatusCode,
) -> WebResult<Response> {
    let orgs = state.store.organisations().await?;
    let names: HashMap<OrgId, String> = orgs
        .iter()
        .map(|org| (org.id, org.name.to_string()))
        .collect();
    let mut users: Vec<_> = state
        .store
        .all_users()
        .await?
        .iter()
        .map(|user| {
            let context = match &user.membership {
                Membership::Member { org, .. } => names.get(org).cloned().unwrap_or_default(),
                Membership::Operator => page.t("platform-operator"),
            };
            user_row(user, context)
        })
        .collect();
    users.sort_by(|a, b| {
        (a.context.as_str(), a.display_name.as_str())
            .cmp(&(b.context.as_str(), b.display_name.as_str()))
    });
    let mut organisations: Vec<OrgOption> = orgs
        .iter()
        .map(|org| OrgOption {
            id: org.id.to_string(),
            name: org.name.to_string(),
            selected: Some(org.id) == selected_org,
        })
        .collect();
    organisations.sort_by(|a, b| a.name.cmp(&b.name));
    let html = render(&templates::OperatorUsers {
        page,
        users,
        organisations,
        form,
        values: errors_only(errors),
    })?;
    Ok((status, html).into_response())
}

pub async fn users(
    State(state): State<AppState>,
    page: Page,
    _operator: Operator,
) -> WebResult<Response> {
    users_page(
        &state,
        &page,
        NewUserForm::default(),
        None,
        FormErrors::none(),
        StatusCode::OK,
    )
    .await
}

pub async fn create_user(
    State(state): State<AppState>,
    page: Page,
    operator: Operator,
    form: FormFields,
) -> WebResult<Response> {
    let (values, input) = new_account(&form);
    let org = form.text("org");
    match accounts::create_account(&state.app, operator.actor, &org, &input).await {
        Ok(issued) => password_issued(&page, &issued, "/operator/users".to_owned()),
        Err(error) => {
            let error = WebError::from(error);
            let status = match error {
                WebError::Conflict { .. } => StatusCode::CONFLICT,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            let selected = org.parse().ok();
            match field_errors(&page, &error) {
                Some(errors) => users_page(&state, &page, values, selected, errors, status).await,
                None => Err(error),
            }
        }
    }
}

/// Organisation names by id, to name the organisation of a security event.
async fn organisations_by_id(
    state: &AppState,
) -> WebResult<std::collections::HashMap<String, String>> {
    Ok(state
        .store
        .organisations()
        .await?
        .into_iter()
        .map(|org| (org.id.to_string(), org.name.to_string()))
        .collect())
}
