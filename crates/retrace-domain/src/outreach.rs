//! Outreach: a mobile team informing people on the move (in the street, a
//! squat, an emergency shelter, a station, a camp or a detention centre)
//! about their rights and referring them to services, recorded on a phone,
//! often offline, and counted on a results dashboard.
//!
//! Key design decisions: the people reached are counted, not named (by sex,
//! age band and nationality); a name exists only as a pseudonym in a
//! follow-up record that the person asked for. A session is made on the
//! phone with its own id and a version: the server accepts an edit only
//! when it was made on the version the server holds (`sync_decision`), so
//! two edits made apart become a conflict for a person to resolve, never a
//! silent overwrite, and the same edit sent twice is recognised and counted
//! once.

use crate::person::{Sex, Text, code_enum};
use crate::{CountryCode, FollowUpId, InvalidValue, Timestamp};
use serde::{Deserialize, Serialize};

code_enum!(
    /// Where the team worked.
    PlaceKind, "place_kind" {
        Street => "street",
        Squat => "squat",
        EmergencyShelter => "emergency_shelter",
        Station => "station",
        Camp => "camp",
        DetentionCentre => "detention_centre",
    }
);

code_enum!(
    /// Age bands of the people reached, as estimated by the team.
    AgeBand, "age_band" {
        Under18 => "under_18",
        From18To25 => "18_25",
        From26To40 => "26_40",
        From41To60 => "41_60",
        Over60 => "over_60",
        Unknown => "unknown",
    }
);

code_enum!(
    /// What a person reached later did, as followed up by the team.
    FollowUpOutcome, "outcome" {
        AsylumClaimLodged => "asylum_claim_lodged",
        ReceptionEntered => "reception_entered",
        VoluntaryReturnRequested => "voluntary_return_requested",
        FamilyContactRestored => "family_contact_restored",
    }
);

/// The topics every organisation has; an organisation adds its own.
pub const BUILTIN_TOPICS: [&str; 6] = [
    "international_protection",
    "dublin_regulation",
    "reception_rights",
    "voluntary_return",
    "family_links",
    "health",
];

/// How far in the future a session may start: phones' clocks drift.
pub const CLOCK_SKEW_MILLIS: i64 = 5 * 60 * 1000;
/// Small counts below this are not shown outside the organisation.
pub const SMALL_COUNT: u64 = 5;

/// A topic's code: a built-in one or one an organisation added
/// (`a-z`, `0-9` and `_`, 2 to 40 characters).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TopicCode(String);

