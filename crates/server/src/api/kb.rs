//! The forbidden-words knowledge base over HTTP: browse, edit with
//! validation, scan a text, version history with comparison and rollback,
//! import and export (JSON Lines or XLSX). Every change is a new version that
//! all instances pick up without a restart.

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use xiaobao_lexicon::{
    Category, DisclosureRule, Entry, KbDiff, KnowledgeBase, Level, MaterialKind, ScanOptions,
    ScanReport, Severity,
};
use xiaobao_service::kb::{KbHistoryItem, KbUpdateError, may_edit_kb};

use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{ApiError, ApiJson, ApiQuery, ErrorBody};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/kb", get(summary))
        .route("/api/v1/kb/entries", get(list_entries))
        .route(
            "/api/v1/kb/entries/{id}",
            get(get_entry).put(put_entry).delete(delete_record),
        )
        .route("/api/v1/kb/disclosures", get(list_disclosures))
        .route(
            "/api/v1/kb/disclosures/{id}",
            put(put_disclosure).delete(delete_record),
        )
        .route("/api/v1/kb/scan", post(scan))
        .route("/api/v1/kb/versions", get(versions))
        .route("/api/v1/kb/versions/{number}", get(version))
        .route("/api/v1/kb/versions/{number}/rollback", post(rollback))
        .route("/api/v1/kb/export", get(export))
        .route("/api/v1/kb/import", post(import))
}

/// Maps a knowledge-base update error to the API error format.
pub fn kb_error(err: KbUpdateError) -> ApiError {
    match err {
        KbUpdateError::Forbidden => ApiError::forbidden(err.to_string()),
        KbUpdateError::Stale { .. } => ApiError::conflict(err.to_string()),
        KbUpdateError::UnknownRecord(_) => ApiError::not_found(err.to_string()),
        KbUpdateError::Invalid(ref diags) => {
            let details = serde_json::json!({ "diagnostics": diags });
            ApiError::unprocessable(err.to_string()).with_details(details)
        }
        KbUpdateError::Store(e) => e.into(),
        other => ApiError::unprocessable(other.to_string()),
    }
}

/// The knowledge base in force.
#[derive(Serialize, ToSchema)]
pub struct KbSummary {
    /// Version in force (0: the shipped knowledge base).
    pub version: i64,
    pub entries: usize,
    pub disclosures: usize,
    pub literal_patterns: usize,
}

/// The version in force and its size.
#[utoipa::path(get, path = "/api/v1/kb", tag = "kb", responses((status = 200, body = KbSummary)))]
pub async fn summary(State(state): State<AppState>, ApiUser(_auth): ApiUser) -> ApiJson<KbSummary> {
    let kb = state.services.kb();
    ApiJson(KbSummary {
        version: kb.version,
        entries: kb.kb.entries.len(),
        disclosures: kb.kb.disclosures.len(),
        literal_patterns: kb.matcher.literal_count(),
    })
}

/// Filters of the entry list. Empty values do not filter.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct EntryQuery {
    /// Text searched in id, title, terms, suggestion and legal basis.
    pub q: Option<String>,
    /// Category (Chinese label, e.g. `保本保收益承诺`).
    pub category: Option<String>,
    /// `禁止`, `警示` or `提示`.
    pub severity: Option<String>,
    /// Material kind: `marketing`, `agreement`, `script`, `sms`, `collection`, `service`.
    pub kind: Option<String>,
}

