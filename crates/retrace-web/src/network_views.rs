//! The templates of the network pages (issue 14): what each page may show.

use crate::form_values::FormValues;
use crate::page::Page;
use askama::Template;
use retrace_domain::PostKind;

/// The locale key of a post kind's name.
pub fn kind_key(kind: PostKind) -> String {
    format!("network-kind-{}", kind.as_str().replace('_', "-"))
}

pub struct NetworkRow {
    pub id: String,
    pub name: String,
    pub coordinator: bool,
    pub members: u64,
    pub posts: u64,
}

#[derive(Template)]
#[template(path = "networks.html")]
pub struct NetworksPage<'a> {
    pub page: &'a Page,
    pub rows: Vec<NetworkRow>,
}

pub struct MemberRow {
    pub id: String,
    pub name: String,
    pub country: String,
    pub coordinator: bool,
}

pub struct PostRow {
    pub id: String,
    pub network: String,
    pub network_name: String,
    pub kind: &'static str,
    pub kind_label: String,
    pub title: String,
    pub body: String,
    pub org_name: String,
    pub countries: String,
    /// A joint action's organisation and date.
    pub action: Option<(String, String)>,
    pub at: String,
}

/// The post form's values, shown again with the error.
#[derive(Default)]
pub struct PostForm {
    pub kind: String,
    pub title: String,
    pub body: String,
    pub countries: String,
    pub owner: String,
    pub due: String,
    /// The errors of the form sent, each on its control.
    pub errors: FormValues,
}

#[derive(Template)]
#[template(path = "network.html")]
pub struct NetworkPage<'a> {
    pub page: &'a Page,
    pub id: String,
    pub name: String,
    pub description: String,
    pub members: Vec<MemberRow>,
    pub posts: Vec<PostRow>,
    /// Every kind, for the filter.
    pub all_kinds: Vec<(&'static str, String)>,
    /// The kinds the member may write.
    pub kinds: Vec<(&'static str, String)>,
    pub filter_kind: String,
    pub filter_country: String,
    pub can_post: bool,
    pub can_manage: bool,
    /// Organisations not yet members, as (id, name), for coordinators.
    pub candidates: Vec<(String, String)>,
    pub form: PostForm,
}

#[derive(Template)]
#[template(path = "network_post.html")]
pub struct PostPage<'a> {
    pub page: &'a Page,
    pub post: PostRow,
}

pub struct FollowRow {
    pub code: String,
    pub label: String,
}

#[derive(Template)]
#[template(path = "network_follows.html")]
pub struct FollowsPage<'a> {
    pub page: &'a Page,
    pub rows: Vec<FollowRow>,
    pub kinds: Vec<(&'static str, String)>,
}

#[derive(Template)]
#[template(path = "operator_networks.html")]
pub struct OperatorNetworksPage<'a> {
    pub page: &'a Page,
    pub networks: Vec<String>,
    /// Every organisation as (id, name).
    pub organisations: Vec<(String, String)>,
    /// The creation form sent: what was typed and its errors.
    pub values: FormValues,
}
