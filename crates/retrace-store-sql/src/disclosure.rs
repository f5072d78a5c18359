//! What left the organisation, checked again at every read and withdrawn
//! the moment the disclosure rule no longer allows it.
//!
//! A release keeps the person as they were when released (`releases`):
//! later edits reach the other organisation only through a new release. A
//! change that can narrow what may be disclosed (a person's edit, which
//! may flag them at risk; a consent withdrawn) asks
//! `retrace_domain::may_disclose` in its own transaction and withdraws
//! the releases and takes down the gallery entries that it no longer
//! allows. Every read of a release or of the public gallery asks the rule
//! again, so nothing depends on that having happened.

use crate::{Conn, DbRow, Dialect, Sql, db_error, event};
use retrace_domain::{
    Audience, AuditAction, CandidateId, ConsentLedger, ObjectKind, OrgId, PersonFlags, PersonId,
    Timestamp, may_disclose, may_show_in_gallery,
};
use retrace_store::backend::{self, Side};
use retrace_store::{AuditContext, GalleryEntry, ReleasedPerson, StoreError, StoreResult};
use sqlx::Row;
use sqlx::migrate::Migrate;
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Type};

/// One release of a person to another organisation.
struct ReleaseRow {
    candidate: CandidateId,
    side: Side,
    to_org: OrgId,
    released_at: Timestamp,
    withheld_at: Option<Timestamp>,
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
    fn release_row(row: &DbRow<D>) -> StoreResult<ReleaseRow> {
        let candidate: String = row.try_get("candidate_id").map_err(db_error)?;
        let side: String = row.try_get("side").map_err(db_error)?;
        let to_org: String = row.try_get("to_org").map_err(db_error)?;
        let released_at: i64 = row.try_get("released_at").map_err(db_error)?;
        let withheld_at: Option<i64> = row.try_get("withheld_at").map_err(db_error)?;
        let corrupt = |what: &str| StoreError::Database(format!("releases: invalid {what}"));
        Ok(ReleaseRow {
            candidate: candidate.parse().map_err(|_| corrupt("candidate_id"))?,
            side: match side.as_str() {
                "sought" => Side::Sought,
                "other" => Side::Other,
                _ => return Err(corrupt("side")),
            },
            to_org: to_org.parse().map_err(|_| corrupt("to_org"))?,
            released_at: Timestamp::from_millis(released_at),
            withheld_at: withheld_at.map(Timestamp::from_millis),
        })
    }

