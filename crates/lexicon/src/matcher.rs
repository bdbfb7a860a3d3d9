//! The compiled matcher and scan reports.
//!
//! Every literal of the knowledge base — deny terms, allow phrases,
//! proximity components, disclosure triggers and satisfying phrases — goes
//! into one Aho-Corasick automaton over the knowledge base's characters
//! (see [`crate::automaton`]), with a side table saying what each literal
//! is for. The automaton is walked while the text is normalised and
//! collects every occurrence, overlapping ones included; regexes and
//! proximity rules are a small second pass. Resolution is then plain
//! interval logic:
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

use regex::Regex;
use regex_syntax::hir::literal::{ExtractKind, Extractor};
use regex_syntax::hir::{Hir, HirKind};
use serde::{Deserialize, Serialize};

use crate::automaton::{DenseAutomaton, Walk};
use crate::error::CompileError;
use crate::kb::{KbStats, KnowledgeBase};
use crate::model::{
    Category, DisclosureRule, Entry, KbVersion, LegalBasis, MaterialKind, Severity,
};
use crate::normalize::{Break, KeptSink, Normalized, normalize_literal, normalize_with};

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
    #[serde(with = "shared_str")]
    pub entry_id: Arc<str>,
    /// Entry title.
    #[serde(with = "shared_str")]
    pub title: Arc<str>,
    /// Category.
    pub category: Category,
    /// Severity.
    pub severity: Severity,
    /// Legal basis.
    #[serde(with = "shared_slice")]
    pub basis: Arc<[LegalBasis]>,
    /// Suggested rewording.
    #[serde(with = "shared_str")]
    pub suggestion: Arc<str>,
    /// A short excerpt of the original text around the match.
    pub context: String,
    /// Which kind of pattern matched.
    pub match_kind: MatchKind,
    /// The pattern as written in the knowledge base.
    #[serde(with = "shared_str")]
    pub pattern: Arc<str>,
}

/// Serialises an `Arc<str>` as a plain string, so that sharing text with
/// the knowledge base does not change the JSON of a report.
mod shared_str {
    use std::sync::Arc;

    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(value: &Arc<str>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(value)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Arc<str>, D::Error> {
        String::deserialize(d).map(Arc::from)
    }
}

/// Serialises an `Arc<[T]>` as a plain sequence (see [`shared_str`]).
mod shared_slice {
    use std::sync::Arc;

    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub(super) fn serialize<T: Serialize, S: Serializer>(
        value: &Arc<[T]>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        value.as_ref().serialize(s)
    }

    pub(super) fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Arc<[T]>, D::Error> {
        Vec::<T>::deserialize(d).map(Arc::from)
    }
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
    #[serde(with = "shared_str")]
    pub rule_id: Arc<str>,
    /// Rule title.
    #[serde(with = "shared_str")]
    pub title: Arc<str>,
    /// Severity.
    pub severity: Severity,
    /// Legal basis.
    #[serde(with = "shared_slice")]
    pub basis: Arc<[LegalBasis]>,
    /// The wording to add.
    #[serde(with = "shared_str")]
    pub suggestion: Arc<str>,
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

/// What one automaton pattern stands for.
#[derive(Debug, Default)]
struct Slot {
    /// Length of the pattern in chars.
    chars: usize,
    /// Knowledge-base uses of the literal.
    targets: Vec<Target>,
    /// Anchor groups the literal belongs to: some regex cannot match
    /// unless one literal of each of its groups occurs in the text.
    anchors: Vec<u32>,
}

/// Every [`Slot`] laid out flat: a fixed-size head per pattern and the
/// targets and anchor groups of all patterns in two shared arrays.
///
/// The scan reads the slot of every pattern the automaton reports (2.8
/// million on the benchmark text); with a `Vec` per list each of them
/// cost two more dependent loads into scattered allocations.
#[derive(Debug, Default)]
struct FlatSlots {
    heads: Vec<SlotHead>,
    targets: Vec<Target>,
    anchors: Vec<u32>,
}

#[derive(Debug, Clone, Copy)]
struct SlotHead {
    /// Length of the pattern in chars.
    chars: u32,
    /// The pattern's range in [`FlatSlots::targets`].
    targets: (u32, u32),
    /// The pattern's range in [`FlatSlots::anchors`].
    anchors: (u32, u32),
}

impl FlatSlots {
    fn new(slots: &[Slot]) -> FlatSlots {
        let mut flat = FlatSlots::default();
        for slot in slots {
            let t = flat.targets.len() as u32;
            flat.targets.extend_from_slice(&slot.targets);
            let a = flat.anchors.len() as u32;
            flat.anchors.extend_from_slice(&slot.anchors);
            flat.heads.push(SlotHead {
                chars: slot.chars as u32,
                targets: (t, flat.targets.len() as u32),
                anchors: (a, flat.anchors.len() as u32),
            });
        }
        flat
    }

