//! The current user and the organisation tree.

use axum::Router;
use axum::extract::{Path, State};
use axum::routing::get;
use serde::Serialize;
use utoipa::ToSchema;
use xiaobao_domain::org::OrgKind;
use xiaobao_store::orgs::Org;

use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{ApiError, ApiJson, ErrorBody};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/me", get(me))
        .route("/api/v1/orgs", get(list_orgs))
        .route("/api/v1/orgs/{code}", get(get_org))
}

/// The authenticated user.
#[derive(Serialize, ToSchema)]
pub struct MeOut {
    pub id: String,
    pub username: String,
    pub display_name: String,
    /// Contract role name (`admin`, `cp_officer`, `handler`, …).
    pub role: String,
    /// Role name shown in the UI (系统管理员, 消保管理员, …).
    pub role_name: String,
    pub org: String,
    /// `all` or the organisation path the user's data scope is limited to.
    pub scope: String,
}

/// One organisation.
#[derive(Serialize, ToSchema)]
pub struct OrgOut {
    pub code: String,
    pub name: String,
    /// `head_office`, `branch`, `sub_branch`, `outlet` or `village_bank`.
    pub kind: String,
    pub kind_name: String,
    pub parent_code: Option<String>,
    /// Materialised path, e.g. `/HO/HZ/HZ01/`.
    pub path: String,
    /// Whether the organisation is a separate legal entity (总行, 村镇银行).
    pub legal_entity: bool,
}

impl From<Org> for OrgOut {
    fn from(o: Org) -> OrgOut {
        let kind = o.kind.parse::<OrgKind>().ok();
        OrgOut {
            kind_name: kind
                .map(|k| k.display_name().to_string())
                .unwrap_or_default(),
            legal_entity: kind.is_some_and(|k| k.is_legal_entity()),
            code: o.code,
            name: o.name,
            kind: o.kind,
            parent_code: o.parent_code,
            path: o.path,
        }
    }
}

#[utoipa::path(get, path = "/api/v1/me", tag = "accounts",
    responses((status = 200, body = MeOut), (status = 401, body = ErrorBody)))]
pub async fn me(ApiUser(auth): ApiUser) -> ApiJson<MeOut> {
    let a = auth.actor;
    let scope = match a.scope() {
        xiaobao_domain::org::Scope::All => "all".to_string(),
        xiaobao_domain::org::Scope::Subtree(p) => p,
    };
    ApiJson(MeOut {
        id: a.user_id,
        username: a.username,
        display_name: a.display_name,
        role: a.role.as_str().to_string(),
        role_name: a.role.display_name().to_string(),
        org: a.org_code,
        scope,
    })
}

/// The organisations inside the caller's data scope, in tree order.
#[utoipa::path(get, path = "/api/v1/orgs", tag = "organisations",
    responses((status = 200, body = [OrgOut]), (status = 401, body = ErrorBody)))]
pub async fn list_orgs(
    State(state): State<AppState>,
    ApiUser(auth): ApiUser,
) -> Result<ApiJson<Vec<OrgOut>>, ApiError> {
    let orgs = state.store.list_orgs(&auth.actor).await?;
    Ok(ApiJson(orgs.into_iter().map(OrgOut::from).collect()))
}

/// One organisation; 404 when it does not exist or lies outside the caller's scope.
#[utoipa::path(get, path = "/api/v1/orgs/{code}", tag = "organisations",
    params(("code" = String, Path, description = "organisation code")),
    responses((status = 200, body = OrgOut), (status = 404, body = ErrorBody)))]
pub async fn get_org(
    State(state): State<AppState>,
    ApiUser(auth): ApiUser,
    Path(code): Path<String>,
) -> Result<ApiJson<OrgOut>, ApiError> {
    Ok(ApiJson(
        state.store.get_org(&auth.actor, &code).await?.into(),
    ))
}
