//! Tracing requests: opening one, adding a sought person, editing the
//! circumstances, moving the status, and the filter of the request list.

use crate::input::{CircumstancesInput, PersonInput, lenient_text, null_as_default, today};
use crate::{Actor, App, AppError, AppResult, Collect};
use retrace_domain::Problem;
use retrace_domain::{
    ConsentBasis, ConsentGiver, ConsentMethod, ConsentPurpose, CountryCode, LawfulBasis,
    NewConsent, PersonId, Relationship, RequestId, RequestStatus, Role, SharingScope, Text,
    Timestamp, UserId,
};
use retrace_store::{
    FlagFilter, ListOrder, Membership, NewRequest, OpeningConsents, RequestFilter, StoredPerson,
    TracingRequest,
};
use serde::Deserialize;
use std::time::Duration;

/// A new tracing request: the enquirer, the persons they look for, the
/// circumstances of the separation and the consents given at opening.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpenRequest {
    pub enquirer: PersonInput,
    pub sought: Vec<SoughtInput>,
    pub circumstances: CircumstancesInput,
    /// How the enquirer's consent to tracing was given, if it was.
    #[serde(default)]
    pub enquirer_consent_method: Option<String>,
    /// Trace the sought persons in their vital interest.
    #[serde(default)]
    pub vital_interest: bool,
}

/// A sought person and how they relate to the enquirer.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SoughtInput {
    #[serde(deserialize_with = "lenient_text")]
    pub relationship: String,
    pub person: PersonInput,
}

/// Tracing a missing person who cannot be asked rests on their vital
/// interest, decided by the caseworker who records it.
fn vital_interest_consent() -> NewConsent {
    NewConsent {
        purpose: ConsentPurpose::Tracing,
        basis: ConsentBasis::Lawful(LawfulBasis::VitalInterest),
        scope: SharingScope::default(),
        note: None,
    }
}

/// The tracing consent a person (or, for a minor, their guardian) gave in
/// the way `method` names; the error names `field`.
pub(crate) fn tracing_consent(
    field: &str,
    method: &str,
    given_by: ConsentGiver,
) -> AppResult<NewConsent> {
    let method =
        ConsentMethod::parse(method.trim()).map_err(|e| AppError::invalid(field, e.problem))?;
    Ok(NewConsent {
        purpose: ConsentPurpose::Tracing,
        basis: ConsentBasis::Consent { given_by, method },
        scope: SharingScope::default(),
        note: None,
    })
}

fn relationship(field: String, code: &str) -> AppResult<Relationship> {
    Relationship::parse(code.trim()).map_err(|e| AppError::invalid(field, e.problem))
}

/// The enquirer and the sought persons of a request.
fn persons_of(request: &TracingRequest) -> Vec<PersonId> {
    std::iter::once(request.enquirer.id)
        .chain(request.sought.iter().map(|person| person.id))
        .collect()
}

/// Opens a request with its persons and consents in one store call, then
/// indexes its persons for matching.
pub async fn open_request(
    app: &App,
    actor: &Actor,
    input: OpenRequest,
) -> AppResult<TracingRequest> {
    actor.require_caseworker()?;
    let today = today(app.clock.now());
    // Every part is checked and every error reported at once.
    let mut errors = Collect::default();
    let enquirer = errors.take(input.enquirer.details("enquirer", today, true))?;
    if input.sought.is_empty() {
        errors.push("sought", Problem::SoughtRequired);
    }
    let mut sought = Vec::new();
    for (index, entry) in input.sought.iter().enumerate() {
        let relationship = errors.take(relationship(
            format!("sought[{index}].relationship"),
            &entry.relationship,
        ))?;
        let details = errors.take(entry.person.details(
            &format!("sought[{index}].person"),
            today,
            false,
        ))?;
        if let (Some(relationship), Some(details)) = (relationship, details) {
            sought.push((relationship, details));
        }
    }
    let circumstances = errors.take(input.circumstances.parse("circumstances", today))?;
    let enquirer_consent = errors.take(
        input
            .enquirer_consent_method
            .as_deref()
            .map(|method| tracing_consent("enquirer_consent_method", method, ConsentGiver::Person))
            .transpose(),
    )?;
    errors.finish()?;
    let (Some(enquirer), Some(circumstances), Some(enquirer_consent)) =
        (enquirer, circumstances, enquirer_consent)
    else {
        return Err(AppError::Internal(
            "a request part failed without an error".to_owned(),
        ));
    };
    let consents = OpeningConsents {
        enquirer: enquirer_consent,
        each_sought: input.vital_interest.then(vital_interest_consent),
    };
    let new = NewRequest {
        enquirer,
        sought,
        circumstances,
    };
    let request = app
        .store()
        .open_request(
            &actor.audit(app, "tracing request"),
            &actor.scope(),
            &new,
            &consents,
        )
        .await?;
    app.reindex(&persons_of(&request)).await?;
    Ok(request)
}

