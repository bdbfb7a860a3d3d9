//! Delivery: webhooks over HTTP(S) and e-mail over SMTP, with retries.
//!
//! A delivery never raises an error to the caller: whatever happens ends in a
//! [`Delivery`] record (attempts, status, last error) that the server writes
//! to its delivery log. Transient failures — connection refused, time-outs,
//! HTTP 5xx/429, the robots' rate-limit codes, SMTP 4xx — are retried with
//! exponential backoff; permanent ones (a wrong robot key, HTTP 4xx, SMTP 5xx)
//! stop at once, since repeating them only fills the log.

use std::time::Duration;

use base64::Engine as _;
use chrono::{DateTime, Utc};
use hmac::{Hmac, KeyInit, Mac};
use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Mailbox, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::NotifyError;
use crate::message::Notification;

/// How a channel delivers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ChannelKind {
    /// 企业微信 group robot (`https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…`).
    Wecom {
        /// Robot webhook address.
        url: String,
    },
    /// 钉钉 custom robot (`https://oapi.dingtalk.com/robot/send?access_token=…`).
    Dingtalk {
        /// Robot webhook address.
        url: String,
        /// Signing secret (`SEC…`) when the robot uses 加签.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        secret: Option<String>,
    },
    /// Generic JSON POST to a bank's own system.
    Webhook {
        /// Address.
        url: String,
    },
    /// E-mail through an SMTP relay.
    Email(SmtpSettings),
}

/// Transport security of an SMTP connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SmtpSecurity {
    /// No TLS: only for a relay on the local host or a trusted network.
    Plain,
    /// Plain connection upgraded with STARTTLS (usually port 587).
    Starttls,
    /// TLS from the first byte (usually port 465).
    Tls,
}

/// An SMTP relay and the addresses of one mail channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpSettings {
    /// Relay host name.
    pub host: String,
    /// Relay port.
    pub port: u16,
    /// Transport security.
    pub security: SmtpSecurity,
    /// Login name, when the relay requires authentication.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// Password for `username`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    /// Sender address (`消保系统 <xiaobao@bank.example>`).
    pub from: String,
    /// Recipient addresses.
    pub to: Vec<String>,
}

/// A named channel, as the rules' `recipients` refer to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Channel {
    /// The name used in alert rules.
    pub name: String,
    /// How it delivers.
    #[serde(flatten)]
    pub kind: ChannelKind,
}

impl Channel {
    /// Checks addresses and settings before anything is sent.
    pub fn validate(&self) -> Result<(), NotifyError> {
        let bad = |reason: String| NotifyError::InvalidChannel {
            name: self.name.clone(),
            reason,
        };
        if self.name.trim().is_empty() {
            return Err(bad("渠道名称不能为空".into()));
        }
        let url_ok = |url: &str| {
            reqwest::Url::parse(url)
                .ok()
                .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
                .ok_or_else(|| bad(format!("地址无效：{url}")))
        };
        match &self.kind {
            ChannelKind::Wecom { url } | ChannelKind::Webhook { url } => {
                url_ok(url)?;
            }
            ChannelKind::Dingtalk { url, secret } => {
                url_ok(url)?;
                if secret.as_deref().is_some_and(|s| s.trim().is_empty()) {
                    return Err(bad("加签密钥不能为空字符串".into()));
                }
            }
            ChannelKind::Email(s) => {
                if s.host.trim().is_empty() || s.port == 0 {
                    return Err(bad("SMTP 服务器地址或端口无效".into()));
                }
                if s.to.is_empty() {
                    return Err(bad("收件人不能为空".into()));
                }
                for addr in std::iter::once(&s.from).chain(&s.to) {
                    addr.parse::<Mailbox>()
                        .map_err(|_| bad(format!("邮件地址无效：{addr}")))?;
                }
                if s.username.is_some() != s.password.is_some() {
                    return Err(bad("SMTP 用户名和密码须同时设置".into()));
                }
            }
        }
        Ok(())
    }

    fn kind_name(&self) -> &'static str {
        match self.kind {
            ChannelKind::Wecom { .. } => "wecom",
            ChannelKind::Dingtalk { .. } => "dingtalk",
            ChannelKind::Webhook { .. } => "webhook",
            ChannelKind::Email(_) => "email",
        }
    }
}

