//! Complaints: registration, the append-only event history, actions through
//! the domain state machine, scoped lists with filters and full-text search.
//!
//! The store keeps what the domain decides: `facts` (JSON of
//! [`ComplaintFacts`]) is the state machine's input and output, and the
//! columns beside it (state, due date, assignee, …) are copies kept for
//! filtering and sorting. Every change writes the new facts and one event in
//! one transaction, guarded by a version number so that two people acting on
//! the same complaint at once cannot overwrite each other.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use sqlx::FromRow;
use xiaobao_domain::actor::Actor;
use xiaobao_domain::complaint::{
    self, Action, ActionError, ComplaintFacts, ComplaintNumber, ComplaintState, china_date,
};
use xiaobao_domain::names::to_name;
use xiaobao_domain::org::OrgKind;
use xiaobao_domain::sla::{SlaPolicy, SlaRegime};
use xiaobao_domain::taxonomy::Classification;

use crate::orgs::like_prefix;
use crate::sql::{Param, Sql};
use crate::{Backend, Store, StoreError, time};

/// An encrypted personal-data field with its display form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtectedField {
    pub ciphertext: String,
    pub masked: String,
    /// Keyed hash of the normalised value, for equality matching.
    pub blind_index: Option<String>,
}

/// The complainant's personal data, already protected by the caller.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProtectedComplainant {
    pub name: Option<ProtectedField>,
    pub phone: Option<ProtectedField>,
    pub id_number: Option<ProtectedField>,
    pub card_number: Option<ProtectedField>,
}

/// A complaint ready to store: validated, personal data protected, text
/// segmented for search.
#[derive(Debug, Clone)]
pub struct NewComplaint {
    pub external_id: Option<String>,
    pub received_at: DateTime<Utc>,
    /// Classification codes (from `Taxonomy::normalize`).
    pub classification: Classification,
    pub regime: SlaRegime,
    pub title: String,
    /// Free text with personal data masked.
    pub content: String,
    /// The original free text, encrypted, when masking changed it.
    pub content_enc: Option<String>,
    pub complainant: ProtectedComplainant,
    pub product: Option<String>,
    pub amount_fen: Option<u64>,
    pub subject_staff: Vec<String>,
    pub tags: Vec<String>,
    pub org_code: String,
    pub assignee: Option<String>,
    /// Space-separated words of title and content for the full-text index.
    pub search_tokens: String,
    /// When the complaint was registered in the bank's system (its number's
    /// date); `None` means now. Set for historical imports.
    pub registered_at: Option<DateTime<Utc>>,
    /// Actions already taken, for historical imports: applied through the
    /// state machine in order and recorded as events with their own times.
    pub history: Vec<HistoricAction>,
}

/// An action taken before the complaint reached this system.
#[derive(Debug, Clone)]
pub struct HistoricAction {
    pub action: Action,
    pub actor_username: String,
    pub actor_name: String,
    pub at: DateTime<Utc>,
}

/// A complaint as shown to users: personal data masked.
#[derive(Debug, Clone, Serialize, FromRow)]
pub struct ComplaintRow {
    pub id: String,
    pub number: String,
    pub external_id: Option<String>,
    pub received_at: String,
    pub received_on: String,
    pub source: String,
    pub channel: String,
    pub business_category: String,
    pub business_subcategory: Option<String>,
    pub reason: String,
    pub demands: String,
    pub vulnerable_flags: String,
    pub title: String,
    pub content: String,
    pub complainant_role: String,
    pub name_masked: Option<String>,
    pub phone_masked: Option<String>,
    pub id_number_masked: Option<String>,
    pub card_number_masked: Option<String>,
    pub product: Option<String>,
    pub amount_fen: Option<i64>,
    pub subject_staff: String,
    pub tags: String,
    pub org_code: String,
    pub org_name: String,
    pub assignee: Option<String>,
    pub state: String,
    pub due_on: Option<String>,
    pub legal_due_on: Option<String>,
    pub sla_status: String,
    pub sla_breached: i64,
    pub outcome: Option<String>,
    pub satisfaction: Option<String>,
    pub compensation_fen: Option<i64>,
    pub finished_on: Option<String>,
    pub facts: String,
    pub created_at: String,
    pub created_by: String,
    pub updated_at: String,
    pub version: i64,
}

impl ComplaintRow {
    /// The state machine's view of this complaint.
    pub fn facts(&self) -> Result<ComplaintFacts, StoreError> {
        serde_json::from_str(&self.facts).map_err(|e| {
            StoreError::Internal(format!(
                "投诉 {} 的状态数据损坏 corrupt facts: {e}",
                self.number
            ))
        })
    }
}

/// One line of a complaint list.
#[derive(Debug, Clone, Serialize, FromRow)]
pub struct ComplaintSummary {
    pub id: String,
    pub number: String,
    pub received_on: String,
    pub source: String,
    pub channel: String,
    pub business_category: String,
    pub reason: String,
    pub vulnerable_flags: String,
    pub title: String,
    pub name_masked: Option<String>,
    pub org_code: String,
    pub org_name: String,
    pub assignee: Option<String>,
    pub state: String,
    pub due_on: Option<String>,
    pub sla_status: String,
    pub tags: String,
    /// The beginning of the masked content, for snippets in result lists.
    pub excerpt: String,
}

/// One event of a complaint's history.
#[derive(Debug, Clone, Serialize, FromRow)]
pub struct ComplaintEventRow {
    pub seq: i64,
    pub action: String,
    pub from_state: Option<String>,
    pub to_state: String,
    pub actor_id: String,
    pub actor_name: String,
    pub at: String,
    pub payload: String,
}

/// Deadline situation used by list filters, relative to a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeadlineFilter {
    /// Awaiting a decision and past the due date.
    Overdue,
    /// Awaiting a decision, due within the at-risk window.
    AtRisk,
}

/// Filters for complaint lists; all optional, combined with AND.
#[derive(Debug, Clone, Default)]
pub struct ComplaintFilter {
    pub states: Vec<String>,
    /// Organisation subtree (must lie inside the actor's scope to match).
    pub org: Option<String>,
    pub business_category: Option<String>,
    pub reason: Option<String>,
    pub channel: Option<String>,
    pub source: Option<String>,
    pub vulnerable_flag: Option<String>,
    pub assignee: Option<String>,
    pub received_from: Option<NaiveDate>,
    pub received_to: Option<NaiveDate>,
    pub deadline: Option<DeadlineFilter>,
    /// Words to find (already segmented, space-separated).
    pub search_tokens: Option<String>,
    pub page: u32,
    pub per_page: u32,
}

/// A page of a list and the number of matches.
#[derive(Debug, Clone, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// The number of matches, or the count cap when there are more.
    pub total: i64,
    /// There are more matches than `total` (shown as "10,000+"): counting
    /// stopped there.
    pub total_capped: bool,
}

/// Counts for the home screen.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DeadlineCounts {
    pub open: i64,
    pub at_risk: i64,
    pub overdue: i64,
}

