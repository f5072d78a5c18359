//! Trace the Face: what a public gallery entry may show, its reference code,
//! and the rule that decides whether an enquirer may be published.
//!
//! Key design decision: the public face of an entry is a closed set of
//! values (relationships sought, a broad region, a random reference). There
//! is no free-text public field, so nothing else about the person can leak
//! through the gallery.

use crate::consent::{ConsentBasis, ConsentGiver, ConsentLedger, ConsentPurpose};
use crate::disclosure::{Audience, Withheld, may_disclose};
use crate::person::{PersonFlags, code_enum};
use crate::{InvalidValue, UserId};
use std::fmt;

/// The letters of a gallery reference: no 0/O, 1/I/L, so that a reference
/// read aloud or copied from a poster is not mistaken.
pub const REFERENCE_ALPHABET: &[u8; 31] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
pub const REFERENCE_LENGTH: usize = 8;

/// A random, non-sequential public reference such as `K7QH-3MZP` (shown with
/// a dash, stored without). About 8.5 × 10¹¹ values, so references cannot
/// be enumerated.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GalleryReference(String);

impl GalleryReference {
    /// Builds a reference from random bytes supplied by the caller (this
    /// crate does no I/O and owns no random source). Rejection sampling
    /// keeps every letter equally likely; `None` when the bytes ran out.
    pub fn from_random_bytes(bytes: &[u8]) -> Option<Self> {
        let limit = 256 - (256 % REFERENCE_ALPHABET.len());
        let code: String = bytes
            .iter()
            .filter(|b| usize::from(**b) < limit)
            .take(REFERENCE_LENGTH)
            .filter_map(|b| {
                REFERENCE_ALPHABET
                    .get(usize::from(*b) % REFERENCE_ALPHABET.len())
                    .map(|c| char::from(*c))
            })
            .collect();
        (code.len() == REFERENCE_LENGTH).then_some(Self(code))
    }

    /// Accepts any case, with or without the dash and spaces.
    pub fn parse(value: &str) -> Result<Self, InvalidValue> {
        let code: String = value
            .chars()
            .filter(|c| *c != '-' && !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if code.len() == REFERENCE_LENGTH && code.bytes().all(|b| REFERENCE_ALPHABET.contains(&b)) {
            Ok(Self(code))
        } else {
            Err(InvalidValue::new(
                "reference",
                crate::Problem::GalleryReference,
            ))
        }
    }

    /// The stored form, without the dash.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for GalleryReference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (a, b) = self.0.split_at(self.0.len() / 2);
        write!(f, "{a}-{b}")
    }
}

code_enum!(
    /// The only place information a gallery entry may carry: a broad region.
    Region, "region" {
        WesternEurope => "western_europe",
        NorthernEurope => "northern_europe",
        SouthernEurope => "southern_europe",
        EasternEurope => "eastern_europe",
        NorthAfrica => "north_africa",
        WestAfrica => "west_africa",
        CentralAfrica => "central_africa",
        EastAfrica => "east_africa",
        SouthernAfrica => "southern_africa",
        MiddleEast => "middle_east",
        CentralAsia => "central_asia",
        SouthAsia => "south_asia",
        SoutheastAsia => "southeast_asia",
        EastAsia => "east_asia",
        LatinAmerica => "latin_america",
        NorthAmerica => "north_america",
        Oceania => "oceania",
    }
);

code_enum!(
    /// Where a gallery entry stands. Taken-down entries are deleted, not
    /// kept with a status.
    EntryStatus, "status" {
        AwaitingApproval => "awaiting_approval",
        Published => "published",
    }
);

code_enum!(
    /// Moderation of an "I have information" report.
    ReportStatus, "status" {
        New => "new",
        Useful => "useful",
        Spam => "spam",
        Linked => "linked",
    }
);

impl ReportStatus {
    /// Staff may move a report from anything to a reviewed state, or back
    /// to new; never to the same state.
    pub fn may_become(self, next: ReportStatus) -> bool {
        self != next
    }
}

/// Why an enquirer may not be published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublicationRefusal {
    AtRisk,
    NoPublicationConsent,
    NeedsGuardianConsent,
    SameApprover,
}

