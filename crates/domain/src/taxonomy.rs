//! Complaint classification lists: the three JR/T 0169-2018 dimensions (channel,
//! business category, reason) plus the local lists the platform needs (source,
//! demand, vulnerable-group flags, complainant role).
//!
//! The lists are data, not code (DESIGN.md "Data, not code"): the defaults live in
//! `data/taxonomy/*.json`, are embedded at build time, and a bank may load an edited
//! replacement. JR/T 0169-2018's numeric codes could not be confirmed, so the shipped
//! codes are local ones (see the `note` in `jrt0169.json`); names follow the standard.

use std::collections::HashSet;
use std::fmt;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::sla::SlaRegime;

const EMBEDDED_JRT0169: &str = include_str!("../../../data/taxonomy/jrt0169.json");
const EMBEDDED_SOURCES: &str = include_str!("../../../data/taxonomy/sources.json");
const EMBEDDED_DEMANDS: &str = include_str!("../../../data/taxonomy/demands.json");
const EMBEDDED_VULNERABLE_FLAGS: &str =
    include_str!("../../../data/taxonomy/vulnerable_flags.json");
const EMBEDDED_COMPLAINANT_ROLES: &str =
    include_str!("../../../data/taxonomy/complainant_roles.json");

/// One item of a code list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// Stable code stored with the complaint (local code until the official one is known).
    pub code: String,
    /// Chinese name shown to users and used in regulator reports.
    pub name: String,
    /// Other spellings accepted on input (e.g. "因…引起的投诉" forms, common short names).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Parent grouping inside the standard, e.g. 前台业务渠道/电子渠道.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Provenance remark, e.g. that the entry is a local addition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Sub-categories (business categories only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<Entry>,
    /// Which handling-period rules apply to complaints from this source (sources only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sla_regime: Option<SlaRegime>,
}

impl Entry {
    fn matches(&self, key: &str) -> bool {
        let key = normalize_key(key);
        if key.is_empty() {
            return false;
        }
        self.code.eq_ignore_ascii_case(&key)
            || normalize_key(&self.name) == key
            || self.aliases.iter().any(|a| normalize_key(a) == key)
    }
}

/// Whitespace (ASCII or full-width) is ignored when matching names, so
/// "12378 监管转办" and "12378监管转办" are the same item.
fn normalize_key(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The JR/T 0169-2018 part of the taxonomy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Jrt0169 {
    pub standard: String,
    pub title: String,
    pub note: String,
    pub channels: Vec<Entry>,
    pub business_categories: Vec<Entry>,
    pub reasons: Vec<Entry>,
}

/// A local code list (sources, demands, flags, roles).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeList {
    pub name: String,
    pub note: String,
    pub items: Vec<Entry>,
}

/// Which list a value belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    Channel,
    BusinessCategory,
    BusinessSubcategory,
    Reason,
    Source,
    Demand,
    VulnerableFlag,
    ComplainantRole,
}

impl Dimension {
    pub const ALL: [Dimension; 8] = [
        Dimension::Channel,
        Dimension::BusinessCategory,
        Dimension::BusinessSubcategory,
        Dimension::Reason,
        Dimension::Source,
        Dimension::Demand,
        Dimension::VulnerableFlag,
        Dimension::ComplainantRole,
    ];

    /// The input field this dimension is entered in (API and import contract).
    pub fn field_name(self) -> &'static str {
        match self {
            Dimension::Channel => "channel",
            Dimension::BusinessCategory => "business_category",
            Dimension::BusinessSubcategory => "business_subcategory",
            Dimension::Reason => "reason",
            Dimension::Source => "source",
            Dimension::Demand => "demands",
            Dimension::VulnerableFlag => "vulnerable_flags",
            Dimension::ComplainantRole => "complainant.role",
        }
    }

    /// Chinese label used in validation messages.
    pub fn label_zh(self) -> &'static str {
        match self {
            Dimension::Channel => "投诉业务办理渠道",
            Dimension::BusinessCategory => "投诉业务类别",
            Dimension::BusinessSubcategory => "投诉业务子类",
            Dimension::Reason => "投诉原因",
            Dimension::Source => "投诉来源",
            Dimension::Demand => "投诉诉求",
            Dimension::VulnerableFlag => "特殊群体标识",
            Dimension::ComplainantRole => "投诉人身份",
        }
    }
}

