//! Complaints in storage, on both backends: registration and numbering,
//! scope, filters, full-text search, actions and their history, atomic batches.

use chrono::{DateTime, NaiveDate, Utc};
use xiaobao_domain::actor::Actor;
use xiaobao_domain::complaint::{Action, ActionError};
use xiaobao_domain::org::OrgKind;
use xiaobao_domain::role::Role;
use xiaobao_domain::sla::{SlaPolicy, SlaRegime};
use xiaobao_domain::taxonomy::{Classification, Dimension, Taxonomy};
use xiaobao_store::accounts::NewUser;
use xiaobao_store::complaints::{
    ActionFailure, ComplaintFilter, DeadlineFilter, NewComplaint, ProtectedComplainant,
    ProtectedField,
};
use xiaobao_store::orgs::NewOrg;
use xiaobao_store::{Backend, Store, StoreError};

xiaobao_testkit::backend_tests!(
    registration_numbers_and_scope,
    lists_filter_and_search,
    actions_follow_the_state_machine,
    batches_are_all_or_nothing,
    many_rows_keep_their_text_and_order,
    a_failed_statement_in_flight_keeps_nothing,
    search_ranks_the_newest_matches_in_scope,
    deadlines_are_counted,
    capped_counts_keep_pages_and_scope,
);

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn policy() -> &'static SlaPolicy {
    SlaPolicy::embedded().unwrap()
}

async fn setup(store: &Store) -> (Actor, Actor, Actor) {
    let org = |code, name, kind, parent| NewOrg {
        code,
        name,
        kind,
        parent_code: parent,
        sort_order: 0,
    };
    store
        .create_org(&org("HO", "总行", OrgKind::HeadOffice, None))
        .await
        .unwrap();
    store
        .create_org(&org("HZ", "杭州分行", OrgKind::Branch, Some("HO")))
        .await
        .unwrap();
    store
        .create_org(&org("HZ01", "西湖支行", OrgKind::SubBranch, Some("HZ")))
        .await
        .unwrap();
    store
        .create_org(&org("NB", "宁波分行", OrgKind::Branch, Some("HO")))
        .await
        .unwrap();
    let mut actors = Vec::new();
    for (name, role, org) in [
        ("officer", Role::CpOfficer, "HO"),
        ("hz", Role::Handler, "HZ"),
        ("nb", Role::Handler, "NB"),
    ] {
        store
            .create_user(&NewUser {
                username: name,
                display_name: "",
                role,
                org_code: org,
                password: "long enough pw",
                must_change_password: false,
            })
            .await
            .unwrap();
        actors.push(store.actor_by_username(name).await.unwrap());
    }
    let nb = actors.pop().unwrap();
    let hz = actors.pop().unwrap();
    let officer = actors.pop().unwrap();
    (officer, hz, nb)
}

fn classification(category: &str, reason: &str) -> Classification {
    let tax = Taxonomy::embedded().unwrap();
    tax.normalize(&Classification {
        channel: "电话渠道".into(),
        business_category: category.into(),
        business_subcategory: None,
        reason: reason.into(),
        source: "自有渠道".into(),
        demands: vec![],
        vulnerable_flags: vec![],
        complainant_role: "本人".into(),
    })
    .unwrap()
}

fn complaint(org: &str, received: &str, content: &str, tokens: &str) -> NewComplaint {
    NewComplaint {
        external_id: None,
        received_at: at(received),
        classification: classification("银行卡", "定价收费"),
        regime: SlaRegime::Cbirc,
        title: content.chars().take(12).collect(),
        content: content.into(),
        content_enc: None,
        complainant: ProtectedComplainant {
            name: Some(ProtectedField {
                ciphertext: "v1:k:AAAA".into(),
                masked: "张*".into(),
                blind_index: None,
            }),
            phone: Some(ProtectedField {
                ciphertext: "v1:k:BBBB".into(),
                masked: "138****5678".into(),
                blind_index: Some("abc".into()),
            }),
            ..Default::default()
        },
        product: None,
        amount_fen: Some(12_800),
        subject_staff: vec![],
        tags: vec![],
        org_code: org.into(),
        assignee: None,
        search_tokens: tokens.into(),
        registered_at: None,
        history: Vec::new(),
    }
}

