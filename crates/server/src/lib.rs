//! xiaobao's HTTP server: the REST API under `/api/v1` (with its OpenAPI
//! document), the Chinese web UI, authentication and sessions, operational
//! endpoints, and background jobs.
//!
//! The server keeps no state of its own between requests: sessions, throttling
//! and job leases are in the database, so any number of instances can serve one
//! PostgreSQL database.

pub mod api;
mod assets;
pub mod auth;
pub mod config;
pub mod error;
pub mod jobs;
pub mod metrics;
mod ops;
mod state;
pub mod ui;
pub mod view;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use xiaobao_service::Services;

pub use config::ServerConfig;
pub use state::AppState;

/// Builds the whole application: API, UI, assets and operational endpoints,
/// with authentication, CSRF protection, metrics, body limits and timeouts.
pub fn app(state: AppState) -> Router {
    let config = state.config.clone();
    Router::new()
        .merge(api::router())
        .merge(ui::router())
        .merge(ops::router())
        .merge(assets::router())
        .layer(middleware::from_fn_with_state(
            state.clone(),
            auth::csrf_guard,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            auth::authenticate,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            metrics::track,
        ))
        .layer(DefaultBodyLimit::max(config.max_body_bytes))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(config.request_timeout_seconds),
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Serves until `shutdown` completes, then finishes requests in flight, stops
/// background jobs and closes the database.
pub async fn serve(
    services: Services,
    config: ServerConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|e| anyhow::anyhow!("无法监听 cannot listen on {}: {e}", config.listen))?;
    serve_on(listener, services, config, shutdown).await
}

/// Like [`serve`], on a listener the caller has bound (tests bind port 0).
pub async fn serve_on(
    listener: tokio::net::TcpListener,
    services: Services,
    config: ServerConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let store = services.store.clone();
    let state = AppState::new(services, config);
    let jobs = jobs::spawn(state.clone());
    let app = app(state.clone());
    tracing::info!(addr = %listener.local_addr()?, backend = store.backend().as_str(), "xiaobao 已启动 listening");
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await?;
    jobs.stop().await;
    store.close().await;
    tracing::info!("xiaobao 已停止 stopped");
    Ok(())
}

/// Completes on SIGTERM or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("收到停止信号 shutdown signal received");
}

/// Shared handle type for the metrics registry.
pub type SharedMetrics = Arc<metrics::Metrics>;
