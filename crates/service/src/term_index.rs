//! The term statistics in memory, so that a hot-word or rising-word query
//! over a million complaints is a pass over a few hundred thousand integers
//! rather than a `GROUP BY` over millions of rows.
//!
//! The stored statistics (`term_cells`) stay the source of truth. Before answering, [`TermIndex::refresh`] reads the per-day versions
//! (`term_stats_days`, one small row per day) and reloads only the days whose
//! version it has not seen, so every instance of a cluster answers from the
//! same counts whichever instance counted them, and a fresh instance loads
//! everything once.
//!
//! Days are stored as cells (organisation × category × channel) of
//! `(term id, docs)` postings; a query walks the cells of its days, skips
//! those outside its organisation subtree, category or channel, and adds
//! postings into a dense counter indexed by term id.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::sync::RwLock;

use rustc_hash::FxHashMap;

use xiaobao_domain::org::Scope;
use xiaobao_store::term_stats::{TermCell, TermScope, TermStatsDay};
use xiaobao_store::{Store, StoreError};

/// Days reloaded per statement: bounds the rows held at once while a fresh
/// instance loads a year of statistics.
const DAYS_PER_LOAD: usize = 8;

/// Strings numbered in order of first appearance.
#[derive(Debug, Default)]
struct Interner {
    names: Vec<String>,
    ids: FxHashMap<String, u32>,
}

impl Interner {
    fn id(&mut self, name: &str) -> u32 {
        if let Some(&id) = self.ids.get(name) {
            return id;
        }
        let id = self.names.len() as u32;
        self.names.push(name.to_string());
        self.ids.insert(name.to_string(), id);
        id
    }

    fn get(&self, name: &str) -> Option<u32> {
        self.ids.get(name).copied()
    }

    fn name(&self, id: u32) -> &str {
        &self.names[id as usize]
    }

    fn len(&self) -> usize {
        self.names.len()
    }
}

/// The complaints of one day, organisation, category and channel.
#[derive(Debug, Clone)]
struct Cell {
    org: u32,
    category: u32,
    channel: u32,
    docs: u32,
    /// This cell's slice of the day's postings.
    postings: Range<u32>,
}

/// One received day.
#[derive(Debug, Default)]
struct Day {
    version: TermStatsDay,
    cells: Vec<Cell>,
    /// `(term id, docs)`, grouped by cell.
    postings: Vec<(u32, u32)>,
}

impl Day {
    fn postings_of(&self, cell: &Cell) -> &[(u32, u32)] {
        &self.postings[cell.postings.start as usize..cell.postings.end as usize]
    }
}

#[derive(Debug, Default)]
struct Data {
    terms: Interner,
    orgs: Interner,
    categories: Interner,
    channels: Interner,
    /// Materialised path of each organisation id (empty when unknown).
    org_paths: Vec<String>,
    days: BTreeMap<String, Day>,
}

/// Counts of a scope: complaints, and complaints per term id.
#[derive(Debug, Clone)]
pub struct Tally {
    pub docs: u64,
    counts: Vec<u32>,
}

/// The in-memory term statistics; cheap to share, safe to query from many
/// tasks while one refreshes.
#[derive(Debug, Default)]
pub struct TermIndex {
    /// One refresh at a time: a second caller waits and then finds the
    /// days current instead of loading them again.
    refreshing: tokio::sync::Mutex<()>,
    data: RwLock<Data>,
}

/// The complaints counted per day (for sparklines), and the given terms'
/// counts per day.
#[derive(Debug, Clone, Default)]
pub struct DailyCounts {
    pub days: Vec<String>,
    pub docs: Vec<u64>,
    pub terms: BTreeMap<String, Vec<u64>>,
}

impl TermIndex {
    /// Brings the index up to the stored statistics: reloads every day whose
    /// version changed since the last refresh (all of them the first time)
    /// and the organisation tree. Returns how many days were reloaded.
    pub async fn refresh(&self, store: &Store) -> Result<usize, StoreError> {
        let _one = self.refreshing.lock().await;
        let orgs = store.orgs_in_scope(&Scope::All).await?;
        {
            let mut data = self.write();
            for org in &orgs {
                let id = data.orgs.id(&org.code) as usize;
                if data.org_paths.len() <= id {
                    data.org_paths.resize(id + 1, String::new());
                }
                data.org_paths[id].clone_from(&org.path);
            }
        }
        let stored = store.term_stats_days().await?;
        let stale: Vec<TermStatsDay> = {
            let data = self.read();
            stored
                .into_iter()
                .filter(|d| data.days.get(&d.day).map(|day| &day.version) != Some(d))
                .collect()
        };
        for run in day_runs(&stale) {
            let from = &run[0].day;
            let to = &run[run.len() - 1].day;
            let cells = store.term_cells(from, to).await?;
            self.write().replace_days(run, &cells);
        }
        Ok(stale.len())
    }

