//! Errors that concern a whole file (as opposed to one cell of one row).

use serde::Serialize;
use thiserror::Error;

/// A file that cannot be read at all. Messages are Chinese and tell the user
/// what to do; nothing of the file is imported.
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FileError {
    #[error("文件为空，没有任何内容")]
    Empty,

    #[error("不支持的文件格式：{what}。请上传 Excel 工作簿（.xlsx）、CSV 或 JSON Lines 文件")]
    Unsupported { what: String },

    #[error(
        "这是旧版 Excel 97-2003 工作簿（.xls），不能直接导入。请在 Excel 或 WPS 中“另存为” Excel 工作簿（.xlsx）后重新上传"
    )]
    LegacyXls,

    #[error(
        "工作簿已设置打开密码（已加密），无法读取。请在 Excel 中取消密码保护（文件 → 信息 → 保护工作簿 → 用密码进行加密，清空密码）后重新上传"
    )]
    Encrypted,

    #[error(
        "文件已损坏，无法作为 Excel 工作簿打开（{detail}）。请在 Excel 中打开确认后重新保存为 .xlsx"
    )]
    Corrupt { detail: String },

    #[error("这是一个 ZIP 压缩包，但不是 Excel 工作簿（{what}）。请上传 .xlsx 文件")]
    NotSpreadsheet { what: String },

    #[error(
        "工作簿解压后超过 {limit_mb} MB 上限（声明大小 {declared_mb} MB），可能是异常或恶意构造的文件，已拒绝读取"
    )]
    TooLargeUncompressed { limit_mb: u64, declared_mb: u64 },

    #[error("工作簿内部文件数超过上限 {limit} 个，可能是异常或恶意构造的文件，已拒绝读取")]
    TooManyEntries { limit: usize },

    #[error("数据行数超过上限 {limit} 行，请拆分为多个文件分批导入")]
    TooManyRows { limit: usize },

    #[error("工作簿中没有可读取的工作表")]
    NoWorksheet,

    #[error("文件中没有数据行：只有表头或全部为空行")]
    NoDataRows,

    #[error("无法识别文件的文字编码：请将 CSV 保存为 UTF-8 或 GBK（GB18030）编码")]
    Encoding,

    #[error("CSV 文件格式有误（第 {row} 行附近）：{detail}")]
    Csv { row: usize, detail: String },

    #[error("表头有误（第 {row} 行）：{}", header_problems(.unknown, .missing, .duplicated))]
    Header {
        /// Excel row of the header.
        row: usize,
        /// Column titles that match no field, as written in the file.
        unknown: Vec<String>,
        /// Required columns that are absent (Chinese headers).
        missing: Vec<String>,
        /// Fields that appear in more than one column, as written in the file.
        duplicated: Vec<String>,
    },
}

fn header_problems(unknown: &[String], missing: &[String], duplicated: &[String]) -> String {
    let mut parts = Vec::new();
    if !unknown.is_empty() {
        parts.push(format!(
            "无法识别的列：{}（请使用导入模板中的列名，或删除这些列）",
            quoted(unknown)
        ));
    }
    if !missing.is_empty() {
        parts.push(format!("缺少必填列：{}", quoted(missing)));
    }
    if !duplicated.is_empty() {
        parts.push(format!("列重复：{}", quoted(duplicated)));
    }
    parts.join("；")
}

fn quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("「{n}」"))
        .collect::<Vec<_>>()
        .join("、")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_error_names_every_problem() {
        let e = FileError::Header {
            row: 1,
            unknown: vec!["备注".into(), "经办人".into()],
            missing: vec!["投诉内容".into()],
            duplicated: vec![],
        };
        let text = e.to_string();
        assert!(text.contains("第 1 行"), "{text}");
        assert!(text.contains("「备注」、「经办人」"), "{text}");
        assert!(text.contains("缺少必填列：「投诉内容」"), "{text}");
        assert!(!text.contains("列重复"), "{text}");
    }
}
