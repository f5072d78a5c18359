//! Transnational referrals: inbox and outbox, the referral form, the
//! referral page with its stages, checklists and timeline, the checklist
//! templates of the organisation, and the same actions in the JSON API.
//!
//! HTTP only: every rule is in `retrace_app::referrals` and the store. A
//! referral the caller's organisation is not a side of is "not found",
//! exactly like a missing one.

use super::lists::{answer, readable_on};
use crate::AppState;
use crate::error::{WebError, WebResult};
use crate::extract::{FormFields, JsonBody, PathId, PathIds, QueryParams, ReferralOfficer};
use crate::form_errors::FormErrors;
use crate::form_values::FormValues;
use crate::forms;
use crate::identity::Member;
use crate::page::Page;
use crate::referral_templates::{
    EntryLink, EventView, PartyView, PersonOption, ReferralForm, ReferralList, ReferralPage,
    ReferralRowView, ReferredPersonView, RiskView, SopTemplatesPage, StageView, StepView,
    TemplateView, ToolEntryPage, ToolFieldView, ToolForm, ToolLink,
};
use crate::templates::{NameView, ReceiverOption, render};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use retrace_app::referrals::ToolEntryInput;
use retrace_app::referrals::{
    self as app, DecisionInput, ReferralInput, ReferralQuery, RiskInput, ShareInput, SopStepInput,
    SopTemplateInput, StatusInput, StepInput, UpdateInput,
};
use retrace_domain::Problem;
use retrace_domain::{
    Outcome, ReferralId, ReferralStatus, ReferralStepId, RiskLevel, Role, Service, Side, Stage,
    Text, Urgency,
};
use retrace_domain::{ToolDefinition, ToolEntryId};
use retrace_store::{
    ChecklistStep, Referral, ReferralParty, ReferralSummary, ReferralView, SopTemplate,
    TimelineEvent, ToolEntry,
};
use serde::Deserialize;
use serde_json::{Value, json};

fn codes<T: Copy>(all: &[T], code: fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|v| code(*v)).collect()
}

fn short(id: ReferralId) -> String {
    let text = id.to_string();
    format!("R-{}", text.get(..8).unwrap_or(&text).to_ascii_uppercase())
}

fn text(value: &Option<Text>) -> String {
    value
        .as_ref()
        .map(|t| t.as_str().to_owned())
        .unwrap_or_default()
}

// ---------------------------------------------------------------- lists

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default, rename = "box")]
    pub mailbox: String,
    #[serde(flatten)]
    pub filter: ReferralQuery,
}

fn side_of_box(mailbox: &str) -> WebResult<Side> {
    match mailbox.trim() {
        "" | "inbox" => Ok(Side::Receiver),
        "outbox" => Ok(Side::Sender),
        _ => Err(WebError::invalid(
            "box",
            Problem::OneOf {
                choices: vec![
                    retrace_domain::Choice::Inbox,
                    retrace_domain::Choice::Outbox,
                ],
            },
        )),
    }
}

fn row_view(summary: &ReferralSummary) -> ReferralRowView {
    ReferralRowView {
        id: summary.id.to_string(),
        short: short(summary.id),
        other_org: summary.other_org_name.clone(),
        other_country: summary.other_country.as_str().to_owned(),
        status: summary.status.as_str(),
        stage: summary.stage.map(Stage::as_str).unwrap_or("done"),
        urgency: summary.urgency.as_str(),
        services: summary.services.iter().map(|s| s.as_str()).collect(),
        sent: summary.created_at.display_utc(),
    }
}

/// The referral lists' filters: filter, control, label.
const REFERRAL_FILTERS: &[(&str, &str, &str)] = &[
    ("status", "status", "referral-field-status"),
    ("stage", "stage", "referral-field-stage"),
    ("urgency", "urgency", "referral-field-urgency"),
    ("country", "country", "referral-field-country"),
    ("from", "from", "referral-field-from"),
    ("to", "to", "referral-field-to"),
];

pub async fn list(
    State(state): State<AppState>,
    page: Page,
    member: ReferralOfficer,
    QueryParams(query): QueryParams<ListQuery>,
) -> WebResult<Response> {
    let side = side_of_box(&query.mailbox)?;
    let mut values = FormValues::default();
    for (name, value) in [
        ("status", &query.filter.status),
        ("stage", &query.filter.stage),
        ("urgency", &query.filter.urgency),
        ("country", &query.filter.country),
        ("from", &query.filter.from),
        ("to", &query.filter.to),
    ] {
        values.set(name, value.clone());
    }
    let found = app::list_referrals(&state.app, &member.actor(), side, &query.filter).await;
    let (found, errors) = readable_on(&page, found, REFERRAL_FILTERS)?;
    let status = answer(&found);
    let rows = found.unwrap_or_default().iter().map(row_view).collect();
    values.errors = errors;
    let html = render(&ReferralList {
        page: &page,
        inbox: side == Side::Receiver,
        rows,
        values,
        statuses: codes(ReferralStatus::ALL, ReferralStatus::as_str),
        stages: codes(Stage::ALL, Stage::as_str),
        urgencies: codes(Urgency::ALL, Urgency::as_str),
    })?;
    Ok((status, html).into_response())
}