/// Retries with exponential backoff.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RetryPolicy {
    /// Attempts in all (1 = no retry).
    pub max_attempts: u32,
    /// Wait before the second attempt.
    pub initial_backoff: Duration,
    /// Growth of the wait per attempt.
    pub multiplier: f64,
    /// Longest wait.
    pub max_backoff: Duration,
    /// Time-out of one attempt.
    pub timeout: Duration,
}

impl Default for RetryPolicy {
    /// Four attempts over about 3.5 s of waiting (0.5, 1, 2 s).
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(500),
            multiplier: 2.0,
            max_backoff: Duration::from_secs(30),
            timeout: Duration::from_secs(10),
        }
    }
}

impl RetryPolicy {
    /// The wait after failed attempt `attempt` (1-based).
    pub fn backoff(&self, attempt: u32) -> Duration {
        let factor = self
            .multiplier
            .max(1.0)
            .powi(attempt.saturating_sub(1) as i32);
        self.initial_backoff.mul_f64(factor).min(self.max_backoff)
    }
}

/// Outcome of a delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Accepted by the receiver.
    Delivered,
    /// Not delivered after the last attempt (or a permanent failure).
    Failed,
}

/// What happened to one notification on one channel, for the delivery log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Delivery {
    /// Channel name.
    pub channel: String,
    /// `wecom`, `dingtalk`, `webhook` or `email`.
    pub kind: String,
    /// Attempts made.
    pub attempts: u32,
    /// Final status.
    pub status: DeliveryStatus,
    /// HTTP status of the last response, if any.
    pub http_status: Option<u16>,
    /// The last error, in Chinese (no secrets: robot keys are not quoted).
    pub last_error: Option<String>,
    /// When the first attempt started.
    pub started_at: DateTime<Utc>,
    /// When the last attempt ended.
    pub finished_at: DateTime<Utc>,
}

/// One attempt's failure and whether another attempt may help.
struct Failure {
    message: String,
    transient: bool,
    http_status: Option<u16>,
}

/// Sends notifications. Cheap to clone; keep one per process.
#[derive(Debug, Clone)]
pub struct Notifier {
    http: reqwest::Client,
    retry: RetryPolicy,
}

