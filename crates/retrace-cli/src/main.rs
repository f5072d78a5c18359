//! `retrace`: the one binary. Reads the settings, picks the storage backend
//! and runs the web server or an administrative command.

mod admin;
mod demo;
mod demo_directory;
mod demo_gallery;
mod demo_indicators;
mod demo_networks;
mod demo_outreach;
mod demo_practices;
mod demo_referrals;
mod demo_tracing;
mod field_keys;
mod files;
mod import;
mod import_csv;
mod match_command;
mod match_records;
mod serve;
mod settings;
mod store;

use clap::{Parser, Subcommand};
use settings::{Overrides, Settings};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(name = "retrace", version, about = "Restoring family links, securely")]
struct Cli {
    /// A TOML settings file (default: ./retrace.toml when present).
    #[arg(long, global = true, env = "RETRACE_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,
    /// sqlite://path.db or postgres://user:password@host/database.
    #[arg(long, global = true, value_name = "URL")]
    database_url: Option<String>,
    /// Directory for the embedded database and the secret key.
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Apply migrations and run the web server.
    Serve(serve::ServeArgs),
    /// Apply database migrations and exit.
    Migrate,
    /// Load demonstration organisations and accounts into an empty database.
    Demo,
    /// Administrative tasks on the command line.
    #[command(subcommand)]
    Admin(admin::AdminCommand),
    /// Import data from another registry into one organisation.
    #[command(subcommand)]
    Import(import::ImportCommand),
    /// Link person records that describe the same person (pairs.csv, see bench/SCHEMA.md).
    Match(match_command::MatchArgs),
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<std::process::ExitCode> {
    // Matching files needs neither settings nor a database.
    if let Command::Match(args) = &cli.command {
        match_command::run(args)?;
        return Ok(std::process::ExitCode::SUCCESS);
    }
    let mut overrides = Overrides {
        database_url: cli.database_url.clone(),
        data_dir: cli.data_dir.clone(),
        ..Overrides::default()
    };
    if let Command::Serve(args) = &cli.command {
        overrides.listen = args.listen.clone();
        overrides.public_url = args.public_url.clone();
        overrides.smtp_url = args.smtp_url.clone();
        overrides.smtp_from = args.smtp_from.clone();
    }
    let settings = Settings::load(cli.config.as_deref(), &overrides)?;
    serve::init_logging(settings.log_format);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        match cli.command {
            Command::Serve(args) => serve::run(&settings, &args).await,
            Command::Migrate => {
                let store = store::open(&settings).await?;
                println!("database at {} is up to date", settings.database_url);
                store.close().await;
                Ok(std::process::ExitCode::SUCCESS)
            }
            Command::Demo => {
                let store = store::open(&settings).await?;
                let loaded = demo::load_into(&settings, &store).await?;
                demo::print_sign_ins(&loaded, None);
                store.close().await;
                Ok(std::process::ExitCode::SUCCESS)
            }
            Command::Admin(command) => admin::run(&settings, command).await,
            Command::Import(command) => import::run(&settings, command).await,
            Command::Match(_) => Ok(std::process::ExitCode::SUCCESS),
        }
    })
}