// ---------------------------------------------------------------- new referral

pub(super) fn referral_input(form: &FormFields) -> ReferralInput {
    ReferralInput {
        person: form.text("person"),
        to_organisation: form.text("to_organisation"),
        purpose: form.text("purpose"),
        services: form.all("services"),
        urgency: form.text("urgency"),
        risk: RiskInput {
            level: form.text("risk_level"),
            who_at_risk: form.text("risk_who"),
            from_whom: form.text("risk_from"),
            safety_plan: form.text("risk_plan"),
        },
        share: ShareInput {
            identity: form.get("share_identity").is_some(),
            contact: form.get("share_contact").is_some(),
            risk_assessment: form.get("share_risk").is_some(),
        },
    }
}

/// The controls of the referral form named otherwise than their fields.
const REFERRAL_CONTROLS: &[(&str, &str)] = &[
    ("risk.level", "risk_level"),
    ("risk.who_at_risk", "risk_who"),
    ("risk.from_whom", "risk_from"),
    ("risk.safety_plan", "risk_plan"),
    ("consent", "person"),
];

async fn render_form(
    state: &AppState,
    page: &Page,
    member: &Member,
    values: FormValues,
) -> WebResult<axum::response::Html<String>> {
    let persons = state
        .store
        .registrations(&member.audit(state, "referral form"), &member.scope(), 500)
        .await?
        .into_iter()
        .filter(|p| !p.details.flags.at_risk)
        .map(|p| PersonOption {
            id: p.id.to_string(),
            name: p.details.primary_name().to_owned(),
        })
        .collect();
    let orgs = state
        .store
        .organisations()
        .await?
        .into_iter()
        .filter(|o| o.id != member.org)
        .map(|o| ReceiverOption {
            id: o.id.to_string(),
            name: o.name.to_string(),
            country: o.country.as_str().to_owned(),
        })
        .collect();
    render(&ReferralForm {
        page,
        persons,
        orgs,
        values,
        services: codes(Service::ALL, Service::as_str),
        urgencies: codes(Urgency::ALL, Urgency::as_str),
        levels: codes(RiskLevel::ALL, RiskLevel::as_str),
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct NewQuery {
    #[serde(default)]
    pub person: String,
}

pub async fn new_form(
    State(state): State<AppState>,
    page: Page,
    member: ReferralOfficer,
    QueryParams(query): QueryParams<NewQuery>,
) -> WebResult<Response> {
    let mut values = FormValues::default();
    values.set("person", query.person);
    values.set("urgency", "routine");
    values.set("risk_level", "medium");
    let html = render_form(&state, &page, &member, values).await?;
    Ok(html.into_response())
}

pub async fn create(
    State(state): State<AppState>,
    page: Page,
    member: ReferralOfficer,
    form: FormFields,
) -> WebResult<Response> {
    let input = referral_input(&form);
    match app::create_referral(&state.app, &member.actor(), &input).await {
        Ok(created) => Ok(Redirect::to(&format!("/referrals/{}", created.id)).into_response()),
        Err(error) => {
            let error = WebError::from(error);
            let Some(errors) = FormErrors::of_form(&page, &error, "referral", REFERRAL_CONTROLS)
            else {
                return Err(error);
            };
            let values = FormValues::with_errors(&form, errors);
            let html = render_form(&state, &page, &member, values).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
        }
    }
}

// ---------------------------------------------------------------- the referral page

fn party_view(party: &ReferralParty) -> PartyView {
    PartyView {
        name: party.name.clone(),
        country: party.country.as_str().to_owned(),
        contact_name: party.contact_name.clone().unwrap_or_default(),
        contact_email: party.contact_email.clone().unwrap_or_default(),
    }
}

fn step_view(step: &ChecklistStep) -> StepView {
    StepView {
        id: step.id.to_string(),
        label: step.label.as_str().to_owned(),
        required: step.required,
        state: step.state.as_str(),
        reason: text(&step.reason),
        at: step.at.map(|t| t.display_utc()).unwrap_or_default(),
        version: step.template_version,
    }
}

fn event_view(event: &TimelineEvent) -> EventView {
    EventView {
        at: event.at.display_utc(),
        side: event.side.as_str(),
        kind: event.kind.as_str(),
        stage: event.stage.map(Stage::as_str).unwrap_or(""),
        outcome: event.outcome.map(Outcome::as_str).unwrap_or(""),
        text: text(&event.text),
        shared: event.shared,
    }
}

fn stage_views(view: &ReferralView) -> Vec<StageView> {
    let current = view
        .stage
        .and_then(|s| Stage::ALL.iter().position(|x| *x == s));
    Stage::ALL
        .iter()
        .enumerate()
        .map(|(index, stage)| {
            let progress = match current {
                None => "closed",
                Some(c) if index < c => "closed",
                Some(c) if index == c => "current",
                Some(_) => "upcoming",
            };
            let mine = stage.worked_by() == view.side;
            let workable = mine
                && progress == "current"
                && retrace_domain::may_work_stage(view.side, *stage, view.stage, view.status)
                    .is_ok();
            let of_stage = || view.steps.iter().filter(|s| s.stage == *stage);
            let closable = workable
                && retrace_domain::stage_may_close(of_stage().map(|s| (s.required, s.state)))
                    .is_ok();
            let steps = of_stage().map(step_view).collect();
            StageView {
                code: stage.as_str(),
                progress,
                mine,
                workable,
                closable,
                steps,
            }
        })
        .collect()
}

async fn load(state: &AppState, member: &Member, id: ReferralId) -> WebResult<ReferralView> {
    Ok(app::view_referral(&state.app, &member.actor(), id).await?)
}

/// The toolbox links and the tools the caller's organisation filled.
struct Toolbox {
    tools: Vec<ToolLink>,
    entries: Vec<EntryLink>,
}

async fn toolbox(
    state: &AppState,
    page: &Page,
    member: &Member,
    id: ReferralId,
) -> WebResult<Toolbox> {
    let lang = page.code();
    let tools = app::tools(&state.app, &member.actor()).await?;
    let entries = state.store.tool_entries(&member.scope(), id).await?;
    let title_of = |key: &str| {
        tools
            .iter()
            .find(|t| t.key == key)
            .map(|t| t.title.get(lang).to_owned())
            .unwrap_or_else(|| key.to_owned())
    };
    Ok(Toolbox {
        entries: entries
            .iter()
            .map(|(entry, key, at)| EntryLink {
                id: entry.to_string(),
                title: title_of(key),
                at: at.display_utc(),
            })
            .collect(),
        tools: tools
            .iter()
            .map(|t| ToolLink {
                key: t.key.clone(),
                title: t.title.get(lang).to_owned(),
            })
            .collect(),
    })
}

fn page_of<'a>(
    page: &'a Page,
    view: &ReferralView,
    toolbox: Toolbox,
    values: FormValues,
) -> ReferralPage<'a> {
    let receiver = view.side == Side::Receiver;
    ReferralPage {
        page,
        id: view.id.to_string(),
        short: short(view.id),
        is_sender: !receiver,
        from: party_view(&view.from),
        to: party_view(&view.to),
        status: view.status.as_str(),
        urgency: view.urgency.as_str(),
        services: view.services.iter().map(|s| s.as_str()).collect(),
        outcome: view.outcome.map(Outcome::as_str).unwrap_or(""),
        reason: text(&view.reason),
        sent: view.created_at.display_utc(),
        person_id: view.person_id.map(|p| p.to_string()).unwrap_or_default(),
        person: view.person.as_ref().map(|p| ReferredPersonView {
            names: p
                .names
                .iter()
                .map(|n| NameView {
                    full: n.full().to_owned(),
                    script: n.script().as_str(),
                    kind: n.kind().as_str(),
                    rtl: n.script().is_rtl(),
                })
                .collect(),
            sex: p.sex.as_str(),
            birth_date: p.birth_date.map(|d| d.to_string()).unwrap_or_default(),
            nationalities: p
                .nationalities
                .iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            languages: p
                .languages
                .iter()
                .map(|l| l.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            contact: text(&p.contact),
        }),
        purpose: text(&view.purpose),
        risk: view.risk.as_ref().map(|r| RiskView {
            level: r.level.as_str(),
            who_at_risk: r.who_at_risk.as_str().to_owned(),
            from_whom: text(&r.from_whom),
            safety_plan: r.safety_plan.as_str().to_owned(),
        }),
        share_identity: view.share.identity,
        share_contact: view.share.contact,
        share_risk: view.share.risk_assessment,
        withheld: view.withheld,
        stages: stage_views(view),
        timeline: view.timeline.iter().rev().map(event_view).collect(),
        can_decide: receiver && view.status == ReferralStatus::Sent,
        can_start: receiver && view.status == ReferralStatus::Accepted,
        can_close: receiver && view.status == ReferralStatus::InProgress,
        outcomes: codes(Outcome::ALL, Outcome::as_str),
        tools: toolbox.tools,
        entries: toolbox.entries,
        values,
    }
}

pub async fn show(
    State(state): State<AppState>,
    page: Page,
    member: ReferralOfficer,
    PathId(id): PathId<ReferralId>,
) -> WebResult<Response> {
    let view = load(&state, &member, id).await?;
    let toolbox = toolbox(&state, &page, &member, id).await?;
    Ok(render(&page_of(&page, &view, toolbox, FormValues::default()))?.into_response())
}

/// After an action: back to the page, or the page again with what its
/// form typed and every error, each on its control (422, or 409 for a
/// conflict). `controls` names the page's controls of fields named
/// otherwise; `rename` moves a typed value to its control there.
struct Posted<'a> {
    form: &'a FormFields,
    controls: &'a [(&'a str, &'a str)],
    rename: Option<(&'a str, &'a str)>,
}

async fn after<T>(
    state: &AppState,
    page: &Page,
    member: &Member,
    id: ReferralId,
    result: Result<T, retrace_app::AppError>,
    posted: Posted<'_>,
) -> WebResult<Response> {
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/referrals/{id}")).into_response()),
        Err(error) => {
            let error = WebError::from(error);
            let Some(errors) = FormErrors::of_form(page, &error, "referral", posted.controls)
            else {
                return Err(error);
            };
            let status = match error {
                WebError::Conflict { .. } => StatusCode::CONFLICT,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            let mut values = FormValues::with_errors(posted.form, errors);
            if let Some((from, to)) = posted.rename {
                values.rename(from, to);
            }
            let view = load(state, member, id).await?;
            let toolbox = toolbox(state, page, member, id).await?;
            Ok((status, render(&page_of(page, &view, toolbox, values))?).into_response())
        }
    }
}

pub async fn decision(
    State(state): State<AppState>,
    page: Page,
    member: ReferralOfficer,
    PathId(id): PathId<ReferralId>,
    form: FormFields,
) -> WebResult<Response> {
    let input = DecisionInput {
        decision: form.text("decision"),
        reason: form.text("reason"),
    };
    let result = app::decide_referral(&state.app, &member.actor(), id, &input).await;
    let posted = Posted {
        form: &form,
        controls: &[],
        rename: None,
    };
    after(&state, &page, &member, id, result, posted).await
}

pub async fn status(
    State(state): State<AppState>,
    page: Page,
    member: ReferralOfficer,
    PathId(id): PathId<ReferralId>,
    form: FormFields,
) -> WebResult<Response> {
    let input = StatusInput {
        status: form.text("status"),
        outcome: form.text("outcome"),
        note: form.text("note"),
    };
    let result = app::change_status(&state.app, &member.actor(), id, &input).await;
    // Starting is one button; closing is the closing form.
    let control = if input.status == "in_progress" {
        "start"
    } else {
        "outcome"
    };
    let posted = Posted {
        form: &form,
        controls: &[("status", control)],
        rename: None,
    };
    after(&state, &page, &member, id, result, posted).await
}

pub async fn step(
    State(state): State<AppState>,
    page: Page,
    member: ReferralOfficer,
    PathIds(id, step): PathIds<ReferralId, ReferralStepId>,
    form: FormFields,
) -> WebResult<Response> {
    let input = StepInput {
        action: form.text("action"),
        reason: form.text("reason"),
    };
    let result = app::change_step(&state.app, &member.actor(), id, step, &input).await;
    // The step's own reason box: each open step has one on the page.
    let skip = format!("skip-{step}");
    let posted = Posted {
        form: &form,
        controls: &[
            ("reason", skip.as_str()),
            ("step", skip.as_str()),
            ("action", skip.as_str()),
        ],
        rename: Some(("reason", skip.as_str())),
    };
    after(&state, &page, &member, id, result, posted).await
}

pub async fn close_stage(
    State(state): State<AppState>,
    page: Page,
    member: ReferralOfficer,
    PathId(id): PathId<ReferralId>,
    form: FormFields,
) -> WebResult<Response> {
    let stage = form.text("stage");
    let result = app::close_stage(&state.app, &member.actor(), id, &stage).await;
    let close = format!("close-{stage}");
    let posted = Posted {
        form: &form,
        controls: &[("stage", close.as_str()), ("step", close.as_str())],
        rename: None,
    };
    after(&state, &page, &member, id, result, posted).await
}

pub async fn update(
    State(state): State<AppState>,
    page: Page,
    member: ReferralOfficer,
    PathId(id): PathId<ReferralId>,
    form: FormFields,
) -> WebResult<Response> {
    let input = UpdateInput {
        text: form.text("text"),
        report: form.get("report").is_some(),
    };
    let result = app::post_update(&state.app, &member.actor(), id, &input).await;
    let posted = Posted {
        form: &form,
        controls: &[],
        rename: None,
    };
    after(&state, &page, &member, id, result, posted).await
}

// ---------------------------------------------------------------- toolbox

async fn tool_of(state: &AppState, member: &Member, key: &str) -> WebResult<ToolDefinition> {
    app::tools(&state.app, &member.actor())
        .await?
        .into_iter()
        .find(|t| t.key == key)
        .ok_or(WebError::NotFound)
}

fn tool_form<'a>(
    page: &'a Page,
    id: ReferralId,
    tool: &ToolDefinition,
    values: FormValues,
) -> ToolForm<'a> {
    let lang = page.code();
    ToolForm {
        page,
        id: id.to_string(),
        short: short(id),
        key: tool.key.clone(),
        title: tool.title.get(lang).to_owned(),
        fields: tool
            .fields
            .iter()
            .map(|f| {
                let name = format!("f_{}", f.key);
                let help = f.help.get(lang).to_owned();
                ToolFieldView {
                    value: values.v(&name).to_owned(),
                    hint: if help.is_empty() {
                        String::new()
                    } else {
                        format!("{name}-hint")
                    },
                    name,
                    kind: f.kind.as_str(),
                    label: f.label.get(lang).to_owned(),
                    help,
                    required: f.required,
                }
            })
            .collect(),
        values,
    }
}

