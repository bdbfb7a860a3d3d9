//! A new complaint as it arrives — from the API, the intake form or an import
//! file — and its validation into a [`ValidComplaint`].
//!
//! One input shape and one validation serve every channel, so an import row
//! and an API call are accepted or refused for the same reasons, with the same
//! messages. All errors of one input are reported together.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::complaint::china_date;
use crate::taxonomy::{Classification, Taxonomy};

/// The complainant as entered. Personal data: the store encrypts these fields
/// and only masked forms leave it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComplainantInput {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub id_number: Option<String>,
    #[serde(default)]
    pub card_number: Option<String>,
    /// 本人 / 法定代理人 / 受托人 / 继承人 (default 本人).
    #[serde(default)]
    pub role: Option<String>,
}

/// A complaint as submitted. Field names are the API and import contract.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComplaintInput {
    /// The day the bank received it (RFC 3339 time or YYYY-MM-DD); for
    /// regulator transfers, the day the transfer arrived.
    pub received_at: String,
    pub channel: String,
    pub business_category: String,
    #[serde(default)]
    pub business_subcategory: Option<String>,
    pub reason: String,
    pub content: String,
    #[serde(default)]
    pub title: Option<String>,
    /// 自有渠道 (default), 12378监管转办, 12363人行转办, 信访, 媒体, 其他.
    #[serde(default)]
    pub source: Option<String>,
    /// Responsible organisation code; routed by the assignment rules when absent.
    #[serde(default)]
    pub org: Option<String>,
    /// The complaint's id in another system; imports are idempotent on it.
    #[serde(default)]
    pub external_id: Option<String>,
    #[serde(default)]
    pub complainant: Option<ComplainantInput>,
    #[serde(default)]
    pub demands: Vec<String>,
    #[serde(default)]
    pub vulnerable_flags: Vec<String>,
    #[serde(default)]
    pub product: Option<String>,
    /// Amount in dispute, in yuan (e.g. "1280.50").
    #[serde(default)]
    pub amount: Option<String>,
    /// User names or staff ids of the staff complained about (回避, Art. 17).
    #[serde(default)]
    pub subject_staff: Vec<String>,
    #[serde(default)]
    pub tags: Vec<String>,
}

/// A validated complaint: classification values replaced by their codes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidComplaint {
    pub received_at: DateTime<Utc>,
    pub received_on: NaiveDate,
    pub classification: Classification,
    pub title: String,
    pub content: String,
    pub org: Option<String>,
    pub external_id: Option<String>,
    pub complainant: ComplainantInput,
    pub product: Option<String>,
    pub amount_fen: Option<u64>,
    pub subject_staff: Vec<String>,
    pub tags: Vec<String>,
}

/// One problem with one field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
    /// Valid values, when the field takes one of a list.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub allowed: Vec<String>,
}

impl FieldError {
    fn new(field: &str, message: impl Into<String>) -> FieldError {
        FieldError {
            field: field.to_string(),
            message: message.into(),
            allowed: Vec::new(),
        }
    }
}

/// Longest content accepted, in characters.
pub const MAX_CONTENT_CHARS: usize = 20_000;
/// Longest title, in characters; longer titles are refused, missing ones are
/// taken from the content.
pub const MAX_TITLE_CHARS: usize = 200;

/// Parses `received_at`: an RFC 3339 instant, or a date (taken as 09:00 China
/// time, inside business hours, so it maps back to the same calendar day).
pub fn parse_received_at(text: &str) -> Option<DateTime<Utc>> {
    let t = text.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(t) {
        return Some(at.with_timezone(&Utc));
    }
    let date = NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(t, "%Y/%m/%d"))
        .or_else(|_| NaiveDate::parse_from_str(t, "%Y年%m月%d日"))
        .ok()?;
    date.and_hms_opt(1, 0, 0).map(|naive| naive.and_utc())
}

