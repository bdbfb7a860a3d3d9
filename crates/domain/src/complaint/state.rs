//! Complaint states and actions, and which actions each state allows.
//!
//! The lifecycle follows 令2020年第3号: registration, acceptance or refusal (Art. 18 ¶4),
//! handling by a person without a conflict of interest (Art. 17), decision notified
//! within the period (Art. 18, 19, 21), closure, optional 核查 by the superior
//! institution (Art. 20), and withdrawal at any open stage (Art. 15).

use std::fmt;

use serde::{Deserialize, Serialize};

/// Where a complaint is in its lifecycle. Serde names are the API contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ComplaintState {
    /// 登记: recorded, not yet accepted.
    Registered,
    /// 受理.
    Accepted,
    /// 不予受理 (Art. 18 ¶4 or not a complaint under Art. 2).
    Rejected,
    /// 处理中.
    InProgress,
    /// 已告知处理决定 (Art. 19, 21).
    DecisionNotified,
    /// 办结.
    Closed,
    /// 核查中 (Art. 20).
    UnderReview,
    /// 已撤回 (Art. 15).
    Withdrawn,
}

impl ComplaintState {
    pub const ALL: [ComplaintState; 8] = [
        ComplaintState::Registered,
        ComplaintState::Accepted,
        ComplaintState::Rejected,
        ComplaintState::InProgress,
        ComplaintState::DecisionNotified,
        ComplaintState::Closed,
        ComplaintState::UnderReview,
        ComplaintState::Withdrawn,
    ];

    pub fn label_zh(self) -> &'static str {
        match self {
            ComplaintState::Registered => "已登记",
            ComplaintState::Accepted => "已受理",
            ComplaintState::Rejected => "不予受理",
            ComplaintState::InProgress => "处理中",
            ComplaintState::DecisionNotified => "已告知处理决定",
            ComplaintState::Closed => "已办结",
            ComplaintState::UnderReview => "核查中",
            ComplaintState::Withdrawn => "已撤回",
        }
    }

    /// The complaint procedure is still running (withdrawal is possible, Art. 15).
    pub fn is_open(self) -> bool {
        matches!(
            self,
            ComplaintState::Registered
                | ComplaintState::Accepted
                | ComplaintState::InProgress
                | ComplaintState::DecisionNotified
                | ComplaintState::UnderReview
        )
    }

    /// The handling clock (15/30/60 days) is still waiting for a decision.
    pub fn awaits_decision(self) -> bool {
        matches!(
            self,
            ComplaintState::Registered | ComplaintState::Accepted | ComplaintState::InProgress
        )
    }
}

impl fmt::Display for ComplaintState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label_zh())
    }
}

/// What can be done to a complaint. Serde names are the API contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    Accept,
    Reject,
    Start,
    Transfer,
    Extend,
    Pause,
    Resume,
    Merge,
    NotifyDecision,
    Close,
    Withdraw,
    RequestReview,
    DecideReview,
    Reopen,
    Assign,
}

impl ActionKind {
    pub const ALL: [ActionKind; 15] = [
        ActionKind::Accept,
        ActionKind::Reject,
        ActionKind::Start,
        ActionKind::Transfer,
        ActionKind::Extend,
        ActionKind::Pause,
        ActionKind::Resume,
        ActionKind::Merge,
        ActionKind::NotifyDecision,
        ActionKind::Close,
        ActionKind::Withdraw,
        ActionKind::RequestReview,
        ActionKind::DecideReview,
        ActionKind::Reopen,
        ActionKind::Assign,
    ];

    pub fn label_zh(self) -> &'static str {
        match self {
            ActionKind::Accept => "受理",
            ActionKind::Reject => "不予受理",
            ActionKind::Start => "开始处理",
            ActionKind::Transfer => "转办",
            ActionKind::Extend => "延期",
            ActionKind::Pause => "暂停计时",
            ActionKind::Resume => "恢复计时",
            ActionKind::Merge => "合并重复投诉",
            ActionKind::NotifyDecision => "告知处理决定",
            ActionKind::Close => "办结",
            ActionKind::Withdraw => "撤回",
            ActionKind::RequestReview => "申请核查",
            ActionKind::DecideReview => "作出核查决定",
            ActionKind::Reopen => "重新处理",
            ActionKind::Assign => "分派",
        }
    }
}

impl fmt::Display for ActionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label_zh())
    }
}

/// Actions a state allows, regardless of the complaint's other facts (the facts may
/// still refuse, e.g. `resume` without a running pause).
pub fn allowed_actions(state: ComplaintState) -> &'static [ActionKind] {
    use ActionKind::*;
    match state {
        ComplaintState::Registered => &[
            Accept, Reject, Transfer, Pause, Resume, Merge, Withdraw, Assign,
        ],
        ComplaintState::Accepted => &[
            Start, Transfer, Extend, Pause, Resume, Merge, Withdraw, Assign,
        ],
        ComplaintState::InProgress => &[
            Transfer,
            Extend,
            Pause,
            Resume,
            Merge,
            NotifyDecision,
            Withdraw,
            Assign,
        ],
        ComplaintState::DecisionNotified => &[Close, Withdraw, RequestReview],
        ComplaintState::Closed => &[RequestReview, Reopen],
        ComplaintState::UnderReview => &[DecideReview, Withdraw, Assign],
        ComplaintState::Rejected => &[Reopen],
        ComplaintState::Withdrawn => &[],
    }
}

/// Whether `action` is allowed in `state`.
pub fn is_allowed(state: ComplaintState, action: ActionKind) -> bool {
    allowed_actions(state).contains(&action)
}