impl fmt::Display for Dimension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label_zh())
    }
}

/// A value that is not in the list. Carries the valid names so the API can answer
/// HTTP 422 with something the user can act on.
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize)]
#[error("{dimension}「{value}」无效，可选值：{}", .valid.join("、"))]
pub struct UnknownValue {
    pub dimension: Dimension,
    pub value: String,
    pub valid: Vec<String>,
}

/// Every invalid field of a classification at once (one 422 lists them all).
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize)]
#[error("分类取值无效：{}", .errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("；"))]
pub struct ClassificationError {
    pub errors: Vec<UnknownValue>,
}

/// A taxonomy document that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TaxonomyLoadError {
    #[error("分类表「{file}」不是有效的 JSON：{message}")]
    Json { file: &'static str, message: String },
    #[error("分类「{dimension}」为空")]
    EmptyList { dimension: Dimension },
    #[error("分类「{dimension}」存在空的编码或名称")]
    BlankEntry { dimension: Dimension },
    #[error("分类「{dimension}」编码「{code}」重复")]
    DuplicateCode { dimension: Dimension, code: String },
    #[error("分类「{dimension}」名称或别名「{name}」重复")]
    DuplicateName { dimension: Dimension, name: String },
    #[error("投诉来源「{code}」缺少 sla_regime")]
    SourceWithoutRegime { code: String },
}

/// The raw JSON texts a taxonomy is built from, one per file in `data/taxonomy/`.
#[derive(Debug, Clone, Copy)]
pub struct TaxonomySources<'a> {
    pub jrt0169: &'a str,
    pub sources: &'a str,
    pub demands: &'a str,
    pub vulnerable_flags: &'a str,
    pub complainant_roles: &'a str,
}

impl TaxonomySources<'static> {
    /// The shipped defaults. Replace any field with a bank's edited file.
    pub fn embedded() -> Self {
        TaxonomySources {
            jrt0169: EMBEDDED_JRT0169,
            sources: EMBEDDED_SOURCES,
            demands: EMBEDDED_DEMANDS,
            vulnerable_flags: EMBEDDED_VULNERABLE_FLAGS,
            complainant_roles: EMBEDDED_COMPLAINANT_ROLES,
        }
    }
}

/// All classification lists, validated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Taxonomy {
    pub jrt0169: Jrt0169,
    pub sources: CodeList,
    pub demands: CodeList,
    pub vulnerable_flags: CodeList,
    pub complainant_roles: CodeList,
}

/// A complaint's classification as entered (names, aliases or codes).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Classification {
    pub channel: String,
    pub business_category: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_subcategory: Option<String>,
    pub reason: String,
    pub source: String,
    #[serde(default)]
    pub demands: Vec<String>,
    #[serde(default)]
    pub vulnerable_flags: Vec<String>,
    pub complainant_role: String,
}

fn parse<T: for<'de> Deserialize<'de>>(
    file: &'static str,
    text: &str,
) -> Result<T, TaxonomyLoadError> {
    serde_json::from_str(text).map_err(|e| TaxonomyLoadError::Json {
        file,
        message: e.to_string(),
    })
}

