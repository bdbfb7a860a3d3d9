//! The append-only history shared by records with a lifecycle (alerts,
//! review requests): one row per step with who, when, the state before and
//! after, a note and a JSON payload, written in the caller's transaction so
//! that a step and its history land together or not at all.

use crate::{StoreError, time};

/// A history table and the column naming the record it belongs to.
#[derive(Debug, Clone, Copy)]
pub(crate) enum History {
    Alerts,
    Reviews,
}

impl History {
    fn insert_sql(self) -> &'static str {
        match self {
            History::Alerts => {
                "INSERT INTO alert_events (id, alert_id, action, from_status, to_status, actor_id, actor_name, at, note, payload)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
            }
            History::Reviews => {
                "INSERT INTO review_events (id, request_id, action, from_status, to_status, actor_id, actor_name, at, note, payload)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
            }
        }
    }
}

/// One step of a record's lifecycle.
pub(crate) struct Step<'a> {
    pub action: &'a str,
    pub from: Option<&'a str>,
    pub to: &'a str,
    /// (user id, display name)
    pub actor: (&'a str, &'a str),
    pub note: Option<&'a str>,
    pub payload: &'a serde_json::Value,
}

/// Appends `step` to the history of record `owner_id`.
pub(crate) async fn record(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    history: History,
    owner_id: &str,
    step: Step<'_>,
) -> Result<(), StoreError> {
    sqlx::query(history.insert_sql())
        .bind(uuid::Uuid::now_v7().to_string())
        .bind(owner_id)
        .bind(step.action)
        .bind(step.from.map(str::to_string))
        .bind(step.to)
        .bind(step.actor.0)
        .bind(step.actor.1)
        .bind(time::now())
        .bind(step.note.map(str::to_string))
        .bind(step.payload.to_string())
        .execute(&mut **tx)
        .await?;
    Ok(())
}