/// Another person sought by an open request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddSought {
    #[serde(deserialize_with = "lenient_text")]
    pub relationship: String,
    pub person: PersonInput,
    /// Trace this person in their vital interest.
    #[serde(default, deserialize_with = "null_as_default")]
    pub vital_interest: bool,
}

/// Adds a sought person (and their vital-interest basis), then indexes it.
pub async fn add_sought_person(
    app: &App,
    actor: &Actor,
    request: RequestId,
    input: AddSought,
) -> AppResult<StoredPerson> {
    actor.require_caseworker()?;
    let mut errors = Collect::default();
    let relationship = errors.take(relationship("relationship".to_owned(), &input.relationship))?;
    let details = errors.take(
        input
            .person
            .details("person", today(app.clock.now()), false),
    )?;
    errors.finish()?;
    let (Some(relationship), Some(details)) = (relationship, details) else {
        return Err(AppError::Internal(
            "a sought person failed without an error".to_owned(),
        ));
    };
    let audit = actor.audit(app, "add sought person");
    let scope = actor.scope();
    let store = app.store();
    let consent = input.vital_interest.then(vital_interest_consent);
    let person = store
        .add_sought_person(
            &audit,
            &scope,
            request,
            relationship,
            &details,
            consent.as_ref(),
        )
        .await?;
    app.reindex(&[person.id]).await?;
    Ok(person)
}

/// Replaces the circumstances of a request saved at `version`.
pub async fn edit_circumstances(
    app: &App,
    actor: &Actor,
    request: RequestId,
    version: i64,
    input: CircumstancesInput,
) -> AppResult<TracingRequest> {
    actor.require_caseworker()?;
    let circumstances = input.parse("circumstances", today(app.clock.now()))?;
    Ok(app
        .store()
        .update_circumstances(
            &actor.audit(app, "request edit"),
            &actor.scope(),
            request,
            version,
            &circumstances,
        )
        .await?)
}

/// A move of a request's status, with a closure reason when it closes.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangeStatus {
    pub version: i64,
    pub status: String,
    #[serde(default)]
    pub closure_reason: String,
    #[serde(default)]
    pub note: String,
}

/// Moves a request along the status machine. Closing or reopening it
/// changes what it may be matched with; closing takes its gallery entry
/// down.
pub async fn change_status(
    app: &App,
    actor: &Actor,
    request: RequestId,
    input: ChangeStatus,
) -> AppResult<TracingRequest> {
    actor.require_caseworker()?;
    let status = RequestStatus::parse(input.status.trim(), Some(input.closure_reason.trim()))?;
    let note = Text::optional("note", input.note.trim(), 500)?;
    let audit = actor.audit(app, "status change");
    let scope = actor.scope();
    let current = app
        .store()
        .request(&audit, &scope, request)
        .await?
        .ok_or(AppError::NotFound)?;
    if !current.status.may_become(status) {
        return Err(AppError::invalid(
            "status",
            Problem::RequestStatusChange {
                from: current.status.code().to_owned(),
                to: status.code().to_owned(),
            },
        ));
    }
    let media_before = if status.is_closed() {
        app.media_tokens_of(&scope).await?
    } else {
        Vec::new()
    };
    let updated = app
        .store()
        .set_request_status(
            &audit,
            &scope,
            request,
            input.version,
            status,
            note.as_ref(),
        )
        .await?;
    if updated.status.is_closed() != current.status.is_closed() {
        app.reindex(&persons_of(&updated)).await?;
    }
    if updated.status.is_closed() {
        // The store took the request's gallery entry down with the
        // closure; its files go now.
        app.forget_withdrawn_media(&media_before).await?;
    }
    Ok(updated)
}

