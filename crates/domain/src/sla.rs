//! The complaint SLA calendar: pure date arithmetic over a complaint's timeline facts.
//!
//! Rules (see `../shared/regulations.md` §1.1, §1.2, §1.7):
//!
//! * All periods are calendar days (令2020年第3号 Art. 43). The period starts the day
//!   after receipt (民法典 Art. 201) unless [`SlaPolicy::count_receipt_day`] is set, in
//!   which case the receipt day is day 1 and every due date is one day earlier.
//! * Decision within 15 days of receipt; complex cases may be extended to 30 days;
//!   especially complex cases to 60 days with the approval of the superior institution
//!   or an HQ senior manager *and* notice to the complainant (令2020年第3号 Art. 18 ¶1).
//! * Complaints transferred by a PBoC branch: 15 days; any extension needs the approval
//!   of the complaint-handling head and the reason told to the complainant, and the
//!   handling period never exceeds 60 days (中国人民银行令〔2020〕第5号).
//! * External 鉴定/检测/评估 (Art. 18 ¶2), agreed 调解 (Art. 23) and waiting for 补正
//!   (PBoC 办法) are not counted: they pause the clock.
//! * A repeated complaint with new facts and reasons restarts the period from receipt of
//!   the new materials (Art. 18 ¶3).
//! * Withdrawal ends the procedure on the day the withdrawal arrives (Art. 15).
//! * 核查: the complainant may apply within 30 days of receiving a branch decision; the
//!   superior institution decides within 30 days of receiving the application (Art. 20).
//!
//! **How a pause day is counted.** A pause that starts on `start` and ends on `end`
//! stops the clock on the days `start ..= end - 1`: the start day is not counted and
//! counting resumes on the end day. A pause that starts and ends on the same day is
//! therefore zero days long. Only paused days that fall on or after the first day of
//! the period and no later than the due date in force when the pause starts move the
//! due date; overlapping pauses are merged so a day is never credited twice. An open
//! pause is treated as ending tomorrow (today is paused), which gives the earliest due
//! date still possible.
//!
//! **Two dates.** Whether regulators apply the 民法典 Art. 203 roll-over (a period ending
//! on a rest day ends on the next working day) is unconfirmed. The engine alerts on the
//! operational `due_date` (not rolled by default, [`SlaPolicy::roll_over_holidays`]) and
//! also reports the `legal_limit`: day-after counting with the roll-over applied. The
//! legal limit is never earlier than the due date.

use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate, TimeDelta, Weekday};
use serde::{Deserialize, Serialize};
use thiserror::Error;

const EMBEDDED_POLICY: &str = include_str!("../../../data/sla/policies.json");

/// Upper bound for any configured period, to keep edited policies sane.
const MAX_PERIOD_DAYS: u32 = 3650;

/// Which handling-period rules apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SlaRegime {
    /// 令2020年第3号 Art. 18: own channels, 12378 transfers, letters and visits, media.
    Cbirc,
    /// Complaint transferred by a PBoC branch (12363): 中国人民银行令〔2020〕第5号.
    PbocTransfer,
}

impl SlaRegime {
    pub fn label_zh(self) -> &'static str {
        match self {
            SlaRegime::Cbirc => "银保监会令2020年第3号",
            SlaRegime::PbocTransfer => "人民银行转办投诉",
        }
    }
}

/// Rest days for the 民法典 Art. 203 roll-over.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HolidayCalendar {
    /// Saturdays and Sundays are rest days unless listed in `adjusted_working_days`.
    pub weekends_are_rest_days: bool,
    /// Statutory holidays (法定节假日) from the 国务院办公厅 annual notice.
    #[serde(default)]
    pub holidays: Vec<NaiveDate>,
    /// Weekend days that are working days because of holiday swaps (调休上班).
    #[serde(default)]
    pub adjusted_working_days: Vec<NaiveDate>,
}

impl HolidayCalendar {
    pub fn is_rest_day(&self, d: NaiveDate) -> bool {
        if self.holidays.contains(&d) {
            return true;
        }
        if self.adjusted_working_days.contains(&d) {
            return false;
        }
        self.weekends_are_rest_days && matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
    }

    /// `d` itself if it is a working day, else the next working day (民法典 Art. 203).
    pub fn roll_forward(&self, d: NaiveDate) -> NaiveDate {
        // Every rest-day run is bounded by the listed holidays plus one weekend on
        // each side, so this loop always ends; the bound only guards bad data.
        let bound = self.holidays.len() + 8;
        let mut day = d;
        for _ in 0..bound {
            if !self.is_rest_day(day) {
                return day;
            }
            day = add_days(day, 1);
        }
        day
    }
}

/// A rule a policy rests on, with the date it took effect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LegalBasis {
    pub rule: String,
    pub articles: String,
    pub effective_date: NaiveDate,
}

/// The editable handling-period policy (`data/sla/policies.json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlaPolicy {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub legal_basis: Vec<LegalBasis>,
    /// 令2020年第3号 Art. 18 ¶1: 15 days.
    pub base_days: u32,
    /// Complex case: may extend to 30 days.
    pub extension_complex_days: u32,
    /// Especially complex: to 60 days, with approval and notice to the complainant.
    pub extension_special_days: u32,
    /// PBoC-transferred complaints: 15 days.
    pub pboc_transfer_days: u32,
    /// PBoC-transferred complaints: never more than 60 days.
    pub pboc_transfer_max_days: u32,
    /// 核查 application window after the complainant receives the decision (Art. 20).
    pub review_application_window_days: u32,
    /// 核查 decision period after receiving the application (Art. 20).
    pub review_handling_days: u32,
    /// Open complaints with this many days left or fewer are "at risk".
    pub at_risk_threshold_days: u32,
    /// Count the receipt day as day 1 (earlier due dates). Default false (民法典 Art. 201).
    pub count_receipt_day: bool,
    /// Roll the operational due date past rest days (民法典 Art. 203). Default false:
    /// unconfirmed for complaint deadlines, so alerts use the unrolled date.
    pub roll_over_holidays: bool,
    pub calendar: HolidayCalendar,
}

/// A policy document that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SlaPolicyError {
    #[error("时限策略不是有效的 JSON：{0}")]
    Json(String),
    #[error("时限策略字段「{field}」无效：{reason}")]
    Invalid { field: &'static str, reason: String },
}

/// Why a clock is paused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PauseReason {
    /// 鉴定、检测、评估 by an outside body (令2020年第3号 Art. 18 ¶2).
    Appraisal,
    /// Agreed mediation (Art. 23).
    Mediation,
    /// Waiting for the complainant to supplement materials (补正, PBoC 办法).
    Correction,
}

impl PauseReason {
    pub const ALL: [PauseReason; 3] = [
        PauseReason::Appraisal,
        PauseReason::Mediation,
        PauseReason::Correction,
    ];

    pub fn label_zh(self) -> &'static str {
        match self {
            PauseReason::Appraisal => "鉴定/检测/评估",
            PauseReason::Mediation => "调解",
            PauseReason::Correction => "补正",
        }
    }
}

