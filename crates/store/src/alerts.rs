//! Early-warning alerts: one open alert per rule × scope, a lifecycle
//! (新建 → 已确认 → 处置中 → 已关闭) with optimistic versions, escalation of
//! unacknowledged alerts to the parent organisation, and the notification
//! delivery log.
//!
//! Alerts are organisation-scoped like complaints: the owner organisation's
//! path must lie inside the actor's scope, otherwise the alert does not
//! exist for that actor.

use std::collections::BTreeMap;

use serde::Serialize;
use sqlx::FromRow;
use xiaobao_domain::actor::Actor;

use crate::orgs::like_prefix;
use crate::sql::{Param, Sql};
use crate::{Store, StoreError, time};

/// Lifecycle states of an alert, in order, with their Chinese names.
pub const STATUSES: [(&str, &str); 4] = [
    ("new", "新建"),
    ("acknowledged", "已确认"),
    ("handling", "处置中"),
    ("closed", "已关闭"),
];

/// The Chinese name of a status (the contract name when unknown).
pub fn status_label(status: &str) -> &str {
    STATUSES
        .iter()
        .find(|(s, _)| *s == status)
        .map_or(status, |(_, l)| l)
}

/// The system account that raises and escalates alerts.
const SYSTEM_ID: &str = "system";
const SYSTEM_NAME: &str = "预警引擎";

/// An alert as a rule raised it, ready to be stored.
#[derive(Debug, Clone)]
pub struct NewAlert {
    pub rule: String,
    pub dedup_key: String,
    /// Owner organisation code.
    pub org_code: String,
    /// `high`, `medium` or `low`.
    pub severity: String,
    pub title: String,
    /// Evidence as JSON.
    pub evidence: String,
    /// Day the rule fired (`YYYY-MM-DD`).
    pub date: String,
}

/// What storing a candidate did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Upserted {
    /// A new alert with this id.
    Created(String),
    /// The open alert with this id was refreshed.
    Refreshed(String),
}

impl Upserted {
    pub fn id(&self) -> &str {
        match self {
            Upserted::Created(id) | Upserted::Refreshed(id) => id,
        }
    }
}

/// One stored alert with its owner organisation.
#[derive(Debug, Clone, Serialize, FromRow)]
pub struct AlertRow {
    pub id: String,
    pub rule: String,
    pub dedup_key: String,
    pub org_code: String,
    pub org_name: String,
    #[serde(skip)]
    pub org_path: String,
    pub severity: String,
    pub title: String,
    /// Evidence JSON as stored.
    #[serde(skip)]
    pub evidence: String,
    pub status: String,
    pub first_date: String,
    pub last_date: String,
    pub created_at: String,
    pub updated_at: String,
    pub escalated_at: Option<String>,
    pub close_note: Option<String>,
    pub version: i64,
}

impl AlertRow {
    /// The evidence as JSON (`null` when the stored text is not JSON).
    pub fn evidence_json(&self) -> serde_json::Value {
        serde_json::from_str(&self.evidence).unwrap_or(serde_json::Value::Null)
    }
}

const ALERT_COLUMNS: &str = "a.id, a.rule, a.dedup_key, a.org_code, o.name AS org_name, o.path AS org_path,
    a.severity, a.title, a.evidence, a.status, a.first_date, a.last_date, a.created_at, a.updated_at,
    a.escalated_at, a.close_note, a.version";

/// One lifecycle event of an alert.
#[derive(Debug, Clone, Serialize, FromRow)]
pub struct AlertEventRow {
    pub action: String,
    pub from_status: Option<String>,
    pub to_status: String,
    pub actor_id: String,
    pub actor_name: String,
    pub at: String,
    pub note: Option<String>,
    /// JSON details (organisations of an escalation, …).
    pub payload: String,
}

/// One notification delivery.
#[derive(Debug, Clone, Serialize, FromRow)]
pub struct AlertDeliveryRow {
    pub id: String,
    pub alert_id: String,
    pub channel: String,
    pub kind: String,
    pub target: String,
    pub status: String,
    pub attempts: i64,
    pub http_status: Option<i64>,
    pub last_error: Option<String>,
    pub started_at: String,
    pub finished_at: String,
}

