//! The smart-practices database of the networks (issue 14, item 2): what a
//! practice says (the fields of the seeds' practice collections), the
//! states it goes through (held for moderation, in peer review, published,
//! declined), and the peer-review rules: two reviewers of two other member
//! organisations of the network, one review each, and publication only
//! after two approvals.

use crate::library::{TextLanguage, index_terms};
use crate::network::MemberRole;
use crate::person::code_enum;
use crate::{CountryCode, InvalidValue, OrgId, Role, RoleSet, Text, UserId};
use serde::{Deserialize, Serialize};
use std::fmt;

code_enum!(
    /// The stage of the migration route a practice works at.
    RouteStage, "stages" {
        Origin => "origin",
        Transit => "transit",
        Destination => "destination",
        Return => "return",
    }
);

code_enum!(
    /// The type of support a practice gives.
    SupportType, "support" {
        FamilyLinks => "family_links",
        Information => "information",
        Psychosocial => "psychosocial",
        Health => "health",
        Legal => "legal",
        Shelter => "shelter",
        Cash => "cash",
        Livelihoods => "livelihoods",
        Protection => "protection",
        Reintegration => "reintegration",
    }
);

code_enum!(
    /// Where a practice is in its life.
    PracticeStatus, "status" {
        Held => "held",
        InReview => "in_review",
        Published => "published",
        Declined => "declined",
    }
);

code_enum!(
    /// A reviewer's verdict.
    Verdict, "verdict" {
        Approve => "approve",
        Revise => "revise",
    }
);

/// The languages a practice is written in: the four of the interface.
pub const PRACTICE_LANGUAGES: [TextLanguage; 4] = [
    TextLanguage::En,
    TextLanguage::Fr,
    TextLanguage::Es,
    TextLanguage::Ar,
];

/// One of the 23 objectives of the Global Compact for Safe, Orderly and
/// Regular Migration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct GcmObjective(u8);

impl GcmObjective {
    pub const COUNT: u8 = 23;

    pub fn new(number: u8) -> Result<Self, InvalidValue> {
        if (1..=Self::COUNT).contains(&number) {
            Ok(Self(number))
        } else {
            Err(InvalidValue::new(
                "objectives",
                crate::Problem::GcmObjective,
            ))
        }
    }

    pub fn parse(value: &str) -> Result<Self, InvalidValue> {
        let number: u8 = value
            .trim()
            .parse()
            .map_err(|_| InvalidValue::new("objectives", crate::Problem::GcmObjective))?;
        Self::new(number)
    }

    pub fn number(self) -> u8 {
        self.0
    }

    /// Every objective, 1 to 23.
    pub fn all() -> impl Iterator<Item = GcmObjective> {
        (1..=Self::COUNT).map(GcmObjective)
    }
}

impl fmt::Display for GcmObjective {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl TryFrom<u8> for GcmObjective {
    type Error = InvalidValue;
    fn try_from(value: u8) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl From<GcmObjective> for u8 {
    fn from(value: GcmObjective) -> Self {
        value.0
    }
}

/// The cost per beneficiary, when known: a whole amount and its ISO 4217
/// currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cost {
    pub amount: u32,
    pub currency: String,
}

impl Cost {
    pub fn parse(amount: &str, currency: &str) -> Result<Option<Self>, InvalidValue> {
        let (amount, currency) = (amount.trim(), currency.trim());
        if amount.is_empty() {
            return Ok(None);
        }
        let amount: u32 = amount
            .parse()
            .map_err(|_| InvalidValue::new("cost", crate::Problem::CostAmount))?;
        let currency = currency.to_ascii_uppercase();
        if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(InvalidValue::new("currency", crate::Problem::CurrencyCode));
        }
        Ok(Some(Self { amount, currency }))
    }
}

/// The most countries one practice names.
pub const MAX_PRACTICE_COUNTRIES: usize = 30;
/// The longest short field (title aside) and the longest long field.
const SHORT: usize = 1_000;
const LONG: usize = 8_000;

/// A practice as written, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPractice {
    pub language: TextLanguage,
    pub title: Text,
    /// Sorted, without repeats, at least one.
    pub stages: Vec<RouteStage>,
    pub support: Vec<SupportType>,
    pub implementers: Text,
    pub funders: Option<Text>,
    pub countries: Vec<CountryCode>,
    pub target_group: Text,
    pub impact: Text,
    pub cost: Option<Cost>,
    pub challenges: Option<Text>,
    pub lessons: Option<Text>,
    pub recommendations: Option<Text>,
    pub objectives: Vec<GcmObjective>,
}

