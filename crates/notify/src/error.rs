//! Errors in notification settings.

use thiserror::Error;

/// What can be wrong before anything is sent. Failures while sending are not
/// errors but [`crate::Delivery`] records.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum NotifyError {
    /// A channel's settings are unusable.
    #[error("通知渠道 {name} 设置无效：{reason}")]
    InvalidChannel {
        /// Channel name.
        name: String,
        /// What is wrong, in Chinese.
        reason: String,
    },
    /// The HTTP client could not be built.
    #[error("无法创建 HTTP 客户端：{0}")]
    Client(String),
}
