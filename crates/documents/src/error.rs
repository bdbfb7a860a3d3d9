//! Why a document could not be read.

use thiserror::Error;

/// A document that cannot be read whole. Messages are Chinese, say what the
/// file was found to be, and what the user can do.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DocumentError {
    #[error("文件为空，没有任何内容")]
    Empty,

    #[error("{what}中没有可读取的文字{hint}")]
    NoText {
        what: &'static str,
        hint: &'static str,
    },

    #[error("文件大小 {size_mb} MB 超过上限 {limit_mb} MB，请压缩或拆分后重新上传")]
    TooLarge { size_mb: u64, limit_mb: u64 },

    #[error(
        "不支持的文件类型：{what}。可读取纯文本、Markdown、HTML、Word（.docx）、Excel（.xlsx）、PDF 和图片（PNG、JPEG、TIFF、WebP）"
    )]
    Unsupported { what: String },

    #[error("无法识别文本的文字编码，请另存为 UTF-8 编码后重新上传")]
    Encoding,

    #[error("文件已损坏，无法作为{format}读取（{detail}）。请用原软件打开确认后重新保存")]
    Corrupt {
        format: &'static str,
        detail: String,
    },

    #[error("{format}已设置打开密码（已加密），无法读取。请取消密码保护后重新上传")]
    Encrypted { format: &'static str },

    #[error("{detail}，可能是异常或恶意构造的压缩文件（ZIP 炸弹），已拒绝读取")]
    ZipBomb { detail: String },

    #[error("文档共 {pages} 页，超过上限 {limit} 页，请拆分后分批上传")]
    TooManyPages { pages: usize, limit: usize },

    #[error("图片尺寸 {width}×{height} 像素超过上限 {limit} 像素，请缩小后重新上传")]
    ImageTooLarge { width: u64, height: u64, limit: u64 },

    #[error("需要文字识别：{what}没有文字层（第 {} 页），须经文字识别（OCR）才能读取", page_list(.pages))]
    NeedsOcr { what: &'static str, pages: Vec<u32> },

    #[error("第 {page} 页文字识别失败：{message}")]
    Ocr { page: u32, message: String },
}

fn page_list(pages: &[u32]) -> String {
    const SHOWN: usize = 10;
    let mut s = pages
        .iter()
        .take(SHOWN)
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join("、");
    if pages.len() > SHOWN {
        s.push_str(&format!(" 等共 {} 页", pages.len()));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_page_lists_are_shortened() {
        let e = DocumentError::NeedsOcr {
            what: "PDF 文档",
            pages: (1..=30).collect(),
        };
        let s = e.to_string();
        assert!(s.starts_with("需要文字识别"), "{s}");
        assert!(
            s.contains("第 1、2、3、4、5、6、7、8、9、10 等共 30 页"),
            "{s}"
        );
    }
}
