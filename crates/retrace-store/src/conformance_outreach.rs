//! The conformance suite for outreach (issue 13): idempotent sync by the
//! phone's id, conflicts by version, scope, audit and one transaction.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed expectation is a failed test"
)]

pub mod tests {
    use crate::conformance::Harness;
    use crate::{
        AuditContext, AuditVerification, IncomingSession, Membership, NewOrganisation, NewUser,
        OrgScope, OrgTopic, Organisation, OutreachFilter, OutreachStore, Resolution, StatsScope,
        Store, StoreError, SyncOutcome, UserAccount,
    };
    use retrace_domain::{
        AgeBand, CountryCode, DisplayName, Email, FollowUpId, FollowUpOutcome, FollowUpRequest,
        LanguageCode, OrgKind, OrgName, OutreachSessionData, OutreachSessionId, PlaceKind,
        ReachedGroup, Referral, Role, RoleSet, Sex, Text, Timestamp, TopicCode,
    };

    const T0: i64 = 1_700_000_000_000;
    const DAY: i64 = 86_400_000;

    fn text(value: &str) -> Text {
        Text::parse("t", value, 200, false).unwrap()
    }

    pub(crate) async fn org_and_worker<S: Store>(
        store: &S,
        name: &str,
        country: &str,
    ) -> (Organisation, UserAccount) {
        let org = store
            .create_organisation(
                &AuditContext::system(Timestamp::from_millis(T0), "conformance test"),
                &NewOrganisation {
                    name: OrgName::parse(name).unwrap(),
                    kind: OrgKind::NationalSociety,
                    country: CountryCode::parse(country).unwrap(),
                },
            )
            .await
            .unwrap();
        let email = format!(
            "worker@{}.example.org",
            name.to_lowercase().replace(' ', "-")
        );
        let user = store
            .create_user(
                &AuditContext::system(Timestamp::from_millis(T0), "conformance test"),
                &NewUser {
                    email: Email::parse(&email).unwrap(),
                    display_name: DisplayName::parse("Worker").unwrap(),
                    membership: Membership::Member {
                        org: org.id,
                        roles: RoleSet::new([Role::OutreachWorker]).unwrap(),
                    },
                    password_hash: "$argon2id$fake$worker".into(),
                },
            )
            .await
            .unwrap();
        (org, user)
    }

    fn acting(user: &UserAccount, org: &Organisation, millis: i64) -> AuditContext {
        AuditContext {
            at: Timestamp::from_millis(T0 + millis),
            actor: Some(user.id),
            org: Some(org.id),
            purpose: None,
        }
    }

    pub(crate) fn data(team: &str, nationality: &str, count: u32, day: i64) -> OutreachSessionData {
        OutreachSessionData {
            team: text(team),
            place_kind: PlaceKind::Station,
            city: text("Brussels"),
            started_at: Timestamp::from_millis(T0 + day * DAY),
            duration_minutes: 90,
            members: vec![text("Anne")],
            mediators: vec![text("Yonas")],
            languages: vec![LanguageCode::parse("ti").unwrap()],
            people_reached: count,
            reached: vec![ReachedGroup {
                sex: Sex::Male,
                age_band: AgeBand::From18To25,
                nationality: Some(CountryCode::parse(nationality).unwrap()),
                count,
            }],
            topics: vec![TopicCode::parse("dublin_regulation").unwrap()],
            referrals: vec![Referral {
                service: text("Medical clinic"),
                count: 1,
            }],
            follow_ups: vec![],
            notes: None,
        }
    }

    pub(crate) fn incoming(
        id: OutreachSessionId,
        base: i64,
        data: OutreachSessionData,
    ) -> IncomingSession {
        IncomingSession {
            id,
            base_version: base,
            data,
        }
    }

    async fn entries<S: Store>(store: &S) -> u64 {
        match store.verify_audit_chain().await.unwrap() {
            AuditVerification::Intact { entries, .. } => entries,
            broken => panic!("the chain should be intact: {broken:?}"),
        }
    }

