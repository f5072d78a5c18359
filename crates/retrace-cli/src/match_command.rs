//! `retrace match`: read records.csv, link with `retrace-matching`, write pairs.csv whole or not at all.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use retrace_matching::{Config, DEFAULT_THRESHOLD, Index, Person};

#[derive(Debug, clap::Args)]
pub struct MatchArgs {
    /// Input records (CSV with header: id,source,role,full_name,sex,birth_date,age,father_name,mother_name,
    /// birth_place,nationality,last_seen_place).
    #[arg(long)]
    pub input: PathBuf,
    /// Output pairs (CSV: left_id,right_id,score). Written to a temporary file then renamed.
    #[arg(long)]
    pub output: PathBuf,
    /// Probability at or above which a pair is the same person (used for transitive clustering).
    #[arg(long, default_value_t = DEFAULT_THRESHOLD)]
    pub threshold: f64,
    /// Lowest probability written to the output; defaults to the threshold. Lower values list more pairs for
    /// threshold-free evaluation.
    #[arg(long)]
    pub min_score: Option<f64>,
    /// Year at which `age` values were recorded.
    #[arg(long, default_value_t = 2024)]
    pub reference_year: i32,
    /// Do not add pairs joined through a third record.
    #[arg(long)]
    pub no_transitive: bool,
    /// Hide the progress bar.
    #[arg(long)]
    pub quiet: bool,
}

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
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_path(path)
        .with_context(|| format!("cannot open {}", path.display()))?;
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

pub fn run(args: &MatchArgs) -> anyhow::Result<()> {
    if !(0.0..=1.0).contains(&args.threshold) {
        bail!("--threshold must be between 0 and 1");
    }
    let min_score = args.min_score.unwrap_or(args.threshold);
    let records = read_records(&args.input)?;
    let config = Config {
        reference_year: args.reference_year,
        threshold: args.threshold,
        transitive: !args.no_transitive,
        ..Config::default()
    };
    let mut index = Index::new(config);
    let bar = if args.quiet || records.len() < 20_000 {
        ProgressBar::hidden()
    } else {
        let b = ProgressBar::with_draw_target(
            Some(records.len() as u64 * 2),
            ProgressDrawTarget::stderr(),
        );
        b.set_style(
            ProgressStyle::with_template("{msg:8} [{bar:40}] {pos}/{len} ({eta})").map_or_else(
                |_| ProgressStyle::default_bar(),
                |s| s.progress_chars("=> "),
            ),
        );
        b
    };
    bar.set_message("index");
    for (i, (id, p)) in records.iter().enumerate() {
        index.add(id, p);
        if i % 4096 == 0 {
            bar.set_position(i as u64);
        }
    }
    bar.set_position(records.len() as u64);
    bar.set_message("compare");
    let pairs = index.link(min_score, &|n| bar.inc(n as u64));
    bar.finish_and_clear();

    let dir = match args.output.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let tmp = tempfile::NamedTempFile::new_in(&dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    {
        let mut w = std::io::BufWriter::new(tmp.as_file());
        writeln!(w, "left_id,right_id,score")?;
        let mut wtr = csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(&mut w);
        for p in &pairs {
            if p.probability >= min_score {
                wtr.write_record([
                    p.left.as_str(),
                    p.right.as_str(),
                    &format!("{:.6}", p.probability),
                ])?;
            }
        }
        wtr.flush()?;
        drop(wtr);
        w.flush().context("cannot write pairs")?;
    }
    tmp.persist(&args.output)
        .with_context(|| format!("cannot write {}", args.output.display()))?;
    Ok(())
}
