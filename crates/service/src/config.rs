//! What a bank configures without a release: the complaint taxonomy, the SLA
//! policy, the routing/assignment rules, and the alert rules and notification
//! channels. The shipped files in `data/` are
//! the defaults; an edit by a consumer-protection officer is validated, stored
//! in the database with who and why, and picked up by every instance within a
//! minute (each instance polls a version number).

use serde::Serialize;
use xiaobao_domain::actor::Actor;
use xiaobao_domain::role::Role;
use xiaobao_domain::sla::SlaPolicy;
use xiaobao_domain::taxonomy::Taxonomy;
use xiaobao_store::StoreError;
use xiaobao_store::audit::AuditEvent;

use crate::{AssignmentRules, Services};

/// One editable configuration document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConfigKind {
    Taxonomy,
    SlaPolicy,
    AssignmentRules,
    AlertRules,
    AlertNotifications,
    ReviewGuide,
}

impl ConfigKind {
    pub const ALL: [ConfigKind; 6] = [
        ConfigKind::Taxonomy,
        ConfigKind::SlaPolicy,
        ConfigKind::AssignmentRules,
        ConfigKind::AlertRules,
        ConfigKind::AlertNotifications,
        ConfigKind::ReviewGuide,
    ];

    pub fn key(self) -> &'static str {
        match self {
            ConfigKind::Taxonomy => "taxonomy",
            ConfigKind::SlaPolicy => "sla_policy",
            ConfigKind::AssignmentRules => "assignment_rules",
            ConfigKind::AlertRules => "alert_rules",
            ConfigKind::AlertNotifications => "alert_notifications",
            ConfigKind::ReviewGuide => "review_guide",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            ConfigKind::Taxonomy => {
                "投诉分类（JR/T 0169-2018 渠道、类别、原因及来源、诉求、特殊群体、投诉人身份）"
            }
            ConfigKind::SlaPolicy => "办理时限政策",
            ConfigKind::AssignmentRules => "分派规则",
            ConfigKind::AlertRules => "预警规则",
            ConfigKind::AlertNotifications => "预警通知通道与升级时限",
            ConfigKind::ReviewGuide => "消保审查指南（自评估清单）",
        }
    }

    pub fn parse(name: &str) -> Option<ConfigKind> {
        ConfigKind::ALL.into_iter().find(|k| k.key() == name)
    }

    fn setting(self) -> String {
        format!("config.{}", self.key())
    }
}

const VERSION_KEY: &str = "config.version";

