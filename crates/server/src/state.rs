use std::sync::Arc;

use xiaobao_store::Store;

use crate::ServerConfig;
use crate::metrics::Metrics;

/// What every handler can reach: the database, settings and metrics.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<ServerConfig>,
    pub metrics: Arc<Metrics>,
}

impl AppState {
    pub fn new(store: Store, config: ServerConfig) -> AppState {
        AppState {
            store,
            config: Arc::new(config),
            metrics: Arc::new(Metrics::default()),
        }
    }
}
