//! Property tests for PII masking: whatever surrounds them, valid ID, card
//! and mobile numbers never survive masking, and masking is idempotent.

use proptest::prelude::*;
use xiaobao_text::normalize::normalize;
use xiaobao_text::pii::{PiiKind, detect, id_check_char, luhn_valid, mask};

const PROVINCES: [u8; 31] = [
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
    53, 54, 61, 62, 63, 64, 65,
];

/// Filler that cannot form a serial-number keyword, a digit or a Latin letter.
const FILLER: &[char] = &[
    '我', '的', '卡', '在', '银', '行', '办', '理', '业', '务', '被', '扣', '钱', '了', '请', '尽',
    '快', '处', '谢', '，', '。', '！', '？', '、', ' ', '：', '（', '）', '电', '话', '手', '机',
    '身', '份', '证',
];

fn filler() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(FILLER), 1..8).prop_map(|v| v.into_iter().collect())
}

fn id_number() -> impl Strategy<Value = String> {
    (
        prop::sample::select(&PROVINCES[..]),
        0u32..10_000,
        1930i32..2020,
        1u32..13,
        1u32..29,
        0u32..1000,
    )
        .prop_map(|(p, area, y, m, d, seq)| {
            let first17 = format!("{p:02}{area:04}{y:04}{m:02}{d:02}{seq:03}");
            let check = id_check_char(&first17).map(char::from).unwrap_or('0');
            format!("{first17}{check}")
        })
}

fn card_number() -> impl Strategy<Value = String> {
    (16usize..=19, prop::collection::vec(0u8..10, 17)).prop_map(|(len, digits)| {
        let mut s = String::from("62");
        for d in digits.iter().take(len - 3) {
            s.push(char::from(b'0' + d));
        }
        (0..10)
            .map(|c| format!("{s}{c}"))
            .find(|c| luhn_valid(c))
            .unwrap_or_default()
    })
}

fn mobile_number() -> impl Strategy<Value = String> {
    (3u8..10, 0u64..1_000_000_000).prop_map(|(second, rest)| format!("1{second}{rest:09}"))
}

#[derive(Debug, Clone)]
enum Style {
    Plain,
    FullWidth,
    Grouped(char),
}

fn style() -> impl Strategy<Value = Style> {
    prop_oneof![
        Just(Style::Plain),
        Just(Style::FullWidth),
        Just(Style::Grouped(' ')),
        Just(Style::Grouped('-')),
    ]
}

fn render(value: &str, kind: PiiKind, style: &Style) -> String {
    match style {
        Style::Plain => value.to_string(),
        Style::FullWidth => value
            .chars()
            .map(|c| match c {
                '0'..='9' => char::from_u32(c as u32 - '0' as u32 + 0xFF10).unwrap_or(c),
                'X' => 'Ｘ',
                other => other,
            })
            .collect(),
        Style::Grouped(sep) => {
            let sizes: Vec<usize> = match kind {
                PiiKind::Mobile => vec![3, 4, 4],
                PiiKind::IdNumber => vec![6, 8, 4],
                _ => {
                    let mut v = vec![4; value.len() / 4];
                    if !value.len().is_multiple_of(4) {
                        v.push(value.len() % 4);
                    }
                    v
                }
            };
            let mut out = String::new();
            let mut pos = 0;
            for (i, n) in sizes.iter().enumerate() {
                if i > 0 {
                    out.push(*sep);
                }
                out.push_str(&value[pos..pos + n]);
                pos += n;
            }
            out
        }
    }
}

fn pii_value() -> impl Strategy<Value = (String, PiiKind, Style)> {
    prop_oneof![
        (id_number(), style()).prop_map(|(v, s)| (v, PiiKind::IdNumber, s)),
        (card_number(), style()).prop_map(|(v, s)| (v, PiiKind::BankCard, s)),
        (mobile_number(), style()).prop_map(|(v, s)| (v, PiiKind::Mobile, s)),
    ]
}

fn document() -> impl Strategy<Value = (String, Vec<(String, PiiKind)>)> {
    (
        filler(),
        prop::collection::vec((pii_value(), filler()), 1..4),
    )
        .prop_map(|(head, parts)| {
            let mut text = head;
            let mut values = Vec::new();
            for ((value, kind, style), tail) in parts {
                text.push_str(&render(&value, kind, &style));
                text.push_str(&tail);
                values.push((value, kind));
            }
            (text, values)
        })
}

/// Normalised text with separators removed, so a value split by spaces or
/// dashes is still found.
fn squashed(text: &str) -> String {
    normalize(text)
        .chars()
        .filter(|c| !matches!(c, ' ' | '-'))
        .collect()
}

proptest! {
    // 512 cases by default; PROPTEST_CASES raises it for a longer run.
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(512)
    ))]

    #[test]
    fn masking_never_leaks_valid_numbers((text, values) in document()) {
        let masked = mask(&text);
        let out = squashed(&masked.text);
        for (value, kind) in &values {
            prop_assert!(!out.contains(value.as_str()), "{kind:?} leaked in {:?}", masked.text);
        }
        let again = detect(&masked.text);
        prop_assert!(
            again.iter().all(|d| !matches!(d.kind, PiiKind::IdNumber | PiiKind::BankCard | PiiKind::Mobile)),
            "still detectable after masking: {again:?}"
        );
        prop_assert!(masked.detections.len() >= values.len(), "{:?}", masked.detections);
    }

    #[test]
    fn masking_is_idempotent((text, _values) in document()) {
        let once = mask(&text).text;
        let twice = mask(&once).text;
        prop_assert_eq!(twice, once);
    }

    #[test]
    fn masking_arbitrary_text_never_panics_and_is_idempotent(text in "\\PC{0,60}") {
        let once = mask(&text);
        for d in &once.detections {
            prop_assert!(d.start < d.end && d.end <= text.chars().count());
        }
        prop_assert_eq!(mask(&once.text).text, once.text.clone());
    }

    #[test]
    fn c3_secrets_are_removed(code in 1000u32..99_999_999, keyword in prop::sample::select(vec!["验证码", "验证码是", "短信验证码：", "动态码为", "取款密码", "密码是"])) {
        let text = format!("对方让我把{keyword}{code}发给他");
        let masked = mask(&text);
        prop_assert!(masked.has_c3());
        prop_assert!(!masked.text.contains(&code.to_string()), "{}", masked.text);
    }
}
