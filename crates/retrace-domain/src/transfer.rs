//! Transfers: a tracing request sent by its owning organisation to an
//! organisation in another country, where the sought person is believed to
//! be. The owner keeps the request and decides what is shared, from a fixed
//! set of parts; the rules below are checked when the transfer is made and
//! again, for at-risk persons and consent, every time it is read.

use crate::consent::ConsentLedger;
use crate::disclosure::{Audience, Withheld, may_disclose};
use crate::person::{PersonFlags, Text, code_enum};
use crate::{CountryCode, OrgId, PersonId};
use serde::{Deserialize, Serialize};

code_enum!(
    /// Where a transfer stands. The receiver accepts or declines a pending
    /// transfer; the owner may revoke it at any time, which ends the
    /// receiver's access for good.
    TransferStatus, "status" {
        Pending => "pending",
        Accepted => "accepted",
        Declined => "declined",
        Revoked => "revoked",
    }
);

impl TransferStatus {
    /// True while the receiver may still see the transfer.
    pub fn is_visible_to_receiver(self) -> bool {
        self != TransferStatus::Revoked
    }

    /// True while the receiver may see the shared parts (not after it
    /// declined, nor after revocation).
    pub fn shows_shared_parts(self) -> bool {
        matches!(self, TransferStatus::Pending | TransferStatus::Accepted)
    }
}

/// What the owner chose to share. Nothing outside these parts ever leaves
/// the owning organisation through a transfer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransferShare {
    /// The circumstances of separation.
    pub circumstances: bool,
    /// The sought persons whose details (names, birth, parents, places,
    /// minor and unaccompanied flags) are shared. Never a person at risk.
    pub sought: Vec<PersonId>,
    /// The enquirer's names and relationship to the sought persons.
    pub enquirer_names: bool,
    /// The enquirer's contact details: only under an active sharing
    /// consent covering the receiving organisation or its country.
    pub enquirer_contact: bool,
    /// A note from the owner to the receiver.
    pub note: Option<Text>,
}

impl TransferShare {
    pub fn is_empty(&self) -> bool {
        !self.circumstances
            && self.sought.is_empty()
            && !self.enquirer_names
            && !self.enquirer_contact
            && self.note.is_none()
    }
}

/// Why a transfer is refused; `field` names the form field to blame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransferRefusal {
    OwnOrganisation,
    SameCountry,
    NothingShared,
    SoughtAtRisk,
    SoughtNotInRequest,
    EnquirerAtRisk,
    NoSharingConsent,
    AlreadyTransferred,
}

impl TransferRefusal {
    pub fn field(self) -> &'static str {
        match self {
            TransferRefusal::OwnOrganisation
            | TransferRefusal::SameCountry
            | TransferRefusal::AlreadyTransferred => "to_org",
            TransferRefusal::NothingShared => "share",
            TransferRefusal::SoughtAtRisk | TransferRefusal::SoughtNotInRequest => "sought",
            TransferRefusal::NoSharingConsent => "enquirer_contact",
            TransferRefusal::EnquirerAtRisk => "enquirer_names",
        }
    }

    pub fn problem(self) -> crate::Problem {
        use crate::Problem;
        match self {
            TransferRefusal::OwnOrganisation => Problem::TransferOwnOrganisation,
            TransferRefusal::SameCountry => Problem::TransferSameCountry,
            TransferRefusal::NothingShared => Problem::NothingShared,
            TransferRefusal::SoughtAtRisk => Problem::SoughtAtRisk,
            TransferRefusal::SoughtNotInRequest => Problem::SoughtNotInRequest,
            TransferRefusal::NoSharingConsent => Problem::EnquirerNoSharingConsent,
            TransferRefusal::EnquirerAtRisk => Problem::EnquirerAtRisk,
            TransferRefusal::AlreadyTransferred => Problem::AlreadyTransferred,
        }
    }
}

/// The parties of a transfer and what the request holds, as the rule needs
/// them.
#[derive(Debug, Clone, Copy)]
pub struct TransferParties<'a> {
    pub from_org: OrgId,
    pub from_country: CountryCode,
    pub to_org: OrgId,
    pub to_country: CountryCode,
    /// The request's sought persons and their flags.
    pub sought: &'a [(PersonId, PersonFlags)],
    pub enquirer_flags: PersonFlags,
    pub enquirer_ledger: ConsentLedger<'a>,
}

