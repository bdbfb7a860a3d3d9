//! The compiled matcher and scan reports.
//!
//! Every literal of the knowledge base — deny terms, allow phrases,
//! proximity components, disclosure triggers and satisfying phrases — goes
//! into one character-wise double-array Aho-Corasick automaton, with a side
//! table saying what each literal is for. One overlapping pass over the
//! normalised text collects every occurrence; regexes and proximity rules
//! are a small second pass. Resolution is then plain interval logic:
//!
//! 1. a deny occurrence lying inside an allow occurrence is dropped (an
//!    allow phrase wins a tie);
//! 2. a deny literal lying strictly inside another surviving deny literal
//!    is dropped (longest wins, so 知识产权 inside 国家知识产权局 is one
//!    finding, not two);
//! 3. a regex or proximity finding and a literal finding that cover one
//!    another keep the covering one unless the inner one is more severe;
//! 4. each entry's context rules (negation cues before the match, what
//!    may not precede or follow it, what may not share its sentence) drop
//!    the rest that do not apply.
//!
//! Matches never run across a sentence end (。！？ or a blank line), which
//! keeps the removal of punctuation from gluing two sentences into a term.

use std::sync::{Arc, RwLock};

use daachorse::CharwiseDoubleArrayAhoCorasick;
use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::error::CompileError;
use crate::kb::{KbStats, KnowledgeBase};
use crate::model::{
    Category, DisclosureRule, Entry, KbVersion, LegalBasis, MaterialKind, Severity,
};
use crate::normalize::{Break, Normalized, normalize, normalize_literal};

/// Negation and warning cues: a deny match preceded (within the entry's
/// window, inside the clause) by one of these is a disclaimer or a consumer
/// warning, not a promise (不保本, 非保本, 谨防"稳赚不赔").
const NEGATION_CUES: &[&str] = &[
    "不", "非", "无", "未", "没", "勿", "莫", "杜绝", "禁止", "严禁", "谨防", "警惕", "防范",
    "远离", "拒绝", "所谓", "号称", "声称", "宣称", "谎称", "打着",
];

/// Words that contain a negation character without negating what follows
/// (不仅保本 is still a promise). Removed from the window before the cue
/// search.
const NEGATION_FALSE_FRIENDS: &[&str] = &[
    "不仅",
    "不但",
    "不光",
    "不只",
    "不止",
    "不管",
    "不论",
    "不断",
    "不错",
    "不少",
    "不妨",
    "不怕",
    "不用担心",
    "不必担心",
    "不用愁",
    "不愁",
    "不容错过",
    "不要错过",
    "不可错过",
    "不可多得",
    "不二",
    "无论",
    "无疑",
    "无需担心",
    "无须担心",
    "无需",
    "无须",
    "无忧",
    "无敌",
    "无与伦比",
    "无比",
    "无限",
    "无数",
    "无可比拟",
    "非常",
    "非凡",
    "未来",
    "没得说",
    "没问题",
    "莫过于",
    // Conditions and threats: 再不还钱就…, 如不按时还款… negate the
    // condition, not what follows.
    "再不",
    "如不",
    "若不",
    "要是不",
    "不还",
    "不按时",
    "不及时",
    "不配合",
    "不接",
    "不处理",
    "不履行",
    "不理会",
    "不回复",
    "不主动",
    "不想还",
];

/// A finding's origin pattern type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MatchKind {
    /// A literal term.
    Literal,
    /// A regular expression.
    Regex,
    /// A proximity rule.
    Proximity,
}

/// One problem found in a text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// Start, as a char offset into the original text.
    pub start: usize,
    /// End (exclusive), as a char offset into the original text.
    pub end: usize,
    /// The original text of the match, including any characters inserted
    /// between the characters of the term.
    pub text: String,
    /// Knowledge-base entry id.
    pub entry_id: String,
    /// Entry title.
    pub title: String,
    /// Category.
    pub category: Category,
    /// Severity.
    pub severity: Severity,
    /// Legal basis.
    pub basis: Vec<LegalBasis>,
    /// Suggested rewording.
    pub suggestion: String,
    /// A short excerpt of the original text around the match.
    pub context: String,
    /// Which kind of pattern matched.
    pub match_kind: MatchKind,
    /// The pattern as written in the knowledge base.
    pub pattern: String,
}

