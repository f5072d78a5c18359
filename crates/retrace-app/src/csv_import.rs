//! CSV and XLSX import of tracing requests and registrations (issue 18,
//! item 3). See `docs/adr/0016-csv-import.md`.
//!
//! A file is read into a table (headers and rows of text), each row is
//! mapped through the organisation's column mapping into the same
//! [`ImportedPerson`] a PFIF record becomes, and checked: the dry run
//! ([`ImportPlan`]) says row by row what would be created, what is a
//! duplicate (of an earlier row, of a row imported before, or, by the
//! matching engine, of a person the organisation already has) and what is
//! refused and why (the field and the column named). The commit stores the
//! rows to create in ONE transaction, and only when no row is refused: all
//! or nothing, as the PFIF import. A duplicate is not created unless the
//! importer names its line ([`ImportRequest::create_anyway`]: a box ticked
//! on the dry run's page, `--create-duplicates` on the command line); then
//! it is created all the same, with an `import_duplicate_created` audit
//! entry.
//!
//! Each row keeps a record id (`csv:{kind}:id:{value}` from the mapped
//! row-id column, or `csv:{kind}:sha256:{hash}` of its mapped values) in
//! the same table as PFIF record ids, so importing the same file again
//! creates nothing new.
//!
//! Cells are text, never evaluated: a CSV cell or an XLSX cell holding a
//! formula (`=…`) is refused, since its value is not what the person
//! meant to import; other cells that a spreadsheet would read as a
//! formula (`+…`, `-…`, `@…`: telephone numbers, dashes) are kept as text
//! and neutralised on export by [`crate::spreadsheet::safe_cell`].

use crate::input::{CircumstancesInput, NameEntry, PersonInput, today};
use crate::matching::MatchingService;
use crate::{Actor, App, AppError, AppResult, Collect};
use retrace_domain::{FieldError, Problem};
use retrace_domain::{OrgId, PersonId, RegistrationKind, Relationship, Timestamp};
use retrace_store::{
    AuditContext, ImportOutcome, ImportTarget, ImportedPerson, OrgScope, PfifSource, Store,
};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The largest file read through the web page, in bytes.
pub const MAX_UPLOAD_BYTES: usize = 64 * 1024 * 1024;
/// The largest file read at all (the command line), in bytes.
pub const MAX_FILE_BYTES: usize = 1024 * 1024 * 1024;
/// Rows read from one file.
pub const MAX_ROWS: usize = 2_000_000;
/// The largest uncompressed size of an XLSX file's parts.
const MAX_XLSX_UNPACKED: u64 = 1024 * 1024 * 1024;
/// Columns the first sheet of an XLSX file may span.
pub const MAX_XLSX_COLUMNS: u32 = 1_000;
/// Cells the rows of an XLSX file may hold, the empty ones between filled
/// ones counted (each row as wide as the sheet).
pub const MAX_XLSX_CELLS: usize = 20_000_000;
/// A matching-engine probability at or above which an imported person is
/// taken for one the organisation already has.
pub const DUPLICATE_MIN_PROBABILITY: f64 = 0.9;
/// Above this many new persons the matching index is rebuilt once rather
/// than updated person by person.
const REINDEX_ONE_BY_ONE: usize = 2000;

// ---------------------------------------------------------------- kinds and fields

/// What the rows of a file are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImportKind {
    Requests,
    Registrations,
}

impl ImportKind {
    pub const ALL: [ImportKind; 2] = [ImportKind::Requests, ImportKind::Registrations];

    pub fn code(self) -> &'static str {
        match self {
            ImportKind::Requests => "requests",
            ImportKind::Registrations => "registrations",
        }
    }

    pub fn parse(value: &str) -> AppResult<Self> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.code() == value.trim())
            .ok_or_else(|| {
                AppError::invalid(
                    "kind",
                    Problem::OneOf {
                        choices: vec![
                            retrace_domain::Choice::Requests,
                            retrace_domain::Choice::Registrations,
                        ],
                    },
                )
            })
    }

    /// The fields a column may be mapped to, in form order.
    pub fn fields(self) -> &'static [&'static str] {
        match self {
            ImportKind::Requests => &[
                "row_id",
                "enquirer_name",
                "enquirer_contact",
                "relationship",
                "sought_name",
                "sought_alternate_names",
                "sought_sex",
                "sought_birth_date",
                "sought_age",
                "sought_birth_place",
                "sought_nationalities",
                "sought_father_name",
                "sought_mother_name",
                "sought_last_known_place",
                "sought_marks",
                "context",
                "separation_date",
                "separation_place",
                "news_date",
                "news_place",
                "narrative",
            ],
            ImportKind::Registrations => &[
                "row_id",
                "registration_kind",
                "name",
                "alternate_names",
                "sex",
                "birth_date",
                "age",
                "birth_place",
                "nationalities",
                "father_name",
                "mother_name",
                "last_known_place",
                "marks",
                "contact",
            ],
        }
    }

    /// The fields a mapping must name.
    pub fn required(self) -> &'static [&'static str] {
        match self {
            ImportKind::Requests => &["enquirer_name", "sought_name"],
            ImportKind::Registrations => &["name"],
        }
    }
}

/// Which column (by its header) is which field.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ColumnMapping {
    /// Field code to column header.
    pub columns: BTreeMap<String, String>,
}

