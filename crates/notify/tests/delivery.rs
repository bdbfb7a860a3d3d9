//! Alerts reach a local HTTP receiver and a local SMTP sink, both started by
//! the tests: retries after a failed first attempt, the robots' message
//! shapes, DingTalk signing, permanent failures, and no personal data in
//! anything received.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::routing::post;
use base64::Engine as _;
use chrono::NaiveDate;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use xiaobao_alerts::{AlertCandidate, Evaluator, Record, RuleKind, RuleSet};
use xiaobao_notify::{
    Channel, ChannelKind, DeliveryStatus, Notification, Notifier, RetryPolicy, SmtpSecurity,
    SmtpSettings, dingtalk_sign,
};
use xiaobao_text::Document;

const PHONE: &str = "13812345678";

/// A real alert: the per-ticket rules on a complaint whose text holds a
/// phone number and a verification code.
fn alert() -> AlertCandidate {
    let ev = Evaluator::new(RuleSet::embedded().unwrap_or_else(|e| panic!("{e}")));
    let mut doc = Document::new(
        "TS-2026-0042",
        NaiveDate::from_ymd_opt(2026, 3, 2).unwrap_or_default(),
        format!("我的电话 {PHONE}，对方骗走了验证码 583920，再不处理我就找记者曝光。"),
    );
    doc.org = Some("HZ01".into());
    let alerts = ev.evaluate_ticket(&Record::new(doc));
    alerts
        .into_iter()
        .find(|a| a.rule == RuleKind::SensitiveData)
        .unwrap_or_else(|| panic!("no sensitive_data alert"))
}

fn notification() -> Notification {
    Notification::from_alert(
        &alert(),
        Some("杭州西湖支行"),
        Some("https://xb.bank.example/alerts/42"),
    )
}

fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 3,
        initial_backoff: Duration::from_millis(20),
        multiplier: 2.0,
        max_backoff: Duration::from_millis(100),
        timeout: Duration::from_secs(5),
    }
}

#[derive(Clone, Default)]
struct Received {
    /// (path, query, body) of every request.
    requests: Arc<Mutex<Vec<(String, String, String)>>>,
}

impl Received {
    fn all(&self) -> Vec<(String, String, String)> {
        self.requests.lock().map(|r| r.clone()).unwrap_or_default()
    }
}

/// `/flaky/{robot}`: 500 on the first request, then success. `/ok/{robot}`:
/// success. `/bad-key`: 200 with a robot error. `/gone`: 404. `/down`: 503.
async fn receiver() -> (String, Received) {
    async fn handle(
        State(rx): State<Received>,
        Path((mode, robot)): Path<(String, String)>,
        RawQuery(query): RawQuery,
        body: String,
    ) -> (StatusCode, String) {
        let seen = {
            let Ok(mut r) = rx.requests.lock() else {
                return (StatusCode::INTERNAL_SERVER_ERROR, String::new());
            };
            r.push((format!("/{mode}/{robot}"), query.unwrap_or_default(), body));
            r.iter()
                .filter(|(p, _, _)| p == &format!("/{mode}/{robot}"))
                .count()
        };
        let ok = if robot == "generic" {
            "{\"accepted\":true}".to_string()
        } else {
            "{\"errcode\":0,\"errmsg\":\"ok\"}".to_string()
        };
        match mode.as_str() {
            "flaky" if seen == 1 => (StatusCode::INTERNAL_SERVER_ERROR, "busy".into()),
            "flaky" | "ok" => (StatusCode::OK, ok),
            "bad-key" => (
                StatusCode::OK,
                "{\"errcode\":93000,\"errmsg\":\"invalid webhook url\"}".into(),
            ),
            "gone" => (StatusCode::NOT_FOUND, String::new()),
            _ => (StatusCode::SERVICE_UNAVAILABLE, String::new()),
        }
    }
    let rx = Received::default();
    let app = Router::new()
        .route("/{mode}/{robot}", post(handle))
        .with_state(rx.clone());
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let addr = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (format!("http://{addr}"), rx)
}

fn channel(name: &str, kind: ChannelKind) -> Channel {
    Channel {
        name: name.into(),
        kind,
    }
}

