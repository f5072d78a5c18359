//! Accounts: signing in and out with the second factor, the signed-in
//! person's own password, second factor and API tokens, the accounts an
//! organisation administrator manages, and what a platform operator
//! creates. Each action is one store transaction with its audit entries.
//!
//! Key design decision: every refusal of a sign-in looks the same to the
//! caller ([`AppError::SignInRefused`]) whether the address is unknown, the
//! password wrong, the account locked or disabled, so that the pages cannot
//! tell anyone which addresses have accounts; the password is checked with
//! the same work for an unknown address.

use crate::password::{dummy_verify, hash_password, verify_password};
use crate::secrets::sha256_hex;
use crate::{Actor, App, AppError, AppResult, Collect, random_token, totp};
use retrace_domain::Problem;
use retrace_domain::{
    ApiScopes, ApiTokenId, AuditAction, CountryCode, DisplayName, Email, NewPassword, ObjectKind,
    OrgId, OrgKind, OrgName, Role, RoleSet, Timestamp, UserId,
};
use retrace_store::{
    AuditContext, AuditEntry, AuditLogQuery, Membership, NewOrganisation, NewUser, Organisation,
    SessionProof, SessionRecord, UserAccount,
};
use serde::Deserialize;
use std::time::Duration;

/// The longest an account is ever locked. Anyone can fail to sign in as a
/// staff member, so a long lock would let anyone keep staff out for as long
/// as they like; a short cap with the per-client failure limit of the web
/// layer slows guessing without making lockout a denial of service.
pub const MAX_LOCKOUT_MINUTES: u64 = 15;

/// How long an account stays locked after `failures` consecutive failed
/// sign-ins: nothing below the threshold, then one minute, doubling with each
/// further failure up to `MAX_LOCKOUT_MINUTES`.
pub fn lockout_until(failures: u32, threshold: u32, now: Timestamp) -> Option<Timestamp> {
    if failures < threshold {
        return None;
    }
    let doublings = (failures - threshold).min(11);
    let minutes = (1u64 << doublings).min(MAX_LOCKOUT_MINUTES);
    Some(now.plus(Duration::from_secs(minutes * 60)))
}

/// Whether the account's roles (or being an operator) demand a second factor.
pub fn requires_second_factor(account: &UserAccount) -> bool {
    match &account.membership {
        Membership::Member { roles, .. } => roles.requires_second_factor(),
        // Operators create organisations and administrators: same rule.
        Membership::Operator => true,
    }
}

/// Who acts on their own account, and why, for the audit log.
fn own_audit(app: &App, account: &UserAccount) -> AuditContext {
    AuditContext {
        at: app.clock().now(),
        actor: Some(account.id),
        org: match &account.membership {
            Membership::Member { org, .. } => Some(*org),
            Membership::Operator => None,
        },
        purpose: None,
    }
}

/// What is next after a correct password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NextStep {
    /// Signed in.
    Done,
    /// The second factor is to be given.
    SecondFactor,
    /// The roles require a second factor that is not enrolled yet.
    EnrolSecondFactor,
}

/// A session begun: the secret for the cookie (only its hash is stored)
/// and what the person must do next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartedSession {
    pub secret: String,
    pub next: NextStep,
}

/// A fresh random token for the session, so a token planted before sign-in
/// (session fixation) is worth nothing after it.
fn new_session(app: &App, user: UserId, second_factor_done: bool) -> (String, SessionRecord) {
    let now = app.clock().now();
    let secret = random_token(32);
    let record = SessionRecord {
        token_hash: sha256_hex(&secret),
        user,
        created_at: now,
        last_seen_at: now,
        second_factor_done,
    };
    (secret, record)
}

async fn password_matches(candidate: &str, stored: &str) -> AppResult<bool> {
    let candidate = candidate.to_owned();
    let stored = stored.to_owned();
    tokio::task::spawn_blocking(move || verify_password(&candidate, &stored))
        .await
        .map_err(|err| AppError::Internal(format!("password check: {err}")))
}

