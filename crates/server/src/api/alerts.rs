//! The alert centre over HTTP: early-warning alerts in the caller's scope
//! with filters, one alert with its evidence, lifecycle history and delivery
//! log, and the lifecycle steps (确认, 开始处置, 关闭 with a note).

use axum::Router;
use axum::extract::{Path, State};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use xiaobao_alerts::{RuleKind, Severity};
use xiaobao_store::alerts::{
    AlertAction, AlertDeliveryRow, AlertEventRow, AlertFilter, AlertRow, STATUSES, status_label,
};

use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{ApiError, ApiJson, ApiQuery, ErrorBody};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/alerts", get(list_alerts))
        .route("/api/v1/alerts/{id}", get(get_alert))
        .route("/api/v1/alerts/{id}/actions/{action}", post(alert_action))
}

/// Filters of the alert list. Dates are `YYYY-MM-DD`.
#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
pub struct AlertQuery {
    /// `new`, `acknowledged`, `handling`, `closed`, or `open` (all but closed).
    pub status: Option<String>,
    /// Rule contract name (`same_event_cluster`, …).
    pub rule: Option<String>,
    /// `high`, `medium` or `low`.
    pub severity: Option<String>,
    /// Organisation code: its subtree.
    pub org: Option<String>,
    /// Alerts still firing on or after this day.
    pub from: Option<String>,
    /// Alerts first raised on or before this day.
    pub to: Option<String>,
    /// Page number from 1 (default 1).
    pub page: Option<u32>,
    /// Items per page (default 50, at most 500).
    pub per_page: Option<u32>,
}

fn empty_to_none(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn valid_date(v: Option<String>, field: &str) -> Result<Option<String>, ApiError> {
    match v {
        Some(d) if chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d").is_err() => Err(
            ApiError::unprocessable(format!("{field} 须为 YYYY-MM-DD 日期：{d}")),
        ),
        other => Ok(other),
    }
}

impl AlertQuery {
    /// The store filter, after checking every value.
    pub fn filter(&self) -> Result<AlertFilter, ApiError> {
        let mut f = AlertFilter {
            page: self.page.unwrap_or(1),
            per_page: self.per_page.unwrap_or(50),
            ..AlertFilter::default()
        };
        match empty_to_none(&self.status).as_deref() {
            None => {}
            Some("open") => f.open_only = true,
            Some(s) if STATUSES.iter().any(|(k, _)| *k == s) => f.status = Some(s.to_string()),
            Some(s) => {
                return Err(ApiError::unprocessable(format!(
                    "预警状态无效：{s}（可选 open、new、acknowledged、handling、closed）"
                )));
            }
        }
        if let Some(r) = empty_to_none(&self.rule) {
            if !RuleKind::ALL.iter().any(|k| k.as_str() == r) {
                return Err(ApiError::unprocessable(format!("预警规则无效：{r}")));
            }
            f.rule = Some(r);
        }
        if let Some(s) = empty_to_none(&self.severity) {
            if !["high", "medium", "low"].contains(&s.as_str()) {
                return Err(ApiError::unprocessable(format!(
                    "预警等级无效：{s}（可选 high、medium、low）"
                )));
            }
            f.severity = Some(s);
        }
        f.org = empty_to_none(&self.org);
        f.from = valid_date(empty_to_none(&self.from), "from")?;
        f.to = valid_date(empty_to_none(&self.to), "to")?;
        Ok(f)
    }
}

/// One alert as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct AlertOut {
    pub id: String,
    pub rule: String,
    pub rule_label: String,
    pub dedup_key: String,
    pub org_code: String,
    pub org_name: String,
    pub severity: String,
    pub severity_label: String,
    pub title: String,
    pub status: String,
    pub status_label: String,
    pub first_date: String,
    pub last_date: String,
    pub created_at: String,
    pub updated_at: String,
    pub escalated_at: Option<String>,
    pub close_note: Option<String>,
    pub version: i64,
    /// Numbers, baseline, terms, complaint ids, daily series.
    #[schema(value_type = Object)]
    pub evidence: serde_json::Value,
}

/// The Chinese name of a rule's contract name.
pub fn rule_label(rule: &str) -> String {
    RuleKind::ALL
        .iter()
        .find(|k| k.as_str() == rule)
        .map_or_else(|| rule.to_string(), |k| k.label_zh().to_string())
}

/// The Chinese name of a severity's contract name.
pub fn severity_label(severity: &str) -> String {
    serde_json::from_value::<Severity>(serde_json::Value::String(severity.to_string()))
        .map_or_else(|_| severity.to_string(), |s| s.label_zh().to_string())
}

