//! xiaobao's use cases: what happens when a complaint arrives, is imported,
//! routed, assigned, or when someone reveals a complainant's personal data.
//!
//! Each use case combines the pure engines (domain rules, the text engine,
//! PII protection) with storage, so that the server, the CLI and the demo all
//! go through the same path and the same checks.

pub mod assignment;
pub mod intake;
pub mod reveal;
pub mod transfer;

use std::sync::Arc;

use xiaobao_domain::sla::SlaPolicy;
use xiaobao_domain::taxonomy::Taxonomy;
use xiaobao_pii::Pii;
use xiaobao_store::Store;

pub use assignment::AssignmentRules;
pub use intake::{ImportReport, IntakeError, RowError};
pub use reveal::RevealError;
pub use transfer::TransferError;

/// The configured services of one process. Cheap to clone.
#[derive(Clone)]
pub struct Services {
    pub store: Store,
    pub taxonomy: Arc<Taxonomy>,
    pub policy: Arc<SlaPolicy>,
    pub pii: Arc<Pii>,
    pub rules: Arc<AssignmentRules>,
    /// Handler loads cached across bulk preparations (demo, historical imports).
    assigner: Arc<tokio::sync::Mutex<intake::Assigner>>,
}

/// Errors loading the shipped configuration.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("分类数据无效 invalid taxonomy: {0}")]
    Taxonomy(String),
    #[error("时限政策无效 invalid SLA policy: {0}")]
    Policy(String),
    #[error("分派规则无效 invalid assignment rules: {0}")]
    Rules(String),
}

impl Services {
    /// Services with the shipped taxonomy, SLA policy and assignment rules.
    pub fn new(store: Store, pii: Pii) -> Result<Services, ConfigError> {
        let taxonomy = Taxonomy::embedded().map_err(|e| ConfigError::Taxonomy(e.to_string()))?;
        let policy = SlaPolicy::embedded().map_err(|e| ConfigError::Policy(e.to_string()))?;
        let rules = AssignmentRules::embedded().map_err(|e| ConfigError::Rules(e.to_string()))?;
        Ok(Services {
            store,
            taxonomy: Arc::new(taxonomy.clone()),
            policy: Arc::new(policy.clone()),
            pii: Arc::new(pii),
            rules: Arc::new(rules),
            assigner: Arc::new(tokio::sync::Mutex::new(intake::Assigner::default())),
        })
    }
}
