//! Detection and masking of personal information in free text.
//!
//! Complaint texts routinely contain the complainant's ID number, phone and
//! card number, and sometimes secrets they should never have written down
//! (an SMS code, a PIN, the three digits on the back of the card). JR/T
//! 0171-2020 requires such data to be masked on display, and authentication
//! data (category C3) not to be kept at all. This module finds them, per the
//! formats collected in `regulations.md` §4.3:
//!
//! * 18-digit resident ID numbers — province prefix, a real calendar date and
//!   the GB 11643 (ISO 7064 MOD 11-2) check character must all hold;
//! * mainland mobile numbers (`1[3-9]` + 9 digits), with an optional `+86` /
//!   `0086` prefix and `3-4-4` space or dash grouping;
//! * bank card numbers — 16 to 19 digits passing the Luhn check, plain or in
//!   groups of four;
//! * e-mail addresses;
//! * C3 secrets: card security code (CVN2/CVV/安全码/背面三位), card expiry
//!   (有效期 MM/YY), one-time codes (验证码) and passwords (密码 + digits).
//!
//! Masking keeps what staff need to tell records apart (card first 6 + last 4,
//! ID first 3 + last 4, mobile 3 + 4, e-mail first letter), while C3 secrets are
//! removed entirely and replaced by a marker such as `[已删除:验证码]`.
//!
//! Look-alikes are left alone on purpose: numbers after an order/serial-number
//! keyword (订单号, 流水号 …), numbers that fail their checksum, digits that are
//! part of a longer digit or letter run, and short references such as
//! `尾号1234`.
//!
//! Detection runs on the normalised text (so full-width digits and
//! traditional keywords are caught) and reports spans in the caller's
//! original text. [`Detection`] holds only the kind and the span, never the
//! value, so it is safe to log or print with `{:?}`.

use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::normalize::normalize_with_map;

/// Kinds of personal information the engine recognises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PiiKind {
    /// 18-digit resident identity number (公民身份号码).
    IdNumber,
    /// Mainland mobile phone number.
    Mobile,
    /// Bank card number (Luhn-valid, 16–19 digits).
    BankCard,
    /// E-mail address.
    Email,
    /// Card verification code (CVN2/CVV2/安全码). C3.
    CardSecurityCode,
    /// Card expiry date. C3.
    CardExpiry,
    /// One-time verification code. C3.
    VerificationCode,
    /// Password or PIN. C3.
    Password,
}

impl PiiKind {
    /// Every kind, in a stable order.
    pub const ALL: [PiiKind; 8] = [
        PiiKind::IdNumber,
        PiiKind::Mobile,
        PiiKind::BankCard,
        PiiKind::Email,
        PiiKind::CardSecurityCode,
        PiiKind::CardExpiry,
        PiiKind::VerificationCode,
        PiiKind::Password,
    ];

    /// Whether the kind is authentication data (JR/T 0171 category C3), which
    /// must be deleted rather than masked and raises a security flag.
    pub fn is_c3(self) -> bool {
        matches!(
            self,
            PiiKind::CardSecurityCode
                | PiiKind::CardExpiry
                | PiiKind::VerificationCode
                | PiiKind::Password
        )
    }

    /// The short keyword for the kind, used in redaction markers and kept in
    /// analysis text so the topic (e.g. a leaked 验证码) stays countable.
    pub fn keyword(self) -> &'static str {
        match self {
            PiiKind::IdNumber => "身份证号",
            PiiKind::Mobile => "手机号",
            PiiKind::BankCard => "卡号",
            PiiKind::Email => "邮箱",
            PiiKind::CardSecurityCode => "安全码",
            PiiKind::CardExpiry => "有效期",
            PiiKind::VerificationCode => "验证码",
            PiiKind::Password => "密码",
        }
    }

    /// Display name in Chinese.
    pub fn label_zh(self) -> &'static str {
        match self {
            PiiKind::IdNumber => "身份证号码",
            PiiKind::Mobile => "手机号码",
            PiiKind::BankCard => "银行卡号",
            PiiKind::Email => "电子邮箱",
            PiiKind::CardSecurityCode => "卡片安全码",
            PiiKind::CardExpiry => "卡片有效期",
            PiiKind::VerificationCode => "验证码",
            PiiKind::Password => "密码",
        }
    }
}

/// One piece of personal information found in a text. Spans are half-open
/// char offsets (not bytes) into the text that was passed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Detection {
    /// What was found.
    pub kind: PiiKind,
    /// First char.
    pub start: usize,
    /// One past the last char.
    pub end: usize,
}