/// Where a disclosure duty was triggered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TriggerSite {
    /// Start char offset in the original text.
    pub start: usize,
    /// End char offset in the original text.
    pub end: usize,
    /// The original text.
    pub text: String,
}

/// A required disclosure that the text lacks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissingDisclosure {
    /// Rule id, e.g. `REQ-01`.
    pub rule_id: String,
    /// Rule title.
    pub title: String,
    /// Severity.
    pub severity: Severity,
    /// Legal basis.
    pub basis: Vec<LegalBasis>,
    /// The wording to add.
    pub suggestion: String,
    /// The first place that made the duty apply.
    pub trigger: TriggerSite,
}

/// Result of scanning one text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanReport {
    /// Problems found, ordered by position.
    pub findings: Vec<Finding>,
    /// Required disclosures that are missing.
    pub missing_disclosures: Vec<MissingDisclosure>,
}

impl ScanReport {
    /// The most severe level among findings and missing disclosures.
    pub fn max_severity(&self) -> Option<Severity> {
        self.findings
            .iter()
            .map(|f| f.severity)
            .chain(self.missing_disclosures.iter().map(|m| m.severity))
            .max()
    }

    /// Whether anything at 禁止 level was found.
    pub fn has_forbidden(&self) -> bool {
        self.max_severity() == Some(Severity::Forbidden)
    }
}

/// Scan options.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScanOptions {
    /// Material kind. `None` applies every entry, and the disclosure rules
    /// that apply to marketing material (the common case of a content
    /// pipeline that does not know what it is scanning).
    pub kind: Option<MaterialKind>,
}

