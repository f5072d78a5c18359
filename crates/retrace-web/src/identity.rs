//! Who is asking: resolved once per request from the session cookie (pages)
//! or the bearer token (`/api/`), then read by the `SignedIn`, `Member` and
//! `Operator` extractors.

use crate::AppState;
use crate::error::{WebError, WebResult};
use crate::security::{cookie, cookie_name};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::header;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use retrace_app::Actor;
use retrace_app::accounts::{self, requires_second_factor};
use retrace_app::secrets::sha256_hex;
use retrace_domain::{ApiScopes, OrgId, RoleSet, UserId};
use retrace_store::{AuditContext, Membership, OrgScope, StoreError, UserAccount};
use std::sync::Arc;
use std::time::Duration;

pub const SESSION_COOKIE: &str = "retrace_session";

#[derive(Debug, Clone)]
pub enum Identity {
    Anonymous,
    /// Password given; the second factor is still to verify (`enrol` false)
    /// or to enrol (`enrol` true, for roles that require one).
    Pending {
        user: Arc<UserAccount>,
        token_hash: String,
        enrol: bool,
    },
    Session {
        user: Arc<UserAccount>,
        token_hash: String,
    },
    ApiToken {
        user: Arc<UserAccount>,
        /// What the token may do, checked by `api_scopes::enforce`.
        scopes: ApiScopes,
    },
    /// A known token past its expiry: every `/api/` request is refused 401.
    ExpiredToken,
}

impl Identity {
    pub fn user(&self) -> Option<&UserAccount> {
        match self {
            Identity::Anonymous | Identity::ExpiredToken => None,
            Identity::Pending { user, .. }
            | Identity::Session { user, .. }
            | Identity::ApiToken { user, .. } => Some(user),
        }
    }
}

pub fn session_cookie_name(state: &AppState) -> String {
    cookie_name(SESSION_COOKIE, state.config.secure_cookies)
}

pub async fn resolve(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let is_api = request.uri().path().starts_with("/api/");
    let identity = match identify(&state, is_api, request.headers()).await {
        Ok(identity) => identity,
        Err(error) => return WebError::from(error).into_response(),
    };
    if matches!(identity, Identity::ExpiredToken) {
        return WebError::TokenExpired.into_response();
    }
    request.extensions_mut().insert(identity.clone());
    let mut response = next.run(request).await;
    // Kept on the response so that error pages rendered further out can
    // show the navigation of the signed-in user.
    response.extensions_mut().insert(identity);
    response
}

async fn identify(
    state: &AppState,
    is_api: bool,
    headers: &axum::http::HeaderMap,
) -> Result<Identity, StoreError> {
    let now = state.clock.now();
    if is_api {
        let bearer = headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "))
            .map(str::trim);
        let Some(secret) = bearer else {
            return Ok(Identity::Anonymous);
        };
        let Some(token) = state.store.use_api_token(&sha256_hex(secret), now).await? else {
            return Ok(Identity::Anonymous);
        };
        if token.expired(now) {
            return Ok(Identity::ExpiredToken);
        }
        return Ok(match state.store.user(token.user).await? {
            Some(user) if !user.disabled => Identity::ApiToken {
                user: Arc::new(user),
                scopes: token.scopes,
            },
            _ => Identity::Anonymous,
        });
    }

    let Some(secret) = cookie(headers, &session_cookie_name(state)) else {
        return Ok(Identity::Anonymous);
    };
    let token_hash = sha256_hex(&secret);
    let Some(session) = state.store.session(&token_hash).await? else {
        return Ok(Identity::Anonymous);
    };
    let idle = now.since(session.last_seen_at) >= state.config.session_idle;
    let too_old = now.since(session.created_at) >= state.config.session_absolute;
    if idle || too_old {
        state.store.delete_session(&token_hash).await?;
        return Ok(Identity::Anonymous);
    }
    let user = match state.store.user(session.user).await? {
        Some(user) if !user.disabled => user,
        _ => {
            state.store.delete_session(&token_hash).await?;
            return Ok(Identity::Anonymous);
        }
    };
    // Writing on every request would make reads into writes; a minute of
    // slack on a 30-minute idle limit is harmless.
    if now.since(session.last_seen_at) > Duration::from_secs(60) {
        state.store.touch_session(&token_hash, now).await?;
    }
    let user = Arc::new(user);
    let needs_enrolment = requires_second_factor(&user) && user.totp_secret_sealed.is_none();
    Ok(if needs_enrolment {
        Identity::Pending {
            user,
            token_hash,
            enrol: true,
        }
    } else if !session.second_factor_done {
        Identity::Pending {
            user,
            token_hash,
            enrol: false,
        }
    } else {
        Identity::Session { user, token_hash }
    })
}

