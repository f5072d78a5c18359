//! Trace the Face, the staff side: publishing an enquirer's photo (with
//! consent; a minor needs a guardian's consent and a second approver),
//! approving, and taking entries down. Every change clears the public
//! page cache; a takedown deletes the photos at once.

use crate::photo::{MAX_PIXELS, MAX_UPLOAD_BYTES, PhotoError, process_upload};
use crate::{Actor, App, AppError, AppResult, Collect, random_token};
use rand::RngCore;
use retrace_domain::Problem;
use retrace_domain::{
    AuditAction, GalleryEntryId, GalleryReference, ObjectKind, Region, Relationship, ReportId,
    ReportStatus, RequestId, Text,
};
use retrace_store::{
    AuditContext, AuditEvent, FormStamp, GalleryEntry, InformationReport, MediaTokens,
    NewGalleryEntry, NewReport,
};

/// A publication: the request whose enquirer is shown, the relationships
/// they look for (codes), the region (a code, or empty) and the photo as
/// uploaded.
#[derive(Debug, Clone)]
pub struct Publication {
    pub request: RequestId,
    pub relationships: Vec<String>,
    pub region: String,
    pub photo: Vec<u8>,
}

fn new_reference() -> Option<GalleryReference> {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    GalleryReference::from_random_bytes(&bytes)
}

/// Publishes a request's enquirer. The photo is cleaned (pixels only,
/// no metadata) and stored before the entry; a refused entry takes its
/// files with it. Refusals by the store pass on as `AppError::Store`
/// (`PublicationRefused`, `Conflict` on `request` or `status`).
pub async fn publish(app: &App, actor: &Actor, input: Publication) -> AppResult<GalleryEntry> {
    actor.require_caseworker()?;
    // Every error of the form at once: relationships, region, photo.
    let mut errors = Collect::default();
    let mut relationships = Vec::new();
    for code in &input.relationships {
        let relationship = errors.take(Relationship::parse(code.trim()).map_err(AppError::from))?;
        if let Some(relationship) = relationship
            && !relationships.contains(&relationship)
        {
            relationships.push(relationship);
        }
    }
    if input.relationships.is_empty() {
        errors.push("relationship", Problem::Required);
    }
    let region = match input.region.trim() {
        "" => None,
        code => errors.take(Region::parse(code).map_err(AppError::from))?,
    };
    if input.photo.is_empty() {
        errors.push("photo", Problem::Required);
    }
    errors.finish()?;
    let photo = input.photo;
    let processed = tokio::task::spawn_blocking(move || process_upload(&photo))
        .await
        .map_err(|err| AppError::Internal(err.to_string()))?
        .map_err(photo_refused)?;
    let media = MediaTokens {
        photo: random_token(32),
        thumbnail: random_token(32),
    };
    let files = app.media();
    files
        .write(&media.photo, &processed.photo)
        .await
        .map_err(AppError::media)?;
    files
        .write(&media.thumbnail, &processed.thumbnail)
        .await
        .map_err(AppError::media)?;
    let reference =
        new_reference().ok_or_else(|| AppError::Internal("no random reference".to_owned()))?;
    let created = app
        .store()
        .create_gallery_entry(
            &actor.audit(app, "gallery publication"),
            &actor.scope(),
            &NewGalleryEntry {
                request: input.request,
                reference,
                relationships,
                region,
                media: media.clone(),
            },
        )
        .await;
    match created {
        Ok(entry) => {
            app.gallery_cache().clear();
            Ok(entry)
        }
        Err(error) => {
            // Nothing half-written: the files go with the refused entry.
            // Failing to delete them is left to the sweep at start-up.
            let _ = files.delete(&media.all()).await;
            Err(error.into())
        }
    }
}

/// A second, different staff member approves a minor's entry.
pub async fn approve_entry(
    app: &App,
    actor: &Actor,
    id: GalleryEntryId,
) -> AppResult<GalleryEntry> {
    actor.require_caseworker()?;
    let entry = app
        .store()
        .approve_gallery_entry(&actor.audit(app, "gallery approval"), &actor.scope(), id)
        .await?;
    app.gallery_cache().clear();
    Ok(entry)
}

/// Takes one of the organisation's entries down and deletes its files and
/// cached copies.
pub async fn take_down_entry(
    app: &App,
    actor: &Actor,
    id: GalleryEntryId,
) -> AppResult<GalleryEntry> {
    actor.require_caseworker()?;
    let gone = app
        .store()
        .take_down_gallery(&actor.audit(app, "gallery takedown"), &actor.scope(), id)
        .await?;
    app.gallery_cache().clear();
    app.media()
        .delete(&gone.media.all())
        .await
        .map_err(AppError::media)?;
    Ok(gone)
}

