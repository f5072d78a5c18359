//! Text extraction from uploaded documents. Each extractor is bounded
//! (output size, entry count, decompressed bytes) and never panics on
//! hostile input: what it cannot read yields `None`, and the document is
//! stored without text.
//!
//! PDF is read with `lopdf` (decompression bounded per stream and per
//! page); DOCX and ODT are ZIP containers of which only the one XML part
//! that holds the body text is read (`word/document.xml`, `content.xml`):
//! relationships, external references, macros and embedded objects are
//! never opened, so nothing is ever fetched. A parser panic is caught;
//! [`text_of_bounded`] also runs the extraction on a blocking thread with a
//! time limit and a cap on concurrent extractions, so a file that loops a
//! parser costs at most one thread and the upload still completes.

use retrace_domain::library::DocumentFormat;
use std::io::{Cursor, Read};
use std::sync::{Arc, LazyLock};
use std::time::Duration;
use tokio::sync::Semaphore;

/// Entries a DOCX or ODT container may list.
const MAX_ZIP_ENTRIES: usize = 10_000;
/// Uncompressed bytes read from the one XML part of a DOCX or ODT.
const MAX_XML_BYTES: u64 = 32 * 1024 * 1024;
/// Bytes any one PDF stream, and the content of any one page, may inflate to.
const MAX_PDF_STREAM_BYTES: usize = 16 * 1024 * 1024;
/// PDF pages read; the text of later pages is not indexed.
const MAX_PDF_PAGES: usize = 2_000;
/// Text gathered before extraction stops (the index keeps less).
const MAX_TEXT_BYTES: usize = 8 * 1024 * 1024;
/// How long an upload waits for its text.
const EXTRACTION_TIME: Duration = Duration::from_secs(20);
/// Extractions running at once: a file that loops a parser holds one.
static EXTRACTIONS: LazyLock<Arc<Semaphore>> = LazyLock::new(|| Arc::new(Semaphore::new(2)));

/// The readable text of a file, or `None` when it cannot be read. A panic
/// in a parser is caught and reads as `None`.
pub fn text_of(format: DocumentFormat, bytes: &[u8]) -> Option<String> {
    let text = guarded(|| match format {
        DocumentFormat::Txt => std::str::from_utf8(bytes).ok().map(str::to_owned),
        DocumentFormat::Markdown => std::str::from_utf8(bytes).ok().map(markdown_text),
        DocumentFormat::Html => std::str::from_utf8(bytes).ok().map(html_text),
        DocumentFormat::Pdf => pdf_text(bytes),
        DocumentFormat::Docx => xml_part(bytes, "word/document.xml").and_then(|x| docx_text(&x)),
        DocumentFormat::Odt => xml_part(bytes, "content.xml").and_then(|x| odt_text(&x)),
    })?;
    let text = text.trim().to_owned();
    (!text.is_empty()).then_some(text)
}

/// The result of an extractor, `None` if it panicked.
fn guarded(extract: impl FnOnce() -> Option<String> + std::panic::UnwindSafe) -> Option<String> {
    std::panic::catch_unwind(extract).ok().flatten()
}

/// [`text_of`] on a blocking thread, given at most [`EXTRACTION_TIME`]
/// (waiting for a free slot included): past it the file is stored without
/// text and the thread, if a parser loops, finishes on its own.
pub async fn text_of_bounded(format: DocumentFormat, bytes: Arc<Vec<u8>>) -> Option<String> {
    let work = async move {
        let permit = Arc::clone(&EXTRACTIONS).acquire_owned().await.ok()?;
        tokio::task::spawn_blocking(move || {
            let text = text_of(format, &bytes);
            drop(permit);
            text
        })
        .await
        .ok()?
    };
    tokio::time::timeout(EXTRACTION_TIME, work)
        .await
        .ok()
        .flatten()
}

