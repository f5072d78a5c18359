//! The one disclosure rule: may someone outside the owning organisation see
//! a person's details now?
//!
//! Every read of something disclosed asks [`may_disclose`] against the
//! person's current flags and consent ledger: a released candidate's
//! details, a transferred request's shared parts, a gallery entry, its
//! photo and poster, and the feeds that later read them. The decisions
//! that start a disclosure (a release, a transfer, a publication) ask the
//! same function first and add their own conditions (approvals, the
//! parties of a transfer). A yes is never stored: a withdrawal or an
//! at-risk flag answers no at the next read.

use crate::consent::{ConsentLedger, ConsentPurpose};
use crate::person::PersonFlags;
use crate::{CountryCode, OrgId};

/// Who would see the details.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// Another organisation, in its country.
    Organisation { org: OrgId, country: CountryCode },
    /// Anyone, without signing in: the Trace the Face gallery.
    Public,
}

/// Why the details are withheld from an audience now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Withheld {
    /// The person is flagged at risk: nothing leaves the organisation.
    AtRisk,
    /// No active consent covers this audience (never given, withdrawn, or
    /// narrowed to other organisations or countries).
    NoConsent,
}

/// May `audience` see the details of the person with `flags` and `ledger`
/// now? Never when at risk; for another organisation, only under an active
/// sharing consent that covers it and its country; for the public, only
/// under an active publication consent.
pub fn may_disclose(
    flags: PersonFlags,
    ledger: ConsentLedger<'_>,
    audience: Audience,
) -> Result<(), Withheld> {
    if flags.at_risk {
        return Err(Withheld::AtRisk);
    }
    let covered = match audience {
        Audience::Organisation { org, country } => ledger.allows_sharing_with(org, country),
        Audience::Public => ledger.allows(ConsentPurpose::Publication),
    };
    if covered {
        Ok(())
    } else {
        Err(Withheld::NoConsent)
    }
}

/// May a gallery entry be public now? Its subject (the enquirer) must be
/// disclosable to the public, and none of the persons it names (the sought
/// relatives, shown by relationship only) may be at risk.
pub fn may_show_in_gallery(
    subject: PersonFlags,
    subject_ledger: ConsentLedger<'_>,
    named: impl IntoIterator<Item = PersonFlags>,
) -> Result<(), Withheld> {
    may_disclose(subject, subject_ledger, Audience::Public)?;
    if named.into_iter().any(|flags| flags.at_risk) {
        return Err(Withheld::AtRisk);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::consent::{ConsentBasis, ConsentGiver, ConsentMethod, ConsentRecord, SharingScope};
    use crate::{ConsentId, PersonId, Timestamp, UserId};

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
            withdrawn_by: withdrawn.then(UserId::random),
        }
    }

    fn at_risk() -> PersonFlags {
        PersonFlags {
            at_risk: true,
            ..PersonFlags::default()
        }
    }

    #[test]
    fn an_organisation_sees_only_under_a_covering_active_sharing_consent() {
        let org = OrgId::random();
        let country = CountryCode::parse("LB").unwrap();
        let audience = Audience::Organisation { org, country };
        let covering = SharingScope {
            organisations: vec![],
            countries: vec![country],
        };
        let active = [record(ConsentPurpose::Sharing, covering.clone(), false)];
        let withdrawn = [record(ConsentPurpose::Sharing, covering, true)];
        let elsewhere = [record(
            ConsentPurpose::Sharing,
            SharingScope {
                organisations: vec![],
                countries: vec![CountryCode::parse("FR").unwrap()],
            },
            false,
        )];
        let flags = PersonFlags::default();
        assert_eq!(
            may_disclose(flags, ConsentLedger(&active), audience),
            Ok(())
        );
        for ledger in [&withdrawn[..], &elsewhere[..], &[]] {
            assert_eq!(
                may_disclose(flags, ConsentLedger(ledger), audience),
                Err(Withheld::NoConsent)
            );
        }
        assert_eq!(
            may_disclose(at_risk(), ConsentLedger(&active), audience),
            Err(Withheld::AtRisk)
        );
    }

    #[test]
    fn the_public_sees_only_under_publication_consent_and_nobody_named_at_risk() {
        let publication = [record(
            ConsentPurpose::Publication,
            SharingScope::default(),
            false,
        )];
        let tracing_only = [record(
            ConsentPurpose::Tracing,
            SharingScope::default(),
            false,
        )];
        let fine = PersonFlags::default();
        assert_eq!(
            may_show_in_gallery(fine, ConsentLedger(&publication), [fine, fine]),
            Ok(())
        );
        assert_eq!(
            may_show_in_gallery(fine, ConsentLedger(&tracing_only), [fine]),
            Err(Withheld::NoConsent)
        );
        assert_eq!(
            may_show_in_gallery(fine, ConsentLedger(&publication), [fine, at_risk()]),
            Err(Withheld::AtRisk)
        );
        assert_eq!(
            may_show_in_gallery(at_risk(), ConsentLedger(&publication), []),
            Err(Withheld::AtRisk)
        );
    }
}
