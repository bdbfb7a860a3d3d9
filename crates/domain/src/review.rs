//! Consumer-protection review (消保审查): what is reviewed, the states a
//! review request goes through, the reviewer's opinions and the submitter's
//! answers to them, and the self-assessment guide.
//!
//! 《银行保险机构消费者权益保护管理办法》 Art. 9 requires a review of products
//! and services at design, pricing, agreement drafting and marketing, for
//! every launch and every material change (shared regulations §5). The rules
//! name no states, deadlines or opinion classes; the workflow here follows
//! industry practice recorded in §5.3–§5.4: submit → review → return with
//! opinions → resubmit with an answer to every opinion → approve, then the
//! submitter confirms the opinions still open, and the approved review is
//! archived and frozen.

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};

/// Generates a closed set of contract names with Chinese labels, parsing
/// from either.
macro_rules! named_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => ($id:literal, $label:literal)),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $id)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The contract name (API, database, files).
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $id),+ }
            }

            /// The Chinese name shown to users.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            /// Parses the contract name or the Chinese name.
            pub fn parse(s: &str) -> Option<$name> {
                let s = s.trim();
                $name::ALL.iter().copied().find(|v| v.as_str() == s || v.label() == s)
            }

            /// `name（中文）` pairs for forms and error messages.
            pub fn choices() -> Vec<(&'static str, &'static str)> {
                $name::ALL.iter().map(|v| (v.as_str(), v.label())).collect()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

named_enum! {
    /// What is submitted for review.
    Subject {
        Product => ("product", "产品"),
        Service => ("service", "服务"),
        Agreement => ("agreement", "协议"),
        Marketing => ("marketing", "营销宣传材料"),
        CallScript => ("call_script", "外呼话术"),
        SmsTemplate => ("sms_template", "短信模板"),
        FeeChange => ("fee_change", "收费变更"),
    }
}

impl Subject {
    /// The knowledge base's material kind whose rules and required
    /// disclosures apply to this subject's documents.
    pub fn material_kind(self) -> &'static str {
        match self {
            Subject::Marketing => "marketing",
            Subject::CallScript => "script",
            Subject::SmsTemplate => "sms",
            Subject::Service => "service",
            Subject::Product | Subject::Agreement | Subject::FeeChange => "agreement",
        }
    }
}

named_enum! {
    /// The stage of Art. 9 at which the review happens.
    Stage {
        Design => ("design", "设计开发"),
        Pricing => ("pricing", "定价管理"),
        Agreement => ("agreement", "协议制定"),
        Marketing => ("marketing", "营销宣传"),
    }
}

named_enum! {
    /// Why the review is needed (Art. 9 triggers and the practice of
    /// reviewing every new material version).
    Trigger {
        NewProduct => ("new_product", "新产品上线"),
        NewService => ("new_service", "新服务上线"),
        MaterialChange => ("material_change", "涉及消费者权益的重大变更"),
        Campaign => ("campaign", "营销活动"),
        NewVersion => ("new_version", "材料新版本"),
    }
}

named_enum! {
    /// Where a review request is.
    Status {
        Draft => ("draft", "草稿"),
        InReview => ("in_review", "审查中"),
        Returned => ("returned", "已退回待修改"),
        AwaitingConfirmation => ("awaiting_confirmation", "待确认采纳"),
        Approved => ("approved", "已通过并归档"),
        Withdrawn => ("withdrawn", "已撤回"),
    }
}

named_enum! {
    /// A reviewer's conclusion on a version.
    Decision {
        Approve => ("approve", "通过"),
        ApproveWithChanges => ("approve_with_changes", "修改后通过"),
        Return => ("return", "退回"),
    }
}

named_enum! {
    /// How much an opinion binds (industry convention, shared §5.3: a
    /// substantive opinion must be adopted or its rejection justified).
    Materiality {
        Substantive => ("substantive", "实质性意见"),
        Suggestion => ("suggestion", "一般建议"),
    }
}

named_enum! {
    /// The submitter's answer to an opinion.
    Adoption {
        Adopted => ("adopted", "采纳"),
        Partial => ("partial", "部分采纳"),
        NotAdopted => ("not_adopted", "未采纳"),
    }
}

