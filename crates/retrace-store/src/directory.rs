//! What the store keeps for the directory of services, the country
//! profiles and the document library.
//!
//! Directory entries and documents belong to the organisation that
//! maintains them and carry a [`Visibility`]: public ones are read by
//! anyone ([`Viewer::Public`]), shared ones by every member of every
//! organisation, own-organisation ones by their organisation only; anything
//! else is "not found". Country profiles are shared knowledge of the whole
//! network: every member reads them, coordinators revise them, and every
//! revision is kept.

use crate::backend::{corrupt, from_json, parse_id, to_json};
use crate::{OrgScope, StoreResult};
use async_trait::async_trait;
use retrace_domain::directory::Eligibility;
use retrace_domain::directory::{
    EntryKind, LanguageCode, OpeningHours, Service, UtcOffset, Visibility,
};
use retrace_domain::library::{
    DocumentFormat, DocumentType, SearchQuery, SnippetPart, TextLanguage, fold,
};
use retrace_domain::{
    CountryCode, DirectoryEntryId, DocumentId, OrgId, PartialDate, Text, Timestamp, UserId,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

use crate::AuditContext;

/// Who reads: a visitor without an account, or a member of an organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Viewer {
    Public,
    Member(OrgScope),
}

impl Viewer {
    /// The organisation id bound in visibility conditions; empty for the
    /// public, which matches no organisation.
    pub fn org_param(&self) -> String {
        match self {
            Viewer::Public => String::new(),
            Viewer::Member(scope) => scope.org().to_string(),
        }
    }
}

/// What an organisation writes about one of its services.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryDetails {
    pub name: Text,
    pub kind: EntryKind,
    pub country: CountryCode,
    pub city: Text,
    pub services: Vec<Service>,
    pub languages: Vec<LanguageCode>,
    pub description: Option<Text>,
    pub address: Option<Text>,
    pub phone: Option<Text>,
    pub email: Option<Text>,
    pub website: Option<Text>,
    pub opening_hours: OpeningHours,
    pub utc_offset: UtcOffset,
    pub eligibility: Eligibility,
    pub visibility: Visibility,
}

impl EntryDetails {
    /// The folded text a free-text search looks in: name, city and
    /// description.
    pub fn search_key(&self) -> String {
        let mut key = fold(self.name.as_str());
        key.push('\n');
        key.push_str(&fold(self.city.as_str()));
        if let Some(description) = &self.description {
            key.push('\n');
            key.push_str(&fold(description.as_str()));
        }
        key
    }

    pub fn city_key(&self) -> String {
        fold(self.city.as_str())
    }

    /// The words a free-text search finds the entry by (see
    /// [`search_words`]).
    pub fn search_words(&self) -> BTreeSet<String> {
        search_words(&self.search_key())
    }
}

/// The Arabic article, alone or after a joined conjunction or preposition.
/// A word that starts with one is also indexed without it, so that "مأوى"
/// finds "المأوى". A bare "و" is not stripped: too many words begin with it.
const ARABIC_PREFIXES: [&str; 6] = ["وال", "بال", "فال", "كال", "لل", "ال"];

/// A word without its joined Arabic article or conjunction, when it has
/// one and at least two letters remain.
fn without_arabic_prefix(word: &str) -> Option<&str> {
    ARABIC_PREFIXES
        .iter()
        .find_map(|prefix| word.strip_prefix(prefix))
        .filter(|rest| rest.chars().count() >= 2)
}

fn words_of(folded: &str) -> impl Iterator<Item = &str> {
    folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// The distinct words of a folded text (runs of letters and digits), each
/// Arabic word also without its joined article or conjunction.
pub fn search_words(folded: &str) -> BTreeSet<String> {
    let mut words = BTreeSet::new();
    for word in words_of(folded) {
        if let Some(rest) = without_arabic_prefix(word) {
            words.insert(rest.to_owned());
        }
        words.insert(word.to_owned());
    }
    words
}

/// The words of a folded query, each a prefix that one of an entry's
/// [`search_words`] must begin with ([`query_word_matches`]); an Arabic
/// word is looked for without its article, which every indexed form has.
pub fn query_words(folded: &str) -> BTreeSet<String> {
    words_of(folded)
        .map(|word| without_arabic_prefix(word).unwrap_or(word).to_owned())
        .collect()
}

/// A query word of fewer characters than this matches only the equal word
/// of an entry, not every word it begins: one letter begins a large part
/// of all words, so as a prefix it finds nearly everything and is the
/// slowest search there is (ADR 0035).
pub const PREFIX_MIN_CHARS: usize = 2;

/// Whether query word `word` matches every word it begins (`true`), or
/// only the equal word (it is shorter than [`PREFIX_MIN_CHARS`]).
pub fn matches_as_prefix(word: &str) -> bool {
    word.chars().count() >= PREFIX_MIN_CHARS
}

/// Whether an entry's word `entry_word` (one of [`search_words`]) matches
/// query word `word` (one of [`query_words`]).
pub fn query_word_matches(word: &str, entry_word: &str) -> bool {
    if matches_as_prefix(word) {
        entry_word.starts_with(word)
    } else {
        entry_word == word
    }
}

/// A directory entry as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryEntry {
    pub id: DirectoryEntryId,
    pub org: OrgId,
    pub details: EntryDetails,
    pub version: i64,
    /// When the details were last confirmed, and by whom.
    pub verified_at: Timestamp,
    pub verified_by: Option<UserId>,
    pub created_at: Timestamp,
}

