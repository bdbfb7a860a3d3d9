//! 预警中心: the alerts in the user's scope with filters, a heat map of
//! complaints per organisation × business category for the last 30 days,
//! and one alert with its evidence (figures, baseline, terms, complaint
//! links, a daily sparkline), history, deliveries and lifecycle buttons.

use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use xiaobao_alerts::{Evidence, RuleKind};
use xiaobao_domain::taxonomy::Dimension;
use xiaobao_store::alerts::{AlertAction, AlertDeliveryRow, AlertEventRow, STATUSES, status_label};

use super::analysis::sparkline_points;
use super::{Chrome, error_page, render, store_error_page};
use crate::AppState;
use crate::api::alerts::{AlertOut, AlertQuery, alert_detail};
use crate::api::analysis::today;
use crate::auth::{Authenticated, PageUser};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/alerts", get(list_page))
        .route("/alerts/{id}", get(detail_page))
        .route("/alerts/{id}/actions/{action}", post(act))
}

/// Days the heat map covers, ending today.
const HEAT_MAP_DAYS: u32 = 30;

/// One heat-map cell as shown: count and background opacity.
pub struct HeatCell {
    pub count: i64,
    pub category: String,
    pub alpha: String,
}

#[derive(Template)]
#[template(path = "alerts.html")]
struct AlertsPage {
    chrome: Chrome,
    alerts: Vec<AlertOut>,
    total: i64,
    status: String,
    rule: String,
    severity: String,
    org: String,
    statuses: Vec<(String, String)>,
    rules: Vec<(String, String)>,
    orgs: Vec<(String, String)>,
    /// Display names of the heat map's category codes.
    heat_categories: Vec<String>,
    heat_rows: Vec<(String, String, Vec<HeatCell>)>,
    heat_from: String,
    heat_to: String,
}

async fn list_page(
    State(state): State<AppState>,
    PageUser(auth): PageUser,
    Query(q): Query<AlertQuery>,
) -> Response {
    let mut q = q;
    // The centre opens on what needs attention.
    if q.status.is_none() {
        q.status = Some("open".into());
    }
    let filter = match q.filter() {
        Ok(f) => f,
        Err(e) => return error_page(e.status, "查询条件有误", &e.message),
    };
    let page = match state.store.list_alerts(&auth.actor, &filter).await {
        Ok(p) => p,
        Err(e) => return store_error_page(e),
    };
    let to = today();
    let from = xiaobao_service::analysis::period_ending(to, HEAT_MAP_DAYS);
    let heat = match state
        .store
        .complaint_heat_map(&auth.actor, &from.to_string(), &to.to_string())
        .await
    {
        Ok(h) => h,
        Err(e) => return store_error_page(e),
    };
    let orgs = match state.store.list_orgs(&auth.actor).await {
        Ok(o) => o,
        Err(e) => return store_error_page(e),
    };
    let heat_rows = heat
        .orgs
        .iter()
        .zip(&heat.cells)
        .map(|((code, name), cells)| {
            (
                code.clone(),
                name.clone(),
                cells
                    .iter()
                    .zip(&heat.categories)
                    .map(|(&count, category)| HeatCell {
                        count,
                        category: category.clone(),
                        alpha: format!("{:.2}", count as f64 / heat.max.max(1) as f64 * 0.85),
                    })
                    .collect(),
            )
        })
        .collect();
    let mut statuses = vec![
        ("open".to_string(), "未关闭".to_string()),
        (String::new(), "全部".to_string()),
    ];
    statuses.extend(STATUSES.iter().map(|(k, l)| (k.to_string(), l.to_string())));
    render(&AlertsPage {
        chrome: Chrome::new(&state, &auth, "/alerts").await,
        alerts: page.items.iter().map(AlertOut::new).collect(),
        total: page.total,
        status: q.status.clone().unwrap_or_default(),
        rule: q.rule.clone().unwrap_or_default(),
        severity: q.severity.clone().unwrap_or_default(),
        org: q.org.clone().unwrap_or_default(),
        statuses,
        rules: RuleKind::ALL
            .iter()
            .map(|k| (k.as_str().to_string(), k.label_zh().to_string()))
            .collect(),
        orgs: orgs.into_iter().map(|o| (o.code, o.name)).collect(),
        heat_categories: {
            let taxonomy = state.services.taxonomy();
            let names: std::collections::HashMap<&str, &str> = taxonomy
                .entries(Dimension::BusinessCategory)
                .iter()
                .map(|e| (e.code.as_str(), e.name.as_str()))
                .collect();
            heat.categories
                .iter()
                .map(|c| {
                    names
                        .get(c.as_str())
                        .map_or_else(|| c.clone(), |n| n.to_string())
                })
                .collect()
        },
        heat_rows,
        heat_from: from.to_string(),
        heat_to: to.to_string(),
    })
}

