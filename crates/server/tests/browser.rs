//! A real browser: headless Chromium, driven through ChromeDriver, logs in
//! through the login page of a running server and sees the home screen.
//!
//! Needs Debian's `chromium` and `chromium-driver` (scripts/test installs
//! them). Screenshots land in `target/screenshots/` for people to look at.

mod common;

use std::net::TcpListener as StdListener;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    StdListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

/// Starts ChromeDriver and returns a browser session on it.
async fn browser() -> (fantoccini::Client, Driver, tempfile::TempDir) {
    let driver_bin =
        std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
    let chrome_bin = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(
        std::path::Path::new(&driver_bin).exists() && std::path::Path::new(&chrome_bin).exists(),
        "browser tests need {chrome_bin} and {driver_bin} (apt-get install chromium chromium-driver; scripts/test does this)"
    );
    let port = free_port();
    let driver = Driver(
        Command::new(&driver_bin)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver"),
    );
    let profile = tempfile::tempdir().expect("profile dir");
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": chrome_bin,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--window-size=1366,900",
                format!("--user-data-dir={}", profile.path().display()),
            ]
        }),
    );
    let url = format!("http://127.0.0.1:{port}");
    let mut last_err = None;
    for _ in 0..50 {
        match ClientBuilder::new(HttpConnector::new())
            .capabilities(caps.clone())
            .connect(&url)
            .await
        {
            Ok(client) => return (client, driver, profile),
            Err(e) => {
                last_err = Some(e);
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    }
    panic!("cannot start a browser session: {last_err:?}");
}

/// Starts the server on a free port with the demo bank; returns its base URL
/// and the demo passwords.
async fn server() -> (
    String,
    std::collections::HashMap<String, String>,
    xiaobao_testkit::TestDb,
) {
    let db = xiaobao_testkit::TestDb::sqlite().await;
    let passwords = common::demo(&db.store).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let store = db.store.clone();
    tokio::spawn(async move {
        xiaobao_server::serve_on(
            listener,
            common::services(store),
            common::config(),
            std::future::pending(),
        )
        .await
    });
    (format!("http://{addr}"), passwords, db)
}

async fn screenshot(client: &fantoccini::Client, name: &str) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
    if std::fs::create_dir_all(&dir).is_ok()
        && let Ok(png) = client.screenshot().await
    {
        let _ = std::fs::write(dir.join(format!("{name}.png")), png);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_browser_login_reaches_home_screen() {
    let (base, passwords, _db) = server().await;
    let (client, _driver, _profile) = browser().await;

    client.goto(&format!("{base}/")).await.unwrap();
    // Anonymous visitors land on the login page.
    let url = client.current_url().await.unwrap();
    assert_eq!(url.path(), "/login", "expected the login page, got {url}");
    assert!(client.title().await.unwrap().contains("登录"));
    screenshot(&client, "login").await;

    // A wrong password keeps the visitor out, with a Chinese message.
    client
        .find(Locator::Css("input[name=username]"))
        .await
        .unwrap()
        .send_keys("cp_officer")
        .await
        .unwrap();
    client
        .find(Locator::Css("input[name=password]"))
        .await
        .unwrap()
        .send_keys("not the password")
        .await
        .unwrap();
    client
        .find(Locator::Css("button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let err = client
        .wait()
        .for_element(Locator::Css(".error"))
        .await
        .unwrap();
    assert!(err.text().await.unwrap().contains("用户名或密码错误"));

    let user = client
        .find(Locator::Css("input[name=username]"))
        .await
        .unwrap();
    user.clear().await.unwrap();
    user.send_keys("cp_officer").await.unwrap();
    client
        .find(Locator::Css("input[name=password]"))
        .await
        .unwrap()
        .send_keys(&passwords["cp_officer"])
        .await
        .unwrap();
    client
        .find(Locator::Css("button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();

    let who = client
        .wait()
        .for_element(Locator::Id("current-user"))
        .await
        .unwrap();
    assert_eq!(who.text().await.unwrap(), "陈晓敏");
    assert!(client.title().await.unwrap().contains("工作台"));
    let body = client
        .find(Locator::Css("main"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(body.contains("可见机构"), "home screen content: {body}");
    assert!(
        body.contains("29"),
        "a head-office officer sees all 29 organisations: {body}"
    );
    screenshot(&client, "home").await;

    // Navigation works and the organisation tree shows the village banks.
    client
        .find(Locator::LinkText("机构管理"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let table = client
        .wait()
        .for_element(Locator::Css("table.tree"))
        .await
        .unwrap();
    assert!(table.text().await.unwrap().contains("安吉江南村镇银行"));
    screenshot(&client, "orgs").await;

    // Logging out ends the session.
    client
        .find(Locator::Css("form[action='/logout'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    client
        .wait()
        .for_element(Locator::Css("input[name=username]"))
        .await
        .unwrap();
    client.goto(&format!("{base}/orgs")).await.unwrap();
    assert_eq!(client.current_url().await.unwrap().path(), "/login");
    client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_browser_files_a_complaint_and_finds_it_in_the_list() {
    let (base, passwords, _db) = server().await;
    let (client, _driver, _profile) = browser().await;
    client.goto(&format!("{base}/login")).await.unwrap();
    client
        .find(Locator::Css("input[name=username]"))
        .await
        .unwrap()
        .send_keys("handler_hz")
        .await
        .unwrap();
    client
        .find(Locator::Css("input[name=password]"))
        .await
        .unwrap()
        .send_keys(&passwords["handler_hz"])
        .await
        .unwrap();
    client
        .find(Locator::Css("button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    client
        .wait()
        .for_element(Locator::Id("current-user"))
        .await
        .unwrap();

    client
        .find(Locator::LinkText("投诉管理"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    client
        .wait()
        .for_element(Locator::LinkText("登记投诉"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let form = client
        .wait()
        .for_element(Locator::Id("intake-form"))
        .await
        .unwrap();
    for (name, label) in [
        ("channel", "移动客户端"),
        ("business_category", "银行卡"),
        ("reason", "金融机构服务设施、设备、业务系统"),
        ("org", "杭州滨江支行"),
    ] {
        let select = form
            .find(Locator::Css(&format!("select[name={name}]")))
            .await
            .unwrap();
        let option = select
            .find(Locator::XPath(&format!(
                "./option[contains(normalize-space(.), '{label}')]"
            )))
            .await
            .unwrap();
        option.click().await.unwrap();
    }
    form.find(Locator::Css("textarea[name=content]"))
        .await
        .unwrap()
        .send_keys("手机银行升级后人脸识别一直失败，无法转账，客服电话打不通，要求尽快修复。")
        .await
        .unwrap();
    form.find(Locator::Css("input[name=name]"))
        .await
        .unwrap()
        .send_keys("赵小明")
        .await
        .unwrap();
    form.find(Locator::Css("input[name=phone]"))
        .await
        .unwrap()
        .send_keys("13700001234")
        .await
        .unwrap();
    form.find(Locator::Css("button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();

    let title = client
        .wait()
        .for_element(Locator::Id("complaint-title"))
        .await
        .unwrap();
    assert!(title.text().await.unwrap().contains("人脸识别"));
    let status = client
        .find(Locator::Id("complaint-status"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(status, "已登记");
    let page = client.source().await.unwrap();
    assert!(page.contains("137****1234"), "the phone is shown masked");
    assert!(
        !page.contains("13700001234"),
        "the full phone never reaches the page"
    );
    screenshot(&client, "complaint_detail").await;

    client
        .find(Locator::LinkText("投诉管理"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let search = client
        .wait()
        .for_element(Locator::Css("input[name=q]"))
        .await
        .unwrap();
    search.send_keys("人脸识别").await.unwrap();
    client
        .find(Locator::Css("#complaint-filters button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let list = client
        .wait()
        .for_element(Locator::Id("complaint-list"))
        .await
        .unwrap();
    let text = list.text().await.unwrap();
    assert!(
        text.contains("人脸识别"),
        "the new complaint is in the search results: {text}"
    );
    assert!(text.contains("杭州滨江支行"));
    let total = client
        .find(Locator::Id("complaint-total"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(total, "1");
    screenshot(&client, "complaint_list").await;
    client.close().await.unwrap();
}