impl Taxonomy {
    /// The shipped defaults, parsed once. The embedded files are covered by tests,
    /// but the error is still returned rather than unwrapped.
    pub fn embedded() -> Result<&'static Taxonomy, TaxonomyLoadError> {
        static EMBEDDED: OnceLock<Result<Taxonomy, TaxonomyLoadError>> = OnceLock::new();
        EMBEDDED
            .get_or_init(|| Taxonomy::from_sources(TaxonomySources::embedded()))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Build from the per-file JSON texts (the layout of `data/taxonomy/`).
    pub fn from_sources(src: TaxonomySources<'_>) -> Result<Taxonomy, TaxonomyLoadError> {
        let taxonomy = Taxonomy {
            jrt0169: parse("jrt0169.json", src.jrt0169)?,
            sources: parse("sources.json", src.sources)?,
            demands: parse("demands.json", src.demands)?,
            vulnerable_flags: parse("vulnerable_flags.json", src.vulnerable_flags)?,
            complainant_roles: parse("complainant_roles.json", src.complainant_roles)?,
        };
        taxonomy.check()?;
        Ok(taxonomy)
    }

    /// Build from one combined document (the `Serialize` form of [`Taxonomy`]), the
    /// shape a bank's edited copy is stored in.
    pub fn from_json(text: &str) -> Result<Taxonomy, TaxonomyLoadError> {
        let taxonomy: Taxonomy = parse("taxonomy", text)?;
        taxonomy.check()?;
        Ok(taxonomy)
    }

    /// The combined document accepted by [`Taxonomy::from_json`].
    pub fn to_json(&self) -> String {
        // Serialising plain strings, vectors and enums cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    fn check(&self) -> Result<(), TaxonomyLoadError> {
        check_list(Dimension::Channel, &self.jrt0169.channels)?;
        check_list(
            Dimension::BusinessCategory,
            &self.jrt0169.business_categories,
        )?;
        let mut sub_codes = HashSet::new();
        for cat in &self.jrt0169.business_categories {
            if !cat.children.is_empty() {
                check_list(Dimension::BusinessSubcategory, &cat.children)?;
            }
            for child in &cat.children {
                if !sub_codes.insert(child.code.to_ascii_uppercase()) {
                    return Err(TaxonomyLoadError::DuplicateCode {
                        dimension: Dimension::BusinessSubcategory,
                        code: child.code.clone(),
                    });
                }
            }
        }
        check_list(Dimension::Reason, &self.jrt0169.reasons)?;
        check_list(Dimension::Source, &self.sources.items)?;
        if let Some(e) = self.sources.items.iter().find(|e| e.sla_regime.is_none()) {
            return Err(TaxonomyLoadError::SourceWithoutRegime {
                code: e.code.clone(),
            });
        }
        check_list(Dimension::Demand, &self.demands.items)?;
        check_list(Dimension::VulnerableFlag, &self.vulnerable_flags.items)?;
        check_list(Dimension::ComplainantRole, &self.complainant_roles.items)?;
        Ok(())
    }

    /// The entries of a flat dimension. For [`Dimension::BusinessSubcategory`] this
    /// is every sub-category of every category; use [`Taxonomy::subcategories`] for
    /// one parent.
    pub fn entries(&self, dimension: Dimension) -> Vec<&Entry> {
        match dimension {
            Dimension::Channel => self.jrt0169.channels.iter().collect(),
            Dimension::BusinessCategory => self.jrt0169.business_categories.iter().collect(),
            Dimension::BusinessSubcategory => self
                .jrt0169
                .business_categories
                .iter()
                .flat_map(|c| c.children.iter())
                .collect(),
            Dimension::Reason => self.jrt0169.reasons.iter().collect(),
            Dimension::Source => self.sources.items.iter().collect(),
            Dimension::Demand => self.demands.items.iter().collect(),
            Dimension::VulnerableFlag => self.vulnerable_flags.items.iter().collect(),
            Dimension::ComplainantRole => self.complainant_roles.items.iter().collect(),
        }
    }

    /// Find an entry by code (case-insensitive), name or alias.
    pub fn lookup(&self, dimension: Dimension, key: &str) -> Option<&Entry> {
        self.entries(dimension).into_iter().find(|e| e.matches(key))
    }

    /// Sub-categories of one business category (empty if it has none or is unknown).
    pub fn subcategories(&self, category: &str) -> &[Entry] {
        self.lookup(Dimension::BusinessCategory, category)
            .map(|c| c.children.as_slice())
            .unwrap_or(&[])
    }