pub async fn tool_page(
    State(state): State<AppState>,
    page: Page,
    member: ReferralOfficer,
    PathIds(id, key): PathIds<ReferralId, String>,
) -> WebResult<Response> {
    // The referral must be one of ours, exactly as on its page.
    state.store.tool_entries(&member.scope(), id).await?;
    let tool = tool_of(&state, &member, &key).await?;
    Ok(render(&tool_form(&page, id, &tool, FormValues::default()))?.into_response())
}

pub async fn fill_tool(
    State(state): State<AppState>,
    page: Page,
    member: ReferralOfficer,
    PathIds(id, key): PathIds<ReferralId, String>,
    form: FormFields,
) -> WebResult<Response> {
    let tool = tool_of(&state, &member, &key).await?;
    let input = ToolEntryInput::from_text(tool.fields.iter().filter_map(|f| {
        form.get(&format!("f_{}", f.key))
            .map(|v| (f.key.clone(), v.to_owned()))
    }));
    match app::fill_tool(&state.app, &member.actor(), id, &key, &input).await {
        Ok(entry) => {
            Ok(Redirect::to(&format!("/referrals/{id}/tool-entries/{}", entry.id)).into_response())
        }
        Err(error) => {
            let error = WebError::from(error);
            // `values.<key>`: the tool's own field, labelled in the tool.
            let field_of = |path: &str| {
                path.strip_prefix("values.")
                    .and_then(|k| tool.fields.iter().find(|f| f.key == k))
            };
            let Some(errors) = FormErrors::labelled(
                &page,
                &error,
                |path| {
                    field_of(path).map_or_else(
                        || forms::form_field_label(&page, "referral", path),
                        |f| f.label.get(page.code()).to_owned(),
                    )
                },
                |path| field_of(path).map_or_else(|| path.to_owned(), |f| format!("f_{}", f.key)),
            ) else {
                return Err(error);
            };
            let values = FormValues::with_errors(&form, errors);
            let html = render(&tool_form(&page, id, &tool, values))?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
        }
    }
}

