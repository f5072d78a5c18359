//! Regional networks of organisations (issue 14): who belongs, who
//! coordinates, the kinds of posts members exchange and who may write
//! which, and what a member can follow.

use crate::person::code_enum;
use crate::{CountryCode, InvalidValue, OrgId, Role, RoleSet, Text};
use serde::{Deserialize, Serialize};
use std::fmt;

code_enum!(
    /// What a network post is about.
    PostKind, "kind" {
        RouteChange => "route_change",
        PolicyChange => "policy_change",
        FundingOpportunity => "funding_opportunity",
        PeerSupportRequest => "peer_support_request",
        Event => "event",
        MeetingMinutes => "meeting_minutes",
        JointAction => "joint_action",
    }
);

impl PostKind {
    /// Minutes and joint actions speak for the network: only its
    /// coordinating organisations write them.
    pub fn coordinators_only(self) -> bool {
        matches!(self, PostKind::MeetingMinutes | PostKind::JointAction)
    }
}

/// How an organisation belongs to a network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MemberRole {
    Member,
    Coordinator,
}

impl MemberRole {
    pub fn as_str(self) -> &'static str {
        match self {
            MemberRole::Member => "member",
            MemberRole::Coordinator => "coordinator",
        }
    }
    pub fn parse(value: &str) -> Result<Self, InvalidValue> {
        match value.trim() {
            "member" => Ok(MemberRole::Member),
            "coordinator" => Ok(MemberRole::Coordinator),
            _ => Err(InvalidValue::new(
                "member_role",
                crate::Problem::OneOf {
                    choices: vec![
                        crate::problem::Choice::Member,
                        crate::problem::Choice::Coordinator,
                    ],
                },
            )),
        }
    }
}

/// A network's name: 2 to 120 characters on one line.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct NetworkName(String);

