//! The forbidden-words knowledge base in force: edits, versions, rollback and
//! the shared matcher every scan goes through.
//!
//! Version 0 is the knowledge base shipped in `data/kb/`; every saved change
//! is a new numbered snapshot in the database with who and why. An edit is
//! checked (the same diagnostics as `xiaobao kb check`) and compiled before it
//! is stored, so a bad edit changes nothing. Other instances notice a new
//! version when they poll (see [`Services::reload_config`]) and swap their
//! matcher; scans in flight finish on the matcher they started with.

use std::sync::Arc;

use serde::Serialize;
use xiaobao_domain::actor::Actor;
use xiaobao_domain::role::Role;
use xiaobao_lexicon::{
    Diagnostic, DisclosureRule, Entry, KbDiff, KnowledgeBase, Level, Matcher, diff,
};
use xiaobao_store::StoreError;
use xiaobao_store::audit::AuditEvent;
use xiaobao_store::kb::KbVersionRow;

use crate::Services;

/// The knowledge base in force and its compiled matcher.
pub struct KbState {
    /// Version number (0: the shipped knowledge base).
    pub version: i64,
    pub kb: KnowledgeBase,
    pub matcher: Arc<Matcher>,
}

impl KbState {
    /// The shipped knowledge base, compiled.
    pub fn shipped() -> Result<KbState, String> {
        let kb = KnowledgeBase::seed().map_err(|e| e.to_string())?;
        let matcher = Matcher::compile(&kb).map_err(|e| e.to_string())?;
        Ok(KbState {
            version: 0,
            kb,
            matcher: Arc::new(matcher),
        })
    }
}