/// Counts a failed password or code, locking the account with back-off
/// once the threshold is reached.
async fn register_failure(app: &App, account: &UserAccount) -> AppResult<()> {
    let now = app.clock().now();
    let failures = account.failed_sign_ins.saturating_add(1);
    let until = lockout_until(failures, app.lockout_threshold(), now);
    app.store()
        .record_sign_in_failure(&own_audit(app, account), account.id, until)
        .await?;
    Ok(())
}

fn is_locked(account: &UserAccount, now: Timestamp) -> bool {
    account.locked_until.is_some_and(|until| until > now)
}

/// Signs in with an email address and a password.
pub async fn sign_in(app: &App, email: &str, password: &str) -> AppResult<StartedSession> {
    let account = match Email::parse(email) {
        Ok(email) => app.store().user_by_email(&email).await?,
        Err(_) => None,
    };
    let Some(account) = account else {
        // Same work and same answer as for a real account.
        let candidate = password.to_owned();
        let _ = tokio::task::spawn_blocking(move || dummy_verify(&candidate)).await;
        return Err(AppError::SignInRefused);
    };
    let password_ok = password_matches(password, &account.password_hash).await?;
    let locked = is_locked(&account, app.clock().now());
    if !password_ok || locked || account.disabled {
        // While locked nothing is counted: otherwise anyone could keep a
        // staff member out by failing again and again.
        if !password_ok && !locked {
            register_failure(app, &account).await?;
        }
        return Err(AppError::SignInRefused);
    }
    let next = if account.totp_secret_sealed.is_some() {
        NextStep::SecondFactor
    } else if requires_second_factor(&account) {
        NextStep::EnrolSecondFactor
    } else {
        NextStep::Done
    };
    let (secret, record) = new_session(app, account.id, next == NextStep::Done);
    app.store()
        .start_session(
            &own_audit(app, &account),
            &record,
            SessionProof::Password,
            None,
        )
        .await?;
    Ok(StartedSession { secret, next })
}

/// Completes a sign-in with a TOTP code or a recovery code, replacing the
/// session that gave the password (`pending_token_hash`) with a new one.
/// Returns the new session's secret.
pub async fn verify_second_factor(
    app: &App,
    user: UserId,
    pending_token_hash: &str,
    code: &str,
) -> AppResult<String> {
    let now = app.clock().now();
    let account = app
        .store()
        .user(user)
        .await?
        .ok_or(AppError::SignInRefused)?;
    if is_locked(&account, now) || account.disabled {
        return Err(AppError::SignInRefused);
    }
    let secret = account
        .totp_secret_sealed
        .as_deref()
        .and_then(|sealed| app.sealer().open(&account.id.to_string(), sealed))
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .ok_or_else(|| AppError::Internal("second-factor secret cannot be opened".to_owned()))?;
    let recovery_hash;
    let proof = if let Some(step) = totp::matching_step(&secret, code, now) {
        SessionProof::TotpStep(step)
    } else {
        let normalised = totp::normalise_recovery_code(code);
        if normalised.len() != 12 {
            register_failure(app, &account).await?;
            return Err(AppError::SignInRefused);
        }
        recovery_hash = app.sealer().mac(&normalised);
        SessionProof::RecoveryCode(&recovery_hash)
    };
    let (session_secret, record) = new_session(app, account.id, true);
    let started = app
        .store()
        .start_session(
            &own_audit(app, &account),
            &record,
            proof,
            Some(pending_token_hash),
        )
        .await?;
    if !started {
        register_failure(app, &account).await?;
        return Err(AppError::SignInRefused);
    }
    Ok(session_secret)
}

/// A second factor offered for enrolment: the secret to show (as a QR code
/// and in text) and the same secret sealed to the account, carried by the
/// form so that nothing is stored until a code proves the app has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferedSecondFactor {
    pub secret: String,
    pub sealed: String,
}

fn enrolment_context(account: &UserAccount) -> String {
    format!("enrol:{}", account.id)
}

