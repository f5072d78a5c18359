//! Time of a candidate-list query at scale: `queries` records spread over the file, each asking for its best
//! 60 with the second stage (as the tracing service's lists), alone or sharing one `RivalContexts`
//! (`SHARED=1`, as the lists of one save or one recomputation do). Mean, p50, p99 and max.
//!
//! ```text
//! cargo run --release -p retrace-matching --example query_eval -- records.csv [queries]
//! ```

mod common;

use retrace_matching::{RivalContexts, Wanted};
use std::time::Instant;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let Some(path) = args.get(1) else {
        anyhow::bail!("usage: query_eval records.csv [queries]");
    };
    let queries: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(300);
    let (records, index) = common::indexed(path)?;
    let shared = std::env::var_os("SHARED").is_some();
    let contexts = RivalContexts::new();
    let step = (records.len() / queries.max(1)).max(1);
    let started = Instant::now();
    let mut millis = Vec::with_capacity(queries);
    for (id, person) in records.iter().step_by(step).take(queries) {
        let one = Instant::now();
        let list = if shared {
            index.top_k_remembering(person, 60, Some(id), &contexts, &Wanted::ALL)
        } else {
            index.top_k(person, 60, Some(id))
        };
        std::hint::black_box(list);
        millis.push(one.elapsed().as_secs_f64() * 1000.0);
    }
    let mean = started.elapsed().as_secs_f64() * 1000.0 / millis.len().max(1) as f64;
    println!(
        "records {} queries {} mean {mean:.2} ms {}",
        records.len(),
        millis.len(),
        common::percentiles(&mut millis)
    );
    Ok(())
}
