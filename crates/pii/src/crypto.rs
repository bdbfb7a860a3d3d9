//! Field encryption at rest and blind indexes.
//!
//! # Encryption
//!
//! Each value is encrypted with AES-256-GCM under the key ring's active key,
//! with a fresh random 96-bit nonce, and stored as a self-describing string:
//!
//! ```text
//! v1:<key_id>:<base64(nonce ‖ ciphertext ‖ tag)>
//! ```
//!
//! The version makes a future format change detectable; the key id lets old
//! values be decrypted after rotation and found by [`KeyRing::needs_rotation`].
//! The field name is the associated data: a ciphertext copied into another
//! column (an ID number pasted over a phone number, say) fails to decrypt
//! instead of being shown under the wrong label.
//!
//! # Blind indexes
//!
//! Repeat complainants are matched on ID and phone number without decrypting
//! anything: [`KeyRing::blind_index`] is HMAC-SHA256 over the normalised value
//! under a per-field key derived with HKDF-SHA256 from the dedicated index key
//! (id `index`). Equal values in the same field give equal indexes; the same
//! value in two fields does not, so indexes cannot be joined across columns.
//!
//! The index key is deliberately *not* a data key: rotation adds data keys but
//! never touches `index`, so every stored index stays valid across rotations.
//! Changing the index key would require recomputing every index from the
//! decrypted values.
//!
//! # Key material
//!
//! Keys never live in the database. They come from an environment variable
//! ([`KeyRing::from_env`], normally [`KEY_ENV_VAR`]) or from a key file in the
//! data directory ([`KeyRing::load_or_create`]). Both use the same syntax: a
//! list of `<key_id>:<base64 of 32 bytes>` entries separated by commas or
//! newlines, `#` starting a comment line. The first entry other than `index`
//! is the active key; the other data keys only decrypt. Key ids are 1–32
//! characters from `A-Z a-z 0-9 _ . -`.
//!
//! ```text
//! # xiaobao PII keys
//! k2:8J3k…=        <- active
//! k1:q0Zr…=        <- decrypts values written before the last rotation
//! index:Xb9m…=     <- blind-index key, never rotated
//! ```
//!
//! The key file must be readable by its owner only (mode 0600 or stricter on
//! Unix); a more permissive file is refused rather than silently used.

use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use aes_gcm::aead::{Aead, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use base64::Engine as _;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use hkdf::Hkdf;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use zeroize::{Zeroize, Zeroizing};

use crate::error::{CryptoError, KeyError, KeySource};

/// Default environment variable holding the key specification.
pub const KEY_ENV_VAR: &str = "XIAOBAO_PII_KEYS";
/// Reserved key id of the blind-index key.
pub const INDEX_KEY_ID: &str = "index";
/// Current ciphertext format version.
pub const CIPHERTEXT_VERSION: &str = "v1";

const KEY_LEN: usize = 32;
const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;
const MAX_KEY_ID_LEN: usize = 32;
/// A key file is a few hundred bytes; anything huge is not a key file.
const MAX_KEY_FILE_BYTES: u64 = 64 * 1024;
/// HKDF salt for blind-index sub-keys. Changing it invalidates every index.
const BLIND_INDEX_SALT: &[u8] = b"xiaobao-pii/blind-index/v1";

/// Base64 for key material: standard alphabet, padding optional, so keys
/// from `openssl rand -base64 32` and unpadded variants both load.
const KEY_BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

type KeyBytes = Zeroizing<[u8; KEY_LEN]>;

#[derive(Clone)]
struct DataKey {
    id: String,
    material: KeyBytes,
    cipher: Aes256Gcm,
}

impl DataKey {
    fn new(id: String, material: KeyBytes) -> Self {
        let key: &Key<Aes256Gcm> = (&*material).into();
        let cipher = Aes256Gcm::new(key);
        DataKey {
            id,
            material,
            cipher,
        }
    }
}

/// Data-encryption keys (one active, older ones for decryption) plus the
/// blind-index key.
///
/// Key material is zeroed on drop and never printed: `Debug` shows key ids
/// only.
#[derive(Clone)]
pub struct KeyRing {
    /// Data keys, active key first.
    keys: Vec<DataKey>,
    index_key: KeyBytes,
}

impl fmt::Debug for KeyRing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyRing")
            .field("active", &self.active_key_id())
            .field("keys", &self.key_ids().collect::<Vec<_>>())
            .field("index_key", &"<redacted>")
            .finish()
    }
}

