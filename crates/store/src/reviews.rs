//! Consumer-protection review requests (消保审查): documents per submission
//! round with their pre-review, opinions and their answers, the workflow,
//! the archive, and annotations.
//!
//! Who sees what: reviewers, consumer-protection officers and auditors see
//! every request; a submitter sees only the requests of their own
//! department; every other role sees none (403). A request outside the
//! actor's view is reported as not found.
//!
//! Once approved, a request is archived: the manifest (document hashes,
//! opinions, answers, decisions) and its hash are written in the same
//! transaction as the approval, and every method that would change the
//! request, its documents or its opinions refuses from then on. Annotations,
//! the published material (回溯评估) and a retrospective date may still be
//! added; they never change what was archived.

use chrono::NaiveDate;
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::FromRow;
use xiaobao_domain::actor::Actor;
use xiaobao_domain::review::{
    Action, Adoption, AdoptionTally, Decision, Materiality, Side, Status,
};

use crate::sql::Sql;
use crate::{Store, StoreError, time};

/// A new request as the submitter fills it in.
#[derive(Debug, Clone)]
pub struct NewReview {
    pub title: String,
    pub subject: String,
    pub stage: String,
    pub trigger: String,
    pub business_line: String,
    pub launch_date: Option<String>,
    pub description: String,
    /// Self-assessment answers as JSON (checked by the caller against the guide).
    pub checklist: String,
}

/// A stored request.
#[derive(Debug, Clone, Serialize, FromRow)]
pub struct ReviewRow {
    pub id: String,
    pub number: String,
    pub title: String,
    pub subject: String,
    pub stage: String,
    pub trigger_kind: String,
    pub business_line: String,
    pub department: String,
    pub submitter_id: String,
    pub submitter_name: String,
    pub launch_date: Option<String>,
    pub description: String,
    /// Self-assessment answers as JSON.
    pub checklist: String,
    pub status: String,
    pub round: i64,
    pub decision: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub submitted_at: Option<String>,
    pub decided_at: Option<String>,
    pub approved_at: Option<String>,
    #[serde(skip)]
    pub archive_manifest: Option<String>,
    pub archive_hash: Option<String>,
    pub retrospective_on: Option<String>,
    pub retrospective_note: Option<String>,
    pub version: i64,
}

impl ReviewRow {
    /// The status as the domain type (unknown text reads as a draft, which
    /// allows nothing a reviewer could misuse).
    pub fn status(&self) -> Status {
        Status::parse(&self.status).unwrap_or(Status::Draft)
    }

    /// The round new material documents go to: the current one while a
    /// draft, the next one after a return.
    pub fn pending_round(&self) -> i64 {
        if self.status() == Status::Returned {
            self.round + 1
        } else {
            self.round
        }
    }
}

const REVIEW_COLUMNS: &str = "id, number, title, subject, stage, trigger_kind, business_line, department,
    submitter_id, submitter_name, launch_date, description, checklist, status, round, decision, created_at,
    updated_at, submitted_at, decided_at, approved_at, archive_manifest, archive_hash, retrospective_on,
    retrospective_note, version";

/// A document to store: the file and what the pre-review found in it.
#[derive(Debug, Clone)]
pub struct NewReviewDocument {
    /// `material` or `final`.
    pub kind: String,
    pub filename: String,
    pub format: String,
    pub bytes: Vec<u8>,
    pub text: String,
    /// Pages and blocks as JSON.
    pub layout: String,
    /// The knowledge-base scan report as JSON.
    pub report: String,
    pub kb_version: i64,
    pub findings: i64,
    pub forbidden: i64,
    /// Page images (scans), stored with the file bytes and named in the layout.
    pub page_images: Vec<Vec<u8>>,
}

/// A stored document (without its bytes).
#[derive(Debug, Clone, Serialize, FromRow)]
pub struct ReviewDocumentRow {
    pub id: String,
    pub request_id: String,
    pub round: i64,
    pub kind: String,
    pub filename: String,
    pub format: String,
    pub byte_size: i64,
    pub sha256: String,
    #[serde(skip)]
    pub text: String,
    #[serde(skip)]
    pub layout: String,
    #[serde(skip)]
    pub report: String,
    pub kb_version: i64,
    pub findings: i64,
    pub forbidden: i64,
    pub uploaded_by: String,
    pub uploaded_at: String,
}

const DOCUMENT_COLUMNS: &str =
    "id, request_id, round, kind, filename, format, byte_size, sha256, text,
    layout, report, kb_version, findings, forbidden, uploaded_by, uploaded_at";

/// [`DOCUMENT_COLUMNS`] without the extracted text, layout and report, which
/// can be megabytes per document: for lists and workflow checks.
const DOCUMENT_SUMMARY_COLUMNS: &str = "id, request_id, round, kind, filename, format, byte_size,
    sha256, CAST('' AS TEXT) AS text, CAST('' AS TEXT) AS layout, CAST('' AS TEXT) AS report,
    kb_version, findings, forbidden, uploaded_by, uploaded_at";

/// An opinion as a reviewer writes it.
#[derive(Debug, Clone)]
pub struct NewOpinion {
    pub document_id: Option<String>,
    /// The knowledge-base entry of the finding the opinion is about.
    pub entry_id: Option<String>,
    pub char_start: Option<i64>,
    pub char_end: Option<i64>,
    /// The passage the opinion is about.
    pub quote: String,
    pub materiality: Materiality,
    pub body: String,
    pub suggestion: String,
    pub basis: String,
}

/// A stored opinion with the submitter's answer.
#[derive(Debug, Clone, Serialize, FromRow)]
pub struct OpinionRow {
    pub id: String,
    pub request_id: String,
    pub round: i64,
    pub document_id: Option<String>,
    pub entry_id: Option<String>,
    pub char_start: Option<i64>,
    pub char_end: Option<i64>,
    pub quote: String,
    pub materiality: String,
    pub body: String,
    pub suggestion: String,
    pub basis: String,
    pub reviewer_id: String,
    pub reviewer_name: String,
    pub created_at: String,
    pub adoption: Option<String>,
    pub adoption_reason: Option<String>,
    pub answered_by: Option<String>,
    pub answered_at: Option<String>,
    pub answered_round: Option<i64>,
}

