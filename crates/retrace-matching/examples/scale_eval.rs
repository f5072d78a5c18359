//! Matching at scale (issue 17): index build, memory per person, blocking recall and comparisons per record,
//! candidate recall of top-20 queries, and snapshot write/load time against a rebuild.
//!
//! ```text
//! cargo run --release -p retrace-matching --example scale_eval -- records.csv truth.csv [queries]
//! ```
//! Blocking recall: true pairs among the candidate pairs blocking proposes (before scoring). Missed pairs are
//! classified: no blocking key shared at all, or only keys whose block is over its cap. Candidate recall: of
//! `queries` records (evenly spread) that have another record of the same person, the share whose top 20
//! (the tracing candidate list size) holds one, at any score and at >= 0.3 (the service's candidate bar).

mod common;

use std::collections::HashMap;
use std::io::Write;
use std::time::Instant;

use retrace_matching::{Config, Index, Profile, block_keys};

fn rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(rec), Some(tr)) = (args.get(1), args.get(2)) else {
        anyhow::bail!("usage: scale_eval records.csv truth.csv [queries]");
    };
    let queries: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(2000);
    let records = common::read_records(rec)?;
    let truth = common::read_truth(tr)?;
    // RIVALS=0: queries keep each candidate's own probability (the second stage off), for comparison.
    let config = Config {
        rivals: std::env::var("RIVALS").map_or(true, |v| v != "0"),
        ..Config::default()
    };
    let rss0 = rss_kb();
    let t = Instant::now();
    let mut index = Index::new(config.clone());
    for (id, p) in &records {
        index.add(id, p);
    }
    let build = t.elapsed().as_secs_f64();
    let t = Instant::now();
    index.compact();
    let compact = t.elapsed().as_secs_f64();
    let rss1 = rss_kb();
    let n = records.len().max(1);
    println!(
        "records {} build {:.1}s (compaction {:.2}s) bytes/person {} (estimate) RSS growth {} B/person",
        records.len(),
        build,
        compact,
        index.approx_bytes() / n,
        (rss1.saturating_sub(rss0) * 1024) as usize / n
    );

    let mut ent_size: HashMap<&str, usize> = HashMap::new();
    for e in truth.values() {
        *ent_size.entry(e).or_default() += 1;
    }
    // Snapshot: write to memory, drop the built index, load back (the loaded index answers the queries
    // below), against the rebuild above.
    let t = Instant::now();
    let bytes = index.write_snapshot(42, Vec::new(), |_| Ok(()))?;
    let write = t.elapsed().as_secs_f64();
    let (live, probe) = (index.len(), records.iter().step_by(997).take(200));
    let before: Vec<_> = probe
        .clone()
        .map(|(_, p)| index.top_k(p, 20, None))
        .collect();
    drop(index);
    let rss2 = rss_kb();
    let t = Instant::now();
    let (index, position, ()) =
        Index::read_snapshot(config.clone(), &mut bytes.as_slice(), |_| Ok(()))?;
    let load = t.elapsed().as_secs_f64();
    let rss3 = rss_kb();
    anyhow::ensure!(position == 42 && index.len() == live, "snapshot mismatch");
    let after: Vec<_> = probe.map(|(_, p)| index.top_k(p, 20, None)).collect();
    anyhow::ensure!(before == after, "the loaded index answers otherwise");
    println!(
        "snapshot: {} bytes ({} per person), written in {:.2}s, loaded in {:.2}s (rebuild {:.1}s); loaded index RSS {} B/person, estimate {} B/person",
        bytes.len(),
        bytes.len() / n,
        write,
        load,
        build,
        (rss3.saturating_sub(rss2) * 1024) as usize / n,
        index.approx_bytes() / n
    );
    drop(bytes);
    // Candidate recall of top-20 queries.
    let with_match: Vec<usize> = (0..records.len())
        .filter(|i| {
            truth
                .get(&records[*i].0)
                .is_some_and(|e| ent_size.get(e.as_str()).is_some_and(|k| *k > 1))
        })
        .collect();
    let step = (with_match.len() / queries.max(1)).max(1);
    let (mut asked, mut hit_any, mut hit_bar, mut any_candidate) = (0usize, 0usize, 0usize, 0usize);
    // LOW=path: each query whose true match is listed only below 0.3, with both records and the explanation.
    let mut low = match std::env::var("LOW") {
        Ok(path) => Some(std::io::BufWriter::new(std::fs::File::create(path)?)),
        Err(_) => None,
    };
    // Reliability of the listed probabilities: per tenth, (candidates, sum of probabilities, true ones).
    let mut bins = [(0usize, 0.0f64, 0usize); 10];
    let t = Instant::now();
    for i in with_match.iter().step_by(step).take(queries) {
        let (id, p) = &records[*i];
        let e = truth.get(id);
        let top = index.top_k(p, 20, Some(id));
        asked += 1;
        any_candidate += usize::from(top.iter().any(|c| c.probability >= 0.3));
        let hits: Vec<f64> = top
            .iter()
            .filter(|c| truth.get(&c.id) == e)
            .map(|c| c.probability)
            .collect();
        for c in &top {
            let bin = ((c.probability * 10.0) as usize).min(9);
            bins[bin].0 += 1;
            bins[bin].1 += c.probability;
            bins[bin].2 += usize::from(truth.get(&c.id) == e);
        }
        hit_any += usize::from(!hits.is_empty());
        hit_bar += usize::from(hits.iter().any(|p| *p >= 0.3));
        if let Some(out) = low.as_mut()
            && !hits.is_empty()
            && hits.iter().all(|p| *p < 0.3)
            && let Some(c) = top.iter().find(|c| truth.get(&c.id) == e)
        {
            let other = records.iter().find(|(i, _)| *i == c.id).map(|(_, p)| p);
            writeln!(out, "{p:?}\n{other:?}")?;
            if let Some(x) = index.explain_indexed(id, &c.id) {
                writeln!(out, "{x}")?;
            }
        }
    }
    println!(
        "top-20 candidate recall over {} queries: {:.4} (any score), {:.4} (score >= 0.3); with any candidate >= 0.3: {:.4}; {:.2} ms/query",
        asked,
        hit_any as f64 / asked.max(1) as f64,
        hit_bar as f64 / asked.max(1) as f64,
        any_candidate as f64 / asked.max(1) as f64,
        t.elapsed().as_secs_f64() * 1e3 / asked.max(1) as f64
    );

    let listed: usize = bins.iter().map(|b| b.0).sum();
    let ece: f64 = bins
        .iter()
        .map(|(_, sum, hits)| (sum - *hits as f64).abs())
        .sum::<f64>()
        / listed.max(1) as f64;
    let (bar, bar_true) = bins[3..]
        .iter()
        .fold((0, 0), |(n, t), b| (n + b.0, t + b.2));
    println!(
        "listed candidates: {listed}, expected calibration error {ece:.4}; >= 0.3: {bar}, true {:.4}; per tenth (listed, mean probability, true share): {}",
        bar_true as f64 / bar.max(1) as f64,
        bins.iter()
            .filter(|b| b.0 > 0)
            .map(|(n, sum, hits)| format!(
                "{n}/{:.2}/{:.2}",
                sum / *n as f64,
                *hits as f64 / *n as f64
            ))
            .collect::<Vec<_>>()
            .join(" ")
    );

    if std::env::var("BLOCKING").is_ok_and(|v| v == "0") {
        return Ok(());
    }
    // Blocking recall and comparisons per record.
    let entity = |slot: u32| index.id_of(slot).and_then(|id| truth.get(id));
    let true_pairs: usize = ent_size.values().map(|k| k * (k - 1) / 2).sum();
    let t = Instant::now();
    let (mut pairs, mut found) = (0usize, 0usize);
    index.for_each_candidate_pair(|a, b| {
        pairs += 1;
        if let (Some(x), Some(y)) = (entity(a), entity(b))
            && x == y
        {
            found += 1;
        }
    });
    println!(
        "blocking: {} candidate pairs ({:.1} per record) in {:.1}s, recall {:.4} ({} of {} true pairs)",
        pairs,
        pairs as f64 / n as f64,
        t.elapsed().as_secs_f64(),
        found as f64 / true_pairs.max(1) as f64,
        found,
        true_pairs
    );
    // Why true pairs are missed: no key shared, or only over-full keys shared (by key kind).
    let mut by_entity: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, (id, _)) in records.iter().enumerate() {
        if let Some(e) = truth.get(id) {
            by_entity.entry(e).or_default().push(i);
        }
    }
    let profiles: Vec<Profile> = records
        .iter()
        .map(|(_, p)| Profile::new(p, config.reference_year))
        .collect();
    let (mut none, mut full) = (0usize, [0usize; 8]);
    let mut shown = 0;
    let show: usize = std::env::var("SHOW_MISSED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    for members in by_entity.values() {
        for (x, a) in members.iter().enumerate() {
            for b in &members[x + 1..] {
                let ka = block_keys(&profiles[*a]);
                let kb = block_keys(&profiles[*b]);
                let shared: Vec<u64> = ka.iter().filter(|k| kb.contains(k)).copied().collect();
                let missed = shared.iter().all(|k| index.block_over_cap(*k));
                if missed && shown < show {
                    shown += 1;
                    println!(
                        "missed ({} keys shared):\n  {:?}\n  {:?}",
                        shared.len(),
                        records[*a].1,
                        records[*b].1
                    );
                }
                if shared.is_empty() {
                    none += 1;
                } else if missed {
                    for k in &shared {
                        full[(*k >> 61) as usize] += 1;
                    }
                }
            }
        }
    }
    println!("true pairs sharing no key: {none}; shared over-full keys by kind (1..7): {full:?}");

    Ok(())
}
