//! The directory of services and the country profiles: what a service is
//! (its kind, the services it offers, the languages spoken, its opening
//! hours and whom it may take in), who may see an entry, and who may
//! change it.
//!
//! Key design decision: opening hours are kept as a short weekly text in
//! the service's local time ("Mo-Fr 09:00-17:00; Sa 10:00-12:00") together
//! with the service's offset from UTC, and turned here into ranges of
//! minutes of the UTC week. The store keeps those ranges in rows, so "open
//! now" is one indexed comparison in SQL instead of a time-zone
//! computation per entry. Daylight saving time is not modelled: the offset
//! is the one the maintaining organisation gives.

use crate::{CountryCode, InvalidValue, OrgId, Role, RoleSet, Sex, Timestamp};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Minutes in a week.
pub const WEEK_MINUTES: i64 = 7 * 24 * 60;

use crate::person::code_enum;

code_enum!(
    /// Who may read a directory entry or a library document.
    Visibility, "visibility" {
        Public => "public",
        AllOrganisations => "organisations",
        OwnOrganisation => "own_organisation",
    }
);

code_enum!(
    /// What kind of body a directory entry is.
    EntryKind, "kind" {
        Ngo => "ngo",
        Shelter => "shelter",
        LegalAid => "legal_aid",
        Health => "health",
        Police => "police",
        Consulate => "consulate",
        LabourInspection => "labour_inspection",
        FamilyLinks => "family_links",
        Government => "government",
        International => "international",
    }
);

code_enum!(
    /// A service an entry offers, for the directory's filter.
    Service, "services" {
        Accommodation => "accommodation",
        LegalAdvice => "legal_advice",
        Medical => "medical",
        Psychosocial => "psychosocial",
        FamilyLinks => "family_links",
        Interpretation => "interpretation",
        AsylumInformation => "asylum_information",
        ReturnAssistance => "return_assistance",
        ChildProtection => "child_protection",
        LabourRights => "labour_rights",
        VictimIdentification => "victim_identification",
        Food => "food",
    }
);

code_enum!(
    /// Which sexes a service takes in.
    SexLimit, "eligibility.sex" {
        Any => "any",
        Female => "female",
        Male => "male",
    }
);

/// An ISO 639-1 language code, lower case (`ar`, `fr`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct LanguageCode([u8; 2]);

impl LanguageCode {
    pub fn parse(value: &str) -> Result<Self, InvalidValue> {
        let lower = value.trim().to_ascii_lowercase();
        match lower.as_bytes() {
            [a, b] if a.is_ascii_lowercase() && b.is_ascii_lowercase() => Ok(Self([*a, *b])),
            _ => Err(InvalidValue::new(
                "languages",
                crate::Problem::LanguageCode {
                    value: value.trim().to_owned(),
                },
            )),
        }
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("??")
    }
}

impl fmt::Display for LanguageCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TryFrom<String> for LanguageCode {
    type Error = InvalidValue;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<LanguageCode> for String {
    fn from(value: LanguageCode) -> Self {
        value.as_str().to_owned()
    }
}

/// Parses a comma- or space-separated list of codes into a sorted list
/// without repeats.
pub fn parse_list<T: Ord>(
    value: &str,
    parse: impl Fn(&str) -> Result<T, InvalidValue>,
) -> Result<Vec<T>, InvalidValue> {
    let mut items = value
        .split([',', ' ', '\n'])
        .filter(|part| !part.trim().is_empty())
        .map(parse)
        .collect::<Result<Vec<_>, _>>()?;
    items.sort();
    items.dedup();
    Ok(items)
}

/// A service's offset from UTC in minutes (`+01:00` is 60).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct UtcOffset(i16);

impl UtcOffset {
    pub fn parse(value: &str) -> Result<Self, InvalidValue> {
        let value = value.trim();
        let bad = || {
            InvalidValue::new(
                "utc_offset",
                crate::Problem::UtcOffset {
                    value: value.to_owned(),
                },
            )
        };
        if value.is_empty() || value == "Z" || value == "0" {
            return Ok(Self(0));
        }
        let (sign, rest) = match value.as_bytes().first() {
            Some(b'+') => (1, value.get(1..).unwrap_or("")),
            Some(b'-') => (-1, value.get(1..).unwrap_or("")),
            _ => return Err(bad()),
        };
        let (hours, minutes) = rest.split_once(':').unwrap_or((rest, "0"));
        let hours: i16 = hours.parse().map_err(|_| bad())?;
        let minutes: i16 = minutes.parse().map_err(|_| bad())?;
        if !(0..=14).contains(&hours) || !(0..60).contains(&minutes) {
            return Err(bad());
        }
        Ok(Self(sign * (hours * 60 + minutes)))
    }