/// A period during which the clock does not run (see the module docs for counting).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pause {
    pub reason: PauseReason,
    pub start: NaiveDate,
    /// `None` while the pause is still running.
    #[serde(default)]
    pub end: Option<NaiveDate>,
    /// Free-text detail, e.g. which appraisal body or mediation organisation.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// Extension tiers of 令2020年第3号 Art. 18 ¶1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExtensionTier {
    /// 情况复杂: to 30 days.
    Complex,
    /// 情况特别复杂或其他特殊原因: to 60 days, approval + notice to the complainant.
    Special,
}

impl ExtensionTier {
    pub fn label_zh(self) -> &'static str {
        match self {
            ExtensionTier::Complex => "延长至30日（情况复杂）",
            ExtensionTier::Special => "延长至60日（情况特别复杂）",
        }
    }

    /// Total period in days this tier allows under `policy`.
    pub fn days(self, policy: &SlaPolicy) -> u32 {
        match self {
            ExtensionTier::Complex => policy.extension_complex_days,
            ExtensionTier::Special => policy.extension_special_days,
        }
    }
}

/// A granted extension.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extension {
    pub tier: ExtensionTier,
    pub granted_on: NaiveDate,
    pub reason: String,
    /// Who approved it (required for 60 days, and for any PBoC-transfer extension).
    #[serde(default)]
    pub approved_by: Option<String>,
    /// When the complainant was told (required for 60 days and for PBoC transfers).
    #[serde(default)]
    pub complainant_notified_on: Option<NaiveDate>,
}

/// The timeline facts the calendar works on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaFacts {
    /// The day the bank received the complaint (for transfers: the day the transfer
    /// reached the bank, 令2020年第3号 Art. 18 "自收到").
    pub received_on: NaiveDate,
    pub regime: SlaRegime,
    #[serde(default)]
    pub extensions: Vec<Extension>,
    #[serde(default)]
    pub pauses: Vec<Pause>,
    /// Dates new materials with new facts and reasons arrived (Art. 18 ¶3).
    #[serde(default)]
    pub restarts: Vec<NaiveDate>,
    /// Day the withdrawal request arrived (Art. 15).
    #[serde(default)]
    pub withdrawn_on: Option<NaiveDate>,
    /// Day the complaint was refused (不予受理) — no handling period runs after it.
    #[serde(default)]
    pub rejected_on: Option<NaiveDate>,
    /// Day the decision was sent, posted or dialled (Art. 21).
    #[serde(default)]
    pub decision_notified_on: Option<NaiveDate>,
}

impl SlaFacts {
    pub fn new(received_on: NaiveDate, regime: SlaRegime) -> SlaFacts {
        SlaFacts {
            received_on,
            regime,
            extensions: Vec::new(),
            pauses: Vec::new(),
            restarts: Vec::new(),
            withdrawn_on: None,
            rejected_on: None,
            decision_notified_on: None,
        }
    }

    /// The receipt date after valid restarts: the latest restart on or after receipt.
    pub fn effective_received_on(&self) -> NaiveDate {
        self.restarts
            .iter()
            .copied()
            .filter(|d| *d >= self.received_on)
            .fold(self.received_on, NaiveDate::max)
    }

    /// The running pause, if any.
    pub fn open_pause(&self) -> Option<&Pause> {
        self.pauses.iter().find(|p| p.end.is_none())
    }
}

/// Where a complaint stands against its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SlaStatus {
    OnTrack,
    AtRisk,
    /// Open past the due date, or decided after it.
    Overdue,
    /// Decision notified on or before the due date.
    Met,
    /// Withdrawn or refused: the clock stopped.
    Stopped,
}

impl SlaStatus {
    pub fn label_zh(self) -> &'static str {
        match self {
            SlaStatus::OnTrack => "正常",
            SlaStatus::AtRisk => "临期",
            SlaStatus::Overdue => "超期",
            SlaStatus::Met => "按期办结",
            SlaStatus::Stopped => "已终止",
        }
    }
}

/// A fact the calendar ignored, and why (shown to supervisors as data-quality flags).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SlaIssue {
    RestartBeforeReceipt {
        restart_on: NaiveDate,
    },
    PauseEndsBeforeStart {
        start: NaiveDate,
        end: NaiveDate,
    },
    ExtensionWithoutReason {
        granted_on: NaiveDate,
    },
    ExtensionWithoutApproval {
        granted_on: NaiveDate,
    },
    ExtensionComplainantNotNotified {
        granted_on: NaiveDate,
    },
    ExtensionAfterDeadline {
        granted_on: NaiveDate,
        due_date: NaiveDate,
    },
    ExtensionNotLonger {
        granted_on: NaiveDate,
    },
}

impl SlaIssue {
    pub fn message_zh(&self) -> String {
        match self {
            SlaIssue::RestartBeforeReceipt { restart_on } => {
                format!("重新起算日期 {restart_on} 早于收到投诉日期，已忽略")
            }
            SlaIssue::PauseEndsBeforeStart { start, end } => {
                format!("暂停结束日期 {end} 早于开始日期 {start}，已忽略")
            }
            SlaIssue::ExtensionWithoutReason { granted_on } => {
                format!("{granted_on} 的延期未填写理由，不予计入")
            }
            SlaIssue::ExtensionWithoutApproval { granted_on } => {
                format!("{granted_on} 的延期缺少审批人，不予计入")
            }
            SlaIssue::ExtensionComplainantNotNotified { granted_on } => {
                format!("{granted_on} 的延期未告知投诉人，不予计入")
            }
            SlaIssue::ExtensionAfterDeadline {
                granted_on,
                due_date,
            } => format!("{granted_on} 的延期晚于当时的办理期限 {due_date}，不予计入"),
            SlaIssue::ExtensionNotLonger { granted_on } => {
                format!("{granted_on} 的延期未超过已有期限，不予计入")
            }
        }
    }
}

/// The calendar's answer for one complaint on one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaEvaluation {
    pub regime: SlaRegime,
    /// Receipt date after restarts.
    pub effective_received_on: NaiveDate,
    /// Period in force: 15, 30 or 60 days under the default policy.
    pub period_days: u32,
    pub extension: Option<ExtensionTier>,
    /// Paused days that moved the due date.
    pub paused_days: u32,
    /// A pause is running today.
    pub paused: bool,
    /// Operational deadline, used for alerts.
    pub due_date: NaiveDate,
    /// Latest date the law can be read to allow (day-after counting, Art. 203 roll-over).
    pub legal_limit: NaiveDate,
    /// `due_date - today` for open complaints (negative when overdue).
    pub days_left: Option<i64>,
    pub status: SlaStatus,
    /// The due date passed before the complaint was decided or stopped.
    pub breached: bool,
    /// Day the clock stopped (decision notified, withdrawn or refused).
    pub finished_on: Option<NaiveDate>,
    pub issues: Vec<SlaIssue>,
}

/// Timeline facts of a 核查 (令2020年第3号 Art. 20).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewTimeline {
    /// Day the complainant received the branch decision.
    pub decision_received_on: NaiveDate,
    /// Day the written application reached the superior institution.
    #[serde(default)]
    pub application_received_on: Option<NaiveDate>,
    /// Day the 核查 decision was notified.
    #[serde(default)]
    pub decided_on: Option<NaiveDate>,
    /// Day the application was withdrawn.
    #[serde(default)]
    pub withdrawn_on: Option<NaiveDate>,
}

