//! Table-driven tests of the intake validators.

use chrono::NaiveDate;
use xiaobao_pii::validate::{
    self, CardKind, IdNumberKind, PhoneKind, id_check_char, id_number_on, luhn_valid,
};
use xiaobao_pii::{PiiField, ValidationError, ValidationErrorKind as K};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 6, 1).unwrap()
}

/// An error message must name the field and must not echo the input.
fn assert_message_is_safe(err: &ValidationError, field: PiiField, raw: &str) {
    let msg = err.to_string();
    assert!(
        msg.starts_with(field.label()),
        "message {msg:?} does not start with {}",
        field.label()
    );
    let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
    if digits.len() >= 5 {
        for window in digits.as_bytes().windows(5) {
            let w = std::str::from_utf8(window).unwrap();
            assert!(!msg.contains(w), "message {msg:?} leaks input digits {w}");
        }
    }
}

#[test]
fn id_numbers_valid() {
    let cases: &[(&str, &str, IdNumberKind)] = &[
        // Public test vector with check character X.
        (
            "34052419800101001X",
            "34052419800101001X",
            IdNumberKind::Resident18,
        ),
        (
            "34052419800101001x",
            "34052419800101001X",
            IdNumberKind::Resident18,
        ),
        (
            "11010519491231002X",
            "11010519491231002X",
            IdNumberKind::Resident18,
        ),
        (
            "440304198812311235",
            "440304198812311235",
            IdNumberKind::Resident18,
        ),
        // 2000 is a leap year.
        (
            "110101200002290018",
            "110101200002290018",
            IdNumberKind::Resident18,
        ),
        // Born today is not in the future.
        (
            "110101202506010015",
            "110101202506010015",
            IdNumberKind::Resident18,
        ),
        // Hong Kong residence permit prefix.
        (
            "810000199001011230",
            "810000199001011230",
            IdNumberKind::Resident18,
        ),
        (
            " 340524 19800101 001X ",
            "34052419800101001X",
            IdNumberKind::Resident18,
        ),
        (
            "340524-19800101-001X",
            "34052419800101001X",
            IdNumberKind::Resident18,
        ),
        (
            "３４０５２４１９８００１０１００１Ｘ",
            "34052419800101001X",
            IdNumberKind::Resident18,
        ),
        ("110105491231002", "110105491231002", IdNumberKind::Legacy15),
    ];
    for (raw, canonical, kind) in cases {
        let id = id_number_on(raw, today()).unwrap_or_else(|e| panic!("{raw}: {e}"));
        assert_eq!(id.as_str(), *canonical, "{raw}");
        assert_eq!(id.kind(), *kind, "{raw}");
    }
}

#[test]
fn id_numbers_invalid() {
    let cases: &[(&str, K)] = &[
        ("", K::Empty),
        ("  - ", K::Empty),
        (
            "34052419800101001",
            K::WrongLength {
                expected: " 18 位（或旧版 15 位）",
                actual: 17,
            },
        ),
        (
            "3405241980010100101",
            K::WrongLength {
                expected: " 18 位（或旧版 15 位）",
                actual: 19,
            },
        ),
        // Correct check character is X.
        ("340524198001010010", K::Checksum),
        ("340524198001010011", K::Checksum),
        // One digit changed in the body.
        ("34052419800101002X", K::Checksum),
        // Feb 30 does not exist.
        ("110101199002300014", K::BirthDate),
        // 1900 was not a leap year.
        ("110101190002290011", K::BirthDate),
        ("110101199013010015", K::BirthDate),
        // Tomorrow relative to the fixed today.
        ("110101202506020010", K::BirthDateInFuture),
        ("110101209901010017", K::BirthDateInFuture),
        ("110101179901010012", K::BirthDateTooEarly),
        ("990101199001010019", K::RegionCode),
        ("010101199001010019", K::RegionCode),
        (
            "3405241980010100X1",
            K::InvalidCharacters {
                allowed: "只能包含数字，18 位号码末位可以是 X",
            },
        ),
        (
            "34052419800101001Y",
            K::InvalidCharacters {
                allowed: "只能包含数字，18 位号码末位可以是 X",
            },
        ),
        (
            "11010549123100X",
            K::InvalidCharacters {
                allowed: "只能包含数字，18 位号码末位可以是 X",
            },
        ),
        // Legacy number with Feb 30.
        ("110105490230002", K::BirthDate),
    ];
    for (raw, kind) in cases {
        let err = id_number_on(raw, today()).expect_err(raw);
        assert_eq!(err.field, PiiField::IdNumber, "{raw}");
        assert_eq!(&err.kind, kind, "{raw}");
        assert_message_is_safe(&err, PiiField::IdNumber, raw);
    }
}

