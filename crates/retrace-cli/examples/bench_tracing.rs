//! Tracing requests at scale on SQLite: bulk-loads generated requests (an
//! enquirer and two sought persons each, from the demo generator) up to
//! the asked number of persons, builds the matching index, then measures
//! what the pages do:
//!
//! (a) saving a request and getting its candidates: `create_request`, the
//!     enquirer's tracing consent, the sought person's vital-interest basis
//!     and `person_changed` for both (POST /requests);
//! (b) the request list, first page of one organisation, without a filter
//!     and with a status filter;
//! (c) the name search: `search_requests` then `list_requests` with `only`.
//!
//! ```sh
//! cargo run --release -p retrace-cli --example bench_tracing -- [PERSONS] [ITERATIONS] [DIR]
//! ```
//!
//! The database goes to a temporary directory (or DIR, kept, and reused
//! when it already holds data; `RECOMPUTE=0` then skips recomputing every
//! list). Figures go to BENCHMARKS.md.

#[allow(
    dead_code,
    reason = "the benchmark uses the generator, not the demo loader"
)]
#[path = "../src/demo_tracing.rs"]
mod demo_tracing;

use anyhow::Context;
use demo_tracing::{GenOrg, Generator, Tables, store_request};
use retrace_app::MatchingService;
use retrace_domain::{
    Clock, CountryCode, DisplayName, Email, OrgKind, OrgName, Role, RoleSet, SystemClock, Timestamp,
};
use retrace_store::crypto;
use retrace_store::{
    AuditContext, Membership, NewOrganisation, NewUser, OrgScope, RequestFilter, Store,
    TracingStore,
};
use retrace_store_sqlite::SqliteStore;
use std::time::{Duration, Instant};

const ORGS: [(&str, &str, OrgKind, &str); 6] = [
    (
        "Belgian Red Cross (bench)",
        "redcross-be",
        OrgKind::NationalSociety,
        "BE",
    ),
    (
        "French Red Cross (bench)",
        "redcross-fr",
        OrgKind::NationalSociety,
        "FR",
    ),
    ("ICRC Lebanon (bench)", "icrc-lb", OrgKind::Icrc, "LB"),
    ("IOM Italy (bench)", "iom-it", OrgKind::Iom, "IT"),
    (
        "Reception agency (bench)",
        "reception-be",
        OrgKind::GovernmentAgency,
        "BE",
    ),
    ("Safe Passage (bench)", "safepassage-gr", OrgKind::Ngo, "GR"),
];

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
    let persons: usize = args
        .next()
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(1_000_000);
    let iterations: usize = args.next().map(|a| a.parse()).transpose()?.unwrap_or(200);
    let dir = args.next().map(std::path::PathBuf::from);
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(run(persons, iterations, dir))
}

fn rss() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .filter(|l| l.starts_with("VmRSS") || l.starts_with("VmHWM"))
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Time spent sealing and opening fields since `before`.
fn crypto_time(before: crypto::Usage) -> (Duration, u64) {
    let spent = crypto::usage().since(before);
    (
        Duration::from_nanos(spent.nanos),
        spent.sealed + spent.opened,
    )
}

