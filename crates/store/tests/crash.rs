//! Crash test: a process writing through the store is killed with SIGKILL, and
//! every write it had acknowledged must be there afterwards — on SQLite (WAL,
//! synchronous=FULL) and on PostgreSQL.
//!
//! The test re-runs its own executable as the writing child (`--child URL`):
//! the child creates organisations one by one and prints `ack CODE` after each
//! commit; the parent kills it mid-stream, reopens the database and looks for
//! every acknowledged code.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use xiaobao_domain::org::OrgKind;
use xiaobao_store::Store;
use xiaobao_store::orgs::NewOrg;

const ACKS_BEFORE_KILL: usize = 150;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let rt = tokio::runtime::Runtime::new().expect("tokio runtime");
    if let Some(pos) = args.iter().position(|a| a == "--child") {
        let url = args.get(pos + 1).expect("--child needs a URL").clone();
        rt.block_on(child(url));
        return ExitCode::SUCCESS;
    }
    // `cargo test --list` and name filters: this file holds two tests.
    if args.iter().any(|a| a == "--list") {
        println!("sqlite_acknowledged_writes_survive_sigkill: test");
        println!("postgres_acknowledged_writes_survive_sigkill: test");
        return ExitCode::SUCCESS;
    }
    let mut passed = 0;
    let mut failed = 0;
    for (name, backend) in [
        ("sqlite_acknowledged_writes_survive_sigkill", "sqlite"),
        ("postgres_acknowledged_writes_survive_sigkill", "postgres"),
    ] {
        let result = rt.block_on(parent(backend));
        match result {
            Ok(n) => {
                println!("test {name} ... ok ({n} acknowledged writes all present)");
                passed += 1;
            }
            Err(e) => {
                println!("test {name} ... FAILED: {e}");
                failed += 1;
            }
        }
    }
    println!(
        "\ntest result: {}. {passed} passed; {failed} failed",
        if failed == 0 { "ok" } else { "FAILED" }
    );
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

async fn child(url: String) {
    let store = Store::open(&url).await.expect("child opens store");
    store
        .create_org(&NewOrg {
            code: "ROOT",
            name: "总行",
            kind: OrgKind::HeadOffice,
            parent_code: None,
            sort_order: 0,
        })
        .await
        .expect("root");
    let stdout = std::io::stdout();
    for i in 0.. {
        let code = format!("C{i}");
        store
            .create_org(&NewOrg {
                code: &code,
                name: "网点",
                kind: OrgKind::Outlet,
                parent_code: Some("ROOT"),
                sort_order: i,
            })
            .await
            .expect("write");
        let mut out = stdout.lock();
        writeln!(out, "ack {code}").expect("stdout");
        out.flush().expect("flush");
    }
}

async fn parent(backend: &str) -> Result<usize, String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let url = match backend {
        "sqlite" => format!("sqlite://{}", dir.path().join("crash.db").display()),
        _ => xiaobao_testkit::postgres_database().await,
    };
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut child = Command::new(exe)
        .arg("--child")
        .arg(&url)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("spawn child: {e}"))?;
    let stdout = child.stdout.take().ok_or("no child stdout")?;
    let mut acked = Vec::new();
    let started = Instant::now();
    for line in BufReader::new(stdout).lines() {
        let line = line.map_err(|e| e.to_string())?;
        if let Some(code) = line.strip_prefix("ack ") {
            acked.push(code.to_string());
        }
        if acked.len() >= ACKS_BEFORE_KILL || started.elapsed() > Duration::from_secs(120) {
            break;
        }
    }
    // Child::kill sends SIGKILL on Unix: no destructors, no flushes.
    child.kill().map_err(|e| format!("kill: {e}"))?;
    child.wait().map_err(|e| e.to_string())?;
    if acked.len() < ACKS_BEFORE_KILL {
        return Err(format!("child acknowledged only {} writes", acked.len()));
    }
    let store = Store::open(&url)
        .await
        .map_err(|e| format!("reopen: {e}"))?;
    for code in &acked {
        store
            .org_by_code(code)
            .await
            .map_err(|e| format!("acknowledged write {code} lost after SIGKILL: {e}"))?;
    }
    Ok(acked.len())
}