/// What a visitor sends about a published entry ("I have information").
#[derive(Debug, Clone, Default)]
pub struct ReportInput {
    pub message: String,
    pub contact: String,
    /// The language the visitor wrote in (a code of the interface).
    pub language: String,
}

/// Longest report message, in characters.
pub const REPORT_MESSAGE_MAX: usize = 4000;
/// Longest contact detail, in characters.
pub const REPORT_CONTACT_MAX: usize = 300;

/// Queues a visitor's report for the organisation that published the
/// entry, spending the form's single-use stamp in the same transaction.
/// Refusals: `Required { field: "message" }`, `Invalid` on `message` or
/// `contact`, `Store(Conflict { field: "stamp" })` when the stamp was
/// already used, `Store(NotFound)` when no published entry has the
/// reference.
pub async fn report_information(
    app: &App,
    reference: &GalleryReference,
    input: &ReportInput,
    stamp: &FormStamp,
) -> AppResult<ReportId> {
    // Every error of the form at once: the message and the contact.
    let mut errors = Collect::default();
    let message = if input.message.trim().is_empty() {
        errors.push("message", Problem::Required);
        None
    } else {
        errors.take(
            Text::parse("message", &input.message, REPORT_MESSAGE_MAX, true).map_err(Into::into),
        )?
    };
    let contact = errors
        .take(Text::optional("contact", &input.contact, REPORT_CONTACT_MAX).map_err(Into::into))?;
    errors.finish()?;
    let (Some(message), Some(contact)) = (message, contact) else {
        return Err(AppError::Internal(
            "report checked without errors".to_owned(),
        ));
    };
    let audit = AuditContext {
        at: app.clock().now(),
        actor: None,
        org: None,
        purpose: Some("gallery report".to_owned()),
    };
    let report = NewReport {
        message,
        contact,
        language: input.language.clone(),
    };
    let id = app
        .store()
        .create_report(&audit, reference, &report, stamp)
        .await?;
    Ok(id)
}

/// One of an entry's stored images.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Image {
    Photo,
    Thumbnail,
}

/// An entry's image for its organisation's staff. A face is personal data,
/// so every download is on record (the entry id only, never the person).
/// Another organisation's entry is `NotFound`.
pub async fn staff_image(
    app: &App,
    actor: &Actor,
    id: GalleryEntryId,
    image: Image,
) -> AppResult<Vec<u8>> {
    actor.require_reader()?;
    let entry = app
        .store()
        .gallery_entry(&actor.scope(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    let token = match image {
        Image::Photo => &entry.media.photo,
        Image::Thumbnail => &entry.media.thumbnail,
    };
    let bytes = app.media().read(token).await.ok_or(AppError::NotFound)?;
    let viewed = AuditEvent {
        action: AuditAction::GalleryPhotoViewed,
        object_kind: ObjectKind::GalleryEntry,
        object_id: id.to_string(),
    };
    app.store()
        .append_audit(&actor.audit(app, "gallery photo"), &viewed)
        .await?;
    Ok(bytes)
}

/// Moves a visitor's report along its queue (`status`: a code of
/// [`ReportStatus`]). Another organisation's report is `NotFound`.
pub async fn set_report_status(
    app: &App,
    actor: &Actor,
    id: ReportId,
    status: &str,
) -> AppResult<InformationReport> {
    actor.require_caseworker()?;
    let status = ReportStatus::parse(status)?;
    Ok(app
        .store()
        .set_report_status(
            &actor.audit(app, "report review"),
            &actor.scope(),
            id,
            status,
        )
        .await?)
}

/// A refused photo as a coded problem; a photo that could not be encoded
/// again is our failure, not the person's.
fn photo_refused(error: PhotoError) -> AppError {
    let problem = match error {
        PhotoError::TooLarge => Problem::FileTooLarge {
            max: (MAX_UPLOAD_BYTES / (1024 * 1024)) as u32,
        },
        PhotoError::Empty => Problem::Empty,
        PhotoError::UnsupportedFormat => Problem::PhotoFormat,
        PhotoError::TooManyPixels => Problem::PhotoTooManyPixels {
            max: (MAX_PIXELS / 1_000_000) as u32,
        },
        PhotoError::TooSmall => Problem::PhotoTooSmall {
            width: 120,
            height: 160,
        },
        PhotoError::Unreadable => Problem::PhotoUnreadable,
        PhotoError::Encoding => return AppError::Internal(error.to_string()),
    };
    AppError::invalid("photo", problem)
}
