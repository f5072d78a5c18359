//! CSV import at scale on SQLite (issue 18, item 3): generates a file of
//! ROWS registrations (semicolon separated: a row id, name, sex, birth
//! date, place; names drawn from the demo's list) into DIR (default
//! /tmp/bench-csv, reused when present), or of tracing requests (row id,
//! enquirer, link, sought person's name, sex, birth date, place) with
//! KIND `requests` (past 99,999 a year per country the case reference's
//! number grows a sixth digit),
//! then measures, with the same app function as `retrace import csv`:
//!
//! (a) the dry run on an empty store (read, map, check every row);
//! (b) the import itself: the dry run and every row stored in one
//!     transaction;
//! (c) the same file again (nothing new: every row already imported);
//! (d) the dry run of SAMPLE new rows with duplicates looked for by the
//!     matching engine among the ROWS persons now stored (the index
//!     loaded first, timed apart), to say what matching per row costs.
//!
//! ```sh
//! cargo run --release -p retrace-cli --example bench_csv_import -- [ROWS] [DIR] [SAMPLE] [KIND]
//! ```
//!
//! Figures go to BENCHMARKS.md, section "CSV import".

use anyhow::Context;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use retrace_app::csv_import::{
    ImportKind, ImportRequest, MAX_FILE_BYTES, TextEncoding, import_into,
};
use retrace_app::matching::MatchingService;
use retrace_domain::{Clock, CountryCode, OrgKind, OrgName, SystemClock};
use retrace_store::{AuditContext, NewOrganisation, OrgScope, Store};
use std::io::Write;
use std::path::Path;
use std::time::Instant;

const NAMES: &str = include_str!("../src/demo_names.txt");
const LINKS: [&str; 8] = [
    "brother", "sister", "father", "mother", "son", "daughter", "wife", "cousin",
];
const PLACES: [&str; 6] = ["Aleppo", "Kabul", "Mosul", "Tripoli", "Lesbos", "Calais"];

fn words() -> Vec<&'static str> {
    let list: Vec<&str> = NAMES
        .lines()
        .filter(|line| !line.starts_with('#'))
        .flat_map(|line| line.split([',', ' ', '\t']))
        .map(str::trim)
        .filter(|w| w.len() > 1 && w.chars().all(char::is_alphabetic))
        .collect();
    if list.len() < 10 {
        vec![
            "Amina", "Karim", "Haddad", "Omar", "Said", "Leila", "Nadia", "Samir",
        ]
    } else {
        list
    }
}

fn generate(
    path: &Path,
    rows: usize,
    seed: u64,
    prefix: &str,
    kind: ImportKind,
) -> anyhow::Result<()> {
    let words = words();
    let mut rng = StdRng::seed_from_u64(seed);
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    match kind {
        ImportKind::Requests => writeln!(
            out,
            "row_id;enquirer_name;relationship;sought_name;sought_sex;sought_birth_date;separation_place"
        )?,
        ImportKind::Registrations => {
            writeln!(out, "row_id;name;sex;birth_date;last_known_place")?;
        }
    }
    for n in 0..rows {
        let mut pick = || words[rng.gen_range(0..words.len())];
        let family = pick();
        let enquirer = format!("{} {family}", pick());
        let sought = format!("{} {} {family}", pick(), pick());
        let sex = if rng.gen_bool(0.5) { "f" } else { "m" };
        let born = format!(
            "{}-{:02}-{:02}",
            rng.gen_range(1940..2020),
            rng.gen_range(1..13),
            rng.gen_range(1..29)
        );
        let link = LINKS[rng.gen_range(0..LINKS.len())];
        let place = PLACES[rng.gen_range(0..PLACES.len())];
        match kind {
            ImportKind::Requests => writeln!(
                out,
                "{prefix}{n};{enquirer};{link};{sought};{sex};{born};{place}"
            )?,
            ImportKind::Registrations => {
                writeln!(out, "{prefix}{n};{sought};{sex};{born};{place}")?;
            }
        }
    }
    out.flush()?;
    Ok(())
}