/// How much of each value stays visible. The defaults follow common practice
/// for JR/T 0171-2020 display masking (`regulations.md` §4.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaskPolicy {
    /// Leading card digits kept (the BIN).
    pub card_first: usize,
    /// Trailing card digits kept.
    pub card_last: usize,
    /// Leading ID characters kept.
    pub id_first: usize,
    /// Trailing ID characters kept.
    pub id_last: usize,
    /// Leading mobile digits kept.
    pub mobile_first: usize,
    /// Trailing mobile digits kept.
    pub mobile_last: usize,
    /// Leading e-mail local-part characters kept.
    pub email_first: usize,
    /// The masking character.
    pub mask_char: char,
}

impl Default for MaskPolicy {
    fn default() -> Self {
        MaskPolicy {
            card_first: 6,
            card_last: 4,
            id_first: 3,
            id_last: 4,
            mobile_first: 3,
            mobile_last: 4,
            email_first: 1,
            mask_char: '*',
        }
    }
}

/// Masked text plus what was found in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Masked {
    /// The text with every detection masked or redacted.
    pub text: String,
    /// Detections, in text order, with spans in the input text.
    pub detections: Vec<Detection>,
}

impl Masked {
    /// Whether any C3 secret (code, password, CVN, expiry) was found: the
    /// ticket needs a security follow-up (tell the customer to change it).
    pub fn has_c3(&self) -> bool {
        self.detections.iter().any(|d| d.kind.is_c3())
    }

    /// Distinct C3 kinds found, in [`PiiKind`] order.
    pub fn c3_kinds(&self) -> Vec<PiiKind> {
        let mut kinds: Vec<PiiKind> = self
            .detections
            .iter()
            .map(|d| d.kind)
            .filter(|k| k.is_c3())
            .collect();
        kinds.sort();
        kinds.dedup();
        kinds
    }
}

/// Finds personal information in `text`; spans refer to `text`.
pub fn detect(text: &str) -> Vec<Detection> {
    let normalized = normalize_with_map(text);
    detect_normalized(normalized.text())
        .into_iter()
        .map(|d| {
            let (start, end) = normalized.original_span(d.start, d.end);
            Detection { start, end, ..d }
        })
        .collect()
}

/// Masks personal information in `text` with the default policy.
pub fn mask(text: &str) -> Masked {
    mask_with(text, &MaskPolicy::default())
}

/// Masks personal information in `text` with `policy`. Text outside the
/// detections is returned exactly as given (not normalised).
pub fn mask_with(text: &str, policy: &MaskPolicy) -> Masked {
    // Every detection holds a digit or an at sign once normalised, and
    // normalisation (NFKC) only makes those from numeric characters and the
    // at sign's variants: a text without any is returned as it is, without
    // paying for the normalisation and its offset map.
    if !text.chars().any(could_become_digit_or_at) {
        return Masked {
            text: text.to_string(),
            detections: Vec::new(),
        };
    }
    let normalized = normalize_with_map(text);
    let norm_chars: Vec<char> = normalized.text().chars().collect();
    let found = detect_normalized(normalized.text());
    if found.is_empty() {
        return Masked {
            text: text.to_string(),
            detections: Vec::new(),
        };
    }
    let input: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut detections = Vec::with_capacity(found.len());
    let mut pos = 0;
    for d in found {
        let (start, end) = normalized.original_span(d.start, d.end);
        if start < pos {
            continue; // cannot happen for non-overlapping detections; be safe
        }
        out.extend(&input[pos..start]);
        let value = &norm_chars[d.start..d.end];
        out.push_str(&render(d.kind, value, policy));
        pos = end;
        detections.push(Detection {
            kind: d.kind,
            start,
            end,
        });
    }
    out.extend(&input[pos.min(input.len())..]);
    Masked {
        text: out,
        detections,
    }
}

/// Masks `text` and returns only the masked string.
pub fn mask_text(text: &str) -> String {
    mask(text).text
}

/// Masks personal information in text that is already normalised
/// ([`crate::normalize`]), with the default policy, and returns normalised
/// text: the same as normalising [`mask_text`]'s output, for callers that
/// need the normalised form anyway (segmentation) and so normalise once.
pub fn mask_normalized(normalized: &str) -> String {
    let found = detect_normalized(normalized);
    if found.is_empty() {
        return normalized.to_string();
    }
    let chars: Vec<char> = normalized.chars().collect();
    let policy = MaskPolicy::default();
    let mut out = String::with_capacity(normalized.len());
    let mut pos = 0;
    for d in found {
        if d.start < pos || d.end > chars.len() {
            continue; // detections do not overlap; be safe
        }
        out.extend(&chars[pos..d.start]);
        out.push_str(&render(d.kind, &chars[d.start..d.end], &policy));
        pos = d.end;
    }
    out.extend(&chars[pos..]);
    out
}

