//! The audit chain rule. Each entry commits to the one before it: its hash is
//! SHA-256 over the previous entry's hash and the entry's own fields, each
//! length-prefixed so no two different entries can serialise alike. Changing,
//! removing or reordering any entry breaks every hash after it.
//!
//! An entry records who did what to which object and why, never the personal
//! data itself: object ids are opaque identifiers, purposes are free text
//! typed by staff about the reason, not about the person.

use crate::{OrgId, Timestamp, UserId};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ChainHash([u8; 32]);

impl ChainHash {
    /// The hash that the first entry of a chain commits to.
    pub const GENESIS: ChainHash = ChainHash([0; 32]);

    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    pub fn from_hex(value: &str) -> Option<Self> {
        let bytes = hex::decode(value).ok()?;
        let array: [u8; 32] = bytes.try_into().ok()?;
        Some(Self(array))
    }
}

impl fmt::Display for ChainHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

/// What happened. Stored as its snake_case code; codes are never renamed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    OrganisationCreated,
    UserCreated,
    UserRolesChanged,
    UserDisabled,
    UserEnabled,
    PasswordChanged,
    PasswordReset,
    SignedIn,
    SignInFailed,
    AccountLocked,
    SignedOut,
    SecondFactorEnrolled,
    SecondFactorRemoved,
    RecoveryCodeUsed,
    ApiTokenCreated,
    ApiTokenRevoked,
    AuditViewed,
    DemoDataLoaded,
    RequestCreated,
    RequestUpdated,
    RequestViewed,
    RequestsSearched,
    RequestStatusChanged,
    RequestTransferred,
    /// A request was given to a caseworker of its organisation, or taken
    /// back; the object is the request.
    RequestAssigned,
    PersonAdded,
    PersonUpdated,
    PersonViewed,
    RegistrationCreated,
    ConsentRecorded,
    ConsentWithdrawn,
    CandidateProposed,
    CandidateReviewed,
    ReleaseApproved,
    DetailsReleased,
    ReleasedDetailsViewed,
    /// A release hidden again: the sharing consent was withdrawn or the
    /// person became at risk.
    ReleaseWithdrawn,
    MessageDrafted,
    MessageSent,
    MessageDelivered,
    MessageReplied,
    DataExported,
    TransferViewed,
    TransferAccepted,
    TransferDeclined,
    TransferRevoked,
    CandidateRemoved,
    // Trace the Face
    GalleryEntryCreated,
    GalleryEntryApproved,
    GalleryEntryTakenDown,
    InformationReportReceived,
    InformationReportViewed,
    InformationReportReviewed,
    /// A list of persons was read; the object id names the list kind.
    PersonsListed,
    /// A staff member downloaded a gallery photo or thumbnail.
    GalleryPhotoViewed,
    // Transnational referral
    ReferralCreated,
    ReferralViewed,
    ReferralsListed,
    ReferralAccepted,
    ReferralDeclined,
    ReferralStatusChanged,
    ReferralStepTicked,
    ReferralStepSkipped,
    ReferralStageClosed,
    ReferralUpdatePosted,
    SopTemplateSaved,
    ToolAdded,
    ToolFilled,
    ToolEntryViewed,
    // Directory and library (issue 12)
    DirectoryEntryCreated,
    DirectoryEntryUpdated,
    CountryProfileRevised,
    DocumentUploaded,
    // Outreach (issue 13)
    OutreachSessionRecorded,
    OutreachSessionUpdated,
    OutreachSessionViewed,
    OutreachConflictRecorded,
    OutreachConflictResolved,
    OutreachOutcomeRecorded,
    OutreachTopicAdded,
    OutreachStatsExported,
    // Interchange
    /// A person was registered from an imported PFIF record.
    PersonImported,
    /// Persons were written to a PFIF file; the object is the export.
    PfifExported,
    /// An organisation's CSV/XLSX column mapping was saved; the object is
    /// the organisation.
    ImportMappingSaved,
    /// A row of a CSV/XLSX import taken for a duplicate was created all
    /// the same, as the importer chose; the object is the person created.
    ImportDuplicateCreated,
    // Retention and erasure (issue 16)
    /// Everything held on a person was erased; the object is the person.
    PersonErased,
    /// A tracing request was erased with its enquirer.
    RequestErased,
    /// The retention job removed records past their period; the object is
    /// the organisation, the counts are in the purpose.
    RetentionApplied,
    // Networks (issue 14)
    NetworkCreated,
    /// An organisation joined or left a network, or its role there changed;
    /// the object is the network.
    NetworkMemberChanged,
    NetworkPostCreated,
    /// A member followed or unfollowed a kind or a country; the object is
    /// the user.
    NetworkFollowChanged,
    /// An organisation administrator set a retention period; the object is
    /// the organisation, the kind and days are in the purpose.
    RetentionPeriodSet,
    /// An organisation administrator set the public contact shown on the
    /// organisation's gallery entries and posters; the object is the
    /// organisation.
    OrgContactSet,
    /// Everything held on a person was read for a subject-access request;
    /// the object is the person.
    SubjectAccessExported,
    // Smart practices (issue 14)
    /// A member submitted a practice to peer review, or the public sent one
    /// (held for moderation).
    PracticeSubmitted,
    /// A coordinating organisation accepted a held practice into peer
    /// review or declined it; the decision is in the purpose.
    PracticeModerated,
    PracticeReviewed,
    PracticePublished,
    /// Hand-entered pledge indicators of a year were changed; the object
    /// is the organisation, the purpose names the year and the figures.
    IndicatorsEntered,
    /// The organisation's reporting offset from UTC was set.
    ReportingOffsetSet,
    /// A member chose (or stopped) the e-mail digest; the object is the
    /// member's account, the frequency is in the purpose, never the
    /// address.
    DigestPreferenceSet,
}

