//! Loading, validating, serialising and diffing knowledge bases.
//!
//! A knowledge base travels as JSON Lines: one record per line. A record
//! without a `type` field (or with `"type": "entry"`) is an [`Entry`];
//! `"type": "disclosure"` is a [`DisclosureRule`]; an optional
//! `"type": "meta"` line carries the [`KbVersion`]. Bank staff edit these
//! files, so every problem is reported with its line number and in Chinese,
//! and loading never panics on bad input.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::KbError;
use crate::model::{
    Category, DisclosureRule, Entry, KbVersion, MaterialKind, PatternSet, Severity,
};
use crate::normalize::{char_survives_unchanged, normalize_literal};

/// The seed knowledge base entries shipped with the program.
pub const SEED_ENTRIES_JSONL: &str = include_str!("../../../data/kb/seed.jsonl");
/// The seed required-disclosure rules shipped with the program.
pub const SEED_DISCLOSURES_JSONL: &str = include_str!("../../../data/kb/disclosures.jsonl");

/// Whether a diagnostic stops the knowledge base from being used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Worth fixing; the KB still works.
    Warning,
    /// The record (or the KB) cannot be used as written.
    Error,
}

impl Level {
    /// Chinese label.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Warning => "警告",
            Level::Error => "错误",
        }
    }
}

/// What a diagnostic is about; stable for programs, unlike the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DiagnosticCode {
    /// The line is not valid JSON.
    Syntax,
    /// The line is JSON but not an object.
    NotAnObject,
    /// Unknown `type` value.
    UnknownRecordType,
    /// Missing or mistyped field, or an unknown field.
    Schema,
    /// Unknown category label.
    UnknownCategory,
    /// Unknown severity label.
    UnknownSeverity,
    /// Unknown material kind.
    UnknownKind,
    /// Empty or malformed identifier.
    InvalidId,
    /// The same identifier twice.
    DuplicateId,
    /// The same normalised literal twice.
    DuplicatePattern,
    /// A literal both allowed and denied, or denied with different severities.
    Conflict,
    /// A pattern that cannot match normalised text.
    NeverMatches,
    /// A single-character term (matches almost everywhere).
    ShortTerm,
    /// A regex that does not compile.
    InvalidRegex,
    /// A regex that matches the empty string.
    EmptyMatch,
    /// An entry without any pattern, or a disclosure rule without trigger or
    /// satisfying group.
    NoPatterns,
    /// No material kind.
    NoKinds,
    /// No legal basis.
    NoBasis,
    /// No suggestion text.
    NoSuggestion,
    /// Malformed proximity rule.
    InvalidProximity,
    /// More than one meta record.
    DuplicateMeta,
}

/// One problem found while loading or checking a knowledge base.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// Severity of the problem.
    pub level: Level,
    /// Machine-readable kind.
    pub code: DiagnosticCode,
    /// Source name (file), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// 1-based line number, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// Record identifier, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Chinese explanation.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(src) = &self.source {
            write!(f, "{src}:")?;
        }
        if let Some(line) = self.line {
            write!(f, "{line}:")?;
        }
        if self.source.is_some() || self.line.is_some() {
            f.write_str(" ")?;
        }
        write!(f, "{}", self.level.as_str())?;
        if let Some(id) = &self.id {
            write!(f, " [{id}]")?;
        }
        write!(f, ": {}", self.message)
    }
}

#[derive(Debug, Clone, Default)]
struct Origin {
    source: Option<String>,
    line: usize,
}

/// A knowledge base: entries, disclosure rules and an optional version.
#[derive(Debug, Clone, Default)]
pub struct KnowledgeBase {
    /// Version stamp from the `meta` record, if any.
    pub version: Option<KbVersion>,
    /// Forbidden / risky wording entries.
    pub entries: Vec<Entry>,
    /// Required-disclosure rules.
    pub disclosures: Vec<DisclosureRule>,
    origins: HashMap<String, Origin>,
    /// Source positions parallel to `entries` / `disclosures` as parsed;
    /// ignored once records are added or removed in memory.
    entry_origins: Vec<Origin>,
    disclosure_origins: Vec<Origin>,
}

