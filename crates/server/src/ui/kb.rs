//! 消保禁语知识库 pages: browse and search entries, edit with validation, a
//! paste-a-text checker with highlighted findings, version history with
//! comparison and rollback, import and export.

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use xiaobao_lexicon::{
    Category, Entry, Finding, KbDiff, LegalBasis, MaterialKind, MissingDisclosure, Severity,
};
use xiaobao_service::kb::{KbHistoryItem, KbUpdateError, may_edit_kb};

use super::{Chrome, error_page, not_found_page, render, store_error_page};
use crate::AppState;
use crate::api::kb::{EntryQuery, filter_entries};
use crate::auth::{Authenticated, PageUser};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/kb", get(list))
        .route("/kb/entries/new", get(new_entry).post(save_new_entry))
        .route("/kb/entries/{id}", get(entry_page).post(save_entry))
        .route("/kb/entries/{id}/delete", post(delete_entry))
        .route("/kb/scan", get(scan_page).post(scan_submit))
        .route("/kb/versions", get(versions))
        .route("/kb/versions/{number}", get(version_page))
        .route("/kb/versions/{number}/rollback", post(rollback))
        .route("/kb/export", get(export))
        .route("/kb/import", post(import))
}

const ACTIVE: &str = "/kb";

pub(crate) fn severity_class(s: Severity) -> &'static str {
    match s {
        Severity::Forbidden => "bad",
        Severity::Warning => "warn",
        _ => "muted",
    }
}

/// One row of the entry list.
struct EntryRow {
    id: String,
    title: String,
    category: &'static str,
    severity: &'static str,
    severity_class: &'static str,
    kinds: String,
    patterns: usize,
    enabled: bool,
}

#[derive(Template)]
#[template(path = "kb_list.html")]
struct ListPage {
    chrome: Chrome,
    version: i64,
    total_entries: usize,
    disclosures: usize,
    rows: Vec<EntryRow>,
    q: String,
    category: String,
    severity: String,
    kind: String,
    categories: Vec<&'static str>,
    kinds: Vec<(&'static str, &'static str)>,
    can_edit: bool,
    message: Option<String>,
    error: Option<String>,
}

fn kinds_label(kinds: &[MaterialKind]) -> String {
    kinds
        .iter()
        .map(|k| k.label())
        .collect::<Vec<_>>()
        .join("、")
}

async fn list_view(
    state: &AppState,
    auth: &Authenticated,
    q: EntryQuery,
    message: Option<String>,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let kb = state.services.kb();
    let rows = match filter_entries(&kb.kb, &q) {
        Ok(entries) => entries
            .into_iter()
            .map(|e| EntryRow {
                id: e.id.clone(),
                title: e.title.clone(),
                category: e.category.as_str(),
                severity: e.severity.as_str(),
                severity_class: severity_class(e.severity),
                kinds: kinds_label(&e.kinds),
                patterns: e.terms.len() + e.regexes.len() + e.proximity.len(),
                enabled: e.enabled,
            })
            .collect(),
        Err(e) => return error_page(e.status, "查询条件有误", &e.message),
    };
    let mut r = render(&ListPage {
        chrome: Chrome::new(state, auth, ACTIVE).await,
        version: kb.version,
        total_entries: kb.kb.entries.len(),
        disclosures: kb.kb.disclosures.len(),
        rows,
        q: q.q.unwrap_or_default(),
        category: q.category.unwrap_or_default(),
        severity: q.severity.unwrap_or_default(),
        kind: q.kind.unwrap_or_default(),
        categories: Category::ALL.iter().map(|c| c.as_str()).collect(),
        kinds: MaterialKind::ALL
            .iter()
            .map(|k| (k.as_str(), k.label()))
            .collect(),
        can_edit: may_edit_kb(&auth.actor),
        message,
        error,
    });
    *r.status_mut() = status;
    r
}

async fn list(
    State(state): State<AppState>,
    PageUser(auth): PageUser,
    Query(q): Query<EntryQuery>,
) -> Response {
    list_view(&state, &auth, q, None, None, StatusCode::OK).await
}

