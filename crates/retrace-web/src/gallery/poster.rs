//! What a poster shows, for the print page and the PDF alike: the photo,
//! "looking for …" in each chosen language, the reference and a QR code to
//! the entry's public page, the responsible organisation and its public
//! contact. Nothing else.

use crate::AppState;
use crate::error::{WebError, WebResult};
use crate::i18n::Lang;
use retrace_app::org_contact::Responsible;
use retrace_store::GalleryEntry;

pub struct PosterBlock {
    pub lang: &'static str,
    pub dir: &'static str,
    pub title: String,
    pub looking_for: String,
    pub call: String,
}

pub struct Poster {
    pub reference: String,
    pub url: String,
    pub photo_url: String,
    pub blocks: Vec<PosterBlock>,
    /// The QR code as an SVG element, for the HTML page.
    pub qr_svg: String,
    /// The QR code as modules (true = dark), row by row, for the PDF.
    pub qr_modules: Vec<Vec<bool>>,
    /// The organisation responsible for the entry.
    pub organisation: String,
    /// Its public contact, one line each: phone, e-mail, address and hours.
    pub contact: Vec<String>,
}

/// The lines of a public contact: phone, e-mail, then each line of the
/// address and hours.
pub fn contact_lines(responsible: &Responsible) -> Vec<String> {
    let contact = &responsible.contact;
    let mut lines = Vec::new();
    lines.extend(contact.phone.as_ref().map(|p| p.as_str().to_owned()));
    lines.extend(contact.email.as_ref().map(|e| e.as_str().to_owned()));
    if let Some(details) = &contact.details {
        lines.extend(
            details
                .as_str()
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned),
        );
    }
    lines
}

impl Poster {
    pub fn of(
        state: &AppState,
        entry: &GalleryEntry,
        langs: &[Lang],
        responsible: &Responsible,
    ) -> WebResult<Self> {
        let url = format!(
            "{}/gallery/{}",
            state.config.public_url.trim_end_matches('/'),
            entry.reference
        );
        let code = qrcode::QrCode::with_error_correction_level(url.as_bytes(), qrcode::EcLevel::M)
            .map_err(WebError::internal)?;
        let width = code.width();
        let colors = code.to_colors();
        let qr_modules = colors
            .chunks(width)
            .map(|row| row.iter().map(|c| *c == qrcode::Color::Dark).collect())
            .collect();
        let svg = code
            .render::<qrcode::render::svg::Color>()
            .min_dimensions(220, 220)
            .build();
        let qr_svg = match svg.find("<svg") {
            Some(start) => svg[start..].replacen("<svg", "<svg role=\"img\" aria-label=\"QR\"", 1),
            None => svg,
        };
        let blocks = langs
            .iter()
            .map(|lang| PosterBlock {
                lang: lang.code(),
                dir: lang.dir(),
                title: lang.t("poster-title"),
                looking_for: super::views::looking_for(*lang, &entry.relationships),
                call: lang.t("poster-call"),
            })
            .collect();
        Ok(Self {
            reference: entry.reference.to_string(),
            url,
            photo_url: format!("/staff/gallery/{}/photo.jpg", entry.id),
            blocks,
            qr_svg,
            qr_modules,
            organisation: responsible.name.to_string(),
            contact: contact_lines(responsible),
        })
    }
}
