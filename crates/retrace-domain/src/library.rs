//! The document library: what a document is (type, format, language),
//! how its text is analysed for full-text search, how a query is read and
//! how a snippet is cut.
//!
//! Key design decision: the language-aware analysis happens here, in
//! Rust, not in the database. Every word is folded (lower case, accents
//! and Arabic diacritics removed, Arabic letter variants unified, tatweel
//! dropped) and stemmed with the Snowball stemmer of the document's
//! language (English, French, Arabic, Spanish, Russian); the database only
//! indexes the resulting terms (SQLite FTS5, PostgreSQL `tsvector` with the
//! `simple` configuration). Both databases therefore find exactly the same
//! documents, SQLite gains stemming it does not have, and the index is a
//! pure function of the stored text: it can be dropped and rebuilt.

use crate::InvalidValue;
use crate::person::code_enum;
use rust_stemmers::{Algorithm, Stemmer};
use std::collections::BTreeSet;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

code_enum!(
    /// What a document is.
    DocumentType, "document_type" {
        Sop => "sop",
        Guideline => "guideline",
        Law => "law",
        Form => "form",
        Training => "training",
    }
);

code_enum!(
    /// The languages whose text is analysed with their own stemmer.
    TextLanguage, "language" {
        En => "en",
        Fr => "fr",
        Ar => "ar",
        Es => "es",
        Ru => "ru",
    }
);

code_enum!(
    /// The file formats the library accepts, named by extension.
    DocumentFormat, "file" {
        Pdf => "pdf",
        Docx => "docx",
        Odt => "odt",
        Txt => "txt",
        Html => "html",
        Markdown => "md",
    }
);

impl TextLanguage {
    fn algorithm(self) -> Algorithm {
        match self {
            TextLanguage::En => Algorithm::English,
            TextLanguage::Fr => Algorithm::French,
            TextLanguage::Ar => Algorithm::Arabic,
            TextLanguage::Es => Algorithm::Spanish,
            TextLanguage::Ru => Algorithm::Russian,
        }
    }

    /// Common words of the language that say nothing about a document.
    fn stop_words(self) -> &'static [&'static str] {
        match self {
            TextLanguage::En => &[
                "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "is", "it",
                "of", "on", "or", "that", "the", "this", "to", "was", "with", "not", "no",
            ],
            TextLanguage::Fr => &[
                "au", "aux", "avec", "ce", "ces", "dans", "de", "des", "du", "en", "et", "il",
                "la", "le", "les", "ou", "par", "pas", "pour", "qui", "que", "sur", "un", "une",
                "d", "l",
            ],
            TextLanguage::Ar => &[
                "في", "من", "علي", "الي", "عن", "او", "و", "ان", "هذا", "هذه", "التي", "الذي",
                "مع", "كل", "ما", "لا",
            ],
            TextLanguage::Es => &[
                "a", "al", "con", "de", "del", "el", "en", "es", "la", "las", "los", "o", "para",
                "por", "que", "se", "un", "una", "y", "no",
            ],
            TextLanguage::Ru => &[
                "в", "во", "и", "к", "на", "не", "о", "об", "по", "с", "со", "у", "что", "это",
                "как", "для", "из", "или",
            ],
        }
    }

    /// The language of a piece of text by its script, when the script
    /// tells it (Arabic, Cyrillic); `None` for Latin text.
    pub fn by_script(text: &str) -> Option<TextLanguage> {
        text.chars().find_map(|c| match c {
            '\u{0600}'..='\u{06FF}' | '\u{0750}'..='\u{077F}' => Some(TextLanguage::Ar),
            '\u{0400}'..='\u{04FF}' => Some(TextLanguage::Ru),
            _ => None,
        })
    }
}

/// Lower case, accents and Arabic diacritics removed, Arabic letter
/// variants unified (alef forms, alef maqsura, teh marbuta), tatweel
/// dropped.
pub fn fold(text: &str) -> String {
    text.nfkd()
        .filter(|c| !is_combining_mark(*c) && *c != '\u{0640}')
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            '\u{0671}' | '\u{0622}' | '\u{0623}' | '\u{0625}' => '\u{0627}',
            '\u{0649}' => '\u{064A}',
            '\u{0629}' => '\u{0647}',
            other => other,
        })
        .collect()
}

/// The words of a text with their byte ranges: runs of letters and digits.
fn words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut start = None;
    let mut out = Vec::new();
    for (i, c) in text.char_indices() {
        let part_of_word = c.is_alphanumeric() || is_combining_mark(c) || c == '\u{0640}';
        match (part_of_word, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s, text.get(s..i).unwrap_or("")));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, text.get(s..).unwrap_or("")));
    }
    out.into_iter()
}

/// The index term of one word in a language: folded, then stemmed; `None`
/// for a stop word.
fn term(stemmer: &Stemmer, language: TextLanguage, word: &str) -> Option<String> {
    let folded = fold(word);
    if folded.is_empty() || language.stop_words().contains(&folded.as_str()) {
        return None;
    }
    // The Arabic stemmer drops the article; stemming folded text keeps
    // both spellings of a word on one term.
    let stem = stemmer.stem(&folded).into_owned();
    Some(if stem.is_empty() { folded } else { stem })
}

