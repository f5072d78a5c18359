//! The work queue as pages and JSON: on the home page, on the notifications
//! page (with "mark all as read") and at `/api/v1/work-queue`. Which work
//! each role sees and how it is counted is the app layer's.

use crate::AppState;
use crate::error::WebResult;
use crate::identity::Member;
use crate::page::{OnPage, Page};
use crate::templates::{self, WorkGroup, WorkItemView, render};
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use retrace_app::work_queue::{self, ITEMS_PER_KIND, WorkQueue};
use retrace_domain::WorkKind;
use retrace_store::WorkItem;
use serde_json::{Value, json};

/// How many items of each kind the notifications page lists.
const NOTIFICATIONS_PER_KIND: u32 = 50;

/// The page an item of work is done on.
fn href(item: &WorkItem) -> String {
    let base = match item.kind {
        WorkKind::CandidateToReview | WorkKind::ReleaseReceived | WorkKind::MessageToRelay => {
            "/candidates"
        }
        WorkKind::TransferWaiting => "/transfers",
        WorkKind::ReferralWaiting => "/referrals",
        WorkKind::PublicReport => "/staff/reports",
        WorkKind::QuietRequest => "/requests",
        WorkKind::NetworkPost => "/network-posts",
    };
    format!("{base}/{}", item.object_id)
}

fn kind_key(kind: WorkKind) -> String {
    format!("work-kind-{}", kind.as_str().replace('_', "-"))
}

fn item_view(page: &Page, queue: &WorkQueue, item: &WorkItem) -> WorkItemView {
    let label = match &item.reference {
        Some(reference) => reference.clone(),
        None => page.t(&format!("{}-item", kind_key(item.kind))),
    };
    WorkItemView {
        href: href(item),
        label,
        since: item.since.on_page(),
        unread: queue.is_unread(item),
    }
}

pub fn groups(page: &Page, queue: &WorkQueue) -> Vec<WorkGroup> {
    queue
        .buckets
        .iter()
        .map(|bucket| WorkGroup {
            kind: bucket.kind.as_str(),
            title: page.t(&kind_key(bucket.kind)),
            count: bucket.count,
            unread: bucket.unread,
            items: bucket
                .items
                .iter()
                .map(|item| item_view(page, queue, item))
                .collect(),
            more: bucket.count.saturating_sub(bucket.items.len() as u64),
        })
        .collect()
}

/// The home page's part: the kinds with work waiting, or `None` for roles
/// without a queue.
pub async fn home_queue(
    state: &AppState,
    page: &Page,
    member: &Member,
) -> WebResult<Option<Vec<WorkGroup>>> {
    if WorkKind::for_roles(&member.roles).is_empty() {
        return Ok(None);
    }
    let queue = work_queue::work_queue(&state.app, &member.actor(), ITEMS_PER_KIND).await?;
    let mut groups = groups(page, &queue);
    groups.retain(|group| group.count > 0);
    Ok(Some(groups))
}

pub async fn notifications(
    State(state): State<AppState>,
    page: Page,
    member: Member,
) -> WebResult<Response> {
    let queue = work_queue::work_queue(&state.app, &member.actor(), NOTIFICATIONS_PER_KIND).await?;
    let mut items: Vec<(&WorkItem, String)> = queue
        .buckets
        .iter()
        .flat_map(|bucket| bucket.items.iter())
        .map(|item| (item, page.t(&kind_key(item.kind))))
        .collect();
    items.sort_by_key(|(item, _)| std::cmp::Reverse(item.since));
    let items = items
        .into_iter()
        .map(|(item, kind)| (kind, item_view(&page, &queue, item)))
        .collect();
    Ok(render(&templates::Notifications {
        page: &page,
        unread: queue.unread(),
        has_queue: !queue.buckets.is_empty(),
        items,
    })?
    .into_response())
}

pub async fn mark_read(State(state): State<AppState>, member: Member) -> WebResult<Response> {
    work_queue::mark_read(&state.app, &member.actor()).await?;
    Ok(Redirect::to("/notifications").into_response())
}

pub async fn api_work_queue(
    State(state): State<AppState>,
    member: Member,
) -> WebResult<Json<Value>> {
    let queue = work_queue::work_queue(&state.app, &member.actor(), ITEMS_PER_KIND).await?;
    Ok(Json(json!({
        "total": queue.total(),
        "unread": queue.unread(),
        "kinds": queue.buckets.iter().map(|bucket| json!({
            "kind": bucket.kind.as_str(),
            "count": bucket.count,
            "unread": bucket.unread,
            "items": bucket.items.iter().map(|item| json!({
                "object_id": item.object_id,
                "reference": item.reference,
                "since": item.since.rfc3339(),
                "unread": queue.is_unread(item),
                "href": href(item),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })))
}
