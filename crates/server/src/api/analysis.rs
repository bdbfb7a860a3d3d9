//! Complaint intelligence over HTTP: hot words, rising words and same-event
//! clusters of the complaints in the caller's scope, from the term statistics
//! the server keeps as complaints arrive.

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::IntoParams;
use xiaobao_service::analysis::{
    AnalysisError, AnalysisFilter, HotTerms, RisingTerms, period_ending,
};
use xiaobao_text::{ClusterReport, RisingOptions};

use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{ApiError, ApiJson, ApiQuery, ErrorBody};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/analysis/hotwords", get(hotwords))
        .route("/api/v1/analysis/rising", get(rising))
        .route("/api/v1/analysis/clusters", get(clusters))
}

pub fn analysis_error(err: AnalysisError) -> ApiError {
    match err {
        AnalysisError::OrgOutOfScope(_) => ApiError::not_found(err.to_string()),
        AnalysisError::Invalid(m) => ApiError::unprocessable(m),
        AnalysisError::Store(e) => e.into(),
    }
}

/// Scope and period of an analysis. Dates are `YYYY-MM-DD`.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct AnalysisQuery {
    /// Organisation code: its subtree (default: the caller's whole scope).
    pub org: Option<String>,
    /// JR/T 0169 business category.
    pub business_category: Option<String>,
    /// JR/T 0169 channel (投诉业务办理渠道).
    pub channel: Option<String>,
    /// First day (default: 30 days before `to`).
    pub from: Option<NaiveDate>,
    /// Last day (default: today).
    pub to: Option<NaiveDate>,
    /// Number of terms (default 50).
    pub top: Option<usize>,
    /// Rising words: last day of the window (default: today).
    pub as_of: Option<NaiveDate>,
    /// Rising words: window length in days (default 7).
    pub window_days: Option<u32>,
    /// Rising words: baseline length in days (default 28).
    pub baseline_days: Option<u32>,
    /// Clusters: smallest cluster reported (default 3).
    pub min_size: Option<usize>,
}

impl AnalysisQuery {
    pub fn filter(&self) -> AnalysisFilter {
        AnalysisFilter {
            org: self.org.clone(),
            business_category: self.business_category.clone(),
            channel: self.channel.clone(),
        }
    }

    /// The period, defaulting to the 30 days up to today.
    pub fn period(&self) -> (NaiveDate, NaiveDate) {
        let to = self.to.unwrap_or_else(today);
        (self.from.unwrap_or_else(|| period_ending(to, 30)), to)
    }

    pub fn rising_options(&self) -> RisingOptions {
        let mut o = RisingOptions::new(self.as_of.unwrap_or_else(today));
        o.window_days = self.window_days.unwrap_or(7);
        o.baseline_days = self.baseline_days.unwrap_or(28);
        o.top = self.top.unwrap_or(30).clamp(1, 500);
        o
    }
}

pub fn today() -> NaiveDate {
    xiaobao_domain::complaint::china_date(chrono::Utc::now())
}

/// The most mentioned terms of a period: `{from, to, total_docs, terms:[{term, docs, share}]}`.
#[utoipa::path(get, path = "/api/v1/analysis/hotwords", tag = "analysis", params(AnalysisQuery),
    responses((status = 200, description = "hot words"), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn hotwords(
    State(state): State<AppState>,
    ApiUser(auth): ApiUser,
    ApiQuery(q): ApiQuery<AnalysisQuery>,
) -> Result<ApiJson<HotTerms>, ApiError> {
    let (from, to) = q.period();
    let report = state
        .services
        .hot_terms(&auth.actor, &q.filter(), from, to, q.top.unwrap_or(50))
        .await
        .map_err(analysis_error)?;
    Ok(ApiJson(report))
}

/// Fastest-rising terms: window against baseline, exact test with FDR
/// control; each term has `term`, `window_docs`, `baseline_docs`, `growth`,
/// `score`, `significant`, and `daily` has a per-day series per term.
#[utoipa::path(get, path = "/api/v1/analysis/rising", tag = "analysis", params(AnalysisQuery),
    responses((status = 200, description = "rising words"), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn rising(
    State(state): State<AppState>,
    ApiUser(auth): ApiUser,
    ApiQuery(q): ApiQuery<AnalysisQuery>,
) -> Result<ApiJson<RisingTerms>, ApiError> {
    let report = state
        .services
        .rising_terms(&auth.actor, &q.filter(), &q.rising_options())
        .await
        .map_err(analysis_error)?;
    Ok(ApiJson(report))
}

/// Same-event clusters of near-identical complaints in a period.
#[utoipa::path(get, path = "/api/v1/analysis/clusters", tag = "analysis", params(AnalysisQuery),
    responses((status = 200, description = "clusters"), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn clusters(
    State(state): State<AppState>,
    ApiUser(auth): ApiUser,
    ApiQuery(q): ApiQuery<AnalysisQuery>,
) -> Result<ApiJson<ClusterReport>, ApiError> {
    let (from, to) = q.period();
    let report = state
        .services
        .complaint_clusters(&auth.actor, &q.filter(), from, to, q.min_size.unwrap_or(3))
        .await
        .map_err(analysis_error)?;
    Ok(ApiJson(report))
}
