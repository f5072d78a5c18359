//! The conformance suite: one set of behaviours every backend must show.
//!
//! A backend implements [`Harness`] in its integration tests (fresh
//! database, raw tampering done with its own SQL) and expands
//! [`conformance_tests!`](crate::conformance_tests) with it; every test then
//! runs against a fresh, migrated, empty store. A harness whose database is
//! not available returns `None` from [`Harness::fresh`] after saying why,
//! and the test passes without running: the harness decides whether that
//! is allowed (CI must not skip).
//!
//! This module holds no SQL: the harness does everything backend-specific.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed expectation is a failed test"
)]

use crate::{
    AuditContext, AuditEvent, AuditVerification, Membership, NewOrganisation, NewUser, OrgScope,
    Organisation, SessionRecord, Store, StoreError, StoreResult, UserAccount,
};
use async_trait::async_trait;
use retrace_domain::{
    AuditAction, AuditRecord, ChainHash, CountryCode, DisplayName, Email, ObjectKind, OrgId,
    OrgKind, OrgName, Role, RoleSet, Timestamp, UserId,
};
use std::sync::Arc;

/// What a backend provides to run the suite.
#[async_trait]
pub trait Harness: Sized + Send + Sync + 'static {
    type Store: Store + Clone;

    /// A fresh, migrated, empty database; `None` when this backend cannot
    /// run here (after printing why).
    async fn fresh() -> Option<Self>;
    fn store(&self) -> &Self::Store;
    /// Applies the migrations again to the same database.
    async fn migrate(&self) -> StoreResult<()>;
    /// Closes the store and opens the same database again.
    async fn reopen(&self) -> StoreResult<Self::Store>;
    /// Changes an audit entry's purpose behind the store's back.
    async fn tamper_audit_purpose(&self, seq: i64, purpose: &str) -> StoreResult<()>;
    /// Overwrites an audit entry's stored hash behind the store's back.
    async fn tamper_audit_hash(&self, seq: i64, hash: &str) -> StoreResult<()>;
    /// Deletes an audit entry behind the store's back.
    async fn delete_audit_entry(&self, seq: i64) -> StoreResult<()>;
    /// Records a migration this binary does not know, as a newer binary would.
    async fn record_unknown_migration(&self, version: i64) -> StoreResult<()>;
    /// Removes the database.
    async fn cleanup(self);
}

/// Expands to one `#[tokio::test]` per behaviour, each on a fresh store
/// from the given [`Harness`].
#[macro_export]
macro_rules! conformance_tests {
    ($harness:ty) => {
        $crate::conformance_tests!(@each $harness;
            organisations_are_created_listed_and_audited,
            organisation_names_are_unique_regardless_of_case,
            unknown_organisation_is_none,
            users_are_created_and_found_by_id_and_email,
            emails_are_unique_regardless_of_case,
            operators_belong_to_no_organisation,
            user_in_a_missing_organisation_is_refused,
            users_in_never_lists_another_organisations_accounts,
            user_in_treats_another_organisation_like_a_missing_id,
            roles_change_only_within_the_scope_and_are_audited,
            disabling_ends_sessions_and_revokes_tokens,
            password_change_clears_lockout_and_keeps_one_session,
            sign_in_failures_count_lock_and_reset,
            sign_in_bookkeeping_for_a_missing_account_is_not_found,
            second_factor_enrols_and_removes,
            recovery_codes_are_consumed_once,
            sessions_live_and_die,
            touching_a_missing_session_is_not_found,
            expired_sessions_are_swept,
            api_tokens_are_created_used_and_revoked,
            api_tokens_of_disabled_accounts_are_refused,
            failed_changes_leave_no_audit_entry,
            audit_entries_form_a_verifiable_chain,
            audit_entries_are_scoped_and_paged,
            concurrent_appends_keep_the_chain_intact,
            tampered_field_is_named_by_verification,
            rewritten_entry_breaks_the_next_link,
            deleted_middle_entry_is_detected,
            deleted_last_entry_is_detected,
            migrations_are_idempotent,
            reopening_keeps_the_data,
            newer_schema_is_refused,
        );
    };
    (@each $harness:ty; $($name:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                let Some(harness) = <$harness as $crate::conformance::Harness>::fresh().await
                else {
                    return;
                };
                $crate::conformance::tests::$name(&harness).await;
                $crate::conformance::Harness::cleanup(harness).await;
            }
        )*
    };
}

const T0: i64 = 1_700_000_000_000;
const MINUTE: i64 = 60_000;

fn at(millis: i64) -> Timestamp {
    Timestamp::from_millis(T0 + millis)
}

fn system(millis: i64) -> AuditContext {
    AuditContext::system(at(millis), "conformance test")
}

