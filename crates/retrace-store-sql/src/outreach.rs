//! Outreach: sessions synced from phones, conflicts, follow-ups, topics and
//! the dashboard's aggregates. Each change runs in one write transaction
//! with its audit entry; the sync rule is the domain's `sync_decision`,
//! asked with the stored row locked, so two phones syncing edits of one
//! session at once cannot both pass it.

use crate::{Conn, DbRow, Dialect, Sql, SqlStore, db_error, event};
use async_trait::async_trait;
use sqlx::migrate::Migrate;
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Pool, Row, Type};

use retrace_domain::outreach::{SyncDecision, sync_decision};
use retrace_domain::{
    AuditAction, FollowUpId, FollowUpOutcome, ObjectKind, OutreachConflictId, OutreachSessionData,
    OutreachSessionId,
};
use retrace_store::outreach::{
    ConflictRow, FollowUpRow, SessionRow, SummaryRow, org_topic, session_body,
};
use retrace_store::{
    AuditContext, FollowUp, IncomingSession, OrgScope, OrgTopic, OutreachConflict, OutreachFilter,
    OutreachSession, OutreachStats, OutreachStore, OutreachSummary, Resolution, StatsScope,
    StoreError, StoreResult, SyncOutcome, Tally,
};

const SESSION_COLUMNS: &str =
    "id, version, body, created_at, created_by, updated_at, updated_by FROM outreach_sessions";
const CONFLICT_COLUMNS: &str = "id, session_id, base_version, server_version, body, created_at, \
     created_by FROM outreach_conflicts";
const FOLLOW_UP_COLUMNS: &str = "id, session_id, pseudonym, consent_to_link, outcome, outcome_at, \
     started_at FROM outreach_follow_ups";

/// The conditions of a filter on sessions `s`, placeholders `$1` (the
/// scope) to `$6`; bound by `bind_filter!` in the same order.
const FILTER: &str = "s.started_at >= $2 AND s.started_at < $3 \
     AND ($4 = '' OR s.place_kind = $4) AND ($5 = '' OR s.team = $5) \
     AND ($6 = '' OR EXISTS (SELECT 1 FROM outreach_counts n \
     WHERE n.session_id = s.id AND n.nationality = $6))";

macro_rules! bind_filter {
    ($query:expr, $scope:expr, $filter:expr) => {
        $query
            .bind($scope)
            .bind($filter.from.map(|t| t.as_millis()).unwrap_or(i64::MIN))
            .bind($filter.to.map(|t| t.as_millis()).unwrap_or(i64::MAX))
            .bind(
                $filter
                    .place_kind
                    .map(|p| p.as_str().to_owned())
                    .unwrap_or_default(),
            )
            .bind($filter.team.clone().unwrap_or_default())
            .bind(nationality_filter($filter))
    };
}

/// The stored code of a nationality: the country, or `unknown`.
fn nationality_code(nationality: Option<retrace_domain::CountryCode>) -> String {
    nationality
        .map(|c| c.as_str().to_owned())
        .unwrap_or_else(|| "unknown".to_owned())
}

fn nationality_filter(filter: &OutreachFilter) -> String {
    filter.nationality.map(nationality_code).unwrap_or_default()
}

/// The condition naming whose sessions count, on placeholder `$1`.
fn scope_condition(scope: &StatsScope) -> (&'static str, String) {
    match scope {
        StatsScope::Organisation(scope) => ("s.org_id = $1", scope.org().to_string()),
        StatsScope::Country(country) => (
            "s.org_id IN (SELECT id FROM organisations WHERE country = $1)",
            country.as_str().to_owned(),
        ),
    }
}

