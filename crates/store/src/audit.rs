//! The audit log: an append-only record of security-relevant actions (logins,
//! account changes, reveals of personal data). Rows are never updated or deleted
//! by the application.

use serde::Serialize;
use sqlx::FromRow;
use xiaobao_domain::actor::Actor;

use crate::orgs::like_prefix;
use crate::{Store, StoreError, time};

/// One audit record.
#[derive(Debug, Clone, Serialize, FromRow)]
pub struct AuditEntry {
    pub id: String,
    pub at: String,
    pub actor_id: String,
    pub actor_name: String,
    pub action: String,
    pub target_kind: String,
    pub target_id: String,
    pub org_path: String,
    pub detail: String,
    pub ip: String,
}

/// What to record.
#[derive(Debug, Clone)]
pub struct AuditEvent<'a> {
    pub action: &'a str,
    pub target_kind: &'a str,
    pub target_id: &'a str,
    /// The org the target belongs to, so branch auditors see their own events.
    pub org_path: &'a str,
    pub detail: serde_json::Value,
    pub ip: &'a str,
}

impl Store {
    pub async fn audit(&self, actor: &Actor, event: AuditEvent<'_>) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO audit_log (id, at, actor_id, actor_name, action, target_kind, target_id, org_path, detail, ip)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(uuid::Uuid::now_v7().to_string())
        .bind(time::now())
        .bind(&actor.user_id)
        .bind(&actor.username)
        .bind(event.action)
        .bind(event.target_kind)
        .bind(event.target_id)
        .bind(event.org_path)
        .bind(event.detail.to_string())
        .bind(event.ip)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Audit entries in the actor's scope, newest first. Only administrators
    /// and auditors read the audit log.
    pub async fn list_audit(
        &self,
        actor: &Actor,
        limit: i64,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        use xiaobao_domain::role::Role;
        if !matches!(actor.role, Role::Admin | Role::Auditor) {
            return Err(StoreError::Forbidden(
                "仅系统管理员和审计员可查看审计日志 only administrators and auditors".into(),
            ));
        }
        Ok(sqlx::query_as::<_, AuditEntry>(
            "SELECT id, at, actor_id, actor_name, action, target_kind, target_id, org_path, detail, ip
             FROM audit_log WHERE org_path LIKE $1 ESCAPE '\\' ORDER BY at DESC LIMIT $2",
        )
        .bind(like_prefix(actor.scope().prefix()))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }
}
