//! Login throttling, counted in the database so that every instance sees the
//! same failures: guessing passwords against a load balancer gains nothing.

use crate::{Store, StoreError, time};

/// Limits for failed logins within a sliding window.
#[derive(Debug, Clone, Copy)]
pub struct ThrottlePolicy {
    pub window_seconds: i64,
    pub max_failures_per_user: i64,
    pub max_failures_per_ip: i64,
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        ThrottlePolicy {
            window_seconds: 15 * 60,
            max_failures_per_user: 5,
            max_failures_per_ip: 30,
        }
    }
}

impl Store {
    /// Records a login attempt.
    pub async fn record_login_attempt(
        &self,
        username: &str,
        ip: &str,
        success: bool,
    ) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO login_attempts (id, username, ip, at, success) VALUES ($1, $2, $3, $4, $5)")
            .bind(uuid::Uuid::now_v7().to_string())
            .bind(username)
            .bind(ip)
            .bind(time::now())
            .bind(i64::from(success))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Whether further attempts for this username or from this address must
    /// wait: too many failures inside the window.
    pub async fn login_blocked(
        &self,
        username: &str,
        ip: &str,
        policy: ThrottlePolicy,
    ) -> Result<bool, StoreError> {
        let since = time::from_now(-policy.window_seconds);
        let by_user: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM login_attempts WHERE username = $1 AND at > $2 AND success = 0",
        )
        .bind(username)
        .bind(&since)
        .fetch_one(&self.pool)
        .await?;
        if by_user >= policy.max_failures_per_user {
            return Ok(true);
        }
        let by_ip: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM login_attempts WHERE ip = $1 AND at > $2 AND success = 0",
        )
        .bind(ip)
        .bind(&since)
        .fetch_one(&self.pool)
        .await?;
        Ok(by_ip >= policy.max_failures_per_ip)
    }

    /// Forgets a user's failures after a successful login.
    pub async fn clear_login_failures(&self, username: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM login_attempts WHERE username = $1 AND success = 0")
            .bind(username)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Drops attempts older than `keep_seconds`.
    pub async fn purge_login_attempts(&self, keep_seconds: i64) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM login_attempts WHERE at < $1")
            .bind(time::from_now(-keep_seconds))
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }
}
