//! Pledge indicators (issue 14, item 3) as pages, a PDF and JSON: the
//! organisation's year-on-year report (any member), the entry of the
//! hand-typed figures and the reporting offset (administrators), and a
//! network's report adding up its members (members of the network only;
//! anyone else gets "not found"). The rules are `retrace_app::indicators`.

use crate::AppState;
use crate::error::{WebError, WebResult};
use crate::extract::{FormFields, JsonBody, OrgAdmin, PathId, QueryParams};
use crate::form_errors::FormErrors;
use crate::form_values::FormValues;
use crate::identity::Member;
use crate::indicator_views::{
    IndicatorsEditPage, IndicatorsPage, entry_rows, figure_key, group_key, group_rows, groups,
};
use crate::page::Page;
use crate::pdf::{Flow, Fonts, Meta, Style, assemble};
use crate::templates::render;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use retrace_app::indicators::{self as app, FigureInput, Report, YearsInput};
use retrace_domain::{Figure, FigureGroup, NetworkId, Source};
use serde::Deserialize;
use serde_json::{Value, json};

/// The first and last years of a report, for the filter form.
fn years_text(report: &Report) -> (String, String) {
    (
        report.years.first().map(i32::to_string).unwrap_or_default(),
        report.years.last().map(i32::to_string).unwrap_or_default(),
    )
}

#[allow(clippy::too_many_arguments, reason = "one page, its parts")]
fn report_page(
    page: &Page,
    heading: String,
    base: String,
    report: &Report,
    is_network: bool,
    can_edit: bool,
    offset_values: FormValues,
    status: StatusCode,
) -> WebResult<Response> {
    let (from, to) = years_text(report);
    let html = render(&IndicatorsPage {
        page,
        heading,
        base,
        years: report.years.clone(),
        from,
        to,
        offset: report.offset.to_string(),
        groups: groups(page, report),
        is_network,
        can_edit,
        current_year: report.current_year,
        offset_values,
    })?;
    Ok((status, html).into_response())
}

fn offset_values(report: &Report) -> FormValues {
    let mut values = FormValues::default();
    values.set("utc_offset", report.offset.to_string());
    values
}

pub async fn show(
    State(state): State<AppState>,
    page: Page,
    member: Member,
    QueryParams(input): QueryParams<YearsInput>,
) -> WebResult<Response> {
    let actor = member.actor();
    let report = app::report(&state.app, &actor, &input).await?;
    let can_edit = actor.require_org_admin().is_ok();
    report_page(
        &page,
        page.t("indicators-title"),
        "/indicators".to_owned(),
        &report,
        false,
        can_edit,
        offset_values(&report),
        StatusCode::OK,
    )
}

