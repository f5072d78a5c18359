//! `retrace import …`: data from other registries and spreadsheets,
//! imported for one organisation as the system (the audit entries say
//! "command line import"). New persons are matched when the server next
//! starts (it builds the matching index from the store).

use crate::admin::find_org;
use crate::import_csv::CsvArgs;
use crate::settings::Settings;
use crate::store;
use anyhow::Context;
use retrace_app::interchange::{PfifImport, import_pfif_into};
use retrace_domain::{Clock, SystemClock};
use retrace_store::{AuditContext, OrgScope};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Subcommand)]
pub enum ImportCommand {
    /// Import a PFIF 1.1-1.4 file (Person Finder's format): all records or none.
    Pfif {
        /// The PFIF XML file.
        file: PathBuf,
        /// The organisation's id or exact name.
        #[arg(long)]
        org: String,
        /// Accept only record ids of this domain (e.g. test.google.com).
        #[arg(long)]
        domain: Option<String>,
    },
    /// Import requests or registrations from a CSV or XLSX file: every
    /// row or none (see `docs/adr/0016-csv-import.md`).
    Csv(CsvArgs),
}

pub async fn run(settings: &Settings, command: ImportCommand) -> anyhow::Result<ExitCode> {
    let (file, org, domain) = match command {
        ImportCommand::Pfif { file, org, domain } => (file, org, domain),
        ImportCommand::Csv(args) => return crate::import_csv::run(settings, args).await,
    };
    let text = std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
    let text = String::from_utf8(text)
        .with_context(|| format!("{}: a PFIF file is UTF-8 XML", file.display()))?;
    let opened = store::open(settings).await?;
    let store = opened.as_store();
    let result = async {
        let org = find_org(store, &org).await?;
        let audit = AuditContext::system(SystemClock.now(), "command line import");
        Ok::<_, anyhow::Error>(
            import_pfif_into(store, &audit, &OrgScope::new(org), &text, domain.as_deref()).await?,
        )
    }
    .await;
    opened.close().await;
    match result? {
        PfifImport::Imported(summary) => {
            println!(
                "imported PFIF {} from {}: {} requests, {} registrations, {} already imported",
                summary.version,
                file.display(),
                summary.requests,
                summary.registrations,
                summary.already_imported
            );
            Ok(ExitCode::SUCCESS)
        }
        PfifImport::Refused { problems } => {
            eprintln!(
                "nothing imported from {}: {} problem(s)",
                file.display(),
                problems.len()
            );
            for problem in problems {
                eprintln!("  {problem}");
            }
            Ok(ExitCode::FAILURE)
        }
    }
}
