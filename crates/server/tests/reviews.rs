//! Consumer-protection review on both backends: a marketing request goes
//! through self-assessment, pre-review of a Word file and a scanned image
//! (OCR), opinions, return, answers, a corrected resubmission, approval and
//! archive; departments see only their own requests; unreadable uploads are
//! refused without a trace; and the pages render the same story.

mod common;

use axum::http::StatusCode;
use common::{Client, demo, document_fixture, docx};
use serde_json::{Value, json};
use xiaobao_server::ServerConfig;
use xiaobao_store::Store;

xiaobao_testkit::backend_tests!(
    a_marketing_review_runs_from_submission_to_archive,
    departments_see_only_their_own_requests,
    unreadable_uploads_are_refused_and_nothing_is_stored,
    review_pages_show_findings_opinions_and_comparison
);

fn client(store: Store) -> Client {
    Client::with_config(
        store,
        ServerConfig {
            max_body_bytes: 8 * 1024 * 1024,
            ..common::config()
        },
    )
}

/// Every self-assessment item of a subject answered "yes" (from the guide
/// the server serves, so the test follows edits of the shipped guide).
async fn all_yes(c: &mut Client, token: &str, subject: &str) -> Value {
    let guide = c
        .get_with_token(&format!("/api/v1/reviews/guide?subject={subject}"), token)
        .await;
    assert_eq!(guide.status, StatusCode::OK, "{}", guide.body);
    let items: Vec<Value> = guide.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| json!({"item": i["id"], "answer": "yes"}))
        .collect();
    assert!(items.len() >= 4);
    Value::Array(items)
}

fn request_body(title: &str, checklist: Value) -> String {
    json!({
        "title": title,
        "subject": "marketing",
        "stage": "marketing",
        "trigger": "campaign",
        "business_line": "财富管理",
        "launch_date": "2026-12-15",
        "description": "稳盈理财第三期线上宣传页与网点海报",
        "checklist": checklist,
    })
    .to_string()
}

async fn create(c: &mut Client, token: &str, title: &str, checklist: Value) -> Value {
    let r = c
        .post_json_with_token("/api/v1/reviews", token, &request_body(title, checklist))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.json()
}

async fn upload(
    c: &mut Client,
    token: &str,
    id: &str,
    name: &str,
    bytes: Vec<u8>,
) -> (StatusCode, Value) {
    let r = c
        .post_bytes_with_token(
            &format!("/api/v1/reviews/{id}/documents?filename={name}"),
            token,
            bytes,
        )
        .await;
    let status = r.status;
    (status, serde_json::from_str(&r.body).unwrap_or(Value::Null))
}

async fn step(
    c: &mut Client,
    token: &str,
    id: &str,
    action: &str,
    body: Value,
) -> (StatusCode, Value) {
    let r = c
        .post_json_with_token(
            &format!("/api/v1/reviews/{id}/actions/{action}"),
            token,
            &body.to_string(),
        )
        .await;
    (
        r.status,
        serde_json::from_str(&r.body).unwrap_or(Value::Null),
    )
}

