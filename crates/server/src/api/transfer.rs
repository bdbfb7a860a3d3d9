//! Complaint files: import (XLSX, CSV, JSON Lines), the import template, and
//! export of any filtered list to XLSX.

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::Utc;
use serde::Deserialize;
use utoipa::IntoParams;
use xiaobao_domain::actor::Actor;
use xiaobao_service::{ImportReport, TransferError};

use super::complaints::{ListQuery, filter_from_query, intake_error};
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{ApiError, ApiQuery, ErrorBody};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/complaints/import", post(import))
        .route("/api/v1/complaints/template.xlsx", get(template))
        .route("/api/v1/complaints/export.xlsx", get(export))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ImportQuery {
    /// Validate and report without writing anything.
    #[serde(default)]
    pub dry_run: bool,
}

pub fn transfer_error(err: TransferError) -> ApiError {
    match err {
        TransferError::File(e) => ApiError::unprocessable(e.to_string()),
        TransferError::Intake(e) => intake_error(e),
        TransferError::Store(e) => e.into(),
        TransferError::Export(m) => {
            tracing::error!(error = %m, "export failed");
            ApiError::internal()
        }
    }
}

/// Runs an import for the API and the page alike.
pub async fn run_import(
    state: &AppState,
    actor: &Actor,
    bytes: &[u8],
    dry_run: bool,
) -> Result<ImportReport, ApiError> {
    if bytes.is_empty() {
        return Err(ApiError::unprocessable("文件为空 the file is empty"));
    }
    if !actor.role.can_handle_complaints() {
        return Err(ApiError::forbidden(
            "您的角色不能导入投诉 role may not import complaints",
        ));
    }
    state
        .services
        .import_file(actor, bytes, dry_run, Utc::now())
        .await
        .map_err(transfer_error)
}

/// Imports complaints from the request body (XLSX, CSV or JSON Lines; the
/// format is read from the content). All or nothing: when any row is bad,
/// nothing is written and the response (422) lists every bad row. Rows whose
/// `external_id` is already registered are skipped.
#[utoipa::path(post, path = "/api/v1/complaints/import", tag = "complaints", params(ImportQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 200, description = "import report"), (status = 422, body = ErrorBody)))]
pub async fn import(
    State(state): State<AppState>,
    ApiUser(auth): ApiUser,
    ApiQuery(q): ApiQuery<ImportQuery>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let report = run_import(&state, &auth.actor, &body, q.dry_run).await?;
    if report.errors.is_empty() {
        Ok((StatusCode::OK, axum::Json(report)).into_response())
    } else {
        Err(ApiError::unprocessable(format!(
            "导入文件有 {} 处错误，未导入任何数据 {} errors; nothing was imported",
            report.errors.len(),
            report.errors.len()
        ))
        .with_details(serde_json::to_value(&report).unwrap_or_default()))
    }
}

/// The import template: Chinese headers, drop-down lists, instructions.
#[utoipa::path(get, path = "/api/v1/complaints/template.xlsx", tag = "complaints",
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn template(
    State(state): State<AppState>,
    ApiUser(_auth): ApiUser,
) -> Result<Response, ApiError> {
    template_response(&state)
}

pub fn template_response(state: &AppState) -> Result<Response, ApiError> {
    let allowed = xiaobao_ingest::complaints::taxonomy_allowed_values(&state.services.taxonomy());
    let bytes = xiaobao_ingest::complaints::template_xlsx(&allowed).map_err(|e| {
        tracing::error!(error = %e, "template failed");
        ApiError::internal()
    })?;
    Ok(xlsx_response(
        Body::from(bytes),
        "complaints.xlsx",
        "投诉导入模板.xlsx",
    ))
}

/// An XLSX download named `filename` (with `ascii_name` for old clients).
pub(crate) fn xlsx_response(body: Body, ascii_name: &str, filename: &str) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{}",
                    crate::auth::urlencode(filename).replace('+', "%20")
                ),
            ),
        ],
        body,
    )
        .into_response()
}

/// Exports the filtered list (same filters as `GET /api/v1/complaints`) to
/// XLSX, personal data masked, no row cap.
#[utoipa::path(get, path = "/api/v1/complaints/export.xlsx", tag = "complaints", params(ListQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn export(
    State(state): State<AppState>,
    ApiUser(auth): ApiUser,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Response, ApiError> {
    export_response(&state, &auth.actor, &q).await
}

/// Writes the export to a temporary file, then streams the file: memory stays
/// flat whatever the number of rows.
pub async fn export_response(
    state: &AppState,
    actor: &Actor,
    q: &ListQuery,
) -> Result<Response, ApiError> {
    let filter = filter_from_query(q, &state.services.taxonomy())?;
    let file = tempfile::tempfile().map_err(|e| {
        tracing::error!(error = %e, "cannot create export file");
        ApiError::internal()
    })?;
    let mut writer = std::io::BufWriter::new(file.try_clone().map_err(|_| ApiError::internal())?);
    let rows = state
        .services
        .export_xlsx(actor, &filter, &mut writer)
        .await
        .map_err(transfer_error)?;
    drop(writer);
    let mut file = tokio::fs::File::from_std(file);
    use tokio::io::AsyncSeekExt;
    file.seek(std::io::SeekFrom::Start(0))
        .await
        .map_err(|_| ApiError::internal())?;
    tracing::info!(rows, "complaints exported");
    let stream = tokio_util::io::ReaderStream::new(file);
    let name = format!(
        "投诉清单_{}.xlsx",
        xiaobao_domain::complaint::china_date(Utc::now())
    );
    Ok(xlsx_response(
        Body::from_stream(stream),
        "complaints.xlsx",
        &name,
    ))
}
