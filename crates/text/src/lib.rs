//! `xiaobao-text` — the complaint-text engine of xiaobao.
//!
//! Pure functions and in-memory models over Chinese complaint texts, with no
//! I/O: every dictionary, word list and the classifier's training set are
//! embedded at compile time, so the engine behaves the same in the server, in
//! the CLI and in tests.
//!
//! | module | purpose |
//! |---|---|
//! | [`normalize`] | one canonical form (NFKC, traditional→simplified, whitespace, punctuation) with an offset map back to the input |
//! | [`segment`] | jieba segmentation with a banking dictionary; search tokens and analysis terms |
//! | [`pii`] | detection and masking of ID, mobile, card numbers, e-mail and C3 secrets |
//! | [`corpus`] | the document and scope types shared by the corpus analyses |
//! | [`hotwords`] | top terms by document frequency |
//! | [`rising`] | terms whose share rose significantly (exact test, FDR control) |
//! | [`cluster`] | same-event clusters of near-duplicate complaints (MinHash + LSH) |
//! | [`signals`] | escalation-risk language and vulnerable-customer cues |
//! | [`classify`] | JR/T 0169 category and reason, complaint vs. enquiry (naive Bayes) |
//! | [`taxonomy`] | the JR/T 0169 label names |
//! | [`stats`] | exact tests and multiple-comparison control |
//!
//! Personal information never leaves the engine unmasked: analysis terms are
//! computed with PII cut out, and [`pii::mask`] is what callers use on any text
//! they display or export.

pub mod classify;
pub mod cluster;
pub mod corpus;
pub mod error;
pub mod hotwords;
pub mod normalize;
pub mod pii;
pub mod rising;
pub mod segment;
pub mod signals;
pub mod stats;
pub mod taxonomy;

pub use classify::{Example, Model, Prediction, classify, default_model};
pub use cluster::{Cluster, ClusterOptions, ClusterReport, cluster};
pub use corpus::{Document, Scope, prepare_terms, prepare_terms_reporting};
pub use error::TextError;
pub use hotwords::{HotwordOptions, HotwordReport, hotwords};
pub use normalize::{Normalized, normalize, normalize_with_map};
pub use pii::{Detection, MaskPolicy, Masked, PiiKind, mask};
pub use rising::{
    RisingOptions, RisingReport, RisingTerm, TermWindowCounts, WindowCounts, Windows, rising,
    rising_from_counts,
};
pub use segment::{Segmenter, terms, tokens};
pub use signals::{SignalReport, SignalTag, scan};