/// A new second-factor secret for the account to enrol.
pub fn offer_second_factor(app: &App, account: &UserAccount) -> AppResult<OfferedSecondFactor> {
    let secret = totp::generate_secret();
    let sealed = seal_offer(app, account, &secret)?;
    Ok(OfferedSecondFactor { secret, sealed })
}

fn seal_offer(app: &App, account: &UserAccount, secret: &str) -> AppResult<String> {
    app.sealer()
        .seal(&enrolment_context(account), secret.as_bytes())
        .ok_or_else(|| AppError::Internal("sealing failed".to_owned()))
}

/// Replacing a second factor that is in place weakens it unless the person
/// proves again who they are: a session left open must not be enough to
/// move it onto another phone.
pub fn enrolment_needs_password(account: &UserAccount) -> bool {
    account.totp_secret_sealed.is_some()
}

/// What the enrolment form sends back.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct EnrolmentInput {
    /// The offered secret, sealed ([`OfferedSecondFactor::sealed`]).
    pub sealed: String,
    /// A code from the authenticator app.
    pub code: String,
    /// The password again, when a second factor is replaced.
    #[serde(default)]
    pub current_password: String,
}

/// An enrolled second factor: the recovery codes, shown once, and the
/// secret of the session that replaces the one that enrolled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnrolledSecondFactor {
    pub recovery_codes: Vec<String>,
    pub session_secret: String,
}

/// Enrols the offered second factor once its code is right, and signs the
/// session in fully under a new token, in one transaction. A refusal
/// names `sealed` (the offer cannot be opened), `current_password` or
/// `code`; the offer can be shown again from [`reoffer_second_factor`].
pub async fn enrol_second_factor(
    app: &App,
    account: &UserAccount,
    pending_token_hash: &str,
    input: &EnrolmentInput,
) -> AppResult<EnrolledSecondFactor> {
    let secret = reoffer_second_factor(app, account, &input.sealed)?.secret;
    let now = app.clock().now();
    // Both answers are checked, so the page names every one that is wrong.
    let mut errors = Collect::default();
    if enrolment_needs_password(account)
        && !reconfirm_password(app, account.id, &input.current_password).await?
    {
        errors.push("current_password", Problem::NotYourPassword);
    }
    let code_wrong = || AppError::invalid("code", Problem::WrongCode);
    let step =
        errors.take(totp::matching_step(&secret, &input.code, now).ok_or_else(code_wrong))?;
    let step = errors.done(|| step)?;
    let sealed_secret = app
        .sealer()
        .seal(&account.id.to_string(), secret.as_bytes())
        .ok_or_else(|| AppError::Internal("sealing failed".to_owned()))?;
    let recovery_codes = totp::generate_recovery_codes();
    let code_hashes: Vec<String> = recovery_codes
        .iter()
        .map(|code| app.sealer().mac(&totp::normalise_recovery_code(code)))
        .collect();
    let (session_secret, record) = new_session(app, account.id, true);
    let proof = SessionProof::Enrolment {
        totp_secret_sealed: &sealed_secret,
        recovery_code_hashes: &code_hashes,
        step,
    };
    let started = app
        .store()
        .start_session(
            &own_audit(app, account),
            &record,
            proof,
            Some(pending_token_hash),
        )
        .await?;
    if !started {
        return Err(code_wrong());
    }
    Ok(EnrolledSecondFactor {
        recovery_codes,
        session_secret,
    })
}

/// The offer a form carried, opened again to show it after a refusal.
/// `Invalid { field: "sealed" }` when it was not made for this account.
pub fn reoffer_second_factor(
    app: &App,
    account: &UserAccount,
    sealed: &str,
) -> AppResult<OfferedSecondFactor> {
    let secret = app
        .sealer()
        .open(&enrolment_context(account), sealed)
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .ok_or_else(|| AppError::invalid("sealed", Problem::EnrolmentExpired))?;
    Ok(OfferedSecondFactor {
        secret,
        sealed: sealed.to_owned(),
    })
}

/// Ends the session at the person's request.
pub async fn sign_out(app: &App, account: &UserAccount, token_hash: &str) -> AppResult<()> {
    app.store()
        .end_session(&own_audit(app, account), token_hash)
        .await?;
    Ok(())
}

