//! PFIF imports: the registrations and the record of which PFIF
//! `person_record_id` each became, written in one transaction with their
//! audit entries.

use crate::{Conn, DbRow, Dialect, Sql, SqlStore, db_error, event};
use async_trait::async_trait;
use sqlx::migrate::Migrate;
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Pool, Row, Type};

use retrace_domain::{AuditAction, ObjectKind, PersonId};
use retrace_store::{
    AuditContext, AuditEvent, ImportOutcome, ImportTarget, ImportedPerson, InterchangeStore,
    NewRequest, OpeningConsents, OrgScope, PersonRole, StoreError, StoreResult,
};

/// The person id of a `pfif_records` row.
fn person_id(value: &str) -> StoreResult<PersonId> {
    value.parse().map_err(|_| StoreError::Corrupt {
        table: "pfif_records",
        detail: "person_id is not an identifier".into(),
    })
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
    async fn pfif_person(
        conn: &mut Conn<D>,
        scope: &OrgScope,
        record_id: &str,
    ) -> StoreResult<Option<PersonId>> {
        let row =
            sqlx::query("SELECT person_id FROM pfif_records WHERE org_id = $1 AND record_id = $2")
                .bind(scope.org().to_string())
                .bind(record_id)
                .fetch_optional(&mut *conn)
                .await
                .map_err(db_error)?;
        row.map(|row| {
            let id: String = row.try_get("person_id").map_err(db_error)?;
            person_id(&id)
        })
        .transpose()
    }

    pub(crate) async fn imported_pfif_records(
        pool: &Pool<D::Db>,
        scope: &OrgScope,
    ) -> StoreResult<Vec<(String, PersonId)>> {
        let rows = sqlx::query(
            "SELECT record_id, person_id FROM pfif_records WHERE org_id = $1 ORDER BY record_id",
        )
        .bind(scope.org().to_string())
        .fetch_all(pool)
        .await
        .map_err(db_error)?;
        rows.iter()
            .map(|row| {
                let record: String = row.try_get("record_id").map_err(db_error)?;
                let person: String = row.try_get("person_id").map_err(db_error)?;
                Ok((record, person_id(&person)?))
            })
            .collect()
    }

    pub(crate) async fn import_records(
        pool: &Pool<D::Db>,
        audit: &AuditContext,
        scope: &OrgScope,
        persons: &[ImportedPerson],
        progress: &(dyn Fn(usize) + Send + Sync),
    ) -> StoreResult<Vec<ImportOutcome>> {
        let mut tx = Self::begin(pool).await?;
        let mut outcomes = Vec::with_capacity(persons.len());
        for (done, person) in persons.iter().enumerate() {
            if done % PROGRESS_EVERY == 0 {
                progress(done);
            }
            if let Some(known) = Self::pfif_person(&mut tx, scope, &person.record_id).await? {
                outcomes.push(ImportOutcome::AlreadyImported(known));
                continue;
            }
            let (stored, created) = match &person.target {
                ImportTarget::Registration(kind) => {
                    let stored = Self::insert_person(
                        &mut tx,
                        scope.org(),
                        None,
                        0,
                        PersonRole::Registered(*kind),
                        &person.details,
                        audit,
                    )
                    .await?;
                    (stored.id, AuditAction::RegistrationCreated)
                }
                ImportTarget::Request {
                    enquirer,
                    relationship,
                    circumstances,
                } => {
                    let new = NewRequest {
                        enquirer: enquirer.as_ref().clone(),
                        sought: vec![(*relationship, person.details.clone())],
                        circumstances: circumstances.as_ref().clone(),
                    };
                    let request = Self::insert_request(
                        &mut tx,
                        audit,
                        scope,
                        &new,
                        &OpeningConsents::default(),
                    )
                    .await?;
                    let sought = request.sought.first().ok_or(StoreError::Corrupt {
                        table: "persons",
                        detail: "an imported request has no sought person".into(),
                    })?;
                    (sought.id, AuditAction::RequestCreated)
                }
            };
            sqlx::query(
                "INSERT INTO pfif_records (org_id, record_id, person_id, source_name, source_url, \
                 source_date, imported_at, imported_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(scope.org().to_string())
            .bind(person.record_id.as_str())
            .bind(stored.to_string())
            .bind(person.source.name.as_deref())
            .bind(person.source.url.as_deref())
            .bind(person.source.date.as_deref())
            .bind(audit.at.as_millis())
            .bind(audit.actor.map(|user| user.to_string()))
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
            if created == AuditAction::RegistrationCreated {
                Self::append(&mut tx, audit, &event(created, ObjectKind::Person, stored)).await?;
            }
            let imported = event(AuditAction::PersonImported, ObjectKind::Person, stored);
            Self::append(&mut tx, audit, &imported).await?;
            if person.created_as_duplicate {
                let chosen = event(
                    AuditAction::ImportDuplicateCreated,
                    ObjectKind::Person,
                    stored,
                );
                Self::append(&mut tx, audit, &chosen).await?;
            }
            outcomes.push(ImportOutcome::Created(stored));
        }
        tx.commit().await.map_err(db_error)?;
        progress(persons.len());
        Ok(outcomes)
    }

    pub(crate) async fn csv_mapping(
        pool: &Pool<D::Db>,
        scope: &OrgScope,
        kind: &str,
    ) -> StoreResult<Option<String>> {
        let row =
            sqlx::query("SELECT mapping FROM csv_import_mappings WHERE org_id = $1 AND kind = $2")
                .bind(scope.org().to_string())
                .bind(kind)
                .fetch_optional(pool)
                .await
                .map_err(db_error)?;
        row.map(|row| row.try_get("mapping").map_err(db_error))
            .transpose()
    }

    pub(crate) async fn save_csv_mapping(
        pool: &Pool<D::Db>,
        audit: &AuditContext,
        scope: &OrgScope,
        kind: &str,
        mapping: &str,
    ) -> StoreResult<()> {
        let mut tx = Self::begin(pool).await?;
        sqlx::query(
            "INSERT INTO csv_import_mappings (org_id, kind, mapping, updated_at, updated_by) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (org_id, kind) DO UPDATE \
             SET mapping = excluded.mapping, updated_at = excluded.updated_at, \
             updated_by = excluded.updated_by",
        )
        .bind(scope.org().to_string())
        .bind(kind)
        .bind(mapping)
        .bind(audit.at.as_millis())
        .bind(audit.actor.map(|user| user.to_string()))
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        let saved = AuditEvent {
            action: AuditAction::ImportMappingSaved,
            object_kind: ObjectKind::Organisation,
            object_id: scope.org().to_string(),
        };
        Self::append(&mut tx, audit, &saved).await?;
        tx.commit().await.map_err(db_error)?;
        Ok(())
    }
}

/// Records written between two calls of an import's progress callback.
const PROGRESS_EVERY: usize = 500;

#[async_trait]
impl<D> InterchangeStore for SqlStore<D>
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
    async fn imported_pfif_records(
        &self,
        scope: &OrgScope,
    ) -> StoreResult<Vec<(String, PersonId)>> {
        Sql::<D>::imported_pfif_records(&self.pool, scope).await
    }

    async fn import_records(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        persons: &[ImportedPerson],
        progress: &(dyn Fn(usize) + Send + Sync),
    ) -> StoreResult<Vec<ImportOutcome>> {
        Sql::<D>::import_records(&self.pool, audit, scope, persons, progress).await
    }

    async fn csv_mapping(&self, scope: &OrgScope, kind: &str) -> StoreResult<Option<String>> {
        Sql::<D>::csv_mapping(&self.pool, scope, kind).await
    }

    async fn save_csv_mapping(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        kind: &str,
        mapping: &str,
    ) -> StoreResult<()> {
        Sql::<D>::save_csv_mapping(&self.pool, audit, scope, kind, mapping).await
    }
}