/// The terms to index for a document's text, separated by spaces.
pub fn index_terms(language: TextLanguage, text: &str) -> String {
    let stemmer = Stemmer::create(language.algorithm());
    let mut out = String::with_capacity(text.len());
    for (_, word) in words(text) {
        if let Some(term) = term(&stemmer, language, word) {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&term);
        }
    }
    out
}

/// A search query as the store runs it: every group must match, any term
/// of a group may; `language` is the language whose documents come first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery {
    pub groups: Vec<Vec<String>>,
    pub language: TextLanguage,
    /// The words were all common words (or punctuation): nothing to match.
    pub only_common_words: bool,
}

impl SearchQuery {
    /// Reads what a person typed. Operators, quotes and punctuation are
    /// plain separators; each remaining word matches its stem in any of
    /// the five languages (so a French word finds "réfugiés" and
    /// "refugies" alike); stop words are dropped unless nothing else is
    /// left. `preferred` is the reader's language, used when the script
    /// does not tell.
    pub fn parse(text: &str, preferred: TextLanguage) -> Result<Self, InvalidValue> {
        if text.chars().count() > 200 {
            return Err(InvalidValue::new("q", crate::Problem::TooLong { max: 200 }));
        }
        let language = TextLanguage::by_script(text).unwrap_or(preferred);
        let stemmers: Vec<(TextLanguage, Stemmer)> = TextLanguage::ALL
            .iter()
            .map(|l| (*l, Stemmer::create(l.algorithm())))
            .collect();
        let mut groups: Vec<Vec<String>> = Vec::new();
        let mut saw_words = false;
        for (_, word) in words(text).take(12) {
            saw_words = true;
            let folded = fold(word);
            if TextLanguage::ALL
                .iter()
                .any(|l| l.stop_words().contains(&folded.as_str()))
            {
                continue;
            }
            let mut variants = BTreeSet::new();
            for (language, stemmer) in &stemmers {
                if let Some(term) = term(stemmer, *language, word) {
                    variants.insert(term);
                }
            }
            let group: Vec<String> = variants.into_iter().collect();
            if !group.is_empty() && !groups.contains(&group) {
                groups.push(group);
            }
        }
        Ok(Self {
            only_common_words: saw_words && groups.is_empty(),
            groups,
            language,
        })
    }

    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    fn all_terms(&self) -> BTreeSet<&str> {
        self.groups.iter().flatten().map(String::as_str).collect()
    }
}

/// A piece of a snippet, marked when it is a word the query matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnippetPart {
    pub text: String,
    pub hit: bool,
}

/// About `width` words of `text` around the first word the query
/// matches, the matching words marked; the start of the text when none
/// matches.
pub fn snippet(
    text: &str,
    language: TextLanguage,
    query: &SearchQuery,
    width: usize,
) -> Vec<SnippetPart> {
    let stemmer = Stemmer::create(language.algorithm());
    let terms = query.all_terms();
    let all: Vec<(usize, &str)> = words(text).collect();
    let is_hit =
        |word: &str| term(&stemmer, language, word).is_some_and(|t| terms.contains(t.as_str()));
    let first = all.iter().position(|(_, w)| is_hit(w)).unwrap_or(0);
    let from = first.saturating_sub(width / 3);
    let to = (from + width).min(all.len());
    let (Some((start, _)), Some((last_start, last_word))) =
        (all.get(from), all.get(to.saturating_sub(1)))
    else {
        return Vec::new();
    };
    let end = last_start + last_word.len();
    let mut parts = Vec::new();
    if from > 0 {
        parts.push(SnippetPart {
            text: "… ".to_owned(),
            hit: false,
        });
    }
    let mut cursor = *start;
    for (at, word) in all.get(from..to).unwrap_or(&[]) {
        if is_hit(word) {
            if *at > cursor {
                parts.push(SnippetPart {
                    text: text.get(cursor..*at).unwrap_or("").to_owned(),
                    hit: false,
                });
            }
            parts.push(SnippetPart {
                text: (*word).to_owned(),
                hit: true,
            });
            cursor = at + word.len();
        }
    }
    if end > cursor {
        parts.push(SnippetPart {
            text: text.get(cursor..end).unwrap_or("").to_owned(),
            hit: false,
        });
    }
    if to < all.len() {
        parts.push(SnippetPart {
            text: " …".to_owned(),
            hit: false,
        });
    }
    parts
}

impl DocumentFormat {
    /// The format named by a file name's extension.
    pub fn from_file_name(name: &str) -> Result<Self, InvalidValue> {
        let extension = name
            .rsplit_once('.')
            .map(|(_, ext)| ext.to_ascii_lowercase())
            .unwrap_or_default();
        match extension.as_str() {
            "pdf" => Ok(Self::Pdf),
            "docx" => Ok(Self::Docx),
            "odt" => Ok(Self::Odt),
            "txt" => Ok(Self::Txt),
            "html" | "htm" => Ok(Self::Html),
            "md" | "markdown" => Ok(Self::Markdown),
            _ => Err(InvalidValue::new("file", crate::Problem::FileFormat)),
        }
    }