    pub fn from_minutes(minutes: i16) -> Result<Self, InvalidValue> {
        if (-14 * 60..=14 * 60).contains(&minutes) {
            Ok(Self(minutes))
        } else {
            Err(InvalidValue::new(
                "utc_offset",
                crate::Problem::UtcOffsetRange,
            ))
        }
    }

    pub fn minutes(self) -> i16 {
        self.0
    }
}

impl fmt::Display for UtcOffset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { '-' } else { '+' };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{:02}:{:02}", abs / 60, abs % 60)
    }
}

impl TryFrom<String> for UtcOffset {
    type Error = InvalidValue;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<UtcOffset> for String {
    fn from(value: UtcOffset) -> Self {
        value.to_string()
    }
}

const DAYS: [&str; 7] = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"];

/// One line of opening hours: a set of days (bit 0 is Monday) and a time
/// range in minutes of the local day; `closes` may be 1440 (midnight).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span {
    days: u8,
    opens: u16,
    closes: u16,
}

/// Weekly opening hours in the service's local time. Empty means unknown
/// (never "open now").
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OpeningHours(Vec<Span>);

impl OpeningHours {
    /// `24/7`, or `;`-separated lines of `DAYS HH:MM-HH:MM`, where DAYS is
    /// `Mo`, `Mo-Fr` or `Mo,We,Fr`.
    pub fn parse(value: &str) -> Result<Self, InvalidValue> {
        let value = value.trim();
        let bad = |part: &str| {
            InvalidValue::new(
                "opening_hours",
                crate::Problem::OpeningHours {
                    part: part.to_owned(),
                },
            )
        };
        if value.is_empty() {
            return Ok(Self::default());
        }
        if value == "24/7" {
            return Ok(Self(vec![Span {
                days: 0b111_1111,
                opens: 0,
                closes: 1440,
            }]));
        }
        let mut spans = Vec::new();
        for part in value
            .split([';', '\n'])
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            let (days, times) = part.split_once(' ').ok_or_else(|| bad(part))?;
            let mut mask = 0u8;
            for group in days.split(',') {
                let day = |name: &str| DAYS.iter().position(|d| d.eq_ignore_ascii_case(name));
                match group.split_once('-') {
                    Some((from, to)) => {
                        let (from, to) = (
                            day(from).ok_or_else(|| bad(part))?,
                            day(to).ok_or_else(|| bad(part))?,
                        );
                        if from > to {
                            return Err(bad(part));
                        }
                        for d in from..=to {
                            mask |= 1 << d;
                        }
                    }
                    None => mask |= 1 << day(group).ok_or_else(|| bad(part))?,
                }
            }
            let (opens, closes) = times.trim().split_once('-').ok_or_else(|| bad(part))?;
            let minute = |t: &str| -> Option<u16> {
                let (h, m) = t.trim().split_once(':')?;
                let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
                // `h` is checked before it is multiplied: 8017:00 fits a u16,
                // 8017 × 60 does not.
                if h <= 24 && m < 60 && h * 60 + m <= 1440 {
                    Some(h * 60 + m)
                } else {
                    None
                }
            };
            let (opens, closes) = (
                minute(opens).ok_or_else(|| bad(part))?,
                minute(closes).ok_or_else(|| bad(part))?,
            );
            if opens >= closes {
                return Err(bad(part));
            }
            spans.push(Span {
                days: mask,
                opens,
                closes,
            });
        }
        Ok(Self(spans))
    }

    pub fn is_unknown(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether the service is open on local `weekday` (0 is Monday) at
    /// local minute `minute` of the day.
    pub fn is_open_at(&self, weekday: u8, minute: u16) -> bool {
        self.0
            .iter()
            .any(|s| s.days & (1 << weekday) != 0 && s.opens <= minute && minute < s.closes)
    }

    /// The opening ranges as half-open minutes of the UTC week (Monday
    /// 00:00 UTC is 0), split where they wrap around the week.
    pub fn utc_week_ranges(&self, offset: UtcOffset) -> Vec<(i64, i64)> {
        let mut ranges = Vec::new();
        for span in &self.0 {
            for day in 0..7i64 {
                if span.days & (1 << day) == 0 {
                    continue;
                }
                let start = (day * 1440 + i64::from(span.opens) - i64::from(offset.minutes()))
                    .rem_euclid(WEEK_MINUTES);
                let length = i64::from(span.closes) - i64::from(span.opens);
                let end = start + length;
                if end <= WEEK_MINUTES {
                    ranges.push((start, end));
                } else {
                    ranges.push((start, WEEK_MINUTES));
                    ranges.push((0, end - WEEK_MINUTES));
                }
            }
        }
        ranges
    }
}