impl ColumnMapping {
    /// Checks the field codes and that the required ones are mapped.
    /// `Ok`, or every field that is not the kind's and every required
    /// field without a column, at once.
    pub fn check(&self, kind: ImportKind) -> AppResult<()> {
        let mut errors = Collect::default();
        for field in self.columns.keys() {
            if !kind.fields().contains(&field.as_str()) {
                errors.push(
                    format!("mapping.{field}"),
                    Problem::NotImportField {
                        kind: kind.code().to_owned(),
                    },
                );
            }
        }
        for field in kind.required() {
            if self.column(field).is_none() {
                errors.push(format!("mapping.{field}"), Problem::ColumnRequired);
            }
        }
        errors.finish()
    }

    fn column(&self, field: &str) -> Option<&str> {
        self.columns
            .get(field)
            .map(|c| c.trim())
            .filter(|c| !c.is_empty())
    }

    /// The mapping that takes every header equal to a field code (case
    /// and spaces aside) as that field: what a file written for retrace
    /// needs no saved mapping for.
    pub fn by_header_names(kind: ImportKind, headers: &[String]) -> Self {
        let mut columns = BTreeMap::new();
        for header in headers {
            let code = header.trim().to_lowercase().replace([' ', '-'], "_");
            if kind.fields().contains(&code.as_str()) {
                columns.insert(code, header.trim().to_owned());
            }
        }
        Self { columns }
    }

    pub fn from_json(text: &str) -> AppResult<Self> {
        serde_json::from_str(text).map_err(|err| {
            AppError::invalid(
                "mapping",
                Problem::Unreadable {
                    detail: crate::input::unparsed(&err),
                },
            )
        })
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

// ---------------------------------------------------------------- reading files

/// How to read the bytes of a CSV file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum TextEncoding {
    /// UTF-8, or UTF-16 with a byte-order mark; anything else is refused
    /// with a message saying so.
    #[default]
    Detect,
    /// Windows-1252 (what spreadsheet programs in western Europe save as
    /// "CSV").
    Windows1252,
}

impl TextEncoding {
    pub fn parse(value: &str) -> AppResult<Self> {
        match value.trim().to_lowercase().as_str() {
            "" | "auto" | "utf-8" | "utf8" => Ok(TextEncoding::Detect),
            "windows-1252" | "cp1252" | "latin1" | "iso-8859-1" => Ok(TextEncoding::Windows1252),
            _ => Err(AppError::invalid("encoding", Problem::TextEncoding)),
        }
    }
}

/// A file read: its headers and rows, each row with its line (CSV: the
/// line it starts on; XLSX: the sheet's row number).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<(u64, Vec<String>)>,
    /// Cells that held a formula, as (line, column index): refused.
    pub formulas: Vec<(u64, usize)>,
}

/// Why a file could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is larger than {max} MB")]
    TooLarge { max: usize },
    #[error("the file has more than {max} rows")]
    TooManyRows { max: usize },
    #[error(
        "the file is not UTF-8 (first invalid byte at offset {offset}); save it as UTF-8 CSV, or choose the Windows-1252 encoding"
    )]
    NotUtf8 { offset: usize },
    #[error("the first sheet spans more than {max} columns")]
    TooWide { max: u32 },
    #[error("the first sheet has more than {max} cells")]
    TooManyCells { max: usize },
    #[error("line {line}: {reason}")]
    Csv { line: u64, reason: String },
    #[error("the XLSX file could not be read (damaged or truncated): {reason}")]
    Xlsx { reason: String },
    #[error("the first row names no columns")]
    NoHeaders,
    #[error("column {header:?} appears twice in the first row")]
    DuplicateHeader { header: String },
}

impl ReadError {
    /// The coded problem a page translates (the third-party detail of a
    /// damaged file stays in the English `Display`).
    pub fn problem(&self) -> Problem {
        let whole = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        match self {
            ReadError::Empty => Problem::FileEmpty,
            ReadError::TooLarge { max } => Problem::FileLargerThan { max: whole(*max) },
            ReadError::TooManyRows { max } => Problem::TooManyRows { max: whole(*max) },
            ReadError::TooWide { max } => Problem::SheetTooWide { max: *max },
            ReadError::TooManyCells { max } => Problem::SheetTooManyCells { max: whole(*max) },
            ReadError::NotUtf8 { offset } => Problem::NotUtf8 {
                offset: *offset as u64,
            },
            ReadError::Csv { line, .. } => Problem::CsvLineUnreadable { line: *line },
            ReadError::Xlsx { .. } => Problem::XlsxUnreadable,
            ReadError::NoHeaders => Problem::NoHeaders,
            ReadError::DuplicateHeader { header } => Problem::HeaderTwice {
                header: header.clone(),
            },
        }
    }
}

