//! CSV loading shared by the examples (the library itself does no I/O).
#![allow(dead_code)]

use std::collections::HashMap;

use anyhow::Context;
use retrace_matching::Person;

pub fn read_records(path: &str) -> anyhow::Result<Vec<(String, Person)>> {
    let mut rdr = csv::Reader::from_path(path).with_context(|| format!("open {path}"))?;
    let h = rdr.headers()?.clone();
    let c = |n: &str| {
        h.iter()
            .position(|x| x == n)
            .with_context(|| format!("missing column {n}"))
    };
    let cols = [
        c("id")?,
        c("full_name")?,
        c("sex")?,
        c("birth_date")?,
        c("age")?,
        c("father_name")?,
        c("mother_name")?,
        c("birth_place")?,
        c("nationality")?,
        c("last_seen_place")?,
    ];
    let mut out = Vec::new();
    for r in rdr.records() {
        let r = r?;
        let g = |i: usize| r.get(cols[i]).unwrap_or("").to_string();
        out.push((
            g(0),
            Person {
                full_name: g(1),
                sex: g(2),
                birth_date: g(3),
                age: g(4).parse().ok(),
                father_name: g(5),
                mother_name: g(6),
                birth_place: g(7),
                nationality: g(8),
                last_seen_place: g(9),
            },
        ));
    }
    Ok(out)
}

pub fn read_truth(path: &str) -> anyhow::Result<HashMap<String, String>> {
    let mut rdr = csv::Reader::from_path(path).with_context(|| format!("open {path}"))?;
    let mut m = HashMap::new();
    for r in rdr.records() {
        let r = r?;
        m.insert(
            r.get(0).unwrap_or("").to_string(),
            r.get(1).unwrap_or("").to_string(),
        );
    }
    Ok(m)
}

/// The records of `path` in a compacted index with the default configuration.
#[allow(dead_code, reason = "not every example builds an index this way")]
pub fn indexed(path: &str) -> anyhow::Result<(Vec<(String, Person)>, retrace_matching::Index)> {
    let records = read_records(path)?;
    let mut index = retrace_matching::Index::new(retrace_matching::Config::default());
    for (id, person) in &records {
        index.add(id, person);
    }
    index.compact();
    Ok((records, index))
}

/// "p50 … ms p99 … ms max … ms" of `millis`, sorted here.
#[allow(dead_code, reason = "not every example times queries")]
pub fn percentiles(millis: &mut [f64]) -> String {
    millis.sort_by(f64::total_cmp);
    let at = |q: f64| {
        millis
            .get(((millis.len() as f64 - 1.0) * q) as usize)
            .copied()
            .unwrap_or(0.0)
    };
    format!(
        "p50 {:.1} ms p99 {:.1} ms max {:.1} ms",
        at(0.5),
        at(0.99),
        at(1.0)
    )
}
