//! Erasure of a person: the statements that reach every row holding the
//! person, in one transaction (`docs/adr/0018-retention-erasure-subject-access.md`).

use crate::gallery::{ENTRY_COLUMNS, REPORT_COLUMNS};
use crate::{Conn, DbRow, Dialect, Sql, SqlStore, db_error, event, json_values};
use async_trait::async_trait;
use retrace_domain::{
    AuditAction, CandidateId, CountryCode, ObjectKind, OrgId, PersonId, RequestId, Timestamp,
};
use retrace_store::backend;
use retrace_store::{
    AuditContext, CandidateWithdrawal, Erasure, NamedOrg, OrgScope, PrivacyStore, StoreError,
    StoreResult, SubjectAccess, SubjectAuditEntry, SubjectCandidate, SubjectImport,
    SubjectReferral, SubjectRelease, SubjectReport, SubjectRequest, SubjectTransfer,
};
use sqlx::migrate::Migrate;
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Row, Type};
use std::collections::HashMap;
use std::str::FromStr;

/// Statements deleting what hangs off one candidate (`$1`), children first.
const CANDIDATE_CHILDREN: [&str; 3] = [
    "DELETE FROM family_message_history WHERE message_id IN \
     (SELECT id FROM family_messages WHERE candidate_id = $1)",
    "DELETE FROM family_messages WHERE candidate_id = $1",
    "DELETE FROM releases WHERE candidate_id = $1",
];

/// Statements deleting what hangs off one referral (`$1`), then the referral.
const REFERRAL_ROWS: [&str; 4] = [
    "DELETE FROM referral_tool_entries WHERE referral_id = $1",
    "DELETE FROM referral_events WHERE referral_id = $1",
    "DELETE FROM referral_steps WHERE referral_id = $1",
    "DELETE FROM referrals WHERE id = $1",
];

/// Statements deleting the rows of one person (`$1`) that need no
/// bookkeeping, before the person row itself.
const PERSON_ROWS: [&str; 4] = [
    "DELETE FROM consents WHERE person_id = $1",
    "DELETE FROM pfif_records WHERE person_id = $1",
    "DELETE FROM candidate_withdrawals WHERE person_id = $1",
    "DELETE FROM persons WHERE id = $1",
];

