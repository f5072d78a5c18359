//! Pledge indicators (issue 14, item 3): the figures an organisation
//! reports per year against the RFL pledge ("people trained, awareness
//! campaigns, advocacy, activities undertaken"), and the outcomes the
//! platform already knows from its own records.
//!
//! Key design decisions: the list of figures is closed and each figure is
//! either entered by hand or computed, never both (`Figure::source`), so a
//! computed figure can never be overwritten by a typed number. A year is
//! counted in the organisation's reporting offset from UTC
//! (`directory::UtcOffset`, default UTC): `utc_year_bounds` gives the
//! instants of a calendar year at UTC, and the store shifts every record's
//! instant by its organisation's offset before comparing. See
//! `docs/adr/0028-pledge-indicators.md`.

use crate::directory::UtcOffset;
use crate::person::{Text, code_enum};
use crate::referral::{Outcome, Stage};
use crate::{InvalidValue, Problem, Timestamp};

code_enum!(
    /// The types of activities undertaken that the pledge lists (RFL
    /// service offers, resource mobilisation, exchanges of experience,
    /// peer support) and dissemination sessions; reunifications are
    /// computed, so not among them.
    ActivityType, "activity" {
        RflServices => "rfl_services",
        Dissemination => "dissemination",
        ResourceMobilisation => "resource_mobilisation",
        ExperienceExchanges => "experience_exchanges",
        PeerSupport => "peer_support",
    }
);

code_enum!(
    /// The groups figures are shown and charted in, in order.
    FigureGroup, "group" {
        Training => "training",
        Engagement => "engagement",
        Activities => "activities",
        Tracing => "tracing",
        Referrals => "referrals",
        ReferralStages => "referral_stages",
        ReferralOutcomes => "referral_outcomes",
        Outreach => "outreach",
        PeopleReached => "people_reached",
        Gallery => "gallery",
    }
);

/// Where a figure's value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    /// Typed by the organisation's administrator.
    Entered,
    /// Counted from the platform's own records.
    Computed,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Entered => "entered",
            Source::Computed => "computed",
        }
    }
}

/// One figure of the report. The order of the variants is the order of
/// the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Figure {
    TrainedStaff,
    TrainedGovernance,
    TrainedVolunteers,
    AwarenessCampaigns,
    AdvocacyActions,
    Activities(ActivityType),
    /// Tracing requests the organisation opened in the year.
    RequestsOpened,
    /// Requests of the organisation that became `located` in the year.
    PersonsLocated,
    /// Requests that became `contact_restored` (or were closed for that
    /// reason) in the year.
    ContactsRestored,
    /// Requests that became `reunited` in the year.
    Reunifications,
    ReferralsSent,
    ReferralsReceived,
    /// Stages the organisation closed in the year, by stage.
    StagesClosed(Stage),
    /// Referrals the organisation (as receiver) closed in the year, by
    /// outcome.
    ReferralsClosed(Outcome),
    OutreachSessions,
    PeopleReached,
    /// Gallery entries published in the year (and still published: a
    /// takedown removes the entry).
    GalleryPublished,
    /// Reports from the public about the organisation's gallery entries.
    GalleryReports,
}

impl Figure {
    /// Every figure, in the order of the report.
    pub fn all() -> Vec<Figure> {
        let mut all = vec![
            Figure::TrainedStaff,
            Figure::TrainedGovernance,
            Figure::TrainedVolunteers,
            Figure::AwarenessCampaigns,
            Figure::AdvocacyActions,
        ];
        all.extend(ActivityType::ALL.iter().map(|a| Figure::Activities(*a)));
        all.extend([
            Figure::RequestsOpened,
            Figure::PersonsLocated,
            Figure::ContactsRestored,
            Figure::Reunifications,
            Figure::ReferralsSent,
            Figure::ReferralsReceived,
        ]);
        all.extend(Stage::ALL.iter().map(|s| Figure::StagesClosed(*s)));
        all.extend(Outcome::ALL.iter().map(|o| Figure::ReferralsClosed(*o)));
        all.extend([
            Figure::OutreachSessions,
            Figure::PeopleReached,
            Figure::GalleryPublished,
            Figure::GalleryReports,
        ]);
        all
    }

    /// The figures typed by hand, in order: what an entry form offers.
    pub fn entered() -> Vec<Figure> {
        Self::all()
            .into_iter()
            .filter(|f| f.source() == Source::Entered)
            .collect()
    }

    pub fn source(self) -> Source {
        match self {
            Figure::TrainedStaff
            | Figure::TrainedGovernance
            | Figure::TrainedVolunteers
            | Figure::AwarenessCampaigns
            | Figure::AdvocacyActions
            | Figure::Activities(_) => Source::Entered,
            _ => Source::Computed,
        }
    }

