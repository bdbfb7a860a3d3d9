//! Organisation tree, account administration and the audit log.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use xiaobao_domain::org::OrgKind;
use xiaobao_domain::role::Role;
use xiaobao_store::accounts::NewUser;
use xiaobao_store::audit::{AuditEntry, AuditEvent};

use super::{Chrome, error_page, render, store_error_page};
use crate::AppState;
use crate::auth::{Authenticated, PageUser};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/orgs", get(orgs_page))
        .route("/users", get(users_page).post(create_user))
        .route("/users/{id}/disable", post(disable_user))
        .route("/users/{id}/enable", post(enable_user))
        .route("/users/{id}/reset-password", post(reset_password))
        .route("/audit", get(audit_page))
}

struct OrgRow {
    code: String,
    name: String,
    kind_name: &'static str,
    legal_entity: bool,
    depth: usize,
    users: usize,
}

#[derive(Template)]
#[template(path = "orgs.html")]
struct OrgsPage {
    chrome: Chrome,
    rows: Vec<OrgRow>,
}

async fn orgs_page(State(state): State<AppState>, PageUser(auth): PageUser) -> Response {
    let (orgs, users) = match (
        state.store.list_orgs(&auth.actor).await,
        state.store.list_users(&auth.actor).await,
    ) {
        (Ok(o), Ok(u)) => (o, u),
        (Err(e), _) | (_, Err(e)) => return store_error_page(e),
    };
    let mut per_org: HashMap<&str, usize> = HashMap::new();
    for u in &users {
        *per_org.entry(u.org_code.as_str()).or_default() += 1;
    }
    let base_depth = orgs
        .iter()
        .map(|o| o.path.matches('/').count())
        .min()
        .unwrap_or(2);
    let rows = orgs
        .iter()
        .map(|o| {
            let kind = o.kind.parse::<OrgKind>().ok();
            OrgRow {
                code: o.code.clone(),
                name: o.name.clone(),
                kind_name: kind.map(|k| k.display_name()).unwrap_or(""),
                legal_entity: kind.is_some_and(|k| k.is_legal_entity()),
                depth: o.path.matches('/').count() - base_depth,
                users: per_org.get(o.code.as_str()).copied().unwrap_or(0),
            }
        })
        .collect();
    let chrome = Chrome::new(&state, &auth, "/orgs").await;
    render(&OrgsPage { chrome, rows })
}

struct UserRow {
    id: String,
    username: String,
    display_name: String,
    role_name: &'static str,
    org_name: String,
    disabled: bool,
    must_change_password: bool,
    created_at: String,
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    chrome: Chrome,
    users: Vec<UserRow>,
    roles: Vec<(&'static str, &'static str)>,
    orgs: Vec<(String, String)>,
    new_password: Option<String>,
    error: Option<String>,
}

fn forbid_unless_admin(auth: &Authenticated) -> Option<Response> {
    if auth.actor.role.can_administer() {
        None
    } else {
        Some(error_page(
            StatusCode::FORBIDDEN,
            "无权访问",
            "仅系统管理员可以管理用户。",
        ))
    }
}

async fn users_view(
    state: &AppState,
    auth: &Authenticated,
    new_password: Option<String>,
    error: Option<String>,
) -> Response {
    let (users, orgs) = match (
        state.store.list_users(&auth.actor).await,
        state.store.list_orgs(&auth.actor).await,
    ) {
        (Ok(u), Ok(o)) => (u, o),
        (Err(e), _) | (_, Err(e)) => return store_error_page(e),
    };
    let org_names: HashMap<&str, &str> = orgs
        .iter()
        .map(|o| (o.code.as_str(), o.name.as_str()))
        .collect();
    let rows = users
        .iter()
        .map(|u| UserRow {
            id: u.id.clone(),
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            role_name: u
                .role
                .parse::<Role>()
                .map(|r| r.display_name())
                .unwrap_or(""),
            org_name: org_names
                .get(u.org_code.as_str())
                .map(|s| s.to_string())
                .unwrap_or_else(|| u.org_code.clone()),
            disabled: u.disabled != 0,
            must_change_password: u.must_change_password != 0,
            created_at: u
                .created_at
                .chars()
                .take(19)
                .collect::<String>()
                .replace('T', " "),
        })
        .collect();
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let chrome = Chrome::new(state, auth, "/users").await;
    let mut response = render(&UsersPage {
        chrome,
        users: rows,
        roles: Role::ALL
            .iter()
            .map(|r| (r.as_str(), r.display_name()))
            .collect(),
        orgs: orgs
            .iter()
            .map(|o| (o.code.clone(), o.name.clone()))
            .collect(),
        new_password,
        error,
    });
    *response.status_mut() = status;
    response
}

async fn users_page(State(state): State<AppState>, PageUser(auth): PageUser) -> Response {
    if let Some(r) = forbid_unless_admin(&auth) {
        return r;
    }
    users_view(&state, &auth, None, None).await
}

