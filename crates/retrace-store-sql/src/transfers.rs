//! Transfers of tracing requests. Every change and every read of the
//! shared parts runs in one write transaction with its
//! audit entry. The receiver's view is assembled by
//! `retrace_store::transfers::shared_view`, the same for both backends.

use crate::{Conn, DbRow, Dialect, Sql, SqlStore, db_error, event};
use async_trait::async_trait;
use retrace_store::TransferStore;
use sqlx::migrate::Migrate;
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Type};

use retrace_domain::{
    AuditAction, ObjectKind, OrgId, PersonFlags, PersonId, RequestId, Text, TransferId,
    TransferParties, TransferRefusal, TransferShare, TransferStatus, transfer_decision,
};
use retrace_store::transfers::{refused, share_json, shared_view};
use retrace_store::{
    AuditContext, IncomingTransfer, OrgScope, StoreError, StoreResult, Transfer, TransferRow,
    TransferView,
};
use sqlx::Row;

macro_rules! transfer_select {
    () => {
        "SELECT t.id, t.request_id, r.reference, t.from_org, t.to_org, t.share, t.status, \
         t.reason, t.created_by, t.created_at, t.decided_by, t.decided_at, t.revoked_at \
         FROM transfers t JOIN tracing_requests r ON r.id = t.request_id"
    };
}

/// The receiver's transfers: addressed to it and not revoked.
const TO_RECEIVER: &str = "t.id = $1 AND t.to_org = $2 AND t.status <> 'revoked'";
/// The owner's transfers.
const FROM_OWNER: &str = "t.id = $1 AND t.from_org = $2";

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
    fn transfer(row: &DbRow<D>) -> StoreResult<Transfer> {
        let row = (|| {
            Ok::<_, sqlx::Error>(read_row!(row => TransferRow {
                id, request_id, reference, from_org, to_org, share, status, reason, created_by,
                created_at, decided_by, decided_at, revoked_at
            }))
        })()
        .map_err(db_error)?;
        row.into_transfer()
    }

    /// The transfers `org` made of its `request`, newest first.
    pub(crate) async fn owner_transfers(
        conn: &mut Conn<D>,
        request: RequestId,
        org: OrgId,
    ) -> StoreResult<Vec<Transfer>> {
        let rows = sqlx::query(concat!(
            transfer_select!(),
            " WHERE t.request_id = $1 AND t.from_org = $2 ORDER BY t.created_at DESC, t.id DESC"
        ))
        .bind(request.to_string())
        .bind(org.to_string())
        .fetch_all(&mut *conn)
        .await
        .map_err(db_error)?;
        rows.iter().map(Self::transfer).collect()
    }

    /// One transfer matching `condition` (one of the constants above) for
    /// `org`, locked when `lock`.
    async fn load_transfer(
        conn: &mut Conn<D>,
        condition: &'static str,
        id: TransferId,
        org: OrgId,
        lock: bool,
    ) -> StoreResult<Option<Transfer>> {
        let sql = format!(
            "{} WHERE {condition}{}",
            transfer_select!(),
            if lock { D::FOR_UPDATE_OF_TRANSFER } else { "" }
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id.to_string())
            .bind(org.to_string())
            .fetch_optional(&mut *conn)
            .await
            .map_err(db_error)?;
        row.as_ref().map(Self::transfer).transpose()
    }
}