    pub fn group(self) -> FigureGroup {
        match self {
            Figure::TrainedStaff | Figure::TrainedGovernance | Figure::TrainedVolunteers => {
                FigureGroup::Training
            }
            Figure::AwarenessCampaigns | Figure::AdvocacyActions => FigureGroup::Engagement,
            Figure::Activities(_) => FigureGroup::Activities,
            Figure::RequestsOpened
            | Figure::PersonsLocated
            | Figure::ContactsRestored
            | Figure::Reunifications => FigureGroup::Tracing,
            Figure::ReferralsSent | Figure::ReferralsReceived => FigureGroup::Referrals,
            Figure::StagesClosed(_) => FigureGroup::ReferralStages,
            Figure::ReferralsClosed(_) => FigureGroup::ReferralOutcomes,
            Figure::OutreachSessions => FigureGroup::Outreach,
            Figure::PeopleReached => FigureGroup::PeopleReached,
            Figure::GalleryPublished | Figure::GalleryReports => FigureGroup::Gallery,
        }
    }

    /// The stable code: in the database, the API and form field names.
    pub fn code(self) -> String {
        match self {
            Figure::TrainedStaff => "trained_staff".to_owned(),
            Figure::TrainedGovernance => "trained_governance".to_owned(),
            Figure::TrainedVolunteers => "trained_volunteers".to_owned(),
            Figure::AwarenessCampaigns => "awareness_campaigns".to_owned(),
            Figure::AdvocacyActions => "advocacy_actions".to_owned(),
            Figure::Activities(a) => format!("activities_{}", a.as_str()),
            Figure::RequestsOpened => "requests_opened".to_owned(),
            Figure::PersonsLocated => "persons_located".to_owned(),
            Figure::ContactsRestored => "contacts_restored".to_owned(),
            Figure::Reunifications => "reunifications".to_owned(),
            Figure::ReferralsSent => "referrals_sent".to_owned(),
            Figure::ReferralsReceived => "referrals_received".to_owned(),
            Figure::StagesClosed(s) => format!("stages_closed_{}", s.as_str()),
            Figure::ReferralsClosed(o) => format!("referrals_closed_{}", o.as_str()),
            Figure::OutreachSessions => "outreach_sessions".to_owned(),
            Figure::PeopleReached => "people_reached".to_owned(),
            Figure::GalleryPublished => "gallery_published".to_owned(),
            Figure::GalleryReports => "gallery_reports".to_owned(),
        }
    }

    /// The figure of a code, entered or computed.
    pub fn parse(code: &str) -> Result<Figure, InvalidValue> {
        let code = code.trim();
        Self::all()
            .into_iter()
            .find(|f| f.code() == code)
            .ok_or_else(|| {
                InvalidValue::new(
                    "figure",
                    Problem::UnknownCode {
                        value: code.to_owned(),
                    },
                )
            })
    }

    /// The figure of a code, refused when the platform computes it: only
    /// entered figures may be typed.
    pub fn parse_entered(code: &str) -> Result<Figure, Problem> {
        let figure = Self::parse(code).map_err(|e| e.problem)?;
        match figure.source() {
            Source::Entered => Ok(figure),
            Source::Computed => Err(Problem::ComputedFigure),
        }
    }
}

/// The largest count typed by hand.
pub const ENTERED_MAX: i64 = 10_000_000;
/// The longest note of an entered figure.
pub const NOTE_MAX: usize = 300;
/// The first year indicators are kept for.
pub const FIRST_YEAR: i32 = 2000;
/// The most years one report covers.
pub const MAX_YEARS: i32 = 20;

/// A typed count: a whole number from 0 to `ENTERED_MAX`.
pub fn parse_count(value: &str) -> Result<u32, Problem> {
    let problem = Problem::WholeNumberUpTo { max: ENTERED_MAX };
    let value: i64 = value.trim().parse().map_err(|_| problem.clone())?;
    if !(0..=ENTERED_MAX).contains(&value) {
        return Err(problem);
    }
    u32::try_from(value).map_err(|_| problem)
}

/// A reporting year from `FIRST_YEAR` to `max` (the current year when
/// entering: figures of a year not begun are refused).
pub fn parse_year(value: &str, max: i32) -> Result<i32, Problem> {
    let problem = Problem::ReportingYear {
        min: FIRST_YEAR,
        max,
    };
    let year: i32 = value.trim().parse().map_err(|_| problem.clone())?;
    if (FIRST_YEAR..=max).contains(&year) {
        Ok(year)
    } else {
        Err(problem)
    }
}

/// One figure typed by hand for a year, with its optional note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnteredFigure {
    pub year: i32,
    figure: Figure,
    pub value: u32,
    pub note: Option<Text>,
}

