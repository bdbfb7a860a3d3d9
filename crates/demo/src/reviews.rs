//! Demo review requests: a few marketing, agreement and script reviews in
//! every state of the workflow, so that the review pages have something to
//! show on the first start. The material is written like a bank's real copy
//! (some of it with the faults reviewers find every week), and every step
//! goes through the same use cases as the UI.

use xiaobao_domain::actor::Actor;
use xiaobao_domain::review::{
    Action, Adoption, ChecklistAnswer, Decision, Materiality, ReviewGuide, Subject,
};
use xiaobao_service::Services;
use xiaobao_service::review::{ReviewError, ReviewForm};
use xiaobao_store::reviews::{NewOpinion, StepInput};

/// How far a demo request gets.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Goal {
    Draft,
    InReview,
    Returned,
    Approved,
}

struct DemoReview {
    submitter: &'static str,
    title: &'static str,
    subject: Subject,
    stage: &'static str,
    trigger: &'static str,
    business_line: &'static str,
    description: &'static str,
    file: &'static str,
    text: &'static str,
    /// The corrected text for the second round (approved requests).
    corrected: &'static str,
    goal: Goal,
}

const REVIEWS: &[DemoReview] = &[
    DemoReview {
        submitter: "submitter_retail",
        title: "“稳盈”系列理财第七期线上宣传页",
        subject: Subject::Marketing,
        stage: "marketing",
        trigger: "campaign",
        business_line: "财富管理",
        description: "手机银行首页轮播图及落地页文案，计划双十二上线。",
        file: "稳盈七期宣传页.txt",
        text: "稳盈理财第七期火热发售！\n本产品保本保息，到期收益稳稳到手，年化收益率高达4.8%，远超定期存款。\n起购金额1万元，期限365天，银行理财安全可靠、零风险。\n详询各网点理财经理。",
        corrected: "稳盈理财第七期现已发售。\n本产品为非保本浮动收益型理财产品，业绩比较基准为年化3.2%—4.0%（业绩比较基准不构成收益承诺，测算依据见产品说明书）。\n产品风险等级：R2（中低风险），适合稳健型及以上投资者。\n理财非存款，产品有风险，投资须谨慎。过往业绩不代表其未来表现，不等于理财产品实际收益。",
        goal: Goal::Approved,
    },
    DemoReview {
        submitter: "submitter_card",
        title: "信用卡账单分期推广短信模板",
        subject: Subject::SmsTemplate,
        stage: "marketing",
        trigger: "campaign",
        business_line: "信用卡",
        description: "面向活跃持卡人的账单分期营销短信。",
        file: "账单分期短信.txt",
        text: "【江南示范银行】尊敬的客户，您本期账单可申请分期，0利息0手续费，每期仅需还款200元，轻松还款无压力！回复1立即办理。",
        corrected: "",
        goal: Goal::Returned,
    },
    DemoReview {
        submitter: "submitter_retail",
        title: "个人消费贷款合同（2027 版）格式条款修订",
        subject: Subject::Agreement,
        stage: "agreement",
        trigger: "material_change",
        business_line: "个人信贷",
        description: "调整提前还款违约金与逾期催收条款。",
        file: "个人消费贷款合同.txt",
        text: "第十二条 借款人提前还款的，应支付提前还款金额3%的违约金。\n第十五条 借款人逾期的，贷款人有权通过电话、短信及上门等方式催收，并可联系借款人的亲友、同事协助催收。\n第二十条 本合同最终解释权归贷款人所有。\n如有疑问，请致电客服热线。",
        corrected: "",
        goal: Goal::InReview,
    },
    DemoReview {
        submitter: "submitter_card",
        title: "信用卡中心外呼营销话术（大额分期）",
        subject: Subject::CallScript,
        stage: "marketing",
        trigger: "new_version",
        business_line: "信用卡",
        description: "外呼团队使用的大额现金分期推介话术初稿。",
        file: "外呼话术.txt",
        text: "您好，这里是江南示范银行信用卡中心。您被选为我行优质客户，可享受专属大额分期额度，手续费低至0.3%，名额有限，今天不办就没有了。",
        corrected: "",
        goal: Goal::Draft,
    },
];

fn yes_to_all(guide: &ReviewGuide, subject: Subject) -> Vec<ChecklistAnswer> {
    guide
        .items_for(subject)
        .into_iter()
        .map(|item| ChecklistAnswer {
            item: item.id.clone(),
            answer: xiaobao_domain::review::Answer::Yes,
            note: String::new(),
        })
        .collect()
}

fn no_step() -> StepInput<'static> {
    StepInput::default()
}