#[derive(Serialize)]
struct Tagged<'a, T: Serialize> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(flatten)]
    inner: &'a T,
}

impl KnowledgeBase {
    /// A knowledge base built in memory (e.g. from database rows).
    pub fn new(entries: Vec<Entry>, disclosures: Vec<DisclosureRule>) -> Self {
        KnowledgeBase {
            version: None,
            entries,
            disclosures,
            origins: HashMap::new(),
            entry_origins: Vec::new(),
            disclosure_origins: Vec::new(),
        }
    }

    /// The knowledge base shipped with the program.
    pub fn seed() -> Result<Self, KbError> {
        Self::parse_sources(&[
            ("data/kb/seed.jsonl", SEED_ENTRIES_JSONL),
            ("data/kb/disclosures.jsonl", SEED_DISCLOSURES_JSONL),
        ])
    }

    /// Parses one JSONL document strictly: any error-level diagnostic
    /// (including those of [`KnowledgeBase::check`]) makes it fail.
    pub fn parse_jsonl(src: &str) -> Result<Self, KbError> {
        Self::parse_sources(&[("", src)])
    }

    /// Parses several named JSONL documents into one KB, strictly.
    pub fn parse_sources(sources: &[(&str, &str)]) -> Result<Self, KbError> {
        let (kb, diags) = Self::parse_sources_lenient(sources);
        if diags.iter().any(|d| d.level == Level::Error) {
            return Err(KbError::Invalid(diags));
        }
        Ok(kb)
    }

    /// Parses one JSONL document, keeping every record that parses, and
    /// returns all diagnostics (parse and [`check`](Self::check)).
    pub fn parse_jsonl_lenient(src: &str) -> (Self, Vec<Diagnostic>) {
        Self::parse_sources_lenient(&[("", src)])
    }

    /// Lenient parse of several named documents.
    pub fn parse_sources_lenient(sources: &[(&str, &str)]) -> (Self, Vec<Diagnostic>) {
        let mut kb = KnowledgeBase::default();
        let mut diags = Vec::new();
        for (name, src) in sources {
            let name = (!name.is_empty()).then(|| (*name).to_string());
            kb.parse_into(name, src, &mut diags);
        }
        diags.extend(kb.check());
        (kb, diags)
    }

