//! Probing: a signed-in member who asks for the id of another
//! organisation's record gets exactly the "not found" of a missing id, and
//! the platform operator gets a security event (kind, who, when; never the
//! probed id or anything about the record). Hooked into error rendering, so
//! no handler has to remember it and the answer cannot change.

use crate::AppState;
use crate::identity::Identity;
use retrace_domain::{ObjectKind, RequestId};
use retrace_store::Membership;

/// The kind and id a path names, for the paths of records that belong to
/// an organisation.
fn probed_object(path: &str) -> Option<(ObjectKind, &str)> {
    let path = path.strip_prefix("/api/v1").unwrap_or(path);
    let mut segments = path.trim_start_matches('/').split('/');
    let first = segments.next()?;
    let (kind, id) = match first {
        "requests" => (ObjectKind::TracingRequest, segments.next()?),
        "persons" => (ObjectKind::Person, segments.next()?),
        "candidates" => (ObjectKind::Candidate, segments.next()?),
        "transfers" => (ObjectKind::Transfer, segments.next()?),
        "staff" => match segments.next()? {
            "gallery" => (ObjectKind::GalleryEntry, segments.next()?),
            "reports" => (ObjectKind::InformationReport, segments.next()?),
            _ => return None,
        },
        _ => return None,
    };
    // Every one of these ids is a UUID; anything else is no probe.
    id.parse::<RequestId>().ok()?;
    Some((kind, id))
}

/// Records a security event when a "not found" answered a member's request
/// for another organisation's record. Failures are logged and swallowed:
/// the answer to the user must not depend on them.
pub async fn note_not_found(state: &AppState, identity: &Identity, path: &str) {
    let Some(user) = identity.user() else {
        return;
    };
    let Membership::Member { org, .. } = &user.membership else {
        return;
    };
    let Some((kind, id)) = probed_object(path) else {
        return;
    };
    if let Err(error) = state
        .store
        .note_cross_org_probe(state.clock.now(), user.id, *org, kind, id)
        .await
    {
        tracing::warn!(%error, "could not record a security event");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_name_the_probed_kind() {
        let id = "5f0c3a52-9d1e-4c1b-8a5e-3d0f1b2c4d6e";
        assert_eq!(
            probed_object(&format!("/persons/{id}/edit")),
            Some((ObjectKind::Person, id))
        );
        assert_eq!(
            probed_object(&format!("/api/v1/requests/{id}")),
            Some((ObjectKind::TracingRequest, id))
        );
        assert_eq!(
            probed_object(&format!("/staff/gallery/{id}")),
            Some((ObjectKind::GalleryEntry, id))
        );
        assert_eq!(probed_object("/requests/new"), None);
        assert_eq!(probed_object(&format!("/org/users/{id}")), None);
    }
}
