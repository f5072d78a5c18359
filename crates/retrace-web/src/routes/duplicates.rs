//! The duplicate warning on the request and registration forms (issue
//! 15, item 6): the organisation's own records a new one closely matches,
//! read back through the audited list methods and shown before saving.

use crate::AppState;
use crate::error::WebResult;
use crate::form_values::FormValues;
use crate::identity::Member;
use crate::page::OnPage;
use crate::templates::DuplicateLine;
use retrace_app::matching::Duplicate;
use retrace_domain::ScoreBand;
use retrace_store::{RegistrationFilter, RequestFilter};

/// Whether the caseworker said the new record is a different person.
pub fn confirmed_different(values: &FormValues) -> bool {
    values.is("different_person", "1")
}

/// The requests of `found`, as lines linking to them.
pub async fn request_lines(
    state: &AppState,
    member: &Member,
    found: &[Duplicate],
) -> WebResult<Vec<DuplicateLine>> {
    let ids: Vec<_> = found.iter().filter_map(|d| d.request).collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let filter = RequestFilter {
        only: Some(ids),
        limit: 50,
        ..RequestFilter::default()
    };
    let (rows, _) = state
        .store
        .list_requests(
            &member.audit(state, "duplicate check"),
            &member.scope(),
            &filter,
        )
        .await?;
    Ok(found
        .iter()
        .filter_map(|d| {
            let row = rows.iter().find(|r| Some(r.id) == d.request)?;
            let names: Vec<&str> = row.sought.iter().map(|(_, n)| n.as_str()).collect();
            Some(DuplicateLine {
                href: format!("/requests/{}", row.id),
                label: row.reference.to_string(),
                names: format!("{} → {}", row.enquirer_name, names.join(", ")),
                band: ScoreBand::of(d.score_milli).as_str(),
            })
        })
        .collect())
}

/// The registrations of `found`, as lines linking to them.
pub async fn registration_lines(
    state: &AppState,
    member: &Member,
    found: &[Duplicate],
) -> WebResult<Vec<DuplicateLine>> {
    if found.is_empty() {
        return Ok(Vec::new());
    }
    let filter = RegistrationFilter {
        only: Some(found.iter().map(|d| d.person).collect()),
        limit: 50,
        ..RegistrationFilter::default()
    };
    let (lines, _) = state
        .store
        .list_registrations(
            &member.audit(state, "duplicate check"),
            &member.scope(),
            &filter,
        )
        .await?;
    Ok(found
        .iter()
        .filter_map(|d| {
            let line = lines.iter().find(|l| l.person.id == d.person)?;
            Some(DuplicateLine {
                href: format!("/persons/{}", d.person),
                label: line.person.details.primary_name().to_owned(),
                names: line.person.created_at.on_page(),
                band: ScoreBand::of(d.score_milli).as_str(),
            })
        })
        .collect())
}
