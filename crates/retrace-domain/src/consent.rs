//! The consent ledger and the disclosure rules that consult it. Matching,
//! sharing, publication and export ask these functions every time; nothing
//! caches their answer.

use crate::disclosure::{Audience, Withheld, may_disclose};
use crate::person::{PersonFlags, Text, code_enum};
use crate::{ConsentId, CountryCode, InvalidValue, OrgId, PersonId, Timestamp, UserId};
use serde::{Deserialize, Serialize};

code_enum!(
    /// What a consent (or lawful basis) covers.
    ConsentPurpose, "purpose" {
        Tracing => "tracing",
        Sharing => "sharing",
        Publication => "publication",
        Authorities => "authorities",
        FaceMatching => "face_matching",
    }
);

code_enum!(
    ConsentGiver, "given_by" {
        Person => "self",
        Guardian => "guardian",
    }
);

code_enum!(
    ConsentMethod, "method" {
        Written => "written",
        Oral => "oral",
        Digital => "digital",
    }
);

code_enum!(
    /// Grounds for processing when consent cannot be asked.
    LawfulBasis, "lawful_basis" {
        VitalInterest => "vital_interest",
        PublicInterest => "public_interest",
    }
);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConsentBasis {
    Consent {
        given_by: ConsentGiver,
        method: ConsentMethod,
    },
    /// Decided by the staff member recorded on the entry.
    Lawful(LawfulBasis),
}

/// For sharing: the organisations and countries the person agreed to.
/// Sharing with anyone else is refused; an empty scope shares with no one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharingScope {
    pub organisations: Vec<OrgId>,
    pub countries: Vec<CountryCode>,
}

impl SharingScope {
    pub fn covers(&self, org: OrgId, country: CountryCode) -> bool {
        self.organisations.contains(&org) || self.countries.contains(&country)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentRecord {
    pub id: ConsentId,
    pub person: PersonId,
    pub purpose: ConsentPurpose,
    pub basis: ConsentBasis,
    pub scope: SharingScope,
    pub note: Option<Text>,
    pub recorded_by: UserId,
    pub recorded_at: Timestamp,
    pub withdrawn_at: Option<Timestamp>,
    pub withdrawn_by: Option<UserId>,
}

impl ConsentRecord {
    pub fn is_active(&self) -> bool {
        self.withdrawn_at.is_none()
    }
}

/// A new ledger entry as staff record it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewConsent {
    pub purpose: ConsentPurpose,
    pub basis: ConsentBasis,
    pub scope: SharingScope,
    pub note: Option<Text>,
}

impl NewConsent {
    /// A guardian's consent is only meaningful for a minor; sharing needs a
    /// scope, and other purposes have none.
    pub fn check(&self, flags: PersonFlags) -> Result<(), InvalidValue> {
        if let ConsentBasis::Consent {
            given_by: ConsentGiver::Guardian,
            ..
        } = self.basis
            && !flags.minor
        {
            return Err(InvalidValue::new(
                "given_by",
                crate::Problem::GuardianOnlyForMinor,
            ));
        }
        if let ConsentBasis::Consent {
            given_by: ConsentGiver::Person,
            ..
        } = self.basis
            && flags.minor
            && self.purpose == ConsentPurpose::Publication
        {
            return Err(InvalidValue::new(
                "given_by",
                crate::Problem::MinorPublicationNeedsGuardian,
            ));
        }
        let has_scope = !self.scope.organisations.is_empty() || !self.scope.countries.is_empty();
        match (self.purpose, has_scope) {
            (ConsentPurpose::Sharing, false) => Err(InvalidValue::new(
                "scope",
                crate::Problem::SharingNeedsScope,
            )),
            (ConsentPurpose::Sharing, true) | (_, false) => Ok(()),
            (_, true) => Err(InvalidValue::new(
                "scope",
                crate::Problem::ScopeOnlyForSharing,
            )),
        }
    }
}

/// A person's ledger, read-only.
#[derive(Debug, Clone, Copy)]
pub struct ConsentLedger<'a>(pub &'a [ConsentRecord]);

impl ConsentLedger<'_> {
    pub fn allows(&self, purpose: ConsentPurpose) -> bool {
        self.0.iter().any(|r| r.purpose == purpose && r.is_active())
    }

    /// True when a tracing consent existed and every one has been withdrawn.
    pub fn tracing_withdrawn(&self) -> bool {
        let tracing: Vec<_> = self
            .0
            .iter()
            .filter(|r| r.purpose == ConsentPurpose::Tracing)
            .collect();
        !tracing.is_empty() && tracing.iter().all(|r| !r.is_active())
    }

    pub fn allows_sharing_with(&self, org: OrgId, country: CountryCode) -> bool {
        self.0.iter().any(|r| {
            r.purpose == ConsentPurpose::Sharing && r.is_active() && r.scope.covers(org, country)
        })
    }
}

/// May this person be proposed as a candidate to, or matched against,
/// another organisation's records? Never when at risk; only with an active
/// tracing consent (or lawful basis).
pub fn may_match_across_organisations(flags: PersonFlags, ledger: ConsentLedger<'_>) -> bool {
    !flags.at_risk && ledger.allows(ConsentPurpose::Tracing)
}

/// What a release of a person's details to another organisation needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReleaseDecision {
    /// The details may be released now.
    Allowed,
    /// A minor: a second, different staff member must approve.
    NeedsSecondApproval,
    Refused(ReleaseRefusal),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReleaseRefusal {
    AtRisk,
    NoSharingConsent,
    SameApprover,
}

