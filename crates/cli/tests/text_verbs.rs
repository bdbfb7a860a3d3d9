//! End-to-end tests of the complaint-text verbs: the built binary is run on
//! small JSON Lines files and its output checked.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_xiaobao"))
}

fn run(args: &[&str], stdin: &str) -> Output {
    let mut child = bin()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start xiaobao: {e}"));
    if let Some(mut input) = child.stdin.take() {
        input
            .write_all(stdin.as_bytes())
            .unwrap_or_else(|e| panic!("cannot write stdin: {e}"));
    }
    child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("xiaobao did not finish: {e}"))
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn ok(args: &[&str], stdin: &str) -> String {
    let out = run(args, stdin);
    assert!(
        out.status.success(),
        "xiaobao {args:?} failed: {}",
        stderr(&out)
    );
    stdout(&out)
}

fn write(dir: &Path, name: &str, content: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap_or_else(|e| panic!("cannot write {name}: {e}"));
    path
}

fn record(id: &str, date: &str, text: &str, org: &str) -> String {
    serde_json::json!({"id": id, "received_at": date, "text": text, "org": org}).to_string()
}

fn json(s: &str) -> Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("not JSON ({e}): {s}"))
}

#[test]
fn segment_reads_stdin_and_files_and_masks_pii() {
    let out = ok(
        &["segment"],
        "我办理了信用卡分期，被收取手续费\n联系电话13812345678\n",
    );
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(lines[0].split(' ').any(|t| t == "信用卡分期"), "{out}");
    assert!(lines[0].split(' ').any(|t| t == "手续费"), "{out}");
    assert!(!out.contains("13812345678"), "{out}");

    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let file = write(dir.path(), "in.txt", "ATM吞卡\n\n暴力催收\n");
    let out = ok(&["segment", file.to_str().unwrap_or_default()], "");
    assert_eq!(
        out.lines().collect::<Vec<_>>(),
        vec!["ATM 吞卡", "", "暴力催收"]
    );

    // Many lines (several chunks per worker thread) come out in input order.
    let input: String = (0..3000)
        .map(|i| format!("第 {i} 件：信用卡分期手续费过高\n"))
        .collect();
    let out = ok(&["segment"], &input);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3000);
    for (i, line) in lines.iter().enumerate() {
        assert!(line.split(' ').any(|t| t == i.to_string()), "{i}: {line}");
    }
}

#[test]
fn hotwords_json_and_table() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let lines = [
        record("A1", "2024-05-01", "信用卡被盗刷了，要求赔偿", "城东支行"),
        record("A2", "2024-05-02", "信用卡年费乱收", "城东支行"),
        record(
            "A3",
            "2024-05-03T09:30:00+08:00",
            "我的信用卡被盗刷，联系电话13812345678",
            "城西支行",
        ),
        record("A4", "2024-06-01", "暴力催收骚扰家人", "城西支行"),
    ];
    let input = write(dir.path(), "c.jsonl", &(lines.join("\n") + "\n"));
    let path = input.to_str().unwrap_or_default();

    let out = json(&ok(
        &["analyze", "hotwords", "--input", path, "--top", "5"],
        "",
    ));
    let terms = out
        .as_array()
        .unwrap_or_else(|| panic!("array expected: {out}"));
    assert!(terms.len() <= 5);
    assert_eq!(terms[0]["term"], "信用卡");
    assert_eq!(terms[0]["docs"], 3);
    assert_eq!(terms[0]["example_ids"][0], "A3");
    let all = out.to_string();
    assert!(
        !all.contains("13812345678") && !all.contains("138"),
        "{all}"
    );

    let may = json(&ok(
        &[
            "analyze",
            "hotwords",
            "--input",
            path,
            "--from",
            "2024-05-02",
            "--to",
            "2024-05-31",
        ],
        "",
    ));
    let may_terms: Vec<&str> = may
        .as_array()
        .map(|a| a.iter().filter_map(|t| t["term"].as_str()).collect())
        .unwrap_or_default();
    assert!(
        may_terms.contains(&"年费") && !may_terms.contains(&"催收"),
        "{may_terms:?}"
    );
    assert_eq!(may[0]["docs"], 2);

    let table = ok(
        &["analyze", "hotwords", "--input", path, "--format", "table"],
        "",
    );
    assert!(
        table.contains("热词") && table.contains("信用卡"),
        "{table}"
    );
    let rows: Vec<&str> = table.lines().skip(1).collect();
    let rule = rows[1];
    assert!(rule.starts_with("----"), "{table}");
}

