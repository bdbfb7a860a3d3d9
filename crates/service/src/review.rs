//! The consumer-protection review use cases: requests with their
//! self-assessment, documents read (OCR for scans) and pre-reviewed by the
//! knowledge base, the workflow, comparisons between rounds and with the
//! published material, adoption figures, and the opinion letter.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use similar::{ChangeTag, TextDiff};
use xiaobao_documents::{Block, Document, DocumentError, Highlight, Limits, Page};
use xiaobao_domain::actor::Actor;
use xiaobao_domain::review::{
    Action, ChecklistAnswer, Decision, GuideError, Materiality, ReviewGuide, Stage, Status,
    Subject, Trigger,
};
use xiaobao_letters::{Block as LetterBlock, Letter};
use xiaobao_lexicon::{MaterialKind, ScanOptions, ScanReport, Severity};
use xiaobao_store::StoreError;
use xiaobao_store::reviews::{
    NewOpinion, NewReview, NewReviewDocument, OpinionRow, ReviewDocumentRow, ReviewRow, StepInput,
};

use crate::Services;

/// Why a review use case did not go through.
#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Guide(#[from] GuideError),
    #[error("无法读取文件“{name}”：{source}")]
    Document {
        name: String,
        #[source]
        source: DocumentError,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The request form (create and edit).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ReviewForm {
    pub title: String,
    pub subject: String,
    pub stage: String,
    pub trigger: String,
    #[serde(default)]
    pub business_line: String,
    #[serde(default)]
    pub launch_date: Option<String>,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub checklist: Vec<ChecklistAnswer>,
}

impl ReviewForm {
    /// Checks every field and reports every problem at once.
    fn validate(&self, guide: &ReviewGuide) -> Result<NewReview, ReviewError> {
        let mut problems = Vec::new();
        if self.title.trim().chars().count() < 2 {
            problems.push("请填写审查事项名称（至少 2 个字）".to_string());
        }
        if self.title.chars().count() > 200 {
            problems.push("审查事项名称不能超过 200 个字".to_string());
        }
        let subject = Subject::parse(&self.subject);
        if subject.is_none() {
            problems.push(format!(
                "审查对象“{}”无效，可选：{}",
                self.subject,
                labels(Subject::choices())
            ));
        }
        if Stage::parse(&self.stage).is_none() {
            problems.push(format!(
                "审查环节“{}”无效，可选：{}",
                self.stage,
                labels(Stage::choices())
            ));
        }
        if Trigger::parse(&self.trigger).is_none() {
            problems.push(format!(
                "送审事由“{}”无效，可选：{}",
                self.trigger,
                labels(Trigger::choices())
            ));
        }
        let launch_date = self
            .launch_date
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty());
        if let Some(d) = launch_date
            && chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_err()
        {
            problems.push(format!("拟上线日期“{d}”无效，格式应为 YYYY-MM-DD"));
        }
        if let Some(subject) = subject {
            let items = guide.items_for(subject);
            let unknown: Vec<&str> = self
                .checklist
                .iter()
                .filter(|a| !items.iter().any(|i| i.id == a.item))
                .map(|a| a.item.as_str())
                .collect();
            if !unknown.is_empty() {
                problems.push(format!(
                    "自评估含有审查指南中不存在的条目：{}",
                    unknown.join("、")
                ));
            }
        }
        if !problems.is_empty() {
            return Err(ReviewError::Invalid(problems.join("；")));
        }
        Ok(NewReview {
            title: self.title.trim().to_string(),
            subject: subject.map(|s| s.as_str().to_string()).unwrap_or_default(),
            stage: Stage::parse(&self.stage)
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
            trigger: Trigger::parse(&self.trigger)
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
            business_line: self.business_line.trim().to_string(),
            launch_date: launch_date.map(str::to_string),
            description: self.description.trim().to_string(),
            checklist: serde_json::to_string(&self.checklist).unwrap_or_else(|_| "[]".into()),
        })
    }
}

fn labels(choices: Vec<(&'static str, &'static str)>) -> String {
    choices
        .iter()
        .map(|(id, label)| format!("{id}（{label}）"))
        .collect::<Vec<_>>()
        .join("、")
}

