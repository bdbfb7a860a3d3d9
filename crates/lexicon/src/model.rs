//! The knowledge-base model: entries, disclosure rules, legal basis, versions.
//!
//! Category and severity serialise as the Chinese terms bank reviewers use
//! (`"保本保收益承诺"`, `"禁止"`), material kinds as short English
//! identifiers (`"marketing"`), so that the JSONL files read naturally to a
//! compliance officer and stay stable as API values.

use std::fmt;

use serde::{Deserialize, Serialize};

/// How serious a finding is.
///
/// Ordered so that `Severity::Forbidden` is the greatest: the CLI's exit
/// status and the overlap resolution both compare severities.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Severity {
    /// 提示 — worth a reviewer's look (industry practice, no statute).
    #[serde(rename = "提示", alias = "info", alias = "L")]
    Info,
    /// 警示 — risky wording or a regulatory-document duty.
    #[serde(rename = "警示", alias = "warning", alias = "M")]
    Warning,
    /// 禁止 — explicit statutory prohibition; blocks publication.
    #[serde(rename = "禁止", alias = "forbidden", alias = "H")]
    Forbidden,
}

impl Severity {
    /// The Chinese label.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "提示",
            Severity::Warning => "警示",
            Severity::Forbidden => "禁止",
        }
    }

    /// Parses the Chinese label or one of the accepted aliases.
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "提示" | "info" | "L" | "低" => Some(Severity::Info),
            "警示" | "warning" | "M" | "中" => Some(Severity::Warning),
            "禁止" | "forbidden" | "H" | "高" => Some(Severity::Forbidden),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! categories {
    ($( $(#[$doc:meta])* $variant:ident => $label:literal ),+ $(,)?) => {
        /// What kind of problem an entry describes (§3.12 of the regulatory notes).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum Category {
            $( $(#[$doc])* #[serde(rename = $label)] $variant, )+
        }

        impl Category {
            /// Every category, in declaration order.
            pub const ALL: &'static [Category] = &[ $( Category::$variant, )+ ];

            /// The Chinese label.
            pub fn as_str(self) -> &'static str {
                match self { $( Category::$variant => $label, )+ }
            }

            /// Parses a Chinese label.
            pub fn parse(s: &str) -> Option<Self> {
                match s.trim() { $( $label => Some(Category::$variant), )+ _ => None }
            }
        }
    };
}

categories! {
    /// 国家级/最高级/最佳 and terms of the same meaning (广告法 Art. 9(3)).
    Absolute => "绝对化用语",
    /// Express or implied 保本/保收益/无风险 (广告法 Art. 25(1)).
    GuaranteedReturn => "保本保收益承诺",
    /// Expected-return figures, unexplained benchmarks, risk-mismatched words.
    MisleadingReturn => "收益误导",
    /// Exaggerated past performance (业绩优良/名列前茅/短期年化).
    ExaggeratedPerformance => "夸大业绩",
    /// Presenting wealth products as deposits.
    DepositConfusion => "混同存款",
    /// Implying regulator endorsement or state guarantee.
    GovernmentCredibility => "利用政府公信力",
    /// Experts, associations, celebrities, beneficiaries recommending.
    ImproperEndorsement => "不当推荐",
    /// Cross-type comparisons, disparaging competitors.
    ImproperComparison => "不当比较",
    /// Gifts, lotteries, cash-back for wealth products.
    SalesInducement => "不当营销激励",
    /// Daily/monthly rates without the annual rate, 低至 without conditions.
    RateDisclosure => "利率费率展示",
    /// Instalment fees not shown as interest, 免息/免年费 without conditions.
    CreditCardInstalment => "信用卡分期",
    /// Improper loan marketing (用途违规, 不查征信, 诱导借贷).
    LoanMarketing => "贷款营销",
    /// Prohibited collection behaviour.
    DebtCollection => "债务催收",
    /// Service taboo phrases.
    ServiceTaboo => "服务禁语",
    /// Unfair standard terms in agreements.
    StandardTerms => "格式条款",
    /// Required disclosure missing (used by disclosure rules).
    MissingDisclosure => "缺失披露",
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The kind of material being scanned; entries and disclosure rules apply
/// to some kinds only (a collection script has no 理财 slogan duty, an ad has
/// no collection rules).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MaterialKind {
    /// 营销宣传材料: posters, web pages, app banners, articles.
    Marketing,
    /// 协议/合同/格式条款.
    Agreement,
    /// 外呼/销售话术脚本.
    Script,
    /// 短信/电子信息.
    Sms,
    /// 催收话术、催收函、催收录音转写.
    Collection,
    /// 客服/柜面服务用语.
    Service,
}

impl MaterialKind {
    /// Every kind.
    pub const ALL: &'static [MaterialKind] = &[
        MaterialKind::Marketing,
        MaterialKind::Agreement,
        MaterialKind::Script,
        MaterialKind::Sms,
        MaterialKind::Collection,
        MaterialKind::Service,
    ];

    /// The identifier used in files and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            MaterialKind::Marketing => "marketing",
            MaterialKind::Agreement => "agreement",
            MaterialKind::Script => "script",
            MaterialKind::Sms => "sms",
            MaterialKind::Collection => "collection",
            MaterialKind::Service => "service",
        }
    }

    /// The Chinese name.
    pub fn label(self) -> &'static str {
        match self {
            MaterialKind::Marketing => "营销宣传",
            MaterialKind::Agreement => "协议条款",
            MaterialKind::Script => "话术脚本",
            MaterialKind::Sms => "短信",
            MaterialKind::Collection => "催收",
            MaterialKind::Service => "客户服务",
        }
    }

    /// Parses the identifier (or the Chinese name).
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        MaterialKind::ALL
            .iter()
            .copied()
            .find(|k| k.as_str().eq_ignore_ascii_case(s) || k.label() == s)
    }
}

