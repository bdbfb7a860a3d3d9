//! Authentication (session cookie or bearer token), CSRF protection, and the
//! extractors that hand handlers the current [`Actor`].
//!
//! Handlers never parse credentials themselves: the [`authenticate`]
//! middleware resolves them once per request, and the extractors either yield
//! an actor or reject — 401 JSON for the API, a redirect to the login page for
//! the UI.

use axum::body::{Body, to_bytes};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE, COOKIE, HOST, ORIGIN};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use xiaobao_domain::actor::Actor;

use crate::AppState;
use crate::error::ApiError;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "xb_session";
/// Name of the cookie that carries the login form's CSRF token before a
/// session exists (double-submit).
pub const LOGIN_CSRF_COOKIE: &str = "xb_login_csrf";
/// Header through which scripts (htmx, fetch) send the CSRF token.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// Form field through which plain HTML forms send the CSRF token.
pub const CSRF_FIELD: &str = "_csrf";

/// How the current request proved who it is.
#[derive(Debug, Clone)]
pub enum Credential {
    Session {
        cookie_value: String,
        csrf_token: String,
        must_change_password: bool,
    },
    Token,
}

/// The authenticated user of a request.
#[derive(Debug, Clone)]
pub struct Authenticated {
    pub actor: Actor,
    pub credential: Credential,
}

impl Authenticated {
    /// The CSRF token to embed in forms (empty for token-authenticated calls).
    pub fn csrf_token(&self) -> &str {
        match &self.credential {
            Credential::Session { csrf_token, .. } => csrf_token,
            Credential::Token => "",
        }
    }
}

/// Reads one cookie from the request headers.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// A `Set-Cookie` value with the flags every cookie of ours carries.
pub fn set_cookie(name: &str, value: &str, max_age: i64, secure: bool) -> String {
    format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{}",
        if secure { "; Secure" } else { "" }
    )
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// Middleware: resolves the session cookie or bearer token into an
/// [`Authenticated`] request extension. Requests without valid credentials
/// pass through unauthenticated; the extractors decide what that means.
pub async fn authenticate(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let headers = request.headers();
    let resolved = if let Some(token) = bearer(headers) {
        state.store.actor_for_token(token).await.map(|a| {
            a.map(|actor| Authenticated {
                actor,
                credential: Credential::Token,
            })
        })
    } else if let Some(cookie_value) = cookie(headers, SESSION_COOKIE) {
        state
            .store
            .session(&cookie_value, state.config.session_ttl_seconds)
            .await
            .map(|s| {
                s.map(|s| Authenticated {
                    actor: s.actor,
                    credential: Credential::Session {
                        cookie_value,
                        csrf_token: s.csrf_token,
                        must_change_password: s.must_change_password,
                    },
                })
            })
    } else {
        Ok(None)
    };
    match resolved {
        Ok(Some(auth)) => {
            request.extensions_mut().insert(auth);
        }
        Ok(None) => {}
        Err(err) => {
            tracing::error!(error = %err, "cannot resolve credentials");
            return ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "数据库暂不可用 database unavailable",
            )
            .into_response();
        }
    }
    next.run(request).await
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Middleware: every state-changing request made with a session cookie must
/// carry the session's CSRF token, as the `X-CSRF-Token` header or the `_csrf`
/// form field; and a cross-origin `Origin` header is refused outright. Bearer
/// token calls are not exposed to CSRF (browsers never add the header).
pub async fn csrf_guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if is_safe(request.method()) {
        return next.run(request).await;
    }
    if !same_origin(request.headers()) {
        return csrf_rejection("跨站请求被拒绝 cross-origin request refused");
    }
    let expected = match request.extensions().get::<Authenticated>() {
        Some(Authenticated {
            credential: Credential::Session { csrf_token, .. },
            ..
        }) => csrf_token.clone(),
        _ => return next.run(request).await,
    };
    if let Some(sent) = request
        .headers()
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
    {
        return if constant_time_eq(sent, &expected) {
            next.run(request).await
        } else {
            csrf_rejection("CSRF 令牌无效 invalid CSRF token")
        };
    }
    // File uploads (multipart) carry the token in the query string.
    let in_query = request.uri().query().and_then(|q| csrf_field(q.as_bytes()));
    if let Some(sent) = in_query {
        return if constant_time_eq(&sent, &expected) {
            next.run(request).await
        } else {
            csrf_rejection("CSRF 令牌无效 invalid CSRF token")
        };
    }
    let is_form = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return csrf_rejection("缺少 CSRF 令牌 missing CSRF token");
    }
    // Buffer the (small) form body, check its token, and hand the body on.
    let (parts, body) = request.into_parts();
    let bytes = match to_bytes(body, state.config.max_body_bytes).await {
        Ok(b) => b,
        Err(_) => {
            return ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                "请求体过大 request body too large",
            )
            .into_response();
        }
    };
    let sent = csrf_field(&bytes);
    match sent {
        Some(token) if constant_time_eq(&token, &expected) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        _ => csrf_rejection("CSRF 令牌无效或缺失，请刷新页面后重试 invalid or missing CSRF token"),
    }
}

