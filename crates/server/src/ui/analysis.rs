//! 智能分析: hot words (word cloud and table), fastest-rising words with
//! sparklines, and same-event clusters with links to their complaints, for the
//! user's organisation subtree.

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use xiaobao_domain::taxonomy::Dimension;
use xiaobao_service::analysis::{HotTerms, RisingTerms};
use xiaobao_text::ClusterReport;

use super::{Chrome, error_page, render, store_error_page};
use crate::AppState;
use crate::api::analysis::{AnalysisQuery, analysis_error};
use crate::auth::PageUser;

pub fn router() -> Router<AppState> {
    Router::new().route("/analysis", get(page))
}

/// A rising word as shown: figures plus a sparkline.
pub struct RisingRow {
    pub term: String,
    pub window_docs: usize,
    pub baseline_docs: usize,
    pub growth: String,
    pub score: String,
    pub significant: bool,
    pub sparkline: String,
}

/// SVG polyline points of a daily series in a `width`×`height` box.
pub fn sparkline_points(series: &[i64], width: f64, height: f64) -> String {
    let max = series.iter().copied().max().unwrap_or(0).max(1) as f64;
    let step = if series.len() > 1 {
        width / (series.len() - 1) as f64
    } else {
        0.0
    };
    series
        .iter()
        .enumerate()
        .map(|(i, v)| {
            format!(
                "{:.1},{:.1}",
                i as f64 * step,
                height - 1.0 - (*v as f64 / max) * (height - 2.0)
            )
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Rows of the rising-word table.
pub fn rising_rows(r: &RisingTerms) -> Vec<RisingRow> {
    r.report
        .terms
        .iter()
        .map(|t| RisingRow {
            term: t.term.clone(),
            window_docs: t.window_docs,
            baseline_docs: t.baseline_docs,
            growth: format!("{:.1}", t.growth),
            score: if t.score >= 1e6 {
                "极高".into()
            } else {
                format!("{:.1}", t.score)
            },
            significant: t.significant,
            sparkline: r
                .daily
                .get(&t.term)
                .map(|s| sparkline_points(s, 120.0, 24.0))
                .unwrap_or_default(),
        })
        .collect()
}

/// A cluster as shown.
struct ClusterRow {
    rank: usize,
    size: usize,
    span: String,
    orgs: String,
    terms: String,
    major: bool,
    members: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "analysis.html")]
struct AnalysisPage {
    chrome: Chrome,
    orgs: Vec<(String, String)>,
    categories: Vec<String>,
    channels: Vec<String>,
    org: String,
    category: String,
    channel: String,
    hot: HotTerms,
    cloud_json: String,
    rising: Vec<RisingRow>,
    rising_report: RisingTerms,
    clusters: Vec<ClusterRow>,
    cluster_docs: usize,
    uncounted: i64,
}

async fn page(
    State(state): State<AppState>,
    PageUser(auth): PageUser,
    Query(q): Query<AnalysisQuery>,
) -> Response {
    let filter = q.filter();
    let (from, to) = q.period();
    let services = &state.services;
    let hot = match services
        .hot_terms(&auth.actor, &filter, from, to, q.top.unwrap_or(80))
        .await
    {
        Ok(h) => h,
        Err(e) => {
            let e = analysis_error(e);
            return error_page(e.status, "查询条件有误", &e.message);
        }
    };
    let mut rising_options = q.rising_options();
    if q.as_of.is_none() {
        rising_options.as_of = to;
    }
    rising_options.top = 20;
    let rising_report = match services
        .rising_terms(&auth.actor, &filter, &rising_options)
        .await
    {
        Ok(r) => r,
        Err(e) => {
            let e = analysis_error(e);
            return error_page(e.status, "查询条件有误", &e.message);
        }
    };
    let report: ClusterReport = match services
        .complaint_clusters(&auth.actor, &filter, from, to, q.min_size.unwrap_or(3))
        .await
    {
        Ok(c) => c,
        Err(e) => {
            let e = analysis_error(e);
            return error_page(e.status, "查询条件有误", &e.message);
        }
    };
    let orgs = match state.store.list_orgs(&auth.actor).await {
        Ok(o) => o,
        Err(e) => return store_error_page(e),
    };
    let org_names: HashMap<&str, &str> = orgs
        .iter()
        .map(|o| (o.code.as_str(), o.name.as_str()))
        .collect();
    let numbers = match state
        .store
        .complaint_numbers(
            &report
                .clusters
                .iter()
                .take(20)
                .flat_map(|c| c.member_ids.iter().take(10).cloned())
                .collect::<Vec<_>>(),
        )
        .await
    {
        Ok(n) => n,
        Err(e) => return store_error_page(e),
    };
    let clusters = report
        .clusters
        .iter()
        .take(20)
        .map(|c| ClusterRow {
            rank: c.rank,
            size: c.size,
            span: if c.first_date == c.last_date {
                c.first_date.to_string()
            } else {
                format!("{} 至 {}", c.first_date, c.last_date)
            },
            orgs: c
                .orgs
                .iter()
                .take(4)
                .map(|o| {
                    format!(
                        "{} {}",
                        org_names.get(o.org.as_str()).unwrap_or(&o.org.as_str()),
                        o.count
                    )
                })
                .collect::<Vec<_>>()
                .join("、"),
            terms: c
                .top_terms
                .iter()
                .map(|t| t.term.as_str())
                .collect::<Vec<_>>()
                .join(" "),
            major: c.major_candidate,
            members: c
                .member_ids
                .iter()
                .take(10)
                .map(|id| {
                    (
                        id.clone(),
                        numbers.get(id).cloned().unwrap_or_else(|| id.clone()),
                    )
                })
                .collect(),
        })
        .collect();
    let cloud: Vec<serde_json::Value> = hot
        .terms
        .iter()
        .map(|t| serde_json::json!({"name": t.term, "value": t.docs}))
        .collect();
    let uncounted = services
        .term_stats_lag()
        .await
        .map(|l| l.uncounted)
        .unwrap_or(0);
    let taxonomy = services.taxonomy();
    let names = |dimension| {
        taxonomy
            .entries(dimension)
            .iter()
            .map(|e| e.name.clone())
            .collect()
    };
    render(&AnalysisPage {
        chrome: Chrome::new(&state, &auth, "/analysis").await,
        orgs: orgs
            .iter()
            .map(|o| (o.code.clone(), o.name.clone()))
            .collect(),
        categories: names(Dimension::BusinessCategory),
        channels: names(Dimension::Channel),
        org: q.org.clone().unwrap_or_default(),
        category: q.business_category.clone().unwrap_or_default(),
        channel: q.channel.clone().unwrap_or_default(),
        cloud_json: serde_json::Value::Array(cloud).to_string(),
        hot,
        rising: rising_rows(&rising_report),
        rising_report,
        clusters,
        cluster_docs: report.clustered_docs,
        uncounted,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparkline_spans_the_box_and_peaks_at_the_top() {
        let pts = sparkline_points(&[0, 5, 10], 100.0, 20.0);
        assert_eq!(pts, "0.0,19.0 50.0,10.0 100.0,1.0");
        assert_eq!(sparkline_points(&[], 100.0, 20.0), "");
        assert_eq!(sparkline_points(&[0, 0], 10.0, 20.0), "0.0,19.0 10.0,19.0");
    }
}
