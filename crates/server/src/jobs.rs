//! Background jobs. Each job runs on whichever instance holds its database
//! lease, so a cluster of instances runs each job once per period, and a
//! crashed instance's jobs move to another when its lease expires.

use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::AppState;

/// How often the scheduler wakes: configuration and knowledge-base edits and
/// new complaints' term statistics are picked up this often.
const TICK: Duration = Duration::from_secs(10);
/// Maintenance jobs run every this many ticks.
const MAINTENANCE_EVERY: u32 = 6;
/// How long a lease lasts; longer than a tick so the holder renews it in time.
const LEASE_SECONDS: i64 = 180;
/// How long login attempts are kept for throttling and review.
const LOGIN_ATTEMPT_RETENTION_SECONDS: i64 = 30 * 24 * 3600;

/// The running scheduler; [`Jobs::stop`] ends it.
pub struct Jobs {
    stop: watch::Sender<bool>,
    handle: JoinHandle<()>,
}

impl Jobs {
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.handle.await;
    }
}

/// The maintenance jobs every instance offers to run.
pub const JOBS: [&str; 5] = [
    "purge_expired_sessions",
    "purge_login_attempts",
    "refresh_paused_deadlines",
    EVALUATE_ALERTS,
    ESCALATE_ALERTS,
];

/// Runs the alert rules over the recent complaints as of today (the first
/// run after a start evaluates at once, so seeded demo data shows alerts).
pub const EVALUATE_ALERTS: &str = "evaluate_alerts";

/// Moves unacknowledged high-severity alerts to the parent organisation.
pub const ESCALATE_ALERTS: &str = "escalate_alerts";

/// Counts the terms of new complaints into the analysis statistics.
pub const COUNT_TERMS: &str = "count_terms";

/// Starts the scheduler.
pub fn spawn(state: AppState) -> Jobs {
    let (stop, mut stopped) = watch::channel(false);
    let handle = tokio::spawn(async move {
        let mut tick: u32 = 0;
        loop {
            // Every instance picks up configuration and knowledge-base edits
            // made on any of them.
            if let Err(err) = state.services.reload_config().await {
                tracing::warn!(error = %err, "cannot reload configuration");
            }
            run_once(&state, COUNT_TERMS).await;
            // Every instance keeps its copy of the term statistics current,
            // whichever instance counted them, so analysis pages stay fast.
            if let Err(err) = state.services.refresh_term_index().await {
                tracing::warn!(error = %err, "cannot refresh the term statistics");
            }
            if tick.is_multiple_of(MAINTENANCE_EVERY) {
                for job in JOBS {
                    run_once(&state, job).await;
                }
            }
            tick = tick.wrapping_add(1);
            tokio::select! {
                _ = tokio::time::sleep(TICK) => {}
                _ = stopped.changed() => break,
            }
        }
        for job in JOBS.into_iter().chain([COUNT_TERMS]) {
            let _ = state
                .store
                .release_lease(job, &state.config.instance_id)
                .await;
        }
    });
    Jobs { stop, handle }
}

/// Runs `job` if this instance holds (or can take) its lease. Returns whether
/// it ran.
pub async fn run_once(state: &AppState, job: &str) -> bool {
    let holder = &state.config.instance_id;
    match state
        .store
        .try_acquire_lease(job, holder, LEASE_SECONDS)
        .await
    {
        Ok(true) => {}
        Ok(false) => return false,
        Err(err) => {
            tracing::warn!(job, error = %err, "cannot take job lease");
            return false;
        }
    }
    let started = xiaobao_store::time::now();
    let result = match job {
        "purge_expired_sessions" => state
            .store
            .purge_expired_sessions()
            .await
            .map(|n| format!("删除过期会话 {n} 个")),
        "purge_login_attempts" => state
            .store
            .purge_login_attempts(LOGIN_ATTEMPT_RETENTION_SECONDS)
            .await
            .map(|n| format!("删除登录记录 {n} 条")),
        "refresh_paused_deadlines" => state
            .store
            .refresh_paused_deadlines(&state.services.policy(), chrono::Utc::now())
            .await
            .map(|n| format!("更新暂停计时投诉的期限 {n} 件")),
        COUNT_TERMS => match state.services.count_pending_terms().await {
            // Nothing new: not worth a row in the job history every tick.
            Ok(0) => return true,
            Ok(n) => Ok(format!("统计新投诉词频 {n} 件")),
            Err(e) => Err(e),
        },
        EVALUATE_ALERTS => {
            let today = xiaobao_domain::complaint::china_date(chrono::Utc::now());
            state
                .services
                .evaluate_alerts(today)
                .await
                .map(|r| {
                    format!(
                        "预警评估 {today}：投诉 {} 件，候选 {} 条，新预警 {} 条",
                        r.records,
                        r.candidates,
                        r.created.len()
                    )
                })
                .map_err(alert_error)
        }
        ESCALATE_ALERTS => state
            .services
            .escalate_alerts(chrono::Utc::now())
            .await
            .map(|n| format!("超时未确认的高等级预警升级 {n} 条"))
            .map_err(alert_error),
        other => Ok(format!("未知任务 {other}")),
    };
    let (ok, message) = match result {
        Ok(m) => (true, m),
        Err(e) => (false, e.to_string()),
    };
    state.metrics.observe_job(job, ok);
    if let Err(err) = state
        .store
        .record_job_run(job, holder, &started, ok, &message)
        .await
    {
        tracing::warn!(job, error = %err, "cannot record job run");
    }
    true
}

fn alert_error(e: xiaobao_service::alerts::AlertServiceError) -> xiaobao_store::StoreError {
    match e {
        xiaobao_service::alerts::AlertServiceError::Store(e) => e,
        other => xiaobao_store::StoreError::Internal(other.to_string()),
    }
}
