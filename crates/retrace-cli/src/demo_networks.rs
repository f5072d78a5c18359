//! Demo networks (issue 14): three regional networks of the demo
//! organisations with 126 posts of every kind over the last year, written
//! in one bulk transaction, and follows for the Belgian caseworker so the
//! notification bell has something to show.

use retrace_domain::{
    CountryCode, Follow, JointAction, MemberRole, NetworkName, NewPost, OrgId, PostKind, Text,
    Timestamp, UserId,
};
use retrace_store::{AuditContext, SeedPost, Store};

const DAY: i64 = 86_400_000;

/// A network: name, description, members by slug (the first coordinates),
/// and the countries its posts are about.
struct DemoNetwork {
    name: &'static str,
    description: &'static str,
    members: &'static [&'static str],
    countries: &'static [&'static str],
}

const NETWORKS: [DemoNetwork; 3] = [
    DemoNetwork {
        name: "European migration network (demo)",
        description: "National Societies and partners along the Central and Eastern Mediterranean and Balkan routes: information on routes, legislation, funding and peer support.",
        members: &[
            "redcross-be",
            "redcross-fr",
            "reception-be",
            "iom-it",
            "safepassage-gr",
            "shelter-al",
        ],
        countries: &["LY", "IT", "GR", "AL", "BE", "FR", "TN", "TR"],
    },
    DemoNetwork {
        name: "Asia Pacific and Middle East migration network (demo)",
        description: "Exchange on movements from and through the Middle East, repatriation and joint tracing actions.",
        members: &["icrc-lb", "redcross-fr", "iom-it"],
        countries: &["LB", "SY", "IQ", "AF", "TR"],
    },
    DemoNetwork {
        name: "Americas and Africa migration group (demo)",
        description: "Routes across the Sahel and the Atlantic, return and reintegration, annual meetings.",
        members: &["nrm-ma", "redcross-fr", "redcross-be"],
        countries: &["MA", "SN", "ML", "NE", "ES"],
    },
];

/// Titles by kind; the body names the country.
fn title(kind: PostKind, i: usize) -> String {
    let titles: &[&str] = match kind {
        PostKind::RouteChange => &[
            "Departures moving along the coast",
            "New crossing point reported",
            "Fewer arrivals by sea this month",
            "Families stranded at the border",
        ],
        PostKind::PolicyChange => &[
            "New reception law adopted",
            "Change to family reunification rules",
            "Data protection authority guidance",
        ],
        PostKind::FundingOpportunity => &[
            "Call for proposals: family links",
            "Small grants for volunteer training",
            "Regional fund for reunification travel",
        ],
        PostKind::PeerSupportRequest => &[
            "Interpreters needed for a tracing campaign",
            "Looking for experience with mass graves identification",
            "Seeking a trainer for RFL data protection",
        ],
        PostKind::Event => &[
            "Webinar: Trace the Face for caseworkers",
            "Regional RFL forum",
            "Training of trainers on tracing",
        ],
        PostKind::MeetingMinutes => &["Annual meeting minutes", "Quarterly call minutes"],
        PostKind::JointAction => &[
            "Joint tracing desk at the port",
            "Shared poster campaign on routes",
            "Common referral procedure",
        ],
    };
    titles[i % titles.len()].to_owned()
}

/// The demo networks, their posts, and two follows of `follower`.
pub async fn load(
    store: &dyn Store,
    orgs: &[(&'static str, OrgId)],
    follower: Option<UserId>,
    now: Timestamp,
) -> anyhow::Result<usize> {
    let audit = AuditContext::system(now, "demo data");
    let mut seeds = Vec::new();
    for (n, network) in NETWORKS.iter().enumerate() {
        let members: Vec<(OrgId, MemberRole)> = network
            .members
            .iter()
            .enumerate()
            .filter_map(|(i, slug)| {
                let org = orgs.iter().find(|(s, _)| s == slug)?.1;
                let role = if i == 0 {
                    MemberRole::Coordinator
                } else {
                    MemberRole::Member
                };
                Some((org, role))
            })
            .collect();
        let Some(&(coordinator, _)) = members.first() else {
            continue;
        };
        let created = store
            .create_network(
                &audit,
                &NetworkName::parse(network.name)?,
                &Text::parse("description", network.description, 4000, true)?,
                &members,
            )
            .await?;
        for i in 0..42 {
            let kind = PostKind::ALL[(i + n) % PostKind::ALL.len()];
            let writer = if kind.coordinators_only() {
                coordinator
            } else {
                members[(i * 7 + n) % members.len()].0
            };
            let country = network.countries[(i * 3 + n) % network.countries.len()];
            let joint_action = if kind == PostKind::JointAction {
                Some(JointAction {
                    owner: members[(i + 1) % members.len()].0,
                    due: JointAction::parse_due(&format!(
                        "2027-{:02}-{:02}",
                        1 + i % 12,
                        1 + i % 28
                    ))?,
                })
            } else {
                None
            };
            let post = NewPost::new(
                kind,
                &title(kind, i),
                &format!(
                    "Shared with the members of the network. Country concerned: {country}.\nContact the writing organisation through the network for details; no personal data is posted here."
                ),
                vec![CountryCode::parse(country)?],
                joint_action,
            )?;
            seeds.push(SeedPost {
                network: created.id,
                org: writer,
                post,
                at: Timestamp::from_millis(now.as_millis() - (i as i64 * 8 + n as i64) * DAY - DAY),
            });
        }
    }
    store.seed_network_posts(&audit, &seeds).await?;
    if let Some(user) = follower {
        for follow in [
            Follow::Country(CountryCode::parse("LY")?),
            Follow::Kind(PostKind::FundingOpportunity),
        ] {
            store.set_follow(&audit, user, follow, true).await?;
        }
    }
    Ok(seeds.len())
}