/// Reads a CSV (comma, semicolon or tab separated) or XLSX file (the
/// first sheet), told apart by content. `max_bytes` bounds the file.
pub fn read_table(
    bytes: &[u8],
    encoding: TextEncoding,
    max_bytes: usize,
) -> Result<Table, ReadError> {
    if bytes.is_empty() {
        return Err(ReadError::Empty);
    }
    if bytes.len() > max_bytes {
        return Err(ReadError::TooLarge {
            max: max_bytes / (1024 * 1024),
        });
    }
    let table = if bytes.starts_with(b"PK\x03\x04") {
        // calamine's arithmetic overflows on some hostile cell and row
        // references (a panic where overflow checks are on): a reader that
        // panics reads as a damaged file.
        std::panic::catch_unwind(|| read_xlsx(bytes)).unwrap_or_else(|_| {
            Err(ReadError::Xlsx {
                reason: "the reader failed on it".to_owned(),
            })
        })?
    } else {
        read_csv(&decode(bytes, encoding)?)?
    };
    if table.headers.iter().all(|h| h.trim().is_empty()) {
        return Err(ReadError::NoHeaders);
    }
    let mut seen = std::collections::HashSet::new();
    for header in &table.headers {
        let key = header.trim().to_lowercase();
        if !key.is_empty() && !seen.insert(key) {
            return Err(ReadError::DuplicateHeader {
                header: header.trim().to_owned(),
            });
        }
    }
    Ok(table)
}

/// The text of a CSV file: UTF-8 (a byte-order mark dropped), UTF-16
/// with a byte-order mark, or Windows-1252 when chosen.
fn decode(bytes: &[u8], encoding: TextEncoding) -> Result<String, ReadError> {
    if let Some((found, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _) = found.decode_without_bom_handling(&bytes[bom..]);
        return Ok(text.into_owned());
    }
    match encoding {
        TextEncoding::Windows1252 => {
            let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
            Ok(text.into_owned())
        }
        TextEncoding::Detect => match std::str::from_utf8(bytes) {
            Ok(text) => Ok(text.to_owned()),
            Err(err) => Err(ReadError::NotUtf8 {
                offset: err.valid_up_to(),
            }),
        },
    }
}

/// The separator of the header line: the most frequent of `,`, `;` and
/// tab outside quotes (a comma when none).
fn sniff_delimiter(text: &str) -> u8 {
    let first = text.lines().next().unwrap_or_default();
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for c in first.bytes() {
        if c == b'"' {
            quoted = !quoted;
        } else if !quoted {
            for (d, n) in counts.iter_mut() {
                if *d == c {
                    *n += 1;
                }
            }
        }
    }
    counts
        .iter()
        .max_by_key(|(_, n)| *n)
        .filter(|(_, n)| *n > 0)
        .map_or(b',', |(d, _)| *d)
}

fn read_csv(text: &str) -> Result<Table, ReadError> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(sniff_delimiter(text))
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut table = Table::default();
    let mut record = csv::StringRecord::new();
    let mut first = true;
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(err) => {
                let line = err.position().map_or(0, csv::Position::line);
                return Err(ReadError::Csv {
                    line,
                    reason: match err.kind() {
                        csv::ErrorKind::Utf8 { .. } => "not UTF-8".into(),
                        _ => err.to_string(),
                    },
                });
            }
        }
        let line = record.position().map_or(0, csv::Position::line);
        let cells: Vec<String> = record.iter().map(|c| c.trim().to_owned()).collect();
        if first {
            table.headers = cells;
            first = false;
            continue;
        }
        if cells.iter().all(String::is_empty) {
            continue;
        }
        if table.rows.len() >= MAX_ROWS {
            return Err(ReadError::TooManyRows { max: MAX_ROWS });
        }
        for (column, cell) in cells.iter().enumerate() {
            if cell.starts_with('=') {
                table.formulas.push((line, column));
            }
        }
        table.rows.push((line, cells));
    }
    Ok(table)
}

fn read_xlsx(bytes: &[u8]) -> Result<Table, ReadError> {
    use calamine::{Data, Reader, Xlsx};
    let damaged = |reason: String| ReadError::Xlsx { reason };
    // Bound what the archive unpacks to before reading any of it.
    let archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|err| damaged(err.to_string()))?;
    let unpacked: u64 = archive
        .decompressed_size()
        .unwrap_or(u128::MAX)
        .min(u128::from(u64::MAX)) as u64;
    if unpacked > MAX_XLSX_UNPACKED {
        return Err(damaged("it unpacks to more than 1 GB".into()));
    }
    let mut workbook: Xlsx<_> =
        Xlsx::new(std::io::Cursor::new(bytes)).map_err(|err| damaged(err.to_string()))?;
    let sheet = workbook
        .sheet_names()
        .into_iter()
        .next()
        .ok_or_else(|| damaged("it has no sheet".into()))?;
    // The cells one by one, never as calamine's dense range: a sheet of two
    // cells far apart (A1 and XFD1048576) is a range of 17 billion cells,
    // an allocation that aborts the process.
    let mut reader = workbook
        .worksheet_cells_reader(&sheet)
        .map_err(|err| damaged(err.to_string()))?;
    let mut cells: Vec<(u32, u32, String)> = Vec::new();
    let mut formulas: Vec<(u32, u32)> = Vec::new();
    while let Some(cell) = reader
        .next_cell_with_formula()
        .map_err(|err| damaged(err.to_string()))?
    {
        let (row, column) = cell.pos;
        if cell
            .formula
            .is_some_and(|formula| !formula.trim().is_empty())
        {
            formulas.push((row, column));
        }
        let value = Data::from(cell.value);
        if value != Data::Empty {
            cells.push((row, column, cell_text(&value)));
        }
    }
    drop(reader);
    let (Some(top), Some(left), Some(right)) = (
        cells.iter().map(|c| c.0).min(),
        cells.iter().map(|c| c.1).min(),
        cells.iter().map(|c| c.1).max(),
    ) else {
        return Ok(Table::default());
    };
    if right - left >= MAX_XLSX_COLUMNS {
        return Err(ReadError::TooWide {
            max: MAX_XLSX_COLUMNS,
        });
    }
    let width = (right - left + 1) as usize;
    let mut table = Table::default();
    for (row, column) in formulas {
        if row > top && column >= left {
            table
                .formulas
                .push((u64::from(row) + 1, (column - left) as usize));
        }
    }
    // In sheet order; of two cells at one place the later one counts.
    cells.sort_by_key(|(row, column, _)| (*row, *column));
    let mut padded = 0usize;
    for row_cells in cells.chunk_by(|a, b| a.0 == b.0) {
        let row = row_cells.first().map_or(top, |c| c.0);
        padded += width;
        if padded > MAX_XLSX_CELLS {
            return Err(ReadError::TooManyCells {
                max: MAX_XLSX_CELLS,
            });
        }
        let mut values = vec![String::new(); width];
        for (_, column, text) in row_cells {
            if let Some(slot) = values.get_mut((column - left) as usize) {
                slot.clone_from(text);
            }
        }
        if row == top {
            table.headers = values;
            continue;
        }
        if values.iter().all(String::is_empty) {
            continue;
        }
        if table.rows.len() >= MAX_ROWS {
            return Err(ReadError::TooManyRows { max: MAX_ROWS });
        }
        table.rows.push((u64::from(row) + 1, values));
    }
    Ok(table)
}

