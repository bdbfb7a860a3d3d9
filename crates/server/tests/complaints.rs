//! The complaint API and pages over the real router, on SQLite and
//! PostgreSQL: intake, validation, lifecycle, scope, reveal with audit.

mod common;

use axum::http::StatusCode;
use common::{Client, demo};
use serde_json::json;
use xiaobao_store::Store;

xiaobao_testkit::backend_tests!(
    intake_validates_and_masks,
    lifecycle_through_the_api,
    another_branch_sees_nothing,
    reveal_needs_permission_reason_and_is_audited,
    intake_form_list_and_detail_pages,
    import_is_all_or_nothing_and_idempotent,
    export_round_trips_masked,
    bulk_assignment_and_search_highlights,
);

fn complaint_json(org: &str) -> String {
    complaint_json_on(org, "2026-11-02")
}

fn complaint_json_on(org: &str, received: &str) -> String {
    json!({
        "received_at": received,
        "channel": "电话渠道",
        "business_category": "银行卡",
        "reason": "定价收费",
        "content": "本人信用卡年费未经告知被扣收300元，联系电话13812345678，要求退还。",
        "org": org,
        "external_id": format!("EXT-{org}"),
        "complainant": {"name": "张三丰", "phone": "13812345678", "id_number": "34052419800101001X", "card_number": "6222021234567890128"},
        "demands": ["申请退费"],
        "amount": "300"
    })
    .to_string()
}

async fn intake_validates_and_masks(store: Store) {
    let _ = demo(&store).await;
    let token = store.create_token("handler_hz", "t").await.unwrap();
    let mut c = Client::new(store);
    let r = c
        .post_json_with_token("/api/v1/complaints", &token, &complaint_json("HZ01"))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let body = r.json();
    assert!(body["number"].as_str().unwrap().starts_with("TS"));
    assert_eq!(body["status"], "registered");
    assert_eq!(body["due_date"], "2026-11-17");
    assert_eq!(body["complainant"]["phone"], "138****5678");
    assert_eq!(body["complainant"]["name"], "张**");
    assert_eq!(body["complainant"]["id_number"], "340***********001X");
    assert_eq!(body["complainant"]["card_number"], "622202*********0128");
    assert!(
        !r.body.contains("13812345678"),
        "the phone number leaked: {}",
        r.body
    );
    assert!(
        !body["content"].as_str().unwrap().contains("13812345678"),
        "free-text PII must be masked"
    );
    assert_eq!(body["org"]["code"], "HZ01");
    assert_eq!(body["business_category"], "银行卡");
    assert_eq!(body["amount"], "300.00");

    // The same external id again is a conflict.
    let again = c
        .post_json_with_token("/api/v1/complaints", &token, &complaint_json("HZ01"))
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);

    // Unknown category: 422 naming the valid ones.
    let bad = json!({"received_at": "2026-11-02", "channel": "电话渠道", "business_category": "彩票", "reason": "定价收费", "content": "x"});
    let r = c
        .post_json_with_token("/api/v1/complaints", &token, &bad.to_string())
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let errors = r.json()["error"]["details"]["errors"].clone();
    let cat = errors
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["field"] == "business_category")
        .unwrap();
    assert!(
        cat["allowed"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v == "信用卡" || v == "银行卡")
    );

    // Bad personal data is refused with the field named.
    let bad = json!({"received_at": "2026-11-02", "channel": "电话渠道", "business_category": "银行卡", "reason": "定价收费", "content": "x",
                     "complainant": {"id_number": "340524198001010011"}});
    let r = c
        .post_json_with_token("/api/v1/complaints", &token, &bad.to_string())
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("complainant.id_number"), "{}", r.body);
    // Missing required field → 422 too.
    let r = c
        .post_json_with_token("/api/v1/complaints", &token, r#"{"channel":"电话渠道"}"#)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
}

