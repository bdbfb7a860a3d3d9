//! The `Pii` facade: validate, encrypt, mask and index in one call.

use xiaobao_pii::{KeyRing, MaskPolicy, Pii, PiiError, PiiField, PiiNote, ValidationErrorKind};

fn pii() -> Pii {
    Pii::new(KeyRing::generate().unwrap(), MaskPolicy::default())
}

#[test]
fn protect_phone() {
    let pii = pii();
    let p = pii.protect(PiiField::Phone, "+86 138-0013-8000").unwrap();
    assert!(p.ciphertext.starts_with("v1:k1:"));
    assert_eq!(p.masked, "138****8000");
    assert!(p.notes.is_empty());
    assert_eq!(
        pii.reveal(PiiField::Phone, &p.ciphertext).unwrap().as_str(),
        "13800138000"
    );
    // Any presentation of the same number gives the same index.
    let plain = pii.protect(PiiField::Phone, "13800138000").unwrap();
    assert_eq!(p.blind_index, plain.blind_index);
    assert!(p.blind_index.is_some());
    assert_ne!(p.ciphertext, plain.ciphertext);
    assert_eq!(
        pii.search_index(PiiField::Phone, "0086 138 0013 8000")
            .unwrap(),
        p.blind_index
    );
    let other = pii.protect(PiiField::Phone, "13800138001").unwrap();
    assert_ne!(other.blind_index, p.blind_index);
}

#[test]
fn protect_landline() {
    let pii = pii();
    let p = pii.protect(PiiField::Phone, "(0571) 8888 6666").unwrap();
    assert_eq!(p.masked, "0571-******66");
    assert_eq!(p.notes, [PiiNote::Landline]);
    assert_eq!(
        pii.reveal(PiiField::Phone, &p.ciphertext).unwrap().as_str(),
        "0571-88886666"
    );
}

#[test]
fn protect_id_number() {
    let pii = pii();
    let p = pii
        .protect(PiiField::IdNumber, "34052419800101001x")
        .unwrap();
    assert_eq!(p.masked, "340***********001X");
    assert!(p.notes.is_empty());
    assert_eq!(
        pii.reveal(PiiField::IdNumber, &p.ciphertext)
            .unwrap()
            .as_str(),
        "34052419800101001X"
    );
    // Encrypted for the id_number column only.
    assert!(pii.reveal(PiiField::Phone, &p.ciphertext).is_err());
}

#[test]
fn legacy_id_matches_its_18_digit_form() {
    let pii = pii();
    let old = pii.protect(PiiField::IdNumber, "110105491231002").unwrap();
    let new = pii
        .protect(PiiField::IdNumber, "11010519491231002X")
        .unwrap();
    assert_eq!(old.notes, [PiiNote::LegacyIdNumber]);
    assert_eq!(old.blind_index, new.blind_index);
    assert_eq!(old.masked, "110********1002");
    assert_eq!(
        pii.reveal(PiiField::IdNumber, &old.ciphertext)
            .unwrap()
            .as_str(),
        "110105491231002"
    );
    assert_eq!(
        pii.search_index(PiiField::IdNumber, "110105491231002")
            .unwrap(),
        new.blind_index
    );
}

#[test]
fn protect_cards() {
    let pii = pii();
    let ok = pii
        .protect(PiiField::CardNumber, "6222 0212 3456 7894")
        .unwrap();
    assert_eq!(ok.masked, "622202******7894");
    assert!(ok.notes.is_empty());
    let luhn = pii
        .protect(PiiField::CardNumber, "6222021234567891")
        .unwrap();
    assert_eq!(luhn.notes, [PiiNote::LuhnCheckFailed]);
    let account = pii
        .protect(PiiField::CardNumber, "310066661018010123456")
        .unwrap();
    assert_eq!(account.notes, [PiiNote::AccountNumber]);
    assert_eq!(account.masked, "310066***********3456");
    let short = pii.protect(PiiField::CardNumber, "622202123456").unwrap();
    assert_eq!(short.masked, "********3456");
    // Same digits, different field → different index.
    let as_phone_index = pii.keys().blind_index("phone", "6222021234567894");
    assert_ne!(ok.blind_index.as_deref(), Some(as_phone_index.as_str()));
}

