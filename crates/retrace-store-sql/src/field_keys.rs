//! Field encryption's side of the database (`docs/adr/0017-field-encryption-at-rest.md`):
//! the check values of the field keys, sealing what was written in clear
//! before migration 0021, and the rotation's re-encryption in batches.

use crate::{Conn, DbRow, Dialect, Sql, SqlStore, db_error};
use retrace_domain::Timestamp;
use retrace_store::crypto::{self, Field, KeyCheck, Keyring};
use retrace_store::{StoreError, StoreResult};
use sqlx::migrate::Migrate;
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Row, Type};

/// An encrypted column as the re-encryption walks it.
struct Column {
    /// The table that holds it.
    table: &'static str,
    /// What its ciphertexts are bound to (a release snapshot keeps the
    /// person's sealed details, bound to the person).
    field: Field,
    /// An SQL expression naming the row uniquely.
    key: &'static str,
    /// An SQL expression giving the row the ciphertext is bound to.
    bound_to: &'static str,
    /// The blind index column kept beside it, if any.
    mac: Option<&'static str>,
}

const fn column(table: &'static str, field: Field, key: &'static str) -> Column {
    Column {
        table,
        field,
        key,
        bound_to: key,
        mac: None,
    }
}

/// Every encrypted column.
const COLUMNS: [Column; 12] = [
    column("persons", crypto::PERSON_DETAILS, "id"),
    Column {
        table: "releases",
        field: crypto::PERSON_DETAILS,
        key: "candidate_id || ':' || side",
        bound_to: "person_id",
        mac: None,
    },
    column("tracing_requests", crypto::REQUEST_CIRCUMSTANCES, "id"),
    Column {
        table: "request_status_history",
        field: crypto::STATUS_NOTE,
        key: "CAST(seq AS TEXT)",
        bound_to: "request_id",
        mac: None,
    },
    column("family_messages", crypto::MESSAGE_BODY, "id"),
    column("referrals", crypto::REFERRAL_RISK, "id"),
    column("referral_events", crypto::REFERRAL_EVENT_BODY, "id"),
    column("referral_tool_entries", crypto::REFERRAL_TOOL_VALUES, "id"),
    column("outreach_sessions", crypto::OUTREACH_BODY, "id"),
    Column {
        table: "outreach_conflicts",
        field: crypto::CONFLICT_BODY,
        key: "id",
        bound_to: "id",
        mac: Some("body_mac"),
    },
    column("information_reports", crypto::REPORT_MESSAGE, "id"),
    column("information_reports", crypto::REPORT_CONTACT, "id"),
];

/// The condition "this column holds a value not sealed under `$1`'s key"
/// (`$1` is [`crypto::prefix`]), or "a value in clear" when `$1` is the
/// mark alone.
fn stale(column: &str) -> String {
    format!("{column} IS NOT NULL AND substr({column}, 1, length($1)) <> $1")
}

