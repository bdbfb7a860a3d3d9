//! Versions of the forbidden-words knowledge base. Every save is a new
//! numbered snapshot with who and why; nothing is updated or deleted, so the
//! history is the audit trail of the knowledge base.

use serde::Serialize;
use sqlx::FromRow;
use xiaobao_domain::actor::Actor;

use crate::{Store, StoreError, time};

/// One stored version without its content (for history lists).
#[derive(Debug, Clone, Serialize, FromRow)]
pub struct KbVersionRow {
    pub number: i64,
    pub author_id: String,
    pub author_name: String,
    pub reason: String,
    pub created_at: String,
    /// JSON: what changed against the previous version, and counts.
    pub summary: String,
}

/// One stored version with its content (JSON Lines).
#[derive(Debug, Clone, FromRow)]
pub struct KbSnapshot {
    pub number: i64,
    pub author_name: String,
    pub reason: String,
    pub created_at: String,
    pub content: String,
}

impl Store {
    /// The newest version number, if any version was saved.
    pub async fn latest_kb_version(&self) -> Result<Option<i64>, StoreError> {
        Ok(sqlx::query_scalar("SELECT MAX(number) FROM kb_versions")
            .fetch_one(&self.pool)
            .await?)
    }

    /// One version with its content.
    pub async fn kb_snapshot(&self, number: i64) -> Result<KbSnapshot, StoreError> {
        sqlx::query_as::<_, KbSnapshot>(
            "SELECT number, author_name, reason, created_at, content FROM kb_versions WHERE number = $1",
        )
        .bind(number)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("知识库版本 {number}")))
    }

    /// Versions, newest first.
    pub async fn list_kb_versions(&self, limit: i64) -> Result<Vec<KbVersionRow>, StoreError> {
        Ok(sqlx::query_as::<_, KbVersionRow>(
            "SELECT number, author_id, author_name, reason, created_at, summary
             FROM kb_versions ORDER BY number DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Saves version `number`, which must be one more than the newest stored
    /// (or 1 for the first). When another editor saved first, the insert
    /// fails on the primary key and the caller gets a conflict, so no edit
    /// silently overwrites another.
    pub async fn insert_kb_version(
        &self,
        actor: &Actor,
        number: i64,
        reason: &str,
        content: &str,
        summary: &serde_json::Value,
    ) -> Result<(), StoreError> {
        let result = sqlx::query(
            "INSERT INTO kb_versions (number, author_id, author_name, reason, created_at, content, summary)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(number)
        .bind(&actor.user_id)
        .bind(&actor.display_name)
        .bind(reason)
        .bind(time::now())
        .bind(content)
        .bind(summary.to_string())
        .execute(&self.pool)
        .await;
        match result.map_err(StoreError::from) {
            Ok(_) => Ok(()),
            Err(StoreError::Conflict(_)) => Err(StoreError::Conflict(format!(
                "知识库已被他人修改（版本 {number} 已存在），请刷新后重试"
            ))),
            Err(e) => Err(e),
        }
    }
}
