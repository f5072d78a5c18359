//! Transnational referrals at scale on SQLite (issue 11): bulk-loads
//! referrals between six organisations in six countries through the store
//! (a registered person with a sharing consent per two referrals, each
//! organisation's checklist templates copied into every case, a tool filled
//! on one in four, and the receiver's answer: sent, declined, accepted, in
//! progress or closed), then measures what the pages call:
//!
//! (a) the inbox (`GET /referrals`): `app::referrals::list_referrals`,
//!     first page, without a filter and with each filter (status, stage,
//!     urgency, country, a date range);
//! (b) the referral page (`GET /referrals/{id}`): `view_referral`, `tools`
//!     and the organisation's `tool_entries`, for random referrals of the
//!     reading side.
//!
//! ```sh
//! cargo run --release -p retrace-cli --example bench_referrals -- [REFERRALS] [ITERATIONS] [DIR]
//! ```
//!
//! The database goes to a temporary directory (or DIR, kept, and reused
//! when it already holds the referrals). Loading goes at about 70
//! referrals a second on the shared 2-core machine, so for 100,000 load
//! 10,000 into DIR, stop, grow them with `bench/replicate_referrals.py`
//! (copies under new ids, later in time), then run again on DIR to
//! measure. Figures go to BENCHMARKS.md.

use anyhow::Context;
use retrace_app::referrals::{self as app, ReferralQuery};
use retrace_app::secrets::SecretKey;
use retrace_app::{Actor, App};
use retrace_domain::{
    Clock, ConsentBasis, ConsentGiver, ConsentMethod, ConsentPurpose, CountryCode, DisplayName,
    Email, NameKind, NewConsent, OrgId, OrgKind, OrgName, Outcome, PersonDetails, PersonId,
    PersonName, RawValue, ReferralId, ReferralShare, RegistrationKind, RiskAssessment, RiskLevel,
    RoleSet, Service, Sex, SharingScope, Side, SopStep, Stage, SystemClock, Text, Timestamp,
    Urgency, UserId, builtin_tools,
};
use retrace_store::{
    AuditContext, Membership, NewOrganisation, NewReferral, NewUser, OrgScope, StatusMove, Store,
};
use std::sync::Arc;
use std::time::{Duration, Instant};

const ORGS: [(&str, &str, &str); 6] = [
    ("Anti-trafficking NGO Paris (bench)", "ngo-fr", "FR"),
    ("Albanian NRM Focal Point (bench)", "nrm-al", "AL"),
    ("Italian Shelter Network (bench)", "shelter-it", "IT"),
    ("Moroccan Referral Desk (bench)", "desk-ma", "MA"),
    ("Greek Reception Service (bench)", "reception-gr", "GR"),
    ("Nigerian Return Agency (bench)", "return-ng", "NG"),
];

const DAY_MS: i64 = 86_400_000;

#[derive(Clone, Copy)]
struct Party {
    org: OrgId,
    user: UserId,
    country: CountryCode,
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
    let referrals: usize = args
        .next()
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(100_000);
    let iterations: usize = args.next().map(|a| a.parse()).transpose()?.unwrap_or(500);
    let dir = args.next().map(std::path::PathBuf::from);
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(run(referrals, iterations, dir))
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
        "{label:<44} n={:<4} p50 {:>7.2} ms  p95 {:>7.2} ms  p99 {:>7.2} ms  max {:>7.2} ms",
        samples.len(),
        at(0.5),
        at(0.95),
        at(0.99),
        at(1.0)
    );
}

fn text(value: &str) -> anyhow::Result<Text> {
    Text::parse("bench", value, 2000, true).context("bench text")
}

fn audit(side: &Party, at: i64) -> AuditContext {
    AuditContext {
        at: Timestamp::from_millis(at),
        actor: Some(side.user),
        org: Some(side.org),
        purpose: Some("benchmark".to_owned()),
    }
}

