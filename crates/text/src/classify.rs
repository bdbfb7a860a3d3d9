//! Category, reason and complaint/non-complaint suggestions.
//!
//! Every complaint must be coded by JR/T 0169-2018 business category and
//! reason for regulatory statistics, and intake staff must decide whether a
//! contact is a complaint at all: under CBIRC 令2020年第3号 Art. 2 a complaint
//! asserts a civil-rights claim against the bank, while enquiries (咨询),
//! suggestions (建议) and praise (表扬) are not complaints. The classifier
//! suggests all three so staff confirm rather than type.
//!
//! The model is a multinomial naive Bayes over binary features — analysis
//! terms (`w:` prefix) and CJK character bigrams (`c:` prefix). Bigrams keep
//! what the term filter drops on purpose (`投诉`, `咨询`, `建议`, `感谢` are
//! stop words for hot-word analysis but decide complaint vs. enquiry) and
//! help with words the dictionary does not know. Naive Bayes is chosen because
//! it learns well from a few hundred examples per class, trains in
//! milliseconds, and its model is a table of counts that serialises to JSON
//! and can be inspected.
//!
//! Naive Bayes probabilities are over-confident (overlapping features are
//! counted as independent evidence), so each head gets a temperature fitted on
//! held-out folds during training; the reported confidence is the tempered
//! posterior.
//!
//! A starting model is trained lazily from the embedded
//! `data/classify/train.jsonl` ([`default_model`]).

use std::collections::HashMap;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use crate::TextError;
use crate::normalize::normalize;
use crate::segment::{Segmenter, analysis_text, is_cjk};

const TRAINING_DATA: &str = include_str!("../../../data/classify/train.jsonl");

/// Identifies a serialised model.
pub const MODEL_FORMAT: &str = "xiaobao-text/naive-bayes";
/// Version of the serialised model this build reads and writes.
pub const MODEL_VERSION: u32 = 1;

const HEAD_CATEGORY: &str = "business_category";
const HEAD_REASON: &str = "reason";
const HEAD_COMPLAINT: &str = "is_complaint";

/// One labelled text.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Example {
    /// Optional id, for error messages and reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The ticket text.
    pub text: String,
    /// JR/T 0169 business category.
    pub business_category: String,
    /// JR/T 0169 complaint reason.
    pub reason: String,
    /// Whether the text is a complaint (Art. 2) rather than an enquiry,
    /// suggestion or praise.
    pub is_complaint: bool,
    /// Examples sharing a group (the same case written several ways) are
    /// kept in one fold, so cross-validation measures accuracy on unseen
    /// cases rather than on rephrasings of training texts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
}

impl std::fmt::Debug for Example {
    /// Leaves the text out: it may hold personal information.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Example")
            .field("id", &self.id)
            .field("business_category", &self.business_category)
            .field("reason", &self.reason)
            .field("is_complaint", &self.is_complaint)
            .field("group", &self.group)
            .finish()
    }
}

/// The raw shape of a JSON Lines training record; `kind` (投诉/咨询/建议/表扬)
/// may stand in for `is_complaint`.
#[derive(Deserialize)]
struct RawExample {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    business_category: Option<String>,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    is_complaint: Option<bool>,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    group: Option<String>,
}

/// Parses labelled JSON Lines (`text`, `business_category`, `reason`,
/// `is_complaint`; blank lines skipped). Errors name the 1-based line.
pub fn parse_examples(jsonl: &str) -> Result<Vec<Example>, TextError> {
    let mut out = Vec::new();
    for (i, line) in jsonl.lines().enumerate() {
        let line_no = i + 1;
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let raw: RawExample = serde_json::from_str(line).map_err(|e| TextError::BadExample {
            line: line_no,
            message: e.to_string(),
        })?;
        let missing = |field: &'static str| TextError::MissingLabel {
            line: line_no,
            field,
        };
        let text = raw
            .text
            .filter(|t| !t.trim().is_empty())
            .ok_or(missing("text"))?;
        let business_category = raw
            .business_category
            .filter(|t| !t.trim().is_empty())
            .ok_or(missing("business_category"))?;
        let reason = raw
            .reason
            .filter(|t| !t.trim().is_empty())
            .ok_or(missing("reason"))?;
        let is_complaint = match (raw.is_complaint, raw.kind.as_deref()) {
            (Some(b), _) => b,
            (None, Some(kind)) => kind.trim() == "投诉",
            (None, None) => return Err(missing("is_complaint")),
        };
        out.push(Example {
            id: raw.id,
            text,
            business_category: business_category.trim().to_string(),
            reason: reason.trim().to_string(),
            is_complaint,
            group: raw.group.filter(|g| !g.trim().is_empty()),
        });
    }
    Ok(out)
}

/// The examples shipped in `data/classify/train.jsonl`.
pub fn builtin_examples() -> Result<Vec<Example>, TextError> {
    parse_examples(TRAINING_DATA)
}

