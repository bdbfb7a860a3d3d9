//! Loading, validation diagnostics, serialisation, diff and hot swap.

use std::sync::Arc;

use xiaobao_lexicon::{
    DiagnosticCode, KbVersion, KnowledgeBase, Level, Matcher, MaterialKind, ScanOptions,
    SharedMatcher, diff,
};

const BASIS: &str =
    r#""basis":[{"law":"《中华人民共和国广告法》","article":"Art. 9(3)","gist":"测试"}]"#;

fn entry(id: &str, extra: &str) -> String {
    format!(
        r#"{{"id":"{id}","title":"t","category":"绝对化用语","severity":"禁止","kinds":["marketing"],{extra},{BASIS},"suggestion":"改写"}}"#
    )
}

fn codes_at(src: &str) -> Vec<(Option<usize>, DiagnosticCode, Level)> {
    let (_, diags) = KnowledgeBase::parse_jsonl_lenient(src);
    diags
        .into_iter()
        .map(|d| (d.line, d.code, d.level))
        .collect()
}

#[test]
fn parse_errors_carry_line_numbers() {
    let src = [
        entry("A-1", r#""terms":["最佳"]"#),
        "{broken".to_string(),
        String::new(),
        r#"{"id":"A-3","title":"t","category":"没有这个类别","severity":"禁止","kinds":["marketing"],"terms":["x"],"basis":[],"suggestion":"s"}"#.to_string(),
        r#"{"id":"A-4","title":"t","category":"绝对化用语","severity":"很严重","kinds":["poster"],"terms":["x"],"basis":[],"suggestion":"s"}"#.to_string(),
        entry("A-5", r#""terms":["y"],"unknown_field":1"#),
        "[1,2]".to_string(),
    ]
    .join("\n");
    let got = codes_at(&src);
    assert!(
        got.contains(&(Some(2), DiagnosticCode::Syntax, Level::Error)),
        "{got:?}"
    );
    assert!(got.contains(&(Some(4), DiagnosticCode::UnknownCategory, Level::Error)));
    assert!(got.contains(&(Some(5), DiagnosticCode::UnknownSeverity, Level::Error)));
    assert!(got.contains(&(Some(5), DiagnosticCode::UnknownKind, Level::Error)));
    assert!(got.contains(&(Some(6), DiagnosticCode::Schema, Level::Error)));
    assert!(got.contains(&(Some(7), DiagnosticCode::NotAnObject, Level::Error)));
    // The valid line still loads in lenient mode; strict mode refuses.
    let (kb, _) = KnowledgeBase::parse_jsonl_lenient(&src);
    assert_eq!(kb.entries.len(), 1);
    assert!(KnowledgeBase::parse_jsonl(&src).is_err());
}

#[test]
fn semantic_checks() {
    let src = [
        entry("B-1", r#""terms":["最佳","最 佳"," ，！"],"allow":["最高级"]"#),
        entry("B-2", r#""terms":["最高级","好"]"#),
        entry("B-1", r#""regexes":["(unclosed","最?","保本 保息"]"#),
        entry("B-4", r#""terms":["最佳"]"#),
        r#"{"id":"B-5","title":"t","category":"绝对化用语","severity":"提示","kinds":[],"terms":["最佳"],"basis":[],"suggestion":""}"#.to_string(),
        entry("B-6", r#""proximity":[{"left":[],"right":["收益"],"within":3}]"#),
    ]
    .join("\n");
    let got = codes_at(&src);
    let has = |line: usize, code: DiagnosticCode| {
        got.iter().any(|(l, c, _)| *l == Some(line) && *c == code)
    };
    assert!(has(1, DiagnosticCode::DuplicatePattern), "{got:?}"); // 最 佳 == 最佳
    assert!(has(1, DiagnosticCode::NeverMatches)); // only punctuation
    assert!(has(2, DiagnosticCode::Conflict)); // 最高级 both allowed and denied
    assert!(has(2, DiagnosticCode::ShortTerm)); // 好
    assert!(
        got.iter()
            .any(|(_, c, _)| *c == DiagnosticCode::DuplicateId)
    );
    assert!(has(3, DiagnosticCode::InvalidRegex));
    assert!(has(3, DiagnosticCode::EmptyMatch));
    assert!(has(3, DiagnosticCode::NeverMatches)); // a space in a regex
    assert!(has(4, DiagnosticCode::DuplicatePattern)); // 最佳 also in B-1
    assert!(has(5, DiagnosticCode::NoKinds));
    assert!(has(5, DiagnosticCode::NoBasis));
    assert!(has(5, DiagnosticCode::NoSuggestion));
    assert!(has(6, DiagnosticCode::InvalidProximity));
}

#[test]
fn jsonl_round_trip_is_stable() {
    let mut kb = KnowledgeBase::seed().unwrap();
    kb.version = Some(KbVersion {
        number: 7,
        author: "合规部张三".into(),
        reason: "新增催收禁语".into(),
        timestamp: "2026-11-27T08:00:00+08:00".into(),
    });
    let text = kb.to_jsonl();
    let again = KnowledgeBase::parse_jsonl(&text).unwrap();
    assert_eq!(again.version, kb.version);
    assert_eq!(again.to_jsonl(), text);
    assert!(diff(&kb, &again).is_empty());
}

#[test]
fn diff_reports_added_removed_changed() {
    let old = KnowledgeBase::seed().unwrap();
    let mut new = old.clone();
    let removed = new.entries.remove(0).id;
    new.entries[0].severity = xiaobao_lexicon::Severity::Info;
    new.entries[0].terms.push("新增词".into());
    let changed = new.entries[0].id.clone();
    let mut added = new.entries[1].clone();
    added.id = "NEW-01".into();
    new.entries.push(added);
    new.disclosures[0].suggestion = "改了".into();

    let d = diff(&old, &new);
    assert_eq!(d.removed, vec![removed]);
    assert_eq!(d.added, vec!["NEW-01".to_string()]);
    let c = d
        .changed
        .iter()
        .find(|c| c.id == changed)
        .expect("changed entry");
    assert_eq!(c.fields, vec!["severity".to_string(), "terms".to_string()]);
    let c = d
        .changed
        .iter()
        .find(|c| c.id == old.disclosures[0].id)
        .expect("changed rule");
    assert_eq!(c.fields, vec!["suggestion".to_string()]);
}

#[test]
fn shared_matcher_swaps_while_old_snapshots_finish() {
    let v1 = KnowledgeBase::parse_jsonl(&entry("S-1", r#""terms":["旧词"]"#)).unwrap();
    let v2 = KnowledgeBase::parse_jsonl(&entry("S-2", r#""terms":["新词"]"#)).unwrap();
    let shared = Arc::new(SharedMatcher::from_kb(&v1).unwrap());
    let opts = ScanOptions::for_kind(MaterialKind::Marketing);

    let in_flight = shared.load();
    let previous = shared.rebuild(&v2).unwrap();
    assert!(Arc::ptr_eq(&previous, &in_flight));
    // The snapshot taken before the swap still scans with the old KB...
    assert_eq!(
        &*in_flight.scan("旧词新词", &opts).findings[0].entry_id,
        "S-1"
    );
    // ...new scans see the new one.
    let r = shared.scan("旧词新词", &opts);
    assert_eq!(r.findings.len(), 1);
    assert_eq!(&*r.findings[0].entry_id, "S-2");

    // Concurrent readers never observe a half-built matcher.
    let handles: Vec<_> = (0..4)
        .map(|i| {
            let shared = Arc::clone(&shared);
            std::thread::spawn(move || {
                for _ in 0..200 {
                    let r = shared.scan("旧词新词", &ScanOptions::default());
                    assert_eq!(r.findings.len(), 1, "thread {i}");
                }
            })
        })
        .collect();
    for _ in 0..20 {
        shared.swap(Matcher::compile(&v1).unwrap());
        shared.swap(Matcher::compile(&v2).unwrap());
    }
    for h in handles {
        h.join().unwrap();
    }

    // A broken KB does not replace the working matcher.
    let mut broken = v2.clone();
    broken.entries[0].regexes.push("(".into());
    assert!(shared.rebuild(&broken).is_err());
    assert_eq!(shared.scan("新词", &opts).findings.len(), 1);
}
