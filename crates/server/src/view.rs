//! How complaints are presented: codes turned into the names people read,
//! deadlines into days left, JSON text columns into lists. Shared by the API
//! and the pages, so both say the same thing.

use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;
use xiaobao_domain::complaint::ActionKind;
use xiaobao_domain::names::{from_name, to_name};
use xiaobao_domain::taxonomy::{Dimension, Taxonomy};
use xiaobao_store::complaints::{ComplaintEventRow, ComplaintRow, ComplaintSummary};

/// Name of a taxonomy code (the code itself when unknown, e.g. after an edit).
pub fn name(taxonomy: &Taxonomy, dim: Dimension, code: &str) -> String {
    taxonomy
        .lookup(dim, code)
        .map(|e| e.name.clone())
        .unwrap_or_else(|| code.to_string())
}

fn names(taxonomy: &Taxonomy, dim: Dimension, json: &str) -> Vec<String> {
    serde_json::from_str::<Vec<String>>(json)
        .unwrap_or_default()
        .iter()
        .map(|c| name(taxonomy, dim, c))
        .collect()
}

fn list(json: &str) -> Vec<String> {
    serde_json::from_str(json).unwrap_or_default()
}

/// Chinese name of a state's contract name.
pub fn state_name(state: &str) -> String {
    from_name::<xiaobao_domain::complaint::ComplaintState>(state)
        .map(|s| s.label_zh().to_string())
        .unwrap_or_else(|| state.to_string())
}

/// Chinese name of a deadline status.
pub fn sla_name(status: &str) -> &'static str {
    from_name::<xiaobao_domain::sla::SlaStatus>(status)
        .map(|s| s.label_zh())
        .unwrap_or("")
}

/// Days from `today` to `due` for complaints still awaiting a decision.
pub fn days_left(state: &str, due: Option<&str>, today: NaiveDate) -> Option<i64> {
    if !matches!(
        state,
        "registered" | "accepted" | "in_progress" | "under_review"
    ) {
        return None;
    }
    let due = NaiveDate::parse_from_str(due?, "%Y-%m-%d").ok()?;
    Some((due - today).num_days())
}

/// The live deadline status: stored status for finished complaints,
/// recomputed from the due date for open ones.
pub fn live_sla(state: &str, stored: &str, days_left: Option<i64>, at_risk_days: i64) -> String {
    match days_left {
        Some(d) if d < 0 => "overdue".into(),
        Some(d) if d <= at_risk_days => "at_risk".into(),
        Some(_) => "on_track".into(),
        None if state == "rejected" || state == "withdrawn" => "stopped".into(),
        None => stored.into(),
    }
}

/// Masked personal data of the complainant.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ComplainantOut {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub id_number: Option<String>,
    pub card_number: Option<String>,
    pub role: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrgRef {
    pub code: String,
    pub name: String,
}

/// A complaint (personal data masked).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ComplaintOut {
    pub id: String,
    pub number: String,
    pub external_id: Option<String>,
    /// Contract state name: registered, accepted, rejected, in_progress,
    /// decision_notified, closed, under_review, withdrawn.
    pub status: String,
    pub status_name: String,
    pub received_at: String,
    pub received_on: String,
    /// Operational deadline (YYYY-MM-DD).
    pub due_date: Option<String>,
    /// Latest date the law allows.
    pub legal_due_date: Option<String>,
    pub days_left: Option<i64>,
    /// on_track, at_risk, overdue, met, stopped.
    pub sla_status: String,
    pub sla_status_name: String,
    pub source: String,
    pub channel: String,
    pub business_category: String,
    pub business_subcategory: Option<String>,
    pub reason: String,
    pub demands: Vec<String>,
    pub vulnerable_flags: Vec<String>,
    pub title: String,
    /// Free text with personal data masked.
    pub content: String,
    pub complainant: ComplainantOut,
    pub product: Option<String>,
    /// Amount in dispute in yuan.
    pub amount: Option<String>,
    pub subject_staff: Vec<String>,
    pub tags: Vec<String>,
    pub org: OrgRef,
    pub assignee: Option<String>,
    pub outcome: Option<String>,
    pub satisfaction: Option<String>,
    pub compensation: Option<String>,
    /// Actions the current state and facts allow.
    pub available_actions: Vec<String>,
    pub created_at: String,
    pub updated_at: String,
}

pub fn yuan(fen: i64) -> String {
    format!("{}.{:02}", fen / 100, fen % 100)
}