impl<D> SqlStore<D>
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
    /// Compares `keyring` with the check values stored for the field keys,
    /// and records the keys the database has not seen yet, in one
    /// transaction. `Ok(Err(_))` when a key is wrong or missing: the
    /// server must not start.
    pub async fn check_field_keys(
        &self,
        keyring: &Keyring,
        now: Timestamp,
    ) -> StoreResult<Result<(), KeyCheck>> {
        let mut tx = Sql::<D>::begin(&self.pool).await?;
        let rows = sqlx::query("SELECT key_id, check_value, retired_at FROM field_keys")
            .fetch_all(&mut *tx)
            .await
            .map_err(db_error)?;
        let mut known = Vec::with_capacity(rows.len());
        for row in &rows {
            let id: i64 = row.try_get("key_id").map_err(db_error)?;
            let check: String = row.try_get("check_value").map_err(db_error)?;
            let retired: Option<i64> = row.try_get("retired_at").map_err(db_error)?;
            let id = u16::try_from(id).map_err(|_| StoreError::Corrupt {
                table: "field_keys",
                detail: "key_id".into(),
            })?;
            match keyring.check_value(id) {
                Some(given) if given != check => return Ok(Err(KeyCheck::Wrong(id))),
                None if retired.is_none() => return Ok(Err(KeyCheck::Missing(id))),
                _ => {}
            }
            known.push(id);
        }
        for id in keyring.ids().filter(|id| !known.contains(id)) {
            let check = keyring.check_value(id).unwrap_or_default();
            sqlx::query(
                "INSERT INTO field_keys (key_id, check_value, created_at) VALUES ($1, $2, $3)",
            )
            .bind(i64::from(id))
            .bind(check)
            .bind(now.as_millis())
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        }
        tx.commit().await.map_err(db_error)?;
        Ok(Ok(()))
    }

    /// Seals every value still in clear (written before migration 0021)
    /// under the current key, once: later starts find the flag cleared.
    pub async fn seal_plaintext_fields(&self, batch: i64) -> StoreResult<u64> {
        let left: i64 =
            sqlx::query_scalar("SELECT plaintext_left FROM field_encryption WHERE id = 1")
                .fetch_optional(&self.pool)
                .await
                .map_err(db_error)?
                .unwrap_or(0);
        if left == 0 {
            return Ok(0);
        }
        let mark = crypto::MARK.to_string();
        let mut sealed = 0;
        loop {
            let done = self.reseal_batch(&mark, batch).await?;
            if done == 0 {
                break;
            }
            sealed += done;
        }
        sqlx::query("UPDATE field_encryption SET plaintext_left = 0 WHERE id = 1")
            .execute(&self.pool)
            .await
            .map_err(db_error)?;
        Ok(sealed)
    }

    /// One batch of the rotation: up to `batch` values of each column not
    /// yet under the current key are opened and sealed again under it, in
    /// one transaction. Returns how many were rewritten: 0 when every value
    /// is under the current key. A value changed by the server meanwhile is
    /// left for the next batch (the server wrote it under its own key).
    pub async fn reencrypt_batch(&self, batch: i64) -> StoreResult<u64> {
        let current = Self::field_cipher()?.keyring().current_id();
        self.reseal_batch(&crypto::prefix(current), batch).await
    }

    /// How many values are not under the current key.
    pub async fn values_not_under_current_key(&self) -> StoreResult<u64> {
        let current = Self::field_cipher()?.keyring().current_id();
        let prefix = crypto::prefix(current);
        let mut total = 0u64;
        for column in &COLUMNS {
            let count: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "SELECT COUNT(*) FROM {} WHERE {}",
                column.table,
                stale(column.field.column)
            )))
            .bind(&prefix)
            .fetch_one(&self.pool)
            .await
            .map_err(db_error)?;
            total += u64::try_from(count).unwrap_or_default();
        }
        Ok(total)
    }

    /// Marks every key but the current one retired, when no value is left
    /// under them; returns the ids retired. Refused while values remain.
    pub async fn retire_old_field_keys(&self, now: Timestamp) -> StoreResult<Vec<u16>> {
        if self.values_not_under_current_key().await? > 0 {
            return Err(StoreError::Refused {
                field: "rotate-key",
                problem: retrace_domain::Problem::KeyRotationUnfinished,
            });
        }
        let current = Self::field_cipher()?.keyring().current_id();
        let mut tx = Sql::<D>::begin(&self.pool).await?;
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT key_id FROM field_keys WHERE key_id <> $1 AND retired_at IS NULL \
             ORDER BY key_id",
        )
        .bind(i64::from(current))
        .fetch_all(&mut *tx)
        .await
        .map_err(db_error)?;
        sqlx::query(
            "UPDATE field_keys SET retired_at = $1 WHERE key_id <> $2 AND retired_at IS NULL",
        )
        .bind(now.as_millis())
        .bind(i64::from(current))
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        tx.commit().await.map_err(db_error)?;
        Ok(ids
            .into_iter()
            .filter_map(|id| u16::try_from(id).ok())
            .collect())
    }

    fn field_cipher() -> StoreResult<std::sync::Arc<crypto::FieldCipher>> {
        crypto::installed()
            .ok_or_else(|| StoreError::Unavailable("no field encryption key is installed".into()))
    }

    /// Rewrites up to `batch` values of each column that do not begin with
    /// `prefix`, in one transaction.
    async fn reseal_batch(&self, prefix: &str, batch: i64) -> StoreResult<u64> {
        let mut tx = Sql::<D>::begin(&self.pool).await?;
        let mut done = 0u64;
        for column in &COLUMNS {
            let name = column.field.column;
            let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT {key} AS row_key, {bound} AS bound_to, {name} AS value FROM {table} \
                 WHERE {stale} LIMIT $2",
                key = column.key,
                bound = column.bound_to,
                table = column.table,
                stale = stale(name),
            )))
            .bind(prefix)
            .bind(batch)
            .fetch_all(&mut *tx)
            .await
            .map_err(db_error)?;
            for row in &rows {
                let key: String = row.try_get("row_key").map_err(db_error)?;
                let bound: String = row.try_get("bound_to").map_err(db_error)?;
                let value: String = row.try_get("value").map_err(db_error)?;
                let plain = crypto::open(column.field, &bound, &value)?;
                let sealed = crypto::seal(column.field, &bound, &plain)?;
                let query = match column.mac {
                    Some(mac) => sqlx::query(sqlx::AssertSqlSafe(format!(
                        "UPDATE {table} SET {name} = $1, {mac} = $4 \
                         WHERE {key} = $2 AND {name} = $3",
                        table = column.table,
                        key = column.key,
                    )))
                    .bind(sealed)
                    .bind(key)
                    .bind(value)
                    .bind(crypto::blind_index(column.field, &plain)?),
                    None => sqlx::query(sqlx::AssertSqlSafe(format!(
                        "UPDATE {table} SET {name} = $1 WHERE {key} = $2 AND {name} = $3",
                        table = column.table,
                        key = column.key,
                    )))
                    .bind(sealed)
                    .bind(key)
                    .bind(value),
                };
                query.execute(&mut *tx).await.map_err(db_error)?;
                done += 1;
            }
        }
        tx.commit().await.map_err(db_error)?;
        Ok(done)
    }
}
