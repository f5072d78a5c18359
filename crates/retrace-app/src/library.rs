//! The document library: uploading a document (its format checked against
//! its content, its text extracted and indexed in the same transaction as
//! the file), searching, and reading a document or its file.
//!
//! A document whose text cannot be read is still stored, findable by its
//! title and summary, and says so (`has_text` is false).

use crate::{Actor, App, AppError, AppResult, Collect};
use data_encoding::BASE64;
use retrace_domain::Problem;
use retrace_domain::directory::{Visibility, maintains_directory};
use retrace_domain::library::{DocumentFormat, DocumentType, SearchQuery, TextLanguage};
use retrace_domain::{CountryCode, Text};
use retrace_store::{
    Document, DocumentMeta, LIBRARY_COUNT_LIMIT, LibraryFilter, LibraryHit, LibrarySort,
    NewDocument, Viewer,
};
use serde::Deserialize;

/// The largest file the library accepts.
pub const MAX_DOCUMENT_BYTES: usize = 20 * 1024 * 1024;
/// Results per page.
pub const PAGE_SIZE: u32 = 20;
/// Extracted text beyond this many bytes is not indexed.
const MAX_TEXT_BYTES: usize = 4 * 1024 * 1024;

/// What is said about a document, as typed in the form or sent as JSON.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentInput {
    pub title: String,
    #[serde(default)]
    pub summary: String,
    pub language: String,
    #[serde(default)]
    pub themes: Vec<String>,
    #[serde(default)]
    pub countries: Vec<String>,
    pub document_type: String,
    pub visibility: String,
    /// The file's name as uploaded (its extension names the format).
    pub file_name: String,
    /// The file, base64-encoded (JSON only; the form sends the file itself).
    #[serde(default)]
    pub content_base64: String,
}

impl DocumentInput {
    /// The document's description, or every error of it at once.
    pub(crate) fn meta(&self) -> AppResult<DocumentMeta> {
        let mut errors = Collect::default();
        let mut themes = Vec::new();
        for theme in self.themes.iter().flat_map(|t| t.split(',')) {
            let theme = theme.trim().to_lowercase();
            if theme.is_empty() {
                continue;
            }
            if theme.chars().count() > 40 || !theme.chars().all(|c| c.is_alphanumeric() || c == '-')
            {
                errors.push("themes", Problem::ThemeWord);
                break;
            }
            themes.push(theme);
        }
        themes.sort();
        themes.dedup();
        let countries = errors.take(
            self.countries
                .iter()
                .flat_map(|c| c.split([',', ' ']))
                .filter(|c| !c.trim().is_empty())
                .map(|c| {
                    CountryCode::parse(c).map_err(|e| AppError::invalid("countries", e.problem))
                })
                .collect::<AppResult<Vec<_>>>(),
        )?;
        let title = errors.note(Text::parse("title", &self.title, 300, false))?;
        let summary = if self.summary.trim().is_empty() {
            Some(None)
        } else {
            errors
                .note(Text::parse("summary", &self.summary, 4000, true))?
                .map(Some)
        };
        let language = errors.note(TextLanguage::parse(&self.language))?;
        let document_type = errors.note(DocumentType::parse(&self.document_type))?;
        let visibility = errors.note(Visibility::parse(&self.visibility))?;
        errors.done(|| {
            let mut countries = countries?;
            countries.sort();
            countries.dedup();
            Some(DocumentMeta {
                title: title?,
                summary: summary?,
                language: language?,
                themes,
                countries,
                document_type: document_type?,
                visibility: visibility?,
            })
        })
    }

    /// The file of a JSON upload.
    pub fn decoded_content(&self) -> AppResult<Vec<u8>> {
        if self.content_base64.len() > MAX_DOCUMENT_BYTES / 3 * 4 + 8 {
            return Err(too_large());
        }
        BASE64
            .decode(self.content_base64.trim().as_bytes())
            .map_err(|_| AppError::invalid("content_base64", Problem::Base64))
    }
}

fn too_large() -> AppError {
    AppError::invalid(
        "file",
        Problem::FileTooLarge {
            max: (MAX_DOCUMENT_BYTES / (1024 * 1024)) as u32,
        },
    )
}

/// Stores a document with its file; the text is extracted here and
/// indexed by the store in the same transaction.
pub async fn upload(
    app: &App,
    actor: &Actor,
    input: DocumentInput,
    bytes: Vec<u8>,
) -> AppResult<Document> {
    if !maintains_directory(actor.roles()) {
        return Err(AppError::Forbidden);
    }
    // The description and the file are checked together: every error at once.
    let mut errors = Collect::default();
    let meta = errors.take(input.meta())?;
    let file = errors.take(checked_file(&input.file_name, &bytes))?;
    let (meta, (file_name, format)) = errors.done(|| Some((meta?, file?)))?;
    // Extraction runs off the async threads, bounded in time; the bytes
    // are shared with it and taken back (copied only if it timed out).
    let shared = std::sync::Arc::new(bytes);
    let text = crate::extract::text_of_bounded(format, std::sync::Arc::clone(&shared)).await;
    let bytes = std::sync::Arc::try_unwrap(shared).unwrap_or_else(|still| still.as_ref().clone());
    let text = text.map(|mut text| {
        if text.len() > MAX_TEXT_BYTES {
            let mut cut = MAX_TEXT_BYTES;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            text.truncate(cut);
        }
        text
    });
    let new = NewDocument {
        meta,
        file_name,
        format,
        bytes,
        text,
    };
    Ok(app
        .store()
        .upload_document(&actor.audit(app, "document upload"), &actor.scope(), &new)
        .await?)
}

