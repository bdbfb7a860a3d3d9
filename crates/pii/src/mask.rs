//! Display masking (信息屏蔽).
//!
//! Personal information is shown masked everywhere — screens, exports,
//! reports — and revealed only through an audited path. The default rules
//! follow the practice documented for JR/T 0171-2020 in regulations.md §4.1:
//!
//! | field | default | example |
//! |---|---|---|
//! | card / account | first 6 + last 4 | `622202******1234` |
//! | ID number | first 3 + last 4 | `110***********3432` |
//! | mobile | first 3 + last 4 | `138****5678` |
//! | fixed line | area code + last 2 | `0571-******66` |
//! | name | surname only | `张*`, `欧阳**` |
//! | e-mail | first letter of the local part | `z***@example.com` |
//!
//! Appendix A of the standard could not be consulted, so every rule is
//! configurable through [`MaskPolicy`] (serde, all fields optional).
//!
//! The guarantee is one-sided: masking never reveals more than the policy
//! allows, whatever the input. A keep rule also demands a minimum number of
//! hidden characters; input too short to satisfy it first loses its head
//! (only the tail stays) and then is masked entirely. Masking works on
//! characters, not bytes, and never panics.

use serde::{Deserialize, Serialize};

use crate::field::PiiField;
use crate::validate::area_code_len;

/// Keep `head` leading and `tail` trailing characters and mask the rest,
/// provided at least `min_hidden` characters end up masked.
///
/// When the input is too short for head + tail + `min_hidden`, only the tail
/// is kept if that still hides `min_hidden` characters; otherwise everything
/// is masked. At least one character is always hidden (a `min_hidden` of 0
/// counts as 1). The output has as many characters as the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeepRule {
    /// Leading characters shown.
    pub head: usize,
    /// Trailing characters shown.
    pub tail: usize,
    /// Minimum number of masked characters required before anything is shown.
    pub min_hidden: usize,
}

impl KeepRule {
    /// A rule showing `head` + `tail` characters with at least `min_hidden` masked.
    #[must_use]
    pub const fn new(head: usize, tail: usize, min_hidden: usize) -> Self {
        KeepRule {
            head,
            tail,
            min_hidden,
        }
    }

    /// Number of leading and trailing characters to reveal for an input of
    /// `len` characters.
    #[must_use]
    pub fn visible(&self, len: usize) -> (usize, usize) {
        let min_hidden = self.min_hidden.max(1);
        if len
            >= self
                .head
                .saturating_add(self.tail)
                .saturating_add(min_hidden)
        {
            (self.head, self.tail)
        } else if len >= self.tail.saturating_add(min_hidden) {
            (0, self.tail)
        } else {
            (0, 0)
        }
    }

    /// Masks `value` with `mask_char`.
    #[must_use]
    pub fn apply(&self, value: &str, mask_char: char) -> String {
        let len = value.chars().count();
        let (head, tail) = self.visible(len);
        value
            .chars()
            .enumerate()
            .map(|(i, c)| {
                if i < head || i >= len - tail {
                    c
                } else {
                    mask_char
                }
            })
            .collect()
    }
}

/// Fixed-line masking: keep the area code and the last digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LandlineRule {
    /// Show the area code (it reveals only the city).
    pub keep_area_code: bool,
    /// Trailing digits of the subscriber number shown.
    pub tail: usize,
    /// Minimum number of masked subscriber digits.
    pub min_hidden: usize,
}

impl Default for LandlineRule {
    fn default() -> Self {
        LandlineRule {
            keep_area_code: true,
            tail: 2,
            min_hidden: 4,
        }
    }
}

/// Name masking: keep the surname, mask the given name character by character.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NameRule {
    /// Show the surname at all. When `false` every character is masked.
    pub keep_surname: bool,
    /// Recognise two-character compound surnames (欧阳, 司马, 诸葛 …) in names
    /// of three or more characters and show both characters. When `false`
    /// only the first character is ever shown.
    pub compound_surnames: bool,
}

impl Default for NameRule {
    fn default() -> Self {
        NameRule {
            keep_surname: true,
            compound_surnames: true,
        }
    }
}

/// E-mail masking: first letters of the local part, then `***@domain`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EmailRule {
    /// Leading characters of the local part shown; a local part no longer
    /// than this is hidden completely.
    pub local_head: usize,
}

