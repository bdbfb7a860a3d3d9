//! Timestamps as fixed-width UTC RFC 3339 text.
//!
//! Text sorts chronologically in both backends, reads well in a SQL console
//! during an audit, and avoids the differences between SQLite's and
//! PostgreSQL's date types.

use chrono::{DateTime, Duration, SecondsFormat, Utc};

/// The current time as stored in the database.
pub fn now() -> String {
    format_ts(Utc::now())
}

/// A timestamp `seconds` from now (negative for the past).
pub fn from_now(seconds: i64) -> String {
    format_ts(Utc::now() + Duration::seconds(seconds))
}

/// Formats a timestamp for storage: `2026-11-27T07:20:18.123456Z`.
pub fn format_ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// Parses a stored timestamp.
pub fn parse_ts(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_width_and_sortable() {
        let a = format_ts(DateTime::from_timestamp(1_700_000_000, 5_000).unwrap());
        let b = format_ts(DateTime::from_timestamp(1_700_000_001, 0).unwrap());
        assert_eq!(a.len(), b.len());
        assert!(a < b);
        assert_eq!(parse_ts(&a).unwrap().timestamp(), 1_700_000_000);
    }
}
