//! The templates of the pledge indicators (issue 14, item 3): the
//! year-on-year report of an organisation or a network, with a
//! server-drawn SVG bar chart per group of figures and the values in a
//! table, and the administrator's entry form.

use crate::form_values::FormValues;
use crate::page::Page;
use askama::Template;
use retrace_app::indicators::{Report, ReportRow};
use retrace_domain::{Figure, FigureGroup, Source};

const WIDTH: i64 = 640;
const LABEL_END: i64 = 200;
const BAR_SPACE: i64 = 360;
const ROW: i64 = 22;

/// The locale key of a figure's name (also its form field's label).
pub fn figure_key(figure: Figure) -> String {
    format!("field-{}", figure.code().replace('_', "-"))
}

pub fn group_key(group: FigureGroup) -> String {
    format!("indicators-group-{}", group.as_str().replace('_', "-"))
}

/// A text line or a bar of a chart.
pub struct ChartLine {
    pub y: i64,
    /// A figure's name heading its bars.
    pub heading: Option<String>,
    pub label: String,
    pub value: String,
    pub label_x: i64,
    pub bar_x: i64,
    pub value_x: i64,
    pub width: i64,
}

pub struct TableRow {
    pub code: String,
    pub name: String,
    pub source: String,
    /// Per year: the value shown and its note.
    pub cells: Vec<(String, String)>,
}

pub struct Group {
    pub id: String,
    pub title: String,
    pub height: i64,
    pub rtl: bool,
    pub lines: Vec<ChartLine>,
    pub rows: Vec<TableRow>,
}

impl Group {
    pub fn width(&self) -> i64 {
        WIDTH
    }
}

/// A group's rows and its largest value (at least 1: a bar's scale).
pub fn group_rows(report: &Report, group: FigureGroup) -> (Vec<&ReportRow>, i64) {
    let rows: Vec<&ReportRow> = report
        .rows
        .iter()
        .filter(|row| row.figure.group() == group)
        .collect();
    let max = rows
        .iter()
        .flat_map(|row| row.values.iter().flatten())
        .copied()
        .max()
        .unwrap_or(0)
        .max(1);
    (rows, max)
}

/// The report's groups: a chart and a table each.
pub fn groups(page: &Page, report: &Report) -> Vec<Group> {
    let rtl = page.dir() == "rtl";
    let mirror = |x: i64| if rtl { WIDTH - x } else { x };
    FigureGroup::ALL
        .iter()
        .map(|group| {
            let (rows, max) = group_rows(report, *group);
            let mut lines = Vec::new();
            let mut y = 4;
            for row in &rows {
                lines.push(ChartLine {
                    y,
                    heading: Some(page.t(&figure_key(row.figure))),
                    label: String::new(),
                    value: String::new(),
                    label_x: mirror(4),
                    bar_x: 0,
                    value_x: 0,
                    width: 0,
                });
                y += ROW;
                for (year, value) in report.years.iter().zip(&row.values) {
                    let n = value.unwrap_or(0).max(0);
                    let width = n.saturating_mul(BAR_SPACE) / max;
                    lines.push(ChartLine {
                        y,
                        heading: None,
                        label: year.to_string(),
                        value: value.map_or_else(|| "–".to_owned(), |v| v.to_string()),
                        label_x: mirror(LABEL_END - 6),
                        bar_x: if rtl {
                            WIDTH - LABEL_END - width
                        } else {
                            LABEL_END
                        },
                        value_x: mirror(LABEL_END + width + 4),
                        width,
                    });
                    y += ROW;
                }
            }
            Group {
                id: group.as_str().replace('_', "-"),
                title: page.t(&group_key(*group)),
                height: y + 4,
                rtl,
                lines,
                rows: rows
                    .iter()
                    .map(|row| TableRow {
                        code: row.figure.code(),
                        name: page.t(&figure_key(row.figure)),
                        source: page.t(match row.figure.source() {
                            Source::Entered => "indicators-entered",
                            Source::Computed => "indicators-computed",
                        }),
                        cells: row
                            .values
                            .iter()
                            .zip(&row.notes)
                            .map(|(value, note)| {
                                (
                                    value.map_or_else(|| "–".to_owned(), |v| v.to_string()),
                                    note.as_ref().map(|n| n.to_string()).unwrap_or_default(),
                                )
                            })
                            .collect(),
                    })
                    .collect(),
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "indicators.html")]
pub struct IndicatorsPage<'a> {
    pub page: &'a Page,
    pub heading: String,
    /// `/indicators` or `/networks/{id}/indicators`.
    pub base: String,
    pub years: Vec<i32>,
    pub from: String,
    pub to: String,
    pub offset: String,
    pub groups: Vec<Group>,
    pub is_network: bool,
    pub can_edit: bool,
    pub current_year: i32,
    pub offset_values: FormValues,
}

pub struct EntryRow {
    pub code: String,
    pub name: String,
    pub note_name: String,
}

#[derive(Template)]
#[template(path = "indicators_edit.html")]
pub struct IndicatorsEditPage<'a> {
    pub page: &'a Page,
    pub year: String,
    pub rows: Vec<EntryRow>,
    pub values: FormValues,
}

/// The entry form's rows: every entered figure, none computed.
pub fn entry_rows(page: &Page) -> Vec<EntryRow> {
    Figure::entered()
        .into_iter()
        .map(|figure| EntryRow {
            code: figure.code(),
            name: page.t(&figure_key(figure)),
            note_name: format!("{}_note", figure.code()),
        })
        .collect()
}