fn random_key() -> Result<KeyBytes, KeyError> {
    let mut key = Zeroizing::new([0u8; KEY_LEN]);
    getrandom::fill(&mut key[..]).map_err(|_| KeyError::Random)?;
    Ok(key)
}

fn valid_key_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_KEY_ID_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
}

impl KeyRing {
    /// A fresh in-memory ring: one random data key `k1` and a random index
    /// key. Nothing is persisted; use [`KeyRing::load_or_create`] for keys
    /// that must outlive the process.
    ///
    /// # Errors
    /// [`KeyError::Random`] if the OS random source fails.
    pub fn generate() -> Result<KeyRing, KeyError> {
        Ok(KeyRing {
            keys: vec![DataKey::new("k1".to_owned(), random_key()?)],
            index_key: random_key()?,
        })
    }

    /// Parses a key specification (see the [module docs](self)).
    ///
    /// # Errors
    /// [`KeyError::Parse`] for a malformed entry, [`KeyError::Invalid`] for a
    /// missing active or index key, duplicate ids, or an index key equal to a
    /// data key.
    pub fn parse(spec: &str) -> Result<KeyRing, KeyError> {
        parse_spec(spec, &KeySource::Inline)
    }

    /// Loads keys from an environment variable, normally [`KEY_ENV_VAR`]
    /// (`id1:base64key,id2:base64key,index:base64key`, first data key active).
    ///
    /// # Errors
    /// [`KeyError::EnvMissing`] if unset, otherwise as [`KeyRing::parse`].
    pub fn from_env(var: &str) -> Result<KeyRing, KeyError> {
        let value = Zeroizing::new(std::env::var(var).map_err(|_| KeyError::EnvMissing {
            var: var.to_owned(),
        })?);
        parse_spec(&value, &KeySource::Env(var.to_owned()))
    }

    /// Loads an existing key file.
    ///
    /// # Errors
    /// [`KeyError::Io`] if it cannot be read, [`KeyError::NotAFile`],
    /// [`KeyError::TooPermissive`] if group or others have any access (Unix),
    /// [`KeyError::Invalid`]/[`KeyError::Parse`] if its content is corrupt.
    pub fn load(path: impl AsRef<Path>) -> Result<KeyRing, KeyError> {
        let path = path.as_ref();
        let text = read_key_file(path)?;
        parse_spec(&text, &KeySource::File(path.to_owned()))
    }

    /// Loads the key file, creating it first if it does not exist.
    ///
    /// A new file gets one random data key and a random index key and is
    /// created with mode 0600. Creation is atomic: the content is written to
    /// a temporary file and then linked into place, so a crash never leaves a
    /// half-written key file, and when two processes start at once both end
    /// up with the same keys. Missing parent directories are created.
    ///
    /// # Errors
    /// As [`KeyRing::load`], plus [`KeyError::Io`] if the file cannot be
    /// created and [`KeyError::Random`].
    pub fn load_or_create(path: impl AsRef<Path>) -> Result<KeyRing, KeyError> {
        let path = path.as_ref();
        match fs::metadata(path) {
            Ok(_) => KeyRing::load(path),
            Err(e) if e.kind() == io::ErrorKind::NotFound => create_key_file(path),
            Err(source) => Err(KeyError::Io {
                action: "读取密钥文件",
                path: path.to_owned(),
                source,
            }),
        }
    }

