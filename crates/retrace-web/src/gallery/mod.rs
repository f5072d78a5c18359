//! Trace the Face outside the routes: posters (the print page and the
//! PDF) and the page templates. Photo processing, the media directory and
//! the public page cache are `retrace-app`'s.

pub mod pdf;
pub mod poster;
pub mod views;
/// Writes the audit entry of a staff download of an entry's photo or
/// thumbnail: a face is personal data, so every read of it is on record
/// (the entry id only, never the person).
pub(crate) async fn audit_staff_photo(
    state: &crate::AppState,
    audit: &retrace_store::AuditContext,
    id: retrace_domain::GalleryEntryId,
) -> crate::error::WebResult<()> {
    state
        .store
        .append_audit(
            audit,
            &retrace_store::AuditEvent {
                action: retrace_domain::AuditAction::GalleryPhotoViewed,
                object_kind: retrace_domain::ObjectKind::GalleryEntry,
                object_id: id.to_string(),
            },
        )
        .await?;
    Ok(())
}
