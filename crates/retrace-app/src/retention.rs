//! Retention (issue 16, item 1): each organisation's period per kind of
//! record, within the platform operator's limits, and the job that removes
//! what is past its period. A closed request past its period is erased
//! through the erasure of its enquirer ([`crate::privacy::erase_in`]), so
//! every copy goes (index, files, free space). See
//! `docs/adr/0018-retention-erasure-subject-access.md`.

use crate::{Actor, App, AppError, AppResult};
use retrace_domain::{OrgId, RetentionKind, RetentionLimits, RetentionPeriod, Timestamp};
use retrace_store::{AuditContext, OrgScope};
use std::collections::BTreeMap;

/// The platform operator's limits per kind (settings); the platform's own
/// where the operator set none.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RetentionRules {
    limits: BTreeMap<RetentionKind, RetentionLimits>,
}

impl RetentionRules {
    pub fn with_limits(mut self, kind: RetentionKind, limits: RetentionLimits) -> Self {
        self.limits.insert(kind, limits);
        self
    }

    pub fn limits(&self, kind: RetentionKind) -> RetentionLimits {
        self.limits
            .get(&kind)
            .copied()
            .unwrap_or_else(|| kind.platform_limits())
    }
}

/// One kind as an organisation sees it: the limits, what it chose, and
/// the period that applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetentionSetting {
    pub kind: RetentionKind,
    pub limits: RetentionLimits,
    pub chosen_days: Option<u32>,
    pub effective: RetentionPeriod,
}

/// What is past its period for one organisation and kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetentionCount {
    pub org: OrgId,
    pub kind: RetentionKind,
    pub period: RetentionPeriod,
    pub count: u64,
}

/// Every organisation's setting per kind.
async fn settings_by_org(app: &App) -> AppResult<BTreeMap<OrgId, Vec<RetentionSetting>>> {
    let chosen = app.store().chosen_retention_periods().await?;
    let mut by_org = BTreeMap::new();
    for org in app.store().organisations().await? {
        let settings = RetentionKind::ALL
            .into_iter()
            .map(|kind| {
                let limits = app.retention_rules().limits(kind);
                let chosen_days = chosen
                    .iter()
                    .find(|c| c.org == org.id && c.kind == kind)
                    .map(|c| c.days);
                RetentionSetting {
                    kind,
                    limits,
                    chosen_days,
                    effective: limits.effective(chosen_days),
                }
            })
            .collect();
        by_org.insert(org.id, settings);
    }
    Ok(by_org)
}

/// The organisation administrator's view of the organisation's periods.
pub async fn retention_settings(app: &App, actor: &Actor) -> AppResult<Vec<RetentionSetting>> {
    actor.require_org_admin()?;
    Ok(settings_by_org(app)
        .await?
        .remove(&actor.scope().org())
        .unwrap_or_default())
}

/// The organisation administrator sets the period of one kind (its code,
/// as `closed_requests`), in days, within the operator's limits.
pub async fn set_retention_period(
    app: &App,
    actor: &Actor,
    kind: &str,
    days: u32,
) -> AppResult<RetentionPeriod> {
    actor.require_org_admin()?;
    let kind =
        RetentionKind::parse(kind).map_err(|err| AppError::invalid("kind", err.problem()))?;
    let period = app
        .retention_rules()
        .limits(kind)
        .period(days)
        .map_err(|err| AppError::invalid("days", err.problem()))?;
    app.store()
        .set_retention_period(
            &actor.audit(app, "retention settings"),
            &actor.scope(),
            kind,
            period,
        )
        .await?;
    Ok(period)
}

fn cutoff(now: Timestamp, period: RetentionPeriod) -> Timestamp {
    Timestamp::from_millis(
        now.as_millis()
            .saturating_sub(i64::from(period.days()).saturating_mul(86_400_000)),
    )
}

/// What a run at `now` would remove, per organisation and kind (the dry
/// run). Nothing is written, not even to the audit log.
pub async fn retention_due(app: &App, now: Timestamp) -> AppResult<Vec<RetentionCount>> {
    let mut due = Vec::new();
    for (org, settings) in settings_by_org(app).await? {
        let scope = OrgScope::new(org);
        for setting in settings {
            let before = cutoff(now, setting.effective);
            let count = match setting.kind {
                RetentionKind::ClosedRequests => {
                    app.store().expired_requests(&scope, before).await?.len() as u64
                }
                kind => app.store().count_expired(&scope, kind, before).await?,
            };
            due.push(RetentionCount {
                org,
                kind: setting.kind,
                period: setting.effective,
                count,
            });
        }
    }
    Ok(due)
}

/// Removes, at the clock's now, every record past its period, for every
/// organisation: closed requests through erasure, the other kinds in one
/// transaction per organisation with one `retention_applied` audit entry
/// holding the counts. Returns what went, per organisation and kind.
pub async fn apply_retention(app: &App) -> AppResult<Vec<RetentionCount>> {
    let now = app.clock().now();
    let mut removed = Vec::new();
    for (org, settings) in settings_by_org(app).await? {
        let scope = OrgScope::new(org);
        let mut audit = AuditContext::system(now, "retention");
        audit.org = Some(org);
        let mut cutoffs = Vec::new();
        let mut requests = 0u64;
        for setting in &settings {
            let before = cutoff(now, setting.effective);
            if setting.kind == RetentionKind::ClosedRequests {
                for expired in app.store().expired_requests(&scope, before).await? {
                    crate::privacy::erase_in(app, &audit, &scope, expired.enquirer).await?;
                    requests += 1;
                }
                removed.push(RetentionCount {
                    org,
                    kind: setting.kind,
                    period: setting.effective,
                    count: requests,
                });
            } else {
                cutoffs.push((setting.kind, before));
            }
        }
        let counts = app
            .store()
            .remove_expired(&audit, &scope, &cutoffs, requests)
            .await?;
        for (kind, count) in counts {
            if let Some(setting) = settings.iter().find(|s| s.kind == kind) {
                removed.push(RetentionCount {
                    org,
                    kind,
                    period: setting.effective,
                    count,
                });
            }
        }
    }
    app.store().reclaim_free_space().await?;
    Ok(removed)
}