    fn parse_into(&mut self, source: Option<String>, src: &str, diags: &mut Vec<Diagnostic>) {
        let src = src.strip_prefix('\u{feff}').unwrap_or(src);
        for (idx, raw_line) in src.lines().enumerate() {
            let line_no = idx + 1;
            let line = raw_line.trim();
            if line.is_empty() {
                continue;
            }
            let mut diag = |level, code, id: Option<String>, message: String| {
                diags.push(Diagnostic {
                    level,
                    code,
                    source: source.clone(),
                    line: Some(line_no),
                    id,
                    message,
                });
            };
            let value: Value = match serde_json::from_str(line) {
                Ok(v) => v,
                Err(e) => {
                    diag(
                        Level::Error,
                        DiagnosticCode::Syntax,
                        None,
                        format!("不是合法的 JSON：{e}"),
                    );
                    continue;
                }
            };
            let Value::Object(mut obj) = value else {
                diag(
                    Level::Error,
                    DiagnosticCode::NotAnObject,
                    None,
                    "每行必须是一个 JSON 对象".to_string(),
                );
                continue;
            };
            let id = obj.get("id").and_then(Value::as_str).map(str::to_string);
            let kind = match obj.remove("type") {
                None => "entry".to_string(),
                Some(Value::String(s)) => s,
                Some(other) => {
                    diag(
                        Level::Error,
                        DiagnosticCode::UnknownRecordType,
                        id,
                        format!("type 字段必须是字符串，实际为 {other}"),
                    );
                    continue;
                }
            };
            let origin = Origin {
                source: source.clone(),
                line: line_no,
            };
            match kind.as_str() {
                "entry" => {
                    let mut ok = true;
                    match obj.get("category") {
                        Some(Value::String(s)) if Category::parse(s).is_none() => {
                            ok = false;
                            let known: Vec<&str> =
                                Category::ALL.iter().map(|c| c.as_str()).collect();
                            diag(
                                Level::Error,
                                DiagnosticCode::UnknownCategory,
                                id.clone(),
                                format!("未知类别「{s}」，可用类别：{}", known.join("、")),
                            );
                        }
                        _ => {}
                    }
                    ok &= check_severity_and_kinds(&obj, &id, &mut diag);
                    if !ok {
                        continue;
                    }
                    match serde_json::from_value::<Entry>(Value::Object(obj)) {
                        Ok(entry) => {
                            self.origins
                                .entry(entry.id.clone())
                                .or_insert_with(|| origin.clone());
                            self.entry_origins.push(origin);
                            self.entries.push(entry);
                        }
                        Err(e) => diag(
                            Level::Error,
                            DiagnosticCode::Schema,
                            id,
                            format!("词条字段不符合格式：{e}"),
                        ),
                    }
                }
                "disclosure" => {
                    if !check_severity_and_kinds(&obj, &id, &mut diag) {
                        continue;
                    }
                    match serde_json::from_value::<DisclosureRule>(Value::Object(obj)) {
                        Ok(rule) => {
                            self.origins
                                .entry(rule.id.clone())
                                .or_insert_with(|| origin.clone());
                            self.disclosure_origins.push(origin);
                            self.disclosures.push(rule);
                        }
                        Err(e) => diag(
                            Level::Error,
                            DiagnosticCode::Schema,
                            id,
                            format!("必备披露规则字段不符合格式：{e}"),
                        ),
                    }
                }
                "meta" => match serde_json::from_value::<KbVersion>(Value::Object(obj)) {
                    Ok(v) => {
                        if self.version.is_some() {
                            diag(
                                Level::Warning,
                                DiagnosticCode::DuplicateMeta,
                                None,
                                "出现多条 meta 版本记录，以最后一条为准".to_string(),
                            );
                        }
                        self.version = Some(v);
                    }
                    Err(e) => diag(
                        Level::Error,
                        DiagnosticCode::Schema,
                        None,
                        format!("版本记录字段不符合格式：{e}"),
                    ),
                },
                other => diag(
                    Level::Error,
                    DiagnosticCode::UnknownRecordType,
                    id,
                    format!("未知记录类型「{other}」（应为 entry、disclosure 或 meta）"),
                ),
            }
        }
    }

    /// Serialises to JSON Lines: the meta record (if any), then entries,
    /// then disclosure rules. Parsing the output gives an equal KB.
    pub fn to_jsonl(&self) -> String {
        let mut out = String::new();
        let mut push = |s: Result<String, serde_json::Error>| {
            if let Ok(s) = s {
                out.push_str(&s);
                out.push('\n');
            }
        };
        if let Some(v) = &self.version {
            push(serde_json::to_string(&Tagged {
                kind: "meta",
                inner: v,
            }));
        }
        for e in &self.entries {
            push(serde_json::to_string(e));
        }
        for d in &self.disclosures {
            push(serde_json::to_string(&Tagged {
                kind: "disclosure",
                inner: d,
            }));
        }
        out
    }