impl ScanOptions {
    /// Options for a given kind.
    pub fn for_kind(kind: MaterialKind) -> Self {
        ScanOptions { kind: Some(kind) }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Deny { entry: u32, term: u32 },
    Allow,
    Prox { rule: u32, right: bool },
    Trigger { rule: u32 },
    TriggerExempt { rule: u32 },
    Satisfy { rule: u32, group: u32 },
}

fn kind_bit(k: MaterialKind) -> u8 {
    match k {
        MaterialKind::Marketing => 1,
        MaterialKind::Agreement => 2,
        MaterialKind::Script => 4,
        MaterialKind::Sms => 8,
        MaterialKind::Collection => 16,
        MaterialKind::Service => 32,
    }
}

fn kind_mask(kinds: &[MaterialKind]) -> u8 {
    kinds.iter().fold(0, |m, k| m | kind_bit(*k))
}

#[derive(Debug)]
struct CompiledEntry {
    entry: Entry,
    mask: u8,
    negation_window: usize,
    negations: Vec<String>,
    not_preceded_by: Vec<String>,
    not_followed_by: Vec<String>,
    not_in_sentence_with: Vec<String>,
    unless_sentence_has: Vec<String>,
}

#[derive(Debug)]
struct CompiledProximity {
    entry: u32,
    within: usize,
    ordered: bool,
    same_clause: bool,
    description: String,
}

#[derive(Debug)]
struct CompiledRegex {
    owner: u32,
    re: Regex,
}

#[derive(Debug)]
struct CompiledDisclosure {
    rule: DisclosureRule,
    mask: u8,
    trigger_regexes: Vec<Regex>,
    group_regexes: Vec<Vec<Regex>>,
}

/// A knowledge base compiled for scanning. Immutable and `Send + Sync`:
/// share it behind an `Arc` (see [`SharedMatcher`]).
pub struct Matcher {
    automaton: Option<CharwiseDoubleArrayAhoCorasick<u32>>,
    table: Vec<Vec<Target>>,
    entries: Vec<CompiledEntry>,
    regexes: Vec<CompiledRegex>,
    allow_regexes: Vec<Regex>,
    proximity: Vec<CompiledProximity>,
    disclosures: Vec<CompiledDisclosure>,
    version: Option<KbVersion>,
    stats: KbStats,
    literal_count: usize,
}

#[derive(Default)]
struct TableBuilder {
    index: std::collections::HashMap<String, u32>,
    patterns: Vec<String>,
    table: Vec<Vec<Target>>,
}

impl TableBuilder {
    fn add(&mut self, literal: &str, target: Target) {
        let n = normalize_literal(literal);
        if n.is_empty() {
            return;
        }
        let id = match self.index.get(&n) {
            Some(id) => *id,
            None => {
                let id = self.patterns.len() as u32;
                self.index.insert(n.clone(), id);
                self.patterns.push(n);
                self.table.push(Vec::new());
                id
            }
        };
        let slot = &mut self.table[id as usize];
        let duplicate = slot.iter().any(|t| match (t, &target) {
            (Target::Deny { entry: a, .. }, Target::Deny { entry: b, .. }) => a == b,
            (a, b) => a == b,
        });
        if !duplicate {
            slot.push(target);
        }
    }
}

fn normalized_list(list: &[String]) -> Vec<String> {
    list.iter()
        .map(|s| normalize_literal(s))
        .filter(|s| !s.is_empty())
        .collect()
}

fn compile_regex(id: &str, src: &str) -> Result<Regex, CompileError> {
    Regex::new(src).map_err(|source| CompileError::Regex {
        id: id.to_string(),
        pattern: src.to_string(),
        source,
    })
}

#[derive(Debug, Clone, Copy)]
struct Cand {
    start: usize,
    end: usize,
    entry: u32,
    kind: MatchKind,
    /// Term index (literal), regex index, or proximity rule index.
    pattern: u32,
}

impl Matcher {
    /// Compiles a knowledge base. Disabled entries and rules are skipped.
    pub fn compile(kb: &KnowledgeBase) -> Result<Self, CompileError> {
        let mut tb = TableBuilder::default();
        let mut entries = Vec::new();
        let mut regexes = Vec::new();
        let mut proximity = Vec::new();
        let mut allow_regexes = Vec::new();
        for e in kb.entries.iter().filter(|e| e.enabled) {
            let ei = entries.len() as u32;
            for (ti, t) in e.terms.iter().enumerate() {
                tb.add(
                    t,
                    Target::Deny {
                        entry: ei,
                        term: ti as u32,
                    },
                );
            }
            for a in &e.allow {
                tb.add(a, Target::Allow);
            }
            for r in &e.regexes {
                regexes.push(CompiledRegex {
                    owner: ei,
                    re: compile_regex(&e.id, r)?,
                });
            }
            for p in &e.proximity {
                let ri = proximity.len() as u32;
                for l in &p.left {
                    tb.add(
                        l,
                        Target::Prox {
                            rule: ri,
                            right: false,
                        },
                    );
                }
                for r in &p.right {
                    tb.add(
                        r,
                        Target::Prox {
                            rule: ri,
                            right: true,
                        },
                    );
                }
                proximity.push(CompiledProximity {
                    entry: ei,
                    within: p.within as usize,
                    ordered: p.ordered,
                    same_clause: p.same_clause,
                    description: format!(
                        "{} …{}字内… {}",
                        p.left.join("/"),
                        p.within,
                        p.right.join("/")
                    ),
                });
            }
            let c = &e.context;
            let mut negations: Vec<String> =
                NEGATION_CUES.iter().map(|s| normalize_literal(s)).collect();
            negations.extend(normalized_list(&c.negations));
            entries.push(CompiledEntry {
                entry: e.clone(),
                mask: kind_mask(&e.kinds),
                negation_window: c.negation_window as usize,
                negations,
                not_preceded_by: normalized_list(&c.not_preceded_by),
                not_followed_by: normalized_list(&c.not_followed_by),
                not_in_sentence_with: normalized_list(&c.not_in_sentence_with),
                unless_sentence_has: normalized_list(&c.unless_sentence_has),
            });
            for r in &e.allow_regexes {
                allow_regexes.push(compile_regex(&e.id, r)?);
            }
        }
        let mut disclosures = Vec::new();
        for r in kb.disclosures.iter().filter(|r| r.enabled) {
            let ri = disclosures.len() as u32;
            for t in &r.trigger.terms {
                tb.add(t, Target::Trigger { rule: ri });
            }
            for t in &r.trigger_exempt {
                tb.add(t, Target::TriggerExempt { rule: ri });
            }
            let mut group_regexes = Vec::new();
            for (gi, g) in r.satisfied_by.iter().enumerate() {
                for t in &g.terms {
                    tb.add(
                        t,
                        Target::Satisfy {
                            rule: ri,
                            group: gi as u32,
                        },
                    );
                }
                group_regexes.push(
                    g.regexes
                        .iter()
                        .map(|s| compile_regex(&r.id, s))
                        .collect::<Result<Vec<_>, _>>()?,
                );
            }
            let trigger_regexes = r
                .trigger
                .regexes
                .iter()
                .map(|s| compile_regex(&r.id, s))
                .collect::<Result<Vec<_>, _>>()?;
            disclosures.push(CompiledDisclosure {
                rule: r.clone(),
                mask: kind_mask(&r.kinds),
                trigger_regexes,
                group_regexes,
            });
        }
        let literal_count = tb.patterns.len();
        let automaton = if tb.patterns.is_empty() {
            None
        } else {
            let patvals = tb
                .patterns
                .iter()
                .enumerate()
                .map(|(i, p)| (p.as_str(), i as u32));
            Some(
                CharwiseDoubleArrayAhoCorasick::with_values(patvals)
                    .map_err(|e| CompileError::Automaton(e.to_string()))?,
            )
        };
        Ok(Matcher {
            automaton,
            table: tb.table,
            entries,
            regexes,
            allow_regexes,
            proximity,
            disclosures,
            version: kb.version.clone(),
            stats: kb.stats(),
            literal_count,
        })
    }

