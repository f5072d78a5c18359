//! Outreach pages: their templates, the form read into the use case's
//! input, and the dashboard's charts drawn on the server as SVG.
//!
//! A chart is a horizontal bar chart with a `<title>`, a text value on
//! every bar and the same figures as a table beside it, so it reads
//! without sight and without the picture. In a right-to-left language the
//! chart is mirrored (labels on the right, bars growing to the left) by
//! computing mirrored coordinates here, not with CSS transforms.

use crate::extract::FormFields;
use crate::form_values::FormValues;
use crate::page::Page;
use askama::Template;
use retrace_app::outreach::{
    Dashboard, Figure, FilterInput, FollowUpInput, ReachedInput, ReferralInput, Section,
    SessionInput,
};
use retrace_domain::outreach::BUILTIN_TOPICS;
use retrace_domain::{AgeBand, FollowUpOutcome, PlaceKind, Sex};
use retrace_domain::{FieldError, Problem};

pub const REACHED_ROWS: usize = 6;
pub const REFERRAL_ROWS: usize = 3;
pub const FOLLOW_UP_ROWS: usize = 2;

pub const PLACE_KINDS: &[PlaceKind] = PlaceKind::ALL;
pub const AGE_BANDS: &[AgeBand] = AgeBand::ALL;
pub const SEXES: &[Sex] = Sex::ALL;
pub const OUTCOMES: &[FollowUpOutcome] = FollowUpOutcome::ALL;

const WIDTH: i64 = 640;
const LABEL_END: i64 = 200;
const BAR_SPACE: i64 = 360;
const ROW: i64 = 24;

/// A topic to choose in the form: its code and its label.
pub struct TopicOption {
    pub code: String,
    pub label: String,
}

/// The built-in topics translated, then the organisation's own.
pub fn topic_options(page: &Page, org_topics: &[retrace_store::OrgTopic]) -> Vec<TopicOption> {
    BUILTIN_TOPICS
        .iter()
        .map(|code| TopicOption {
            code: (*code).to_owned(),
            label: page.label("outreach-topic", code),
        })
        .chain(org_topics.iter().map(|t| TopicOption {
            code: t.code.as_str().to_owned(),
            label: t.label.as_str().to_owned(),
        }))
        .collect()
}

