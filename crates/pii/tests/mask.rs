//! Masking rules and the "never reveals more than the policy allows" property.

use proptest::prelude::*;
use xiaobao_pii::PiiField;
use xiaobao_pii::mask::{KeepRule, MaskPolicy};

#[test]
fn default_rules() {
    let p = MaskPolicy::default();
    let cases: &[(&str, String, &str)] = &[
        ("card 16", p.card("6222021234561234"), "622202******1234"),
        (
            "card 19",
            p.card("6217000000000000004"),
            "621700*********0004",
        ),
        (
            "account 12 keeps tail only",
            p.card("622202123456"),
            "********3456",
        ),
        ("card too short", p.card("123456789"), "*********"),
        (
            "id 18",
            p.id_number("110105194912313432"),
            "110***********3432",
        ),
        ("id 15", p.id_number("110105491231002"), "110********1002"),
        ("id short", p.id_number("1101051"), "*******"),
        ("mobile", p.mobile("13812345678"), "138****5678"),
        ("mobile short", p.mobile("1381234"), "*******"),
        (
            "landline dashed",
            p.landline("0571-88886666"),
            "0571-******66",
        ),
        ("landline plain", p.landline("01065529988"), "010******88"),
        (
            "landline 7 digits",
            p.landline("0755-2345678"),
            "0755-*****78",
        ),
        (
            "landline short subscriber",
            p.landline("0571-12345"),
            "0571-*****",
        ),
        ("landline no area code", p.landline("88886666"), "******66"),
        ("phone → mobile", p.phone("13812345678"), "138****5678"),
        (
            "phone → landline",
            p.phone("0571-88886666"),
            "0571-******66",
        ),
        ("name 2", p.name("张三"), "张*"),
        ("name 3", p.name("张三丰"), "张**"),
        ("compound surname", p.name("欧阳娜娜"), "欧阳**"),
        ("compound surname 3", p.name("诸葛亮"), "诸葛*"),
        ("two chars of a compound surname", p.name("欧阳"), "欧*"),
        ("single", p.name("王"), "*"),
        ("trimmed", p.name(" 李四 "), "李*"),
        ("latin", p.name("John Smith"), "J*********"),
        ("empty name", p.name(""), ""),
        ("email", p.email("zhangsan@example.com"), "z***@example.com"),
        (
            "email one-letter local",
            p.email("z@example.com"),
            "***@example.com",
        ),
        (
            "email two @",
            p.email("a@b@example.com"),
            "a***@example.com",
        ),
        ("email no @", p.email("zhangsan"), "***"),
        ("email empty domain", p.email("zhangsan@"), "***"),
        ("email empty local", p.email("@example.com"), "***"),
        (
            "chinese email local",
            p.email("小宝@例子.中国"),
            "小***@例子.中国",
        ),
    ];
    for (what, got, want) in cases {
        assert_eq!(got, want, "{what}");
    }
}

#[test]
fn mask_by_field() {
    let p = MaskPolicy::default();
    assert_eq!(p.mask(PiiField::Name, "欧阳娜娜"), "欧阳**");
    assert_eq!(p.mask(PiiField::Phone, "13812345678"), "138****5678");
    assert_eq!(p.mask(PiiField::Phone, "0571-88886666"), "0571-******66");
    assert_eq!(
        p.mask(PiiField::IdNumber, "110105194912313432"),
        "110***********3432"
    );
    assert_eq!(
        p.mask(PiiField::CardNumber, "6222021234561234"),
        "622202******1234"
    );
}

