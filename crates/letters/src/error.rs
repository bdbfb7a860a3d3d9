//! Why a letter could not be written.

use thiserror::Error;

/// A letter that cannot be laid out. Messages are Chinese: they reach the
/// user who filled in the table or exported the letter.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LetterError {
    #[error(
        "表格列宽权重有 {widths} 个，而表格有 {columns} 列：权重须每列一个，或留空表示各列等宽"
    )]
    WidthCount { widths: usize, columns: usize },

    #[error("表格有 {columns} 列，A4 纸宽内最多排 {max} 列，请拆分表格")]
    TooManyColumns { columns: usize, max: usize },

    #[error("表格第 {column} 列过窄（列宽权重使其不足一个字宽），请调大该列的权重")]
    ColumnTooNarrow { column: usize },

    #[error("生成 DOCX 文件失败：{0}")]
    Docx(String),

    #[error("生成 PDF 文件失败：{0}")]
    Pdf(String),
}