/// The stored columns of an entry.
#[derive(Debug, Clone)]
pub struct EntryRow {
    pub id: String,
    pub org_id: String,
    pub details: String,
    pub version: i64,
    pub verified_at: i64,
    pub verified_by: Option<String>,
    pub created_at: i64,
}

/// The details of an entry as stored in its `details` column.
pub fn entry_details_from_json(text: &str) -> StoreResult<EntryDetails> {
    from_json("directory_entries", "details", text)
}

impl EntryRow {
    pub fn into_entry(self) -> StoreResult<DirectoryEntry> {
        const T: &str = "directory_entries";
        Ok(DirectoryEntry {
            id: parse_id(T, "id", &self.id)?,
            org: parse_id(T, "org_id", &self.org_id)?,
            details: from_json(T, "details", &self.details)?,
            version: self.version,
            verified_at: Timestamp::from_millis(self.verified_at),
            verified_by: self
                .verified_by
                .as_deref()
                .map(|v| parse_id(T, "verified_by", v))
                .transpose()?,
            created_at: Timestamp::from_millis(self.created_at),
        })
    }
}

/// How far past a page's start the directory counts its matches: counting
/// every match of a broad filter (a service, "open now") would read the
/// whole directory. A count above `offset + DIRECTORY_COUNT_LIMIT` is
/// shown as "more than" that number: ten pages ahead are enough to say
/// "narrow the search", and counting further was most of the cost of a
/// broad search at 100,000 entries (ADR 0031).
pub const DIRECTORY_COUNT_LIMIT: u64 = 200;

/// How far past a page's start the library counts a search's matches, for
/// the same reason as `DIRECTORY_COUNT_LIMIT`. It is also at least the
/// number of matches ranked by relevance (the newest ones, see
/// `docs/adr/0014-library-search-in-the-index.md`).
pub const LIBRARY_COUNT_LIMIT: u64 = 1000;

/// The directory's filters; `None` is "any".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DirectoryFilter {
    pub country: Option<CountryCode>,
    /// Folded city name, matched exactly.
    pub city: Option<String>,
    pub kind: Option<EntryKind>,
    pub service: Option<Service>,
    pub language: Option<LanguageCode>,
    /// Minute of the UTC week the entry must be open at.
    pub open_at: Option<i64>,
    /// Folded text looked for in name, city and description: every word
    /// of it must begin a word there, a word of one character must equal
    /// one ([`query_words`], [`query_word_matches`]).
    pub text: Option<String>,
    pub limit: u32,
    pub offset: u32,
}

/// Who changes an entry: its organisation, and when the member is a
/// coordinator, the shared entries of the coordinator's country.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntryEditor {
    pub scope: OrgScope,
    pub coordinator_of: Option<CountryCode>,
}

/// What a country profile says; every section is optional text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileContent {
    pub legal_framework: Option<Text>,
    pub referral_mechanism: Option<Text>,
    pub focal_points: Option<Text>,
    pub family_links: Option<Text>,
    pub entry_and_return: Option<Text>,
    pub sources: Option<Text>,
    pub last_reviewed: Option<PartialDate>,
}

