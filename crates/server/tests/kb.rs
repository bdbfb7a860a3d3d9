//! The knowledge base in the product, on both backends: editing with
//! validation and optimistic versions, scanning, history and rollback,
//! import/export, every instance following a change, and complaints tagged
//! with 违规催收 / 服务禁语 findings.

mod common;

use axum::http::StatusCode;
use common::{Client, demo};
use xiaobao_store::Store;

xiaobao_testkit::backend_tests!(
    kb_edits_are_validated_versioned_and_followed_by_every_instance,
    kb_pages_browse_edit_and_check_text,
    complaints_quoting_collection_abuse_are_tagged
);

fn new_entry(term: &str) -> serde_json::Value {
    serde_json::json!({
        "id": "TEST-01-001",
        "title": "测试：承诺稳赚",
        "category": "保本保收益承诺",
        "severity": "禁止",
        "kinds": ["marketing"],
        "terms": [term],
        "basis": [{"law": "《中华人民共和国广告法》", "article": "Art. 25(1)", "gist": "不得对未来收益作出保证性承诺"}],
        "suggestion": "删除收益承诺。"
    })
}

async fn kb_edits_are_validated_versioned_and_followed_by_every_instance(store: Store) {
    demo(&store).await;
    let officer = store.create_token("cp_officer", "t").await.unwrap();
    let handler = store.create_token("handler_hz", "t").await.unwrap();
    let mut c = Client::new(store.clone());
    let other = common::services(store.clone());

    let summary = c.get_with_token("/api/v1/kb", &handler).await.json();
    assert_eq!(summary["version"], 0);
    assert!(summary["entries"].as_u64().unwrap() >= 40);
    let listed = c
        .get_with_token(
            "/api/v1/kb/entries?category=%E5%80%BA%E5%8A%A1%E5%82%AC%E6%94%B6",
            &handler,
        )
        .await
        .json();
    assert!(listed["total"].as_u64().unwrap() >= 1);
    assert!(
        listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["category"] == "债务催收")
    );
    let bad_filter = c
        .get_with_token("/api/v1/kb/entries?kind=poster", &handler)
        .await;
    assert_eq!(bad_filter.status, StatusCode::UNPROCESSABLE_ENTITY);

    let text = r#"{"text":"本产品躺着数钱，放心购买","kind":"marketing"}"#;
    let before = c
        .post_json_with_token("/api/v1/kb/scan", &handler, text)
        .await
        .json();
    assert!(
        !before["findings"].to_string().contains("躺着数钱"),
        "the term is not in the shipped KB"
    );

    let edit = serde_json::json!({"entry": new_entry("躺着数钱"), "reason": "补充新变体", "base_version": 0});
    let path = "/api/v1/kb/entries/TEST-01-001";
    // A handler may read but not edit.
    let r = c
        .send_json_with_token("PUT", path, &handler, &edit.to_string())
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // An entry without legal basis is refused with diagnostics; nothing saved.
    let mut no_basis = edit.clone();
    no_basis["entry"]["basis"] = serde_json::json!([]);
    let r = c
        .send_json_with_token("PUT", path, &officer, &no_basis.to_string())
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.json()["error"]["details"]["diagnostics"].is_array());
    // A reason is required.
    let mut no_reason = edit.clone();
    no_reason["reason"] = serde_json::json!(" ");
    let r = c
        .send_json_with_token("PUT", path, &officer, &no_reason.to_string())
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        c.get_with_token("/api/v1/kb", &handler).await.json()["version"],
        0
    );

    let r = c
        .send_json_with_token("PUT", path, &officer, &edit.to_string())
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["version"], 1);
    let after = c
        .post_json_with_token("/api/v1/kb/scan", &handler, text)
        .await
        .json();
    assert!(
        after["findings"].to_string().contains("TEST-01-001"),
        "{after}"
    );
    assert_eq!(after["version"], 1);

    // An edit made against version 0 after version 1 exists is a conflict.
    let mut stale = edit.clone();
    stale["entry"]["terms"] = serde_json::json!(["躺着数钱", "躺赚"]);
    let r = c
        .send_json_with_token("PUT", path, &officer, &stale.to_string())
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);

    // Another instance on the same database follows within one poll.
    let scan = |s: &xiaobao_service::Services| {
        s.kb().matcher.scan(
            "本产品躺着数钱",
            &xiaobao_lexicon::ScanOptions::for_kind(xiaobao_lexicon::MaterialKind::Marketing),
        )
    };
    assert!(
        scan(&other)
            .findings
            .iter()
            .all(|f| &*f.entry_id != "TEST-01-001")
    );
    assert!(other.reload_config().await.unwrap());
    assert_eq!(other.kb().version, 1);
    assert!(
        scan(&other)
            .findings
            .iter()
            .any(|f| &*f.entry_id == "TEST-01-001")
    );

    // History, comparison, rollback.
    let versions = c
        .get_with_token("/api/v1/kb/versions", &handler)
        .await
        .json();
    assert_eq!(versions[0]["number"], 1);
    assert_eq!(versions[0]["reason"], "补充新变体");
    assert_eq!(versions[0]["diff"]["added"][0], "TEST-01-001");
    let v1 = c
        .get_with_token("/api/v1/kb/versions/1", &handler)
        .await
        .json();
    assert_eq!(v1["diff"]["added"][0], "TEST-01-001");
    let r = c
        .post_json_with_token(
            "/api/v1/kb/versions/0/rollback",
            &officer,
            r#"{"reason":"误加，撤回"}"#,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["version"], 2);
    let rolled = c
        .post_json_with_token("/api/v1/kb/scan", &handler, text)
        .await
        .json();
    assert!(!rolled["findings"].to_string().contains("TEST-01-001"));
    let v2 = c
        .get_with_token("/api/v1/kb/versions/2", &handler)
        .await
        .json();
    assert_eq!(v2["diff"]["removed"][0], "TEST-01-001");

    // Export as XLSX, import it back: a dry run shows no difference, and a
    // real import of an identical knowledge base creates no version.
    let xlsx = c
        .get_with_token("/api/v1/kb/export?format=xlsx", &handler)
        .await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert!(xlsx.raw.starts_with(b"PK"));
    let dry = c
        .post_bytes_with_token("/api/v1/kb/import?dry_run=true", &officer, xlsx.raw.clone())
        .await;
    assert_eq!(dry.status, StatusCode::OK, "{}", dry.body);
    assert_eq!(dry.json()["diff"]["added"], serde_json::json!([]));
    assert_eq!(dry.json()["diff"]["changed"], serde_json::json!([]));
    let same = c
        .post_bytes_with_token(
            "/api/v1/kb/import?reason=%E5%90%8C%E6%AD%A5",
            &officer,
            xlsx.raw.clone(),
        )
        .await;
    assert_eq!(
        same.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        same.body
    );
    // A JSON Lines file with a broken line is refused and names the line.
    let export = c.get_with_token("/api/v1/kb/export", &handler).await;
    assert_eq!(export.status, StatusCode::OK);
    assert!(export.body.lines().count() >= 50);
    let broken = format!("{}\n{{\"id\": \"X\"\n", new_entry("躺着数钱"));
    let r = c
        .post_bytes_with_token(
            "/api/v1/kb/import?reason=%E6%B5%8B%E8%AF%95",
            &officer,
            broken.into_bytes(),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("\"line\""), "{}", r.body);
    assert_eq!(
        c.get_with_token("/api/v1/kb", &handler).await.json()["version"],
        2
    );

    // Every change is in the audit log.
    let auditor = store.create_token("auditor", "t").await.unwrap();
    let audit = c.get_with_token("/api/v1/audit", &auditor).await.body;
    assert!(audit.contains("kb.update") && audit.contains("误加，撤回"));
}