const OPINION_COLUMNS: &str = "id, request_id, round, document_id, entry_id, char_start, char_end, quote,
    materiality, body, suggestion, basis, reviewer_id, reviewer_name, created_at, adoption, adoption_reason,
    answered_by, answered_at, answered_round";

impl OpinionRow {
    pub fn materiality(&self) -> Materiality {
        Materiality::parse(&self.materiality).unwrap_or(Materiality::Substantive)
    }

    pub fn adoption(&self) -> Option<Adoption> {
        self.adoption.as_deref().and_then(Adoption::parse)
    }
}

/// One step of a request's history.
#[derive(Debug, Clone, Serialize, FromRow)]
pub struct ReviewEventRow {
    pub action: String,
    pub from_status: Option<String>,
    pub to_status: String,
    pub actor_id: String,
    pub actor_name: String,
    pub at: String,
    pub note: Option<String>,
    pub payload: String,
}

/// A request with everything its page shows, read after one access check.
/// Documents are summaries (no text, layout or report).
#[derive(Debug, Clone)]
pub struct ReviewRecord {
    pub review: ReviewRow,
    pub documents: Vec<ReviewDocumentRow>,
    pub opinions: Vec<OpinionRow>,
    pub events: Vec<ReviewEventRow>,
    pub annotations: Vec<AnnotationRow>,
}

/// A note added to a request, archived or not.
#[derive(Debug, Clone, Serialize, FromRow)]
pub struct AnnotationRow {
    pub id: String,
    pub author_name: String,
    pub at: String,
    pub body: String,
}

/// Filters of the request list. Empty fields do not filter.
#[derive(Debug, Clone, Default)]
pub struct ReviewFilter {
    pub status: Option<String>,
    pub subject: Option<String>,
    pub department: Option<String>,
    /// Title or number contains.
    pub q: Option<String>,
    pub page: u32,
    pub per_page: u32,
}

/// Adoption figures of one department.
#[derive(Debug, Clone, Serialize)]
pub struct DepartmentAdoption {
    pub department: String,
    pub requests: i64,
    pub tally: AdoptionTally,
}

/// Requests by state for the home screen.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ReviewCounts {
    pub draft: i64,
    pub in_review: i64,
    pub returned: i64,
    pub awaiting_confirmation: i64,
    /// Approved requests whose retrospective review date has come.
    pub retrospectives_due: i64,
}

/// What a workflow step carries besides the action.
#[derive(Debug, Clone, Default)]
pub struct StepInput<'a> {
    pub note: Option<&'a str>,
    /// Required for [`Action::Approve`] and [`Action::Return`].
    pub decision: Option<Decision>,
    /// The version the caller saw; a different current version is a conflict.
    pub version: Option<i64>,
}

fn forbidden(msg: &str) -> StoreError {
    StoreError::Forbidden(msg.to_string())
}

fn not_found(id: &str) -> StoreError {
    StoreError::NotFound(format!("审查申请 {id} 不存在 review request not found"))
}

fn archived_error() -> StoreError {
    StoreError::Conflict(
        "该审查已归档，内容不可修改，只能添加批注 the review is archived and frozen".into(),
    )
}

/// SHA-256 of bytes as lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

impl Store {
    /// The department a user submits for (empty when none was set).
    pub async fn user_department(&self, user_id: &str) -> Result<String, StoreError> {
        Ok(
            sqlx::query_scalar::<_, String>("SELECT department FROM users WHERE id = $1")
                .bind(user_id)
                .fetch_optional(&self.pool)
                .await?
                .unwrap_or_default(),
        )
    }

