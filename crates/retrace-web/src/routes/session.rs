//! Signing in and out, the second-factor step, and the home page.

use super::NextQuery;
use crate::AppState;
use crate::auth::{lockout_until, totp};
use crate::error::{WebError, WebResult};
use crate::extract::FormFields;
use crate::identity::{
    Identity, PasswordVerified, SignedIn, requires_second_factor, session_cookie_name,
};
use crate::page::Page;
use crate::secrets::sha256_hex;
use crate::security::{CookieSpec, local_path, set_cookie};
use crate::templates::{self, HomeCard, render};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use retrace_app::password::{dummy_verify, verify_password};
use retrace_app::random_token;
use retrace_domain::{AuditAction, Email, ObjectKind, Role, UserId};
use retrace_store::{AuditContext, AuditEvent, Membership, SessionRecord, UserAccount};

pub async fn home(page: Page, signed_in: SignedIn) -> WebResult<Response> {
    let user = &signed_in.user;
    let lang = page.lang;
    let mut cards = Vec::new();
    let mut card = |href: &'static str, key: &str| {
        cards.push(HomeCard {
            href,
            title: lang.t(&format!("{key}-title")),
            text: lang.t(&format!("{key}-text")),
        })
    };
    let roles = match &user.membership {
        Membership::Member { roles, .. } => {
            if roles.contains(Role::Caseworker) || roles.contains(Role::Viewer) {
                card("/requests", "card-requests");
            }
            if roles.contains(Role::Caseworker) {
                card("/registrations", "card-registrations");
            }
            if roles.contains(Role::OrgAdmin) {
                card("/org/users", "card-users");
                card("/org/audit", "card-audit");
            }
            roles.iter().map(|role| role.as_str().to_owned()).collect()
        }
        Membership::Operator => {
            card("/operator/organisations", "card-organisations");
            card("/operator/users", "card-accounts");
            Vec::new()
        }
    };
    card("/account", "card-account");
    let context = page
        .user
        .as_ref()
        .map(|u| u.context.clone())
        .unwrap_or_default();
    Ok(render(&templates::Home {
        page: &page,
        display_name: user.display_name.to_string(),
        context,
        roles,
        cards,
        second_factor: user.totp_secret_sealed.is_some(),
    })?
    .into_response())
}

pub async fn sign_in_page(page: Page, Query(query): Query<NextQuery>) -> WebResult<Response> {
    let next = query
        .next
        .as_deref()
        .and_then(local_path)
        .unwrap_or("/")
        .to_owned();
    Ok(render(&templates::SignIn {
        page: &page,
        email: String::new(),
        next,
        error: None,
    })?
    .into_response())
}

pub use crate::client_addr::ClientIp;

