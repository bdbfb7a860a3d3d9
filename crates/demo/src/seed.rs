//! Filling the demo bank with a year of complaints: generated texts go through
//! the same intake path as real ones (validation, routing, assignment, PII
//! encryption, masking, search index), and each complaint's history is played
//! through the state machine with back-dated times, so every state, deadline
//! and timeline in the demo is one the product itself could have produced.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use xiaobao_domain::actor::Actor;
use xiaobao_domain::complaint::{
    Action, ComplaintState, NoticeMethod, Outcome, ReviewResult, Satisfaction,
};
use xiaobao_domain::sla::ExtensionTier;
use xiaobao_service::{IntakeError, Services};
use xiaobao_store::StoreError;
use xiaobao_store::complaints::{HistoricAction, NewComplaint};

use crate::complaints::{GeneratedComplaint, generate};

/// Seed of the demo's complaint stream: the same demo everywhere.
pub const DEMO_SEED: u64 = 20_261_127;
/// Complaints in the demo: about a year of a mid-sized bank's volume.
pub const DEMO_COMPLAINTS: usize = 20_000;

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("演示投诉 {external_id} 无法登记 demo complaint rejected: {source}")]
    Intake {
        external_id: String,
        #[source]
        source: IntakeError,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

const NOTICE: &str = "尊敬的客户：经核实，您反映的问题情况属实/部分属实，我行已调取业务记录和录音进行核查。\
根据相关合同约定和监管规定，理由说明如下：我行已按规定向您说明处理结果。\
如您对处理决定有异议，可自收到本决定之日起30日内书面向我行上级机构申请核查，也可向金融纠纷调解组织申请调解，或依法申请仲裁、向人民法院提起诉讼。";

fn display_name(username: &str) -> String {
    crate::USERS
        .iter()
        .find(|u| u.0 == username)
        .map(|u| u.1.to_string())
        .unwrap_or_else(|| username.to_string())
}

/// The actions that bring a new complaint to the generated target state,
/// stamped with plausible times and cut off at `now`.
fn history(
    g: &GeneratedComplaint,
    new: &NewComplaint,
    handled_by_branch: bool,
    now: DateTime<Utc>,
) -> Vec<HistoricAction> {
    let received = g.received_at;
    let handler = new.assignee.clone().unwrap_or_else(|| "cp_officer".into());
    let days = i64::from(g.handling_days.unwrap_or(9).clamp(1, 55));
    let notified_at = received + Duration::days(days) + Duration::hours(3);
    let mut steps: Vec<(Action, DateTime<Utc>)> = Vec::new();
    let accept = (Action::Accept, received + Duration::hours(5));
    let start = (
        Action::Start,
        received + Duration::days(1) + Duration::hours(2),
    );
    let notify = |steps: &mut Vec<(Action, DateTime<Utc>)>| {
        if days > 15 {
            let tier = if days > 30 {
                ExtensionTier::Special
            } else {
                ExtensionTier::Complex
            };
            steps.push((
                Action::Extend {
                    tier,
                    reason: "案情复杂，需调取交易记录和录音进一步核实".into(),
                    approver: Some("approver".into()),
                    complainant_notified_on: Some(xiaobao_domain::complaint::china_date(
                        received + Duration::days(12),
                    )),
                },
                received + Duration::days(12),
            ));
        }
        steps.push((
            Action::NotifyDecision {
                method: if days % 3 == 0 {
                    NoticeMethod::Written
                } else {
                    NoticeMethod::Phone
                },
                sent_at: notified_at,
                notice_text: NOTICE.into(),
            },
            notified_at,
        ));
    };
    match g.target_state {
        ComplaintState::Registered => {}
        ComplaintState::Accepted => steps.push(accept),
        ComplaintState::Rejected => steps.push((
            Action::Reject {
                reason: "经核实为业务咨询，不属于投诉，已当场解答并告知客户".into(),
            },
            received + Duration::hours(20),
        )),
        ComplaintState::InProgress => {
            steps.push(accept);
            steps.push(start);
        }
        ComplaintState::Withdrawn => {
            steps.push(accept);
            steps.push((
                Action::Withdraw { received_on: None },
                received + Duration::days(3),
            ));
        }
        ComplaintState::DecisionNotified => {
            steps.push(accept);
            steps.push(start);
            notify(&mut steps);
        }
        ComplaintState::Closed | ComplaintState::UnderReview => {
            steps.push(accept);
            steps.push(start);
            notify(&mut steps);
            if g.target_state == ComplaintState::UnderReview && handled_by_branch {
                let applied = notified_at + Duration::days(6);
                steps.push((
                    Action::RequestReview {
                        written: true,
                        application_received_on: Some(xiaobao_domain::complaint::china_date(
                            applied,
                        )),
                        decision_received_on: None,
                    },
                    applied,
                ));
                if applied + Duration::days(20) < now {
                    steps.push((
                        Action::DecideReview {
                            result: ReviewResult::Upheld,
                            summary: "经上级机构核查，原处理决定程序合规、结果适当，予以维持"
                                .into(),
                            decided_on: None,
                        },
                        applied + Duration::days(18),
                    ));
                }
            } else {
                steps.push((
                    Action::Close {
                        outcome: g.outcome.unwrap_or(Outcome::Settled),
                        satisfaction: g.satisfaction.unwrap_or(Satisfaction::NotRated),
                        compensation_fen: 0,
                        summary: "已按处理决定办结，客户已知悉".into(),
                    },
                    notified_at + Duration::days(2),
                ));
            }
        }
    }
    steps
        .into_iter()
        .filter(|(_, at)| *at <= now)
        .map(|(action, at)| {
            let actor = match action {
                Action::Accept | Action::Reject { .. } => "cp_officer".to_string(),
                _ => handler.clone(),
            };
            HistoricAction {
                actor_name: display_name(&actor),
                actor_username: actor,
                action,
                at,
            }
        })
        .collect()
}

/// Registers `count` generated complaints received over the year before
/// `today`, in batches, with their histories. Returns how many were stored.
pub async fn seed_complaints(
    services: &Services,
    count: usize,
    today: NaiveDate,
) -> Result<usize, SeedError> {
    let actor: Actor = services.store.actor_by_username("cp_officer").await?;
    let now = Utc::now();
    let generated = generate(DEMO_SEED, count, today, 365);
    let mut stored = 0;
    for chunk in generated.chunks(2_000) {
        let mut batch = Vec::with_capacity(chunk.len());
        for g in chunk {
            let input = g.to_input();
            let mut new = services
                .prepare_complaint(&actor, &input, now)
                .await
                .map_err(|source| SeedError::Intake {
                    external_id: g.external_id.clone(),
                    source,
                })?;
            let org = services.store.org_by_code(&new.org_code).await?;
            let handled_by_branch = matches!(org.kind.as_str(), "branch" | "sub_branch" | "outlet");
            new.registered_at = Some(g.received_at + Duration::minutes(30));
            new.history = history(g, &new, handled_by_branch, now);
            batch.push(new);
        }
        let ids = services
            .store
            .create_complaints(&actor, &batch, &services.policy(), now)
            .await?;
        stored += ids.len();
    }
    Ok(stored)
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn seeds_complaints_in_every_state(store: xiaobao_store::Store) {
        let keys = xiaobao_pii::KeyRing::generate().unwrap();
        let pii = xiaobao_pii::Pii::new(keys, xiaobao_pii::MaskPolicy::default());
        let services = Services::new(store.clone(), pii).unwrap();
        crate::seed(&store).await.unwrap().unwrap();
        let today = xiaobao_domain::complaint::china_date(Utc::now());
        let n = seed_complaints(&services, 400, today).await.unwrap();
        assert_eq!(n, 400);
        let officer = store.actor_by_username("cp_officer").await.unwrap();
        let mut states = std::collections::BTreeMap::new();
        let filter = |s: &str| xiaobao_store::complaints::ComplaintFilter {
            states: vec![s.to_string()],
            page: 1,
            per_page: 1,
            ..Default::default()
        };
        for s in [
            "registered",
            "accepted",
            "in_progress",
            "decision_notified",
            "closed",
            "withdrawn",
        ] {
            let page = store
                .list_complaints(&officer, &filter(s), today, 3)
                .await
                .unwrap();
            states.insert(s, page.total);
        }
        assert!(
            states["closed"] > 100,
            "most year-old complaints are closed: {states:?}"
        );
        assert!(
            states.values().filter(|n| **n > 0).count() >= 4,
            "several states present: {states:?}"
        );
        // Histories are real events, oldest first, starting with registration.
        let page = store
            .list_complaints(&officer, &filter("closed"), today, 3)
            .await
            .unwrap();
        let events = store
            .complaint_events(&officer, &page.items[0].id)
            .await
            .unwrap();
        let actions: Vec<_> = events.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(actions.first(), Some(&"register"));
        assert_eq!(actions.last(), Some(&"close"));
        assert!(
            events.windows(2).all(|w| w[0].at <= w[1].at),
            "events in time order"
        );
    }

    xiaobao_testkit::backend_tests!(seeds_complaints_in_every_state);
}
