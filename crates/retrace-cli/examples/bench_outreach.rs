//! Outreach at scale on SQLite or PostgreSQL (issue 13): bulk-loads generated sessions
//! (six organisations, thirteen teams, every kind of place, ten
//! nationalities, over the last two years; the demo's generator) up to
//! the asked number, then measures what the pages do, with the same app
//! functions:
//!
//! (a) the organisation's dashboard for the last year
//!     (`outreach::dashboard` and the count of open conflicts, as
//!     GET /outreach), without a filter, by team, by place and by
//!     nationality, for the largest organisation; and for all time;
//! (b) the coordinator's country view for the last year
//!     (`outreach::country_dashboard`, GET /outreach/country);
//! (c) a sync of 200 sessions queued on a phone (`outreach::sync_sessions`,
//!     POST /outreach/sync) on a store that waits for the disk at each
//!     commit, as `retrace serve` does; then the same 200 again (a retry).
//!
//! ```sh
//! cargo run --release -p retrace-cli --example bench_outreach -- [SESSIONS] [ITERATIONS] [DIR] [LOAD_SECONDS]
//! ```
//!
//! The database goes to a temporary directory (or DIR, kept, and reused:
//! days that already hold sessions are not loaded again). With DIR a
//! `postgres://` URL, the benchmark runs on that (existing, empty or
//! earlier-loaded) PostgreSQL database instead. SESSIONS/730 a day are
//! loaded newest day first, each organisation's sessions of ten days in
//! one bulk transaction (`import_outreach_sessions`); LOAD_SECONDS cuts
//! the load short. Figures go to BENCHMARKS.md.

#[allow(dead_code, reason = "the benchmark uses the generator, not the loader")]
#[path = "../src/demo_outreach.rs"]
mod demo_outreach;

use anyhow::Context;
use demo_outreach::Team;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use retrace_app::outreach::{self as app_outreach, FilterInput};
use retrace_app::secrets::SecretKey;
use retrace_app::{Actor, App};
use retrace_domain::{
    Clock, CountryCode, DisplayName, Email, OrgKind, OrgName, OutreachSessionData,
    OutreachSessionId, PlaceKind, Role, RoleSet, SystemClock, Timestamp,
};
use retrace_store::{
    AuditContext, IncomingSession, Membership, NewOrganisation, NewUser, OrgScope, OutreachFilter,
    Store,
};
use std::sync::Arc;
use std::time::{Duration, Instant};

const DAY: i64 = 86_400_000;
const DAYS: i64 = 730;
/// Days of one organisation's sessions loaded in one transaction.
const DAYS_PER_LOAD: i64 = 10;

/// The benchmark's database: a SQLite file, or a PostgreSQL database.
#[derive(Clone)]
enum Backend {
    Sqlite(String),
    Postgres(String),
}

/// An open store of either backend, closed at the end.
enum Opened {
    Sqlite(Arc<retrace_store_sqlite::SqliteStore>),
    Postgres(Arc<retrace_store_postgres::PostgresStore>),
}

impl Opened {
    /// Opens and migrates; `bulk`: on SQLite, commits that do not wait
    /// for the disk (PostgreSQL has one kind of store).
    async fn open(backend: &Backend, bulk: bool) -> anyhow::Result<Self> {
        let opened = match backend {
            Backend::Sqlite(url) if bulk => Self::Sqlite(Arc::new(
                retrace_store_sqlite::open_for_bulk_load(url).await?,
            )),
            Backend::Sqlite(url) => Self::Sqlite(Arc::new(retrace_store_sqlite::open(url).await?)),
            Backend::Postgres(url) => {
                Self::Postgres(Arc::new(retrace_store_postgres::open(url).await?))
            }
        };
        match &opened {
            Self::Sqlite(store) => store.migrate().await?,
            Self::Postgres(store) => store.migrate().await?,
        }
        Ok(opened)
    }

    fn shared(&self) -> Arc<dyn Store> {
        match self {
            Self::Sqlite(store) => store.clone(),
            Self::Postgres(store) => store.clone(),
        }
    }

    async fn close(&self) {
        match self {
            Self::Sqlite(store) => store.close().await,
            Self::Postgres(store) => store.close().await,
        }
    }
}

/// An organisation of the benchmark: its teams, and its share of the
/// sessions in tenths of a percent (the teams share it by their
/// `sessions_per_week`).
struct BenchOrg {
    name: &'static str,
    slug: &'static str,
    kind: OrgKind,
    country: &'static str,
    share: u32,
    teams: &'static [Team],
}