/// A delivery to record.
#[derive(Debug, Clone)]
pub struct NewDelivery {
    pub alert_id: String,
    pub channel: String,
    pub kind: String,
    pub target: String,
    pub status: String,
    pub attempts: i64,
    pub http_status: Option<i64>,
    pub last_error: Option<String>,
    pub started_at: String,
    pub finished_at: String,
}

/// Filters of the alert list. Empty fields do not filter.
#[derive(Debug, Clone, Default)]
pub struct AlertFilter {
    pub status: Option<String>,
    /// `open`: every status but `closed`.
    pub open_only: bool,
    pub rule: Option<String>,
    pub severity: Option<String>,
    /// Organisation code: its subtree (intersected with the actor's scope).
    pub org: Option<String>,
    /// Alerts still firing on or after this day.
    pub from: Option<String>,
    /// Alerts first raised on or before this day.
    pub to: Option<String>,
    pub page: u32,
    pub per_page: u32,
}

/// A lifecycle step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlertAction {
    /// 确认: new → acknowledged.
    Acknowledge,
    /// 开始处置: new or acknowledged → handling.
    Start,
    /// 关闭 (with a note): any open state → closed.
    Close,
}

impl AlertAction {
    /// The action of a contract name (`acknowledge`, `start`, `close`).
    pub fn parse(name: &str) -> Option<AlertAction> {
        match name {
            "acknowledge" => Some(AlertAction::Acknowledge),
            "start" => Some(AlertAction::Start),
            "close" => Some(AlertAction::Close),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            AlertAction::Acknowledge => "acknowledge",
            AlertAction::Start => "start",
            AlertAction::Close => "close",
        }
    }

    /// The state after this action from `from`, if allowed.
    pub fn next(self, from: &str) -> Option<&'static str> {
        match (self, from) {
            (AlertAction::Acknowledge, "new") => Some("acknowledged"),
            (AlertAction::Start, "new" | "acknowledged") => Some("handling"),
            (AlertAction::Close, "new" | "acknowledged" | "handling") => Some("closed"),
            _ => None,
        }
    }
}

/// An alert moved to the parent organisation.
#[derive(Debug, Clone)]
pub struct Escalated {
    pub id: String,
    pub from_org: String,
    pub to_org: String,
}

/// Complaints per organisation × business category (heat map).
#[derive(Debug, Clone, Serialize)]
pub struct HeatMap {
    /// Row organisations: (code, name), in tree order.
    pub orgs: Vec<(String, String)>,
    /// Column categories, most complaints first.
    pub categories: Vec<String>,
    /// `cells[row][column]`.
    pub cells: Vec<Vec<i64>>,
    pub max: i64,
}

/// A complaint as the alert rules read it.
#[derive(Debug, Clone, FromRow)]
pub struct AlertRecordRow {
    pub id: String,
    pub received_on: String,
    pub title: String,
    /// Text with personal data masked.
    pub content: String,
    pub org_code: String,
    pub org_path: String,
    pub business_category: String,
    pub channel: String,
    pub id_number_bidx: Option<String>,
    pub phone_bidx: Option<String>,
    /// JSON list of vulnerable-group flags.
    pub vulnerable_flags: String,
    pub due_on: Option<String>,
    pub finished_on: Option<String>,
    pub state: String,
}

/// States in which a complaint still awaits its decision.
const OPEN_COMPLAINT_STATES: &str = "('registered', 'accepted', 'in_progress')";

