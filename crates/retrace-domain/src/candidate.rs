//! Match candidates and family messages: the two ways found people and
//! enquirers are connected, both reviewed by staff at every step.

use crate::person::code_enum;
use serde::{Deserialize, Serialize};

code_enum!(
    /// A caseworker's view of a proposed match. Reversible.
    CandidateStatus, "status" {
        Proposed => "proposed",
        Confirmed => "confirmed",
        Rejected => "rejected",
    }
);

code_enum!(
    /// How one field of the two records compares.
    Agreement, "agreement" {
        Agree => "agree",
        Close => "close",
        Differ => "differ",
        Missing => "missing",
    }
);

/// One line of a candidate's explanation: a field, how it compares, and how
/// much it moved the score (in hundredths of log-odds, so it is exact to
/// store and compare). Never the values themselves: the explanation is
/// shown to the other organisation before any release.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldExplanation {
    pub field: String,
    pub agreement: Agreement,
    pub contribution_centi: i32,
}

code_enum!(
    /// A candidate's calibrated probability in words, so that a score reads
    /// as what it means rather than as a bare percentage.
    ScoreBand, "band" {
        VeryLikely => "very_likely",
        Likely => "likely",
        Possible => "possible",
        Unlikely => "unlikely",
    }
);

impl ScoreBand {
    /// The band of a probability in thousandths. The bounds follow the
    /// calibration: about 9 in 10 pairs scored 0.9 are the same person.
    pub fn of(score_milli: u16) -> Self {
        match score_milli {
            900.. => ScoreBand::VeryLikely,
            600..=899 => ScoreBand::Likely,
            300..=599 => ScoreBand::Possible,
            _ => ScoreBand::Unlikely,
        }
    }
}

code_enum!(
    /// Which way a family message travels.
    MessageDirection, "direction" {
        ToSoughtPerson => "to_sought_person",
        ToEnquirer => "to_enquirer",
    }
);

code_enum!(
    /// The life of a family message, each step recorded.
    MessageStatus, "status" {
        Drafted => "drafted",
        Sent => "sent",
        Delivered => "delivered",
        Replied => "replied",
    }
);

impl MessageStatus {
    pub fn may_become(self, next: MessageStatus) -> bool {
        matches!(
            (self, next),
            (MessageStatus::Drafted, MessageStatus::Sent)
                | (MessageStatus::Sent, MessageStatus::Delivered)
                | (MessageStatus::Delivered, MessageStatus::Replied)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_read_as_bands() {
        assert_eq!(ScoreBand::of(1000), ScoreBand::VeryLikely);
        assert_eq!(ScoreBand::of(900), ScoreBand::VeryLikely);
        assert_eq!(ScoreBand::of(899), ScoreBand::Likely);
        assert_eq!(ScoreBand::of(300), ScoreBand::Possible);
        assert_eq!(ScoreBand::of(0), ScoreBand::Unlikely);
    }

    #[test]
    fn messages_move_forward_one_step_at_a_time() {
        assert!(MessageStatus::Drafted.may_become(MessageStatus::Sent));
        assert!(!MessageStatus::Drafted.may_become(MessageStatus::Delivered));
        assert!(!MessageStatus::Replied.may_become(MessageStatus::Drafted));
    }
}