#[test]
fn protect_name_has_no_index() {
    let pii = pii();
    let p = pii.protect(PiiField::Name, "  欧阳  娜娜 ").unwrap();
    assert_eq!(p.blind_index, None);
    assert_eq!(p.masked, "欧阳***");
    assert_eq!(
        pii.reveal(PiiField::Name, &p.ciphertext).unwrap().as_str(),
        "欧阳 娜娜"
    );
    assert_eq!(pii.search_index(PiiField::Name, "欧阳娜娜").unwrap(), None);
}

#[test]
fn invalid_input_is_rejected_before_encryption() {
    let pii = pii();
    match pii.protect(PiiField::IdNumber, "340524198001010010") {
        Err(PiiError::Validation(e)) => {
            assert_eq!(e.field, PiiField::IdNumber);
            assert_eq!(e.kind, ValidationErrorKind::Checksum);
            assert_eq!(
                PiiError::Validation(e).to_string(),
                "证件号码：校验码不正确，请逐位核对"
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        pii.protect(PiiField::Phone, "12345"),
        Err(PiiError::Validation(_))
    ));
    assert!(matches!(
        pii.search_index(PiiField::Phone, "12345"),
        Err(PiiError::Validation(_))
    ));
    assert!(matches!(
        pii.protect(PiiField::Name, "   "),
        Err(PiiError::Validation(_))
    ));
}

#[test]
fn remask_and_rotation_through_the_facade() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pii.keys");
    let before = Pii::new(
        KeyRing::load_or_create(&path).unwrap(),
        MaskPolicy::default(),
    );
    let p = before
        .protect(PiiField::IdNumber, "34052419800101001X")
        .unwrap();

    let strict: MaskPolicy =
        serde_json::from_str(r#"{"id_number": {"head": 1, "tail": 1, "min_hidden": 8}}"#).unwrap();
    let after = Pii::new(KeyRing::rotate(&path).unwrap(), strict);
    assert_eq!(
        after.remask(PiiField::IdNumber, &p.ciphertext).unwrap(),
        "3****************X"
    );
    assert!(after.needs_rotation(&p.ciphertext));
    let re = after.reencrypt(PiiField::IdNumber, &p.ciphertext).unwrap();
    assert!(!after.needs_rotation(&re));
    assert_eq!(
        after
            .search_index(PiiField::IdNumber, "34052419800101001X")
            .unwrap(),
        p.blind_index
    );
    assert!(after.reencrypt(PiiField::Phone, &p.ciphertext).is_err());
}

#[test]
fn debug_output_does_not_leak() {
    let pii = pii();
    let p = pii
        .protect(PiiField::IdNumber, "34052419800101001X")
        .unwrap();
    let dbg = format!("{pii:?} {p:?}");
    assert!(!dbg.contains("34052419800101001X"), "{dbg}");
    assert!(dbg.contains("340***********001X"), "{dbg}");
}

#[test]
fn field_names_and_labels() {
    let names: Vec<String> = PiiField::ALL
        .iter()
        .map(|f| serde_json::to_string(f).unwrap())
        .collect();
    assert_eq!(
        names,
        [
            r#""name""#,
            r#""phone""#,
            r#""id_number""#,
            r#""card_number""#
        ]
    );
    for f in PiiField::ALL {
        assert_eq!(
            serde_json::to_string(&f).unwrap(),
            format!("\"{}\"", f.as_str())
        );
        let back: PiiField = serde_json::from_str(&format!("\"{}\"", f.as_str())).unwrap();
        assert_eq!(back, f);
    }
    let labels: Vec<&str> = PiiField::ALL.iter().map(|f| f.label()).collect();
    assert_eq!(labels, ["姓名", "联系电话", "证件号码", "卡号/账号"]);
    assert_eq!(PiiField::Phone.to_string(), "联系电话");
    assert!(serde_json::from_str::<PiiField>(r#""IdNumber""#).is_err());
}

#[test]
fn notes_have_chinese_messages() {
    for note in [
        PiiNote::LegacyIdNumber,
        PiiNote::Landline,
        PiiNote::AccountNumber,
        PiiNote::LuhnCheckFailed,
    ] {
        assert!(!note.message().is_empty());
        assert!(
            note.message()
                .chars()
                .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
        );
    }
    assert_eq!(
        serde_json::to_string(&PiiNote::LuhnCheckFailed).unwrap(),
        r#""luhn_check_failed""#
    );
}
