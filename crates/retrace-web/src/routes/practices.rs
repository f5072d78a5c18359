//! The smart-practices database (issue 14, item 2) as pages and JSON.
//! Members search, submit, review, moderate and publish on `/practices`;
//! anyone reads and searches published practices on `/public/practices`
//! and sends one through the public form, held for moderation, with the
//! gallery report form's defences (honeypot, signed time stamp spent once,
//! per-client limits). What is allowed is `retrace_app::practices`'s; a
//! practice the reader may not see is "not found" on every route.

use super::gallery::{HONEYPOT_FIELD, limit, public_form_stamp, stamp_age};
use super::lists::{answer, readable_on};
use super::session::ClientIp;
use crate::AppState;
use crate::error::{WebError, WebResult};
use crate::extract::{FormFields, PathId, QueryParams};
use crate::form_errors::FormErrors;
use crate::forms;
use crate::i18n::Lang;
use crate::identity::Member;
use crate::page::Page;
use crate::practice_views::{
    Choices, FormValues, PracticeFormPage, PracticePage, PracticeRow, PracticesPage, practice_input,
};
use crate::templates::render;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use retrace_app::practices::{self as app_practices, PracticeFilterInput, ReviewInput};
use retrace_app::{Actor, AppError};
use retrace_domain::library::TextLanguage;
use retrace_domain::{
    FieldError, PracticeId, PracticeStatus, Problem, Timestamp, may_moderate, publish_decision,
    review_decision,
};
use retrace_store::{FormStamp, Practice, PracticeReader, PracticeSummary, StoreError};
use serde_json::{Value, json};

const PUBLIC_FORM: &str = "public-practice";

fn text_language(lang: Lang) -> TextLanguage {
    match lang {
        Lang::En => TextLanguage::En,
        Lang::Fr => TextLanguage::Fr,
        Lang::Es => TextLanguage::Es,
        Lang::Ar => TextLanguage::Ar,
    }
}

/// A field error as one translated line; the refusals of the peer-review
/// and moderation rules in words of the page's language.
fn form_error(page: &Page, error: &WebError) -> Option<String> {
    refusal_line(page, error).or_else(|| error.form_line_named(page, "practice"))
}

/// The submission form's errors, each on its control (`practice-…`).
fn practice_errors(page: &Page, error: &WebError) -> Option<FormErrors> {
    FormErrors::labelled(
        page,
        error,
        |field| {
            let key = field.split('[').next().unwrap_or(field);
            forms::form_field_label(page, "practice", key)
        },
        |field| {
            let key = field.split('[').next().unwrap_or(field);
            let control = match key {
                "target_group" => "target",
                "cost_amount" | "cost" => "cost",
                "cost_currency" => "currency",
                other => other,
            };
            format!("practice-{control}")
        },
    )
}

/// A refusal of the peer-review and moderation rules, alone, reads as its
/// sentence without a field label.
fn refusal_line(page: &Page, error: &WebError) -> Option<String> {
    let [FieldError { problem, .. }] = error.field_errors() else {
        return None;
    };
    problem
        .key()
        .starts_with("practice-refused-")
        .then(|| page.lang.problem(problem))
}

fn reader(member: &Member) -> PracticeReader {
    PracticeReader::Member(member.actor().scope())
}

async fn member_networks(state: &AppState, actor: &Actor) -> WebResult<Vec<(String, String)>> {
    Ok(retrace_app::networks::networks(&state.app, actor)
        .await?
        .into_iter()
        .map(|n| (n.network.id.to_string(), n.network.name.to_string()))
        .collect())
}

/// The practice search's filters: filter, control, label.
const PRACTICE_FILTERS: &[(&str, &str, &str)] = &[
    ("q", "filter-q", "practice-search-words"),
    ("stage", "filter-stage", "practice-field-stages"),
    ("support", "filter-support", "practice-field-support"),
    ("objective", "filter-objective", "practice-field-objectives"),
    ("country", "filter-country", "practice-field-country"),
    ("language", "filter-language", "practice-field-language"),
    ("status", "filter-status", "practice-field-status"),
    ("network", "filter-network", "practice-field-network"),
];

async fn list_page(
    state: &AppState,
    page: &Page,
    reader: PracticeReader,
    networks: Vec<(String, String)>,
    can_submit: bool,
    filter: PracticeFilterInput,
) -> WebResult<Response> {
    let public = reader == PracticeReader::Public;
    let mut filter = filter;
    if public {
        filter.status = String::new();
        filter.network = String::new();
    }
    let found = app_practices::search(&state.app, reader, &filter, text_language(page.lang)).await;
    let (found, errors) = readable_on(page, found, PRACTICE_FILTERS)?;
    let status = answer(&found);
    let rows = found.unwrap_or_default();
    let mut values = crate::form_values::FormValues::default();
    values.errors = errors;
    let html = render(&PracticesPage {
        page,
        public,
        rows: rows.iter().map(|p| PracticeRow::new(page, p)).collect(),
        filter,
        choices: Choices::new(page),
        networks,
        can_submit,
        values,
    })?;
    Ok((status, html).into_response())
}