/// The entry form's fields; lists are one item per line.
#[derive(Debug, Default, Deserialize)]
struct EntryForm {
    #[serde(default)]
    id: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    severity: String,
    #[serde(default)]
    kinds: Vec<String>,
    #[serde(default)]
    terms: String,
    #[serde(default)]
    regexes: String,
    #[serde(default)]
    allow: String,
    #[serde(default)]
    allow_regexes: String,
    #[serde(default)]
    proximity: String,
    #[serde(default)]
    context: String,
    #[serde(default)]
    basis: String,
    #[serde(default)]
    suggestion: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    enabled: Option<String>,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    base_version: Option<i64>,
}

fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

impl EntryForm {
    fn from_entry(e: &Entry, version: i64) -> EntryForm {
        let json = |v: serde_json::Result<String>| v.unwrap_or_default();
        EntryForm {
            id: e.id.clone(),
            title: e.title.clone(),
            category: e.category.as_str().into(),
            severity: e.severity.as_str().into(),
            kinds: e.kinds.iter().map(|k| k.as_str().to_string()).collect(),
            terms: e.terms.join("\n"),
            regexes: e.regexes.join("\n"),
            allow: e.allow.join("\n"),
            allow_regexes: e.allow_regexes.join("\n"),
            proximity: if e.proximity.is_empty() {
                String::new()
            } else {
                json(serde_json::to_string_pretty(&e.proximity))
            },
            context: if e.context.is_empty() {
                String::new()
            } else {
                json(serde_json::to_string_pretty(&e.context))
            },
            basis: e
                .basis
                .iter()
                .map(|b| format!("{}｜{}｜{}", b.law, b.article, b.gist))
                .collect::<Vec<_>>()
                .join("\n"),
            suggestion: e.suggestion.clone(),
            note: e.note.clone().unwrap_or_default(),
            enabled: e.enabled.then(|| "on".to_string()),
            reason: String::new(),
            base_version: Some(version),
        }
    }

