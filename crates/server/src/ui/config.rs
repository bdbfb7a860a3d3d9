//! The configuration page: taxonomy, SLA policy and assignment rules, edited
//! as validated JSON by consumer-protection officers and administrators.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use xiaobao_domain::role::Role;
use xiaobao_service::config::{ConfigKind, ConfigUpdateError};

use super::{Chrome, error_page, not_found_page, render, store_error_page};
use crate::AppState;
use crate::auth::{Authenticated, PageUser};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/settings/config", get(page))
        .route("/settings/config/{kind}", post(save))
}

struct Doc {
    key: &'static str,
    label: &'static str,
    json: String,
}

#[derive(Template)]
#[template(path = "config.html")]
struct ConfigPage {
    chrome: Chrome,
    docs: Vec<Doc>,
    saved: Option<String>,
    error: Option<String>,
}

fn allowed(auth: &Authenticated) -> bool {
    matches!(auth.actor.role, Role::CpOfficer | Role::Admin)
}

async fn view(
    state: &AppState,
    auth: &Authenticated,
    saved: Option<String>,
    error: Option<(ConfigKind, String, String)>,
) -> Response {
    let chrome = Chrome::new(state, auth, "/settings/config").await;
    let docs = ConfigKind::ALL
        .into_iter()
        .map(|k| Doc {
            key: k.key(),
            label: k.label_zh(),
            json: match &error {
                Some((kind, _, text)) if *kind == k => text.clone(),
                _ => state.services.config_json(k),
            },
        })
        .collect();
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let mut r = render(&ConfigPage {
        chrome,
        docs,
        saved,
        error: error.map(|e| e.1),
    });
    *r.status_mut() = status;
    r
}

async fn page(State(state): State<AppState>, PageUser(auth): PageUser) -> Response {
    if !allowed(&auth) {
        return error_page(
            StatusCode::FORBIDDEN,
            "无权访问",
            "仅消保管理员和系统管理员可以修改业务配置。",
        );
    }
    view(&state, &auth, None, None).await
}

#[derive(Deserialize)]
struct SaveForm {
    json: String,
    #[serde(default)]
    reason: String,
}

async fn save(
    State(state): State<AppState>,
    PageUser(auth): PageUser,
    Path(kind): Path<String>,
    Form(form): Form<SaveForm>,
) -> Response {
    let Some(kind) = ConfigKind::parse(&kind) else {
        return not_found_page();
    };
    match state
        .services
        .update_config(&auth.actor, kind, &form.json, &form.reason)
        .await
    {
        Ok(()) => {
            view(
                &state,
                &auth,
                Some(format!("已保存「{}」。", kind.label_zh())),
                None,
            )
            .await
        }
        Err(ConfigUpdateError::Forbidden) => error_page(
            StatusCode::FORBIDDEN,
            "无权操作",
            "仅消保管理员和系统管理员可以修改业务配置。",
        ),
        Err(ConfigUpdateError::Store(e)) => store_error_page(e),
        Err(e) => view(&state, &auth, None, Some((kind, e.to_string(), form.json))).await,
    }
}