pub async fn set_offset(
    State(state): State<AppState>,
    page: Page,
    member: OrgAdmin,
    form: FormFields,
) -> WebResult<Response> {
    let actor = member.actor();
    match app::set_offset(&state.app, &actor, &form.text("utc_offset")).await {
        Ok(_) => Ok(Redirect::to("/indicators").into_response()),
        Err(error) => {
            let error = WebError::from(error);
            let Some(errors) = FormErrors::of(&page, &error, None, "") else {
                return Err(error);
            };
            let report = app::report(&state.app, &actor, &YearsInput::default()).await?;
            report_page(
                &page,
                page.t("indicators-title"),
                "/indicators".to_owned(),
                &report,
                false,
                true,
                FormValues::with_errors(&form, errors),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
    }
}

pub async fn network(
    State(state): State<AppState>,
    page: Page,
    member: Member,
    PathId(id): PathId<NetworkId>,
    QueryParams(input): QueryParams<YearsInput>,
) -> WebResult<Response> {
    let (name, report) = app::network_report(&state.app, &member.actor(), id, &input).await?;
    report_page(
        &page,
        format!("{}: {name}", page.t("indicators-title")),
        format!("/networks/{id}/indicators"),
        &report,
        true,
        false,
        FormValues::default(),
        StatusCode::OK,
    )
}

fn edit_page(
    page: &Page,
    year: &str,
    values: FormValues,
    status: StatusCode,
) -> WebResult<Response> {
    let html = render(&IndicatorsEditPage {
        page,
        year: year.to_owned(),
        rows: entry_rows(page),
        values,
    })?;
    Ok((status, html).into_response())
}

pub async fn edit(
    State(state): State<AppState>,
    page: Page,
    member: OrgAdmin,
    Path(year): Path<String>,
) -> WebResult<Response> {
    let (year, entries) = app::entries(&state.app, &member.actor(), &year).await?;
    let mut values = FormValues::default();
    for entry in entries {
        let code = entry.figure().code();
        values.set(&code, entry.value.to_string());
        if let Some(note) = &entry.note {
            values.set(&format!("{code}_note"), note.as_str());
        }
    }
    edit_page(&page, &year.to_string(), values, StatusCode::OK)
}

/// The entry form's figures: every entered figure's value and note as
/// typed, and any other field named like a figure (a computed one sent by
/// hand is refused by the use case).
pub(super) fn form_figures(form: &FormFields) -> Vec<FigureInput> {
    let mut codes: Vec<String> = Figure::entered().iter().map(|f| f.code()).collect();
    for figure in Figure::all() {
        let code = figure.code();
        if figure.source() == Source::Computed && !form.text(&code).is_empty() {
            codes.push(code);
        }
    }
    codes
        .into_iter()
        .map(|code| FigureInput {
            value: form.text(&code),
            note: form.text(&format!("{code}_note")),
            figure: code,
        })
        .collect()
}

pub async fn save(
    State(state): State<AppState>,
    page: Page,
    member: OrgAdmin,
    Path(year): Path<String>,
    form: FormFields,
) -> WebResult<Response> {
    let figures = form_figures(&form);
    match app::enter(&state.app, &member.actor(), &year, &figures).await {
        Ok(_) => Ok(Redirect::to("/indicators").into_response()),
        Err(error) => {
            let error = WebError::from(error);
            match FormErrors::of(&page, &error, None, "") {
                Some(errors) => edit_page(
                    &page,
                    &year,
                    FormValues::with_errors(&form, errors),
                    StatusCode::UNPROCESSABLE_ENTITY,
                ),
                None => Err(error),
            }
        }
    }
}

// ---------------------------------------------------------------- PDF

fn pdf_of(page: &Page, title: String, report: &Report) -> WebResult<Vec<u8>> {
    let fonts = Fonts::load().map_err(WebError::internal)?;
    let rtl = page.dir() == "rtl";
    let style = |size: f32, bold: bool| Style { size, bold, rtl };
    let mut flow = Flow::new(&fonts);
    let draw = |flow: &mut Flow<'_>| -> Result<(), String> {
        flow.paragraph(&title, style(16.0, true))?;
        let years: Vec<String> = report.years.iter().map(i32::to_string).collect();
        flow.paragraph(&years.join(" – "), style(9.0, false))?;
        flow.space(10.0);
        for group in FigureGroup::ALL {
            flow.space(6.0);
            flow.paragraph(&page.t(&group_key(*group)), style(13.0, true))?;
            let (rows, max) = group_rows(report, *group);
            for row in rows {
                let source = page.t(match row.figure.source() {
                    Source::Entered => "indicators-entered",
                    Source::Computed => "indicators-computed",
                });
                flow.space(3.0);
                flow.paragraph(
                    &format!("{} ({source})", page.t(&figure_key(row.figure))),
                    style(10.0, true),
                )?;
                for ((year, value), note) in report.years.iter().zip(&row.values).zip(&row.notes) {
                    let shown = value.map_or_else(|| "–".to_owned(), |v| v.to_string());
                    let note = note.as_ref().map(|n| format!(" — {n}")).unwrap_or_default();
                    flow.paragraph(&format!("{year}: {shown}{note}"), style(9.5, false))?;
                    #[allow(clippy::cast_precision_loss, reason = "a bar's length")]
                    let fraction = value.unwrap_or(0) as f32 / max as f32;
                    flow.bar(fraction, rtl)?;
                }
            }
        }
        Ok(())
    };
    draw(&mut flow).map_err(WebError::internal)?;
    let (pages, layer) = flow.into_parts();
    assemble(
        &pages,
        &layer,
        None,
        &Meta {
            title: &title,
            lang: page.code(),
        },
    )
    .map_err(WebError::internal)
}

/// The report as a PDF download, written on a blocking thread.
async fn pdf_download(page: Page, title: String, report: Report) -> WebResult<Response> {
    let bytes = tokio::task::spawn_blocking(move || pdf_of(&page, title, &report))
        .await
        .map_err(WebError::internal)??;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"indicators.pdf\"".to_owned(),
            ),
        ],
        bytes,
    )
        .into_response())
}