/// A cell's value as the import reads it: text trimmed, whole numbers
/// without a decimal point, dates as `YYYY-MM-DD`.
fn cell_text(value: &calamine::Data) -> String {
    use calamine::Data;
    match value {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.trim().to_owned(),
        Data::Int(n) => n.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(date) => {
            let (y, m, d, ..) = date.to_ymd_hms_milli();
            format!("{y:04}-{m:02}-{d:02}")
        }
        Data::Error(err) => format!("#{err:?}"),
    }
}

// ---------------------------------------------------------------- the plan

/// What a row is taken to duplicate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Duplicate {
    /// The same person (or the same record id) as an earlier row of the
    /// file.
    OfRow { line: u64 },
    /// The matching engine takes the person for one the organisation
    /// already has.
    OfPerson { person: PersonId, score_milli: u16 },
}

/// What would become of one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowOutcome {
    /// A new request or registration.
    Create,
    /// The same row was imported before: nothing new.
    AlreadyImported(PersonId),
    /// A duplicate: shown as a candidate, not created (unless the importer
    /// chooses to create it anyway, [`ImportRequest::create_anyway`]).
    Duplicate(Duplicate),
    /// A duplicate the importer chose to create all the same: created,
    /// with an `import_duplicate_created` audit entry.
    CreateAnyway(Duplicate),
    /// Refused: every field (and its column) refused, and why.
    Refused(Vec<Refusal>),
}

/// Why a row is refused: the field as the mapping names it (`row` for
/// the row as a whole), its column's header, and a coded problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub field: String,
    pub column: Option<String>,
    pub problem: Problem,
}

/// One row of the dry run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowReport {
    pub line: u64,
    /// The row's (sought) person's first name as written, for the report.
    pub name: String,
    pub outcome: RowOutcome,
}

/// The dry run of a file: every row with what would become of it.
#[derive(Debug, Clone, Default)]
pub struct ImportPlan {
    pub rows: Vec<RowReport>,
    /// The persons to store, for the rows whose outcome is `Create`.
    persons: Vec<ImportedPerson>,
}

impl ImportPlan {
    pub fn to_create(&self) -> usize {
        self.persons.len()
    }
    pub fn refused(&self) -> usize {
        self.count(|o| matches!(o, RowOutcome::Refused(_)))
    }
    /// Duplicates left out (not created).
    pub fn duplicates(&self) -> usize {
        self.count(|o| matches!(o, RowOutcome::Duplicate(_)))
    }
    /// Duplicates created all the same, as chosen (counted in
    /// [`Self::to_create`] too).
    pub fn created_anyway(&self) -> usize {
        self.count(|o| matches!(o, RowOutcome::CreateAnyway(_)))
    }
    pub fn already_imported(&self) -> usize {
        self.count(|o| matches!(o, RowOutcome::AlreadyImported(_)))
    }
    fn count(&self, f: impl Fn(&RowOutcome) -> bool) -> usize {
        self.rows.iter().filter(|r| f(&r.outcome)).count()
    }
}

/// One row an import created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedRow {
    pub line: u64,
    /// The (sought) person's name as written, for the report.
    pub name: String,
    /// The registered or sought person.
    pub person: PersonId,
    /// What it duplicates, for a duplicate created all the same.
    pub anyway: Option<Duplicate>,
}

/// What an import did.
#[derive(Debug, Clone)]
pub struct ImportReport {
    pub plan: ImportPlan,
    /// Whether the rows to create were stored (false for a dry run, or
    /// when a row was refused: then nothing was stored).
    pub committed: bool,
    /// The rows created, in row order.
    pub created: Vec<CreatedRow>,
}

impl ImportReport {
    /// The persons created, in row order.
    pub fn created_persons(&self) -> Vec<PersonId> {
        self.created.iter().map(|row| row.person).collect()
    }
}

/// Where an import stands, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Checking,
    Storing,
}

