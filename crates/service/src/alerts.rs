//! Early warning in the product: the alert rules run over the stored
//! complaints (a scheduled evaluation of the recent days, and the per-ticket
//! rules for every new complaint at intake), candidates become de-duplicated
//! alerts, new alerts are announced on the channels their rule names, and
//! high-severity alerts nobody acknowledged move up to the parent
//! organisation.
//!
//! The rules (`data/alerts/rules.json`) and the notification settings
//! (channels, escalation delay) are configuration documents a
//! consumer-protection officer edits without a release (see
//! [`crate::config`]).

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Days, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use xiaobao_alerts::{AlertCandidate, Evaluator, Record, RecordFacts, Records, RuleSet};
use xiaobao_notify::{Channel, ChannelKind, Notification, Notifier, RetryPolicy};
use xiaobao_store::StoreError;
use xiaobao_store::alerts::{AlertRecordRow, NewAlert, NewDelivery, Upserted};
use xiaobao_store::complaints::ComplaintRow;
use xiaobao_text::{Document, Segmenter};

use crate::Services;

/// Why an alert operation failed.
#[derive(Debug, thiserror::Error)]
pub enum AlertServiceError {
    #[error("预警规则无效：{0}")]
    Rules(String),
    #[error("预警计算失败：{0}")]
    Evaluation(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// How alerts are announced and escalated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotificationSettings {
    /// Free-text explanation of the document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Channels the rules' `recipients` name.
    #[serde(default)]
    pub channels: Vec<Channel>,
    /// Minutes a high-severity alert may stay unacknowledged before it moves
    /// to the parent organisation.
    #[serde(default = "default_escalation_minutes")]
    pub escalate_after_minutes: u32,
    /// Address of the web UI (`https://xiaobao.bank.example`), for links in
    /// messages; without it messages carry no link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link_base: Option<String>,
    /// Attempts per message (1 = no retry).
    #[serde(default = "default_attempts")]
    pub max_attempts: u32,
    /// Wait before the second attempt, in milliseconds; doubles each time.
    #[serde(default = "default_backoff_ms")]
    pub initial_backoff_ms: u64,
}

fn default_escalation_minutes() -> u32 {
    240
}

fn default_attempts() -> u32 {
    4
}

fn default_backoff_ms() -> u64 {
    500
}

impl Default for NotificationSettings {
    fn default() -> Self {
        NotificationSettings {
            note: Some(
                "预警通知设置：channels 为规则 recipients 引用的通道（kind: wecom|dingtalk|webhook|email），escalate_after_minutes 为高等级预警未确认时升级至上级机构的等待分钟数。"
                    .into(),
            ),
            channels: Vec::new(),
            escalate_after_minutes: default_escalation_minutes(),
            link_base: None,
            max_attempts: default_attempts(),
            initial_backoff_ms: default_backoff_ms(),
        }
    }
}

impl NotificationSettings {
    /// Parses and checks every channel.
    pub fn from_json(text: &str) -> Result<NotificationSettings, String> {
        let s: NotificationSettings = serde_json::from_str(text)
            .map_err(|e| format!("第 {} 行第 {} 列：{e}", e.line(), e.column()))?;
        for c in &s.channels {
            c.validate().map_err(|e| e.to_string())?;
        }
        if s.max_attempts == 0 || s.max_attempts > 10 {
            return Err("max_attempts 须在 1 到 10 之间".into());
        }
        if s.escalate_after_minutes == 0 {
            return Err("escalate_after_minutes 须大于 0".into());
        }
        Ok(s)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    fn retry(&self) -> RetryPolicy {
        RetryPolicy {
            max_attempts: self.max_attempts,
            initial_backoff: std::time::Duration::from_millis(self.initial_backoff_ms),
            ..RetryPolicy::default()
        }
    }
}

/// The alert configuration in force.
#[derive(Debug, Clone)]
pub struct AlertConfig {
    pub rules: RuleSet,
    pub notifications: NotificationSettings,
}

impl AlertConfig {
    /// The shipped rules, no channels.
    pub fn shipped() -> Result<AlertConfig, String> {
        Ok(AlertConfig {
            rules: RuleSet::embedded().map_err(|e| e.to_string())?,
            notifications: NotificationSettings::default(),
        })
    }
}

/// What one evaluation did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct EvaluationReport {
    /// Day evaluated.
    pub as_of: Option<NaiveDate>,
    /// Complaints read.
    pub records: usize,
    /// Candidates the rules raised.
    pub candidates: usize,
    /// New alerts.
    pub created: Vec<String>,
    /// Open alerts refreshed.
    pub refreshed: usize,
}

impl Services {
    /// The alert rules and notification settings in force.
    pub fn alert_config(&self) -> Arc<AlertConfig> {
        self.alerts.get()
    }

