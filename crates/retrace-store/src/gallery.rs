//! What the store keeps for Trace the Face: gallery entries (the public
//! face of an enquirer, published with consent) and the "I have
//! information" reports visitors send about them.

use retrace_domain::{
    EntryStatus, GalleryEntryId, GalleryReference, OrgId, PersonId, Region, Relationship, ReportId,
    ReportStatus, RequestId, Text, Timestamp, UserId,
};

/// The names of an entry's stored image files: random tokens, never ids,
/// so that image addresses cannot be guessed or enumerated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaTokens {
    pub photo: String,
    pub thumbnail: String,
}

impl MediaTokens {
    pub fn all(&self) -> [&str; 2] {
        [&self.photo, &self.thumbnail]
    }
}

/// A new entry for the enquirer of `request`. The store checks the consent
/// ledger and flags with `retrace_domain::publication_decision` in the same
/// transaction; the acting staff member is the first approver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewGalleryEntry {
    pub request: RequestId,
    pub reference: GalleryReference,
    pub relationships: Vec<Relationship>,
    pub region: Option<Region>,
    pub media: MediaTokens,
}

/// An entry as staff of the owning organisation see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GalleryEntry {
    pub id: GalleryEntryId,
    pub org: OrgId,
    pub request: RequestId,
    pub person: PersonId,
    pub reference: GalleryReference,
    pub relationships: Vec<Relationship>,
    pub region: Option<Region>,
    pub media: MediaTokens,
    pub status: EntryStatus,
    /// Staff who approved, in order (two for a minor).
    pub approvals: Vec<UserId>,
    pub created_at: Timestamp,
    pub published_at: Option<Timestamp>,
}

/// All the public may know of an entry. Deliberately no id, request,
/// person or date; the organisation only to name it and give its public
/// contact (ADR 0027), never its staff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicEntry {
    pub org: OrgId,
    pub reference: GalleryReference,
    pub relationships: Vec<Relationship>,
    pub region: Option<Region>,
    pub photo: String,
    pub thumbnail: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReport {
    pub message: Text,
    pub contact: Option<Text>,
    /// The language the visitor wrote in (a code of the interface).
    pub language: String,
}

/// The single-use stamp of the public form a report came from: spent in
/// the report's transaction (a second report with it is
/// `Conflict { field: "stamp" }`), remembered until `expires_at`; stamps
/// that expired before the report are forgotten then.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormStamp {
    pub nonce: String,
    pub expires_at: Timestamp,
}

/// A report in the owning organisation's queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InformationReport {
    pub id: ReportId,
    pub org: OrgId,
    pub request: RequestId,
    /// `None` once the entry has been taken down; the report stays with
    /// the request.
    pub entry: Option<GalleryEntryId>,
    pub reference: GalleryReference,
    pub message: Text,
    pub contact: Option<Text>,
    pub language: String,
    pub status: ReportStatus,
    pub received_at: Timestamp,
    pub reviewed_by: Option<UserId>,
    pub reviewed_at: Option<Timestamp>,
}