    /// Adds a new random active data key to the key file and returns the
    /// updated ring. Older keys stay in the file so existing ciphertexts
    /// remain decryptable; the index key is kept unchanged so blind indexes
    /// stay valid.
    ///
    /// The file is replaced atomically (temporary file, fsync, rename). The
    /// new id is `k<n+1>` where `n` is the highest existing `k<n>` id.
    /// Running processes keep using their in-memory ring until they reload.
    /// Rotations of the same file must not run concurrently; it is an
    /// operator action, not something the service does on its own.
    ///
    /// # Errors
    /// As [`KeyRing::load`] (the file must already exist), plus
    /// [`KeyError::Io`] if it cannot be rewritten and [`KeyError::Random`].
    pub fn rotate(path: impl AsRef<Path>) -> Result<KeyRing, KeyError> {
        let path = path.as_ref();
        let rotated = KeyRing::load(path)?.with_new_active_key()?;
        let tmp = write_temp_file(path, &rotated.to_file_text())?;
        if let Err(source) = fs::rename(&tmp, path) {
            let _ = fs::remove_file(&tmp);
            return Err(KeyError::Io {
                action: "替换密钥文件",
                path: path.to_owned(),
                source,
            });
        }
        sync_parent_dir(path);
        Ok(rotated)
    }

    /// Id of the key new values are encrypted with.
    #[must_use]
    pub fn active_key_id(&self) -> &str {
        self.keys.first().map_or("", |k| k.id.as_str())
    }

    /// Ids of all data keys, active first (the index key is not listed).
    pub fn key_ids(&self) -> impl Iterator<Item = &str> {
        self.keys.iter().map(|k| k.id.as_str())
    }

