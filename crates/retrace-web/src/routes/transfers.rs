//! Transfers of tracing requests to an organisation in another country,
//! pages and JSON API.
//!
//! The owner (a caseworker of the request's organisation) chooses the
//! receiving organisation and the parts to share; the receiver sees an
//! inbox and a read-only page with only those parts, read live and
//! re-checked by the store, and accepts or declines. The receiver never
//! learns the request's id: its pages stay "not found" for it, and a
//! revoked transfer is "not found" too, exactly like a missing one.

use super::candidates::transfer_contacts_of;
use crate::AppState;
use crate::error::{WebError, WebResult};
use crate::extract::{Caseworker, FormFields, JsonBody, PathId, PathIds, Reader};
use crate::form_errors::FormErrors;
use crate::form_values::FormValues;
use crate::forms;
use crate::identity::Member;
use crate::page::OnPage;
use crate::page::Page;
use crate::templates::{
    InboxRow, NameView, ReceiverOption, SharedPersonView, SoughtOption, TransferForm,
    TransferInbox, TransferLine, TransferPage, render,
};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use retrace_app::transfers::{self as app_transfers, Decision, TransferInput};
use retrace_domain::{
    OrgId, PersonName, RequestId, Role, Text, TransferId, TransferShare, TransferStatus,
};
use retrace_store::{
    IncomingTransfer, PersonRole, SharedPerson, Store, TracingRequest, Transfer, TransferView,
};
use serde_json::{Value, json};
use std::collections::HashMap;

// ---------------------------------------------------------------- views

fn name_views(names: &[PersonName]) -> Vec<NameView> {
    names
        .iter()
        .map(|name| NameView {
            full: name.full().to_owned(),
            script: name.script().as_str(),
            kind: name.kind().as_str(),
            rtl: name.script().is_rtl(),
        })
        .collect()
}

fn text(value: &Option<Text>) -> String {
    value
        .as_ref()
        .map(|t| t.as_str().to_owned())
        .unwrap_or_default()
}

fn shared_person_view(person: &SharedPerson) -> SharedPersonView {
    SharedPersonView {
        relationship: person.relationship.as_str(),
        display_name: person
            .names
            .first()
            .map(|n| n.full().to_owned())
            .unwrap_or_default(),
        names: name_views(&person.names),
        birth_date: person.birth_date.map(|d| d.to_string()).unwrap_or_default(),
        age: person
            .age_estimate
            .map(|a| format!("{} ({})", a.years, a.estimated_on))
            .unwrap_or_default(),
        birth_place: text(&person.birth_place),
        father_name: text(&person.father_name),
        mother_name: text(&person.mother_name),
        last_known_place: text(&person.last_known_place),
        minor: person.minor,
        unaccompanied: person.unaccompanied,
    }
}

/// The codes of the parts a transfer shares, for the owner's list.
fn parts_of(share: &TransferShare) -> Vec<&'static str> {
    let mut parts = Vec::new();
    if share.circumstances {
        parts.push("circumstances");
    }
    if !share.sought.is_empty() {
        parts.push("sought");
    }
    if share.enquirer_names {
        parts.push("enquirer-names");
    }
    if share.enquirer_contact {
        parts.push("enquirer-contact");
    }
    if share.note.is_some() {
        parts.push("note");
    }
    parts
}

/// Organisation names by id, looked up once each.
async fn org_names(
    store: &dyn Store,
    ids: impl Iterator<Item = OrgId>,
) -> WebResult<HashMap<OrgId, (String, String)>> {
    let mut names = HashMap::new();
    for id in ids {
        if let std::collections::hash_map::Entry::Vacant(slot) = names.entry(id) {
            let org = store.organisation(id).await?;
            slot.insert(
                org.map(|o| (o.name.to_string(), o.country.as_str().to_owned()))
                    .unwrap_or_default(),
            );
        }
    }
    Ok(names)
}

/// The transfers of a request, for its page (the owner's side).
pub async fn lines_of(
    store: &dyn Store,
    member: &Member,
    request: RequestId,
) -> WebResult<Vec<TransferLine>> {
    let transfers = store.transfers_of_request(&member.scope(), request).await?;
    let names = org_names(store, transfers.iter().map(|t| t.to_org)).await?;
    Ok(transfers
        .iter()
        .map(|t| {
            let (org_name, org_country) = names.get(&t.to_org).cloned().unwrap_or_default();
            TransferLine {
                id: t.id.to_string(),
                org_name,
                org_country,
                status: t.status.as_str(),
                reason: text(&t.reason),
                at: t.created_at.on_page(),
                parts: parts_of(&t.share),
                revocable: t.status != TransferStatus::Revoked,
            }
        })
        .collect())
}