/// Called with the phase, the rows done and the total.
pub type Progress<'a> = &'a (dyn Fn(Phase, usize, usize) + Send + Sync);

/// The columns of the mapping found in the headers (case and spaces
/// aside): field code to column index, or the first mapped column missing.
fn resolve(mapping: &ColumnMapping, headers: &[String]) -> AppResult<HashMap<String, usize>> {
    let mut resolved = HashMap::new();
    for (field, header) in &mapping.columns {
        let wanted = header.trim().to_lowercase();
        if wanted.is_empty() {
            continue;
        }
        let index = headers
            .iter()
            .position(|h| h.trim().to_lowercase() == wanted)
            .ok_or_else(|| {
                AppError::invalid(
                    format!("mapping.{field}"),
                    Problem::ColumnMissing {
                        column: header.clone(),
                    },
                )
            })?;
        resolved.insert(field.clone(), index);
    }
    Ok(resolved)
}

struct Row<'a> {
    cells: &'a [String],
    columns: &'a HashMap<String, usize>,
}

impl Row<'_> {
    fn get(&self, field: &str) -> String {
        self.columns
            .get(field)
            .and_then(|i| self.cells.get(*i))
            .cloned()
            .unwrap_or_default()
    }
}

/// A code from a cell: lower case, spaces and dashes as underscores.
fn code(value: &str) -> String {
    value.trim().to_lowercase().replace([' ', '-'], "_")
}

fn sex_code(value: &str) -> String {
    match code(value).as_str() {
        "f" | "female" | "woman" | "girl" => "female".into(),
        "m" | "male" | "man" | "boy" => "male".into(),
        "" | "u" | "unknown" => String::new(),
        other => other.to_owned(),
    }
}

fn names(primary: &str, alternates: &str) -> Vec<NameEntry> {
    let mut list = vec![NameEntry {
        full: primary.to_owned(),
        ..NameEntry::default()
    }];
    list.extend(
        alternates
            .split(['|', ';', '\n'])
            .map(str::trim)
            .filter(|name| !name.is_empty())
            .map(|name| NameEntry {
                full: name.to_owned(),
                kind: "alias".into(),
                ..NameEntry::default()
            }),
    );
    list
}

fn person_input(row: &Row<'_>, prefix: &str) -> PersonInput {
    let field = |name: &str| row.get(&format!("{prefix}{name}"));
    PersonInput {
        names: names(&field("name"), &field("alternate_names")),
        sex: sex_code(&field("sex")),
        birth_date: field("birth_date"),
        age: field("age"),
        birth_place: field("birth_place"),
        nationalities: vec![field("nationalities")],
        father_name: field("father_name"),
        mother_name: field("mother_name"),
        last_known_place: field("last_known_place"),
        distinguishing_marks: field("marks"),
        contact: field("contact"),
        ..PersonInput::default()
    }
}

/// The field code (as in the mapping) of an error path of the input.
fn mapped_field(kind: ImportKind, path: &str) -> String {
    let (head, rest) = path.split_once('.').unwrap_or(("", path));
    let rest = rest.split('[').next().unwrap_or(rest);
    let rest = match rest {
        "names" => "name",
        "distinguishing_marks" => "marks",
        other => other,
    };
    match (kind, head) {
        (ImportKind::Requests, "enquirer") => format!("enquirer_{rest}"),
        (ImportKind::Requests, "sought") => format!("sought_{rest}"),
        (ImportKind::Requests, "circumstances") => match rest {
            "date" => "separation_date".into(),
            "place" => "separation_place".into(),
            other => other.to_owned(),
        },
        _ => rest.to_owned(),
    }
}

/// Maps one row to the person to store; errors name the input path.
fn map_row(
    kind: ImportKind,
    row: &Row<'_>,
    today: (i32, u8, u8),
    file_name: &str,
) -> AppResult<(ImportTarget, retrace_domain::PersonDetails)> {
    match kind {
        ImportKind::Registrations => {
            let registration = match code(&row.get("registration_kind")).as_str() {
                "" => RegistrationKind::Safe,
                other => RegistrationKind::parse(other)
                    .map_err(|err| AppError::invalid("registration_kind", err.problem))?,
            };
            let details = person_input(row, "").details("person", today, true)?;
            Ok((ImportTarget::Registration(registration), details))
        }
        ImportKind::Requests => {
            let enquirer = PersonInput {
                names: names(&row.get("enquirer_name"), ""),
                contact: row.get("enquirer_contact"),
                ..PersonInput::default()
            }
            .details("enquirer", today, true)?;
            let relationship = match code(&row.get("relationship")).as_str() {
                "" => Relationship::OtherRelative,
                other => Relationship::parse(other)
                    .map_err(|err| AppError::invalid("relationship", err.problem))?,
            };
            let sought = person_input(row, "sought_").details("sought", today, false)?;
            let context = match code(&row.get("context")).as_str() {
                "" => "other".to_owned(),
                other => other.to_owned(),
            };
            let news_source = format!("imported from {file_name}");
            let circumstances = CircumstancesInput {
                context,
                date: row.get("separation_date"),
                place: row.get("separation_place"),
                news_date: row.get("news_date"),
                news_place: row.get("news_place"),
                news_source: news_source.chars().take(200).collect(),
                narrative: row.get("narrative"),
                ..CircumstancesInput::default()
            }
            .parse("circumstances", today)?;
            Ok((
                ImportTarget::Request {
                    enquirer: Box::new(enquirer),
                    relationship,
                    circumstances: Box::new(circumstances),
                },
                sought,
            ))
        }
    }
}

