//! Intake validators.
//!
//! Every personal-information field is validated once, when it enters the
//! system, and reduced to one canonical form. Canonical forms matter beyond
//! tidiness: the blind index is computed over the canonical value, so
//! `+86 138-0013-8000` and `13800138000` must come out identical or a repeat
//! complainant would not be recognised.
//!
//! Validators are lenient about presentation (full-width digits, spaces,
//! dashes, country prefixes) and strict about substance (calendar dates,
//! check characters, number plans). Errors say which field is wrong and why,
//! without repeating the value.
//!
//! Validated values keep their text in [`Zeroizing`] buffers and print only a
//! masked form through `Debug`.

use std::fmt;

use chrono::{FixedOffset, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::error::{ValidationError, ValidationErrorKind as Kind};
use crate::field::PiiField;
use crate::mask::MaskPolicy;

/// Something the intake clerk should know about an accepted value.
///
/// Notes are not errors: the value is accepted, but the situation is worth
/// showing (and, for a failed Luhn check, worth confirming with the customer).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PiiNote {
    /// A legacy 15-digit ID number (issued before GB 11643-1999).
    LegacyIdNumber,
    /// A fixed-line number rather than a mobile.
    Landline,
    /// A bank account number rather than a 16–19 digit card number.
    AccountNumber,
    /// A 16–19 digit card number that fails the Luhn check.
    LuhnCheckFailed,
}