async fn registration_numbers_and_scope(store: Store) {
    let (officer, hz, nb) = setup(&store).await;
    let now = at("2026-11-27T10:00:00+08:00");
    let a = store
        .create_complaint(
            &hz,
            &complaint(
                "HZ01",
                "2026-11-02T09:00:00+08:00",
                "信用卡年费被扣",
                "信用卡 年费 扣",
            ),
            policy(),
            now,
        )
        .await
        .unwrap();
    let b = store
        .create_complaint(
            &nb,
            &complaint(
                "NB",
                "2026-11-20T09:00:00+08:00",
                "网点排队太久",
                "网点 排队",
            ),
            policy(),
            now,
        )
        .await
        .unwrap();
    assert_eq!(a.number, "TS20261127000001");
    assert_eq!(b.number, "TS20261127000002");
    assert_eq!(a.state, "registered");
    assert_eq!(
        a.due_on.as_deref(),
        Some("2026-11-17"),
        "received 11-02 → due 11-17"
    );
    assert_eq!(a.org_name, "西湖支行");
    assert_eq!(a.name_masked.as_deref(), Some("张*"));
    assert_eq!(a.created_by, "hz");
    // A branch handler registers only inside their subtree.
    let err = store
        .create_complaint(
            &hz,
            &complaint("NB", "2026-11-20T09:00:00+08:00", "x", "x"),
            policy(),
            now,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err}");
    // Reads are scoped; outside the scope is "not found", by id and by number.
    assert!(matches!(
        store.get_complaint(&hz, &b.id).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.get_complaint(&hz, &b.number).await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(
        store.get_complaint(&officer, &b.number).await.unwrap().id,
        b.id
    );
    assert!(matches!(
        store.complaint_events(&nb, &a.id).await,
        Err(StoreError::NotFound(_))
    ));
    let events = store.complaint_events(&hz, &a.id).await.unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].action, "register");
    // Roles that do not handle complaints cannot register them.
    let viewer = Actor {
        role: Role::Viewer,
        ..officer.clone()
    };
    assert!(matches!(
        store
            .create_complaint(
                &viewer,
                &complaint("HZ", "2026-11-20T09:00:00+08:00", "x", "x"),
                policy(),
                now
            )
            .await,
        Err(StoreError::Forbidden(_))
    ));
    // Personal data: only revealing roles get the ciphertext, and only in scope.
    use xiaobao_store::complaints::SecretColumn;
    assert_eq!(
        store
            .complaint_secret(&hz, &a.id, SecretColumn::Phone)
            .await
            .unwrap()
            .as_deref(),
        Some("v1:k:BBBB")
    );
    assert!(matches!(
        store
            .complaint_secret(&nb, &a.id, SecretColumn::Phone)
            .await,
        Err(StoreError::NotFound(_))
    ));
    let auditor = Actor {
        role: Role::Auditor,
        ..officer
    };
    assert!(matches!(
        store
            .complaint_secret(&auditor, &a.id, SecretColumn::Phone)
            .await,
        Err(StoreError::Forbidden(_))
    ));
}