/// The hours of the UTC week an entry is open, one character per hour
/// from Monday 00:00 UTC (`WEEK_HOURS` in all): `1` open the whole hour,
/// `0` closed the whole hour, `p` open part of it. An "open now" search
/// reads the hour's character and tests the minute only for `p` hours
/// (see `docs/adr/0031-directory-open-now-by-hour.md`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeekHours(String);

/// Hours in a week.
pub const WEEK_HOURS: usize = 7 * 24;

impl WeekHours {
    pub fn of(hours: &OpeningHours, offset: UtcOffset) -> Self {
        let mut covered = [0i64; WEEK_HOURS];
        for (opens, closes) in hours.utc_week_ranges(offset) {
            for (hour, minutes) in covered.iter_mut().enumerate() {
                let start = i64::try_from(hour).unwrap_or(0) * 60;
                let overlap = closes.min(start + 60) - opens.max(start);
                *minutes += overlap.max(0);
            }
        }
        Self(
            covered
                .iter()
                .map(|&minutes| match minutes {
                    0 => '0',
                    m if m >= 60 => '1',
                    _ => 'p',
                })
                .collect(),
        )
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The 1-based position of the character for minute `minute` of the
    /// UTC week (as SQL's `substr` counts).
    pub fn position_of(minute: i64) -> i64 {
        minute.rem_euclid(WEEK_MINUTES) / 60 + 1
    }
}

impl fmt::Display for OpeningHours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for span in &self.0 {
            if !first {
                f.write_str("; ")?;
            }
            first = false;
            if span.days == 0b111_1111 && span.opens == 0 && span.closes == 1440 {
                f.write_str("24/7")?;
                continue;
            }
            let days: Vec<&str> = (0..7)
                .filter(|d| span.days & (1 << d) != 0)
                .filter_map(|d| DAYS.get(d).copied())
                .collect();
            // A run of consecutive days is written `Mo-Fr`.
            let bits = span.days >> span.days.trailing_zeros();
            let consecutive = bits & (bits + 1) == 0;
            let day_text = match (days.first(), days.last()) {
                (Some(a), Some(b)) if consecutive && days.len() > 2 => format!("{a}-{b}"),
                _ => days.join(","),
            };
            write!(
                f,
                "{day_text} {:02}:{:02}-{:02}:{:02}",
                span.opens / 60,
                span.opens % 60,
                span.closes / 60,
                span.closes % 60
            )?;
        }
        Ok(())
    }
}