impl PiiNote {
    /// Chinese explanation for the intake screen.
    #[must_use]
    pub const fn message(self) -> &'static str {
        match self {
            PiiNote::LegacyIdNumber => {
                "证件号码为旧版 15 位身份证号，已按对应的 18 位号码建立检索索引"
            }
            PiiNote::Landline => "联系电话为固定电话，无法接收短信通知",
            PiiNote::AccountNumber => "号码按银行账号（非 16–19 位银行卡号）受理",
            PiiNote::LuhnCheckFailed => {
                "卡号未通过 Luhn 校验，请与客户核对；部分存量账号本身不符合该校验，核对无误可继续受理"
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Shared helpers

/// Folds full-width forms that Chinese input methods produce (０-９, Ｘ, ＋,
/// －, （）, ideographic space) and common dash variants to ASCII, so that
/// validators see one alphabet.
fn fold_char(c: char) -> char {
    match c {
        '０'..='９' => char::from(b'0' + (u32::from(c) - u32::from('０')) as u8),
        'Ｘ' => 'X',
        'ｘ' => 'x',
        '＋' => '+',
        '－' | '—' | '–' | '‐' | '‑' | '−' => '-',
        '（' => '(',
        '）' => ')',
        '\u{3000}' => ' ',
        other => other,
    }
}

/// Folds `raw` and drops the given separators plus any whitespace.
fn strip(raw: &str, separators: &[char]) -> Zeroizing<String> {
    Zeroizing::new(
        raw.chars()
            .map(fold_char)
            .filter(|c| !c.is_whitespace() && !separators.contains(c))
            .collect(),
    )
}

fn err(field: PiiField, kind: Kind) -> ValidationError {
    ValidationError::new(field, kind)
}

fn all_ascii_digits(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_digit())
}

/// Today's date in China Standard Time (UTC+8, no daylight saving), the
/// reference for "birth date not in the future" regardless of server zone.
#[must_use]
pub fn today_in_china() -> NaiveDate {
    match FixedOffset::east_opt(8 * 3600) {
        Some(cst) => Utc::now().with_timezone(&cst).date_naive(),
        None => Utc::now().date_naive(),
    }
}

// ---------------------------------------------------------------------------
// ID numbers

/// GB 11643-1999 weights for the first 17 digits.
const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// Check characters indexed by the weighted sum modulo 11 (ISO 7064 MOD 11-2).
const ID_CHECK_CHARS: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// Province-level codes (GB/T 2260) that can start a citizen ID number:
/// mainland provinces, plus 71 (Taiwan) and 81/82/83 used by residence
/// permits for Hong Kong, Macao and Taiwan residents.
const PROVINCE_CODES: &[u8] = &[
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
    53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83,
];

/// MOD 11-2 check character for the first 17 digits of an ID number, or
/// `None` unless `first17` is exactly 17 ASCII digits.
#[must_use]
pub fn id_check_char(first17: &str) -> Option<char> {
    if first17.len() != 17 || !all_ascii_digits(first17) {
        return None;
    }
    let sum: u32 = first17
        .bytes()
        .zip(ID_WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    ID_CHECK_CHARS.get((sum % 11) as usize).copied()
}

/// Which generation of ID number was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdNumberKind {
    /// 18-digit number per GB 11643-1999.
    Resident18,
    /// Legacy 15-digit number (two-digit year, no check character).
    Legacy15,
}

/// A validated resident identity card number.
#[derive(Clone, PartialEq, Eq)]
pub struct IdNumber {
    value: Zeroizing<String>,
    kind: IdNumberKind,
    birth_date: NaiveDate,
}

impl IdNumber {
    /// The number as given, canonicalised: digits only, upper-case `X`.
    /// A legacy number stays 15 digits long.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.value
    }

    /// 18 or legacy 15 digits.
    #[must_use]
    pub const fn kind(&self) -> IdNumberKind {
        self.kind
    }

    /// Date of birth encoded in the number.
    #[must_use]
    pub const fn birth_date(&self) -> NaiveDate {
        self.birth_date
    }

    /// The 18-digit form: the number itself, or for a legacy number the
    /// GB 11643-1999 upgrade (insert the century `19`, append the check
    /// character). Blind indexes use this form so that a customer's old and
    /// new numbers match.
    #[must_use]
    pub fn to_18(&self) -> Zeroizing<String> {
        match self.kind {
            IdNumberKind::Resident18 => self.value.clone(),
            IdNumberKind::Legacy15 => {
                let mut out = Zeroizing::new(String::with_capacity(18));
                out.push_str(&self.value[..6]);
                out.push_str("19");
                out.push_str(&self.value[6..]);
                // 17 ASCII digits by construction, so a check char exists.
                if let Some(check) = id_check_char(&out) {
                    out.push(check);
                }
                out
            }
        }
    }
}

impl fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IdNumber")
            .field("masked", &MaskPolicy::default().id_number(&self.value))
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

/// Validates an ID number against today's date in China.
///
/// # Errors
/// A [`ValidationError`] for [`PiiField::IdNumber`] describing the first
/// problem found: characters, length, province code, birth date, check
/// character.
pub fn id_number(raw: &str) -> Result<IdNumber, ValidationError> {
    id_number_on(raw, today_in_china())
}

/// Validates an ID number, treating `today` as the latest possible birth date.
///
/// # Errors
/// See [`id_number`].
pub fn id_number_on(raw: &str, today: NaiveDate) -> Result<IdNumber, ValidationError> {
    const F: PiiField = PiiField::IdNumber;
    let mut s = strip(raw, &['-']);
    if s.is_empty() {
        return Err(err(F, Kind::Empty));
    }
    let allowed = Kind::InvalidCharacters {
        allowed: "只能包含数字，18 位号码末位可以是 X",
    };
    if !s
        .chars()
        .all(|c| c.is_ascii_digit() || c == 'X' || c == 'x')
    {
        return Err(err(F, allowed));
    }
    let len = s.len();
    let kind = match len {
        18 => IdNumberKind::Resident18,
        15 => IdNumberKind::Legacy15,
        _ => {
            return Err(err(
                F,
                Kind::WrongLength {
                    expected: " 18 位（或旧版 15 位）",
                    actual: len,
                },
            ));
        }
    };
    let body_len = if kind == IdNumberKind::Resident18 {
        17
    } else {
        15
    };
    if !all_ascii_digits(&s[..body_len]) {
        return Err(err(F, allowed));
    }
    if kind == IdNumberKind::Resident18 {
        s.make_ascii_uppercase();
    }

    let province = (s.as_bytes()[0] - b'0') * 10 + (s.as_bytes()[1] - b'0');
    if !PROVINCE_CODES.contains(&province) {
        return Err(err(F, Kind::RegionCode));
    }

    let (year, rest) = match kind {
        IdNumberKind::Resident18 => (num(&s[6..10]), &s[10..14]),
        IdNumberKind::Legacy15 => (1900 + num(&s[6..8]), &s[8..12]),
    };
    if year < 1800 {
        return Err(err(F, Kind::BirthDateTooEarly));
    }
    let birth_date = NaiveDate::from_ymd_opt(year as i32, num(&rest[..2]), num(&rest[2..]))
        .ok_or_else(|| err(F, Kind::BirthDate))?;
    if birth_date > today {
        return Err(err(F, Kind::BirthDateInFuture));
    }

    if kind == IdNumberKind::Resident18 && id_check_char(&s[..17]) != s[17..].chars().next() {
        return Err(err(F, Kind::Checksum));
    }

    Ok(IdNumber {
        value: s,
        kind,
        birth_date,
    })
}

/// Parses a run of ASCII digits already checked by the caller.
fn num(digits: &str) -> u32 {
    digits
        .bytes()
        .fold(0, |acc, b| acc * 10 + u32::from(b.wrapping_sub(b'0')))
}

// ---------------------------------------------------------------------------
// Telephone numbers

/// Mobile or fixed line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PhoneKind {
    /// Mainland mobile, canonical form 11 digits.
    Mobile,
    /// Fixed line, canonical form `<area code>-<subscriber number>`.
    Landline,
}

