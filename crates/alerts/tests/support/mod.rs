//! Synthetic complaint streams for the rule tests and the false-alarm
//! measurement: seeded, with weekday effects, organisation-specific category
//! mixes and realistic Chinese texts assembled from many sentence parts, so
//! that unrelated complaints are not near-duplicates of each other.

#![allow(dead_code)]

use chrono::{Datelike, Days, NaiveDate};
use xiaobao_alerts::{Record, RecordFacts};
use xiaobao_text::Document;

/// SplitMix64: small, fast and reproducible.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.unit() * n as f64) as usize % n.max(1)
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// Poisson variate (inversion by sequential search; fine for the means
    /// of daily complaint counts).
    pub fn poisson(&mut self, mean: f64) -> u64 {
        if mean <= 0.0 {
            return 0;
        }
        if mean > 500.0 {
            // Normal approximation for very large means.
            let u1 = self.unit().max(1e-300);
            let u2 = self.unit();
            let z = (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos();
            return (mean + z * mean.sqrt()).round().max(0.0) as u64;
        }
        let mut k = 0u64;
        let mut p = (-mean).exp();
        let mut cdf = p;
        let u = self.unit();
        while u > cdf && k < 10_000 {
            k += 1;
            p *= mean / k as f64;
            cdf += p;
        }
        k
    }
}

/// Day `n` of the synthetic calendar (day 0 is Monday 2025-01-06).
pub fn day(n: u64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 1, 6)
        .and_then(|d| d.checked_add_days(Days::new(n)))
        .unwrap_or_default()
}

/// Weekday factors (Monday first): busy weekdays, quiet weekends.
pub const WEEKDAY: [f64; 7] = [1.25, 1.15, 1.1, 1.1, 1.2, 0.6, 0.6];

pub const CATEGORIES: [&str; 6] = [
    "银行卡",
    "贷款",
    "支付结算",
    "自营理财",
    "人民币储蓄",
    "债务催收",
];

const OPENINGS: &[&str] = &[
    "客户来电反映",
    "客户通过手机银行留言称",
    "客户到网点柜台投诉",
    "客户在微信公众号反映",
    "来电人表示",
    "客户致电客服热线称",
    "客户家属代为反映",
    "客户通过官网在线客服投诉",
    "客户在营业厅现场反映",
    "客户来信称",
];

const PLACES: &[&str] = &[
    "西湖支行",
    "城东网点",
    "滨江支行",
    "开发区网点",
    "新城支行",
    "老城区网点",
    "高新区支行",
    "北门网点",
    "江南支行",
    "港区网点",
    "南湖支行",
    "东站网点",
];

fn facts(category: &str) -> &'static [&'static str] {
    match category {
        "银行卡" => &[
            "信用卡年费在未告知的情况下被扣收",
            "借记卡在ATM取款时被吞卡，至今未退还",
            "信用卡分期手续费与办理时宣传的费率不一致",
            "信用卡额度被无故降低，影响正常消费",
            "借记卡被莫名冻结，无法正常转账",
            "申请注销信用卡后仍然收到账单",
            "刷卡消费后积分没有按活动规则到账",
            "境外消费被收取了高额的货币转换费",
            "最低还款后被计收了全额利息",
            "银行卡小额账户管理费没有提前通知",
            "挂失补卡等了很久仍未寄到",
            "自动还款没有按时扣款导致逾期",
        ],
        "贷款" => &[
            "提前还款时被要求支付高额违约金",
            "房贷利率没有按照约定进行调整",
            "经营贷审批时间过长，耽误了资金周转",
            "贷款发放时被要求购买理财产品",
            "个人征信出现了一条不属于自己的逾期记录",
            "消费贷的实际年化利率远高于宣传利率",
            "贷款结清后抵押登记迟迟没有注销",
            "续贷申请被拒绝但没有说明原因",
            "贷款合同中的部分条款没有向本人解释",
            "还款日被调整但没有收到任何提醒",
            "公积金组合贷的放款进度一直无人跟进",
            "贷款利息计算方式与合同约定不符",
        ],
        "支付结算" => &[
            "跨行转账超过两天仍未到账",
            "手机银行转账显示成功但对方没有收到",
            "快捷支付被扣款两次，只退回了一笔",
            "对公账户开户材料被反复要求补充",
            "网银登录时频繁提示系统繁忙",
            "扫码支付失败后资金没有及时退回",
            "代发工资晚到了三天，影响生活",
            "大额转账被限额但没有提前告知",
            "手机银行升级后无法查询历史交易",
            "汇款退回时被扣除了手续费",
            "账户被设置了非柜面交易限额",
            "第三方支付绑卡验证一直失败",
        ],
        "自营理财" => &[
            "理财产品到期收益远低于业绩比较基准",
            "购买理财时客户经理承诺保本保收益",
            "风险评估被客户经理代为填写",
            "理财产品赎回资金到账时间过长",
            "净值型产品出现亏损但事先没有风险提示",
            "理财产品说明书的条款没有当面解释",
            "被推荐了超出自身风险等级的产品",
            "理财产品的管理费收取标准不透明",
            "理财产品提前终止但没有通知本人",
            "购买过程没有进行录音录像",
            "产品宣传材料中存在夸大收益的表述",
            "理财经理离职后产品无人跟进",
        ],
        "人民币储蓄" => &[
            "定期存款提前支取利息计算有误",
            "存款到期自动转存的利率与预期不符",
            "大额存单转让申请一直没有处理",
            "存折补登时显示的余额与实际不一致",
            "零钱兑换业务被网点拒绝办理",
            "存款证明开具需要等待很多天",
            "柜台存款时排队时间过长",
            "账户长期不动户被转为休眠",
            "代办存款业务被要求本人到场",
            "存款利率调整没有提前公告",
            "网点营业时间与公示时间不一致",
            "存款凭条信息被柜员填写错误",
        ],
        _ => &[
            "催收人员频繁拨打家人和同事的电话",
            "催收短信中使用了威胁性的语言",
            "在非工作时间多次接到催收电话",
            "委外催收机构冒充司法人员",
            "已经协商分期但仍被持续催收",
            "催收人员上门时态度恶劣",
            "催收电话打到了工作单位领导处",
            "债务金额与本人核对的不一致",
            "催收人员泄露了本人的欠款信息",
            "一天之内接到了十几个催收电话",
            "催收过程中被要求借新还旧",
            "已还清欠款但仍收到催收短信",
        ],
    }
}