/// A filled tool's (label, value) rows in the page's language, in the
/// tool's field order; yes/no answers translated.
fn entry_rows(page: &Page, entry: &ToolEntry) -> Vec<(String, String)> {
    let lang = page.code();
    entry
        .definition
        .fields
        .iter()
        .filter_map(|f| {
            let value = entry.values.get(&f.key)?;
            let shown = match (f.kind, value.as_str()) {
                (retrace_domain::FieldKind::YesNo, "yes") => page.t("tool-yes"),
                (retrace_domain::FieldKind::YesNo, "no") => page.t("tool-no"),
                _ => value.clone(),
            };
            Some((f.label.get(lang).to_owned(), shown))
        })
        .collect()
}

pub async fn tool_entry(
    State(state): State<AppState>,
    page: Page,
    member: ReferralOfficer,
    PathIds(id, entry): PathIds<ReferralId, ToolEntryId>,
) -> WebResult<Response> {
    let entry = app::tool_entry(&state.app, &member.actor(), id, entry).await?;
    let html = render(&ToolEntryPage {
        page: &page,
        id: id.to_string(),
        entry: entry.id.to_string(),
        short: short(id),
        title: entry.definition.title.get(page.code()).to_owned(),
        filled_at: entry.filled_at.display_utc(),
        rows: entry_rows(&page, &entry),
    })?;
    Ok(html.into_response())
}