async fn setup(store: &dyn Store, now: Timestamp) -> anyhow::Result<Vec<Party>> {
    let existing = store.organisations().await?;
    let system = AuditContext::system(now, "benchmark");
    let mut sides = Vec::new();
    for (name, slug, country) in ORGS {
        let org = match existing.iter().find(|o| o.name.as_str() == name) {
            Some(org) => org.clone(),
            None => {
                store
                    .create_organisation(
                        &system,
                        &NewOrganisation {
                            name: OrgName::parse(name)?,
                            kind: OrgKind::Ngo,
                            country: CountryCode::parse(country)?,
                        },
                    )
                    .await?
            }
        };
        let email = Email::parse(&format!("officer@{slug}.bench"))?;
        let user = match store.user_by_email(&email).await? {
            Some(user) => user,
            None => {
                let roles = RoleSet::parse_list("referral_officer,org_admin")?;
                let user = store
                    .create_user(
                        &system,
                        &NewUser {
                            email,
                            display_name: DisplayName::parse("Referral officer")?,
                            membership: Membership::Member { org: org.id, roles },
                            password_hash: "not-a-hash".to_owned(),
                        },
                    )
                    .await?;
                let side = Party {
                    org: org.id,
                    user: user.id,
                    country: org.country,
                };
                for stage in Stage::ALL {
                    let steps = (1..=4)
                        .map(|k| {
                            Ok(SopStep {
                                label: text(&format!("{} step {k}", stage.as_str()))?,
                                required: k <= 2,
                            })
                        })
                        .collect::<anyhow::Result<Vec<_>>>()?;
                    store
                        .save_sop_template(
                            &audit(&side, now.as_millis()),
                            &OrgScope::new(org.id),
                            *stage,
                            &steps,
                        )
                        .await?;
                }
                user
            }
        };
        sides.push(Party {
            org: org.id,
            user: user.id,
            country: org.country,
        });
    }
    Ok(sides)
}

async fn register(store: &dyn Store, from: &Party, n: usize, at: i64) -> anyhow::Result<PersonId> {
    let names = [
        "Ana Kola",
        "Drita Leka",
        "Amina Idrissi",
        "Joy Okafor",
        "Elira Hoxha",
    ];
    let name = names.get(n % names.len()).copied().unwrap_or("Ana Kola");
    let details = PersonDetails::new(
        vec![PersonName::simple(&format!("{name} {n}"), NameKind::Birth)?],
        if n.is_multiple_of(3) {
            Sex::Male
        } else {
            Sex::Female
        },
    )?;
    let consent = NewConsent {
        purpose: ConsentPurpose::Sharing,
        basis: ConsentBasis::Consent {
            given_by: ConsentGiver::Person,
            method: ConsentMethod::Written,
        },
        scope: SharingScope {
            organisations: Vec::new(),
            countries: ORGS
                .iter()
                .map(|(_, _, c)| CountryCode::parse(c))
                .collect::<Result<_, _>>()?,
        },
        note: None,
    };
    Ok(store
        .create_registration(
            &audit(from, at),
            &OrgScope::new(from.org),
            RegistrationKind::Safe,
            &details,
            Some(&consent),
        )
        .await?
        .id)
}

