//! The lists of persons that work (issue 15, item 7): requests and
//! registrations with search, filters, an order and pages; candidate and
//! flag columns; a request's assignment to a caseworker and "my
//! requests". Every list is read through a store method that audits it.

use crate::AppState;
use crate::error::{WebError, WebResult};
use crate::extract::{Caseworker, FormFields, PathId, QueryParams, Reader};
use crate::form_errors::FormErrors;
use crate::form_values::FormValues;
use crate::identity::Member;
use crate::page::{OnPage, Page};
use crate::templates::{self, Pager, render};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use retrace_app::lists::{self as app_lists, SoughtQuery};
use retrace_app::persons::{self as app_persons, RegistrationQuery};
use retrace_app::requests::{self as app_requests, Assignment, PAGE_SIZE, RequestQuery};
use retrace_domain::{RequestId, Role, UserId};
use retrace_store::{Membership, PersonRole, UserAccount};
use std::collections::HashMap;

/// The organisation's members by id, with whether each may be assigned
/// a request (an active caseworker).
async fn members(state: &AppState, member: &Member) -> WebResult<Vec<UserAccount>> {
    Ok(state.store.users_in(&member.scope()).await?)
}

fn assignable(user: &UserAccount) -> bool {
    !user.disabled
        && matches!(&user.membership,
            Membership::Member { roles, .. } if roles.contains(Role::Caseworker))
}

fn names(users: &[UserAccount]) -> HashMap<UserId, String> {
    users
        .iter()
        .map(|u| (u.id, u.display_name.to_string()))
        .collect()
}

/// Every list filter: its control and its label.
const FILTER_FIELDS: &[(&str, &str, &str)] = &[
    ("q", "q", "field-text-search"),
    ("name", "name", "field-name-search"),
    ("status", "status", "status"),
    ("nationality", "nationality", "field-nationality"),
    ("from", "from", "field-opened-from"),
    ("to", "to", "field-opened-to"),
    ("kind", "kind", "field-kind"),
    ("flag", "flag", "list-flag"),
    ("sort", "sort", "list-sort"),
    ("review", "review", "list-review-only"),
    ("candidates", "candidates", "list-candidates-only"),
    ("assigned", "assigned", "list-assigned"),
];

/// The filter of a list, or, when some of its values cannot be read,
/// none (the list shows nothing) and the errors to mark on its form.
pub(crate) fn readable<T>(
    page: &Page,
    filter: retrace_app::AppResult<T>,
) -> WebResult<(Option<T>, FormErrors)> {
    readable_on(page, filter, FILTER_FIELDS)
}

/// `readable`, for a form whose filters are `fields` (filter, control,
/// label).
pub(crate) fn readable_on<T>(
    page: &Page,
    filter: retrace_app::AppResult<T>,
    fields: &[(&str, &str, &str)],
) -> WebResult<(Option<T>, FormErrors)> {
    match filter {
        Ok(filter) => Ok((Some(filter), FormErrors::none())),
        Err(error) => {
            let error = WebError::from(error);
            match FormErrors::of_fields(page, &error, fields) {
                Some(errors) => Ok((None, errors)),
                None => Err(error),
            }
        }
    }
}