    /// Runs every enabled rule as of `as_of` over the complaints of the last
    /// `lookback_days()` (and every complaint still open), stores the
    /// candidates and announces the new alerts.
    pub async fn evaluate_alerts(
        &self,
        as_of: NaiveDate,
    ) -> Result<EvaluationReport, AlertServiceError> {
        let config = self.alert_config();
        let evaluator = Evaluator::new(config.rules.clone());
        let from = as_of
            .checked_sub_days(Days::new(u64::from(evaluator.lookback_days())))
            .unwrap_or(as_of);
        let rows = self.store.alert_records(&from.to_string()).await?;
        let n = rows.len();
        let candidates = tokio::task::spawn_blocking(move || {
            let records: Vec<Record> = rows.into_iter().filter_map(record_of).collect();
            let records = Records::new(records, Segmenter::shared());
            evaluator.evaluate(as_of, &records)
        })
        .await
        .map_err(|e| AlertServiceError::Evaluation(e.to_string()))?
        .map_err(|e| AlertServiceError::Evaluation(e.to_string()))?;
        let mut report = EvaluationReport {
            as_of: Some(as_of),
            records: n,
            candidates: candidates.len(),
            ..EvaluationReport::default()
        };
        let created = self.store_candidates(&candidates).await?;
        report.refreshed = candidates.len() - created.len();
        for (id, candidate) in &created {
            self.notify(id, candidate).await?;
        }
        report.created = created.into_iter().map(|(id, _)| id).collect();
        Ok(report)
    }

    /// The per-ticket rules for a complaint just registered, on the text as
    /// the customer wrote it (the C3 check must see it; nothing of the text
    /// is stored with the alert). New alerts are announced in the
    /// background so that registering is not held up by a slow receiver.
    /// Returns the ids of the new alerts.
    pub async fn alerts_for_ticket(
        &self,
        row: &ComplaintRow,
        original_text: &str,
    ) -> Result<Vec<String>, AlertServiceError> {
        let config = self.alert_config();
        let Some(mut record) = record_of(AlertRecordRow {
            id: row.id.clone(),
            received_on: row.received_on.clone(),
            title: row.title.clone(),
            content: original_text.to_string(),
            org_code: row.org_code.clone(),
            org_path: self.store.org_by_code(&row.org_code).await?.path,
            business_category: row.business_category.clone(),
            channel: row.channel.clone(),
            id_number_bidx: None,
            phone_bidx: None,
            vulnerable_flags: row.vulnerable_flags.clone(),
            due_on: row.due_on.clone(),
            finished_on: row.finished_on.clone(),
            state: row.state.clone(),
        }) else {
            return Ok(Vec::new());
        };
        record.document.text = format!("{} {}", row.title, original_text);
        let evaluator = Evaluator::new(config.rules.clone());
        let candidates = evaluator.evaluate_ticket(&record);
        let created = self.store_candidates(&candidates).await?;
        let ids = created.iter().map(|(id, _)| id.clone()).collect();
        if !created.is_empty() {
            let services = self.clone();
            tokio::spawn(async move {
                for (id, candidate) in created {
                    if let Err(e) = services.notify(&id, &candidate).await {
                        tracing::warn!(alert = %id, error = %e, "cannot record alert notification");
                    }
                }
            });
        }
        Ok(ids)
    }

    /// Moves high-severity alerts left unacknowledged longer than the
    /// configured delay to the parent organisation. Returns how many moved.
    pub async fn escalate_alerts(&self, now: DateTime<Utc>) -> Result<usize, AlertServiceError> {
        let minutes = self.alert_config().notifications.escalate_after_minutes;
        let cutoff = now - chrono::Duration::minutes(i64::from(minutes));
        let moved = self
            .store
            .escalate_alerts(&xiaobao_store::time::format_ts(cutoff))
            .await?;
        for m in &moved {
            tracing::info!(alert = %m.id, from = %m.from_org, to = %m.to_org, "alert escalated");
        }
        Ok(moved.len())
    }

    /// Stores candidates; returns the new alerts with their candidates.
    async fn store_candidates(
        &self,
        candidates: &[AlertCandidate],
    ) -> Result<Vec<(String, AlertCandidate)>, AlertServiceError> {
        let root = match self.store.root_org().await? {
            Some(o) => o.code,
            None => return Ok(Vec::new()),
        };
        // Titles name a complaint by its id; people know it by its number.
        let ids: Vec<String> = candidates
            .iter()
            .filter_map(|c| c.scope.complaint.clone())
            .collect();
        let numbers = self.store.complaint_numbers(&ids).await?;
        let mut created = Vec::new();
        for c in candidates {
            let mut c = c.clone();
            if let Some(number) = c
                .scope
                .complaint
                .as_ref()
                .and_then(|id| numbers.get(id).map(|n| (id.clone(), n.clone())))
            {
                c.title = c.title.replace(&number.0, &number.1);
            }
            let evidence = serde_json::to_string(&c.evidence)
                .map_err(|e| AlertServiceError::Evaluation(e.to_string()))?;
            let new = NewAlert {
                rule: c.rule.as_str().to_string(),
                dedup_key: c.dedup_key.clone(),
                org_code: c.org.clone().unwrap_or_else(|| root.clone()),
                severity: c.severity.as_str().to_string(),
                title: c.title.clone(),
                evidence,
                date: c.date.to_string(),
            };
            if let Upserted::Created(id) = self.store.upsert_alert(&new).await? {
                created.push((id, c));
            }
        }
        Ok(created)
    }