/// The filled tool as a PDF, on the same terms as its page (and audited
/// the same way): the HTML route and the API route both land here.
pub async fn tool_entry_pdf(
    State(state): State<AppState>,
    page: Page,
    member: ReferralOfficer,
    PathIds(id, entry): PathIds<ReferralId, ToolEntryId>,
) -> WebResult<Response> {
    let entry = app::tool_entry(&state.app, &member.actor(), id, entry).await?;
    let doc = crate::referral_pdf::ToolDocument {
        lang: page.code(),
        rtl: page.dir() == "rtl",
        title: entry.definition.title.get(page.code()).to_owned(),
        subtitle: format!(
            "{} {} · {}",
            page.t("referral-title"),
            short(id),
            entry.filled_at.display_utc()
        ),
        rows: entry_rows(&page, &entry),
    };
    let pdf = tokio::task::spawn_blocking(move || crate::referral_pdf::render(&doc))
        .await
        .map_err(WebError::internal)?
        .map_err(WebError::internal)?;
    let disposition = format!("inline; filename=\"{}-{}.pdf\"", entry.tool_key, short(id));
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "application/pdf".to_owned(),
            ),
            (axum::http::header::CONTENT_DISPOSITION, disposition),
        ],
        pdf,
    )
        .into_response())
}

