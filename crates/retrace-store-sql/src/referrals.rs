//! Transnational referrals. Every change runs in one write transaction with
//! its audit entries; every read of a referral is audited in its own.
//! Each side's view is assembled by `retrace_store::referrals::referral_view`,
//! which asks the disclosure rule again against the person as stored now.

use crate::{Conn, DbRow, Dialect, Sql, SqlStore, db_error, event};
use async_trait::async_trait;
use retrace_domain::{
    AuditAction, ConsentLedger, CountryCode, EventKind, ObjectKind, OrgId, Outcome, PersonId,
    ReferralId, ReferralStatus, ReferralStepId, Side, SopStep, Stage, StageRefusal, StepState,
    Text, may_work_stage, referral_decision, stage_may_close,
};
use retrace_domain::{ToolDefinition, ToolEntryId};
use retrace_store::crypto;
use retrace_store::referrals::{
    ReferralRow, referral_json, referral_refused, referral_view, services_from_json, stage_refused,
    steps_from_json, steps_json, stored_code, stored_id, stored_opt_id, stored_referral_text,
    tool_from_json, tool_json, values_from_json, values_json,
};
use retrace_store::{
    AuditContext, ChecklistStep, NewReferral, OrgScope, Referral, ReferralFilter, ReferralParty,
    ReferralStore, ReferralSummary, ReferralView, SopTemplate, StatusMove, StepChange, StoreError,
    StoreResult, TimelineEvent, ToolEntry,
};
use sqlx::migrate::Migrate;
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Pool, Row, Type};
use std::collections::BTreeMap;

macro_rules! referral_columns {
    () => {
        "f.id, f.person_id, f.from_org, f.to_org, f.purpose, f.services, f.urgency, f.risk, \
         f.share, f.status, f.stage, f.outcome, f.reason, f.created_by, f.created_at, \
         f.accepted_by, f.decided_at, f.updated_at"
    };
}

macro_rules! step_columns {
    () => {
        "id, stage, position, label, required, template_version, state, reason, done_by, done_at"
    };
}