impl ProfileContent {
    /// The sections, by the names of `retrace_domain::directory::PROFILE_SECTIONS`.
    pub fn sections(&self) -> [(&'static str, Option<&Text>); 6] {
        [
            ("legal_framework", self.legal_framework.as_ref()),
            ("referral_mechanism", self.referral_mechanism.as_ref()),
            ("focal_points", self.focal_points.as_ref()),
            ("family_links", self.family_links.as_ref()),
            ("entry_and_return", self.entry_and_return.as_ref()),
            ("sources", self.sources.as_ref()),
        ]
    }

    /// The names of the sections (and `last_reviewed`) that differ from
    /// `before`.
    pub fn changes_from(&self, before: Option<&ProfileContent>) -> Vec<String> {
        let empty = ProfileContent::default();
        let before = before.unwrap_or(&empty);
        let mut changed: Vec<String> = self
            .sections()
            .iter()
            .zip(before.sections().iter())
            .filter(|(now, then)| now.1 != then.1)
            .map(|(now, _)| now.0.to_owned())
            .collect();
        if self.last_reviewed != before.last_reviewed {
            changed.push("last_reviewed".to_owned());
        }
        changed
    }
}

/// One version of a country profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountryProfile {
    pub country: CountryCode,
    pub version: i64,
    pub content: ProfileContent,
    pub changed_sections: Vec<String>,
    pub changed_at: Timestamp,
    pub changed_by: Option<UserId>,
    pub changed_by_org: Option<OrgId>,
}

/// The stored columns of a profile version.
#[derive(Debug, Clone)]
pub struct ProfileRow {
    pub country: String,
    pub version: i64,
    pub content: String,
    pub changed_sections: String,
    pub changed_at: i64,
    pub changed_by: Option<String>,
    pub org_id: Option<String>,
}

impl ProfileRow {
    pub fn into_profile(self) -> StoreResult<CountryProfile> {
        const T: &str = "country_profile_versions";
        Ok(CountryProfile {
            country: CountryCode::parse(&self.country).map_err(|e| corrupt(T, e.to_string()))?,
            version: self.version,
            content: from_json(T, "content", &self.content)?,
            changed_sections: from_json(T, "changed_sections", &self.changed_sections)?,
            changed_at: Timestamp::from_millis(self.changed_at),
            changed_by: self
                .changed_by
                .as_deref()
                .map(|v| parse_id(T, "changed_by", v))
                .transpose()?,
            changed_by_org: self
                .org_id
                .as_deref()
                .map(|v| parse_id(T, "org_id", v))
                .transpose()?,
        })
    }
}

/// A document to add to the library, with its file and extracted text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDocument {
    pub meta: DocumentMeta,
    pub file_name: String,
    pub format: DocumentFormat,
    pub bytes: Vec<u8>,
    /// The extracted text; `None` when it could not be read.
    pub text: Option<String>,
}

/// What is said about a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentMeta {
    pub title: Text,
    pub summary: Option<Text>,
    /// The language of its text, whose stemmer indexes it.
    pub language: TextLanguage,
    pub themes: Vec<String>,
    pub countries: Vec<CountryCode>,
    pub document_type: DocumentType,
    pub visibility: Visibility,
}

/// A document of the library, without its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub id: DocumentId,
    pub org: OrgId,
    pub meta: DocumentMeta,
    pub file_name: String,
    pub format: DocumentFormat,
    pub size: i64,
    /// Whether text was extracted and indexed.
    pub has_text: bool,
    pub uploaded_at: Timestamp,
    pub uploaded_by: Option<UserId>,
}

/// The stored columns of a document.
#[derive(Debug, Clone)]
pub struct DocumentRow {
    pub id: String,
    pub org_id: String,
    pub meta: String,
    pub file_name: String,
    pub format: String,
    pub size: i64,
    pub has_text: bool,
    pub uploaded_at: i64,
    pub uploaded_by: Option<String>,
}

impl DocumentRow {
    pub fn into_document(self) -> StoreResult<Document> {
        const T: &str = "documents";
        Ok(Document {
            id: parse_id(T, "id", &self.id)?,
            org: parse_id(T, "org_id", &self.org_id)?,
            meta: from_json(T, "meta", &self.meta)?,
            file_name: self.file_name,
            format: DocumentFormat::parse(&self.format).map_err(|e| corrupt(T, e.to_string()))?,
            size: self.size,
            has_text: self.has_text,
            uploaded_at: Timestamp::from_millis(self.uploaded_at),
            uploaded_by: self
                .uploaded_by
                .as_deref()
                .map(|v| parse_id(T, "uploaded_by", v))
                .transpose()?,
        })
    }
}

/// The columns a document's metadata is filtered on: `,BE,FR,` and
/// `,theme,other,` so that one value is found with `LIKE '%,BE,%'`.
pub fn list_column(values: impl Iterator<Item = String>) -> String {
    let mut column = String::from(",");
    for value in values {
        column.push_str(&value);
        column.push(',');
    }
    column
}