    /// Like [`Taxonomy::lookup`], but an unknown value becomes an error listing the
    /// valid names.
    pub fn validate(&self, dimension: Dimension, key: &str) -> Result<&Entry, UnknownValue> {
        self.lookup(dimension, key).ok_or_else(|| UnknownValue {
            dimension,
            value: key.to_string(),
            valid: self
                .entries(dimension)
                .iter()
                .map(|e| e.name.clone())
                .collect(),
        })
    }

    /// Validate a sub-category within its parent category.
    pub fn validate_subcategory(&self, category: &str, key: &str) -> Result<&Entry, UnknownValue> {
        let children = self.subcategories(category);
        children
            .iter()
            .find(|e| e.matches(key))
            .ok_or_else(|| UnknownValue {
                dimension: Dimension::BusinessSubcategory,
                value: key.to_string(),
                valid: children.iter().map(|e| e.name.clone()).collect(),
            })
    }

    /// The handling-period regime for a complaint source.
    pub fn sla_regime_for_source(&self, source: &str) -> Result<SlaRegime, UnknownValue> {
        // `check` guarantees every source has a regime; default to the CBIRC rules.
        Ok(self
            .validate(Dimension::Source, source)?
            .sla_regime
            .unwrap_or(SlaRegime::Cbirc))
    }

    /// Validate every field and return the classification with each value replaced
    /// by its code; all invalid fields are reported together.
    pub fn normalize(&self, c: &Classification) -> Result<Classification, ClassificationError> {
        let mut errors = Vec::new();
        let code = |dim: Dimension, key: &str, errors: &mut Vec<UnknownValue>| match self
            .validate(dim, key)
        {
            Ok(e) => e.code.clone(),
            Err(err) => {
                errors.push(err);
                String::new()
            }
        };
        let channel = code(Dimension::Channel, &c.channel, &mut errors);
        let business_category = code(
            Dimension::BusinessCategory,
            &c.business_category,
            &mut errors,
        );
        let business_subcategory = match &c.business_subcategory {
            None => None,
            Some(sub) => match self.validate_subcategory(&c.business_category, sub) {
                Ok(e) => Some(e.code.clone()),
                Err(err) => {
                    errors.push(err);
                    None
                }
            },
        };
        let reason = code(Dimension::Reason, &c.reason, &mut errors);
        let source = code(Dimension::Source, &c.source, &mut errors);
        let demands = c
            .demands
            .iter()
            .map(|d| code(Dimension::Demand, d, &mut errors))
            .collect();
        let vulnerable_flags = c
            .vulnerable_flags
            .iter()
            .map(|v| code(Dimension::VulnerableFlag, v, &mut errors))
            .collect();
        let complainant_role = code(Dimension::ComplainantRole, &c.complainant_role, &mut errors);
        if errors.is_empty() {
            Ok(Classification {
                channel,
                business_category,
                business_subcategory,
                reason,
                source,
                demands,
                vulnerable_flags,
                complainant_role,
            })
        } else {
            Err(ClassificationError { errors })
        }
    }
}

