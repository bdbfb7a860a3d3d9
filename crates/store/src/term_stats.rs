//! Term statistics: how many complaints mention each analysis term, per
//! received day, organisation, business category and channel (a
//! [`TermCell`]).
//!
//! A background job segments each complaint once and adds it here
//! ([`Store::record_term_docs`]). The service keeps these counts in memory
//! and answers hot-word and rising-word queries from there; each instance
//! reloads only the days whose version in `term_stats_days` changed
//! ([`Store::term_stats_days`]). Counts follow the organisation a complaint
//! was registered at.

use std::collections::HashMap;

use sqlx::{AssertSqlSafe, FromRow};

use crate::db::Backend;
use crate::orgs::like_prefix;
use crate::sql::Sql;
use crate::{Store, StoreError};

/// A complaint whose terms have not been counted yet.
#[derive(Debug, Clone, FromRow)]
pub struct PendingTermDoc {
    pub id: String,
    pub received_on: String,
    pub org_code: String,
    pub business_category: String,
    pub channel: String,
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
    pub channel: String,
    pub terms: Vec<String>,
}

/// Which complaints a statistics query covers. Dates are inclusive
/// `YYYY-MM-DD`.
#[derive(Debug, Clone)]
pub struct TermScope {
    /// Materialised path prefix of the organisation subtree (`/` = all).
    pub org_prefix: String,
    pub business_category: Option<String>,
    pub channel: Option<String>,
    pub from: String,
    pub to: String,
}

#[derive(FromRow)]
struct IdNumber {
    id: String,
    number: String,
}

/// A received day of the statistics and how often it has changed: an
/// in-memory copy of the day is current while its version matches.
#[derive(Debug, Clone, Default, PartialEq, Eq, FromRow)]
pub struct TermStatsDay {
    pub day: String,
    /// Complaints counted for the day.
    pub docs: i64,
    /// Incremented by every counting batch that adds to the day.
    pub version: i64,
}

/// The complaints of one received day, organisation, business category and
/// channel, and how many of them mention each term.
#[derive(Debug, Clone, Default, PartialEq, Eq, FromRow)]
pub struct TermCell {
    pub day: String,
    pub org_code: String,
    pub business_category: String,
    pub channel: String,
    pub docs: i64,
    /// `term<TAB>docs` lines, sorted by term ([`TermCell::postings`]).
    pub terms: String,
}

impl TermCell {
    /// `(term, docs)` of every term counted in the cell; lines that do not
    /// parse (never written by this module) are skipped.
    pub fn postings(&self) -> impl Iterator<Item = (&str, i64)> {
        self.terms.lines().filter_map(|line| {
            let (term, n) = line.split_once('\t')?;
            Some((term, n.parse().ok()?))
        })
    }

    /// Adds `more` to the cell's counts, keeping the lines sorted by term.
    fn add(&mut self, docs: i64, more: &HashMap<&str, i64>) {
        let mut merged: std::collections::BTreeMap<&str, i64> = self.postings().collect();
        for (term, n) in more {
            *merged.entry(term).or_default() += n;
        }
        let mut text = String::with_capacity(self.terms.len() + more.len() * 12);
        for (term, n) in merged {
            text.push_str(term);
            text.push('\t');
            text.push_str(&n.to_string());
            text.push('\n');
        }
        self.terms = text;
        self.docs += docs;
    }
}