/// Pages and blocks of a stored document, with the page images kept.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredLayout {
    pub pages: Vec<Page>,
    pub blocks: Vec<Block>,
    /// SHA-256 of the PNG of each page that was read by OCR, by page number.
    #[serde(default)]
    pub page_images: Vec<(u32, String)>,
}

/// A stored document ready to show: its text, pages and blocks, findings,
/// and the page images read by OCR.
#[derive(Debug, Clone)]
pub struct DocumentView {
    /// The stored row (its text, layout and report moved into the fields below).
    pub row: ReviewDocumentRow,
    pub document: Document,
    /// SHA-256 of the PNG of each page that was read by OCR, by page number.
    pub page_images: Vec<(u32, String)>,
    pub report: ScanReport,
}

impl DocumentView {
    /// Where the chars `start..end` lie on the pages, with boxes to draw.
    pub fn locate(&self, start: usize, end: usize) -> Vec<Highlight> {
        self.document.locate(start, end)
    }
}

/// One piece of a comparison: unchanged, removed or inserted text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DiffPiece {
    /// `equal`, `delete` or `insert`.
    pub tag: &'static str,
    pub text: String,
}

/// The comparison of one document name across two rounds (or with the
/// published material).
#[derive(Debug, Clone, Serialize)]
pub struct DocumentDiff {
    pub old_name: Option<String>,
    pub new_name: Option<String>,
    pub pieces: Vec<DiffPiece>,
    pub inserted_chars: usize,
    pub deleted_chars: usize,
}

/// How an opinion fared in a later text.
#[derive(Debug, Clone, Serialize)]
pub struct OpinionCheck {
    pub opinion: OpinionRow,
    /// The passage the opinion quoted is still in the later text.
    pub passage_still_present: bool,
}

/// Comparison of two versions of a request's material.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    pub from_label: String,
    pub to_label: String,
    pub documents: Vec<DocumentDiff>,
    pub opinions: Vec<OpinionCheck>,
}

fn material_kind(subject: &str) -> Option<MaterialKind> {
    Subject::parse(subject).and_then(|s| MaterialKind::parse(s.material_kind()))
}

impl Services {
    /// The self-assessment guide in force.
    pub fn review_guide(&self) -> Arc<ReviewGuide> {
        self.review_guide.get()
    }

    /// Creates a draft request.
    pub async fn create_review(
        &self,
        actor: &Actor,
        form: &ReviewForm,
    ) -> Result<ReviewRow, ReviewError> {
        let new = form.validate(&self.review_guide())?;
        Ok(self.store.create_review(actor, &new).await?)
    }

    /// Edits a request that is with the submitter.
    pub async fn update_review(
        &self,
        actor: &Actor,
        id: &str,
        form: &ReviewForm,
        version: Option<i64>,
    ) -> Result<ReviewRow, ReviewError> {
        let new = form.validate(&self.review_guide())?;
        Ok(self.store.update_review(actor, id, &new, version).await?)
    }

    /// Reads an uploaded file (OCR for images and scans), pre-reviews its
    /// text against the knowledge base for the request's subject, and stores
    /// it with its findings. `kind` is `material` or `final`. Nothing is
    /// stored when the file cannot be read whole.
    pub async fn add_review_document(
        &self,
        actor: &Actor,
        id: &str,
        kind: &str,
        filename: &str,
        bytes: Vec<u8>,
    ) -> Result<ReviewDocumentRow, ReviewError> {
        // Access and state first, so that a refused upload costs no OCR.
        let review = self.store.get_review(actor, id).await?;
        if kind == "material" && !review.status().submitter_may_edit() {
            return Err(StoreError::Conflict(format!(
                "审查申请当前状态为“{}”，不能上传材料",
                review.status().label()
            ))
            .into());
        }
        let filename = clean_filename(filename);
        if filename.is_empty() {
            return Err(ReviewError::Invalid("请选择要上传的文件".into()));
        }
        let ocr = Arc::clone(&self.ocr);
        let kb = self.kb();
        let kind_opt = material_kind(&review.subject);
        let name = filename.clone();
        let prepared = tokio::task::spawn_blocking(move || {
            prepare_document(&bytes, &name, &ocr, &kb.matcher, kind_opt, kb.version).map(|mut d| {
                d.bytes = bytes;
                d
            })
        })
        .await
        .map_err(|e| ReviewError::Invalid(format!("文件处理中断：{e}")))?
        .map_err(|source| ReviewError::Document {
            name: filename.clone(),
            source,
        })?;
        let mut doc = prepared;
        doc.kind = kind.to_string();
        Ok(self.store.add_review_document(actor, id, &doc).await?)
    }

