//! The organisation tree.

use serde::Serialize;
use sqlx::FromRow;
use xiaobao_domain::actor::Actor;
use xiaobao_domain::org::{self, OrgKind, Scope};

use crate::{Store, StoreError, time};

/// One organisation as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromRow)]
pub struct Org {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub parent_code: Option<String>,
    pub path: String,
    pub sort_order: i64,
}

/// What is needed to add an organisation.
#[derive(Debug, Clone)]
pub struct NewOrg<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub kind: OrgKind,
    pub parent_code: Option<&'a str>,
    pub sort_order: i64,
}

/// `LIKE` pattern matching every path under `prefix`, with the wildcards that
/// may appear in codes (`_`) escaped. Use with `ESCAPE '\'`.
pub(crate) fn like_prefix(prefix: &str) -> String {
    let mut out = String::with_capacity(prefix.len() + 1);
    for c in prefix.chars() {
        if matches!(c, '\\' | '%' | '_') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

impl Store {
    /// Adds an organisation under its parent. Only the root may lack a parent,
    /// and there is one root.
    pub async fn create_org(&self, new: &NewOrg<'_>) -> Result<Org, StoreError> {
        org::validate_code(new.code).map_err(|e| StoreError::Invalid(e.to_string()))?;
        if new.name.trim().is_empty() {
            return Err(StoreError::Invalid(
                "机构名称不能为空 organisation name is empty".into(),
            ));
        }
        let parent_path = match new.parent_code {
            Some(parent) => Some(self.org_by_code(parent).await?.path),
            None => {
                if self.root_org().await?.is_some() {
                    return Err(StoreError::Conflict(
                        "已有根机构 a root organisation already exists".into(),
                    ));
                }
                None
            }
        };
        let path = org::child_path(parent_path.as_deref(), new.code)
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
        sqlx::query(
            "INSERT INTO orgs (code, name, kind, parent_code, path, sort_order, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(new.code)
        .bind(new.name.trim())
        .bind(new.kind.as_str())
        .bind(new.parent_code)
        .bind(&path)
        .bind(new.sort_order)
        .bind(time::now())
        .execute(&self.pool)
        .await
        .map_err(|e| match StoreError::from(e) {
            StoreError::Conflict(_) => StoreError::Conflict(format!(
                "机构代码 {} 已存在 organisation code exists",
                new.code
            )),
            other => other,
        })?;
        self.org_by_code(new.code).await
    }

    /// Looks an organisation up by code, regardless of scope (for internal use
    /// and administrators).
    pub async fn org_by_code(&self, code: &str) -> Result<Org, StoreError> {
        sqlx::query_as::<_, Org>(
            "SELECT code, name, kind, parent_code, path, sort_order FROM orgs WHERE code = $1",
        )
        .bind(code)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("机构 {code} 不存在 organisation not found")))
    }

    /// The root organisation (总行), if the tree has been created.
    pub async fn root_org(&self) -> Result<Option<Org>, StoreError> {
        Ok(sqlx::query_as::<_, Org>(
            "SELECT code, name, kind, parent_code, path, sort_order FROM orgs
             WHERE parent_code IS NULL ORDER BY created_at LIMIT 1",
        )
        .fetch_optional(&self.pool)
        .await?)
    }

    /// The organisations the actor may see, in tree order.
    pub async fn list_orgs(&self, actor: &Actor) -> Result<Vec<Org>, StoreError> {
        self.orgs_in_scope(&actor.scope()).await
    }

    /// The organisations inside a scope, in tree order (parents before
    /// children, siblings by sort order).
    pub async fn orgs_in_scope(&self, scope: &Scope) -> Result<Vec<Org>, StoreError> {
        let mut orgs = sqlx::query_as::<_, Org>(
            "SELECT code, name, kind, parent_code, path, sort_order FROM orgs
             WHERE path LIKE $1 ESCAPE '\\'",
        )
        .bind(like_prefix(scope.prefix()))
        .fetch_all(&self.pool)
        .await?;
        sort_tree(&mut orgs);
        Ok(orgs)
    }

    /// One organisation, if the actor may see it; otherwise not found.
    pub async fn get_org(&self, actor: &Actor, code: &str) -> Result<Org, StoreError> {
        let org = self.org_by_code(code).await?;
        if actor.scope().contains(&org.path) {
            Ok(org)
        } else {
            Err(StoreError::NotFound(format!(
                "机构 {code} 不存在 organisation not found"
            )))
        }
    }

    /// Renames an organisation (administrators only).
    pub async fn rename_org(
        &self,
        actor: &Actor,
        code: &str,
        name: &str,
    ) -> Result<Org, StoreError> {
        if !actor.role.can_administer() {
            return Err(StoreError::Forbidden(
                "仅系统管理员可修改机构 only administrators".into(),
            ));
        }
        let name = name.trim();
        if name.is_empty() {
            return Err(StoreError::Invalid(
                "机构名称不能为空 organisation name is empty".into(),
            ));
        }
        self.get_org(actor, code).await?;
        sqlx::query("UPDATE orgs SET name = $1 WHERE code = $2")
            .bind(name)
            .bind(code)
            .execute(&self.pool)
            .await?;
        self.org_by_code(code).await
    }
}

/// Orders a flat list so that each org follows its parent and siblings follow
/// their sort order: the order a tree view shows.
fn sort_tree(orgs: &mut [Org]) {
    // Sorting by the list of (sort_order, code) pairs along the path gives a
    // depth-first order without building the tree.
    let key = |o: &Org, all: &std::collections::HashMap<String, (i64, String)>| {
        o.path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|code| all.get(code).cloned().unwrap_or((0, code.to_string())))
            .collect::<Vec<_>>()
    };
    let all: std::collections::HashMap<String, (i64, String)> = orgs
        .iter()
        .map(|o| (o.code.clone(), (o.sort_order, o.code.clone())))
        .collect();
    orgs.sort_by_cached_key(|o| key(o, &all));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_prefix_escapes_wildcards() {
        assert_eq!(like_prefix("/HO/A_B/"), "/HO/A\\_B/%");
        assert_eq!(like_prefix("/"), "/%");
    }
}
