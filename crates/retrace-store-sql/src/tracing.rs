//! Tracing: requests, persons, consent ledgers, match candidates and
//! family messages. Every write (and every audited read) runs in one write
//! transaction with its audit entry; rows that a change reads before
//! writing are locked with the dialect's `FOR_UPDATE`.
//! Row conversion and JSON live in `retrace_store::backend`.

use crate::{Conn, DbRow, Dialect, Sql, SqlStore, Value, begin_with, db_error, event, json_values};
use async_trait::async_trait;
use retrace_store::TracingStore;
use retrace_store::crypto;
use sqlx::migrate::Migrate;
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Pool, Type};

use retrace_domain::{
    AuditAction, CandidateId, CandidateStatus, CaseReference, Circumstances, ConsentId,
    ConsentRecord, CountryCode, ExportId, MessageDirection, MessageId, MessageStatus, NewConsent,
    ObjectKind, OrgId, PersonDetails, PersonId, RegistrationKind, Relationship, RequestId,
    RequestStatus, Text, UserId,
};
use retrace_store::backend::{
    self, CandidateRow, ConsentRow, MessageHistoryRow, MessageRow, PersonRow, ReleaseColumns,
    RequestRow, ReviewColumns, Side, StatusRow,
};
use retrace_store::{
    AuditContext, CandidateCounts, CandidateView, Export, ExportRecord, ExportedRequest,
    FamilyMessage, FlagFilter, ListOrder, MatchablePerson, NewCandidate, NewRequest,
    OpeningConsents, OrgScope, PersonRole, RegistrationFilter, RegistrationSummary, ReleaseOutcome,
    ReleasedPerson, RequestFilter, RequestSummary, StatusChange, StoreError, StoreResult,
    StoredPerson, TracingRequest,
};
use sqlx::{Row, Transaction};
use std::collections::HashMap;

/// Page size when none is given.
const DEFAULT_LIMIT: u32 = 50;
const MAX_LIMIT: u32 = 1000;

macro_rules! person_columns {
    () => {
        "p.id, p.org_id, p.request_id, p.role, p.relationship, p.registration_kind, p.details, \
         p.version, p.created_at, p.updated_at"
    };
}

macro_rules! request_columns {
    () => {
        "r.id, r.org_id, r.reference, r.status, r.closure_reason, r.circumstances, r.version, \
         r.assigned_to, r.created_at, r.updated_at"
    };
}

/// The columns of `person_columns!` and `request_columns!` for other
/// modules' queries.
pub(crate) const PERSON_COLUMNS: &str = person_columns!();
pub(crate) const REQUEST_COLUMNS: &str = request_columns!();

macro_rules! consent_columns {
    () => {
        "c.id, c.person_id, c.purpose, c.terms, c.recorded_by, c.recorded_at, c.withdrawn_at, \
         c.withdrawn_by"
    };
}

macro_rules! candidate_columns {
    () => {
        "k.id, k.sought_id, k.sought_org, k.other_id, k.other_org, k.score_milli, k.explanation, \
         k.sought_status, k.sought_reason, k.sought_reviewed_by, k.sought_reviewed_at, \
         k.other_status, k.other_reason, k.other_reviewed_by, k.other_reviewed_at, \
         k.sought_approvals, k.sought_released_at, k.other_approvals, k.other_released_at, \
         k.created_at, k.updated_at"
    };
}

macro_rules! matchable_select {
    () => {
        concat!(
            "SELECT ",
            person_columns!(),
            ", o.country AS org_country, r.status AS request_status \
             FROM persons p JOIN organisations o ON o.id = p.org_id \
             LEFT JOIN tracing_requests r ON r.id = p.request_id"
        )
    };
}