    /// Version of the knowledge base this matcher was compiled from.
    pub fn version(&self) -> Option<&KbVersion> {
        self.version.as_ref()
    }

    /// Size of the compiled knowledge base.
    pub fn stats(&self) -> KbStats {
        self.stats
    }

    /// Number of distinct normalised literals in the automaton.
    pub fn literal_count(&self) -> usize {
        self.literal_count
    }

    /// Scans a text.
    pub fn scan(&self, text: &str, opts: &ScanOptions) -> ScanReport {
        let n = normalize(text);
        let chars: Vec<char> = text.chars().collect();
        let entry_applies = |ei: u32| match opts.kind {
            None => true,
            Some(k) => self.entries[ei as usize].mask & kind_bit(k) != 0,
        };

        let mut literal: Vec<Cand> = Vec::new();
        let mut allows: Vec<(usize, usize)> = Vec::new();
        let mut prox_left: Vec<Vec<(usize, usize)>> = vec![Vec::new(); self.proximity.len()];
        let mut prox_right: Vec<Vec<(usize, usize)>> = vec![Vec::new(); self.proximity.len()];
        let nd = self.disclosures.len();
        let mut triggers: Vec<Vec<(usize, usize)>> = vec![Vec::new(); nd];
        let mut exempts: Vec<Vec<(usize, usize)>> = vec![Vec::new(); nd];
        let mut satisfied: Vec<Vec<bool>> = self
            .disclosures
            .iter()
            .map(|d| vec![false; d.rule.satisfied_by.len()])
            .collect();

        if let Some(ac) = &self.automaton {
            for m in ac.find_overlapping_iter(n.as_str()) {
                let s = n.char_at_byte(m.start());
                let e = n.char_at_byte(m.end());
                if e <= s || n.crosses_sentence(s, e) {
                    continue;
                }
                for t in &self.table[m.value() as usize] {
                    match *t {
                        Target::Deny { entry, term } => {
                            if entry_applies(entry) {
                                literal.push(Cand {
                                    start: s,
                                    end: e,
                                    entry,
                                    kind: MatchKind::Literal,
                                    pattern: term,
                                });
                            }
                        }
                        Target::Allow => allows.push((s, e)),
                        Target::Prox { rule, right } => {
                            if right {
                                prox_right[rule as usize].push((s, e));
                            } else {
                                prox_left[rule as usize].push((s, e));
                            }
                        }
                        Target::Trigger { rule } => triggers[rule as usize].push((s, e)),
                        Target::TriggerExempt { rule } => exempts[rule as usize].push((s, e)),
                        Target::Satisfy { rule, group } => {
                            satisfied[rule as usize][group as usize] = true;
                        }
                    }
                }
            }
        }

        for re in &self.allow_regexes {
            for m in re.find_iter(n.as_str()) {
                let s = n.char_at_byte(m.start());
                let e = n.char_at_byte(m.end());
                if e > s {
                    allows.push((s, e));
                }
            }
        }
        let covered = AllowCover::new(&allows, n.len());

        // Regex and proximity candidates. A proximity component inside an
        // allow phrase does not count (送 in 发送 is not a gift).
        for list in prox_left.iter_mut().chain(prox_right.iter_mut()) {
            list.retain(|&(s, e)| !covered.covers(s, e));
        }
        let mut other: Vec<Cand> = Vec::new();
        for (ri, r) in self.regexes.iter().enumerate() {
            if !entry_applies(r.owner) {
                continue;
            }
            for m in r.re.find_iter(n.as_str()) {
                let s = n.char_at_byte(m.start());
                let e = n.char_at_byte(m.end());
                if e > s && !n.crosses_sentence(s, e) {
                    other.push(Cand {
                        start: s,
                        end: e,
                        entry: r.owner,
                        kind: MatchKind::Regex,
                        pattern: ri as u32,
                    });
                }
            }
        }
        for (pi, p) in self.proximity.iter().enumerate() {
            if !entry_applies(p.entry) {
                continue;
            }
            for c in proximity_matches(&n, p, &prox_left[pi], &prox_right[pi]) {
                other.push(Cand {
                    start: c.0,
                    end: c.1,
                    entry: p.entry,
                    kind: MatchKind::Proximity,
                    pattern: pi as u32,
                });
            }
        }

        // 1. Allow suppression.
        literal.retain(|c| !covered.covers(c.start, c.end));
        other.retain(|c| !covered.covers(c.start, c.end));
        // 2. Longest literal wins.
        let literal = longest_only(literal);
        // 3. Cross-type overlap.
        let mut all: Vec<Cand> = literal;
        all.extend(other);
        let all = resolve_mixed(all, |c| self.entries[c.entry as usize].entry.severity);
        // 4. Context rules.
        let mut findings: Vec<Finding> = all
            .into_iter()
            .filter(|c| !self.context_suppresses(&n, c))
            .map(|c| self.finding(&n, &chars, &c))
            .collect();
        findings.sort_by(|a, b| (a.start, a.end, &a.entry_id).cmp(&(b.start, b.end, &b.entry_id)));
        findings.dedup_by(|a, b| a.start == b.start && a.end == b.end && a.entry_id == b.entry_id);

        // Disclosures.
        let mut missing = Vec::new();
        for (di, d) in self.disclosures.iter().enumerate() {
            let applies = match opts.kind {
                Some(k) => d.mask & kind_bit(k) != 0,
                None => d.mask & kind_bit(MaterialKind::Marketing) != 0,
            };
            if !applies {
                continue;
            }
            let exempt = AllowCover::new(&exempts[di], n.len());
            let mut first: Option<(usize, usize)> = triggers[di]
                .iter()
                .copied()
                .filter(|(s, e)| !exempt.covers(*s, *e))
                .min();
            for re in &d.trigger_regexes {
                if let Some(m) = re.find(n.as_str()) {
                    let s = n.char_at_byte(m.start());
                    let e = n.char_at_byte(m.end());
                    if e > s && !exempt.covers(s, e) && first.is_none_or(|f| (s, e) < f) {
                        first = Some((s, e));
                    }
                }
            }
            let Some((ts, te)) = first else { continue };
            let ok = satisfied[di].iter().enumerate().all(|(gi, hit)| {
                *hit || d.group_regexes[gi].iter().any(|re| re.is_match(n.as_str()))
            });
            if ok {
                continue;
            }
            let (os, oe) = n.original_span(ts, te);
            missing.push(MissingDisclosure {
                rule_id: d.rule.id.clone(),
                title: d.rule.title.clone(),
                severity: d.rule.severity,
                basis: d.rule.basis.clone(),
                suggestion: d.rule.suggestion.clone(),
                trigger: TriggerSite {
                    start: os,
                    end: oe,
                    text: chars[os.min(chars.len())..oe.min(chars.len())]
                        .iter()
                        .collect(),
                },
            });
        }

        ScanReport {
            findings,
            missing_disclosures: missing,
        }
    }

