//! The conformance behaviours of networks (issue 14), run on every backend
//! through `conformance_tests!`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed expectation is a failed test"
)]

use crate::conformance::{Harness, acting_at, actions, at, org_with_member};
use crate::{
    AuditContext, Network, NetworkManager, NetworkStore, OrgScope, PostFilter, SeedPost, Store,
    StoreError, UserAccount, WorkQueueStore, WorkWindow,
};
use retrace_domain::{
    CountryCode, Follow, JointAction, MemberRole, NetworkName, NewPost, OrgId, PostKind, Role,
    RoleSet, Text, UserId, WorkKind,
};

fn post(kind: PostKind, title: &str, countries: &[&str]) -> NewPost {
    NewPost::new(
        kind,
        title,
        "What changed, and where.",
        countries
            .iter()
            .map(|c| CountryCode::parse(c).unwrap())
            .collect(),
        None,
    )
    .unwrap()
}

fn all(limit: u32) -> PostFilter {
    PostFilter {
        kind: None,
        country: None,
        limit,
    }
}

async fn network<S: Store>(store: &S, name: &str, members: &[(OrgId, MemberRole)]) -> Network {
    store
        .create_network(
            &AuditContext::system(at(0), "conformance test"),
            &NetworkName::parse(name).unwrap(),
            &Text::parse("description", "Migration network", 4000, true).unwrap(),
            members,
        )
        .await
        .unwrap()
}

fn caseworker() -> RoleSet {
    RoleSet::single(Role::Caseworker)
}

