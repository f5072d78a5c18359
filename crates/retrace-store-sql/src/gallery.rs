//! Trace the Face: gallery entries and information reports. Every write
//! runs in one write transaction with its audit entries (rows it depends on
//! locked with the dialect's `FOR_UPDATE`);
//! the publication rule is asked inside that transaction, against the
//! consent ledger as it is at that moment.

use crate::{Conn, DbRow, Dialect, Sql, SqlStore, db_error, event};
use async_trait::async_trait;
use retrace_store::{GalleryStore, crypto};
use sqlx::migrate::Migrate;
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Pool, Type};

use retrace_domain::{
    AuditAction, ConsentLedger, ConsentRecord, EntryStatus, GalleryEntryId, GalleryReference,
    ObjectKind, OrgId, PersonFlags, PublicationDecision, Region, Relationship, ReportId,
    ReportStatus, RequestId, Text, Timestamp, UserId, may_show_in_gallery, publication_decision,
};
use retrace_store::backend::ConsentRow;
use retrace_store::{
    AuditContext, FormStamp, GalleryEntry, InformationReport, MediaTokens, NewGalleryEntry,
    NewReport, OrgScope, PublicEntry, StoreError, StoreResult,
};
use sqlx::Row;
use std::collections::HashMap;

pub(crate) const ENTRY_COLUMNS: &str = "g.id, g.org_id, g.request_id, g.person_id, g.reference, \
     g.relationships, g.region, g.photo_token, g.thumb_token, g.status, g.approvals, \
     g.created_at, g.published_at";

