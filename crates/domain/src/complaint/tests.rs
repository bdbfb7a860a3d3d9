use super::*;
use crate::sla::SlaStatus;
use chrono::TimeZone;
use proptest::prelude::*;

use ActionKind as K;
use ComplaintState as S;

const COMPLETE_NOTICE: &str = "经核实，您反映的年费扣收属实。依据《信用卡章程》第十条，理由如下：……。\
    如有异议，可在收到本决定之日起30日内向上级机构书面申请核查，也可申请调解，或依法申请仲裁、向人民法院提起诉讼。";

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
}

/// 10:00 China time on the given date.
fn at(date: &str) -> DateTime<Utc> {
    let day = d(date);
    Utc.from_utc_datetime(&day.and_hms_opt(2, 0, 0).expect("time"))
}

fn policy() -> &'static SlaPolicy {
    SlaPolicy::embedded().expect("embedded policy")
}

fn number(seq: u32) -> ComplaintNumber {
    ComplaintNumber::new(d("2026-11-02"), seq).expect("number")
}

fn registered() -> ComplaintFacts {
    ComplaintFacts::register(
        number(1),
        d("2026-11-02"),
        SlaRegime::Cbirc,
        "BR-001",
        true,
        vec!["staff-bad".into()],
    )
}

fn run(facts: &ComplaintFacts, action: Action, date: &str) -> ComplaintFacts {
    apply(facts, &action, "u-handler", at(date), policy())
        .unwrap_or_else(|e| panic!("{action:?}: {e}"))
        .facts
}

fn try_run(facts: &ComplaintFacts, action: Action, date: &str) -> Result<Transition, ActionError> {
    apply(facts, &action, "u-handler", at(date), policy())
}

fn notify(date: &str) -> Action {
    Action::NotifyDecision {
        method: NoticeMethod::Written,
        sent_at: at(date),
        notice_text: COMPLETE_NOTICE.into(),
    }
}

fn close() -> Action {
    Action::Close {
        outcome: Outcome::Upheld,
        satisfaction: Satisfaction::Satisfied,
        compensation_fen: 12_000,
        summary: "退还年费".into(),
    }
}

fn assign(who: &str) -> Action {
    Action::Assign {
        assignee: who.into(),
    }
}

fn request_review() -> Action {
    Action::RequestReview {
        written: true,
        application_received_on: None,
        decision_received_on: None,
    }
}

/// Facts in `state`, reached through real actions.
fn in_state(state: ComplaintState) -> ComplaintFacts {
    let f = registered();
    match state {
        S::Registered => f,
        S::Accepted => run(
            &run(&f, assign("u-1"), "2026-11-03"),
            Action::Accept,
            "2026-11-03",
        ),
        S::InProgress => run(&in_state(S::Accepted), Action::Start, "2026-11-03"),
        S::DecisionNotified => run(&in_state(S::InProgress), notify("2026-11-10"), "2026-11-10"),
        S::Closed => run(&in_state(S::DecisionNotified), close(), "2026-11-11"),
        S::UnderReview => run(
            &in_state(S::DecisionNotified),
            request_review(),
            "2026-11-12",
        ),
        S::Rejected => run(
            &f,
            Action::Reject {
                reason: "非投诉人本人或其代理人提出".into(),
            },
            "2026-11-03",
        ),
        S::Withdrawn => run(&f, Action::Withdraw { received_on: None }, "2026-11-03"),
    }
}

/// A valid instance of every action kind.
fn sample(kind: ActionKind) -> Action {
    match kind {
        K::Accept => Action::Accept,
        K::Reject => Action::Reject {
            reason: "不属于消费投诉".into(),
        },
        K::Start => Action::Start,
        K::Transfer => Action::Transfer {
            to_org: "BR-002".into(),
            reason: "属地管理".into(),
            to_is_branch: None,
        },
        K::Extend => Action::Extend {
            tier: ExtensionTier::Complex,
            reason: "需调取多方记录".into(),
            approver: None,
            complainant_notified_on: None,
        },
        K::Pause => Action::Pause {
            reason: PauseReason::Appraisal,
            note: "笔迹鉴定".into(),
            started_on: None,
        },
        K::Resume => Action::Resume { ended_on: None },
        K::Merge => Action::Merge {
            merged: number(2),
            new_facts: true,
            materials_received_on: None,
        },
        K::NotifyDecision => notify("2026-11-13"),
        K::Close => close(),
        K::Withdraw => Action::Withdraw { received_on: None },
        K::RequestReview => request_review(),
        K::DecideReview => Action::DecideReview {
            result: ReviewResult::Upheld,
            summary: "原处理决定适当".into(),
            decided_on: None,
        },
        K::Reopen => Action::Reopen {
            reason: "核查发现处理不当".into(),
        },
        K::Assign => assign("u-2"),
    }
}

