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
    AuditContext, AuditEvent, AuditLogQuery, AuditVerification, FormStamp, MediaTokens, Membership,
    NewCandidate, NewGalleryEntry, NewOrganisation, NewReport, NewRequest, NewUser,
    OpeningConsents, OrgScope, Organisation, PersonRole, Release, ReleaseOutcome, ReleasedPerson,
    RequestFilter, Review, SessionProof, SessionRecord, StatusChange, Store, StoreError,
    StoreResult, StoredPerson, UserAccount,
};
use crate::{GalleryStore, TracingStore, TransferStore};
use async_trait::async_trait;
use retrace_domain::{
    Agreement, ApiScope, ApiScopes, AuditAction, AuditRecord, CandidateId, CandidateStatus,
    ChainHash, Circumstances, ClosureReason, ConsentBasis, ConsentGiver, ConsentLedger,
    ConsentMethod, ConsentPurpose, CountryCode, DisplayName, Email, FieldExplanation,
    GalleryReference, LastNews, MessageDirection, MessageId, MessageStatus, NameKind, NewConsent,
    ObjectKind, OrgId, OrgKind, OrgName, PartialDate, PersonDetails, PersonFlags, PersonId,
    PersonName, RegistrationKind, Relationship, ReleaseRefusal, RequestId, RequestStatus, Role,
    RoleSet, Script, SeparationContext, Sex, SharingScope, Text, Timestamp, TransferId,
    TransferShare, TransferStatus, UserId,
};
use retrace_domain::{Audience, may_disclose, may_show_in_gallery};
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
    /// Makes every later audit append of `action` (an action code such as
    /// `consent_recorded`) fail, as a crash or a full disk would at that
    /// statement.
    async fn fail_audit_appends_of(&self, action: &str) -> StoreResult<()>;
    /// Empties the derived search indexes (the directory's words, the
    /// library's full-text index) behind the store's back, as a migration
    /// that changes one leaves it.
    async fn empty_search_indexes(&self) -> StoreResult<()>;
    /// Empties every directory entry's hours of the week, as entries
    /// stored before migration 0037 are, and counts the entries left so
    /// (`forget: false` only counts).
    async fn unfilled_open_weeks(&self, forget: bool) -> StoreResult<i64>;
    /// The database as an attacker with a copy of it sees it: the SQLite
    /// file's bytes (with its write-ahead log), `pg_dump`'s output.
    async fn dump(&self) -> Vec<u8>;
    /// One batch of the key rotation (`batch` values per column): how
    /// many values were re-encrypted under the current key.
    async fn reencrypt_batch(&self, batch: i64) -> StoreResult<u64>;
    /// How many stored values are not under the current key.
    async fn values_not_under_current_key(&self) -> StoreResult<u64>;
    /// Sets the last case-reference number given for a country and year,
    /// as that many requests opened before would have.
    async fn set_reference_counter(
        &self,
        country: CountryCode,
        year: u16,
        last_number: i64,
    ) -> StoreResult<()>;
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
            totp_steps_are_accepted_once_and_in_order,
            reports_spend_their_form_stamp_once,
            exports_keep_the_reason_out_of_the_audit_log,
            probes_of_another_organisations_ids_are_security_events,
            sessions_live_and_die,
            touching_a_missing_session_is_not_found,
            expired_sessions_are_swept,
            api_tokens_are_created_used_and_revoked,
            api_tokens_of_disabled_accounts_are_refused,
            api_tokens_keep_scopes_and_expiry,
            failed_changes_leave_no_audit_entry,
            audit_entries_form_a_verifiable_chain,
            audit_entries_are_scoped_and_paged,
            the_audit_log_is_read_by_actor_action_object_and_day,
            concurrent_appends_keep_the_chain_intact,
            tampered_field_is_named_by_verification,
            rewritten_entry_breaks_the_next_link,
            deleted_middle_entry_is_detected,
            deleted_last_entry_is_detected,
            migrations_are_idempotent,
            reopening_keeps_the_data,
            newer_schema_is_refused,
            requests_round_trip_with_names_in_several_scripts,
            references_are_numbered_per_country_and_year,
            references_grow_past_five_digits_and_sort_by_number,
            another_organisations_request_is_not_found,
            another_organisations_person_is_not_found,
            stale_versions_conflict_and_write_nothing,
            status_changes_are_dated_attributed_and_kept,
            request_list_filters_combine,
            request_list_text_matches_references_and_names_in_any_script,
            request_list_only_restricts_to_given_ids,
            reads_and_writes_of_requests_are_audited_without_personal_data,
            registrations_are_listed_newest_first,
            consents_are_recorded_withdrawn_and_need_an_actor,
            matchable_persons_page_through_every_organisation,
            recorded_candidates_are_upserted_and_stale_proposals_pruned,
            candidates_are_visible_to_their_two_sides_only,
            each_side_reviews_its_own_half,
            an_adult_is_released_only_under_a_covering_sharing_consent,
            a_person_at_risk_is_never_released,
            a_minor_is_released_by_two_different_staff,
            released_details_reach_only_the_receiving_side,
            removing_candidates_keeps_released_pairs,
            family_messages_move_forward_and_stay_with_their_candidate,
            edits_to_names_are_found_by_search,
            concurrent_requests_get_distinct_references,
            // Transfers (begin)
            transfers_reach_the_receiver_with_the_chosen_parts_only,
            transfers_abroad_follow_risk_and_consent_at_every_read,
            removing_candidates_audits_each_removal,
            // Transfers (end)
            opening_a_request_stores_nothing_when_its_last_statement_fails,
            publishing_stores_nothing_when_its_last_statement_fails,
            releases_show_what_was_released_and_only_while_the_rule_allows,
            every_list_of_requests_shown_is_audited,
            gallery_entries_are_public_only_while_the_rule_allows,
            // referrals (issue 11)
            referrals_run_through_the_stages_between_two_organisations,
            referrals_follow_consent_at_creation_and_at_every_read,
            template_revisions_do_not_change_started_cases,
            creating_a_referral_stores_nothing_when_its_last_statement_fails,
            a_step_ticked_twice_in_a_race_is_ticked_once,
            filled_tools_stay_with_the_organisation_that_filled_them,
            // directory (issue 12)
            directory_entries_are_seen_by_visibility_and_changed_by_their_maintainers,
            directory_filters_combine,
            directory_text_finds_word_beginnings,
            directory_one_character_matches_only_the_equal_word,
            directory_searches_in_list_order_find_what_filtering_finds,
            directory_prefixes_of_many_overlapping_words_find_what_filtering_finds,
            search_indexes_are_refilled_when_they_are_found_empty,
            entries_stored_before_the_hours_of_the_week_get_them_on_migration,
            directory_changes_store_nothing_when_their_audit_entry_fails,
            country_profiles_keep_every_version,
            library_search_is_language_aware_and_respects_visibility,
            library_search_pages_and_filters_in_the_index,
            library_search_past_the_count_limit_ranks_the_newest_matches,
            library_uploads_store_nothing_when_their_audit_entry_fails,
            // outreach (issue 13)
            outreach_sync_is_idempotent_by_the_phones_id,
            outreach_edits_made_apart_conflict_and_overwrite_nothing,
            outreach_of_another_organisation_is_not_found,
            outreach_stats_follow_the_filter_and_the_scope,
            outreach_topics_are_the_organisations_own,
            outreach_sync_stores_nothing_when_its_last_statement_fails,
            outreach_batches_refuse_alone_and_tallies_follow_every_change,
            outreach_import_matches_sessions_synced_one_by_one,
            // several servers on one database (issue 19)
            the_outbox_records_person_changes_in_their_transaction,
            changes_that_decide_matching_leave_an_outbox_row,
            the_database_has_one_random_identity,
            pruning_the_outbox_keeps_the_newest_position,
            the_matching_engine_is_recorded,
            rate_limits_count_per_client_and_window,
            // work queue (issue 15)
            the_work_queue_shows_each_side_its_own_work,
            notifications_are_marked_read_forward_only,
            // lists that work (issue 15, item 7)
            request_lists_count_candidates_show_flags_and_sort,
            requests_are_assigned_within_the_organisation_only,
            registration_lists_filter_sort_page_and_count,
            sought_gallery_and_report_lists_filter_sort_page_and_count,
            // networks (issue 14)
            networks_and_their_posts_exist_for_members_only,
            network_posts_follow_the_posting_rules_and_filters,
            network_membership_is_changed_by_coordinators_and_read_live,
            followed_posts_reach_the_work_queue_of_members_only,
            seeded_network_posts_are_written_in_bulk,
            // smart practices (issue 14, item 2)
            practices_are_peer_reviewed_by_two_other_organisations_then_public,
            public_submissions_are_held_for_the_coordinators,
            practices_are_found_by_filters_and_words_in_four_languages,
            // imports (issue 18)
            imported_records_keep_their_relationship_and_are_idempotent,
            csv_mappings_are_saved_per_organisation_and_audited,
            a_failing_import_stores_nothing,
            a_large_import_keeps_each_row_whole_across_batches,
            // field encryption at rest (issue 16)
            encrypted_fields_never_reach_a_dump_in_clear,
            rotation_leaves_every_value_readable,
            // retention and erasure (issue 16)
            erasure_reaches_every_copy_and_keeps_the_chain,
            subject_access_holds_every_module_and_nothing_of_another_person,
            retention_removes_what_is_past_its_period_and_keeps_the_rest,
            // the organisation's public contact (issue 15, item 9)
            public_contact_is_set_replaced_cleared_and_audited,
            // pledge indicators (issue 14, item 3)
            indicators_are_computed_exactly_across_year_boundaries,
            entered_indicators_are_replaced_audited_and_added_up_by_network,
            // the e-mail digest (issues 14 and 15)
            digest_preference_is_off_by_default_and_audited_without_the_address,
            due_digests_are_claimed_once_among_concurrent_servers,
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

pub(crate) fn at(millis: i64) -> Timestamp {
    Timestamp::from_millis(T0 + millis)
}

pub(crate) fn system(millis: i64) -> AuditContext {
    AuditContext::system(at(millis), "conformance test")
}

