//! 消保审查 pages: the request list, the request form with its
//! self-assessment, the request page (documents by round, opinions and
//! answers, workflow, archive, annotations, retrospective), the document page
//! with highlighted findings on the text and on page images, comparisons,
//! and adoption per department.

use askama::Template;
use axum::Form;
use axum::Router;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use xiaobao_domain::review::{
    Action, Adoption, Answer, ChecklistAnswer, Decision, GuideItem, Materiality, Side, Stage,
    Status, Subject, Trigger,
};
use xiaobao_lexicon::{Finding, MissingDisclosure};
use xiaobao_service::review::{Comparison, ReviewForm};
use xiaobao_store::reviews::{
    AnnotationRow, DepartmentAdoption, OpinionRow, ReviewDocumentRow, ReviewEventRow, ReviewFilter,
    ReviewRow, StepInput,
};

use super::kb::{Piece, highlight, severity_class};
use super::{Chrome, not_found_page, render};
use crate::AppState;
use crate::api::reviews::{OpinionIn, file_response, letter_response, new_opinion, review_error};
use crate::auth::{Authenticated, PageUser};
use crate::error::ApiError;

const ACTIVE: &str = "/reviews";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/reviews", get(list_page))
        .route("/reviews/new", get(new_page).post(create))
        .route("/reviews/checklist", get(checklist_fragment))
        .route("/reviews/adoption", get(adoption_page))
        .route("/reviews/{id}", get(detail_page))
        .route("/reviews/{id}/edit", get(edit_page).post(update))
        .route("/reviews/{id}/documents", post(upload))
        .route("/reviews/{id}/documents/{doc}", get(document_page))
        .route(
            "/reviews/{id}/documents/{doc}/remove",
            post(remove_document),
        )
        .route(
            "/reviews/{id}/documents/{doc}/files/{sha}",
            get(document_file),
        )
        .route("/reviews/{id}/opinions", post(add_opinion))
        .route(
            "/reviews/{id}/opinions/{opinion}/remove",
            post(remove_opinion),
        )
        .route(
            "/reviews/{id}/opinions/{opinion}/answer",
            post(answer_opinion),
        )
        .route("/reviews/{id}/actions/{action}", post(act))
        .route("/reviews/{id}/compare", get(compare_page))
        .route("/reviews/{id}/published", get(published_page))
        .route("/reviews/{id}/annotations", post(annotate))
        .route("/reviews/{id}/retrospective", post(retrospective))
        .route("/reviews/{id}/letter.{format}", get(letter))
}

/// An API error as an error page (404 as the usual not-found page).
fn error_response(e: ApiError) -> Response {
    if e.status == StatusCode::NOT_FOUND {
        return not_found_page();
    }
    super::error_page(e.status, "无法完成操作", &e.message)
}

fn status_class(status: &str) -> &'static str {
    match status {
        "draft" => "s-registered",
        "in_review" => "s-in_progress",
        "returned" => "s-under_review",
        "awaiting_confirmation" => "s-accepted",
        "approved" => "s-decision_notified",
        _ => "s-withdrawn",
    }
}

/// A request as list rows and headers show it.
struct RequestView {
    row: ReviewRow,
    status_label: &'static str,
    status_class: &'static str,
    subject_label: String,
    stage_label: String,
    trigger_label: String,
    decision_label: String,
}

impl RequestView {
    fn new(row: ReviewRow) -> RequestView {
        let label =
            |v: Option<&'static str>, raw: &str| v.map_or_else(|| raw.to_string(), str::to_string);
        RequestView {
            status_label: row.status().label(),
            status_class: status_class(&row.status),
            subject_label: label(
                Subject::parse(&row.subject).map(Subject::label),
                &row.subject,
            ),
            stage_label: label(Stage::parse(&row.stage).map(Stage::label), &row.stage),
            trigger_label: label(
                Trigger::parse(&row.trigger_kind).map(Trigger::label),
                &row.trigger_kind,
            ),
            decision_label: row
                .decision
                .as_deref()
                .and_then(Decision::parse)
                .map_or_else(String::new, |d| d.label().to_string()),
            row,
        }
    }
}

