//! The poster as a PDF (see `docs/adr/0004-poster-pdf.md`).

use super::poster::Poster;

pub fn render(_poster: &Poster, _photo: &[u8]) -> Result<Vec<u8>, String> {
    Err("the PDF poster is not available yet".to_owned())
}
