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
mod field_keys;
mod http;
mod import;
mod match_cli;
mod scale_out;

use std::path::Path;
use std::process::{Command, Output};

/// The field keys every run of the binary gets (through
/// `RETRACE_FIELD_KEYS`) unless a test is about the key file, so that the
/// tests can read the databases it wrote: see [`open_store`].
pub const TEST_FIELD_KEYS: &str =
    "1:0101010101010101010101010101010101010101010101010101010101010101";

/// Held (shared) by every test that seals or opens values in this process,
/// and alone by the one test that makes another key current for a while:
/// the installed keys are global to the test process.
pub static FIELD_KEYS: tokio::sync::RwLock<()> = tokio::sync::RwLock::const_new(());

/// Runs the binary in `dir` with no settings from the environment and the
/// test field keys.
pub fn retrace(dir: &Path, args: &[&str]) -> Output {
    binary(dir)
        .env("RETRACE_FIELD_KEYS", TEST_FIELD_KEYS)
        .args(args)
        .output()
        .unwrap()
}

/// The binary in `dir` with no settings from the environment, its field
/// keys from the secret key file.
pub fn binary(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_retrace"));
    command
        .current_dir(dir)
        .env_remove("RETRACE_CONFIG")
        .env_remove("RETRACE_DATABASE_URL")
        .env_remove("RETRACE_LISTEN")
        .env_remove("RETRACE_FIELD_KEYS");
    command
}

/// Opens a database the binary wrote with the test field keys, in this
/// process.
pub async fn open_store(url: &str) -> retrace_store_sqlite::SqliteStore {
    install_test_field_keys();
    retrace_store_sqlite::open(url).await.unwrap()
}

/// Makes this test process use [`TEST_FIELD_KEYS`], as the binaries it
/// starts do, before it opens a store of its own.
pub fn install_test_field_keys() {
    use retrace_store::crypto;
    if crypto::installed().is_none() {
        crypto::install(crypto::Keyring::parse_list(TEST_FIELD_KEYS).unwrap(), None);
    }
}

/// Standard output then standard error.
pub fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}