/// A validated mainland telephone number.
#[derive(Clone, PartialEq, Eq)]
pub struct Phone {
    value: Zeroizing<String>,
    kind: PhoneKind,
}

impl Phone {
    /// Canonical form: `13800138000` for mobiles, `0571-88886666` for fixed
    /// lines (area code with its leading 0, a dash, the subscriber number).
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.value
    }

    /// Mobile or fixed line.
    #[must_use]
    pub const fn kind(&self) -> PhoneKind {
        self.kind
    }
}

impl fmt::Debug for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Phone")
            .field("masked", &MaskPolicy::default().phone(&self.value))
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

/// Validates a contact telephone number as collected at intake.
///
/// Accepts mainland mobiles (11 digits, `1[3-9]…`) with optional `+86`,
/// `0086` or `86` prefixes, and fixed-line numbers with area code
/// (`0571-88886666`, `(010)12345678`, `+86 21 6123 4567`), reported as
/// [`PhoneKind::Landline`]. Spaces, dashes, parentheses and full-width digits
/// are tolerated.
///
/// # Errors
/// A [`ValidationError`] for [`PiiField::Phone`].
pub fn mobile(raw: &str) -> Result<Phone, ValidationError> {
    const F: PiiField = PiiField::Phone;
    let s = strip(raw, &['-', '(', ')', '.']);
    if s.is_empty() {
        return Err(err(F, Kind::Empty));
    }
    let (international, rest) = if let Some(rest) = s.strip_prefix('+') {
        match rest.strip_prefix("86") {
            Some(national) => (true, national),
            None if all_ascii_digits(rest) && !rest.is_empty() => {
                return Err(err(F, Kind::CountryCode));
            }
            None => (false, rest),
        }
    } else if let Some(national) = s.strip_prefix("0086") {
        (true, national)
    } else if s.len() == 13 && s.starts_with("861") {
        (true, &s[2..])
    } else {
        (false, s.as_str())
    };
    if rest.is_empty() && international {
        return Err(err(F, Kind::Empty));
    }
    if !all_ascii_digits(rest) || rest.is_empty() {
        return Err(err(
            F,
            Kind::InvalidCharacters {
                allowed: "只能包含数字、空格、连字符、括号和 +86 前缀",
            },
        ));
    }

    let first = rest.as_bytes()[0];
    if first == b'1' {
        if rest.len() != 11 {
            return Err(err(
                F,
                Kind::WrongLength {
                    expected: " 11 位手机号",
                    actual: rest.len(),
                },
            ));
        }
        if !(b'3'..=b'9').contains(&rest.as_bytes()[1]) {
            return Err(err(F, Kind::MobilePrefix));
        }
        return Ok(Phone {
            value: Zeroizing::new(rest.to_owned()),
            kind: PhoneKind::Mobile,
        });
    }
    if !international && rest.starts_with("00") {
        return Err(err(F, Kind::CountryCode));
    }

    // Fixed line. From abroad the trunk prefix 0 is dropped (+86 571 …).
    let national: Zeroizing<String> = if first == b'0' {
        Zeroizing::new(rest.to_owned())
    } else if international {
        Zeroizing::new(format!("0{rest}"))
    } else {
        return Err(err(F, Kind::NotAPhoneNumber));
    };
    landline(&national).ok_or_else(|| err(F, Kind::NotAPhoneNumber))
}

/// Splits `0XXXXXXXXXX` into area code and subscriber number. Area codes are
/// three digits for 010 and 02x (Beijing and the large cities) and four
/// digits otherwise; subscriber numbers have 7–8 digits and do not start
/// with 0 or 1.
fn landline(national: &str) -> Option<Phone> {
    let bytes = national.as_bytes();
    if bytes.len() < 2 || bytes[0] != b'0' || bytes[1] == b'0' {
        return None;
    }
    let area_len = area_code_len(national)?;
    let subscriber = national.get(area_len..)?;
    if !(7..=8).contains(&subscriber.len()) || matches!(subscriber.as_bytes()[0], b'0' | b'1') {
        return None;
    }
    Some(Phone {
        value: Zeroizing::new(format!("{}-{subscriber}", &national[..area_len])),
        kind: PhoneKind::Landline,
    })
}

/// Length of the area code at the start of a national fixed-line number
/// (3 for 010/02x, 4 for other 0xxx), or `None` if it does not start with 0.
pub(crate) fn area_code_len(national: &str) -> Option<usize> {
    let bytes = national.as_bytes();
    if bytes.first() != Some(&b'0') {
        return None;
    }
    match bytes.get(1) {
        Some(b'1' | b'2') => Some(3),
        Some(b'3'..=b'9') => Some(4),
        _ => None,
    }
}