pub(crate) const REPORT_COLUMNS: &str = "x.id, x.org_id, x.request_id, x.entry_id, x.reference, x.message, \
     x.contact, x.language, x.status, x.received_at, x.reviewed_by, x.reviewed_at";

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
    /// Spends a public form's stamp (its nonce) in the form's
    /// transaction: a stamp sends one form. `Conflict { field: "stamp" }`
    /// when it was spent already.
    pub(crate) async fn spend_form_stamp(
        conn: &mut Conn<D>,
        now: Timestamp,
        stamp: &FormStamp,
    ) -> StoreResult<()> {
        sqlx::query("DELETE FROM spent_form_nonces WHERE expires_at < $1")
            .bind(now.as_millis())
            .execute(&mut *conn)
            .await
            .map_err(db_error)?;
        let spent = sqlx::query(
            "INSERT INTO spent_form_nonces (nonce, expires_at) VALUES ($1, $2) \
             ON CONFLICT (nonce) DO NOTHING",
        )
        .bind(&stamp.nonce)
        .bind(stamp.expires_at.as_millis())
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
        if D::rows_affected(&spent) != 1 {
            return Err(StoreError::Conflict { field: "stamp" });
        }
        Ok(())
    }

    fn corrupt(table: &'static str, detail: impl ToString) -> StoreError {
        StoreError::Corrupt {
            table,
            detail: detail.to_string(),
        }
    }

    fn parse_id<T: std::str::FromStr>(table: &'static str, value: &str) -> StoreResult<T> {
        value
            .parse()
            .map_err(|_| Self::corrupt(table, "bad identifier"))
    }

    fn join_relationships(relationships: &[Relationship]) -> String {
        let mut joined = String::from(",");
        for relationship in relationships {
            joined.push_str(relationship.as_str());
            joined.push(',');
        }
        joined
    }

    fn split_relationships(value: &str) -> StoreResult<Vec<Relationship>> {
        value
            .split(',')
            .filter(|part| !part.is_empty())
            .map(|part| Relationship::parse(part).map_err(|e| Self::corrupt("gallery_entries", e)))
            .collect()
    }

    fn join_users(users: &[UserId]) -> String {
        users
            .iter()
            .map(UserId::to_string)
            .collect::<Vec<_>>()
            .join(",")
    }

    fn split_users(value: &str) -> StoreResult<Vec<UserId>> {
        value
            .split(',')
            .filter(|part| !part.is_empty())
            .map(|part| Self::parse_id("gallery_entries", part))
            .collect()
    }

    fn optional_region(value: Option<String>) -> StoreResult<Option<Region>> {
        value
            .map(|code| Region::parse(&code).map_err(|e| Self::corrupt("gallery_entries", e)))
            .transpose()
    }

    pub(crate) fn entry(row: &DbRow<D>) -> StoreResult<GalleryEntry> {
        let text = |name: &str| -> StoreResult<String> { row.try_get(name).map_err(db_error) };
        let status = EntryStatus::parse(&text("status")?)
            .map_err(|e| Self::corrupt("gallery_entries", e))?;
        Ok(GalleryEntry {
            id: Self::parse_id("gallery_entries", &text("id")?)?,
            org: Self::parse_id("gallery_entries", &text("org_id")?)?,
            request: Self::parse_id("gallery_entries", &text("request_id")?)?,
            person: Self::parse_id("gallery_entries", &text("person_id")?)?,
            reference: GalleryReference::parse(&text("reference")?)
                .map_err(|e| Self::corrupt("gallery_entries", e))?,
            relationships: Self::split_relationships(&text("relationships")?)?,
            region: Self::optional_region(row.try_get("region").map_err(db_error)?)?,
            media: MediaTokens {
                photo: text("photo_token")?,
                thumbnail: text("thumb_token")?,
            },
            status,
            approvals: Self::split_users(&text("approvals")?)?,
            created_at: Timestamp::from_millis(row.try_get("created_at").map_err(db_error)?),
            published_at: row
                .try_get::<Option<i64>, _>("published_at")
                .map_err(db_error)?
                .map(Timestamp::from_millis),
        })
    }

    pub(crate) fn report(row: &DbRow<D>) -> StoreResult<InformationReport> {
        let text = |name: &str| -> StoreResult<String> { row.try_get(name).map_err(db_error) };
        let maybe =
            |name: &str| -> StoreResult<Option<String>> { row.try_get(name).map_err(db_error) };
        let id = text("id")?;
        let contact = crypto::open_opt(crypto::REPORT_CONTACT, &id, maybe("contact")?)?
            .map(|c| Text::optional("contact", &c, 10_000))
            .transpose()
            .map_err(|e| Self::corrupt("information_reports", e))?
            .flatten();
        Ok(InformationReport {
            id: Self::parse_id("information_reports", &id)?,
            org: Self::parse_id("information_reports", &text("org_id")?)?,
            request: Self::parse_id("information_reports", &text("request_id")?)?,
            entry: maybe("entry_id")?
                .map(|id| Self::parse_id("information_reports", &id))
                .transpose()?,
            reference: GalleryReference::parse(&text("reference")?)
                .map_err(|e| Self::corrupt("information_reports", e))?,
            message: Text::optional(
                "message",
                &crypto::open(crypto::REPORT_MESSAGE, &id, &text("message")?)?,
                10_000,
            )
            .map_err(|e| Self::corrupt("information_reports", e))?
            .ok_or_else(|| Self::corrupt("information_reports", "empty message"))?,
            contact,
            language: text("language")?,
            status: ReportStatus::parse(&text("status")?)
                .map_err(|e| Self::corrupt("information_reports", e))?,
            received_at: Timestamp::from_millis(row.try_get("received_at").map_err(db_error)?),
            reviewed_by: maybe("reviewed_by")?
                .map(|id| Self::parse_id("information_reports", &id))
                .transpose()?,
            reviewed_at: row
                .try_get::<Option<i64>, _>("reviewed_at")
                .map_err(db_error)?
                .map(Timestamp::from_millis),
        })
    }

    /// The enquirer's flags and consent ledger, for the publication rule.
    async fn enquirer_standing(
        conn: &mut Conn<D>,
        person: &str,
    ) -> StoreResult<(PersonFlags, Vec<ConsentRecord>)> {
        let row = sqlx::query("SELECT minor, at_risk FROM persons WHERE id = $1")
            .bind(person)
            .fetch_optional(&mut *conn)
            .await
            .map_err(db_error)?
            .ok_or(StoreError::NotFound)?;
        let minor: bool = row.try_get("minor").map_err(db_error)?;
        let at_risk: bool = row.try_get("at_risk").map_err(db_error)?;
        let flags = PersonFlags {
            minor,
            at_risk,
            ..PersonFlags::default()
        };
        let rows = sqlx::query(
            "SELECT id, person_id, purpose, terms, recorded_by, recorded_at, withdrawn_at, \
             withdrawn_by FROM consents WHERE person_id = $1 ORDER BY recorded_at, id",
        )
        .bind(person)
        .fetch_all(&mut *conn)
        .await
        .map_err(db_error)?;
        let mut consents = Vec::with_capacity(rows.len());
        for row in &rows {
            let stored = (|| {
                Ok::<_, sqlx::Error>(read_row!(row => ConsentRow {
                    id, person_id, purpose, terms, recorded_by, recorded_at, withdrawn_at,
                    withdrawn_by
                }))
            })()
            .map_err(db_error)?;
            consents.push(stored.into_record()?);
        }
        Ok((flags, consents))
    }

    async fn load_entry(
        conn: &mut Conn<D>,
        org: OrgId,
        id: GalleryEntryId,
        lock: bool,
    ) -> StoreResult<Option<GalleryEntry>> {
        let sql = format!(
            "SELECT {ENTRY_COLUMNS} FROM gallery_entries g WHERE g.id = $1 AND g.org_id = $2{}",
            if lock { D::FOR_UPDATE } else { "" }
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id.to_string())
            .bind(org.to_string())
            .fetch_optional(&mut *conn)
            .await
            .map_err(db_error)?
            .as_ref()
            .map(Self::entry)
            .transpose()
    }

    fn public_of(entry: &GalleryEntry) -> PublicEntry {
        PublicEntry {
            org: entry.org,
            reference: entry.reference.clone(),
            relationships: entry.relationships.clone(),
            region: entry.region,
            photo: entry.media.photo.clone(),
            thumbnail: entry.media.thumbnail.clone(),
        }
    }

    /// One published entry found by `condition` on `$1`, when the
    /// disclosure rule allows it at this read.
    async fn published_where(
        pool: &Pool<D::Db>,
        condition: &'static str,
        value: &str,
    ) -> StoreResult<Option<GalleryEntry>> {
        let mut tx = crate::begin_with(pool, None).await?;
        let sql = format!(
            "SELECT {ENTRY_COLUMNS} FROM gallery_entries g \
             WHERE {condition} AND g.status = 'published'"
        );
        let found = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(value)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_error)?
            .as_ref()
            .map(Self::entry)
            .transpose()?;
        let allowed = match found {
            Some(entry) if Self::may_be_public(&mut tx, &entry).await? => Some(entry),
            _ => None,
        };
        tx.rollback().await.map_err(db_error)?;
        Ok(allowed)
    }

    /// The entries made for `request` (at most one today).
    pub(crate) async fn entries_of_request(
        conn: &mut Conn<D>,
        request: RequestId,
    ) -> StoreResult<Vec<GalleryEntry>> {
        let sql = format!(
            "SELECT {ENTRY_COLUMNS} FROM gallery_entries g WHERE g.request_id = $1 ORDER BY g.id{}",
            D::FOR_UPDATE
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(request.to_string())
            .fetch_all(&mut *conn)
            .await
            .map_err(db_error)?
            .iter()
            .map(Self::entry)
            .collect()
    }

    /// Deletes an entry (its reports stay with the request) with its audit
    /// entry; the caller deletes the files once committed.
    pub(crate) async fn remove_entry(
        conn: &mut Conn<D>,
        audit: &AuditContext,
        entry: &GalleryEntry,
    ) -> StoreResult<()> {
        sqlx::query("UPDATE information_reports SET entry_id = NULL WHERE entry_id = $1")
            .bind(entry.id.to_string())
            .execute(&mut *conn)
            .await
            .map_err(db_error)?;
        sqlx::query("DELETE FROM gallery_entries WHERE id = $1 AND org_id = $2")
            .bind(entry.id.to_string())
            .bind(entry.org.to_string())
            .execute(&mut *conn)
            .await
            .map_err(db_error)?;
        Self::append(
            conn,
            audit,
            &event(
                AuditAction::GalleryEntryTakenDown,
                ObjectKind::GalleryEntry,
                entry.id,
            ),
        )
        .await
        .map(|_| ())
    }

    async fn load_report(
        conn: &mut Conn<D>,
        org: &str,
        id: ReportId,
    ) -> StoreResult<Option<InformationReport>> {
        let sql = format!(
            "SELECT {REPORT_COLUMNS} FROM information_reports x WHERE x.id = $1 AND x.org_id = $2"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id.to_string())
            .bind(org)
            .fetch_optional(&mut *conn)
            .await
            .map_err(db_error)?
            .as_ref()
            .map(Self::report)
            .transpose()
    }
}

