//! `retrace admin …`: tasks for the people who run the platform, on the
//! command line. Every change is written to the audit log as the system.

use crate::settings::{Settings, load_or_create_secret_key};
use crate::{field_keys, store};
use anyhow::{Context, bail};
use rand::Rng;
use retrace_domain::{
    ApiScopes, AuditAction, Clock, CountryCode, DisplayName, Email, NewPassword, OrgId, OrgKind,
    OrgName, PersonId, RoleSet, SystemClock,
};
use retrace_store::crypto;
use retrace_store::{
    AuditContext, AuditVerification, Membership, NewOrganisation, NewUser, OrgScope, Store,
    StoreError,
};
use std::process::ExitCode;
use std::sync::Arc;

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
    /// Make an API token for an account and print its secret once (audited
    /// as the system): for scripts and contract tests that cannot use the
    /// account page.
    CreateToken {
        /// The account's e-mail address.
        #[arg(long)]
        email: String,
        /// A name to recognise the token by on the account page.
        #[arg(long)]
        name: String,
        /// Comma-separated scopes: read, write, export, admin.
        #[arg(long, default_value = "read,write")]
        scopes: String,
        /// Days until it expires (1 to 365).
        #[arg(long, default_value_t = 30)]
        days: u32,
    },
    /// Recompute the whole audit chain; names the first entry that does not verify.
    VerifyAudit,
    /// Make a new field encryption key current and re-encrypt every sealed
    /// value under it, in batches of one transaction each, while servers
    /// keep running (they read the new key from the key file when they meet
    /// it). With RETRACE_FIELD_KEYS, put the new key (the highest id) in the
    /// variable first and run with --resume.
    RotateKey {
        /// Do not add a key: finish re-encrypting under the current key.
        #[arg(long)]
        resume: bool,
        /// Afterwards, retire the older keys (restart every server first):
        /// refused while any value is still under one of them.
        #[arg(long)]
        retire: bool,
        /// Values re-encrypted per column and transaction.
        #[arg(long, default_value_t = store::RESEAL_BATCH)]
        batch: i64,
    },
    /// Erase a person and every copy of them: rows and their history,
    /// candidates on both sides, gallery files, the database's free space
    /// (an enquirer takes the whole request along). Cannot be undone.
    ErasePerson {
        /// The organisation's id or exact name.
        #[arg(long)]
        org: String,
        /// The person's id.
        #[arg(long)]
        person: String,
        /// Confirms the erasure; without it nothing is erased.
        #[arg(long)]
        yes: bool,
    },
    /// Remove every record past its organisation's retention period, as
    /// the server does daily (closed requests are erased with every copy);
    /// prints the counts per organisation and kind.
    Retention {
        /// Only show what would go, per organisation and kind; change nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

pub async fn run(settings: &Settings, command: AdminCommand) -> anyhow::Result<ExitCode> {
    let opened = store::open(settings).await?;
    let result = execute(settings, &opened, command).await;
    opened.close().await;
    result
}

/// `retrace admin rotate-key`: see [`AdminCommand::RotateKey`].
async fn rotate_key(
    settings: &Settings,
    opened: &store::OpenStore,
    resume: bool,
    retire: bool,
    batch: i64,
) -> anyhow::Result<ExitCode> {
    if batch < 1 {
        bail!("batch: must be at least 1");
    }
    let source = field_keys::source(&settings.secret_key_path());
    if !resume {
        let field_keys::Source::File(path) = &source else {
            bail!(
                "{}: the keys come from the environment; add the new key there \
                 (the highest id is current), restart the servers and run rotate-key --resume",
                field_keys::ENV
            );
        };
        let id = field_keys::add_key(path)?;
        println!("field key {id} added to {} and now current", path.display());
        // The new key's check value goes into the database with it.
        store::install_field_keys(settings, opened).await?;
    }
    let current = crypto::installed()
        .map(|cipher| cipher.keyring().current_id())
        .context("no field key is installed")?;
    let mut total = 0u64;
    loop {
        let done = opened
            .reencrypt_batch(batch)
            .await
            .context("re-encrypting under the current key")?;
        if done == 0 {
            break;
        }
        total += done;
        println!("re-encrypted {total} values");
    }
    let left = opened.values_not_under_current_key().await?;
    println!("every sealed value is under field key {current} ({total} re-encrypted, {left} left)");
    if retire {
        let retired = opened.retire_old_field_keys(SystemClock.now()).await?;
        if let field_keys::Source::File(path) = &source {
            field_keys::retire_keys(path, current)?;
        }
        if retired.is_empty() {
            println!("no older field key to retire");
        } else {
            let ids: Vec<String> = retired.iter().map(u16::to_string).collect();
            println!("retired field keys {}", ids.join(", "));
            if matches!(source, field_keys::Source::Env) {
                println!("remove them from {}", field_keys::ENV);
            }
        }
    } else {
        println!(
            "older keys stay readable; once every server has been restarted, \
             run `retrace admin rotate-key --resume --retire` to retire them"
        );
    }
    Ok(ExitCode::SUCCESS)
}

async fn execute(
    settings: &Settings,
    opened: &store::OpenStore,
    command: AdminCommand,
) -> anyhow::Result<ExitCode> {
    let store = opened.as_store();
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
        AdminCommand::CreateToken {
            email,
            name,
            scopes,
            days,
        } => {
            let email = Email::parse(&email)?;
            let Some(user) = store.user_by_email(&email).await? else {
                bail!("email: no account with the address {}", email.as_str());
            };
            let scopes = ApiScopes::parse(&scopes)?;
            let secret_key = load_or_create_secret_key(&settings.secret_key_path())?;
            let clock: Arc<dyn Clock> = Arc::new(SystemClock);
            let app =
                retrace_app::App::new(opened.shared(), clock, settings.media_dir(), &secret_key);
            let secret =
                retrace_app::accounts::issue_api_token(&app, &audit, user.id, &name, scopes, days)
                    .await
                    .map_err(|error| anyhow::anyhow!("{error}"))?;
            println!("{secret}");
        }
        AdminCommand::RotateKey {
            resume,
            retire,
            batch,
        } => return rotate_key(settings, opened, resume, retire, batch).await,
        AdminCommand::ErasePerson { org, person, yes } => {
            return erase_person(settings, opened, &org, &person, yes).await;
        }
        AdminCommand::Retention { dry_run } => {
            return retention(settings, opened, dry_run).await;
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

/// `retrace admin erase-person`: the erasure as the system, for the named
/// organisation, with the gallery files in the configured media directory.
/// A running server learns of it from the audit log within a minute and
/// drops the person from its matching index.
async fn retention(
    settings: &Settings,
    opened: &store::OpenStore,
    dry_run: bool,
) -> anyhow::Result<ExitCode> {
    let secret_key = load_or_create_secret_key(&settings.secret_key_path())?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let app = retrace_app::App::new(opened.shared(), clock, settings.media_dir(), &secret_key)
        .with_retention_rules(settings.retention_rules()?);
    let counts = if dry_run {
        retrace_app::retention::retention_due(&app, SystemClock.now()).await
    } else {
        retrace_app::retention::apply_retention(&app).await
    }
    .map_err(|error| anyhow::anyhow!("{error}"))?;
    let names: std::collections::BTreeMap<_, _> = opened
        .as_store()
        .organisations()
        .await?
        .into_iter()
        .map(|org| (org.id, org.name.as_str().to_owned()))
        .collect();
    println!(
        "{}",
        if dry_run {
            "would remove (nothing changed):"
        } else {
            "removed:"
        }
    );
    for count in &counts {
        println!(
            "{}\t{}\t{}\tkept {} days\t{}",
            count.org,
            names.get(&count.org).map(String::as_str).unwrap_or(""),
            count.kind.as_str(),
            count.period.days(),
            count.count
        );
    }
    Ok(ExitCode::SUCCESS)
}

async fn erase_person(
    settings: &Settings,
    opened: &store::OpenStore,
    org: &str,
    person: &str,
    yes: bool,
) -> anyhow::Result<ExitCode> {
    let org = find_org(opened.as_store(), org).await?;
    let person: PersonId = person
        .trim()
        .parse()
        .map_err(|_| anyhow::anyhow!("person: not a person id"))?;
    if !yes {
        eprintln!("nothing erased: add --yes to erase person {person} and every copy of it");
        return Ok(ExitCode::from(2));
    }
    let secret_key = load_or_create_secret_key(&settings.secret_key_path())?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let app = retrace_app::App::new(opened.shared(), clock, settings.media_dir(), &secret_key);
    let audit = AuditContext::system(SystemClock.now(), "command line erasure");
    let erasure = retrace_app::privacy::erase_in(&app, &audit, &OrgScope::new(org), person)
        .await
        .map_err(|error| match error {
            retrace_app::AppError::Store(StoreError::NotFound) => {
                anyhow::anyhow!("person: no person {person} in that organisation")
            }
            other => anyhow::anyhow!("{other}"),
        })?;
    println!(
        "erased {} person(s){}, {} candidate(s) withdrawn, {} gallery file(s) deleted",
        erasure.persons.len(),
        if erasure.request.is_some() {
            " with their tracing request"
        } else {
            ""
        },
        erasure.candidates_withdrawn,
        erasure.media.len()
    );
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