/// The full transition table, written out independently of `allowed_actions`.
const TABLE: &[(ComplaintState, ActionKind, ComplaintState)] = &[
    (S::Registered, K::Accept, S::Accepted),
    (S::Registered, K::Reject, S::Rejected),
    (S::Registered, K::Transfer, S::Registered),
    (S::Registered, K::Pause, S::Registered),
    (S::Registered, K::Resume, S::Registered),
    (S::Registered, K::Merge, S::Registered),
    (S::Registered, K::Withdraw, S::Withdrawn),
    (S::Registered, K::Assign, S::Registered),
    (S::Accepted, K::Start, S::InProgress),
    (S::Accepted, K::Transfer, S::Accepted),
    (S::Accepted, K::Extend, S::Accepted),
    (S::Accepted, K::Pause, S::Accepted),
    (S::Accepted, K::Resume, S::Accepted),
    (S::Accepted, K::Merge, S::Accepted),
    (S::Accepted, K::Withdraw, S::Withdrawn),
    (S::Accepted, K::Assign, S::Accepted),
    (S::InProgress, K::Transfer, S::InProgress),
    (S::InProgress, K::Extend, S::InProgress),
    (S::InProgress, K::Pause, S::InProgress),
    (S::InProgress, K::Resume, S::InProgress),
    (S::InProgress, K::Merge, S::InProgress),
    (S::InProgress, K::NotifyDecision, S::DecisionNotified),
    (S::InProgress, K::Withdraw, S::Withdrawn),
    (S::InProgress, K::Assign, S::InProgress),
    (S::DecisionNotified, K::Close, S::Closed),
    (S::DecisionNotified, K::Withdraw, S::Withdrawn),
    (S::DecisionNotified, K::RequestReview, S::UnderReview),
    (S::Closed, K::RequestReview, S::UnderReview),
    (S::Closed, K::Reopen, S::InProgress),
    (S::UnderReview, K::DecideReview, S::Closed),
    (S::UnderReview, K::Withdraw, S::Withdrawn),
    (S::UnderReview, K::Assign, S::UnderReview),
    (S::Rejected, K::Reopen, S::Accepted),
];