/// Training settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainOptions {
    /// Additive (Lidstone) smoothing of feature counts.
    pub alpha: f64,
    /// Features seen in fewer training texts are dropped.
    pub min_feature_docs: usize,
    /// Folds used to fit the confidence temperature (0 or 1 = no calibration).
    pub calibration_folds: usize,
    /// Seed for the fold assignment.
    pub seed: u64,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            alpha: 0.2,
            min_feature_docs: 2,
            calibration_folds: 5,
            seed: 20_240_601,
        }
    }
}

/// A label with its confidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Suggestion {
    /// The label.
    pub label: String,
    /// Tempered posterior probability.
    pub confidence: f64,
}

/// What the model suggests for one text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Prediction {
    /// Most likely business category.
    pub business_category: Suggestion,
    /// Most likely reason.
    pub reason: Suggestion,
    /// Whether the text is more likely a complaint than not.
    pub is_complaint: bool,
    /// Probability that the text is a complaint.
    pub complaint_probability: f64,
    /// Up to three categories, best first.
    pub category_candidates: Vec<Suggestion>,
    /// Up to three reasons, best first.
    pub reason_candidates: Vec<Suggestion>,
}

/// Sparse per-class counts of one head, as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct HeadData {
    name: String,
    classes: Vec<String>,
    class_docs: Vec<u32>,
    /// Per class: `[feature index, count]` pairs, by feature index.
    counts: Vec<Vec<[u32; 2]>>,
    temperature: f64,
}

/// The serialised form of a model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct ModelData {
    format: String,
    version: u32,
    alpha: f64,
    examples: usize,
    vocabulary: Vec<String>,
    heads: Vec<HeadData>,
}

/// A head ready for scoring.
#[derive(Debug, Clone)]
struct Head {
    classes: Vec<String>,
    log_prior: Vec<f64>,
    /// `log_lik[class * vocab + feature]`.
    log_lik: Vec<f32>,
    temperature: f64,
}

/// A trained classifier.
#[derive(Clone)]
pub struct Model {
    data: ModelData,
    index: HashMap<String, u32>,
    heads: Vec<Head>,
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Model")
            .field("examples", &self.data.examples)
            .field("vocabulary", &self.data.vocabulary.len())
            .field("categories", &self.heads.first().map(|h| h.classes.len()))
            .field("reasons", &self.heads.get(1).map(|h| h.classes.len()))
            .finish()
    }
}

/// Cross-validated quality of one head.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeadScore {
    /// Fraction of held-out examples labelled correctly.
    pub accuracy: f64,
    /// Mean F1 over classes (each class weighs the same, however rare).
    pub macro_f1: f64,
    /// Accuracy of always answering the most frequent class, for comparison.
    pub majority_baseline: f64,
    /// Per label, by label name: how often it was recognised and how often a
    /// suggestion of it was right. Shows which labels need more examples.
    pub per_class: Vec<ClassScore>,
}

/// Cross-validated quality of one label.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassScore {
    /// The label.
    pub label: String,
    /// Held-out examples with this label.
    pub support: usize,
    /// Fraction of them labelled correctly.
    pub recall: f64,
    /// Fraction of suggestions of this label that were right (0 when never suggested).
    pub precision: f64,
}

/// Result of [`cross_validate`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CvReport {
    /// Number of folds.
    pub folds: usize,
    /// Number of examples.
    pub examples: usize,
    /// Business-category head.
    pub business_category: HeadScore,
    /// Reason head.
    pub reason: HeadScore,
    /// Complaint/non-complaint head.
    pub is_complaint: HeadScore,
}

