//! Demonstration data: organisations of the kinds that use retrace, in
//! several countries, with one account per role in each. Generated for
//! trying the platform; no real person is described.

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
}

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
        Self {
            accounts,
            newly_loaded,
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
    let password = NewPassword::parse(DEMO_PASSWORD).context("demo password")?;
    // One hash for every demo account keeps start-up fast; real accounts
    // each get their own salt.
    let password_hash = retrace_web::hash_password(&password)?;
    let audit = AuditContext::system(SystemClock.now(), "demo data");

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
        for role in Role::ALL {
            let label = role_label(role);
            store
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
        }
    }
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
    crate::demo_gallery::load(store, media_dir).await?;
    Ok(Loaded::listing(true))
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
            ORGANISATIONS.len(),
            loaded.accounts.len()
        );
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