/// Checks the password again before a sensitive action (an export, a
/// password or second-factor change) in a session already signed in. A
/// wrong password counts like a failed sign-in of the account and leads to
/// the same lock; a locked account is refused even with the right one, so
/// the forms cannot be used to keep guessing.
pub async fn reconfirm_password(app: &App, user: UserId, candidate: &str) -> AppResult<bool> {
    // The freshest count and lock, not the ones loaded with the session.
    let account = app.store().user(user).await?.ok_or(AppError::Forbidden)?;
    let password_ok = password_matches(candidate, &account.password_hash).await?;
    if is_locked(&account, app.clock().now()) {
        return Ok(false);
    }
    if !password_ok {
        register_failure(app, &account).await?;
    }
    Ok(password_ok)
}

/// Changes the signed-in person's own password. Every other session of the
/// account ends and its API tokens are revoked; `session_token_hash` (the
/// session that made the change) stays signed in.
pub async fn change_password(
    app: &App,
    account: &UserAccount,
    session_token_hash: Option<&str>,
    current: &str,
    new: &str,
) -> AppResult<()> {
    if !reconfirm_password(app, account.id, current).await? {
        return Err(AppError::invalid(
            "current_password",
            Problem::NotYourPassword,
        ));
    }
    let hash = hash_new_password(NewPassword::parse(new).map_err(AppError::WeakPassword)?).await?;
    app.store()
        .set_password(
            &own_audit(app, account),
            AuditAction::PasswordChanged,
            account.id,
            &hash,
            session_token_hash,
        )
        .await?;
    Ok(())
}

async fn hash_new_password(password: NewPassword) -> AppResult<String> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|err| AppError::Internal(format!("password hashing: {err}")))?
        .map_err(|err| AppError::Internal(format!("password hashing: {err}")))
}

/// Removes the signed-in person's second factor, with the password again.
/// `Forbidden` when their roles require one.
pub async fn remove_second_factor(
    app: &App,
    account: &UserAccount,
    current_password: &str,
) -> AppResult<()> {
    if requires_second_factor(account) {
        return Err(AppError::Forbidden);
    }
    if !reconfirm_password(app, account.id, current_password).await? {
        return Err(AppError::invalid(
            "current_password",
            Problem::NotYourPassword,
        ));
    }
    app.store()
        .remove_second_factor(&own_audit(app, account), account.id)
        .await?;
    Ok(())
}

/// The longest a new API token may live: a forgotten token stops working
/// within a year.
pub const MAX_TOKEN_DAYS: u32 = 365;

/// A new API token for the signed-in person, with what it may do (`scopes`)
/// and for how many days (1 to [`MAX_TOKEN_DAYS`]); returns its secret,
/// shown once (only its SHA-256 is stored). Scopes only narrow: a token
/// with `admin` of an account without the role still cannot administer.
pub async fn create_api_token(
    app: &App,
    account: &UserAccount,
    name: &str,
    scopes: &str,
    valid_days: u32,
) -> AppResult<String> {
    // Every error of the form at once: the scopes (codes separated by
    // spaces or commas), the name and the validity.
    let mut errors = Collect::default();
    let scopes = errors.take(ApiScopes::parse(scopes).map_err(AppError::from))?;
    errors.take(check_token(name, valid_days))?;
    errors.finish()?;
    let Some(scopes) = scopes else {
        return Err(AppError::Internal(
            "a token failed without an error".to_owned(),
        ));
    };
    issue_api_token(
        app,
        &own_audit(app, account),
        account.id,
        name,
        scopes,
        valid_days,
    )
    .await
}

/// A new API token for `user`, audited as `audit` says (the account itself
/// from the page, the system from `retrace admin create-token`); the rules
/// of [`create_api_token`].
pub async fn issue_api_token(
    app: &App,
    audit: &AuditContext,
    user: UserId,
    name: &str,
    scopes: ApiScopes,
    valid_days: u32,
) -> AppResult<String> {
    check_token(name, valid_days)?;
    let name = name.trim();
    let now = app.clock().now();
    let expires_at = now.plus(Duration::from_secs(u64::from(valid_days) * 86_400));
    let secret = format!("rt_{}", random_token(32));
    app.store()
        .create_api_token(
            audit,
            user,
            name,
            &sha256_hex(&secret),
            scopes,
            Some(expires_at),
        )
        .await?;
    Ok(secret)
}