impl AuditAction {
    pub const ALL: [AuditAction; 102] = [
        AuditAction::OrganisationCreated,
        AuditAction::UserCreated,
        AuditAction::UserRolesChanged,
        AuditAction::UserDisabled,
        AuditAction::UserEnabled,
        AuditAction::PasswordChanged,
        AuditAction::PasswordReset,
        AuditAction::SignedIn,
        AuditAction::SignInFailed,
        AuditAction::AccountLocked,
        AuditAction::SignedOut,
        AuditAction::SecondFactorEnrolled,
        AuditAction::SecondFactorRemoved,
        AuditAction::RecoveryCodeUsed,
        AuditAction::ApiTokenCreated,
        AuditAction::ApiTokenRevoked,
        AuditAction::AuditViewed,
        AuditAction::DemoDataLoaded,
        AuditAction::RequestCreated,
        AuditAction::RequestUpdated,
        AuditAction::RequestViewed,
        AuditAction::RequestsSearched,
        AuditAction::RequestStatusChanged,
        AuditAction::RequestTransferred,
        AuditAction::RequestAssigned,
        AuditAction::PersonAdded,
        AuditAction::PersonUpdated,
        AuditAction::PersonViewed,
        AuditAction::RegistrationCreated,
        AuditAction::ConsentRecorded,
        AuditAction::ConsentWithdrawn,
        AuditAction::CandidateProposed,
        AuditAction::CandidateReviewed,
        AuditAction::ReleaseApproved,
        AuditAction::DetailsReleased,
        AuditAction::ReleasedDetailsViewed,
        AuditAction::ReleaseWithdrawn,
        AuditAction::MessageDrafted,
        AuditAction::MessageSent,
        AuditAction::MessageDelivered,
        AuditAction::MessageReplied,
        AuditAction::DataExported,
        AuditAction::TransferViewed,
        AuditAction::TransferAccepted,
        AuditAction::TransferDeclined,
        AuditAction::TransferRevoked,
        AuditAction::CandidateRemoved,
        AuditAction::GalleryEntryCreated,
        AuditAction::GalleryEntryApproved,
        AuditAction::GalleryEntryTakenDown,
        AuditAction::InformationReportReceived,
        AuditAction::InformationReportViewed,
        AuditAction::InformationReportReviewed,
        AuditAction::PersonsListed,
        AuditAction::GalleryPhotoViewed,
        AuditAction::ReferralCreated,
        AuditAction::ReferralViewed,
        AuditAction::ReferralsListed,
        AuditAction::ReferralAccepted,
        AuditAction::ReferralDeclined,
        AuditAction::ReferralStatusChanged,
        AuditAction::ReferralStepTicked,
        AuditAction::ReferralStepSkipped,
        AuditAction::ReferralStageClosed,
        AuditAction::ReferralUpdatePosted,
        AuditAction::SopTemplateSaved,
        AuditAction::ToolAdded,
        AuditAction::ToolFilled,
        AuditAction::ToolEntryViewed,
        AuditAction::DirectoryEntryCreated,
        AuditAction::DirectoryEntryUpdated,
        AuditAction::CountryProfileRevised,
        AuditAction::DocumentUploaded,
        AuditAction::OutreachSessionRecorded,
        AuditAction::OutreachSessionUpdated,
        AuditAction::OutreachSessionViewed,
        AuditAction::OutreachConflictRecorded,
        AuditAction::OutreachConflictResolved,
        AuditAction::OutreachOutcomeRecorded,
        AuditAction::OutreachTopicAdded,
        AuditAction::OutreachStatsExported,
        AuditAction::PersonImported,
        AuditAction::PfifExported,
        AuditAction::ImportMappingSaved,
        AuditAction::ImportDuplicateCreated,
        AuditAction::PersonErased,
        AuditAction::RequestErased,
        AuditAction::RetentionApplied,
        AuditAction::NetworkCreated,
        AuditAction::NetworkMemberChanged,
        AuditAction::NetworkPostCreated,
        AuditAction::NetworkFollowChanged,
        AuditAction::RetentionPeriodSet,
        AuditAction::OrgContactSet,
        AuditAction::SubjectAccessExported,
        AuditAction::PracticeSubmitted,
        AuditAction::PracticeModerated,
        AuditAction::PracticeReviewed,
        AuditAction::PracticePublished,
        AuditAction::IndicatorsEntered,
        AuditAction::ReportingOffsetSet,
        AuditAction::DigestPreferenceSet,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::OrganisationCreated => "organisation_created",
            AuditAction::UserCreated => "user_created",
            AuditAction::UserRolesChanged => "user_roles_changed",
            AuditAction::UserDisabled => "user_disabled",
            AuditAction::UserEnabled => "user_enabled",
            AuditAction::PasswordChanged => "password_changed",
            AuditAction::PasswordReset => "password_reset",
            AuditAction::SignedIn => "signed_in",
            AuditAction::SignInFailed => "sign_in_failed",
            AuditAction::AccountLocked => "account_locked",
            AuditAction::SignedOut => "signed_out",
            AuditAction::SecondFactorEnrolled => "second_factor_enrolled",
            AuditAction::SecondFactorRemoved => "second_factor_removed",
            AuditAction::RecoveryCodeUsed => "recovery_code_used",
            AuditAction::ApiTokenCreated => "api_token_created",
            AuditAction::ApiTokenRevoked => "api_token_revoked",
            AuditAction::AuditViewed => "audit_viewed",
            AuditAction::DemoDataLoaded => "demo_data_loaded",
            AuditAction::RequestCreated => "request_created",
            AuditAction::RequestUpdated => "request_updated",
            AuditAction::RequestViewed => "request_viewed",
            AuditAction::RequestsSearched => "requests_searched",
            AuditAction::RequestStatusChanged => "request_status_changed",
            AuditAction::RequestTransferred => "request_transferred",
            AuditAction::RequestAssigned => "request_assigned",
            AuditAction::PersonAdded => "person_added",
            AuditAction::PersonUpdated => "person_updated",
            AuditAction::PersonViewed => "person_viewed",
            AuditAction::RegistrationCreated => "registration_created",
            AuditAction::ConsentRecorded => "consent_recorded",
            AuditAction::ConsentWithdrawn => "consent_withdrawn",
            AuditAction::CandidateProposed => "candidate_proposed",
            AuditAction::CandidateReviewed => "candidate_reviewed",
            AuditAction::ReleaseApproved => "release_approved",
            AuditAction::DetailsReleased => "details_released",
            AuditAction::ReleasedDetailsViewed => "released_details_viewed",
            AuditAction::ReleaseWithdrawn => "release_withdrawn",
            AuditAction::MessageDrafted => "message_drafted",
            AuditAction::MessageSent => "message_sent",
            AuditAction::MessageDelivered => "message_delivered",
            AuditAction::MessageReplied => "message_replied",
            AuditAction::DataExported => "data_exported",
            AuditAction::TransferViewed => "transfer_viewed",
            AuditAction::TransferAccepted => "transfer_accepted",
            AuditAction::TransferDeclined => "transfer_declined",
            AuditAction::TransferRevoked => "transfer_revoked",
            AuditAction::CandidateRemoved => "candidate_removed",
            AuditAction::GalleryEntryCreated => "gallery_entry_created",
            AuditAction::GalleryEntryApproved => "gallery_entry_approved",
            AuditAction::GalleryEntryTakenDown => "gallery_entry_taken_down",
            AuditAction::InformationReportReceived => "information_report_received",
            AuditAction::InformationReportViewed => "information_report_viewed",
            AuditAction::InformationReportReviewed => "information_report_reviewed",
            AuditAction::PersonsListed => "persons_listed",
            AuditAction::GalleryPhotoViewed => "gallery_photo_viewed",
            AuditAction::ReferralCreated => "referral_created",
            AuditAction::ReferralViewed => "referral_viewed",
            AuditAction::ReferralsListed => "referrals_listed",
            AuditAction::ReferralAccepted => "referral_accepted",
            AuditAction::ReferralDeclined => "referral_declined",
            AuditAction::ReferralStatusChanged => "referral_status_changed",
            AuditAction::ReferralStepTicked => "referral_step_ticked",
            AuditAction::ReferralStepSkipped => "referral_step_skipped",
            AuditAction::ReferralStageClosed => "referral_stage_closed",
            AuditAction::ReferralUpdatePosted => "referral_update_posted",
            AuditAction::SopTemplateSaved => "sop_template_saved",
            AuditAction::ToolAdded => "tool_added",
            AuditAction::ToolFilled => "tool_filled",
            AuditAction::ToolEntryViewed => "tool_entry_viewed",
            AuditAction::DirectoryEntryCreated => "directory_entry_created",
            AuditAction::DirectoryEntryUpdated => "directory_entry_updated",
            AuditAction::CountryProfileRevised => "country_profile_revised",
            AuditAction::DocumentUploaded => "document_uploaded",
            AuditAction::OutreachSessionRecorded => "outreach_session_recorded",
            AuditAction::OutreachSessionUpdated => "outreach_session_updated",
            AuditAction::OutreachSessionViewed => "outreach_session_viewed",
            AuditAction::OutreachConflictRecorded => "outreach_conflict_recorded",
            AuditAction::OutreachConflictResolved => "outreach_conflict_resolved",
            AuditAction::OutreachOutcomeRecorded => "outreach_outcome_recorded",
            AuditAction::OutreachTopicAdded => "outreach_topic_added",
            AuditAction::OutreachStatsExported => "outreach_stats_exported",
            AuditAction::PersonImported => "person_imported",
            AuditAction::PfifExported => "pfif_exported",
            AuditAction::ImportMappingSaved => "import_mapping_saved",
            AuditAction::ImportDuplicateCreated => "import_duplicate_created",
            AuditAction::PersonErased => "person_erased",
            AuditAction::RequestErased => "request_erased",
            AuditAction::RetentionApplied => "retention_applied",
            AuditAction::NetworkCreated => "network_created",
            AuditAction::NetworkMemberChanged => "network_member_changed",
            AuditAction::NetworkPostCreated => "network_post_created",
            AuditAction::NetworkFollowChanged => "network_follow_changed",
            AuditAction::PracticeSubmitted => "practice_submitted",
            AuditAction::PracticeModerated => "practice_moderated",
            AuditAction::PracticeReviewed => "practice_reviewed",
            AuditAction::PracticePublished => "practice_published",
            AuditAction::RetentionPeriodSet => "retention_period_set",
            AuditAction::OrgContactSet => "org_contact_set",
            AuditAction::SubjectAccessExported => "subject_access_exported",
            AuditAction::IndicatorsEntered => "indicators_entered",
            AuditAction::ReportingOffsetSet => "reporting_offset_set",
            AuditAction::DigestPreferenceSet => "digest_preference_set",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|action| action.as_str() == value)
    }
}

