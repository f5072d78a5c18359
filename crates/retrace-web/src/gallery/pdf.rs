//! The poster as a one-page A4 PDF (see
//! `docs/adr/0006-gallery-photos-and-posters.md`): the re-encoded JPEG
//! embedded as is (DCTDecode), the QR code as filled squares, and the text
//! written by the shared writer in `crate::pdf` as real, extractable text.

use super::poster::Poster;
use crate::pdf::{
    Align, Column, Fonts, Jpeg, MARGIN, Meta, PAGE_H, PAGE_W, Style, TextLayer, assemble, draw_text,
};
use std::fmt::Write;

pub fn render(poster: &Poster, photo: &[u8]) -> Result<Vec<u8>, String> {
    let fonts = Fonts::load()?;
    let mut layer = TextLayer::new(&fonts);
    let jpeg = Jpeg::read(photo).ok_or("the stored photo is not a JPEG")?;
    let mut content = String::new();
    // The photo, 200 pt wide, centred at the top.
    let shown_w = 200.0f32;
    let shown_h = shown_w * f32::from(jpeg.height) / f32::from(jpeg.width.max(1));
    let top = PAGE_H - MARGIN;
    let _ = writeln!(
        content,
        "q {shown_w:.2} 0 0 {shown_h:.2} {:.2} {:.2} cm /Photo Do Q",
        (PAGE_W - shown_w) / 2.0,
        top - shown_h
    );
    content.push_str("0 0 0 rg\n");
    let width = PAGE_W - 2.0 * MARGIN;
    let centred = |layer: &mut TextLayer<'_>,
                   out: &mut String,
                   text: &str,
                   size: f32,
                   bold: bool,
                   rtl: bool,
                   y: f32| {
        let style = Style { size, bold, rtl };
        let column = Column {
            left: MARGIN,
            width,
            align: Align::Centre,
        };
        draw_text(out, layer, 0, text, style, column, y)
    };
    let mut y = top - shown_h - 30.0;
    for block in &poster.blocks {
        let rtl = block.dir == "rtl";
        y = centred(&mut layer, &mut content, &block.title, 17.0, true, rtl, y)? + 2.0;
        y = centred(
            &mut layer,
            &mut content,
            &block.looking_for,
            14.0,
            true,
            rtl,
            y,
        )?;
        y = centred(&mut layer, &mut content, &block.call, 9.5, false, rtl, y)?;
        y -= 14.0;
    }
    // The QR code, 110 pt square with its quiet zone, above the reference.
    let size = poster.qr_modules.len().max(1) as f32;
    let qr_side = 110.0f32;
    let module = qr_side / (size + 8.0);
    let qr_x = (PAGE_W - qr_side) / 2.0;
    let qr_y = MARGIN + 50.0;
    for (row, modules) in poster.qr_modules.iter().enumerate() {
        for (col, dark) in modules.iter().enumerate() {
            if *dark {
                let _ = write!(
                    content,
                    "{:.3} {:.3} {module:.3} {module:.3} re ",
                    qr_x + (col as f32 + 4.0) * module,
                    qr_y + qr_side - (row as f32 + 5.0) * module
                );
            }
        }
    }
    content.push_str("f\n");
    // The responsible organisation and its public contact, left of the QR
    // code, from its top down.
    let contact = Column {
        left: MARGIN,
        width: qr_x - MARGIN - 14.0,
        align: Align::Start,
    };
    let mut contact_y = qr_y + qr_side - 14.0;
    let style = |bold: bool, line: &str| Style {
        size: if bold { 10.0 } else { 9.0 },
        bold,
        rtl: line.chars().any(|c| matches!(c as u32, 0x0590..=0x08FF)),
    };
    let organisation = style(true, &poster.organisation);
    contact_y = draw_text(
        &mut content,
        &mut layer,
        0,
        &poster.organisation,
        organisation,
        contact,
        contact_y,
    )?;
    for line in &poster.contact {
        contact_y = draw_text(
            &mut content,
            &mut layer,
            0,
            line,
            style(false, line),
            contact,
            contact_y,
        )?;
    }
    centred(
        &mut layer,
        &mut content,
        &poster.reference,
        20.0,
        true,
        false,
        MARGIN + 28.0,
    )?;
    centred(
        &mut layer,
        &mut content,
        &poster.url,
        8.0,
        false,
        false,
        MARGIN + 14.0,
    )?;
    let lang = poster.blocks.first().map(|b| b.lang).unwrap_or("en");
    let meta = Meta {
        title: &poster.reference,
        lang,
    };
    assemble(&[content], &layer, Some(&jpeg), &meta)
}
