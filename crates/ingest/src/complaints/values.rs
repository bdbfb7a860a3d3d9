//! Turning one cell (XLSX, CSV or JSON) into the text a [`ComplaintInput`]
//! field holds, keeping digit strings exact and refusing what Excel has
//! already damaged.
//!
//! [`ComplaintInput`]: xiaobao_domain::intake::ComplaintInput

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use xiaobao_domain::intake::parse_received_at;

use super::columns::{Column, ValueKind};

/// A cell as found in a file, before it is read for a particular column.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum RawValue {
    Empty,
    Text(String),
    Float(f64),
    Int(i64),
    /// An integer too large for `i64` but exact (JSON `u64`).
    BigInt(u64),
    Bool(bool),
    /// A cell Excel stores as a date (a number with a date format).
    DateTime(NaiveDateTime),
    /// A formula error such as `#N/A`.
    Error(String),
}

impl RawValue {
    pub(crate) fn is_empty(&self) -> bool {
        match self {
            RawValue::Empty => true,
            RawValue::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }

    /// The value as plain text, for headers and keys.
    pub(crate) fn to_plain_text(&self) -> String {
        match self {
            RawValue::Empty => String::new(),
            RawValue::Text(s) => s.trim().to_string(),
            RawValue::Float(f) => number_text(*f),
            RawValue::Int(i) => i.to_string(),
            RawValue::BigInt(u) => u.to_string(),
            RawValue::Bool(b) => bool_text(*b).to_string(),
            RawValue::DateTime(dt) => datetime_text(*dt),
            RawValue::Error(e) => e.clone(),
        }
    }
}

/// Settings that change how numbers are read as dates.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ValueContext {
    /// The workbook counts days from 1904-01-01 (old Mac Excel).
    pub is_1904: bool,
}

/// Integers from 10^15 up cannot be trusted in a float cell: Excel keeps 15
/// significant digits and turns the rest into zeros.
const EXCEL_EXACT_LIMIT: f64 = 1e15;

fn bool_text(b: bool) -> &'static str {
    if b { "TRUE" } else { "FALSE" }
}

/// A number as a person would write it: integers without `.0`, never in
/// scientific notation.
pub(crate) fn number_text(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 9.0e15 {
        format!("{}", f as i64)
    } else {
        // `Display` for f64 never uses an exponent.
        format!("{f}")
    }
}

/// A date, or an RFC 3339 China-time instant when there is a time of day.
pub(crate) fn datetime_text(dt: NaiveDateTime) -> String {
    if dt.time() == NaiveTime::MIN {
        dt.format("%Y-%m-%d").to_string()
    } else {
        dt.format("%Y-%m-%dT%H:%M:%S+08:00").to_string()
    }
}

/// Amount in yuan with two decimals when the float is a whole number of fen.
fn amount_text(f: f64) -> String {
    let fen = (f * 100.0).round();
    if f.is_finite() && (f * 100.0 - fen).abs() < 1e-6 && fen.abs() < 9.0e15 {
        let fen = fen as i64;
        let sign = if fen < 0 { "-" } else { "" };
        let fen = fen.unsigned_abs();
        format!("{sign}{}.{:02}", fen / 100, fen % 100)
    } else {
        number_text(f)
    }
}

/// `1.10101E+17`: how Excel shows, and saves to CSV, a long number in a
/// General-formatted cell.
pub(crate) fn is_scientific(text: &str) -> bool {
    let t = text.trim();
    let Some((mantissa, exp)) = t.split_once(['e', 'E']) else {
        return false;
    };
    let mantissa = mantissa.strip_prefix(['+', '-']).unwrap_or(mantissa);
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let exp = exp.strip_prefix(['+', '-']).unwrap_or(exp);
    !int.is_empty()
        && int.chars().all(|c| c.is_ascii_digit())
        && frac.chars().all(|c| c.is_ascii_digit())
        && !exp.is_empty()
        && exp.chars().all(|c| c.is_ascii_digit())
}

fn scientific_message(text: &str) -> String {
    format!(
        "「{}」是科学计数法显示的数字，原始号码已丢失。请将该列设置为“文本”格式后重新录入完整号码",
        text.trim()
    )
}

fn precision_message(f: f64) -> String {
    format!(
        "该单元格是数值格式（{}），Excel 只保留 15 位有效数字，其后的数字已变成 0。请将该列设置为“文本”格式后重新录入完整号码",
        number_text(f)
    )
}

