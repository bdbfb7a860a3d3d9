//! Complaint intake: from a [`ComplaintInput`] (API, form or import row) to a
//! stored complaint. Validation, routing and assignment, personal-data
//! protection, masking of personal data inside the free text, risk tags and
//! search tokens all happen here, the same way for every channel.

use std::collections::{HashMap, HashSet};

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

/// Per-import cache of handler loads, so assignment costs one query per
/// organisation instead of one per row.
#[derive(Default)]
pub(crate) struct Assigner {
    loads: HashMap<String, Vec<(String, i64)>>,
}

impl Assigner {
    /// A handler of `org`, else of its nearest ancestor below the head
    /// office that has one: outlets often have no complaint handler of their
    /// own, and their branch handles their complaints.
    async fn pick(
        &mut self,
        services: &Services,
        org: &str,
        excluded: &[String],
    ) -> Result<Option<String>, StoreError> {
        let mut current = services.store.org_by_code(org).await?;
        loop {
            if let Some(user) = self.pick_in(services, &current.code, excluded).await? {
                return Ok(Some(user));
            }
            match &current.parent_code {
                Some(parent) => {
                    let parent = services.store.org_by_code(parent).await?;
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

impl Services {
    /// Validates and prepares one complaint for storage. All problems are
    /// reported together.
    async fn prepare(
        &self,
        actor: &Actor,
        input: &ComplaintInput,
        now: DateTime<Utc>,
        assigner: &mut Assigner,
    ) -> Result<NewComplaint, IntakeError> {
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
        // Responsible organisation: a routing rule, else the one given, else the
        // registering user's own.
        let rules = self.rules();
        let routed = rules.route(&self.taxonomy(), &v.classification, v.product.as_deref());
        let org_code = routed
            .map(|r| r.org.clone())
            .or_else(|| v.org.clone())
            .unwrap_or_else(|| actor.org_code.clone());
        if let Err(e) = self.store.get_org(actor, &org_code).await {
            return Err(match e {
                StoreError::NotFound(_) => IntakeError::Invalid(vec![FieldError {
                    field: "org".into(),
                    message: format!(
                        "责任机构 {org_code} 不存在或不在您的数据范围内 unknown organisation"
                    ),
                    allowed: Vec::new(),
                }]),
                other => IntakeError::Store(other),
            });
        }
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
        for t in text_tags(&v.content, &masked_content) {
            if !tags.contains(&t) {
                tags.push(t);
            }
        }
        let segmenter = Segmenter::shared();
        let search_tokens = segmenter
            .search_tokens(&format!("{title} {}", masked_content.text))
            .join(" ");
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
            title,
            content: masked_content.text,
            content_enc,
            complainant: protected,
            product: v.product,
            amount_fen: v.amount_fen,
            subject_staff: v.subject_staff,
            tags,
            org_code,
            assignee,
            search_tokens,
            registered_at: None,
            history: Vec::new(),
        })
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
        Ok(self
            .store
            .create_complaint(actor, &new, &self.policy(), now)
            .await?)
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
        let mut existing: HashSet<String> = HashSet::new();
        let mut batch = Vec::with_capacity(rows.len());
        for (row, parsed) in rows {
            let input = match parsed {
                Ok(input) => input,
                Err(errs) => {
                    report.errors.extend(errs);
                    continue;
                }
            };
            if let Some(ext) = input
                .external_id
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
            {
                if let Some(first) = seen_external.insert(ext.to_string(), row) {
                    report.errors.push(RowError {
                        row,
                        column: "external_id".into(),
                        message: format!(
                            "外部编号 {ext} 与第 {first} 行重复 duplicate external_id"
                        ),
                    });
                    continue;
                }
                if self.store.complaint_id_by_external_id(ext).await?.is_some() {
                    existing.insert(ext.to_string());
                    report.skipped_existing += 1;
                    continue;
                }
            }
            match self.prepare(actor, &input, now, &mut assigner).await {
                Ok(new) => batch.push(new),
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
        if !report.errors.is_empty() || dry_run {
            return Ok(report);
        }
        // One transaction per chunk would leave earlier chunks behind on a
        // failure; the whole file is one transaction.
        let ids = self
            .store
            .create_complaints(actor, &batch, &self.policy(), now)
            .await?;
        report.created = ids.len();
        Ok(report)
    }
}
