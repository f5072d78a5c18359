//! Demonstration data: organisations of the kinds that use retrace, in
//! several countries, with one account per role in each. Generated for
//! trying the platform; no real person is described.

use crate::demo_tracing::{self, GenOrg, Plan, Tables};
use anyhow::Context;
use retrace_domain::{
    AuditAction, Clock, CountryCode, DisplayName, Email, NewPassword, ObjectKind, OrgKind, OrgName,
    Role, RoleSet, SystemClock,
};
use retrace_store::{AuditContext, AuditEvent, Membership, NewOrganisation, NewUser, Store};

/// Every demo account signs in with this password. Org admins and the
/// operator enrol a second factor at their first sign-in.
pub const DEMO_PASSWORD: &str = "Demo-Tracing-2026";
pub const DEMO_OPERATOR_EMAIL: &str = "operator@retrace.example";

struct DemoOrg {
    name: &'static str,
    slug: &'static str,
    kind: OrgKind,
    country: &'static str,
}

const ORGANISATIONS: [DemoOrg; 6] = [
    DemoOrg {
        name: "Belgian Red Cross (demo)",
        slug: "redcross-be",
        kind: OrgKind::NationalSociety,
        country: "BE",
    },
    DemoOrg {
        name: "French Red Cross (demo)",
        slug: "redcross-fr",
        kind: OrgKind::NationalSociety,
        country: "FR",
    },
    DemoOrg {
        name: "ICRC Delegation Lebanon (demo)",
        slug: "icrc-lb",
        kind: OrgKind::Icrc,
        country: "LB",
    },
    DemoOrg {
        name: "IOM Mission Italy (demo)",
        slug: "iom-it",
        kind: OrgKind::Iom,
        country: "IT",
    },
    DemoOrg {
        name: "Federal Reception Agency Belgium (demo)",
        slug: "reception-be",
        kind: OrgKind::GovernmentAgency,
        country: "BE",
    },
    DemoOrg {
        name: "Safe Passage Greece (demo NGO)",
        slug: "safepassage-gr",
        kind: OrgKind::Ngo,
        country: "GR",
    },
];

pub struct DemoAccount {
    pub email: String,
    pub organisation: &'static str,
    pub role: &'static str,
}

pub struct Loaded {
    pub accounts: Vec<DemoAccount>,
    pub newly_loaded: bool,
    pub tracing: Option<TracingLoaded>,
    /// Outreach sessions loaded, and the seconds it took.
    pub outreach: Option<(u64, f64)>,
    /// Network posts loaded, and the seconds the networks took (their
    /// smart practices included).
    pub networks: Option<(usize, f64)>,
    /// Smart practices loaded into the networks.
    pub practices: Option<usize>,
    /// Hand-entered pledge indicators loaded, and the seconds it took.
    pub indicators: Option<(usize, f64)>,
}

/// The generated tracing data and the candidates computed for it.
pub struct TracingLoaded {
    pub data: demo_tracing::Summary,
    pub referrals: crate::demo_referrals::Summary,
    pub candidates: retrace_app::RecomputeSummary,
    pub seconds: f64,
}

/// Tracing requests generated for the demo (plus a few reciprocal ones).
pub const DEMO_REQUESTS: usize = 520;
/// The seed of the demo generator: the same data on every load.
pub const DEMO_SEED: u64 = 2026;

impl Loaded {
    fn listing(newly_loaded: bool) -> Self {
        let mut accounts = vec![DemoAccount {
            email: DEMO_OPERATOR_EMAIL.to_owned(),
            organisation: "(platform operator)",
            role: "operator",
        }];
        for org in &ORGANISATIONS {
            for role in Role::ALL {
                accounts.push(DemoAccount {
                    email: demo_email(role, org.slug),
                    organisation: org.name,
                    role: role.as_str(),
                });
            }
        }
        for org in &crate::demo_referrals::ORGANISATIONS {
            for role in [Role::OrgAdmin, Role::ReferralOfficer] {
                accounts.push(DemoAccount {
                    email: demo_email(role, org.slug),
                    organisation: org.name,
                    role: role.as_str(),
                });
            }
        }
        Self {
            accounts,
            newly_loaded,
            tracing: None,
            outreach: None,
            networks: None,
            practices: None,
            indicators: None,
        }
    }

    pub fn already_present() -> Self {
        Self::listing(false)
    }
}

fn demo_email(role: Role, slug: &str) -> String {
    format!("{}@{slug}.example", role.as_str().replace('_', "-"))
}

pub async fn is_loaded(store: &dyn Store) -> anyhow::Result<bool> {
    let email = Email::parse(DEMO_OPERATOR_EMAIL)?;
    Ok(store.user_by_email(&email).await?.is_some())
}

