//! Erasure of a person (issue 16, item 2): the store erases every row in
//! one transaction, then this module reaches the copies outside the
//! database: the matching index (and the candidate lists it recomputes),
//! the gallery's files and public page cache, and the database's free
//! space. See `docs/adr/0018-retention-erasure-subject-access.md`.

use crate::{Actor, App, AppError, AppResult};
use retrace_domain::PersonId;
use retrace_store::{AuditContext, Erasure, OrgScope};

/// The organisation administrator erases one of the organisation's
/// persons (an enquirer with the whole request), having confirmed it
/// (`Invalid { field: "confirm" }` otherwise). `Forbidden` for any other
/// role; another organisation's person is `Store(NotFound)`.
pub async fn erase_person(
    app: &App,
    actor: &Actor,
    person: PersonId,
    confirmed: bool,
) -> AppResult<Erasure> {
    actor.require_org_admin()?;
    if !confirmed {
        return Err(AppError::invalid(
            "confirm",
            "confirm that everything held on the person is to be erased",
        ));
    }
    erase_in(app, &actor.audit(app, "erasure"), &actor.scope(), person).await
}

/// [`erase_person`] without the role check, for the command line (the
/// platform operator acting for the organisation named on it).
pub async fn erase_in(
    app: &App,
    audit: &AuditContext,
    scope: &OrgScope,
    person: PersonId,
) -> AppResult<Erasure> {
    let erasure = app.store().erase_person(audit, scope, person).await?;
    forget_erased(app, &erasure).await?;
    Ok(erasure)
}

/// Reaches the copies of an erasure committed by this process or another
/// (the command line while the server runs): index, files, cache, free
/// space.
pub async fn forget_erased(app: &App, erasure: &Erasure) -> AppResult<()> {
    app.gallery_cache().clear();
    let media: Vec<&str> = erasure.media.iter().map(String::as_str).collect();
    app.media().delete(&media).await.map_err(AppError::media)?;
    forget_in_index(app, &erasure.persons).await?;
    app.store().reclaim_free_space().await?;
    Ok(())
}

/// Removes erased persons from the matching index and recomputes the
/// candidate lists they were on.
async fn forget_in_index(app: &App, persons: &[PersonId]) -> AppResult<()> {
    let now = app.clock().now();
    for person in persons {
        app.matching()
            .person_changed(app.store(), *person, now)
            .await?;
    }
    Ok(())
}

/// For a server: removes from its matching index the persons another
/// process erased after audit entry `after` (the command line), and
/// returns the last entry seen, to ask from there next time.
pub async fn catch_up_with_erasures(app: &App, after: i64) -> AppResult<i64> {
    let (last, persons) = app.store().erased_persons_since(after).await?;
    let known: Vec<PersonId> = persons
        .into_iter()
        .filter(|person| app.matching().contains(*person))
        .collect();
    if !known.is_empty() {
        app.gallery_cache().clear();
        forget_in_index(app, &known).await?;
    }
    Ok(last)
}
