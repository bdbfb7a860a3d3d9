//! `xiaobao scan` and `xiaobao kb` end to end: exit statuses 0/1/2 and the
//! JSON shape a content pipeline relies on.

use std::path::Path;
use std::process::{Command, Output};

fn xiaobao(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xiaobao"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run xiaobao")
}

fn write(dir: &Path, name: &str, content: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, content).expect("write fixture");
    p.display().to_string()
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}

#[test]
fn clean_text_exits_zero() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "ok.txt",
        "本行最新推出的大额存单，第一期已开售，欢迎到网点咨询。".as_bytes(),
    );
    let out = xiaobao(&["scan", &f, "--kind", "marketing"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn forbidden_wording_exits_one_with_json_findings() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "ad.txt",
        "新品上市\n本理财产品保 本保息，稳赚不赔！".as_bytes(),
    );
    let out = xiaobao(&["scan", &f, "--kind", "marketing", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out);
    let files = v.as_array().expect("array of files");
    assert_eq!(files.len(), 1);
    let obj = &files[0];
    assert_eq!(obj["file"], f.as_str());
    let findings = obj["findings"].as_array().expect("findings array");
    let first = findings
        .iter()
        .find(|x| x["entry_id"] == "RET-01-001")
        .expect("保本 finding");
    // Offsets are char offsets into the original text: "新品上市\n" is 5 chars.
    assert_eq!(first["start"], 10);
    assert_eq!(first["text"], "保 本保息");
    assert_eq!(first["severity"], "禁止");
    assert!(
        first["basis"][0]["law"]
            .as_str()
            .unwrap()
            .contains("广告法")
    );
    assert!(obj["missing_disclosures"].as_array().is_some());
    assert!(
        obj["missing_disclosures"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["rule_id"] == "REQ-01")
    );
}

#[test]
fn text_output_is_a_compiler_style_diagnostic() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "ad.txt", "第一行\n零风险，收益稳健".as_bytes());
    let out = xiaobao(&["scan", &f]);
    assert_eq!(out.status.code(), Some(1));
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(s.contains(&format!("{f}:2:1: 禁止 [RET-01-002]")), "{s}");
    assert!(s.contains("^^^^^^"), "{s}");
    assert!(
        s.contains("依据：《中华人民共和国广告法》 Art. 25(1)"),
        "{s}"
    );
    assert!(!s.contains('\x1b'), "no colour when not a terminal");
}

#[test]
fn html_is_extracted_before_scanning() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "page.dat",
        "<!DOCTYPE html><html><head><style>.a{}</style></head><body>\
         <p>稳<b>赚</b>不赔</p><script>var s='无关';</script></body></html>"
            .as_bytes(),
    );
    let out = xiaobao(&["scan", &f, "--format", "json", "--kind", "marketing"]);
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out);
    let finding = &v[0]["findings"][0];
    assert_eq!(finding["text"], "稳赚不赔");
    assert_eq!(finding["start"], 0);
}

