//! The change outbox and the rate limits counted in the database
//! (`docs/adr/0019-several-servers-one-database.md`). The outbox rows are
//! written by the triggers of migration `0025_change_outbox.sql`, in the
//! transaction of the change itself; this module only reads and prunes.

use crate::{Conn, DbRow, Dialect, SqlStore, db_error};
use async_trait::async_trait;
use retrace_domain::Timestamp;
use retrace_store::{
    ChangeKind, OutboxBounds, OutboxChange, OutboxStore, RateLimitStore, StoreError, StoreResult,
};
use sqlx::migrate::Migrate;
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Row, Type};

fn position_of(value: i64) -> StoreResult<u64> {
    u64::try_from(value).map_err(|_| StoreError::Corrupt {
        table: "change_outbox",
        detail: "negative position".to_owned(),
    })
}

#[async_trait]
impl<D> OutboxStore for SqlStore<D>
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
    async fn changes_since(&self, after: u64, limit: u32) -> StoreResult<Vec<OutboxChange>> {
        let after = i64::try_from(after).unwrap_or(i64::MAX);
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT seq, kind, object_id, CAST(CASE WHEN {} THEN 1 ELSE 0 END AS BIGINT) AS own \
             FROM change_outbox WHERE seq > $1 ORDER BY seq LIMIT $2",
            D::OUTBOX_OWN
        )))
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        rows.iter()
            .map(|row| {
                let kind: String = row.try_get("kind").map_err(db_error)?;
                let own: i64 = row.try_get("own").map_err(db_error)?;
                Ok(OutboxChange {
                    seq: position_of(row.try_get("seq").map_err(db_error)?)?,
                    kind: ChangeKind::parse(&kind).ok_or_else(|| StoreError::Corrupt {
                        table: "change_outbox",
                        detail: format!("unknown kind {kind}"),
                    })?,
                    object_id: row.try_get("object_id").map_err(db_error)?,
                    own: own == 1,
                })
            })
            .collect()
    }

    async fn outbox_bounds(&self) -> StoreResult<OutboxBounds> {
        let row = sqlx::query("SELECT MIN(seq) AS oldest, MAX(seq) AS newest FROM change_outbox")
            .fetch_one(&self.pool)
            .await
            .map_err(db_error)?;
        let oldest: Option<i64> = row.try_get("oldest").map_err(db_error)?;
        let newest: Option<i64> = row.try_get("newest").map_err(db_error)?;
        Ok(OutboxBounds {
            oldest: oldest.map(position_of).transpose()?,
            newest: newest.map(position_of).transpose()?.unwrap_or(0),
        })
    }

    async fn prune_outbox(&self, before: Timestamp) -> StoreResult<u64> {
        let done = sqlx::query(
            "DELETE FROM change_outbox WHERE created_at < $1 \
             AND seq < (SELECT MAX(seq) FROM change_outbox)",
        )
        .bind(before.as_millis())
        .execute(&self.pool)
        .await
        .map_err(db_error)?;
        Ok(D::rows_affected(&done))
    }

    async fn matching_checkpoint(&self) -> StoreResult<u64> {
        let position: Option<i64> =
            sqlx::query_scalar("SELECT position FROM matching_checkpoint WHERE id = 1")
                .fetch_optional(&self.pool)
                .await
                .map_err(db_error)?;
        position.map_or(Ok(0), position_of)
    }

    async fn database_identity(&self) -> StoreResult<String> {
        sqlx::query_scalar("SELECT token FROM database_identity WHERE id = 1")
            .fetch_one(&self.pool)
            .await
            .map_err(db_error)
    }

    async fn matching_engine(&self) -> StoreResult<String> {
        let engine: Option<String> =
            sqlx::query_scalar("SELECT engine FROM matching_checkpoint WHERE id = 1")
                .fetch_optional(&self.pool)
                .await
                .map_err(db_error)?;
        Ok(engine.unwrap_or_default())
    }

    async fn record_matching_engine(&self, engine: &str) -> StoreResult<()> {
        sqlx::query("UPDATE matching_checkpoint SET engine = $1 WHERE id = 1")
            .bind(engine)
            .execute(&self.pool)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    async fn advance_matching_checkpoint(&self, position: u64) -> StoreResult<()> {
        sqlx::query("UPDATE matching_checkpoint SET position = $1 WHERE id = 1 AND position < $1")
            .bind(i64::try_from(position).unwrap_or(i64::MAX))
            .execute(&self.pool)
            .await
            .map_err(db_error)?;
        Ok(())
    }
}

#[async_trait]
impl<D> RateLimitStore for SqlStore<D>
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
    async fn count_hit(
        &self,
        client_key: &str,
        window_start: Timestamp,
        window_end: Timestamp,
    ) -> StoreResult<u64> {
        let hits: i64 = sqlx::query_scalar(
            "INSERT INTO rate_limit_counts (client_key, window_start, window_end, hits) \
             VALUES ($1, $2, $3, 1) ON CONFLICT (client_key, window_start) \
             DO UPDATE SET hits = rate_limit_counts.hits + 1 RETURNING hits",
        )
        .bind(client_key)
        .bind(window_start.as_millis())
        .bind(window_end.as_millis())
        .fetch_one(&self.pool)
        .await
        .map_err(db_error)?;
        Ok(u64::try_from(hits).unwrap_or(0))
    }

    async fn hits(&self, client_key: &str, window_start: Timestamp) -> StoreResult<u64> {
        let hits: Option<i64> = sqlx::query_scalar(
            "SELECT hits FROM rate_limit_counts WHERE client_key = $1 AND window_start = $2",
        )
        .bind(client_key)
        .bind(window_start.as_millis())
        .fetch_optional(&self.pool)
        .await
        .map_err(db_error)?;
        Ok(hits.map_or(0, |hits| u64::try_from(hits).unwrap_or(0)))
    }

    async fn prune_rate_limits(&self, now: Timestamp) -> StoreResult<u64> {
        let done = sqlx::query("DELETE FROM rate_limit_counts WHERE window_end <= $1")
            .bind(now.as_millis())
            .execute(&self.pool)
            .await
            .map_err(db_error)?;
        Ok(D::rows_affected(&done))
    }
}