    /// Complaints and per-term counts of a scope.
    pub fn tally(&self, scope: &TermScope) -> Tally {
        let data = self.read();
        let mut tally = Tally {
            docs: 0,
            counts: vec![0; data.terms.len()],
        };
        data.each_cell(scope, |day, cell| {
            tally.docs += u64::from(cell.docs);
            for &(term, n) in day.postings_of(cell) {
                tally.counts[term as usize] += n;
            }
        });
        tally
    }

    /// The `top` most counted terms of a tally, most first (ties by term),
    /// leaving out `excluded`.
    pub fn top(&self, tally: &Tally, top: usize, excluded: &[String]) -> Vec<(String, u64)> {
        let data = self.read();
        let mut ids: Vec<u32> = (0..tally.counts.len() as u32)
            .filter(|&id| tally.counts[id as usize] > 0)
            .collect();
        let excluded: Vec<u32> = excluded.iter().filter_map(|t| data.terms.get(t)).collect();
        ids.retain(|id| !excluded.contains(id));
        let order = |a: &u32, b: &u32| {
            tally.counts[*b as usize]
                .cmp(&tally.counts[*a as usize])
                .then_with(|| data.terms.name(*a).cmp(data.terms.name(*b)))
        };
        if ids.len() > top {
            ids.select_nth_unstable_by(top, order);
            ids.truncate(top);
        }
        ids.sort_unstable_by(order);
        ids.into_iter()
            .map(|id| {
                (
                    data.terms.name(id).to_string(),
                    u64::from(tally.counts[id as usize]),
                )
            })
            .collect()
    }

    /// Every term counted in either tally, with both counts.
    pub fn pairs(&self, window: &Tally, baseline: &Tally) -> Vec<(String, u64, u64)> {
        let data = self.read();
        let at = |t: &Tally, id: usize| u64::from(t.counts.get(id).copied().unwrap_or(0));
        (0..window.counts.len().max(baseline.counts.len()))
            .filter_map(|id| {
                let (w, b) = (at(window, id), at(baseline, id));
                (w > 0 || b > 0).then(|| (data.terms.name(id as u32).to_string(), w, b))
            })
            .collect()
    }