fn acting(user: &UserAccount, millis: i64) -> AuditContext {
    AuditContext {
        at: at(millis),
        actor: Some(user.id),
        org: match &user.membership {
            Membership::Member { org, .. } => Some(*org),
            Membership::Operator => None,
        },
        purpose: None,
    }
}

fn new_org(name: &str) -> NewOrganisation {
    NewOrganisation {
        name: OrgName::parse(name).unwrap(),
        kind: OrgKind::NationalSociety,
        country: CountryCode::parse("BE").unwrap(),
    }
}

async fn org<S: Store>(store: &S, name: &str) -> Organisation {
    store
        .create_organisation(&system(0), &new_org(name))
        .await
        .unwrap()
}

fn new_member(email: &str, org: OrgId, roles: &[Role]) -> NewUser {
    NewUser {
        email: Email::parse(email).unwrap(),
        display_name: DisplayName::parse(email.split('@').next().unwrap_or("someone")).unwrap(),
        membership: Membership::Member {
            org,
            roles: RoleSet::new(roles.iter().copied()).unwrap(),
        },
        password_hash: format!("$argon2id$fake${email}"),
    }
}

async fn member<S: Store>(store: &S, email: &str, org: OrgId) -> UserAccount {
    store
        .create_user(&system(1), &new_member(email, org, &[Role::Caseworker]))
        .await
        .unwrap()
}

async fn operator<S: Store>(store: &S, email: &str) -> UserAccount {
    store
        .create_user(
            &system(1),
            &NewUser {
                email: Email::parse(email).unwrap(),
                display_name: DisplayName::parse("Operator").unwrap(),
                membership: Membership::Operator,
                password_hash: "$argon2id$fake$operator".into(),
            },
        )
        .await
        .unwrap()
}

fn session(token_hash: &str, user: UserId, created: i64, seen: i64) -> SessionRecord {
    SessionRecord {
        token_hash: token_hash.into(),
        user,
        created_at: at(created),
        last_seen_at: at(seen),
        second_factor_done: false,
    }
}

async fn entry_count<S: Store>(store: &S) -> u64 {
    match store.verify_audit_chain().await.unwrap() {
        AuditVerification::Intact { entries, .. } => entries,
        broken => panic!("the chain should be intact: {broken:?}"),
    }
}

/// The actions of the scope's entries, oldest first.
async fn actions<S: Store>(store: &S, org: OrgId) -> Vec<String> {
    let mut entries = store
        .audit_entries(&OrgScope::new(org), 1000, None)
        .await
        .unwrap();
    entries.reverse();
    entries.into_iter().map(|e| e.record.action).collect()
}

fn event(action: AuditAction, id: &str) -> AuditEvent {
    AuditEvent {
        action,
        object_kind: ObjectKind::User,
        object_id: id.into(),
    }
}

async fn append_n<S: Store>(store: &S, org: Option<OrgId>, n: i64) {
    for i in 0..n {
        let mut ctx = system(i);
        ctx.org = org;
        store
            .append_audit(
                &ctx,
                &event(AuditAction::AuditViewed, &format!("object-{i}")),
            )
            .await
            .unwrap();
    }
}

fn broken_at(verification: AuditVerification) -> i64 {
    match verification {
        AuditVerification::Broken { seq, .. } => seq,
        intact => panic!("tampering should be detected: {intact:?}"),
    }
}

pub mod tests {
    use super::*;

    pub async fn organisations_are_created_listed_and_audited<H: Harness>(h: &H) {
        let store = h.store();
        let b = org(store, "Belgian Red Cross").await;
        let a = org(store, "Afghan Red Crescent").await;
        assert_eq!(b.created_at, at(0));
        let listed = store.organisations().await.unwrap();
        assert_eq!(listed, vec![a.clone(), b.clone()], "sorted by name");
        assert_eq!(store.organisation(b.id).await.unwrap(), Some(b.clone()));
        let entries = store.verify_audit_chain().await.unwrap();
        assert!(matches!(
            entries,
            AuditVerification::Intact { entries: 2, .. }
        ));
    }

    pub async fn organisation_names_are_unique_regardless_of_case<H: Harness>(h: &H) {
        let store = h.store();
        org(store, "Croix-Rouge française").await;
        org(store, "Österreichisches Rotes Kreuz").await;
        for duplicate in [
            "CROIX-ROUGE FRANÇAISE",
            "  croix-rouge française ",
            "ÖSTERREICHISCHES ROTES KREUZ",
        ] {
            let err = store
                .create_organisation(&system(5), &new_org(duplicate))
                .await
                .unwrap_err();
            assert!(
                matches!(err, StoreError::Conflict { field: "name" }),
                "{duplicate}: {err:?}"
            );
        }
        assert_eq!(store.organisations().await.unwrap().len(), 2);
        assert_eq!(entry_count(store).await, 2);
    }

    pub async fn unknown_organisation_is_none<H: Harness>(h: &H) {
        let store = h.store();
        org(store, "Known").await;
        assert_eq!(store.organisation(OrgId::random()).await.unwrap(), None);
    }

