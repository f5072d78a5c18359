//! Integration tests of the matching engine: properties against a naive reference, explanation snapshots.
// Test helpers outside #[test] functions may fail loudly too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod explain;
mod properties;
mod snapshot;