/// Why an action failed: the rules said no, or storage did.
#[derive(Debug, thiserror::Error)]
pub enum ActionFailure {
    #[error(transparent)]
    Rule(#[from] ActionError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn json_list(items: &[String]) -> String {
    serde_json::to_string(items).unwrap_or_else(|_| "[]".into())
}

/// The states whose handling clock is still waiting for a decision.
const AWAITING_DECISION: &str = "('registered', 'accepted', 'in_progress')";

const ROW_COLUMNS: &str = "c.id, c.number, c.external_id, c.received_at, c.received_on, c.source, c.channel,
    c.business_category, c.business_subcategory, c.reason, c.demands, c.vulnerable_flags, c.title, c.content,
    c.complainant_role, c.name_masked, c.phone_masked, c.id_number_masked, c.card_number_masked, c.product,
    c.amount_fen, c.subject_staff, c.tags, c.org_code, o.name AS org_name, c.assignee, c.state, c.due_on,
    c.legal_due_on, c.sla_status, c.sla_breached, c.outcome, c.satisfaction, c.compensation_fen, c.finished_on,
    c.facts, c.created_at, c.created_by, c.updated_at, c.version";

const SUMMARY_COLUMNS: &str = "c.id, c.number, c.received_on, c.source, c.channel, c.business_category, c.reason,
    c.vulnerable_flags, c.title, c.name_masked, c.org_code, o.name AS org_name, c.assignee, c.state, c.due_on,
    c.sla_status, c.tags, substr(c.content, 1, 400) AS excerpt";

/// Derived columns written with the facts.
struct Derived {
    state: String,
    due_on: Option<String>,
    legal_due_on: Option<String>,
    sla_status: String,
    sla_breached: bool,
    finished_on: Option<String>,
    outcome: Option<String>,
    satisfaction: Option<String>,
    compensation_fen: Option<i64>,
}

fn derive(facts: &ComplaintFacts, policy: &SlaPolicy, today: NaiveDate) -> Derived {
    let sla = facts.sla_evaluation(policy, today);
    let (due_on, legal_due_on, status) = if facts.state == ComplaintState::UnderReview {
        match facts.review_evaluation(policy, today) {
            Some(r) => (
                r.handling_due,
                r.handling_legal_limit,
                r.status.unwrap_or(sla.status),
            ),
            None => (Some(sla.due_date), Some(sla.legal_limit), sla.status),
        }
    } else {
        (Some(sla.due_date), Some(sla.legal_limit), sla.status)
    };
    Derived {
        state: to_name(&facts.state),
        due_on: due_on.map(|d| d.to_string()),
        legal_due_on: legal_due_on.map(|d| d.to_string()),
        sla_status: to_name(&status),
        sla_breached: sla.breached,
        finished_on: sla.finished_on.map(|d| d.to_string()),
        outcome: facts.closure.as_ref().map(|c| to_name(&c.outcome)),
        satisfaction: facts.closure.as_ref().map(|c| to_name(&c.satisfaction)),
        compensation_fen: facts
            .closure
            .as_ref()
            .map(|c| i64::try_from(c.compensation_fen).unwrap_or(i64::MAX)),
    }
}

fn handled_by_branch(kind: &str) -> bool {
    matches!(
        kind.parse::<OrgKind>(),
        Ok(OrgKind::Branch | OrgKind::SubBranch | OrgKind::Outlet)
    )
}

/// An FTS5 query for complaints holding every one of these words in their
/// text (not among their facets). `tokens` must hold at least one word.
fn fts_query(tokens: &str) -> String {
    let phrases: Vec<String> = tokens
        .split_whitespace()
        .map(|t| format!("\"{}\"", t.replace('"', "\"\"")))
        .collect();
    format!("tokens : ({})", phrases.join(" "))
}

/// Lists count their matches up to this many; past it they say "10,000+".
/// Counting every match of a broad filter over a million complaints costs
/// seconds, while nobody pages through more than this.
pub const LIST_COUNT_CAP: i64 = 10_000;

/// Searches count (and rank) at most this many matches; past it they say
/// "2,000+". Every search match is read from the full-text index and joined
/// to its complaint for the scope and filters, so a search's cost grows
/// with the matches it counts, unlike an indexed list's.
pub const SEARCH_COUNT_CAP: i64 = 2_000;

/// Subtrees larger than this are matched with a subquery on the organisation
/// path instead of a list of codes.
const MAX_LISTED_ORGS: usize = 500;

/// The search facets of the complaint `c` (PostgreSQL), as lexemes: its
/// organisation `o=CODE`, the month received `m=YYYY-MM`, and the columns
/// lists filter on by equality: state `s=`, business category `b=`, reason
/// `r=`, channel `ch=`, source `src=`, assignee `a=` (when assigned).
/// Migration `1003_complaint_search_facets.sql` computes the same; every
/// action refreshes them.
const SEARCH_FACETS: &str = "array_to_tsvector(array_remove(ARRAY['o=' || c.org_code, \
     'm=' || substr(c.received_on, 1, 7), 's=' || c.state, 'b=' || c.business_category, \
     'r=' || c.reason, 'ch=' || c.channel, 'src=' || c.source, 'a=' || c.assignee], NULL))";

/// The search facets of the complaint `c` (SQLite), as FTS5 tokens in the
/// `facets` column: the same facets as [`SEARCH_FACETS`], each a prefix
/// followed by the hex of the value (`o` + hex(org code), `s` + hex(state)
/// …, the month as `m` + YYYYMM), so that any value is exactly one token of
/// FTS5's `unicode61` tokenizer ([`fts_facet`]). Migration
/// `1004_complaint_search_facets.sql` computes the same; every action
/// refreshes them.
const FTS_FACETS: &str = "'o' || hex(c.org_code) || ' m' || replace(substr(c.received_on, 1, 7), '-', '') \
     || ' s' || hex(c.state) || ' b' || hex(c.business_category) || ' r' || hex(c.reason) \
     || ' ch' || hex(c.channel) || ' src' || hex(c.source) || coalesce(' a' || hex(c.assignee), '')";

/// The FTS5 token of one facet value ([`FTS_FACETS`]): SQLite's `hex()`
/// writes the UTF-8 bytes in upper case; FTS5 folds case either way.
fn fts_facet(prefix: &str, value: &str) -> String {
    use std::fmt::Write;
    let mut token = String::with_capacity(prefix.len() + 2 * value.len() + 2);
    token.push('"');
    token.push_str(prefix);
    for b in value.bytes() {
        let _ = write!(token, "{b:02X}");
    }
    token.push('"');
    token
}

/// An FTS5 query matching any of these values of one facet.
fn fts_facet_any(prefix: &str, values: &[String]) -> String {
    let tokens: Vec<String> = values.iter().map(|v| fts_facet(prefix, v)).collect();
    format!("facets : ({})", tokens.join(" OR "))
}

/// Day ranges spanning more months than this are not narrowed by month
/// facets in a SQLite search (the days are still checked on the complaint).
const MAX_FACET_MONTHS: usize = 36;

/// Months a PostgreSQL search reads one by one, newest first, before it
/// reads all older matches at once.
const SEARCH_SINGLE_MONTHS: u32 = 7;

/// A tsquery matching any of these values of one facet.
fn facet_any(prefix: &str, values: &[String]) -> String {
    let lexemes: Vec<String> = values
        .iter()
        .map(|v| tsquery_lexeme(&format!("{prefix}={v}")))
        .collect();
    format!("({})", lexemes.join(" | "))
}

/// The month facet of the month starting on `first`.
fn month_facet_name(first: NaiveDate) -> String {
    format!("m={}", first.format("%Y-%m"))
}

/// The organisations whose complaints a list shows, resolved before the
/// query: a list of codes (or no condition at all for the whole tree) lets
/// the database use the complaint indexes, where a `LIKE` on the joined
/// organisation path had it visit every complaint.
enum OrgScope {
    /// Every organisation: no condition.
    Everything,
    /// These organisations.
    Codes(Vec<String>),
    /// The subtree under this path (too many organisations to list).
    Subtree(String),
    /// None: the organisation asked for is outside the actor's scope.
    Nothing,
}

/// The filters of a list, as SQL conditions on the complaint alias `c`.
struct ListConditions<'a> {
    orgs: &'a OrgScope,
    filter: &'a ComplaintFilter,
    today: NaiveDate,
    at_risk_days: i64,
}

impl ListConditions<'_> {
    /// The conditions, their values bound to `q`.
    fn terms(&self, q: &mut Sql) -> Vec<String> {
        let mut terms = self.org_terms(q);
        terms.extend(self.filter_terms(q));
        terms
    }

    /// The organisation scope's condition, if any.
    fn org_terms(&self, q: &mut Sql) -> Vec<String> {
        let mut terms = Vec::new();
        match self.orgs {
            OrgScope::Everything | OrgScope::Nothing => {}
            OrgScope::Codes(codes) => {
                let placeholders: Vec<String> = codes.iter().map(|c| q.text(c.clone())).collect();
                terms.push(format!("c.org_code IN ({})", placeholders.join(", ")));
            }
            OrgScope::Subtree(prefix) => {
                let p = q.text(like_prefix(prefix));
                terms.push(format!(
                    "c.org_code IN (SELECT code FROM orgs WHERE path LIKE {p} ESCAPE '\\')"
                ));
            }
        }
        terms
    }

    /// Every condition but the organisation scope.
    fn filter_terms(&self, q: &mut Sql) -> Vec<String> {
        let mut terms = Vec::new();
        for (_, column, values) in self.equality_filters() {
            let placeholders: Vec<String> = values.iter().map(|v| q.text(v.clone())).collect();
            terms.push(if placeholders.len() == 1 {
                format!("{column} = {}", placeholders[0])
            } else {
                format!("{column} IN ({})", placeholders.join(", "))
            });
        }
        terms.extend(self.other_terms(q));
        terms
    }

    /// The filters that ask a column for one of some values: the prefix of
    /// the column's search facet ([`SEARCH_FACETS`]), the column, the values.
    fn equality_filters(&self) -> Vec<(&'static str, &'static str, Vec<String>)> {
        let f = self.filter;
        let mut filters = Vec::new();
        if !f.states.is_empty() {
            filters.push(("s", "c.state", f.states.clone()));
        }
        for (prefix, column, value) in [
            ("b", "c.business_category", &f.business_category),
            ("r", "c.reason", &f.reason),
            ("ch", "c.channel", &f.channel),
            ("src", "c.source", &f.source),
            ("a", "c.assignee", &f.assignee),
        ] {
            if let Some(v) = value {
                filters.push((prefix, column, vec![v.clone()]));
            }
        }
        filters
    }

    /// The months (their first days) of the day range received, when it is
    /// bounded and spans at most [`MAX_FACET_MONTHS`] months; the range is
    /// open at the end up to next month (clocks may be a little ahead).
    fn months_received(&self) -> Option<Vec<NaiveDate>> {
        use chrono::Datelike;
        let from = self.filter.received_from?;
        let to = self
            .filter
            .received_to
            .unwrap_or(self.today + chrono::Months::new(1));
        let mut month = from.with_day(1)?;
        let mut months = Vec::new();
        while month <= to {
            if months.len() == MAX_FACET_MONTHS {
                return None;
            }
            months.push(month);
            month = month.checked_add_months(chrono::Months::new(1))?;
        }
        (!months.is_empty()).then_some(months)
    }

    /// The conditions a search's facets cannot answer, checked on the
    /// complaint: a subtree too large to list as codes, and
    /// [`Self::other_terms`].
    fn beyond_facets(&self, q: &mut Sql) -> Vec<String> {
        let mut terms = Vec::new();
        if !matches!(self.orgs, OrgScope::Codes(_)) {
            terms.extend(self.org_terms(q));
        }
        terms.extend(self.other_terms(q));
        terms
    }

    /// The conditions that are neither the organisation scope nor an
    /// equality: vulnerable flags, the days received, deadlines.
    fn other_terms(&self, q: &mut Sql) -> Vec<String> {
        let f = self.filter;
        let mut terms = Vec::new();
        if let Some(flag) = &f.vulnerable_flag {
            let p = q.text(format!("%\"{}\"%", flag.replace(['%', '_', '\\'], "")));
            terms.push(format!("c.vulnerable_flags LIKE {p}"));
        }
        // The day received is the China date of `received_at`; the same
        // bound on `received_at` lets its indexes serve the range.
        if let Some(from) = f.received_from {
            let p = q.text(from.to_string());
            let t = q.text(china_day_start(from));
            terms.push(format!("c.received_on >= {p} AND c.received_at >= {t}"));
        }
        if let Some(to) = f.received_to {
            let p = q.text(to.to_string());
            terms.push(format!("c.received_on <= {p}"));
            if let Some(next) = to.succ_opt() {
                let t = q.text(china_day_start(next));
                terms.push(format!("c.received_at < {t}"));
            }
        }
        match f.deadline {
            Some(DeadlineFilter::Overdue) => {
                let p = q.text(self.today.to_string());
                terms.push(format!("c.state IN {AWAITING_DECISION} AND c.due_on < {p}"));
            }
            Some(DeadlineFilter::AtRisk) => {
                let p = q.text(self.today.to_string());
                let limit = self.today + chrono::Duration::days(self.at_risk_days);
                let p2 = q.text(limit.to_string());
                terms.push(format!(
                    "c.state IN {AWAITING_DECISION} AND c.due_on >= {p} AND c.due_on <= {p2}"
                ));
            }
            None => {}
        }
        terms
    }
}