    /// Complaints per day of a scope, and the given terms' daily counts.
    pub fn daily(&self, scope: &TermScope, terms: &[String]) -> DailyCounts {
        let data = self.read();
        let mut out = DailyCounts::default();
        // Term id → position in `terms`, for a lookup per posting without
        // hashing.
        const NOT_WANTED: u32 = u32::MAX;
        let mut slot = vec![NOT_WANTED; data.terms.len()];
        let mut wanted: Vec<&String> = Vec::new();
        for t in terms {
            if let Some(id) = data.terms.get(t)
                && slot[id as usize] == NOT_WANTED
            {
                slot[id as usize] = wanted.len() as u32;
                wanted.push(t);
            }
        }
        let mut series: Vec<Vec<u64>> = vec![Vec::new(); wanted.len()];
        data.each_cell(scope, |day, cell| {
            if out.days.last() != Some(&day.version.day) {
                out.days.push(day.version.day.clone());
                out.docs.push(0);
                for s in &mut series {
                    s.push(0);
                }
            }
            let i = out.days.len() - 1;
            out.docs[i] += u64::from(cell.docs);
            for &(term, n) in day.postings_of(cell) {
                let k = slot[term as usize];
                if k != NOT_WANTED {
                    series[k as usize][i] += u64::from(n);
                }
            }
        });
        out.terms = wanted.into_iter().cloned().zip(series).collect();
        out
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Data> {
        // A panic while holding the lock leaves whole days in place (each
        // day is swapped in one assignment), so the data stays usable.
        self.data.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Data> {
        self.data.write().unwrap_or_else(|e| e.into_inner())
    }
}

impl Data {
    /// Calls `f` with every cell inside the scope, days in order.
    fn each_cell(&self, scope: &TermScope, mut f: impl FnMut(&Day, &Cell)) {
        // A category or channel never counted: nothing matches.
        let category = match &scope.business_category {
            None => None,
            Some(c) => match self.categories.get(c) {
                Some(id) => Some(id),
                None => return,
            },
        };
        let channel = match &scope.channel {
            None => None,
            Some(c) => match self.channels.get(c) {
                Some(id) => Some(id),
                None => return,
            },
        };
        let in_scope: Vec<bool> = self
            .org_paths
            .iter()
            .map(|p| !p.is_empty() && p.starts_with(scope.org_prefix.as_str()))
            .collect();
        for day in self
            .days
            .range(scope.from.clone()..=scope.to.clone())
            .map(|(_, d)| d)
        {
            for cell in &day.cells {
                if category.is_some_and(|c| c != cell.category)
                    || channel.is_some_and(|c| c != cell.channel)
                {
                    continue;
                }
                if !in_scope.get(cell.org as usize).copied().unwrap_or(false) {
                    continue;
                }
                f(day, cell);
            }
        }
    }

    /// Replaces the given days with freshly loaded cells.
    fn replace_days(&mut self, versions: &[TermStatsDay], cells: &[TermCell]) {
        let mut days: HashMap<&str, Day> = versions
            .iter()
            .map(|v| {
                let day = Day {
                    version: v.clone(),
                    ..Day::default()
                };
                (v.day.as_str(), day)
            })
            .collect();
        for c in cells {
            let Some(day) = days.get_mut(c.day.as_str()) else {
                continue;
            };
            let start = day.postings.len() as u32;
            for (term, n) in c.postings() {
                let id = self.terms.id(term);
                day.postings.push((id, count(n)));
            }
            day.cells.push(Cell {
                org: self.orgs.id(&c.org_code),
                category: self.categories.id(&c.business_category),
                channel: self.channels.id(&c.channel),
                docs: count(c.docs),
                postings: start..day.postings.len() as u32,
            });
        }
        for (name, day) in days {
            self.days.insert(name.to_string(), day);
        }
    }
}

fn count(n: i64) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}

/// Groups days into runs of at most [`DAYS_PER_LOAD`] for range queries.
fn day_runs(days: &[TermStatsDay]) -> impl Iterator<Item = &[TermStatsDay]> {
    days.chunks(DAYS_PER_LOAD)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(day: &str, docs: i64) -> TermStatsDay {
        TermStatsDay {
            day: day.into(),
            docs,
            version: 1,
        }
    }

    fn cell(day: &str, org: &str, cat: &str, docs: i64, terms: &[(&str, i64)]) -> TermCell {
        TermCell {
            day: day.into(),
            org_code: org.into(),
            business_category: cat.into(),
            // Category A arrives by phone, B by the app.
            channel: if cat == "A" { "电话" } else { "手机银行" }.into(),
            docs,
            terms: terms.iter().map(|(t, n)| format!("{t}\t{n}\n")).collect(),
        }
    }

    fn scope(prefix: &str, cat: Option<&str>, from: &str, to: &str) -> TermScope {
        TermScope {
            org_prefix: prefix.into(),
            business_category: cat.map(str::to_string),
            channel: None,
            from: from.into(),
            to: to.into(),
        }
    }

    /// Two days, two branches (HZ with an outlet, NB), two categories.
    fn index() -> TermIndex {
        let index = TermIndex::default();
        {
            let mut data = index.write();
            for (code, path) in [
                ("HO", "/HO/"),
                ("HZ", "/HO/HZ/"),
                ("HZ01", "/HO/HZ/HZ01/"),
                ("NB", "/HO/NB/"),
            ] {
                let id = data.orgs.id(code) as usize;
                data.org_paths.resize(id + 1, String::new());
                data.org_paths[id] = path.into();
            }
            data.replace_days(
                &[version("2026-11-01", 6), version("2026-11-02", 3)],
                &[
                    cell("2026-11-01", "HZ01", "A", 3, &[("催收", 1), ("年费", 3)]),
                    cell("2026-11-01", "NB", "A", 1, &[("年费", 1)]),
                    cell("2026-11-01", "NB", "B", 2, &[("理财", 2)]),
                    cell("2026-11-02", "HZ", "B", 2, &[("理财", 2)]),
                    cell("2026-11-02", "NB", "A", 1, &[("催收", 1)]),
                ],
            );
        }
        index
    }

    fn top(index: &TermIndex, s: &TermScope) -> (u64, Vec<(String, u64)>) {
        let t = index.tally(s);
        (t.docs, index.top(&t, 10, &[]))
    }

    #[test]
    fn scopes_select_days_orgs_and_categories() {
        let index = index();
        let all = top(&index, &scope("/", None, "2026-11-01", "2026-11-02"));
        assert_eq!(all.0, 9);
        assert_eq!(
            all.1,
            vec![
                ("年费".to_string(), 4),
                ("理财".to_string(), 4),
                ("催收".to_string(), 2)
            ]
        );
        let hz = top(&index, &scope("/HO/HZ/", None, "2026-11-01", "2026-11-02"));
        assert_eq!(hz.0, 5, "the branch and its outlet");
        assert_eq!(
            hz.1,
            vec![
                ("年费".to_string(), 3),
                ("理财".to_string(), 2),
                ("催收".to_string(), 1)
            ]
        );
        let b = top(&index, &scope("/", Some("B"), "2026-11-01", "2026-11-01"));
        assert_eq!((b.0, b.1), (2, vec![("理财".to_string(), 2)]));
        let unknown = top(&index, &scope("/", Some("Z"), "2026-11-01", "2026-11-02"));
        assert_eq!(unknown, (0, vec![]));
        let app = TermScope {
            channel: Some("手机银行".into()),
            ..scope("/", None, "2026-11-01", "2026-11-02")
        };
        assert_eq!(top(&index, &app), (4, vec![("理财".to_string(), 4)]));
        let letters = TermScope {
            channel: Some("信函".into()),
            ..scope("/", None, "2026-11-01", "2026-11-02")
        };
        assert_eq!(top(&index, &letters), (0, vec![]));
        let nothing = top(
            &index,
            &scope(Scope::NOTHING, None, "2026-11-01", "2026-11-02"),
        );
        assert_eq!(nothing, (0, vec![]));
        let later = top(&index, &scope("/", None, "2026-11-03", "2026-12-31"));
        assert_eq!(later, (0, vec![]));
    }

    #[test]
    fn top_cuts_and_excludes() {
        let index = index();
        let t = index.tally(&scope("/", None, "2026-11-01", "2026-11-02"));
        assert_eq!(index.top(&t, 1, &[]), vec![("年费".to_string(), 4)]);
        assert_eq!(
            index.top(&t, 1, &["年费".to_string()]),
            vec![("理财".to_string(), 4)]
        );
    }

    #[test]
    fn a_reloaded_day_replaces_the_old_counts() {
        let index = index();
        index.write().replace_days(
            &[TermStatsDay {
                version: 2,
                ..version("2026-11-02", 4)
            }],
            &[
                cell("2026-11-02", "HZ", "B", 3, &[("理财", 3)]),
                cell("2026-11-02", "NB", "A", 1, &[("催收", 1)]),
            ],
        );
        let day = top(&index, &scope("/", None, "2026-11-02", "2026-11-02"));
        assert_eq!(
            day,
            (4, vec![("理财".to_string(), 3), ("催收".to_string(), 1)])
        );
        let first = top(&index, &scope("/", None, "2026-11-01", "2026-11-01"));
        assert_eq!(first.0, 6, "other days are untouched");
    }

    #[test]
    fn pairs_and_daily_series() {
        let index = index();
        let w = index.tally(&scope("/", None, "2026-11-02", "2026-11-02"));
        let b = index.tally(&scope("/", None, "2026-11-01", "2026-11-01"));
        let mut pairs = index.pairs(&w, &b);
        pairs.sort();
        assert_eq!(
            pairs,
            vec![
                ("催收".to_string(), 1, 1),
                ("年费".to_string(), 0, 4),
                ("理财".to_string(), 2, 2)
            ]
        );
        let daily = index.daily(
            &scope("/HO/NB/", None, "2026-11-01", "2026-11-02"),
            &["催收".to_string(), "理财".to_string(), "没有".to_string()],
        );
        assert_eq!(daily.days, vec!["2026-11-01", "2026-11-02"]);
        assert_eq!(daily.docs, vec![3, 1]);
        assert_eq!(daily.terms["催收"], vec![0, 1]);
        assert_eq!(daily.terms["理财"], vec![2, 0]);
        assert!(!daily.terms.contains_key("没有"));
    }
}
