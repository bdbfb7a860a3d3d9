//! Complaints: intake, lists with filters and full-text search, detail,
//! history, actions, and revealing personal data.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use chrono::Utc;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use xiaobao_domain::complaint::{Action, ActionError, ActionKind, china_date};
use xiaobao_domain::intake::ComplaintInput;
use xiaobao_domain::taxonomy::{Dimension, Taxonomy};
use xiaobao_service::{IntakeError, RevealError};
use xiaobao_store::complaints::{ActionFailure, ComplaintFilter, DeadlineFilter};

use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{ApiError, ApiJson, ApiQuery, ErrorBody};
use crate::view::{ComplaintListItem, ComplaintOut, EventOut, action_name};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/complaints",
            get(list_complaints).post(create_complaint),
        )
        .route("/api/v1/complaints/{id}", get(get_complaint))
        .route("/api/v1/complaints/{id}/events", get(complaint_events))
        .route(
            "/api/v1/complaints/{id}/actions/{action}",
            post(complaint_action),
        )
        .route("/api/v1/complaints/{id}/reveal", post(reveal))
}

/// Days before the due date from which a complaint counts as at risk.
pub fn at_risk_days(state: &AppState) -> i64 {
    i64::from(state.services.policy().at_risk_threshold_days)
}

pub fn intake_error(err: IntakeError) -> ApiError {
    match err {
        IntakeError::Invalid(errors) => {
            let message = errors
                .iter()
                .map(|e| format!("{}: {}", e.field, e.message))
                .collect::<Vec<_>>()
                .join("；");
            ApiError::unprocessable(format!("投诉信息有误 invalid complaint: {message}"))
                .with_details(serde_json::json!({ "errors": errors }))
        }
        IntakeError::Store(e) => e.into(),
    }
}

/// Registers a complaint. Returns it with its number, status and due date.
#[utoipa::path(post, path = "/api/v1/complaints", tag = "complaints",
    request_body(content = Object, description = "ComplaintInput: received_at, channel, business_category, reason, content; optional title, source, org, external_id, complainant{name,phone,id_number,card_number,role}, demands, vulnerable_flags, product, amount, subject_staff, tags"),
    responses((status = 201, body = ComplaintOut), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_complaint(
    State(state): State<AppState>,
    ApiUser(auth): ApiUser,
    ApiJson(input): ApiJson<ComplaintInput>,
) -> Result<(StatusCode, ApiJson<ComplaintOut>), ApiError> {
    let now = Utc::now();
    let row = state
        .services
        .register_complaint(&auth.actor, &input, now)
        .await
        .map_err(intake_error)?;
    Ok((
        StatusCode::CREATED,
        ApiJson(ComplaintOut::new(
            &row,
            &state.services.taxonomy(),
            china_date(now),
            at_risk_days(&state),
        )),
    ))
}

/// Filters for complaint lists (all optional, combined with AND).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Comma-separated states, e.g. `registered,in_progress`.
    pub status: Option<String>,
    /// Organisation code: its whole subtree.
    pub org: Option<String>,
    pub business_category: Option<String>,
    pub reason: Option<String>,
    pub channel: Option<String>,
    pub source: Option<String>,
    pub vulnerable_flag: Option<String>,
    pub assignee: Option<String>,
    /// Received on or after (YYYY-MM-DD).
    pub from: Option<String>,
    /// Received on or before (YYYY-MM-DD).
    pub to: Option<String>,
    /// `overdue` or `at_risk`.
    pub deadline: Option<String>,
    /// Full-text search over title and content.
    pub q: Option<String>,
    pub page: Option<u32>,
    /// 1–500, default 20.
    pub per_page: Option<u32>,
}

fn code_of(
    taxonomy: &Taxonomy,
    dim: Dimension,
    field: &str,
    value: &Option<String>,
) -> Result<Option<String>, ApiError> {
    match value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => taxonomy
            .validate(dim, v)
            .map(|e| Some(e.code.clone()))
            .map_err(|e| {
                ApiError::unprocessable(e.to_string())
                    .with_details(serde_json::json!({"field": field, "allowed": e.valid}))
            }),
    }
}

fn date(field: &str, value: &Option<String>) -> Result<Option<chrono::NaiveDate>, ApiError> {
    match value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| {
                ApiError::unprocessable(format!(
                    "{field} 日期格式应为 YYYY-MM-DD invalid date {v:?}"
                ))
            }),
    }
}

const STATES: [&str; 8] = [
    "registered",
    "accepted",
    "rejected",
    "in_progress",
    "decision_notified",
    "closed",
    "under_review",
    "withdrawn",
];

