//! 消保禁语知识库 — the forbidden-words knowledge base of xiaobao.
//!
//! Pure engine, no I/O: a [`KnowledgeBase`] of entries (forbidden and risky
//! wording with legal basis and suggested rewording) and required-disclosure
//! rules, loaded from JSON Lines and validated with line-numbered
//! diagnostics; a [`Matcher`] compiled from it that scans text and returns a
//! [`ScanReport`]; a [`SharedMatcher`] for swapping in a new knowledge base
//! while scans run; and the versioning model ([`KbVersion`], [`diff`]).
//!
//! ```
//! use xiaobao_lexicon::{KnowledgeBase, Matcher, MaterialKind, ScanOptions};
//!
//! let kb = KnowledgeBase::seed().expect("seed KB is valid");
//! let matcher = Matcher::compile(&kb).expect("seed KB compiles");
//! let report = matcher.scan("本理财产品保本保息，稳赚不赔！", &ScanOptions::for_kind(MaterialKind::Marketing));
//! assert!(report.has_forbidden());
//! ```

mod automaton;
mod error;
mod kb;
mod matcher;
mod model;
pub mod normalize;

pub use error::{CompileError, KbError};
pub use kb::{
    Diagnostic, DiagnosticCode, KbDiff, KbStats, KnowledgeBase, Level, RecordChange,
    SEED_DISCLOSURES_JSONL, SEED_ENTRIES_JSONL, diff,
};
pub use matcher::{
    Finding, MatchKind, Matcher, MissingDisclosure, ScanOptions, ScanReport, SharedMatcher,
    TriggerSite,
};
pub use model::{
    Category, ContextRules, DisclosureRule, Entry, KbVersion, LegalBasis, MaterialKind, PatternSet,
    ProximityRule, Severity,
};