fn writes(actor: &Actor) -> bool {
    actor
        .roles()
        .iter()
        .any(|r| r != retrace_domain::Role::Viewer)
}

pub async fn list(
    State(state): State<AppState>,
    page: Page,
    member: Member,
    QueryParams(filter): QueryParams<PracticeFilterInput>,
) -> WebResult<Response> {
    let actor = member.actor();
    let networks = member_networks(&state, &actor).await?;
    list_page(
        &state,
        &page,
        reader(&member),
        networks,
        writes(&actor),
        filter,
    )
    .await
}

pub async fn public_list(
    State(state): State<AppState>,
    page: Page,
    ClientIp(client): ClientIp,
    QueryParams(filter): QueryParams<PracticeFilterInput>,
) -> WebResult<Response> {
    limit(&state.gallery.page_limiter, client, state.clock.now()).await?;
    list_page(
        &state,
        &page,
        PracticeReader::Public,
        Vec::new(),
        false,
        filter,
    )
    .await
}

/// The practice page for a member, with the actions the rules allow.
fn member_page<'a>(page: &'a Page, actor: &Actor, practice: &Practice) -> PracticePage<'a> {
    let mut view = PracticePage::new(page, false, practice);
    let given: Vec<retrace_domain::GivenReview> = practice
        .reviews
        .iter()
        .map(|r| retrace_domain::GivenReview {
            reviewer: r.reviewer,
            org: r.org,
            verdict: r.verdict,
        })
        .collect();
    let summary = &practice.summary;
    view.can_review = review_decision(
        practice.membership,
        actor.roles(),
        summary.status,
        summary.org,
        actor.user(),
        actor.org(),
        &given,
    )
    .is_ok();
    view.can_publish = publish_decision(
        practice.membership,
        actor.roles(),
        summary.status,
        summary.org,
        actor.org(),
        &given,
    )
    .is_ok();
    view.can_moderate =
        summary.status == PracticeStatus::Held && may_moderate(practice.membership, actor.roles());
    view
}

pub async fn show(
    State(state): State<AppState>,
    page: Page,
    member: Member,
    PathId(id): PathId<PracticeId>,
) -> WebResult<Response> {
    let practice = app_practices::practice(&state.app, reader(&member), id).await?;
    Ok(render(&member_page(&page, &member.actor(), &practice))?.into_response())
}

pub async fn public_show(
    State(state): State<AppState>,
    page: Page,
    ClientIp(client): ClientIp,
    PathId(id): PathId<PracticeId>,
) -> WebResult<Response> {
    limit(&state.gallery.page_limiter, client, state.clock.now()).await?;
    let practice = app_practices::practice(&state.app, PracticeReader::Public, id).await?;
    Ok(render(&PracticePage::new(&page, true, &practice))?.into_response())
}

/// Runs a member's action on a practice, back to its page, or the page
/// again with the refusal.
async fn act(
    state: &AppState,
    page: &Page,
    member: &Member,
    id: PracticeId,
    form: Option<&FormFields>,
    result: Result<(), AppError>,
) -> WebResult<Response> {
    let error = match result {
        Ok(()) => return Ok(Redirect::to(&format!("/practices/{id}")).into_response()),
        Err(error) => WebError::from(error),
    };
    // A rule's refusal reads as its sentence; the review form's input
    // errors are marked on its controls.
    let (line, review) = match (refusal_line(page, &error), form) {
        (Some(line), _) => (Some(line), crate::form_values::FormValues::default()),
        (None, Some(form)) => {
            let Some(errors) = FormErrors::labelled(
                page,
                &error,
                |field| forms::form_field_label(page, "practice", field),
                |field| format!("review-{field}"),
            ) else {
                return Err(error);
            };
            (
                None,
                crate::form_values::FormValues::with_errors(form, errors),
            )
        }
        (None, None) => match form_error(page, &error) {
            Some(line) => (Some(line), crate::form_values::FormValues::default()),
            None => return Err(error),
        },
    };
    let actor = member.actor();
    let practice = app_practices::practice(&state.app, reader(member), id).await?;
    let mut view = member_page(page, &actor, &practice);
    view.error = line;
    view.comment = form
        .and_then(|f| f.get("comment"))
        .unwrap_or_default()
        .to_owned();
    view.review = review;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&view)?).into_response())
}