/// The typed text of a practice, before checking.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PracticeText<'a> {
    pub title: &'a str,
    pub implementers: &'a str,
    pub funders: &'a str,
    pub target_group: &'a str,
    pub impact: &'a str,
    pub challenges: &'a str,
    pub lessons: &'a str,
    pub recommendations: &'a str,
}

fn optional(field: &'static str, value: &str) -> Result<Option<Text>, InvalidValue> {
    if value.trim().is_empty() {
        Ok(None)
    } else {
        Text::parse(field, value, LONG, true).map(Some)
    }
}

/// The value, or `None` after noting its error.
fn noted<T>(errors: &mut Vec<InvalidValue>, result: Result<T, InvalidValue>) -> Option<T> {
    match result {
        Ok(value) => Some(value),
        Err(error) => {
            errors.push(error);
            None
        }
    }
}

fn sorted<T: Ord>(mut values: Vec<T>) -> Vec<T> {
    values.sort();
    values.dedup();
    values
}

/// The stages, types of support, countries, cost and objectives of a
/// practice, read.
pub type PracticeLists = (
    Vec<RouteStage>,
    Vec<SupportType>,
    Vec<CountryCode>,
    Option<Cost>,
    Vec<GcmObjective>,
);

impl NewPractice {
    pub fn new(
        language: TextLanguage,
        text: &PracticeText<'_>,
        stages: Vec<RouteStage>,
        support: Vec<SupportType>,
        countries: Vec<CountryCode>,
        cost: Option<Cost>,
        objectives: Vec<GcmObjective>,
    ) -> Result<Self, InvalidValue> {
        let lists = (stages, support, countries, cost, objectives);
        Self::new_all(Some(language), text, lists).map_err(|errors| {
            // `new_all` refuses only with at least one error.
            errors
                .into_iter()
                .next()
                .unwrap_or_else(|| InvalidValue::new("title", crate::Problem::Required))
        })
    }

    /// `new`, refusing with every error at once (never none); `language`
    /// is `None` when it could not be read (its error is the caller's).
    pub fn new_all(
        language: Option<TextLanguage>,
        text: &PracticeText<'_>,
        (stages, support, countries, cost, objectives): PracticeLists,
    ) -> Result<Self, Vec<InvalidValue>> {
        let mut errors = Vec::new();
        if language.is_some_and(|language| !PRACTICE_LANGUAGES.contains(&language)) {
            errors.push(InvalidValue::new(
                "language",
                crate::Problem::PracticeLanguage,
            ));
        }
        let title = noted(&mut errors, Text::parse("title", text.title, 200, false));
        let stages = sorted(stages);
        if stages.is_empty() {
            errors.push(InvalidValue::new("stages", crate::Problem::StagesRequired));
        }
        let support = sorted(support);
        if support.is_empty() {
            errors.push(InvalidValue::new(
                "support",
                crate::Problem::SupportRequired,
            ));
        }
        let implementers = noted(
            &mut errors,
            Text::parse("implementers", text.implementers, SHORT, false),
        );
        let funders = match text.funders.trim() {
            "" => Some(None),
            value => noted(&mut errors, Text::parse("funders", value, SHORT, false)).map(Some),
        };
        let countries = sorted(countries);
        if countries.is_empty() {
            errors.push(InvalidValue::new(
                "countries",
                crate::Problem::CountriesRequired,
            ));
        }
        if countries.len() > MAX_PRACTICE_COUNTRIES {
            errors.push(InvalidValue::new(
                "countries",
                crate::Problem::TooManyCountries {
                    max: MAX_PRACTICE_COUNTRIES,
                },
            ));
        }
        let target_group = noted(
            &mut errors,
            Text::parse("target_group", text.target_group, SHORT, false),
        );
        let impact = noted(&mut errors, Text::parse("impact", text.impact, LONG, true));
        let objectives = sorted(objectives);
        if objectives.is_empty() {
            errors.push(InvalidValue::new(
                "objectives",
                crate::Problem::ObjectivesRequired,
            ));
        }
        let challenges = noted(&mut errors, optional("challenges", text.challenges));
        let lessons = noted(&mut errors, optional("lessons", text.lessons));
        let recommendations = noted(
            &mut errors,
            optional("recommendations", text.recommendations),
        );
        let built = match (
            language,
            title,
            implementers,
            funders,
            target_group,
            impact,
            challenges,
            lessons,
            recommendations,
        ) {
            (
                Some(language),
                Some(title),
                Some(implementers),
                Some(funders),
                Some(target_group),
                Some(impact),
                Some(challenges),
                Some(lessons),
                Some(recommendations),
            ) => Some(Self {
                language,
                title,
                stages,
                support,
                implementers,
                funders,
                countries,
                target_group,
                impact,
                cost,
                challenges,
                lessons,
                recommendations,
                objectives,
            }),
            _ => None,
        };
        match built {
            Some(practice) if errors.is_empty() => Ok(practice),
            _ => Err(errors),
        }
    }

