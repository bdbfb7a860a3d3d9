//! Early warning in the product, on both backends: a burst of near-identical
//! complaints raises one same-event alert however often the rules run,
//! escalation language raises an alert at intake, the lifecycle refuses bad
//! steps, branches see only their own alerts, unacknowledged high alerts
//! move up, and new alerts reach a webhook with the delivery logged.

mod common;

use std::sync::{Arc, Mutex};

use axum::http::StatusCode;
use common::{Client, demo};
use serde_json::json;
use xiaobao_server::AppState;
use xiaobao_service::config::ConfigKind;
use xiaobao_store::Store;

xiaobao_testkit::backend_tests!(
    a_burst_raises_one_cluster_alert_and_notifies_a_webhook,
    escalation_language_alerts_at_intake_with_lifecycle_and_scope,
    unacknowledged_high_alerts_escalate_to_the_parent_org,
    alert_centre_pages_show_list_heat_map_and_evidence,
    the_first_scheduled_run_on_demo_data_raises_alerts
);

fn now_text() -> String {
    chrono::Utc::now().to_rfc3339()
}

fn complaint(org: &str, content: &str, phone: &str) -> String {
    json!({
        "received_at": now_text(),
        "channel": "电话渠道",
        "business_category": "银行卡",
        "reason": "定价收费",
        "content": content,
        "org": org,
        "complainant": {"name": "张三丰", "phone": phone},
        "demands": ["申请退费"]
    })
    .to_string()
}

/// Near-identical complaints about one event, from different customers.
const BURST: &str = "本人信用卡账户于本月被扣收年费三百元，银行事先未告知也未经同意，客服称系统统一扣费无法退还，要求立即退还年费并说明扣费依据。";