#[test]
fn rising_ranks_the_injected_topic_first() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let background = [
        "信用卡年费乱收要求退还",
        "手机银行转账失败",
        "网点排队时间太长",
        "理财产品收益太低",
        "房贷审批太慢",
    ];
    let mut lines = Vec::new();
    let start = chrono::NaiveDate::from_ymd_opt(2024, 4, 1).unwrap_or_default();
    let mut n = 0;
    for day in 0..35u64 {
        let date = start + chrono::Days::new(day);
        for (k, text) in background.iter().enumerate() {
            n += 1;
            lines.push(record(
                &format!("R{n}"),
                &date.to_string(),
                &format!("{text}，第{k}件"),
                "总行",
            ));
        }
        let outages = if day >= 28 {
            6
        } else {
            usize::from(day % 14 == 0)
        };
        for _ in 0..outages {
            n += 1;
            lines.push(record(
                &format!("R{n}"),
                &date.to_string(),
                "ETC扣费失败，高速公路收费站无法通行",
                "总行",
            ));
        }
    }
    let as_of = (start + chrono::Days::new(34)).to_string();
    let input = write(dir.path(), "r.jsonl", &lines.join("\n"));
    let out = json(&ok(
        &[
            "analyze",
            "rising",
            "--input",
            input.to_str().unwrap_or_default(),
            "--as-of",
            &as_of,
        ],
        "",
    ));
    let first = &out[0];
    assert_eq!(first["term"], "ETC", "{out}");
    assert_eq!(first["window_docs"], 42);
    assert_eq!(first["baseline_docs"], 2);
    assert_eq!(first["significant"], true);
    for key in ["growth", "score", "window_rate", "baseline_rate"] {
        assert!(first[key].is_number(), "{key} missing: {first}");
    }
    // only the outage text's own terms rise; the background does not
    let outage_terms = xiaobao_text::terms("ETC扣费失败，高速公路收费站无法通行");
    let others_significant: Vec<&Value> = out
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|t| t["significant"] == true)
                .filter(|t| !outage_terms.iter().any(|w| t["term"] == w.as_str()))
                .collect()
        })
        .unwrap_or_default();
    assert!(others_significant.is_empty(), "{others_significant:?}");

    let table = ok(
        &[
            "analyze",
            "rising",
            "--input",
            input.to_str().unwrap_or_default(),
            "--as-of",
            &as_of,
            "--window-days",
            "7",
            "--baseline-days",
            "28",
            "--top",
            "3",
            "--format",
            "table",
        ],
        "",
    );
    assert!(table.contains("显著") && table.contains("ETC"), "{table}");
}

#[test]
fn clusters_find_the_group_complaint() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut lines = Vec::new();
    for i in 0..22 {
        lines.push(record(
            &format!("G{i}"),
            &format!("2024-03-{:02}", 1 + i % 20),
            &format!(
                "本人在城东支行购买的稳盈3号理财产品{}万元到期后无法兑付，银行以资金未到位为由拖延，要求立即兑付本金和收益，电话1390000{i:04}",
                5 + i
            ),
            if i % 2 == 0 { "城东支行" } else { "城西支行" },
        ));
    }
    let others = [
        "信用卡年费在未告知的情况下被扣除",
        "手机银行登录时反复闪退无法使用",
        "催收人员每天打电话骚扰家人和同事",
        "网点排队三个小时只开了一个窗口",
    ];
    for (i, t) in others.iter().enumerate() {
        lines.push(record(&format!("O{i}"), "2024-03-05", t, "城南支行"));
    }
    let input = write(dir.path(), "g.jsonl", &lines.join("\n"));
    let path = input.to_str().unwrap_or_default();
    let out = json(&ok(&["analyze", "clusters", "--input", path], ""));
    let clusters = out
        .as_array()
        .unwrap_or_else(|| panic!("array expected: {out}"));
    assert_eq!(clusters.len(), 1, "{out}");
    assert_eq!(clusters[0]["size"], 22);
    assert_eq!(clusters[0]["major_candidate"], true);
    assert_eq!(clusters[0]["first_date"], "2024-03-01");
    assert_eq!(clusters[0]["last_date"], "2024-03-20");
    assert!(!out.to_string().contains("1390000"), "PII in output");

    let table = ok(
        &["analyze", "clusters", "--input", path, "--format", "table"],
        "",
    );
    assert!(
        table.contains("疑似重大投诉") && table.contains("是"),
        "{table}"
    );
}