fn assert_clean(body: &str) {
    assert!(!body.contains(PHONE), "phone number leaked: {body}");
    assert!(!body.contains("583920"), "verification code leaked: {body}");
    assert!(!body.contains("记者"), "complaint text leaked: {body}");
}

#[tokio::test]
async fn wecom_robot_gets_the_alert_after_a_failed_first_attempt() {
    let (base, rx) = receiver().await;
    let notifier = Notifier::new(fast_retry()).unwrap_or_else(|e| panic!("{e}"));
    let ch = channel(
        "消保部群",
        ChannelKind::Wecom {
            url: format!("{base}/flaky/wecom?key=k1"),
        },
    );
    let delivery = notifier.deliver(&ch, &notification()).await;
    assert_eq!(delivery.status, DeliveryStatus::Delivered, "{delivery:?}");
    assert_eq!(delivery.attempts, 2);
    assert_eq!(delivery.http_status, Some(200));
    assert_eq!(delivery.kind, "wecom");
    let got = rx.all();
    assert_eq!(got.len(), 2);
    let body: serde_json::Value = serde_json::from_str(&got[1].2).unwrap_or_default();
    assert_eq!(body["msgtype"], "markdown");
    let content = body["markdown"]["content"].as_str().unwrap_or_default();
    assert!(content.contains("敏感信息泄露"), "{content}");
    assert!(content.contains("杭州西湖支行"), "{content}");
    assert!(content.contains("验证码"), "the kind is named: {content}");
    assert!(content.contains("https://xb.bank.example/alerts/42"));
    assert_eq!(got[1].1, "key=k1");
    assert_clean(&got[1].2);
}

#[tokio::test]
async fn dingtalk_robot_gets_a_signed_markdown_message() {
    let (base, rx) = receiver().await;
    let notifier = Notifier::new(fast_retry()).unwrap_or_else(|e| panic!("{e}"));
    let secret = "SECabc123";
    let ch = channel(
        "钉钉群",
        ChannelKind::Dingtalk {
            url: format!("{base}/flaky/dingtalk?access_token=t1"),
            secret: Some(secret.into()),
        },
    );
    let delivery = notifier.deliver(&ch, &notification()).await;
    assert_eq!(delivery.status, DeliveryStatus::Delivered, "{delivery:?}");
    assert_eq!(delivery.attempts, 2);
    let got = rx.all();
    let (_, query, body) = &got[1];
    let pairs: Vec<(String, String)> = query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    assert_eq!(get("access_token"), "t1");
    let ts: i64 = get("timestamp").parse().unwrap_or_default();
    assert!((chrono::Utc::now().timestamp_millis() - ts).abs() < 60_000);
    let sign = get("sign")
        .replace("%2B", "+")
        .replace("%2F", "/")
        .replace("%3D", "=");
    assert_eq!(sign, dingtalk_sign(secret, ts).unwrap_or_default());
    let body: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
    assert_eq!(body["msgtype"], "markdown");
    assert!(
        body["markdown"]["title"]
            .as_str()
            .is_some_and(|t| t.contains("敏感信息泄露"))
    );
    assert!(
        body["markdown"]["text"]
            .as_str()
            .is_some_and(|t| t.contains("杭州西湖支行"))
    );
    assert_clean(&got[1].2);
}

#[tokio::test]
async fn generic_webhook_gets_json_in_one_attempt() {
    let (base, rx) = receiver().await;
    let notifier = Notifier::new(fast_retry()).unwrap_or_else(|e| panic!("{e}"));
    let ch = channel(
        "内部系统",
        ChannelKind::Webhook {
            url: format!("{base}/ok/generic"),
        },
    );
    let delivery = notifier.deliver(&ch, &notification()).await;
    assert_eq!(
        (delivery.status, delivery.attempts),
        (DeliveryStatus::Delivered, 1)
    );
    let got = rx.all();
    let body: serde_json::Value = serde_json::from_str(&got[0].2).unwrap_or_default();
    assert_eq!(body["rule"], "sensitive_data");
    assert_eq!(body["severity"], "high");
    assert_eq!(body["org"], "杭州西湖支行");
    assert_eq!(body["date"], "2026-03-02");
    assert_clean(&got[0].2);
}

