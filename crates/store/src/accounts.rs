//! User accounts, passwords (argon2id) and API tokens.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use serde::Serialize;
use sqlx::FromRow;
use xiaobao_domain::actor::Actor;
use xiaobao_domain::role::Role;

use crate::orgs::like_prefix;
use crate::{Store, StoreError, secret, time};

/// A user as shown to administrators (never with the password hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromRow)]
pub struct User {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub org_code: String,
    pub must_change_password: i64,
    pub disabled: i64,
    pub created_at: String,
}

#[derive(Debug, FromRow)]
struct ActorRow {
    id: String,
    username: String,
    display_name: String,
    role: String,
    org_code: String,
    path: String,
    disabled: i64,
}

impl ActorRow {
    fn into_actor(self) -> Result<Actor, StoreError> {
        let role = self
            .role
            .parse::<Role>()
            .map_err(|e| StoreError::Internal(e.to_string()))?;
        Ok(Actor {
            user_id: self.id,
            username: self.username,
            display_name: self.display_name,
            role,
            org_code: self.org_code,
            org_path: self.path,
        })
    }
}

/// The actor query with a `WHERE` clause appended at compile time.
macro_rules! actor_select {
    ($where:literal) => {
        concat!(
            "SELECT u.id, u.username, u.display_name, u.role, u.org_code, o.path, u.disabled
             FROM users u JOIN orgs o ON o.code = u.org_code ",
            $where
        )
    };
}

/// Minimum password length for accounts created or changed by people.
pub const MIN_PASSWORD_LEN: usize = 10;

/// Hashes a password with argon2id and a random salt (PHC string).
pub fn hash_password(password: &str) -> Result<String, StoreError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| StoreError::Internal(format!("密码哈希失败 password hashing failed: {e}")))
}

/// Checks a password against a stored PHC string in constant time.
pub fn verify_password(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

fn validate_username(name: &str) -> Result<(), StoreError> {
    let ok = (2..=64).contains(&name.chars().count())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if ok {
        Ok(())
    } else {
        Err(StoreError::Invalid(format!(
            "用户名 {name:?} 无效 invalid username: 2–64 个字母、数字、下划线、连字符或点"
        )))
    }
}

fn validate_password(password: &str) -> Result<(), StoreError> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(StoreError::Invalid(format!(
            "密码至少 {MIN_PASSWORD_LEN} 个字符 password must have at least {MIN_PASSWORD_LEN} characters"
        )));
    }
    Ok(())
}

/// What is needed to add a user.
#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub role: Role,
    pub org_code: &'a str,
    pub password: &'a str,
    pub must_change_password: bool,
}