// ---------------------------------------------------------------- the list

/// Requests on one page of the list.
pub const PAGE_SIZE: u32 = 50;

/// The status codes a request list may be filtered by, in display order.
pub const STATUS_CODES: [&str; 6] = [
    "open",
    "searching",
    "located",
    "contact_restored",
    "reunited",
    "closed",
];

/// The filters of the request list (query parameters, or the export form).
#[derive(Debug, Default, Clone, Deserialize)]
pub struct RequestQuery {
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub nationality: String,
    /// Opened on or after this day (`2026-05-31`).
    #[serde(default)]
    pub from: String,
    /// Opened on or before this day.
    #[serde(default)]
    pub to: String,
    /// Text in the reference or a name.
    #[serde(default)]
    pub q: String,
    /// A name in any script or spelling, searched by the matching index.
    #[serde(default)]
    pub name: String,
    /// `me`: only the requests assigned to the reader ("my requests").
    #[serde(default)]
    pub assigned: String,
    /// `minor` or `at_risk`: only requests with a person so flagged.
    #[serde(default)]
    pub flag: String,
    /// `1`: only requests with a candidate to review.
    #[serde(default)]
    pub review: String,
    /// A [`ListOrder`] code; newest first when empty.
    #[serde(default)]
    pub sort: String,
    #[serde(default)]
    pub page: Option<u32>,
}

/// The store filter of a request list, one page of `PAGE_SIZE`. A name
/// search finds only the actor's organisation's requests.
pub fn request_filter(app: &App, actor: &Actor, query: &RequestQuery) -> AppResult<RequestFilter> {
    actor.require_reader()?;
    let (mut filter, name) = query_filter(query, actor.user())?;
    filter.only = name.map(|name| app.matching().search_requests(actor.org(), name, 500));
    Ok(filter)
}

/// The filter a query asks for, `user` being "me", and the name to search
/// by the matching index, if any. Every filter that cannot be read is
/// named at once.
pub(crate) fn query_filter(
    query: &RequestQuery,
    user: UserId,
) -> AppResult<(RequestFilter, Option<&str>)> {
    let mut errors = Collect::default();
    let status = errors.take(match query.status.trim() {
        "" => Ok(None),
        code if STATUS_CODES.contains(&code) => Ok(Some(code.to_owned())),
        code => Err(unknown_code("status", code)),
    })?;
    let nationality = errors.take(match query.nationality.trim() {
        "" => Ok(None),
        code => CountryCode::parse(code)
            .map(Some)
            .map_err(|e| AppError::invalid("nationality", e.problem)),
    })?;
    let opened_from = errors.take(day("from", &query.from))?;
    let opened_before = errors.take(day("to", &query.to))?;
    let terms = errors.take(search_terms(&query.q, &query.name))?;
    let assigned_to = errors.take(match query.assigned.trim() {
        "" => Ok(None),
        "me" => Ok(Some(user)),
        other => Err(unknown_code("assigned", other)),
    })?;
    let flag = errors.take(flag_filter(&query.flag))?;
    let to_review = errors.take(to_review(&query.review))?;
    let order = errors.take(list_order(&query.sort))?;
    let page = query.page.unwrap_or(1).max(1);
    errors.done(|| {
        let (text, name) = terms?;
        let filter = RequestFilter {
            status: status?,
            nationality: nationality?,
            opened_from: opened_from?,
            opened_before: opened_before?.map(|t| t.plus(Duration::from_secs(86_400))),
            text,
            only: None,
            assigned_to: assigned_to?,
            flag: flag?,
            to_review: to_review?,
            order: order?,
            limit: PAGE_SIZE,
            offset: (page - 1).saturating_mul(PAGE_SIZE),
        };
        Some((filter, name))
    })
}