/// Whether normalisation could turn `c` into an ASCII digit or `@`: exact
/// for the Basic Multilingual Plane (a table made once by normalising each
/// char: full-width digits, circled numbers, ㋀ → "1月", ＠ …), and
/// conservatively yes beyond it.
fn could_become_digit_or_at(c: char) -> bool {
    static SOURCES: std::sync::LazyLock<Vec<u64>> = std::sync::LazyLock::new(|| {
        let mut bits = vec![0u64; 0x1_0000 / 64];
        for c in (0x80u32..0x1_0000).filter_map(char::from_u32) {
            let n = crate::normalize::normalize(c.encode_utf8(&mut [0u8; 4]));
            if n.bytes().any(|b| b.is_ascii_digit() || b == b'@') {
                bits[c as usize / 64] |= 1 << (c as usize % 64);
            }
        }
        bits
    });
    match c as u32 {
        0..0x80 => c.is_ascii_digit() || c == '@',
        // Unified ideographs are their own normal form.
        0x4E00..0xA000 => false,
        n @ 0x80..0x1_0000 => SOURCES[n as usize / 64] & (1 << (n as usize % 64)) != 0,
        _ => true,
    }
}

/// The replacement for one detection, built from its normalised chars.
fn render(kind: PiiKind, value: &[char], policy: &MaskPolicy) -> String {
    let keep = |chars: &[char], first: usize, last: usize| -> String {
        let n = chars.len();
        // At least a third of the value is always hidden, whatever the policy.
        let hidden_min = n.div_ceil(3);
        let last = last.min(n.saturating_sub(hidden_min));
        let first = first.min(n.saturating_sub(hidden_min + last));
        let mut s = String::with_capacity(n);
        s.extend(&chars[..first]);
        s.extend(std::iter::repeat_n(policy.mask_char, n - first - last));
        s.extend(&chars[n - last..]);
        s
    };
    match kind {
        PiiKind::IdNumber | PiiKind::BankCard | PiiKind::Mobile => {
            let symbols: Vec<char> = value
                .iter()
                .copied()
                .filter(|c| c.is_ascii_alphanumeric())
                .collect();
            let (first, last) = match kind {
                PiiKind::IdNumber => (policy.id_first, policy.id_last),
                PiiKind::BankCard => (policy.card_first, policy.card_last),
                _ => (policy.mobile_first, policy.mobile_last),
            };
            keep(&symbols, first, last)
        }
        PiiKind::Email => {
            let at = value.iter().position(|&c| c == '@').unwrap_or(value.len());
            let local = &value[..at];
            let shown = policy.email_first.min(local.len().saturating_sub(1));
            let mut s: String = local[..shown].iter().collect();
            s.extend(std::iter::repeat_n(policy.mask_char, 3));
            s.extend(&value[at..]);
            s
        }
        _ => format!("[已删除:{}]", kind.keyword()),
    }
}

// ---------------------------------------------------------------------------
// Detection on normalised text.

/// Detections in already-normalised text, spans in that text's chars,
/// non-overlapping and sorted.
pub(crate) fn detect_normalized(text: &str) -> Vec<Detection> {
    let has_digit = text.bytes().any(|b| b.is_ascii_digit());
    let has_at = text.contains('@');
    if !has_digit && !has_at {
        return Vec::new();
    }
    let chars: Vec<char> = text.chars().collect();
    let mut candidates: Vec<Candidate> = Vec::new();
    if has_digit {
        let byte_to_char = ByteToChar::new(text);
        c3_candidates(text, &chars, &byte_to_char, &mut candidates);
        digit_candidates(&chars, &mut candidates);
    }
    if let (true, Some(email)) = (has_at, EMAIL.as_ref()) {
        let byte_to_char = ByteToChar::new(text);
        for m in email.find_iter(text) {
            candidates.push(Candidate {
                kind: PiiKind::Email,
                start: byte_to_char.get(m.start()),
                end: byte_to_char.get(m.end()),
                priority: 2,
            });
        }
    }
    select(candidates)
}

#[derive(Debug, Clone, Copy)]
struct Candidate {
    kind: PiiKind,
    start: usize,
    end: usize,
    /// Lower wins among candidates with the same start and length.
    priority: u8,
}