    /// The entry the form describes, or the problems with it (in Chinese).
    fn to_entry(&self) -> Result<Entry, Vec<String>> {
        let mut problems = Vec::new();
        let category = Category::parse(&self.category);
        if category.is_none() {
            problems.push(format!("请选择类别（当前为「{}」）", self.category));
        }
        let severity = Severity::parse(&self.severity);
        if severity.is_none() {
            problems.push("请选择严重程度".to_string());
        }
        let kinds: Vec<MaterialKind> = self
            .kinds
            .iter()
            .filter_map(|k| MaterialKind::parse(k))
            .collect();
        let mut json_field = |name: &str, text: &str| -> Option<serde_json::Value> {
            let t = text.trim();
            if t.is_empty() {
                return None;
            }
            match serde_json::from_str(t) {
                Ok(v) => Some(v),
                Err(e) => {
                    problems.push(format!("{name}不是合法的 JSON：{e}"));
                    None
                }
            }
        };
        let proximity = json_field("邻近规则", &self.proximity)
            .map(serde_json::from_value)
            .transpose();
        let context = json_field("语境规则", &self.context)
            .map(serde_json::from_value)
            .transpose();
        let proximity = proximity.unwrap_or_else(|e| {
            problems.push(format!("邻近规则格式有误：{e}"));
            None
        });
        let context = context.unwrap_or_else(|e| {
            problems.push(format!("语境规则格式有误：{e}"));
            None
        });
        let mut basis = Vec::new();
        for (i, l) in lines(&self.basis).iter().enumerate() {
            let parts: Vec<&str> = l.splitn(3, ['｜', '|']).map(str::trim).collect();
            if parts.len() < 3 || parts.iter().any(|p| p.is_empty()) {
                problems.push(format!(
                    "法律依据第 {} 行应写作「法规名称｜条款｜要点」",
                    i + 1
                ));
                continue;
            }
            basis.push(LegalBasis {
                law: parts[0].into(),
                article: parts[1].into(),
                gist: parts[2].into(),
            });
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let (Some(category), Some(severity)) = (category, severity) else {
            return Err(problems);
        };
        Ok(Entry {
            id: self.id.trim().to_string(),
            title: self.title.trim().to_string(),
            category,
            severity,
            kinds,
            terms: lines(&self.terms),
            regexes: lines(&self.regexes),
            proximity: proximity.unwrap_or_default(),
            allow: lines(&self.allow),
            allow_regexes: lines(&self.allow_regexes),
            context: context.unwrap_or_default(),
            basis,
            suggestion: self.suggestion.trim().to_string(),
            note: Some(self.note.trim().to_string()).filter(|s| !s.is_empty()),
            enabled: self.enabled.is_some(),
        })
    }
}

#[derive(Template)]
#[template(path = "kb_entry.html")]
struct EntryPage {
    chrome: Chrome,
    is_new: bool,
    form: EntryForm,
    basis: Vec<LegalBasis>,
    categories: Vec<&'static str>,
    severities: Vec<&'static str>,
    kinds: Vec<(&'static str, &'static str)>,
    can_edit: bool,
    version: i64,
    errors: Vec<String>,
    saved: Option<String>,
}

async fn entry_view(
    state: &AppState,
    auth: &Authenticated,
    is_new: bool,
    form: EntryForm,
    errors: Vec<String>,
    saved: Option<String>,
) -> Response {
    let kb = state.services.kb();
    let basis = kb
        .kb
        .entry(&form.id)
        .map(|e| e.basis.clone())
        .unwrap_or_default();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut r = render(&EntryPage {
        chrome: Chrome::new(state, auth, ACTIVE).await,
        is_new,
        form,
        basis,
        categories: Category::ALL
            .iter()
            .filter(|c| **c != Category::MissingDisclosure)
            .map(|c| c.as_str())
            .collect(),
        severities: vec![
            Severity::Forbidden.as_str(),
            Severity::Warning.as_str(),
            Severity::Info.as_str(),
        ],
        kinds: MaterialKind::ALL
            .iter()
            .map(|k| (k.as_str(), k.label()))
            .collect(),
        can_edit: may_edit_kb(&auth.actor),
        version: kb.version,
        errors,
        saved,
    });
    *r.status_mut() = status;
    r
}

async fn new_entry(State(state): State<AppState>, PageUser(auth): PageUser) -> Response {
    if !may_edit_kb(&auth.actor) {
        return forbidden();
    }
    let form = EntryForm {
        enabled: Some("on".into()),
        base_version: Some(state.services.kb().version),
        ..EntryForm::default()
    };
    entry_view(&state, &auth, true, form, Vec::new(), None).await
}

async fn entry_page(
    State(state): State<AppState>,
    PageUser(auth): PageUser,
    Path(id): Path<String>,
) -> Response {
    let kb = state.services.kb();
    let Some(entry) = kb.kb.entry(&id) else {
        return not_found_page();
    };
    let form = EntryForm::from_entry(entry, kb.version);
    entry_view(&state, &auth, false, form, Vec::new(), None).await
}

fn forbidden() -> Response {
    error_page(
        StatusCode::FORBIDDEN,
        "无权操作",
        "仅消保管理员、审查员和系统管理员可以修改知识库。",
    )
}

fn update_problems(err: KbUpdateError) -> Result<Vec<String>, Box<Response>> {
    match err {
        KbUpdateError::Forbidden => Err(Box::new(forbidden())),
        KbUpdateError::Store(e) => Err(Box::new(store_error_page(e))),
        KbUpdateError::Invalid(diags) => Ok(diags
            .iter()
            .filter(|d| d.level == xiaobao_lexicon::Level::Error)
            .map(|d| match &d.id {
                Some(id) => format!("[{id}] {}", d.message),
                None => d.message.clone(),
            })
            .collect()),
        other => Ok(vec![other.to_string()]),
    }
}

async fn save_new_entry(
    State(state): State<AppState>,
    PageUser(auth): PageUser,
    body: axum::body::Bytes,
) -> Response {
    save(&state, &auth, None, &body).await
}

async fn save_entry(
    State(state): State<AppState>,
    PageUser(auth): PageUser,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    save(&state, &auth, Some(id), &body).await
}

/// Saves the entry form: a new entry when `id` is None.
async fn save(state: &AppState, auth: &Authenticated, id: Option<String>, body: &[u8]) -> Response {
    if !may_edit_kb(&auth.actor) {
        return forbidden();
    }
    // Checkbox groups repeat a field name, which serde_urlencoded maps
    // only through a list of pairs.
    let pairs: Vec<(String, String)> = match serde_urlencoded::from_bytes(body) {
        Ok(p) => p,
        Err(e) => {
            return error_page(StatusCode::BAD_REQUEST, "表单有误", &e.to_string());
        }
    };
    let mut form = EntryForm::default();
    for (k, v) in pairs {
        match k.as_str() {
            "id" => form.id = v,
            "title" => form.title = v,
            "category" => form.category = v,
            "severity" => form.severity = v,
            "kinds" => form.kinds.push(v),
            "terms" => form.terms = v,
            "regexes" => form.regexes = v,
            "allow" => form.allow = v,
            "allow_regexes" => form.allow_regexes = v,
            "proximity" => form.proximity = v,
            "context" => form.context = v,
            "basis" => form.basis = v,
            "suggestion" => form.suggestion = v,
            "note" => form.note = v,
            "enabled" => form.enabled = Some(v),
            "reason" => form.reason = v,
            "base_version" => form.base_version = v.parse().ok(),
            _ => {}
        }
    }
    let is_new = id.is_none();
    if let Some(id) = id {
        form.id = id;
    }
    let entry = match form.to_entry() {
        Ok(e) => e,
        Err(problems) => return entry_view(state, auth, is_new, form, problems, None).await,
    };
    if is_new && state.services.kb().kb.entry(&entry.id).is_some() {
        let msg = format!("编号 {} 已存在，请换一个编号", entry.id);
        return entry_view(state, auth, is_new, form, vec![msg], None).await;
    }
    match state
        .services
        .save_kb_entry(&auth.actor, entry, &form.reason, form.base_version)
        .await
    {
        Ok(version) => {
            let kb = state.services.kb();
            let saved = kb
                .kb
                .entry(&form.id)
                .map(|e| EntryForm::from_entry(e, kb.version))
                .unwrap_or(form);
            entry_view(
                state,
                auth,
                false,
                saved,
                Vec::new(),
                Some(format!(
                    "已保存为知识库版本 {version}，所有实例将自动生效。"
                )),
            )
            .await
        }
        Err(e) => match update_problems(e) {
            Ok(problems) => entry_view(state, auth, is_new, form, problems, None).await,
            Err(page) => *page,
        },
    }
}

#[derive(Deserialize)]
struct ReasonForm {
    #[serde(default)]
    reason: String,
    base_version: Option<i64>,
}

async fn delete_entry(
    State(state): State<AppState>,
    PageUser(auth): PageUser,
    Path(id): Path<String>,
    Form(f): Form<ReasonForm>,
) -> Response {
    match state
        .services
        .delete_kb_record(&auth.actor, &id, &f.reason, f.base_version)
        .await
    {
        Ok(version) => {
            list_view(
                &state,
                &auth,
                EntryQuery::default(),
                Some(format!("已删除条目 {id}，知识库版本 {version}。")),
                None,
                StatusCode::OK,
            )
            .await
        }
        Err(KbUpdateError::UnknownRecord(_)) => not_found_page(),
        Err(e) => match update_problems(e) {
            Ok(problems) => error_page(
                StatusCode::UNPROCESSABLE_ENTITY,
                "未删除",
                &problems.join("；"),
            ),
            Err(page) => *page,
        },
    }
}

/// A piece of scanned text: plain, or a finding (index into the list).
pub(crate) struct Piece {
    pub text: String,
    pub finding: Option<usize>,
    pub class: &'static str,
}

/// Splits `text` at the findings' character offsets for highlighting.
/// Findings are in position order; one overlapping an earlier one is
/// listed but not highlighted twice.
pub(crate) fn highlight(text: &str, findings: &[Finding]) -> Vec<Piece> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut cursor = 0usize;
    for (i, f) in findings.iter().enumerate() {
        let (start, end) = (f.start.min(chars.len()), f.end.min(chars.len()));
        if start < cursor || start >= end {
            continue;
        }
        if start > cursor {
            out.push(Piece {
                text: chars[cursor..start].iter().collect(),
                finding: None,
                class: "",
            });
        }
        out.push(Piece {
            text: chars[start..end].iter().collect(),
            finding: Some(i + 1),
            class: severity_class(f.severity),
        });
        cursor = end;
    }
    if cursor < chars.len() {
        out.push(Piece {
            text: chars[cursor..].iter().collect(),
            finding: None,
            class: "",
        });
    }
    out
}

