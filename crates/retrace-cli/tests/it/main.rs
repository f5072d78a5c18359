//! The `retrace` binary as an operator uses it, and the workspace's
//! dependency rules.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed set-up is a failed test"
)]

mod admin;
mod architecture;
mod import;
mod match_cli;