#[test]
fn id_number_future_date_against_real_clock() {
    let err = validate::id_number("110101209901010017").unwrap_err();
    assert_eq!(err.kind, K::BirthDateInFuture);
    assert!(validate::id_number("34052419800101001X").is_ok());
}

#[test]
fn id_error_message_is_chinese_and_precise() {
    let err = id_number_on("340524198001010010", today()).unwrap_err();
    assert_eq!(err.to_string(), "证件号码：校验码不正确，请逐位核对");
    let err = id_number_on("3405241980", today()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "证件号码：位数不正确，应为 18 位（或旧版 15 位），实际 10 位"
    );
}

#[test]
fn legacy_id_upgrades_to_18_digits() {
    let id = id_number_on("110105491231002", today()).unwrap();
    assert_eq!(id.kind(), IdNumberKind::Legacy15);
    assert_eq!(id.to_18().as_str(), "11010519491231002X");
    assert_eq!(
        id.birth_date(),
        NaiveDate::from_ymd_opt(1949, 12, 31).unwrap()
    );
    let modern = id_number_on("11010519491231002X", today()).unwrap();
    assert_eq!(modern.to_18().as_str(), "11010519491231002X");
}

#[test]
fn id_check_char_table() {
    assert_eq!(id_check_char("34052419800101001"), Some('X'));
    assert_eq!(id_check_char("44030419881231123"), Some('5'));
    assert_eq!(id_check_char("11010120000229001"), Some('8'));
    assert_eq!(id_check_char("3405241980010100"), None);
    assert_eq!(id_check_char("3405241980010100a"), None);
}

#[test]
fn debug_of_validated_values_is_masked() {
    let id = id_number_on("34052419800101001X", today()).unwrap();
    let dbg = format!("{id:?}");
    assert!(!dbg.contains("34052419800101001X"), "{dbg}");
    assert!(dbg.contains("340***********001X"), "{dbg}");
    let phone = validate::mobile("13800138000").unwrap();
    assert!(!format!("{phone:?}").contains("13800138000"));
    let card = validate::card_number("6222021234567894").unwrap();
    assert!(!format!("{card:?}").contains("6222021234567894"));
    let name = validate::name("张三丰").unwrap();
    assert!(!format!("{name:?}").contains("张三丰"));
}

