//! The use cases against a real (SQLite) store: the role rule, one input
//! for JSON and forms, and the index updated after the change.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed set-up is a failed test"
)]

mod bulk_lists;
mod interchange;
mod matching_snapshot;
mod outreach;
mod recovery;
mod requests;