    /// A session synced twice (a retry after a lost answer) is stored once
    /// and counted once; an edit on the stored version becomes version 2.
    pub async fn outreach_sync_is_idempotent_by_the_phones_id<H: Harness>(h: &H) {
        let store = h.store();
        let (org, user) = org_and_worker(store, "Reach Out", "BE").await;
        let scope = OrgScope::new(org.id);
        let id = OutreachSessionId::random();
        let first = data("North", "SD", 7, 0);
        let stored = store
            .sync_outreach_session(
                &acting(&user, &org, 1),
                &scope,
                &incoming(id, 0, first.clone()),
            )
            .await
            .unwrap();
        assert_eq!(stored, SyncOutcome::Stored { version: 1 });
        let before = entries(store).await;
        let again = store
            .sync_outreach_session(
                &acting(&user, &org, 2),
                &scope,
                &incoming(id, 0, first.clone()),
            )
            .await
            .unwrap();
        assert_eq!(again, SyncOutcome::AlreadyApplied { version: 1 });
        assert_eq!(entries(store).await, before, "a retry writes nothing");
        let listed = store
            .outreach_sessions(&scope, &OutreachFilter::default(), 100)
            .await
            .unwrap();
        assert_eq!(listed.len(), 1);
        let stats = store
            .outreach_stats(&StatsScope::Organisation(scope), &OutreachFilter::default())
            .await
            .unwrap();
        assert_eq!((stats.sessions, stats.people), (1, 7));

        let mut edited = first.clone();
        edited.people_reached = 8;
        edited.reached[0].count = 8;
        let updated = store
            .sync_outreach_session(
                &acting(&user, &org, 3),
                &scope,
                &incoming(id, 1, edited.clone()),
            )
            .await
            .unwrap();
        assert_eq!(updated, SyncOutcome::Stored { version: 2 });
        // The edit retried after its answer was lost: recognised.
        let retried = store
            .sync_outreach_session(&acting(&user, &org, 4), &scope, &incoming(id, 1, edited))
            .await
            .unwrap();
        assert_eq!(retried, SyncOutcome::AlreadyApplied { version: 2 });
        let stats = store
            .outreach_stats(&StatsScope::Organisation(scope), &OutreachFilter::default())
            .await
            .unwrap();
        assert_eq!((stats.sessions, stats.people), (1, 8));
        let session = store
            .outreach_session(&acting(&user, &org, 5), &scope, id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(session.version, 2);
        assert_eq!(session.data.people_reached, 8);

        // An import is one transaction: one taken id stores nothing.
        let h_store = store;
        let (other, other_user) = org_and_worker(h_store, "Importer", "FR").await;
        let other_scope = OrgScope::new(other.id);
        let kept = OutreachSessionId::random();
        h_store
            .import_outreach_sessions(
                &acting(&other_user, &other, 2),
                &other_scope,
                &[incoming(kept, 0, data("South", "SY", 2, 1))],
            )
            .await
            .unwrap();
        let clash = h_store
            .import_outreach_sessions(
                &acting(&other_user, &other, 3),
                &other_scope,
                &[
                    incoming(OutreachSessionId::random(), 0, data("South", "SY", 2, 2)),
                    incoming(kept, 0, data("South", "SY", 2, 3)),
                ],
            )
            .await;
        assert!(matches!(clash, Err(StoreError::NotFound)), "{clash:?}");
        let listed = h_store
            .outreach_sessions(&other_scope, &OutreachFilter::default(), 10)
            .await
            .unwrap();
        assert_eq!(listed.len(), 1, "nothing of the failed import remains");
    }

    /// The same session edited on two phones: the second edit is kept
    /// aside as a conflict and nothing is overwritten until a person
    /// resolves it.
    pub async fn outreach_edits_made_apart_conflict_and_overwrite_nothing<H: Harness>(h: &H) {
        let store = h.store();
        let (org, user) = org_and_worker(store, "Reach Out", "BE").await;
        let scope = OrgScope::new(org.id);
        let id = OutreachSessionId::random();
        let original = data("North", "SD", 4, 0);
        store
            .sync_outreach_session(
                &acting(&user, &org, 1),
                &scope,
                &incoming(id, 0, original.clone()),
            )
            .await
            .unwrap();
        let mut phone_a = original.clone();
        phone_a.city = text("Ghent");
        let mut phone_b = original.clone();
        phone_b.city = text("Liège");
        assert_eq!(
            store
                .sync_outreach_session(&acting(&user, &org, 2), &scope, &incoming(id, 1, phone_a))
                .await
                .unwrap(),
            SyncOutcome::Stored { version: 2 }
        );
        let conflict = store
            .sync_outreach_session(
                &acting(&user, &org, 3),
                &scope,
                &incoming(id, 1, phone_b.clone()),
            )
            .await
            .unwrap();
        let SyncOutcome::Conflict {
            conflict: conflict_id,
            server_version,
        } = conflict
        else {
            panic!("expected a conflict, got {conflict:?}");
        };
        assert_eq!(server_version, 2);
        // The same conflicting edit synced again is one conflict.
        let again = store
            .sync_outreach_session(&acting(&user, &org, 4), &scope, &incoming(id, 1, phone_b))
            .await
            .unwrap();
        assert_eq!(
            again,
            SyncOutcome::Conflict {
                conflict: conflict_id,
                server_version: 2
            }
        );
        let stored = store
            .outreach_session(&acting(&user, &org, 5), &scope, id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(stored.data.city.as_str(), "Ghent", "nothing overwritten");
        let conflicts = store.outreach_conflicts(&scope).await.unwrap();
        assert_eq!(conflicts.len(), 1);
        assert_eq!(conflicts[0].data.city.as_str(), "Liège");
        assert_eq!(conflicts[0].base_version, 1);

        let resolved = store
            .resolve_outreach_conflict(
                &acting(&user, &org, 6),
                &scope,
                conflict_id,
                Resolution::TakeIncoming,
            )
            .await
            .unwrap();
        assert_eq!(resolved.version, 3);
        assert_eq!(resolved.data.city.as_str(), "Liège");
        assert!(store.outreach_conflicts(&scope).await.unwrap().is_empty());
        let twice = store
            .resolve_outreach_conflict(
                &acting(&user, &org, 7),
                &scope,
                conflict_id,
                Resolution::KeepStored,
            )
            .await;
        assert!(matches!(twice, Err(StoreError::NotFound)), "{twice:?}");
    }

    /// Another organisation's session, conflict and follow-up look exactly
    /// like missing ones, and its figures never reach the dashboard.
    pub async fn outreach_of_another_organisation_is_not_found<H: Harness>(h: &H) {
        let store = h.store();
        let (a, user_a) = org_and_worker(store, "Org A", "BE").await;
        let (b, user_b) = org_and_worker(store, "Org B", "FR").await;
        let (scope_a, scope_b) = (OrgScope::new(a.id), OrgScope::new(b.id));
        let id = OutreachSessionId::random();
        let mut with_follow_up = data("North", "ER", 3, 0);
        let follow_up = FollowUpId::random();
        with_follow_up.follow_ups.push(FollowUpRequest {
            id: follow_up,
            pseudonym: text("K. blue jacket"),
            consent_to_link: true,
        });
        store
            .sync_outreach_session(
                &acting(&user_a, &a, 1),
                &scope_a,
                &incoming(id, 0, with_follow_up.clone()),
            )
            .await
            .unwrap();
        assert!(
            store
                .outreach_session(&acting(&user_b, &b, 2), &scope_b, id)
                .await
                .unwrap()
                .is_none()
        );
        // B cannot take A's id, neither as a new session nor as an edit.
        for base in [0, 1] {
            let taken = store
                .sync_outreach_session(
                    &acting(&user_b, &b, 3),
                    &scope_b,
                    &incoming(id, base, data("South", "SY", 2, 0)),
                )
                .await;
            assert!(matches!(taken, Err(StoreError::NotFound)), "{taken:?}");
        }
        let outcome = store
            .record_outcome(
                &acting(&user_b, &b, 4),
                &scope_b,
                follow_up,
                Some(FollowUpOutcome::ReceptionEntered),
            )
            .await;
        assert!(matches!(outcome, Err(StoreError::NotFound)), "{outcome:?}");
        assert!(
            store
                .follow_ups(&acting(&user_b, &b, 9), &scope_b, 100)
                .await
                .unwrap()
                .is_empty()
        );
        assert!(
            store
                .outreach_sessions(&scope_b, &OutreachFilter::default(), 100)
                .await
                .unwrap()
                .is_empty()
        );
        let stats_b = store
            .outreach_stats(
                &StatsScope::Organisation(scope_b),
                &OutreachFilter::default(),
            )
            .await
            .unwrap();
        assert_eq!((stats_b.sessions, stats_b.people), (0, 0));
        // A records the outcome of its own follow-up; a later edit of the
        // session keeps it.
        let recorded = store
            .record_outcome(
                &acting(&user_a, &a, 5),
                &scope_a,
                follow_up,
                Some(FollowUpOutcome::AsylumClaimLodged),
            )
            .await
            .unwrap();
        assert_eq!(recorded.outcome, Some(FollowUpOutcome::AsylumClaimLodged));
        let mut edit = with_follow_up.clone();
        edit.notes = Some(text("rain"));
        store
            .sync_outreach_session(&acting(&user_a, &a, 6), &scope_a, &incoming(id, 1, edit))
            .await
            .unwrap();
        let follow_ups = store
            .follow_ups(&acting(&user_a, &a, 9), &scope_a, 100)
            .await
            .unwrap();
        assert_eq!(follow_ups.len(), 1);
        assert_eq!(
            follow_ups[0].outcome,
            Some(FollowUpOutcome::AsylumClaimLodged)
        );
        assert_eq!(follow_ups[0].pseudonym.as_str(), "K. blue jacket");
        let listed = store.audit_entries(&scope_a, 5, None).await.unwrap();
        assert_eq!(listed[0].record.action, "persons_listed");
        assert_eq!(listed[0].record.object_id, "outreach_follow_ups");
    }

    /// The dashboard's aggregates follow the filter; the country view adds
    /// up every organisation of the country and nothing else.
    pub async fn outreach_stats_follow_the_filter_and_the_scope<H: Harness>(h: &H) {
        let store = h.store();
        let (a, user_a) = org_and_worker(store, "Org A", "BE").await;
        let (b, user_b) = org_and_worker(store, "Org B", "BE").await;
        let (c, user_c) = org_and_worker(store, "Org C", "FR").await;
        for (org, user, team, nationality, count, day) in [
            (&a, &user_a, "North", "SD", 3, 0),
            (&a, &user_a, "North", "ER", 2, 40),
            (&a, &user_a, "South", "SD", 6, 41),
            (&b, &user_b, "Team B", "AF", 9, 1),
            (&c, &user_c, "Calais", "SD", 11, 1),
        ] {
            store
                .sync_outreach_session(
                    &acting(user, org, 1),
                    &OrgScope::new(org.id),
                    &incoming(
                        OutreachSessionId::random(),
                        0,
                        data(team, nationality, count, day),
                    ),
                )
                .await
                .unwrap();
        }
        let scope_a = StatsScope::Organisation(OrgScope::new(a.id));
        let all = store
            .outreach_stats(&scope_a, &OutreachFilter::default())
            .await
            .unwrap();
        assert_eq!((all.sessions, all.people), (3, 11));
        assert_eq!(all.by_month.len(), 2, "{:?}", all.by_month);
        let north = all.by_team.iter().find(|t| t.key == "North").unwrap();
        assert_eq!((north.sessions, north.people), (2, 5));
        let sd = all.by_nationality.iter().find(|t| t.key == "SD").unwrap();
        assert_eq!(sd.people, 9);
        assert_eq!(all.topics[0].key, "dublin_regulation");
        assert_eq!(all.topics[0].sessions, 3);
        assert_eq!(all.referrals[0].people, 3);

        let sudanese = store
            .outreach_stats(
                &scope_a,
                &OutreachFilter {
                    nationality: Some(Some(CountryCode::parse("SD").unwrap())),
                    ..OutreachFilter::default()
                },
            )
            .await
            .unwrap();
        assert_eq!((sudanese.sessions, sudanese.people), (2, 9));
        let early = store
            .outreach_stats(
                &scope_a,
                &OutreachFilter {
                    to: Some(Timestamp::from_millis(T0 + 10 * DAY)),
                    team: Some("North".into()),
                    ..OutreachFilter::default()
                },
            )
            .await
            .unwrap();
        assert_eq!((early.sessions, early.people), (1, 3));

        let belgium = store
            .outreach_stats(
                &StatsScope::Country(CountryCode::parse("BE").unwrap()),
                &OutreachFilter::default(),
            )
            .await
            .unwrap();
        assert_eq!((belgium.sessions, belgium.people), (4, 20));
    }

    /// Topics an organisation adds are its own, once each, never a
    /// built-in one again; each addition is audited.
    pub async fn outreach_topics_are_the_organisations_own<H: Harness>(h: &H) {
        let store = h.store();
        let (a, user_a) = org_and_worker(store, "Org A", "BE").await;
        let (b, _) = org_and_worker(store, "Org B", "BE").await;
        let scope_a = OrgScope::new(a.id);
        let topic = OrgTopic {
            code: TopicCode::from_label("Winter shelter").unwrap(),
            label: text("Winter shelter"),
        };
        store
            .add_outreach_topic(&acting(&user_a, &a, 1), &scope_a, &topic)
            .await
            .unwrap();
        let again = store
            .add_outreach_topic(&acting(&user_a, &a, 2), &scope_a, &topic)
            .await;
        assert!(
            matches!(again, Err(StoreError::Conflict { .. })),
            "{again:?}"
        );
        let builtin = store
            .add_outreach_topic(
                &acting(&user_a, &a, 3),
                &scope_a,
                &OrgTopic {
                    code: TopicCode::parse("health").unwrap(),
                    label: text("Health"),
                },
            )
            .await;
        assert!(
            matches!(builtin, Err(StoreError::Conflict { .. })),
            "{builtin:?}"
        );
        assert_eq!(store.outreach_topics(&scope_a).await.unwrap(), vec![topic]);
        assert!(
            store
                .outreach_topics(&OrgScope::new(b.id))
                .await
                .unwrap()
                .is_empty()
        );
        let actions: Vec<String> = store
            .audit_entries(&scope_a, 100, None)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.record.action)
            .collect();
        assert!(
            actions.contains(&"outreach_topic_added".to_owned()),
            "{actions:?}"
        );
    }

    /// The audit entry is the last statement of storing a session: when it
    /// fails, no session, figure or follow-up remains.
    pub async fn outreach_sync_stores_nothing_when_its_last_statement_fails<H: Harness>(h: &H) {
        let store = h.store();
        let (org, user) = org_and_worker(store, "Reach Out", "BE").await;
        let scope = OrgScope::new(org.id);
        let mut session = data("North", "SD", 5, 0);
        session.follow_ups.push(FollowUpRequest {
            id: FollowUpId::random(),
            pseudonym: text("M."),
            consent_to_link: false,
        });
        let before = entries(store).await;
        h.fail_audit_appends_of("outreach_session_recorded")
            .await
            .unwrap();
        let failed = store
            .sync_outreach_session(
                &acting(&user, &org, 1),
                &scope,
                &incoming(OutreachSessionId::random(), 0, session),
            )
            .await;
        assert!(failed.is_err(), "the injected failure must surface");
        assert_eq!(entries(store).await, before);
        assert!(
            store
                .outreach_sessions(&scope, &OutreachFilter::default(), 10)
                .await
                .unwrap()
                .is_empty()
        );
        assert!(
            store
                .follow_ups(&acting(&user, &org, 9), &scope, 10)
                .await
                .unwrap()
                .is_empty()
        );
        let stats = store
            .outreach_stats(&StatsScope::Organisation(scope), &OutreachFilter::default())
            .await
            .unwrap();
        assert_eq!(stats, crate::OutreachStats::default());
    }

    /// A batch from a phone is one transaction in which a refused session
    /// is left out alone; the dashboard's tallies follow every change (a
    /// new session, an edit that moves it, an outcome recorded and
    /// cleared, a conflict resolved by taking the edit).
    pub async fn outreach_batches_refuse_alone_and_tallies_follow_every_change<H: Harness>(h: &H) {
        let store = h.store();
        let (org, user) = org_and_worker(store, "Reach Out", "BE").await;
        let scope = OrgScope::new(org.id);
        let stats = |filter: OutreachFilter| async move {
            store
                .outreach_stats(&StatsScope::Organisation(scope), &filter)
                .await
                .unwrap()
        };
        let (s1, s2) = (OutreachSessionId::random(), OutreachSessionId::random());
        let follow_up = FollowUpId::random();
        let mut first = data("North", "SD", 3, 0);
        first.reached.push(ReachedGroup {
            sex: Sex::Female,
            age_band: AgeBand::Under18,
            nationality: Some(CountryCode::parse("ER").unwrap()),
            count: 2,
        });
        first.people_reached = 5;
        first.follow_ups.push(FollowUpRequest {
            id: follow_up,
            pseudonym: text("K."),
            consent_to_link: true,
        });
        let outcomes = store
            .sync_outreach_sessions(
                &acting(&user, &org, 1),
                &scope,
                &[
                    incoming(s1, 0, first.clone()),
                    incoming(s2, 0, data("South", "AF", 4, 1)),
                    incoming(OutreachSessionId::random(), 1, data("South", "AF", 1, 1)),
                    incoming(s1, 0, first.clone()),
                ],
            )
            .await
            .unwrap();
        assert!(matches!(
            outcomes[0],
            Ok(SyncOutcome::Stored { version: 1 })
        ));
        assert!(matches!(
            outcomes[1],
            Ok(SyncOutcome::Stored { version: 1 })
        ));
        assert!(matches!(outcomes[2], Err(StoreError::NotFound)));
        assert!(matches!(
            outcomes[3],
            Ok(SyncOutcome::AlreadyApplied { version: 1 })
        ));
        let all = stats(OutreachFilter::default()).await;
        assert_eq!((all.sessions, all.people), (2, 9));
        let sex: Vec<_> = all
            .by_sex
            .iter()
            .map(|t| (t.key.as_str(), t.sessions, t.people))
            .collect();
        assert_eq!(sex, [("female", 1, 2), ("male", 2, 7)]);
        let eritrean = OutreachFilter {
            nationality: Some(Some(CountryCode::parse("ER").unwrap())),
            ..OutreachFilter::default()
        };
        let er = stats(eritrean.clone()).await;
        assert_eq!((er.sessions, er.people), (1, 2));
        assert_eq!(er.topics[0].sessions, 1);

        store
            .record_outcome(
                &acting(&user, &org, 2),
                &scope,
                follow_up,
                Some(FollowUpOutcome::ReceptionEntered),
            )
            .await
            .unwrap();
        let er = stats(eritrean.clone()).await;
        assert_eq!(er.outcomes.len(), 1);
        assert_eq!((er.outcomes[0].sessions, er.outcomes[0].people), (1, 1));

        // The session moves forty days on and to another team.
        let mut moved = first.clone();
        moved.team = text("East");
        moved.started_at = Timestamp::from_millis(T0 + 40 * DAY);
        moved.reached[0].count = 6;
        moved.people_reached = 8;
        store
            .sync_outreach_session(&acting(&user, &org, 3), &scope, &incoming(s1, 1, moved))
            .await
            .unwrap();
        let all = stats(OutreachFilter::default()).await;
        assert_eq!((all.sessions, all.people), (2, 12));
        let teams: Vec<_> = all.by_team.iter().map(|t| t.key.as_str()).collect();
        assert_eq!(teams, ["East", "South"]);
        assert_eq!(all.by_month.iter().map(|t| t.sessions).sum::<u64>(), 2);
        assert_eq!(all.outcomes[0].people, 1, "the outcome moved with it");
        let early = stats(OutreachFilter {
            to: Some(Timestamp::from_millis(T0 + 10 * DAY)),
            ..OutreachFilter::default()
        })
        .await;
        assert_eq!((early.sessions, early.people), (1, 4));
        assert!(early.outcomes.is_empty());

        // Two edits of s2 made apart; the second is taken on resolution.
        store
            .sync_outreach_session(
                &acting(&user, &org, 4),
                &scope,
                &incoming(s2, 1, data("South", "AF", 7, 1)),
            )
            .await
            .unwrap();
        let conflict = store
            .sync_outreach_session(
                &acting(&user, &org, 5),
                &scope,
                &incoming(s2, 1, data("South", "SY", 9, 1)),
            )
            .await
            .unwrap();
        let SyncOutcome::Conflict { conflict, .. } = conflict else {
            panic!("expected a conflict, got {conflict:?}");
        };
        assert_eq!(stats(OutreachFilter::default()).await.people, 15);
        store
            .resolve_outreach_conflict(
                &acting(&user, &org, 6),
                &scope,
                conflict,
                Resolution::TakeIncoming,
            )
            .await
            .unwrap();
        let all = stats(OutreachFilter::default()).await;
        assert_eq!((all.sessions, all.people), (2, 17));
        let nationalities: Vec<_> = all
            .by_nationality
            .iter()
            .map(|t| (t.key.as_str(), t.people))
            .collect();
        assert_eq!(nationalities, [("SY", 9), ("SD", 6), ("ER", 2)]);

        store
            .record_outcome(&acting(&user, &org, 7), &scope, follow_up, None)
            .await
            .unwrap();
        assert!(stats(eritrean).await.outcomes.is_empty());
    }

    /// A bulk import (the demo data, an import) stores the same sessions,
    /// follow-ups, tallies and audit entries as syncing the sessions one by
    /// one; an id given twice or already taken stores nothing.
    pub async fn outreach_import_matches_sessions_synced_one_by_one<H: Harness>(h: &H) {
        let store = h.store();
        let (bulk, bulk_user) = org_and_worker(store, "Bulk", "BE").await;
        let (single, single_user) = org_and_worker(store, "Single", "FR").await;
        let sessions = || {
            let mut first = data("North", "SD", 3, 0);
            first.reached.push(ReachedGroup {
                sex: Sex::Female,
                age_band: AgeBand::Under18,
                nationality: None,
                count: 2,
            });
            first.people_reached = 5;
            first.follow_ups.push(FollowUpRequest {
                id: FollowUpId::random(),
                pseudonym: text("K."),
                consent_to_link: true,
            });
            let mut third = data("North", "ER", 2, 35);
            third.place_kind = PlaceKind::Street;
            third.topics.clear();
            third.referrals.clear();
            for pseudonym in ["A.", "B."] {
                third.follow_ups.push(FollowUpRequest {
                    id: FollowUpId::random(),
                    pseudonym: text(pseudonym),
                    consent_to_link: false,
                });
            }
            vec![
                first,
                data("South", "AF", 4, 1),
                third,
                data("South", "SD", 6, 36),
                data("North", "SD", 1, 70),
            ]
        };
        let before = entries(store).await;
        let imported: Vec<_> = sessions()
            .into_iter()
            .map(|d| incoming(OutreachSessionId::random(), 0, d))
            .collect();
        let bulk_scope = OrgScope::new(bulk.id);
        let stored = store
            .import_outreach_sessions(&acting(&bulk_user, &bulk, 1), &bulk_scope, &imported)
            .await
            .unwrap();
        assert_eq!(stored, 5);
        assert_eq!(entries(store).await, before + 5, "one audit entry each");
        let single_scope = OrgScope::new(single.id);
        for (i, d) in sessions().into_iter().enumerate() {
            store
                .sync_outreach_session(
                    &acting(&single_user, &single, 2 + i as i64),
                    &single_scope,
                    &incoming(OutreachSessionId::random(), 0, d),
                )
                .await
                .unwrap();
        }
        for filter in [
            OutreachFilter::default(),
            OutreachFilter {
                nationality: Some(Some(CountryCode::parse("SD").unwrap())),
                ..OutreachFilter::default()
            },
            OutreachFilter {
                nationality: Some(None),
                ..OutreachFilter::default()
            },
            OutreachFilter {
                team: Some("North".into()),
                place_kind: Some(PlaceKind::Station),
                ..OutreachFilter::default()
            },
            OutreachFilter {
                from: Some(Timestamp::from_millis(T0 + 30 * DAY)),
                to: Some(Timestamp::from_millis(T0 + 60 * DAY)),
                ..OutreachFilter::default()
            },
        ] {
            let of = |scope: OrgScope| {
                let filter = filter.clone();
                async move {
                    store
                        .outreach_stats(&StatsScope::Organisation(scope), &filter)
                        .await
                        .unwrap()
                }
            };
            assert_eq!(of(bulk_scope).await, of(single_scope).await, "{filter:?}");
        }
        let all = store
            .outreach_stats(
                &StatsScope::Organisation(bulk_scope),
                &OutreachFilter::default(),
            )
            .await
            .unwrap();
        assert_eq!((all.sessions, all.people), (5, 18));
        let follow_ups = store
            .follow_ups(&acting(&bulk_user, &bulk, 9), &bulk_scope, 10)
            .await
            .unwrap();
        assert_eq!(follow_ups.len(), 3);
        let first = &imported[0];
        let read = store
            .outreach_session(&acting(&bulk_user, &bulk, 9), &bulk_scope, first.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((read.version, &read.data), (1, &first.data));

        // An id twice in one batch, or a follow-up id already in use:
        // the whole batch is refused and nothing is written.
        let before = entries(store).await;
        let twice = OutreachSessionId::random();
        let doubled = store
            .import_outreach_sessions(
                &acting(&bulk_user, &bulk, 10),
                &bulk_scope,
                &[
                    incoming(twice, 0, data("West", "SY", 2, 3)),
                    incoming(twice, 0, data("West", "SY", 2, 4)),
                ],
            )
            .await;
        assert!(matches!(doubled, Err(StoreError::NotFound)), "{doubled:?}");
        let mut reused = data("West", "SY", 2, 5);
        reused.follow_ups.push(FollowUpRequest {
            id: imported[0].data.follow_ups[0].id,
            pseudonym: text("Again"),
            consent_to_link: false,
        });
        let clash = store
            .import_outreach_sessions(
                &acting(&bulk_user, &bulk, 11),
                &bulk_scope,
                &[
                    incoming(OutreachSessionId::random(), 0, data("West", "SY", 2, 6)),
                    incoming(OutreachSessionId::random(), 0, reused),
                ],
            )
            .await;
        assert!(
            matches!(
                clash,
                Err(StoreError::Refused {
                    field: "follow_ups",
                    ..
                })
            ),
            "{clash:?}"
        );
        assert_eq!(entries(store).await, before, "nothing audited");
        let listed = store
            .outreach_sessions(&bulk_scope, &OutreachFilter::default(), 100)
            .await
            .unwrap();
        assert_eq!(listed.len(), 5, "nothing of the refused batches remains");
        assert_eq!(
            store
                .outreach_stats(
                    &StatsScope::Organisation(bulk_scope),
                    &OutreachFilter::default()
                )
                .await
                .unwrap(),
            all
        );
    }
}