impl TopicCode {
    pub fn parse(value: &str) -> Result<Self, InvalidValue> {
        let value = value.trim();
        let len = value.chars().count();
        if !(2..=40).contains(&len)
            || !value
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            return Err(InvalidValue::new("topic", crate::Problem::TopicCode));
        }
        Ok(Self(value.to_owned()))
    }

    /// The code an organisation's topic gets from its label.
    pub fn from_label(label: &str) -> Result<Self, InvalidValue> {
        let mut code = String::new();
        for c in label.trim().to_lowercase().chars() {
            if c.is_ascii_alphanumeric() {
                code.push(c);
            } else if !code.ends_with('_') && !code.is_empty() {
                code.push('_');
            }
        }
        let code = code.trim_end_matches('_');
        Self::parse(&code.chars().take(40).collect::<String>())
    }

    pub fn is_builtin(&self) -> bool {
        BUILTIN_TOPICS.contains(&self.0.as_str())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A language used with the people reached: an ISO 639 code (`ar`, `fr`,
/// `ti`, `prs`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct LanguageCode(String);

impl LanguageCode {
    pub fn parse(value: &str) -> Result<Self, InvalidValue> {
        let value = value.trim().to_ascii_lowercase();
        if !(2..=3).contains(&value.len()) || !value.chars().all(|c| c.is_ascii_lowercase()) {
            return Err(InvalidValue::new(
                "languages",
                crate::Problem::LanguageCodes,
            ));
        }
        Ok(Self(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// People reached of one sex, age band and nationality (`None`: unknown or
/// stateless).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReachedGroup {
    pub sex: Sex,
    pub age_band: AgeBand,
    pub nationality: Option<CountryCode>,
    pub count: u32,
}

/// People referred to one service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Referral {
    pub service: Text,
    pub count: u32,
}

/// A person who asked to be followed up, by a pseudonym the team chose
/// with them ("K. from Asmara, blue jacket"), never a full name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUpRequest {
    pub id: FollowUpId,
    pub pseudonym: Text,
    /// The person agreed that this record be linked to a tracing request or
    /// a referral of the organisation.
    pub consent_to_link: bool,
}

/// A session as recorded on the phone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutreachSessionData {
    pub team: Text,
    pub place_kind: PlaceKind,
    pub city: Text,
    pub started_at: Timestamp,
    pub duration_minutes: u32,
    pub members: Vec<Text>,
    pub mediators: Vec<Text>,
    pub languages: Vec<LanguageCode>,
    /// The total the team counted; the groups must add up to it.
    pub people_reached: u32,
    pub reached: Vec<ReachedGroup>,
    pub topics: Vec<TopicCode>,
    pub referrals: Vec<Referral>,
    pub follow_ups: Vec<FollowUpRequest>,
    pub notes: Option<Text>,
}

/// Why a session's figures are refused; `field` is the JSON path to blame.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {problem}")]
pub struct SessionProblem {
    pub field: String,
    pub problem: crate::Problem,
}

fn problem(field: impl Into<String>, problem: crate::Problem) -> SessionProblem {
    SessionProblem {
        field: field.into(),
        problem,
    }
}

impl OutreachSessionData {
    /// The rules between fields: no date in the future, counts that add
    /// up, no group or topic listed twice, at least one member.
    pub fn check(&self, now: Timestamp) -> Result<(), SessionProblem> {
        match self.check_all(now).into_iter().next() {
            Some(first) => Err(first),
            None => Ok(()),
        }
    }

    /// Every problem `check` would find, at once (empty when none).
    pub fn check_all(&self, now: Timestamp) -> Vec<SessionProblem> {
        let mut found = Vec::new();
        if self.started_at.as_millis() > now.as_millis() + CLOCK_SKEW_MILLIS {
            found.push(problem("started_at", crate::Problem::InFuture));
        }
        if !(1..=24 * 60).contains(&self.duration_minutes) {
            found.push(problem("duration_minutes", crate::Problem::DurationMinutes));
        }
        if self.members.is_empty() {
            found.push(problem("members", crate::Problem::MembersRequired));
        }
        let mut total: u64 = 0;
        for (i, group) in self.reached.iter().enumerate() {
            if group.count == 0 {
                found.push(problem(
                    format!("reached[{i}].count"),
                    crate::Problem::AtLeastOne,
                ));
            }
            let twice = self.reached[..i].iter().any(|other| {
                other.sex == group.sex
                    && other.age_band == group.age_band
                    && other.nationality == group.nationality
            });
            if twice {
                found.push(problem(
                    format!("reached[{i}]"),
                    crate::Problem::GroupListedTwice,
                ));
            }
            total += u64::from(group.count);
        }
        if total != u64::from(self.people_reached) {
            found.push(problem(
                "people_reached",
                crate::Problem::GroupsTotal {
                    total: u32::try_from(total).unwrap_or(u32::MAX),
                    reached: self.people_reached,
                },
            ));
        }
        for (i, topic) in self.topics.iter().enumerate() {
            if self.topics[..i].contains(topic) {
                found.push(problem(format!("topics[{i}]"), crate::Problem::ListedTwice));
            }
        }
        let mut referred: u64 = 0;
        for (i, referral) in self.referrals.iter().enumerate() {
            if referral.count == 0 {
                found.push(problem(
                    format!("referrals[{i}].count"),
                    crate::Problem::AtLeastOne,
                ));
            }
            referred += u64::from(referral.count);
        }
        if referred > u64::from(self.people_reached) {
            found.push(problem(
                "referrals",
                crate::Problem::TooManyReferrals {
                    referred: u32::try_from(referred).unwrap_or(u32::MAX),
                    reached: self.people_reached,
                },
            ));
        }
        if self.follow_ups.len() as u64 > u64::from(self.people_reached) {
            found.push(problem("follow_ups", crate::Problem::TooManyFollowUps));
        }
        for (i, follow_up) in self.follow_ups.iter().enumerate() {
            if self.follow_ups[..i].iter().any(|f| f.id == follow_up.id) {
                found.push(problem(
                    format!("follow_ups[{i}].id"),
                    crate::Problem::ListedTwice,
                ));
            }
        }
        found
    }

    /// The month (`yyyymm`, UTC) the session counts in.
    pub fn month(&self) -> i64 {
        month_of(self.started_at)
    }
}

/// `yyyymm` of a moment, UTC.
pub fn month_of(at: Timestamp) -> i64 {
    let t = at.to_offset_date_time();
    i64::from(t.year()) * 100 + i64::from(u8::from(t.month()))
}

/// What the server does with a session that a phone sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncDecision {
    /// A new session: store it as version 1.
    Insert,
    /// An edit of the version the server holds: store it as the next one.
    Update,
    /// The server already holds exactly this: a retried sync.
    AlreadyApplied,
    /// An edit of an older version, different from what the server holds:
    /// kept aside as a conflict, nothing overwritten.
    Conflict,
    /// An edit of a session the server does not hold (or another
    /// organisation's).
    Unknown,
}

/// The sync rule. `stored` is the version and content the server holds,
/// `base_version` the version the phone edited (0 for a new session).
pub fn sync_decision(
    stored: Option<(i64, &str)>,
    base_version: i64,
    incoming_body: &str,
) -> SyncDecision {
    match stored {
        None if base_version == 0 => SyncDecision::Insert,
        None => SyncDecision::Unknown,
        Some((_, body)) if body == incoming_body => SyncDecision::AlreadyApplied,
        Some((version, _)) if version == base_version => SyncDecision::Update,
        Some(_) => SyncDecision::Conflict,
    }
}

/// A count as shown outside the organisation: `None` (shown as "fewer
/// than 5") when it is small enough to single someone out. Zero is shown.
pub fn suppress_small(count: u64) -> Option<u64> {
    if count == 0 || count >= SMALL_COUNT {
        Some(count)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(value: &str) -> Text {
        Text::parse("t", value, 100, false).unwrap()
    }

    fn group(sex: Sex, count: u32) -> ReachedGroup {
        ReachedGroup {
            sex,
            age_band: AgeBand::From18To25,
            nationality: Some(CountryCode::parse("SD").unwrap()),
            count,
        }
    }

    fn session() -> OutreachSessionData {
        OutreachSessionData {
            team: text("Brussels North"),
            place_kind: PlaceKind::Station,
            city: text("Brussels"),
            started_at: Timestamp::from_millis(1_700_000_000_000),
            duration_minutes: 120,
            members: vec![text("Anne")],
            mediators: vec![text("Yonas")],
            languages: vec![LanguageCode::parse("ti").unwrap()],
            people_reached: 5,
            reached: vec![group(Sex::Male, 3), group(Sex::Female, 2)],
            topics: vec![TopicCode::parse("dublin_regulation").unwrap()],
            referrals: vec![Referral {
                service: text("Medical"),
                count: 2,
            }],
            follow_ups: vec![],
            notes: None,
        }
    }

    const NOW: i64 = 1_700_000_100_000;

    fn problem_field(data: &OutreachSessionData) -> String {
        data.check(Timestamp::from_millis(NOW)).unwrap_err().field
    }

    #[test]
    fn a_coherent_session_passes() {
        session().check(Timestamp::from_millis(NOW)).unwrap();
    }

    #[test]
    fn counts_must_add_up() {
        let mut data = session();
        data.people_reached = 6;
        assert_eq!(problem_field(&data), "people_reached");
        let mut data = session();
        data.referrals[0].count = 9;
        assert_eq!(problem_field(&data), "referrals");
        let mut data = session();
        data.reached.push(group(Sex::Male, 1));
        data.people_reached = 6;
        assert_eq!(problem_field(&data), "reached[2]");
        let mut data = session();
        data.reached[1].count = 0;
        data.people_reached = 3;
        assert_eq!(problem_field(&data), "reached[1].count");
    }

    #[test]
    fn future_dates_are_refused_beyond_the_clock_skew() {
        let mut data = session();
        data.started_at = Timestamp::from_millis(NOW + CLOCK_SKEW_MILLIS - 1);
        data.check(Timestamp::from_millis(NOW)).unwrap();
        data.started_at = Timestamp::from_millis(NOW + CLOCK_SKEW_MILLIS + 1);
        assert_eq!(problem_field(&data), "started_at");
    }

    #[test]
    fn topics_and_follow_ups_are_not_listed_twice() {
        let mut data = session();
        data.topics.push(data.topics[0].clone());
        assert_eq!(problem_field(&data), "topics[1]");
        let mut data = session();
        let id = FollowUpId::random();
        for _ in 0..2 {
            data.follow_ups.push(FollowUpRequest {
                id,
                pseudonym: text("K."),
                consent_to_link: false,
            });
        }
        assert_eq!(problem_field(&data), "follow_ups[1].id");
    }

    #[test]
    fn the_sync_rule_never_overwrites_an_edit_made_apart() {
        assert_eq!(sync_decision(None, 0, "a"), SyncDecision::Insert);
        assert_eq!(sync_decision(None, 2, "a"), SyncDecision::Unknown);
        assert_eq!(
            sync_decision(Some((1, "a")), 0, "a"),
            SyncDecision::AlreadyApplied
        );
        assert_eq!(sync_decision(Some((1, "a")), 1, "b"), SyncDecision::Update);
        assert_eq!(
            sync_decision(Some((2, "b")), 1, "b"),
            SyncDecision::AlreadyApplied
        );
        assert_eq!(
            sync_decision(Some((2, "b")), 1, "c"),
            SyncDecision::Conflict
        );
        assert_eq!(
            sync_decision(Some((1, "a")), 0, "c"),
            SyncDecision::Conflict
        );
    }

    #[test]
    fn small_counts_are_suppressed() {
        assert_eq!(suppress_small(0), Some(0));
        assert_eq!(suppress_small(1), None);
        assert_eq!(suppress_small(4), None);
        assert_eq!(suppress_small(5), Some(5));
    }

    #[test]
    fn topic_codes_come_from_labels() {
        assert_eq!(
            TopicCode::from_label("Winter shelter plan!")
                .unwrap()
                .as_str(),
            "winter_shelter_plan"
        );
        assert!(TopicCode::parse("Bad Code").is_err());
        assert!(TopicCode::parse("health").unwrap().is_builtin());
        assert_eq!(month_of(Timestamp::from_millis(1_700_000_000_000)), 202311);
    }
}