    /// Keeps `person` as it is now as what `side` of `candidate` released
    /// to `to_org`; a new release replaces an earlier, withdrawn one.
    pub(crate) async fn record_release(
        conn: &mut Conn<D>,
        candidate: CandidateId,
        side: Side,
        person: PersonId,
        to_org: OrgId,
        at: Timestamp,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO releases (candidate_id, side, person_id, to_org, details, person_version, \
             released_at, withheld_at) \
             SELECT $1, $2, p.id, $3, p.details, p.version, $4, NULL FROM persons p WHERE p.id = $5 \
             ON CONFLICT (candidate_id, side) DO UPDATE SET details = excluded.details, \
             person_version = excluded.person_version, released_at = excluded.released_at, \
             withheld_at = NULL",
        )
        .bind(candidate.to_string())
        .bind(side.prefix())
        .bind(to_org.to_string())
        .bind(at.as_millis())
        .bind(person.to_string())
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
        Ok(())
    }

    /// The rule, asked now, for `person` seen by `to_org`.
    async fn may_see(
        conn: &mut Conn<D>,
        person: PersonId,
        flags: PersonFlags,
        to_org: OrgId,
    ) -> StoreResult<bool> {
        let Some(country) = Self::org_country(conn, to_org).await? else {
            return Ok(false);
        };
        let ledger = Self::person_consents(conn, &person.to_string()).await?;
        let audience = Audience::Organisation {
            org: to_org,
            country,
        };
        Ok(may_disclose(flags, ConsentLedger(&ledger), audience).is_ok())
    }

    /// Hides a release from now on: the other side keeps only the fact and
    /// the time, and a new release (with new approvals) is needed to show
    /// anything again.
    async fn withdraw_release(
        conn: &mut Conn<D>,
        audit: &AuditContext,
        release: &ReleaseRow,
    ) -> StoreResult<()> {
        sqlx::query(
            "UPDATE releases SET withheld_at = $1 \
             WHERE candidate_id = $2 AND side = $3 AND withheld_at IS NULL",
        )
        .bind(audit.at.as_millis())
        .bind(release.candidate.to_string())
        .bind(release.side.prefix())
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
        let sql = format!(
            "UPDATE candidates SET {p}_approvals = $1, {p}_released_at = NULL, updated_at = $2 \
             WHERE id = $3",
            p = release.side.prefix()
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(backend::NO_APPROVALS)
            .bind(audit.at.as_millis())
            .bind(release.candidate.to_string())
            .execute(&mut *conn)
            .await
            .map_err(db_error)?;
        Self::append(
            conn,
            audit,
            &event(
                AuditAction::ReleaseWithdrawn,
                ObjectKind::Candidate,
                release.candidate,
            ),
        )
        .await?;
        Ok(())
    }

    /// After a change to `person` (an edit, a withdrawn consent): withdraws
    /// every release and takes down every gallery entry the rule no longer
    /// allows, in the caller's transaction.
    pub(crate) async fn withhold_what_is_no_longer_allowed(
        conn: &mut Conn<D>,
        audit: &AuditContext,
        person: PersonId,
    ) -> StoreResult<()> {
        let Some(stored) = Self::load_person_any(conn, person).await? else {
            return Ok(());
        };
        let rows = sqlx::query(
            "SELECT candidate_id, side, to_org, released_at, withheld_at FROM releases \
             WHERE person_id = $1 AND withheld_at IS NULL ORDER BY candidate_id, side",
        )
        .bind(person.to_string())
        .fetch_all(&mut *conn)
        .await
        .map_err(db_error)?;
        for row in &rows {
            let release = Self::release_row(row)?;
            if !Self::may_see(conn, person, stored.details.flags, release.to_org).await? {
                Self::withdraw_release(conn, audit, &release).await?;
            }
        }
        if let Some(request) = stored.request {
            for entry in Self::entries_of_request(conn, request).await? {
                if !Self::may_be_public(conn, &entry).await? {
                    Self::remove_entry(conn, audit, &entry).await?;
                }
            }
        }
        Ok(())
    }

    /// The rule for a gallery entry, asked now: its subject may be shown to
    /// the public and nobody in its request is at risk.
    pub(crate) async fn may_be_public(
        conn: &mut Conn<D>,
        entry: &GalleryEntry,
    ) -> StoreResult<bool> {
        let flags: Vec<(String, bool, bool)> = sqlx::query_as(
            "SELECT id, at_risk, minor FROM persons WHERE request_id = $1 ORDER BY position",
        )
        .bind(entry.request.to_string())
        .fetch_all(&mut *conn)
        .await
        .map_err(db_error)?;
        let subject_id = entry.person.to_string();
        let mut subject = None;
        let mut named = Vec::new();
        for (id, at_risk, minor) in flags {
            let person_flags = PersonFlags {
                at_risk,
                minor,
                ..PersonFlags::default()
            };
            if id == subject_id {
                subject = Some(person_flags);
            } else {
                named.push(person_flags);
            }
        }
        let Some(subject) = subject else {
            return Ok(false);
        };
        let ledger = Self::person_consents(conn, &subject_id).await?;
        Ok(may_show_in_gallery(subject, ConsentLedger(&ledger), named).is_ok())
    }

    /// What the other organisation released to `org` through `candidate`,
    /// as the rule allows it at this read. A release the rule no longer
    /// allows is withdrawn here and then, in the caller's transaction.
    pub(crate) async fn released_to(
        conn: &mut Conn<D>,
        audit: &AuditContext,
        candidate: CandidateId,
        side: Side,
        org: OrgId,
    ) -> StoreResult<Option<ReleasedPerson>> {
        let row = sqlx::query(concat!(
            "SELECT r.candidate_id, r.side, r.to_org, r.released_at, r.withheld_at, ",
            "p.id, p.org_id, p.request_id, p.role, p.relationship, p.registration_kind, ",
            "r.details, r.person_version AS version, p.created_at, r.released_at AS updated_at, ",
            "p.at_risk, p.minor ",
            "FROM releases r JOIN persons p ON p.id = r.person_id ",
            "WHERE r.candidate_id = $1 AND r.side = $2 AND r.to_org = $3"
        ))
        .bind(candidate.to_string())
        .bind(side.prefix())
        .bind(org.to_string())
        .fetch_optional(&mut *conn)
        .await
        .map_err(db_error)?;
        let Some(row) = row else {
            return Ok(None);
        };
        let release = Self::release_row(&row)?;
        if let Some(withdrawn_at) = release.withheld_at {
            return Ok(Some(ReleasedPerson::Withdrawn {
                released_at: release.released_at,
                withdrawn_at,
            }));
        }
        let snapshot = Self::person(&row)?;
        let now = PersonFlags {
            at_risk: row.try_get("at_risk").map_err(db_error)?,
            minor: row.try_get("minor").map_err(db_error)?,
            ..PersonFlags::default()
        };
        if !Self::may_see(conn, snapshot.id, now, org).await? {
            Self::withdraw_release(conn, audit, &release).await?;
            return Ok(Some(ReleasedPerson::Withdrawn {
                released_at: release.released_at,
                withdrawn_at: audit.at,
            }));
        }
        Ok(Some(ReleasedPerson::Shown {
            person: Box::new(snapshot),
            released_at: release.released_at,
        }))
    }
}
