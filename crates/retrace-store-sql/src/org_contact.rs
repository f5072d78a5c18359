//! An organisation's public contact
//! (`docs/adr/0027-poster-text-and-confirmation.md`).

use crate::{Conn, DbRow, Dialect, Sql, SqlStore, db_error, event};
use async_trait::async_trait;
use retrace_domain::{AuditAction, Email, ObjectKind, OrgId, PublicContact, PublicPhone, Text};
use retrace_store::{AuditContext, OrgContactStore, OrgScope, StoreError, StoreResult};
use sqlx::migrate::Migrate;
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Row, Type};

fn corrupt(detail: &str) -> StoreError {
    StoreError::Corrupt {
        table: "org_public_contacts",
        detail: detail.to_owned(),
    }
}

#[async_trait]
impl<D> OrgContactStore for SqlStore<D>
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
    async fn public_contact(&self, org: OrgId) -> StoreResult<PublicContact> {
        let row =
            sqlx::query("SELECT phone, email, details FROM org_public_contacts WHERE org_id = $1")
                .bind(org.to_string())
                .fetch_optional(&self.pool)
                .await
                .map_err(db_error)?;
        let Some(row) = row else {
            return Ok(PublicContact::default());
        };
        let phone: Option<String> = row.try_get("phone").map_err(db_error)?;
        let email: Option<String> = row.try_get("email").map_err(db_error)?;
        let details: Option<String> = row.try_get("details").map_err(db_error)?;
        Ok(PublicContact {
            phone: phone
                .map(|p| PublicPhone::parse(&p).map_err(|_| corrupt("phone")))
                .transpose()?,
            email: email
                .map(|e| Email::parse(&e).map_err(|_| corrupt("email")))
                .transpose()?,
            details: details
                .map(|d| {
                    Text::parse("details", &d, PublicContact::DETAILS_MAX, true)
                        .map_err(|_| corrupt("details"))
                })
                .transpose()?,
        })
    }

    async fn set_public_contact(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        contact: &PublicContact,
    ) -> StoreResult<()> {
        let mut tx = Sql::<D>::begin(&self.pool).await?;
        let org = scope.org().to_string();
        if contact.is_empty() {
            sqlx::query("DELETE FROM org_public_contacts WHERE org_id = $1")
                .bind(org.as_str())
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
        } else {
            sqlx::query(
                "INSERT INTO org_public_contacts (org_id, phone, email, details, set_at) \
                 VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (org_id) DO UPDATE SET phone = excluded.phone, \
                 email = excluded.email, details = excluded.details, set_at = excluded.set_at",
            )
            .bind(org.as_str())
            .bind(contact.phone.as_ref().map(PublicPhone::as_str))
            .bind(contact.email.as_ref().map(Email::as_str))
            .bind(contact.details.as_ref().map(Text::as_str))
            .bind(audit.at.as_millis())
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        }
        Sql::<D>::append(
            &mut tx,
            audit,
            &event(
                AuditAction::OrgContactSet,
                ObjectKind::Organisation,
                scope.org(),
            ),
        )
        .await?;
        tx.commit().await.map_err(db_error)
    }
}