async fn lists_filter_and_search(store: Store) {
    let (officer, hz, _nb) = setup(&store).await;
    let now = at("2026-11-27T10:00:00+08:00");
    let today = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
    let mut card = complaint(
        "HZ01",
        "2026-11-10T09:00:00+08:00",
        "信用卡分期手续费过高",
        "信用卡 分期 手续费 过高",
    );
    card.classification = classification("银行卡", "定价收费");
    let mut loan = complaint(
        "HZ",
        "2026-11-25T09:00:00+08:00",
        "提前还款被收违约金",
        "提前 还款 违约金",
    );
    loan.classification = classification("贷款", "合同条款");
    let mut queue = complaint(
        "NB",
        "2026-10-01T09:00:00+08:00",
        "网点排队两小时 手续费",
        "网点 排队 小时 手续费",
    );
    queue.classification = classification("其他", "服务态度及服务质量");
    for c in [&card, &loan, &queue] {
        store
            .create_complaint(&officer, c, policy(), now)
            .await
            .unwrap();
    }
    let all = |f: ComplaintFilter| ComplaintFilter {
        per_page: 50,
        page: 1,
        ..f
    };
    let page = store
        .list_complaints(&officer, &all(ComplaintFilter::default()), today, 3)
        .await
        .unwrap();
    assert_eq!(page.total, 3);
    assert_eq!(page.items[0].title, loan.title, "newest first");
    let page = store
        .list_complaints(&hz, &all(ComplaintFilter::default()), today, 3)
        .await
        .unwrap();
    assert_eq!(page.total, 2, "handler sees own branch only");
    let loan_code = Taxonomy::embedded()
        .unwrap()
        .validate(Dimension::BusinessCategory, "贷款")
        .unwrap()
        .code
        .clone();
    let page = store
        .list_complaints(
            &officer,
            &all(ComplaintFilter {
                business_category: Some(loan_code),
                ..Default::default()
            }),
            today,
            3,
        )
        .await
        .unwrap();
    assert_eq!(page.total, 1);
    let page = store
        .list_complaints(
            &officer,
            &all(ComplaintFilter {
                org: Some("HZ".into()),
                received_from: NaiveDate::from_ymd_opt(2026, 11, 20),
                ..Default::default()
            }),
            today,
            3,
        )
        .await
        .unwrap();
    assert_eq!(page.total, 1);
    // An org outside the handler's scope matches nothing.
    let page = store
        .list_complaints(
            &hz,
            &all(ComplaintFilter {
                org: Some("NB".into()),
                ..Default::default()
            }),
            today,
            3,
        )
        .await
        .unwrap();
    assert_eq!(page.total, 0);
    // Full text: AND of words, ranked, and still scoped.
    let page = store
        .list_complaints(
            &officer,
            &all(ComplaintFilter {
                search_tokens: Some("手续费".into()),
                ..Default::default()
            }),
            today,
            3,
        )
        .await
        .unwrap();
    assert_eq!(page.total, 2);
    let page = store
        .list_complaints(
            &officer,
            &all(ComplaintFilter {
                search_tokens: Some("手续费 分期".into()),
                ..Default::default()
            }),
            today,
            3,
        )
        .await
        .unwrap();
    assert_eq!(page.total, 1);
    assert_eq!(page.items[0].title, card.title);
    let page = store
        .list_complaints(
            &hz,
            &all(ComplaintFilter {
                search_tokens: Some("排队".into()),
                ..Default::default()
            }),
            today,
            3,
        )
        .await
        .unwrap();
    assert_eq!(
        page.total, 0,
        "search must not leak another branch's complaint"
    );
    // Paging.
    let page = store
        .list_complaints(
            &officer,
            &ComplaintFilter {
                per_page: 2,
                page: 2,
                ..Default::default()
            },
            today,
            3,
        )
        .await
        .unwrap();
    assert_eq!((page.total, page.items.len()), (3, 1));
    // Quotes and FTS syntax in a search are words, not syntax.
    let page = store
        .list_complaints(
            &officer,
            &all(ComplaintFilter {
                search_tokens: Some("\" OR * NEAR(".into()),
                ..Default::default()
            }),
            today,
            3,
        )
        .await
        .unwrap();
    assert_eq!(page.total, 0);
}

async fn actions_follow_the_state_machine(store: Store) {
    let (officer, hz, _nb) = setup(&store).await;
    let now = at("2026-11-03T10:00:00+08:00");
    let c = store
        .create_complaint(
            &hz,
            &complaint("HZ01", "2026-11-02T09:00:00+08:00", "年费", "年费"),
            policy(),
            now,
        )
        .await
        .unwrap();
    let err = store
        .apply_complaint_action(&hz, &c.id, &Action::Start, policy(), now)
        .await
        .unwrap_err();
    match err {
        ActionFailure::Rule(ActionError::NotAllowed { allowed, .. }) => {
            assert!(!allowed.is_empty())
        }
        other => panic!("expected NotAllowed, got {other}"),
    }
    let c = store
        .apply_complaint_action(&hz, &c.id, &Action::Accept, policy(), now)
        .await
        .unwrap();
    assert_eq!(c.state, "accepted");
    // Assignment is checked: unknown users and users of other branches are refused.
    assert!(
        store
            .apply_complaint_action(
                &hz,
                &c.id,
                &Action::Assign {
                    assignee: "ghost".into()
                },
                policy(),
                now
            )
            .await
            .is_err()
    );
    assert!(
        store
            .apply_complaint_action(
                &hz,
                &c.id,
                &Action::Assign {
                    assignee: "nb".into()
                },
                policy(),
                now
            )
            .await
            .is_err()
    );
    let c = store
        .apply_complaint_action(
            &hz,
            &c.id,
            &Action::Assign {
                assignee: "hz".into(),
            },
            policy(),
            now,
        )
        .await
        .unwrap();
    assert_eq!(c.assignee.as_deref(), Some("hz"));
    let c = store
        .apply_complaint_action(&hz, &c.id, &Action::Start, policy(), now)
        .await
        .unwrap();
    assert_eq!(c.state, "in_progress");
    // Transfer to another branch: the handler loses sight of it, the officer does not.
    let c = store
        .apply_complaint_action(
            &hz,
            &c.id,
            &Action::Transfer {
                to_org: "NB".into(),
                reason: "属宁波分行业务".into(),
                to_is_branch: None,
            },
            policy(),
            now,
        )
        .await
        .unwrap();
    assert_eq!(c.org_code, "NB");
    assert!(matches!(
        store.get_complaint(&hz, &c.id).await,
        Err(StoreError::NotFound(_))
    ));
    let events = store.complaint_events(&officer, &c.id).await.unwrap();
    let actions: Vec<_> = events.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        ["register", "accept", "assign", "start", "transfer"]
    );
    assert_eq!(events[1].from_state.as_deref(), Some("registered"));
    assert_eq!(events[1].to_state, "accepted");
    assert!(events.iter().zip(1..).all(|(e, n)| e.seq == n));
}