impl ComplaintOut {
    pub fn new(
        row: &ComplaintRow,
        taxonomy: &Taxonomy,
        today: NaiveDate,
        at_risk_days: i64,
    ) -> ComplaintOut {
        let days = days_left(&row.state, row.due_on.as_deref(), today);
        let sla = live_sla(&row.state, &row.sla_status, days, at_risk_days);
        let available = row
            .facts()
            .map(|f| f.available_actions())
            .unwrap_or_default()
            .into_iter()
            .map(action_name)
            .collect();
        ComplaintOut {
            id: row.id.clone(),
            number: row.number.clone(),
            external_id: row.external_id.clone(),
            status: row.state.clone(),
            status_name: state_name(&row.state),
            received_at: row.received_at.clone(),
            received_on: row.received_on.clone(),
            due_date: row.due_on.clone(),
            legal_due_date: row.legal_due_on.clone(),
            days_left: days,
            sla_status_name: sla_name(&sla).to_string(),
            sla_status: sla,
            source: name(taxonomy, Dimension::Source, &row.source),
            channel: name(taxonomy, Dimension::Channel, &row.channel),
            business_category: name(
                taxonomy,
                Dimension::BusinessCategory,
                &row.business_category,
            ),
            business_subcategory: row
                .business_subcategory
                .as_ref()
                .map(|c| name(taxonomy, Dimension::BusinessSubcategory, c)),
            reason: name(taxonomy, Dimension::Reason, &row.reason),
            demands: names(taxonomy, Dimension::Demand, &row.demands),
            vulnerable_flags: names(taxonomy, Dimension::VulnerableFlag, &row.vulnerable_flags),
            title: row.title.clone(),
            content: row.content.clone(),
            complainant: ComplainantOut {
                name: row.name_masked.clone(),
                phone: row.phone_masked.clone(),
                id_number: row.id_number_masked.clone(),
                card_number: row.card_number_masked.clone(),
                role: name(taxonomy, Dimension::ComplainantRole, &row.complainant_role),
            },
            product: row.product.clone(),
            amount: row.amount_fen.map(yuan),
            subject_staff: list(&row.subject_staff),
            tags: list(&row.tags),
            org: OrgRef {
                code: row.org_code.clone(),
                name: row.org_name.clone(),
            },
            assignee: row.assignee.clone(),
            outcome: row.outcome.clone(),
            satisfaction: row.satisfaction.clone(),
            compensation: row.compensation_fen.map(yuan),
            available_actions: available,
            created_at: row.created_at.clone(),
            updated_at: row.updated_at.clone(),
        }
    }
}

/// Contract name of an action kind.
pub fn action_name(kind: ActionKind) -> String {
    to_name(&kind)
}

/// One line of a complaint list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ComplaintListItem {
    pub id: String,
    pub number: String,
    pub received_on: String,
    pub title: String,
    pub status: String,
    pub status_name: String,
    pub source: String,
    pub channel: String,
    pub business_category: String,
    pub reason: String,
    pub vulnerable_flags: Vec<String>,
    pub complainant_name: Option<String>,
    pub org: OrgRef,
    pub assignee: Option<String>,
    pub due_date: Option<String>,
    pub days_left: Option<i64>,
    pub sla_status: String,
    pub sla_status_name: String,
    pub tags: Vec<String>,
    /// The beginning of the content (personal data masked).
    pub excerpt: String,
}

impl ComplaintListItem {
    pub fn new(
        s: &ComplaintSummary,
        taxonomy: &Taxonomy,
        today: NaiveDate,
        at_risk_days: i64,
    ) -> ComplaintListItem {
        let days = days_left(&s.state, s.due_on.as_deref(), today);
        let sla = live_sla(&s.state, &s.sla_status, days, at_risk_days);
        ComplaintListItem {
            id: s.id.clone(),
            number: s.number.clone(),
            received_on: s.received_on.clone(),
            title: s.title.clone(),
            status: s.state.clone(),
            status_name: state_name(&s.state),
            source: name(taxonomy, Dimension::Source, &s.source),
            channel: name(taxonomy, Dimension::Channel, &s.channel),
            business_category: name(taxonomy, Dimension::BusinessCategory, &s.business_category),
            reason: name(taxonomy, Dimension::Reason, &s.reason),
            vulnerable_flags: names(taxonomy, Dimension::VulnerableFlag, &s.vulnerable_flags),
            complainant_name: s.name_masked.clone(),
            org: OrgRef {
                code: s.org_code.clone(),
                name: s.org_name.clone(),
            },
            assignee: s.assignee.clone(),
            due_date: s.due_on.clone(),
            days_left: days,
            sla_status_name: sla_name(&sla).to_string(),
            sla_status: sla,
            tags: list(&s.tags),
            excerpt: s.excerpt.clone(),
        }
    }
}

/// One event of the history, for the timeline.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EventOut {
    pub seq: i64,
    pub action: String,
    pub action_name: String,
    pub from_status: Option<String>,
    pub to_status: String,
    pub actor: String,
    pub at: String,
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
}

impl From<&ComplaintEventRow> for EventOut {
    fn from(e: &ComplaintEventRow) -> EventOut {
        let action_name = from_name::<ActionKind>(&e.action)
            .map(|k| k.label_zh().to_string())
            .unwrap_or_else(|| {
                if e.action == "register" {
                    "登记".into()
                } else {
                    e.action.clone()
                }
            });
        EventOut {
            seq: e.seq,
            action: e.action.clone(),
            action_name,
            from_status: e.from_state.clone(),
            to_status: e.to_state.clone(),
            actor: e.actor_name.clone(),
            at: e.at.clone(),
            payload: serde_json::from_str(&e.payload).unwrap_or(serde_json::Value::Null),
        }
    }
}
