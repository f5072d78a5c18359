//! The validation steps of the use cases that take no store, clock or
//! matching index, for the fuzz targets in `fuzz/` (ADR 0032): each is the
//! function the use case itself calls, with a fixed day for "today". Not
//! an API: nothing in the workspace calls these.

use crate::AppResult;
use crate::accounts::NewAccountInput;
use crate::directory::DirectoryQuery;
use crate::indicators::YearsInput;
use crate::input::{CircumstancesInput, PersonInput};
use crate::library::DocumentInput;
use crate::persons::ConsentInput;
use crate::referrals::ReferralInput;
use crate::requests::RequestQuery;
use crate::transfers::TransferInput;
use retrace_domain::{Timestamp, UserId};

/// The day the fuzz targets take as today: 2026-06-15.
pub const TODAY: (i32, u8, u8) = (2026, 6, 15);
/// Noon of [`TODAY`], UTC.
fn now() -> Timestamp {
    Timestamp::from_millis(1_781_524_800_000)
}

/// A person of a request or a registration, as `open_request` and
/// `register_person` check it.
pub fn person_details(input: &PersonInput, path: &str, with_contact: bool) -> AppResult<()> {
    input.details(path, TODAY, with_contact).map(drop)
}

/// The circumstances of a separation.
pub fn circumstances(input: &CircumstancesInput) -> AppResult<()> {
    input.parse("circumstances", TODAY).map(drop)
}

pub fn consent(input: &ConsentInput) -> AppResult<()> {
    input.parse().map(drop)
}

pub fn transfer(input: &TransferInput) -> AppResult<()> {
    input.parse().map(drop)
}

pub fn new_account(input: &NewAccountInput) -> AppResult<()> {
    input.parse().map(drop)
}

pub fn referral(input: &ReferralInput) -> AppResult<()> {
    input.parse().map(drop)
}

/// A library document's description and its base64 content.
pub fn document(input: &DocumentInput) -> AppResult<()> {
    input.meta()?;
    input.decoded_content().map(drop)
}

pub fn years(input: &YearsInput) -> AppResult<()> {
    crate::indicators::years(input, TODAY.0).map(drop)
}

/// The request list's filter (the name search of the matching index
/// aside).
pub fn request_query(query: &RequestQuery) -> AppResult<()> {
    crate::requests::query_filter(query, UserId::random()).map(drop)
}

pub fn directory_query(query: &DirectoryQuery) -> AppResult<()> {
    query.filter_at(now()).map(drop)
}

/// A PFIF feed mapped to the persons an import would store: how many,
/// and the refusals as the import reports them. An error here is one that
/// names no field of a record: the import would fail as a whole.
pub fn pfif_feed(feed: &retrace_pfif::Feed) -> AppResult<(usize, Vec<String>)> {
    let (persons, refusals) = crate::interchange::map_feed(feed, now())?;
    Ok((
        persons.len(),
        refusals.iter().map(ToString::to_string).collect(),
    ))
}

/// An outreach session as recorded or synced (built-in topics only).
pub fn session(input: &crate::outreach::SessionInput) -> AppResult<()> {
    input.parse(now(), &[]).map(drop)
}
