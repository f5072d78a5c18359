//! The extractors handlers declare instead of checking by hand: typed path
//! ids, the role a route needs, and request bodies whose errors name the
//! field.
//!
//! Key design decision: a path id that does not parse answers exactly like
//! a record that does not exist (`WebError::NotFound`), so a malformed id,
//! a missing record and another organisation's record cannot be told apart.
//! Role extractors run before the path id, as the hand-written checks did.

use crate::error::{WebError, WebResult};
use crate::identity::Member;
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::request::Parts;
use axum::http::{Uri, header};
use retrace_domain::Role;
use retrace_domain::{Problem, Unparsed};
use serde::de::DeserializeOwned;
use std::str::FromStr;

/// Parses an id from request input; anything that does not parse is "not
/// found", like an id that names nothing.
pub fn parse_id<T: FromStr>(value: &str) -> WebResult<T> {
    value.parse().map_err(|_| WebError::NotFound)
}

/// The one path parameter of a route, parsed as `T` (`PathId<RequestId>`).
pub struct PathId<T>(pub T);

impl<S: Send + Sync, T: FromStr> FromRequestParts<S> for PathId<T> {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> WebResult<Self> {
        let Path(raw) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| WebError::NotFound)?;
        parse_id(&raw).map(PathId)
    }
}

/// The two path parameters of a nested route (`/persons/{id}/consents/{consent}/…`).
pub struct PathIds<A, B>(pub A, pub B);

impl<S: Send + Sync, A: FromStr, B: FromStr> FromRequestParts<S> for PathIds<A, B> {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> WebResult<Self> {
        let Path((first, second)) = Path::<(String, String)>::from_request_parts(parts, state)
            .await
            .map_err(|_| WebError::NotFound)?;
        Ok(PathIds(parse_id(&first)?, parse_id(&second)?))
    }
}