impl TryFrom<String> for OpeningHours {
    type Error = InvalidValue;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<OpeningHours> for String {
    fn from(value: OpeningHours) -> Self {
        value.to_string()
    }
}

/// The minute of the UTC week (Monday 00:00 UTC is 0) at `at`.
pub fn utc_week_minute(at: Timestamp) -> i64 {
    // 1970-01-01 was a Thursday: Monday 1969-12-29 is 3 days earlier.
    let minutes = at.as_millis().div_euclid(60_000) + 3 * 1440;
    minutes.rem_euclid(WEEK_MINUTES)
}

/// Whom a service may take in. An empty nationality list means any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Eligibility {
    pub min_age: Option<u8>,
    pub max_age: Option<u8>,
    pub sex: SexLimit,
    pub nationalities: Vec<CountryCode>,
}

impl Default for Eligibility {
    fn default() -> Self {
        Self {
            min_age: None,
            max_age: None,
            sex: SexLimit::Any,
            nationalities: Vec::new(),
        }
    }
}

impl Eligibility {
    pub fn new(
        min_age: Option<u8>,
        max_age: Option<u8>,
        sex: SexLimit,
        mut nationalities: Vec<CountryCode>,
    ) -> Result<Self, InvalidValue> {
        if let (Some(min), Some(max)) = (min_age, max_age)
            && min > max
        {
            return Err(InvalidValue::new(
                "eligibility.max_age",
                crate::Problem::MaxAgeBelowMin,
            ));
        }
        if max_age.is_some_and(|a| a > 120) || min_age.is_some_and(|a| a > 120) {
            return Err(InvalidValue::new(
                "eligibility.max_age",
                crate::Problem::MaxAgeTooHigh { max: 120 },
            ));
        }
        nationalities.sort();
        nationalities.dedup();
        Ok(Self {
            min_age,
            max_age,
            sex,
            nationalities,
        })
    }

    /// Whether a person of this age, sex and nationality may be referred;
    /// what is not known does not exclude.
    pub fn admits(
        &self,
        age: Option<u8>,
        sex: Option<Sex>,
        nationality: Option<CountryCode>,
    ) -> bool {
        let age_ok = age.is_none_or(|a| {
            self.min_age.is_none_or(|min| a >= min) && self.max_age.is_none_or(|max| a <= max)
        });
        let sex_ok = match (self.sex, sex) {
            (SexLimit::Any, _) | (_, None | Some(Sex::Unknown | Sex::Other)) => true,
            (SexLimit::Female, Some(s)) => s == Sex::Female,
            (SexLimit::Male, Some(s)) => s == Sex::Male,
        };
        let nationality_ok = self.nationalities.is_empty()
            || nationality.is_none_or(|n| self.nationalities.contains(&n));
        age_ok && sex_ok && nationality_ok
    }
}

/// Why a member may change a directory entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditRight {
    /// The entry belongs to the member's organisation.
    Owner,
    /// The member coordinates the country the entry is in.
    Coordinator,
}

/// The roles that maintain their organisation's own directory entries.
pub fn maintains_directory(roles: &RoleSet) -> bool {
    [
        Role::OrgAdmin,
        Role::Coordinator,
        Role::Caseworker,
        Role::ReferralOfficer,
    ]
    .into_iter()
    .any(|role| roles.contains(role))
}

/// Who may change a directory entry: its own organisation's maintainers,
/// and a coordinator of an organisation in the entry's country (for the
/// entries of that country other organisations share).
pub fn entry_edit_right(
    roles: &RoleSet,
    member_org: OrgId,
    member_country: CountryCode,
    entry_org: OrgId,
    entry_country: CountryCode,
    entry_visibility: Visibility,
) -> Option<EditRight> {
    if entry_org == member_org && maintains_directory(roles) {
        Some(EditRight::Owner)
    } else if roles.contains(Role::Coordinator)
        && entry_country == member_country
        && entry_visibility != Visibility::OwnOrganisation
    {
        Some(EditRight::Coordinator)
    } else {
        None
    }
}

/// Who may revise a country profile: a coordinator of an organisation in
/// that country.
pub fn may_revise_profile(
    roles: &RoleSet,
    member_country: CountryCode,
    profile: CountryCode,
) -> bool {
    roles.contains(Role::Coordinator) && member_country == profile
}