/// Appends ` WHERE a AND b …`, or nothing when there are no terms.
fn push_where(q: &mut Sql, terms: &[String]) {
    if !terms.is_empty() {
        q.push(" WHERE ").push(&terms.join(" AND "));
    }
}

/// The first instant of a China calendar day, as stored in `received_at`.
fn china_day_start(day: NaiveDate) -> String {
    time::format_ts(day.and_time(chrono::NaiveTime::MIN).and_utc() - chrono::Duration::hours(8))
}

impl Store {
    fn require_handler(actor: &Actor) -> Result<(), StoreError> {
        if actor.role.can_handle_complaints() {
            Ok(())
        } else {
            Err(StoreError::Forbidden(format!(
                "「{}」角色不能办理投诉 role may not handle complaints",
                actor.role.display_name()
            )))
        }
    }

    /// Registers a complaint: allocates its number, writes the record, the
    /// `register` event and the search entry in one transaction.
    pub async fn create_complaint(
        &self,
        actor: &Actor,
        new: &NewComplaint,
        policy: &SlaPolicy,
        now: DateTime<Utc>,
    ) -> Result<ComplaintRow, StoreError> {
        let ids = self
            .create_complaints(actor, std::slice::from_ref(new), policy, now)
            .await?;
        let id = ids
            .into_iter()
            .next()
            .ok_or_else(|| StoreError::Internal("no id".into()))?;
        self.complaint_by_id(&id).await
    }

    /// Registers many complaints in one transaction: all of them or none
    /// (imports are all-or-nothing). Returns their ids in input order.
    pub async fn create_complaints(
        &self,
        actor: &Actor,
        batch: &[NewComplaint],
        policy: &SlaPolicy,
        now: DateTime<Utc>,
    ) -> Result<Vec<String>, StoreError> {
        let mut writer = self
            .begin_complaints(actor, policy, now, batch.len())
            .await?;
        let ids = writer.write(batch).await?;
        writer.commit().await?;
        Ok(ids)
    }