impl AlertOut {
    pub fn new(a: &AlertRow) -> AlertOut {
        AlertOut {
            id: a.id.clone(),
            rule: a.rule.clone(),
            rule_label: rule_label(&a.rule),
            dedup_key: a.dedup_key.clone(),
            org_code: a.org_code.clone(),
            org_name: a.org_name.clone(),
            severity: a.severity.clone(),
            severity_label: severity_label(&a.severity),
            title: a.title.clone(),
            status: a.status.clone(),
            status_label: status_label(&a.status).to_string(),
            first_date: a.first_date.clone(),
            last_date: a.last_date.clone(),
            created_at: a.created_at.clone(),
            updated_at: a.updated_at.clone(),
            escalated_at: a.escalated_at.clone(),
            close_note: a.close_note.clone(),
            version: a.version,
            evidence: a.evidence_json(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AlertPage {
    pub items: Vec<AlertOut>,
    pub total: i64,
}

/// An alert with its history and delivery log.
#[derive(Debug, Serialize, ToSchema)]
pub struct AlertDetail {
    #[serde(flatten)]
    pub alert: AlertOut,
    #[schema(value_type = Vec<Object>)]
    pub events: Vec<AlertEventRow>,
    #[schema(value_type = Vec<Object>)]
    pub deliveries: Vec<AlertDeliveryRow>,
}

/// Alerts in the caller's scope, newest first: `{"items", "total"}`.
#[utoipa::path(get, path = "/api/v1/alerts", tag = "alerts", params(AlertQuery),
    responses((status = 200, body = AlertPage), (status = 422, body = ErrorBody)))]
pub async fn list_alerts(
    State(state): State<AppState>,
    ApiUser(auth): ApiUser,
    ApiQuery(q): ApiQuery<AlertQuery>,
) -> Result<ApiJson<AlertPage>, ApiError> {
    let page = state.store.list_alerts(&auth.actor, &q.filter()?).await?;
    Ok(ApiJson(AlertPage {
        items: page.items.iter().map(AlertOut::new).collect(),
        total: page.total,
    }))
}

/// One alert with evidence, lifecycle events and deliveries; 404 outside
/// the caller's scope.
#[utoipa::path(get, path = "/api/v1/alerts/{id}", tag = "alerts", params(("id" = String, Path)),
    responses((status = 200, body = AlertDetail), (status = 404, body = ErrorBody)))]
pub async fn get_alert(
    State(state): State<AppState>,
    ApiUser(auth): ApiUser,
    Path(id): Path<String>,
) -> Result<ApiJson<AlertDetail>, ApiError> {
    Ok(ApiJson(alert_detail(&state, &auth.actor, &id).await?))
}

pub async fn alert_detail(
    state: &AppState,
    actor: &xiaobao_domain::actor::Actor,
    id: &str,
) -> Result<AlertDetail, ApiError> {
    let alert = state.store.get_alert(actor, id).await?;
    let events = state.store.alert_events(actor, id).await?;
    let deliveries = state.store.alert_deliveries(actor, id).await?;
    Ok(AlertDetail {
        alert: AlertOut::new(&alert),
        events,
        deliveries,
    })
}

/// Parameters of a lifecycle step.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct AlertActionIn {
    /// Required to close: what was done.
    pub note: Option<String>,
    /// The version the caller saw; a newer stored version is a 409.
    pub version: Option<i64>,
}

/// Lifecycle step `acknowledge`, `start` or `close` (with `note`). 409 when
/// the alert's state does not allow it or `version` is stale; 422 when
/// closing without a note.
#[utoipa::path(post, path = "/api/v1/alerts/{id}/actions/{action}", tag = "alerts",
    params(("id" = String, Path), ("action" = String, Path, description = "acknowledge, start, close")),
    request_body(content = AlertActionIn),
    responses((status = 200, body = AlertOut), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn alert_action(
    State(state): State<AppState>,
    ApiUser(auth): ApiUser,
    Path((id, action)): Path<(String, String)>,
    body: axum::body::Bytes,
) -> Result<ApiJson<AlertOut>, ApiError> {
    let input: AlertActionIn = if body.iter().all(u8::is_ascii_whitespace) {
        AlertActionIn::default()
    } else {
        serde_json::from_slice(&body)
            .map_err(|e| ApiError::bad_request(format!("JSON 格式错误 malformed JSON: {e}")))?
    };
    let Some(action) = AlertAction::parse(&action) else {
        return Err(ApiError::not_found(format!(
            "预警操作不存在：{action}（可选 acknowledge、start、close）"
        )));
    };
    let row = state
        .store
        .transition_alert(
            &auth.actor,
            &id,
            action,
            input.note.as_deref(),
            input.version,
        )
        .await?;
    Ok(ApiJson(AlertOut::new(&row)))
}
