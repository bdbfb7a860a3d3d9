//! The complaint model and its state machine.
//!
//! [`apply`] is a pure function: given the current [`ComplaintFacts`], an [`Action`],
//! the acting user and the time, it returns the new facts and one append-only
//! [`Event`], or an [`ActionError`] saying why not. The store persists both; the server
//! maps [`ActionError::NotAllowed`] to HTTP 409 and validation errors to 422
//! ([`ActionError::is_conflict`]).
//!
//! Regulatory anchors (中国银行保险监督管理委员会令2020年第3号): withdrawal ends the
//! procedure on the day it arrives (Art. 15); the handler must have no interest in the
//! matter (Art. 17, 回避); periods, extensions, pauses and merges (Art. 18, Art. 23);
//! the decision notice's content (Art. 19) and proof of sending (Art. 21); 核查 by the
//! superior institution of a branch (Art. 20).

mod notice;
mod number;
mod state;

pub use notice::{MissingElement, check_decision_notice};
pub use number::{ComplaintNumber, ComplaintNumberError, MAX_DAILY_SEQUENCE};
pub use state::{ActionKind, ComplaintState, allowed_actions, is_allowed};

use std::fmt;

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use thiserror::Error;

use crate::sla::{
    Extension, ExtensionTier, Pause, PauseReason, ReviewEvaluation, ReviewTimeline, SlaEvaluation,
    SlaFacts, SlaPolicy, SlaRegime,
};

/// The calendar date in China (UTC+8, no daylight saving) of an instant. All periods
/// are counted in China-local calendar days.
pub fn china_date(at: DateTime<Utc>) -> NaiveDate {
    // 8 hours is always a valid offset; fall back to UTC rather than panic.
    match FixedOffset::east_opt(8 * 3600) {
        Some(cst) => at.with_timezone(&cst).date_naive(),
        None => at.date_naive(),
    }
}

/// How the decision was communicated (Art. 21: written = handed over or posted,
/// SMS/e-mail = sent, phone = dialled, all within the period).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeMethod {
    Written,
    Sms,
    Email,
    Phone,
}

impl NoticeMethod {
    pub fn label_zh(self) -> &'static str {
        match self {
            NoticeMethod::Written => "书面",
            NoticeMethod::Sms => "短信",
            NoticeMethod::Email => "邮件",
            NoticeMethod::Phone => "电话",
        }
    }
}

/// Complainant satisfaction recorded at closure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Satisfaction {
    Satisfied,
    BasicallySatisfied,
    Dissatisfied,
    NotRated,
}

impl Satisfaction {
    pub fn label_zh(self) -> &'static str {
        match self {
            Satisfaction::Satisfied => "满意",
            Satisfaction::BasicallySatisfied => "基本满意",
            Satisfaction::Dissatisfied => "不满意",
            Satisfaction::NotRated => "未评价",
        }
    }
}

/// How the complaint ended, for statistics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// 支持诉求.
    Upheld,
    /// 部分支持.
    PartiallyUpheld,
    /// 不支持.
    NotUpheld,
    /// 协商和解.
    Settled,
    /// 调解结案.
    Mediated,
}

impl Outcome {
    pub fn label_zh(self) -> &'static str {
        match self {
            Outcome::Upheld => "支持诉求",
            Outcome::PartiallyUpheld => "部分支持诉求",
            Outcome::NotUpheld => "不支持诉求",
            Outcome::Settled => "协商和解",
            Outcome::Mediated => "调解结案",
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label_zh())
    }
}

/// Result of a 核查.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewResult {
    /// 维持原处理决定.
    Upheld,
    /// 变更原处理决定.
    Revised,
}

