//! Leases: named locks with an expiry, kept in the database. A background job
//! runs on whichever instance holds its lease, so with several instances on one
//! PostgreSQL database each job still runs once per period; a crashed holder's
//! lease simply expires.

use crate::{Store, StoreError, time};

impl Store {
    /// Takes or renews the lease `name` for `holder` for `ttl_seconds`.
    /// Returns whether `holder` now holds it.
    pub async fn try_acquire_lease(
        &self,
        name: &str,
        holder: &str,
        ttl_seconds: i64,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO leases (name, holder, expires_at) VALUES ($1, $2, $3)
             ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
             WHERE leases.expires_at < $4 OR leases.holder = $2",
        )
        .bind(name)
        .bind(holder)
        .bind(time::from_now(ttl_seconds))
        .bind(time::now())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Gives a lease up early (on shutdown), if `holder` holds it.
    pub async fn release_lease(&self, name: &str, holder: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM leases WHERE name = $1 AND holder = $2")
            .bind(name)
            .bind(holder)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Records one run of a background job.
    pub async fn record_job_run(
        &self,
        job: &str,
        holder: &str,
        started_at: &str,
        ok: bool,
        message: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO job_runs (id, job, holder, started_at, finished_at, ok, message)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(uuid::Uuid::now_v7().to_string())
        .bind(job)
        .bind(holder)
        .bind(started_at)
        .bind(time::now())
        .bind(i64::from(ok))
        .bind(message)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The most recent runs of all jobs, newest first.
    pub async fn recent_job_runs(&self, limit: i64) -> Result<Vec<JobRun>, StoreError> {
        Ok(sqlx::query_as::<_, JobRun>(
            "SELECT job, holder, started_at, finished_at, ok, message FROM job_runs
             ORDER BY started_at DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }
}

/// One recorded run of a background job.
#[derive(Debug, Clone, serde::Serialize, sqlx::FromRow)]
pub struct JobRun {
    pub job: String,
    pub holder: String,
    pub started_at: String,
    pub finished_at: String,
    pub ok: i64,
    pub message: String,
}