    pub async fn users_are_created_and_found_by_id_and_email<H: Harness>(h: &H) {
        let store = h.store();
        let o = org(store, "Org").await;
        let new = new_member("ana@example.org", o.id, &[Role::OrgAdmin, Role::Viewer]);
        let created = store.create_user(&system(3), &new).await.unwrap();
        assert_eq!(created.email.as_str(), "ana@example.org");
        assert_eq!(created.failed_sign_ins, 0);
        assert!(!created.disabled);
        assert_eq!(created.totp_secret_sealed, None);
        assert_eq!(created.created_at, at(3));
        assert_eq!(created.password_changed_at, at(3));
        assert_eq!(store.user(created.id).await.unwrap(), Some(created.clone()));
        let by_email = Email::parse("ANA@Example.org").unwrap();
        assert_eq!(
            store.user_by_email(&by_email).await.unwrap(),
            Some(created.clone())
        );
        assert_eq!(store.user(UserId::random()).await.unwrap(), None);
        let nobody = Email::parse("nobody@example.org").unwrap();
        assert_eq!(store.user_by_email(&nobody).await.unwrap(), None);
    }

    pub async fn emails_are_unique_regardless_of_case<H: Harness>(h: &H) {
        let store = h.store();
        let a = org(store, "Org A").await;
        let b = org(store, "Org B").await;
        member(store, "ana@example.org", a.id).await;
        let err = store
            .create_user(
                &system(2),
                &new_member("Ana@EXAMPLE.org", b.id, &[Role::Viewer]),
            )
            .await
            .unwrap_err();
        assert!(
            matches!(err, StoreError::Conflict { field: "email" }),
            "{err:?}"
        );
        assert_eq!(store.all_users().await.unwrap().len(), 1);
    }

    pub async fn operators_belong_to_no_organisation<H: Harness>(h: &H) {
        let store = h.store();
        let o = org(store, "Org").await;
        let op = operator(store, "ops@example.org").await;
        let m = member(store, "m@example.org", o.id).await;
        assert_eq!(
            store.user(op.id).await.unwrap().unwrap().membership,
            Membership::Operator
        );
        let all: Vec<UserId> = store
            .all_users()
            .await
            .unwrap()
            .iter()
            .map(|u| u.id)
            .collect();
        assert_eq!(all.len(), 2);
        assert!(all.contains(&op.id) && all.contains(&m.id));
        let scoped = store.users_in(&OrgScope::new(o.id)).await.unwrap();
        assert_eq!(scoped, vec![m]);
        assert_eq!(
            store.user_in(&OrgScope::new(o.id), op.id).await.unwrap(),
            None
        );
    }