impl Notifier {
    /// A notifier with `retry` (its `timeout` applies to every attempt).
    pub fn new(retry: RetryPolicy) -> Result<Notifier, NotifyError> {
        // reqwest and lettre share rustls; ring is its crypto provider here.
        // A provider installed earlier by the process is kept.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .timeout(retry.timeout)
            .user_agent(concat!("xiaobao/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| NotifyError::Client(e.to_string()))?;
        Ok(Notifier { http, retry })
    }

    /// The retry policy in force.
    pub fn retry(&self) -> &RetryPolicy {
        &self.retry
    }

    /// Delivers `notification` on `channel`, retrying transient failures.
    pub async fn deliver(&self, channel: &Channel, notification: &Notification) -> Delivery {
        let started_at = Utc::now();
        let mut record = Delivery {
            channel: channel.name.clone(),
            kind: channel.kind_name().to_string(),
            attempts: 0,
            status: DeliveryStatus::Failed,
            http_status: None,
            last_error: None,
            started_at,
            finished_at: started_at,
        };
        if let Err(e) = channel.validate() {
            record.last_error = Some(e.to_string());
            record.finished_at = Utc::now();
            return record;
        }
        for attempt in 1..=self.retry.max_attempts.max(1) {
            record.attempts = attempt;
            let result = match &channel.kind {
                ChannelKind::Wecom { url } => self.post(url, &notification.wecom(), true).await,
                ChannelKind::Dingtalk { url, secret } => {
                    let url = match secret {
                        Some(secret) => {
                            dingtalk_signed_url(url, secret, Utc::now().timestamp_millis())
                        }
                        None => Ok(url.clone()),
                    };
                    match url {
                        Ok(url) => self.post(&url, &notification.dingtalk(), true).await,
                        Err(e) => Err(Failure {
                            message: e.to_string(),
                            transient: false,
                            http_status: None,
                        }),
                    }
                }
                ChannelKind::Webhook { url } => {
                    self.post(url, &notification.generic(), false).await
                }
                ChannelKind::Email(settings) => self.mail(settings, notification).await,
            };
            match result {
                Ok(status) => {
                    record.status = DeliveryStatus::Delivered;
                    record.http_status = status;
                    record.last_error = None;
                    break;
                }
                Err(f) => {
                    record.http_status = f.http_status;
                    record.last_error = Some(f.message);
                    if !f.transient || attempt == self.retry.max_attempts.max(1) {
                        break;
                    }
                    tokio::time::sleep(self.retry.backoff(attempt)).await;
                }
            }
        }
        record.finished_at = Utc::now();
        record
    }

    /// One POST of a JSON body; `robot`: the answer carries an `errcode`.
    async fn post(
        &self,
        url: &str,
        body: &serde_json::Value,
        robot: bool,
    ) -> Result<Option<u16>, Failure> {
        let response = self
            .http
            .post(url)
            .json(body)
            .send()
            .await
            .map_err(|e| Failure {
                message: format!(
                    "请求失败：{}",
                    if e.is_timeout() {
                        "超时".to_string()
                    } else if e.is_connect() {
                        "无法连接".to_string()
                    } else {
                        // The URL holds the robot key: never log it.
                        e.without_url().to_string()
                    }
                ),
                transient: true,
                http_status: None,
            })?;
        let status = response.status();
        let code = status.as_u16();
        if !status.is_success() {
            return Err(Failure {
                message: format!("接收方返回 HTTP {code}"),
                transient: status.is_server_error() || code == 429 || code == 408,
                http_status: Some(code),
            });
        }
        if robot {
            let text = response.text().await.unwrap_or_default();
            let answer: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
            let errcode = answer.get("errcode").and_then(serde_json::Value::as_i64);
            match errcode {
                Some(0) => {}
                Some(c) => {
                    let msg = answer.get("errmsg").and_then(|m| m.as_str()).unwrap_or("");
                    return Err(Failure {
                        message: format!("机器人返回错误 {c}：{msg}"),
                        // 企业微信 45009 and 钉钉 130101: sending too fast.
                        transient: matches!(c, 45009 | 130101 | -1),
                        http_status: Some(code),
                    });
                }
                None => {
                    return Err(Failure {
                        message: "机器人应答无法识别（缺少 errcode）".into(),
                        transient: true,
                        http_status: Some(code),
                    });
                }
            }
        }
        Ok(Some(code))
    }

    async fn mail(&self, s: &SmtpSettings, n: &Notification) -> Result<Option<u16>, Failure> {
        let permanent = |message: String| Failure {
            message,
            transient: false,
            http_status: None,
        };
        let from: Mailbox = s
            .from
            .parse()
            .map_err(|_| permanent(format!("发件地址无效：{}", s.from)))?;
        let mut builder = Message::builder().from(from).subject(n.email_subject());
        for to in &s.to {
            let to: Mailbox = to
                .parse()
                .map_err(|_| permanent(format!("收件地址无效：{to}")))?;
            builder = builder.to(to);
        }
        let message = builder
            .singlepart(
                SinglePart::builder()
                    .header(ContentType::TEXT_PLAIN)
                    .header(ContentTransferEncoding::Base64)
                    .body(n.email_body()),
            )
            .map_err(|e| permanent(format!("邮件无法生成：{e}")))?;
        let builder = match s.security {
            SmtpSecurity::Plain => Ok(AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(
                &s.host,
            )),
            SmtpSecurity::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&s.host),
            SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&s.host),
        }
        .map_err(|e| permanent(format!("SMTP 设置无效：{e}")))?;
        let mut builder = builder.port(s.port).timeout(Some(self.retry.timeout));
        if let (Some(user), Some(pass)) = (&s.username, &s.password) {
            builder = builder.credentials(Credentials::new(user.clone(), pass.clone()));
        }
        let transport = builder.build();
        match transport.send(message).await {
            Ok(_) => Ok(None),
            Err(e) => Err(Failure {
                message: format!("邮件发送失败：{e}"),
                transient: !e.is_permanent(),
                http_status: None,
            }),
        }
    }
}

