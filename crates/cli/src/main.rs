//! `xiaobao` — the one binary: server, administration and offline analysis verbs.

mod commands;
mod config;
mod progress;

use std::process::ExitCode;

fn main() -> ExitCode {
    commands::main()
}
