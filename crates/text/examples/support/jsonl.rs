//! JSON Lines reading shared by the evaluation examples: one labelled
//! record per non-blank line, the first bad line reported with its number.

use serde::de::DeserializeOwned;

/// Every record of `path`, or a message naming the file (and line).
pub fn read<T: DeserializeOwned>(path: &str) -> Result<Vec<T>, String> {
    let src = std::fs::read_to_string(path).map_err(|e| format!("无法读取 {path}: {e}"))?;
    src.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(i, line)| {
            serde_json::from_str(line).map_err(|e| format!("{path}:{}: 格式错误: {e}", i + 1))
        })
        .collect()
}