impl Adoption {
    /// Anything short of full adoption must say why.
    pub fn needs_reason(self) -> bool {
        !matches!(self, Adoption::Adopted)
    }
}

named_enum! {
    /// A self-assessment answer.
    Answer {
        Yes => ("yes", "符合"),
        No => ("no", "不符合"),
        NotApplicable => ("na", "不适用"),
    }
}

named_enum! {
    /// A step of the workflow.
    Action {
        Submit => ("submit", "提交审查"),
        Withdraw => ("withdraw", "撤回"),
        Return => ("return", "退回修改"),
        Resubmit => ("resubmit", "修改后重新提交"),
        Approve => ("approve", "审查通过"),
        Confirm => ("confirm", "确认意见采纳"),
    }
}

/// Who may take a step: the submitting department or the reviewers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Submitter,
    Reviewer,
}

impl Action {
    /// The side that takes this step.
    pub fn side(self) -> Side {
        match self {
            Action::Submit | Action::Withdraw | Action::Resubmit | Action::Confirm => {
                Side::Submitter
            }
            Action::Return | Action::Approve => Side::Reviewer,
        }
    }

    /// The state this step leads to from `from`, when allowed. Approval
    /// leads to [`Status::AwaitingConfirmation`] while opinions are still
    /// unanswered and straight to [`Status::Approved`] otherwise.
    pub fn next(self, from: Status, open_opinions: bool) -> Option<Status> {
        use Status::*;
        match (self, from) {
            (Action::Submit, Draft) => Some(InReview),
            (Action::Withdraw, Draft | InReview | Returned) => Some(Withdrawn),
            (Action::Return, InReview) => Some(Returned),
            (Action::Resubmit, Returned) => Some(InReview),
            (Action::Approve, InReview) if open_opinions => Some(AwaitingConfirmation),
            (Action::Approve, InReview) => Some(Approved),
            (Action::Confirm, AwaitingConfirmation) => Some(Approved),
            _ => None,
        }
    }

    /// The steps `from` allows, for 409 messages and the buttons shown.
    pub fn allowed(from: Status) -> Vec<Action> {
        Action::ALL
            .iter()
            .copied()
            .filter(|a| a.next(from, false).is_some() || a.next(from, true).is_some())
            .collect()
    }
}

impl Status {
    /// Documents and the checklist may change only while the request is with
    /// the submitter.
    pub fn submitter_may_edit(self) -> bool {
        matches!(self, Status::Draft | Status::Returned)
    }

    /// Reviewers write and remove opinions only while the request is with them.
    pub fn reviewer_may_write(self) -> bool {
        matches!(self, Status::InReview)
    }

    /// Final: archived or withdrawn; only annotations are added afterwards.
    pub fn is_closed(self) -> bool {
        matches!(self, Status::Approved | Status::Withdrawn)
    }
}

/// One item of the self-assessment guide (审查指南).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuideItem {
    /// Stable id, e.g. `MKT-03`.
    pub id: String,
    /// The subjects the item applies to; empty means every subject.
    #[serde(default)]
    pub subjects: Vec<Subject>,
    /// The statement the submitter confirms, e.g. "已在显著位置提示……".
    pub text: String,
    /// The rule behind it (law and article).
    pub basis: String,
}

/// The self-assessment guide: a list of items, shipped in
/// `data/review/guide.json` and editable under 业务配置.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewGuide {
    pub items: Vec<GuideItem>,
}

/// The guide shipped with the program.
pub const SHIPPED_GUIDE: &str = include_str!("../../../data/review/guide.json");

/// Why a guide or a checklist is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GuideError {
    #[error("审查指南格式错误：{0}")]
    Format(String),
    #[error("审查指南条目编号重复：{0}")]
    DuplicateId(String),
    #[error("审查指南条目 {0} 的内容或依据为空")]
    EmptyItem(String),
    #[error("自评估未完成：以下条目尚未作答：{}", .0.join("、"))]
    Unanswered(Vec<String>),
    #[error("自评估条目 {} 选择了“不符合”，请说明原因和整改安排", .0.join("、"))]
    NoteRequired(Vec<String>),
    #[error("自评估含有审查指南中不存在的条目：{}", .0.join("、"))]
    UnknownItem(Vec<String>),
}

/// A submitter's answer to one guide item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChecklistAnswer {
    pub item: String,
    pub answer: Answer,
    #[serde(default)]
    pub note: String,
}

