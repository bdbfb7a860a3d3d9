//! Complaint intake: from a [`ComplaintInput`] (API, form or import row) to a
//! stored complaint. Validation, routing and assignment, personal-data
//! protection, masking of personal data inside the free text, risk tags and
//! search tokens all happen here, the same way for every channel.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::{DateTime, Utc};
use serde::Serialize;
use xiaobao_domain::actor::Actor;
use xiaobao_domain::intake::{ComplaintInput, FieldError};
use xiaobao_domain::taxonomy::Dimension;
use xiaobao_pii::PiiField;
use xiaobao_store::StoreError;
use xiaobao_store::complaints::{ComplaintRow, NewComplaint, ProtectedComplainant, ProtectedField};
use xiaobao_text::Segmenter;

use crate::Services;

/// Why a complaint (or an import) was not registered.
#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    #[error("投诉信息有误 invalid complaint: {}", summarize(.0))]
    Invalid(Vec<FieldError>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn summarize(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(|e| format!("{}: {}", e.field, e.message))
        .collect::<Vec<_>>()
        .join("；")
}

/// One problem in one row of an import file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    /// The row number as the user sees it in the file.
    pub row: usize,
    /// The column (header as in the file, or field name).
    pub column: String,
    /// What is wrong, in Chinese.
    pub message: String,
}

/// What an import did, or would do with `--dry-run`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportReport {
    pub rows: usize,
    /// Complaints registered (0 on a dry run or when any row is bad).
    pub created: usize,
    /// Rows whose `external_id` was already registered (imports are idempotent).
    pub skipped_existing: usize,
    pub dry_run: bool,
    /// Every bad row; when not empty, nothing was written.
    pub errors: Vec<RowError>,
}

/// Tags derived from the text: escalation risk, vulnerable-customer cues and
/// C3 secrets found in the text.
fn text_tags(original: &str, masked: &xiaobao_text::Masked) -> Vec<String> {
    let report = xiaobao_text::scan(original);
    let mut tags: Vec<String> = report
        .tags
        .iter()
        .map(|t| {
            let group = match t.group() {
                xiaobao_text::signals::SignalGroup::Escalation => "升级风险",
                xiaobao_text::signals::SignalGroup::Vulnerable => "特殊群体",
            };
            format!("{group}:{}", t.label_zh())
        })
        .collect();
    if masked.has_c3() {
        tags.push("敏感信息:已删除".to_string());
    }
    tags
}

/// Tags from the knowledge base: a complaint that quotes a taboo service
/// phrase or a prohibited collection practice is tagged with the category and
/// the knowledge-base pattern it matched (`违规催收:爆通讯录`).
fn kb_tags(matcher: &xiaobao_lexicon::Matcher, text: &str) -> Vec<String> {
    use xiaobao_lexicon::{Category, MaterialKind, ScanOptions};
    let mut tags = Vec::new();
    for (kind, category, label) in [
        (MaterialKind::Service, Category::ServiceTaboo, "服务禁语"),
        (
            MaterialKind::Collection,
            Category::DebtCollection,
            "违规催收",
        ),
    ] {
        for f in matcher.scan(text, &ScanOptions::for_kind(kind)).findings {
            if f.category == category {
                let tag = format!("{label}:{}", f.pattern);
                if !tags.contains(&tag) {
                    tags.push(tag);
                }
            }
        }
    }
    tags
}

/// Per-import cache of handler loads, so assignment costs one query per
/// organisation instead of one per row.
#[derive(Default)]
pub(crate) struct Assigner {
    loads: HashMap<String, Vec<(String, i64)>>,
    orgs: HashMap<String, Option<xiaobao_store::orgs::Org>>,
    in_scope: HashMap<String, bool>,
}

impl Assigner {
    async fn org(
        &mut self,
        services: &Services,
        code: &str,
    ) -> Result<Option<xiaobao_store::orgs::Org>, StoreError> {
        if let Some(o) = self.orgs.get(code) {
            return Ok(o.clone());
        }
        let org = match services.store.org_by_code(code).await {
            Ok(o) => Some(o),
            Err(StoreError::NotFound(_)) => None,
            Err(e) => return Err(e),
        };
        self.orgs.insert(code.to_string(), org.clone());
        Ok(org)
    }

