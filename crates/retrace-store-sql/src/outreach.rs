//! Outreach: sessions synced from phones, conflicts, follow-ups, topics and
//! the dashboard's aggregates. Each change runs in one write transaction
//! with its audit entry; the sync rule is the domain's `sync_decision`,
//! asked with the stored row locked, so two phones syncing edits of one
//! session at once cannot both pass it.

use crate::{
    Conn, DbRow, Dialect, Sql, SqlStore, VALUES_PER_STATEMENT, Value, db_error, event, json_values,
};
use async_trait::async_trait;
use sqlx::migrate::Migrate;
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Pool, Row, Type};

use retrace_domain::outreach::{SyncDecision, sync_decision};
use retrace_domain::{
    AuditAction, FollowUpId, FollowUpOutcome, ObjectKind, OutreachConflictId, OutreachSessionData,
    OutreachSessionId,
};
use retrace_store::outreach::{
    ALL_NATIONALITIES, ConflictRow, FollowUpRow, SessionRow, SummaryRow, TallyKey, monthly,
    nationality_code, org_topic, session_body, session_tallies, stats_ranges, tally_changes,
};
use retrace_store::{
    AuditContext, FollowUp, IncomingSession, OrgScope, OrgTopic, OutreachConflict, OutreachFilter,
    OutreachSession, OutreachStats, OutreachStore, OutreachSummary, Resolution, StatsScope,
    StoreError, StoreResult, SyncOutcome, Tally,
};
use retrace_store::{backend, crypto};
use std::collections::BTreeMap;

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

/// Binds the placeholders of the dashboard's queries: `$1` the scope,
/// `$2` the nationality filter, `$3`-`$4` the head days, `$5` the place,
/// `$6` the team, `$7`-`$8` the tail days, `$9`-`$10` the whole months.
macro_rules! bind_ranges {
    ($query:expr, $scope:expr, $nationality:expr, $ranges:expr, $place:expr, $team:expr) => {
        $query
            .bind(&$scope)
            .bind(&$nationality)
            .bind($ranges.head.0)
            .bind($ranges.head.1)
            .bind(&$place)
            .bind(&$team)
            .bind($ranges.tail.0)
            .bind($ranges.tail.1)
            .bind($ranges.months.0)
            .bind($ranges.months.1)
    };
}

fn nationality_filter(filter: &OutreachFilter) -> String {
    filter.nationality.map(nationality_code).unwrap_or_default()
}

/// The condition naming whose sessions count, on placeholder `$1`.
fn scope_condition(scope: &StatsScope) -> (&'static str, String) {
    match scope {
        StatsScope::Organisation(scope) => ("t.org_id = $1", scope.org().to_string()),
        StatsScope::Country(country) => (
            "t.org_id IN (SELECT id FROM organisations WHERE country = $1)",
            country.as_str().to_owned(),
        ),
    }
}

/// The `n` (sessions) and `p` (people) sums of a tally row.
fn sums<R: Row>(row: &R) -> StoreResult<(u64, u64)>
where
    for<'a> i64: Decode<'a, R::Database> + Type<R::Database>,
    &'static str: ColumnIndex<R>,
{
    let n: i64 = row.try_get("n").map_err(db_error)?;
    let p: i64 = row.try_get("p").map_err(db_error)?;
    Ok((u64::try_from(n).unwrap_or(0), u64::try_from(p).unwrap_or(0)))
}