    fn context_suppresses(&self, n: &Normalized, c: &Cand) -> bool {
        let ce = &self.entries[c.entry as usize];
        let text = n.chars();
        if ce.negation_window > 0 {
            let clause_start = n.unit_start(c.start, Break::Clause);
            let from = c.start.saturating_sub(ce.negation_window).max(clause_start);
            if from < c.start {
                let mut window = n.slice(from, c.start).to_string();
                for ff in NEGATION_FALSE_FRIENDS {
                    if window.contains(ff) {
                        window = window.replace(ff, "\u{1}");
                    }
                }
                if ce.negations.iter().any(|cue| window.contains(cue.as_str())) {
                    return true;
                }
            }
        }
        if !ce.not_preceded_by.is_empty() {
            let before = n.slice(0, c.start);
            if ce
                .not_preceded_by
                .iter()
                .any(|p| before.ends_with(p.as_str()))
            {
                return true;
            }
        }
        if !ce.not_followed_by.is_empty() {
            let after = n.slice(c.end, text.len());
            if ce
                .not_followed_by
                .iter()
                .any(|p| after.starts_with(p.as_str()))
            {
                return true;
            }
        }
        if !ce.not_in_sentence_with.is_empty() {
            let s = n.unit_start(c.start, Break::Line);
            let e = n.unit_end(c.end, Break::Line);
            let sentence = n.slice(s, e);
            if ce
                .not_in_sentence_with
                .iter()
                .any(|p| sentence.contains(p.as_str()))
                && !ce
                    .unless_sentence_has
                    .iter()
                    .any(|p| sentence.contains(p.as_str()))
            {
                return true;
            }
        }
        false
    }

