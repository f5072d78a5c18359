//! The directory of services, the country profiles and the document
//! library. Visibility is part of every read's `WHERE` clause; the
//! full-text index is written in the same transaction as its document and
//! holds only terms derived from the document's stored text and facets
//! derived from its columns, so `rebuild_library_index` can recreate it
//! from the main tables. A search is answered from the index alone
//! (visibility and filters are facets of the full-text query, the index
//! ranks, pages and counts); only the page's documents are read
//! (`docs/adr/0014-library-search-in-the-index.md`). The only SQL that
//! differs between databases is named in the [`Dialect`] (`FTS_INSERT`,
//! `FTS_MATCH`, `push_fts_rank`, `fts_query`).

use crate::{Conn, DbRow, Dialect, Sql, SqlStore, db_error, event};
use async_trait::async_trait;
use sqlx::migrate::Migrate;
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, QueryBuilder, Type};

use retrace_domain::directory::{WEEK_HOURS, WeekHours};
use retrace_domain::library::{index_terms, snippet};
use retrace_domain::{AuditAction, CountryCode, DirectoryEntryId, DocumentId, ObjectKind, UserId};
use retrace_store::backend::{text_pattern, to_json};
use retrace_store::directory::{
    DocumentRow, EntryRow, ProfileRow, entry_details_from_json, list_column, matches_as_prefix,
    meta_from_json, meta_json, query_words, search_words,
};
use retrace_store::{
    AuditContext, CountryProfile, DIRECTORY_COUNT_LIMIT, DirectoryEntry, DirectoryFilter,
    DirectoryStore, Document, EntryDetails, EntryEditor, LIBRARY_COUNT_LIMIT, LibraryFilter,
    LibraryHit, LibrarySort, NewDocument, OrgScope, ProfileContent, StoreError, StoreResult,
    Viewer,
};
use sqlx::{Pool, Row};
use std::collections::BTreeSet;

/// Words of a directory query beyond this many are ignored: each is one
/// more range of the word index to intersect.
const MAX_QUERY_WORDS: usize = 8;
/// How many of the words that begin with a query word are each walked in
/// the list's order (one arm of the search each); the words after them are
/// read and sorted (ADR 0034). The walks overlap (an entry may have several
/// of the words) and are merged by entry id (ADR 0038).
const WORD_ARMS: usize = 32;
const ENTRY_COLUMNS: &str =
    "e.id, e.org_id, e.details, e.version, e.verified_at, e.verified_by, e.created_at";
const PROFILE_COLUMNS: &str =
    "country, version, content, changed_sections, changed_at, changed_by, org_id";
const DOCUMENT_COLUMNS: &str = "d.id, d.org_id, d.meta, d.file_name, d.format, d.size, \
     d.body IS NOT NULL AS has_text, d.uploaded_at, d.uploaded_by";

/// The columns an entry is filtered on, derived from its details.
struct EntryKeys {
    details: String,
    name_key: String,
    city_key: String,
    services: String,
    languages: String,
    search_key: String,
    open_week: String,
}

fn entry_keys(details: &EntryDetails) -> StoreResult<EntryKeys> {
    Ok(EntryKeys {
        details: to_json("directory_entries", details)?,
        name_key: retrace_domain::library::fold(details.name.as_str()),
        city_key: details.city_key(),
        services: list_column(details.services.iter().map(|s| s.as_str().to_owned())),
        languages: list_column(details.languages.iter().map(|l| l.as_str().to_owned())),
        search_key: details.search_key(),
        open_week: WeekHours::of(&details.opening_hours, details.utc_offset)
            .as_str()
            .to_owned(),
    })
}

/// The columns of an entry that its word rows and hour rows carry: the
/// list's order and what visibility reads (migration 0039).
struct Place {
    country: String,
    city_key: String,
    name_key: String,
    visibility: String,
    /// Only for an entry visible to its own organisation: the one case
    /// visibility reads it.
    org_id: Option<String>,
}

impl Place {
    fn new(
        country: String,
        city_key: String,
        name_key: String,
        visibility: String,
        org: String,
    ) -> Self {
        let org_id = (visibility == "own_organisation").then_some(org);
        Place {
            country,
            city_key,
            name_key,
            visibility,
            org_id,
        }
    }

    fn of(org: &str, details: &EntryDetails, keys: &EntryKeys) -> Self {
        Place::new(
            details.country.as_str().to_owned(),
            keys.city_key.clone(),
            keys.name_key.clone(),
            details.visibility.as_str().to_owned(),
            org.to_owned(),
        )
    }
}

/// The hour marks of an entry open the whole week: it has no rows by hour,
/// an index of its own lists it (migration 0039). A literal in the SQL, as
/// a partial index is only used for a condition its own text implies.
fn always_open() -> String {
    "1".repeat(WEEK_HOURS)
}

/// One part of a search walked in the list's order (ADR 0034), each read by
/// queries of its own. The parts of a search are disjoint and their union is
/// the search's matches.
#[derive(Clone, Copy)]
enum Arm<'a> {
    /// The entries' own index in the list's order: no words, no hour.
    Entries,
    /// The entries having `word`, from its rows (in the list's order). An
    /// entry may also be in another word's arm: these arms are merged by
    /// entry id, not added up (ADR 0038).
    Word { word: &'a str },
    /// The entries having a word after `walked` and before `upper`, and
    /// none of the words from `first` to `walked` (the walked arms' words:
    /// every word of the index in that range is one, so one range probe
    /// per row excludes them): read and sorted, for a beginning of too
    /// many words to walk each.
    LongerWords {
        first: &'a str,
        walked: &'a str,
        upper: &'a str,
    },
    /// The entries open at `minute`, from the rows of its hour.
    Hour { hour: i64, minute: i64 },
    /// The entries open the whole week.
    AlwaysOpen,
    /// The entries not yet marked by hour (`open_week = ''`) open at
    /// `minute`, by the exact test.
    Unmarked { minute: i64 },
}

impl Arm<'_> {
    /// The table walked, with the alias of its place columns, and the
    /// expression of the entry's id.
    fn source(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Arm::Entries | Arm::AlwaysOpen | Arm::Unmarked { .. } => {
                ("directory_entries e", "e", "e.id")
            }
            Arm::Word { .. } | Arm::LongerWords { .. } => ("directory_words x", "x", "x.entry_id"),
            Arm::Hour { .. } => ("directory_open_hours x", "x", "x.entry_id"),
        }
    }

    /// Whether the arm tests "open now" itself.
    fn tests_hour(self) -> bool {
        matches!(
            self,
            Arm::Hour { .. } | Arm::AlwaysOpen | Arm::Unmarked { .. }
        )
    }
}

/// The hours an entry has rows for, with their marks: those it is open
/// in, none when it is open the whole week.
fn open_hours(open_week: &str) -> Vec<(i64, String)> {
    if open_week == always_open() {
        return Vec::new();
    }
    (1i64..)
        .zip(open_week.chars())
        .filter(|(_, mark)| matches!(mark, '1' | 'p'))
        .map(|(hour, mark)| (hour, mark.to_string()))
        .collect()
}

/// The range of the word index a query word matches (binary order on both
/// databases: see migration 0034): the words it begins, or only the equal
/// word for a word too short to match as a prefix (ADR 0035). Indexed
/// words are letters and digits, so nothing sorts between `word` and
/// `word` followed by U+0001 but `word` itself (U+0000 is not allowed in
/// PostgreSQL's text).
fn word_range(word: &str) -> (String, String) {
    let mut upper = word.to_owned();
    upper.push(if matches_as_prefix(word) {
        char::MAX
    } else {
        '\u{1}'
    });
    (word.to_owned(), upper)
}

