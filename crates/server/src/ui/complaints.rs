//! Complaint pages: list with filters and search, intake form, detail with
//! timeline and actions, and revealing personal data (htmx, with a reason).

use askama::Template;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::{Duration, NaiveDateTime, TimeZone, Utc};
use xiaobao_domain::complaint::{NoticeMethod, Outcome, ReviewResult, Satisfaction, china_date};
use xiaobao_domain::intake::{ComplainantInput, ComplaintInput, parse_amount_fen};
use xiaobao_domain::org::Scope;
use xiaobao_domain::sla::{ExtensionTier, PauseReason};
use xiaobao_domain::taxonomy::{Dimension, Taxonomy};
use xiaobao_service::IntakeError;

use super::{Chrome, error_page, render, store_error_page};
use crate::AppState;
use crate::api::complaints::{
    ListQuery, action_error, at_risk_days, filter_from_query, parse_action, reveal_error,
};
use crate::auth::PageUser;
use crate::view::{ComplaintListItem, ComplaintOut, EventOut, action_name};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/complaints", get(list_page))
        .route("/complaints/new", get(new_page).post(create))
        .route("/complaints/suggest", post(suggest))
        .route("/complaints/import", get(import_page).post(import_upload))
        .route("/complaints/bulk-assign", post(bulk_assign))
        .route("/complaints/template.xlsx", get(template_download))
        .route("/complaints/export.xlsx", get(export_download))
        .route("/complaints/{id}", get(detail_page))
        .route("/complaints/{id}/actions/{action}", post(act))
        .route("/complaints/{id}/reveal/{field}", post(reveal))
}

fn names(taxonomy: &Taxonomy, dim: Dimension) -> Vec<String> {
    taxonomy
        .entries(dim)
        .into_iter()
        .map(|e| e.name.clone())
        .collect()
}

/// (contract name, Chinese label) of every state, for the status filter.
fn state_options() -> Vec<(String, &'static str)> {
    xiaobao_domain::complaint::ComplaintState::ALL
        .iter()
        .map(|s| (xiaobao_domain::names::to_name(s), s.label_zh()))
        .collect()
}

/// The list filters as the form shows them back.
#[derive(Default)]
struct FormFilter {
    q: String,
    status: String,
    deadline: String,
    org: String,
    business_category: String,
    reason: String,
    channel: String,
    source: String,
    vulnerable_flag: String,
    from: String,
    to: String,
}

/// A list line with its search snippet (HTML, escaped, matches in `<mark>`).
struct ListRow {
    c: ComplaintListItem,
    snippet: String,
}

/// Escapes `text` and marks every occurrence of the search words, around the
/// first match: what a reviewer scanning results needs to see.
fn snippet(text: &str, words: &[String]) -> String {
    let chars: Vec<char> = text.chars().collect();
    let first = words
        .iter()
        .filter_map(|w| text.find(w.as_str()).map(|b| text[..b].chars().count()))
        .min();
    let (start, end) = match first {
        Some(pos) => (pos.saturating_sub(30), (pos + 90).min(chars.len())),
        None => (0, chars.len().min(90)),
    };
    let window: String = chars[start..end].iter().collect();
    let mut html = askama_escape(&window);
    for w in words.iter().filter(|w| !w.is_empty()) {
        let escaped = askama_escape(w);
        html = html.replace(&escaped, &format!("<mark>{escaped}</mark>"));
    }
    let prefix = if start > 0 { "…" } else { "" };
    let suffix = if end < chars.len() { "…" } else { "" };
    format!("{prefix}{html}{suffix}")
}

#[derive(Template)]
#[template(path = "complaints.html")]
struct ListPage {
    chrome: Chrome,
    f: FormFilter,
    items: Vec<ListRow>,
    /// The count as shown: "10,000+" when counting stopped at the cap.
    total: String,
    page: u32,
    pages: u32,
    /// More matches than counted: the pager offers a next page past `pages`.
    capped: bool,
    query: String,
    states: Vec<(String, &'static str)>,
    orgs: Vec<(String, String)>,
    categories: Vec<String>,
    reasons: Vec<String>,
    channels: Vec<String>,
    sources: Vec<String>,
    flags: Vec<String>,
    can_register: bool,
    handlers: Vec<(String, String)>,
    error: Option<String>,
}

async fn org_options(state: &AppState, scope: &Scope) -> Vec<(String, String)> {
    state
        .store
        .orgs_in_scope(scope)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|o| {
            let depth = o.path.matches('/').count().saturating_sub(2);
            (o.code, format!("{}{}", "\u{3000}".repeat(depth), o.name))
        })
        .collect()
}