/// Turns list parameters into a store filter; shared with the pages and exports.
pub fn filter_from_query(q: &ListQuery, taxonomy: &Taxonomy) -> Result<ComplaintFilter, ApiError> {
    let mut states = Vec::new();
    for s in q
        .status
        .as_deref()
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        if !STATES.contains(&s) {
            return Err(
                ApiError::unprocessable(format!("未知状态 unknown status {s:?}"))
                    .with_details(serde_json::json!({"field": "status", "allowed": STATES})),
            );
        }
        states.push(s.to_string());
    }
    let deadline = match q
        .deadline
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some("overdue") => Some(DeadlineFilter::Overdue),
        Some("at_risk") => Some(DeadlineFilter::AtRisk),
        Some(other) => {
            return Err(ApiError::unprocessable(format!(
                "deadline 取值无效 invalid deadline {other:?}"
            ))
            .with_details(
                serde_json::json!({"field": "deadline", "allowed": ["overdue", "at_risk"]}),
            ));
        }
    };
    let search_tokens =
        q.q.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|text| xiaobao_text::Segmenter::shared().tokens(text).join(" "))
            .filter(|t| !t.is_empty());
    let per_page = q.per_page.unwrap_or(20);
    if !(1..=500).contains(&per_page) {
        return Err(ApiError::unprocessable(
            "per_page 须在 1–500 之间 per_page must be 1–500",
        ));
    }
    Ok(ComplaintFilter {
        states,
        org: q.org.clone().filter(|s| !s.trim().is_empty()),
        business_category: code_of(
            taxonomy,
            Dimension::BusinessCategory,
            "business_category",
            &q.business_category,
        )?,
        reason: code_of(taxonomy, Dimension::Reason, "reason", &q.reason)?,
        channel: code_of(taxonomy, Dimension::Channel, "channel", &q.channel)?,
        source: code_of(taxonomy, Dimension::Source, "source", &q.source)?,
        vulnerable_flag: code_of(
            taxonomy,
            Dimension::VulnerableFlag,
            "vulnerable_flag",
            &q.vulnerable_flag,
        )?,
        assignee: q.assignee.clone().filter(|s| !s.trim().is_empty()),
        received_from: date("from", &q.from)?,
        received_to: date("to", &q.to)?,
        deadline,
        search_tokens,
        page: q.page.unwrap_or(1).max(1),
        per_page,
    })
}

#[derive(serde::Serialize, ToSchema)]
pub struct ComplaintPage {
    pub items: Vec<ComplaintListItem>,
    /// The number of matches; when `total_capped`, the count stopped here.
    pub total: i64,
    /// More complaints match than `total`: counting stops at 10,000 (2,000
    /// for a search with `q`) or at the end of the page asked for; a client
    /// shows "10,000+".
    pub total_capped: bool,
}

/// Complaints in the caller's scope: newest first, or by relevance with `q`.
#[utoipa::path(get, path = "/api/v1/complaints", tag = "complaints", params(ListQuery),
    responses((status = 200, body = ComplaintPage), (status = 422, body = ErrorBody)))]
pub async fn list_complaints(
    State(state): State<AppState>,
    ApiUser(auth): ApiUser,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<ApiJson<ComplaintPage>, ApiError> {
    let filter = filter_from_query(&q, &state.services.taxonomy())?;
    let today = china_date(Utc::now());
    let page = state
        .store
        .list_complaints(&auth.actor, &filter, today, at_risk_days(&state))
        .await?;
    Ok(ApiJson(ComplaintPage {
        items: page
            .items
            .iter()
            .map(|s| {
                ComplaintListItem::new(s, &state.services.taxonomy(), today, at_risk_days(&state))
            })
            .collect(),
        total: page.total,
        total_capped: page.total_capped,
    }))
}

/// One complaint by id or number (personal data masked).
#[utoipa::path(get, path = "/api/v1/complaints/{id}", tag = "complaints",
    params(("id" = String, Path, description = "id or number")),
    responses((status = 200, body = ComplaintOut), (status = 404, body = ErrorBody)))]
pub async fn get_complaint(
    State(state): State<AppState>,
    ApiUser(auth): ApiUser,
    Path(id): Path<String>,
) -> Result<ApiJson<ComplaintOut>, ApiError> {
    let row = state.store.get_complaint(&auth.actor, &id).await?;
    Ok(ApiJson(ComplaintOut::new(
        &row,
        &state.services.taxonomy(),
        china_date(Utc::now()),
        at_risk_days(&state),
    )))
}

/// The complaint's append-only history, oldest first.
#[utoipa::path(get, path = "/api/v1/complaints/{id}/events", tag = "complaints",
    params(("id" = String, Path)),
    responses((status = 200, body = [EventOut]), (status = 404, body = ErrorBody)))]
pub async fn complaint_events(
    State(state): State<AppState>,
    ApiUser(auth): ApiUser,
    Path(id): Path<String>,
) -> Result<ApiJson<Vec<EventOut>>, ApiError> {
    let events = state.store.complaint_events(&auth.actor, &id).await?;
    Ok(ApiJson(events.iter().map(EventOut::from).collect()))
}

