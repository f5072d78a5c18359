//! The rarities of the values each listed pair agrees on (ADR 0069), for fitting what they add:
//! `bench/rarity_fit.py` reads this beside the data set's truth.
//!
//! ```text
//! cargo run --release -p retrace-matching --example rarity_dump -- records.csv pairs.csv > rarities.csv
//! ```
//! `pairs.csv` is a linkage's output (`left_id,right_id,score`); each of its pairs is written with the rarity in
//! the store of the whole set of its agreeing father's name, mother's name and whole birth date (empty where
//! they do not agree): `left_id,right_id,score,father,mother,date`.

mod common;

use std::collections::HashMap;
use std::io::Write;

use anyhow::Context;
use retrace_matching::{Config, Index, Person, Profile};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(records_path), Some(pairs_path)) = (args.get(1), args.get(2)) else {
        anyhow::bail!("usage: rarity_dump records.csv pairs.csv");
    };
    let records = common::read_records(records_path)?;
    let config = Config::default();
    let year = config.reference_year;
    let mut index = Index::new(config);
    index.add_all(&records);
    let by_id: HashMap<&str, &Person> = records.iter().map(|(i, p)| (i.as_str(), p)).collect();
    let profile = |id: &str| -> anyhow::Result<Profile> {
        let person = by_id
            .get(id)
            .with_context(|| format!("no record {id} in {records_path}"))?;
        Ok(Profile::new(person, year))
    };
    let mut pairs = csv::Reader::from_path(pairs_path)?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    writeln!(out, "left_id,right_id,score,father,mother,date")?;
    let show = |r: Option<f64>| r.map(|r| format!("{r:.4}")).unwrap_or_default();
    for row in pairs.records() {
        let row = row?;
        let (a, b, score) = (&row[0], &row[1], &row[2]);
        let rarities = index.compare_profiles(&profile(a)?, &profile(b)?).rarities;
        writeln!(
            out,
            "{a},{b},{score},{},{},{}",
            show(rarities.father),
            show(rarities.mother),
            show(rarities.date)
        )?;
    }
    out.flush()?;
    Ok(())
}