#[derive(Template)]
#[template(path = "review_list.html")]
struct ListPage {
    chrome: Chrome,
    items: Vec<RequestView>,
    total: i64,
    status: String,
    subject: String,
    q: String,
    statuses: Vec<(&'static str, &'static str)>,
    subjects: Vec<(&'static str, &'static str)>,
    can_create: bool,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
struct ListQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    q: String,
}

async fn list_page(
    State(state): State<AppState>,
    PageUser(auth): PageUser,
    Query(q): Query<ListQuery>,
) -> Response {
    let filter = ReviewFilter {
        status: Some(q.status.clone()).filter(|s| !s.is_empty()),
        subject: Some(q.subject.clone()).filter(|s| !s.is_empty()),
        department: None,
        q: Some(q.q.clone()).filter(|s| !s.is_empty()),
        page: 1,
        per_page: 200,
    };
    let page = match state.store.list_reviews(&auth.actor, &filter).await {
        Ok(p) => p,
        Err(e) => return super::store_error_page(e),
    };
    render(&ListPage {
        chrome: Chrome::new(&state, &auth, ACTIVE).await,
        items: page.items.into_iter().map(RequestView::new).collect(),
        total: page.total,
        status: q.status,
        subject: q.subject,
        q: q.q,
        statuses: Status::choices(),
        subjects: Subject::choices(),
        can_create: auth.actor.role.can_submit_reviews(),
        error: None,
    })
}

/// One self-assessment row of the form.
struct ChecklistRow {
    item: GuideItem,
    answer: String,
    note: String,
}

