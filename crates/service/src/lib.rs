//! xiaobao's use cases: what happens when a complaint arrives, is imported,
//! routed, assigned, or when someone reveals a complainant's personal data.
//!
//! Each use case combines the pure engines (domain rules, the text engine,
//! PII protection) with storage, so that the server, the CLI and the demo all
//! go through the same path and the same checks.

pub mod alerts;
pub mod analysis;
pub mod assignment;
pub mod config;
pub mod intake;
pub mod kb;
pub mod reveal;
pub mod review;
pub mod similar;
pub mod term_index;
pub mod transfer;

use std::sync::{Arc, RwLock};

use xiaobao_domain::sla::SlaPolicy;
use xiaobao_domain::taxonomy::Taxonomy;
use xiaobao_pii::Pii;
use xiaobao_store::Store;

pub use assignment::AssignmentRules;
pub use intake::{ImportReport, IntakeError, RowError};
pub use reveal::RevealError;
pub use transfer::TransferError;

/// A configuration value that can be replaced while the server runs: readers
/// take the current version; a replacement never disturbs a reader that
/// already holds the old one.
pub struct Live<T>(Arc<RwLock<Arc<T>>>);

impl<T> Clone for Live<T> {
    fn clone(&self) -> Self {
        Live(Arc::clone(&self.0))
    }
}

impl<T> Live<T> {
    pub fn new(value: T) -> Live<T> {
        Live(Arc::new(RwLock::new(Arc::new(value))))
    }

    /// The current value.
    pub fn get(&self) -> Arc<T> {
        match self.0.read() {
            Ok(guard) => Arc::clone(&guard),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// Replaces the value for every later reader.
    pub fn set(&self, value: T) {
        let value = Arc::new(value);
        match self.0.write() {
            Ok(mut guard) => *guard = value,
            Err(poisoned) => *poisoned.into_inner() = value,
        }
    }
}

/// The configured services of one process. Cheap to clone.
#[derive(Clone)]
pub struct Services {
    pub store: Store,
    taxonomy: Live<Taxonomy>,
    policy: Live<SlaPolicy>,
    pub pii: Arc<Pii>,
    rules: Live<AssignmentRules>,
    /// The forbidden-words knowledge base and its matcher.
    kb: Live<kb::KbState>,
    /// Alert rules and notification settings.
    alerts: Live<alerts::AlertConfig>,
    /// The review self-assessment guide.
    review_guide: Live<xiaobao_domain::review::ReviewGuide>,
    /// The OCR engine for scanned review documents, loaded on first use.
    ocr: Arc<xiaobao_documents::EmbeddedOcr>,
    /// Version of the stored configuration edits this instance last applied.
    config_version: Arc<std::sync::Mutex<Option<String>>>,
    /// The term statistics in memory, behind hot and rising words.
    term_index: Arc<term_index::TermIndex>,
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
    #[error("知识库无效 invalid knowledge base: {0}")]
    KnowledgeBase(String),
    #[error("预警规则无效 invalid alert rules: {0}")]
    AlertRules(String),
}

impl Services {
    /// Services with the shipped taxonomy, SLA policy and assignment rules.
    pub fn new(store: Store, pii: Pii) -> Result<Services, ConfigError> {
        let taxonomy = Taxonomy::embedded().map_err(|e| ConfigError::Taxonomy(e.to_string()))?;
        let policy = SlaPolicy::embedded().map_err(|e| ConfigError::Policy(e.to_string()))?;
        let rules = AssignmentRules::embedded().map_err(|e| ConfigError::Rules(e.to_string()))?;
        let kb = kb::KbState::shipped().map_err(ConfigError::KnowledgeBase)?;
        let alerts = alerts::AlertConfig::shipped().map_err(ConfigError::AlertRules)?;
        Ok(Services {
            store,
            taxonomy: Live::new(taxonomy.clone()),
            policy: Live::new(policy.clone()),
            pii: Arc::new(pii),
            rules: Live::new(rules),
            kb: Live::new(kb),
            alerts: Live::new(alerts),
            review_guide: Live::new(xiaobao_domain::review::ReviewGuide::shipped()),
            ocr: Arc::new(xiaobao_documents::EmbeddedOcr::default()),
            term_index: Arc::new(term_index::TermIndex::default()),
            assigner: Arc::new(tokio::sync::Mutex::new(intake::Assigner::default())),
            config_version: Arc::new(std::sync::Mutex::new(None)),
        })
    }
}

impl Services {
    /// The complaint taxonomy in force (JR/T 0169 and local lists).
    pub fn taxonomy(&self) -> Arc<Taxonomy> {
        self.taxonomy.get()
    }

    /// The SLA policy in force.
    pub fn policy(&self) -> Arc<SlaPolicy> {
        self.policy.get()
    }

    /// The routing and assignment rules in force.
    pub fn rules(&self) -> Arc<AssignmentRules> {
        self.rules.get()
    }
}