#[test]
fn mobiles_valid() {
    let cases: &[(&str, &str, PhoneKind)] = &[
        ("13800138000", "13800138000", PhoneKind::Mobile),
        ("19912345678", "19912345678", PhoneKind::Mobile),
        ("+86 138 0013 8000", "13800138000", PhoneKind::Mobile),
        ("+86-138-0013-8000", "13800138000", PhoneKind::Mobile),
        ("+8613800138000", "13800138000", PhoneKind::Mobile),
        ("0086 13800138000", "13800138000", PhoneKind::Mobile),
        ("8613800138000", "13800138000", PhoneKind::Mobile),
        ("138-0013-8000", "13800138000", PhoneKind::Mobile),
        ("(+86) 13800138000", "13800138000", PhoneKind::Mobile),
        ("１３８ ００１３ ８０００", "13800138000", PhoneKind::Mobile),
        (
            "＋８６１３８００１３８０００",
            "13800138000",
            PhoneKind::Mobile,
        ),
        ("0571-88886666", "0571-88886666", PhoneKind::Landline),
        ("057188886666", "0571-88886666", PhoneKind::Landline),
        ("(010) 6552 9988", "010-65529988", PhoneKind::Landline),
        ("+86 21 6123 4567", "021-61234567", PhoneKind::Landline),
        ("0086 0755 2345678", "0755-2345678", PhoneKind::Landline),
    ];
    for (raw, canonical, kind) in cases {
        let phone = validate::mobile(raw).unwrap_or_else(|e| panic!("{raw}: {e}"));
        assert_eq!(phone.as_str(), *canonical, "{raw}");
        assert_eq!(phone.kind(), *kind, "{raw}");
    }
}

#[test]
fn mobiles_invalid() {
    let chars = K::InvalidCharacters {
        allowed: "只能包含数字、空格、连字符、括号和 +86 前缀",
    };
    let cases: &[(&str, K)] = &[
        ("", K::Empty),
        (" - ", K::Empty),
        ("+86", K::Empty),
        ("12800138000", K::MobilePrefix),
        ("10086100861", K::MobilePrefix),
        (
            "1380013800",
            K::WrongLength {
                expected: " 11 位手机号",
                actual: 10,
            },
        ),
        (
            "138001380001",
            K::WrongLength {
                expected: " 11 位手机号",
                actual: 12,
            },
        ),
        ("+1 415 555 0100", K::CountryCode),
        ("001 415 555 0100", K::CountryCode),
        ("138OO138000", chars.clone()),
        ("abc", chars),
        ("95588", K::NotAPhoneNumber),
        ("0571-0777666", K::NotAPhoneNumber),
        ("0571-777766661", K::NotAPhoneNumber),
        ("0571-77766", K::NotAPhoneNumber),
    ];
    for (raw, kind) in cases {
        let err = validate::mobile(raw).expect_err(raw);
        assert_eq!(err.field, PiiField::Phone, "{raw}");
        assert_eq!(&err.kind, kind, "{raw}");
        assert_message_is_safe(&err, PiiField::Phone, raw);
    }
}

#[test]
fn cards_and_accounts() {
    // (input, digits, kind, luhn_failed)
    let cases: &[(&str, &str, CardKind, bool)] = &[
        (
            "6222021234567894",
            "6222021234567894",
            CardKind::Card,
            false,
        ),
        (
            "6222 0212 3456 7894",
            "6222021234567894",
            CardKind::Card,
            false,
        ),
        (
            "6222-0212-3456-7894",
            "6222021234567894",
            CardKind::Card,
            false,
        ),
        (
            "6217000000000000004",
            "6217000000000000004",
            CardKind::Card,
            false,
        ),
        (
            "4111111111111111",
            "4111111111111111",
            CardKind::Card,
            false,
        ),
        // Luhn failure is a warning, not an error.
        ("6222021234567891", "6222021234567891", CardKind::Card, true),
        (
            "6217000000000000005",
            "6217000000000000005",
            CardKind::Card,
            true,
        ),
        ("622202123456", "622202123456", CardKind::Account, false),
        (
            "1234567890123456789012345",
            "1234567890123456789012345",
            CardKind::Account,
            false,
        ),
        (
            "12345678901234567890",
            "12345678901234567890",
            CardKind::Account,
            false,
        ),
    ];
    for (raw, digits, kind, luhn_failed) in cases {
        let card = validate::card_number(raw).unwrap_or_else(|e| panic!("{raw}: {e}"));
        assert_eq!(card.as_str(), *digits, "{raw}");
        assert_eq!(card.kind(), *kind, "{raw}");
        assert_eq!(card.luhn_failed(), *luhn_failed, "{raw}");
    }
}

