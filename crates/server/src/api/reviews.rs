//! Consumer-protection review (消保审查) over HTTP: requests with their
//! self-assessment, documents (uploaded as the raw request body, read and
//! pre-reviewed on arrival), opinions and answers, workflow steps,
//! comparisons, archive check, annotations, adoption figures and the
//! opinion letter.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use xiaobao_documents::DocumentError;
use xiaobao_domain::actor::Actor;
use xiaobao_domain::review::{Action, Adoption, Decision, Materiality, Status};
use xiaobao_service::review::{Comparison, ReviewError, ReviewForm};
use xiaobao_store::reviews::{
    AnnotationRow, NewOpinion, OpinionRow, ReviewDocumentRow, ReviewEventRow, ReviewFilter,
    ReviewRow, StepInput,
};

use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{ApiError, ApiJson, ApiQuery, ErrorBody};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/reviews", get(list_reviews).post(create_review))
        .route("/api/v1/reviews/guide", get(guide))
        .route("/api/v1/reviews/adoption", get(adoption))
        .route("/api/v1/reviews/{id}", get(get_review).put(update_review))
        .route("/api/v1/reviews/{id}/documents", post(upload_document))
        .route(
            "/api/v1/reviews/{id}/documents/{doc}",
            get(get_document).delete(remove_document),
        )
        .route(
            "/api/v1/reviews/{id}/documents/{doc}/file",
            get(document_file),
        )
        .route("/api/v1/reviews/{id}/opinions", post(add_opinion))
        .route(
            "/api/v1/reviews/{id}/opinions/{opinion}",
            delete(remove_opinion),
        )
        .route(
            "/api/v1/reviews/{id}/opinions/{opinion}/answer",
            post(answer_opinion),
        )
        .route("/api/v1/reviews/{id}/actions/{action}", post(review_action))
        .route("/api/v1/reviews/{id}/compare", get(compare_rounds))
        .route(
            "/api/v1/reviews/{id}/compare/published",
            get(compare_published),
        )
        .route("/api/v1/reviews/{id}/annotations", post(annotate))
        .route("/api/v1/reviews/{id}/retrospective", post(retrospective))
        .route("/api/v1/reviews/{id}/archive", get(verify_archive))
        .route("/api/v1/reviews/{id}/letter", get(letter))
}

