use std::sync::Arc;

use xiaobao_service::Services;
use xiaobao_store::Store;

use crate::ServerConfig;
use crate::metrics::Metrics;

/// What every handler can reach: the use cases, the database, settings and
/// metrics.
#[derive(Clone)]
pub struct AppState {
    pub services: Services,
    pub store: Store,
    pub config: Arc<ServerConfig>,
    pub metrics: Arc<Metrics>,
}

impl AppState {
    pub fn new(services: Services, config: ServerConfig) -> AppState {
        AppState {
            store: services.store.clone(),
            services,
            config: Arc::new(config),
            metrics: Arc::new(Metrics::default()),
        }
    }
}