/// Creates the demo review requests. Returns how many were created.
pub async fn seed_reviews(services: &Services) -> Result<usize, ReviewError> {
    let reviewer: Actor = services.store.actor_by_username("reviewer").await?;
    let guide = services.review_guide();
    let mut created = 0;
    for demo in REVIEWS {
        let submitter: Actor = services.store.actor_by_username(demo.submitter).await?;
        let form = ReviewForm {
            title: demo.title.into(),
            subject: demo.subject.as_str().into(),
            stage: demo.stage.into(),
            trigger: demo.trigger.into(),
            business_line: demo.business_line.into(),
            launch_date: None,
            description: demo.description.into(),
            checklist: yes_to_all(&guide, demo.subject),
        };
        let row = services.create_review(&submitter, &form).await?;
        created += 1;
        let id = row.id;
        let doc = services
            .add_review_document(
                &submitter,
                &id,
                "material",
                demo.file,
                demo.text.as_bytes().to_vec(),
            )
            .await?;
        if demo.goal == Goal::Draft {
            continue;
        }
        services
            .review_step(&submitter, &id, Action::Submit, &no_step())
            .await?;
        if demo.goal == Goal::InReview {
            continue;
        }
        // Opinions on the first findings, then a return.
        let view = services
            .review_document_view(&reviewer, &id, &doc.id)
            .await?;
        let mut opinions = Vec::new();
        for (i, _) in view.report.findings.iter().enumerate().take(3) {
            let opinion = NewOpinion {
                document_id: Some(doc.id.clone()),
                entry_id: None,
                char_start: None,
                char_end: None,
                quote: String::new(),
                materiality: if i == 0 {
                    Materiality::Substantive
                } else {
                    Materiality::Suggestion
                },
                body: String::new(),
                suggestion: String::new(),
                basis: String::new(),
            };
            opinions.push(
                services
                    .add_review_opinion(&reviewer, &id, opinion, Some(i))
                    .await?,
            );
        }
        if opinions.is_empty() {
            continue;
        }
        services
            .review_step(
                &reviewer,
                &id,
                Action::Return,
                &StepInput {
                    note: Some("请按审查意见修改后重新提交"),
                    ..StepInput::default()
                },
            )
            .await?;
        if demo.goal == Goal::Returned {
            continue;
        }
        for (i, o) in opinions.iter().enumerate() {
            let (adoption, reason) = if i == 0 {
                (Adoption::Adopted, "")
            } else {
                (
                    Adoption::Partial,
                    "线上页面已修改，网点物料将于下次印制时更新",
                )
            };
            services
                .store
                .answer_opinion(&submitter, &id, &o.id, adoption, reason)
                .await?;
        }
        services
            .add_review_document(
                &submitter,
                &id,
                "material",
                demo.file,
                demo.corrected.as_bytes().to_vec(),
            )
            .await?;
        services
            .review_step(&submitter, &id, Action::Resubmit, &no_step())
            .await?;
        services
            .review_step(
                &reviewer,
                &id,
                Action::Approve,
                &StepInput {
                    decision: Some(Decision::Approve),
                    note: Some("修改后材料符合要求"),
                    version: None,
                },
            )
            .await?;
    }
    Ok(created)
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn demo_reviews_reach_every_state(store: xiaobao_store::Store) {
        let keys = xiaobao_pii::KeyRing::generate().unwrap();
        let pii = xiaobao_pii::Pii::new(keys, xiaobao_pii::MaskPolicy::default());
        let services = Services::new(store.clone(), pii).unwrap();
        crate::seed(&store).await.unwrap().unwrap();
        assert_eq!(seed_reviews(&services).await.unwrap(), REVIEWS.len());
        let reviewer = store.actor_by_username("reviewer").await.unwrap();
        let page = store
            .list_reviews(
                &reviewer,
                &xiaobao_store::reviews::ReviewFilter {
                    page: 1,
                    per_page: 50,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let states: std::collections::BTreeSet<String> =
            page.items.iter().map(|r| r.status.clone()).collect();
        for s in ["draft", "in_review", "returned", "approved"] {
            assert!(states.contains(s), "{s} missing from {states:?}");
        }
        let approved = page.items.iter().find(|r| r.status == "approved").unwrap();
        assert_eq!(
            store
                .verify_review_archive(&reviewer, &approved.id)
                .await
                .unwrap(),
            Some(true)
        );
        // The faulty copy was flagged by the pre-review.
        let docs = store
            .review_documents(&reviewer, &approved.id)
            .await
            .unwrap();
        assert!(docs.iter().any(|d| d.round == 1 && d.forbidden > 0));
        assert!(
            docs.iter().any(|d| d.round == 2 && d.forbidden == 0),
            "{docs:?}"
        );
    }

    xiaobao_testkit::backend_tests!(demo_reviews_reach_every_state);
}
