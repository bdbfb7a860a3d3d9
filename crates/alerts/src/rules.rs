//! Alert rules as data.
//!
//! A bank tunes its early warnings without a release: every rule is switched
//! on or off, given a severity, a scope (an organisation subtree, business
//! categories) and recipients (channel names), and its thresholds, in a JSON
//! file. The defaults ship in `data/alerts/rules.json`; the server stores an
//! edited copy in its settings and the backtest takes one with `--rules`.
//!
//! Every rule appears exactly once, under its contract name. Unknown keys are
//! refused rather than ignored, so a misspelt threshold (`min_cont`) is an
//! error instead of a silently unchanged default.

use std::fmt;

use serde::{Deserialize, Serialize};
use xiaobao_text::signals::{SignalGroup, SignalTag};

use crate::AlertsError;

/// The shipped default rules.
const EMBEDDED_RULES: &str = include_str!("../../../data/alerts/rules.json");

/// The kinds of alert rule. Contract names are the snake_case serde names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleKind {
    /// An organisation (or organisation × category) receives significantly
    /// more complaints than its own baseline.
    VolumeSpike,
    /// A term's share of complaints rises significantly.
    RisingTerm,
    /// Complaint text threatens media, courts, police, regulator, petition or
    /// self-harm.
    EscalationLanguage,
    /// A cluster of near-identical complaints reaches the threshold.
    SameEventCluster,
    /// The same complainant complains repeatedly within a window.
    RepeatComplainant,
    /// An open complaint is close to its deadline.
    SlaAtRisk,
    /// An open complaint is past its deadline.
    SlaOverdue,
    /// A complaint concerns a customer needing extra care.
    VulnerableCustomer,
    /// A ticket contains C3 authentication data (passwords, CVN, codes).
    SensitiveData,
}

impl RuleKind {
    /// Every rule, in a stable order.
    pub const ALL: [RuleKind; 9] = [
        RuleKind::VolumeSpike,
        RuleKind::RisingTerm,
        RuleKind::EscalationLanguage,
        RuleKind::SameEventCluster,
        RuleKind::RepeatComplainant,
        RuleKind::SlaAtRisk,
        RuleKind::SlaOverdue,
        RuleKind::VulnerableCustomer,
        RuleKind::SensitiveData,
    ];

    /// The contract name (`volume_spike`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            RuleKind::VolumeSpike => "volume_spike",
            RuleKind::RisingTerm => "rising_term",
            RuleKind::EscalationLanguage => "escalation_language",
            RuleKind::SameEventCluster => "same_event_cluster",
            RuleKind::RepeatComplainant => "repeat_complainant",
            RuleKind::SlaAtRisk => "sla_at_risk",
            RuleKind::SlaOverdue => "sla_overdue",
            RuleKind::VulnerableCustomer => "vulnerable_customer",
            RuleKind::SensitiveData => "sensitive_data",
        }
    }

    /// Display name in Chinese.
    pub fn label_zh(self) -> &'static str {
        match self {
            RuleKind::VolumeSpike => "投诉量异常上升",
            RuleKind::RisingTerm => "投诉热点快速上升",
            RuleKind::EscalationLanguage => "投诉升级风险",
            RuleKind::SameEventCluster => "同事件集中投诉",
            RuleKind::RepeatComplainant => "重复投诉",
            RuleKind::SlaAtRisk => "投诉办理临期",
            RuleKind::SlaOverdue => "投诉办理超期",
            RuleKind::VulnerableCustomer => "特殊群体投诉",
            RuleKind::SensitiveData => "敏感信息泄露",
        }
    }

    /// Whether the rule looks at one ticket alone, so it can run at intake.
    pub fn is_per_ticket(self) -> bool {
        matches!(
            self,
            RuleKind::EscalationLanguage | RuleKind::VulnerableCustomer | RuleKind::SensitiveData
        )
    }
}

