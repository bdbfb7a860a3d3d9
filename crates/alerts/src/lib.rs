//! `xiaobao-alerts` — the early-warning engine (动态监测预警).
//!
//! Rules a bank edits as data ([`rules`]) are evaluated over complaint
//! records ([`record`]) as of one day ([`Evaluator::evaluate`]), or for one
//! new ticket at intake ([`Evaluator::evaluate_ticket`]), and raise
//! [`AlertCandidate`]s: rule, scope, severity, a de-duplication key, a Chinese
//! title and evidence (numbers, baseline, terms, complaint ids, a daily
//! series). [`Evaluator::backtest`] replays a stream day by day through the
//! same code, which is how thresholds are tuned before a rule goes live.
//!
//! | rule | looks at | method |
//! |---|---|---|
//! | `volume_spike` | counts per organisation (× category) | weekday-adjusted exact conditional test, FDR across units ([`volume`]) |
//! | `rising_term` | term shares, bank-wide and per organisation / category | `xiaobao_text::rising` (Fisher exact, FDR) |
//! | `same_event_cluster` | near-duplicate texts | `xiaobao_text::cluster` (MinHash + LSH); 20+ is a 重大投诉 |
//! | `repeat_complainant` | the complainant's blind index | count in a window |
//! | `sla_at_risk`, `sla_overdue` | due date of open complaints | days left |
//! | `escalation_language`, `vulnerable_customer` | one ticket's text and flags | `xiaobao_text::signals` |
//! | `sensitive_data` | one ticket's text | `xiaobao_text::pii` C3 detection |
//!
//! The crate does no I/O: the server reads records from its database, the CLI
//! from JSON Lines, and both hand them over as [`Records`].

pub mod candidate;
pub mod error;
pub mod evaluate;
pub mod record;
pub mod rules;
pub mod volume;

pub use candidate::{AlertCandidate, AlertScope, DailyCount, Evidence, LabelCount};
pub use error::AlertsError;
pub use evaluate::Evaluator;
pub use record::{Record, RecordFacts, Records};
pub use rules::{RuleConfig, RuleKind, RuleScope, RuleSet, Severity};