impl ReviewResult {
    pub fn label_zh(self) -> &'static str {
        match self {
            ReviewResult::Upheld => "维持原处理决定",
            ReviewResult::Revised => "变更原处理决定",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejection {
    pub reason: String,
    pub on: NaiveDate,
}

/// The notified decision, kept as proof of notification (Art. 21).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionRecord {
    pub method: NoticeMethod,
    pub sent_at: DateTime<Utc>,
    pub notice_text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Closure {
    pub outcome: Outcome,
    pub satisfaction: Satisfaction,
    /// Compensation paid, in fen (分), so money is never a float.
    pub compensation_fen: u64,
    pub summary: String,
    pub closed_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewRecord {
    pub application_received_on: NaiveDate,
    pub decision_received_on: NaiveDate,
    #[serde(default)]
    pub decided_on: Option<NaiveDate>,
    #[serde(default)]
    pub result: Option<ReviewResult>,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub withdrawn_on: Option<NaiveDate>,
}

/// Everything the state machine needs to know about one complaint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComplaintFacts {
    pub number: ComplaintNumber,
    pub state: ComplaintState,
    /// Organisation currently responsible.
    pub org_code: String,
    /// The responsible organisation is a branch (分支机构), so its decision can go to
    /// 核查 at the superior institution (Art. 20).
    pub handled_by_branch: bool,
    #[serde(default)]
    pub assignee: Option<String>,
    /// User ids of the staff the complaint is about; never the handler (Art. 17).
    #[serde(default)]
    pub subject_staff: Vec<String>,
    pub sla: SlaFacts,
    #[serde(default)]
    pub rejection: Option<Rejection>,
    #[serde(default)]
    pub decision: Option<DecisionRecord>,
    /// Day the complainant received the decision, when known (starts the 核查 window).
    #[serde(default)]
    pub decision_received_on: Option<NaiveDate>,
    #[serde(default)]
    pub closure: Option<Closure>,
    #[serde(default)]
    pub review: Option<ReviewRecord>,
    /// Repeated complaints merged into this one (Art. 18 ¶3).
    #[serde(default)]
    pub merged: Vec<ComplaintNumber>,
}

impl ComplaintFacts {
    /// A newly registered complaint.
    pub fn register(
        number: ComplaintNumber,
        received_on: NaiveDate,
        regime: SlaRegime,
        org_code: impl Into<String>,
        handled_by_branch: bool,
        subject_staff: Vec<String>,
    ) -> ComplaintFacts {
        ComplaintFacts {
            number,
            state: ComplaintState::Registered,
            org_code: org_code.into(),
            handled_by_branch,
            assignee: None,
            subject_staff,
            sla: SlaFacts::new(received_on, regime),
            rejection: None,
            decision: None,
            decision_received_on: None,
            closure: None,
            review: None,
            merged: Vec::new(),
        }
    }

    /// The decision clock as of `today`.
    pub fn sla_evaluation(&self, policy: &SlaPolicy, today: NaiveDate) -> SlaEvaluation {
        policy.evaluate(&self.sla, today)
    }

    /// The 核查 clocks, once a decision has been notified.
    pub fn review_evaluation(
        &self,
        policy: &SlaPolicy,
        today: NaiveDate,
    ) -> Option<ReviewEvaluation> {
        let decision_received_on = self.review_window_start()?;
        let timeline = ReviewTimeline {
            decision_received_on,
            application_received_on: self.review.as_ref().map(|r| r.application_received_on),
            decided_on: self.review.as_ref().and_then(|r| r.decided_on),
            withdrawn_on: self.review.as_ref().and_then(|r| r.withdrawn_on),
        };
        Some(policy.evaluate_review(&timeline, today))
    }

    /// Day the 核查 window starts: the known receipt of the decision, else the day it
    /// was sent (the earliest it can have been received).
    fn review_window_start(&self) -> Option<NaiveDate> {
        self.review
            .as_ref()
            .map(|r| r.decision_received_on)
            .or(self.decision_received_on)
            .or_else(|| self.decision.as_ref().map(|d| china_date(d.sent_at)))
    }

    /// Actions allowed by the state *and* the facts, for building UI buttons.
    pub fn available_actions(&self) -> Vec<ActionKind> {
        let paused = self.sla.open_pause().is_some();
        allowed_actions(self.state)
            .iter()
            .copied()
            .filter(|a| match a {
                ActionKind::Pause => !paused,
                ActionKind::Resume => paused,
                ActionKind::NotifyDecision => !paused,
                ActionKind::Start => self.assignee.is_some(),
                ActionKind::RequestReview => self.handled_by_branch && self.review.is_none(),
                _ => true,
            })
            .collect()
    }
}

/// An action with its parameters. Serde form: `{"action": "<snake_case>", …}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    Accept,
    Reject {
        reason: String,
    },
    Start,
    Transfer {
        to_org: String,
        reason: String,
        /// Whether the receiving organisation is a branch; unchanged when absent.
        #[serde(default)]
        to_is_branch: Option<bool>,
    },
    Extend {
        tier: ExtensionTier,
        reason: String,
        #[serde(default)]
        approver: Option<String>,
        #[serde(default)]
        complainant_notified_on: Option<NaiveDate>,
    },
    Pause {
        reason: PauseReason,
        #[serde(default)]
        note: String,
        /// Defaults to today.
        #[serde(default)]
        started_on: Option<NaiveDate>,
    },
    Resume {
        /// Defaults to today.
        #[serde(default)]
        ended_on: Option<NaiveDate>,
    },
    Merge {
        merged: ComplaintNumber,
        /// New facts and reasons: the period restarts from the new materials.
        new_facts: bool,
        /// Defaults to today.
        #[serde(default)]
        materials_received_on: Option<NaiveDate>,
    },
    NotifyDecision {
        method: NoticeMethod,
        sent_at: DateTime<Utc>,
        notice_text: String,
    },
    Close {
        outcome: Outcome,
        satisfaction: Satisfaction,
        #[serde(default)]
        compensation_fen: u64,
        #[serde(default)]
        summary: String,
    },
    Withdraw {
        /// Day the withdrawal request arrived; defaults to today.
        #[serde(default)]
        received_on: Option<NaiveDate>,
    },
    RequestReview {
        /// Art. 20 requires a written application.
        written: bool,
        /// Defaults to today.
        #[serde(default)]
        application_received_on: Option<NaiveDate>,
        /// Defaults to the recorded receipt, else the day the decision was sent.
        #[serde(default)]
        decision_received_on: Option<NaiveDate>,
    },
    DecideReview {
        result: ReviewResult,
        #[serde(default)]
        summary: String,
        /// Defaults to today.
        #[serde(default)]
        decided_on: Option<NaiveDate>,
    },
    Reopen {
        reason: String,
    },
    Assign {
        assignee: String,
    },
}

impl Action {
    pub fn kind(&self) -> ActionKind {
        match self {
            Action::Accept => ActionKind::Accept,
            Action::Reject { .. } => ActionKind::Reject,
            Action::Start => ActionKind::Start,
            Action::Transfer { .. } => ActionKind::Transfer,
            Action::Extend { .. } => ActionKind::Extend,
            Action::Pause { .. } => ActionKind::Pause,
            Action::Resume { .. } => ActionKind::Resume,
            Action::Merge { .. } => ActionKind::Merge,
            Action::NotifyDecision { .. } => ActionKind::NotifyDecision,
            Action::Close { .. } => ActionKind::Close,
            Action::Withdraw { .. } => ActionKind::Withdraw,
            Action::RequestReview { .. } => ActionKind::RequestReview,
            Action::DecideReview { .. } => ActionKind::DecideReview,
            Action::Reopen { .. } => ActionKind::Reopen,
            Action::Assign { .. } => ActionKind::Assign,
        }
    }
}

/// One append-only record of a state change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub complaint: ComplaintNumber,
    pub action: ActionKind,
    pub from_state: ComplaintState,
    pub to_state: ComplaintState,
    pub actor: String,
    pub at: DateTime<Utc>,
    /// `{"params": <action>, "before": {changed fields}, "after": {changed fields}}`.
    pub payload: Value,
}

