//! What the store keeps of imports (PFIF feeds, CSV and XLSX files):
//! which registration each imported record id became, per organisation,
//! so that importing the same file again creates nothing twice, and each
//! organisation's saved CSV column mappings.

use crate::{AuditContext, OrgScope, StoreResult};
use async_trait::async_trait;
use retrace_domain::{Circumstances, PersonDetails, PersonId, RegistrationKind, Relationship};

/// Where an imported record came from, as its PFIF fields say.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PfifSource {
    pub name: Option<String>,
    pub url: Option<String>,
    /// PFIF `source_date`, as written in the feed.
    pub date: Option<String>,
}

/// One PFIF person to register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedPerson {
    /// The PFIF `person_record_id`.
    pub record_id: String,
    pub source: PfifSource,
    pub target: ImportTarget,
    pub details: PersonDetails,
    /// The importer chose to create this record although it was taken for
    /// a duplicate (of another row, or of a person the organisation has):
    /// recorded with an `import_duplicate_created` audit entry.
    pub created_as_duplicate: bool,
}

/// What an imported PFIF person becomes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportTarget {
    /// A registration: the person came forward or is believed alive.
    Registration(RegistrationKind),
    /// A tracing request (status `open`) whose enquirer is the record's
    /// author and whose one sought person is the imported person, related
    /// to the enquirer as `relationship` (PFIF: `other_relative`).
    Request {
        enquirer: Box<PersonDetails>,
        relationship: Relationship,
        circumstances: Box<Circumstances>,
    },
}

/// What became of one [`ImportedPerson`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportOutcome {
    /// Registered now.
    Created(PersonId),
    /// Imported before by the same organisation: left as it is.
    AlreadyImported(PersonId),
}

impl ImportOutcome {
    pub fn person(self) -> PersonId {
        match self {
            ImportOutcome::Created(id) | ImportOutcome::AlreadyImported(id) => id,
        }
    }
}

#[async_trait]
pub trait InterchangeStore: Send + Sync {
    /// The PFIF record ids the organisation imported, with the registration
    /// each became, in record id order.
    async fn imported_pfif_records(&self, scope: &OrgScope)
    -> StoreResult<Vec<(String, PersonId)>>;

    /// Registers or opens a request for, in ONE transaction with their
    /// audit entries (`registration_created` or `request_created`, and
    /// `person_imported`, each; `import_duplicate_created` too for a
    /// record created as a duplicate), every person whose record id the
    /// organisation has not imported before; the others are left as they
    /// are. No consent is recorded. The outcomes are in
    /// the order of `persons`; a record id given twice is imported once.
    async fn import_pfif_persons(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        persons: &[ImportedPerson],
    ) -> StoreResult<Vec<ImportOutcome>> {
        self.import_records(audit, scope, persons, &|_| {}).await
    }

    /// [`Self::import_pfif_persons`] for any imported record (CSV rows
    /// too), calling `progress` with the number of records written so far
    /// every few hundred records, inside the one transaction.
    async fn import_records(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        persons: &[ImportedPerson],
        progress: &(dyn Fn(usize) + Send + Sync),
    ) -> StoreResult<Vec<ImportOutcome>>;

    /// The organisation's saved column mapping for `kind` (`requests` or
    /// `registrations`), as the JSON text it was saved as.
    async fn csv_mapping(&self, scope: &OrgScope, kind: &str) -> StoreResult<Option<String>>;

    /// Saves (replaces) the organisation's column mapping for `kind`, with
    /// its `import_mapping_saved` audit entry, in one transaction.
    async fn save_csv_mapping(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        kind: &str,
        mapping: &str,
    ) -> StoreResult<()>;
}