/// Maps a refused action to 409 (state does not allow it) or 422 (bad input).
pub fn action_error(err: ActionFailure) -> ApiError {
    match err {
        ActionFailure::Rule(rule) => {
            let details = match &rule {
                ActionError::NotAllowed { allowed, .. } => serde_json::json!({
                    "allowed": allowed.iter().map(|a| action_name(*a)).collect::<Vec<_>>()
                }),
                _ => serde_json::Value::Null,
            };
            let status = if rule.is_conflict() {
                StatusCode::CONFLICT
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            ApiError::new(status, rule.code(), rule.to_string()).with_details(details)
        }
        ActionFailure::Store(e) => e.into(),
    }
}

/// Builds an [`Action`] from the path's action name and the body's parameters.
pub fn parse_action(name: &str, body: serde_json::Value) -> Result<Action, ApiError> {
    let known: Vec<String> = ActionKind::ALL.iter().map(|a| action_name(*a)).collect();
    if !known.iter().any(|k| k == name) {
        return Err(
            ApiError::not_found(format!("未知操作 unknown action {name:?}"))
                .with_details(serde_json::json!({ "allowed": known })),
        );
    }
    let mut object = match body {
        serde_json::Value::Object(map) => map,
        serde_json::Value::Null => serde_json::Map::new(),
        _ => {
            return Err(ApiError::unprocessable(
                "操作参数须为 JSON 对象 parameters must be a JSON object",
            ));
        }
    };
    object.insert("action".into(), serde_json::Value::String(name.into()));
    serde_json::from_value::<Action>(serde_json::Value::Object(object)).map_err(|e| {
        ApiError::unprocessable(format!("操作参数有误 invalid parameters for {name}: {e}"))
    })
}

/// Performs an action (accept, assign, extend, notify_decision, close, …).
/// 409 when the complaint's state does not allow it, with the allowed actions.
#[utoipa::path(post, path = "/api/v1/complaints/{id}/actions/{action}", tag = "complaints",
    params(("id" = String, Path), ("action" = String, Path, description = "accept, reject, start, transfer, extend, pause, resume, merge, notify_decision, close, withdraw, request_review, decide_review, reopen, assign")),
    request_body(content = Object, description = "the action's parameters, e.g. {\"assignee\": \"li.wei\"} or {\"reason\": \"…\"}"),
    responses((status = 200, body = ComplaintOut), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn complaint_action(
    State(state): State<AppState>,
    ApiUser(auth): ApiUser,
    Path((id, action)): Path<(String, String)>,
    body: axum::body::Bytes,
) -> Result<ApiJson<ComplaintOut>, ApiError> {
    let params = if body.iter().all(u8::is_ascii_whitespace) {
        serde_json::Value::Null
    } else {
        serde_json::from_slice(&body)
            .map_err(|e| ApiError::bad_request(format!("JSON 格式错误 malformed JSON: {e}")))?
    };
    let action = parse_action(&action, params)?;
    let now = Utc::now();
    let row = state
        .store
        .apply_complaint_action(&auth.actor, &id, &action, &state.services.policy(), now)
        .await
        .map_err(action_error)?;
    Ok(ApiJson(ComplaintOut::new(
        &row,
        &state.services.taxonomy(),
        china_date(now),
        at_risk_days(&state),
    )))
}

#[derive(Deserialize, ToSchema)]
pub struct RevealIn {
    /// name, phone, id_number, card_number or content.
    pub field: String,
    /// Why the plain value is needed (recorded in the audit log).
    pub reason: String,
}

#[derive(serde::Serialize, ToSchema)]
pub struct RevealOut {
    pub field: String,
    pub value: String,
}

pub fn reveal_error(err: RevealError) -> ApiError {
    match err {
        RevealError::ReasonRequired | RevealError::UnknownField(_) => {
            ApiError::unprocessable(err.to_string())
        }
        RevealError::Empty => ApiError::not_found(err.to_string()),
        RevealError::Decrypt(_) => {
            tracing::error!(error = %err, "reveal failed");
            ApiError::internal()
        }
        RevealError::Store(e) => e.into(),
    }
}

/// Reveals one personal-data field in clear; needs a role allowed to and a
/// reason, and is recorded in the audit log.
#[utoipa::path(post, path = "/api/v1/complaints/{id}/reveal", tag = "complaints",
    params(("id" = String, Path)), request_body = RevealIn,
    responses((status = 200, body = RevealOut), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn reveal(
    State(state): State<AppState>,
    ApiUser(auth): ApiUser,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<RevealIn>,
) -> Result<ApiJson<RevealOut>, ApiError> {
    let value = state
        .services
        .reveal(&auth.actor, &id, &input.field, &input.reason, "")
        .await
        .map_err(reveal_error)?;
    Ok(ApiJson(RevealOut {
        field: input.field,
        value,
    }))
}