#[tokio::test]
async fn permanent_failures_stop_and_transient_ones_exhaust_the_retries() {
    let (base, rx) = receiver().await;
    let notifier = Notifier::new(fast_retry()).unwrap_or_else(|e| panic!("{e}"));
    let n = notification();
    let bad_key = notifier
        .deliver(
            &channel(
                "a",
                ChannelKind::Wecom {
                    url: format!("{base}/bad-key/wecom"),
                },
            ),
            &n,
        )
        .await;
    assert_eq!(
        (bad_key.status, bad_key.attempts),
        (DeliveryStatus::Failed, 1)
    );
    assert!(
        bad_key
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("93000"))
    );
    let gone = notifier
        .deliver(
            &channel(
                "b",
                ChannelKind::Webhook {
                    url: format!("{base}/gone/generic"),
                },
            ),
            &n,
        )
        .await;
    assert_eq!(
        (gone.status, gone.attempts, gone.http_status),
        (DeliveryStatus::Failed, 1, Some(404))
    );
    let down = notifier
        .deliver(
            &channel(
                "c",
                ChannelKind::Webhook {
                    url: format!("{base}/down/generic"),
                },
            ),
            &n,
        )
        .await;
    assert_eq!((down.status, down.attempts), (DeliveryStatus::Failed, 3));
    assert!(
        down.last_error
            .as_deref()
            .is_some_and(|e| e.contains("503"))
    );
    assert_eq!(rx.all().len(), 5);
    // Nobody listening: connection errors are retried, and the key in the
    // address is not quoted in the error.
    let closed = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let port = closed.local_addr().map(|a| a.port()).unwrap_or_default();
    drop(closed);
    let refused = notifier
        .deliver(
            &channel(
                "d",
                ChannelKind::Wecom {
                    url: format!("http://127.0.0.1:{port}/x?key=SECRETKEY"),
                },
            ),
            &n,
        )
        .await;
    assert_eq!(
        (refused.status, refused.attempts),
        (DeliveryStatus::Failed, 3)
    );
    let err = refused.last_error.unwrap_or_default();
    assert!(
        err.contains("无法连接") && !err.contains("SECRETKEY"),
        "{err}"
    );
    // Invalid settings fail before any attempt.
    let invalid = notifier
        .deliver(
            &channel(
                "e",
                ChannelKind::Webhook {
                    url: "not a url".into(),
                },
            ),
            &n,
        )
        .await;
    assert_eq!(
        (invalid.status, invalid.attempts),
        (DeliveryStatus::Failed, 0)
    );
}

// ---------------------------------------------------------------------------
// SMTP sink.

/// A minimal SMTP server (RFC 5321: greeting, EHLO/HELO, MAIL, RCPT, DATA,
/// RSET, NOOP, QUIT). The first connection is turned away with `421`; later
/// ones are accepted and their messages kept.
async fn smtp_sink() -> (u16, Arc<Mutex<Vec<String>>>, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let port = listener.local_addr().map(|a| a.port()).unwrap_or_default();
    let messages = Arc::new(Mutex::new(Vec::new()));
    let envelope = Arc::new(Mutex::new(Vec::new()));
    let (m, env) = (messages.clone(), envelope.clone());
    tokio::spawn(async move {
        let mut connections = 0;
        while let Ok((stream, _)) = listener.accept().await {
            connections += 1;
            let (read, mut write) = stream.into_split();
            if connections == 1 {
                let _ = write
                    .write_all(b"421 4.3.2 sink busy, try again later\r\n")
                    .await;
                continue;
            }
            let (m, env) = (m.clone(), env.clone());
            tokio::spawn(async move {
                let mut lines = BufReader::new(read).lines();
                let _ = write.write_all(b"220 sink.test ESMTP\r\n").await;
                while let Ok(Some(line)) = lines.next_line().await {
                    let upper = line.to_ascii_uppercase();
                    let reply: &[u8] = if upper.starts_with("EHLO") {
                        b"250-sink.test\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n"
                    } else if upper.starts_with("HELO") {
                        b"250 sink.test\r\n"
                    } else if upper.starts_with("MAIL FROM:") || upper.starts_with("RCPT TO:") {
                        if let Ok(mut e) = env.lock() {
                            e.push(line.clone());
                        }
                        b"250 2.1.0 OK\r\n"
                    } else if upper == "DATA" {
                        let _ = write.write_all(b"354 end with <CRLF>.<CRLF>\r\n").await;
                        let mut data = String::new();
                        while let Ok(Some(l)) = lines.next_line().await {
                            if l == "." {
                                break;
                            }
                            data.push_str(l.strip_prefix('.').unwrap_or(&l));
                            data.push('\n');
                        }
                        if let Ok(mut m) = m.lock() {
                            m.push(data);
                        }
                        b"250 2.0.0 queued\r\n"
                    } else if upper == "QUIT" {
                        let _ = write.write_all(b"221 2.0.0 bye\r\n").await;
                        break;
                    } else if upper == "RSET" || upper == "NOOP" {
                        b"250 2.0.0 OK\r\n"
                    } else {
                        b"502 5.5.2 command not implemented\r\n"
                    };
                    if write.write_all(reply).await.is_err() {
                        break;
                    }
                }
            });
        }
    });
    (port, messages, envelope)
}