fn lines(value: &str) -> Vec<String> {
    value
        .split(['\n', ','])
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A count as typed: empty is 0; anything else not a number is noted.
fn number(form: &FormFields, name: &str, unreadable: &mut Vec<FieldError>) -> u32 {
    let text = form.text(name);
    if text.is_empty() {
        return 0;
    }
    text.parse().unwrap_or_else(|_| {
        unreadable.push(FieldError {
            field: name.to_owned(),
            problem: Problem::WholeNumber,
        });
        0
    })
}

/// The form rows that became the input's lists: `reached[i]` is row
/// `reached[i]` of the form, and so on (empty rows are left out).
#[derive(Default)]
pub struct SessionRows {
    pub reached: Vec<usize>,
    pub referrals: Vec<usize>,
    pub follow_ups: Vec<usize>,
}

impl SessionRows {
    /// The form control a JSON path of the session is about:
    /// `reached[1].count` → `reached_count_3` when the second group typed
    /// is the form's fourth row; a list as a whole → its fieldset.
    pub fn control(&self, path: &str) -> String {
        let (list, rest) = path.split_once('[').unwrap_or((path, ""));
        let index = rest
            .split_once(']')
            .and_then(|(i, _)| i.parse::<usize>().ok());
        let part = rest.split_once("].").map(|(_, part)| part);
        let row = |rows: &[usize]| index.and_then(|i| rows.get(i).copied());
        match (
            list,
            row(&self.reached),
            row(&self.referrals),
            row(&self.follow_ups),
        ) {
            ("reached", Some(row), _, _) => {
                let control = match part {
                    Some("age_band") => "reached_age",
                    Some("nationality") => "reached_nationality",
                    Some("count") => "reached_count",
                    _ => "reached_sex",
                };
                format!("{control}_{row}")
            }
            ("referrals", _, Some(row), _) => match part {
                Some("count") => format!("referral_count_{row}"),
                _ => format!("referral_service_{row}"),
            },
            ("follow_ups", _, _, Some(row)) => format!("follow_up_pseudonym_{row}"),
            _ => list.to_owned(),
        }
    }
}

/// The session form read into the use case's input, the rows its lists
/// came from, and the counts that are not numbers (named by their
/// form names).
pub fn session_input(form: &FormFields) -> (SessionInput, SessionRows, Vec<FieldError>) {
    let mut unreadable = Vec::new();
    let mut rows = SessionRows::default();
    let mut reached = Vec::new();
    for row in 0..REACHED_ROWS {
        let count = number(form, &format!("reached_count_{row}"), &mut unreadable);
        if count > 0 {
            rows.reached.push(row);
            reached.push(ReachedInput {
                sex: form.text(&format!("reached_sex_{row}")),
                age_band: form.text(&format!("reached_age_{row}")),
                nationality: form.text(&format!("reached_nationality_{row}")),
                count,
            });
        }
    }
    let mut referrals = Vec::new();
    for row in 0..REFERRAL_ROWS {
        let service = form.text(&format!("referral_service_{row}"));
        let count = number(form, &format!("referral_count_{row}"), &mut unreadable);
        if !service.is_empty() {
            rows.referrals.push(row);
            referrals.push(ReferralInput { service, count });
        }
    }
    let mut follow_ups = Vec::new();
    for row in 0..FOLLOW_UP_ROWS {
        let pseudonym = form.text(&format!("follow_up_pseudonym_{row}"));
        if !pseudonym.is_empty() {
            rows.follow_ups.push(row);
            follow_ups.push(FollowUpInput {
                id: form.text(&format!("follow_up_id_{row}")),
                pseudonym,
                consent_to_link: form.get(&format!("follow_up_consent_{row}")).is_some(),
            });
        }
    }
    let input = SessionInput {
        id: form.text("id"),
        base_version: i64::from(number(form, "base_version", &mut unreadable)),
        team: form.text("team"),
        place_kind: form.text("place_kind"),
        city: form.text("city"),
        started_at: form.text("started_at"),
        duration_minutes: number(form, "duration_minutes", &mut unreadable),
        members: lines(&form.text("members")),
        mediators: lines(&form.text("mediators")),
        languages: lines(&form.text("languages")),
        people_reached: number(form, "people_reached", &mut unreadable),
        reached,
        topics: form.all("topics"),
        referrals,
        follow_ups,
        notes: form.text("notes"),
    };
    (input, rows, unreadable)
}

#[derive(Template)]
#[template(path = "outreach_form.html")]
pub struct SessionForm<'a> {
    pub page: &'a Page,
    pub values: FormValues,
    pub topics: Vec<TopicOption>,
    pub follow_up_ids: Vec<String>,
}

impl SessionForm<'_> {
    pub fn reached_rows(&self) -> std::ops::Range<usize> {
        0..REACHED_ROWS
    }
    pub fn referral_rows(&self) -> std::ops::Range<usize> {
        0..REFERRAL_ROWS
    }
    pub fn follow_up_rows(&self) -> std::ops::Range<usize> {
        0..FOLLOW_UP_ROWS
    }
    pub fn follow_up_id(&self, row: &usize) -> &str {
        self.follow_up_ids
            .get(*row)
            .map(String::as_str)
            .unwrap_or_default()
    }
    pub fn rv(&self, name: &str, row: &usize) -> &str {
        self.values.v(&format!("{name}_{row}"))
    }
    pub fn r_is(&self, name: &str, row: &usize, value: &str) -> bool {
        self.rv(name, row) == value
    }
    /// `FormValues::aria` of the control `{name}_{row}`.
    pub fn row_aria(&self, name: &str, row: &usize, hints: &str) -> String {
        self.values.aria(&format!("{name}_{row}"), hints)
    }
    pub fn row_error(&self, name: &str, row: &usize) -> Option<String> {
        self.values.error(&format!("{name}_{row}"))
    }
    pub fn r_checked(&self, name: &str, row: &usize) -> bool {
        self.values.checked(&format!("{name}_{row}"))
    }
}