    /// Length in chars, targets and anchor groups of `pattern`.
    #[inline]
    fn get(&self, pattern: u32) -> (usize, &[Target], &[u32]) {
        let h = self.heads[pattern as usize];
        (
            h.chars as usize,
            &self.targets[h.targets.0 as usize..h.targets.1 as usize],
            &self.anchors[h.anchors.0 as usize..h.anchors.1 as usize],
        )
    }
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

/// The parts of an entry or rule that every finding of it repeats, shared
/// rather than copied into each finding (a scan that reports tens of
/// thousands of findings would otherwise spend much of its time copying
/// titles and legal bases).
#[derive(Debug)]
struct SharedText {
    id: Arc<str>,
    title: Arc<str>,
    basis: Arc<[LegalBasis]>,
    suggestion: Arc<str>,
}

impl SharedText {
    fn new(id: &str, title: &str, basis: &[LegalBasis], suggestion: &str) -> Self {
        SharedText {
            id: id.into(),
            title: title.into(),
            basis: basis.into(),
            suggestion: suggestion.into(),
        }
    }
}

#[derive(Debug)]
struct CompiledEntry {
    entry: Entry,
    shared: SharedText,
    /// The entry's terms as written, for [`Finding::pattern`].
    terms: Vec<Arc<str>>,
    mask: u8,
    negation_window: usize,
    negations: Vec<String>,
    /// First characters of `negations`, sorted: a window holding none of
    /// them holds no cue, which settles most candidates with one pass over
    /// the window instead of a substring search per cue.
    negation_starts: Vec<char>,
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
    description: Arc<str>,
}

#[derive(Debug)]
struct CompiledRegex {
    owner: u32,
    re: GatedRegex,
    /// The pattern as written, for [`Finding::pattern`].
    source: Arc<str>,
}

/// A regex and the anchor groups that must all occur in a text before the
/// regex can match it.
///
/// Running every regex over every text costs more than the whole literal
/// pass, yet most texts contain none of the words a regex is built around
/// (年化, 预期, 万分之 …). The automaton already reports every literal
/// occurrence, so the literals each regex requires are added to it; a
/// regex runs only when each of its groups was seen. The groups are derived
/// from the regex itself (see [`anchor_groups`]), so a regex can never miss
/// a match because of its gate.
///
/// Groups of single characters (的, 日, 元 …) are left out of the
/// automaton, where their many occurrences would cost more than they save;
/// they are checked afterwards, only for regexes whose automaton gate is
/// open, with a substring search of the normalised text, which is several
/// times cheaper than running the regex over it.
#[derive(Debug)]
struct GatedRegex {
    re: Regex,
    gate: Vec<u32>,
    /// Further anchor groups, checked by substring search.
    searched: Vec<Vec<String>>,
}

impl GatedRegex {
    /// Whether every anchor group of this regex occurs: the automaton's
    /// groups were seen and the searched groups occur in `text`.
    fn may_match(&self, seen: &[bool], text: &str) -> bool {
        self.gate.iter().all(|g| seen[*g as usize])
            && self
                .searched
                .iter()
                .all(|group| group.iter().any(|lit| text.contains(lit.as_str())))
    }
}

#[derive(Debug)]
struct CompiledDisclosure {
    rule: DisclosureRule,
    shared: SharedText,
    mask: u8,
    trigger_regexes: Vec<GatedRegex>,
    group_regexes: Vec<Vec<GatedRegex>>,
}

/// A knowledge base compiled for scanning. Immutable and `Send + Sync`:
/// share it behind an `Arc` (see [`SharedMatcher`]).
pub struct Matcher {
    automaton: DenseAutomaton,
    slots: FlatSlots,
    entries: Vec<CompiledEntry>,
    regexes: Vec<CompiledRegex>,
    allow_regexes: Vec<GatedRegex>,
    proximity: Vec<CompiledProximity>,
    anchor_groups: usize,
    disclosures: Vec<CompiledDisclosure>,
    /// Whether a text in which the automaton finds no literal at all gets
    /// an empty report: true when every regex that could add a finding, an
    /// allow span or a disclosure trigger is gated by automaton literals.
    /// Such texts then skip every rule.
    silent_without_hits: bool,
    version: Option<KbVersion>,
    stats: KbStats,
    literal_count: usize,
}

#[derive(Default)]
struct TableBuilder {
    index: std::collections::HashMap<String, u32>,
    patterns: Vec<String>,
    slots: Vec<Slot>,
    /// Anchor groups by their sorted literals, so that regexes sharing a
    /// group share its id.
    groups: std::collections::HashMap<Vec<String>, u32>,
    /// Per pattern: whether it is a knowledge-base literal (what
    /// [`Matcher::literal_count`] counts) rather than only an anchor.
    from_kb: Vec<bool>,
}

impl TableBuilder {
    fn add(&mut self, literal: &str, target: Target) {
        let n = normalize_literal(literal);
        if n.is_empty() {
            return;
        }
        let id = self.add_pattern(n, target);
        self.from_kb[id as usize] = true;
    }

