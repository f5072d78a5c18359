//! Pledge indicators (`docs/adr/0028-pledge-indicators.md`): the reporting
//! offset, the entered figures, and the computed ones, each source counted
//! by one aggregate query. A record belongs to year `y` of its
//! organisation when its instant shifted by the organisation's offset
//! falls in `y`'s bounds at UTC; the bounds of the years asked for are a
//! small derived table bound as parameters, so one query serves one
//! organisation or every member of a network at their own offsets.

use crate::{Conn, DbRow, Dialect, Sql, SqlStore, Value, db_error, event};
use async_trait::async_trait;
use retrace_domain::directory::UtcOffset;
use retrace_domain::indicator::{MAX_YEARS, utc_year_bounds};
use retrace_domain::referral::{Outcome, Stage};
use retrace_domain::{AuditAction, EnteredFigure, Figure, ObjectKind, OrgId, Text};
use retrace_store::{
    AuditContext, FigureValue, IndicatorFigures, IndicatorStore, IndicatorSubject, OrgScope,
    StoreError, StoreResult,
};
use sqlx::migrate::Migrate;
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Row, Type};
use std::collections::BTreeMap;

fn corrupt(detail: String) -> StoreError {
    StoreError::Corrupt {
        table: "indicator_entries",
        detail,
    }
}

/// The shift of a record's instant into its organisation's time, in
/// milliseconds (`o` is the organisation's `org_reporting_offsets` row).
const SHIFT: &str = "COALESCE(o.offset_minutes, 0) * 60000";

/// A subject's organisations, as a condition on `column` over `$1`.
fn subject_filter(subject: IndicatorSubject, column: &str) -> String {
    match subject {
        IndicatorSubject::Org(_) => format!("{column} = $1"),
        IndicatorSubject::Network(_) => {
            format!("{column} IN (SELECT m.org_id FROM network_members m WHERE m.network_id = $1)")
        }
    }
}

fn subject_id(subject: IndicatorSubject) -> String {
    match subject {
        IndicatorSubject::Org(org) => org.to_string(),
        IndicatorSubject::Network(network) => network.to_string(),
    }
}

/// The years asked for with their bounds at UTC, and the instants every
/// record counted lies between (the bounds widened by the largest offsets,
/// so the time indexes narrow the rows read).
struct Years {
    rows: Vec<(i64, i64, i64)>,
    low: i64,
    high: i64,
}

impl Years {
    fn new(from: i32, to: i32) -> Self {
        const FOURTEEN_HOURS: i64 = 14 * 3_600_000;
        let rows: Vec<(i64, i64, i64)> = (from..=to)
            .map(|year| {
                let (start, end) = utc_year_bounds(year);
                (i64::from(year), start, end)
            })
            .collect();
        let low = rows.first().map(|r| r.1).unwrap_or(0) - FOURTEEN_HOURS;
        let high = rows.last().map(|r| r.2).unwrap_or(0) + FOURTEEN_HOURS;
        Self { rows, low, high }
    }

    /// The derived table `y (year, y0, y1)`, its parameters from `$4`
    /// (`$1` is the subject, `$2` and `$3` the outer bounds).
    fn table(&self) -> String {
        let selects: Vec<String> = (0..self.rows.len())
            .map(|i| {
                let n = 4 + 3 * i;
                format!(
                    "SELECT CAST(${n} AS BIGINT) AS year, CAST(${} AS BIGINT) AS y0, \
                     CAST(${} AS BIGINT) AS y1",
                    n + 1,
                    n + 2
                )
            })
            .collect();
        format!("({}) y", selects.join(" UNION ALL "))
    }

    /// `at`, shifted, within a year of the derived table.
    fn within(at: &str) -> String {
        format!("{at} + {SHIFT} >= y.y0 AND {at} + {SHIFT} < y.y1")
    }
}

fn year_of(value: i64) -> StoreResult<i32> {
    i32::try_from(value).map_err(|_| corrupt(format!("year {value}")))
}

