//! Prometheus metrics in the text exposition format: request counts and
//! latencies by route, the database pool, and background job runs.
//!
//! A small hand-written registry: the set of series is tiny and fixed, and a
//! full metrics stack would add more to the build than this file holds.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;

use crate::AppState;

/// Upper bounds of the latency histogram buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    sum: f64,
    count: u64,
}

impl Histogram {
    fn observe(&mut self, seconds: f64) {
        for (i, bound) in BUCKETS.iter().enumerate() {
            if seconds <= *bound {
                self.counts[i] += 1;
            }
        }
        self.sum += seconds;
        self.count += 1;
    }
}

#[derive(Default)]
struct Inner {
    requests: BTreeMap<(String, String, u16), u64>,
    latency: BTreeMap<(String, String), Histogram>,
    job_runs: BTreeMap<(String, bool), u64>,
}

/// The process-wide metrics registry.
#[derive(Default)]
pub struct Metrics {
    inner: Mutex<Inner>,
}

impl Metrics {
    pub fn observe_request(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        *inner
            .requests
            .entry((method.to_string(), route.to_string(), status))
            .or_default() += 1;
        inner
            .latency
            .entry((method.to_string(), route.to_string()))
            .or_default()
            .observe(seconds);
    }

    pub fn observe_job(&self, job: &str, ok: bool) {
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        *inner.job_runs.entry((job.to_string(), ok)).or_default() += 1;
    }

    /// Renders every series, plus the pool gauges passed in.
    pub fn render(&self, pool: xiaobao_store::PoolStats) -> String {
        let inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let mut out = String::new();
        out.push_str(
            "# HELP xiaobao_http_requests_total HTTP requests by method, route and status.\n",
        );
        out.push_str("# TYPE xiaobao_http_requests_total counter\n");
        for ((method, route, status), n) in &inner.requests {
            let _ = writeln!(
                out,
                "xiaobao_http_requests_total{{method=\"{method}\",route=\"{}\",status=\"{status}\"}} {n}",
                escape(route)
            );
        }
        out.push_str("# HELP xiaobao_http_request_duration_seconds HTTP request latency by method and route.\n");
        out.push_str("# TYPE xiaobao_http_request_duration_seconds histogram\n");
        for ((method, route), h) in &inner.latency {
            let route = escape(route);
            for (bound, count) in BUCKETS.iter().zip(h.counts.iter()) {
                let _ = writeln!(
                    out,
                    "xiaobao_http_request_duration_seconds_bucket{{method=\"{method}\",route=\"{route}\",le=\"{bound}\"}} {count}"
                );
            }
            let _ = writeln!(
                out,
                "xiaobao_http_request_duration_seconds_bucket{{method=\"{method}\",route=\"{route}\",le=\"+Inf\"}} {}",
                h.count
            );
            let _ = writeln!(
                out,
                "xiaobao_http_request_duration_seconds_sum{{method=\"{method}\",route=\"{route}\"}} {}",
                h.sum
            );
            let _ = writeln!(
                out,
                "xiaobao_http_request_duration_seconds_count{{method=\"{method}\",route=\"{route}\"}} {}",
                h.count
            );
        }
        out.push_str("# HELP xiaobao_db_pool_connections Database pool connections by state.\n");
        out.push_str("# TYPE xiaobao_db_pool_connections gauge\n");
        let _ = writeln!(
            out,
            "xiaobao_db_pool_connections{{state=\"open\"}} {}",
            pool.size
        );
        let _ = writeln!(
            out,
            "xiaobao_db_pool_connections{{state=\"idle\"}} {}",
            pool.idle
        );
        let _ = writeln!(
            out,
            "xiaobao_db_pool_connections{{state=\"max\"}} {}",
            pool.max
        );
        out.push_str("# HELP xiaobao_job_runs_total Background job runs on this instance by job and outcome.\n");
        out.push_str("# TYPE xiaobao_job_runs_total counter\n");
        for ((job, ok), n) in &inner.job_runs {
            let outcome = if *ok { "ok" } else { "error" };
            let _ = writeln!(
                out,
                "xiaobao_job_runs_total{{job=\"{job}\",outcome=\"{outcome}\"}} {n}"
            );
        }
        out
    }
}

fn escape(label: &str) -> String {
    label.replace('\\', "\\\\").replace('"', "\\\"")
}

/// Middleware: times each request and counts it under its route template (not
/// the concrete path, which would explode the series and could carry ids).
pub async fn track(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = request.method().as_str().to_string();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".to_string());
    let response = next.run(request).await;
    state.metrics.observe_request(
        &method,
        &route,
        response.status().as_u16(),
        start.elapsed().as_secs_f64(),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_and_histograms() {
        let m = Metrics::default();
        m.observe_request("GET", "/api/v1/orgs", 200, 0.003);
        m.observe_request("GET", "/api/v1/orgs", 200, 0.2);
        m.observe_job("purge_sessions", true);
        let text = m.render(xiaobao_store::PoolStats {
            size: 2,
            idle: 1,
            max: 8,
        });
        assert!(text.contains(
            "xiaobao_http_requests_total{method=\"GET\",route=\"/api/v1/orgs\",status=\"200\"} 2"
        ));
        assert!(text.contains("le=\"0.005\"} 1"));
        assert!(text.contains("le=\"0.25\"} 2"));
        assert!(text.contains("xiaobao_job_runs_total{job=\"purge_sessions\",outcome=\"ok\"} 1"));
        assert!(text.contains("xiaobao_db_pool_connections{state=\"max\"} 8"));
    }
}
