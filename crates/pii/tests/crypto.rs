//! Field encryption, rotation, blind indexes and key sources.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use xiaobao_pii::{CryptoError, KeyError, KeyRing};

/// Data key `k7` = 32 × 0x42, index key = bytes 0..=31.
const FIXED_SPEC: &str = "k7:QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI=,\
                          index:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

fn fixed() -> KeyRing {
    KeyRing::parse(FIXED_SPEC).unwrap()
}

fn random_key_b64() -> String {
    let mut key = [0u8; 32];
    getrandom::fill(&mut key).unwrap();
    STANDARD.encode(key)
}

#[test]
fn round_trip() {
    let ring = KeyRing::generate().unwrap();
    for (field, value) in [
        ("phone", "13800138000"),
        ("name", "欧阳娜娜"),
        ("id_number", "34052419800101001X"),
        ("name", ""),
    ] {
        let ct = ring.encrypt(field, value).unwrap();
        assert!(ct.starts_with("v1:k1:"), "{ct}");
        assert!(!ct.contains(value) || value.is_empty());
        assert!(KeyRing::is_ciphertext(&ct));
        assert_eq!(ring.decrypt(field, &ct).unwrap().as_str(), value);
    }
}

#[test]
fn nonces_are_fresh() {
    let ring = KeyRing::generate().unwrap();
    let a = ring.encrypt("phone", "13800138000").unwrap();
    let b = ring.encrypt("phone", "13800138000").unwrap();
    assert_ne!(a, b);
    let nonce = |ct: &str| STANDARD.decode(ct.rsplit(':').next().unwrap()).unwrap()[..12].to_vec();
    assert_ne!(nonce(&a), nonce(&b));
    // nonce (12) + plaintext (11) + tag (16)
    assert_eq!(
        STANDARD
            .decode(a.rsplit(':').next().unwrap())
            .unwrap()
            .len(),
        39
    );
}

/// A ciphertext produced independently (Python `cryptography`, AES-GCM with
/// key 32 × 0x42, nonce 00..0b, AAD "name") decrypts: the format is exactly
/// `v1:<id>:base64(nonce ‖ ciphertext ‖ tag)` with the field name as AAD.
#[test]
fn decrypts_independently_produced_ciphertext() {
    let ct = "v1:k7:AAECAwQFBgcICQoL4GIxOQmlNh9KC99rYH1A08VcVGFjzg==";
    assert_eq!(fixed().decrypt("name", ct).unwrap().as_str(), "张三");
    assert!(matches!(
        fixed().decrypt("phone", ct),
        Err(CryptoError::DecryptFailed)
    ));
}

#[test]
fn wrong_field_fails() {
    let ring = KeyRing::generate().unwrap();
    let ct = ring.encrypt("phone", "13800138000").unwrap();
    for other in ["id_number", "Phone", "phone ", ""] {
        assert!(
            matches!(ring.decrypt(other, &ct), Err(CryptoError::DecryptFailed)),
            "{other:?}"
        );
    }
}

#[test]
fn tampering_is_detected() {
    let ring = KeyRing::generate().unwrap();
    let ct = ring.encrypt("id_number", "34052419800101001X").unwrap();
    let blob = STANDARD.decode(ct.rsplit(':').next().unwrap()).unwrap();
    // Flip one bit in the nonce, the ciphertext body and the tag.
    for pos in [0, 11, 12, 20, blob.len() - 1] {
        let mut bad = blob.clone();
        bad[pos] ^= 0x01;
        let forged = format!("v1:k1:{}", STANDARD.encode(&bad));
        assert!(
            matches!(
                ring.decrypt("id_number", &forged),
                Err(CryptoError::DecryptFailed)
            ),
            "flip at {pos}"
        );
    }
    // Truncated tag.
    let short = format!("v1:k1:{}", STANDARD.encode(&blob[..blob.len() - 1]));
    assert!(matches!(
        ring.decrypt("id_number", &short),
        Err(CryptoError::DecryptFailed)
    ));
}

#[test]
fn other_keys_cannot_decrypt() {
    let a = KeyRing::generate().unwrap();
    let b = KeyRing::generate().unwrap();
    let ct = a.encrypt("phone", "13800138000").unwrap();
    // Same key id, different key material.
    assert!(matches!(
        b.decrypt("phone", &ct),
        Err(CryptoError::DecryptFailed)
    ));
}