/// The facet tokens of the library index: a one-letter prefix and letters
/// and digits only, in a column (SQLite) or weight (PostgreSQL) of their
/// own, so that no word of a query matches them.
mod facet {
    use retrace_domain::library::TextLanguage;
    use retrace_store::{DocumentMeta, Viewer};

    fn alnum(value: &str) -> String {
        value
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect()
    }

    fn visibility(value: &str) -> String {
        format!("v{}", alnum(value))
    }

    fn organisation(id: &str) -> String {
        format!("o{}", alnum(id))
    }

    pub(super) fn language(language: TextLanguage) -> String {
        format!("l{}", alnum(language.as_str()))
    }

    pub(super) fn document_type(value: &str) -> String {
        format!("t{}", alnum(value))
    }

    pub(super) fn country(code: &str) -> String {
        format!("c{}", alnum(code))
    }

    /// A theme is free text: its lower-cased bytes in hexadecimal.
    pub(super) fn theme(theme: &str) -> String {
        let mut token = String::from("h");
        for byte in theme.to_lowercase().bytes() {
            token.push_str(&format!("{byte:02x}"));
        }
        token
    }

    /// A document's facets, separated by spaces.
    pub(super) fn of_document(org: &str, meta: &DocumentMeta) -> String {
        let mut tokens = vec![
            visibility(meta.visibility.as_str()),
            organisation(org),
            language(meta.language),
            document_type(meta.document_type.as_str()),
        ];
        tokens.extend(meta.countries.iter().map(|c| country(c.as_str())));
        tokens.extend(meta.themes.iter().map(|t| theme(t)));
        tokens.join(" ")
    }

    /// What the viewer may see, as one facet group (any token may match):
    /// public documents, shared ones for any member, and the member's own
    /// organisation's (the same rule as `push_visible`).
    pub(super) fn visible_to(viewer: &Viewer) -> Vec<String> {
        match viewer {
            Viewer::Public => vec![visibility("public")],
            Viewer::Member(scope) => vec![
                visibility("public"),
                visibility("organisations"),
                organisation(&scope.org().to_string()),
            ],
        }
    }
}

/// How many of a search's matches are ranked by relevance: the newest
/// ones (see `page_of_matches`).
const RANKED_MATCHES: u64 = 1000;

/// How many index rows per match wanted a search reads first, newest
/// first (see `page_of_matches`): enough for a word found in one document
/// of thirty-two.
const NEWEST_WINDOW: u64 = 32;

/// The facet groups a search must match: visibility and the filters.
fn library_facets(viewer: &Viewer, filter: &LibraryFilter) -> Vec<Vec<String>> {
    let mut groups = vec![facet::visible_to(viewer)];
    if let Some(kind) = filter.document_type {
        groups.push(vec![facet::document_type(kind.as_str())]);
    }
    if let Some(language) = filter.language {
        groups.push(vec![facet::language(language)]);
    }
    if let Some(country) = filter.country {
        groups.push(vec![facet::country(country.as_str())]);
    }
    if let Some(theme) = &filter.theme {
        groups.push(vec![facet::theme(theme)]);
    }
    groups
}

/// The terms indexed for a document: its title, summary and text.
fn document_terms(meta: &retrace_store::DocumentMeta, body: Option<&str>) -> String {
    let mut text = meta.title.as_str().to_owned();
    if let Some(summary) = &meta.summary {
        text.push('\n');
        text.push_str(summary.as_str());
    }
    if let Some(body) = body {
        text.push('\n');
        text.push_str(body);
    }
    index_terms(meta.language, &text)
}

