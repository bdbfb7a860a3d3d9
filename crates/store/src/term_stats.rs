//! Term statistics: how many complaints mention each analysis term, per
//! received day, organisation and business category.
//!
//! A background job segments each complaint once and adds it here
//! ([`Store::record_term_docs`]); hot-word and rising-word queries then sum a
//! few thousand rows of this table instead of reading every complaint text.
//! Counts follow the organisation a complaint was registered at.

use std::collections::HashMap;

use sqlx::FromRow;

use crate::orgs::like_prefix;
use crate::sql::{Param, Sql};
use crate::{Store, StoreError};

/// A complaint whose terms have not been counted yet.
#[derive(Debug, Clone, FromRow)]
pub struct PendingTermDoc {
    pub id: String,
    pub received_on: String,
    pub org_code: String,
    pub business_category: String,
    pub title: String,
    /// The text with personal data masked.
    pub content: String,
}

/// The distinct analysis terms of one complaint, ready to be counted.
#[derive(Debug, Clone)]
pub struct TermDoc {
    pub id: String,
    pub day: String,
    pub org_code: String,
    pub business_category: String,
    pub terms: Vec<String>,
}

/// Which complaints a statistics query covers. Dates are inclusive
/// `YYYY-MM-DD`.
#[derive(Debug, Clone)]
pub struct TermScope {
    /// Materialised path prefix of the organisation subtree (`/` = all).
    pub org_prefix: String,
    pub business_category: Option<String>,
    pub from: String,
    pub to: String,
}

#[derive(FromRow)]
struct TermCount {
    term: String,
    docs: i64,
}

#[derive(FromRow)]
struct IdNumber {
    id: String,
    number: String,
}

#[derive(FromRow)]
struct TermDayCount {
    term: String,
    day: String,
    docs: i64,
}

impl TermScope {
    /// The smallest term table that answers this scope: the whole-bank
    /// roll-up, the per-organisation roll-up, or the full table when a
    /// category is asked for.
    fn term_table(&self) -> &'static str {
        match (&self.business_category, self.org_prefix.as_str()) {
            (Some(_), _) => "term_stats",
            (None, "/") => "term_stats_day",
            (None, _) => "term_stats_org",
        }
    }

    /// `FROM <table> t [JOIN orgs] WHERE …` for this scope.
    fn push_from_where(&self, table: &str, q: &mut Sql) {
        q.push(&format!(" FROM {table} t"));
        let all_orgs = self.org_prefix == "/";
        if !all_orgs {
            q.push(" JOIN orgs o ON o.code = t.org_code");
        }
        let from = q.text(self.from.clone());
        let to = q.text(self.to.clone());
        q.push(&format!(" WHERE t.day >= {from} AND t.day <= {to}"));
        if !all_orgs {
            let p = q.text(like_prefix(&self.org_prefix));
            q.push(&format!(" AND o.path LIKE {p} ESCAPE '\\'"));
        }
        if let Some(cat) = &self.business_category {
            let p = q.text(cat.clone());
            q.push(&format!(" AND t.business_category = {p}"));
        }
    }
}