fn checklist_rows(
    state: &AppState,
    subject: Subject,
    answers: &[ChecklistAnswer],
) -> Vec<ChecklistRow> {
    state
        .services
        .review_guide()
        .items_for(subject)
        .into_iter()
        .map(|item| {
            let given = answers.iter().find(|a| a.item == item.id);
            ChecklistRow {
                item: item.clone(),
                answer: given.map_or_else(String::new, |a| a.answer.as_str().to_string()),
                note: given.map_or_else(String::new, |a| a.note.clone()),
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "review_checklist.html")]
struct ChecklistFragment {
    rows: Vec<ChecklistRow>,
    answers: Vec<(&'static str, &'static str)>,
}

#[derive(Template)]
#[template(path = "review_form.html")]
struct FormPage {
    chrome: Chrome,
    /// `Some(id)` when editing.
    editing: Option<(String, i64)>,
    form: ReviewForm,
    subjects: Vec<(&'static str, &'static str)>,
    stages: Vec<(&'static str, &'static str)>,
    triggers: Vec<(&'static str, &'static str)>,
    checklist: ChecklistFragment,
    error: Option<String>,
}

fn form_page_data(state: &AppState, form: &ReviewForm) -> ChecklistFragment {
    let subject = Subject::parse(&form.subject).unwrap_or(Subject::Marketing);
    ChecklistFragment {
        rows: checklist_rows(state, subject, &form.checklist),
        answers: Answer::choices(),
    }
}

async fn form_view(
    state: &AppState,
    auth: &Authenticated,
    editing: Option<(String, i64)>,
    form: ReviewForm,
    error: Option<(StatusCode, String)>,
) -> Response {
    let checklist = form_page_data(state, &form);
    let mut r = render(&FormPage {
        chrome: Chrome::new(state, auth, ACTIVE).await,
        editing,
        form,
        subjects: Subject::choices(),
        stages: Stage::choices(),
        triggers: Trigger::choices(),
        checklist,
        error: error.as_ref().map(|(_, m)| m.clone()),
    });
    if let Some((status, _)) = error {
        *r.status_mut() = status;
    }
    r
}

#[derive(Deserialize)]
struct SubjectQuery {
    subject: Option<String>,
}

async fn new_page(
    State(state): State<AppState>,
    PageUser(auth): PageUser,
    Query(q): Query<SubjectQuery>,
) -> Response {
    if !auth.actor.role.can_submit_reviews() {
        return super::error_page(
            StatusCode::FORBIDDEN,
            "无权操作",
            "仅业务送审人可发起审查申请。",
        );
    }
    let form = ReviewForm {
        subject: q.subject.unwrap_or_else(|| "marketing".into()),
        stage: "marketing".into(),
        trigger: "campaign".into(),
        ..ReviewForm::default()
    };
    form_view(&state, &auth, None, form, None).await
}

async fn checklist_fragment(
    State(state): State<AppState>,
    PageUser(_auth): PageUser,
    Query(q): Query<SubjectQuery>,
) -> Response {
    let subject = q
        .subject
        .as_deref()
        .and_then(Subject::parse)
        .unwrap_or(Subject::Marketing);
    render(&ChecklistFragment {
        rows: checklist_rows(&state, subject, &[]),
        answers: Answer::choices(),
    })
}

/// The request form from posted fields; self-assessment answers come as
/// `answer_<ITEM>` and `note_<ITEM>`.
fn form_from_fields(fields: &[(String, String)]) -> ReviewForm {
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let checklist = fields
        .iter()
        .filter_map(|(k, v)| {
            let item = k.strip_prefix("answer_")?;
            let answer = Answer::parse(v)?;
            Some(ChecklistAnswer {
                item: item.to_string(),
                answer,
                note: field(&format!("note_{item}")),
            })
        })
        .collect();
    ReviewForm {
        title: field("title"),
        subject: field("subject"),
        stage: field("stage"),
        trigger: field("trigger"),
        business_line: field("business_line"),
        launch_date: Some(field("launch_date")).filter(|d| !d.trim().is_empty()),
        description: field("description"),
        checklist,
    }
}

async fn create(
    State(state): State<AppState>,
    PageUser(auth): PageUser,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let form = form_from_fields(&fields);
    match state.services.create_review(&auth.actor, &form).await {
        Ok(row) => Redirect::to(&format!("/reviews/{}", row.id)).into_response(),
        Err(e) => {
            let e = review_error(e);
            form_view(&state, &auth, None, form, Some((e.status, e.message))).await
        }
    }
}

async fn edit_page(
    State(state): State<AppState>,
    PageUser(auth): PageUser,
    Path(id): Path<String>,
) -> Response {
    let row = match state.store.get_review(&auth.actor, &id).await {
        Ok(r) => r,
        Err(e) => return super::store_error_page(e),
    };
    let form = ReviewForm {
        title: row.title.clone(),
        subject: row.subject.clone(),
        stage: row.stage.clone(),
        trigger: row.trigger_kind.clone(),
        business_line: row.business_line.clone(),
        launch_date: row.launch_date.clone(),
        description: row.description.clone(),
        checklist: serde_json::from_str(&row.checklist).unwrap_or_default(),
    };
    form_view(&state, &auth, Some((row.id, row.version)), form, None).await
}

async fn update(
    State(state): State<AppState>,
    PageUser(auth): PageUser,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let form = form_from_fields(&fields);
    let version = fields
        .iter()
        .find(|(k, _)| k == "version")
        .and_then(|(_, v)| v.parse().ok());
    match state
        .services
        .update_review(&auth.actor, &id, &form, version)
        .await
    {
        Ok(row) => Redirect::to(&format!("/reviews/{}", row.id)).into_response(),
        Err(e) => {
            let e = review_error(e);
            if e.status == StatusCode::NOT_FOUND {
                return not_found_page();
            }
            form_view(
                &state,
                &auth,
                Some((id, version.unwrap_or(0))),
                form,
                Some((e.status, e.message)),
            )
            .await
        }
    }
}

/// A document row on the request page.
struct DocumentItem {
    row: ReviewDocumentRow,
    size: String,
}

/// A round of material.
struct RoundView {
    round: i64,
    label: String,
    documents: Vec<DocumentItem>,
}

/// An opinion as the request page shows it.
struct OpinionView {
    row: OpinionRow,
    materiality_label: &'static str,
    adoption_label: String,
    substantive: bool,
    /// The submitter may answer (or change the answer of) this opinion now.
    answerable: bool,
    /// A reviewer may withdraw it now.
    removable: bool,
}

struct EventView {
    row: ReviewEventRow,
    label: &'static str,
}

#[derive(Template)]
#[template(path = "review_detail.html")]
struct DetailPage {
    chrome: Chrome,
    r: RequestView,
    checklist: Vec<(GuideItem, String, String)>,
    rounds: Vec<RoundView>,
    finals: Vec<DocumentItem>,
    opinions: Vec<OpinionView>,
    open_opinions: usize,
    events: Vec<EventView>,
    annotations: Vec<AnnotationRow>,
    /// Steps the current user may take now: (action, label, needs note, needs decision).
    actions: Vec<(&'static str, &'static str)>,
    can_upload: bool,
    can_upload_final: bool,
    can_write_opinion: bool,
    can_schedule: bool,
    can_annotate: bool,
    edit_allowed: bool,
    upload_round: i64,
    adoptions: Vec<(&'static str, &'static str)>,
    archive_intact: Option<bool>,
    error: Option<String>,
}

fn human_size(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / 1024.0 / 1024.0)
    } else {
        format!("{:.0} KB", (bytes as f64 / 1024.0).max(1.0))
    }
}