impl Store {
    /// Adds a user. The caller decides who may do this (administrators in the
    /// UI, IT staff on the shell).
    pub async fn create_user(&self, new: &NewUser<'_>) -> Result<User, StoreError> {
        validate_username(new.username)?;
        validate_password(new.password)?;
        self.org_by_code(new.org_code).await?;
        let display = if new.display_name.trim().is_empty() {
            new.username
        } else {
            new.display_name.trim()
        };
        let id = uuid::Uuid::now_v7().to_string();
        let now = time::now();
        let hash = hash_password(new.password)?;
        sqlx::query(
            "INSERT INTO users (id, username, display_name, role, org_code, password_hash,
                                must_change_password, disabled, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8, $8)",
        )
        .bind(&id)
        .bind(new.username)
        .bind(display)
        .bind(new.role.as_str())
        .bind(new.org_code)
        .bind(hash)
        .bind(i64::from(new.must_change_password))
        .bind(&now)
        .execute(&self.pool)
        .await
        .map_err(|e| match StoreError::from(e) {
            StoreError::Conflict(_) => {
                StoreError::Conflict(format!("用户名 {} 已存在 username exists", new.username))
            }
            other => other,
        })?;
        self.user_by_username(new.username).await
    }

    pub async fn user_by_username(&self, username: &str) -> Result<User, StoreError> {
        sqlx::query_as::<_, User>(
            "SELECT id, username, display_name, role, org_code, must_change_password, disabled, created_at
             FROM users WHERE username = $1",
        )
        .bind(username)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("用户 {username} 不存在 user not found")))
    }

    pub async fn user_count(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM users")
            .fetch_one(&self.pool)
            .await?)
    }

    /// Users whose organisation lies inside the actor's scope.
    pub async fn list_users(&self, actor: &Actor) -> Result<Vec<User>, StoreError> {
        Ok(sqlx::query_as::<_, User>(
            "SELECT u.id, u.username, u.display_name, u.role, u.org_code, u.must_change_password,
                    u.disabled, u.created_at
             FROM users u JOIN orgs o ON o.code = u.org_code
             WHERE o.path LIKE $1 ESCAPE '\\'
             ORDER BY o.path, u.username",
        )
        .bind(like_prefix(actor.scope().prefix()))
        .fetch_all(&self.pool)
        .await?)
    }

    /// One user, if inside the actor's scope; otherwise not found.
    pub async fn get_user(&self, actor: &Actor, id: &str) -> Result<User, StoreError> {
        sqlx::query_as::<_, User>(
            "SELECT u.id, u.username, u.display_name, u.role, u.org_code, u.must_change_password,
                    u.disabled, u.created_at
             FROM users u JOIN orgs o ON o.code = u.org_code
             WHERE u.id = $1 AND o.path LIKE $2 ESCAPE '\\'",
        )
        .bind(id)
        .bind(like_prefix(actor.scope().prefix()))
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| StoreError::NotFound("用户不存在 user not found".into()))
    }

    /// Checks a username and password; `None` when either is wrong or the
    /// account is disabled (the caller must not say which).
    pub async fn authenticate(
        &self,
        username: &str,
        password: &str,
    ) -> Result<Option<Actor>, StoreError> {
        let row: Option<(String, i64)> =
            sqlx::query_as("SELECT password_hash, disabled FROM users WHERE username = $1")
                .bind(username)
                .fetch_optional(&self.pool)
                .await?;
        let Some((hash, disabled)) = row else {
            // Spend the same time as a real check so that timing does not
            // reveal which usernames exist.
            let _ = verify_password(password, DUMMY_HASH);
            return Ok(None);
        };
        if disabled != 0 || !verify_password(password, &hash) {
            return Ok(None);
        }
        self.actor_by_username(username).await.map(Some)
    }

    /// The actor for a user id; disabled users have none.
    pub async fn actor_by_id(&self, user_id: &str) -> Result<Option<Actor>, StoreError> {
        let row = sqlx::query_as::<_, ActorRow>(actor_select!("WHERE u.id = $1"))
            .bind(user_id)
            .fetch_optional(&self.pool)
            .await?;
        match row {
            Some(r) if r.disabled == 0 => r.into_actor().map(Some),
            _ => Ok(None),
        }
    }

    pub async fn actor_by_username(&self, username: &str) -> Result<Actor, StoreError> {
        let row = sqlx::query_as::<_, ActorRow>(actor_select!("WHERE u.username = $1"))
            .bind(username)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| {
                StoreError::NotFound(format!("用户 {username} 不存在 user not found"))
            })?;
        row.into_actor()
    }

    /// Sets a new password. `must_change` forces a change at next login (for
    /// passwords handed out by an administrator).
    pub async fn set_password(
        &self,
        username: &str,
        password: &str,
        must_change: bool,
    ) -> Result<(), StoreError> {
        validate_password(password)?;
        let hash = hash_password(password)?;
        let done = sqlx::query(
            "UPDATE users SET password_hash = $1, must_change_password = $2, updated_at = $3
             WHERE username = $4",
        )
        .bind(hash)
        .bind(i64::from(must_change))
        .bind(time::now())
        .bind(username)
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!(
                "用户 {username} 不存在 user not found"
            )));
        }
        Ok(())
    }

    /// Enables or disables an account; disabling also ends its sessions.
    pub async fn set_user_disabled(
        &self,
        actor: &Actor,
        id: &str,
        disabled: bool,
    ) -> Result<(), StoreError> {
        if !actor.role.can_administer() {
            return Err(StoreError::Forbidden(
                "仅系统管理员可停用账户 only administrators".into(),
            ));
        }
        let user = self.get_user(actor, id).await?;
        if user.id == actor.user_id && disabled {
            return Err(StoreError::Invalid(
                "不能停用自己的账户 cannot disable yourself".into(),
            ));
        }
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE users SET disabled = $1, updated_at = $2 WHERE id = $3")
            .bind(i64::from(disabled))
            .bind(time::now())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if disabled {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Creates an API token for a user and returns it; only its hash is kept.
    pub async fn create_token(&self, username: &str, name: &str) -> Result<String, StoreError> {
        let user = self.user_by_username(username).await?;
        let token = format!("xbt_{}", secret::random_hex(24)?);
        sqlx::query(
            "INSERT INTO api_tokens (id, user_id, name, token_hash, prefix, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(uuid::Uuid::now_v7().to_string())
        .bind(&user.id)
        .bind(name)
        .bind(secret::hash_token(&token))
        .bind(&token[..12])
        .bind(time::now())
        .execute(&self.pool)
        .await?;
        Ok(token)
    }

    /// The actor behind a bearer token, if the token is valid and not revoked.
    pub async fn actor_for_token(&self, token: &str) -> Result<Option<Actor>, StoreError> {
        let row: Option<(String, String)> = sqlx::query_as(
            "SELECT id, user_id FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL",
        )
        .bind(secret::hash_token(token))
        .fetch_optional(&self.pool)
        .await?;
        let Some((token_id, user_id)) = row else {
            return Ok(None);
        };
        sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
            .bind(time::now())
            .bind(token_id)
            .execute(&self.pool)
            .await?;
        self.actor_by_id(&user_id).await
    }
}

/// A valid argon2id hash of a random string, used to equalise timing.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Kf0R2yJH5RnkLxdgQGKpUl1Sw8ye8YLtBJcK4FmtFpE";