    /// Opens a transaction that registers complaints batch after batch
    /// ([`ComplaintWriter::write`]) and keeps them only on
    /// [`ComplaintWriter::commit`]; dropped without a commit, it keeps none.
    /// An import writes each batch as soon as it is prepared, while the next
    /// ones are still being prepared.
    ///
    /// `expected_rows` is how many complaints the caller means to write. On
    /// SQLite, when that is at least [`BULK_LOAD_MIN_ROWS`] and no fewer
    /// than the complaints already stored, the complaint table's secondary
    /// indexes are dropped inside the transaction and built again just
    /// before the commit: sorting every row once costs about a third of
    /// inserting each row into eleven indexes, whose keys (times received,
    /// keyed hashes of phone and ID numbers) arrive in random order. Readers
    /// keep seeing the committed database with its indexes meanwhile, and a
    /// rollback restores them; for an import into a larger database, the
    /// rebuild would cost more than it saves, and the rows are indexed one
    /// by one.
    pub async fn begin_complaints(
        &self,
        actor: &Actor,
        policy: &SlaPolicy,
        now: DateTime<Utc>,
        expected_rows: usize,
    ) -> Result<ComplaintWriter, StoreError> {
        Self::require_handler(actor)?;
        let mut tx = self.pool.begin().await?;
        let bulk = self.backend() == Backend::Sqlite && expected_rows >= BULK_LOAD_MIN_ROWS;
        if bulk {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "PRAGMA cache_size = -{BULK_LOAD_CACHE_KIB}"
            )))
            .execute(&mut *tx)
            .await?;
        }
        Ok(ComplaintWriter {
            store: self.clone(),
            tx: Some(tx),
            in_flight: None,
            last_numbers: std::collections::BTreeMap::new(),
            bulk_cache: bulk,
            actor: actor.clone(),
            policy: policy.clone(),
            now,
            orgs: std::collections::HashMap::new(),
            next_search_rowid: None,
            expected_rows,
            deferred_indexes: None,
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn stage_complaint(
        &self,
        staged: &mut Staged,
        actor: &Actor,
        new: &NewComplaint,
        org: &crate::orgs::Org,
        number: ComplaintNumber,
        policy: &SlaPolicy,
        today: NaiveDate,
        now_ts: &str,
        search_rowid: Option<i64>,
    ) -> Result<String, StoreError> {
        let mut facts = ComplaintFacts::register(
            number,
            china_date(new.received_at),
            new.regime,
            org.code.clone(),
            handled_by_branch(&org.kind),
            new.subject_staff.clone(),
        );
        facts.assignee = new.assignee.clone();
        let mut events = Vec::with_capacity(new.history.len());
        for h in &new.history {
            let t = complaint::apply(&facts, &h.action, &h.actor_username, h.at, policy).map_err(
                |e| {
                    StoreError::Invalid(format!(
                        "历史办理记录无效 invalid history for {}: {e}",
                        facts.number
                    ))
                },
            )?;
            facts = t.facts;
            events.push((t.event, h));
        }
        let d = derive(&facts, policy, today);
        let facts_json =
            serde_json::to_string(&facts).map_err(|e| StoreError::Internal(e.to_string()))?;
        let id = uuid::Uuid::now_v7().to_string();
        let c = &new.classification;
        let p = &new.complainant;
        let f = |field: &Option<ProtectedField>| {
            Param::opt_text(field.as_ref().map(|f| f.ciphertext.clone()))
        };
        let m = |field: &Option<ProtectedField>| {
            Param::opt_text(field.as_ref().map(|f| f.masked.clone()))
        };
        let b = |field: &Option<ProtectedField>| {
            Param::opt_text(field.as_ref().and_then(|f| f.blind_index.clone()))
        };
        let registered_ts = new
            .registered_at
            .map(time::format_ts)
            .unwrap_or_else(|| now_ts.to_string());
        staged.complaints.push(vec![
            Param::text(&id),
            Param::text(number.to_string()),
            Param::opt_text(new.external_id.clone()),
            Param::text(time::format_ts(new.received_at)),
            Param::text(china_date(new.received_at).to_string()),
            Param::text(&c.source),
            Param::text(&c.channel),
            Param::text(&c.business_category),
            Param::opt_text(c.business_subcategory.clone()),
            Param::text(&c.reason),
            Param::text(json_list(&c.demands)),
            Param::text(json_list(&c.vulnerable_flags)),
            Param::text(&new.title),
            Param::text(&new.content),
            Param::opt_text(new.content_enc.clone()),
            Param::text(&c.complainant_role),
            f(&p.name),
            m(&p.name),
            f(&p.phone),
            m(&p.phone),
            b(&p.phone),
            f(&p.id_number),
            m(&p.id_number),
            b(&p.id_number),
            f(&p.card_number),
            m(&p.card_number),
            b(&p.card_number),
            Param::opt_text(new.product.clone()),
            Param::opt_int(new.amount_fen.map(|a| i64::try_from(a).unwrap_or(i64::MAX))),
            Param::text(json_list(&new.subject_staff)),
            Param::text(json_list(&new.tags)),
            Param::text(&org.code),
            Param::opt_text(new.assignee.clone()),
            Param::text(&d.state),
            Param::opt_text(d.due_on.clone()),
            Param::opt_text(d.legal_due_on.clone()),
            Param::text(&d.sla_status),
            Param::Int(i64::from(d.sla_breached)),
            Param::opt_text(d.finished_on.clone()),
            Param::opt_text(d.outcome.clone()),
            Param::opt_text(d.satisfaction.clone()),
            Param::opt_int(d.compensation_fen),
            Param::text(&facts_json),
            Param::text(&registered_ts),
            Param::text(&actor.username),
            Param::text(&registered_ts),
            Param::Int(1),
        ]);
        if let Some(rowid) = search_rowid
            && let Some(row) = staged.complaints.last_mut()
        {
            row.push(Param::Int(rowid));
        }
        let payload = serde_json::json!({
            "params": {"received_on": facts.sla.received_on, "org": org.code, "assignee": new.assignee},
            "before": {},
            "after": {"state": "registered"},
        });
        staged.event(
            &id,
            1,
            "register",
            None,
            "registered",
            &actor.user_id,
            &actor.display_name,
            &registered_ts,
            &payload,
        );
        for (seq, (event, h)) in events.iter().enumerate() {
            staged.event(
                &id,
                seq as i64 + 2,
                &to_name(&event.action),
                Some(&to_name(&event.from_state)),
                &to_name(&event.to_state),
                &h.actor_username,
                &h.actor_name,
                &time::format_ts(h.at),
                &event.payload,
            );
        }
        staged.search.push((id.clone(), new.search_tokens.clone()));
        Ok(id)
    }

    /// Writes staged rows inside the transaction, one statement per table.
    async fn flush_staged(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        staged: &mut Staged,
    ) -> Result<(), StoreError> {
        let statements = self.staged_statements(staged)?;
        execute_statements(tx, statements).await
    }

    /// The statements that write staged rows, one per table, leaving
    /// `staged` empty. Encoding the rows is the CPU-heavy part of writing
    /// them, done here so that a bulk load can encode the next rows while
    /// the database executes the previous ones.
    fn staged_statements(&self, staged: &mut Staged) -> Result<Vec<Statement>, StoreError> {
        let backend = self.backend();
        let mut statements = Vec::with_capacity(3);
        if !staged.complaints.is_empty() {
            let mut columns = COMPLAINT_COLUMNS.to_vec();
            if backend == Backend::Sqlite {
                columns.push("search_rowid");
            }
            statements.push(Statement {
                sql: Sql::insert_json_rows(backend, "complaints", &columns, &staged.complaints)?,
                on_conflict: Some(
                    "外部编号或投诉编号已登记 a complaint with this external_id is already registered",
                ),
            });
        }
        if !staged.events.is_empty() {
            statements.push(Statement {
                sql: Sql::insert_json_rows(
                    backend,
                    "complaint_events",
                    &EVENT_COLUMNS,
                    &staged.events,
                )?,
                on_conflict: None,
            });
        }
        if !staged.search.is_empty() {
            let search: Vec<Vec<Param>> = staged
                .search
                .drain(..)
                .map(|(id, tokens)| vec![Param::Text(id), Param::Text(tokens)])
                .collect();
            let q = match backend {
                // The row id and the facets come from the complaint rows
                // written just before.
                Backend::Sqlite => {
                    let mut q = Sql::new(&format!(
                        "INSERT INTO complaint_fts (rowid, complaint_id, received_at, tokens, facets)
                         SELECT c.search_rowid, c.id, c.received_at, r.value ->> 1, {FTS_FACETS}
                         FROM jsonb_each("
                    ));
                    let p = q.text(crate::sql::json_rows(&search)?);
                    q.push(&format!(
                        "{p}) r JOIN complaints c ON c.id = r.value ->> 0 ORDER BY r.key"
                    ));
                    q
                }
                // The segmented words become the tsvector in the database;
                // the time received and the facets come from the complaint
                // rows written just before.
                Backend::Postgres => {
                    let mut q = Sql::new(&format!(
                        "INSERT INTO complaint_search (complaint_id, tsv, received_at, facets)
                         SELECT c.id, to_tsvector('simple', r.value ->> 1), c.received_at, {SEARCH_FACETS}
                         FROM jsonb_array_elements("
                    ));
                    let p = q.text(crate::sql::json_rows(&search)?);
                    q.push(&format!(
                        "{p}::jsonb) r JOIN complaints c ON c.id = r.value ->> 0"
                    ));
                    q
                }
            };
            statements.push(Statement {
                sql: q,
                on_conflict: None,
            });
        }
        staged.complaints.clear();
        staged.events.clear();
        Ok(statements)
    }

    async fn complaint_by_id(&self, id: &str) -> Result<ComplaintRow, StoreError> {
        let mut q = Sql::new(&format!(
            "SELECT {ROW_COLUMNS} FROM complaints c JOIN orgs o ON o.code = c.org_code WHERE c.id = "
        ));
        let p = q.text(id);
        q.push(&p);
        q.query_as::<ComplaintRow>()
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::NotFound("投诉不存在 complaint not found".into()))
    }

    /// One complaint by id or number, if inside the actor's scope.
    pub async fn get_complaint(
        &self,
        actor: &Actor,
        id_or_number: &str,
    ) -> Result<ComplaintRow, StoreError> {
        let mut q = Sql::new(&format!(
            "SELECT {ROW_COLUMNS} FROM complaints c JOIN orgs o ON o.code = c.org_code WHERE (c.id = "
        ));
        let p = q.text(id_or_number);
        q.push(&p)
            .push(" OR c.number = ")
            .push(&p)
            .push(") AND o.path LIKE ");
        let s = q.text(like_prefix(actor.scope().prefix()));
        q.push(&s).push(" ESCAPE '\\'");
        q.query_as::<ComplaintRow>()
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| {
                StoreError::NotFound(format!("投诉 {id_or_number} 不存在 complaint not found"))
            })
    }

    /// The id of the complaint registered under an external id (any scope;
    /// used to make imports idempotent).
    pub async fn complaint_id_by_external_id(
        &self,
        external_id: &str,
    ) -> Result<Option<(String, String)>, StoreError> {
        Ok(
            sqlx::query_as("SELECT id, number FROM complaints WHERE external_id = $1")
                .bind(external_id)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// The complaint's history, oldest first.
    pub async fn complaint_events(
        &self,
        actor: &Actor,
        id: &str,
    ) -> Result<Vec<ComplaintEventRow>, StoreError> {
        let c = self.get_complaint(actor, id).await?;
        Ok(sqlx::query_as::<_, ComplaintEventRow>(
            "SELECT seq, action, from_state, to_state, actor_id, actor_name, at, payload
             FROM complaint_events WHERE complaint_id = $1 ORDER BY seq",
        )
        .bind(&c.id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Applies an action through the state machine and records its event.
    /// `to_org` of a transfer must exist; it may lie outside the actor's scope
    /// (a branch hands a case up to its superior).
    pub async fn apply_complaint_action(
        &self,
        actor: &Actor,
        id: &str,
        action: &Action,
        policy: &SlaPolicy,
        now: DateTime<Utc>,
    ) -> Result<ComplaintRow, ActionFailure> {
        Self::require_handler(actor)?;
        let row = self.get_complaint(actor, id).await?;
        let facts = row.facts()?;
        let mut action = action.clone();
        let mut new_org: Option<String> = None;
        if let Action::Transfer {
            to_org,
            to_is_branch,
            ..
        } = &mut action
        {
            let target = self.org_by_code(to_org).await.map_err(|_| {
                StoreError::Invalid(format!("转办机构 {to_org} 不存在 unknown organisation"))
            })?;
            *to_is_branch = Some(handled_by_branch(&target.kind));
            new_org = Some(target.code);
        }
        if let Action::Assign { assignee } = &action {
            let user = self.user_by_username(assignee).await.map_err(|_| {
                StoreError::Invalid(format!("处理人 {assignee} 不存在 unknown user"))
            })?;
            let user_org = self.org_by_code(&user.org_code).await?;
            let org = self.org_by_code(&row.org_code).await?;
            let can = user.disabled == 0
                && user
                    .role
                    .parse::<xiaobao_domain::role::Role>()
                    .is_ok_and(|r| r.can_handle_complaints())
                && (org.path.starts_with(&user_org.path) || user_org.path.starts_with(&org.path));
            if !can {
                return Err(StoreError::Invalid(format!(
                    "{assignee} 不能办理 {} 的投诉（须为该机构或其上级机构的在岗处理人员） user cannot handle this organisation's complaints",
                    org.name
                ))
                .into());
            }
        }
        let transition = complaint::apply(&facts, &action, &actor.username, now, policy)?;
        let today = china_date(now);
        let d = derive(&transition.facts, policy, today);
        let facts_json = serde_json::to_string(&transition.facts)
            .map_err(|e| StoreError::Internal(e.to_string()))?;
        let now_ts = time::format_ts(now);
        let mut tx = self.pool.begin().await.map_err(StoreError::from)?;
        let updated = sqlx::query(
            "UPDATE complaints SET facts = $1, state = $2, due_on = $3, legal_due_on = $4, sla_status = $5,
                sla_breached = $6, finished_on = $7, outcome = $8, satisfaction = $9, compensation_fen = $10,
                assignee = $11, org_code = COALESCE($12, org_code), updated_at = $13, version = version + 1
             WHERE id = $14 AND version = $15",
        )
        .bind(&facts_json)
        .bind(&d.state)
        .bind(d.due_on.clone())
        .bind(d.legal_due_on.clone())
        .bind(&d.sla_status)
        .bind(i64::from(d.sla_breached))
        .bind(d.finished_on.clone())
        .bind(d.outcome.clone())
        .bind(d.satisfaction.clone())
        .bind(d.compensation_fen)
        .bind(transition.facts.assignee.clone())
        .bind(new_org)
        .bind(&now_ts)
        .bind(&row.id)
        .bind(row.version)
        .execute(&mut *tx)
        .await
        .map_err(StoreError::from)?;
        if updated.rows_affected() != 1 {
            return Err(StoreError::Conflict(
                "该投诉刚被他人修改，请刷新后重试 the complaint was changed by someone else; reload and retry".into(),
            )
            .into());
        }
        // The action may have changed a facet: the state, the assignee, or
        // (a transfer) the organisation.
        let refresh = match self.backend() {
            Backend::Postgres => format!(
                "UPDATE complaint_search s SET facets = {SEARCH_FACETS}
                 FROM complaints c WHERE c.id = s.complaint_id AND s.complaint_id = $1"
            ),
            Backend::Sqlite => format!(
                "UPDATE complaint_fts SET facets = (SELECT {FTS_FACETS} FROM complaints c WHERE c.id = $1)
                 WHERE rowid = (SELECT search_rowid FROM complaints WHERE id = $1)"
            ),
        };
        sqlx::query(sqlx::AssertSqlSafe(refresh))
            .bind(&row.id)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::from)?;
        let seq: i64 = sqlx::query_scalar(
            "SELECT COALESCE(MAX(seq), 0) + 1 FROM complaint_events WHERE complaint_id = $1",
        )
        .bind(&row.id)
        .fetch_one(&mut *tx)
        .await
        .map_err(StoreError::from)?;
        let ev = &transition.event;
        let mut staged = Staged::default();
        staged.event(
            &row.id,
            seq,
            &to_name(&ev.action),
            Some(&to_name(&ev.from_state)),
            &to_name(&ev.to_state),
            &actor.user_id,
            &actor.display_name,
            &now_ts,
            &ev.payload,
        );
        self.flush_staged(&mut tx, &mut staged).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(self.complaint_by_id(&row.id).await?)
    }

    /// The encrypted value of one personal-data field, for a reveal. Only roles
    /// allowed to reveal get it; the caller decrypts and audits.
    pub async fn complaint_secret(
        &self,
        actor: &Actor,
        id: &str,
        column: SecretColumn,
    ) -> Result<Option<String>, StoreError> {
        if !actor.role.can_reveal_pii() {
            return Err(StoreError::Forbidden(format!(
                "「{}」角色无权查看个人信息明文 role may not reveal personal data",
                actor.role.display_name()
            )));
        }
        let c = self.get_complaint(actor, id).await?;
        let mut q = Sql::new("SELECT ");
        q.push(column.column()).push(" FROM complaints WHERE id = ");
        let p = q.text(c.id);
        q.push(&p);
        let row: Option<(Option<String>,)> = q.query_as().fetch_optional(&self.pool).await?;
        Ok(row.and_then(|r| r.0))
    }

    /// A page of complaints inside the actor's scope, newest first, or by
    /// relevance when searching. Matches are counted up to [`LIST_COUNT_CAP`]
    /// ([`SEARCH_COUNT_CAP`] for a search), or to the end of the page asked
    /// for when that lies further; see [`Page::total_capped`].
    pub async fn list_complaints(
        &self,
        actor: &Actor,
        filter: &ComplaintFilter,
        today: NaiveDate,
        at_risk_days: i64,
    ) -> Result<Page<ComplaintSummary>, StoreError> {
        self.list_complaints_counting_to(actor, filter, today, at_risk_days, LIST_COUNT_CAP)
            .await
    }

    /// [`Store::list_complaints`] with another count cap. Counting stops
    /// after `cap` matches (at least one, at most [`SEARCH_COUNT_CAP`] for a
    /// search, and never before the end of the page asked for): a filter
    /// that matches most of a million complaints is then as quick to page
    /// through as a narrow one.
    pub async fn list_complaints_counting_to(
        &self,
        actor: &Actor,
        filter: &ComplaintFilter,
        today: NaiveDate,
        at_risk_days: i64,
        cap: i64,
    ) -> Result<Page<ComplaintSummary>, StoreError> {
        let per_page = i64::from(filter.per_page.clamp(1, 500));
        let offset = i64::from(filter.page.max(1) - 1) * per_page;
        let orgs = self.org_scope(actor, filter.org.as_deref()).await?;
        if matches!(orgs, OrgScope::Nothing) {
            return Ok(Page {
                items: Vec::new(),
                total: 0,
                total_capped: false,
            });
        }
        let cond = ListConditions {
            orgs: &orgs,
            filter,
            today,
            at_risk_days,
        };
        let limit = cap.max(1).max(offset + per_page);
        let tokens = filter
            .search_tokens
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty());
        if let Some(tokens) = tokens {
            let limit = cap.clamp(1, SEARCH_COUNT_CAP).max(offset + per_page);
            return self
                .relevant_matches(&cond, tokens, limit, per_page, offset)
                .await;
        }
        let counted = self.count_matches(&cond, limit).await?;
        let capped = counted > limit;
        let items = if capped || offset < counted {
            self.newest_matches(&cond, capped, per_page, offset).await?
        } else {
            Vec::new()
        };
        Ok(Page {
            items,
            total: counted.min(limit),
            total_capped: capped,
        })
    }

    /// The organisations whose complaints a list may show: the subtree asked
    /// for intersected with the actor's scope.
    async fn org_scope(&self, actor: &Actor, org: Option<&str>) -> Result<OrgScope, StoreError> {
        let prefix = match org {
            Some(code) => match self.get_org(actor, code).await {
                Ok(org) => org.path,
                // An org outside the scope matches nothing, like one that does not exist.
                Err(StoreError::NotFound(_)) => return Ok(OrgScope::Nothing),
                Err(e) => return Err(e),
            },
            None => actor.scope().prefix().to_string(),
        };
        let all: Vec<(String, String)> = sqlx::query_as("SELECT code, path FROM orgs")
            .fetch_all(&self.pool)
            .await?;
        let codes: Vec<String> = all
            .iter()
            .filter(|(_, path)| path.starts_with(&prefix))
            .map(|(code, _)| code.clone())
            .collect();
        Ok(if codes.is_empty() {
            OrgScope::Nothing
        } else if codes.len() == all.len() {
            OrgScope::Everything
        } else if codes.len() > MAX_LISTED_ORGS {
            OrgScope::Subtree(prefix)
        } else {
            OrgScope::Codes(codes)
        })
    }

    /// How many complaints match, counting no further than `limit + 1`.
    async fn count_matches(
        &self,
        cond: &ListConditions<'_>,
        limit: i64,
    ) -> Result<i64, StoreError> {
        let mut q = Sql::new("SELECT COUNT(*) FROM (SELECT 1 FROM complaints c");
        let terms = cond.terms(&mut q);
        push_where(&mut q, &terms);
        let l = q.int(limit + 1);
        q.push(&format!(" LIMIT {l}) t"));
        Ok(q.query_scalar_i64().fetch_one(&self.pool).await?)
    }

    /// A page of matches, newest first. The page's keys are found on the
    /// complaint indexes alone; only its rows are then read whole.
    async fn newest_matches(
        &self,
        cond: &ListConditions<'_>,
        many: bool,
        per_page: i64,
        offset: i64,
    ) -> Result<Vec<ComplaintSummary>, StoreError> {
        // When many complaints match, walking an index in the list's order
        // and stopping after one page is cheapest; SQLite's planner prefers
        // the filter's index and a sort of every match, so it is told which.
        let hint = match self.backend() {
            Backend::Sqlite if many => {
                if cond.filter.deadline.is_some() {
                    " INDEXED BY complaints_awaiting_received"
                } else if cond.filter.business_category.is_some() {
                    " INDEXED BY complaints_category"
                } else {
                    " INDEXED BY complaints_received_scope"
                }
            }
            _ => "",
        };
        let mut q = Sql::new(&format!(
            "SELECT {SUMMARY_COLUMNS} FROM (SELECT c.id FROM complaints c{hint}"
        ));
        let terms = cond.terms(&mut q);
        push_where(&mut q, &terms);
        let l = q.int(per_page);
        let o = q.int(offset);
        q.push(&format!(
            " ORDER BY c.received_at DESC, c.id DESC LIMIT {l} OFFSET {o}) p
             JOIN complaints c ON c.id = p.id JOIN orgs o ON o.code = c.org_code
             ORDER BY c.received_at DESC, c.id DESC"
        ));
        Ok(q.query_as::<ComplaintSummary>()
            .fetch_all(&self.pool)
            .await?)
    }

    /// A page of search matches, most relevant first (then newest first).
    ///
    /// Every ranked match costs time, and a word found in more complaints
    /// than anyone reads is better narrowed by a filter, so when more than
    /// `limit` match, relevance is ranked among `limit` recent matches only:
    /// on SQLite the most recently recorded in the FTS5 index (its row
    /// order), read with their words and ranked here
    /// ([`crate::relevance::scores`]); on PostgreSQL the most recently
    /// received ([`Store::relevant_matches_by_month`]).
    async fn relevant_matches(
        &self,
        cond: &ListConditions<'_>,
        tokens: &str,
        limit: i64,
        per_page: i64,
        offset: i64,
    ) -> Result<Page<ComplaintSummary>, StoreError> {
        if self.backend() == Backend::Postgres {
            return self
                .relevant_matches_by_month(cond, tokens, limit, per_page, offset)
                .await;
        }
        // The matches: at most `limit + 1`, the most recently recorded first.
        // FTS5 intersects the words with the facets (organisations and
        // equality filters, and the months of a day range) as it walks the
        // newest rows; the complaint is joined only for the conditions the
        // facets cannot answer.
        let mut inner = Sql::default();
        let mut matching = vec![fts_query(tokens)];
        if let OrgScope::Codes(codes) = cond.orgs {
            matching.push(fts_facet_any("o", codes));
        }
        for (prefix, _, values) in cond.equality_filters() {
            matching.push(fts_facet_any(prefix, &values));
        }
        if let Some(months) = cond.months_received() {
            let tokens: Vec<String> = months
                .iter()
                .map(|m| format!("\"m{}\"", m.format("%Y%m")))
                .collect();
            matching.push(format!("facets : ({})", tokens.join(" OR ")));
        }
        let p = inner.text(matching.join(" AND "));
        let mut terms = vec![format!("f.complaint_fts MATCH {p}")];
        let on_complaint = cond.beyond_facets(&mut inner);
        let join = if on_complaint.is_empty() {
            ""
        } else {
            " JOIN complaints c ON c.id = f.complaint_id"
        };
        terms.extend(on_complaint);
        inner.push(&format!(
            "SELECT f.complaint_id, f.received_at, f.tokens FROM complaint_fts f{join}"
        ));
        push_where(&mut inner, &terms);
        let l = inner.int(limit + 1);
        inner.push(&format!(" ORDER BY f.rowid DESC LIMIT {l}"));
        // (complaint id, received at, segmented words), newest recorded first.
        let rows: Vec<(String, String, String)> = inner.query_as().fetch_all(&self.pool).await?;
        let matched = i64::try_from(rows.len()).unwrap_or(i64::MAX);
        let window = &rows[..rows.len().min(usize::try_from(limit).unwrap_or(usize::MAX))];
        let texts: Vec<&str> = window.iter().map(|r| r.2.as_str()).collect();
        let scores = crate::relevance::scores(tokens, &texts);
        let mut order: Vec<usize> = (0..window.len()).collect();
        order.sort_by(|&a, &b| {
            scores[b]
                .total_cmp(&scores[a])
                .then_with(|| window[b].1.cmp(&window[a].1))
                .then_with(|| window[b].0.cmp(&window[a].0))
        });
        let skip = usize::try_from(offset).unwrap_or(usize::MAX);
        let take = usize::try_from(per_page).unwrap_or(0);
        let page: Vec<&String> = order
            .iter()
            .skip(skip)
            .take(take)
            .map(|&i| &window[i].0)
            .collect();
        let items = self.summaries_in_order(&page).await?;
        Ok(Page {
            items,
            total: matched.min(limit),
            total_capped: matched > limit,
        })
    }

    /// The summaries of these complaints, in this order.
    async fn summaries_in_order(
        &self,
        ids: &[&String],
    ) -> Result<Vec<ComplaintSummary>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut q = Sql::new(&format!(
            "SELECT {SUMMARY_COLUMNS} FROM complaints c JOIN orgs o ON o.code = c.org_code WHERE c.id IN ("
        ));
        let placeholders: Vec<String> = ids.iter().map(|id| q.text(id.as_str())).collect();
        q.push(&placeholders.join(", ")).push(")");
        let mut rows = q
            .query_as::<ComplaintSummary>()
            .fetch_all(&self.pool)
            .await?;
        let mut items = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(i) = rows.iter().position(|r| &r.id == *id) {
                items.push(rows.swap_remove(i));
            }
        }
        Ok(items)
    }

    /// [`Store::relevant_matches`] on PostgreSQL: relevance is ranked among
    /// the `limit` most recently received matches, found month by month.
    ///
    /// The search index keeps each complaint's facets beside its words: the
    /// organisation, the month received and the columns lists filter on by
    /// equality (migration `1003_complaint_search_facets.sql`). One GIN scan
    /// intersects the words with the facets asked for and one month; months
    /// are read newest first (from next month, for clocks a little ahead)
    /// until more than `limit` matches are found, then the older rest in one
    /// scan. Only the rows of those matches are read: a common word costs a
    /// month of its matches, not all of them, and the complaint itself is
    /// read only for the few filters the facets cannot answer.
    async fn relevant_matches_by_month(
        &self,
        cond: &ListConditions<'_>,
        tokens: &str,
        limit: i64,
        per_page: i64,
        offset: i64,
    ) -> Result<Page<ComplaintSummary>, StoreError> {
        use chrono::Datelike;
        let mut facets = Vec::new();
        if let OrgScope::Codes(codes) = cond.orgs {
            facets.push(facet_any("o", codes));
        }
        for (prefix, _, values) in cond.equality_filters() {
            facets.push(facet_any(prefix, &values));
        }
        let from = cond.filter.received_from;
        let to = cond.filter.received_to;
        let this_month =
            NaiveDate::from_ymd_opt(cond.today.year(), cond.today.month(), 1).unwrap_or(cond.today);
        let newest = this_month + chrono::Months::new(1);
        let wanted = usize::try_from(limit + 1).unwrap_or(usize::MAX);
        // (complaint id, received at, relevance), newest first.
        let mut found: Vec<(String, String, f64)> = Vec::new();
        let mut read_months = Vec::new();
        for back in 0..=SEARCH_SINGLE_MONTHS {
            if found.len() >= wanted {
                break;
            }
            let older_rest = back == SEARCH_SINGLE_MONTHS;
            let month = newest.checked_sub_months(chrono::Months::new(back));
            let month_facet = match month {
                Some(first) if !older_rest => {
                    let last = first + chrono::Months::new(1) - chrono::Duration::days(1);
                    if to.is_some_and(|to| first > to) {
                        read_months.push(first);
                        continue;
                    }
                    if from.is_some_and(|from| last < from) {
                        break;
                    }
                    read_months.push(first);
                    tsquery_lexeme(&month_facet_name(first))
                }
                _ => {
                    if from.is_some_and(|from| read_months.last().is_some_and(|m| *m <= from)) {
                        break;
                    }
                    let read: Vec<String> = read_months
                        .iter()
                        .map(|m| tsquery_lexeme(&month_facet_name(*m)))
                        .collect();
                    format!("!({})", read.join(" | "))
                }
            };
            let mut q = Sql::default();
            let words = q.text(tokens.to_string());
            let mut all_facets = facets.clone();
            all_facets.push(format!("({month_facet})"));
            let f = q.text(all_facets.join(" & "));
            let mut terms = vec![
                format!("s.tsv @@ plainto_tsquery('simple', {words})"),
                format!("s.facets @@ {f}::tsquery"),
            ];
            if let Some(from) = from {
                let t = q.text(china_day_start(from));
                terms.push(format!("s.received_at >= {t}"));
            }
            if let Some(next) = to.and_then(|to| to.succ_opt()) {
                let t = q.text(china_day_start(next));
                terms.push(format!("s.received_at < {t}"));
            }
            // The complaint is joined only for conditions the facets lack.
            let on_complaint = cond.beyond_facets(&mut q);
            let join = if on_complaint.is_empty() {
                ""
            } else {
                " JOIN complaints c ON c.id = s.complaint_id"
            };
            terms.extend(on_complaint);
            let mut q = q.wrapped(
                &format!(
                    "SELECT s.complaint_id, s.received_at,
                            ts_rank(s.tsv, plainto_tsquery('simple', {words}))::float8
                     FROM complaint_search s{join}"
                ),
                "",
            );
            push_where(&mut q, &terms);
            let l = q.int(i64::try_from(wanted - found.len()).unwrap_or(i64::MAX));
            q.push(&format!(
                " ORDER BY s.received_at DESC, s.complaint_id DESC LIMIT {l}"
            ));
            let rows: Vec<(String, String, f64)> = q.query_as().fetch_all(&self.pool).await?;
            found.extend(rows);
        }
        let matched = i64::try_from(found.len()).unwrap_or(i64::MAX);
        found.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        found.sort_by(|a, b| {
            b.2.total_cmp(&a.2)
                .then_with(|| b.1.cmp(&a.1))
                .then_with(|| b.0.cmp(&a.0))
        });
        let skip = usize::try_from(offset).unwrap_or(usize::MAX);
        let take = usize::try_from(per_page).unwrap_or(0);
        let ids: Vec<&String> = found.iter().skip(skip).take(take).map(|r| &r.0).collect();
        Ok(Page {
            items: self.summaries_in_order(&ids).await?,
            total: matched.min(limit),
            total_capped: matched > limit,
        })
    }

    fn push_search_join(&self, q: &mut Sql, filter: &ComplaintFilter) -> bool {
        let Some(tokens) = filter
            .search_tokens
            .as_deref()
            .filter(|t| !t.trim().is_empty())
        else {
            return false;
        };
        match self.backend() {
            Backend::Sqlite => {
                let p = q.text(fts_query(tokens));
                q.push(&format!(
                    " JOIN (SELECT complaint_id FROM complaint_fts WHERE complaint_fts MATCH {p}) f ON f.complaint_id = c.id"
                ));
            }
            Backend::Postgres => {
                let p = q.text(tokens.to_string());
                q.push(&format!(
                    " JOIN (SELECT complaint_id FROM complaint_search
                       WHERE tsv @@ plainto_tsquery('simple', {p})) f ON f.complaint_id = c.id"
                ));
            }
        }
        true
    }

    /// Open, at-risk and overdue counts inside the actor's scope.
    pub async fn deadline_counts(
        &self,
        actor: &Actor,
        today: NaiveDate,
        at_risk_days: i64,
    ) -> Result<DeadlineCounts, StoreError> {
        let limit = today + chrono::Duration::days(at_risk_days);
        let mut q = Sql::new("SELECT COUNT(*), COALESCE(SUM(CASE WHEN c.due_on >= ");
        let t = q.text(today.to_string());
        let l = q.text(limit.to_string());
        q.push(&format!(
            "{t} AND c.due_on <= {l} THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN c.due_on < {t} THEN 1 ELSE 0 END), 0)
             FROM complaints c JOIN orgs o ON o.code = c.org_code WHERE o.path LIKE "
        ));
        let s = q.text(like_prefix(actor.scope().prefix()));
        q.push(&format!(
            "{s} ESCAPE '\\' AND c.state IN {AWAITING_DECISION}"
        ));
        let row: (i64, i64, i64) = q.query_as().fetch_one(&self.pool).await?;
        Ok(DeadlineCounts {
            open: row.0,
            at_risk: row.1,
            overdue: row.2,
        })
    }
}

/// The encrypted columns a reveal can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretColumn {
    Name,
    Phone,
    IdNumber,
    CardNumber,
    Content,
}