/// The text of a PDF: every page in order, each page's decompressed
/// content bounded, stopping at [`MAX_TEXT_BYTES`].
fn pdf_text(bytes: &[u8]) -> Option<String> {
    let options = lopdf::LoadOptions {
        max_decompressed_size: Some(MAX_PDF_STREAM_BYTES),
        ..lopdf::LoadOptions::default()
    };
    let document = lopdf::Document::load_mem_with_options(bytes, options).ok()?;
    let mut out = String::new();
    for page in document.get_pages().into_keys().take(MAX_PDF_PAGES) {
        // A page that cannot be read is skipped; the others still count.
        if let Ok(text) = document.extract_text_with_limit(&[page], MAX_PDF_STREAM_BYTES) {
            out.push_str(&text);
            out.push('\n');
        }
        if out.len() > MAX_TEXT_BYTES {
            break;
        }
    }
    Some(out)
}

/// One XML part of a ZIP container, read up to [`MAX_XML_BYTES`]
/// whatever the entry claims: a part that inflates beyond it (a ZIP bomb)
/// yields `None`.
fn xml_part(bytes: &[u8], name: &str) -> Option<String> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    if archive.len() > MAX_ZIP_ENTRIES {
        return None;
    }
    let entry = archive.by_name(name).ok()?;
    if entry.size() > MAX_XML_BYTES {
        return None;
    }
    let mut xml = Vec::new();
    entry.take(MAX_XML_BYTES + 1).read_to_end(&mut xml).ok()?;
    if xml.len() as u64 > MAX_XML_BYTES {
        return None;
    }
    String::from_utf8(xml).ok()
}

/// The text of a WordprocessingML body: the content of `w:t` runs, a tab
/// for `w:tab`, a line per paragraph and break. Field codes, deleted text
/// and everything else are left out.
fn docx_text(xml: &str) -> Option<String> {
    xml_text(xml, |element| match element {
        "t" => Piece::Text,
        "tab" => Piece::Separator('\t'),
        "br" | "cr" | "p" => Piece::Separator('\n'),
        _ => Piece::Other,
    })
}

/// The text of an OpenDocument body: every text node under
/// `office:text`, a line per paragraph, heading and line break.
fn odt_text(xml: &str) -> Option<String> {
    xml_text(xml, |element| match element {
        "text" => Piece::Text,
        "p" | "h" | "line-break" => Piece::Separator('\n'),
        "tab" | "s" => Piece::Separator(' '),
        _ => Piece::Other,
    })
}

/// What an element (by local name) means for the text.
enum Piece {
    /// Its text nodes are the text (and so are its descendants').
    Text,
    /// It ends a run of text with this character.
    Separator(char),
    Other,
}

/// Walks an XML document without resolving anything but the predefined
/// and character references (no DTD, no external entity is ever read),
/// keeping the text inside elements that `kind` names as text.
fn xml_text(xml: &str, kind: impl Fn(&str) -> Piece) -> Option<String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = String::new();
    let mut inside_text = 0usize;
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) => match kind(e.local_name().into_inner()) {
                Piece::Text => inside_text += 1,
                Piece::Separator(_) | Piece::Other => {}
            },
            Event::End(e) => match kind(e.local_name().into_inner()) {
                Piece::Text => inside_text = inside_text.saturating_sub(1),
                Piece::Separator(c) => out.push(c),
                Piece::Other => {}
            },
            Event::Empty(e) => {
                if let Piece::Separator(c) = kind(e.local_name().into_inner()) {
                    out.push(c);
                }
            }
            Event::Text(t) if inside_text > 0 => out.push_str(&t.xml10_content()),
            Event::CData(t) if inside_text > 0 => out.push_str(&t.xml10_content()),
            Event::GeneralRef(r) if inside_text > 0 => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    out.push(c);
                } else {
                    match &*r {
                        "amp" => out.push('&'),
                        "lt" => out.push('<'),
                        "gt" => out.push('>'),
                        "quot" => out.push('"'),
                        "apos" => out.push('\''),
                        // Entities a DTD would define are never expanded.
                        _ => {}
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
        if out.len() > MAX_TEXT_BYTES {
            break;
        }
    }
    Some(out)
}

/// Markdown without its markup: headings, emphasis, quotes, list marks,
/// and links reduced to their text.
fn markdown_text(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    for line in source.lines() {
        let line = line.trim_start_matches(['#', '>', ' ', '\t']);
        let line = line
            .strip_prefix("- ")
            .or_else(|| line.strip_prefix("* "))
            .unwrap_or(line);
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '*' | '_' | '`' | '[' => {}
                ']' if chars.peek() == Some(&'(') => {
                    // Skip the link target.
                    for skipped in chars.by_ref() {
                        if skipped == ')' {
                            break;
                        }
                    }
                }
                ']' => {}
                other => out.push(other),
            }
        }
        out.push('\n');
    }
    out
}