impl Store {
    /// Stores a candidate: a new alert, or a refresh (evidence, title,
    /// severity, last day) of the open alert with the same key. Two writers
    /// racing on one key meet at the partial unique index; the loser
    /// refreshes the winner's alert.
    pub async fn upsert_alert(&self, alert: &NewAlert) -> Result<Upserted, StoreError> {
        for _ in 0..3 {
            let open: Option<String> = sqlx::query_scalar(
                "SELECT id FROM alerts WHERE dedup_key = $1 AND status <> 'closed'",
            )
            .bind(&alert.dedup_key)
            .fetch_optional(&self.pool)
            .await?;
            if let Some(id) = open {
                sqlx::query(
                    "UPDATE alerts SET evidence = $1, title = $2, severity = $3,
                     last_date = CASE WHEN last_date < $4 THEN $4 ELSE last_date END, updated_at = $5
                     WHERE id = $6",
                )
                .bind(&alert.evidence)
                .bind(&alert.title)
                .bind(&alert.severity)
                .bind(&alert.date)
                .bind(time::now())
                .bind(&id)
                .execute(&self.pool)
                .await?;
                return Ok(Upserted::Refreshed(id));
            }
            let id = uuid::Uuid::now_v7().to_string();
            let now = time::now();
            let mut tx = self.pool.begin().await?;
            let inserted = sqlx::query(
                "INSERT INTO alerts (id, rule, dedup_key, org_code, severity, title, evidence, status,
                   first_date, last_date, created_at, updated_at, version)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, 'new', $8, $8, $9, $9, 1)",
            )
            .bind(&id)
            .bind(&alert.rule)
            .bind(&alert.dedup_key)
            .bind(&alert.org_code)
            .bind(&alert.severity)
            .bind(&alert.title)
            .bind(&alert.evidence)
            .bind(&alert.date)
            .bind(&now)
            .execute(&mut *tx)
            .await;
            match inserted.map_err(StoreError::from) {
                Ok(_) => {}
                Err(StoreError::Conflict(_)) => {
                    tx.rollback().await?;
                    continue;
                }
                Err(e) => return Err(e),
            }
            insert_event(
                &mut tx,
                &id,
                "create",
                None,
                "new",
                (SYSTEM_ID, SYSTEM_NAME),
                None,
                &serde_json::json!({"date": alert.date}),
            )
            .await?;
            tx.commit().await?;
            return Ok(Upserted::Created(id));
        }
        Err(StoreError::Conflict(format!(
            "预警 {} 同时被多处写入，请重试 concurrent alert writes",
            alert.dedup_key
        )))
    }

    /// A page of alerts in the actor's scope, newest first.
    pub async fn list_alerts(
        &self,
        actor: &Actor,
        filter: &AlertFilter,
    ) -> Result<crate::complaints::Page<AlertRow>, StoreError> {
        let mut select = Sql::new(&format!(
            "SELECT {ALERT_COLUMNS} FROM alerts a JOIN orgs o ON o.code = a.org_code"
        ));
        let mut count =
            Sql::new("SELECT COUNT(*) FROM alerts a JOIN orgs o ON o.code = a.org_code");
        let prefix = match &filter.org {
            Some(code) => match self.get_org(actor, code).await {
                Ok(org) => org.path,
                Err(StoreError::NotFound(_)) => "/\u{1}/".to_string(),
                Err(e) => return Err(e),
            },
            None => actor.scope().prefix().to_string(),
        };
        for q in [&mut select, &mut count] {
            let p = q.text(like_prefix(&prefix));
            q.push(&format!(" WHERE o.path LIKE {p} ESCAPE '\\'"));
            for (column, value) in [
                ("a.status", &filter.status),
                ("a.rule", &filter.rule),
                ("a.severity", &filter.severity),
            ] {
                if let Some(v) = value {
                    let p = q.text(v.clone());
                    q.push(&format!(" AND {column} = {p}"));
                }
            }
            if filter.open_only {
                q.push(" AND a.status <> 'closed'");
            }
            if let Some(from) = &filter.from {
                let p = q.text(from.clone());
                q.push(&format!(" AND a.last_date >= {p}"));
            }
            if let Some(to) = &filter.to {
                let p = q.text(to.clone());
                q.push(&format!(" AND a.first_date <= {p}"));
            }
        }
        select.push(" ORDER BY a.created_at DESC, a.id DESC");
        let per_page = i64::from(filter.per_page.clamp(1, 500));
        let offset = i64::from(filter.page.max(1) - 1) * per_page;
        let l = select.int(per_page);
        let o = select.int(offset);
        select.push(&format!(" LIMIT {l} OFFSET {o}"));
        let items = select.query_as::<AlertRow>().fetch_all(&self.pool).await?;
        let total = count.query_scalar_i64().fetch_one(&self.pool).await?;
        Ok(crate::complaints::Page {
            items,
            total,
            total_capped: false,
        })
    }

    /// One alert, if its owner organisation is inside the actor's scope.
    pub async fn get_alert(&self, actor: &Actor, id: &str) -> Result<AlertRow, StoreError> {
        let mut q = Sql::new(&format!(
            "SELECT {ALERT_COLUMNS} FROM alerts a JOIN orgs o ON o.code = a.org_code WHERE a.id = "
        ));
        let p = q.text(id);
        q.push(&p).push(" AND o.path LIKE ");
        let s = q.text(like_prefix(actor.scope().prefix()));
        q.push(&s).push(" ESCAPE '\\'");
        q.query_as::<AlertRow>()
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("预警 {id} 不存在 alert not found")))
    }

    /// The alert's lifecycle history, oldest first.
    pub async fn alert_events(
        &self,
        actor: &Actor,
        id: &str,
    ) -> Result<Vec<AlertEventRow>, StoreError> {
        let alert = self.get_alert(actor, id).await?;
        Ok(sqlx::query_as::<_, AlertEventRow>(
            "SELECT action, from_status, to_status, actor_id, actor_name, at, note, payload
             FROM alert_events WHERE alert_id = $1 ORDER BY at, id",
        )
        .bind(&alert.id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Moves an alert through its lifecycle. `version`, when given, must be
    /// the version the caller saw; a changed alert or a step the current
    /// state does not allow is a conflict. Closing requires a note.
    pub async fn transition_alert(
        &self,
        actor: &Actor,
        id: &str,
        action: AlertAction,
        note: Option<&str>,
        version: Option<i64>,
    ) -> Result<AlertRow, StoreError> {
        if !actor.role.can_handle_complaints() {
            return Err(StoreError::Forbidden(
                "仅投诉处理人员和消保管理员可处置预警 only complaint handlers may act on alerts"
                    .into(),
            ));
        }
        let note = note.map(str::trim).filter(|n| !n.is_empty());
        if action == AlertAction::Close && note.is_none_or(|n| n.chars().count() < 2) {
            return Err(StoreError::Invalid(
                "关闭预警须填写处置说明 a note is required to close an alert".into(),
            ));
        }
        let alert = self.get_alert(actor, id).await?;
        if let Some(v) = version
            && v != alert.version
        {
            return Err(StoreError::Conflict(format!(
                "预警已被他人更新（当前版本 {}），请刷新后重试 alert changed",
                alert.version
            )));
        }
        let Some(to) = action.next(&alert.status) else {
            return Err(StoreError::Conflict(format!(
                "预警当前状态为“{}”，不能执行该操作 action {} not allowed in state {}",
                status_label(&alert.status),
                action.as_str(),
                alert.status
            )));
        };
        let now = time::now();
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE alerts SET status = $1, updated_at = $2, version = version + 1,
               close_note = CASE WHEN $1 = 'closed' THEN $3 ELSE close_note END
             WHERE id = $4 AND version = $5",
        )
        .bind(to)
        .bind(&now)
        .bind(note.map(str::to_string))
        .bind(&alert.id)
        .bind(alert.version)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            tx.rollback().await?;
            return Err(StoreError::Conflict(
                "预警已被他人更新，请刷新后重试 alert changed concurrently".into(),
            ));
        }
        insert_event(
            &mut tx,
            &alert.id,
            action.as_str(),
            Some(&alert.status),
            to,
            (&actor.user_id, &actor.display_name),
            note,
            &serde_json::json!({}),
        )
        .await?;
        tx.commit().await?;
        self.get_alert(actor, id).await
    }

    /// Moves every high-severity alert still `new`, created before
    /// `created_before` and not escalated yet, to its owner's parent
    /// organisation, recording the move as an event. Alerts owned by the
    /// root stay where they are.
    pub async fn escalate_alerts(
        &self,
        created_before: &str,
    ) -> Result<Vec<Escalated>, StoreError> {
        let due: Vec<(String, String, String, i64)> = sqlx::query_as(
            "SELECT a.id, a.org_code, o.parent_code, a.version FROM alerts a JOIN orgs o ON o.code = a.org_code
             WHERE a.status = 'new' AND a.severity = 'high' AND a.escalated_at IS NULL
               AND a.created_at < $1 AND o.parent_code IS NOT NULL
             ORDER BY a.created_at",
        )
        .bind(created_before)
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::new();
        for (id, from_org, to_org, version) in due {
            let now = time::now();
            let mut tx = self.pool.begin().await?;
            let done = sqlx::query(
                "UPDATE alerts SET org_code = $1, escalated_at = $2, updated_at = $2, version = version + 1
                 WHERE id = $3 AND version = $4 AND status = 'new'",
            )
            .bind(&to_org)
            .bind(&now)
            .bind(&id)
            .bind(version)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() != 1 {
                // Acknowledged or changed meanwhile: nothing to escalate.
                tx.rollback().await?;
                continue;
            }
            insert_event(
                &mut tx,
                &id,
                "escalate",
                Some("new"),
                "new",
                (SYSTEM_ID, SYSTEM_NAME),
                Some("超时未确认，升级至上级机构"),
                &serde_json::json!({"from_org": from_org, "to_org": to_org}),
            )
            .await?;
            tx.commit().await?;
            out.push(Escalated {
                id,
                from_org,
                to_org,
            });
        }
        Ok(out)
    }

    /// Records one notification delivery.
    pub async fn insert_alert_delivery(&self, d: &NewDelivery) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO alert_deliveries (id, alert_id, channel, kind, target, status, attempts,
               http_status, last_error, started_at, finished_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(uuid::Uuid::now_v7().to_string())
        .bind(&d.alert_id)
        .bind(&d.channel)
        .bind(&d.kind)
        .bind(&d.target)
        .bind(&d.status)
        .bind(d.attempts)
        .bind(d.http_status)
        .bind(&d.last_error)
        .bind(&d.started_at)
        .bind(&d.finished_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The deliveries of one alert in the actor's scope, oldest first.
    pub async fn alert_deliveries(
        &self,
        actor: &Actor,
        id: &str,
    ) -> Result<Vec<AlertDeliveryRow>, StoreError> {
        let alert = self.get_alert(actor, id).await?;
        Ok(sqlx::query_as::<_, AlertDeliveryRow>(
            "SELECT id, alert_id, channel, kind, target, status, attempts, http_status, last_error,
               started_at, finished_at
             FROM alert_deliveries WHERE alert_id = $1 ORDER BY started_at, id",
        )
        .bind(&alert.id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// The complaints the alert rules read: those received on or after
    /// `from` (`YYYY-MM-DD`), plus every complaint still awaiting its
    /// decision (deadline rules), with masked text only.
    pub async fn alert_records(&self, from: &str) -> Result<Vec<AlertRecordRow>, StoreError> {
        let mut q = Sql::new(
            "SELECT c.id, c.received_on, c.title, c.content, c.org_code, o.path AS org_path,
               c.business_category, c.channel, c.id_number_bidx, c.phone_bidx, c.vulnerable_flags,
               c.due_on, c.finished_on, c.state
             FROM complaints c JOIN orgs o ON o.code = c.org_code WHERE c.received_on >= ",
        );
        let p = q.param(Param::text(from));
        q.push(&p);
        q.push(&format!(" OR c.state IN {OPEN_COMPLAINT_STATES}"));
        Ok(q.query_as().fetch_all(&self.pool).await?)
    }

    /// Complaints received from `from` to `to` (inclusive, counted by the
    /// term statistics) per organisation one level below the actor's scope
    /// root × business category.
    pub async fn complaint_heat_map(
        &self,
        actor: &Actor,
        from: &str,
        to: &str,
    ) -> Result<HeatMap, StoreError> {
        let prefix = actor.scope().prefix().to_string();
        let orgs = self.orgs_in_scope(&actor.scope()).await?;
        // Rows: the scope's root (its own complaints) and its children (each
        // with its subtree).
        let root_depth = orgs
            .iter()
            .map(|o| depth(&o.path))
            .min()
            .unwrap_or_default();
        let row_of = |path: &str| -> Option<String> {
            let parts: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
            parts
                .get(root_depth)
                .or_else(|| parts.get(root_depth.saturating_sub(1)))
                .map(|s| (*s).to_string())
        };
        let mut q = Sql::new(
            "SELECT o.path, d.business_category, CAST(SUM(d.docs) AS BIGINT)
             FROM term_cells d JOIN orgs o ON o.code = d.org_code WHERE o.path LIKE ",
        );
        let p = q.text(like_prefix(&prefix));
        let f = q.text(from);
        let t = q.text(to);
        q.push(&format!(
            "{p} ESCAPE '\\' AND d.day >= {f} AND d.day <= {t} GROUP BY o.path, d.business_category"
        ));
        let rows: Vec<(String, String, i64)> = q.query_as().fetch_all(&self.pool).await?;
        let mut counts: BTreeMap<(String, String), i64> = BTreeMap::new();
        let mut by_category: BTreeMap<String, i64> = BTreeMap::new();
        for (path, category, n) in rows {
            if let Some(row) = row_of(&path) {
                *counts.entry((row, category.clone())).or_default() += n;
                *by_category.entry(category).or_default() += n;
            }
        }
        let mut categories: Vec<(String, i64)> = by_category.into_iter().collect();
        categories.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let categories: Vec<String> = categories.into_iter().map(|(c, _)| c).collect();
        let row_orgs: Vec<(String, String)> = orgs
            .iter()
            .filter(|o| {
                let d = depth(&o.path);
                d == root_depth || d == root_depth + 1
            })
            .map(|o| (o.code.clone(), o.name.clone()))
            .collect();
        let mut max = 0;
        let cells: Vec<Vec<i64>> = row_orgs
            .iter()
            .map(|(code, _)| {
                categories
                    .iter()
                    .map(|c| {
                        let n = counts.get(&(code.clone(), c.clone())).copied().unwrap_or(0);
                        max = max.max(n);
                        n
                    })
                    .collect()
            })
            .collect();
        Ok(HeatMap {
            orgs: row_orgs,
            categories,
            cells,
            max,
        })
    }
}

/// Segments of a materialised path (`/HO/HZ/` → 2).
fn depth(path: &str) -> usize {
    path.split('/').filter(|s| !s.is_empty()).count()
}

#[allow(clippy::too_many_arguments)]
async fn insert_event(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    alert_id: &str,
    action: &str,
    from: Option<&str>,
    to: &str,
    actor: (&str, &str),
    note: Option<&str>,
    payload: &serde_json::Value,
) -> Result<(), StoreError> {
    crate::lifecycle::record(
        tx,
        crate::lifecycle::History::Alerts,
        alert_id,
        crate::lifecycle::Step {
            action,
            from,
            to,
            actor,
            note,
            payload,
        },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifecycle_allows_only_forward_steps() {
        assert_eq!(AlertAction::Acknowledge.next("new"), Some("acknowledged"));
        assert_eq!(AlertAction::Acknowledge.next("handling"), None);
        assert_eq!(AlertAction::Start.next("acknowledged"), Some("handling"));
        assert_eq!(AlertAction::Close.next("handling"), Some("closed"));
        assert_eq!(AlertAction::Close.next("closed"), None);
        assert_eq!(AlertAction::parse("close"), Some(AlertAction::Close));
        assert_eq!(AlertAction::parse("reopen"), None);
        assert_eq!(status_label("handling"), "处置中");
        assert_eq!(depth("/HO/HZ/HZ01/"), 3);
    }
}
