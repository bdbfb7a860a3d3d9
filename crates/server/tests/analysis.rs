//! Complaint intelligence in the product, on both backends: term statistics
//! counted once per complaint in the background, hot and rising words and
//! same-event clusters from them, limited to the caller's scope.

mod common;

use axum::http::StatusCode;
use common::{Client, demo};
use xiaobao_store::Store;

xiaobao_testkit::backend_tests!(statistics_feed_hot_rising_and_clusters_within_scope);

async fn file(c: &mut Client, token: &str, day: &str, org: &str, category: &str, content: &str) {
    file_via(c, token, "手机银行", day, org, category, content).await;
}

async fn file_via(
    c: &mut Client,
    token: &str,
    channel: &str,
    day: &str,
    org: &str,
    category: &str,
    content: &str,
) {
    let body = serde_json::json!({
        "received_at": day, "channel": channel, "business_category": category,
        "reason": "金融机构服务设施、设备、业务系统", "org": org, "content": content,
    });
    let r = c
        .post_json_with_token("/api/v1/complaints", token, &body.to_string())
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
}

async fn statistics_feed_hot_rising_and_clusters_within_scope(store: Store) {
    let passwords = demo(&store).await;
    let officer = store.create_token("cp_officer", "t").await.unwrap();
    let mut c = Client::new(store.clone());
    // Baseline (four weeks before the window): varied complaints about fees.
    let baseline = [
        "在江南示范银行办的信用卡年费未经告知被扣收，要求退还年费",
        "借记卡小额账户管理费扣收不合理",
        "跨行转账手续费收取标准不清楚",
        "信用卡分期手续费实际年化利率过高",
        "短信通知服务费未经同意开通扣费",
        "理财产品赎回到账时间比宣传的晚",
        "柜面排队时间过长，窗口开得太少",
        "网点自助设备故障吞卡，处理缓慢",
    ];
    for (i, text) in baseline.iter().enumerate() {
        let day = format!("2026-10-{:02}", 20 + i);
        file(&mut c, &officer, &day, "HZ01", "银行卡", text).await;
    }
    // The window: the same event, many times (人脸识别 failures at HZ), plus
    // unrelated complaints at NB.
    for i in 0..6 {
        let day = format!("2026-11-{:02}", 15 + i);
        let text = format!(
            "手机银行人脸识别一直失败，无法完成转账，第{}次尝试仍提示人脸识别不通过，耽误了还款",
            i + 2
        );
        file(&mut c, &officer, &day, "HZ02", "支付结算", &text).await;
    }
    file(
        &mut c,
        &officer,
        "2026-11-18",
        "NB01",
        "贷款",
        "房贷提前还款违约金收取过高",
    )
    .await;
    file(
        &mut c,
        &officer,
        "2026-11-19",
        "NB01",
        "贷款",
        "消费贷利率展示不清晰误导客户",
    )
    .await;

    // Nothing is counted until the job runs; then every complaint once.
    let services = common::services(store.clone());
    assert_eq!(services.term_stats_lag().await.unwrap().uncounted, 16);
    assert_eq!(services.count_pending_terms().await.unwrap(), 16);
    assert_eq!(services.count_pending_terms().await.unwrap(), 0);
    assert_eq!(services.term_stats_lag().await.unwrap().uncounted, 0);

    let hot = c
        .get_with_token(
            "/api/v1/analysis/hotwords?from=2026-10-01&to=2026-11-30&top=20",
            &officer,
        )
        .await;
    assert_eq!(hot.status, StatusCode::OK, "{}", hot.body);
    let hot = hot.json();
    assert_eq!(hot["total_docs"], 16);
    let docs_of = |term: &str| {
        hot["terms"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["term"] == term)
            .map(|t| t["docs"].as_i64().unwrap())
    };
    assert_eq!(hot["terms"][0]["docs"], 6, "{hot}");
    assert_eq!(docs_of("人脸识别"), Some(6), "counted once per complaint");
    assert_eq!(docs_of("手续费"), Some(2));
    assert_eq!(docs_of("江南"), None, "the bank's own name is not a topic");

    // One category only.
    let loans = c
        .get_with_token(
            "/api/v1/analysis/hotwords?from=2026-10-01&to=2026-11-30&business_category=%E8%B4%B7%E6%AC%BE",
            &officer,
        )
        .await
        .json();
    assert_eq!(loans["total_docs"], 2);

    let rising = c
        .get_with_token(
            "/api/v1/analysis/rising?as_of=2026-11-20&window_days=7&baseline_days=28",
            &officer,
        )
        .await;
    assert_eq!(rising.status, StatusCode::OK, "{}", rising.body);
    let rising = rising.json();
    assert_eq!(rising["window_total"], 8);
    assert_eq!(rising["baseline_total"], 8);
    let top = &rising["terms"][0];
    assert_eq!(top["window_docs"], 6, "{rising}");
    assert_eq!(top["baseline_docs"], 0);
    let term = top["term"].as_str().unwrap();
    let series = rising["daily"][term].as_array().unwrap();
    assert_eq!(series.len(), 35, "one value per day of baseline and window");
    assert_eq!(series.iter().map(|v| v.as_i64().unwrap()).sum::<i64>(), 6);

    let clusters = c
        .get_with_token(
            "/api/v1/analysis/clusters?from=2026-10-01&to=2026-11-30&min_size=3",
            &officer,
        )
        .await
        .json();
    assert_eq!(clusters["clusters"][0]["size"], 6, "{clusters}");

    // A Hangzhou handler sees Hangzhou only; Ningbo is out of scope.
    let hz = store.create_token("handler_hz", "t").await.unwrap();
    let own = c
        .get_with_token(
            "/api/v1/analysis/hotwords?from=2026-10-01&to=2026-11-30",
            &hz,
        )
        .await
        .json();
    assert_eq!(own["total_docs"], 14);
    let other = c
        .get_with_token("/api/v1/analysis/hotwords?org=NB", &hz)
        .await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
    let bad = c
        .get_with_token(
            "/api/v1/analysis/hotwords?from=2026-11-30&to=2026-11-01",
            &hz,
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Statistics counted by another instance reach this one's in-memory
    // copy on its next query: only the changed day is reloaded.
    assert_eq!(
        services.refresh_term_index().await.unwrap(),
        14,
        "every day"
    );
    for _ in 0..3 {
        file_via(
            &mut c,
            &officer,
            "电话",
            "2026-11-20",
            "NB01",
            "贷款",
            "提前还款违约金收取过高，客服解释不清",
        )
        .await;
    }
    let elsewhere = common::services(store.clone());
    assert_eq!(elsewhere.count_pending_terms().await.unwrap(), 3);
    let after = c
        .get_with_token(
            "/api/v1/analysis/hotwords?from=2026-10-01&to=2026-11-30&top=50",
            &officer,
        )
        .await
        .json();
    assert_eq!(after["total_docs"], 19, "{after}");
    let penalty = after["terms"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["term"] == "提前还款违约金")
        .map(|t| t["docs"].as_i64().unwrap());
    assert_eq!(penalty, Some(4), "{after}");
    // One channel (name, alias or code).
    // (电话渠道, its code A04, 手机银行 as an alias of 移动客户端)
    for (channel, total) in [
        ("%E7%94%B5%E8%AF%9D%E6%B8%A0%E9%81%93", 3),
        ("A04", 3),
        ("%E6%89%8B%E6%9C%BA%E9%93%B6%E8%A1%8C", 16),
    ] {
        let by_channel = c
            .get_with_token(
                &format!(
                    "/api/v1/analysis/hotwords?from=2026-10-01&to=2026-11-30&channel={channel}"
                ),
                &officer,
            )
            .await
            .json();
        assert_eq!(by_channel["total_docs"], total, "{channel}: {by_channel}");
    }
    let unknown = c
        .get_with_token(
            "/api/v1/analysis/hotwords?channel=%E9%A3%9E%E9%B8%BD%E4%BC%A0%E4%B9%A6",
            &officer,
        )
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(services.refresh_term_index().await.unwrap(), 1, "one day");
    assert_eq!(
        services.refresh_term_index().await.unwrap(),
        0,
        "nothing changed since"
    );

    // The page shows the word cloud data, the rising table and the cluster.
    let mut browser = c.fresh();
    let csrf = browser.login("cp_officer", &passwords["cp_officer"]).await;
    // The intake form's category suggestion.
    let s = browser
        .post_form(
            "/complaints/suggest",
            &[
                ("_csrf", &csrf),
                ("title", ""),
                ("content", "信用卡年费未经告知被扣收，要求退还年费"),
            ],
        )
        .await;
    assert_eq!(s.status, StatusCode::OK);
    assert!(
        s.body.contains("智能分类建议") && s.body.contains("data-apply-select"),
        "{}",
        s.body
    );
    let short = browser
        .post_form(
            "/complaints/suggest",
            &[("_csrf", &csrf), ("content", "你好")],
        )
        .await;
    assert!(
        !short.body.contains("智能分类建议"),
        "too little text for a suggestion"
    );
    let page = browser.get("/analysis?from=2026-10-01&to=2026-11-20").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("data-wordcloud"));
    assert!(page.body.contains("人脸识别"));
    assert!(page.body.contains("<polyline"));
    assert!(
        page.body.contains("/complaints/"),
        "cluster members link to complaints"
    );
    // The home screen loads its hot words after the page.
    let home = browser.get("/").await;
    assert!(home.body.contains("hx-get=\"/home/intelligence\""));
    let glance = browser.get("/home/intelligence").await;
    assert_eq!(glance.status, StatusCode::OK);
    assert!(glance.body.contains("投诉热点"), "{}", glance.body);
}
