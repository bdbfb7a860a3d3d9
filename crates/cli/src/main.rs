//! `xiaobao` — the one binary: server, administration and offline analysis verbs.

mod commands;
mod config;
mod progress;

use std::process::ExitCode;

/// mimalloc instead of the system allocator: imports and scans allocate on
/// worker threads and free on others, where glibc's arenas spend a sixth
/// of an import's CPU time in malloc and free (BENCHMARKS.md, import).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    commands::main()
}