fn outcome_code(resolution: Resolution) -> &'static str {
    match resolution {
        Resolution::KeepStored => "keep_stored",
        Resolution::TakeIncoming => "take_incoming",
    }
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
    fn outreach_session_row(row: &DbRow<D>) -> StoreResult<OutreachSession> {
        (|| {
            Ok::<_, sqlx::Error>(SessionRow {
                id: row.try_get("id")?,
                version: row.try_get("version")?,
                body: row.try_get("body")?,
                created_at: row.try_get("created_at")?,
                created_by: row.try_get("created_by")?,
                updated_at: row.try_get("updated_at")?,
                updated_by: row.try_get("updated_by")?,
            })
        })()
        .map_err(db_error)?
        .into_session()
    }

    fn conflict_row(row: &DbRow<D>) -> StoreResult<OutreachConflict> {
        (|| {
            Ok::<_, sqlx::Error>(ConflictRow {
                id: row.try_get("id")?,
                session_id: row.try_get("session_id")?,
                base_version: row.try_get("base_version")?,
                server_version: row.try_get("server_version")?,
                body: row.try_get("body")?,
                created_at: row.try_get("created_at")?,
                created_by: row.try_get("created_by")?,
            })
        })()
        .map_err(db_error)?
        .into_conflict()
    }

    fn follow_up_row(row: &DbRow<D>) -> StoreResult<FollowUp> {
        (|| {
            Ok::<_, sqlx::Error>(FollowUpRow {
                id: row.try_get("id")?,
                session_id: row.try_get("session_id")?,
                pseudonym: row.try_get("pseudonym")?,
                consent_to_link: row.try_get("consent_to_link")?,
                outcome: row.try_get("outcome")?,
                outcome_at: row.try_get("outcome_at")?,
                started_at: row.try_get("started_at")?,
            })
        })()
        .map_err(db_error)?
        .into_follow_up()
    }

    async fn load_outreach_session(
        conn: &mut Conn<D>,
        org: &str,
        id: OutreachSessionId,
        lock: bool,
    ) -> StoreResult<Option<OutreachSession>> {
        let sql = format!(
            "SELECT {SESSION_COLUMNS} WHERE id = $1 AND org_id = $2{}",
            if lock { D::FOR_UPDATE } else { "" }
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id.to_string())
            .bind(org)
            .fetch_optional(&mut *conn)
            .await
            .map_err(db_error)?;
        row.as_ref().map(Self::outreach_session_row).transpose()
    }

    /// Writes the session's figures (counts, topics, referrals) after
    /// removing the previous ones, and adds or updates its follow-ups;
    /// a follow-up dropped from the session goes unless an outcome was
    /// recorded for it.
    async fn write_figures(
        conn: &mut Conn<D>,
        org: &str,
        id: OutreachSessionId,
        data: &OutreachSessionData,
    ) -> StoreResult<()> {
        let session = id.to_string();
        let started = data.started_at.as_millis();
        for table in [
            "outreach_counts",
            "outreach_session_topics",
            "outreach_referrals",
        ] {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "DELETE FROM {table} WHERE session_id = $1"
            )))
            .bind(&session)
            .execute(&mut *conn)
            .await
            .map_err(db_error)?;
        }
        for group in &data.reached {
            sqlx::query(
                "INSERT INTO outreach_counts (session_id, org_id, started_at, sex, age_band, \
                 nationality, count) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(&session)
            .bind(org)
            .bind(started)
            .bind(group.sex.as_str())
            .bind(group.age_band.as_str())
            .bind(nationality_code(group.nationality))
            .bind(i64::from(group.count))
            .execute(&mut *conn)
            .await
            .map_err(db_error)?;
        }
        for topic in &data.topics {
            sqlx::query(
                "INSERT INTO outreach_session_topics (session_id, org_id, started_at, topic) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(&session)
            .bind(org)
            .bind(started)
            .bind(topic.as_str())
            .execute(&mut *conn)
            .await
            .map_err(db_error)?;
        }
        for referral in &data.referrals {
            sqlx::query(
                "INSERT INTO outreach_referrals (session_id, org_id, started_at, service, count) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(&session)
            .bind(org)
            .bind(started)
            .bind(referral.service.as_str())
            .bind(i64::from(referral.count))
            .execute(&mut *conn)
            .await
            .map_err(db_error)?;
        }
        let existing: Vec<(String, String, bool)> = sqlx::query(
            "SELECT id, session_id, outcome IS NOT NULL AS has_outcome FROM outreach_follow_ups \
             WHERE id IN (SELECT id FROM outreach_follow_ups WHERE session_id = $1)",
        )
        .bind(&session)
        .fetch_all(&mut *conn)
        .await
        .map_err(db_error)?
        .iter()
        .map(|row| {
            Ok::<_, sqlx::Error>((
                row.try_get("id")?,
                row.try_get("session_id")?,
                row.try_get("has_outcome")?,
            ))
        })
        .collect::<Result<_, _>>()
        .map_err(db_error)?;
        for (old, _, has_outcome) in &existing {
            let kept = data.follow_ups.iter().any(|f| f.id.to_string() == *old);
            if !kept && !has_outcome {
                sqlx::query("DELETE FROM outreach_follow_ups WHERE id = $1")
                    .bind(old)
                    .execute(&mut *conn)
                    .await
                    .map_err(db_error)?;
            }
        }
        for follow_up in &data.follow_ups {
            let fid = follow_up.id.to_string();
            if existing.iter().any(|(old, _, _)| *old == fid) {
                sqlx::query(
                    "UPDATE outreach_follow_ups SET pseudonym = $1, consent_to_link = $2, \
                     started_at = $3 WHERE id = $4 AND org_id = $5",
                )
                .bind(follow_up.pseudonym.as_str())
                .bind(follow_up.consent_to_link)
                .bind(started)
                .bind(&fid)
                .bind(org)
                .execute(&mut *conn)
                .await
                .map_err(db_error)?;
            } else {
                let taken: i64 =
                    sqlx::query_scalar("SELECT COUNT(*) FROM outreach_follow_ups WHERE id = $1")
                        .bind(&fid)
                        .fetch_one(&mut *conn)
                        .await
                        .map_err(db_error)?;
                if taken > 0 {
                    // Another session's (or organisation's) follow-up id:
                    // refused without saying whose.
                    return Err(StoreError::Refused {
                        field: "follow_ups",
                        message: "a follow-up id is already in use",
                    });
                }
                sqlx::query(
                    "INSERT INTO outreach_follow_ups (id, session_id, org_id, started_at, \
                     pseudonym, consent_to_link) VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(&fid)
                .bind(&session)
                .bind(org)
                .bind(started)
                .bind(follow_up.pseudonym.as_str())
                .bind(follow_up.consent_to_link)
                .execute(&mut *conn)
                .await
                .map_err(db_error)?;
            }
        }
        Ok(())
    }

    /// Stores `data` as version `version` of the session (inserted when
    /// `insert`), with its figures.
    async fn store_version(
        conn: &mut Conn<D>,
        audit: &AuditContext,
        org: &str,
        id: OutreachSessionId,
        data: &OutreachSessionData,
        body: &str,
        version: i64,
    ) -> StoreResult<()> {
        let actor = audit.actor.map(|a| a.to_string());
        if version == 1 {
            sqlx::query(
                "INSERT INTO outreach_sessions (id, org_id, version, team, place_kind, city, \
                 started_at, month, people_reached, body, created_at, created_by, updated_at, \
                 updated_by) VALUES ($1, $2, 1, $3, $4, $5, $6, $7, $8, $9, $10, $11, $10, $11)",
            )
            .bind(id.to_string())
            .bind(org)
            .bind(data.team.as_str())
            .bind(data.place_kind.as_str())
            .bind(data.city.as_str())
            .bind(data.started_at.as_millis())
            .bind(data.month())
            .bind(i64::from(data.people_reached))
            .bind(body)
            .bind(audit.at.as_millis())
            .bind(actor)
            .execute(&mut *conn)
            .await
            .map_err(db_error)?;
        } else {
            sqlx::query(
                "UPDATE outreach_sessions SET version = $1, team = $2, place_kind = $3, \
                 city = $4, started_at = $5, month = $6, people_reached = $7, body = $8, \
                 updated_at = $9, updated_by = $10 WHERE id = $11 AND org_id = $12",
            )
            .bind(version)
            .bind(data.team.as_str())
            .bind(data.place_kind.as_str())
            .bind(data.city.as_str())
            .bind(data.started_at.as_millis())
            .bind(data.month())
            .bind(i64::from(data.people_reached))
            .bind(body)
            .bind(audit.at.as_millis())
            .bind(actor)
            .bind(id.to_string())
            .bind(org)
            .execute(&mut *conn)
            .await
            .map_err(db_error)?;
        }
        Self::write_figures(conn, org, id, data).await?;
        let action = if version == 1 {
            AuditAction::OutreachSessionRecorded
        } else {
            AuditAction::OutreachSessionUpdated
        };
        Self::append(conn, audit, &event(action, ObjectKind::OutreachSession, id)).await?;
        Ok(())
    }

    pub(crate) async fn sync_outreach_session(
        pool: &Pool<D::Db>,
        audit: &AuditContext,
        scope: &OrgScope,
        incoming: &IncomingSession,
    ) -> StoreResult<SyncOutcome> {
        let org = scope.org().to_string();
        let body = session_body(&incoming.data)?;
        let mut tx = Self::begin(pool).await?;
        let stored = Self::load_outreach_session(&mut tx, &org, incoming.id, true).await?;
        let stored_body = stored
            .as_ref()
            .map(|s| session_body(&s.data).map(|b| (s.version, b)))
            .transpose()?;
        let decision = sync_decision(
            stored_body.as_ref().map(|(v, b)| (*v, b.as_str())),
            incoming.base_version,
            &body,
        );
        let outcome = match decision {
            SyncDecision::Unknown => return Err(StoreError::NotFound),
            SyncDecision::AlreadyApplied => {
                let version = stored.map(|s| s.version).unwrap_or(1);
                return Ok(SyncOutcome::AlreadyApplied { version });
            }
            SyncDecision::Insert => {
                let taken: i64 =
                    sqlx::query_scalar("SELECT COUNT(*) FROM outreach_sessions WHERE id = $1")
                        .bind(incoming.id.to_string())
                        .fetch_one(&mut *tx)
                        .await
                        .map_err(db_error)?;
                if taken > 0 {
                    // Another organisation's session id: the same answer as
                    // an edit of a session that does not exist.
                    return Err(StoreError::NotFound);
                }
                Self::store_version(&mut tx, audit, &org, incoming.id, &incoming.data, &body, 1)
                    .await?;
                SyncOutcome::Stored { version: 1 }
            }
            SyncDecision::Update => {
                let version = incoming.base_version + 1;
                Self::store_version(
                    &mut tx,
                    audit,
                    &org,
                    incoming.id,
                    &incoming.data,
                    &body,
                    version,
                )
                .await?;
                SyncOutcome::Stored { version }
            }
            SyncDecision::Conflict => {
                let server_version = stored.map(|s| s.version).unwrap_or(1);
                let already: Option<String> = sqlx::query_scalar(
                    "SELECT id FROM outreach_conflicts WHERE session_id = $1 AND org_id = $2 \
                     AND body = $3 AND resolved_at IS NULL",
                )
                .bind(incoming.id.to_string())
                .bind(&org)
                .bind(&body)
                .fetch_optional(&mut *tx)
                .await
                .map_err(db_error)?;
                if let Some(id) = already {
                    let conflict = id.parse().map_err(|_| retrace_store::StoreError::Corrupt {
                        table: "outreach_conflicts",
                        detail: "id".into(),
                    })?;
                    return Ok(SyncOutcome::Conflict {
                        conflict,
                        server_version,
                    });
                }
                let conflict = OutreachConflictId::random();
                sqlx::query(
                    "INSERT INTO outreach_conflicts (id, session_id, org_id, base_version, \
                     server_version, body, created_at, created_by) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(conflict.to_string())
                .bind(incoming.id.to_string())
                .bind(&org)
                .bind(incoming.base_version)
                .bind(server_version)
                .bind(&body)
                .bind(audit.at.as_millis())
                .bind(audit.actor.map(|a| a.to_string()))
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
                Self::append(
                    &mut tx,
                    audit,
                    &event(
                        AuditAction::OutreachConflictRecorded,
                        ObjectKind::OutreachConflict,
                        conflict,
                    ),
                )
                .await?;
                SyncOutcome::Conflict {
                    conflict,
                    server_version,
                }
            }
        };
        tx.commit().await.map_err(db_error)?;
        Ok(outcome)
    }

    pub(crate) async fn import_outreach_sessions(
        pool: &Pool<D::Db>,
        audit: &AuditContext,
        scope: &OrgScope,
        sessions: &[IncomingSession],
    ) -> StoreResult<u64> {
        let org = scope.org().to_string();
        let mut tx = Self::begin(pool).await?;
        for session in sessions {
            let taken: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM outreach_sessions WHERE id = $1")
                    .bind(session.id.to_string())
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(db_error)?;
            if taken > 0 {
                return Err(StoreError::NotFound);
            }
            let body = session_body(&session.data)?;
            Self::store_version(&mut tx, audit, &org, session.id, &session.data, &body, 1).await?;
        }
        tx.commit().await.map_err(db_error)?;
        Ok(sessions.len() as u64)
    }

    pub(crate) async fn outreach_sessions(
        pool: &Pool<D::Db>,
        scope: &OrgScope,
        filter: &OutreachFilter,
        limit: u32,
    ) -> StoreResult<Vec<OutreachSummary>> {
        let sql = format!(
            "SELECT s.id, s.version, s.team, s.place_kind, s.city, s.started_at, \
             s.people_reached FROM outreach_sessions s WHERE s.org_id = $1 AND {FILTER} \
             ORDER BY s.started_at DESC, s.id LIMIT $7"
        );
        let rows = bind_filter!(
            sqlx::query(sqlx::AssertSqlSafe(sql)),
            scope.org().to_string(),
            filter
        )
        .bind(i64::from(limit))
        .fetch_all(pool)
        .await
        .map_err(db_error)?;
        rows.iter()
            .map(|row| {
                (|| {
                    Ok::<_, sqlx::Error>(SummaryRow {
                        id: row.try_get("id")?,
                        version: row.try_get("version")?,
                        team: row.try_get("team")?,
                        place_kind: row.try_get("place_kind")?,
                        city: row.try_get("city")?,
                        started_at: row.try_get("started_at")?,
                        people_reached: row.try_get("people_reached")?,
                    })
                })()
                .map_err(db_error)?
                .into_summary()
            })
            .collect()
    }

    pub(crate) async fn outreach_session_viewed(
        pool: &Pool<D::Db>,
        audit: &AuditContext,
        scope: &OrgScope,
        id: OutreachSessionId,
    ) -> StoreResult<Option<OutreachSession>> {
        let mut tx = Self::begin(pool).await?;
        let Some(found) =
            Self::load_outreach_session(&mut tx, &scope.org().to_string(), id, false).await?
        else {
            return Ok(None);
        };
        Self::append(
            &mut tx,
            audit,
            &event(
                AuditAction::OutreachSessionViewed,
                ObjectKind::OutreachSession,
                id,
            ),
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        Ok(Some(found))
    }

    pub(crate) async fn outreach_conflicts(
        pool: &Pool<D::Db>,
        scope: &OrgScope,
    ) -> StoreResult<Vec<OutreachConflict>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {CONFLICT_COLUMNS} WHERE org_id = $1 AND resolved_at IS NULL \
             ORDER BY created_at, id"
        )))
        .bind(scope.org().to_string())
        .fetch_all(pool)
        .await
        .map_err(db_error)?;
        rows.iter().map(Self::conflict_row).collect()
    }

    async fn load_conflict(
        conn: &mut Conn<D>,
        org: &str,
        id: OutreachConflictId,
        lock: bool,
    ) -> StoreResult<Option<OutreachConflict>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {CONFLICT_COLUMNS} WHERE id = $1 AND org_id = $2 AND resolved_at IS NULL{}",
            if lock { D::FOR_UPDATE } else { "" }
        )))
        .bind(id.to_string())
        .bind(org)
        .fetch_optional(&mut *conn)
        .await
        .map_err(db_error)?;
        row.as_ref().map(Self::conflict_row).transpose()
    }

    pub(crate) async fn outreach_conflict(
        pool: &Pool<D::Db>,
        scope: &OrgScope,
        id: OutreachConflictId,
    ) -> StoreResult<Option<OutreachConflict>> {
        let mut conn = pool.acquire().await.map_err(db_error)?;
        Self::load_conflict(&mut conn, &scope.org().to_string(), id, false).await
    }

    pub(crate) async fn resolve_outreach_conflict(
        pool: &Pool<D::Db>,
        audit: &AuditContext,
        scope: &OrgScope,
        id: OutreachConflictId,
        resolution: Resolution,
    ) -> StoreResult<OutreachSession> {
        let org = scope.org().to_string();
        let mut tx = Self::begin(pool).await?;
        let conflict = Self::load_conflict(&mut tx, &org, id, true)
            .await?
            .ok_or(StoreError::NotFound)?;
        let stored = Self::load_outreach_session(&mut tx, &org, conflict.session, true)
            .await?
            .ok_or(StoreError::NotFound)?;
        if resolution == Resolution::TakeIncoming {
            let body = session_body(&conflict.data)?;
            Self::store_version(
                &mut tx,
                audit,
                &org,
                conflict.session,
                &conflict.data,
                &body,
                stored.version + 1,
            )
            .await?;
        }
        sqlx::query(
            "UPDATE outreach_conflicts SET resolved_at = $1, resolved_by = $2, resolution = $3 \
             WHERE id = $4 AND org_id = $5",
        )
        .bind(audit.at.as_millis())
        .bind(audit.actor.map(|a| a.to_string()))
        .bind(outcome_code(resolution))
        .bind(id.to_string())
        .bind(&org)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        Self::append(
            &mut tx,
            audit,
            &event(
                AuditAction::OutreachConflictResolved,
                ObjectKind::OutreachConflict,
                id,
            ),
        )
        .await?;
        let session = Self::load_outreach_session(&mut tx, &org, conflict.session, false)
            .await?
            .ok_or(StoreError::NotFound)?;
        tx.commit().await.map_err(db_error)?;
        Ok(session)
    }

    pub(crate) async fn follow_ups(
        pool: &Pool<D::Db>,
        audit: &AuditContext,
        scope: &OrgScope,
        limit: u32,
    ) -> StoreResult<Vec<FollowUp>> {
        let mut tx = Self::begin(pool).await?;
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {FOLLOW_UP_COLUMNS} WHERE org_id = $1 ORDER BY started_at DESC, id LIMIT $2"
        )))
        .bind(scope.org().to_string())
        .bind(i64::from(limit))
        .fetch_all(&mut *tx)
        .await
        .map_err(db_error)?;
        let listed = rows
            .iter()
            .map(Self::follow_up_row)
            .collect::<StoreResult<Vec<_>>>()?;
        if !listed.is_empty() {
            Self::append(
                &mut tx,
                audit,
                &event(
                    AuditAction::PersonsListed,
                    ObjectKind::FollowUp,
                    "outreach_follow_ups",
                ),
            )
            .await?;
        }
        tx.commit().await.map_err(db_error)?;
        Ok(listed)
    }

    pub(crate) async fn record_outcome(
        pool: &Pool<D::Db>,
        audit: &AuditContext,
        scope: &OrgScope,
        id: FollowUpId,
        outcome: Option<FollowUpOutcome>,
    ) -> StoreResult<FollowUp> {
        let org = scope.org().to_string();
        let mut tx = Self::begin(pool).await?;
        let changed = sqlx::query(
            "UPDATE outreach_follow_ups SET outcome = $1, outcome_at = $2, outcome_by = $3 \
             WHERE id = $4 AND org_id = $5",
        )
        .bind(outcome.map(|o| o.as_str()))
        .bind(outcome.map(|_| audit.at.as_millis()))
        .bind(audit.actor.map(|a| a.to_string()))
        .bind(id.to_string())
        .bind(&org)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        if D::rows_affected(&changed) == 0 {
            return Err(StoreError::NotFound);
        }
        Self::append(
            &mut tx,
            audit,
            &event(
                AuditAction::OutreachOutcomeRecorded,
                ObjectKind::FollowUp,
                id,
            ),
        )
        .await?;
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {FOLLOW_UP_COLUMNS} WHERE id = $1 AND org_id = $2"
        )))
        .bind(id.to_string())
        .bind(&org)
        .fetch_one(&mut *tx)
        .await
        .map_err(db_error)?;
        let follow_up = Self::follow_up_row(&row)?;
        tx.commit().await.map_err(db_error)?;
        Ok(follow_up)
    }

    pub(crate) async fn outreach_topics(
        pool: &Pool<D::Db>,
        scope: &OrgScope,
    ) -> StoreResult<Vec<OrgTopic>> {
        let rows =
            sqlx::query("SELECT code, label FROM outreach_topics WHERE org_id = $1 ORDER BY code")
                .bind(scope.org().to_string())
                .fetch_all(pool)
                .await
                .map_err(db_error)?;
        rows.iter()
            .map(|row| {
                let code: String = row.try_get("code").map_err(db_error)?;
                let label: String = row.try_get("label").map_err(db_error)?;
                org_topic(&code, &label)
            })
            .collect()
    }

    pub(crate) async fn add_outreach_topic(
        pool: &Pool<D::Db>,
        audit: &AuditContext,
        scope: &OrgScope,
        topic: &OrgTopic,
    ) -> StoreResult<()> {
        if topic.code.is_builtin() {
            return Err(StoreError::Conflict { field: "label" });
        }
        let org = scope.org().to_string();
        let mut tx = Self::begin(pool).await?;
        let taken: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM outreach_topics WHERE org_id = $1 AND code = $2",
        )
        .bind(&org)
        .bind(topic.code.as_str())
        .fetch_one(&mut *tx)
        .await
        .map_err(db_error)?;
        if taken > 0 {
            return Err(StoreError::Conflict { field: "label" });
        }
        sqlx::query(
            "INSERT INTO outreach_topics (org_id, code, label, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(&org)
        .bind(topic.code.as_str())
        .bind(topic.label.as_str())
        .bind(audit.at.as_millis())
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        Self::append(
            &mut tx,
            audit,
            &event(
                AuditAction::OutreachTopicAdded,
                ObjectKind::OutreachTopic,
                topic.code.as_str(),
            ),
        )
        .await?;
        tx.commit().await.map_err(db_error)
    }

    /// Rows of `(k, sessions, people)` for one aggregate query.
    async fn tallies(
        conn: &mut Conn<D>,
        sql: String,
        scope: &str,
        filter: &OutreachFilter,
    ) -> StoreResult<Vec<Tally>> {
        let rows = bind_filter!(sqlx::query(sqlx::AssertSqlSafe(sql)), scope, filter)
            .fetch_all(&mut *conn)
            .await
            .map_err(db_error)?;
        rows.iter()
            .map(|row| {
                let key: Option<String> = row.try_get("k").map_err(db_error)?;
                let sessions: i64 = row.try_get("n").map_err(db_error)?;
                let people: Option<i64> = row.try_get("p").map_err(db_error)?;
                Ok(Tally {
                    key: key.unwrap_or_default(),
                    sessions: u64::try_from(sessions).unwrap_or(0),
                    people: u64::try_from(people.unwrap_or(0)).unwrap_or(0),
                })
            })
            .collect()
    }

    pub(crate) async fn outreach_stats(
        pool: &Pool<D::Db>,
        scope: &StatsScope,
        filter: &OutreachFilter,
    ) -> StoreResult<OutreachStats> {
        let (who, bound) = scope_condition(scope);
        let mut conn = pool.acquire().await.map_err(db_error)?;
        let by_sessions = |key: &str| {
            format!(
                "SELECT CAST({key} AS TEXT) AS k, COUNT(*) AS n, CAST(0 AS BIGINT) AS p \
                 FROM outreach_sessions s WHERE {who} AND {FILTER} GROUP BY {key} ORDER BY {key}"
            )
        };
        // People come from the counts, so a nationality filter counts only
        // the people of that nationality.
        let by_people = |key: &str| {
            format!(
                "SELECT CAST({key} AS TEXT) AS k, COUNT(DISTINCT c.session_id) AS n, \
                 CAST(SUM(c.count) AS BIGINT) AS p FROM outreach_counts c \
                 JOIN outreach_sessions s ON s.id = c.session_id \
                 WHERE {who} AND {FILTER} AND ($6 = '' OR c.nationality = $6) \
                 GROUP BY {key} ORDER BY {key}"
            )
        };
        let merge = |sessions: Vec<Tally>, people: Vec<Tally>| -> Vec<Tally> {
            sessions
                .into_iter()
                .map(|mut t| {
                    t.people = people
                        .iter()
                        .find(|p| p.key == t.key)
                        .map(|p| p.people)
                        .unwrap_or(0);
                    t
                })
                .collect()
        };
        let mut stats = OutreachStats::default();
        for (key, slot) in [("s.month", 0usize), ("s.place_kind", 1), ("s.team", 2)] {
            let sessions = Self::tallies(&mut conn, by_sessions(key), &bound, filter).await?;
            let people = Self::tallies(&mut conn, by_people(key), &bound, filter).await?;
            let merged = merge(sessions, people);
            match slot {
                0 => stats.by_month = merged,
                1 => stats.by_place_kind = merged,
                _ => stats.by_team = merged,
            }
        }
        stats.sessions = stats.by_month.iter().map(|t| t.sessions).sum();
        stats.people = stats.by_month.iter().map(|t| t.people).sum();
        stats.by_nationality =
            Self::tallies(&mut conn, by_people("c.nationality"), &bound, filter).await?;
        stats
            .by_nationality
            .sort_by(|a, b| b.people.cmp(&a.people).then(a.key.cmp(&b.key)));
        stats.by_sex = Self::tallies(&mut conn, by_people("c.sex"), &bound, filter).await?;
        stats.by_age_band =
            Self::tallies(&mut conn, by_people("c.age_band"), &bound, filter).await?;
        stats.topics = Self::tallies(
            &mut conn,
            format!(
                "SELECT t.topic AS k, COUNT(*) AS n, CAST(0 AS BIGINT) AS p \
                 FROM outreach_session_topics t JOIN outreach_sessions s ON s.id = t.session_id \
                 WHERE {who} AND {FILTER} GROUP BY t.topic ORDER BY t.topic"
            ),
            &bound,
            filter,
        )
        .await?;
        stats.referrals = Self::tallies(
            &mut conn,
            format!(
                "SELECT r.service AS k, COUNT(DISTINCT r.session_id) AS n, \
                 CAST(SUM(r.count) AS BIGINT) AS p FROM outreach_referrals r \
                 JOIN outreach_sessions s ON s.id = r.session_id \
                 WHERE {who} AND {FILTER} GROUP BY r.service ORDER BY r.service"
            ),
            &bound,
            filter,
        )
        .await?;
        stats.outcomes = Self::tallies(
            &mut conn,
            format!(
                "SELECT f.outcome AS k, COUNT(DISTINCT f.session_id) AS n, COUNT(*) AS p \
                 FROM outreach_follow_ups f JOIN outreach_sessions s ON s.id = f.session_id \
                 WHERE {who} AND {FILTER} AND f.outcome IS NOT NULL \
                 GROUP BY f.outcome ORDER BY f.outcome"
            ),
            &bound,
            filter,
        )
        .await?;
        Ok(stats)
    }
}

