//! The signed-in user's own account: password, second factor, API tokens.

use super::session::set_session_cookie;
use crate::AppState;
use crate::error::{WebError, WebResult};
use crate::extract::{FormFields, PathId};
use crate::form_errors::FormErrors;
use crate::form_values::FormValues;
use crate::identity::{PasswordVerified, SignedIn};
use crate::page::OnPage;
use crate::page::Page;
use crate::templates::{self, TokenRow, render};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use retrace_app::accounts::{self, EnrolmentInput, OfferedSecondFactor, requires_second_factor};
use retrace_app::{AppError, digest, totp};
use retrace_domain::{ApiScope, ApiTokenId, DigestFrequency, DigestLanguage};
use retrace_store::{DigestPreference, Membership, UserAccount};

#[derive(Default)]
struct AccountExtras {
    notice: Option<String>,
    /// What was typed in a refused form, and its errors.
    values: FormValues,
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
            created: token.created_at.on_page(),
            last_used: token
                .last_used_at
                .map(OnPage::on_page)
                .unwrap_or_else(|| page.t("never")),
            scopes: page
                .lang
                .words(&token.scopes.iter().map(scope_key).collect::<Vec<_>>()),
            expires: token
                .expires_at
                .map(OnPage::on_page)
                .unwrap_or_else(|| page.t("api-token-no-expiry")),
        })
        .collect();
    let digest = match &user.membership {
        Membership::Member { .. } => Some(digest_summary(
            page,
            state.store.digest_preference(user.id).await?.as_ref(),
        )),
        Membership::Operator => None,
    };
    let html = render(&templates::Account {
        page,
        email: user.email.to_string(),
        digest,
        display_name: user.display_name.to_string(),
        second_factor: user.totp_secret_sealed.is_some(),
        can_remove_second_factor: !requires_second_factor(user),
        recovery_codes_left: u64::from(state.store.unused_recovery_codes(user.id).await?),
        tokens,
        notice: extras.notice,
        values: extras.values,
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

/// The password form's controls and their labels.
const PASSWORD_FIELDS: &[(&str, &str, &str)] = &[
    (
        "current_password",
        "current_password",
        "field-current-password",
    ),
    ("new_password", "new_password", "field-new-password"),
];

/// The second-factor removal form's control and its label.
const REMOVE_FIELDS: &[(&str, &str, &str)] = &[(
    "current_password",
    "remove_current_password",
    "field-current-password",
)];

/// The token form's controls and their labels.
const TOKEN_FIELDS: &[(&str, &str, &str)] = &[
    ("name", "token-name", "field-token-name"),
    ("scopes", "scopes", "api-token-scopes"),
    ("expires_in_days", "token-days", "api-token-expires"),
];

/// The account page again after a refused change (422), with what was
/// typed (never a password) and every error on the form's fields.
async fn refused(
    state: &AppState,
    page: &Page,
    user: &UserAccount,
    form: &FormFields,
    fields: &[(&str, &str, &str)],
    error: AppError,
) -> WebResult<Response> {
    let error = WebError::from(error);
    let Some(errors) = FormErrors::of_fields(page, &error, fields) else {
        return Err(error);
    };
    let extras = AccountExtras {
        values: FormValues::with_errors(form, errors),
        ..Default::default()
    };
    account_page(state, page, user, extras, StatusCode::UNPROCESSABLE_ENTITY).await
}

/// The account page after a change, with the account read again.
async fn changed(
    state: &AppState,
    page: &Page,
    user: &UserAccount,
    key: &str,
) -> WebResult<Response> {
    let refreshed = state
        .store
        .user(user.id)
        .await?
        .ok_or(WebError::Unauthenticated)?;
    let extras = AccountExtras {
        notice: Some(page.t(key)),
        ..Default::default()
    };
    account_page(state, page, &refreshed, extras, StatusCode::OK).await
}

pub async fn change_password(
    State(state): State<AppState>,
    page: Page,
    signed_in: SignedIn,
    form: FormFields,
) -> WebResult<Response> {
    let user = session_user(&signed_in)?;
    let changed_password = accounts::change_password(
        &state.app,
        user,
        signed_in.session.as_deref(),
        form.get("current_password").unwrap_or_default(),
        form.get("new_password").unwrap_or_default(),
    )
    .await;
    match changed_password {
        Ok(()) => changed(&state, &page, user, "password-changed").await,
        Err(error) => refused(&state, &page, user, &form, PASSWORD_FIELDS, error).await,
    }
}

pub async fn enrol_page(
    State(state): State<AppState>,
    page: Page,
    verified: PasswordVerified,
) -> WebResult<Response> {
    if verified.pending == Some(false) {
        return Ok(Redirect::to("/sign-in/second-factor").into_response());
    }
    let offer = accounts::offer_second_factor(&state.app, &verified.user)?;
    let values = FormValues::default();
    show_enrolment(
        &state,
        &page,
        &verified.user,
        &offer,
        values,
        StatusCode::OK,
    )
}

/// The enrolment form's fields: field, input id, label.
const ENROLMENT_FIELDS: &[(&str, &str, &str)] = &[
    (
        "current_password",
        "current_password",
        "field-current-password",
    ),
    ("code", "code", "field-code"),
];

fn show_enrolment(
    state: &AppState,
    page: &Page,
    user: &UserAccount,
    offer: &OfferedSecondFactor,
    values: FormValues,
    status: StatusCode,
) -> WebResult<Response> {
    let uri = totp::provisioning_uri(
        &state.config.totp_issuer,
        user.email.as_str(),
        &offer.secret,
    );
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
    let html = render(&templates::Enrol {
        page,
        qr_svg,
        secret: offer.secret.clone(),
        sealed: offer.sealed.clone(),
        required: requires_second_factor(user) && user.totp_secret_sealed.is_none(),
        confirm_password: accounts::enrolment_needs_password(user),
        values,
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
    let input = EnrolmentInput {
        sealed: form.text("sealed"),
        code: form.text("code"),
        current_password: form.get("current_password").unwrap_or_default().to_owned(),
    };
    let enrolled =
        accounts::enrol_second_factor(&state.app, user, &verified.token_hash, &input).await;
    let enrolled = match enrolled {
        Ok(enrolled) => enrolled,
        Err(error) => {
            let error = WebError::from(error);
            // A tampered offer (`sealed`) cannot be shown again: error page.
            let errors = FormErrors::of_fields(&page, &error, ENROLMENT_FIELDS)
                .filter(|errors| !errors.has("sealed"));
            let Some(errors) = errors else {
                return Err(error);
            };
            let offer = accounts::reoffer_second_factor(&state.app, user, &input.sealed)?;
            let values = FormValues::with_errors(&form, errors);
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return show_enrolment(&state, &page, user, &offer, values, status);
        }
    };
    let html = render(&templates::RecoveryCodes {
        page: &page,
        codes: enrolled.recovery_codes,
    })?;
    let mut response = html.into_response();
    set_session_cookie(&state, response.headers_mut(), &enrolled.session_secret);
    Ok(response)
}

pub async fn remove_second_factor(
    State(state): State<AppState>,
    page: Page,
    signed_in: SignedIn,
    form: FormFields,
) -> WebResult<Response> {
    let user = session_user(&signed_in)?;
    let password = form.get("current_password").unwrap_or_default();
    match accounts::remove_second_factor(&state.app, user, password).await {
        Ok(()) => changed(&state, &page, user, "second-factor-removed").await,
        Err(error) => refused(&state, &page, user, &form, REMOVE_FIELDS, error).await,
    }
}

pub async fn create_token(
    State(state): State<AppState>,
    page: Page,
    signed_in: SignedIn,
    form: FormFields,
) -> WebResult<Response> {
    let user = session_user(&signed_in)?;
    let scopes = form.all("scopes").join(" ");
    // An unreadable number is refused by the same rule as one out of range.
    let days = form.text("expires_in_days").parse().unwrap_or(0);
    let name = form.text("name");
    let created = accounts::create_api_token(&state.app, user, &name, &scopes, days);
    let secret = match created.await {
        Ok(secret) => secret,
        Err(error) => return refused(&state, &page, user, &form, TOKEN_FIELDS, error).await,
    };
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
    accounts::revoke_api_token(&state.app, user, id).await?;
    Ok(Redirect::to("/account").into_response())
}

// ---------------------------------------------------------------- e-mail digest

/// The digest as chosen, in one sentence.
fn digest_summary(page: &Page, preference: Option<&DigestPreference>) -> String {
    page.t(match preference.map(|p| p.frequency) {
        None => "digest-summary-off",
        Some(DigestFrequency::Daily) => "digest-summary-daily",
        Some(DigestFrequency::Weekly) => "digest-summary-weekly",
    })
}

/// The values of the digest form from a stored choice (off, in the page's
/// language, when there is none).
fn digest_values(page: &Page, preference: Option<&DigestPreference>) -> FormValues {
    let (frequency, language) = match preference {
        Some(p) => (p.frequency.as_str(), p.language.as_str()),
        None => ("off", page.lang.code()),
    };
    FormValues::from_pairs([
        ("digest_frequency".to_owned(), frequency.to_owned()),
        ("digest_language".to_owned(), language.to_owned()),
    ])
}

async fn digest_page(
    state: &AppState,
    page: &Page,
    user: &UserAccount,
    values: FormValues,
    saved: bool,
) -> WebResult<axum::response::Html<String>> {
    let preference = state.store.digest_preference(user.id).await?;
    let mut status = Vec::new();
    if let Some(preference) = &preference {
        status.push(digest_summary(page, Some(preference)));
        if let Some(sent) = preference.last_sent_at {
            status.push(format!("{} {}", page.t("digest-last-sent"), sent.on_page()));
        }
        if let Some(failed) = preference
            .last_failed_at
            .filter(|_| preference.failures > 0)
        {
            status.push(format!(
                "{} {}",
                page.t("digest-last-failed"),
                failed.on_page()
            ));
        }
    }
    render(&templates::AccountDigestPage {
        page,
        email: user.email.to_string(),
        enabled: state.config.digest_enabled,
        saved,
        status: (!status.is_empty()).then(|| status.join(" ")),
        frequencies: ["off", "daily", "weekly"]
            .into_iter()
            .map(|code| (code, page.t(&format!("digest-frequency-{code}"))))
            .collect(),
        languages: DigestLanguage::ALL
            .iter()
            .filter_map(|language| {
                let lang = crate::i18n::Lang::parse(language.as_str())?;
                Some((language.as_str(), lang.native_name().to_owned()))
            })
            .collect(),
        values,
    })
}

/// A member's account, for the digest pages: an operator has no work
/// queue and no digest.
fn digest_member(signed_in: &SignedIn) -> WebResult<(&UserAccount, retrace_app::Actor)> {
    let user = session_user(signed_in)?;
    match &user.membership {
        Membership::Member { org, roles } => {
            Ok((user, retrace_app::Actor::new(user.id, *org, roles.clone())))
        }
        Membership::Operator => Err(WebError::Forbidden),
    }
}

pub async fn digest(
    State(state): State<AppState>,
    page: Page,
    signed_in: SignedIn,
) -> WebResult<Response> {
    let (user, actor) = digest_member(&signed_in)?;
    let preference = digest::preference(&state.app, &actor).await?;
    let values = digest_values(&page, preference.as_ref());
    Ok(digest_page(&state, &page, user, values, false)
        .await?
        .into_response())
}

pub async fn save_digest(
    State(state): State<AppState>,
    page: Page,
    signed_in: SignedIn,
    form: FormFields,
) -> WebResult<Response> {
    let (user, actor) = digest_member(&signed_in)?;
    let saved = digest::set_preference(
        &state.app,
        &actor,
        &form.text("digest_frequency"),
        &form.text("digest_language"),
    )
    .await
    .map_err(WebError::from);
    match saved {
        Ok(preference) => {
            let values = digest_values(&page, preference.as_ref());
            Ok(digest_page(&state, &page, user, values, true)
                .await?
                .into_response())
        }
        Err(error) => match FormErrors::of(&page, &error, None, "") {
            Some(errors) => {
                let values = FormValues::with_errors(&form, errors);
                let html = digest_page(&state, &page, user, values, false).await?;
                Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
            }
            None => Err(error),
        },
    }
}

/// The locale key that names an API token's scope in words.
fn scope_key(scope: ApiScope) -> &'static str {
    match scope {
        ApiScope::Read => "api-token-scope-read",
        ApiScope::Write => "api-token-scope-write",
        ApiScope::Export => "api-token-scope-export",
        ApiScope::Admin => "api-token-scope-admin",
    }
}