impl Store {
    /// Complaints not yet counted, oldest first.
    pub async fn pending_term_docs(&self, limit: i64) -> Result<Vec<PendingTermDoc>, StoreError> {
        Ok(sqlx::query_as::<_, PendingTermDoc>(
            "SELECT id, received_on, org_code, business_category, channel, title, content
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
        add_term_counts(&mut tx, self.backend(), &claimed).await?;
        tx.commit().await?;
        Ok(claimed.len())
    }

    /// Adds term counts without claiming complaints: for loading the
    /// statistics of a history kept elsewhere (and for benchmarks of the
    /// queries at scale).
    pub async fn add_term_counts(&self, docs: &[TermDoc]) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        add_term_counts(&mut tx, self.backend(), &docs.iter().collect::<Vec<_>>()).await?;
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

    /// Every day of the statistics with its version, oldest first: what an
    /// in-memory copy compares itself against.
    pub async fn term_stats_days(&self) -> Result<Vec<TermStatsDay>, StoreError> {
        Ok(sqlx::query_as::<_, TermStatsDay>(
            "SELECT day, docs, version FROM term_stats_days ORDER BY day",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    /// The cells of the days `from..=to` (`YYYY-MM-DD`).
    pub async fn term_cells(&self, from: &str, to: &str) -> Result<Vec<TermCell>, StoreError> {
        Ok(sqlx::query_as::<_, TermCell>(
            "SELECT day, org_code, business_category, channel, docs, terms FROM term_cells
             WHERE day >= $1 AND day <= $2",
        )
        .bind(from)
        .bind(to)
        .fetch_all(&self.pool)
        .await?)
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
        if let Some(channel) = &scope.channel {
            let p = q.text(channel.clone());
            q.push(&format!(" AND c.channel = {p}"));
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
/// Adds the counts of `docs` to their cells and days: each touched cell is
/// read (locked on PostgreSQL, where several writers could interleave),
/// merged and written back once.
async fn add_term_counts(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    backend: Backend,
    docs: &[&TermDoc],
) -> Result<(), StoreError> {
    type Key<'a> = (&'a str, &'a str, &'a str, &'a str);
    let mut cells: HashMap<Key<'_>, (i64, HashMap<&str, i64>)> = HashMap::new();
    let mut days: HashMap<&str, i64> = HashMap::new();
    for d in docs {
        let cell = cells
            .entry((&d.day, &d.org_code, &d.business_category, &d.channel))
            .or_default();
        cell.0 += 1;
        for t in &d.terms {
            // The line format has no escape: a term with a tab or a line
            // break (the segmenter never produces one) is not counted.
            if !t.is_empty() && !t.contains(['\t', '\n', '\r']) {
                *cell.1.entry(t).or_default() += 1;
            }
        }
        *days.entry(&d.day).or_default() += 1;
    }
    let lock = match backend {
        Backend::Postgres => " FOR UPDATE",
        Backend::Sqlite => "",
    };
    let mut keys: Vec<Key<'_>> = cells.keys().copied().collect();
    // A fixed order, so two writers lock cells in the same order.
    keys.sort_unstable();
    for key in keys {
        let (n, terms) = &cells[&key];
        let stored: Option<TermCell> = sqlx::query_as(AssertSqlSafe(format!(
            "SELECT day, org_code, business_category, channel, docs, terms FROM term_cells
             WHERE day = $1 AND org_code = $2 AND business_category = $3 AND channel = $4{lock}"
        )))
        .bind(key.0)
        .bind(key.1)
        .bind(key.2)
        .bind(key.3)
        .fetch_optional(&mut **tx)
        .await?;
        let mut cell = stored.unwrap_or_else(|| TermCell {
            day: key.0.to_string(),
            org_code: key.1.to_string(),
            business_category: key.2.to_string(),
            channel: key.3.to_string(),
            ..TermCell::default()
        });
        cell.add(*n, terms);
        sqlx::query(
            "INSERT INTO term_cells (day, org_code, business_category, channel, docs, terms)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (day, org_code, business_category, channel)
             DO UPDATE SET docs = excluded.docs, terms = excluded.terms",
        )
        .bind(&cell.day)
        .bind(&cell.org_code)
        .bind(&cell.business_category)
        .bind(&cell.channel)
        .bind(cell.docs)
        .bind(&cell.terms)
        .execute(&mut **tx)
        .await?;
    }
    for (day, n) in days {
        sqlx::query(
            "INSERT INTO term_stats_days (day, docs, version) VALUES ($1, $2, 1)
             ON CONFLICT (day) DO UPDATE SET docs = term_stats_days.docs + excluded.docs,
                 version = term_stats_days.version + 1",
        )
        .bind(day)
        .bind(n)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_merge_counts_in_term_order() {
        let mut cell = TermCell::default();
        cell.add(2, &HashMap::from([("年费", 2), ("催收", 1)]));
        cell.add(1, &HashMap::from([("年费", 1), ("分期", 1)]));
        assert_eq!(cell.docs, 3);
        assert_eq!(
            cell.postings().collect::<Vec<_>>(),
            vec![("催收", 1), ("分期", 1), ("年费", 3)]
        );
        assert_eq!(cell.terms, "催收\t1\n分期\t1\n年费\t3\n");
    }
}