/// The 钉钉 signed webhook address: `timestamp` (ms) and
/// `sign = urlencode(base64(HMAC-SHA256(secret, "{timestamp}\n{secret}")))`
/// appended to the query, as the DingTalk custom-robot documentation says.
pub fn dingtalk_signed_url(
    url: &str,
    secret: &str,
    timestamp_ms: i64,
) -> Result<String, NotifyError> {
    let mut url = reqwest::Url::parse(url).map_err(|_| NotifyError::InvalidChannel {
        name: "dingtalk".into(),
        reason: "地址无效".into(),
    })?;
    let sign = dingtalk_sign(secret, timestamp_ms)?;
    url.query_pairs_mut()
        .append_pair("timestamp", &timestamp_ms.to_string())
        .append_pair("sign", &sign);
    Ok(url.to_string())
}

/// `base64(HMAC-SHA256(secret, "{timestamp}\n{secret}"))` (before URL encoding).
pub fn dingtalk_sign(secret: &str, timestamp_ms: i64) -> Result<String, NotifyError> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).map_err(|_| {
        NotifyError::InvalidChannel {
            name: "dingtalk".into(),
            reason: "加签密钥无效".into(),
        }
    })?;
    mac.update(format!("{timestamp_ms}\n{secret}").as_bytes());
    Ok(base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dingtalk_signature_matches_the_documented_algorithm() {
        // Reference value computed independently (Python: hmac.new(secret,
        // f"{ts}\n{secret}", sha256) then base64).
        let sign = dingtalk_sign("SECtestsecret", 1_700_000_000_000).unwrap_or_default();
        assert_eq!(sign, "7LVwF0dAF3/+MRRulbpE4y72Ogzykc6bS2nG4I99T4s=");
        let url = dingtalk_signed_url(
            "https://oapi.dingtalk.com/robot/send?access_token=abc",
            "SECtestsecret",
            1_700_000_000_000,
        )
        .unwrap_or_default();
        assert!(url.contains("access_token=abc&timestamp=1700000000000&sign=7LVwF0dAF3%2F%2BMRRulbpE4y72Ogzykc6bS2nG4I99T4s%3D"), "{url}");
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let p = RetryPolicy {
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(350),
            ..RetryPolicy::default()
        };
        assert_eq!(p.backoff(1), Duration::from_millis(100));
        assert_eq!(p.backoff(2), Duration::from_millis(200));
        assert_eq!(p.backoff(3), Duration::from_millis(350));
    }

    #[test]
    fn channels_are_validated_in_chinese() {
        let json = r#"[
            {"name":"消保部群","kind":"wecom","url":"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"},
            {"name":"钉钉群","kind":"dingtalk","url":"https://oapi.dingtalk.com/robot/send?access_token=t","secret":"SEC1"},
            {"name":"内部系统","kind":"webhook","url":"http://10.0.0.8/hook"},
            {"name":"消保部邮箱","kind":"email","host":"smtp.bank.example","port":587,"security":"starttls",
             "username":"u","password":"p","from":"消保系统 <xb@bank.example>","to":["cp@bank.example"]}
        ]"#;
        let channels: Vec<Channel> = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(channels.len(), 4);
        assert!(channels.iter().all(|c| c.validate().is_ok()));
        let bad = Channel {
            name: "x".into(),
            kind: ChannelKind::Webhook {
                url: "ftp://x".into(),
            },
        };
        assert!(
            bad.validate()
                .is_err_and(|e| e.to_string().contains("地址无效"))
        );
        let bad_mail = Channel {
            name: "m".into(),
            kind: ChannelKind::Email(SmtpSettings {
                host: "h".into(),
                port: 25,
                security: SmtpSecurity::Plain,
                username: Some("u".into()),
                password: None,
                from: "a@b.example".into(),
                to: vec!["c@d.example".into()],
            }),
        };
        assert!(
            bad_mail
                .validate()
                .is_err_and(|e| e.to_string().contains("同时"))
        );
    }
}