impl SecretColumn {
    fn column(self) -> &'static str {
        match self {
            SecretColumn::Name => "name_enc",
            SecretColumn::Phone => "phone_enc",
            SecretColumn::IdNumber => "id_number_enc",
            SecretColumn::CardNumber => "card_number_enc",
            SecretColumn::Content => "content_enc",
        }
    }
}

impl Store {
    /// Active users who may handle complaints and belong to exactly this
    /// organisation, with their number of open complaints (for assignment).
    pub async fn handler_load(&self, org_code: &str) -> Result<Vec<(String, i64)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT u.username,
                    (SELECT COUNT(*) FROM complaints c WHERE c.assignee = u.username
                       AND c.state IN ('registered', 'accepted', 'in_progress', 'under_review')) AS open_cases
             FROM users u
             WHERE u.org_code = $1 AND u.disabled = 0 AND u.role IN ('handler', 'cp_officer')
             ORDER BY u.username",
        )
        .bind(org_code)
        .fetch_all(&self.pool)
        .await?)
    }
}

impl Store {
    /// One chunk of a complaint export, newest first, after the `(received_at,
    /// id)` key of the previous chunk. Keyset paging keeps every chunk as fast
    /// as the first, so an export has no row cap.
    pub async fn export_chunk(
        &self,
        actor: &Actor,
        filter: &ComplaintFilter,
        after: Option<(&str, &str)>,
        limit: i64,
        today: NaiveDate,
        at_risk_days: i64,
    ) -> Result<Vec<ComplaintRow>, StoreError> {
        let orgs = self.org_scope(actor, filter.org.as_deref()).await?;
        if matches!(orgs, OrgScope::Nothing) {
            return Ok(Vec::new());
        }
        let mut q = Sql::new(&format!(
            "SELECT {ROW_COLUMNS} FROM complaints c JOIN orgs o ON o.code = c.org_code"
        ));
        self.push_search_join(&mut q, filter);
        let cond = ListConditions {
            orgs: &orgs,
            filter,
            today,
            at_risk_days,
        };
        let mut terms = cond.terms(&mut q);
        if let Some((at, id)) = after {
            let a = q.text(at);
            let b = q.text(id);
            terms.push(format!(
                "(c.received_at < {a} OR (c.received_at = {a} AND c.id < {b}))"
            ));
        }
        push_where(&mut q, &terms);
        let l = q.int(limit.clamp(1, 10_000));
        q.push(&format!(
            " ORDER BY c.received_at DESC, c.id DESC LIMIT {l}"
        ));
        Ok(q.query_as::<ComplaintRow>().fetch_all(&self.pool).await?)
    }
}