fn event_label(action: &str) -> &'static str {
    match action {
        "create" => "创建申请",
        "upload" => "上传材料",
        "upload_final" => "上传上线材料",
        "remove_document" => "删除材料",
        "opinion" => "填写审查意见",
        "remove_opinion" => "撤回审查意见",
        "answer" => "答复意见采纳情况",
        "schedule_retrospective" => "安排回溯评估",
        other => Action::parse(other).map_or("其他", Action::label),
    }
}

async fn detail(
    state: &AppState,
    auth: &Authenticated,
    id: &str,
    error: Option<(StatusCode, String)>,
) -> Response {
    detail_with(state, auth, id, error, false).await
}

/// The request page; with `verify`, the archive is checked (every file is
/// read and hashed, so only when asked for).
async fn detail_with(
    state: &AppState,
    auth: &Authenticated,
    id: &str,
    error: Option<(StatusCode, String)>,
    verify: bool,
) -> Response {
    let actor = &auth.actor;
    let detail = match crate::api::reviews::review_detail(state, actor, id).await {
        Ok(d) => d,
        Err(e) => return error_response(e),
    };
    let row = detail.review.request;
    let status = row.status();
    let submitter = actor.role.can_submit_reviews();
    let reviewer = actor.role.can_review();
    let guide_items = Subject::parse(&row.subject)
        .map(|s| {
            state
                .services
                .review_guide()
                .items_for(s)
                .into_iter()
                .cloned()
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    let answers: Vec<ChecklistAnswer> = serde_json::from_str(&row.checklist).unwrap_or_default();
    let checklist = guide_items
        .into_iter()
        .map(|item| {
            let a = answers.iter().find(|a| a.item == item.id);
            (
                item,
                a.map_or("未作答", |a| a.answer.label()).to_string(),
                a.map_or_else(String::new, |a| a.note.clone()),
            )
        })
        .collect();
    let mut rounds: Vec<RoundView> = Vec::new();
    let mut finals = Vec::new();
    for d in detail.documents {
        let item = DocumentItem {
            size: human_size(d.byte_size),
            row: d,
        };
        if item.row.kind == "final" {
            finals.push(item);
            continue;
        }
        let round = item.row.round;
        if rounds.last().is_none_or(|r| r.round != round) {
            let pending = round > row.round;
            rounds.push(RoundView {
                round,
                label: if pending {
                    format!("第 {round} 轮（修改稿，待重新提交）")
                } else {
                    format!("第 {round} 轮")
                },
                documents: Vec::new(),
            });
        }
        if let Some(r) = rounds.last_mut() {
            r.documents.push(item);
        }
    }
    let pending_round = row.pending_round();
    let opinions: Vec<OpinionView> = detail
        .opinions
        .into_iter()
        .map(|o| {
            let answerable = submitter
                && matches!(status, Status::Returned | Status::AwaitingConfirmation)
                && o.answered_round.is_none_or(|r| r == pending_round);
            let removable = reviewer
                && status == Status::InReview
                && o.round == row.round
                && o.adoption.is_none();
            OpinionView {
                materiality_label: o.materiality().label(),
                substantive: o.materiality() == Materiality::Substantive,
                adoption_label: o
                    .adoption()
                    .map_or_else(|| "待答复".to_string(), |a| a.label().to_string()),
                answerable,
                removable,
                row: o,
            }
        })
        .collect();
    let open_opinions = opinions.iter().filter(|o| o.row.adoption.is_none()).count();
    let actions = Action::allowed(status)
        .into_iter()
        .filter(|a| match a.side() {
            Side::Submitter => submitter,
            Side::Reviewer => reviewer,
        })
        .map(|a| (a.as_str(), a.label()))
        .collect();
    let archive_intact = if verify && status == Status::Approved {
        state
            .store
            .verify_review_archive(actor, &row.id)
            .await
            .ok()
            .flatten()
    } else {
        None
    };
    let mut r = render(&DetailPage {
        chrome: Chrome::new(state, auth, ACTIVE).await,
        checklist,
        rounds,
        finals,
        open_opinions,
        opinions,
        events: detail
            .events
            .into_iter()
            .map(|e| EventView {
                label: event_label(&e.action),
                row: e,
            })
            .collect(),
        annotations: detail.annotations,
        actions,
        can_upload: submitter && status.submitter_may_edit(),
        can_upload_final: (submitter || reviewer) && status == Status::Approved,
        can_write_opinion: reviewer && status == Status::InReview,
        can_schedule: reviewer && status == Status::Approved,
        can_annotate: actor.role.can_write(),
        edit_allowed: submitter && status.submitter_may_edit(),
        upload_round: pending_round,
        adoptions: Adoption::choices(),
        archive_intact,
        error: error.as_ref().map(|(_, m)| m.clone()),
        r: RequestView::new(row),
    });
    if let Some((status, _)) = error {
        *r.status_mut() = status;
    }
    r
}

#[derive(Deserialize)]
struct DetailQuery {
    #[serde(default)]
    verify: Option<String>,
}

async fn detail_page(
    State(state): State<AppState>,
    PageUser(auth): PageUser,
    Path(id): Path<String>,
    Query(q): Query<DetailQuery>,
) -> Response {
    detail_with(&state, &auth, &id, None, q.verify.is_some()).await
}

/// Runs a step and shows the request page again, with the error when the
/// step was refused.
async fn after(
    state: &AppState,
    auth: &Authenticated,
    id: &str,
    result: Result<(), ApiError>,
    to: Option<String>,
) -> Response {
    match result {
        Ok(()) => Redirect::to(&to.unwrap_or_else(|| format!("/reviews/{id}"))).into_response(),
        Err(e) if e.status == StatusCode::NOT_FOUND => not_found_page(),
        Err(e) => detail(state, auth, id, Some((e.status, e.message))).await,
    }
}

async fn upload(
    State(state): State<AppState>,
    PageUser(auth): PageUser,
    Path(id): Path<String>,
    mut multipart: Multipart,
) -> Response {
    let mut kind = "material".to_string();
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_string();
                let filename = field.file_name().map(str::to_string);
                match field.bytes().await {
                    Ok(b) if name == "kind" => {
                        kind = String::from_utf8_lossy(&b).trim().to_string()
                    }
                    Ok(b) if name == "file" => {
                        if !b.is_empty() || filename.as_deref().is_some_and(|f| !f.is_empty()) {
                            files.push((filename.unwrap_or_default(), b.to_vec()));
                        }
                    }
                    Ok(_) => {}
                    Err(e) => {
                        let status = e.status();
                        return detail(
                            &state,
                            &auth,
                            &id,
                            Some((status, format!("上传失败：{e}"))),
                        )
                        .await;
                    }
                }
            }
            Ok(None) => break,
            Err(e) => {
                let status = e.status();
                return detail(&state, &auth, &id, Some((status, format!("上传失败：{e}")))).await;
            }
        }
    }
    if kind != "material" && kind != "final" {
        kind = "material".into();
    }
    if files.is_empty() {
        let e = ApiError::unprocessable("请选择要上传的文件");
        return after(&state, &auth, &id, Err(e), None).await;
    }
    for (filename, bytes) in files {
        if let Err(e) = state
            .services
            .add_review_document(&auth.actor, &id, &kind, &filename, bytes)
            .await
        {
            return after(&state, &auth, &id, Err(review_error(e)), None).await;
        }
    }
    after(&state, &auth, &id, Ok(()), None).await
}