impl fmt::Display for RuleKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Severity of an alert: 高 / 中 / 低, contract names `high|medium|low`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// 低.
    #[serde(alias = "低")]
    Low,
    /// 中.
    #[serde(alias = "中")]
    Medium,
    /// 高.
    #[serde(alias = "高")]
    High,
}

impl Severity {
    /// The contract name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
        }
    }

    /// Display name in Chinese.
    pub fn label_zh(self) -> &'static str {
        match self {
            Severity::Low => "低",
            Severity::Medium => "中",
            Severity::High => "高",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which complaints a rule looks at. Empty lists do not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleScope {
    /// Organisation codes; each includes its whole subtree (matched on the
    /// record's organisation and on its materialised path when it has one).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub orgs: Vec<String>,
    /// JR/T 0169 business categories.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<String>,
}

/// The settings every rule has, plus its own thresholds in `params`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleConfig<P> {
    /// Free-text explanation kept with the rule for whoever edits the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// A disabled rule raises nothing.
    pub enabled: bool,
    /// Severity of the alerts it raises (some rules raise `high` for their
    /// most serious cases, see the parameters).
    pub severity: Severity,
    /// Which complaints it looks at.
    #[serde(default)]
    pub scope: RuleScope,
    /// Channel names (configured in the notification settings) that receive
    /// its alerts.
    #[serde(default)]
    pub recipients: Vec<String>,
    /// The rule's own thresholds.
    pub params: P,
}

/// Thresholds of `volume_spike`; see [`crate::volume`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VolumeSpikeParams {
    /// Days of history before the day tested that form the baseline.
    pub baseline_days: u32,
    /// A day needs at least this many complaints in the unit to alert.
    pub min_count: u32,
    /// … and at least this ratio of observed to expected complaints, so that
    /// a statistically certain but tiny rise in a large unit stays quiet.
    pub min_ratio: f64,
    /// Benjamini–Hochberg false-discovery rate over all units tested on a day.
    pub fdr: f64,
    /// Also test each organisation × business category.
    pub by_category: bool,
    /// Days of daily counts kept in the evidence for the chart.
    pub series_days: u32,
}

/// Thresholds of `rising_term` (passed to `xiaobao_text::rising`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RisingTermParams {
    /// Recent window in days.
    pub window_days: u32,
    /// Baseline in days, just before the window.
    pub baseline_days: u32,
    /// False-discovery rate over the terms of one scope.
    pub fdr: f64,
    /// A term needs at least this many window complaints.
    pub min_window_docs: usize,
    /// Also look inside each organisation.
    pub by_org: bool,
    /// Also look inside each business category.
    pub by_category: bool,
    /// A scope (organisation or category) needs this many complaints in the
    /// window to be analysed at all.
    pub min_scope_docs: usize,
    /// At most this many terms alert per scope and day (strongest first).
    pub max_terms: usize,
}

/// Thresholds of `escalation_language`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EscalationParams {
    /// Escalation cues that alert (`media`, `litigation`, `police`,
    /// `regulator`, `petition`, `self_harm`, `group_action`).
    pub tags: Vec<SignalTag>,
    /// Severity when self-harm language is found.
    pub self_harm_severity: Severity,
}

/// Thresholds of `same_event_cluster` (passed to `xiaobao_text::cluster`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClusterParams {
    /// Days of complaints clustered together (up to the day evaluated).
    pub window_days: u32,
    /// Members for an alert.
    pub min_size: usize,
    /// Members that make a 重大投诉 (CBIRC 令2020年第3号 Art. 29: 20 people);
    /// such alerts are `high`.
    pub major_size: usize,
    /// Minimum estimated Jaccard similarity of two texts.
    pub threshold: f64,
}

/// Thresholds of `repeat_complainant`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RepeatParams {
    /// Window in days (up to the day evaluated).
    pub window_days: u32,
    /// Complaints by one complainant in the window that alert.
    pub min_complaints: usize,
}

/// Thresholds of `sla_at_risk`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlaAtRiskParams {
    /// Alert when this many days or fewer are left before the due date.
    pub days_left: u32,
}

/// `sla_overdue` has no thresholds: past the due date is past it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlaOverdueParams {}