/// The result of a successful action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    pub facts: ComplaintFacts,
    pub event: Event,
}

fn join_actions(actions: &[ActionKind]) -> String {
    if actions.is_empty() {
        return "无".to_string();
    }
    actions
        .iter()
        .map(|a| a.label_zh())
        .collect::<Vec<_>>()
        .join("、")
}

fn join_missing(missing: &[MissingElement]) -> String {
    missing
        .iter()
        .map(|m| m.label_zh())
        .collect::<Vec<_>>()
        .join("、")
}

/// Why an action was refused. Messages are Chinese and user-facing.
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum ActionError {
    #[error("当前状态「{state}」不能执行「{action}」，可执行的操作：{}", join_actions(.allowed))]
    NotAllowed {
        action: ActionKind,
        state: ComplaintState,
        allowed: Vec<ActionKind>,
    },
    #[error("请填写{label}")]
    MissingField {
        field: &'static str,
        label: &'static str,
    },
    #[error("{label}「{date}」无效：{reason}")]
    InvalidDate {
        field: &'static str,
        label: &'static str,
        date: NaiveDate,
        reason: &'static str,
    },
    #[error("处理决定告知内容缺少：{}（令2020年第3号第十九条）", join_missing(.missing))]
    NoticeIncomplete { missing: Vec<MissingElement> },
    #[error("「{user}」是被投诉人员，应当回避（令2020年第3号第十七条）")]
    ConflictOfInterest { user: String },
    #[error("延期审批人不能是操作人本人")]
    SelfApproval,
    #[error("计时已于 {since} 暂停，请先恢复计时")]
    AlreadyPaused { since: NaiveDate },
    #[error("计时未暂停，无需恢复")]
    NotPaused,
    #[error("计时暂停中，请先恢复计时再告知处理决定")]
    ClockPaused,
    #[error("当前办理期限已为 {current_days} 日，延期须长于现有期限")]
    ExtensionNotLonger { current_days: u32 },
    #[error("办理期限已于 {due_date} 届满，不能再延期")]
    ExtensionTooLate { due_date: NaiveDate },
    #[error("尚未分派处理人，请先分派")]
    NoAssignee,
    #[error("已分派给「{assignee}」，无需重复分派")]
    AlreadyAssigned { assignee: String },
    #[error("不能转办给当前机构")]
    SameOrg,
    #[error("不能将投诉合并到其自身")]
    SelfMerge,
    #[error("投诉「{number}」已合并")]
    AlreadyMerged { number: ComplaintNumber },
    #[error("仅分支机构作出的处理决定可向上级机构申请核查（令2020年第3号第二十条）")]
    ReviewNotAvailable,
    #[error("该投诉已申请过核查")]
    ReviewAlreadyRequested,
    #[error("核查申请须以书面形式提出（令2020年第3号第二十条）")]
    ReviewNotWritten,
    #[error("核查申请期限已于 {deadline} 届满，申请收到日期为 {applied}（令2020年第3号第二十条）")]
    ReviewWindowClosed {
        deadline: NaiveDate,
        applied: NaiveDate,
    },
}