    /// Compiles a regex with its anchor gate.
    fn regex(&mut self, id: &str, src: &str) -> Result<GatedRegex, CompileError> {
        let re = compile_regex(id, src)?;
        let mut gate = Vec::new();
        let (automaton_groups, searched) = anchor_groups(src);
        for mut group in automaton_groups {
            group.sort();
            group.dedup();
            let gid = match self.groups.get(&group) {
                Some(g) => *g,
                None => {
                    let g = self.groups.len() as u32;
                    for lit in &group {
                        let id = self.pattern_id(lit.clone());
                        self.slots[id as usize].anchors.push(g);
                    }
                    self.groups.insert(group, g);
                    g
                }
            };
            if !gate.contains(&gid) {
                gate.push(gid);
            }
        }
        Ok(GatedRegex { re, gate, searched })
    }

    /// Adds a pattern exactly as given (already normalised).
    fn add_pattern(&mut self, n: String, target: Target) -> u32 {
        let id = self.pattern_id(n);
        let slot = &mut self.slots[id as usize].targets;
        let duplicate = slot.iter().any(|t| match (t, &target) {
            (Target::Deny { entry: a, .. }, Target::Deny { entry: b, .. }) => a == b,
            (a, b) => a == b,
        });
        if !duplicate {
            slot.push(target);
        }
        id
    }