#[async_trait]
impl<D> GalleryStore for SqlStore<D>
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
    /// The public gallery: published entries that the disclosure rule
    /// allows at this read (three queries, whatever the number of entries).
    async fn published_entries(&self) -> StoreResult<Vec<PublicEntry>> {
        let mut tx = crate::begin_with(&self.pool, None).await?;
        let sql = format!(
            "SELECT {ENTRY_COLUMNS} FROM gallery_entries g WHERE g.status = 'published' \
             ORDER BY g.published_at DESC, g.id"
        );
        let entries = sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_all(&mut *tx)
            .await
            .map_err(db_error)?
            .iter()
            .map(Sql::<D>::entry)
            .collect::<StoreResult<Vec<_>>>()?;
        let flags: Vec<(String, String, bool, bool)> = sqlx::query_as(
            "SELECT p.request_id, p.id, p.at_risk, p.minor FROM persons p \
             JOIN gallery_entries g ON g.request_id = p.request_id WHERE g.status = 'published'",
        )
        .fetch_all(&mut *tx)
        .await
        .map_err(db_error)?;
        let consent_rows = sqlx::query(
            "SELECT c.id, c.person_id, c.purpose, c.terms, c.recorded_by, c.recorded_at, \
             c.withdrawn_at, c.withdrawn_by FROM consents c \
             JOIN gallery_entries g ON g.person_id = c.person_id \
             WHERE g.status = 'published' AND c.purpose = 'publication'",
        )
        .fetch_all(&mut *tx)
        .await
        .map_err(db_error)?;
        tx.rollback().await.map_err(db_error)?;
        let consents = consent_rows
            .iter()
            .map(Sql::<D>::consent)
            .collect::<StoreResult<Vec<_>>>()?;
        let mut by_request: HashMap<String, Vec<(String, PersonFlags)>> = HashMap::new();
        for (request, person, at_risk, minor) in flags {
            let flags = PersonFlags {
                at_risk,
                minor,
                ..PersonFlags::default()
            };
            by_request.entry(request).or_default().push((person, flags));
        }
        Ok(entries
            .iter()
            .filter(|entry| {
                let persons = by_request
                    .get(&entry.request.to_string())
                    .map(Vec::as_slice)
                    .unwrap_or_default();
                let subject = entry.person.to_string();
                let Some((_, subject_flags)) = persons.iter().find(|(id, _)| *id == subject) else {
                    return false;
                };
                let ledger: Vec<ConsentRecord> = consents
                    .iter()
                    .filter(|c| c.person == entry.person)
                    .cloned()
                    .collect();
                let named = persons
                    .iter()
                    .filter(|(id, _)| *id != subject)
                    .map(|(_, flags)| *flags);
                may_show_in_gallery(*subject_flags, ConsentLedger(&ledger), named).is_ok()
            })
            .map(Sql::<D>::public_of)
            .collect())
    }

    async fn published_media(&self, token: &str) -> StoreResult<bool> {
        let condition = "(g.photo_token = $1 OR g.thumb_token = $1)";
        Ok(Sql::<D>::published_where(&self.pool, condition, token)
            .await?
            .is_some())
    }

    async fn all_media_tokens(&self) -> StoreResult<Vec<String>> {
        let rows = sqlx::query("SELECT photo_token, thumb_token FROM gallery_entries")
            .fetch_all(&self.pool)
            .await
            .map_err(db_error)?;
        let mut tokens = Vec::with_capacity(rows.len() * 2);
        for row in &rows {
            tokens.push(row.try_get("photo_token").map_err(db_error)?);
            tokens.push(row.try_get("thumb_token").map_err(db_error)?);
        }
        Ok(tokens)
    }

    async fn create_gallery_entry(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        new: &NewGalleryEntry,
    ) -> StoreResult<GalleryEntry> {
        let actor = audit.actor.ok_or(StoreError::ActorRequired)?;
        let mut tx = Sql::<D>::begin(&self.pool).await?;
        let sql = format!(
            "SELECT r.status, p.id AS person_id FROM tracing_requests r \
             JOIN persons p ON p.request_id = r.id AND p.role = 'enquirer' \
             WHERE r.id = $1 AND r.org_id = $2{}",
            D::FOR_UPDATE
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(new.request.to_string())
            .bind(scope.org().to_string())
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_error)?
            .ok_or(StoreError::NotFound)?;
        let status: String = row.try_get("status").map_err(db_error)?;
        let person: String = row.try_get("person_id").map_err(db_error)?;
        if status == "closed" {
            return Err(StoreError::Conflict { field: "status" });
        }
        let existing = sqlx::query("SELECT 1 FROM gallery_entries WHERE request_id = $1")
            .bind(new.request.to_string())
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_error)?;
        if existing.is_some() {
            return Err(StoreError::Conflict { field: "request" });
        }
        if new.relationships.is_empty() {
            return Err(StoreError::Conflict {
                field: "relationships",
            });
        }
        let (flags, consents) = Sql::<D>::enquirer_standing(&mut tx, &person).await?;
        let approvals = vec![actor];
        let (status, published_at) =
            match publication_decision(flags, ConsentLedger(&consents), &approvals) {
                PublicationDecision::Publish => (EntryStatus::Published, Some(audit.at)),
                PublicationDecision::NeedsSecondApproval => (EntryStatus::AwaitingApproval, None),
                PublicationDecision::Refused(refusal) => {
                    return Err(StoreError::PublicationRefused(refusal));
                }
            };
        let id = GalleryEntryId::random();
        sqlx::query(
            "INSERT INTO gallery_entries (id, org_id, request_id, person_id, reference, \
             relationships, region, photo_token, thumb_token, status, approvals, created_at, \
             published_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        )
        .bind(id.to_string())
        .bind(scope.org().to_string())
        .bind(new.request.to_string())
        .bind(&person)
        .bind(new.reference.as_str())
        .bind(Sql::<D>::join_relationships(&new.relationships))
        .bind(new.region.map(Region::as_str))
        .bind(&new.media.photo)
        .bind(&new.media.thumbnail)
        .bind(status.as_str())
        .bind(Sql::<D>::join_users(&approvals))
        .bind(audit.at.as_millis())
        .bind(published_at.map(|t: Timestamp| t.as_millis()))
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        Sql::<D>::append(
            &mut tx,
            audit,
            &event(
                AuditAction::GalleryEntryCreated,
                ObjectKind::GalleryEntry,
                id,
            ),
        )
        .await?;
        let created = Sql::<D>::load_entry(&mut tx, scope.org(), id, false)
            .await?
            .ok_or(StoreError::NotFound)?;
        tx.commit().await.map_err(db_error)?;
        Ok(created)
    }

    async fn approve_gallery_entry(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        id: GalleryEntryId,
    ) -> StoreResult<GalleryEntry> {
        let actor = audit.actor.ok_or(StoreError::ActorRequired)?;
        let mut tx = Sql::<D>::begin(&self.pool).await?;
        let current = Sql::<D>::load_entry(&mut tx, scope.org(), id, true)
            .await?
            .ok_or(StoreError::NotFound)?;
        if current.status == EntryStatus::Published {
            return Err(StoreError::Conflict { field: "status" });
        }
        let (flags, consents) =
            Sql::<D>::enquirer_standing(&mut tx, &current.person.to_string()).await?;
        let mut approvals = current.approvals.clone();
        approvals.push(actor);
        match publication_decision(flags, ConsentLedger(&consents), &approvals) {
            PublicationDecision::Publish => {}
            PublicationDecision::NeedsSecondApproval => {
                return Err(StoreError::PublicationRefused(
                    retrace_domain::PublicationRefusal::SameApprover,
                ));
            }
            PublicationDecision::Refused(refusal) => {
                return Err(StoreError::PublicationRefused(refusal));
            }
        }
        sqlx::query(
            "UPDATE gallery_entries SET status = 'published', approvals = $1, published_at = $2 \
             WHERE id = $3 AND org_id = $4",
        )
        .bind(Sql::<D>::join_users(&approvals))
        .bind(audit.at.as_millis())
        .bind(id.to_string())
        .bind(scope.org().to_string())
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        Sql::<D>::append(
            &mut tx,
            audit,
            &event(
                AuditAction::GalleryEntryApproved,
                ObjectKind::GalleryEntry,
                id,
            ),
        )
        .await?;
        let approved = Sql::<D>::load_entry(&mut tx, scope.org(), id, false)
            .await?
            .ok_or(StoreError::NotFound)?;
        tx.commit().await.map_err(db_error)?;
        Ok(approved)
    }

    async fn gallery_entry(
        &self,
        scope: &OrgScope,
        id: GalleryEntryId,
    ) -> StoreResult<Option<GalleryEntry>> {
        let mut conn = self.pool.acquire().await.map_err(db_error)?;
        Sql::<D>::load_entry(&mut conn, scope.org(), id, false).await
    }

    async fn gallery_entries(&self, scope: &OrgScope) -> StoreResult<Vec<GalleryEntry>> {
        let sql = format!(
            "SELECT {ENTRY_COLUMNS} FROM gallery_entries g WHERE g.org_id = $1 \
             ORDER BY g.created_at DESC, g.id LIMIT 1000"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(scope.org().to_string())
            .fetch_all(&self.pool)
            .await
            .map_err(db_error)?;
        rows.iter().map(Sql::<D>::entry).collect()
    }

    async fn gallery_entry_for_request(
        &self,
        scope: &OrgScope,
        request: RequestId,
    ) -> StoreResult<Option<GalleryEntry>> {
        let sql = format!(
            "SELECT {ENTRY_COLUMNS} FROM gallery_entries g WHERE g.request_id = $1 AND g.org_id = $2"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(request.to_string())
            .bind(scope.org().to_string())
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)?
            .as_ref()
            .map(Sql::<D>::entry)
            .transpose()
    }

    async fn published_entry(
        &self,
        reference: &GalleryReference,
    ) -> StoreResult<Option<PublicEntry>> {
        let found =
            Sql::<D>::published_where(&self.pool, "g.reference = $1", reference.as_str()).await?;
        Ok(found.as_ref().map(Sql::<D>::public_of))
    }

    async fn scoped_media(&self, scope: &OrgScope, token: &str) -> StoreResult<bool> {
        let row = sqlx::query(
            "SELECT 1 AS found FROM gallery_entries WHERE org_id = $2 \
             AND (photo_token = $1 OR thumb_token = $1)",
        )
        .bind(token)
        .bind(scope.org().to_string())
        .fetch_optional(&self.pool)
        .await
        .map_err(db_error)?;
        Ok(row.is_some())
    }

    async fn take_down_gallery(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        id: GalleryEntryId,
    ) -> StoreResult<GalleryEntry> {
        let mut tx = Sql::<D>::begin(&self.pool).await?;
        let entry = Sql::<D>::load_entry(&mut tx, scope.org(), id, true)
            .await?
            .ok_or(StoreError::NotFound)?;
        Sql::<D>::remove_entry(&mut tx, audit, &entry).await?;
        tx.commit().await.map_err(db_error)?;
        Ok(entry)
    }

    async fn create_report(
        &self,
        audit: &AuditContext,
        reference: &GalleryReference,
        new: &NewReport,
        stamp: &FormStamp,
    ) -> StoreResult<ReportId> {
        let mut tx = Sql::<D>::begin(&self.pool).await?;
        Sql::<D>::spend_form_stamp(&mut tx, audit.at, stamp).await?;
        let row = sqlx::query(
            "SELECT id, org_id, request_id FROM gallery_entries \
             WHERE reference = $1 AND status = 'published'",
        )
        .bind(reference.as_str())
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_error)?
        .ok_or(StoreError::NotFound)?;
        let entry_id: String = row.try_get("id").map_err(db_error)?;
        let org_id: String = row.try_get("org_id").map_err(db_error)?;
        let request_id: String = row.try_get("request_id").map_err(db_error)?;
        let id = ReportId::random();
        sqlx::query(
            "INSERT INTO information_reports (id, org_id, request_id, entry_id, reference, message, \
             contact, language, status, received_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'new', $9)",
        )
        .bind(id.to_string())
        .bind(&org_id)
        .bind(&request_id)
        .bind(&entry_id)
        .bind(reference.as_str())
        .bind(crypto::seal(
            crypto::REPORT_MESSAGE,
            &id.to_string(),
            new.message.as_str(),
        )?)
        .bind(crypto::seal_opt(
            crypto::REPORT_CONTACT,
            &id.to_string(),
            new.contact.as_ref().map(Text::as_str),
        )?)
        .bind(&new.language)
        .bind(audit.at.as_millis())
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        let mut owned = audit.clone();
        owned.org = Some(Sql::<D>::parse_id("gallery_entries", &org_id)?);
        Sql::<D>::append(
            &mut tx,
            &owned,
            &event(
                AuditAction::InformationReportReceived,
                ObjectKind::InformationReport,
                id,
            ),
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        Ok(id)
    }

    async fn reports(
        &self,
        scope: &OrgScope,
        status: Option<ReportStatus>,
        limit: u32,
    ) -> StoreResult<Vec<InformationReport>> {
        let sql = format!(
            "SELECT {REPORT_COLUMNS} FROM information_reports x WHERE x.org_id = $1 \
             AND ($2 IS NULL OR x.status = $2) ORDER BY x.received_at DESC, x.id LIMIT $3"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(scope.org().to_string())
            .bind(status.map(ReportStatus::as_str))
            .bind(i64::from(limit.clamp(1, 1000)))
            .fetch_all(&self.pool)
            .await
            .map_err(db_error)?;
        rows.iter().map(Sql::<D>::report).collect()
    }

    async fn report(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        id: ReportId,
    ) -> StoreResult<Option<InformationReport>> {
        let mut tx = Sql::<D>::begin(&self.pool).await?;
        let found = Sql::<D>::load_report(&mut tx, &scope.org().to_string(), id).await?;
        if found.is_some() {
            Sql::<D>::append(
                &mut tx,
                audit,
                &event(
                    AuditAction::InformationReportViewed,
                    ObjectKind::InformationReport,
                    id,
                ),
            )
            .await?;
        }
        tx.commit().await.map_err(db_error)?;
        Ok(found)
    }

    async fn set_report_status(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        id: ReportId,
        status: ReportStatus,
    ) -> StoreResult<InformationReport> {
        let actor = audit.actor.ok_or(StoreError::ActorRequired)?;
        let mut tx = Sql::<D>::begin(&self.pool).await?;
        let org = scope.org().to_string();
        let current = Sql::<D>::load_report(&mut tx, &org, id)
            .await?
            .ok_or(StoreError::NotFound)?;
        if !current.status.may_become(status) {
            return Err(StoreError::Conflict { field: "status" });
        }
        let (by, at) = if status == ReportStatus::New {
            (None, None)
        } else {
            (Some(actor.to_string()), Some(audit.at.as_millis()))
        };
        sqlx::query(
            "UPDATE information_reports SET status = $1, reviewed_by = $2, reviewed_at = $3 \
             WHERE id = $4 AND org_id = $5",
        )
        .bind(status.as_str())
        .bind(by)
        .bind(at)
        .bind(id.to_string())
        .bind(&org)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        Sql::<D>::append(
            &mut tx,
            audit,
            &event(
                AuditAction::InformationReportReviewed,
                ObjectKind::InformationReport,
                id,
            ),
        )
        .await?;
        let updated = Sql::<D>::load_report(&mut tx, &org, id)
            .await?
            .ok_or(StoreError::NotFound)?;
        tx.commit().await.map_err(db_error)?;
        Ok(updated)
    }
}
