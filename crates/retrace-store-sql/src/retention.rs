//! Retention periods and the removal of records past them
//! (`docs/adr/0018-retention-erasure-subject-access.md`).

use crate::{Conn, DbRow, Dialect, Sql, SqlStore, db_error, event};
use async_trait::async_trait;
use retrace_domain::{
    AuditAction, ObjectKind, OrgId, PersonId, RequestId, RetentionKind, RetentionPeriod, Timestamp,
};
use retrace_store::{
    AuditContext, ChosenPeriod, ExpiredRequest, OrgScope, RetentionStore, StoreError, StoreResult,
};
use sqlx::migrate::Migrate;
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Row, Type};
use std::str::FromStr;

/// The records of one kind (`$1` the organisation, `$2` the cutoff) past
/// their period: the `FROM … WHERE` that both counting and deleting use.
/// Follow-ups count from their outcome, or from their session while they
/// have none.
fn expired_rows(kind: RetentionKind) -> Option<&'static str> {
    match kind {
        RetentionKind::ClosedRequests => None,
        RetentionKind::GalleryReports => {
            Some("information_reports WHERE org_id = $1 AND received_at < $2")
        }
        RetentionKind::OutreachFollowUps => {
            Some("outreach_follow_ups WHERE org_id = $1 AND COALESCE(outcome_at, started_at) < $2")
        }
        RetentionKind::Exports => Some("exports WHERE org_id = $1 AND at < $2"),
    }
}

fn corrupt(detail: &str) -> StoreError {
    StoreError::Corrupt {
        table: "retention_periods",
        detail: detail.to_owned(),
    }
}

#[async_trait]
impl<D> RetentionStore for SqlStore<D>
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
    async fn chosen_retention_periods(&self) -> StoreResult<Vec<ChosenPeriod>> {
        let rows =
            sqlx::query("SELECT org_id, kind, days FROM retention_periods ORDER BY org_id, kind")
                .fetch_all(&self.pool)
                .await
                .map_err(db_error)?;
        rows.iter()
            .map(|row| {
                let org: String = row.try_get("org_id").map_err(db_error)?;
                let kind: String = row.try_get("kind").map_err(db_error)?;
                let days: i64 = row.try_get("days").map_err(db_error)?;
                Ok(ChosenPeriod {
                    org: OrgId::from_str(&org).map_err(|_| corrupt("org_id"))?,
                    kind: RetentionKind::parse(&kind).map_err(|_| corrupt("kind"))?,
                    days: u32::try_from(days).map_err(|_| corrupt("days"))?,
                })
            })
            .collect()
    }

    async fn set_retention_period(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        kind: RetentionKind,
        period: RetentionPeriod,
    ) -> StoreResult<()> {
        let mut tx = Sql::<D>::begin(&self.pool).await?;
        sqlx::query(
            "INSERT INTO retention_periods (org_id, kind, days, set_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (org_id, kind) DO UPDATE SET days = excluded.days, set_at = excluded.set_at",
        )
        .bind(scope.org().to_string())
        .bind(kind.as_str())
        .bind(i64::from(period.days()))
        .bind(audit.at.as_millis())
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        let mut audit = audit.clone();
        audit.purpose = Some(format!("retention {}={}d", kind.as_str(), period.days()));
        Sql::<D>::append(
            &mut tx,
            &audit,
            &event(
                AuditAction::RetentionPeriodSet,
                ObjectKind::Organisation,
                scope.org(),
            ),
        )
        .await?;
        tx.commit().await.map_err(db_error)
    }

    async fn expired_requests(
        &self,
        scope: &OrgScope,
        before: Timestamp,
    ) -> StoreResult<Vec<ExpiredRequest>> {
        let rows = sqlx::query(
            "SELECT r.id AS request_id, p.id AS enquirer_id, \
             COALESCE((SELECT MAX(h.at) FROM request_status_history h \
                       WHERE h.request_id = r.id AND h.status = 'closed'), r.updated_at) AS closed_at \
             FROM tracing_requests r JOIN persons p ON p.request_id = r.id AND p.role = 'enquirer' \
             WHERE r.org_id = $1 AND r.status = 'closed' \
             AND COALESCE((SELECT MAX(h.at) FROM request_status_history h \
                           WHERE h.request_id = r.id AND h.status = 'closed'), r.updated_at) < $2 \
             ORDER BY closed_at, r.id",
        )
        .bind(scope.org().to_string())
        .bind(before.as_millis())
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        rows.iter()
            .map(|row| {
                let request: String = row.try_get("request_id").map_err(db_error)?;
                let enquirer: String = row.try_get("enquirer_id").map_err(db_error)?;
                Ok(ExpiredRequest {
                    request: RequestId::from_str(&request).map_err(|_| StoreError::Corrupt {
                        table: "tracing_requests",
                        detail: "id".to_owned(),
                    })?,
                    enquirer: PersonId::from_str(&enquirer).map_err(|_| StoreError::Corrupt {
                        table: "persons",
                        detail: "id".to_owned(),
                    })?,
                })
            })
            .collect()
    }

    async fn count_expired(
        &self,
        scope: &OrgScope,
        kind: RetentionKind,
        before: Timestamp,
    ) -> StoreResult<u64> {
        let Some(rows) = expired_rows(kind) else {
            return Ok(0);
        };
        let count: i64 =
            sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {rows}")))
                .bind(scope.org().to_string())
                .bind(before.as_millis())
                .fetch_one(&self.pool)
                .await
                .map_err(db_error)?;
        Ok(u64::try_from(count).unwrap_or(0))
    }

    async fn remove_expired(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        cutoffs: &[(RetentionKind, Timestamp)],
        requests_erased: u64,
    ) -> StoreResult<Vec<(RetentionKind, u64)>> {
        let mut tx = Sql::<D>::begin(&self.pool).await?;
        let mut counts = Vec::new();
        for (kind, before) in cutoffs {
            let Some(rows) = expired_rows(*kind) else {
                continue;
            };
            let removed = sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM {rows}")))
                .bind(scope.org().to_string())
                .bind(before.as_millis())
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
            counts.push((*kind, D::rows_affected(&removed)));
        }
        let mut purpose = format!(
            "retention {}={}",
            RetentionKind::ClosedRequests.as_str(),
            requests_erased
        );
        for (kind, count) in &counts {
            purpose.push_str(&format!(" {}={count}", kind.as_str()));
        }
        // Against the organisation, so that its administrator sees the run.
        let mut audit = audit.clone();
        audit.org = Some(scope.org());
        audit.purpose = Some(purpose);
        Sql::<D>::append(
            &mut tx,
            &audit,
            &event(
                AuditAction::RetentionApplied,
                ObjectKind::Organisation,
                scope.org(),
            ),
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        Ok(counts)
    }
}
