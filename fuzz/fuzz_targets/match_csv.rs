//! The input of `retrace match`: records.csv read by the command's own
//! reader (`crates/retrace-cli/src/match_records.rs`, compiled here as
//! it is), then indexed and linked as the command does.
#![no_main]

#[allow(dead_code)]
#[path = "../../crates/retrace-cli/src/match_records.rs"]
mod match_records;

use libfuzzer_sys::fuzz_target;
use retrace_matching::{Config, Index};
use std::path::Path;

fuzz_target!(|bytes: &[u8]| {
    let Ok(input) = match_records::parse_records(bytes, Path::new("records.csv")) else {
        return;
    };
    let records = input.records;
    // Linking is quadratic in the worst block; the reader is what is
    // fuzzed, a few records are enough to pass its output on.
    let mut index = Index::new(Config::default());
    for (id, person) in records.iter().take(16) {
        index.add(id, person);
    }
    for pair in index.link(0.0, &|_| {}) {
        assert!((0.0..=1.0).contains(&pair.probability));
    }
});