    /// Sends a new alert on each channel its rule names and logs every
    /// delivery. A recipient without a configured channel is skipped.
    async fn notify(&self, alert_id: &str, alert: &AlertCandidate) -> Result<(), StoreError> {
        let settings = self.alert_config().notifications.clone();
        let channels: HashMap<&str, &Channel> = settings
            .channels
            .iter()
            .map(|c| (c.name.as_str(), c))
            .collect();
        let targets: Vec<&Channel> = alert
            .recipients
            .iter()
            .filter_map(|r| channels.get(r.as_str()).copied())
            .collect();
        if targets.is_empty() {
            return Ok(());
        }
        let notifier = match Notifier::new(settings.retry()) {
            Ok(n) => n,
            Err(e) => {
                tracing::error!(error = %e, "cannot create the notifier");
                return Ok(());
            }
        };
        let org_name = match &alert.org {
            Some(code) => self.store.org_by_code(code).await.ok().map(|o| o.name),
            None => None,
        };
        let link = settings
            .link_base
            .as_deref()
            .map(|b| format!("{}/alerts/{alert_id}", b.trim_end_matches('/')));
        let message = Notification::from_alert(alert, org_name.as_deref(), link.as_deref());
        for channel in targets {
            let d = notifier.deliver(channel, &message).await;
            self.store
                .insert_alert_delivery(&NewDelivery {
                    alert_id: alert_id.to_string(),
                    channel: d.channel.clone(),
                    kind: d.kind.clone(),
                    target: target_label(&channel.kind),
                    status: serde_json::to_value(d.status)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_else(|| "failed".into()),
                    attempts: i64::from(d.attempts),
                    http_status: d.http_status.map(i64::from),
                    last_error: d.last_error.clone(),
                    started_at: xiaobao_store::time::format_ts(d.started_at),
                    finished_at: xiaobao_store::time::format_ts(d.finished_at),
                })
                .await?;
        }
        Ok(())
    }
}

/// The record the rules read from a stored complaint (`None` when its day
/// cannot be read).
fn record_of(r: AlertRecordRow) -> Option<Record> {
    let date = NaiveDate::parse_from_str(&r.received_on, "%Y-%m-%d").ok()?;
    let day = |s: &Option<String>| {
        s.as_deref()
            .and_then(|s| NaiveDate::parse_from_str(s.get(..10).unwrap_or(s), "%Y-%m-%d").ok())
    };
    let mut document = Document::new(r.id, date, format!("{} {}", r.title, r.content));
    document.org = Some(r.org_code);
    document.business_category = Some(r.business_category);
    document.channel = Some(r.channel);
    let facts = RecordFacts {
        complainant_key: r.id_number_bidx.or(r.phone_bidx),
        vulnerable: serde_json::from_str(&r.vulnerable_flags).unwrap_or_default(),
        due_date: day(&r.due_on),
        closed_at: day(&r.finished_on),
        status: Some(r.state),
        org_path: Some(r.org_path),
    };
    Some(Record { document, facts })
}

/// Where a channel delivers, without secrets: the host of a webhook (never
/// its key or token), the relay and number of recipients of a mail channel.
pub fn target_label(kind: &ChannelKind) -> String {
    let host = |url: &str| {
        let rest = url.split_once("://").map_or(url, |(_, r)| r);
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        authority
            .rsplit_once('@')
            .map_or(authority, |(_, h)| h)
            .to_string()
    };
    match kind {
        ChannelKind::Wecom { url } => format!("企业微信 {}", host(url)),
        ChannelKind::Dingtalk { url, .. } => format!("钉钉 {}", host(url)),
        ChannelKind::Webhook { url } => host(url),
        ChannelKind::Email(s) => format!("SMTP {}:{}，收件人 {} 个", s.host, s.port, s.to.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_labels_carry_no_secrets() {
        let wecom = ChannelKind::Wecom {
            url: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=SECRET".into(),
        };
        assert_eq!(target_label(&wecom), "企业微信 qyapi.weixin.qq.com");
        let hook = ChannelKind::Webhook {
            url: "http://user:pw@127.0.0.1:8080/hook?token=SECRET".into(),
        };
        assert_eq!(target_label(&hook), "127.0.0.1:8080");
    }

    #[test]
    fn settings_are_validated() {
        let s = NotificationSettings::from_json(
            r#"{"channels":[{"name":"群","kind":"webhook","url":"http://127.0.0.1:9/x"}],"escalate_after_minutes":30}"#,
        )
        .unwrap_or_default();
        assert_eq!(s.escalate_after_minutes, 30);
        assert_eq!(s.channels.len(), 1);
        assert!(NotificationSettings::from_json(r#"{"max_attempts":0}"#).is_err());
        assert!(NotificationSettings::from_json(r#"{"bogus":1}"#).is_err());
        assert!(
            NotificationSettings::from_json(
                r#"{"channels":[{"name":"群","kind":"webhook","url":"not a url"}]}"#
            )
            .is_err()
        );
        let shipped = AlertConfig::shipped();
        assert!(shipped.is_ok_and(|c| c.rules.same_event_cluster.enabled));
    }
}