/// The row's record id: from its row-id column, or a hash of its mapped
/// values (so that columns in another order give the same id).
fn record_id(kind: ImportKind, row: &Row<'_>) -> String {
    let external = row.get("row_id");
    if !external.is_empty() {
        return format!("csv:{}:id:{external}", kind.code());
    }
    let mut fields: Vec<(&String, &usize)> = row.columns.iter().collect();
    fields.sort();
    let mut hasher = Sha256::new();
    for (field, index) in fields {
        hasher.update(field.as_bytes());
        hasher.update([0x1f]);
        hasher.update(row.cells.get(*index).map_or("", String::as_str).as_bytes());
        hasher.update([0x1e]);
    }
    format!(
        "csv:{}:sha256:{}",
        kind.code(),
        hex::encode(hasher.finalize())
    )
}

/// The key two rows of one file about the same person share: folded
/// names, birth date or age, sex (and, for requests, the enquirer).
fn identity_key(kind: ImportKind, row: &Row<'_>) -> String {
    let fold = |value: String| {
        value
            .to_lowercase()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    let prefix = if kind == ImportKind::Requests {
        "sought_"
    } else {
        ""
    };
    let field = |name: &str| fold(row.get(&format!("{prefix}{name}")));
    let enquirer = if kind == ImportKind::Requests {
        fold(row.get("enquirer_name"))
    } else {
        String::new()
    };
    format!(
        "{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{enquirer}",
        field("name"),
        field("birth_date"),
        field("age"),
        sex_code(&field("sex")),
    )
}

/// What the plan needs of the store and of the matching engine.
pub struct PlanContext<'a> {
    pub org: OrgId,
    pub now: Timestamp,
    pub file_name: &'a str,
    /// Record ids the organisation imported before.
    pub imported: &'a HashMap<String, PersonId>,
    /// Looks for probable duplicates among the organisation's persons.
    pub matching: Option<&'a MatchingService>,
    /// The lines of the duplicate rows to create all the same.
    pub create_anyway: &'a BTreeSet<u64>,
}

/// The dry run: what would become of each row. Nothing is written.
pub fn plan(
    kind: ImportKind,
    mapping: &ColumnMapping,
    table: &Table,
    context: &PlanContext<'_>,
    progress: Progress<'_>,
) -> AppResult<ImportPlan> {
    mapping.check(kind)?;
    let columns = resolve(mapping, &table.headers)?;
    let column_of = |field: &str| {
        columns
            .get(field)
            .and_then(|i| table.headers.get(*i))
            .cloned()
    };
    let header_of = |index: usize| table.headers.get(index).cloned();
    let formulas: HashMap<u64, usize> = table.formulas.iter().copied().collect();
    let today = today(context.now);
    let mut plan = ImportPlan::default();
    let mut seen_ids: HashMap<String, u64> = HashMap::new();
    let mut seen_people: HashMap<String, u64> = HashMap::new();
    let total = table.rows.len();
    let name_field = if kind == ImportKind::Requests {
        "sought_name"
    } else {
        "name"
    };
    for (done, (line, cells)) in table.rows.iter().enumerate() {
        if done % 1000 == 0 {
            progress(Phase::Checking, done, total);
        }
        let row = Row {
            cells,
            columns: &columns,
        };
        let name = row.get(name_field).chars().take(80).collect();
        let outcome = if let Some(column) = formulas.get(line) {
            RowOutcome::Refused(vec![Refusal {
                field: columns
                    .iter()
                    .find(|(_, i)| *i == column)
                    .map_or_else(|| "row".to_owned(), |(f, _)| f.clone()),
                column: header_of(*column),
                problem: Problem::CellFormula,
            }])
        } else if cells.len() > table.headers.len() {
            RowOutcome::Refused(vec![Refusal {
                field: "row".into(),
                column: None,
                problem: Problem::TooManyCells {
                    cells: u32::try_from(cells.len()).unwrap_or(u32::MAX),
                    columns: u32::try_from(table.headers.len()).unwrap_or(u32::MAX),
                },
            }])
        } else {
            let id = record_id(kind, &row);
            let anyway = context.create_anyway.contains(line);
            let same_id = seen_ids.get(&id).copied();
            if let Some(person) = context.imported.get(&id) {
                // Later rows about the same person are still duplicates
                // of this one, imported or not.
                seen_ids.entry(id).or_insert(*line);
                seen_people.entry(identity_key(kind, &row)).or_insert(*line);
                RowOutcome::AlreadyImported(*person)
            } else if let (Some(first), false) = (same_id, anyway) {
                RowOutcome::Duplicate(Duplicate::OfRow { line: first })
            } else {
                match map_row(kind, &row, today, context.file_name) {
                    Err(error @ (AppError::Invalid { .. } | AppError::InvalidMany(_))) => {
                        RowOutcome::Refused(
                            error
                                .field_errors()
                                .into_iter()
                                .map(|error| {
                                    let field = mapped_field(kind, &error.field);
                                    Refusal {
                                        column: column_of(&field),
                                        field,
                                        problem: error.problem,
                                    }
                                })
                                .collect(),
                        )
                    }
                    Err(other) => return Err(other),
                    Ok((target, details)) => {
                        seen_ids.entry(id.clone()).or_insert(*line);
                        let key = identity_key(kind, &row);
                        let in_file = same_id.or_else(|| seen_people.get(&key).copied());
                        let duplicate = match in_file {
                            Some(first) => Some(Duplicate::OfRow { line: first }),
                            None => context
                                .matching
                                .and_then(|m| {
                                    m.likely_duplicate(
                                        context.org,
                                        &details,
                                        kind == ImportKind::Requests,
                                        DUPLICATE_MIN_PROBABILITY,
                                    )
                                })
                                .map(|(person, score_milli)| Duplicate::OfPerson {
                                    person,
                                    score_milli,
                                }),
                        };
                        if duplicate.is_none() {
                            seen_people.insert(key, *line);
                        }
                        match duplicate {
                            Some(duplicate) if !anyway => RowOutcome::Duplicate(duplicate),
                            _ => {
                                // A row with the record id of an earlier
                                // one, created all the same, gets its own.
                                let record_id = match same_id {
                                    Some(_) => format!("{id}:line:{line}"),
                                    None => id,
                                };
                                plan.persons.push(ImportedPerson {
                                    record_id,
                                    source: PfifSource {
                                        name: Some(context.file_name.chars().take(200).collect()),
                                        url: None,
                                        date: None,
                                    },
                                    target,
                                    details,
                                    created_as_duplicate: duplicate.is_some(),
                                });
                                duplicate.map_or(RowOutcome::Create, RowOutcome::CreateAnyway)
                            }
                        }
                    }
                }
            }
        };
        plan.rows.push(RowReport {
            line: *line,
            name,
            outcome,
        });
    }
    progress(Phase::Checking, total, total);
    Ok(plan)
}