    fn finding(&self, n: &Normalized, chars: &[char], c: &Cand) -> Finding {
        let ce = &self.entries[c.entry as usize];
        let e = &ce.entry;
        let (os, oe) = n.original_span(c.start, c.end);
        let os = os.min(chars.len());
        let oe = oe.min(chars.len());
        let pattern = match c.kind {
            MatchKind::Literal => e.terms.get(c.pattern as usize).cloned().unwrap_or_default(),
            MatchKind::Regex => self.regexes[c.pattern as usize].re.as_str().to_string(),
            MatchKind::Proximity => self.proximity[c.pattern as usize].description.clone(),
        };
        Finding {
            start: os,
            end: oe,
            text: chars[os..oe].iter().collect(),
            entry_id: e.id.clone(),
            title: e.title.clone(),
            category: e.category,
            severity: e.severity,
            basis: e.basis.clone(),
            suggestion: e.suggestion.clone(),
            context: excerpt(chars, os, oe),
            match_kind: c.kind,
            pattern,
        }
    }
}

impl std::fmt::Debug for Matcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Matcher")
            .field("version", &self.version)
            .field("stats", &self.stats)
            .field("literals", &self.literal_count)
            .finish_non_exhaustive()
    }
}

/// Excerpt of at most 16 chars either side, on one line.
fn excerpt(chars: &[char], start: usize, end: usize) -> String {
    const SIDE: usize = 16;
    let from = start.saturating_sub(SIDE);
    let to = (end + SIDE).min(chars.len());
    let mut s = String::new();
    if from > 0 {
        s.push('…');
    }
    for c in &chars[from..to] {
        s.push(if c.is_control() { ' ' } else { *c });
    }
    if to < chars.len() {
        s.push('…');
    }
    s
}