#[test]
fn classify_default_and_trained_models() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let lines = [
        record(
            "C1",
            "2024-05-01",
            "催收人员天天给我父母打电话，还威胁要去我单位",
            "城东支行",
        ),
        record(
            "C2",
            "2024-05-01",
            "请问下一期储蓄国债什么时候发行",
            "城东支行",
        ),
    ];
    let input = write(dir.path(), "k.jsonl", &lines.join("\n"));
    let path = input.to_str().unwrap_or_default();
    let out = ok(&["classify", "--input", path, "--format", "json"], "");
    let rows: Vec<Value> = out.lines().map(json).collect();
    assert_eq!(rows.len(), 2, "{out}");
    assert_eq!(rows[0]["id"], "C1");
    assert_eq!(rows[0]["business_category"], "债务催收");
    assert_eq!(rows[0]["reason"], "债务催收方式和手段");
    assert_eq!(rows[0]["is_complaint"], true);
    assert_eq!(rows[1]["business_category"], "国库");
    assert_eq!(rows[1]["is_complaint"], false);
    for row in &rows {
        let c = row["confidence"].as_f64().unwrap_or(-1.0);
        assert!((0.0..=1.0).contains(&c), "{row}");
    }

    // train on part of the shipped set, then classify with the saved model
    let shipped = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../data/classify/train.jsonl"
    ))
    .unwrap_or_else(|e| panic!("{e}"));
    let subset: Vec<&str> = shipped.lines().take(600).collect();
    let labelled = write(dir.path(), "train.jsonl", &subset.join("\n"));
    let model = dir.path().join("model.json");
    let report = ok(
        &[
            "classify",
            "train",
            "--input",
            labelled.to_str().unwrap_or_default(),
            "--output",
            model.to_str().unwrap_or_default(),
            "--folds",
            "3",
        ],
        "",
    );
    assert!(
        report.contains("准确率") && report.contains("3 折"),
        "{report}"
    );
    assert!(model.exists());
    let out = ok(
        &[
            "classify",
            "--input",
            path,
            "--model",
            model.to_str().unwrap_or_default(),
        ],
        "",
    );
    assert_eq!(out.lines().count(), 2);
    assert_eq!(
        json(out.lines().next().unwrap_or_default())["business_category"],
        "债务催收"
    );

    let bad_model = write(dir.path(), "bad.json", "{\"format\":\"x\"}");
    let out = run(
        &[
            "classify",
            "--input",
            path,
            "--model",
            bad_model.to_str().unwrap_or_default(),
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("模型"), "{}", stderr(&out));
}

#[test]
fn pii_mask_filters_stdin() {
    let out = run(
        &["pii", "mask"],
        "客户电话13812345678\n卡背面三位是123，验证码是654321\n无敏感信息\n",
    );
    assert!(out.status.success());
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines,
        vec![
            "客户电话138****5678",
            "[已删除:安全码]，[已删除:验证码]",
            "无敏感信息"
        ]
    );
    assert!(stderr(&out).contains("第 2 行"), "{}", stderr(&out));
}

#[test]
fn bad_input_names_the_line_and_exits_2() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let cases = [
        (
            format!("{}\n{{not json\n", record("A", "2024-01-01", "x", "o")),
            "第 2 行",
        ),
        (
            format!(
                "{}\n\n{}\n",
                record("A", "2024-01-01", "x", "o"),
                record("B", "01/02/2024", "y", "o")
            ),
            "第 3 行",
        ),
        (
            "{\"received_at\":\"2024-01-01\",\"text\":\"x\"}\n".to_string(),
            "第 1 行",
        ),
        (
            "{\"id\":\"A\",\"received_at\":\"2024-01-01\"}\n".to_string(),
            "text",
        ),
    ];
    for (content, needle) in cases {
        let input = write(dir.path(), "bad.jsonl", &content);
        for verb in [
            vec!["analyze", "hotwords"],
            vec!["analyze", "clusters"],
            vec!["classify"],
        ] {
            let mut args = verb.clone();
            args.extend(["--input", input.to_str().unwrap_or_default()]);
            let out = run(&args, "");
            assert_eq!(out.status.code(), Some(2), "{args:?}");
            assert!(stderr(&out).contains(needle), "{args:?}: {}", stderr(&out));
        }
    }
    let out = run(
        &[
            "analyze",
            "rising",
            "--input",
            "/nonexistent/x.jsonl",
            "--as-of",
            "2024-01-01",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(2));
    let out = run(
        &["analyze", "rising", "--input", "-", "--as-of", "2024-13-01"],
        "",
    );
    assert_eq!(out.status.code(), Some(2));
}
