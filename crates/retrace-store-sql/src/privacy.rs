//! Erasure of a person: the statements that reach every row holding the
//! person, in one transaction (`docs/adr/0018-retention-erasure-subject-access.md`).

use crate::{Conn, DbRow, Dialect, Sql, SqlStore, db_error, event};
use async_trait::async_trait;
use retrace_domain::{AuditAction, CandidateId, ObjectKind, PersonId, RequestId, Timestamp};
use retrace_store::{
    AuditContext, CandidateWithdrawal, Erasure, OrgScope, PrivacyStore, StoreError, StoreResult,
};
use sqlx::migrate::Migrate;
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Row, Type};
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
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT role, request_id FROM persons WHERE id = $1 AND org_id = $2{}",
            D::FOR_UPDATE
        )))
        .bind(person.to_string())
        .bind(scope.org().to_string())
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_error)?
        .ok_or(StoreError::NotFound)?;
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
}