// ---------------------------------------------------------------------------
// Card and account numbers

/// Luhn (mod 10) check over ASCII digits; `false` for empty or non-digit input.
#[must_use]
pub fn luhn_valid(digits: &str) -> bool {
    if digits.is_empty() || !all_ascii_digits(digits) {
        return false;
    }
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let dd = d * 2;
                if dd > 9 { dd - 9 } else { dd }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// Card or account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CardKind {
    /// 16–19 digits: a bank card number (ISO/IEC 7812).
    Card,
    /// 12–25 digits outside the card range: a bank account number.
    Account,
}

/// A validated bank card or account number.
#[derive(Clone, PartialEq, Eq)]
pub struct CardNumber {
    digits: Zeroizing<String>,
    kind: CardKind,
    luhn_ok: bool,
}

impl CardNumber {
    /// Digits only.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.digits
    }

    /// Card or account.
    #[must_use]
    pub const fn kind(&self) -> CardKind {
        self.kind
    }

    /// Whether a card number failed the Luhn check. Always `false` for
    /// account numbers, which are not expected to carry a Luhn digit.
    #[must_use]
    pub const fn luhn_failed(&self) -> bool {
        matches!(self.kind, CardKind::Card) && !self.luhn_ok
    }
}

impl fmt::Debug for CardNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CardNumber")
            .field("masked", &MaskPolicy::default().card(&self.digits))
            .field("kind", &self.kind)
            .field("luhn_failed", &self.luhn_failed())
            .finish_non_exhaustive()
    }
}

/// Validates a bank card or account number.
///
/// 16–19 digits are a card number. A Luhn failure is reported through
/// [`CardNumber::luhn_failed`] rather than rejected: whether every domestic
/// card and account number carries a valid Luhn digit is not established
/// (see regulations.md §4.3), and refusing a customer's real number at intake
/// would be worse than asking the clerk to double-check it. Other lengths
/// from 12 to 25 digits are accepted as account numbers.
///
/// # Errors
/// A [`ValidationError`] for [`PiiField::CardNumber`].
pub fn card_number(raw: &str) -> Result<CardNumber, ValidationError> {
    const F: PiiField = PiiField::CardNumber;
    let s = strip(raw, &['-']);
    if s.is_empty() {
        return Err(err(F, Kind::Empty));
    }
    if !all_ascii_digits(&s) {
        return Err(err(
            F,
            Kind::InvalidCharacters {
                allowed: "只能包含数字、空格和连字符",
            },
        ));
    }
    let kind = match s.len() {
        16..=19 => CardKind::Card,
        12..=25 => CardKind::Account,
        n => {
            return Err(err(
                F,
                Kind::WrongLength {
                    expected: "银行卡号 16–19 位或账号 12–25 位",
                    actual: n,
                },
            ));
        }
    };
    let luhn_ok = luhn_valid(&s);
    Ok(CardNumber {
        digits: s,
        kind,
        luhn_ok,
    })
}

// ---------------------------------------------------------------------------
// Names

/// Maximum length of a name, in characters.
pub const NAME_MAX_CHARS: usize = 50;

/// A validated personal name.
#[derive(Clone, PartialEq, Eq)]
pub struct PersonName {
    value: Zeroizing<String>,
}

impl PersonName {
    /// The trimmed name, inner whitespace runs collapsed to one space.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.value
    }
}

impl fmt::Debug for PersonName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PersonName")
            .field("masked", &MaskPolicy::default().name(&self.value))
            .finish()
    }
}

/// Invisible characters that have no place in a name and can be used to make
/// two names look equal while indexing differently.
fn is_invisible(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
            | '\u{00AD}')
}

/// Validates a personal name: 1–50 characters after trimming, no control or
/// invisible characters; runs of inner whitespace become a single space
/// (`"欧阳  娜娜"` → `"欧阳 娜娜"`), full-width spaces included.
///
/// # Errors
/// A [`ValidationError`] for [`PiiField::Name`].
pub fn name(raw: &str) -> Result<PersonName, ValidationError> {
    const F: PiiField = PiiField::Name;
    let mut out = Zeroizing::new(String::with_capacity(raw.len()));
    let mut pending_space = false;
    let mut count = 0usize;
    for c in raw.chars() {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if is_invisible(c) {
            return Err(err(F, Kind::ControlCharacters));
        }
        if pending_space {
            out.push(' ');
            count += 1;
            pending_space = false;
        }
        out.push(c);
        count += 1;
    }
    if count == 0 {
        return Err(err(F, Kind::Empty));
    }
    if count > NAME_MAX_CHARS {
        return Err(err(
            F,
            Kind::TooLong {
                max: NAME_MAX_CHARS,
                actual: count,
            },
        ));
    }
    Ok(PersonName { value: out })
}