#[derive(Debug, thiserror::Error)]
pub enum ConfigUpdateError {
    #[error(
        "仅消保管理员和系统管理员可修改配置 only consumer-protection officers and administrators"
    )]
    Forbidden,
    #[error("请说明修改原因 a reason is required")]
    ReasonRequired,
    #[error("配置内容无效，未保存 invalid, not saved: {0}")]
    Invalid(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Services {
    /// The document in force, as pretty JSON for editing.
    pub fn config_json(&self, kind: ConfigKind) -> String {
        let value = match kind {
            ConfigKind::Taxonomy => {
                serde_json::from_str(&self.taxonomy().to_json()).unwrap_or_default()
            }
            ConfigKind::SlaPolicy => {
                serde_json::from_str(&self.policy().to_json()).unwrap_or_default()
            }
            ConfigKind::AssignmentRules => serde_json::to_value(&*self.rules()).unwrap_or_default(),
            ConfigKind::AlertRules => {
                serde_json::from_str(&self.alert_config().rules.to_json()).unwrap_or_default()
            }
            ConfigKind::AlertNotifications => {
                serde_json::to_value(&self.alert_config().notifications).unwrap_or_default()
            }
            ConfigKind::ReviewGuide => {
                serde_json::to_value(&*self.review_guide()).unwrap_or_default()
            }
        };
        serde_json::to_string_pretty(&value).unwrap_or_default()
    }

    fn apply_config(&self, kind: ConfigKind, json: &str) -> Result<(), String> {
        match kind {
            ConfigKind::Taxonomy => self
                .taxonomy
                .set(Taxonomy::from_json(json).map_err(|e| e.to_string())?),
            ConfigKind::SlaPolicy => self
                .policy
                .set(SlaPolicy::from_json(json).map_err(|e| e.to_string())?),
            ConfigKind::AssignmentRules => self
                .rules
                .set(AssignmentRules::from_json(json).map_err(|e| e.to_string())?),
            ConfigKind::AlertRules => {
                let rules = xiaobao_alerts::RuleSet::from_json(json).map_err(|e| e.to_string())?;
                let mut config = (*self.alert_config()).clone();
                config.rules = rules;
                self.alerts.set(config);
            }
            ConfigKind::AlertNotifications => {
                let notifications = crate::alerts::NotificationSettings::from_json(json)?;
                let mut config = (*self.alert_config()).clone();
                config.notifications = notifications;
                self.alerts.set(config);
            }
            ConfigKind::ReviewGuide => self
                .review_guide
                .set(xiaobao_domain::review::ReviewGuide::parse(json).map_err(|e| e.to_string())?),
        }
        Ok(())
    }

    /// Validates, stores, audits and applies an edited document.
    pub async fn update_config(
        &self,
        actor: &Actor,
        kind: ConfigKind,
        json: &str,
        reason: &str,
    ) -> Result<(), ConfigUpdateError> {
        if !matches!(actor.role, Role::CpOfficer | Role::Admin) {
            return Err(ConfigUpdateError::Forbidden);
        }
        if reason.trim().chars().count() < 2 {
            return Err(ConfigUpdateError::ReasonRequired);
        }
        // Validate on a scratch copy first: a bad document changes nothing.
        let scratch = self.clone_detached();
        scratch
            .apply_config(kind, json)
            .map_err(ConfigUpdateError::Invalid)?;
        self.store.put_setting(&kind.setting(), json).await?;
        let version = xiaobao_store::time::now();
        self.store.put_setting(VERSION_KEY, &version).await?;
        self.store
            .audit(
                actor,
                AuditEvent {
                    action: "config.update",
                    target_kind: "config",
                    target_id: kind.key(),
                    org_path: "/",
                    detail: serde_json::json!({"reason": reason.trim(), "version": version}),
                    ip: "",
                },
            )
            .await?;
        self.apply_config(kind, json)
            .map_err(ConfigUpdateError::Invalid)?;
        *self
            .config_version
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = Some(version);
        Ok(())
    }

    /// Loads stored edits (configuration documents and the knowledge base)
    /// when the stored version differs from the one this instance applied
    /// last. Returns whether anything was reloaded.
    pub async fn reload_config(&self) -> Result<bool, StoreError> {
        let kb_reloaded = self.reload_kb().await?;
        let stored = self.store.get_setting(VERSION_KEY).await?;
        {
            let seen = self
                .config_version
                .lock()
                .unwrap_or_else(|p| p.into_inner());
            if *seen == stored {
                return Ok(kb_reloaded);
            }
        }
        for kind in ConfigKind::ALL {
            if let Some(json) = self.store.get_setting(&kind.setting()).await?
                && let Err(e) = self.apply_config(kind, &json)
            {
                tracing::error!(config = kind.key(), error = %e, "stored configuration is invalid; keeping the previous one");
            }
        }
        *self
            .config_version
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = stored;
        Ok(true)
    }

    /// A copy whose configuration cells are independent of this one's.
    fn clone_detached(&self) -> Services {
        let mut copy = self.clone();
        copy.taxonomy = crate::Live::new((*self.taxonomy()).clone());
        copy.policy = crate::Live::new((*self.policy()).clone());
        copy.rules = crate::Live::new((*self.rules()).clone());
        copy.alerts = crate::Live::new((*self.alert_config()).clone());
        copy.review_guide = crate::Live::new((*self.review_guide()).clone());
        copy
    }
}
