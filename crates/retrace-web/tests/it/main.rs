//! The web layer end to end, in-process, over a real database.

mod access;
mod api;
mod harness;
mod security;
mod sign_in;