async fn kb_pages_browse_edit_and_check_text(store: Store) {
    let passwords = demo(&store).await;
    let c = Client::new(store.clone());
    let mut reviewer = c.fresh();
    let csrf = reviewer.login("reviewer", &passwords["reviewer"]).await;
    let list = reviewer.get("/kb?q=%E9%80%9A%E8%AE%AF%E5%BD%95").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(
        list.body.contains("COL-01-001"),
        "search by term finds the collection entry"
    );

    let page = reviewer.get("/kb/entries/COL-01-001").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("商业银行信用卡业务监督管理办法"));

    // The paste-and-check box highlights the finding.
    let r = reviewer
        .post_form(
            "/kb/scan",
            &[
                ("_csrf", &csrf),
                ("kind", "marketing"),
                ("text", "本理财产品保本保收益，欢迎购买"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("<mark class=\"bad\""), "{}", r.body);
    assert!(r.body.contains("广告法"));
    let empty = reviewer
        .post_form(
            "/kb/scan",
            &[("_csrf", &csrf), ("kind", "marketing"), ("text", "  ")],
        )
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);

    // A new entry through the form; a bad basis line is explained, not saved.
    let fields = |basis: &'static str| -> Vec<(&'static str, &'static str)> {
        vec![
            ("id", "TEST-02-001"),
            ("title", "测试：收益翻倍"),
            ("category", "收益误导"),
            ("severity", "警示"),
            ("kinds", "marketing"),
            ("kinds", "sms"),
            ("terms", "收益翻倍\n收益翻番"),
            ("basis", basis),
            ("suggestion", "删除夸大收益的表述。"),
            ("enabled", "on"),
            ("reason", "表单新增"),
        ]
    };
    let mut bad = fields("只有法规名称");
    bad.push(("_csrf", &csrf));
    let r = reviewer.post_form("/kb/entries/new", &bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("法规名称｜条款｜要点"));
    let mut good = fields("《中华人民共和国广告法》｜Art. 25(1)｜不得对未来收益作出保证性承诺");
    good.push(("_csrf", &csrf));
    let r = reviewer.post_form("/kb/entries/new", &good).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("已保存为知识库版本 1"));
    let kb = common::services(store.clone());
    kb.reload_config().await.unwrap();
    let entry = kb.kb().kb.entry("TEST-02-001").cloned().unwrap();
    assert_eq!(entry.kinds.len(), 2);
    assert_eq!(entry.terms, vec!["收益翻倍", "收益翻番"]);

    let history = reviewer.get("/kb/versions").await;
    assert!(history.body.contains("表单新增"));

    // A handler reads the knowledge base but cannot change it.
    let mut handler = c.fresh();
    let hcsrf = handler.login("handler_hz", &passwords["handler_hz"]).await;
    assert_eq!(handler.get("/kb").await.status, StatusCode::OK);
    assert_eq!(
        handler.get("/kb/entries/new").await.status,
        StatusCode::FORBIDDEN
    );
    let mut h = fields("《中华人民共和国广告法》｜Art. 25(1)｜要点");
    h.push(("_csrf", &hcsrf));
    assert_eq!(
        handler.post_form("/kb/entries/new", &h).await.status,
        StatusCode::FORBIDDEN
    );
}

