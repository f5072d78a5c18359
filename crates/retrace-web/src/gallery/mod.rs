//! Trace the Face outside the routes: photo processing (decode under
//! limits, orient, crop, re-encode without metadata), the media directory,
//! the public page cache, posters and the bot traps of the report form.

pub mod cache;
pub mod media;
pub mod pdf;
pub mod photo;
pub mod poster;
pub mod views;

pub use media::MediaStore;
pub use photo::{PhotoError, ProcessedPhoto, demo_photo, demo_portrait, process_upload};

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