impl fmt::Display for AuditAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The kind of object an entry is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ObjectKind {
    Organisation,
    User,
    ApiToken,
    AuditLog,
    Installation,
    TracingRequest,
    Person,
    Consent,
    Candidate,
    FamilyMessage,
    Transfer,
    GalleryEntry,
    InformationReport,
    Export,
    Referral,
    SopTemplate,
    DirectoryEntry,
    CountryProfile,
    Document,
    OutreachSession,
    OutreachConflict,
    FollowUp,
    OutreachTopic,
    Network,
    NetworkPost,
    Practice,
}

impl ObjectKind {
    pub const ALL: [ObjectKind; 26] = [
        ObjectKind::Organisation,
        ObjectKind::User,
        ObjectKind::ApiToken,
        ObjectKind::AuditLog,
        ObjectKind::Installation,
        ObjectKind::TracingRequest,
        ObjectKind::Person,
        ObjectKind::Consent,
        ObjectKind::Candidate,
        ObjectKind::FamilyMessage,
        ObjectKind::Transfer,
        ObjectKind::GalleryEntry,
        ObjectKind::InformationReport,
        ObjectKind::Export,
        ObjectKind::Referral,
        ObjectKind::SopTemplate,
        ObjectKind::DirectoryEntry,
        ObjectKind::CountryProfile,
        ObjectKind::Document,
        ObjectKind::OutreachSession,
        ObjectKind::OutreachConflict,
        ObjectKind::FollowUp,
        ObjectKind::OutreachTopic,
        ObjectKind::Network,
        ObjectKind::NetworkPost,
        ObjectKind::Practice,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ObjectKind::Organisation => "organisation",
            ObjectKind::User => "user",
            ObjectKind::ApiToken => "api_token",
            ObjectKind::AuditLog => "audit_log",
            ObjectKind::Installation => "installation",
            ObjectKind::TracingRequest => "tracing_request",
            ObjectKind::Person => "person",
            ObjectKind::Consent => "consent",
            ObjectKind::Candidate => "candidate",
            ObjectKind::FamilyMessage => "family_message",
            ObjectKind::Transfer => "transfer",
            ObjectKind::GalleryEntry => "gallery_entry",
            ObjectKind::InformationReport => "information_report",
            ObjectKind::Export => "export",
            ObjectKind::Referral => "referral",
            ObjectKind::SopTemplate => "sop_template",
            ObjectKind::DirectoryEntry => "directory_entry",
            ObjectKind::CountryProfile => "country_profile",
            ObjectKind::Document => "document",
            ObjectKind::OutreachSession => "outreach_session",
            ObjectKind::OutreachConflict => "outreach_conflict",
            ObjectKind::FollowUp => "follow_up",
            ObjectKind::OutreachTopic => "outreach_topic",
            ObjectKind::Network => "network",
            ObjectKind::NetworkPost => "network_post",
            ObjectKind::Practice => "practice",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == value)
    }
}