impl<D> Sql<D>
where
    D: Dialect,
    for<'c> &'c mut Conn<D>: Executor<'c, Database = D::Db>,
    Conn<D>: Migrate,
    <D::Db as Database>::Arguments: IntoArguments<D::Db>,
    for<'a> &'a str: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db> + ColumnIndex<DbRow<D>>,
    for<'a> String: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> i64: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> bool: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> Vec<u8>: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> Option<&'a str>: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> Option<String>: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> Option<i64>: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> Option<Vec<u8>>: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    usize: ColumnIndex<DbRow<D>>,
{
    fn directory_entry_of(row: &DbRow<D>) -> StoreResult<DirectoryEntry> {
        (|| {
            Ok::<_, sqlx::Error>(EntryRow {
                id: row.try_get("id")?,
                org_id: row.try_get("org_id")?,
                details: row.try_get("details")?,
                version: row.try_get("version")?,
                verified_at: row.try_get("verified_at")?,
                verified_by: row.try_get("verified_by")?,
                created_at: row.try_get("created_at")?,
            })
        })()
        .map_err(db_error)?
        .into_entry()
    }

    fn profile(row: &DbRow<D>) -> StoreResult<CountryProfile> {
        (|| {
            Ok::<_, sqlx::Error>(ProfileRow {
                country: row.try_get("country")?,
                version: row.try_get("version")?,
                content: row.try_get("content")?,
                changed_sections: row.try_get("changed_sections")?,
                changed_at: row.try_get("changed_at")?,
                changed_by: row.try_get("changed_by")?,
                org_id: row.try_get("org_id")?,
            })
        })()
        .map_err(db_error)?
        .into_profile()
    }

    fn document_of(row: &DbRow<D>) -> StoreResult<Document> {
        (|| {
            Ok::<_, sqlx::Error>(DocumentRow {
                id: row.try_get("id")?,
                org_id: row.try_get("org_id")?,
                meta: row.try_get("meta")?,
                file_name: row.try_get("file_name")?,
                format: row.try_get("format")?,
                size: row.try_get("size")?,
                has_text: row.try_get("has_text")?,
                uploaded_at: row.try_get("uploaded_at")?,
                uploaded_by: row.try_get("uploaded_by")?,
            })
        })()
        .map_err(db_error)?
        .into_document()
    }

    /// ` WHERE` plus what the viewer may see of table `alias`: public rows,
    /// shared rows for any member, and the member's own organisation's.
    fn push_visible(query: &mut QueryBuilder<D::Db>, alias: &str, viewer: &Viewer) {
        let org = viewer.org_param();
        query
            .push(format!(" WHERE ({alias}.visibility = 'public' OR ({alias}.visibility = 'organisations' AND "))
            .push_bind(org.clone())
            .push(format!(" <> '') OR {alias}.org_id = "))
            .push_bind(org)
            .push(")");
    }

    fn directory_query(
        prefix: &str,
        viewer: &Viewer,
        filter: &DirectoryFilter,
    ) -> QueryBuilder<D::Db> {
        let mut query = QueryBuilder::new(prefix);
        Self::push_arm(&mut query, Arm::Entries, viewer, filter, &[]);
        query
    }

    /// ` FROM` the arm's rows `WHERE` the viewer may see them and they pass
    /// the filters; `words` are the query's prefix ranges the arm does not
    /// walk itself. Place columns are read from the walked rows; the entry's
    /// row (`e`) is joined only when a filter needs one of its other columns.
    fn push_arm(
        query: &mut QueryBuilder<D::Db>,
        arm: Arm<'_>,
        viewer: &Viewer,
        filter: &DirectoryFilter,
        words: &[(String, String)],
    ) {
        let (source, place, id) = arm.source();
        let open_on_entry = filter.open_at.filter(|_| !arm.tests_hour());
        let needs_entry = filter.kind.is_some()
            || filter.service.is_some()
            || filter.language.is_some()
            || open_on_entry.is_some();
        query.push(format!(" FROM {source}"));
        if place == "x" && needs_entry {
            query.push(" JOIN directory_entries e ON e.id = x.entry_id");
        }
        Self::push_visible(query, place, viewer);
        match arm {
            Arm::Entries => {}
            Arm::Word { word } => {
                query.push(" AND x.word = ").push_bind(word.to_owned());
            }
            Arm::LongerWords {
                first,
                walked,
                upper,
            } => {
                query
                    .push(" AND x.word > ")
                    .push_bind(walked.to_owned())
                    .push(" AND x.word < ")
                    .push_bind(upper.to_owned())
                    .push(
                        " AND NOT EXISTS (SELECT 1 FROM directory_words y \
                         WHERE y.entry_id = x.entry_id AND y.word >= ",
                    )
                    .push_bind(first.to_owned())
                    .push(" AND y.word <= ")
                    .push_bind(walked.to_owned())
                    .push(")");
            }
            Arm::Hour { hour, minute } => {
                query
                    .push(" AND x.hour = ")
                    .push_bind(hour)
                    .push(" AND (x.mark = '1' OR ");
                Self::push_open_exactly(query, id, minute);
                query.push(")");
            }
            Arm::AlwaysOpen => {
                query.push(format!(" AND e.open_week = '{}'", always_open()));
            }
            Arm::Unmarked { minute } => {
                query.push(" AND e.open_week = '' AND ");
                Self::push_open_exactly(query, id, minute);
            }
        }
        if let Some(country) = filter.country {
            query
                .push(format!(" AND {place}.country = "))
                .push_bind(country.as_str().to_owned());
        }
        if let Some(city) = &filter.city {
            query
                .push(format!(" AND {place}.city_key = "))
                .push_bind(city.clone());
        }
        if let Some(kind) = filter.kind {
            query
                .push(" AND e.kind = ")
                .push_bind(kind.as_str().to_owned());
        }
        if let Some(service) = filter.service {
            query
                .push(" AND e.services LIKE ")
                .push_bind(format!("%,{},%", service.as_str()));
        }
        if let Some(language) = filter.language {
            query
                .push(" AND e.languages LIKE ")
                .push_bind(format!("%,{},%", language.as_str()));
        }
        if let Some(minute) = open_on_entry {
            // The hour's mark decides, but for an hour the entry is open
            // only part of (or an entry not yet marked): then its ranges.
            // (PostgreSQL's `substr` takes an `integer`, not a `bigint`.)
            let hour = WeekHours::position_of(minute);
            query
                .push(" AND (substr(e.open_week, CAST(")
                .push_bind(hour)
                .push(" AS INTEGER), 1) = '1' OR (substr(e.open_week, CAST(")
                .push_bind(hour)
                .push(" AS INTEGER), 1) IN ('p', '') AND ");
            Self::push_open_exactly(query, "e.id", minute);
            query.push("))");
        }
        for (word, upper) in words {
            query
                .push(format!(
                    " AND EXISTS (SELECT 1 FROM directory_words w WHERE w.entry_id = {id} \
                     AND w.word >= "
                ))
                .push_bind(word.clone())
                .push(" AND w.word < ")
                .push_bind(upper.clone())
                .push(")");
        }
    }

    /// The first words of the index that begin with `word` (within its
    /// range up to `upper`), in order, at most `limit`: each index seek
    /// finds the next, all in one recursive query (one round trip, where a
    /// query per word made 33 for a prefix of many words, ADR 0038).
    async fn words_beginning(
        pool: &Pool<D::Db>,
        (word, upper): &(String, String),
        limit: usize,
    ) -> StoreResult<Vec<String>> {
        // The limit is a number of ours, written into the SQL so that both
        // databases compare it with the counter's own type.
        let sql = format!(
            "WITH RECURSIVE found (word, n) AS ( \
               SELECT MIN(word), 1 FROM directory_words WHERE word >= $1 AND word < $2 \
               UNION ALL \
               SELECT (SELECT MIN(w.word) FROM directory_words w \
                       WHERE w.word > found.word AND w.word < $2), found.n + 1 \
               FROM found WHERE found.word IS NOT NULL AND found.n < {limit} \
             ) SELECT word FROM found WHERE word IS NOT NULL ORDER BY n"
        );
        sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .bind(word.clone())
            .bind(upper.clone())
            .fetch_all(pool)
            .await
            .map_err(db_error)
    }

    /// The entries a query of `ENTRY_COLUMNS` finds, in its order.
    async fn entries_of(
        mut query: QueryBuilder<D::Db>,
        conn: &mut Conn<D>,
    ) -> StoreResult<Vec<DirectoryEntry>> {
        let rows = query
            .build()
            .fetch_all(&mut *conn)
            .await
            .map_err(db_error)?;
        rows.iter().map(Self::directory_entry_of).collect()
    }

    /// `EXISTS` an opening range of entry `id` around `minute`.
    fn push_open_exactly(query: &mut QueryBuilder<D::Db>, id: &str, minute: i64) {
        query
            .push(format!(
                "EXISTS (SELECT 1 FROM directory_hours h WHERE h.entry_id = {id} AND h.opens <= "
            ))
            .push_bind(minute)
            .push(" AND h.closes > ")
            .push_bind(minute)
            .push(")");
    }

    /// The `SELECT` of an arm's matches: their ids (`counted`), or their
    /// place in the list's order.
    fn push_select(
        query: &mut QueryBuilder<D::Db>,
        arm: Arm<'_>,
        viewer: &Viewer,
        filter: &DirectoryFilter,
        words: &[(String, String)],
        counted: bool,
    ) {
        let (_, place, id) = arm.source();
        // An entry has a word once, but may have several later ones.
        let distinct = if matches!(arm, Arm::LongerWords { .. }) {
            "DISTINCT "
        } else {
            ""
        };
        if counted {
            query.push(format!("SELECT {distinct}{id} AS found"));
        } else {
            query.push(format!(
                "SELECT {distinct}{place}.country AS country, {place}.city_key AS city_key, \
                 {place}.name_key AS name_key, {id} AS entry_id"
            ));
        }
        Self::push_arm(query, arm, viewer, filter, words);
    }

    /// The query word whose prefix range holds the fewest rows, counted up
    /// to a limit: the search walks its rows and tests the others.
    async fn rarest_word(pool: &Pool<D::Db>, words: &[(String, String)]) -> StoreResult<usize> {
        if words.len() < 2 {
            return Ok(0);
        }
        let mut rarest = (0, i64::MAX);
        for (i, (word, upper)) in words.iter().enumerate() {
            let rows: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM (SELECT 1 AS found FROM directory_words \
                 WHERE word >= $1 AND word < $2 LIMIT 2000) counted",
            )
            .bind(word.clone())
            .bind(upper.clone())
            .fetch_one(pool)
            .await
            .map_err(db_error)?;
            if rows < rarest.1 {
                rarest = (i, rows);
            }
        }
        Ok(rarest.0)
    }

    async fn write_hours(
        conn: &mut Conn<D>,
        id: DirectoryEntryId,
        details: &EntryDetails,
    ) -> StoreResult<()> {
        sqlx::query("DELETE FROM directory_hours WHERE entry_id = $1")
            .bind(id.to_string())
            .execute(&mut *conn)
            .await
            .map_err(db_error)?;
        for (opens, closes) in details.opening_hours.utc_week_ranges(details.utc_offset) {
            sqlx::query(
                "INSERT INTO directory_hours (entry_id, opens, closes) VALUES ($1, $2, $3)",
            )
            .bind(id.to_string())
            .bind(opens)
            .bind(closes)
            .execute(&mut *conn)
            .await
            .map_err(db_error)?;
        }
        Ok(())
    }

    /// Replaces the entry's rows in the word index of free-text search.
    async fn write_words(
        conn: &mut Conn<D>,
        id: DirectoryEntryId,
        place: &Place,
        details: &EntryDetails,
    ) -> StoreResult<()> {
        sqlx::query("DELETE FROM directory_words WHERE entry_id = $1")
            .bind(id.to_string())
            .execute(&mut *conn)
            .await
            .map_err(db_error)?;
        Self::insert_words(conn, &id.to_string(), place, details.search_words()).await
    }

    async fn insert_words(
        conn: &mut Conn<D>,
        id: &str,
        place: &Place,
        words: BTreeSet<String>,
    ) -> StoreResult<()> {
        let words: Vec<String> = words.into_iter().collect();
        for chunk in words.chunks(200) {
            let mut insert = QueryBuilder::new(
                "INSERT INTO directory_words (word, country, city_key, name_key, entry_id, \
                 visibility, org_id) ",
            );
            insert.push_values(chunk, |mut row, word| {
                row.push_bind(word.clone());
                Self::push_place(&mut row, id, place);
            });
            insert.build().execute(&mut *conn).await.map_err(db_error)?;
        }
        Ok(())
    }

    /// Binds a row's place columns: country, city, name, entry, visibility,
    /// organisation.
    fn push_place(
        row: &mut sqlx::query_builder::Separated<'_, D::Db, &str>,
        id: &str,
        place: &Place,
    ) {
        row.push_bind(place.country.clone())
            .push_bind(place.city_key.clone())
            .push_bind(place.name_key.clone())
            .push_bind(id.to_owned())
            .push_bind(place.visibility.clone())
            .push_bind(place.org_id.clone());
    }

    /// Deletes the entry's rows by hour: those of its old place and marks
    /// (`country`, `city_key`, `name_key`, `open_week` as stored before).
    async fn delete_open_hours(conn: &mut Conn<D>, id: &str, old: &[String; 4]) -> StoreResult<()> {
        let [country, city_key, name_key, open_week] = old;
        let hours = open_hours(open_week);
        for chunk in hours.chunks(100) {
            let mut delete = QueryBuilder::new("DELETE FROM directory_open_hours WHERE country = ");
            delete
                .push_bind(country.clone())
                .push(" AND city_key = ")
                .push_bind(city_key.clone())
                .push(" AND name_key = ")
                .push_bind(name_key.clone())
                .push(" AND entry_id = ")
                .push_bind(id.to_owned())
                .push(" AND hour IN (");
            let mut list = delete.separated(", ");
            for (hour, _) in chunk {
                list.push_bind(*hour);
            }
            delete.push(")");
            delete.build().execute(&mut *conn).await.map_err(db_error)?;
        }
        Ok(())
    }

    /// Writes the entry's rows of the hours it is open in, from its hour
    /// marks (`open_week`).
    async fn insert_open_hours(
        conn: &mut Conn<D>,
        id: &str,
        place: &Place,
        open_week: &str,
    ) -> StoreResult<()> {
        let hours = open_hours(open_week);
        for chunk in hours.chunks(100) {
            let mut insert = QueryBuilder::new(
                "INSERT INTO directory_open_hours (hour, country, city_key, name_key, entry_id, \
                 visibility, org_id, mark) ",
            );
            insert.push_values(chunk, |mut row, (hour, mark)| {
                row.push_bind(*hour);
                Self::push_place(&mut row, id, place);
                row.push_bind(mark.clone());
            });
            insert.build().execute(&mut *conn).await.map_err(db_error)?;
        }
        Ok(())
    }

    /// Marks the open hours of the entries stored before migration 0037
    /// (an empty `open_week`), from their details, and writes their rows
    /// by hour.
    pub(crate) async fn fill_directory_open_week(pool: &Pool<D::Db>) -> StoreResult<()> {
        let mut tx = Self::begin(pool).await?;
        let rows = sqlx::query(
            "SELECT id, details, country, city_key, name_key, visibility, org_id \
             FROM directory_entries WHERE open_week = ''",
        )
        .fetch_all(&mut *tx)
        .await
        .map_err(db_error)?;
        if rows.is_empty() {
            return Ok(());
        }
        for row in rows {
            let (id, place) = Self::place_of(&row)?;
            let details: String = row.try_get("details").map_err(db_error)?;
            let details = entry_details_from_json(&details)?;
            let week = WeekHours::of(&details.opening_hours, details.utc_offset);
            sqlx::query("UPDATE directory_entries SET open_week = $2 WHERE id = $1")
                .bind(id.clone())
                .bind(week.as_str())
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
            // Unmarked, the entry has no rows by hour yet.
            Self::insert_open_hours(&mut tx, &id, &place, week.as_str()).await?;
        }
        tx.commit().await.map_err(db_error)
    }

    /// An entry's id and place columns, read from its row.
    fn place_of(row: &DbRow<D>) -> StoreResult<(String, Place)> {
        (|| {
            Ok::<_, sqlx::Error>((
                row.try_get("id")?,
                Place::new(
                    row.try_get("country")?,
                    row.try_get("city_key")?,
                    row.try_get("name_key")?,
                    row.try_get("visibility")?,
                    row.try_get("org_id")?,
                ),
            ))
        })()
        .map_err(db_error)
    }

    /// Fills the word index from the stored entries when it is empty while
    /// entries exist: what migration 0034 leaves behind.
    pub(crate) async fn fill_directory_words(pool: &Pool<D::Db>) -> StoreResult<()> {
        let missing: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM directory_entries) \
             AND NOT EXISTS (SELECT 1 FROM directory_words)",
        )
        .fetch_one(pool)
        .await
        .map_err(db_error)?;
        if !missing {
            return Ok(());
        }
        let mut tx = Self::begin(pool).await?;
        let rows = sqlx::query(
            "SELECT id, search_key, country, city_key, name_key, visibility, org_id \
             FROM directory_entries",
        )
        .fetch_all(&mut *tx)
        .await
        .map_err(db_error)?;
        for row in rows {
            let (id, place) = Self::place_of(&row)?;
            let key: String = row.try_get("search_key").map_err(db_error)?;
            Self::insert_words(&mut tx, &id, &place, search_words(&key)).await?;
        }
        tx.commit().await.map_err(db_error)
    }

    async fn load_directory_entry(
        conn: &mut Conn<D>,
        id: DirectoryEntryId,
    ) -> StoreResult<DirectoryEntry> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {ENTRY_COLUMNS} FROM directory_entries e WHERE e.id = $1"
        )))
        .bind(id.to_string())
        .fetch_one(&mut *conn)
        .await
        .map_err(db_error)?;
        Self::directory_entry_of(&row)
    }

    /// The documents the viewer may see that pass the filters, for a list
    /// without words (a search with words is answered by the index).
    fn library_query(prefix: &str, viewer: &Viewer, filter: &LibraryFilter) -> QueryBuilder<D::Db> {
        let mut query = QueryBuilder::new(prefix);
        query.push(" FROM documents d");
        Self::push_visible(&mut query, "d", viewer);
        if let Some(kind) = filter.document_type {
            query
                .push(" AND d.doc_type = ")
                .push_bind(kind.as_str().to_owned());
        }
        if let Some(language) = filter.language {
            query
                .push(" AND d.language = ")
                .push_bind(language.as_str().to_owned());
        }
        if let Some(country) = filter.country {
            query
                .push(" AND d.countries LIKE ")
                .push_bind(format!("%,{},%", country.as_str()));
        }
        if let Some(theme) = &filter.theme {
            query
                .push(" AND LOWER(d.themes) LIKE ")
                .push_bind(text_pattern(&format!(",{},", theme.to_lowercase())))
                .push(" ESCAPE '\\'");
        }
        query
    }

    /// How many index rows match the full-text query `fts`, counted up to
    /// `limit`, among the newest `window` rows of the index if given.
    async fn count_matches(
        conn: &mut Conn<D>,
        fts: &str,
        limit: u64,
        window: Option<u64>,
    ) -> StoreResult<u64> {
        let mut query = QueryBuilder::new(
            "SELECT COUNT(*) FROM (SELECT library_index.document_id FROM library_index WHERE ",
        );
        query
            .push(D::FTS_MATCH.0)
            .push_bind(fts.to_owned())
            .push(D::FTS_MATCH.1);
        Self::push_newest_window(&mut query, window);
        query
            .push(" LIMIT ")
            .push_bind(i64::try_from(limit).unwrap_or(i64::MAX))
            .push(") counted");
        let count: i64 = query
            .build_query_scalar()
            .fetch_one(&mut *conn)
            .await
            .map_err(db_error)?;
        Ok(u64::try_from(count).unwrap_or(0))
    }

    /// Limits a full-text condition to the newest `window` rows of the
    /// index, if given.
    fn push_newest_window(query: &mut QueryBuilder<D::Db>, window: Option<u64>) {
        if let Some(window) = window {
            let position = D::FTS_POSITION;
            query
                .push(format!(
                    " AND {position} > (SELECT {position} FROM library_index \
                     ORDER BY {position} DESC LIMIT 1) - "
                ))
                .push_bind(i64::try_from(window).unwrap_or(i64::MAX));
        }
    }

    /// One page of the matches of `fts` and their number, counted up to
    /// `counted`: the newest `RANKED_MATCHES` best first by the rank of the
    /// words-only query `words`, then the older ones newest first.
    ///
    /// A common word matches a share of all documents, and where the
    /// database reads all matches before keeping the newest `counted`
    /// (`Dialect::FTS_READS_NEWEST_FIRST`), that costs time in proportion
    /// to the library's size. There the newest `NEWEST_WINDOW` times
    /// `counted` rows are searched first: when they hold `counted` matches,
    /// those are the newest ones; otherwise the word is rare enough for the
    /// whole index.
    async fn page_of_matches(
        conn: &mut Conn<D>,
        (fts, words): (&str, &str),
        counted: u64,
        limit: u64,
        offset: u64,
    ) -> StoreResult<(Vec<String>, u64)> {
        if counted == 0 {
            return Ok((Vec::new(), 0));
        }
        let page = (counted, limit, offset);
        if !D::FTS_READS_NEWEST_FIRST {
            let window = counted.saturating_mul(NEWEST_WINDOW);
            let (ids, total) = Self::ranked_page(conn, (fts, words), page, Some(window)).await?;
            if total >= counted {
                return Ok((ids, total));
            }
        }
        Self::ranked_page(conn, (fts, words), page, None).await
    }

    /// `page_of_matches` in one statement, among the newest `window` rows
    /// of the index if given. Ranking every match of a common word would
    /// cost time in proportion to their number, so only the newest
    /// `counted` are read with what ranks them; counting in a statement of
    /// its own would read the matches twice.
    async fn ranked_page(
        conn: &mut Conn<D>,
        (fts, words): (&str, &str),
        (counted, limit, offset): (u64, u64, u64),
        window: Option<u64>,
    ) -> StoreResult<(Vec<String>, u64)> {
        let bind = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
        let mut query =
            QueryBuilder::new("SELECT t.document_id, t.total FROM (SELECT n.document_id, ");
        D::push_fts_rank(&mut query, "n.ranked", words.to_owned());
        query
            .push(
                " AS score, n.seq, ROW_NUMBER() OVER (ORDER BY n.seq DESC) AS age, \
                 COUNT(*) OVER () AS total FROM (SELECT library_index.document_id, ",
            )
            .push(format!(
                "{} AS ranked, {} AS seq",
                D::FTS_RANKED_BY,
                D::FTS_POSITION
            ))
            .push(" FROM library_index WHERE ")
            .push(D::FTS_MATCH.0)
            .push_bind(fts.to_owned())
            .push(D::FTS_MATCH.1);
        Self::push_newest_window(&mut query, window);
        query
            .push(format!(" ORDER BY {} DESC LIMIT ", D::FTS_POSITION))
            .push_bind(bind(counted))
            .push(format!(
                ") n) t ORDER BY CASE WHEN t.age <= {RANKED_MATCHES} THEN 0 ELSE 1 END, \
                 CASE WHEN t.age <= {RANKED_MATCHES} THEN t.score ELSE 0 END, t.seq DESC LIMIT "
            ))
            .push_bind(bind(limit))
            .push(" OFFSET ")
            .push_bind(bind(offset));
        let rows: Vec<(String, i64)> = query
            .build_query_as()
            .fetch_all(&mut *conn)
            .await
            .map_err(db_error)?;
        let total = match rows.first() {
            Some((_, total)) => u64::try_from(*total).unwrap_or(0),
            // A page past the last match: the number is still wanted.
            None => Self::count_matches(conn, fts, counted, window).await?,
        };
        Ok((rows.into_iter().map(|(id, _)| id).collect(), total))
    }

    /// One page of the matches of `fts`, newest first (the order they were
    /// indexed in, which is the order of upload).
    async fn newest_matches(
        conn: &mut Conn<D>,
        fts: &str,
        limit: u64,
        offset: u64,
    ) -> StoreResult<Vec<String>> {
        let bind = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
        let mut query =
            QueryBuilder::new("SELECT library_index.document_id FROM library_index WHERE ");
        query
            .push(D::FTS_MATCH.0)
            .push_bind(fts.to_owned())
            .push(D::FTS_MATCH.1)
            .push(format!(" ORDER BY {} DESC LIMIT ", D::FTS_POSITION))
            .push_bind(bind(limit))
            .push(" OFFSET ")
            .push_bind(bind(offset));
        query
            .build_query_scalar()
            .fetch_all(&mut *conn)
            .await
            .map_err(db_error)
    }

    /// The page of a search with words: documents in the query's language
    /// first, then the others, each part as `page_of_matches`. Returns the
    /// page's ids and the number of matches, counted up to `counted`.
    async fn search_by_relevance(
        conn: &mut Conn<D>,
        search: &retrace_domain::library::SearchQuery,
        facets: &[Vec<String>],
        (limit, offset, counted): (u64, u64, u64),
    ) -> StoreResult<(Vec<String>, u64)> {
        let language = facet::language(search.language);
        let mut in_language_facets = facets.to_vec();
        in_language_facets.push(vec![language.clone()]);
        let in_language = D::fts_query(&search.groups, &in_language_facets, None);
        let others = D::fts_query(&search.groups, facets, Some(&language));
        let words = D::fts_query(&search.groups, &[], None);
        let (mut ids, first) =
            Self::page_of_matches(conn, (&in_language, &words), counted, limit, offset).await?;
        if first >= counted {
            return Ok((ids, first));
        }
        // The other languages' matches follow the query language's.
        let missing = limit.saturating_sub(ids.len() as u64);
        let second = if missing == 0 {
            Self::count_matches(conn, &others, counted - first, None).await?
        } else {
            let from = (offset + ids.len() as u64).saturating_sub(first);
            let (others_page, second) =
                Self::page_of_matches(conn, (&others, &words), counted - first, missing, from)
                    .await?;
            ids.extend(others_page);
            second
        };
        Ok((ids, first + second))
    }

    async fn index_document(
        conn: &mut Conn<D>,
        id: &str,
        org: &str,
        meta: &retrace_store::DocumentMeta,
        body: Option<&str>,
    ) -> StoreResult<()> {
        sqlx::query(D::FTS_INSERT)
            .bind(id.to_owned())
            .bind(document_terms(meta, body))
            .bind(facet::of_document(org, meta))
            .execute(&mut *conn)
            .await
            .map_err(db_error)?;
        Ok(())
    }
}

