//! `retrace match`: read records.csv, link with `retrace-matching`, write pairs.csv whole or not at all.

use std::io::Write;
use std::path::PathBuf;

use crate::match_records::read_records;
use anyhow::{Context, bail};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use retrace_matching::{Config, DEFAULT_THRESHOLD, Index};

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
    /// Keep each pair's own probability: do not recompute it knowing its rivals and look-alikes among the other
    /// pairs (ADR 0040).
    #[arg(long)]
    pub no_rivals: bool,
    /// Keep the second stage's probability: do not recompute it knowing the third records both records of a pair
    /// are linked with (ADR 0068).
    #[arg(long)]
    pub no_triangles: bool,
    /// Compare only the pairs blocking proposes: not also those whose records both match one third record
    /// (ADR 0071).
    #[arg(long)]
    pub no_neighbours: bool,
    /// Hide the progress bar.
    #[arg(long)]
    pub quiet: bool,
}

pub fn run(args: &MatchArgs) -> anyhow::Result<()> {
    if !(0.0..=1.0).contains(&args.threshold) {
        bail!("--threshold must be between 0 and 1");
    }
    let min_score = args.min_score.unwrap_or(args.threshold);
    let input = read_records(&args.input)?;
    // Values typed wrong in a few records: those records are matched with
    // what could be read, and the values reported.
    const SHOWN: usize = 10;
    for message in input.unread.iter().take(SHOWN) {
        eprintln!("warning: {message}");
    }
    if input.unread.len() > SHOWN {
        eprintln!(
            "warning: {} more values read in part or left out",
            input.unread.len() - SHOWN
        );
    }
    let records = input.records;
    let config = Config {
        reference_year: args.reference_year,
        threshold: args.threshold,
        transitive: !args.no_transitive,
        rivals: !args.no_rivals,
        triangles: !args.no_triangles,
        neighbours: !args.no_neighbours,
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
    index.add_all_with_progress(&records, &|n| bar.inc(n as u64));
    // Every posting list in the flat arrays (`add_all` may leave the last few persons' postings beside them):
    // the comparisons read no list of later additions (each a hash-map lookup and a merged copy).
    index.compact();
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
        // `link` keeps the pairs at or above `min_score` only.
        for p in &pairs {
            wtr.write_record([
                p.left.as_str(),
                p.right.as_str(),
                &format!("{:.6}", p.probability),
            ])?;
        }
        wtr.flush()?;
        drop(wtr);
        w.flush().context("cannot write pairs")?;
    }
    tmp.persist(&args.output)
        .with_context(|| format!("cannot write {}", args.output.display()))?;
    Ok(())
}