/// A local HTTP receiver that records every JSON body it is sent.
async fn receiver() -> (String, Arc<Mutex<Vec<String>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let app = {
        let seen = seen.clone();
        axum::Router::new().route(
            "/hook",
            axum::routing::post(move |body: String| {
                let seen = seen.clone();
                async move {
                    seen.lock().unwrap().push(body);
                    axum::Json(json!({"ok": true}))
                }
            }),
        )
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (format!("http://{addr}/hook"), seen)
}

/// A port nothing listens on.
async fn closed_port() -> u16 {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    l.local_addr().unwrap().port()
}

async fn officer(store: &Store) -> xiaobao_domain::actor::Actor {
    store.actor_by_username("cp_officer").await.unwrap()
}

async fn a_burst_raises_one_cluster_alert_and_notifies_a_webhook(store: Store) {
    demo(&store).await;
    let handler = store.create_token("handler_hz", "t").await.unwrap();
    let mut c = Client::new(store.clone());
    for i in 0..6 {
        let text = format!("{BURST}（第{i}位客户，电话1381234{i:04}）");
        let r = c
            .post_json_with_token(
                "/api/v1/complaints",
                &handler,
                &complaint("HZ01", &text, &format!("1381234{i:04}")),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }

    let services = common::services(store.clone());
    let (url, seen) = receiver().await;
    let dead = format!("http://127.0.0.1:{}/hook", closed_port().await);
    let settings = json!({
        "channels": [
            {"name": "消保部群", "kind": "webhook", "url": url},
            {"name": "消保部邮箱", "kind": "webhook", "url": dead}
        ],
        "escalate_after_minutes": 60,
        "link_base": "https://xiaobao.bank.example",
        "max_attempts": 2,
        "initial_backoff_ms": 10
    });
    let officer = officer(&store).await;
    // A channel with a bad address is refused and changes nothing.
    let bad = json!({"channels": [{"name": "群", "kind": "webhook", "url": "ftp://x"}]});
    assert!(
        services
            .update_config(
                &officer,
                ConfigKind::AlertNotifications,
                &bad.to_string(),
                "配置通知"
            )
            .await
            .is_err()
    );
    services
        .update_config(
            &officer,
            ConfigKind::AlertNotifications,
            &settings.to_string(),
            "配置通知通道",
        )
        .await
        .unwrap();

    // The scheduled job evaluates through its lease, like on a server.
    let state = AppState::new(services.clone(), common::config());
    assert!(xiaobao_server::jobs::run_once(&state, xiaobao_server::jobs::EVALUATE_ALERTS).await);
    let runs = store.recent_job_runs(10).await.unwrap();
    let run = runs.iter().find(|r| r.job == "evaluate_alerts").unwrap();
    assert_eq!(run.ok, 1, "{}", run.message);

    let list = c
        .get_with_token("/api/v1/alerts?rule=same_event_cluster", &handler)
        .await
        .json();
    assert_eq!(list["total"], 1, "{list}");
    let alert = &list["items"][0];
    assert_eq!(alert["org_code"], "HZ01");
    assert_eq!(alert["status"], "new");
    assert!(alert["evidence"]["count"].as_u64().unwrap() >= 6, "{alert}");
    assert_eq!(
        alert["evidence"]["complaint_ids"].as_array().unwrap().len(),
        6
    );
    let id = alert["id"].as_str().unwrap().to_string();

    // Re-evaluating refreshes the open alert instead of raising another.
    let again = services
        .evaluate_alerts(xiaobao_domain::complaint::china_date(chrono::Utc::now()))
        .await
        .unwrap();
    assert!(again.candidates >= 1);
    assert!(again.created.is_empty(), "{again:?}");
    let list = c
        .get_with_token("/api/v1/alerts?rule=same_event_cluster", &handler)
        .await
        .json();
    assert_eq!(list["total"], 1);

    // One delivery to the receiver, one failure after two attempts, logged.
    let detail = c
        .get_with_token(&format!("/api/v1/alerts/{id}"), &handler)
        .await
        .json();
    let deliveries = detail["deliveries"].as_array().unwrap();
    assert_eq!(deliveries.len(), 2, "{detail}");
    let ok = deliveries
        .iter()
        .find(|d| d["channel"] == "消保部群")
        .unwrap();
    assert_eq!(ok["status"], "delivered");
    assert_eq!(ok["kind"], "webhook");
    assert_eq!(ok["attempts"], 1);
    assert!(!ok["target"].as_str().unwrap().contains("/hook"));
    let failed = deliveries
        .iter()
        .find(|d| d["channel"] == "消保部邮箱")
        .unwrap();
    assert_eq!(failed["status"], "failed");
    assert_eq!(failed["attempts"], 2);
    assert!(failed["last_error"].as_str().is_some());

    // Each new alert is announced once (other rules may fire on the burst
    // too); the refresh above sent nothing.
    let bodies = seen.lock().unwrap().clone();
    let cluster: Vec<&String> = bodies
        .iter()
        .filter(|b| b.contains("same_event_cluster"))
        .collect();
    assert_eq!(cluster.len(), 1, "{bodies:?}");
    assert!(cluster[0].contains(&format!("https://xiaobao.bank.example/alerts/{id}")));
    for body in &bodies {
        for personal in ["张三丰", "13812340001", "第1位客户"] {
            assert!(!body.contains(personal), "personal data in {body}");
        }
    }
}

async fn escalation_language_alerts_at_intake_with_lifecycle_and_scope(store: Store) {
    demo(&store).await;
    let hz = store.create_token("handler_hz", "t").await.unwrap();
    let nb = store.create_token("handler_nb", "t").await.unwrap();
    let viewer = store.create_token("viewer", "t").await.unwrap();
    let mut c = Client::new(store.clone());
    let r = c
        .post_json_with_token(
            "/api/v1/complaints",
            &hz,
            &complaint(
                "HZ02",
                "理财产品亏损严重，银行拒不处理，再不解决我就找媒体曝光并向法院起诉。",
                "13900001111",
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let number = r.json()["number"].as_str().unwrap().to_string();

    // Raised at intake, before any scheduled evaluation.
    let list = c
        .get_with_token("/api/v1/alerts?rule=escalation_language", &hz)
        .await
        .json();
    assert_eq!(list["total"], 1, "{list}");
    let alert = list["items"][0].clone();
    let id = alert["id"].as_str().unwrap().to_string();
    assert_eq!(alert["org_code"], "HZ02");
    assert!(alert["evidence"]["tags"].to_string().contains("媒体"));
    assert!(!alert["title"].as_str().unwrap().contains("13900001111"));
    assert!(
        alert["title"].as_str().unwrap().contains(&number),
        "{alert}"
    );
    let path = format!("/api/v1/alerts/{id}");

    // Ningbo sees nothing of a Hangzhou alert.
    let nb_list = c.get_with_token("/api/v1/alerts", &nb).await.json();
    assert_eq!(nb_list["total"], 0);
    assert_eq!(
        c.get_with_token(&path, &nb).await.status,
        StatusCode::NOT_FOUND
    );
    let r = c
        .post_json_with_token(&format!("{path}/actions/acknowledge"), &nb, "{}")
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // Filtering on an organisation outside the scope matches nothing.
    let r = c
        .get_with_token("/api/v1/alerts?org=HZ02", &nb)
        .await
        .json();
    assert_eq!(r["total"], 0);
    let r = c.get_with_token("/api/v1/alerts?status=bogus", &hz).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Lifecycle: viewers only read, closing needs a note, steps go forward.
    let r = c
        .post_json_with_token(&format!("{path}/actions/acknowledge"), &viewer, "{}")
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = c
        .post_json_with_token(&format!("{path}/actions/close"), &hz, r#"{"note":" "}"#)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let r = c
        .post_json_with_token(
            &format!("{path}/actions/acknowledge"),
            &hz,
            r#"{"version":1}"#,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["status"], "acknowledged");
    assert_eq!(r.json()["version"], 2);
    let r = c
        .post_json_with_token(&format!("{path}/actions/acknowledge"), &hz, "{}")
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let r = c
        .post_json_with_token(&format!("{path}/actions/start"), &hz, r#"{"version":1}"#)
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "stale version");
    let r = c
        .post_json_with_token(&format!("{path}/actions/start"), &hz, r#"{"version":2}"#)
        .await;
    assert_eq!(r.json()["status"], "handling");
    let r = c
        .post_json_with_token(&format!("{path}/actions/reopen"), &hz, "{}")
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = c
        .post_json_with_token(
            &format!("{path}/actions/close"),
            &hz,
            r#"{"note":"已致电客户解释并退还费用"}"#,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["close_note"], "已致电客户解释并退还费用");
    let r = c
        .post_json_with_token(&format!("{path}/actions/close"), &hz, r#"{"note":"再关"}"#)
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);

    let detail = c.get_with_token(&path, &hz).await.json();
    let actions: Vec<&str> = detail["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["create", "acknowledge", "start", "close"]);
    assert_eq!(detail["events"][3]["actor_name"], "李文涛");
    // The evidence links the complaint.
    let complaint_id = detail["evidence"]["complaint_ids"][0].as_str().unwrap();
    let complaint = c
        .get_with_token(&format!("/api/v1/complaints/{complaint_id}"), &hz)
        .await
        .json();
    assert_eq!(complaint["number"], number.as_str());

    // Once closed, the same ticket may raise a fresh alert.
    let open = c
        .get_with_token("/api/v1/alerts?status=open", &hz)
        .await
        .json();
    assert_eq!(open["total"], 0, "{open}");

    let spec = c.get_with_token("/api/v1/openapi.json", &hz).await.json();
    assert!(spec["paths"]["/api/v1/alerts/{id}/actions/{action}"].is_object());
}

async fn unacknowledged_high_alerts_escalate_to_the_parent_org(store: Store) {
    demo(&store).await;
    let hz = store.create_token("handler_hz", "t").await.unwrap();
    let mut c = Client::new(store.clone());
    for (org, text) in [
        ("HZ03", "贷款被拒多次投诉无果，逼得我想自杀，你们看着办。"),
        ("HZ04", "柜员态度差，再不解决我就找媒体曝光。"),
    ] {
        let r = c
            .post_json_with_token(
                "/api/v1/complaints",
                &hz,
                &complaint(org, text, "13700002222"),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
    let list = c
        .get_with_token("/api/v1/alerts?rule=escalation_language", &hz)
        .await
        .json();
    assert_eq!(list["total"], 2, "{list}");
    let high = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["severity"] == "high")
        .expect("self-harm language is high severity")
        .clone();
    assert_eq!(high["org_code"], "HZ03");
    let id = high["id"].as_str().unwrap();

    let services = common::services(store.clone());
    // Not yet due.
    assert_eq!(
        services.escalate_alerts(chrono::Utc::now()).await.unwrap(),
        0
    );
    let later = chrono::Utc::now() + chrono::Duration::hours(5);
    assert_eq!(services.escalate_alerts(later).await.unwrap(), 1);
    assert_eq!(services.escalate_alerts(later).await.unwrap(), 0);
    let detail = c
        .get_with_token(&format!("/api/v1/alerts/{id}"), &hz)
        .await
        .json();
    assert_eq!(detail["org_code"], "HZ");
    assert!(detail["escalated_at"].is_string());
    let last = detail["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["action"], "escalate");
    assert!(last["payload"].as_str().unwrap().contains("HZ03"));
    // The medium alert stayed with its outlet.
    let medium = c
        .get_with_token("/api/v1/alerts?severity=medium&org=HZ04", &hz)
        .await
        .json();
    assert_eq!(medium["total"], 1);
    assert!(medium["items"][0]["escalated_at"].is_null());
}

async fn alert_centre_pages_show_list_heat_map_and_evidence(store: Store) {
    let passwords = demo(&store).await;
    let hz = store.create_token("handler_hz", "t").await.unwrap();
    let mut api = Client::new(store.clone());
    let r = api
        .post_json_with_token(
            "/api/v1/complaints",
            &hz,
            &complaint(
                "HZ01",
                "扣费不合理，再不解决我就找媒体曝光。",
                "13600003333",
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let services = common::services(store.clone());
    services.count_pending_terms().await.unwrap();

    let mut c = Client::new(store.clone());
    c.login("handler_hz", &passwords["handler_hz"]).await;
    let page = c.get("/alerts").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("预警中心"));
    assert!(page.body.contains("投诉升级风险"), "{}", page.body);
    assert!(page.body.contains("id=\"heatmap\""));
    assert!(page.body.contains("杭州西湖支行"));
    assert!(
        page.body.contains("<th>银行卡</th>")
            && page
                .body
                .contains("org=HZ01&amp;business_category=B01&amp;from="),
        "the heat map counts the new 银行卡 complaint at 杭州西湖支行: {}",
        &page.body[page.body.find("id=\"heatmap\"").unwrap_or(0)..]
    );
    let id = api.get_with_token("/api/v1/alerts", &hz).await.json()["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let detail = c.get(&format!("/alerts/{id}")).await;
    assert_eq!(detail.status, StatusCode::OK);
    assert!(detail.body.contains("媒体曝光"), "{}", detail.body);
    assert!(detail.body.contains("/complaints/"));
    assert!(detail.body.contains("actions/acknowledge"));

    let csrf = common::hidden_field(&detail.body, "_csrf").unwrap();
    let r = c
        .post_form(
            &format!("/alerts/{id}/actions/close"),
            &[("_csrf", &csrf), ("version", "1"), ("note", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("处置说明"));
    let r = c
        .post_form(
            &format!("/alerts/{id}/actions/acknowledge"),
            &[("_csrf", &csrf), ("version", "1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let detail = c.get(&format!("/alerts/{id}")).await;
    assert!(detail.body.contains("已确认"));

    // Another branch's handler gets the not-found page.
    let mut nb = Client::new(store.clone());
    nb.login("handler_nb", &passwords["handler_nb"]).await;
    assert_eq!(
        nb.get(&format!("/alerts/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
}

async fn the_first_scheduled_run_on_demo_data_raises_alerts(store: Store) {
    demo(&store).await;
    let services = common::services(store.clone());
    let today = xiaobao_domain::complaint::china_date(chrono::Utc::now());
    xiaobao_demo::seed::seed_complaints(&services, 2_000, today)
        .await
        .unwrap();
    let state = AppState::new(services, common::config());
    assert!(xiaobao_server::jobs::run_once(&state, xiaobao_server::jobs::EVALUATE_ALERTS).await);
    let officer = store.create_token("cp_officer", "t").await.unwrap();
    let mut c = Client::new(store.clone());
    let list = c
        .get_with_token("/api/v1/alerts?status=new&per_page=500", &officer)
        .await
        .json();
    let total = list["total"].as_i64().unwrap();
    assert!(total > 0, "{list}");
    // Every complaint awaiting its decision past its due date has an alert.
    let overdue = c
        .get_with_token("/api/v1/complaints?deadline=overdue&per_page=1", &officer)
        .await
        .json()["total"]
        .as_i64()
        .unwrap();
    let overdue_alerts = c
        .get_with_token("/api/v1/alerts?rule=sla_overdue&per_page=1", &officer)
        .await
        .json()["total"]
        .as_i64()
        .unwrap();
    assert!(overdue_alerts >= overdue, "{overdue_alerts} < {overdue}");
    // A second instance's run while the lease is held does nothing.
    let other = AppState::new(
        common::services(store.clone()),
        xiaobao_server::ServerConfig {
            instance_id: "another-instance".into(),
            ..common::config()
        },
    );
    assert!(!xiaobao_server::jobs::run_once(&other, xiaobao_server::jobs::EVALUATE_ALERTS).await);
}