/// The text of an HTML page: tags removed, `script` and `style` content
/// skipped, the common entities decoded.
fn html_text(source: &str) -> String {
    let mut out = String::with_capacity(source.len() / 2);
    let mut rest = source;
    while let Some(open) = rest.find('<') {
        out.push_str(rest.get(..open).unwrap_or(""));
        let after = rest.get(open..).unwrap_or("");
        let Some(close) = after.find('>') else {
            rest = "";
            break;
        };
        let tag = after.get(1..close).unwrap_or("").to_ascii_lowercase();
        rest = after.get(close + 1..).unwrap_or("");
        for skipped in ["script", "style"] {
            if tag == skipped || tag.starts_with(&format!("{skipped} ")) {
                let end = format!("</{skipped}");
                let lower = rest.to_ascii_lowercase();
                rest = match lower.find(&end) {
                    Some(at) => rest.get(at..).unwrap_or(""),
                    None => "",
                };
            }
        }
        out.push(' ');
    }
    out.push_str(rest);
    out.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    #[test]
    fn html_loses_tags_scripts_and_styles() {
        let text = text_of(
            DocumentFormat::Html,
            b"<html><style>p{}</style><p>Shelter &amp; care</p><script>alert(1)</script><b>open</b></html>",
        )
        .unwrap();
        assert_eq!(
            text.split_whitespace().collect::<Vec<_>>(),
            vec!["Shelter", "&", "care", "open"]
        );
    }

    #[test]
    fn markdown_loses_its_markup() {
        let text = text_of(
            DocumentFormat::Markdown,
            b"# Title\n\n- **bold** [link](http://x.example)\n",
        )
        .unwrap();
        assert_eq!(text, "Title\n\nbold link");
    }

    use crate::sample_files::{docx, odt, pdf, pdf_of, pdf_page, zip_of};

    fn words(text: &str) -> Vec<&str> {
        text.split_whitespace().collect()
    }

    #[test]
    fn docx_odt_and_pdf_give_their_text() {
        let paragraphs = ["Réunification familiale", "لمّ شمل الأسرة & <care>"];
        for (format, bytes) in [
            (DocumentFormat::Docx, docx(&paragraphs).unwrap()),
            (DocumentFormat::Odt, odt(&paragraphs).unwrap()),
        ] {
            let text = text_of(format, &bytes).unwrap();
            assert_eq!(
                words(&text),
                vec![
                    "Réunification",
                    "familiale",
                    "لمّ",
                    "شمل",
                    "الأسرة",
                    "&",
                    "<care>"
                ],
                "{format:?}"
            );
        }
        let text = text_of(
            DocumentFormat::Pdf,
            &pdf(&["Retour volontaire assisté", "(Guide) pour l'équipe"]),
        )
        .unwrap();
        assert_eq!(
            words(&text),
            vec![
                "Retour",
                "volontaire",
                "assisté",
                "(Guide)",
                "pour",
                "l'équipe"
            ]
        );
    }

    #[test]
    fn a_docx_reads_only_its_body_text_and_never_its_references() {
        // An external relationship, a field code naming a URL, a DTD with
        // an external entity: none is followed, expanded or indexed.
        let document = r#"<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY xxe SYSTEM "http://attacker.example/x">]><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="r"><w:body><w:p><w:r><w:instrText>INCLUDETEXT "http://attacker.example/x"</w:instrText></w:r><w:r><w:t>Safe &xxe; text&#233;</w:t></w:r><w:del><w:r><w:delText>gone</w:delText></w:r></w:del></w:p><w:p><w:hyperlink r:id="rId9"><w:r><w:t>link</w:t></w:r></w:hyperlink></w:p></w:body></w:document>"#;
        let bytes = zip_of(&[
            ("[Content_Types].xml", "<Types/>".to_owned()),
            (
                "word/_rels/document.xml.rels",
                r#"<Relationships><Relationship Id="rId9" Type="hyperlink" Target="http://attacker.example/y" TargetMode="External"/><Relationship Id="rId8" Type="attachedTemplate" Target="file:///etc/passwd" TargetMode="External"/></Relationships>"#.to_owned(),
            ),
            ("word/document.xml", document.to_owned()),
        ])
        .unwrap();
        let text = text_of(DocumentFormat::Docx, &bytes).unwrap();
        assert_eq!(words(&text), vec!["Safe", "texté", "link"]);
    }

    #[test]
    fn zip_bombs_and_crowded_archives_have_no_text() {
        // 40 MB of text in a part that deflates to a few dozen kilobytes.
        let filler = format!(
            "<w:document xmlns:w=\"w\"><w:body><w:p><w:r><w:t>{}</w:t></w:r></w:p></w:body></w:document>",
            "a".repeat(40 * 1024 * 1024)
        );
        let bomb = zip_of(&[
            ("[Content_Types].xml", String::new()),
            ("word/document.xml", filler),
        ])
        .unwrap();
        assert!(bomb.len() < 1024 * 1024, "{}", bomb.len());
        assert_eq!(text_of(DocumentFormat::Docx, &bomb), None);
        let mut parts: Vec<(String, String)> = (0..=MAX_ZIP_ENTRIES)
            .map(|i| (format!("p{i}"), String::new()))
            .collect();
        parts.push((
            "content.xml".to_owned(),
            "<office:text>x</office:text>".to_owned(),
        ));
        let named: Vec<(&str, String)> =
            parts.iter().map(|(n, c)| (n.as_str(), c.clone())).collect();
        assert_eq!(text_of(DocumentFormat::Odt, &zip_of(&named).unwrap()), None);
        // A container without the body part, and one that is not a ZIP.
        let empty = zip_of(&[("mimetype", String::new())]).unwrap();
        assert_eq!(text_of(DocumentFormat::Odt, &empty), None);
        assert_eq!(text_of(DocumentFormat::Docx, b"PK\x03\x04\0\0\0\0"), None);
    }

    #[test]
    fn hostile_pdfs_have_no_text_and_do_not_hang() {
        // A page content stream that inflates to 24 MB of text to show:
        // read whole, it would give text.
        let mut content = b"BT /F1 11 Tf ".to_vec();
        content.extend(b"(x) Tj ".repeat(24 * 1024 * 1024 / 7));
        content.extend(b"ET");
        let bomb = pdf_page(&content);
        assert!(bomb.len() < 1024 * 1024);
        let catalog = b"<< /Type /Catalog /Pages 2 0 R >>".to_vec();
        let page = b"<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>".to_vec();
        assert!(text_of(DocumentFormat::Pdf, &bomb).is_none());
        // A page tree that is its own child, and a stream whose length
        // runs past the end of the file.
        let cycle = pdf_of(&[
            catalog,
            b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>".to_vec(),
            page,
            b"<< /Length 99999999 >>\nstream\nBT (x) Tj ET".to_vec(),
        ]);
        assert_eq!(text_of(DocumentFormat::Pdf, &cycle), None);
        let mut truncated = pdf(&["Some text"]);
        truncated.truncate(truncated.len() / 2);
        let _ = text_of(DocumentFormat::Pdf, &truncated);
    }

    #[test]
    #[allow(clippy::panic, reason = "the panic is the test")]
    fn a_parser_panic_reads_as_no_text() {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let caught = guarded(|| panic!("parser bug"));
        std::panic::set_hook(previous);
        assert_eq!(caught, None);
    }

    #[tokio::test]
    async fn bounded_extraction_gives_the_same_text() {
        let bytes = std::sync::Arc::new(docx(&["Shelter"]).unwrap());
        assert_eq!(
            text_of_bounded(DocumentFormat::Docx, bytes)
                .await
                .as_deref(),
            Some("Shelter")
        );
    }

    #[test]
    fn unreadable_files_have_no_text() {
        assert_eq!(text_of(DocumentFormat::Txt, b"\xff\xfe"), None);
        assert_eq!(text_of(DocumentFormat::Txt, b"   "), None);
        assert_eq!(text_of(DocumentFormat::Pdf, b"%PDF-1.4"), None);
        assert_eq!(text_of(DocumentFormat::Html, b"<p"), None);
    }
}