impl<D> Sql<D>
where
    D: Dialect,
    for<'c> &'c mut Conn<D>: Executor<'c, Database = D::Db>,
    Conn<D>: Migrate,
    <D::Db as Database>::Arguments: IntoArguments<D::Db>,
    for<'a> &'a str: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db> + ColumnIndex<DbRow<D>>,
    for<'a> String: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> i64: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> bool: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> Vec<u8>: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> Option<&'a str>: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> Option<String>: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> Option<i64>: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> Option<Vec<u8>>: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    usize: ColumnIndex<DbRow<D>>,
{
    /// The request-list filter after `prefix` (`SELECT …`): only the
    /// conditions the filter sets, so that the database can use the indexes on
    /// `(org_id, status, created_at)` and on the request id for a name search
    /// (a `$n IS NULL OR …` condition defeats them).
    fn request_filter<'a>(
        prefix: &str,
        org: OrgId,
        filter: &'a RequestFilter,
        nationality: Option<&'a str>,
        text: Option<&'a str>,
        only: Option<&'a str>,
    ) -> sqlx::QueryBuilder<D::Db> {
        let mut query = sqlx::QueryBuilder::new(prefix);
        query.push(" FROM tracing_requests r WHERE r.org_id = ");
        query.push_bind(org.to_string());
        if let Some(status) = filter.status.as_deref() {
            query.push(" AND r.status = ").push_bind(status.to_owned());
        }
        if let Some(nationality) = nationality {
            query
                .push(" AND EXISTS (SELECT 1 FROM persons p WHERE p.request_id = r.id AND p.nationalities LIKE ")
                .push_bind(nationality.to_owned())
                .push(")");
        }
        if let Some(from) = filter.opened_from {
            query
                .push(" AND r.created_at >= ")
                .push_bind(from.as_millis());
        }
        if let Some(before) = filter.opened_before {
            query
                .push(" AND r.created_at < ")
                .push_bind(before.as_millis());
        }
        if let Some(text) = text {
            query
                .push(" AND (r.reference_key LIKE ")
                .push_bind(text.to_owned())
                .push(" ESCAPE '\\' OR EXISTS (SELECT 1 FROM persons p WHERE p.request_id = r.id AND p.search_text LIKE ")
                .push_bind(text.to_owned())
                .push(" ESCAPE '\\'))");
        }
        if let Some(only) = only {
            query
                .push(" AND r.id IN (")
                .push(D::JSON_VALUES.0)
                .push_bind(only.to_owned())
                .push(D::JSON_VALUES.1)
                .push(")");
        }
        if let Some(user) = filter.assigned_to {
            query
                .push(" AND r.assigned_to = ")
                .push_bind(user.to_string());
        }
        if let Some(flag) = filter.flag {
            query.push(request_flagged("r.id", flag));
        }
        if filter.to_review {
            query.push(request_has_candidate("r.id", "r.org_id", true));
        }
        query
    }

    /// The registration-list filter after `prefix`, like `request_filter`.
    fn registration_filter<'a>(
        prefix: &str,
        org: OrgId,
        filter: &'a RegistrationFilter,
        text: Option<&'a str>,
        only: Option<&'a str>,
    ) -> sqlx::QueryBuilder<D::Db> {
        let mut query = sqlx::QueryBuilder::new(prefix);
        query.push(" FROM persons p WHERE p.org_id = ");
        query.push_bind(org.to_string());
        query.push(" AND p.role = 'registered'");
        if let Some(kind) = filter.kind {
            query
                .push(" AND p.registration_kind = ")
                .push_bind(kind.as_str().to_owned());
        }
        if let Some(flag) = filter.flag {
            query.push(" AND ").push(flag_column(flag));
        }
        if let Some(text) = text {
            query
                .push(" AND p.search_text LIKE ")
                .push_bind(text.to_owned())
                .push(" ESCAPE '\\'");
        }
        if let Some(only) = only {
            query
                .push(" AND p.id IN (")
                .push(D::JSON_VALUES.0)
                .push_bind(only.to_owned())
                .push(D::JSON_VALUES.1)
                .push(")");
        }
        if filter.to_review {
            query.push(person_has_candidate(true));
        }
        query
    }

    /// Candidate counts on the organisation's own side, keyed by `owner`
    /// (`p.request_id` or `p.id`) of the persons whose `owner` is in the
    /// JSON list `ids`.
    pub(crate) async fn candidate_counts(
        conn: &mut Conn<D>,
        owner: &str,
        ids: &str,
    ) -> StoreResult<HashMap<String, CandidateCounts>> {
        let list = json_values::<D>("$1");
        let rows: Vec<(String, i64, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT owner_id, COUNT(*), SUM(pending) FROM ( \
               SELECT {owner} AS owner_id, \
                 CASE WHEN k.sought_status = 'proposed' THEN 1 ELSE 0 END AS pending \
               FROM persons p JOIN candidates k ON k.sought_id = p.id AND k.sought_org = p.org_id \
               WHERE {owner} IN ({list}) \
             UNION ALL \
               SELECT {owner} AS owner_id, \
                 CASE WHEN k.other_status = 'proposed' THEN 1 ELSE 0 END AS pending \
               FROM persons p JOIN candidates k ON k.other_id = p.id AND k.other_org = p.org_id \
               WHERE {owner} IN ({list}) \
             ) t GROUP BY owner_id"
        )))
        .bind(ids)
        .fetch_all(&mut *conn)
        .await
        .map_err(db_error)?;
        Ok(rows
            .into_iter()
            .map(|(owner, total, pending)| {
                let counts = CandidateCounts {
                    total: u32::try_from(total).unwrap_or(u32::MAX),
                    to_review: u32::try_from(pending).unwrap_or(u32::MAX),
                };
                (owner, counts)
            })
            .collect())
    }

    pub(crate) async fn begin(pool: &Pool<D::Db>) -> StoreResult<Transaction<'static, D::Db>> {
        begin_with(pool, D::BEGIN_WRITE).await
    }

    /// A person's row with its details opened.
    fn person_row(row: &DbRow<D>) -> StoreResult<PersonRow> {
        let mut person = (|| {
            Ok::<_, sqlx::Error>(read_row!(row => PersonRow {
                id, org_id, request_id, role, relationship, registration_kind, details, version,
                created_at, updated_at
            }))
        })()
        .map_err(db_error)?;
        person.details = crypto::open(crypto::PERSON_DETAILS, &person.id, &person.details)?;
        Ok(person)
    }

    pub(crate) fn person(row: &DbRow<D>) -> StoreResult<StoredPerson> {
        Self::person_row(row)?.into_person()
    }

    /// A request's row with its circumstances opened.
    pub(crate) fn request_row(row: &DbRow<D>) -> StoreResult<RequestRow> {
        let mut request = (|| {
            Ok::<_, sqlx::Error>(read_row!(row => RequestRow {
                id, org_id, reference, status, closure_reason, circumstances, version,
                assigned_to, created_at, updated_at
            }))
        })()
        .map_err(db_error)?;
        request.circumstances = crypto::open(
            crypto::REQUEST_CIRCUMSTANCES,
            &request.id,
            &request.circumstances,
        )?;
        Ok(request)
    }

    pub(crate) fn consent(row: &DbRow<D>) -> StoreResult<ConsentRecord> {
        let row = (|| {
            Ok::<_, sqlx::Error>(read_row!(row => ConsentRow {
                id, person_id, purpose, terms, recorded_by, recorded_at, withdrawn_at,
                withdrawn_by
            }))
        })()
        .map_err(db_error)?;
        row.into_record()
    }

    pub(crate) fn candidate(row: &DbRow<D>) -> StoreResult<CandidateView> {
        let review = |side: &str| -> Result<ReviewColumns, sqlx::Error> {
            Ok(ReviewColumns {
                status: row.try_get(format!("{side}_status").as_str())?,
                reason: row.try_get(format!("{side}_reason").as_str())?,
                by: row.try_get(format!("{side}_reviewed_by").as_str())?,
                at: row.try_get(format!("{side}_reviewed_at").as_str())?,
            })
        };
        let release = |side: &str| -> Result<ReleaseColumns, sqlx::Error> {
            Ok(ReleaseColumns {
                approvals: row.try_get(format!("{side}_approvals").as_str())?,
                released_at: row.try_get(format!("{side}_released_at").as_str())?,
            })
        };
        let row = (|| {
            Ok::<_, sqlx::Error>(CandidateRow {
                id: row.try_get("id")?,
                sought_id: row.try_get("sought_id")?,
                sought_org: row.try_get("sought_org")?,
                other_id: row.try_get("other_id")?,
                other_org: row.try_get("other_org")?,
                score_milli: row.try_get("score_milli")?,
                explanation: row.try_get("explanation")?,
                sought_review: review("sought")?,
                other_review: review("other")?,
                sought_release: release("sought")?,
                other_release: release("other")?,
                created_at: row.try_get("created_at")?,
                updated_at: row.try_get("updated_at")?,
            })
        })()
        .map_err(db_error)?;
        row.into_view()
    }

    /// A family message's row with its body opened.
    pub(crate) fn message_row(row: &DbRow<D>) -> StoreResult<MessageRow> {
        let mut message = (|| {
            Ok::<_, sqlx::Error>(read_row!(row => MessageRow {
                id, candidate_id, direction, body, status, created_at
            }))
        })()
        .map_err(db_error)?;
        message.body = crypto::open(crypto::MESSAGE_BODY, &message.id, &message.body)?;
        Ok(message)
    }

    pub(crate) async fn org_country(
        conn: &mut Conn<D>,
        org: OrgId,
    ) -> StoreResult<Option<CountryCode>> {
        let country: Option<String> =
            sqlx::query_scalar("SELECT country FROM organisations WHERE id = $1")
                .bind(org.to_string())
                .fetch_optional(&mut *conn)
                .await
                .map_err(db_error)?;
        country
            .map(|c| {
                CountryCode::parse(&c).map_err(|e| StoreError::Corrupt {
                    table: "organisations",
                    detail: e.to_string(),
                })
            })
            .transpose()
    }

    #[allow(clippy::too_many_arguments, reason = "one column each")]
    pub(crate) async fn insert_person(
        conn: &mut Conn<D>,
        org: OrgId,
        request: Option<RequestId>,
        position: i64,
        role: PersonRole,
        details: &PersonDetails,
        audit: &AuditContext,
    ) -> StoreResult<StoredPerson> {
        let row = NewPersonRow::new(org, request, position, role, details, audit)?;
        Self::insert_person_rows(conn, std::slice::from_ref(&row)).await?;
        Ok(row.stored)
    }

    /// Writes new requests with their persons and first status, a few
    /// hundred rows per statement.
    pub(crate) async fn insert_request_rows(
        conn: &mut Conn<D>,
        rows: &[NewRequestRows],
    ) -> StoreResult<()> {
        let requests: Vec<_> = rows.iter().map(|rows| rows.request.values()).collect();
        Self::insert_rows(&mut *conn, INSERT_REQUESTS, &requests).await?;
        let persons: Vec<_> = rows
            .iter()
            .flat_map(|rows| std::iter::once(&rows.enquirer).chain(&rows.sought))
            .map(NewPersonRow::values)
            .collect();
        Self::insert_rows(&mut *conn, INSERT_PERSONS, &persons).await?;
        let history: Vec<_> = rows.iter().map(|rows| rows.history.values()).collect();
        Self::insert_rows(conn, INSERT_HISTORY, &history).await
    }

    /// Writes new persons, a few hundred rows per statement.
    pub(crate) async fn insert_person_rows(
        conn: &mut Conn<D>,
        rows: &[NewPersonRow],
    ) -> StoreResult<()> {
        let persons: Vec<_> = rows.iter().map(NewPersonRow::values).collect();
        Self::insert_rows(conn, INSERT_PERSONS, &persons).await
    }

    /// Takes the next `count` case reference numbers of `country` and
    /// `year` and returns the first of them.
    pub(crate) async fn reserve_references(
        conn: &mut Conn<D>,
        country: CountryCode,
        year: u16,
        count: i64,
    ) -> StoreResult<i64> {
        let last: i64 = sqlx::query_scalar(
            "INSERT INTO reference_counters (country, year, last_number) VALUES ($1, $2, $3) \
             ON CONFLICT (country, year) DO UPDATE \
             SET last_number = reference_counters.last_number + $3 RETURNING last_number",
        )
        .bind(country.as_str())
        .bind(i64::from(year))
        .bind(count)
        .fetch_one(&mut *conn)
        .await
        .map_err(db_error)?;
        Ok(last - count + 1)
    }

    /// Opens a request with its persons, first status, audit entry and
    /// consents, in the caller's transaction.
    pub(crate) async fn insert_request(
        tx: &mut Conn<D>,
        audit: &AuditContext,
        scope: &OrgScope,
        new: &NewRequest,
        consents: &OpeningConsents,
    ) -> StoreResult<TracingRequest> {
        let country = Self::org_country(&mut *tx, scope.org())
            .await?
            .ok_or(StoreError::NotFound)?;
        let year = backend::reference_year(audit.at)?;
        let number = Self::reserve_references(&mut *tx, country, year, 1).await?;
        let reference = backend::case_reference(country, year, number)?;
        let rows = NewRequestRows::new(scope.org(), &reference, new, audit)?;
        Self::insert_request_rows(&mut *tx, std::slice::from_ref(&rows)).await?;
        Self::append(
            &mut *tx,
            audit,
            &event(
                AuditAction::RequestCreated,
                ObjectKind::TracingRequest,
                rows.request.id,
            ),
        )
        .await?;
        let NewRequestRows {
            request,
            enquirer,
            sought,
            history: _,
        } = rows;
        let enquirer = enquirer.stored;
        let sought: Vec<StoredPerson> = sought.into_iter().map(|row| row.stored).collect();
        if let Some(consent) = &consents.enquirer {
            Self::insert_consent(&mut *tx, audit, scope.org(), enquirer.id, consent).await?;
        }
        if let Some(consent) = &consents.each_sought {
            for person in &sought {
                Self::insert_consent(&mut *tx, audit, scope.org(), person.id, consent).await?;
            }
        }
        Ok(TracingRequest {
            id: request.id,
            org: scope.org(),
            reference,
            status: request.status,
            circumstances: new.circumstances.clone(),
            enquirer,
            sought,
            assigned_to: None,
            version: 1,
            created_at: audit.at,
            updated_at: audit.at,
        })
    }

    async fn request_persons(conn: &mut Conn<D>, request: &str) -> StoreResult<Vec<StoredPerson>> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            person_columns!(),
            " FROM persons p WHERE p.request_id = $1 ORDER BY p.position, p.id"
        ))
        .bind(request)
        .fetch_all(&mut *conn)
        .await
        .map_err(db_error)?;
        rows.iter().map(Self::person).collect()
    }

    pub(crate) async fn load_request(
        conn: &mut Conn<D>,
        org: OrgId,
        id: RequestId,
    ) -> StoreResult<Option<TracingRequest>> {
        let row = sqlx::query(concat!(
            "SELECT ",
            request_columns!(),
            " FROM tracing_requests r WHERE r.id = $1 AND r.org_id = $2"
        ))
        .bind(id.to_string())
        .bind(org.to_string())
        .fetch_optional(&mut *conn)
        .await
        .map_err(db_error)?;
        let Some(row) = row else {
            return Ok(None);
        };
        let row = Self::request_row(&row)?;
        let persons = Self::request_persons(conn, &row.id).await?;
        row.into_request(persons).map(Some)
    }

    pub(crate) async fn load_person(
        conn: &mut Conn<D>,
        org: OrgId,
        id: PersonId,
    ) -> StoreResult<Option<StoredPerson>> {
        let row = sqlx::query(concat!(
            "SELECT ",
            person_columns!(),
            " FROM persons p WHERE p.id = $1 AND p.org_id = $2"
        ))
        .bind(id.to_string())
        .bind(org.to_string())
        .fetch_optional(&mut *conn)
        .await
        .map_err(db_error)?;
        row.as_ref().map(Self::person).transpose()
    }

    pub(crate) async fn load_person_any(
        conn: &mut Conn<D>,
        id: PersonId,
    ) -> StoreResult<Option<StoredPerson>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            concat!(
                "SELECT ",
                person_columns!(),
                " FROM persons p WHERE p.id = $1{}"
            ),
            D::FOR_UPDATE
        )))
        .bind(id.to_string())
        .fetch_optional(&mut *conn)
        .await
        .map_err(db_error)?;
        row.as_ref().map(Self::person).transpose()
    }

    /// A request's status changes, oldest first, notes opened.
    pub(crate) async fn load_status_history(
        conn: &mut Conn<D>,
        id: RequestId,
    ) -> StoreResult<Vec<StatusChange>> {
        let rows = sqlx::query(
            "SELECT status, closure_reason, note, at, by_user FROM request_status_history \
             WHERE request_id = $1 ORDER BY seq",
        )
        .bind(id.to_string())
        .fetch_all(&mut *conn)
        .await
        .map_err(db_error)?;
        rows.iter()
            .map(|row| {
                StatusRow {
                    status: row.try_get("status").map_err(db_error)?,
                    closure_reason: row.try_get("closure_reason").map_err(db_error)?,
                    note: crypto::open_opt(
                        crypto::STATUS_NOTE,
                        &id.to_string(),
                        row.try_get("note").map_err(db_error)?,
                    )?,
                    at: row.try_get("at").map_err(db_error)?,
                    by: row.try_get("by_user").map_err(db_error)?,
                }
                .into_change()
            })
            .collect()
    }

    pub(crate) async fn person_consents(
        conn: &mut Conn<D>,
        person: &str,
    ) -> StoreResult<Vec<ConsentRecord>> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            consent_columns!(),
            " FROM consents c WHERE c.person_id = $1 ORDER BY c.recorded_at, c.id"
        ))
        .bind(person)
        .fetch_all(&mut *conn)
        .await
        .map_err(db_error)?;
        rows.iter().map(Self::consent).collect()
    }

    /// A candidate, when `org` is one of its two sides.
    async fn load_candidate(
        conn: &mut Conn<D>,
        org: OrgId,
        id: CandidateId,
        lock: bool,
    ) -> StoreResult<Option<CandidateView>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            concat!(
                "SELECT ",
                candidate_columns!(),
                " FROM candidates k WHERE k.id = $1 AND (k.sought_org = $2 OR k.other_org = $2){}"
            ),
            if lock { D::FOR_UPDATE } else { "" }
        )))
        .bind(id.to_string())
        .bind(org.to_string())
        .fetch_optional(&mut *conn)
        .await
        .map_err(db_error)?;
        row.as_ref().map(Self::candidate).transpose()
    }

    pub(crate) async fn message_history(
        conn: &mut Conn<D>,
        id: &str,
    ) -> StoreResult<Vec<MessageHistoryRow>> {
        let rows = sqlx::query(
            "SELECT status, at, by_user FROM family_message_history WHERE message_id = $1 ORDER BY seq",
        )
        .bind(id)
        .fetch_all(&mut *conn)
        .await
        .map_err(db_error)?;
        rows.iter()
            .map(|row| {
                Ok(MessageHistoryRow {
                    status: row.try_get("status")?,
                    at: row.try_get("at")?,
                    by: row.try_get("by_user")?,
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()
            .map_err(db_error)
    }

    /// The candidates of `org`'s `person`, best first.
    pub(crate) async fn candidates_of(
        conn: &mut Conn<D>,
        org: OrgId,
        person: PersonId,
    ) -> StoreResult<Vec<CandidateView>> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            candidate_columns!(),
            " FROM candidates k WHERE (k.sought_id = $1 AND k.sought_org = $2) \
              OR (k.other_id = $1 AND k.other_org = $2) \
              ORDER BY k.score_milli DESC, k.id"
        ))
        .bind(person.to_string())
        .bind(org.to_string())
        .fetch_all(&mut *conn)
        .await
        .map_err(db_error)?;
        rows.iter().map(Self::candidate).collect()
    }

    /// The family messages of one candidate, oldest first, with their
    /// history.
    pub(crate) async fn candidate_messages(
        conn: &mut Conn<D>,
        candidate: CandidateId,
    ) -> StoreResult<Vec<FamilyMessage>> {
        let rows = sqlx::query(
            "SELECT m.id, m.candidate_id, m.direction, m.body, m.status, m.created_at \
             FROM family_messages m WHERE m.candidate_id = $1 ORDER BY m.created_at, m.id",
        )
        .bind(candidate.to_string())
        .fetch_all(&mut *conn)
        .await
        .map_err(db_error)?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            let row = Self::message_row(row)?;
            let history = Self::message_history(conn, &row.id).await?;
            out.push(row.into_message(history)?);
        }
        Ok(out)
    }

    /// A message whose candidate `org` is a side of.
    async fn load_message(
        conn: &mut Conn<D>,
        org: OrgId,
        id: MessageId,
    ) -> StoreResult<Option<FamilyMessage>> {
        let row = sqlx::query(
            "SELECT m.id, m.candidate_id, m.direction, m.body, m.status, m.created_at \
             FROM family_messages m JOIN candidates k ON k.id = m.candidate_id \
             WHERE m.id = $1 AND (k.sought_org = $2 OR k.other_org = $2)",
        )
        .bind(id.to_string())
        .bind(org.to_string())
        .fetch_optional(&mut *conn)
        .await
        .map_err(db_error)?;
        let Some(row) = row else {
            return Ok(None);
        };
        let row = Self::message_row(&row)?;
        let history = Self::message_history(conn, &row.id).await?;
        row.into_message(history).map(Some)
    }

    async fn add_history(
        conn: &mut Conn<D>,
        request: RequestId,
        status: RequestStatus,
        note: Option<&Text>,
        audit: &AuditContext,
    ) -> StoreResult<()> {
        let row = NewHistoryRow::new(request, status, note, audit)?;
        Self::insert_rows(conn, INSERT_HISTORY, &[row.values()]).await
    }

    /// After an update matched no row: `Conflict` when the row exists in the
    /// scope (someone saved in between), else `NotFound`.
    async fn version_error(conn: &mut Conn<D>, table: &str, org: OrgId, id: String) -> StoreError {
        let sql = format!("SELECT COUNT(*) FROM {table} WHERE id = $1 AND org_id = $2");
        let found: Result<i64, _> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .bind(org.to_string())
            .fetch_one(&mut *conn)
            .await;
        match found {
            Ok(0) => StoreError::NotFound,
            Ok(_) => StoreError::Conflict { field: "version" },
            Err(error) => db_error(error),
        }
    }

    /// Adds a consent to a person's ledger (the caller has checked that the
    /// person is the organisation's), with its audit entry.
    async fn insert_consent(
        conn: &mut Conn<D>,
        audit: &AuditContext,
        org: OrgId,
        person_id: PersonId,
        new: &NewConsent,
    ) -> StoreResult<ConsentRecord> {
        let recorded_by = audit.actor.ok_or(StoreError::ActorRequired)?;
        let record = ConsentRecord {
            id: ConsentId::random(),
            person: person_id,
            purpose: new.purpose,
            basis: new.basis,
            scope: new.scope.clone(),
            note: new.note.clone(),
            recorded_by,
            recorded_at: audit.at,
            withdrawn_at: None,
            withdrawn_by: None,
        };
        sqlx::query(
            "INSERT INTO consents (id, person_id, org_id, purpose, terms, recorded_by, recorded_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(record.id.to_string())
        .bind(person_id.to_string())
        .bind(org.to_string())
        .bind(new.purpose.as_str())
        .bind(backend::consent_terms(new)?)
        .bind(recorded_by.to_string())
        .bind(audit.at.as_millis())
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
        Self::append(
            conn,
            audit,
            &event(AuditAction::ConsentRecorded, ObjectKind::Consent, record.id),
        )
        .await?;
        Ok(record)
    }

    async fn matchable_rows(
        conn: &mut Conn<D>,
        rows: Vec<DbRow<D>>,
    ) -> StoreResult<Vec<MatchablePerson>> {
        let mut persons = Vec::with_capacity(rows.len());
        for row in &rows {
            let person = Self::person_row(row)?;
            let country: String = row.try_get("org_country").map_err(db_error)?;
            let status: Option<String> = row.try_get("request_status").map_err(db_error)?;
            persons.push((person, country, status));
        }
        let ids: Vec<String> = persons.iter().map(|(p, _, _)| p.id.clone()).collect();
        let consent_rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            concat!(
                "SELECT ",
                consent_columns!(),
                " FROM consents c WHERE c.person_id IN ({}) \
                  ORDER BY c.recorded_at, c.id"
            ),
            json_values::<D>("$1")
        )))
        .bind(backend::to_json("consents", &ids)?)
        .fetch_all(&mut *conn)
        .await
        .map_err(db_error)?;
        let mut ledgers: std::collections::HashMap<PersonId, Vec<ConsentRecord>> =
            std::collections::HashMap::new();
        for row in &consent_rows {
            let record = Self::consent(row)?;
            ledgers.entry(record.person).or_default().push(record);
        }
        persons
            .into_iter()
            .map(|(person, country, status)| {
                let ledger = person
                    .id
                    .parse::<PersonId>()
                    .ok()
                    .and_then(|id| ledgers.remove(&id))
                    .unwrap_or_default();
                backend::matchable(person, &country, status.as_deref(), ledger)
            })
            .collect()
    }

    async fn record_candidates_in(
        tx: &mut Transaction<'static, D::Db>,
        audit: &AuditContext,
        sought: PersonId,
        found: &[NewCandidate],
    ) -> StoreResult<()> {
        let sought_person = Self::load_person_any(tx, sought)
            .await?
            .ok_or(StoreError::NotFound)?;
        let mut kept: Vec<String> = Vec::with_capacity(found.len());
        for new in found {
            if new.sought != sought || new.other == sought {
                continue;
            }
            let other_org: Option<String> =
                sqlx::query_scalar("SELECT org_id FROM persons WHERE id = $1")
                    .bind(new.other.to_string())
                    .fetch_optional(&mut **tx)
                    .await
                    .map_err(db_error)?;
            let Some(other_org) = other_org else {
                return Err(StoreError::NotFound);
            };
            kept.push(new.other.to_string());
            let explanation = backend::explanation_json(&new.explanation)?;
            // An unchanged pair is left alone: recomputing a list that did not
            // change writes nothing, so its commit does not wait for the disk.
            let current: Option<(i64, String)> = sqlx::query_as(
                "SELECT score_milli, explanation FROM candidates WHERE sought_id = $1 AND other_id = $2",
            )
            .bind(sought.to_string())
            .bind(new.other.to_string())
            .fetch_optional(&mut **tx)
            .await
            .map_err(db_error)?;
            if current.as_ref().is_some_and(|(score, text)| {
                *score == i64::from(new.score_milli) && *text == explanation
            }) {
                continue;
            }
            let updated = sqlx::query(
                "UPDATE candidates SET score_milli = $1, explanation = $2, updated_at = $3 \
                 WHERE sought_id = $4 AND other_id = $5",
            )
            .bind(i64::from(new.score_milli))
            .bind(&explanation)
            .bind(audit.at.as_millis())
            .bind(sought.to_string())
            .bind(new.other.to_string())
            .execute(&mut **tx)
            .await
            .map_err(db_error)?;
            if D::rows_affected(&updated) == 1 {
                continue;
            }
            let id = CandidateId::random();
            sqlx::query(
                "INSERT INTO candidates (id, sought_id, sought_org, other_id, other_org, score_milli, \
                 explanation, sought_status, other_status, sought_approvals, other_approvals, \
                 created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9, $9, $10, $10)",
            )
            .bind(id.to_string())
            .bind(sought.to_string())
            .bind(sought_person.org.to_string())
            .bind(new.other.to_string())
            .bind(other_org)
            .bind(i64::from(new.score_milli))
            .bind(&explanation)
            .bind(CandidateStatus::Proposed.as_str())
            .bind(backend::NO_APPROVALS)
            .bind(audit.at.as_millis())
            .execute(&mut **tx)
            .await
            .map_err(db_error)?;
            Self::append(
                tx,
                audit,
                &event(AuditAction::CandidateProposed, ObjectKind::Candidate, id),
            )
            .await?;
        }
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DELETE FROM candidates WHERE sought_id = $1 \
             AND other_id NOT IN ({}) \
             AND sought_reviewed_at IS NULL AND other_reviewed_at IS NULL \
             AND sought_approvals = $3 AND other_approvals = $3 \
             AND sought_released_at IS NULL AND other_released_at IS NULL \
             AND NOT EXISTS (SELECT 1 FROM family_messages m WHERE m.candidate_id = candidates.id) \
             AND NOT EXISTS (SELECT 1 FROM releases r WHERE r.candidate_id = candidates.id)",
            json_values::<D>("$2")
        )))
        .bind(sought.to_string())
        .bind(backend::to_json("candidates", &kept)?)
        .bind(backend::NO_APPROVALS)
        .execute(&mut **tx)
        .await
        .map_err(db_error)?;
        Ok(())
    }

    async fn add_message_history(
        conn: &mut Conn<D>,
        id: MessageId,
        status: MessageStatus,
        audit: &AuditContext,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO family_message_history (message_id, status, at, by_user) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(id.to_string())
        .bind(status.as_str())
        .bind(audit.at.as_millis())
        .bind(audit.actor.map(|a| a.to_string()))
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
        Ok(())
    }
}