impl Default for EmailRule {
    fn default() -> Self {
        EmailRule { local_head: 1 }
    }
}

/// Masking rules per field. Every field has a default, so a configuration
/// only needs to list what it changes:
///
/// ```
/// let policy: xiaobao_pii::MaskPolicy =
///     serde_json::from_str(r#"{"id_number": {"head": 1, "tail": 1, "min_hidden": 8}}"#).unwrap();
/// assert_eq!(policy.id_number("110105194912310021"), "1****************1");
/// assert_eq!(policy.mobile("13800138000"), "138****8000");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MaskPolicy {
    /// Replacement character.
    pub mask_char: char,
    /// Bank card and account numbers.
    pub card: KeepRule,
    /// ID numbers.
    pub id_number: KeepRule,
    /// Mobile numbers.
    pub mobile: KeepRule,
    /// Fixed-line numbers.
    pub landline: LandlineRule,
    /// Personal names.
    pub name: NameRule,
    /// E-mail addresses.
    pub email: EmailRule,
}

impl Default for MaskPolicy {
    fn default() -> Self {
        MaskPolicy {
            mask_char: '*',
            // 16-digit cards hide 6 digits; shorter account numbers fall back
            // to the last 4 (尾号) or full masking.
            card: KeepRule::new(6, 4, 6),
            // 18-digit numbers hide 11, legacy 15-digit numbers hide 8.
            id_number: KeepRule::new(3, 4, 8),
            mobile: KeepRule::new(3, 4, 4),
            landline: LandlineRule::default(),
            name: NameRule::default(),
            email: EmailRule::default(),
        }
    }
}

/// Two-character compound surnames (复姓), as in the 百家姓 plus 拓跋.
const COMPOUND_SURNAMES: &[&str] = &[
    "万俟", "司马", "上官", "欧阳", "夏侯", "诸葛", "闻人", "东方", "赫连", "皇甫", "尉迟", "公羊",
    "澹台", "公冶", "宗政", "濮阳", "淳于", "单于", "太叔", "申屠", "公孙", "仲孙", "轩辕", "令狐",
    "钟离", "宇文", "长孙", "慕容", "鲜于", "闾丘", "司徒", "司空", "亓官", "司寇", "子车", "颛孙",
    "端木", "巫马", "公西", "漆雕", "乐正", "壤驷", "公良", "拓跋", "夹谷", "宰父", "谷梁", "段干",
    "百里", "东郭", "南门", "呼延", "羊舌", "微生", "梁丘", "左丘", "东门", "西门", "南宫", "第五",
    "独孤",
];

impl MaskPolicy {
    /// Masks a card or account number.
    #[must_use]
    pub fn card(&self, value: &str) -> String {
        self.card.apply(value, self.mask_char)
    }

    /// Masks an ID number.
    #[must_use]
    pub fn id_number(&self, value: &str) -> String {
        self.id_number.apply(value, self.mask_char)
    }

    /// Masks a mobile number.
    #[must_use]
    pub fn mobile(&self, value: &str) -> String {
        self.mobile.apply(value, self.mask_char)
    }

    /// Masks a fixed-line number, `0571-88886666` or `057188886666`.
    ///
    /// The area code is kept only when it is recognisable (a leading 0, three
    /// digits for 010/02x, four otherwise, digits only) and followed by a
    /// subscriber number; everything after it is treated as the subscriber
    /// number. Unrecognisable input is masked as
    /// a whole, keeping at most the last `tail` characters.
    #[must_use]
    pub fn landline(&self, value: &str) -> String {
        let rule = KeepRule::new(0, self.landline.tail, self.landline.min_hidden);
        if self.landline.keep_area_code
            && let Some((area, sep, subscriber)) = split_area_code(value)
        {
            return format!("{area}{sep}{}", rule.apply(subscriber, self.mask_char));
        }
        rule.apply(value, self.mask_char)
    }

    /// Masks a contact number: 11 digits starting with 1 as a mobile, a
    /// leading 0 as a fixed line, anything else with the mobile rule.
    #[must_use]
    pub fn phone(&self, value: &str) -> String {
        if value.starts_with('0') {
            self.landline(value)
        } else {
            self.mobile(value)
        }
    }