/// One bar of a chart, with its coordinates already mirrored for a
/// right-to-left page.
pub struct Bar {
    pub label: String,
    pub value: String,
    pub label_x: i64,
    pub bar_x: i64,
    pub value_x: i64,
    pub y: i64,
    pub width: i64,
}

pub struct Chart {
    pub id: String,
    pub title: String,
    pub height: i64,
    pub rtl: bool,
    pub bars: Vec<Bar>,
    /// The table fallback: label, sessions, people.
    pub rows: Vec<(String, String, String)>,
    pub shows_sessions: bool,
    pub shows_people: bool,
}

impl Chart {
    pub fn width(&self) -> i64 {
        WIDTH
    }
}

fn figure_text(page: &Page, figure: Figure) -> String {
    match figure.0 {
        Some(n) => n.to_string(),
        None => page.t("outreach-suppressed"),
    }
}

/// A row's label: month `202603` as `2026-03`, codes translated.
fn row_label(page: &Page, section: &str, key: &str) -> String {
    match section {
        "month" if key.len() == 6 => format!(
            "{}-{}",
            key.get(..4).unwrap_or_default(),
            key.get(4..).unwrap_or_default()
        ),
        "place_kind" => page.label("outreach-place", key),
        "sex" => page.label("sex", key),
        "age_band" => page.label("outreach-age", key),
        "outcome" => page.label("outreach-outcome", key),
        "nationality" if key == "unknown" => page.t("outreach-nationality-unknown"),
        "topic" if BUILTIN_TOPICS.contains(&key) => page.label("outreach-topic", key),
        _ => key.to_owned(),
    }
}

/// Which figure a section's bars show: people for most, sessions for
/// topics.
fn measure(section: &str) -> bool {
    section != "topic"
}

/// The chart of one section of the dashboard.
pub fn chart(page: &Page, section: &Section) -> Chart {
    let people = measure(section.name);
    let value = |row: &retrace_app::outreach::Row| if people { row.people } else { row.sessions };
    let max = section
        .rows
        .iter()
        .filter_map(|row| value(row).0)
        .max()
        .unwrap_or(0)
        .max(1);
    let rtl = page.dir() == "rtl";
    let mirror = |x: i64| if rtl { WIDTH - x } else { x };
    let bars = section
        .rows
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let n = value(row).0.unwrap_or(0);
            let width =
                i64::try_from(n.saturating_mul(u64::try_from(BAR_SPACE).unwrap_or(0)) / max)
                    .unwrap_or(0);
            let y = i64::try_from(i).unwrap_or(0) * ROW + 4;
            Bar {
                label: row_label(page, section.name, &row.key),
                value: figure_text(page, value(row)),
                label_x: mirror(LABEL_END - 6),
                bar_x: if rtl {
                    WIDTH - LABEL_END - width
                } else {
                    LABEL_END
                },
                value_x: mirror(LABEL_END + width + 4),
                y,
                width,
            }
        })
        .collect::<Vec<_>>();
    Chart {
        id: section.name.replace('_', "-"),
        title: page.t(&format!(
            "outreach-chart-{}",
            section.name.replace('_', "-")
        )),
        height: i64::try_from(bars.len()).unwrap_or(0) * ROW + 8,
        rtl,
        rows: section
            .rows
            .iter()
            .map(|row| {
                (
                    row_label(page, section.name, &row.key),
                    figure_text(page, row.sessions),
                    figure_text(page, row.people),
                )
            })
            .collect(),
        bars,
        shows_sessions: !matches!(section.name, "nationality" | "sex" | "age_band"),
        shows_people: section.name != "topic",
    }
}

#[derive(Template)]
#[template(path = "outreach_dashboard.html")]
pub struct DashboardPage<'a> {
    pub page: &'a Page,
    pub heading: String,
    pub country_view: bool,
    pub filter: FilterInput,
    /// The filter form's errors: then no figures are shown.
    pub filter_errors: FormValues,
    pub sessions: String,
    pub people: String,
    pub charts: Vec<Chart>,
    pub can_record: bool,
    pub can_see_country: bool,
    pub conflicts: usize,
    pub export_query: String,
    /// The topic form: what was typed and its errors.
    pub topic: FormValues,
}

impl DashboardPage<'_> {
    pub fn place_kinds(&self) -> &'static [PlaceKind] {
        PLACE_KINDS
    }
}