#[test]
fn every_state_action_pair_follows_the_table() {
    let mut checked = 0;
    for state in ComplaintState::ALL {
        for kind in ActionKind::ALL {
            let mut facts = in_state(state);
            assert_eq!(facts.state, state);
            if kind == K::Resume && is_allowed(state, K::Pause) {
                facts = run(&facts, sample(K::Pause), "2026-11-13");
            }
            let expected = TABLE
                .iter()
                .find(|(s, k, _)| *s == state && *k == kind)
                .map(|(_, _, to)| *to);
            let result = apply(
                &facts,
                &sample(kind),
                "u-handler",
                at("2026-11-13"),
                policy(),
            );
            match (expected, result) {
                (Some(to), Ok(t)) => {
                    assert_eq!(t.facts.state, to, "{state:?} {kind:?}");
                    assert_eq!(t.event.from_state, state);
                    assert_eq!(t.event.to_state, to);
                    assert_eq!(t.event.action, kind);
                }
                (
                    None,
                    Err(ActionError::NotAllowed {
                        action,
                        state: s,
                        allowed,
                    }),
                ) => {
                    assert_eq!((action, s), (kind, state));
                    let want: Vec<ActionKind> = TABLE
                        .iter()
                        .filter(|(s, _, _)| *s == state)
                        .map(|(_, k, _)| *k)
                        .collect();
                    assert_eq!(allowed, want, "{state:?}");
                }
                (expected, got) => panic!("{state:?} {kind:?}: expected {expected:?}, got {got:?}"),
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 8 * 15);
}

#[test]
fn allowed_actions_matches_the_table() {
    for state in ComplaintState::ALL {
        let want: Vec<ActionKind> = TABLE
            .iter()
            .filter(|(s, _, _)| *s == state)
            .map(|(_, k, _)| *k)
            .collect();
        assert_eq!(allowed_actions(state), want.as_slice(), "{state:?}");
    }
    assert!(allowed_actions(S::Withdrawn).is_empty());
    for state in ComplaintState::ALL {
        assert_eq!(
            state.is_open(),
            is_allowed(state, K::Withdraw),
            "withdrawal is possible exactly in open states: {state:?}"
        );
    }
}

#[test]
fn not_allowed_error_is_chinese_and_lists_the_allowed_actions() {
    let err = try_run(&in_state(S::Accepted), close(), "2026-11-05").unwrap_err();
    assert!(err.is_conflict());
    assert_eq!(err.code(), "not_allowed");
    let msg = err.to_string();
    assert!(
        msg.starts_with("当前状态「已受理」不能执行「办结」"),
        "{msg}"
    );
    assert!(msg.contains("开始处理、转办、延期、暂停计时"), "{msg}");
    let err = try_run(&in_state(S::Withdrawn), Action::Accept, "2026-11-05").unwrap_err();
    assert!(err.to_string().ends_with("可执行的操作：无"), "{err}");
    let json = serde_json::to_value(&err).unwrap();
    assert_eq!(json["code"], "not_allowed");
    assert_eq!(json["allowed"], serde_json::json!([]));
}

#[test]
fn serde_names_are_the_api_contract() {
    let states: Vec<String> = ComplaintState::ALL
        .iter()
        .map(|s| {
            serde_json::to_value(s)
                .unwrap()
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(
        states,
        [
            "registered",
            "accepted",
            "rejected",
            "in_progress",
            "decision_notified",
            "closed",
            "under_review",
            "withdrawn"
        ]
    );
    let actions: Vec<String> = ActionKind::ALL
        .iter()
        .map(|a| {
            serde_json::to_value(a)
                .unwrap()
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(
        actions,
        [
            "accept",
            "reject",
            "start",
            "transfer",
            "extend",
            "pause",
            "resume",
            "merge",
            "notify_decision",
            "close",
            "withdraw",
            "request_review",
            "decide_review",
            "reopen",
            "assign"
        ]
    );
    for kind in ActionKind::ALL {
        let a = sample(kind);
        let json = serde_json::to_value(&a).unwrap();
        assert_eq!(json["action"], serde_json::to_value(kind).unwrap());
        assert_eq!(serde_json::from_value::<Action>(json).unwrap(), a);
    }
    let parsed: Action = serde_json::from_str(
        r#"{"action":"extend","tier":"special","reason":"特别复杂","approver":"hq-1","complainant_notified_on":"2026-11-05"}"#,
    )
    .unwrap();
    assert_eq!(parsed.kind(), K::Extend);
    assert!(serde_json::from_str::<Action>(r#"{"action":"fly"}"#).is_err());
}

#[test]
fn display_names_are_chinese() {
    let han = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    for s in ComplaintState::ALL {
        assert!(han(&s.to_string()), "{s:?}");
    }
    for a in ActionKind::ALL {
        assert!(han(&a.to_string()), "{a:?}");
    }
    assert_eq!(
        ComplaintState::DecisionNotified.label_zh(),
        "已告知处理决定"
    );
    assert_eq!(K::RequestReview.label_zh(), "申请核查");
    assert_eq!(Satisfaction::BasicallySatisfied.label_zh(), "基本满意");
    assert_eq!(NoticeMethod::Sms.label_zh(), "短信");
}

#[test]
fn field_validation_errors() {
    type Check = fn(&ActionError) -> bool;
    let missing: Check = |e| matches!(e, ActionError::MissingField { .. });
    let cases: Vec<(&str, ComplaintState, Action, Check)> = vec![
        (
            "reject needs a reason",
            S::Registered,
            Action::Reject { reason: " ".into() },
            missing,
        ),
        (
            "transfer needs a target",
            S::Accepted,
            Action::Transfer {
                to_org: "".into(),
                reason: "x".into(),
                to_is_branch: None,
            },
            missing,
        ),
        (
            "transfer needs a reason",
            S::Accepted,
            Action::Transfer {
                to_org: "BR-9".into(),
                reason: "".into(),
                to_is_branch: None,
            },
            missing,
        ),
        (
            "transfer to the same org",
            S::Accepted,
            Action::Transfer {
                to_org: " BR-001 ".into(),
                reason: "x".into(),
                to_is_branch: None,
            },
            |e| matches!(e, ActionError::SameOrg),
        ),
        (
            "extension needs a reason",
            S::InProgress,
            Action::Extend {
                tier: ExtensionTier::Complex,
                reason: "".into(),
                approver: None,
                complainant_notified_on: None,
            },
            missing,
        ),
        (
            "reopen needs a reason",
            S::Closed,
            Action::Reopen { reason: "".into() },
            missing,
        ),
        ("assign needs a user", S::Accepted, assign("  "), missing),
    ];
    for (name, state, action, check) in cases {
        let err = try_run(&in_state(state), action, "2026-11-05").unwrap_err();
        assert!(check(&err), "{name}: {err:?}");
        assert!(!err.is_conflict(), "{name}");
        assert!(!err.to_string().is_empty());
    }
    let accepted_unassigned = run(&registered(), Action::Accept, "2026-11-03");
    let err = try_run(&accepted_unassigned, Action::Start, "2026-11-03").unwrap_err();
    assert_eq!(err, ActionError::NoAssignee);
    assert!(err.is_conflict());
    let err = apply(
        &registered(),
        &Action::Accept,
        " ",
        at("2026-11-03"),
        policy(),
    )
    .unwrap_err();
    assert!(matches!(
        err,
        ActionError::MissingField { field: "actor", .. }
    ));
}

#[test]
fn transfer_moves_the_case_and_clears_the_handler() {
    let f = in_state(S::InProgress);
    let t = try_run(
        &f,
        Action::Transfer {
            to_org: "BR-002".into(),
            reason: "属地管理".into(),
            to_is_branch: Some(false),
        },
        "2026-11-05",
    )
    .unwrap();
    assert_eq!(t.facts.org_code, "BR-002");
    assert_eq!(t.facts.assignee, None);
    assert!(!t.facts.handled_by_branch);
    assert_eq!(t.facts.state, S::InProgress);
}

fn extend(tier: ExtensionTier, approver: Option<&str>, notified: Option<&str>) -> Action {
    Action::Extend {
        tier,
        reason: "案情复杂".into(),
        approver: approver.map(str::to_string),
        complainant_notified_on: notified.map(d),
    }
}

#[test]
fn extension_rules() {
    use ExtensionTier::*;
    type Check = fn(&Result<Transition, ActionError>) -> bool;
    let pboc = {
        let mut f = in_state(S::InProgress);
        f.sla.regime = SlaRegime::PbocTransfer;
        f
    };
    let after_complex = run(
        &in_state(S::InProgress),
        extend(Complex, None, None),
        "2026-11-10",
    );
    let cases: Vec<(&str, ComplaintFacts, Action, &str, Check)> = vec![
        (
            "complex with a reason",
            in_state(S::InProgress),
            extend(Complex, None, None),
            "2026-11-10",
            |r| r.as_ref().is_ok_and(|t| t.facts.sla.extensions.len() == 1),
        ),
        (
            "special needs an approver",
            in_state(S::InProgress),
            extend(Special, None, Some("2026-11-10")),
            "2026-11-10",
            |r| {
                matches!(
                    r,
                    Err(ActionError::MissingField {
                        field: "approver",
                        ..
                    })
                )
            },
        ),
        (
            "special needs the complainant told",
            in_state(S::InProgress),
            extend(Special, Some("hq-1"), None),
            "2026-11-10",
            |r| {
                matches!(
                    r,
                    Err(ActionError::MissingField {
                        field: "complainant_notified_on",
                        ..
                    })
                )
            },
        ),
        (
            "no self-approval",
            in_state(S::InProgress),
            extend(Special, Some("u-handler"), Some("2026-11-10")),
            "2026-11-10",
            |r| matches!(r, Err(ActionError::SelfApproval)),
        ),
        (
            "approver may not be complained-about staff",
            in_state(S::InProgress),
            extend(Special, Some("staff-bad"), Some("2026-11-10")),
            "2026-11-10",
            |r| matches!(r, Err(ActionError::ConflictOfInterest { .. })),
        ),
        (
            "notice date in the future",
            in_state(S::InProgress),
            extend(Special, Some("hq-1"), Some("2026-11-11")),
            "2026-11-10",
            |r| matches!(r, Err(ActionError::InvalidDate { .. })),
        ),
        (
            "special approved and notified",
            in_state(S::InProgress),
            extend(Special, Some("hq-1"), Some("2026-11-10")),
            "2026-11-10",
            |r| r.is_ok(),
        ),
        (
            "PBoC complex needs an approver",
            pboc.clone(),
            extend(Complex, None, Some("2026-11-10")),
            "2026-11-10",
            |r| {
                matches!(
                    r,
                    Err(ActionError::MissingField {
                        field: "approver",
                        ..
                    })
                )
            },
        ),
        (
            "PBoC complex approved",
            pboc,
            extend(Complex, Some("head-1"), Some("2026-11-10")),
            "2026-11-10",
            |r| r.is_ok(),
        ),
        (
            "same tier twice",
            after_complex.clone(),
            extend(Complex, None, None),
            "2026-11-11",
            |r| matches!(r, Err(ActionError::ExtensionNotLonger { current_days: 30 })),
        ),
        (
            "30 then 60",
            after_complex,
            extend(Special, Some("hq-1"), Some("2026-11-11")),
            "2026-11-11",
            |r| r.is_ok(),
        ),
        (
            "on the due day",
            in_state(S::InProgress),
            extend(Complex, None, None),
            "2026-11-17",
            |r| r.is_ok(),
        ),
        (
            "after the due date",
            in_state(S::InProgress),
            extend(Complex, None, None),
            "2026-11-18",
            |r| {
                matches!(
                    r,
                    Err(ActionError::ExtensionTooLate { due_date }) if *due_date == d("2026-11-17")
                )
            },
        ),
    ];
    for (name, facts, action, date, check) in cases {
        let r = try_run(&facts, action, date);
        assert!(check(&r), "{name}: {r:?}");
    }
}

#[test]
fn extension_moves_the_sla_due_date() {
    let f = in_state(S::InProgress);
    assert_eq!(
        f.sla_evaluation(policy(), d("2026-11-05")).due_date,
        d("2026-11-17")
    );
    let f = run(&f, extend(ExtensionTier::Complex, None, None), "2026-11-05");
    assert_eq!(
        f.sla_evaluation(policy(), d("2026-11-05")).due_date,
        d("2026-12-02")
    );
    let f = run(
        &f,
        extend(ExtensionTier::Special, Some("hq-1"), Some("2026-11-06")),
        "2026-11-06",
    );
    assert_eq!(
        f.sla_evaluation(policy(), d("2026-11-06")).due_date,
        d("2027-01-01")
    );
}

#[test]
fn pause_and_resume() {
    let f = in_state(S::InProgress);
    let pause = |started: Option<&str>| Action::Pause {
        reason: PauseReason::Mediation,
        note: String::new(),
        started_on: started.map(d),
    };
    let paused = run(&f, pause(Some("2026-11-05")), "2026-11-06");
    assert!(paused.sla.open_pause().is_some());
    let with_note = run(&f, sample(K::Pause), "2026-11-06");
    let open = with_note.sla.open_pause().unwrap();
    assert_eq!(
        (open.reason, open.note.as_str()),
        (PauseReason::Appraisal, "笔迹鉴定")
    );
    assert_eq!(open.start, d("2026-11-06"));
    assert_eq!(
        try_run(&paused, pause(None), "2026-11-06").unwrap_err(),
        ActionError::AlreadyPaused {
            since: d("2026-11-05")
        }
    );
    assert_eq!(
        try_run(&f, Action::Resume { ended_on: None }, "2026-11-06").unwrap_err(),
        ActionError::NotPaused
    );
    for (name, start, date) in [
        ("before receipt", "2026-11-01", "2026-11-06"),
        ("in the future", "2026-11-07", "2026-11-06"),
    ] {
        let err = try_run(&f, pause(Some(start)), date).unwrap_err();
        assert!(
            matches!(
                err,
                ActionError::InvalidDate {
                    field: "started_on",
                    ..
                }
            ),
            "{name}"
        );
    }
    let err = try_run(
        &paused,
        Action::Resume {
            ended_on: Some(d("2026-11-04")),
        },
        "2026-11-06",
    )
    .unwrap_err();
    assert!(matches!(
        err,
        ActionError::InvalidDate {
            field: "ended_on",
            ..
        }
    ));
    // Paused 2026-11-05 .. resumed 2026-11-09: 4 days, due 11-17 → 11-21.
    let resumed = run(&paused, Action::Resume { ended_on: None }, "2026-11-09");
    let e = resumed.sla_evaluation(policy(), d("2026-11-09"));
    assert_eq!(e.due_date, d("2026-11-21"));
    assert_eq!(e.paused_days, 4);
    assert!(!e.paused);
    // Notifying a decision while paused is refused.
    assert_eq!(
        try_run(&paused, notify("2026-11-06"), "2026-11-06").unwrap_err(),
        ActionError::ClockPaused
    );
}

#[test]
fn merge_with_and_without_new_facts() {
    let f = in_state(S::InProgress);
    let merge = |seq, new_facts| Action::Merge {
        merged: number(seq),
        new_facts,
        materials_received_on: None,
    };
    let same = run(&f, merge(2, false), "2026-11-08");
    assert_eq!(same.merged, [number(2)]);
    assert_eq!(
        same.sla_evaluation(policy(), d("2026-11-08")).due_date,
        d("2026-11-17")
    );
    let restarted = run(&f, merge(3, true), "2026-11-08");
    assert_eq!(
        restarted.sla_evaluation(policy(), d("2026-11-08")).due_date,
        d("2026-11-23")
    );
    assert_eq!(
        try_run(&f, merge(1, false), "2026-11-08").unwrap_err(),
        ActionError::SelfMerge
    );
    assert_eq!(
        try_run(&same, merge(2, true), "2026-11-08").unwrap_err(),
        ActionError::AlreadyMerged { number: number(2) }
    );
    let err = try_run(
        &f,
        Action::Merge {
            merged: number(4),
            new_facts: true,
            materials_received_on: Some(d("2026-10-30")),
        },
        "2026-11-08",
    )
    .unwrap_err();
    assert!(matches!(err, ActionError::InvalidDate { .. }));
}

#[test]
fn decision_notice_rules() {
    let f = in_state(S::InProgress);
    let incomplete = Action::NotifyDecision {
        method: NoticeMethod::Sms,
        sent_at: at("2026-11-10"),
        notice_text: "经核实，依据合同约定，理由如下。".into(),
    };
    match try_run(&f, incomplete, "2026-11-10").unwrap_err() {
        ActionError::NoticeIncomplete { missing } => assert_eq!(
            missing,
            [
                MissingElement::RemedyReview,
                MissingElement::RemedyMediation,
                MissingElement::RemedyArbitration,
                MissingElement::RemedyLitigation
            ]
        ),
        other => panic!("{other:?}"),
    }
    let future = Action::NotifyDecision {
        method: NoticeMethod::Phone,
        sent_at: at("2026-11-10") + chrono::TimeDelta::hours(1),
        notice_text: COMPLETE_NOTICE.into(),
    };
    assert!(matches!(
        try_run(&f, future, "2026-11-10").unwrap_err(),
        ActionError::InvalidDate {
            field: "sent_at",
            ..
        }
    ));
    let t = try_run(&f, notify("2026-11-10"), "2026-11-10").unwrap();
    assert_eq!(t.facts.sla.decision_notified_on, Some(d("2026-11-10")));
    assert_eq!(
        t.facts.decision.as_ref().unwrap().method,
        NoticeMethod::Written
    );
    let e = t.facts.sla_evaluation(policy(), d("2026-12-01"));
    assert_eq!(e.status, SlaStatus::Met);
    // Late decision is recorded but flagged.
    let late = run(&f, notify("2026-11-18"), "2026-11-18");
    let e = late.sla_evaluation(policy(), d("2026-12-01"));
    assert_eq!((e.status, e.breached), (SlaStatus::Overdue, true));
}

#[test]
fn close_records_outcome_satisfaction_and_compensation() {
    let f = in_state(S::Closed);
    let c = f.closure.as_ref().unwrap();
    assert_eq!(c.outcome, Outcome::Upheld);
    assert_eq!(c.satisfaction, Satisfaction::Satisfied);
    assert_eq!(c.compensation_fen, 12_000);
    assert_eq!(c.closed_at, at("2026-11-11"));
}

#[test]
fn withdrawal_stops_the_clock_on_the_day_it_arrives() {
    let f = run(&in_state(S::InProgress), sample(K::Pause), "2026-11-05");
    let t = try_run(
        &f,
        Action::Withdraw {
            received_on: Some(d("2026-11-06")),
        },
        "2026-11-07",
    )
    .unwrap();
    assert_eq!(t.facts.state, S::Withdrawn);
    assert_eq!(t.facts.sla.withdrawn_on, Some(d("2026-11-06")));
    assert!(t.facts.sla.open_pause().is_none());
    let e = t.facts.sla_evaluation(policy(), d("2026-12-30"));
    assert_eq!(
        (e.status, e.finished_on),
        (SlaStatus::Stopped, Some(d("2026-11-06")))
    );
    let err = try_run(
        &f,
        Action::Withdraw {
            received_on: Some(d("2026-11-01")),
        },
        "2026-11-07",
    )
    .unwrap_err();
    assert!(matches!(err, ActionError::InvalidDate { .. }));
    // Withdrawal during 核查 withdraws the application too.
    let w = run(&in_state(S::UnderReview), sample(K::Withdraw), "2026-11-13");
    assert_eq!(w.review.unwrap().withdrawn_on, Some(d("2026-11-13")));
}

#[test]
fn review_request_rules() {
    type Check = fn(&Result<Transition, ActionError>) -> bool;
    let notified = in_state(S::DecisionNotified); // decision sent 2026-11-10
    let head_office = {
        let mut f = notified.clone();
        f.handled_by_branch = false;
        f
    };
    let req = |written, applied: Option<&str>, received: Option<&str>| Action::RequestReview {
        written,
        application_received_on: applied.map(d),
        decision_received_on: received.map(d),
    };
    let cases: Vec<(&str, ComplaintFacts, Action, &str, Check)> = vec![
        (
            "head-office decision cannot go to 核查",
            head_office,
            req(true, None, None),
            "2026-11-12",
            |r| matches!(r, Err(ActionError::ReviewNotAvailable)),
        ),
        (
            "oral application refused",
            notified.clone(),
            req(false, None, None),
            "2026-11-12",
            |r| matches!(r, Err(ActionError::ReviewNotWritten)),
        ),
        (
            "day 30 after receiving the decision",
            notified.clone(),
            req(true, None, None),
            "2026-12-10",
            |r| r.is_ok(),
        ),
        (
            "day 31 is late",
            notified.clone(),
            req(true, None, None),
            "2026-12-11",
            |r| {
                matches!(
                    r,
                    Err(ActionError::ReviewWindowClosed { deadline, applied })
                        if *deadline == d("2026-12-10") && *applied == d("2026-12-11")
                )
            },
        ),
        (
            "later receipt of a posted letter extends the window",
            notified.clone(),
            req(true, None, Some("2026-11-13")),
            "2026-12-13",
            |r| r.is_ok(),
        ),
        (
            "received before it was sent",
            notified.clone(),
            req(true, None, Some("2026-11-09")),
            "2026-11-12",
            |r| {
                matches!(
                    r,
                    Err(ActionError::InvalidDate {
                        field: "decision_received_on",
                        ..
                    })
                )
            },
        ),
        (
            "applied before receiving the decision",
            notified.clone(),
            req(true, Some("2026-11-11"), Some("2026-11-12")),
            "2026-11-12",
            |r| {
                matches!(
                    r,
                    Err(ActionError::InvalidDate {
                        field: "application_received_on",
                        ..
                    })
                )
            },
        ),
        (
            "from closed",
            in_state(S::Closed),
            req(true, None, None),
            "2026-11-20",
            |r| r.as_ref().is_ok_and(|t| t.facts.state == S::UnderReview),
        ),
    ];
    for (name, facts, action, date, check) in cases {
        let r = try_run(&facts, action, date);
        assert!(check(&r), "{name}: {r:?}");
    }
    // A second 核查 is refused after the first is decided.
    let decided = run(
        &in_state(S::UnderReview),
        sample(K::DecideReview),
        "2026-11-20",
    );
    assert_eq!(decided.state, S::Closed);
    let r = decided.review.as_ref().unwrap();
    assert_eq!(
        (r.result, r.decided_on),
        (Some(ReviewResult::Upheld), Some(d("2026-11-20")))
    );
    assert_eq!(
        try_run(&decided, request_review(), "2026-11-21").unwrap_err(),
        ActionError::ReviewAlreadyRequested
    );
    // The 核查 clock: application 2026-11-12 → decision due 2026-12-12.
    let review = in_state(S::UnderReview);
    let e = review.review_evaluation(policy(), d("2026-11-20")).unwrap();
    assert_eq!(e.handling_due, Some(d("2026-12-12")));
    assert_eq!(e.status, Some(SlaStatus::OnTrack));
    // Decided before the application arrived.
    let err = try_run(
        &review,
        Action::DecideReview {
            result: ReviewResult::Revised,
            summary: String::new(),
            decided_on: Some(d("2026-11-11")),
        },
        "2026-11-20",
    )
    .unwrap_err();
    assert!(matches!(
        err,
        ActionError::InvalidDate {
            field: "decided_on",
            ..
        }
    ));
}

#[test]
fn reopen_starts_a_fresh_period() {
    let closed = in_state(S::Closed);
    let t = try_run(&closed, sample(K::Reopen), "2026-11-20").unwrap();
    assert_eq!(t.facts.state, S::InProgress);
    assert!(t.facts.decision.is_none() && t.facts.closure.is_none());
    let e = t.facts.sla_evaluation(policy(), d("2026-11-20"));
    assert_eq!(e.effective_received_on, d("2026-11-20"));
    assert_eq!(e.due_date, d("2026-12-05"));
    assert_eq!(e.status, SlaStatus::OnTrack);

    let rejected = in_state(S::Rejected);
    assert_eq!(
        rejected.sla_evaluation(policy(), d("2026-11-20")).status,
        SlaStatus::Stopped
    );
    let reopened = run(&rejected, sample(K::Reopen), "2026-11-20");
    assert_eq!(reopened.state, S::Accepted);
    assert!(reopened.rejection.is_none());
    assert_eq!(
        reopened.sla_evaluation(policy(), d("2026-11-20")).status,
        SlaStatus::OnTrack
    );
}

#[test]
fn assignment_respects_recusal() {
    let f = in_state(S::Registered);
    for who in ["staff-bad", " staff-bad "] {
        assert_eq!(
            try_run(&f, assign(who), "2026-11-03").unwrap_err(),
            ActionError::ConflictOfInterest {
                user: "staff-bad".into()
            }
        );
    }
    let a = run(&f, assign("u-1"), "2026-11-03");
    assert_eq!(a.assignee.as_deref(), Some("u-1"));
    assert_eq!(
        try_run(&a, assign("u-1"), "2026-11-03").unwrap_err(),
        ActionError::AlreadyAssigned {
            assignee: "u-1".into()
        }
    );
    let b = run(&a, assign("u-2"), "2026-11-03");
    assert_eq!(b.assignee.as_deref(), Some("u-2"));
    let err = try_run(&f, assign("staff-bad"), "2026-11-03").unwrap_err();
    assert!(err.to_string().contains("回避"));
}

#[test]
fn event_records_actor_time_and_changed_fields_only() {
    let f = in_state(S::Registered);
    let t = apply(&f, &assign("u-9"), " u-admin ", at("2026-11-03"), policy()).unwrap();
    assert_eq!(t.event.actor, "u-admin");
    assert_eq!(t.event.at, at("2026-11-03"));
    assert_eq!(t.event.complaint, number(1));
    let p = &t.event.payload;
    assert_eq!(p["params"], serde_json::json!({"assignee": "u-9"}));
    assert_eq!(p["before"], serde_json::json!({"assignee": null}));
    assert_eq!(p["after"], serde_json::json!({"assignee": "u-9"}));

    let t = try_run(&in_state(S::InProgress), notify("2026-11-10"), "2026-11-10").unwrap();
    let before = t.event.payload["before"].as_object().unwrap();
    let mut keys: Vec<&String> = before.keys().collect();
    keys.sort();
    assert_eq!(keys, ["decision", "sla", "state"]);
    assert_eq!(t.event.payload["after"]["state"], "decision_notified");
}

#[test]
fn apply_never_changes_its_input() {
    let f = in_state(S::InProgress);
    let copy = f.clone();
    for kind in ActionKind::ALL {
        let _ = try_run(&f, sample(kind), "2026-11-13");
    }
    assert_eq!(f, copy);
}

#[test]
fn available_actions_reflect_the_facts() {
    let f = in_state(S::InProgress);
    assert!(f.available_actions().contains(&K::Pause));
    assert!(!f.available_actions().contains(&K::Resume));
    let p = run(&f, sample(K::Pause), "2026-11-05");
    let avail = p.available_actions();
    assert!(avail.contains(&K::Resume) && !avail.contains(&K::Pause));
    assert!(!avail.contains(&K::NotifyDecision));
    let unassigned = run(&registered(), Action::Accept, "2026-11-03");
    assert!(!unassigned.available_actions().contains(&K::Start));
    let mut ho = in_state(S::DecisionNotified);
    assert!(ho.available_actions().contains(&K::RequestReview));
    ho.handled_by_branch = false;
    assert!(!ho.available_actions().contains(&K::RequestReview));
}

#[test]
fn china_date_uses_utc_plus_eight() {
    let cases = [
        ("2026-11-02T15:59:59Z", "2026-11-02"),
        ("2026-11-02T16:00:00Z", "2026-11-03"),
        ("2026-12-31T20:00:00Z", "2027-01-01"),
    ];
    for (utc, want) in cases {
        let t: DateTime<Utc> = utc.parse().unwrap();
        assert_eq!(china_date(t), d(want), "{utc}");
    }
}

#[test]
fn facts_round_trip_through_json() {
    for state in ComplaintState::ALL {
        let f = in_state(state);
        let json = serde_json::to_string(&f).unwrap();
        assert_eq!(serde_json::from_str::<ComplaintFacts>(&json).unwrap(), f);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Random action sequences: every success follows the table, every refusal of a
    /// state-disallowed action is NotAllowed, withdrawn is terminal, and the decision
    /// due date never falls before receipt + 15 days.
    #[test]
    fn random_sequences_respect_the_table(
        steps in proptest::collection::vec((0usize..15, 0i64..4), 1..25)
    ) {
        let mut facts = registered();
        let mut day = d("2026-11-02");
        for (k, advance) in steps {
            day += chrono::TimeDelta::days(advance);
            let kind = ActionKind::ALL[k];
            let action = match sample(kind) {
                Action::NotifyDecision { method, notice_text, .. } => Action::NotifyDecision {
                    method,
                    sent_at: at(&day.to_string()),
                    notice_text,
                },
                other => other,
            };
            let before = facts.clone();
            let result = apply(&facts, &action, "u-handler", at(&day.to_string()), policy());
            let expected = TABLE.iter().find(|(s, a, _)| *s == before.state && *a == kind).map(|t| t.2);
            match result {
                Ok(t) => {
                    prop_assert_eq!(Some(t.facts.state), expected);
                    prop_assert_eq!(t.event.from_state, before.state);
                    prop_assert!(before.state != S::Withdrawn);
                    facts = t.facts;
                }
                Err(ActionError::NotAllowed { .. }) => prop_assert!(expected.is_none()),
                Err(_) => prop_assert!(expected.is_some()),
            }
            let e = facts.sla_evaluation(policy(), day);
            prop_assert!(e.due_date >= facts.sla.received_on + chrono::TimeDelta::days(15));
        }
    }
}