async fn complaints_quoting_collection_abuse_are_tagged(store: Store) {
    demo(&store).await;
    let token = store.create_token("cp_officer", "t").await.unwrap();
    let mut c = Client::new(store.clone());
    let body = serde_json::json!({
        "received_at": "2026-11-20", "channel": "电话渠道", "business_category": "银行卡",
        "reason": "债务催收方式和手段",
        "content": "催收人员说不还钱就爆通讯录，还给我单位领导打电话，严重影响工作。"
    });
    let r = c
        .post_json_with_token("/api/v1/complaints", &token, &body.to_string())
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.json()["id"].as_str().unwrap().to_string();
    let got = c
        .get_with_token(&format!("/api/v1/complaints/{id}"), &token)
        .await
        .json();
    let tags = got["tags"].to_string();
    assert!(tags.contains("违规催收:"), "{tags}");

    let calm = serde_json::json!({
        "received_at": "2026-11-20", "channel": "电话渠道", "business_category": "银行卡",
        "reason": "定价收费", "content": "信用卡年费扣收前没有短信提醒，要求退还年费。"
    });
    let r = c
        .post_json_with_token("/api/v1/complaints", &token, &calm.to_string())
        .await;
    let id = r.json()["id"].as_str().unwrap().to_string();
    let got = c
        .get_with_token(&format!("/api/v1/complaints/{id}"), &token)
        .await
        .json();
    assert!(!got["tags"].to_string().contains("违规催收"));
}
