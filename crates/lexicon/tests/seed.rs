//! The shipped knowledge base on realistic wording: for each category,
//! texts that must be flagged, texts that must not (negations, required
//! disclaimers, allowed uses), evasions, offsets and required disclosures.

use std::sync::OnceLock;

use xiaobao_lexicon::{
    Category, KnowledgeBase, Level, Matcher, MaterialKind, ScanOptions, ScanReport, Severity,
};

fn matcher() -> &'static Matcher {
    static M: OnceLock<Matcher> = OnceLock::new();
    M.get_or_init(|| {
        let kb = KnowledgeBase::seed().expect("seed KB loads");
        Matcher::compile(&kb).expect("seed KB compiles")
    })
}

fn scan(kind: MaterialKind, text: &str) -> ScanReport {
    matcher().scan(text, &ScanOptions::for_kind(kind))
}

fn ids(r: &ScanReport) -> Vec<String> {
    r.findings.iter().map(|f| f.entry_id.to_string()).collect()
}

fn missing(r: &ScanReport) -> Vec<String> {
    r.missing_disclosures
        .iter()
        .map(|m| m.rule_id.to_string())
        .collect()
}

#[track_caller]
fn flags(kind: MaterialKind, text: &str, category: Category) {
    let r = scan(kind, text);
    assert!(
        r.findings.iter().any(|f| f.category == category),
        "expected {category} in {text:?}, got {:?}",
        ids(&r)
    );
}

#[track_caller]
fn clean(kind: MaterialKind, text: &str, category: Category) {
    let r = scan(kind, text);
    let hits: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.category == category)
        .map(|f| (&*f.entry_id, f.text.as_str()))
        .collect();
    assert!(
        hits.is_empty(),
        "unexpected {category} in {text:?}: {hits:?}"
    );
}

use MaterialKind::*;

#[test]
fn seed_is_valid_and_large() {
    let (kb, diags) = KnowledgeBase::parse_sources_lenient(&[
        ("seed", xiaobao_lexicon::SEED_ENTRIES_JSONL),
        ("disclosures", xiaobao_lexicon::SEED_DISCLOSURES_JSONL),
    ]);
    let errors: Vec<_> = diags.iter().filter(|d| d.level == Level::Error).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let s = kb.stats();
    assert!(s.terms + s.regexes + s.proximity_rules >= 500, "{s:?}");
    // Every row of §3.12 has at least one entry or rule.
    for prefix in [
        "ABS-01", "ABS-02", "RET-01", "RET-02", "RET-03", "RET-04", "PERF-01", "DEP-01", "GOV-01",
        "END-01", "CMP-01", "INC-01", "APR-01", "APR-02", "CC-01", "CC-02", "COL-01", "SRV-01",
        "REQ-01", "REQ-02", "REQ-03", "REQ-04", "REQ-05", "REQ-06", "REQ-07", "REQ-08", "REQ-09",
    ] {
        let found = kb.entries.iter().any(|e| e.id.starts_with(prefix))
            || kb.disclosures.iter().any(|d| d.id.starts_with(prefix));
        assert!(found, "no entry for {prefix}");
    }
    for e in &kb.entries {
        assert!(!e.basis.is_empty() && !e.suggestion.is_empty(), "{}", e.id);
    }
}

#[test]
fn absolute_terms() {
    flags(Marketing, "这是市面上最好的理财产品", Category::Absolute);
    flags(Marketing, "国家级理财专家团队", Category::Absolute);
    flags(Marketing, "本行信用卡销量全国第一", Category::Absolute);
    flags(Marketing, "业内首家推出", Category::Absolute);
    flags(Marketing, "收益最高的稳健之选", Category::Absolute);
    flags(Sms, "100%安全，放心购买", Category::Absolute);
    clean(
        Marketing,
        "本行最新推出第一期产品，最近一周可预约",
        Category::Absolute,
    );
    clean(
        Marketing,
        "第一步登录手机银行，第一时间到账",
        Category::Absolute,
    );
    clean(
        Marketing,
        "本行唯一官方客服电话95588，工作人员绝对不会索要验证码",
        Category::Absolute,
    );
    clean(Marketing, "您最好携带身份证原件办理", Category::Absolute);
    clean(Marketing, "我们追求最好的服务", Category::Absolute);
    clean(
        Marketing,
        "额度最高可借20万元，最低还款额以账单为准",
        Category::Absolute,
    );
    clean(
        Marketing,
        "本行荣获2024年度中国最佳零售银行奖",
        Category::Absolute,
    );
    clean(Marketing, "该产品最大回撤为2%", Category::Absolute);
}