/// Greedy left-to-right choice of non-overlapping candidates, preferring the
/// longest at each start (a 19-digit card over a 16-digit prefix of it).
fn select(mut candidates: Vec<Candidate>) -> Vec<Detection> {
    candidates.sort_by(|a, b| {
        a.start
            .cmp(&b.start)
            .then((b.end - b.start).cmp(&(a.end - a.start)))
            .then(a.priority.cmp(&b.priority))
    });
    let mut out: Vec<Detection> = Vec::with_capacity(candidates.len());
    let mut covered_to = 0;
    for c in candidates {
        if c.start < covered_to || c.start >= c.end {
            continue;
        }
        covered_to = c.end;
        out.push(Detection {
            kind: c.kind,
            start: c.start,
            end: c.end,
        });
    }
    out
}

/// Converts byte offsets of one string into char offsets.
pub(crate) struct ByteToChar {
    /// Byte offset of each char, plus the total length at the end.
    offsets: Vec<usize>,
}

impl ByteToChar {
    pub(crate) fn new(text: &str) -> Self {
        let mut offsets: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
        offsets.push(text.len());
        ByteToChar { offsets }
    }

    pub(crate) fn get(&self, byte: usize) -> usize {
        match self.offsets.binary_search(&byte) {
            Ok(i) | Err(i) => i,
        }
    }
}

// Connectors allowed between a C3 keyword and its value: 是/为/:/=, spaces,
// 号码是, 设置为 … NFKC has already turned `：` into `:`.
const CONNECTOR: &str = r"(?:\s*(?:是|为|:|=|号码是|号码为|设置为|设为|改为|改成|写着|显示)?\s*)";

static CVN: LazyLock<Option<Regex>> = LazyLock::new(|| {
    compile(&format!(
        r"(?i)(?:CVN2|CVV2|CVC2|CVN|CVV|CVC|(?:卡片?)?安全码|(?:卡片?|卡的)?背面(?:的)?(?:最后|后)?(?:三|3)位(?:数字|数|码)?|背后(?:的)?(?:三|3)位(?:数字|数|码)?){CONNECTOR}(\d{{3}})"
    ))
});

static EXPIRY: LazyLock<Option<Regex>> = LazyLock::new(|| {
    compile(&format!(
        r"(?:卡片?有效期|有效期限|有效日期|有效期|到期日){CONNECTOR}(?:至|到)?\s*((?:0[1-9]|1[0-2])\s*/\s*(?:20)?\d{{2}}|(?:20)?\d{{2}}\s*/\s*(?:0[1-9]|1[0-2])|(?:20)?\d{{2}}\s*年\s*(?:0?[1-9]|1[0-2])\s*月|(?:0?[1-9]|1[0-2])\s*月\s*/?\s*(?:20)?\d{{2}}\s*年)"
    ))
});

static OTP: LazyLock<Option<Regex>> = LazyLock::new(|| {
    compile(&format!(
        r"(?i)(?:短信)?(?:验证码|校验码|动态码|动态密码|OTP){CONNECTOR}(\d{{4,8}})"
    ))
});

static PASSWORD: LazyLock<Option<Regex>> = LazyLock::new(|| {
    compile(&format!(
        r"(?:取款|支付|交易|登录|登陆|查询|银行卡|卡片|卡|网银|手机银行|账户|账号|初始|新)?密码{CONNECTOR}([A-Za-z0-9]{{4,20}})"
    ))
});

static EMAIL: LazyLock<Option<Regex>> = LazyLock::new(|| {
    compile(
        r"[A-Za-z0-9][A-Za-z0-9._%+\-]*@[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}",
    )
});

/// Compiles a pattern written in this file. The patterns are constants and
/// the test suite checks that each compiles; should one ever fail, it matches
/// nothing instead of aborting the process.
fn compile(pattern: &str) -> Option<Regex> {
    Regex::new(pattern).ok()
}

/// Whether every built-in pattern compiled (used by the tests).
#[cfg(test)]
fn patterns_compile() -> bool {
    CVN.is_some() && EXPIRY.is_some() && OTP.is_some() && PASSWORD.is_some() && EMAIL.is_some()
}

fn c3_candidates(text: &str, chars: &[char], b2c: &ByteToChar, out: &mut Vec<Candidate>) {
    let specs: [(&Option<Regex>, PiiKind); 4] = [
        (&CVN, PiiKind::CardSecurityCode),
        (&EXPIRY, PiiKind::CardExpiry),
        (&OTP, PiiKind::VerificationCode),
        (&PASSWORD, PiiKind::Password),
    ];
    for (re, kind) in specs {
        let Some(re) = re.as_ref() else { continue };
        for caps in re.captures_iter(text) {
            let (Some(whole), Some(value)) = (caps.get(0), caps.get(1)) else {
                continue;
            };
            let end = b2c.get(whole.end());
            // The value must not continue into more digits or letters
            // (`验证码12345678901` is a phone number, not a code).
            if chars.get(end).is_some_and(|c| c.is_ascii_alphanumeric()) {
                continue;
            }
            if kind == PiiKind::Password && !value.as_str().bytes().any(|b| b.is_ascii_digit()) {
                continue;
            }
            let start = b2c.get(whole.start());
            // Latin keywords (CVV, OTP) must not be the tail of a longer word.
            if start > 0
                && chars[start].is_ascii_alphabetic()
                && chars[start - 1].is_ascii_alphabetic()
            {
                continue;
            }
            out.push(Candidate {
                kind,
                start,
                end,
                priority: 0,
            });
        }
    }
}

