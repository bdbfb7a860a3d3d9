//! Error types.

use thiserror::Error;

use crate::kb::{Diagnostic, Level};

/// Loading a knowledge base failed.
#[derive(Debug, Error)]
pub enum KbError {
    /// The KB has error-level diagnostics; all diagnostics are attached.
    #[error("知识库校验未通过：{} 个错误，{} 个警告", count(.0, Level::Error), count(.0, Level::Warning))]
    Invalid(Vec<Diagnostic>),
}

impl KbError {
    /// All diagnostics (errors and warnings).
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            KbError::Invalid(d) => d,
        }
    }
}

fn count(d: &[Diagnostic], level: Level) -> usize {
    d.iter().filter(|x| x.level == level).count()
}

/// Compiling a knowledge base into a matcher failed.
#[derive(Debug, Error)]
pub enum CompileError {
    /// A regex in an entry or disclosure rule does not compile.
    #[error("规则 {id} 的正则表达式「{pattern}」无效：{source}")]
    Regex {
        /// Record id.
        id: String,
        /// The regex source.
        pattern: String,
        /// The regex error.
        #[source]
        source: regex::Error,
    },
    /// The automaton could not be built (too large).
    #[error("构建匹配自动机失败：{0}")]
    Automaton(String),
}