/// Entries of the knowledge base in force that match `q`.
pub fn filter_entries<'a>(
    kb: &'a KnowledgeBase,
    q: &EntryQuery,
) -> Result<Vec<&'a Entry>, ApiError> {
    let text = q.q.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let category = match q.category.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(c) => Some(Category::parse(c).ok_or_else(|| {
            ApiError::unprocessable(format!("未知的类别「{c}」"))
                .with_details(serde_json::json!({"allowed": Category::ALL.iter().map(|c| c.as_str()).collect::<Vec<_>>()}))
        })?),
    };
    let severity = match q
        .severity
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(s) => Some(Severity::parse(s).ok_or_else(|| {
            ApiError::unprocessable(format!("未知的严重程度「{s}」，可选：禁止、警示、提示"))
        })?),
    };
    let kind = parse_kind(q.kind.as_deref())?;
    Ok(kb
        .entries
        .iter()
        .filter(|e| category.is_none_or(|c| e.category == c))
        .filter(|e| severity.is_none_or(|s| e.severity == s))
        .filter(|e| kind.is_none_or(|k| e.kinds.contains(&k)))
        .filter(|e| {
            text.is_none_or(|t| {
                e.id.contains(t)
                    || e.title.contains(t)
                    || e.suggestion.contains(t)
                    || e.terms.iter().any(|x| x.contains(t))
                    || e.basis
                        .iter()
                        .any(|b| b.law.contains(t) || b.gist.contains(t))
            })
        })
        .collect())
}

/// Parses an optional material kind.
pub fn parse_kind(kind: Option<&str>) -> Result<Option<MaterialKind>, ApiError> {
    match kind.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(k) => MaterialKind::parse(k).map(Some).ok_or_else(|| {
            ApiError::unprocessable(format!(
                "未知的材料类型「{k}」，可选：marketing、agreement、script、sms、collection、service"
            ))
        }),
    }
}

/// Entries (forbidden and risky wording) with filters.
#[utoipa::path(get, path = "/api/v1/kb/entries", tag = "kb", params(EntryQuery),
    responses((status = 200, description = "`{version, items, total}`"), (status = 422, body = ErrorBody)))]
pub async fn list_entries(
    State(state): State<AppState>,
    ApiUser(_auth): ApiUser,
    ApiQuery(q): ApiQuery<EntryQuery>,
) -> Result<Response, ApiError> {
    let kb = state.services.kb();
    let items = filter_entries(&kb.kb, &q)?;
    Ok(axum::Json(serde_json::json!({
        "version": kb.version, "total": items.len(), "items": items,
    }))
    .into_response())
}

/// Required-disclosure rules.
#[utoipa::path(get, path = "/api/v1/kb/disclosures", tag = "kb",
    responses((status = 200, description = "`{version, items, total}`")))]
pub async fn list_disclosures(State(state): State<AppState>, ApiUser(_auth): ApiUser) -> Response {
    let kb = state.services.kb();
    axum::Json(serde_json::json!({
        "version": kb.version, "total": kb.kb.disclosures.len(), "items": kb.kb.disclosures,
    }))
    .into_response()
}

/// One entry.
#[utoipa::path(get, path = "/api/v1/kb/entries/{id}", tag = "kb",
    responses((status = 200, description = "the entry"), (status = 404, body = ErrorBody)))]
pub async fn get_entry(
    State(state): State<AppState>,
    ApiUser(_auth): ApiUser,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let kb = state.services.kb();
    let entry = kb
        .kb
        .entry(&id)
        .ok_or_else(|| ApiError::not_found(format!("条目 {id} 不存在")))?;
    Ok(axum::Json(serde_json::json!({"version": kb.version, "entry": entry})).into_response())
}

/// An edit: the record, why, and the version it was made against.
#[derive(Deserialize, ToSchema)]
pub struct EntryEdit {
    #[schema(value_type = Object)]
    pub entry: Entry,
    pub reason: String,
    /// The version the edit started from; a newer version gives 409.
    pub base_version: Option<i64>,
}

/// A disclosure-rule edit.
#[derive(Deserialize, ToSchema)]
pub struct DisclosureEdit {
    #[schema(value_type = Object)]
    pub rule: DisclosureRule,
    pub reason: String,
    pub base_version: Option<i64>,
}

/// The version created by a change.
#[derive(Serialize, ToSchema)]
pub struct VersionOut {
    pub version: i64,
}