/// The rules of a token's name and validity, both reported at once.
fn check_token(name: &str, valid_days: u32) -> AppResult<()> {
    let mut errors = Collect::default();
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        errors.push("name", Problem::TokenName);
    }
    if !(1..=MAX_TOKEN_DAYS).contains(&valid_days) {
        errors.push(
            "expires_in_days",
            Problem::TokenDays {
                max: MAX_TOKEN_DAYS,
            },
        );
    }
    errors.finish()
}

/// Revokes one of the signed-in person's tokens; `NotFound` for anyone
/// else's.
pub async fn revoke_api_token(app: &App, account: &UserAccount, id: ApiTokenId) -> AppResult<()> {
    app.store()
        .revoke_api_token(&own_audit(app, account), account.id, id)
        .await?;
    Ok(())
}

// ------------------------------------------------ organisation administration

/// A new staff account: the JSON body of the API and what the forms send.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewAccountInput {
    pub email: String,
    pub display_name: String,
    pub roles: Vec<String>,
}

impl NewAccountInput {
    /// The address, the name and the roles, every error at once.
    pub(crate) fn parse(&self) -> AppResult<(Email, DisplayName, RoleSet)> {
        let mut errors = Collect::default();
        let display_name =
            errors.take(DisplayName::parse(&self.display_name).map_err(AppError::from))?;
        let email = errors.take(Email::parse(&self.email).map_err(AppError::from))?;
        let roles = errors.take(parse_roles(&self.roles))?;
        errors.finish()?;
        match (email, display_name, roles) {
            (Some(email), Some(display_name), Some(roles)) => Ok((email, display_name, roles)),
            _ => Err(AppError::Internal(
                "an account failed without an error".to_owned(),
            )),
        }
    }
}

fn parse_roles(roles: &[String]) -> AppResult<RoleSet> {
    let roles = roles
        .iter()
        .map(|role| Role::parse(role))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(RoleSet::new(roles)?)
}

/// An account created or reset, with the random first password that the
/// administrator hands over (shown once).
#[derive(Debug, Clone)]
pub struct IssuedPassword {
    pub account: UserAccount,
    pub password: String,
}

async fn issue_password() -> AppResult<(String, String)> {
    let password = random_token(15);
    let parsed = NewPassword::parse(&password)
        .map_err(|err| AppError::Internal(format!("issued password: {err}")))?;
    Ok((password, hash_new_password(parsed).await?))
}

/// The organisation administrator creates an account in their own
/// organisation. `Conflict { field: "email" }` when the address is taken.
pub async fn create_member(
    app: &App,
    actor: &Actor,
    input: &NewAccountInput,
) -> AppResult<IssuedPassword> {
    actor.require_org_admin()?;
    create_account_in(app, actor.audit_unexplained(app), actor.org(), input).await
}

async fn create_account_in(
    app: &App,
    audit: AuditContext,
    org: OrgId,
    input: &NewAccountInput,
) -> AppResult<IssuedPassword> {
    let (email, display_name, roles) = input.parse()?;
    let (password, password_hash) = issue_password().await?;
    let new = NewUser {
        email,
        display_name,
        membership: Membership::Member { org, roles },
        password_hash,
    };
    let account = app.store().create_user(&audit, &new).await?;
    Ok(IssuedPassword { account, password })
}

/// One account of the administrator's organisation; another
/// organisation's is `NotFound`.
pub async fn member_account(app: &App, actor: &Actor, id: UserId) -> AppResult<UserAccount> {
    actor.require_org_admin()?;
    app.store()
        .user_in(&actor.scope(), id)
        .await?
        .ok_or(AppError::NotFound)
}

