//! An organisation's public contact (issue 15, item 9): set by its
//! administrator, shown on its gallery entries and posters. Public data,
//! read by organisation id. See `docs/adr/0027-poster-text-and-confirmation.md`.

use crate::{AuditContext, OrgScope, StoreResult};
use async_trait::async_trait;
use retrace_domain::{OrgId, PublicContact};

#[async_trait]
pub trait OrgContactStore: Send + Sync {
    /// The organisation's public contact; empty when none was set.
    async fn public_contact(&self, org: OrgId) -> StoreResult<PublicContact>;

    /// Replaces the scope's public contact (an empty one removes it) and
    /// appends `org_contact_set` (object: the organisation). One
    /// transaction.
    async fn set_public_contact(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        contact: &PublicContact,
    ) -> StoreResult<()>;
}