pub fn dashboard_figures(page: &Page, board: &Dashboard) -> (String, String, Vec<Chart>) {
    (
        figure_text(page, board.sessions),
        figure_text(page, board.people),
        board
            .sections
            .iter()
            .filter(|s| !s.rows.is_empty())
            .map(|s| chart(page, s))
            .collect(),
    )
}

pub struct SessionLine {
    pub id: String,
    pub started: String,
    pub team: String,
    pub place_kind: &'static str,
    pub city: String,
    pub people: i64,
}

pub struct ConflictLine {
    pub id: String,
    pub session: String,
    pub created: String,
    pub base_version: i64,
    pub server_version: i64,
}

#[derive(Template)]
#[template(path = "outreach_sessions.html")]
pub struct SessionsPage<'a> {
    pub page: &'a Page,
    pub sessions: Vec<SessionLine>,
    pub conflicts: Vec<ConflictLine>,
    pub can_record: bool,
}

/// What a session page and a conflict page show of a session.
pub struct SessionView {
    pub team: String,
    pub place_kind: &'static str,
    pub city: String,
    pub started: String,
    pub duration_minutes: u32,
    pub members: String,
    pub mediators: String,
    pub languages: String,
    pub people_reached: u32,
    /// Sex, age band, nationality, count.
    pub reached: Vec<(&'static str, &'static str, String, u32)>,
    pub topics: Vec<String>,
    pub referrals: Vec<(String, u32)>,
    pub follow_ups: Vec<String>,
    pub notes: String,
}

impl SessionView {
    pub fn of(page: &Page, data: &retrace_domain::OutreachSessionData) -> Self {
        let join = |values: &[retrace_domain::Text]| {
            values
                .iter()
                .map(|v| v.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        Self {
            team: data.team.to_string(),
            place_kind: data.place_kind.as_str(),
            city: data.city.to_string(),
            started: data.started_at.display_utc(),
            duration_minutes: data.duration_minutes,
            members: join(&data.members),
            mediators: join(&data.mediators),
            languages: data
                .languages
                .iter()
                .map(|l| l.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            people_reached: data.people_reached,
            reached: data
                .reached
                .iter()
                .map(|g| {
                    (
                        g.sex.as_str(),
                        g.age_band.as_str(),
                        g.nationality
                            .map(|c| c.as_str().to_owned())
                            .unwrap_or_else(|| page.t("outreach-nationality-unknown")),
                        g.count,
                    )
                })
                .collect(),
            topics: data
                .topics
                .iter()
                .map(|t| row_label(page, "topic", t.as_str()))
                .collect(),
            referrals: data
                .referrals
                .iter()
                .map(|r| (r.service.to_string(), r.count))
                .collect(),
            follow_ups: data
                .follow_ups
                .iter()
                .map(|f| f.pseudonym.to_string())
                .collect(),
            notes: data
                .notes
                .as_ref()
                .map(|n| n.to_string())
                .unwrap_or_default(),
        }
    }
}

#[derive(Template)]
#[template(path = "outreach_session.html")]
pub struct SessionPage<'a> {
    pub page: &'a Page,
    pub id: String,
    pub version: i64,
    pub session: SessionView,
    /// Set on a conflict page: the edit kept aside, to compare.
    pub incoming: Option<SessionView>,
    pub conflict: Option<ConflictLine>,
    pub can_resolve: bool,
    /// The refusal of a resolution.
    pub values: FormValues,
}

pub struct FollowUpLine {
    /// The outcome control's id.
    pub input: String,
    pub id: String,
    pub session: String,
    pub pseudonym: String,
    pub consent_to_link: bool,
    pub outcome: &'static str,
    pub started: String,
}

#[derive(Template)]
#[template(path = "outreach_follow_ups.html")]
pub struct FollowUpsPage<'a> {
    pub page: &'a Page,
    pub rows: Vec<FollowUpLine>,
    pub can_record: bool,
    /// The refusal of an outcome.
    pub values: FormValues,
}

impl FollowUpsPage<'_> {
    pub fn outcomes(&self) -> &'static [FollowUpOutcome] {
        OUTCOMES
    }
}