#[test]
fn configurable_rules() {
    let strict: MaskPolicy = serde_json::from_str(
        r##"{
            "mask_char": "#",
            "id_number": {"head": 1, "tail": 1, "min_hidden": 8},
            "card": {"head": 0, "tail": 4, "min_hidden": 8},
            "landline": {"keep_area_code": false},
            "name": {"compound_surnames": false},
            "email": {"local_head": 0}
        }"##,
    )
    .unwrap();
    assert_eq!(strict.id_number("110105194912313432"), "1################2");
    assert_eq!(strict.card("6222021234561234"), "############1234");
    assert_eq!(strict.landline("0571-88886666"), "###########66");
    assert_eq!(strict.name("欧阳娜娜"), "欧###");
    assert_eq!(strict.email("zhangsan@example.com"), "###@example.com");
    // Unchanged fields keep their defaults.
    assert_eq!(strict.mobile("13812345678"), "138####5678");

    let hidden: MaskPolicy = serde_json::from_str(r#"{"name": {"keep_surname": false}}"#).unwrap();
    assert_eq!(hidden.name("张三"), "**");

    let err = serde_json::from_str::<MaskPolicy>(r#"{"crad": {"head": 6}}"#);
    assert!(err.is_err(), "unknown keys must be rejected");

    let round: MaskPolicy = serde_json::from_str(&serde_json::to_string(&strict).unwrap()).unwrap();
    assert_eq!(round, strict);
}

/// Returns (leading, trailing) counts of characters that were left visible,
/// asserting that every visible character sits in an unbroken prefix or
/// suffix and equals the input character at that position.
fn visible_runs(input: &[char], output: &[char], mask: char) -> (usize, usize) {
    assert_eq!(input.len(), output.len(), "length must be preserved");
    let head = output.iter().take_while(|&&c| c != mask).count();
    let tail = if head == output.len() {
        0
    } else {
        output.iter().rev().take_while(|&&c| c != mask).count()
    };
    for (i, (a, b)) in input.iter().zip(output).enumerate() {
        if i < head || i >= output.len() - tail {
            assert_eq!(a, b, "visible character at {i} differs from input");
        } else {
            assert_eq!(*b, mask, "character at {i} must be masked");
        }
    }
    (head, tail)
}

fn rule() -> impl Strategy<Value = KeepRule> {
    (0usize..12, 0usize..12, 0usize..12).prop_map(|(h, t, m)| KeepRule::new(h, t, m))
}

/// Inputs never contain the mask character, so visible characters can be
/// told from masked ones.
fn text() -> impl Strategy<Value = String> {
    "[0-9A-Za-z\u{4e00}-\u{4e80}@.\\- ]{0,40}"
}

proptest! {
    #[test]
    fn keep_rule_never_reveals_more(value in text(), rule in rule()) {
        let out = rule.apply(&value, '*');
        let input: Vec<char> = value.chars().collect();
        let output: Vec<char> = out.chars().collect();
        let (head, tail) = visible_runs(&input, &output, '*');
        prop_assert!(head <= rule.head, "head {head} > {}", rule.head);
        prop_assert!(tail <= rule.tail, "tail {tail} > {}", rule.tail);
        // Anything visible requires at least min_hidden (and at least one)
        // masked characters; otherwise the whole value is masked.
        if head + tail > 0 {
            let hidden = input.len() - head - tail;
            prop_assert!(hidden >= rule.min_hidden.max(1),
                "hidden {hidden} < min {}", rule.min_hidden.max(1));
        }
    }

    #[test]
    fn default_field_rules_never_reveal_more(digits in "[0-9]{0,30}") {
        let p = MaskPolicy::default();
        let input: Vec<char> = digits.chars().collect();
        for (out, max_head, max_tail, min_hidden) in [
            (p.card(&digits), 6, 4, 6),
            (p.id_number(&digits), 3, 4, 8),
            (p.mobile(&digits), 3, 4, 4),
        ] {
            let output: Vec<char> = out.chars().collect();
            let (head, tail) = visible_runs(&input, &output, '*');
            prop_assert!(head <= max_head && tail <= max_tail);
            if head + tail > 0 {
                prop_assert!(input.len() - head - tail >= min_hidden);
            }
        }
    }

    #[test]
    fn landline_reveals_area_code_and_tail_only(
        area in "0[1-9][0-9]{1,2}", subscriber in "[0-9]{0,12}", dash in any::<bool>()
    ) {
        let p = MaskPolicy::default();
        let value = if dash { format!("{area}-{subscriber}") } else { format!("{area}{subscriber}") };
        let out = p.landline(&value);
        let input: Vec<char> = value.chars().collect();
        let output: Vec<char> = out.chars().collect();
        let (head, tail) = visible_runs(&input, &output, '*');
        // At most an area code (≤ 4 digits, and its dash) in front, at most
        // 2 digits at the end, and always something masked.
        prop_assert!(head <= 4 + usize::from(dash), "{value} → {out}");
        prop_assert!(tail <= 2, "{value} → {out}");
        prop_assert!(out.contains('*'), "{value} → {out}");
    }

    #[test]
    fn names_show_at_most_the_surname(name in "[\u{4e00}-\u{9fa5}a-z]{0,12}") {
        let p = MaskPolicy::default();
        let out = p.name(&name);
        let input: Vec<char> = name.chars().collect();
        let output: Vec<char> = out.chars().collect();
        let (head, tail) = visible_runs(&input, &output, '*');
        prop_assert!(head <= 2);
        prop_assert_eq!(tail, 0);
        if !input.is_empty() {
            prop_assert!(head < input.len(), "at least one character hidden");
        }
        if input.len() == 1 {
            prop_assert_eq!(out, "*");
        }
    }

    #[test]
    fn email_shows_at_most_first_letter_and_domain(local in "[a-z0-9.]{0,12}", domain in "[a-z]{0,8}(\\.[a-z]{2,3})?") {
        let p = MaskPolicy::default();
        let value = format!("{local}@{domain}");
        let out = p.email(&value);
        if local.is_empty() || domain.is_empty() {
            prop_assert_eq!(out, "***");
        } else {
            let (masked_local, masked_domain) = out.rsplit_once('@').unwrap();
            prop_assert_eq!(masked_domain, domain.as_str());
            let shown = masked_local.trim_end_matches('*');
            prop_assert!(shown.chars().count() <= 1);
            prop_assert!(local.starts_with(shown));
            prop_assert!(shown.chars().count() < local.chars().count());
            prop_assert!(masked_local.ends_with("***"));
        }
    }

    #[test]
    fn masking_never_panics(value in "\\PC{0,40}") {
        let p = MaskPolicy::default();
        for field in PiiField::ALL {
            let _ = p.mask(field, &value);
        }
        let _ = p.landline(&value);
        let _ = p.email(&value);
    }
}