pub async fn networks_and_their_posts_exist_for_members_only<H: Harness>(h: &H) {
    let store = h.store();
    let (a, user_a) = org_with_member(store, "Org A", "IT", "u@a.org").await;
    let (b, _) = org_with_member(store, "Org B", "GR", "u@b.org").await;
    let (c, _) = org_with_member(store, "Org C", "MX", "u@c.org").await;
    let (scope_a, scope_b, scope_c) = (
        OrgScope::new(a.id),
        OrgScope::new(b.id),
        OrgScope::new(c.id),
    );
    let n = network(
        store,
        "Mediterranean network",
        &[(a.id, MemberRole::Coordinator), (b.id, MemberRole::Member)],
    )
    .await;
    assert!(
        actions(store, a.id).await.is_empty(),
        "created by the system"
    );

    let listed = store.networks_of(&scope_b).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (listed[0].role, listed[0].members, listed[0].posts),
        (MemberRole::Member, 2, 0)
    );
    assert!(store.networks_of(&scope_c).await.unwrap().is_empty());
    let view = store.network(&scope_a, n.id).await.unwrap().unwrap();
    assert_eq!(view.role, MemberRole::Coordinator);
    assert_eq!(view.members.len(), 2);
    assert_eq!(store.network(&scope_c, n.id).await.unwrap(), None);

    let written = store
        .create_network_post(
            &acting_at(&user_a, at(10)),
            &scope_a,
            &caseworker(),
            n.id,
            &post(PostKind::RouteChange, "Crossings moved east", &["LY", "IT"]),
        )
        .await
        .unwrap();
    assert_eq!(written.org_name.as_str(), "Org A");
    assert_eq!(written.network_name.as_str(), "Mediterranean network");
    assert_eq!(written.author, Some(user_a.id));
    assert_eq!(
        written
            .countries
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>(),
        ["IT", "LY"]
    );
    assert_eq!(
        actions(store, a.id).await.last().map(String::as_str),
        Some("network_post_created")
    );
    assert_eq!(
        store.network_post(&scope_b, written.id).await.unwrap(),
        Some(written.clone())
    );
    // The non-member sees nothing, on every read.
    assert_eq!(
        store.network_post(&scope_c, written.id).await.unwrap(),
        None
    );
    assert!(matches!(
        store.network_posts(&scope_c, n.id, &all(10)).await,
        Err(StoreError::NotFound)
    ));
    assert!(
        store
            .followed_posts(&scope_c, user_a.id, at(0), 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(store.networks_of(&scope_a).await.unwrap()[0].posts, 1);
}

pub async fn network_posts_follow_the_posting_rules_and_filters<H: Harness>(h: &H) {
    let store = h.store();
    let (a, user_a) = org_with_member(store, "Org A", "IT", "u@a.org").await;
    let (b, user_b) = org_with_member(store, "Org B", "GR", "u@b.org").await;
    let (c, user_c) = org_with_member(store, "Org C", "MX", "u@c.org").await;
    let n = network(
        store,
        "Mediterranean network",
        &[(a.id, MemberRole::Coordinator), (b.id, MemberRole::Member)],
    )
    .await;
    let scope_b = OrgScope::new(b.id);
    let scope_c = OrgScope::new(c.id);
    let write = |user: &UserAccount, scope: &OrgScope, roles: RoleSet, new: NewPost| {
        let audit = acting_at(user, at(20));
        let scope = *scope;
        async move {
            store
                .create_network_post(&audit, &scope, &roles, n.id, &new)
                .await
        }
    };
    // Not a member: as if the network did not exist.
    assert!(matches!(
        write(
            &user_c,
            &scope_c,
            caseworker(),
            post(PostKind::Event, "x", &[])
        )
        .await,
        Err(StoreError::NotFound)
    ));
    // A viewer reads only; minutes are the coordinators'.
    assert!(matches!(
        write(
            &user_b,
            &scope_b,
            RoleSet::single(Role::Viewer),
            post(PostKind::Event, "x", &[])
        )
        .await,
        Err(StoreError::Refused { field: "kind", .. })
    ));
    assert!(matches!(
        write(
            &user_b,
            &scope_b,
            caseworker(),
            post(PostKind::MeetingMinutes, "Minutes", &[])
        )
        .await,
        Err(StoreError::Refused { field: "kind", .. })
    ));
    // A joint action's owner must be a member.
    let action = |owner| {
        NewPost::new(
            PostKind::JointAction,
            "Joint tracing desk",
            "Who does what by when",
            vec![],
            Some(JointAction {
                owner,
                due: JointAction::parse_due("2027-03-31").unwrap(),
            }),
        )
        .unwrap()
    };
    let scope_a = OrgScope::new(a.id);
    assert!(matches!(
        write(&user_a, &scope_a, caseworker(), action(c.id)).await,
        Err(StoreError::Refused { field: "owner", .. })
    ));
    let joint = write(&user_a, &scope_a, caseworker(), action(b.id))
        .await
        .unwrap();
    let stored = joint.joint_action.unwrap();
    assert_eq!((stored.owner, stored.due.as_str()), (b.id, "2027-03-31"));
    assert_eq!(stored.owner_name.as_str(), "Org B");

    write(
        &user_b,
        &scope_b,
        caseworker(),
        post(PostKind::FundingOpportunity, "Call for proposals", &["GR"]),
    )
    .await
    .unwrap();
    let filtered = |kind: Option<PostKind>, country: Option<&str>| {
        let filter = PostFilter {
            kind,
            country: country.map(|c| CountryCode::parse(c).unwrap()),
            limit: 10,
        };
        async move { store.network_posts(&scope_a, n.id, &filter).await.unwrap() }
    };
    assert_eq!(filtered(None, None).await.len(), 2);
    assert_eq!(
        filtered(Some(PostKind::FundingOpportunity), None)
            .await
            .len(),
        1
    );
    assert_eq!(filtered(None, Some("GR")).await.len(), 1);
    assert_eq!(filtered(None, Some("LY")).await.len(), 0);
    assert_eq!(
        filtered(Some(PostKind::JointAction), Some("GR"))
            .await
            .len(),
        0
    );
}

pub async fn network_membership_is_changed_by_coordinators_and_read_live<H: Harness>(h: &H) {
    let store = h.store();
    let (a, user_a) = org_with_member(store, "Org A", "IT", "u@a.org").await;
    let (b, user_b) = org_with_member(store, "Org B", "GR", "u@b.org").await;
    let (c, _) = org_with_member(store, "Org C", "MX", "u@c.org").await;
    let n = network(
        store,
        "Mediterranean network",
        &[(a.id, MemberRole::Coordinator), (b.id, MemberRole::Member)],
    )
    .await;
    let (scope_a, scope_b, scope_c) = (
        OrgScope::new(a.id),
        OrgScope::new(b.id),
        OrgScope::new(c.id),
    );
    let set =
        |user: &UserAccount, manager: NetworkManager, org: OrgId, role: Option<MemberRole>| {
            let audit = acting_at(user, at(30));
            async move {
                store
                    .set_network_member(&audit, manager, n.id, org, role)
                    .await
            }
        };
    // A plain member may not add anyone; an outsider's attempt finds nothing.
    assert!(matches!(
        set(
            &user_b,
            NetworkManager::Coordinator(scope_b),
            c.id,
            Some(MemberRole::Member)
        )
        .await,
        Err(StoreError::Refused { .. })
    ));
    assert!(matches!(
        set(
            &user_b,
            NetworkManager::Coordinator(scope_c),
            c.id,
            Some(MemberRole::Member)
        )
        .await,
        Err(StoreError::NotFound)
    ));
    set(
        &user_a,
        NetworkManager::Coordinator(scope_a),
        c.id,
        Some(MemberRole::Member),
    )
    .await
    .unwrap();
    assert_eq!(store.networks_of(&scope_c).await.unwrap().len(), 1);
    assert_eq!(
        actions(store, a.id).await.last().map(String::as_str),
        Some("network_member_changed")
    );
    // The last coordinating organisation cannot leave or step down.
    assert!(matches!(
        set(&user_a, NetworkManager::Coordinator(scope_a), a.id, None).await,
        Err(StoreError::Refused { field: "org", .. })
    ));
    assert_eq!(
        store
            .network(&scope_a, n.id)
            .await
            .unwrap()
            .unwrap()
            .members
            .len(),
        3
    );

    // B posts, then leaves: it no longer sees its own network's posts.
    let written = store
        .create_network_post(
            &acting_at(&user_b, at(40)),
            &scope_b,
            &caseworker(),
            n.id,
            &post(PostKind::PeerSupportRequest, "Interpreters wanted", &[]),
        )
        .await
        .unwrap();
    set(&user_a, NetworkManager::Operator, b.id, None)
        .await
        .unwrap();
    assert_eq!(
        store.network_post(&scope_b, written.id).await.unwrap(),
        None
    );
    assert!(store.networks_of(&scope_b).await.unwrap().is_empty());
    assert!(
        store
            .network_post(&scope_a, written.id)
            .await
            .unwrap()
            .is_some()
    );
}

pub async fn followed_posts_reach_the_work_queue_of_members_only<H: Harness>(h: &H) {
    let store = h.store();
    let (a, user_a) = org_with_member(store, "Org A", "IT", "u@a.org").await;
    let (b, user_b) = org_with_member(store, "Org B", "GR", "u@b.org").await;
    let n = network(
        store,
        "Mediterranean network",
        &[(a.id, MemberRole::Coordinator), (b.id, MemberRole::Member)],
    )
    .await;
    let (scope_a, scope_b) = (OrgScope::new(a.id), OrgScope::new(b.id));
    let ly = Follow::Country(CountryCode::parse("LY").unwrap());
    let funding = Follow::Kind(PostKind::FundingOpportunity);
    for follow in [ly, funding, ly] {
        store
            .set_follow(&acting_at(&user_b, at(1)), user_b.id, follow, true)
            .await
            .unwrap();
    }
    assert_eq!(store.follows(user_b.id).await.unwrap(), vec![ly, funding]);
    assert_eq!(
        actions(store, b.id)
            .await
            .iter()
            .filter(|a| *a == "network_follow_changed")
            .count(),
        2,
        "following twice changes nothing"
    );
    let queue = |scope: &OrgScope, user: UserId| {
        let scope = *scope;
        async move {
            let window = WorkWindow {
                now: at(1000),
                user,
            };
            let mut buckets = store
                .work_queue(&scope, &[WorkKind::NetworkPost], window, None, 10)
                .await
                .unwrap();
            buckets.remove(0)
        }
    };
    for (title, kind, countries) in [
        (
            "Boats leave from Zuwara",
            PostKind::RouteChange,
            &["LY"][..],
        ),
        ("Summer camp", PostKind::Event, &["IT"][..]),
        ("Fund for tracing", PostKind::FundingOpportunity, &[][..]),
    ] {
        store
            .create_network_post(
                &acting_at(&user_a, at(100)),
                &scope_a,
                &caseworker(),
                n.id,
                &post(kind, title, countries),
            )
            .await
            .unwrap();
    }
    // B's own post on Libya is not a notification for B.
    store
        .create_network_post(
            &acting_at(&user_b, at(100)),
            &scope_b,
            &caseworker(),
            n.id,
            &post(PostKind::RouteChange, "Our own news", &["LY"]),
        )
        .await
        .unwrap();
    let bucket = queue(&scope_b, user_b.id).await;
    assert_eq!((bucket.count, bucket.unread), (2, 2));
    let digest = store
        .followed_posts(&scope_b, user_b.id, at(50), 10)
        .await
        .unwrap();
    assert_eq!(digest.len(), 2);
    assert!(
        store
            .followed_posts(&scope_b, user_b.id, at(100), 10)
            .await
            .unwrap()
            .is_empty(),
        "nothing after the last post"
    );
    // A follows nothing: no notifications.
    assert_eq!(queue(&scope_a, user_a.id).await.count, 0);
    // Unfollowing and leaving the network both empty B's queue.
    store
        .set_follow(&acting_at(&user_b, at(2)), user_b.id, funding, false)
        .await
        .unwrap();
    assert_eq!(queue(&scope_b, user_b.id).await.count, 1);
    store
        .set_network_member(
            &acting_at(&user_a, at(200)),
            NetworkManager::Operator,
            n.id,
            b.id,
            None,
        )
        .await
        .unwrap();
    assert_eq!(queue(&scope_b, user_b.id).await.count, 0);
}

pub async fn seeded_network_posts_are_written_in_bulk<H: Harness>(h: &H) {
    let store = h.store();
    let (a, _) = org_with_member(store, "Org A", "IT", "u@a.org").await;
    let n = network(store, "Americas group", &[(a.id, MemberRole::Coordinator)]).await;
    let seeds: Vec<SeedPost> = (0..700)
        .map(|i| SeedPost {
            network: n.id,
            org: a.id,
            post: post(PostKind::Event, &format!("Event {i}"), &["MX", "GT"]),
            at: at(i),
        })
        .collect();
    let audit = AuditContext::system(at(0), "demo");
    assert_eq!(store.seed_network_posts(&audit, &seeds).await.unwrap(), 700);
    let scope = OrgScope::new(a.id);
    let posts = store.network_posts(&scope, n.id, &all(1000)).await.unwrap();
    assert_eq!(posts.len(), 700);
    assert_eq!(posts[0].title.as_str(), "Event 699");
    let guatemala = PostFilter {
        country: Some(CountryCode::parse("GT").unwrap()),
        ..all(1000)
    };
    assert_eq!(
        store
            .network_posts(&scope, n.id, &guatemala)
            .await
            .unwrap()
            .len(),
        700
    );
}