/// Why a knowledge-base change was not saved.
#[derive(Debug, thiserror::Error)]
pub enum KbUpdateError {
    #[error("仅消保管理员、审查员和系统管理员可修改知识库")]
    Forbidden,
    #[error("请说明修改原因（至少 2 个字）")]
    ReasonRequired,
    #[error("知识库校验未通过，未保存：{}", summarize(.0))]
    Invalid(Vec<Diagnostic>),
    #[error("知识库无法编译，未保存：{0}")]
    Compile(String),
    #[error("没有任何变化，未生成新版本")]
    Unchanged,
    #[error("知识库已更新到版本 {current}（您编辑的是版本 {base}），请刷新后重新修改")]
    Stale { base: i64, current: i64 },
    #[error("条目 {0} 不存在")]
    UnknownRecord(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn summarize(diags: &[Diagnostic]) -> String {
    diags
        .iter()
        .filter(|d| d.level == Level::Error)
        .take(5)
        .map(|d| d.to_string())
        .collect::<Vec<_>>()
        .join("；")
}

/// One version in the history, with its change summary.
#[derive(Debug, Clone, Serialize)]
pub struct KbHistoryItem {
    pub number: i64,
    pub author_name: String,
    pub reason: String,
    pub created_at: String,
    pub diff: KbDiff,
    pub entries: usize,
    pub disclosures: usize,
}

impl KbHistoryItem {
    fn from_row(row: KbVersionRow) -> KbHistoryItem {
        let summary: serde_json::Value = serde_json::from_str(&row.summary).unwrap_or_default();
        KbHistoryItem {
            number: row.number,
            author_name: row.author_name,
            reason: row.reason,
            created_at: row.created_at,
            diff: serde_json::from_value(summary["diff"].clone()).unwrap_or_default(),
            entries: summary["entries"].as_u64().unwrap_or(0) as usize,
            disclosures: summary["disclosures"].as_u64().unwrap_or(0) as usize,
        }
    }
}

/// Who may change the knowledge base: the consumer-protection department,
/// the reviewers who use it, and administrators.
pub fn may_edit_kb(actor: &Actor) -> bool {
    matches!(actor.role, Role::CpOfficer | Role::Reviewer | Role::Admin)
}

impl Services {
    /// The knowledge base in force.
    pub fn kb(&self) -> Arc<KbState> {
        self.kb.get()
    }

    /// The knowledge base of a stored version (0: the shipped one).
    pub async fn kb_at(&self, number: i64) -> Result<KnowledgeBase, KbUpdateError> {
        if number == 0 {
            return KnowledgeBase::seed()
                .map_err(|e| KbUpdateError::Invalid(e.diagnostics().to_vec()));
        }
        let snap = self.store.kb_snapshot(number).await?;
        let (kb, _) = KnowledgeBase::parse_jsonl_lenient(&snap.content);
        Ok(kb)
    }

    /// The history, newest first, ending with the shipped version 0.
    pub async fn kb_history(&self, limit: i64) -> Result<Vec<KbHistoryItem>, StoreError> {
        let rows = self.store.list_kb_versions(limit).await?;
        Ok(rows.into_iter().map(KbHistoryItem::from_row).collect())
    }

    /// Loads the newest stored version when it differs from the one in force.
    /// Returns whether the matcher was replaced.
    pub(crate) async fn reload_kb(&self) -> Result<bool, StoreError> {
        let latest = self.store.latest_kb_version().await?.unwrap_or(0);
        if latest == self.kb().version {
            return Ok(false);
        }
        let kb = if latest == 0 {
            KnowledgeBase::seed().map_err(|e| StoreError::Internal(e.to_string()))?
        } else {
            let snap = self.store.kb_snapshot(latest).await?;
            match KnowledgeBase::parse_jsonl(&snap.content) {
                Ok(kb) => kb,
                Err(e) => {
                    tracing::error!(version = latest, error = %e, "stored knowledge base is invalid; keeping the one in force");
                    return Ok(false);
                }
            }
        };
        match Matcher::compile(&kb) {
            Ok(m) => {
                self.kb.set(KbState {
                    version: latest,
                    kb,
                    matcher: Arc::new(m),
                });
                tracing::info!(version = latest, "knowledge base reloaded");
                Ok(true)
            }
            Err(e) => {
                tracing::error!(version = latest, error = %e, "stored knowledge base does not compile; keeping the one in force");
                Ok(false)
            }
        }
    }

    /// Checks, compiles, stores and applies a whole new knowledge base.
    /// `base` is the version the editor started from; when someone saved in
    /// between, nothing is saved and the editor is told to refresh.
    pub async fn save_kb(
        &self,
        actor: &Actor,
        new: KnowledgeBase,
        reason: &str,
        base: Option<i64>,
    ) -> Result<i64, KbUpdateError> {
        if !may_edit_kb(actor) {
            return Err(KbUpdateError::Forbidden);
        }
        let reason = reason.trim();
        if reason.chars().count() < 2 {
            return Err(KbUpdateError::ReasonRequired);
        }
        let diags = new.check();
        if diags.iter().any(|d| d.level == Level::Error) {
            return Err(KbUpdateError::Invalid(diags));
        }
        let matcher = Matcher::compile(&new).map_err(|e| KbUpdateError::Compile(e.to_string()))?;
        let current_number = self.store.latest_kb_version().await?.unwrap_or(0);
        if let Some(base) = base
            && base != current_number
        {
            return Err(KbUpdateError::Stale {
                base,
                current: current_number,
            });
        }
        let current = self.kb_at(current_number).await?;
        let change = diff(&current, &new);
        if change.is_empty() {
            return Err(KbUpdateError::Unchanged);
        }
        let number = current_number + 1;
        let summary = serde_json::json!({
            "diff": change,
            "entries": new.entries.len(),
            "disclosures": new.disclosures.len(),
        });
        self.store
            .insert_kb_version(actor, number, reason, &new.to_jsonl(), &summary)
            .await?;
        self.store
            .audit(
                actor,
                AuditEvent {
                    action: "kb.update",
                    target_kind: "kb",
                    target_id: &number.to_string(),
                    org_path: "/",
                    detail: serde_json::json!({"reason": reason, "diff": change}),
                    ip: "",
                },
            )
            .await?;
        self.kb.set(KbState {
            version: number,
            kb: new,
            matcher: Arc::new(matcher),
        });
        Ok(number)
    }

    /// Adds an entry, or replaces the one with the same id.
    pub async fn save_kb_entry(
        &self,
        actor: &Actor,
        entry: Entry,
        reason: &str,
        base: Option<i64>,
    ) -> Result<i64, KbUpdateError> {
        let mut kb = self.kb().kb.clone();
        match kb.entries.iter_mut().find(|e| e.id == entry.id) {
            Some(slot) => *slot = entry,
            None => kb.entries.push(entry),
        }
        self.save_kb(actor, rebuilt(kb), reason, base).await
    }

    /// Adds a disclosure rule, or replaces the one with the same id.
    pub async fn save_kb_disclosure(
        &self,
        actor: &Actor,
        rule: DisclosureRule,
        reason: &str,
        base: Option<i64>,
    ) -> Result<i64, KbUpdateError> {
        let mut kb = self.kb().kb.clone();
        match kb.disclosures.iter_mut().find(|d| d.id == rule.id) {
            Some(slot) => *slot = rule,
            None => kb.disclosures.push(rule),
        }
        self.save_kb(actor, rebuilt(kb), reason, base).await
    }

    /// Removes an entry or disclosure rule.
    pub async fn delete_kb_record(
        &self,
        actor: &Actor,
        id: &str,
        reason: &str,
        base: Option<i64>,
    ) -> Result<i64, KbUpdateError> {
        let mut kb = self.kb().kb.clone();
        let before = kb.entries.len() + kb.disclosures.len();
        kb.entries.retain(|e| e.id != id);
        kb.disclosures.retain(|d| d.id != id);
        if kb.entries.len() + kb.disclosures.len() == before {
            return Err(KbUpdateError::UnknownRecord(id.to_string()));
        }
        self.save_kb(actor, rebuilt(kb), reason, base).await
    }

    /// Makes an earlier version the one in force, as a new version (history
    /// is never rewritten).
    pub async fn rollback_kb(
        &self,
        actor: &Actor,
        to: i64,
        reason: &str,
    ) -> Result<i64, KbUpdateError> {
        if reason.trim().chars().count() < 2 {
            return Err(KbUpdateError::ReasonRequired);
        }
        let old = self.kb_at(to).await?;
        let reason = format!("回滚到版本 {to}：{}", reason.trim());
        self.save_kb(actor, rebuilt(old), &reason, None).await
    }
}

/// A knowledge base with the same records and no stale source positions.
fn rebuilt(kb: KnowledgeBase) -> KnowledgeBase {
    KnowledgeBase::new(kb.entries, kb.disclosures)
}