    /// The entry with this id.
    pub fn entry(&self, id: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.id == id)
    }

    /// The disclosure rule with this id.
    pub fn disclosure(&self, id: &str) -> Option<&DisclosureRule> {
        self.disclosures.iter().find(|d| d.id == id)
    }

    /// Where a record was read from: (source, 1-based line).
    pub fn origin(&self, id: &str) -> Option<(Option<&str>, usize)> {
        self.origins.get(id).map(|o| (o.source.as_deref(), o.line))
    }

    /// Counts of literal terms, regexes, proximity rules and allow phrases
    /// over enabled entries, plus disclosure patterns.
    pub fn stats(&self) -> KbStats {
        let mut s = KbStats::default();
        for e in self.entries.iter().filter(|e| e.enabled) {
            s.entries += 1;
            s.terms += e.terms.len();
            s.regexes += e.regexes.len();
            s.proximity_rules += e.proximity.len();
            s.allow += e.allow.len();
        }
        for d in self.disclosures.iter().filter(|d| d.enabled) {
            s.disclosures += 1;
            s.disclosure_patterns += d.trigger.terms.len()
                + d.trigger.regexes.len()
                + d.trigger_exempt.len()
                + d.satisfied_by
                    .iter()
                    .map(|g| g.terms.len() + g.regexes.len())
                    .sum::<usize>();
        }
        s
    }

    fn entry_origin(&self, i: usize) -> Option<&Origin> {
        (self.entry_origins.len() == self.entries.len())
            .then(|| self.entry_origins.get(i))
            .flatten()
    }

    fn disclosure_origin(&self, i: usize) -> Option<&Origin> {
        (self.disclosure_origins.len() == self.disclosures.len())
            .then(|| self.disclosure_origins.get(i))
            .flatten()
    }

    fn diag_at(
        origin: Option<&Origin>,
        id: &str,
        level: Level,
        code: DiagnosticCode,
        message: String,
    ) -> Diagnostic {
        Diagnostic {
            level,
            code,
            source: origin.and_then(|o| o.source.clone()),
            line: origin.map(|o| o.line),
            id: (!id.is_empty()).then(|| id.to_string()),
            message,
        }
    }

    /// Semantic checks: duplicate ids and patterns, allow/deny conflicts,
    /// patterns that cannot match after normalisation, invalid regexes,
    /// missing kinds/basis/suggestion, malformed proximity rules.
    pub fn check(&self) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        let mut ids: HashMap<&str, usize> = HashMap::new();
        for id in self
            .entries
            .iter()
            .map(|e| e.id.as_str())
            .chain(self.disclosures.iter().map(|d| d.id.as_str()))
        {
            *ids.entry(id).or_default() += 1;
        }
        let mut reported_dup: BTreeSet<&str> = BTreeSet::new();
        for (id, n) in &ids {
            if *n > 1 && reported_dup.insert(id) {
                out.push(Self::diag_at(
                    self.origins.get(*id),
                    id,
                    Level::Error,
                    DiagnosticCode::DuplicateId,
                    format!("编号「{id}」出现 {n} 次"),
                ));
            }
        }

        // Global allow literals (normalised) → owning entry.
        let mut allow_owner: BTreeMap<String, &str> = BTreeMap::new();
        for e in self.entries.iter().filter(|e| e.enabled) {
            for a in &e.allow {
                let n = normalize_literal(a);
                if !n.is_empty() {
                    allow_owner.entry(n).or_insert(e.id.as_str());
                }
            }
        }
        // Deny literal (normalised) → (entry id, severity) of first owner.
        let mut deny_owner: BTreeMap<String, (&str, Severity)> = BTreeMap::new();

        for (i, e) in self.entries.iter().enumerate() {
            let id = e.id.as_str();
            let origin = self.entry_origin(i);
            let mut d =
                |level, code, msg: String| out.push(Self::diag_at(origin, id, level, code, msg));
            if id.trim().is_empty() || id.chars().any(char::is_whitespace) {
                d(
                    Level::Error,
                    DiagnosticCode::InvalidId,
                    format!("编号「{id}」为空或含空白字符"),
                );
            }
            if e.kinds.is_empty() {
                d(
                    Level::Error,
                    DiagnosticCode::NoKinds,
                    "未指定适用材料类型（kinds），该词条永远不会生效".to_string(),
                );
            }
            if e.terms.is_empty() && e.regexes.is_empty() && e.proximity.is_empty() {
                d(
                    Level::Error,
                    DiagnosticCode::NoPatterns,
                    "词条没有任何匹配模式（terms / regexes / proximity）".to_string(),
                );
            }
            if e.basis.is_empty() {
                d(
                    Level::Error,
                    DiagnosticCode::NoBasis,
                    "缺少法规依据（basis）".to_string(),
                );
            }
            if e.suggestion.trim().is_empty() {
                d(
                    Level::Warning,
                    DiagnosticCode::NoSuggestion,
                    "缺少修改建议（suggestion）".to_string(),
                );
            }
            let mut seen: BTreeSet<String> = BTreeSet::new();
            for t in &e.terms {
                let n = normalize_literal(t);
                if n.is_empty() {
                    d(
                        Level::Error,
                        DiagnosticCode::NeverMatches,
                        format!("词语「{t}」归一化后为空（只含空白、标点或符号），永远不会命中"),
                    );
                    continue;
                }
                if n.chars().count() == 1 {
                    d(
                        Level::Warning,
                        DiagnosticCode::ShortTerm,
                        format!("词语「{t}」只有一个字符，误报风险很高"),
                    );
                }
                if !seen.insert(n.clone()) {
                    d(
                        Level::Warning,
                        DiagnosticCode::DuplicatePattern,
                        format!("词语「{t}」在本词条内重复（归一化后为「{n}」）"),
                    );
                    continue;
                }
                if let Some(owner) = allow_owner.get(&n) {
                    d(
                        Level::Error,
                        DiagnosticCode::Conflict,
                        format!("词语「{t}」同时是词条 {owner} 的放行短语，禁用词永远不会命中"),
                    );
                }
                if !e.enabled {
                    continue;
                }
                match deny_owner.get(&n) {
                    Some((other, sev)) if *other != id => {
                        if *sev != e.severity {
                            d(
                                Level::Warning,
                                DiagnosticCode::Conflict,
                                format!(
                                    "词语「{t}」也出现在词条 {other}，且严重程度不同（{} 与 {}）",
                                    sev, e.severity
                                ),
                            );
                        } else {
                            d(
                                Level::Warning,
                                DiagnosticCode::DuplicatePattern,
                                format!("词语「{t}」也出现在词条 {other}，将重复报告"),
                            );
                        }
                    }
                    Some(_) => {}
                    None => {
                        deny_owner.insert(n, (id, e.severity));
                    }
                }
            }
            for a in &e.allow {
                if normalize_literal(a).is_empty() {
                    d(
                        Level::Error,
                        DiagnosticCode::NeverMatches,
                        format!("放行短语「{a}」归一化后为空，永远不会命中"),
                    );
                }
            }
            for r in e.regexes.iter().chain(&e.allow_regexes) {
                check_regex(r, &mut d);
            }
            for (i, p) in e.proximity.iter().enumerate() {
                if p.left.is_empty() || p.right.is_empty() {
                    d(
                        Level::Error,
                        DiagnosticCode::InvalidProximity,
                        format!("第 {} 条邻近规则的 left 或 right 为空", i + 1),
                    );
                }
                for t in p.left.iter().chain(&p.right) {
                    if normalize_literal(t).is_empty() {
                        d(
                            Level::Error,
                            DiagnosticCode::NeverMatches,
                            format!("邻近规则词语「{t}」归一化后为空，永远不会命中"),
                        );
                    }
                }
            }
            let c = &e.context;
            for t in c
                .negations
                .iter()
                .chain(&c.not_preceded_by)
                .chain(&c.not_followed_by)
                .chain(&c.not_in_sentence_with)
                .chain(&c.unless_sentence_has)
            {
                if normalize_literal(t).is_empty() {
                    d(
                        Level::Error,
                        DiagnosticCode::NeverMatches,
                        format!("语境规则词语「{t}」归一化后为空，永远不会命中"),
                    );
                }
            }
        }

        for (i, r) in self.disclosures.iter().enumerate() {
            let id = r.id.as_str();
            let origin = self.disclosure_origin(i);
            let mut d =
                |level, code, msg: String| out.push(Self::diag_at(origin, id, level, code, msg));
            if id.trim().is_empty() || id.chars().any(char::is_whitespace) {
                d(
                    Level::Error,
                    DiagnosticCode::InvalidId,
                    format!("编号「{id}」为空或含空白字符"),
                );
            }
            if r.kinds.is_empty() {
                d(
                    Level::Error,
                    DiagnosticCode::NoKinds,
                    "未指定适用材料类型（kinds），该规则永远不会生效".to_string(),
                );
            }
            if r.trigger.is_empty() {
                d(
                    Level::Error,
                    DiagnosticCode::NoPatterns,
                    "触发条件（trigger）为空".to_string(),
                );
            }
            if r.satisfied_by.is_empty() || r.satisfied_by.iter().any(PatternSet::is_empty) {
                d(
                    Level::Error,
                    DiagnosticCode::NoPatterns,
                    "满足条件（satisfied_by）为空或含空组".to_string(),
                );
            }
            if r.basis.is_empty() {
                d(
                    Level::Error,
                    DiagnosticCode::NoBasis,
                    "缺少法规依据（basis）".to_string(),
                );
            }
            if r.suggestion.trim().is_empty() {
                d(
                    Level::Warning,
                    DiagnosticCode::NoSuggestion,
                    "缺少应补充的披露文字（suggestion）".to_string(),
                );
            }
            let sets = std::iter::once(&r.trigger).chain(&r.satisfied_by);
            for set in sets {
                for t in &set.terms {
                    if normalize_literal(t).is_empty() {
                        d(
                            Level::Error,
                            DiagnosticCode::NeverMatches,
                            format!("词语「{t}」归一化后为空，永远不会命中"),
                        );
                    }
                }
                for re in &set.regexes {
                    check_regex(re, &mut d);
                }
            }
            for t in &r.trigger_exempt {
                if normalize_literal(t).is_empty() {
                    d(
                        Level::Error,
                        DiagnosticCode::NeverMatches,
                        format!("触发豁免词语「{t}」归一化后为空，永远不会命中"),
                    );
                }
            }
        }
        out
    }
}