async fn a_marketing_review_runs_from_submission_to_archive(store: Store) {
    demo(&store).await;
    let submitter = store.create_token("submitter_retail", "t").await.unwrap();
    let reviewer = store.create_token("reviewer", "t").await.unwrap();
    let mut c = client(store.clone());

    // A draft with an unanswered self-assessment cannot be submitted.
    let mut checklist = all_yes(&mut c, &submitter, "marketing").await;
    let skipped = checklist.as_array_mut().unwrap().pop().unwrap();
    let draft = create(
        &mut c,
        &submitter,
        "稳盈理财第三期宣传材料",
        checklist.clone(),
    )
    .await;
    let id = draft["id"].as_str().unwrap().to_string();
    assert!(draft["number"].as_str().unwrap().starts_with("SC"));
    assert_eq!(draft["status"], "draft");
    assert_eq!(draft["department"], "零售银行部");

    // Documents: the Word file and a scanned page read by OCR, both pre-reviewed.
    let (status, word) = upload(
        &mut c,
        &submitter,
        &id,
        "宣传页.docx",
        document_fixture("marketing.docx"),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{word}");
    let word_findings = word["findings"].as_array().unwrap();
    assert!(
        word_findings
            .iter()
            .any(|f| f["finding"]["text"].as_str().unwrap().contains("保本")),
        "{word_findings:?}"
    );
    assert!(word["document"]["forbidden"].as_i64().unwrap() >= 1);
    let (status, scan) = upload(
        &mut c,
        &submitter,
        &id,
        "海报扫描件.png",
        document_fixture("page.png"),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{scan}");
    let scan_findings = scan["findings"].as_array().unwrap();
    let on_image = scan_findings
        .iter()
        .find(|f| f["finding"]["text"].as_str().unwrap().contains("稳赚不赔"))
        .unwrap_or_else(|| panic!("OCR text not pre-reviewed: {}", scan["text"]));
    let boxes = on_image["highlights"][0]["boxes"].as_array().unwrap();
    assert!(
        !boxes.is_empty(),
        "a finding on a scan has a box on the page image"
    );
    assert_eq!(scan["page_images"].as_array().unwrap().len(), 1);

    let (status, body) = step(&mut c, &submitter, &id, "submit", json!({})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains(skipped["item"].as_str().unwrap())
    );
    checklist.as_array_mut().unwrap().push(skipped);
    let mut edit: Value =
        serde_json::from_str(&request_body("稳盈理财第三期宣传材料", checklist)).unwrap();
    edit["version"] = draft["version"].clone();
    let r = c
        .send_json_with_token(
            "PUT",
            &format!("/api/v1/reviews/{id}"),
            &submitter,
            &edit.to_string(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // A stale version is refused.
    let r = c
        .send_json_with_token(
            "PUT",
            &format!("/api/v1/reviews/{id}"),
            &submitter,
            &edit.to_string(),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);

    // Reviewers cannot submit; submitters can.
    let (status, _) = step(&mut c, &reviewer, &id, "submit", json!({})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = step(&mut c, &submitter, &id, "submit", json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "in_review");
    // Documents are frozen while in review.
    let (status, _) = upload(
        &mut c,
        &submitter,
        &id,
        "补充.txt",
        "补充说明".as_bytes().to_vec(),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);

    // Opinions: one on a finding of the Word file (passage, basis and
    // suggestion come from the finding), one general suggestion.
    let word_id = word["document"]["id"].as_str().unwrap();
    let finding = word_findings
        .iter()
        .position(|f| f["finding"]["text"].as_str().unwrap().contains("保本"))
        .unwrap();
    let r = c
        .post_json_with_token(
            &format!("/api/v1/reviews/{id}/opinions"),
            &submitter,
            &json!({"materiality": "substantive", "body": "自己提意见"}).to_string(),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "submitters do not write opinions"
    );
    let r = c
        .post_json_with_token(
            &format!("/api/v1/reviews/{id}/opinions"),
            &reviewer,
            &json!({"document_id": word_id, "finding": finding, "materiality": "substantive",
                    "body": "理财产品不得承诺保本保收益，请删除相关表述"})
            .to_string(),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let substantive = r.json();
    assert!(substantive["quote"].as_str().unwrap().contains("保本"));
    assert!(!substantive["basis"].as_str().unwrap().is_empty());
    let r = c
        .post_json_with_token(
            &format!("/api/v1/reviews/{id}/opinions"),
            &reviewer,
            &json!({"materiality": "suggestion", "body": "建议在海报显著位置标明产品风险等级"})
                .to_string(),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let suggestion = r.json();
    let r = c
        .post_json_with_token(
            &format!("/api/v1/reviews/{id}/opinions"),
            &reviewer,
            &json!({"materiality": "important", "body": "x"}).to_string(),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Return; an approval is not allowed from the returned state.
    let (status, body) = step(
        &mut c,
        &reviewer,
        &id,
        "return",
        json!({"note": "请按意见修改"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "returned");
    assert_eq!(body["decision"], "return");
    let (status, body) = step(&mut c, &reviewer, &id, "approve", json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("修改后重新提交"),
        "{body}"
    );

    // Answers: a non-adoption needs a reason.
    let answer = |opinion: &Value| {
        format!(
            "/api/v1/reviews/{id}/opinions/{}/answer",
            opinion["id"].as_str().unwrap()
        )
    };
    let r = c
        .post_json_with_token(
            &answer(&suggestion),
            &submitter,
            &json!({"adoption": "not_adopted"}).to_string(),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Resubmitting needs the corrected material and every answer.
    let (status, _) = step(&mut c, &submitter, &id, "resubmit", json!({})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let corrected = docx(&[
        "稳盈理财 第三期",
        "本理财产品为非保本浮动收益型产品，业绩比较基准为年化百分之三点二至百分之四，业绩比较基准不构成收益承诺。",
        "理财非存款，产品有风险，投资须谨慎。本产品风险等级为 R2（中低风险）。",
    ]);
    let (status, v2) = upload(&mut c, &submitter, &id, "宣传页.docx", corrected).await;
    assert_eq!(status, StatusCode::CREATED, "{v2}");
    assert_eq!(v2["document"]["round"], 2);
    assert_eq!(v2["document"]["forbidden"], 0, "{v2}");
    let (status, body) = step(&mut c, &submitter, &id, "resubmit", json!({})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body["error"]["message"].as_str().unwrap().contains("2 条"),
        "{body}"
    );
    let r = c
        .post_json_with_token(
            &answer(&substantive),
            &submitter,
            &json!({"adoption": "adopted"}).to_string(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = c
        .post_json_with_token(
            &answer(&suggestion),
            &submitter,
            &json!({"adoption": "partial", "reason": "线上页面已标注，网点海报下次印刷时补充"})
                .to_string(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let (status, body) = step(&mut c, &submitter, &id, "resubmit", json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["round"], 2);

    // The comparison shows the change and that the quoted passage is gone.
    let r = c
        .get_with_token(&format!("/api/v1/reviews/{id}/compare"), &reviewer)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let cmp = r.json();
    let doc = cmp["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["new_name"] == "宣传页.docx")
        .unwrap();
    assert!(
        doc["deleted_chars"].as_u64().unwrap() > 0 && doc["inserted_chars"].as_u64().unwrap() > 0
    );
    let followed = cmp["opinions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["opinion"]["id"] == substantive["id"])
        .unwrap();
    assert_eq!(followed["passage_still_present"], false);

    // Approval with every opinion answered archives at once.
    let (status, body) = step(
        &mut c,
        &reviewer,
        &id,
        "approve",
        json!({"decision": "approve"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "approved");
    assert_eq!(body["archive_hash"].as_str().unwrap().len(), 64);
    let r = c
        .get_with_token(&format!("/api/v1/reviews/{id}/archive"), &reviewer)
        .await;
    let archive = r.json();
    assert_eq!(archive["intact"], true, "{archive}");
    assert_eq!(
        archive["manifest"]["documents"].as_array().unwrap().len(),
        3
    );
    assert_eq!(archive["manifest"]["opinions"].as_array().unwrap().len(), 2);

    // Frozen: no edit, no upload of material, no opinion, no step.
    let r = c
        .send_json_with_token(
            "PUT",
            &format!("/api/v1/reviews/{id}"),
            &submitter,
            &edit.to_string(),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("归档"), "{}", r.body);
    let (status, _) = upload(&mut c, &submitter, &id, "x.txt", "改动".as_bytes().to_vec()).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) = step(
        &mut c,
        &submitter,
        &id,
        "withdraw",
        json!({"note": "撤回试试"}),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    // … but annotations, the published material and a retrospective date are accepted.
    let r = c
        .post_json_with_token(
            &format!("/api/v1/reviews/{id}/annotations"),
            &reviewer,
            &json!({"body": "上线后抽查网点海报"}).to_string(),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let published = docx(&[
        "稳盈理财 第三期",
        "本理财产品为非保本浮动收益型产品，业绩比较基准为年化百分之三点二至百分之四，业绩比较基准不构成收益承诺。",
        "理财非存款，产品有风险，投资须谨慎。本产品风险等级为 R2（中低风险）。限时加赠积分。",
    ]);
    let r = c
        .post_bytes_with_token(
            &format!("/api/v1/reviews/{id}/documents?filename=上线版.docx&kind=final"),
            &submitter,
            published,
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let r = c
        .get_with_token(
            &format!("/api/v1/reviews/{id}/compare/published"),
            &reviewer,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("限时加赠积分"));
    let r = c
        .post_json_with_token(
            &format!("/api/v1/reviews/{id}/retrospective"),
            &reviewer,
            &json!({"on": "2027-03-15", "note": "上线三个月回溯"}).to_string(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = c
        .get_with_token(&format!("/api/v1/reviews/{id}/archive"), &reviewer)
        .await;
    assert_eq!(
        r.json()["intact"],
        true,
        "later additions leave the archive intact"
    );

    // Adoption per department: one adopted and one partial of two answered.
    let r = c
        .get_with_token("/api/v1/reviews/adoption", &reviewer)
        .await;
    let items = r.json()["items"].as_array().unwrap().clone();
    let retail = items
        .iter()
        .find(|d| d["department"] == "零售银行部")
        .unwrap();
    assert_eq!(retail["opinions"], 2);
    assert_eq!(retail["rate"], 0.75);
    assert_eq!(retail["substantive_rate"], 1.0);

    // The opinion letter, as PDF and as Word, reads back with the opinions and answers.
    for format in ["pdf", "docx"] {
        let r = c
            .get_with_token(
                &format!("/api/v1/reviews/{id}/letter?format={format}"),
                &reviewer,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let doc = xiaobao_documents::read_document(
            &r.raw,
            Some(&format!("letter.{format}")),
            &xiaobao_documents::Limits::default(),
            None,
        )
        .unwrap_or_else(|e| panic!("{format} letter unreadable: {e}"));
        let text: String = doc.text.split_whitespace().collect();
        for needle in [
            "消保审查意见书",
            draft["number"].as_str().unwrap(),
            "实质性意见",
            "一般建议",
            "部分采纳",
            "零售银行部",
        ] {
            assert!(
                text.contains(needle),
                "{format} letter lacks {needle}: {text}"
            );
        }
    }
    let r = c
        .get_with_token(
            &format!("/api/v1/reviews/{id}/letter?format=odt"),
            &reviewer,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    // History is append-only and complete.
    let r = c
        .get_with_token(&format!("/api/v1/reviews/{id}"), &reviewer)
        .await;
    let actions: Vec<String> = r.json()["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_string())
        .collect();
    for expected in [
        "create",
        "upload",
        "submit",
        "opinion",
        "return",
        "answer",
        "resubmit",
        "approve",
        "upload_final",
    ] {
        assert!(
            actions.iter().any(|a| a == expected),
            "{expected} missing from {actions:?}"
        );
    }
}

async fn departments_see_only_their_own_requests(store: Store) {
    demo(&store).await;
    let retail = store.create_token("submitter_retail", "t").await.unwrap();
    let card = store.create_token("submitter_card", "t").await.unwrap();
    let auditor = store.create_token("auditor", "t").await.unwrap();
    let handler = store.create_token("handler_hz", "t").await.unwrap();
    let mut c = client(store.clone());
    let checklist = all_yes(&mut c, &retail, "marketing").await;
    let made = create(&mut c, &retail, "零售条线短信营销模板", checklist).await;
    let id = made["id"].as_str().unwrap();

    let r = c
        .get_with_token(&format!("/api/v1/reviews/{id}"), &card)
        .await;
    assert_eq!(
        r.status,
        StatusCode::NOT_FOUND,
        "another department's request does not exist for them"
    );
    let r = c.get_with_token("/api/v1/reviews", &card).await;
    assert_eq!(r.json()["total"], 0);
    let r = c.get_with_token("/api/v1/reviews", &retail).await;
    assert_eq!(r.json()["total"], 1);
    let r = c
        .get_with_token(&format!("/api/v1/reviews/{id}"), &auditor)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let r = c
        .post_json_with_token(
            "/api/v1/reviews",
            &auditor,
            &request_body("审计员发起", json!([])),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = c.get_with_token("/api/v1/reviews", &handler).await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "complaint handlers have no access to reviews"
    );
    // Submitters have no complaint data scope.
    let r = c.get_with_token("/api/v1/complaints", &retail).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["total"], 0);
    // Invalid form values are reported together.
    let r = c
        .post_json_with_token(
            "/api/v1/reviews",
            &retail,
            &json!({"title": "", "subject": "poster", "stage": "marketing", "trigger": "x"})
                .to_string(),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let message = r.json()["error"]["message"].as_str().unwrap().to_string();
    assert!(
        message.contains("审查对象") && message.contains("送审事由") && message.contains("名称"),
        "{message}"
    );
}

async fn unreadable_uploads_are_refused_and_nothing_is_stored(store: Store) {
    demo(&store).await;
    let submitter = store.create_token("submitter_retail", "t").await.unwrap();
    let mut c = client(store.clone());
    let checklist = all_yes(&mut c, &submitter, "agreement").await;
    let mut body: Value =
        serde_json::from_str(&request_body("个人消费贷款合同", checklist)).unwrap();
    body["subject"] = json!("agreement");
    body["stage"] = json!("agreement");
    let r = c
        .post_json_with_token("/api/v1/reviews", &submitter, &body.to_string())
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.json()["id"].as_str().unwrap().to_string();

    let (status, body) = upload(&mut c, &submitter, &id, "empty.txt", Vec::new()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("文件为空")
    );
    let (status, body) = upload(
        &mut c,
        &submitter,
        &id,
        "tool.exe",
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00binary".to_vec(),
    )
    .await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{body}");
    let (status, body) = upload(
        &mut c,
        &submitter,
        &id,
        "合同.docx",
        document_fixture("truncated.docx"),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, body) = upload(
        &mut c,
        &submitter,
        &id,
        "合同.docx",
        document_fixture("encrypted.docx"),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body["error"]["message"].as_str().unwrap().contains("密码"),
        "{body}"
    );

    let r = c
        .get_with_token(&format!("/api/v1/reviews/{id}"), &submitter)
        .await;
    assert!(
        r.json()["documents"].as_array().unwrap().is_empty(),
        "nothing half-stored"
    );
    // An agreement without documents cannot be submitted.
    let (status, body) = step(&mut c, &submitter, &id, "submit", json!({})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body["error"]["message"].as_str().unwrap().contains("上传"),
        "{body}"
    );
    // A plain-text agreement is read and checked for the agreement duties.
    let (status, body) = upload(
        &mut c,
        &submitter,
        &id,
        "合同.txt",
        "借款人逾期的，贷款人有权向借款人的亲友、同事催收。本合同最终解释权归贷款人所有。"
            .as_bytes()
            .to_vec(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert!(
        body["document"]["findings"].as_i64().unwrap() >= 1,
        "{body}"
    );
    // Unknown step names are 404, withdrawals need a reason.
    let (status, _) = step(&mut c, &submitter, &id, "publish", json!({})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = step(&mut c, &submitter, &id, "withdraw", json!({})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, body) = step(
        &mut c,
        &submitter,
        &id,
        "withdraw",
        json!({"note": "产品暂缓上线"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "withdrawn");
}

async fn review_pages_show_findings_opinions_and_comparison(store: Store) {
    let passwords = demo(&store).await;
    let submitter_token = store.create_token("submitter_retail", "t").await.unwrap();
    let mut api = client(store.clone());
    let checklist = all_yes(&mut api, &submitter_token, "marketing").await;
    let made = create(&mut api, &submitter_token, "信用卡分期宣传海报", checklist).await;
    let id = made["id"].as_str().unwrap().to_string();
    let (_, scan) = upload(
        &mut api,
        &submitter_token,
        &id,
        "海报.png",
        document_fixture("page.png"),
    )
    .await;
    let doc_id = scan["document"]["id"].as_str().unwrap().to_string();
    let (status, _) = step(&mut api, &submitter_token, &id, "submit", json!({})).await;
    assert_eq!(status, StatusCode::OK);

    // The reviewer's pages: list, request, document with boxes on the image.
    let mut web = api.fresh();
    let csrf = web.login("reviewer", &passwords["reviewer"]).await;
    let list = web.get("/reviews").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("信用卡分期宣传海报"));
    let page = web.get(&format!("/reviews/{id}/documents/{doc_id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("<mark class=\"bad\""),
        "findings highlighted in the text"
    );
    assert!(
        page.body.contains("class=\"hl bad\""),
        "findings boxed on the page image"
    );
    let image_src = page
        .body
        .split("<img src=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_string();
    let image = web.get(&image_src).await;
    assert_eq!(image.status, StatusCode::OK);
    assert!(image.raw.starts_with(b"\x89PNG"));
    let sha = image_src.rsplit('/').next().unwrap();
    for bad in [
        &sha[..8],
        "0000000000000000000000000000000000000000000000000000000000000000",
    ] {
        let r = web
            .get(&format!("/reviews/{id}/documents/{doc_id}/files/{bad}"))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{bad}");
    }
    // An opinion from the finding's form, then a return.
    let reply = web
        .post_form(
            &format!("/reviews/{id}/opinions"),
            &[
                ("_csrf", &csrf),
                ("document_id", &doc_id),
                ("finding", "1"),
                ("materiality", "substantive"),
                ("body", ""),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let detail = web.get(&format!("/reviews/{id}")).await;
    assert!(detail.body.contains("实质性意见"));
    let version = common::hidden_field(&detail.body, "version").unwrap();
    let reply = web
        .post_form(
            &format!("/reviews/{id}/actions/return"),
            &[("_csrf", &csrf), ("version", &version), ("note", "请修改")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    // A refused step shows the page again with the reason and status.
    let reply = web
        .post_form(
            &format!("/reviews/{id}/actions/approve"),
            &[("_csrf", &csrf), ("version", &version)],
        )
        .await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert!(reply.body.contains("id=\"review-error\""));
    let adoption = web.get("/reviews/adoption").await;
    assert_eq!(adoption.status, StatusCode::OK);
    assert!(adoption.body.contains("零售银行部"));

    // The submitter's form page offers the guide for the chosen subject.
    let mut sub = api.fresh();
    sub.login("submitter_retail", &passwords["submitter_retail"])
        .await;
    let form = sub.get("/reviews/new?subject=sms_template").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.body.contains("MKT-07"),
        "SMS templates get the opt-out item"
    );
    let fragment = sub.get("/reviews/checklist?subject=agreement").await;
    assert!(fragment.body.contains("AGR-03") && !fragment.body.contains("MKT-07"));
    let nav = sub.get("/").await;
    assert!(nav.body.contains("href=\"/reviews\"") && !nav.body.contains("href=\"/complaints\""));
    assert!(
        nav.body.contains("id=\"review-cards\"") && !nav.body.contains("id=\"deadline-cards\"")
    );
    assert!(
        nav.body.contains("id=\"reviews-returned\">1<"),
        "the returned request is counted"
    );
}
