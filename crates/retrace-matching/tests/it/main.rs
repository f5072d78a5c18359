//! Integration tests of the matching engine: properties against a naive reference, explanation snapshots.

mod explain;
mod properties;
