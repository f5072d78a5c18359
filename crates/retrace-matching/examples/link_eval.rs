//! Full linkage of a records file with blocking statistics, for benchmarking without the CLI.
//!
//! ```text
//! cargo run --release -p retrace-matching --example link_eval -- records.csv pairs.csv [truth.csv]
//! ```
//! Writes `left_id,right_id,score` for every pair scoring at least 0.01 and prints candidate pairs per record
//! and, with a truth file, blocking recall (true pairs among the candidate pairs, before clustering).

mod common;

use std::collections::HashMap;
use std::io::Write;
use std::time::Instant;

use retrace_matching::{Config, Index, Model, Profile, block_keys};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(rec), Some(out)) = (args.get(1), args.get(2)) else {
        anyhow::bail!("usage: link_eval records.csv pairs.csv [truth.csv]");
    };
    let records = common::read_records(rec)?;
    let t = Instant::now();
    let mut config = Config::default();
    if let Some(m) = std::env::var("MAXB").ok().and_then(|s| s.parse().ok()) {
        config.max_block = m;
    }
    // WEIGHTS=path scores with another model (e.g. one the `train` example wrote) instead of the shipped one.
    let model = match std::env::var("WEIGHTS") {
        Ok(path) => Model::parse(&std::fs::read_to_string(path)?),
        Err(_) => Model::shipped(),
    };
    let config_year = config.reference_year;
    let mut index = Index::with_model(config, model);
    // As `retrace match` does: all at once, then the posting lists in their flat arrays alone.
    index.add_all(&records);
    index.compact();
    if let Some(tr) = args.get(3) {
        let truth = common::read_truth(tr)?;
        let cand = index.candidate_pairs();
        let mut ent_size: HashMap<&str, usize> = HashMap::new();
        for e in truth.values() {
            *ent_size.entry(e).or_default() += 1;
        }
        let true_pairs: usize = ent_size.values().map(|n| n * (n - 1) / 2).sum();
        let found = cand
            .iter()
            .filter(|(a, b)| {
                matches!((index.id_of(*a).and_then(|x| truth.get(x)), index.id_of(*b).and_then(|x| truth.get(x))),
                    (Some(x), Some(y)) if x == y)
            })
            .count();
        // MISSES=path lists the true pairs blocking never proposed, with the blocks they share (kind:size,
        // `*` when over its kind's cap) and the probability the pair would have had on its own, for finding
        // what the keys miss and whether it matters.
        if let Ok(path) = std::env::var("MISSES") {
            let proposed: std::collections::HashSet<(&str, &str)> = cand
                .iter()
                .filter_map(|(a, b)| Some((index.id_of(*a)?, index.id_of(*b)?)))
                .flat_map(|(a, b)| [(a, b), (b, a)])
                .collect();
            let person: HashMap<&str, &retrace_matching::Person> =
                records.iter().map(|(id, p)| (id.as_str(), p)).collect();
            let mut by_entity: HashMap<&str, Vec<&str>> = HashMap::new();
            for (id, e) in &truth {
                by_entity.entry(e).or_default().push(id);
            }
            let keys = |id: &str| {
                person
                    .get(id)
                    .map(|p| block_keys(&Profile::new(p, config_year)))
                    .unwrap_or_default()
            };
            let mut w = std::io::BufWriter::new(std::fs::File::create(path)?);
            writeln!(w, "left_id,right_id,shared_blocks,own_probability")?;
            for ids in by_entity.values() {
                for (i, a) in ids.iter().enumerate() {
                    for b in &ids[i + 1..] {
                        if proposed.contains(&(*a, *b)) {
                            continue;
                        }
                        let kb = keys(b);
                        let shared: Vec<String> = keys(a)
                            .into_iter()
                            .filter(|k| kb.binary_search(k).is_ok())
                            .map(|k| {
                                let over = if index.block_over_cap(k) { "*" } else { "" };
                                format!("{}:{}{over}", k >> 61, index.block_len(k))
                            })
                            .collect();
                        let own = match (person.get(a), person.get(b)) {
                            (Some(pa), Some(pb)) => index.explain(pa, pb).probability,
                            _ => f64::NAN,
                        };
                        writeln!(w, "{a},{b},{},{own:.4}", shared.join(" "))?;
                    }
                }
            }
        }
        eprintln!(
            "records {} candidate pairs {} ({:.1} per record) blocking recall {:.4}",
            records.len(),
            cand.len(),
            cand.len() as f64 / records.len() as f64,
            found as f64 / true_pairs.max(1) as f64
        );
    }
    let pairs = index.link(0.01, &|_| {});
    let mut w = std::io::BufWriter::new(std::fs::File::create(out)?);
    writeln!(w, "left_id,right_id,score")?;
    for p in &pairs {
        writeln!(w, "{},{},{:.4}", p.left, p.right, p.probability)?;
    }
    eprintln!("linked in {:.2}s", t.elapsed().as_secs_f64());
    Ok(())
}
