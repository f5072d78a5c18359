//! The duplicate warning (issue 15, item 6): before a new request or
//! registration is saved, the organisation's own records it closely
//! matches, found by the matching engine. Nothing of another
//! organisation is ever returned; the caller shows them and saves only
//! once the caseworker says it is a different person.

use crate::input::today;
use crate::matching::Duplicate;
use crate::persons::Registration;
use crate::requests::OpenRequest;
use crate::{Actor, App, AppResult};

/// How likely, at least, a record must be the same person to be shown as
/// a possible duplicate.
pub const WARNING_MIN_PROBABILITY: f64 = 0.8;

/// At most this many possible duplicates are shown.
pub const WARNING_LIMIT: usize = 5;

/// The organisation's requests already looking for someone like a sought
/// person of `input`, one line per request, most likely first. Persons
/// that do not parse are skipped: saving reports their errors.
pub fn of_request(app: &App, actor: &Actor, input: &OpenRequest) -> AppResult<Vec<Duplicate>> {
    actor.require_caseworker()?;
    let today = today(app.clock.now());
    let mut found: Vec<Duplicate> = Vec::new();
    for entry in &input.sought {
        let Ok(details) = entry.person.details("sought", today, false) else {
            continue;
        };
        let like = app.matching().likely_duplicates(
            actor.org(),
            &details,
            true,
            WARNING_MIN_PROBABILITY,
            WARNING_LIMIT,
        );
        for duplicate in like {
            if !found.iter().any(|f| f.request == duplicate.request) {
                found.push(duplicate);
            }
        }
    }
    found.sort_by_key(|d| std::cmp::Reverse(d.score_milli));
    found.truncate(WARNING_LIMIT);
    Ok(found)
}

/// The organisation's registrations like the person of `input`.
pub fn of_registration(
    app: &App,
    actor: &Actor,
    input: &Registration,
) -> AppResult<Vec<Duplicate>> {
    actor.require_caseworker()?;
    let Ok(details) = input
        .person
        .details("person", today(app.clock.now()), false)
    else {
        return Ok(Vec::new());
    };
    Ok(app.matching().likely_duplicates(
        actor.org(),
        &details,
        false,
        WARNING_MIN_PROBABILITY,
        WARNING_LIMIT,
    ))
}