fn identity(parts: &Parts) -> Identity {
    parts
        .extensions
        .get::<Identity>()
        .cloned()
        .unwrap_or(Identity::Anonymous)
}

/// Any fully signed-in account (session with second factor done, or API token).
pub struct SignedIn {
    pub user: Arc<UserAccount>,
    /// The session's token hash; `None` for API tokens.
    pub session: Option<String>,
}

impl<S: Send + Sync> FromRequestParts<S> for SignedIn {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> WebResult<Self> {
        match identity(parts) {
            Identity::Anonymous => Err(WebError::Unauthenticated),
            Identity::ExpiredToken => Err(WebError::TokenExpired),
            Identity::Pending { enrol, .. } => Err(WebError::SecondFactorPending { enrol }),
            Identity::Session { user, token_hash } => Ok(SignedIn {
                user,
                session: Some(token_hash),
            }),
            Identity::ApiToken { user, .. } => Ok(SignedIn {
                user,
                session: None,
            }),
        }
    }
}

/// A signed-in account waiting for its second factor, or already past it.
pub struct PasswordVerified {
    pub user: Arc<UserAccount>,
    pub token_hash: String,
    pub pending: Option<bool>,
}

impl<S: Send + Sync> FromRequestParts<S> for PasswordVerified {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> WebResult<Self> {
        match identity(parts) {
            Identity::Pending {
                user,
                token_hash,
                enrol,
            } => Ok(PasswordVerified {
                user,
                token_hash,
                pending: Some(enrol),
            }),
            Identity::Session { user, token_hash } => Ok(PasswordVerified {
                user,
                token_hash,
                pending: None,
            }),
            Identity::Anonymous | Identity::ExpiredToken | Identity::ApiToken { .. } => {
                Err(WebError::Unauthenticated)
            }
        }
    }
}

/// A signed-in member of an organisation. Its `scope()` is the only way
/// handlers obtain an `OrgScope`.
pub struct Member {
    pub user: Arc<UserAccount>,
    pub org: OrgId,
    pub roles: RoleSet,
}

impl Member {
    pub fn scope(&self) -> OrgScope {
        OrgScope::new(self.org)
    }

    pub fn id(&self) -> UserId {
        self.user.id
    }

    /// The member as the use cases of `retrace-app` know them.
    pub fn actor(&self) -> Actor {
        Actor::new(self.id(), self.org, self.roles.clone())
    }

    /// Who is acting and why, for the audit entry of a read or a change.
    pub fn audit(&self, state: &AppState, purpose: &str) -> AuditContext {
        AuditContext {
            at: state.clock.now(),
            actor: Some(self.id()),
            org: Some(self.org),
            purpose: Some(purpose.to_owned()),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Member {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> WebResult<Self> {
        let signed_in = SignedIn::from_request_parts(parts, state).await?;
        match &signed_in.user.membership {
            Membership::Member { org, roles } => Ok(Member {
                org: *org,
                roles: roles.clone(),
                user: signed_in.user.clone(),
            }),
            Membership::Operator => Err(WebError::Forbidden),
        }
    }
}

/// A signed-in platform operator.
pub struct Operator {
    /// Who acts, for the use cases.
    pub actor: accounts::Operator,
}

impl<S: Send + Sync> FromRequestParts<S> for Operator {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> WebResult<Self> {
        let signed_in = SignedIn::from_request_parts(parts, state).await?;
        let actor = accounts::Operator::of(&signed_in.user).ok_or(WebError::Forbidden)?;
        Ok(Operator { actor })
    }
}