/// The column of a protection flag, true when set (both backends).
/// `AND` "a candidate on the organisation's side of each side's own
/// record", `pending`: one still to review.
fn candidate_sides(pending: bool) -> (&'static str, &'static str) {
    if pending {
        (
            " AND k.sought_status = 'proposed'",
            " AND k.other_status = 'proposed'",
        )
    } else {
        ("", "")
    }
}

/// The condition "the person `p` has a candidate on its organisation's
/// side" (`pending`: one still to review).
pub(crate) fn person_has_candidate(pending: bool) -> String {
    let (sought, other) = candidate_sides(pending);
    format!(
        " AND (EXISTS (SELECT 1 FROM candidates k WHERE k.sought_id = p.id \
           AND k.sought_org = p.org_id{sought}) \
         OR EXISTS (SELECT 1 FROM candidates k WHERE k.other_id = p.id \
           AND k.other_org = p.org_id{other}))"
    )
}

/// The condition "the request `request` has a candidate on `org`'s side"
/// (`pending`: one still to review).
pub(crate) fn request_has_candidate(request: &str, org: &str, pending: bool) -> String {
    let (sought, other) = candidate_sides(pending);
    format!(
        " AND (EXISTS (SELECT 1 FROM persons q JOIN candidates k ON k.sought_id = q.id \
           WHERE q.request_id = {request} AND k.sought_org = {org}{sought}) \
         OR EXISTS (SELECT 1 FROM persons q JOIN candidates k ON k.other_id = q.id \
           WHERE q.request_id = {request} AND k.other_org = {org}{other}))"
    )
}