#[test]
fn binary_or_non_utf8_input_exits_two_with_chinese_error() {
    let dir = tempfile::tempdir().unwrap();
    let bin = write(
        dir.path(),
        "x.bin",
        &[0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0xff],
    );
    let out = xiaobao(&["scan", &bin]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("二进制"));

    // "保本" in GBK.
    let gbk = write(dir.path(), "gbk.txt", &[0xb1, 0xa3, 0xb1, 0xbe]);
    let out = xiaobao(&["scan", &gbk]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("UTF-8"));

    let out = xiaobao(&["scan", "/nonexistent/file.txt"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn bad_kb_exits_two_and_custom_kb_overrides_seed() {
    let dir = tempfile::tempdir().unwrap();
    let text = write(dir.path(), "t.txt", "这款产品真棒".as_bytes());
    let bad = write(dir.path(), "bad.jsonl", b"{not json}\n");
    let out = xiaobao(&["scan", &text, "--kb", &bad]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad.jsonl:1"));

    let kb = write(
        dir.path(),
        "kb.jsonl",
        r#"{"id":"T-1","title":"测试","category":"绝对化用语","severity":"禁止","kinds":["marketing"],"terms":["真棒"],"basis":[{"law":"《中华人民共和国广告法》","article":"Art. 9(3)","gist":"测试"}],"suggestion":"改写"}"#
            .as_bytes(),
    );
    let out = xiaobao(&["scan", &text, "--kb", &kb, "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(json(&out)[0]["findings"][0]["entry_id"], "T-1");
}

#[test]
fn several_files_give_one_object_each() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(dir.path(), "a.txt", "欢迎光临".as_bytes());
    let b = write(dir.path(), "b.md", "# 标题\n\n**保本保息**".as_bytes());
    let out = xiaobao(&["scan", &a, &b, "--format", "json", "--kind", "marketing"]);
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out);
    assert_eq!(v.as_array().unwrap().len(), 2);
    assert_eq!(v[0]["findings"].as_array().unwrap().len(), 0);
    assert_eq!(v[1]["file"], b.as_str());
    assert_eq!(v[1]["findings"][0]["text"], "保本保息");
}

#[test]
fn many_files_are_reported_in_the_given_order() {
    // More files than cores, so that they are scanned at the same time; a
    // large one first, so that later files finish before it.
    let dir = tempfile::tempdir().unwrap();
    let big = "本产品保本保息，欢迎咨询。".repeat(20_000);
    let mut files = vec![write(dir.path(), "00-big.txt", big.as_bytes())];
    for i in 1..12 {
        let content = if i % 3 == 0 {
            "稳赚不赔的理财"
        } else {
            "欢迎光临"
        };
        files.push(write(
            dir.path(),
            &format!("{i:02}.txt"),
            content.as_bytes(),
        ));
    }
    files.insert(5, write(dir.path(), "05-binary.txt", b"\x00\x01\x02"));
    files.insert(8, dir.path().join("missing.txt").display().to_string());
    let mut args = vec!["scan", "--format", "json"];
    args.extend(files.iter().map(String::as_str));
    let out = xiaobao(&args);
    // A file that could not be read wins over findings.
    assert_eq!(out.status.code(), Some(2));
    let v = json(&out);
    let reported: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    let readable: Vec<&str> = files
        .iter()
        .map(String::as_str)
        .filter(|f| !f.contains("binary") && !f.contains("missing"))
        .collect();
    assert_eq!(reported, readable);
    // Each file's report is what scanning it alone gives.
    for (i, f) in readable.iter().enumerate() {
        let alone = json(&xiaobao(&["scan", "--format", "json", f]));
        assert_eq!(v[i], alone[0], "{f}");
    }
    // Errors come in the order of the files too.
    let stderr = String::from_utf8_lossy(&out.stderr);
    let binary = stderr.find("05-binary.txt").expect("binary file named");
    let missing = stderr.find("missing.txt").expect("missing file named");
    assert!(binary < missing, "{stderr}");
}

#[test]
fn kb_check_export_import_round_trip() {
    let out = xiaobao(&["kb", "check"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let dir = tempfile::tempdir().unwrap();
    let exported = dir.path().join("kb.jsonl").display().to_string();
    let out = xiaobao(&["kb", "export", "--format", "jsonl", "--output", &exported]);
    assert_eq!(out.status.code(), Some(0));
    let content = std::fs::read_to_string(&exported).unwrap();
    assert!(content.lines().count() > 40);
    assert!(content.contains(r#""type":"disclosure""#));

    let normalised = dir.path().join("norm.jsonl").display().to_string();
    let out = xiaobao(&["kb", "import", &exported, "--output", &normalised]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(std::fs::read_to_string(&normalised).unwrap(), content);

    let out = xiaobao(&["kb", "check", &exported]);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn kb_check_reports_errors_with_line_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write(
        dir.path(),
        "bad.jsonl",
        concat!(
            r#"{"id":"A-1","title":"t","category":"绝对化用语","severity":"禁止","kinds":["marketing"],"terms":["最佳"],"basis":[{"law":"l","article":"a","gist":"g"}],"suggestion":"s"}"#,
            "\n",
            r#"{"id":"A-2","title":"t","category":"不存在的类别","severity":"禁止","kinds":["marketing"],"terms":["x"],"basis":[{"law":"l","article":"a","gist":"g"}],"suggestion":"s"}"#,
            "\n",
            r#"{"id":"A-3","title":"t","category":"绝对化用语","severity":"禁止","kinds":["poster"],"regexes":["(未闭合"],"basis":[{"law":"l","article":"a","gist":"g"}],"suggestion":"s"}"#,
            "\n"
        )
        .as_bytes(),
    );
    let out = xiaobao(&["kb", "check", &bad]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.jsonl:2:"), "{err}");
    assert!(err.contains("不存在的类别"), "{err}");
    assert!(err.contains("bad.jsonl:3:"), "{err}");

    let out = xiaobao(&["kb", "import", &bad, "--output", "/dev/null"]);
    assert_eq!(out.status.code(), Some(1));
}