// ---------------------------------------------------------------- the owner

async fn owned_request(
    state: &AppState,
    member: &Member,
    id: RequestId,
) -> WebResult<TracingRequest> {
    state
        .store
        .request(
            &member.audit(state, "request transfer"),
            &member.scope(),
            id,
        )
        .await?
        .ok_or(WebError::NotFound)
}

async fn render_form(
    state: &AppState,
    page: &Page,
    member: &Member,
    request: &TracingRequest,
    values: FormValues,
    chosen_sought: Vec<String>,
) -> WebResult<axum::response::Html<String>> {
    let own_country = state
        .store
        .organisation(member.org)
        .await?
        .map(|o| o.country)
        .ok_or(WebError::NotFound)?;
    let orgs = state
        .store
        .organisations()
        .await?
        .into_iter()
        .filter(|o| o.country != own_country && o.id != member.org)
        .map(|o| ReceiverOption {
            id: o.id.to_string(),
            name: o.name.to_string(),
            country: o.country.as_str().to_owned(),
        })
        .collect();
    let sought = request
        .sought
        .iter()
        .map(|p| SoughtOption {
            id: p.id.to_string(),
            name: p.details.primary_name().to_owned(),
            relationship: match p.role {
                PersonRole::Sought(r) => r.as_str(),
                _ => "other_relative",
            },
            at_risk: p.details.flags.at_risk,
        })
        .collect();
    render(&TransferForm {
        page,
        id: request.id.to_string(),
        reference: request.reference.to_string(),
        orgs,
        sought,
        enquirer_name: request.enquirer.details.primary_name().to_owned(),
        enquirer_at_risk: request.enquirer.details.flags.at_risk,
        values,
        chosen_sought,
    })
}

pub async fn new_form(
    State(state): State<AppState>,
    page: Page,
    member: Caseworker,
    PathId(id): PathId<RequestId>,
) -> WebResult<Response> {
    let request = owned_request(&state, &member, id).await?;
    let html = render_form(
        &state,
        &page,
        &member,
        &request,
        FormValues::default(),
        Vec::new(),
    )
    .await?;
    Ok(html.into_response())
}

/// The transfer form's controls and their labels: the use case's
/// `to_organisation` is the form's `to_org`.
const TRANSFER_FIELDS: &[(&str, &str, &str)] = &[
    ("to_organisation", "to_org", "transfer-field-to-org"),
    ("sought", "sought", "transfer-field-sought"),
    ("note", "note", "transfer-field-note"),
    ("share", "circumstances", "transfer-field-share"),
    (
        "enquirer_contact",
        "enquirer_contact",
        "transfer-part-enquirer-contact",
    ),
    (
        "enquirer_names",
        "enquirer_names",
        "transfer-part-enquirer-names",
    ),
];

/// The decision form's controls and their labels.
const DECISION_FIELDS: &[(&str, &str, &str)] = &[
    ("decision", "decision", "transfer-field-decision"),
    ("reason", "reason", "transfer-field-reason"),
    ("status", "decision", "transfer-field-decision"),
];

pub async fn create(
    State(state): State<AppState>,
    page: Page,
    member: Caseworker,
    PathId(id): PathId<RequestId>,
    form: FormFields,
) -> WebResult<Response> {
    let input = forms::transfer(&form);
    let chosen_sought = input.sought.clone();
    match app_transfers::transfer_request(&state.app, &member.actor(), id, input).await {
        Ok(_) => Ok(Redirect::to(&format!("/requests/{id}#transfers")).into_response()),
        Err(error) => {
            let error = WebError::from(error);
            let Some(errors) = FormErrors::of_fields(&page, &error, TRANSFER_FIELDS) else {
                return Err(error);
            };
            let request = owned_request(&state, &member, id).await?;
            let html = render_form(
                &state,
                &page,
                &member,
                &request,
                FormValues::with_errors(&form, errors),
                chosen_sought,
            )
            .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
        }
    }
}

pub async fn revoke(
    State(state): State<AppState>,
    member: Caseworker,
    PathIds(id, transfer): PathIds<RequestId, TransferId>,
) -> WebResult<Response> {
    app_transfers::revoke_transfer(&state.app, &member.actor(), id, transfer).await?;
    Ok(Redirect::to(&format!("/requests/{id}#transfers")).into_response())
}

// ---------------------------------------------------------------- the receiver

