//! The signed-in user's own account: password, second factor, API tokens.

use super::session::{audit_for, set_session_cookie, start_session};
use crate::AppState;
use crate::auth::{reconfirm_password, totp};
use crate::error::{WebError, WebResult};
use crate::extract::{FormFields, PathId};
use crate::identity::{PasswordVerified, SignedIn, requires_second_factor};
use crate::page::Page;
use crate::secrets::sha256_hex;
use crate::templates::{self, TokenRow, render};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use retrace_app::password::hash_password;
use retrace_app::random_token;
use retrace_domain::{ApiTokenId, AuditAction, NewPassword, PasswordError};
use retrace_store::UserAccount;

#[derive(Default)]
struct AccountExtras {
    notice: Option<String>,
    password_error: Option<String>,
    token_error: Option<String>,
    new_token: Option<String>,
}

async fn account_page(
    state: &AppState,
    page: &Page,
    user: &UserAccount,
    extras: AccountExtras,
    status: StatusCode,
) -> WebResult<Response> {
    let tokens = state
        .store
        .api_tokens(user.id)
        .await?
        .into_iter()
        .filter(|token| token.revoked_at.is_none())
        .map(|token| TokenRow {
            id: token.id.to_string(),
            name: token.name,
            created: token.created_at.display_utc(),
            last_used: token
                .last_used_at
                .map(|at| at.display_utc())
                .unwrap_or_else(|| page.t("never")),
        })
        .collect();
    let html = render(&templates::Account {
        page,
        email: user.email.to_string(),
        display_name: user.display_name.to_string(),
        second_factor: user.totp_secret_sealed.is_some(),
        can_remove_second_factor: !requires_second_factor(user),
        recovery_codes_left: u64::from(state.store.unused_recovery_codes(user.id).await?),
        tokens,
        notice: extras.notice,
        password_error: extras.password_error,
        token_error: extras.token_error,
        new_token: extras.new_token,
    })?;
    Ok((status, html).into_response())
}

pub async fn show(
    State(state): State<AppState>,
    page: Page,
    signed_in: SignedIn,
) -> WebResult<Response> {
    let user = session_user(&signed_in)?;
    account_page(
        &state,
        &page,
        user,
        AccountExtras::default(),
        StatusCode::OK,
    )
    .await
}

/// Account pages are for browser sessions; an API token cannot manage its
/// own account.
fn session_user(signed_in: &SignedIn) -> WebResult<&UserAccount> {
    match signed_in.session {
        Some(_) => Ok(&signed_in.user),
        None => Err(WebError::Unauthenticated),
    }
}