#[test]
fn absolute_terms_about_returns_are_forbidden() {
    let r = scan(Marketing, "收益最高，最安全的选择");
    assert!(
        r.findings.iter().all(|f| f.severity == Severity::Forbidden),
        "{:?}",
        ids(&r)
    );
    assert_eq!(r.findings.len(), 2);
}

#[test]
fn guaranteed_return_promises() {
    for t in [
        "本理财产品保本保息",
        "稳赚不赔，闭眼买",
        "本金安全有保障，年化收益稳定",
        "零风险高收益",
        "〇风险理财",
        "我们保证您的本金不受任何损失",
        "承诺年化收益6%",
        "到期刚性兑付，银行兜底",
        "亏损由我行承担",
        "保本人民币理财计划",
        "结构性存款，保本保息",
    ] {
        flags(Marketing, t, Category::GuaranteedReturn);
    }
}

#[test]
fn negations_and_disclaimers_are_not_promises() {
    let t = "本产品为非保本浮动收益型理财产品，不保证本金和收益，您的本金可能蒙受损失。\
             理财非存款、产品有风险、投资须谨慎。本产品不承诺保本。\
             业绩比较基准不构成收益承诺。";
    let r = scan(Marketing, t);
    assert!(
        !r.findings
            .iter()
            .any(|f| f.category == Category::GuaranteedReturn),
        "{:?}",
        ids(&r)
    );
    clean(
        Marketing,
        "本产品不保本，投资有风险",
        Category::GuaranteedReturn,
    );
    clean(
        Marketing,
        "谨防“稳赚不赔”的投资骗局",
        Category::GuaranteedReturn,
    );
    clean(
        Marketing,
        "世上没有零风险的投资",
        Category::GuaranteedReturn,
    );
    clean(
        Marketing,
        "本产品并非无风险产品",
        Category::GuaranteedReturn,
    );
    clean(
        Marketing,
        "请确保本次交易为本人操作",
        Category::GuaranteedReturn,
    );
    clean(
        Agreement,
        "保证人对主债权本金及利息承担连带保证责任",
        Category::GuaranteedReturn,
    );
}

#[test]
fn deposits_and_treasury_bonds_may_be_capital_protected() {
    clean(
        Marketing,
        "大额存单保本保息，受存款保险保障",
        Category::GuaranteedReturn,
    );
    clean(
        Marketing,
        "储蓄国债保本保息，到期还本付息",
        Category::GuaranteedReturn,
    );
    clean(
        Marketing,
        "我行定期存款保本保息",
        Category::GuaranteedReturn,
    );
    // ...but not when the same sentence sells a wealth product.
    flags(
        Marketing,
        "理财产品和大额存单一样保本保息",
        Category::GuaranteedReturn,
    );
}

#[test]
fn evasions_are_caught() {
    for t in [
        "保 本 保 息",
        "保\u{200b}本\u{200b}保\u{200b}息",
        "保*本*保*息",
        "保💰本保息",
        "保，本，保，息",
        "穩賺不賠",
        "ＡＢ保本",
        "保夲保息",
        "１００％保本",
        "1OO%保本",
    ] {
        let r = scan(Marketing, t);
        assert!(
            r.findings.iter().any(|f| f.severity == Severity::Forbidden),
            "not caught: {t:?} → {:?}",
            ids(&r)
        );
    }
}

#[test]
fn offsets_point_into_the_original_text() {
    let t = "【新品】\n限时发售：保 本 保 息！";
    let r = scan(Marketing, t);
    let f = r
        .findings
        .iter()
        .find(|f| &*f.entry_id == "RET-01-001")
        .expect("保本保息 found");
    let chars: Vec<char> = t.chars().collect();
    assert_eq!((f.start, f.end), (10, 17));
    assert_eq!(
        chars[f.start..f.end].iter().collect::<String>(),
        "保 本 保 息"
    );
    assert_eq!(f.text, "保 本 保 息");
    assert!(f.context.contains("保 本 保 息"));
}

#[test]
fn misleading_returns() {
    flags(Marketing, "预期年化收益率4.5%", Category::MisleadingReturn);
    flags(Marketing, "年化收益率高达5.2%", Category::MisleadingReturn);
    flags(Marketing, "安全可靠，稳健收益", Category::MisleadingReturn);
    clean(Marketing, "七日年化收益率2.1%", Category::MisleadingReturn);
    clean(
        Marketing,
        "资金安全提示：请勿向他人透露验证码",
        Category::MisleadingReturn,
    );
    clean(
        Marketing,
        "高收益往往伴随高风险",
        Category::MisleadingReturn,
    );
}