fn seconds(started: Instant) -> f64 {
    started.elapsed().as_secs_f64()
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // Field encryption at rest (ADR 0017): a fixed key, so that a kept
    // database directory can be reused.
    retrace_store::crypto::install(
        retrace_store::crypto::Keyring::derived(&retrace_store::crypto::SecretKey::from_bytes(
            [7; 32],
        )),
        None,
    );
    let mut args = std::env::args().skip(1);
    let rows: usize = args.next().map_or(Ok(1_000_000), |a| a.parse())?;
    let dir = args.next().unwrap_or_else(|| "/tmp/bench-csv".into());
    let sample: usize = args.next().map_or(Ok(10_000), |a| a.parse())?;
    let kind = ImportKind::parse(&args.next().unwrap_or_else(|| "registrations".into()))
        .map_err(|err| anyhow::anyhow!("KIND: {err}"))?;
    let dir = Path::new(&dir);
    std::fs::create_dir_all(dir)?;
    let file = dir.join(format!("{}-{rows}.csv", kind.code()));
    if !file.exists() {
        let started = Instant::now();
        generate(&file, rows, 18, "R", kind)?;
        println!("generate {rows} rows: {:.1} s", seconds(started));
    }
    let new_file = dir.join(format!("new-{}-{sample}.csv", kind.code()));
    if !new_file.exists() {
        generate(&new_file, sample, 1818, "N", kind)?;
    }
    let bytes = std::fs::read(&file).context("reading the generated file")?;
    println!(
        "file: {} rows, {:.1} MB",
        rows,
        bytes.len() as f64 / 1_048_576.0
    );
    let db = dir.join("bench.sqlite");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    let url = format!("sqlite://{}", db.display());
    let store = retrace_store_sqlite::open(&url).await?;
    store.migrate().await?;
    let now = SystemClock.now();
    let audit = AuditContext::system(now, "benchmark");
    let org = store
        .create_organisation(
            &audit,
            &NewOrganisation {
                name: OrgName::parse("Bench Red Cross")?,
                kind: OrgKind::NationalSociety,
                country: CountryCode::parse("BE")?,
            },
        )
        .await?;
    let scope = OrgScope::new(org.id);
    let request = |dry_run: bool| ImportRequest {
        kind,
        mapping: None,
        encoding: TextEncoding::Detect,
        file_name: "bench.csv",
        dry_run,
        max_bytes: MAX_FILE_BYTES,
        create_anyway: Default::default(),
    };
    let quiet = |_, _, _| {};

    let started = Instant::now();
    let report = import_into(&store, None, &audit, &scope, &bytes, &request(true), &quiet)
        .await?
        .map_err(|err| anyhow::anyhow!("{err}"))?;
    println!(
        "(a) dry run, empty store: {:.1} s ({} to create, {} duplicates, {} refused)",
        seconds(started),
        report.plan.to_create(),
        report.plan.duplicates(),
        report.plan.refused()
    );

    let started = Instant::now();
    let report = import_into(
        &store,
        None,
        &audit,
        &scope,
        &bytes,
        &request(false),
        &quiet,
    )
    .await?
    .map_err(|err| anyhow::anyhow!("{err}"))?;
    println!(
        "(b) import (dry run + one transaction): {:.1} s, {} created",
        seconds(started),
        report.created.len()
    );

    let started = Instant::now();
    let report = import_into(
        &store,
        None,
        &audit,
        &scope,
        &bytes,
        &request(false),
        &quiet,
    )
    .await?
    .map_err(|err| anyhow::anyhow!("{err}"))?;
    println!(
        "(c) the same file again: {:.1} s, {} created, {} already imported",
        seconds(started),
        report.created.len(),
        report.plan.already_imported()
    );

    let started = Instant::now();
    let matching = MatchingService::new(now.to_offset_date_time().year());
    let loaded = matching.load(&store).await?;
    println!(
        "(d) matching index of {loaded} persons loaded: {:.1} s",
        seconds(started)
    );
    let new_bytes = std::fs::read(&new_file)?;
    let started = Instant::now();
    let report = import_into(
        &store,
        Some(&matching),
        &audit,
        &scope,
        &new_bytes,
        &request(true),
        &quiet,
    )
    .await?
    .map_err(|err| anyhow::anyhow!("{err}"))?;
    let elapsed = seconds(started);
    println!(
        "(d) dry run of {sample} new rows with matching: {elapsed:.1} s ({:.0} rows/s; {} probable duplicates)",
        sample as f64 / elapsed,
        report.plan.duplicates()
    );
    store.close().await;
    Ok(())
}
