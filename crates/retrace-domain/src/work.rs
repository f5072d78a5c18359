//! The work queue: what is waiting for an organisation's staff, by kind,
//! and which roles each kind is for.

use crate::person::code_enum;
use crate::{Role, RoleSet};

code_enum!(
    /// One kind of work waiting in an organisation's queue.
    WorkKind, "kind" {
        CandidateToReview => "candidate_to_review",
        ReleaseReceived => "release_received",
        TransferWaiting => "transfer_waiting",
        ReferralWaiting => "referral_waiting",
        PublicReport => "public_report",
        MessageToRelay => "message_to_relay",
        QuietRequest => "quiet_request",
        NetworkPost => "network_post",
    }
);

/// A request with no change for this long is listed as quiet.
pub const QUIET_AFTER_DAYS: i64 = 30;
/// Releases received are listed for this long after they arrive.
pub const RECENT_RELEASE_DAYS: i64 = 30;
/// Posts of a followed kind or country are listed for this long.
pub const NETWORK_POST_DAYS: i64 = 30;

impl WorkKind {
    /// The role whose work this is: only it is shown the kind. `None`:
    /// every member (posts of what they follow in their networks).
    pub fn role(self) -> Option<Role> {
        Some(match self {
            WorkKind::NetworkPost => return None,
            WorkKind::ReferralWaiting => Role::ReferralOfficer,
            WorkKind::CandidateToReview
            | WorkKind::ReleaseReceived
            | WorkKind::TransferWaiting
            | WorkKind::PublicReport
            | WorkKind::MessageToRelay
            | WorkKind::QuietRequest => Role::Caseworker,
        })
    }

    /// The kinds a member with `roles` works on, in queue order.
    pub fn for_roles(roles: &RoleSet) -> Vec<WorkKind> {
        WorkKind::ALL
            .iter()
            .copied()
            .filter(|kind| kind.role().is_none_or(|role| roles.contains(role)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_role_sees_only_its_own_work() {
        let caseworker = RoleSet::single(Role::Caseworker);
        let kinds = WorkKind::for_roles(&caseworker);
        assert!(kinds.contains(&WorkKind::CandidateToReview));
        assert!(!kinds.contains(&WorkKind::ReferralWaiting));
        let officer = RoleSet::single(Role::ReferralOfficer);
        assert_eq!(
            WorkKind::for_roles(&officer),
            vec![WorkKind::ReferralWaiting, WorkKind::NetworkPost]
        );
        assert_eq!(
            WorkKind::for_roles(&RoleSet::single(Role::Viewer)),
            vec![WorkKind::NetworkPost]
        );
    }
}