/// Keywords that mark the following number as an order, ticket or serial
/// number rather than personal information.
const SERIAL_KEYWORDS: &[&str] = &[
    "订单号",
    "订单编号",
    "单号",
    "流水号",
    "流水",
    "工单号",
    "工单",
    "编号",
    "交易号",
    "合同号",
    "凭证号",
    "保单号",
    "批次号",
    "运单号",
    "受理号",
    "参考号",
    "序列号",
    "序号",
    "账单号",
    "发票号",
    "发票号码",
    "案号",
    "申请号",
    "商户号",
    "终端号",
    "设备号",
    "条码",
    "回执号",
    "文号",
    "票号",
    "券号",
    "批号",
    "编码",
    "NO.",
    "NO:",
    "NO",
];

fn after_serial_keyword(chars: &[char], start: usize) -> bool {
    // Skip connectors between the keyword and the number.
    let mut i = start;
    while i > 0 && matches!(chars[i - 1], ' ' | ':' | '是' | '为' | '#' | '=') {
        i -= 1;
    }
    let window_start = i.saturating_sub(5);
    let before: String = chars[window_start..i]
        .iter()
        .map(|c| c.to_ascii_uppercase())
        .collect();
    SERIAL_KEYWORDS.iter().any(|k| before.ends_with(k))
}

/// A group of digits within a run, as char offsets, plus whether it ends in X.
#[derive(Debug, Clone, Copy)]
struct Group {
    start: usize,
    end: usize,
}

fn digit_candidates(chars: &[char], out: &mut Vec<Candidate>) {
    let n = chars.len();
    let mut i = 0;
    let mut groups: Vec<Group> = Vec::with_capacity(8);
    while i < n {
        if !chars[i].is_ascii_digit() || (i > 0 && chars[i - 1].is_ascii_alphanumeric()) {
            // Skip the rest of an alphanumeric word so its inner digits never
            // start a run.
            if chars[i].is_ascii_alphanumeric() {
                while i < n && chars[i].is_ascii_alphanumeric() {
                    i += 1;
                }
            } else {
                i += 1;
            }
            continue;
        }
        // Collect a run: digit groups joined by single spaces or dashes.
        groups.clear();
        let mut j = i;
        loop {
            let gs = j;
            while j < n && chars[j].is_ascii_digit() {
                j += 1;
            }
            if j < n
                && matches!(chars[j], 'X' | 'x')
                && !chars.get(j + 1).is_some_and(|c| c.is_ascii_alphanumeric())
            {
                j += 1;
            }
            groups.push(Group { start: gs, end: j });
            if j + 1 < n && matches!(chars[j], ' ' | '-') && chars[j + 1].is_ascii_digit() {
                j += 1;
                continue;
            }
            break;
        }
        let run_end = j;
        // A run glued to a following letter or digit is part of a longer
        // token (serial numbers such as `20240101123456789ABC`).
        let glued = chars
            .get(run_end)
            .is_some_and(|c| c.is_ascii_alphanumeric());
        if !glued {
            run_candidates(chars, &groups, out);
        }
        i = run_end.max(i + 1);
    }
}