/// A code that no choice of the form offers.
pub(crate) fn unknown_code(field: &str, value: &str) -> AppError {
    AppError::invalid(
        field,
        Problem::UnknownCode {
            value: value.trim().to_owned(),
        },
    )
}

/// The text (`q`, at most 100 characters) and the name to search by the
/// matching index (`name`, at most 200) of a list's query, when given.
pub(crate) fn search_terms<'a>(
    q: &str,
    name: &'a str,
) -> AppResult<(Option<String>, Option<&'a str>)> {
    let text = Some(q.trim().to_owned()).filter(|q| !q.is_empty());
    if text.as_ref().is_some_and(|t| t.chars().count() > 100) {
        return Err(AppError::invalid("q", Problem::TooLong { max: 100 }));
    }
    let name = Some(name.trim()).filter(|n| !n.is_empty());
    if name.is_some_and(|n| n.chars().count() > 200) {
        return Err(AppError::invalid("name", Problem::TooLong { max: 200 }));
    }
    Ok((text, name))
}

/// A list order code; newest first when empty.
pub(crate) fn list_order(code: &str) -> AppResult<ListOrder> {
    match code.trim() {
        "" => Ok(ListOrder::default()),
        code => ListOrder::parse(code).ok_or_else(|| unknown_code("sort", code)),
    }
}

/// `minor`, `at_risk` or nothing.
pub(crate) fn flag_filter(code: &str) -> AppResult<Option<FlagFilter>> {
    match code.trim() {
        "" => Ok(None),
        code => FlagFilter::parse(code)
            .map(Some)
            .ok_or_else(|| unknown_code("flag", code)),
    }
}

/// `1` asks for lines with a candidate to review.
pub(crate) fn to_review(value: &str) -> AppResult<bool> {
    match value.trim() {
        "" => Ok(false),
        "1" => Ok(true),
        other => Err(unknown_code("review", other)),
    }
}

/// The request's assignment, as chosen on its page or through the API.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Assignment {
    /// A member's id, or empty to take the assignment back.
    #[serde(default, deserialize_with = "lenient_text")]
    pub assignee: String,
}

/// Assigns a request to a caseworker of the same organisation, or takes
/// the assignment back. Another organisation's request or member is
/// "not found"; a member who is not a caseworker is refused by field.
pub async fn assign_request(
    app: &App,
    actor: &Actor,
    request: RequestId,
    input: Assignment,
) -> AppResult<()> {
    actor.require_caseworker()?;
    let scope = actor.scope();
    let to = match input.assignee.trim() {
        "" => None,
        id => {
            let id: UserId = id
                .parse()
                .map_err(|_| AppError::invalid("assignee", Problem::NotAMember))?;
            let member = app
                .store()
                .user_in(&scope, id)
                .await?
                .ok_or_else(|| AppError::invalid("assignee", Problem::NotAMember))?;
            let caseworker = matches!(&member.membership,
                Membership::Member { roles, .. } if roles.contains(Role::Caseworker));
            if member.disabled || !caseworker {
                return Err(AppError::invalid("assignee", Problem::NotActiveCaseworker));
            }
            Some(id)
        }
    };
    let audit = actor.audit(app, "request assignment");
    app.store()
        .assign_request(&audit, &scope, request, to)
        .await?;
    Ok(())
}

/// Midnight (UTC) of a day like `2026-05-31`; `None` when empty.
pub(crate) fn day(field: &'static str, value: &str) -> AppResult<Option<Timestamp>> {
    if value.trim().is_empty() {
        return Ok(None);
    }
    let date = time::Date::parse(
        value.trim(),
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .map_err(|_| AppError::invalid(field, Problem::Date))?;
    let millis = date.midnight().assume_utc().unix_timestamp() * 1000;
    Ok(Some(Timestamp::from_millis(millis)))
}