/// Loads the demo organisations and accounts. Refuses a database that
/// already holds organisations, so demo accounts never mix with real ones.
pub async fn load(store: &dyn Store, media_dir: &std::path::Path) -> anyhow::Result<Loaded> {
    if !store.organisations().await?.is_empty() {
        anyhow::bail!(
            "demo: the database already holds organisations; demo data loads only into an empty database"
        );
    }
    let started = std::time::Instant::now();
    let password = NewPassword::parse(DEMO_PASSWORD).context("demo password")?;
    // One hash for every demo account keeps start-up fast; real accounts
    // each get their own salt.
    let password_hash = retrace_app::password::hash_password(&password)?;
    let now = SystemClock.now();
    let audit = AuditContext::system(now, "demo data");
    let mut generator_orgs = Vec::new();
    let mut participants = Vec::new();
    let mut outreach_workers = Vec::new();

    store
        .create_user(
            &audit,
            &NewUser {
                email: Email::parse(DEMO_OPERATOR_EMAIL)?,
                display_name: DisplayName::parse("Platform operator")?,
                membership: Membership::Operator,
                password_hash: password_hash.clone(),
            },
        )
        .await?;
    let mut maintainers = Vec::new();
    let mut network_orgs = Vec::new();
    for org in &ORGANISATIONS {
        let created = store
            .create_organisation(
                &audit,
                &NewOrganisation {
                    name: OrgName::parse(org.name)?,
                    kind: org.kind,
                    country: CountryCode::parse(org.country)?,
                },
            )
            .await?;
        network_orgs.push((org.slug, created.id));
        let mut admin = None;
        let mut officer = None;
        for role in Role::ALL {
            let label = role_label(role);
            let user = store
                .create_user(
                    &audit,
                    &NewUser {
                        email: Email::parse(&demo_email(role, org.slug))?,
                        display_name: DisplayName::parse(&format!("{label}, {}", org.slug))?,
                        membership: Membership::Member {
                            org: created.id,
                            roles: RoleSet::single(role),
                        },
                        password_hash: password_hash.clone(),
                    },
                )
                .await?;
            match role {
                Role::OrgAdmin => admin = Some(user.id),
                Role::ReferralOfficer => officer = Some(user.id),
                _ => {}
            }
            if role == Role::Coordinator {
                maintainers.push(crate::demo_directory::Maintainer {
                    org: created.id,
                    country: created.country,
                    coordinator: user.id,
                });
            }
            if role == Role::OutreachWorker {
                outreach_workers.push(crate::demo_outreach::Worker {
                    slug: org.slug,
                    org: created.id,
                    user: user.id,
                });
            }
            if role == Role::Caseworker {
                generator_orgs.push(GenOrg {
                    id: created.id,
                    slug: org.slug.to_owned(),
                    country: created.country,
                    actor: user.id,
                });
            }
        }
        if let (Some(admin), Some(officer)) = (admin, officer) {
            participants.push(crate::demo_referrals::Participant {
                org: created.id,
                country: created.country,
                admin,
                officer,
            });
        }
    }
    let mut added = Vec::new();
    for org in &crate::demo_referrals::ORGANISATIONS {
        let created = store
            .create_organisation(
                &audit,
                &NewOrganisation {
                    name: OrgName::parse(org.name)?,
                    kind: org.kind,
                    country: CountryCode::parse(org.country)?,
                },
            )
            .await?;
        network_orgs.push((org.slug, created.id));
        let mut ids = Vec::new();
        for role in [Role::OrgAdmin, Role::ReferralOfficer] {
            let user = store
                .create_user(
                    &audit,
                    &NewUser {
                        email: Email::parse(&demo_email(role, org.slug))?,
                        display_name: DisplayName::parse(&format!(
                            "{}, {}",
                            role_label(role),
                            org.slug
                        ))?,
                        membership: Membership::Member {
                            org: created.id,
                            roles: RoleSet::single(role),
                        },
                        password_hash: password_hash.clone(),
                    },
                )
                .await?;
            ids.push(user.id);
        }
        if let [admin, officer] = ids[..] {
            added.push(crate::demo_referrals::Participant {
                org: created.id,
                country: created.country,
                admin,
                officer,
            });
        }
    }
    let tables = Tables::parse()?;
    let plan = Plan::generate(
        &tables,
        generator_orgs.clone(),
        DEMO_SEED,
        now,
        DEMO_REQUESTS,
    )?;
    let data = plan.store(store, &generator_orgs).await?;
    crate::demo_gallery::load(store, media_dir).await?;
    let referrals_started = std::time::Instant::now();
    let mut referrals =
        crate::demo_referrals::load(store, &participants, &added, SystemClock.now()).await?;
    referrals.seconds = referrals_started.elapsed().as_secs_f64();
    crate::demo_directory::load(store, &maintainers, now).await?;
    let outreach_started = std::time::Instant::now();
    let sessions =
        crate::demo_outreach::load(store, &outreach_workers, now, DEMO_SEED + 13).await?;
    let outreach_seconds = outreach_started.elapsed().as_secs_f64();
    let networks_started = std::time::Instant::now();
    let follower = generator_orgs
        .iter()
        .find(|org| org.slug == "redcross-be")
        .map(|org| org.actor);
    let posts = crate::demo_networks::load(store, &network_orgs, follower, now).await?;
    let mut reviewers: Vec<(retrace_domain::OrgId, retrace_domain::UserId)> = generator_orgs
        .iter()
        .map(|org| (org.id, org.actor))
        .collect();
    for participant in participants.iter().chain(&added) {
        if !reviewers.iter().any(|(org, _)| *org == participant.org) {
            reviewers.push((participant.org, participant.admin));
        }
    }
    let practices = crate::demo_practices::load(store, &reviewers, now).await?;
    let networks_seconds = networks_started.elapsed().as_secs_f64();
    let indicators_started = std::time::Instant::now();
    let indicators = crate::demo_indicators::load(store, now).await?;
    let indicators_seconds = indicators_started.elapsed().as_secs_f64();
    let year = now.to_offset_date_time().year();
    let matching = retrace_app::MatchingService::new(year);
    // Every change written so far is in the index loaded next and in the
    // candidates computed from it: the server need not replay them at start
    // (recomputing all 1,459 demo persons again took 4.6 s of a 15 s start).
    let reflected = store.outbox_bounds().await?.newest;
    matching.load(store).await?;
    let candidates = matching.recompute_all(store, SystemClock.now()).await?;
    store.advance_matching_checkpoint(reflected).await?;
    store
        .record_matching_engine(&retrace_app::matching::lists_engine())
        .await?;
    store
        .append_audit(
            &audit,
            &AuditEvent {
                action: AuditAction::DemoDataLoaded,
                object_kind: ObjectKind::Installation,
                object_id: "demo".to_owned(),
            },
        )
        .await?;
    let mut loaded = Loaded::listing(true);
    loaded.outreach = Some((sessions, outreach_seconds));
    loaded.networks = Some((posts, networks_seconds));
    loaded.practices = Some(practices);
    loaded.indicators = Some((indicators, indicators_seconds));
    loaded.tracing = Some(TracingLoaded {
        data,
        referrals,
        candidates,
        seconds: started.elapsed().as_secs_f64(),
    });
    Ok(loaded)
}