pub async fn sign_in(
    State(state): State<AppState>,
    page: Page,
    ClientIp(client): ClientIp,
    form: FormFields,
) -> WebResult<Response> {
    let now = state.clock.now();
    let email_text = form.text("email");
    let password = form.get("password").unwrap_or_default().to_owned();
    let next = local_path(form.get("next").unwrap_or("/"))
        .unwrap_or("/")
        .to_owned();
    let failed = |page: &Page, status: StatusCode| -> WebResult<Response> {
        let html = render(&templates::SignIn {
            page,
            email: email_text.clone(),
            next: next.clone(),
            error: Some(page.t("sign-in-failed")),
        })?;
        Ok((status, html).into_response())
    };
    if !state.sign_in_limiter.allow(client, now)
        || state.sign_in_failure_limiter.exceeded(client, now)
    {
        let html = render(&templates::SignIn {
            page: &page,
            email: email_text.clone(),
            next: next.clone(),
            error: Some(page.t("error-rate-limited-text")),
        })?;
        return Ok((StatusCode::TOO_MANY_REQUESTS, html).into_response());
    }
    let account = match Email::parse(&email_text) {
        Ok(email) => state.store.user_by_email(&email).await?,
        Err(_) => None,
    };
    let Some(account) = account else {
        // Same work and same answer as for a real account, so the page does
        // not reveal which addresses have accounts.
        let candidate = password.clone();
        let _ = tokio::task::spawn_blocking(move || dummy_verify(&candidate)).await;
        state.sign_in_failure_limiter.allow(client, now);
        return failed(&page, StatusCode::UNAUTHORIZED);
    };
    let stored = account.password_hash.clone();
    let candidate = password.clone();
    let password_ok = tokio::task::spawn_blocking(move || verify_password(&candidate, &stored))
        .await
        .map_err(WebError::internal)?;
    let locked = account.locked_until.is_some_and(|until| until > now);
    if !password_ok || locked || account.disabled {
        // While locked nothing is counted: otherwise anyone could keep a
        // staff member out by failing again and again.
        if !password_ok && !locked {
            register_failure(&state, &account).await?;
        }
        state.sign_in_failure_limiter.allow(client, now);
        return failed(&page, StatusCode::UNAUTHORIZED);
    }
    let second_factor_done =
        account.totp_secret_sealed.is_none() && !requires_second_factor(&account);
    // The failure count is cleared only when sign-in is complete: a correct
    // password must not reset the budget for guessing the second factor.
    if second_factor_done {
        state
            .store
            .record_sign_in_success(&audit_for(&account, now), account.id)
            .await?;
    }
    let (cookie, _) = start_session(&state, account.id, second_factor_done).await?;
    let target = if account.totp_secret_sealed.is_some() {
        "/sign-in/second-factor".to_owned()
    } else if requires_second_factor(&account) {
        "/account/second-factor".to_owned()
    } else {
        next
    };
    let mut response = Redirect::to(&target).into_response();
    set_session_cookie(&state, response.headers_mut(), &cookie);
    Ok(response)
}

pub fn audit_for(account: &UserAccount, now: retrace_domain::Timestamp) -> AuditContext {
    AuditContext {
        at: now,
        actor: Some(account.id),
        org: match &account.membership {
            Membership::Member { org, .. } => Some(*org),
            Membership::Operator => None,
        },
        purpose: None,
    }
}

/// Counts a failed password or code, locking the account with back-off
/// once the threshold is reached.
async fn register_failure(state: &AppState, account: &UserAccount) -> WebResult<()> {
    let now = state.clock.now();
    let failures = account.failed_sign_ins.saturating_add(1);
    let until = lockout_until(failures, state.config.lockout_threshold, now);
    state
        .store
        .record_sign_in_failure(&audit_for(account, now), account.id, until)
        .await?;
    Ok(())
}

/// A new session: a fresh random token, so a token planted before sign-in
/// (session fixation) is worth nothing after it.
pub async fn start_session(
    state: &AppState,
    user: UserId,
    second_factor_done: bool,
) -> WebResult<(String, String)> {
    let now = state.clock.now();
    let secret = random_token(32);
    let token_hash = sha256_hex(&secret);
    state
        .store
        .create_session(&SessionRecord {
            token_hash: token_hash.clone(),
            user,
            created_at: now,
            last_seen_at: now,
            second_factor_done,
        })
        .await?;
    Ok((secret, token_hash))
}

pub fn set_session_cookie(state: &AppState, headers: &mut HeaderMap, secret: &str) {
    set_cookie(
        headers,
        CookieSpec {
            name: &session_cookie_name(state),
            value: secret,
            max_age_seconds: Some(state.config.session_absolute.as_secs()),
            http_only: true,
            secure: state.config.secure_cookies,
        },
    );
}

pub async fn second_factor_page(page: Page, verified: PasswordVerified) -> WebResult<Response> {
    match verified.pending {
        Some(false) => Ok(render(&templates::SecondFactor {
            page: &page,
            error: None,
        })?
        .into_response()),
        Some(true) => Ok(Redirect::to("/account/second-factor").into_response()),
        None => Ok(Redirect::to("/").into_response()),
    }
}