#[derive(Template)]
#[template(path = "alert_detail.html")]
struct AlertDetailPage {
    chrome: Chrome,
    alert: AlertOut,
    facts: Vec<(String, String)>,
    terms: Vec<String>,
    tags: Vec<String>,
    complaints: Vec<(String, String)>,
    breakdown: Vec<(String, u64)>,
    sparkline: String,
    series_span: String,
    events: Vec<EventView>,
    deliveries: Vec<AlertDeliveryRow>,
    actions: Vec<(&'static str, &'static str)>,
    can_act: bool,
    error: Option<String>,
}

/// Labelled figures of the evidence, in display order.
fn evidence_facts(ev: &Evidence) -> Vec<(String, String)> {
    let mut facts = vec![("涉及投诉".to_string(), format!("{} 件", ev.count))];
    if let Some(e) = ev.expected {
        facts.push(("基线预期".into(), format!("{e:.1} 件")));
    }
    if let (Some(n), Some(from), Some(to)) = (ev.baseline_count, ev.baseline_from, ev.baseline_to) {
        facts.push(("基期".into(), format!("{from} 至 {to}，共 {n} 件")));
    }
    if let Some(r) = ev.ratio {
        facts.push(("倍数（实际/预期）".into(), format!("{r:.2}")));
    }
    if let Some(p) = ev.p_value {
        facts.push(("p 值".into(), format!("{p:.2e}")));
    }
    if let Some(q) = ev.q_value {
        facts.push(("校正后 q 值".into(), format!("{q:.2e}")));
    }
    if let Some(d) = ev.due_date {
        facts.push(("办理期限".into(), d.to_string()));
    }
    if let Some(left) = ev.days_left {
        facts.push((
            "期限状态".into(),
            if left < 0 {
                format!("已超期 {} 天", -left)
            } else {
                format!("剩余 {left} 天")
            },
        ));
    }
    facts
}

