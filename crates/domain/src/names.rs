//! Contract names of the domain's enums (`in_progress`, `notify_decision`,
//! `at_risk`, …): the snake_case serde names used in the API, the database and
//! the CLI. One place converts both ways, so every edge spells them alike.

use serde::Serialize;
use serde::de::DeserializeOwned;

/// The contract name of a unit enum value (empty for anything else).
pub fn to_name<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// The enum value with this contract name, if any.
pub fn from_name<T: DeserializeOwned>(name: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(name.to_string())).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::complaint::ComplaintState;

    #[test]
    fn names_round_trip() {
        for s in ComplaintState::ALL {
            assert_eq!(from_name::<ComplaintState>(&to_name(&s)), Some(s));
        }
        assert_eq!(to_name(&ComplaintState::InProgress), "in_progress");
        assert_eq!(from_name::<ComplaintState>("flying"), None);
    }
}