pub async fn pdf(
    State(state): State<AppState>,
    page: Page,
    member: Member,
    QueryParams(input): QueryParams<YearsInput>,
) -> WebResult<Response> {
    let report = app::report(&state.app, &member.actor(), &input).await?;
    let title = page.t("indicators-title");
    pdf_download(page, title, report).await
}

pub async fn network_pdf(
    State(state): State<AppState>,
    page: Page,
    member: Member,
    PathId(id): PathId<NetworkId>,
    QueryParams(input): QueryParams<YearsInput>,
) -> WebResult<Response> {
    let (name, report) = app::network_report(&state.app, &member.actor(), id, &input).await?;
    let title = format!("{}: {name}", page.t("indicators-title"));
    pdf_download(page, title, report).await
}

// ---------------------------------------------------------------- API

fn report_json(report: &Report) -> Value {
    json!({
        "years": report.years,
        "utc_offset": report.offset.to_string(),
        "figures": report.rows.iter().map(|row| json!({
            "figure": row.figure.code(),
            "group": row.figure.group().as_str(),
            "source": row.figure.source().as_str(),
            "values": report.years.iter().zip(&row.values).zip(&row.notes).map(|((year, value), note)| json!({
                "year": year,
                "value": value,
                "note": note.as_ref().map(|n| n.as_str()),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

pub async fn api_report(
    State(state): State<AppState>,
    member: Member,
    QueryParams(input): QueryParams<YearsInput>,
) -> WebResult<Json<Value>> {
    let report = app::report(&state.app, &member.actor(), &input).await?;
    Ok(Json(report_json(&report)))
}

pub async fn api_network(
    State(state): State<AppState>,
    member: Member,
    PathId(id): PathId<NetworkId>,
    QueryParams(input): QueryParams<YearsInput>,
) -> WebResult<Json<Value>> {
    let (name, report) = app::network_report(&state.app, &member.actor(), id, &input).await?;
    let mut body = report_json(&report);
    body["network"] = json!({ "id": id, "name": name.as_str() });
    Ok(Json(body))
}

/// `PUT /api/v1/indicators/{year}`: `{"figures": [{"figure": "trained_staff",
/// "value": 12, "note": "…"}]}`; `value` a number, a string as typed, or
/// `null` to remove the entry.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiEntries {
    figures: Vec<ApiFigure>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiFigure {
    figure: String,
    #[serde(default)]
    value: Value,
    #[serde(default)]
    note: Option<String>,
}

pub async fn api_enter(
    State(state): State<AppState>,
    member: OrgAdmin,
    Path(year): Path<String>,
    JsonBody(body): JsonBody<ApiEntries>,
) -> WebResult<Json<Value>> {
    let figures: Vec<FigureInput> = body
        .figures
        .into_iter()
        .map(|item| FigureInput {
            value: match item.value {
                Value::Null => String::new(),
                Value::String(text) => text,
                other => other.to_string(),
            },
            note: item.note.unwrap_or_default(),
            figure: item.figure,
        })
        .collect();
    let changed = app::enter(&state.app, &member.actor(), &year, &figures).await?;
    Ok(Json(json!({
        "year": year.trim(),
        "changed": changed.iter().map(|f| f.code()).collect::<Vec<_>>(),
    })))
}