impl fmt::Display for MaterialKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One legal source for an entry, quoted as the regulatory notes give it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LegalBasis {
    /// Name of the law, regulation, notice or standard.
    pub law: String,
    /// Article or item as cited.
    pub article: String,
    /// What the provision says, in brief.
    pub gist: String,
}

/// Two term lists that must occur near each other, e.g. 保证/承诺 within a
/// few characters of 收益/本金. Catches promises whose words are split by
/// other words (`保证您的本金`, `承诺年化收益`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProximityRule {
    /// First term list.
    pub left: Vec<String>,
    /// Second term list.
    pub right: Vec<String>,
    /// Maximum number of normalised characters between the two terms.
    pub within: u32,
    /// When true, `left` must come before `right`.
    #[serde(default = "default_true")]
    pub ordered: bool,
    /// When true, both terms must be in the same clause (no ，；： between
    /// them); otherwise the same line or sentence suffices.
    #[serde(default, skip_serializing_if = "is_false")]
    pub same_clause: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

fn default_true() -> bool {
    true
}

fn is_true(b: &bool) -> bool {
    *b
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// Window rules that suppress a match because of what surrounds it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContextRules {
    /// Look this many normalised characters back (inside the clause) for a
    /// negation cue such as 不/非/无/不承诺/谨防; 0 disables the check.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub negation_window: u32,
    /// Extra negation cues for this entry, added to the built-in list.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub negations: Vec<String>,
    /// Suppress when the normalised text immediately before the match ends
    /// with one of these (e.g. digits before `100%`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_preceded_by: Vec<String>,
    /// Suppress when the normalised text immediately after the match starts
    /// with one of these (e.g. 期/步/次 after 第一).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_followed_by: Vec<String>,
    /// Suppress when the same sentence contains one of these (e.g. 存款保险,
    /// 国债 for 本金安全).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_in_sentence_with: Vec<String>,
    /// Cancels `not_in_sentence_with` when the sentence also contains one of
    /// these (a sentence about 存款保险 that also sells 理财 is no excuse).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unless_sentence_has: Vec<String>,
}

