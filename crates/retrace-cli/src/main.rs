//! The `retrace` binary. On this branch it carries only the `match` subcommand; the full CLI (`serve`,
//! `migrate`, `admin`, `demo`) plugs [`match_command::MatchArgs`] into its own `Cli`.

mod match_command;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "retrace", version, about = "Restoring Family Links platform")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Link person records that describe the same person (pairs.csv, see bench/SCHEMA.md).
    Match(match_command::MatchArgs),
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match &cli.command {
        Command::Match(args) => match_command::run(args),
    }
}