async fn detail(
    state: &AppState,
    auth: &Authenticated,
    id: &str,
    error: Option<(StatusCode, String)>,
) -> Response {
    let d = match alert_detail(state, &auth.actor, id).await {
        Ok(d) => d,
        Err(e) if e.status == StatusCode::NOT_FOUND => return super::not_found_page(),
        Err(e) => return error_page(e.status, "无法显示预警", &e.message),
    };
    let ev: Evidence = serde_json::from_value(d.alert.evidence.clone()).unwrap_or_default();
    let numbers = match state.store.complaint_numbers(&ev.complaint_ids).await {
        Ok(n) => n,
        Err(e) => return store_error_page(e),
    };
    let complaints = ev
        .complaint_ids
        .iter()
        .map(|id| {
            (
                id.clone(),
                numbers.get(id).cloned().unwrap_or_else(|| id.clone()),
            )
        })
        .collect();
    let series: Vec<i64> = ev
        .series
        .iter()
        .map(|c| i64::try_from(c.count).unwrap_or(i64::MAX))
        .collect();
    let series_span = match (ev.series.first(), ev.series.last()) {
        (Some(a), Some(b)) => format!("{} 至 {}", a.date, b.date),
        _ => String::new(),
    };
    let org_names: std::collections::HashMap<String, String> =
        match state.store.list_orgs(&auth.actor).await {
            Ok(orgs) => orgs.into_iter().map(|o| (o.code, o.name)).collect(),
            Err(e) => return store_error_page(e),
        };
    let actions: Vec<(&'static str, &'static str)> = [
        (AlertAction::Acknowledge, "确认"),
        (AlertAction::Start, "开始处置"),
        (AlertAction::Close, "关闭"),
    ]
    .into_iter()
    .filter(|(a, _)| a.next(&d.alert.status).is_some())
    .map(|(a, l)| (a.as_str(), l))
    .collect();
    let page = AlertDetailPage {
        chrome: Chrome::new(state, auth, "/alerts").await,
        facts: evidence_facts(&ev),
        terms: ev.terms.clone(),
        tags: ev.tags.clone(),
        complaints,
        breakdown: ev
            .breakdown
            .iter()
            .map(|b| (b.label.clone(), b.count))
            .collect(),
        sparkline: sparkline_points(&series, 240.0, 40.0),
        series_span,
        events: d
            .events
            .iter()
            .map(|e| EventView::new(e, &org_names))
            .collect(),
        deliveries: d.deliveries,
        actions,
        can_act: auth.actor.role.can_handle_complaints(),
        error: error.as_ref().map(|(_, m)| m.clone()),
        alert: d.alert,
    };
    let mut resp = render(&page);
    if let Some((status, _)) = error {
        *resp.status_mut() = status;
    }
    resp
}

async fn detail_page(
    State(state): State<AppState>,
    PageUser(auth): PageUser,
    Path(id): Path<String>,
) -> Response {
    detail(&state, &auth, &id, None).await
}

async fn act(
    State(state): State<AppState>,
    PageUser(auth): PageUser,
    Path((id, action)): Path<(String, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let Some(parsed) = AlertAction::parse(&action) else {
        return super::not_found_page();
    };
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let version = field("version").and_then(|v| v.trim().parse::<i64>().ok());
    match state
        .store
        .transition_alert(&auth.actor, &id, parsed, field("note").as_deref(), version)
        .await
    {
        Ok(row) => Redirect::to(&format!("/alerts/{}", row.id)).into_response(),
        Err(err) => {
            let e = crate::error::ApiError::from(err);
            if e.status == StatusCode::NOT_FOUND {
                return super::not_found_page();
            }
            detail(&state, &auth, &id, Some((e.status, e.message))).await
        }
    }
}

/// The Chinese name of an event's action.
pub fn event_label(action: &str) -> &'static str {
    match action {
        "create" => "预警生成",
        "acknowledge" => "确认",
        "start" => "开始处置",
        "close" => "关闭",
        "escalate" => "升级至上级机构",
        _ => "其他",
    }
}

/// One history line as shown.
pub struct EventView {
    pub label: &'static str,
    pub to_status: String,
    pub actor_name: String,
    pub at: String,
    pub note: String,
    pub detail: String,
}

impl EventView {
    fn new(e: &AlertEventRow, org_names: &std::collections::HashMap<String, String>) -> EventView {
        let payload: serde_json::Value = serde_json::from_str(&e.payload).unwrap_or_default();
        let name = |k: &str| {
            payload[k]
                .as_str()
                .map(|c| org_names.get(c).cloned().unwrap_or_else(|| c.to_string()))
        };
        let detail = match (name("from_org"), name("to_org")) {
            (Some(f), Some(t)) => format!("{f} → {t}"),
            _ => String::new(),
        };
        EventView {
            label: event_label(&e.action),
            to_status: status_label(&e.to_status).to_string(),
            actor_name: e.actor_name.clone(),
            at: e.at.get(..19).unwrap_or(&e.at).replace('T', " "),
            note: e.note.clone().unwrap_or_default(),
            detail,
        }
    }
}
