//! Why two records of a data set score what they score, in the store of the whole set (term frequencies and
//! the prior by store size as in a linkage), for reading false pairs and missed pairs found by `score.py`.
//!
//! ```text
//! cargo run --release -p retrace-matching --example explain_pairs -- records.csv R000001 R000002 [R... R...]
//! ```
//! Per pair: each record's name parts (folded spelling / consonant skeleton / variant group) and father's name,
//! the comparison's non-zero features and the prior, the explanation, and the first record's top candidates
//! (with the second stage, as a tracing query would list them).

mod common;

use std::collections::HashMap;

use anyhow::Context;
use retrace_matching::{Config, FEATURES, Index, Person, Profile};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let Some(path) = args.get(1) else {
        anyhow::bail!("usage: explain_pairs records.csv ID ID [ID ID ...]");
    };
    let ids = &args[2..];
    if ids.is_empty() || !ids.len().is_multiple_of(2) {
        anyhow::bail!("give the records' ids in pairs");
    }
    let records = common::read_records(path)?;
    let config = Config::default();
    let year = config.reference_year;
    let mut index = Index::new(config);
    index.add_all(&records);
    let by_id: HashMap<&str, &Person> = records.iter().map(|(i, p)| (i.as_str(), p)).collect();
    for pair in ids.chunks(2) {
        let (a, b) = (pair[0].as_str(), pair[1].as_str());
        let profile = |id: &str| -> anyhow::Result<Profile> {
            let person = by_id
                .get(id)
                .with_context(|| format!("no record {id} in {path}"))?;
            Ok(Profile::new(person, year))
        };
        let (pa, pb) = (profile(a)?, profile(b)?);
        println!("{a} / {b}");
        for (id, p) in [(a, &pa), (b, &pb)] {
            let parts = |toks: &[retrace_matching::names::Tok]| {
                toks.iter()
                    .map(|t| format!("{}/{}/{}", t.text, t.skel, t.group))
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            println!(
                "  {id}: name {} | father {}",
                parts(&p.name),
                parts(&p.father)
            );
        }
        let comparison = index.compare_profiles(&pa, &pb);
        let features: Vec<String> = FEATURES
            .iter()
            .zip(comparison.x)
            .filter(|(_, v)| *v != 0.0)
            .map(|((name, _), v)| format!("{name}={v:.3}"))
            .collect();
        println!(
            "  {} prior={:.3} rare_place={:.3} born_where_seen={:.3} {:?}",
            features.join(" "),
            comparison.prior,
            comparison.rare_place,
            comparison.born_where_seen,
            comparison.rarities
        );
        if let Some(e) = index.explain_indexed(a, b) {
            print!("{e}");
        }
        for c in index.top_k_of(a, 10).unwrap_or_default() {
            println!("    candidate of {a}: {} {:.3}", c.id, c.probability);
        }
    }
    Ok(())
}