    /// The terms its free text is found by: every written field, folded
    /// and stemmed in the practice's language, between spaces.
    pub fn search_terms(&self) -> String {
        let mut text = String::new();
        for part in [
            Some(&self.title),
            Some(&self.implementers),
            self.funders.as_ref(),
            Some(&self.target_group),
            Some(&self.impact),
            self.challenges.as_ref(),
            self.lessons.as_ref(),
            self.recommendations.as_ref(),
        ]
        .into_iter()
        .flatten()
        {
            text.push_str(part.as_str());
            text.push('\n');
        }
        format!(" {} ", index_terms(self.language, &text))
    }

    /// The filter tags: `stage:origin`, `support:legal`, `country:LY`,
    /// `gcm:7`.
    pub fn tags(&self) -> Vec<String> {
        let mut tags = Vec::new();
        tags.extend(self.stages.iter().map(|s| format!("stage:{s}")));
        tags.extend(self.support.iter().map(|s| format!("support:{s}")));
        tags.extend(self.countries.iter().map(|c| format!("country:{c}")));
        tags.extend(self.objectives.iter().map(|o| format!("gcm:{o}")));
        tags
    }
}

/// Joins codes as stored: `origin,transit`.
pub fn join_codes<T: fmt::Display>(values: &[T]) -> String {
    values
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// A review already given: by whom, for which organisation, saying what.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GivenReview {
    pub reviewer: UserId,
    pub org: OrgId,
    pub verdict: Verdict,
}

/// Why a review is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ReviewRefusal {
    /// The reviewer's organisation is not in the practice's network: the
    /// practice under review is not shown to it, so "not found".
    #[error("not found")]
    NotAMember,
    #[error("your roles let you read practices, not review them")]
    ReadOnly,
    #[error("only a practice in peer review can be reviewed")]
    NotInReview,
    #[error("a practice is reviewed by other organisations of the network, not by its own")]
    OwnOrganisation,
    #[error("you have already reviewed this practice")]
    AlreadyReviewedByYou,
    #[error("someone of your organisation has already reviewed this practice")]
    OrganisationAlreadyReviewed,
    #[error("this practice has its two reviews")]
    Complete,
}

impl ReviewRefusal {
    /// The refusal as a coded problem; `None` for `NotAMember`, which
    /// reads as "not found".
    pub fn problem(self) -> Option<crate::Problem> {
        use crate::Problem;
        Some(match self {
            ReviewRefusal::NotAMember => return None,
            ReviewRefusal::ReadOnly => Problem::ReviewReadOnly,
            ReviewRefusal::NotInReview => Problem::ReviewNotInReview,
            ReviewRefusal::OwnOrganisation => Problem::ReviewOwnOrganisation,
            ReviewRefusal::AlreadyReviewedByYou => Problem::ReviewedByYou,
            ReviewRefusal::OrganisationAlreadyReviewed => Problem::ReviewedByYourOrganisation,
            ReviewRefusal::Complete => Problem::ReviewsComplete,
        })
    }
}

/// Reviews a practice needs before it may be published.
pub const REVIEWS_NEEDED: usize = 2;

fn writes(roles: &RoleSet) -> bool {
    roles.iter().any(|role| role != Role::Viewer)
}

/// May `reviewer` of `reviewer_org` (whose organisation belongs to the
/// practice's network as `membership`), with `roles`, review a practice
/// of `practice_org` in `status` that already has `reviews`?
pub fn review_decision(
    membership: Option<MemberRole>,
    roles: &RoleSet,
    status: PracticeStatus,
    practice_org: Option<OrgId>,
    reviewer: UserId,
    reviewer_org: OrgId,
    reviews: &[GivenReview],
) -> Result<(), ReviewRefusal> {
    if membership.is_none() {
        return Err(ReviewRefusal::NotAMember);
    }
    if !writes(roles) {
        return Err(ReviewRefusal::ReadOnly);
    }
    if status != PracticeStatus::InReview {
        return Err(ReviewRefusal::NotInReview);
    }
    if practice_org == Some(reviewer_org) {
        return Err(ReviewRefusal::OwnOrganisation);
    }
    if reviews.iter().any(|r| r.reviewer == reviewer) {
        return Err(ReviewRefusal::AlreadyReviewedByYou);
    }
    if reviews.iter().any(|r| r.org == reviewer_org) {
        return Err(ReviewRefusal::OrganisationAlreadyReviewed);
    }
    if reviews.len() >= REVIEWS_NEEDED {
        return Err(ReviewRefusal::Complete);
    }
    Ok(())
}

