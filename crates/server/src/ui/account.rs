//! Login, logout and password change.

use std::net::SocketAddr;

use askama::Template;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::header::{SET_COOKIE, USER_AGENT};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use xiaobao_store::audit::AuditEvent;
use xiaobao_store::throttle::ThrottlePolicy;

use super::{Chrome, render, store_error_page};
use crate::AppState;
use crate::auth::{
    Authenticated, Credential, LOGIN_CSRF_COOKIE, PASSWORD_PAGE, PageUser, SESSION_COOKIE,
    constant_time_eq, cookie, safe_next, set_cookie,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
        .route(PASSWORD_PAGE, get(password_page).post(change_password))
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    csrf: String,
    next: String,
    username: String,
    error: Option<String>,
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
}

async fn login_page(State(state): State<AppState>, Query(q): Query<NextQuery>) -> Response {
    login_form(
        &state,
        safe_next(q.next.as_deref()),
        String::new(),
        None,
        StatusCode::OK,
    )
}

/// Renders the login form with a fresh double-submit CSRF token.
fn login_form(
    state: &AppState,
    next: String,
    username: String,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let csrf = match xiaobao_store::secret::random_hex(16) {
        Ok(t) => t,
        Err(e) => return store_error_page(e),
    };
    let cookie = set_cookie(LOGIN_CSRF_COOKIE, &csrf, 3600, state.config.secure_cookies);
    let mut response = render(&LoginPage {
        csrf,
        next,
        username,
        error,
    });
    *response.status_mut() = status;
    if let Ok(v) = cookie.parse() {
        response.headers_mut().append(SET_COOKIE, v);
    }
    response
}

#[derive(Deserialize)]
struct LoginForm {
    username: String,
    password: String,
    #[serde(default)]
    next: Option<String>,
    #[serde(rename = "_csrf", default)]
    csrf: String,
}

async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    let next = safe_next(form.next.as_deref());
    let username = form.username.trim().to_string();
    let ip = peer.ip().to_string();
    let expected = cookie(&headers, LOGIN_CSRF_COOKIE).unwrap_or_default();
    if expected.is_empty() || !constant_time_eq(&expected, &form.csrf) {
        return login_form(
            &state,
            next,
            username,
            Some("页面已过期，请重新登录。".into()),
            StatusCode::FORBIDDEN,
        );
    }
    let policy = ThrottlePolicy::default();
    match state.store.login_blocked(&username, &ip, policy).await {
        Ok(true) => {
            return login_form(
                &state,
                next,
                username,
                Some(format!(
                    "登录失败次数过多，请 {} 分钟后再试或联系系统管理员。",
                    policy.window_seconds / 60
                )),
                StatusCode::TOO_MANY_REQUESTS,
            );
        }
        Ok(false) => {}
        Err(e) => return store_error_page(e),
    }
    let actor = match state.store.authenticate(&username, &form.password).await {
        Ok(a) => a,
        Err(e) => return store_error_page(e),
    };
    if let Err(e) = state
        .store
        .record_login_attempt(&username, &ip, actor.is_some())
        .await
    {
        return store_error_page(e);
    }
    let Some(actor) = actor else {
        tracing::info!(ip = %ip, "login failed");
        return login_form(
            &state,
            next,
            username,
            Some("用户名或密码错误。".into()),
            StatusCode::UNAUTHORIZED,
        );
    };
    let user_agent = headers
        .get(USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let session = match state
        .store
        .create_session(
            &actor.user_id,
            state.config.session_ttl_seconds,
            &ip,
            user_agent,
        )
        .await
    {
        Ok(s) => s,
        Err(e) => return store_error_page(e),
    };
    let _ = state.store.clear_login_failures(&username).await;
    let _ = state
        .store
        .audit(
            &actor,
            AuditEvent {
                action: "login",
                target_kind: "user",
                target_id: &actor.user_id,
                org_path: &actor.org_path,
                detail: serde_json::json!({}),
                ip: &ip,
            },
        )
        .await;
    let mut response = Redirect::to(&next).into_response();
    let secure = state.config.secure_cookies;
    for c in [
        set_cookie(
            SESSION_COOKIE,
            &session.cookie_value,
            state.config.session_ttl_seconds,
            secure,
        ),
        set_cookie(LOGIN_CSRF_COOKIE, "", 0, secure),
    ] {
        if let Ok(v) = c.parse() {
            response.headers_mut().append(SET_COOKIE, v);
        }
    }
    response
}

async fn logout(
    State(state): State<AppState>,
    auth: Option<axum::Extension<Authenticated>>,
) -> Response {
    if let Some(axum::Extension(Authenticated {
        credential: Credential::Session { cookie_value, .. },
        ..
    })) = auth
    {
        let _ = state.store.delete_session(&cookie_value).await;
    }
    let mut response = Redirect::to("/login").into_response();
    if let Ok(v) = set_cookie(SESSION_COOKIE, "", 0, state.config.secure_cookies).parse() {
        response.headers_mut().append(SET_COOKIE, v);
    }
    response
}

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    chrome: Chrome,
    forced: bool,
    error: Option<String>,
}

fn forced(auth: &Authenticated) -> bool {
    matches!(
        auth.credential,
        Credential::Session {
            must_change_password: true,
            ..
        }
    )
}

async fn password_page(State(state): State<AppState>, PageUser(auth): PageUser) -> Response {
    let chrome = Chrome::new(&state, &auth, PASSWORD_PAGE).await;
    render(&PasswordPage {
        forced: forced(&auth),
        chrome,
        error: None,
    })
}

#[derive(Deserialize)]
struct PasswordForm {
    current: String,
    new: String,
    confirm: String,
}

async fn change_password(
    State(state): State<AppState>,
    PageUser(auth): PageUser,
    Form(form): Form<PasswordForm>,
) -> Response {
    let error = if form.new != form.confirm {
        Some("两次输入的新密码不一致。".to_string())
    } else if form.new == form.current {
        Some("新密码不能与当前密码相同。".to_string())
    } else {
        match state
            .store
            .authenticate(&auth.actor.username, &form.current)
            .await
        {
            Ok(Some(_)) => match state
                .store
                .set_password(&auth.actor.username, &form.new, false)
                .await
            {
                Ok(()) => None,
                Err(xiaobao_store::StoreError::Invalid(m)) => Some(m),
                Err(e) => return store_error_page(e),
            },
            Ok(None) => Some("当前密码不正确。".to_string()),
            Err(e) => return store_error_page(e),
        }
    };
    if let Some(error) = error {
        let chrome = Chrome::new(&state, &auth, PASSWORD_PAGE).await;
        let mut r = render(&PasswordPage {
            forced: forced(&auth),
            chrome,
            error: Some(error),
        });
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return r;
    }
    let _ = state
        .store
        .audit(
            &auth.actor,
            AuditEvent {
                action: "password.change",
                target_kind: "user",
                target_id: &auth.actor.user_id,
                org_path: &auth.actor.org_path,
                detail: serde_json::json!({}),
                ip: "",
            },
        )
        .await;
    Redirect::to("/").into_response()
}
