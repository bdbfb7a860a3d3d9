//! Error types.
//!
//! Messages are Chinese because they reach intake staff and operators. They
//! name the field and the problem but never contain the value being checked,
//! decrypted or loaded: errors get logged, and a log line must not become a
//! copy of a customer's ID number or of a key.

use std::io;
use std::path::PathBuf;

use crate::field::PiiField;

/// Any failure of this crate.
#[derive(Debug, thiserror::Error)]
pub enum PiiError {
    /// The input value is malformed.
    #[error(transparent)]
    Validation(#[from] ValidationError),
    /// Encryption or decryption failed.
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    /// Key material could not be loaded, created or rotated.
    #[error(transparent)]
    Key(#[from] KeyError),
}

/// A field value rejected at intake.
///
/// Displays as `<字段>：<问题>`, e.g. `证件号码：校验码不正确，请逐位核对`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}：{kind}")]
pub struct ValidationError {
    /// The field being validated, so a form can highlight it.
    pub field: PiiField,
    /// What is wrong.
    pub kind: ValidationErrorKind,
}

impl ValidationError {
    pub(crate) const fn new(field: PiiField, kind: ValidationErrorKind) -> Self {
        ValidationError { field, kind }
    }
}

/// What is wrong with a field value. Each message reads after the field label.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ValidationErrorKind {
    /// Nothing but whitespace or separators.
    #[error("不能为空")]
    Empty,
    /// More characters than allowed.
    #[error("过长，最多 {max} 个字符，实际 {actual} 个")]
    TooLong {
        /// Maximum number of characters.
        max: usize,
        /// Number of characters given.
        actual: usize,
    },
    /// Wrong number of digits.
    #[error("位数不正确，应为{expected}，实际 {actual} 位")]
    WrongLength {
        /// Accepted lengths, in Chinese.
        expected: &'static str,
        /// Number of digits given.
        actual: usize,
    },
    /// Characters other than the allowed ones.
    #[error("含有无效字符，{allowed}")]
    InvalidCharacters {
        /// What is allowed, in Chinese.
        allowed: &'static str,
    },
    /// Control or invisible formatting characters.
    #[error("含有控制字符或不可见字符")]
    ControlCharacters,
    /// ID number: the first two digits are not a province-level code.
    #[error("前两位不是有效的省级行政区划代码")]
    RegionCode,
    /// ID number: the birth date does not exist in the calendar.
    #[error("出生日期不是真实存在的日期")]
    BirthDate,
    /// ID number: the birth date lies in the future.
    #[error("出生日期晚于今天")]
    BirthDateInFuture,
    /// ID number: the birth year is before 1800.
    #[error("出生年份早于 1800 年")]
    BirthDateTooEarly,
    /// ID number: the MOD 11-2 check character does not match.
    #[error("校验码不正确，请逐位核对")]
    Checksum,
    /// Phone: eleven digits starting with 1, but not a mainland mobile prefix.
    #[error("不是有效的手机号，手机号应以 13–19 开头")]
    MobilePrefix,
    /// Phone: neither a mobile nor a fixed-line number.
    #[error("既不是 11 位手机号，也不是带区号的固定电话（如 0571-88886666）")]
    NotAPhoneNumber,
    /// Phone: a foreign country code.
    #[error("仅受理中国大陆号码（国家代码 +86）")]
    CountryCode,
}

/// Field encryption or decryption failure.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CryptoError {
    /// The stored value is not of the form `v1:<key_id>:<base64>`.
    #[error("密文格式无效：{0}")]
    Malformed(&'static str),
    /// The stored value uses a format version this build does not know.
    #[error("不支持的密文版本，当前仅支持 v1")]
    UnsupportedVersion,
    /// The key the value was encrypted with is not in the key ring.
    #[error("找不到密钥「{key_id}」，无法解密；请确认密钥文件或环境变量包含该历史密钥")]
    UnknownKey {
        /// Key id named by the ciphertext (ids are not secret).
        key_id: String,
    },
    /// Authentication failed: wrong key, tampered data, or a ciphertext that
    /// belongs to another field.
    #[error("解密失败：密文已损坏或被篡改，或不属于该字段")]
    DecryptFailed,
    /// The AEAD refused to encrypt (plaintext beyond AES-GCM limits).
    #[error("加密失败：明文超出 AES-GCM 的长度限制")]
    EncryptFailed,
    /// The operating system's random number source failed.
    #[error("系统随机数源不可用，无法生成随机数")]
    Random,
}

/// Where key material came from, for error messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    /// An environment variable.
    Env(String),
    /// A key file.
    File(PathBuf),
    /// A key specification passed in directly.
    Inline,
}

impl KeySource {
    /// How entries are counted: lines in a file, items elsewhere.
    const fn entry_unit(&self) -> &'static str {
        match self {
            KeySource::File(_) => "行",
            KeySource::Env(_) | KeySource::Inline => "项",
        }
    }
}

impl std::fmt::Display for KeySource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeySource::Env(var) => write!(f, "环境变量 {var}"),
            KeySource::File(path) => write!(f, "密钥文件 {}", path.display()),
            KeySource::Inline => f.write_str("密钥配置"),
        }
    }
}

/// Key loading, creation or rotation failure.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The environment variable is not set (or not Unicode).
    #[error("环境变量 {var} 未设置或不是有效的文本")]
    EnvMissing {
        /// Variable name.
        var: String,
    },
    /// An entry could not be parsed. The message names the entry by position
    /// (line of a file, comma-separated item of a variable) and never quotes
    /// it, because it may contain key material.
    #[error("{source_name}第 {entry} {}无效：{reason}", source_name.entry_unit())]
    Parse {
        /// Where the entry came from.
        source_name: KeySource,
        /// 1-based entry (line or comma-separated item) number.
        entry: usize,
        /// What is wrong, in Chinese.
        reason: &'static str,
    },
    /// The key specification is structurally incomplete or inconsistent.
    #[error("{source_name}无效：{reason}")]
    Invalid {
        /// Where the keys came from.
        source_name: KeySource,
        /// What is wrong, in Chinese.
        reason: String,
    },
    /// The key file is readable by group or others.
    #[error(
        "密钥文件 {} 的权限过宽（{mode:04o}），只允许属主读写；请执行 chmod 600 后重试",
        path.display()
    )]
    TooPermissive {
        /// Key file.
        path: PathBuf,
        /// Permission bits found.
        mode: u32,
    },
    /// The key path exists but is not a regular file.
    #[error("密钥路径 {} 不是普通文件", path.display())]
    NotAFile {
        /// Key path.
        path: PathBuf,
    },
    /// An I/O operation on the key file failed.
    #[error("{action}失败（{}）：{source}", path.display())]
    Io {
        /// What was being done, in Chinese (读取密钥文件, 写入密钥文件…).
        action: &'static str,
        /// Path involved.
        path: PathBuf,
        /// Underlying error.
        source: io::Error,
    },
    /// The operating system's random number source failed.
    #[error("系统随机数源不可用，无法生成密钥")]
    Random,
}