pub async fn change_password(
    State(state): State<AppState>,
    page: Page,
    signed_in: SignedIn,
    form: FormFields,
) -> WebResult<Response> {
    let user = session_user(&signed_in)?;
    let current_ok = reconfirm_password(
        &state,
        user,
        form.get("current_password").unwrap_or_default(),
    )
    .await?;
    let error = |key: String| AccountExtras {
        password_error: Some(key),
        ..Default::default()
    };
    if !current_ok {
        let extras = error(page.t("password-current-wrong"));
        return account_page(
            &state,
            &page,
            user,
            extras,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let new_password = match NewPassword::parse(form.get("new_password").unwrap_or_default()) {
        Ok(password) => password,
        Err(err) => {
            let key = match err {
                PasswordError::TooShort => "password-too-short",
                PasswordError::TooLong => "password-too-long",
                PasswordError::Common => "password-too-common",
            };
            let extras = error(page.t(key));
            return account_page(
                &state,
                &page,
                user,
                extras,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let hash = tokio::task::spawn_blocking(move || hash_password(&new_password))
        .await
        .map_err(WebError::internal)?
        .map_err(WebError::internal)?;
    let audit = audit_for(user, state.clock.now());
    state
        .store
        .set_password(
            &audit,
            AuditAction::PasswordChanged,
            user.id,
            &hash,
            signed_in.session.as_deref(),
        )
        .await?;
    let refreshed = state
        .store
        .user(user.id)
        .await?
        .ok_or(WebError::Unauthenticated)?;
    let extras = AccountExtras {
        notice: Some(page.t("password-changed")),
        ..Default::default()
    };
    account_page(&state, &page, &refreshed, extras, StatusCode::OK).await
}

/// Replacing a second factor that is in place weakens it unless the person
/// proves again who they are: a session left open must not be enough to
/// move it onto another phone.
fn replaces_second_factor(user: &UserAccount) -> bool {
    user.totp_secret_sealed.is_some()
}

fn enrol_context(user: &UserAccount) -> String {
    format!("enrol:{}", user.id)
}

pub async fn enrol_page(
    State(state): State<AppState>,
    page: Page,
    verified: PasswordVerified,
) -> WebResult<Response> {
    if verified.pending == Some(false) {
        return Ok(Redirect::to("/sign-in/second-factor").into_response());
    }
    let secret = totp::generate_secret();
    show_enrolment(&state, &page, &verified.user, &secret, None, StatusCode::OK)
}

fn show_enrolment(
    state: &AppState,
    page: &Page,
    user: &UserAccount,
    secret: &str,
    error: Option<String>,
    status: StatusCode,
) -> WebResult<Response> {
    let uri = totp::provisioning_uri(&state.config.totp_issuer, user.email.as_str(), secret);
    let qr_svg = qrcode::QrCode::new(uri.as_bytes())
        .map_err(WebError::internal)?
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .build();
    // The SVG carries an XML declaration that is invalid inside HTML.
    let qr_svg = match qr_svg.find("<svg") {
        Some(start) => qr_svg[start..].replacen("<svg", "<svg role=\"img\" aria-label=\"QR\"", 1),
        None => qr_svg,
    };
    // The pending secret travels in the form, sealed and bound to this
    // account, so nothing is stored until the code proves the app has it.
    let sealed = state
        .sealer
        .seal(&enrol_context(user), secret.as_bytes())
        .ok_or_else(|| WebError::internal("sealing failed"))?;
    let html = render(&templates::Enrol {
        page,
        qr_svg,
        secret: secret.to_owned(),
        sealed,
        required: requires_second_factor(user) && user.totp_secret_sealed.is_none(),
        confirm_password: replaces_second_factor(user),
        error,
    })?;
    Ok((status, html).into_response())
}

pub async fn enrol(
    State(state): State<AppState>,
    page: Page,
    verified: PasswordVerified,
    form: FormFields,
) -> WebResult<Response> {
    if verified.pending == Some(false) {
        return Ok(Redirect::to("/sign-in/second-factor").into_response());
    }
    let user = &verified.user;
    let secret = state
        .sealer
        .open(&enrol_context(user), &form.text("sealed"))
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .ok_or_else(|| WebError::invalid("sealed", "the enrolment form is invalid; start again"))?;
    let now = state.clock.now();
    if replaces_second_factor(user)
        && !reconfirm_password(
            &state,
            user,
            form.get("current_password").unwrap_or_default(),
        )
        .await?
    {
        let error = Some(page.t("password-current-wrong"));
        return show_enrolment(
            &state,
            &page,
            user,
            &secret,
            error,
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    if !totp::verify_code(&secret, &form.text("code"), now) {
        let error = Some(page.t("enrol-code-wrong"));
        return show_enrolment(
            &state,
            &page,
            user,
            &secret,
            error,
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    let sealed_secret = state
        .sealer
        .seal(&user.id.to_string(), secret.as_bytes())
        .ok_or_else(|| WebError::internal("sealing failed"))?;
    let codes = totp::generate_recovery_codes();
    let code_hashes: Vec<String> = codes
        .iter()
        .map(|code| state.sealer.mac(&totp::normalise_recovery_code(code)))
        .collect();
    let audit = audit_for(user, now);
    state
        .store
        .set_second_factor(&audit, user.id, Some(&sealed_secret), &code_hashes)
        .await?;
    state.store.record_sign_in_success(&audit, user.id).await?;
    // The session is now fully signed in: give it a new token.
    state.store.delete_session(&verified.token_hash).await?;
    let (cookie, _) = start_session(&state, user.id, true).await?;
    let html = render(&templates::RecoveryCodes { page: &page, codes })?;
    let mut response = html.into_response();
    set_session_cookie(&state, response.headers_mut(), &cookie);
    Ok(response)
}

pub async fn remove_second_factor(
    State(state): State<AppState>,
    page: Page,
    signed_in: SignedIn,
    form: FormFields,
) -> WebResult<Response> {
    let user = session_user(&signed_in)?;
    if requires_second_factor(user) {
        return Err(WebError::Forbidden);
    }
    if !reconfirm_password(
        &state,
        user,
        form.get("current_password").unwrap_or_default(),
    )
    .await?
    {
        let extras = AccountExtras {
            password_error: Some(page.t("password-current-wrong")),
            ..Default::default()
        };
        return account_page(
            &state,
            &page,
            user,
            extras,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let audit = audit_for(user, state.clock.now());
    state
        .store
        .set_second_factor(&audit, user.id, None, &[])
        .await?;
    let refreshed = state
        .store
        .user(user.id)
        .await?
        .ok_or(WebError::Unauthenticated)?;
    let extras = AccountExtras {
        notice: Some(page.t("second-factor-removed")),
        ..Default::default()
    };
    account_page(&state, &page, &refreshed, extras, StatusCode::OK).await
}

pub async fn create_token(
    State(state): State<AppState>,
    page: Page,
    signed_in: SignedIn,
    form: FormFields,
) -> WebResult<Response> {
    let user = session_user(&signed_in)?;
    let name = form.text("name");
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        let extras = AccountExtras {
            token_error: Some(page.t("api-token-name-invalid")),
            ..Default::default()
        };
        return account_page(
            &state,
            &page,
            user,
            extras,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let secret = format!("rt_{}", random_token(32));
    let audit = audit_for(user, state.clock.now());
    state
        .store
        .create_api_token(&audit, user.id, &name, &sha256_hex(&secret))
        .await?;
    let extras = AccountExtras {
        new_token: Some(secret),
        ..Default::default()
    };
    account_page(&state, &page, user, extras, StatusCode::CREATED).await
}

pub async fn revoke_token(
    State(state): State<AppState>,
    signed_in: SignedIn,
    PathId(id): PathId<ApiTokenId>,
) -> WebResult<Response> {
    let user = session_user(&signed_in)?;
    let audit = audit_for(user, state.clock.now());
    state.store.revoke_api_token(&audit, user.id, id).await?;
    Ok(Redirect::to("/account").into_response())
}