#[derive(serde::Deserialize, Default)]
struct BulkOutcome {
    assigned: Option<usize>,
    failed: Option<usize>,
}

async fn list_page(
    State(state): State<AppState>,
    PageUser(auth): PageUser,
    Query(q): Query<ListQuery>,
    Query(bulk): Query<BulkOutcome>,
    RawQuery(raw): RawQuery,
) -> Response {
    let tax = &state.services.taxonomy();
    let today = china_date(Utc::now());
    let (items, (total, capped), error, per_page) = match filter_from_query(&q, tax) {
        Ok(filter) => match state
            .store
            .list_complaints(&auth.actor, &filter, today, at_risk_days(&state))
            .await
        {
            Ok(page) => (
                page.items
                    .iter()
                    .map(|s| {
                        let c = ComplaintListItem::new(s, tax, today, at_risk_days(&state));
                        let words: Vec<String> = filter
                            .search_tokens
                            .as_deref()
                            .unwrap_or("")
                            .split_whitespace()
                            .map(str::to_string)
                            .collect();
                        ListRow {
                            snippet: snippet(&c.excerpt, &words),
                            c,
                        }
                    })
                    .collect(),
                (page.total, page.total_capped),
                None,
                filter.per_page,
            ),
            Err(e) => return store_error_page(e),
        },
        Err(e) => (Vec::new(), (0, false), Some(e.message), 20),
    };
    let query: String = raw
        .unwrap_or_default()
        .split('&')
        .filter(|kv| {
            !kv.is_empty()
                && !kv.starts_with("page=")
                && !kv.starts_with("assigned=")
                && !kv.starts_with("failed=")
        })
        .collect::<Vec<_>>()
        .join("&");
    let s = |v: &Option<String>| v.clone().unwrap_or_default();
    let mut chrome = Chrome::new(&state, &auth, "/complaints").await;
    if let Some(n) = bulk.assigned {
        chrome.flash = Some(match bulk.failed.unwrap_or(0) {
            0 => format!("已分派 {n} 件投诉。"),
            f => format!(
                "已分派 {n} 件投诉；{f} 件未能分派（状态不允许、已是该处理人或处理人不能办理该机构的投诉）。"
            ),
        });
    }
    let handlers = if auth.actor.role.can_handle_complaints() {
        state
            .store
            .list_users(&auth.actor)
            .await
            .unwrap_or_default()
            .into_iter()
            .filter(|u| u.disabled == 0 && matches!(u.role.as_str(), "handler" | "cp_officer"))
            .map(|u| {
                (
                    u.username.clone(),
                    format!("{}（{}）", u.display_name, u.username),
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    render(&ListPage {
        handlers,
        f: FormFilter {
            q: s(&q.q),
            status: s(&q.status),
            deadline: s(&q.deadline),
            org: s(&q.org),
            business_category: s(&q.business_category),
            reason: s(&q.reason),
            channel: s(&q.channel),
            source: s(&q.source),
            vulnerable_flag: s(&q.vulnerable_flag),
            from: s(&q.from),
            to: s(&q.to),
        },
        items,
        total: total_label(total, capped),
        page: q.page.unwrap_or(1).max(1),
        pages: u32::try_from(((total + i64::from(per_page) - 1) / i64::from(per_page)).max(1))
            .unwrap_or(u32::MAX),
        capped,
        query,
        states: state_options(),
        orgs: org_options(&state, &auth.actor.scope()).await,
        categories: names(tax, Dimension::BusinessCategory),
        reasons: names(tax, Dimension::Reason),
        channels: names(tax, Dimension::Channel),
        sources: names(tax, Dimension::Source),
        flags: names(tax, Dimension::VulnerableFlag),
        can_register: auth.actor.role.can_handle_complaints(),
        error,
        chrome,
    })
}

/// The intake form's values, kept to show the form again after an error.
#[derive(Default)]
struct IntakeValues {
    received_at: String,
    source: String,
    channel: String,
    business_category: String,
    reason: String,
    org: String,
    external_id: String,
    product: String,
    amount: String,
    title: String,
    content: String,
    demands: Vec<String>,
    vulnerable_flags: Vec<String>,
    name: String,
    phone: String,
    id_number: String,
    card_number: String,
    role: String,
    subject_staff: String,
    /// The user has seen the similar open complaints and registers anyway.
    confirm_new: bool,
}

#[derive(Template)]
#[template(path = "complaint_new.html")]
struct NewPage {
    chrome: Chrome,
    v: IntakeValues,
    errors: Vec<String>,
    sources: Vec<String>,
    channels: Vec<String>,
    categories: Vec<String>,
    reasons: Vec<String>,
    demands: Vec<String>,
    flags: Vec<String>,
    roles: Vec<String>,
    orgs: Vec<(String, String)>,
    similar: Vec<SimilarRow>,
}

/// An open complaint the new one may repeat.
struct SimilarRow {
    id: String,
    number: String,
    title: String,
    received_on: String,
    state: String,
    why: &'static str,
}

async fn new_form(
    state: &AppState,
    auth: &crate::auth::Authenticated,
    v: IntakeValues,
    errors: Vec<String>,
) -> Response {
    new_form_with(state, auth, v, errors, Vec::new()).await
}

async fn new_form_with(
    state: &AppState,
    auth: &crate::auth::Authenticated,
    v: IntakeValues,
    errors: Vec<String>,
    similar: Vec<SimilarRow>,
) -> Response {
    let tax = &state.services.taxonomy();
    let chrome = Chrome::new(state, auth, "/complaints").await;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut r = render(&NewPage {
        chrome,
        v,
        errors,
        sources: names(tax, Dimension::Source),
        channels: names(tax, Dimension::Channel),
        categories: names(tax, Dimension::BusinessCategory),
        reasons: names(tax, Dimension::Reason),
        demands: names(tax, Dimension::Demand),
        flags: names(tax, Dimension::VulnerableFlag),
        roles: names(tax, Dimension::ComplainantRole),
        orgs: org_options(state, &auth.actor.scope()).await,
        similar,
    });
    *r.status_mut() = status;
    r
}

async fn new_page(State(state): State<AppState>, PageUser(auth): PageUser) -> Response {
    if !auth.actor.role.can_handle_complaints() {
        return error_page(StatusCode::FORBIDDEN, "无权操作", "您的角色不能登记投诉。");
    }
    let v = IntakeValues {
        received_at: china_date(Utc::now()).to_string(),
        ..IntakeValues::default()
    };
    new_form(&state, &auth, v, Vec::new()).await
}

fn values_from_form(fields: &[(String, String)]) -> IntakeValues {
    let mut v = IntakeValues::default();
    for (k, val) in fields {
        let val = val.clone();
        match k.as_str() {
            "received_at" => v.received_at = val,
            "source" => v.source = val,
            "channel" => v.channel = val,
            "business_category" => v.business_category = val,
            "reason" => v.reason = val,
            "org" => v.org = val,
            "external_id" => v.external_id = val,
            "product" => v.product = val,
            "amount" => v.amount = val,
            "title" => v.title = val,
            "content" => v.content = val,
            "demands" => v.demands.push(val),
            "vulnerable_flags" => v.vulnerable_flags.push(val),
            "name" => v.name = val,
            "phone" => v.phone = val,
            "id_number" => v.id_number = val,
            "card_number" => v.card_number = val,
            "role" => v.role = val,
            "subject_staff" => v.subject_staff = val,
            "confirm_new" => v.confirm_new = val == "true",
            _ => {}
        }
    }
    v
}

fn opt(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

fn input_from_values(v: &IntakeValues) -> ComplaintInput {
    ComplaintInput {
        received_at: v.received_at.clone(),
        channel: v.channel.clone(),
        business_category: v.business_category.clone(),
        business_subcategory: None,
        reason: v.reason.clone(),
        content: v.content.clone(),
        title: opt(&v.title),
        source: opt(&v.source),
        org: opt(&v.org),
        external_id: opt(&v.external_id),
        complainant: Some(ComplainantInput {
            name: opt(&v.name),
            phone: opt(&v.phone),
            id_number: opt(&v.id_number),
            card_number: opt(&v.card_number),
            role: opt(&v.role),
        }),
        demands: v.demands.clone(),
        vulnerable_flags: v.vulnerable_flags.clone(),
        product: opt(&v.product),
        amount: opt(&v.amount),
        subject_staff: v
            .subject_staff
            .split([',', '，', '、', ' '])
            .filter_map(opt)
            .collect(),
        tags: Vec::new(),
    }
}

async fn create(
    State(state): State<AppState>,
    PageUser(auth): PageUser,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let v = values_from_form(&fields);
    let input = input_from_values(&v);
    match state
        .services
        .register_complaint(&auth.actor, &input, Utc::now())
        .await
    {
        Ok(row) => Redirect::to(&format!("/complaints/{}", row.id)).into_response(),
        Err(IntakeError::Invalid(errors)) => {
            let messages = errors.iter().map(|e| e.message.clone()).collect();
            new_form(&state, &auth, v, messages).await
        }
        Err(IntakeError::Store(e @ xiaobao_store::StoreError::Conflict(_))) => {
            new_form(&state, &auth, v, vec![e.to_string()]).await
        }
        Err(IntakeError::Store(e)) => store_error_page(e),
    }
}

/// One input of an action form.
struct FieldSpec {
    name: &'static str,
    label: &'static str,
    /// text, date, datetime-local, select, textarea, checkbox
    kind: &'static str,
    value: String,
    options: Vec<(String, String)>,
}

fn field(name: &'static str, label: &'static str, kind: &'static str) -> FieldSpec {
    FieldSpec {
        name,
        label,
        kind,
        value: String::new(),
        options: Vec::new(),
    }
}

fn select<T: serde::Serialize + Copy>(
    name: &'static str,
    label: &'static str,
    items: &[T],
    label_of: fn(T) -> &'static str,
) -> FieldSpec {
    FieldSpec {
        options: items
            .iter()
            .map(|i| {
                (
                    serde_json::to_value(i)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default(),
                    label_of(*i).to_string(),
                )
            })
            .collect(),
        ..field(name, label, "select")
    }
}

struct ActionForm {
    name: String,
    label: &'static str,
    fields: Vec<FieldSpec>,
}

const NOTICE_TEMPLATE: &str = "尊敬的客户：\n经核实，……（核实情况）。\n根据……（处理依据，如合同条款、监管规定），理由如下：……。\n处理决定：……。\n如您对上述处理决定有异议，可自收到本决定之日起30日内向我行上级机构书面申请核查，也可向金融纠纷调解组织申请调解，或依法申请仲裁、向人民法院提起诉讼。";

async fn action_forms(state: &AppState, c: &ComplaintOut) -> Vec<ActionForm> {
    let mut forms = Vec::new();
    for name in &c.available_actions {
        let Ok(kind) = serde_json::from_value::<xiaobao_domain::complaint::ActionKind>(
            serde_json::Value::String(name.clone()),
        ) else {
            continue;
        };
        let today = china_date(Utc::now()).to_string();
        let fields = match name.as_str() {
            "reject" | "reopen" => vec![field("reason", "理由", "textarea")],
            "assign" => {
                let mut options = Vec::new();
                let mut org = state.store.org_by_code(&c.org.code).await.ok();
                while let Some(o) = org {
                    for (user, open) in state.store.handler_load(&o.code).await.unwrap_or_default()
                    {
                        options.push((
                            user.clone(),
                            format!("{user}（{}，在办 {open} 件）", o.name),
                        ));
                    }
                    org = match o.parent_code {
                        Some(p) => state.store.org_by_code(&p).await.ok(),
                        None => None,
                    };
                }
                vec![FieldSpec {
                    options,
                    ..field("assignee", "处理人", "select")
                }]
            }
            "transfer" => {
                let options = org_options(state, &Scope::All)
                    .await
                    .into_iter()
                    .filter(|(code, _)| *code != c.org.code)
                    .collect();
                vec![
                    FieldSpec {
                        options,
                        ..field("to_org", "转至机构", "select")
                    },
                    field("reason", "转办原因", "textarea"),
                ]
            }
            "extend" => vec![
                select(
                    "tier",
                    "延期",
                    &[ExtensionTier::Complex, ExtensionTier::Special],
                    ExtensionTier::label_zh,
                ),
                field("reason", "延期原因", "textarea"),
                field("approver", "审批人（延长至60日必填）", "text"),
                FieldSpec {
                    value: today.clone(),
                    ..field("complainant_notified_on", "告知投诉人日期", "date")
                },
            ],
            "pause" => vec![
                select(
                    "reason",
                    "暂停原因",
                    &PauseReason::ALL,
                    PauseReason::label_zh,
                ),
                field("note", "说明", "text"),
                FieldSpec {
                    value: today.clone(),
                    ..field("started_on", "开始日期", "date")
                },
            ],
            "resume" => vec![FieldSpec {
                value: today.clone(),
                ..field("ended_on", "结束日期", "date")
            }],
            "merge" => vec![
                field("merged", "重复投诉编号", "text"),
                field(
                    "new_facts",
                    "提出了新的事实和理由（重新计算期限）",
                    "checkbox",
                ),
                FieldSpec {
                    value: today.clone(),
                    ..field("materials_received_on", "新材料收到日期", "date")
                },
            ],
            "notify_decision" => vec![
                select(
                    "method",
                    "告知方式",
                    &[
                        NoticeMethod::Written,
                        NoticeMethod::Sms,
                        NoticeMethod::Email,
                        NoticeMethod::Phone,
                    ],
                    NoticeMethod::label_zh,
                ),
                FieldSpec {
                    value: (Utc::now() + Duration::hours(8))
                        .format("%Y-%m-%dT%H:%M")
                        .to_string(),
                    ..field("sent_at", "寄出/发送/拨打时间", "datetime-local")
                },
                FieldSpec {
                    value: NOTICE_TEMPLATE.to_string(),
                    ..field(
                        "notice_text",
                        "告知内容（须含核实情况、依据和理由及救济途径）",
                        "textarea",
                    )
                },
            ],
            "close" => vec![
                select(
                    "outcome",
                    "处理结果",
                    &[
                        Outcome::Upheld,
                        Outcome::PartiallyUpheld,
                        Outcome::NotUpheld,
                        Outcome::Settled,
                        Outcome::Mediated,
                    ],
                    Outcome::label_zh,
                ),
                select(
                    "satisfaction",
                    "满意度",
                    &[
                        Satisfaction::Satisfied,
                        Satisfaction::BasicallySatisfied,
                        Satisfaction::Dissatisfied,
                        Satisfaction::NotRated,
                    ],
                    Satisfaction::label_zh,
                ),
                field("compensation", "补偿金额（元）", "text"),
                field("summary", "办结说明", "textarea"),
            ],
            "withdraw" => vec![FieldSpec {
                value: today.clone(),
                ..field("received_on", "撤回申请收到日期", "date")
            }],
            "request_review" => vec![
                field("written", "投诉人已提交书面核查申请", "checkbox"),
                FieldSpec {
                    value: today.clone(),
                    ..field("application_received_on", "申请收到日期", "date")
                },
                field("decision_received_on", "投诉人收到处理决定日期", "date"),
            ],
            "decide_review" => vec![
                select(
                    "result",
                    "核查结论",
                    &[ReviewResult::Upheld, ReviewResult::Revised],
                    ReviewResult::label_zh,
                ),
                field("summary", "核查说明", "textarea"),
                FieldSpec {
                    value: today.clone(),
                    ..field("decided_on", "告知日期", "date")
                },
            ],
            _ => Vec::new(),
        };
        forms.push(ActionForm {
            name: name.clone(),
            label: kind.label_zh(),
            fields,
        });
    }
    forms
}

struct PiiLine {
    field: &'static str,
    label: &'static str,
    masked: String,
}

struct TimelineItem {
    at: String,
    action_name: String,
    actor: String,
    from_status: Option<String>,
    to_status: String,
    detail: String,
}

#[derive(Template)]
#[template(path = "complaint_detail.html")]
struct DetailPage {
    chrome: Chrome,
    c: ComplaintOut,
    suggestion: Option<CategorySuggestion>,
    pii: Vec<PiiLine>,
    can_reveal: bool,
    has_original: bool,
    actions: Vec<ActionForm>,
    open_action: String,
    events: Vec<TimelineItem>,
    error: Option<String>,
}

fn describe(payload: &serde_json::Value) -> String {
    let params = payload.get("params").unwrap_or(payload);
    let Some(map) = params.as_object() else {
        return String::new();
    };
    map.iter()
        .filter(|(k, v)| *k != "action" && !v.is_null() && *k != "notice_text")
        .map(|(k, v)| {
            let value = v
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| v.to_string());
            format!("{k}: {value}")
        })
        .collect::<Vec<_>>()
        .join("；")
}

async fn detail(
    state: &AppState,
    auth: &crate::auth::Authenticated,
    id: &str,
    error: Option<(StatusCode, String, String)>,
) -> Response {
    let row = match state.store.get_complaint(&auth.actor, id).await {
        Ok(r) => r,
        Err(e) => return store_error_page(e),
    };
    let events = match state.store.complaint_events(&auth.actor, &row.id).await {
        Ok(e) => e,
        Err(e) => return store_error_page(e),
    };
    let c = ComplaintOut::new(
        &row,
        &state.services.taxonomy(),
        china_date(Utc::now()),
        at_risk_days(state),
    );
    let pii = [
        ("name", "姓名", &c.complainant.name),
        ("phone", "联系电话", &c.complainant.phone),
        ("id_number", "证件号码", &c.complainant.id_number),
        ("card_number", "卡号/账号", &c.complainant.card_number),
    ]
    .into_iter()
    .filter_map(|(field, label, masked)| {
        masked.clone().map(|masked| PiiLine {
            field,
            label,
            masked,
        })
    })
    .collect();
    let actions = if auth.actor.role.can_handle_complaints() {
        action_forms(state, &c).await
    } else {
        Vec::new()
    };
    let events = events
        .iter()
        .map(EventOut::from)
        .map(|e| TimelineItem {
            at: e.at.chars().take(19).collect::<String>().replace('T', " "),
            detail: describe(&e.payload),
            action_name: e.action_name,
            actor: e.actor,
            from_status: e.from_status.as_deref().map(crate::view::state_name),
            to_status: crate::view::state_name(&e.to_status),
        })
        .collect();
    let (status, message, open_action) = match error {
        Some((s, m, a)) => (s, Some(m), a),
        None => (StatusCode::OK, None, String::new()),
    };
    let chrome = Chrome::new(state, auth, "/complaints").await;
    let suggestion = CategorySuggestion::for_text(&format!("{} {}", c.title, c.content));
    let mut r = render(&DetailPage {
        chrome,
        suggestion,
        has_original: row_has_original(state, auth, &row.id).await,
        can_reveal: auth.actor.role.can_reveal_pii(),
        pii,
        actions,
        open_action,
        events,
        error: message,
        c,
    });
    *r.status_mut() = status;
    r
}

async fn row_has_original(state: &AppState, auth: &crate::auth::Authenticated, id: &str) -> bool {
    auth.actor.role.can_reveal_pii()
        && state
            .store
            .complaint_secret(
                &auth.actor,
                id,
                xiaobao_store::complaints::SecretColumn::Content,
            )
            .await
            .ok()
            .flatten()
            .is_some()
}

async fn detail_page(
    State(state): State<AppState>,
    PageUser(auth): PageUser,
    Path(id): Path<String>,
) -> Response {
    detail(&state, &auth, &id, None).await
}

/// Turns an action form into the action's JSON parameters.
fn form_to_params(fields: &[(String, String)]) -> Result<serde_json::Value, String> {
    let mut map = serde_json::Map::new();
    for (k, v) in fields {
        let v = v.trim();
        if k == "_csrf" || v.is_empty() {
            continue;
        }
        match k.as_str() {
            "new_facts" | "written" => {
                map.insert(k.clone(), serde_json::Value::Bool(true));
            }
            "compensation" => {
                let fen = parse_amount_fen(v).ok_or_else(|| format!("补偿金额无效：{v}"))?;
                map.insert("compensation_fen".into(), serde_json::json!(fen));
            }
            "sent_at" => {
                let local = NaiveDateTime::parse_from_str(v, "%Y-%m-%dT%H:%M")
                    .map_err(|_| format!("时间格式无效：{v}"))?;
                let cst = chrono::FixedOffset::east_opt(8 * 3600).ok_or("时区错误")?;
                let at = cst.from_local_datetime(&local).single().ok_or("时间无效")?;
                map.insert(
                    k.clone(),
                    serde_json::Value::String(at.with_timezone(&Utc).to_rfc3339()),
                );
            }
            _ => {
                map.insert(k.clone(), serde_json::Value::String(v.to_string()));
            }
        }
    }
    for flag in ["new_facts", "written"] {
        if fields
            .iter()
            .any(|(k, _)| k == "merged" || k == "application_received_on")
            && !map.contains_key(flag)
        {
            map.insert(flag.into(), serde_json::Value::Bool(false));
        }
    }
    Ok(serde_json::Value::Object(map))
}

async fn act(
    State(state): State<AppState>,
    PageUser(auth): PageUser,
    Path((id, action)): Path<(String, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let params = match form_to_params(&fields) {
        Ok(p) => p,
        Err(m) => {
            return detail(
                &state,
                &auth,
                &id,
                Some((StatusCode::UNPROCESSABLE_ENTITY, m, action)),
            )
            .await;
        }
    };
    let parsed = match parse_action(&action, params) {
        Ok(a) => a,
        Err(e) => return detail(&state, &auth, &id, Some((e.status, e.message, action))).await,
    };
    match state
        .store
        .apply_complaint_action(
            &auth.actor,
            &id,
            &parsed,
            &state.services.policy(),
            Utc::now(),
        )
        .await
    {
        Ok(row) => Redirect::to(&format!("/complaints/{}", row.id)).into_response(),
        Err(err) => {
            let e = action_error(err);
            if e.status == StatusCode::NOT_FOUND {
                return super::not_found_page();
            }
            detail(
                &state,
                &auth,
                &id,
                Some((e.status, e.message, action_name_of(&parsed))),
            )
            .await
        }
    }
}

fn action_name_of(a: &xiaobao_domain::complaint::Action) -> String {
    action_name(a.kind())
}

/// htmx: reveals one field; the reason comes from the `HX-Prompt` header.
async fn reveal(
    State(state): State<AppState>,
    PageUser(auth): PageUser,
    Path((id, field)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let reason = headers
        .get("hx-prompt")
        .and_then(|v| v.to_str().ok())
        .map(percent_decode)
        .unwrap_or_default();
    match state
        .services
        .reveal(&auth.actor, &id, &field, &reason, "")
        .await
    {
        Ok(value) => (StatusCode::OK, askama_escape(&value)).into_response(),
        Err(err) => {
            let e = reveal_error(err);
            (
                e.status,
                format!("<span class=\"bad\">{}</span>", askama_escape(&e.message)),
            )
                .into_response()
        }
    }
}

/// htmx sends the prompt answer as-is; browsers may percent-encode non-ASCII
/// header values, so both forms are accepted.
fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

fn askama_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

#[derive(Template)]
#[template(path = "complaint_import.html")]
struct ImportPage {
    chrome: Chrome,
    report: Option<xiaobao_service::ImportReport>,
    error: Option<String>,
}

async fn import_page(State(state): State<AppState>, PageUser(auth): PageUser) -> Response {
    let chrome = Chrome::new(&state, &auth, "/complaints").await;
    render(&ImportPage {
        chrome,
        report: None,
        error: None,
    })
}

async fn import_upload(
    State(state): State<AppState>,
    PageUser(auth): PageUser,
    multipart: axum::extract::Multipart,
) -> Response {
    let fields = match super::read_multipart(multipart).await {
        Ok(f) => f,
        Err((status, message)) => {
            return import_result(&state, &auth, None, Some(message), status).await;
        }
    };
    let bytes = fields.get("file").cloned().unwrap_or_default();
    let dry_run = fields
        .get("dry_run")
        .is_some_and(|v| v.as_slice() == b"true");
    match crate::api::transfer::run_import(&state, &auth.actor, &bytes, dry_run).await {
        Ok(report) => {
            let status = if report.errors.is_empty() {
                StatusCode::OK
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            import_result(&state, &auth, Some(report), None, status).await
        }
        Err(e) => import_result(&state, &auth, None, Some(e.message), e.status).await,
    }
}

async fn import_result(
    state: &AppState,
    auth: &crate::auth::Authenticated,
    report: Option<xiaobao_service::ImportReport>,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let chrome = Chrome::new(state, auth, "/complaints").await;
    let mut r = render(&ImportPage {
        chrome,
        report,
        error,
    });
    *r.status_mut() = status;
    r
}

async fn template_download(State(state): State<AppState>, PageUser(_auth): PageUser) -> Response {
    match crate::api::transfer::template_response(&state) {
        Ok(r) => r,
        Err(e) => error_page(e.status, "下载失败", &e.message),
    }
}

async fn export_download(
    State(state): State<AppState>,
    PageUser(auth): PageUser,
    Query(q): Query<ListQuery>,
) -> Response {
    match crate::api::transfer::export_response(&state, &auth.actor, &q).await {
        Ok(r) => r,
        Err(e) => error_page(e.status, "导出失败", &e.message),
    }
}

/// Assigns several complaints at once; each goes through the same checks as
/// a single assignment, and the outcome is counted.
async fn bulk_assign(
    State(state): State<AppState>,
    PageUser(auth): PageUser,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let assignee = fields
        .iter()
        .find(|(k, _)| k == "assignee")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let ids: Vec<&String> = fields
        .iter()
        .filter(|(k, _)| k == "ids")
        .map(|(_, v)| v)
        .collect();
    let back = fields
        .iter()
        .find(|(k, _)| k == "back")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    if assignee.is_empty() || ids.is_empty() {
        return Redirect::to(&format!("/complaints?{back}&assigned=0&failed=0")).into_response();
    }
    let action = xiaobao_domain::complaint::Action::Assign { assignee };
    let (mut ok, mut failed) = (0usize, 0usize);
    for id in ids {
        match state
            .store
            .apply_complaint_action(
                &auth.actor,
                id,
                &action,
                &state.services.policy(),
                Utc::now(),
            )
            .await
        {
            Ok(_) => ok += 1,
            Err(_) => failed += 1,
        }
    }
    Redirect::to(&format!("/complaints?{back}&assigned={ok}&failed={failed}")).into_response()
}

/// The classifier's suggestion for a text, as shown at intake and on the
/// detail page (JR/T 0169 business category and reason, and whether the text
/// is a complaint at all).
pub struct CategorySuggestion {
    pub business_category: String,
    pub category_confidence: u32,
    pub reason: String,
    pub reason_confidence: u32,
    pub is_complaint: bool,
}

impl CategorySuggestion {
    fn for_text(text: &str) -> Option<CategorySuggestion> {
        if text.trim().chars().count() < 6 {
            return None;
        }
        let p = xiaobao_text::classify(text).ok()?;
        let pct = |c: f64| (c * 100.0).round().clamp(0.0, 100.0) as u32;
        Some(CategorySuggestion {
            category_confidence: pct(p.business_category.confidence),
            business_category: p.business_category.label,
            reason_confidence: pct(p.reason.confidence),
            reason: p.reason.label,
            is_complaint: p.is_complaint,
        })
    }
}

#[derive(Template)]
#[template(path = "complaint_suggestion.html")]
struct SuggestionFragment {
    s: Option<CategorySuggestion>,
}

#[derive(serde::Deserialize)]
struct SuggestForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    content: String,
}

/// The intake form asks for a suggestion as the handler types (htmx).
async fn suggest(PageUser(_auth): PageUser, Form(f): Form<SuggestForm>) -> Response {
    render(&SuggestionFragment {
        s: CategorySuggestion::for_text(&format!("{} {}", f.title, f.content)),
    })
}

/// A list's match count for people: "10,000+" when counting stopped at the
/// cap, the plain number otherwise.
fn total_label(total: i64, capped: bool) -> String {
    if !capped {
        return total.to_string();
    }
    let digits = total.unsigned_abs().to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(d);
    }
    grouped.push('+');
    grouped
}

#[cfg(test)]
mod total_label_tests {
    use super::total_label;

    #[test]
    fn capped_counts_read_as_at_least() {
        assert_eq!(total_label(10_000, true), "10,000+");
        assert_eq!(total_label(1_000_020, true), "1,000,020+");
        assert_eq!(total_label(980, true), "980+");
        assert_eq!(total_label(10_000, false), "10000");
        assert_eq!(total_label(0, false), "0");
    }
}