pub async fn api_tools(State(state): State<AppState>, member: Member) -> WebResult<Json<Value>> {
    may_read_templates(&member)?;
    let tools = app::tools(&state.app, &member.actor()).await?;
    Ok(Json(json!({ "tools": tools })))
}

pub async fn api_add_tool(
    State(state): State<AppState>,
    member: Member,
    JsonBody(definition): JsonBody<ToolDefinition>,
) -> WebResult<Response> {
    app::add_tool(&state.app, &member.actor(), &definition).await?;
    Ok((StatusCode::CREATED, Json(json!(definition))).into_response())
}

fn entry_json(entry: &ToolEntry) -> Value {
    json!({
        "id": entry.id.to_string(),
        "referral": entry.referral.to_string(),
        "tool": entry.tool_key,
        "title": entry.definition.title,
        "values": entry.values,
        "filled_at": entry.filled_at.rfc3339(),
    })
}

pub async fn api_fill_tool(
    State(state): State<AppState>,
    member: ReferralOfficer,
    PathIds(id, key): PathIds<ReferralId, String>,
    JsonBody(input): JsonBody<ToolEntryInput>,
) -> WebResult<Response> {
    let entry = app::fill_tool(&state.app, &member.actor(), id, &key, &input).await?;
    Ok((StatusCode::CREATED, Json(entry_json(&entry))).into_response())
}

pub async fn api_tool_entry(
    State(state): State<AppState>,
    member: ReferralOfficer,
    PathIds(id, entry): PathIds<ReferralId, ToolEntryId>,
) -> WebResult<Json<Value>> {
    let entry = app::tool_entry(&state.app, &member.actor(), id, entry).await?;
    Ok(Json(entry_json(&entry)))
}

// ---------------------------------------------------------------- templates

fn template_views(templates: &[SopTemplate]) -> Vec<TemplateView> {
    Stage::ALL
        .iter()
        .map(|stage| {
            let found = templates.iter().find(|t| t.stage == *stage);
            let lines = |required: bool| {
                found
                    .map(|t| {
                        t.steps
                            .iter()
                            .filter(|s| s.required == required)
                            .map(|s| s.label.as_str())
                            .collect::<Vec<_>>()
                            .join("\n")
                    })
                    .unwrap_or_default()
            };
            TemplateView {
                code: stage.as_str(),
                version: found.map(|t| t.version).unwrap_or(0),
                required_lines: lines(true),
                optional_lines: lines(false),
            }
        })
        .collect()
}

pub(super) fn template_input(form: &FormFields) -> SopTemplateInput {
    let lines = |name: &str, required: bool| {
        form.text(name)
            .lines()
            .map(|label| SopStepInput {
                label: label.to_owned(),
                required,
            })
            .collect::<Vec<_>>()
    };
    let mut steps = lines("required", true);
    steps.extend(lines("optional", false));
    SopTemplateInput { steps }
}

/// Administrators edit; referral officers read.
fn may_read_templates(member: &Member) -> WebResult<bool> {
    let admin = member.roles.contains(Role::OrgAdmin);
    if admin || member.roles.contains(Role::ReferralOfficer) {
        Ok(admin)
    } else {
        Err(WebError::Forbidden)
    }
}

pub async fn templates_page(
    State(state): State<AppState>,
    page: Page,
    member: Member,
) -> WebResult<Response> {
    let can_edit = may_read_templates(&member)?;
    let templates = app::templates(&state.app, &member.actor()).await?;
    let html = render(&SopTemplatesPage {
        page: &page,
        stages: template_views(&templates),
        can_edit,
        values: FormValues::default(),
    })?;
    Ok(html.into_response())
}

#[derive(Debug, Deserialize)]
pub struct StagePath {
    pub stage: String,
}