/// Parses an amount in yuan with at most two decimals into fen.
pub fn parse_amount_fen(text: &str) -> Option<u64> {
    let t = text.trim().replace([',', '，', '¥', '￥'], "");
    let t = t.strip_suffix('元').unwrap_or(&t);
    let (whole, frac) = match t.split_once('.') {
        Some((w, f)) => (w, f),
        None => (t, ""),
    };
    if whole.is_empty()
        || !whole.chars().all(|c| c.is_ascii_digit())
        || frac.len() > 2
        || !frac.chars().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let whole: u64 = whole.parse().ok()?;
    let frac: u64 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<2}").parse().ok()?
    };
    whole.checked_mul(100)?.checked_add(frac)
}

fn non_empty(v: &Option<String>) -> Option<String> {
    v.as_ref()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

impl ComplaintInput {
    /// Validates every field against the taxonomy, as of `now` (a complaint
    /// cannot be received in the future). Returns all problems at once.
    pub fn validate(
        &self,
        taxonomy: &Taxonomy,
        now: DateTime<Utc>,
    ) -> Result<ValidComplaint, Vec<FieldError>> {
        let mut errors = Vec::new();
        let received_at = match parse_received_at(&self.received_at) {
            Some(at) if china_date(at) > china_date(now) => {
                errors.push(FieldError::new(
                    "received_at",
                    "收到日期不能晚于今天 received_at is in the future",
                ));
                None
            }
            Some(at) => Some(at),
            None => {
                errors.push(FieldError::new(
                    "received_at",
                    format!(
                        "收到日期格式无效 invalid date {:?}: 应为 YYYY-MM-DD 或 RFC 3339 时间",
                        self.received_at
                    ),
                ));
                None
            }
        };
        let content = self.content.trim().to_string();
        if content.is_empty() {
            errors.push(FieldError::new(
                "content",
                "投诉内容不能为空 content is required",
            ));
        } else if content.chars().count() > MAX_CONTENT_CHARS {
            errors.push(FieldError::new(
                "content",
                format!("投诉内容过长 content longer than {MAX_CONTENT_CHARS} characters"),
            ));
        }
        let title = match non_empty(&self.title) {
            Some(t) if t.chars().count() > MAX_TITLE_CHARS => {
                errors.push(FieldError::new(
                    "title",
                    format!("标题过长 title longer than {MAX_TITLE_CHARS} characters"),
                ));
                String::new()
            }
            Some(t) => t,
            None => derive_title(&content),
        };
        let complainant = self.complainant.clone().unwrap_or_default();
        let classification = Classification {
            channel: self.channel.trim().to_string(),
            business_category: self.business_category.trim().to_string(),
            business_subcategory: non_empty(&self.business_subcategory),
            reason: self.reason.trim().to_string(),
            source: non_empty(&self.source).unwrap_or_else(|| "自有渠道".to_string()),
            demands: self
                .demands
                .iter()
                .map(|d| d.trim().to_string())
                .filter(|d| !d.is_empty())
                .collect(),
            vulnerable_flags: self
                .vulnerable_flags
                .iter()
                .map(|d| d.trim().to_string())
                .filter(|d| !d.is_empty())
                .collect(),
            complainant_role: non_empty(&complainant.role).unwrap_or_else(|| "本人".to_string()),
        };
        let classification = match taxonomy.normalize(&classification) {
            Ok(c) => Some(c),
            Err(e) => {
                for u in e.errors {
                    errors.push(FieldError {
                        field: u.dimension.field_name().to_string(),
                        message: u.to_string(),
                        allowed: u.valid.clone(),
                    });
                }
                None
            }
        };
        let amount_fen = match non_empty(&self.amount) {
            None => None,
            Some(a) => match parse_amount_fen(&a) {
                Some(f) => Some(f),
                None => {
                    errors.push(FieldError::new(
                        "amount",
                        format!("争议金额无效 invalid amount {a:?}: 应为元，最多两位小数"),
                    ));
                    None
                }
            },
        };
        match (received_at, classification) {
            (Some(received_at), Some(classification)) if errors.is_empty() => Ok(ValidComplaint {
                received_on: china_date(received_at),
                received_at,
                classification,
                title,
                content,
                org: non_empty(&self.org),
                external_id: non_empty(&self.external_id),
                complainant,
                product: non_empty(&self.product),
                amount_fen,
                subject_staff: self
                    .subject_staff
                    .iter()
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect(),
                tags: self
                    .tags
                    .iter()
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect(),
            }),
            _ => Err(errors),
        }
    }
}

/// A title from the content: its first sentence, at most 30 characters.
pub fn derive_title(content: &str) -> String {
    let first = content
        .split(['。', '！', '？', '\n', '；'])
        .map(str::trim)
        .find(|s| !s.is_empty())
        .unwrap_or("");
    let mut title: String = first.chars().take(30).collect();
    if first.chars().count() > 30 {
        title.push('…');
    }
    title
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> ComplaintInput {
        ComplaintInput {
            received_at: "2026-11-02".into(),
            channel: "电话渠道".into(),
            business_category: "银行卡".into(),
            reason: "定价收费".into(),
            content: "信用卡年费未经告知被扣收。要求退还。".into(),
            ..ComplaintInput::default()
        }
    }

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-27T08:00:00+08:00")
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn valid_input_gets_codes_defaults_and_title() {
        let tax = Taxonomy::embedded().unwrap();
        let v = input().validate(tax, now()).unwrap();
        assert_eq!(v.received_on, NaiveDate::from_ymd_opt(2026, 11, 2).unwrap());
        assert_eq!(v.title, "信用卡年费未经告知被扣收");
        assert_eq!(
            v.classification.complainant_role,
            tax.validate(crate::taxonomy::Dimension::ComplainantRole, "本人")
                .unwrap()
                .code
        );
        assert_ne!(
            v.classification.channel, "电话渠道",
            "names are replaced by codes"
        );
    }

    #[test]
    fn every_error_is_reported_at_once() {
        let tax = Taxonomy::embedded().unwrap();
        let bad = ComplaintInput {
            received_at: "2026-13-40".into(),
            channel: "飞鸽传书".into(),
            reason: "不知道".into(),
            content: " ".into(),
            amount: Some("12.345".into()),
            ..input()
        };
        let errs = bad.validate(tax, now()).unwrap_err();
        let fields: Vec<_> = errs.iter().map(|e| e.field.as_str()).collect();
        for f in ["received_at", "content", "channel", "reason", "amount"] {
            assert!(fields.contains(&f), "{f} missing from {fields:?}");
        }
        let channel = errs.iter().find(|e| e.field == "channel").unwrap();
        assert!(channel.allowed.iter().any(|a| a == "营业现场"));
    }

    #[test]
    fn future_dates_are_refused() {
        let tax = Taxonomy::embedded().unwrap();
        let errs = ComplaintInput {
            received_at: "2026-11-28".into(),
            ..input()
        }
        .validate(tax, now())
        .unwrap_err();
        assert_eq!(errs[0].field, "received_at");
    }

    #[test]
    fn amounts_and_dates_parse() {
        assert_eq!(parse_amount_fen("1,280.5"), Some(128_050));
        assert_eq!(parse_amount_fen("￥300元"), Some(30_000));
        assert_eq!(parse_amount_fen("0.07"), Some(7));
        assert_eq!(parse_amount_fen("-3"), None);
        assert_eq!(parse_amount_fen("1.234"), None);
        assert_eq!(parse_amount_fen("abc"), None);
        let d = parse_received_at("2026年11月2日").unwrap();
        assert_eq!(china_date(d), NaiveDate::from_ymd_opt(2026, 11, 2).unwrap());
        let t = parse_received_at("2026-11-02T23:30:00+08:00").unwrap();
        assert_eq!(china_date(t), NaiveDate::from_ymd_opt(2026, 11, 2).unwrap());
    }
}