    /// A stored document with its layout and findings decoded.
    pub async fn review_document_view(
        &self,
        actor: &Actor,
        id: &str,
        document_id: &str,
    ) -> Result<DocumentView, ReviewError> {
        let row = self.store.review_document(actor, id, document_id).await?;
        Ok(document_view(row))
    }

    /// Takes a workflow step; submission checks the self-assessment against
    /// the guide first.
    pub async fn review_step(
        &self,
        actor: &Actor,
        id: &str,
        action: Action,
        input: &StepInput<'_>,
    ) -> Result<ReviewRow, ReviewError> {
        if matches!(action, Action::Submit | Action::Resubmit) {
            let review = self.store.get_review(actor, id).await?;
            if let Some(subject) = Subject::parse(&review.subject) {
                let answers: Vec<ChecklistAnswer> =
                    serde_json::from_str(&review.checklist).unwrap_or_default();
                self.review_guide().check(subject, &answers)?;
            }
        }
        Ok(self
            .store
            .transition_review(actor, id, action, input)
            .await?)
    }

    /// Adds a reviewer's opinion; an opinion on a finding takes the finding's
    /// passage, legal basis and suggestion unless the reviewer wrote their own.
    pub async fn add_review_opinion(
        &self,
        actor: &Actor,
        id: &str,
        mut opinion: NewOpinion,
        finding: Option<usize>,
    ) -> Result<OpinionRow, ReviewError> {
        if let (Some(doc), Some(index)) = (&opinion.document_id, finding) {
            let view = self.review_document_view(actor, id, doc).await?;
            let f = view.report.findings.get(index).ok_or_else(|| {
                ReviewError::Invalid(format!("材料中没有第 {} 处问题", index + 1))
            })?;
            opinion.entry_id = Some(f.entry_id.to_string());
            opinion.char_start = i64::try_from(f.start).ok();
            opinion.char_end = i64::try_from(f.end).ok();
            if opinion.quote.trim().is_empty() {
                opinion.quote = f.text.clone();
            }
            if opinion.basis.trim().is_empty() {
                opinion.basis = f
                    .basis
                    .iter()
                    .map(|b| format!("{} {}", b.law, b.article))
                    .collect::<Vec<_>>()
                    .join("；");
            }
            if opinion.suggestion.trim().is_empty() {
                opinion.suggestion = f.suggestion.to_string();
            }
            if opinion.body.trim().is_empty() {
                opinion.body = format!("“{}”涉及{}：{}", f.text, f.category, f.title);
            }
        }
        Ok(self.store.add_opinion(actor, id, &opinion).await?)
    }

    /// Compares the material of round `from` with round `to`, and says for
    /// each opinion of the earlier rounds whether its passage is still there.
    pub async fn compare_review_rounds(
        &self,
        actor: &Actor,
        id: &str,
        from: i64,
        to: i64,
    ) -> Result<Comparison, ReviewError> {
        let documents = self.store.review_documents(actor, id).await?;
        let old: Vec<&ReviewDocumentRow> = documents
            .iter()
            .filter(|d| d.kind == "material" && d.round == from)
            .collect();
        let new: Vec<&ReviewDocumentRow> = documents
            .iter()
            .filter(|d| d.kind == "material" && d.round == to)
            .collect();
        if old.is_empty() || new.is_empty() {
            return Err(ReviewError::Invalid(format!(
                "第 {from} 轮或第 {to} 轮没有材料，无法比对"
            )));
        }
        let opinions = self.store.review_opinions(actor, id).await?;
        Ok(compare(
            format!("第 {from} 轮"),
            format!("第 {to} 轮"),
            &old,
            &new,
            opinions.into_iter().filter(|o| o.round < to).collect(),
        ))
    }