    /// The id of a pattern, added if new. Anchors are added as they are:
    /// they are matched against normalised text, as their regex is.
    fn pattern_id(&mut self, n: String) -> u32 {
        match self.index.get(&n) {
            Some(id) => *id,
            None => {
                let id = self.patterns.len() as u32;
                self.index.insert(n.clone(), id);
                self.slots.push(Slot {
                    chars: n.chars().count(),
                    ..Slot::default()
                });
                self.patterns.push(n);
                self.from_kb.push(false);
                id
            }
        }
    }
}

/// The anchor groups of a regex: sets of literals such that every match
/// of the regex contains at least one literal of each set.
///
/// The top-level sequence of the pattern is split into its parts (through
/// capture groups and repetitions that must occur at least once); for each
/// part whose matches all begin with one of a finite set of non-empty
/// literals, that set is a group. `(年化|收益率?)\d+%` gives {年化, 收益}
/// and {%}. A pattern without such parts gets no groups and always runs.
///
/// Returns the groups for the automaton and the groups to search for in
/// the text (see [`GatedRegex`]).
fn anchor_groups(src: &str) -> (Vec<Vec<String>>, Vec<Vec<String>>) {
    /// Larger groups (a digit class gives hundreds) are not worth searching.
    const MAX_SEARCHED: usize = 8;
    let mut groups = Vec::new();
    if let Ok(hir) = regex_syntax::parse(src) {
        collect_groups(&hir, &mut groups);
    }
    // Every occurrence of an anchor costs a little in the literal pass,
    // while a regex with a literal prefilter of its own is cheap to run.
    // A group of single characters (的, 年, a digit) occurs in nearly every
    // text and filters little: when a regex has groups of longer literals,
    // those are gate enough; otherwise the smallest group alone is.
    let short = |g: &Vec<String>| g.iter().any(|l| l.chars().count() < 2);
    let (automaton, rest): (Vec<_>, Vec<_>) = if groups.iter().any(|g| !short(g)) {
        groups.into_iter().partition(|g| !short(g))
    } else if let Some(i) = (0..groups.len()).min_by_key(|i| groups[*i].len()) {
        let smallest = groups.swap_remove(i);
        (vec![smallest], groups)
    } else {
        (Vec::new(), Vec::new())
    };
    let mut searched: Vec<Vec<String>> = rest
        .into_iter()
        .filter(|g| g.len() <= MAX_SEARCHED)
        .collect();
    // The rarest-looking groups first: fewer, longer literals.
    searched.sort_by_key(|g| (g.len(), std::cmp::Reverse(g.iter().map(String::len).min())));
    searched.dedup();
    (automaton, searched)
}

fn collect_groups(hir: &Hir, out: &mut Vec<Vec<String>>) {
    match hir.kind() {
        HirKind::Capture(c) => collect_groups(&c.sub, out),
        HirKind::Concat(parts) => {
            for p in parts {
                collect_groups(p, out);
            }
        }
        HirKind::Repetition(r) if r.min >= 1 => collect_groups(&r.sub, out),
        _ => {
            let seq = Extractor::new().kind(ExtractKind::Prefix).extract(hir);
            let Some(lits) = seq.literals() else { return };
            let mut group = Vec::with_capacity(lits.len());
            for lit in lits {
                // An inexact prefix may be cut inside a character; a
                // shorter prefix is still required.
                let bytes = lit.as_bytes();
                let valid = match std::str::from_utf8(bytes) {
                    Ok(s) => s,
                    Err(e) => std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or(""),
                };
                if valid.is_empty() {
                    return;
                }
                group.push(valid.to_string());
            }
            if !group.is_empty() {
                out.push(group);
            }
        }
    }
}

/// The distinct first characters of `words`, sorted for binary search.
fn first_chars(words: &[String]) -> Vec<char> {
    let mut starts: Vec<char> = words.iter().filter_map(|w| w.chars().next()).collect();
    starts.sort_unstable();
    starts.dedup();
    starts
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
                    re: tb.regex(&e.id, r)?,
                    source: r.as_str().into(),
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
                    )
                    .into(),
                });
            }
            let c = &e.context;
            let mut negations: Vec<String> =
                NEGATION_CUES.iter().map(|s| normalize_literal(s)).collect();
            negations.extend(normalized_list(&c.negations));
            entries.push(CompiledEntry {
                entry: e.clone(),
                shared: SharedText::new(&e.id, &e.title, &e.basis, &e.suggestion),
                terms: e.terms.iter().map(|t| Arc::from(t.as_str())).collect(),
                mask: kind_mask(&e.kinds),
                negation_window: c.negation_window as usize,
                negation_starts: first_chars(&negations),
                negations,
                not_preceded_by: normalized_list(&c.not_preceded_by),
                not_followed_by: normalized_list(&c.not_followed_by),
                not_in_sentence_with: normalized_list(&c.not_in_sentence_with),
                unless_sentence_has: normalized_list(&c.unless_sentence_has),
            });
            for r in &e.allow_regexes {
                allow_regexes.push(tb.regex(&e.id, r)?);
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
                        .map(|s| tb.regex(&r.id, s))
                        .collect::<Result<Vec<_>, _>>()?,
                );
            }
            let trigger_regexes = r
                .trigger
                .regexes
                .iter()
                .map(|s| tb.regex(&r.id, s))
                .collect::<Result<Vec<_>, _>>()?;
            disclosures.push(CompiledDisclosure {
                rule: r.clone(),
                shared: SharedText::new(&r.id, &r.title, &r.basis, &r.suggestion),
                mask: kind_mask(&r.kinds),
                trigger_regexes,
                group_regexes,
            });
        }
        let literal_count = tb.from_kb.iter().filter(|k| **k).count();
        let anchor_groups = tb.groups.len();
        let automaton = DenseAutomaton::new(&tb.patterns)?;
        let silent_without_hits = regexes
            .iter()
            .map(|r| &r.re)
            .chain(&allow_regexes)
            .chain(disclosures.iter().flat_map(|d| &d.trigger_regexes))
            .all(|r| !r.gate.is_empty());
        Ok(Matcher {
            automaton,
            slots: FlatSlots::new(&tb.slots),
            entries,
            regexes,
            allow_regexes,
            proximity,
            anchor_groups,
            disclosures,
            silent_without_hits,
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

    /// Normalises `text` and counts every occurrence of every literal of
    /// the automaton in it, applying no rule: the cost of the first two
    /// stages of [`Matcher::scan`] alone, for measuring.
    pub fn count_literal_occurrences(&self, text: &str) -> usize {
        SCRATCH.with(|cell| {
            let mut fresh = Scratch::default();
            let mut borrowed = cell.try_borrow_mut();
            let s = match borrowed.as_deref_mut() {
                Ok(s) => s,
                Err(_) => &mut fresh,
            };
            let mut walk = Walk::new(&self.automaton, &mut s.hits);
            if !normalize_with(text, &mut s.norm, &mut walk) {
                walk.restart();
                for (k, c) in s.norm.as_str().chars().enumerate() {
                    walk.kept(k, c);
                }
            }
            walk.hits
                .iter()
                .map(|&(_, state)| self.automaton.outputs(state).len())
                .sum()
        })
    }

    /// Scans a text.
    pub fn scan(&self, text: &str, opts: &ScanOptions) -> ScanReport {
        SCRATCH.with(|cell| match cell.try_borrow_mut() {
            Ok(mut scratch) => {
                let report = self.scan_with(text, opts, &mut scratch);
                scratch.release_if_large();
                report
            }
            Err(_) => self.scan_with(text, opts, &mut Scratch::default()),
        })
    }

    fn scan_with(&self, text: &str, opts: &ScanOptions, s: &mut Scratch) -> ScanReport {
        let mut walk = Walk::new(&self.automaton, &mut s.hits);
        if !normalize_with(text, &mut s.norm, &mut walk) {
            // The last steps of normalisation rewrote the text: walk the
            // final one.
            walk.restart();
            for (k, c) in s.norm.as_str().chars().enumerate() {
                walk.kept(k, c);
            }
        }
        if s.hits.is_empty() && self.silent_without_hits {
            return ScanReport::default();
        }
        s.reset(self);
        let Scratch {
            norm: n,
            original: chars,
            literal,
            allows,
            prox_left,
            prox_right,
            triggers,
            exempts,
            satisfied,
            seen,
            other,
            hits,
        } = s;
        let hits: &[(usize, u32)] = hits;
        let n: &Normalized = n;
        let entry_applies = |ei: u32| match opts.kind {
            None => true,
            Some(k) => self.entries[ei as usize].mask & kind_bit(k) != 0,
        };

        for &(end, state) in hits {
            for &pattern in self.automaton.outputs(state) {
                let (chars, targets, anchors) = self.slots.get(pattern);
                // Anchors count wherever they occur: the regexes they
                // gate run over the whole normalised text.
                for g in anchors {
                    seen[*g as usize] = true;
                }
                if targets.is_empty() {
                    continue;
                }
                let e = end;
                let s = e.saturating_sub(chars);
                if e <= s || n.crosses_sentence(s, e) {
                    continue;
                }
                for t in targets {
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
            if !re.may_match(seen, n.as_str()) {
                continue;
            }
            for m in re.re.find_iter(n.as_str()) {
                let s = n.char_at_byte(m.start());
                let e = n.char_at_byte(m.end());
                if e > s {
                    allows.push((s, e));
                }
            }
        }
        let covered = AllowCover::new(allows, n.len());

        // Regex and proximity candidates. A proximity component inside an
        // allow phrase does not count (送 in 发送 is not a gift).
        for list in prox_left.iter_mut().chain(prox_right.iter_mut()) {
            list.retain(|&(s, e)| !covered.covers(s, e));
        }
        for (ri, r) in self.regexes.iter().enumerate() {
            if !entry_applies(r.owner) || !r.re.may_match(seen, n.as_str()) {
                continue;
            }
            for m in r.re.re.find_iter(n.as_str()) {
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
            for c in proximity_matches(n, p, &prox_left[pi], &prox_right[pi]) {
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
        let mut all = longest_only(std::mem::take(literal));
        // 3. Cross-type overlap.
        all.append(other);
        let mut all = resolve_mixed(all, |c| self.entries[c.entry as usize].entry.severity);
        // 4. Context rules.
        all.retain(|c| !self.context_suppresses(n, c));

        // Disclosures: the first place that made each missing one apply.
        let mut missing_at: Vec<(usize, usize, usize)> = Vec::new();
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
                if !re.may_match(seen, n.as_str()) {
                    continue;
                }
                if let Some(m) = re.re.find(n.as_str()) {
                    let s = n.char_at_byte(m.start());
                    let e = n.char_at_byte(m.end());
                    if e > s && !exempt.covers(s, e) && first.is_none_or(|f| (s, e) < f) {
                        first = Some((s, e));
                    }
                }
            }
            let Some((ts, te)) = first else { continue };
            let ok = satisfied[di].iter().enumerate().all(|(gi, hit)| {
                *hit || d.group_regexes[gi]
                    .iter()
                    .any(|re| re.may_match(seen, n.as_str()) && re.re.is_match(n.as_str()))
            });
            if !ok {
                missing_at.push((di, ts, te));
            }
        }

        if all.is_empty() && missing_at.is_empty() {
            return ScanReport::default();
        }
        // Byte offsets of the original-text positions the report quotes.
        let len = n.original_len();
        for c in &all {
            let (os, oe) = n.original_span(c.start, c.end);
            let (os, oe) = (os.min(len), oe.min(len));
            chars.extend([
                os.saturating_sub(EXCERPT_SIDE),
                os,
                oe,
                (oe + EXCERPT_SIDE).min(len),
            ]);
        }
        for &(_, ts, te) in &missing_at {
            let (os, oe) = n.original_span(ts, te);
            chars.extend([os.min(len), oe.min(len)]);
        }
        let original = OriginalText::new(text, len, chars);
        let mut findings: Vec<Finding> =
            all.iter().map(|c| self.finding(n, &original, c)).collect();
        findings.sort_by(|a, b| (a.start, a.end, &a.entry_id).cmp(&(b.start, b.end, &b.entry_id)));
        findings.dedup_by(|a, b| a.start == b.start && a.end == b.end && a.entry_id == b.entry_id);
        let missing = missing_at
            .into_iter()
            .map(|(di, ts, te)| {
                let d = &self.disclosures[di];
                let (os, oe) = n.original_span(ts, te);
                MissingDisclosure {
                    rule_id: Arc::clone(&d.shared.id),
                    title: Arc::clone(&d.shared.title),
                    severity: d.rule.severity,
                    basis: Arc::clone(&d.shared.basis),
                    suggestion: Arc::clone(&d.shared.suggestion),
                    trigger: TriggerSite {
                        start: os,
                        end: oe,
                        text: original.slice(os.min(len), oe.min(len)).to_string(),
                    },
                }
            })
            .collect();

        ScanReport {
            findings,
            missing_disclosures: missing,
        }
    }

    fn context_suppresses(&self, n: &Normalized, c: &Cand) -> bool {
        let ce = &self.entries[c.entry as usize];
        if ce.negation_window > 0 {
            let clause_start = n.unit_start(c.start, Break::Clause);
            let from = c.start.saturating_sub(ce.negation_window).max(clause_start);
            // Replacing false friends only takes text away (the marker is
            // in no cue), so a window without any cue needs no more work.
            let before = n.slice(from, c.start);
            if before
                .chars()
                .any(|ch| ce.negation_starts.binary_search(&ch).is_ok())
                && ce.negations.iter().any(|cue| before.contains(cue.as_str()))
            {
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
            let after = n.slice(c.end, n.len());
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

    fn finding(&self, n: &Normalized, original: &OriginalText, c: &Cand) -> Finding {
        let ce = &self.entries[c.entry as usize];
        let e = &ce.entry;
        let (os, oe) = n.original_span(c.start, c.end);
        let os = os.min(original.chars);
        let oe = oe.min(original.chars);
        let pattern = match c.kind {
            MatchKind::Literal => ce
                .terms
                .get(c.pattern as usize)
                .cloned()
                .unwrap_or_else(|| Arc::from("")),
            MatchKind::Regex => Arc::clone(&self.regexes[c.pattern as usize].source),
            MatchKind::Proximity => Arc::clone(&self.proximity[c.pattern as usize].description),
        };
        Finding {
            start: os,
            end: oe,
            text: original.slice(os, oe).to_string(),
            entry_id: Arc::clone(&ce.shared.id),
            title: Arc::clone(&ce.shared.title),
            category: e.category,
            severity: e.severity,
            basis: Arc::clone(&ce.shared.basis),
            suggestion: Arc::clone(&ce.shared.suggestion),
            context: original.excerpt(os, oe),
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

/// Chars of original text shown on either side of a match.
const EXCERPT_SIDE: usize = 16;

/// The original text with the byte offsets of the char positions a report
/// quotes (match texts, trigger texts, excerpt bounds), found in one
/// forward pass that stops after the last of them: decoding every line
/// with a finding into a vector of chars cost more than the rest of
/// building its report.
struct OriginalText<'a> {
    text: &'a str,
    /// Number of chars in `text`.
    chars: usize,
    /// `(char position, byte offset)`, sorted by position.
    offsets: Vec<(usize, usize)>,
}

impl<'a> OriginalText<'a> {
    /// `wanted`: the char positions (at most `chars`) that will be asked
    /// for; sorted and emptied here.
    fn new(text: &'a str, chars: usize, wanted: &mut Vec<usize>) -> Self {
        wanted.sort_unstable();
        wanted.dedup();
        let mut offsets = Vec::with_capacity(wanted.len());
        let mut next = wanted.iter().copied().peekable();
        for (i, (byte, _)) in text.char_indices().enumerate() {
            match next.peek() {
                None => break,
                Some(&w) if w == i => {
                    offsets.push((i, byte));
                    next.next();
                }
                Some(_) => {}
            }
        }
        // Positions at the end of the text.
        offsets.extend(next.map(|w| (w, text.len())));
        wanted.clear();
        OriginalText {
            text,
            chars,
            offsets,
        }
    }

    fn byte(&self, pos: usize) -> usize {
        match self.offsets.binary_search_by_key(&pos, |(p, _)| *p) {
            Ok(i) => self.offsets[i].1,
            // Not asked for: count from the start (never happens for the
            // positions `new` was given).
            Err(_) => self
                .text
                .char_indices()
                .nth(pos)
                .map_or(self.text.len(), |(b, _)| b),
        }
    }

    /// The original text of char span `[start, end)`.
    fn slice(&self, start: usize, end: usize) -> &'a str {
        &self.text[self.byte(start)..self.byte(end)]
    }

    /// Excerpt of at most [`EXCERPT_SIDE`] chars either side, on one line.
    fn excerpt(&self, start: usize, end: usize) -> String {
        let from = start.saturating_sub(EXCERPT_SIDE);
        let to = (end + EXCERPT_SIDE).min(self.chars);
        let mut s = String::new();
        if from > 0 {
            s.push('…');
        }
        for c in self.slice(from, to).chars() {
            s.push(if c.is_control() { ' ' } else { c });
        }
        if to < self.chars {
            s.push('…');
        }
        s
    }
}

/// Answers "is [s, e) inside some allow span?". A handful of spans (the
/// usual case) are checked one by one; many are answered in O(1) after
/// O(n) setup: `reach[p]` is the furthest end of a span starting at or
/// before p.
enum AllowCover<'a> {
    Few {
        spans: &'a [(usize, usize)],
        len: usize,
    },
    Many {
        reach: Vec<usize>,
    },
}

impl<'a> AllowCover<'a> {
    const FEW: usize = 16;

    fn new(spans: &'a [(usize, usize)], len: usize) -> Self {
        if spans.len() <= Self::FEW {
            return AllowCover::Few { spans, len };
        }
        let mut reach = vec![0usize; len + 1];
        for &(s, e) in spans {
            if s <= len {
                reach[s] = reach[s].max(e);
            }
        }
        for p in 1..reach.len() {
            reach[p] = reach[p].max(reach[p - 1]);
        }
        AllowCover::Many { reach }
    }

    fn covers(&self, s: usize, e: usize) -> bool {
        match self {
            AllowCover::Few { spans, len } => {
                s <= *len && (e == 0 || spans.iter().any(|&(a, b)| a <= s && a <= *len && b >= e))
            }
            AllowCover::Many { reach } => reach.get(s).is_some_and(|r| *r >= e),
        }
    }
}

/// Per-thread working memory of [`Matcher::scan`], so that scanning many
/// short texts does not allocate the same buffers again for each one.
#[derive(Default)]
struct Scratch {
    norm: Normalized,
    /// Original-text char positions quoted by the report.
    original: Vec<usize>,
    literal: Vec<Cand>,
    allows: Vec<(usize, usize)>,
    prox_left: Vec<Vec<(usize, usize)>>,
    prox_right: Vec<Vec<(usize, usize)>>,
    triggers: Vec<Vec<(usize, usize)>>,
    exempts: Vec<Vec<(usize, usize)>>,
    satisfied: Vec<Vec<bool>>,
    /// Anchor groups seen in the current text.
    seen: Vec<bool>,
    other: Vec<Cand>,
    /// Where automaton states with patterns were reached.
    hits: Vec<(usize, u32)>,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::default();
}

fn reset_lists<T>(lists: &mut Vec<Vec<T>>, len: usize) {
    lists.truncate(len);
    for l in lists.iter_mut() {
        l.clear();
    }
    lists.resize_with(len, Vec::new);
}

impl Scratch {
    /// Texts above this many chars do not leave their buffers behind.
    const KEEP_CHARS: usize = 1 << 20;

    fn reset(&mut self, m: &Matcher) {
        self.original.clear();
        self.literal.clear();
        self.allows.clear();
        self.other.clear();
        reset_lists(&mut self.prox_left, m.proximity.len());
        reset_lists(&mut self.prox_right, m.proximity.len());
        reset_lists(&mut self.triggers, m.disclosures.len());
        reset_lists(&mut self.exempts, m.disclosures.len());
        reset_lists(&mut self.satisfied, m.disclosures.len());
        for (flags, d) in self.satisfied.iter_mut().zip(&m.disclosures) {
            flags.resize(d.rule.satisfied_by.len(), false);
        }
        self.seen.clear();
        self.seen.resize(m.anchor_groups, false);
    }

    /// Drops the buffers after a very large text, so that one big document
    /// does not pin its working memory to the thread.
    fn release_if_large(&mut self) {
        if self.norm.capacity() > Self::KEEP_CHARS || self.original.capacity() > Self::KEEP_CHARS {
            *self = Scratch::default();
        }
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

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn seed_matcher() -> &'static Matcher {
        static M: std::sync::OnceLock<Matcher> = std::sync::OnceLock::new();
        M.get_or_init(|| {
            let kb = KnowledgeBase::seed().expect("seed KB loads");
            Matcher::compile(&kb).expect("seed KB compiles")
        })
    }

    /// The seed matcher with every regex gate removed (automaton groups and
    /// searched groups) and no shortcut for texts without literals: each
    /// rule runs on every text, as it did before gating.
    fn ungated_matcher() -> &'static Matcher {
        static M: std::sync::OnceLock<Matcher> = std::sync::OnceLock::new();
        M.get_or_init(|| {
            let kb = KnowledgeBase::seed().expect("seed KB loads");
            let mut m = Matcher::compile(&kb).expect("seed KB compiles");
            // Without gates a text without literals may still match.
            m.silent_without_hits = false;
            for r in &mut m.regexes {
                r.re.gate.clear();
                r.re.searched.clear();
            }
            for r in &mut m.allow_regexes {
                r.gate.clear();
                r.searched.clear();
            }
            for d in &mut m.disclosures {
                for r in d
                    .trigger_regexes
                    .iter_mut()
                    .chain(d.group_regexes.iter_mut().flatten())
                {
                    r.gate.clear();
                    r.searched.clear();
                }
            }
            m
        })
    }

    fn all_regex_sources(kb: &KnowledgeBase) -> Vec<String> {
        let mut out = Vec::new();
        for e in &kb.entries {
            out.extend(e.regexes.iter().cloned());
            out.extend(e.allow_regexes.iter().cloned());
        }
        for d in &kb.disclosures {
            out.extend(d.trigger.regexes.iter().cloned());
            for g in &d.satisfied_by {
                out.extend(g.regexes.iter().cloned());
            }
        }
        out
    }

    #[test]
    fn anchor_groups_of_typical_patterns() {
        // Longer literals gate in the automaton; single characters are
        // searched for afterwards.
        assert_eq!(
            anchor_groups(r"年化(收益率?|回报率?)(为|是)?\d+(\.\d+)?%"),
            (
                vec![
                    vec!["年化".to_string()],
                    vec![
                        "收益率".into(),
                        "收益".into(),
                        "回报率".into(),
                        "回报".into()
                    ]
                ],
                vec![vec!["%".to_string()]]
            )
        );
        // Only short groups: the smallest one in the automaton, the rest
        // searched.
        assert_eq!(
            anchor_groups(r"(一|二|三)级(风险)?"),
            (
                vec![vec!["级".to_string()]],
                vec![vec!["一".to_string(), "三".into(), "二".into()]]
            )
        );
        // Nothing required: no gate.
        let none = (Vec::new(), Vec::new());
        assert_eq!(anchor_groups(r"\d+|[a-z]+"), none);
        assert_eq!(anchor_groups(r"(保本)?"), none);
        // An invalid pattern has no groups (compiling it reports the error).
        assert_eq!(anchor_groups(r"(unclosed"), none);
    }

    #[test]
    fn every_seed_regex_match_contains_its_anchors() {
        // For each seed regex, on texts it matches, every anchor group
        // has a literal in the match.
        let kb = KnowledgeBase::seed().expect("seed KB loads");
        let texts: Vec<String> = [
            crate::kb::SEED_ENTRIES_JSONL,
            crate::kb::SEED_DISCLOSURES_JSONL,
        ]
        .iter()
        .flat_map(|s| s.lines())
        .map(crate::normalize::normalize_literal)
        .collect();
        let mut matched = 0;
        for src in all_regex_sources(&kb) {
            let re = Regex::new(&src).expect("seed regexes compile");
            for t in &texts {
                for m in re.find_iter(t) {
                    matched += 1;
                    let (automaton, searched) = anchor_groups(&src);
                    for g in automaton.iter().chain(&searched) {
                        assert!(
                            g.iter().any(|l| m.as_str().contains(l.as_str())),
                            "{src} matched {:?} without any of {g:?}",
                            m.as_str()
                        );
                    }
                }
            }
        }
        assert!(
            matched > 20,
            "the seed texts exercise the regexes ({matched})"
        );
    }

    /// Pieces of wording the seed regexes are about, with glue around
    /// them, so that random texts hit and miss the gates.
    const PIECES: &[&str] = &[
        "年化收益率高达",
        "预期",
        "收益",
        "4.5%",
        "3",
        "万",
        "元",
        "借",
        "1万元每天只要",
        "2元",
        "月息",
        "2厘",
        "厘息",
        "万分之五",
        "每期手续费率低至",
        "0.6%",
        "回复td退订",
        "退订",
        "95588",
        "4008208588",
        "r3",
        "三级风险",
        "中低风险等级",
        "理财产品不是银行存款",
        "产品有风险",
        "投资须谨慎",
        "过往业绩不代表未来表现",
        "近3个月年化",
        "成立以来收益",
        "业绩比较基准",
        "参考利率",
        "比定期存款高",
        "是活期利息的",
        "倍",
        "客户",
        "买了",
        "赚了",
        "已有",
        "人赚",
        "连续",
        "年正收益",
        "往期收益均",
        "荣获",
        "最佳",
        "奖",
        "消费贷额度",
        "可借",
        "30万",
        "借点网贷还",
        "套现",
        "先还款",
        "保本",
        "，",
        "。",
        "\n",
        " ",
        "的",
        "银行",
        "產品",
        "穩賺",
    ];

    proptest! {
        #[test]
        fn gates_never_change_a_report(
            parts in proptest::collection::vec(proptest::sample::select(PIECES), 0..24),
            kind in proptest::option::of(proptest::sample::select(MaterialKind::ALL)),
        ) {
            let text = parts.concat();
            let opts = ScanOptions { kind };
            prop_assert_eq!(seed_matcher().scan(&text, &opts), ungated_matcher().scan(&text, &opts));
        }
    }

    proptest! {
        #[test]
        fn original_text_quotes_like_a_vector_of_chars(
            text in "[a-c保本\n\t…🙂]{0,40}",
            spans in proptest::collection::vec((0usize..45, 0usize..45), 0..6),
        ) {
            let chars: Vec<char> = text.chars().collect();
            let len = chars.len();
            let spans: Vec<(usize, usize)> = spans
                .into_iter()
                .map(|(a, b)| (a.min(b).min(len), a.max(b).min(len)))
                .collect();
            let mut wanted = Vec::new();
            for &(s, e) in &spans {
                wanted.extend([s.saturating_sub(EXCERPT_SIDE), s, e, (e + EXCERPT_SIDE).min(len)]);
            }
            let original = OriginalText::new(&text, len, &mut wanted);
            for &(s, e) in &spans {
                prop_assert_eq!(original.slice(s, e), chars[s..e].iter().collect::<String>());
                let (from, to) = (s.saturating_sub(EXCERPT_SIDE), (e + EXCERPT_SIDE).min(len));
                let mut expected = String::new();
                if from > 0 {
                    expected.push('…');
                }
                expected.extend(chars[from..to].iter().map(|c| if c.is_control() { ' ' } else { *c }));
                if to < len {
                    expected.push('…');
                }
                prop_assert_eq!(original.excerpt(s, e), expected);
            }
        }
    }

    #[test]
    fn scratch_is_reset_between_matchers() {
        // Two matchers of different shapes used in turn on one thread give
        // the same reports as on a fresh thread.
        let seed = seed_matcher();
        let small = Matcher::compile(&KnowledgeBase::new(
            vec![
                seed.entries
                    .iter()
                    .find(|e| !e.entry.proximity.is_empty())
                    .expect("seed has proximity rules")
                    .entry
                    .clone(),
            ],
            vec![],
        ))
        .expect("one entry compiles");
        let texts = [
            "保证收益，稳赚不赔。年化收益率高达8%",
            "本产品不保本",
            "借1万元每天只要2元",
        ];
        let opts = ScanOptions::default();
        let fresh = |m: &Matcher, t: &str| m.scan_with(t, &opts, &mut Scratch::default());
        let expected: Vec<(ScanReport, ScanReport)> = texts
            .iter()
            .map(|t| (fresh(seed, t), fresh(&small, t)))
            .collect();
        assert!(expected.iter().any(|(a, _)| !a.findings.is_empty()));
        assert!(expected.iter().any(|(_, b)| !b.findings.is_empty()));
        for _ in 0..3 {
            for (t, (a, b)) in texts.iter().zip(&expected) {
                assert_eq!(&seed.scan(t, &opts), a);
                assert_eq!(&small.scan(t, &opts), b);
            }
        }
    }
}