async fn inbox_rows(store: &dyn Store, incoming: &[IncomingTransfer]) -> WebResult<Vec<InboxRow>> {
    let names = org_names(store, incoming.iter().map(|t| t.from_org)).await?;
    Ok(incoming
        .iter()
        .map(|t| {
            let (org_name, org_country) = names.get(&t.from_org).cloned().unwrap_or_default();
            InboxRow {
                id: t.id.to_string(),
                reference: t.reference.to_string(),
                org_name,
                org_country,
                status: t.status.as_str(),
                at: t.created_at.on_page(),
            }
        })
        .collect())
}

pub async fn inbox(
    State(state): State<AppState>,
    page: Page,
    member: Reader,
) -> WebResult<Response> {
    let incoming = state.store.incoming_transfers(&member.scope()).await?;
    let rows = inbox_rows(state.store.as_ref(), &incoming).await?;
    Ok(render(&TransferInbox { page: &page, rows })?.into_response())
}

async fn load_view(state: &AppState, member: &Member, id: TransferId) -> WebResult<TransferView> {
    state
        .store
        .transfer(&member.audit(state, "transfer view"), &member.scope(), id)
        .await?
        .ok_or(WebError::NotFound)
}

pub async fn show(
    State(state): State<AppState>,
    page: Page,
    member: Reader,
    PathId(id): PathId<TransferId>,
) -> WebResult<Response> {
    Ok(
        transfer_page(&state, &page, &member, id, FormValues::default())
            .await?
            .into_response(),
    )
}

/// The received transfer's page; `values` fill its decision form again,
/// with its errors, after a refusal.
async fn transfer_page(
    state: &AppState,
    page: &Page,
    member: &Member,
    id: TransferId,
    values: FormValues,
) -> WebResult<axum::response::Html<String>> {
    let view = load_view(state, member, id).await?;
    let (org_name, org_country, contacts) =
        transfer_contacts_of(state.store.as_ref(), view.from_org).await?;
    render(&TransferPage {
        page,
        id: view.id.to_string(),
        reference: view.reference.to_string(),
        status: view.status.as_str(),
        reason: text(&view.reason),
        note: text(&view.note),
        received: view.created_at.on_page(),
        org_name,
        org_country,
        contacts,
        circumstances: view
            .circumstances
            .as_ref()
            .map(crate::templates::CircumstancesView::of),
        enquirer_names: view.enquirer.as_ref().map(|e| name_views(&e.names)),
        relationships: view
            .enquirer
            .as_ref()
            .map(|e| e.relationships.iter().map(|r| r.as_str()).collect())
            .unwrap_or_default(),
        enquirer_contact: text(&view.enquirer_contact),
        sought: view.sought.iter().map(shared_person_view).collect(),
        can_decide: member.roles.contains(Role::Caseworker)
            && view.status == TransferStatus::Pending,
        values,
    })
}

pub async fn decision(
    State(state): State<AppState>,
    page: Page,
    member: Caseworker,
    PathId(id): PathId<TransferId>,
    form: FormFields,
) -> WebResult<Response> {
    let input = Decision {
        decision: form.text("decision"),
        reason: form.text("reason"),
    };
    match app_transfers::decide_transfer(&state.app, &member.actor(), id, input).await {
        Ok(decided) => Ok(Redirect::to(&format!("/transfers/{}", decided.id)).into_response()),
        Err(error) => {
            let error = WebError::from(error);
            // 422 for the input, 409 when the transfer was decided meanwhile.
            let status = error.status();
            let Some(errors) = FormErrors::of_fields(&page, &error, DECISION_FIELDS) else {
                return Err(error);
            };
            let values = FormValues::with_errors(&form, errors);
            let html = transfer_page(&state, &page, &member, id, values).await?;
            Ok((status, html).into_response())
        }
    }
}

// ---------------------------------------------------------------- JSON API

fn names_json(names: &[PersonName]) -> Value {
    Value::Array(
        names
            .iter()
            .map(|n| json!({ "full": n.full(), "kind": n.kind().as_str(), "script": n.script().as_str() }))
            .collect(),
    )
}

fn incoming_json(t: &IncomingTransfer, names: &HashMap<OrgId, (String, String)>) -> Value {
    let (name, country) = names.get(&t.from_org).cloned().unwrap_or_default();
    json!({
        "id": t.id.to_string(),
        "reference": t.reference.to_string(),
        "status": t.status.as_str(),
        "from_organisation": { "name": name, "country": country },
        "created_at": t.created_at.rfc3339(),
        "decided_at": t.decided_at.map(|d| d.rfc3339()),
    })
}