impl ActionError {
    /// Stable machine-readable code for the API error body.
    pub fn code(&self) -> &'static str {
        match self {
            ActionError::NotAllowed { .. } => "not_allowed",
            ActionError::MissingField { .. } => "missing_field",
            ActionError::InvalidDate { .. } => "invalid_date",
            ActionError::NoticeIncomplete { .. } => "notice_incomplete",
            ActionError::ConflictOfInterest { .. } => "conflict_of_interest",
            ActionError::SelfApproval => "self_approval",
            ActionError::AlreadyPaused { .. } => "already_paused",
            ActionError::NotPaused => "not_paused",
            ActionError::ClockPaused => "clock_paused",
            ActionError::ExtensionNotLonger { .. } => "extension_not_longer",
            ActionError::ExtensionTooLate { .. } => "extension_too_late",
            ActionError::NoAssignee => "no_assignee",
            ActionError::AlreadyAssigned { .. } => "already_assigned",
            ActionError::SameOrg => "same_org",
            ActionError::SelfMerge => "self_merge",
            ActionError::AlreadyMerged { .. } => "already_merged",
            ActionError::ReviewNotAvailable => "review_not_available",
            ActionError::ReviewAlreadyRequested => "review_already_requested",
            ActionError::ReviewNotWritten => "review_not_written",
            ActionError::ReviewWindowClosed { .. } => "review_window_closed",
        }
    }

    /// True when the request is valid but the complaint's current state or facts
    /// refuse it (HTTP 409); false for invalid input (HTTP 422).
    pub fn is_conflict(&self) -> bool {
        matches!(
            self,
            ActionError::NotAllowed { .. }
                | ActionError::AlreadyPaused { .. }
                | ActionError::NotPaused
                | ActionError::ClockPaused
                | ActionError::ExtensionNotLonger { .. }
                | ActionError::ExtensionTooLate { .. }
                | ActionError::NoAssignee
                | ActionError::AlreadyAssigned { .. }
                | ActionError::AlreadyMerged { .. }
                | ActionError::ReviewNotAvailable
                | ActionError::ReviewAlreadyRequested
        )
    }
}

