//! Signing in and out, the second-factor step, and the home page.

use super::NextQuery;
use crate::AppState;
use crate::error::WebResult;
use crate::extract::FormFields;
use crate::identity::{Identity, Member, PasswordVerified, SignedIn, session_cookie_name};
use crate::page::Page;
use crate::security::{CookieSpec, local_path, set_cookie};
use crate::templates::{self, HomeCard, render};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use retrace_app::AppError;
use retrace_app::accounts::{self, NextStep};
use retrace_domain::Role;
use retrace_store::Membership;

pub async fn home(
    State(state): State<AppState>,
    page: Page,
    signed_in: SignedIn,
) -> WebResult<Response> {
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
                card("/sought", "card-sought");
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
    let queue = match &user.membership {
        Membership::Member { org, roles } => {
            let member = Member {
                org: *org,
                roles: roles.clone(),
                user: user.clone(),
            };
            super::work::home_queue(&state, &page, &member).await?
        }
        Membership::Operator => None,
    };
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
        queue,
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
        invalid: false,
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
    let email = form.text("email");
    let next = local_path(form.get("next").unwrap_or("/"))
        .unwrap_or("/")
        .to_owned();
    let refuse = |key: &str, status: StatusCode| -> WebResult<Response> {
        let html = render(&templates::SignIn {
            page: &page,
            email: email.clone(),
            next: next.clone(),
            error: Some(page.t(key)),
            invalid: status == StatusCode::UNAUTHORIZED,
        })?;
        Ok((status, html).into_response())
    };
    if !state.sign_in_limiter.allow(client, now).await
        || state.sign_in_failure_limiter.exceeded(client, now).await
    {
        return refuse("error-rate-limited-text", StatusCode::TOO_MANY_REQUESTS);
    }
    let password = form.get("password").unwrap_or_default();
    let started = match accounts::sign_in(&state.app, &email, password).await {
        Ok(started) => started,
        Err(AppError::SignInRefused) => {
            state.sign_in_failure_limiter.allow(client, now).await;
            return refuse("sign-in-failed", StatusCode::UNAUTHORIZED);
        }
        Err(error) => return Err(error.into()),
    };
    let target = match started.next {
        NextStep::SecondFactor => "/sign-in/second-factor".to_owned(),
        NextStep::EnrolSecondFactor => "/account/second-factor".to_owned(),
        NextStep::Done => next,
    };
    let mut response = Redirect::to(&target).into_response();
    set_session_cookie(&state, response.headers_mut(), &started.secret);
    Ok(response)
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
            invalid: false,
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
    let refuse = |key: &str, status: StatusCode| -> WebResult<Response> {
        let html = render(&templates::SecondFactor {
            page: &page,
            error: Some(page.t(key)),
            invalid: status == StatusCode::UNAUTHORIZED,
        })?;
        Ok((status, html).into_response())
    };
    if !state.sign_in_limiter.allow(client, now).await
        || state.sign_in_failure_limiter.exceeded(client, now).await
    {
        return refuse("error-rate-limited-text", StatusCode::TOO_MANY_REQUESTS);
    }
    let code = form.text("code");
    let verified_code =
        accounts::verify_second_factor(&state.app, verified.user.id, &verified.token_hash, &code)
            .await;
    let secret = match verified_code {
        Ok(secret) => secret,
        Err(AppError::SignInRefused) => {
            state.sign_in_failure_limiter.allow(client, now).await;
            return refuse("second-factor-failed", StatusCode::UNAUTHORIZED);
        }
        Err(error) => return Err(error.into()),
    };
    let mut response = Redirect::to("/").into_response();
    set_session_cookie(&state, response.headers_mut(), &secret);
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
            accounts::sign_out(&state.app, user, &token_hash).await?;
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