fn check_severity_and_kinds(
    obj: &serde_json::Map<String, Value>,
    id: &Option<String>,
    diag: &mut impl FnMut(Level, DiagnosticCode, Option<String>, String),
) -> bool {
    let mut ok = true;
    if let Some(Value::String(s)) = obj.get("severity")
        && Severity::parse(s).is_none()
    {
        ok = false;
        diag(
            Level::Error,
            DiagnosticCode::UnknownSeverity,
            id.clone(),
            format!("未知严重程度「{s}」（应为 禁止、警示 或 提示）"),
        );
    }
    if let Some(Value::Array(kinds)) = obj.get("kinds") {
        for k in kinds {
            if let Value::String(s) = k
                && MaterialKind::parse(s).is_none()
            {
                ok = false;
                let known: Vec<&str> = MaterialKind::ALL.iter().map(|k| k.as_str()).collect();
                diag(
                    Level::Error,
                    DiagnosticCode::UnknownKind,
                    id.clone(),
                    format!("未知材料类型「{s}」，可用类型：{}", known.join("、")),
                );
            }
        }
    }
    ok
}

fn check_regex(src: &str, d: &mut impl FnMut(Level, DiagnosticCode, String)) {
    let re = match regex::Regex::new(src) {
        Ok(re) => re,
        Err(e) => {
            d(
                Level::Error,
                DiagnosticCode::InvalidRegex,
                format!("正则表达式「{src}」无效：{e}"),
            );
            return;
        }
    };
    if re.find("").is_some() {
        d(
            Level::Error,
            DiagnosticCode::EmptyMatch,
            format!("正则表达式「{src}」可以匹配空字符串"),
        );
    }
    if let Ok(hir) = regex_syntax::parse(src) {
        let mut bad = BTreeSet::new();
        collect_unreachable_literals(&hir, &mut bad);
        if !bad.is_empty() {
            let list: Vec<String> = bad.into_iter().map(|c| format!("「{c}」")).collect();
            d(
                Level::Warning,
                DiagnosticCode::NeverMatches,
                format!(
                    "正则表达式「{src}」含有归一化文本中不会出现的字符 {}（匹配对象是去除空白标点、转小写、繁转简后的文本）",
                    list.join("")
                ),
            );
        }
    }
}