impl ReviewGuide {
    /// Parses and checks a guide (unique ids, no empty text or basis).
    pub fn parse(json: &str) -> Result<ReviewGuide, GuideError> {
        let guide: ReviewGuide =
            serde_json::from_str(json).map_err(|e| GuideError::Format(e.to_string()))?;
        let mut seen = BTreeSet::new();
        for item in &guide.items {
            if !seen.insert(item.id.as_str()) {
                return Err(GuideError::DuplicateId(item.id.clone()));
            }
            if item.id.trim().is_empty()
                || item.text.trim().is_empty()
                || item.basis.trim().is_empty()
            {
                return Err(GuideError::EmptyItem(item.id.clone()));
            }
        }
        Ok(guide)
    }

    /// The shipped guide.
    pub fn shipped() -> ReviewGuide {
        ReviewGuide::parse(SHIPPED_GUIDE).expect("the shipped review guide is valid")
    }

    /// The items a subject's submitter must answer, in guide order.
    pub fn items_for(&self, subject: Subject) -> Vec<&GuideItem> {
        self.items
            .iter()
            .filter(|i| i.subjects.is_empty() || i.subjects.contains(&subject))
            .collect()
    }

    /// Checks a completed checklist: every item for the subject answered,
    /// a note on every 不符合, nothing the guide does not know. All problems
    /// of the first kind found are reported together.
    pub fn check(&self, subject: Subject, answers: &[ChecklistAnswer]) -> Result<(), GuideError> {
        let items = self.items_for(subject);
        let unknown: Vec<String> = answers
            .iter()
            .filter(|a| !items.iter().any(|i| i.id == a.item))
            .map(|a| a.item.clone())
            .collect();
        if !unknown.is_empty() {
            return Err(GuideError::UnknownItem(unknown));
        }
        let unanswered: Vec<String> = items
            .iter()
            .filter(|i| !answers.iter().any(|a| a.item == i.id))
            .map(|i| i.id.clone())
            .collect();
        if !unanswered.is_empty() {
            return Err(GuideError::Unanswered(unanswered));
        }
        let no_note: Vec<String> = answers
            .iter()
            .filter(|a| a.answer == Answer::No && a.note.trim().chars().count() < 2)
            .map(|a| a.item.clone())
            .collect();
        if !no_note.is_empty() {
            return Err(GuideError::NoteRequired(no_note));
        }
        Ok(())
    }
}

/// Adoption figures of a set of opinions (per department, per request).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct AdoptionTally {
    pub opinions: u64,
    pub answered: u64,
    pub adopted: u64,
    pub partial: u64,
    pub not_adopted: u64,
    pub substantive: u64,
    pub substantive_adopted: u64,
}

impl AdoptionTally {
    /// Counts one opinion.
    pub fn add(&mut self, materiality: Materiality, adoption: Option<Adoption>) {
        self.opinions += 1;
        let substantive = materiality == Materiality::Substantive;
        self.substantive += u64::from(substantive);
        match adoption {
            Some(Adoption::Adopted) => {
                self.answered += 1;
                self.adopted += 1;
                self.substantive_adopted += u64::from(substantive);
            }
            Some(Adoption::Partial) => {
                self.answered += 1;
                self.partial += 1;
            }
            Some(Adoption::NotAdopted) => {
                self.answered += 1;
                self.not_adopted += 1;
            }
            None => {}
        }
    }

    /// Adoption rate over answered opinions, counting a partial adoption as
    /// half; `None` before any answer.
    pub fn rate(&self) -> Option<f64> {
        (self.answered > 0)
            .then(|| (self.adopted as f64 + 0.5 * self.partial as f64) / self.answered as f64)
    }