/// Decodes a document's metadata from its JSON column.
pub fn meta_from_json(text: &str) -> StoreResult<DocumentMeta> {
    from_json("documents", "meta", text)
}

/// Encodes a document's metadata for its JSON column.
pub fn meta_json(meta: &DocumentMeta) -> StoreResult<String> {
    to_json("documents", meta)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LibrarySort {
    #[default]
    Relevance,
    Newest,
}

/// The library's search: the query (none lists by date) and filters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LibraryFilter {
    pub query: Option<SearchQuery>,
    pub document_type: Option<DocumentType>,
    pub language: Option<TextLanguage>,
    pub country: Option<CountryCode>,
    pub theme: Option<String>,
    pub sort: LibrarySort,
    pub limit: u32,
    pub offset: u32,
}

/// One search result with its snippet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LibraryHit {
    pub document: Document,
    pub snippet: Vec<SnippetPart>,
}

/// The directory, the country profiles and the library.
#[async_trait]
pub trait DirectoryStore: Send + Sync {
    /// Adds an entry maintained by the scope's organisation, verified now
    /// by the acting member.
    async fn create_directory_entry(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        details: &EntryDetails,
    ) -> StoreResult<DirectoryEntry>;
    /// Replaces an entry's details if `version` is current (else
    /// `Conflict { field: "version" }`) and the editor may change it (else
    /// `NotFound`, like a missing entry). Marks it verified now.
    async fn update_directory_entry(
        &self,
        audit: &AuditContext,
        editor: &EntryEditor,
        id: DirectoryEntryId,
        version: i64,
        details: &EntryDetails,
    ) -> StoreResult<DirectoryEntry>;
    /// One entry the viewer may see.
    async fn directory_entry(
        &self,
        viewer: &Viewer,
        id: DirectoryEntryId,
    ) -> StoreResult<Option<DirectoryEntry>>;
    /// The entries the viewer may see that pass the filter, by country,
    /// city and name, with their number counted up to `filter.offset +
    /// DIRECTORY_COUNT_LIMIT + 1` (a larger number than `offset +
    /// DIRECTORY_COUNT_LIMIT` means "more than that").
    async fn search_directory(
        &self,
        viewer: &Viewer,
        filter: &DirectoryFilter,
    ) -> StoreResult<(Vec<DirectoryEntry>, u64)>;

    /// Writes the next version of a country's profile if `expected` is
    /// the current version (0 when there is none yet), else
    /// `Conflict { field: "version" }`.
    async fn revise_country_profile(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        country: CountryCode,
        expected: i64,
        content: &ProfileContent,
    ) -> StoreResult<CountryProfile>;
    /// The current version, or the given one.
    async fn country_profile(
        &self,
        country: CountryCode,
        version: Option<i64>,
    ) -> StoreResult<Option<CountryProfile>>;
    /// Every version of a country's profile, newest first.
    async fn country_profile_history(
        &self,
        country: CountryCode,
    ) -> StoreResult<Vec<CountryProfile>>;
    /// The current version of every profile, by country.
    async fn country_profiles(&self) -> StoreResult<Vec<CountryProfile>>;

    /// Stores a document, its file and its index terms in one transaction.
    async fn upload_document(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        new: &NewDocument,
    ) -> StoreResult<Document>;
    /// One document the viewer may see.
    async fn document(&self, viewer: &Viewer, id: DocumentId) -> StoreResult<Option<Document>>;
    /// The file of a document the viewer may see, as uploaded.
    async fn document_file(
        &self,
        viewer: &Viewer,
        id: DocumentId,
    ) -> StoreResult<Option<(Document, Vec<u8>)>>;
    /// The documents the viewer may see that match, with snippets, and
    /// their number counted up to `filter.offset + LIBRARY_COUNT_LIMIT + 1`
    /// (a larger number than `offset + LIBRARY_COUNT_LIMIT` means "more
    /// than that"). By relevance, documents in the query's language come
    /// first; within each part the newest `LIBRARY_COUNT_LIMIT` matches
    /// are ranked by relevance and older ones follow, newest first.
    async fn search_library(
        &self,
        viewer: &Viewer,
        filter: &LibraryFilter,
    ) -> StoreResult<(Vec<LibraryHit>, u64)>;
    /// Drops and rebuilds the full-text index from the documents' stored
    /// text; returns the number of documents indexed.
    async fn rebuild_library_index(&self) -> StoreResult<u64>;
}