async fn batches_are_all_or_nothing(store: Store) {
    let (officer, _hz, _nb) = setup(&store).await;
    let now = at("2026-11-27T10:00:00+08:00");
    let mut a = complaint("HZ", "2026-11-20T09:00:00+08:00", "一", "一");
    a.external_id = Some("EXT-1".into());
    let mut b = complaint("NB", "2026-11-20T09:00:00+08:00", "二", "二");
    b.external_id = Some("EXT-1".into());
    assert!(
        store
            .create_complaints(&officer, &[a.clone(), b.clone()], policy(), now)
            .await
            .is_err()
    );
    let today = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
    let page = store
        .list_complaints(
            &officer,
            &ComplaintFilter {
                per_page: 10,
                page: 1,
                ..Default::default()
            },
            today,
            3,
        )
        .await
        .unwrap();
    assert_eq!(page.total, 0, "a failed batch leaves nothing behind");
    b.external_id = Some("EXT-2".into());
    let ids = store
        .create_complaints(&officer, &[a, b], policy(), now)
        .await
        .unwrap();
    assert_eq!(ids.len(), 2);
    assert!(
        store
            .complaint_id_by_external_id("EXT-2")
            .await
            .unwrap()
            .is_some()
    );
    let mut bad_org = complaint("ZZ", "2026-11-20T09:00:00+08:00", "三", "三");
    bad_org.external_id = Some("EXT-3".into());
    assert!(matches!(
        store
            .create_complaints(&officer, &[bad_org], policy(), now)
            .await,
        Err(StoreError::Invalid(_))
    ));
}

/// Rows travel to the database as one JSON value per statement: text with
/// quotes, backslashes, control characters and characters outside the BMP,
/// NULLs and integers must arrive unchanged, in order, across statements;
/// and a writer dropped before its commit keeps nothing.
async fn many_rows_keep_their_text_and_order(store: Store) {
    let (officer, _hz, _nb) = setup(&store).await;
    let now = at("2026-11-27T10:00:00+08:00");
    let awkward = "引号\"和反斜杠\\，换行\n制表\t，控制字符\u{1}，表情😀，𠀀";
    let batch: Vec<NewComplaint> = (0..1_203u32)
        .map(|i| {
            let mut c = complaint(
                if i % 2 == 0 { "HZ" } else { "NB" },
                "2026-11-20T09:00:00+08:00",
                &format!("{awkward} 第{i}件"),
                "年费 退还",
            );
            c.external_id = Some(format!("MANY-{i}"));
            c.amount_fen = if i % 3 == 0 {
                None
            } else {
                Some(u64::from(i) * 100)
            };
            c
        })
        .collect();
    let mut writer = store
        .begin_complaints(&officer, policy(), now, batch.len())
        .await
        .unwrap();
    writer.write(&batch[..10]).await.unwrap();
    drop(writer);
    assert!(
        store
            .complaint_id_by_external_id("MANY-0")
            .await
            .unwrap()
            .is_none(),
        "nothing is kept without a commit"
    );
    let ids = store
        .create_complaints(&officer, &batch, policy(), now)
        .await
        .unwrap();
    assert_eq!(ids.len(), batch.len());
    for i in [0u32, 1, 499, 500, 501, 1_000, 1_202] {
        let (id, number) = store
            .complaint_id_by_external_id(&format!("MANY-{i}"))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(id, ids[i as usize], "ids come back in input order");
        assert_eq!(
            number,
            format!("TS20261127{:06}", i + 1),
            "numbers follow input order"
        );
        let c = store.get_complaint(&officer, &id).await.unwrap();
        assert_eq!(c.content, format!("{awkward} 第{i}件"));
        let expected = if i % 3 == 0 {
            None
        } else {
            Some(i as i64 * 100)
        };
        assert_eq!(c.amount_fen, expected);
        assert_eq!(c.org_code, if i % 2 == 0 { "HZ" } else { "NB" });
    }
    let today = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
    let found = store
        .list_complaints(
            &officer,
            &ComplaintFilter {
                per_page: 5,
                page: 1,
                search_tokens: Some("年费".into()),
                ..Default::default()
            },
            today,
            3,
        )
        .await
        .unwrap();
    assert_eq!(found.total, 1_203, "every row reached the search index");
    // A load this large into an empty database built the complaint indexes
    // at its commit: long lists walk them by name (`INDEXED BY`), which
    // fails if one is missing.
    for category in [
        None,
        Some(batch[0].classification.business_category.clone()),
    ] {
        let page = store
            .list_complaints_counting_to(
                &officer,
                &ComplaintFilter {
                    per_page: 5,
                    page: 1,
                    business_category: category.clone(),
                    ..Default::default()
                },
                today,
                3,
                100,
            )
            .await
            .unwrap();
        assert!(page.total_capped, "{category:?}");
        assert_eq!(page.items.len(), 5, "{category:?}");
    }
}

