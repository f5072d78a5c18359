//! The input of `retrace match`: records.csv read into the matching
//! engine's persons, every error naming the file, line and column. Kept
//! apart from the command so the fuzz target `match_csv` (`fuzz/`)
//! compiles it as it is.

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

/// Records read from the input, in file order.
pub fn read_records(path: &Path) -> anyhow::Result<Vec<(String, Person)>> {
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    parse_records(std::io::BufReader::new(file), path)
}

/// Records read from `input`; errors name `path` and the line.
pub fn parse_records(input: impl Read, path: &Path) -> anyhow::Result<Vec<(String, Person)>> {
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
        let age_s = get(6);
        let age = if age_s.is_empty() {
            None
        } else {
            Some(age_s.parse::<u32>().map_err(|_| {
                anyhow::anyhow!(
                    "{}: line {line}, column {} (age): not a whole number: `{age_s}`",
                    path.display(),
                    idx[6] + 1
                )
            })?)
        };
        let bd = get(5);
        if !bd.is_empty() && retrace_matching::Birth::parse(&bd).is_none() {
            bail!(
                "{}: line {line}, column {} (birth_date): expected YYYY, YYYY-MM or YYYY-MM-DD, found `{bd}`",
                path.display(),
                idx[5] + 1
            );
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
    Ok(out)
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
