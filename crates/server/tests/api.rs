//! The API and pages over the real router, on SQLite and PostgreSQL: errors
//! and status codes, authentication, CSRF, data scope, operations endpoints.

mod common;

use axum::http::StatusCode;
use common::{Client, demo};
use xiaobao_store::Store;

xiaobao_testkit::backend_tests!(
    errors_use_the_documented_shape_and_status,
    branch_user_cannot_reach_another_branch,
    login_session_csrf_and_logout,
    login_is_throttled,
    administrator_creates_user_through_the_ui,
    operations_endpoints_answer,
    forced_password_change,
);

async fn errors_use_the_documented_shape_and_status(store: Store) {
    let _ = demo(&store).await;
    let token = store.create_token("admin", "t").await.unwrap();
    let mut c = Client::new(store);

    let r = c.get("/api/v1/orgs").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.error_code(), "unauthorized");
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("未登录")
    );

    let r = c.get_with_token("/api/v1/no-such-thing", &token).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.error_code(), "not_found");

    let r = c
        .post_json_with_token("/api/v1/users", &token, "{not json")
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert_eq!(r.error_code(), "bad_request");

    let r = c
        .send(
            axum::http::Request::post("/api/v1/users")
                .header("authorization", format!("Bearer {token}"))
                .header("content-type", "text/plain")
                .body(axum::body::Body::from("{}"))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(r.error_code(), "unsupported_media_type");

    let r = c
        .post_json_with_token(
            "/api/v1/users",
            &token,
            r#"{"username":"x1","role":"boss","password":"long enough pw"}"#,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.error_code(), "validation_failed");
    assert!(
        r.json()["error"]["details"]["allowed"]
            .as_array()
            .unwrap()
            .len()
            == xiaobao_domain::role::Role::ALL.len()
    );

    let r = c
        .post_json_with_token("/api/v1/users", &token, r#"{"username":"x1"}"#)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);

    let r = c
        .post_json_with_token(
            "/api/v1/users",
            &token,
            r#"{"username":"new.handler","role":"handler","org":"WZ","password":"long enough pw"}"#,
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["org"], "WZ");
    assert_eq!(r.json()["must_change_password"], true);
    let r = c
        .post_json_with_token(
            "/api/v1/users",
            &token,
            r#"{"username":"new.handler","role":"handler","password":"long enough pw"}"#,
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.error_code(), "conflict");

    let huge = format!(r#"{{"username":"{}"}}"#, "x".repeat(100 * 1024));
    let r = c.post_json_with_token("/api/v1/users", &token, &huge).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(r.error_code(), "payload_too_large");

    let r = c.get_with_token("/api/v1/audit?limit=abc", &token).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = c.get_with_token("/api/v1/audit", &token).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("user.create"));
}

async fn branch_user_cannot_reach_another_branch(store: Store) {
    let _ = demo(&store).await;
    let hz = store.create_token("handler_hz", "t").await.unwrap();
    let admin = store.create_token("admin", "t").await.unwrap();
    let mut c = Client::new(store.clone());

    let orgs = c.get_with_token("/api/v1/orgs", &hz).await.json();
    let codes: Vec<_> = orgs
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["code"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(codes, ["HZ", "HZ01", "HZ02", "HZ03", "HZ04"]);
    assert_eq!(
        c.get_with_token("/api/v1/orgs/HZ02", &hz).await.status,
        StatusCode::OK
    );
    for other in ["NB", "NB01", "HO", "VB_AJ", "WZ04"] {
        let r = c
            .get_with_token(&format!("/api/v1/orgs/{other}"), &hz)
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{other} must look absent");
    }
    // An existing org outside scope and a non-existent one answer identically.
    let outside = c.get_with_token("/api/v1/orgs/NB01", &hz).await;
    let missing = c.get_with_token("/api/v1/orgs/NOPE", &hz).await;
    assert_eq!(outside.status, missing.status);
    assert_eq!(outside.error_code(), missing.error_code());

    // Account administration and the audit log are closed to handlers.
    assert_eq!(
        c.get_with_token("/api/v1/users", &hz).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        c.get_with_token("/api/v1/audit", &hz).await.status,
        StatusCode::FORBIDDEN
    );
    let nb_user = store.user_by_username("handler_nb").await.unwrap();
    assert_eq!(
        c.get_with_token(&format!("/api/v1/users/{}", nb_user.id), &hz)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        c.get_with_token(&format!("/api/v1/users/{}", nb_user.id), &admin)
            .await
            .status,
        StatusCode::OK
    );
    let me = c.get_with_token("/api/v1/me", &hz).await.json();
    assert_eq!(me["scope"], "/HO/HZ/");
    assert_eq!(me["role_name"], "投诉处理员");

    // The same through the pages.
    let passwords = demo_passwords_for(&store, "handler_hz").await;
    let mut browser = c.fresh();
    browser.login("handler_hz", &passwords).await;
    let page = browser.get("/orgs").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("杭州滨江支行"));
    assert!(
        !page.body.contains("宁波"),
        "another branch leaked into the org page"
    );
    assert_eq!(browser.get("/users").await.status, StatusCode::FORBIDDEN);
    assert_eq!(browser.get("/audit").await.status, StatusCode::FORBIDDEN);
    let r = browser
        .post_form(&format!("/users/{}/disable", nb_user.id), &[])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        store.user_by_username("handler_nb").await.unwrap().disabled,
        0
    );
}

/// Sets a known password for a demo user (the demo's are random).
async fn demo_passwords_for(store: &Store, username: &str) -> String {
    let pw = "known password 1";
    store.set_password(username, pw, false).await.unwrap();
    pw.to_string()
}

async fn login_session_csrf_and_logout(store: Store) {
    let passwords = demo(&store).await;
    let mut c = Client::new(store.clone());
    let r = c.get("/").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location.as_deref(), Some("/login?next=%2F"));

    // A login post without the form's token is refused.
    let r = c
        .post_form(
            "/login",
            &[("username", "admin"), ("password", &passwords["admin"])],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    let csrf = c.login("admin", &passwords["admin"]).await;
    let home = c.get("/").await;
    assert!(home.body.contains("工作台"));
    assert!(home.body.contains("江南示范银行总行"));

    // State-changing requests with the session need the token.
    let target = store.user_by_username("viewer").await.unwrap();
    let path = format!("/users/{}/disable", target.id);
    let r = c.post_form(&path, &[]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = c.post_form(&path, &[("_csrf", "forged")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(store.user_by_username("viewer").await.unwrap().disabled, 0);
    let r = c.post_form(&path, &[("_csrf", &csrf)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(store.user_by_username("viewer").await.unwrap().disabled, 1);

    // A cross-origin post is refused even with the token.
    let r = c
        .send(
            axum::http::Request::post(format!("/users/{}/enable", target.id))
                .header("content-type", "application/x-www-form-urlencoded")
                .header("origin", "http://evil.example")
                .header("host", "127.0.0.1:8080")
                .body(axum::body::Body::from(format!("_csrf={csrf}")))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    let r = c.post_form("/logout", &[("_csrf", &csrf)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(c.get("/").await.status, StatusCode::SEE_OTHER);
}

async fn login_is_throttled(store: Store) {
    let passwords = demo(&store).await;
    let mut c = Client::new(store);
    for _ in 0..5 {
        let page = c.get("/login").await;
        let csrf = common::hidden_field(&page.body, "_csrf").unwrap();
        let r = c
            .post_form(
                "/login",
                &[
                    ("_csrf", &csrf),
                    ("username", "auditor"),
                    ("password", "wrong password"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert!(r.body.contains("用户名或密码错误"));
    }
    let page = c.get("/login").await;
    let csrf = common::hidden_field(&page.body, "_csrf").unwrap();
    let r = c
        .post_form(
            "/login",
            &[
                ("_csrf", &csrf),
                ("username", "auditor"),
                ("password", &passwords["auditor"]),
            ],
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::TOO_MANY_REQUESTS,
        "the right password must wait too"
    );
    assert!(r.body.contains("登录失败次数过多"));
}

async fn administrator_creates_user_through_the_ui(store: Store) {
    let passwords = demo(&store).await;
    let mut c = Client::new(store.clone());
    let csrf = c.login("admin", &passwords["admin"]).await;
    let r = c
        .post_form(
            "/users",
            &[
                ("_csrf", &csrf),
                ("username", "wz.handler"),
                ("display_name", "赵敏"),
                ("role", "handler"),
                ("org", "WZ01"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("初始密码"));
    let pw_marker = "class=\"secret\">";
    let start = r.body.find(pw_marker).unwrap() + pw_marker.len();
    let password = &r.body[start..start + 14];
    let created = store.user_by_username("wz.handler").await.unwrap();
    assert_eq!(created.org_code, "WZ01");
    assert_eq!(created.must_change_password, 1);
    assert!(
        store
            .authenticate("wz.handler", password)
            .await
            .unwrap()
            .is_some()
    );

    let r = c
        .post_form(
            "/users",
            &[
                ("_csrf", &csrf),
                ("username", "wz.handler"),
                ("role", "handler"),
                ("org", "WZ01"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("已存在"));
    let audit = c.get("/audit").await;
    assert!(audit.body.contains("user.create"));
}

async fn operations_endpoints_answer(store: Store) {
    let mut c = Client::new(store);
    assert_eq!(c.get("/healthz").await.status, StatusCode::OK);
    assert_eq!(c.get("/readyz").await.body, "ready\n");
    let _ = c.get("/api/v1/orgs").await;
    let m = c.get("/metrics").await;
    assert!(m.body.contains(
        "xiaobao_http_requests_total{method=\"GET\",route=\"/api/v1/orgs\",status=\"401\"} 1"
    ));
    assert!(
        m.body
            .contains("xiaobao_db_pool_connections{state=\"open\"}")
    );
    let doc = c.get("/api/v1/openapi.json").await.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/api/v1/orgs",
        "/api/v1/orgs/{code}",
        "/api/v1/users",
        "/api/v1/me",
        "/api/v1/audit",
    ] {
        assert!(
            doc["paths"][path].is_object(),
            "{path} missing from OpenAPI"
        );
    }
    let css = c.get("/assets/app.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert_eq!(
        c.get("/assets/vendor/htmx.min.js").await.status,
        StatusCode::OK
    );
    assert_eq!(c.get("/assets/nope.js").await.status, StatusCode::NOT_FOUND);
}

async fn forced_password_change(store: Store) {
    let _ = demo(&store).await;
    store
        .set_password("reviewer", "handed out pw", true)
        .await
        .unwrap();
    let mut c = Client::new(store.clone());
    let page = c.get("/login").await;
    let csrf = common::hidden_field(&page.body, "_csrf").unwrap();
    let r = c
        .post_form(
            "/login",
            &[
                ("_csrf", &csrf),
                ("username", "reviewer"),
                ("password", "handed out pw"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = c.get("/orgs").await;
    assert_eq!(r.location.as_deref(), Some("/account/password"));
    let page = c.get("/account/password").await;
    let csrf = common::hidden_field(&page.body, "_csrf").unwrap();
    let r = c
        .post_form(
            "/account/password",
            &[
                ("_csrf", &csrf),
                ("current", "handed out pw"),
                ("new", "my own password"),
                ("confirm", "other password"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("不一致"));
    let r = c
        .post_form(
            "/account/password",
            &[
                ("_csrf", &csrf),
                ("current", "handed out pw"),
                ("new", "my own password"),
                ("confirm", "my own password"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(c.get("/orgs").await.status, StatusCode::OK);
    assert!(
        store
            .authenticate("reviewer", "my own password")
            .await
            .unwrap()
            .is_some()
    );
}