    /// Share of answered substantive opinions that were fully adopted.
    pub fn substantive_rate(&self) -> Option<f64> {
        (self.substantive > 0).then(|| self.substantive_adopted as f64 / self.substantive as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_parse_chinese() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(*s));
            assert_eq!(Status::parse(s.label()), Some(*s));
        }
        assert_eq!(
            Decision::parse("修改后通过"),
            Some(Decision::ApproveWithChanges)
        );
        assert_eq!(Subject::parse("外呼话术"), Some(Subject::CallScript));
        assert_eq!(Subject::parse("poster"), None);
    }

    #[test]
    fn workflow_transitions() {
        use Action::*;
        use Status::*;
        let table = [
            (Submit, Draft, false, Some(InReview)),
            (Submit, InReview, false, None),
            (Return, InReview, true, Some(Returned)),
            (Return, Returned, true, None),
            (Resubmit, Returned, true, Some(InReview)),
            (Resubmit, Draft, false, None),
            (Approve, InReview, false, Some(Approved)),
            (Approve, InReview, true, Some(AwaitingConfirmation)),
            (Approve, Returned, false, None),
            (Confirm, AwaitingConfirmation, false, Some(Approved)),
            (Confirm, InReview, false, None),
            (Withdraw, Draft, false, Some(Withdrawn)),
            (Withdraw, Returned, false, Some(Withdrawn)),
            (Withdraw, Approved, false, None),
            (Withdraw, AwaitingConfirmation, false, None),
        ];
        for (action, from, open, to) in table {
            assert_eq!(
                action.next(from, open),
                to,
                "{action} from {from} (open {open})"
            );
        }
        assert!(Action::allowed(Approved).is_empty());
        assert!(Action::allowed(Withdrawn).is_empty());
        assert_eq!(Action::allowed(InReview), vec![Withdraw, Return, Approve]);
        assert_eq!(Return.side(), Side::Reviewer);
        assert_eq!(Resubmit.side(), Side::Submitter);
    }

    #[test]
    fn shipped_guide_covers_every_subject() {
        let guide = ReviewGuide::shipped();
        for s in Subject::ALL {
            let items = guide.items_for(*s);
            assert!(items.len() >= 4, "{s} has only {} items", items.len());
        }
    }

    #[test]
    fn checklist_reports_unanswered_missing_notes_and_unknown_items() {
        let guide = ReviewGuide::parse(
            r#"{"items":[
              {"id":"A","text":"甲","basis":"法一"},
              {"id":"B","subjects":["marketing"],"text":"乙","basis":"法二"},
              {"id":"C","subjects":["agreement"],"text":"丙","basis":"法三"}]}"#,
        )
        .unwrap();
        let ans = |item: &str, answer, note: &str| ChecklistAnswer {
            item: item.into(),
            answer,
            note: note.into(),
        };
        assert_eq!(
            guide.check(Subject::Marketing, &[ans("A", Answer::Yes, "")]),
            Err(GuideError::Unanswered(vec!["B".into()]))
        );
        assert_eq!(
            guide.check(
                Subject::Marketing,
                &[ans("A", Answer::Yes, ""), ans("B", Answer::No, " ")]
            ),
            Err(GuideError::NoteRequired(vec!["B".into()]))
        );
        assert_eq!(
            guide.check(
                Subject::Marketing,
                &[
                    ans("A", Answer::Yes, ""),
                    ans("B", Answer::No, "下一版补充"),
                    ans("C", Answer::Yes, "")
                ]
            ),
            Err(GuideError::UnknownItem(vec!["C".into()]))
        );
        assert_eq!(
            guide.check(
                Subject::Marketing,
                &[
                    ans("A", Answer::NotApplicable, ""),
                    ans("B", Answer::No, "下一版补充")
                ]
            ),
            Ok(())
        );
        assert!(matches!(
            ReviewGuide::parse(
                r#"{"items":[{"id":"A","text":"甲","basis":"x"},{"id":"A","text":"乙","basis":"y"}]}"#
            ),
            Err(GuideError::DuplicateId(_))
        ));
        assert!(matches!(
            ReviewGuide::parse("{"),
            Err(GuideError::Format(_))
        ));
    }

    #[test]
    fn adoption_rate_counts_partial_as_half() {
        let mut t = AdoptionTally::default();
        assert_eq!(t.rate(), None);
        t.add(Materiality::Substantive, Some(Adoption::Adopted));
        t.add(Materiality::Substantive, Some(Adoption::NotAdopted));
        t.add(Materiality::Suggestion, Some(Adoption::Partial));
        t.add(Materiality::Suggestion, None);
        assert_eq!(t.opinions, 4);
        assert_eq!(t.answered, 3);
        assert_eq!(t.rate(), Some(0.5));
        assert_eq!(t.substantive_rate(), Some(0.5));
    }
}
