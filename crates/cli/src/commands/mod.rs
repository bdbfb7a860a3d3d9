//! Command-line verbs. Each verb lives in its own module with a clap `Args`
//! struct and a `run` function returning the process exit code.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::{GlobalArgs, Settings};

pub mod accounts;
pub mod serve;

#[derive(Debug, Parser)]
#[command(
    name = "xiaobao",
    version,
    about = "xiaobao (消保): consumer-protection platform for banks"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    // One variant per verb, dispatched in `dispatch` below.
    /// Start the web server (with `--demo`: on an empty database, a demo bank).
    Serve(serve::ServeArgs),
    /// Manage user accounts.
    #[command(subcommand)]
    User(accounts::UserCommand),
    /// Manage API tokens.
    #[command(subcommand)]
    Token(accounts::TokenCommand),
    /// Manage the organisation tree.
    #[command(subcommand)]
    Org(accounts::OrgCommand),
    /// Create or upgrade the database schema.
    Migrate,
}

/// Parses the command line, runs the verb, and maps errors to exit status 2.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match dispatch(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("错误 error: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn dispatch(cli: Cli) -> anyhow::Result<ExitCode> {
    let Cli { global, command } = cli;
    // Verbs that work on files alone resolve no settings; the rest need them.
    let settings = || Settings::resolve(&global);
    match command {
        Command::Serve(args) => serve::run(settings()?, args),
        Command::User(cmd) => accounts::user(settings()?, cmd),
        Command::Token(cmd) => accounts::token(settings()?, cmd),
        Command::Org(cmd) => accounts::org(settings()?, cmd),
        Command::Migrate => accounts::migrate(settings()?),
    }
}