async fn remove_document(
    State(state): State<AppState>,
    PageUser(auth): PageUser,
    Path((id, doc)): Path<(String, String)>,
) -> Response {
    let result = state
        .store
        .remove_review_document(&auth.actor, &id, &doc)
        .await
        .map_err(ApiError::from);
    after(&state, &auth, &id, result, None).await
}

/// A finding with where it is and what a reviewer can do with it.
struct FindingView {
    index: usize,
    finding: Finding,
    class: &'static str,
    basis: String,
    pages: String,
}

/// A page image with boxes drawn over it, in percent of the image.
struct PageImage {
    page: u32,
    sha: String,
    boxes: Vec<(usize, &'static str, f32, f32, f32, f32)>,
}

#[derive(Template)]
#[template(path = "review_document.html")]
struct DocumentPage {
    chrome: Chrome,
    r: RequestView,
    doc: ReviewDocumentRow,
    pieces: Vec<Piece>,
    findings: Vec<FindingView>,
    missing: Vec<MissingDisclosure>,
    images: Vec<PageImage>,
    can_write_opinion: bool,
    materialities: Vec<(&'static str, &'static str)>,
}

async fn document_page(
    State(state): State<AppState>,
    PageUser(auth): PageUser,
    Path((id, doc)): Path<(String, String)>,
) -> Response {
    let actor = &auth.actor;
    let (row, view) = match (
        state.store.get_review(actor, &id).await,
        state.services.review_document_view(actor, &id, &doc).await,
    ) {
        (Ok(r), Ok(v)) => (r, v),
        (Err(e), _) => return super::store_error_page(e),
        (_, Err(e)) => return error_response(review_error(e)),
    };
    let findings: Vec<FindingView> = view
        .report
        .findings
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let mut pages: Vec<u32> = view.locate(f.start, f.end).iter().map(|h| h.page).collect();
            pages.dedup();
            FindingView {
                index: i,
                class: severity_class(f.severity),
                basis: f
                    .basis
                    .iter()
                    .map(|b| format!("{} {}", b.law, b.article))
                    .collect::<Vec<_>>()
                    .join("；"),
                pages: pages
                    .iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join("、"),
                finding: f.clone(),
            }
        })
        .collect();
    let mut images = Vec::new();
    for (page, sha) in &view.page_images {
        let Some(p) = view.document.pages.iter().find(|p| p.number == *page) else {
            continue;
        };
        let (Some(w), Some(h)) = (p.width, p.height) else {
            continue;
        };
        if w <= 0.0 || h <= 0.0 {
            continue;
        }
        let mut boxes = Vec::new();
        for f in &findings {
            for hl in view.locate(f.finding.start, f.finding.end) {
                if hl.page != *page {
                    continue;
                }
                for b in hl.boxes {
                    boxes.push((
                        f.index + 1,
                        f.class,
                        b.x / w * 100.0,
                        b.y / h * 100.0,
                        b.width / w * 100.0,
                        b.height / h * 100.0,
                    ));
                }
            }
        }
        images.push(PageImage {
            page: *page,
            sha: sha.clone(),
            boxes,
        });
    }
    render(&DocumentPage {
        chrome: Chrome::new(&state, &auth, ACTIVE).await,
        can_write_opinion: actor.role.can_review()
            && row.status() == Status::InReview
            && view.row.round == row.round
            && view.row.kind == "material",
        r: RequestView::new(row),
        pieces: highlight(&view.document.text, &view.report.findings),
        findings,
        missing: view.report.missing_disclosures.clone(),
        images,
        materialities: Materiality::choices(),
        doc: view.row,
    })
}