impl EnteredFigure {
    /// `Err(Problem::ComputedFigure)` for a figure the platform computes.
    pub fn new(year: i32, figure: Figure, value: u32, note: Option<Text>) -> Result<Self, Problem> {
        if figure.source() == Source::Computed {
            return Err(Problem::ComputedFigure);
        }
        Ok(Self {
            year,
            figure,
            value,
            note,
        })
    }

    pub fn figure(&self) -> Figure {
        self.figure
    }
}

/// Days from 1970-01-01 to the first of January of `year` (proleptic
/// Gregorian calendar).
fn days_to_new_year(year: i32) -> i64 {
    let y = i64::from(year) - 1;
    // Days in the years 1..=y, minus those of 1..=1969.
    let days = |y: i64| y * 365 + y.div_euclid(4) - y.div_euclid(100) + y.div_euclid(400);
    days(y) - days(1969)
}

/// The first and the first-after-last instants of `year` at UTC, in
/// milliseconds. Records of an organisation at offset `o` belong to the
/// year when `at + o` falls in these bounds.
pub fn utc_year_bounds(year: i32) -> (i64, i64) {
    const DAY: i64 = 86_400_000;
    (
        days_to_new_year(year) * DAY,
        days_to_new_year(year + 1) * DAY,
    )
}

/// The year `at` falls in at `offset`.
pub fn year_at(at: Timestamp, offset: UtcOffset) -> i32 {
    let shifted = at.as_millis() + i64::from(offset.minutes()) * 60_000;
    // Close enough to start from, then corrected by the exact bounds.
    let mut year = i32::try_from(1970 + shifted.div_euclid(31_556_952_000)).unwrap_or(1970);
    while shifted < utc_year_bounds(year).0 {
        year -= 1;
    }
    while shifted >= utc_year_bounds(year).1 {
        year += 1;
    }
    year
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "test code")]
    use super::*;

    #[test]
    fn codes_are_unique_and_parse_back() {
        let all = Figure::all();
        let mut codes: Vec<String> = all.iter().map(|f| f.code()).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), all.len());
        for figure in all {
            assert_eq!(Figure::parse(&figure.code()).unwrap(), figure);
        }
        let mut sorted = Figure::all();
        sorted.sort();
        assert_eq!(sorted, Figure::all(), "the report's order is the enum's");
    }

    #[test]
    fn computed_figures_are_refused_as_entered() {
        assert_eq!(
            Figure::parse_entered("reunifications"),
            Err(Problem::ComputedFigure)
        );
        assert_eq!(
            Figure::parse_entered("trained_staff"),
            Ok(Figure::TrainedStaff)
        );
        assert!(matches!(
            Figure::parse_entered("nonsense"),
            Err(Problem::UnknownCode { .. })
        ));
        assert_eq!(
            EnteredFigure::new(2026, Figure::PeopleReached, 1, None),
            Err(Problem::ComputedFigure)
        );
        assert_eq!(Figure::entered().len(), 10);
    }

    #[test]
    fn counts_and_years_are_checked() {
        assert_eq!(parse_count(" 42 "), Ok(42));
        assert!(parse_count("-1").is_err());
        assert!(parse_count("1.5").is_err());
        assert!(parse_count("ten").is_err());
        assert!(parse_count("10000001").is_err());
        assert_eq!(parse_year("2026", 2026), Ok(2026));
        assert!(parse_year("2027", 2026).is_err());
        assert!(parse_year("1999", 2026).is_err());
    }

    #[test]
    fn year_bounds_match_the_calendar() {
        assert_eq!(utc_year_bounds(1970), (0, 365 * 86_400_000));
        // 2026-01-01T00:00:00Z
        assert_eq!(utc_year_bounds(2026).0, 1_767_225_600_000);
        // 2024 is a leap year.
        let (start, end) = utc_year_bounds(2024);
        assert_eq!(end - start, 366 * 86_400_000);
        let plus_two = UtcOffset::parse("+02:00").unwrap();
        let minus_five = UtcOffset::parse("-05:00").unwrap();
        // 2025-12-31T23:00Z is already 2026 at +02:00, still 2025 at UTC.
        let late = Timestamp::from_millis(1_767_225_600_000 - 3_600_000);
        assert_eq!(year_at(late, UtcOffset::default()), 2025);
        assert_eq!(year_at(late, plus_two), 2026);
        // 2026-01-01T03:00Z is still 2025 at -05:00.
        let early = Timestamp::from_millis(1_767_225_600_000 + 3 * 3_600_000);
        assert_eq!(year_at(early, minus_five), 2025);
        assert_eq!(year_at(early, UtcOffset::default()), 2026);
        assert_eq!(
            year_at(Timestamp::from_millis(0), UtcOffset::default()),
            1970
        );
    }
}
