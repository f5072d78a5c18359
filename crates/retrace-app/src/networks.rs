//! Networks of organisations (issue 14): the operator creates a network
//! with its first members, coordinating organisations change membership,
//! members read and write posts and follow kinds or countries; followed
//! posts reach the work queue (`WorkKind::NetworkPost`) and `digest` lists
//! what an e-mail digest would send. Reading is not audited (no personal
//! data); every change is.

use crate::accounts::Operator;
use crate::{Actor, App, AppError, AppResult, Collect};
use retrace_domain::Problem;
use retrace_domain::{
    CountryCode, Follow, JointAction, MemberRole, NetworkId, NetworkName, NetworkPostId, NewPost,
    OrgId, PostKind, PostRefusal, Text, Timestamp, may_manage_members, post_decision,
};
use retrace_store::{
    Network, NetworkManager, NetworkPost, NetworkSummary, NetworkView, PostFilter, StoreError,
};
use serde::Deserialize;

/// The most posts one page or API call lists.
pub const POSTS_PER_PAGE: u32 = 100;
/// The most posts a digest lists.
pub const DIGEST_LIMIT: u32 = 200;

/// A new network: the operator's form and the API body. Organisations by id.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewNetworkInput {
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub coordinators: Vec<String>,
    #[serde(default)]
    pub members: Vec<String>,
}

fn org_ids(field: &str, values: &[String]) -> AppResult<Vec<OrgId>> {
    values
        .iter()
        .enumerate()
        .map(|(i, value)| {
            value.parse::<OrgId>().map_err(|_| {
                AppError::invalid(format!("{field}[{i}]"), Problem::NoSuchOrganisation)
            })
        })
        .collect()
}

fn description(value: &str) -> AppResult<Text> {
    let value = if value.trim().is_empty() { "-" } else { value };
    Ok(Text::parse("description", value, 4000, true)?)
}

pub async fn create_network(
    app: &App,
    operator: Operator,
    input: &NewNetworkInput,
) -> AppResult<Network> {
    // The name, the description and the coordinators are checked together.
    let mut errors = Collect::default();
    let name = errors.note(NetworkName::parse(&input.name))?;
    let description = errors.take(description(&input.description))?;
    let coordinators = errors.take(org_ids("coordinators", &input.coordinators))?;
    if coordinators.as_ref().is_some_and(Vec::is_empty) {
        errors.push("coordinators", Problem::CoordinatorsRequired);
    }
    let (name, description, coordinators) =
        errors.done(|| Some((name?, description?, coordinators?)))?;
    let mut members: Vec<(OrgId, MemberRole)> = coordinators
        .into_iter()
        .map(|org| (org, MemberRole::Coordinator))
        .collect();
    for org in org_ids("members", &input.members)? {
        if !members.iter().any(|(known, _)| *known == org) {
            members.push((org, MemberRole::Member));
        }
    }
    for (i, (org, _)) in members.iter().enumerate() {
        if app.store().organisation(*org).await?.is_none() {
            return Err(AppError::invalid(
                format!("members[{i}]"),
                Problem::NoSuchOrganisation,
            ));
        }
    }
    app.store()
        .create_network(&operator.audit(app), &name, &description, &members)
        .await
        .map_err(|error| match error {
            StoreError::Conflict { .. } => AppError::invalid("name", Problem::NetworkNameTaken),
            other => other.into(),
        })
}

/// Every network, for operators.
pub async fn all_networks(app: &App, _operator: Operator) -> AppResult<Vec<Network>> {
    Ok(app.store().all_networks().await?)
}

/// The networks of the actor's organisation.
pub async fn networks(app: &App, actor: &Actor) -> AppResult<Vec<NetworkSummary>> {
    Ok(app.store().networks_of(&actor.scope()).await?)
}

/// A network of the actor's organisation with its members.
pub async fn network(app: &App, actor: &Actor, id: NetworkId) -> AppResult<NetworkView> {
    app.store()
        .network(&actor.scope(), id)
        .await?
        .ok_or(AppError::NotFound)
}

/// A change of membership: `role` is `member`, `coordinator` or `remove`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberInput {
    pub org: String,
    pub role: String,
}

/// Adds, changes or removes a member organisation, by a coordinating
/// organisation's administrator or coordinator.
pub async fn set_member(
    app: &App,
    actor: &Actor,
    id: NetworkId,
    input: &MemberInput,
) -> AppResult<()> {
    let view = network(app, actor, id).await?;
    if !may_manage_members(Some(view.role), actor.roles()) {
        return Err(AppError::Forbidden);
    }
    let org = input
        .org
        .parse::<OrgId>()
        .map_err(|_| AppError::invalid("org", Problem::NoSuchOrganisation))?;
    let role = match input.role.trim() {
        "remove" => None,
        other => Some(MemberRole::parse(other).map_err(|_| {
            AppError::invalid(
                "role",
                Problem::OneOf {
                    choices: vec![
                        retrace_domain::Choice::Member,
                        retrace_domain::Choice::Coordinator,
                        retrace_domain::Choice::Remove,
                    ],
                },
            )
        })?),
    };
    if role.is_some() && app.store().organisation(org).await?.is_none() {
        return Err(AppError::invalid("org", Problem::NoSuchOrganisation));
    }
    app.store()
        .set_network_member(
            &actor.audit(app, "network membership"),
            NetworkManager::Coordinator(actor.scope()),
            id,
            org,
            role,
        )
        .await?;
    Ok(())
}