impl NetworkName {
    pub fn parse(value: &str) -> Result<Self, InvalidValue> {
        let text = Text::parse("name", value, 120, false)?;
        if text.as_str().chars().count() < 2 {
            return Err(InvalidValue::new(
                "name",
                crate::Problem::TooShort { min: 2 },
            ));
        }
        Ok(Self(text.as_str().to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for NetworkName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for NetworkName {
    type Error = InvalidValue;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<NetworkName> for String {
    fn from(value: NetworkName) -> Self {
        value.0
    }
}

/// The most countries one post may be tagged with.
pub const MAX_POST_COUNTRIES: usize = 30;

/// A joint action: which member organisation does it, and by when
/// (`YYYY-MM-DD`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JointAction {
    pub owner: OrgId,
    pub due: time::Date,
}

impl JointAction {
    pub fn parse_due(value: &str) -> Result<time::Date, InvalidValue> {
        let format = time::macros::format_description!("[year]-[month]-[day]");
        time::Date::parse(value.trim(), &format)
            .map_err(|_| InvalidValue::new("due", crate::Problem::Date))
    }
    pub fn due_text(&self) -> String {
        let format = time::macros::format_description!("[year]-[month]-[day]");
        self.due.format(&format).unwrap_or_default()
    }
}

/// A post as written, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPost {
    pub kind: PostKind,
    pub title: Text,
    pub body: Text,
    /// The countries it concerns, sorted, without repeats.
    pub countries: Vec<CountryCode>,
    /// Only for joint actions, and required for them.
    pub joint_action: Option<JointAction>,
}

impl NewPost {
    pub fn parse_title(title: &str) -> Result<Text, InvalidValue> {
        Text::parse("title", title, 200, false)
    }

    pub fn parse_body(body: &str) -> Result<Text, InvalidValue> {
        Text::parse("body", body, 20_000, true)
    }

    pub fn new(
        kind: PostKind,
        title: &str,
        body: &str,
        countries: Vec<CountryCode>,
        joint_action: Option<JointAction>,
    ) -> Result<Self, InvalidValue> {
        let title = Self::parse_title(title)?;
        let body = Self::parse_body(body)?;
        let mut countries = countries;
        countries.sort();
        countries.dedup();
        if countries.len() > MAX_POST_COUNTRIES {
            return Err(InvalidValue::new(
                "countries",
                crate::Problem::TooManyCountries {
                    max: MAX_POST_COUNTRIES,
                },
            ));
        }
        match (kind, &joint_action) {
            (PostKind::JointAction, None) => {
                return Err(InvalidValue::new(
                    "owner",
                    crate::Problem::JointActionNeedsOwner,
                ));
            }
            (kind, Some(_)) if kind != PostKind::JointAction => {
                return Err(InvalidValue::new(
                    "owner",
                    crate::Problem::OnlyJointActionHasOwner,
                ));
            }
            _ => {}
        }
        Ok(Self {
            kind,
            title,
            body,
            countries,
            joint_action,
        })
    }
}

/// What a member can follow across their networks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum Follow {
    Kind(PostKind),
    Country(CountryCode),
}

impl Follow {
    /// The stored form: `kind:route_change` or `country:LY`.
    pub fn code(&self) -> String {
        match self {
            Follow::Kind(kind) => format!("kind:{kind}"),
            Follow::Country(country) => format!("country:{country}"),
        }
    }
    pub fn parse(value: &str) -> Result<Self, InvalidValue> {
        match value.trim().split_once(':') {
            Some(("kind", kind)) => Ok(Follow::Kind(PostKind::parse(kind)?)),
            Some(("country", country)) => Ok(Follow::Country(CountryCode::parse(country)?)),
            _ => Err(InvalidValue::new("follow", crate::Problem::FollowCode)),
        }
    }
}

/// Why a post is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PostRefusal {
    /// The member's organisation is not in the network: the network is
    /// not shown to it at all, so this reads as "not found".
    #[error("not found")]
    NotAMember,
    /// Only viewing roles: reading, not writing.
    #[error("your roles let you read the network's posts, not write them")]
    ReadOnly,
    #[error("only the network's coordinating organisations write minutes and joint actions")]
    CoordinatorsOnly,
}

impl PostRefusal {
    /// The refusal as a coded problem; `None` for `NotAMember`, which
    /// reads as "not found".
    pub fn problem(self) -> Option<crate::Problem> {
        match self {
            PostRefusal::NotAMember => None,
            PostRefusal::ReadOnly => Some(crate::Problem::PostReadOnly),
            PostRefusal::CoordinatorsOnly => Some(crate::Problem::PostCoordinatorsOnly),
        }
    }
}

/// May a member with `roles`, whose organisation belongs to the network as
/// `membership` (`None`: not at all), write a post of `kind`?
pub fn post_decision(
    membership: Option<MemberRole>,
    roles: &RoleSet,
    kind: PostKind,
) -> Result<(), PostRefusal> {
    let Some(membership) = membership else {
        return Err(PostRefusal::NotAMember);
    };
    if roles.iter().all(|role| role == Role::Viewer) {
        return Err(PostRefusal::ReadOnly);
    }
    if kind.coordinators_only() && membership != MemberRole::Coordinator {
        return Err(PostRefusal::CoordinatorsOnly);
    }
    Ok(())
}

/// May a member with `roles` of an organisation that belongs to the
/// network as `membership` change its membership? The coordinating
/// organisations' administrators and coordinators may.
pub fn may_manage_members(membership: Option<MemberRole>, roles: &RoleSet) -> bool {
    membership == Some(MemberRole::Coordinator)
        && (roles.contains(Role::OrgAdmin) || roles.contains(Role::Coordinator))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roles(list: &str) -> RoleSet {
        RoleSet::parse_list(list).unwrap()
    }

    #[test]
    fn only_members_who_write_may_post_and_minutes_are_for_coordinators() {
        let caseworker = roles("caseworker");
        assert_eq!(
            post_decision(None, &caseworker, PostKind::RouteChange),
            Err(PostRefusal::NotAMember)
        );
        assert_eq!(
            post_decision(Some(MemberRole::Member), &roles("viewer"), PostKind::Event),
            Err(PostRefusal::ReadOnly)
        );
        assert_eq!(
            post_decision(Some(MemberRole::Member), &caseworker, PostKind::RouteChange),
            Ok(())
        );
        assert_eq!(
            post_decision(
                Some(MemberRole::Member),
                &caseworker,
                PostKind::MeetingMinutes
            ),
            Err(PostRefusal::CoordinatorsOnly)
        );
        assert_eq!(
            post_decision(
                Some(MemberRole::Coordinator),
                &caseworker,
                PostKind::JointAction
            ),
            Ok(())
        );
    }

    #[test]
    fn a_joint_action_and_only_it_names_an_owner_and_a_date() {
        let owner = OrgId::random();
        let action = JointAction {
            owner,
            due: JointAction::parse_due("2026-06-30").unwrap(),
        };
        assert_eq!(action.due_text(), "2026-06-30");
        assert!(NewPost::new(PostKind::JointAction, "t", "b", vec![], None).is_err());
        assert!(NewPost::new(PostKind::Event, "t", "b", vec![], Some(action.clone())).is_err());
        let post = NewPost::new(
            PostKind::JointAction,
            "Joint tracing desk",
            "Who does what",
            vec![
                CountryCode::parse("LY").unwrap(),
                CountryCode::parse("IT").unwrap(),
                CountryCode::parse("LY").unwrap(),
            ],
            Some(action),
        )
        .unwrap();
        assert_eq!(post.countries.len(), 2);
        assert!(JointAction::parse_due("30/06/2026").is_err());
    }

    #[test]
    fn follows_round_trip_through_their_code() {
        for follow in [
            Follow::Kind(PostKind::FundingOpportunity),
            Follow::Country(CountryCode::parse("ly").unwrap()),
        ] {
            assert_eq!(Follow::parse(&follow.code()), Ok(follow));
        }
        assert!(Follow::parse("kind:gossip").is_err());
        assert!(Follow::parse("LY").is_err());
    }

    #[test]
    fn only_coordinating_administrators_manage_members() {
        assert!(may_manage_members(
            Some(MemberRole::Coordinator),
            &roles("coordinator")
        ));
        assert!(!may_manage_members(
            Some(MemberRole::Coordinator),
            &roles("caseworker")
        ));
        assert!(!may_manage_members(
            Some(MemberRole::Member),
            &roles("org_admin")
        ));
        assert!(!may_manage_members(None, &roles("org_admin")));
    }
}