fn required(value: &str, field: &'static str, label: &'static str) -> Result<(), ActionError> {
    if value.trim().is_empty() {
        Err(ActionError::MissingField { field, label })
    } else {
        Ok(())
    }
}

/// A date supplied with an action must lie within `[not_before, today]`.
fn check_date(
    date: NaiveDate,
    field: &'static str,
    label: &'static str,
    not_before: NaiveDate,
    not_before_reason: &'static str,
    today: NaiveDate,
) -> Result<NaiveDate, ActionError> {
    if date > today {
        return Err(ActionError::InvalidDate {
            field,
            label,
            date,
            reason: "不能晚于今天",
        });
    }
    if date < not_before {
        return Err(ActionError::InvalidDate {
            field,
            label,
            date,
            reason: not_before_reason,
        });
    }
    Ok(date)
}

fn not_subject(facts: &ComplaintFacts, user: &str) -> Result<(), ActionError> {
    if facts.subject_staff.iter().any(|s| s.trim() == user.trim()) {
        Err(ActionError::ConflictOfInterest {
            user: user.trim().to_string(),
        })
    } else {
        Ok(())
    }
}

/// Stop a running pause when the clock stops for good (withdrawal, refusal).
fn close_open_pause(sla: &mut SlaFacts, on: NaiveDate) {
    for p in sla.pauses.iter_mut().filter(|p| p.end.is_none()) {
        p.end = Some(on.max(p.start));
    }
}