/// Statements run while the next rows are being encoded: one that fails
/// early in a large batch (a row registered before, bypassing the import's
/// own check) fails the batch, keeps none of its rows and none of the
/// numbers it reserved, and the next batch numbers on without a gap.
async fn a_failed_statement_in_flight_keeps_nothing(store: Store) {
    let (officer, _hz, _nb) = setup(&store).await;
    let now = at("2026-11-27T10:00:00+08:00");
    let mut first = complaint("HZ", "2026-11-20T09:00:00+08:00", "先登记的一件", "年费");
    first.external_id = Some("SEEN-7".into());
    store
        .create_complaints(&officer, &[first], policy(), now)
        .await
        .unwrap();
    let batch: Vec<NewComplaint> = (0..1_203u32)
        .map(|i| {
            let mut c = complaint(
                "NB",
                "2026-11-20T09:00:00+08:00",
                &format!("第{i}件"),
                "年费",
            );
            c.external_id = Some(format!("SEEN-{i}"));
            c
        })
        .collect();
    let failed = store
        .create_complaints(&officer, &batch, policy(), now)
        .await;
    assert!(
        matches!(&failed, Err(StoreError::Conflict(m)) if m.contains("外部编号")),
        "{failed:?}"
    );
    for i in [0u32, 6, 8, 1_202] {
        assert!(
            store
                .complaint_id_by_external_id(&format!("SEEN-{i}"))
                .await
                .unwrap()
                .is_none(),
            "row {i} of the failed batch was kept"
        );
    }
    let ids = store
        .create_complaints(&officer, &batch[8..10], policy(), now)
        .await
        .unwrap();
    assert_eq!(ids.len(), 2);
    let (_, number) = store
        .complaint_id_by_external_id("SEEN-8")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(number, "TS20261127000002", "numbers go on without a gap");
}