/// One entry of the audit log as stored, without its own hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRecord {
    /// Position in the chain, from 1, without gaps.
    pub seq: i64,
    pub at: Timestamp,
    /// Who acted; `None` for the system itself (migrations, demo loading).
    pub actor: Option<UserId>,
    /// The organisation on whose behalf the actor acted, if any.
    pub org: Option<OrgId>,
    /// Stored as a code so that an entry written by a newer binary still verifies.
    pub action: String,
    pub object_kind: String,
    pub object_id: String,
    pub purpose: Option<String>,
}

impl AuditRecord {
    /// The hash of this entry given the hash of the entry before it.
    pub fn chain_hash(&self, previous: &ChainHash) -> ChainHash {
        let mut hasher = Sha256::new();
        hasher.update(b"retrace-audit-v1");
        hasher.update(previous.0);
        hasher.update(self.seq.to_be_bytes());
        hasher.update(self.at.as_millis().to_be_bytes());
        let actor = self.actor.map(|id| id.to_string()).unwrap_or_default();
        let org = self.org.map(|id| id.to_string()).unwrap_or_default();
        for field in [
            actor.as_str(),
            org.as_str(),
            self.action.as_str(),
            self.object_kind.as_str(),
            self.object_id.as_str(),
        ] {
            write_field(&mut hasher, Some(field));
        }
        write_field(&mut hasher, self.purpose.as_deref());
        ChainHash(hasher.finalize().into())
    }
}