/// Statements deleting a request's own rows (`$1`), once its persons are gone.
const REQUEST_ROWS: [&str; 4] = [
    "DELETE FROM request_status_history WHERE request_id = $1",
    "DELETE FROM transfers WHERE request_id = $1",
    "DELETE FROM information_reports WHERE request_id = $1",
    "DELETE FROM tracing_requests WHERE id = $1",
];

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
    async fn run_each(
        conn: &mut Conn<D>,
        statements: &[&'static str],
        id: &str,
    ) -> StoreResult<()> {
        for statement in statements {
            sqlx::query(*statement)
                .bind(id)
                .execute(&mut *conn)
                .await
                .map_err(db_error)?;
        }
        Ok(())
    }

    /// Erases one person's rows; adds what was removed to `erasure`.
    /// `erased` are every person of this erasure: a candidate between two
    /// of them leaves no withdrawal behind.
    async fn erase_one(
        conn: &mut Conn<D>,
        audit: &AuditContext,
        person: &str,
        erased: &[String],
        erasure: &mut Erasure,
    ) -> StoreResult<()> {
        let candidates = sqlx::query(
            "SELECT id, sought_id, sought_org, other_id, other_org FROM candidates \
             WHERE sought_id = $1 OR other_id = $1 ORDER BY id",
        )
        .bind(person)
        .fetch_all(&mut *conn)
        .await
        .map_err(db_error)?;
        for row in &candidates {
            let id: String = row.try_get("id").map_err(db_error)?;
            let sought: String = row.try_get("sought_id").map_err(db_error)?;
            let (remaining, remaining_org): (String, String) = if sought == person {
                (
                    row.try_get("other_id").map_err(db_error)?,
                    row.try_get("other_org").map_err(db_error)?,
                )
            } else {
                (sought, row.try_get("sought_org").map_err(db_error)?)
            };
            Self::run_each(conn, &CANDIDATE_CHILDREN, &id).await?;
            sqlx::query("DELETE FROM candidates WHERE id = $1")
                .bind(&id)
                .execute(&mut *conn)
                .await
                .map_err(db_error)?;
            if !erased.contains(&remaining) {
                sqlx::query(
                    "INSERT INTO candidate_withdrawals (candidate_id, org_id, person_id, withdrawn_at) \
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(&id)
                .bind(&remaining_org)
                .bind(&remaining)
                .bind(audit.at.as_millis())
                .execute(&mut *conn)
                .await
                .map_err(db_error)?;
            }
            Self::append(
                conn,
                audit,
                &event(AuditAction::CandidateRemoved, ObjectKind::Candidate, &id),
            )
            .await?;
            erasure.candidates_withdrawn += 1;
        }
        let entries = sqlx::query(
            "SELECT id, photo_token, thumb_token FROM gallery_entries WHERE person_id = $1",
        )
        .bind(person)
        .fetch_all(&mut *conn)
        .await
        .map_err(db_error)?;
        for row in &entries {
            let id: String = row.try_get("id").map_err(db_error)?;
            erasure
                .media
                .push(row.try_get("photo_token").map_err(db_error)?);
            erasure
                .media
                .push(row.try_get("thumb_token").map_err(db_error)?);
            sqlx::query("DELETE FROM information_reports WHERE entry_id = $1")
                .bind(&id)
                .execute(&mut *conn)
                .await
                .map_err(db_error)?;
            sqlx::query("DELETE FROM gallery_entries WHERE id = $1")
                .bind(&id)
                .execute(&mut *conn)
                .await
                .map_err(db_error)?;
            Self::append(
                conn,
                audit,
                &event(
                    AuditAction::GalleryEntryTakenDown,
                    ObjectKind::GalleryEntry,
                    &id,
                ),
            )
            .await?;
        }
        let referrals: Vec<String> =
            sqlx::query_scalar("SELECT id FROM referrals WHERE person_id = $1 ORDER BY id")
                .bind(person)
                .fetch_all(&mut *conn)
                .await
                .map_err(db_error)?;
        for id in &referrals {
            Self::run_each(conn, &REFERRAL_ROWS, id).await?;
        }
        Self::run_each(conn, &PERSON_ROWS, person).await?;
        Self::append(
            conn,
            audit,
            &event(AuditAction::PersonErased, ObjectKind::Person, person),
        )
        .await?;
        erasure
            .persons
            .push(PersonId::from_str(person).map_err(|_| StoreError::Corrupt {
                table: "persons",
                detail: "id".to_owned(),
            })?);
        Ok(())
    }

    /// Locks `org`'s `person` row and reads its role and request;
    /// `NotFound` when it is not `org`'s.
    async fn lock_person(
        conn: &mut Conn<D>,
        org: OrgId,
        person: PersonId,
    ) -> StoreResult<DbRow<D>> {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT role, request_id FROM persons WHERE id = $1 AND org_id = $2{}",
            D::FOR_UPDATE
        )))
        .bind(person.to_string())
        .bind(org.to_string())
        .fetch_optional(&mut *conn)
        .await
        .map_err(db_error)?
        .ok_or(StoreError::NotFound)
    }

    /// An organisation's name and country, read once per export.
    async fn org_name(
        conn: &mut Conn<D>,
        names: &mut HashMap<OrgId, NamedOrg>,
        id: OrgId,
    ) -> StoreResult<NamedOrg> {
        if let Some(known) = names.get(&id) {
            return Ok(known.clone());
        }
        let row = sqlx::query("SELECT name, country FROM organisations WHERE id = $1")
            .bind(id.to_string())
            .fetch_one(&mut *conn)
            .await
            .map_err(db_error)?;
        let name: String = row.try_get("name").map_err(db_error)?;
        let country: String = row.try_get("country").map_err(db_error)?;
        let org = NamedOrg {
            id,
            name,
            country: CountryCode::parse(&country).map_err(|e| corrupt("organisations", e))?,
        };
        names.insert(id, org.clone());
        Ok(org)
    }

    /// The audit entries whose object is one of `objects`, oldest first;
    /// staff named only when they are of `own` organisation.
    async fn entries_about(
        conn: &mut Conn<D>,
        names: &mut HashMap<OrgId, NamedOrg>,
        own: OrgId,
        objects: &[String],
    ) -> StoreResult<Vec<SubjectAuditEntry>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT a.seq, a.at, a.org_id, a.action, a.object_kind, a.purpose, \
             u.display_name FROM audit_log a LEFT JOIN users u ON u.id = a.actor \
             WHERE a.object_id IN ({}) ORDER BY a.seq",
            json_values::<D>("$1")
        )))
        .bind(backend::to_json("audit_log", &objects)?)
        .fetch_all(&mut *conn)
        .await
        .map_err(db_error)?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            let org: Option<String> = row.try_get("org_id").map_err(db_error)?;
            let org = match org {
                Some(org) => Some(Self::org_name(conn, names, parse("audit_log", &org)?).await?),
                None => None,
            };
            let action: String = row.try_get("action").map_err(db_error)?;
            let kind: String = row.try_get("object_kind").map_err(db_error)?;
            let actor: Option<String> = row.try_get("display_name").map_err(db_error)?;
            out.push(SubjectAuditEntry {
                seq: row.try_get("seq").map_err(db_error)?,
                at: Timestamp::from_millis(row.try_get("at").map_err(db_error)?),
                action: AuditAction::parse(&action)
                    .ok_or_else(|| corrupt("audit_log", "unknown action"))?,
                object_kind: ObjectKind::ALL
                    .into_iter()
                    .find(|k| k.as_str() == kind)
                    .ok_or_else(|| corrupt("audit_log", "unknown object kind"))?,
                actor: actor.filter(|_| org.as_ref().is_some_and(|o| o.id == own)),
                org,
                purpose: row.try_get("purpose").map_err(db_error)?,
            });
        }
        Ok(out)
    }

    /// Everything held on `person` (already known to be `org`'s) and the
    /// ids of the records it spans, for the audit entries about them.
    async fn gather_subject(
        conn: &mut Conn<D>,
        org: OrgId,
        person: PersonId,
    ) -> StoreResult<SubjectAccess> {
        let stored = Sql::<D>::load_person(conn, org, person)
            .await?
            .ok_or(StoreError::NotFound)?;
        let id = person.to_string();
        let mut names = HashMap::new();
        let mut objects = vec![id.clone()];
        let request = match stored.request {
            Some(request_id) => {
                let request = Sql::<D>::load_request(conn, org, request_id)
                    .await?
                    .ok_or_else(|| corrupt("persons", "request_id"))?;
                objects.push(request_id.to_string());
                Some(SubjectRequest {
                    id: request_id,
                    reference: request.reference,
                    status: request.status,
                    circumstances: request.circumstances,
                    history: Sql::<D>::load_status_history(conn, request_id).await?,
                    created_at: request.created_at,
                    updated_at: request.updated_at,
                })
            }
            None => None,
        };
        let consents = Sql::<D>::person_consents(conn, &id).await?;
        objects.extend(consents.iter().map(|c| c.id.to_string()));
        let mut candidates = Vec::new();
        let mut messages = Vec::new();
        for candidate in Sql::<D>::candidates_of(conn, org, person).await? {
            let (review, release, other_org) = if candidate.sought == person {
                (
                    &candidate.sought_review,
                    &candidate.sought_release,
                    candidate.other_org,
                )
            } else {
                (
                    &candidate.other_review,
                    &candidate.other_release,
                    candidate.sought_org,
                )
            };
            objects.push(candidate.id.to_string());
            let relayed = Sql::<D>::candidate_messages(conn, candidate.id).await?;
            objects.extend(relayed.iter().map(|m| m.id.to_string()));
            messages.extend(relayed);
            candidates.push(SubjectCandidate {
                id: candidate.id,
                other_org: Self::org_name(conn, &mut names, other_org).await?,
                score_milli: candidate.score_milli,
                own_review: review.status,
                released_at: release.released_at,
                created_at: candidate.created_at,
            });
        }
        let mut releases = Vec::new();
        let rows = sqlx::query(
            "SELECT candidate_id, to_org, released_at, withheld_at FROM releases \
             WHERE person_id = $1 ORDER BY released_at, candidate_id",
        )
        .bind(&id)
        .fetch_all(&mut *conn)
        .await
        .map_err(db_error)?;
        for row in &rows {
            let candidate: String = row.try_get("candidate_id").map_err(db_error)?;
            let to_org: String = row.try_get("to_org").map_err(db_error)?;
            releases.push(SubjectRelease {
                candidate: parse("releases", &candidate)?,
                to_org: Self::org_name(conn, &mut names, parse("releases", &to_org)?).await?,
                released_at: Timestamp::from_millis(row.try_get("released_at").map_err(db_error)?),
                withheld_at: row
                    .try_get::<Option<i64>, _>("withheld_at")
                    .map_err(db_error)?
                    .map(Timestamp::from_millis),
            });
        }
        let mut transfers = Vec::new();
        if let Some(request) = &request {
            for transfer in Sql::<D>::owner_transfers(conn, request.id, org).await? {
                objects.push(transfer.id.to_string());
                transfers.push(SubjectTransfer {
                    id: transfer.id,
                    to_org: Self::org_name(conn, &mut names, transfer.to_org).await?,
                    status: transfer.status,
                    created_at: transfer.created_at,
                    decided_at: transfer.decided_at,
                    revoked_at: transfer.revoked_at,
                });
            }
        }
        let gallery_entries = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {ENTRY_COLUMNS} FROM gallery_entries g \
             WHERE g.person_id = $1 AND g.org_id = $2 ORDER BY g.created_at, g.id"
        )))
        .bind(&id)
        .bind(org.to_string())
        .fetch_all(&mut *conn)
        .await
        .map_err(db_error)?
        .iter()
        .map(Sql::<D>::entry)
        .collect::<StoreResult<Vec<_>>>()?;
        objects.extend(gallery_entries.iter().map(|e| e.id.to_string()));
        // A gallery entry shows a request's enquirer; its reports stay with
        // the request once the entry is taken down.
        let reports = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {REPORT_COLUMNS} FROM information_reports x WHERE x.org_id = $2 AND \
             (x.entry_id IN (SELECT g.id FROM gallery_entries g WHERE g.person_id = $1) \
              OR x.request_id IN (SELECT p.request_id FROM persons p \
                                  WHERE p.id = $1 AND p.role = 'enquirer')) \
             ORDER BY x.received_at, x.id"
        )))
        .bind(&id)
        .bind(org.to_string())
        .fetch_all(&mut *conn)
        .await
        .map_err(db_error)?
        .iter()
        .map(|row| {
            let report = Sql::<D>::report(row)?;
            Ok(SubjectReport {
                id: report.id,
                reference: report.reference,
                message: report.message,
                status: report.status,
                received_at: report.received_at,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
        objects.extend(reports.iter().map(|r| r.id.to_string()));
        let mut referrals = Vec::new();
        for (referral, timeline, tools) in Sql::<D>::sent_referrals_of(conn, person, org).await? {
            objects.push(referral.id.to_string());
            referrals.push(SubjectReferral {
                to_org: Self::org_name(conn, &mut names, referral.to_org).await?,
                referral,
                timeline,
                tools,
            });
        }
        let import = sqlx::query(
            "SELECT record_id, source_name, source_url, source_date, imported_at \
             FROM pfif_records WHERE person_id = $1 AND org_id = $2",
        )
        .bind(&id)
        .bind(org.to_string())
        .fetch_optional(&mut *conn)
        .await
        .map_err(db_error)?
        .map(|row| {
            Ok::<_, sqlx::Error>(SubjectImport {
                record_id: row.try_get("record_id")?,
                source_name: row.try_get("source_name")?,
                source_url: row.try_get("source_url")?,
                source_date: row.try_get("source_date")?,
                imported_at: Timestamp::from_millis(row.try_get("imported_at")?),
            })
        })
        .transpose()
        .map_err(db_error)?;
        let seen_by = Self::entries_about(conn, &mut names, org, &objects).await?;
        Ok(SubjectAccess {
            person: stored,
            request,
            consents,
            candidates,
            releases,
            messages,
            transfers,
            gallery_entries,
            reports,
            referrals,
            import,
            seen_by,
        })
    }
}

/// A stored value that does not parse: the row is corrupt.
fn corrupt(table: &'static str, detail: impl ToString) -> StoreError {
    StoreError::Corrupt {
        table,
        detail: detail.to_string(),
    }
}

fn parse<T: FromStr>(table: &'static str, value: &str) -> StoreResult<T> {
    value.parse().map_err(|_| corrupt(table, "bad identifier"))
}

#[async_trait]
impl<D> PrivacyStore for SqlStore<D>
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
    async fn erase_person(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        person: PersonId,
    ) -> StoreResult<Erasure> {
        let mut tx = Sql::<D>::begin(&self.pool).await?;
        let row = Sql::<D>::lock_person(&mut tx, scope.org(), person).await?;
        let role: String = row.try_get("role").map_err(db_error)?;
        let request: Option<String> = row.try_get("request_id").map_err(db_error)?;
        let mut erasure = Erasure::default();
        // An enquirer's request exists because they asked: it goes whole.
        let whole_request = match (role.as_str(), request) {
            ("enquirer", Some(request)) => Some(request),
            _ => None,
        };
        let persons: Vec<String> = match &whole_request {
            Some(request) => sqlx::query_scalar(
                "SELECT id FROM persons WHERE request_id = $1 ORDER BY position DESC",
            )
            .bind(request)
            .fetch_all(&mut *tx)
            .await
            .map_err(db_error)?,
            None => vec![person.to_string()],
        };
        for id in &persons {
            Sql::<D>::erase_one(&mut tx, audit, id, &persons, &mut erasure).await?;
        }
        if let Some(request) = whole_request {
            // Entries of the request about no erased person (none in
            // practice: an entry shows a sought person of its request).
            let tokens = sqlx::query(
                "SELECT id, photo_token, thumb_token FROM gallery_entries WHERE request_id = $1",
            )
            .bind(&request)
            .fetch_all(&mut *tx)
            .await
            .map_err(db_error)?;
            for row in &tokens {
                erasure
                    .media
                    .push(row.try_get("photo_token").map_err(db_error)?);
                erasure
                    .media
                    .push(row.try_get("thumb_token").map_err(db_error)?);
            }
            sqlx::query("DELETE FROM gallery_entries WHERE request_id = $1")
                .bind(&request)
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
            Sql::<D>::run_each(&mut tx, &REQUEST_ROWS, &request).await?;
            Sql::<D>::append(
                &mut tx,
                audit,
                &event(
                    AuditAction::RequestErased,
                    ObjectKind::TracingRequest,
                    &request,
                ),
            )
            .await?;
            erasure.request =
                Some(
                    RequestId::from_str(&request).map_err(|_| StoreError::Corrupt {
                        table: "tracing_requests",
                        detail: "id".to_owned(),
                    })?,
                );
        }
        tx.commit().await.map_err(db_error)?;
        Ok(erasure)
    }

    async fn reclaim_free_space(&self) -> StoreResult<()> {
        for statement in D::RECLAIM {
            sqlx::raw_sql(*statement)
                .execute(&self.pool)
                .await
                .map_err(db_error)?;
        }
        Ok(())
    }

    async fn erased_persons_since(&self, after: i64) -> StoreResult<(i64, Vec<PersonId>)> {
        let mut conn = self.pool.acquire().await.map_err(db_error)?;
        let last: Option<i64> = sqlx::query_scalar("SELECT MAX(seq) FROM audit_log")
            .fetch_one(&mut *conn)
            .await
            .map_err(db_error)?;
        let last = last.unwrap_or(0);
        let ids: Vec<String> = sqlx::query_scalar(
            "SELECT object_id FROM audit_log WHERE seq > $1 AND seq <= $2 \
             AND action = 'person_erased' ORDER BY seq",
        )
        .bind(after)
        .bind(last)
        .fetch_all(&mut *conn)
        .await
        .map_err(db_error)?;
        let persons = ids
            .iter()
            .filter_map(|id| PersonId::from_str(id).ok())
            .collect();
        Ok((last, persons))
    }

    async fn candidate_withdrawals(
        &self,
        scope: &OrgScope,
        person: PersonId,
    ) -> StoreResult<Vec<CandidateWithdrawal>> {
        let rows = sqlx::query(
            "SELECT candidate_id, withdrawn_at FROM candidate_withdrawals \
             WHERE person_id = $1 AND org_id = $2 ORDER BY withdrawn_at DESC, candidate_id",
        )
        .bind(person.to_string())
        .bind(scope.org().to_string())
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        rows.iter()
            .map(|row| {
                let id: String = row.try_get("candidate_id").map_err(db_error)?;
                let at: i64 = row.try_get("withdrawn_at").map_err(db_error)?;
                Ok(CandidateWithdrawal {
                    candidate: CandidateId::from_str(&id).map_err(|_| StoreError::Corrupt {
                        table: "candidate_withdrawals",
                        detail: "candidate_id".to_owned(),
                    })?,
                    person,
                    at: Timestamp::from_millis(at),
                })
            })
            .collect()
    }

    async fn subject_access(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        person: PersonId,
    ) -> StoreResult<SubjectAccess> {
        audit.actor.ok_or(StoreError::ActorRequired)?;
        let mut tx = Sql::<D>::begin(&self.pool).await?;
        // The person's row is locked first, as an erasure or an edit locks
        // it: neither can run halfway through this read.
        Sql::<D>::lock_person(&mut tx, scope.org(), person).await?;
        let access = Sql::<D>::gather_subject(&mut tx, scope.org(), person).await?;
        Sql::<D>::append(
            &mut tx,
            audit,
            &event(
                AuditAction::SubjectAccessExported,
                ObjectKind::Person,
                person,
            ),
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        Ok(access)
    }
}