/// A search that matches more than its cap ranks the most recently received
/// matches; rarer words are found however old; the organisation scope holds,
/// also after a transfer.
async fn search_ranks_the_newest_matches_in_scope(store: Store) {
    let (officer, hz, nb) = setup(&store).await;
    let now = at("2026-11-27T10:00:00+08:00");
    let today = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
    let received = [
        ("HZ", "2026-11-20T09:00:00+08:00"),
        ("NB", "2026-11-10T09:00:00+08:00"),
        ("HZ01", "2026-08-15T09:00:00+08:00"),
        ("NB", "2026-08-01T09:00:00+08:00"),
        ("HZ", "2024-05-01T09:00:00+08:00"),
        ("NB", "2024-03-01T09:00:00+08:00"),
    ];
    let batch: Vec<NewComplaint> = received
        .iter()
        .map(|(org, at)| complaint(org, at, &format!("年费 {at}"), "年费 扣收"))
        .collect();
    let ids = store
        .create_complaints(&officer, &batch, policy(), now)
        .await
        .unwrap();
    let search = |cap: i64, actor: Actor, words: &'static str| {
        let store = store.clone();
        async move {
            store
                .list_complaints_counting_to(
                    &actor,
                    &ComplaintFilter {
                        per_page: u32::try_from(cap.min(10)).unwrap(),
                        page: 1,
                        search_tokens: Some(words.into()),
                        ..Default::default()
                    },
                    today,
                    3,
                    cap,
                )
                .await
                .unwrap()
        }
    };
    // Capped at 3: relevance is ranked among the three most recent matches
    // (PostgreSQL: received; SQLite: recorded in the full-text index), shown
    // newest received first when equally relevant.
    let postgres = store.backend() == Backend::Postgres;
    let page = search(3, officer.clone(), "年费").await;
    assert!(page.total_capped);
    assert_eq!(page.total, 3);
    let found: Vec<&str> = page.items.iter().map(|c| c.id.as_str()).collect();
    if postgres {
        assert_eq!(found, [&ids[0], &ids[1], &ids[2]]);
    } else {
        assert_eq!(found, [&ids[3], &ids[4], &ids[5]]);
    }
    // Uncapped: every match, two years old included.
    let page = search(100, officer.clone(), "年费").await;
    assert!(!page.total_capped);
    assert_eq!(page.total, 6);
    let page = search(100, hz.clone(), "年费").await;
    assert_eq!(page.total, 3, "杭州分行 and its sub-branch only");
    let page = search(2, hz.clone(), "年费").await;
    let found: Vec<&str> = page.items.iter().map(|c| c.id.as_str()).collect();
    if postgres {
        assert_eq!(found, [&ids[0], &ids[2]]);
    } else {
        assert_eq!(found, [&ids[2], &ids[4]]);
    }
    assert!(page.total_capped);
    // A word in one old complaint only.
    let page = search(100, officer.clone(), "2024-05-01T09:00:00+08:00").await;
    assert_eq!(page.total, 0, "the search words are the segmented tokens");
    // After a transfer the complaint is searched in its new organisation.
    store
        .apply_complaint_action(&hz, &ids[4], &Action::Accept, policy(), now)
        .await
        .unwrap();
    store
        .apply_complaint_action(
            &hz,
            &ids[4],
            &Action::Transfer {
                to_org: "NB".into(),
                reason: "属宁波分行业务".into(),
                to_is_branch: None,
            },
            policy(),
            now,
        )
        .await
        .unwrap();
    assert_eq!(search(100, hz.clone(), "年费").await.total, 2);
    // Filters beside the words: days received, state, category.
    let filtered = |filter: ComplaintFilter| {
        let store = store.clone();
        let officer = officer.clone();
        async move {
            store
                .list_complaints(
                    &officer,
                    &ComplaintFilter {
                        per_page: 10,
                        page: 1,
                        search_tokens: Some("年费".into()),
                        ..filter
                    },
                    today,
                    3,
                )
                .await
                .unwrap()
        }
    };
    let august = filtered(ComplaintFilter {
        received_from: NaiveDate::from_ymd_opt(2026, 8, 1),
        received_to: NaiveDate::from_ymd_opt(2026, 8, 31),
        ..Default::default()
    })
    .await;
    let mut found: Vec<&str> = august.items.iter().map(|c| c.id.as_str()).collect();
    found.sort();
    let mut expected = [ids[2].as_str(), ids[3].as_str()];
    expected.sort();
    assert_eq!(found, expected);
    let since = filtered(ComplaintFilter {
        received_from: NaiveDate::from_ymd_opt(2026, 1, 1),
        ..Default::default()
    })
    .await;
    assert_eq!(since.total, 4);
    let accepted = filtered(ComplaintFilter {
        states: vec!["accepted".into()],
        ..Default::default()
    })
    .await;
    assert_eq!(accepted.total, 1, "the accepted and transferred one");
    assert_eq!(accepted.items[0].id, ids[4]);
    let registered = filtered(ComplaintFilter {
        states: vec!["registered".into(), "in_progress".into()],
        ..Default::default()
    })
    .await;
    assert_eq!(registered.total, 5);
    let other_category = filtered(ComplaintFilter {
        business_category: Some("存款".into()),
        ..Default::default()
    })
    .await;
    assert_eq!(other_category.total, 0);
    let own_category = filtered(ComplaintFilter {
        business_category: Some(batch[0].classification.business_category.clone()),
        ..Default::default()
    })
    .await;
    assert_eq!(own_category.total, 6);
    let page = search(100, nb, "扣收").await;
    assert_eq!(page.total, 4);
    assert!(page.items.iter().any(|c| c.id == ids[4]));
}

