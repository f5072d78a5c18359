//! The e-mail digest's choices and claims (`docs/adr/0029-email-digest.md`).
//! A due digest is claimed by one conditional `UPDATE … RETURNING`: on
//! PostgreSQL a second server's statement waits for the first's row locks
//! and then finds `next_due` moved past `now`, on SQLite statements run one
//! at a time, so either way each digest is returned to one claimer.

use crate::{Conn, DbRow, Dialect, Sql, SqlStore, db_error, event};
use async_trait::async_trait;
use retrace_domain::{AuditAction, DigestFrequency, DigestLanguage, ObjectKind, Timestamp, UserId};
use retrace_store::{
    AuditContext, DigestClaim, DigestOutcome, DigestPreference, DigestStore, StoreError,
    StoreResult,
};
use sqlx::migrate::Migrate;
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Row, Type};

fn corrupt(detail: &str) -> StoreError {
    StoreError::Corrupt {
        table: "digest_preferences",
        detail: detail.to_owned(),
    }
}

fn choice(frequency: &str, language: &str) -> StoreResult<(DigestFrequency, DigestLanguage)> {
    Ok((
        DigestFrequency::parse(frequency).map_err(|_| corrupt("frequency"))?,
        DigestLanguage::parse(language).map_err(|_| corrupt("language"))?,
    ))
}

fn failures(value: i64) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

#[async_trait]
impl<D> DigestStore for SqlStore<D>
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
    async fn digest_preference(&self, user: UserId) -> StoreResult<Option<DigestPreference>> {
        let row = sqlx::query(
            "SELECT frequency, language, next_due, covered_to, last_sent_at, last_failed_at, \
             failures FROM digest_preferences WHERE user_id = $1",
        )
        .bind(user.to_string())
        .fetch_optional(&self.pool)
        .await
        .map_err(db_error)?;
        let Some(row) = row else {
            return Ok(None);
        };
        let frequency: String = row.try_get("frequency").map_err(db_error)?;
        let language: String = row.try_get("language").map_err(db_error)?;
        let (frequency, language) = choice(&frequency, &language)?;
        let next_due: i64 = row.try_get("next_due").map_err(db_error)?;
        let covered_to: i64 = row.try_get("covered_to").map_err(db_error)?;
        let last_sent_at: Option<i64> = row.try_get("last_sent_at").map_err(db_error)?;
        let last_failed_at: Option<i64> = row.try_get("last_failed_at").map_err(db_error)?;
        let failed: i64 = row.try_get("failures").map_err(db_error)?;
        Ok(Some(DigestPreference {
            frequency,
            language,
            next_due: Timestamp::from_millis(next_due),
            covered_to: Timestamp::from_millis(covered_to),
            last_sent_at: last_sent_at.map(Timestamp::from_millis),
            last_failed_at: last_failed_at.map(Timestamp::from_millis),
            failures: failures(failed),
        }))
    }

    async fn set_digest_preference(
        &self,
        audit: &AuditContext,
        user: UserId,
        choice: Option<(DigestFrequency, DigestLanguage)>,
    ) -> StoreResult<()> {
        let mut tx = Sql::<D>::begin(&self.pool).await?;
        let id = user.to_string();
        match choice {
            None => {
                sqlx::query("DELETE FROM digest_preferences WHERE user_id = $1")
                    .bind(id.as_str())
                    .execute(&mut *tx)
                    .await
                    .map_err(db_error)?;
            }
            Some((frequency, language)) => {
                let now = audit.at.as_millis();
                let next_due = now.saturating_add(frequency.period_millis());
                // A new choice starts now; a changed one keeps what was
                // covered and any failure count, and drops a claim so that
                // a digest being sent under the old choice records nothing.
                sqlx::query(
                    "INSERT INTO digest_preferences (user_id, frequency, language, next_due, \
                     covered_to, claim, failures, set_at) VALUES ($1, $2, $3, $4, $5, NULL, 0, $5) \
                     ON CONFLICT (user_id) DO UPDATE SET frequency = excluded.frequency, \
                     language = excluded.language, next_due = excluded.next_due, claim = NULL, \
                     set_at = excluded.set_at",
                )
                .bind(id.as_str())
                .bind(frequency.as_str())
                .bind(language.as_str())
                .bind(next_due)
                .bind(now)
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
            }
        }
        Sql::<D>::append(
            &mut tx,
            audit,
            &event(AuditAction::DigestPreferenceSet, ObjectKind::User, user),
        )
        .await?;
        tx.commit().await.map_err(db_error)
    }

    async fn claim_due_digests(
        &self,
        now: Timestamp,
        lease_until: Timestamp,
        claim: &str,
        limit: u32,
    ) -> StoreResult<Vec<DigestClaim>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE digest_preferences SET claim = $3, next_due = $2 \
             WHERE next_due <= $1 AND user_id IN (SELECT d.user_id FROM digest_preferences d \
             WHERE d.next_due <= $1 ORDER BY d.next_due, d.user_id LIMIT {limit}) \
             RETURNING user_id, frequency, language, covered_to, failures"
        )))
        .bind(now.as_millis())
        .bind(lease_until.as_millis())
        .bind(claim)
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        let mut claims = Vec::with_capacity(rows.len());
        for row in rows {
            let user: String = row.try_get("user_id").map_err(db_error)?;
            let frequency: String = row.try_get("frequency").map_err(db_error)?;
            let language: String = row.try_get("language").map_err(db_error)?;
            let (frequency, language) = choice(&frequency, &language)?;
            let covered_to: i64 = row.try_get("covered_to").map_err(db_error)?;
            let failed: i64 = row.try_get("failures").map_err(db_error)?;
            claims.push(DigestClaim {
                user: user.parse().map_err(|_| corrupt("user_id"))?,
                claim: claim.to_owned(),
                frequency,
                language,
                covered_to: Timestamp::from_millis(covered_to),
                failures: failures(failed),
            });
        }
        claims.sort_by_key(|c| c.user.to_string());
        Ok(claims)
    }

    async fn finish_digest(
        &self,
        user: UserId,
        claim: &str,
        at: Timestamp,
        outcome: DigestOutcome,
        next_due: Timestamp,
    ) -> StoreResult<bool> {
        let query = match outcome {
            DigestOutcome::Sent { covered_to } => sqlx::query(
                "UPDATE digest_preferences SET claim = NULL, next_due = $3, covered_to = $4, \
                 last_sent_at = $5, failures = 0 WHERE user_id = $1 AND claim = $2",
            )
            .bind(user.to_string())
            .bind(claim)
            .bind(next_due.as_millis())
            .bind(covered_to.as_millis())
            .bind(at.as_millis()),
            DigestOutcome::NothingToSend { covered_to } => sqlx::query(
                "UPDATE digest_preferences SET claim = NULL, next_due = $3, covered_to = $4, \
                 failures = 0 WHERE user_id = $1 AND claim = $2",
            )
            .bind(user.to_string())
            .bind(claim)
            .bind(next_due.as_millis())
            .bind(covered_to.as_millis()),
            DigestOutcome::Failed => sqlx::query(
                "UPDATE digest_preferences SET claim = NULL, next_due = $3, \
                 last_failed_at = $4, failures = failures + 1 WHERE user_id = $1 AND claim = $2",
            )
            .bind(user.to_string())
            .bind(claim)
            .bind(next_due.as_millis())
            .bind(at.as_millis()),
        };
        let done = query.execute(&self.pool).await.map_err(db_error)?;
        Ok(D::rows_affected(&done) == 1)
    }
}