fn write_field(hasher: &mut Sha256, field: Option<&str>) {
    match field {
        None => hasher.update([0u8]),
        Some(text) => {
            hasher.update([1u8]);
            hasher.update((text.len() as u64).to_be_bytes());
            hasher.update(text.as_bytes());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(seq: i64, purpose: Option<&str>) -> AuditRecord {
        AuditRecord {
            seq,
            at: Timestamp::from_millis(1_700_000_000_000),
            actor: None,
            org: None,
            action: AuditAction::SignedIn.as_str().into(),
            object_kind: ObjectKind::User.as_str().into(),
            object_id: "u1".into(),
            purpose: purpose.map(str::to_owned),
        }
    }

    #[test]
    fn every_field_and_the_previous_hash_change_the_hash() {
        let base = record(1, None).chain_hash(&ChainHash::GENESIS);
        assert_ne!(base, record(2, None).chain_hash(&ChainHash::GENESIS));
        assert_ne!(base, record(1, Some("")).chain_hash(&ChainHash::GENESIS));
        assert_ne!(base, record(1, None).chain_hash(&base));
        assert_eq!(ChainHash::from_hex(&base.to_hex()), Some(base));
    }

    #[test]
    fn action_codes_round_trip() {
        for action in AuditAction::ALL {
            assert_eq!(AuditAction::parse(action.as_str()), Some(action));
        }
    }
}