pub async fn save_template(
    State(state): State<AppState>,
    page: Page,
    member: Member,
    axum::extract::Path(path): axum::extract::Path<StagePath>,
    form: FormFields,
) -> WebResult<Response> {
    may_read_templates(&member)?;
    let input = template_input(&form);
    match app::save_template(&state.app, &member.actor(), &path.stage, &input).await {
        Ok(_) => Ok(Redirect::to("/org/sop").into_response()),
        Err(error) => {
            let error = WebError::from(error);
            // The stage's steps box; the label names the stage.
            let control = format!("required-{}", path.stage);
            let Some(errors) = FormErrors::labelled(
                &page,
                &error,
                |field| {
                    format!(
                        "{} · {}",
                        page.label("stage", &path.stage),
                        forms::form_field_label(&page, "referral", field)
                    )
                },
                |_| control.clone(),
            ) else {
                return Err(error);
            };
            let templates = app::templates(&state.app, &member.actor()).await?;
            let mut stages = template_views(&templates);
            // The stage's boxes keep what was typed.
            if let Some(typed) = stages.iter_mut().find(|s| s.code == path.stage) {
                typed.required_lines = form.text("required");
                typed.optional_lines = form.text("optional");
            }
            let html = render(&SopTemplatesPage {
                page: &page,
                stages,
                can_edit: true,
                values: FormValues::with_errors(&form, errors),
            })?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
        }
    }
}

// ---------------------------------------------------------------- JSON API

fn summary_json(summary: &ReferralSummary) -> Value {
    json!({
        "id": summary.id.to_string(),
        "side": summary.side.as_str(),
        "other_organisation": {
            "id": summary.other_org.to_string(),
            "name": summary.other_org_name,
            "country": summary.other_country.as_str(),
        },
        "status": summary.status.as_str(),
        "stage": summary.stage.map(Stage::as_str),
        "urgency": summary.urgency.as_str(),
        "services": summary.services.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
        "created_at": summary.created_at.rfc3339(),
        "updated_at": summary.updated_at.rfc3339(),
    })
}

fn referral_json(referral: &Referral) -> Value {
    json!({
        "id": referral.id.to_string(),
        "person": referral.person.to_string(),
        "to_organisation": referral.to_org.to_string(),
        "from_organisation": referral.from_org.to_string(),
        "status": referral.status.as_str(),
        "stage": referral.stage.map(Stage::as_str),
        "outcome": referral.outcome.map(Outcome::as_str),
        "reason": referral.reason,
        "created_at": referral.created_at.rfc3339(),
        "updated_at": referral.updated_at.rfc3339(),
    })
}

/// The JSON of a decision or status change: the sender's person id only
/// to the sender.
fn changed_json(referral: &Referral, member: &Member) -> Value {
    let mut value = referral_json(referral);
    if referral.from_org != member.org
        && let Some(map) = value.as_object_mut()
    {
        map.remove("person");
    }
    value
}

fn party_json(party: &ReferralParty) -> Value {
    json!({
        "id": party.org.to_string(),
        "name": party.name,
        "country": party.country.as_str(),
        "contact": { "name": party.contact_name, "email": party.contact_email },
    })
}

fn view_json(view: &ReferralView) -> Value {
    json!({
        "id": view.id.to_string(),
        "side": view.side.as_str(),
        "from_organisation": party_json(&view.from),
        "to_organisation": party_json(&view.to),
        "status": view.status.as_str(),
        "stage": view.stage.map(Stage::as_str),
        "urgency": view.urgency.as_str(),
        "services": view.services.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
        "outcome": view.outcome.map(Outcome::as_str),
        "reason": view.reason,
        "created_at": view.created_at.rfc3339(),
        "decided_at": view.decided_at.map(|t| t.rfc3339()),
        "person_id": view.person_id.map(|p| p.to_string()),
        "withheld": view.withheld,
        "person": view.person.as_ref().map(|p| json!({
            "names": p.names.iter().map(|n| json!({ "full": n.full(), "kind": n.kind().as_str(), "script": n.script().as_str() })).collect::<Vec<_>>(),
            "sex": p.sex.as_str(),
            "birth_date": p.birth_date.map(|d| d.to_string()),
            "nationalities": p.nationalities.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
            "languages": p.languages,
            "contact": p.contact,
        })),
        "purpose": view.purpose,
        "risk": view.risk.as_ref().map(|r| json!({
            "level": r.level.as_str(),
            "who_at_risk": r.who_at_risk,
            "from_whom": r.from_whom,
            "safety_plan": r.safety_plan,
        })),
        "share": {
            "identity": view.share.identity,
            "contact": view.share.contact,
            "risk_assessment": view.share.risk_assessment,
        },
        "steps": view.steps.iter().map(step_json).collect::<Vec<_>>(),
        "timeline": view.timeline.iter().map(|e| json!({
            "at": e.at.rfc3339(),
            "side": e.side.as_str(),
            "kind": e.kind.as_str(),
            "stage": e.stage.map(Stage::as_str),
            "outcome": e.outcome.map(Outcome::as_str),
            "text": e.text,
            "shared": e.shared,
        })).collect::<Vec<_>>(),
    })
}