    /// Encrypts `plaintext` for column `field` under the active key.
    ///
    /// # Errors
    /// [`CryptoError::Random`] if no nonce can be drawn,
    /// [`CryptoError::EncryptFailed`] beyond AES-GCM's length limit.
    pub fn encrypt(&self, field: &str, plaintext: &str) -> Result<String, CryptoError> {
        let key = self.active()?;
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce).map_err(|_| CryptoError::Random)?;
        let sealed = key
            .cipher
            .encrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: plaintext.as_bytes(),
                    aad: field.as_bytes(),
                },
            )
            .map_err(|_| CryptoError::EncryptFailed)?;
        let mut blob = Vec::with_capacity(NONCE_LEN + sealed.len());
        blob.extend_from_slice(&nonce);
        blob.extend_from_slice(&sealed);
        Ok(format!(
            "{CIPHERTEXT_VERSION}:{}:{}",
            key.id,
            STANDARD.encode(&blob)
        ))
    }

    /// Decrypts a value stored for column `field`.
    ///
    /// Callers reveal personal information here; the store audits every call
    /// that shows the result to a person.
    ///
    /// # Errors
    /// [`CryptoError::Malformed`]/[`CryptoError::UnsupportedVersion`] for
    /// values not in `v1` format, [`CryptoError::UnknownKey`] if the key is
    /// not in the ring, [`CryptoError::DecryptFailed`] for a wrong field,
    /// tampered data or a wrong key.
    pub fn decrypt(&self, field: &str, ciphertext: &str) -> Result<Zeroizing<String>, CryptoError> {
        let parsed = parse_ciphertext(ciphertext)?;
        let key = self
            .keys
            .iter()
            .find(|k| k.id == parsed.key_id)
            .ok_or_else(|| CryptoError::UnknownKey {
                key_id: parsed.key_id.to_owned(),
            })?;
        let blob = decode_payload(parsed.payload)?;
        let (nonce, sealed) = blob.split_at(NONCE_LEN);
        let nonce = Nonce::try_from(nonce).map_err(|_| CryptoError::Malformed("随机数长度错误"))?;
        let plain = key
            .cipher
            .decrypt(
                &nonce,
                Payload {
                    msg: sealed,
                    aad: field.as_bytes(),
                },
            )
            .map_err(|_| CryptoError::DecryptFailed)?;
        match String::from_utf8(plain) {
            Ok(text) => Ok(Zeroizing::new(text)),
            Err(e) => {
                e.into_bytes().zeroize();
                Err(CryptoError::DecryptFailed)
            }
        }
    }

    /// Whether a stored value should be re-encrypted: it is a `v1` value
    /// whose key is not the active key. Also `true` when that key is missing
    /// from the ring (re-encryption will then fail with
    /// [`CryptoError::UnknownKey`], which is worth knowing). `false` for
    /// values under the active key and for anything that is not a ciphertext.
    #[must_use]
    pub fn needs_rotation(&self, ciphertext: &str) -> bool {
        parse_ciphertext(ciphertext).is_ok_and(|p| p.key_id != self.active_key_id())
    }

    /// Decrypts a stored value and encrypts it again under the active key
    /// (with a fresh nonce), for key rotation. Always produces a new
    /// ciphertext; check [`KeyRing::needs_rotation`] first to skip current
    /// values.
    ///
    /// # Errors
    /// As [`KeyRing::decrypt`] and [`KeyRing::encrypt`].
    pub fn reencrypt(&self, field: &str, ciphertext: &str) -> Result<String, CryptoError> {
        let plain = self.decrypt(field, ciphertext)?;
        self.encrypt(field, &plain)
    }

    /// Whether `value` has the shape of a ciphertext produced by
    /// [`KeyRing::encrypt`] (format only; nothing is authenticated). Useful
    /// to find legacy plaintext rows during a migration.
    #[must_use]
    pub fn is_ciphertext(value: &str) -> bool {
        parse_ciphertext(value)
            .and_then(|p| decode_payload(p.payload))
            .is_ok()
    }

    /// Blind index of a normalised value in column `field`: lowercase hex of
    /// HMAC-SHA256(K_field, value), where K_field = HKDF-SHA256(salt
    /// `xiaobao-pii/blind-index/v1`, ikm = index key, info = field name).
    ///
    /// Deterministic by design (that is what makes equality search possible),
    /// so it reveals which rows share a value; it is computed only for
    /// identifiers, never for free text. Stable across data-key rotation.
    #[must_use]
    pub fn blind_index(&self, field: &str, normalised_value: &str) -> String {
        let hkdf = Hkdf::<Sha256>::new(Some(BLIND_INDEX_SALT), &self.index_key[..]);
        let mut field_key = Zeroizing::new([0u8; KEY_LEN]);
        // HKDF-SHA256 can emit up to 255 * 32 bytes; 32 always fits.
        hkdf.expand(field.as_bytes(), &mut field_key[..])
            .expect("32-byte HKDF-SHA256 output is within the RFC 5869 limit");
        // HMAC accepts keys of any length.
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&field_key[..])
            .expect("HMAC accepts keys of any length");
        mac.update(normalised_value.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    fn active(&self) -> Result<&DataKey, CryptoError> {
        // A ring is never constructed without a data key; this only guards
        // against that invariant being broken in future code.
        self.keys.first().ok_or(CryptoError::UnknownKey {
            key_id: String::new(),
        })
    }

    fn with_new_active_key(mut self) -> Result<KeyRing, KeyError> {
        let mut n = self
            .keys
            .iter()
            .filter_map(|k| k.id.strip_prefix('k')?.parse::<u64>().ok())
            .max()
            .unwrap_or(0);
        let id = loop {
            n = n.wrapping_add(1);
            let candidate = format!("k{n}");
            if !self.keys.iter().any(|k| k.id == candidate) {
                break candidate;
            }
        };
        self.keys.insert(0, DataKey::new(id, random_key()?));
        Ok(self)
    }

    /// Key file content. Zeroed when dropped; sized up front so that no
    /// reallocation leaves copies of key material in freed memory.
    fn to_file_text(&self) -> Zeroizing<String> {
        let entries: Vec<(&str, &KeyBytes)> = self
            .keys
            .iter()
            .map(|k| (k.id.as_str(), &k.material))
            .chain(std::iter::once((INDEX_KEY_ID, &self.index_key)))
            .collect();
        let encoded_len = KEY_LEN.div_ceil(3) * 4;
        let capacity = KEY_FILE_HEADER.len()
            + entries
                .iter()
                .map(|(id, _)| id.len() + encoded_len + 2)
                .sum::<usize>();
        let mut out = Zeroizing::new(String::with_capacity(capacity));
        out.push_str(KEY_FILE_HEADER);
        for (id, material) in entries {
            out.push_str(id);
            out.push(':');
            STANDARD.encode_string(&material[..], &mut out);
            out.push('\n');
        }
        out
    }
}