/// Decodes RFC 2047 `=?utf-8?b?…?=` words of a header value.
fn decode_words(value: &str) -> String {
    value
        .split_whitespace()
        .map(|w| {
            let lower = w.to_ascii_lowercase();
            if lower.starts_with("=?utf-8?b?") && w.ends_with("?=") {
                let b64 = &w[10..w.len() - 2];
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(b64)
                    .unwrap_or_default();
                String::from_utf8(bytes).unwrap_or_default()
            } else {
                w.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("")
}

#[tokio::test]
async fn mail_reaches_the_smtp_sink_after_a_busy_first_connection() {
    let (port, messages, envelope) = smtp_sink().await;
    let notifier = Notifier::new(fast_retry()).unwrap_or_else(|e| panic!("{e}"));
    let ch = channel(
        "消保部邮箱",
        ChannelKind::Email(SmtpSettings {
            host: "127.0.0.1".into(),
            port,
            security: SmtpSecurity::Plain,
            username: None,
            password: None,
            from: "消保系统 <xiaobao@bank.example>".into(),
            to: vec!["cp@bank.example".into(), "risk@bank.example".into()],
        }),
    );
    let delivery = notifier.deliver(&ch, &notification()).await;
    assert_eq!(delivery.status, DeliveryStatus::Delivered, "{delivery:?}");
    assert_eq!(delivery.attempts, 2);
    assert_eq!(delivery.kind, "email");
    let env = envelope.lock().map(|e| e.clone()).unwrap_or_default();
    assert!(
        env.iter().any(|l| l.contains("<xiaobao@bank.example>")),
        "{env:?}"
    );
    assert!(
        env.iter().any(|l| l.contains("<risk@bank.example>")),
        "{env:?}"
    );
    let msgs = messages.lock().map(|m| m.clone()).unwrap_or_default();
    assert_eq!(msgs.len(), 1);
    let raw = &msgs[0];
    let (headers, body) = raw.split_once("\n\n").unwrap_or((raw, ""));
    // Unfold headers, then read the subject.
    let unfolded = headers.replace("\n ", " ").replace("\n\t", " ");
    let subject = unfolded
        .lines()
        .find_map(|l| l.strip_prefix("Subject: "))
        .map(decode_words)
        .unwrap_or_default();
    assert!(subject.contains("消保预警·高"), "{subject}");
    // Adjacent encoded words join without the spaces between them (RFC 2047).
    assert!(subject.contains("C3类鉴别信息"), "{subject}");
    assert!(
        unfolded.contains("Content-Transfer-Encoding: base64"),
        "{unfolded}"
    );
    let text = String::from_utf8(
        base64::engine::general_purpose::STANDARD
            .decode(body.split_whitespace().collect::<String>())
            .unwrap_or_default(),
    )
    .unwrap_or_default();
    assert!(text.contains("机构：杭州西湖支行"), "{text}");
    assert!(text.contains("https://xb.bank.example/alerts/42"), "{text}");
    assert_clean(raw);
    assert_clean(&text);
    assert_clean(&subject);
}