#[test]
fn exaggerated_performance() {
    flags(
        Marketing,
        "该系列产品历史业绩优良，名列前茅",
        Category::ExaggeratedPerformance,
    );
    flags(
        Marketing,
        "近7日年化收益8.8%",
        Category::ExaggeratedPerformance,
    );
    clean(
        Marketing,
        "近一年年化收益3.1%（2024-01-01至2024-12-31）",
        Category::ExaggeratedPerformance,
    );
    clean(
        Marketing,
        "现金管理类产品近7日年化收益2.1%",
        Category::ExaggeratedPerformance,
    );
}

#[test]
fn deposit_confusion() {
    flags(
        Marketing,
        "这款理财和存款一样安全",
        Category::DepositConfusion,
    );
    flags(
        Marketing,
        "存款型理财，随存随取",
        Category::DepositConfusion,
    );
    flags(Marketing, "理财=存款，收益更高", Category::DepositConfusion);
    clean(
        Marketing,
        "理财非存款，产品有风险，投资须谨慎",
        Category::DepositConfusion,
    );
    clean(
        Marketing,
        "结构性存款不同于一般性存款，具有投资风险",
        Category::DepositConfusion,
    );
    clean(
        Marketing,
        "理财产品不等同于存款",
        Category::DepositConfusion,
    );
}

#[test]
fn government_credibility() {
    flags(
        Marketing,
        "已通过银保监会备案，安全有保障",
        Category::GovernmentCredibility,
    );
    flags(
        Marketing,
        "国家兜底，放心投资",
        Category::GovernmentCredibility,
    );
    flags(Marketing, "央行监管更安全", Category::GovernmentCredibility);
    clean(
        Marketing,
        "本行经国家金融监督管理总局批准设立",
        Category::GovernmentCredibility,
    );
    clean(
        Marketing,
        "产品登记编码可在中国理财网查询",
        Category::GovernmentCredibility,
    );
}

#[test]
fn endorsements() {
    flags(
        Marketing,
        "多位经济学家推荐，专家力荐",
        Category::ImproperEndorsement,
    );
    flags(
        Marketing,
        "王阿姨去年买了10万，已经赚了8000元",
        Category::ImproperEndorsement,
    );
    clean(
        Marketing,
        "理财经理为您介绍产品风险",
        Category::ImproperEndorsement,
    );
}

#[test]
fn comparisons() {
    flags(Marketing, "收益比存款高3倍", Category::ImproperComparison);
    flags(Marketing, "秒杀余额宝", Category::ImproperComparison);
    flags(Marketing, "收益是活期的10倍", Category::ImproperComparison);
    clean(
        Marketing,
        "大额存单起存金额20万元",
        Category::ImproperComparison,
    );
}

#[test]
fn sales_inducements() {
    flags(
        Marketing,
        "购买理财产品满5万元即送精美礼品",
        Category::SalesInducement,
    );
    flags(Marketing, "认购即送京东卡", Category::SalesInducement);
    clean(
        Marketing,
        "理财产品说明书将通过短信发送给您",
        Category::SalesInducement,
    );
}

#[test]
fn rate_disclosure() {
    flags(
        Marketing,
        "日息万分之三，借1万每天只要3元",
        Category::RateDisclosure,
    );
    flags(Marketing, "月息8厘，轻松借", Category::RateDisclosure);
    flags(Marketing, "利率低至3.45%", Category::RateDisclosure);
    clean(
        Marketing,
        "年化利率（单利）7.2%，日利率0.02%",
        Category::RateDisclosure,
    );
    clean(
        Marketing,
        "年化利率3.45%起，具体利率以实际审批结果为准",
        Category::RateDisclosure,
    );
}

#[test]
fn credit_card_instalments() {
    flags(Marketing, "账单分期0手续费", Category::CreditCardInstalment);
    flags(
        Marketing,
        "分期每期费率仅0.6%",
        Category::CreditCardInstalment,
    );
    flags(Marketing, "白金卡免年费", Category::CreditCardInstalment);
    clean(
        Marketing,
        "首年免年费，当年刷卡满6次免次年年费，否则收取年费200元",
        Category::CreditCardInstalment,
    );
    clean(Marketing, "最长56天免息期", Category::CreditCardInstalment);
    clean(
        Marketing,
        "账单分期年化利率（单利）10.8%–16.2%",
        Category::CreditCardInstalment,
    );
}

