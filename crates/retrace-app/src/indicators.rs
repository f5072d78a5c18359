//! Pledge indicators (issue 14, item 3): the year-on-year report of an
//! organisation (any member reads it: aggregates only, no personal data),
//! the same added up over a network's members (members of the network
//! only), the administrator's entry of the hand-typed figures of a year
//! (computed figures refused) and the reporting offset from UTC years are
//! counted in. See `docs/adr/0028-pledge-indicators.md`.

use crate::error::Collect;
use crate::{Actor, App, AppError, AppResult};
use retrace_domain::directory::UtcOffset;
use retrace_domain::indicator::{
    FIRST_YEAR, MAX_YEARS, NOTE_MAX, parse_count, parse_year, year_at,
};
use retrace_domain::{EnteredFigure, Figure, NetworkId, NetworkName, OrgId, Problem, Source, Text};
use retrace_store::{IndicatorFigures, IndicatorSubject};
use serde::Deserialize;

/// One figure of the report with its value per year of the report:
/// computed figures always have one (zero when nothing was counted),
/// entered ones only where an entry was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportRow {
    pub figure: Figure,
    pub values: Vec<Option<i64>>,
    pub notes: Vec<Option<Text>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The years of the report, oldest first.
    pub years: Vec<i32>,
    /// The organisation's reporting offset (UTC for a network report:
    /// each member is counted at its own).
    pub offset: UtcOffset,
    /// The current year at that offset.
    pub current_year: i32,
    /// Every figure, in the report's order.
    pub rows: Vec<ReportRow>,
}

/// The years asked for, as typed (`from`, `to`; blank: last year and this
/// year).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct YearsInput {
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub to: Option<String>,
}

/// A figure typed by hand: its code, its value as typed (blank removes
/// the entry) and an optional note.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FigureInput {
    pub figure: String,
    #[serde(default)]
    pub value: String,
    #[serde(default)]
    pub note: String,
}

/// The current year of the organisation, at its reporting offset.
pub async fn current_year(app: &App, org: OrgId) -> AppResult<(i32, UtcOffset)> {
    let offset = app.store().reporting_offset(org).await?;
    Ok((year_at(app.clock().now(), offset), offset))
}

pub(crate) fn years(input: &YearsInput, current: i32) -> AppResult<(i32, i32)> {
    let mut collect = Collect::default();
    let mut year = |field: &str, value: &Option<String>, default: i32| match value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
    {
        None => default,
        Some(value) => match parse_year(value, current) {
            Ok(year) => year,
            Err(problem) => {
                collect.push(field, problem);
                default
            }
        },
    };
    let from = year("from", &input.from, current - 1);
    let to = year("to", &input.to, current);
    if from > to || to - from >= MAX_YEARS {
        collect.push(
            "from",
            Problem::ReportSpan {
                max: i64::from(MAX_YEARS),
            },
        );
    }
    collect.finish()?;
    Ok((from, to))
}

fn report_of(
    figures: IndicatorFigures,
    from: i32,
    to: i32,
    offset: UtcOffset,
    current: i32,
) -> Report {
    let years: Vec<i32> = (from..=to).collect();
    let index = |year: i32| usize::try_from(year - from).ok();
    let rows = Figure::all()
        .into_iter()
        .map(|figure| {
            let computed = figure.source() == Source::Computed;
            let mut values = vec![computed.then_some(0); years.len()];
            let mut notes = vec![None; years.len()];
            for value in figures.computed.iter().filter(|v| v.figure == figure) {
                if let Some(slot) = index(value.year).and_then(|i| values.get_mut(i)) {
                    *slot = Some(value.value);
                }
            }
            for entry in figures.entered.iter().filter(|e| e.figure() == figure) {
                if let Some(i) = index(entry.year) {
                    if let Some(slot) = values.get_mut(i) {
                        *slot = Some(i64::from(entry.value));
                    }
                    if let Some(slot) = notes.get_mut(i) {
                        slot.clone_from(&entry.note);
                    }
                }
            }
            ReportRow {
                figure,
                values,
                notes,
            }
        })
        .collect();
    Report {
        years,
        offset,
        current_year: current,
        rows,
    }
}