/// Adds or replaces an entry. The whole knowledge base is checked and
/// compiled first; 422 lists the diagnostics.
#[utoipa::path(put, path = "/api/v1/kb/entries/{id}", tag = "kb", request_body = EntryEdit,
    responses((status = 200, body = VersionOut), (status = 403, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn put_entry(
    State(state): State<AppState>,
    ApiUser(auth): ApiUser,
    Path(id): Path<String>,
    ApiJson(edit): ApiJson<EntryEdit>,
) -> Result<ApiJson<VersionOut>, ApiError> {
    if edit.entry.id != id {
        return Err(ApiError::unprocessable(format!(
            "路径中的编号 {id} 与条目编号 {} 不一致",
            edit.entry.id
        )));
    }
    let version = state
        .services
        .save_kb_entry(&auth.actor, edit.entry, &edit.reason, edit.base_version)
        .await
        .map_err(kb_error)?;
    Ok(ApiJson(VersionOut { version }))
}

/// Adds or replaces a required-disclosure rule.
#[utoipa::path(put, path = "/api/v1/kb/disclosures/{id}", tag = "kb", request_body = DisclosureEdit,
    responses((status = 200, body = VersionOut), (status = 403, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn put_disclosure(
    State(state): State<AppState>,
    ApiUser(auth): ApiUser,
    Path(id): Path<String>,
    ApiJson(edit): ApiJson<DisclosureEdit>,
) -> Result<ApiJson<VersionOut>, ApiError> {
    if edit.rule.id != id {
        return Err(ApiError::unprocessable(format!(
            "路径中的编号 {id} 与规则编号 {} 不一致",
            edit.rule.id
        )));
    }
    let version = state
        .services
        .save_kb_disclosure(&auth.actor, edit.rule, &edit.reason, edit.base_version)
        .await
        .map_err(kb_error)?;
    Ok(ApiJson(VersionOut { version }))
}

/// Why a record is removed.
#[derive(Debug, Deserialize, IntoParams)]
pub struct DeleteQuery {
    pub reason: String,
    pub base_version: Option<i64>,
}

/// Removes an entry or a disclosure rule.
#[utoipa::path(delete, path = "/api/v1/kb/entries/{id}", tag = "kb", params(DeleteQuery),
    responses((status = 200, body = VersionOut), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn delete_record(
    State(state): State<AppState>,
    ApiUser(auth): ApiUser,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<DeleteQuery>,
) -> Result<ApiJson<VersionOut>, ApiError> {
    let version = state
        .services
        .delete_kb_record(&auth.actor, &id, &q.reason, q.base_version)
        .await
        .map_err(kb_error)?;
    Ok(ApiJson(VersionOut { version }))
}

/// A text to scan.
#[derive(Deserialize, ToSchema)]
pub struct ScanIn {
    pub text: String,
    /// Material kind; absent: every entry and the marketing disclosure duties.
    pub kind: Option<String>,
}

/// Largest text the scan endpoint takes, in characters.
pub const MAX_SCAN_CHARS: usize = 200_000;

/// Scans a text with the knowledge base in force.
pub fn scan_text(state: &AppState, text: &str, kind: Option<&str>) -> Result<ScanReport, ApiError> {
    if text.trim().is_empty() {
        return Err(ApiError::unprocessable("请输入要检查的文本"));
    }
    if text.chars().count() > MAX_SCAN_CHARS {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!("文本超过 {MAX_SCAN_CHARS} 字，请分段检查"),
        ));
    }
    let options = match parse_kind(kind)? {
        Some(k) => ScanOptions::for_kind(k),
        None => ScanOptions::default(),
    };
    Ok(state.services.kb().matcher.scan(text, &options))
}

/// Findings (character offsets in the text as sent) and missing disclosures.
#[utoipa::path(post, path = "/api/v1/kb/scan", tag = "kb", request_body = ScanIn,
    responses((status = 200, description = "`{version, findings, missing_disclosures}`"), (status = 422, body = ErrorBody)))]
pub async fn scan(
    State(state): State<AppState>,
    ApiUser(_auth): ApiUser,
    ApiJson(input): ApiJson<ScanIn>,
) -> Result<Response, ApiError> {
    let report = scan_text(&state, &input.text, input.kind.as_deref())?;
    Ok(axum::Json(serde_json::json!({
        "version": state.services.kb().version,
        "findings": report.findings,
        "missing_disclosures": report.missing_disclosures,
    }))
    .into_response())
}

/// Version history, newest first (version 0, the shipped knowledge base, is
/// not listed).
#[utoipa::path(get, path = "/api/v1/kb/versions", tag = "kb", responses((status = 200, description = "versions")))]
pub async fn versions(
    State(state): State<AppState>,
    ApiUser(_auth): ApiUser,
) -> Result<ApiJson<Vec<KbHistoryItem>>, ApiError> {
    Ok(ApiJson(state.services.kb_history(500).await?))
}

/// Comparison of two versions.
#[derive(Debug, Deserialize, IntoParams)]
pub struct CompareQuery {
    /// Version compared against (default: the one before).
    pub against: Option<i64>,
}

/// One version compared with another (default: its predecessor).
#[utoipa::path(get, path = "/api/v1/kb/versions/{number}", tag = "kb", params(CompareQuery),
    responses((status = 200, description = "`{number, against, diff, entries, disclosures}`"), (status = 404, body = ErrorBody)))]
