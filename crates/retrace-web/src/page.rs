//! What every page needs besides its own content: language, direction,
//! CSRF token, the signed-in account and the navigation its roles allow.

use crate::AppState;
use crate::csrf::CsrfToken;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::identity::Identity;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use retrace_domain::Role;
use retrace_store::Membership;

pub struct NavItem {
    pub href: &'static str,
    pub label: String,
    pub current: bool,
}

pub struct NavUser {
    pub display_name: String,
    pub context: String,
    /// Work that arrived since the member last read their notifications;
    /// `None` for accounts without a work queue.
    pub unread: Option<u64>,
}

pub struct Page {
    pub lang: Lang,
    pub csrf: String,
    /// Path and query of this page, for the language switcher to return to.
    pub here: String,
    pub user: Option<NavUser>,
    pub nav: Vec<NavItem>,
}

impl Page {
    pub fn t(&self, key: &str) -> String {
        self.lang.t(key)
    }

    pub fn t_count(&self, key: &str, count: &u64) -> String {
        self.lang.t_count(key, *count)
    }

    pub fn code(&self) -> &'static str {
        self.lang.code()
    }

    pub fn dir(&self) -> &'static str {
        self.lang.dir()
    }

    pub fn languages(&self) -> Vec<(&'static str, &'static str, bool)> {
        Lang::ALL
            .into_iter()
            .map(|lang| (lang.code(), lang.native_name(), lang == self.lang))
            .collect()
    }

    /// The translation of a code in a group: `label("relationship", "half_brother")`
    /// reads the key `relationship-half-brother`.
    pub fn label(&self, group: &str, code: &str) -> String {
        self.lang
            .t(&format!("{group}-{}", code.replace(['_', ' '], "-")))
    }

    pub fn role_name(&self, role: &str) -> String {
        self.lang.t(&format!("role-{}", role.replace('_', "-")))
    }
}

impl FromRequestParts<AppState> for Page {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, WebError> {
        let lang = Lang::from_headers(&parts.headers);
        let csrf = parts
            .extensions
            .get::<CsrfToken>()
            .map(|token| token.0.clone())
            .unwrap_or_default();
        let here = parts
            .uri
            .path_and_query()
            .map(|pq| pq.as_str().to_owned())
            .unwrap_or_else(|| "/".to_owned());
        let path = parts.uri.path().to_owned();
        let identity = parts
            .extensions
            .get::<Identity>()
            .cloned()
            .unwrap_or(Identity::Anonymous);
        let mut nav = Vec::new();
        let mut item = |href: &'static str, key: &str| {
            let current = if href == "/" {
                path == "/"
            } else {
                path.starts_with(href)
            };
            nav.push(NavItem {
                href,
                label: lang.t(key),
                current,
            });
        };
        let mut unread = None;
        let user = match &identity {
            Identity::Session { user, .. } => {
                item("/", "nav-home");
                let context = match &user.membership {
                    Membership::Member { org, roles } => {
                        if roles.contains(Role::Caseworker) || roles.contains(Role::Viewer) {
                            item("/requests", "nav-requests");
                        }
                        if roles.contains(Role::Caseworker) {
                            item("/registrations", "nav-registrations");
                        }
                        if roles.contains(Role::Caseworker) || roles.contains(Role::Viewer) {
                            item("/transfers", "nav-transfers");
                            item("/staff/gallery", "nav-gallery");
                        }
                        if roles.contains(Role::ReferralOfficer) {
                            item("/referrals", "nav-referrals");
                        }
                        if roles.contains(Role::OrgAdmin) || roles.contains(Role::ReferralOfficer) {
                            item("/org/sop", "nav-sop");
                        }
                        item("/directory", "nav-directory");
                        item("/countries", "nav-countries");
                        item("/library", "nav-library");
                        item("/networks", "nav-networks");
                        item("/practices", "practice-nav");
                        item("/indicators", "indicators-nav");
                        if roles.contains(Role::OutreachWorker)
                            || roles.contains(Role::Coordinator)
                            || roles.contains(Role::Viewer)
                        {
                            item("/outreach", "nav-outreach");
                        }
                        if roles.contains(Role::OrgAdmin) {
                            item("/org/users", "nav-users");
                            item("/org/audit", "nav-audit");
                            item("/org/retention", "retention-title");
                            item("/org/contact", "poster-contact-title");
                        }
                        let actor = retrace_app::Actor::new(user.id, *org, roles.clone());
                        if !retrace_domain::WorkKind::for_roles(roles).is_empty() {
                            unread = Some(
                                retrace_app::work_queue::unread_count(&state.app, &actor).await?,
                            );
                        }
                        state
                            .store
                            .organisation(*org)
                            .await?
                            .map(|org| org.name.to_string())
                            .unwrap_or_default()
                    }
                    Membership::Operator => {
                        item("/operator/organisations", "nav-organisations");
                        item("/operator/users", "nav-accounts");
                        item("/operator/networks", "nav-networks");
                        lang.t("platform-operator")
                    }
                };
                item("/account", "nav-account");
                Some(NavUser {
                    display_name: user.display_name.to_string(),
                    context,
                    unread,
                })
            }
            Identity::Pending { user, .. } => Some(NavUser {
                display_name: user.display_name.to_string(),
                context: String::new(),
                unread: None,
            }),
            Identity::Anonymous | Identity::ExpiredToken | Identity::ApiToken { .. } => None,
        };
        Ok(Page {
            lang,
            csrf,
            here,
            user,
            nav,
        })
    }
}

/// Left-to-right isolation for text whose order must not follow the page's
/// direction: a time "2026-11-11 14:57 UTC" or a signed weight "+4.40" would
/// read "UTC 14:57 2026-11-11" and "4.40+" in an Arabic paragraph otherwise.
/// The isolate marks (U+2066, U+2069) are invisible and ignored by screen
/// readers.
pub fn ltr(text: &str) -> String {
    format!("\u{2066}{text}\u{2069}")
}

/// A time as pages show it, isolated left to right.
pub trait OnPage {
    fn on_page(self) -> String;
}

impl OnPage for retrace_domain::Timestamp {
    fn on_page(self) -> String {
        ltr(&self.display_utc())
    }
}