#[async_trait]
impl<D> TransferStore for SqlStore<D>
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
    async fn transfer_request(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        request_id: RequestId,
        to_org: OrgId,
        share: &TransferShare,
    ) -> StoreResult<Transfer> {
        let mut tx = Sql::<D>::begin(&self.pool).await?;
        // Serialises transfers of one request, so two concurrent ones to the
        // same organisation cannot both pass the check below.
        let owned: Option<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT id FROM tracing_requests WHERE id = $1 AND org_id = $2{}",
            D::FOR_UPDATE
        )))
        .bind(request_id.to_string())
        .bind(scope.org().to_string())
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_error)?;
        if owned.is_none() {
            return Err(StoreError::NotFound);
        }
        let request = Sql::<D>::load_request(&mut tx, scope.org(), request_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let from_country = Sql::<D>::org_country(&mut tx, scope.org())
            .await?
            .ok_or(StoreError::NotFound)?;
        let to_country =
            Sql::<D>::org_country(&mut tx, to_org)
                .await?
                .ok_or(StoreError::Refused {
                    field: "to_org",
                    problem: retrace_domain::Problem::NoSuchOrganisation,
                })?;
        let ledger = Sql::<D>::person_consents(&mut tx, &request.enquirer.id.to_string()).await?;
        let sought: Vec<(PersonId, PersonFlags)> = request
            .sought
            .iter()
            .map(|p| (p.id, p.details.flags))
            .collect();
        transfer_decision(
            TransferParties {
                from_org: scope.org(),
                from_country,
                to_org,
                to_country,
                sought: &sought,
                enquirer_flags: request.enquirer.details.flags,
                enquirer_ledger: retrace_domain::ConsentLedger(&ledger),
            },
            share,
        )
        .map_err(refused)?;
        let active: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM transfers WHERE request_id = $1 AND to_org = $2 \
             AND status IN ('pending', 'accepted')",
        )
        .bind(request_id.to_string())
        .bind(to_org.to_string())
        .fetch_one(&mut *tx)
        .await
        .map_err(db_error)?;
        if active > 0 {
            return Err(refused(TransferRefusal::AlreadyTransferred));
        }
        let id = TransferId::random();
        sqlx::query(
            "INSERT INTO transfers (id, request_id, from_org, to_org, share, status, created_by, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id.to_string())
        .bind(request_id.to_string())
        .bind(scope.org().to_string())
        .bind(to_org.to_string())
        .bind(share_json(share)?)
        .bind(TransferStatus::Pending.as_str())
        .bind(audit.actor.map(|a| a.to_string()))
        .bind(audit.at.as_millis())
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        Sql::<D>::append(
            &mut tx,
            audit,
            &event(AuditAction::RequestTransferred, ObjectKind::Transfer, id),
        )
        .await?;
        let created = Sql::<D>::load_transfer(&mut tx, FROM_OWNER, id, scope.org(), false)
            .await?
            .ok_or(StoreError::NotFound)?;
        tx.commit().await.map_err(db_error)?;
        Ok(created)
    }

    async fn transfers_of_request(
        &self,
        scope: &OrgScope,
        request_id: RequestId,
    ) -> StoreResult<Vec<Transfer>> {
        let mut conn = self.pool.acquire().await.map_err(db_error)?;
        let owned: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM tracing_requests WHERE id = $1 AND org_id = $2",
        )
        .bind(request_id.to_string())
        .bind(scope.org().to_string())
        .fetch_one(&mut *conn)
        .await
        .map_err(db_error)?;
        if owned == 0 {
            return Err(StoreError::NotFound);
        }
        Sql::<D>::owner_transfers(&mut conn, request_id, scope.org()).await
    }

    async fn incoming_transfers(&self, scope: &OrgScope) -> StoreResult<Vec<IncomingTransfer>> {
        let mut conn = self.pool.acquire().await.map_err(db_error)?;
        let rows = sqlx::query(concat!(
            transfer_select!(),
            " WHERE t.to_org = $1 AND t.status <> 'revoked' ORDER BY t.created_at DESC, t.id DESC"
        ))
        .bind(scope.org().to_string())
        .fetch_all(&mut *conn)
        .await
        .map_err(db_error)?;
        rows.iter()
            .map(|row| Sql::<D>::transfer(row).map(|t| t.incoming()))
            .collect()
    }

    async fn transfer(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        id: TransferId,
    ) -> StoreResult<Option<TransferView>> {
        let mut tx = Sql::<D>::begin(&self.pool).await?;
        let Some(found) =
            Sql::<D>::load_transfer(&mut tx, TO_RECEIVER, id, scope.org(), false).await?
        else {
            return Ok(None);
        };
        // The one read of another organisation's request: allowed by the
        // transfer row just read, and narrowed by `shared_view`.
        let Some(request) = Sql::<D>::load_request(&mut tx, found.from_org, found.request).await?
        else {
            return Ok(None);
        };
        let ledger = Sql::<D>::person_consents(&mut tx, &request.enquirer.id.to_string()).await?;
        let to_country = Sql::<D>::org_country(&mut tx, found.to_org)
            .await?
            .ok_or(StoreError::NotFound)?;
        let view = shared_view(found, &request, &ledger, to_country);
        Sql::<D>::append(
            &mut tx,
            audit,
            &event(AuditAction::TransferViewed, ObjectKind::Transfer, id),
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        Ok(Some(view))
    }

    async fn decide_transfer(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        id: TransferId,
        accept: bool,
        reason: Option<&Text>,
    ) -> StoreResult<IncomingTransfer> {
        let mut tx = Sql::<D>::begin(&self.pool).await?;
        let current = Sql::<D>::load_transfer(&mut tx, TO_RECEIVER, id, scope.org(), true)
            .await?
            .ok_or(StoreError::NotFound)?;
        if current.status != TransferStatus::Pending {
            return Err(StoreError::Conflict { field: "status" });
        }
        let (status, action) = if accept {
            (TransferStatus::Accepted, AuditAction::TransferAccepted)
        } else {
            (TransferStatus::Declined, AuditAction::TransferDeclined)
        };
        let done = sqlx::query(
            "UPDATE transfers SET status = $1, reason = $2, decided_by = $3, decided_at = $4 \
             WHERE id = $5 AND status = 'pending'",
        )
        .bind(status.as_str())
        .bind(reason.map(Text::as_str))
        .bind(audit.actor.map(|a| a.to_string()))
        .bind(audit.at.as_millis())
        .bind(id.to_string())
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        if D::rows_affected(&done) != 1 {
            return Err(StoreError::Conflict { field: "status" });
        }
        Sql::<D>::append(&mut tx, audit, &event(action, ObjectKind::Transfer, id)).await?;
        let updated = Sql::<D>::load_transfer(&mut tx, TO_RECEIVER, id, scope.org(), false)
            .await?
            .ok_or(StoreError::NotFound)?;
        tx.commit().await.map_err(db_error)?;
        Ok(updated.incoming())
    }

    async fn revoke_transfer(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        id: TransferId,
    ) -> StoreResult<Transfer> {
        let mut tx = Sql::<D>::begin(&self.pool).await?;
        let current = Sql::<D>::load_transfer(&mut tx, FROM_OWNER, id, scope.org(), true)
            .await?
            .ok_or(StoreError::NotFound)?;
        if current.status == TransferStatus::Revoked {
            return Err(StoreError::Conflict { field: "status" });
        }
        sqlx::query(
            "UPDATE transfers SET status = $1, revoked_by = $2, revoked_at = $3 \
             WHERE id = $4 AND from_org = $5",
        )
        .bind(TransferStatus::Revoked.as_str())
        .bind(audit.actor.map(|a| a.to_string()))
        .bind(audit.at.as_millis())
        .bind(id.to_string())
        .bind(scope.org().to_string())
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        Sql::<D>::append(
            &mut tx,
            audit,
            &event(AuditAction::TransferRevoked, ObjectKind::Transfer, id),
        )
        .await?;
        let updated = Sql::<D>::load_transfer(&mut tx, FROM_OWNER, id, scope.org(), false)
            .await?
            .ok_or(StoreError::NotFound)?;
        tx.commit().await.map_err(db_error)?;
        Ok(updated)
    }
}