const FEELINGS: &[&str] = &[
    "对此非常不满",
    "多次沟通没有结果",
    "感觉受到了不公平对待",
    "希望银行重视这个问题",
    "已经影响到正常生活",
    "觉得银行处理效率太低",
    "不理解银行的做法",
    "认为工作人员解释不清",
];

const DEMANDS: &[&str] = &[
    "要求退还相关费用",
    "要求银行尽快核实并答复",
    "要求给出书面解释",
    "要求赔偿损失",
    "要求更正相关记录",
    "希望尽快恢复正常使用",
    "要求对相关人员进行处理",
    "要求停止此类行为",
];

/// A realistic complaint text of `category`, with no personal data and no
/// escalation or vulnerable-customer cues.
pub fn text(rng: &mut Rng, category: &str) -> String {
    let pool = facts(category);
    let a = rng.below(pool.len());
    let mut b = rng.below(pool.len());
    if b == a {
        b = (b + 1) % pool.len();
    }
    format!(
        "{}，{}于{}月{}日在{}办理业务，{}，另外{}，{}，{}。",
        rng.pick(OPENINGS),
        if rng.unit() < 0.5 { "本人" } else { "其" },
        1 + rng.below(12),
        1 + rng.below(28),
        rng.pick(PLACES),
        pool[a],
        pool[b],
        rng.pick(FEELINGS),
        rng.pick(DEMANDS)
    )
}

/// One organisation of a synthetic stream.
#[derive(Debug, Clone)]
pub struct OrgSpec {
    pub code: String,
    /// Mean complaints per average day.
    pub daily_mean: f64,
    /// Category weights (parallel to [`CATEGORIES`]).
    pub mix: [f64; 6],
}

/// `n` organisations with daily means from `low` to `high` and their own
/// category mixes.
pub fn orgs(rng: &mut Rng, n: usize, low: f64, high: f64) -> Vec<OrgSpec> {
    (0..n)
        .map(|i| {
            let t = if n > 1 {
                i as f64 / (n - 1) as f64
            } else {
                0.0
            };
            let mut mix = [0.0; 6];
            for m in &mut mix {
                *m = 0.2 + rng.unit();
            }
            OrgSpec {
                code: format!("ORG{i:02}"),
                daily_mean: low + t * (high - low),
                mix,
            }
        })
        .collect()
}

fn weighted(rng: &mut Rng, weights: &[f64]) -> usize {
    let total: f64 = weights.iter().sum();
    let mut u = rng.unit() * total;
    for (i, w) in weights.iter().enumerate() {
        if u < *w {
            return i;
        }
        u -= w;
    }
    weights.len() - 1
}

/// A stream without change: every organisation's daily count is Poisson with
/// its mean times the weekday factor, for days `0..days`.
pub fn stationary(seed: u64, specs: &[OrgSpec], days: u64) -> Vec<Record> {
    let mut rng = Rng(seed);
    let mut out = Vec::new();
    let mut n = 0u64;
    for d in 0..days {
        let date = day(d);
        let factor = WEEKDAY[date.weekday().num_days_from_monday() as usize];
        for spec in specs {
            let count = rng.poisson(spec.daily_mean * factor);
            for _ in 0..count {
                n += 1;
                let category = CATEGORIES[weighted(&mut rng, &spec.mix)];
                out.push(record(
                    format!("C{seed}-{n:06}"),
                    date,
                    &spec.code,
                    category,
                    text(&mut rng, category),
                ));
            }
        }
    }
    out
}

/// A record with the analysis fields only.
pub fn record(id: String, date: NaiveDate, org: &str, category: &str, text: String) -> Record {
    Record {
        document: Document {
            id,
            date,
            org: Some(org.to_string()),
            business_category: Some(category.to_string()),
            channel: Some("电话渠道".to_string()),
            text,
            terms: None,
        },
        facts: RecordFacts::default(),
    }
}