/// The `_csrf` field of a URL-encoded form or query string.
fn csrf_field(encoded: &[u8]) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(encoded)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == CSRF_FIELD)
        .map(|(_, v)| v)
}

fn csrf_rejection(message: &str) -> Response {
    ApiError::forbidden(message).into_response()
}

/// When the browser says where the request comes from, it must be this host.
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let Some(host) = headers.get(HOST).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let origin_host = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"))
        .unwrap_or(origin);
    origin_host == host
}

/// Compares secrets without an early exit that would leak their prefix.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Extractor for API handlers: the authenticated user, or 401.
pub struct ApiUser(pub Authenticated);

impl<S: Send + Sync> FromRequestParts<S> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Authenticated>()
            .cloned()
            .map(ApiUser)
            .ok_or_else(ApiError::unauthorized)
    }
}

/// Extractor for UI pages: the authenticated user, or a redirect to the login
/// page (and to the password page while a password change is pending).
pub struct PageUser(pub Authenticated);

/// Path of the page where users change their password.
pub const PASSWORD_PAGE: &str = "/account/password";

impl<S: Send + Sync> FromRequestParts<S> for PageUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let Some(auth) = parts.extensions.get::<Authenticated>().cloned() else {
            let next = parts
                .uri
                .path_and_query()
                .map(|p| p.as_str())
                .unwrap_or("/");
            let target = format!("/login?next={}", urlencode(next));
            return Err(Redirect::to(&target).into_response());
        };
        if let Credential::Session {
            must_change_password: true,
            ..
        } = auth.credential
            && parts.uri.path() != PASSWORD_PAGE
            && parts.uri.path() != "/logout"
        {
            return Err(Redirect::to(PASSWORD_PAGE).into_response());
        }
        Ok(PageUser(auth))
    }
}

/// Percent-encodes a string for a query parameter.
pub fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)])
        .map(|encoded| encoded.trim_start_matches('=').to_string())
        .unwrap_or_default()
}

/// Only relative paths on this site are followed after login (no open
/// redirect to another site).
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
        _ => "/".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_parsed() {
        let mut h = HeaderMap::new();
        h.insert(COOKIE, "a=1; xb_session=abc; b=2".parse().unwrap());
        assert_eq!(cookie(&h, SESSION_COOKIE).as_deref(), Some("abc"));
        assert_eq!(cookie(&h, "c"), None);
    }

    #[test]
    fn next_is_local_only() {
        assert_eq!(safe_next(Some("/orgs?x=1")), "/orgs?x=1");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(None), "/");
        assert_eq!(urlencode("/a b?c=1"), "%2Fa+b%3Fc%3D1");
    }

    #[test]
    fn origin_must_match_host() {
        let mut h = HeaderMap::new();
        h.insert(HOST, "127.0.0.1:8080".parse().unwrap());
        assert!(same_origin(&h));
        h.insert(ORIGIN, "http://127.0.0.1:8080".parse().unwrap());
        assert!(same_origin(&h));
        h.insert(ORIGIN, "http://evil.example".parse().unwrap());
        assert!(!same_origin(&h));
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "ab"));
    }
}