/// Answers "is [s, e) inside some allow span?" in O(1) after O(n) setup:
/// `reach[p]` is the furthest end of an allow span starting at or before p.
struct AllowCover {
    reach: Vec<usize>,
}

impl AllowCover {
    fn new(spans: &[(usize, usize)], len: usize) -> Self {
        let mut reach = vec![0usize; len + 1];
        for &(s, e) in spans {
            if s <= len {
                reach[s] = reach[s].max(e);
            }
        }
        for p in 1..reach.len() {
            reach[p] = reach[p].max(reach[p - 1]);
        }
        AllowCover { reach }
    }

    fn covers(&self, s: usize, e: usize) -> bool {
        self.reach.get(s).is_some_and(|r| *r >= e)
    }
}

/// Drops every candidate lying strictly inside another candidate's span
/// (same-span candidates of different entries all stay).
fn longest_only(mut cands: Vec<Cand>) -> Vec<Cand> {
    // Sort by start ascending, end descending: any candidate that can cover
    // the current one has been seen before it.
    cands.sort_by(|a, b| (a.start, b.end, a.entry).cmp(&(b.start, a.end, b.entry)));
    let mut out = Vec::with_capacity(cands.len());
    // Furthest end among seen spans, and the span that reached it.
    let mut best: Option<(usize, usize)> = None;
    for c in cands {
        let strictly_covered = match best {
            Some((bs, be)) => be >= c.end && (bs, be) != (c.start, c.end),
            None => false,
        };
        // A different span with the same furthest end may also cover c; the
        // sort order guarantees `best` is the earliest-starting span with
        // the furthest end, so checking it suffices.
        if !strictly_covered {
            out.push(c);
        }
        match best {
            Some((_, be)) if be >= c.end => {}
            _ => best = Some((c.start, c.end)),
        }
    }
    out
}

/// Overlap resolution across pattern kinds: a candidate inside another
/// candidate of at least the same severity goes, unless both are literals
/// (already resolved by [`longest_only`]).
fn resolve_mixed(cands: Vec<Cand>, severity: impl Fn(&Cand) -> Severity) -> Vec<Cand> {
    if cands.iter().all(|c| c.kind == MatchKind::Literal) {
        return cands;
    }
    let dominates = |gi: usize, g: &Cand, ci: usize, c: &Cand| -> bool {
        if gi == ci || !(g.start <= c.start && c.end <= g.end) {
            return false;
        }
        let (sg, sc) = (severity(g), severity(c));
        if g.start == c.start && g.end == c.end {
            // Same place: keep the more severe; on a tie within one entry
            // keep the earlier candidate (literals come first).
            sg > sc || (sg == sc && g.entry == c.entry && gi < ci)
        } else {
            sg >= sc
        }
    };
    let non_literal: Vec<usize> = (0..cands.len())
        .filter(|&i| cands[i].kind != MatchKind::Literal)
        .collect();
    let keep: Vec<bool> = cands
        .iter()
        .enumerate()
        .map(|(ci, c)| {
            let by_other = non_literal
                .iter()
                .any(|&gi| dominates(gi, &cands[gi], ci, c));
            let by_literal = c.kind != MatchKind::Literal
                && cands
                    .iter()
                    .enumerate()
                    .any(|(gi, g)| g.kind == MatchKind::Literal && dominates(gi, g, ci, c));
            !(by_other || by_literal)
        })
        .collect();
    cands
        .into_iter()
        .zip(keep)
        .filter_map(|(c, k)| k.then_some(c))
        .collect()
}