/// Replaces an account's roles. An administrator cannot remove their own
/// administration role: an organisation must never be left without one
/// by accident (`Conflict { field: "roles" }`).
pub async fn set_roles(app: &App, actor: &Actor, id: UserId, roles: &[String]) -> AppResult<()> {
    let account = member_account(app, actor, id).await?;
    let roles = parse_roles(roles)?;
    if account.id == actor.user() && !roles.contains(Role::OrgAdmin) {
        return Err(AppError::conflict("roles", Problem::OwnAdminRole));
    }
    app.store()
        .set_roles(&actor.audit_unexplained(app), &actor.scope(), id, &roles)
        .await?;
    Ok(())
}

/// Disables (ending its sessions and revoking its tokens) or enables an
/// account of the organisation; never the administrator's own.
pub async fn set_disabled(app: &App, actor: &Actor, id: UserId, disabled: bool) -> AppResult<()> {
    let account = member_account(app, actor, id).await?;
    if account.id == actor.user() {
        return Err(AppError::Forbidden);
    }
    app.store()
        .set_disabled(&actor.audit_unexplained(app), &actor.scope(), id, disabled)
        .await?;
    Ok(())
}

/// Gives an account of the organisation a new random password, ending its
/// sessions and revoking its tokens; never the administrator's own.
pub async fn reset_password(app: &App, actor: &Actor, id: UserId) -> AppResult<IssuedPassword> {
    let account = member_account(app, actor, id).await?;
    if account.id == actor.user() {
        return Err(AppError::Forbidden);
    }
    let (password, hash) = issue_password().await?;
    app.store()
        .set_password(
            &actor.audit_unexplained(app),
            AuditAction::PasswordReset,
            id,
            &hash,
            None,
        )
        .await?;
    Ok(IssuedPassword { account, password })
}

/// A page of the organisation's audit log, newest first; the reading is
/// itself recorded in the same transaction.
pub async fn read_audit_log(
    app: &App,
    actor: &Actor,
    query: &AuditLogInput,
    limit: u32,
) -> AppResult<Vec<AuditEntry>> {
    actor.require_org_admin()?;
    let query = query.parse(limit)?;
    Ok(app
        .store()
        .read_audit_log(&actor.audit_unexplained(app), &actor.scope(), &query)
        .await?)
}

/// The audit log's filters as a page or the API sends them; empty means
/// any.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct AuditLogInput {
    /// The next page: entries strictly before this sequence number.
    pub before: Option<i64>,
    /// The account that wrote the entry (its id).
    pub actor: String,
    /// An action code (`person_viewed`, …).
    pub action: String,
    /// An object kind code (`person`, `request`, …).
    pub object_kind: String,
    /// The id of the object the entry is about.
    pub object: String,
    /// `YYYY-MM-DD`, inclusive.
    pub from: String,
    /// `YYYY-MM-DD`, inclusive.
    pub to: String,
}

/// The longest object id looked for (ids are UUIDs or short references).
const OBJECT_ID_MAX: usize = 100;

impl AuditLogInput {
    /// The store's query, or every filter that cannot be read at once.
    pub fn parse(&self, limit: u32) -> AppResult<AuditLogQuery> {
        let mut errors = Collect::default();
        let actor = errors.take(match self.actor.trim() {
            "" => Ok(None),
            id => id.parse::<UserId>().map(Some).map_err(|_| {
                AppError::invalid(
                    "actor",
                    Problem::UnknownCode {
                        value: id.to_owned(),
                    },
                )
            }),
        })?;
        let action = errors.take(match self.action.trim() {
            "" => Ok(None),
            code => AuditAction::parse(code).map(Some).ok_or_else(|| {
                AppError::invalid(
                    "action",
                    Problem::UnknownCode {
                        value: code.to_owned(),
                    },
                )
            }),
        })?;
        let object_kind = errors.take(match self.object_kind.trim() {
            "" => Ok(None),
            code => ObjectKind::parse(code).map(Some).ok_or_else(|| {
                AppError::invalid(
                    "object_kind",
                    Problem::UnknownCode {
                        value: code.to_owned(),
                    },
                )
            }),
        })?;
        let object = self.object.trim();
        let object_id = errors.take(if object.chars().count() > OBJECT_ID_MAX {
            Err(AppError::invalid(
                "object",
                Problem::TooLong { max: OBJECT_ID_MAX },
            ))
        } else {
            Ok(Some(object.to_owned()).filter(|id| !id.is_empty()))
        })?;
        let from = errors.take(crate::requests::day("from", &self.from))?;
        let to = errors.take(crate::requests::day("to", &self.to))?;
        let until = to.map(|to| to.map(|t| t.plus(Duration::from_secs(86_400))));
        if let (Some(Some(from)), Some(Some(until))) = (from, until)
            && from >= until
        {
            errors.push("to", Problem::EndBeforeStart);
        }
        errors.done(|| {
            Some(AuditLogQuery {
                limit,
                before_seq: self.before,
                actor: actor?,
                action: action?,
                object_kind: object_kind?,
                object_id: object_id?,
                from: from?,
                until: until?,
            })
        })
    }
}