    pub fn media_type(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Self::Odt => "application/vnd.oasis.opendocument.text",
            Self::Txt => "text/plain; charset=utf-8",
            Self::Html => "text/html; charset=utf-8",
            Self::Markdown => "text/markdown; charset=utf-8",
        }
    }

    /// Whether the bytes are what the extension says: the PDF header, a
    /// ZIP container for DOCX and ODT, UTF-8 text without NUL bytes for
    /// the text formats.
    pub fn matches_content(self, bytes: &[u8]) -> bool {
        match self {
            Self::Pdf => bytes.starts_with(b"%PDF-"),
            Self::Docx | Self::Odt => bytes.starts_with(b"PK\x03\x04"),
            Self::Txt | Self::Html | Self::Markdown => {
                !bytes.contains(&0) && std::str::from_utf8(bytes).is_ok()
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]
mod tests {
    use super::*;

    #[test]
    fn folding_removes_accents_and_arabic_diacritics() {
        assert_eq!(fold("Réfugiés À"), "refugies a");
        // With and without harakat, hamza forms and teh marbuta.
        assert_eq!(fold("الْحِمَايَة"), fold("الحمايه"));
        assert_eq!(fold("أسرة"), "اسره");
        assert_eq!(fold("إنسانـــية"), "انسانيه");
    }

    #[test]
    fn stems_join_the_forms_of_a_word() {
        assert_eq!(
            index_terms(TextLanguage::En, "Trafficking of the victims"),
            index_terms(TextLanguage::En, "trafficked victim")
        );
        assert_eq!(
            index_terms(TextLanguage::Fr, "les réfugiés"),
            index_terms(TextLanguage::Fr, "refugie")
        );
        assert_eq!(
            index_terms(TextLanguage::Ru, "беженцев"),
            index_terms(TextLanguage::Ru, "беженцы")
        );
        assert!(!index_terms(TextLanguage::Ar, "اللاجئين").is_empty());
    }

    #[test]
    fn queries_ignore_operators_and_common_words() {
        let query = SearchQuery::parse("\"shelter\" AND -(women) OR", TextLanguage::En).unwrap();
        assert_eq!(query.groups.len(), 2, "{query:?}");
        let only = SearchQuery::parse("the of and", TextLanguage::En).unwrap();
        assert!(only.is_empty() && only.only_common_words);
        let blank = SearchQuery::parse("  \" ", TextLanguage::En).unwrap();
        assert!(blank.is_empty() && !blank.only_common_words);
        assert_eq!(
            SearchQuery::parse("حماية", TextLanguage::En)
                .unwrap()
                .language,
            TextLanguage::Ar
        );
        assert!(SearchQuery::parse(&"x".repeat(201), TextLanguage::En).is_err());
    }

    #[test]
    fn a_query_meets_the_index_of_its_language() {
        for (language, text, query) in [
            (
                TextLanguage::Fr,
                "Protection des réfugiés mineurs",
                "refugie",
            ),
            (TextLanguage::Ar, "حماية الأطفال اللاجئين", "الاطفال"),
            (TextLanguage::Ar, "حِمَايَةُ الأَطْفَالِ", "حماية"),
            (
                TextLanguage::Es,
                "Protección de víctimas de trata",
                "victima",
            ),
        ] {
            let indexed: BTreeSet<String> = index_terms(language, text)
                .split(' ')
                .map(str::to_owned)
                .collect();
            let query = SearchQuery::parse(query, language).unwrap();
            assert!(
                query
                    .groups
                    .iter()
                    .all(|g| g.iter().any(|t| indexed.contains(t))),
                "{text} / {query:?} / {indexed:?}"
            );
        }
    }

    #[test]
    fn snippets_mark_the_matched_words() {
        let query = SearchQuery::parse("shelters", TextLanguage::En).unwrap();
        let parts = snippet(
            "Intro words. The shelter in Lyon takes women. More text follows here.",
            TextLanguage::En,
            &query,
            6,
        );
        let hits: Vec<&str> = parts
            .iter()
            .filter(|p| p.hit)
            .map(|p| p.text.as_str())
            .collect();
        assert_eq!(hits, vec!["shelter"]);
        let joined: String = parts.iter().map(|p| p.text.as_str()).collect();
        assert!(joined.starts_with("… words. The shelter"), "{joined}");
        assert!(joined.ends_with(" …"), "{joined}");
    }

    #[test]
    fn formats_are_checked_against_their_content() {
        assert_eq!(
            DocumentFormat::from_file_name("a.PDF").unwrap(),
            DocumentFormat::Pdf
        );
        assert!(DocumentFormat::from_file_name("a.exe").is_err());
        assert!(DocumentFormat::Pdf.matches_content(b"%PDF-1.7 ..."));
        assert!(!DocumentFormat::Pdf.matches_content(b"<html>"));
        assert!(!DocumentFormat::Txt.matches_content(b"MZ\0\0"));
        assert!(!DocumentFormat::Docx.matches_content(b"%PDF-1.4"));
    }
}