    /// Whether `code` exists and lies inside the actor's scope.
    async fn org_in_scope(
        &mut self,
        services: &Services,
        actor: &Actor,
        code: &str,
    ) -> Result<bool, StoreError> {
        if let Some(known) = self.in_scope.get(code) {
            return Ok(*known);
        }
        let ok = self
            .org(services, code)
            .await?
            .is_some_and(|o| actor.scope().contains(&o.path));
        self.in_scope.insert(code.to_string(), ok);
        Ok(ok)
    }

    /// A handler of `org`, else of its nearest ancestor below the head
    /// office that has one: outlets often have no complaint handler of their
    /// own, and their branch handles their complaints.
    async fn pick(
        &mut self,
        services: &Services,
        org: &str,
        excluded: &[String],
    ) -> Result<Option<String>, StoreError> {
        let Some(mut current) = self.org(services, org).await? else {
            return Ok(None);
        };
        loop {
            if let Some(user) = self.pick_in(services, &current.code, excluded).await? {
                return Ok(Some(user));
            }
            match &current.parent_code {
                Some(parent) => {
                    let Some(parent) = self.org(services, parent).await? else {
                        return Ok(None);
                    };
                    if parent.parent_code.is_none() {
                        return Ok(None);
                    }
                    current = parent;
                }
                None => return Ok(None),
            }
        }
    }

    async fn pick_in(
        &mut self,
        services: &Services,
        org: &str,
        excluded: &[String],
    ) -> Result<Option<String>, StoreError> {
        use crate::assignment::Strategy;
        if services.rules().strategy == Strategy::RoundRobin {
            return services
                .rules()
                .pick_handler(&services.store, org, excluded)
                .await;
        }
        if !self.loads.contains_key(org) {
            let load = services.store.handler_load(org).await?;
            self.loads.insert(org.to_string(), load);
        }
        let load = self
            .loads
            .get_mut(org)
            .map(Vec::as_mut_slice)
            .unwrap_or_default();
        let best = load
            .iter_mut()
            .filter(|(u, _)| !excluded.iter().any(|e| e == u))
            .min_by_key(|(u, n)| (*n, u.clone()));
        Ok(best.map(|(u, n)| {
            *n += 1;
            u.clone()
        }))
    }
}

/// One chunk of prepared rows, with its index in the import.
type PreparedChunk = (usize, Vec<Result<Prepared, IntakeError>>);

/// Rows per chunk of an import's preparation: large enough that handing out
/// chunks costs nothing, small enough that writing starts early.
const PREPARE_CHUNK: usize = 500;

/// The part of intake that needs no database: validation, personal-data
/// protection, masking, tags and search tokens. Pure CPU work, so imports run
/// it on every core.
struct Prepared {
    valid: xiaobao_domain::intake::ValidComplaint,
    protected: ProtectedComplainant,
    title: String,
    content: String,
    content_enc: Option<String>,
    tags: Vec<String>,
    search_tokens: String,
}

