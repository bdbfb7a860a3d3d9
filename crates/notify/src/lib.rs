//! `xiaobao-notify` — alert notifications.
//!
//! An alert ([`xiaobao_alerts::AlertCandidate`]) becomes a [`Notification`]
//! that carries no personal data (rule, organisation name, day, counts,
//! terms, a link), rendered for the robots Chinese banks use — 企业微信 group
//! robot and 钉钉 custom robot markdown, with DingTalk's HMAC signing — for
//! a bank's own systems as generic JSON, and as plain-text e-mail.
//! [`Notifier::deliver`] sends it on a [`Channel`] with retries and
//! exponential backoff and returns a [`Delivery`] record for the server's
//! delivery log.

pub mod error;
pub mod message;
pub mod send;

pub use error::NotifyError;
pub use message::Notification;
pub use send::{
    Channel, ChannelKind, Delivery, DeliveryStatus, Notifier, RetryPolicy, SmtpSecurity,
    SmtpSettings, dingtalk_sign, dingtalk_signed_url,
};
