//! Erasure of a person (issue 16, item 2): the store erases every row in
//! one transaction, then this module reaches the copies outside the
//! database: the matching index (and the candidate lists it recomputes),
//! the gallery's files and public page cache, and the database's free
//! space. See `docs/adr/0018-retention-erasure-subject-access.md`.
//! Also the subject-access export (item 3), `docs/adr/0025-subject-access.md`.

use crate::{Actor, App, AppError, AppResult};
use retrace_domain::Problem;
use retrace_domain::{ConsentId, ConsentPurpose, ConsentRecord, PersonId, Timestamp};
use retrace_store::{AuditContext, Erasure, NamedOrg, OrgScope, SubjectAccess};

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
        return Err(AppError::invalid("confirm", Problem::ConfirmErasure));
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

/// A subject-access export: everything held on one person
/// ([`SubjectAccess`]) with, for each release and transfer, the sharing
/// consents that were in force for its receiving organisation when it was
/// made. See `docs/adr/0025-subject-access.md`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectAccessExport {
    pub access: SubjectAccess,
    pub exported_at: Timestamp,
    /// One list per entry of `access.releases`, in the same order.
    pub release_consents: Vec<Vec<ConsentId>>,
    /// One list per entry of `access.transfers`, in the same order.
    pub transfer_consents: Vec<Vec<ConsentId>>,
}

/// The organisation administrator reads everything held on one of the
/// organisation's persons, to give it to that person; the reading is
/// audited as `subject_access_exported` in the same transaction.
/// `Forbidden` for any other role (a caseworker sees the case, not who
/// read it); another organisation's person is `Store(NotFound)`.
pub async fn subject_access(
    app: &App,
    actor: &Actor,
    person: PersonId,
) -> AppResult<SubjectAccessExport> {
    actor.require_org_admin()?;
    let audit = actor.audit(app, "subject access");
    let access = app
        .store()
        .subject_access(&audit, &actor.scope(), person)
        .await?;
    let in_force = |org: &NamedOrg, at: Timestamp| -> Vec<ConsentId> {
        sharing_consents_at(&access.consents, org, at)
    };
    let release_consents = access
        .releases
        .iter()
        .map(|r| in_force(&r.to_org, r.released_at))
        .collect();
    let transfer_consents = access
        .transfers
        .iter()
        .map(|t| in_force(&t.to_org, t.created_at))
        .collect();
    Ok(SubjectAccessExport {
        exported_at: audit.at,
        release_consents,
        transfer_consents,
        access,
    })
}

/// The sharing consents recorded by `at`, not withdrawn by then, whose
/// scope covers `org`.
fn sharing_consents_at(
    consents: &[ConsentRecord],
    org: &NamedOrg,
    at: Timestamp,
) -> Vec<ConsentId> {
    consents
        .iter()
        .filter(|c| {
            c.purpose == ConsentPurpose::Sharing
                && c.recorded_at <= at
                && c.withdrawn_at.is_none_or(|w| w > at)
                && c.scope.covers(org.id, org.country)
        })
        .map(|c| c.id)
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "test code")]

    use super::*;
    use retrace_domain::{
        ConsentBasis, ConsentGiver, ConsentMethod, CountryCode, OrgId, SharingScope, UserId,
    };

    fn sharing(countries: &[&str], recorded: i64, withdrawn: Option<i64>) -> ConsentRecord {
        ConsentRecord {
            id: ConsentId::random(),
            person: PersonId::random(),
            purpose: ConsentPurpose::Sharing,
            basis: ConsentBasis::Consent {
                given_by: ConsentGiver::Person,
                method: ConsentMethod::Oral,
            },
            scope: SharingScope {
                organisations: Vec::new(),
                countries: countries
                    .iter()
                    .map(|c| CountryCode::parse(c).unwrap())
                    .collect(),
            },
            note: None,
            recorded_by: UserId::random(),
            recorded_at: Timestamp::from_millis(recorded),
            withdrawn_at: withdrawn.map(Timestamp::from_millis),
            withdrawn_by: withdrawn.map(|_| UserId::random()),
        }
    }

    #[test]
    fn a_release_is_under_the_sharing_consents_covering_its_receiver_then() {
        let belgium = NamedOrg {
            id: OrgId::random(),
            name: "Belgian Red Cross".to_owned(),
            country: CountryCode::parse("BE").unwrap(),
        };
        let covering = sharing(&["BE"], 10, None);
        let later = sharing(&["BE"], 30, None);
        let withdrawn_before = sharing(&["BE"], 5, Some(15));
        let withdrawn_after = sharing(&["BE"], 5, Some(25));
        let elsewhere = sharing(&["FR"], 10, None);
        let mut tracing = sharing(&["BE"], 10, None);
        tracing.purpose = ConsentPurpose::Tracing;
        let ledger = [
            covering.clone(),
            later,
            withdrawn_before,
            withdrawn_after.clone(),
            elsewhere,
            tracing,
        ];
        assert_eq!(
            sharing_consents_at(&ledger, &belgium, Timestamp::from_millis(20)),
            vec![covering.id, withdrawn_after.id]
        );
        assert!(sharing_consents_at(&ledger, &belgium, Timestamp::from_millis(1)).is_empty());
    }
}