/// The encrypted columns of one complaint, for key rotation.
#[derive(Debug, Clone, FromRow)]
pub struct EncryptedColumns {
    pub id: String,
    pub name_enc: Option<String>,
    pub phone_enc: Option<String>,
    pub id_number_enc: Option<String>,
    pub card_number_enc: Option<String>,
    pub content_enc: Option<String>,
}

impl Store {
    /// Encrypted columns of complaints after `after_id`, in id order (for key
    /// rotation, which walks every row once).
    pub async fn encrypted_columns(
        &self,
        after_id: &str,
        limit: i64,
    ) -> Result<Vec<EncryptedColumns>, StoreError> {
        Ok(sqlx::query_as::<_, EncryptedColumns>(
            "SELECT id, name_enc, phone_enc, id_number_enc, card_number_enc, content_enc
             FROM complaints WHERE id > $1 ORDER BY id LIMIT $2",
        )
        .bind(after_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Writes re-encrypted values back, in one transaction per batch.
    pub async fn update_encrypted_columns(
        &self,
        rows: &[EncryptedColumns],
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        for r in rows {
            sqlx::query(
                "UPDATE complaints SET name_enc = $1, phone_enc = $2, id_number_enc = $3, card_number_enc = $4,
                    content_enc = $5 WHERE id = $6",
            )
            .bind(r.name_enc.clone())
            .bind(r.phone_enc.clone())
            .bind(r.id_number_enc.clone())
            .bind(r.card_number_enc.clone())
            .bind(r.content_enc.clone())
            .bind(&r.id)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

impl Store {
    /// Open complaints in the actor's scope that may repeat a new one: from
    /// the same complainant (equal blind index of phone or ID number), or
    /// about the same event (sharing any of `terms`, received since `since`).
    /// Newest first, at most `limit`.
    pub async fn similar_open_complaints(
        &self,
        actor: &Actor,
        phone_bidx: Option<&str>,
        id_number_bidx: Option<&str>,
        terms: &[String],
        since: NaiveDate,
        limit: i64,
    ) -> Result<Vec<ComplaintSummary>, StoreError> {
        let mut q = Sql::new(&format!(
            "SELECT {SUMMARY_COLUMNS} FROM complaints c JOIN orgs o ON o.code = c.org_code WHERE o.path LIKE "
        ));
        let s = q.text(like_prefix(actor.scope().prefix()));
        q.push(&format!(
            "{s} ESCAPE '\\' AND c.state IN ('registered', 'accepted', 'in_progress', 'decision_notified', 'under_review') AND ("
        ));
        let mut any = false;
        for (column, value) in [
            ("c.phone_bidx", phone_bidx),
            ("c.id_number_bidx", id_number_bidx),
        ] {
            if let Some(v) = value {
                let p = q.text(v);
                q.push(&format!("{}{column} = {p}", if any { " OR " } else { "" }));
                any = true;
            }
        }
        let clean: Vec<String> = terms
            .iter()
            .map(|t| {
                t.chars()
                    .filter(|c| c.is_alphanumeric())
                    .collect::<String>()
            })
            .filter(|t| !t.is_empty())
            .collect();
        if !clean.is_empty() {
            let d = q.text(since.to_string());
            let (sub, query) = match self.backend() {
                Backend::Sqlite => (
                    "SELECT complaint_id FROM complaint_fts WHERE complaint_fts MATCH ",
                    format!(
                        "tokens : ({})",
                        clean
                            .iter()
                            .map(|t| format!("\"{t}\""))
                            .collect::<Vec<_>>()
                            .join(" OR ")
                    ),
                ),
                Backend::Postgres => (
                    "SELECT complaint_id FROM complaint_search WHERE tsv @@ to_tsquery('simple', ",
                    clean
                        .iter()
                        .map(|t| format!("'{t}'"))
                        .collect::<Vec<_>>()
                        .join(" | "),
                ),
            };
            let p = q.text(query);
            let close = if self.backend() == Backend::Postgres {
                ")"
            } else {
                ""
            };
            q.push(&format!(
                "{}(c.received_on >= {d} AND c.id IN ({sub}{p}{close}))",
                if any { " OR " } else { "" }
            ));
            any = true;
        }
        if !any {
            return Ok(Vec::new());
        }
        let l = q.int(limit);
        q.push(&format!(") ORDER BY c.received_at DESC LIMIT {l}"));
        Ok(q.query_as::<ComplaintSummary>()
            .fetch_all(&self.pool)
            .await?)
    }
}

impl Store {
    /// Recomputes the stored deadline columns of complaints still awaiting a
    /// decision whose clock is paused: a running pause moves the due date day
    /// by day, and lists and counts must see today's value. Returns how many
    /// rows changed.
    pub async fn refresh_paused_deadlines(
        &self,
        policy: &SlaPolicy,
        now: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        let today = china_date(now);
        let rows: Vec<(String, String, Option<String>, i64)> = sqlx::query_as(
            "SELECT id, facts, due_on, version FROM complaints
             WHERE state IN ('registered', 'accepted', 'in_progress', 'under_review')
               AND facts LIKE '%\"end\":null%'",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut changed = 0;
        for (id, facts, due_on, version) in rows {
            let Ok(facts) = serde_json::from_str::<ComplaintFacts>(&facts) else {
                continue;
            };
            if facts.sla.open_pause().is_none() {
                continue;
            }
            let d = derive(&facts, policy, today);
            if d.due_on == due_on {
                continue;
            }
            let done = sqlx::query(
                "UPDATE complaints SET due_on = $1, legal_due_on = $2, sla_status = $3 WHERE id = $4 AND version = $5",
            )
            .bind(d.due_on)
            .bind(d.legal_due_on)
            .bind(d.sla_status)
            .bind(&id)
            .bind(version)
            .execute(&self.pool)
            .await?;
            changed += done.rows_affected();
        }
        Ok(changed)
    }
}

impl Store {
    /// Which of `external_ids` are already registered (any scope): one query
    /// per 500 ids, so checking a 100,000-row import costs 200 queries.
    pub async fn existing_external_ids(
        &self,
        external_ids: &[String],
    ) -> Result<std::collections::HashSet<String>, StoreError> {
        let mut found = std::collections::HashSet::new();
        for chunk in external_ids.chunks(500) {
            let mut q = Sql::new("SELECT external_id FROM complaints WHERE external_id IN (");
            let placeholders: Vec<String> = chunk.iter().map(|id| q.text(id.clone())).collect();
            q.push(&placeholders.join(", ")).push(")");
            let rows: Vec<(String,)> = q.query_as().fetch_all(&self.pool).await?;
            found.extend(rows.into_iter().map(|r| r.0));
        }
        Ok(found)
    }
}

const COMPLAINT_COLUMNS: [&str; 47] = [
    "id",
    "number",
    "external_id",
    "received_at",
    "received_on",
    "source",
    "channel",
    "business_category",
    "business_subcategory",
    "reason",
    "demands",
    "vulnerable_flags",
    "title",
    "content",
    "content_enc",
    "complainant_role",
    "name_enc",
    "name_masked",
    "phone_enc",
    "phone_masked",
    "phone_bidx",
    "id_number_enc",
    "id_number_masked",
    "id_number_bidx",
    "card_number_enc",
    "card_number_masked",
    "card_number_bidx",
    "product",
    "amount_fen",
    "subject_staff",
    "tags",
    "org_code",
    "assignee",
    "state",
    "due_on",
    "legal_due_on",
    "sla_status",
    "sla_breached",
    "finished_on",
    "outcome",
    "satisfaction",
    "compensation_fen",
    "facts",
    "created_at",
    "created_by",
    "updated_at",
    "version",
];

const EVENT_COLUMNS: [&str; 10] = [
    "id",
    "complaint_id",
    "seq",
    "action",
    "from_state",
    "to_state",
    "actor_id",
    "actor_name",
    "at",
    "payload",
];

/// Complaints registered in one open transaction; see
/// [`Store::begin_complaints`].
///
/// Writing is pipelined: [`ComplaintWriter::write`] encodes a batch on the
/// caller's thread and hands its statements to a task of their own, which
/// executes them on the transaction's connection while the caller goes on
/// preparing and encoding the next batch. The next call that needs the
/// transaction waits for that task. An error of a statement comes back at
/// the next [`ComplaintWriter::write`] or at [`ComplaintWriter::commit`];
/// either way nothing is kept.
pub struct ComplaintWriter {
    store: Store,
    /// The transaction, while no statements are in flight.
    tx: Option<sqlx::Transaction<'static, sqlx::Any>>,
    /// Statements being executed; the task hands the transaction back.
    in_flight: Option<tokio::task::JoinHandle<InFlight>>,
    actor: Actor,
    policy: SlaPolicy,
    now: DateTime<Utc>,
    /// Organisations already looked up, by code.
    orgs: std::collections::HashMap<String, crate::orgs::Org>,
    /// The last complaint number used per registration day. A day's counter
    /// is read (and its row locked) the first time the day comes up, and
    /// written back at the commit.
    last_numbers: std::collections::BTreeMap<NaiveDate, i64>,
    /// SQLite: the full-text row id of the next complaint
    /// (`complaints.search_rowid`), read once the transaction holds the
    /// write lock.
    next_search_rowid: Option<i64>,
    /// How many complaints the caller means to write.
    expected_rows: usize,
    /// SQLite: the connection's page cache was raised for a bulk load.
    bulk_cache: bool,
    /// SQLite: once decided (at the first write), the definitions of the
    /// secondary indexes dropped for a bulk load, to build again at commit.
    deferred_indexes: Option<Vec<String>>,
}

/// What a task executing statements hands back: the transaction and how
/// the statements went.
type InFlight = (
    sqlx::Transaction<'static, sqlx::Any>,
    Result<(), StoreError>,
);

impl ComplaintWriter {
    /// Waits for the statements in flight, if any, and takes the
    /// transaction back. Their error, if any, is returned; the transaction
    /// then stays with the writer, which rolls it back when dropped.
    async fn settle(&mut self) -> Result<(), StoreError> {
        if let Some(task) = self.in_flight.take() {
            let (tx, done) = task.await.map_err(|e| {
                StoreError::Internal(format!("写入任务失败 writing task failed: {e}"))
            })?;
            self.tx = Some(tx);
            done?;
        }
        Ok(())
    }

    /// The transaction, once the statements in flight are done.
    async fn tx(&mut self) -> Result<&mut sqlx::Transaction<'static, sqlx::Any>, StoreError> {
        self.settle().await?;
        self.tx.as_mut().ok_or_else(transaction_lost)
    }

    /// The transaction, taken out of the writer, once the statements in
    /// flight are done.
    async fn take_tx(&mut self) -> Result<sqlx::Transaction<'static, sqlx::Any>, StoreError> {
        self.settle().await?;
        self.tx.take().ok_or_else(transaction_lost)
    }

    /// Executes statements on the transaction in a task of their own.
    async fn send(&mut self, statements: Vec<Statement>) -> Result<(), StoreError> {
        let mut tx = self.take_tx().await?;
        self.in_flight = Some(tokio::spawn(async move {
            let done = execute_statements(&mut tx, statements).await;
            (tx, done)
        }));
        Ok(())
    }

    /// Writes one batch inside the transaction and returns the new ids in
    /// input order. The rows may still be on their way to the database when
    /// this returns (see [`ComplaintWriter`]).
    pub async fn write(&mut self, batch: &[NewComplaint]) -> Result<Vec<String>, StoreError> {
        for new in batch {
            if !self.orgs.contains_key(&new.org_code) {
                let org = self
                    .store
                    .get_org(&self.actor, &new.org_code)
                    .await
                    .map_err(|_| {
                        StoreError::Invalid(format!(
                            "责任机构 {} 不存在或不在您的数据范围内 unknown organisation",
                            new.org_code
                        ))
                    })?;
                self.orgs.insert(new.org_code.clone(), org);
            }
        }
        let now = self.now;
        let today = china_date(now);
        let now_ts = time::format_ts(now);
        let day_of = |new: &NewComplaint| china_date(new.registered_at.unwrap_or(now));
        let new_days: std::collections::BTreeSet<NaiveDate> = batch
            .iter()
            .map(day_of)
            .filter(|day| !self.last_numbers.contains_key(day))
            .collect();
        for day in new_days {
            // Reading the counter through a write locks its row (and, on
            // SQLite, the database) until the commit, so no one else can
            // take the same numbers meanwhile.
            let last: i64 = sqlx::query_scalar(
                "INSERT INTO complaint_number_seq (day, last) VALUES ($1, 0)
                 ON CONFLICT (day) DO UPDATE SET last = complaint_number_seq.last
                 RETURNING last",
            )
            .bind(day.format("%Y%m%d").to_string())
            .fetch_one(&mut **self.tx().await?)
            .await?;
            self.last_numbers.insert(day, last);
        }
        // The number read above took the write lock: no other writer
        // can add full-text rows until this transaction ends.
        if self.store.backend() == Backend::Sqlite
            && self.next_search_rowid.is_none()
            && !batch.is_empty()
        {
            let last: Option<i64> =
                sqlx::query_scalar("SELECT rowid FROM complaint_fts ORDER BY rowid DESC LIMIT 1")
                    .fetch_optional(&mut **self.tx().await?)
                    .await?;
            self.next_search_rowid = Some(last.unwrap_or(0) + 1);
        }
        if self.store.backend() == Backend::Sqlite
            && self.deferred_indexes.is_none()
            && !batch.is_empty()
        {
            let deferred = self.defer_indexes().await?;
            self.deferred_indexes = Some(deferred);
        }
        let mut ids = Vec::with_capacity(batch.len());
        let mut staged = Staged::default();
        for new in batch {
            let org = &self.orgs[&new.org_code];
            let day = day_of(new);
            let seq = self.last_numbers.get(&day).copied().unwrap_or(0) + 1;
            self.last_numbers.insert(day, seq);
            let number = ComplaintNumber::new(day, u32::try_from(seq).unwrap_or(u32::MAX))
                .map_err(|e| {
                    StoreError::Internal(format!("投诉编号已用尽 complaint numbers exhausted: {e}"))
                })?;
            let search_rowid = self.next_search_rowid;
            self.next_search_rowid = search_rowid.map(|r| r + 1);
            let id = self.store.stage_complaint(
                &mut staged,
                &self.actor,
                new,
                org,
                number,
                &self.policy,
                today,
                &now_ts,
                search_rowid,
            )?;
            ids.push(id);
            if staged.complaints.len() >= ROWS_PER_STATEMENT {
                let statements = self.store.staged_statements(&mut staged)?;
                self.send(statements).await?;
            }
        }
        let statements = self.store.staged_statements(&mut staged)?;
        if !statements.is_empty() {
            self.send(statements).await?;
        }
        Ok(ids)
    }

    /// SQLite, at the first write: drops the complaint table's secondary
    /// indexes when this is a bulk load (see [`Store::begin_complaints`])
    /// and returns their definitions. The unique constraints' indexes stay:
    /// they check every row as it is written.
    async fn defer_indexes(&mut self) -> Result<Vec<String>, StoreError> {
        if self.expected_rows < BULK_LOAD_MIN_ROWS {
            return Ok(Vec::new());
        }
        // Complaints are never deleted: the largest row id is their number.
        let stored: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(rowid), 0) FROM complaints")
            .fetch_one(&mut **self.tx().await?)
            .await?;
        if usize::try_from(stored).unwrap_or(usize::MAX) > self.expected_rows {
            return Ok(Vec::new());
        }
        let indexes: Vec<(String, String)> = sqlx::query_as(
            "SELECT name, sql FROM sqlite_master
             WHERE type = 'index' AND tbl_name = 'complaints' AND sql IS NOT NULL
             ORDER BY name",
        )
        .fetch_all(&mut **self.tx().await?)
        .await?;
        for (name, _) in &indexes {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "DROP INDEX \"{}\"",
                name.replace('"', "\"\"")
            )))
            .execute(&mut **self.tx().await?)
            .await?;
        }
        tracing::debug!(
            indexes = indexes.len(),
            stored,
            "complaint indexes deferred to the commit"
        );
        Ok(indexes.into_iter().map(|(_, sql)| sql).collect())
    }

    /// Keeps everything written, building again any index deferred for a
    /// bulk load first.
    pub async fn commit(mut self) -> Result<(), StoreError> {
        let started = std::time::Instant::now();
        let numbers = std::mem::take(&mut self.last_numbers);
        for (day, last) in numbers {
            sqlx::query("UPDATE complaint_number_seq SET last = $2 WHERE day = $1")
                .bind(day.format("%Y%m%d").to_string())
                .bind(last)
                .execute(&mut **self.tx().await?)
                .await?;
        }
        for sql in self.deferred_indexes.take().unwrap_or_default() {
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .execute(&mut **self.tx().await?)
                .await?;
        }
        if self.bulk_cache {
            // Back to the pool's size; pages written but not yet committed
            // stay in memory until the commit writes them.
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "PRAGMA cache_size = -{}",
                crate::db::SQLITE_CACHE_KIB
            )))
            .execute(&mut **self.tx().await?)
            .await?;
        }
        tracing::debug!(
            seconds = started.elapsed().as_secs_f64(),
            "complaint indexes built"
        );
        let started = std::time::Instant::now();
        self.take_tx().await?.commit().await?;
        tracing::debug!(
            seconds = started.elapsed().as_secs_f64(),
            "complaints committed"
        );
        Ok(())
    }
}

