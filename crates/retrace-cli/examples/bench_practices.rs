//! The smart-practices search at scale on SQLite or PostgreSQL: loads
//! PRACTICES practices built from the demo's 42 (in four languages, each
//! copy with its own number word, stage, country and objective) into three
//! networks, then measures the public search and a member's search:
//! no filter, one filter, one word, two words, an Arabic word, a rare word,
//! and every filter with a word.
//!
//! ```sh
//! cargo run -p retrace-cli --example bench_practices -- [PRACTICES] [ITERATIONS] [DIR|URL]
//! ```
//!
//! The database goes to DIR (default /tmp/practices/bench, a SQLite file,
//! made afresh), or to the PostgreSQL database at URL (`postgres://…`,
//! which must be empty). Figures go to BENCHMARKS.md.

#[allow(dead_code, reason = "the benchmark uses the table, not the loader")]
#[path = "../src/demo_practices.rs"]
mod demo_practices;

use retrace_domain::library::{SearchQuery, TextLanguage};
use retrace_domain::{
    Cost, CountryCode, GcmObjective, MemberRole, NetworkName, NewPractice, OrgKind, OrgName,
    PracticeStatus, PracticeText, RouteStage, SupportType, Text, Timestamp,
};
use retrace_store::{
    AuditContext, NewOrganisation, OrgScope, PracticeFilter, PracticeReader, SeedPractice, Store,
};
use std::sync::Arc;
use std::time::{Duration, Instant};

const COUNTRIES: [&str; 12] = [
    "LY", "IT", "GR", "TN", "TR", "LB", "SY", "IQ", "MA", "SN", "NE", "ES",
];

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let practices: usize = args
        .first()
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(10_000);
    let iterations: usize = args.get(1).map(|a| a.parse()).transpose()?.unwrap_or(50);
    let target = args
        .get(2)
        .cloned()
        .unwrap_or_else(|| "/tmp/practices/bench".to_owned());
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(async {
            let store: Arc<dyn Store> =
                if target.starts_with("postgres://") || target.starts_with("postgresql://") {
                    let store = retrace_store_postgres::open(&target).await?;
                    store.migrate().await?;
                    Arc::new(store)
                } else {
                    let dir = std::path::PathBuf::from(&target);
                    let _ = std::fs::remove_dir_all(&dir);
                    std::fs::create_dir_all(&dir)?;
                    let url = format!("sqlite://{}", dir.join("bench.db").display());
                    let store = retrace_store_sqlite::open_for_bulk_load(&url).await?;
                    store.migrate().await?;
                    Arc::new(store)
                };
            run(store.as_ref(), practices, iterations).await
        })
}

fn number_word(i: usize) -> String {
    // A word of letters only, so the stemmer keeps it whole: "qab", "qbc"…
    let mut word = String::from("q");
    let mut n = i;
    loop {
        word.push(char::from(b'a' + (n % 26) as u8));
        n /= 26;
        if n == 0 {
            break;
        }
    }
    word
}

