//! Error type shared by the engine's fallible operations.
//!
//! The engine never panics on input: everything that can go wrong because of
//! what a caller passed in (training data, a serialised model, an option value)
//! is reported through [`TextError`]. Messages are in Simplified Chinese because
//! they are shown to bank staff through the CLI and the web UI.

use thiserror::Error;

/// Everything that can go wrong in `xiaobao-text`.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum TextError {
    /// Training was asked to run on an empty set of examples.
    #[error("训练样本为空，无法训练模型")]
    EmptyTrainingSet,

    /// A training example lacks a label the model needs.
    #[error("第 {line} 条训练样本缺少字段 {field}")]
    MissingLabel {
        /// 1-based position of the example in the input.
        line: usize,
        /// Name of the missing field.
        field: &'static str,
    },

    /// A line of JSON Lines training data could not be parsed.
    #[error("第 {line} 行训练数据格式错误：{message}")]
    BadExample {
        /// 1-based line number.
        line: usize,
        /// Parser message.
        message: String,
    },

    /// A serialised model could not be read.
    #[error("模型文件格式错误：{0}")]
    ModelFormat(String),

    /// A serialised model was written by an incompatible version of the engine.
    #[error("模型版本 {found} 不受支持（当前支持版本 {supported}）")]
    ModelVersion {
        /// Version found in the file.
        found: u32,
        /// Version this build reads.
        supported: u32,
    },

    /// Cross-validation was asked for an impossible number of folds.
    #[error("交叉验证折数 {folds} 无效：样本数为 {examples}，折数需在 2 到样本数之间")]
    InvalidFolds {
        /// Requested folds.
        folds: usize,
        /// Number of examples available.
        examples: usize,
    },

    /// An option value is outside its valid range.
    #[error("参数 {name} 无效：{reason}")]
    InvalidOption {
        /// Option name as the caller knows it.
        name: &'static str,
        /// Why the value was rejected.
        reason: String,
    },
}