/// May this share be sent? Checked in the transaction that records it.
pub fn transfer_decision(
    parties: TransferParties<'_>,
    share: &TransferShare,
) -> Result<(), TransferRefusal> {
    if parties.to_org == parties.from_org {
        return Err(TransferRefusal::OwnOrganisation);
    }
    if parties.to_country == parties.from_country {
        return Err(TransferRefusal::SameCountry);
    }
    if share.is_empty() {
        return Err(TransferRefusal::NothingShared);
    }
    for chosen in &share.sought {
        match parties.sought.iter().find(|(id, _)| id == chosen) {
            None => return Err(TransferRefusal::SoughtNotInRequest),
            Some((_, flags)) if flags.at_risk => return Err(TransferRefusal::SoughtAtRisk),
            Some(_) => {}
        }
    }
    if parties.enquirer_flags.at_risk && (share.enquirer_names || share.enquirer_contact) {
        return Err(TransferRefusal::EnquirerAtRisk);
    }
    if share.enquirer_contact {
        let audience = Audience::Organisation {
            org: parties.to_org,
            country: parties.to_country,
        };
        match may_disclose(parties.enquirer_flags, parties.enquirer_ledger, audience) {
            Ok(()) => {}
            Err(Withheld::AtRisk) => return Err(TransferRefusal::EnquirerAtRisk),
            Err(Withheld::NoConsent) => return Err(TransferRefusal::NoSharingConsent),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ConsentBasis, ConsentGiver, ConsentMethod, ConsentPurpose, ConsentRecord};
    use crate::{ConsentId, SharingScope, Timestamp, UserId};

    fn country(code: &str) -> CountryCode {
        CountryCode::parse(code).unwrap()
    }

    fn sharing(countries: &[&str], withdrawn: bool) -> ConsentRecord {
        ConsentRecord {
            id: ConsentId::random(),
            person: PersonId::random(),
            purpose: ConsentPurpose::Sharing,
            basis: ConsentBasis::Consent {
                given_by: ConsentGiver::Person,
                method: ConsentMethod::Oral,
            },
            scope: SharingScope {
                organisations: Vec::new(),
                countries: countries.iter().map(|c| country(c)).collect(),
            },
            note: None,
            recorded_by: UserId::random(),
            recorded_at: Timestamp::from_millis(1),
            withdrawn_at: withdrawn.then(|| Timestamp::from_millis(2)),
            withdrawn_by: None,
        }
    }

    #[test]
    fn transfers_go_abroad_share_something_and_respect_risk_and_consent() {
        let (be, fr) = (OrgId::random(), OrgId::random());
        let (safe, risky) = (PersonId::random(), PersonId::random());
        let at_risk = PersonFlags {
            at_risk: true,
            ..PersonFlags::default()
        };
        let sought = [(safe, PersonFlags::default()), (risky, at_risk)];
        let no_consent: [ConsentRecord; 0] = [];
        let parties = |to_org, to_country, ledger| TransferParties {
            from_org: be,
            from_country: country("BE"),
            to_org,
            to_country,
            sought: &sought,
            enquirer_flags: PersonFlags::default(),
            enquirer_ledger: ledger,
        };
        let share = TransferShare {
            circumstances: true,
            sought: vec![safe],
            ..TransferShare::default()
        };
        let to_fr = parties(fr, country("FR"), ConsentLedger(&no_consent));
        assert_eq!(transfer_decision(to_fr, &share), Ok(()));
        for (parties, share, refusal) in [
            (
                parties(be, country("FR"), ConsentLedger(&no_consent)),
                share.clone(),
                TransferRefusal::OwnOrganisation,
            ),
            (
                parties(fr, country("BE"), ConsentLedger(&no_consent)),
                share.clone(),
                TransferRefusal::SameCountry,
            ),
            (
                to_fr,
                TransferShare::default(),
                TransferRefusal::NothingShared,
            ),
            (
                to_fr,
                TransferShare {
                    sought: vec![risky],
                    ..TransferShare::default()
                },
                TransferRefusal::SoughtAtRisk,
            ),
            (
                to_fr,
                TransferShare {
                    sought: vec![PersonId::random()],
                    ..TransferShare::default()
                },
                TransferRefusal::SoughtNotInRequest,
            ),
            (
                to_fr,
                TransferShare {
                    enquirer_contact: true,
                    ..TransferShare::default()
                },
                TransferRefusal::NoSharingConsent,
            ),
        ] {
            assert_eq!(transfer_decision(parties, &share), Err(refusal));
        }
        let contact = TransferShare {
            enquirer_contact: true,
            ..TransferShare::default()
        };
        let withdrawn = [sharing(&["FR"], true)];
        assert_eq!(
            transfer_decision(
                parties(fr, country("FR"), ConsentLedger(&withdrawn)),
                &contact
            ),
            Err(TransferRefusal::NoSharingConsent)
        );
        let elsewhere = [sharing(&["DE"], false)];
        assert_eq!(
            transfer_decision(
                parties(fr, country("FR"), ConsentLedger(&elsewhere)),
                &contact
            ),
            Err(TransferRefusal::NoSharingConsent)
        );
        let covering = [sharing(&["FR"], false)];
        assert_eq!(
            transfer_decision(
                parties(fr, country("FR"), ConsentLedger(&covering)),
                &contact
            ),
            Ok(())
        );
    }
}