/// The sections of a country profile, in the order shown.
pub const PROFILE_SECTIONS: [&str; 6] = [
    "legal_framework",
    "referral_mechanism",
    "focal_points",
    "family_links",
    "entry_and_return",
    "sources",
];

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    /// Found by the fuzz target `json_api`: an hour too large to be
    /// multiplied by 60 in a u16 overflowed (a panic in debug builds)
    /// instead of being refused.
    #[test]
    fn hours_too_large_for_a_day_are_refused() {
        for hours in [
            "Mo-Fr 1:0-8017:00",
            "Sa 65535:00-65535:59",
            "Su 09:00-1093:00",
        ] {
            assert!(OpeningHours::parse(hours).is_err(), "{hours}");
        }
    }

    #[test]
    fn opening_hours_parse_and_print_back() {
        let hours = OpeningHours::parse("Mo-Fr 09:00-17:00; Sa 10:00-12:30").unwrap();
        assert_eq!(hours.to_string(), "Mo-Fr 09:00-17:00; Sa 10:00-12:30");
        assert!(hours.is_open_at(0, 9 * 60));
        assert!(!hours.is_open_at(0, 17 * 60));
        assert!(hours.is_open_at(5, 12 * 60));
        assert!(!hours.is_open_at(6, 12 * 60));
        assert_eq!(OpeningHours::parse("24/7").unwrap().to_string(), "24/7");
        assert_eq!(
            OpeningHours::parse("Mo,We 08:00-10:00")
                .unwrap()
                .to_string(),
            "Mo,We 08:00-10:00"
        );
        for bad in [
            "Mo-Fr",
            "Xx 09:00-10:00",
            "Mo 10:00-09:00",
            "Fr-Mo 09:00-10:00",
            "Mo 25:00-26:00",
        ] {
            let error = OpeningHours::parse(bad).unwrap_err();
            assert_eq!(error.field, "opening_hours", "{bad}");
        }
        assert!(OpeningHours::parse("").unwrap().is_unknown());
    }

    #[test]
    fn utc_ranges_follow_the_offset_and_wrap_the_week() {
        let hours = OpeningHours::parse("Mo 00:30-02:00").unwrap();
        let plus_one = UtcOffset::parse("+01:00").unwrap();
        // Monday 00:30 at +01:00 is Sunday 23:30 UTC: the range wraps.
        assert_eq!(
            hours.utc_week_ranges(plus_one),
            vec![(WEEK_MINUTES - 30, WEEK_MINUTES), (0, 60)]
        );
        let minus_five = UtcOffset::parse("-05:00").unwrap();
        assert_eq!(hours.utc_week_ranges(minus_five), vec![(330, 420)]);
        assert_eq!(minus_five.to_string(), "-05:00");
        assert!(UtcOffset::parse("+15:00").is_err());
        assert!(UtcOffset::parse("01:00").is_err());
    }

    #[test]
    fn the_utc_week_starts_on_monday() {
        // 2026-11-23 was a Monday; 10:15 UTC.
        let monday = Timestamp::from_millis(1_795_428_900_000);
        assert_eq!(utc_week_minute(monday), 10 * 60 + 15);
        let sunday_late = Timestamp::from_millis(1_795_428_900_000 - 626 * 60_000);
        assert_eq!(utc_week_minute(sunday_late), WEEK_MINUTES - 11);
    }

    #[test]
    fn eligibility_admits_within_its_limits_only() {
        let syria = CountryCode::parse("SY").unwrap();
        let limits = Eligibility::new(Some(18), Some(25), SexLimit::Female, vec![syria]).unwrap();
        assert!(limits.admits(Some(20), Some(Sex::Female), Some(syria)));
        assert!(!limits.admits(Some(17), Some(Sex::Female), Some(syria)));
        assert!(!limits.admits(Some(20), Some(Sex::Male), None));
        assert!(!limits.admits(None, None, Some(CountryCode::parse("AF").unwrap())));
        assert!(limits.admits(None, None, None));
        assert_eq!(
            Eligibility::new(Some(30), Some(20), SexLimit::Any, vec![])
                .unwrap_err()
                .field,
            "eligibility.max_age"
        );
    }

    #[test]
    fn owners_and_country_coordinators_edit_entries() {
        let (mine, other) = (OrgId::random(), OrgId::random());
        let (be, fr) = (
            CountryCode::parse("BE").unwrap(),
            CountryCode::parse("FR").unwrap(),
        );
        let caseworker = RoleSet::single(Role::Caseworker);
        let coordinator = RoleSet::single(Role::Coordinator);
        let viewer = RoleSet::single(Role::Viewer);
        let shared = Visibility::AllOrganisations;
        assert_eq!(
            entry_edit_right(&caseworker, mine, be, mine, fr, shared),
            Some(EditRight::Owner)
        );
        assert_eq!(entry_edit_right(&viewer, mine, be, mine, be, shared), None);
        assert_eq!(
            entry_edit_right(&caseworker, mine, be, other, be, shared),
            None
        );
        assert_eq!(
            entry_edit_right(&coordinator, mine, be, other, be, shared),
            Some(EditRight::Coordinator)
        );
        assert_eq!(
            entry_edit_right(&coordinator, mine, be, other, fr, shared),
            None
        );
        assert_eq!(
            entry_edit_right(
                &coordinator,
                mine,
                be,
                other,
                be,
                Visibility::OwnOrganisation
            ),
            None
        );
        assert!(may_revise_profile(&coordinator, be, be));
        assert!(!may_revise_profile(&coordinator, be, fr));
        assert!(!may_revise_profile(&caseworker, be, be));
    }

    #[test]
    fn code_lists_parse_sorted_without_repeats() {
        let services = parse_list("medical, accommodation medical", Service::parse).unwrap();
        assert_eq!(services, vec![Service::Accommodation, Service::Medical]);
        assert_eq!(
            parse_list("xx", Service::parse).unwrap_err().field,
            "services"
        );
        let languages = parse_list("FR, ar", LanguageCode::parse).unwrap();
        assert_eq!(
            languages.iter().map(|l| l.as_str()).collect::<Vec<_>>(),
            vec!["ar", "fr"]
        );
        assert!(LanguageCode::parse("fra").is_err());
    }

    #[test]
    fn week_hours_mark_whole_and_partial_hours_in_utc() {
        // Mo 09:30-17:00 at UTC+1: 08:30-16:00 UTC on Monday.
        let hours = OpeningHours::parse("Mo 09:30-17:00").expect("hours");
        let plus_one = UtcOffset::parse("+01:00").expect("offset");
        let week = WeekHours::of(&hours, plus_one);
        let marks: Vec<char> = week.as_str().chars().collect();
        assert_eq!(marks.len(), WEEK_HOURS);
        assert_eq!(marks[7], '0');
        assert_eq!(marks[8], 'p');
        assert_eq!(&week.as_str()[9..16], "1111111");
        assert_eq!(marks[16], '0');
        assert!(week.as_str()[17..].chars().all(|c| c == '0'));
        // Minute 8 * 60 + 45 is in the ninth hour, the ninth character.
        assert_eq!(WeekHours::position_of(8 * 60 + 45), 9);
        assert_eq!(WeekHours::position_of(WEEK_MINUTES - 1), 168);
    }

    #[test]
    fn week_hours_wrap_around_the_end_of_the_week() {
        // Su 23:00-24:00 at UTC-1 is Monday 00:00-01:00 UTC.
        let hours = OpeningHours::parse("Su 23:00-24:00").expect("hours");
        let minus_one = UtcOffset::parse("-01:00").expect("offset");
        let week = WeekHours::of(&hours, minus_one);
        assert!(week.as_str().starts_with("10"));
        assert_eq!(week.as_str().chars().filter(|&c| c != '0').count(), 1);
        assert!(
            WeekHours::of(&OpeningHours::parse("").expect("unknown"), minus_one)
                .as_str()
                .chars()
                .all(|c| c == '0')
        );
    }
}