/// The same samples with and without the time spent in field encryption
/// (issue 16), side by side.
fn report_encryption(label: &str, samples: &[Duration], spent: &[(Duration, u64)]) {
    let mut with: Vec<Duration> = samples.to_vec();
    let mut without: Vec<Duration> = samples
        .iter()
        .zip(spent)
        .map(|(total, (crypto, _))| total.saturating_sub(*crypto))
        .collect();
    let mut crypto: Vec<Duration> = spent.iter().map(|(d, _)| *d).collect();
    let operations = spent.iter().map(|(_, n)| n).sum::<u64>() / spent.len().max(1) as u64;
    report(&format!("{label} with field encryption"), &mut with);
    report(&format!("{label} without (minus its time)"), &mut without);
    report(
        &format!("{label} field encryption ({operations} ops)"),
        &mut crypto,
    );
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

async fn setup_orgs(store: &dyn Store, now: Timestamp) -> anyhow::Result<Vec<GenOrg>> {
    let existing = store.organisations().await?;
    let audit = AuditContext::system(now, "benchmark");
    let mut orgs = Vec::new();
    for (name, slug, kind, country) in ORGS {
        let org = match existing.iter().find(|o| o.name.as_str() == name) {
            Some(org) => org.clone(),
            None => {
                store
                    .create_organisation(
                        &audit,
                        &NewOrganisation {
                            name: OrgName::parse(name)?,
                            kind,
                            country: CountryCode::parse(country)?,
                        },
                    )
                    .await?
            }
        };
        let email = Email::parse(&format!("caseworker@{slug}.bench"))?;
        let user = match store.user_by_email(&email).await? {
            Some(user) => user,
            None => {
                store
                    .create_user(
                        &audit,
                        &NewUser {
                            email,
                            display_name: DisplayName::parse("Caseworker")?,
                            membership: Membership::Member {
                                org: org.id,
                                roles: RoleSet::single(Role::Caseworker),
                            },
                            password_hash: "not-a-hash".to_owned(),
                        },
                    )
                    .await?
            }
        };
        orgs.push(GenOrg {
            id: org.id,
            slug: slug.to_owned(),
            country: org.country,
            actor: user.id,
        });
    }
    Ok(orgs)
}

async fn count_persons(store: &SqliteStore) -> anyhow::Result<usize> {
    let mut total = 0;
    let mut after = None;
    loop {
        let page = store.matchable_persons(after, 20_000).await?;
        let Some(last) = page.last() else { break };
        after = Some(last.id);
        total += page.len();
    }
    Ok(total)
}

async fn run(
    persons: usize,
    iterations: usize,
    dir: Option<std::path::PathBuf>,
) -> anyhow::Result<()> {
    let temp = tempfile::tempdir()?;
    let dir = dir.unwrap_or_else(|| temp.path().to_path_buf());
    std::fs::create_dir_all(&dir)?;
    let url = format!("sqlite://{}", dir.join("bench.db").display());
    let now = SystemClock.now();
    let tables = Tables::parse()?;

    // Load.
    let bulk = retrace_store_sqlite::open_for_bulk_load(&url).await?;
    bulk.migrate().await?;
    let orgs = setup_orgs(&bulk, now).await?;
    let already = count_persons(&bulk).await?;
    let mut generator = Generator::new(&tables, orgs.clone(), 7, now);
    let started = Instant::now();
    let mut loaded = already;
    let mut requests = 0usize;
    let mut statuses = 0usize;
    while loaded < persons {
        let request = generator.request(Some(2))?;
        let org = orgs.get(request.org).context("organisation")?;
        let id = store_request(&bulk, org, &request).await?;
        loaded += 1 + request.new.sought.len();
        requests += 1;
        // Every fourth request moves on, so that status filters select.
        if requests.is_multiple_of(4) {
            let mut version = 1;
            for (status, at) in &request.statuses {
                let audit = AuditContext {
                    at: *at,
                    actor: Some(org.actor),
                    org: Some(org.id),
                    purpose: None,
                };
                version = bulk
                    .set_request_status(&audit, &OrgScope::new(org.id), id, version, *status, None)
                    .await?
                    .version;
                statuses += 1;
            }
        }
        if requests.is_multiple_of(20_000) {
            println!(
                "  loaded {loaded} persons ({requests} requests) in {:.0} s",
                started.elapsed().as_secs_f64()
            );
        }
    }
    let load_time = started.elapsed();
    println!(
        "load: {} new requests ({} status changes), {} persons in the database; {:.1} s ({:.0} requests/s)",
        requests,
        statuses,
        loaded,
        load_time.as_secs_f64(),
        requests as f64 / load_time.as_secs_f64().max(0.001)
    );

    let year = now.to_offset_date_time().year();
    let matching = MatchingService::new(year);
    let started = Instant::now();
    let indexed = matching.load(&bulk).await?;
    println!(
        "matching index: {indexed} persons in {:.1} s; {}",
        started.elapsed().as_secs_f64(),
        rss()
    );
    // The steady state: every sought person's candidates computed once, as
    // `retrace demo` does after its bulk load. RECOMPUTE=0 keeps the lists a
    // kept DIR already holds (to measure saves again without waiting).
    if std::env::var("RECOMPUTE").is_ok_and(|v| v == "0") {
        println!("recompute_all: skipped (RECOMPUTE=0)");
    } else {
        let started = Instant::now();
        let computed = matching.recompute_all(&bulk, SystemClock.now()).await?;
        println!(
            "recompute_all: {} sought persons, {} with candidates, {} candidates ({} across organisations) in {:.1} s",
            computed.sought,
            computed.with_candidates,
            computed.candidates,
            computed.cross_organisation,
            started.elapsed().as_secs_f64()
        );
    }
    bulk.close().await;

    // Serve-like store: every commit waits for the disk.
    let store = retrace_store_sqlite::open(&url).await?;
    store.migrate().await?;

    // (a) Save a request and compute its candidates.
    let mut save = Vec::with_capacity(iterations);
    let mut create_only = Vec::with_capacity(iterations);
    let mut save_crypto = Vec::with_capacity(iterations);
    let mut names = Vec::with_capacity(iterations);
    for _ in 0..iterations {
        let request = generator.request(Some(1))?;
        let org = orgs.get(request.org).context("organisation")?;
        names.push((
            request.org,
            request
                .new
                .sought
                .first()
                .map(|(_, d)| d.primary_name().to_owned())
                .unwrap_or_default(),
        ));
        let before = crypto::usage();
        let started = Instant::now();
        let id = store_request(&store, org, &request).await?;
        create_only.push(started.elapsed());
        save_crypto.push(crypto_time(before));
        let audit = AuditContext::system(now, "benchmark");
        let stored = store
            .request(&audit, &OrgScope::new(org.id), id)
            .await?
            .context("the request just saved")?;
        let at = SystemClock.now();
        let started_matching = Instant::now();
        for person in std::iter::once(&stored.enquirer).chain(stored.sought.iter()) {
            matching.person_changed(&store, person.id, at).await?;
        }
        let matched = started_matching.elapsed();
        // Store writes plus matching; the view in between is not part of
        // the page's POST and is left out.
        save.push(create_only.last().copied().unwrap_or_default() + matched);
    }
    report("(a) save request + candidates", &mut save);
    report("    of which store writes", &mut create_only);
    report_encryption("    store writes", &create_only, &save_crypto);

    // (b) The request list.
    let audit = AuditContext {
        at: now,
        actor: orgs.first().map(|o| o.actor),
        org: orgs.first().map(|o| o.id),
        purpose: None,
    };
    for (label, status) in [
        ("(b) list, first page, no filter", None),
        ("(b) list, first page, status=searching", Some("searching")),
        ("(b) list, first page, status=closed", Some("closed")),
    ] {
        let mut samples = Vec::with_capacity(iterations);
        let mut spent = Vec::with_capacity(iterations);
        for n in 0..iterations {
            let org = orgs.get(n % 4).context("organisation")?;
            let filter = RequestFilter {
                status: status.map(str::to_owned),
                limit: 50,
                ..RequestFilter::default()
            };
            let before = crypto::usage();
            let started = Instant::now();
            let (page, _) = store
                .list_requests(&audit, &OrgScope::new(org.id), &filter)
                .await?;
            samples.push(started.elapsed());
            spent.push(crypto_time(before));
            if page.is_empty() {
                anyhow::bail!("an empty request list");
            }
        }
        report_encryption("   ", &samples, &spent);
        report(label, &mut samples);
    }

    // (c) Name search.
    let mut search = Vec::with_capacity(iterations);
    let mut search_index = Vec::with_capacity(iterations);
    let mut found = 0usize;
    for (org, name) in &names {
        let org = orgs.get(*org).context("organisation")?;
        let started = Instant::now();
        let ids = matching.search_requests(org.id, name, 500);
        search_index.push(started.elapsed());
        let filter = RequestFilter {
            only: Some(ids),
            limit: 50,
            ..RequestFilter::default()
        };
        let (page, _) = store
            .list_requests(&audit, &OrgScope::new(org.id), &filter)
            .await?;
        search.push(started.elapsed());
        found += usize::from(!page.is_empty());
    }
    report("(c) name search + list", &mut search);
    report("    of which the index", &mut search_index);
    println!("name searches with a result: {found}/{}", names.len());
    println!("after the runs: {}", rss());
    store.close().await;
    Ok(())
}