fn collect_unreachable_literals(hir: &regex_syntax::hir::Hir, bad: &mut BTreeSet<char>) {
    use regex_syntax::hir::HirKind;
    match hir.kind() {
        HirKind::Literal(lit) => {
            for c in String::from_utf8_lossy(&lit.0).chars() {
                if c != '.' && !char_survives_unchanged(c) {
                    bad.insert(c);
                }
            }
        }
        HirKind::Repetition(rep) => collect_unreachable_literals(&rep.sub, bad),
        HirKind::Capture(cap) => collect_unreachable_literals(&cap.sub, bad),
        HirKind::Concat(items) | HirKind::Alternation(items) => {
            for h in items {
                collect_unreachable_literals(h, bad);
            }
        }
        HirKind::Empty | HirKind::Class(_) | HirKind::Look(_) => {}
    }
}

/// Size of a knowledge base.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KbStats {
    /// Enabled entries.
    pub entries: usize,
    /// Literal terms.
    pub terms: usize,
    /// Regexes.
    pub regexes: usize,
    /// Proximity rules.
    pub proximity_rules: usize,
    /// Allow phrases.
    pub allow: usize,
    /// Enabled disclosure rules.
    pub disclosures: usize,
    /// Trigger, exemption and satisfying patterns of disclosure rules.
    pub disclosure_patterns: usize,
}