pub(crate) fn acting(user: &UserAccount, millis: i64) -> AuditContext {
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

pub(crate) async fn member<S: Store>(store: &S, email: &str, org: OrgId) -> UserAccount {
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

/// Starts a session that waits for the second factor (nothing is audited).
async fn start<S: Store>(store: &S, record: SessionRecord) {
    let started = store
        .start_session(&system(0), &record, SessionProof::Password, None)
        .await
        .unwrap();
    assert!(started);
}

/// Starts a fully signed-in session for `user` with `proof`.
async fn sign_in<S: Store>(
    store: &S,
    user: &UserAccount,
    token: &str,
    proof: SessionProof<'_>,
) -> StoreResult<bool> {
    let record = SessionRecord {
        second_factor_done: true,
        ..session(token, user.id, 0, 0)
    };
    store
        .start_session(&acting(user, 1), &record, proof, None)
        .await
}

pub(crate) async fn entry_count<S: Store>(store: &S) -> u64 {
    match store.verify_audit_chain().await.unwrap() {
        AuditVerification::Intact { entries, .. } => entries,
        broken => panic!("the chain should be intact: {broken:?}"),
    }
}

/// The actions of the scope's entries, oldest first.
pub(crate) async fn actions<S: Store>(store: &S, org: OrgId) -> Vec<String> {
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
    // The referral behaviours live in their own module (issue 11).
    pub use crate::conformance_cluster::*;
    pub use crate::conformance_crypto::*;
    pub use crate::conformance_digest::*;
    pub use crate::conformance_directory::*;
    pub use crate::conformance_indicators::*;
    pub use crate::conformance_interchange::*;
    pub use crate::conformance_lists::*;
    pub use crate::conformance_network::*;
    pub use crate::conformance_org_contact::*;
    pub use crate::conformance_outreach::tests::*;
    pub use crate::conformance_practices::*;
    pub use crate::conformance_privacy::*;
    pub use crate::conformance_referrals::*;
    pub use crate::conformance_retention::*;
    pub use crate::conformance_work::*;

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
        start(store, session("s1", target.id, 0, 0)).await;
        let token = store
            .create_api_token(
                &acting(&target, 2),
                target.id,
                "laptop",
                "hash-1",
                ApiScopes::LEGACY,
                None,
            )
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
        start(store, session("keep", user.id, 0, 0)).await;
        start(store, session("other", user.id, 0, 0)).await;
        store
            .create_api_token(
                &acting(&user, 3),
                user.id,
                "laptop",
                "token-hash",
                ApiScopes::LEGACY,
                None,
            )
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
        assert_eq!(
            store.use_api_token("token-hash", at(6)).await.unwrap(),
            None
        );
        assert!(
            store.api_tokens(user.id).await.unwrap()[0]
                .revoked_at
                .is_some()
        );

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
        assert!(
            sign_in(store, &user, "done", SessionProof::Password)
                .await
                .unwrap()
        );
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
        let record = SessionRecord {
            second_factor_done: true,
            ..session("ghost", ghost, 0, 0)
        };
        let err = store
            .start_session(&system(1), &record, SessionProof::Password, None)
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
        let enrolment = |sealed, step| SessionProof::Enrolment {
            totp_secret_sealed: sealed,
            recovery_code_hashes: &codes,
            step,
        };
        start(store, session("pending", user.id, 0, 0)).await;
        let record = SessionRecord {
            second_factor_done: true,
            ..session("full", user.id, 0, 0)
        };
        let started = store
            .start_session(
                &acting(&user, 2),
                &record,
                enrolment("sealed-secret", 7),
                Some("pending"),
            )
            .await
            .unwrap();
        assert!(started);
        assert_eq!(store.session("pending").await.unwrap(), None);
        assert_eq!(store.session("full").await.unwrap(), Some(record));
        let enrolled = store.user(user.id).await.unwrap().unwrap();
        assert_eq!(
            enrolled.totp_secret_sealed.as_deref(),
            Some("sealed-secret")
        );
        assert_eq!(store.unused_recovery_codes(user.id).await.unwrap(), 10);
        // The code that proved the enrolment is spent.
        assert!(
            !sign_in(store, &user, "again", SessionProof::TotpStep(7))
                .await
                .unwrap()
        );
        store
            .remove_second_factor(&acting(&user, 3), user.id)
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
        let ghost = SessionRecord {
            second_factor_done: true,
            ..session("ghost", UserId::random(), 0, 0)
        };
        let err = store
            .start_session(&system(4), &ghost, enrolment("s", 9), None)
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound), "{err:?}");
        let err = store
            .remove_second_factor(&system(4), UserId::random())
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound), "{err:?}");
        let recent = actions(store, a.id).await;
        assert_eq!(
            recent,
            [
                "second_factor_enrolled",
                "signed_in",
                "second_factor_removed"
            ]
        );
    }

    pub async fn totp_steps_are_accepted_once_and_in_order<H: Harness>(h: &H) {
        let store = h.store();
        let a = org(store, "Org").await;
        let user = member(store, "u@example.org", a.id).await;
        let other = member(store, "o@example.org", a.id).await;
        let step = |token, account, step| async move {
            sign_in(store, account, token, SessionProof::TotpStep(step))
                .await
                .unwrap()
        };
        assert!(step("t1", &user, 100).await);
        assert!(!step("t2", &user, 100).await);
        assert!(!step("t3", &user, 99).await);
        assert!(step("t4", &other, 100).await);
        assert!(step("t5", &user, 101).await);
        // A refused step starts no session.
        assert_eq!(store.session("t2").await.unwrap(), None);
        assert_eq!(store.session("t3").await.unwrap(), None);
        assert!(store.session("t5").await.unwrap().is_some());
    }

    pub async fn reports_spend_their_form_stamp_once<H: Harness>(h: &H) {
        let store = h.store();
        let (a, user) = org_with_member(store, "Org", "CH", "u@example.org").await;
        let scope = OrgScope::new(a.id);
        let reference = published_entry(store, &scope, &user).await;
        let report = NewReport {
            message: Text::parse("message", "I saw him in Lyon", 4000, true).unwrap(),
            contact: None,
            language: "fr".to_owned(),
        };
        let stamp = |nonce: &str, expires: i64| FormStamp {
            nonce: nonce.to_owned(),
            expires_at: at(expires),
        };
        let visitor = |millis| AuditContext {
            purpose: Some("gallery report".to_owned()),
            ..system(millis)
        };
        let send = |millis, stamp| {
            let reference = reference.clone();
            let report = report.clone();
            async move {
                store
                    .create_report(&visitor(millis), &reference, &report, &stamp)
                    .await
            }
        };
        send(10, stamp("n1", 100)).await.unwrap();
        let err = send(50, stamp("n1", 100)).await.unwrap_err();
        assert!(
            matches!(err, StoreError::Conflict { field: "stamp" }),
            "{err:?}"
        );
        send(50, stamp("n2", 100)).await.unwrap();
        // Once expired a stamp is forgotten (the form refuses it by then).
        send(300, stamp("n1", 400)).await.unwrap();
        // A report that fails spends nothing.
        let missing = GalleryReference::from_random_bytes(&[1; 8]).unwrap();
        let err = store
            .create_report(&visitor(310), &missing, &report, &stamp("n3", 400))
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound), "{err:?}");
        send(320, stamp("n3", 400)).await.unwrap();
        assert_eq!(store.reports(&scope, None, 10).await.unwrap().len(), 4);
    }

    pub async fn exports_keep_the_reason_out_of_the_audit_log<H: Harness>(h: &H) {
        let store = h.store();
        let (a, user) = org_with_member(store, "Org", "CH", "u@example.org").await;
        let b = org(store, "Other").await;
        let scope = OrgScope::new(a.id);
        let mut opened = Vec::new();
        for millis in 1..=3 {
            let request = store
                .create_request(&acting(&user, millis), &scope, &simple_request())
                .await
                .unwrap();
            opened.push(request.id);
        }
        let filter = RequestFilter::default();
        let err = store
            .export_requests(&system(5), &scope, &filter, 10, "for the board")
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::ActorRequired), "{err:?}");
        let entries_before = entry_count(store).await;
        let export = store
            .export_requests(&acting(&user, 6), &scope, &filter, 2, "for the board")
            .await
            .unwrap();
        // Newest first, cut at the limit, each with its persons' consents.
        let ids: Vec<RequestId> = export.requests.iter().map(|r| r.request.id).collect();
        assert_eq!(ids, [opened[2], opened[1]]);
        for exported in &export.requests {
            assert!(
                exported
                    .consents
                    .contains_key(&exported.request.enquirer.id)
            );
        }
        let record = export.record;
        assert_eq!(record.row_count, 2);
        // One entry for the whole export: the rows read are not each logged.
        assert_eq!(entry_count(store).await, entries_before + 1);
        assert_eq!(
            store.export_record(&scope, record.id).await.unwrap(),
            Some(record.clone())
        );
        assert_eq!(
            store
                .export_record(&OrgScope::new(b.id), record.id)
                .await
                .unwrap(),
            None
        );
        let entries = store.audit_entries(&scope, 10, None).await.unwrap();
        let entry = &entries[0].record;
        assert_eq!(entry.action, "data_exported");
        assert_eq!(entry.object_kind, "export");
        assert_eq!(entry.object_id, record.id.to_string());
        assert!(
            entries
                .iter()
                .all(|e| !format!("{:?}", e.record).contains("board"))
        );
        // Another organisation's export holds none of these requests.
        let (third, other) = org_with_member(store, "Third", "CH", "u@third.org").await;
        let theirs = store
            .export_requests(
                &acting(&other, 7),
                &OrgScope::new(third.id),
                &filter,
                10,
                "for the board",
            )
            .await
            .unwrap();
        assert!(theirs.requests.is_empty());
    }

    pub async fn probes_of_another_organisations_ids_are_security_events<H: Harness>(h: &H) {
        let store = h.store();
        let (a, user_a) = org_with_member(store, "Org A", "BE", "u@a.org").await;
        let (b, user_b) = org_with_member(store, "Org B", "BE", "u@b.org").await;
        let created = store
            .create_request(&acting(&user_a, 1), &OrgScope::new(a.id), &simple_request())
            .await
            .unwrap();
        let id = created.id.to_string();
        let kind = ObjectKind::TracingRequest;
        // Its own record or a missing id is no probe.
        assert!(
            !store
                .note_cross_org_probe(at(2), user_a.id, a.id, kind, &id)
                .await
                .unwrap()
        );
        let missing = RequestId::random().to_string();
        assert!(
            !store
                .note_cross_org_probe(at(2), user_b.id, b.id, kind, &missing)
                .await
                .unwrap()
        );
        assert!(
            store
                .note_cross_org_probe(at(3), user_b.id, b.id, kind, &id)
                .await
                .unwrap()
        );
        let person = created.enquirer.id.to_string();
        assert!(
            store
                .note_cross_org_probe(at(4), user_b.id, b.id, ObjectKind::Person, &person)
                .await
                .unwrap()
        );
        let events = store.security_events(10).await.unwrap();
        assert_eq!(events.len(), 2);
        assert_eq!(events[0].kind, "cross_org_probe:person");
        assert_eq!(events[0].at, at(4));
        assert_eq!(events[1].kind, "cross_org_probe:tracing_request");
        assert_eq!(events[1].user, Some(user_b.id));
        assert_eq!(events[1].org, Some(b.id));
    }

    pub async fn recovery_codes_are_consumed_once<H: Harness>(h: &H) {
        let store = h.store();
        let a = org(store, "Org").await;
        let user = member(store, "u@example.org", a.id).await;
        let other = member(store, "o@example.org", a.id).await;
        let enrol = |sealed, codes: &[String], step| {
            let codes = codes.to_vec();
            let user = user.clone();
            async move {
                let proof = SessionProof::Enrolment {
                    totp_secret_sealed: sealed,
                    recovery_code_hashes: &codes,
                    step,
                };
                assert!(sign_in(store, &user, sealed, proof).await.unwrap());
            }
        };
        enrol("s", &["c1".to_owned(), "c2".to_owned(), "c3".to_owned()], 1).await;
        let code = |account, token, hash| async move {
            sign_in(store, account, token, SessionProof::RecoveryCode(hash))
                .await
                .unwrap()
        };
        assert!(code(&user, "r1", "c2").await);
        assert!(!code(&user, "r2", "c2").await);
        assert!(!code(&user, "r3", "nope").await);
        assert!(!code(&other, "r4", "c1").await);
        assert_eq!(store.session("r2").await.unwrap(), None);
        assert_eq!(store.unused_recovery_codes(user.id).await.unwrap(), 2);
        let used = actions(store, a.id).await;
        assert_eq!(
            used.iter().filter(|a| *a == "recovery_code_used").count(),
            1
        );
        // Enrolling again replaces every code, used or not.
        enrol("s2", &["n1".to_owned()], 2).await;
        assert_eq!(store.unused_recovery_codes(user.id).await.unwrap(), 1);
        assert!(!code(&user, "r5", "c1").await);
        assert!(code(&user, "r6", "n1").await);
        assert_eq!(store.unused_recovery_codes(user.id).await.unwrap(), 0);
    }

    pub async fn sessions_live_and_die<H: Harness>(h: &H) {
        let store = h.store();
        let a = org(store, "Org").await;
        let user = member(store, "u@example.org", a.id).await;
        let record = session("tok", user.id, 0, 0);
        start(store, record.clone()).await;
        assert_eq!(store.session("tok").await.unwrap(), Some(record.clone()));
        store.touch_session("tok", at(MINUTE)).await.unwrap();
        let touched = store.session("tok").await.unwrap().unwrap();
        assert_eq!(touched.last_seen_at, at(MINUTE));
        assert_eq!(touched.created_at, at(0));
        assert!(!touched.second_factor_done);
        let err = store
            .start_session(&system(1), &record, SessionProof::Password, None)
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Conflict { .. }), "{err:?}");
        store.delete_session("tok").await.unwrap();
        assert_eq!(store.session("tok").await.unwrap(), None);
        store.delete_session("tok").await.unwrap();
        let ghost = session("ghost", UserId::random(), 0, 0);
        let err = store
            .start_session(&system(1), &ghost, SessionProof::Password, None)
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound), "{err:?}");
        // Signing out ends the session and is on record.
        start(store, session("out", user.id, 0, 0)).await;
        store.end_session(&acting(&user, 2), "out").await.unwrap();
        assert_eq!(store.session("out").await.unwrap(), None);
        let recent = actions(store, a.id).await;
        assert_eq!(recent.last().map(String::as_str), Some("signed_out"));
    }

    pub async fn touching_a_missing_session_is_not_found<H: Harness>(h: &H) {
        let store = h.store();
        let err = store.touch_session("missing", at(1)).await.unwrap_err();
        assert!(matches!(err, StoreError::NotFound), "{err:?}");
    }

    pub async fn expired_sessions_are_swept<H: Harness>(h: &H) {
        let store = h.store();
        let a = org(store, "Org").await;
        let user = member(store, "u@example.org", a.id).await;
        start(store, session("idle", user.id, 50 * MINUTE, 50 * MINUTE)).await;
        start(store, session("old", user.id, 0, 95 * MINUTE)).await;
        start(store, session("live", user.id, 60 * MINUTE, 95 * MINUTE)).await;
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
            .create_api_token(
                &acting(&user, 1),
                user.id,
                "script",
                "sha-1",
                ApiScopes::LEGACY,
                None,
            )
            .await
            .unwrap();
        assert_eq!(token.name, "script");
        assert_eq!(token.last_used_at, None);
        let err = store
            .create_api_token(
                &acting(&other, 1),
                other.id,
                "copy",
                "sha-1",
                ApiScopes::LEGACY,
                None,
            )
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
            .create_api_token(
                &system(1),
                UserId::random(),
                "ghost",
                "sha-2",
                ApiScopes::LEGACY,
                None,
            )
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound), "{err:?}");
    }

    pub async fn api_tokens_keep_scopes_and_expiry<H: Harness>(h: &H) {
        let store = h.store();
        let a = org(store, "Org").await;
        let user = member(store, "u@example.org", a.id).await;
        let feed = ApiScopes::of(&[ApiScope::Read, ApiScope::Export]).unwrap();
        let token = store
            .create_api_token(
                &acting(&user, 1),
                user.id,
                "feed",
                "sha-f",
                feed,
                Some(at(10)),
            )
            .await
            .unwrap();
        assert_eq!((token.scopes, token.expires_at), (feed, Some(at(10))));
        let used = store.use_api_token("sha-f", at(9)).await.unwrap().unwrap();
        assert_eq!((used.scopes, used.expires_at), (feed, Some(at(10))));
        assert!(!used.expired(at(9)) && used.expired(at(10)));
        // An expired token is still found (so that the refusal can say
        // why) but its use is not recorded.
        let late = store.use_api_token("sha-f", at(11)).await.unwrap().unwrap();
        assert!(late.expired(at(11)));
        assert_eq!(late.last_used_at, Some(at(9)));
        assert_eq!(store.api_tokens(user.id).await.unwrap(), vec![late]);
    }

    pub async fn api_tokens_of_disabled_accounts_are_refused<H: Harness>(h: &H) {
        let store = h.store();
        let a = org(store, "Org").await;
        let admin = member(store, "admin@example.org", a.id).await;
        let user = member(store, "u@example.org", a.id).await;
        store
            .create_api_token(
                &acting(&user, 1),
                user.id,
                "t",
                "sha-x",
                ApiScopes::LEGACY,
                None,
            )
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
            .create_api_token(
                &system(5),
                user.id,
                "late",
                "sha-y",
                ApiScopes::LEGACY,
                None,
            )
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

    pub async fn the_audit_log_is_read_by_actor_action_object_and_day<H: Harness>(h: &H) {
        let store = h.store();
        let org = OrgId::random();
        let alice = UserId::random();
        let bruno = UserId::random();
        const DAY: i64 = 86_400_000;
        // (day, actor, action, object): seq 1..=6 in this order.
        let writes = [
            (0, alice, AuditAction::PersonViewed, "p1"),
            (0, bruno, AuditAction::PersonViewed, "p2"),
            (1, alice, AuditAction::AuditViewed, "p1"),
            (1, bruno, AuditAction::PersonViewed, "p1"),
            (2, alice, AuditAction::PersonViewed, "p1"),
            (2, bruno, AuditAction::AuditViewed, "p2"),
        ];
        for (day, actor, action, object) in writes {
            let ctx = AuditContext {
                at: Timestamp::from_millis(1_700_000_000_000 + day * DAY),
                actor: Some(actor),
                org: Some(org),
                purpose: None,
            };
            store
                .append_audit(&ctx, &event(action, object))
                .await
                .unwrap();
        }
        // Another organisation's entry about the same object is never read.
        let mut other = system(9);
        other.org = Some(OrgId::random());
        other.actor = Some(alice);
        store
            .append_audit(&other, &event(AuditAction::PersonViewed, "p1"))
            .await
            .unwrap();
        let reader = AuditContext::system(Timestamp::from_millis(1_800_000_000_000), "test");
        let scope = OrgScope::new(org);
        let read = |query: AuditLogQuery| {
            let reader = reader.clone();
            async move {
                store
                    .read_audit_log(&reader, &scope, &query)
                    .await
                    .unwrap()
                    .iter()
                    .map(|e| (e.record.actor, e.record.object_id.clone(), e.record.at))
                    .collect::<Vec<_>>()
            }
        };
        let all = AuditLogQuery {
            limit: 100,
            ..AuditLogQuery::default()
        };
        // Who opened p1: three entries (the log's own `audit_viewed` of
        // each read is about the organisation, never p1).
        let about_p1 = read(AuditLogQuery {
            object_id: Some("p1".into()),
            action: Some(AuditAction::PersonViewed),
            ..all.clone()
        })
        .await;
        assert_eq!(
            about_p1.iter().map(|e| e.0).collect::<Vec<_>>(),
            [Some(alice), Some(bruno), Some(alice)]
        );
        let by_bruno = read(AuditLogQuery {
            actor: Some(bruno),
            ..all.clone()
        })
        .await;
        assert_eq!(
            by_bruno.iter().map(|e| e.1.as_str()).collect::<Vec<_>>(),
            ["p2", "p1", "p2"]
        );
        let day_one = read(AuditLogQuery {
            from: Some(Timestamp::from_millis(1_700_000_000_000 + DAY)),
            until: Some(Timestamp::from_millis(1_700_000_000_000 + 2 * DAY)),
            object_kind: Some(ObjectKind::User),
            ..all.clone()
        })
        .await;
        assert_eq!(day_one.len(), 2);
        // Paged with the filters kept: the newest of Alice's, then older.
        let first = read(AuditLogQuery {
            actor: Some(alice),
            limit: 2,
            ..all.clone()
        })
        .await;
        assert_eq!(first.len(), 2);
        let entries = store.audit_entries(&scope, 100, None).await.unwrap();
        let oldest_shown = entries
            .iter()
            .filter(|e| e.record.actor == Some(alice))
            .map(|e| e.record.seq)
            .nth(1)
            .unwrap();
        let rest = read(AuditLogQuery {
            actor: Some(alice),
            before_seq: Some(oldest_shown),
            ..all.clone()
        })
        .await;
        assert_eq!(rest.len(), 1);
        assert!(
            read(AuditLogQuery {
                object_kind: Some(ObjectKind::Person),
                ..all
            })
            .await
            .is_empty()
        );
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
        start(store, session("tok", user.id, 0, 0)).await;
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

    // Restoring Family Links.

    pub async fn requests_round_trip_with_names_in_several_scripts<H: Harness>(h: &H) {
        let store = h.store();
        let (a, user) = org_with_member(store, "Croix-Rouge", "BE", "u@be.org").await;
        let mut enquirer = person_named(&["Amina Haddad", "أمينة حداد"], &["SY"]);
        enquirer.contact = Some(text("+32 470 00 00 00"));
        let mut brother = person_named(&["محمد حداد", "Mohamed Haddad"], &["SY"]);
        brother.birth_date = Some(PartialDate::parse("~1990").unwrap());
        let sister = person_named(&["Олена Гаддад"], &["UA"]);
        let mut son = person_named(&["ተስፋይ ገብረሚካኤል"], &["ER"]);
        son.flags.minor = true;
        let new = NewRequest {
            enquirer: enquirer.clone(),
            sought: vec![
                (Relationship::Brother, brother.clone()),
                (Relationship::Sister, sister.clone()),
                (Relationship::Son, son.clone()),
            ],
            circumstances: circumstances("Aleppo"),
        };
        let created = store
            .create_request(&acting(&user, 5), &OrgScope::new(a.id), &new)
            .await
            .unwrap();
        assert_eq!(created.org, a.id);
        assert_eq!(created.status, RequestStatus::Open);
        assert_eq!(created.version, 1);
        assert_eq!(created.reference.to_string(), "BE-2023-00001");
        assert_eq!(created.enquirer.role, PersonRole::Enquirer);
        assert_eq!(created.enquirer.details, enquirer);
        let roles: Vec<PersonRole> = created.sought.iter().map(|p| p.role).collect();
        assert_eq!(
            roles,
            [
                PersonRole::Sought(Relationship::Brother),
                PersonRole::Sought(Relationship::Sister),
                PersonRole::Sought(Relationship::Son),
            ]
        );
        let read = store
            .request(&acting(&user, 6), &OrgScope::new(a.id), created.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(read, created);
        assert_eq!(read.sought[0].details.names()[0].full(), "محمد حداد");
        assert_eq!(read.sought[0].details.names()[0].script(), Script::Arabic);
        assert_eq!(read.sought[1].details.names()[0].script(), Script::Cyrillic);
        assert_eq!(read.sought[2].details.names()[0].script(), Script::Ethiopic);
        assert!(read.sought[2].details.flags.minor);
        assert_eq!(read.sought[0].request, Some(created.id));
        assert_eq!(read.circumstances, circumstances("Aleppo"));
        assert_eq!(read.created_at, at(5));
        let missing = store
            .request(&acting(&user, 7), &OrgScope::new(a.id), RequestId::random())
            .await
            .unwrap();
        assert_eq!(missing, None);
    }

    pub async fn references_are_numbered_per_country_and_year<H: Harness>(h: &H) {
        let store = h.store();
        let (be, be_user) = org_with_member(store, "Belgian RC", "BE", "u@be.org").await;
        let (be2, be2_user) = org_with_member(store, "Belgian NGO", "BE", "u@ngo.be").await;
        let (fr, fr_user) = org_with_member(store, "French RC", "FR", "u@fr.org").await;
        let in_2026 = Timestamp::from_millis(1_772_323_200_000); // 2026-03-01
        let in_2027 = Timestamp::from_millis(1_798_761_600_000); // 2027-01-01
        let mut refs = Vec::new();
        for (org, user, when) in [
            (be.id, &be_user, in_2026),
            (be.id, &be_user, in_2026),
            (be2.id, &be2_user, in_2026),
            (fr.id, &fr_user, in_2026),
            (be.id, &be_user, in_2027),
        ] {
            let created = store
                .create_request(
                    &acting_at(user, when),
                    &OrgScope::new(org),
                    &simple_request(),
                )
                .await
                .unwrap();
            refs.push(created.reference.to_string());
        }
        assert_eq!(
            refs,
            [
                "BE-2026-00001",
                "BE-2026-00002",
                "BE-2026-00003",
                "FR-2026-00001",
                "BE-2027-00001",
            ]
        );
        let err = store
            .create_request(
                &acting_at(&be_user, in_2026),
                &OrgScope::new(OrgId::random()),
                &simple_request(),
            )
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound), "{err:?}");
        // The refused creation left nothing behind: no person, no audit entry.
        assert_eq!(store.matchable_persons(None, 100).await.unwrap().len(), 10);
        assert_eq!(entry_count(store).await, 3 + 3 + 5);
    }

    pub async fn references_grow_past_five_digits_and_sort_by_number<H: Harness>(h: &H) {
        let store = h.store();
        let (be, user) = org_with_member(store, "Belgian RC", "BE", "u@be.org").await;
        let scope = OrgScope::new(be.id);
        let in_2026 = Timestamp::from_millis(1_772_323_200_000); // 2026-03-01
        let be_code = CountryCode::parse("BE").unwrap();
        // 99,998 requests of Belgium in 2026 opened before.
        h.set_reference_counter(be_code, 2026, 99_998)
            .await
            .unwrap();
        let mut opened = Vec::new();
        for _ in 0..3 {
            let created = store
                .create_request(&acting_at(&user, in_2026), &scope, &simple_request())
                .await
                .unwrap();
            opened.push(created);
        }
        let refs: Vec<String> = opened.iter().map(|r| r.reference.to_string()).collect();
        assert_eq!(refs, ["BE-2026-99999", "BE-2026-100000", "BE-2026-100001"]);
        // Read back as stored, and found by its reference.
        let read = store
            .request(&acting_at(&user, in_2026), &scope, opened[1].id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(read.reference.to_string(), "BE-2026-100000");
        assert_eq!(read.reference.number(), 100_000);
        let found = RequestFilter {
            text: Some("BE-2026-100000".into()),
            ..filter()
        };
        let (page, total) = store
            .list_requests(&acting_at(&user, in_2026), &scope, &found)
            .await
            .unwrap();
        assert_eq!(total, 1);
        assert_eq!(page[0].id, opened[1].id);
        // A request of 2025 with a five-digit number, then the order by
        // reference: by year, then by number, not as text (where
        // "BE-2026-100000" < "BE-2026-99999").
        let in_2025 = Timestamp::from_millis(1_740_787_200_000); // 2025-03-01
        let earlier = store
            .create_request(&acting_at(&user, in_2025), &scope, &simple_request())
            .await
            .unwrap();
        assert_eq!(earlier.reference.to_string(), "BE-2025-00001");
        let by_reference = RequestFilter {
            order: crate::ListOrder::Alphabetical,
            ..filter()
        };
        let (page, _) = store
            .list_requests(&acting_at(&user, in_2026), &scope, &by_reference)
            .await
            .unwrap();
        let listed: Vec<String> = page.iter().map(|r| r.reference.to_string()).collect();
        assert_eq!(
            listed,
            [
                "BE-2025-00001",
                "BE-2026-99999",
                "BE-2026-100000",
                "BE-2026-100001"
            ]
        );
        let mut sorted: Vec<_> = page.iter().map(|r| r.reference.clone()).collect();
        sorted.reverse();
        sorted.sort();
        assert_eq!(
            sorted,
            page.iter().map(|r| r.reference.clone()).collect::<Vec<_>>()
        );
        // Past the largest number: refused, nothing stored.
        h.set_reference_counter(
            be_code,
            2026,
            i64::from(retrace_domain::CaseReference::MAX_NUMBER),
        )
        .await
        .unwrap();
        let err = store
            .create_request(&acting_at(&user, in_2026), &scope, &simple_request())
            .await
            .unwrap_err();
        assert!(
            matches!(err, StoreError::Conflict { field: "reference" }),
            "{err:?}"
        );
        let (_, total) = store
            .list_requests(&acting_at(&user, in_2026), &scope, &filter())
            .await
            .unwrap();
        assert_eq!(total, 4);
    }

    pub async fn another_organisations_request_is_not_found<H: Harness>(h: &H) {
        let store = h.store();
        let (a, user_a) = org_with_member(store, "Org A", "BE", "u@a.org").await;
        let (b, user_b) = org_with_member(store, "Org B", "BE", "u@b.org").await;
        let created = store
            .create_request(&acting(&user_a, 1), &OrgScope::new(a.id), &simple_request())
            .await
            .unwrap();
        let theirs = OrgScope::new(b.id);
        let ctx = acting(&user_b, 2);
        assert_eq!(
            store.request(&ctx, &theirs, created.id).await.unwrap(),
            None
        );
        let err = store
            .update_circumstances(&ctx, &theirs, created.id, 1, &circumstances("X"))
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound), "{err:?}");
        let err = store
            .set_request_status(&ctx, &theirs, created.id, 1, RequestStatus::Searching, None)
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound), "{err:?}");
        let err = store.status_history(&theirs, created.id).await.unwrap_err();
        assert!(matches!(err, StoreError::NotFound), "{err:?}");
        let err = store
            .add_sought_person(
                &ctx,
                &theirs,
                created.id,
                Relationship::Father,
                &person_named(&["Intruder"], &[]),
                None,
            )
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound), "{err:?}");
        let (page, total) = store.list_requests(&ctx, &theirs, &filter()).await.unwrap();
        assert!(page.is_empty());
        assert_eq!(total, 0);
        // Nothing of A's was changed or read on B's behalf.
        let again = store
            .request(&acting(&user_a, 3), &OrgScope::new(a.id), created.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(again.version, 1);
        assert_eq!(again.sought.len(), 1);
        assert!(
            actions(store, b.id)
                .await
                .iter()
                .all(|a| a == "user_created")
        );
    }

    pub async fn another_organisations_person_is_not_found<H: Harness>(h: &H) {
        let store = h.store();
        let (a, user_a) = org_with_member(store, "Org A", "BE", "u@a.org").await;
        let (b, user_b) = org_with_member(store, "Org B", "BE", "u@b.org").await;
        let reg = store
            .create_registration(
                &acting(&user_a, 1),
                &OrgScope::new(a.id),
                RegistrationKind::Safe,
                &person_named(&["Samir"], &["SY"]),
                None,
            )
            .await
            .unwrap();
        let theirs = OrgScope::new(b.id);
        let ctx = acting(&user_b, 2);
        assert_eq!(store.person(&ctx, &theirs, reg.id).await.unwrap(), None);
        let err = store
            .update_person(&ctx, &theirs, reg.id, 1, &person_named(&["X"], &[]))
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound), "{err:?}");
        let err = store.consents(&theirs, reg.id).await.unwrap_err();
        assert!(matches!(err, StoreError::NotFound), "{err:?}");
        let err = store
            .record_consent(&ctx, &theirs, reg.id, &tracing_consent())
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound), "{err:?}");
        let err = store.candidates_for(&theirs, reg.id).await.unwrap_err();
        assert!(matches!(err, StoreError::NotFound), "{err:?}");
        assert!(
            store
                .registrations(&acting(&user_a, 2), &theirs, 10)
                .await
                .unwrap()
                .is_empty()
        );
        let consent = store
            .record_consent(
                &acting(&user_a, 3),
                &OrgScope::new(a.id),
                reg.id,
                &tracing_consent(),
            )
            .await
            .unwrap();
        let err = store
            .withdraw_consent(&ctx, &theirs, consent.id)
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound), "{err:?}");
        let ledger = store.consents(&OrgScope::new(a.id), reg.id).await.unwrap();
        assert_eq!(ledger[0].withdrawn_at, None);
        assert!(
            actions(store, b.id)
                .await
                .iter()
                .all(|a| a == "user_created")
        );
    }

    pub async fn stale_versions_conflict_and_write_nothing<H: Harness>(h: &H) {
        let store = h.store();
        let (a, user) = org_with_member(store, "Org A", "BE", "u@a.org").await;
        let scope = OrgScope::new(a.id);
        let created = store
            .create_request(&acting(&user, 1), &scope, &simple_request())
            .await
            .unwrap();
        let updated = store
            .update_circumstances(
                &acting(&user, 2),
                &scope,
                created.id,
                1,
                &circumstances("Homs"),
            )
            .await
            .unwrap();
        assert_eq!(updated.version, 2);
        assert_eq!(updated.updated_at, at(2));
        assert_eq!(updated.created_at, at(1));
        assert_eq!(updated.circumstances, circumstances("Homs"));
        let before = entry_count(store).await;
        let err = store
            .update_circumstances(
                &acting(&user, 3),
                &scope,
                created.id,
                1,
                &circumstances("Idlib"),
            )
            .await
            .unwrap_err();
        assert!(
            matches!(err, StoreError::Conflict { field: "version" }),
            "{err:?}"
        );
        let err = store
            .set_request_status(
                &acting(&user, 3),
                &scope,
                created.id,
                1,
                RequestStatus::Searching,
                None,
            )
            .await
            .unwrap_err();
        assert!(
            matches!(err, StoreError::Conflict { field: "version" }),
            "{err:?}"
        );
        let person = &created.sought[0];
        let changed = store
            .update_person(
                &acting(&user, 4),
                &scope,
                person.id,
                1,
                &person_named(&["Karim Nasser"], &["LB"]),
            )
            .await
            .unwrap();
        assert_eq!(changed.version, 2);
        let err = store
            .update_person(
                &acting(&user, 5),
                &scope,
                person.id,
                1,
                &person_named(&["Other"], &[]),
            )
            .await
            .unwrap_err();
        assert!(
            matches!(err, StoreError::Conflict { field: "version" }),
            "{err:?}"
        );
        assert_eq!(entry_count(store).await, before + 1);
        let read = store
            .request(&acting(&user, 6), &scope, created.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(read.version, 2);
        assert_eq!(read.status, RequestStatus::Open);
        assert_eq!(read.circumstances, circumstances("Homs"));
        assert_eq!(read.sought[0].details.primary_name(), "Karim Nasser");
        assert_eq!(read.sought[0].version, 2);
    }

    pub async fn status_changes_are_dated_attributed_and_kept<H: Harness>(h: &H) {
        let store = h.store();
        let (a, user) = org_with_member(store, "Org A", "BE", "u@a.org").await;
        let scope = OrgScope::new(a.id);
        let created = store
            .create_request(&acting(&user, 1), &scope, &simple_request())
            .await
            .unwrap();
        let searching = store
            .set_request_status(
                &acting(&user, 2),
                &scope,
                created.id,
                1,
                RequestStatus::Searching,
                None,
            )
            .await
            .unwrap();
        assert_eq!(searching.status, RequestStatus::Searching);
        assert_eq!(searching.version, 2);
        let note = text("the enquirer moved away and cannot be reached");
        let closed = store
            .set_request_status(
                &acting(&user, 3),
                &scope,
                created.id,
                2,
                RequestStatus::Closed(ClosureReason::EnquirerUnreachable),
                Some(&note),
            )
            .await
            .unwrap();
        assert_eq!(
            closed.status,
            RequestStatus::Closed(ClosureReason::EnquirerUnreachable)
        );
        let history = store.status_history(&scope, created.id).await.unwrap();
        assert_eq!(
            history,
            vec![
                StatusChange {
                    status: RequestStatus::Open,
                    note: None,
                    at: at(1),
                    by: Some(user.id)
                },
                StatusChange {
                    status: RequestStatus::Searching,
                    note: None,
                    at: at(2),
                    by: Some(user.id)
                },
                StatusChange {
                    status: RequestStatus::Closed(ClosureReason::EnquirerUnreachable),
                    note: Some(note),
                    at: at(3),
                    by: Some(user.id),
                },
            ]
        );
        let matchable = store
            .matchable_person(created.sought[0].id)
            .await
            .unwrap()
            .unwrap();
        assert!(matchable.request_closed);
    }

    pub async fn request_list_filters_combine<H: Harness>(h: &H) {
        let store = h.store();
        let (a, user) = org_with_member(store, "Org A", "BE", "u@a.org").await;
        let scope = OrgScope::new(a.id);
        let mut ids = Vec::new();
        for (i, (name, nationality)) in [
            ("Ali Omar", "SY"),
            ("Olena Petrenko", "UA"),
            ("Fatima Omar", "SY"),
            ("Yonas Tesfay", "ER"),
        ]
        .into_iter()
        .enumerate()
        {
            let new = NewRequest {
                enquirer: person_named(&["Enquirer"], &["BE"]),
                sought: vec![(Relationship::Mother, person_named(&[name], &[nationality]))],
                circumstances: circumstances("Somewhere"),
            };
            let created = store
                .create_request(&acting(&user, 10 * (i as i64 + 1)), &scope, &new)
                .await
                .unwrap();
            ids.push(created.id);
        }
        store
            .set_request_status(
                &acting(&user, 100),
                &scope,
                ids[2],
                1,
                RequestStatus::Searching,
                None,
            )
            .await
            .unwrap();
        let (all, total) = store
            .list_requests(&acting(&user, 101), &scope, &filter())
            .await
            .unwrap();
        assert_eq!(total, 4);
        let newest_first: Vec<RequestId> = all.iter().map(|r| r.id).collect();
        assert_eq!(newest_first, [ids[3], ids[2], ids[1], ids[0]]);
        assert_eq!(all[3].enquirer_name, "Enquirer");
        assert_eq!(
            all[3].sought,
            vec![(Relationship::Mother, "Ali Omar".to_owned())]
        );
        assert_eq!(all[3].reference.to_string(), "BE-2023-00001");
        let syrian = RequestFilter {
            nationality: Some(CountryCode::parse("SY").unwrap()),
            ..filter()
        };
        let (page, total) = store
            .list_requests(&acting(&user, 102), &scope, &syrian)
            .await
            .unwrap();
        assert_eq!(total, 2);
        assert_eq!(
            page.iter().map(|r| r.id).collect::<Vec<_>>(),
            [ids[2], ids[0]]
        );
        let syrian_open = RequestFilter {
            status: Some("open".into()),
            ..syrian.clone()
        };
        let (page, total) = store
            .list_requests(&acting(&user, 103), &scope, &syrian_open)
            .await
            .unwrap();
        assert_eq!(total, 1);
        assert_eq!(page[0].id, ids[0]);
        let window = RequestFilter {
            opened_from: Some(at(20)),
            opened_before: Some(at(40)),
            ..filter()
        };
        let (page, total) = store
            .list_requests(&acting(&user, 104), &scope, &window)
            .await
            .unwrap();
        assert_eq!(total, 2);
        assert_eq!(
            page.iter().map(|r| r.id).collect::<Vec<_>>(),
            [ids[2], ids[1]]
        );
        let paged = RequestFilter {
            limit: 3,
            offset: 3,
            ..filter()
        };
        let (page, total) = store
            .list_requests(&acting(&user, 105), &scope, &paged)
            .await
            .unwrap();
        assert_eq!(total, 4);
        assert_eq!(page.iter().map(|r| r.id).collect::<Vec<_>>(), [ids[0]]);
        // Plain listing is not a search: nothing audited.
        assert!(
            !actions(store, a.id)
                .await
                .contains(&"requests_searched".to_owned())
        );
    }

    pub async fn request_list_text_matches_references_and_names_in_any_script<H: Harness>(h: &H) {
        let store = h.store();
        let (a, user) = org_with_member(store, "Org A", "BE", "u@a.org").await;
        let scope = OrgScope::new(a.id);
        let mut ids = Vec::new();
        for names in [
            &["محمد الحسن", "Mohamed Al-Hassan"][..],
            &["ОЛЕНА Шевченко"][..],
            &["Zoë 50%_off"][..],
        ] {
            let new = NewRequest {
                enquirer: person_named(&["Enquirer"], &[]),
                sought: vec![(Relationship::Brother, person_named(names, &[]))],
                circumstances: circumstances("X"),
            };
            ids.push(
                store
                    .create_request(&acting(&user, ids.len() as i64), &scope, &new)
                    .await
                    .unwrap()
                    .id,
            );
        }
        for (needle, expected) in [
            ("الحسن", vec![ids[0]]),
            ("al-hassan", vec![ids[0]]),
            ("олена", vec![ids[1]]),
            ("ШЕВЧЕНКО", vec![ids[1]]),
            ("ZOË", vec![ids[2]]),
            ("%_", vec![ids[2]]),
            ("be-2023-00002", vec![ids[1]]),
            ("enquirer", vec![ids[2], ids[1], ids[0]]),
            ("nobody", vec![]),
        ] {
            let search = RequestFilter {
                text: Some(needle.into()),
                ..filter()
            };
            let (page, total) = store
                .list_requests(&acting(&user, 50), &scope, &search)
                .await
                .unwrap();
            assert_eq!(
                page.iter().map(|r| r.id).collect::<Vec<_>>(),
                expected,
                "{needle}"
            );
            assert_eq!(total, expected.len() as u64, "{needle}");
        }
        let searches = actions(store, a.id)
            .await
            .into_iter()
            .filter(|a| a == "requests_searched")
            .count();
        assert_eq!(searches, 9);
    }

    pub async fn request_list_only_restricts_to_given_ids<H: Harness>(h: &H) {
        let store = h.store();
        let (a, user) = org_with_member(store, "Org A", "BE", "u@a.org").await;
        let (b, user_b) = org_with_member(store, "Org B", "BE", "u@b.org").await;
        let scope = OrgScope::new(a.id);
        let mut ids = Vec::new();
        for i in 0..5 {
            ids.push(
                store
                    .create_request(&acting(&user, i), &scope, &simple_request())
                    .await
                    .unwrap()
                    .id,
            );
        }
        let theirs = store
            .create_request(&acting(&user_b, 9), &OrgScope::new(b.id), &simple_request())
            .await
            .unwrap()
            .id;
        // A long list, as a name search of the matcher may give.
        let mut only: Vec<RequestId> = (0..2000).map(|_| RequestId::random()).collect();
        only.extend([ids[1], ids[3], theirs]);
        let search = RequestFilter {
            only: Some(only),
            ..filter()
        };
        let (page, total) = store
            .list_requests(&acting(&user, 20), &scope, &search)
            .await
            .unwrap();
        assert_eq!(
            page.iter().map(|r| r.id).collect::<Vec<_>>(),
            [ids[3], ids[1]]
        );
        assert_eq!(total, 2);
        let empty = RequestFilter {
            only: Some(Vec::new()),
            ..filter()
        };
        let (page, total) = store
            .list_requests(&acting(&user, 21), &scope, &empty)
            .await
            .unwrap();
        assert!(page.is_empty());
        assert_eq!(total, 0);
        let recent = actions(store, a.id).await;
        assert_eq!(
            &recent[recent.len() - 2..],
            ["requests_searched", "requests_searched"]
        );
    }

    pub async fn reads_and_writes_of_requests_are_audited_without_personal_data<H: Harness>(h: &H) {
        let store = h.store();
        let (a, user) = org_with_member(store, "Org A", "BE", "u@a.org").await;
        let scope = OrgScope::new(a.id);
        let mut ctx = acting(&user, 1);
        ctx.purpose = Some("case work".into());
        let created = store
            .create_request(&ctx, &scope, &simple_request())
            .await
            .unwrap();
        store.request(&ctx, &scope, created.id).await.unwrap();
        store
            .update_circumstances(&ctx, &scope, created.id, 1, &circumstances("Y"))
            .await
            .unwrap();
        store
            .set_request_status(&ctx, &scope, created.id, 2, RequestStatus::Searching, None)
            .await
            .unwrap();
        let added = store
            .add_sought_person(
                &ctx,
                &scope,
                created.id,
                Relationship::Wife,
                &person_named(&["Layla Nasser"], &[]),
                None,
            )
            .await
            .unwrap();
        assert_eq!(added.role, PersonRole::Sought(Relationship::Wife));
        store.person(&ctx, &scope, added.id).await.unwrap().unwrap();
        store
            .update_person(&ctx, &scope, added.id, 1, &person_named(&["Layla N."], &[]))
            .await
            .unwrap();
        let reg = store
            .create_registration(
                &ctx,
                &scope,
                RegistrationKind::LookingForFamily,
                &person_named(&["Rami"], &[]),
                None,
            )
            .await
            .unwrap();
        let consent = store
            .record_consent(&ctx, &scope, reg.id, &tracing_consent())
            .await
            .unwrap();
        store
            .withdraw_consent(&ctx, &scope, consent.id)
            .await
            .unwrap();
        let entries = store.audit_entries(&scope, 100, None).await.unwrap();
        let mut recorded: Vec<(String, String, String)> = entries
            .iter()
            .map(|e| {
                (
                    e.record.action.clone(),
                    e.record.object_kind.clone(),
                    e.record.object_id.clone(),
                )
            })
            .collect();
        recorded.reverse();
        let id = |s: &dyn std::fmt::Display| s.to_string();
        assert_eq!(
            recorded,
            [
                (
                    "request_created".into(),
                    "tracing_request".into(),
                    id(&created.id)
                ),
                (
                    "request_viewed".into(),
                    "tracing_request".into(),
                    id(&created.id)
                ),
                (
                    "request_updated".into(),
                    "tracing_request".into(),
                    id(&created.id)
                ),
                (
                    "request_status_changed".into(),
                    "tracing_request".into(),
                    id(&created.id)
                ),
                ("person_added".into(), "person".into(), id(&added.id)),
                ("person_viewed".into(), "person".into(), id(&added.id)),
                ("person_updated".into(), "person".into(), id(&added.id)),
                ("registration_created".into(), "person".into(), id(&reg.id)),
                ("consent_recorded".into(), "consent".into(), id(&consent.id)),
                (
                    "consent_withdrawn".into(),
                    "consent".into(),
                    id(&consent.id)
                ),
            ]
        );
        for entry in &entries[..10] {
            assert_eq!(entry.record.actor, Some(user.id));
            assert_eq!(entry.record.purpose.as_deref(), Some("case work"));
            for name in ["Layla", "Rami", "Haddad"] {
                assert!(!entry.record.object_id.contains(name));
            }
        }
        assert!(matches!(
            store.verify_audit_chain().await.unwrap(),
            AuditVerification::Intact { entries: 12, .. }
        ));
    }

    pub async fn registrations_are_listed_newest_first<H: Harness>(h: &H) {
        let store = h.store();
        let (a, user) = org_with_member(store, "Org A", "BE", "u@a.org").await;
        let scope = OrgScope::new(a.id);
        store
            .create_request(&acting(&user, 1), &scope, &simple_request())
            .await
            .unwrap();
        let mut made = Vec::new();
        for (i, (name, kind)) in [
            ("Safe Person", RegistrationKind::Safe),
            ("Looking Person", RegistrationKind::LookingForFamily),
            ("Third Person", RegistrationKind::Safe),
        ]
        .into_iter()
        .enumerate()
        {
            made.push(
                store
                    .create_registration(
                        &acting(&user, 10 + i as i64),
                        &scope,
                        kind,
                        &person_named(&[name], &[]),
                        None,
                    )
                    .await
                    .unwrap(),
            );
        }
        assert_eq!(
            made[1].role,
            PersonRole::Registered(RegistrationKind::LookingForFamily)
        );
        assert_eq!(made[1].request, None);
        let listed = store
            .registrations(&acting(&user, 19), &scope, 2)
            .await
            .unwrap();
        assert_eq!(listed, vec![made[2].clone(), made[1].clone()]);
        let entries = store.audit_entries(&scope, 100, None).await.unwrap();
        let listing = entries
            .iter()
            .find(|e| e.record.action == "persons_listed")
            .expect("the list is audited");
        assert_eq!(listing.record.object_id, "registrations");
        assert_eq!(listing.record.object_kind, "person");
        let read = store
            .person(&acting(&user, 20), &scope, made[0].id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(read, made[0]);
    }

    pub async fn consents_are_recorded_withdrawn_and_need_an_actor<H: Harness>(h: &H) {
        let store = h.store();
        let (a, user) = org_with_member(store, "Org A", "BE", "u@a.org").await;
        let scope = OrgScope::new(a.id);
        let reg = registration(store, &user, a.id, "Noor", PersonFlags::default()).await;
        let tracing = store
            .record_consent(&acting(&user, 2), &scope, reg.id, &tracing_consent())
            .await
            .unwrap();
        let sharing = store
            .record_consent(&acting(&user, 3), &scope, reg.id, &sharing_with(&["FR"]))
            .await
            .unwrap();
        assert_eq!(tracing.recorded_by, user.id);
        assert_eq!(tracing.recorded_at, at(2));
        assert_eq!(
            sharing.scope.countries,
            vec![CountryCode::parse("FR").unwrap()]
        );
        let withdrawn = store
            .withdraw_consent(&acting(&user, 4), &scope, tracing.id)
            .await
            .unwrap();
        assert_eq!(withdrawn.withdrawn_at, Some(at(4)));
        assert_eq!(withdrawn.withdrawn_by, Some(user.id));
        let err = store
            .withdraw_consent(&acting(&user, 5), &scope, tracing.id)
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound), "{err:?}");
        let ledger = store.consents(&scope, reg.id).await.unwrap();
        assert_eq!(ledger, vec![withdrawn.clone(), sharing.clone()]);
        assert!(ConsentLedger(&ledger).tracing_withdrawn());
        let err = store
            .record_consent(&system(6), &scope, reg.id, &tracing_consent())
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::ActorRequired), "{err:?}");
        let err = store
            .record_consent(
                &acting(&user, 6),
                &scope,
                PersonId::random(),
                &tracing_consent(),
            )
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound), "{err:?}");
        let matchable = store.matchable_person(reg.id).await.unwrap().unwrap();
        assert_eq!(matchable.consents, vec![withdrawn, sharing]);
    }

    pub async fn matchable_persons_page_through_every_organisation<H: Harness>(h: &H) {
        let store = h.store();
        let (a, user_a) = org_with_member(store, "Org A", "BE", "u@a.org").await;
        let (b, user_b) = org_with_member(store, "Org B", "FR", "u@b.org").await;
        let request = store
            .create_request(&acting(&user_a, 1), &OrgScope::new(a.id), &simple_request())
            .await
            .unwrap();
        let reg = registration(store, &user_b, b.id, "Hamid", PersonFlags::default()).await;
        store
            .record_consent(
                &acting(&user_b, 2),
                &OrgScope::new(b.id),
                reg.id,
                &tracing_consent(),
            )
            .await
            .unwrap();
        let mut seen = Vec::new();
        let mut after = None;
        loop {
            let page = store.matchable_persons(after, 2).await.unwrap();
            assert!(page.len() <= 2);
            let Some(last) = page.last() else { break };
            after = Some(last.id);
            seen.extend(page);
        }
        let ids: Vec<PersonId> = seen.iter().map(|p| p.id).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        assert_eq!(ids, sorted);
        assert_eq!(ids.len(), 3);
        let b_person = seen.iter().find(|p| p.id == reg.id).unwrap();
        assert_eq!(b_person.org, b.id);
        assert_eq!(b_person.org_country.as_str(), "FR");
        assert_eq!(
            b_person.role,
            PersonRole::Registered(RegistrationKind::Safe)
        );
        assert!(!b_person.request_closed);
        assert_eq!(b_person.consents.len(), 1);
        let sought = seen.iter().find(|p| p.id == request.sought[0].id).unwrap();
        assert_eq!(sought.org_country.as_str(), "BE");
        assert_eq!(sought.role, PersonRole::Sought(Relationship::Brother));
        assert!(sought.consents.is_empty());
        assert_eq!(sought.details, request.sought[0].details);
        assert_eq!(
            store.matchable_person(PersonId::random()).await.unwrap(),
            None
        );
    }

    pub async fn recorded_candidates_are_upserted_and_stale_proposals_pruned<H: Harness>(h: &H) {
        let store = h.store();
        let w = world(store).await;
        let third = registration(store, &w.user_b, w.b.id, "Another", PersonFlags::default()).await;
        let fourth = registration(store, &w.user_b, w.b.id, "Fourth", PersonFlags::default()).await;
        let mut ctx = system(10);
        ctx.org = Some(w.a.id);
        store
            .record_candidates(
                &ctx,
                w.sought,
                &[
                    cand(w.sought, w.found, 700),
                    cand(w.sought, third.id, 400),
                    cand(w.sought, fourth.id, 300),
                ],
            )
            .await
            .unwrap();
        let scope_a = OrgScope::new(w.a.id);
        let list = store.candidates_for(&scope_a, w.sought).await.unwrap();
        assert_eq!(list.len(), 3);
        assert_eq!(list[0].other, w.found);
        assert_eq!(list[0].score_milli, 700);
        assert_eq!(list[0].sought_org, w.a.id);
        assert_eq!(list[0].other_org, w.b.id);
        assert_eq!(list[0].explanation, explanation());
        assert_eq!(list[0].sought_review.status, CandidateStatus::Proposed);
        // The world's pair was proposed at 2: recording it again keeps it.
        assert_eq!(list[0].id, w.candidate);
        assert_eq!(list[0].created_at, at(2));
        assert_eq!(list[1].created_at, at(10));
        let first_id = list[0].id;
        let fourth_id = list[2].id;
        // The fourth pair is reviewed, so it stays when no longer found.
        store
            .review_candidate(
                &acting(&w.user_b, 11),
                &OrgScope::new(w.b.id),
                fourth_id,
                CandidateStatus::Rejected,
                None,
            )
            .await
            .unwrap();
        ctx.at = at(20);
        store
            .record_candidates(&ctx, w.sought, &[cand(w.sought, w.found, 900)])
            .await
            .unwrap();
        let list = store.candidates_for(&scope_a, w.sought).await.unwrap();
        let others: Vec<(PersonId, u16)> = list.iter().map(|c| (c.other, c.score_milli)).collect();
        assert_eq!(others, [(w.found, 900), (fourth.id, 300)]);
        assert_eq!(list[0].id, first_id);
        assert_eq!(list[0].created_at, at(2));
        assert_eq!(list[0].updated_at, at(20));
        let proposed = actions(store, w.a.id)
            .await
            .into_iter()
            .filter(|a| a == "candidate_proposed")
            .count();
        assert_eq!(proposed, 2);
        let err = store
            .record_candidates(&ctx, PersonId::random(), &[])
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound), "{err:?}");
    }

    pub async fn candidates_are_visible_to_their_two_sides_only<H: Harness>(h: &H) {
        let store = h.store();
        let w = world(store).await;
        let (c, user_c) = org_with_member(store, "Org C", "DE", "u@c.org").await;
        let id = w.candidate;
        let seen_a = store
            .candidate(&OrgScope::new(w.a.id), id)
            .await
            .unwrap()
            .unwrap();
        let seen_b = store
            .candidate(&OrgScope::new(w.b.id), id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(seen_a, seen_b);
        assert_eq!(
            store
                .candidates_for(&OrgScope::new(w.b.id), w.found)
                .await
                .unwrap(),
            vec![seen_b]
        );
        let outsider = OrgScope::new(c.id);
        let ctx = acting(&user_c, 30);
        assert_eq!(store.candidate(&outsider, id).await.unwrap(), None);
        let err = store
            .review_candidate(&ctx, &outsider, id, CandidateStatus::Confirmed, None)
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound), "{err:?}");
        let err = store
            .approve_release(&ctx, &outsider, id)
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound), "{err:?}");
        assert_eq!(
            store.released_person(&ctx, &outsider, id).await.unwrap(),
            None
        );
        let err = store.messages(&outsider, id).await.unwrap_err();
        assert!(matches!(err, StoreError::NotFound), "{err:?}");
        let err = store
            .create_message(
                &ctx,
                &outsider,
                id,
                MessageDirection::ToSoughtPerson,
                &text("hello"),
            )
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound), "{err:?}");
        assert!(
            actions(store, c.id)
                .await
                .iter()
                .all(|a| a == "user_created")
        );
    }

    pub async fn each_side_reviews_its_own_half<H: Harness>(h: &H) {
        let store = h.store();
        let w = world(store).await;
        let reason = text("same father's name and birth year");
        let by_a = store
            .review_candidate(
                &acting(&w.user_a, 30),
                &OrgScope::new(w.a.id),
                w.candidate,
                CandidateStatus::Confirmed,
                Some(&reason),
            )
            .await
            .unwrap();
        assert_eq!(
            by_a.sought_review,
            Review {
                status: CandidateStatus::Confirmed,
                reason: Some(reason.clone()),
                by: Some(w.user_a.id),
                at: Some(at(30))
            }
        );
        assert_eq!(by_a.other_review.status, CandidateStatus::Proposed);
        assert_eq!(by_a.other_review.by, None);
        let by_b = store
            .review_candidate(
                &acting(&w.user_b, 31),
                &OrgScope::new(w.b.id),
                w.candidate,
                CandidateStatus::Rejected,
                None,
            )
            .await
            .unwrap();
        assert_eq!(by_b.sought_review, by_a.sought_review);
        assert_eq!(by_b.other_review.status, CandidateStatus::Rejected);
        assert_eq!(by_b.other_review.by, Some(w.user_b.id));
        // Reversible.
        let back = store
            .review_candidate(
                &acting(&w.user_b, 32),
                &OrgScope::new(w.b.id),
                w.candidate,
                CandidateStatus::Confirmed,
                None,
            )
            .await
            .unwrap();
        assert_eq!(back.other_review.status, CandidateStatus::Confirmed);
        assert_eq!(back.updated_at, at(32));
        assert_eq!(
            actions(store, w.b.id).await.last().map(String::as_str),
            Some("candidate_reviewed")
        );
        assert!(
            actions(store, w.a.id)
                .await
                .contains(&"candidate_reviewed".to_owned())
        );
    }

    pub async fn an_adult_is_released_only_under_a_covering_sharing_consent<H: Harness>(h: &H) {
        let store = h.store();
        let w = world(store).await;
        let scope_b = OrgScope::new(w.b.id);
        // B releases its registered person to A (in BE). No consent yet.
        let (view, outcome) = store
            .approve_release(&acting(&w.user_b, 40), &scope_b, w.candidate)
            .await
            .unwrap();
        assert_eq!(
            outcome,
            ReleaseOutcome::Refused(ReleaseRefusal::NoSharingConsent)
        );
        assert_eq!(view.other_release, Release::default());
        // Consent to share with France only does not cover a Belgian organisation.
        store
            .record_consent(
                &acting(&w.user_b, 41),
                &scope_b,
                w.found,
                &sharing_with(&["FR"]),
            )
            .await
            .unwrap();
        let (_, outcome) = store
            .approve_release(&acting(&w.user_b, 42), &scope_b, w.candidate)
            .await
            .unwrap();
        assert_eq!(
            outcome,
            ReleaseOutcome::Refused(ReleaseRefusal::NoSharingConsent)
        );
        let before = actions(store, w.b.id).await;
        assert!(!before.contains(&"release_approved".to_owned()));
        store
            .record_consent(
                &acting(&w.user_b, 43),
                &scope_b,
                w.found,
                &sharing_with(&["BE"]),
            )
            .await
            .unwrap();
        let (view, outcome) = store
            .approve_release(&acting(&w.user_b, 44), &scope_b, w.candidate)
            .await
            .unwrap();
        assert_eq!(outcome, ReleaseOutcome::Released);
        assert_eq!(
            view.other_release,
            Release {
                approvals: vec![w.user_b.id],
                released_at: Some(at(44))
            }
        );
        assert_eq!(view.sought_release, Release::default());
        let after = actions(store, w.b.id).await;
        assert_eq!(
            &after[after.len() - 2..],
            ["release_approved", "details_released"]
        );
        let err = store
            .approve_release(&system(45), &scope_b, w.candidate)
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::ActorRequired), "{err:?}");
    }

    pub async fn a_person_at_risk_is_never_released<H: Harness>(h: &H) {
        let store = h.store();
        let w = world(store).await;
        let scope_a = OrgScope::new(w.a.id);
        store
            .record_consent(
                &acting(&w.user_a, 40),
                &scope_a,
                w.sought,
                &sharing_with(&["FR"]),
            )
            .await
            .unwrap();
        let current = store
            .person(&acting(&w.user_a, 41), &scope_a, w.sought)
            .await
            .unwrap()
            .unwrap();
        let mut details = current.details.clone();
        details.flags.at_risk = true;
        store
            .update_person(
                &acting(&w.user_a, 42),
                &scope_a,
                w.sought,
                current.version,
                &details,
            )
            .await
            .unwrap();
        let (view, outcome) = store
            .approve_release(&acting(&w.user_a, 43), &scope_a, w.candidate)
            .await
            .unwrap();
        assert_eq!(outcome, ReleaseOutcome::Refused(ReleaseRefusal::AtRisk));
        assert_eq!(view.sought_release, Release::default());
        let stored = store
            .candidate(&scope_a, w.candidate)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(stored.sought_release, Release::default());
        assert_eq!(
            store
                .released_person(&acting(&w.user_b, 44), &OrgScope::new(w.b.id), w.candidate)
                .await
                .unwrap(),
            None
        );
    }

    pub async fn a_minor_is_released_by_two_different_staff<H: Harness>(h: &H) {
        let store = h.store();
        let (a, user_a) = org_with_member(store, "Org A", "BE", "u@a.org").await;
        let (b, user_b) = org_with_member(store, "Org B", "FR", "u@b.org").await;
        let second_b = member(store, "second@b.org", b.id).await;
        let minor = PersonFlags {
            minor: true,
            unaccompanied: true,
            at_risk: false,
        };
        let request = store
            .create_request(&acting(&user_a, 1), &OrgScope::new(a.id), &simple_request())
            .await
            .unwrap();
        let child = registration(store, &user_b, b.id, "Child", minor).await;
        let scope_b = OrgScope::new(b.id);
        store
            .record_consent(
                &acting(&user_b, 2),
                &scope_b,
                child.id,
                &sharing_with(&["BE"]),
            )
            .await
            .unwrap();
        let sought = request.sought[0].id;
        store
            .record_candidates(&system(3), sought, &[cand(sought, child.id, 800)])
            .await
            .unwrap();
        let id = store.candidates_for(&scope_b, child.id).await.unwrap()[0].id;
        let (view, outcome) = store
            .approve_release(&acting(&user_b, 4), &scope_b, id)
            .await
            .unwrap();
        assert_eq!(outcome, ReleaseOutcome::AwaitingSecondApproval);
        assert_eq!(
            view.other_release,
            Release {
                approvals: vec![user_b.id],
                released_at: None
            }
        );
        let (view, outcome) = store
            .approve_release(&acting(&user_b, 5), &scope_b, id)
            .await
            .unwrap();
        assert_eq!(
            outcome,
            ReleaseOutcome::Refused(ReleaseRefusal::SameApprover)
        );
        assert_eq!(view.other_release.approvals, vec![user_b.id]);
        assert_eq!(
            store
                .released_person(&acting(&user_a, 6), &OrgScope::new(a.id), id)
                .await
                .unwrap(),
            None
        );
        let (view, outcome) = store
            .approve_release(&acting(&second_b, 7), &scope_b, id)
            .await
            .unwrap();
        assert_eq!(outcome, ReleaseOutcome::Released);
        assert_eq!(
            view.other_release,
            Release {
                approvals: vec![user_b.id, second_b.id],
                released_at: Some(at(7))
            }
        );
        let released = store
            .released_person(&acting(&user_a, 8), &OrgScope::new(a.id), id)
            .await
            .unwrap()
            .unwrap();
        let released = released.shown().unwrap();
        assert_eq!(released.id, child.id);
        assert!(released.details.flags.minor);
        let b_actions: Vec<String> = actions(store, b.id)
            .await
            .into_iter()
            .filter(|a| a.starts_with("release") || a == "details_released")
            .collect();
        assert_eq!(
            b_actions,
            ["release_approved", "release_approved", "details_released"]
        );
    }

    pub async fn released_details_reach_only_the_receiving_side<H: Harness>(h: &H) {
        let store = h.store();
        let w = world(store).await;
        let scope_a = OrgScope::new(w.a.id);
        let scope_b = OrgScope::new(w.b.id);
        assert_eq!(
            store
                .released_person(&acting(&w.user_a, 40), &scope_a, w.candidate)
                .await
                .unwrap(),
            None
        );
        store
            .record_consent(
                &acting(&w.user_b, 41),
                &scope_b,
                w.found,
                &sharing_with(&["BE"]),
            )
            .await
            .unwrap();
        store
            .approve_release(&acting(&w.user_b, 42), &scope_b, w.candidate)
            .await
            .unwrap();
        let released = store
            .released_person(&acting(&w.user_a, 43), &scope_a, w.candidate)
            .await
            .unwrap()
            .unwrap();
        let released = released.shown().unwrap();
        assert_eq!(released.id, w.found);
        assert_eq!(released.org, w.b.id);
        assert_eq!(released.details.primary_name(), "Found Person");
        // B released its person, not A's: B sees nothing of A's sought person.
        assert_eq!(
            store
                .released_person(&acting(&w.user_b, 44), &scope_b, w.candidate)
                .await
                .unwrap(),
            None
        );
        assert_eq!(
            actions(store, w.a.id).await.last().map(String::as_str),
            Some("released_details_viewed")
        );
        let entries = store.audit_entries(&scope_a, 1, None).await.unwrap();
        assert_eq!(entries[0].record.object_kind, "person");
        assert_eq!(entries[0].record.object_id, w.found.to_string());
    }

    pub async fn removing_candidates_keeps_released_pairs<H: Harness>(h: &H) {
        let store = h.store();
        let w = world(store).await;
        let other = registration(
            store,
            &w.user_b,
            w.b.id,
            "Other Found",
            PersonFlags::default(),
        )
        .await;
        let second = registration(
            store,
            &w.user_b,
            w.b.id,
            "Second Found",
            PersonFlags::default(),
        )
        .await;
        store
            .record_candidates(
                &system(20),
                w.sought,
                &[
                    cand(w.sought, w.found, 700),
                    cand(w.sought, other.id, 600),
                    cand(w.sought, second.id, 500),
                ],
            )
            .await
            .unwrap();
        let scope_b = OrgScope::new(w.b.id);
        store
            .record_consent(
                &acting(&w.user_b, 21),
                &scope_b,
                w.found,
                &sharing_with(&["BE"]),
            )
            .await
            .unwrap();
        store
            .approve_release(&acting(&w.user_b, 22), &scope_b, w.candidate)
            .await
            .unwrap();
        // A reviewed but unreleased pair goes too.
        let second_id = store.candidates_for(&scope_b, second.id).await.unwrap()[0].id;
        store
            .review_candidate(
                &acting(&w.user_b, 23),
                &scope_b,
                second_id,
                CandidateStatus::Confirmed,
                None,
            )
            .await
            .unwrap();
        let removed = store
            .remove_candidates_of(&system(24), w.sought)
            .await
            .unwrap();
        assert_eq!(removed, 2);
        let left = store
            .candidates_for(&OrgScope::new(w.a.id), w.sought)
            .await
            .unwrap();
        assert_eq!(left.iter().map(|c| c.id).collect::<Vec<_>>(), [w.candidate]);
        assert_eq!(
            store
                .remove_candidates_of(&system(25), other.id)
                .await
                .unwrap(),
            0
        );
        assert_eq!(
            store
                .remove_candidates_of(&system(25), PersonId::random())
                .await
                .unwrap(),
            0
        );
    }

    pub async fn family_messages_move_forward_and_stay_with_their_candidate<H: Harness>(h: &H) {
        let store = h.store();
        let w = world(store).await;
        let scope_a = OrgScope::new(w.a.id);
        let scope_b = OrgScope::new(w.b.id);
        let body = text("We are safe in Brussels.\nYour brother.");
        let drafted = store
            .create_message(
                &acting(&w.user_a, 50),
                &scope_a,
                w.candidate,
                MessageDirection::ToSoughtPerson,
                &body,
            )
            .await
            .unwrap();
        assert_eq!(drafted.status, MessageStatus::Drafted);
        assert_eq!(drafted.body, body);
        assert_eq!(drafted.candidate, w.candidate);
        assert_eq!(
            drafted.history,
            vec![(MessageStatus::Drafted, at(50), Some(w.user_a.id))]
        );
        let sent = store
            .advance_message(
                &acting(&w.user_a, 51),
                &scope_a,
                drafted.id,
                MessageStatus::Sent,
            )
            .await
            .unwrap();
        assert_eq!(sent.status, MessageStatus::Sent);
        let err = store
            .advance_message(
                &acting(&w.user_b, 52),
                &scope_b,
                drafted.id,
                MessageStatus::Replied,
            )
            .await
            .unwrap_err();
        assert!(
            matches!(err, StoreError::Conflict { field: "status" }),
            "{err:?}"
        );
        let delivered = store
            .advance_message(
                &acting(&w.user_b, 53),
                &scope_b,
                drafted.id,
                MessageStatus::Delivered,
            )
            .await
            .unwrap();
        assert_eq!(
            delivered.history,
            vec![
                (MessageStatus::Drafted, at(50), Some(w.user_a.id)),
                (MessageStatus::Sent, at(51), Some(w.user_a.id)),
                (MessageStatus::Delivered, at(53), Some(w.user_b.id)),
            ]
        );
        let reply = store
            .create_message(
                &acting(&w.user_b, 60),
                &scope_b,
                w.candidate,
                MessageDirection::ToEnquirer,
                &text("Thank God."),
            )
            .await
            .unwrap();
        let listed = store.messages(&scope_a, w.candidate).await.unwrap();
        assert_eq!(listed, vec![delivered.clone(), reply.clone()]);
        assert_eq!(store.messages(&scope_b, w.candidate).await.unwrap(), listed);
        let (c, user_c) = org_with_member(store, "Org C", "DE", "u@c.org").await;
        let err = store
            .advance_message(
                &acting(&user_c, 61),
                &OrgScope::new(c.id),
                reply.id,
                MessageStatus::Sent,
            )
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound), "{err:?}");
        let err = store
            .advance_message(
                &acting(&w.user_a, 61),
                &scope_a,
                MessageId::random(),
                MessageStatus::Sent,
            )
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound), "{err:?}");
        let a_actions: Vec<String> = actions(store, w.a.id)
            .await
            .into_iter()
            .filter(|a| a.starts_with("message_"))
            .collect();
        assert_eq!(a_actions, ["message_drafted", "message_sent"]);
        let b_actions: Vec<String> = actions(store, w.b.id)
            .await
            .into_iter()
            .filter(|a| a.starts_with("message_"))
            .collect();
        assert_eq!(b_actions, ["message_delivered", "message_drafted"]);
    }

    pub async fn edits_to_names_are_found_by_search<H: Harness>(h: &H) {
        let store = h.store();
        let (a, user) = org_with_member(store, "Org A", "BE", "u@a.org").await;
        let scope = OrgScope::new(a.id);
        let created = store
            .create_request(&acting(&user, 1), &scope, &simple_request())
            .await
            .unwrap();
        let search = |needle: &str| RequestFilter {
            text: Some(needle.into()),
            ..filter()
        };
        let renamed = person_named(&["Ибрагим Сулейман"], &["TJ"]);
        store
            .update_person(&acting(&user, 2), &scope, created.sought[0].id, 1, &renamed)
            .await
            .unwrap();
        let (page, _) = store
            .list_requests(&acting(&user, 3), &scope, &search("сулейман"))
            .await
            .unwrap();
        assert_eq!(page.len(), 1);
        assert_eq!(
            page[0].sought,
            vec![(Relationship::Brother, "Ибрагим Сулейман".to_owned())]
        );
        let (page, _) = store
            .list_requests(&acting(&user, 4), &scope, &search("karim"))
            .await
            .unwrap();
        assert!(page.is_empty());
        let tajik = RequestFilter {
            nationality: Some(CountryCode::parse("TJ").unwrap()),
            ..filter()
        };
        let (_, total) = store
            .list_requests(&acting(&user, 5), &scope, &tajik)
            .await
            .unwrap();
        assert_eq!(total, 1);
    }

    pub async fn concurrent_requests_get_distinct_references<H: Harness>(h: &H) {
        let store = Arc::new(h.store().clone());
        let (a, user) = org_with_member(store.as_ref(), "Org A", "BE", "u@a.org").await;
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..12 {
            let store = Arc::clone(&store);
            let user = user.clone();
            tasks.spawn(async move {
                store
                    .create_request(&acting(&user, i), &OrgScope::new(a.id), &simple_request())
                    .await
            });
        }
        let mut references = Vec::new();
        while let Some(result) = tasks.join_next().await {
            references.push(result.unwrap().unwrap().reference.to_string());
        }
        references.sort();
        let expected: Vec<String> = (1..=12).map(|n| format!("BE-2023-{n:05}")).collect();
        assert_eq!(references, expected);
        assert_eq!(entry_count(store.as_ref()).await, 2 + 12);
    }

    // ----- Transfers (begin) --------------------------------------------

    pub async fn transfers_reach_the_receiver_with_the_chosen_parts_only<H: Harness>(h: &H) {
        let store = h.store();
        let t = transfer_world(store).await;
        let (scope_a, scope_b, scope_c) = (
            OrgScope::new(t.a.id),
            OrgScope::new(t.b.id),
            OrgScope::new(t.c.id),
        );
        let share = TransferShare {
            circumstances: true,
            sought: vec![t.safe],
            enquirer_names: true,
            enquirer_contact: false,
            note: Some(text("please look in Calais")),
        };
        let created = store
            .transfer_request(&acting(&t.user_a, 10), &scope_a, t.request, t.b.id, &share)
            .await
            .unwrap();
        assert_eq!(created.status, TransferStatus::Pending);
        assert_eq!((created.from_org, created.to_org), (t.a.id, t.b.id));
        assert_eq!(created.share, share);
        let incoming = store.incoming_transfers(&scope_b).await.unwrap();
        assert_eq!(incoming.len(), 1);
        assert_eq!(incoming[0].id, created.id);
        assert_eq!(incoming[0].reference, created.reference);

        let view = store
            .transfer(&acting(&t.user_b, 11), &scope_b, created.id)
            .await
            .unwrap()
            .expect("the receiver sees the transfer");
        assert_eq!(view.reference, created.reference);
        assert_eq!(view.circumstances, Some(circumstances("Aleppo")));
        assert_eq!(view.note, Some(text("please look in Calais")));
        assert_eq!(view.sought.len(), 1, "the person at risk is never shared");
        assert_eq!(view.sought[0].relationship, Relationship::Brother);
        assert_eq!(view.sought[0].names[0].full(), "Karim Haddad");
        let enquirer = view.enquirer.expect("the enquirer's names are shared");
        assert_eq!(enquirer.names[0].full(), "Amina Haddad");
        assert_eq!(enquirer.relationships, vec![Relationship::Brother]);
        assert_eq!(view.enquirer_contact, None, "contact was not chosen");

        // A third organisation, the receiver acting as owner, and the owner
        // acting as receiver all meet "not found".
        assert_eq!(
            store
                .transfer(&acting(&t.user_c, 12), &scope_c, created.id)
                .await
                .unwrap(),
            None
        );
        assert_eq!(
            store
                .transfer(&acting(&t.user_a, 12), &scope_a, created.id)
                .await
                .unwrap(),
            None
        );
        assert!(store.incoming_transfers(&scope_c).await.unwrap().is_empty());
        for (user, scope) in [(&t.user_c, &scope_c), (&t.user_a, &scope_a)] {
            let err = store
                .decide_transfer(&acting(user, 13), scope, created.id, true, None)
                .await
                .unwrap_err();
            assert!(matches!(err, StoreError::NotFound), "{err:?}");
        }
        for (user, scope) in [(&t.user_c, &scope_c), (&t.user_b, &scope_b)] {
            let err = store
                .revoke_transfer(&acting(user, 13), scope, created.id)
                .await
                .unwrap_err();
            assert!(matches!(err, StoreError::NotFound), "{err:?}");
            let err = store
                .transfers_of_request(scope, t.request)
                .await
                .unwrap_err();
            assert!(matches!(err, StoreError::NotFound), "{err:?}");
        }
        let err = store
            .transfer_request(&acting(&t.user_c, 13), &scope_c, t.request, t.b.id, &share)
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound), "{err:?}");

        // The receiver accepts once; the owner sees it.
        let reason = text("we know the reception centre");
        let decided = store
            .decide_transfer(
                &acting(&t.user_b, 14),
                &scope_b,
                created.id,
                true,
                Some(&reason),
            )
            .await
            .unwrap();
        assert_eq!(decided.status, TransferStatus::Accepted);
        let err = store
            .decide_transfer(&acting(&t.user_b, 15), &scope_b, created.id, false, None)
            .await
            .unwrap_err();
        assert!(
            matches!(err, StoreError::Conflict { field: "status" }),
            "{err:?}"
        );
        let mine = store
            .transfers_of_request(&scope_a, t.request)
            .await
            .unwrap();
        assert_eq!(mine.len(), 1);
        assert_eq!(mine[0].status, TransferStatus::Accepted);
        assert_eq!(mine[0].reason, Some(reason));
        assert_eq!(mine[0].decided_by, Some(t.user_b.id));
        // A second active transfer to the same organisation is refused.
        let err = store
            .transfer_request(&acting(&t.user_a, 16), &scope_a, t.request, t.b.id, &share)
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::Refused {
                    field: "to_org",
                    ..
                }
            ),
            "{err:?}"
        );

        // Revoked: the receiver finds nothing, exactly like a missing id.
        let revoked = store
            .revoke_transfer(&acting(&t.user_a, 17), &scope_a, created.id)
            .await
            .unwrap();
        assert_eq!(revoked.status, TransferStatus::Revoked);
        assert_eq!(revoked.revoked_at, Some(at(17)));
        assert_eq!(
            store
                .transfer(&acting(&t.user_b, 18), &scope_b, created.id)
                .await
                .unwrap(),
            None
        );
        assert!(store.incoming_transfers(&scope_b).await.unwrap().is_empty());
        for result in [
            store
                .decide_transfer(&acting(&t.user_b, 18), &scope_b, created.id, true, None)
                .await
                .map(|_| ()),
            store
                .decide_transfer(
                    &acting(&t.user_b, 18),
                    &scope_b,
                    TransferId::random(),
                    true,
                    None,
                )
                .await
                .map(|_| ()),
        ] {
            assert!(matches!(result, Err(StoreError::NotFound)), "{result:?}");
        }
        let err = store
            .revoke_transfer(&acting(&t.user_a, 19), &scope_a, created.id)
            .await
            .unwrap_err();
        assert!(
            matches!(err, StoreError::Conflict { field: "status" }),
            "{err:?}"
        );

        // Audited on each side, with ids only.
        let a_actions = actions(store, t.a.id).await;
        assert!(a_actions.ends_with(&["request_transferred".into(), "transfer_revoked".into()]));
        assert_eq!(
            actions(store, t.b.id).await,
            vec!["transfer_viewed", "transfer_accepted"]
        );
        let entries = store.audit_entries(&scope_b, 10, None).await.unwrap();
        assert!(
            entries.iter().all(|e| e.record.object_kind == "transfer"
                && e.record.object_id == created.id.to_string())
        );
        assert!(actions(store, t.c.id).await.is_empty());
    }

    pub async fn transfers_abroad_follow_risk_and_consent_at_every_read<H: Harness>(h: &H) {
        let store = h.store();
        let t = transfer_world(store).await;
        let scope_a = OrgScope::new(t.a.id);
        let scope_b = OrgScope::new(t.b.id);
        let (home, _) = org_with_member(store, "Org A2", "BE", "u@a2.org").await;
        let before = entry_count(store).await;
        let names = TransferShare {
            enquirer_names: true,
            ..TransferShare::default()
        };
        let contact = TransferShare {
            enquirer_contact: true,
            ..TransferShare::default()
        };
        let at_risk = TransferShare {
            sought: vec![t.at_risk],
            ..TransferShare::default()
        };
        for (to, share, field) in [
            (home.id, &names, "to_org"),
            (t.a.id, &names, "to_org"),
            (OrgId::random(), &names, "to_org"),
            (t.b.id, &TransferShare::default(), "share"),
            (t.b.id, &at_risk, "sought"),
            (t.b.id, &contact, "enquirer_contact"),
        ] {
            let err = store
                .transfer_request(&acting(&t.user_a, 10), &scope_a, t.request, to, share)
                .await
                .unwrap_err();
            assert!(
                matches!(err, StoreError::Refused { field: f, .. } if f == field),
                "{field}: {err:?}"
            );
        }
        assert_eq!(entry_count(store).await, before, "refusals write nothing");

        // A sharing consent for another country does not cover France.
        let elsewhere = store
            .record_consent(
                &acting(&t.user_a, 11),
                &scope_a,
                t.enquirer,
                &sharing_with(&["DE"]),
            )
            .await
            .unwrap();
        let err = store
            .transfer_request(
                &acting(&t.user_a, 12),
                &scope_a,
                t.request,
                t.b.id,
                &contact,
            )
            .await
            .unwrap_err();
        assert!(matches!(
            err,
            StoreError::Refused {
                field: "enquirer_contact",
                ..
            }
        ));
        let covering = store
            .record_consent(
                &acting(&t.user_a, 13),
                &scope_a,
                t.enquirer,
                &sharing_with(&["FR"]),
            )
            .await
            .unwrap();
        let share = TransferShare {
            sought: vec![t.safe],
            enquirer_names: true,
            enquirer_contact: true,
            ..TransferShare::default()
        };
        let created = store
            .transfer_request(&acting(&t.user_a, 14), &scope_a, t.request, t.b.id, &share)
            .await
            .unwrap();
        let view = store
            .transfer(&acting(&t.user_b, 15), &scope_b, created.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(view.enquirer_contact, Some(text("+32 470 00 00 00")));
        assert_eq!(view.circumstances, None, "not chosen");
        assert_eq!(view.sought.len(), 1);

        // Corrections flow; consent and risk are checked again on each read.
        let safe = store
            .person(&acting(&t.user_a, 16), &scope_a, t.safe)
            .await
            .unwrap()
            .unwrap();
        let mut corrected = safe.details.clone();
        corrected.birth_place = Some(text("Idlib"));
        let safe = store
            .update_person(
                &acting(&t.user_a, 17),
                &scope_a,
                t.safe,
                safe.version,
                &corrected,
            )
            .await
            .unwrap();
        let view = store
            .transfer(&acting(&t.user_b, 18), &scope_b, created.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(view.sought[0].birth_place, Some(text("Idlib")));
        store
            .withdraw_consent(&acting(&t.user_a, 19), &scope_a, covering.id)
            .await
            .unwrap();
        let mut flagged = corrected.clone();
        flagged.flags.at_risk = true;
        store
            .update_person(
                &acting(&t.user_a, 20),
                &scope_a,
                t.safe,
                safe.version,
                &flagged,
            )
            .await
            .unwrap();
        let view = store
            .transfer(&acting(&t.user_b, 21), &scope_b, created.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(view.enquirer_contact, None, "consent withdrawn");
        assert!(view.sought.is_empty(), "flagged at risk since");
        assert_eq!(
            view.enquirer.unwrap().relationships,
            Vec::<Relationship>::new()
        );
        let _ = elsewhere;

        // Declined: the decision stays visible, the shared parts do not.
        store
            .decide_transfer(
                &acting(&t.user_b, 22),
                &scope_b,
                created.id,
                false,
                Some(&text("not here")),
            )
            .await
            .unwrap();
        let view = store
            .transfer(&acting(&t.user_b, 23), &scope_b, created.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(view.status, TransferStatus::Declined);
        assert_eq!(view.reason, Some(text("not here")));
        assert!(view.enquirer.is_none() && view.sought.is_empty() && view.note.is_none());
    }

    pub async fn removing_candidates_audits_each_removal<H: Harness>(h: &H) {
        let store = h.store();
        let w = world(store).await;
        let other = registration(
            store,
            &w.user_b,
            w.b.id,
            "Other Found",
            PersonFlags::default(),
        )
        .await;
        store
            .record_candidates(
                &system(20),
                w.sought,
                &[cand(w.sought, w.found, 700), cand(w.sought, other.id, 600)],
            )
            .await
            .unwrap();
        let ids: Vec<String> = store
            .candidates_for(&OrgScope::new(w.a.id), w.sought)
            .await
            .unwrap()
            .iter()
            .map(|c| c.id.to_string())
            .collect();
        assert_eq!(ids.len(), 2);
        let removed = store
            .remove_candidates_of(&acting(&w.user_a, 21), w.sought)
            .await
            .unwrap();
        assert_eq!(removed, 2);
        let entries = store
            .audit_entries(&OrgScope::new(w.a.id), 10, None)
            .await
            .unwrap();
        let mut audited: Vec<String> = entries
            .iter()
            .filter(|e| e.record.action == "candidate_removed")
            .inspect(|e| assert_eq!(e.record.object_kind, "candidate"))
            .map(|e| e.record.object_id.clone())
            .collect();
        audited.sort();
        let mut expected = ids;
        expected.sort();
        assert_eq!(audited, expected);
        // Nothing left to remove: nothing audited.
        let before = entry_count(store).await;
        assert_eq!(
            store
                .remove_candidates_of(&acting(&w.user_a, 22), w.sought)
                .await
                .unwrap(),
            0
        );
        assert_eq!(entry_count(store).await, before);
    }

    // ----- Transfers (end) ----------------------------------------------

    /// The consents of the last sought person are the last statements of
    /// opening a request: when they fail, nothing of the request remains.
    pub async fn opening_a_request_stores_nothing_when_its_last_statement_fails<H: Harness>(h: &H) {
        let store = h.store();
        let (a, user) = org_with_member(store, "Org", "CH", "u@example.org").await;
        let scope = OrgScope::new(a.id);
        let mut new = simple_request();
        new.sought.push((
            Relationship::Sister,
            person_named(&["Lina Haddad"], &["SY"]),
        ));
        let consents = OpeningConsents {
            enquirer: Some(tracing_consent()),
            each_sought: Some(tracing_consent()),
        };
        let entries_before = entry_count(store).await;
        h.fail_audit_appends_of("consent_recorded").await.unwrap();
        let failed = store
            .open_request(&acting(&user, 5), &scope, &new, &consents)
            .await;
        assert!(failed.is_err(), "the injected failure must surface");
        assert_eq!(entry_count(store).await, entries_before);
        let (listed, total) = store
            .list_requests(&acting(&user, 6), &scope, &filter())
            .await
            .unwrap();
        assert!(
            listed.is_empty() && total == 0,
            "no request without its consents"
        );
        let persons = store.matchable_persons(None, 100).await.unwrap();
        assert!(persons.is_empty(), "no person without the request");

        // Without consents the same request opens, numbered as the first.
        let opened = store
            .open_request(&acting(&user, 7), &scope, &new, &OpeningConsents::default())
            .await
            .unwrap();
        assert!(
            opened.reference.to_string().ends_with("-00001"),
            "{}",
            opened.reference
        );
    }

    /// The entry's audit append is the last statement of publishing: when it
    /// fails, no entry remains, public or staff-side.
    pub async fn publishing_stores_nothing_when_its_last_statement_fails<H: Harness>(h: &H) {
        let store = h.store();
        let (a, user) = org_with_member(store, "Org", "CH", "u@example.org").await;
        let scope = OrgScope::new(a.id);
        let publication = NewConsent {
            purpose: ConsentPurpose::Publication,
            ..tracing_consent()
        };
        let request = store
            .open_request(
                &acting(&user, 1),
                &scope,
                &simple_request(),
                &OpeningConsents {
                    enquirer: Some(publication),
                    each_sought: None,
                },
            )
            .await
            .unwrap();
        let new = NewGalleryEntry {
            request: request.id,
            reference: GalleryReference::from_random_bytes(&[9, 1, 2, 3, 4, 5, 6, 7]).unwrap(),
            relationships: vec![Relationship::Brother],
            region: None,
            media: MediaTokens {
                photo: "p".repeat(32),
                thumbnail: "t".repeat(32),
            },
        };
        h.fail_audit_appends_of("gallery_entry_created")
            .await
            .unwrap();
        let entries_before = entry_count(store).await;
        assert!(
            store
                .create_gallery_entry(&acting(&user, 2), &scope, &new)
                .await
                .is_err()
        );
        assert_eq!(entry_count(store).await, entries_before);
        assert!(store.gallery_entries(&scope).await.unwrap().is_empty());
        assert!(store.published_entries().await.unwrap().is_empty());
        assert!(!store.published_media(&new.media.photo).await.unwrap());
    }

    /// A request list shows enquirers' names: a plain list is on record as
    /// `persons_listed`, a search as `requests_searched`; an empty one
    /// writes nothing.
    pub async fn every_list_of_requests_shown_is_audited<H: Harness>(h: &H) {
        let store = h.store();
        let (a, user) = org_with_member(store, "Org", "CH", "u@example.org").await;
        let scope = OrgScope::new(a.id);
        let before = entry_count(store).await;
        store
            .list_requests(&acting(&user, 1), &scope, &filter())
            .await
            .unwrap();
        assert_eq!(entry_count(store).await, before, "an empty list");
        store
            .open_request(
                &acting(&user, 2),
                &scope,
                &simple_request(),
                &OpeningConsents::default(),
            )
            .await
            .unwrap();
        store
            .list_requests(&acting(&user, 3), &scope, &filter())
            .await
            .unwrap();
        let logged = actions(store, a.id).await;
        assert_eq!(logged.last().map(String::as_str), Some("persons_listed"));
    }

    /// Random sequences of release, edit, consent and flag changes: after
    /// each step the receiving side sees the person exactly as released, and
    /// only while the disclosure rule allows it; a withdrawal or a flag hides
    /// the release until a new one.
    pub async fn releases_show_what_was_released_and_only_while_the_rule_allows<H: Harness>(h: &H) {
        let store = h.store();
        let w = world(store).await;
        let scope_a = OrgScope::new(w.a.id);
        let scope_b = OrgScope::new(w.b.id);
        let mut rng = Rng(0x5eed_0001);
        let mut released: Option<PersonDetails> = None;
        let (mut shown_steps, mut hidden_after_shown) = (0, 0);
        let mut clock = 100;
        for step in 0..150 {
            clock += 1;
            let by_b = acting(&w.user_b, clock);
            let current = store
                .person(&by_b, &scope_b, w.found)
                .await
                .unwrap()
                .unwrap();
            let ledger = store.consents(&scope_b, w.found).await.unwrap();
            let sharing: Vec<_> = ledger
                .iter()
                .filter(|c| c.purpose == ConsentPurpose::Sharing && c.is_active())
                .map(|c| c.id)
                .collect();
            // Weighted: releases and consents often, so that the sequences
            // reach every state.
            let action = [0, 0, 1, 2, 3, 3, 4, 4, 5, 5, 5][rng.below(11) as usize];
            match action {
                0 => {
                    store
                        .record_consent(&by_b, &scope_b, w.found, &sharing_with(&["BE"]))
                        .await
                        .unwrap();
                }
                1 => {
                    for id in &sharing {
                        store.withdraw_consent(&by_b, &scope_b, *id).await.unwrap();
                    }
                }
                2..=4 => {
                    let mut details = current.details.clone();
                    match action {
                        2 => details.flags.at_risk = true,
                        3 => details.flags.at_risk = false,
                        _ => details.last_known_place = Some(text(&format!("Place {step}"))),
                    }
                    store
                        .update_person(&by_b, &scope_b, w.found, current.version, &details)
                        .await
                        .unwrap();
                }
                _ => {
                    let (_, outcome) = store
                        .approve_release(&by_b, &scope_b, w.candidate)
                        .await
                        .unwrap();
                    if outcome == ReleaseOutcome::Released && released.is_none() {
                        released = Some(current.details.clone());
                    }
                }
            }
            let now = store
                .person(&by_b, &scope_b, w.found)
                .await
                .unwrap()
                .unwrap();
            let ledger = store.consents(&scope_b, w.found).await.unwrap();
            let allowed = may_disclose(
                now.details.flags,
                ConsentLedger(&ledger),
                Audience::Organisation {
                    org: w.a.id,
                    country: w.a.country,
                },
            )
            .is_ok();
            if !allowed && released.is_some() {
                released = None;
                hidden_after_shown += 1;
            }
            clock += 1;
            let seen = store
                .released_person(&acting(&w.user_a, clock), &scope_a, w.candidate)
                .await
                .unwrap();
            match (&released, seen.as_ref().and_then(ReleasedPerson::shown)) {
                (Some(expected), Some(shown)) => {
                    assert_eq!(&shown.details, expected, "step {step}: shown as released");
                    shown_steps += 1;
                }
                (None, None) => {}
                (expected, shown) => {
                    panic!("step {step} (action {action}): expected {expected:?}, shown {shown:?}")
                }
            }
        }
        assert!(
            shown_steps > 0 && hidden_after_shown > 0,
            "the sequence must show and then hide a release ({shown_steps}, {hidden_after_shown})"
        );
    }

    /// Random flags and consent changes on the persons of a published
    /// entry: after each step the entry is public exactly while the rule
    /// allows it, and once taken down it stays down until published again.
    pub async fn gallery_entries_are_public_only_while_the_rule_allows<H: Harness>(h: &H) {
        let store = h.store();
        let (a, user) = org_with_member(store, "Org", "CH", "u@example.org").await;
        let scope = OrgScope::new(a.id);
        let publication = NewConsent {
            purpose: ConsentPurpose::Publication,
            ..tracing_consent()
        };
        let request = store
            .open_request(
                &acting(&user, 1),
                &scope,
                &simple_request(),
                &OpeningConsents::default(),
            )
            .await
            .unwrap();
        let subject = request.enquirer.id;
        let sought = request.sought[0].id;
        let mut rng = Rng(0x5eed_0002);
        let mut published: Option<NewGalleryEntry> = None;
        let (mut public_steps, mut taken_down) = (0, 0);
        let mut clock = 10;
        for step in 0..80u8 {
            clock += 1;
            let ctx = acting(&user, clock);
            let action = rng.below(6);
            match action {
                0 => {
                    store
                        .record_consent(&ctx, &scope, subject, &publication)
                        .await
                        .unwrap();
                }
                1 => {
                    for c in store.consents(&scope, subject).await.unwrap() {
                        if c.purpose == ConsentPurpose::Publication && c.is_active() {
                            store.withdraw_consent(&ctx, &scope, c.id).await.unwrap();
                        }
                    }
                }
                2 | 3 => {
                    let person = if rng.below(2) == 0 { subject } else { sought };
                    let current = store.person(&ctx, &scope, person).await.unwrap().unwrap();
                    let mut details = current.details.clone();
                    details.flags.at_risk = action == 2;
                    store
                        .update_person(&ctx, &scope, person, current.version, &details)
                        .await
                        .unwrap();
                }
                _ => {
                    if published.is_none() {
                        let new = NewGalleryEntry {
                            request: request.id,
                            reference: GalleryReference::from_random_bytes(&[
                                step, 1, 2, 3, 4, 5, 6, 7,
                            ])
                            .unwrap(),
                            relationships: vec![Relationship::Brother],
                            region: None,
                            media: MediaTokens {
                                photo: format!("photo{step:027}"),
                                thumbnail: format!("thumb{step:027}"),
                            },
                        };
                        if store.create_gallery_entry(&ctx, &scope, &new).await.is_ok() {
                            published = Some(new);
                        }
                    }
                }
            }
            let persons = [
                store.person(&ctx, &scope, subject).await.unwrap().unwrap(),
                store.person(&ctx, &scope, sought).await.unwrap().unwrap(),
            ];
            let ledger = store.consents(&scope, subject).await.unwrap();
            let allowed = may_show_in_gallery(
                persons[0].details.flags,
                ConsentLedger(&ledger),
                [persons[1].details.flags],
            )
            .is_ok();
            if !allowed && published.is_some() {
                published = None;
                taken_down += 1;
            }
            let public = store.published_entries().await.unwrap();
            match &published {
                Some(entry) => {
                    assert_eq!(public.len(), 1, "step {step} (action {action})");
                    public_steps += 1;
                    assert_eq!(public[0].reference, entry.reference);
                    assert!(store.published_media(&entry.media.photo).await.unwrap());
                    assert!(
                        store
                            .published_entry(&entry.reference)
                            .await
                            .unwrap()
                            .is_some()
                    );
                }
                None => {
                    assert!(
                        public.is_empty(),
                        "step {step} (action {action}): {public:?}"
                    );
                    assert!(store.gallery_entries(&scope).await.unwrap().is_empty());
                }
            }
        }
        assert!(
            public_steps > 0 && taken_down > 0,
            "the sequence must publish and then take down ({public_steps}, {taken_down})"
        );
    }
}

// Builders for the Restoring Family Links tests.

/// A small deterministic generator for the sequence tests: the same steps
/// on every run and on both databases.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        // xorshift64
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

pub(crate) fn text(value: &str) -> Text {
    Text::parse("text", value, 2000, true).unwrap()
}

pub(crate) fn person_named(names: &[&str], nationalities: &[&str]) -> PersonDetails {
    let names = names
        .iter()
        .map(|n| PersonName::simple(n, NameKind::Birth).unwrap())
        .collect();
    let mut details = PersonDetails::new(names, Sex::Unknown).unwrap();
    details.nationalities = nationalities
        .iter()
        .map(|c| CountryCode::parse(c).unwrap())
        .collect();
    details
}

pub(crate) fn circumstances(place: &str) -> Circumstances {
    Circumstances {
        context: SeparationContext::Conflict,
        date: Some(PartialDate::parse("2015-08").unwrap()),
        place: Some(text(place)),
        countries_transited: vec![CountryCode::parse("TR").unwrap()],
        last_news: LastNews {
            date: Some(PartialDate::parse("~2016").unwrap()),
            place: None,
            source: Some(text("a fellow traveller")),
        },
        narrative: None,
    }
}

pub(crate) fn simple_request() -> NewRequest {
    NewRequest {
        enquirer: person_named(&["Amina Haddad"], &["SY"]),
        sought: vec![(
            Relationship::Brother,
            person_named(&["Karim Haddad"], &["SY"]),
        )],
        circumstances: circumstances("Aleppo"),
    }
}

fn filter() -> RequestFilter {
    RequestFilter {
        limit: 50,
        ..RequestFilter::default()
    }
}

pub(crate) fn acting_at(user: &UserAccount, when: Timestamp) -> AuditContext {
    AuditContext {
        at: when,
        ..acting(user, 0)
    }
}

/// A published gallery entry of the scope: an adult's, published with
/// consent by `author` at once.
pub(crate) async fn published_entry<S: Store>(
    store: &S,
    scope: &OrgScope,
    author: &UserAccount,
) -> GalleryReference {
    let publication = NewConsent {
        purpose: ConsentPurpose::Publication,
        ..tracing_consent()
    };
    let consents = OpeningConsents {
        enquirer: Some(publication),
        each_sought: None,
    };
    let request = store
        .open_request(&acting(author, 1), scope, &simple_request(), &consents)
        .await
        .unwrap();
    let reference = GalleryReference::from_random_bytes(&[4, 1, 2, 3, 4, 5, 6, 7]).unwrap();
    let new = NewGalleryEntry {
        request: request.id,
        reference: reference.clone(),
        relationships: vec![Relationship::Brother],
        region: None,
        media: MediaTokens {
            photo: "p".repeat(32),
            thumbnail: "t".repeat(32),
        },
    };
    store
        .create_gallery_entry(&acting(author, 2), scope, &new)
        .await
        .unwrap();
    assert_eq!(store.published_entries().await.unwrap().len(), 1);
    reference
}

pub(crate) async fn org_with_member<S: Store>(
    store: &S,
    name: &str,
    country: &str,
    email: &str,
) -> (Organisation, UserAccount) {
    let created = store
        .create_organisation(
            &system(0),
            &NewOrganisation {
                country: CountryCode::parse(country).unwrap(),
                ..new_org(name)
            },
        )
        .await
        .unwrap();
    let user = member(store, email, created.id).await;
    (created, user)
}

pub(crate) async fn registration<S: Store>(
    store: &S,
    user: &UserAccount,
    org: OrgId,
    name: &str,
    flags: PersonFlags,
) -> StoredPerson {
    let mut details = person_named(&[name], &["SY"]);
    details.flags = flags;
    store
        .create_registration(
            &acting(user, 1),
            &OrgScope::new(org),
            RegistrationKind::Safe,
            &details,
            None,
        )
        .await
        .unwrap()
}

pub(crate) fn tracing_consent() -> NewConsent {
    NewConsent {
        purpose: ConsentPurpose::Tracing,
        basis: ConsentBasis::Consent {
            given_by: ConsentGiver::Person,
            method: ConsentMethod::Written,
        },
        scope: SharingScope::default(),
        note: None,
    }
}

pub(crate) fn sharing_with(countries: &[&str]) -> NewConsent {
    NewConsent {
        purpose: ConsentPurpose::Sharing,
        scope: SharingScope {
            organisations: Vec::new(),
            countries: countries
                .iter()
                .map(|c| CountryCode::parse(c).unwrap())
                .collect(),
        },
        note: Some(text("agreed at the office")),
        ..tracing_consent()
    }
}

fn explanation() -> Vec<FieldExplanation> {
    vec![
        FieldExplanation {
            field: "name".into(),
            agreement: Agreement::Close,
            contribution_centi: 310,
        },
        FieldExplanation {
            field: "birth_date".into(),
            agreement: Agreement::Missing,
            contribution_centi: 0,
        },
    ]
}

pub(crate) fn cand(sought: PersonId, other: PersonId, score_milli: u16) -> NewCandidate {
    NewCandidate {
        sought,
        other,
        score_milli,
        explanation: explanation(),
    }
}

/// Two organisations in two countries: A (Belgium) has a request whose
/// sought person is a candidate for B's (France) registration.
pub(crate) struct World {
    pub(crate) a: Organisation,
    pub(crate) b: Organisation,
    pub(crate) user_a: UserAccount,
    pub(crate) user_b: UserAccount,
    pub(crate) sought: PersonId,
    pub(crate) found: PersonId,
    pub(crate) candidate: CandidateId,
}

pub(crate) async fn world<S: Store>(store: &S) -> World {
    let (a, user_a) = org_with_member(store, "Org A", "BE", "u@a.org").await;
    let (b, user_b) = org_with_member(store, "Org B", "FR", "u@b.org").await;
    let request = store
        .create_request(&acting(&user_a, 1), &OrgScope::new(a.id), &simple_request())
        .await
        .unwrap();
    let found = registration(store, &user_b, b.id, "Found Person", PersonFlags::default()).await;
    let sought = request.sought[0].id;
    store
        .record_candidates(&system(2), sought, &[cand(sought, found.id, 700)])
        .await
        .unwrap();
    let candidate = store
        .candidates_for(&OrgScope::new(a.id), sought)
        .await
        .unwrap()[0]
        .id;
    World {
        a,
        b,
        user_a,
        user_b,
        sought,
        found: found.id,
        candidate,
    }
}

/// Three organisations: A (Belgium) owns a request with a brother and a
/// sister at risk; B (France) receives transfers; C (Italy) is a bystander.
struct TransferWorld {
    a: Organisation,
    b: Organisation,
    c: Organisation,
    user_a: UserAccount,
    user_b: UserAccount,
    user_c: UserAccount,
    request: RequestId,
    enquirer: PersonId,
    safe: PersonId,
    at_risk: PersonId,
}

async fn transfer_world<S: Store>(store: &S) -> TransferWorld {
    let (a, user_a) = org_with_member(store, "Org A", "BE", "u@a.org").await;
    let (b, user_b) = org_with_member(store, "Org B", "FR", "u@b.org").await;
    let (c, user_c) = org_with_member(store, "Org C", "IT", "u@c.org").await;
    let mut new = simple_request();
    new.enquirer.contact = Some(text("+32 470 00 00 00"));
    let mut sister = person_named(&["Layla Haddad"], &["SY"]);
    sister.flags.at_risk = true;
    new.sought.push((Relationship::Sister, sister));
    let request = store
        .create_request(&acting(&user_a, 1), &OrgScope::new(a.id), &new)
        .await
        .unwrap();
    TransferWorld {
        a,
        b,
        c,
        user_a,
        user_b,
        user_c,
        request: request.id,
        enquirer: request.enquirer.id,
        safe: request.sought[0].id,
        at_risk: request.sought[1].id,
    }
}