/// 422 for a list whose filters could not be read.
pub(crate) fn answer<T>(filter: &Option<T>) -> StatusCode {
    match filter {
        Some(_) => StatusCode::OK,
        None => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

/// The query values shown again in the filter form, and the link of the
/// same list at another page.
pub(crate) fn shown(path: &str, pairs: &[(&str, &str)]) -> (FormValues, String) {
    let mut values = FormValues::default();
    for (key, value) in pairs {
        values.set(key, (*value).to_owned());
    }
    let set: Vec<(&str, &str)> = pairs
        .iter()
        .copied()
        .filter(|(_, v)| !v.is_empty())
        .collect();
    let encoded = serde_urlencoded::to_string(set).unwrap_or_default();
    let base = if encoded.is_empty() {
        format!("{path}?")
    } else {
        format!("{path}?{encoded}&")
    };
    (values, base)
}

pub async fn requests(
    State(state): State<AppState>,
    page: Page,
    member: Reader,
    QueryParams(query): QueryParams<RequestQuery>,
) -> WebResult<Response> {
    let (filter, errors) = readable(
        &page,
        app_requests::request_filter(&state.app, &member.actor(), &query),
    )?;
    let (rows, total) = match &filter {
        Some(filter) => {
            let audit = member.audit(&state, "request list");
            state
                .store
                .list_requests(&audit, &member.scope(), filter)
                .await?
        }
        None => (Vec::new(), 0),
    };
    let names = names(&members(&state, &member).await?);
    let (mut values, base) = shown(
        "/requests",
        &[
            ("status", &query.status),
            ("nationality", &query.nationality),
            ("from", &query.from),
            ("to", &query.to),
            ("q", &query.q),
            ("name", &query.name),
            ("assigned", &query.assigned),
            ("flag", &query.flag),
            ("review", &query.review),
            ("sort", &query.sort),
        ],
    );
    let rows = rows
        .into_iter()
        .map(|row| templates::RequestRow {
            id: row.id.to_string(),
            reference: row.reference.to_string(),
            status: row.status.code(),
            enquirer: row.enquirer_name,
            sought: row
                .sought
                .into_iter()
                .map(|(relationship, name)| (relationship.as_str(), name))
                .collect(),
            assignee: row
                .assigned_to
                .and_then(|id| names.get(&id).cloned())
                .unwrap_or_default(),
            candidates: u64::from(row.candidates.total),
            to_review: u64::from(row.candidates.to_review),
            minor: row.minor,
            at_risk: row.at_risk,
            opened: row.created_at.on_page(),
        })
        .collect();
    values.errors = errors;
    let html = render(&templates::RequestList {
        page: &page,
        rows,
        total,
        pager: Pager::new(&base, query.page, total, PAGE_SIZE),
        mine: query.assigned == "me",
        values,
        can_write: member.roles.contains(Role::Caseworker),
    })?;
    Ok((answer(&filter), html).into_response())
}

pub async fn registrations(
    State(state): State<AppState>,
    page: Page,
    member: Reader,
    QueryParams(query): QueryParams<RegistrationQuery>,
) -> WebResult<Response> {
    let filter = app_persons::registration_filter(&state.app, &member.actor(), &query);
    let (filter, errors) = readable(&page, filter)?;
    let (people, total) = match &filter {
        Some(filter) => {
            let audit = member.audit(&state, "registrations list");
            state
                .store
                .list_registrations(&audit, &member.scope(), filter)
                .await?
        }
        None => (Vec::new(), 0),
    };
    let (mut values, base) = shown(
        "/registrations",
        &[
            ("q", &query.q),
            ("name", &query.name),
            ("kind", &query.kind),
            ("flag", &query.flag),
            ("review", &query.review),
            ("sort", &query.sort),
        ],
    );
    let rows = people
        .into_iter()
        .map(|line| {
            let person = &line.person;
            templates::RegistrationRow {
                id: person.id.to_string(),
                kind: match person.role {
                    PersonRole::Registered(kind) => kind.as_str(),
                    _ => "looking_for_family",
                },
                name: person.details.primary_name().to_owned(),
                candidates: u64::from(line.candidates.total),
                to_review: u64::from(line.candidates.to_review),
                minor: person.details.flags.minor,
                at_risk: person.details.flags.at_risk,
                registered: person.created_at.on_page(),
            }
        })
        .collect();
    values.errors = errors;
    let html = render(&templates::RegistrationList {
        page: &page,
        rows,
        total,
        pager: Pager::new(&base, query.page, total, PAGE_SIZE),
        values,
        can_write: member.roles.contains(Role::Caseworker),
    })?;
    Ok((answer(&filter), html).into_response())
}

/// `GET /sought`: the sought persons of every request of the organisation.
pub async fn sought(
    State(state): State<AppState>,
    page: Page,
    member: Reader,
    QueryParams(query): QueryParams<SoughtQuery>,
) -> WebResult<Response> {
    let (filter, errors) = readable(
        &page,
        app_lists::sought_filter(&state.app, &member.actor(), &query),
    )?;
    let (people, total) = match &filter {
        Some(filter) => {
            let audit = member.audit(&state, "sought persons list");
            state
                .store
                .list_sought(&audit, &member.scope(), filter)
                .await?
        }
        None => (Vec::new(), 0),
    };
    let (mut values, base) = shown(
        "/sought",
        &[
            ("q", &query.q),
            ("name", &query.name),
            ("status", &query.status),
            ("flag", &query.flag),
            ("candidates", &query.candidates),
            ("review", &query.review),
            ("sort", &query.sort),
        ],
    );
    let rows = people
        .into_iter()
        .map(|line| {
            let person = &line.person;
            templates::SoughtLine {
                id: person.id.to_string(),
                name: person.details.primary_name().to_owned(),
                relationship: match person.role {
                    PersonRole::Sought(relationship) => relationship.as_str(),
                    _ => "other",
                },
                request_id: line.request.to_string(),
                reference: line.reference.to_string(),
                status: line.status.code(),
                line: templates::LineFlags::of(
                    line.candidates,
                    person.details.flags.minor,
                    person.details.flags.at_risk,
                ),
                recorded: person.created_at.on_page(),
            }
        })
        .collect();
    values.errors = errors;
    let html = render(&templates::SoughtList {
        page: &page,
        rows,
        total,
        pager: Pager::new(&base, query.page, total, PAGE_SIZE),
        values,
    })?;
    Ok((answer(&filter), html).into_response())
}

/// The assignment part of a request's page: who has it, and for a
/// caseworker the members it can be given to.
pub async fn assignment_view(
    state: &AppState,
    member: &Member,
    assigned_to: Option<UserId>,
) -> WebResult<templates::AssignmentView> {
    let users = members(state, member).await?;
    let assignee = assigned_to.and_then(|id| {
        users
            .iter()
            .find(|u| u.id == id)
            .map(|u| u.display_name.to_string())
    });
    let choices = users
        .iter()
        .filter(|u| assignable(u))
        .map(|u| {
            (
                u.id.to_string(),
                u.display_name.to_string(),
                Some(u.id) == assigned_to,
            )
        })
        .collect();
    Ok(templates::AssignmentView { assignee, choices })
}

/// `POST /requests/{id}/assignment`: gives the request to a caseworker of
/// the organisation, or takes it back (empty `assignee`).
pub async fn assign(
    State(state): State<AppState>,
    page: Page,
    member: Caseworker,
    PathId(id): PathId<RequestId>,
    form: FormFields,
) -> WebResult<Response> {
    let input = Assignment {
        assignee: form.text("assignee"),
    };
    let assigned = app_requests::assign_request(&state.app, &member.actor(), id, input).await;
    let error = match assigned {
        Ok(()) => return Ok(Redirect::to(&format!("/requests/{id}")).into_response()),
        Err(error) => WebError::from(error),
    };
    // A caseworker disabled since the page was drawn: the request's page
    // again, with the choice marked.
    let fields = [("assignee", "assignee", "list-assign-to")];
    let Some(errors) = FormErrors::of_fields(&page, &error, &fields) else {
        return Err(error);
    };
    let values = FormValues::with_errors(&form, errors);
    let html = super::requests::request_page(&state, &page, &member, id, values).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
}
