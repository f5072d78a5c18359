//! Export of the organisation's tracing requests as CSV. A bulk export is
//! the easiest way to sell cases, so it needs a stated reason and the
//! password again, keeps that reason in an erasable export record (the
//! audit log names only the record, as the reason may name people), and leaves
//! out what consent no longer allows: persons whose tracing consent was
//! withdrawn and persons at risk appear only as a marker.

use crate::accounts::reconfirm_password;
use crate::requests::{RequestQuery, request_filter};
use crate::spreadsheet::safe_cell;
use crate::{Actor, App, AppError, AppResult};
use retrace_domain::Problem;
use retrace_domain::{ConsentLedger, ConsentRecord, PersonDetails, PersonId};
use retrace_store::{ExportedRequest, PersonRole, StoredPerson};
use std::collections::HashMap;

/// Rows one export may hold.
pub const MAX_ROWS: u32 = 5000;

/// What the export form sends: why, the password again, and the filters
/// of the request list.
#[derive(Debug, Clone)]
pub struct ExportInput {
    pub reason: String,
    pub confirmation: Reconfirmation,
    pub query: RequestQuery,
}

/// How the caller showed, at the moment of an export, that it is still
/// them: the password typed again on the page, or an API token that was
/// issued with the `export` scope (checked by the web layer before the use
/// case runs).
#[derive(Debug, Clone)]
pub enum Reconfirmation {
    Password(String),
    ExportScopedToken,
}

/// The CSV of the requests the filters select, at most `MAX_ROWS`.
/// Refusals name `reason` (10 to 300 characters) or `password`.
pub async fn export_requests(app: &App, actor: &Actor, input: ExportInput) -> AppResult<Vec<u8>> {
    actor.require_caseworker()?;
    let reason = input.reason.trim();
    let length = reason.chars().count();
    if !(10..=300).contains(&length) {
        return Err(AppError::invalid(
            "reason",
            Problem::ExportReason { min: 10, max: 300 },
        ));
    }
    if let Reconfirmation::Password(password) = &input.confirmation
        && !reconfirm_password(app, actor.user(), password).await?
    {
        return Err(AppError::invalid("password", Problem::NotYourPassword));
    }
    let filter = request_filter(app, actor, &input.query)?;
    let export = app
        .store()
        .export_requests(
            &actor.audit(app, "export"),
            &actor.scope(),
            &filter,
            MAX_ROWS,
            reason,
        )
        .await?;
    let csv_failed = |err: csv::Error| AppError::Internal(format!("csv: {err}"));
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record([
            "reference",
            "status",
            "opened",
            "enquirer",
            "sought",
            "nationalities",
        ])
        .map_err(csv_failed)?;
    for ExportedRequest { request, consents } in &export.requests {
        let mut nationalities = Vec::new();
        let enquirer = exported_name(&request.enquirer, consents, &mut nationalities);
        let mut sought = Vec::new();
        for person in &request.sought {
            let name = exported_name(person, consents, &mut nationalities);
            let relationship = match person.role {
                PersonRole::Sought(r) => r.as_str(),
                _ => "",
            };
            sought.push(format!("{relationship}: {name}"));
        }
        nationalities.sort();
        nationalities.dedup();
        let cells = [
            request.reference.to_string(),
            request.status.code().to_owned(),
            request.created_at.rfc3339(),
            enquirer,
            sought.join("; "),
            nationalities.join(" "),
        ];
        writer
            .write_record(cells.iter().map(|cell| safe_cell(cell)))
            .map_err(csv_failed)?;
    }
    writer
        .into_inner()
        .map_err(|err| AppError::Internal(format!("csv: {err}")))
}

/// The person's names, or a marker when consent or risk forbids export.
fn exported_name(
    person: &StoredPerson,
    consents: &HashMap<PersonId, Vec<ConsentRecord>>,
    nationalities: &mut Vec<String>,
) -> String {
    if person.details.flags.at_risk {
        return "[at risk: not exported]".to_owned();
    }
    let ledger = consents.get(&person.id).map(Vec::as_slice).unwrap_or(&[]);
    if ConsentLedger(ledger).tracing_withdrawn() {
        return "[consent withdrawn: not exported]".to_owned();
    }
    nationalities.extend(
        person
            .details
            .nationalities
            .iter()
            .map(|c| c.as_str().to_owned()),
    );
    names(&person.details)
}

fn names(details: &PersonDetails) -> String {
    details
        .names()
        .iter()
        .map(|name| name.full().to_owned())
        .collect::<Vec<_>>()
        .join(" / ")
}
