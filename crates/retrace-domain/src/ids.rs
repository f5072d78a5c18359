//! Typed identifiers. Random (UUID v4), never sequential, so an identifier
//! says nothing about how many records exist or when one was made.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

macro_rules! typed_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            pub fn random() -> Self {
                Self(Uuid::new_v4())
            }
            pub fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }
            pub fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = crate::InvalidValue;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s.trim())
                    .map(Self)
                    .map_err(|_| crate::InvalidValue::new(stringify!($name), $crate::Problem::Identifier))
            }
        }
    };
}

typed_id!(
    /// An organisation: a National Society, the ICRC, an IOM mission, an agency, an NGO.
    OrgId
);
typed_id!(
    /// A person who signs in.
    UserId
);
typed_id!(
    /// An API token (the identifier, never the secret).
    ApiTokenId
);
typed_id!(
    /// A tracing request.
    RequestId
);
typed_id!(
    /// A person in a tracing record: enquirer, sought person or registration.
    PersonId
);
typed_id!(
    /// An entry of a person's consent ledger.
    ConsentId
);
typed_id!(
    /// A proposed match between a sought person and another record.
    CandidateId
);
typed_id!(
    /// A family message relayed between enquirer and found person.
    MessageId
);
typed_id!(
    /// A transfer of a tracing request to an organisation in another country.
    TransferId
);
typed_id!(
    /// A Trace the Face gallery entry (staff side; the public sees only its
    /// random reference).
    GalleryEntryId
);
typed_id!(
    /// A bulk export of an organisation's requests; its record holds the
    /// stated reason, which the audit log refers to by this id only.
    ExportId
);
typed_id!(
    /// A security event shown to the platform operator.
    SecurityEventId
);
typed_id!(
    /// An "I have information" report sent by a visitor of the gallery.
    ReportId
);
typed_id!(
    /// A transnational referral of a person from one organisation to another.
    ReferralId
);
typed_id!(
    /// One step of a referral's standard-operating-procedure checklist.
    ReferralStepId
);
typed_id!(
    /// A tool of the referral toolbox filled for a referral.
    ToolEntryId
);
typed_id!(
    /// An entry of the directory of services.
    DirectoryEntryId
);
typed_id!(
    /// A document of the library.
    DocumentId
);
typed_id!(
    /// An outreach session. Made on the phone that recorded it, so a sync
    /// retried after a lost answer names the same session and never
    /// creates a second one.
    OutreachSessionId
);
typed_id!(
    /// A pseudonymous follow-up record, made on the phone when a person
    /// reached asks to be followed up.
    FollowUpId
);
typed_id!(
    /// An edit of an outreach session that arrived after another edit of
    /// the same session: kept aside until a person resolves it.
    OutreachConflictId
);
typed_id!(
    /// A regional network of organisations (issue 14).
    NetworkId
);
typed_id!(
    /// A post in a network: a route change, a funding opportunity, minutes.
    NetworkPostId
);
typed_id!(
    /// A practice of the smart-practices database (issue 14).
    PracticeId
);
