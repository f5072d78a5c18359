//! PFIF imports: the registrations and the record of which PFIF
//! `person_record_id` each became, written in one transaction with their
//! audit entries.

use crate::tracing::{NewPersonRow, NewRequestRows};
use crate::{Conn, DbRow, Dialect, Sql, SqlStore, Value, db_error, event, json_values};
use async_trait::async_trait;
use sqlx::migrate::Migrate;
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Pool, Row, Type};
use std::collections::{HashMap, HashSet};

use retrace_domain::{AuditAction, ObjectKind, PersonId};
use retrace_store::{
    AuditContext, AuditEvent, ImportOutcome, ImportTarget, ImportedPerson, InterchangeStore,
    NewRequest, OrgScope, PersonRole, StoreError, StoreResult, backend,
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
    /// A `pfif_records` row's record id and person.
    fn record_and_person(row: &DbRow<D>) -> StoreResult<(String, PersonId)> {
        let record: String = row.try_get("record_id").map_err(db_error)?;
        let person: String = row.try_get("person_id").map_err(db_error)?;
        Ok((record, person_id(&person)?))
    }

    /// The persons imported before under any of `records`, by record id.
    async fn pfif_persons(
        conn: &mut Conn<D>,
        scope: &OrgScope,
        records: &[&str],
    ) -> StoreResult<HashMap<String, PersonId>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT record_id, person_id FROM pfif_records WHERE org_id = $1 AND record_id IN ({})",
            json_values::<D>("$2")
        )))
        .bind(scope.org().to_string())
        .bind(backend::to_json("pfif_records", &records)?)
        .fetch_all(&mut *conn)
        .await
        .map_err(db_error)?;
        rows.iter().map(Self::record_and_person).collect()
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
        rows.iter().map(Self::record_and_person).collect()
    }

    /// Stores the persons not imported before, [`IMPORT_CHUNK`] at a time
    /// (one lookup of the record ids, then each table's rows a few hundred
    /// per statement), all in one transaction.
    pub(crate) async fn import_records(
        pool: &Pool<D::Db>,
        audit: &AuditContext,
        scope: &OrgScope,
        persons: &[ImportedPerson],
        progress: &(dyn Fn(usize) + Send + Sync),
    ) -> StoreResult<Vec<ImportOutcome>> {
        let mut tx = Self::begin(pool).await?;
        if let Some((start, _)) = D::BULK_WRITE {
            sqlx::query(start)
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
        }
        let imported = Self::import_in(&mut tx, audit, scope, persons, progress).await;
        if let Some((_, end)) = D::BULK_WRITE {
            sqlx::query(end).execute(&mut *tx).await.map_err(db_error)?;
        }
        let outcomes = imported?;
        tx.commit().await.map_err(db_error)?;
        progress(persons.len());
        Ok(outcomes)
    }

    async fn import_in(
        tx: &mut Conn<D>,
        audit: &AuditContext,
        scope: &OrgScope,
        persons: &[ImportedPerson],
        progress: &(dyn Fn(usize) + Send + Sync),
    ) -> StoreResult<Vec<ImportOutcome>> {
        let year = backend::reference_year(audit.at)?;
        let mut country = None;
        let mut created: HashMap<&str, PersonId> = HashMap::new();
        let mut outcomes = Vec::with_capacity(persons.len());
        for chunk in persons.chunks(IMPORT_CHUNK) {
            progress(outcomes.len());
            let records: Vec<&str> = chunk.iter().map(|p| p.record_id.as_str()).collect();
            let known = Self::pfif_persons(&mut *tx, scope, &records).await?;
            let mut seen = HashSet::new();
            let new_requests = chunk
                .iter()
                .filter(|p| matches!(p.target, ImportTarget::Request { .. }))
                .filter(|p| !known.contains_key(&p.record_id))
                .filter(|p| !created.contains_key(p.record_id.as_str()))
                .filter(|p| seen.insert(p.record_id.as_str()))
                .count();
            let mut next_number = 0;
            if new_requests > 0 {
                let code = match country {
                    Some(code) => code,
                    None => Self::org_country(&mut *tx, scope.org())
                        .await?
                        .ok_or(StoreError::NotFound)?,
                };
                country = Some(code);
                let count = i64::try_from(new_requests)
                    .map_err(|_| StoreError::Conflict { field: "reference" })?;
                next_number = Self::reserve_references(&mut *tx, code, year, count).await?;
            }
            let mut batch = ImportBatch::default();
            for person in chunk {
                let record = person.record_id.as_str();
                if let Some(known) = known.get(record).or_else(|| created.get(record)) {
                    outcomes.push(ImportOutcome::AlreadyImported(*known));
                    continue;
                }
                let (stored, creation) = match &person.target {
                    ImportTarget::Registration(kind) => {
                        let row = NewPersonRow::new(
                            scope.org(),
                            None,
                            0,
                            PersonRole::Registered(*kind),
                            &person.details,
                            audit,
                        )?;
                        let id = row.stored.id;
                        batch.registrations.push(row);
                        let created =
                            event(AuditAction::RegistrationCreated, ObjectKind::Person, id);
                        (id, created)
                    }
                    ImportTarget::Request {
                        enquirer,
                        relationship,
                        circumstances,
                    } => {
                        let code = country.ok_or(StoreError::NotFound)?;
                        let reference = backend::case_reference(code, year, next_number)?;
                        next_number += 1;
                        let new = NewRequest {
                            enquirer: enquirer.as_ref().clone(),
                            sought: vec![(*relationship, person.details.clone())],
                            circumstances: circumstances.as_ref().clone(),
                        };
                        let rows = NewRequestRows::new(scope.org(), &reference, &new, audit)?;
                        let sought = rows.sought.first().ok_or(StoreError::Corrupt {
                            table: "persons",
                            detail: "an imported request has no sought person".into(),
                        })?;
                        let id = sought.stored.id;
                        let created = event(
                            AuditAction::RequestCreated,
                            ObjectKind::TracingRequest,
                            rows.request.id,
                        );
                        batch.requests.push(rows);
                        (id, created)
                    }
                };
                batch.events.push(creation);
                batch.events.push(event(
                    AuditAction::PersonImported,
                    ObjectKind::Person,
                    stored,
                ));
                if person.created_as_duplicate {
                    batch.events.push(event(
                        AuditAction::ImportDuplicateCreated,
                        ObjectKind::Person,
                        stored,
                    ));
                }
                batch.records.push((person, stored.to_string()));
                created.insert(record, stored);
                outcomes.push(ImportOutcome::Created(stored));
            }
            Self::write_import_batch(&mut *tx, audit, scope, &batch).await?;
        }
        Ok(outcomes)
    }

    async fn write_import_batch(
        conn: &mut Conn<D>,
        audit: &AuditContext,
        scope: &OrgScope,
        batch: &ImportBatch<'_>,
    ) -> StoreResult<()> {
        Self::insert_request_rows(&mut *conn, &batch.requests).await?;
        Self::insert_person_rows(&mut *conn, &batch.registrations).await?;
        let org = scope.org().to_string();
        let by = audit.actor.map(|user| user.to_string());
        let rows: Vec<Vec<Value<'_>>> = batch
            .records
            .iter()
            .map(|(person, stored)| {
                vec![
                    Value::Text(&org),
                    Value::Text(&person.record_id),
                    Value::Text(stored),
                    Value::MaybeText(person.source.name.as_deref()),
                    Value::MaybeText(person.source.url.as_deref()),
                    Value::MaybeText(person.source.date.as_deref()),
                    Value::Int(audit.at.as_millis()),
                    Value::MaybeText(by.as_deref()),
                ]
            })
            .collect();
        Self::insert_rows(
            &mut *conn,
            "INSERT INTO pfif_records (org_id, record_id, person_id, source_name, source_url, \
             source_date, imported_at, imported_by)",
            &rows,
        )
        .await?;
        Self::append_many(conn, audit, &batch.events).await
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

/// Records written per batch, between two calls of an import's progress
/// callback.
const IMPORT_CHUNK: usize = 500;

/// The rows of one [`IMPORT_CHUNK`] of an import.
#[derive(Default)]
struct ImportBatch<'a> {
    requests: Vec<NewRequestRows>,
    registrations: Vec<NewPersonRow>,
    /// Each imported person with the id of the person it became.
    records: Vec<(&'a ImportedPerson, String)>,
    events: Vec<AuditEvent>,
}

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