/// Thresholds of `vulnerable_customer`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VulnerableParams {
    /// Groups that alert, by their Chinese names (`data/taxonomy/vulnerable_flags.json`
    /// and the text engine's cue labels: 老年人, 未成年人, 残障人士, …).
    pub groups: Vec<String>,
    /// Also look for cues in the text (`78岁`, `视障`, …), not only the
    /// flags recorded at intake.
    pub text_cues: bool,
}

/// `sensitive_data` has no thresholds: any C3 secret alerts.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SensitiveParams {}

/// The complete rule set, one entry per rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSet {
    /// Free-text explanation of the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub volume_spike: RuleConfig<VolumeSpikeParams>,
    pub rising_term: RuleConfig<RisingTermParams>,
    pub escalation_language: RuleConfig<EscalationParams>,
    pub same_event_cluster: RuleConfig<ClusterParams>,
    pub repeat_complainant: RuleConfig<RepeatParams>,
    pub sla_at_risk: RuleConfig<SlaAtRiskParams>,
    pub sla_overdue: RuleConfig<SlaOverdueParams>,
    pub vulnerable_customer: RuleConfig<VulnerableParams>,
    pub sensitive_data: RuleConfig<SensitiveParams>,
}

/// Longest window any rule may look back, in days (about two years).
pub const MAX_WINDOW_DAYS: u32 = 730;

impl RuleSet {
    /// The shipped defaults (`data/alerts/rules.json`).
    pub fn embedded() -> Result<RuleSet, AlertsError> {
        RuleSet::from_json(EMBEDDED_RULES)
    }

    /// Parses and validates a rules file.
    pub fn from_json(text: &str) -> Result<RuleSet, AlertsError> {
        let rules: RuleSet = serde_json::from_str(text).map_err(|e| {
            AlertsError::RulesFormat(format!("第 {} 行第 {} 列：{e}", e.line(), e.column()))
        })?;
        rules.validate()?;
        Ok(rules)
    }

