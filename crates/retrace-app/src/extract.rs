//! Text extraction from uploaded documents. Each extractor is bounded
//! (output size, nesting) and never panics on hostile input: what it cannot
//! read yields `None`, and the document is stored without text.

use retrace_domain::library::DocumentFormat;

/// The readable text of a file, or `None` when it cannot be read.
pub fn text_of(format: DocumentFormat, bytes: &[u8]) -> Option<String> {
    let text = match format {
        DocumentFormat::Txt => std::str::from_utf8(bytes).ok().map(str::to_owned),
        DocumentFormat::Markdown => std::str::from_utf8(bytes).ok().map(markdown_text),
        DocumentFormat::Html => std::str::from_utf8(bytes).ok().map(html_text),
        DocumentFormat::Pdf | DocumentFormat::Docx | DocumentFormat::Odt => None,
    }?;
    let text = text.trim().to_owned();
    (!text.is_empty()).then_some(text)
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

    #[test]
    fn unreadable_files_have_no_text() {
        assert_eq!(text_of(DocumentFormat::Txt, b"\xff\xfe"), None);
        assert_eq!(text_of(DocumentFormat::Txt, b"   "), None);
        assert_eq!(text_of(DocumentFormat::Pdf, b"%PDF-1.4"), None);
        assert_eq!(text_of(DocumentFormat::Html, b"<p"), None);
    }
}