/// Loads referral `n` between `from` and `to`, moved on by `n`.
async fn load_one(
    store: &dyn Store,
    from: &Party,
    to: &Party,
    person: PersonId,
    n: usize,
    at: i64,
) -> anyhow::Result<ReferralId> {
    let services = [
        vec![Service::Shelter, Service::Medical],
        vec![Service::SafeReturn, Service::Reintegration],
        vec![Service::Legal, Service::Documents],
    ];
    let new = NewReferral {
        person,
        to_org: to.org,
        purpose: text("Safe return and reintegration support")?,
        services: services.get(n % 3).cloned().unwrap_or_default(),
        urgency: [Urgency::Routine, Urgency::Urgent, Urgency::Emergency][n % 3],
        risk: RiskAssessment {
            level: [RiskLevel::Medium, RiskLevel::High, RiskLevel::Low][n % 3],
            who_at_risk: text("the person and relatives at home")?,
            from_whom: Some(text("the recruitment network")?),
            safety_plan: text("contact only through the focal point")?,
        },
        share: ReferralShare {
            identity: true,
            contact: n.is_multiple_of(2),
            risk_assessment: true,
        },
    };
    let id = store
        .create_referral(&audit(from, at), &OrgScope::new(from.org), &new)
        .await?
        .id;
    if n.is_multiple_of(4)
        && let Some(tool) = builtin_tools().into_iter().find(|t| t.key == "screening")
    {
        let raw = tool
            .fields
            .iter()
            .map(|f| {
                let value = match f.kind {
                    retrace_domain::FieldKind::YesNo => RawValue::Bool(n.is_multiple_of(8)),
                    _ => RawValue::Text(format!("bench note {n}")),
                };
                (f.key.clone(), value)
            })
            .collect();
        if let Ok(values) = tool.check_values(&raw) {
            store
                .save_tool_entry(
                    &audit(from, at + 1000),
                    &OrgScope::new(from.org),
                    id,
                    &tool,
                    &values,
                )
                .await?;
        }
    }
    let receiver = OrgScope::new(to.org);
    match n % 5 {
        0 => {}
        1 => {
            store
                .decide_referral(
                    &audit(to, at + DAY_MS),
                    &receiver,
                    id,
                    false,
                    Some(&text("no capacity")?),
                )
                .await?;
        }
        k => {
            store
                .decide_referral(&audit(to, at + DAY_MS), &receiver, id, true, None)
                .await?;
            if k >= 3 {
                store
                    .move_referral(
                        &audit(to, at + 2 * DAY_MS),
                        &receiver,
                        id,
                        &StatusMove::Start,
                    )
                    .await?;
            }
            if k == 4 && n % 10 == 4 {
                let close = StatusMove::Close {
                    outcome: Outcome::Assisted,
                    note: None,
                };
                store
                    .move_referral(&audit(to, at + 3 * DAY_MS), &receiver, id, &close)
                    .await?;
            }
        }
    }
    Ok(id)
}

fn actor(side: &Party) -> anyhow::Result<Actor> {
    Ok(Actor::new(
        side.user,
        side.org,
        RoleSet::parse_list("referral_officer,org_admin")?,
    ))
}