pub async fn second_factor(
    State(state): State<AppState>,
    page: Page,
    ClientIp(client): ClientIp,
    verified: PasswordVerified,
    form: FormFields,
) -> WebResult<Response> {
    if verified.pending != Some(false) {
        return Ok(Redirect::to("/").into_response());
    }
    let now = state.clock.now();
    let account = state
        .store
        .user(verified.user.id)
        .await?
        .ok_or(WebError::Unauthenticated)?;
    let refuse = |page: &Page, key: &str, status: StatusCode| -> WebResult<Response> {
        let html = render(&templates::SecondFactor {
            page,
            error: Some(page.t(key)),
        })?;
        Ok((status, html).into_response())
    };
    if !state.sign_in_limiter.allow(client, now)
        || state.sign_in_failure_limiter.exceeded(client, now)
    {
        return refuse(
            &page,
            "error-rate-limited-text",
            StatusCode::TOO_MANY_REQUESTS,
        );
    }
    if account.locked_until.is_some_and(|until| until > now) {
        return refuse(&page, "second-factor-failed", StatusCode::UNAUTHORIZED);
    }
    let code = form.text("code");
    let secret = account
        .totp_secret_sealed
        .as_deref()
        .and_then(|sealed| state.sealer.open(&account.id.to_string(), sealed))
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .ok_or_else(|| WebError::internal("second-factor secret cannot be opened"))?;
    let audit = audit_for(&account, now);
    let accepted = if let Some(step) = totp::matching_step(&secret, &code, now) {
        // A code is good for one sign-in within its window.
        state.store.accept_totp_step(account.id, step).await?
    } else {
        let normalised = totp::normalise_recovery_code(&code);
        normalised.len() == 12
            && state
                .store
                .consume_recovery_code(&audit, account.id, &state.sealer.mac(&normalised))
                .await?
    };
    if !accepted {
        register_failure(&state, &account).await?;
        state.sign_in_failure_limiter.allow(client, now);
        return refuse(&page, "second-factor-failed", StatusCode::UNAUTHORIZED);
    }
    state
        .store
        .record_sign_in_success(&audit, account.id)
        .await?;
    // A new token once the second factor is done, as after the password.
    state.store.delete_session(&verified.token_hash).await?;
    let (cookie, _) = start_session(&state, account.id, true).await?;
    let mut response = Redirect::to("/").into_response();
    set_session_cookie(&state, response.headers_mut(), &cookie);
    Ok(response)
}

pub async fn sign_out(
    State(state): State<AppState>,
    identity: Option<axum::Extension<Identity>>,
) -> WebResult<Response> {
    if let Some(axum::Extension(identity)) = identity {
        let token = match &identity {
            Identity::Session { token_hash, .. } | Identity::Pending { token_hash, .. } => {
                Some(token_hash.clone())
            }
            _ => None,
        };
        if let (Some(token_hash), Some(user)) = (token, identity.user()) {
            state.store.delete_session(&token_hash).await?;
            state
                .store
                .append_audit(
                    &audit_for(user, state.clock.now()),
                    &AuditEvent {
                        action: AuditAction::SignedOut,
                        object_kind: ObjectKind::User,
                        object_id: user.id.to_string(),
                    },
                )
                .await?;
        }
    }
    let mut response = Redirect::to("/sign-in").into_response();
    // Erases what this browser keeps for the site: the outreach queue on a
    // field phone (IndexedDB), its key and the offline copy of the form.
    response.headers_mut().insert(
        "clear-site-data",
        axum::http::HeaderValue::from_static("\"cache\", \"storage\""),
    );
    set_cookie(
        response.headers_mut(),
        CookieSpec {
            name: &session_cookie_name(&state),
            value: "",
            max_age_seconds: Some(0),
            http_only: true,
            secure: state.config.secure_cookies,
        },
    );
    Ok(response)
}
