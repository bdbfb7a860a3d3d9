//! Routing a new complaint to the responsible organisation, and choosing a
//! handler there — by least open cases or in turn — never one of the staff the
//! complaint is about (回避, 令2020年第3号 Art. 17). The rules are data
//! (`data/assignment/rules.json`).

use serde::{Deserialize, Serialize};
use xiaobao_domain::taxonomy::{Classification, Dimension, Taxonomy};
use xiaobao_store::{Store, StoreError};

/// How a handler is chosen inside the responsible organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Strategy {
    LeastOpen,
    RoundRobin,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Conditions {
    #[serde(default)]
    pub channel: Option<String>,
    #[serde(default)]
    pub business_category: Option<String>,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub product_contains: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoutingRule {
    pub when: Conditions,
    pub org: String,
    #[serde(default)]
    pub why: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssignmentRules {
    #[serde(default)]
    pub note: String,
    pub strategy: Strategy,
    #[serde(default)]
    pub routing: Vec<RoutingRule>,
}

impl AssignmentRules {
    pub fn embedded() -> Result<AssignmentRules, serde_json::Error> {
        AssignmentRules::from_json(include_str!("../../../data/assignment/rules.json"))
    }

    pub fn from_json(text: &str) -> Result<AssignmentRules, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// The organisation named by the first matching routing rule.
    /// `classification` holds codes; rule conditions hold names or codes.
    pub fn route(
        &self,
        taxonomy: &Taxonomy,
        c: &Classification,
        product: Option<&str>,
    ) -> Option<&RoutingRule> {
        let same = |dim: Dimension, want: &Option<String>, have: &str| match want {
            None => true,
            Some(w) => taxonomy.lookup(dim, w).is_some_and(|e| e.code == have),
        };
        self.routing.iter().find(|r| {
            same(Dimension::Channel, &r.when.channel, &c.channel)
                && same(
                    Dimension::BusinessCategory,
                    &r.when.business_category,
                    &c.business_category,
                )
                && same(Dimension::Source, &r.when.source, &c.source)
                && match &r.when.product_contains {
                    None => true,
                    Some(p) => product.is_some_and(|prod| prod.contains(p.as_str())),
                }
        })
    }

    /// Picks a handler of `org_code` who is not among `excluded` (the staff
    /// complained about); `None` when the organisation has nobody eligible.
    pub async fn pick_handler(
        &self,
        store: &Store,
        org_code: &str,
        excluded: &[String],
    ) -> Result<Option<String>, StoreError> {
        let candidates: Vec<(String, i64)> = store
            .handler_load(org_code)
            .await?
            .into_iter()
            .filter(|(user, _)| !excluded.iter().any(|e| e == user))
            .collect();
        if candidates.is_empty() {
            return Ok(None);
        }
        match self.strategy {
            Strategy::LeastOpen => Ok(candidates
                .iter()
                .min_by_key(|(user, open)| (*open, user.clone()))
                .map(|(u, _)| u.clone())),
            Strategy::RoundRobin => {
                let key = format!("assignment.round_robin.{org_code}");
                let last = store.get_setting(&key).await?;
                let next = match last {
                    Some(last) => candidates
                        .iter()
                        .find(|(u, _)| *u > last)
                        .or_else(|| candidates.first()),
                    None => candidates.first(),
                }
                .map(|(u, _)| u.clone());
                if let Some(n) = &next {
                    store.put_setting(&key, n).await?;
                }
                Ok(next)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_rules_load_and_route() {
        let rules = AssignmentRules::embedded().unwrap();
        let tax = Taxonomy::embedded().unwrap();
        let c = tax
            .normalize(&Classification {
                channel: "电话渠道".into(),
                business_category: "债务催收".into(),
                business_subcategory: None,
                reason: "债务催收方式和手段".into(),
                source: "自有渠道".into(),
                demands: vec![],
                vulnerable_flags: vec![],
                complainant_role: "本人".into(),
            })
            .unwrap();
        assert_eq!(
            rules.route(tax, &c, None).map(|r| r.org.as_str()),
            Some("HO")
        );
        let other = Classification {
            business_category: tax
                .lookup(Dimension::BusinessCategory, "贷款")
                .unwrap()
                .code
                .clone(),
            ..c
        };
        assert!(rules.route(tax, &other, None).is_none());
    }
}