    /// Sets the department of a user (account administration).
    pub async fn set_user_department(
        &self,
        username: &str,
        department: &str,
    ) -> Result<(), StoreError> {
        let done =
            sqlx::query("UPDATE users SET department = $1, updated_at = $2 WHERE username = $3")
                .bind(department.trim())
                .bind(time::now())
                .bind(username)
                .execute(&self.pool)
                .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!(
                "用户 {username} 不存在 user not found"
            )));
        }
        Ok(())
    }

    /// The department whose requests the actor is limited to: `None` for
    /// those who see every request; an error for roles without access.
    async fn review_scope(&self, actor: &Actor) -> Result<Option<String>, StoreError> {
        if actor.role.sees_all_reviews() {
            return Ok(None);
        }
        if actor.role.can_submit_reviews() {
            let department = self.user_department(&actor.user_id).await?;
            if department.is_empty() {
                return Err(forbidden(
                    "您的账号未设置所属部门，无法查看或提交审查申请，请联系系统管理员 no department set",
                ));
            }
            return Ok(Some(department));
        }
        Err(forbidden(
            "仅审查员、消保管理员、审计员和业务送审人可使用消保审查 no access to reviews",
        ))
    }

    /// Creates a draft request for the submitter's department.
    pub async fn create_review(
        &self,
        actor: &Actor,
        new: &NewReview,
    ) -> Result<ReviewRow, StoreError> {
        if !actor.role.can_submit_reviews() {
            return Err(forbidden(
                "仅业务送审人可发起审查申请 only submitters create review requests",
            ));
        }
        let Some(department) = self.review_scope(actor).await? else {
            return Err(forbidden("仅业务送审人可发起审查申请"));
        };
        let now = chrono::Utc::now();
        let now_ts = time::format_ts(now);
        let day = now
            .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).expect("valid offset"))
            .date_naive();
        let id = uuid::Uuid::now_v7().to_string();
        let mut tx = self.pool.begin().await?;
        let seq: i64 = sqlx::query_scalar(
            "INSERT INTO review_number_seq (day, last) VALUES ($1, 1)
             ON CONFLICT (day) DO UPDATE SET last = review_number_seq.last + 1
             RETURNING last",
        )
        .bind(day.format("%Y%m%d").to_string())
        .fetch_one(&mut *tx)
        .await?;
        let number = review_number(day, seq);
        sqlx::query(
            "INSERT INTO review_requests (id, number, title, subject, stage, trigger_kind, business_line,
               department, submitter_id, submitter_name, launch_date, description, checklist, status, round,
               created_at, updated_at, version)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'draft', 1, $14, $14, 1)",
        )
        .bind(&id)
        .bind(&number)
        .bind(new.title.trim())
        .bind(&new.subject)
        .bind(&new.stage)
        .bind(&new.trigger)
        .bind(new.business_line.trim())
        .bind(&department)
        .bind(&actor.user_id)
        .bind(&actor.display_name)
        .bind(new.launch_date.clone())
        .bind(new.description.trim())
        .bind(&new.checklist)
        .bind(&now_ts)
        .execute(&mut *tx)
        .await?;
        insert_event(
            &mut tx,
            &id,
            "create",
            None,
            Status::Draft.as_str(),
            actor,
            None,
            &serde_json::json!({ "number": number }),
        )
        .await?;
        tx.commit().await?;
        self.get_review(actor, &id).await
    }

    /// Updates the form fields and the self-assessment of a request that is
    /// with the submitter (draft or returned).
    pub async fn update_review(
        &self,
        actor: &Actor,
        id: &str,
        new: &NewReview,
        version: Option<i64>,
    ) -> Result<ReviewRow, StoreError> {
        let review = self.get_review(actor, id).await?;
        self.check_submitter_edit(actor, &review, version)?;
        let done = sqlx::query(
            "UPDATE review_requests SET title = $1, subject = $2, stage = $3, trigger_kind = $4,
               business_line = $5, launch_date = $6, description = $7, checklist = $8, updated_at = $9,
               version = version + 1
             WHERE id = $10 AND version = $11",
        )
        .bind(new.title.trim())
        .bind(&new.subject)
        .bind(&new.stage)
        .bind(&new.trigger)
        .bind(new.business_line.trim())
        .bind(new.launch_date.clone())
        .bind(new.description.trim())
        .bind(&new.checklist)
        .bind(time::now())
        .bind(&review.id)
        .bind(review.version)
        .execute(&self.pool)
        .await?;
        if done.rows_affected() != 1 {
            return Err(changed_concurrently());
        }
        self.get_review(actor, id).await
    }

    fn check_submitter_edit(
        &self,
        actor: &Actor,
        review: &ReviewRow,
        version: Option<i64>,
    ) -> Result<(), StoreError> {
        if !actor.role.can_submit_reviews() {
            return Err(forbidden(
                "仅送审部门可修改申请内容和材料 only the submitting department edits",
            ));
        }
        if review.status() == Status::Approved {
            return Err(archived_error());
        }
        if !review.status().submitter_may_edit() {
            return Err(StoreError::Conflict(format!(
                "审查申请当前状态为“{}”，不能修改申请内容或材料 not editable in state {}",
                review.status().label(),
                review.status
            )));
        }
        check_version(review, version)
    }

    /// A page of requests the actor may see, newest first.
    pub async fn list_reviews(
        &self,
        actor: &Actor,
        filter: &ReviewFilter,
    ) -> Result<crate::complaints::Page<ReviewRow>, StoreError> {
        let scope = self.review_scope(actor).await?;
        let mut select = Sql::new(&format!(
            "SELECT {REVIEW_COLUMNS} FROM review_requests WHERE 1 = 1"
        ));
        let mut count = Sql::new("SELECT COUNT(*) FROM review_requests WHERE 1 = 1");
        for q in [&mut select, &mut count] {
            for (column, value) in [
                ("department", &scope),
                ("status", &filter.status),
                ("subject", &filter.subject),
                ("department", &filter.department),
            ] {
                if let Some(v) = value.as_ref().filter(|v| !v.is_empty()) {
                    let p = q.text(v.clone());
                    q.push(&format!(" AND {column} = {p}"));
                }
            }
            if let Some(text) = filter
                .q
                .as_ref()
                .map(|t| t.trim())
                .filter(|t| !t.is_empty())
            {
                let pattern = format!("%{}", crate::orgs::like_prefix(text));
                let a = q.text(pattern.clone());
                let b = q.text(pattern);
                q.push(&format!(
                    " AND (title LIKE {a} ESCAPE '\\' OR number LIKE {b} ESCAPE '\\')"
                ));
            }
        }
        select.push(" ORDER BY created_at DESC, id DESC");
        let per_page = i64::from(filter.per_page.clamp(1, 500));
        let offset = i64::from(filter.page.max(1) - 1) * per_page;
        let l = select.int(per_page);
        let o = select.int(offset);
        select.push(&format!(" LIMIT {l} OFFSET {o}"));
        let items = select.query_as::<ReviewRow>().fetch_all(&self.pool).await?;
        let total = count.query_scalar_i64().fetch_one(&self.pool).await?;
        Ok(crate::complaints::Page {
            items,
            total,
            total_capped: false,
        })
    }

    /// One request the actor may see.
    pub async fn get_review(&self, actor: &Actor, id: &str) -> Result<ReviewRow, StoreError> {
        let scope = self.review_scope(actor).await?;
        let row = sqlx::query_as::<_, ReviewRow>(sqlx::AssertSqlSafe(format!(
            "SELECT {REVIEW_COLUMNS} FROM review_requests WHERE id = $1 OR number = $1"
        )))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| not_found(id))?;
        match scope {
            Some(department) if department != row.department => Err(not_found(id)),
            _ => Ok(row),
        }
    }

    /// Stores a document of the pending round (material) or, after approval,
    /// the published material (`final`).
    pub async fn add_review_document(
        &self,
        actor: &Actor,
        id: &str,
        doc: &NewReviewDocument,
    ) -> Result<ReviewDocumentRow, StoreError> {
        let review = self.get_review(actor, id).await?;
        let round = match doc.kind.as_str() {
            "material" => {
                self.check_submitter_edit(actor, &review, None)?;
                review.pending_round()
            }
            "final" => {
                if !actor.role.can_submit_reviews() && !actor.role.can_review() {
                    return Err(forbidden("仅送审部门或审查员可上传上线材料"));
                }
                if review.status() != Status::Approved {
                    return Err(StoreError::Conflict(
                        "审查通过并归档后才能上传最终上线材料 final material only after approval"
                            .into(),
                    ));
                }
                review.round
            }
            other => {
                return Err(StoreError::Invalid(format!(
                    "未知材料类型 unknown document kind {other}"
                )));
            }
        };
        let doc_id = uuid::Uuid::now_v7().to_string();
        let sha = sha256_hex(&doc.bytes);
        let now = time::now();
        let mut tx = self.pool.begin().await?;
        store_file(&mut tx, &sha, &doc.bytes).await?;
        for image in &doc.page_images {
            store_file(&mut tx, &sha256_hex(image), image).await?;
        }
        sqlx::query(
            "INSERT INTO review_documents (id, request_id, round, kind, filename, format, byte_size, sha256,
               text, layout, report, kb_version, findings, forbidden, uploaded_by, uploaded_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
        )
        .bind(&doc_id)
        .bind(&review.id)
        .bind(round)
        .bind(&doc.kind)
        .bind(&doc.filename)
        .bind(&doc.format)
        .bind(i64::try_from(doc.bytes.len()).unwrap_or(i64::MAX))
        .bind(&sha)
        .bind(&doc.text)
        .bind(&doc.layout)
        .bind(&doc.report)
        .bind(doc.kb_version)
        .bind(doc.findings)
        .bind(doc.forbidden)
        .bind(&actor.display_name)
        .bind(&now)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE review_requests SET updated_at = $1 WHERE id = $2")
            .bind(&now)
            .bind(&review.id)
            .execute(&mut *tx)
            .await?;
        insert_event(
            &mut tx,
            &review.id,
            if doc.kind == "final" {
                "upload_final"
            } else {
                "upload"
            },
            Some(&review.status),
            &review.status,
            actor,
            None,
            &serde_json::json!({ "document": doc.filename, "sha256": sha, "round": round }),
        )
        .await?;
        tx.commit().await?;
        self.document_of(&review.id, &doc_id).await
    }

    /// Removes a material document of the pending round (a wrong upload).
    pub async fn remove_review_document(
        &self,
        actor: &Actor,
        id: &str,
        document_id: &str,
    ) -> Result<(), StoreError> {
        let review = self.get_review(actor, id).await?;
        self.check_submitter_edit(actor, &review, None)?;
        let doc = self.document_of(&review.id, document_id).await?;
        if doc.kind != "material" || doc.round != review.pending_round() {
            return Err(StoreError::Conflict(
                "只能删除本轮尚未提交的材料 only documents of the round not yet submitted".into(),
            ));
        }
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM review_documents WHERE id = $1")
            .bind(&doc.id)
            .execute(&mut *tx)
            .await?;
        record_on(
            &mut tx,
            &review,
            "remove_document",
            actor,
            None,
            &serde_json::json!({ "document": doc.filename, "sha256": doc.sha256 }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Every document of a request with its text and findings, by round and
    /// upload time.
    pub async fn review_documents(
        &self,
        actor: &Actor,
        id: &str,
    ) -> Result<Vec<ReviewDocumentRow>, StoreError> {
        let review = self.get_review(actor, id).await?;
        self.documents_of(&review.id, DOCUMENT_COLUMNS).await
    }

    async fn documents_of(
        &self,
        request_id: &str,
        columns: &str,
    ) -> Result<Vec<ReviewDocumentRow>, StoreError> {
        Ok(sqlx::query_as::<_, ReviewDocumentRow>(sqlx::AssertSqlSafe(format!(
            "SELECT {columns} FROM review_documents WHERE request_id = $1 ORDER BY round, uploaded_at, id"
        )))
        .bind(request_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// One document of a request.
    pub async fn review_document(
        &self,
        actor: &Actor,
        id: &str,
        document_id: &str,
    ) -> Result<ReviewDocumentRow, StoreError> {
        let review = self.get_review(actor, id).await?;
        self.document_of(&review.id, document_id).await
    }

    async fn document_of(
        &self,
        request_id: &str,
        document_id: &str,
    ) -> Result<ReviewDocumentRow, StoreError> {
        sqlx::query_as::<_, ReviewDocumentRow>(sqlx::AssertSqlSafe(format!(
            "SELECT {DOCUMENT_COLUMNS} FROM review_documents WHERE request_id = $1 AND id = $2"
        )))
        .bind(request_id)
        .bind(document_id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| {
            StoreError::NotFound(format!("材料 {document_id} 不存在 document not found"))
        })
    }

    /// A request with its document summaries, opinions, history and
    /// annotations (what its page and the API's detail show).
    pub async fn review_record(&self, actor: &Actor, id: &str) -> Result<ReviewRecord, StoreError> {
        let review = self.get_review(actor, id).await?;
        Ok(ReviewRecord {
            documents: self
                .documents_of(&review.id, DOCUMENT_SUMMARY_COLUMNS)
                .await?,
            opinions: self.opinions_of(&review.id).await?,
            events: self.events_of(&review.id).await?,
            annotations: self.annotations_of(&review.id).await?,
            review,
        })
    }

    /// The bytes of a file of a request the actor may see (a document or
    /// one of its page images).
    pub async fn review_file(
        &self,
        actor: &Actor,
        id: &str,
        document_id: &str,
        sha256: &str,
    ) -> Result<Vec<u8>, StoreError> {
        let doc = self.review_document(actor, id, document_id).await?;
        // The document's own bytes, or a page image its layout names (as a
        // whole quoted SHA-256, never a fragment).
        let well_formed = sha256.len() == 64 && sha256.bytes().all(|b| b.is_ascii_hexdigit());
        if !well_formed || (doc.sha256 != sha256 && !doc.layout.contains(&format!("\"{sha256}\"")))
        {
            return Err(StoreError::NotFound("文件不存在 file not found".into()));
        }
        sqlx::query_scalar::<_, Vec<u8>>("SELECT content FROM review_files WHERE sha256 = $1")
            .bind(sha256)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::NotFound("文件不存在 file not found".into()))
    }

    /// Opinions of a request, oldest first.
    pub async fn review_opinions(
        &self,
        actor: &Actor,
        id: &str,
    ) -> Result<Vec<OpinionRow>, StoreError> {
        let review = self.get_review(actor, id).await?;
        self.opinions_of(&review.id).await
    }

    async fn opinion_of(
        &self,
        request_id: &str,
        opinion_id: &str,
    ) -> Result<OpinionRow, StoreError> {
        sqlx::query_as::<_, OpinionRow>(sqlx::AssertSqlSafe(format!(
            "SELECT {OPINION_COLUMNS} FROM review_opinions WHERE request_id = $1 AND id = $2"
        )))
        .bind(request_id)
        .bind(opinion_id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("意见 {opinion_id} 不存在 opinion not found")))
    }

    async fn opinions_of(&self, request_id: &str) -> Result<Vec<OpinionRow>, StoreError> {
        Ok(sqlx::query_as::<_, OpinionRow>(sqlx::AssertSqlSafe(format!(
            "SELECT {OPINION_COLUMNS} FROM review_opinions WHERE request_id = $1 ORDER BY created_at, id"
        )))
        .bind(request_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// A reviewer's opinion on the round under review.
    pub async fn add_opinion(
        &self,
        actor: &Actor,
        id: &str,
        new: &NewOpinion,
    ) -> Result<OpinionRow, StoreError> {
        if !actor.role.can_review() {
            return Err(forbidden(
                "仅审查员和消保管理员可填写审查意见 only reviewers write opinions",
            ));
        }
        let review = self.get_review(actor, id).await?;
        if review.status() == Status::Approved {
            return Err(archived_error());
        }
        if !review.status().reviewer_may_write() {
            return Err(StoreError::Conflict(format!(
                "审查申请当前状态为“{}”，不能填写审查意见 opinions only while in review",
                review.status().label()
            )));
        }
        if new.body.trim().chars().count() < 2 {
            return Err(StoreError::Invalid(
                "请填写审查意见内容（至少 2 个字）opinion text required".into(),
            ));
        }
        if let Some(doc) = &new.document_id {
            self.document_of(&review.id, doc).await?;
        }
        let opinion_id = uuid::Uuid::now_v7().to_string();
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO review_opinions (id, request_id, round, document_id, entry_id, char_start, char_end,
               quote, materiality, body, suggestion, basis, reviewer_id, reviewer_name, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
        )
        .bind(&opinion_id)
        .bind(&review.id)
        .bind(review.round)
        .bind(new.document_id.clone())
        .bind(new.entry_id.clone())
        .bind(new.char_start)
        .bind(new.char_end)
        .bind(new.quote.trim())
        .bind(new.materiality.as_str())
        .bind(new.body.trim())
        .bind(new.suggestion.trim())
        .bind(new.basis.trim())
        .bind(&actor.user_id)
        .bind(&actor.display_name)
        .bind(time::now())
        .execute(&mut *tx)
        .await?;
        record_on(
            &mut tx,
            &review,
            "opinion",
            actor,
            None,
            &serde_json::json!({ "opinion": opinion_id, "materiality": new.materiality.as_str() }),
        )
        .await?;
        tx.commit().await?;
        self.opinion_of(&review.id, &opinion_id).await
    }

    /// Withdraws an opinion of the round under review (its author or any
    /// reviewer, before the decision).
    pub async fn remove_opinion(
        &self,
        actor: &Actor,
        id: &str,
        opinion_id: &str,
    ) -> Result<(), StoreError> {
        if !actor.role.can_review() {
            return Err(forbidden("仅审查员和消保管理员可撤回审查意见"));
        }
        let review = self.get_review(actor, id).await?;
        if !review.status().reviewer_may_write() {
            return Err(StoreError::Conflict(
                "只能在审查中撤回本轮意见 only while in review".into(),
            ));
        }
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "DELETE FROM review_opinions WHERE id = $1 AND request_id = $2 AND round = $3 AND adoption IS NULL",
        )
        .bind(opinion_id)
        .bind(&review.id)
        .bind(review.round)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::NotFound(
                "意见不存在或已答复，不能撤回 opinion not found or already answered".into(),
            ));
        }
        record_on(
            &mut tx,
            &review,
            "remove_opinion",
            actor,
            None,
            &serde_json::json!({ "opinion": opinion_id }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The submitter's answer to an opinion (采纳 / 部分采纳 / 未采纳 with a
    /// reason), while the request is returned or awaiting confirmation. An
    /// answer may be changed until the request moves on.
    pub async fn answer_opinion(
        &self,
        actor: &Actor,
        id: &str,
        opinion_id: &str,
        adoption: Adoption,
        reason: &str,
    ) -> Result<OpinionRow, StoreError> {
        if !actor.role.can_submit_reviews() {
            return Err(forbidden(
                "仅送审部门可答复审查意见 only the submitting department answers",
            ));
        }
        let review = self.get_review(actor, id).await?;
        if review.status() == Status::Approved {
            return Err(archived_error());
        }
        if !matches!(
            review.status(),
            Status::Returned | Status::AwaitingConfirmation
        ) {
            return Err(StoreError::Conflict(format!(
                "审查申请当前状态为“{}”，不能答复意见 answers only when returned or awaiting confirmation",
                review.status().label()
            )));
        }
        let reason = reason.trim();
        if adoption.needs_reason() && reason.chars().count() < 2 {
            return Err(StoreError::Invalid(format!(
                "选择“{}”时须说明理由 a reason is required unless adopted",
                adoption.label()
            )));
        }
        let answer_round = review.pending_round();
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE review_opinions SET adoption = $1, adoption_reason = $2, answered_by = $3, answered_at = $4,
               answered_round = $5
             WHERE id = $6 AND request_id = $7 AND (adoption IS NULL OR answered_round = $5)",
        )
        .bind(adoption.as_str())
        .bind((!reason.is_empty()).then(|| reason.to_string()))
        .bind(&actor.display_name)
        .bind(time::now())
        .bind(answer_round)
        .bind(opinion_id)
        .bind(&review.id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::NotFound(
                "意见不存在或已在此前轮次答复 opinion not found or answered in an earlier round"
                    .into(),
            ));
        }
        record_on(
            &mut tx,
            &review,
            "answer",
            actor,
            (!reason.is_empty()).then_some(reason),
            &serde_json::json!({ "opinion": opinion_id, "adoption": adoption.as_str() }),
        )
        .await?;
        tx.commit().await?;
        self.opinion_of(&review.id, opinion_id).await
    }

    /// Takes a workflow step. The caller has checked the self-assessment
    /// (submit, resubmit); everything else is checked here, in the order a
    /// user would fix it: role, state, version, then the step's own
    /// preconditions.
    pub async fn transition_review(
        &self,
        actor: &Actor,
        id: &str,
        action: Action,
        input: &StepInput<'_>,
    ) -> Result<ReviewRow, StoreError> {
        let review = self.get_review(actor, id).await?;
        match action.side() {
            Side::Submitter if !actor.role.can_submit_reviews() => {
                return Err(forbidden(
                    "该操作由送审部门执行 this step belongs to the submitting department",
                ));
            }
            Side::Reviewer if !actor.role.can_review() => {
                return Err(forbidden(
                    "该操作由审查员执行 this step belongs to the reviewers",
                ));
            }
            _ => {}
        }
        let status = review.status();
        if status == Status::Approved {
            return Err(archived_error());
        }
        let opinions = self.opinions_of(&review.id).await?;
        let open = opinions.iter().any(|o| o.adoption.is_none());
        let Some(to) = action.next(status, open) else {
            let allowed: Vec<&str> = Action::allowed(status).iter().map(|a| a.label()).collect();
            return Err(StoreError::Conflict(format!(
                "审查申请当前状态为“{}”，不能执行“{}”；可执行：{} action not allowed",
                status.label(),
                action.label(),
                if allowed.is_empty() {
                    "无".to_string()
                } else {
                    allowed.join("、")
                }
            )));
        };
        check_version(&review, input.version)?;
        let documents = self
            .documents_of(&review.id, DOCUMENT_SUMMARY_COLUMNS)
            .await?;
        let pending = review.pending_round();
        let note = input.note.map(str::trim).filter(|n| !n.is_empty());
        let mut decision = None;
        match action {
            Action::Submit | Action::Resubmit => {
                if !documents
                    .iter()
                    .any(|d| d.kind == "material" && d.round == pending)
                {
                    return Err(StoreError::Invalid(if action == Action::Submit {
                        "请先上传送审材料 upload at least one document".into()
                    } else {
                        "请先上传修改后的材料 upload the revised documents".into()
                    }));
                }
                if action == Action::Resubmit && open {
                    let n = opinions.iter().filter(|o| o.adoption.is_none()).count();
                    return Err(StoreError::Invalid(format!(
                        "还有 {n} 条审查意见未答复采纳情况 answer every opinion before resubmitting"
                    )));
                }
            }
            Action::Return => {
                if !opinions
                    .iter()
                    .any(|o| o.adoption.is_none() && o.round == review.round)
                {
                    return Err(StoreError::Invalid(
                        "退回前请至少填写一条审查意见 write at least one opinion before returning"
                            .into(),
                    ));
                }
                decision = Some(Decision::Return);
            }
            Action::Approve => {
                let d = input.decision.unwrap_or(Decision::Approve);
                if d == Decision::Return {
                    return Err(StoreError::Invalid(
                        "请使用“退回修改”操作 use return".into(),
                    ));
                }
                decision = Some(d);
            }
            Action::Confirm => {}
            Action::Withdraw => {
                if note.is_none_or(|n| n.chars().count() < 2) {
                    return Err(StoreError::Invalid(
                        "撤回须说明原因 a reason is required".into(),
                    ));
                }
            }
        }
        let now = time::now();
        let round = if action == Action::Resubmit {
            review.round + 1
        } else {
            review.round
        };
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE review_requests SET status = $1, round = $2, updated_at = $3, version = version + 1,
               decision = COALESCE($4, decision),
               decided_at = CASE WHEN $4 IS NULL THEN decided_at ELSE $3 END,
               submitted_at = CASE WHEN $5 = 1 THEN $3 ELSE submitted_at END
             WHERE id = $6 AND version = $7",
        )
        .bind(to.as_str())
        .bind(round)
        .bind(&now)
        .bind(decision.map(|d| d.as_str().to_string()))
        .bind(i64::from(matches!(action, Action::Submit | Action::Resubmit)))
        .bind(&review.id)
        .bind(review.version)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            tx.rollback().await?;
            return Err(changed_concurrently());
        }
        insert_event(
            &mut tx,
            &review.id,
            action.as_str(),
            Some(status.as_str()),
            to.as_str(),
            actor,
            note,
            &serde_json::json!({
                "round": round,
                "decision": decision.map(|d| d.as_str()),
            }),
        )
        .await?;
        if to == Status::Approved {
            archive(&mut tx, &review.id, &now).await?;
        }
        tx.commit().await?;
        self.get_review(actor, id).await
    }

    async fn events_of(&self, request_id: &str) -> Result<Vec<ReviewEventRow>, StoreError> {
        Ok(sqlx::query_as::<_, ReviewEventRow>(
            "SELECT action, from_status, to_status, actor_id, actor_name, at, note, payload
             FROM review_events WHERE request_id = $1 ORDER BY at, id",
        )
        .bind(request_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Adds an annotation; the one change an archived request accepts.
    pub async fn annotate_review(
        &self,
        actor: &Actor,
        id: &str,
        body: &str,
    ) -> Result<AnnotationRow, StoreError> {
        if !actor.role.can_write() {
            return Err(forbidden("只读角色不能添加批注 read-only role"));
        }
        let body = body.trim();
        if body.chars().count() < 2 {
            return Err(StoreError::Invalid(
                "批注内容至少 2 个字 annotation too short".into(),
            ));
        }
        let review = self.get_review(actor, id).await?;
        let annotation_id = uuid::Uuid::now_v7().to_string();
        let now = time::now();
        sqlx::query(
            "INSERT INTO review_annotations (id, request_id, author_id, author_name, at, body)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&annotation_id)
        .bind(&review.id)
        .bind(&actor.user_id)
        .bind(&actor.display_name)
        .bind(&now)
        .bind(body)
        .execute(&self.pool)
        .await?;
        Ok(AnnotationRow {
            id: annotation_id,
            author_name: actor.display_name.clone(),
            at: now,
            body: body.to_string(),
        })
    }

    async fn annotations_of(&self, request_id: &str) -> Result<Vec<AnnotationRow>, StoreError> {
        Ok(sqlx::query_as::<_, AnnotationRow>(
            "SELECT id, author_name, at, body FROM review_annotations WHERE request_id = $1 ORDER BY at, id",
        )
        .bind(request_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Schedules the retrospective review (回溯评估) of an approved request.
    pub async fn schedule_retrospective(
        &self,
        actor: &Actor,
        id: &str,
        on: NaiveDate,
        note: &str,
    ) -> Result<ReviewRow, StoreError> {
        if !actor.role.can_review() {
            return Err(forbidden("仅审查员和消保管理员可安排回溯评估"));
        }
        let review = self.get_review(actor, id).await?;
        if review.status() != Status::Approved {
            return Err(StoreError::Conflict(
                "审查通过后才能安排回溯评估 only approved reviews".into(),
            ));
        }
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "UPDATE review_requests SET retrospective_on = $1, retrospective_note = $2, updated_at = $3
             WHERE id = $4",
        )
        .bind(on.to_string())
        .bind(note.trim())
        .bind(time::now())
        .bind(&review.id)
        .execute(&mut *tx)
        .await?;
        record_on(
            &mut tx,
            &review,
            "schedule_retrospective",
            actor,
            Some(note.trim()).filter(|n| !n.is_empty()),
            &serde_json::json!({ "on": on.to_string() }),
        )
        .await?;
        tx.commit().await?;
        self.get_review(actor, id).await
    }

    /// Recomputes the archive manifest from the stored rows and compares its
    /// hash with the one written at approval. `None` when not archived.
    pub async fn verify_review_archive(
        &self,
        actor: &Actor,
        id: &str,
    ) -> Result<Option<bool>, StoreError> {
        let review = self.get_review(actor, id).await?;
        let (Some(stored), Some(hash)) = (&review.archive_manifest, &review.archive_hash) else {
            return Ok(None);
        };
        let mut conn = self.pool.acquire().await?;
        let manifest = build_manifest(&mut conn, &review.id).await?;
        let files_ok = {
            let shas: Vec<String> = sqlx::query_scalar(
                "SELECT d.sha256 FROM review_documents d WHERE d.request_id = $1 AND d.kind = 'material'",
            )
            .bind(&review.id)
            .fetch_all(&mut *conn)
            .await?;
            let mut ok = true;
            for sha in shas {
                let bytes: Option<Vec<u8>> =
                    sqlx::query_scalar("SELECT content FROM review_files WHERE sha256 = $1")
                        .bind(&sha)
                        .fetch_optional(&mut *conn)
                        .await?;
                ok &= bytes.is_some_and(|b| sha256_hex(&b) == sha);
            }
            ok
        };
        Ok(Some(
            files_ok && manifest == *stored && sha256_hex(stored.as_bytes()) == *hash,
        ))
    }

    /// Opinions and their answers per submitting department, over the
    /// requests the actor may see.
    pub async fn adoption_by_department(
        &self,
        actor: &Actor,
    ) -> Result<Vec<DepartmentAdoption>, StoreError> {
        let scope = self.review_scope(actor).await?;
        let mut q = Sql::new(
            "SELECT r.department, r.id, o.materiality, o.adoption FROM review_requests r
             LEFT JOIN review_opinions o ON o.request_id = r.id WHERE r.status <> 'draft'",
        );
        if let Some(department) = scope {
            let p = q.text(department);
            q.push(&format!(" AND r.department = {p}"));
        }
        q.push(" ORDER BY r.department");
        let rows: Vec<(String, String, Option<String>, Option<String>)> =
            q.query_as().fetch_all(&self.pool).await?;
        let mut out: Vec<DepartmentAdoption> = Vec::new();
        let mut seen_requests = std::collections::HashSet::new();
        for (department, request, materiality, adoption) in rows {
            if out.last().is_none_or(|d| d.department != department) {
                out.push(DepartmentAdoption {
                    department: department.clone(),
                    requests: 0,
                    tally: AdoptionTally::default(),
                });
            }
            let entry = out.last_mut().expect("pushed above");
            if seen_requests.insert(request) {
                entry.requests += 1;
            }
            if let Some(m) = materiality.as_deref().and_then(Materiality::parse) {
                entry
                    .tally
                    .add(m, adoption.as_deref().and_then(Adoption::parse));
            }
        }
        Ok(out)
    }

    /// Requests by state in the actor's view; `None` for roles without
    /// access to reviews.
    pub async fn review_counts(
        &self,
        actor: &Actor,
        today: NaiveDate,
    ) -> Result<Option<ReviewCounts>, StoreError> {
        let scope = match self.review_scope(actor).await {
            Ok(s) => s,
            Err(StoreError::Forbidden(_)) => return Ok(None),
            Err(e) => return Err(e),
        };
        let mut q = Sql::new(
            "SELECT status, COUNT(*), SUM(CASE WHEN retrospective_on IS NOT NULL AND retrospective_on <= ",
        );
        let d = q.text(today.to_string());
        q.push(&d)
            .push(" THEN 1 ELSE 0 END) FROM review_requests WHERE 1 = 1");
        if let Some(department) = scope {
            let p = q.text(department);
            q.push(&format!(" AND department = {p}"));
        }
        q.push(" GROUP BY status");
        let rows: Vec<(String, i64, Option<i64>)> = q.query_as().fetch_all(&self.pool).await?;
        let mut counts = ReviewCounts::default();
        for (status, n, due) in rows {
            match status.as_str() {
                "draft" => counts.draft = n,
                "in_review" => counts.in_review = n,
                "returned" => counts.returned = n,
                "awaiting_confirmation" => counts.awaiting_confirmation = n,
                "approved" => counts.retrospectives_due = due.unwrap_or(0),
                _ => {}
            }
        }
        Ok(Some(counts))
    }

    /// Approved requests whose retrospective date has come (for the home
    /// screen and reminders), in the actor's view.
    pub async fn retrospectives_due(
        &self,
        actor: &Actor,
        on_or_before: NaiveDate,
    ) -> Result<Vec<ReviewRow>, StoreError> {
        let scope = self.review_scope(actor).await?;
        let mut q = Sql::new(&format!(
            "SELECT {REVIEW_COLUMNS} FROM review_requests WHERE status = 'approved'
               AND retrospective_on IS NOT NULL AND retrospective_on <= "
        ));
        let d = q.text(on_or_before.to_string());
        q.push(&d);
        if let Some(department) = scope {
            let p = q.text(department);
            q.push(&format!(" AND department = {p}"));
        }
        q.push(" ORDER BY retrospective_on");
        Ok(q.query_as::<ReviewRow>().fetch_all(&self.pool).await?)
    }
}

/// `SC` + China date + 6 digits, e.g. `SC20261127000001`.
fn review_number(day: NaiveDate, seq: i64) -> String {
    format!("SC{}{:06}", day.format("%Y%m%d"), seq)
}

fn check_version(review: &ReviewRow, version: Option<i64>) -> Result<(), StoreError> {
    match version {
        Some(v) if v != review.version => Err(StoreError::Conflict(format!(
            "审查申请已被他人更新（当前版本 {}），请刷新后重试 review changed",
            review.version
        ))),
        _ => Ok(()),
    }
}

fn changed_concurrently() -> StoreError {
    StoreError::Conflict("审查申请已被他人更新，请刷新后重试 review changed concurrently".into())
}

async fn store_file(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    sha: &str,
    bytes: &[u8],
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO review_files (sha256, content) VALUES ($1, $2) ON CONFLICT (sha256) DO NOTHING")
        .bind(sha)
        .bind(bytes.to_vec())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The archive manifest: what was approved, in a stable order and format,
/// so that recomputing it later gives the same bytes.
async fn build_manifest(
    conn: &mut sqlx::AnyConnection,
    request_id: &str,
) -> Result<String, StoreError> {
    let review = sqlx::query_as::<_, ReviewRow>(sqlx::AssertSqlSafe(format!(
        "SELECT {REVIEW_COLUMNS} FROM review_requests WHERE id = $1"
    )))
    .bind(request_id)
    .fetch_one(&mut *conn)
    .await?;
    let documents: Vec<(i64, String, String, i64, String)> = sqlx::query_as(
        "SELECT round, filename, format, byte_size, sha256 FROM review_documents
         WHERE request_id = $1 AND kind = 'material' ORDER BY round, uploaded_at, id",
    )
    .bind(request_id)
    .fetch_all(&mut *conn)
    .await?;
    let opinions = sqlx::query_as::<_, OpinionRow>(sqlx::AssertSqlSafe(format!(
        "SELECT {OPINION_COLUMNS} FROM review_opinions WHERE request_id = $1 ORDER BY created_at, id"
    )))
    .bind(request_id)
    .fetch_all(&mut *conn)
    .await?;
    let decisions: Vec<(String, String, String, Option<String>)> = sqlx::query_as(
        "SELECT action, actor_name, at, note FROM review_events
         WHERE request_id = $1 AND action IN ('submit', 'return', 'resubmit', 'approve', 'confirm')
         ORDER BY at, id",
    )
    .bind(request_id)
    .fetch_all(&mut *conn)
    .await?;
    let manifest = serde_json::json!({
        "number": review.number,
        "title": review.title,
        "subject": review.subject,
        "stage": review.stage,
        "trigger": review.trigger_kind,
        "business_line": review.business_line,
        "department": review.department,
        "submitter": review.submitter_name,
        "launch_date": review.launch_date,
        "checklist": serde_json::from_str::<serde_json::Value>(&review.checklist).unwrap_or_default(),
        "decision": review.decision,
        "rounds": review.round,
        "documents": documents.iter().map(|(round, name, format, size, sha)| serde_json::json!({
            "round": round, "filename": name, "format": format, "bytes": size, "sha256": sha,
        })).collect::<Vec<_>>(),
        "opinions": opinions.iter().map(|o| serde_json::json!({
            "id": o.id, "round": o.round, "materiality": o.materiality, "body": o.body,
            "quote": o.quote, "suggestion": o.suggestion, "basis": o.basis, "reviewer": o.reviewer_name,
            "adoption": o.adoption, "reason": o.adoption_reason, "answered_round": o.answered_round,
        })).collect::<Vec<_>>(),
        "steps": decisions.iter().map(|(action, who, at, note)| serde_json::json!({
            "action": action, "by": who, "at": at, "note": note,
        })).collect::<Vec<_>>(),
    });
    Ok(manifest.to_string())
}

async fn archive(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    request_id: &str,
    now: &str,
) -> Result<(), StoreError> {
    let manifest = build_manifest(&mut *tx, request_id).await?;
    let hash = sha256_hex(manifest.as_bytes());
    sqlx::query(
        "UPDATE review_requests SET approved_at = $1, archive_manifest = $2, archive_hash = $3 WHERE id = $4",
    )
    .bind(now)
    .bind(&manifest)
    .bind(&hash)
    .bind(request_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Records a step that leaves the request in its state (an upload, an
/// opinion, an answer …).
async fn record_on(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    review: &ReviewRow,
    action: &str,
    actor: &Actor,
    note: Option<&str>,
    payload: &serde_json::Value,
) -> Result<(), StoreError> {
    insert_event(
        tx,
        &review.id,
        action,
        Some(&review.status),
        &review.status,
        actor,
        note,
        payload,
    )
    .await
}

#[allow(clippy::too_many_arguments)]
async fn insert_event(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    request_id: &str,
    action: &str,
    from: Option<&str>,
    to: &str,
    actor: &Actor,
    note: Option<&str>,
    payload: &serde_json::Value,
) -> Result<(), StoreError> {
    crate::lifecycle::record(
        tx,
        crate::lifecycle::History::Reviews,
        request_id,
        crate::lifecycle::Step {
            action,
            from,
            to,
            actor: (&actor.user_id, &actor.display_name),
            note,
            payload,
        },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_fixed_width() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        assert_eq!(review_number(day, 1), "SC20261127000001");
        assert_eq!(review_number(day, 123_456), "SC20261127123456");
    }
}