impl Services {
    fn prepare_pure(
        &self,
        input: &ComplaintInput,
        now: DateTime<Utc>,
    ) -> Result<Prepared, IntakeError> {
        let mut errors = Vec::new();
        let valid = match input.validate(&self.taxonomy(), now) {
            Ok(v) => Some(v),
            Err(e) => {
                errors.extend(e);
                None
            }
        };
        let complainant = input.complainant.clone().unwrap_or_default();
        let mut protect =
            |field: PiiField, name: &str, raw: &Option<String>| -> Option<ProtectedField> {
                let raw = raw.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
                match self.pii.protect(field, raw) {
                    Ok(p) => Some(ProtectedField {
                        ciphertext: p.ciphertext,
                        masked: p.masked,
                        blind_index: p.blind_index,
                    }),
                    Err(e) => {
                        errors.push(FieldError {
                            field: format!("complainant.{name}"),
                            message: e.to_string(),
                            allowed: Vec::new(),
                        });
                        None
                    }
                }
            };
        let protected = ProtectedComplainant {
            name: protect(PiiField::Name, "name", &complainant.name),
            phone: protect(PiiField::Phone, "phone", &complainant.phone),
            id_number: protect(PiiField::IdNumber, "id_number", &complainant.id_number),
            card_number: protect(
                PiiField::CardNumber,
                "card_number",
                &complainant.card_number,
            ),
        };
        let Some(v) = valid.filter(|_| errors.is_empty()) else {
            return Err(IntakeError::Invalid(errors));
        };
        let masked_content = xiaobao_text::mask(&v.content);
        let content_enc = if masked_content.text != v.content {
            Some(
                self.pii
                    .keys()
                    .encrypt("content", &v.content)
                    .map_err(|e| StoreError::Internal(e.to_string()))?,
            )
        } else {
            None
        };
        let title = xiaobao_text::pii::mask_text(&v.title);
        let mut tags = v.tags.clone();
        let kb = self.kb();
        for t in text_tags(&v.content, &masked_content)
            .into_iter()
            .chain(kb_tags(&kb.matcher, &v.content))
        {
            if !tags.contains(&t) {
                tags.push(t);
            }
        }
        let search_tokens = Segmenter::shared()
            .search_tokens(&format!("{title} {}", masked_content.text))
            .join(" ");
        Ok(Prepared {
            valid: v,
            protected,
            title,
            content: masked_content.text,
            content_enc,
            tags,
            search_tokens,
        })
    }

    /// Loads what [`Services::prepare_pure`] needs on first use (the
    /// segmenter's dictionary, the knowledge base's normalisation tables).
    pub(crate) fn warm_up_preparation(&self) {
        Segmenter::shared().search_tokens("预热");
        kb_tags(&self.kb().matcher, "预热");
    }

    /// Routing and assignment: the part of intake that reads the database
    /// (cached per import in `assigner`).
    async fn finish(
        &self,
        actor: &Actor,
        p: Prepared,
        assigner: &mut Assigner,
    ) -> Result<NewComplaint, IntakeError> {
        let v = p.valid;
        // Responsible organisation: a routing rule, else the one given, else the
        // registering user's own.
        let rules = self.rules();
        let routed = rules.route(&self.taxonomy(), &v.classification, v.product.as_deref());
        let org_code = routed
            .map(|r| r.org.clone())
            .or_else(|| v.org.clone())
            .unwrap_or_else(|| actor.org_code.clone());
        if !assigner.org_in_scope(self, actor, &org_code).await? {
            return Err(IntakeError::Invalid(vec![FieldError {
                field: "org".into(),
                message: format!(
                    "责任机构 {org_code} 不存在或不在您的数据范围内 unknown organisation"
                ),
                allowed: Vec::new(),
            }]));
        }
        let assignee = assigner.pick(self, &org_code, &v.subject_staff).await?;
        let regime = self
            .taxonomy()
            .sla_regime_for_source(&v.classification.source)
            .map_err(|e| {
                IntakeError::Invalid(vec![FieldError {
                    field: Dimension::Source.field_name().into(),
                    message: e.to_string(),
                    allowed: e.valid.clone(),
                }])
            })?;
        Ok(NewComplaint {
            external_id: v.external_id,
            received_at: v.received_at,
            classification: v.classification,
            regime,
            title: p.title,
            content: p.content,
            content_enc: p.content_enc,
            complainant: p.protected,
            product: v.product,
            amount_fen: v.amount_fen,
            subject_staff: v.subject_staff,
            tags: p.tags,
            org_code,
            assignee,
            search_tokens: p.search_tokens,
            registered_at: None,
            history: Vec::new(),
        })
    }