async fn run(store: &dyn Store, practices: usize, iterations: usize) -> anyhow::Result<()> {
    let now = Timestamp::from_millis(1_780_000_000_000);
    let audit = AuditContext::system(now, "benchmark");
    let mut orgs = Vec::new();
    for (i, country) in COUNTRIES.iter().take(3).enumerate() {
        let org = store
            .create_organisation(
                &audit,
                &NewOrganisation {
                    name: OrgName::parse(&format!("Benchmark Society {i}"))?,
                    kind: OrgKind::NationalSociety,
                    country: CountryCode::parse(country)?,
                },
            )
            .await?;
        orgs.push(org.id);
    }
    let mut networks = Vec::new();
    for i in 0..3 {
        let members: Vec<_> = orgs
            .iter()
            .enumerate()
            .map(|(j, org)| {
                let role = if i == j {
                    MemberRole::Coordinator
                } else {
                    MemberRole::Member
                };
                (*org, role)
            })
            .collect();
        let network = store
            .create_network(
                &audit,
                &NetworkName::parse(&format!("Benchmark network {i}"))?,
                &Text::parse("description", "Benchmark", 4000, true)?,
                &members,
            )
            .await?;
        networks.push(network.id);
    }
    let started = Instant::now();
    let mut batch = Vec::new();
    for i in 0..practices {
        let d = &demo_practices::PRACTICES[i % demo_practices::PRACTICES.len()];
        let title = format!("{} {}", d.title, number_word(i));
        let practice = NewPractice::new(
            d.language,
            &PracticeText {
                title: &title,
                implementers: d.implementers,
                funders: "",
                target_group: d.target_group,
                impact: d.impact,
                challenges: "",
                lessons: d.lessons,
                recommendations: "",
            },
            vec![RouteStage::ALL[i % 4]],
            vec![
                SupportType::ALL[(i / 4) % SupportType::ALL.len()],
                d.support,
            ],
            vec![CountryCode::parse(COUNTRIES[(i / 7) % COUNTRIES.len()])?],
            Cost::parse(&d.cost.to_string(), "EUR")?,
            vec![GcmObjective::new(1 + (i % 23) as u8)?],
        )?;
        let status = match i % 10 {
            0..=6 => PracticeStatus::Published,
            7 | 8 => PracticeStatus::InReview,
            _ => PracticeStatus::Held,
        };
        batch.push(SeedPractice {
            network: networks[i % 3],
            org: (status != PracticeStatus::Held).then_some(orgs[i % 3]),
            status,
            practice,
            at: Timestamp::from_millis(now.as_millis() - i as i64 * 60_000),
            reviews: Vec::new(),
        });
        if batch.len() == 2_000 {
            store.seed_practices(&audit, &batch).await?;
            batch.clear();
        }
    }
    if !batch.is_empty() {
        store.seed_practices(&audit, &batch).await?;
    }
    println!(
        "loaded {practices} practices in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let words = |text: &str| {
        SearchQuery::parse(text, TextLanguage::En)
            .map(|q| q.groups)
            .unwrap_or_default()
    };
    let all = PracticeFilter {
        limit: 100,
        ..PracticeFilter::default()
    };
    let cases: Vec<(&str, PracticeFilter)> = vec![
        ("no filter", all.clone()),
        (
            "stage",
            PracticeFilter {
                stage: Some(RouteStage::Return),
                ..all.clone()
            },
        ),
        (
            "country + objective",
            PracticeFilter {
                country: Some(CountryCode::parse("LB")?),
                objective: Some(GcmObjective::new(8)?),
                ..all.clone()
            },
        ),
        (
            "one word (families)",
            PracticeFilter {
                terms: words("families"),
                ..all.clone()
            },
        ),
        (
            "two words (tracing camps)",
            PracticeFilter {
                terms: words("tracing camps"),
                ..all.clone()
            },
        ),
        (
            "Arabic word (اللاجئين)",
            PracticeFilter {
                terms: words("اللاجئين"),
                ..all.clone()
            },
        ),
        (
            "rare word (one practice)",
            PracticeFilter {
                terms: words(&number_word(practices / 2)),
                ..all.clone()
            },
        ),
        (
            "every filter + word",
            PracticeFilter {
                stage: Some(RouteStage::Transit),
                support: Some(SupportType::FamilyLinks),
                country: Some(CountryCode::parse("TR")?),
                language: Some(TextLanguage::En),
                terms: words("tracing"),
                ..all.clone()
            },
        ),
    ];
    for (reader_name, reader) in [
        ("public", PracticeReader::Public),
        ("member", PracticeReader::Member(OrgScope::new(orgs[0]))),
    ] {
        for (name, filter) in &cases {
            let mut times: Vec<Duration> = Vec::with_capacity(iterations);
            let mut found = 0;
            for _ in 0..iterations {
                let start = Instant::now();
                found = store.practices(reader, filter).await?.len();
                times.push(start.elapsed());
            }
            times.sort();
            let at = |p: f64| times[((times.len() - 1) as f64 * p) as usize].as_secs_f64() * 1000.0;
            println!(
                "{reader_name:6} {name:28} {found:4} found  median {:7.2} ms  p95 {:7.2} ms",
                at(0.5),
                at(0.95)
            );
        }
    }
    Ok(())
}