#[derive(Deserialize)]
struct NewUserForm {
    username: String,
    #[serde(default)]
    display_name: String,
    role: String,
    org: String,
    #[serde(default)]
    department: String,
}

async fn create_user(
    State(state): State<AppState>,
    PageUser(auth): PageUser,
    Form(form): Form<NewUserForm>,
) -> Response {
    if let Some(r) = forbid_unless_admin(&auth) {
        return r;
    }
    let role = match form.role.parse::<Role>() {
        Ok(r) => r,
        Err(e) => return users_view(&state, &auth, None, Some(e.to_string())).await,
    };
    let org = match state.store.get_org(&auth.actor, &form.org).await {
        Ok(o) => o,
        Err(e) => return users_view(&state, &auth, None, Some(e.to_string())).await,
    };
    let department = form.department.trim().to_string();
    if role.can_submit_reviews() && department.is_empty() {
        return users_view(&state, &auth, None, Some("业务送审人须填写所属部门".into())).await;
    }
    let password = match xiaobao_store::secret::random_password(14) {
        Ok(p) => p,
        Err(e) => return store_error_page(e),
    };
    let created = state
        .store
        .create_user(&NewUser {
            username: form.username.trim(),
            display_name: &form.display_name,
            role,
            org_code: &org.code,
            password: &password,
            must_change_password: true,
        })
        .await;
    let created = match created {
        Ok(user) if !department.is_empty() => state
            .store
            .set_user_department(&user.username, &department)
            .await
            .map(|()| user),
        other => other,
    };
    match created {
        Ok(user) => {
            let _ = state
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
                .await;
            users_view(&state, &auth, Some(password), None).await
        }
        Err(
            e @ (xiaobao_store::StoreError::Invalid(_) | xiaobao_store::StoreError::Conflict(_)),
        ) => users_view(&state, &auth, None, Some(e.to_string())).await,
        Err(e) => store_error_page(e),
    }
}

async fn set_disabled(
    state: AppState,
    auth: Authenticated,
    id: String,
    disabled: bool,
) -> Response {
    if let Some(r) = forbid_unless_admin(&auth) {
        return r;
    }
    let user = match state.store.get_user(&auth.actor, &id).await {
        Ok(u) => u,
        Err(e) => return store_error_page(e),
    };
    if let Err(e) = state
        .store
        .set_user_disabled(&auth.actor, &id, disabled)
        .await
    {
        return store_error_page(e);
    }
    let org_path = state
        .store
        .org_by_code(&user.org_code)
        .await
        .map(|o| o.path)
        .unwrap_or_else(|_| "/".into());
    let _ = state
        .store
        .audit(
            &auth.actor,
            AuditEvent {
                action: if disabled {
                    "user.disable"
                } else {
                    "user.enable"
                },
                target_kind: "user",
                target_id: &id,
                org_path: &org_path,
                detail: serde_json::json!({"username": user.username}),
                ip: "",
            },
        )
        .await;
    Redirect::to("/users").into_response()
}

async fn disable_user(
    State(state): State<AppState>,
    PageUser(auth): PageUser,
    Path(id): Path<String>,
) -> Response {
    set_disabled(state, auth, id, true).await
}

async fn enable_user(
    State(state): State<AppState>,
    PageUser(auth): PageUser,
    Path(id): Path<String>,
) -> Response {
    set_disabled(state, auth, id, false).await
}

async fn reset_password(
    State(state): State<AppState>,
    PageUser(auth): PageUser,
    Path(id): Path<String>,
) -> Response {
    if let Some(r) = forbid_unless_admin(&auth) {
        return r;
    }
    let user = match state.store.get_user(&auth.actor, &id).await {
        Ok(u) => u,
        Err(e) => return store_error_page(e),
    };
    let password = match xiaobao_store::secret::random_password(14) {
        Ok(p) => p,
        Err(e) => return store_error_page(e),
    };
    if let Err(e) = state
        .store
        .set_password(&user.username, &password, true)
        .await
    {
        return store_error_page(e);
    }
    let _ = state
        .store
        .audit(
            &auth.actor,
            AuditEvent {
                action: "user.reset_password",
                target_kind: "user",
                target_id: &id,
                org_path: "/",
                detail: serde_json::json!({"username": user.username}),
                ip: "",
            },
        )
        .await;
    users_view(&state, &auth, Some(password), None).await
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    chrome: Chrome,
    entries: Vec<AuditEntry>,
}

async fn audit_page(State(state): State<AppState>, PageUser(auth): PageUser) -> Response {
    let entries = match state.store.list_audit(&auth.actor, 200).await {
        Ok(e) => e,
        Err(e) => return store_error_page(e),
    };
    let chrome = Chrome::new(&state, &auth, "/audit").await;
    render(&AuditPage { chrome, entries })
}