fn role_label(role: Role) -> &'static str {
    match role {
        Role::OrgAdmin => "Organisation admin",
        Role::Caseworker => "Caseworker",
        Role::ReferralOfficer => "Referral officer",
        Role::OutreachWorker => "Outreach worker",
        Role::Coordinator => "Coordinator",
        Role::Viewer => "Viewer",
    }
}

pub fn print_sign_ins(loaded: &Loaded, url: Option<&str>) {
    if loaded.newly_loaded {
        println!(
            "Loaded demo data: {} organisations, {} accounts.",
            ORGANISATIONS.len() + crate::demo_referrals::ORGANISATIONS.len(),
            loaded.accounts.len()
        );
        if let Some(tracing) = &loaded.tracing {
            let data = &tracing.data;
            let candidates = &tracing.candidates;
            println!(
                "Demo tracing data: {} requests ({} sought persons, {} reciprocal, {} status changes), {} self-registrations; \
                 {} candidates for {} sought persons, {} across organisations (loaded in {:.1} s).",
                data.requests,
                data.sought,
                data.reciprocal_requests,
                data.status_changes,
                data.registrations,
                candidates.candidates,
                candidates.with_candidates,
                candidates.cross_organisation,
                tracing.seconds
            );
            println!(
                "Demo referrals: {} referrals at every stage and status, {} procedure template versions (loaded in {:.1} s).",
                tracing.referrals.referrals, tracing.referrals.templates, tracing.referrals.seconds
            );
        }
        if let Some((posts, seconds)) = loaded.networks {
            println!(
                "Demo networks: 3 networks, {posts} posts, {} smart practices (loaded in {seconds:.2} s).",
                loaded.practices.unwrap_or(0)
            );
        }
        if let Some((figures, seconds)) = loaded.indicators {
            println!(
                "Demo indicators: {figures} hand-entered figures for this year and last (loaded in {:.0} ms).",
                seconds * 1000.0
            );
        }
        if let Some((sessions, seconds)) = loaded.outreach {
            println!(
                "Demo outreach: {sessions} sessions over 18 months (loaded in {seconds:.1} s)."
            );
        }
    }
    match url {
        Some(url) => {
            println!("Demo sign-ins for {url}/sign-in (password for all: {DEMO_PASSWORD})")
        }
        None => println!("Demo sign-ins (password for all: {DEMO_PASSWORD})"),
    }
    for account in &loaded.accounts {
        println!(
            "  {:<42} {:<17} {}",
            account.email, account.role, account.organisation
        );
    }
    println!(
        "  The operator and org_admin accounts enrol a second factor (TOTP) at first sign-in."
    );
}

/// Loads the demo data through a bulk-load handle on `store`'s database
/// when there is one (see [`crate::store::open_for_bulk_load`]).
pub async fn load_into(
    settings: &crate::settings::Settings,
    store: &crate::store::OpenStore,
) -> anyhow::Result<Loaded> {
    match crate::store::open_for_bulk_load(settings).await? {
        Some(bulk) => {
            let loaded = load(bulk.as_store(), &settings.media_dir()).await;
            bulk.close().await;
            loaded
        }
        None => load(store.as_store(), &settings.media_dir()).await,
    }
}
