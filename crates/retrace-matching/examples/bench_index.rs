//! Index benchmark: build time, approximate bytes per indexed person, and top-10 query latency.
//!
//! ```text
//! cargo run --release -p retrace-matching --example bench_index -- records.csv [queries]
//! ```

mod common;

use std::time::Instant;

use retrace_matching::{Config, Index};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let Some(path) = args.get(1) else {
        anyhow::bail!("usage: bench_index records.csv [queries]")
    };
    let queries: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(2000);
    let records = common::read_records(path)?;
    let t = Instant::now();
    let mut index = Index::new(Config::default());
    for (id, p) in &records {
        index.add(id, p);
    }
    let build = t.elapsed();
    let bytes = index.approx_bytes();
    let mut lat = Vec::with_capacity(queries);
    let step = (records.len() / queries.max(1)).max(1);
    for (id, p) in records.iter().step_by(step).take(queries) {
        let t = Instant::now();
        let top = index.top_k(p, 10, Some(id));
        lat.push(t.elapsed().as_secs_f64() * 1e3);
        std::hint::black_box(top);
    }
    lat.sort_by(f64::total_cmp);
    let q = |f: f64| {
        lat.get(((lat.len() as f64 * f) as usize).min(lat.len().saturating_sub(1)))
            .copied()
            .unwrap_or(0.0)
    };
    println!(
        "records {} build {:.1}s bytes/person {} top-10 queries {} p50 {:.3} ms p99 {:.3} ms max {:.3} ms",
        records.len(),
        build.as_secs_f64(),
        bytes / records.len().max(1),
        lat.len(),
        q(0.5),
        q(0.99),
        q(1.0)
    );
    Ok(())
}