async fn deadlines_are_counted(store: Store) {
    let (officer, hz, _nb) = setup(&store).await;
    let now = at("2026-11-27T10:00:00+08:00");
    let today = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
    for received in ["2026-11-01", "2026-11-02", "2026-11-13", "2026-11-26"] {
        store
            .create_complaint(
                &hz,
                &complaint("HZ01", &format!("{received}T09:00:00+08:00"), "x", "x"),
                policy(),
                now,
            )
            .await
            .unwrap();
    }
    // Due: 11-16, 11-17 (overdue), 11-28 (at risk: 1 day left), 12-11 (on track).
    let counts = store.deadline_counts(&officer, today, 3).await.unwrap();
    assert_eq!((counts.open, counts.at_risk, counts.overdue), (4, 1, 2));
    let page = store
        .list_complaints(
            &hz,
            &ComplaintFilter {
                deadline: Some(DeadlineFilter::Overdue),
                per_page: 10,
                page: 1,
                ..Default::default()
            },
            today,
            3,
        )
        .await
        .unwrap();
    assert_eq!(page.total, 2);
    let page = store
        .list_complaints(
            &hz,
            &ComplaintFilter {
                deadline: Some(DeadlineFilter::AtRisk),
                per_page: 10,
                page: 1,
                ..Default::default()
            },
            today,
            3,
        )
        .await
        .unwrap();
    assert_eq!(page.total, 1);
}

mod paused {
    use super::*;

    async fn paused_deadlines_move_daily(store: Store) {
        let (_officer, hz, _nb) = setup(&store).await;
        let day1 = at("2026-11-03T10:00:00+08:00");
        let c = store
            .create_complaint(
                &hz,
                &complaint("HZ01", "2026-11-02T09:00:00+08:00", "年费", "年费"),
                policy(),
                day1,
            )
            .await
            .unwrap();
        let c = store
            .apply_complaint_action(&hz, &c.id, &Action::Accept, policy(), day1)
            .await
            .unwrap();
        let pause = Action::Pause {
            reason: xiaobao_domain::sla::PauseReason::Mediation,
            note: "申请调解".into(),
            started_on: None,
        };
        let c = store
            .apply_complaint_action(&hz, &c.id, &pause, policy(), day1)
            .await
            .unwrap();
        let due_then = c.due_on.clone().unwrap();
        // Ten days later, nothing else happened: the stored due date is stale
        // until the refresh runs, then it has moved.
        let later = at("2026-11-13T10:00:00+08:00");
        let n = store
            .refresh_paused_deadlines(policy(), later)
            .await
            .unwrap();
        assert_eq!(n, 1);
        let c = store.get_complaint(&hz, &c.id).await.unwrap();
        assert!(
            c.due_on.unwrap() > due_then,
            "a running pause moves the due date"
        );
        assert_eq!(
            store
                .refresh_paused_deadlines(policy(), later)
                .await
                .unwrap(),
            0,
            "idempotent"
        );
    }

    xiaobao_testkit::backend_tests!(paused_deadlines_move_daily);
}

