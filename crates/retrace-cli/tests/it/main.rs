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
mod crash;
mod http;
mod import;
mod match_cli;
mod scale_out;

use std::path::Path;
use std::process::{Command, Output};

/// Runs the binary in `dir` with no settings from the environment.
pub fn retrace(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_retrace"))
        .current_dir(dir)
        .env_remove("RETRACE_CONFIG")
        .env_remove("RETRACE_DATABASE_URL")
        .env_remove("RETRACE_LISTEN")
        .args(args)
        .output()
        .unwrap()
}

/// Standard output then standard error.
pub fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}