    /// The rules as pretty JSON (the format [`RuleSet::from_json`] reads).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Settings common to all rules, by kind.
    pub fn common(&self, kind: RuleKind) -> Common<'_> {
        fn c<P>(r: &RuleConfig<P>) -> Common<'_> {
            Common {
                enabled: r.enabled,
                severity: r.severity,
                scope: &r.scope,
                recipients: &r.recipients,
            }
        }
        match kind {
            RuleKind::VolumeSpike => c(&self.volume_spike),
            RuleKind::RisingTerm => c(&self.rising_term),
            RuleKind::EscalationLanguage => c(&self.escalation_language),
            RuleKind::SameEventCluster => c(&self.same_event_cluster),
            RuleKind::RepeatComplainant => c(&self.repeat_complainant),
            RuleKind::SlaAtRisk => c(&self.sla_at_risk),
            RuleKind::SlaOverdue => c(&self.sla_overdue),
            RuleKind::VulnerableCustomer => c(&self.vulnerable_customer),
            RuleKind::SensitiveData => c(&self.sensitive_data),
        }
    }

    /// Checks every value; the first problem is returned.
    pub fn validate(&self) -> Result<(), AlertsError> {
        for kind in RuleKind::ALL {
            let common = self.common(kind);
            check_common(kind, &common)?;
        }
        let bad = |rule: RuleKind, reason: &str| AlertsError::InvalidRule {
            rule: rule.as_str(),
            reason: reason.to_string(),
        };
        let window = |rule: RuleKind, name: &str, days: u32| {
            if days == 0 || days > MAX_WINDOW_DAYS {
                Err(bad(
                    rule,
                    &format!("{name} 须在 1 至 {MAX_WINDOW_DAYS} 天之间"),
                ))
            } else {
                Ok(())
            }
        };
        let rate = |rule: RuleKind, value: f64| {
            if value > 0.0 && value < 1.0 {
                Ok(())
            } else {
                Err(bad(rule, "fdr（错误发现率）须在 0 与 1 之间"))
            }
        };

        let k = RuleKind::VolumeSpike;
        let p = &self.volume_spike.params;
        if p.baseline_days < 14 || p.baseline_days > MAX_WINDOW_DAYS {
            return Err(bad(
                k,
                &format!("baseline_days 须在 14 至 {MAX_WINDOW_DAYS} 天之间（每个星期几至少两次）"),
            ));
        }
        if p.min_count == 0 {
            return Err(bad(k, "min_count 须至少为 1"));
        }
        if !(p.min_ratio.is_finite() && p.min_ratio >= 1.0) {
            return Err(bad(k, "min_ratio 须为不小于 1 的数"));
        }
        rate(k, p.fdr)?;
        window(k, "series_days", p.series_days)?;

        let k = RuleKind::RisingTerm;
        let p = &self.rising_term.params;
        window(k, "window_days", p.window_days)?;
        window(k, "baseline_days", p.baseline_days)?;
        rate(k, p.fdr)?;
        if p.min_window_docs == 0 {
            return Err(bad(k, "min_window_docs 须至少为 1"));
        }
        if p.max_terms == 0 {
            return Err(bad(k, "max_terms 须至少为 1"));
        }

        let k = RuleKind::EscalationLanguage;
        let p = &self.escalation_language.params;
        if p.tags.is_empty() {
            return Err(bad(k, "tags 不能为空（停用请设 enabled 为 false）"));
        }
        if let Some(t) = p.tags.iter().find(|t| t.group() != SignalGroup::Escalation) {
            return Err(bad(
                k,
                &format!("tags 只能是升级风险类标签，{} 不是", t.label_zh()),
            ));
        }

        let k = RuleKind::SameEventCluster;
        let p = &self.same_event_cluster.params;
        window(k, "window_days", p.window_days)?;
        if p.min_size < 2 {
            return Err(bad(k, "min_size 须至少为 2"));
        }
        if p.major_size < p.min_size {
            return Err(bad(k, "major_size 不能小于 min_size"));
        }
        if !(p.threshold > 0.0 && p.threshold <= 1.0) {
            return Err(bad(k, "threshold（相似度阈值）须在 0 与 1 之间"));
        }

        let k = RuleKind::RepeatComplainant;
        let p = &self.repeat_complainant.params;
        window(k, "window_days", p.window_days)?;
        if p.min_complaints < 2 {
            return Err(bad(k, "min_complaints 须至少为 2"));
        }

        let k = RuleKind::SlaAtRisk;
        if self.sla_at_risk.params.days_left > 60 {
            return Err(bad(k, "days_left 不能超过 60 天"));
        }

        let k = RuleKind::VulnerableCustomer;
        let p = &self.vulnerable_customer.params;
        if p.groups.is_empty() || p.groups.iter().any(|g| g.trim().is_empty()) {
            return Err(bad(k, "groups 不能为空，也不能含空名称"));
        }
        Ok(())
    }
}

/// The settings every rule has, borrowed from a [`RuleConfig`].
#[derive(Debug, Clone, Copy)]
pub struct Common<'a> {
    /// Whether the rule runs.
    pub enabled: bool,
    /// Its severity.
    pub severity: Severity,
    /// Its scope.
    pub scope: &'a RuleScope,
    /// Its recipients (channel names).
    pub recipients: &'a [String],
}

