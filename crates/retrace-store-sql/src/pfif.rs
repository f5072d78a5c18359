//! PFIF imports: the registrations and the record of which PFIF
//! `person_record_id` each became, written in one transaction with their
//! audit entries.

use crate::{Conn, DbRow, Dialect, Sql, SqlStore, db_error, event};
use async_trait::async_trait;
use sqlx::migrate::Migrate;
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Pool, Row, Type};

use retrace_domain::{AuditAction, ObjectKind, PersonId, Relationship};
use retrace_store::{
    AuditContext, ImportOutcome, ImportTarget, ImportedPerson, InterchangeStore, NewRequest,
    OpeningConsents, OrgScope, PersonRole, StoreError, StoreResult,
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

    pub(crate) async fn import_pfif_persons(
        pool: &Pool<D::Db>,
        audit: &AuditContext,
        scope: &OrgScope,
        persons: &[ImportedPerson],
    ) -> StoreResult<Vec<ImportOutcome>> {
        let mut tx = Self::begin(pool).await?;
        let mut outcomes = Vec::with_capacity(persons.len());
        for person in persons {
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
                    circumstances,
                } => {
                    let new = NewRequest {
                        enquirer: enquirer.as_ref().clone(),
                        sought: vec![(Relationship::OtherRelative, person.details.clone())],
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
            outcomes.push(ImportOutcome::Created(stored));
        }
        tx.commit().await.map_err(db_error)?;
        Ok(outcomes)
    }
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

    async fn import_pfif_persons(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        persons: &[ImportedPerson],
    ) -> StoreResult<Vec<ImportOutcome>> {
        Sql::<D>::import_pfif_persons(&self.pool, audit, scope, persons).await
    }
}