/// One import, as the web page and the command line ask for it.
#[derive(Debug, Clone)]
pub struct ImportRequest<'a> {
    pub kind: ImportKind,
    /// `None`: the organisation's saved mapping, or else the headers named
    /// as the fields.
    pub mapping: Option<ColumnMapping>,
    pub encoding: TextEncoding,
    pub file_name: &'a str,
    /// Only a dry run: nothing is stored.
    pub dry_run: bool,
    pub max_bytes: usize,
    /// The lines of duplicate rows to create all the same (each audited as
    /// `import_duplicate_created`); a line that is not a duplicate's (nor
    /// a refused row's) stops the import ([`ImportFailure::NotDuplicates`]).
    pub create_anyway: BTreeSet<u64>,
}

/// The lines of rows to create anyway, as the command line and the dry
/// run's page take them: numbers separated by commas or spaces, and
/// ranges (`4, 9, 1200-1250`). At most [`MAX_ROWS`] lines.
pub fn parse_lines(text: &str) -> Result<BTreeSet<u64>, Problem> {
    let mut lines = BTreeSet::new();
    let number = |part: &str| part.trim().parse::<u64>().map_err(|_| Problem::LineNumbers);
    for part in text
        .split([',', ' ', ';', '\n', '\t'])
        .filter(|part| !part.trim().is_empty())
    {
        let (first, last) = match part.split_once('-') {
            Some((first, last)) => (number(first)?, number(last)?),
            None => (number(part)?, number(part)?),
        };
        if first > last || last - first >= MAX_ROWS as u64 {
            return Err(Problem::LineNumbers);
        }
        lines.extend(first..=last);
        if lines.len() > MAX_ROWS {
            return Err(Problem::LineNumbers);
        }
    }
    Ok(lines)
}

/// Why nothing could be planned: the file could not be read, or the
/// mapping does not fit it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportFailure {
    Unreadable(ReadError),
    /// Every problem of the mapping (`mapping.<field>`), at once.
    Mapping(Vec<FieldError>),
    /// Lines chosen to be created anyway that are not duplicates (no such
    /// row, or one to create or imported before): nothing stored.
    NotDuplicates {
        lines: Vec<u64>,
    },
}

impl std::fmt::Display for ImportFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImportFailure::Unreadable(err) => err.fmt(f),
            ImportFailure::Mapping(errors) => {
                let lines: Vec<String> = errors
                    .iter()
                    .map(|error| format!("{}: {}", error.field, error.problem))
                    .collect();
                f.write_str(&lines.join("; "))
            }
            ImportFailure::NotDuplicates { lines } => {
                let lines: Vec<String> = lines.iter().map(u64::to_string).collect();
                write!(
                    f,
                    "not duplicates, so not to be created anyway: line {}",
                    lines.join(", ")
                )
            }
        }
    }
}