/// Binary features of one text (sorted, distinct).
pub fn features(segmenter: &Segmenter, text: &str) -> Vec<String> {
    let analysis = analysis_text(&normalize(text));
    let mut out: Vec<String> = segmenter
        .terms_of_analysis_text(&analysis)
        .into_iter()
        .map(|t| format!("w:{t}"))
        .collect();
    let chars: Vec<char> = analysis.chars().collect();
    for w in chars.windows(2) {
        if is_cjk(w[0]) && is_cjk(w[1]) {
            let mut f = String::with_capacity(8);
            f.push_str("c:");
            f.push(w[0]);
            f.push(w[1]);
            out.push(f);
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Trains a model on `examples` with default options.
pub fn train(examples: &[Example]) -> Result<Model, TextError> {
    train_with(examples, &TrainOptions::default(), Segmenter::shared())
}

/// Trains a model on `examples`.
pub fn train_with(
    examples: &[Example],
    options: &TrainOptions,
    segmenter: &Segmenter,
) -> Result<Model, TextError> {
    validate(examples, options)?;
    let feats: Vec<Vec<String>> = examples
        .iter()
        .map(|e| features(segmenter, &e.text))
        .collect();
    let all: Vec<usize> = (0..examples.len()).collect();
    let mut data = fit(examples, &feats, &all, options);

    let folds = options.calibration_folds;
    if folds >= 2 && examples.len() >= folds * 5 {
        let assignment = fold_assignment(examples, folds, options.seed);
        // Held-out raw scores per head: (scores, true class index).
        let mut held: Vec<Vec<(Vec<f64>, usize)>> = vec![Vec::new(); data.heads.len()];
        for fold in 0..folds {
            let train_idx: Vec<usize> = all
                .iter()
                .copied()
                .filter(|&i| assignment[i] != fold)
                .collect();
            let fold_model = Model::from_data(fit(examples, &feats, &train_idx, options))?;
            for i in all.iter().copied().filter(|&i| assignment[i] == fold) {
                let ids = fold_model.feature_ids(&feats[i]);
                for (h, head) in fold_model.heads.iter().enumerate() {
                    let label = label_of(&examples[i], &data.heads[h].name);
                    if let Some(truth) = head.classes.iter().position(|c| *c == label) {
                        held[h].push((
                            head.raw_scores(&ids, fold_model.data.vocabulary.len()),
                            truth,
                        ));
                    }
                }
            }
        }
        for (h, head) in data.heads.iter_mut().enumerate() {
            head.temperature = fit_temperature(&held[h]);
        }
    }
    Model::from_data(data)
}

/// k-fold cross-validated accuracy of training on `examples`.
pub fn cross_validate(
    examples: &[Example],
    folds: usize,
    options: &TrainOptions,
    segmenter: &Segmenter,
) -> Result<CvReport, TextError> {
    validate(examples, options)?;
    if folds < 2 || folds > examples.len() {
        return Err(TextError::InvalidFolds {
            folds,
            examples: examples.len(),
        });
    }
    let feats: Vec<Vec<String>> = examples
        .iter()
        .map(|e| features(segmenter, &e.text))
        .collect();
    let assignment = fold_assignment(examples, folds, options.seed);
    let mut predicted: Vec<[String; 3]> = vec![Default::default(); examples.len()];
    for fold in 0..folds {
        let train_idx: Vec<usize> = (0..examples.len())
            .filter(|&i| assignment[i] != fold)
            .collect();
        let model = Model::from_data(fit(examples, &feats, &train_idx, options))?;
        for i in (0..examples.len()).filter(|&i| assignment[i] == fold) {
            let ids = model.feature_ids(&feats[i]);
            for (h, head) in model.heads.iter().enumerate() {
                let scores = head.raw_scores(&ids, model.data.vocabulary.len());
                let best = argmax(&scores);
                predicted[i][h] = head.classes.get(best).cloned().unwrap_or_default();
            }
        }
    }
    let score = |head: &str, h: usize| -> HeadScore {
        let truth: Vec<String> = examples.iter().map(|e| label_of(e, head)).collect();
        let pred: Vec<&str> = predicted.iter().map(|p| p[h].as_str()).collect();
        head_score(&truth, &pred)
    };
    Ok(CvReport {
        folds,
        examples: examples.len(),
        business_category: score(HEAD_CATEGORY, 0),
        reason: score(HEAD_REASON, 1),
        is_complaint: score(HEAD_COMPLAINT, 2),
    })
}

static DEFAULT_MODEL: LazyLock<Result<Model, TextError>> =
    LazyLock::new(|| builtin_examples().and_then(|ex| train(&ex)));

/// The model trained from the shipped examples, built on first use.
pub fn default_model() -> Result<&'static Model, TextError> {
    DEFAULT_MODEL.as_ref().map_err(Clone::clone)
}

/// Classifies `text` with the default model.
pub fn classify(text: &str) -> Result<Prediction, TextError> {
    Ok(default_model()?.predict(text))
}

impl Model {
    /// Suggests category, reason and complaint status for `text`.
    pub fn predict(&self, text: &str) -> Prediction {
        self.predict_with(text, Segmenter::shared())
    }

    /// Like [`Model::predict`] with an explicit segmenter.
    pub fn predict_with(&self, text: &str, segmenter: &Segmenter) -> Prediction {
        let ids = self.feature_ids(&features(segmenter, text));
        let v = self.data.vocabulary.len();
        let ranked = |h: usize| -> Vec<Suggestion> {
            let Some(head) = self.heads.get(h) else {
                return Vec::new();
            };
            let probs = head.posterior(&ids, v);
            let mut order: Vec<usize> = (0..probs.len()).collect();
            order.sort_by(|&a, &b| probs[b].total_cmp(&probs[a]).then(a.cmp(&b)));
            order
                .into_iter()
                .map(|i| Suggestion {
                    label: head.classes[i].clone(),
                    confidence: probs[i],
                })
                .collect()
        };
        let categories = ranked(0);
        let reasons = ranked(1);
        let complaint_probability = ranked(2)
            .into_iter()
            .find(|s| s.label == "true")
            .map_or(0.0, |s| s.confidence);
        let top = |list: &[Suggestion]| {
            list.first().cloned().unwrap_or(Suggestion {
                label: "其他".into(),
                confidence: 0.0,
            })
        };
        Prediction {
            business_category: top(&categories),
            reason: top(&reasons),
            is_complaint: complaint_probability >= 0.5,
            complaint_probability,
            category_candidates: categories.into_iter().take(3).collect(),
            reason_candidates: reasons.into_iter().take(3).collect(),
        }
    }

    /// Number of training examples.
    pub fn examples(&self) -> usize {
        self.data.examples
    }

    /// Number of features in the vocabulary.
    pub fn vocabulary_len(&self) -> usize {
        self.data.vocabulary.len()
    }

    /// Labels the model can suggest for `head` (`business_category`,
    /// `reason` or `is_complaint`).
    pub fn classes(&self, head: &str) -> Vec<String> {
        self.data
            .heads
            .iter()
            .find(|h| h.name == head)
            .map(|h| h.classes.clone())
            .unwrap_or_default()
    }

    /// Serialises the model to JSON.
    pub fn to_json(&self) -> Result<String, TextError> {
        serde_json::to_string(&self.data).map_err(|e| TextError::ModelFormat(e.to_string()))
    }

    /// Reads a model written by [`Model::to_json`].
    pub fn from_json(json: &str) -> Result<Model, TextError> {
        let data: ModelData =
            serde_json::from_str(json).map_err(|e| TextError::ModelFormat(e.to_string()))?;
        if data.format != MODEL_FORMAT {
            return Err(TextError::ModelFormat(format!(
                "未知的模型格式 {:?}",
                data.format
            )));
        }
        if data.version != MODEL_VERSION {
            return Err(TextError::ModelVersion {
                found: data.version,
                supported: MODEL_VERSION,
            });
        }
        Model::from_data(data)
    }

    fn from_data(data: ModelData) -> Result<Model, TextError> {
        let v = data.vocabulary.len();
        if !(data.alpha > 0.0 && data.alpha.is_finite()) {
            return Err(TextError::ModelFormat("平滑参数无效".into()));
        }
        let names: Vec<&str> = data.heads.iter().map(|h| h.name.as_str()).collect();
        if names != [HEAD_CATEGORY, HEAD_REASON, HEAD_COMPLAINT] {
            return Err(TextError::ModelFormat(format!(
                "模型分类头不完整：{names:?}"
            )));
        }
        let mut heads = Vec::with_capacity(data.heads.len());
        for h in &data.heads {
            let c = h.classes.len();
            if c == 0 || h.class_docs.len() != c || h.counts.len() != c {
                return Err(TextError::ModelFormat(format!(
                    "分类头 {} 结构不一致",
                    h.name
                )));
            }
            if !(h.temperature > 0.0 && h.temperature.is_finite()) {
                return Err(TextError::ModelFormat(format!(
                    "分类头 {} 温度参数无效",
                    h.name
                )));
            }
            let total_docs: f64 = h.class_docs.iter().map(|&d| f64::from(d)).sum();
            let log_prior = h
                .class_docs
                .iter()
                .map(|&d| ((f64::from(d) + 1.0) / (total_docs + c as f64)).ln())
                .collect();
            let mut log_lik = vec![0f32; c * v];
            for (ci, counts) in h.counts.iter().enumerate() {
                let total: f64 = counts.iter().map(|p| f64::from(p[1])).sum();
                let denom = total + data.alpha * v as f64;
                let row = &mut log_lik[ci * v..(ci + 1) * v];
                row.fill((data.alpha / denom).ln() as f32);
                for &[f, n] in counts {
                    let slot = row
                        .get_mut(f as usize)
                        .ok_or_else(|| TextError::ModelFormat(format!("特征编号 {f} 超出词表")))?;
                    *slot = ((f64::from(n) + data.alpha) / denom).ln() as f32;
                }
            }
            heads.push(Head {
                classes: h.classes.clone(),
                log_prior,
                log_lik,
                temperature: h.temperature,
            });
        }
        let index = data
            .vocabulary
            .iter()
            .enumerate()
            .map(|(i, f)| (f.clone(), i as u32))
            .collect();
        Ok(Model { data, index, heads })
    }

    fn feature_ids(&self, feats: &[String]) -> Vec<u32> {
        feats
            .iter()
            .filter_map(|f| self.index.get(f).copied())
            .collect()
    }
}

impl Head {
    fn raw_scores(&self, ids: &[u32], vocab: usize) -> Vec<f64> {
        self.log_prior
            .iter()
            .enumerate()
            .map(|(c, prior)| {
                let row = &self.log_lik[c * vocab..(c + 1) * vocab];
                prior + ids.iter().map(|&f| f64::from(row[f as usize])).sum::<f64>()
            })
            .collect()
    }

    fn posterior(&self, ids: &[u32], vocab: usize) -> Vec<f64> {
        softmax(&self.raw_scores(ids, vocab), self.temperature)
    }
}

fn validate(examples: &[Example], options: &TrainOptions) -> Result<(), TextError> {
    if examples.is_empty() {
        return Err(TextError::EmptyTrainingSet);
    }
    if !(options.alpha > 0.0 && options.alpha.is_finite()) {
        return Err(TextError::InvalidOption {
            name: "alpha",
            reason: "平滑参数须为正数".into(),
        });
    }
    for (i, e) in examples.iter().enumerate() {
        let line = i + 1;
        if e.text.trim().is_empty() {
            return Err(TextError::MissingLabel {
                line,
                field: "text",
            });
        }
        if e.business_category.trim().is_empty() {
            return Err(TextError::MissingLabel {
                line,
                field: "business_category",
            });
        }
        if e.reason.trim().is_empty() {
            return Err(TextError::MissingLabel {
                line,
                field: "reason",
            });
        }
    }
    Ok(())
}

fn label_of(e: &Example, head: &str) -> String {
    match head {
        HEAD_CATEGORY => e.business_category.clone(),
        HEAD_REASON => e.reason.clone(),
        _ => e.is_complaint.to_string(),
    }
}

/// Counts features per class over the examples in `idx`.
fn fit(
    examples: &[Example],
    feats: &[Vec<String>],
    idx: &[usize],
    options: &TrainOptions,
) -> ModelData {
    let mut doc_freq: HashMap<&str, usize> = HashMap::new();
    for &i in idx {
        for f in &feats[i] {
            *doc_freq.entry(f.as_str()).or_default() += 1;
        }
    }
    let min_docs = if idx.len() < 50 {
        1
    } else {
        options.min_feature_docs.max(1)
    };
    let mut vocabulary: Vec<String> = doc_freq
        .iter()
        .filter(|(_, n)| **n >= min_docs)
        .map(|(f, _)| f.to_string())
        .collect();
    vocabulary.sort_unstable();
    let index: HashMap<&str, u32> = vocabulary
        .iter()
        .enumerate()
        .map(|(i, f)| (f.as_str(), i as u32))
        .collect();

    let heads = [HEAD_CATEGORY, HEAD_REASON, HEAD_COMPLAINT]
        .iter()
        .map(|&name| {
            let mut classes: Vec<String> =
                idx.iter().map(|&i| label_of(&examples[i], name)).collect();
            classes.sort_unstable();
            classes.dedup();
            let mut class_docs = vec![0u32; classes.len()];
            let mut counts: Vec<HashMap<u32, u32>> = vec![HashMap::new(); classes.len()];
            for &i in idx {
                let label = label_of(&examples[i], name);
                let Ok(c) = classes.binary_search(&label) else {
                    continue;
                };
                class_docs[c] += 1;
                for f in &feats[i] {
                    if let Some(&id) = index.get(f.as_str()) {
                        *counts[c].entry(id).or_default() += 1;
                    }
                }
            }
            let counts = counts
                .into_iter()
                .map(|m| {
                    let mut v: Vec<[u32; 2]> = m.into_iter().map(|(f, n)| [f, n]).collect();
                    v.sort_unstable();
                    v
                })
                .collect();
            HeadData {
                name: name.to_string(),
                classes,
                class_docs,
                counts,
                temperature: 1.0,
            }
        })
        .collect();
    ModelData {
        format: MODEL_FORMAT.to_string(),
        version: MODEL_VERSION,
        alpha: options.alpha,
        examples: idx.len(),
        vocabulary,
        heads,
    }
}

/// Deterministic shuffled assignment of examples to `folds` folds; examples
/// with the same `group` land in the same fold.
fn fold_assignment(examples: &[Example], folds: usize, seed: u64) -> Vec<usize> {
    // Unit of assignment: a named group, or the example alone.
    let mut unit_of: Vec<usize> = Vec::with_capacity(examples.len());
    let mut units: HashMap<&str, usize> = HashMap::new();
    let mut n = 0;
    for e in examples {
        let unit = match e.group.as_deref() {
            Some(g) => *units.entry(g).or_insert_with(|| {
                n += 1;
                n - 1
            }),
            None => {
                n += 1;
                n - 1
            }
        };
        unit_of.push(unit);
    }
    let unit_fold = shuffled_folds(n, folds, seed);
    unit_of.into_iter().map(|u| unit_fold[u]).collect()
}

/// Deterministic shuffled assignment of `n` items to `folds` folds.
fn shuffled_folds(n: usize, folds: usize, seed: u64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    let mut state = seed;
    for i in (1..n).rev() {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        order.swap(i, (z % (i as u64 + 1)) as usize);
    }
    let mut assignment = vec![0; n];
    for (pos, &item) in order.iter().enumerate() {
        assignment[item] = pos % folds;
    }
    assignment
}

/// Temperature minimising the held-out negative log-likelihood (golden-section
/// search on log T over [0.25, 400]).
fn fit_temperature(held: &[(Vec<f64>, usize)]) -> f64 {
    if held.is_empty() {
        return 1.0;
    }
    let nll = |log_t: f64| -> f64 {
        let t = log_t.exp();
        held.iter()
            .map(|(scores, truth)| {
                let p = softmax(scores, t);
                -(p.get(*truth).copied().unwrap_or(0.0).max(1e-12)).ln()
            })
            .sum()
    };
    let (mut a, mut b) = (0.25f64.ln(), 400f64.ln());
    let g = (5f64.sqrt() - 1.0) / 2.0;
    let mut c = b - g * (b - a);
    let mut d = a + g * (b - a);
    let (mut fc, mut fd) = (nll(c), nll(d));
    for _ in 0..60 {
        if fc < fd {
            b = d;
            d = c;
            fd = fc;
            c = b - g * (b - a);
            fc = nll(c);
        } else {
            a = c;
            c = d;
            fc = fd;
            d = a + g * (b - a);
            fd = nll(d);
        }
    }
    ((a + b) / 2.0).exp()
}

fn softmax(scores: &[f64], temperature: f64) -> Vec<f64> {
    let max = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let exps: Vec<f64> = scores
        .iter()
        .map(|s| ((s - max) / temperature).exp())
        .collect();
    let sum: f64 = exps.iter().sum();
    exps.into_iter().map(|e| e / sum).collect()
}

fn argmax(scores: &[f64]) -> usize {
    let mut best = 0;
    for (i, s) in scores.iter().enumerate() {
        if *s > scores[best] {
            best = i;
        }
    }
    best
}

fn head_score(truth: &[String], pred: &[&str]) -> HeadScore {
    let n = truth.len().max(1) as f64;
    let correct = truth
        .iter()
        .zip(pred)
        .filter(|(t, p)| t.as_str() == **p)
        .count();
    let mut freq: HashMap<&str, usize> = HashMap::new();
    for t in truth {
        *freq.entry(t.as_str()).or_default() += 1;
    }
    let majority = freq.values().copied().max().unwrap_or(0);
    let mut classes: Vec<&str> = freq.keys().copied().collect();
    classes.sort_unstable();
    let mut f1_sum = 0.0;
    let mut per_class = Vec::with_capacity(classes.len());
    for class in classes {
        let (mut tp, mut fp, mut fn_) = (0usize, 0usize, 0usize);
        for (t, p) in truth.iter().zip(pred) {
            match (t.as_str() == class, *p == class) {
                (true, true) => tp += 1,
                (false, true) => fp += 1,
                (true, false) => fn_ += 1,
                (false, false) => {}
            }
        }
        let denom = 2 * tp + fp + fn_;
        f1_sum += if denom > 0 {
            2.0 * tp as f64 / denom as f64
        } else {
            0.0
        };
        per_class.push(ClassScore {
            label: class.to_string(),
            support: tp + fn_,
            recall: tp as f64 / (tp + fn_).max(1) as f64,
            precision: if tp + fp > 0 {
                tp as f64 / (tp + fp) as f64
            } else {
                0.0
            },
        });
    }
    HeadScore {
        accuracy: correct as f64 / n,
        macro_f1: f1_sum / freq.len().max(1) as f64,
        majority_baseline: majority as f64 / n,
        per_class,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::taxonomy::{BUSINESS_CATEGORIES, REASONS};

    fn ex(text: &str, cat: &str, reason: &str, is_complaint: bool) -> Example {
        Example {
            id: None,
            text: text.into(),
            business_category: cat.into(),
            reason: reason.into(),
            is_complaint,
            group: None,
        }
    }

    #[test]
    fn parse_errors_name_the_line() {
        let ok = r#"{"text":"信用卡年费乱收","business_category":"银行卡","reason":"定价收费","is_complaint":true}

{"text":"请问年费多少","business_category":"银行卡","reason":"定价收费","kind":"咨询","extra":1}"#;
        let parsed = parse_examples(ok).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(parsed.len(), 2);
        assert!(parsed[0].is_complaint && !parsed[1].is_complaint);

        let cases: &[(&str, TextError)] = &[
            (
                "{\"text\":\"x\"",
                TextError::BadExample {
                    line: 1,
                    message: String::new(),
                },
            ),
            (
                "{\"text\":\"a\",\"business_category\":\"银行卡\",\"reason\":\"其他\",\"is_complaint\":true}\n{\"text\":\"b\",\"reason\":\"其他\",\"is_complaint\":true}",
                TextError::MissingLabel {
                    line: 2,
                    field: "business_category",
                },
            ),
            (
                "{\"text\":\"b\",\"business_category\":\"银行卡\",\"reason\":\"其他\"}",
                TextError::MissingLabel {
                    line: 1,
                    field: "is_complaint",
                },
            ),
            (
                "{\"text\":\"  \",\"business_category\":\"银行卡\",\"reason\":\"其他\",\"is_complaint\":true}",
                TextError::MissingLabel {
                    line: 1,
                    field: "text",
                },
            ),
        ];
        for (input, want) in cases {
            let got = parse_examples(input).err();
            match (got, want) {
                (
                    Some(TextError::BadExample { line, .. }),
                    TextError::BadExample { line: l, .. },
                ) => assert_eq!(line, *l),
                (got, want) => assert_eq!(got.as_ref(), Some(want), "{input}"),
            }
        }
    }

    #[test]
    fn builtin_training_set_is_well_formed() {
        let examples = builtin_examples().unwrap_or_else(|e| panic!("{e}"));
        assert!(examples.len() >= 3000, "{}", examples.len());
        for e in &examples {
            assert!(
                BUSINESS_CATEGORIES.contains(&e.business_category.as_str()),
                "{e:?}"
            );
            assert!(REASONS.contains(&e.reason.as_str()), "{e:?}");
            assert!(
                crate::pii::detect(&e.text).is_empty(),
                "training text holds PII: {e:?}"
            );
        }
        for cat in BUSINESS_CATEGORIES {
            let of: Vec<&Example> = examples
                .iter()
                .filter(|e| e.business_category == cat)
                .collect();
            assert!(of.len() >= 150, "{cat}: {}", of.len());
            assert!(
                of.iter().any(|e| e.is_complaint) && of.iter().any(|e| !e.is_complaint),
                "{cat}"
            );
        }
        let non = examples.iter().filter(|e| !e.is_complaint).count();
        assert!(non * 6 >= examples.len(), "too few non-complaints: {non}");
    }

    #[test]
    fn learns_a_small_problem() {
        let seg = Segmenter::shared();
        let mut train_set = Vec::new();
        for i in 0..6 {
            train_set.push(ex(
                &format!("信用卡年费被扣了{i}百元要求退还"),
                "银行卡",
                "定价收费",
                true,
            ));
            train_set.push(ex(
                &format!("催收人员第{i}次打电话骚扰我的家人"),
                "债务催收",
                "债务催收方式和手段",
                true,
            ));
            train_set.push(ex(
                &format!("请问房贷利率是多少第{i}个问题"),
                "贷款",
                "定价收费",
                false,
            ));
        }
        let model =
            train_with(&train_set, &TrainOptions::default(), seg).unwrap_or_else(|e| panic!("{e}"));
        let cases = [
            ("年费被扣要求退还", "银行卡", true),
            ("催收电话骚扰家人", "债务催收", true),
            ("请问房贷利率", "贷款", false),
        ];
        for (text, cat, complaint) in cases {
            let p = model.predict_with(text, seg);
            assert_eq!(p.business_category.label, cat, "{text}");
            assert_eq!(p.is_complaint, complaint, "{text}");
            assert!(p.business_category.confidence > 0.5 && p.business_category.confidence <= 1.0);
            let total: f64 = p.category_candidates.iter().map(|s| s.confidence).sum();
            assert!(total <= 1.0 + 1e-9);
        }
        assert_eq!(
            model.classes("business_category"),
            vec!["债务催收", "贷款", "银行卡"]
        );
    }

    #[test]
    fn json_round_trip_and_validation() {
        let seg = Segmenter::shared();
        let train_set = vec![
            ex("信用卡年费乱收", "银行卡", "定价收费", true),
            ex("催收骚扰家人", "债务催收", "债务催收方式和手段", true),
        ];
        let model =
            train_with(&train_set, &TrainOptions::default(), seg).unwrap_or_else(|e| panic!("{e}"));
        let json = model.to_json().unwrap_or_else(|e| panic!("{e}"));
        let back = Model::from_json(&json).unwrap_or_else(|e| panic!("{e}"));
        for text in ["年费", "催收", "无关的话"] {
            assert_eq!(model.predict_with(text, seg), back.predict_with(text, seg));
        }
        let wrong_version = json.replace("\"version\":1", "\"version\":99");
        assert_eq!(
            Model::from_json(&wrong_version).err(),
            Some(TextError::ModelVersion {
                found: 99,
                supported: MODEL_VERSION
            })
        );
        let wrong_format = json.replace(MODEL_FORMAT, "other");
        assert!(matches!(
            Model::from_json(&wrong_format),
            Err(TextError::ModelFormat(_))
        ));
        assert!(matches!(
            Model::from_json("{}"),
            Err(TextError::ModelFormat(_))
        ));
        let bad_index = json.replacen("[[", "[[999999,", 1);
        assert!(Model::from_json(&bad_index).is_err());
    }

    #[test]
    fn rejects_bad_training_input() {
        let seg = Segmenter::shared();
        assert_eq!(train(&[]).err(), Some(TextError::EmptyTrainingSet));
        let bad = vec![ex("文本", "", "其他", true)];
        assert_eq!(
            train_with(&bad, &TrainOptions::default(), seg).err(),
            Some(TextError::MissingLabel {
                line: 1,
                field: "business_category"
            })
        );
        let two = vec![
            ex("甲", "其他", "其他", true),
            ex("乙", "其他", "其他", false),
        ];
        assert!(matches!(
            cross_validate(&two, 3, &TrainOptions::default(), seg),
            Err(TextError::InvalidFolds { .. })
        ));
        let opts = TrainOptions {
            alpha: 0.0,
            ..TrainOptions::default()
        };
        assert!(train_with(&two, &opts, seg).is_err());
    }

    #[test]
    fn cross_validation_beats_the_majority_baseline() {
        let seg = Segmenter::shared();
        let examples = builtin_examples().unwrap_or_else(|e| panic!("{e}"));
        let report = cross_validate(&examples, 5, &TrainOptions::default(), seg)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(report.examples, examples.len());
        // Folds are split by case group, so these are accuracies on cases the
        // model has not seen in any phrasing.
        assert!(report.business_category.accuracy > 0.6, "{report:?}");
        assert!(report.reason.accuracy > 0.6, "{report:?}");
        assert!(report.is_complaint.accuracy > 0.9, "{report:?}");
        assert!(
            report.business_category.accuracy > report.business_category.majority_baseline + 0.5
        );
        assert!(
            report.reason.accuracy > report.reason.majority_baseline + 0.15,
            "{report:?}"
        );
        let per = &report.business_category.per_class;
        assert_eq!(per.len(), 14);
        assert_eq!(per.iter().map(|c| c.support).sum::<usize>(), examples.len());
        for c in per {
            assert!(c.recall > 0.3, "{c:?}");
        }
    }

    /// Texts written for this test, not taken from the training set.
    #[test]
    fn default_model_on_unseen_texts() {
        let model = default_model().unwrap_or_else(|e| panic!("{e}"));
        let cases: &[(&str, &str, Option<&str>, bool)] = &[
            (
                "催收的人天天给我爸妈打电话，还说要去我公司闹",
                "债务催收",
                Some("债务催收方式和手段"),
                true,
            ),
            (
                "理财经理当时拍胸脯说保本，现在亏了三万，要求赔偿",
                "自营理财",
                None,
                true,
            ),
            ("ATM机把我的卡吞了，一直没人来处理", "银行卡", None, true),
            (
                "房贷提前还款还要收违约金，太不合理了，要求退还",
                "贷款",
                Some("定价收费"),
                true,
            ),
            ("请问下一期国债什么时候开始卖", "国库", None, false),
            (
                "我的征信上有一条不是我办的贷款记录，要求删除",
                "个人金融信息",
                None,
                true,
            ),
            ("残缺的钞票网点拒绝兑换", "人民币管理", None, true),
            (
                "银行员工把保险说成存款卖给我母亲，要求退保",
                "银行代理业务",
                Some("营销方式和手段"),
                true,
            ),
            (
                "给在英国的孩子汇学费，手续费和中间行扣费太高",
                "外汇",
                None,
                true,
            ),
            ("想了解一下大额存单的利率", "人民币储蓄", None, false),
            (
                "表扬网点的小王，耐心帮我父亲办完了业务",
                "其他",
                None,
                false,
            ),
            (
                "转账到对方账户三天了还没到，钱也没退回来",
                "支付结算",
                None,
                true,
            ),
        ];
        let mut category_hits = 0;
        for (text, cat, reason, complaint) in cases {
            let p = model.predict(text);
            if p.business_category.label == *cat {
                category_hits += 1;
            }
            if let Some(r) = reason {
                assert_eq!(p.reason.label, *r, "{text}: {p:?}");
            }
            assert_eq!(p.is_complaint, *complaint, "{text}: {p:?}");
        }
        // Praise can fairly be filed under several categories; demand 10 of 12.
        assert!(
            category_hits >= 10,
            "only {category_hits} of {} categories right",
            cases.len()
        );
    }

    #[test]
    fn calibration_tempers_confidence() {
        let model = default_model().unwrap_or_else(|e| panic!("{e}"));
        for h in &model.heads {
            assert!(
                h.temperature > 1.0,
                "naive Bayes should need a temperature above 1, got {}",
                h.temperature
            );
        }
        let p = model.predict("这家银行");
        assert!(p.business_category.confidence < 0.9, "{p:?}");
    }
}

#[cfg(test)]
mod fold_tests {
    use super::*;

    #[test]
    fn groups_stay_in_one_fold() {
        let examples: Vec<Example> = (0..40)
            .map(|i| Example {
                id: None,
                text: format!("文本{i}"),
                business_category: "其他".into(),
                reason: "其他".into(),
                is_complaint: true,
                group: (i < 30).then(|| format!("g{}", i % 6)),
            })
            .collect();
        let folds = fold_assignment(&examples, 4, 7);
        for g in 0..6 {
            let of: Vec<usize> = (0..30).filter(|i| i % 6 == g).map(|i| folds[i]).collect();
            assert!(of.iter().all(|&f| f == of[0]), "group {g}: {of:?}");
        }
        assert!(folds.iter().all(|&f| f < 4));
        let used: std::collections::HashSet<usize> = folds.iter().copied().collect();
        assert_eq!(used.len(), 4);
        assert_eq!(folds, fold_assignment(&examples, 4, 7), "deterministic");
    }
}

#[cfg(test)]
mod score_tests {
    use super::*;

    #[test]
    fn head_score_counts() {
        let truth: Vec<String> = ["a", "a", "b", "b", "c"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let pred = ["a", "b", "b", "b", "a"];
        let s = head_score(&truth, &pred);
        assert!((s.accuracy - 0.6).abs() < 1e-12);
        assert!((s.majority_baseline - 0.4).abs() < 1e-12);
        let a = &s.per_class[0];
        assert_eq!((a.label.as_str(), a.support), ("a", 2));
        assert!((a.recall - 0.5).abs() < 1e-12 && (a.precision - 0.5).abs() < 1e-12);
        let b = &s.per_class[1];
        assert!((b.recall - 1.0).abs() < 1e-12 && (b.precision - 2.0 / 3.0).abs() < 1e-12);
        let c = &s.per_class[2];
        assert_eq!((c.recall, c.precision), (0.0, 0.0));
        // F1: a 0.5, b 0.8, c 0
        assert!((s.macro_f1 - 1.3 / 3.0).abs() < 1e-12, "{}", s.macro_f1);
    }
}