    /// Compares the published material (回溯评估) with the approved round.
    pub async fn compare_with_published(
        &self,
        actor: &Actor,
        id: &str,
    ) -> Result<Comparison, ReviewError> {
        let record = self.store.review_record(actor, id).await?;
        let review = &record.review;
        let documents = self.store.review_documents(actor, id).await?;
        let approved: Vec<&ReviewDocumentRow> = documents
            .iter()
            .filter(|d| d.kind == "material" && d.round == review.round)
            .collect();
        let published: Vec<&ReviewDocumentRow> =
            documents.iter().filter(|d| d.kind == "final").collect();
        if published.is_empty() {
            return Err(ReviewError::Invalid("尚未上传最终上线材料".into()));
        }
        Ok(compare(
            format!("审查通过版本（第 {} 轮）", review.round),
            "最终上线材料".into(),
            &approved,
            &published,
            record.opinions,
        ))
    }
}

/// Keeps the last path component and drops control characters, so that a
/// name from a browser or a script is safe to show and to store.
fn clean_filename(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or(name);
    last.chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect::<String>()
        .trim()
        .to_string()
}

/// Reads and pre-reviews one file; CPU-bound, run off the async threads.
fn prepare_document(
    bytes: &[u8],
    name: &str,
    ocr: &xiaobao_documents::EmbeddedOcr,
    matcher: &xiaobao_lexicon::Matcher,
    kind: Option<MaterialKind>,
    kb_version: i64,
) -> Result<NewReviewDocument, DocumentError> {
    let document =
        xiaobao_documents::read_document(bytes, Some(name), &Limits::default(), Some(ocr))?;
    let report = matcher.scan(&document.text, &ScanOptions { kind });
    let mut page_images = Vec::new();
    let mut named = Vec::new();
    for page in &document.pages {
        if let Some(image) = &page.image {
            let mut png = Vec::new();
            if image
                .write_to(
                    &mut std::io::Cursor::new(&mut png),
                    xiaobao_documents::image::ImageFormat::Png,
                )
                .is_ok()
            {
                named.push((page.number, xiaobao_store::reviews::sha256_hex(&png)));
                page_images.push(png);
            }
        }
    }
    let forbidden = report
        .findings
        .iter()
        .map(|f| f.severity)
        .chain(report.missing_disclosures.iter().map(|m| m.severity))
        .filter(|s| *s == Severity::Forbidden)
        .count();
    let layout = StoredLayout {
        pages: document.pages.clone(),
        blocks: document.blocks.clone(),
        page_images: named,
    };
    Ok(NewReviewDocument {
        kind: String::new(),
        filename: name.to_string(),
        format: serde_json::to_value(document.format)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default(),
        bytes: Vec::new(),
        text: document.text,
        layout: serde_json::to_string(&layout).unwrap_or_else(|_| "{}".into()),
        report: serde_json::to_string(&report).unwrap_or_else(|_| "{}".into()),
        kb_version,
        findings: i64::try_from(report.findings.len() + report.missing_disclosures.len())
            .unwrap_or(0),
        forbidden: i64::try_from(forbidden).unwrap_or(0),
        page_images,
    })
}

fn document_view(mut row: ReviewDocumentRow) -> DocumentView {
    let layout = serde_json::from_str(&row.layout).unwrap_or(StoredLayout {
        pages: Vec::new(),
        blocks: Vec::new(),
        page_images: Vec::new(),
    });
    let report = serde_json::from_str(&row.report).unwrap_or_default();
    let format = serde_json::from_value(serde_json::Value::String(row.format.clone()))
        .unwrap_or(xiaobao_documents::Format::Text);
    row.layout.clear();
    row.report.clear();
    DocumentView {
        document: Document {
            format,
            encoding: None,
            pages: layout.pages,
            text: std::mem::take(&mut row.text),
            blocks: layout.blocks,
        },
        page_images: layout.page_images,
        report,
        row,
    }
}