/// Excel day serial to a date and time.
fn from_serial(serial: f64, is_1904: bool) -> Option<NaiveDateTime> {
    let epoch = if is_1904 {
        NaiveDate::from_ymd_opt(1904, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(1899, 12, 30)?
    };
    let days = serial.floor();
    let secs = ((serial - days) * 86_400.0).round() as i64;
    epoch
        .and_hms_opt(0, 0, 0)?
        .checked_add_signed(Duration::days(days as i64))?
        .checked_add_signed(Duration::seconds(secs))
}

/// Serials of 1990-01-01 ..= 2100-12-31: a plausible received date in a cell
/// someone formatted as General.
const SERIAL_RANGE: std::ops::RangeInclusive<f64> = 32_874.0..=73_415.0;

fn date_from_number(f: f64, ctx: ValueContext) -> Option<String> {
    if f.fract() == 0.0 && (19_000_101.0..=29_991_231.0).contains(&f) {
        let digits = number_text(f);
        return NaiveDate::parse_from_str(&digits, "%Y%m%d")
            .ok()
            .map(|d| d.format("%Y-%m-%d").to_string());
    }
    if SERIAL_RANGE.contains(&f) {
        return from_serial(f, ctx.is_1904).map(|dt| {
            // Sub-minute noise from float serials.
            let dt = dt.with_second(0).unwrap_or(dt);
            datetime_text(dt)
        });
    }
    None
}

/// Rewrites the date spellings found in bank spreadsheets into one that
/// [`parse_received_at`] reads; anything else is returned unchanged for the
/// validation to report.
pub(crate) fn normalize_date_text(text: &str) -> String {
    let t = text.trim();
    if parse_received_at(t).is_some() {
        return t.to_string();
    }
    const DATETIMES: [&str; 12] = [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y/%m/%d %H:%M:%S",
        "%Y/%m/%d %H:%M",
        "%Y.%m.%d %H:%M:%S",
        "%Y.%m.%d %H:%M",
        "%Y年%m月%d日 %H:%M:%S",
        "%Y年%m月%d日 %H:%M",
        "%Y年%m月%d日%H:%M:%S",
        "%Y年%m月%d日%H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
    ];
    for f in DATETIMES {
        if let Ok(dt) = NaiveDateTime::parse_from_str(t, f) {
            return datetime_text(dt);
        }
    }
    const DATES: [&str; 3] = ["%Y.%m.%d", "%Y%m%d", "%Y年%m月%d号"];
    for f in DATES {
        if let Ok(d) = NaiveDate::parse_from_str(t, f) {
            return d.format("%Y-%m-%d").to_string();
        }
    }
    t.to_string()
}

/// Reads one cell for `column`. `Ok(None)` for an empty cell; `Err` carries a
/// Chinese message for the user.
pub(crate) fn convert(
    column: &Column,
    value: &RawValue,
    ctx: ValueContext,
) -> Result<Option<String>, String> {
    if value.is_empty() {
        return Ok(None);
    }
    if let RawValue::Error(e) = value {
        return Err(format!("单元格是公式错误值 {e}，请改为实际内容"));
    }
    let text = match (column.kind, value) {
        (ValueKind::Code | ValueKind::Digits, RawValue::Text(s)) if is_scientific(s) => {
            return Err(scientific_message(s));
        }
        (ValueKind::Code | ValueKind::Digits, RawValue::Float(f)) => {
            if !f.is_finite() {
                return Err("数值无效".into());
            }
            if f.abs() >= EXCEL_EXACT_LIMIT {
                return Err(precision_message(*f));
            }
            if column.kind == ValueKind::Digits {
                if f.fract() != 0.0 {
                    return Err(format!("应为数字号码，不能带小数（{}）", number_text(*f)));
                }
                if *f < 0.0 {
                    return Err("应为数字号码，不能是负数".into());
                }
            }
            number_text(*f)
        }
        (ValueKind::Date, RawValue::Text(s)) => normalize_date_text(s),
        (ValueKind::Date, RawValue::Float(f)) => {
            date_from_number(*f, ctx).unwrap_or_else(|| number_text(*f))
        }
        (ValueKind::Date, RawValue::Int(i)) => {
            date_from_number(*i as f64, ctx).unwrap_or_else(|| i.to_string())
        }
        (ValueKind::Amount, RawValue::Float(f)) => amount_text(*f),
        (_, RawValue::Text(s)) => s.trim().to_string(),
        (_, other) => other.to_plain_text(),
    };
    Ok(Some(text))
}

#[cfg(test)]
mod tests {
    use super::super::columns::{Field, column};
    use super::*;

    fn conv(field: Field, v: RawValue) -> Result<Option<String>, String> {
        convert(column(field), &v, ValueContext::default())
    }

    #[test]
    fn phone_id_and_card_digits_stay_exact() {
        use Field::*;
        assert_eq!(
            conv(ComplainantPhone, RawValue::Float(13_800_138_000.0)),
            Ok(Some("13800138000".into()))
        );
        assert_eq!(
            conv(ComplainantPhone, RawValue::Float(1_088_886_666.0)),
            Ok(Some("1088886666".into()))
        );
        // First-generation 15-digit ID numbers are still exact in a float.
        assert_eq!(
            conv(ComplainantIdNumber, RawValue::Float(110_101_900_101_001.0)),
            Ok(Some("110101900101001".into()))
        );
        let err = conv(
            ComplainantIdNumber,
            RawValue::Float(1.101_011_990_010_11e17),
        )
        .unwrap_err();
        assert!(
            err.contains("15 位有效数字") && err.contains("文本"),
            "{err}"
        );
        let err = conv(
            ComplainantCardNumber,
            RawValue::Float(6.222_021_234_567_89e15),
        )
        .unwrap_err();
        assert!(err.contains("15 位"), "{err}");
        let err = conv(ComplainantIdNumber, RawValue::Text("1.10101E+17".into())).unwrap_err();
        assert!(err.contains("科学计数法"), "{err}");
        assert!(conv(ComplainantPhone, RawValue::Float(138.5)).is_err());
        assert!(conv(ComplainantPhone, RawValue::Float(-5.0)).is_err());
        assert_eq!(
            conv(
                ComplainantIdNumber,
                RawValue::Text(" 11010119900101100X ".into())
            ),
            Ok(Some("11010119900101100X".into()))
        );
        assert_eq!(
            conv(
                ComplainantIdNumber,
                RawValue::BigInt(12_345_678_901_234_567_890)
            ),
            Ok(Some("12345678901234567890".into()))
        );
        assert_eq!(
            conv(ExternalId, RawValue::Float(20_261_102_001.0)),
            Ok(Some("20261102001".into()))
        );
    }

    #[test]
    fn scientific_notation_is_recognised() {
        for s in ["1.10101E+17", "6.22202E+15", "1E10", "1.5e-3", "-2.1E+05"] {
            assert!(is_scientific(s), "{s}");
        }
        for s in ["E10", "1.2E", "13800138000", "abcE5", "1.2.3E4", "CE1234"] {
            assert!(!is_scientific(s), "{s}");
        }
    }

    #[test]
    fn dates_in_every_spelling() {
        let d = |v| conv(Field::ReceivedAt, v).unwrap().unwrap();
        let dt = NaiveDate::from_ymd_opt(2026, 11, 2).unwrap();
        assert_eq!(
            d(RawValue::DateTime(dt.and_hms_opt(0, 0, 0).unwrap())),
            "2026-11-02"
        );
        assert_eq!(
            d(RawValue::DateTime(dt.and_hms_opt(14, 30, 0).unwrap())),
            "2026-11-02T14:30:00+08:00"
        );
        assert_eq!(d(RawValue::Float(46_328.0)), "2026-11-02");
        assert_eq!(d(RawValue::Float(20_261_102.0)), "2026-11-02");
        assert_eq!(d(RawValue::Text("2026.11.2".into())), "2026-11-02");
        assert_eq!(d(RawValue::Text("20261102".into())), "2026-11-02");
        assert_eq!(
            d(RawValue::Text("2026/11/2 9:05".into())),
            "2026-11-02T09:05:00+08:00"
        );
        assert_eq!(
            d(RawValue::Text("2026-11-02 14:30:00".into())),
            "2026-11-02T14:30:00+08:00"
        );
        assert_eq!(d(RawValue::Text("2026年11月2日".into())), "2026年11月2日");
        assert_eq!(d(RawValue::Text("下周一".into())), "下周一");
        let with_1904 = convert(
            column(Field::ReceivedAt),
            &RawValue::Float(46_328.0 - 1_462.0),
            ValueContext { is_1904: true },
        );
        assert_eq!(with_1904, Ok(Some("2026-11-02".into())));
    }

    #[test]
    fn amounts_keep_fen() {
        let a = |v| conv(Field::Amount, v).unwrap().unwrap();
        assert_eq!(a(RawValue::Float(1280.5)), "1280.50");
        assert_eq!(a(RawValue::Float(0.1 + 0.2)), "0.30");
        assert_eq!(a(RawValue::Float(300.0)), "300.00");
        assert_eq!(a(RawValue::Float(12.345)), "12.345");
        assert_eq!(a(RawValue::Text("￥1,280.50元".into())), "￥1,280.50元");
    }

    #[test]
    fn other_cells() {
        assert_eq!(conv(Field::Content, RawValue::Text("  ".into())), Ok(None));
        assert_eq!(conv(Field::Content, RawValue::Empty), Ok(None));
        assert!(
            conv(Field::Content, RawValue::Error("#N/A".into()))
                .unwrap_err()
                .contains("#N/A")
        );
        assert_eq!(
            conv(Field::SubjectStaff, RawValue::Float(10_086.0)),
            Ok(Some("10086".into()))
        );
        assert_eq!(
            conv(Field::Title, RawValue::Float(3.25)),
            Ok(Some("3.25".into()))
        );
        assert_eq!(number_text(1e20), "100000000000000000000");
    }
}