/// The actor's organisation's report for the years asked (any member).
pub async fn report(app: &App, actor: &Actor, input: &YearsInput) -> AppResult<Report> {
    let (current, offset) = current_year(app, actor.org()).await?;
    let (from, to) = years(input, current)?;
    let figures = app
        .store()
        .indicator_figures(IndicatorSubject::Org(actor.org()), from, to)
        .await?;
    Ok(report_of(figures, from, to, offset, current))
}

/// A network's report, its members' figures added up: for members of the
/// network only (anyone else: not found).
pub async fn network_report(
    app: &App,
    actor: &Actor,
    network: NetworkId,
    input: &YearsInput,
) -> AppResult<(NetworkName, Report)> {
    let view = app
        .store()
        .network(&actor.scope(), network)
        .await?
        .ok_or(AppError::NotFound)?;
    let current = year_at(app.clock().now(), UtcOffset::default());
    let (from, to) = years(input, current)?;
    let figures = app
        .store()
        .indicator_figures(IndicatorSubject::Network(network), from, to)
        .await?;
    Ok((
        view.network.name,
        report_of(figures, from, to, UtcOffset::default(), current),
    ))
}

/// The entered figures of `year` for the form (administrators).
pub async fn entries(app: &App, actor: &Actor, year: &str) -> AppResult<(i32, Vec<EnteredFigure>)> {
    actor.require_org_admin()?;
    let (current, _) = current_year(app, actor.org()).await?;
    let year = parse_year(year, current).map_err(|p| AppError::invalid("year", p))?;
    let figures = app
        .store()
        .indicator_figures(IndicatorSubject::Org(actor.org()), year, year)
        .await?;
    Ok((year, figures.entered))
}

/// Sets the hand-entered figures of `year` named in `input` (a blank value
/// removes one), in one audited transaction; every error at once (fields:
/// `year`, the figure's code, `{code}_note`), nothing stored then. A
/// computed or unknown figure is refused. Returns the figures changed.
pub async fn enter(
    app: &App,
    actor: &Actor,
    year: &str,
    input: &[FigureInput],
) -> AppResult<Vec<Figure>> {
    actor.require_org_admin()?;
    let (current, _) = current_year(app, actor.org()).await?;
    let mut collect = Collect::default();
    let year = match parse_year(year, current) {
        Ok(year) => Some(year),
        Err(problem) => {
            collect.push("year", problem);
            None
        }
    };
    let mut figures: Vec<(Figure, Option<EnteredFigure>)> = Vec::new();
    for item in input {
        let code = item.figure.trim();
        let figure = match Figure::parse_entered(code) {
            Ok(figure) => figure,
            Err(problem) => {
                collect.push(code.to_owned(), problem);
                continue;
            }
        };
        if figures.iter().any(|(f, _)| *f == figure) {
            collect.push(code.to_owned(), Problem::ListedTwice);
            continue;
        }
        let note = match Text::optional("note", &item.note, NOTE_MAX) {
            Ok(note) => note,
            Err(error) => {
                collect.push(format!("{code}_note"), error.problem);
                None
            }
        };
        if item.value.trim().is_empty() {
            figures.push((figure, None));
            continue;
        }
        match parse_count(&item.value) {
            Ok(value) => {
                let entry = EnteredFigure::new(year.unwrap_or(FIRST_YEAR), figure, value, note)
                    .map_err(|p: Problem| AppError::invalid(code.to_owned(), p))?;
                figures.push((figure, Some(entry)));
            }
            Err(problem) => collect.push(code.to_owned(), problem),
        }
    }
    collect.finish()?;
    let year = year.ok_or_else(|| AppError::Internal("a year refused without error".to_owned()))?;
    Ok(app
        .store()
        .enter_indicators(
            &actor.audit(app, "pledge indicators"),
            &actor.scope(),
            year,
            &figures,
        )
        .await?)
}

/// Sets the organisation's reporting offset (administrators).
pub async fn set_offset(app: &App, actor: &Actor, value: &str) -> AppResult<UtcOffset> {
    actor.require_org_admin()?;
    let offset = UtcOffset::parse(value)?;
    app.store()
        .set_reporting_offset(
            &actor.audit(app, "pledge indicators"),
            &actor.scope(),
            offset,
        )
        .await?;
    Ok(offset)
}
