//! Browser sessions, kept in the database so that any instance can serve any
//! request. The cookie holds a random id; the database holds its hash.

use xiaobao_domain::actor::Actor;

use crate::{Store, StoreError, secret, time};

/// A live session: who, and the token that forms must echo (CSRF).
#[derive(Debug, Clone)]
pub struct Session {
    pub actor: Actor,
    pub csrf_token: String,
    pub must_change_password: bool,
}

/// A newly created session: the cookie value to hand to the browser.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub cookie_value: String,
    pub csrf_token: String,
}

impl Store {
    /// Starts a session for a user that has just authenticated.
    pub async fn create_session(
        &self,
        user_id: &str,
        ttl_seconds: i64,
        ip: &str,
        user_agent: &str,
    ) -> Result<NewSession, StoreError> {
        let cookie_value = secret::random_hex(32)?;
        let csrf_token = secret::random_hex(24)?;
        let now = time::now();
        sqlx::query(
            "INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, expires_at, last_seen_at, ip, user_agent)
             VALUES ($1, $2, $3, $4, $5, $4, $6, $7)",
        )
        .bind(secret::hash_token(&cookie_value))
        .bind(user_id)
        .bind(&csrf_token)
        .bind(&now)
        .bind(time::from_now(ttl_seconds))
        .bind(ip)
        .bind(user_agent.chars().take(200).collect::<String>())
        .execute(&self.pool)
        .await?;
        Ok(NewSession {
            cookie_value,
            csrf_token,
        })
    }

    /// The session for a cookie value, if it exists, has not expired and its
    /// user is still enabled. Sliding expiry: each use extends it by `ttl`,
    /// written at most once a minute to spare the database.
    pub async fn session(
        &self,
        cookie_value: &str,
        ttl_seconds: i64,
    ) -> Result<Option<Session>, StoreError> {
        let id_hash = secret::hash_token(cookie_value);
        let row: Option<(String, String, String, String, i64)> = sqlx::query_as(
            "SELECT s.user_id, s.csrf_token, s.expires_at, s.last_seen_at, u.must_change_password
             FROM sessions s JOIN users u ON u.id = s.user_id
             WHERE s.id_hash = $1",
        )
        .bind(&id_hash)
        .fetch_optional(&self.pool)
        .await?;
        let Some((user_id, csrf_token, expires_at, last_seen, must_change)) = row else {
            return Ok(None);
        };
        let now = time::now();
        if expires_at <= now {
            self.delete_session(cookie_value).await?;
            return Ok(None);
        }
        let Some(actor) = self.actor_by_id(&user_id).await? else {
            return Ok(None);
        };
        if last_seen < time::from_now(-60) {
            sqlx::query(
                "UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE id_hash = $3",
            )
            .bind(&now)
            .bind(time::from_now(ttl_seconds))
            .bind(&id_hash)
            .execute(&self.pool)
            .await?;
        }
        Ok(Some(Session {
            actor,
            csrf_token,
            must_change_password: must_change != 0,
        }))
    }

    /// Ends a session (logout).
    pub async fn delete_session(&self, cookie_value: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
            .bind(secret::hash_token(cookie_value))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Removes expired sessions; returns how many.
    pub async fn purge_expired_sessions(&self) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(time::now())
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }
}