/// Comment block at the top of every key file written by this crate.
const KEY_FILE_HEADER: &str = "\
# 小宝个人信息字段加密密钥。仅限属主读写（0600），切勿提交到版本库或写入数据库。
# 格式：每行 <密钥id>:<Base64 编码的 32 字节密钥>。
# 第一个非 index 的条目是当前加密密钥，其余条目用于解密历史数据，不可删除。
# index 是盲索引专用密钥，轮换时保持不变；更换它会使所有已存盲索引失效。
";

// ---------------------------------------------------------------------------
// Ciphertext format

struct ParsedCiphertext<'a> {
    key_id: &'a str,
    payload: &'a str,
}

fn parse_ciphertext(value: &str) -> Result<ParsedCiphertext<'_>, CryptoError> {
    let mut parts = value.splitn(3, ':');
    let version = parts.next().unwrap_or_default();
    let (Some(key_id), Some(payload)) = (parts.next(), parts.next()) else {
        return Err(CryptoError::Malformed("应为 v1:<密钥id>:<数据>"));
    };
    if version != CIPHERTEXT_VERSION {
        let looks_versioned = version.len() > 1
            && version.starts_with('v')
            && version[1..].bytes().all(|b| b.is_ascii_digit());
        return Err(if looks_versioned {
            CryptoError::UnsupportedVersion
        } else {
            CryptoError::Malformed("应为 v1:<密钥id>:<数据>")
        });
    }
    if !valid_key_id(key_id) {
        return Err(CryptoError::Malformed("密钥 id 无效"));
    }
    Ok(ParsedCiphertext { key_id, payload })
}

fn decode_payload(payload: &str) -> Result<Vec<u8>, CryptoError> {
    let blob = STANDARD
        .decode(payload)
        .map_err(|_| CryptoError::Malformed("数据部分不是有效的 Base64"))?;
    if blob.len() < NONCE_LEN + TAG_LEN {
        return Err(CryptoError::Malformed("数据部分过短"));
    }
    Ok(blob)
}

// ---------------------------------------------------------------------------
// Key specification