#[test]
fn malformed_values_are_rejected() {
    let ring = KeyRing::generate().unwrap();
    let cases = [
        "13800138000",
        "v1:k1",
        "v1::AAAA",
        "v1:k 1:AAAA",
        "v1:k1:not base64!",
        "v1:k1:AAECAwQFBgcICQoL",
        "",
    ];
    for value in cases {
        let err = ring.decrypt("phone", value).unwrap_err();
        assert!(
            matches!(err, CryptoError::Malformed(_)),
            "{value:?}: {err:?}"
        );
        assert!(!KeyRing::is_ciphertext(value), "{value:?}");
        assert!(!ring.needs_rotation(value), "{value:?}");
        if value.len() > 4 {
            assert!(!err.to_string().contains(value), "message echoes input");
        }
    }
    let err = ring.decrypt("phone", "v2:k1:AAAA").unwrap_err();
    assert!(matches!(err, CryptoError::UnsupportedVersion), "{err:?}");
    let ct = ring.encrypt("phone", "13800138000").unwrap();
    let unknown = ct.replacen("v1:k1:", "v1:k9:", 1);
    match ring.decrypt("phone", &unknown).unwrap_err() {
        CryptoError::UnknownKey { key_id } => assert_eq!(key_id, "k9"),
        other => panic!("{other:?}"),
    }
    // The index key never decrypts.
    let as_index = ct.replacen("v1:k1:", "v1:index:", 1);
    assert!(matches!(
        ring.decrypt("phone", &as_index),
        Err(CryptoError::UnknownKey { .. })
    ));
}

#[test]
fn blind_index_known_answer() {
    // Reference values computed independently with Python hmac/hashlib:
    // HMAC-SHA256(HKDF-SHA256(salt "xiaobao-pii/blind-index/v1",
    // ikm = index key, info = field), value).
    let ring = fixed();
    assert_eq!(
        ring.blind_index("phone", "13800138000"),
        "b66986865d3df3e278395fcc3bb84d5879de3b0fbf8dc0406adca9bf1772fd0d"
    );
    assert_eq!(
        ring.blind_index("id_number", "34052419800101001X"),
        "a17c28fe4ee888581c4e2765dbf5799bc03ee21594ed6f8b4b4d9da9a34f75db"
    );
}

#[test]
fn blind_index_properties() {
    let ring = KeyRing::generate().unwrap();
    let a = ring.blind_index("phone", "13800138000");
    assert_eq!(a, ring.blind_index("phone", "13800138000"));
    assert_eq!(a.len(), 64);
    assert!(
        a.bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    );
    assert_ne!(a, ring.blind_index("phone", "13800138001"));
    assert_ne!(a, ring.blind_index("id_number", "13800138000"));
    assert_ne!(a, ring.blind_index("card_number", "13800138000"));
    let other = KeyRing::generate().unwrap();
    assert_ne!(a, other.blind_index("phone", "13800138000"));
}

#[test]
fn blind_index_uses_index_key_only() {
    // Same index key, different data keys: same index.
    let index = random_key_b64();
    let r1 = KeyRing::parse(&format!("a:{},index:{index}", random_key_b64())).unwrap();
    let r2 = KeyRing::parse(&format!(
        "b:{},a:{},index:{index}",
        random_key_b64(),
        random_key_b64()
    ))
    .unwrap();
    assert_eq!(
        r1.blind_index("phone", "13800138000"),
        r2.blind_index("phone", "13800138000")
    );
    // Same data key, different index key: different index.
    let data = random_key_b64();
    let r3 = KeyRing::parse(&format!("a:{data},index:{}", random_key_b64())).unwrap();
    let r4 = KeyRing::parse(&format!("a:{data},index:{}", random_key_b64())).unwrap();
    assert_ne!(
        r3.blind_index("phone", "13800138000"),
        r4.blind_index("phone", "13800138000")
    );
}

#[test]
fn first_data_key_is_active_wherever_index_is() {
    let (a, b, i) = (random_key_b64(), random_key_b64(), random_key_b64());
    let ring = KeyRing::parse(&format!("index:{i}, new:{a} ,old:{b}")).unwrap();
    assert_eq!(ring.active_key_id(), "new");
    assert_eq!(ring.key_ids().collect::<Vec<_>>(), ["new", "old"]);
    let old_only = KeyRing::parse(&format!("old:{b},index:{i}")).unwrap();
    let ct = old_only.encrypt("phone", "13800138000").unwrap();
    assert!(ring.needs_rotation(&ct));
    assert!(!old_only.needs_rotation(&ct));
    let re = ring.reencrypt("phone", &ct).unwrap();
    assert!(re.starts_with("v1:new:"));
    assert!(!ring.needs_rotation(&re));
    assert_eq!(ring.decrypt("phone", &re).unwrap().as_str(), "13800138000");
    // Re-encryption keeps the field binding.
    assert!(ring.decrypt("name", &re).is_err());
    assert!(ring.reencrypt("name", &ct).is_err());
    // Multi-line spec with comments, unpadded base64.
    let multi = format!(
        "# comment\n\nnew:{}\r\nindex:{i}\n",
        a.trim_end_matches('=')
    );
    assert_eq!(KeyRing::parse(&multi).unwrap().active_key_id(), "new");
}