/// The file's clean name and format, if its content is of that format.
fn checked_file(name: &str, bytes: &[u8]) -> AppResult<(String, DocumentFormat)> {
    let file_name = clean_file_name(name)?;
    let format = DocumentFormat::from_file_name(&file_name)?;
    if bytes.is_empty() {
        return Err(AppError::invalid("file", Problem::Empty));
    }
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(too_large());
    }
    if !format.matches_content(bytes) {
        return Err(AppError::invalid(
            "file",
            Problem::ContentMismatch {
                format: format.as_str().to_uppercase(),
            },
        ));
    }
    Ok((file_name, format))
}

/// The last path component, without control characters, quotes or
/// slashes, at most 200 characters: safe in a download header.
fn clean_file_name(name: &str) -> AppResult<String> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | ';' | '\\' | '/'))
        .take(200)
        .collect();
    let cleaned = cleaned.trim().to_owned();
    if cleaned.is_empty() || cleaned.starts_with('.') {
        return Err(AppError::Required { field: "file" });
    }
    Ok(cleaned)
}

/// The library's search, as query parameters.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct LibraryQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub document_type: String,
    #[serde(default)]
    pub language: String,
    #[serde(default)]
    pub country: String,
    #[serde(default)]
    pub theme: String,
    #[serde(default)]
    pub sort: String,
    #[serde(default)]
    pub page: Option<u32>,
}

impl LibraryQuery {
    /// The filter; `preferred` is the reader's language, which the query
    /// is taken to be in unless its script says otherwise.
    pub fn filter(&self, preferred: TextLanguage) -> AppResult<LibraryFilter> {
        let some = |v: &str| (!v.trim().is_empty()).then(|| v.trim().to_owned());
        let page = self.page.unwrap_or(1).clamp(1, 10_000);
        // Every filter that cannot be read is named at once.
        let mut errors = Collect::default();
        let at = |field: &'static str| {
            move |error: retrace_domain::InvalidValue| AppError::invalid(field, error.problem)
        };
        let query = errors.note(if self.q.trim().is_empty() {
            Ok(None)
        } else {
            SearchQuery::parse(&self.q, preferred).map(Some)
        })?;
        let document_type = errors.take(
            some(&self.document_type)
                .map(|t| DocumentType::parse(&t))
                .transpose()
                .map_err(at("document_type")),
        )?;
        let language = errors.take(
            some(&self.language)
                .map(|l| TextLanguage::parse(&l))
                .transpose()
                .map_err(at("language")),
        )?;
        let country = errors.take(
            some(&self.country)
                .map(|c| CountryCode::parse(&c))
                .transpose()
                .map_err(at("country")),
        )?;
        let sort = errors.take(match self.sort.trim() {
            "" | "relevance" => Ok(LibrarySort::Relevance),
            "newest" => Ok(LibrarySort::Newest),
            _ => Err(AppError::invalid(
                "sort",
                Problem::OneOf {
                    choices: vec![
                        retrace_domain::Choice::Relevance,
                        retrace_domain::Choice::Newest,
                    ],
                },
            )),
        })?;
        let (query, document_type, language, country, sort) =
            errors.done(|| Some((query?, document_type?, language?, country?, sort?)))?;
        Ok(LibraryFilter {
            query,
            document_type,
            language,
            country,
            theme: some(&self.theme).map(|t| t.to_lowercase()),
            sort,
            limit: PAGE_SIZE,
            offset: (page - 1) * PAGE_SIZE,
        })
    }
}

/// What a search found, and whether the query had only common words.
pub struct LibraryResults {
    pub hits: Vec<LibraryHit>,
    /// The number of documents found, or, when `more` is set, the number
    /// counted: more than that were found (`LIBRARY_COUNT_LIMIT`).
    pub total: u64,
    pub more: bool,
    pub only_common_words: bool,
}

pub async fn search(
    app: &App,
    viewer: &Viewer,
    query: &LibraryQuery,
    preferred: TextLanguage,
) -> AppResult<LibraryResults> {
    let mut filter = query.filter(preferred)?;
    let only_common_words = filter.query.as_ref().is_some_and(|q| q.only_common_words);
    if filter.query.as_ref().is_some_and(SearchQuery::is_empty) {
        // Nothing to match: list by date with the other filters.
        filter.query = None;
    }
    let (hits, counted) = app.store().search_library(viewer, &filter).await?;
    let limit = u64::from(filter.offset) + LIBRARY_COUNT_LIMIT;
    Ok(LibraryResults {
        hits,
        total: counted.min(limit),
        more: counted > limit,
        only_common_words,
    })
}