    pub async fn user_in_a_missing_organisation_is_refused<H: Harness>(h: &H) {
        let store = h.store();
        let err = store
            .create_user(
                &system(1),
                &new_member("x@example.org", OrgId::random(), &[Role::Viewer]),
            )
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound), "{err:?}");
        assert!(store.all_users().await.unwrap().is_empty());
        assert_eq!(entry_count(store).await, 0);
    }

    pub async fn users_in_never_lists_another_organisations_accounts<H: Harness>(h: &H) {
        let store = h.store();
        let a = org(store, "Org A").await;
        let b = org(store, "Org B").await;
        let a1 = member(store, "a1@example.org", a.id).await;
        let a2 = member(store, "a2@example.org", a.id).await;
        let b1 = member(store, "b1@example.org", b.id).await;
        assert_eq!(
            store.users_in(&OrgScope::new(a.id)).await.unwrap(),
            vec![a1, a2]
        );
        assert_eq!(
            store.users_in(&OrgScope::new(b.id)).await.unwrap(),
            vec![b1]
        );
        let empty = OrgScope::new(OrgId::random());
        assert!(store.users_in(&empty).await.unwrap().is_empty());
    }

    pub async fn user_in_treats_another_organisation_like_a_missing_id<H: Harness>(h: &H) {
        let store = h.store();
        let a = org(store, "Org A").await;
        let b = org(store, "Org B").await;
        let a1 = member(store, "a1@example.org", a.id).await;
        let b1 = member(store, "b1@example.org", b.id).await;
        let scope = OrgScope::new(a.id);
        assert_eq!(store.user_in(&scope, a1.id).await.unwrap(), Some(a1));
        let other = store.user_in(&scope, b1.id).await.unwrap();
        let missing = store.user_in(&scope, UserId::random()).await.unwrap();
        assert_eq!(other, None);
        assert_eq!(other, missing);
    }

    pub async fn roles_change_only_within_the_scope_and_are_audited<H: Harness>(h: &H) {
        let store = h.store();
        let a = org(store, "Org A").await;
        let b = org(store, "Org B").await;
        let admin = member(store, "admin@example.org", a.id).await;
        let target = member(store, "t@example.org", a.id).await;
        let outsider = member(store, "o@example.org", b.id).await;
        let roles = RoleSet::new([Role::Coordinator, Role::Viewer]).unwrap();
        let scope = OrgScope::new(a.id);
        store
            .set_roles(&acting(&admin, 10), &scope, target.id, &roles)
            .await
            .unwrap();
        let changed = store.user(target.id).await.unwrap().unwrap();
        assert_eq!(
            changed.membership,
            Membership::Member {
                org: a.id,
                roles: roles.clone()
            }
        );
        let before = entry_count(store).await;
        for id in [outsider.id, UserId::random()] {
            let err = store
                .set_roles(&acting(&admin, 11), &scope, id, &roles)
                .await
                .unwrap_err();
            assert!(matches!(err, StoreError::NotFound), "{err:?}");
        }
        let untouched = store.user(outsider.id).await.unwrap().unwrap();
        assert_eq!(untouched.membership, outsider.membership);
        assert_eq!(entry_count(store).await, before);
        let entries = store.audit_entries(&scope, 1, None).await.unwrap();
        assert_eq!(entries[0].record.action, "user_roles_changed");
        assert_eq!(entries[0].record.object_id, target.id.to_string());
        assert_eq!(entries[0].record.actor, Some(admin.id));
    }

    pub async fn disabling_ends_sessions_and_revokes_tokens<H: Harness>(h: &H) {
        let store = h.store();
        let a = org(store, "Org A").await;
        let b = org(store, "Org B").await;
        let admin = member(store, "admin@example.org", a.id).await;
        let target = member(store, "t@example.org", a.id).await;
        store
            .create_session(&session("s1", target.id, 0, 0))
            .await
            .unwrap();
        let token = store
            .create_api_token(&acting(&target, 2), target.id, "laptop", "hash-1")
            .await
            .unwrap();
        let other_scope = OrgScope::new(b.id);
        let err = store
            .set_disabled(&acting(&admin, 3), &other_scope, target.id, true)
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound), "{err:?}");
        assert!(!store.user(target.id).await.unwrap().unwrap().disabled);

        let scope = OrgScope::new(a.id);
        store
            .set_disabled(&acting(&admin, 4), &scope, target.id, true)
            .await
            .unwrap();
        assert!(store.user(target.id).await.unwrap().unwrap().disabled);
        assert_eq!(store.session("s1").await.unwrap(), None);
        let tokens = store.api_tokens(target.id).await.unwrap();
        assert_eq!(tokens.len(), 1);
        assert_eq!(tokens[0].id, token.id);
        assert_eq!(tokens[0].revoked_at, Some(at(4)));
        store
            .set_disabled(&acting(&admin, 5), &scope, target.id, false)
            .await
            .unwrap();
        assert!(!store.user(target.id).await.unwrap().unwrap().disabled);
        assert_eq!(store.use_api_token("hash-1", at(6)).await.unwrap(), None);
        let recent = actions(store, a.id).await;
        assert_eq!(
            recent[recent.len() - 2..],
            ["user_disabled".to_owned(), "user_enabled".to_owned()]
        );
    }

    pub async fn password_change_clears_lockout_and_keeps_one_session<H: Harness>(h: &H) {
        let store = h.store();
        let a = org(store, "Org").await;
        let user = member(store, "u@example.org", a.id).await;
        store
            .record_sign_in_failure(&acting(&user, 2), user.id, Some(at(100 * MINUTE)))
            .await
            .unwrap();
        store
            .create_session(&session("keep", user.id, 0, 0))
            .await
            .unwrap();
        store
            .create_session(&session("other", user.id, 0, 0))
            .await
            .unwrap();
        store
            .set_password(
                &acting(&user, 5),
                AuditAction::PasswordChanged,
                user.id,
                "new-hash",
                Some("keep"),
            )
            .await
            .unwrap();
        let changed = store.user(user.id).await.unwrap().unwrap();
        assert_eq!(changed.password_hash, "new-hash");
        assert_eq!(changed.password_changed_at, at(5));
        assert_eq!(changed.failed_sign_ins, 0);
        assert_eq!(changed.locked_until, None);
        assert!(store.session("keep").await.unwrap().is_some());
        assert_eq!(store.session("other").await.unwrap(), None);

        store
            .set_password(
                &system(6),
                AuditAction::PasswordReset,
                user.id,
                "reset-hash",
                None,
            )
            .await
            .unwrap();
        assert_eq!(store.session("keep").await.unwrap(), None);
        let err = store
            .set_password(
                &system(7),
                AuditAction::PasswordReset,
                UserId::random(),
                "h",
                None,
            )
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound), "{err:?}");
        let recent = actions(store, a.id).await;
        assert_eq!(recent.last().map(String::as_str), Some("password_changed"));
    }

    pub async fn sign_in_failures_count_lock_and_reset<H: Harness>(h: &H) {
        let store = h.store();
        let a = org(store, "Org").await;
        let user = member(store, "u@example.org", a.id).await;
        let ctx = acting(&user, 10);
        assert_eq!(
            store
                .record_sign_in_failure(&ctx, user.id, None)
                .await
                .unwrap(),
            1
        );
        assert_eq!(
            store
                .record_sign_in_failure(&ctx, user.id, None)
                .await
                .unwrap(),
            2
        );
        let until = at(10 + MINUTE);
        assert_eq!(
            store
                .record_sign_in_failure(&ctx, user.id, Some(until))
                .await
                .unwrap(),
            3
        );
        let locked = store.user(user.id).await.unwrap().unwrap();
        assert_eq!(locked.failed_sign_ins, 3);
        assert_eq!(locked.locked_until, Some(until));
        store
            .record_sign_in_success(&acting(&user, 20), user.id)
            .await
            .unwrap();
        let reset = store.user(user.id).await.unwrap().unwrap();
        assert_eq!(reset.failed_sign_ins, 0);
        assert_eq!(reset.locked_until, None);
        assert_eq!(
            actions(store, a.id).await,
            [
                "sign_in_failed",
                "sign_in_failed",
                "sign_in_failed",
                "account_locked",
                "signed_in"
            ]
        );
    }

    pub async fn sign_in_bookkeeping_for_a_missing_account_is_not_found<H: Harness>(h: &H) {
        let store = h.store();
        let ghost = UserId::random();
        let err = store
            .record_sign_in_failure(&system(1), ghost, None)
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound), "{err:?}");
        let err = store
            .record_sign_in_success(&system(1), ghost)
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound), "{err:?}");
        assert_eq!(entry_count(store).await, 0);
    }

    pub async fn second_factor_enrols_and_removes<H: Harness>(h: &H) {
        let store = h.store();
        let a = org(store, "Org").await;
        let user = member(store, "u@example.org", a.id).await;
        let codes: Vec<String> = (0..10).map(|i| format!("code-{i}")).collect();
        store
            .set_second_factor(&acting(&user, 2), user.id, Some("sealed-secret"), &codes)
            .await
            .unwrap();
        let enrolled = store.user(user.id).await.unwrap().unwrap();
        assert_eq!(
            enrolled.totp_secret_sealed.as_deref(),
            Some("sealed-secret")
        );
        assert_eq!(store.unused_recovery_codes(user.id).await.unwrap(), 10);
        store
            .set_second_factor(&acting(&user, 3), user.id, None, &[])
            .await
            .unwrap();
        assert_eq!(
            store
                .user(user.id)
                .await
                .unwrap()
                .unwrap()
                .totp_secret_sealed,
            None
        );
        assert_eq!(store.unused_recovery_codes(user.id).await.unwrap(), 0);
        let err = store
            .set_second_factor(&system(4), UserId::random(), Some("s"), &codes)
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound), "{err:?}");
        let recent = actions(store, a.id).await;
        assert_eq!(recent, ["second_factor_enrolled", "second_factor_removed"]);
    }

    pub async fn recovery_codes_are_consumed_once<H: Harness>(h: &H) {
        let store = h.store();
        let a = org(store, "Org").await;
        let user = member(store, "u@example.org", a.id).await;
        let other = member(store, "o@example.org", a.id).await;
        let codes = vec!["c1".to_owned(), "c2".to_owned(), "c3".to_owned()];
        store
            .set_second_factor(&acting(&user, 2), user.id, Some("s"), &codes)
            .await
            .unwrap();
        let ctx = acting(&user, 3);
        assert!(
            store
                .consume_recovery_code(&ctx, user.id, "c2")
                .await
                .unwrap()
        );
        assert!(
            !store
                .consume_recovery_code(&ctx, user.id, "c2")
                .await
                .unwrap()
        );
        assert!(
            !store
                .consume_recovery_code(&ctx, user.id, "nope")
                .await
                .unwrap()
        );
        assert!(
            !store
                .consume_recovery_code(&ctx, other.id, "c1")
                .await
                .unwrap()
        );
        assert_eq!(store.unused_recovery_codes(user.id).await.unwrap(), 2);
        let used = actions(store, a.id).await;
        assert_eq!(
            used.iter().filter(|a| *a == "recovery_code_used").count(),
            1
        );
        // Enrolling again replaces every code, used or not.
        let fresh = vec!["n1".to_owned()];
        store
            .set_second_factor(&acting(&user, 4), user.id, Some("s2"), &fresh)
            .await
            .unwrap();
        assert_eq!(store.unused_recovery_codes(user.id).await.unwrap(), 1);
        assert!(
            !store
                .consume_recovery_code(&ctx, user.id, "c1")
                .await
                .unwrap()
        );
        assert!(
            store
                .consume_recovery_code(&ctx, user.id, "n1")
                .await
                .unwrap()
        );
        assert_eq!(store.unused_recovery_codes(user.id).await.unwrap(), 0);
    }

    pub async fn sessions_live_and_die<H: Harness>(h: &H) {
        let store = h.store();
        let a = org(store, "Org").await;
        let user = member(store, "u@example.org", a.id).await;
        let record = session("tok", user.id, 0, 0);
        store.create_session(&record).await.unwrap();
        assert_eq!(store.session("tok").await.unwrap(), Some(record.clone()));
        store.touch_session("tok", at(MINUTE)).await.unwrap();
        let touched = store.session("tok").await.unwrap().unwrap();
        assert_eq!(touched.last_seen_at, at(MINUTE));
        assert_eq!(touched.created_at, at(0));
        assert!(!touched.second_factor_done);
        store
            .complete_second_factor("tok", at(2 * MINUTE))
            .await
            .unwrap();
        let done = store.session("tok").await.unwrap().unwrap();
        assert!(done.second_factor_done);
        assert_eq!(done.last_seen_at, at(2 * MINUTE));
        let err = store.create_session(&record).await.unwrap_err();
        assert!(matches!(err, StoreError::Conflict { .. }), "{err:?}");
        store.delete_session("tok").await.unwrap();
        assert_eq!(store.session("tok").await.unwrap(), None);
        store.delete_session("tok").await.unwrap();
        let err = store
            .create_session(&session("ghost", UserId::random(), 0, 0))
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound), "{err:?}");
    }

    pub async fn touching_a_missing_session_is_not_found<H: Harness>(h: &H) {
        let store = h.store();
        let err = store.touch_session("missing", at(1)).await.unwrap_err();
        assert!(matches!(err, StoreError::NotFound), "{err:?}");
        let err = store
            .complete_second_factor("missing", at(1))
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound), "{err:?}");
    }

    pub async fn expired_sessions_are_swept<H: Harness>(h: &H) {
        let store = h.store();
        let a = org(store, "Org").await;
        let user = member(store, "u@example.org", a.id).await;
        store
            .create_session(&session("idle", user.id, 50 * MINUTE, 50 * MINUTE))
            .await
            .unwrap();
        store
            .create_session(&session("old", user.id, 0, 95 * MINUTE))
            .await
            .unwrap();
        store
            .create_session(&session("live", user.id, 60 * MINUTE, 95 * MINUTE))
            .await
            .unwrap();
        // Now is 100 minutes: idle limit 30 minutes, absolute limit 90 minutes.
        let swept = store
            .delete_expired_sessions(at(70 * MINUTE), at(10 * MINUTE))
            .await
            .unwrap();
        assert_eq!(swept, 2);
        assert_eq!(store.session("idle").await.unwrap(), None);
        assert_eq!(store.session("old").await.unwrap(), None);
        assert!(store.session("live").await.unwrap().is_some());
        assert_eq!(
            store
                .delete_expired_sessions(at(70 * MINUTE), at(10 * MINUTE))
                .await
                .unwrap(),
            0
        );
    }

    pub async fn api_tokens_are_created_used_and_revoked<H: Harness>(h: &H) {
        let store = h.store();
        let a = org(store, "Org").await;
        let user = member(store, "u@example.org", a.id).await;
        let other = member(store, "o@example.org", a.id).await;
        let token = store
            .create_api_token(&acting(&user, 1), user.id, "script", "sha-1")
            .await
            .unwrap();
        assert_eq!(token.name, "script");
        assert_eq!(token.last_used_at, None);
        let err = store
            .create_api_token(&acting(&other, 1), other.id, "copy", "sha-1")
            .await
            .unwrap_err();
        assert!(
            matches!(err, StoreError::Conflict { field: "token" }),
            "{err:?}"
        );
        let used = store.use_api_token("sha-1", at(5)).await.unwrap().unwrap();
        assert_eq!(used.id, token.id);
        assert_eq!(used.user, user.id);
        assert_eq!(used.last_used_at, Some(at(5)));
        assert_eq!(store.api_tokens(user.id).await.unwrap(), vec![used]);
        assert_eq!(store.use_api_token("unknown", at(5)).await.unwrap(), None);
        let err = store
            .revoke_api_token(&acting(&other, 6), other.id, token.id)
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound), "{err:?}");
        store
            .revoke_api_token(&acting(&user, 7), user.id, token.id)
            .await
            .unwrap();
        assert_eq!(store.use_api_token("sha-1", at(8)).await.unwrap(), None);
        let err = store
            .revoke_api_token(&acting(&user, 9), user.id, token.id)
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound), "{err:?}");
        let listed = store.api_tokens(user.id).await.unwrap();
        assert_eq!(listed[0].revoked_at, Some(at(7)));
        let recent = actions(store, a.id).await;
        assert_eq!(recent, ["api_token_created", "api_token_revoked"]);
        let err = store
            .create_api_token(&system(1), UserId::random(), "ghost", "sha-2")
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound), "{err:?}");
    }

    pub async fn api_tokens_of_disabled_accounts_are_refused<H: Harness>(h: &H) {
        let store = h.store();
        let a = org(store, "Org").await;
        let admin = member(store, "admin@example.org", a.id).await;
        let user = member(store, "u@example.org", a.id).await;
        store
            .create_api_token(&acting(&user, 1), user.id, "t", "sha-x")
            .await
            .unwrap();
        assert!(store.use_api_token("sha-x", at(2)).await.unwrap().is_some());
        store
            .set_disabled(&acting(&admin, 3), &OrgScope::new(a.id), user.id, true)
            .await
            .unwrap();
        assert_eq!(store.use_api_token("sha-x", at(4)).await.unwrap(), None);
        // A token made while disabled (by the command line, say) is refused too.
        store
            .create_api_token(&system(5), user.id, "late", "sha-y")
            .await
            .unwrap();
        assert_eq!(store.use_api_token("sha-y", at(6)).await.unwrap(), None);
        let late = store.api_tokens(user.id).await.unwrap();
        assert_eq!(
            late.iter().find(|t| t.name == "late").unwrap().last_used_at,
            None
        );
    }

    pub async fn failed_changes_leave_no_audit_entry<H: Harness>(h: &H) {
        let store = h.store();
        let a = org(store, "Org").await;
        member(store, "u@example.org", a.id).await;
        let before = entry_count(store).await;
        assert_eq!(before, 2);
        assert!(
            store
                .create_organisation(&system(2), &new_org("ORG"))
                .await
                .is_err()
        );
        assert!(
            store
                .create_user(
                    &system(2),
                    &new_member("u@example.org", a.id, &[Role::Viewer])
                )
                .await
                .is_err()
        );
        assert_eq!(entry_count(store).await, before);
    }

    pub async fn audit_entries_form_a_verifiable_chain<H: Harness>(h: &H) {
        let store = h.store();
        assert!(matches!(
            store.verify_audit_chain().await.unwrap(),
            AuditVerification::Intact { entries: 0, head } if head == ChainHash::GENESIS
        ));
        let a = org(store, "Org").await;
        let mut ctx = system(7);
        ctx.org = Some(a.id);
        ctx.purpose = Some("reviewing the case".into());
        store
            .append_audit(&ctx, &event(AuditAction::AuditViewed, "x"))
            .await
            .unwrap();
        store
            .append_audit(&ctx, &event(AuditAction::SignedOut, "y"))
            .await
            .unwrap();
        let entries = store
            .audit_entries(&OrgScope::new(a.id), 10, None)
            .await
            .unwrap();
        assert_eq!(entries.len(), 2);
        let (newest, oldest) = (&entries[0], &entries[1]);
        assert_eq!((oldest.record.seq, newest.record.seq), (2, 3));
        assert_eq!(newest.previous_hash, oldest.hash);
        assert_eq!(newest.hash, newest.record.chain_hash(&newest.previous_hash));
        assert_eq!(oldest.hash, oldest.record.chain_hash(&oldest.previous_hash));
        assert_eq!(newest.record.action, "signed_out");
        assert_eq!(newest.record.object_kind, "user");
        assert_eq!(newest.record.object_id, "y");
        assert_eq!(newest.record.purpose.as_deref(), Some("reviewing the case"));
        assert_eq!(newest.record.at, at(7));
        match store.verify_audit_chain().await.unwrap() {
            AuditVerification::Intact { entries, head } => {
                assert_eq!(entries, 3);
                assert_eq!(head, newest.hash);
            }
            broken => panic!("{broken:?}"),
        }
    }

    pub async fn audit_entries_are_scoped_and_paged<H: Harness>(h: &H) {
        let store = h.store();
        let a = OrgId::random();
        let b = OrgId::random();
        append_n(store, Some(a), 5).await; // seq 1..=5
        append_n(store, Some(b), 3).await; // seq 6..=8
        append_n(store, None, 2).await; // seq 9..=10
        let scope = OrgScope::new(a);
        let page: Vec<i64> = store
            .audit_entries(&scope, 3, None)
            .await
            .unwrap()
            .iter()
            .map(|e| e.record.seq)
            .collect();
        assert_eq!(page, [5, 4, 3]);
        let next: Vec<i64> = store
            .audit_entries(&scope, 3, Some(3))
            .await
            .unwrap()
            .iter()
            .map(|e| e.record.seq)
            .collect();
        assert_eq!(next, [2, 1]);
        let bs = store
            .audit_entries(&OrgScope::new(b), 100, None)
            .await
            .unwrap();
        assert!(bs.iter().all(|e| e.record.org == Some(b)));
        assert_eq!(bs.len(), 3);
        let none = store
            .audit_entries(&OrgScope::new(OrgId::random()), 100, None)
            .await
            .unwrap();
        assert!(none.is_empty());
    }

    pub async fn concurrent_appends_keep_the_chain_intact<H: Harness>(h: &H) {
        let store = Arc::new(h.store().clone());
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..24 {
            let store = Arc::clone(&store);
            tasks.spawn(async move {
                store
                    .append_audit(
                        &system(i),
                        &event(AuditAction::AuditViewed, &format!("o{i}")),
                    )
                    .await
            });
        }
        while let Some(result) = tasks.join_next().await {
            result.unwrap().unwrap();
        }
        assert_eq!(entry_count(store.as_ref()).await, 24);
    }

    pub async fn tampered_field_is_named_by_verification<H: Harness>(h: &H) {
        let store = h.store();
        append_n(store, None, 5).await;
        h.tamper_audit_purpose(3, "nothing to see here")
            .await
            .unwrap();
        match store.verify_audit_chain().await.unwrap() {
            AuditVerification::Broken { seq, reason } => {
                assert_eq!(seq, 3);
                assert!(!reason.is_empty());
            }
            intact => panic!("tampering should be detected: {intact:?}"),
        }
    }

    pub async fn rewritten_entry_breaks_the_next_link<H: Harness>(h: &H) {
        let store = h.store();
        let a = OrgId::random();
        append_n(store, Some(a), 4).await;
        // The tamperer recomputes entry 2's own hash after changing it; the
        // link from entry 3 still gives it away.
        let entries = store
            .audit_entries(&OrgScope::new(a), 10, Some(3))
            .await
            .unwrap();
        let second = entries.iter().find(|e| e.record.seq == 2).unwrap();
        let forged = AuditRecord {
            purpose: Some("forged".into()),
            ..second.record.clone()
        };
        let forged_hash = forged.chain_hash(&second.previous_hash);
        h.tamper_audit_purpose(2, "forged").await.unwrap();
        h.tamper_audit_hash(2, &forged_hash.to_hex()).await.unwrap();
        assert_eq!(broken_at(store.verify_audit_chain().await.unwrap()), 3);
    }

    pub async fn deleted_middle_entry_is_detected<H: Harness>(h: &H) {
        let store = h.store();
        append_n(store, None, 5).await;
        h.delete_audit_entry(2).await.unwrap();
        assert_eq!(broken_at(store.verify_audit_chain().await.unwrap()), 2);
    }

    pub async fn deleted_last_entry_is_detected<H: Harness>(h: &H) {
        let store = h.store();
        append_n(store, None, 4).await;
        h.delete_audit_entry(4).await.unwrap();
        assert_eq!(broken_at(store.verify_audit_chain().await.unwrap()), 4);
    }

    pub async fn migrations_are_idempotent<H: Harness>(h: &H) {
        let store = h.store();
        let a = org(store, "Org").await;
        h.migrate().await.unwrap();
        h.migrate().await.unwrap();
        assert_eq!(store.organisation(a.id).await.unwrap(), Some(a));
        assert_eq!(entry_count(store).await, 1);
    }

    pub async fn reopening_keeps_the_data<H: Harness>(h: &H) {
        let store = h.store();
        let a = org(store, "Org").await;
        let user = member(store, "u@example.org", a.id).await;
        store
            .create_session(&session("tok", user.id, 0, 0))
            .await
            .unwrap();
        let reopened = h.reopen().await.unwrap();
        assert_eq!(reopened.organisation(a.id).await.unwrap(), Some(a.clone()));
        assert_eq!(reopened.user(user.id).await.unwrap(), Some(user.clone()));
        assert!(reopened.session("tok").await.unwrap().is_some());
        assert_eq!(entry_count(&reopened).await, 2);
        // The chain continues where it stopped.
        let mut ctx = system(9);
        ctx.org = Some(a.id);
        reopened
            .append_audit(&ctx, &event(AuditAction::AuditViewed, "x"))
            .await
            .unwrap();
        assert_eq!(entry_count(&reopened).await, 3);
    }

    pub async fn newer_schema_is_refused<H: Harness>(h: &H) {
        let store = h.store();
        org(store, "Org").await;
        h.record_unknown_migration(99_990_101_000_000)
            .await
            .unwrap();
        match h.migrate().await {
            Err(StoreError::SchemaTooNew { found, supported }) => {
                assert_eq!(found, 99_990_101_000_000);
                assert!(supported >= 1 && supported < found);
            }
            other => panic!("a newer schema must be refused: {other:?}"),
        }
        match h.reopen().await {
            Err(StoreError::SchemaTooNew { found, .. }) => assert_eq!(found, 99_990_101_000_000),
            other => panic!(
                "opening a newer schema must be refused: {:?}",
                other.map(|_| ())
            ),
        }
    }
}
