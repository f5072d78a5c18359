//! `retrace import csv FILE --org ORG --kind requests|registrations`: a
//! CSV or XLSX file imported for one organisation, every row or none,
//! with a progress bar on standard error. `--dry-run` only says, row by
//! row, what would be created, what is a duplicate and what is refused.
//! Duplicates are not created unless their lines are named with
//! `--create-duplicates` (each then audited as `import_duplicate_created`).

use crate::admin::find_org;
use crate::settings::Settings;
use crate::store;
use anyhow::Context;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use retrace_app::csv_import::{
    ColumnMapping, Duplicate, ImportFailure, ImportKind, ImportReport, ImportRequest,
    MAX_FILE_BYTES, Phase, RowOutcome, TextEncoding, import_into, parse_lines,
};
use retrace_app::matching::MatchingService;
use retrace_domain::{Clock, SystemClock};
use retrace_store::{AuditContext, OrgScope};
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct CsvArgs {
    /// The CSV (comma, semicolon or tab separated) or XLSX file.
    file: PathBuf,
    /// The organisation's id or exact name.
    #[arg(long)]
    org: String,
    /// What each row is: `requests` or `registrations`.
    #[arg(long)]
    kind: String,
    /// A mapping file, JSON `{"columns": {"sought_name": "Name", ...}}`.
    /// Without it: the organisation's saved mapping, or else the columns
    /// whose headers are the field names.
    #[arg(long)]
    mapping: Option<PathBuf>,
    /// Save the mapping file as the organisation's mapping for this kind.
    #[arg(long, requires = "mapping")]
    save_mapping: bool,
    /// `utf-8` (default; UTF-16 with a byte-order mark is read too) or
    /// `windows-1252`.
    #[arg(long, default_value = "utf-8")]
    encoding: String,
    /// Say row by row what would happen; store nothing.
    #[arg(long)]
    dry_run: bool,
    /// Do not look for duplicates among the organisation's persons with
    /// the matching engine (rows of the file are still compared).
    #[arg(long)]
    no_match: bool,
    /// Create these duplicate rows all the same: their lines, as the dry
    /// run lists them, separated by commas (`--create-duplicates 4,9`).
    /// A line that is not a duplicate's stops the import.
    /// Ranges are taken too (`--create-duplicates 4,9,1200-1250`), as on
    /// the dry run's page.
    #[arg(long, value_name = "LINE,LINE…", value_parser = lines_arg)]
    create_duplicates: Option<BTreeSet<u64>>,
    /// No progress bar.
    #[arg(long)]
    quiet: bool,
}

fn lines_arg(text: &str) -> Result<BTreeSet<u64>, String> {
    parse_lines(text).map_err(|problem| problem.to_string())
}

fn progress_bar(quiet: bool) -> ProgressBar {
    if quiet {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{msg:8} [{bar:40}] {pos}/{len} ({eta})").map_or_else(
            |_| ProgressStyle::default_bar(),
            |s| s.progress_chars("=> "),
        ),
    );
    bar
}