/// A writer without its transaction: only after a writing task failed
/// (its transaction went with it) and the caller went on writing.
fn transaction_lost() -> StoreError {
    StoreError::Internal("写入事务已丢失 transaction lost".into())
}

/// Bulk loads at least this large may defer the complaint indexes
/// ([`Store::begin_complaints`]).
pub const BULK_LOAD_MIN_ROWS: usize = 1_000;

/// The SQLite page cache of a bulk load's connection, in KiB, for as long
/// as it writes. A hundred thousand complaints add about 440 MB of table,
/// index and full-text pages; with the pool's 64 MiB cache, pages written
/// early were spilled to the write-ahead log and read back, which cost
/// about a fifth of the import's CPU time. Memory is taken only as pages
/// are used; a load that fails without reaching its commit leaves the
/// larger size on its connection until the pool retires it.
const BULK_LOAD_CACHE_KIB: i64 = 512 * 1024;

/// Rows per INSERT statement: the rows travel as one JSON value
/// ([`Sql::insert_json_rows`]), a few megabytes at most.
const ROWS_PER_STATEMENT: usize = 500;

/// One statement that writes staged rows.
struct Statement {
    sql: Sql,
    /// The message for a unique-constraint violation, when one means that
    /// a row was registered before.
    on_conflict: Option<&'static str>,
}