/// Why publication is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PublishRefusal {
    #[error("not found")]
    NotAMember,
    /// Neither the practice's organisation nor a coordinating one, or
    /// viewing roles only.
    #[error("the practice's own organisation or a coordinating organisation publishes it")]
    NotYours,
    #[error("only a practice in peer review can be published")]
    NotInReview,
    #[error("a practice is published after two approving reviews from two other organisations")]
    NeedsTwoApprovals,
}

impl PublishRefusal {
    /// The refusal as a coded problem; `None` for `NotAMember`, which
    /// reads as "not found".
    pub fn problem(self) -> Option<crate::Problem> {
        use crate::Problem;
        Some(match self {
            PublishRefusal::NotAMember => return None,
            PublishRefusal::NotYours => Problem::PublishNotYours,
            PublishRefusal::NotInReview => Problem::PublishNotInReview,
            PublishRefusal::NeedsTwoApprovals => Problem::PublishNeedsTwoApprovals,
        })
    }
}

/// Two approvals from two organisations other than the practice's.
pub fn approved(practice_org: Option<OrgId>, reviews: &[GivenReview]) -> bool {
    let mut orgs: Vec<OrgId> = reviews
        .iter()
        .filter(|r| r.verdict == Verdict::Approve && Some(r.org) != practice_org)
        .map(|r| r.org)
        .collect();
    orgs.sort_by_key(ToString::to_string);
    orgs.dedup();
    orgs.len() >= REVIEWS_NEEDED
}

/// May a member of `publisher_org` with `roles` (in the network as
/// `membership`) publish the practice?
pub fn publish_decision(
    membership: Option<MemberRole>,
    roles: &RoleSet,
    status: PracticeStatus,
    practice_org: Option<OrgId>,
    publisher_org: OrgId,
    reviews: &[GivenReview],
) -> Result<(), PublishRefusal> {
    let Some(membership) = membership else {
        return Err(PublishRefusal::NotAMember);
    };
    if !writes(roles)
        || (practice_org != Some(publisher_org) && membership != MemberRole::Coordinator)
    {
        return Err(PublishRefusal::NotYours);
    }
    if status != PracticeStatus::InReview {
        return Err(PublishRefusal::NotInReview);
    }
    if !approved(practice_org, reviews) {
        return Err(PublishRefusal::NeedsTwoApprovals);
    }
    Ok(())
}

