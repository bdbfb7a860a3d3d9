//! Errors of the early-warning engine.
//!
//! Everything a caller can get wrong — a rules file with a typo, a threshold
//! out of range, a backtest period the wrong way round — comes back as an
//! [`AlertsError`] with a Chinese message, because it is shown to the bank
//! staff who edit the rules, in the CLI and in the web UI.

use chrono::NaiveDate;
use thiserror::Error;
use xiaobao_text::TextError;

/// Everything that can go wrong in `xiaobao-alerts`.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum AlertsError {
    /// The rules file is not valid JSON or does not have the expected shape.
    #[error("告警规则文件格式错误：{0}")]
    RulesFormat(String),

    /// A rule has a value out of range.
    #[error("告警规则 {rule} 的设置无效：{reason}")]
    InvalidRule {
        /// Contract name of the rule (`volume_spike`, …).
        rule: &'static str,
        /// What is wrong, in Chinese.
        reason: String,
    },

    /// A period whose end lies before its start.
    #[error("回测起止日期无效：开始日期 {from} 晚于结束日期 {to}")]
    InvalidPeriod {
        /// First day asked for.
        from: NaiveDate,
        /// Last day asked for.
        to: NaiveDate,
    },

    /// A period longer than the engine replays in one run.
    #[error("回测期间过长：{days} 天（最多 {max} 天）")]
    PeriodTooLong {
        /// Days asked for.
        days: i64,
        /// The limit.
        max: i64,
    },

    /// The text engine refused an option derived from a rule.
    #[error("文本分析失败：{0}")]
    Text(#[from] TextError),
}
