//! Demo outreach: about 2,100 sessions over the last 18 months by the
//! outreach teams of five demo organisations, so the results dashboard has
//! something to show. Generated from a fixed seed; stored one organisation
//! per transaction (`import_outreach_sessions`) so start-up stays fast.

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use retrace_domain::{
    AgeBand, CountryCode, FollowUpId, FollowUpRequest, LanguageCode, OrgId, OutreachSessionData,
    OutreachSessionId, PlaceKind, ReachedGroup, Referral, Sex, Text, Timestamp, TopicCode, UserId,
};
use retrace_store::{AuditContext, IncomingSession, OrgScope, Store};

/// The outreach worker of a demo organisation, by the organisation's slug.
pub struct Worker {
    pub slug: &'static str,
    pub org: OrgId,
    pub user: UserId,
}

/// A team of an organisation, where it works and how often.
pub struct Team {
    pub name: &'static str,
    pub city: &'static str,
    pub places: &'static [PlaceKind],
    pub sessions_per_week: u32,
}

const DAY: i64 = 86_400_000;
const MONTHS: i64 = 18;

fn teams(slug: &str) -> &'static [Team] {
    use PlaceKind::*;
    match slug {
        "redcross-be" => &[
            Team {
                name: "Brussels North",
                city: "Brussels",
                places: &[Station, Street, Squat],
                sessions_per_week: 5,
            },
            Team {
                name: "Liège mobile team",
                city: "Liège",
                places: &[Station, EmergencyShelter],
                sessions_per_week: 2,
            },
        ],
        "reception-be" => &[
            Team {
                name: "Reach Out Brussels",
                city: "Brussels",
                places: &[EmergencyShelter, Street, Squat],
                sessions_per_week: 5,
            },
            Team {
                name: "Reach Out Flanders",
                city: "Zeebrugge",
                places: &[Street, Station],
                sessions_per_week: 2,
            },
        ],
        "redcross-fr" => &[
            Team {
                name: "Calais",
                city: "Calais",
                places: &[Camp, Street],
                sessions_per_week: 5,
            },
            Team {
                name: "Grande-Synthe",
                city: "Dunkerque",
                places: &[Camp, EmergencyShelter],
                sessions_per_week: 3,
            },
        ],
        "iom-it" => &[Team {
            name: "Ventimiglia border",
            city: "Ventimiglia",
            places: &[Station, Street, DetentionCentre],
            sessions_per_week: 3,
        }],
        "safepassage-gr" => &[Team {
            name: "Lesvos",
            city: "Mytilene",
            places: &[Camp, DetentionCentre],
            sessions_per_week: 3,
        }],
        _ => &[],
    }
}

const NATIONALITIES: [(&str, u32); 10] = [
    ("ER", 18),
    ("SD", 20),
    ("AF", 16),
    ("SY", 12),
    ("SO", 6),
    ("ET", 6),
    ("IQ", 5),
    ("EG", 4),
    ("GN", 4),
    ("unknown", 3),
];
const LANGUAGES: [&str; 8] = ["ar", "ti", "prs", "ps", "en", "fr", "so", "am"];
const FIRST_NAMES: [&str; 8] = [
    "Anne", "Marc", "Sofie", "Karim", "Julie", "Pieter", "Nadia", "Luca",
];
const MEDIATORS: [&str; 6] = ["Yonas", "Hamid", "Amina", "Dawit", "Farid", "Samira"];
const SERVICES: [&str; 5] = [
    "Legal aid desk",
    "Medical clinic (MSF)",
    "Dispatching reception centre",
    "Tracing service (RFL)",
    "Voluntary return counsellor",
];

fn text(value: &str) -> anyhow::Result<Text> {
    Ok(Text::parse("demo", value, 200, false)?)
}