#[derive(Template)]
#[template(path = "kb_scan.html")]
struct ScanPage {
    chrome: Chrome,
    text: String,
    kind: String,
    kinds: Vec<(&'static str, &'static str)>,
    scanned: bool,
    pieces: Vec<Piece>,
    findings: Vec<Finding>,
    missing: Vec<MissingDisclosure>,
    forbidden: usize,
    version: i64,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
struct ScanForm {
    #[serde(default)]
    text: String,
    #[serde(default)]
    kind: String,
}

async fn scan_view(
    state: &AppState,
    auth: &Authenticated,
    form: ScanForm,
    scanned: bool,
) -> Response {
    let mut page = ScanPage {
        chrome: Chrome::new(state, auth, ACTIVE).await,
        text: String::new(),
        kind: form.kind.clone(),
        kinds: MaterialKind::ALL
            .iter()
            .map(|k| (k.as_str(), k.label()))
            .collect(),
        scanned: false,
        pieces: Vec::new(),
        findings: Vec::new(),
        missing: Vec::new(),
        forbidden: 0,
        version: state.services.kb().version,
        error: None,
    };
    let mut status = StatusCode::OK;
    if scanned {
        match crate::api::kb::scan_text(state, &form.text, Some(&form.kind)) {
            Ok(report) => {
                page.scanned = true;
                page.forbidden = report
                    .findings
                    .iter()
                    .map(|f| f.severity)
                    .chain(report.missing_disclosures.iter().map(|m| m.severity))
                    .filter(|s| *s == Severity::Forbidden)
                    .count();
                page.pieces = highlight(&form.text, &report.findings);
                page.findings = report.findings;
                page.missing = report.missing_disclosures;
            }
            Err(e) => {
                status = e.status;
                page.error = Some(e.message);
            }
        }
    }
    page.text = form.text;
    let mut r = render(&page);
    *r.status_mut() = status;
    r
}

async fn scan_page(State(state): State<AppState>, PageUser(auth): PageUser) -> Response {
    let form = ScanForm {
        kind: "marketing".into(),
        ..ScanForm::default()
    };
    scan_view(&state, &auth, form, false).await
}

async fn scan_submit(
    State(state): State<AppState>,
    PageUser(auth): PageUser,
    Form(form): Form<ScanForm>,
) -> Response {
    scan_view(&state, &auth, form, true).await
}

#[derive(Template)]
#[template(path = "kb_versions.html")]
struct VersionsPage {
    chrome: Chrome,
    current: i64,
    items: Vec<KbHistoryItem>,
    can_edit: bool,
    message: Option<String>,
    error: Option<String>,
}

async fn versions_view(
    state: &AppState,
    auth: &Authenticated,
    message: Option<String>,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let items = match state.services.kb_history(500).await {
        Ok(i) => i,
        Err(e) => return store_error_page(e),
    };
    let mut r = render(&VersionsPage {
        chrome: Chrome::new(state, auth, ACTIVE).await,
        current: state.services.kb().version,
        items,
        can_edit: may_edit_kb(&auth.actor),
        message,
        error,
    });
    *r.status_mut() = status;
    r
}

async fn versions(State(state): State<AppState>, PageUser(auth): PageUser) -> Response {
    versions_view(&state, &auth, None, None, StatusCode::OK).await
}

#[derive(Template)]
#[template(path = "kb_version.html")]
struct VersionPage {
    chrome: Chrome,
    number: i64,
    against: i64,
    diff: KbDiff,
}

async fn version_page(
    State(state): State<AppState>,
    PageUser(auth): PageUser,
    Path(number): Path<i64>,
) -> Response {
    let against = (number - 1).max(0);
    let (new, old) = match (
        state.services.kb_at(number).await,
        state.services.kb_at(against).await,
    ) {
        (Ok(n), Ok(o)) => (n, o),
        (Err(KbUpdateError::Store(e)), _) | (_, Err(KbUpdateError::Store(e))) => {
            return store_error_page(e);
        }
        _ => return not_found_page(),
    };
    render(&VersionPage {
        chrome: Chrome::new(&state, &auth, ACTIVE).await,
        number,
        against,
        diff: xiaobao_lexicon::diff(&old, &new),
    })
}

async fn rollback(
    State(state): State<AppState>,
    PageUser(auth): PageUser,
    Path(number): Path<i64>,
    Form(f): Form<ReasonForm>,
) -> Response {
    match state
        .services
        .rollback_kb(&auth.actor, number, &f.reason)
        .await
    {
        Ok(v) => {
            versions_view(
                &state,
                &auth,
                Some(format!("已回滚到版本 {number} 的内容，生成新版本 {v}。")),
                None,
                StatusCode::OK,
            )
            .await
        }
        Err(e) => match update_problems(e) {
            Ok(problems) => {
                versions_view(
                    &state,
                    &auth,
                    None,
                    Some(problems.join("；")),
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await
            }
            Err(page) => *page,
        },
    }
}

#[derive(Deserialize)]
struct ExportForm {
    format: Option<String>,
}

async fn export(
    State(state): State<AppState>,
    PageUser(_auth): PageUser,
    Query(q): Query<ExportForm>,
) -> Response {
    let kb = state.services.kb();
    match crate::api::kb::export_response(&kb.kb, kb.version, q.format.as_deref()) {
        Ok(r) => r,
        Err(e) => error_page(e.status, "导出失败", &e.message),
    }
}

async fn import(
    State(state): State<AppState>,
    PageUser(auth): PageUser,
    multipart: Multipart,
) -> Response {
    if !may_edit_kb(&auth.actor) {
        return forbidden();
    }
    let fields = match super::read_multipart(multipart).await {
        Ok(f) => f,
        Err((status, msg)) => {
            return list_view(
                &state,
                &auth,
                EntryQuery::default(),
                None,
                Some(msg),
                status,
            )
            .await;
        }
    };
    let text = |name: &str| {
        fields
            .get(name)
            .map(|b| String::from_utf8_lossy(b).to_string())
            .unwrap_or_default()
    };
    let file = fields.get("file").cloned().unwrap_or_default();
    let result = match crate::api::kb::parse_upload(&file) {
        Ok(kb) => state
            .services
            .save_kb(
                &auth.actor,
                kb,
                &text("reason"),
                text("base_version").parse().ok(),
            )
            .await
            .map_err(|e| match update_problems(e) {
                Ok(p) => Ok(p.join("；")),
                Err(page) => Err(page),
            }),
        Err(e) => Err(Ok(e.message)),
    };
    match result {
        Ok(v) => {
            list_view(
                &state,
                &auth,
                EntryQuery::default(),
                Some(format!("已导入，生成知识库版本 {v}。")),
                None,
                StatusCode::OK,
            )
            .await
        }
        Err(Ok(msg)) => {
            list_view(
                &state,
                &auth,
                EntryQuery::default(),
                None,
                Some(format!("未导入：{msg}")),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(Err(page)) => *page,
    }
}