#[test]
fn loan_marketing() {
    flags(
        Marketing,
        "不查征信，黑户可贷，秒批秒到账",
        Category::LoanMarketing,
    );
    flags(Marketing, "消费贷可用于炒股", Category::LoanMarketing);
    clean(
        Marketing,
        "贷款资金不得用于购房、炒股等投资",
        Category::LoanMarketing,
    );
}

#[test]
fn debt_collection() {
    for t in [
        "再不还钱就通知你家人和单位",
        "我们会爆你通讯录",
        "我是法院的，马上立案抓你",
        "你这个老赖",
        "不还就让你坐牢，影响子女上学",
        "你先去借网贷还上",
        "把钱转到我个人账户",
        "明天我们派人上门",
        "给你上征信黑名单",
    ] {
        flags(Collection, t, Category::DebtCollection);
    }
    clean(
        Collection,
        "您好，我是某某银行信用卡中心工作人员，您的账单已逾期，请及时还款，如有困难可申请协商还款",
        Category::DebtCollection,
    );
    clean(
        Collection,
        "我们不会联系您的家人，请放心",
        Category::DebtCollection,
    );
    // Collection rules do not apply to marketing copy.
    clean(
        Marketing,
        "联系你的朋友一起来参加活动",
        Category::DebtCollection,
    );
}

#[test]
fn service_taboo_phrases() {
    flags(
        Service,
        "这个不归我管，你去问别的部门",
        Category::ServiceTaboo,
    );
    flags(
        Service,
        "你听不懂吗？我说了多少遍了",
        Category::ServiceTaboo,
    );
    flags(Service, "爱办不办", Category::ServiceTaboo);
    clean(Service, "不知道您现在是否方便接听", Category::ServiceTaboo);
    clean(Service, "您好，请问有什么可以帮您", Category::ServiceTaboo);
    let r = scan(Service, "爱办不办");
    assert_eq!(r.findings[0].severity, Severity::Warning);
}

#[test]
fn standard_terms() {
    flags(
        Agreement,
        "本活动最终解释权归本行所有",
        Category::StandardTerms,
    );
    flags(
        Agreement,
        "因系统故障造成的损失，本行不承担任何责任",
        Category::StandardTerms,
    );
    flags(
        Agreement,
        "本行有权单方调整利率，恕不另行通知",
        Category::StandardTerms,
    );
    clean(
        Agreement,
        "本行调整利率前将提前30日通知您",
        Category::StandardTerms,
    );
}

#[test]
fn required_disclosures() {
    // Wealth product without the slogan, risk level or risk warning.
    let r = scan(Marketing, "XX理财产品，业绩比较基准3.5%，欢迎购买");
    let m = missing(&r);
    for id in ["REQ-01", "REQ-04", "REQ-09", "RET-03"] {
        assert!(m.contains(&id.to_string()), "{id} not reported: {m:?}");
    }
    // The same product with the disclosures (wording variants) is fine.
    let r = scan(
        Marketing,
        "XX理财产品，风险等级R2（中低风险），业绩比较基准3.5%，测算依据：参考同类资产收益。\
         理财产品不是存款，产品有风险，投资需谨慎。",
    );
    assert!(missing(&r).is_empty(), "{:?}", missing(&r));

    let r = scan(Marketing, "该产品近一年年化收益4.1%");
    assert!(missing(&r).contains(&"REQ-02".to_string()));
    let r = scan(
        Marketing,
        "该产品近一年年化收益4.1%。过往业绩不代表其未来表现，投资有风险。",
    );
    assert!(!missing(&r).contains(&"REQ-02".to_string()));

    let r = scan(Marketing, "结构性存款，挂钩黄金价格");
    assert!(missing(&r).contains(&"REQ-03".to_string()));
    let r = scan(
        Marketing,
        "结构性存款不同于一般性存款，具有投资风险，您应当充分认识投资风险，谨慎投资。",
    );
    assert!(!missing(&r).contains(&"REQ-03".to_string()));

    let r = scan(Marketing, "闪电贷，最高可借30万，日利率0.02%");
    assert!(missing(&r).contains(&"REQ-05".to_string()));
    let r = scan(Marketing, "闪电贷，最高可借30万，年化利率（单利）7.2%起");
    assert!(!missing(&r).contains(&"REQ-05".to_string()));
    // A deposit-rate ad is not a loan ad.
    let r = scan(Marketing, "三年期存款利率2.6%");
    assert!(!missing(&r).contains(&"REQ-05".to_string()));

    let r = scan(Sms, "尊敬的客户，点击领取专属福利");
    assert!(missing(&r).contains(&"REQ-06".to_string()));
    let r = scan(
        Sms,
        "【某某银行】尊敬的客户，专属福利已到账，详询95588，拒收请回复R",
    );
    assert!(!missing(&r).contains(&"REQ-06".to_string()));

    let r = scan(Agreement, "甲方与乙方约定如下：本行有权单方调整利率。");
    assert!(missing(&r).contains(&"REQ-07".to_string()));
    assert!(missing(&r).contains(&"REQ-08".to_string()));
    let r = scan(
        Agreement,
        "重要提示：请您特别注意加粗条款。甲方与乙方约定如下……如有投诉请拨打95588。",
    );
    assert!(missing(&r).is_empty(), "{:?}", missing(&r));
}