/// Chooses the PII numbers of one run of digit groups. Every contiguous
/// range of groups that forms a valid number is an option; the options kept
/// are the non-overlapping set covering the most digits (then the fewest
/// numbers), so `card + space + mobile` is read as two numbers rather than a
/// longer card that swallows the mobile's first group.
fn run_candidates(chars: &[char], groups: &[Group], out: &mut Vec<Candidate>) {
    struct Opt {
        last_group: usize,
        kind: PiiKind,
        start: usize,
        end: usize,
        covered: usize,
    }
    let g = groups.len();
    let mut options: Vec<Vec<Opt>> = (0..g).map(|_| Vec::new()).collect();
    let mut digits = String::with_capacity(24);
    for a in 0..g {
        if after_serial_keyword(chars, groups[a].start) {
            continue;
        }
        digits.clear();
        for b in a..g {
            digits.extend(&chars[groups[b].start..groups[b].end]);
            if digits.len() > 19 {
                break;
            }
            let (start, end) = (groups[a].start, groups[b].end);
            if let Some(kind) = classify_digits(&digits, &groups[a..=b]) {
                options[a].push(Opt {
                    last_group: b,
                    kind,
                    start,
                    end,
                    covered: digits.len(),
                });
            } else if b == a && (digits.len() == 13 || digits.len() == 15) {
                // +86 / 0086 glued to the number: mask the last 11 digits.
                let prefix_len = digits.len() - 11;
                let (prefix, rest) = digits.split_at(prefix_len);
                if (prefix == "86" || prefix == "0086") && is_mobile(rest) {
                    options[a].push(Opt {
                        last_group: b,
                        kind: PiiKind::Mobile,
                        start: start + prefix_len,
                        end,
                        covered: 11,
                    });
                }
            }
        }
    }
    // best[a] = (digits covered, numbers used) for groups a.. ; choice[a] = option taken at a.
    let mut best: Vec<(usize, usize)> = vec![(0, 0); g + 1];
    let mut choice: Vec<Option<usize>> = vec![None; g];
    for a in (0..g).rev() {
        best[a] = best[a + 1];
        for (k, o) in options[a].iter().enumerate() {
            let rest = best[o.last_group + 1];
            let cand = (rest.0 + o.covered, rest.1 + 1);
            if cand.0 > best[a].0 || (cand.0 == best[a].0 && cand.1 < best[a].1) {
                best[a] = cand;
                choice[a] = Some(k);
            }
        }
    }
    let mut a = 0;
    while a < g {
        match choice[a].and_then(|k| options[a].get(k)) {
            Some(o) => {
                out.push(Candidate {
                    kind: o.kind,
                    start: o.start,
                    end: o.end,
                    priority: 1,
                });
                a = o.last_group + 1;
            }
            None => a += 1,
        }
    }
}

/// What a candidate (its digits and groups) is, if anything.
fn classify_digits(digits: &str, groups: &[Group]) -> Option<PiiKind> {
    let lens: Vec<usize> = groups.iter().map(|g| g.end - g.start).collect();
    let len = digits.len();
    if len == 18 && (lens.len() == 1 || lens == [6, 8, 4]) && is_id_number(digits) {
        return Some(PiiKind::IdNumber);
    }
    let all_digits = digits.bytes().all(|b| b.is_ascii_digit());
    if !all_digits {
        return None;
    }
    if (16..=19).contains(&len) && card_grouping(&lens) && luhn_valid(digits) {
        return Some(PiiKind::BankCard);
    }
    if len == 11 && (lens.len() == 1 || lens == [3, 4, 4]) && is_mobile(digits) {
        return Some(PiiKind::Mobile);
    }
    None
}

/// Cards are written plain or in groups of four (the last group of a 17–19
/// digit number being shorter).
fn card_grouping(lens: &[usize]) -> bool {
    match lens.split_last() {
        None => false,
        Some((_, [])) => true,
        Some((last, rest)) => rest.iter().all(|&l| l == 4) && (1..=4).contains(last),
    }
}

/// `1[3-9]` followed by nine digits.
pub(crate) fn is_mobile(digits: &str) -> bool {
    let b = digits.as_bytes();
    b.len() == 11
        && b[0] == b'1'
        && (b'3'..=b'9').contains(&b[1])
        && b.iter().all(u8::is_ascii_digit)
}

