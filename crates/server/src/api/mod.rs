//! The REST API under `/api/v1`, described by the OpenAPI document served at
//! `/api/v1/openapi.json`. Authentication: `Authorization: Bearer TOKEN`
//! (tokens from `xiaobao token create`) or the browser session cookie plus the
//! `X-CSRF-Token` header for state-changing calls.

pub mod admin;
pub mod alerts;
pub mod analysis;
pub mod complaints;
pub mod kb;
pub mod orgs;
pub mod reviews;
pub mod transfer;

use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/openapi.json", get(openapi_json))
        .merge(orgs::router())
        .merge(complaints::router())
        .merge(transfer::router())
        .merge(admin::router())
        .merge(kb::router())
        .merge(analysis::router())
        .merge(alerts::router())
        .merge(reviews::router())
        .fallback(fallback)
}

/// Unknown paths: JSON 404 under the API prefix, a page elsewhere.
async fn fallback(uri: axum::http::Uri) -> axum::response::Response {
    if uri.path().starts_with("/api/") {
        crate::error::ApiError::not_found(format!("接口不存在 no such endpoint: {}", uri.path()))
            .into_response()
    } else {
        crate::ui::not_found_page().into_response()
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "xiaobao API",
        description = "消保 consumer-protection platform. Errors are `{\"error\":{\"code\",\"message\",\"details\"}}`.",
        version = env!("CARGO_PKG_VERSION")
    ),
    paths(
        orgs::me,
        orgs::list_orgs,
        orgs::get_org,
        admin::list_users,
        admin::get_user,
        admin::create_user,
        admin::list_audit,
        complaints::create_complaint,
        complaints::list_complaints,
        complaints::get_complaint,
        complaints::complaint_events,
        complaints::complaint_action,
        complaints::reveal,
        transfer::import,
        transfer::template,
        transfer::export,
        kb::summary,
        kb::list_entries,
        kb::get_entry,
        kb::put_entry,
        kb::delete_record,
        kb::list_disclosures,
        kb::put_disclosure,
        kb::scan,
        kb::versions,
        kb::version,
        kb::rollback,
        kb::export,
        kb::import,
        analysis::hotwords,
        analysis::rising,
        analysis::clusters,
        alerts::list_alerts,
        alerts::get_alert,
        alerts::alert_action,
        reviews::list_reviews,
        reviews::create_review,
        reviews::get_review,
        reviews::update_review,
        reviews::upload_document,
        reviews::get_document,
        reviews::remove_document,
        reviews::add_opinion,
        reviews::remove_opinion,
        reviews::answer_opinion,
        reviews::review_action,
        reviews::compare_rounds,
        reviews::compare_published,
        reviews::annotate,
        reviews::retrospective,
        reviews::verify_archive,
        reviews::letter,
        reviews::guide,
        reviews::adoption,
    ),
    components(schemas(crate::error::ErrorBody)),
    modifiers(&BearerAuth),
    security(("bearer" = []))
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

async fn openapi_json() -> impl IntoResponse {
    Json(ApiDoc::openapi())
}
