//! The web layer end to end, in-process, over a real database.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed set-up is a failed test"
)]

mod access;
mod api;
mod api_parity;
mod consent_api;
mod contract;
mod digest;
mod directory;
mod form_errors;
mod form_pages;
mod gallery;
mod gallery_uploads;
mod harness;
mod import_csv;
mod indicators;
mod interchange;
mod lists;
mod networks;
mod outreach;
mod practices;
mod privacy;
mod protection;
mod referrals;
mod security;
mod sign_in;
mod subject_access;
mod tracing;
mod tracing_access;
mod transfers;
mod work_queue;
