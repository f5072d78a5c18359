//! The work queue: one query per kind of work, counted and listed through
//! the same statement so that the count and the list never disagree.

use crate::network::FOLLOWED;
use crate::{Conn, DbRow, Dialect, Sql, SqlStore, db_error};
use async_trait::async_trait;
use retrace_domain::{Timestamp, UserId, WorkKind};
use retrace_store::{OrgScope, StoreResult, WorkBucket, WorkItem, WorkQueueStore, WorkWindow};
use sqlx::migrate::Migrate;
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Row, Type};

/// The organisation's own person on a candidate, for its request reference.
const OWN_PERSON: &str = "JOIN persons p ON p.id = CASE WHEN k.sought_org = $1 \
     THEN k.sought_id ELSE k.other_id END \
     LEFT JOIN tracing_requests r ON r.id = p.request_id";

/// A further parameter of a kind's statement.
enum Param {
    Int(i64),
    Text(String),
}

/// The statement listing one kind of work for organisation `$1` as
/// `(id, reference, since)`, and the values of its further parameters
/// (`$2`, `$3`).
fn work_select(kind: WorkKind, window: WorkWindow) -> (String, Vec<Param>) {
    match kind {
        WorkKind::CandidateToReview => (
            format!(
                "SELECT k.id AS id, r.reference AS reference, k.created_at AS since \
                 FROM candidates k {OWN_PERSON} \
                 WHERE (k.sought_org = $1 AND k.sought_status = 'proposed') \
                 OR (k.other_org = $1 AND k.other_status = 'proposed')"
            ),
            vec![],
        ),
        WorkKind::ReleaseReceived => (
            // The person released is the other side's; the reference shown
            // is of the receiver's own person on the candidate.
            format!(
                "SELECT k.id AS id, r.reference AS reference, l.released_at AS since \
                 FROM releases l JOIN candidates k ON k.id = l.candidate_id {OWN_PERSON} \
                 WHERE l.to_org = $1 AND l.withheld_at IS NULL AND l.released_at > $2"
            ),
            vec![Param::Int(window.releases_after().as_millis())],
        ),
        WorkKind::TransferWaiting => (
            "SELECT t.id AS id, NULL AS reference, t.created_at AS since \
             FROM transfers t WHERE t.to_org = $1 AND t.status = 'pending'"
                .to_owned(),
            vec![],
        ),
        WorkKind::ReferralWaiting => (
            "SELECT f.id AS id, NULL AS reference, f.created_at AS since \
             FROM referrals f WHERE f.to_org = $1 AND f.status = 'sent'"
                .to_owned(),
            vec![],
        ),
        WorkKind::PublicReport => (
            "SELECT i.id AS id, i.reference AS reference, i.received_at AS since \
             FROM information_reports i WHERE i.org_id = $1 AND i.status = 'new'"
                .to_owned(),
            vec![],
        ),
        WorkKind::MessageToRelay => (
            // A drafted message waits for its writer's organisation to send
            // it, a sent one for the other organisation to deliver it. The
            // enquirer's organisation writes to the sought person.
            format!(
                "SELECT k.id AS id, r.reference AS reference, m.created_at AS since \
                 FROM family_messages m JOIN candidates k ON k.id = m.candidate_id {OWN_PERSON} \
                 WHERE (m.status = 'drafted' AND ((m.direction = 'to_sought_person' AND k.sought_org = $1) \
                 OR (m.direction = 'to_enquirer' AND k.other_org = $1))) \
                 OR (m.status = 'sent' AND ((m.direction = 'to_sought_person' AND k.other_org = $1) \
                 OR (m.direction = 'to_enquirer' AND k.sought_org = $1)))"
            ),
            vec![],
        ),
        WorkKind::QuietRequest => (
            "SELECT r.id AS id, r.reference AS reference, r.updated_at + $3 AS since \
             FROM tracing_requests r \
             WHERE r.org_id = $1 AND r.status <> 'closed' AND r.updated_at < $2"
                .to_owned(),
            vec![
                Param::Int(window.quiet_before().as_millis()),
                Param::Int(window.quiet_millis()),
            ],
        ),
        WorkKind::NetworkPost => (
            // Posts of the member's follows in the organisation's networks
            // (membership as it is now), written by someone else.
            format!(
                "SELECT p.id AS id, NULL AS reference, p.created_at AS since \
                 FROM network_posts p JOIN network_members m \
                 ON m.network_id = p.network_id AND m.org_id = $1 \
                 WHERE p.created_at > $3 AND {FOLLOWED}"
            ),
            vec![
                Param::Text(window.user.to_string()),
                Param::Int(window.posts_after().as_millis()),
            ],
        ),
    }
}