impl PublicationRefusal {
    pub fn problem(self) -> crate::Problem {
        use crate::Problem;
        match self {
            PublicationRefusal::AtRisk => Problem::PublicationAtRisk,
            PublicationRefusal::NoPublicationConsent => Problem::NoPublicationConsent,
            PublicationRefusal::NeedsGuardianConsent => Problem::MinorPublicationNeedsGuardian,
            PublicationRefusal::SameApprover => Problem::SameApprover,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublicationDecision {
    Publish,
    NeedsSecondApproval,
    Refused(PublicationRefusal),
}

/// Decides whether the person of `flags`/`ledger` may appear in the public
/// gallery, given the staff who approved so far (in order). Asked again at
/// each step; nothing caches the answer.
pub fn publication_decision(
    flags: PersonFlags,
    ledger: ConsentLedger<'_>,
    approvals: &[UserId],
) -> PublicationDecision {
    match may_disclose(flags, ConsentLedger(ledger.0), Audience::Public) {
        Ok(()) => {}
        Err(Withheld::AtRisk) => return PublicationDecision::Refused(PublicationRefusal::AtRisk),
        Err(Withheld::NoConsent) => {
            return PublicationDecision::Refused(PublicationRefusal::NoPublicationConsent);
        }
    }
    if !flags.minor {
        return PublicationDecision::Publish;
    }
    let guardian = ledger.0.iter().any(|r| {
        r.purpose == ConsentPurpose::Publication
            && r.is_active()
            && matches!(
                r.basis,
                ConsentBasis::Consent {
                    given_by: ConsentGiver::Guardian,
                    ..
                }
            )
    });
    if !guardian {
        return PublicationDecision::Refused(PublicationRefusal::NeedsGuardianConsent);
    }
    let mut distinct = approvals.to_vec();
    distinct.sort();
    distinct.dedup();
    match (approvals.len(), distinct.len()) {
        (_, d) if d >= 2 => PublicationDecision::Publish,
        (n, 1) if n >= 2 => PublicationDecision::Refused(PublicationRefusal::SameApprover),
        _ => PublicationDecision::NeedsSecondApproval,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ConsentId, ConsentMethod, ConsentRecord, PersonId, SharingScope, Timestamp};

    fn consent(given_by: ConsentGiver, withdrawn: bool) -> ConsentRecord {
        ConsentRecord {
            id: ConsentId::random(),
            person: PersonId::random(),
            purpose: ConsentPurpose::Publication,
            basis: ConsentBasis::Consent {
                given_by,
                method: ConsentMethod::Written,
            },
            scope: SharingScope::default(),
            note: None,
            recorded_by: UserId::random(),
            recorded_at: Timestamp::from_millis(1),
            withdrawn_at: withdrawn.then(|| Timestamp::from_millis(2)),
            withdrawn_by: None,
        }
    }

    #[test]
    fn references_are_uniform_unambiguous_and_round_trip() {
        let reference = GalleryReference::from_random_bytes(&[0, 1, 2, 3, 4, 5, 6, 7]).unwrap();
        assert_eq!(reference.as_str(), "23456789");
        assert_eq!(reference.to_string(), "2345-6789");
        assert_eq!(GalleryReference::parse("2345-6789").unwrap(), reference);
        assert_eq!(GalleryReference::parse(" 2345 6789 ").unwrap(), reference);
        assert!(GalleryReference::parse("0000-0000").is_err());
        assert!(GalleryReference::parse("2345-678").is_err());
        // Bytes at or above 248 are skipped, not folded onto low letters.
        assert!(GalleryReference::from_random_bytes(&[255; 8]).is_none());
        let mixed = GalleryReference::from_random_bytes(&[250, 9, 9, 9, 9, 9, 9, 9, 9]).unwrap();
        assert_eq!(mixed.as_str(), "BBBBBBBB");
    }

    #[test]
    fn publication_needs_consent_and_for_minors_a_guardian_and_two_staff() {
        let adult = PersonFlags::default();
        let minor = PersonFlags {
            minor: true,
            ..PersonFlags::default()
        };
        let at_risk = PersonFlags {
            at_risk: true,
            ..PersonFlags::default()
        };
        let active = [consent(ConsentGiver::Person, false)];
        let withdrawn = [consent(ConsentGiver::Person, true)];
        let guardian = [consent(ConsentGiver::Guardian, false)];
        let (a, b) = (UserId::random(), UserId::random());
        use PublicationDecision::*;
        assert_eq!(
            publication_decision(adult, ConsentLedger(&active), &[a]),
            Publish
        );
        assert_eq!(
            publication_decision(adult, ConsentLedger(&withdrawn), &[a]),
            Refused(PublicationRefusal::NoPublicationConsent)
        );
        assert_eq!(
            publication_decision(at_risk, ConsentLedger(&active), &[a]),
            Refused(PublicationRefusal::AtRisk)
        );
        assert_eq!(
            publication_decision(minor, ConsentLedger(&active), &[a, b]),
            Refused(PublicationRefusal::NeedsGuardianConsent)
        );
        assert_eq!(
            publication_decision(minor, ConsentLedger(&guardian), &[a]),
            NeedsSecondApproval
        );
        assert_eq!(
            publication_decision(minor, ConsentLedger(&guardian), &[a, a]),
            Refused(PublicationRefusal::SameApprover)
        );
        assert_eq!(
            publication_decision(minor, ConsentLedger(&guardian), &[a, b]),
            Publish
        );
    }
}