#[test]
fn missing_forbidden_disclosure_makes_report_forbidden() {
    let r = scan(Marketing, "基金定投，收益可观");
    assert!(missing(&r).contains(&"REQ-04".to_string()));
    assert!(r.has_forbidden());
}

#[test]
fn report_serialises_with_the_agreed_field_names() {
    let r = scan(Marketing, "保本保息");
    let v = serde_json::to_value(&r).unwrap();
    assert!(v["findings"].is_array());
    assert!(v["missing_disclosures"].is_array());
    let f = &v["findings"][0];
    for key in [
        "start",
        "end",
        "text",
        "entry_id",
        "category",
        "severity",
        "basis",
        "suggestion",
        "context",
    ] {
        assert!(!f[key].is_null(), "missing {key}");
    }
    assert_eq!(f["category"], "保本保收益承诺");
    assert_eq!(f["basis"][0]["law"], "《中华人民共和国广告法》");
}

#[test]
fn compliant_real_world_copy_is_clean() {
    for (kind, text) in [
        (
            Marketing,
            "【XX银行】“稳利”系列固定收益类理财产品第12期火热发售中！产品风险等级：PR2（中低风险），\
             适合稳健型及以上投资者。业绩比较基准：年化3.20%-3.80%，业绩比较基准由产品管理人依据投资策略、\
             资产配置比例并参考市场利率水平测算得出，不代表产品未来表现和实际收益，不构成对产品收益的承诺。\
             产品期限：365天，起购金额：1万元。理财非存款、产品有风险、投资须谨慎。详询95xxx或各网点理财经理。",
        ),
        (
            Marketing,
            "我行个人消费贷款“薪易贷”，年化利率（单利）3.6%-18%，具体利率以审批结果为准，额度最高20万元，\
             随借随还。贷款资金不得用于购房、股票、理财等投资。",
        ),
        (
            Marketing,
            "本行信用卡分期业务，分期期数3/6/12期可选，年化利率（单利）约为7.2%-14.2%，具体以办理页面展示为准。",
        ),
        (
            Marketing,
            "温馨提示：近期不法分子冒充银行工作人员实施诈骗，请您务必通过本行官方渠道办理业务，切勿向他人透露验证码。",
        ),
        (
            Agreement,
            "个人借款合同 第一条 借款金额：人民币贰拾万元整。第二条 借款利率：年化利率（单利）4.35%，按日计息，\
             日利率=年利率/360。第三条 乙方调整利率的，应提前30日书面通知甲方。第五条 保证人对借款本金、利息、\
             罚息承担连带保证责任。如有疑问或投诉，请拨打客户服务热线95xxx。",
        ),
        (
            Collection,
            "您好，这里是XX银行信用卡中心，您尾号1234的信用卡已逾期3天，欠款金额1520元。请您尽快还款，\
             逾期将按合同约定计收利息并可能影响您的个人征信记录。如有困难，可以向我行申请个性化分期还款。",
        ),
        (
            Service,
            "您好，很高兴为您服务。这个问题我帮您联系相关部门核实，请您稍等，核实后第一时间给您回电。",
        ),
    ] {
        let r = scan(kind, text);
        assert!(
            r.findings.is_empty() && r.missing_disclosures.is_empty(),
            "{text}\n→ {:?} / {:?}",
            r.findings
                .iter()
                .map(|f| (&f.entry_id, &f.text))
                .collect::<Vec<_>>(),
            missing(&r)
        );
    }
}

#[test]
fn gifts_for_wealth_products_across_a_comma() {
    flags(
        Marketing,
        "首次购买本行理财产品，即可获赠价值50元的精美礼品",
        Category::SalesInducement,
    );
}