impl ReleaseRefusal {
    pub fn problem(self) -> crate::Problem {
        match self {
            ReleaseRefusal::AtRisk => crate::Problem::ReleaseAtRisk,
            ReleaseRefusal::NoSharingConsent => crate::Problem::NoSharingConsent,
            ReleaseRefusal::SameApprover => crate::Problem::SameApprover,
        }
    }
}

/// Decides a release of `flags`/`ledger`'s person to `to_org` in
/// `to_country`, given the staff who approved so far (in order).
pub fn release_decision(
    flags: PersonFlags,
    ledger: ConsentLedger<'_>,
    to_org: OrgId,
    to_country: CountryCode,
    approvals: &[UserId],
) -> ReleaseDecision {
    let audience = Audience::Organisation {
        org: to_org,
        country: to_country,
    };
    match may_disclose(flags, ledger, audience) {
        Ok(()) => {}
        Err(Withheld::AtRisk) => return ReleaseDecision::Refused(ReleaseRefusal::AtRisk),
        Err(Withheld::NoConsent) => {
            return ReleaseDecision::Refused(ReleaseRefusal::NoSharingConsent);
        }
    }
    let mut distinct: Vec<UserId> = approvals.to_vec();
    distinct.sort();
    distinct.dedup();
    if flags.minor {
        match (approvals.len(), distinct.len()) {
            (n, d) if n >= 2 && d >= 2 => ReleaseDecision::Allowed,
            (n, 1) if n >= 2 => ReleaseDecision::Refused(ReleaseRefusal::SameApprover),
            _ => ReleaseDecision::NeedsSecondApproval,
        }
    } else {
        ReleaseDecision::Allowed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(purpose: ConsentPurpose, scope: SharingScope, withdrawn: bool) -> ConsentRecord {
        ConsentRecord {
            id: ConsentId::random(),
            person: PersonId::random(),
            purpose,
            basis: ConsentBasis::Consent {
                given_by: ConsentGiver::Person,
                method: ConsentMethod::Written,
            },
            scope,
            note: None,
            recorded_by: UserId::random(),
            recorded_at: Timestamp::from_millis(1),
            withdrawn_at: withdrawn.then(|| Timestamp::from_millis(2)),
            withdrawn_by: None,
        }
    }

    #[test]
    fn matching_needs_tracing_consent_and_no_risk() {
        let active = [record(
            ConsentPurpose::Tracing,
            SharingScope::default(),
            false,
        )];
        let withdrawn = [record(
            ConsentPurpose::Tracing,
            SharingScope::default(),
            true,
        )];
        let safe = PersonFlags::default();
        let at_risk = PersonFlags {
            at_risk: true,
            ..PersonFlags::default()
        };
        assert!(may_match_across_organisations(safe, ConsentLedger(&active)));
        assert!(!may_match_across_organisations(
            at_risk,
            ConsentLedger(&active)
        ));
        assert!(!may_match_across_organisations(
            safe,
            ConsentLedger(&withdrawn)
        ));
        assert!(!may_match_across_organisations(safe, ConsentLedger(&[])));
        assert!(ConsentLedger(&withdrawn).tracing_withdrawn());
    }

    #[test]
    fn release_follows_scope_and_two_person_rule_for_minors() {
        let be = CountryCode::parse("BE").unwrap();
        let fr = CountryCode::parse("FR").unwrap();
        let org = OrgId::random();
        let ledger = [record(
            ConsentPurpose::Sharing,
            SharingScope {
                organisations: vec![],
                countries: vec![be],
            },
            false,
        )];
        let adult = PersonFlags::default();
        let minor = PersonFlags {
            minor: true,
            ..PersonFlags::default()
        };
        let (a, b) = (UserId::random(), UserId::random());
        assert_eq!(
            release_decision(adult, ConsentLedger(&ledger), org, be, &[a]),
            ReleaseDecision::Allowed
        );
        assert_eq!(
            release_decision(adult, ConsentLedger(&ledger), org, fr, &[a]),
            ReleaseDecision::Refused(ReleaseRefusal::NoSharingConsent)
        );
        assert_eq!(
            release_decision(minor, ConsentLedger(&ledger), org, be, &[a]),
            ReleaseDecision::NeedsSecondApproval
        );
        assert_eq!(
            release_decision(minor, ConsentLedger(&ledger), org, be, &[a, a]),
            ReleaseDecision::Refused(ReleaseRefusal::SameApprover)
        );
        assert_eq!(
            release_decision(minor, ConsentLedger(&ledger), org, be, &[a, b]),
            ReleaseDecision::Allowed
        );
    }

    #[test]
    fn guardians_consent_for_minors_and_sharing_needs_a_scope() {
        let guardian = NewConsent {
            purpose: ConsentPurpose::Tracing,
            basis: ConsentBasis::Consent {
                given_by: ConsentGiver::Guardian,
                method: ConsentMethod::Oral,
            },
            scope: SharingScope::default(),
            note: None,
        };
        assert_eq!(
            guardian.check(PersonFlags::default()).unwrap_err().field,
            "given_by"
        );
        assert!(
            guardian
                .check(PersonFlags {
                    minor: true,
                    ..PersonFlags::default()
                })
                .is_ok()
        );
        let sharing = NewConsent {
            purpose: ConsentPurpose::Sharing,
            ..guardian.clone()
        };
        assert_eq!(
            sharing
                .check(PersonFlags {
                    minor: true,
                    ..PersonFlags::default()
                })
                .unwrap_err()
                .field,
            "scope"
        );
    }
}