/// A timeline line to write.
struct NewEvent<'a> {
    side: Side,
    kind: EventKind,
    stage: Option<Stage>,
    outcome: Option<Outcome>,
    body: Option<&'a Text>,
    shared: bool,
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
    fn referral_row(row: &DbRow<D>) -> StoreResult<Referral> {
        let row = (|| {
            Ok::<_, sqlx::Error>(ReferralRow {
                id: row.try_get("id")?,
                person_id: row.try_get("person_id")?,
                from_org: row.try_get("from_org")?,
                to_org: row.try_get("to_org")?,
                purpose: row.try_get("purpose")?,
                services: row.try_get("services")?,
                urgency: row.try_get("urgency")?,
                risk: row.try_get("risk")?,
                share: row.try_get("share")?,
                status: row.try_get("status")?,
                stage: row.try_get("stage")?,
                outcome: row.try_get("outcome")?,
                reason: row.try_get("reason")?,
                created_by: row.try_get("created_by")?,
                created_at: row.try_get("created_at")?,
                accepted_by: row.try_get("accepted_by")?,
                decided_at: row.try_get("decided_at")?,
                updated_at: row.try_get("updated_at")?,
            })
        })()
        .map_err(db_error)?;
        let row = ReferralRow {
            risk: crypto::open(crypto::REFERRAL_RISK, &row.id, &row.risk)?,
            ..row
        };
        row.into_referral()
    }

    fn step_row(row: &DbRow<D>) -> StoreResult<ChecklistStep> {
        let get = || {
            Ok::<_, sqlx::Error>((
                row.try_get::<String, _>("id")?,
                row.try_get::<String, _>("stage")?,
                row.try_get::<i64, _>("position")?,
                row.try_get::<String, _>("label")?,
                row.try_get::<bool, _>("required")?,
                row.try_get::<i64, _>("template_version")?,
                row.try_get::<String, _>("state")?,
                row.try_get::<Option<String>, _>("reason")?,
                row.try_get::<Option<String>, _>("done_by")?,
                row.try_get::<Option<i64>, _>("done_at")?,
            ))
        };
        let (id, stage, position, label, required, version, state, reason, by, at) =
            get().map_err(db_error)?;
        Ok(ChecklistStep {
            id: stored_id("referral_steps.id", &id)?,
            stage: stored_code("stage", &stage, Stage::parse)?,
            position,
            label: stored_referral_text("label", &label)?,
            required,
            template_version: version,
            state: stored_code("state", &state, StepState::parse)?,
            reason: reason
                .as_deref()
                .map(|r| stored_referral_text("reason", r))
                .transpose()?,
            by: stored_opt_id("done_by", by.as_deref())?,
            at: at.map(retrace_domain::Timestamp::from_millis),
        })
    }

    fn event_row(row: &DbRow<D>) -> StoreResult<TimelineEvent> {
        let get = || {
            Ok::<_, sqlx::Error>((
                row.try_get::<String, _>("id")?,
                row.try_get::<String, _>("side")?,
                row.try_get::<String, _>("kind")?,
                row.try_get::<Option<String>, _>("stage")?,
                row.try_get::<Option<String>, _>("outcome")?,
                row.try_get::<Option<String>, _>("body")?,
                row.try_get::<bool, _>("shared")?,
                row.try_get::<i64, _>("at")?,
            ))
        };
        let (id, side, kind, stage, outcome, body, shared, at) = get().map_err(db_error)?;
        let body = crypto::open_opt(crypto::REFERRAL_EVENT_BODY, &id, body)?;
        Ok(TimelineEvent {
            at: retrace_domain::Timestamp::from_millis(at),
            side: match side.as_str() {
                "sender" => Side::Sender,
                _ => Side::Receiver,
            },
            kind: stored_code("kind", &kind, EventKind::parse)?,
            stage: stage
                .as_deref()
                .map(|s| stored_code("stage", s, Stage::parse))
                .transpose()?,
            outcome: outcome
                .as_deref()
                .map(|s| stored_code("outcome", s, Outcome::parse))
                .transpose()?,
            text: body
                .as_deref()
                .map(|b| stored_referral_text("body", b))
                .transpose()?,
            shared,
        })
    }

    /// The referrals `org` sent for its `person`, oldest first, each with
    /// the timeline lines the sender wrote or the receiver shared and the
    /// tools `org` filled.
    pub(crate) async fn sent_referrals_of(
        conn: &mut Conn<D>,
        person: PersonId,
        org: OrgId,
    ) -> StoreResult<Vec<(Referral, Vec<TimelineEvent>, Vec<ToolEntry>)>> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            referral_columns!(),
            " FROM referrals f WHERE f.person_id = $1 AND f.from_org = $2 \
              ORDER BY f.created_at, f.id"
        ))
        .bind(person.to_string())
        .bind(org.to_string())
        .fetch_all(&mut *conn)
        .await
        .map_err(db_error)?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            let referral = Self::referral_row(row)?;
            let events = sqlx::query(
                "SELECT id, side, kind, stage, outcome, body, shared, at FROM referral_events \
                 WHERE referral_id = $1 AND (side = 'sender' OR shared = $2) ORDER BY at, id",
            )
            .bind(referral.id.to_string())
            .bind(true)
            .fetch_all(&mut *conn)
            .await
            .map_err(db_error)?
            .iter()
            .map(Self::event_row)
            .collect::<StoreResult<Vec<_>>>()?;
            let mut tools = Vec::new();
            for row in sqlx::query(
                "SELECT id, tool_key, definition, entry_values, filled_by, filled_at \
                 FROM referral_tool_entries WHERE referral_id = $1 AND org_id = $2 \
                 ORDER BY filled_at, id",
            )
            .bind(referral.id.to_string())
            .bind(org.to_string())
            .fetch_all(&mut *conn)
            .await
            .map_err(db_error)?
            {
                let id: String = row.try_get("id").map_err(db_error)?;
                let id = stored_id("referral_tool_entries.id", &id)?;
                tools.push(Self::tool_entry_row(&row, id, referral.id)?);
            }
            out.push((referral, events, tools));
        }
        Ok(out)
    }

    /// A referral of which `org` is one side, locked when `lock`.
    async fn load_referral(
        conn: &mut Conn<D>,
        id: ReferralId,
        org: OrgId,
        lock: bool,
    ) -> StoreResult<Option<Referral>> {
        let sql = format!(
            concat!(
                "SELECT ",
                referral_columns!(),
                " FROM referrals f WHERE f.id = $1 AND (f.from_org = $2 OR f.to_org = $2){}"
            ),
            if lock { D::FOR_UPDATE } else { "" }
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id.to_string())
            .bind(org.to_string())
            .fetch_optional(&mut *conn)
            .await
            .map_err(db_error)?;
        row.as_ref().map(Self::referral_row).transpose()
    }

    /// The referral and the scope's side of it, locked; `NotFound` when the
    /// scope is neither side.
    async fn locked_side(
        conn: &mut Conn<D>,
        id: ReferralId,
        scope: &OrgScope,
    ) -> StoreResult<(Referral, Side)> {
        let referral = Self::load_referral(conn, id, scope.org(), true)
            .await?
            .ok_or(StoreError::NotFound)?;
        let side = referral.side_of(scope.org()).ok_or(StoreError::NotFound)?;
        Ok((referral, side))
    }

    async fn latest_template(
        conn: &mut Conn<D>,
        org: OrgId,
        stage: Stage,
    ) -> StoreResult<Option<(i64, Vec<SopStep>)>> {
        let row = sqlx::query(
            "SELECT version, steps FROM sop_templates WHERE org_id = $1 AND stage = $2 \
             ORDER BY version DESC LIMIT 1",
        )
        .bind(org.to_string())
        .bind(stage.as_str())
        .fetch_optional(&mut *conn)
        .await
        .map_err(db_error)?;
        let Some(row) = row else {
            return Ok(None);
        };
        let version: i64 = row.try_get("version").map_err(db_error)?;
        let steps: String = row.try_get("steps").map_err(db_error)?;
        Ok(Some((version, steps_from_json(&steps)?)))
    }

    /// Copies `org`'s current template of each of `side`'s stages into the
    /// referral's checklist.
    async fn copy_checklists(
        conn: &mut Conn<D>,
        referral: ReferralId,
        org: OrgId,
        side: Side,
    ) -> StoreResult<()> {
        for stage in Stage::of(side) {
            let Some((version, steps)) = Self::latest_template(conn, org, stage).await? else {
                continue;
            };
            for (position, step) in (0_i64..).zip(steps.iter()) {
                sqlx::query(
                    "INSERT INTO referral_steps (id, referral_id, stage, position, label, \
                     required, template_version, state) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(ReferralStepId::random().to_string())
                .bind(referral.to_string())
                .bind(stage.as_str())
                .bind(position)
                .bind(step.label.as_str())
                .bind(step.required)
                .bind(version)
                .bind(StepState::Open.as_str())
                .execute(&mut *conn)
                .await
                .map_err(db_error)?;
            }
        }
        Ok(())
    }

    async fn insert_event(
        conn: &mut Conn<D>,
        audit: &AuditContext,
        referral: ReferralId,
        new: NewEvent<'_>,
    ) -> StoreResult<()> {
        let id = ReferralStepId::random().to_string();
        sqlx::query(
            "INSERT INTO referral_events (id, referral_id, side, kind, stage, outcome, body, \
             shared, by_user, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(&id)
        .bind(referral.to_string())
        .bind(new.side.as_str())
        .bind(new.kind.as_str())
        .bind(new.stage.map(Stage::as_str))
        .bind(new.outcome.map(Outcome::as_str))
        .bind(crypto::seal_opt(
            crypto::REFERRAL_EVENT_BODY,
            &id,
            new.body.map(Text::as_str),
        )?)
        .bind(new.shared)
        .bind(audit.actor.map(|a| a.to_string()))
        .bind(audit.at.as_millis())
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
        Ok(())
    }

    async fn party(
        conn: &mut Conn<D>,
        org: OrgId,
        contact: Option<retrace_domain::UserId>,
    ) -> StoreResult<ReferralParty> {
        let row = sqlx::query("SELECT name, country FROM organisations WHERE id = $1")
            .bind(org.to_string())
            .fetch_optional(&mut *conn)
            .await
            .map_err(db_error)?
            .ok_or(StoreError::NotFound)?;
        let name: String = row.try_get("name").map_err(db_error)?;
        let country: String = row.try_get("country").map_err(db_error)?;
        let country = CountryCode::parse(&country).map_err(|e| StoreError::Corrupt {
            table: "organisations",
            detail: e.to_string(),
        })?;
        let (contact_name, contact_email) = match contact {
            None => (None, None),
            Some(user) => {
                let row = sqlx::query(
                    "SELECT display_name, email FROM users WHERE id = $1 AND org_id = $2",
                )
                .bind(user.to_string())
                .bind(org.to_string())
                .fetch_optional(&mut *conn)
                .await
                .map_err(db_error)?;
                match row {
                    Some(row) => (
                        Some(row.try_get("display_name").map_err(db_error)?),
                        Some(row.try_get("email").map_err(db_error)?),
                    ),
                    None => (None, None),
                }
            }
        };
        Ok(ReferralParty {
            org,
            name,
            country,
            contact_name,
            contact_email,
        })
    }

    pub(crate) async fn create_referral(
        pool: &Pool<D::Db>,
        audit: &AuditContext,
        scope: &OrgScope,
        new: &NewReferral,
    ) -> StoreResult<Referral> {
        let mut tx = Self::begin(pool).await?;
        let person = Self::load_person_any(&mut tx, new.person)
            .await?
            .filter(|p| p.org == scope.org())
            .ok_or(StoreError::NotFound)?;
        let ledger = Self::person_consents(&mut tx, &person.id.to_string()).await?;
        let to_country = Self::org_country(&mut tx, new.to_org).await?;
        referral_decision(
            scope.org(),
            new.to_org,
            to_country,
            person.details.flags,
            ConsentLedger(&ledger),
        )
        .map_err(referral_refused)?;
        let id = ReferralId::random();
        let (services, risk, share) = referral_json(new)?;
        sqlx::query(
            "INSERT INTO referrals (id, person_id, from_org, to_org, purpose, services, urgency, \
             risk, share, status, stage, created_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)",
        )
        .bind(id.to_string())
        .bind(person.id.to_string())
        .bind(scope.org().to_string())
        .bind(new.to_org.to_string())
        .bind(new.purpose.as_str())
        .bind(services)
        .bind(new.urgency.as_str())
        .bind(crypto::seal(crypto::REFERRAL_RISK, &id.to_string(), &risk)?)
        .bind(share)
        .bind(ReferralStatus::Sent.as_str())
        .bind(Stage::Identification.as_str())
        .bind(audit.actor.map(|a| a.to_string()))
        .bind(audit.at.as_millis())
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        Self::copy_checklists(&mut tx, id, scope.org(), Side::Sender).await?;
        Self::insert_event(
            &mut tx,
            audit,
            id,
            NewEvent {
                side: Side::Sender,
                kind: EventKind::Sent,
                stage: None,
                outcome: None,
                body: None,
                shared: true,
            },
        )
        .await?;
        Self::append(
            &mut tx,
            audit,
            &event(AuditAction::ReferralCreated, ObjectKind::Referral, id),
        )
        .await?;
        let created = Self::load_referral(&mut tx, id, scope.org(), false)
            .await?
            .ok_or(StoreError::NotFound)?;
        tx.commit().await.map_err(db_error)?;
        Ok(created)
    }

    pub(crate) async fn referrals(
        pool: &Pool<D::Db>,
        audit: &AuditContext,
        scope: &OrgScope,
        filter: &ReferralFilter,
    ) -> StoreResult<Vec<ReferralSummary>> {
        let (mine, other) = match filter.side {
            Side::Sender => ("f.from_org", "f.to_org"),
            Side::Receiver => ("f.to_org", "f.from_org"),
        };
        let mut query = sqlx::QueryBuilder::<D::Db>::new(format!(
            "SELECT f.id, {other} AS other_org, o.name AS other_name, o.country AS other_country, \
             f.status, f.stage, f.urgency, f.services, f.created_at, f.updated_at \
             FROM referrals f JOIN organisations o ON o.id = {other} WHERE {mine} = "
        ));
        query.push_bind(scope.org().to_string());
        if let Some(status) = filter.status {
            query.push(" AND f.status = ").push_bind(status.as_str());
        }
        if let Some(stage) = filter.stage {
            query.push(" AND f.stage = ").push_bind(stage.as_str());
        }
        if let Some(urgency) = filter.urgency {
            query.push(" AND f.urgency = ").push_bind(urgency.as_str());
        }
        if let Some(country) = filter.country {
            // Through the other side's id, so that the index on both
            // organisations serves it (0012_referral_indexes.sql).
            query
                .push(format!(
                    " AND {other} IN (SELECT c.id FROM organisations c WHERE c.country = "
                ))
                .push_bind(country.as_str().to_owned())
                .push(")");
        }
        if let Some(from) = filter.from {
            query
                .push(" AND f.created_at >= ")
                .push_bind(from.as_millis());
        }
        if let Some(until) = filter.until {
            query
                .push(" AND f.created_at < ")
                .push_bind(until.as_millis());
        }
        query
            .push(" ORDER BY f.created_at DESC, f.id DESC LIMIT ")
            .push_bind(i64::from(filter.limit.clamp(1, 1000)));
        let mut tx = Self::begin(pool).await?;
        let rows = query.build().fetch_all(&mut *tx).await.map_err(db_error)?;
        let mut listed = Vec::with_capacity(rows.len());
        for row in &rows {
            let get = || {
                Ok::<_, sqlx::Error>((
                    row.try_get::<String, _>("id")?,
                    row.try_get::<String, _>("other_org")?,
                    row.try_get::<String, _>("other_name")?,
                    row.try_get::<String, _>("other_country")?,
                    row.try_get::<String, _>("status")?,
                    row.try_get::<Option<String>, _>("stage")?,
                    row.try_get::<String, _>("urgency")?,
                    row.try_get::<String, _>("services")?,
                    row.try_get::<i64, _>("created_at")?,
                    row.try_get::<i64, _>("updated_at")?,
                ))
            };
            let (id, other, name, country, status, stage, urgency, services, created, updated) =
                get().map_err(db_error)?;
            listed.push(ReferralSummary {
                id: stored_id("id", &id)?,
                side: filter.side,
                other_org: stored_id("other_org", &other)?,
                other_org_name: name,
                other_country: stored_code("country", &country, CountryCode::parse)?,
                status: stored_code("status", &status, ReferralStatus::parse)?,
                stage: stage
                    .as_deref()
                    .map(|s| stored_code("stage", s, Stage::parse))
                    .transpose()?,
                urgency: stored_code("urgency", &urgency, retrace_domain::Urgency::parse)?,
                services: services_from_json(&services)?,
                created_at: retrace_domain::Timestamp::from_millis(created),
                updated_at: retrace_domain::Timestamp::from_millis(updated),
            });
        }
        Self::append(
            &mut tx,
            audit,
            &event(
                AuditAction::ReferralsListed,
                ObjectKind::Referral,
                match filter.side {
                    Side::Sender => "outbox",
                    Side::Receiver => "inbox",
                },
            ),
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        Ok(listed)
    }

    async fn steps_of(conn: &mut Conn<D>, id: ReferralId) -> StoreResult<Vec<ChecklistStep>> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            step_columns!(),
            " FROM referral_steps WHERE referral_id = $1"
        ))
        .bind(id.to_string())
        .fetch_all(&mut *conn)
        .await
        .map_err(db_error)?;
        let mut steps = rows
            .iter()
            .map(Self::step_row)
            .collect::<StoreResult<Vec<_>>>()?;
        let order = |stage: Stage| Stage::ALL.iter().position(|s| *s == stage);
        steps.sort_by_key(|s| (order(s.stage), s.position));
        Ok(steps)
    }

    pub(crate) async fn referral_view(
        pool: &Pool<D::Db>,
        audit: &AuditContext,
        scope: &OrgScope,
        id: ReferralId,
    ) -> StoreResult<Option<ReferralView>> {
        let mut tx = Self::begin(pool).await?;
        let Some(referral) = Self::load_referral(&mut tx, id, scope.org(), false).await? else {
            return Ok(None);
        };
        let Some(side) = referral.side_of(scope.org()) else {
            return Ok(None);
        };
        // The receiver's one read of the sender's person: allowed by the
        // referral row just read, and narrowed by `referral_view`.
        let person = Self::load_person_any(&mut tx, referral.person)
            .await?
            .filter(|p| p.org == referral.from_org)
            .ok_or(StoreError::NotFound)?;
        let ledger = Self::person_consents(&mut tx, &person.id.to_string()).await?;
        let from = Self::party(&mut tx, referral.from_org, referral.created_by).await?;
        let to = Self::party(&mut tx, referral.to_org, referral.accepted_by).await?;
        let steps = Self::steps_of(&mut tx, id).await?;
        let rows = sqlx::query(
            "SELECT id, side, kind, stage, outcome, body, shared, at FROM referral_events \
             WHERE referral_id = $1 ORDER BY at, id",
        )
        .bind(id.to_string())
        .fetch_all(&mut *tx)
        .await
        .map_err(db_error)?;
        let events = rows
            .iter()
            .map(Self::event_row)
            .collect::<StoreResult<Vec<_>>>()?;
        let view = referral_view(
            referral,
            side,
            from,
            to,
            &person.details,
            &ledger,
            steps,
            events,
        );
        Self::append(
            &mut tx,
            audit,
            &event(AuditAction::ReferralViewed, ObjectKind::Referral, id),
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        Ok(Some(view))
    }

    pub(crate) async fn decide_referral(
        pool: &Pool<D::Db>,
        audit: &AuditContext,
        scope: &OrgScope,
        id: ReferralId,
        accept: bool,
        reason: Option<&Text>,
    ) -> StoreResult<Referral> {
        let mut tx = Self::begin(pool).await?;
        let (current, side) = Self::locked_side(&mut tx, id, scope).await?;
        if side != Side::Receiver {
            return Err(StoreError::Refused {
                field: "decision",
                problem: retrace_domain::Problem::ReceiverDecides,
            });
        }
        let (status, kind, action) = if accept {
            (
                ReferralStatus::Accepted,
                EventKind::Accepted,
                AuditAction::ReferralAccepted,
            )
        } else {
            (
                ReferralStatus::Declined,
                EventKind::Declined,
                AuditAction::ReferralDeclined,
            )
        };
        if !current.status.may_become(status) {
            return Err(StoreError::Conflict { field: "status" });
        }
        if !accept && reason.is_none() {
            return Err(StoreError::Refused {
                field: "reason",
                problem: retrace_domain::Problem::DeclineNeedsReason,
            });
        }
        let done = sqlx::query(
            "UPDATE referrals SET status = $1, reason = $2, accepted_by = $3, decided_at = $4, \
             updated_at = $4 WHERE id = $5 AND status = 'sent'",
        )
        .bind(status.as_str())
        .bind(reason.map(Text::as_str))
        .bind(if accept {
            audit.actor.map(|a| a.to_string())
        } else {
            None
        })
        .bind(audit.at.as_millis())
        .bind(id.to_string())
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        if D::rows_affected(&done) != 1 {
            return Err(StoreError::Conflict { field: "status" });
        }
        if accept {
            Self::copy_checklists(&mut tx, id, scope.org(), Side::Receiver).await?;
        }
        Self::insert_event(
            &mut tx,
            audit,
            id,
            NewEvent {
                side,
                kind,
                stage: None,
                outcome: None,
                body: reason,
                shared: true,
            },
        )
        .await?;
        Self::append(&mut tx, audit, &event(action, ObjectKind::Referral, id)).await?;
        let updated = Self::load_referral(&mut tx, id, scope.org(), false)
            .await?
            .ok_or(StoreError::NotFound)?;
        tx.commit().await.map_err(db_error)?;
        Ok(updated)
    }

    pub(crate) async fn move_referral(
        pool: &Pool<D::Db>,
        audit: &AuditContext,
        scope: &OrgScope,
        id: ReferralId,
        change: &StatusMove,
    ) -> StoreResult<Referral> {
        let mut tx = Self::begin(pool).await?;
        let (current, side) = Self::locked_side(&mut tx, id, scope).await?;
        if side != Side::Receiver {
            return Err(StoreError::Refused {
                field: "status",
                problem: retrace_domain::Problem::ReceiverChangesStatus,
            });
        }
        let (status, kind, outcome, note) = match change {
            StatusMove::Start => (
                ReferralStatus::InProgress,
                EventKind::InProgress,
                None,
                None,
            ),
            StatusMove::Close { outcome, note } => (
                ReferralStatus::Closed,
                EventKind::Closed,
                Some(*outcome),
                note.as_ref(),
            ),
        };
        if !current.status.may_become(status) {
            return Err(StoreError::Conflict { field: "status" });
        }
        sqlx::query(
            "UPDATE referrals SET status = $1, outcome = $2, reason = COALESCE($3, reason), \
             updated_at = $4 WHERE id = $5",
        )
        .bind(status.as_str())
        .bind(outcome.map(Outcome::as_str))
        .bind(note.map(Text::as_str))
        .bind(audit.at.as_millis())
        .bind(id.to_string())
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        Self::insert_event(
            &mut tx,
            audit,
            id,
            NewEvent {
                side,
                kind,
                stage: None,
                outcome,
                body: note,
                shared: true,
            },
        )
        .await?;
        Self::append(
            &mut tx,
            audit,
            &event(AuditAction::ReferralStatusChanged, ObjectKind::Referral, id),
        )
        .await?;
        let updated = Self::load_referral(&mut tx, id, scope.org(), false)
            .await?
            .ok_or(StoreError::NotFound)?;
        tx.commit().await.map_err(db_error)?;
        Ok(updated)
    }

    pub(crate) async fn change_step(
        pool: &Pool<D::Db>,
        audit: &AuditContext,
        scope: &OrgScope,
        id: ReferralId,
        step: ReferralStepId,
        change: &StepChange,
    ) -> StoreResult<ChecklistStep> {
        let mut tx = Self::begin(pool).await?;
        let (current, side) = Self::locked_side(&mut tx, id, scope).await?;
        let row = sqlx::query(concat!(
            "SELECT ",
            step_columns!(),
            " FROM referral_steps WHERE id = $1 AND referral_id = $2"
        ))
        .bind(step.to_string())
        .bind(id.to_string())
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_error)?
        .ok_or(StoreError::NotFound)?;
        let found = Self::step_row(&row)?;
        may_work_stage(side, found.stage, current.stage, current.status).map_err(stage_refused)?;
        let (state, reason, action) = match change {
            StepChange::Done => (StepState::Done, None, AuditAction::ReferralStepTicked),
            StepChange::Skipped { reason } => (
                StepState::Skipped,
                Some(reason),
                AuditAction::ReferralStepSkipped,
            ),
        };
        // The `state = 'open'` condition makes the second of two concurrent
        // ticks change nothing, whatever the isolation level.
        let done = sqlx::query(
            "UPDATE referral_steps SET state = $1, reason = $2, done_by = $3, done_at = $4 \
             WHERE id = $5 AND referral_id = $6 AND state = 'open'",
        )
        .bind(state.as_str())
        .bind(reason.map(Text::as_str))
        .bind(audit.actor.map(|a| a.to_string()))
        .bind(audit.at.as_millis())
        .bind(step.to_string())
        .bind(id.to_string())
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        if D::rows_affected(&done) != 1 {
            return Err(stage_refused(StageRefusal::AlreadyTicked));
        }
        sqlx::query("UPDATE referrals SET updated_at = $1 WHERE id = $2")
            .bind(audit.at.as_millis())
            .bind(id.to_string())
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        Self::append(&mut tx, audit, &event(action, ObjectKind::Referral, id)).await?;
        let row = sqlx::query(concat!(
            "SELECT ",
            step_columns!(),
            " FROM referral_steps WHERE id = $1"
        ))
        .bind(step.to_string())
        .fetch_one(&mut *tx)
        .await
        .map_err(db_error)?;
        let updated = Self::step_row(&row)?;
        tx.commit().await.map_err(db_error)?;
        Ok(updated)
    }

    pub(crate) async fn close_stage(
        pool: &Pool<D::Db>,
        audit: &AuditContext,
        scope: &OrgScope,
        id: ReferralId,
        stage: Stage,
    ) -> StoreResult<Referral> {
        let mut tx = Self::begin(pool).await?;
        let (current, side) = Self::locked_side(&mut tx, id, scope).await?;
        may_work_stage(side, stage, current.stage, current.status).map_err(stage_refused)?;
        let steps = Self::steps_of(&mut tx, id).await?;
        stage_may_close(
            steps
                .iter()
                .filter(|s| s.stage == stage)
                .map(|s| (s.required, s.state)),
        )
        .map_err(stage_refused)?;
        let done = sqlx::query(
            "UPDATE referrals SET stage = $1, updated_at = $2 WHERE id = $3 AND stage = $4",
        )
        .bind(stage.next().map(Stage::as_str))
        .bind(audit.at.as_millis())
        .bind(id.to_string())
        .bind(stage.as_str())
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        if D::rows_affected(&done) != 1 {
            return Err(StoreError::Conflict { field: "stage" });
        }
        Self::insert_event(
            &mut tx,
            audit,
            id,
            NewEvent {
                side,
                kind: EventKind::StageClosed,
                stage: Some(stage),
                outcome: None,
                body: None,
                shared: true,
            },
        )
        .await?;
        Self::append(
            &mut tx,
            audit,
            &event(AuditAction::ReferralStageClosed, ObjectKind::Referral, id),
        )
        .await?;
        let updated = Self::load_referral(&mut tx, id, scope.org(), false)
            .await?
            .ok_or(StoreError::NotFound)?;
        tx.commit().await.map_err(db_error)?;
        Ok(updated)
    }

    pub(crate) async fn post_referral_update(
        pool: &Pool<D::Db>,
        audit: &AuditContext,
        scope: &OrgScope,
        id: ReferralId,
        text: &Text,
        shared: bool,
    ) -> StoreResult<()> {
        let mut tx = Self::begin(pool).await?;
        let (_, side) = Self::locked_side(&mut tx, id, scope).await?;
        Self::insert_event(
            &mut tx,
            audit,
            id,
            NewEvent {
                side,
                kind: EventKind::Update,
                stage: None,
                outcome: None,
                body: Some(text),
                shared,
            },
        )
        .await?;
        sqlx::query("UPDATE referrals SET updated_at = $1 WHERE id = $2")
            .bind(audit.at.as_millis())
            .bind(id.to_string())
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        Self::append(
            &mut tx,
            audit,
            &event(AuditAction::ReferralUpdatePosted, ObjectKind::Referral, id),
        )
        .await?;
        tx.commit().await.map_err(db_error)
    }

    pub(crate) async fn save_sop_template(
        pool: &Pool<D::Db>,
        audit: &AuditContext,
        scope: &OrgScope,
        stage: Stage,
        steps: &[SopStep],
    ) -> StoreResult<SopTemplate> {
        let mut tx = Self::begin(pool).await?;
        // Locks the organisation's row so two administrators saving at once
        // get consecutive versions instead of a key conflict.
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT id FROM organisations WHERE id = $1{}",
            D::FOR_UPDATE
        )))
        .bind(scope.org().to_string())
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_error)?
        .ok_or(StoreError::NotFound)?;
        let latest: Option<i64> = sqlx::query_scalar(
            "SELECT MAX(version) FROM sop_templates WHERE org_id = $1 AND stage = $2",
        )
        .bind(scope.org().to_string())
        .bind(stage.as_str())
        .fetch_one(&mut *tx)
        .await
        .map_err(db_error)?;
        let version = latest.unwrap_or(0) + 1;
        sqlx::query(
            "INSERT INTO sop_templates (org_id, stage, version, steps, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(scope.org().to_string())
        .bind(stage.as_str())
        .bind(version)
        .bind(steps_json(steps)?)
        .bind(audit.actor.map(|a| a.to_string()))
        .bind(audit.at.as_millis())
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        Self::append(
            &mut tx,
            audit,
            &event(
                AuditAction::SopTemplateSaved,
                ObjectKind::SopTemplate,
                format!("{}:{}:{version}", scope.org(), stage.as_str()),
            ),
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        Ok(SopTemplate {
            org: scope.org(),
            stage,
            version,
            steps: steps.to_vec(),
            created_by: audit.actor,
            created_at: audit.at,
        })
    }

    pub(crate) async fn sop_templates(
        pool: &Pool<D::Db>,
        scope: &OrgScope,
    ) -> StoreResult<Vec<SopTemplate>> {
        let mut conn = pool.acquire().await.map_err(db_error)?;
        let rows = sqlx::query(
            "SELECT t.stage, t.version, t.steps, t.created_by, t.created_at FROM sop_templates t \
             WHERE t.org_id = $1 AND t.version = (SELECT MAX(u.version) FROM sop_templates u \
             WHERE u.org_id = t.org_id AND u.stage = t.stage)",
        )
        .bind(scope.org().to_string())
        .fetch_all(&mut *conn)
        .await
        .map_err(db_error)?;
        let mut templates = Vec::with_capacity(rows.len());
        for row in &rows {
            let stage: String = row.try_get("stage").map_err(db_error)?;
            let steps: String = row.try_get("steps").map_err(db_error)?;
            let by: Option<String> = row.try_get("created_by").map_err(db_error)?;
            templates.push(SopTemplate {
                org: scope.org(),
                stage: stored_code("stage", &stage, Stage::parse)?,
                version: row.try_get("version").map_err(db_error)?,
                steps: steps_from_json(&steps)?,
                created_by: stored_opt_id("created_by", by.as_deref())?,
                created_at: retrace_domain::Timestamp::from_millis(
                    row.try_get("created_at").map_err(db_error)?,
                ),
            });
        }
        let order = |stage: Stage| Stage::ALL.iter().position(|s| *s == stage);
        templates.sort_by_key(|t| order(t.stage));
        Ok(templates)
    }

    pub(crate) async fn add_tool(
        pool: &Pool<D::Db>,
        audit: &AuditContext,
        scope: &OrgScope,
        definition: &ToolDefinition,
    ) -> StoreResult<()> {
        let mut tx = Self::begin(pool).await?;
        let taken: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM referral_tools WHERE org_id = $1 AND key = $2",
        )
        .bind(scope.org().to_string())
        .bind(definition.key.as_str())
        .fetch_one(&mut *tx)
        .await
        .map_err(db_error)?;
        if taken > 0 {
            return Err(StoreError::Conflict { field: "key" });
        }
        sqlx::query(
            "INSERT INTO referral_tools (org_id, key, definition, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(scope.org().to_string())
        .bind(definition.key.as_str())
        .bind(tool_json(definition)?)
        .bind(audit.actor.map(|a| a.to_string()))
        .bind(audit.at.as_millis())
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        Self::append(
            &mut tx,
            audit,
            &event(
                AuditAction::ToolAdded,
                ObjectKind::Organisation,
                scope.org(),
            ),
        )
        .await?;
        tx.commit().await.map_err(db_error)
    }

    pub(crate) async fn org_tools(
        pool: &Pool<D::Db>,
        scope: &OrgScope,
    ) -> StoreResult<Vec<ToolDefinition>> {
        let rows: Vec<String> = sqlx::query_scalar(
            "SELECT definition FROM referral_tools WHERE org_id = $1 ORDER BY key",
        )
        .bind(scope.org().to_string())
        .fetch_all(pool)
        .await
        .map_err(db_error)?;
        rows.iter().map(|d| tool_from_json(d)).collect()
    }

    pub(crate) async fn save_tool_entry(
        pool: &Pool<D::Db>,
        audit: &AuditContext,
        scope: &OrgScope,
        referral: ReferralId,
        definition: &ToolDefinition,
        values: &BTreeMap<String, String>,
    ) -> StoreResult<ToolEntry> {
        let mut tx = Self::begin(pool).await?;
        Self::locked_side(&mut tx, referral, scope).await?;
        let id = ToolEntryId::random();
        sqlx::query(
            "INSERT INTO referral_tool_entries (id, referral_id, org_id, tool_key, definition, \
             entry_values, filled_by, filled_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id.to_string())
        .bind(referral.to_string())
        .bind(scope.org().to_string())
        .bind(definition.key.as_str())
        .bind(tool_json(definition)?)
        .bind(crypto::seal(
            crypto::REFERRAL_TOOL_VALUES,
            &id.to_string(),
            &values_json(values)?,
        )?)
        .bind(audit.actor.map(|a| a.to_string()))
        .bind(audit.at.as_millis())
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        Self::append(
            &mut tx,
            audit,
            &event(AuditAction::ToolFilled, ObjectKind::Referral, referral),
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        Ok(ToolEntry {
            id,
            referral,
            tool_key: definition.key.clone(),
            definition: definition.clone(),
            values: values.clone(),
            filled_by: audit.actor,
            filled_at: audit.at,
        })
    }

    pub(crate) async fn tool_entries(
        pool: &Pool<D::Db>,
        scope: &OrgScope,
        referral: ReferralId,
    ) -> StoreResult<Vec<(ToolEntryId, String, retrace_domain::Timestamp)>> {
        let mut conn = pool.acquire().await.map_err(db_error)?;
        Self::load_referral(&mut conn, referral, scope.org(), false)
            .await?
            .ok_or(StoreError::NotFound)?;
        let rows = sqlx::query(
            "SELECT id, tool_key, filled_at FROM referral_tool_entries \
             WHERE referral_id = $1 AND org_id = $2 ORDER BY filled_at DESC, id DESC",
        )
        .bind(referral.to_string())
        .bind(scope.org().to_string())
        .fetch_all(&mut *conn)
        .await
        .map_err(db_error)?;
        rows.iter()
            .map(|row| {
                let id: String = row.try_get("id").map_err(db_error)?;
                let key: String = row.try_get("tool_key").map_err(db_error)?;
                let at: i64 = row.try_get("filled_at").map_err(db_error)?;
                Ok((
                    stored_id("referral_tool_entries.id", &id)?,
                    key,
                    retrace_domain::Timestamp::from_millis(at),
                ))
            })
            .collect()
    }

    /// A filled tool's row (`tool_key`, `definition`, `entry_values`,
    /// `filled_by`, `filled_at`) with its values opened.
    fn tool_entry_row(
        row: &DbRow<D>,
        id: ToolEntryId,
        referral: ReferralId,
    ) -> StoreResult<ToolEntry> {
        let key: String = row.try_get("tool_key").map_err(db_error)?;
        let definition: String = row.try_get("definition").map_err(db_error)?;
        let values: String = row.try_get("entry_values").map_err(db_error)?;
        let values = crypto::open(crypto::REFERRAL_TOOL_VALUES, &id.to_string(), &values)?;
        let by: Option<String> = row.try_get("filled_by").map_err(db_error)?;
        let at: i64 = row.try_get("filled_at").map_err(db_error)?;
        Ok(ToolEntry {
            id,
            referral,
            tool_key: key,
            definition: tool_from_json(&definition)?,
            values: values_from_json(&values)?,
            filled_by: stored_opt_id("filled_by", by.as_deref())?,
            filled_at: retrace_domain::Timestamp::from_millis(at),
        })
    }

    pub(crate) async fn tool_entry(
        pool: &Pool<D::Db>,
        audit: &AuditContext,
        scope: &OrgScope,
        referral: ReferralId,
        id: ToolEntryId,
    ) -> StoreResult<Option<ToolEntry>> {
        let mut tx = Self::begin(pool).await?;
        let row = sqlx::query(
            "SELECT tool_key, definition, entry_values, filled_by, filled_at \
             FROM referral_tool_entries WHERE id = $1 AND referral_id = $2 AND org_id = $3",
        )
        .bind(id.to_string())
        .bind(referral.to_string())
        .bind(scope.org().to_string())
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_error)?;
        let Some(row) = row else {
            return Ok(None);
        };
        let entry = Self::tool_entry_row(&row, id, referral)?;
        Self::append(
            &mut tx,
            audit,
            &event(AuditAction::ToolEntryViewed, ObjectKind::Referral, referral),
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        Ok(Some(entry))
    }
}

#[async_trait]
impl<D> ReferralStore for SqlStore<D>
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
    async fn create_referral(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        new: &NewReferral,
    ) -> StoreResult<Referral> {
        Sql::<D>::create_referral(&self.pool, audit, scope, new).await
    }

    async fn referrals(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        filter: &ReferralFilter,
    ) -> StoreResult<Vec<ReferralSummary>> {
        Sql::<D>::referrals(&self.pool, audit, scope, filter).await
    }

    async fn referral(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        id: ReferralId,
    ) -> StoreResult<Option<ReferralView>> {
        Sql::<D>::referral_view(&self.pool, audit, scope, id).await
    }

    async fn decide_referral(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        id: ReferralId,
        accept: bool,
        reason: Option<&Text>,
    ) -> StoreResult<Referral> {
        Sql::<D>::decide_referral(&self.pool, audit, scope, id, accept, reason).await
    }

    async fn move_referral(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        id: ReferralId,
        change: &StatusMove,
    ) -> StoreResult<Referral> {
        Sql::<D>::move_referral(&self.pool, audit, scope, id, change).await
    }

    async fn change_step(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        id: ReferralId,
        step: ReferralStepId,
        change: &StepChange,
    ) -> StoreResult<ChecklistStep> {
        Sql::<D>::change_step(&self.pool, audit, scope, id, step, change).await
    }

    async fn close_stage(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        id: ReferralId,
        stage: Stage,
    ) -> StoreResult<Referral> {
        Sql::<D>::close_stage(&self.pool, audit, scope, id, stage).await
    }

    async fn post_referral_update(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        id: ReferralId,
        text: &Text,
        shared: bool,
    ) -> StoreResult<()> {
        Sql::<D>::post_referral_update(&self.pool, audit, scope, id, text, shared).await
    }

    async fn save_sop_template(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        stage: Stage,
        steps: &[SopStep],
    ) -> StoreResult<SopTemplate> {
        Sql::<D>::save_sop_template(&self.pool, audit, scope, stage, steps).await
    }

    async fn sop_templates(&self, scope: &OrgScope) -> StoreResult<Vec<SopTemplate>> {
        Sql::<D>::sop_templates(&self.pool, scope).await
    }

    async fn add_tool(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        definition: &ToolDefinition,
    ) -> StoreResult<()> {
        Sql::<D>::add_tool(&self.pool, audit, scope, definition).await
    }

    async fn org_tools(&self, scope: &OrgScope) -> StoreResult<Vec<ToolDefinition>> {
        Sql::<D>::org_tools(&self.pool, scope).await
    }

    async fn save_tool_entry(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        referral: ReferralId,
        definition: &ToolDefinition,
        values: &BTreeMap<String, String>,
    ) -> StoreResult<ToolEntry> {
        Sql::<D>::save_tool_entry(&self.pool, audit, scope, referral, definition, values).await
    }

    async fn tool_entries(
        &self,
        scope: &OrgScope,
        referral: ReferralId,
    ) -> StoreResult<Vec<(ToolEntryId, String, retrace_domain::Timestamp)>> {
        Sql::<D>::tool_entries(&self.pool, scope, referral).await
    }

    async fn tool_entry(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        referral: ReferralId,
        id: ToolEntryId,
    ) -> StoreResult<Option<ToolEntry>> {
        Sql::<D>::tool_entry(&self.pool, audit, scope, referral, id).await
    }
}