/// The calendar's answer for a 核查.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewEvaluation {
    /// Last day to apply. Uses the later, legal reading (day-after counting and the
    /// Art. 203 roll-over): wrongly refusing a timely application is the worse error.
    pub application_deadline: NaiveDate,
    pub application_in_time: Option<bool>,
    /// Operational deadline for the 核查 decision.
    pub handling_due: Option<NaiveDate>,
    pub handling_legal_limit: Option<NaiveDate>,
    pub days_left: Option<i64>,
    pub status: Option<SlaStatus>,
}

/// Saturating day arithmetic: dates near chrono's range limits are nonsense input, but
/// must not panic.
fn add_days(d: NaiveDate, n: i64) -> NaiveDate {
    TimeDelta::try_days(n)
        .and_then(|delta| d.checked_add_signed(delta))
        .unwrap_or(if n >= 0 {
            NaiveDate::MAX
        } else {
            NaiveDate::MIN
        })
}

fn days_between(from: NaiveDate, to: NaiveDate) -> i64 {
    (to - from).num_days()
}

/// Half-open paused intervals `[start, end)`, sorted and merged.
fn pause_intervals(
    pauses: &[Pause],
    today: NaiveDate,
    issues: &mut Vec<SlaIssue>,
) -> Vec<(NaiveDate, NaiveDate)> {
    let mut v: Vec<(NaiveDate, NaiveDate)> = Vec::new();
    for p in pauses {
        let end = match p.end {
            Some(end) if end < p.start => {
                issues.push(SlaIssue::PauseEndsBeforeStart {
                    start: p.start,
                    end,
                });
                continue;
            }
            Some(end) => end,
            None => add_days(today, 1).max(p.start),
        };
        if end > p.start {
            v.push((p.start, end));
        }
    }
    v.sort();
    let mut merged: Vec<(NaiveDate, NaiveDate)> = Vec::with_capacity(v.len());
    for (s, e) in v {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    merged
}

/// Last day of a period of `days` counted from `first_day`, moved by the pauses
/// (before any roll-over). Returns the day and the number of paused days credited.
fn shifted_end(
    first_day: NaiveDate,
    days: u32,
    pauses: &[(NaiveDate, NaiveDate)],
) -> (NaiveDate, i64) {
    let mut end = add_days(first_day, i64::from(days.max(1)) - 1);
    let mut credited = 0;
    for &(s, e) in pauses {
        let s = s.max(first_day);
        if e <= s {
            continue;
        }
        if s > end {
            break;
        }
        let len = days_between(s, e);
        end = add_days(end, len);
        credited += len;
    }
    (end, credited)
}

impl SlaPolicy {
    /// The shipped default policy, parsed once.
    pub fn embedded() -> Result<&'static SlaPolicy, SlaPolicyError> {
        static EMBEDDED: OnceLock<Result<SlaPolicy, SlaPolicyError>> = OnceLock::new();
        EMBEDDED
            .get_or_init(|| SlaPolicy::from_json(EMBEDDED_POLICY))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Parse and validate an edited policy document.
    pub fn from_json(text: &str) -> Result<SlaPolicy, SlaPolicyError> {
        let policy: SlaPolicy =
            serde_json::from_str(text).map_err(|e| SlaPolicyError::Json(e.to_string()))?;
        policy.validate()?;
        Ok(policy)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Check the invariants the calendar relies on.
    pub fn validate(&self) -> Result<(), SlaPolicyError> {
        let fields = [
            ("base_days", self.base_days),
            ("extension_complex_days", self.extension_complex_days),
            ("extension_special_days", self.extension_special_days),
            ("pboc_transfer_days", self.pboc_transfer_days),
            ("pboc_transfer_max_days", self.pboc_transfer_max_days),
            (
                "review_application_window_days",
                self.review_application_window_days,
            ),
            ("review_handling_days", self.review_handling_days),
        ];
        for (field, v) in fields {
            if v == 0 || v > MAX_PERIOD_DAYS {
                return Err(SlaPolicyError::Invalid {
                    field,
                    reason: format!("须在 1 到 {MAX_PERIOD_DAYS} 天之间，实际为 {v}"),
                });
            }
        }
        if self.extension_complex_days < self.base_days {
            return Err(SlaPolicyError::Invalid {
                field: "extension_complex_days",
                reason: "不得短于 base_days".into(),
            });
        }
        if self.extension_special_days < self.extension_complex_days {
            return Err(SlaPolicyError::Invalid {
                field: "extension_special_days",
                reason: "不得短于 extension_complex_days".into(),
            });
        }
        if self.pboc_transfer_max_days < self.pboc_transfer_days {
            return Err(SlaPolicyError::Invalid {
                field: "pboc_transfer_max_days",
                reason: "不得短于 pboc_transfer_days".into(),
            });
        }
        if self.at_risk_threshold_days > MAX_PERIOD_DAYS {
            return Err(SlaPolicyError::Invalid {
                field: "at_risk_threshold_days",
                reason: format!("不得超过 {MAX_PERIOD_DAYS} 天"),
            });
        }
        Ok(())
    }

    fn base_days_for(&self, regime: SlaRegime) -> u32 {
        match regime {
            SlaRegime::Cbirc => self.base_days,
            SlaRegime::PbocTransfer => self.pboc_transfer_days,
        }
    }

    fn first_day(&self, start: NaiveDate, legal: bool) -> NaiveDate {
        if self.count_receipt_day && !legal {
            start
        } else {
            add_days(start, 1)
        }
    }

    /// Operational and legal end of a plain period (no pauses) starting at `start`.
    pub fn period_end(&self, start: NaiveDate, days: u32) -> (NaiveDate, NaiveDate) {
        let (op, _) = shifted_end(self.first_day(start, false), days, &[]);
        let (legal, _) = shifted_end(self.first_day(start, true), days, &[]);
        let op = if self.roll_over_holidays {
            self.calendar.roll_forward(op)
        } else {
            op
        };
        (op, self.calendar.roll_forward(legal))
    }

    /// Operational due date and credited pause days of a period, with the PBoC cap.
    fn due_with_pauses(
        &self,
        start: NaiveDate,
        days: u32,
        regime: SlaRegime,
        pauses: &[(NaiveDate, NaiveDate)],
        legal: bool,
    ) -> (NaiveDate, i64) {
        let first = self.first_day(start, legal);
        let (mut end, mut credited) = shifted_end(first, days, pauses);
        if regime == SlaRegime::PbocTransfer {
            // 中国人民银行令〔2020〕第5号: the handling period may not exceed 60 days,
            // pauses included.
            let (cap, _) = shifted_end(first, self.pboc_transfer_max_days, &[]);
            if end > cap {
                credited -= days_between(cap, end);
                end = cap;
            }
        }
        let end = if legal || self.roll_over_holidays {
            self.calendar.roll_forward(end)
        } else {
            end
        };
        (end, credited.max(0))
    }

    /// Evaluate a complaint's clock as of `today` (a China-local date).
    pub fn evaluate(&self, facts: &SlaFacts, today: NaiveDate) -> SlaEvaluation {
        let mut issues = Vec::new();
        for r in &facts.restarts {
            if *r < facts.received_on {
                issues.push(SlaIssue::RestartBeforeReceipt { restart_on: *r });
            }
        }
        let start = facts.effective_received_on();
        let pauses = pause_intervals(&facts.pauses, today, &mut issues);
        let regime = facts.regime;

        let mut days = self.base_days_for(regime);
        let mut tier = None;
        let mut extensions: Vec<&Extension> = facts
            .extensions
            .iter()
            // Extensions granted before a restart belong to the superseded period.
            .filter(|e| e.granted_on >= start)
            .collect();
        extensions.sort_by_key(|e| e.granted_on);
        for ext in extensions {
            let needs_approval =
                ext.tier == ExtensionTier::Special || regime == SlaRegime::PbocTransfer;
            let (due_now, _) = self.due_with_pauses(start, days, regime, &pauses, false);
            let issue = if ext.reason.trim().is_empty() {
                Some(SlaIssue::ExtensionWithoutReason {
                    granted_on: ext.granted_on,
                })
            } else if needs_approval
                && ext
                    .approved_by
                    .as_deref()
                    .is_none_or(|a| a.trim().is_empty())
            {
                Some(SlaIssue::ExtensionWithoutApproval {
                    granted_on: ext.granted_on,
                })
            } else if needs_approval && ext.complainant_notified_on.is_none() {
                Some(SlaIssue::ExtensionComplainantNotNotified {
                    granted_on: ext.granted_on,
                })
            } else if ext.granted_on > due_now {
                Some(SlaIssue::ExtensionAfterDeadline {
                    granted_on: ext.granted_on,
                    due_date: due_now,
                })
            } else if ext.tier.days(self) <= days {
                Some(SlaIssue::ExtensionNotLonger {
                    granted_on: ext.granted_on,
                })
            } else {
                None
            };
            match issue {
                Some(i) => issues.push(i),
                None => {
                    days = ext.tier.days(self);
                    tier = Some(ext.tier);
                }
            }
        }

        let (due_date, credited) = self.due_with_pauses(start, days, regime, &pauses, false);
        let (legal_limit, _) = self.due_with_pauses(start, days, regime, &pauses, true);
        let paused = facts.open_pause().is_some_and(|p| p.start <= today);

        let decided = facts.decision_notified_on;
        let stopped = match (facts.withdrawn_on, facts.rejected_on) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let (status, finished_on, breached) = match (decided, stopped) {
            (Some(d), s) if s.is_none_or(|s| d <= s) => {
                let late = d > due_date;
                (
                    if late {
                        SlaStatus::Overdue
                    } else {
                        SlaStatus::Met
                    },
                    Some(d),
                    late,
                )
            }
            (_, Some(s)) => (SlaStatus::Stopped, Some(s), s > due_date),
            _ => {
                let left = days_between(today, due_date);
                let status = if left < 0 {
                    SlaStatus::Overdue
                } else if left <= i64::from(self.at_risk_threshold_days) {
                    SlaStatus::AtRisk
                } else {
                    SlaStatus::OnTrack
                };
                (status, None, left < 0)
            }
        };
        let days_left = finished_on.is_none().then(|| days_between(today, due_date));

        SlaEvaluation {
            regime,
            effective_received_on: start,
            period_days: days,
            extension: tier,
            paused_days: u32::try_from(credited).unwrap_or(u32::MAX),
            paused,
            due_date,
            legal_limit,
            days_left,
            status,
            breached,
            finished_on,
            issues,
        }
    }

    /// Last day a complainant may apply for 核查 after receiving the decision on
    /// `decision_received_on` (Art. 20), on the generous legal reading.
    pub fn review_application_deadline(&self, decision_received_on: NaiveDate) -> NaiveDate {
        self.period_end(decision_received_on, self.review_application_window_days)
            .1
    }

    /// Evaluate a 核查's clocks as of `today`.
    pub fn evaluate_review(&self, r: &ReviewTimeline, today: NaiveDate) -> ReviewEvaluation {
        let application_deadline = self.review_application_deadline(r.decision_received_on);
        let Some(applied) = r.application_received_on else {
            return ReviewEvaluation {
                application_deadline,
                application_in_time: None,
                handling_due: None,
                handling_legal_limit: None,
                days_left: None,
                status: None,
            };
        };
        let (due, legal) = self.period_end(applied, self.review_handling_days);
        let (status, days_left) = match (r.decided_on, r.withdrawn_on) {
            (Some(d), w) if w.is_none_or(|w| d <= w) => (
                if d <= due {
                    SlaStatus::Met
                } else {
                    SlaStatus::Overdue
                },
                None,
            ),
            (_, Some(_)) => (SlaStatus::Stopped, None),
            _ => {
                let left = days_between(today, due);
                let status = if left < 0 {
                    SlaStatus::Overdue
                } else if left <= i64::from(self.at_risk_threshold_days) {
                    SlaStatus::AtRisk
                } else {
                    SlaStatus::OnTrack
                };
                (status, Some(left))
            }
        };
        ReviewEvaluation {
            application_deadline,
            application_in_time: Some(applied <= application_deadline),
            handling_due: Some(due),
            handling_legal_limit: Some(legal),
            days_left,
            status: Some(status),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
    }

    fn policy() -> SlaPolicy {
        SlaPolicy::embedded().expect("embedded policy").clone()
    }

    fn facts(received: &str) -> SlaFacts {
        SlaFacts::new(d(received), SlaRegime::Cbirc)
    }

    fn ext(tier: ExtensionTier, on: &str, approved: bool, notified: bool) -> Extension {
        Extension {
            tier,
            granted_on: d(on),
            reason: "案情复杂".into(),
            approved_by: approved.then(|| "hq-senior".to_string()),
            complainant_notified_on: notified.then(|| d(on)),
        }
    }

    fn pause(start: &str, end: Option<&str>) -> Pause {
        Pause {
            reason: PauseReason::Appraisal,
            start: d(start),
            end: end.map(d),
            note: String::new(),
        }
    }

    #[test]
    fn embedded_policy_has_the_statutory_values() {
        let p = policy();
        assert_eq!(
            (
                p.base_days,
                p.extension_complex_days,
                p.extension_special_days,
                p.pboc_transfer_days,
                p.pboc_transfer_max_days,
                p.review_application_window_days,
                p.review_handling_days,
                p.at_risk_threshold_days,
            ),
            (15, 30, 60, 15, 60, 30, 30, 3)
        );
        assert!(!p.count_receipt_day);
        assert!(!p.roll_over_holidays);
        assert!(
            p.legal_basis
                .iter()
                .any(|b| b.effective_date == d("2020-03-01"))
        );
        assert_eq!(SlaPolicy::from_json(&p.to_json()).unwrap(), p);
    }

    #[test]
    fn invalid_policies_are_rejected() {
        let base = policy();
        type Mutation = Box<dyn Fn(&mut SlaPolicy)>;
        let cases: Vec<(&str, Mutation)> = vec![
            ("base_days", Box::new(|p| p.base_days = 0)),
            (
                "extension_complex_days",
                Box::new(|p| p.extension_complex_days = 10),
            ),
            (
                "extension_special_days",
                Box::new(|p| p.extension_special_days = 20),
            ),
            (
                "pboc_transfer_max_days",
                Box::new(|p| p.pboc_transfer_max_days = 10),
            ),
            (
                "review_handling_days",
                Box::new(|p| p.review_handling_days = 5000),
            ),
            (
                "at_risk_threshold_days",
                Box::new(|p| p.at_risk_threshold_days = 5000),
            ),
        ];
        for (field, mutate) in cases {
            let mut p = base.clone();
            mutate(&mut p);
            match SlaPolicy::from_json(&p.to_json()) {
                Err(SlaPolicyError::Invalid { field: f, .. }) => assert_eq!(f, field),
                other => panic!("{field}: {other:?}"),
            }
        }
        assert!(matches!(
            SlaPolicy::from_json("{}"),
            Err(SlaPolicyError::Json(_))
        ));
        let typo = base.to_json().replace("\"base_days\"", "\"base_dayz\"");
        assert!(matches!(
            SlaPolicy::from_json(&typo),
            Err(SlaPolicyError::Json(_))
        ));
    }

    #[test]
    fn base_and_extension_periods_count_from_the_day_after_receipt() {
        use ExtensionTier::*;
        // (received, extension, expected due)
        let cases: &[(&str, Option<ExtensionTier>, &str)] = &[
            ("2026-11-02", None, "2026-11-17"),
            ("2024-01-10", None, "2024-01-25"),
            ("2024-01-10", Some(Complex), "2024-02-09"),
            ("2024-01-10", Some(Special), "2024-03-10"),
            ("2024-02-20", None, "2024-03-06"), // leap-year February
            ("2023-12-25", None, "2024-01-09"), // across the year end
        ];
        let p = policy();
        for (received, tier, want) in cases {
            let mut f = facts(received);
            if let Some(t) = tier {
                f.extensions.push(ext(*t, received, true, true));
            }
            let e = p.evaluate(&f, d(received));
            assert_eq!(e.due_date, d(want), "{received} {tier:?}");
            assert_eq!(e.extension, *tier);
            assert!(e.issues.is_empty(), "{:?}", e.issues);
        }
    }

    #[test]
    fn counting_the_receipt_day_makes_every_deadline_one_day_earlier() {
        let mut p = policy();
        p.count_receipt_day = true;
        let cases = [
            (None, "2024-01-24"),
            (Some(ExtensionTier::Complex), "2024-02-08"),
            (Some(ExtensionTier::Special), "2024-03-09"),
        ];
        for (tier, want) in cases {
            let mut f = facts("2024-01-10");
            if let Some(t) = tier {
                f.extensions.push(ext(t, "2024-01-11", true, true));
            }
            let e = p.evaluate(&f, d("2024-01-10"));
            assert_eq!(e.due_date, d(want), "{tier:?}");
            // The legal limit still uses day-after counting.
            assert_eq!(
                e.legal_limit,
                p.calendar.roll_forward(add_days(e.due_date, 1))
            );
        }
    }

    #[test]
    fn extension_requirements() {
        use ExtensionTier::*;
        struct Case {
            name: &'static str,
            regime: SlaRegime,
            exts: Vec<Extension>,
            due: &'static str,
            issue: Option<fn(&SlaIssue) -> bool>,
        }
        let no_reason = Extension {
            reason: "  ".into(),
            ..ext(Complex, "2024-01-12", false, false)
        };
        let cases = vec![
            Case {
                name: "complex needs only a reason",
                regime: SlaRegime::Cbirc,
                exts: vec![ext(Complex, "2024-01-12", false, false)],
                due: "2024-02-09",
                issue: None,
            },
            Case {
                name: "complex without reason is ignored",
                regime: SlaRegime::Cbirc,
                exts: vec![no_reason],
                due: "2024-01-25",
                issue: Some(|i| matches!(i, SlaIssue::ExtensionWithoutReason { .. })),
            },
            Case {
                name: "60 days needs approval",
                regime: SlaRegime::Cbirc,
                exts: vec![ext(Special, "2024-01-12", false, true)],
                due: "2024-01-25",
                issue: Some(|i| matches!(i, SlaIssue::ExtensionWithoutApproval { .. })),
            },
            Case {
                name: "60 days needs complainant notified",
                regime: SlaRegime::Cbirc,
                exts: vec![ext(Special, "2024-01-12", true, false)],
                due: "2024-01-25",
                issue: Some(|i| matches!(i, SlaIssue::ExtensionComplainantNotNotified { .. })),
            },
            Case {
                name: "unapproved 60 after valid 30 keeps 30",
                regime: SlaRegime::Cbirc,
                exts: vec![
                    ext(Complex, "2024-01-12", false, false),
                    ext(Special, "2024-02-01", false, false),
                ],
                due: "2024-02-09",
                issue: Some(|i| matches!(i, SlaIssue::ExtensionWithoutApproval { .. })),
            },
            Case {
                name: "30 then approved 60",
                regime: SlaRegime::Cbirc,
                exts: vec![
                    ext(Complex, "2024-01-12", false, false),
                    ext(Special, "2024-02-09", true, true),
                ],
                due: "2024-03-10",
                issue: None,
            },
            Case {
                name: "extension after the deadline does not rescue",
                regime: SlaRegime::Cbirc,
                exts: vec![ext(Complex, "2024-01-26", false, false)],
                due: "2024-01-25",
                issue: Some(|i| matches!(i, SlaIssue::ExtensionAfterDeadline { .. })),
            },
            Case {
                name: "extension on the last day counts",
                regime: SlaRegime::Cbirc,
                exts: vec![ext(Complex, "2024-01-25", false, false)],
                due: "2024-02-09",
                issue: None,
            },
            Case {
                name: "30 after 60 does not shorten",
                regime: SlaRegime::Cbirc,
                exts: vec![
                    ext(Special, "2024-01-12", true, true),
                    ext(Complex, "2024-01-13", false, false),
                ],
                due: "2024-03-10",
                issue: Some(|i| matches!(i, SlaIssue::ExtensionNotLonger { .. })),
            },
            Case {
                name: "PBoC 30 needs approval",
                regime: SlaRegime::PbocTransfer,
                exts: vec![ext(Complex, "2024-01-12", false, true)],
                due: "2024-01-25",
                issue: Some(|i| matches!(i, SlaIssue::ExtensionWithoutApproval { .. })),
            },
            Case {
                name: "PBoC 30 needs the reason told",
                regime: SlaRegime::PbocTransfer,
                exts: vec![ext(Complex, "2024-01-12", true, false)],
                due: "2024-01-25",
                issue: Some(|i| matches!(i, SlaIssue::ExtensionComplainantNotNotified { .. })),
            },
            Case {
                name: "PBoC approved 60",
                regime: SlaRegime::PbocTransfer,
                exts: vec![ext(Special, "2024-01-12", true, true)],
                due: "2024-03-10",
                issue: None,
            },
        ];
        let p = policy();
        for c in cases {
            let mut f = SlaFacts::new(d("2024-01-10"), c.regime);
            f.extensions = c.exts;
            let e = p.evaluate(&f, d("2024-01-12"));
            assert_eq!(e.due_date, d(c.due), "{}", c.name);
            match c.issue {
                None => assert!(e.issues.is_empty(), "{}: {:?}", c.name, e.issues),
                Some(check) => {
                    assert_eq!(e.issues.len(), 1, "{}: {:?}", c.name, e.issues);
                    assert!(check(&e.issues[0]), "{}: {:?}", c.name, e.issues);
                    assert!(!e.issues[0].message_zh().is_empty());
                }
            }
        }
    }

    #[test]
    fn pauses_shift_the_due_date_by_paused_days() {
        // received 2024-01-10, base due 2024-01-25; pause [start, end) per module docs.
        type Row<'a> = (
            &'a str,
            &'a [(&'a str, Option<&'a str>)],
            &'a str,
            &'a str,
            u32,
        );
        let cases: &[Row] = &[
            ("no pause", &[], "2024-01-12", "2024-01-25", 0),
            (
                "three days",
                &[("2024-01-12", Some("2024-01-15"))],
                "2024-01-20",
                "2024-01-28",
                3,
            ),
            (
                "same-day pause is zero days",
                &[("2024-01-12", Some("2024-01-12"))],
                "2024-01-20",
                "2024-01-25",
                0,
            ),
            (
                "pause on receipt day before the clock starts",
                &[("2024-01-10", Some("2024-01-11"))],
                "2024-01-20",
                "2024-01-25",
                0,
            ),
            (
                "pause straddling the first day counts from day 1",
                &[("2024-01-09", Some("2024-01-13"))],
                "2024-01-20",
                "2024-01-27",
                2,
            ),
            (
                "pause starting on the due day",
                &[("2024-01-25", Some("2024-01-27"))],
                "2024-01-27",
                "2024-01-27",
                2,
            ),
            (
                "pause after the due date does not revive",
                &[("2024-01-26", Some("2024-02-05"))],
                "2024-02-06",
                "2024-01-25",
                0,
            ),
            (
                "overlapping pauses are merged",
                &[
                    ("2024-01-12", Some("2024-01-16")),
                    ("2024-01-14", Some("2024-01-18")),
                ],
                "2024-01-20",
                "2024-01-31",
                6,
            ),
            (
                "adjacent pauses add up",
                &[
                    ("2024-01-12", Some("2024-01-14")),
                    ("2024-01-14", Some("2024-01-16")),
                ],
                "2024-01-20",
                "2024-01-29",
                4,
            ),
            (
                "a later pause moved into range by an earlier one",
                &[
                    ("2024-01-12", Some("2024-01-22")),
                    ("2024-01-30", Some("2024-02-01")),
                ],
                "2024-01-20",
                "2024-02-06",
                12,
            ),
            (
                "open pause runs through today",
                &[("2024-01-20", None)],
                "2024-01-30",
                "2024-02-05",
                11,
            ),
            (
                "open pause starting in the future is empty today",
                &[("2024-01-22", None)],
                "2024-01-20",
                "2024-01-25",
                0,
            ),
        ];
        let p = policy();
        for (name, pauses, today, want, paused_days) in cases {
            let mut f = facts("2024-01-10");
            f.pauses = pauses.iter().map(|(s, e)| pause(s, *e)).collect();
            let e = p.evaluate(&f, d(today));
            assert_eq!(e.due_date, d(want), "{name}");
            assert_eq!(e.paused_days, *paused_days, "{name}");
            assert!(e.issues.is_empty(), "{name}: {:?}", e.issues);
        }
    }

    #[test]
    fn paused_flag_and_open_pause_keep_a_case_from_going_overdue() {
        let p = policy();
        let mut f = facts("2024-01-10");
        f.pauses.push(pause("2024-01-20", None));
        let e = p.evaluate(&f, d("2024-03-01"));
        assert!(e.paused);
        assert_eq!(e.status, SlaStatus::OnTrack);
        assert_eq!(e.days_left, Some(6)); // the 6 days left on 2024-01-20 resume tomorrow
        f.pauses[0].end = Some(d("2024-02-01"));
        let e = p.evaluate(&f, d("2024-03-01"));
        assert!(!e.paused);
        assert_eq!(e.status, SlaStatus::Overdue);
    }

    #[test]
    fn pause_ending_before_it_starts_is_ignored_with_an_issue() {
        let mut f = facts("2024-01-10");
        f.pauses.push(pause("2024-01-15", Some("2024-01-12")));
        let e = policy().evaluate(&f, d("2024-01-16"));
        assert_eq!(e.due_date, d("2024-01-25"));
        assert_eq!(
            e.issues,
            [SlaIssue::PauseEndsBeforeStart {
                start: d("2024-01-15"),
                end: d("2024-01-12")
            }]
        );
    }

    #[test]
    fn pboc_transfers_never_exceed_sixty_days() {
        let p = policy();
        type Row<'a> = (
            &'a str,
            Option<ExtensionTier>,
            &'a [(&'a str, &'a str)],
            &'a str,
        );
        let cases: &[Row] = &[
            ("base", None, &[], "2024-01-25"),
            (
                "pause within base",
                None,
                &[("2024-01-12", "2024-01-22")],
                "2024-02-04",
            ),
            (
                "approved 60 plus long pause capped",
                Some(ExtensionTier::Special),
                &[("2024-01-12", "2024-03-01")],
                "2024-03-10",
            ),
            (
                "base plus 90-day appraisal capped",
                None,
                &[("2024-01-12", "2024-04-11")],
                "2024-03-10",
            ),
        ];
        for (name, tier, pauses, want) in cases {
            let mut f = SlaFacts::new(d("2024-01-10"), SlaRegime::PbocTransfer);
            if let Some(t) = tier {
                f.extensions.push(ext(*t, "2024-01-11", true, true));
            }
            f.pauses = pauses.iter().map(|(s, e)| pause(s, Some(e))).collect();
            let e = p.evaluate(&f, d("2024-01-11"));
            assert_eq!(e.due_date, d(want), "{name}");
        }
        // The same long pause under CBIRC rules is not capped.
        let mut f = facts("2024-01-10");
        f.pauses.push(pause("2024-01-12", "2024-04-11".into()));
        assert_eq!(p.evaluate(&f, d("2024-01-11")).due_date, d("2024-04-24"));
    }

    #[test]
    fn restart_resets_the_receipt_date() {
        let p = policy();
        let cases: &[(&str, &[&str], &str, &str, usize)] = &[
            (
                "restart on new facts",
                &["2024-01-20"],
                "2024-01-20",
                "2024-02-04",
                0,
            ),
            (
                "latest restart wins",
                &["2024-01-20", "2024-01-30", "2024-01-25"],
                "2024-01-30",
                "2024-02-14",
                0,
            ),
            (
                "restart before receipt ignored",
                &["2024-01-01"],
                "2024-01-10",
                "2024-01-25",
                1,
            ),
        ];
        for (name, restarts, eff, want, issues) in cases {
            let mut f = facts("2024-01-10");
            f.restarts = restarts.iter().map(|s| d(s)).collect();
            let e = p.evaluate(&f, d("2024-01-20"));
            assert_eq!(e.effective_received_on, d(eff), "{name}");
            assert_eq!(e.due_date, d(want), "{name}");
            assert_eq!(e.issues.len(), *issues, "{name}");
        }
        // An extension from the superseded period is not carried over.
        let mut f = facts("2024-01-10");
        f.extensions
            .push(ext(ExtensionTier::Complex, "2024-01-12", false, false));
        f.restarts.push(d("2024-01-20"));
        let e = p.evaluate(&f, d("2024-01-20"));
        assert_eq!(e.extension, None);
        assert_eq!(e.due_date, d("2024-02-04"));
    }

    #[test]
    fn status_relative_to_today() {
        let p = policy(); // due 2024-01-25, at-risk threshold 3
        let cases = [
            ("2024-01-10", SlaStatus::OnTrack, Some(15), false),
            ("2024-01-21", SlaStatus::OnTrack, Some(4), false),
            ("2024-01-22", SlaStatus::AtRisk, Some(3), false),
            ("2024-01-25", SlaStatus::AtRisk, Some(0), false),
            ("2024-01-26", SlaStatus::Overdue, Some(-1), true),
        ];
        for (today, status, left, breached) in cases {
            let e = p.evaluate(&facts("2024-01-10"), d(today));
            assert_eq!(
                (e.status, e.days_left, e.breached, e.finished_on),
                (status, left, breached, None),
                "{today}"
            );
        }
    }

    #[test]
    fn decision_withdrawal_and_rejection_end_the_clock() {
        let p = policy();
        type Setup = fn(&mut SlaFacts);
        let cases: &[(&str, Setup, SlaStatus, Option<&str>, bool)] = &[
            (
                "decided on the due day",
                |f| f.decision_notified_on = Some(d("2024-01-25")),
                SlaStatus::Met,
                Some("2024-01-25"),
                false,
            ),
            (
                "decided a day late",
                |f| f.decision_notified_on = Some(d("2024-01-26")),
                SlaStatus::Overdue,
                Some("2024-01-26"),
                true,
            ),
            (
                "withdrawn in time",
                |f| f.withdrawn_on = Some(d("2024-01-15")),
                SlaStatus::Stopped,
                Some("2024-01-15"),
                false,
            ),
            (
                "withdrawn after the deadline had passed",
                |f| f.withdrawn_on = Some(d("2024-01-28")),
                SlaStatus::Stopped,
                Some("2024-01-28"),
                true,
            ),
            (
                "decision before withdrawal counts",
                |f| {
                    f.decision_notified_on = Some(d("2024-01-20"));
                    f.withdrawn_on = Some(d("2024-01-22"));
                },
                SlaStatus::Met,
                Some("2024-01-20"),
                false,
            ),
            (
                "withdrawal before a later decision stops",
                |f| {
                    f.decision_notified_on = Some(d("2024-01-22"));
                    f.withdrawn_on = Some(d("2024-01-20"));
                },
                SlaStatus::Stopped,
                Some("2024-01-20"),
                false,
            ),
            (
                "refused",
                |f| f.rejected_on = Some(d("2024-01-11")),
                SlaStatus::Stopped,
                Some("2024-01-11"),
                false,
            ),
        ];
        for (name, setup, status, finished, breached) in cases {
            let mut f = facts("2024-01-10");
            setup(&mut f);
            let e = p.evaluate(&f, d("2024-02-20"));
            assert_eq!(e.status, *status, "{name}");
            assert_eq!(e.finished_on, finished.map(d), "{name}");
            assert_eq!(e.breached, *breached, "{name}");
            assert_eq!(e.days_left, None, "{name}");
        }
    }

    #[test]
    fn legal_limit_rolls_over_rest_days_and_due_date_only_when_configured() {
        let mut p = policy();
        // 2024-03-10 is a Sunday.
        let mut f = facts("2024-01-10");
        f.extensions
            .push(ext(ExtensionTier::Special, "2024-01-11", true, true));
        let e = p.evaluate(&f, d("2024-01-11"));
        assert_eq!(e.due_date, d("2024-03-10"));
        assert_eq!(e.legal_limit, d("2024-03-11"));

        p.roll_over_holidays = true;
        let e = p.evaluate(&f, d("2024-01-11"));
        assert_eq!(e.due_date, d("2024-03-11"));

        // A holiday run: due 2024-10-01 (Tue) during a listed National Day week.
        p.roll_over_holidays = false;
        p.calendar.holidays = (1..=7)
            .map(|day| NaiveDate::from_ymd_opt(2024, 10, day).expect("date"))
            .collect();
        let e = p.evaluate(&facts("2024-09-16"), d("2024-09-16"));
        assert_eq!(e.due_date, d("2024-10-01"));
        assert_eq!(e.legal_limit, d("2024-10-08"));

        // A swapped working Saturday ends the roll-over there.
        p.calendar.adjusted_working_days = vec![d("2024-03-09")];
        assert_eq!(p.calendar.roll_forward(d("2024-03-09")), d("2024-03-09"));
        assert_eq!(p.calendar.roll_forward(d("2024-03-10")), d("2024-03-11"));
        p.calendar.weekends_are_rest_days = false;
        assert_eq!(p.calendar.roll_forward(d("2024-03-10")), d("2024-03-10"));
    }

    #[test]
    fn review_windows() {
        let p = policy();
        // (decision received, applied, decided, today, deadline, in time, due, status, left)
        type Row<'a> = (
            &'a str,
            Option<&'a str>,
            Option<&'a str>,
            &'a str,
            &'a str,
            Option<bool>,
            Option<&'a str>,
            Option<SlaStatus>,
            Option<i64>,
        );
        let cases: &[Row] = &[
            (
                "2024-01-10",
                None,
                None,
                "2024-01-20",
                "2024-02-09",
                None,
                None,
                None,
                None,
            ),
            (
                "2024-01-10",
                Some("2024-02-09"),
                None,
                "2024-02-10",
                "2024-02-09",
                Some(true),
                Some("2024-03-10"),
                Some(SlaStatus::OnTrack),
                Some(29),
            ),
            (
                "2024-01-10",
                Some("2024-02-10"),
                None,
                "2024-02-10",
                "2024-02-09",
                Some(false),
                Some("2024-03-11"),
                Some(SlaStatus::OnTrack),
                Some(30),
            ),
            (
                "2024-01-10",
                Some("2024-01-20"),
                Some("2024-02-19"),
                "2024-03-01",
                "2024-02-09",
                Some(true),
                Some("2024-02-19"),
                Some(SlaStatus::Met),
                None,
            ),
            (
                "2024-01-10",
                Some("2024-01-20"),
                Some("2024-02-20"),
                "2024-03-01",
                "2024-02-09",
                Some(true),
                Some("2024-02-19"),
                Some(SlaStatus::Overdue),
                None,
            ),
            (
                "2024-01-10",
                Some("2024-01-20"),
                None,
                "2024-02-20",
                "2024-02-09",
                Some(true),
                Some("2024-02-19"),
                Some(SlaStatus::Overdue),
                Some(-1),
            ),
            // Deadline on Saturday 2024-02-24 → legal reading extends to Monday.
            (
                "2024-01-25",
                Some("2024-02-26"),
                None,
                "2024-02-26",
                "2024-02-26",
                Some(true),
                Some("2024-03-27"),
                Some(SlaStatus::OnTrack),
                Some(30),
            ),
        ];
        for (received, applied, decided, today, deadline, in_time, due, status, left) in cases {
            let r = ReviewTimeline {
                decision_received_on: d(received),
                application_received_on: applied.map(d),
                decided_on: decided.map(d),
                withdrawn_on: None,
            };
            let e = p.evaluate_review(&r, d(today));
            let ctx = format!("{received} {applied:?} {decided:?} {today}");
            assert_eq!(e.application_deadline, d(deadline), "{ctx}");
            assert_eq!(e.application_in_time, *in_time, "{ctx}");
            assert_eq!(e.handling_due, due.map(d), "{ctx}");
            assert_eq!(e.status, *status, "{ctx}");
            assert_eq!(e.days_left, *left, "{ctx}");
        }
        let withdrawn = ReviewTimeline {
            decision_received_on: d("2024-01-10"),
            application_received_on: Some(d("2024-01-20")),
            decided_on: None,
            withdrawn_on: Some(d("2024-01-25")),
        };
        assert_eq!(
            p.evaluate_review(&withdrawn, d("2024-03-01")).status,
            Some(SlaStatus::Stopped)
        );
    }

    #[test]
    fn dates_at_the_edge_of_the_range_do_not_panic() {
        let p = policy();
        let mut f = SlaFacts::new(NaiveDate::MAX, SlaRegime::PbocTransfer);
        f.pauses.push(Pause {
            reason: PauseReason::Mediation,
            start: NaiveDate::MIN,
            end: None,
            note: String::new(),
        });
        f.extensions
            .push(ext(ExtensionTier::Special, "2024-01-01", true, true));
        let e = p.evaluate(&f, NaiveDate::MIN);
        assert_eq!(e.due_date, NaiveDate::MAX);
        let r = ReviewTimeline {
            decision_received_on: NaiveDate::MAX,
            application_received_on: Some(NaiveDate::MAX),
            decided_on: None,
            withdrawn_on: None,
        };
        assert_eq!(
            p.evaluate_review(&r, NaiveDate::MIN).handling_due,
            Some(NaiveDate::MAX)
        );
    }

    fn arb_date() -> impl Strategy<Value = NaiveDate> {
        (0i64..3000).prop_map(|n| add_days(d("2020-01-01"), n))
    }

    fn arb_pause() -> impl Strategy<Value = Pause> {
        (
            0i64..200,
            0i64..120,
            proptest::bool::weighted(0.2),
            proptest::sample::select(PauseReason::ALL.to_vec()),
        )
            .prop_map(|(offset, len, open, reason)| {
                let start = add_days(d("2020-01-01"), offset);
                Pause {
                    reason,
                    start,
                    end: (!open).then(|| add_days(start, len)),
                    note: String::new(),
                }
            })
    }

    fn arb_facts() -> impl Strategy<Value = SlaFacts> {
        (
            0i64..150,
            proptest::bool::ANY,
            proptest::collection::vec(arb_pause(), 0..5),
            proptest::collection::vec((0i64..120, proptest::bool::ANY, proptest::bool::ANY), 0..3),
            proptest::collection::vec(0i64..80, 0..2),
            proptest::option::of(0i64..120),
            proptest::option::of(0i64..120),
        )
            .prop_map(|(recv, pboc, pauses, exts, restarts, withdrawn, decided)| {
                let received_on = add_days(d("2020-01-01"), recv);
                let regime = if pboc {
                    SlaRegime::PbocTransfer
                } else {
                    SlaRegime::Cbirc
                };
                let mut f = SlaFacts::new(received_on, regime);
                f.pauses = pauses;
                f.extensions = exts
                    .into_iter()
                    .map(|(off, special, approved)| Extension {
                        tier: if special {
                            ExtensionTier::Special
                        } else {
                            ExtensionTier::Complex
                        },
                        granted_on: add_days(received_on, off),
                        reason: "复杂".into(),
                        approved_by: approved.then(|| "approver".into()),
                        complainant_notified_on: approved.then_some(received_on),
                    })
                    .collect();
                f.restarts = restarts
                    .into_iter()
                    .map(|o| add_days(received_on, o - 10))
                    .collect();
                f.withdrawn_on = withdrawn.map(|o| add_days(received_on, o));
                f.decision_notified_on = decided.map(|o| add_days(received_on, o));
                f
            })
    }

    proptest! {
        #[test]
        fn due_is_at_least_fifteen_days_after_effective_receipt(f in arb_facts(), today in arb_date()) {
            let e = policy().evaluate(&f, today);
            prop_assert!(e.due_date >= add_days(f.received_on, 15));
            prop_assert!(e.due_date >= add_days(e.effective_received_on, 15));
        }

        #[test]
        fn legal_limit_is_never_before_due(f in arb_facts(), today in arb_date(), count_receipt in proptest::bool::ANY, roll in proptest::bool::ANY) {
            let mut p = policy();
            p.count_receipt_day = count_receipt;
            p.roll_over_holidays = roll;
            let e = p.evaluate(&f, today);
            prop_assert!(e.legal_limit >= e.due_date);
        }

        #[test]
        fn pauses_never_shorten(f in arb_facts(), today in arb_date()) {
            let p = policy();
            let with = p.evaluate(&f, today);
            let mut without = f.clone();
            without.pauses.clear();
            let without = p.evaluate(&without, today);
            prop_assert!(with.due_date >= without.due_date);
        }

        #[test]
        fn due_is_monotonic_in_pauses(f in arb_facts(), extra in arb_pause(), today in arb_date()) {
            let p = policy();
            let before = p.evaluate(&f, today);
            let mut more = f.clone();
            more.pauses.push(extra);
            let after = p.evaluate(&more, today);
            prop_assert!(after.due_date >= before.due_date);
            prop_assert!(after.legal_limit >= before.legal_limit);
        }

        #[test]
        fn longer_pause_never_earlier_due(f in arb_facts(), extra in arb_pause(), grow in 0i64..30, today in arb_date()) {
            let p = policy();
            let mut short = f.clone();
            let mut long = f;
            let mut extra_closed = extra;
            let end = extra_closed.end.unwrap_or(extra_closed.start);
            extra_closed.end = Some(end);
            short.pauses.push(extra_closed.clone());
            extra_closed.end = Some(add_days(end, grow));
            long.pauses.push(extra_closed);
            prop_assert!(p.evaluate(&long, today).due_date >= p.evaluate(&short, today).due_date);
        }

        #[test]
        fn pboc_transfers_stay_within_sixty_days(f in arb_facts(), today in arb_date()) {
            let e = policy().evaluate(&f, today);
            if f.regime == SlaRegime::PbocTransfer {
                prop_assert!(e.due_date <= add_days(e.effective_received_on, 60));
            }
            prop_assert!(e.period_days <= 60);
        }

        #[test]
        fn status_is_consistent(f in arb_facts(), today in arb_date()) {
            let e = policy().evaluate(&f, today);
            match e.finished_on {
                None => {
                    let left = e.days_left.expect("open cases have days left");
                    prop_assert_eq!(left, (e.due_date - today).num_days());
                    prop_assert_eq!(e.status == SlaStatus::Overdue, left < 0);
                    prop_assert_eq!(e.status == SlaStatus::AtRisk, (0..=3).contains(&left));
                }
                Some(_) => {
                    prop_assert!(e.days_left.is_none());
                    prop_assert!(matches!(e.status, SlaStatus::Met | SlaStatus::Overdue | SlaStatus::Stopped));
                }
            }
        }

        #[test]
        fn withdrawal_always_stops_an_undecided_clock(f in arb_facts(), w in 0i64..200, today in arb_date()) {
            let mut f = f;
            f.decision_notified_on = None;
            f.withdrawn_on = Some(add_days(f.received_on, w));
            let e = policy().evaluate(&f, today);
            prop_assert_eq!(e.status, SlaStatus::Stopped);
            prop_assert_eq!(e.finished_on, f.withdrawn_on);
        }
    }
}