#[async_trait]
impl<D> IndicatorStore for SqlStore<D>
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
    async fn reporting_offset(&self, org: OrgId) -> StoreResult<UtcOffset> {
        let minutes: Option<i64> = sqlx::query_scalar(
            "SELECT offset_minutes FROM org_reporting_offsets WHERE org_id = $1",
        )
        .bind(org.to_string())
        .fetch_optional(&self.pool)
        .await
        .map_err(db_error)?;
        let Some(minutes) = minutes else {
            return Ok(UtcOffset::default());
        };
        i16::try_from(minutes)
            .ok()
            .and_then(|m| UtcOffset::from_minutes(m).ok())
            .ok_or_else(|| StoreError::Corrupt {
                table: "org_reporting_offsets",
                detail: format!("offset {minutes}"),
            })
    }

    async fn set_reporting_offset(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        offset: UtcOffset,
    ) -> StoreResult<()> {
        let mut tx = Sql::<D>::begin(&self.pool).await?;
        sqlx::query(
            "INSERT INTO org_reporting_offsets (org_id, offset_minutes, set_at) \
             VALUES ($1, $2, $3) \
             ON CONFLICT (org_id) DO UPDATE SET offset_minutes = excluded.offset_minutes, \
             set_at = excluded.set_at",
        )
        .bind(scope.org().to_string())
        .bind(i64::from(offset.minutes()))
        .bind(audit.at.as_millis())
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        Sql::<D>::append(
            &mut tx,
            audit,
            &event(
                AuditAction::ReportingOffsetSet,
                ObjectKind::Organisation,
                scope.org(),
            ),
        )
        .await?;
        tx.commit().await.map_err(db_error)
    }

    async fn indicator_figures(
        &self,
        subject: IndicatorSubject,
        from: i32,
        to: i32,
    ) -> StoreResult<IndicatorFigures> {
        if to < from || to - from >= MAX_YEARS {
            return Err(StoreError::Refused {
                field: "to",
                problem: retrace_domain::Problem::ReportSpan {
                    max: i64::from(MAX_YEARS),
                },
            });
        }
        let years = Years::new(from, to);
        let table = years.table();
        let id = subject_id(subject);
        let mut counts: BTreeMap<(i32, Figure), i64> = BTreeMap::new();
        // Each query yields (year, what, part, n).
        let queries = [
            // Tracing requests opened.
            format!(
                "SELECT y.year AS year, 'opened' AS what, '' AS part, COUNT(*) AS n \
                 FROM tracing_requests r \
                 LEFT JOIN org_reporting_offsets o ON o.org_id = r.org_id \
                 JOIN {table} ON {within} \
                 WHERE {filter} AND r.created_at >= $2 AND r.created_at < $3 \
                 GROUP BY y.year",
                within = Years::within("r.created_at"),
                filter = subject_filter(subject, "r.org_id"),
            ),
            // Requests reaching located, contact restored or reunited in
            // the year (a closure for those reasons counts as reaching it),
            // each request once per year and status.
            format!(
                "SELECT y.year AS year, \
                 CASE WHEN h.status = 'closed' THEN h.closure_reason ELSE h.status END AS what, \
                 '' AS part, COUNT(DISTINCT h.request_id) AS n \
                 FROM request_status_history h \
                 JOIN tracing_requests r ON r.id = h.request_id \
                 LEFT JOIN org_reporting_offsets o ON o.org_id = r.org_id \
                 JOIN {table} ON {within} \
                 WHERE {filter} AND h.at >= $2 AND h.at < $3 \
                 AND (h.status IN ('located', 'contact_restored', 'reunited') \
                 OR (h.status = 'closed' AND h.closure_reason IN ('contact_restored', 'reunited'))) \
                 GROUP BY y.year, CASE WHEN h.status = 'closed' THEN h.closure_reason ELSE h.status END",
                within = Years::within("h.at"),
                filter = subject_filter(subject, "r.org_id"),
            ),
            // Referrals sent and received, stages closed by the side that
            // works them, referrals closed (by the receiver) by outcome.
            format!(
                "SELECT y.year AS year, a.what AS what, a.part AS part, COUNT(*) AS n FROM (\
                 SELECT r.from_org AS org_id, 'sent' AS what, '' AS part, r.created_at AS at \
                 FROM referrals r WHERE {from_filter} AND r.created_at >= $2 AND r.created_at < $3 \
                 UNION ALL \
                 SELECT r.to_org AS org_id, 'received' AS what, '' AS part, r.created_at AS at \
                 FROM referrals r WHERE {to_filter} AND r.created_at >= $2 AND r.created_at < $3 \
                 UNION ALL \
                 SELECT CASE WHEN e.side = 'sender' THEN r.from_org ELSE r.to_org END AS org_id, \
                 e.kind AS what, COALESCE(e.stage, e.outcome, '') AS part, e.at AS at \
                 FROM referral_events e JOIN referrals r ON r.id = e.referral_id \
                 WHERE e.kind IN ('stage_closed', 'closed') AND e.at >= $2 AND e.at < $3 \
                 AND {side_filter}\
                 ) a \
                 LEFT JOIN org_reporting_offsets o ON o.org_id = a.org_id \
                 JOIN {table} ON {within} \
                 GROUP BY y.year, a.what, a.part",
                from_filter = subject_filter(subject, "r.from_org"),
                to_filter = subject_filter(subject, "r.to_org"),
                side_filter = subject_filter(
                    subject,
                    "(CASE WHEN e.side = 'sender' THEN r.from_org ELSE r.to_org END)"
                ),
                within = Years::within("a.at"),
            ),
            // Outreach sessions and the people they reached.
            format!(
                "SELECT y.year AS year, 'sessions' AS what, '' AS part, COUNT(*) AS n \
                 FROM outreach_sessions s \
                 LEFT JOIN org_reporting_offsets o ON o.org_id = s.org_id \
                 JOIN {table} ON {within} \
                 WHERE {filter} AND s.started_at >= $2 AND s.started_at < $3 \
                 GROUP BY y.year \
                 UNION ALL \
                 SELECT y.year AS year, 'people' AS what, '' AS part, \
                 CAST(COALESCE(SUM(s.people_reached), 0) AS BIGINT) AS n \
                 FROM outreach_sessions s \
                 LEFT JOIN org_reporting_offsets o ON o.org_id = s.org_id \
                 JOIN {table} ON {within} \
                 WHERE {filter} AND s.started_at >= $2 AND s.started_at < $3 \
                 GROUP BY y.year",
                within = Years::within("s.started_at"),
                filter = subject_filter(subject, "s.org_id"),
            ),
            // Gallery entries published and the public's reports received.
            format!(
                "SELECT y.year AS year, a.what AS what, '' AS part, COUNT(*) AS n FROM (\
                 SELECT g.org_id AS org_id, 'published' AS what, g.published_at AS at \
                 FROM gallery_entries g WHERE {entry_filter} AND g.status = 'published' \
                 AND g.published_at >= $2 AND g.published_at < $3 \
                 UNION ALL \
                 SELECT i.org_id AS org_id, 'reports' AS what, i.received_at AS at \
                 FROM information_reports i WHERE {report_filter} \
                 AND i.received_at >= $2 AND i.received_at < $3\
                 ) a \
                 LEFT JOIN org_reporting_offsets o ON o.org_id = a.org_id \
                 JOIN {table} ON {within} \
                 GROUP BY y.year, a.what",
                entry_filter = subject_filter(subject, "g.org_id"),
                report_filter = subject_filter(subject, "i.org_id"),
                within = Years::within("a.at"),
            ),
        ];
        for sql in queries {
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(id.as_str())
                .bind(years.low)
                .bind(years.high);
            for (year, start, end) in &years.rows {
                query = query.bind(*year).bind(*start).bind(*end);
            }
            let rows = query.fetch_all(&self.pool).await.map_err(db_error)?;
            for row in rows {
                let year: i64 = row.try_get("year").map_err(db_error)?;
                let what: String = row.try_get("what").map_err(db_error)?;
                let part: String = row.try_get("part").map_err(db_error)?;
                let n: i64 = row.try_get("n").map_err(db_error)?;
                let figure = computed_figure(&what, &part)
                    .ok_or_else(|| corrupt(format!("computed {what} {part}")))?;
                *counts.entry((year_of(year)?, figure)).or_insert(0) += n;
            }
        }
        let computed = counts
            .into_iter()
            .map(|((year, figure), value)| FigureValue {
                year,
                figure,
                value,
            })
            .collect();
        let entered_sql = match subject {
            IndicatorSubject::Org(_) => "SELECT year, figure, value, note FROM indicator_entries \
                 WHERE org_id = $1 AND year >= $2 AND year <= $3 ORDER BY year, figure"
                .to_owned(),
            IndicatorSubject::Network(_) => format!(
                "SELECT year, figure, CAST(SUM(value) AS BIGINT) AS value, \
                 CAST(NULL AS TEXT) AS note FROM indicator_entries \
                 WHERE {} AND year >= $2 AND year <= $3 GROUP BY year, figure \
                 ORDER BY year, figure",
                subject_filter(subject, "org_id")
            ),
        };
        let rows = sqlx::query(sqlx::AssertSqlSafe(entered_sql))
            .bind(id.as_str())
            .bind(i64::from(from))
            .bind(i64::from(to))
            .fetch_all(&self.pool)
            .await
            .map_err(db_error)?;
        let mut entered = Vec::with_capacity(rows.len());
        for row in rows {
            let year: i64 = row.try_get("year").map_err(db_error)?;
            let code: String = row.try_get("figure").map_err(db_error)?;
            let value: i64 = row.try_get("value").map_err(db_error)?;
            let note: Option<String> = row.try_get("note").map_err(db_error)?;
            let figure = Figure::parse(&code).map_err(|_| corrupt(format!("figure {code}")))?;
            let note = note
                .map(|n| Text::parse("note", &n, 10_000, true))
                .transpose()
                .map_err(|_| corrupt("note".to_owned()))?;
            // A network's sum may pass a member's maximum: saturate.
            let value = u32::try_from(value).unwrap_or(u32::MAX);
            entered.push(
                EnteredFigure::new(year_of(year)?, figure, value, note)
                    .map_err(|_| corrupt(format!("computed figure entered: {code}")))?,
            );
        }
        Ok(IndicatorFigures { computed, entered })
    }

    async fn enter_indicators(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        year: i32,
        figures: &[(Figure, Option<EnteredFigure>)],
    ) -> StoreResult<Vec<Figure>> {
        let org = scope.org().to_string();
        let mut tx = Sql::<D>::begin(&self.pool).await?;
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT figure, value, note FROM indicator_entries \
             WHERE org_id = $1 AND year = $2{}",
            D::FOR_UPDATE
        )))
        .bind(org.as_str())
        .bind(i64::from(year))
        .fetch_all(&mut *tx)
        .await
        .map_err(db_error)?;
        let mut stored: BTreeMap<String, (i64, Option<String>)> = BTreeMap::new();
        for row in rows {
            let code: String = row.try_get("figure").map_err(db_error)?;
            let value: i64 = row.try_get("value").map_err(db_error)?;
            let note: Option<String> = row.try_get("note").map_err(db_error)?;
            stored.insert(code, (value, note));
        }
        let mut changed = Vec::new();
        for (figure, entry) in figures {
            let code = figure.code();
            let now = stored.get(&code);
            let wanted = entry.as_ref().map(|e| {
                (
                    i64::from(e.value),
                    e.note.as_ref().map(|n| n.as_str().to_owned()),
                )
            });
            if now == wanted.as_ref() {
                continue;
            }
            match &wanted {
                None => {
                    sqlx::query(
                        "DELETE FROM indicator_entries WHERE org_id = $1 AND year = $2 \
                         AND figure = $3",
                    )
                    .bind(org.as_str())
                    .bind(i64::from(year))
                    .bind(code.as_str())
                    .execute(&mut *tx)
                    .await
                    .map_err(db_error)?;
                }
                Some((value, note)) => {
                    sqlx::query(
                        "INSERT INTO indicator_entries \
                         (org_id, year, figure, value, note, entered_at, entered_by) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7) \
                         ON CONFLICT (org_id, year, figure) DO UPDATE SET \
                         value = excluded.value, note = excluded.note, \
                         entered_at = excluded.entered_at, entered_by = excluded.entered_by",
                    )
                    .bind(org.as_str())
                    .bind(i64::from(year))
                    .bind(code.as_str())
                    .bind(*value)
                    .bind(note.as_deref())
                    .bind(audit.at.as_millis())
                    .bind(audit.actor.map(|a| a.to_string()))
                    .execute(&mut *tx)
                    .await
                    .map_err(db_error)?;
                }
            }
            changed.push(*figure);
        }
        if changed.is_empty() {
            return Ok(changed);
        }
        let codes: Vec<String> = changed.iter().map(|f| f.code()).collect();
        let detail = format!("{year}: {}", codes.join(", "));
        let audit = AuditContext {
            purpose: Some(match &audit.purpose {
                Some(purpose) if !purpose.is_empty() => format!("{purpose}; {detail}"),
                _ => detail,
            }),
            ..audit.clone()
        };
        Sql::<D>::append(
            &mut tx,
            &audit,
            &event(
                AuditAction::IndicatorsEntered,
                ObjectKind::Organisation,
                scope.org(),
            ),
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        Ok(changed)
    }

    async fn seed_indicators(
        &self,
        audit: &AuditContext,
        entries: &[(OrgId, EnteredFigure)],
    ) -> StoreResult<()> {
        let texts: Vec<(String, String)> = entries
            .iter()
            .map(|(org, entry)| (org.to_string(), entry.figure().code()))
            .collect();
        let rows: Vec<Vec<Value<'_>>> = entries
            .iter()
            .zip(&texts)
            .map(|((_, entry), (org, code))| {
                vec![
                    Value::Text(org),
                    Value::Int(i64::from(entry.year)),
                    Value::Text(code),
                    Value::Int(i64::from(entry.value)),
                    Value::MaybeText(entry.note.as_ref().map(Text::as_str)),
                    Value::Int(audit.at.as_millis()),
                    Value::MaybeText(None),
                ]
            })
            .collect();
        let mut tx = Sql::<D>::begin(&self.pool).await?;
        if !rows.is_empty() {
            Sql::<D>::insert_rows(
                &mut tx,
                "INSERT INTO indicator_entries \
                 (org_id, year, figure, value, note, entered_at, entered_by)",
                &rows,
            )
            .await?;
        }
        let mut seen: Vec<(&str, i32)> = Vec::new();
        for ((_, entry), (org, _)) in entries.iter().zip(&texts) {
            if seen.contains(&(org.as_str(), entry.year)) {
                continue;
            }
            seen.push((org.as_str(), entry.year));
            Sql::<D>::append(
                &mut tx,
                audit,
                &event(
                    AuditAction::IndicatorsEntered,
                    ObjectKind::Organisation,
                    org,
                ),
            )
            .await?;
        }
        tx.commit().await.map_err(db_error)
    }
}

/// The figure of a row of the computed queries.
fn computed_figure(what: &str, part: &str) -> Option<Figure> {
    Some(match what {
        "opened" => Figure::RequestsOpened,
        "located" => Figure::PersonsLocated,
        "contact_restored" => Figure::ContactsRestored,
        "reunited" => Figure::Reunifications,
        "sent" => Figure::ReferralsSent,
        "received" => Figure::ReferralsReceived,
        "stage_closed" => Figure::StagesClosed(Stage::parse(part).ok()?),
        "closed" => Figure::ReferralsClosed(Outcome::parse(part).ok()?),
        "sessions" => Figure::OutreachSessions,
        "people" => Figure::PeopleReached,
        "published" => Figure::GalleryPublished,
        "reports" => Figure::GalleryReports,
        _ => return None,
    })
}