async fn document_file(
    State(state): State<AppState>,
    PageUser(auth): PageUser,
    Path((id, doc, sha)): Path<(String, String, String)>,
) -> Response {
    let row = match state.store.review_document(&auth.actor, &id, &doc).await {
        Ok(r) => r,
        Err(e) => return super::store_error_page(e),
    };
    match state.store.review_file(&auth.actor, &id, &doc, &sha).await {
        Ok(bytes) => {
            let format = if sha == row.sha256 {
                row.format.as_str()
            } else {
                "png"
            };
            file_response(bytes, format, &row.filename)
        }
        Err(e) => super::store_error_page(e),
    }
}

#[derive(Deserialize)]
struct OpinionForm {
    #[serde(default)]
    document_id: String,
    #[serde(default)]
    finding: String,
    #[serde(default)]
    quote: String,
    #[serde(default)]
    materiality: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    suggestion: String,
    #[serde(default)]
    basis: String,
}

async fn add_opinion(
    State(state): State<AppState>,
    PageUser(auth): PageUser,
    Path(id): Path<String>,
    Form(form): Form<OpinionForm>,
) -> Response {
    let input = OpinionIn {
        document_id: Some(form.document_id.clone()).filter(|d| !d.is_empty()),
        finding: form
            .finding
            .trim()
            .parse::<usize>()
            .ok()
            .and_then(|n| n.checked_sub(1)),
        quote: form.quote,
        materiality: form.materiality,
        body: form.body,
        suggestion: form.suggestion,
        basis: form.basis,
    };
    let result = match new_opinion(&input) {
        Ok(opinion) => state
            .services
            .add_review_opinion(&auth.actor, &id, opinion, input.finding)
            .await
            .map(|_| ())
            .map_err(review_error),
        Err(e) => Err(e),
    };
    let back = input
        .document_id
        .as_ref()
        .map(|d| format!("/reviews/{id}/documents/{d}#opinions"));
    after(&state, &auth, &id, result, back).await
}