#[async_trait]
impl<D> DirectoryStore for SqlStore<D>
where
    D: Dialect,
    for<'c> &'c mut Conn<D>: Executor<'c, Database = D::Db>,
    Conn<D>: Migrate,
    <D::Db as Database>::Arguments: IntoArguments<D::Db>,
    for<'a> &'a str: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db> + ColumnIndex<DbRow<D>>,
    for<'a> String: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> i64: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> bool: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> Vec<u8>: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> Option<&'a str>: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> Option<String>: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> Option<i64>: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> Option<Vec<u8>>: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    usize: ColumnIndex<DbRow<D>>,
{
    async fn create_directory_entry(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        details: &EntryDetails,
    ) -> StoreResult<DirectoryEntry> {
        let id = DirectoryEntryId::random();
        let keys = entry_keys(details)?;
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO directory_entries (id, org_id, details, name_key, kind, country, \
             city_key, services, languages, visibility, search_key, open_week, version, \
             verified_at, verified_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 1, $13, $14, $13)",
        )
        .bind(id.to_string())
        .bind(scope.org().to_string())
        .bind(&keys.details)
        .bind(&keys.name_key)
        .bind(details.kind.as_str())
        .bind(details.country.as_str())
        .bind(&keys.city_key)
        .bind(&keys.services)
        .bind(&keys.languages)
        .bind(details.visibility.as_str())
        .bind(&keys.search_key)
        .bind(&keys.open_week)
        .bind(audit.at.as_millis())
        .bind(audit.actor.map(|u: UserId| u.to_string()))
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        let place = Place::of(&scope.org().to_string(), details, &keys);
        Sql::<D>::write_hours(&mut tx, id, details).await?;
        Sql::<D>::write_words(&mut tx, id, &place, details).await?;
        Sql::<D>::insert_open_hours(&mut tx, &id.to_string(), &place, &keys.open_week).await?;
        Sql::<D>::append(
            &mut tx,
            audit,
            &event(
                AuditAction::DirectoryEntryCreated,
                ObjectKind::DirectoryEntry,
                id,
            ),
        )
        .await?;
        let entry = Sql::<D>::load_directory_entry(&mut tx, id).await?;
        tx.commit().await.map_err(db_error)?;
        Ok(entry)
    }

    async fn update_directory_entry(
        &self,
        audit: &AuditContext,
        editor: &EntryEditor,
        id: DirectoryEntryId,
        version: i64,
        details: &EntryDetails,
    ) -> StoreResult<DirectoryEntry> {
        let keys = entry_keys(details)?;
        let mut tx = self.begin_write().await?;
        let current = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT version, org_id, country, city_key, name_key, open_week FROM directory_entries \
             WHERE id = $1 AND (org_id = $2 OR \
             (country = $3 AND visibility <> 'own_organisation')){}",
            D::FOR_UPDATE
        )))
        .bind(id.to_string())
        .bind(editor.scope.org().to_string())
        .bind(
            editor
                .coordinator_of
                .map(|c| c.as_str().to_owned())
                .unwrap_or_default(),
        )
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_error)?;
        let Some(current) = current else {
            return Err(StoreError::NotFound);
        };
        let (current_version, org, old) = (|| {
            Ok::<_, sqlx::Error>((
                current.try_get::<i64, _>("version")?,
                current.try_get::<String, _>("org_id")?,
                [
                    current.try_get::<String, _>("country")?,
                    current.try_get("city_key")?,
                    current.try_get("name_key")?,
                    current.try_get("open_week")?,
                ],
            ))
        })()
        .map_err(db_error)?;
        if current_version != version {
            return Err(StoreError::Conflict { field: "version" });
        }
        sqlx::query(
            "UPDATE directory_entries SET details = $2, name_key = $3, kind = $4, country = $5, \
             city_key = $6, services = $7, languages = $8, visibility = $9, search_key = $10, \
             open_week = $11, version = version + 1, verified_at = $12, verified_by = $13 \
             WHERE id = $1",
        )
        .bind(id.to_string())
        .bind(&keys.details)
        .bind(&keys.name_key)
        .bind(details.kind.as_str())
        .bind(details.country.as_str())
        .bind(&keys.city_key)
        .bind(&keys.services)
        .bind(&keys.languages)
        .bind(details.visibility.as_str())
        .bind(&keys.search_key)
        .bind(&keys.open_week)
        .bind(audit.at.as_millis())
        .bind(audit.actor.map(|u: UserId| u.to_string()))
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        let place = Place::of(&org, details, &keys);
        Sql::<D>::write_hours(&mut tx, id, details).await?;
        Sql::<D>::write_words(&mut tx, id, &place, details).await?;
        Sql::<D>::delete_open_hours(&mut tx, &id.to_string(), &old).await?;
        Sql::<D>::insert_open_hours(&mut tx, &id.to_string(), &place, &keys.open_week).await?;
        Sql::<D>::append(
            &mut tx,
            audit,
            &event(
                AuditAction::DirectoryEntryUpdated,
                ObjectKind::DirectoryEntry,
                id,
            ),
        )
        .await?;
        let entry = Sql::<D>::load_directory_entry(&mut tx, id).await?;
        tx.commit().await.map_err(db_error)?;
        Ok(entry)
    }

    async fn directory_entry(
        &self,
        viewer: &Viewer,
        id: DirectoryEntryId,
    ) -> StoreResult<Option<DirectoryEntry>> {
        let mut query = QueryBuilder::new(format!("SELECT {ENTRY_COLUMNS}"));
        query.push(" FROM directory_entries e");
        Sql::<D>::push_visible(&mut query, "e", viewer);
        query.push(" AND e.id = ").push_bind(id.to_string());
        let row = query
            .build()
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)?;
        row.map(|row| Sql::<D>::directory_entry_of(&row))
            .transpose()
    }

    async fn search_directory(
        &self,
        viewer: &Viewer,
        filter: &DirectoryFilter,
    ) -> StoreResult<(Vec<DirectoryEntry>, u64)> {
        // Counted up to a limit past the page (`DIRECTORY_COUNT_LIMIT`).
        let counted = u64::from(filter.offset) + DIRECTORY_COUNT_LIMIT + 1;
        let counted = i64::try_from(counted).unwrap_or(i64::MAX);
        let mut words: Vec<(String, String)> = filter
            .text
            .as_deref()
            .map(query_words)
            .unwrap_or_default()
            .iter()
            .take(MAX_QUERY_WORDS)
            .map(|w| word_range(w))
            .collect();
        // What the search walks in the list's order (ADR 0034): the rows of
        // the query's rarest word, else those of the hour, else the entries.
        let driver = if words.is_empty() {
            None
        } else {
            Some(words.remove(Sql::<D>::rarest_word(&self.pool, &words).await?))
        };
        // The words that begin with the driving word, each walked in the
        // list's order; past `WORD_ARMS` of them, the rest are sorted.
        let beginning = match &driver {
            Some(range) => Sql::<D>::words_beginning(&self.pool, range, WORD_ARMS + 1).await?,
            None => Vec::new(),
        };
        let arms = match (&driver, filter.open_at) {
            (Some((word, upper)), _) => {
                let walked = beginning.get(..WORD_ARMS).unwrap_or(&beginning);
                let mut arms: Vec<Arm<'_>> = walked.iter().map(|word| Arm::Word { word }).collect();
                if beginning.len() > WORD_ARMS {
                    arms.push(Arm::LongerWords {
                        first: word,
                        walked: walked.last().map_or(word, |w| w.as_str()),
                        upper,
                    });
                }
                arms
            }
            // With a filter the hour's rows do not carry (kind, service,
            // language), the entries' index, which carries them all, is
            // walked instead: the hour's rows would read each entry's row.
            (None, Some(minute))
                if filter.kind.is_none()
                    && filter.service.is_none()
                    && filter.language.is_none() =>
            {
                vec![
                    Arm::Hour {
                        hour: WeekHours::position_of(minute),
                        minute,
                    },
                    Arm::AlwaysOpen,
                    Arm::Unmarked { minute },
                ]
            }
            (None, _) => vec![Arm::Entries],
        };
        if arms.is_empty() {
            // No word of the index begins with the driving word.
            return Ok((Vec::new(), 0));
        }
        let (limit, offset) = (i64::from(filter.limit), i64::from(filter.offset));
        if matches!(arms.as_slice(), [Arm::Entries]) {
            let mut count = QueryBuilder::new("SELECT COUNT(*) FROM (");
            Sql::<D>::push_select(&mut count, Arm::Entries, viewer, filter, &words, true);
            count.push(" LIMIT ").push_bind(counted).push(") counted");
            let total: i64 = count
                .build_query_scalar()
                .fetch_one(&self.pool)
                .await
                .map_err(db_error)?;
            let mut query =
                Sql::<D>::directory_query(&format!("SELECT {ENTRY_COLUMNS}"), viewer, filter);
            query
                .push(" ORDER BY e.country, e.city_key, e.name_key, e.id LIMIT ")
                .push_bind(limit)
                .push(" OFFSET ")
                .push_bind(offset);
            let mut conn = self.pool.acquire().await.map_err(db_error)?;
            let entries = Sql::<D>::entries_of(query, &mut conn).await?;
            return Ok((entries, u64::try_from(total).unwrap_or(0)));
        }
        // Each part is read by a query of its own, walked in the list's
        // order and stopped early: PostgreSQL 15 planned their `UNION ALL`
        // as one sort of every match (ADR 0034). The parts are disjoint, so
        // their counts add up; the page is the first of the parts' first
        // places, ordered by the database (its collation decides).
        let mut conn = self.pool.acquire().await.map_err(db_error)?;
        let mut candidates: Vec<String> = Vec::new();
        let end = limit.saturating_add(offset);
        // The words that begin the driving word overlap (the words of one
        // name: "المركز الصحي المجتمعي"), so their arms are not made
        // disjoint by excluding the entries of the arms before them, which
        // walked every row of a word whose entries all had an earlier one
        // (ADR 0038). Each is walked in the list's order up to `counted`
        // entries (to `end` once `counted` distinct entries are known) and
        // merged by id: when fewer than `counted` distinct entries were
        // found, every arm was read to its end and the count is exact.
        // The first `end` entries of each arm hold the page's.
        let mut merged: BTreeSet<String> = BTreeSet::new();
        for arm in arms.iter().filter(|a| matches!(a, Arm::Word { .. })) {
            let known = i64::try_from(merged.len()).unwrap_or(i64::MAX);
            let walk = if known < counted {
                counted.max(end)
            } else {
                end
            };
            let mut page = QueryBuilder::new("");
            Sql::<D>::push_select(&mut page, *arm, viewer, filter, &words, true);
            page.push(" ORDER BY x.country, x.city_key, x.name_key, x.entry_id LIMIT ")
                .push_bind(walk);
            let rows = page.build().fetch_all(&mut *conn).await.map_err(db_error)?;
            for (i, row) in rows.iter().enumerate() {
                let id: String = row.try_get("found").map_err(db_error)?;
                if i64::try_from(i).unwrap_or(i64::MAX) < end {
                    candidates.push(id.clone());
                }
                merged.insert(id);
            }
        }
        let mut total = i64::try_from(merged.len()).unwrap_or(i64::MAX).min(counted);
        for arm in arms.iter().filter(|a| !matches!(a, Arm::Word { .. })) {
            if total < counted {
                let mut count = QueryBuilder::new("SELECT COUNT(*) FROM (");
                Sql::<D>::push_select(&mut count, *arm, viewer, filter, &words, true);
                count
                    .push(" LIMIT ")
                    .push_bind(counted - total)
                    .push(") counted");
                let found: i64 = count
                    .build_query_scalar()
                    .fetch_one(&mut *conn)
                    .await
                    .map_err(db_error)?;
                total += found;
                if found == 0 {
                    continue;
                }
            }
            let mut page = QueryBuilder::new("");
            Sql::<D>::push_select(&mut page, *arm, viewer, filter, &words, false);
            page.push(" ORDER BY country, city_key, name_key, entry_id LIMIT ")
                .push_bind(end);
            let rows = page.build().fetch_all(&mut *conn).await.map_err(db_error)?;
            for row in &rows {
                candidates.push(row.try_get("entry_id").map_err(db_error)?);
            }
        }
        if candidates.is_empty() {
            return Ok((Vec::new(), u64::try_from(total).unwrap_or(0)));
        }
        let mut query = QueryBuilder::new(format!(
            "SELECT {ENTRY_COLUMNS} FROM directory_entries e WHERE e.id IN ("
        ));
        query
            .push(D::JSON_VALUES.0)
            .push_bind(to_json("directory_entries", &candidates)?)
            .push(D::JSON_VALUES.1)
            .push(") ORDER BY e.country, e.city_key, e.name_key, e.id LIMIT ")
            .push_bind(limit)
            .push(" OFFSET ")
            .push_bind(offset);
        let entries = Sql::<D>::entries_of(query, &mut conn).await?;
        Ok((entries, u64::try_from(total).unwrap_or(0)))
    }

    async fn revise_country_profile(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        country: CountryCode,
        expected: i64,
        content: &ProfileContent,
    ) -> StoreResult<CountryProfile> {
        let mut tx = self.begin_write().await?;
        let current = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {PROFILE_COLUMNS} FROM country_profile_versions WHERE country = $1 \
             ORDER BY version DESC LIMIT 1{}",
            D::FOR_UPDATE
        )))
        .bind(country.as_str())
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_error)?
        .map(|row| Sql::<D>::profile(&row))
        .transpose()?;
        let current_version = current.as_ref().map_or(0, |p| p.version);
        if current_version != expected {
            return Err(StoreError::Conflict { field: "version" });
        }
        let changed = content.changes_from(current.as_ref().map(|p| &p.content));
        sqlx::query(
            "INSERT INTO country_profile_versions (country, version, content, changed_sections, \
             changed_at, changed_by, org_id) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(country.as_str())
        .bind(current_version + 1)
        .bind(to_json("country_profile_versions", content)?)
        .bind(to_json("country_profile_versions", &changed)?)
        .bind(audit.at.as_millis())
        .bind(audit.actor.map(|u: UserId| u.to_string()))
        .bind(scope.org().to_string())
        .execute(&mut *tx)
        .await
        .map_err(|e| match db_error(e) {
            StoreError::Conflict { .. } => StoreError::Conflict { field: "version" },
            other => other,
        })?;
        Sql::<D>::append(
            &mut tx,
            audit,
            &event(
                AuditAction::CountryProfileRevised,
                ObjectKind::CountryProfile,
                country,
            ),
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        Ok(CountryProfile {
            country,
            version: current_version + 1,
            content: content.clone(),
            changed_sections: changed,
            changed_at: audit.at,
            changed_by: audit.actor,
            changed_by_org: Some(scope.org()),
        })
    }

    async fn country_profile(
        &self,
        country: CountryCode,
        version: Option<i64>,
    ) -> StoreResult<Option<CountryProfile>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {PROFILE_COLUMNS} FROM country_profile_versions WHERE country = $1 \
             AND ($2 = 0 OR version = $2) ORDER BY version DESC LIMIT 1"
        )))
        .bind(country.as_str())
        .bind(version.unwrap_or(0))
        .fetch_optional(&self.pool)
        .await
        .map_err(db_error)?;
        row.map(|row| Sql::<D>::profile(&row)).transpose()
    }

    async fn country_profile_history(
        &self,
        country: CountryCode,
    ) -> StoreResult<Vec<CountryProfile>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {PROFILE_COLUMNS} FROM country_profile_versions WHERE country = $1 \
             ORDER BY version DESC"
        )))
        .bind(country.as_str())
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        rows.iter().map(Sql::<D>::profile).collect()
    }

    async fn country_profiles(&self) -> StoreResult<Vec<CountryProfile>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {PROFILE_COLUMNS} FROM country_profile_versions v WHERE v.version = \
             (SELECT MAX(w.version) FROM country_profile_versions w WHERE w.country = v.country) \
             ORDER BY v.country"
        )))
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        rows.iter().map(Sql::<D>::profile).collect()
    }

    async fn upload_document(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        new: &NewDocument,
    ) -> StoreResult<Document> {
        let id = DocumentId::random();
        let meta = &new.meta;
        let size = i64::try_from(new.bytes.len()).unwrap_or(i64::MAX);
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO documents (id, org_id, meta, doc_type, language, countries, themes, \
             visibility, file_name, format, size, body, uploaded_at, uploaded_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        )
        .bind(id.to_string())
        .bind(scope.org().to_string())
        .bind(meta_json(meta)?)
        .bind(meta.document_type.as_str())
        .bind(meta.language.as_str())
        .bind(list_column(
            meta.countries.iter().map(|c| c.as_str().to_owned()),
        ))
        .bind(list_column(meta.themes.iter().cloned()))
        .bind(meta.visibility.as_str())
        .bind(new.file_name.as_str())
        .bind(new.format.as_str())
        .bind(size)
        .bind(new.text.as_deref())
        .bind(audit.at.as_millis())
        .bind(audit.actor.map(|u: UserId| u.to_string()))
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        sqlx::query("INSERT INTO document_files (document_id, bytes) VALUES ($1, $2)")
            .bind(id.to_string())
            .bind(new.bytes.clone())
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        Sql::<D>::index_document(
            &mut tx,
            &id.to_string(),
            &scope.org().to_string(),
            meta,
            new.text.as_deref(),
        )
        .await?;
        Sql::<D>::append(
            &mut tx,
            audit,
            &event(AuditAction::DocumentUploaded, ObjectKind::Document, id),
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        Ok(Document {
            id,
            org: scope.org(),
            meta: meta.clone(),
            file_name: new.file_name.clone(),
            format: new.format,
            size,
            has_text: new.text.is_some(),
            uploaded_at: audit.at,
            uploaded_by: audit.actor,
        })
    }

    async fn document(&self, viewer: &Viewer, id: DocumentId) -> StoreResult<Option<Document>> {
        let mut query = QueryBuilder::new(format!("SELECT {DOCUMENT_COLUMNS}"));
        query.push(" FROM documents d");
        Sql::<D>::push_visible(&mut query, "d", viewer);
        query.push(" AND d.id = ").push_bind(id.to_string());
        let row = query
            .build()
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)?;
        row.map(|row| Sql::<D>::document_of(&row)).transpose()
    }

    async fn document_file(
        &self,
        viewer: &Viewer,
        id: DocumentId,
    ) -> StoreResult<Option<(Document, Vec<u8>)>> {
        let mut query = QueryBuilder::new(format!("SELECT {DOCUMENT_COLUMNS}, f.bytes"));
        query.push(" FROM documents d JOIN document_files f ON f.document_id = d.id");
        Sql::<D>::push_visible(&mut query, "d", viewer);
        query.push(" AND d.id = ").push_bind(id.to_string());
        let row = query
            .build()
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)?;
        let Some(row) = row else {
            return Ok(None);
        };
        let bytes: Vec<u8> = row.try_get("bytes").map_err(db_error)?;
        Ok(Some((Sql::<D>::document_of(&row)?, bytes)))
    }

    async fn search_library(
        &self,
        viewer: &Viewer,
        filter: &LibraryFilter,
    ) -> StoreResult<(Vec<LibraryHit>, u64)> {
        let mut conn = self.pool.acquire().await.map_err(db_error)?;
        let searched = filter.query.as_ref().filter(|q| !q.is_empty());
        let facets = library_facets(viewer, filter);
        let limit = u64::from(filter.limit);
        let offset = u64::from(filter.offset);
        // Counted up to a limit past the page (`LIBRARY_COUNT_LIMIT`).
        let counted = offset + LIBRARY_COUNT_LIMIT + 1;
        let (ids, total) = match (filter.sort, searched) {
            (LibrarySort::Relevance, Some(search)) => {
                Sql::<D>::search_by_relevance(&mut conn, search, &facets, (limit, offset, counted))
                    .await?
            }
            (LibrarySort::Newest, Some(search)) => {
                let fts = D::fts_query(&search.groups, &facets, None);
                let total = Sql::<D>::count_matches(&mut conn, &fts, counted, None).await?;
                let ids = Sql::<D>::newest_matches(&mut conn, &fts, limit, offset).await?;
                (ids, total)
            }
            (_, None) => {
                let fts = D::fts_query(&[], &facets, None);
                let total = Sql::<D>::count_matches(&mut conn, &fts, counted, None).await?;
                let mut query = Sql::<D>::library_query("SELECT d.id", viewer, filter);
                query
                    .push(" ORDER BY d.uploaded_at DESC, d.id LIMIT ")
                    .push_bind(i64::from(filter.limit))
                    .push(" OFFSET ")
                    .push_bind(i64::from(filter.offset));
                let ids = query
                    .build_query_scalar()
                    .fetch_all(&mut *conn)
                    .await
                    .map_err(db_error)?;
                (ids, total)
            }
        };
        if ids.is_empty() {
            return Ok((Vec::new(), total));
        }
        // Only the page's documents are read, and only they get a snippet.
        let mut query = QueryBuilder::new(format!(
            "SELECT {DOCUMENT_COLUMNS}, d.body FROM documents d WHERE d.id IN ("
        ));
        let mut list = query.separated(", ");
        for id in &ids {
            list.push_bind(id.clone());
        }
        query.push(")");
        let rows = query
            .build()
            .fetch_all(&mut *conn)
            .await
            .map_err(db_error)?;
        let mut found = Vec::with_capacity(rows.len());
        for row in &rows {
            let document = Sql::<D>::document_of(row)?;
            let body: Option<String> = row.try_get("body").map_err(db_error)?;
            found.push((document, body));
        }
        let mut hits = Vec::with_capacity(found.len());
        for id in &ids {
            let Some(at) = found.iter().position(|(d, _)| d.id.to_string() == *id) else {
                continue;
            };
            let (document, body) = found.swap_remove(at);
            let text = body
                .or_else(|| {
                    document
                        .meta
                        .summary
                        .as_ref()
                        .map(|s| s.as_str().to_owned())
                })
                .unwrap_or_default();
            let no_words = retrace_domain::library::SearchQuery {
                groups: Vec::new(),
                language: document.meta.language,
                only_common_words: false,
            };
            let parts = snippet(
                &text,
                document.meta.language,
                searched.unwrap_or(&no_words),
                30,
            );
            hits.push(LibraryHit {
                document,
                snippet: parts,
            });
        }
        Ok((hits, total))
    }

    async fn rebuild_library_index(&self) -> StoreResult<u64> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM library_index")
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        let rows =
            sqlx::query("SELECT id, org_id, meta, body FROM documents ORDER BY uploaded_at, id")
                .fetch_all(&mut *tx)
                .await
                .map_err(db_error)?;
        let mut count = 0u64;
        for row in &rows {
            let id: String = row.try_get("id").map_err(db_error)?;
            let org: String = row.try_get("org_id").map_err(db_error)?;
            let meta: String = row.try_get("meta").map_err(db_error)?;
            let body: Option<String> = row.try_get("body").map_err(db_error)?;
            let meta = meta_from_json(&meta)?;
            Sql::<D>::index_document(&mut tx, &id, &org, &meta, body.as_deref()).await?;
            count += 1;
        }
        tx.commit().await.map_err(db_error)?;
        Ok(count)
    }
}
