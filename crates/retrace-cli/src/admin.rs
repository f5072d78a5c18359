//! `retrace admin …`: tasks for the people who run the platform, on the
//! command line. Every change is written to the audit log as the system.

use crate::settings::Settings;
use crate::store;
use anyhow::{Context, bail};
use rand::Rng;
use retrace_domain::{
    AuditAction, Clock, CountryCode, DisplayName, Email, NewPassword, OrgId, OrgKind, OrgName,
    RoleSet, SystemClock,
};
use retrace_store::{AuditContext, AuditVerification, Membership, NewOrganisation, NewUser, Store};
use std::process::ExitCode;

#[derive(Debug, clap::Subcommand)]
pub enum AdminCommand {
    /// Create an organisation.
    CreateOrg {
        #[arg(long)]
        name: String,
        /// national_society, icrc, ifrc, iom, government_agency or ngo.
        #[arg(long)]
        kind: String,
        /// ISO 3166-1 alpha-2 code, e.g. BE.
        #[arg(long)]
        country: String,
    },
    /// Create an account and print its first password once.
    CreateUser {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// The organisation's id or exact name.
        #[arg(
            long,
            required_unless_present = "operator",
            conflicts_with = "operator"
        )]
        org: Option<String>,
        /// Comma-separated roles: org_admin, caseworker, referral_officer,
        /// outreach_worker, coordinator, viewer.
        #[arg(
            long,
            required_unless_present = "operator",
            conflicts_with = "operator"
        )]
        roles: Option<String>,
        /// A platform operator: manages organisations and accounts, sees no personal data.
        #[arg(long)]
        operator: bool,
    },
    /// Give an account a new random password (printed once) and end its sessions.
    ResetPassword {
        #[arg(long)]
        email: String,
    },
    /// Recompute the whole audit chain; names the first entry that does not verify.
    VerifyAudit,
}

pub async fn run(settings: &Settings, command: AdminCommand) -> anyhow::Result<ExitCode> {
    let opened = store::open(settings).await?;
    let result = execute(opened.as_store(), command).await;
    opened.close().await;
    result
}

async fn execute(store: &dyn Store, command: AdminCommand) -> anyhow::Result<ExitCode> {
    let audit = AuditContext::system(SystemClock.now(), "command line administration");
    match command {
        AdminCommand::CreateOrg {
            name,
            kind,
            country,
        } => {
            let new = NewOrganisation {
                name: OrgName::parse(&name)?,
                kind: OrgKind::parse(&kind)?,
                country: CountryCode::parse(&country)?,
            };
            let org = store.create_organisation(&audit, &new).await?;
            println!("created organisation {} ({})", org.name.as_str(), org.id);
        }
        AdminCommand::CreateUser {
            email,
            name,
            org,
            roles,
            operator,
        } => {
            let membership = if operator {
                Membership::Operator
            } else {
                let org = find_org(store, org.as_deref().unwrap_or_default()).await?;
                Membership::Member {
                    org,
                    roles: RoleSet::parse_list(roles.as_deref().unwrap_or_default())?,
                }
            };
            let (password, password_hash) = issue_password()?;
            let user = store
                .create_user(
                    &audit,
                    &NewUser {
                        email: Email::parse(&email)?,
                        display_name: DisplayName::parse(&name)?,
                        membership,
                        password_hash,
                    },
                )
                .await?;
            println!("created account {} ({})", user.email.as_str(), user.id);
            println!("first password (shown once, hand it over securely): {password}");
        }
        AdminCommand::ResetPassword { email } => {
            let email = Email::parse(&email)?;
            let Some(user) = store.user_by_email(&email).await? else {
                bail!("email: no account with the address {}", email.as_str());
            };
            let (password, password_hash) = issue_password()?;
            store
                .set_password(
                    &audit,
                    AuditAction::PasswordReset,
                    user.id,
                    &password_hash,
                    None,
                )
                .await?;
            println!(
                "new password for {} (shown once): {password}",
                email.as_str()
            );
        }
        AdminCommand::VerifyAudit => match store.verify_audit_chain().await? {
            AuditVerification::Intact { entries, head } => {
                println!(
                    "audit chain intact: {entries} entries, head {}",
                    head.to_hex()
                );
            }
            AuditVerification::Broken { seq, reason } => {
                println!("audit chain BROKEN at entry {seq}: {reason}");
                return Ok(ExitCode::from(2));
            }
        },
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) async fn find_org(store: &dyn Store, key: &str) -> anyhow::Result<OrgId> {
    let organisations = store.organisations().await?;
    let wanted = key.trim();
    organisations
        .iter()
        .find(|org| org.id.to_string() == wanted || org.name.as_str().eq_ignore_ascii_case(wanted))
        .map(|org| org.id)
        .with_context(|| format!("org: no organisation with the id or name {wanted:?}"))
}

/// Twenty random characters from an alphabet without look-alikes, in
/// groups of five for reading aloud.
fn issue_password() -> anyhow::Result<(String, String)> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::thread_rng();
    let chars: Vec<char> = (0..20)
        .map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]))
        .collect();
    let password = chars
        .chunks(5)
        .map(|group| group.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-");
    let parsed = NewPassword::parse(&password).context("generated password")?;
    Ok((
        password.clone(),
        retrace_app::password::hash_password(&parsed)?,
    ))
}