/// Field-level change of one record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordChange {
    /// Record identifier.
    pub id: String,
    /// Names of the fields whose values differ.
    pub fields: Vec<String>,
}

/// Difference between two knowledge bases, by record id (entries and
/// disclosure rules share one id space).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KbDiff {
    /// Ids present only in the new KB.
    pub added: Vec<String>,
    /// Ids present only in the old KB.
    pub removed: Vec<String>,
    /// Ids present in both with different content.
    pub changed: Vec<RecordChange>,
}

impl KbDiff {
    /// Whether the two KBs have the same records.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

fn record_map(kb: &KnowledgeBase) -> BTreeMap<String, Value> {
    let mut m = BTreeMap::new();
    for e in &kb.entries {
        if let Ok(v) = serde_json::to_value(e) {
            m.insert(e.id.clone(), v);
        }
    }
    for d in &kb.disclosures {
        if let Ok(v) = serde_json::to_value(Tagged {
            kind: "disclosure",
            inner: d,
        }) {
            m.insert(d.id.clone(), v);
        }
    }
    m
}

/// Compares two knowledge bases record by record.
pub fn diff(old: &KnowledgeBase, new: &KnowledgeBase) -> KbDiff {
    let a = record_map(old);
    let b = record_map(new);
    let mut out = KbDiff::default();
    for (id, va) in &a {
        match b.get(id) {
            None => out.removed.push(id.clone()),
            Some(vb) if vb != va => {
                let empty = serde_json::Map::new();
                let oa = va.as_object().unwrap_or(&empty);
                let ob = vb.as_object().unwrap_or(&empty);
                let keys: BTreeSet<&String> = oa.keys().chain(ob.keys()).collect();
                let fields = keys
                    .into_iter()
                    .filter(|k| oa.get(*k) != ob.get(*k))
                    .cloned()
                    .collect();
                out.changed.push(RecordChange {
                    id: id.clone(),
                    fields,
                });
            }
            Some(_) => {}
        }
    }
    for id in b.keys() {
        if !a.contains_key(id) {
            out.added.push(id.clone());
        }
    }
    out
}
