//! Networks of organisations (issue 14): membership, posts by kind and the
//! follows that notify members. A network and its posts exist for its
//! member organisations only: every read takes the reader's `OrgScope` and
//! the backends join the membership in the query, so a non-member gets
//! exactly what a missing network gives.

use crate::{AuditContext, OrgScope, StoreResult};
use async_trait::async_trait;
use retrace_domain::{
    CountryCode, Follow, MemberRole, NetworkId, NetworkName, NetworkPostId, NewPost, OrgId,
    OrgName, PostKind, RoleSet, Text, Timestamp, UserId,
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Network {
    pub id: NetworkId,
    pub name: NetworkName,
    pub description: Text,
    pub created_at: Timestamp,
}

/// A network as one of its members sees it in a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkSummary {
    pub network: Network,
    /// The reader's organisation's place in it.
    pub role: MemberRole,
    pub members: u64,
    pub posts: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkMember {
    pub org: OrgId,
    pub name: OrgName,
    pub country: CountryCode,
    pub role: MemberRole,
}

/// A network with its members, for one of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkView {
    pub network: Network,
    pub role: MemberRole,
    pub members: Vec<NetworkMember>,
}

/// A joint action as stored: the member organisation doing it and by when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredJointAction {
    pub owner: OrgId,
    pub owner_name: OrgName,
    pub due: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkPost {
    pub id: NetworkPostId,
    pub network: NetworkId,
    pub network_name: NetworkName,
    pub org: OrgId,
    pub org_name: OrgName,
    pub author: Option<UserId>,
    pub kind: PostKind,
    pub title: Text,
    pub body: Text,
    pub countries: Vec<CountryCode>,
    pub joint_action: Option<StoredJointAction>,
    pub created_at: Timestamp,
}

/// Which posts of a network to list, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostFilter {
    pub kind: Option<PostKind>,
    pub country: Option<CountryCode>,
    pub limit: u32,
}

/// Who changes a network's membership: a platform operator, or a member of
/// one of its coordinating organisations (checked again in the change's
/// transaction).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NetworkManager {
    Operator,
    Coordinator(OrgScope),
}

/// A post of the demo data, written in bulk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedPost {
    pub network: NetworkId,
    pub org: OrgId,
    pub post: NewPost,
    pub at: Timestamp,
}

#[async_trait]
pub trait NetworkStore: Send + Sync {
    /// Creates a network with its first members; at least one coordinates.
    async fn create_network(
        &self,
        audit: &AuditContext,
        name: &NetworkName,
        description: &Text,
        members: &[(OrgId, MemberRole)],
    ) -> StoreResult<Network>;

    /// Every network, for platform operators (names only, no posts).
    async fn all_networks(&self) -> StoreResult<Vec<Network>>;

    /// The networks the scope's organisation belongs to, by name.
    async fn networks_of(&self, scope: &OrgScope) -> StoreResult<Vec<NetworkSummary>>;

    /// The network with its members, `None` when the scope's organisation
    /// is not one of them.
    async fn network(&self, scope: &OrgScope, id: NetworkId) -> StoreResult<Option<NetworkView>>;

    /// Adds `org`, changes its role, or (`None`) removes it. A network
    /// keeps at least one coordinating organisation.
    async fn set_network_member(
        &self,
        audit: &AuditContext,
        manager: NetworkManager,
        network: NetworkId,
        org: OrgId,
        role: Option<MemberRole>,
    ) -> StoreResult<()>;

    /// Writes a post for the scope's organisation. The membership and the
    /// rule `post_decision` with the writer's `roles` are checked in the
    /// transaction: not a member is `NotFound`, a refusal `Refused`.
    async fn create_network_post(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        roles: &RoleSet,
        network: NetworkId,
        post: &NewPost,
    ) -> StoreResult<NetworkPost>;

    /// The network's posts, newest first; `NotFound` for a non-member.
    async fn network_posts(
        &self,
        scope: &OrgScope,
        network: NetworkId,
        filter: &PostFilter,
    ) -> StoreResult<Vec<NetworkPost>>;

    /// One post, `None` unless the scope's organisation is in its network.
    async fn network_post(
        &self,
        scope: &OrgScope,
        id: NetworkPostId,
    ) -> StoreResult<Option<NetworkPost>>;

    /// What the user follows.
    async fn follows(&self, user: UserId) -> StoreResult<Vec<Follow>>;

    /// Follows (`on`) or stops following. Idempotent; audited when it
    /// changes something.
    async fn set_follow(
        &self,
        audit: &AuditContext,
        user: UserId,
        follow: Follow,
        on: bool,
    ) -> StoreResult<()>;

    /// Posts after `since` in the scope's networks that match one of the
    /// user's follows, written by someone else, newest first: what a
    /// digest of the user's follows lists.
    async fn followed_posts(
        &self,
        scope: &OrgScope,
        user: UserId,
        since: Timestamp,
        limit: u32,
    ) -> StoreResult<Vec<NetworkPost>>;

    /// Demo data: posts written in bulk in one transaction with one audit
    /// entry, the rules not asked (the loader writes what they allow).
    async fn seed_network_posts(
        &self,
        audit: &AuditContext,
        posts: &[SeedPost],
    ) -> StoreResult<u64>;
}