pub async fn version(
    State(state): State<AppState>,
    ApiUser(_auth): ApiUser,
    Path(number): Path<i64>,
    ApiQuery(q): ApiQuery<CompareQuery>,
) -> Result<Response, ApiError> {
    let against = q.against.unwrap_or((number - 1).max(0));
    let new = state.services.kb_at(number).await.map_err(kb_error)?;
    let old = state.services.kb_at(against).await.map_err(kb_error)?;
    let diff: KbDiff = xiaobao_lexicon::diff(&old, &new);
    Ok(axum::Json(serde_json::json!({
        "number": number, "against": against, "diff": diff,
        "entries": new.entries.len(), "disclosures": new.disclosures.len(),
    }))
    .into_response())
}

/// Why a rollback is made.
#[derive(Deserialize, ToSchema)]
pub struct RollbackIn {
    pub reason: String,
}

/// Makes an earlier version the one in force (as a new version).
#[utoipa::path(post, path = "/api/v1/kb/versions/{number}/rollback", tag = "kb", request_body = RollbackIn,
    responses((status = 200, body = VersionOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn rollback(
    State(state): State<AppState>,
    ApiUser(auth): ApiUser,
    Path(number): Path<i64>,
    ApiJson(input): ApiJson<RollbackIn>,
) -> Result<ApiJson<VersionOut>, ApiError> {
    let version = state
        .services
        .rollback_kb(&auth.actor, number, &input.reason)
        .await
        .map_err(kb_error)?;
    Ok(ApiJson(VersionOut { version }))
}

/// Export format.
#[derive(Debug, Deserialize, IntoParams)]
pub struct ExportQuery {
    /// `jsonl` (default) or `xlsx`.
    pub format: Option<String>,
    /// Version to export (default: the one in force).
    pub version: Option<i64>,
}

/// The knowledge base as JSON Lines or an XLSX workbook.
#[utoipa::path(get, path = "/api/v1/kb/export", tag = "kb", params(ExportQuery),
    responses((status = 200, description = "the file"), (status = 422, body = ErrorBody)))]