const ORGS: [BenchOrg; 6] = {
    use PlaceKind::*;
    [
        BenchOrg {
            name: "Reception agency (bench)",
            slug: "reception-be",
            kind: OrgKind::GovernmentAgency,
            country: "BE",
            share: 350,
            teams: &[
                Team {
                    name: "Reach Out Brussels",
                    city: "Brussels",
                    places: &[EmergencyShelter, Street, Squat, Station],
                    sessions_per_week: 5,
                },
                Team {
                    name: "Reach Out Flanders",
                    city: "Zeebrugge",
                    places: &[Street, Station],
                    sessions_per_week: 3,
                },
                Team {
                    name: "Reach Out Wallonia",
                    city: "Charleroi",
                    places: &[Station, EmergencyShelter, Squat],
                    sessions_per_week: 2,
                },
            ],
        },
        BenchOrg {
            name: "Belgian Red Cross (bench)",
            slug: "redcross-be",
            kind: OrgKind::NationalSociety,
            country: "BE",
            share: 150,
            teams: &[
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
        },
        BenchOrg {
            name: "French Red Cross (bench)",
            slug: "redcross-fr",
            kind: OrgKind::NationalSociety,
            country: "FR",
            share: 200,
            teams: &[
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
                Team {
                    name: "Paris nord",
                    city: "Paris",
                    places: &[Street, Station, Squat],
                    sessions_per_week: 4,
                },
            ],
        },
        BenchOrg {
            name: "IOM Italy (bench)",
            slug: "iom-it",
            kind: OrgKind::Iom,
            country: "IT",
            share: 120,
            teams: &[
                Team {
                    name: "Ventimiglia border",
                    city: "Ventimiglia",
                    places: &[Station, Street, DetentionCentre],
                    sessions_per_week: 3,
                },
                Team {
                    name: "Milano Centrale",
                    city: "Milano",
                    places: &[Station, Street],
                    sessions_per_week: 3,
                },
            ],
        },
        BenchOrg {
            name: "Safe Passage (bench)",
            slug: "safepassage-gr",
            kind: OrgKind::Ngo,
            country: "GR",
            share: 100,
            teams: &[
                Team {
                    name: "Lesvos",
                    city: "Mytilene",
                    places: &[Camp, DetentionCentre],
                    sessions_per_week: 3,
                },
                Team {
                    name: "Athens",
                    city: "Athens",
                    places: &[Squat, Street, EmergencyShelter],
                    sessions_per_week: 2,
                },
            ],
        },
        BenchOrg {
            name: "Greek Red Cross (bench)",
            slug: "redcross-gr",
            kind: OrgKind::NationalSociety,
            country: "GR",
            share: 80,
            teams: &[Team {
                name: "Evros",
                city: "Alexandroupoli",
                places: &[DetentionCentre, Camp, Street],
                sessions_per_week: 3,
            }],
        },
    ]
};

struct Loaded {
    org: retrace_domain::OrgId,
    actor: Actor,
    coordinator: Actor,
}

fn main() -> anyhow::Result<()> {
    // Field encryption at rest (ADR 0017): a fixed key, so that a kept
    // database directory can be reused.
    retrace_store::crypto::install(
        retrace_store::crypto::Keyring::derived(&retrace_store::crypto::SecretKey::from_bytes(
            [7; 32],
        )),
        None,
    );
    let mut args = std::env::args().skip(1);
    let sessions: u64 = args
        .next()
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(1_000_000);
    let iterations: usize = args.next().map(|a| a.parse()).transpose()?.unwrap_or(200);
    let dir = args.next().map(std::path::PathBuf::from);
    let load_seconds: u64 = args
        .next()
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(u64::MAX);
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(run(sessions, iterations, dir, load_seconds))
}

fn report(label: &str, samples: &mut [Duration]) {
    samples.sort();
    let at = |q: f64| -> f64 {
        let index = ((samples.len() as f64 - 1.0) * q).round() as usize;
        samples
            .get(index)
            .map(|d| d.as_secs_f64() * 1000.0)
            .unwrap_or_default()
    };
    println!(
        "{label:<48} n={:<4} p50 {:>8.2} ms  p95 {:>8.2} ms  p99 {:>8.2} ms  max {:>8.2} ms",
        samples.len(),
        at(0.5),
        at(0.95),
        at(0.99),
        at(1.0)
    );
}

async fn user(
    store: &dyn Store,
    audit: &AuditContext,
    email: &str,
    org: retrace_domain::OrgId,
    role: Role,
) -> anyhow::Result<Actor> {
    let email = Email::parse(email)?;
    let roles = RoleSet::single(role);
    let account = match store.user_by_email(&email).await? {
        Some(account) => account,
        None => {
            store
                .create_user(
                    audit,
                    &NewUser {
                        email,
                        display_name: DisplayName::parse("Bench user")?,
                        membership: Membership::Member {
                            org,
                            roles: roles.clone(),
                        },
                        password_hash: "not-a-hash".to_owned(),
                    },
                )
                .await?
        }
    };
    Ok(Actor::new(account.id, org, roles))
}

async fn setup_orgs(store: &dyn Store, now: Timestamp) -> anyhow::Result<Vec<Loaded>> {
    let existing = store.organisations().await?;
    let audit = AuditContext::system(now, "benchmark");
    let mut orgs = Vec::new();
    for spec in &ORGS {
        let org = match existing.iter().find(|o| o.name.as_str() == spec.name) {
            Some(org) => org.clone(),
            None => {
                store
                    .create_organisation(
                        &audit,
                        &NewOrganisation {
                            name: OrgName::parse(spec.name)?,
                            kind: spec.kind,
                            country: CountryCode::parse(spec.country)?,
                        },
                    )
                    .await?
            }
        };
        let actor = user(
            store,
            &audit,
            &format!("outreach@{}.bench", spec.slug),
            org.id,
            Role::OutreachWorker,
        )
        .await?;
        let coordinator = user(
            store,
            &audit,
            &format!("coordinator@{}.bench", spec.slug),
            org.id,
            Role::Coordinator,
        )
        .await?;
        orgs.push(Loaded {
            org: org.id,
            actor,
            coordinator,
        });
    }
    Ok(orgs)
}

async fn count_sessions(store: &dyn Store, orgs: &[Loaded]) -> anyhow::Result<u64> {
    let mut total = 0;
    for org in orgs {
        total += store
            .outreach_stats(
                &retrace_store::StatsScope::Organisation(OrgScope::new(org.org)),
                &OutreachFilter::default(),
            )
            .await?
            .sessions;
    }
    Ok(total)
}

/// The session as a phone sends it (`SessionInput` as JSON).
fn as_input(id: OutreachSessionId, data: &OutreachSessionData) -> serde_json::Value {
    let started = data.started_at.to_offset_date_time();
    serde_json::json!({
        "id": id.to_string(),
        "base_version": 0,
        "team": data.team.as_str(),
        "place_kind": data.place_kind.as_str(),
        "city": data.city.as_str(),
        "started_at": format!("{}T{:02}:{:02}:00Z", started.date(), started.hour(), started.minute()),
        "duration_minutes": data.duration_minutes,
        "members": data.members.iter().map(|m| m.as_str()).collect::<Vec<_>>(),
        "mediators": data.mediators.iter().map(|m| m.as_str()).collect::<Vec<_>>(),
        "languages": data.languages.iter().map(|l| l.as_str()).collect::<Vec<_>>(),
        "people_reached": data.people_reached,
        "reached": data.reached.iter().map(|g| serde_json::json!({
            "sex": g.sex.as_str(),
            "age_band": g.age_band.as_str(),
            "nationality": g.nationality.map(|c| c.as_str().to_owned()).unwrap_or_default(),
            "count": g.count,
        })).collect::<Vec<_>>(),
        "topics": data.topics.iter().map(|t| t.as_str()).collect::<Vec<_>>(),
        "referrals": data.referrals.iter().map(|r| serde_json::json!({
            "service": r.service.as_str(),
            "count": r.count,
        })).collect::<Vec<_>>(),
        "follow_ups": data.follow_ups.iter().map(|f| serde_json::json!({
            "id": f.id.to_string(),
            "pseudonym": f.pseudonym.as_str(),
            "consent_to_link": f.consent_to_link,
        })).collect::<Vec<_>>(),
        "notes": "",
    })
}

fn date(at: i64) -> String {
    Timestamp::from_millis(at)
        .to_offset_date_time()
        .date()
        .to_string()
}

async fn run(
    sessions: u64,
    iterations: usize,
    dir: Option<std::path::PathBuf>,
    load_seconds: u64,
) -> anyhow::Result<()> {
    let temp = tempfile::tempdir()?;
    let dir = dir.unwrap_or_else(|| temp.path().to_path_buf());
    std::fs::create_dir_all(&dir)?;
    let backend = match std::env::args().nth(3) {
        Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
            Backend::Postgres(url)
        }
        _ => Backend::Sqlite(format!("sqlite://{}", dir.join("bench.db").display())),
    };
    let now = SystemClock.now();
    let mut rng = StdRng::seed_from_u64(13);

    // Load: one transaction per organisation and ten days.
    let started = Instant::now();
    let opened = Opened::open(&backend, true).await?;
    let bulk = opened.shared();
    let bulk = bulk.as_ref();
    println!("migrate: {:.1} s", started.elapsed().as_secs_f64());
    let orgs = setup_orgs(bulk, now).await?;
    let already = count_sessions(bulk, &orgs).await?;
    let started = Instant::now();
    let mut loaded = 0u64;
    // Newest day first, so that a load cut short by LOAD_SECONDS still
    // has the last year at full density; a day that already holds
    // sessions (an earlier run) is skipped.
    let per_day = sessions as f64 / DAYS as f64;
    let first = now.as_millis() - DAYS * DAY;
    let largest = orgs.first().context("organisations")?;
    let mut last_report = 0;
    for chunk in (0..(DAYS + DAYS_PER_LOAD - 1) / DAYS_PER_LOAD).rev() {
        if started.elapsed().as_secs() >= load_seconds {
            println!("  load stopped after {load_seconds} s");
            break;
        }
        let mut days = Vec::new();
        for day in (chunk * DAYS_PER_LOAD..((chunk + 1) * DAYS_PER_LOAD).min(DAYS)).rev() {
            let present = bulk
                .outreach_sessions(
                    &OrgScope::new(largest.org),
                    &OutreachFilter {
                        from: Some(Timestamp::from_millis(first + day * DAY)),
                        to: Some(Timestamp::from_millis(first + (day + 1) * DAY)),
                        ..OutreachFilter::default()
                    },
                    1,
                )
                .await?;
            if present.is_empty() {
                days.push(day);
            }
        }
        for (spec, org) in ORGS.iter().zip(&orgs) {
            let weeks: u32 = spec.teams.iter().map(|t| t.sessions_per_week).sum();
            let mut batch = Vec::new();
            for (&day, team) in days
                .iter()
                .flat_map(|d| spec.teams.iter().map(move |t| (d, t)))
            {
                let expected = per_day * f64::from(spec.share) / 1000.0
                    * f64::from(team.sessions_per_week)
                    / f64::from(weeks);
                let count = expected.floor() as u64 + u64::from(rng.gen_bool(expected.fract()));
                for _ in 0..count {
                    let at = first
                        + day * DAY
                        + rng.gen_range(7..22) * 3_600_000
                        + rng.gen_range(0..60) * 60_000;
                    if at > now.as_millis() {
                        continue;
                    }
                    batch.push(IncomingSession {
                        id: OutreachSessionId::random(),
                        base_version: 0,
                        data: demo_outreach::session(&mut rng, team, Timestamp::from_millis(at))?,
                    });
                }
            }
            let audit = AuditContext {
                at: now,
                actor: Some(org.actor.user()),
                org: Some(org.org),
                purpose: Some("benchmark data".to_owned()),
            };
            loaded += bulk
                .import_outreach_sessions(&audit, &OrgScope::new(org.org), &batch)
                .await?;
        }
        if loaded >= last_report + 100_000 {
            last_report = loaded;
            println!(
                "  loaded {loaded} sessions (down to day {}) in {:.0} s",
                chunk * DAYS_PER_LOAD,
                started.elapsed().as_secs_f64()
            );
        }
    }
    let load_time = started.elapsed();
    println!(
        "load: {loaded} new sessions ({already} already there) in {:.1} s ({:.0} sessions/s)",
        load_time.as_secs_f64(),
        loaded as f64 / load_time.as_secs_f64().max(0.001)
    );
    opened.close().await;

    // Serve-like store: every commit waits for the disk.
    let opened = Opened::open(&backend, false).await?;
    let store = opened.shared();
    let app = App::new(
        store.clone(),
        Arc::new(SystemClock),
        dir.join("media"),
        &SecretKey::from_bytes([7; 32]),
    );
    let per_org = {
        let mut counts = Vec::new();
        for org in &orgs {
            counts.push(count_sessions(store.as_ref(), std::slice::from_ref(org)).await?);
        }
        counts
    };
    println!(
        "sessions by organisation: {per_org:?} (total {})",
        per_org.iter().sum::<u64>()
    );

    let biggest = orgs.first().context("organisations")?;
    let year = FilterInput {
        from: date(now.as_millis() - 365 * DAY),
        to: date(now.as_millis()),
        ..FilterInput::default()
    };
    let filters = [
        ("(a) org dashboard, a year", year.clone()),
        (
            "(a) org dashboard, a year, one team",
            FilterInput {
                team: "Reach Out Brussels".into(),
                ..year.clone()
            },
        ),
        (
            "(a) org dashboard, a year, one place kind",
            FilterInput {
                place_kind: "station".into(),
                ..year.clone()
            },
        ),
        (
            "(a) org dashboard, a year, one nationality",
            FilterInput {
                nationality: "ER".into(),
                ..year.clone()
            },
        ),
        (
            "(a) org dashboard, a year, team+place+nat.",
            FilterInput {
                team: "Reach Out Brussels".into(),
                place_kind: "street".into(),
                nationality: "SD".into(),
                ..year.clone()
            },
        ),
        (
            "(a) org dashboard, all time (no filter)",
            FilterInput::default(),
        ),
    ];
    for (label, filter) in &filters {
        let mut samples = Vec::with_capacity(iterations);
        let mut shown = 0;
        for _ in 0..iterations {
            let started = Instant::now();
            let board = app_outreach::dashboard(&app, &biggest.actor, filter).await?;
            let conflicts = store
                .outreach_conflicts(&OrgScope::new(biggest.org))
                .await?;
            samples.push(started.elapsed());
            shown = board.sessions.0.unwrap_or_default() + conflicts.len() as u64;
        }
        report(label, &mut samples);
        println!("    {shown} sessions counted");
    }
    for (label, filter) in [
        ("(b) country view (BE), a year", year.clone()),
        (
            "(b) country view (BE), a year, one nationality",
            FilterInput {
                nationality: "AF".into(),
                ..year.clone()
            },
        ),
    ] {
        let mut samples = Vec::with_capacity(iterations);
        let mut shown = None;
        for _ in 0..iterations {
            let started = Instant::now();
            let (_, board) =
                app_outreach::country_dashboard(&app, &biggest.coordinator, &filter).await?;
            samples.push(started.elapsed());
            shown = board.sessions.0;
        }
        report(label, &mut samples);
        println!("    {shown:?} sessions counted");
    }

    // (c) Sync of 200 queued sessions: new ones, then the same again.
    let mut new = Vec::new();
    let mut retry = Vec::new();
    let team = ORGS
        .first()
        .and_then(|o| o.teams.first())
        .context("a team")?;
    for _ in 0..7 {
        let items = (0..200)
            .map(|i| {
                let at = now.as_millis() - DAY + i * 60_000;
                let data = demo_outreach::session(&mut rng, team, Timestamp::from_millis(at))?;
                Ok(as_input(OutreachSessionId::random(), &data))
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        let started = Instant::now();
        let results = app_outreach::sync_sessions(&app, &biggest.actor, items.clone()).await?;
        new.push(started.elapsed());
        let stored = results.iter().filter(|r| r.status == "stored").count();
        anyhow::ensure!(
            stored == 200,
            "only {stored} of 200 stored: {:?}",
            results.first()
        );
        let started = Instant::now();
        let results = app_outreach::sync_sessions(&app, &biggest.actor, items).await?;
        retry.push(started.elapsed());
        let again = results
            .iter()
            .filter(|r| r.status == "already_applied")
            .count();
        anyhow::ensure!(again == 200, "only {again} of 200 recognised");
    }
    // The way sync worked before: one transaction (one wait for the
    // disk) per session.
    let mut one_by_one = Vec::new();
    for _ in 0..3 {
        let items = (0..200)
            .map(|i| {
                let at = now.as_millis() - DAY + i * 60_000;
                let data = demo_outreach::session(&mut rng, team, Timestamp::from_millis(at))?;
                let input: app_outreach::SessionInput =
                    serde_json::from_value(as_input(OutreachSessionId::random(), &data))?;
                Ok(input)
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        let started = Instant::now();
        for input in &items {
            app_outreach::record_session(&app, &biggest.actor, input).await?;
        }
        one_by_one.push(started.elapsed());
    }
    report("(c) 200 sessions, one transaction each", &mut one_by_one);
    report("(c) sync of 200 new sessions", &mut new);
    report("(c) the same 200 again (a retry)", &mut retry);
    opened.close().await;
    Ok(())
}