/// Lists counted only up to a cap return the same pages, in the same order,
/// as fully counted ones (the capped queries take other indexes); past the
/// cap the total says "at least", and a search ranks the most recently
/// recorded matches.
async fn capped_counts_keep_pages_and_scope(store: Store) {
    let (officer, hz, _nb) = setup(&store).await;
    let now = at("2026-11-27T10:00:00+08:00");
    let today = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
    let mut ids = Vec::new();
    // Twelve complaints over three months across two branches, created out
    // of received order; half about a fee, most overdue by now.
    for i in 0..12u32 {
        let org = ["HZ01", "NB", "HZ"][i as usize % 3];
        let day = 1 + (i * 7) % 28;
        let month = 9 + i / 4;
        let received = format!("2026-{month:02}-{day:02}T{:02}:30:00+08:00", 8 + i % 10);
        let (content, tokens) = if i % 2 == 0 {
            ("信用卡年费未告知", "信用卡 年费 告知")
        } else {
            ("网点排队时间过长", "网点 排队 时间")
        };
        let mut c = complaint(org, &received, content, tokens);
        if i % 4 == 1 {
            c.classification = classification("贷款", "合同条款");
        }
        ids.push(
            store
                .create_complaint(&officer, &c, policy(), now)
                .await
                .unwrap()
                .id,
        );
    }
    let loan = Taxonomy::embedded()
        .unwrap()
        .validate(Dimension::BusinessCategory, "贷款")
        .unwrap()
        .code
        .clone();
    let filters = [
        ComplaintFilter::default(),
        ComplaintFilter {
            deadline: Some(DeadlineFilter::Overdue),
            ..Default::default()
        },
        ComplaintFilter {
            business_category: Some(loan),
            ..Default::default()
        },
        ComplaintFilter {
            received_from: NaiveDate::from_ymd_opt(2026, 10, 1),
            received_to: NaiveDate::from_ymd_opt(2026, 11, 15),
            ..Default::default()
        },
        ComplaintFilter {
            states: vec!["registered".into()],
            org: Some("HZ".into()),
            ..Default::default()
        },
    ];
    for actor in [&officer, &hz] {
        for filter in &filters {
            let everything = store
                .list_complaints_counting_to(
                    actor,
                    &ComplaintFilter {
                        per_page: 100,
                        page: 1,
                        ..filter.clone()
                    },
                    today,
                    3,
                    1_000,
                )
                .await
                .unwrap();
            assert!(!everything.total_capped);
            let n = everything.items.len() as i64;
            assert_eq!(everything.total, n);
            assert!(n >= 2, "each filter matches several: {filter:?}");
            // Page by two with a cap of one: every page as in the full list.
            let mut paged = Vec::new();
            for page in 1..=((n + 1) / 2) as u32 {
                let p = store
                    .list_complaints_counting_to(
                        actor,
                        &ComplaintFilter {
                            per_page: 2,
                            page,
                            ..filter.clone()
                        },
                        today,
                        3,
                        1,
                    )
                    .await
                    .unwrap();
                let seen = i64::from(page) * 2;
                assert_eq!(
                    (p.total, p.total_capped),
                    if seen < n { (seen, true) } else { (n, false) },
                    "page {page} of {filter:?}"
                );
                paged.extend(p.items.into_iter().map(|c| c.id));
            }
            let full: Vec<String> = everything.items.into_iter().map(|c| c.id).collect();
            assert_eq!(paged, full, "same rows in the same order: {filter:?}");
        }
    }
    // The handler's capped lists stay inside the branch.
    let p = store
        .list_complaints_counting_to(
            &hz,
            &ComplaintFilter {
                per_page: 3,
                page: 1,
                ..Default::default()
            },
            today,
            3,
            1,
        )
        .await
        .unwrap();
    assert!(p.total_capped);
    assert_eq!(p.items.len(), 3);
    assert!(p.items.iter().all(|c| c.org_code.starts_with("HZ")));
    // A count that reaches the cap exactly is exact.
    let p = store
        .list_complaints_counting_to(
            &officer,
            &ComplaintFilter {
                per_page: 1,
                page: 1,
                ..Default::default()
            },
            today,
            3,
            12,
        )
        .await
        .unwrap();
    assert_eq!((p.total, p.total_capped), (12, false));
    // Search past the cap: relevance among the most recently recorded matches.
    let fee: Vec<&String> = ids.iter().step_by(2).collect();
    let p = store
        .list_complaints_counting_to(
            &officer,
            &ComplaintFilter {
                search_tokens: Some("年费".into()),
                per_page: 2,
                page: 1,
                ..Default::default()
            },
            today,
            3,
            2,
        )
        .await
        .unwrap();
    assert_eq!((p.total, p.total_capped), (2, true));
    let mut got: Vec<&String> = p.items.iter().map(|c| &c.id).collect();
    got.sort();
    let mut newest: Vec<&String> = fee[fee.len() - 2..].to_vec();
    newest.sort();
    assert_eq!(got, newest);
    let p = store
        .list_complaints_counting_to(
            &hz,
            &ComplaintFilter {
                search_tokens: Some("年费".into()),
                per_page: 1,
                page: 2,
                ..Default::default()
            },
            today,
            3,
            1,
        )
        .await
        .unwrap();
    assert_eq!((p.total, p.total_capped), (2, true));
    assert_eq!(p.items.len(), 1);
    assert!(p.items[0].org_code.starts_with("HZ"));
    assert!(fee.contains(&&p.items[0].id));
    // Fully counted, a search finds every fee complaint.
    let p = store
        .list_complaints(
            &officer,
            &ComplaintFilter {
                search_tokens: Some("年费".into()),
                per_page: 50,
                page: 1,
                ..Default::default()
            },
            today,
            3,
        )
        .await
        .unwrap();
    assert_eq!((p.total, p.total_capped), (6, false));
    // Past the last page: no rows, and still the number of matches.
    let p = store
        .list_complaints(
            &officer,
            &ComplaintFilter {
                search_tokens: Some("年费".into()),
                per_page: 4,
                page: 3,
                ..Default::default()
            },
            today,
            3,
        )
        .await
        .unwrap();
    assert_eq!((p.total, p.total_capped, p.items.len()), (6, false, 0));
}