    /// Masks a personal name: `张三` → `张*`, `欧阳娜娜` → `欧阳**`,
    /// single-character names → `*`. Surrounding whitespace is ignored.
    #[must_use]
    pub fn name(&self, value: &str) -> String {
        let value = value.trim();
        let len = value.chars().count();
        let surname = if !self.name.keep_surname {
            0
        } else if self.name.compound_surnames
            && len >= 3
            && COMPOUND_SURNAMES.iter().any(|s| value.starts_with(s))
        {
            2
        } else {
            1
        };
        // At least one character is always hidden.
        let shown = if len > surname { surname } else { 0 };
        value
            .chars()
            .enumerate()
            .map(|(i, c)| if i < shown { c } else { self.mask_char })
            .collect()
    }

    /// Masks an e-mail address: `zhangsan@example.com` → `z***@example.com`.
    ///
    /// The local part is always replaced by a fixed `***` (hiding its length)
    /// after at most `local_head` characters; the domain stays visible. Input
    /// without a usable `@` is replaced by `***` entirely.
    #[must_use]
    pub fn email(&self, value: &str) -> String {
        let value = value.trim();
        let stars: String = std::iter::repeat_n(self.mask_char, 3).collect();
        let Some((local, domain)) = value.rsplit_once('@') else {
            return stars;
        };
        if local.is_empty() || domain.is_empty() || domain.chars().any(char::is_whitespace) {
            return stars;
        }
        let local_len = local.chars().count();
        let head: String = if local_len > self.email.local_head {
            local.chars().take(self.email.local_head).collect()
        } else {
            String::new()
        };
        format!("{head}{stars}@{domain}")
    }

    /// Masks a value of the given field. Phone numbers are told apart by
    /// shape, see [`MaskPolicy::phone`].
    #[must_use]
    pub fn mask(&self, field: PiiField, value: &str) -> String {
        match field {
            PiiField::Name => self.name(value),
            PiiField::Phone => self.phone(value),
            PiiField::IdNumber => self.id_number(value),
            PiiField::CardNumber => self.card(value),
        }
    }
}

/// Splits a fixed-line number into area code, separator (`-` or nothing) and
/// subscriber part, when the area code is recognisable.
fn split_area_code(value: &str) -> Option<(&str, &str, &str)> {
    let (area, sep, subscriber) = match value.split_once('-') {
        Some((area, subscriber)) => (area, "-", subscriber),
        None => {
            let len = area_code_len(value)?;
            (value.get(..len)?, "", value.get(len..)?)
        }
    };
    let expected = area_code_len(area)?;
    if area.len() != expected || !area.bytes().all(|b| b.is_ascii_digit()) || subscriber.is_empty()
    {
        return None;
    }
    Some((area, sep, subscriber))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visible_falls_back_to_tail_then_nothing() {
        let rule = KeepRule::new(6, 4, 6);
        assert_eq!(rule.visible(16), (6, 4));
        assert_eq!(rule.visible(15), (0, 4));
        assert_eq!(rule.visible(10), (0, 4));
        assert_eq!(rule.visible(9), (0, 0));
        assert_eq!(rule.visible(0), (0, 0));
    }

    #[test]
    fn zero_min_hidden_still_hides_one() {
        let rule = KeepRule::new(2, 2, 0);
        assert_eq!(rule.apply("abcd", '*'), "**cd");
        assert_eq!(rule.apply("ab", '*'), "**");
        assert_eq!(rule.apply("abcde", '*'), "ab*de");
    }

    #[test]
    fn huge_rules_do_not_overflow() {
        let rule = KeepRule::new(usize::MAX, usize::MAX, usize::MAX);
        assert_eq!(rule.apply("123456", '*'), "******");
    }

    #[test]
    fn area_code_split() {
        assert_eq!(
            split_area_code("0571-88886666"),
            Some(("0571", "-", "88886666"))
        );
        assert_eq!(
            split_area_code("01012345678"),
            Some(("010", "", "12345678"))
        );
        assert_eq!(split_area_code("571-88886666"), None);
        assert_eq!(split_area_code("05a1-88886666"), None);
        assert_eq!(split_area_code("05712-88886666"), None);
        assert_eq!(split_area_code("0571"), None);
        assert_eq!(split_area_code("0571-"), None);
    }
}