pub async fn run(settings: &Settings, args: CsvArgs) -> anyhow::Result<ExitCode> {
    let kind = ImportKind::parse(&args.kind).map_err(|err| anyhow::anyhow!("--kind: {err}"))?;
    let encoding =
        TextEncoding::parse(&args.encoding).map_err(|err| anyhow::anyhow!("--encoding: {err}"))?;
    let mapping = match &args.mapping {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            let mapping = ColumnMapping::from_json(&text)
                .map_err(|err| anyhow::anyhow!("{}: {err}", path.display()))?;
            mapping
                .check(kind)
                .map_err(|err| anyhow::anyhow!("{}: {err}", path.display()))?;
            Some(mapping)
        }
        None => None,
    };
    let size = std::fs::metadata(&args.file)
        .with_context(|| format!("reading {}", args.file.display()))?
        .len();
    if size > MAX_FILE_BYTES as u64 {
        anyhow::bail!(
            "{}: the file is larger than {} MB",
            args.file.display(),
            MAX_FILE_BYTES / (1024 * 1024)
        );
    }
    let bytes =
        std::fs::read(&args.file).with_context(|| format!("reading {}", args.file.display()))?;
    let file_name = args
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let opened = store::open(settings).await?;
    let store = opened.as_store();
    let bar = progress_bar(args.quiet);
    let result = async {
        let org = find_org(store, &args.org).await?;
        let now = SystemClock.now();
        let audit = AuditContext::system(now, "command line import");
        let scope = OrgScope::new(org);
        if args.save_mapping
            && let Some(mapping) = &mapping
        {
            store
                .save_csv_mapping(&audit, &scope, kind.code(), &mapping.to_json())
                .await?;
        }
        let matching = if args.no_match {
            None
        } else {
            bar.set_message("matching");
            let service = MatchingService::new(now.to_offset_date_time().year());
            service.load(store).await?;
            Some(service)
        };
        let request = ImportRequest {
            kind,
            mapping,
            encoding,
            file_name: &file_name,
            dry_run: args.dry_run,
            max_bytes: MAX_FILE_BYTES,
            create_anyway: args.create_duplicates.clone().unwrap_or_default(),
        };
        let progress = |phase: Phase, done: usize, total: usize| {
            bar.set_message(match phase {
                Phase::Checking => "checking",
                Phase::Storing => "storing",
            });
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        };
        Ok::<_, anyhow::Error>(
            import_into(
                store,
                matching.as_ref(),
                &audit,
                &scope,
                &bytes,
                &request,
                &progress,
            )
            .await?,
        )
    }
    .await;
    bar.finish_and_clear();
    opened.close().await;
    let shown = args.file.display();
    match result? {
        Err(ImportFailure::Unreadable(err)) => {
            eprintln!("nothing imported from {shown}: {err}");
            Ok(ExitCode::FAILURE)
        }
        Err(failure @ ImportFailure::Mapping(_)) => {
            eprintln!("nothing imported from {shown}: {failure}");
            Ok(ExitCode::FAILURE)
        }
        Err(failure @ ImportFailure::NotDuplicates { .. }) => {
            eprintln!("nothing imported from {shown}: --create-duplicates: {failure}");
            Ok(ExitCode::FAILURE)
        }
        Ok(report) => Ok(print_report(&shown.to_string(), &report, args.dry_run)),
    }
}

/// What a row duplicates, in words.
fn duplicate_of(duplicate: &Duplicate) -> String {
    match duplicate {
        Duplicate::OfRow { line } => format!("duplicate of line {line}"),
        Duplicate::OfPerson {
            person,
            score_milli,
        } => format!(
            "probable duplicate of person {person} (score {}.{:03})",
            score_milli / 1000,
            score_milli % 1000
        ),
    }
}

/// One row's line of the report.
fn describe(outcome: &RowOutcome, kind_of_row: &str) -> String {
    match outcome {
        RowOutcome::Create => format!("create {kind_of_row}"),
        RowOutcome::AlreadyImported(person) => format!("already imported (person {person})"),
        RowOutcome::Duplicate(duplicate) => format!(
            "{}: not created (--create-duplicates to create it)",
            duplicate_of(duplicate)
        ),
        RowOutcome::CreateAnyway(duplicate) => format!(
            "{}: create {kind_of_row} anyway, as chosen",
            duplicate_of(duplicate)
        ),
        RowOutcome::Refused(refusals) => {
            let reasons: Vec<String> = refusals
                .iter()
                .map(|refusal| match &refusal.column {
                    Some(column) => {
                        format!("column {column:?} ({}) {}", refusal.field, refusal.problem)
                    }
                    None => format!("{} {}", refusal.field, refusal.problem),
                })
                .collect();
            format!("refused: {}", reasons.join("; "))
        }
    }
}

fn print_report(file: &str, report: &ImportReport, dry_run: bool) -> ExitCode {
    use std::io::Write;
    let plan = &report.plan;
    let refused = plan.refused();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for row in &plan.rows {
        let problem = !matches!(
            row.outcome,
            RowOutcome::Create | RowOutcome::AlreadyImported(_)
        );
        if dry_run || problem {
            let _ = writeln!(
                out,
                "line {}: {} ({})",
                row.line,
                describe(&row.outcome, "row"),
                row.name
            );
        }
    }
    let _ = out.flush();
    drop(out);
    let anyway = match plan.created_anyway() {
        0 => String::new(),
        n => format!(" ({n} duplicates created anyway)"),
    };
    let summary = format!(
        "{} rows: {} to create{anyway}, {} duplicates, {} already imported, {} refused",
        plan.rows.len(),
        plan.to_create(),
        plan.duplicates(),
        plan.already_imported(),
        refused
    );
    if report.committed {
        println!(
            "imported {file}: {summary}; {} created",
            report.created.len()
        );
        ExitCode::SUCCESS
    } else if refused > 0 {
        eprintln!("nothing imported from {file}: {summary}");
        ExitCode::FAILURE
    } else if dry_run {
        println!("dry run of {file}, nothing stored: {summary}");
        ExitCode::SUCCESS
    } else {
        println!("nothing new in {file}: {summary}");
        ExitCode::SUCCESS
    }
}