/// Maps a review error to the API's error format and status: unreadable
/// files get 413 (too large), 415 (not a supported type) or 422.
pub fn review_error(err: ReviewError) -> ApiError {
    match err {
        ReviewError::Store(e) => e.into(),
        ReviewError::Invalid(m) => ApiError::unprocessable(m),
        ReviewError::Guide(e) => ApiError::unprocessable(e.to_string()),
        e @ ReviewError::Document { .. } => {
            let status = match &e {
                ReviewError::Document {
                    source: DocumentError::TooLarge { .. },
                    ..
                } => StatusCode::PAYLOAD_TOO_LARGE,
                ReviewError::Document {
                    source: DocumentError::Unsupported { .. },
                    ..
                } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            ApiError::new(status, "unreadable_document", e.to_string())
        }
    }
}

/// Filters of the request list.
#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
pub struct ReviewQuery {
    /// `draft`, `in_review`, `returned`, `awaiting_confirmation`, `approved`, `withdrawn`.
    pub status: Option<String>,
    /// `product`, `service`, `agreement`, `marketing`, `call_script`, `sms_template`, `fee_change`.
    pub subject: Option<String>,
    /// Submitting department.
    pub department: Option<String>,
    /// Title or number contains.
    pub q: Option<String>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

impl ReviewQuery {
    pub fn filter(&self) -> Result<ReviewFilter, ApiError> {
        let clean = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let status = clean(&self.status);
        if let Some(s) = &status
            && Status::parse(s).is_none()
        {
            return Err(ApiError::unprocessable(format!("审查状态无效：{s}")));
        }
        Ok(ReviewFilter {
            status: status
                .and_then(|s| Status::parse(&s))
                .map(|s| s.as_str().to_string()),
            subject: clean(&self.subject),
            department: clean(&self.department),
            q: clean(&self.q),
            page: self.page.unwrap_or(1),
            per_page: self.per_page.unwrap_or(50),
        })
    }
}

/// A request as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewOut {
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub request: ReviewRow,
    pub status_label: String,
    /// Steps the state allows (whether the caller may take them depends on the role).
    pub allowed_actions: Vec<String>,
    /// Self-assessment answers.
    #[schema(value_type = Vec<Object>)]
    pub checklist_answers: serde_json::Value,
}

impl ReviewOut {
    pub fn new(r: ReviewRow) -> ReviewOut {
        let status = r.status();
        ReviewOut {
            status_label: status.label().to_string(),
            allowed_actions: Action::allowed(status)
                .iter()
                .map(|a| a.as_str().to_string())
                .collect(),
            checklist_answers: serde_json::from_str(&r.checklist).unwrap_or_default(),
            request: r,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewPage {
    pub items: Vec<ReviewOut>,
    pub total: i64,
}

/// A request with its documents, opinions, history and annotations.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewDetail {
    #[serde(flatten)]
    pub review: ReviewOut,
    #[schema(value_type = Vec<Object>)]
    pub documents: Vec<ReviewDocumentRow>,
    #[schema(value_type = Vec<Object>)]
    pub opinions: Vec<OpinionRow>,
    #[schema(value_type = Vec<Object>)]
    pub events: Vec<ReviewEventRow>,
    #[schema(value_type = Vec<Object>)]
    pub annotations: Vec<AnnotationRow>,
}

/// Requests the caller may see, newest first: `{"items", "total"}`.
#[utoipa::path(get, path = "/api/v1/reviews", tag = "reviews", params(ReviewQuery),
    responses((status = 200, body = ReviewPage), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_reviews(
    State(state): State<AppState>,
    ApiUser(auth): ApiUser,
    ApiQuery(q): ApiQuery<ReviewQuery>,
) -> Result<ApiJson<ReviewPage>, ApiError> {
    let page = state.store.list_reviews(&auth.actor, &q.filter()?).await?;
    Ok(ApiJson(ReviewPage {
        items: page.items.into_iter().map(ReviewOut::new).collect(),
        total: page.total,
    }))
}

/// The request form: `title`, `subject`, `stage`, `trigger`, optional
/// `business_line`, `launch_date` (YYYY-MM-DD), `description`, and
/// `checklist` (`[{"item","answer":"yes|no|na","note"}]`).
#[derive(Debug, Deserialize, ToSchema)]
pub struct ReviewIn {
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
    #[schema(value_type = Vec<Object>)]
    pub checklist: Vec<xiaobao_domain::review::ChecklistAnswer>,
    /// For edits: the version the caller saw.
    #[serde(default)]
    pub version: Option<i64>,
}

impl ReviewIn {
    fn form(self) -> (ReviewForm, Option<i64>) {
        (
            ReviewForm {
                title: self.title,
                subject: self.subject,
                stage: self.stage,
                trigger: self.trigger,
                business_line: self.business_line,
                launch_date: self.launch_date,
                description: self.description,
                checklist: self.checklist,
            },
            self.version,
        )
    }
}

/// Creates a draft request for the submitter's department (201).
#[utoipa::path(post, path = "/api/v1/reviews", tag = "reviews", request_body = ReviewIn,
    responses((status = 201, body = ReviewOut), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_review(
    State(state): State<AppState>,
    ApiUser(auth): ApiUser,
    ApiJson(input): ApiJson<ReviewIn>,
) -> Result<Response, ApiError> {
    let (form, _) = input.form();
    let row = state
        .services
        .create_review(&auth.actor, &form)
        .await
        .map_err(review_error)?;
    Ok((StatusCode::CREATED, ApiJson(ReviewOut::new(row))).into_response())
}

/// Edits a draft or returned request.
#[utoipa::path(put, path = "/api/v1/reviews/{id}", tag = "reviews", params(("id" = String, Path)),
    request_body = ReviewIn,
    responses((status = 200, body = ReviewOut), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_review(
    State(state): State<AppState>,
    ApiUser(auth): ApiUser,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ReviewIn>,
) -> Result<ApiJson<ReviewOut>, ApiError> {
    let (form, version) = input.form();
    let row = state
        .services
        .update_review(&auth.actor, &id, &form, version)
        .await
        .map_err(review_error)?;
    Ok(ApiJson(ReviewOut::new(row)))
}

pub async fn review_detail(
    state: &AppState,
    actor: &Actor,
    id: &str,
) -> Result<ReviewDetail, ApiError> {
    let record = state.store.review_record(actor, id).await?;
    Ok(ReviewDetail {
        review: ReviewOut::new(record.review),
        documents: record.documents,
        opinions: record.opinions,
        events: record.events,
        annotations: record.annotations,
    })
}

/// One request (by id or number) with documents, opinions, history and
/// annotations; 404 outside the caller's view.
#[utoipa::path(get, path = "/api/v1/reviews/{id}", tag = "reviews", params(("id" = String, Path)),
    responses((status = 200, body = ReviewDetail), (status = 404, body = ErrorBody)))]
pub async fn get_review(
    State(state): State<AppState>,
    ApiUser(auth): ApiUser,
    Path(id): Path<String>,
) -> Result<ApiJson<ReviewDetail>, ApiError> {
    Ok(ApiJson(review_detail(&state, &auth.actor, &id).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct UploadQuery {
    /// The file name (its content decides the format).
    pub filename: String,
    /// `material` (default; the round being prepared) or `final` (the
    /// published material, after approval).
    #[serde(default)]
    pub kind: Option<String>,
}

/// Uploads a document as the raw body. It is read (OCR for images and
/// scans) and pre-reviewed before it is stored; a file that cannot be read
/// whole is refused with 413/415/422 and nothing is stored.
#[utoipa::path(post, path = "/api/v1/reviews/{id}/documents", tag = "reviews",
    params(("id" = String, Path), UploadQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, description = "the stored document with its findings"),
              (status = 409, body = ErrorBody), (status = 413, body = ErrorBody),
              (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn upload_document(
    State(state): State<AppState>,
    ApiUser(auth): ApiUser,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<UploadQuery>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let kind = match q.kind.as_deref().unwrap_or("material") {
        k @ ("material" | "final") => k,
        other => {
            return Err(ApiError::unprocessable(format!(
                "材料类型无效：{other}（可选 material、final）"
            )));
        }
    };
    let row = state
        .services
        .add_review_document(&auth.actor, &id, kind, &q.filename, body.to_vec())
        .await
        .map_err(review_error)?;
    let view = state
        .services
        .review_document_view(&auth.actor, &id, &row.id)
        .await
        .map_err(review_error)?;
    Ok((StatusCode::CREATED, ApiJson(document_out(view))).into_response())
}

fn document_out(view: xiaobao_service::review::DocumentView) -> serde_json::Value {
    let findings: Vec<serde_json::Value> = view
        .report
        .findings
        .iter()
        .map(|f| {
            serde_json::json!({
                "finding": f,
                "highlights": view.locate(f.start, f.end),
            })
        })
        .collect();
    serde_json::json!({
        "document": view.row,
        "text": view.document.text,
        "pages": view.document.pages,
        "page_images": view.page_images,
        "findings": findings,
        "missing_disclosures": view.report.missing_disclosures,
    })
}

/// One document: text, pages, findings with their highlights (page,
/// paragraph, boxes) and missing disclosures.
#[utoipa::path(get, path = "/api/v1/reviews/{id}/documents/{doc}", tag = "reviews",
    params(("id" = String, Path), ("doc" = String, Path)),
    responses((status = 200, description = "document, text, findings"), (status = 404, body = ErrorBody)))]
pub async fn get_document(
    State(state): State<AppState>,
    ApiUser(auth): ApiUser,
    Path((id, doc)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let view = state
        .services
        .review_document_view(&auth.actor, &id, &doc)
        .await
        .map_err(review_error)?;
    Ok(ApiJson(document_out(view)).into_response())
}

/// Removes a document of the round not yet submitted (204).
#[utoipa::path(delete, path = "/api/v1/reviews/{id}/documents/{doc}", tag = "reviews",
    params(("id" = String, Path), ("doc" = String, Path)),
    responses((status = 204), (status = 409, body = ErrorBody)))]
pub async fn remove_document(
    State(state): State<AppState>,
    ApiUser(auth): ApiUser,
    Path((id, doc)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    state
        .store
        .remove_review_document(&auth.actor, &id, &doc)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The uploaded file as it was received.
pub async fn document_file(
    State(state): State<AppState>,
    ApiUser(auth): ApiUser,
    Path((id, doc)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let row = state.store.review_document(&auth.actor, &id, &doc).await?;
    let bytes = state
        .store
        .review_file(&auth.actor, &id, &doc, &row.sha256)
        .await?;
    Ok(file_response(bytes, &row.format, &row.filename))
}

/// A stored file as a download with a content type from its format.
pub fn file_response(bytes: Vec<u8>, format: &str, filename: &str) -> Response {
    let content_type = match format {
        "png" => "image/png",
        "jpeg" => "image/jpeg",
        "tiff" => "image/tiff",
        "webp" => "image/webp",
        "pdf" => "application/pdf",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "html" => "text/plain; charset=utf-8",
        _ => "text/plain; charset=utf-8",
    };
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename*=UTF-8''{}", percent_encode(filename)),
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
        ],
        bytes,
    )
        .into_response()
}

fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// An opinion: on a finding of a document (`document_id` + `finding`, its
/// 0-based index; passage, basis and suggestion are taken from the finding
/// unless given), on a passage (`quote`), or general.
#[derive(Debug, Deserialize, ToSchema)]
pub struct OpinionIn {
    pub document_id: Option<String>,
    pub finding: Option<usize>,
    #[serde(default)]
    pub quote: String,
    /// `substantive` (实质性意见) or `suggestion` (一般建议).
    pub materiality: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub suggestion: String,
    #[serde(default)]
    pub basis: String,
}

/// Adds a reviewer's opinion to the round under review (201).
#[utoipa::path(post, path = "/api/v1/reviews/{id}/opinions", tag = "reviews",
    params(("id" = String, Path)), request_body = OpinionIn,
    responses((status = 201, description = "the opinion"), (status = 403, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_opinion(
    State(state): State<AppState>,
    ApiUser(auth): ApiUser,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<OpinionIn>,
) -> Result<Response, ApiError> {
    let opinion = new_opinion(&input)?;
    let row = state
        .services
        .add_review_opinion(&auth.actor, &id, opinion, input.finding)
        .await
        .map_err(review_error)?;
    Ok((StatusCode::CREATED, ApiJson(row)).into_response())
}

pub fn new_opinion(input: &OpinionIn) -> Result<NewOpinion, ApiError> {
    let Some(materiality) = Materiality::parse(&input.materiality) else {
        return Err(ApiError::unprocessable(format!(
            "意见性质无效：{}（可选 substantive 实质性意见、suggestion 一般建议）",
            input.materiality
        )));
    };
    Ok(NewOpinion {
        document_id: input.document_id.clone().filter(|d| !d.is_empty()),
        entry_id: None,
        char_start: None,
        char_end: None,
        quote: input.quote.clone(),
        materiality,
        body: input.body.clone(),
        suggestion: input.suggestion.clone(),
        basis: input.basis.clone(),
    })
}

/// Withdraws an unanswered opinion of the round under review (204).
#[utoipa::path(delete, path = "/api/v1/reviews/{id}/opinions/{opinion}", tag = "reviews",
    params(("id" = String, Path), ("opinion" = String, Path)),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn remove_opinion(
    State(state): State<AppState>,
    ApiUser(auth): ApiUser,
    Path((id, opinion)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    state
        .store
        .remove_opinion(&auth.actor, &id, &opinion)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The submitter's answer: `adoption` is `adopted`, `partial` or
/// `not_adopted`; `reason` is required unless adopted.
#[derive(Debug, Deserialize, ToSchema)]
pub struct AnswerIn {
    pub adoption: String,
    #[serde(default)]
    pub reason: String,
}

/// Answers an opinion (采纳 / 部分采纳 / 未采纳).
#[utoipa::path(post, path = "/api/v1/reviews/{id}/opinions/{opinion}/answer", tag = "reviews",
    params(("id" = String, Path), ("opinion" = String, Path)), request_body = AnswerIn,
    responses((status = 200, description = "the opinion"), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn answer_opinion(
    State(state): State<AppState>,
    ApiUser(auth): ApiUser,
    Path((id, opinion)): Path<(String, String)>,
    ApiJson(input): ApiJson<AnswerIn>,
) -> Result<ApiJson<OpinionRow>, ApiError> {
    let Some(adoption) = Adoption::parse(&input.adoption) else {
        return Err(ApiError::unprocessable(format!(
            "采纳情况无效：{}（可选 adopted、partial、not_adopted）",
            input.adoption
        )));
    };
    Ok(ApiJson(
        state
            .store
            .answer_opinion(&auth.actor, &id, &opinion, adoption, &input.reason)
            .await?,
    ))
}

/// A workflow step's parameters.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct ActionIn {
    pub note: Option<String>,
    /// For `approve`: `approve` (通过, default) or `approve_with_changes` (修改后通过).
    pub decision: Option<String>,
    pub version: Option<i64>,
}

/// Workflow step: `submit`, `withdraw` (with `note`), `return`,
/// `resubmit`, `approve` (with `decision`), `confirm`. 409 when the state
/// does not allow it (the message lists what it allows) or `version` is
/// stale; 403 for the wrong side; 422 when a precondition is missing.
#[utoipa::path(post, path = "/api/v1/reviews/{id}/actions/{action}", tag = "reviews",
    params(("id" = String, Path), ("action" = String, Path)), request_body = ActionIn,
    responses((status = 200, body = ReviewOut), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn review_action(
    State(state): State<AppState>,
    ApiUser(auth): ApiUser,
    Path((id, action)): Path<(String, String)>,
    body: Bytes,
) -> Result<ApiJson<ReviewOut>, ApiError> {
    let input: ActionIn = if body.iter().all(u8::is_ascii_whitespace) {
        ActionIn::default()
    } else {
        serde_json::from_slice(&body)
            .map_err(|e| ApiError::bad_request(format!("JSON 格式错误 malformed JSON: {e}")))?
    };
    let Some(action) = Action::parse(&action) else {
        return Err(ApiError::not_found(format!(
            "审查操作不存在：{action}（可选 submit、withdraw、return、resubmit、approve、confirm）"
        )));
    };
    let decision = match input
        .decision
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        None => None,
        Some(d) => Some(Decision::parse(d).ok_or_else(|| {
            ApiError::unprocessable(format!(
                "审查结论无效：{d}（可选 approve、approve_with_changes）"
            ))
        })?),
    };
    let row = state
        .services
        .review_step(
            &auth.actor,
            &id,
            action,
            &StepInput {
                note: input.note.as_deref(),
                decision,
                version: input.version,
            },
        )
        .await
        .map_err(review_error)?;
    Ok(ApiJson(ReviewOut::new(row)))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct CompareQuery {
    /// Earlier round (default: the one before `to`).
    pub from: Option<i64>,
    /// Later round (default: the current round).
    pub to: Option<i64>,
}

/// Character-level comparison of two rounds, with each earlier opinion and
/// whether its passage is still in the later round.
#[utoipa::path(get, path = "/api/v1/reviews/{id}/compare", tag = "reviews",
    params(("id" = String, Path), CompareQuery),
    responses((status = 200, description = "comparison"), (status = 422, body = ErrorBody)))]
pub async fn compare_rounds(
    State(state): State<AppState>,
    ApiUser(auth): ApiUser,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<CompareQuery>,
) -> Result<ApiJson<Comparison>, ApiError> {
    let review = state.store.get_review(&auth.actor, &id).await?;
    let to = q.to.unwrap_or(review.round);
    let from = q.from.unwrap_or(to - 1);
    Ok(ApiJson(
        state
            .services
            .compare_review_rounds(&auth.actor, &id, from, to)
            .await
            .map_err(review_error)?,
    ))
}

/// The published material (回溯评估) against the approved round.
#[utoipa::path(get, path = "/api/v1/reviews/{id}/compare/published", tag = "reviews",
    params(("id" = String, Path)),
    responses((status = 200, description = "comparison"), (status = 422, body = ErrorBody)))]
pub async fn compare_published(
    State(state): State<AppState>,
    ApiUser(auth): ApiUser,
    Path(id): Path<String>,
) -> Result<ApiJson<Comparison>, ApiError> {
    Ok(ApiJson(
        state
            .services
            .compare_with_published(&auth.actor, &id)
            .await
            .map_err(review_error)?,
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct AnnotationIn {
    pub body: String,
}

/// Adds an annotation (allowed on archived requests too) (201).
#[utoipa::path(post, path = "/api/v1/reviews/{id}/annotations", tag = "reviews",
    params(("id" = String, Path)), request_body = AnnotationIn,
    responses((status = 201, description = "the annotation"), (status = 422, body = ErrorBody)))]
pub async fn annotate(
    State(state): State<AppState>,
    ApiUser(auth): ApiUser,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<AnnotationIn>,
) -> Result<Response, ApiError> {
    let row = state
        .store
        .annotate_review(&auth.actor, &id, &input.body)
        .await?;
    Ok((StatusCode::CREATED, ApiJson(row)).into_response())
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RetrospectiveIn {
    /// `YYYY-MM-DD`.
    pub on: String,
    #[serde(default)]
    pub note: String,
}

/// Schedules the retrospective review of an approved request.
#[utoipa::path(post, path = "/api/v1/reviews/{id}/retrospective", tag = "reviews",
    params(("id" = String, Path)), request_body = RetrospectiveIn,
    responses((status = 200, body = ReviewOut), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn retrospective(
    State(state): State<AppState>,
    ApiUser(auth): ApiUser,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<RetrospectiveIn>,
) -> Result<ApiJson<ReviewOut>, ApiError> {
    let on = chrono::NaiveDate::parse_from_str(input.on.trim(), "%Y-%m-%d").map_err(|_| {
        ApiError::unprocessable(format!("回溯评估日期无效：{}（格式 YYYY-MM-DD）", input.on))
    })?;
    let row = state
        .store
        .schedule_retrospective(&auth.actor, &id, on, &input.note)
        .await?;
    Ok(ApiJson(ReviewOut::new(row)))
}

/// The archive check: `{"archived", "hash", "intact"}`; `intact` recomputes
/// the manifest and every document hash.
#[utoipa::path(get, path = "/api/v1/reviews/{id}/archive", tag = "reviews",
    params(("id" = String, Path)),
    responses((status = 200, description = "archive state"), (status = 404, body = ErrorBody)))]
pub async fn verify_archive(
    State(state): State<AppState>,
    ApiUser(auth): ApiUser,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let review = state.store.get_review(&auth.actor, &id).await?;
    let intact = state.store.verify_review_archive(&auth.actor, &id).await?;
    Ok(ApiJson(serde_json::json!({
        "archived": intact.is_some(),
        "hash": review.archive_hash,
        "approved_at": review.approved_at,
        "intact": intact,
        "manifest": review.archive_manifest.as_deref().and_then(|m| serde_json::from_str::<serde_json::Value>(m).ok()),
    }))
    .into_response())
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct LetterQuery {
    /// `pdf` (default) or `docx`.
    pub format: Option<String>,
}

/// The opinion letter (消保审查意见书) as PDF or DOCX.
#[utoipa::path(get, path = "/api/v1/reviews/{id}/letter", tag = "reviews",
    params(("id" = String, Path), LetterQuery),
    responses((status = 200, description = "PDF or DOCX"), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn letter(
    State(state): State<AppState>,
    ApiUser(auth): ApiUser,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<LetterQuery>,
) -> Result<Response, ApiError> {
    letter_response(&state, &auth.actor, &id, q.format.as_deref()).await
}

pub async fn letter_response(
    state: &AppState,
    actor: &Actor,
    id: &str,
    format: Option<&str>,
) -> Result<Response, ApiError> {
    let record = state.store.review_record(actor, id).await?;
    let review = record.review;
    let letter = xiaobao_service::review::opinion_letter(&review, &record.opinions);
    let (bytes, ext, format) = match format.unwrap_or("pdf") {
        "pdf" => (xiaobao_letters::to_pdf(&letter), "pdf", "pdf"),
        "docx" => (xiaobao_letters::to_docx(&letter), "docx", "docx"),
        other => {
            return Err(ApiError::unprocessable(format!(
                "格式无效：{other}（可选 pdf、docx）"
            )));
        }
    };
    let bytes = bytes.map_err(|e| ApiError::unprocessable(e.to_string()))?;
    let mut r = file_response(
        bytes,
        format,
        &format!("消保审查意见书-{}.{ext}", review.number),
    );
    if let Some(v) = r.headers_mut().get_mut(header::CONTENT_DISPOSITION)
        && let Ok(s) = v.to_str()
        && let Ok(new) = s.replacen("inline", "attachment", 1).parse()
    {
        *v = new;
    }
    Ok(r)
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct GuideQuery {
    /// Only the items for this subject.
    pub subject: Option<String>,
}

/// The self-assessment guide in force (all items, or a subject's).
#[utoipa::path(get, path = "/api/v1/reviews/guide", tag = "reviews", params(GuideQuery),
    responses((status = 200, description = "guide items"), (status = 422, body = ErrorBody)))]
pub async fn guide(
    State(state): State<AppState>,
    ApiUser(_auth): ApiUser,
    ApiQuery(q): ApiQuery<GuideQuery>,
) -> Result<Response, ApiError> {
    let guide = state.services.review_guide();
    let items: Vec<_> = match q.subject.as_deref().filter(|s| !s.is_empty()) {
        None => guide.items.iter().collect(),
        Some(s) => {
            let subject = xiaobao_domain::review::Subject::parse(s)
                .ok_or_else(|| ApiError::unprocessable(format!("审查对象无效：{s}")))?;
            guide.items_for(subject)
        }
    };
    Ok(ApiJson(serde_json::json!({ "items": items })).into_response())
}

/// Opinions and adoption per submitting department: `rate` counts a
/// partial adoption as half; `substantive_rate` is the share of
/// substantive opinions fully adopted.
#[utoipa::path(get, path = "/api/v1/reviews/adoption", tag = "reviews",
    responses((status = 200, description = "per department"), (status = 403, body = ErrorBody)))]
pub async fn adoption(
    State(state): State<AppState>,
    ApiUser(auth): ApiUser,
) -> Result<Response, ApiError> {
    let rows = state.store.adoption_by_department(&auth.actor).await?;
    let items: Vec<serde_json::Value> = rows
        .iter()
        .map(|d| {
            serde_json::json!({
                "department": d.department,
                "requests": d.requests,
                "opinions": d.tally.opinions,
                "answered": d.tally.answered,
                "adopted": d.tally.adopted,
                "partial": d.tally.partial,
                "not_adopted": d.tally.not_adopted,
                "substantive": d.tally.substantive,
                "rate": d.tally.rate(),
                "substantive_rate": d.tally.substantive_rate(),
            })
        })
        .collect();
    Ok(ApiJson(serde_json::json!({ "items": items })).into_response())
}