/// Apply `action` by `actor` (a user id) at `now` under `policy`.
///
/// Returns the new facts and the event to append, or why the action is refused; the
/// input facts are never modified.
pub fn apply(
    facts: &ComplaintFacts,
    action: &Action,
    actor: &str,
    now: DateTime<Utc>,
    policy: &SlaPolicy,
) -> Result<Transition, ActionError> {
    let kind = action.kind();
    let from = facts.state;
    if !is_allowed(from, kind) {
        return Err(ActionError::NotAllowed {
            action: kind,
            state: from,
            allowed: allowed_actions(from).to_vec(),
        });
    }
    required(actor, "actor", "操作人")?;
    let today = china_date(now);
    let received = facts.sla.received_on;
    let mut next = facts.clone();

    let to = match action {
        Action::Accept => ComplaintState::Accepted,
        Action::Reject { reason } => {
            required(reason, "reason", "不予受理理由")?;
            next.rejection = Some(Rejection {
                reason: reason.trim().to_string(),
                on: today,
            });
            next.sla.rejected_on = Some(today);
            close_open_pause(&mut next.sla, today);
            ComplaintState::Rejected
        }
        Action::Start => {
            if facts.assignee.is_none() {
                return Err(ActionError::NoAssignee);
            }
            ComplaintState::InProgress
        }
        Action::Transfer {
            to_org,
            reason,
            to_is_branch,
        } => {
            required(to_org, "to_org", "接收机构")?;
            required(reason, "reason", "转办理由")?;
            if to_org.trim() == facts.org_code {
                return Err(ActionError::SameOrg);
            }
            next.org_code = to_org.trim().to_string();
            next.assignee = None;
            if let Some(b) = to_is_branch {
                next.handled_by_branch = *b;
            }
            from
        }
        Action::Extend {
            tier,
            reason,
            approver,
            complainant_notified_on,
        } => {
            required(reason, "reason", "延期理由")?;
            let needs_approval =
                *tier == ExtensionTier::Special || facts.sla.regime == SlaRegime::PbocTransfer;
            let approver = approver.as_deref().map(str::trim).filter(|a| !a.is_empty());
            if needs_approval {
                let Some(a) = approver else {
                    return Err(ActionError::MissingField {
                        field: "approver",
                        label: "延期审批人",
                    });
                };
                if a == actor.trim() {
                    return Err(ActionError::SelfApproval);
                }
                not_subject(facts, a)?;
                let Some(n) = complainant_notified_on else {
                    return Err(ActionError::MissingField {
                        field: "complainant_notified_on",
                        label: "告知投诉人延期的日期",
                    });
                };
                check_date(
                    *n,
                    "complainant_notified_on",
                    "告知投诉人延期的日期",
                    received,
                    "不能早于收到投诉日期",
                    today,
                )?;
            }
            let eval = policy.evaluate(&facts.sla, today);
            if tier.days(policy) <= eval.period_days {
                return Err(ActionError::ExtensionNotLonger {
                    current_days: eval.period_days,
                });
            }
            if today > eval.due_date {
                return Err(ActionError::ExtensionTooLate {
                    due_date: eval.due_date,
                });
            }
            next.sla.extensions.push(Extension {
                tier: *tier,
                granted_on: today,
                reason: reason.trim().to_string(),
                approved_by: approver.map(str::to_string),
                complainant_notified_on: *complainant_notified_on,
            });
            from
        }
        Action::Pause {
            reason,
            note,
            started_on,
        } => {
            if let Some(p) = facts.sla.open_pause() {
                return Err(ActionError::AlreadyPaused { since: p.start });
            }
            let start = check_date(
                started_on.unwrap_or(today),
                "started_on",
                "暂停开始日期",
                facts.sla.effective_received_on(),
                "不能早于收到投诉日期",
                today,
            )?;
            next.sla.pauses.push(Pause {
                reason: *reason,
                start,
                end: None,
                note: note.trim().to_string(),
            });
            from
        }
        Action::Resume { ended_on } => {
            let Some(open) = facts.sla.open_pause() else {
                return Err(ActionError::NotPaused);
            };
            let end = check_date(
                ended_on.unwrap_or(today),
                "ended_on",
                "恢复计时日期",
                open.start,
                "不能早于暂停开始日期",
                today,
            )?;
            for p in next.sla.pauses.iter_mut().filter(|p| p.end.is_none()) {
                p.end = Some(end);
            }
            from
        }
        Action::Merge {
            merged,
            new_facts,
            materials_received_on,
        } => {
            if *merged == facts.number {
                return Err(ActionError::SelfMerge);
            }
            if facts.merged.contains(merged) {
                return Err(ActionError::AlreadyMerged { number: *merged });
            }
            if *new_facts {
                let on = check_date(
                    materials_received_on.unwrap_or(today),
                    "materials_received_on",
                    "新材料收到日期",
                    received,
                    "不能早于收到投诉日期",
                    today,
                )?;
                next.sla.restarts.push(on);
            }
            next.merged.push(*merged);
            from
        }
        Action::NotifyDecision {
            method,
            sent_at,
            notice_text,
        } => {
            let missing = check_decision_notice(notice_text);
            if !missing.is_empty() {
                return Err(ActionError::NoticeIncomplete { missing });
            }
            if facts.sla.open_pause().is_some() {
                return Err(ActionError::ClockPaused);
            }
            let sent_on = check_date(
                china_date(*sent_at),
                "sent_at",
                "告知时间",
                received,
                "不能早于收到投诉日期",
                today,
            )?;
            if *sent_at > now {
                return Err(ActionError::InvalidDate {
                    field: "sent_at",
                    label: "告知时间",
                    date: sent_on,
                    reason: "不能晚于当前时间",
                });
            }
            next.decision = Some(DecisionRecord {
                method: *method,
                sent_at: *sent_at,
                notice_text: notice_text.clone(),
            });
            next.sla.decision_notified_on = Some(sent_on);
            ComplaintState::DecisionNotified
        }
        Action::Close {
            outcome,
            satisfaction,
            compensation_fen,
            summary,
        } => {
            next.closure = Some(Closure {
                outcome: *outcome,
                satisfaction: *satisfaction,
                compensation_fen: *compensation_fen,
                summary: summary.trim().to_string(),
                closed_at: now,
            });
            ComplaintState::Closed
        }
        Action::Withdraw { received_on } => {
            let on = check_date(
                received_on.unwrap_or(today),
                "received_on",
                "撤回申请收到日期",
                received,
                "不能早于收到投诉日期",
                today,
            )?;
            next.sla.withdrawn_on = Some(on);
            close_open_pause(&mut next.sla, on);
            if let Some(r) = next.review.as_mut().filter(|r| r.decided_on.is_none()) {
                r.withdrawn_on = Some(on);
            }
            ComplaintState::Withdrawn
        }
        Action::RequestReview {
            written,
            application_received_on,
            decision_received_on,
        } => {
            if facts.review.is_some() {
                return Err(ActionError::ReviewAlreadyRequested);
            }
            if !facts.handled_by_branch {
                return Err(ActionError::ReviewNotAvailable);
            }
            if !*written {
                return Err(ActionError::ReviewNotWritten);
            }
            let sent_on = facts
                .decision
                .as_ref()
                .map(|d| china_date(d.sent_at))
                .unwrap_or(received);
            let decision_received = check_date(
                decision_received_on
                    .or(facts.decision_received_on)
                    .unwrap_or(sent_on),
                "decision_received_on",
                "收到处理决定日期",
                sent_on,
                "不能早于处理决定告知日期",
                today,
            )?;
            let applied = check_date(
                application_received_on.unwrap_or(today),
                "application_received_on",
                "核查申请收到日期",
                decision_received,
                "不能早于收到处理决定日期",
                today,
            )?;
            let deadline = policy.review_application_deadline(decision_received);
            if applied > deadline {
                return Err(ActionError::ReviewWindowClosed { deadline, applied });
            }
            next.decision_received_on = Some(decision_received);
            next.review = Some(ReviewRecord {
                application_received_on: applied,
                decision_received_on: decision_received,
                decided_on: None,
                result: None,
                summary: String::new(),
                withdrawn_on: None,
            });
            ComplaintState::UnderReview
        }
        Action::DecideReview {
            result,
            summary,
            decided_on,
        } => {
            let Some(review) = next.review.as_mut() else {
                // UnderReview always carries a review record; treat a corrupt
                // snapshot as a refused action rather than panicking.
                return Err(ActionError::NotAllowed {
                    action: kind,
                    state: from,
                    allowed: Vec::new(),
                });
            };
            let on = check_date(
                decided_on.unwrap_or(today),
                "decided_on",
                "核查决定日期",
                review.application_received_on,
                "不能早于核查申请收到日期",
                today,
            )?;
            review.decided_on = Some(on);
            review.result = Some(*result);
            review.summary = summary.trim().to_string();
            ComplaintState::Closed
        }
        Action::Reopen { reason } => {
            required(reason, "reason", "重新处理理由")?;
            // The re-handling gets a fresh period from today; the earlier decision and
            // its timeliness stay in the event log.
            next.decision = None;
            next.decision_received_on = None;
            next.closure = None;
            next.rejection = None;
            next.sla.decision_notified_on = None;
            next.sla.rejected_on = None;
            if !next.sla.restarts.contains(&today) {
                next.sla.restarts.push(today);
            }
            match from {
                ComplaintState::Rejected => ComplaintState::Accepted,
                _ => ComplaintState::InProgress,
            }
        }
        Action::Assign { assignee } => {
            required(assignee, "assignee", "处理人")?;
            let assignee = assignee.trim();
            not_subject(facts, assignee)?;
            if facts.assignee.as_deref() == Some(assignee) {
                return Err(ActionError::AlreadyAssigned {
                    assignee: assignee.to_string(),
                });
            }
            next.assignee = Some(assignee.to_string());
            from
        }
    };
    next.state = to;

    let event = Event {
        complaint: facts.number,
        action: kind,
        from_state: from,
        to_state: to,
        actor: actor.trim().to_string(),
        at: now,
        payload: payload(action, facts, &next),
    };
    Ok(Transition { facts: next, event })
}

/// `{"params", "before", "after"}` with only the top-level fact fields that changed.
fn payload(action: &Action, before: &ComplaintFacts, after: &ComplaintFacts) -> Value {
    let to_map = |f: &ComplaintFacts| match serde_json::to_value(f) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    };
    let (b, a) = (to_map(before), to_map(after));
    let mut changed_before = Map::new();
    let mut changed_after = Map::new();
    for (k, av) in &a {
        let bv = b.get(k).cloned().unwrap_or(Value::Null);
        if &bv != av {
            changed_before.insert(k.clone(), bv);
            changed_after.insert(k.clone(), av.clone());
        }
    }
    let mut params = serde_json::to_value(action).unwrap_or(Value::Null);
    if let Value::Object(m) = &mut params {
        m.remove("action");
    }
    serde_json::json!({
        "params": params,
        "before": changed_before,
        "after": changed_after,
    })
}

#[cfg(test)]
mod tests;