fn step_json(step: &ChecklistStep) -> Value {
    json!({
        "id": step.id.to_string(),
        "stage": step.stage.as_str(),
        "position": step.position,
        "label": step.label,
        "required": step.required,
        "template_version": step.template_version,
        "state": step.state.as_str(),
        "reason": step.reason,
        "by": step.by.map(|u| u.to_string()),
        "at": step.at.map(|t| t.rfc3339()),
    })
}

fn template_json(template: &SopTemplate) -> Value {
    json!({
        "stage": template.stage.as_str(),
        "version": template.version,
        "steps": template.steps.iter().map(|s| json!({ "label": s.label, "required": s.required })).collect::<Vec<_>>(),
        "created_at": template.created_at.rfc3339(),
    })
}

pub async fn api_list(
    State(state): State<AppState>,
    member: ReferralOfficer,
    QueryParams(query): QueryParams<ListQuery>,
) -> WebResult<Json<Value>> {
    let side = side_of_box(&query.mailbox)?;
    let rows = app::list_referrals(&state.app, &member.actor(), side, &query.filter).await?;
    Ok(Json(json!({
        "referrals": rows.iter().map(summary_json).collect::<Vec<_>>(),
    })))
}

pub async fn api_create(
    State(state): State<AppState>,
    member: ReferralOfficer,
    JsonBody(input): JsonBody<ReferralInput>,
) -> WebResult<Response> {
    let created = app::create_referral(&state.app, &member.actor(), &input).await?;
    Ok((StatusCode::CREATED, Json(referral_json(&created))).into_response())
}

pub async fn api_show(
    State(state): State<AppState>,
    member: ReferralOfficer,
    PathId(id): PathId<ReferralId>,
) -> WebResult<Json<Value>> {
    let view = load(&state, &member, id).await?;
    Ok(Json(view_json(&view)))
}

pub async fn api_decision(
    State(state): State<AppState>,
    member: ReferralOfficer,
    PathId(id): PathId<ReferralId>,
    JsonBody(input): JsonBody<DecisionInput>,
) -> WebResult<Json<Value>> {
    let decided = app::decide_referral(&state.app, &member.actor(), id, &input).await?;
    Ok(Json(changed_json(&decided, &member)))
}

pub async fn api_status(
    State(state): State<AppState>,
    member: ReferralOfficer,
    PathId(id): PathId<ReferralId>,
    JsonBody(input): JsonBody<StatusInput>,
) -> WebResult<Json<Value>> {
    let changed = app::change_status(&state.app, &member.actor(), id, &input).await?;
    Ok(Json(changed_json(&changed, &member)))
}

pub async fn api_step(
    State(state): State<AppState>,
    member: ReferralOfficer,
    PathIds(id, step): PathIds<ReferralId, ReferralStepId>,
    JsonBody(input): JsonBody<StepInput>,
) -> WebResult<Json<Value>> {
    let changed = app::change_step(&state.app, &member.actor(), id, step, &input).await?;
    Ok(Json(step_json(&changed)))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StageInput {
    pub stage: String,
}

pub async fn api_close_stage(
    State(state): State<AppState>,
    member: ReferralOfficer,
    PathId(id): PathId<ReferralId>,
    JsonBody(input): JsonBody<StageInput>,
) -> WebResult<Json<Value>> {
    let changed = app::close_stage(&state.app, &member.actor(), id, &input.stage).await?;
    Ok(Json(changed_json(&changed, &member)))
}

pub async fn api_update(
    State(state): State<AppState>,
    member: ReferralOfficer,
    PathId(id): PathId<ReferralId>,
    JsonBody(input): JsonBody<UpdateInput>,
) -> WebResult<Response> {
    app::post_update(&state.app, &member.actor(), id, &input).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub async fn api_templates(
    State(state): State<AppState>,
    member: Member,
) -> WebResult<Json<Value>> {
    may_read_templates(&member)?;
    let templates = app::templates(&state.app, &member.actor()).await?;
    Ok(Json(json!({
        "templates": templates.iter().map(template_json).collect::<Vec<_>>(),
    })))
}

pub async fn api_save_template(
    State(state): State<AppState>,
    member: Member,
    axum::extract::Path(path): axum::extract::Path<StagePath>,
    JsonBody(input): JsonBody<SopTemplateInput>,
) -> WebResult<Response> {
    may_read_templates(&member)?;
    let saved = app::save_template(&state.app, &member.actor(), &path.stage, &input).await?;
    Ok((StatusCode::CREATED, Json(template_json(&saved))).into_response())
}