#[test]
fn spec_errors() {
    let (a, i) = (random_key_b64(), random_key_b64());
    let short = STANDARD.encode([7u8; 16]);
    let cases: Vec<(String, &str)> = vec![
        (format!("k1:{a}"), "缺少盲索引密钥"),
        (format!("index:{i}"), "没有数据加密密钥"),
        (String::new(), "没有数据加密密钥"),
        (format!("k1:{a},k1:{i},index:{}", random_key_b64()), "重复"),
        (format!("k1:{a},index:{i},index:{i}"), "出现了多次"),
        (format!("k1:{a},index:{a}"), "不得与数据加密密钥相同"),
        (format!("k1{a},index:{i}"), "第 1 项无效：缺少冒号"),
        (
            format!("k1:{a},index:{i},k2:@@@@"),
            "第 3 项无效：密钥不是有效的 Base64",
        ),
        (
            format!("k1:{short},index:{i}"),
            "第 1 项无效：密钥长度必须是 32 字节",
        ),
        (format!("k 1:{a},index:{i}"), "密钥 id 只能由"),
    ];
    for (spec, expected) in cases {
        let err = KeyRing::parse(&spec).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains(expected), "{spec:?}: {msg}");
        for secret in [&a, &i, &short] {
            assert!(
                !msg.contains(secret.as_str()),
                "message leaks key material: {msg}"
            );
        }
    }
}

#[test]
fn debug_never_prints_keys() {
    let ring = fixed();
    let dbg = format!("{ring:?}");
    assert!(dbg.contains("k7"), "{dbg}");
    for secret in ["QkJCQkJC", "AAECAwQF"] {
        assert!(!dbg.contains(secret), "{dbg}");
    }
    assert!(!dbg.contains("66, 66"), "{dbg}");
}

#[test]
fn from_env() {
    const VAR: &str = "XIAOBAO_PII_KEYS_TEST_FROM_ENV";
    assert!(matches!(
        KeyRing::from_env(VAR),
        Err(KeyError::EnvMissing { .. })
    ));
    // SAFETY: this variable name is used by this test only, and nothing in
    // this test binary reads the environment through libc concurrently.
    unsafe { std::env::set_var(VAR, FIXED_SPEC) };
    let ring = KeyRing::from_env(VAR).unwrap();
    assert_eq!(ring.active_key_id(), "k7");
    assert_eq!(
        ring.blind_index("phone", "13800138000"),
        fixed().blind_index("phone", "13800138000")
    );
    // SAFETY: as above.
    unsafe { std::env::set_var(VAR, "k7:QkJC") };
    let msg = KeyRing::from_env(VAR).unwrap_err().to_string();
    assert!(
        msg.starts_with(&format!("环境变量 {VAR}第 1 项无效")),
        "{msg}"
    );
    // SAFETY: as above.
    unsafe { std::env::remove_var(VAR) };
}

mod never_panic {
    use proptest::prelude::*;
    use xiaobao_pii::KeyRing;

    proptest! {
        #[test]
        fn decrypt_and_parse_on_any_text(s in "\\PC{0,60}", b in "v1:k1:[A-Za-z0-9+/=]{0,80}") {
            let ring = KeyRing::generate().unwrap();
            for value in [&s, &b] {
                prop_assert!(ring.decrypt("phone", value).is_err());
                let _ = ring.needs_rotation(value);
                let _ = KeyRing::is_ciphertext(value);
                prop_assert!(KeyRing::parse(value).is_err());
            }
        }

        #[test]
        fn round_trip_any_text(field in "[a-z_]{0,12}", value in "\\PC{0,60}") {
            let ring = KeyRing::generate().unwrap();
            let ct = ring.encrypt(&field, &value).unwrap();
            let plain = ring.decrypt(&field, &ct).unwrap();
            prop_assert_eq!(plain.as_str(), value.as_str());
        }
    }
}