    /// [`Services::prepare_pure`] over many inputs on every core, in chunks
    /// of [`PREPARE_CHUNK`] rows handed out in turn. Each chunk is sent as
    /// soon as it is ready, tagged with its index, so that the caller can
    /// write the first chunks while later ones are being prepared.
    fn prepare_streaming(
        &self,
        inputs: Arc<Vec<(usize, ComplaintInput)>>,
        now: DateTime<Utc>,
    ) -> tokio::sync::mpsc::UnboundedReceiver<PreparedChunk> {
        let (sender, receiver) = tokio::sync::mpsc::unbounded_channel();
        let chunks = inputs.len().div_ceil(PREPARE_CHUNK);
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .clamp(1, 8)
            .min(chunks.max(1));
        let next = Arc::new(AtomicUsize::new(0));
        for _ in 0..threads {
            let services = self.clone();
            let inputs = Arc::clone(&inputs);
            let next = Arc::clone(&next);
            let sender = sender.clone();
            std::thread::spawn(move || {
                loop {
                    let chunk = next.fetch_add(1, Ordering::Relaxed);
                    if chunk >= chunks {
                        break;
                    }
                    let start = chunk * PREPARE_CHUNK;
                    let end = (start + PREPARE_CHUNK).min(inputs.len());
                    let prepared = inputs[start..end]
                        .iter()
                        .map(|(_, input)| services.prepare_pure(input, now))
                        .collect();
                    // The receiver is gone when the import stopped early.
                    if sender.send((chunk, prepared)).is_err() {
                        break;
                    }
                }
            });
        }
        receiver
    }

    /// Validates and prepares one complaint for storage. All problems are
    /// reported together.
    async fn prepare(
        &self,
        actor: &Actor,
        input: &ComplaintInput,
        now: DateTime<Utc>,
        assigner: &mut Assigner,
    ) -> Result<NewComplaint, IntakeError> {
        let prepared = self.prepare_pure(input, now)?;
        self.finish(actor, prepared, assigner).await
    }

    /// Validates and prepares one complaint without storing it (for callers
    /// that store in bulk, such as historical imports and the demo).
    pub async fn prepare_complaint(
        &self,
        actor: &Actor,
        input: &ComplaintInput,
        now: DateTime<Utc>,
    ) -> Result<NewComplaint, IntakeError> {
        let mut assigner = self.assigner.lock().await;
        self.prepare(actor, input, now, &mut assigner).await
    }

    /// Registers one complaint (API, intake form).
    pub async fn register_complaint(
        &self,
        actor: &Actor,
        input: &ComplaintInput,
        now: DateTime<Utc>,
    ) -> Result<ComplaintRow, IntakeError> {
        if let Some(ext) = input
            .external_id
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            && let Some((_, number)) = self.store.complaint_id_by_external_id(ext).await?
        {
            return Err(StoreError::Conflict(format!(
                "外部编号 {ext} 已登记为 {number} external_id already registered"
            ))
            .into());
        }
        let mut assigner = Assigner::default();
        let new = self.prepare(actor, input, now, &mut assigner).await?;
        let row = self
            .store
            .create_complaint(actor, &new, &self.policy(), now)
            .await?;
        // The complaint is registered whatever the alert rules make of it.
        if let Err(e) = self.alerts_for_ticket(&row, &input.content).await {
            tracing::warn!(complaint = %row.number, error = %e, "per-ticket alert rules failed");
        }
        Ok(row)
    }