/// Luhn (mod 10) check over an all-digit string.
pub fn luhn_valid(digits: &str) -> bool {
    let mut sum = 0u32;
    for (i, b) in digits.bytes().rev().enumerate() {
        if !b.is_ascii_digit() {
            return false;
        }
        let mut d = u32::from(b - b'0');
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    !digits.is_empty() && sum.is_multiple_of(10)
}

/// Province-level prefixes of GB/T 2260 administrative codes, plus 71/81/82/83
/// used on residence permits for Taiwan, Hong Kong and Macao residents.
const PROVINCES: &[u8] = &[
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
    53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83,
];

const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK: [u8; 11] = *b"10X98765432";

/// Validates an 18-character resident ID number: province prefix, a real
/// birth date between 1900 and 2099, and the MOD 11-2 check character.
pub fn is_id_number(id: &str) -> bool {
    let b = id.as_bytes();
    if b.len() != 18 || !b[..17].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let province = (b[0] - b'0') * 10 + (b[1] - b'0');
    if !PROVINCES.contains(&province) {
        return false;
    }
    let num = |r: std::ops::Range<usize>| -> u32 {
        b[r].iter()
            .fold(0, |acc, &d| acc * 10 + u32::from(d - b'0'))
    };
    let year = num(6..10) as i32;
    if !(1900..=2099).contains(&year)
        || NaiveDate::from_ymd_opt(year, num(10..12), num(12..14)).is_none()
    {
        return false;
    }
    id_check_char(&id[..17]).is_some_and(|c| c == b[17].to_ascii_uppercase())
}

/// The GB 11643 check character for the first 17 digits of an ID number.
pub fn id_check_char(first17: &str) -> Option<u8> {
    let b = first17.as_bytes();
    if b.len() != 17 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = b
        .iter()
        .zip(ID_WEIGHTS)
        .map(|(&d, w)| u32::from(d - b'0') * w)
        .sum();
    Some(ID_CHECK[(sum % 11) as usize])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fast_path_agrees_with_normalisation_on_every_bmp_char() {
        // A char the fast path lets through unexamined must not normalise
        // into anything detection looks for.
        for c in (0u32..0x1_0000).filter_map(char::from_u32) {
            if could_become_digit_or_at(c) {
                continue;
            }
            let n = crate::normalize::normalize(&c.to_string());
            assert!(
                !n.bytes().any(|b| b.is_ascii_digit() || b == b'@'),
                "U+{:04X} normalises to {n:?}",
                c as u32
            );
        }
        assert_eq!(
            mask("卡号６２２２０２１２３４５６７８９０１２")
                .detections
                .len(),
            1
        );
        assert_eq!(mask("邮箱 zhang＠example.com").detections.len(), 1);
    }

    /// Completes a 17-digit prefix into a valid ID.
    fn id(first17: &str) -> String {
        let c = id_check_char(first17).map(char::from).unwrap_or('?');
        format!("{first17}{c}")
    }

    /// Completes a card prefix with its Luhn digit.
    fn card(prefix: &str) -> String {
        (0..10)
            .map(|d| format!("{prefix}{d}"))
            .find(|c| luhn_valid(c))
            .unwrap_or_default()
    }

    #[test]
    fn patterns_are_valid() {
        assert!(patterns_compile());
    }

    #[test]
    fn checksums() {
        assert!(is_id_number("34052419800101001X"));
        assert!(is_id_number("34052419800101001x"));
        assert!(!is_id_number("340524198001010010"), "wrong check char");
        assert!(!is_id_number(&id("99052419800101001")), "no such province");
        assert!(!is_id_number(&id("34052419800230001")), "30 February");
        assert!(!is_id_number(&id("34052418800101001")), "year 1880");
        assert!(luhn_valid("4111111111111111"));
        assert!(!luhn_valid("4111111111111112"));
        assert!(!luhn_valid(""));
    }

    fn kinds(text: &str) -> Vec<PiiKind> {
        detect(text).into_iter().map(|d| d.kind).collect()
    }

    #[test]
    fn must_detect() {
        let id1 = id("11010519491231002");
        let card16 = card("622202123456789");
        let card19 = card("622848001234567890");
        let g = |s: &str, sep: char| -> String {
            s.as_bytes()
                .chunks(4)
                .map(|c| String::from_utf8_lossy(c).into_owned())
                .collect::<Vec<_>>()
                .join(&sep.to_string())
        };
        let cases: Vec<(String, Vec<PiiKind>)> = vec![
            (
                format!("我的身份证号{id1}，请核实"),
                vec![PiiKind::IdNumber],
            ),
            ("身份证34052419800101001x".into(), vec![PiiKind::IdNumber]),
            ("联系电话13812345678".into(), vec![PiiKind::Mobile]),
            ("电话：+86 138 1234 5678。".into(), vec![PiiKind::Mobile]),
            ("电话+86-138-1234-5678".into(), vec![PiiKind::Mobile]),
            ("电话8613812345678".into(), vec![PiiKind::Mobile]),
            ("电话008613812345678".into(), vec![PiiKind::Mobile]),
            ("手机１３８１２３４５６７８".into(), vec![PiiKind::Mobile]),
            (format!("卡号{card16}被盗刷"), vec![PiiKind::BankCard]),
            (
                format!("卡号 {} 被盗刷", g(&card19, ' ')),
                vec![PiiKind::BankCard],
            ),
            (
                format!("卡号{}。", g(&card16, '-')),
                vec![PiiKind::BankCard],
            ),
            ("邮箱zhang.san@example.com谢谢".into(), vec![PiiKind::Email]),
            ("验证码是123456".into(), vec![PiiKind::VerificationCode]),
            (
                "把短信验证码 8866 告诉了对方".into(),
                vec![PiiKind::VerificationCode],
            ),
            ("動態碼：556677".into(), vec![PiiKind::VerificationCode]),
            ("卡背面三位是123".into(), vec![PiiKind::CardSecurityCode]),
            ("CVV2:456".into(), vec![PiiKind::CardSecurityCode]),
            ("安全码789".into(), vec![PiiKind::CardSecurityCode]),
            ("有效期12/27".into(), vec![PiiKind::CardExpiry]),
            ("卡片有效期至2027年12月".into(), vec![PiiKind::CardExpiry]),
            ("取款密码是123456".into(), vec![PiiKind::Password]),
            ("登录密码为abc12345".into(), vec![PiiKind::Password]),
            (
                format!("电话13812345678 {card19}"),
                vec![PiiKind::Mobile, PiiKind::BankCard],
            ),
        ];
        for (text, want) in cases {
            assert_eq!(kinds(&text), want, "{text}");
        }
    }

    #[test]
    fn must_not_detect() {
        let id1 = id("11010519491231002");
        let card16 = card("622202123456789");
        let mut bad_card = card16.clone();
        let last = bad_card.pop().and_then(|c| c.to_digit(10)).unwrap_or(0);
        bad_card.push(char::from_digit((last + 1) % 10, 10).unwrap_or('0'));
        let cases: Vec<String> = vec![
            "信用卡尾号1234的账单".into(),
            "订单号13812345678".into(),
            "流水号：6222021234567890128".into(),
            format!("工单号 {id1}"),
            "交易流水20240101123456789012".into(),
            format!("编号{card16}"),
            format!("{bad_card}"),
            "340524198001010010".into(),
            "XB13812345678".into(),
            "1381234567890".into(),
            "138123456789".into(),
            "12345678901".into(),
            format!("{id1}5"),
            format!("9{card16}"),
            "密码错误3次被锁".into(),
            "验证码60秒后重发".into(),
            "有效期3年".into(),
            "密码是生日".into(),
            "验证码发到了".into(),
            "金额5000.00元，利率3.85%".into(),
            "2024年3月15日下午".into(),
            "收不到验证码".into(),
            "@所有人 注意".into(),
        ];
        for text in cases {
            assert!(detect(&text).is_empty(), "{text} → {:?}", detect(&text));
        }
    }

    #[test]
    fn masking_defaults() {
        let id1 = id("11010519491231002");
        let card16 = card("622202123456789");
        let cases: Vec<(String, String)> = vec![
            ("电话13812345678".into(), "电话138****5678".into()),
            ("电话+86 138 1234 5678".into(), "电话+86 138****5678".into()),
            (
                format!("身份证{id1}"),
                format!("身份证110***********{}", &id1[14..]),
            ),
            (
                format!("卡号{card16}"),
                format!("卡号622202******{}", &card16[12..]),
            ),
            ("邮箱zhangsan@qq.com".into(), "邮箱z***@qq.com".into()),
            ("验证码是123456，".into(), "[已删除:验证码]，".into()),
            ("卡背面三位123".into(), "[已删除:安全码]".into()),
            ("有效期12/27".into(), "[已删除:有效期]".into()),
            ("密码123456".into(), "[已删除:密码]".into()),
            (
                "手机１３８１２３４５６７８！".into(),
                "手机138****5678！".into(),
            ),
            ("无敏感信息。".into(), "无敏感信息。".into()),
        ];
        for (input, want) in cases {
            let m = mask(&input);
            assert_eq!(m.text, want, "{input}");
        }
    }

    #[test]
    fn spans_refer_to_original_text() {
        let text = "ａ\u{200B}电话１３８１２３４５６７８";
        let d = detect(text);
        assert_eq!(d.len(), 1);
        let chars: Vec<char> = text.chars().collect();
        let found: String = chars[d[0].start..d[0].end].iter().collect();
        assert_eq!(found, "１３８１２３４５６７８");
    }

    #[test]
    fn c3_flag() {
        assert!(mask("验证码是123456").has_c3());
        assert_eq!(
            mask("验证码是123456，密码888888").c3_kinds(),
            vec![PiiKind::VerificationCode, PiiKind::Password]
        );
        assert!(!mask("电话13812345678").has_c3());
    }

    #[test]
    fn debug_output_has_no_values() {
        let m = mask("电话13812345678，验证码123456");
        let dbg = format!("{:?}", m.detections);
        assert!(
            !dbg.contains("13812345678") && !dbg.contains("123456"),
            "{dbg}"
        );
    }

    #[test]
    fn policy_is_clamped() {
        let policy = MaskPolicy {
            mobile_first: 11,
            mobile_last: 11,
            ..MaskPolicy::default()
        };
        let m = mask_with("13812345678", &policy);
        assert!(m.text.contains('*'), "{}", m.text);
        assert!(!m.text.contains("13812345678"));
    }
}