/// May a member with `roles` of an organisation in the network as
/// `membership` moderate the public's submissions to it? The network's
/// coordinating organisations' members who write.
pub fn may_moderate(membership: Option<MemberRole>, roles: &RoleSet) -> bool {
    membership == Some(MemberRole::Coordinator) && writes(roles)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roles(list: &str) -> RoleSet {
        RoleSet::parse_list(list).unwrap()
    }

    fn practice() -> Result<NewPractice, InvalidValue> {
        NewPractice::new(
            TextLanguage::Fr,
            &PracticeText {
                title: "Points d'information sur les routes",
                implementers: "Croix-Rouge française",
                funders: "",
                target_group: "Personnes migrantes en transit",
                impact: "3 000 personnes informées des services de rétablissement des liens familiaux",
                challenges: "",
                lessons: "Les réfugiés préfèrent les messages vocaux",
                recommendations: "",
            },
            vec![RouteStage::Transit, RouteStage::Origin, RouteStage::Transit],
            vec![SupportType::Information],
            vec![CountryCode::parse("NE").unwrap()],
            Cost::parse("12", "eur").unwrap(),
            vec![GcmObjective::new(3).unwrap()],
        )
    }

    #[test]
    fn a_practice_is_checked_and_indexed_in_its_language() {
        let p = practice().unwrap();
        assert_eq!(p.stages, vec![RouteStage::Origin, RouteStage::Transit]);
        assert_eq!(p.cost.as_ref().unwrap().currency, "EUR");
        assert!(p.funders.is_none());
        let terms = p.search_terms();
        assert!(terms.starts_with(' ') && terms.ends_with(' '));
        assert!(terms.contains(" refug "), "folded and stemmed: {terms}");
        assert!(terms.contains(" retabl "), "accents folded: {terms}");
        assert!(p.tags().contains(&"gcm:3".to_owned()));
        assert!(p.tags().contains(&"stage:transit".to_owned()));
        assert!(GcmObjective::new(0).is_err());
        assert!(GcmObjective::new(24).is_err());
        assert!(GcmObjective::parse("23").is_ok());
        assert_eq!(GcmObjective::all().count(), 23);
        assert!(Cost::parse("12,5", "EUR").is_err());
        assert!(Cost::parse("12", "EU").is_err());
        assert_eq!(Cost::parse("", "").unwrap(), None);
        let no_stage = NewPractice::new(
            TextLanguage::En,
            &PracticeText {
                title: "t",
                implementers: "i",
                target_group: "g",
                impact: "i",
                ..PracticeText::default()
            },
            vec![],
            vec![SupportType::Legal],
            vec![CountryCode::parse("NE").unwrap()],
            None,
            vec![GcmObjective::new(1).unwrap()],
        );
        assert_eq!(no_stage.unwrap_err().field, "stages");
    }

    #[test]
    fn reviews_come_from_two_other_organisations_one_each() {
        let (own, a, b) = (OrgId::random(), OrgId::random(), OrgId::random());
        let (ua, ua2, ub) = (UserId::random(), UserId::random(), UserId::random());
        let member = Some(MemberRole::Member);
        let cw = roles("caseworker");
        let decide = |user, org, reviews: &[GivenReview]| {
            review_decision(
                member,
                &cw,
                PracticeStatus::InReview,
                Some(own),
                user,
                org,
                reviews,
            )
        };
        assert_eq!(
            decide(UserId::random(), own, &[]),
            Err(ReviewRefusal::OwnOrganisation)
        );
        assert_eq!(decide(ua, a, &[]), Ok(()));
        let first = GivenReview {
            reviewer: ua,
            org: a,
            verdict: Verdict::Approve,
        };
        assert_eq!(
            decide(ua, a, &[first]),
            Err(ReviewRefusal::AlreadyReviewedByYou)
        );
        assert_eq!(
            decide(ua2, a, &[first]),
            Err(ReviewRefusal::OrganisationAlreadyReviewed)
        );
        assert_eq!(decide(ub, b, &[first]), Ok(()));
        assert_eq!(
            review_decision(None, &cw, PracticeStatus::InReview, Some(own), ub, b, &[]),
            Err(ReviewRefusal::NotAMember)
        );
        assert_eq!(
            review_decision(
                member,
                &roles("viewer"),
                PracticeStatus::InReview,
                Some(own),
                ub,
                b,
                &[]
            ),
            Err(ReviewRefusal::ReadOnly)
        );
        assert_eq!(
            review_decision(
                member,
                &cw,
                PracticeStatus::Published,
                Some(own),
                ub,
                b,
                &[]
            ),
            Err(ReviewRefusal::NotInReview)
        );
        let second = GivenReview {
            reviewer: ub,
            org: b,
            verdict: Verdict::Approve,
        };
        assert_eq!(
            decide(UserId::random(), OrgId::random(), &[first, second]),
            Err(ReviewRefusal::Complete)
        );
    }

    #[test]
    fn publication_needs_two_approvals_and_the_owner_or_a_coordinator() {
        let (own, a, b) = (OrgId::random(), OrgId::random(), OrgId::random());
        let review = |org, verdict| GivenReview {
            reviewer: UserId::random(),
            org,
            verdict,
        };
        let cw = roles("caseworker");
        let one = [review(a, Verdict::Approve)];
        let revise = [review(a, Verdict::Approve), review(b, Verdict::Revise)];
        let two = [review(a, Verdict::Approve), review(b, Verdict::Approve)];
        let member = Some(MemberRole::Member);
        let publish = |org, membership, reviews: &[GivenReview]| {
            publish_decision(
                membership,
                &cw,
                PracticeStatus::InReview,
                Some(own),
                org,
                reviews,
            )
        };
        assert_eq!(
            publish(own, member, &one),
            Err(PublishRefusal::NeedsTwoApprovals)
        );
        assert_eq!(
            publish(own, member, &revise),
            Err(PublishRefusal::NeedsTwoApprovals)
        );
        assert_eq!(publish(own, member, &two), Ok(()));
        assert_eq!(publish(a, member, &two), Err(PublishRefusal::NotYours));
        assert_eq!(publish(a, Some(MemberRole::Coordinator), &two), Ok(()));
        assert_eq!(publish(a, None, &two), Err(PublishRefusal::NotAMember));
        assert!(
            !approved(Some(a), &two),
            "its own organisation's counts not"
        );
        assert!(may_moderate(Some(MemberRole::Coordinator), &cw));
        assert!(!may_moderate(Some(MemberRole::Member), &cw));
        assert!(!may_moderate(
            Some(MemberRole::Coordinator),
            &roles("viewer")
        ));
    }
}