/// The import for a caller that is not a signed-in member (the command
/// line acts as the system for a named organisation): reads the file,
/// plans and, unless a dry run or a row is refused, stores every row to
/// create in one transaction.
#[allow(clippy::too_many_arguments)]
pub async fn import_into(
    store: &dyn Store,
    matching: Option<&MatchingService>,
    audit: &AuditContext,
    scope: &OrgScope,
    bytes: &[u8],
    request: &ImportRequest<'_>,
    progress: Progress<'_>,
) -> AppResult<Result<ImportReport, ImportFailure>> {
    let table = match read_table(bytes, request.encoding, request.max_bytes) {
        Ok(table) => table,
        Err(err) => return Ok(Err(ImportFailure::Unreadable(err))),
    };
    let mapping = match &request.mapping {
        Some(mapping) => mapping.clone(),
        None => match store.csv_mapping(scope, request.kind.code()).await? {
            Some(saved) => ColumnMapping::from_json(&saved)?,
            None => ColumnMapping::by_header_names(request.kind, &table.headers),
        },
    };
    let imported: HashMap<String, PersonId> = store
        .imported_pfif_records(scope)
        .await?
        .into_iter()
        .filter(|(id, _)| id.starts_with("csv:"))
        .collect();
    let context = PlanContext {
        org: scope.org(),
        now: audit.at,
        file_name: request.file_name,
        imported: &imported,
        matching,
        create_anyway: &request.create_anyway,
    };
    let plan = match plan(request.kind, &mapping, &table, &context, progress) {
        Ok(plan) => plan,
        Err(error @ (AppError::Invalid { .. } | AppError::InvalidMany(_))) => {
            return Ok(Err(ImportFailure::Mapping(error.field_errors())));
        }
        Err(other) => return Err(other),
    };
    let not_duplicates: Vec<u64> = request
        .create_anyway
        .iter()
        .copied()
        .filter(|line| {
            // A refused row says why itself.
            !plan.rows.iter().any(|row| {
                row.line == *line
                    && matches!(
                        row.outcome,
                        RowOutcome::CreateAnyway(_) | RowOutcome::Refused(_)
                    )
            })
        })
        .collect();
    if !not_duplicates.is_empty() {
        return Ok(Err(ImportFailure::NotDuplicates {
            lines: not_duplicates,
        }));
    }
    if request.dry_run || plan.refused() > 0 || plan.persons.is_empty() {
        return Ok(Ok(ImportReport {
            plan,
            committed: false,
            created: Vec::new(),
        }));
    }
    let total = plan.persons.len();
    let stored = |done: usize| progress(Phase::Storing, done, total);
    let outcomes = store
        .import_records(audit, scope, &plan.persons, &stored)
        .await?;
    // The persons are those of the rows to create, in row order.
    let rows = plan.rows.iter().filter(|row| {
        matches!(
            row.outcome,
            RowOutcome::Create | RowOutcome::CreateAnyway(_)
        )
    });
    let created = rows
        .zip(outcomes)
        .filter_map(|(row, outcome)| match outcome {
            ImportOutcome::Created(person) => Some(CreatedRow {
                line: row.line,
                name: row.name.clone(),
                person,
                anyway: match row.outcome {
                    RowOutcome::CreateAnyway(duplicate) => Some(duplicate),
                    _ => None,
                },
            }),
            ImportOutcome::AlreadyImported(_) => None,
        })
        .collect();
    Ok(Ok(ImportReport {
        plan,
        committed: true,
        created,
    }))
}

/// The import for a signed-in caseworker or organisation administrator,
/// then the new persons indexed for matching.
pub async fn import_file(
    app: &App,
    actor: &Actor,
    bytes: &[u8],
    request: &ImportRequest<'_>,
    progress: Progress<'_>,
) -> AppResult<Result<ImportReport, ImportFailure>> {
    require_importer(actor)?;
    let audit = actor.audit(app, "CSV import");
    let result = import_into(
        app.store(),
        Some(app.matching()),
        &audit,
        &actor.scope(),
        bytes,
        request,
        progress,
    )
    .await?;
    if let Ok(report) = &result
        && !report.created.is_empty()
    {
        if report.created.len() <= REINDEX_ONE_BY_ONE {
            app.reindex(&report.created_persons()).await?;
        } else {
            app.matching().load(app.store()).await?;
            app.matching()
                .recompute_all(app.store(), app.clock().now())
                .await?;
        }
    }
    Ok(result)
}

fn require_importer(actor: &Actor) -> AppResult<()> {
    if actor.require_caseworker().is_err() {
        actor.require_org_admin()?;
    }
    Ok(())
}

/// The organisation's saved mapping for `kind`, if any.
pub async fn saved_mapping(
    app: &App,
    actor: &Actor,
    kind: ImportKind,
) -> AppResult<Option<ColumnMapping>> {
    require_importer(actor)?;
    match app.store().csv_mapping(&actor.scope(), kind.code()).await? {
        Some(text) => Ok(Some(ColumnMapping::from_json(&text)?)),
        None => Ok(None),
    }
}

/// Saves the organisation's mapping for `kind` (checked first), audited
/// as `import_mapping_saved`.
pub async fn save_mapping(
    app: &App,
    actor: &Actor,
    kind: ImportKind,
    mapping: &ColumnMapping,
) -> AppResult<()> {
    require_importer(actor)?;
    mapping.check(kind)?;
    let audit = actor.audit(app, "CSV import mapping");
    app.store()
        .save_csv_mapping(&audit, &actor.scope(), kind.code(), &mapping.to_json())
        .await?;
    Ok(())
}

/// The headers and first `rows` rows of a file, for the mapping page's
/// preview.
pub fn preview(
    bytes: &[u8],
    encoding: TextEncoding,
    rows: usize,
) -> Result<(Vec<String>, Vec<Vec<String>>), ReadError> {
    let table = read_table(bytes, encoding, MAX_UPLOAD_BYTES)?;
    Ok((
        table.headers,
        table
            .rows
            .into_iter()
            .take(rows)
            .map(|(_, cells)| cells)
            .collect(),
    ))
}

#[cfg(test)]
mod tests;
