//! An in-process HTTP client over the real router (no sockets), with a cookie
//! jar, for API and page tests on both backends.

#![allow(dead_code)]

use std::collections::HashMap;
use std::net::SocketAddr;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::connect_info::MockConnectInfo;
use axum::http::{Request, StatusCode, header};
use tower::ServiceExt;
use xiaobao_server::{AppState, ServerConfig};
use xiaobao_store::Store;

pub struct Client {
    app: Router,
    cookies: HashMap<String, String>,
}

pub struct Reply {
    pub raw: Vec<u8>,
    pub status: StatusCode,
    pub location: Option<String>,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// The error code of an API error body.
    pub fn error_code(&self) -> String {
        self.json()["error"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }
}

pub fn config() -> ServerConfig {
    ServerConfig {
        max_body_bytes: 64 * 1024,
        ..ServerConfig::default()
    }
}

/// The use cases over `store`, with a fresh random key ring.
pub fn services(store: Store) -> xiaobao_service::Services {
    let keys = xiaobao_pii::KeyRing::generate().expect("key ring");
    let pii = xiaobao_pii::Pii::new(keys, xiaobao_pii::MaskPolicy::default());
    xiaobao_service::Services::new(store, pii).expect("services")
}

impl Client {
    pub fn new(store: Store) -> Client {
        Client::with_config(store, config())
    }

    /// A client over an app with the given settings (larger uploads, …).
    pub fn with_config(store: Store, config: ServerConfig) -> Client {
        let app = xiaobao_server::app(AppState::new(services(store), config))
            .layer(MockConnectInfo(SocketAddr::from(([10, 1, 2, 3], 5555))));
        Client {
            app,
            cookies: HashMap::new(),
        }
    }

    /// Another client on the same app with its own (empty) cookie jar.
    pub fn fresh(&self) -> Client {
        Client {
            app: self.app.clone(),
            cookies: HashMap::new(),
        }
    }

    pub async fn send(&mut self, mut req: Request<Body>) -> Reply {
        if !self.cookies.is_empty() {
            let jar = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; ");
            req.headers_mut()
                .insert(header::COOKIE, jar.parse().unwrap());
        }
        let resp = self.app.clone().oneshot(req).await.unwrap();
        for c in resp.headers().get_all(header::SET_COOKIE) {
            let c = c.to_str().unwrap();
            let (kv, _) = c.split_once(';').unwrap_or((c, ""));
            let (k, v) = kv.split_once('=').unwrap();
            if v.is_empty() {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_string(), v.to_string());
            }
        }
        let status = resp.status();
        let location = resp
            .headers()
            .get(header::LOCATION)
            .map(|v| v.to_str().unwrap().to_string());
        let bytes = to_bytes(resp.into_body(), usize::MAX).await.unwrap();
        Reply {
            status,
            location,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            raw: bytes.to_vec(),
        }
    }

    pub async fn get(&mut self, path: &str) -> Reply {
        self.send(Request::get(path).body(Body::empty()).unwrap())
            .await
    }

    pub async fn get_with_token(&mut self, path: &str, token: &str) -> Reply {
        self.send(
            Request::get(path)
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await
    }

    pub async fn post_json_with_token(&mut self, path: &str, token: &str, body: &str) -> Reply {
        self.send(
            Request::post(path)
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string()))
                .unwrap(),
        )
        .await
    }

    /// A JSON request with any method (PUT, DELETE …) and a bearer token.
    pub async fn send_json_with_token(
        &mut self,
        method: &str,
        path: &str,
        token: &str,
        body: &str,
    ) -> Reply {
        self.send(
            Request::builder()
                .method(method)
                .uri(path)
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string()))
                .unwrap(),
        )
        .await
    }

    /// A raw body POSTed with a bearer token (file uploads).
    pub async fn post_bytes_with_token(&mut self, path: &str, token: &str, body: Vec<u8>) -> Reply {
        self.send(
            Request::post(path)
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .header(header::CONTENT_TYPE, "application/octet-stream")
                .body(Body::from(body))
                .unwrap(),
        )
        .await
    }

    pub async fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let body = serde_urlencoded::to_string(fields).unwrap();
        self.send(
            Request::post(path)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body))
                .unwrap(),
        )
        .await
    }

    /// Logs in through the login page; returns the session's CSRF token.
    pub async fn login(&mut self, username: &str, password: &str) -> String {
        let page = self.get("/login").await;
        assert_eq!(page.status, StatusCode::OK);
        let csrf = hidden_field(&page.body, "_csrf").expect("login form has a CSRF field");
        let reply = self
            .post_form(
                "/login",
                &[
                    ("_csrf", &csrf),
                    ("username", username),
                    ("password", password),
                    ("next", "/"),
                ],
            )
            .await;
        assert_eq!(
            reply.status,
            StatusCode::SEE_OTHER,
            "login failed: {}",
            reply.body
        );
        let home = self.get("/").await;
        assert_eq!(home.status, StatusCode::OK);
        meta_csrf(&home.body).expect("pages carry the CSRF token")
    }
}

/// The value of `<input type="hidden" name=NAME value=…>` in a page.
pub fn hidden_field(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_string())
}

fn meta_csrf(html: &str) -> Option<String> {
    let marker = "name=\"csrf-token\" content=\"";
    let start = html.find(marker)? + marker.len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_string())
}

/// Seeds the demo bank and returns each account's password by username.
pub async fn demo(store: &Store) -> HashMap<String, String> {
    xiaobao_demo::seed(store)
        .await
        .unwrap()
        .unwrap()
        .into_iter()
        .map(|a| (a.username, a.password))
        .collect()
}

/// A Word document whose paragraphs are `paragraphs`: the smallest package
/// Word and the document reader accept (content types, relationships, body).
pub fn docx(paragraphs: &[&str]) -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    let body: String = paragraphs
        .iter()
        .map(|p| format!("<w:p><w:r><w:t xml:space=\"preserve\">{p}</w:t></w:r></w:p>"))
        .collect();
    let files = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#.to_string(),
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#.to_string(),
        ),
        (
            "word/document.xml",
            format!(r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#),
        ),
    ];
    for (name, content) in files {
        zip.start_file(name, options).unwrap();
        zip.write_all(content.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// A fixture file of the document reader's tests.
pub fn document_fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../documents/tests/fixtures")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}