/// Character-level comparison of two texts; the diff gives up refining
/// after a second on very large, very different texts (it stays correct,
/// only coarser).
pub fn diff_texts(old: &str, new: &str) -> (Vec<DiffPiece>, usize, usize) {
    let diff = TextDiff::configure()
        .timeout(std::time::Duration::from_secs(1))
        .diff_chars(old, new);
    let mut pieces: Vec<DiffPiece> = Vec::new();
    let (mut inserted, mut deleted) = (0, 0);
    for change in diff.iter_all_changes() {
        let tag = match change.tag() {
            ChangeTag::Equal => "equal",
            ChangeTag::Delete => {
                deleted += change.value().chars().count();
                "delete"
            }
            ChangeTag::Insert => {
                inserted += change.value().chars().count();
                "insert"
            }
        };
        match pieces.last_mut() {
            Some(last) if last.tag == tag => last.text.push_str(change.value()),
            _ => pieces.push(DiffPiece {
                tag,
                text: change.value().to_string(),
            }),
        }
    }
    (pieces, inserted, deleted)
}

/// Pairs documents by file name (else by position) and compares them.
fn compare(
    from_label: String,
    to_label: String,
    old: &[&ReviewDocumentRow],
    new: &[&ReviewDocumentRow],
    opinions: Vec<OpinionRow>,
) -> Comparison {
    let mut pairs: Vec<(Option<&ReviewDocumentRow>, Option<&ReviewDocumentRow>)> = Vec::new();
    let mut used_new = vec![false; new.len()];
    let mut unmatched_old = Vec::new();
    for o in old {
        match new.iter().position(|n| n.filename == o.filename) {
            Some(i) if !used_new[i] => {
                used_new[i] = true;
                pairs.push((Some(o), Some(new[i])));
            }
            _ => unmatched_old.push(*o),
        }
    }
    let mut rest_new = new
        .iter()
        .enumerate()
        .filter(|(i, _)| !used_new[*i])
        .map(|(_, n)| *n);
    for o in unmatched_old {
        pairs.push((Some(o), rest_new.next()));
    }
    pairs.extend(rest_new.map(|n| (None, Some(n))));
    let documents = pairs
        .into_iter()
        .map(|(o, n)| {
            let (pieces, inserted, deleted) = diff_texts(
                o.map_or("", |d| d.text.as_str()),
                n.map_or("", |d| d.text.as_str()),
            );
            DocumentDiff {
                old_name: o.map(|d| d.filename.clone()),
                new_name: n.map(|d| d.filename.clone()),
                pieces,
                inserted_chars: inserted,
                deleted_chars: deleted,
            }
        })
        .collect();
    let new_text: String = new
        .iter()
        .map(|d| d.text.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    let opinions = opinions
        .into_iter()
        .map(|o| OpinionCheck {
            passage_still_present: !o.quote.trim().is_empty() && new_text.contains(o.quote.trim()),
            opinion: o,
        })
        .collect();
    Comparison {
        from_label,
        to_label,
        documents,
        opinions,
    }
}

/// The opinion letter: the request, every opinion with its materiality,
/// basis and the submitter's answer, the decision, and the standard closing
/// of practice (shared regulations §5.3).
pub fn opinion_letter(review: &ReviewRow, opinions: &[OpinionRow]) -> Letter {
    let subject = Subject::parse(&review.subject).map_or(review.subject.as_str(), |s| s.label());
    let stage = Stage::parse(&review.stage).map_or(review.stage.as_str(), |s| s.label());
    let decision = review
        .decision
        .as_deref()
        .and_then(Decision::parse)
        .map_or("审查中", |d| d.label());
    let status = Status::parse(&review.status).map_or(review.status.as_str(), |s| s.label());
    let mut blocks = vec![
        LetterBlock::Paragraph(format!("{}：", review.department)),
        LetterBlock::Paragraph(format!(
            "贵部门报送的“{}”（审查对象：{}；审查环节：{}；业务条线：{}）已经消费者权益保护审查。审查结论：{}。现提出以下消保审查意见，请逐条确认采纳情况。",
            review.title,
            subject,
            stage,
            if review.business_line.is_empty() {
                "—"
            } else {
                &review.business_line
            },
            decision
        )),
        LetterBlock::Heading("一、审查意见".into()),
    ];
    if opinions.is_empty() {
        blocks.push(LetterBlock::Paragraph("本次审查未提出意见。".into()));
    } else {
        let rows = opinions
            .iter()
            .enumerate()
            .map(|(i, o)| {
                vec![
                    (i + 1).to_string(),
                    Materiality::parse(&o.materiality)
                        .map_or(o.materiality.clone(), |m| m.label().to_string()),
                    if o.quote.is_empty() {
                        o.body.clone()
                    } else {
                        format!("原文：“{}”\n{}", o.quote, o.body)
                    },
                    if o.suggestion.is_empty() {
                        "—".into()
                    } else {
                        o.suggestion.clone()
                    },
                    if o.basis.is_empty() {
                        "—".into()
                    } else {
                        o.basis.clone()
                    },
                    match (&o.adoption, &o.adoption_reason) {
                        (Some(a), reason) => {
                            let label = xiaobao_domain::review::Adoption::parse(a)
                                .map_or(a.as_str(), |a| a.label());
                            match reason {
                                Some(r) => format!("{label}：{r}"),
                                None => label.to_string(),
                            }
                        }
                        (None, _) => "待答复".into(),
                    },
                ]
            })
            .collect();
        blocks.push(LetterBlock::Table {
            header: ["序号", "性质", "意见", "修改建议", "依据", "采纳情况"]
                .map(String::from)
                .to_vec(),
            rows,
            widths: vec![1, 2, 6, 4, 4, 3],
        });
    }
    blocks.push(LetterBlock::Heading("二、说明".into()));
    blocks.push(LetterBlock::Paragraph(
        "实质性意见应当采纳；确有理由不采纳的，须书面说明理由并按程序报批。一般建议由送审部门结合业务实际决定是否采纳。".into(),
    ));
    blocks.push(LetterBlock::Paragraph(
        "送审单位应落实消费者权益保护审查工作主体责任，并根据业务实际情况决定意见采纳情况。产品或服务上线后，应紧密监控开展情况，优化服务流程，提升客户体验，妥善处理客户投诉，并及时向消保部门反馈；最终上线材料须上传比对。".into(),
    ));
    if let Some(hash) = &review.archive_hash {
        blocks.push(LetterBlock::Paragraph(format!(
            "本审查已于 {} 归档，归档摘要（SHA-256）：{}",
            review
                .approved_at
                .as_deref()
                .map_or("", |t| t.get(..10).unwrap_or(t)),
            hash
        )));
    }
    blocks.push(LetterBlock::Signature(vec![
        "消费者权益保护审查".into(),
        format!(
            "{}（当前状态：{}）",
            review
                .decided_at
                .as_deref()
                .or(Some(review.updated_at.as_str()))
                .map_or("", |t| t.get(..10).unwrap_or(t)),
            status
        ),
    ]));
    Letter {
        title: "消保审查意见书".into(),
        reference: Some(format!("审查编号：{}", review.number)),
        blocks,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_marks_inserted_and_deleted_characters() {
        let (pieces, ins, del) = diff_texts(
            "本产品保本保收益，年化5%。",
            "本产品不保本，业绩比较基准5%。",
        );
        assert!(ins > 0 && del > 0);
        let rebuilt_old: String = pieces
            .iter()
            .filter(|p| p.tag != "insert")
            .map(|p| p.text.as_str())
            .collect();
        let rebuilt_new: String = pieces
            .iter()
            .filter(|p| p.tag != "delete")
            .map(|p| p.text.as_str())
            .collect();
        assert_eq!(rebuilt_old, "本产品保本保收益，年化5%。");
        assert_eq!(rebuilt_new, "本产品不保本，业绩比较基准5%。");
    }

    #[test]
    fn filenames_lose_paths_and_control_characters() {
        assert_eq!(clean_filename("C:\\docs\\海报\u{7}.png"), "海报.png");
        assert_eq!(clean_filename("../../etc/passwd"), "passwd");
        assert_eq!(clean_filename("  "), "");
    }

    #[test]
    fn form_reports_every_problem_at_once() {
        let form = ReviewForm {
            title: "x".into(),
            subject: "poster".into(),
            stage: "design".into(),
            trigger: "nope".into(),
            launch_date: Some("2026-13-01".into()),
            ..ReviewForm::default()
        };
        let err = form
            .validate(&ReviewGuide::shipped())
            .unwrap_err()
            .to_string();
        for needle in ["名称", "审查对象", "送审事由", "拟上线日期"] {
            assert!(err.contains(needle), "{err}");
        }
        assert!(!err.contains("审查环节"), "{err}");
    }
}
