//! End-to-end test of `xiaobao alerts backtest`: the built binary replays a
//! generated complaint stream and its JSON and table output are checked.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use chrono::{Days, NaiveDate};
use serde_json::{Value, json};
use unicode_width::UnicodeWidthStr;

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xiaobao"))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run xiaobao: {e}"))
}

fn ok(args: &[&str]) -> String {
    let out = run(args);
    assert!(
        out.status.success(),
        "xiaobao {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn fails(args: &[&str]) -> String {
    let out = run(args);
    assert_eq!(out.status.code(), Some(2), "xiaobao {args:?} should fail");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn day(n: u64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 5)
        .and_then(|d| d.checked_add_days(Days::new(n)))
        .unwrap_or_default()
}

fn write(dir: &Path, name: &str, content: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap_or_else(|e| panic!("cannot write {name}: {e}"));
    path
}

/// A small linear congruential generator: enough variety for the stream.
struct Lcg(u64);
impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) as usize) % n
    }
}

const FACTS: &[&str] = &[
    "信用卡年费在未告知的情况下被扣收",
    "跨行转账超过两天仍未到账",
    "提前还款时被要求支付高额违约金",
    "理财产品到期收益远低于业绩比较基准",
    "定期存款提前支取利息计算有误",
    "手机银行升级后无法查询历史交易",
    "网点排队等候时间超过一个小时",
    "客户经理推销保险时没有说明退保损失",
    "借记卡被莫名冻结，无法正常转账",
    "贷款结清后抵押登记迟迟没有注销",
];
const OPENINGS: &[&str] = &[
    "客户来电反映",
    "客户到网点投诉",
    "客户在手机银行留言",
    "来电人表示",
];
const DEMANDS: &[&str] = &[
    "要求退还费用",
    "要求尽快核实答复",
    "要求书面解释",
    "要求赔偿损失",
];

/// 80 days of three organisations, plus what the rules must find in the
/// last ten days: a burst, a cluster of copies, a threat, a C3 secret, a
/// complaint running past its due date and a repeat complainant.
fn stream() -> String {
    let mut rng = Lcg(42);
    let mut lines = Vec::new();
    let mut n = 0;
    let push = |lines: &mut Vec<String>, v: Value| lines.push(v.to_string());
    for d in 0..80u64 {
        for org in ["HZ01", "NB01", "WZ01"] {
            for _ in 0..(1 + rng.below(3)) {
                n += 1;
                let a = rng.below(FACTS.len());
                let b = (a + 1 + rng.below(FACTS.len() - 1)) % FACTS.len();
                let text = format!(
                    "{}，{}月{}日{}，另外{}，{}。",
                    OPENINGS[rng.below(OPENINGS.len())],
                    1 + rng.below(12),
                    1 + rng.below(28),
                    FACTS[a],
                    FACTS[b],
                    DEMANDS[rng.below(DEMANDS.len())]
                );
                push(
                    &mut lines,
                    json!({"id": format!("C{n:05}"), "received_at": format!("{}T10:00:00+08:00", day(d)),
                           "text": text, "org": org, "business_category": "银行卡", "channel": "电话渠道"}),
                );
            }
        }
    }
    // Day 72: a burst of 16 at NB01.
    for i in 0..16 {
        let text = format!(
            "客户反映{}，{}。",
            FACTS[i % FACTS.len()],
            DEMANDS[i % DEMANDS.len()]
        );
        push(
            &mut lines,
            json!({"id": format!("B{i:02}"), "received_at": day(72).to_string(), "text": text,
                   "org": "NB01", "business_category": "支付结算"}),
        );
    }
    // Days 70–72: six copies of one event at WZ01.
    for i in 0..6 {
        push(
            &mut lines,
            json!({"id": format!("E{i}"), "received_at": day(70 + i / 2).to_string(),
                   "text": "瑞安支行代销的“安心享”保险产品，销售时承诺随时可以退保不损失本金，现在退保却被扣除百分之二十的手续费，要求全额退还。",
                   "org": "WZ01", "business_category": "银行代理业务"}),
        );
    }
    // Day 74: a threat and a leaked verification code.
    push(
        &mut lines,
        json!({"id": "T1", "received_at": day(74).to_string(),
               "text": "再不处理我就打12378投诉，还要找记者曝光，客服还让我报了验证码 583920。",
               "org": "HZ01"}),
    );
    // Received on day 60, due on day 75, still open.
    push(
        &mut lines,
        json!({"id": "D1", "received_at": day(60).to_string(), "text": "转账延迟到账，要求说明原因。",
               "org": "HZ01", "due_date": day(75).to_string(), "status": "in_progress"}),
    );
    // One complainant, three times in a month.
    for (i, d) in [71u64, 74, 77].iter().enumerate() {
        push(
            &mut lines,
            json!({"id": format!("R{i}"), "received_at": day(*d).to_string(),
                   "text": format!("第{}次反映贷款利率调整问题，要求答复。", i + 1),
                   "org": "WZ01", "complainant_key": "bidx:9f1c2e"}),
        );
    }
    lines.join("\n") + "\n"
}