fn parse_spec(text: &str, source: &KeySource) -> Result<KeyRing, KeyError> {
    let parse_err = |entry: usize, reason: &'static str| KeyError::Parse {
        source_name: source.clone(),
        entry,
        reason,
    };
    let invalid = |reason: String| KeyError::Invalid {
        source_name: source.clone(),
        reason,
    };

    let mut keys: Vec<DataKey> = Vec::new();
    let mut index_key: Option<KeyBytes> = None;
    // Entries are numbered by position, blank and comment items included, so
    // that in a file without commas the number is the line number.
    for (i, item) in text.split(['\n', ',']).enumerate() {
        let entry = i + 1;
        let item = item.trim();
        if item.is_empty() || item.starts_with('#') {
            continue;
        }
        let Some((id, encoded)) = item.split_once(':') else {
            return Err(parse_err(entry, "缺少冒号，应为 <密钥id>:<Base64 密钥>"));
        };
        let (id, encoded) = (id.trim(), encoded.trim());
        if !valid_key_id(id) {
            return Err(parse_err(
                entry,
                "密钥 id 只能由 1–32 个字母、数字或 _ . - 组成",
            ));
        }
        let decoded = Zeroizing::new(
            KEY_BASE64
                .decode(encoded)
                .map_err(|_| parse_err(entry, "密钥不是有效的 Base64"))?,
        );
        let material: [u8; KEY_LEN] = decoded
            .as_slice()
            .try_into()
            .map_err(|_| parse_err(entry, "密钥长度必须是 32 字节（AES-256）"))?;
        let material = Zeroizing::new(material);
        if id == INDEX_KEY_ID {
            if index_key.is_some() {
                return Err(invalid("盲索引密钥 index 出现了多次".to_owned()));
            }
            index_key = Some(material);
        } else {
            if keys.iter().any(|k| k.id == id) {
                return Err(invalid(format!("密钥 id「{id}」重复")));
            }
            keys.push(DataKey::new(id.to_owned(), material));
        }
    }
    if keys.is_empty() {
        return Err(invalid(
            "没有数据加密密钥：除 index 外至少需要一个 <密钥id>:<Base64 密钥> 条目".to_owned(),
        ));
    }
    let Some(index_key) = index_key else {
        return Err(invalid(
            "缺少盲索引密钥 index（index:<Base64 密钥>）；盲索引必须使用独立且不随轮换变化的密钥"
                .to_owned(),
        ));
    };
    if keys.iter().any(|k| k.material[..] == index_key[..]) {
        return Err(invalid(
            "盲索引密钥 index 不得与数据加密密钥相同".to_owned(),
        ));
    }
    Ok(KeyRing { keys, index_key })
}

// ---------------------------------------------------------------------------
// Key file I/O

fn io_err(action: &'static str, path: &Path) -> impl FnOnce(io::Error) -> KeyError + use<> {
    let path = path.to_owned();
    move |source| KeyError::Io {
        action,
        path,
        source,
    }
}

fn read_key_file(path: &Path) -> Result<Zeroizing<String>, KeyError> {
    let file = File::open(path).map_err(io_err("读取密钥文件", path))?;
    let meta = file.metadata().map_err(io_err("读取密钥文件", path))?;
    if !meta.is_file() {
        return Err(KeyError::NotAFile {
            path: path.to_owned(),
        });
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = meta.permissions().mode() & 0o7777;
        if mode & 0o077 != 0 {
            return Err(KeyError::TooPermissive {
                path: path.to_owned(),
                mode,
            });
        }
    }
    let source = KeySource::File(path.to_owned());
    let too_large = || KeyError::Invalid {
        source_name: source.clone(),
        reason: format!("文件过大（超过 {MAX_KEY_FILE_BYTES} 字节），不是密钥文件"),
    };
    if meta.len() > MAX_KEY_FILE_BYTES {
        return Err(too_large());
    }
    let mut bytes = Zeroizing::new(Vec::with_capacity(
        usize::try_from(meta.len()).unwrap_or(0).saturating_add(1),
    ));
    file.take(MAX_KEY_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io_err("读取密钥文件", path))?;
    if bytes.len() as u64 > MAX_KEY_FILE_BYTES {
        return Err(too_large());
    }
    match String::from_utf8(std::mem::take(&mut *bytes)) {
        Ok(text) => Ok(Zeroizing::new(text)),
        Err(e) => {
            e.into_bytes().zeroize();
            Err(KeyError::Invalid {
                source_name: source,
                reason: "内容不是 UTF-8 文本，文件可能已损坏".to_owned(),
            })
        }
    }
}

fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Writes `contents` to a new owner-only temporary file next to `path`,
/// flushed to disk, and returns its path.
fn write_temp_file(path: &Path, contents: &str) -> Result<PathBuf, KeyError> {
    let mut suffix = [0u8; 8];
    getrandom::fill(&mut suffix).map_err(|_| KeyError::Random)?;
    let name = path
        .file_name()
        .map_or_else(|| "pii-keys".into(), |n| n.to_string_lossy());
    let tmp = parent_dir(path).join(format!(".{name}.{}.tmp", hex::encode(suffix)));
    let result = (|| {
        let mut file = create_owner_only(&tmp)?;
        file.write_all(contents.as_bytes())?;
        file.sync_all()
    })();
    match result {
        Ok(()) => Ok(tmp),
        Err(source) => {
            let _ = fs::remove_file(&tmp);
            Err(KeyError::Io {
                action: "写入密钥文件",
                path: path.to_owned(),
                source,
            })
        }
    }
}

