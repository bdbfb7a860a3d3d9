//! The web UI: server-rendered Simplified Chinese pages (askama templates),
//! enhanced with htmx. Every page handler takes a [`PageUser`], so an anonymous
//! visitor is sent to the login page before any data is read.

mod account;
mod admin;
mod alerts;
mod analysis;
mod complaints;
mod config;
mod home;
mod kb;
mod reviews;

use askama::Template;
use axum::Router;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use xiaobao_domain::role::Role;

use crate::AppState;
use crate::auth::Authenticated;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(account::router())
        .merge(home::router())
        .merge(admin::router())
        .merge(complaints::router())
        .merge(config::router())
        .merge(kb::router())
        .merge(analysis::router())
        .merge(alerts::router())
        .merge(reviews::router())
}

/// One entry of the side navigation.
pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub active: bool,
}

/// What the page frame (side navigation, top bar) needs.
pub struct Chrome {
    pub user_id: String,
    pub user_name: String,
    pub role_name: &'static str,
    pub org_name: String,
    pub bank_name: String,
    pub csrf: String,
    pub nav: Vec<NavItem>,
    pub flash: Option<String>,
}

/// The menu, filtered by role: a user sees only what they may open.
fn nav_for(role: Role, active: &str) -> Vec<NavItem> {
    let mut items: Vec<(&'static str, &'static str)> = if role.can_submit_reviews() {
        // Business departments submit material for review; complaints and
        // statistics are outside their data scope.
        vec![
            ("/", "工作台"),
            ("/reviews", "消保审查"),
            ("/kb", "禁语知识库"),
        ]
    } else {
        vec![
            ("/", "工作台"),
            ("/complaints", "投诉管理"),
            ("/analysis", "智能分析"),
            ("/alerts", "预警中心"),
            ("/kb", "禁语知识库"),
            ("/orgs", "机构管理"),
        ]
    };
    if role.sees_all_reviews() {
        items.insert(4, ("/reviews", "消保审查"));
    }
    if role.can_administer() {
        items.push(("/users", "用户管理"));
    }
    if matches!(role, Role::Admin | Role::CpOfficer) {
        items.push(("/settings/config", "业务配置"));
    }
    if matches!(role, Role::Admin | Role::Auditor) {
        items.push(("/audit", "审计日志"));
    }
    items
        .into_iter()
        .map(|(href, label)| NavItem {
            href,
            label,
            active: href == active,
        })
        .collect()
}

impl Chrome {
    pub async fn new(state: &AppState, auth: &Authenticated, active: &str) -> Chrome {
        let org_name = state
            .store
            .org_by_code(&auth.actor.org_code)
            .await
            .map(|o| o.name)
            .unwrap_or_else(|_| auth.actor.org_code.clone());
        let bank_name = state
            .store
            .root_org()
            .await
            .ok()
            .flatten()
            .map(|o| o.name)
            .unwrap_or_default();
        Chrome {
            user_id: auth.actor.user_id.clone(),
            user_name: auth.actor.display_name.clone(),
            role_name: auth.actor.role.display_name(),
            org_name,
            bank_name,
            csrf: auth.csrf_token().to_string(),
            nav: nav_for(auth.actor.role, active),
            flash: None,
        }
    }
}

/// Renders a template into a response; a rendering failure becomes a 500 page.
pub fn render(template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => Html(html).into_response(),
        Err(err) => {
            tracing::error!(error = %err, "template rendering failed");
            error_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "服务器错误",
                "页面生成失败，请联系系统管理员。",
            )
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    title: &'a str,
    message: &'a str,
}

/// A full-page error with the given status.
pub fn error_page(status: StatusCode, title: &str, message: &str) -> Response {
    let html = ErrorPage { title, message }
        .render()
        .unwrap_or_else(|_| format!("{title}: {message}"));
    (status, Html(html)).into_response()
}

pub fn not_found_page() -> Response {
    error_page(
        StatusCode::NOT_FOUND,
        "页面不存在",
        "您访问的页面不存在，或不在您的数据范围内。",
    )
}

/// Maps a storage error to an error page with the matching status.
pub fn store_error_page(err: xiaobao_store::StoreError) -> Response {
    use xiaobao_store::StoreError as E;
    match err {
        E::NotFound(_) => not_found_page(),
        E::Forbidden(m) => error_page(StatusCode::FORBIDDEN, "无权操作", &m),
        E::Invalid(m) => error_page(StatusCode::UNPROCESSABLE_ENTITY, "输入有误", &m),
        E::Conflict(m) => error_page(StatusCode::CONFLICT, "操作冲突", &m),
        other => {
            tracing::error!(error = %other, "storage error");
            error_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "服务器错误",
                "数据库操作失败，请稍后重试或联系系统管理员。",
            )
        }
    }
}

/// The fields of a multipart form, by name (a repeated name keeps the last).
/// Errors come with the status to answer and a Chinese message.
pub async fn read_multipart(
    mut multipart: axum::extract::Multipart,
) -> Result<std::collections::HashMap<String, Vec<u8>>, (StatusCode, String)> {
    let mut fields = std::collections::HashMap::new();
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_string();
                match field.bytes().await {
                    Ok(b) => {
                        fields.insert(name, b.to_vec());
                    }
                    Err(e) => return Err((e.status(), format!("上传失败：{e}"))),
                }
            }
            Ok(None) => return Ok(fields),
            Err(e) => return Err((e.status(), format!("上传失败：{e}"))),
        }
    }
}