#[test]
fn backtest_prints_every_alert_the_rules_raise() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let input = write(dir.path(), "stream.jsonl", &stream());
    let (from, to) = (day(70).to_string(), day(79).to_string());
    let path = input.to_string_lossy().to_string();
    let out = ok(&[
        "alerts", "backtest", "--input", &path, "--from", &from, "--to", &to,
    ]);
    let alerts: Vec<Value> = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    for a in &alerts {
        for field in [
            "rule",
            "org",
            "date",
            "severity",
            "evidence",
            "dedup_key",
            "title",
        ] {
            assert!(a.get(field).is_some(), "{field} missing: {a}");
        }
        let date = a["date"].as_str().unwrap_or_default();
        assert!(
            NaiveDate::parse_from_str(date, "%Y-%m-%d").is_ok(),
            "{date}"
        );
        assert!(date >= from.as_str() && date <= to.as_str());
        assert!(["high", "medium", "low"].contains(&a["severity"].as_str().unwrap_or_default()));
    }
    let find = |rule: &str, pred: &dyn Fn(&Value) -> bool| {
        alerts
            .iter()
            .find(|a| a["rule"] == rule && pred(a))
            .unwrap_or_else(|| panic!("no {rule} alert in {out}"))
            .clone()
    };
    let spike = find("volume_spike", &|a| {
        a["org"] == "NB01" && a["date"] == day(72).to_string()
    });
    assert!(spike["evidence"]["count"].as_u64().unwrap_or_default() >= 16);
    assert!(spike["evidence"]["expected"].as_f64().unwrap_or_default() > 0.5);
    assert!(
        spike["evidence"]["series"]
            .as_array()
            .is_some_and(|s| s.len() == 28)
    );
    let cluster = find("same_event_cluster", &|a| a["scope"]["complaint"] == "E0");
    assert_eq!(cluster["org"], "WZ01");
    assert_eq!(cluster["date"], day(72).to_string());
    assert_eq!(cluster["evidence"]["count"], 6);
    let threat = find("escalation_language", &|a| a["scope"]["complaint"] == "T1");
    assert_eq!(threat["date"], day(74).to_string());
    let secret = find("sensitive_data", &|a| a["scope"]["complaint"] == "T1");
    assert_eq!(secret["severity"], "high");
    let at_risk = find("sla_at_risk", &|a| a["scope"]["complaint"] == "D1");
    assert_eq!(at_risk["date"], day(72).to_string());
    let overdue = find("sla_overdue", &|a| a["scope"]["complaint"] == "D1");
    assert_eq!(overdue["date"], day(76).to_string());
    let repeat = find("repeat_complainant", &|_| true);
    assert_eq!(repeat["date"], day(77).to_string());
    // Each alert once, on its first day, while it keeps firing.
    for key in [
        "volume_spike;org=NB01",
        "same_event_cluster;org=WZ01;complaint=E0",
        "sla_at_risk;org=HZ01;complaint=D1",
        "sla_overdue;org=HZ01;complaint=D1",
        "escalation_language;org=HZ01;complaint=T1",
    ] {
        let n = alerts.iter().filter(|a| a["dedup_key"] == key).count();
        assert_eq!(n, 1, "{key} printed {n} times: {out}");
    }
    // Nothing of the texts is quoted.
    assert!(!out.contains("583920") && !out.contains("bidx:9f1c2e") && !out.contains("记者"));

    // The table: one row per alert, aligned by display width.
    let table = ok(&[
        "alerts", "backtest", "--input", &path, "--from", &from, "--to", &to, "--format", "table",
    ]);
    let lines: Vec<&str> = table.lines().collect();
    assert!(
        lines[0].contains(&format!("预警 {} 条", alerts.len())),
        "{table}"
    );
    assert!(
        lines[1].starts_with("日期") && lines[1].contains("规则"),
        "{table}"
    );
    assert_eq!(lines.len(), alerts.len() + 3, "{table}");
    let col = |line: &str| line.find("  ").map(|i| line[..i].width());
    assert!(
        lines[2..].iter().all(|l| col(l) == col(lines[3])),
        "{table}"
    );

    // A rules file turns volume_spike off.
    let mut rules: Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/alerts/rules.json"),
        )
        .unwrap_or_default(),
    )
    .unwrap_or_default();
    rules["volume_spike"]["enabled"] = json!(false);
    let rules_path = write(dir.path(), "rules.json", &rules.to_string());
    let rp = rules_path.to_string_lossy().to_string();
    let out = ok(&[
        "alerts", "backtest", "--input", &path, "--from", &from, "--to", &to, "--rules", &rp,
    ]);
    let again: Vec<Value> = serde_json::from_str(&out).unwrap_or_default();
    assert!(!again.is_empty() && again.iter().all(|a| a["rule"] != "volume_spike"));
}

