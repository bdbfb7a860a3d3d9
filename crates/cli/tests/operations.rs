//! The binary as IT staff use it: settings and their errors, accounts and
//! tokens from the shell, a server that starts, answers and stops cleanly on
//! SIGTERM.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn xiaobao(dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_xiaobao"));
    cmd.arg("--data-dir")
        .arg(dir)
        .env_remove("XIAOBAO_PII_KEYS");
    for var in [
        "XIAOBAO_DATABASE",
        "XIAOBAO_LISTEN",
        "XIAOBAO_CONFIG",
        "XIAOBAO_DATA_DIR",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

fn run(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().expect("run xiaobao");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn bad_settings_get_one_line_naming_the_setting() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = run(xiaobao(dir.path()).args(["--listen", "not-an-address", "migrate"]));
    assert_eq!(code, 2);
    assert!(
        err.contains("listen") && err.contains("127.0.0.1:8080"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");

    let (code, _, err) = run(xiaobao(dir.path()).args(["--database", "mysql://x", "migrate"]));
    assert_eq!(code, 2);
    assert!(
        err.contains("database") && err.contains("postgres://"),
        "{err}"
    );

    let cfg = dir.path().join("xiaobao.toml");
    std::fs::write(&cfg, "listen = \"127.0.0.1:9000\"\nlisen = \"typo\"\n").unwrap();
    let (code, _, err) = run(xiaobao(dir.path()).arg("--config").arg(&cfg).arg("migrate"));
    assert_eq!(code, 2);
    assert!(err.contains("lisen"), "the unknown key is named: {err}");

    let (code, _, err) = run(xiaobao(dir.path())
        .env("XIAOBAO_SESSION_TTL_MINUTES", "abc")
        .arg("migrate"));
    assert_eq!(code, 2);
    assert!(err.contains("XIAOBAO_SESSION_TTL_MINUTES"), "{err}");
}

#[test]
fn accounts_and_tokens_from_the_shell() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out, err) = run(xiaobao(dir.path()).args(["migrate"]));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("sqlite"));
    assert!(
        dir.path().join("xiaobao.db").exists(),
        "the database is created in the data dir"
    );

    let (code, out, err) =
        run(xiaobao(dir.path()).args(["user", "add", "li.wei", "--role", "handler"]));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("一次性密码"), "{out}");
    let (code, _, err) = run(xiaobao(dir.path()).args(["user", "add", "boss", "--role", "king"]));
    assert_eq!(code, 2);
    assert!(err.contains("cp_officer"), "valid roles are listed: {err}");
    let (code, _, _) =
        run(xiaobao(dir.path()).args(["user", "add", "li.wei", "--role", "handler"]));
    assert_eq!(code, 2, "duplicate username");

    let (code, out, err) = run(xiaobao(dir.path()).args(["token", "create", "--user", "li.wei"]));
    assert_eq!(code, 0, "{err}");
    let last = out.trim_end().lines().last().unwrap();
    assert!(
        last.starts_with("xbt_") && !last.contains(' '),
        "the token alone on the last line: {out:?}"
    );
    let (code, _, _) = run(xiaobao(dir.path()).args(["token", "create", "--user", "nobody"]));
    assert_eq!(code, 2);
}

#[test]
fn server_starts_answers_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = xiaobao(dir.path())
        .args([
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--log-format",
            "json",
            "serve",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let mut printed = String::new();
    for line in stdout.lines() {
        let line = line.unwrap();
        printed.push_str(&line);
        printed.push('\n');
        if line.contains("running at") {
            break;
        }
    }
    assert!(
        printed.contains("admin") && printed.contains("一次性密码"),
        "bare serve creates admin: {printed}"
    );
    let started = Instant::now();
    let ready = loop {
        if let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            use std::io::{Read, Write};
            s.write_all(b"GET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .unwrap();
            let mut resp = String::new();
            let _ = s.read_to_string(&mut resp);
            break resp;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "server did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(ready.starts_with("HTTP/1.1 200"), "{ready}");
    // The key file for personal data is created with owner-only permissions.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("pii.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "pii.key must be private: {mode:o}");
    }

    // SIGTERM: a graceful stop with exit status 0.
    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let status = child.wait().unwrap();
    assert!(status.success(), "graceful shutdown exits 0: {status:?}");
    let mut logs = String::new();
    use std::io::Read;
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut logs)
        .unwrap();
    let json_lines: Vec<&str> = logs.lines().filter(|l| l.starts_with('{')).collect();
    assert!(
        !json_lines.is_empty(),
        "--log-format json writes JSON lines: {logs}"
    );
    assert!(logs.contains("stopped"), "{logs}");
}
