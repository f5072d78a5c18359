//! The input of `retrace match`: records.csv read into the matching
//! engine's persons, every error naming the file, line and column. A value
//! typed wrong in one record (a birth date `1988-07-63`, an age `3O`) is
//! not an error: the record is matched with what can be read of it, and
//! the value is reported. Most of a column unreadable is an error (the
//! file is in another format). Kept apart from the command so the fuzz
//! target `match_csv` (`fuzz/`) compiles it as it is.

use anyhow::{Context, bail};
use retrace_matching::Person;
use std::io::Read;
use std::path::Path;

const COLUMNS: [&str; 12] = [
    "id",
    "source",
    "role",
    "full_name",
    "sex",
    "birth_date",
    "age",
    "father_name",
    "mother_name",
    "birth_place",
    "nationality",
    "last_seen_place",
];

/// Records read from the input, in file order, and the values read only in
/// part or not at all (one message each, naming line and column).
pub struct Input {
    pub records: Vec<(String, Person)>,
    pub unread: Vec<String>,
}

/// Records read from the input file.
pub fn read_records(path: &Path) -> anyhow::Result<Input> {
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    parse_records(std::io::BufReader::new(file), path)
}

/// How many values of one column were given and how many could not be
/// read at all, with the first such.
#[derive(Default)]
struct Unreadable {
    given: usize,
    unread: usize,
    first: Option<String>,
}

impl Unreadable {
    fn count(&mut self, given: bool, unread: Option<&String>) {
        self.given += usize::from(given);
        if let Some(message) = unread {
            self.unread += 1;
            self.first.get_or_insert_with(|| message.clone());
        }
    }

    /// An error when most values given could not be read.
    fn check(&self, column: &str, expected: &str) -> anyhow::Result<()> {
        if self.given >= 10 && self.unread * 2 > self.given {
            bail!(
                "{} of the {} values of column `{column}` cannot be read (expected {expected}); the first: {}",
                self.unread,
                self.given,
                self.first.as_deref().unwrap_or("")
            );
        }
        Ok(())
    }
}

/// Records read from `input`; errors name `path` and the line.
pub fn parse_records(input: impl Read, path: &Path) -> anyhow::Result<Input> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(input);
    let headers = rdr
        .headers()
        .with_context(|| format!("{}: cannot read header line", path.display()))?
        .clone();
    let col = |name: &str| headers.iter().position(|h| h.trim() == name);
    let mut idx = [0usize; 12];
    for (i, name) in COLUMNS.iter().enumerate() {
        match col(name) {
            Some(c) => idx[i] = c,
            None if matches!(*name, "source" | "role") => idx[i] = usize::MAX,
            None => bail!("{}: line 1: missing column `{name}`", path.display()),
        }
    }
    let mut out = Vec::new();
    let mut unread = Vec::new();
    let (mut dates, mut ages) = (Unreadable::default(), Unreadable::default());
    let mut seen = std::collections::HashSet::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| csv_error(path, &e))?;
        let line = rec.position().map_or(0, |p| p.line());
        if rec.len() != headers.len() {
            bail!(
                "{}: line {line}: expected {} columns, found {}",
                path.display(),
                headers.len(),
                rec.len()
            );
        }
        let get = |i: usize| rec.get(idx[i]).unwrap_or("").trim().to_string();
        let id = get(0);
        if id.is_empty() {
            bail!("{}: line {line}, column 1 (id): empty id", path.display());
        }
        if !seen.insert(id.clone()) {
            bail!(
                "{}: line {line}, column 1 (id): duplicate id `{id}`",
                path.display()
            );
        }
        let at = |column: usize, name: &str| {
            format!(
                "{}: line {line}, column {} ({name})",
                path.display(),
                idx[column] + 1
            )
        };
        let age_s = get(6);
        let age = age_s.parse::<u32>().ok();
        let message = (age.is_none() && !age_s.is_empty())
            .then(|| format!("{}: not a whole number, left out: `{age_s}`", at(6, "age")));
        ages.count(!age_s.is_empty(), message.as_ref());
        unread.extend(message);
        let mut bd = get(5);
        if !bd.is_empty() {
            let (message, unreadable) = match retrace_matching::Birth::read(&bd) {
                Some((_, true)) => (None, false),
                Some((birth, false)) => {
                    let kept = match birth.month {
                        Some(month) => format!("{}-{month:02}", birth.year),
                        None => birth.year.to_string(),
                    };
                    let message = format!(
                        "{}: not YYYY, YYYY-MM or YYYY-MM-DD, read as {kept}: `{bd}`",
                        at(5, "birth_date")
                    );
                    (Some(message), false)
                }
                None => {
                    let message = format!(
                        "{}: no year from 1850 to 2100, left out: `{bd}`",
                        at(5, "birth_date")
                    );
                    (Some(message), true)
                }
            };
            dates.count(true, message.as_ref().filter(|_| unreadable));
            if unreadable {
                bd.clear();
            }
            unread.extend(message);
        }
        out.push((
            id,
            Person {
                full_name: get(3),
                sex: get(4),
                birth_date: bd,
                age,
                father_name: get(7),
                mother_name: get(8),
                birth_place: get(9),
                nationality: get(10),
                last_seen_place: get(11),
            },
        ));
    }
    dates.check("birth_date", "YYYY, YYYY-MM or YYYY-MM-DD")?;
    ages.check("age", "a whole number of years")?;
    Ok(Input {
        records: out,
        unread,
    })
}

fn csv_error(path: &Path, e: &csv::Error) -> anyhow::Error {
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            pos,
            expected_len,
            len,
        } => anyhow::anyhow!(
            "{}: line {}, column {}: expected {expected_len} columns, found {len}",
            path.display(),
            pos.as_ref().map_or(0, |p| p.line()),
            len + 1
        ),
        csv::ErrorKind::Utf8 { pos, err } => anyhow::anyhow!(
            "{}: line {}, column {}: invalid UTF-8",
            path.display(),
            pos.as_ref().map_or(0, |p| p.line()),
            err.field() + 1
        ),
        _ => match e.position() {
            Some(p) => anyhow::anyhow!("{}: line {}: {e}", path.display(), p.line()),
            None => anyhow::anyhow!("{}: {e}", path.display()),
        },
    }
}