#[async_trait]
impl<D> OutreachStore for SqlStore<D>
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
    async fn sync_outreach_session(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        incoming: &IncomingSession,
    ) -> StoreResult<SyncOutcome> {
        Sql::<D>::sync_outreach_session(&self.pool, audit, scope, incoming).await
    }

    async fn import_outreach_sessions(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        sessions: &[IncomingSession],
    ) -> StoreResult<u64> {
        Sql::<D>::import_outreach_sessions(&self.pool, audit, scope, sessions).await
    }

    async fn outreach_sessions(
        &self,
        scope: &OrgScope,
        filter: &OutreachFilter,
        limit: u32,
    ) -> StoreResult<Vec<OutreachSummary>> {
        Sql::<D>::outreach_sessions(&self.pool, scope, filter, limit).await
    }

    async fn outreach_session(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        id: OutreachSessionId,
    ) -> StoreResult<Option<OutreachSession>> {
        Sql::<D>::outreach_session_viewed(&self.pool, audit, scope, id).await
    }

    async fn outreach_conflicts(&self, scope: &OrgScope) -> StoreResult<Vec<OutreachConflict>> {
        Sql::<D>::outreach_conflicts(&self.pool, scope).await
    }

    async fn outreach_conflict(
        &self,
        scope: &OrgScope,
        id: OutreachConflictId,
    ) -> StoreResult<Option<OutreachConflict>> {
        Sql::<D>::outreach_conflict(&self.pool, scope, id).await
    }

    async fn resolve_outreach_conflict(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        id: OutreachConflictId,
        resolution: Resolution,
    ) -> StoreResult<OutreachSession> {
        Sql::<D>::resolve_outreach_conflict(&self.pool, audit, scope, id, resolution).await
    }

    async fn follow_ups(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        limit: u32,
    ) -> StoreResult<Vec<FollowUp>> {
        Sql::<D>::follow_ups(&self.pool, audit, scope, limit).await
    }

    async fn record_outcome(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        id: FollowUpId,
        outcome: Option<FollowUpOutcome>,
    ) -> StoreResult<FollowUp> {
        Sql::<D>::record_outcome(&self.pool, audit, scope, id, outcome).await
    }

    async fn outreach_topics(&self, scope: &OrgScope) -> StoreResult<Vec<OrgTopic>> {
        Sql::<D>::outreach_topics(&self.pool, scope).await
    }

    async fn add_outreach_topic(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        topic: &OrgTopic,
    ) -> StoreResult<()> {
        Sql::<D>::add_outreach_topic(&self.pool, audit, scope, topic).await
    }

    async fn outreach_stats(
        &self,
        scope: &StatsScope,
        filter: &OutreachFilter,
    ) -> StoreResult<OutreachStats> {
        Sql::<D>::outreach_stats(&self.pool, scope, filter).await
    }
}