impl Store {
    /// Complaints not yet counted, oldest first.
    pub async fn pending_term_docs(&self, limit: i64) -> Result<Vec<PendingTermDoc>, StoreError> {
        Ok(sqlx::query_as::<_, PendingTermDoc>(
            "SELECT id, received_on, org_code, business_category, title, content
             FROM complaints WHERE terms_counted = 0 ORDER BY id LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Adds complaints to the statistics, in one transaction. A complaint
    /// already counted (by another instance, or an earlier run that crashed
    /// after committing) is skipped, so nothing is counted twice.
    pub async fn record_term_docs(&self, docs: &[TermDoc]) -> Result<usize, StoreError> {
        let mut tx = self.pool.begin().await?;
        let mut claimed = Vec::with_capacity(docs.len());
        for d in docs {
            let n = sqlx::query(
                "UPDATE complaints SET terms_counted = 1 WHERE id = $1 AND terms_counted = 0",
            )
            .bind(&d.id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n > 0 {
                claimed.push(d);
            }
        }
        add_term_counts(&mut tx, &claimed).await?;
        tx.commit().await?;
        Ok(claimed.len())
    }

    /// Adds term counts without claiming complaints: for loading the
    /// statistics of a history kept elsewhere (and for benchmarks of the
    /// queries at scale).
    pub async fn add_term_counts(&self, docs: &[TermDoc]) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        add_term_counts(&mut tx, &docs.iter().collect::<Vec<_>>()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Complaints not yet counted (shown while the statistics catch up).
    pub async fn uncounted_term_docs(&self) -> Result<i64, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT COUNT(*) FROM complaints WHERE terms_counted = 0")
                .fetch_one(&self.pool)
                .await?,
        )
    }

    /// Complaints counted in the scope.
    pub async fn scope_doc_count(&self, scope: &TermScope) -> Result<i64, StoreError> {
        let mut q = Sql::new("SELECT CAST(COALESCE(SUM(t.docs), 0) AS BIGINT)");
        scope.push_from_where("doc_stats", &mut q);
        Ok(q.query_scalar_i64().fetch_one(&self.pool).await?)
    }

    /// Documents per term in the scope, most frequent first; `limit` None
    /// returns every term (for rising-word tests).
    pub async fn term_doc_counts(
        &self,
        scope: &TermScope,
        limit: Option<i64>,
    ) -> Result<Vec<(String, i64)>, StoreError> {
        let mut q = Sql::new("SELECT t.term AS term, CAST(SUM(t.docs) AS BIGINT) AS docs");
        scope.push_from_where(scope.term_table(), &mut q);
        q.push(" GROUP BY t.term ORDER BY docs DESC, t.term");
        if let Some(n) = limit {
            let p = q.int(n);
            q.push(&format!(" LIMIT {p}"));
        }
        let rows: Vec<TermCount> = q.query_as().fetch_all(&self.pool).await?;
        Ok(rows.into_iter().map(|r| (r.term, r.docs)).collect())
    }

    /// Daily documents of the given terms in the scope (for sparklines).
    pub async fn term_daily_counts(
        &self,
        scope: &TermScope,
        terms: &[String],
    ) -> Result<Vec<(String, String, i64)>, StoreError> {
        if terms.is_empty() {
            return Ok(Vec::new());
        }
        let mut q =
            Sql::new("SELECT t.term AS term, t.day AS day, CAST(SUM(t.docs) AS BIGINT) AS docs");
        scope.push_from_where(scope.term_table(), &mut q);
        let placeholders: Vec<String> = terms.iter().map(|t| q.text(t.clone())).collect();
        q.push(&format!(" AND t.term IN ({})", placeholders.join(", ")));
        q.push(" GROUP BY t.term, t.day ORDER BY t.day");
        let rows: Vec<TermDayCount> = q.query_as().fetch_all(&self.pool).await?;
        Ok(rows.into_iter().map(|r| (r.term, r.day, r.docs)).collect())
    }

    /// Daily complaints counted in the scope.
    pub async fn daily_doc_counts(
        &self,
        scope: &TermScope,
    ) -> Result<Vec<(String, i64)>, StoreError> {
        let mut q = Sql::new("SELECT t.day AS term, CAST(SUM(t.docs) AS BIGINT) AS docs");
        scope.push_from_where("doc_stats", &mut q);
        q.push(" GROUP BY t.day ORDER BY t.day");
        let rows: Vec<TermCount> = q.query_as().fetch_all(&self.pool).await?;
        Ok(rows.into_iter().map(|r| (r.term, r.docs)).collect())
    }
}

/// A complaint as the corpus analyses (clusters) read it.
#[derive(Debug, Clone, FromRow)]
pub struct AnalysisDoc {
    pub id: String,
    pub number: String,
    pub received_on: String,
    pub org_code: String,
    pub business_category: String,
    pub title: String,
    /// The text with personal data masked.
    pub content: String,
}

impl Store {
    /// Complaints received in the scope, newest first, at most `limit`.
    pub async fn analysis_docs(
        &self,
        scope: &TermScope,
        limit: i64,
    ) -> Result<Vec<AnalysisDoc>, StoreError> {
        let mut q = Sql::new(
            "SELECT c.id, c.number, c.received_on, c.org_code, c.business_category, c.title, c.content
             FROM complaints c",
        );
        let all_orgs = scope.org_prefix == "/";
        if !all_orgs {
            q.push(" JOIN orgs o ON o.code = c.org_code");
        }
        let from = q.text(scope.from.clone());
        let to = q.text(scope.to.clone());
        q.push(&format!(
            " WHERE c.received_on >= {from} AND c.received_on <= {to}"
        ));
        if !all_orgs {
            let p = q.text(like_prefix(&scope.org_prefix));
            q.push(&format!(" AND o.path LIKE {p} ESCAPE '\\'"));
        }
        if let Some(cat) = &scope.business_category {
            let p = q.text(cat.clone());
            q.push(&format!(" AND c.business_category = {p}"));
        }
        let p = q.int(limit);
        q.push(&format!(" ORDER BY c.received_at DESC LIMIT {p}"));
        Ok(q.query_as().fetch_all(&self.pool).await?)
    }
}

impl Store {
    /// Readable numbers of the given complaint ids (for links in analyses
    /// whose members were already scoped).
    pub async fn complaint_numbers(
        &self,
        ids: &[String],
    ) -> Result<HashMap<String, String>, StoreError> {
        let mut out = HashMap::new();
        for chunk in ids.chunks(500) {
            let mut q = Sql::new("SELECT id, number FROM complaints WHERE id IN (");
            let placeholders: Vec<String> = chunk.iter().map(|id| q.text(id.clone())).collect();
            q.push(&placeholders.join(", ")).push(")");
            let rows: Vec<IdNumber> = q.query_as().fetch_all(&self.pool).await?;
            out.extend(rows.into_iter().map(|r| (r.id, r.number)));
        }
        Ok(out)
    }
}

/// Adds the counts of `docs` to each statistics table, many rows per
/// statement (keys are distinct within a statement, as PostgreSQL requires).
async fn add_term_counts(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    docs: &[&TermDoc],
) -> Result<(), StoreError> {
    let mut terms: HashMap<[&str; 4], i64> = HashMap::new();
    let mut by_org: HashMap<[&str; 3], i64> = HashMap::new();
    let mut by_day: HashMap<[&str; 2], i64> = HashMap::new();
    let mut totals: HashMap<[&str; 3], i64> = HashMap::new();
    for d in docs {
        *totals
            .entry([&d.day, &d.org_code, &d.business_category])
            .or_default() += 1;
        for t in &d.terms {
            *terms
                .entry([&d.day, &d.org_code, &d.business_category, t])
                .or_default() += 1;
            *by_org.entry([&d.day, &d.org_code, t]).or_default() += 1;
            *by_day.entry([&d.day, t]).or_default() += 1;
        }
    }
    upsert_counts(
        tx,
        "doc_stats",
        &["day", "org_code", "business_category"],
        totals,
    )
    .await?;
    upsert_counts(
        tx,
        "term_stats",
        &["day", "org_code", "business_category", "term"],
        terms,
    )
    .await?;
    upsert_counts(tx, "term_stats_org", &["day", "org_code", "term"], by_org).await?;
    upsert_counts(tx, "term_stats_day", &["day", "term"], by_day).await?;
    Ok(())
}

/// Rows per upsert statement: well under both backends' limits on bound
/// parameters.
const UPSERT_ROWS: usize = 500;

async fn upsert_counts<const N: usize>(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    table: &str,
    keys: &[&str; N],
    counts: HashMap<[&str; N], i64>,
) -> Result<(), StoreError> {
    let mut columns: Vec<&str> = keys.to_vec();
    columns.push("docs");
    let rows: Vec<Vec<Param>> = counts
        .into_iter()
        .map(|(key, n)| {
            let mut row: Vec<Param> = key.iter().map(|k| Param::text(*k)).collect();
            row.push(Param::Int(n));
            row
        })
        .collect();
    for chunk in rows.chunks(UPSERT_ROWS) {
        let mut q = Sql::insert_many(table, &columns, chunk);
        q.push(&format!(
            " ON CONFLICT ({}) DO UPDATE SET docs = {table}.docs + excluded.docs",
            keys.join(", ")
        ));
        q.query().execute(&mut **tx).await?;
    }
    Ok(())
}
