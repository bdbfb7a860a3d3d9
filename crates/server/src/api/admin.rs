//! Accounts and the audit log (administrators; auditors read the log).

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use xiaobao_domain::role::Role;
use xiaobao_store::accounts::{NewUser, User};
use xiaobao_store::audit::{AuditEntry, AuditEvent};

use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{ApiError, ApiJson, ApiQuery, ErrorBody};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/users", get(list_users).post(create_user))
        .route("/api/v1/users/{id}", get(get_user))
        .route("/api/v1/audit", get(list_audit))
}

/// A user account (never with its password).
#[derive(Serialize, ToSchema)]
pub struct UserOut {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub role_name: String,
    pub org: String,
    pub disabled: bool,
    pub must_change_password: bool,
    pub created_at: String,
}

impl From<User> for UserOut {
    fn from(u: User) -> UserOut {
        UserOut {
            role_name: u
                .role
                .parse::<Role>()
                .map(|r| r.display_name().to_string())
                .unwrap_or_default(),
            id: u.id,
            username: u.username,
            display_name: u.display_name,
            role: u.role,
            org: u.org_code,
            disabled: u.disabled != 0,
            must_change_password: u.must_change_password != 0,
            created_at: u.created_at,
        }
    }
}

/// A new account. The user must change the password at first login.
#[derive(Deserialize, ToSchema)]
pub struct NewUserIn {
    pub username: String,
    #[serde(default)]
    pub display_name: String,
    /// One of admin, cp_officer, handler, reviewer, approver, submitter, auditor, viewer.
    pub role: String,
    /// Organisation code; defaults to the root.
    pub org: Option<String>,
    /// Department whose review requests the user submits (required for `submitter`).
    #[serde(default)]
    pub department: Option<String>,
    /// Initial password, at least 10 characters.
    pub password: String,
}

fn require_admin(auth: &crate::auth::Authenticated) -> Result<(), ApiError> {
    if auth.actor.role.can_administer() {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "仅系统管理员可管理账户 only administrators manage accounts",
        ))
    }
}

/// Accounts inside the caller's scope.
#[utoipa::path(get, path = "/api/v1/users", tag = "accounts",
    responses((status = 200, body = [UserOut]), (status = 403, body = ErrorBody)))]
pub async fn list_users(
    State(state): State<AppState>,
    ApiUser(auth): ApiUser,
) -> Result<ApiJson<Vec<UserOut>>, ApiError> {
    require_admin(&auth)?;
    let users = state.store.list_users(&auth.actor).await?;
    Ok(ApiJson(users.into_iter().map(UserOut::from).collect()))
}

#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "accounts",
    params(("id" = String, Path)),
    responses((status = 200, body = UserOut), (status = 404, body = ErrorBody)))]
pub async fn get_user(
    State(state): State<AppState>,
    ApiUser(auth): ApiUser,
    Path(id): Path<String>,
) -> Result<ApiJson<UserOut>, ApiError> {
    require_admin(&auth)?;
    Ok(ApiJson(
        state.store.get_user(&auth.actor, &id).await?.into(),
    ))
}

#[utoipa::path(post, path = "/api/v1/users", tag = "accounts",
    request_body = NewUserIn,
    responses((status = 201, body = UserOut), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_user(
    State(state): State<AppState>,
    ApiUser(auth): ApiUser,
    ApiJson(input): ApiJson<NewUserIn>,
) -> Result<(StatusCode, ApiJson<UserOut>), ApiError> {
    require_admin(&auth)?;
    let role = input.role.parse::<Role>().map_err(|e| {
        ApiError::unprocessable(e.to_string()).with_details(serde_json::json!({
            "field": "role",
            "allowed": Role::ALL.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
        }))
    })?;
    let org = match input.org {
        Some(code) => state.store.get_org(&auth.actor, &code).await.map_err(|_| {
            ApiError::unprocessable(format!("机构 {code} 不存在 unknown organisation"))
                .with_details(serde_json::json!({"field": "org"}))
        })?,
        None => state
            .store
            .root_org()
            .await?
            .ok_or_else(|| ApiError::unprocessable("尚未建立机构树 no organisation tree"))?,
    };
    let department = input
        .department
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty());
    if role.can_submit_reviews() && department.is_none() {
        return Err(ApiError::unprocessable(
            "业务送审人须填写所属部门 a submitter needs a department",
        )
        .with_details(serde_json::json!({"field": "department"})));
    }
    let user = state
        .store
        .create_user(&NewUser {
            username: input.username.trim(),
            display_name: &input.display_name,
            role,
            org_code: &org.code,
            password: &input.password,
            must_change_password: true,
        })
        .await?;
    if let Some(d) = department {
        state.store.set_user_department(&user.username, d).await?;
    }
    state
        .store
        .audit(
            &auth.actor,
            AuditEvent {
                action: "user.create",
                target_kind: "user",
                target_id: &user.id,
                org_path: &org.path,
                detail: serde_json::json!({"username": user.username, "role": user.role}),
                ip: "",
            },
        )
        .await?;
    Ok((StatusCode::CREATED, ApiJson(user.into())))
}

#[derive(Deserialize, IntoParams)]
pub struct AuditQuery {
    /// Most recent entries to return (1–1000, default 100).
    pub limit: Option<i64>,
}

/// The audit log, newest first (administrators and auditors).
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit",
    params(AuditQuery),
    responses((status = 200, body = [AuditOut]), (status = 403, body = ErrorBody)))]
pub async fn list_audit(
    State(state): State<AppState>,
    ApiUser(auth): ApiUser,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> Result<ApiJson<Vec<AuditOut>>, ApiError> {
    let limit = q.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::bad_request(
            "limit 须在 1–1000 之间 limit must be 1–1000",
        ));
    }
    let entries = state.store.list_audit(&auth.actor, limit).await?;
    Ok(ApiJson(entries.into_iter().map(AuditOut::from).collect()))
}

/// One audit record.
#[derive(Serialize, ToSchema)]
pub struct AuditOut {
    pub id: String,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub target_kind: String,
    pub target_id: String,
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
}

impl From<AuditEntry> for AuditOut {
    fn from(e: AuditEntry) -> AuditOut {
        AuditOut {
            id: e.id,
            at: e.at,
            actor: e.actor_name,
            action: e.action,
            target_kind: e.target_kind,
            target_id: e.target_id,
            detail: serde_json::from_str(&e.detail).unwrap_or(serde_json::Value::Null),
        }
    }
}