async fn lifecycle_through_the_api(store: Store) {
    let _ = demo(&store).await;
    let token = store.create_token("handler_hz", "t").await.unwrap();
    let mut c = Client::new(store);
    // Received two days ago, so the clock is running and can be extended.
    let today = xiaobao_domain::complaint::china_date(chrono::Utc::now());
    let received = today - chrono::Duration::days(2);
    let created = c
        .post_json_with_token(
            "/api/v1/complaints",
            &token,
            &complaint_json_on("HZ", &received.to_string()),
        )
        .await
        .json();
    assert_eq!(
        created["due_date"],
        (received + chrono::Duration::days(15)).to_string()
    );
    let id = created["id"].as_str().unwrap().to_string();
    let act = |name: &str| format!("/api/v1/complaints/{id}/actions/{name}");

    // Not allowed yet: 409 with the allowed actions.
    let r = c
        .post_json_with_token(
            &act("close"),
            &token,
            r#"{"outcome":"upheld","satisfaction":"satisfied"}"#,
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let allowed = r.json()["error"]["details"]["allowed"].clone();
    assert!(allowed.as_array().unwrap().iter().any(|a| a == "accept"));
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("受理")
    );
    let r = c.post_json_with_token(&act("fly"), &token, "").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    assert_eq!(
        c.post_json_with_token(&act("accept"), &token, "")
            .await
            .status,
        StatusCode::OK
    );
    // The assignment rules already chose the branch's handler at intake.
    assert_eq!(created["assignee"], "handler_hz");
    let r = c
        .post_json_with_token(&act("assign"), &token, r#"{"assignee":"handler_hz"}"#)
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(
        c.post_json_with_token(&act("start"), &token, "")
            .await
            .json()["status"],
        "in_progress"
    );
    let r = c
        .post_json_with_token(
            &act("extend"),
            &token,
            r#"{"tier":"complex","reason":"需调取录音核实"}"#,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        r.json()["due_date"],
        (received + chrono::Duration::days(30)).to_string(),
        "extended to 30 days"
    );
    let sent_at = chrono::Utc::now().to_rfc3339();

    // The decision notice must carry the Art. 19 elements.
    let r = c
        .post_json_with_token(
            &act("notify_decision"),
            &token,
            &json!({"method":"sms","sent_at":sent_at,"notice_text":"已退还年费。"}).to_string(),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("核查"), "{}", r.body);
    let notice = "经核实，年费系系统错误扣收。根据领用合约第5条，理由如下：未履行告知义务。如有异议，可自收到之日起30日内申请核查，也可申请调解、仲裁或向人民法院提起诉讼。";
    let r = c
        .post_json_with_token(
            &act("notify_decision"),
            &token,
            &json!({"method":"sms","sent_at":sent_at,"notice_text":notice}).to_string(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["status"], "decision_notified");
    let r = c
        .post_json_with_token(
            &act("close"),
            &token,
            r#"{"outcome":"upheld","satisfaction":"satisfied","compensation_fen":30000}"#,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["status"], "closed");
    assert_eq!(r.json()["compensation"], "300.00");

    let events = c
        .get_with_token(&format!("/api/v1/complaints/{id}/events"), &token)
        .await
        .json();
    let actions: Vec<_> = events
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        actions,
        [
            "register",
            "accept",
            "start",
            "extend",
            "notify_decision",
            "close"
        ]
    );
    assert_eq!(events[1]["action_name"], "受理");

    // Lists filter by status and find by number.
    let list = c
        .get_with_token("/api/v1/complaints?status=closed", &token)
        .await
        .json();
    assert_eq!(list["total"], 1);
    assert_eq!(list["total_capped"], false, "one match is counted exactly");
    let list = c
        .get_with_token("/api/v1/complaints?status=registered", &token)
        .await
        .json();
    assert_eq!(list["total"], 0);
    let r = c
        .get_with_token("/api/v1/complaints?status=flying", &token)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let number = created["number"].as_str().unwrap();
    assert_eq!(
        c.get_with_token(&format!("/api/v1/complaints/{number}"), &token)
            .await
            .json()["id"],
        id.as_str()
    );
    let found = c
        .get_with_token("/api/v1/complaints?q=年费", &token)
        .await
        .json();
    assert_eq!(found["total"], 1);
}

async fn another_branch_sees_nothing(store: Store) {
    let _ = demo(&store).await;
    let hz = store.create_token("handler_hz", "t").await.unwrap();
    let nb = store.create_token("handler_nb", "t").await.unwrap();
    let officer = store.create_token("cp_officer", "t").await.unwrap();
    let mut c = Client::new(store);
    let created = c
        .post_json_with_token("/api/v1/complaints", &hz, &complaint_json("HZ02"))
        .await
        .json();
    let id = created["id"].as_str().unwrap();
    let number = created["number"].as_str().unwrap();
    for path in [
        format!("/api/v1/complaints/{id}"),
        format!("/api/v1/complaints/{number}"),
        format!("/api/v1/complaints/{id}/events"),
    ] {
        let r = c.get_with_token(&path, &nb).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}: {}", r.body);
    }
    let r = c
        .post_json_with_token(&format!("/api/v1/complaints/{id}/actions/accept"), &nb, "")
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = c
        .post_json_with_token(
            &format!("/api/v1/complaints/{id}/reveal"),
            &nb,
            r#"{"field":"phone","reason":"核实身份需要"}"#,
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(
        c.get_with_token("/api/v1/complaints", &nb).await.json()["total"],
        0
    );
    assert_eq!(
        c.get_with_token("/api/v1/complaints?q=年费", &nb)
            .await
            .json()["total"],
        0
    );
    assert_eq!(
        c.get_with_token("/api/v1/complaints?org=HZ", &nb)
            .await
            .json()["total"],
        0
    );
    // Registering into another branch is refused.
    let r = c
        .post_json_with_token("/api/v1/complaints", &nb, &complaint_json("HZ03"))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    // Head office sees it.
    assert_eq!(
        c.get_with_token(&format!("/api/v1/complaints/{id}"), &officer)
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        c.get_with_token("/api/v1/complaints", &officer)
            .await
            .json()["total"],
        1
    );
}

async fn reveal_needs_permission_reason_and_is_audited(store: Store) {
    let _ = demo(&store).await;
    let hz = store.create_token("handler_hz", "t").await.unwrap();
    let viewer = store.create_token("viewer", "t").await.unwrap();
    let auditor = store.create_token("auditor", "t").await.unwrap();
    let mut c = Client::new(store);
    let id = c
        .post_json_with_token("/api/v1/complaints", &hz, &complaint_json("HZ01"))
        .await
        .json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let path = format!("/api/v1/complaints/{id}/reveal");
    let r = c
        .post_json_with_token(&path, &hz, r#"{"field":"phone","reason":""}"#)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = c
        .post_json_with_token(
            &path,
            &viewer,
            r#"{"field":"phone","reason":"回访客户需要"}"#,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = c
        .post_json_with_token(&path, &hz, r#"{"field":"phone","reason":"回访客户需要"}"#)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["value"], "13812345678");
    let r = c
        .post_json_with_token(
            &path,
            &hz,
            r#"{"field":"id_number","reason":"核实身份需要"}"#,
        )
        .await;
    assert_eq!(r.json()["value"], "34052419800101001X");
    let r = c
        .post_json_with_token(&path, &hz, r#"{"field":"content","reason":"核对原始记录"}"#)
        .await;
    assert!(r.json()["value"].as_str().unwrap().contains("13812345678"));
    let audit = c.get_with_token("/api/v1/audit", &auditor).await.json();
    let reveals: Vec<_> = audit
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "pii.reveal")
        .collect();
    assert_eq!(reveals.len(), 3);
    assert_eq!(reveals.last().unwrap()["detail"]["reason"], "回访客户需要");
    assert_eq!(reveals.last().unwrap()["actor"], "handler_hz");
    assert!(
        !audit.to_string().contains("13812345678"),
        "the audit log must not hold the value"
    );
}

async fn intake_form_list_and_detail_pages(store: Store) {
    let passwords = demo(&store).await;
    let mut c = Client::new(store);
    let csrf = c.login("handler_hz", &passwords["handler_hz"]).await;
    let form = c.get("/complaints/new").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("登记投诉"));
    // An incomplete form comes back with the errors and the entered values.
    let r = c
        .post_form(
            "/complaints/new",
            &[
                ("_csrf", &csrf),
                ("received_at", "2026-11-20"),
                ("channel", "营业现场"),
                ("content", "柜员态度恶劣"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("柜员态度恶劣"));
    let r = c
        .post_form(
            "/complaints/new",
            &[
                ("_csrf", &csrf),
                ("received_at", "2026-11-20"),
                ("source", "自有渠道"),
                ("channel", "营业现场"),
                ("business_category", "人民币储蓄"),
                ("reason", "服务态度及服务质量"),
                ("org", "HZ03"),
                ("content", "在萧山支行办理存款时柜员态度恶劣，要求道歉。"),
                ("demands", "答复"),
                ("vulnerable_flags", "老年人"),
                ("name", "王大爷"),
                ("phone", "139 0000 1234"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let detail_path = r.location.unwrap();
    let detail = c.get(&detail_path).await;
    assert_eq!(detail.status, StatusCode::OK);
    assert!(detail.body.contains("柜员态度恶劣"));
    assert!(detail.body.contains("139****1234"));
    assert!(!detail.body.contains("13900001234"));
    assert!(detail.body.contains("办理记录"));
    let list = c.get("/complaints?q=态度").await;
    assert!(
        list.body.contains("柜员态度恶劣"),
        "search finds the new complaint"
    );
    // Accept through the action form.
    let id = detail_path.trim_start_matches("/complaints/");
    let r = c
        .post_form(
            &format!("/complaints/{id}/actions/accept"),
            &[("_csrf", &csrf)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let detail = c.get(&detail_path).await;
    assert!(detail.body.contains("已受理"), "state shown after accept");
    // A refused action re-renders the page with the reason and 409.
    let r = c
        .post_form(
            &format!("/complaints/{id}/actions/accept"),
            &[("_csrf", &csrf)],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("可执行的操作"));
}

fn csv(rows: &[&str]) -> String {
    let mut out = String::from(
        "收到日期,投诉渠道,业务类别,投诉原因,投诉内容,责任机构,外部编号,投诉人姓名,联系电话\n",
    );
    for r in rows {
        out.push_str(r);
        out.push('\n');
    }
    out
}

async fn import_is_all_or_nothing_and_idempotent(store: Store) {
    let _ = demo(&store).await;
    let token = store.create_token("cp_officer", "t").await.unwrap();
    let mut c = Client::new(store);
    let good = csv(&[
        "2026-11-20,电话渠道,银行卡,定价收费,年费未告知即扣收,HZ01,IMP-1,李四,13900001111",
        "2026-11-21,移动客户端,贷款,合同条款,提前还款被收取违约金,NB02,IMP-2,王五,13900002222",
    ]);
    let bad = csv(&[
        "2026-11-20,电话渠道,银行卡,定价收费,年费未告知即扣收,HZ01,IMP-3,李四,13900001111",
        "2026-11-21,飞鸽传书,贷款,合同条款,提前还款被收取违约金,NB02,IMP-4,王五,12345",
    ]);
    let send = |body: &str, dry: bool| {
        axum::http::Request::post(format!("/api/v1/complaints/import?dry_run={dry}"))
            .header("authorization", format!("Bearer {token}"))
            .header("content-type", "text/csv")
            .body(axum::body::Body::from(body.to_string()))
            .unwrap()
    };
    let r = c.send(send(&bad, false)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let errors = r.json()["error"]["details"]["errors"].clone();
    let rows: Vec<_> = errors
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["row"].as_u64().unwrap())
        .collect();
    assert!(
        rows.iter().all(|r| *r == 3),
        "only the third line (second data row) is bad: {errors}"
    );
    assert!(errors.to_string().contains("channel") || errors.to_string().contains("投诉渠道"));
    assert_eq!(
        c.get_with_token("/api/v1/complaints", &token).await.json()["total"],
        0,
        "nothing written"
    );

    let r = c.send(send(&good, true)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["created"], 0);
    assert_eq!(
        c.get_with_token("/api/v1/complaints", &token).await.json()["total"],
        0,
        "dry run writes nothing"
    );

    let r = c.send(send(&good, false)).await;
    assert_eq!(r.json()["created"], 2, "{}", r.body);
    let r = c.send(send(&good, false)).await;
    assert_eq!(r.json()["created"], 0);
    assert_eq!(
        r.json()["skipped_existing"],
        2,
        "importing the same file twice is harmless"
    );
    let listed = c.get_with_token("/api/v1/complaints", &token).await.json();
    assert_eq!(listed["total"], 2);
    let mut numbers: Vec<String> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["number"].as_str().unwrap()[..10].to_string())
        .collect();
    numbers.sort();
    assert_eq!(
        numbers,
        ["TS20261120", "TS20261121"],
        "imports are numbered by the day received"
    );

    let t = c
        .get_with_token("/api/v1/complaints/template.xlsx", &token)
        .await;
    assert_eq!(t.status, StatusCode::OK);
}

async fn export_round_trips_masked(store: Store) {
    let _ = demo(&store).await;
    let token = store.create_token("handler_hz", "t").await.unwrap();
    let mut c = Client::new(store);
    for org in ["HZ01", "HZ02"] {
        let r = c
            .post_json_with_token("/api/v1/complaints", &token, &complaint_json(org))
            .await;
        assert_eq!(r.status, StatusCode::CREATED);
    }
    let r = c
        .send(
            axum::http::Request::get("/api/v1/complaints/export.xlsx?org=HZ")
                .header("authorization", format!("Bearer {token}"))
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    // Read it back with the spreadsheet reader.
    assert!(r.raw.starts_with(b"PK"), "an XLSX file");
    let mut wb: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(r.raw.clone())).unwrap();
    use calamine::Reader;
    let sheet = wb.worksheet_range_at(0).unwrap().unwrap();
    let rows: Vec<Vec<String>> = sheet
        .rows()
        .map(|row| row.iter().map(|c| c.to_string()).collect())
        .collect();
    assert_eq!(rows.len(), 3, "header + 2 complaints");
    assert_eq!(rows[0][0], "投诉编号");
    let all = format!("{rows:?}");
    assert!(all.contains("138****5678"));
    assert!(!all.contains("13812345678"), "exports are masked");
}

async fn bulk_assignment_and_search_highlights(store: Store) {
    let passwords = demo(&store).await;
    store
        .create_user(&xiaobao_store::accounts::NewUser {
            username: "hz01.handler",
            display_name: "钱多多",
            role: xiaobao_domain::role::Role::Handler,
            org_code: "HZ01",
            password: "long enough pw",
            must_change_password: false,
        })
        .await
        .unwrap();
    let token = store.create_token("handler_hz", "t").await.unwrap();
    let mut c = Client::new(store);
    let mut ids = Vec::new();
    for org in ["HZ01", "HZ01"] {
        let mut body: serde_json::Value = serde_json::from_str(&complaint_json(org)).unwrap();
        body["external_id"] = serde_json::Value::Null;
        let r = c
            .post_json_with_token("/api/v1/complaints", &token, &body.to_string())
            .await;
        ids.push(r.json()["id"].as_str().unwrap().to_string());
    }
    let mut browser = c.fresh();
    let csrf = browser.login("handler_hz", &passwords["handler_hz"]).await;
    let list = browser.get("/complaints?q=年费").await;
    assert!(
        list.body.contains("<mark>年费</mark>"),
        "search words are highlighted"
    );
    // Intake assigned them to the sub-branch's own handler; hand both to the branch handler.
    for id in &ids {
        let got = c
            .get_with_token(&format!("/api/v1/complaints/{id}"), &token)
            .await
            .json();
        assert_eq!(got["assignee"], "hz01.handler");
    }
    let mut form: Vec<(&str, &str)> =
        vec![("_csrf", &csrf), ("assignee", "handler_hz"), ("back", "")];
    for id in &ids {
        form.push(("ids", id));
    }
    let r = browser.post_form("/complaints/bulk-assign", &form).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(
        r.location
            .as_deref()
            .unwrap()
            .contains("assigned=2&failed=0"),
        "{:?}",
        r.location
    );
    for id in &ids {
        let got = c
            .get_with_token(&format!("/api/v1/complaints/{id}"), &token)
            .await
            .json();
        assert_eq!(got["assignee"], "handler_hz");
    }
    // The same again: already assigned to that person, so nothing changes.
    let r = browser.post_form("/complaints/bulk-assign", &form).await;
    assert!(
        r.location
            .as_deref()
            .unwrap()
            .contains("assigned=0&failed=2")
    );
    let page = browser.get(r.location.as_deref().unwrap()).await;
    assert!(page.body.contains("未能分派"));
}