pub async fn export(
    State(state): State<AppState>,
    ApiUser(_auth): ApiUser,
    ApiQuery(q): ApiQuery<ExportQuery>,
) -> Result<Response, ApiError> {
    let (version, kb) = match q.version {
        Some(n) => (n, state.services.kb_at(n).await.map_err(kb_error)?),
        None => {
            let s = state.services.kb();
            (s.version, s.kb.clone())
        }
    };
    export_response(&kb, version, q.format.as_deref())
}

/// A download of `kb` in `format`.
pub fn export_response(
    kb: &KnowledgeBase,
    version: i64,
    format: Option<&str>,
) -> Result<Response, ApiError> {
    match format.unwrap_or("jsonl") {
        "jsonl" => Ok((
            [
                (
                    header::CONTENT_TYPE,
                    "application/x-ndjson; charset=utf-8".to_string(),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"kb-v{version}.jsonl\""),
                ),
            ],
            kb.to_jsonl(),
        )
            .into_response()),
        "xlsx" => {
            let bytes = xiaobao_ingest::kb_workbook::write_kb_xlsx(kb).map_err(|e| {
                tracing::error!(error = %e, "knowledge-base export failed");
                ApiError::internal()
            })?;
            Ok(super::transfer::xlsx_response(
                Body::from(bytes),
                &format!("kb-v{version}.xlsx"),
                &format!("消保禁语知识库_v{version}.xlsx"),
            ))
        }
        other => Err(ApiError::unprocessable(format!(
            "未知的导出格式「{other}」，可选：jsonl、xlsx"
        ))),
    }
}

/// How an import is applied.
#[derive(Debug, Deserialize, IntoParams)]
pub struct ImportQuery {
    /// Why (required unless `dry_run`).
    #[serde(default)]
    pub reason: String,
    /// Check and compare with the version in force, without saving.
    #[serde(default)]
    pub dry_run: bool,
    pub base_version: Option<i64>,
}

/// Parses an uploaded knowledge base (JSON Lines or XLSX, by content).
pub fn parse_upload(bytes: &[u8]) -> Result<KnowledgeBase, ApiError> {
    if bytes.is_empty() {
        return Err(ApiError::unprocessable("文件为空"));
    }
    let (kb, diags) = if bytes.starts_with(b"PK") {
        xiaobao_ingest::kb_workbook::read_kb_xlsx(bytes)
            .map_err(|e| ApiError::unprocessable(e.to_string()))?
    } else {
        let text = std::str::from_utf8(bytes).map_err(|_| {
            ApiError::unprocessable("文件不是 UTF-8 文本，也不是 Excel 工作簿（.xlsx）")
        })?;
        KnowledgeBase::parse_jsonl_lenient(text)
    };
    if diags.iter().any(|d| d.level == Level::Error) {
        return Err(kb_error(KbUpdateError::Invalid(diags)));
    }
    Ok(KnowledgeBase::new(kb.entries, kb.disclosures))
}

/// Replaces the whole knowledge base with an uploaded one (JSON Lines or
/// XLSX as exported). With `dry_run`, reports the differences only.
#[utoipa::path(post, path = "/api/v1/kb/import", tag = "kb", params(ImportQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 200, description = "`{version}` or, on a dry run, `{diff}`"),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn import(
    State(state): State<AppState>,
    ApiUser(auth): ApiUser,
    ApiQuery(q): ApiQuery<ImportQuery>,
    body: Bytes,
) -> Result<Response, ApiError> {
    if !may_edit_kb(&auth.actor) {
        return Err(kb_error(KbUpdateError::Forbidden));
    }
    let kb = parse_upload(&body)?;
    if q.dry_run {
        let diff = xiaobao_lexicon::diff(&state.services.kb().kb, &kb);
        return Ok(axum::Json(serde_json::json!({"dry_run": true, "diff": diff})).into_response());
    }
    let version = state
        .services
        .save_kb(&auth.actor, kb, &q.reason, q.base_version)
        .await
        .map_err(kb_error)?;
    Ok(axum::Json(serde_json::json!({ "version": version })).into_response())
}