async fn run(
    referrals: usize,
    iterations: usize,
    dir: Option<std::path::PathBuf>,
) -> anyhow::Result<()> {
    let temp = tempfile::tempdir()?;
    let dir = dir.unwrap_or_else(|| temp.path().to_path_buf());
    std::fs::create_dir_all(&dir)?;
    let url = format!("sqlite://{}", dir.join("bench.db").display());
    let now = SystemClock.now();
    // Three years of referrals, the newest a day ago.
    let span = 3 * 365 * DAY_MS;
    let first = now.as_millis() - span - DAY_MS;
    let step = span / referrals.max(1) as i64;

    let bulk = retrace_store_sqlite::open_for_bulk_load(&url).await?;
    bulk.migrate().await?;
    let sides = setup(&bulk, now).await?;
    let already = retrace_store::ReferralStore::referrals(
        &bulk,
        &AuditContext::system(now, "benchmark"),
        &OrgScope::new(sides[0].org),
        &retrace_store::ReferralFilter {
            limit: 1,
            ..retrace_store::ReferralFilter::new(Side::Sender)
        },
    )
    .await?
    .len();
    let mut ids = Vec::new();
    if already == 0 {
        let started = Instant::now();
        let mut person = None;
        for n in 0..referrals {
            let from = sides[n % sides.len()];
            let to = sides[(n + 1 + (n / sides.len()) % (sides.len() - 1)) % sides.len()];
            let at = first + n as i64 * step;
            let who = match person {
                Some(p) if n % 2 == 1 => p,
                _ => register(&bulk, &from, n, at).await?,
            };
            person = Some(who);
            // A person referred twice stays with the same sender.
            let from = if n % 2 == 1 {
                sides[(n - 1) % sides.len()]
            } else {
                from
            };
            let to = if to.org == from.org {
                sides[(n + 2) % sides.len()]
            } else {
                to
            };
            ids.push((from, load_one(&bulk, &from, &to, who, n, at).await?));
            if (n + 1).is_multiple_of(10_000) {
                println!(
                    "  loaded {} referrals in {:.0} s",
                    n + 1,
                    started.elapsed().as_secs_f64()
                );
            }
        }
        println!(
            "load: {referrals} referrals in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    } else {
        println!("reusing the referrals in {}", dir.display());
    }
    bulk.close().await;

    // Serve-like store: every commit waits for the disk.
    let opened = retrace_store_sqlite::open(&url).await?;
    opened.migrate().await?;
    let store: Arc<dyn Store> = Arc::new(opened);
    let app = App::new(
        store.clone(),
        Arc::new(SystemClock),
        dir.join("media"),
        &SecretKey::generate(),
    );
    let reader = sides[1];
    let me = actor(&reader)?;
    let country = sides[3].country.as_str().to_owned();
    let day = |ms: i64| {
        Timestamp::from_millis(ms)
            .to_offset_date_time()
            .date()
            .to_string()
    };
    let filters: Vec<(&str, Side, ReferralQuery)> = vec![
        (
            "(a) inbox, first page, no filter",
            Side::Receiver,
            ReferralQuery::default(),
        ),
        (
            "(a) outbox, first page, no filter",
            Side::Sender,
            ReferralQuery::default(),
        ),
        (
            "(a) inbox, status=sent",
            Side::Receiver,
            ReferralQuery {
                status: "sent".into(),
                ..Default::default()
            },
        ),
        (
            "(a) inbox, status=closed",
            Side::Receiver,
            ReferralQuery {
                status: "closed".into(),
                ..Default::default()
            },
        ),
        (
            "(a) inbox, stage=assistance",
            Side::Receiver,
            ReferralQuery {
                stage: "assistance".into(),
                ..Default::default()
            },
        ),
        (
            "(a) inbox, urgency=emergency",
            Side::Receiver,
            ReferralQuery {
                urgency: "emergency".into(),
                ..Default::default()
            },
        ),
        (
            &*Box::leak(format!("(a) inbox, country={country}").into_boxed_str()),
            Side::Receiver,
            ReferralQuery {
                country: country.clone(),
                ..Default::default()
            },
        ),
        (
            "(a) inbox, a month two years ago",
            Side::Receiver,
            ReferralQuery {
                from: day(now.as_millis() - 730 * DAY_MS),
                to: day(now.as_millis() - 700 * DAY_MS),
                ..Default::default()
            },
        ),
        (
            "(a) inbox, all filters",
            Side::Receiver,
            ReferralQuery {
                status: "in_progress".into(),
                urgency: "urgent".into(),
                country: country.clone(),
                from: day(now.as_millis() - 400 * DAY_MS),
                to: day(now.as_millis()),
                ..Default::default()
            },
        ),
    ];
    let mut page_ids = Vec::new();
    for (label, side, query) in &filters {
        let mut samples = Vec::with_capacity(iterations);
        let mut rows = 0;
        for _ in 0..iterations {
            let started = Instant::now();
            let page = app::list_referrals(&app, &me, *side, query).await?;
            samples.push(started.elapsed());
            rows = page.len();
            page_ids.extend(page.iter().map(|r| r.id));
        }
        report(&format!("{label} ({rows} rows)"), &mut samples);
    }

    // (b) The referral page, for referrals the reader is a side of.
    page_ids.sort_by_key(|id| id.to_string());
    page_ids.dedup();
    if page_ids.is_empty() {
        anyhow::bail!("no referral to open");
    }
    let mut samples = Vec::with_capacity(iterations);
    for k in 0..iterations {
        let id = page_ids[(k * 7919) % page_ids.len()];
        let started = Instant::now();
        let view = app::view_referral(&app, &me, id).await?;
        let tools = app::tools(&app, &me).await?;
        let entries = store.tool_entries(&OrgScope::new(reader.org), id).await?;
        samples.push(started.elapsed());
        if view.steps.is_empty() && tools.is_empty() && entries.len() > 100 {
            anyhow::bail!("an odd referral page");
        }
    }
    report(
        &format!("(b) referral page ({} referrals)", page_ids.len()),
        &mut samples,
    );
    drop(ids);
    Ok(())
}
