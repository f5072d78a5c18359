//! Name search at scale (ADR 0045): of `queries` of the newest records, each searched by its own name among
//! the persons of one of five organisations (its own), how many come back, and how fast.
//!
//! ```text
//! cargo run --release -p retrace-matching --example name_search_eval -- records.csv [queries]
//! ```

mod common;

use std::time::Instant;

const ORGANISATIONS: u64 = 5;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let Some(path) = args.get(1) else {
        anyhow::bail!("usage: name_search_eval records.csv [queries]");
    };
    let queries: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(200);
    let (records, index) = common::indexed(path)?;
    let organisation = |id: &str| id.bytes().map(u64::from).sum::<u64>() % ORGANISATIONS;
    // The newest records, spread over the last tenth of the file.
    let step = (records.len() / 10 / queries.max(1)).max(1);
    let (mut found, mut first) = (0usize, 0usize);
    let mut millis = Vec::with_capacity(queries);
    for (id, person) in records.iter().rev().step_by(step).take(queries) {
        let own = organisation(id);
        let started = Instant::now();
        let hits = index.search_names(&person.full_name, 500, |other| organisation(other) == own);
        millis.push(started.elapsed().as_secs_f64() * 1000.0);
        match hits.iter().position(|hit| &hit.id == id) {
            Some(0) => (found, first) = (found + 1, first + 1),
            Some(_) => found += 1,
            None => println!("not found: {:?} ({} hits)", person.full_name, hits.len()),
        }
    }
    println!(
        "records {} searches {} found {found} (first {first}) {}",
        records.len(),
        millis.len(),
        common::percentiles(&mut millis)
    );
    Ok(())
}