fn outgoing_json(t: &Transfer, names: &HashMap<OrgId, (String, String)>) -> Value {
    let (name, country) = names.get(&t.to_org).cloned().unwrap_or_default();
    json!({
        "id": t.id.to_string(),
        "request": t.request.to_string(),
        "reference": t.reference.to_string(),
        "status": t.status.as_str(),
        "to_organisation": { "id": t.to_org.to_string(), "name": name, "country": country },
        "share": {
            "circumstances": t.share.circumstances,
            "sought": t.share.sought.iter().map(ToString::to_string).collect::<Vec<_>>(),
            "enquirer_names": t.share.enquirer_names,
            "enquirer_contact": t.share.enquirer_contact,
            "note": t.share.note,
        },
        "reason": t.reason,
        "created_at": t.created_at.rfc3339(),
        "decided_at": t.decided_at.map(|d| d.rfc3339()),
        "revoked_at": t.revoked_at.map(|d| d.rfc3339()),
    })
}

pub async fn api_incoming(State(state): State<AppState>, member: Reader) -> WebResult<Json<Value>> {
    let incoming = state.store.incoming_transfers(&member.scope()).await?;
    let names = org_names(state.store.as_ref(), incoming.iter().map(|t| t.from_org)).await?;
    Ok(Json(json!({
        "transfers": incoming.iter().map(|t| incoming_json(t, &names)).collect::<Vec<_>>(),
    })))
}

pub async fn api_show(
    State(state): State<AppState>,
    member: Reader,
    PathId(id): PathId<TransferId>,
) -> WebResult<Json<Value>> {
    let view = load_view(&state, &member, id).await?;
    let (name, country, contacts) =
        transfer_contacts_of(state.store.as_ref(), view.from_org).await?;
    Ok(Json(json!({
        "id": view.id.to_string(),
        "reference": view.reference.to_string(),
        "status": view.status.as_str(),
        "reason": view.reason,
        "note": view.note,
        "created_at": view.created_at.rfc3339(),
        "decided_at": view.decided_at.map(|d| d.rfc3339()),
        "from_organisation": { "name": name, "country": country, "contacts": contacts },
        "circumstances": view.circumstances,
        "enquirer": view.enquirer.as_ref().map(|e| json!({
            "names": names_json(&e.names),
            "relationships": e.relationships.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
        })),
        "enquirer_contact": view.enquirer_contact,
        "sought": view.sought.iter().map(|p| json!({
            "relationship": p.relationship.as_str(),
            "names": names_json(&p.names),
            "birth_date": p.birth_date.map(|d| d.to_string()),
            "age_estimate": p.age_estimate,
            "birth_place": p.birth_place,
            "father_name": p.father_name,
            "mother_name": p.mother_name,
            "last_known_place": p.last_known_place,
            "minor": p.minor,
            "unaccompanied": p.unaccompanied,
        })).collect::<Vec<_>>(),
    })))
}

pub async fn api_decision(
    State(state): State<AppState>,
    member: Caseworker,
    PathId(id): PathId<TransferId>,
    JsonBody(input): JsonBody<Decision>,
) -> WebResult<Json<Value>> {
    let decided = app_transfers::decide_transfer(&state.app, &member.actor(), id, input).await?;
    let names = org_names(state.store.as_ref(), std::iter::once(decided.from_org)).await?;
    Ok(Json(incoming_json(&decided, &names)))
}

pub async fn api_of_request(
    State(state): State<AppState>,
    member: Reader,
    PathId(id): PathId<RequestId>,
) -> WebResult<Json<Value>> {
    let transfers = state
        .store
        .transfers_of_request(&member.scope(), id)
        .await?;
    let names = org_names(state.store.as_ref(), transfers.iter().map(|t| t.to_org)).await?;
    Ok(Json(json!({
        "transfers": transfers.iter().map(|t| outgoing_json(t, &names)).collect::<Vec<_>>(),
    })))
}

pub async fn api_create(
    State(state): State<AppState>,
    member: Caseworker,
    PathId(id): PathId<RequestId>,
    JsonBody(input): JsonBody<TransferInput>,
) -> WebResult<Response> {
    let created = app_transfers::transfer_request(&state.app, &member.actor(), id, input).await?;
    let names = org_names(state.store.as_ref(), std::iter::once(created.to_org)).await?;
    Ok((StatusCode::CREATED, Json(outgoing_json(&created, &names))).into_response())
}