async fn remove_opinion(
    State(state): State<AppState>,
    PageUser(auth): PageUser,
    Path((id, opinion)): Path<(String, String)>,
) -> Response {
    let result = state
        .store
        .remove_opinion(&auth.actor, &id, &opinion)
        .await
        .map_err(ApiError::from);
    after(&state, &auth, &id, result, None).await
}

#[derive(Deserialize)]
struct AnswerForm {
    #[serde(default)]
    adoption: String,
    #[serde(default)]
    reason: String,
}

async fn answer_opinion(
    State(state): State<AppState>,
    PageUser(auth): PageUser,
    Path((id, opinion)): Path<(String, String)>,
    Form(form): Form<AnswerForm>,
) -> Response {
    let result = match Adoption::parse(&form.adoption) {
        None => Err(ApiError::unprocessable("请选择采纳情况")),
        Some(adoption) => state
            .store
            .answer_opinion(&auth.actor, &id, &opinion, adoption, &form.reason)
            .await
            .map(|_| ())
            .map_err(ApiError::from),
    };
    after(&state, &auth, &id, result, None).await
}

async fn act(
    State(state): State<AppState>,
    PageUser(auth): PageUser,
    Path((id, action)): Path<(String, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let Some(action) = Action::parse(&action) else {
        return not_found_page();
    };
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let note = field("note");
    let decision = field("decision").as_deref().and_then(Decision::parse);
    let version = field("version").and_then(|v| v.trim().parse::<i64>().ok());
    let result = state
        .services
        .review_step(
            &auth.actor,
            &id,
            action,
            &StepInput {
                note: note.as_deref(),
                decision,
                version,
            },
        )
        .await
        .map(|_| ())
        .map_err(review_error);
    after(&state, &auth, &id, result, None).await
}

#[derive(Template)]
#[template(path = "review_compare.html")]
struct ComparePage {
    chrome: Chrome,
    r: RequestView,
    comparison: Comparison,
    rounds: Vec<i64>,
    from: i64,
    to: i64,
    published: bool,
}

#[derive(Deserialize)]
struct CompareQuery {
    from: Option<i64>,
    to: Option<i64>,
}

async fn compare_page(
    State(state): State<AppState>,
    PageUser(auth): PageUser,
    Path(id): Path<String>,
    Query(q): Query<CompareQuery>,
) -> Response {
    let row = match state.store.get_review(&auth.actor, &id).await {
        Ok(r) => r,
        Err(e) => return super::store_error_page(e),
    };
    let last = row.pending_round();
    let to = q.to.unwrap_or(last);
    let from = q.from.unwrap_or(to - 1);
    match state
        .services
        .compare_review_rounds(&auth.actor, &id, from, to)
        .await
    {
        Ok(comparison) => render(&ComparePage {
            chrome: Chrome::new(&state, &auth, ACTIVE).await,
            r: RequestView::new(row),
            comparison,
            rounds: (1..=last).collect(),
            from,
            to,
            published: false,
        }),
        Err(e) => error_response(review_error(e)),
    }
}

async fn published_page(
    State(state): State<AppState>,
    PageUser(auth): PageUser,
    Path(id): Path<String>,
) -> Response {
    let row = match state.store.get_review(&auth.actor, &id).await {
        Ok(r) => r,
        Err(e) => return super::store_error_page(e),
    };
    match state
        .services
        .compare_with_published(&auth.actor, &id)
        .await
    {
        Ok(comparison) => render(&ComparePage {
            chrome: Chrome::new(&state, &auth, ACTIVE).await,
            rounds: Vec::new(),
            from: row.round,
            to: row.round,
            r: RequestView::new(row),
            comparison,
            published: true,
        }),
        Err(e) => error_response(review_error(e)),
    }
}

#[derive(Deserialize)]
struct AnnotationForm {
    #[serde(default)]
    body: String,
}

async fn annotate(
    State(state): State<AppState>,
    PageUser(auth): PageUser,
    Path(id): Path<String>,
    Form(form): Form<AnnotationForm>,
) -> Response {
    let result = state
        .store
        .annotate_review(&auth.actor, &id, &form.body)
        .await
        .map(|_| ())
        .map_err(ApiError::from);
    after(&state, &auth, &id, result, None).await
}

#[derive(Deserialize)]
struct RetrospectiveForm {
    #[serde(default)]
    on: String,
    #[serde(default)]
    note: String,
}

async fn retrospective(
    State(state): State<AppState>,
    PageUser(auth): PageUser,
    Path(id): Path<String>,
    Form(form): Form<RetrospectiveForm>,
) -> Response {
    let result = match chrono::NaiveDate::parse_from_str(form.on.trim(), "%Y-%m-%d") {
        Err(_) => Err(ApiError::unprocessable(format!(
            "回溯评估日期无效：{}（格式 YYYY-MM-DD）",
            form.on
        ))),
        Ok(on) => state
            .store
            .schedule_retrospective(&auth.actor, &id, on, &form.note)
            .await
            .map(|_| ())
            .map_err(ApiError::from),
    };
    after(&state, &auth, &id, result, None).await
}

async fn letter(
    State(state): State<AppState>,
    PageUser(auth): PageUser,
    Path((id, format)): Path<(String, String)>,
) -> Response {
    match letter_response(&state, &auth.actor, &id, Some(&format)).await {
        Ok(r) => r,
        Err(e) => error_response(e),
    }
}

/// Adoption figures of one department, formatted.
struct AdoptionRow {
    d: DepartmentAdoption,
    rate: String,
    substantive_rate: String,
}

#[derive(Template)]
#[template(path = "review_adoption.html")]
struct AdoptionPage {
    chrome: Chrome,
    rows: Vec<AdoptionRow>,
}

fn percent(v: Option<f64>) -> String {
    v.map_or_else(|| "—".to_string(), |v| format!("{:.1}%", v * 100.0))
}

async fn adoption_page(State(state): State<AppState>, PageUser(auth): PageUser) -> Response {
    match state.store.adoption_by_department(&auth.actor).await {
        Ok(rows) => render(&AdoptionPage {
            chrome: Chrome::new(&state, &auth, ACTIVE).await,
            rows: rows
                .into_iter()
                .map(|d| AdoptionRow {
                    rate: percent(d.tally.rate()),
                    substantive_rate: percent(d.tally.substantive_rate()),
                    d,
                })
                .collect(),
        }),
        Err(e) => super::store_error_page(e),
    }
}