impl<D> Sql<D>
where
    D: Dialect,
    for<'c> &'c mut Conn<D>: Executor<'c, Database = D::Db>,
    <D::Db as Database>::Arguments: IntoArguments<D::Db>,
    for<'a> &'a str: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db> + ColumnIndex<DbRow<D>>,
    for<'a> String: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> i64: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> Option<String>: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> Option<i64>: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
{
    async fn work_bucket(
        conn: &mut Conn<D>,
        scope: &OrgScope,
        kind: WorkKind,
        window: WorkWindow,
        read_at: Option<Timestamp>,
        items_per_kind: u32,
    ) -> StoreResult<WorkBucket> {
        let (select, params) = work_select(kind, window);
        let read_param = params.len() + 2;
        let read_at = read_at.map_or(i64::MIN, Timestamp::as_millis);
        let count_sql = format!(
            "SELECT COUNT(*) AS n, COALESCE(SUM(CASE WHEN w.since > ${read_param} THEN 1 ELSE 0 END), 0) \
             AS unread FROM ({select}) w"
        );
        let mut count = sqlx::query(sqlx::AssertSqlSafe(count_sql)).bind(scope.org().to_string());
        for value in &params {
            count = match value {
                Param::Int(value) => count.bind(*value),
                Param::Text(value) => count.bind(value.clone()),
            };
        }
        let row = count
            .bind(read_at)
            .fetch_one(&mut *conn)
            .await
            .map_err(db_error)?;
        let total: i64 = row.try_get("n").map_err(db_error)?;
        let unread: i64 = row.try_get("unread").map_err(db_error)?;
        let mut items = Vec::new();
        if items_per_kind > 0 && total > 0 {
            let list_sql = format!(
                "SELECT w.id, w.reference, w.since FROM ({select}) w ORDER BY w.since DESC, w.id LIMIT {items_per_kind}"
            );
            let mut list = sqlx::query(sqlx::AssertSqlSafe(list_sql)).bind(scope.org().to_string());
            for value in &params {
                list = match value {
                    Param::Int(value) => list.bind(*value),
                    Param::Text(value) => list.bind(value.clone()),
                };
            }
            for row in list.fetch_all(&mut *conn).await.map_err(db_error)? {
                items.push(WorkItem {
                    kind,
                    object_id: row.try_get("id").map_err(db_error)?,
                    reference: row.try_get("reference").map_err(db_error)?,
                    since: Timestamp::from_millis(row.try_get("since").map_err(db_error)?),
                });
            }
        }
        Ok(WorkBucket {
            kind,
            count: u64::try_from(total).unwrap_or(0),
            unread: u64::try_from(unread).unwrap_or(0),
            items,
        })
    }
}

#[async_trait]
impl<D> WorkQueueStore for SqlStore<D>
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
    async fn work_queue(
        &self,
        scope: &OrgScope,
        kinds: &[WorkKind],
        window: WorkWindow,
        read_at: Option<Timestamp>,
        items_per_kind: u32,
    ) -> StoreResult<Vec<WorkBucket>> {
        let mut conn = self.pool.acquire().await.map_err(db_error)?;
        let mut buckets = Vec::with_capacity(kinds.len());
        for &kind in kinds {
            buckets.push(
                Sql::<D>::work_bucket(&mut conn, scope, kind, window, read_at, items_per_kind)
                    .await?,
            );
        }
        Ok(buckets)
    }

    async fn notifications_read_at(&self, user: UserId) -> StoreResult<Option<Timestamp>> {
        let row = sqlx::query("SELECT notifications_read_at FROM users WHERE id = $1")
            .bind(user.to_string())
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)?;
        let Some(row) = row else {
            return Ok(None);
        };
        let at: Option<i64> = row.try_get("notifications_read_at").map_err(db_error)?;
        Ok(at.map(Timestamp::from_millis))
    }

    async fn mark_notifications_read(&self, user: UserId, at: Timestamp) -> StoreResult<()> {
        sqlx::query(
            "UPDATE users SET notifications_read_at = $1 WHERE id = $2 \
             AND (notifications_read_at IS NULL OR notifications_read_at < $1)",
        )
        .bind(at.as_millis())
        .bind(user.to_string())
        .execute(&self.pool)
        .await
        .map_err(db_error)?;
        Ok(())
    }
}