// ------------------------------------------------------------ platform operator

/// A platform operator: creates organisations and their first accounts,
/// and belongs to none. Built by the web layer from the signed-in account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operator(UserId);

impl Operator {
    /// `None` unless the account is an operator's.
    pub fn of(account: &UserAccount) -> Option<Self> {
        matches!(account.membership, Membership::Operator).then_some(Self(account.id))
    }

    pub(crate) fn audit(self, app: &App) -> AuditContext {
        AuditContext {
            at: app.clock().now(),
            actor: Some(self.0),
            org: None,
            purpose: None,
        }
    }
}

/// A new organisation: the JSON body of the API and what the form sends.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewOrganisationInput {
    pub name: String,
    pub kind: String,
    pub country: String,
}

/// Creates an organisation. `Conflict { field: "name" }` when the name is
/// taken (whatever the case).
pub async fn create_organisation(
    app: &App,
    operator: Operator,
    input: &NewOrganisationInput,
) -> AppResult<Organisation> {
    // Every error of the form at once.
    let mut errors = Collect::default();
    let name = errors.take(OrgName::parse(&input.name).map_err(AppError::from))?;
    let kind = errors.take(OrgKind::parse(&input.kind).map_err(AppError::from))?;
    let country = errors.take(CountryCode::parse(&input.country).map_err(AppError::from))?;
    errors.finish()?;
    let (Some(name), Some(kind), Some(country)) = (name, kind, country) else {
        return Err(AppError::Internal(
            "an organisation failed without an error".to_owned(),
        ));
    };
    let new = NewOrganisation {
        name,
        kind,
        country,
    };
    Ok(app
        .store()
        .create_organisation(&operator.audit(app), &new)
        .await?)
}

/// Creates an account in any organisation (`org`: its id). An unknown
/// organisation is `Invalid { field: "org" }`.
pub async fn create_account(
    app: &App,
    operator: Operator,
    org: &str,
    input: &NewAccountInput,
) -> AppResult<IssuedPassword> {
    let org = match org.parse::<OrgId>() {
        Ok(id) => app.store().organisation(id).await?.map(|org| org.id),
        Err(_) => None,
    };
    let Some(org) = org else {
        // The organisation's error with those of the account's fields.
        let mut errors = Collect::default();
        errors.push("org", Problem::ChooseOrganisation);
        errors.take(input.parse())?;
        errors.finish()?;
        return Err(AppError::invalid("org", Problem::ChooseOrganisation));
    };
    create_account_in(app, operator.audit(app), org, input).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lockout_backs_off_and_is_capped() {
        let now = Timestamp::from_millis(0);
        let minutes =
            |failures| lockout_until(failures, 5, now).map(|until| until.as_millis() / 60_000);
        assert_eq!(minutes(4), None);
        assert_eq!(minutes(5), Some(1));
        assert_eq!(minutes(6), Some(2));
        assert_eq!(minutes(8), Some(8));
        assert_eq!(minutes(9), Some(15));
        assert_eq!(minutes(40), Some(15));
    }
}