/// The condition "some person of the request `request` is so flagged".
pub(crate) fn request_flagged(request: &str, flag: FlagFilter) -> String {
    format!(
        " AND EXISTS (SELECT 1 FROM persons p WHERE p.request_id = {request} AND {})",
        flag_column(flag)
    )
}

pub(crate) fn flag_column(flag: FlagFilter) -> &'static str {
    match flag {
        FlagFilter::Minor => "p.minor",
        FlagFilter::AtRisk => "p.at_risk",
    }
}

/// The bound values of a request filter, prepared once.
struct FilterValues {
    text: Option<String>,
    only: Option<String>,
    nationality: Option<String>,
}

impl FilterValues {
    fn of(filter: &RequestFilter) -> StoreResult<Self> {
        Ok(Self {
            text: text_pattern(filter.text.as_deref()),
            only: id_list("tracing_requests", filter.only.as_deref())?,
            nationality: filter.nationality.map(backend::nationality_pattern),
        })
    }
}

/// A list's page size: the default when none is given, at most the cap.
pub(crate) fn page_size(limit: u32) -> u32 {
    match limit {
        0 => DEFAULT_LIMIT,
        n => n.min(MAX_LIMIT),
    }
}

/// The `LIKE` pattern of a list's text filter, unless blank.
pub(crate) fn text_pattern(text: Option<&str>) -> Option<String> {
    text.filter(|t| !t.trim().is_empty())
        .map(backend::text_pattern)
}

/// The ids a list is cut to (a name search's result) as a JSON list.
pub(crate) fn id_list<T: ToString>(
    table: &'static str,
    ids: Option<&[T]>,
) -> StoreResult<Option<String>> {
    ids.map(|ids| {
        let ids: Vec<String> = ids.iter().map(ToString::to_string).collect();
        backend::to_json(table, &ids)
    })
    .transpose()
}

