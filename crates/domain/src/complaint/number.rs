//! Complaint numbers: `TS` + registration date `YYYYMMDD` + 6-digit daily sequence,
//! e.g. `TS20261127000123`. The number is what complainants quote on the phone and what
//! regulator transfer forms carry, so it is short, dated and checkable.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use thiserror::Error;

const PREFIX: &str = "TS";
/// Highest daily sequence that fits six digits.
pub const MAX_DAILY_SEQUENCE: u32 = 999_999;

/// A validated complaint number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ComplaintNumber {
    date: NaiveDate,
    sequence: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ComplaintNumberError {
    #[error("投诉编号「{0}」格式错误：应为 TS + 8 位日期 + 6 位序号，例如 TS20261127000123")]
    Format(String),
    #[error("投诉编号「{0}」中的日期无效")]
    Date(String),
    #[error("投诉编号序号须在 1 到 999999 之间，实际为 {0}")]
    Sequence(u32),
    #[error("投诉编号日期须在 1000 至 9999 年之间")]
    Year,
}

impl ComplaintNumber {
    /// Build from a registration date and a daily sequence starting at 1.
    pub fn new(date: NaiveDate, sequence: u32) -> Result<Self, ComplaintNumberError> {
        if !(1..=MAX_DAILY_SEQUENCE).contains(&sequence) {
            return Err(ComplaintNumberError::Sequence(sequence));
        }
        if !(1000..=9999).contains(&date.year()) {
            return Err(ComplaintNumberError::Year);
        }
        Ok(ComplaintNumber { date, sequence })
    }

    pub fn date(&self) -> NaiveDate {
        self.date
    }

    pub fn sequence(&self) -> u32 {
        self.sequence
    }

    /// Parse, tolerating surrounding whitespace and a lower-case prefix.
    pub fn parse(text: &str) -> Result<Self, ComplaintNumberError> {
        let t = text.trim();
        let bad = || ComplaintNumberError::Format(text.to_string());
        if t.len() != 16 || !t.is_ascii() || !t[..2].eq_ignore_ascii_case(PREFIX) {
            return Err(bad());
        }
        let digits = &t[2..];
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let date = NaiveDate::parse_from_str(&digits[..8], "%Y%m%d")
            .map_err(|_| ComplaintNumberError::Date(text.to_string()))?;
        let sequence: u32 = digits[8..].parse().map_err(|_| bad())?;
        ComplaintNumber::new(date, sequence)
    }
}

impl fmt::Display for ComplaintNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{PREFIX}{:04}{:02}{:02}{:06}",
            self.date.year(),
            self.date.month(),
            self.date.day(),
            self.sequence
        )
    }
}

impl FromStr for ComplaintNumber {
    type Err = ComplaintNumberError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ComplaintNumber::parse(s)
    }
}

impl Serialize for ComplaintNumber {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ComplaintNumber {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        ComplaintNumber::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    #[test]
    fn formats_the_documented_example() {
        let n = ComplaintNumber::new(d(2026, 11, 27), 123).unwrap();
        assert_eq!(n.to_string(), "TS20261127000123");
        assert_eq!(
            ComplaintNumber::new(d(2026, 1, 2), 999_999)
                .unwrap()
                .to_string(),
            "TS20260102999999"
        );
    }

    #[test]
    fn parses_valid_numbers() {
        let cases = [
            ("TS20261127000123", d(2026, 11, 27), 123),
            ("  ts20240229000001 ", d(2024, 2, 29), 1),
            ("TS20261231999999", d(2026, 12, 31), 999_999),
        ];
        for (text, date, seq) in cases {
            let n = ComplaintNumber::parse(text).unwrap();
            assert_eq!((n.date(), n.sequence()), (date, seq), "{text}");
        }
    }

    #[test]
    fn rejects_invalid_numbers() {
        type Check = fn(&ComplaintNumberError) -> bool;
        let format: Check = |e| matches!(e, ComplaintNumberError::Format(_));
        let date: Check = |e| matches!(e, ComplaintNumberError::Date(_));
        let seq: Check = |e| matches!(e, ComplaintNumberError::Sequence(_));
        let cases: [(&str, Check); 11] = [
            ("", format),
            ("TS2026112700012", format),
            ("TS202611270001234", format),
            ("XS20261127000123", format),
            ("TS2026112700012a", format),
            ("TS+0261127000123", format),
            ("TS２0261127000123", format),
            ("TS20230229000001", date),
            ("TS20261301000001", date),
            ("TS20261127000000", seq),
            ("TS00001127000001", |e| {
                matches!(e, ComplaintNumberError::Year)
            }),
        ];
        for (text, check) in cases {
            let err = ComplaintNumber::parse(text).unwrap_err();
            assert!(check(&err), "{text}: {err:?}");
            assert!(!err.to_string().is_empty());
        }
        assert!(ComplaintNumber::new(d(2026, 1, 1), 1_000_000).is_err());
        assert!(ComplaintNumber::new(d(10_000, 1, 1), 1).is_err());
    }

    #[test]
    fn serde_uses_the_string_form() {
        let n = ComplaintNumber::new(d(2026, 11, 27), 123).unwrap();
        let json = serde_json::to_string(&n).unwrap();
        assert_eq!(json, "\"TS20261127000123\"");
        assert_eq!(serde_json::from_str::<ComplaintNumber>(&json).unwrap(), n);
        assert!(serde_json::from_str::<ComplaintNumber>("\"TS1\"").is_err());
    }

    proptest! {
        #[test]
        fn display_parse_round_trip(days in 0i64..2_900_000, seq in 1u32..=MAX_DAILY_SEQUENCE) {
            let date = d(1000, 1, 1) + chrono::TimeDelta::days(days);
            prop_assume!(date.year() <= 9999);
            let n = ComplaintNumber::new(date, seq).unwrap();
            let text = n.to_string();
            prop_assert_eq!(text.len(), 16);
            prop_assert_eq!(ComplaintNumber::parse(&text).unwrap(), n);
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,20}") {
            let _ = ComplaintNumber::parse(&s);
        }
    }
}
