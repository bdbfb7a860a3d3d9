//! The one error type of the crate. Messages are shown to bank staff, so they are in
//! Chinese; the variants let callers tell a bad upload from a slow page or a broken build.

use std::time::Duration;

/// Why a page could not be read.
#[derive(Debug, thiserror::Error)]
pub enum OcrError {
    /// The bytes are not an image in a supported format, or the image is unusable.
    #[error("图片无法识别：{0}")]
    BadImage(String),
    /// The page took longer than [`crate::OcrOptions::time_limit`].
    #[error("页面识别超时（限时 {limit_ms} 毫秒）")]
    Timeout {
        /// The limit that was exceeded, in milliseconds.
        limit_ms: u128,
    },
    /// An option is out of its valid range.
    #[error("识别参数无效：{0}")]
    BadOptions(String),
    /// A model failed to load or run. This points at a broken build, not at the input.
    #[error("识别模型出错：{0}")]
    Model(String),
}

impl OcrError {
    pub(crate) fn timeout(limit: Duration) -> Self {
        OcrError::Timeout {
            limit_ms: limit.as_millis(),
        }
    }

    pub(crate) fn model(context: &str, err: impl std::fmt::Display) -> Self {
        OcrError::Model(format!("{context}: {err}"))
    }
}