#[async_trait]
impl<D> TracingStore for SqlStore<D>
where
    D: Dialect,
    for<'c> &'c mut Conn<D>: Executor<'c, Database = D::Db>,
    Conn<D>: Migrate,
    <D::Db as Database>::Arguments: IntoArguments<D::Db>,
    for<'a> &'a str: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db> + ColumnIndex<DbRow<D>>,
    for<'a> String: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> i64: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> bool: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> Vec<u8>: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> Option<&'a str>: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> Option<String>: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> Option<i64>: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> Option<Vec<u8>>: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    usize: ColumnIndex<DbRow<D>>,
{
    async fn export_requests(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        filter: &RequestFilter,
        max_rows: u32,
        reason: &str,
    ) -> StoreResult<Export> {
        let user = audit.actor.ok_or(StoreError::ActorRequired)?;
        let FilterValues {
            text,
            only,
            nationality,
        } = FilterValues::of(filter)?;
        let mut tx = Sql::<D>::begin(&self.pool).await?;
        let mut query = Sql::<D>::request_filter(
            "SELECT r.id",
            scope.org(),
            filter,
            nationality.as_deref(),
            text.as_deref(),
            only.as_deref(),
        );
        query
            .push(" ORDER BY r.created_at DESC, r.id DESC LIMIT ")
            .push_bind(i64::from(max_rows));
        let ids: Vec<String> = query
            .build_query_scalar()
            .fetch_all(&mut *tx)
            .await
            .map_err(db_error)?;
        let mut requests = Vec::with_capacity(ids.len());
        for id in ids {
            let id: RequestId = id.parse().map_err(|_| StoreError::Corrupt {
                table: "tracing_requests",
                detail: "id is not an identifier".to_owned(),
            })?;
            let Some(request) = Sql::<D>::load_request(&mut tx, scope.org(), id).await? else {
                continue;
            };
            let mut consents = HashMap::new();
            for person in std::iter::once(&request.enquirer).chain(&request.sought) {
                let ledger = Sql::<D>::person_consents(&mut tx, &person.id.to_string()).await?;
                consents.insert(person.id, ledger);
            }
            requests.push(ExportedRequest { request, consents });
        }
        let record = ExportRecord {
            id: ExportId::random(),
            org: scope.org(),
            user,
            at: audit.at,
            reason: Some(reason.to_owned()),
            row_count: u32::try_from(requests.len()).unwrap_or(u32::MAX),
        };
        sqlx::query(
            "INSERT INTO exports (id, org_id, user_id, at, reason, row_count) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(record.id.to_string())
        .bind(record.org.to_string())
        .bind(user.to_string())
        .bind(record.at.as_millis())
        .bind(reason)
        .bind(i64::from(record.row_count))
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        let exported = event(AuditAction::DataExported, ObjectKind::Export, record.id);
        Sql::<D>::append(&mut tx, audit, &exported).await?;
        tx.commit().await.map_err(db_error)?;
        Ok(Export { record, requests })
    }

    async fn open_request(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        new: &NewRequest,
        consents: &OpeningConsents,
    ) -> StoreResult<TracingRequest> {
        let mut tx = Sql::<D>::begin(&self.pool).await?;
        let request = Sql::<D>::insert_request(&mut tx, audit, scope, new, consents).await?;
        tx.commit().await.map_err(db_error)?;
        Ok(request)
    }

    async fn request(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        id: RequestId,
    ) -> StoreResult<Option<TracingRequest>> {
        let mut tx = Sql::<D>::begin(&self.pool).await?;
        let Some(found) = Sql::<D>::load_request(&mut tx, scope.org(), id).await? else {
            return Ok(None);
        };
        Sql::<D>::append(
            &mut tx,
            audit,
            &event(AuditAction::RequestViewed, ObjectKind::TracingRequest, id),
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        Ok(Some(found))
    }

    async fn list_requests(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        filter: &RequestFilter,
    ) -> StoreResult<(Vec<RequestSummary>, u64)> {
        let limit = page_size(filter.limit);
        let FilterValues {
            text,
            only,
            nationality,
        } = FilterValues::of(filter)?;
        let mut tx = Sql::<D>::begin(&self.pool).await?;
        let total: i64 = Sql::<D>::request_filter(
            "SELECT COUNT(*)",
            scope.org(),
            filter,
            nationality.as_deref(),
            text.as_deref(),
            only.as_deref(),
        )
        .build_query_scalar()
        .fetch_one(&mut *tx)
        .await
        .map_err(db_error)?;
        let mut page_query = Sql::<D>::request_filter(
            concat!("SELECT ", request_columns!()),
            scope.org(),
            filter,
            nationality.as_deref(),
            text.as_deref(),
            only.as_deref(),
        );
        page_query
            .push(" ORDER BY ")
            .push(match filter.order {
                ListOrder::Newest => "r.created_at DESC, r.id DESC",
                ListOrder::Oldest => "r.created_at, r.id",
                ListOrder::Updated => "r.updated_at DESC, r.id DESC",
                // By country and year (the first eight characters, `BE-2026-`),
                // then by number: a longer number is a larger one, so
                // `BE-2026-100000` comes after `BE-2026-99999`.
                ListOrder::Alphabetical => {
                    "substr(r.reference, 1, 8), length(r.reference), r.reference, r.id"
                }
            })
            .push(" LIMIT ")
            .push_bind(i64::from(limit))
            .push(" OFFSET ")
            .push_bind(i64::from(filter.offset));
        let rows = page_query
            .build()
            .fetch_all(&mut *tx)
            .await
            .map_err(db_error)?;
        let requests = rows
            .iter()
            .map(|row| Sql::<D>::request_row(row))
            .collect::<StoreResult<Vec<_>>>()?;
        let ids: Vec<String> = requests.iter().map(|r| r.id.clone()).collect();
        let ids_json = backend::to_json("tracing_requests", &ids)?;
        let mut counts = Sql::<D>::candidate_counts(&mut tx, "p.request_id", &ids_json).await?;
        let person_rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            concat!(
                "SELECT ",
                person_columns!(),
                " FROM persons p WHERE p.request_id IN ({}) \
                  ORDER BY p.request_id, p.position, p.id"
            ),
            json_values::<D>("$1")
        )))
        .bind(ids_json)
        .fetch_all(&mut *tx)
        .await
        .map_err(db_error)?;
        let persons = person_rows
            .iter()
            .map(Sql::<D>::person)
            .collect::<StoreResult<Vec<_>>>()?;
        let mut by_request = backend::persons_by_request(persons);
        let mut page = Vec::with_capacity(requests.len());
        for row in requests {
            let id: RequestId = row.id.parse().map_err(|_| StoreError::Corrupt {
                table: "tracing_requests",
                detail: "id is not an identifier".to_owned(),
            })?;
            let persons = by_request.remove(&id).unwrap_or_default();
            let candidates = counts.remove(&row.id).unwrap_or_default();
            page.push(row.into_summary(persons, candidates)?);
        }
        if text.is_some() || filter.only.is_some() {
            Sql::<D>::append(
                &mut tx,
                audit,
                &event(
                    AuditAction::RequestsSearched,
                    ObjectKind::TracingRequest,
                    scope.org(),
                ),
            )
            .await?;
            tx.commit().await.map_err(db_error)?;
        } else if !page.is_empty() {
            // A list shows enquirers' names: every one shown is on record.
            Sql::<D>::append(
                &mut tx,
                audit,
                &event(AuditAction::PersonsListed, ObjectKind::Person, "requests"),
            )
            .await?;
            tx.commit().await.map_err(db_error)?;
        } else {
            tx.rollback().await.map_err(db_error)?;
        }
        Ok((page, u64::try_from(total).unwrap_or_default()))
    }

    async fn assign_request(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        id: RequestId,
        to: Option<UserId>,
    ) -> StoreResult<()> {
        let mut tx = Sql::<D>::begin(&self.pool).await?;
        if let Some(user) = to {
            // The member is read in the transaction that assigns: one
            // disabled or moved in between is not assigned.
            let disabled: Option<bool> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "SELECT disabled FROM users WHERE id = $1 AND org_id = $2{}",
                D::FOR_UPDATE
            )))
            .bind(user.to_string())
            .bind(scope.org().to_string())
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_error)?;
            match disabled {
                None => return Err(StoreError::NotFound),
                Some(true) => {
                    return Err(StoreError::Refused {
                        field: "assignee",
                        problem: retrace_domain::Problem::AccountDisabled,
                    });
                }
                Some(false) => {}
            }
        }
        let done = sqlx::query(
            "UPDATE tracing_requests SET assigned_to = $1, updated_at = $2 \
             WHERE id = $3 AND org_id = $4",
        )
        .bind(to.map(|u| u.to_string()))
        .bind(audit.at.as_millis())
        .bind(id.to_string())
        .bind(scope.org().to_string())
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        if D::rows_affected(&done) == 0 {
            return Err(StoreError::NotFound);
        }
        Sql::<D>::append(
            &mut tx,
            audit,
            &event(AuditAction::RequestAssigned, ObjectKind::TracingRequest, id),
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        Ok(())
    }

    async fn list_registrations(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        filter: &RegistrationFilter,
    ) -> StoreResult<(Vec<RegistrationSummary>, u64)> {
        let limit = page_size(filter.limit);
        let text = text_pattern(filter.text.as_deref());
        let only = id_list("persons", filter.only.as_deref())?;
        let mut tx = Sql::<D>::begin(&self.pool).await?;
        let total: i64 = Sql::<D>::registration_filter(
            "SELECT COUNT(*)",
            scope.org(),
            filter,
            text.as_deref(),
            only.as_deref(),
        )
        .build_query_scalar()
        .fetch_one(&mut *tx)
        .await
        .map_err(db_error)?;
        let mut page_query = Sql::<D>::registration_filter(
            concat!("SELECT ", person_columns!()),
            scope.org(),
            filter,
            text.as_deref(),
            only.as_deref(),
        );
        page_query
            .push(" ORDER BY ")
            .push(match filter.order {
                ListOrder::Newest => "p.created_at DESC, p.id DESC",
                ListOrder::Oldest => "p.created_at, p.id",
                ListOrder::Updated => "p.updated_at DESC, p.id DESC",
                ListOrder::Alphabetical => "p.search_text, p.id",
            })
            .push(" LIMIT ")
            .push_bind(i64::from(limit))
            .push(" OFFSET ")
            .push_bind(i64::from(filter.offset));
        let rows = page_query
            .build()
            .fetch_all(&mut *tx)
            .await
            .map_err(db_error)?;
        let people = rows
            .iter()
            .map(Sql::<D>::person)
            .collect::<StoreResult<Vec<_>>>()?;
        if people.is_empty() {
            tx.rollback().await.map_err(db_error)?;
            return Ok((Vec::new(), u64::try_from(total).unwrap_or_default()));
        }
        let ids: Vec<String> = people.iter().map(|p| p.id.to_string()).collect();
        let mut counts =
            Sql::<D>::candidate_counts(&mut tx, "p.id", &backend::to_json("persons", &ids)?)
                .await?;
        let page = people
            .into_iter()
            .map(|person| RegistrationSummary {
                candidates: counts.remove(&person.id.to_string()).unwrap_or_default(),
                person,
            })
            .collect();
        Sql::<D>::append(
            &mut tx,
            audit,
            &event(
                AuditAction::PersonsListed,
                ObjectKind::Person,
                "registrations",
            ),
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        Ok((page, u64::try_from(total).unwrap_or_default()))
    }

    async fn update_circumstances(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        id: RequestId,
        expected_version: i64,
        circumstances: &Circumstances,
    ) -> StoreResult<TracingRequest> {
        let mut tx = Sql::<D>::begin(&self.pool).await?;
        let done = sqlx::query(
            "UPDATE tracing_requests SET circumstances = $1, version = version + 1, updated_at = $2 \
             WHERE id = $3 AND org_id = $4 AND version = $5",
        )
        .bind(crypto::seal(
            crypto::REQUEST_CIRCUMSTANCES,
            &id.to_string(),
            &backend::to_json("tracing_requests", circumstances)?,
        )?)
        .bind(audit.at.as_millis())
        .bind(id.to_string())
        .bind(scope.org().to_string())
        .bind(expected_version)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        if D::rows_affected(&done) != 1 {
            return Err(Sql::<D>::version_error(
                &mut tx,
                "tracing_requests",
                scope.org(),
                id.to_string(),
            )
            .await);
        }
        Sql::<D>::append(
            &mut tx,
            audit,
            &event(AuditAction::RequestUpdated, ObjectKind::TracingRequest, id),
        )
        .await?;
        let updated = Sql::<D>::load_request(&mut tx, scope.org(), id)
            .await?
            .ok_or(StoreError::NotFound)?;
        tx.commit().await.map_err(db_error)?;
        Ok(updated)
    }

    async fn set_request_status(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        id: RequestId,
        expected_version: i64,
        status: RequestStatus,
        note: Option<&Text>,
    ) -> StoreResult<TracingRequest> {
        let mut tx = Sql::<D>::begin(&self.pool).await?;
        let done = sqlx::query(
            "UPDATE tracing_requests SET status = $1, closure_reason = $2, version = version + 1, \
             updated_at = $3 WHERE id = $4 AND org_id = $5 AND version = $6",
        )
        .bind(status.code())
        .bind(status.closure_reason().map(|r| r.as_str()))
        .bind(audit.at.as_millis())
        .bind(id.to_string())
        .bind(scope.org().to_string())
        .bind(expected_version)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        if D::rows_affected(&done) != 1 {
            return Err(Sql::<D>::version_error(
                &mut tx,
                "tracing_requests",
                scope.org(),
                id.to_string(),
            )
            .await);
        }
        Sql::<D>::add_history(&mut tx, id, status, note, audit).await?;
        Sql::<D>::append(
            &mut tx,
            audit,
            &event(
                AuditAction::RequestStatusChanged,
                ObjectKind::TracingRequest,
                id,
            ),
        )
        .await?;
        if status.is_closed() {
            // A closed request has nobody left to find: its gallery entry
            // goes with the closure, in this transaction.
            for entry in Sql::<D>::entries_of_request(&mut tx, id).await? {
                Sql::<D>::remove_entry(&mut tx, audit, &entry).await?;
            }
        }
        let updated = Sql::<D>::load_request(&mut tx, scope.org(), id)
            .await?
            .ok_or(StoreError::NotFound)?;
        tx.commit().await.map_err(db_error)?;
        Ok(updated)
    }

    async fn status_history(
        &self,
        scope: &OrgScope,
        id: RequestId,
    ) -> StoreResult<Vec<StatusChange>> {
        let mut conn = self.pool.acquire().await.map_err(db_error)?;
        let found: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM tracing_requests WHERE id = $1 AND org_id = $2",
        )
        .bind(id.to_string())
        .bind(scope.org().to_string())
        .fetch_one(&mut *conn)
        .await
        .map_err(db_error)?;
        if found == 0 {
            return Err(StoreError::NotFound);
        }
        Sql::<D>::load_status_history(&mut conn, id).await
    }

    async fn add_sought_person(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        request: RequestId,
        relationship: Relationship,
        details: &PersonDetails,
        consent: Option<&NewConsent>,
    ) -> StoreResult<StoredPerson> {
        let mut tx = Sql::<D>::begin(&self.pool).await?;
        let found: Option<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT version FROM tracing_requests WHERE id = $1 AND org_id = $2{}",
            D::FOR_UPDATE
        )))
        .bind(request.to_string())
        .bind(scope.org().to_string())
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_error)?;
        if found.is_none() {
            return Err(StoreError::NotFound);
        }
        let position: i64 = sqlx::query_scalar(
            "SELECT COALESCE(MAX(position), 0) + 1 FROM persons WHERE request_id = $1",
        )
        .bind(request.to_string())
        .fetch_one(&mut *tx)
        .await
        .map_err(db_error)?;
        let stored = Sql::<D>::insert_person(
            &mut tx,
            scope.org(),
            Some(request),
            position,
            PersonRole::Sought(relationship),
            details,
            audit,
        )
        .await?;
        Sql::<D>::append(
            &mut tx,
            audit,
            &event(AuditAction::PersonAdded, ObjectKind::Person, stored.id),
        )
        .await?;
        if let Some(consent) = consent {
            Sql::<D>::insert_consent(&mut tx, audit, scope.org(), stored.id, consent).await?;
        }
        tx.commit().await.map_err(db_error)?;
        Ok(stored)
    }

    async fn create_registration(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        kind: RegistrationKind,
        details: &PersonDetails,
        consent: Option<&NewConsent>,
    ) -> StoreResult<StoredPerson> {
        let mut tx = Sql::<D>::begin(&self.pool).await?;
        let stored = Sql::<D>::insert_person(
            &mut tx,
            scope.org(),
            None,
            0,
            PersonRole::Registered(kind),
            details,
            audit,
        )
        .await?;
        Sql::<D>::append(
            &mut tx,
            audit,
            &event(
                AuditAction::RegistrationCreated,
                ObjectKind::Person,
                stored.id,
            ),
        )
        .await?;
        if let Some(consent) = consent {
            Sql::<D>::insert_consent(&mut tx, audit, scope.org(), stored.id, consent).await?;
        }
        tx.commit().await.map_err(db_error)?;
        Ok(stored)
    }

    async fn person(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        id: PersonId,
    ) -> StoreResult<Option<StoredPerson>> {
        let mut tx = Sql::<D>::begin(&self.pool).await?;
        let Some(found) = Sql::<D>::load_person(&mut tx, scope.org(), id).await? else {
            return Ok(None);
        };
        Sql::<D>::append(
            &mut tx,
            audit,
            &event(AuditAction::PersonViewed, ObjectKind::Person, id),
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        Ok(Some(found))
    }

    async fn update_person(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        id: PersonId,
        expected_version: i64,
        details: &PersonDetails,
    ) -> StoreResult<StoredPerson> {
        let columns = backend::person_columns(details)?;
        let mut tx = Sql::<D>::begin(&self.pool).await?;
        let done = sqlx::query(
            "UPDATE persons SET details = $1, search_text = $2, nationalities = $3, at_risk = $4, \
             minor = $5, version = version + 1, updated_at = $6 \
             WHERE id = $7 AND org_id = $8 AND version = $9",
        )
        .bind(crypto::seal(
            crypto::PERSON_DETAILS,
            &id.to_string(),
            &columns.details,
        )?)
        .bind(&columns.search_text)
        .bind(&columns.nationalities)
        .bind(columns.at_risk)
        .bind(columns.minor)
        .bind(audit.at.as_millis())
        .bind(id.to_string())
        .bind(scope.org().to_string())
        .bind(expected_version)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        if D::rows_affected(&done) != 1 {
            return Err(
                Sql::<D>::version_error(&mut tx, "persons", scope.org(), id.to_string()).await,
            );
        }
        Sql::<D>::append(
            &mut tx,
            audit,
            &event(AuditAction::PersonUpdated, ObjectKind::Person, id),
        )
        .await?;
        Sql::<D>::withhold_what_is_no_longer_allowed(&mut tx, audit, id).await?;
        let updated = Sql::<D>::load_person(&mut tx, scope.org(), id)
            .await?
            .ok_or(StoreError::NotFound)?;
        tx.commit().await.map_err(db_error)?;
        Ok(updated)
    }

    async fn registrations(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        limit: u32,
    ) -> StoreResult<Vec<StoredPerson>> {
        let mut tx = Sql::<D>::begin(&self.pool).await?;
        let rows = sqlx::query(concat!(
            "SELECT ",
            person_columns!(),
            " FROM persons p WHERE p.org_id = $1 AND p.role = 'registered' \
              ORDER BY p.created_at DESC, p.id DESC LIMIT $2"
        ))
        .bind(scope.org().to_string())
        .bind(i64::from(limit.min(MAX_LIMIT)))
        .fetch_all(&mut *tx)
        .await
        .map_err(db_error)?;
        let people = rows
            .iter()
            .map(Sql::<D>::person)
            .collect::<StoreResult<Vec<_>>>()?;
        // Every list of persons is a read of personal data: audited in the
        // same transaction, naming the list kind and never a person.
        Sql::<D>::append(
            &mut tx,
            audit,
            &event(
                AuditAction::PersonsListed,
                ObjectKind::Person,
                "registrations",
            ),
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        Ok(people)
    }

    async fn consents(
        &self,
        scope: &OrgScope,
        person_id: PersonId,
    ) -> StoreResult<Vec<ConsentRecord>> {
        let mut conn = self.pool.acquire().await.map_err(db_error)?;
        if Sql::<D>::load_person(&mut conn, scope.org(), person_id)
            .await?
            .is_none()
        {
            return Err(StoreError::NotFound);
        }
        Sql::<D>::person_consents(&mut conn, &person_id.to_string()).await
    }

    async fn record_consent(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        person_id: PersonId,
        new: &NewConsent,
    ) -> StoreResult<ConsentRecord> {
        let mut tx = Sql::<D>::begin(&self.pool).await?;
        if Sql::<D>::load_person(&mut tx, scope.org(), person_id)
            .await?
            .is_none()
        {
            return Err(StoreError::NotFound);
        }
        let record = Sql::<D>::insert_consent(&mut tx, audit, scope.org(), person_id, new).await?;
        tx.commit().await.map_err(db_error)?;
        Ok(record)
    }

    async fn withdraw_consent(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        id: ConsentId,
    ) -> StoreResult<ConsentRecord> {
        let mut tx = Sql::<D>::begin(&self.pool).await?;
        let row = sqlx::query(
            "UPDATE consents SET withdrawn_at = $1, withdrawn_by = $2 \
             WHERE id = $3 AND org_id = $4 AND withdrawn_at IS NULL \
             RETURNING id, person_id, purpose, terms, recorded_by, recorded_at, withdrawn_at, \
             withdrawn_by",
        )
        .bind(audit.at.as_millis())
        .bind(audit.actor.map(|a| a.to_string()))
        .bind(id.to_string())
        .bind(scope.org().to_string())
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_error)?;
        let record = Sql::<D>::consent(&row.ok_or(StoreError::NotFound)?)?;
        Sql::<D>::append(
            &mut tx,
            audit,
            &event(AuditAction::ConsentWithdrawn, ObjectKind::Consent, id),
        )
        .await?;
        Sql::<D>::withhold_what_is_no_longer_allowed(&mut tx, audit, record.person).await?;
        tx.commit().await.map_err(db_error)?;
        Ok(record)
    }

    async fn matchable_persons(
        &self,
        after: Option<PersonId>,
        limit: u32,
    ) -> StoreResult<Vec<MatchablePerson>> {
        let mut conn = self.pool.acquire().await.map_err(db_error)?;
        let rows = sqlx::query(concat!(
            matchable_select!(),
            " WHERE (CAST($1 AS TEXT) IS NULL OR p.id > CAST($1 AS TEXT)) ORDER BY p.id LIMIT $2"
        ))
        .bind(after.map(|a| a.to_string()))
        .bind(i64::from(limit))
        .fetch_all(&mut *conn)
        .await
        .map_err(db_error)?;
        Sql::<D>::matchable_rows(&mut conn, rows).await
    }

    async fn matchable_person(&self, id: PersonId) -> StoreResult<Option<MatchablePerson>> {
        let mut conn = self.pool.acquire().await.map_err(db_error)?;
        let rows = sqlx::query(concat!(matchable_select!(), " WHERE p.id = $1"))
            .bind(id.to_string())
            .fetch_all(&mut *conn)
            .await
            .map_err(db_error)?;
        Ok(Sql::<D>::matchable_rows(&mut conn, rows)
            .await?
            .into_iter()
            .next())
    }

    async fn record_candidates(
        &self,
        audit: &AuditContext,
        sought: PersonId,
        found: &[NewCandidate],
    ) -> StoreResult<()> {
        let mut tx = Sql::<D>::begin(&self.pool).await?;
        Sql::<D>::record_candidates_in(&mut tx, audit, sought, found).await?;
        tx.commit().await.map_err(db_error)
    }

    /// Several sought persons' lists in one transaction: one commit, one wait
    /// for the disk, however many lists a saved person touched.
    async fn record_candidate_lists(
        &self,
        audit: &AuditContext,
        lists: &[(PersonId, Vec<NewCandidate>)],
    ) -> StoreResult<()> {
        let mut tx = Sql::<D>::begin(&self.pool).await?;
        for (sought, found) in lists {
            Sql::<D>::record_candidates_in(&mut tx, audit, *sought, found).await?;
        }
        tx.commit().await.map_err(db_error)
    }

    async fn remove_candidates_of(
        &self,
        audit: &AuditContext,
        person: PersonId,
    ) -> StoreResult<u64> {
        let mut tx = Sql::<D>::begin(&self.pool).await?;
        // The ids first, so each removal gets its own audit entry.
        let ids: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT id FROM candidates WHERE (sought_id = $1 OR other_id = $1) \
             AND sought_released_at IS NULL AND other_released_at IS NULL \
             AND NOT EXISTS (SELECT 1 FROM family_messages m WHERE m.candidate_id = candidates.id) \
             AND NOT EXISTS (SELECT 1 FROM releases r WHERE r.candidate_id = candidates.id) \
             ORDER BY id{}",
            D::FOR_UPDATE
        )))
        .bind(person.to_string())
        .fetch_all(&mut *tx)
        .await
        .map_err(db_error)?;
        let mut removed = 0;
        for id in &ids {
            let done = sqlx::query("DELETE FROM candidates WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
            removed += D::rows_affected(&done);
            Sql::<D>::append(
                &mut tx,
                audit,
                &event(AuditAction::CandidateRemoved, ObjectKind::Candidate, id),
            )
            .await?;
        }
        tx.commit().await.map_err(db_error)?;
        Ok(removed)
    }

    async fn candidates_for(
        &self,
        scope: &OrgScope,
        person_id: PersonId,
    ) -> StoreResult<Vec<CandidateView>> {
        let mut conn = self.pool.acquire().await.map_err(db_error)?;
        if Sql::<D>::load_person(&mut conn, scope.org(), person_id)
            .await?
            .is_none()
        {
            return Err(StoreError::NotFound);
        }
        Sql::<D>::candidates_of(&mut conn, scope.org(), person_id).await
    }

    async fn candidate(
        &self,
        scope: &OrgScope,
        id: CandidateId,
    ) -> StoreResult<Option<CandidateView>> {
        let mut conn = self.pool.acquire().await.map_err(db_error)?;
        Sql::<D>::load_candidate(&mut conn, scope.org(), id, false).await
    }

    async fn review_candidate(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        id: CandidateId,
        status: CandidateStatus,
        reason: Option<&Text>,
    ) -> StoreResult<CandidateView> {
        let mut tx = Sql::<D>::begin(&self.pool).await?;
        let current = Sql::<D>::load_candidate(&mut tx, scope.org(), id, true)
            .await?
            .ok_or(StoreError::NotFound)?;
        let side = backend::side_of(&current, scope.org()).ok_or(StoreError::NotFound)?;
        let sql = format!(
            "UPDATE candidates SET {p}_status = $1, {p}_reason = $2, {p}_reviewed_by = $3, \
             {p}_reviewed_at = $4, updated_at = $4 WHERE id = $5",
            p = side.prefix()
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(status.as_str())
            .bind(reason.map(Text::as_str))
            .bind(audit.actor.map(|a| a.to_string()))
            .bind(audit.at.as_millis())
            .bind(id.to_string())
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        Sql::<D>::append(
            &mut tx,
            audit,
            &event(AuditAction::CandidateReviewed, ObjectKind::Candidate, id),
        )
        .await?;
        let updated = Sql::<D>::load_candidate(&mut tx, scope.org(), id, false)
            .await?
            .ok_or(StoreError::NotFound)?;
        tx.commit().await.map_err(db_error)?;
        Ok(updated)
    }

    async fn approve_release(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        id: CandidateId,
    ) -> StoreResult<(CandidateView, ReleaseOutcome)> {
        let approver = audit.actor.ok_or(StoreError::ActorRequired)?;
        let mut tx = Sql::<D>::begin(&self.pool).await?;
        let current = Sql::<D>::load_candidate(&mut tx, scope.org(), id, true)
            .await?
            .ok_or(StoreError::NotFound)?;
        let plan = backend::planned_release(&current, scope.org()).ok_or(StoreError::NotFound)?;
        if plan.already_released {
            tx.rollback().await.map_err(db_error)?;
            return Ok((current, ReleaseOutcome::Released));
        }
        let person = Sql::<D>::load_person(&mut tx, scope.org(), plan.person)
            .await?
            .ok_or(StoreError::NotFound)?;
        let ledger = Sql::<D>::person_consents(&mut tx, &plan.person.to_string()).await?;
        let to_country = Sql::<D>::org_country(&mut tx, plan.to_org)
            .await?
            .ok_or(StoreError::NotFound)?;
        let (outcome, approvals) = backend::decide_release(
            &person.details,
            &ledger,
            plan.to_org,
            to_country,
            &plan.approvals,
            approver,
        );
        let Some(approvals) = approvals else {
            tx.rollback().await.map_err(db_error)?;
            return Ok((current, outcome));
        };
        let released_at = (outcome == ReleaseOutcome::Released).then_some(audit.at.as_millis());
        let sql = format!(
            "UPDATE candidates SET {p}_approvals = $1, {p}_released_at = $2, updated_at = $3 \
             WHERE id = $4",
            p = plan.side.prefix()
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(backend::approvals_json(&approvals)?)
            .bind(released_at)
            .bind(audit.at.as_millis())
            .bind(id.to_string())
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        Sql::<D>::append(
            &mut tx,
            audit,
            &event(AuditAction::ReleaseApproved, ObjectKind::Candidate, id),
        )
        .await?;
        if released_at.is_some() {
            Sql::<D>::record_release(&mut tx, id, plan.side, plan.person, plan.to_org, audit.at)
                .await?;
            Sql::<D>::append(
                &mut tx,
                audit,
                &event(AuditAction::DetailsReleased, ObjectKind::Candidate, id),
            )
            .await?;
        }
        let updated = Sql::<D>::load_candidate(&mut tx, scope.org(), id, false)
            .await?
            .ok_or(StoreError::NotFound)?;
        tx.commit().await.map_err(db_error)?;
        Ok((updated, outcome))
    }

    async fn released_person(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        id: CandidateId,
    ) -> StoreResult<Option<ReleasedPerson>> {
        let mut tx = Sql::<D>::begin(&self.pool).await?;
        let Some(current) = Sql::<D>::load_candidate(&mut tx, scope.org(), id, false).await? else {
            return Ok(None);
        };
        // The release that concerns the reader is the other side's.
        let (released_by, person_id) = match backend::side_of(&current, scope.org()) {
            Some(Side::Sought) => (Side::Other, current.other),
            Some(Side::Other) => (Side::Sought, current.sought),
            None => return Ok(None),
        };
        let Some(found) =
            Sql::<D>::released_to(&mut tx, audit, id, released_by, scope.org()).await?
        else {
            return Ok(None);
        };
        Sql::<D>::append(
            &mut tx,
            audit,
            &event(
                AuditAction::ReleasedDetailsViewed,
                ObjectKind::Person,
                person_id,
            ),
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        Ok(Some(found))
    }

    async fn create_message(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        candidate_id: CandidateId,
        direction: MessageDirection,
        body: &Text,
    ) -> StoreResult<FamilyMessage> {
        let mut tx = Sql::<D>::begin(&self.pool).await?;
        if Sql::<D>::load_candidate(&mut tx, scope.org(), candidate_id, false)
            .await?
            .is_none()
        {
            return Err(StoreError::NotFound);
        }
        let id = MessageId::random();
        let status = MessageStatus::Drafted;
        sqlx::query(
            "INSERT INTO family_messages (id, candidate_id, direction, body, status, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id.to_string())
        .bind(candidate_id.to_string())
        .bind(direction.as_str())
        .bind(crypto::seal(
            crypto::MESSAGE_BODY,
            &id.to_string(),
            body.as_str(),
        )?)
        .bind(status.as_str())
        .bind(audit.at.as_millis())
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        Sql::<D>::add_message_history(&mut tx, id, status, audit).await?;
        Sql::<D>::append(
            &mut tx,
            audit,
            &event(
                backend::message_action(status),
                ObjectKind::FamilyMessage,
                id,
            ),
        )
        .await?;
        let message = Sql::<D>::load_message(&mut tx, scope.org(), id)
            .await?
            .ok_or(StoreError::NotFound)?;
        tx.commit().await.map_err(db_error)?;
        Ok(message)
    }

    async fn advance_message(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        id: MessageId,
        status: MessageStatus,
    ) -> StoreResult<FamilyMessage> {
        let mut tx = Sql::<D>::begin(&self.pool).await?;
        let current = Sql::<D>::load_message(&mut tx, scope.org(), id)
            .await?
            .ok_or(StoreError::NotFound)?;
        // The caller checked the transition; checking again here under the
        // write lock keeps two concurrent steps from both landing.
        if !current.status.may_become(status) {
            return Err(StoreError::Conflict { field: "status" });
        }
        let done =
            sqlx::query("UPDATE family_messages SET status = $1 WHERE id = $2 AND status = $3")
                .bind(status.as_str())
                .bind(id.to_string())
                .bind(current.status.as_str())
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
        if D::rows_affected(&done) != 1 {
            return Err(StoreError::Conflict { field: "status" });
        }
        Sql::<D>::add_message_history(&mut tx, id, status, audit).await?;
        Sql::<D>::append(
            &mut tx,
            audit,
            &event(
                backend::message_action(status),
                ObjectKind::FamilyMessage,
                id,
            ),
        )
        .await?;
        let message = Sql::<D>::load_message(&mut tx, scope.org(), id)
            .await?
            .ok_or(StoreError::NotFound)?;
        tx.commit().await.map_err(db_error)?;
        Ok(message)
    }

    async fn messages(
        &self,
        scope: &OrgScope,
        candidate_id: CandidateId,
    ) -> StoreResult<Vec<FamilyMessage>> {
        let mut conn = self.pool.acquire().await.map_err(db_error)?;
        if Sql::<D>::load_candidate(&mut conn, scope.org(), candidate_id, false)
            .await?
            .is_none()
        {
            return Err(StoreError::NotFound);
        }
        Sql::<D>::candidate_messages(&mut conn, candidate_id).await
    }
}

const INSERT_PERSONS: &str = "INSERT INTO persons (id, org_id, request_id, position, role, \
     relationship, registration_kind, details, search_text, nationalities, at_risk, minor, version, \
     created_at, updated_at)";

const INSERT_REQUESTS: &str = "INSERT INTO tracing_requests (id, org_id, reference, reference_key, \
     status, closure_reason, circumstances, version, created_at, updated_at)";

const INSERT_HISTORY: &str = "INSERT INTO request_status_history (request_id, status, \
     closure_reason, note, at, by_user)";

/// A new `persons` row, sealed and ready to write, with the person it
/// stores.
pub(crate) struct NewPersonRow {
    pub(crate) stored: StoredPerson,
    id: String,
    org: String,
    request: Option<String>,
    position: i64,
    role: backend::RoleColumns,
    details: String,
    columns: backend::PersonColumns,
    at: i64,
}

impl NewPersonRow {
    pub(crate) fn new(
        org: OrgId,
        request: Option<RequestId>,
        position: i64,
        role: PersonRole,
        details: &PersonDetails,
        audit: &AuditContext,
    ) -> StoreResult<Self> {
        let stored = StoredPerson {
            id: PersonId::random(),
            org,
            request,
            role,
            details: details.clone(),
            version: 1,
            created_at: audit.at,
            updated_at: audit.at,
        };
        let id = stored.id.to_string();
        let columns = backend::person_columns(details)?;
        Ok(NewPersonRow {
            details: crypto::seal(crypto::PERSON_DETAILS, &id, &columns.details)?,
            id,
            org: org.to_string(),
            request: request.map(|r| r.to_string()),
            position,
            role: backend::role_columns(role),
            columns,
            at: audit.at.as_millis(),
            stored,
        })
    }

    fn values(&self) -> Vec<Value<'_>> {
        vec![
            Value::Text(&self.id),
            Value::Text(&self.org),
            Value::MaybeText(self.request.as_deref()),
            Value::Int(self.position),
            Value::Text(self.role.role),
            Value::MaybeText(self.role.relationship),
            Value::MaybeText(self.role.registration_kind),
            Value::Text(&self.details),
            Value::Text(&self.columns.search_text),
            Value::Text(&self.columns.nationalities),
            Value::Bool(self.columns.at_risk),
            Value::Bool(self.columns.minor),
            Value::Int(1),
            Value::Int(self.at),
            Value::Int(self.at),
        ]
    }
}

/// A new `tracing_requests` row (status open, version 1), sealed.
pub(crate) struct NewRequestRow {
    pub(crate) id: RequestId,
    pub(crate) status: RequestStatus,
    id_text: String,
    org: String,
    reference: String,
    reference_key: String,
    circumstances: String,
    at: i64,
}

impl NewRequestRow {
    fn values(&self) -> Vec<Value<'_>> {
        vec![
            Value::Text(&self.id_text),
            Value::Text(&self.org),
            Value::Text(&self.reference),
            Value::Text(&self.reference_key),
            Value::Text(self.status.code()),
            Value::MaybeText(None),
            Value::Text(&self.circumstances),
            Value::Int(1),
            Value::Int(self.at),
            Value::Int(self.at),
        ]
    }
}

/// A new `request_status_history` row, its note sealed.
pub(crate) struct NewHistoryRow {
    request: String,
    status: &'static str,
    closure_reason: Option<&'static str>,
    note: Option<String>,
    at: i64,
    by: Option<String>,
}

impl NewHistoryRow {
    fn new(
        request: RequestId,
        status: RequestStatus,
        note: Option<&Text>,
        audit: &AuditContext,
    ) -> StoreResult<Self> {
        let request = request.to_string();
        Ok(NewHistoryRow {
            note: crypto::seal_opt(crypto::STATUS_NOTE, &request, note.map(Text::as_str))?,
            request,
            status: status.code(),
            closure_reason: status.closure_reason().map(|r| r.as_str()),
            at: audit.at.as_millis(),
            by: audit.actor.map(|a| a.to_string()),
        })
    }

    fn values(&self) -> Vec<Value<'_>> {
        vec![
            Value::Text(&self.request),
            Value::Text(self.status),
            Value::MaybeText(self.closure_reason),
            Value::MaybeText(self.note.as_deref()),
            Value::Int(self.at),
            Value::MaybeText(self.by.as_deref()),
        ]
    }
}

