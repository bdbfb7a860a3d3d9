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
    server_with(common::config()).await
}

async fn server_with(
    config: xiaobao_server::ServerConfig,
) -> (
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
            config,
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
    log_in(&client, &base, "handler_hz", &passwords["handler_hz"]).await;

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

/// Waits for the element and clicks it.
async fn click(client: &fantoccini::Client, locator: Locator<'_>) {
    client
        .wait()
        .for_element(locator)
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

/// The text of an element that is on the page.
async fn text_of(client: &fantoccini::Client, locator: Locator<'_>) -> String {
    client.find(locator).await.unwrap().text().await.unwrap()
}

/// Logs `user` in through the login page (after dropping any session).
async fn log_in(client: &fantoccini::Client, base: &str, user: &str, password: &str) {
    client.delete_all_cookies().await.unwrap();
    client.goto(&format!("{base}/login")).await.unwrap();
    client
        .wait()
        .for_element(Locator::Css("input[name=username]"))
        .await
        .unwrap()
        .send_keys(user)
        .await
        .unwrap();
    client
        .find(Locator::Css("input[name=password]"))
        .await
        .unwrap()
        .send_keys(password)
        .await
        .unwrap();
    click(client, Locator::Css("button[type=submit]")).await;
    client
        .wait()
        .for_element(Locator::Id("current-user"))
        .await
        .unwrap();
}

/// Clicks the button of the workflow form `action` and waits for the page.
async fn take_step(client: &fantoccini::Client, action: &str) {
    client
        .find(Locator::Css(&format!(
            "#action-{action} button[type=submit]"
        )))
        .await
        .unwrap_or_else(|e| panic!("no {action} button: {e}"))
        .click()
        .await
        .unwrap();
    client
        .wait()
        .for_element(Locator::Id("review-status"))
        .await
        .unwrap();
}

async fn upload_file(client: &fantoccini::Client, path: &std::path::Path) {
    client
        .find(Locator::Css("#upload-form input[type=file]"))
        .await
        .unwrap()
        .send_keys(&path.display().to_string())
        .await
        .unwrap();
    click(client, Locator::Css("#upload-form button[type=submit]")).await;
    client
        .wait()
        .at_most(Duration::from_secs(120))
        .for_element(Locator::Id("review-status"))
        .await
        .unwrap();
    if let Ok(err) = client.find(Locator::Id("review-error")).await {
        panic!(
            "upload of {} refused: {}",
            path.display(),
            err.text().await.unwrap()
        );
    }
}

async fn status_text(client: &fantoccini::Client) -> String {
    text_of(client, Locator::Id("review-status")).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_browser_reviews_marketing_copy_from_submission_to_approval() {
    let (base, passwords, _db) = server_with(xiaobao_server::ServerConfig {
        max_body_bytes: 8 * 1024 * 1024,
        ..common::config()
    })
    .await;
    let (client, _driver, _profile) = browser().await;
    let files = tempfile::tempdir().unwrap();
    let docx_path = files.path().join("稳盈理财宣传页.docx");
    std::fs::write(&docx_path, common::document_fixture("marketing.docx")).unwrap();
    let png_path = files.path().join("网点海报.png");
    std::fs::write(&png_path, common::document_fixture("page.png")).unwrap();
    let corrected_path = files.path().join("稳盈理财宣传页-修改稿.docx");
    std::fs::write(
        &corrected_path,
        common::docx(&[
            "稳盈理财 第三期",
            "本理财产品为非保本浮动收益型产品，业绩比较基准为年化百分之三点二至百分之四，业绩比较基准不构成收益承诺。",
            "理财非存款，产品有风险，投资须谨慎。本产品风险等级为 R2（中低风险）。",
        ]),
    )
    .unwrap();

    // The submitter fills the request and the self-assessment.
    log_in(
        &client,
        &base,
        "submitter_retail",
        &passwords["submitter_retail"],
    )
    .await;
    click(&client, Locator::LinkText("消保审查")).await;
    click(&client, Locator::Id("new-review")).await;
    let form = client
        .wait()
        .for_element(Locator::Id("review-form"))
        .await
        .unwrap();
    form.find(Locator::Css("input[name=title]"))
        .await
        .unwrap()
        .send_keys("稳盈理财第三期宣传材料")
        .await
        .unwrap();
    let yes = form
        .find_all(Locator::Css(
            "#review-checklist input[type=radio][value=yes]",
        ))
        .await
        .unwrap();
    assert!(yes.len() >= 4, "the marketing checklist is shown");
    for radio in yes {
        radio.click().await.unwrap();
    }
    screenshot(&client, "review-form").await;
    form.find(Locator::Css("button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    client
        .wait()
        .for_element(Locator::Id("review-status"))
        .await
        .unwrap();
    let review_path = client.current_url().await.unwrap().path().to_string();
    assert!(review_path.starts_with("/reviews/"), "{review_path}");

    // The Word file and the scanned poster are read and pre-reviewed.
    upload_file(&client, &docx_path).await;
    upload_file(&client, &png_path).await;
    let docs = text_of(&client, Locator::Id("review-documents")).await;
    assert!(docs.contains("禁止级"), "pre-review flags the copy: {docs}");
    take_step(&client, "submit").await;
    assert_eq!(status_text(&client).await, "审查中");

    // The reviewer sees the findings highlighted in the text and on the image.
    log_in(&client, &base, "reviewer", &passwords["reviewer"]).await;
    client.goto(&format!("{base}{review_path}")).await.unwrap();
    click(&client, Locator::LinkText("网点海报.png")).await;
    client
        .wait()
        .for_element(Locator::Css(".page-image .hl.bad"))
        .await
        .unwrap();
    let marked = text_of(&client, Locator::Css("#doc-text mark.bad")).await;
    assert!(marked.contains("稳赚不赔"), "{marked}");
    screenshot(&client, "review-scan-highlights").await;
    client.goto(&format!("{base}{review_path}")).await.unwrap();
    click(&client, Locator::LinkText("稳盈理财宣传页.docx")).await;
    let opinion_form = client
        .wait()
        .for_element(Locator::Css(".opinion-form"))
        .await
        .unwrap();
    opinion_form
        .find(Locator::Css("input[name=body]"))
        .await
        .unwrap()
        .send_keys("理财产品不得承诺保本保息，请删除并补充风险揭示")
        .await
        .unwrap();
    opinion_form
        .find(Locator::Css("button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    client
        .wait()
        .for_element(Locator::Id("doc-findings"))
        .await
        .unwrap();
    client.goto(&format!("{base}{review_path}")).await.unwrap();
    let opinions = client
        .wait()
        .for_element(Locator::Id("opinion-table"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        opinions.contains("理财产品不得承诺保本保息") && opinions.contains("实质性意见"),
        "{opinions}"
    );
    take_step(&client, "return").await;
    assert_eq!(status_text(&client).await, "已退回待修改");

    // The submitter answers the opinion and resubmits a corrected version.
    log_in(
        &client,
        &base,
        "submitter_retail",
        &passwords["submitter_retail"],
    )
    .await;
    client.goto(&format!("{base}{review_path}")).await.unwrap();
    let answer = client
        .wait()
        .for_element(Locator::Css(".answer-form"))
        .await
        .unwrap();
    answer
        .find(Locator::Css("button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    client
        .wait()
        .for_element(Locator::Id("review-status"))
        .await
        .unwrap();
    let opinions = text_of(&client, Locator::Id("opinion-table")).await;
    assert!(opinions.contains("采纳"), "{opinions}");
    upload_file(&client, &corrected_path).await;
    take_step(&client, "resubmit").await;
    assert_eq!(status_text(&client).await, "审查中");

    // The reviewer compares the versions and approves.
    log_in(&client, &base, "reviewer", &passwords["reviewer"]).await;
    client.goto(&format!("{base}{review_path}")).await.unwrap();
    click(&client, Locator::Id("compare-link")).await;
    let followup = client
        .wait()
        .for_element(Locator::Id("opinion-followup"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        followup.contains("已修改"),
        "the quoted passage is gone: {followup}"
    );
    client.find(Locator::Css(".diff del")).await.unwrap();
    screenshot(&client, "review-compare").await;
    client.goto(&format!("{base}{review_path}")).await.unwrap();
    client
        .wait()
        .for_element(Locator::Id("action-approve"))
        .await
        .unwrap();
    take_step(&client, "approve").await;
    assert_eq!(status_text(&client).await, "已通过并归档");
    click(&client, Locator::Id("verify-archive")).await;
    let intact = client
        .wait()
        .for_element(Locator::Id("archive-intact"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(intact, "完整性校验通过");
    screenshot(&client, "review-approved").await;
    client.close().await.unwrap();
}