fn check_common(kind: RuleKind, c: &Common<'_>) -> Result<(), AlertsError> {
    let bad = |reason: String| AlertsError::InvalidRule {
        rule: kind.as_str(),
        reason,
    };
    if c.scope.orgs.iter().any(|o| o.trim().is_empty()) {
        return Err(bad("scope.orgs 含空的机构代码".into()));
    }
    if c.scope.categories.iter().any(|o| o.trim().is_empty()) {
        return Err(bad("scope.categories 含空的业务类别".into()));
    }
    if let Some(r) = c
        .recipients
        .iter()
        .find(|r| r.trim().is_empty() || r.chars().count() > 64)
    {
        return Err(bad(format!(
            "recipients 中的渠道名称须为 1 至 64 个字符：{r:?}"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_rules_are_valid_and_complete() {
        let rules = RuleSet::embedded().unwrap_or_else(|e| panic!("{e}"));
        for kind in RuleKind::ALL {
            assert!(rules.common(kind).enabled, "{kind} is off by default");
            assert!(!rules.common(kind).recipients.is_empty(), "{kind}");
        }
        assert_eq!(rules.same_event_cluster.params.min_size, 5);
        assert_eq!(rules.same_event_cluster.params.major_size, 20);
        assert_eq!(rules.sla_at_risk.params.days_left, 3);
        assert_eq!(rules.repeat_complainant.params.window_days, 30);
        // Round trip through the file format.
        let again = RuleSet::from_json(&rules.to_json()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(again, rules);
    }

    fn edited(path: &[&str], value: serde_json::Value) -> Result<RuleSet, AlertsError> {
        let mut json: serde_json::Value =
            serde_json::from_str(EMBEDDED_RULES).unwrap_or_else(|e| panic!("{e}"));
        let mut at = &mut json;
        for key in &path[..path.len() - 1] {
            at = &mut at[*key];
        }
        at[path[path.len() - 1]] = value;
        RuleSet::from_json(&json.to_string())
    }

    #[test]
    fn bad_values_are_refused_in_chinese() {
        use serde_json::json;
        let cases: Vec<(&[&str], serde_json::Value, &str)> = vec![
            (&["volume_spike", "params", "fdr"], json!(0.0), "错误发现率"),
            (
                &["volume_spike", "params", "baseline_days"],
                json!(7),
                "baseline_days",
            ),
            (
                &["volume_spike", "params", "min_ratio"],
                json!(0.5),
                "min_ratio",
            ),
            (
                &["same_event_cluster", "params", "major_size"],
                json!(3),
                "major_size",
            ),
            (
                &["rising_term", "params", "window_days"],
                json!(0),
                "window_days",
            ),
            (
                &["escalation_language", "params", "tags"],
                json!(["elderly"]),
                "升级风险",
            ),
            (
                &["repeat_complainant", "params", "min_complaints"],
                json!(1),
                "min_complaints",
            ),
            (&["sensitive_data", "recipients"], json!([""]), "渠道名称"),
            (
                &["vulnerable_customer", "params", "groups"],
                json!([]),
                "groups",
            ),
        ];
        for (path, value, want) in cases {
            let err = edited(path, value.clone()).err();
            let msg = err.map(|e| e.to_string()).unwrap_or_default();
            assert!(msg.contains(want), "{path:?} = {value}: {msg:?}");
            assert!(msg.contains("告警规则"), "{msg}");
        }
    }

    #[test]
    fn typos_and_unknown_names_are_refused() {
        use serde_json::json;
        let typo = edited(&["volume_spike", "params", "min_cont"], json!(3));
        assert!(
            matches!(&typo, Err(AlertsError::RulesFormat(m)) if m.contains("min_cont")),
            "{typo:?}"
        );
        let severity = edited(&["volume_spike", "severity"], json!("urgent"));
        assert!(matches!(severity, Err(AlertsError::RulesFormat(_))));
        let chinese =
            edited(&["volume_spike", "severity"], json!("高")).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(chinese.volume_spike.severity, Severity::High);
        assert!(matches!(
            RuleSet::from_json("{"),
            Err(AlertsError::RulesFormat(_))
        ));
        let missing = RuleSet::from_json("{}").err().map(|e| e.to_string());
        assert!(
            missing
                .as_deref()
                .is_some_and(|m| m.contains("volume_spike")),
            "{missing:?}"
        );
    }

    #[test]
    fn names_are_the_contract() {
        for kind in RuleKind::ALL {
            let json = serde_json::to_string(&kind).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
        }
        assert_eq!(
            serde_json::to_string(&Severity::Medium).unwrap_or_default(),
            "\"medium\""
        );
        assert!(Severity::High > Severity::Medium && Severity::Medium > Severity::Low);
    }
}
