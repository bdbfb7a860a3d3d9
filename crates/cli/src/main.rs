//! `xiaobao` — the one binary: server, administration and offline analysis verbs.

mod commands;
mod config;

use std::process::ExitCode;

fn main() -> ExitCode {
    commands::main()
}