/// Executes statements in order inside a transaction, stopping at the
/// first error.
async fn execute_statements(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    statements: Vec<Statement>,
) -> Result<(), StoreError> {
    for statement in statements {
        statement
            .sql
            .query()
            .execute(&mut **tx)
            .await
            .map_err(|e| match (StoreError::from(e), statement.on_conflict) {
                (StoreError::Conflict(_), Some(message)) => StoreError::Conflict(message.into()),
                (other, _) => other,
            })?;
    }
    Ok(())
}

/// Rows prepared for multi-row inserts.
#[derive(Default)]
struct Staged {
    complaints: Vec<Vec<Param>>,
    events: Vec<Vec<Param>>,
    search: Vec<(String, String)>,
}

impl Staged {
    #[allow(clippy::too_many_arguments)]
    fn event(
        &mut self,
        complaint_id: &str,
        seq: i64,
        action: &str,
        from_state: Option<&str>,
        to_state: &str,
        actor_id: &str,
        actor_name: &str,
        at: &str,
        payload: &serde_json::Value,
    ) {
        self.events.push(vec![
            Param::text(uuid::Uuid::now_v7().to_string()),
            Param::text(complaint_id),
            Param::Int(seq),
            Param::text(action),
            Param::opt_text(from_state.map(str::to_string)),
            Param::text(to_state),
            Param::text(actor_id),
            Param::text(actor_name),
            Param::text(at),
            Param::text(payload.to_string()),
        ]);
    }
}

/// `text` as one quoted lexeme of a `tsquery` (PostgreSQL's input syntax:
/// single quotes, a quote or backslash inside doubled or escaped).
fn tsquery_lexeme(text: &str) -> String {
    format!("'{}'", text.replace('\\', "\\\\").replace('\'', "''"))
}