pub async fn review(
    State(state): State<AppState>,
    page: Page,
    member: Member,
    PathId(id): PathId<PracticeId>,
    form: FormFields,
) -> WebResult<Response> {
    let input = ReviewInput {
        verdict: form.text("verdict"),
        comment: form.get("comment").unwrap_or_default().to_owned(),
    };
    let result = app_practices::review(&state.app, &member.actor(), id, &input).await;
    act(&state, &page, &member, id, Some(&form), result).await
}

pub async fn publish(
    State(state): State<AppState>,
    page: Page,
    member: Member,
    PathId(id): PathId<PracticeId>,
) -> WebResult<Response> {
    let result = app_practices::publish(&state.app, &member.actor(), id).await;
    act(&state, &page, &member, id, None, result).await
}

pub async fn moderate(
    State(state): State<AppState>,
    page: Page,
    member: Member,
    PathId(id): PathId<PracticeId>,
    form: FormFields,
) -> WebResult<Response> {
    let accept = match form.text("decision").as_str() {
        "accept" => true,
        "decline" => false,
        _ => {
            return Err(WebError::invalid(
                "decision",
                Problem::OneOf {
                    choices: vec![
                        retrace_domain::Choice::Accept,
                        retrace_domain::Choice::Decline,
                    ],
                },
            ));
        }
    };
    let result = app_practices::moderate(&state.app, &member.actor(), id, accept).await;
    act(&state, &page, &member, id, None, result).await
}

#[allow(clippy::too_many_arguments)]
fn form_page(
    page: &Page,
    public: bool,
    networks: Vec<(String, String)>,
    form: FormValues,
    stamp: String,
    error: Option<String>,
    status: StatusCode,
) -> WebResult<Response> {
    let html = render(&PracticeFormPage {
        page,
        public,
        networks,
        choices: Choices::new(page),
        form,
        stamp,
        error,
    })?;
    Ok((status, html).into_response())
}

pub async fn new_form(
    State(state): State<AppState>,
    page: Page,
    member: Member,
) -> WebResult<Response> {
    let actor = member.actor();
    if actor
        .roles()
        .iter()
        .all(|r| r == retrace_domain::Role::Viewer)
    {
        return Err(WebError::Forbidden);
    }
    let networks = member_networks(&state, &actor).await?;
    form_page(
        &page,
        false,
        networks,
        FormValues::default(),
        String::new(),
        None,
        StatusCode::OK,
    )
}