fn check_list(dimension: Dimension, entries: &[Entry]) -> Result<(), TaxonomyLoadError> {
    if entries.is_empty() {
        return Err(TaxonomyLoadError::EmptyList { dimension });
    }
    let mut codes = HashSet::new();
    let mut names = HashSet::new();
    for e in entries {
        if e.code.trim().is_empty() || normalize_key(&e.name).is_empty() {
            return Err(TaxonomyLoadError::BlankEntry { dimension });
        }
        if !codes.insert(e.code.to_ascii_uppercase()) {
            return Err(TaxonomyLoadError::DuplicateCode {
                dimension,
                code: e.code.clone(),
            });
        }
        for n in std::iter::once(&e.name).chain(e.aliases.iter()) {
            if !names.insert(normalize_key(n)) {
                return Err(TaxonomyLoadError::DuplicateName {
                    dimension,
                    name: n.clone(),
                });
            }
        }
    }
    // A code must not equal another entry's name either, or lookups would be ambiguous.
    for (i, e) in entries.iter().enumerate() {
        let clash = entries.iter().enumerate().any(|(j, other)| {
            i != j
                && std::iter::once(&other.name)
                    .chain(other.aliases.iter())
                    .any(|n| normalize_key(n).eq_ignore_ascii_case(&e.code))
        });
        if clash {
            return Err(TaxonomyLoadError::DuplicateName {
                dimension,
                name: e.code.clone(),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tax() -> &'static Taxonomy {
        Taxonomy::embedded().expect("embedded taxonomy must load")
    }

    fn names(dim: Dimension) -> Vec<String> {
        tax().entries(dim).iter().map(|e| e.name.clone()).collect()
    }

    #[test]
    fn channels_are_exactly_the_jrt0169_list() {
        assert_eq!(
            names(Dimension::Channel),
            [
                "营业现场",
                "自助机具",
                "网银渠道",
                "电话渠道",
                "移动客户端",
                "网络公众平台",
                "短信渠道",
                "第三方渠道",
                "中、后台业务渠道",
                "其他"
            ]
        );
    }

    #[test]
    fn business_categories_are_exactly_the_jrt0169_list() {
        let cats: Vec<String> = tax()
            .jrt0169
            .business_categories
            .iter()
            .map(|e| e.name.clone())
            .collect();
        assert_eq!(
            cats,
            [
                "银行卡",
                "债务催收",
                "贷款",
                "支付结算",
                "自营理财",
                "其他中间业务",
                "银行代理业务",
                "个人金融信息",
                "外汇",
                "人民币储蓄",
                "贵金属",
                "国库",
                "人民币管理",
                "其他"
            ]
        );
    }

    #[test]
    fn reasons_are_exactly_the_consolidated_list() {
        assert_eq!(
            names(Dimension::Reason),
            [
                "服务态度及服务质量",
                "金融机构服务设施、设备、业务系统",
                "金融机构管理制度、业务规则与流程",
                "营销方式和手段",
                "信息披露",
                "自主选择权",
                "定价收费",
                "产品收益",
                "合同条款",
                "消费者资金安全",
                "消费者信息安全",
                "债务催收方式和手段",
                "其他"
            ]
        );
    }

    #[test]
    fn other_is_coded_99_in_every_list() {
        for dim in [
            Dimension::Channel,
            Dimension::BusinessCategory,
            Dimension::Reason,
            Dimension::Source,
            Dimension::Demand,
            Dimension::VulnerableFlag,
        ] {
            let other = tax().lookup(dim, "其他").expect("其他 present");
            assert!(other.code.ends_with("99"), "{dim:?}: {}", other.code);
        }
        for cat in &tax().jrt0169.business_categories {
            if let Some(o) = cat.children.iter().find(|c| c.name == "其他") {
                assert!(o.code.ends_with("99"), "{}", o.code);
            }
        }
    }

    #[test]
    fn local_lists_contain_the_required_items() {
        let t = tax();
        for (dim, required) in [
            (
                Dimension::Source,
                &[
                    "自有渠道",
                    "12378 监管转办",
                    "12363 人行转办",
                    "信访",
                    "媒体",
                    "其他",
                ][..],
            ),
            (
                Dimension::Demand,
                &[
                    "申请退费",
                    "核实原因",
                    "答复",
                    "查询",
                    "补偿",
                    "停止骚扰",
                    "加快处理",
                    "恢复使用",
                ][..],
            ),
            (
                Dimension::VulnerableFlag,
                &["老年人", "未成年人", "残障人士", "新市民"][..],
            ),
            (
                Dimension::ComplainantRole,
                &["本人", "法定代理人", "受托人", "继承人"][..],
            ),
        ] {
            for name in required {
                assert!(t.lookup(dim, name).is_some(), "{dim:?} misses {name}");
            }
        }
        assert_eq!(t.complainant_roles.items.len(), 4);
    }

    #[test]
    fn lookup_by_code_name_alias_and_whitespace_variants() {
        let t = tax();
        let cases = [
            (Dimension::Channel, "A05", "移动客户端"),
            (Dimension::Channel, "a05", "移动客户端"),
            (Dimension::Channel, "手机银行", "移动客户端"),
            (Dimension::Channel, " 营业现场 ", "营业现场"),
            (Dimension::Channel, "中后台业务渠道", "中、后台业务渠道"),
            (Dimension::Reason, "因定价收费引起的投诉", "定价收费"),
            (Dimension::Reason, "C12", "债务催收方式和手段"),
            (Dimension::Source, "12363人行转办", "12363人行转办"),
            (Dimension::Source, "12378 监管转办", "12378监管转办"),
            (Dimension::BusinessSubcategory, "借记卡盗刷", "借记卡盗刷"),
            (Dimension::ComplainantRole, "R04", "继承人"),
        ];
        for (dim, key, want) in cases {
            assert_eq!(
                t.lookup(dim, key).map(|e| e.name.as_str()),
                Some(want),
                "{dim:?} {key}"
            );
        }
        assert!(t.lookup(Dimension::Channel, "").is_none());
        assert!(t.lookup(Dimension::Channel, "柜台外星人").is_none());
        assert!(t.lookup(Dimension::Reason, "A01").is_none());
    }

    #[test]
    fn unknown_value_lists_valid_names_in_chinese() {
        let err = tax().validate(Dimension::Channel, "飞鸽传书").unwrap_err();
        assert_eq!(err.dimension, Dimension::Channel);
        assert_eq!(err.valid.len(), 10);
        let msg = err.to_string();
        assert!(msg.starts_with("投诉业务办理渠道「飞鸽传书」无效"), "{msg}");
        assert!(msg.contains("营业现场、自助机具"), "{msg}");
    }

    #[test]
    fn subcategory_is_validated_within_its_parent() {
        let t = tax();
        assert_eq!(
            t.validate_subcategory("支付结算", "票据").unwrap().code,
            "B0403"
        );
        let err = t.validate_subcategory("银行卡", "票据").unwrap_err();
        assert!(err.valid.contains(&"借记卡盗刷".to_string()));
        assert!(!err.valid.contains(&"票据".to_string()));
        assert!(
            t.validate_subcategory("贷款", "票据")
                .unwrap_err()
                .valid
                .is_empty()
        );
    }

    #[test]
    fn source_decides_the_sla_regime() {
        let t = tax();
        assert_eq!(
            t.sla_regime_for_source("12363").unwrap(),
            SlaRegime::PbocTransfer
        );
        assert_eq!(t.sla_regime_for_source("12378").unwrap(), SlaRegime::Cbirc);
        assert_eq!(
            t.sla_regime_for_source("自有渠道").unwrap(),
            SlaRegime::Cbirc
        );
        assert!(t.sla_regime_for_source("外星").is_err());
    }

    #[test]
    fn normalize_returns_codes_or_all_errors() {
        let t = tax();
        let ok = t
            .normalize(&Classification {
                channel: "手机银行".into(),
                business_category: "银行卡".into(),
                business_subcategory: Some("借记卡盗刷".into()),
                reason: "因消费者资金安全引起的投诉".into(),
                source: "12378".into(),
                demands: vec!["补偿".into(), "核实原因".into()],
                vulnerable_flags: vec!["老年人".into()],
                complainant_role: "本人".into(),
            })
            .unwrap();
        assert_eq!(ok.channel, "A05");
        assert_eq!(ok.business_category, "B01");
        assert_eq!(ok.business_subcategory.as_deref(), Some("B0103"));
        assert_eq!(ok.reason, "C10");
        assert_eq!(ok.source, "S02");
        assert_eq!(ok.demands, ["D05", "D02"]);
        assert_eq!(ok.vulnerable_flags, ["V01"]);
        assert_eq!(ok.complainant_role, "R01");

        let err = t
            .normalize(&Classification {
                channel: "x".into(),
                business_category: "贷款".into(),
                business_subcategory: None,
                reason: "y".into(),
                source: "自有渠道".into(),
                demands: vec!["z".into()],
                vulnerable_flags: vec![],
                complainant_role: "邻居".into(),
            })
            .unwrap_err();
        let dims: Vec<Dimension> = err.errors.iter().map(|e| e.dimension).collect();
        assert_eq!(
            dims,
            [
                Dimension::Channel,
                Dimension::Reason,
                Dimension::Demand,
                Dimension::ComplainantRole
            ]
        );
        assert!(err.to_string().contains("投诉人身份「邻居」无效"));
    }

    #[test]
    fn combined_json_round_trips_and_can_be_edited() {
        let t = tax();
        let json = t.to_json();
        assert_eq!(&Taxonomy::from_json(&json).unwrap(), t);

        let mut edited = t.clone();
        edited.demands.items.push(Entry {
            code: "D50".into(),
            name: "销户".into(),
            aliases: vec![],
            group: None,
            note: Some("bank-local".into()),
            children: vec![],
            sla_regime: None,
        });
        let reloaded = Taxonomy::from_json(&edited.to_json()).unwrap();
        assert_eq!(
            reloaded.lookup(Dimension::Demand, "D50").unwrap().name,
            "销户"
        );
    }

    #[test]
    fn replacement_file_replaces_only_that_list() {
        let src = TaxonomySources {
            complainant_roles: r#"{"name":"投诉人身份","note":"x","items":[{"code":"R1","name":"本人"}]}"#,
            ..TaxonomySources::embedded()
        };
        let t = Taxonomy::from_sources(src).unwrap();
        assert!(t.lookup(Dimension::ComplainantRole, "继承人").is_none());
        assert!(t.lookup(Dimension::Channel, "营业现场").is_some());
    }

    #[test]
    fn broken_documents_are_rejected_with_a_reason() {
        let list = |items: &str| format!(r#"{{"name":"n","note":"n","items":[{items}]}}"#);
        type Check = fn(&TaxonomyLoadError) -> bool;
        let cases: Vec<(String, Check)> = vec![
            ("not json".into(), |e| {
                matches!(e, TaxonomyLoadError::Json { .. })
            }),
            (list(""), |e| {
                matches!(e, TaxonomyLoadError::EmptyList { .. })
            }),
            (list(r#"{"code":"","name":"a"}"#), |e| {
                matches!(e, TaxonomyLoadError::BlankEntry { .. })
            }),
            (
                list(r#"{"code":"X","name":"a"},{"code":"x","name":"b"}"#),
                |e| matches!(e, TaxonomyLoadError::DuplicateCode { .. }),
            ),
            (
                list(r#"{"code":"X","name":"a"},{"code":"Y","name":"b","aliases":["a"]}"#),
                |e| matches!(e, TaxonomyLoadError::DuplicateName { .. }),
            ),
            (
                list(r#"{"code":"X","name":"Y"},{"code":"Y","name":"b"}"#),
                |e| matches!(e, TaxonomyLoadError::DuplicateName { .. }),
            ),
            (list(r#"{"code":"X","name":"a","colour":"red"}"#), |e| {
                matches!(e, TaxonomyLoadError::Json { .. })
            }),
        ];
        for (doc, check) in cases {
            let src = TaxonomySources {
                demands: &doc,
                ..TaxonomySources::embedded()
            };
            let err = Taxonomy::from_sources(src).unwrap_err();
            assert!(check(&err), "{doc}: {err:?}");
            assert!(!err.to_string().is_empty());
        }
        let no_regime = list(r#"{"code":"S1","name":"a"}"#);
        let src = TaxonomySources {
            sources: &no_regime,
            ..TaxonomySources::embedded()
        };
        assert!(matches!(
            Taxonomy::from_sources(src),
            Err(TaxonomyLoadError::SourceWithoutRegime { .. })
        ));
    }
}