/// Which posts to list, as typed in the page's filter or the query string.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PostFilterInput {
    pub kind: String,
    pub country: String,
}

impl PostFilterInput {
    pub fn parse(&self) -> AppResult<PostFilter> {
        let kind = match self.kind.trim() {
            "" => None,
            kind => Some(PostKind::parse(kind)?),
        };
        let country = match self.country.trim() {
            "" => None,
            country => Some(CountryCode::parse(country)?),
        };
        Ok(PostFilter {
            kind,
            country,
            limit: POSTS_PER_PAGE,
        })
    }
}

pub async fn posts(
    app: &App,
    actor: &Actor,
    id: NetworkId,
    filter: &PostFilterInput,
) -> AppResult<Vec<NetworkPost>> {
    let filter = filter.parse()?;
    Ok(app
        .store()
        .network_posts(&actor.scope(), id, &filter)
        .await?)
}

pub async fn post(app: &App, actor: &Actor, id: NetworkPostId) -> AppResult<NetworkPost> {
    app.store()
        .network_post(&actor.scope(), id)
        .await?
        .ok_or(AppError::NotFound)
}

/// A post as typed: `countries` are codes; `owner` (an organisation id)
/// and `due` (`YYYY-MM-DD`) only for a joint action.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostInput {
    pub kind: String,
    pub title: String,
    pub body: String,
    #[serde(default)]
    pub countries: Vec<String>,
    #[serde(default)]
    pub owner: String,
    #[serde(default)]
    pub due: String,
}

impl PostInput {
    /// The post, or every error of the input at once.
    pub fn parse(&self) -> AppResult<NewPost> {
        let mut errors = Collect::default();
        let kind = errors.note(PostKind::parse(&self.kind))?;
        errors.note(NewPost::parse_title(&self.title))?;
        errors.note(NewPost::parse_body(&self.body))?;
        let countries = errors.take(
            self.countries
                .iter()
                .filter(|code| !code.trim().is_empty())
                .enumerate()
                .map(|(i, code)| {
                    CountryCode::parse(code).map_err(|error| {
                        AppError::invalid(format!("countries[{i}]"), error.problem)
                    })
                })
                .collect::<AppResult<Vec<_>>>(),
        )?;
        let joint_action = if kind == Some(PostKind::JointAction) {
            let owner = errors.take(
                self.owner
                    .parse::<OrgId>()
                    .map_err(|_| AppError::invalid("owner", Problem::JointActionOwner)),
            )?;
            let due = errors.take(JointAction::parse_due(&self.due).map_err(AppError::from))?;
            match (owner, due) {
                (Some(owner), Some(due)) => Some(Some(JointAction { owner, due })),
                _ => None,
            }
        } else {
            Some(None)
        };
        let (kind, countries, joint_action) =
            errors.done(|| Some((kind?, countries?, joint_action?)))?;
        Ok(NewPost::new(
            kind,
            &self.title,
            &self.body,
            countries,
            joint_action,
        )?)
    }
}

/// Writes a post in a network of the actor's organisation.
pub async fn write_post(
    app: &App,
    actor: &Actor,
    id: NetworkId,
    input: &PostInput,
) -> AppResult<NetworkPost> {
    let view = network(app, actor, id).await?;
    let new = input.parse()?;
    match post_decision(Some(view.role), actor.roles(), new.kind) {
        Ok(()) => {}
        Err(PostRefusal::NotAMember) => return Err(AppError::NotFound),
        Err(PostRefusal::ReadOnly) => return Err(AppError::Forbidden),
        Err(PostRefusal::CoordinatorsOnly) => {
            return Err(AppError::invalid("kind", Problem::PostCoordinatorsOnly));
        }
    }
    app.store()
        .create_network_post(
            &actor.audit(app, "network post"),
            &actor.scope(),
            actor.roles(),
            id,
            &new,
        )
        .await
        .map_err(|error| match error {
            StoreError::Refused { field, problem } => AppError::invalid(field, problem),
            other => other.into(),
        })
}

pub async fn follows(app: &App, actor: &Actor) -> AppResult<Vec<Follow>> {
    Ok(app.store().follows(actor.user()).await?)
}

/// Follows (`on`) or stops following `kind:<kind>` or `country:<code>`.
pub async fn set_follow(app: &App, actor: &Actor, follow: &str, on: bool) -> AppResult<Follow> {
    let follow = Follow::parse(follow)?;
    app.store()
        .set_follow(
            &actor.audit(app, "network follow"),
            actor.user(),
            follow,
            on,
        )
        .await?;
    Ok(follow)
}

/// What an e-mail digest of the actor's follows lists: posts after
/// `since` (RFC 3339) in the organisation's networks, by others, newest
/// first, with the instant read.
pub async fn digest(
    app: &App,
    actor: &Actor,
    since: &str,
) -> AppResult<(Timestamp, Vec<NetworkPost>)> {
    use time::format_description::well_known::Rfc3339;
    let since = time::OffsetDateTime::parse(since.trim(), &Rfc3339)
        .map_err(|_| AppError::invalid("since", Problem::Rfc3339Time))?;
    let since = Timestamp::from_millis(
        i64::try_from(since.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX),
    );
    let posts = app
        .store()
        .followed_posts(&actor.scope(), actor.user(), since, DIGEST_LIMIT)
        .await?;
    Ok((since, posts))
}