/// Creates a new file that only the owner can read and write. The mode is
/// set at creation (no window with wider permissions) and again explicitly,
/// so an unusual umask cannot leave the owner without write access.
fn create_owner_only(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
        options.mode(0o600);
        let file = options.open(path)?;
        file.set_permissions(fs::Permissions::from_mode(0o600))?;
        Ok(file)
    }
    #[cfg(not(unix))]
    {
        options.open(path)
    }
}

fn create_key_file(path: &Path) -> Result<KeyRing, KeyError> {
    let dir = parent_dir(path);
    fs::create_dir_all(dir).map_err(io_err("创建密钥文件所在目录", dir))?;
    let ring = KeyRing::generate()?;
    let text = ring.to_file_text();
    let tmp = write_temp_file(path, &text)?;
    // A hard link publishes the complete file atomically and, unlike rename,
    // fails if another process created the key file in the meantime.
    let linked = fs::hard_link(&tmp, path);
    let _ = fs::remove_file(&tmp);
    match linked {
        Ok(()) => {
            sync_parent_dir(path);
            Ok(ring)
        }
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => KeyRing::load(path),
        Err(_) => {
            // File systems without hard links: create in place instead.
            let mut file = match create_owner_only(path) {
                Ok(file) => file,
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => return KeyRing::load(path),
                Err(source) => {
                    return Err(KeyError::Io {
                        action: "创建密钥文件",
                        path: path.to_owned(),
                        source,
                    });
                }
            };
            let written = file
                .write_all(text.as_bytes())
                .and_then(|()| file.sync_all());
            if let Err(source) = written {
                drop(file);
                let _ = fs::remove_file(path);
                return Err(KeyError::Io {
                    action: "写入密钥文件",
                    path: path.to_owned(),
                    source,
                });
            }
            sync_parent_dir(path);
            Ok(ring)
        }
    }
}

/// Flushes the directory entry after a create or rename (Unix). Best effort:
/// the file itself is already durable and in place, and failing here would
/// misreport a completed operation.
fn sync_parent_dir(path: &Path) {
    #[cfg(unix)]
    if let Ok(dir) = File::open(parent_dir(path)) {
        let _ = dir.sync_all();
    }
    #[cfg(not(unix))]
    let _ = path;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_ids_are_restricted() {
        assert!(valid_key_id("k1"));
        assert!(valid_key_id("2025-06_a.b"));
        assert!(!valid_key_id(""));
        assert!(!valid_key_id("k:1"));
        assert!(!valid_key_id("密钥"));
        assert!(!valid_key_id(&"k".repeat(33)));
    }

    #[test]
    fn next_key_id_follows_highest_k_number() {
        let ring = KeyRing::generate().unwrap();
        let ring = ring.with_new_active_key().unwrap();
        assert_eq!(ring.key_ids().collect::<Vec<_>>(), ["k2", "k1"]);
        let ring = ring.with_new_active_key().unwrap();
        assert_eq!(ring.active_key_id(), "k3");
    }

    #[test]
    fn file_text_round_trips() {
        let ring = KeyRing::generate().unwrap().with_new_active_key().unwrap();
        let text = ring.to_file_text();
        // Sized exactly: no reallocation copied key material around.
        assert_eq!(text.len(), text.capacity());
        let again = KeyRing::parse(&text).unwrap();
        assert_eq!(again.key_ids().collect::<Vec<_>>(), ["k2", "k1"]);
        let ct = ring.encrypt("phone", "13800138000").unwrap();
        assert_eq!(*again.decrypt("phone", &ct).unwrap(), "13800138000");
        assert_eq!(
            ring.blind_index("phone", "13800138000"),
            again.blind_index("phone", "13800138000")
        );
    }
}
