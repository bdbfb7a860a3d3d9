//! The home screen (工作台).

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use xiaobao_domain::org::{OrgKind, Scope};
use xiaobao_store::leases::JobRun;

use super::{Chrome, render, store_error_page};
use crate::AppState;
use crate::auth::PageUser;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/home/intelligence", get(intelligence))
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    chrome: Chrome,
    org_count: usize,
    branch_count: usize,
    outlet_count: usize,
    village_count: usize,
    scope_label: String,
    jobs: Vec<JobRun>,
    deadlines: xiaobao_store::complaints::DeadlineCounts,
    /// Review work, for roles with access to reviews.
    reviews: Option<xiaobao_store::reviews::ReviewCounts>,
    /// Complaint figures are shown to roles with an organisation scope.
    shows_complaints: bool,
}

#[derive(Template)]
#[template(path = "home_intelligence.html")]
struct IntelligenceFragment {
    hot: Vec<xiaobao_service::analysis::HotTerm>,
    rising: Vec<super::analysis::RisingRow>,
}

async fn home(State(state): State<AppState>, PageUser(auth): PageUser) -> Response {
    let orgs = match state.store.list_orgs(&auth.actor).await {
        Ok(o) => o,
        Err(e) => return store_error_page(e),
    };
    let count = |kinds: &[OrgKind]| {
        orgs.iter()
            .filter(|o| kinds.iter().any(|k| k.as_str() == o.kind))
            .count()
    };
    let chrome = Chrome::new(&state, &auth, "/").await;
    let scope_label = match auth.actor.scope() {
        Scope::All => "全行".to_string(),
        Scope::Subtree(_) => format!("{} 及下辖机构", chrome.org_name),
    };
    let jobs = if auth.actor.role.can_administer() {
        state.store.recent_job_runs(5).await.unwrap_or_default()
    } else {
        Vec::new()
    };
    let today = xiaobao_domain::complaint::china_date(chrono::Utc::now());
    let deadlines = match state
        .store
        .deadline_counts(
            &auth.actor,
            today,
            crate::api::complaints::at_risk_days(&state),
        )
        .await
    {
        Ok(d) => d,
        Err(e) => return store_error_page(e),
    };
    let reviews = match state.store.review_counts(&auth.actor, today).await {
        Ok(r) => r,
        Err(e) => return store_error_page(e),
    };
    render(&HomePage {
        deadlines,
        reviews,
        shows_complaints: !auth.actor.role.can_submit_reviews(),
        org_count: orgs.len(),
        branch_count: count(&[OrgKind::Branch]),
        outlet_count: count(&[OrgKind::SubBranch, OrgKind::Outlet]),
        village_count: count(&[OrgKind::VillageBank]),
        scope_label,
        jobs,
        chrome,
    })
}

/// Intelligence at a glance, loaded after the page (htmx) so the work list
/// never waits for the statistics: the month's hot words and this week's
/// significantly rising ones. A failure shows nothing rather than an error.
async fn intelligence(State(state): State<AppState>, PageUser(auth): PageUser) -> Response {
    let today = xiaobao_domain::complaint::china_date(chrono::Utc::now());
    let filter = xiaobao_service::analysis::AnalysisFilter::default();
    let hot = state
        .services
        .hot_terms(
            &auth.actor,
            &filter,
            xiaobao_service::analysis::period_ending(today, 30),
            today,
            12,
        )
        .await
        .map(|h| h.terms)
        .unwrap_or_default();
    let mut options = xiaobao_text::RisingOptions::new(today);
    options.top = 8;
    let rising = match state
        .services
        .rising_terms(&auth.actor, &filter, &options)
        .await
    {
        Ok(r) => super::analysis::rising_rows(&r)
            .into_iter()
            .filter(|r| r.significant)
            .collect(),
        Err(_) => Vec::new(),
    };
    render(&IntelligenceFragment { hot, rising })
}
