//! Key file creation, permissions, corruption and rotation.

use std::fs;

use xiaobao_pii::{KeyError, KeyRing};

#[cfg(unix)]
fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt as _;
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[cfg(unix)]
fn set_mode(path: &std::path::Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt as _;
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn creates_key_file_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data/keys/pii.keys");
    assert!(!path.exists());
    let first = KeyRing::load_or_create(&path).unwrap();
    assert!(path.is_file());
    #[cfg(unix)]
    assert_eq!(mode(&path), 0o600);

    let text = fs::read_to_string(&path).unwrap();
    let entries: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .collect();
    assert_eq!(entries.len(), 2, "{entries:?}");
    assert!(entries[0].starts_with("k1:"));
    assert!(entries[1].starts_with("index:"));
    // No temporary files left behind.
    assert_eq!(fs::read_dir(path.parent().unwrap()).unwrap().count(), 1);

    let ct = first.encrypt("phone", "13800138000").unwrap();
    let again = KeyRing::load_or_create(&path).unwrap();
    assert_eq!(again.decrypt("phone", &ct).unwrap().as_str(), "13800138000");
    assert_eq!(
        first.blind_index("phone", "13800138000"),
        again.blind_index("phone", "13800138000")
    );
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        text,
        "existing file untouched"
    );
}

#[cfg(unix)]
#[test]
fn refuses_permissive_key_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pii.keys");
    KeyRing::load_or_create(&path).unwrap();
    for bad in [0o644, 0o640, 0o604, 0o660] {
        set_mode(&path, bad);
        let err = KeyRing::load_or_create(&path).unwrap_err();
        match &err {
            KeyError::TooPermissive { mode, .. } => assert_eq!(*mode, bad),
            other => panic!("{bad:o}: {other:?}"),
        }
        assert!(err.to_string().contains("chmod 600"), "{err}");
        assert!(KeyRing::rotate(&path).is_err(), "rotation must refuse too");
    }
    set_mode(&path, 0o400);
    assert!(KeyRing::load(&path).is_ok(), "read-only for owner is fine");
}

#[test]
fn corrupt_key_files_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let cases: &[(&[u8], &str)] = &[
        (b"this is not a key file\n", "第 1 行无效"),
        (b"", "没有数据加密密钥"),
        (b"# only a comment\n", "没有数据加密密钥"),
        (
            b"k1:AAAA\nindex:AAAA\n",
            "第 1 行无效：密钥长度必须是 32 字节",
        ),
        (b"\xff\xfe\x00garbage", "不是 UTF-8"),
    ];
    for (i, (content, expected)) in cases.iter().enumerate() {
        let path = dir.path().join(format!("corrupt-{i}.keys"));
        fs::write(&path, content).unwrap();
        #[cfg(unix)]
        set_mode(&path, 0o600);
        let err = KeyRing::load_or_create(&path).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("密钥文件"), "{msg}");
        assert!(msg.contains(&path.display().to_string()), "{msg}");
        assert!(msg.contains(expected), "{i}: {msg}");
        // A corrupt file is never replaced by fresh keys.
        assert_eq!(fs::read(&path).unwrap(), *content);
    }
}

#[test]
fn oversized_and_non_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.keys");
    fs::write(&big, vec![b'#'; 70 * 1024]).unwrap();
    #[cfg(unix)]
    set_mode(&big, 0o600);
    let msg = KeyRing::load(&big).unwrap_err().to_string();
    assert!(msg.contains("文件过大"), "{msg}");

    let sub = dir.path().join("a-directory");
    fs::create_dir(&sub).unwrap();
    #[cfg(unix)]
    set_mode(&sub, 0o700);
    assert!(matches!(
        KeyRing::load_or_create(&sub),
        Err(KeyError::NotAFile { .. })
    ));
}

#[test]
fn rotation_keeps_old_ciphertexts_readable() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pii.keys");
    let v1 = KeyRing::load_or_create(&path).unwrap();
    let old = v1.encrypt("id_number", "34052419800101001X").unwrap();
    let index_before = v1.blind_index("id_number", "34052419800101001X");

    let v2 = KeyRing::rotate(&path).unwrap();
    assert_eq!(v2.active_key_id(), "k2");
    assert_eq!(v2.key_ids().collect::<Vec<_>>(), ["k2", "k1"]);
    #[cfg(unix)]
    assert_eq!(mode(&path), 0o600);
    assert_eq!(
        fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temp files"
    );

    // The file on disk is what rotate returned.
    let reloaded = KeyRing::load(&path).unwrap();
    assert_eq!(reloaded.active_key_id(), "k2");
    for ring in [&v2, &reloaded] {
        assert_eq!(
            ring.decrypt("id_number", &old).unwrap().as_str(),
            "34052419800101001X"
        );
        assert!(ring.needs_rotation(&old));
        assert_eq!(
            ring.blind_index("id_number", "34052419800101001X"),
            index_before
        );
    }
    assert!(!v1.needs_rotation(&old));

    let new = v2.reencrypt("id_number", &old).unwrap();
    assert!(new.starts_with("v1:k2:"), "{new}");
    assert!(!v2.needs_rotation(&new));
    assert_eq!(
        reloaded.decrypt("id_number", &new).unwrap().as_str(),
        "34052419800101001X"
    );
    // The old ring does not know k2.
    assert!(v1.decrypt("id_number", &new).is_err());

    let v3 = KeyRing::rotate(&path).unwrap();
    assert_eq!(v3.key_ids().collect::<Vec<_>>(), ["k3", "k2", "k1"]);
    assert!(v3.decrypt("id_number", &old).is_ok());
    assert!(v3.decrypt("id_number", &new).is_ok());
    assert_eq!(
        v3.blind_index("id_number", "34052419800101001X"),
        index_before
    );
}

#[test]
fn rotation_requires_an_existing_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("missing.keys");
    let err = KeyRing::rotate(&path).unwrap_err();
    assert!(matches!(err, KeyError::Io { .. }), "{err:?}");
    assert!(err.to_string().starts_with("读取密钥文件失败"), "{err}");
    assert!(!path.exists());
}

#[test]
fn operator_written_key_file_loads() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ops.keys");
    fs::write(
        &path,
        "# 运维手工写入\n\
         2025a:QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI=\n\
         index:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n",
    )
    .unwrap();
    #[cfg(unix)]
    set_mode(&path, 0o600);
    let ring = KeyRing::load_or_create(&path).unwrap();
    assert_eq!(ring.active_key_id(), "2025a");
    // Rotation numbers new keys after the highest k<n>; none here.
    let rotated = KeyRing::rotate(&path).unwrap();
    assert_eq!(rotated.key_ids().collect::<Vec<_>>(), ["k1", "2025a"]);
}