#[test]
fn backtest_errors_are_clear() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let good = json!({"id": "1", "received_at": "2026-01-05", "text": "转账未到账"}).to_string();
    let bad_line = write(dir.path(), "bad.jsonl", &format!("{good}\n{{\"id\": 2}}\n"));
    let err = fails(&[
        "alerts",
        "backtest",
        "--input",
        &bad_line.to_string_lossy(),
        "--from",
        "2026-01-05",
        "--to",
        "2026-01-06",
    ]);
    assert!(err.contains("第 2 行"), "{err}");
    let bad_date = write(
        dir.path(),
        "due.jsonl",
        &json!({"id": "1", "received_at": "2026-01-05", "text": "x", "due_date": "05/01/2026"})
            .to_string(),
    );
    let err = fails(&[
        "alerts",
        "backtest",
        "--input",
        &bad_date.to_string_lossy(),
        "--from",
        "2026-01-05",
        "--to",
        "2026-01-06",
    ]);
    assert!(
        err.contains("第 1 行") && err.contains("日期无法识别"),
        "{err}"
    );
    let ok_input = write(dir.path(), "ok.jsonl", &good);
    let input = ok_input.to_string_lossy().to_string();
    let err = fails(&[
        "alerts",
        "backtest",
        "--input",
        &input,
        "--from",
        "2026-01-09",
        "--to",
        "2026-01-05",
    ]);
    assert!(err.contains("开始日期"), "{err}");
    let rules = write(dir.path(), "rules.json", "{\"volume_spike\": {}}");
    let err = fails(&[
        "alerts",
        "backtest",
        "--input",
        &input,
        "--from",
        "2026-01-05",
        "--to",
        "2026-01-05",
        "--rules",
        &rules.to_string_lossy(),
    ]);
    assert!(err.contains("告警规则文件"), "{err}");
    let err = fails(&[
        "alerts",
        "backtest",
        "--input",
        &input,
        "--from",
        "2026-13-01",
        "--to",
        "2026-01-05",
    ]);
    assert!(err.contains("YYYY-MM-DD"), "{err}");
}