#[test]
fn cards_invalid() {
    let len = |actual| K::WrongLength {
        expected: "银行卡号 16–19 位或账号 12–25 位",
        actual,
    };
    let cases: &[(&str, K)] = &[
        ("", K::Empty),
        ("12345678901", len(11)),
        ("12345678901234567890123456", len(26)),
        (
            "6222O21234567894",
            K::InvalidCharacters {
                allowed: "只能包含数字、空格和连字符",
            },
        ),
    ];
    for (raw, kind) in cases {
        let err = validate::card_number(raw).expect_err(raw);
        assert_eq!(err.field, PiiField::CardNumber, "{raw}");
        assert_eq!(&err.kind, kind, "{raw}");
        assert_message_is_safe(&err, PiiField::CardNumber, raw);
    }
}

#[test]
fn luhn_table() {
    for ok in ["4111111111111111", "6222021234567894", "79927398713", "0"] {
        assert!(luhn_valid(ok), "{ok}");
    }
    for bad in [
        "4111111111111112",
        "6222021234567891",
        "79927398710",
        "",
        "12a4",
    ] {
        assert!(!luhn_valid(bad), "{bad}");
    }
}

#[test]
fn names_valid() {
    let fifty = "名".repeat(50);
    let cases: &[(&str, &str)] = &[
        ("张三", "张三"),
        ("  欧阳娜娜 ", "欧阳娜娜"),
        ("欧阳   娜娜", "欧阳 娜娜"),
        ("\u{3000}李四\u{3000}", "李四"),
        ("John\t Smith", "John Smith"),
        ("买买提·艾力", "买买提·艾力"),
        ("王", "王"),
        (&fifty, &fifty),
    ];
    for (raw, canonical) in cases {
        let name = validate::name(raw).unwrap_or_else(|e| panic!("{raw}: {e}"));
        assert_eq!(name.as_str(), *canonical, "{raw}");
    }
}

#[test]
fn names_invalid() {
    let fifty_one = "名".repeat(51);
    let cases: &[(&str, K)] = &[
        ("", K::Empty),
        (" \u{3000}\t", K::Empty),
        (
            &fifty_one,
            K::TooLong {
                max: 50,
                actual: 51,
            },
        ),
        ("张\u{200B}三", K::ControlCharacters),
        ("张\u{0007}三", K::ControlCharacters),
        ("\u{202E}张三", K::ControlCharacters),
    ];
    for (raw, kind) in cases {
        let err = validate::name(raw).expect_err(raw);
        assert_eq!(err.field, PiiField::Name, "{raw}");
        assert_eq!(&err.kind, kind, "{raw}");
    }
    assert_eq!(
        validate::name(&fifty_one).unwrap_err().to_string(),
        "姓名：过长，最多 50 个字符，实际 51 个"
    );
}

mod never_panic {
    use proptest::prelude::*;
    use xiaobao_pii::validate;

    fn check(s: &str) {
        let _ = validate::id_number(s);
        let _ = validate::mobile(s);
        let _ = validate::card_number(s);
        let _ = validate::name(s);
    }

    proptest! {
        #[test]
        fn on_any_text(s in "\\PC{0,40}") {
            check(&s);
        }

        #[test]
        fn on_number_like_text(s in "[0-9xX+()\\- ０-９＋（）]{0,30}") {
            check(&s);
        }

        /// Whatever the mobile validator accepts is canonical: validating
        /// its own output gives the same value.
        #[test]
        fn phone_canonical_form_is_stable(s in "(\\+86|0086|86)?[ -]?1[3-9][0-9]{9}") {
            let phone = validate::mobile(&s).unwrap();
            let again = validate::mobile(phone.as_str()).unwrap();
            prop_assert_eq!(phone.as_str(), again.as_str());
            prop_assert_eq!(phone.as_str().len(), 11);
        }
    }
}