/// Sums by key as the dashboard's tallies, in the order of the keys.
fn tallies(sums: impl IntoIterator<Item = (String, (u64, u64))>) -> Vec<Tally> {
    sums.into_iter()
        .map(|(key, (sessions, people))| Tally {
            key,
            sessions,
            people,
        })
        .collect()
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
        let session = (|| {
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
        .map_err(db_error)?;
        SessionRow {
            body: crypto::open(crypto::OUTREACH_BODY, &session.id, &session.body)?,
            ..session
        }
        .into_session()
    }

    fn conflict_row(row: &DbRow<D>) -> StoreResult<OutreachConflict> {
        let conflict = (|| {
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
        .map_err(db_error)?;
        ConflictRow {
            body: crypto::open(crypto::CONFLICT_BODY, &conflict.id, &conflict.body)?,
            ..conflict
        }
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
                        problem: retrace_domain::Problem::FollowUpIdInUse,
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

    /// The outcomes recorded for the session's follow-ups.
    async fn session_outcomes(
        conn: &mut Conn<D>,
        session: OutreachSessionId,
    ) -> StoreResult<Vec<FollowUpOutcome>> {
        let codes: Vec<String> = sqlx::query_scalar(
            "SELECT outcome FROM outreach_follow_ups WHERE session_id = $1 \
             AND outcome IS NOT NULL",
        )
        .bind(session.to_string())
        .fetch_all(&mut *conn)
        .await
        .map_err(db_error)?;
        codes
            .iter()
            .map(|code| {
                FollowUpOutcome::parse(code).map_err(|e| StoreError::Corrupt {
                    table: "outreach_follow_ups",
                    detail: e.to_string(),
                })
            })
            .collect()
    }

    /// Adds `changes` to the dashboard's daily tallies and their monthly
    /// sums, in the transaction of the change that caused them.
    async fn apply_tallies(
        conn: &mut Conn<D>,
        org: &str,
        changes: &[(TallyKey, i64, i64)],
    ) -> StoreResult<()> {
        Self::upsert_tallies(conn, org, changes, true).await?;
        Self::upsert_tallies(conn, org, &monthly(changes), false).await
    }

    /// One multi-row upsert per hundred tallies, into `outreach_tallies`
    /// (`daily`) or `outreach_month_tallies`.
    async fn upsert_tallies(
        conn: &mut Conn<D>,
        org: &str,
        changes: &[(TallyKey, i64, i64)],
        daily: bool,
    ) -> StoreResult<()> {
        use std::fmt::Write as _;
        let (table, day, period) = if daily {
            ("outreach_tallies", "day, ", "day")
        } else {
            ("outreach_month_tallies", "", "month")
        };
        let columns: usize = if daily { 9 } else { 8 };
        for chunk in changes.chunks(100) {
            let mut sql = format!(
                "INSERT INTO {table} (org_id, nationality, dim, {day}month, team, place_kind, \
                 item, sessions, people) VALUES "
            );
            for i in 0..chunk.len() {
                sql.push_str(if i == 0 { "($1" } else { ", ($1" });
                for column in 0..columns {
                    let _ = write!(sql, ", ${}", i * columns + column + 2);
                }
                sql.push(')');
            }
            let _ = write!(
                sql,
                " ON CONFLICT (org_id, nationality, dim, {period}, team, place_kind, item) \
                 DO UPDATE SET sessions = {table}.sessions + excluded.sessions, \
                 people = {table}.people + excluded.people"
            );
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(org);
            for (key, sessions, people) in chunk {
                query = query.bind(key.nationality.as_str()).bind(key.dim);
                if daily {
                    query = query.bind(key.day);
                }
                query = query
                    .bind(key.month)
                    .bind(key.team.as_str())
                    .bind(key.place_kind)
                    .bind(key.item.as_str())
                    .bind(*sessions)
                    .bind(*people);
            }
            query.execute(&mut *conn).await.map_err(db_error)?;
        }
        Ok(())
    }

    /// Stores `data` as version `version` of the session (inserted when
    /// 1; `previous` is what it replaces), with its figures and what it
    /// changes in the tallies.
    #[allow(clippy::too_many_arguments, reason = "one private helper of the sync")]
    async fn store_version(
        conn: &mut Conn<D>,
        audit: &AuditContext,
        org: &str,
        id: OutreachSessionId,
        data: &OutreachSessionData,
        previous: Option<&OutreachSessionData>,
        body: &str,
        version: i64,
    ) -> StoreResult<()> {
        let actor = audit.actor.map(|a| a.to_string());
        let body = crypto::seal(crypto::OUTREACH_BODY, &id.to_string(), body)?;
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
            .bind(&body)
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
            .bind(&body)
            .bind(audit.at.as_millis())
            .bind(actor)
            .bind(id.to_string())
            .bind(org)
            .execute(&mut *conn)
            .await
            .map_err(db_error)?;
        }
        Self::write_figures(conn, org, id, data).await?;
        // An edit keeps the outcomes already recorded (`write_figures`
        // never drops a follow-up that has one).
        let outcomes = if version == 1 {
            Vec::new()
        } else {
            Self::session_outcomes(conn, id).await?
        };
        let changes = tally_changes(
            previous.map(|p| (p, outcomes.as_slice())),
            Some((data, outcomes.as_slice())),
        );
        Self::apply_tallies(conn, org, &changes).await?;
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
        let mut tx = Self::begin(pool).await?;
        let outcome = Self::sync_one(&mut tx, audit, &scope.org().to_string(), incoming).await?;
        tx.commit().await.map_err(db_error)?;
        Ok(outcome)
    }

    /// A batch in one transaction (one wait for the disk, not one per
    /// session), each session in a savepoint of its own: a session refused
    /// (`NotFound`, `Refused`) is rolled back alone and the others stay;
    /// any other error fails the batch, which stores nothing.
    pub(crate) async fn sync_outreach_sessions(
        pool: &Pool<D::Db>,
        audit: &AuditContext,
        scope: &OrgScope,
        sessions: &[IncomingSession],
    ) -> StoreResult<Vec<StoreResult<SyncOutcome>>> {
        let org = scope.org().to_string();
        let mut tx = Self::begin(pool).await?;
        let mut outcomes = Vec::with_capacity(sessions.len());
        for incoming in sessions {
            let mut savepoint = sqlx::Acquire::begin(&mut tx).await.map_err(db_error)?;
            match Self::sync_one(&mut savepoint, audit, &org, incoming).await {
                Ok(outcome) => {
                    savepoint.commit().await.map_err(db_error)?;
                    outcomes.push(Ok(outcome));
                }
                Err(refused @ (StoreError::NotFound | StoreError::Refused { .. })) => {
                    savepoint.rollback().await.map_err(db_error)?;
                    outcomes.push(Err(refused));
                }
                Err(other) => return Err(other),
            }
        }
        tx.commit().await.map_err(db_error)?;
        Ok(outcomes)
    }

    /// One session sent by a phone, within the caller's transaction.
    async fn sync_one(
        tx: &mut Conn<D>,
        audit: &AuditContext,
        org: &str,
        incoming: &IncomingSession,
    ) -> StoreResult<SyncOutcome> {
        let org = org.to_owned();
        let body = session_body(&incoming.data)?;
        let stored = Self::load_outreach_session(tx, &org, incoming.id, true).await?;
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
                Self::store_version(tx, audit, &org, incoming.id, &incoming.data, None, &body, 1)
                    .await?;
                SyncOutcome::Stored { version: 1 }
            }
            SyncDecision::Update => {
                let version = incoming.base_version + 1;
                Self::store_version(
                    tx,
                    audit,
                    &org,
                    incoming.id,
                    &incoming.data,
                    stored.as_ref().map(|s| &s.data),
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
                     AND body_mac = $3 AND resolved_at IS NULL",
                )
                .bind(incoming.id.to_string())
                .bind(&org)
                .bind(crypto::blind_index(crypto::CONFLICT_BODY, &body)?)
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
                     server_version, body, body_mac, created_at, created_by) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(conflict.to_string())
                .bind(incoming.id.to_string())
                .bind(&org)
                .bind(incoming.base_version)
                .bind(server_version)
                .bind(crypto::seal(
                    crypto::CONFLICT_BODY,
                    &conflict.to_string(),
                    &body,
                )?)
                .bind(crypto::blind_index(crypto::CONFLICT_BODY, &body)?)
                .bind(audit.at.as_millis())
                .bind(audit.actor.map(|a| a.to_string()))
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
                Self::append(
                    tx,
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
        Ok(outcome)
    }

    /// New sessions in bulk (an import, the demo data, the benchmark): in
    /// one transaction, a few multi-row statements per table rather than a
    /// dozen statements per session, and the tallies of the whole batch
    /// summed in memory and written once; the same rows, tallies and audit
    /// entries as storing the sessions one by one.
    pub(crate) async fn import_outreach_sessions(
        pool: &Pool<D::Db>,
        audit: &AuditContext,
        scope: &OrgScope,
        sessions: &[IncomingSession],
    ) -> StoreResult<u64> {
        use std::collections::BTreeSet;
        let org = scope.org().to_string();
        let ids: Vec<String> = sessions.iter().map(|s| s.id.to_string()).collect();
        let follow_up_ids: Vec<String> = sessions
            .iter()
            .flat_map(|s| s.data.follow_ups.iter().map(|f| f.id.to_string()))
            .collect();
        // An id given twice in the batch: refused like one already stored.
        if ids.iter().collect::<BTreeSet<_>>().len() < ids.len() {
            return Err(StoreError::NotFound);
        }
        if follow_up_ids.iter().collect::<BTreeSet<_>>().len() < follow_up_ids.len() {
            return Err(StoreError::Refused {
                field: "follow_ups",
                problem: retrace_domain::Problem::FollowUpIdInUse,
            });
        }
        let bodies = sessions
            .iter()
            .zip(&ids)
            .map(|(s, id)| crypto::seal(crypto::OUTREACH_BODY, id, &session_body(&s.data)?))
            .collect::<StoreResult<Vec<_>>>()?;
        let mut tx = Self::begin(pool).await?;
        for (table, values) in [
            ("outreach_sessions", &ids),
            ("outreach_follow_ups", &follow_up_ids),
        ] {
            for chunk in values.chunks(VALUES_PER_STATEMENT) {
                let taken: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                    "SELECT COUNT(*) FROM {table} WHERE id IN ({})",
                    json_values::<D>("$1")
                )))
                .bind(backend::to_json(table, &chunk)?)
                .fetch_one(&mut *tx)
                .await
                .map_err(db_error)?;
                if taken > 0 && table == "outreach_sessions" {
                    return Err(StoreError::NotFound);
                }
                if taken > 0 {
                    return Err(StoreError::Refused {
                        field: "follow_ups",
                        problem: retrace_domain::Problem::FollowUpIdInUse,
                    });
                }
            }
        }
        let actor = audit.actor.map(|a| a.to_string());
        let at = audit.at.as_millis();
        let (mut heads, mut counts, mut topics, mut referrals, mut follow_ups) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut tallies: BTreeMap<TallyKey, (i64, i64)> = BTreeMap::new();
        let follow_up_ids = &mut follow_up_ids.iter();
        let nationalities: Vec<Vec<String>> = sessions
            .iter()
            .map(|s| {
                s.data
                    .reached
                    .iter()
                    .map(|g| nationality_code(g.nationality))
                    .collect()
            })
            .collect();
        for (((session, id), body), codes) in
            sessions.iter().zip(&ids).zip(&bodies).zip(&nationalities)
        {
            let data = &session.data;
            let started = data.started_at.as_millis();
            heads.push(vec![
                Value::Text(id),
                Value::Text(&org),
                Value::Text(data.team.as_str()),
                Value::Text(data.place_kind.as_str()),
                Value::Text(data.city.as_str()),
                Value::Int(started),
                Value::Int(data.month()),
                Value::Int(i64::from(data.people_reached)),
                Value::Text(body),
                Value::Int(at),
                Value::MaybeText(actor.as_deref()),
                Value::Int(1),
                Value::Int(at),
                Value::MaybeText(actor.as_deref()),
            ]);
            for (group, nationality) in data.reached.iter().zip(codes) {
                counts.push(vec![
                    Value::Text(id),
                    Value::Text(&org),
                    Value::Int(started),
                    Value::Text(group.sex.as_str()),
                    Value::Text(group.age_band.as_str()),
                    Value::Text(nationality),
                    Value::Int(i64::from(group.count)),
                ]);
            }
            for topic in &data.topics {
                topics.push(vec![
                    Value::Text(id),
                    Value::Text(&org),
                    Value::Int(started),
                    Value::Text(topic.as_str()),
                ]);
            }
            for referral in &data.referrals {
                referrals.push(vec![
                    Value::Text(id),
                    Value::Text(&org),
                    Value::Int(started),
                    Value::Text(referral.service.as_str()),
                    Value::Int(i64::from(referral.count)),
                ]);
            }
            for (follow_up, fid) in data.follow_ups.iter().zip(&mut *follow_up_ids) {
                follow_ups.push(vec![
                    Value::Text(fid),
                    Value::Text(id),
                    Value::Text(&org),
                    Value::Int(started),
                    Value::Text(follow_up.pseudonym.as_str()),
                    Value::Bool(follow_up.consent_to_link),
                ]);
            }
            for (key, (n, p)) in session_tallies(data, &[]) {
                let entry = tallies.entry(key).or_default();
                entry.0 += n;
                entry.1 += p;
            }
        }
        for (head, rows) in [
            (
                "INSERT INTO outreach_sessions (id, org_id, team, place_kind, city, started_at, \
                 month, people_reached, body, created_at, created_by, version, updated_at, \
                 updated_by)",
                &heads,
            ),
            (
                "INSERT INTO outreach_counts (session_id, org_id, started_at, sex, age_band, \
                 nationality, count)",
                &counts,
            ),
            (
                "INSERT INTO outreach_session_topics (session_id, org_id, started_at, topic)",
                &topics,
            ),
            (
                "INSERT INTO outreach_referrals (session_id, org_id, started_at, service, count)",
                &referrals,
            ),
            (
                "INSERT INTO outreach_follow_ups (id, session_id, org_id, started_at, \
                 pseudonym, consent_to_link)",
                &follow_ups,
            ),
        ] {
            Self::insert_rows(&mut tx, head, rows).await?;
        }
        let changes: Vec<(TallyKey, i64, i64)> = tallies
            .into_iter()
            .map(|(key, (n, p))| (key, n, p))
            .collect();
        Self::apply_tallies(&mut tx, &org, &changes).await?;
        let events: Vec<_> = sessions
            .iter()
            .map(|s| {
                event(
                    AuditAction::OutreachSessionRecorded,
                    ObjectKind::OutreachSession,
                    s.id,
                )
            })
            .collect();
        Self::append_many(&mut tx, audit, &events).await?;
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
                Some(&stored.data),
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
        let session: Option<String> = sqlx::query_scalar(
            "SELECT session_id FROM outreach_follow_ups WHERE id = $1 AND org_id = $2",
        )
        .bind(id.to_string())
        .bind(&org)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_error)?;
        let session: OutreachSessionId =
            session
                .ok_or(StoreError::NotFound)?
                .parse()
                .map_err(|_| StoreError::Corrupt {
                    table: "outreach_follow_ups",
                    detail: "session_id".into(),
                })?;
        let data = Self::load_outreach_session(&mut tx, &org, session, true)
            .await?
            .ok_or(StoreError::NotFound)?
            .data;
        let before = Self::session_outcomes(&mut tx, session).await?;
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
        let after = Self::session_outcomes(&mut tx, session).await?;
        let changes = tally_changes(Some((&data, &before)), Some((&data, &after)));
        Self::apply_tallies(&mut tx, &org, &changes).await?;
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

    pub(crate) async fn outreach_stats(
        pool: &Pool<D::Db>,
        scope: &StatsScope,
        filter: &OutreachFilter,
    ) -> StoreResult<OutreachStats> {
        let (who, bound) = scope_condition(scope);
        let nationality = filter
            .nationality
            .map(nationality_code)
            .unwrap_or_else(|| ALL_NATIONALITIES.to_owned());
        let place = filter
            .place_kind
            .map(|p| p.as_str().to_owned())
            .unwrap_or_default();
        let team = filter.team.clone().unwrap_or_default();
        // Both queries read the tallies of the scope and the nationality
        // filter: the head and tail days from the daily tallies, the whole
        // months from the monthly ones; then group: by month, team and
        // place for the sessions, by figure for the rest.
        let ranges = stats_ranges(filter);
        let condition = format!(
            "{who} AND t.nationality = $2 AND ($5 = '' OR t.place_kind = $5) \
             AND ($6 = '' OR t.team = $6)"
        );
        let sources = |columns: &str, dims: &str| {
            format!(
                "SELECT {columns} FROM outreach_tallies t WHERE {dims} AND {condition} \
                 AND t.day >= $3 AND t.day < $4 \
                 UNION ALL SELECT {columns} FROM outreach_tallies t WHERE {dims} AND {condition} \
                 AND t.day >= $7 AND t.day < $8 \
                 UNION ALL SELECT {columns} FROM outreach_month_tallies t WHERE {dims} \
                 AND {condition} AND t.month >= $9 AND t.month < $10"
            )
        };
        let mut conn = pool.acquire().await.map_err(db_error)?;
        let rows = bind_ranges!(
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT m, team, place, CAST(SUM(n) AS BIGINT) AS n, \
                 CAST(SUM(p) AS BIGINT) AS p FROM ({}) x GROUP BY m, team, place \
                 HAVING SUM(n) > 0",
                sources(
                    "t.month AS m, t.team AS team, t.place_kind AS place, t.sessions AS n, \
                     t.people AS p",
                    "t.dim = 'session'"
                )
            ))),
            bound,
            nationality,
            ranges,
            place,
            team
        )
        .fetch_all(&mut *conn)
        .await
        .map_err(db_error)?;
        let mut by_month: BTreeMap<i64, (u64, u64)> = BTreeMap::new();
        let mut by_place: BTreeMap<String, (u64, u64)> = BTreeMap::new();
        let mut by_team: BTreeMap<String, (u64, u64)> = BTreeMap::new();
        for row in &rows {
            let month: i64 = row.try_get("m").map_err(db_error)?;
            let team: String = row.try_get("team").map_err(db_error)?;
            let place: String = row.try_get("place").map_err(db_error)?;
            let (n, p) = sums(row)?;
            for slot in [
                by_month.entry(month).or_default(),
                by_place.entry(place).or_default(),
                by_team.entry(team).or_default(),
            ] {
                slot.0 += n;
                slot.1 += p;
            }
        }
        let mut stats = OutreachStats {
            by_month: tallies(by_month.into_iter().map(|(k, v)| (k.to_string(), v))),
            by_place_kind: tallies(by_place),
            by_team: tallies(by_team),
            ..OutreachStats::default()
        };
        stats.sessions = stats.by_month.iter().map(|t| t.sessions).sum();
        stats.people = stats.by_month.iter().map(|t| t.people).sum();
        let rows = bind_ranges!(
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT d, k, CAST(SUM(n) AS BIGINT) AS n, CAST(SUM(p) AS BIGINT) AS p \
                 FROM ({}) x GROUP BY d, k HAVING SUM(n) > 0",
                sources(
                    "t.dim AS d, t.item AS k, t.sessions AS n, t.people AS p",
                    "t.dim IN ('nationality', 'sex', 'age_band', 'topic', 'referral', 'outcome')"
                )
            ))),
            bound,
            nationality,
            ranges,
            place,
            team
        )
        .fetch_all(&mut *conn)
        .await
        .map_err(db_error)?;
        let mut figures: BTreeMap<String, BTreeMap<String, (u64, u64)>> = BTreeMap::new();
        for row in &rows {
            let dim: String = row.try_get("d").map_err(db_error)?;
            let key: String = row.try_get("k").map_err(db_error)?;
            let sums = sums(row)?;
            figures.entry(dim).or_default().insert(key, sums);
        }
        let mut take = |dim: &str| tallies(figures.remove(dim).unwrap_or_default());
        stats.by_nationality = take("nationality");
        stats
            .by_nationality
            .sort_by(|a, b| b.people.cmp(&a.people).then(a.key.cmp(&b.key)));
        stats.by_sex = take("sex");
        stats.by_age_band = take("age_band");
        stats.topics = take("topic");
        stats.referrals = take("referral");
        stats.outcomes = take("outcome");
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

    async fn sync_outreach_sessions(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        sessions: &[IncomingSession],
    ) -> StoreResult<Vec<StoreResult<SyncOutcome>>> {
        Sql::<D>::sync_outreach_sessions(&self.pool, audit, scope, sessions).await
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