    /// Imports rows all-or-nothing: when any row is bad, nothing is written
    /// and the report lists every bad row. Rows whose `external_id` is already
    /// registered are skipped, so importing the same file twice is harmless.
    pub async fn import_complaints(
        &self,
        actor: &Actor,
        rows: Vec<(usize, Result<ComplaintInput, Vec<RowError>>)>,
        dry_run: bool,
        now: DateTime<Utc>,
    ) -> Result<ImportReport, IntakeError> {
        let mut report = ImportReport {
            rows: rows.len(),
            dry_run,
            ..ImportReport::default()
        };
        let mut assigner = Assigner::default();
        let mut seen_external: HashMap<String, usize> = HashMap::new();
        let mut inputs: Vec<(usize, ComplaintInput)> = Vec::with_capacity(rows.len());
        for (row, parsed) in rows {
            match parsed {
                Ok(input) => inputs.push((row, input)),
                Err(errs) => report.errors.extend(errs),
            }
        }
        // Duplicates inside the file, then ids registered before (skipped).
        let external = |input: &ComplaintInput| {
            input
                .external_id
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let mut unique = Vec::with_capacity(inputs.len());
        for (row, input) in inputs {
            if let Some(ext) = external(&input)
                && let Some(first) = seen_external.insert(ext.clone(), row)
            {
                report.errors.push(RowError {
                    row,
                    column: "external_id".into(),
                    message: format!("外部编号 {ext} 与第 {first} 行重复 duplicate external_id"),
                });
                continue;
            }
            unique.push((row, input));
        }
        let ids: Vec<String> = seen_external.keys().cloned().collect();
        let existing = self.store.existing_external_ids(&ids).await?;
        let fresh: Vec<(usize, ComplaintInput)> = unique
            .into_iter()
            .filter(|(_, input)| {
                let skip = external(input).is_some_and(|e| existing.contains(&e));
                if skip {
                    report.skipped_existing += 1;
                }
                !skip
            })
            .collect();
        // The CPU-heavy part runs on every core; routing, assignment and
        // writing follow chunk by chunk in file order, inside one
        // transaction that is committed only when every row was good.
        let started = std::time::Instant::now();
        let total = fresh.len();
        let inputs = Arc::new(fresh);
        let mut chunks = self.prepare_streaming(Arc::clone(&inputs), now);
        let mut writer = if report.errors.is_empty() && !dry_run && total > 0 {
            Some(
                self.store
                    .begin_complaints(actor, &self.policy(), now, total)
                    .await?,
            )
        } else {
            None
        };
        let mut waiting = std::collections::BTreeMap::new();
        let mut next_chunk = 0;
        let mut created = 0;
        while next_chunk * PREPARE_CHUNK < total {
            let prepared = match waiting.remove(&next_chunk) {
                Some(prepared) => prepared,
                None => match chunks.recv().await {
                    Some((chunk, prepared)) => {
                        waiting.insert(chunk, prepared);
                        continue;
                    }
                    // Every sender is gone before the last chunk: a worker
                    // panicked. Nothing is committed.
                    None => {
                        return Err(IntakeError::Store(StoreError::Internal(
                            "导入处理线程失败 import worker failed".into(),
                        )));
                    }
                },
            };
            let offset = next_chunk * PREPARE_CHUNK;
            next_chunk += 1;
            let mut batch = Vec::with_capacity(prepared.len());
            for (k, result) in prepared.into_iter().enumerate() {
                let row = inputs[offset + k].0;
                let outcome = match result {
                    Ok(p) => self.finish(actor, p, &mut assigner).await,
                    Err(e) => Err(e),
                };
                match outcome {
                    Ok(mut new) => {
                        // Imported complaints are numbered by the day they
                        // were received, so a migration of years of history
                        // does not exhaust one day's 999,999 numbers.
                        new.registered_at = Some(new.received_at);
                        batch.push(new)
                    }
                    Err(IntakeError::Invalid(errs)) => {
                        report.errors.extend(errs.into_iter().map(|e| RowError {
                            row,
                            column: e.field,
                            message: e.message,
                        }))
                    }
                    Err(other) => return Err(other),
                }
            }
            if !report.errors.is_empty() {
                // Nothing will be kept; the rest is only validated.
                writer = None;
            }
            if let Some(writer) = writer.as_mut() {
                created += writer.write(&batch).await?.len();
            }
        }
        tracing::debug!(
            rows = total,
            seconds = started.elapsed().as_secs_f64(),
            "import: rows prepared and written"
        );
        if let Some(writer) = writer
            && report.errors.is_empty()
        {
            writer.commit().await?;
            report.created = created;
        }
        tracing::debug!(
            seconds = started.elapsed().as_secs_f64(),
            "import: committed"
        );
        Ok(report)
    }
}