/// Pairs left and right occurrences that are at most `within` chars apart
/// (gap between them) inside one line or sentence. Reports, for each left
/// occurrence, the nearest qualifying right occurrence.
fn proximity_matches(
    n: &Normalized,
    p: &CompiledProximity,
    left: &[(usize, usize)],
    right: &[(usize, usize)],
) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    if left.is_empty() || right.is_empty() {
        return out;
    }
    let mut right: Vec<(usize, usize)> = right.to_vec();
    right.sort_unstable();
    let max_len = right.iter().map(|r| r.1 - r.0).max().unwrap_or(0);
    let level = if p.same_clause {
        Break::Clause
    } else {
        Break::Line
    };
    let same_unit = |s: usize, e: usize| n.unit_end(s + 1, level) >= e;
    for &(ls, le) in left {
        let mut chosen: Option<(usize, (usize, usize))> = None;
        // Right term after the left term.
        let from = right.partition_point(|r| r.0 < le);
        for &(rs, re) in &right[from..] {
            let gap = rs - le;
            if gap > p.within {
                break;
            }
            if same_unit(ls, re) && chosen.is_none_or(|c| gap < c.0) {
                chosen = Some((gap, (ls, re)));
            }
        }
        if !p.ordered {
            // Right term before the left term.
            let lower = ls.saturating_sub(p.within + max_len);
            let upto = right.partition_point(|r| r.0 < ls);
            for &(rs, re) in right[..upto].iter().rev() {
                if rs < lower {
                    break;
                }
                if re > ls {
                    continue;
                }
                let gap = ls - re;
                if gap <= p.within && same_unit(rs, le) && chosen.is_none_or(|c| gap < c.0) {
                    chosen = Some((gap, (rs, le)));
                }
            }
        }
        if let Some((_, span)) = chosen {
            out.push(span);
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// A matcher that can be replaced while scans are running: readers take an
/// `Arc` snapshot and finish on it; a knowledge-base change compiles a new
/// matcher outside the lock and swaps the pointer.
#[derive(Debug)]
pub struct SharedMatcher {
    current: RwLock<Arc<Matcher>>,
}

impl SharedMatcher {
    /// Wraps a compiled matcher.
    pub fn new(matcher: Matcher) -> Self {
        SharedMatcher {
            current: RwLock::new(Arc::new(matcher)),
        }
    }

    /// Compiles `kb` and wraps it.
    pub fn from_kb(kb: &KnowledgeBase) -> Result<Self, CompileError> {
        Ok(Self::new(Matcher::compile(kb)?))
    }

    /// The current matcher. Holding the `Arc` keeps it alive across swaps.
    pub fn load(&self) -> Arc<Matcher> {
        match self.current.read() {
            Ok(g) => Arc::clone(&g),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// Installs a new matcher and returns the previous one.
    pub fn swap(&self, matcher: Matcher) -> Arc<Matcher> {
        let new = Arc::new(matcher);
        let mut guard = match self.current.write() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        std::mem::replace(&mut *guard, new)
    }

    /// Compiles `kb` and installs it; on error the current matcher stays.
    pub fn rebuild(&self, kb: &KnowledgeBase) -> Result<Arc<Matcher>, CompileError> {
        let m = Matcher::compile(kb)?;
        Ok(self.swap(m))
    }

    /// Scans with the current matcher.
    pub fn scan(&self, text: &str, opts: &ScanOptions) -> ScanReport {
        self.load().scan(text, opts)
    }
}