impl ContextRules {
    /// Whether no rule is set.
    pub fn is_empty(&self) -> bool {
        self.negation_window == 0
            && self.negations.is_empty()
            && self.not_preceded_by.is_empty()
            && self.not_followed_by.is_empty()
            && self.not_in_sentence_with.is_empty()
            && self.unless_sentence_has.is_empty()
    }
}

/// One knowledge-base entry: a family of patterns for one problem, with
/// its legal basis and a suggested rewording.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// Stable identifier, e.g. `RET-01-003`.
    pub id: String,
    /// Short Chinese title shown with each finding.
    pub title: String,
    /// Problem category.
    pub category: Category,
    /// Severity of a match.
    pub severity: Severity,
    /// Material kinds the entry applies to.
    pub kinds: Vec<MaterialKind>,
    /// Literal terms and variants (normalised before matching).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub terms: Vec<String>,
    /// Regular expressions over the normalised text (lower case,
    /// simplified, punctuation and spaces removed, 零 written as 0).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regexes: Vec<String>,
    /// Proximity rules.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub proximity: Vec<ProximityRule>,
    /// Allowed phrases: a deny match lying inside one of these (from any
    /// entry) is not reported. Negations, required disclaimers, names.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allow: Vec<String>,
    /// Allowed patterns that literals cannot express (e.g. an award title:
    /// 荣获…最佳…奖), as regexes over the normalised text; global like `allow`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allow_regexes: Vec<String>,
    /// Window rules.
    #[serde(default, skip_serializing_if = "ContextRules::is_empty")]
    pub context: ContextRules,
    /// Legal basis, one or more.
    pub basis: Vec<LegalBasis>,
    /// Suggested rewording.
    pub suggestion: String,
    /// Reviewer notes (why the patterns are what they are).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Disabled entries stay in the KB but are not compiled.
    #[serde(default = "default_true", skip_serializing_if = "is_true")]
    pub enabled: bool,
}

/// A set of patterns used by disclosure rules: any literal or regex match
/// counts.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PatternSet {
    /// Literal terms.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub terms: Vec<String>,
    /// Regular expressions over the normalised text.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regexes: Vec<String>,
}

impl PatternSet {
    /// Whether the set has no pattern.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty() && self.regexes.is_empty()
    }
}

/// A required disclosure (§3.12 REQ-xx): if the material mentions the
/// trigger, it must contain text satisfying every group of `satisfied_by`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DisclosureRule {
    /// Stable identifier, e.g. `REQ-01`.
    pub id: String,
    /// Short Chinese title.
    pub title: String,
    /// Severity when missing.
    pub severity: Severity,
    /// Material kinds the duty applies to.
    pub kinds: Vec<MaterialKind>,
    /// What makes the duty apply.
    pub trigger: PatternSet,
    /// Trigger occurrences lying inside one of these do not count
    /// (e.g. 存款利率 for a loan-rate trigger on 利率).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trigger_exempt: Vec<String>,
    /// Each group must be satisfied by at least one of its patterns.
    pub satisfied_by: Vec<PatternSet>,
    /// Legal basis.
    pub basis: Vec<LegalBasis>,
    /// The wording to add.
    pub suggestion: String,
    /// Reviewer notes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Disabled rules are not compiled.
    #[serde(default = "default_true", skip_serializing_if = "is_true")]
    pub enabled: bool,
}

/// A version stamp for a knowledge base. Storage keeps the history; this
/// is the value it stores.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KbVersion {
    /// Monotonic version number.
    pub number: u64,
    /// Who made the change.
    pub author: String,
    /// Why.
    pub reason: String,
    /// When, as an RFC 3339 string (kept as text so the model needs no clock).
    pub timestamp: String,
}