pub async fn submit(
    State(state): State<AppState>,
    page: Page,
    member: Member,
    form: FormFields,
) -> WebResult<Response> {
    let actor = member.actor();
    let values = practice_input(&form);
    match app_practices::submit(&state.app, &actor, &values.input).await {
        Ok(id) => Ok(Redirect::to(&format!("/practices/{id}")).into_response()),
        Err(error) => {
            let error = WebError::from(error);
            let Some(errors) = practice_errors(&page, &error) else {
                return Err(error);
            };
            let networks = member_networks(&state, &actor).await?;
            let mut values = values;
            values.errors.errors = errors;
            form_page(
                &page,
                false,
                networks,
                values,
                String::new(),
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
    }
}

async fn all_networks(state: &AppState) -> WebResult<Vec<(String, String)>> {
    Ok(state
        .store
        .all_networks()
        .await?
        .into_iter()
        .map(|n| (n.id.to_string(), n.name.to_string()))
        .collect())
}

fn public_form(
    state: &AppState,
    page: &Page,
    networks: Vec<(String, String)>,
    form: FormValues,
    now: Timestamp,
    error: Option<String>,
    status: StatusCode,
) -> WebResult<Response> {
    let stamp = public_form_stamp(state, PUBLIC_FORM, now);
    form_page(page, true, networks, form, stamp, error, status)
}

pub async fn public_new(
    State(state): State<AppState>,
    page: Page,
    ClientIp(client): ClientIp,
) -> WebResult<Response> {
    let now = state.clock.now();
    limit(&state.gallery.page_limiter, client, now).await?;
    let networks = all_networks(&state).await?;
    public_form(
        &state,
        &page,
        networks,
        FormValues::default(),
        now,
        None,
        StatusCode::OK,
    )
}

pub async fn public_submit(
    State(state): State<AppState>,
    page: Page,
    ClientIp(client): ClientIp,
    form: FormFields,
) -> WebResult<Response> {
    let now = state.clock.now();
    limit(&state.gallery.report_limiter, client, now).await?;
    let thanks = Redirect::to("/public/practices/thanks").into_response();
    // A bot that fills the hidden field is thanked and ignored.
    if !form.text(HONEYPOT_FIELD).is_empty() {
        return Ok(thanks);
    }
    let values = practice_input(&form);
    let networks = all_networks(&state).await?;
    let age = stamp_age(&state, PUBLIC_FORM, &form.text("stamp"), now);
    // The form again: with a line about the form itself (its stamp), or
    // with the errors marked on the values.
    let refuse = |values: FormValues, line: Option<String>| {
        public_form(
            &state,
            &page,
            networks.clone(),
            values,
            now,
            line,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
    };
    let nonce = match age {
        Some((age, nonce))
            if age <= state.config.report_form_lifetime && age >= state.config.report_min_delay =>
        {
            nonce
        }
        Some((age, _)) if age < state.config.report_min_delay => {
            return refuse(values, Some(page.t("practice-form-too-fast")));
        }
        _ => return refuse(values, Some(page.t("practice-form-expired"))),
    };
    let stamp = FormStamp {
        nonce: format!("{PUBLIC_FORM}:{nonce}"),
        expires_at: now.plus(state.config.report_form_lifetime),
    };
    match app_practices::submit_public(&state.app, &values.input, &stamp).await {
        Ok(_) => Ok(thanks),
        Err(AppError::Store(StoreError::Conflict { field: "stamp" })) => {
            refuse(values, Some(page.t("practice-form-expired")))
        }
        Err(error) => {
            let error = WebError::from(error);
            let Some(errors) = practice_errors(&page, &error) else {
                return Err(error);
            };
            let mut values = values;
            values.errors.errors = errors;
            refuse(values, None)
        }
    }
}

pub async fn public_thanks(
    State(state): State<AppState>,
    page: Page,
    ClientIp(client): ClientIp,
) -> WebResult<Response> {
    limit(&state.gallery.page_limiter, client, state.clock.now()).await?;
    Ok(render(&crate::practice_views::ThanksPage { page: &page })?.into_response())
}

// ------------------------------------------------------------------ API

fn summary_json(p: &PracticeSummary) -> Value {
    json!({
        "id": p.id.to_string(),
        "network": p.network.to_string(),
        "network_name": p.network_name.as_str(),
        "org": p.org.map(|o| o.to_string()),
        "org_name": p.org_name.as_ref().map(|n| n.as_str().to_owned()),
        "status": p.status.as_str(),
        "language": p.language.as_str(),
        "title": p.title.as_str(),
        "stages": p.stages.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
        "support": p.support.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
        "countries": p.countries.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
        "objectives": p.objectives.iter().map(|o| o.number()).collect::<Vec<_>>(),
        "reviews": p.reviews,
        "submitted_at": p.submitted_at.rfc3339(),
        "published_at": p.published_at.map(|t| t.rfc3339()),
    })
}

fn practice_json(p: &Practice) -> Value {
    let c = &p.content;
    let text = |t: &Option<retrace_domain::Text>| t.as_ref().map(|t| t.as_str().to_owned());
    let mut value = summary_json(&p.summary);
    if let Value::Object(map) = &mut value {
        for (key, field) in [
            ("implementers", json!(c.implementers.as_str())),
            ("funders", json!(text(&c.funders))),
            ("target_group", json!(c.target_group.as_str())),
            ("impact", json!(c.impact.as_str())),
            (
                "cost_per_beneficiary",
                json!(c.cost.as_ref().map(|cost| json!({
                    "amount": cost.amount, "currency": cost.currency
                }))),
            ),
            ("challenges", json!(text(&c.challenges))),
            ("lessons", json!(text(&c.lessons))),
            ("recommendations", json!(text(&c.recommendations))),
            (
                "review_list",
                json!(
                    p.reviews
                        .iter()
                        .map(|r| json!({
                            "org": r.org.to_string(),
                            "org_name": r.org_name.as_str(),
                            "verdict": r.verdict.as_str(),
                            "comment": r.comment.as_str(),
                            "at": r.at.rfc3339(),
                        }))
                        .collect::<Vec<_>>()
                ),
            ),
        ] {
            map.insert(key.to_owned(), field);
        }
    }
    value
}

pub async fn api_list(
    State(state): State<AppState>,
    member: Member,
    QueryParams(filter): QueryParams<PracticeFilterInput>,
) -> WebResult<Json<Value>> {
    let found =
        app_practices::search(&state.app, reader(&member), &filter, TextLanguage::En).await?;
    Ok(Json(json!({
        "practices": found.iter().map(summary_json).collect::<Vec<_>>()
    })))
}

pub async fn api_show(
    State(state): State<AppState>,
    member: Member,
    PathId(id): PathId<PracticeId>,
) -> WebResult<Json<Value>> {
    let practice = app_practices::practice(&state.app, reader(&member), id).await?;
    Ok(Json(practice_json(&practice)))
}
