//! Editing the taxonomy and rules without a release, on both backends: an
//! officer's edit is validated, audited, applied at once, and picked up by
//! another instance sharing the database.

mod common;

use axum::http::StatusCode;
use common::{Client, demo};
use xiaobao_store::Store;

xiaobao_testkit::backend_tests!(officer_edits_taxonomy_and_every_instance_follows);

async fn officer_edits_taxonomy_and_every_instance_follows(store: Store) {
    let passwords = demo(&store).await;
    let token = store.create_token("cp_officer", "t").await.unwrap();
    let mut c = Client::new(store.clone());
    let complaint = serde_json::json!({
        "received_at": "2026-11-20", "channel": "视频银行", "business_category": "银行卡",
        "reason": "定价收费", "content": "视频银行办理挂失时被收取费用"
    })
    .to_string();
    let r = c
        .post_json_with_token("/api/v1/complaints", &token, &complaint)
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "unknown channel before the edit"
    );

    // A second instance on the same database.
    let other = common::services(store.clone());
    other.reload_config().await.unwrap();

    let mut browser = c.fresh();
    let csrf = browser.login("cp_officer", &passwords["cp_officer"]).await;
    let page = browser.get("/settings/config").await;
    assert_eq!(page.status, StatusCode::OK);
    let mut taxonomy: serde_json::Value = serde_json::from_str(&c_services_json(&store)).unwrap();
    taxonomy["jrt0169"]["channels"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({"code": "A20", "name": "视频银行", "note": "本行新增渠道"}));
    let text = serde_json::to_string_pretty(&taxonomy).unwrap();

    // Invalid documents are refused and change nothing.
    let r = browser
        .post_form(
            "/settings/config/taxonomy",
            &[
                ("_csrf", &csrf),
                ("json", "{\"not\": \"a taxonomy\"}"),
                ("reason", "测试"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("未保存"));

    let r = browser
        .post_form(
            "/settings/config/taxonomy",
            &[
                ("_csrf", &csrf),
                ("json", &text),
                ("reason", "新增视频银行渠道"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("已保存"));
    let r = c
        .post_json_with_token("/api/v1/complaints", &token, &complaint)
        .await;
    assert_eq!(
        r.status,
        StatusCode::CREATED,
        "the new channel is accepted at once: {}",
        r.body
    );
    assert_eq!(r.json()["channel"], "视频银行");

    assert!(
        other
            .taxonomy()
            .lookup(xiaobao_domain::taxonomy::Dimension::Channel, "视频银行")
            .is_none()
    );
    assert!(
        other.reload_config().await.unwrap(),
        "the other instance sees a new version"
    );
    assert!(
        other
            .taxonomy()
            .lookup(xiaobao_domain::taxonomy::Dimension::Channel, "视频银行")
            .is_some()
    );

    // Handlers cannot edit; the edit is audited.
    let mut handler = c.fresh();
    let hcsrf = handler.login("handler_hz", &passwords["handler_hz"]).await;
    assert_eq!(
        handler.get("/settings/config").await.status,
        StatusCode::FORBIDDEN
    );
    let r = handler
        .post_form(
            "/settings/config/taxonomy",
            &[("_csrf", &hcsrf), ("json", &text), ("reason", "x")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let auditor = store.create_token("auditor", "t").await.unwrap();
    let audit = c.get_with_token("/api/v1/audit", &auditor).await.json();
    assert!(audit.to_string().contains("新增视频银行渠道"));
}

fn c_services_json(store: &Store) -> String {
    common::services(store.clone()).config_json(xiaobao_service::config::ConfigKind::Taxonomy)
}