/// Defines an extractor for members holding one of `roles`; anyone else
/// signed in as a member is `Forbidden`.
macro_rules! role_extractor {
    ($(#[$doc:meta])* $name:ident: $($role:expr),+) => {
        $(#[$doc])*
        pub struct $name(pub Member);

        impl<S: Send + Sync> FromRequestParts<S> for $name {
            type Rejection = WebError;

            async fn from_request_parts(parts: &mut Parts, state: &S) -> WebResult<Self> {
                let member = Member::from_request_parts(parts, state).await?;
                if [$($role),+].into_iter().any(|role| member.roles.contains(role)) {
                    Ok($name(member))
                } else {
                    Err(WebError::Forbidden)
                }
            }
        }

        impl std::ops::Deref for $name {
            type Target = Member;
            fn deref(&self) -> &Member {
                &self.0
            }
        }
    };
}

role_extractor!(
    /// A member who may read the organisation's cases: a caseworker or a viewer.
    Reader: Role::Caseworker, Role::Viewer
);
role_extractor!(
    /// A member who may change the organisation's cases.
    Caseworker: Role::Caseworker
);
role_extractor!(
    /// A member who administers the organisation's accounts and audit log.
    OrgAdmin: Role::OrgAdmin
);
role_extractor!(
    /// A member who may import records from other registries.
    Importer: Role::OrgAdmin, Role::Caseworker
);
role_extractor!(
    /// A member who works on transnational referrals.
    ReferralOfficer: Role::ReferralOfficer
);

role_extractor!(
    /// A member who maintains the organisation's directory entries and
    /// library documents.
    Maintainer: Role::OrgAdmin, Role::Coordinator, Role::Caseworker, Role::ReferralOfficer
);

/// Whoever reads the public parts (directory, library): a signed-in member
/// also sees what organisations share and their own; anyone else (not
/// signed in, an operator, a session awaiting its second factor) sees only
/// what is public.
pub struct Visitor(pub Option<Member>);

impl Visitor {
    pub fn viewer(&self) -> retrace_store::Viewer {
        match &self.0 {
            Some(member) => retrace_store::Viewer::Member(member.scope()),
            None => retrace_store::Viewer::Public,
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Visitor {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> WebResult<Self> {
        Ok(Visitor(Member::from_request_parts(parts, state).await.ok()))
    }
}

role_extractor!(
    /// A member who records outreach sessions.
    OutreachWorker: Role::OutreachWorker
);
role_extractor!(
    /// A member who may read the organisation's outreach results.
    OutreachReader: Role::OutreachWorker, Role::Coordinator, Role::Viewer
);
role_extractor!(
    /// A member who coordinates across the organisations of a country.
    Coordinator: Role::Coordinator
);

/// Query parameters whose errors name the parameter, as JSON.
pub struct QueryParams<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for QueryParams<T> {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> WebResult<Self> {
        parse_query(&parts.uri).map(QueryParams)
    }
}

/// The query of `uri` deserialised into `T`, an error naming the parameter.
pub fn parse_query<T: DeserializeOwned>(uri: &Uri) -> WebResult<T> {
    match Query::<T>::try_from_uri(uri) {
        Ok(Query(value)) => Ok(value),
        Err(rejection) => {
            let text = rejection.body_text();
            let detail = text
                .strip_prefix("Failed to deserialize query string: ")
                .unwrap_or(&text);
            match detail.split_once(": ") {
                Some((field, message)) if !field.contains(' ') => {
                    Err(unreadable(field, Unparsed::of_message(message)))
                }
                _ => Err(unreadable("query", Unparsed::of_message(detail))),
            }
        }
    }
}

/// A JSON body deserialised straight into `T`. A value of the wrong shape
/// is named by its JSON path (`sought[0].person.age`); a body that is not
/// JSON, or misses or adds a top-level field, is named `body`.
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = WebError;

    async fn from_request(request: Request, state: &S) -> WebResult<Self> {
        let is_json = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.split(';').next())
            .map(str::trim)
            .is_some_and(|mime| mime == "application/json" || mime.ends_with("+json"));
        if !is_json {
            return Err(WebError::invalid(
                "body",
                Problem::ContentType {
                    expected: "application/json".to_owned(),
                },
            ));
        }
        let bytes = axum::body::Bytes::from_request(request, state)
            .await
            .map_err(|_| WebError::PayloadTooLarge)?;
        parse_json(&bytes).map(JsonBody)
    }
}

/// A JSON body deserialised into `T`, errors named by JSON path.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> WebResult<T> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(json_error)?;
    deserializer
        .end()
        .map_err(|err| unreadable("body", retrace_app::input::unparsed(&err)))?;
    Ok(value)
}

fn json_error(error: serde_path_to_error::Error<serde_json::Error>) -> WebError {
    let mut segments: Vec<&serde_path_to_error::Segment> = error.path().iter().collect();
    let inner = error.inner();
    let text = inner.to_string();
    let position = format!(" at line {} column {}", inner.line(), inner.column());
    let message = text.strip_suffix(&position).unwrap_or(&text).to_owned();
    if text.starts_with("unknown field") {
        // The path ends with the unknown key: blame the object holding it.
        segments.pop();
    }
    let mut path = String::new();
    for segment in segments {
        match segment {
            serde_path_to_error::Segment::Seq { index } => path.push_str(&format!("[{index}]")),
            serde_path_to_error::Segment::Map { key } => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            serde_path_to_error::Segment::Enum { .. } | serde_path_to_error::Segment::Unknown => {
                break;
            }
        }
    }
    match inner.classify() {
        serde_json::error::Category::Data if !path.is_empty() => {
            unreadable(&path, Unparsed::of_message(&message))
        }
        _ => unreadable("body", retrace_app::input::unparsed(inner)),
    }
}

/// Parses an `application/x-www-form-urlencoded` body, naming the field when
/// it is malformed. Repeated keys (checkboxes) are kept in order.
pub struct FormFields(Vec<(String, String)>);

impl FormFields {
    pub fn parse(body: &[u8]) -> WebResult<Self> {
        serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
            .map(FormFields)
            .map_err(|_| WebError::invalid("form", Problem::FormUnreadable))
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    pub fn pairs(&self) -> &[(String, String)] {
        &self.0
    }

    pub fn text(&self, name: &str) -> String {
        self.get(name).unwrap_or_default().trim().to_owned()
    }

    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
            .collect()
    }
}

impl<S: Send + Sync> FromRequest<S> for FormFields {
    type Rejection = WebError;

    async fn from_request(request: Request, state: &S) -> WebResult<Self> {
        let content_type = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        if !content_type.starts_with("application/x-www-form-urlencoded") {
            return Err(WebError::invalid(
                "content-type",
                Problem::ContentType {
                    expected: "application/x-www-form-urlencoded".to_owned(),
                },
            ));
        }
        let bytes = axum::body::Bytes::from_request(request, state)
            .await
            .map_err(|_| WebError::PayloadTooLarge)?;
        FormFields::parse(&bytes)
    }
}

/// A body or query the parser refused: its words come from the parser
/// (serde), so they are shown as a detail under a translated lead.
fn unreadable(field: &str, detail: Unparsed) -> WebError {
    WebError::invalid(field, Problem::Unreadable { detail })
}