/// The rows a new tracing request writes: the request, its enquirer, its
/// sought persons and its first status.
pub(crate) struct NewRequestRows {
    pub(crate) request: NewRequestRow,
    pub(crate) enquirer: NewPersonRow,
    pub(crate) sought: Vec<NewPersonRow>,
    history: NewHistoryRow,
}

impl NewRequestRows {
    pub(crate) fn new(
        org: OrgId,
        reference: &CaseReference,
        new: &NewRequest,
        audit: &AuditContext,
    ) -> StoreResult<Self> {
        let id = RequestId::random();
        let id_text = id.to_string();
        let status = RequestStatus::Open;
        let request = NewRequestRow {
            circumstances: crypto::seal(
                crypto::REQUEST_CIRCUMSTANCES,
                &id_text,
                &backend::to_json("tracing_requests", &new.circumstances)?,
            )?,
            id,
            status,
            id_text,
            org: org.to_string(),
            reference: reference.to_string(),
            reference_key: reference.to_string().to_lowercase(),
            at: audit.at.as_millis(),
        };
        let enquirer =
            NewPersonRow::new(org, Some(id), 0, PersonRole::Enquirer, &new.enquirer, audit)?;
        let sought = (1_i64..)
            .zip(&new.sought)
            .map(|(position, (relationship, details))| {
                NewPersonRow::new(
                    org,
                    Some(id),
                    position,
                    PersonRole::Sought(*relationship),
                    details,
                    audit,
                )
            })
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(NewRequestRows {
            history: NewHistoryRow::new(id, status, None, audit)?,
            request,
            enquirer,
            sought,
        })
    }
}