fn weighted<'a>(rng: &mut StdRng, items: &'a [(&'a str, u32)]) -> &'a str {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut pick = rng.gen_range(0..total);
    for (item, weight) in items {
        if pick < *weight {
            return item;
        }
        pick -= weight;
    }
    items.first().map(|(item, _)| *item).unwrap_or("unknown")
}

/// One plausible session of `team` starting `at` (also used by the
/// outreach benchmark).
pub fn session(
    rng: &mut StdRng,
    team: &Team,
    at: Timestamp,
) -> anyhow::Result<OutreachSessionData> {
    let mut reached: Vec<ReachedGroup> = Vec::new();
    for _ in 0..rng.gen_range(1..=6) {
        let sex = if rng.gen_bool(0.82) {
            Sex::Male
        } else {
            Sex::Female
        };
        let age_band = *[
            AgeBand::Under18,
            AgeBand::From18To25,
            AgeBand::From18To25,
            AgeBand::From26To40,
            AgeBand::From26To40,
            AgeBand::From41To60,
            AgeBand::Unknown,
        ]
        .choose(rng)
        .unwrap_or(&AgeBand::Unknown);
        let code = weighted(rng, &NATIONALITIES);
        let nationality = if code == "unknown" {
            None
        } else {
            Some(CountryCode::parse(code)?)
        };
        let count = rng.gen_range(1..=9);
        if let Some(group) = reached
            .iter_mut()
            .find(|g| g.sex == sex && g.age_band == age_band && g.nationality == nationality)
        {
            group.count += count;
        } else {
            reached.push(ReachedGroup {
                sex,
                age_band,
                nationality,
                count,
            });
        }
    }
    let people: u32 = reached.iter().map(|g| g.count).sum();
    let mut topics: Vec<TopicCode> = Vec::new();
    for code in retrace_domain::outreach::BUILTIN_TOPICS {
        if rng.gen_bool(0.4) {
            topics.push(TopicCode::parse(code)?);
        }
    }
    let mut referrals = Vec::new();
    let mut left = people;
    for service in SERVICES {
        if left > 0 && rng.gen_bool(0.3) {
            let count = rng.gen_range(1..=left.min(4));
            left -= count;
            referrals.push(Referral {
                service: text(service)?,
                count,
            });
        }
    }
    let follow_ups = (0..rng.gen_range(0..=people.min(2)))
        .map(|i| {
            Ok(FollowUpRequest {
                id: FollowUpId::random(),
                pseudonym: text(&format!(
                    "{}{} ({})",
                    ["K", "M", "A", "S", "T"][rng.gen_range(0..5)],
                    i + 1,
                    team.city
                ))?,
                consent_to_link: rng.gen_bool(0.5),
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let members = FIRST_NAMES
        .choose_multiple(rng, 2)
        .map(|name| text(name))
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(OutreachSessionData {
        team: text(team.name)?,
        place_kind: *team.places.choose(rng).unwrap_or(&PlaceKind::Street),
        city: text(team.city)?,
        started_at: at,
        duration_minutes: *[90, 120, 150, 180].choose(rng).unwrap_or(&120),
        members,
        mediators: vec![text(MEDIATORS.choose(rng).unwrap_or(&"Yonas"))?],
        languages: LANGUAGES
            .choose_multiple(rng, 2)
            .map(|code| LanguageCode::parse(code))
            .collect::<Result<Vec<_>, _>>()?,
        people_reached: people,
        reached,
        topics,
        referrals,
        follow_ups,
        notes: None,
    })
}

/// Generates and stores the demo sessions; returns how many.
pub async fn load(
    store: &dyn Store,
    workers: &[Worker],
    now: Timestamp,
    seed: u64,
) -> anyhow::Result<u64> {
    let mut rng = StdRng::seed_from_u64(seed);
    let start = now.as_millis() - MONTHS * 30 * DAY;
    let mut stored = 0;
    for worker in workers {
        let mut batch = Vec::new();
        for team in teams(worker.slug) {
            let weeks = MONTHS * 30 / 7;
            for week in 0..weeks {
                for _ in 0..team.sessions_per_week {
                    let day = week * 7 + rng.gen_range(0..7);
                    let at = start + day * DAY + rng.gen_range(8..21) * 3_600_000;
                    if at > now.as_millis() {
                        continue;
                    }
                    batch.push(IncomingSession {
                        id: OutreachSessionId::random(),
                        base_version: 0,
                        data: session(&mut rng, team, Timestamp::from_millis(at))?,
                    });
                }
            }
        }
        let audit = AuditContext {
            at: now,
            actor: Some(worker.user),
            org: Some(worker.org),
            purpose: Some("demo data".to_owned()),
        };
        stored += store
            .import_outreach_sessions(&audit, &OrgScope::new(worker.org), &batch)
            .await?;
    }
    Ok(stored)
}
