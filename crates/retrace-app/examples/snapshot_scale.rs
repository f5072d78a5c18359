//! The matching service's start at scale (issue 17): memory per indexed
//! person, and the sealed snapshot written and restored, each step in its
//! own process so that resident memory is measured alone.
//!
//! ```text
//! cargo run --release -p retrace-app --example snapshot_scale -- build records.csv snapshot-file
//! cargo run --release -p retrace-app --example snapshot_scale -- restore records.csv snapshot-file
//! cargo run --release -p retrace-app --example snapshot_scale -- steps records.csv snapshot-file
//! ```
//! `build` puts every record of a `gen.py` records file in a service (one
//! person each, registered, in one organisation), compacts, reports memory,
//! and writes the sealed snapshot. `restore` restores it into an empty
//! service and reports the time and memory; `steps` times reading the
//! file, opening the seal and decoding, one by one. The replay of changes since a
//! snapshot reads only the persons changed, through the store, and is not
//! part of this measure.

use anyhow::Context;
use retrace_app::MatchingService;
use retrace_app::secrets::{SecretKey, SnapshotSealer};
use retrace_domain::{
    CountryCode, NameKind, OrgId, PartialDate, PersonDetails, PersonFlags, PersonId, PersonName,
    RegistrationKind, Sex, Text,
};
use retrace_store::{MatchablePerson, PersonRole};
use std::path::Path;
use std::time::Instant;

/// The database identity the benchmark's snapshot is sealed for.
const DATABASE: &str = "0123456789abcdef0123456789abcdef";

/// Resident memory in KiB: the second field of `statm`, in 4 KiB pages.
fn rss_kb() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    pages * 4
}

fn text(value: &str) -> Option<Text> {
    Text::parse("text", value, 500, false).ok()
}

fn person(org: OrgId, row: &csv::StringRecord) -> Option<MatchablePerson> {
    let field = |i: usize| row.get(i).unwrap_or("");
    let name = PersonName::simple(field(3), NameKind::Birth).ok()?;
    let sex = match field(4) {
        "M" => Sex::Male,
        "F" => Sex::Female,
        _ => Sex::Unknown,
    };
    let mut details = PersonDetails::new(vec![name], sex).ok()?;
    details.birth_date = PartialDate::parse(field(5)).ok();
    details.father_name = text(field(7));
    details.mother_name = text(field(8));
    details.birth_place = text(field(9));
    details.nationalities = CountryCode::parse(field(10)).ok().into_iter().collect();
    details.last_known_place = text(field(11));
    details.flags = PersonFlags::default();
    Some(MatchablePerson {
        id: PersonId::random(),
        org,
        org_country: CountryCode::parse("BE").ok()?,
        request: None,
        role: PersonRole::Registered(RegistrationKind::parse("safe").ok()?),
        request_closed: false,
        details,
        consents: Vec::new(),
    })
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(step), Some(records), Some(file)) = (args.get(1), args.get(2), args.get(3)) else {
        anyhow::bail!("usage: snapshot_scale build|restore|steps records.csv snapshot-file");
    };
    let sealer = SnapshotSealer::new(&SecretKey::from_bytes([5; 32]));
    let path = Path::new(file);
    let service = MatchingService::new(2024);
    let rss0 = rss_kb();
    match step.as_str() {
        "build" => {
            let org = OrgId::random();
            let mut reader = csv::Reader::from_path(records).context("records file")?;
            let rows: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>()?;
            let persons: Vec<MatchablePerson> =
                rows.iter().filter_map(|row| person(org, row)).collect();
            drop(rows);
            let n = persons.len();
            let rss1 = rss_kb();
            let t = Instant::now();
            for p in persons {
                service.put(p);
            }
            service.compact();
            let build = t.elapsed().as_secs_f64();
            let rss2 = rss_kb();
            println!(
                "persons {n} put in {build:.1}s; RSS growth {} B/person (the input persons freed meanwhile: {} B/person before), index estimate {} B/person",
                (rss2.saturating_sub(rss0) * 1024) as usize / n.max(1),
                (rss1.saturating_sub(rss0) * 1024) as usize / n.max(1),
                service.index_approx_bytes() / n.max(1)
            );
            let t = Instant::now();
            let bytes = service.save_snapshot_file(path, 1, &sealer, DATABASE)?;
            println!(
                "sealed snapshot {bytes} bytes ({} per person) written in {:.2}s",
                bytes as usize / n.max(1),
                t.elapsed().as_secs_f64()
            );
        }
        "steps" => {
            // The steps of `restore_snapshot_file`, timed one by one.
            let t = Instant::now();
            let sealed = std::fs::read(path)?;
            let read = t.elapsed().as_secs_f64();
            let t = Instant::now();
            let plain = sealer.open(DATABASE, &sealed).context("does not open")?;
            let open = t.elapsed().as_secs_f64();
            drop(sealed);
            let t = Instant::now();
            let check = MatchingService::new(2024);
            check.restore_snapshot(&mut plain.as_slice())?;
            let decode = t.elapsed().as_secs_f64();
            println!(
                "{} persons; steps: read {read:.2}s, open (AEAD) {open:.2}s, decode {decode:.2}s",
                check.len()
            );
        }
        "restore" => {
            let t = Instant::now();
            let position = service.restore_snapshot_file(path, &sealer, DATABASE)?;
            let restore = t.elapsed().as_secs_f64();
            let n = service.len();
            println!(
                "restored {n} persons at position {position} in {restore:.2}s; RSS growth {} B/person, index estimate {} B/person, service's own estimate {} B/person",
                (rss_kb().saturating_sub(rss0) * 1024) as usize / n.max(1),
                service.index_approx_bytes() / n.max(1),
                service.entries_approx_bytes() / n.max(1)
            );
        }
        _ => anyhow::bail!("step is build, restore or steps"),
    }
    Ok(())
}
