//! A realistic, deterministic generator of demo complaints (投诉) for the demo
//! bank, for seeding the demo, for the Chinese text analyses (hot words,
//! rising words, clustering, classification) and for benchmark streams.
//!
//! Everything is fictional: people, ID and card numbers, phone numbers,
//! products, amounts and events. ID numbers carry a valid GB 11643 check
//! character and card numbers a valid Luhn digit so that PII detection has
//! something realistic to find.
//!
//! What the stream contains, for a window of `days` days ending at `end`:
//!
//! * **Scenarios.** Fifty complaint scenarios across all JR/T 0169
//!   business categories (信用卡年费、分期手续费、最低还款、逾期催收、征信异议、
//!   提前还款违约金、房贷利率、理财亏损、保险代销、ATM吞卡、账户冻结、手机银行故障、
//!   转账延迟、网点排队、服务态度、个人信息泄露、营销短信、ETC、养老金、社保卡、外汇、
//!   存款 …), each with several fact sentences per step, written in registers
//!   that real tickets have: terse app feedback, long angry hotline
//!   narratives, hotline agents' summaries, counter records, 12378 and 12363
//!   transfers, 信访 and media items, formal letters from agents, lawyers and
//!   heirs, and relatives of elderly customers.
//! * **Volume effects.** Weekdays carry more than weekends, public holidays
//!   are quiet, regulator transfers arrive on working days only, scenarios
//!   have seasons (annual fees and mortgage repricing in January, 理财 losses
//!   after a market drop, overseas remittances in summer, tax refunds in
//!   spring, 开门红 marketing early in the year) and branches have their own
//!   mix (温州 more 外汇 and 票据, 北仑 more ETC, village banks more pensions and
//!   cash, hardly any credit cards).
//! * **Same-event bursts** ([`ComplaintStream::events`]): a core-system upgrade
//!   at 淳安江南村镇银行 that breaks mobile banking for a weekend, a mis-sold
//!   理财 product at 温州瑞安支行, duplicate ETC tolls at 宁波北仑支行 and an
//!   outsourced collection agency in 绍兴. Their complaints carry an
//!   `event_cluster` label.
//! * **A rising term**: [`RISING_TERM`] (人脸识别), from a new mobile-banking
//!   version that forces face verification, climbs over the last weeks before
//!   `end` while it is nearly absent before.
//!
//! The output depends only on the arguments: complaints are generated one day
//! at a time from a per-day random stream, so [`stream`] needs memory for one
//! day only and [`generate`] is `stream(..).collect()`.

use std::fmt::Write as _;
use std::io;

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveTime, Utc, Weekday};
use serde::Serialize;
use xiaobao_domain::complaint::{ComplaintState, Outcome, Satisfaction};
use xiaobao_domain::intake::{ComplainantInput, ComplaintInput};
use xiaobao_domain::org::OrgKind;

use crate::{BRANCHES, VILLAGE_BANKS};

/// The term that rises over the last weeks of every generated window.
pub const RISING_TERM: &str = "人脸识别";

/// One generated complaint, with hints on where the demo should leave it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GeneratedComplaint {
    /// `DEMO-000123`, numbered in time order.
    pub external_id: String,
    pub received_at: DateTime<Utc>,
    /// 投诉来源 (sources.json).
    pub source: String,
    /// 投诉业务办理渠道 (JR/T 0169 channels).
    pub channel: String,
    pub business_category: String,
    pub business_subcategory: Option<String>,
    /// 投诉原因 (JR/T 0169 reasons).
    pub reason: String,
    pub demands: Vec<String>,
    /// Flags of the consumer concerned (who may not be the complainant).
    pub vulnerable_flags: Vec<String>,
    pub title: String,
    pub content: String,
    pub complainant_name: String,
    pub complainant_phone: String,
    /// 18 characters with a valid GB 11643 check character.
    pub complainant_id_number: String,
    /// The card concerned, Luhn-valid, UnionPay `62` prefix.
    pub complainant_card_number: Option<String>,
    /// 本人, 法定代理人, 受托人 or 继承人.
    pub complainant_role: String,
    pub product: Option<String>,
    /// Amount in dispute in yuan with two decimals, e.g. `1280.50`.
    pub amount_yuan: Option<String>,
    /// A sub-branch, outlet or village bank of the demo tree.
    pub org_code: String,
    /// Where the demo should leave the complaint, consistent with its age.
    pub target_state: ComplaintState,
    /// Days from receipt to the decision notice, for complaints that have one
    /// (decision notified, closed, under review).
    pub handling_days: Option<u32>,
    /// Outcome of the decision, when there is one.
    pub outcome: Option<Outcome>,
    /// Satisfaction recorded at closure (closed complaints only).
    pub satisfaction: Option<Satisfaction>,
    /// Label shared by the complaints of one same-event burst.
    pub event_cluster: Option<String>,
}

impl GeneratedComplaint {
    /// The day received, in China time.
    pub fn received_on(&self) -> NaiveDate {
        china_date(self.received_at)
    }

    /// The complaint in the intake shape (API and import contract). The event
    /// cluster, if any, becomes a tag.
    pub fn to_input(&self) -> ComplaintInput {
        ComplaintInput {
            received_at: self.received_at.to_rfc3339(),
            channel: self.channel.clone(),
            business_category: self.business_category.clone(),
            business_subcategory: self.business_subcategory.clone(),
            reason: self.reason.clone(),
            content: self.content.clone(),
            title: Some(self.title.clone()),
            source: Some(self.source.clone()),
            org: Some(self.org_code.clone()),
            external_id: Some(self.external_id.clone()),
            complainant: Some(ComplainantInput {
                name: Some(self.complainant_name.clone()),
                phone: Some(self.complainant_phone.clone()),
                id_number: Some(self.complainant_id_number.clone()),
                card_number: self.complainant_card_number.clone(),
                role: Some(self.complainant_role.clone()),
            }),
            demands: self.demands.clone(),
            vulnerable_flags: self.vulnerable_flags.clone(),
            product: self.product.clone(),
            amount: self.amount_yuan.clone(),
            tags: self.event_cluster.iter().cloned().collect(),
            ..ComplaintInput::default()
        }
    }

    /// Appends the analysis-input line (JSON, no newline): `id`, `received_at`
    /// (RFC 3339 in China time, so its first ten characters are the China
    /// date), `text`, `org`, `business_category`, `channel`.
    pub fn write_analysis_line(&self, out: &mut String) {
        #[derive(Serialize)]
        struct Line<'a> {
            id: &'a str,
            received_at: &'a str,
            text: &'a str,
            org: &'a str,
            business_category: &'a str,
            channel: &'a str,
        }
        let local = self.received_at.naive_utc() + chrono::Duration::hours(8);
        let received_at = format!("{}+08:00", local.format("%Y-%m-%dT%H:%M:%S"));
        let line = Line {
            id: &self.external_id,
            received_at: &received_at,
            text: &self.content,
            org: &self.org_code,
            business_category: &self.business_category,
            channel: &self.channel,
        };
        // Serialising plain strings into a String cannot fail.
        if let Ok(s) = serde_json::to_string(&line) {
            out.push_str(&s);
        }
    }
}

/// A same-event burst (or the rising trend) planned into a stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DemoEvent {
    /// The `event_cluster` label of its complaints.
    pub cluster: String,
    pub description: String,
    /// Organisations its complaints are filed at.
    pub orgs: Vec<String>,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    /// Number of complaints planned for it.
    pub count: usize,
    /// Words its texts share.
    pub key_terms: Vec<String>,
}

/// `count` complaints over the `days` days ending at `end` (inclusive),
/// sorted by time. Deterministic in its arguments.
pub fn generate(seed: u64, count: usize, end: NaiveDate, days: u32) -> Vec<GeneratedComplaint> {
    stream(seed, count, end, days).collect()
}

/// The same complaints as [`generate`], one day in memory at a time.
pub fn stream(seed: u64, count: usize, end: NaiveDate, days: u32) -> ComplaintStream {
    let plan = Plan::new(seed, count, end, days.max(1));
    let people = People::new(seed, plan.start);
    ComplaintStream {
        plan,
        people,
        day: 0,
        batch: Vec::new().into_iter(),
        remaining: count,
        next_id: 1,
    }
}

/// The analysis input (JSON Lines, one complaint per line) of
/// `generate(seed, count, end, days)`; see
/// [`GeneratedComplaint::write_analysis_line`].
pub fn demo_jsonl(seed: u64, count: usize, end: NaiveDate, days: u32) -> String {
    let mut out = String::with_capacity(count.saturating_mul(480));
    for c in stream(seed, count, end, days) {
        c.write_analysis_line(&mut out);
        out.push('\n');
    }
    out
}

/// Writes [`demo_jsonl`] to `out` without holding it in memory.
pub fn write_demo_jsonl<W: io::Write>(
    mut out: W,
    seed: u64,
    count: usize,
    end: NaiveDate,
    days: u32,
) -> io::Result<()> {
    let mut line = String::with_capacity(2048);
    for c in stream(seed, count, end, days) {
        line.clear();
        c.write_analysis_line(&mut line);
        line.push('\n');
        out.write_all(line.as_bytes())?;
    }
    out.flush()
}

/// Iterator over generated complaints in time order (see [`stream`]).
pub struct ComplaintStream {
    plan: Plan,
    people: People,
    day: u32,
    batch: std::vec::IntoIter<GeneratedComplaint>,
    remaining: usize,
    next_id: u64,
}

impl ComplaintStream {
    /// The bursts and the rising trend planned into this stream.
    pub fn events(&self) -> &[DemoEvent] {
        &self.plan.events
    }
}

impl Iterator for ComplaintStream {
    type Item = GeneratedComplaint;

    fn next(&mut self) -> Option<GeneratedComplaint> {
        loop {
            if let Some(c) = self.batch.next() {
                self.remaining -= 1;
                return Some(c);
            }
            if self.day >= self.plan.days {
                return None;
            }
            let batch = self
                .plan
                .day_batch(self.day, &mut self.people, &mut self.next_id);
            self.batch = batch.into_iter();
            self.day += 1;
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.remaining, Some(self.remaining))
    }
}

impl ExactSizeIterator for ComplaintStream {}

fn china_date(at: DateTime<Utc>) -> NaiveDate {
    (at.naive_utc() + chrono::Duration::hours(8)).date()
}

// ---------------------------------------------------------------------------
// Random numbers
// ---------------------------------------------------------------------------

/// SplitMix64: tiny, fast and good enough for synthetic data.
#[derive(Debug, Clone)]
struct Rng(u64);

fn mix(a: u64, b: u64) -> u64 {
    let mut r = Rng(a ^ b.wrapping_mul(0xD1B5_4A32_D192_ED03));
    r.next_u64()
}

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    fn pct(&mut self, p: u32) -> bool {
        self.below(100) < u64::from(p)
    }

    fn permille(&mut self, p: u32) -> bool {
        self.below(1000) < u64::from(p)
    }

    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// [`Rng::pick`] for string lists, where the expected `&str` would
    /// otherwise make the element type `str`.
    fn pick_str<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }

    fn weighted<T: Copy>(&mut self, items: &[(T, u32)]) -> T {
        let total: u32 = items.iter().map(|(_, w)| w).sum();
        let mut r = self.below(u64::from(total.max(1))) as u32;
        for (item, w) in items {
            if r < *w {
                return *item;
            }
            r -= w;
        }
        items[items.len() - 1].0
    }

    /// Index by cumulative weights (last element is the total).
    fn cumulative(&mut self, cum: &[f64]) -> usize {
        let total = cum.last().copied().unwrap_or(0.0);
        let r = self.unit() * total;
        cum.partition_point(|&c| c <= r).min(cum.len() - 1)
    }
}

// ---------------------------------------------------------------------------
// Check digits
// ---------------------------------------------------------------------------

const GB11643_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const GB11643_CHECK: [u8; 11] = *b"10X98765432";

/// The GB 11643 (ISO 7064 MOD 11-2) check character of 17 digits.
fn gb11643_check(first17: &[u8]) -> u8 {
    let sum: u32 = first17
        .iter()
        .zip(GB11643_WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    GB11643_CHECK[(sum % 11) as usize]
}

/// The Luhn check digit for `payload` (digits without the check digit).
fn luhn_check_digit(payload: &[u8]) -> u8 {
    let mut sum = 0u32;
    for (i, d) in payload.iter().rev().enumerate() {
        let mut v = u32::from(d - b'0');
        if i % 2 == 0 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    b'0' + ((10 - sum % 10) % 10) as u8
}

// ---------------------------------------------------------------------------
// Taxonomy names (exactly as in data/taxonomy/*.json)
// ---------------------------------------------------------------------------

const CH_COUNTER: &str = "营业现场";
const CH_SELF: &str = "自助机具";
const CH_WEB: &str = "网银渠道";
const CH_PHONE: &str = "电话渠道";
const CH_APP: &str = "移动客户端";
const CH_WECHAT: &str = "网络公众平台";
const CH_SMS: &str = "短信渠道";
const CH_THIRD: &str = "第三方渠道";
const CH_BACK: &str = "中、后台业务渠道";

const CAT_CARD: &str = "银行卡";
const CAT_COLLECTION: &str = "债务催收";
const CAT_LOAN: &str = "贷款";
const CAT_PAY: &str = "支付结算";
const CAT_WM: &str = "自营理财";
const CAT_MID: &str = "其他中间业务";
const CAT_AGENCY: &str = "银行代理业务";
const CAT_PII: &str = "个人金融信息";
const CAT_FX: &str = "外汇";
const CAT_SAVING: &str = "人民币储蓄";
const CAT_GOLD: &str = "贵金属";
const CAT_TREASURY: &str = "国库";
const CAT_CASH: &str = "人民币管理";
const CAT_OTHER: &str = "其他";

const SUB_DEBIT_USE: &str = "借记卡使用";
const SUB_DEBIT_PROMO: &str = "借记卡市场活动及增值服务";
const SUB_DEBIT_FRAUD: &str = "借记卡盗刷";
const SUB_CREDIT: &str = "信用卡";
const SUB_ACCOUNT: &str = "账户管理";
const SUB_TRANSFER: &str = "资金汇划";
const SUB_BILL: &str = "票据";
const SUB_EPAY: &str = "电子支付";
const SUB_NONBANK: &str = "非银行支付机构网络支付";
const SUB_REMIT: &str = "汇兑业务";

const R_SERVICE: &str = "服务态度及服务质量";
const R_SYSTEM: &str = "金融机构服务设施、设备、业务系统";
const R_RULES: &str = "金融机构管理制度、业务规则与流程";
const R_MARKETING: &str = "营销方式和手段";
const R_DISCLOSURE: &str = "信息披露";
const R_CHOICE: &str = "自主选择权";
const R_PRICING: &str = "定价收费";
const R_YIELD: &str = "产品收益";
const R_CONTRACT: &str = "合同条款";
const R_FUNDS: &str = "消费者资金安全";
const R_INFO: &str = "消费者信息安全";
const R_COLLECTION: &str = "债务催收方式和手段";
const R_OTHER: &str = "其他";

const SRC_OWN: &str = "自有渠道";
const SRC_12378: &str = "12378监管转办";
const SRC_12363: &str = "12363人行转办";
const SRC_PETITION: &str = "信访";
const SRC_MEDIA: &str = "媒体";
const SRC_OTHER: &str = "其他";

const D_REFUND: &str = "申请退费";
const D_VERIFY: &str = "核实原因";
const D_ANSWER: &str = "答复";
const D_QUERY: &str = "查询";
const D_COMPENSATE: &str = "补偿";
const D_STOP: &str = "停止骚扰";
const D_HURRY: &str = "加快处理";
const D_RESTORE: &str = "恢复使用";
const D_CREDIT: &str = "更正征信记录";
const D_WAIVE: &str = "减免息费";
const D_APOLOGY: &str = "赔礼道歉";
const D_DELETE: &str = "删除个人信息";
const D_OTHER: &str = "其他";

const F_ELDERLY: &str = "老年人";
const F_MINOR: &str = "未成年人";
const F_DISABLED: &str = "残障人士";
const F_NEWCOMER: &str = "新市民";
const F_RURAL: &str = "农村居民";
const F_LOWINCOME: &str = "低收入人群";
const F_FOREIGN: &str = "外籍人士";
const F_OTHER: &str = "其他";

const ROLE_SELF: &str = "本人";
const ROLE_GUARDIAN: &str = "法定代理人";
const ROLE_AGENT: &str = "受托人";
const ROLE_HEIR: &str = "继承人";

// ---------------------------------------------------------------------------
// Organisations
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum City {
    Hangzhou,
    Ningbo,
    Wenzhou,
    Shaoxing,
    Jiaxing,
    Anji,
    Chunan,
    Xianju,
}

impl City {
    fn of_code(code: &str) -> City {
        match code {
            "VB_AJ" => City::Anji,
            "VB_CA" => City::Chunan,
            "VB_XJ" => City::Xianju,
            c if c.starts_with("NB") => City::Ningbo,
            c if c.starts_with("WZ") => City::Wenzhou,
            c if c.starts_with("SX") => City::Shaoxing,
            c if c.starts_with("JX") => City::Jiaxing,
            _ => City::Hangzhou,
        }
    }

    fn name(self) -> &'static str {
        match self {
            City::Hangzhou => "杭州",
            City::Ningbo => "宁波",
            City::Wenzhou => "温州",
            City::Shaoxing => "绍兴",
            City::Jiaxing => "嘉兴",
            City::Anji => "湖州",
            City::Chunan => "杭州",
            City::Xianju => "台州",
        }
    }

    /// Index into [`AREAS`] of the people living there.
    fn area_group(self) -> usize {
        match self {
            City::Hangzhou => 0,
            City::Ningbo => 1,
            City::Wenzhou => 2,
            City::Jiaxing => 3,
            City::Shaoxing => 5,
            City::Anji => 12,
            City::Chunan => 13,
            City::Xianju => 14,
        }
    }

    /// The prefecture group of a county-level village bank.
    fn prefecture_group(self) -> usize {
        match self {
            City::Anji => 4,
            City::Chunan => 0,
            City::Xianju => 9,
            other => other.area_group(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OrgClass {
    SubBranch,
    Outlet,
    Village,
}

#[derive(Debug, Clone)]
struct Org {
    code: &'static str,
    name: &'static str,
    /// Name without the city, e.g. 西湖支行.
    short: String,
    city: City,
    class: OrgClass,
    /// Relative complaint volume.
    weight: f64,
}

fn village_outlets(city: City) -> &'static [&'static str] {
    match city {
        City::Anji => &["递铺营业部", "孝丰支行", "天子湖支行"],
        City::Chunan => &["千岛湖营业部", "汾口支行", "威坪支行"],
        _ => &["营业部", "横溪支行", "白塔支行"],
    }
}

fn demo_orgs() -> Vec<Org> {
    let mut orgs = Vec::new();
    for (_, _, children) in BRANCHES.iter() {
        for (code, name, kind) in children.iter() {
            let city = City::of_code(code);
            let class = if matches!(kind, OrgKind::Outlet) {
                OrgClass::Outlet
            } else {
                OrgClass::SubBranch
            };
            let city_factor = match city {
                City::Hangzhou => 1.3,
                City::Ningbo => 1.1,
                City::Wenzhou => 1.0,
                City::Shaoxing => 0.85,
                _ => 0.8,
            };
            let class_factor = if class == OrgClass::Outlet { 0.6 } else { 1.0 };
            let local = match *code {
                "HZ01" => 1.25,
                "HZ02" => 1.15,
                "NB01" => 1.1,
                "WZ01" => 1.1,
                _ => 1.0,
            };
            orgs.push(Org {
                code,
                name,
                short: name.chars().skip(2).collect(),
                city,
                class,
                weight: city_factor * class_factor * local,
            });
        }
    }
    for (code, name) in VILLAGE_BANKS.iter() {
        orgs.push(Org {
            code,
            name,
            short: (*name).to_string(),
            city: City::of_code(code),
            class: OrgClass::Village,
            weight: 0.32,
        });
    }
    orgs
}

// ---------------------------------------------------------------------------
// People
// ---------------------------------------------------------------------------

/// County-level area codes per group: 0 杭州, 1 宁波, 2 温州, 3 嘉兴, 4 湖州,
/// 5 绍兴, 6 金华, 7 衢州, 8 舟山, 9 台州, 10 丽水, 11 other provinces,
/// 12 安吉, 13 淳安, 14 仙居. Groups are disjoint, which keeps ID numbers
/// unique across them. Older codes are kept: IDs are never re-issued when a
/// district is renamed.
const AREAS: [&[u32]; 15] = [
    &[
        330102, 330103, 330104, 330105, 330106, 330108, 330109, 330110, 330122, 330182, 330183,
        330185,
    ],
    &[
        330203, 330204, 330205, 330206, 330211, 330212, 330225, 330226, 330281, 330282, 330283,
    ],
    &[
        330302, 330303, 330304, 330324, 330326, 330327, 330328, 330329, 330381, 330382,
    ],
    &[330402, 330411, 330421, 330424, 330481, 330482, 330483],
    &[330502, 330503, 330521, 330522],
    &[330602, 330621, 330624, 330681, 330682, 330683],
    &[330702, 330703, 330781, 330782, 330783, 330784],
    &[330802, 330803, 330822, 330881],
    &[330902, 330903, 330921],
    &[331002, 331003, 331004, 331022, 331023, 331081, 331082],
    &[331102, 331121, 331122, 331123],
    &[
        340104, 341222, 341226, 342221, 342225, 360121, 361128, 362330, 411323, 412726, 422421,
        430524, 510623, 511321, 522121, 522425, 320382, 371325,
    ],
    &[330523],
    &[330127],
    &[331024],
];

const OUT_OF_PROVINCE: usize = 11;

/// Age bands of complainants, in years at the start of the window.
const BANDS: [(u32, u32); 7] = [
    (18, 24),
    (25, 34),
    (35, 44),
    (45, 59),
    (60, 69),
    (70, 79),
    (80, 92),
];

#[derive(Debug, Clone)]
struct Person {
    name: String,
    surname: &'static str,
    male: bool,
    birth: NaiveDate,
    id: String,
    phone: String,
    out_of_province: bool,
}

/// Hands out unique ID numbers: within each (band, area group) the n-th
/// person is the n-th value of an affine permutation of the (county, birth
/// day, sequence) space, so no two people share an ID number.
struct People {
    seed: u64,
    reference: NaiveDate,
    counters: [[u64; 15]; 7],
}

const PERMUTATION_MULTIPLIER: u128 = 1_000_000_007;

impl People {
    fn new(seed: u64, reference: NaiveDate) -> People {
        People {
            seed,
            reference,
            counters: [[0; 15]; 7],
        }
    }

    fn band_dates(&self, band: usize) -> (NaiveDate, u64) {
        let (lo, hi) = BANDS[band];
        let latest = years_before(self.reference, lo);
        let earliest = years_before(self.reference, hi + 1) + Days::new(1);
        let span = (latest - earliest).num_days().max(1) as u64 + 1;
        (earliest, span)
    }

    fn person(&mut self, band: usize, group: usize, rng: &mut Rng) -> Person {
        let areas = AREAS[group];
        let (earliest, span) = self.band_dates(band);
        let space = areas.len() as u64 * span * 999;
        let n = self.counters[band][group];
        self.counters[band][group] += 1;
        let offset = mix(self.seed, (band as u64) << 8 | group as u64) % space;
        let p = ((u128::from(n) * PERMUTATION_MULTIPLIER + u128::from(offset)) % u128::from(space))
            as u64;
        let county = areas[(p % areas.len() as u64) as usize];
        let rest = p / areas.len() as u64;
        let sequence = 1 + rest % 999;
        let birth = earliest + Days::new(rest / 999);
        let male = sequence % 2 == 1;
        let mut id = String::with_capacity(18);
        let _ = write!(
            id,
            "{county:06}{:04}{:02}{:02}{sequence:03}",
            birth.year(),
            birth.month(),
            birth.day()
        );
        let check = gb11643_check(id.as_bytes());
        id.push(char::from(check));
        let (surname, name) = person_name(rng, male, birth.year());
        Person {
            name,
            surname,
            male,
            birth,
            id,
            phone: phone_number(rng),
            out_of_province: group == OUT_OF_PROVINCE,
        }
    }
}

fn years_before(date: NaiveDate, years: u32) -> NaiveDate {
    let y = date.year() - years as i32;
    NaiveDate::from_ymd_opt(y, date.month(), date.day())
        .or_else(|| NaiveDate::from_ymd_opt(y, date.month(), 28))
        .unwrap_or(date)
}

fn age_on(birth: NaiveDate, on: NaiveDate) -> u32 {
    let mut age = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age.max(0) as u32
}

const SURNAMES: [&str; 110] = [
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾",
    "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁",
    "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范", "金", "石", "廖", "贾", "夏",
    "韦", "方", "白", "邹", "孟", "熊", "秦", "邱", "江", "尹", "薛", "段", "雷", "侯", "龙", "史",
    "陶", "黎", "贺", "顾", "毛", "郝", "龚", "邵", "万", "钱", "严", "戴", "孔", "汤", "楼", "应",
    "俞", "裘", "章", "施", "鲍", "屠", "诸", "竺", "项", "季", "翁", "虞", "包", "骆",
];

/// (first characters, second characters) of given names by era and sex.
fn name_pools(male: bool, year: i32) -> (&'static [&'static str], &'static [&'static str]) {
    match (male, year) {
        (true, ..=1964) => (
            &[
                "建", "国", "志", "德", "福", "金", "水", "根", "永", "家", "正", "明", "荣", "海",
                "伟", "文", "松", "祖", "兴", "乃",
            ],
            &[
                "国", "华", "明", "强", "平", "生", "林", "根", "福", "荣", "发", "忠", "良", "才",
                "贵", "庆", "富", "元", "法", "标",
            ],
        ),
        (false, ..=1964) => (
            &[
                "秀", "桂", "美", "月", "玉", "金", "凤", "素", "彩", "雪", "爱", "菊", "兰", "惠",
                "丽", "芳", "杏", "巧", "招", "小",
            ],
            &[
                "英", "兰", "珍", "芳", "娟", "华", "凤", "梅", "娣", "芬", "琴", "仙", "萍", "云",
                "香", "妹", "娥", "花", "宝", "莲",
            ],
        ),
        (true, 1965..=1989) => (
            &[
                "伟", "海", "军", "勇", "建", "晓", "文", "志", "俊", "东", "宏", "斌", "杰", "鹏",
                "剑", "峰", "明", "磊", "立", "国",
            ],
            &[
                "军", "峰", "东", "明", "斌", "杰", "涛", "波", "华", "勇", "强", "刚", "辉", "林",
                "鹏", "宇", "飞", "亮", "平", "超",
            ],
        ),
        (false, 1965..=1989) => (
            &[
                "丽", "晓", "海", "静", "燕", "红", "雅", "慧", "佳", "美", "秀", "玲", "婷", "敏",
                "丹", "春", "雪", "小", "霞", "亚",
            ],
            &[
                "娟", "燕", "萍", "红", "芳", "霞", "敏", "丽", "琴", "静", "婷", "艳", "华", "玲",
                "洁", "颖", "慧", "君", "青", "莉",
            ],
        ),
        (true, _) => (
            &[
                "浩", "子", "宇", "俊", "梓", "一", "晨", "思", "博", "家", "泽", "皓", "天", "嘉",
                "明", "逸", "睿", "文", "昊", "正",
            ],
            &[
                "轩", "然", "杰", "豪", "涵", "宇", "航", "辰", "阳", "铭", "睿", "哲", "凯", "晨",
                "博", "源", "超", "鑫", "楠", "健",
            ],
        ),
        (false, _) => (
            &[
                "欣", "雨", "梓", "思", "诗", "佳", "子", "可", "紫", "一", "语", "若", "心", "梦",
                "晓", "依", "雅", "婉", "舒", "静",
            ],
            &[
                "怡", "涵", "彤", "萱", "琪", "妍", "琳", "璐", "悦", "婷", "晴", "瑶", "雯", "洁",
                "蕾", "颖", "菲", "然", "宁", "璇",
            ],
        ),
    }
}

fn person_name(rng: &mut Rng, male: bool, year: i32) -> (&'static str, String) {
    let surname = *rng.pick(&SURNAMES);
    let (first, second) = name_pools(male, year);
    let mut name = String::with_capacity(9);
    name.push_str(surname);
    if rng.pct(if year >= 1980 { 30 } else { 15 }) {
        name.push_str(rng.pick_str(second));
    } else {
        name.push_str(rng.pick_str(first));
        name.push_str(rng.pick_str(second));
    }
    (surname, name)
}

const PHONE_PREFIXES: [&str; 32] = [
    "134", "135", "136", "137", "138", "139", "150", "151", "152", "157", "158", "159", "182",
    "183", "187", "188", "198", "130", "131", "132", "155", "156", "185", "186", "166", "133",
    "153", "180", "181", "189", "199", "177",
];

fn phone_number(rng: &mut Rng) -> String {
    let mut phone = String::with_capacity(11);
    phone.push_str(rng.pick_str(&PHONE_PREFIXES));
    loop {
        let tail = rng.below(100_000_000);
        // Skip dummies such as 8 equal digits.
        if !tail.is_multiple_of(11_111_111) {
            let _ = write!(phone, "{tail:08}");
            return phone;
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CardKind {
    None,
    Debit,
    Credit,
}

fn card_number(rng: &mut Rng, kind: CardKind, village: bool) -> String {
    let (bin, len) = match (kind, village) {
        (CardKind::Credit, _) => (*rng.pick(&["625836", "622579"]), 16),
        (_, true) => ("623091", 19),
        _ => (*rng.pick(&["623158", "621488"]), 19),
    };
    let mut card = String::with_capacity(len);
    card.push_str(bin);
    while card.len() < len - 1 {
        card.push(char::from(b'0' + rng.below(10) as u8));
    }
    let check = luhn_check_digit(card.as_bytes());
    card.push(char::from(check));
    card
}

// ---------------------------------------------------------------------------
// Calendar
// ---------------------------------------------------------------------------

/// 春节 (Spring Festival) dates; the lunar calendar is not computed.
const SPRING_FESTIVALS: [(i32, u32, u32); 14] = [
    (2019, 2, 5),
    (2020, 1, 25),
    (2021, 2, 12),
    (2022, 2, 1),
    (2023, 1, 22),
    (2024, 2, 10),
    (2025, 1, 29),
    (2026, 2, 17),
    (2027, 2, 6),
    (2028, 1, 26),
    (2029, 2, 13),
    (2030, 2, 3),
    (2031, 1, 23),
    (2032, 2, 11),
];

/// Volume factor of public holidays (below 1) and of the week after the
/// Spring Festival holiday (backlog, above 1).
fn holiday_factor(date: NaiveDate) -> f64 {
    let (m, d) = (date.month(), date.day());
    if (m, d) == (1, 1) {
        return 0.45;
    }
    if m == 5 && d <= 5 {
        return 0.5;
    }
    if m == 10 && d <= 7 {
        return 0.4;
    }
    for (y, sm, sd) in SPRING_FESTIVALS {
        if y != date.year() {
            continue;
        }
        if let Some(festival) = NaiveDate::from_ymd_opt(y, sm, sd) {
            let offset = (date - festival).num_days();
            if (-1..=6).contains(&offset) {
                return 0.3;
            }
            if (7..=13).contains(&offset) {
                return 1.25;
            }
        }
    }
    1.0
}

fn is_working_day(date: NaiveDate) -> bool {
    !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) && holiday_factor(date) >= 1.0
}

fn weekday_factor(date: NaiveDate) -> f64 {
    match date.weekday() {
        Weekday::Mon => 1.18,
        Weekday::Tue => 1.08,
        Weekday::Wed => 1.03,
        Weekday::Thu => 1.0,
        Weekday::Fri => 0.97,
        Weekday::Sat => 0.55,
        Weekday::Sun => 0.45,
    }
}

fn month_index(date: NaiveDate) -> i32 {
    date.year() * 12 + date.month() as i32 - 1
}

// ---------------------------------------------------------------------------
// The plan: how many complaints of which kind fall on each day
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Special {
    Outage,
    Misselling,
    EtcDouble,
    Collection,
    Rising,
}

const SPECIALS: [Special; 5] = [
    Special::Outage,
    Special::Misselling,
    Special::EtcDouble,
    Special::Collection,
    Special::Rising,
];

struct Plan {
    seed: u64,
    start: NaiveDate,
    end: NaiveDate,
    days: u32,
    orgs: Vec<Org>,
    org_cum: Vec<f64>,
    normal: Vec<u32>,
    special: Vec<[u32; 5]>,
    events: Vec<DemoEvent>,
    /// Month index of the market drop (理财 and fund losses follow it).
    drop_month: i32,
    /// Month index of a deposit-rate cut.
    cut_month: i32,
    /// Day index of the Friday night the village-bank upgrade starts.
    outage_day: u32,
    clusters: [String; 5],
}

/// Splits `total` over `weights` (day index, weight) by largest remainder.
fn spread(total: u32, weights: &[(u32, f64)], out: &mut [[u32; 5]], which: usize) {
    let sum: f64 = weights.iter().map(|(_, w)| w).sum();
    if total == 0 || sum <= 0.0 {
        return;
    }
    let mut given = 0u32;
    let mut rema: Vec<(f64, usize)> = Vec::with_capacity(weights.len());
    for (i, (day, w)) in weights.iter().enumerate() {
        let exact = f64::from(total) * w / sum;
        let whole = exact.floor() as u32;
        out[*day as usize][which] += whole;
        given += whole;
        rema.push((exact - f64::from(whole), i));
    }
    rema.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, i) in rema.into_iter().take((total - given) as usize) {
        out[weights[i].0 as usize][which] += 1;
    }
}

impl Plan {
    fn new(seed: u64, count: usize, end: NaiveDate, days: u32) -> Plan {
        let start = end - Days::new(u64::from(days - 1));
        let orgs = demo_orgs();
        let mut acc = 0.0;
        let org_cum = orgs
            .iter()
            .map(|o| {
                acc += o.weight;
                acc
            })
            .collect();
        let mut rng = Rng::new(mix(seed, 0x504C_414E));
        let date_of = |i: u32| start + Days::new(u64::from(i));
        let last = days - 1;
        let back = |frac: f64| last.saturating_sub((f64::from(days) * frac).round() as u32);

        // Day weights of ordinary complaints.
        let day_weights: Vec<(u32, f64)> = (0..days)
            .map(|i| {
                let date = date_of(i);
                let trend = 1.0 + 0.2 * f64::from(i) / f64::from(days);
                let noise = 0.85 + 0.3 * Rng::new(mix(seed, 0xDA7 + u64::from(i))).unit();
                (
                    i,
                    weekday_factor(date) * holiday_factor(date) * trend * noise,
                )
            })
            .collect();

        let nominal = count as f64 / f64::from(days);
        let scale = (nominal / 15.0).max(1.0);

        // Anchors.
        let mut outage_day = back(0.35);
        while outage_day > 0 && date_of(outage_day).weekday() != Weekday::Fri {
            outage_day -= 1;
        }
        let miss_start = back(0.60);
        let miss_len = (days / 10).clamp(5, 30).min(days - miss_start);
        let etc_start = back(0.22);
        let etc_len = 5.min(days - etc_start);
        let coll_start = back(0.45);
        let coll_len = (days / 15).clamp(4, 21).min(days - coll_start);
        let rise_len = (days / 5).clamp(3, 18).min(days);
        let rise_start = days - rise_len;

        let mut sizes = [
            (30.0 + rng.below(51) as f64) * scale,
            (22.0 + rng.below(14) as f64) * scale,
            (25.0 + rng.below(21) as f64) * scale,
            (18.0 + rng.below(13) as f64) * scale,
            0.0,
        ];
        let rise_weights: Vec<(u32, f64)> = (0..rise_len)
            .map(|k| {
                let x = f64::from(k + 1) / f64::from(rise_len);
                let per_day = (nominal * 0.14 * x * x).max(3.5 * x * x);
                (rise_start + k, per_day)
            })
            .collect();
        sizes[4] = rise_weights.iter().map(|(_, w)| w).sum();
        let cap = count as f64 * 0.15;
        let total: f64 = sizes.iter().sum();
        let factor = if total > cap { cap / total } else { 1.0 };
        let sizes: Vec<u32> = sizes.iter().map(|s| (s * factor).floor() as u32).collect();

        let mut special = vec![[0u32; 5]; days as usize];
        let clamp_day = |i: u32| i.min(last);
        spread(
            sizes[0],
            &[
                (clamp_day(outage_day), 0.06),
                (clamp_day(outage_day + 1), 0.62),
                (clamp_day(outage_day + 2), 0.32),
            ],
            &mut special,
            0,
        );
        let miss: Vec<(u32, f64)> = (0..miss_len)
            .map(|k| {
                let d = miss_start + k;
                let decay = 1.6 - f64::from(k) / f64::from(miss_len);
                (d, decay * weekday_factor(date_of(d)))
            })
            .collect();
        spread(sizes[1], &miss, &mut special, 1);
        let etc: Vec<(u32, f64)> = [0.34, 0.30, 0.20, 0.10, 0.06]
            .iter()
            .take(etc_len as usize)
            .enumerate()
            .map(|(k, w)| (etc_start + k as u32, *w))
            .collect();
        spread(sizes[2], &etc, &mut special, 2);
        let coll: Vec<(u32, f64)> = (0..coll_len)
            .map(|k| (coll_start + k, weekday_factor(date_of(coll_start + k))))
            .collect();
        spread(sizes[3], &coll, &mut special, 3);
        spread(sizes[4], &rise_weights, &mut special, 4);

        let special_total: u32 = special.iter().flatten().sum();
        let normal_total = (count as u64).saturating_sub(u64::from(special_total)) as u32;
        let mut normal_rows = vec![[0u32; 5]; days as usize];
        spread(normal_total, &day_weights, &mut normal_rows, 0);
        let normal = normal_rows.iter().map(|r| r[0]).collect();

        let clusters = [
            format!("outage-VB_CA-{}", date_of(clamp_day(outage_day + 1))),
            format!("wm-misselling-WZ02-{}", date_of(miss_start)),
            format!("etc-double-charge-NB03-{}", date_of(etc_start)),
            format!("collection-agency-SX-{}", date_of(coll_start)),
            format!("app-face-verification-{}", date_of(rise_start)),
        ];
        let mut plan = Plan {
            seed,
            start,
            end,
            days,
            orgs,
            org_cum,
            normal,
            special,
            events: Vec::new(),
            drop_month: month_index(date_of(miss_start)) - 1,
            cut_month: month_index(date_of(back(0.80))),
            outage_day,
            clusters,
        };
        plan.events = plan.describe_events();
        plan
    }

    fn describe_events(&self) -> Vec<DemoEvent> {
        let info: [(&str, &[&str], &[&str]); 5] = [
            (
                "淳安江南村镇银行核心系统升级，周末两天手机银行无法登录、转账失败、银行卡无法使用",
                &["VB_CA"],
                &["系统升级", "手机银行", "转账失败"],
            ),
            (
                "温州瑞安支行销售的“江南稳盈180天持有期2号”到期亏损，客户集中投诉误导销售",
                &["WZ02"],
                &["稳盈180天", "保本", "风险测评", "亏损"],
            ),
            (
                "宁波北仑支行签约的货车ETC通行费重复扣款",
                &["NB03"],
                &["ETC", "重复扣费", "通行费"],
            ),
            (
                "绍兴地区委外催收机构联系借款人家人、同事，频繁致电",
                &["SX01", "SX02", "SX03", "SX04"],
                &["催收", "通讯录", "外包催收"],
            ),
            (
                "手机银行新版本强制人脸识别，老年客户无法通过验证",
                &[],
                &[RISING_TERM, "新版本", "手机银行"],
            ),
        ];
        let mut events = Vec::new();
        for (k, (description, orgs, terms)) in info.iter().enumerate() {
            let days: Vec<u32> = (0..self.days)
                .filter(|&d| self.special[d as usize][k] > 0)
                .collect();
            let (Some(first), Some(last)) = (days.first(), days.last()) else {
                continue;
            };
            let count = self.special.iter().map(|r| r[k] as usize).sum();
            let orgs = if orgs.is_empty() {
                self.orgs.iter().map(|o| o.code.to_string()).collect()
            } else {
                orgs.iter().map(|s| s.to_string()).collect()
            };
            events.push(DemoEvent {
                cluster: self.clusters[k].clone(),
                description: description.to_string(),
                orgs,
                first_day: self.start + Days::new(u64::from(*first)),
                last_day: self.start + Days::new(u64::from(*last)),
                count,
                key_terms: terms.iter().map(|s| s.to_string()).collect(),
            });
        }
        events
    }

    fn org_index(&self, code: &str) -> usize {
        self.orgs.iter().position(|o| o.code == code).unwrap_or(0)
    }

    /// Cumulative scenario weights per organisation for one day.
    fn scenario_tables(&self, date: NaiveDate) -> Vec<Vec<f64>> {
        self.orgs
            .iter()
            .map(|org| {
                let mut acc = 0.0;
                SCENARIOS
                    .iter()
                    .map(|s| {
                        acc += f64::from(s.weight)
                            * season(s.key, date, self)
                            * org_effect(s.key, org);
                        acc
                    })
                    .collect()
            })
            .collect()
    }

    fn day_batch(&self, d: u32, people: &mut People, next_id: &mut u64) -> Vec<GeneratedComplaint> {
        let date = self.start + Days::new(u64::from(d));
        let mut rng = Rng::new(mix(self.seed, 0x0001_0000 + u64::from(d)));
        let normal = self.normal[d as usize];
        let special = self.special[d as usize];
        let total = normal as usize + special.iter().sum::<u32>() as usize;
        let mut batch = Vec::with_capacity(total);
        if normal > 0 {
            let tables = self.scenario_tables(date);
            for _ in 0..normal {
                let org = rng.cumulative(&self.org_cum);
                let scn = &SCENARIOS[rng.cumulative(&tables[org])];
                batch.push(self.build(date, org, scn, None, people, &mut rng));
            }
        }
        for (k, sp) in SPECIALS.iter().enumerate() {
            for _ in 0..special[k] {
                let (org, scn) = self.special_target(*sp, &mut rng);
                batch.push(self.build(date, org, scn, Some(*sp), people, &mut rng));
            }
        }
        batch.sort_by_key(|c| c.received_at);
        for c in &mut batch {
            c.external_id.clear();
            let _ = write!(c.external_id, "DEMO-{:06}", *next_id);
            *next_id += 1;
        }
        batch
    }

    fn special_target(&self, sp: Special, rng: &mut Rng) -> (usize, &'static Scenario) {
        match sp {
            Special::Outage => (self.org_index("VB_CA"), &BURST_OUTAGE),
            Special::Misselling => (self.org_index("WZ02"), &BURST_MISSELLING),
            Special::EtcDouble => (self.org_index("NB03"), &BURST_ETC),
            Special::Collection => {
                let code = rng.weighted(&[("SX01", 4), ("SX02", 3), ("SX03", 2), ("SX04", 1)]);
                (self.org_index(code), &BURST_COLLECTION)
            }
            Special::Rising => {
                let org = loop {
                    let o = rng.cumulative(&self.org_cum);
                    // Few village-bank customers use the new app version.
                    if self.orgs[o].class != OrgClass::Village || rng.pct(30) {
                        break o;
                    }
                };
                (org, &RISING_FACE)
            }
        }
    }
}

fn season(key: &str, date: NaiveDate, plan: &Plan) -> f64 {
    let m = date.month();
    let since_drop = month_index(date) - plan.drop_month;
    let since_cut = month_index(date) - plan.cut_month;
    match key {
        "cc_annual_fee" => match m {
            1 => 3.0,
            2 => 1.6,
            12 => 1.2,
            _ => 1.0,
        },
        "mortgage_rate" => match m {
            1 => 2.6,
            2 => 1.5,
            _ => 1.0,
        },
        "wm_loss" => match since_drop {
            0 => 3.0,
            1 => 2.4,
            2 => 1.5,
            _ => 1.0,
        },
        "fund" => match since_drop {
            0 => 2.5,
            1 => 2.0,
            _ => 1.0,
        },
        "gold" => match since_drop {
            0 | 1 => 1.8,
            _ => 1.0,
        },
        "deposit" => match since_cut {
            0 => 2.5,
            1 => 1.6,
            _ => 1.0,
        },
        "fx" => match m {
            7 | 8 => 2.2,
            1 => 1.3,
            _ => 1.0,
        },
        "tax_refund" => match m {
            3..=6 => 3.0,
            _ => 0.3,
        },
        "pension" => match m {
            7 | 8 => 1.6,
            12 => 1.8,
            1 => 1.4,
            _ => 1.0,
        },
        "insurance" => match m {
            1..=3 => 1.8,
            _ => 1.0,
        },
        "marketing_sms" => match m {
            12 | 1 | 2 => 1.5,
            _ => 1.0,
        },
        "cc_fraud" => match m {
            10 => 1.7,
            2 => 1.4,
            7 | 8 => 1.3,
            _ => 1.0,
        },
        "queue" => match m {
            1 | 2 => 1.5,
            _ => 1.0,
        },
        "cash" => match m {
            1 | 2 => 1.8,
            _ => 1.0,
        },
        "etc" => match m {
            2 | 5 | 10 => 1.5,
            _ => 1.0,
        },
        "treasury" => match m {
            12 | 1 | 2 => 0.2,
            3..=5 => 1.5,
            _ => 1.0,
        },
        _ => 1.0,
    }
}

fn org_effect(key: &str, org: &Org) -> f64 {
    let mut f = 1.0;
    let is_loan = matches!(
        key,
        "prepay" | "mortgage_rate" | "loan_bundle" | "loan_service" | "consumer_loan"
    );
    if org.class == OrgClass::Village {
        f *= match key {
            k if k.starts_with("cc_") => 0.05,
            "collection" => 0.3,
            "fx" => 0.1,
            "bill" => 0.2,
            "wm_loss" | "wm_redeem" | "fund" => 0.4,
            "gold" => 0.3,
            "pension" => 2.5,
            "social_card" => 2.2,
            "deposit" => 1.6,
            "inheritance" => 2.0,
            "cash" => 2.5,
            "loan_service" => 1.4,
            "mobile_app" => 0.6,
            "third_party" => 0.5,
            _ => 1.0,
        };
    }
    if org.class == OrgClass::Outlet {
        if is_loan {
            f *= 0.3;
        }
        f *= match key {
            "queue" => 2.0,
            "attitude" => 1.5,
            "atm_swallow" | "atm_cash" => 1.5,
            _ => 1.0,
        };
    }
    f *= match (org.city, key) {
        (City::Hangzhou, "mobile_app" | "third_party") => 1.5,
        (City::Hangzhou, k) if k.starts_with("cc_") => 1.3,
        (City::Hangzhou, "pii_leak") => 1.3,
        (City::Hangzhou, "marketing_sms") => 1.2,
        (City::Ningbo, "fx") => 1.8,
        (City::Ningbo, "etc") => 1.5,
        (City::Ningbo, "bill") => 1.6,
        (City::Wenzhou, "loan_service") => 1.8,
        (City::Wenzhou, "fx") => 1.6,
        (City::Wenzhou, "bill") => 2.2,
        (City::Wenzhou, "wm_loss") => 1.4,
        (City::Wenzhou, "gold") => 1.8,
        (City::Wenzhou, "prepay") => 1.3,
        (City::Shaoxing, "collection") => 1.8,
        (City::Shaoxing, "loan_service" | "credit_report") => 1.3,
        (City::Jiaxing, "mortgage_rate") => 1.4,
        (City::Jiaxing, "prepay" | "queue") => 1.3,
        _ => 1.0,
    };
    f *= match (org.code, key) {
        ("NB03", "etc") => 3.0,
        ("HZ02", "mobile_app") => 1.4,
        ("HZ02", "cc_installment") => 1.3,
        ("WZ02", "wm_loss") => 1.3,
        ("HZ04", "fx" | "cash") => 1.5,
        _ => 1.0,
    };
    f
}

// ---------------------------------------------------------------------------
// Scenarios (the content tables are at the end of the file)
// ---------------------------------------------------------------------------

/// Which regulator a transferred complaint of this kind usually comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Regulator {
    /// 12378 (NFRA): credit cards, loans, wealth management, insurance.
    Nfra,
    /// 12363 (PBoC): payments, accounts, cash, personal information, credit
    /// reports, foreign exchange, treasury.
    Pboc,
    Both,
}

/// Age profile of the consumers concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Age {
    Working,
    Young,
    Mixed,
    Elderly,
    Senior,
    Teen,
}

/// Consumer age bands: 10-17, 18-24, 25-34, 35-44, 45-59, 60-69, 70-79, 80-92.
const CONSUMER_BANDS: [(u32, u32); 8] = [
    (10, 17),
    (18, 24),
    (25, 34),
    (35, 44),
    (45, 59),
    (60, 69),
    (70, 79),
    (80, 92),
];

impl Age {
    fn weights(self) -> [(usize, u32); 8] {
        let w = match self {
            Age::Working => [0, 8, 30, 28, 22, 8, 3, 1],
            Age::Young => [1, 30, 35, 18, 10, 4, 2, 0],
            Age::Mixed => [1, 6, 20, 22, 25, 15, 8, 3],
            Age::Elderly => [0, 2, 8, 12, 20, 28, 22, 8],
            Age::Senior => [0, 0, 2, 5, 11, 30, 36, 16],
            Age::Teen => [14, 26, 24, 18, 10, 5, 2, 1],
        };
        let mut out = [(0, 0); 8];
        for (i, x) in w.into_iter().enumerate() {
            out[i] = (i, x);
        }
        out
    }
}

/// How the amounts of a scenario are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AmtKind {
    None,
    AnnualFee,
    Installment,
    MinPay,
    Overdue,
    Fraud,
    Debt,
    Prepay,
    Mortgage,
    Bundle,
    Loan,
    WmLoss,
    WmRedeem,
    Insurance,
    FundLoss,
    AtmCash,
    SmallFee,
    Transfer,
    SmallPay,
    Bill,
    Fx,
    Deposit,
    Estate,
    Gold,
    Bond,
    Pension,
    Toll,
    TaxRefund,
    Cash,
}

/// Which amount is the one in dispute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dispute {
    None,
    Main,
    Fee,
}

/// Amounts of one complaint: money in fen, `rate` in basis points, `pct` in
/// tenths of a percent.
#[derive(Debug, Clone, Copy, Default)]
struct Amt {
    main: u64,
    fee: u64,
    n: u32,
    rate: u32,
    pct: u32,
}

fn yuan(y: u64) -> u64 {
    y * 100
}

fn round_to(v: u64, step: u64) -> u64 {
    (v / step).max(1) * step
}

impl AmtKind {
    fn draw(self, rng: &mut Rng) -> Amt {
        let mut a = Amt::default();
        match self {
            AmtKind::None => {}
            AmtKind::AnnualFee => {
                a.fee = yuan(*rng.pick(&[200, 300, 480, 580, 680, 880, 1200, 2000, 3600]));
                a.main = a.fee;
                a.n = *rng.pick(&[5, 6, 8, 10, 12]) as u32;
            }
            AmtKind::Installment => {
                a.main = yuan(round_to(rng.range(3_000, 100_000), 100));
                a.n = *rng.pick(&[3, 6, 12, 12, 18, 24, 36]);
                a.rate = *rng.pick(&[55, 60, 65, 70, 75, 80]);
                a.fee = a.main * u64::from(a.rate) * u64::from(a.n) / 10_000;
                // Approximate APR of an equal-principal instalment plan.
                let n = f64::from(a.n);
                a.pct =
                    (f64::from(a.rate) / 100.0 * 12.0 * 2.0 * n / (n + 1.0) * 10.0).round() as u32;
            }
            AmtKind::MinPay => {
                a.main = yuan(round_to(rng.range(5_000, 60_000), 10)) + rng.below(100);
                a.fee = a.main * rng.range(120, 180) / 10_000;
                a.n = rng.range(1, 3) as u32;
            }
            AmtKind::Overdue => {
                a.main = yuan(rng.range(800, 30_000)) + rng.below(100);
                a.fee = yuan(rng.range(20, 900)) + rng.below(100);
                a.n = rng.range(1, 5) as u32;
            }
            AmtKind::Fraud => {
                a.main = yuan(rng.range(300, 50_000)) + rng.below(100);
                a.n = rng.range(1, 8) as u32;
            }
            AmtKind::Debt => {
                a.main = yuan(rng.range(3_000, 80_000)) + rng.below(100);
                a.fee = a.main * rng.range(300, 1500) / 10_000;
                a.n = rng.range(5, 40) as u32;
            }
            AmtKind::Prepay => {
                a.main = yuan(round_to(rng.range(50_000, 600_000), 10_000));
                a.rate = *rng.pick(&[100, 100, 200, 300]);
                a.fee = a.main * u64::from(a.rate) / 10_000;
                a.n = rng.range(1, 4) as u32;
            }
            AmtKind::Mortgage => {
                a.main = yuan(round_to(rng.range(400_000, 3_000_000), 10_000));
                a.rate = rng.range(455, 588) as u32;
                a.n = rng.range(30, 130) as u32;
                a.fee = a.main * u64::from(a.n) / 10_000;
            }
            AmtKind::Bundle => {
                a.main = yuan(round_to(rng.range(50_000, 500_000), 10_000));
                a.fee = yuan(rng.range(800, 12_000));
                a.n = rng.range(1, 5) as u32;
            }
            AmtKind::Loan => {
                a.main = yuan(round_to(rng.range(30_000, 1_000_000), 10_000));
                a.rate = *rng.pick(&[288, 300, 320, 345, 360, 388]);
                a.pct = rng.range(72, 180) as u32;
                a.n = rng.range(7, 45) as u32;
                a.fee = a.main * u64::from(a.pct) / 1000 - a.main * u64::from(a.rate) / 10_000;
            }
            AmtKind::WmLoss => {
                a.main = yuan(round_to(rng.range(50_000, 1_000_000), 10_000));
                a.pct = rng.range(20, 120) as u32;
                a.fee = a.main * u64::from(a.pct) / 1000 + rng.below(100);
                a.rate = rng.range(300, 450) as u32;
                a.n = *rng.pick(&[6, 9, 12, 18, 24]);
            }
            AmtKind::WmRedeem => {
                a.main = yuan(round_to(rng.range(10_000, 500_000), 1_000));
                a.n = rng.range(2, 10) as u32;
                a.fee = a.main * rng.range(5, 30) / 10_000;
            }
            AmtKind::Insurance => {
                a.main = yuan(round_to(rng.range(10_000, 100_000), 1_000));
                a.n = *rng.pick(&[5, 6, 10, 10, 15, 20]);
                a.pct = rng.range(200, 650) as u32;
                a.fee = a.main * u64::from(a.pct) / 1000;
            }
            AmtKind::FundLoss => {
                a.main = yuan(round_to(rng.range(20_000, 300_000), 1_000));
                a.pct = rng.range(80, 380) as u32;
                a.fee = a.main * u64::from(a.pct) / 1000 + rng.below(100);
                a.n = rng.range(1, 4) as u32;
            }
            AmtKind::AtmCash => {
                a.main = yuan(round_to(rng.range(300, 5_000), 100));
            }
            AmtKind::SmallFee => {
                a.fee = yuan(rng.range(3, 60)) * 2;
                a.n = rng.range(2, 8) as u32;
                a.main = a.fee;
            }
            AmtKind::Transfer => {
                a.main = yuan(round_to(rng.range(2_000, 500_000), 100));
                a.n = rng.range(1, 5) as u32;
                a.fee = yuan(rng.range(5, 50));
            }
            AmtKind::SmallPay => {
                a.main = yuan(rng.range(20, 5_000)) + rng.below(100);
                a.n = rng.range(2, 15) as u32;
            }
            AmtKind::Bill => {
                a.main = yuan(round_to(rng.range(100_000, 2_000_000), 10_000));
                a.fee = a.main * rng.range(50, 200) / 10_000;
                a.n = rng.range(3, 15) as u32;
            }
            AmtKind::Fx => {
                a.main = yuan(round_to(rng.range(3_000, 60_000), 100));
                a.fee = yuan(rng.range(50, 600));
                a.n = rng.range(3, 20) as u32;
            }
            AmtKind::Deposit => {
                a.main = yuan(round_to(rng.range(20_000, 1_000_000), 10_000));
                a.rate = rng.range(150, 320) as u32;
                a.fee = a.main * u64::from(a.rate) / 10_000 * rng.range(20, 100) / 100;
                a.n = *rng.pick(&[1, 2, 3, 3, 5]);
            }
            AmtKind::Estate => {
                a.main = yuan(rng.range(20_000, 600_000)) + rng.below(100);
                a.n = rng.range(2, 6) as u32;
            }
            AmtKind::Gold => {
                a.n = rng.range(10, 500) as u32;
                a.main = u64::from(a.n) * yuan(rng.range(420, 720));
                a.pct = rng.range(30, 150) as u32;
                a.fee = a.main * u64::from(a.pct) / 1000;
            }
            AmtKind::Bond => {
                a.main = yuan(round_to(rng.range(10_000, 200_000), 1_000));
                a.rate = *rng.pick(&[195, 210, 238, 250, 290]);
                a.n = *rng.pick(&[3, 5]);
            }
            AmtKind::Pension => {
                a.main = yuan(rng.range(1_500, 6_500)) + rng.below(100);
                a.n = rng.range(1, 3) as u32;
            }
            AmtKind::Toll => {
                a.fee = yuan(rng.range(15, 680)) + rng.below(100);
                a.main = a.fee * 2;
                a.n = rng.range(2, 4) as u32;
            }
            AmtKind::TaxRefund => {
                a.fee = yuan(rng.range(150, 9_000)) + rng.below(100);
                a.main = a.fee;
                a.n = rng.range(10, 40) as u32;
            }
            AmtKind::Cash => {
                a.main = yuan(round_to(rng.range(20, 3_000), 10));
                a.n = rng.range(2, 30) as u32;
            }
        }
        a
    }
}

type Weighted = &'static [(&'static str, u32)];
type CatWeighted = &'static [((&'static str, Option<&'static str>), u32)];

struct Scenario {
    key: &'static str,
    /// Relative frequency (per mille of ordinary complaints, before season
    /// and branch effects).
    weight: u32,
    /// Subject for formal titles (关于…的投诉).
    topic: &'static str,
    cats: CatWeighted,
    reasons: Weighted,
    channels: Weighted,
    demands: Weighted,
    regulator: Regulator,
    /// Share of regulator transfers, percent of the average.
    transfer: u32,
    /// Media items, per mille.
    media: u32,
    age: Age,
    card: CardKind,
    amount: AmtKind,
    dispute: Dispute,
    /// Days from the event to the complaint.
    lag: (u32, u32),
    /// Days from the earlier event (purchase, account opening) to the event.
    lag0: (u32, u32),
    /// Percent of consumers from other provinces.
    migrants: u32,
    /// Filed by heirs.
    heir: bool,
    products: &'static [&'static str],
    /// Noun phrases for the demands (退还{thing}).
    thing: &'static [&'static str],
    /// Phrases for the demand 其他.
    asks: &'static [&'static str],
    titles: &'static [&'static str],
    /// Steps of the story; one alternative per step, "" skips the step.
    facts: &'static [&'static [&'static str]],
    /// Short app-style messages.
    terse: &'static [&'static str],
}

const BASE: Scenario = Scenario {
    key: "",
    weight: 0,
    topic: "",
    cats: &[],
    reasons: &[],
    channels: &[],
    demands: &[],
    regulator: Regulator::Both,
    transfer: 100,
    media: 6,
    age: Age::Working,
    card: CardKind::None,
    amount: AmtKind::None,
    dispute: Dispute::None,
    lag: (1, 20),
    lag0: (60, 1000),
    migrants: 12,
    heir: false,
    products: &[],
    thing: &[],
    asks: &[],
    titles: &[],
    facts: &[],
    terse: &[],
};

// ---------------------------------------------------------------------------
// One complaint
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Register {
    AppTerse,
    AppNormal,
    Narrative,
    Summary,
    Counter,
    Regulator,
    Pboc,
    Petition,
    Media,
    Letter,
    Relative,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Relation {
    None,
    ChildOfElder,
    ParentOfMinor,
    Carer,
    Colleague,
    Lawyer,
    Heir,
}

/// (first person, third person, the filer's role if male, if female).
type RelWords = (&'static str, &'static str, &'static str, &'static str);

const REL_ELDER_F: [RelWords; 4] = [
    ("我母亲", "其母亲", "儿子", "女儿"),
    ("我妈", "其母亲", "儿子", "女儿"),
    ("我外婆", "其外婆", "外孙", "外孙女"),
    ("我奶奶", "其奶奶", "孙子", "孙女"),
];
const REL_ELDER_M: [RelWords; 4] = [
    ("我父亲", "其父亲", "儿子", "女儿"),
    ("我爸", "其父亲", "儿子", "女儿"),
    ("我外公", "其外公", "外孙", "外孙女"),
    ("我爷爷", "其爷爷", "孙子", "孙女"),
];
const REL_MINOR_M: [RelWords; 2] = [
    ("我儿子", "其儿子", "父亲", "母亲"),
    ("孩子", "其孩子", "父亲", "母亲"),
];
const REL_MINOR_F: [RelWords; 2] = [
    ("我女儿", "其女儿", "父亲", "母亲"),
    ("孩子", "其孩子", "父亲", "母亲"),
];
const REL_CARER_M: [RelWords; 2] = [
    ("我哥哥", "其哥哥", "弟弟", "妹妹"),
    ("我弟弟", "其弟弟", "哥哥", "姐姐"),
];
const REL_CARER_F: [RelWords; 2] = [
    ("我姐姐", "其姐姐", "弟弟", "妹妹"),
    ("我妹妹", "其妹妹", "哥哥", "姐姐"),
];
const REL_COLLEAGUE: [RelWords; 2] = [
    ("我同事", "其同事", "同事", "同事"),
    ("我的外籍同事", "其外籍同事", "同事", "同事"),
];

struct Parties {
    filer: Person,
    role: &'static str,
    relation: Relation,
    rel: RelWords,
    consumer_name: String,
    consumer_male: bool,
    consumer_age: u32,
    flags: Vec<&'static str>,
}

impl Plan {
    fn choose_source(&self, scn: &Scenario, working: bool, rng: &mut Rng) -> &'static str {
        if !working {
            return rng.weighted(&[
                (SRC_OWN, 975),
                (SRC_MEDIA, scn.media.max(3)),
                (SRC_OTHER, 15),
            ]);
        }
        let transfer = 150 * scn.transfer / 100;
        let nfra_share = match scn.regulator {
            Regulator::Nfra => 90,
            Regulator::Pboc => 30,
            Regulator::Both => 65,
        };
        let t12378 = transfer * nfra_share / 100;
        let t12363 = transfer - t12378;
        let own = 1000u32.saturating_sub(transfer + 10 + scn.media + 18);
        rng.weighted(&[
            (SRC_OWN, own),
            (SRC_12378, t12378),
            (SRC_12363, t12363),
            (SRC_PETITION, 10),
            (SRC_MEDIA, scn.media),
            (SRC_OTHER, 18),
        ])
    }

    fn person_group(&self, org: &Org, migrant: bool, rng: &mut Rng) -> usize {
        if migrant {
            return OUT_OF_PROVINCE;
        }
        let home = org.city.area_group();
        let r = rng.below(100);
        if org.class == OrgClass::Village {
            match r {
                0..=84 => home,
                85..=94 => org.city.prefecture_group(),
                _ => rng.below(11) as usize,
            }
        } else if r < 88 {
            home
        } else {
            rng.below(11) as usize
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn parties(
        &self,
        scn: &Scenario,
        org: &Org,
        source: &str,
        date: NaiveDate,
        special: Option<Special>,
        people: &mut People,
        rng: &mut Rng,
    ) -> Parties {
        let mut flags: Vec<&'static str> = Vec::with_capacity(2);
        if scn.heir {
            let consumer_male = rng.pct(55);
            let consumer_age = rng.range(72, 95) as u32;
            let band = if consumer_age > 85 && rng.pct(40) {
                4
            } else {
                *rng.pick(&[2, 3, 3])
            };
            let group = self.person_group(org, false, rng);
            let filer = people.person(band, group, rng);
            let (_, consumer_name) =
                person_name(rng, consumer_male, date.year() - consumer_age as i32);
            let rel = if consumer_male {
                REL_ELDER_M[0]
            } else {
                REL_ELDER_F[0]
            };
            if org.class == OrgClass::Village && rng.pct(40) {
                flags.push(F_RURAL);
            }
            return Parties {
                filer,
                role: ROLE_HEIR,
                relation: Relation::Heir,
                rel,
                consumer_name,
                consumer_male,
                consumer_age,
                flags,
            };
        }
        let band = rng.weighted(&scn.age.weights());
        let (lo, hi) = CONSUMER_BANDS[band];
        let migrant_pct = match org.class {
            OrgClass::Village => scn.migrants / 3,
            _ if band >= 5 => scn.migrants / 4,
            _ => scn.migrants,
        };
        let migrant = band >= 1 && rng.pct(migrant_pct);
        // The consumer: drawn as a person when they file themselves.
        let minor = band == 0;
        let tentative_age = rng.range(u64::from(lo), u64::from(hi)) as u32;
        let elderly_agent = match tentative_age {
            80.. => 55,
            70..=79 => 35,
            60..=69 => 10,
            _ => 0,
        };
        let disabled = rng.permille(match scn.key {
            "queue" | "other_facility" | "atm_swallow" | "attitude" => 45,
            _ => 12,
        });
        let foreign = !minor
            && (25..60).contains(&tentative_age)
            && rng.permille(match scn.key {
                "fx" | "account_open" => 40,
                "account_frozen" | "mobile_app" => 6,
                _ => 2,
            });
        let regulator_source = source != SRC_OWN && source != SRC_OTHER;
        let relation = if minor {
            Relation::ParentOfMinor
        } else if foreign {
            Relation::Colleague
        } else if rng.pct(elderly_agent) {
            Relation::ChildOfElder
        } else if disabled && tentative_age < 60 && rng.pct(30) {
            Relation::Carer
        } else if !regulator_source && special.is_none() && rng.permille(12) {
            Relation::Lawyer
        } else {
            Relation::None
        };
        let (filer, consumer_name, consumer_male, consumer_age) = match relation {
            Relation::None | Relation::Lawyer if relation == Relation::None => {
                let group = self.person_group(org, migrant, rng);
                let filer = people.person(filer_band(tentative_age), group, rng);
                let age = age_on(filer.birth, date);
                let name = filer.name.clone();
                let male = filer.male;
                (filer, name, male, age)
            }
            _ => {
                let consumer_male = rng.pct(if relation == Relation::ChildOfElder {
                    40
                } else {
                    50
                });
                let (_, consumer_name) =
                    person_name(rng, consumer_male, date.year() - tentative_age as i32);
                let filer_band = match relation {
                    Relation::ChildOfElder => {
                        if tentative_age >= 80 {
                            *rng.pick(&[2, 3, 3])
                        } else {
                            *rng.pick(&[1, 2, 2, 3])
                        }
                    }
                    Relation::ParentOfMinor => *rng.pick(&[2, 2, 3]),
                    Relation::Lawyer => *rng.pick(&[1, 1, 2, 3]),
                    _ => filer_band(tentative_age),
                };
                let group = self.person_group(org, migrant && relation == Relation::Carer, rng);
                let filer = people.person(filer_band, group, rng);
                (filer, consumer_name, consumer_male, tentative_age)
            }
        };
        let rel = match relation {
            Relation::ChildOfElder => *rng.pick(if consumer_male {
                &REL_ELDER_M
            } else {
                &REL_ELDER_F
            }),
            Relation::ParentOfMinor => *rng.pick(if consumer_male {
                &REL_MINOR_M
            } else {
                &REL_MINOR_F
            }),
            Relation::Carer => *rng.pick(if consumer_male {
                &REL_CARER_M
            } else {
                &REL_CARER_F
            }),
            Relation::Colleague => *rng.pick(&REL_COLLEAGUE),
            _ => ("", "", "", ""),
        };
        let role = match relation {
            Relation::None => ROLE_SELF,
            Relation::ParentOfMinor => ROLE_GUARDIAN,
            _ => ROLE_AGENT,
        };
        if consumer_age >= 60 && rng.pct(if consumer_age >= 65 { 88 } else { 50 }) {
            flags.push(F_ELDERLY);
        }
        if minor {
            flags.push(F_MINOR);
        }
        if disabled {
            flags.push(F_DISABLED);
        }
        if migrant && relation == Relation::None && consumer_age < 50 && rng.pct(55) {
            flags.push(F_NEWCOMER);
        }
        let rural = match org.class {
            OrgClass::Village => 45,
            _ if consumer_age >= 55 => 6,
            _ => 2,
        };
        if !foreign && rng.pct(rural) {
            flags.push(F_RURAL);
        }
        if rng.permille(match scn.key {
            "collection" | "pension" | "cash" => 45,
            _ => 15,
        }) {
            flags.push(F_LOWINCOME);
        }
        if foreign {
            flags.push(F_FOREIGN);
        }
        let other = if consumer_age <= 22 && !minor {
            rng.pct(30)
        } else {
            rng.permille(4)
        };
        if other && relation != Relation::Colleague {
            flags.push(F_OTHER);
        }
        Parties {
            filer,
            role,
            relation,
            rel,
            consumer_name,
            consumer_male,
            consumer_age,
            flags,
        }
    }

    fn register(&self, source: &str, channel: &str, parties: &Parties, rng: &mut Rng) -> Register {
        match source {
            SRC_12378 => return Register::Regulator,
            SRC_12363 => return Register::Pboc,
            SRC_PETITION => return Register::Petition,
            SRC_MEDIA => return Register::Media,
            SRC_OTHER => return Register::Letter,
            _ => {}
        }
        match parties.relation {
            Relation::Heir => rng.weighted(&[
                (Register::Letter, 45),
                (Register::Counter, 30),
                (Register::Summary, 15),
                (Register::Narrative, 10),
            ]),
            Relation::Lawyer => Register::Letter,
            Relation::Colleague => rng.weighted(&[
                (Register::Counter, 45),
                (Register::Summary, 35),
                (Register::Relative, 20),
            ]),
            Relation::ChildOfElder | Relation::Carer | Relation::ParentOfMinor => rng.weighted(&[
                (Register::Relative, 60),
                (Register::Summary, 25),
                (Register::Letter, 15),
            ]),
            Relation::None => match channel {
                CH_APP | CH_WEB | CH_WECHAT | CH_THIRD => rng.weighted(&[
                    (Register::AppTerse, 40),
                    (Register::AppNormal, 45),
                    (Register::Narrative, 15),
                ]),
                CH_COUNTER | CH_SELF => rng.weighted(&[
                    (Register::Counter, 60),
                    (Register::Narrative, 22),
                    (Register::Summary, 18),
                ]),
                _ => rng.weighted(&[(Register::Summary, 60), (Register::Narrative, 40)]),
            },
        }
    }

    fn received_time(
        &self,
        special: Option<Special>,
        source: &str,
        channel: &str,
        date: NaiveDate,
        rng: &mut Rng,
    ) -> NaiveTime {
        const TRANSFER: (u32, &[u32]) = (9, &[10, 16, 14, 4, 8, 14, 14, 12, 4]);
        const COUNTER: (u32, &[u32]) = (9, &[14, 18, 14, 8, 12, 14, 12, 8]);
        const PHONE: (u32, &[u32]) = (8, &[6, 12, 14, 11, 8, 10, 12, 11, 9, 7, 6, 5, 4, 3]);
        const ONLINE: (u32, &[u32]) = (
            0,
            &[
                2, 1, 0, 0, 0, 1, 3, 6, 9, 10, 9, 8, 9, 8, 8, 8, 8, 8, 9, 11, 12, 12, 10, 6,
            ],
        );
        const SELF_SERVICE: (u32, &[u32]) = (7, &[3, 6, 9, 10, 9, 8, 8, 8, 8, 8, 9, 9, 8, 6, 4, 2]);
        if special == Some(Special::Outage) {
            let offset = (date - (self.start + Days::new(u64::from(self.outage_day)))).num_days();
            let (from, to) = match offset {
                0 => (22 * 60 + 30, 23 * 60 + 59),
                1 => (6 * 60 + 30, 23 * 60 + 50),
                _ => (7 * 60, 22 * 60),
            };
            let minute = rng.range(from, to) as u32;
            return NaiveTime::from_hms_opt(minute / 60, minute % 60, rng.below(60) as u32)
                .unwrap_or(NaiveTime::MIN);
        }
        let (first, weights) = if source != SRC_OWN && source != SRC_MEDIA && source != SRC_OTHER {
            TRANSFER
        } else {
            match channel {
                CH_COUNTER => COUNTER,
                CH_SELF => SELF_SERVICE,
                CH_APP | CH_WEB | CH_WECHAT | CH_THIRD => ONLINE,
                _ => PHONE,
            }
        };
        let total: u32 = weights.iter().sum();
        let mut r = rng.below(u64::from(total)) as u32;
        let mut hour = first;
        for w in weights {
            if r < *w {
                break;
            }
            r -= w;
            hour += 1;
        }
        NaiveTime::from_hms_opt(hour.min(23), rng.below(60) as u32, rng.below(60) as u32)
            .unwrap_or(NaiveTime::MIN)
    }

    #[allow(clippy::too_many_arguments)]
    fn build(
        &self,
        date: NaiveDate,
        org_idx: usize,
        scn: &'static Scenario,
        special: Option<Special>,
        people: &mut People,
        rng: &mut Rng,
    ) -> GeneratedComplaint {
        let org = &self.orgs[org_idx];
        let source = self.choose_source(scn, is_working_day(date), rng);
        let channel = rng.weighted(scn.channels);
        let (category, subcategory) = rng.weighted(scn.cats);
        let reason = rng.weighted(scn.reasons);
        let parties = self.parties(scn, org, source, date, special, people, rng);
        let register = self.register(source, channel, &parties, rng);
        let amt = scn.amount.draw(rng);
        let product = if scn.products.is_empty() {
            None
        } else {
            Some(*rng.pick(scn.products))
        };
        let card_kind = match scn.card {
            CardKind::None if rng.pct(6) => CardKind::Debit,
            k => k,
        };
        let card = (card_kind != CardKind::None)
            .then(|| card_number(rng, card_kind, org.class == OrgClass::Village));
        let demands = choose_demands(scn, register, rng);
        let time = self.received_time(special, source, channel, date, rng);
        let received_at = date.and_time(time) - chrono::Duration::hours(8);
        let received_at = DateTime::<Utc>::from_naive_utc_and_offset(received_at, Utc);

        let dispute = match scn.dispute {
            Dispute::None => 0,
            Dispute::Main => amt.main,
            Dispute::Fee => amt.fee,
        };
        let amount_yuan = (dispute > 0).then(|| format!("{}.{:02}", dispute / 100, dispute % 100));

        let mut writer = Writer::new(
            self,
            scn,
            org,
            date,
            register,
            &parties,
            amt,
            dispute,
            product,
            card.as_deref(),
            rng,
        );
        let mut content = String::with_capacity(768);
        writer.compose(&demands, &mut content);
        let mut title = String::with_capacity(64);
        writer.title(&mut title);

        let age = (self.end - date).num_days();
        let (target_state, handling_days, outcome, satisfaction) = target_state(age, rng);
        let event_cluster = special.map(|sp| {
            let k = SPECIALS.iter().position(|s| *s == sp).unwrap_or(0);
            self.clusters[k].clone()
        });
        GeneratedComplaint {
            external_id: String::with_capacity(12),
            received_at,
            source: source.to_string(),
            channel: channel.to_string(),
            business_category: category.to_string(),
            business_subcategory: subcategory.map(str::to_string),
            reason: reason.to_string(),
            demands: demands.iter().map(|d| d.to_string()).collect(),
            vulnerable_flags: parties.flags.iter().map(|f| f.to_string()).collect(),
            title,
            content,
            complainant_name: parties.filer.name.clone(),
            complainant_phone: parties.filer.phone.clone(),
            complainant_id_number: parties.filer.id.clone(),
            complainant_card_number: card,
            complainant_role: parties.role.to_string(),
            product: product.map(str::to_string),
            amount_yuan,
            org_code: org.code.to_string(),
            target_state,
            handling_days,
            outcome,
            satisfaction,
            event_cluster,
        }
    }
}

fn filer_band(age: u32) -> usize {
    BANDS
        .iter()
        .position(|(lo, hi)| (*lo..=*hi).contains(&age))
        .unwrap_or(if age < 18 { 0 } else { BANDS.len() - 1 })
}

fn choose_demands(scn: &Scenario, register: Register, rng: &mut Rng) -> Vec<&'static str> {
    let mut n = match rng.below(100) {
        0..=49 => 1,
        50..=87 => 2,
        _ => 3,
    };
    if matches!(register, Register::Regulator | Register::Letter) && rng.pct(40) {
        n += 1;
    }
    let n = n.min(scn.demands.len());
    let mut chosen: Vec<&'static str> = Vec::with_capacity(n);
    while chosen.len() < n {
        let d = rng.weighted(scn.demands);
        if !chosen.contains(&d) {
            chosen.push(d);
        }
    }
    chosen
}

/// Where the demo leaves a complaint received `age` days before the end.
fn target_state(
    age: i64,
    rng: &mut Rng,
) -> (
    ComplaintState,
    Option<u32>,
    Option<Outcome>,
    Option<Satisfaction>,
) {
    use ComplaintState as S;
    let weights: &[(ComplaintState, u32)] = match age {
        ..=0 => &[
            (S::Registered, 550),
            (S::Accepted, 300),
            (S::InProgress, 90),
            (S::Closed, 30),
            (S::Withdrawn, 15),
            (S::Rejected, 15),
        ],
        1..=2 => &[
            (S::Registered, 200),
            (S::Accepted, 300),
            (S::InProgress, 300),
            (S::DecisionNotified, 50),
            (S::Closed, 100),
            (S::Withdrawn, 30),
            (S::Rejected, 20),
        ],
        3..=7 => &[
            (S::Registered, 30),
            (S::Accepted, 100),
            (S::InProgress, 450),
            (S::DecisionNotified, 150),
            (S::Closed, 220),
            (S::Withdrawn, 30),
            (S::Rejected, 20),
        ],
        8..=15 => &[
            (S::Accepted, 30),
            (S::InProgress, 300),
            (S::DecisionNotified, 220),
            (S::Closed, 400),
            (S::Withdrawn, 30),
            (S::Rejected, 20),
        ],
        16..=30 => &[
            (S::Accepted, 10),
            (S::InProgress, 100),
            (S::DecisionNotified, 120),
            (S::Closed, 650),
            (S::UnderReview, 40),
            (S::Withdrawn, 40),
            (S::Rejected, 20),
        ],
        31..=60 => &[
            (S::InProgress, 25),
            (S::DecisionNotified, 30),
            (S::Closed, 840),
            (S::UnderReview, 30),
            (S::Withdrawn, 50),
            (S::Rejected, 25),
        ],
        61..=90 => &[
            (S::InProgress, 5),
            (S::Closed, 910),
            (S::UnderReview, 10),
            (S::Withdrawn, 50),
            (S::Rejected, 25),
        ],
        _ => &[
            (S::InProgress, 1),
            (S::Closed, 927),
            (S::Withdrawn, 50),
            (S::Rejected, 22),
        ],
    };
    let state = rng.weighted(weights);
    let age = age.max(0) as u32;
    let decided = matches!(state, S::DecisionNotified | S::Closed | S::UnderReview);
    if !decided {
        return (state, None, None, None);
    }
    let mut days = match rng.below(100) {
        0..=69 => rng.range(2, 12) as u32,
        70..=89 => rng.range(13, 15) as u32,
        90..=97 => rng.range(16, 30) as u32,
        _ => rng.range(31, 60) as u32,
    };
    let latest = if state == S::UnderReview {
        age.saturating_sub(1)
    } else {
        age
    };
    if days > latest {
        days = rng.range(0, u64::from(latest)) as u32;
    }
    let outcome = if state == S::UnderReview {
        rng.weighted(&[(Outcome::NotUpheld, 70), (Outcome::PartiallyUpheld, 30)])
    } else {
        rng.weighted(&[
            (Outcome::Upheld, 28),
            (Outcome::PartiallyUpheld, 30),
            (Outcome::NotUpheld, 20),
            (Outcome::Settled, 18),
            (Outcome::Mediated, 4),
        ])
    };
    let satisfaction = (state == S::Closed).then(|| {
        use Satisfaction as Sat;
        let w: [(Satisfaction, u32); 4] = match outcome {
            Outcome::Upheld => [
                (Sat::Satisfied, 75),
                (Sat::BasicallySatisfied, 18),
                (Sat::Dissatisfied, 2),
                (Sat::NotRated, 5),
            ],
            Outcome::PartiallyUpheld => [
                (Sat::Satisfied, 45),
                (Sat::BasicallySatisfied, 35),
                (Sat::Dissatisfied, 12),
                (Sat::NotRated, 8),
            ],
            Outcome::NotUpheld => [
                (Sat::Satisfied, 15),
                (Sat::BasicallySatisfied, 30),
                (Sat::Dissatisfied, 45),
                (Sat::NotRated, 10),
            ],
            Outcome::Settled => [
                (Sat::Satisfied, 60),
                (Sat::BasicallySatisfied, 30),
                (Sat::Dissatisfied, 5),
                (Sat::NotRated, 5),
            ],
            Outcome::Mediated => [
                (Sat::Satisfied, 40),
                (Sat::BasicallySatisfied, 40),
                (Sat::Dissatisfied, 15),
                (Sat::NotRated, 5),
            ],
        };
        rng.weighted(&w)
    });
    (state, Some(days), Some(outcome), satisfaction)
}

// ---------------------------------------------------------------------------
// Text
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Voice {
    /// The complainant about themself (我).
    First,
    /// The complainant about a relative (我母亲).
    Relative,
    /// A staff member or a regulator about the complainant (客户, 消费者).
    Third,
    /// A formal letter (本人, 委托人).
    Letter,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DateStyle {
    Casual,
    Plain,
    Formal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MoneyStyle {
    Casual,
    Plain,
    Formal,
}

const TIMES: [&str; 9] = [
    "上午九点多",
    "上午十点左右",
    "中午十二点多",
    "下午两点多",
    "下午三点左右",
    "下午四点半左右",
    "晚上七点多",
    "晚上九点左右",
    "早上八点多",
];
const WAITS: [&str; 6] = [
    "两个多小时",
    "一个半小时",
    "一个多小时",
    "四十多分钟",
    "将近三个小时",
    "五十分钟",
];
const MERCHANTS: [&str; 7] = [
    "一家境外购物网站",
    "某游戏充值平台",
    "一个不认识的商户",
    "某网络科技公司",
    "境外某酒店",
    "某直播平台",
    "一家外地的珠宝店",
];
const COLLECTORS: [&str; 5] = [
    "自称是银行委托的催收公司的人",
    "一家外包催收机构",
    "自称“法务中心”的人",
    "自称律师事务所的人",
    "催收公司的人",
];
const HIGHWAYS: [&str; 7] = [
    "杭甬高速",
    "甬台温高速",
    "沪杭甬高速",
    "杭州绕城高速",
    "穿山疏港高速",
    "杭新景高速",
    "申嘉湖高速",
];
const CURRENCIES: [(&str, &str); 7] = [
    ("美元", "美国"),
    ("英镑", "英国"),
    ("澳元", "澳大利亚"),
    ("加元", "加拿大"),
    ("欧元", "德国"),
    ("日元", "日本"),
    ("港币", "香港"),
];
const WEEKDAYS: [&str; 7] = ["一", "二", "三", "四", "五", "六", "日"];

const FOLLOWUPS: [&str; 7] = [
    "之后{I}多次拨打{hotline}，每次都说已经记录、会有专人联系，但一直没有下文",
    "{I}{d2}又去了{org}，工作人员互相推诿，说要等上级部门答复",
    "{I}在{app}上留言反馈过，只收到系统自动回复",
    "客服答应48小时内回电，结果没有任何人联系{me}",
    "{org}的工作人员让{me}自己去找总行，{I}不知道该找谁",
    "{I}前后打了不下五次电话，每次都要从头讲一遍",
    "工作人员只说是系统规定，没有给出任何书面说明",
];
const EMOTIONS_FIRST: [&str; 9] = [
    "这种做法我无法接受",
    "我觉得你们就是在欺负老百姓",
    "太让人寒心了",
    "作为十几年的老客户，我非常失望",
    "这是什么服务态度",
    "真的是气死人了",
    "你们银行做事也太不负责任了吧",
    "我不是在乎这点钱，是咽不下这口气",
    "我上班请假跑了好几趟，谁来负责",
];
const EMOTIONS_THIRD: [&str; 5] = [
    "客户情绪激动",
    "客户情绪较为激动，多次强调要讨个说法",
    "客户对此非常不满",
    "客户表示对目前的处理方式不认可",
    "来电过程中客户语气激烈",
];
const ESCALATE_FIRST: [&str; 8] = [
    "如果还不解决，我就打12378投诉",
    "再拖下去我就向金融监管局投诉",
    "我已经咨询了律师，不行就起诉",
    "我会把这件事发到网上，让大家评评理",
    "不给说法我就找媒体曝光",
    "实在不行我就去信访",
    "我会请律师给你们发律师函",
    "我已经在准备材料，打算向人民银行投诉",
];
const ESCALATE_THIRD: [&str; 5] = [
    "客户表示如不能妥善解决将向12378投诉",
    "客户称将向媒体反映",
    "客户表示已咨询律师，保留起诉的权利",
    "客户称如处理结果不满意将到监管部门信访",
    "客户表示会到网点拉横幅维权",
];
const ESCALATE_REGULATOR: [&str; 3] = [
    "消费者表示如协商不成将提起诉讼",
    "消费者称将向媒体反映",
    "消费者表示如仍得不到解决将申请调解",
];
const ESCALATE_LETTER: [&str; 3] = [
    "如贵行未能在法定期限内妥善处理，本人将依法向金融监管部门反映，并保留提起诉讼的权利。",
    "若贵行拒不处理，将通过诉讼途径维护合法权益，由此产生的一切费用由贵行承担。",
    "请贵行于收到本函之日起十五日内书面回复，逾期将视为拒绝协商。",
];

fn demand_phrases(d: &str) -> &'static [&'static str] {
    match d {
        D_REFUND => &[
            "退还{thing}",
            "全额退还已扣收的{thing}",
            "把{thing}退回来",
            "退还{thing}共计{dispute}",
        ],
        D_VERIFY => &[
            "核实{thing}的原因",
            "查清楚到底是怎么回事",
            "调查核实并说明原因",
            "说明相关依据",
        ],
        D_ANSWER => &[
            "给出书面答复",
            "尽快给予明确答复",
            "给一个合理的解释",
            "给个说法",
        ],
        D_QUERY => &[
            "提供相关交易明细和凭证",
            "查询{thing}的具体情况",
            "调取当时的录音录像",
        ],
        D_COMPENSATE => &[
            "赔偿由此造成的损失",
            "承担损失{dispute}",
            "给予合理补偿",
            "赔偿误工费和交通费",
        ],
        D_STOP => &[
            "立即停止骚扰",
            "不要再打电话发短信骚扰{me}",
            "停止联系{my}家人和同事",
        ],
        D_HURRY => &["尽快处理", "加快处理进度", "尽快办结"],
        D_RESTORE => &["尽快恢复{thing}的正常使用", "解除限制", "恢复正常交易"],
        D_CREDIT => &["更正征信记录", "删除错误的逾期记录", "消除对征信的不良影响"],
        D_WAIVE => &["减免罚息和违约金", "免除相关利息和费用", "减免{thing}"],
        D_APOLOGY => &["相关人员当面道歉", "赔礼道歉", "书面道歉"],
        D_DELETE => &[
            "删除个人信息",
            "停止使用并删除个人信息",
            "查明信息泄露的源头并删除相关信息",
        ],
        _ => &["对涉事员工严肃处理", "改进服务", "给出整改措施"],
    }
}

fn write_group(out: &mut String, v: u64) {
    let s = v.to_string();
    let n = s.len();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (n - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
}

/// Writes `v / 10^scale` without trailing zeros, e.g. 465 (scale 2) → 4.65.
fn write_decimal(out: &mut String, v: u64, scale: u32) {
    let div = 10u64.pow(scale);
    let _ = write!(out, "{}", v / div);
    let mut frac = v % div;
    if frac == 0 {
        return;
    }
    let mut digits = scale;
    while frac.is_multiple_of(10) {
        frac /= 10;
        digits -= 1;
    }
    let _ = write!(out, ".{frac:0width$}", width = digits as usize);
}

struct Writer<'a> {
    rng: &'a mut Rng,
    scn: &'static Scenario,
    org: &'a Org,
    parties: &'a Parties,
    register: Register,
    voice: Voice,
    received: NaiveDate,
    d0: NaiveDate,
    d1: NaiveDate,
    d2: NaiveDate,
    amt: Amt,
    dispute: u64,
    product: &'static str,
    thing: &'static str,
    card: Option<&'a str>,
    tail: String,
    i: String,
    my: String,
    me: String,
    dec: String,
    bank: &'static str,
    org_text: String,
    dates: DateStyle,
    money: MoneyStyle,
    mgr: String,
    currency: (&'static str, &'static str),
}

impl<'a> Writer<'a> {
    #[allow(clippy::too_many_arguments)]
    fn new(
        _plan: &Plan,
        scn: &'static Scenario,
        org: &'a Org,
        received: NaiveDate,
        register: Register,
        parties: &'a Parties,
        amt: Amt,
        dispute: u64,
        product: Option<&'static str>,
        card: Option<&'a str>,
        rng: &'a mut Rng,
    ) -> Writer<'a> {
        let lag = rng.range(u64::from(scn.lag.0), u64::from(scn.lag.1));
        let d1 = received - Days::new(lag);
        let d0 = d1 - Days::new(rng.range(u64::from(scn.lag0.0), u64::from(scn.lag0.1)));
        let d2 = d1 + Days::new(rng.range(0, lag));
        let tail = match card {
            Some(c) => c[c.len() - 4..].to_string(),
            None => format!("{:04}", rng.below(10_000)),
        };
        let relation = parties.relation;
        let rel = parties.rel;
        let strip = |s: &str| s.strip_prefix('其').unwrap_or(s).to_string();
        let ta = match relation {
            Relation::ChildOfElder => "老人".to_string(),
            Relation::ParentOfMinor => "孩子".to_string(),
            _ => if parties.consumer_male { "他" } else { "她" }.to_string(),
        };
        let s = |x: &str| x.to_string();
        let voice;
        let (i, my, me) = match (register, relation) {
            (Register::AppTerse | Register::AppNormal | Register::Narrative, _) => {
                voice = Voice::First;
                let i = if rng.pct(10) { "本人" } else { "我" };
                (s(i), s("我"), s("我"))
            }
            (Register::Relative, _) => {
                voice = Voice::Relative;
                (s(rel.0), s(rel.0), ta)
            }
            (
                Register::Summary | Register::Counter,
                Relation::None | Relation::Heir | Relation::Lawyer,
            ) => {
                voice = Voice::Third;
                let i =
                    if register == Register::Counter && relation != Relation::Lawyer && rng.pct(70)
                    {
                        honorific(&parties.filer, parties.consumer_age)
                    } else {
                        s(rng.pick_str(&["客户", "客户", "来电人"]))
                    };
                let my = s(rng.pick_str(&["其", "客户"]));
                let me = s(rng.pick_str(&["客户", "其"]));
                (i, my, me)
            }
            (Register::Summary | Register::Counter, _) => {
                voice = Voice::Third;
                let who = format!("客户{}", strip(rel.1));
                let me = if relation == Relation::ChildOfElder {
                    s("老人")
                } else {
                    who.clone()
                };
                (who.clone(), who, me)
            }
            (
                Register::Regulator | Register::Pboc | Register::Petition | Register::Media,
                Relation::None | Relation::Heir | Relation::Lawyer,
            ) => {
                voice = Voice::Third;
                let i = match register {
                    Register::Regulator => *rng.pick(&["消费者", "消费者", "投诉人"]),
                    Register::Pboc => "投诉人",
                    Register::Petition => "信访人",
                    _ => *rng.pick(&["当事人", "该市民", "发帖人"]),
                };
                (s(i), s("其"), s("其"))
            }
            (Register::Regulator | Register::Pboc | Register::Petition | Register::Media, _) => {
                voice = Voice::Third;
                let me = if relation == Relation::ChildOfElder {
                    s("老人")
                } else {
                    s("其")
                };
                (s(rel.1), s(rel.1), me)
            }
            (Register::Letter, Relation::None | Relation::Heir) => {
                voice = Voice::Letter;
                (s("本人"), s("本人"), s("本人"))
            }
            (Register::Letter, Relation::Lawyer) => {
                voice = Voice::Letter;
                let w = *rng.pick(&["委托人", "我的当事人"]);
                (s(w), s(w), s(w))
            }
            (Register::Letter, Relation::ParentOfMinor) => {
                voice = Voice::Letter;
                let w = if parties.consumer_male {
                    "本人之子"
                } else {
                    "本人之女"
                };
                (s(w), s(w), s("孩子"))
            }
            (Register::Letter, _) => {
                voice = Voice::Letter;
                (s("委托人"), s("委托人"), s("委托人"))
            }
        };
        let dec = match voice {
            Voice::First | Voice::Relative => s(rel.0),
            Voice::Letter => format!(
                "{}{}",
                if parties.consumer_male {
                    "先父"
                } else {
                    "先母"
                },
                parties.consumer_name
            ),
            Voice::Third => match register {
                Register::Summary | Register::Counter => format!("客户{}", strip(rel.1)),
                _ => s(rel.1),
            },
        };
        let (bank, dates, money) = match voice {
            Voice::First | Voice::Relative => (
                *rng.pick(&["你们银行", "你们", "你行", "江南银行"]),
                DateStyle::Casual,
                MoneyStyle::Casual,
            ),
            Voice::Third => match register {
                Register::Summary | Register::Counter => {
                    ("我行", DateStyle::Plain, MoneyStyle::Plain)
                }
                Register::Media => ("江南银行", DateStyle::Plain, MoneyStyle::Plain),
                _ => (
                    *rng.pick(&["该行", "江南示范银行"]),
                    if rng.pct(60) {
                        DateStyle::Plain
                    } else {
                        DateStyle::Formal
                    },
                    if rng.pct(50) {
                        MoneyStyle::Plain
                    } else {
                        MoneyStyle::Formal
                    },
                ),
            },
            Voice::Letter => ("贵行", DateStyle::Formal, MoneyStyle::Formal),
        };
        let org_text = if org.class == OrgClass::Village {
            if rng.pct(50) {
                format!("{}{}", org.name, rng.pick(village_outlets(org.city)))
            } else {
                org.name.to_string()
            }
        } else {
            match voice {
                Voice::First | Voice::Relative => match rng.below(3) {
                    0 => org.short.clone(),
                    1 => org.name.to_string(),
                    _ => format!("你们{}", org.short),
                },
                _ => {
                    if rng.pct(60) {
                        org.name.to_string()
                    } else {
                        org.short.clone()
                    }
                }
            }
        };
        let surname = if scn.key == "burst_wm" {
            "陈"
        } else {
            *rng.pick(&SURNAMES)
        };
        let mgr = match voice {
            Voice::First | Voice::Relative => match rng.below(4) {
                0 => format!("{surname}经理"),
                1 => format!("姓{surname}的客户经理"),
                2 => format!("客户经理小{surname}"),
                _ => format!("理财经理{surname}某"),
            },
            _ => format!("客户经理{surname}某"),
        };
        let thing = if scn.thing.is_empty() {
            scn.topic
        } else {
            *rng.pick(scn.thing)
        };
        Writer {
            scn,
            org,
            parties,
            register,
            voice,
            received,
            d0,
            d1,
            d2,
            amt,
            dispute,
            product: product.unwrap_or(thing),
            thing,
            card,
            tail,
            i,
            my,
            me,
            dec,
            bank,
            org_text,
            dates,
            money,
            mgr,
            currency: *rng.pick(&CURRENCIES),
            rng,
        }
    }

    fn expand(&mut self, template: &str, out: &mut String) {
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let Some(close) = after.find('}') else {
                out.push_str(after);
                return;
            };
            self.slot(&after[..close], out);
            rest = &after[close + 1..];
        }
        out.push_str(rest);
    }

    fn slot(&mut self, key: &str, out: &mut String) {
        match key {
            "I" => out.push_str(&self.i),
            "my" => out.push_str(&self.my),
            "me" => out.push_str(&self.me),
            "dec" => out.push_str(&self.dec),
            "bank" => out.push_str(self.bank),
            "org" => out.push_str(&self.org_text),
            "city" => out.push_str(self.org.city.name()),
            "d0" => self.date(self.d0, out),
            "d1" => self.date(self.d1, out),
            "d2" => self.date(self.d2, out),
            "today" => self.date(self.received, out),
            "tm" => out.push_str(self.rng.pick_str(&TIMES)),
            "wait" => out.push_str(self.rng.pick_str(&WAITS)),
            "since" => self.since(out),
            "amt" => self.money(self.amt.main, out),
            "fee" => self.money(self.amt.fee, out),
            "dispute" => self.money(self.dispute, out),
            "n" => {
                let _ = write!(out, "{}", self.amt.n);
            }
            "rate" => {
                write_decimal(out, u64::from(self.amt.rate), 2);
                out.push('%');
            }
            "pct" => {
                write_decimal(out, u64::from(self.amt.pct), 1);
                out.push('%');
            }
            "tail" => out.push_str(&self.tail),
            "card" => match self.card {
                Some(c) => out.push_str(c),
                None => out.push_str(&self.tail),
            },
            "prod" => out.push_str(self.product),
            "thing" => out.push_str(self.thing),
            "mgr" => out.push_str(&self.mgr),
            "teller" => {
                match self.rng.below(4) {
                    0 => out.push_str("柜员"),
                    1 => out.push_str("柜台的工作人员"),
                    2 => {
                        let _ = write!(out, "{}号窗口的柜员", self.rng.range(1, 6));
                    }
                    _ => out.push_str("窗口工作人员"),
                };
            }
            "lobby" => {
                out.push_str(
                    self.rng
                        .pick_str(&["大堂经理", "大堂的工作人员", "网点的保安"]),
                )
            }
            "app" => out.push_str(
                self.rng
                    .pick_str(&["手机银行", "手机银行APP", "江南银行APP"]),
            ),
            "hotline" => {
                out.push_str(
                    self.rng
                        .pick_str(&["客服热线", "客服电话", "人工客服", "客服"]),
                )
            }
            "age" => {
                let _ = write!(out, "{}", self.parties.consumer_age);
            }
            "merchant" => out.push_str(self.rng.pick_str(&MERCHANTS)),
            "coll" => out.push_str(self.rng.pick_str(&COLLECTORS)),
            "hw" => out.push_str(self.rng.pick_str(&HIGHWAYS)),
            "cur" => out.push_str(self.currency.0),
            "country" => out.push_str(self.currency.1),
            "name" => out.push_str(&self.parties.filer.name),
            "cname" => out.push_str(&self.parties.consumer_name),
            "rr" => out.push_str(if self.parties.filer.male {
                self.parties.rel.2
            } else {
                self.parties.rel.3
            }),
            "phone" => self.phone(out),
            "id" => out.push_str(&self.parties.filer.id),
            "wo" => {
                let d = self.received - Days::new(self.rng.range(1, 5));
                let _ = write!(
                    out,
                    "ZJ{:04}{:02}{:02}{:05}",
                    d.year(),
                    d.month(),
                    d.day(),
                    self.rng.below(100_000)
                );
            }
            _ => debug_assert!(false, "unknown template slot {key}"),
        }
    }

    fn date(&mut self, d: NaiveDate, out: &mut String) {
        let diff = (self.received - d).num_days();
        let same_year = d.year() == self.received.year();
        match self.dates {
            DateStyle::Casual => {
                let week_start =
                    |x: NaiveDate| x - Days::new(u64::from(x.weekday().num_days_from_monday()));
                let wd = WEEKDAYS[d.weekday().num_days_from_monday() as usize];
                if diff <= 0 {
                    out.push_str(self.rng.pick_str(&["今天", "今天"]));
                } else if diff == 1 {
                    out.push_str(self.rng.pick_str(&["昨天", "昨天"]));
                } else if diff == 2 {
                    out.push_str("前天");
                } else if week_start(d) == week_start(self.received) {
                    out.push_str(self.rng.pick_str(&["这周", "本周"]));
                    out.push_str(wd);
                } else if week_start(d) + Days::new(7) == week_start(self.received) {
                    if self.rng.pct(50) {
                        let _ = write!(out, "上周{wd}");
                    } else {
                        let _ = write!(out, "上个星期{wd}");
                    }
                } else if same_year {
                    let _ = write!(
                        out,
                        "{}月{}{}",
                        d.month(),
                        d.day(),
                        if self.rng.pct(50) { "号" } else { "日" }
                    );
                } else if self.received.year() - d.year() == 1 {
                    if diff > 120 && self.rng.pct(50) {
                        let _ = write!(out, "去年{}月", d.month());
                    } else {
                        let _ = write!(out, "去年{}月{}号", d.month(), d.day());
                    }
                } else {
                    let _ = write!(out, "{}年{}月", d.year(), d.month());
                }
            }
            DateStyle::Plain => {
                if diff == 0 && self.rng.pct(50) {
                    out.push_str("当天");
                } else if diff == 1 && self.rng.pct(50) {
                    out.push_str("昨日");
                } else if same_year {
                    let _ = write!(out, "{}月{}日", d.month(), d.day());
                } else {
                    let _ = write!(out, "{}年{}月{}日", d.year(), d.month(), d.day());
                }
            }
            DateStyle::Formal => {
                let _ = write!(out, "{}年{}月{}日", d.year(), d.month(), d.day());
            }
        }
    }

    fn since(&mut self, out: &mut String) {
        let days = (self.received - self.d1).num_days();
        match days {
            ..=0 => out.push_str("大半天"),
            1 => out.push_str("一整天"),
            2 => out.push_str("两天"),
            3..=13 => {
                let _ = write!(out, "{days}天");
            }
            14..=20 => out.push_str("半个多月"),
            21..=29 => out.push_str("快一个月"),
            30..=59 => out.push_str("一个多月"),
            60..=89 => out.push_str("两个多月"),
            _ => out.push_str("好几个月"),
        }
    }

    fn money(&mut self, fen: u64, out: &mut String) {
        let (y, cents) = (fen / 100, fen % 100);
        match self.money {
            MoneyStyle::Casual => {
                if y >= 10_000 && y % 1_000 == 0 && self.rng.pct(70) {
                    write_decimal(out, y / 1_000, 1);
                    out.push_str(self.rng.pick_str(&["万", "万块", "万元"]));
                } else {
                    let _ = write!(out, "{y}");
                    if cents > 0 && self.rng.pct(30) {
                        let _ = write!(out, ".{cents:02}元");
                    } else {
                        out.push_str(self.rng.pick_str(&["元", "块", "元"]));
                    }
                }
            }
            MoneyStyle::Plain => {
                if y >= 100_000 && y % 10_000 == 0 && cents == 0 && self.rng.pct(50) {
                    let _ = write!(out, "{}万元", y / 10_000);
                } else if cents == 0 {
                    let _ = write!(out, "{y}元");
                } else {
                    let _ = write!(out, "{y}.{cents:02}元");
                }
            }
            MoneyStyle::Formal => {
                if self.rng.pct(30) {
                    out.push_str("人民币");
                }
                write_group(out, y);
                let _ = write!(out, ".{cents:02}元");
            }
        }
    }

    fn phone(&mut self, out: &mut String) {
        let p = &self.parties.filer.phone;
        match self.rng.below(10) {
            0 => {
                let _ = write!(out, "{}-{}-{}", &p[..3], &p[3..7], &p[7..]);
            }
            1 => {
                let _ = write!(out, "{} {} {}", &p[..3], &p[3..7], &p[7..]);
            }
            _ => out.push_str(p),
        }
    }

    /// One alternative of story step `k`; false when it is skipped.
    fn step(&mut self, k: usize, out: &mut String) -> bool {
        let Some(group) = self.scn.facts.get(k) else {
            return false;
        };
        let t = self.rng.pick_str(group);
        if t.is_empty() {
            return false;
        }
        self.expand(t, out);
        true
    }

    /// Steps `from..to`, separated by commas or full stops, ending with a full
    /// stop.
    fn story(&mut self, from: usize, to: usize, out: &mut String) {
        let to = to.min(self.scn.facts.len());
        let mut any = false;
        for k in from..to {
            let mark = out.len();
            if any {
                out.push_str(if self.rng.pct(35) { "，" } else { "。" });
            }
            let sep_len = out.len() - mark;
            if !self.step(k, out) {
                out.truncate(out.len() - sep_len);
                continue;
            }
            any = true;
        }
        if any {
            out.push('。');
        }
    }

    fn cues(&mut self, out: &mut String) {
        for k in 0..self.parties.flags.len() {
            let flag = self.parties.flags[k];
            if !self.rng.pct(85) {
                continue;
            }
            let t = self.cue_template(flag);
            if t.is_empty() {
                continue;
            }
            self.expand(t, out);
            out.push('，');
        }
    }

    fn cue_template(&mut self, flag: &str) -> &'static str {
        let age = self.parties.consumer_age;
        let female = !self.parties.consumer_male;
        let v = self.voice;
        let list: &[&str] = match (flag, v) {
            (F_ELDERLY, Voice::First) => &[
                "我今年{age}岁了，眼睛不好，手机也不太会用",
                "我是{age}岁的退休老人",
                "我年纪大了（{age}岁），很多操作都不懂",
            ],
            (F_ELDERLY, Voice::Relative) => &[
                "{I}今年{age}岁了，不会用智能手机",
                "{I}已经{age}岁，耳朵也不太好",
                "老人家{age}岁了，腿脚不方便",
            ],
            (F_ELDERLY, Voice::Third) => &[
                "{I}系{age}岁老年人",
                "{I}年事已高（{age}岁），沟通较为困难",
                "{I}为老年客户，今年{age}岁",
            ],
            (F_ELDERLY, Voice::Letter) => &["{I}现年{age}岁，系高龄老人，行动不便"],
            (F_MINOR, Voice::Letter) => &["{I}系未成年人，现年{age}岁"],
            (F_MINOR, Voice::Third) => &["此事涉及未成年人（{age}岁）"],
            (F_MINOR, _) => &["{I}今年才{age}岁，还在上学", "{I}还是个{age}岁的未成年人"],
            (F_DISABLED, Voice::First) => &[
                "我是残疾人，腿脚不方便，平时坐轮椅",
                "我听力有残疾，打电话沟通很困难",
                "我是持证的视力残疾人，看不清屏幕",
            ],
            (F_DISABLED, Voice::Relative) => {
                &["{I}是残疾人，行动不便", "{I}听力残疾，没办法自己打电话"]
            }
            (F_DISABLED, Voice::Third) => &[
                "{I}为残障人士（持有残疾人证）",
                "{I}系听障人士，由家属协助沟通",
            ],
            (F_DISABLED, Voice::Letter) => &["{I}系持证残疾人，行动不便"],
            (F_NEWCOMER, Voice::First) => &[
                "我是外地来{city}打工的",
                "我刚来{city}工作不到一年，户口不在这边",
            ],
            (F_NEWCOMER, Voice::Third) => {
                &["{I}系来{city}务工的新市民", "{I}为外省来{city}务工人员"]
            }
            (F_NEWCOMER, _) => &["{I}是外地来{city}务工的"],
            (F_RURAL, Voice::First) => &[
                "我住在村里，到网点要坐一个多小时的公交",
                "我是种地的农民，不懂这些",
            ],
            (F_RURAL, Voice::Third) => &["{I}为农村居民，居住地离网点较远"],
            (F_RURAL, _) => &["{I}住在乡下，来一趟网点很不容易"],
            (F_LOWINCOME, Voice::First) => &[
                "我每个月收入就两千多块钱",
                "我家是低保户，这笔钱对我来说很重要",
            ],
            (F_LOWINCOME, Voice::Third) => &["{I}称系低保户，经济困难"],
            (F_LOWINCOME, _) => &["{I}靠低保生活，这笔钱是救命钱"],
            (F_FOREIGN, Voice::Third) => &["{I}为外籍人士，中文沟通有困难"],
            (F_FOREIGN, Voice::Letter) => &["{I}系外籍人士，不通中文"],
            (F_FOREIGN, _) => &["{I}是外籍人士，中文不太好"],
            (F_OTHER, _) if age <= 23 => match v {
                Voice::First => &["我是在校大学生，没有收入"],
                Voice::Third => &["{I}为在校学生"],
                _ => &["{I}还在读大学"],
            },
            (F_OTHER, _) if female && (24..=38).contains(&age) => match v {
                Voice::First => &["我怀孕七个多月了，行动不便"],
                Voice::Third => &["{I}为孕妇"],
                _ => &["{I}正怀着孕"],
            },
            (F_OTHER, _) => match v {
                Voice::First => &["我刚做完手术，身体很差"],
                Voice::Third => &["{I}称刚做完手术，身体状况较差"],
                _ => &["{I}身患重病"],
            },
            _ => &[""],
        };
        self.rng.pick_str(list)
    }

    fn demand_list(&mut self, demands: &[&'static str], numbered: bool, out: &mut String) {
        for (k, d) in demands.iter().enumerate() {
            if numbered {
                if k > 0 {
                    out.push('；');
                }
                let _ = write!(out, "{}.", k + 1);
            } else if k > 0 {
                out.push_str(if k + 1 == demands.len() {
                    "，并"
                } else {
                    "，"
                });
            }
            let phrases: &'static [&'static str] = if *d == D_OTHER && !self.scn.asks.is_empty() {
                self.scn.asks
            } else {
                demand_phrases(d)
            };
            let mut p = self.rng.pick_str(phrases);
            if self.dispute == 0 && p.contains("{dispute}") {
                p = phrases[0];
            }
            self.expand(p, out);
        }
    }

    fn pick_expand(&mut self, list: &[&str], out: &mut String) {
        let t = self.rng.pick_str(list);
        self.expand(t, out);
    }

    fn compose(&mut self, demands: &[&'static str], out: &mut String) {
        match self.register {
            Register::AppTerse => self.app_terse(out),
            Register::AppNormal => self.app_normal(demands, out),
            Register::Narrative => self.narrative(demands, out),
            Register::Summary => self.summary(demands, out),
            Register::Counter => self.counter(demands, out),
            Register::Regulator => self.regulator(demands, out),
            Register::Pboc => self.pboc(demands, out),
            Register::Petition => self.petition(demands, out),
            Register::Media => self.media(demands, out),
            Register::Letter => self.letter(demands, out),
            Register::Relative => self.relative(demands, out),
        }
    }

    fn app_terse(&mut self, out: &mut String) {
        if !self.scn.terse.is_empty() && self.rng.pct(85) {
            let t = self.rng.pick_str(self.scn.terse);
            self.expand(t, out);
        } else {
            self.step(0, out);
        }
        let suffix = self.rng.pick_str(&[
            "",
            "！",
            "！！",
            "？",
            "。",
            "，请尽快处理。",
            "，麻烦尽快回复。",
            "，什么时候能解决？",
            "，给个说法。",
        ]);
        out.push_str(suffix);
        if self.rng.pct(5) {
            out.push_str("电话");
            self.phone(out);
        }
    }

    fn first_person_demands(&mut self, demands: &[&'static str], out: &mut String) {
        let lead =
            self.rng
                .pick_str(&["要求", "我要求", "希望{bank}", "请{bank}", "强烈要求{bank}"]);
        self.expand(lead, out);
        self.demand_list(demands, false, out);
        out.push('。');
    }

    fn app_normal(&mut self, demands: &[&'static str], out: &mut String) {
        if self.rng.pct(30) {
            out.push_str(self.rng.pick_str(&[
                "你好，",
                "您好，",
                "反映个问题：",
                "投诉：",
                "客服你好，",
            ]));
        }
        self.cues(out);
        let upto = if self.rng.pct(60) { 3 } else { 2 };
        self.story(0, upto, out);
        self.first_person_demands(demands, out);
        if self.rng.pct(10) {
            self.pick_expand(&ESCALATE_FIRST, out);
            out.push('。');
        }
        if self.rng.pct(8) {
            out.push_str("联系电话");
            self.phone(out);
            out.push('。');
        }
    }

    fn narrative(&mut self, demands: &[&'static str], out: &mut String) {
        if self.rng.pct(70) {
            self.pick_expand(
                &[
                    "我要投诉{org}！",
                    "你好，我要投诉。",
                    "我是你们银行十几年的老客户了，今天必须投诉一下。",
                    "我想反映一个问题，憋了很久了。",
                    "喂，是投诉电话吧？我要投诉。",
                ],
                out,
            );
        }
        self.cues(out);
        self.story(0, self.scn.facts.len(), out);
        if self.rng.pct(65) {
            self.pick_expand(&FOLLOWUPS, out);
            out.push('。');
        }
        if self.rng.pct(70) {
            self.pick_expand(&EMOTIONS_FIRST, out);
            out.push_str(self.rng.pick_str(&["！", "。", "！！"]));
        }
        self.first_person_demands(demands, out);
        if self.rng.pct(25) {
            self.pick_expand(&ESCALATE_FIRST, out);
            out.push('。');
        }
        if self.rng.pct(20) {
            out.push_str("我的电话是");
            self.phone(out);
            out.push_str(
                self.rng
                    .pick_str(&["，请尽快联系我。", "，别再让我等了。", "。"]),
            );
        }
        if self.card.is_some() && self.rng.pct(4) {
            out.push_str("我的卡号是");
            self.slot("card", out);
            out.push('。');
        }
    }

    fn third_person_tail(&mut self, demands: &[&'static str], lead: &str, out: &mut String) {
        if self.rng.pct(45) {
            self.pick_expand(&FOLLOWUPS, out);
            out.push('。');
        }
        if self.rng.pct(40) {
            out.push_str(self.rng.pick_str(&EMOTIONS_THIRD));
            out.push('。');
        }
        self.expand(lead, out);
        self.demand_list(demands, false, out);
        out.push('。');
        if self.rng.pct(8) {
            out.push_str(self.rng.pick_str(&ESCALATE_THIRD));
            out.push('。');
        }
    }

    fn summary(&mut self, demands: &[&'static str], out: &mut String) {
        if self.parties.relation == Relation::None || self.parties.relation == Relation::Heir {
            out.push_str(self.rng.pick_str(&[
                "客户来电反映：",
                "客户来电称，",
                "来电人反映，",
                "客户致电客服热线投诉：",
                "客户来电投诉，",
            ]));
        } else {
            let _ = write!(out, "客户来电代{}投诉，反映：", self.parties.rel.1);
        }
        self.cues(out);
        self.story(0, self.scn.facts.len(), out);
        if self.parties.filer.out_of_province && self.rng.pct(20) {
            self.expand("客户系外省户籍，现居{city}。", out);
        }
        self.third_person_tail(demands, "客户要求", out);
        if self.rng.pct(70) {
            out.push_str(self.rng.pick_str(&[
                "请相关部门尽快核实处理并回复客户。",
                "已安抚客户，告知将于15日内给予答复。",
                "现转相关机构处理，请在规定时限内联系客户。",
                "请经办机构核实后回访客户。",
            ]));
        }
        if self.rng.pct(45) {
            out.push_str(
                self.rng
                    .pick_str(&["客户联系电话：", "来电号码：", "联系方式："]),
            );
            self.phone(out);
            out.push('。');
        }
        if self.card.is_some() && self.rng.pct(5) {
            out.push_str("客户卡号：");
            self.slot("card", out);
            out.push('。');
        }
        if self.rng.pct(2) {
            out.push_str("客户身份证号：");
            self.slot("id", out);
            out.push('。');
        }
    }

    fn counter(&mut self, demands: &[&'static str], out: &mut String) {
        if self.parties.relation == Relation::None || self.parties.relation == Relation::Heir {
            self.pick_expand(
                &[
                    "{today}，{I}到{org}营业厅反映：",
                    "{I}在{org}现场投诉，称",
                    "网点登记：{I}到柜台投诉，",
                    "{I}来{org}大堂投诉，情绪激动，称",
                ],
                out,
            );
        } else {
            let _ = write!(out, "客户到网点代{}投诉，反映：", self.parties.rel.1);
        }
        self.cues(out);
        self.story(0, self.scn.facts.len(), out);
        if self.rng.pct(35) {
            out.push_str("现场情绪较为激动，大堂经理已进行安抚。");
        }
        let lead = if self.i.starts_with("客户") {
            "客户要求"
        } else {
            "{I}要求"
        };
        self.expand(lead, out);
        self.demand_list(demands, false, out);
        out.push('。');
        if self.rng.pct(30) {
            out.push_str(self.rng.pick_str(&[
                "已登记并上报支行负责人。",
                "网点负责人已致歉，承诺尽快核实答复。",
                "已告知客户处理时限。",
            ]));
        }
        if self.rng.pct(20) {
            out.push_str("联系电话：");
            self.phone(out);
            out.push('。');
        }
    }

    fn regulator(&mut self, demands: &[&'static str], out: &mut String) {
        if self.rng.pct(50) {
            out.push_str("12378转办工单（编号");
            self.slot("wo", out);
            out.push_str("）。");
        }
        if self.parties.relation == Relation::None || self.parties.relation == Relation::Heir {
            self.pick_expand(
                &[
                    "消费者{name}（联系电话：{phone}）反映：",
                    "消费者{name}来电反映，",
                    "投诉人{name}（电话{phone}）反映：",
                    "消费者反映：",
                ],
                out,
            );
        } else {
            self.expand("消费者{name}（联系电话：{phone}）代", out);
            out.push_str(self.parties.rel.1.strip_prefix('其').unwrap_or(""));
            out.push_str("投诉，反映：");
        }
        self.cues(out);
        self.story(0, self.scn.facts.len(), out);
        if self.rng.pct(35) {
            out.push_str("消费者称此前已多次向该行反映，均未得到妥善解决。");
        }
        out.push_str(self.rng.pick_str(&["消费者诉求：", "诉求："]));
        self.demand_list(demands, true, out);
        out.push('。');
        if self.rng.pct(10) {
            out.push_str(self.rng.pick_str(&ESCALATE_REGULATOR));
            out.push('。');
        }
        if self.rng.pct(80) {
            out.push_str(self.rng.pick_str(&[
                "请该机构依法依规处理，并在规定时限内答复消费者。",
                "请按照《银行业保险业消费投诉处理管理办法》规定时限处理并回复。",
                "请核实处理并及时反馈。",
            ]));
        }
    }

    fn pboc(&mut self, demands: &[&'static str], out: &mut String) {
        self.pick_expand(
            &[
                "人民银行{city}市分行转办：投诉人{name}反映，",
                "12363热线转办：金融消费者{name}（联系电话{phone}）反映，",
                "人民银行{city}市分行转来投诉：投诉人{name}称，",
            ],
            out,
        );
        if self.parties.relation != Relation::None && self.parties.relation != Relation::Heir {
            let _ = write!(
                out,
                "其代{}投诉。",
                self.parties.rel.1.strip_prefix('其').unwrap_or("")
            );
        }
        self.cues(out);
        self.story(0, self.scn.facts.len(), out);
        out.push_str("投诉人要求");
        self.demand_list(demands, false, out);
        out.push('。');
        out.push_str(self.rng.pick_str(&[
            "请于15日内处理完毕，并将处理结果反馈我分行。",
            "请按规定时限处理并反馈。",
        ]));
    }

    fn petition(&mut self, demands: &[&'static str], out: &mut String) {
        self.pick_expand(
            &[
                "信访事项转送：信访人{name}反映，",
                "市信访局转来信访件：{name}反映，",
            ],
            out,
        );
        self.cues(out);
        self.story(0, self.scn.facts.len(), out);
        out.push_str("信访人诉求：");
        self.demand_list(demands, true, out);
        out.push_str("。请依法依规处理并答复信访人。");
    }

    fn media(&mut self, demands: &[&'static str], out: &mut String) {
        self.pick_expand(
            &[
                "舆情监测：某短视频平台账号发布视频称，",
                "本地媒体记者来电核实，称接到市民爆料：",
                "网民在本地论坛发帖反映，",
                "《{city}晚报》热线转来市民反映：",
            ],
            out,
        );
        self.cues(out);
        self.story(0, self.scn.facts.len(), out);
        out.push_str("当事人诉求：");
        self.demand_list(demands, false, out);
        out.push('。');
        if self.rng.pct(50) {
            out.push_str(self.rng.pick_str(&[
                "相关内容已被转发数百次，评论区有类似反映。",
                "截至登记时，该视频点赞量已过千。",
                "记者表示将继续跟进报道。",
            ]));
        }
    }

    fn letter(&mut self, demands: &[&'static str], out: &mut String) {
        out.push_str(self.rng.pick_str(&[
            "尊敬的江南示范银行：\n",
            "江南示范银行：\n",
            "致江南示范银行消费者权益保护部门：\n",
        ]));
        let topic = self.scn.topic;
        match self.parties.relation {
            Relation::Lawyer => {
                let _ = writeln!(
                    out,
                    "{}律师事务所接受{}的委托，指派本律师就{}一事向贵行提出投诉，事实如下：",
                    self.rng.pick(&["浙江某某", "杭州某", "本地某"]),
                    self.parties.consumer_name,
                    topic
                );
            }
            Relation::Heir => {
                self.expand("本人{name}，系被继承人{cname}之{rr}。", out);
                let _ = writeln!(out, "现就{topic}一事向贵行反映如下：");
            }
            Relation::None => {
                self.expand("本人{name}，", out);
                let _ = writeln!(out, "现就{topic}一事向贵行书面投诉，具体情况如下：");
            }
            _ => {
                self.expand("本人{name}，系{cname}之{rr}，受其委托，", out);
                let _ = writeln!(out, "现就{topic}一事向贵行投诉，具体情况如下：");
            }
        }
        let numbers = ["一", "二", "三", "四", "五", "六"];
        let mut k = 0;
        let cue_mark = out.len();
        self.cues(out);
        if out.len() > cue_mark {
            // Cue sentences end with a comma; close them as their own point.
            out.truncate(out.len() - '，'.len_utf8());
            out.push_str("。\n");
        }
        for step in 0..self.scn.facts.len() {
            let mark = out.len();
            let _ = write!(out, "{}、", numbers[k.min(numbers.len() - 1)]);
            if self.step(step, out) {
                out.push_str("。\n");
                k += 1;
            } else {
                out.truncate(mark);
            }
        }
        out.push_str("请求事项：\n");
        for (i, d) in demands.iter().enumerate() {
            let _ = write!(out, "{}. ", i + 1);
            self.demand_list(std::slice::from_ref(d), false, out);
            out.push_str(if i + 1 == demands.len() {
                "。\n"
            } else {
                "；\n"
            });
        }
        if self.rng.pct(50) {
            out.push_str(self.rng.pick_str(&ESCALATE_LETTER));
            out.push('\n');
        }
        self.expand("投诉人：{name}\n联系电话：{phone}\n", out);
        if self.rng.pct(30) {
            self.expand("身份证号码：{id}\n", out);
        }
        if let Some(c) = self.card
            && self.rng.pct(25)
        {
            let _ = writeln!(out, "涉及卡号：{c}");
        }
        let d = self.received;
        let _ = write!(out, "{}年{}月{}日", d.year(), d.month(), d.day());
    }

    fn relative(&mut self, demands: &[&'static str], out: &mut String) {
        let opener: &[&str] = match self.parties.relation {
            Relation::ParentOfMinor => &["我是孩子的{rr}，替{me}反映个事。", "我替{I}投诉一下。"],
            Relation::Colleague => &[
                "我替{I}反映个问题。",
                "你好，我陪{I}来办业务，替他反映一下。",
            ],
            _ => &[
                "我替{I}反映个情况。",
                "你好，我是{cname}的{rr}，替{me}投诉。",
                "我是替家里人投诉的。",
                "",
            ],
        };
        self.pick_expand(opener, out);
        self.cues(out);
        self.story(0, self.scn.facts.len(), out);
        if self.rng.pct(60) {
            let emotions: &[&str] = match self.parties.relation {
                Relation::ChildOfElder => &[
                    "老人家根本不懂这些，你们就这么对待老人？",
                    "我们做子女的知道后非常气愤。",
                    "{me}回家后急得一晚上没睡着。",
                ],
                Relation::ParentOfMinor => &["孩子还小，根本不懂这些。", "作为家长我们很担心。"],
                _ => &["这样对待特殊群体说不过去吧？", "我们家属非常不满意。"],
            };
            self.pick_expand(emotions, out);
        }
        out.push_str(self.rng.pick_str(&["我们要求", "希望", "请"]));
        if !out.ends_with("要求") {
            out.push_str(self.bank);
        }
        self.demand_list(demands, false, out);
        out.push('。');
        if self.rng.pct(15) {
            self.pick_expand(&ESCALATE_FIRST, out);
            out.push('。');
        }
        if self.rng.pct(25) {
            out.push_str("我的电话");
            self.phone(out);
            out.push('。');
        }
    }

    fn title(&mut self, out: &mut String) {
        let formal = matches!(
            self.register,
            Register::Regulator
                | Register::Pboc
                | Register::Petition
                | Register::Letter
                | Register::Media
        );
        if (formal && self.rng.pct(70)) || self.scn.titles.is_empty() {
            let _ = write!(out, "关于{}的投诉", self.scn.topic);
        } else {
            let t = self.rng.pick_str(self.scn.titles);
            self.expand(t, out);
        }
    }
}

fn honorific(filer: &Person, age: u32) -> String {
    let suffix = match (filer.male, age) {
        (true, 60..) => "大伯",
        (true, _) => "先生",
        (false, 55..) => "阿姨",
        (false, _) => "女士",
    };
    format!("{}{}", filer.surname, suffix)
}

// ---------------------------------------------------------------------------
// Content: the ordinary scenarios
// ---------------------------------------------------------------------------

/// Credit-card products of the demo bank.
const CREDIT_CARDS: &[&str] = &[
    "江南悦享信用卡白金卡",
    "江南标准金卡",
    "江南车主信用卡",
    "江南商旅白金卡",
    "江南青春信用卡",
    "江南乐购联名卡",
];

/// Ordinary complaint scenarios. Weights are per mille before season and
/// branch effects; credit cards and personal loans dominate, as in the
/// regulators' quarterly 通报.
static SCENARIOS: &[Scenario] = &[
    // ----- 信用卡 -----
    Scenario {
        key: "cc_annual_fee",
        weight: 55,
        topic: "信用卡年费未告知扣收",
        cats: &[((CAT_CARD, Some(SUB_CREDIT)), 100)],
        reasons: &[
            (R_PRICING, 45),
            (R_DISCLOSURE, 35),
            (R_CONTRACT, 10),
            (R_SERVICE, 10),
        ],
        channels: &[
            (CH_PHONE, 45),
            (CH_APP, 30),
            (CH_COUNTER, 10),
            (CH_WECHAT, 10),
            (CH_WEB, 5),
        ],
        demands: &[
            (D_REFUND, 70),
            (D_VERIFY, 15),
            (D_ANSWER, 15),
            (D_APOLOGY, 5),
            (D_OTHER, 6),
        ],
        regulator: Regulator::Nfra,
        transfer: 140,
        card: CardKind::Credit,
        amount: AmtKind::AnnualFee,
        dispute: Dispute::Fee,
        lag: (1, 25),
        lag0: (370, 1800),
        products: CREDIT_CARDS,
        thing: &["年费", "信用卡年费", "已扣收的年费"],
        asks: &[
            "免除该卡今后的年费",
            "以后扣收年费前必须提前通知",
            "注销卡片且不再收取任何费用",
        ],
        titles: &[
            "信用卡年费乱扣",
            "没通知就扣了{fee}年费",
            "{prod}年费问题",
            "要求退还信用卡年费",
            "年费扣收未告知",
        ],
        facts: &[
            &[
                "{I}{d0}在{org}办了一张{prod}",
                "{d0}{org}的工作人员到{my}单位推销，{I}办了一张{prod}",
                "{I}名下有一张{bank}的{prod}，尾号{tail}",
                "{I}{d0}在商场的促销摊位办理了{bank}的{prod}",
                "{I}手里有张{prod}，是{d0}办的，平时基本不用",
            ],
            &[
                "办卡时工作人员说首年免年费，以后每年刷满{n}次就免",
                "当时业务员口头承诺终身免年费",
                "办卡时根本没人提过年费的事",
                "客户经理只说激活送礼品，没说有年费",
                "",
            ],
            &[
                "{d1}账单出来才发现被扣了{fee}年费",
                "{d1}收到短信，卡上被扣了年费{fee}",
                "这张卡{I}基本没用过，{d1}却被扣了{fee}的年费",
                "{d1}查账单发现有一笔{fee}的年费，还因为没及时还产生了利息",
                "今年刷卡没满{n}次，{d1}直接扣了{fee}",
            ],
            &[
                "扣费前{bank}没有任何短信或电话提醒",
                "{I}打{hotline}，对方说合同里写了，不予退还",
                "客服说只能退一半，{I}不接受",
                "{I}根本不知道有这个规定，领用合约上的字小得看不清",
                "",
            ],
        ],
        terse: &[
            "没通知就扣我{fee}年费",
            "信用卡年费凭什么扣",
            "年费{fee}请退回来",
            "办卡时说免年费，现在扣了{fee}",
            "卡都没用过还扣年费",
            "尾号{tail}的信用卡年费请退还",
        ],
        ..BASE
    },
    Scenario {
        key: "cc_installment",
        weight: 60,
        topic: "信用卡分期手续费及实际年化利率不透明",
        cats: &[((CAT_CARD, Some(SUB_CREDIT)), 100)],
        reasons: &[
            (R_DISCLOSURE, 40),
            (R_PRICING, 35),
            (R_MARKETING, 20),
            (R_CONTRACT, 5),
        ],
        channels: &[
            (CH_PHONE, 45),
            (CH_APP, 35),
            (CH_WECHAT, 8),
            (CH_COUNTER, 7),
            (CH_WEB, 5),
        ],
        demands: &[
            (D_REFUND, 50),
            (D_WAIVE, 25),
            (D_VERIFY, 15),
            (D_ANSWER, 15),
            (D_OTHER, 8),
        ],
        regulator: Regulator::Nfra,
        transfer: 160,
        age: Age::Young,
        card: CardKind::Credit,
        amount: AmtKind::Installment,
        dispute: Dispute::Fee,
        lag: (3, 60),
        lag0: (30, 400),
        products: &[
            "江南账单分期",
            "江南e分期（现金分期）",
            "江南家装分期",
            "江南车购分期",
        ],
        thing: &["分期手续费", "多收的手续费", "剩余期数的手续费"],
        asks: &[
            "按实际年化利率重新计算费用",
            "提前还款不再收取剩余期数的手续费",
            "停止误导性的分期宣传",
        ],
        titles: &[
            "分期手续费不透明",
            "{prod}实际年化{pct}",
            "信用卡分期误导",
            "分期提前还款仍收全部手续费",
        ],
        facts: &[
            &[
                "{I}{d0}在{app}上把{amt}的账单办理了{n}期分期",
                "{d0}客服打电话推荐{prod}，说手续费很低，{I}就办了{amt}分{n}期",
                "{I}在{org}办理了{prod}，金额{amt}，分{n}期",
                "{d0}{mgr}推荐{I}办了{amt}的{prod}，分{n}期还",
                "{I}{d0}装修房子，用{prod}分了{n}期，共{amt}",
            ],
            &[
                "当时只说每期手续费率{rate}，没有告诉{me}实际年化利率",
                "页面上大字写着“费率低至{rate}”，年化利率藏在最下面的小字里",
                "电话里对方一直说“每月只要{rate}”，从来没提过年化",
                "办理时{I}问过利息多少，对方说比贷款还便宜",
            ],
            &[
                "算下来总共要付手续费{fee}，折合年化{pct}左右",
                "后来{I}自己算了一下，实际年化利率接近{pct}，远高于宣传",
                "{d1}{I}想提前还清，结果剩下的手续费还要一次性收取，共{fee}",
                "提前还款时才知道手续费不退，{I}一共付了{fee}",
                "手续费是按初始本金算的，本金越还越少，手续费一分没少，合计{fee}",
            ],
            &[
                "{I}认为{bank}没有按规定明示年化利率，属于误导",
                "这种宣传方式明显是在误导消费者",
                "客服只说是按合同办理，不给解释",
                "",
            ],
        ],
        terse: &[
            "分期手续费算下来年化{pct}，当初没说",
            "提前还款还要收全部手续费？",
            "分期的年化利率不透明",
            "说费率{rate}，实际年化{pct}",
            "退还分期手续费{fee}",
            "电话推销的分期就是坑",
        ],
        ..BASE
    },
    Scenario {
        key: "cc_minpay",
        weight: 35,
        topic: "信用卡最低还款全额计息",
        cats: &[((CAT_CARD, Some(SUB_CREDIT)), 100)],
        reasons: &[
            (R_PRICING, 45),
            (R_DISCLOSURE, 30),
            (R_CONTRACT, 20),
            (R_RULES, 5),
        ],
        channels: &[
            (CH_PHONE, 50),
            (CH_APP, 35),
            (CH_WECHAT, 10),
            (CH_COUNTER, 5),
        ],
        demands: &[
            (D_WAIVE, 45),
            (D_REFUND, 30),
            (D_VERIFY, 20),
            (D_ANSWER, 15),
            (D_OTHER, 5),
        ],
        regulator: Regulator::Nfra,
        transfer: 150,
        card: CardKind::Credit,
        amount: AmtKind::MinPay,
        dispute: Dispute::Fee,
        lag: (2, 35),
        products: CREDIT_CARDS,
        thing: &["利息", "多收的利息", "全额计收的利息"],
        asks: &["只按未还部分计息", "在账单上明确提示最低还款的利息计算方式"],
        titles: &[
            "最低还款利息太高",
            "信用卡全额计息不合理",
            "只差一点没还清被收{fee}利息",
        ],
        facts: &[
            &[
                "{I}的信用卡{d1}账单金额{amt}",
                "{I}名下{prod}（尾号{tail}）上期账单{amt}",
                "{I}{d1}出的信用卡账单是{amt}",
                "{I}{d1}收到{prod}的账单，应还{amt}",
            ],
            &[
                "因为资金周转困难，{I}按最低还款额还了",
                "{I}按{app}的提示还了最低还款额",
                "{I}还款时少还了几百块，以为没关系",
                "{I}已经还了大部分，只差一点点没还清",
            ],
            &[
                "结果下期账单被收了{fee}的利息，是按全部账单金额从消费日起算的",
                "没想到{bank}按整笔{amt}全额计息，利息高达{fee}",
                "前后{n}期账单的利息加起来有{fee}",
                "已经还了的部分也要计息，利息{fee}，{I}觉得不合理",
            ],
            &[
                "办卡和还款时从来没人说过最低还款要全额计息",
                "{app}上只显示“最低还款额”，没有任何利息提示",
                "{I}打电话问，客服说这是行业惯例",
                "",
            ],
        ],
        terse: &[
            "最低还款利息怎么这么高",
            "只差几百块没还，利息按全额算？",
            "全额计息不合理，利息{fee}",
            "最低还款被收了{fee}利息",
        ],
        ..BASE
    },
    Scenario {
        key: "cc_negotiate",
        weight: 45,
        topic: "信用卡逾期后申请个性化分期被拒",
        cats: &[((CAT_CARD, Some(SUB_CREDIT)), 100)],
        reasons: &[
            (R_RULES, 45),
            (R_PRICING, 25),
            (R_SERVICE, 20),
            (R_CONTRACT, 10),
        ],
        channels: &[
            (CH_PHONE, 60),
            (CH_APP, 20),
            (CH_COUNTER, 12),
            (CH_WECHAT, 8),
        ],
        demands: &[
            (D_WAIVE, 45),
            (D_OTHER, 35),
            (D_ANSWER, 15),
            (D_HURRY, 10),
            (D_STOP, 10),
        ],
        regulator: Regulator::Nfra,
        transfer: 190,
        card: CardKind::Credit,
        amount: AmtKind::Debt,
        dispute: Dispute::Fee,
        lag: (1, 30),
        migrants: 18,
        products: CREDIT_CARDS,
        thing: &["罚息和违约金", "违约金", "逾期利息"],
        asks: &[
            "同意个性化分期还款",
            "停息挂账，分{n}期偿还本金",
            "给一个{I}能承受的还款方案",
        ],
        titles: &[
            "申请个性化分期被拒",
            "协商还款无果",
            "信用卡逾期协商分期",
            "要求停息挂账",
        ],
        facts: &[
            &[
                "{I}因为生意失败，信用卡逾期了，欠款{amt}",
                "{I}去年生了一场大病，信用卡欠款{amt}没法按时还",
                "{I}收入大幅下降，{prod}逾期，目前欠{amt}",
                "{I}失业半年，名下信用卡欠款{amt}已逾期",
                "{I}给家人担保出了问题，信用卡欠了{amt}还不上",
            ],
            &[
                "{I}多次打{hotline}申请个性化分期，想分{n}期还本金",
                "{I}主动联系{bank}协商还款，只求停息挂账",
                "{I}按要求提交了收入证明和病历，申请延期还款",
                "{I}向{org}申请个性化分期，对方让{I}先还一部分",
            ],
            &[
                "客服说必须先还清违约金和利息{fee}才能办",
                "对方一口拒绝，说{I}不符合条件",
                "{bank}要求先还30%才同意分期，{I}根本拿不出",
                "每次打过去都是不同的人，说法都不一样",
            ],
            &[
                "利息和违约金越滚越多，{I}现在压力很大",
                "同时催收电话不断，{I}不知道该怎么办",
                "按照规定，银行应该给困难客户协商还款的机会",
                "",
            ],
        ],
        terse: &[
            "申请个性化分期被拒",
            "想协商还款，客服不同意",
            "停息挂账为什么申请不了",
            "我愿意还本金，请给个分期方案",
            "欠{amt}想分{n}期，被拒了",
        ],
        ..BASE
    },
    Scenario {
        key: "cc_fraud",
        weight: 25,
        topic: "信用卡被盗刷",
        cats: &[((CAT_CARD, Some(SUB_CREDIT)), 100)],
        reasons: &[(R_FUNDS, 75), (R_SERVICE, 15), (R_SYSTEM, 10)],
        channels: &[
            (CH_PHONE, 60),
            (CH_APP, 25),
            (CH_COUNTER, 10),
            (CH_WECHAT, 5),
        ],
        demands: &[
            (D_REFUND, 40),
            (D_VERIFY, 30),
            (D_HURRY, 20),
            (D_QUERY, 15),
            (D_CREDIT, 10),
            (D_COMPENSATE, 10),
        ],
        regulator: Regulator::Nfra,
        transfer: 120,
        card: CardKind::Credit,
        amount: AmtKind::Fraud,
        dispute: Dispute::Main,
        lag: (0, 15),
        products: CREDIT_CARDS,
        thing: &["被盗刷的款项", "盗刷资金", "争议交易款"],
        asks: &["暂停对争议款项的催收", "出具争议交易的调查结论"],
        titles: &[
            "信用卡被盗刷{amt}",
            "信用卡盗刷不予处理",
            "非本人交易要求退款",
        ],
        facts: &[
            &[
                "{I}{d1}{tm}突然收到短信，信用卡（尾号{tail}）在{merchant}消费了{amt}",
                "{d1}{I}发现名下信用卡被盗刷{n}笔，共{amt}",
                "{I}的信用卡一直在身上，{d1}却在{merchant}产生了{n}笔交易",
                "{d1}凌晨{I}的手机连续收到{n}条消费短信，合计{amt}",
            ],
            &[
                "{I}当时人在{city}，卡也在手上，根本没有消费",
                "{I}第一时间打{hotline}挂失，并到派出所报了案",
                "{I}马上冻结了卡片并报警，有报警回执",
                "这些交易都不是{I}本人操作的",
            ],
            &[
                "{bank}说交易验证了密码和短信验证码，属于本人交易，要{I}自己承担",
                "客服说只能走争议处理流程，要等四十五个工作日",
                "{bank}不但不退，还照常要求{I}还款，否则算逾期",
                "已经过去{since}，{bank}一直没有结论",
            ],
            &[
                "{I}从来没有泄露过卡号和验证码",
                "{I}怀疑是{bank}的系统有漏洞",
                "这么大一笔钱{I}实在承担不起",
                "",
            ],
        ],
        terse: &[
            "信用卡被盗刷{amt}",
            "我没消费，为什么有{n}笔交易",
            "盗刷的钱不应该让我还",
            "信用卡盗刷到底怎么处理",
        ],
        ..BASE
    },
    Scenario {
        key: "cc_limit",
        weight: 25,
        topic: "信用卡无故降额止付",
        cats: &[((CAT_CARD, Some(SUB_CREDIT)), 100)],
        reasons: &[
            (R_RULES, 55),
            (R_SERVICE, 20),
            (R_DISCLOSURE, 15),
            (R_CHOICE, 10),
        ],
        channels: &[
            (CH_PHONE, 55),
            (CH_APP, 35),
            (CH_WECHAT, 5),
            (CH_COUNTER, 5),
        ],
        demands: &[
            (D_RESTORE, 45),
            (D_VERIFY, 35),
            (D_ANSWER, 20),
            (D_HURRY, 10),
        ],
        regulator: Regulator::Nfra,
        transfer: 110,
        card: CardKind::Credit,
        lag: (0, 20),
        lag0: (200, 2500),
        products: CREDIT_CARDS,
        thing: &["信用卡", "原有额度", "卡片"],
        titles: &["信用卡无故降额", "按时还款却被止付", "额度被降要求说明原因"],
        facts: &[
            &[
                "{I}用{bank}的信用卡好几年了，从没逾期过",
                "{I}名下的{prod}一直正常使用、按时还款",
                "{I}{d0}办的{prod}，每月都全额还款",
            ],
            &[
                "{d1}突然收到短信，额度从五万降到了两千",
                "{d1}刷卡时被拒，才知道卡片被冻结止付了",
                "{d1}{app}提示卡片“交易受限”，没有任何原因说明",
                "{d1}额度被无故降低，{I}在外地出差时无法付款",
            ],
            &[
                "{I}打{hotline}，只说是系统综合评估，不能透露原因",
                "客服让{I}提供流水和工作证明，提交后又没有下文",
                "{I}一直用这张卡还车贷，现在扣款失败还要算逾期",
                "{bank}说是风控策略，无法恢复",
            ],
            &[
                "{I}信用良好，这样随意降额很不合理",
                "{I}觉得{bank}是在变相逼{me}办分期",
                "",
            ],
        ],
        terse: &[
            "信用卡无故降额",
            "卡被封了也不说原因",
            "额度降到两千，给个理由",
            "按时还款为什么降额",
        ],
        ..BASE
    },
    Scenario {
        key: "cc_points",
        weight: 15,
        topic: "信用卡积分及营销活动未兑现",
        cats: &[((CAT_CARD, Some(SUB_CREDIT)), 100)],
        reasons: &[
            (R_MARKETING, 45),
            (R_DISCLOSURE, 30),
            (R_SERVICE, 15),
            (R_CONTRACT, 10),
        ],
        channels: &[
            (CH_APP, 45),
            (CH_PHONE, 35),
            (CH_WECHAT, 15),
            (CH_COUNTER, 5),
        ],
        demands: &[
            (D_OTHER, 35),
            (D_VERIFY, 25),
            (D_ANSWER, 25),
            (D_REFUND, 20),
        ],
        regulator: Regulator::Nfra,
        transfer: 60,
        age: Age::Young,
        card: CardKind::Credit,
        lag: (5, 45),
        lag0: (20, 120),
        products: CREDIT_CARDS,
        thing: &["返现", "活动奖励", "被清零的积分", "礼品"],
        asks: &["兑现活动承诺", "补发礼品", "恢复被清零的积分"],
        titles: &["信用卡活动不兑现", "积分被清零", "办卡礼品未发放"],
        facts: &[
            &[
                "{I}{d0}参加了{bank}信用卡的“境外消费返现”活动",
                "{I}响应{bank}的“周五五折”活动，在指定商户用{prod}消费",
                "{I}用积分在{app}的积分商城兑换了一台电饭煲",
                "{bank}宣传办卡送行李箱，{I}{d0}在{org}办了{prod}",
            ],
            &[
                "按活动规则{I}已经达标",
                "{I}按要求完成了全部消费",
                "已经过去{since}，礼品一直没有寄出",
                "积分已经扣掉了，东西却一直没到",
            ],
            &[
                "{bank}却说{I}的交易不符合活动条件，拒绝返现",
                "客服说活动名额已满，细则里写了“先到先得”",
                "{d1}查询发现积分被清零了，事先没有任何提醒",
                "对方说是合作商户的问题，让{I}自己去找商户",
            ],
            &[
                "活动宣传时从来没说有这些限制",
                "{I}觉得{bank}的活动就是忽悠人",
                "",
            ],
        ],
        terse: &[
            "活动返现一直不到账",
            "积分为什么被清零",
            "积分兑换的礼品没收到",
            "办卡送的礼品呢",
        ],
        ..BASE
    },
    Scenario {
        key: "cc_addon",
        weight: 20,
        topic: "信用卡未经同意开通收费增值服务",
        cats: &[((CAT_CARD, Some(SUB_CREDIT)), 100)],
        reasons: &[
            (R_CHOICE, 40),
            (R_PRICING, 30),
            (R_MARKETING, 20),
            (R_DISCLOSURE, 10),
        ],
        channels: &[(CH_PHONE, 50), (CH_APP, 35), (CH_WECHAT, 10), (CH_SMS, 5)],
        demands: &[(D_REFUND, 60), (D_QUERY, 20), (D_VERIFY, 15), (D_OTHER, 10)],
        regulator: Regulator::Nfra,
        transfer: 120,
        card: CardKind::Credit,
        amount: AmtKind::SmallFee,
        dispute: Dispute::Fee,
        lag: (3, 40),
        products: CREDIT_CARDS,
        thing: &["服务费", "已扣的服务费", "增值服务费"],
        asks: &["取消该项服务", "今后不得默认开通任何收费服务"],
        titles: &[
            "信用卡乱收服务费",
            "未经同意开通增值服务",
            "每月被扣{fee}服务费",
        ],
        facts: &[
            &[
                "{I}查看信用卡账单，发现每个月都有一笔“账户安全保障服务费”",
                "{d1}{I}发现信用卡连续{n}个月被扣“会员服务费”",
                "{I}的{prod}账单里有一项“短信提醒服务费”，已经扣了{n}个月",
                "{I}{d1}才发现{prod}被开通了“盗刷保险”，一直在扣费",
            ],
            &[
                "{I}从来没有申请过这项服务",
                "客服说是{I}在电话里同意开通的，但{I}完全没印象",
                "办卡时工作人员默认勾选了，根本没告知",
                "{bank}说是免费试用期过后自动续费",
            ],
            &[
                "{I}要求调取当时的录音，客服推脱说查不到",
                "客服只同意取消，不同意退还已扣的{fee}",
                "一共被扣了{n}个月，合计{fee}",
                "",
            ],
        ],
        terse: &[
            "没开通的服务为什么扣费",
            "信用卡每月被扣服务费",
            "自动续费的保障服务请退费",
            "未经同意开通增值服务，扣了{fee}",
        ],
        ..BASE
    },
    // ----- 债务催收 -----
    Scenario {
        key: "collection",
        weight: 60,
        topic: "逾期后暴力催收",
        cats: &[((CAT_COLLECTION, None), 100)],
        reasons: &[(R_COLLECTION, 85), (R_INFO, 10), (R_SERVICE, 5)],
        channels: &[
            (CH_PHONE, 60),
            (CH_APP, 15),
            (CH_COUNTER, 12),
            (CH_WECHAT, 8),
            (CH_SMS, 5),
        ],
        demands: &[
            (D_STOP, 55),
            (D_APOLOGY, 15),
            (D_VERIFY, 15),
            (D_WAIVE, 15),
            (D_OTHER, 10),
            (D_DELETE, 5),
        ],
        regulator: Regulator::Nfra,
        transfer: 180,
        media: 10,
        card: CardKind::Credit,
        amount: AmtKind::Debt,
        lag: (0, 10),
        migrants: 20,
        thing: &["催收骚扰", "罚息"],
        asks: &[
            "对违规催收人员严肃处理",
            "提供催收机构的名称和联系人",
            "同意个性化分期",
        ],
        titles: &[
            "暴力催收",
            "催收骚扰家人同事",
            "催收冒充律师威胁",
            "催收一天打{n}个电话",
        ],
        facts: &[
            &[
                "{I}因为资金困难，信用卡欠款{amt}逾期了",
                "{I}在{bank}的消费贷{amt}逾期了两个月",
                "{I}名下信用卡逾期，欠款{amt}",
                "{I}的经营贷晚还了几期，本金还有{amt}",
            ],
            &[
                "{d1}开始，{coll}每天给{I}打{n}个电话",
                "{coll}从{d1}起频繁给{my}家人、同事打电话",
                "{coll}把{I}欠款的事告诉了{my}通讯录里的亲戚朋友",
                "{coll}冒充法院、律师，说要上门查封财产，还说要让{I}坐牢",
            ],
            &[
                "还说要到{my}单位和老家“上门拜访”",
                "电话里骂人，说话非常难听",
                "连{my}孩子的学校都接到了电话",
                "晚上十一点还在打，严重影响{my}生活",
                "对方发短信威胁说已经“立案”，要{I}三天内还清",
            ],
            &[
                "{I}并不是不还，已经主动申请分期，但对方不听",
                "{I}怀疑是{bank}把{my}信息泄露给了第三方",
                "这种催收方式严重违反规定",
                "",
            ],
        ],
        terse: &[
            "催收天天打我家人电话",
            "暴力催收，爆通讯录",
            "催收冒充律师威胁我",
            "催收员骂人，一天{n}个电话",
            "请停止骚扰我同事",
        ],
        ..BASE
    },
    // ----- 贷款 -----
    Scenario {
        key: "credit_report",
        weight: 35,
        topic: "征信逾期记录错误",
        cats: &[
            ((CAT_LOAN, None), 50),
            ((CAT_CARD, Some(SUB_CREDIT)), 35),
            ((CAT_PII, None), 15),
        ],
        reasons: &[(R_INFO, 40), (R_RULES, 35), (R_SYSTEM, 15), (R_SERVICE, 10)],
        channels: &[(CH_PHONE, 45), (CH_COUNTER, 30), (CH_APP, 20), (CH_WEB, 5)],
        demands: &[
            (D_CREDIT, 70),
            (D_VERIFY, 25),
            (D_HURRY, 20),
            (D_COMPENSATE, 10),
            (D_ANSWER, 10),
        ],
        regulator: Regulator::Pboc,
        transfer: 150,
        amount: AmtKind::Overdue,
        lag: (2, 40),
        thing: &["逾期记录", "征信记录", "错误的逾期记录"],
        titles: &[
            "征信逾期记录错误",
            "要求更正征信",
            "扣款失败被报逾期",
            "征信异议处理太慢",
        ],
        facts: &[
            &[
                "{I}{d1}申请房贷时被告知征信上有一条{bank}的逾期记录",
                "{I}查个人征信报告，发现{bank}报送了{my}逾期记录",
                "{d1}{I}在另一家银行办贷款被拒，原因是{bank}上报了逾期",
                "{I}自查征信，发现有一笔从没办过的贷款记录",
            ],
            &[
                "那次只晚了{n}天，金额{amt}，是因为{bank}系统扣款失败",
                "那笔欠款是年费{fee}，{I}根本不知道",
                "当时{I}是按时还款的，是{bank}自动扣款没成功",
                "{I}从未在{bank}申请过这笔贷款，怀疑身份被冒用",
            ],
            &[
                "{I}已经提出征信异议，{bank}说还要等",
                "{org}说逾期记录不能删除，只能等五年",
                "客服一会说可以改，一会说改不了",
                "这条记录导致{I}的房贷利率上浮，损失很大",
            ],
            &[
                "{I}要求{bank}按规定核查并更正",
                "{I}的贷款审批卡在这里了，非常着急",
                "",
            ],
        ],
        terse: &[
            "征信逾期记录错误，要求更正",
            "没逾期为什么上征信",
            "征信异议一直没处理",
            "扣款失败算我逾期？",
        ],
        ..BASE
    },
    Scenario {
        key: "prepay",
        weight: 40,
        topic: "个人住房贷款提前还款",
        cats: &[((CAT_LOAN, None), 100)],
        reasons: &[
            (R_RULES, 45),
            (R_PRICING, 30),
            (R_CONTRACT, 15),
            (R_SERVICE, 10),
        ],
        channels: &[
            (CH_PHONE, 40),
            (CH_COUNTER, 30),
            (CH_APP, 25),
            (CH_WECHAT, 5),
        ],
        demands: &[
            (D_WAIVE, 30),
            (D_HURRY, 30),
            (D_REFUND, 20),
            (D_ANSWER, 15),
            (D_OTHER, 10),
        ],
        regulator: Regulator::Nfra,
        transfer: 170,
        amount: AmtKind::Prepay,
        dispute: Dispute::Fee,
        lag: (1, 30),
        lag0: (200, 3000),
        products: &["江南安居房贷", "个人住房按揭贷款", "江南公积金组合贷款"],
        thing: &["违约金", "提前还款违约金"],
        asks: &["尽快办理提前还款", "取消提前还款的额度限制"],
        titles: &[
            "提前还款要排队",
            "提前还房贷收违约金",
            "预约提前还款约不上",
            "提前还款违约金{fee}不合理",
        ],
        facts: &[
            &[
                "{I}的房贷是{d0}在{org}办的",
                "{I}{d0}在{bank}贷款买房，现在想提前还一部分",
                "{I}{d0}在{org}办了{prod}",
            ],
            &[
                "{d1}准备提前还款{amt}",
                "{I}手里攒了{amt}，想提前还掉部分本金",
                "{d1}{I}到{org}申请提前还款{amt}",
                "{d1}{I}在{app}上申请提前还款{amt}",
            ],
            &[
                "{bank}要求收取{rate}的违约金，也就是{fee}",
                "工作人员说要先预约排队，最快要排{n}个月",
                "{org}说本月额度已满，让{I}下个月再来",
                "合同里写了提前还款要收违约金，但签约时没人讲",
            ],
            &[
                "{I}认为收取违约金不合理，很多银行早就取消了",
                "预约了{n}次都显示额度已满",
                "拖得越久{I}多付的利息越多",
                "",
            ],
        ],
        terse: &[
            "提前还款要排{n}个月队",
            "提前还房贷收违约金{fee}",
            "预约提前还款一直约不上",
            "为什么不让提前还款",
        ],
        ..BASE
    },
    Scenario {
        key: "mortgage_rate",
        weight: 35,
        topic: "存量房贷利率调整",
        cats: &[((CAT_LOAN, None), 100)],
        reasons: &[
            (R_PRICING, 45),
            (R_RULES, 35),
            (R_CONTRACT, 15),
            (R_DISCLOSURE, 5),
        ],
        channels: &[
            (CH_PHONE, 45),
            (CH_APP, 30),
            (CH_COUNTER, 20),
            (CH_WECHAT, 5),
        ],
        demands: &[
            (D_OTHER, 40),
            (D_ANSWER, 25),
            (D_VERIFY, 20),
            (D_HURRY, 15),
            (D_REFUND, 5),
        ],
        regulator: Regulator::Nfra,
        transfer: 160,
        amount: AmtKind::Mortgage,
        lag: (1, 40),
        lag0: (300, 3500),
        products: &["江南安居房贷", "个人住房按揭贷款"],
        thing: &["房贷利率", "多收的利息"],
        asks: &[
            "按政策下调存量房贷利率",
            "允许转换定价基准",
            "明确利率调整的时间和标准",
        ],
        titles: &[
            "房贷利率为什么不降",
            "存量房贷利率调整",
            "LPR下调房贷没变",
            "房贷利率{rate}太高",
        ],
        facts: &[
            &[
                "{I}的房贷{amt}是{d0}在{org}办的",
                "{I}在{bank}有一笔{amt}的商业房贷",
                "{I}{d0}在{org}办了首套房贷，本金{amt}",
            ],
            &[
                "现在执行利率还是{rate}，比新发放的贷款高了{n}个基点",
                "重定价日到了，利率却没有按最新LPR下调",
                "{bank}说存量房贷利率调整要等到明年一月一日",
                "听说存量房贷可以调降利率，但{org}说{I}不符合条件",
            ],
            &[
                "按剩余本金算，一年要多付{fee}的利息",
                "{I}申请转换定价基准，{app}上一直提示“不符合条件”",
                "打{hotline}问，客服也说不清楚什么时候调整",
                "工作人员建议{I}借消费贷来置换，{I}觉得这是在推销",
            ],
            &[
                "{I}希望{bank}按政策尽快调整利率",
                "别的银行都调了，{bank}为什么拖着",
                "",
            ],
        ],
        terse: &[
            "存量房贷利率什么时候下调",
            "房贷利率还是{rate}，太高了",
            "LPR下调了房贷为啥没变",
            "申请降低房贷利率",
        ],
        ..BASE
    },
    Scenario {
        key: "consumer_loan",
        weight: 40,
        topic: "消费贷款息费与宣传不符",
        cats: &[((CAT_LOAN, None), 100)],
        reasons: &[
            (R_PRICING, 40),
            (R_DISCLOSURE, 35),
            (R_MARKETING, 20),
            (R_CONTRACT, 5),
        ],
        channels: &[(CH_APP, 50), (CH_PHONE, 35), (CH_THIRD, 8), (CH_COUNTER, 7)],
        demands: &[
            (D_REFUND, 40),
            (D_WAIVE, 25),
            (D_VERIFY, 20),
            (D_ANSWER, 15),
            (D_OTHER, 5),
        ],
        regulator: Regulator::Nfra,
        transfer: 180,
        age: Age::Young,
        amount: AmtKind::Loan,
        dispute: Dispute::Fee,
        lag: (5, 90),
        lag0: (10, 200),
        migrants: 20,
        products: &["江南e贷", "江南薪享贷", "江南装修贷", "江南快易贷"],
        thing: &["多收的利息", "服务费", "担保费", "息费"],
        asks: &["按宣传的利率重新计息", "公开综合年化成本"],
        titles: &[
            "消费贷利率与宣传不符",
            "{prod}实际年化{pct}",
            "贷款被扣服务费",
            "{prod}息费太高",
        ],
        facts: &[
            &[
                "{I}{d0}在{app}上申请了{prod}{amt}",
                "{d0}{mgr}给{I}打电话推荐{prod}，说利率很低",
                "{I}在{bank}办了一笔{prod}，借款{amt}",
                "{I}{d0}在网上看到{prod}的广告，借了{amt}",
            ],
            &[
                "宣传页写着“年利率低至{rate}”",
                "客户经理说年化只要{rate}",
                "广告写着“日息低至万分之一”",
                "",
            ],
            &[
                "实际算下来年化利率有{pct}",
                "放款时还被扣了一笔“服务费”，实际到手少了",
                "合同里另外还有担保费、保险费，加起来年化超过{pct}",
                "借了{n}个月，比宣传的多付了{fee}",
            ],
            &[
                "借款前页面没有展示综合年化成本",
                "{I}要求按宣传的利率重新计算",
                "{I}觉得这是虚假宣传",
                "",
            ],
        ],
        terse: &[
            "说年化{rate}，实际{pct}",
            "消费贷利息和宣传不符",
            "贷款被偷偷扣了服务费",
            "{prod}息费太高",
        ],
        ..BASE
    },
    Scenario {
        key: "loan_bundle",
        weight: 20,
        topic: "贷款捆绑搭售保险理财",
        cats: &[((CAT_LOAN, None), 80), ((CAT_AGENCY, None), 20)],
        reasons: &[(R_CHOICE, 55), (R_MARKETING, 35), (R_CONTRACT, 10)],
        channels: &[(CH_COUNTER, 45), (CH_PHONE, 40), (CH_APP, 15)],
        demands: &[
            (D_REFUND, 55),
            (D_VERIFY, 20),
            (D_OTHER, 15),
            (D_APOLOGY, 10),
        ],
        regulator: Regulator::Nfra,
        transfer: 170,
        media: 10,
        amount: AmtKind::Bundle,
        dispute: Dispute::Fee,
        lag: (5, 120),
        products: &["江南安贷宝意外险", "江南稳盈1号", "借款人意外保障计划"],
        thing: &["保费", "搭售的保险费", "被迫购买的产品费用"],
        asks: &["解除搭售的保险合同", "对涉事客户经理严肃处理"],
        titles: &["贷款捆绑搭售", "不买保险不放款", "贷款被迫买{prod}"],
        facts: &[
            &[
                "{I}{d1}到{org}申请经营贷{amt}",
                "{I}在{bank}申请了{amt}的房屋抵押贷款",
                "{d1}{I}到{org}办理{amt}的贷款",
            ],
            &[
                "{mgr}说必须买一份保险才能放款",
                "工作人员要求{I}先买{prod}才能批贷款",
                "放款前被要求购买{prod}，花了{fee}",
                "客户经理说办信用卡、买理财可以“提高通过率”",
            ],
            &[
                "{I}不买就一直拖着不放款",
                "{I}为了拿到贷款只好同意了",
                "后来{I}发现这份保险每年还要自动续费",
                "合同里这笔钱写成了“{I}自愿购买”",
            ],
            &["这明显属于捆绑搭售", "{I}要求退保并退还{fee}", ""],
        ],
        terse: &[
            "贷款被捆绑买保险",
            "不买理财就不放款？",
            "贷款搭售{prod}，要求退费",
        ],
        ..BASE
    },
    Scenario {
        key: "loan_service",
        weight: 30,
        topic: "贷款审批放款及解押办理拖延",
        cats: &[((CAT_LOAN, None), 100)],
        reasons: &[
            (R_RULES, 45),
            (R_SERVICE, 35),
            (R_SYSTEM, 10),
            (R_OTHER, 10),
        ],
        channels: &[(CH_COUNTER, 45), (CH_PHONE, 45), (CH_APP, 10)],
        demands: &[
            (D_HURRY, 45),
            (D_ANSWER, 25),
            (D_COMPENSATE, 15),
            (D_VERIFY, 15),
        ],
        regulator: Regulator::Nfra,
        transfer: 120,
        amount: AmtKind::Loan,
        lag: (3, 45),
        products: &["江南安居房贷", "江南经营快贷", "江南e贷"],
        thing: &["贷款", "结清证明", "解押手续"],
        titles: &["贷款迟迟不放款", "房贷结清办不了解押", "贷款审批拖延"],
        facts: &[
            &[
                "{I}{d0}向{org}申请了{amt}的{prod}",
                "{I}的房贷已经还清了，{d1}去{org}办理解押",
                "{I}在{bank}申请了经营贷{amt}",
            ],
            &[
                "材料交齐之后等了{since}还没审批下来",
                "{org}迟迟不给出具结清证明，说要等分行",
                "审批通过后又说额度没了，放款一拖再拖",
                "客户经理反复让{I}补材料，一次说一样",
            ],
            &[
                "导致{I}的购房合同违约，要赔对方定金",
                "{I}的生意资金周转不开，损失很大",
                "打电话给客户经理也不接",
                "办个解押跑了五趟",
            ],
            &["{I}要求{bank}给个明确时间", ""],
        ],
        terse: &["贷款一直不放款", "房贷还清了解押办不了", "审批太慢了"],
        ..BASE
    },
    // ----- 理财、代理 -----
    Scenario {
        key: "wm_loss",
        weight: 35,
        topic: "理财产品亏损及误导销售",
        cats: &[((CAT_WM, None), 100)],
        reasons: &[
            (R_MARKETING, 40),
            (R_YIELD, 30),
            (R_DISCLOSURE, 20),
            (R_CHOICE, 10),
        ],
        channels: &[
            (CH_COUNTER, 45),
            (CH_PHONE, 35),
            (CH_APP, 15),
            (CH_WECHAT, 5),
        ],
        demands: &[
            (D_COMPENSATE, 40),
            (D_QUERY, 20),
            (D_VERIFY, 20),
            (D_ANSWER, 10),
            (D_OTHER, 10),
        ],
        regulator: Regulator::Nfra,
        transfer: 150,
        media: 10,
        age: Age::Elderly,
        amount: AmtKind::WmLoss,
        dispute: Dispute::Fee,
        lag: (0, 30),
        lag0: (90, 720),
        products: &[
            "江南稳盈1号",
            "江南稳盈90天持有期",
            "江南季季享",
            "江南睿选稳健3号",
            "江南安享年年盈",
        ],
        thing: &["亏损的本金", "理财损失", "本金损失"],
        asks: &[
            "按购买时承诺的收益兑付",
            "调取购买时的双录资料",
            "处理误导销售的理财经理",
        ],
        titles: &[
            "理财说保本结果亏损",
            "{prod}亏损{fee}",
            "理财误导销售",
            "风险测评代做",
        ],
        facts: &[
            &[
                "{I}{d0}在{org}买了{amt}的{prod}",
                "{d0}{mgr}推荐{I}购买{prod}，金额{amt}",
                "{I}{d0}本来想存定期，被{mgr}推荐买了{prod}{amt}",
                "{I}{d0}通过{app}买了{prod}{amt}，是{mgr}发链接让买的",
            ],
            &[
                "当时对方说“跟存款一样，不会亏”，年化{rate}",
                "{mgr}说这个产品从来没亏过，业绩比较基准{rate}",
                "风险测评是{mgr}替{I}做的，{I}根本没看内容",
                "购买时没有人讲风险等级，只说收益比定期高",
            ],
            &[
                "{d1}到期只拿回了本金的一部分，亏损{fee}",
                "现在净值跌了{pct}，亏了{fee}",
                "{d1}查看发现亏损{pct}，{I}吓了一跳",
                "持有{n}个月不但没赚还亏了{fee}",
            ],
            &[
                "{I}的风险承受能力是保守型，却被卖了中风险产品",
                "{I}去问，{mgr}说市场不好，跟{bank}没关系",
                "这是{I}的养老钱",
                "",
            ],
        ],
        terse: &[
            "理财说不会亏，结果亏了{fee}",
            "{prod}亏损{pct}",
            "买理财被误导，要求赔偿",
            "客户经理代做风险测评",
        ],
        ..BASE
    },
    Scenario {
        key: "wm_redeem",
        weight: 10,
        topic: "理财产品赎回延迟",
        cats: &[((CAT_WM, None), 100)],
        reasons: &[
            (R_RULES, 40),
            (R_SYSTEM, 30),
            (R_DISCLOSURE, 20),
            (R_YIELD, 10),
        ],
        channels: &[(CH_APP, 50), (CH_PHONE, 35), (CH_COUNTER, 15)],
        demands: &[
            (D_HURRY, 40),
            (D_VERIFY, 25),
            (D_REFUND, 15),
            (D_COMPENSATE, 15),
            (D_ANSWER, 10),
        ],
        regulator: Regulator::Nfra,
        age: Age::Mixed,
        amount: AmtKind::WmRedeem,
        dispute: Dispute::Fee,
        lag: (1, 12),
        products: &["江南日日盈", "江南稳盈30天持有期", "江南季季享"],
        thing: &["赎回款", "赎回费"],
        titles: &["理财赎回不到账", "赎回被收费", "{prod}赎回延迟"],
        facts: &[
            &[
                "{I}{d1}在{app}上赎回{prod}{amt}",
                "{I}持有的{prod}{d1}到期",
                "{I}{d1}申请赎回{amt}的理财",
            ],
            &[
                "说好T+1到账，过了{n}天钱还没到",
                "{app}显示“赎回处理中”，一直不到账",
                "赎回时才知道有赎回限制，只能分批",
                "到账后发现被扣了{fee}的赎回费，事先没说",
            ],
            &[
                "{I}等这笔钱交房款，耽误了大事",
                "{hotline}说系统在处理，让{I}等",
                "",
            ],
        ],
        terse: &[
            "理财赎回钱不到账",
            "赎回{amt}过了{n}天还没到",
            "赎回费事先没说",
        ],
        ..BASE
    },
    Scenario {
        key: "insurance",
        weight: 30,
        topic: "代销保险“存款变保单”",
        cats: &[((CAT_AGENCY, None), 100)],
        reasons: &[
            (R_MARKETING, 50),
            (R_DISCLOSURE, 25),
            (R_CHOICE, 15),
            (R_CONTRACT, 10),
        ],
        channels: &[
            (CH_COUNTER, 50),
            (CH_PHONE, 40),
            (CH_APP, 5),
            (CH_WECHAT, 5),
        ],
        demands: &[
            (D_REFUND, 50),
            (D_COMPENSATE, 20),
            (D_QUERY, 15),
            (D_VERIFY, 15),
            (D_OTHER, 10),
        ],
        regulator: Regulator::Nfra,
        transfer: 170,
        media: 10,
        age: Age::Senior,
        amount: AmtKind::Insurance,
        dispute: Dispute::Fee,
        lag: (1, 60),
        lag0: (30, 1200),
        products: &[
            "福享年年分红保险（代销）",
            "安康终身寿险（代销）",
            "鑫享年金保险（代销）",
            "惠民两全保险（代销）",
        ],
        thing: &["保费", "全部保费", "退保损失"],
        asks: &["全额退保", "撤销保险合同"],
        titles: &[
            "存款变保单",
            "去银行存钱被卖了保险",
            "{prod}退保损失{fee}",
            "银行卖保险误导老人",
        ],
        facts: &[
            &[
                "{I}{d0}到{org}存钱，{mgr}说有一款“存款产品”利息更高",
                "{d0}{I}在{org}存定期，工作人员推荐了{prod}",
                "{I}{d0}在{org}办理业务，被推荐买了{prod}，每年交{amt}，交{n}年",
            ],
            &[
                "后来才知道买的是保险，要交{n}年，每年{amt}",
                "{I}以为是存款，签字时对方一直说“签这里就行”",
                "当时只说是“存几年拿利息”，没说是保险",
                "工作人员说随时可以取，没提退保损失",
            ],
            &[
                "{d1}{I}急用钱想取出来，说退保只能拿回一部分，损失{fee}",
                "{d1}接到保险公司回访电话，{I}才发现买的是保险",
                "现在要退保，要损失{pct}的本金",
                "{I}已经交了两年，才知道是{n}年期的分红险",
            ],
            &[
                "{I}年纪大了根本不知道这是保险",
                "{bank}工作人员明显是误导销售",
                "犹豫期内也没有人回访",
                "",
            ],
        ],
        terse: &[
            "存款变保单",
            "我是来存钱的，怎么成了保险",
            "退保损失{fee}不合理",
            "银行卖保险误导老人",
        ],
        ..BASE
    },
    Scenario {
        key: "fund",
        weight: 18,
        topic: "代销基金亏损",
        cats: &[((CAT_AGENCY, None), 100)],
        reasons: &[
            (R_MARKETING, 40),
            (R_YIELD, 30),
            (R_CHOICE, 15),
            (R_DISCLOSURE, 15),
        ],
        channels: &[(CH_COUNTER, 40), (CH_APP, 30), (CH_PHONE, 30)],
        demands: &[
            (D_COMPENSATE, 45),
            (D_QUERY, 20),
            (D_VERIFY, 20),
            (D_ANSWER, 15),
        ],
        regulator: Regulator::Nfra,
        transfer: 120,
        age: Age::Mixed,
        amount: AmtKind::FundLoss,
        dispute: Dispute::Fee,
        lag: (0, 60),
        lag0: (120, 900),
        products: &[
            "江南精选混合基金（代销）",
            "新能源主题股票基金（代销）",
            "医药创新混合基金（代销）",
        ],
        thing: &["基金亏损", "亏损部分"],
        titles: &["代销基金亏损", "{prod}亏了{pct}", "基金销售误导"],
        facts: &[
            &[
                "{I}{d0}在{org}买了{amt}的{prod}",
                "{mgr}{d0}推荐{I}买{prod}，说是“明星基金经理”管的",
                "{I}{d0}在{app}上按{mgr}的推荐买了{prod}{amt}",
            ],
            &[
                "当时说短期有波动，但长期稳赚",
                "{I}的风险等级是稳健型，却被卖了高风险基金",
                "{mgr}说跌了可以补仓摊低成本，让{I}又加了仓",
                "",
            ],
            &[
                "到{d1}已经亏了{pct}，损失{fee}",
                "持有{n}年亏损{fee}",
                "{d1}看账户亏了{pct}",
            ],
            &[
                "{bank}只管收销售服务费，出了问题就不管",
                "{I}要求{bank}承担销售适当性责任",
                "",
            ],
        ],
        terse: &[
            "代销基金亏了{pct}",
            "基金亏损{fee}，销售误导",
            "银行推荐的基金亏惨了",
        ],
        ..BASE
    },
    Scenario {
        key: "structured",
        weight: 12,
        topic: "结构性存款收益不及预期",
        cats: &[((CAT_SAVING, None), 60), ((CAT_WM, None), 40)],
        reasons: &[(R_YIELD, 45), (R_MARKETING, 30), (R_DISCLOSURE, 25)],
        channels: &[(CH_COUNTER, 45), (CH_PHONE, 35), (CH_APP, 20)],
        demands: &[
            (D_COMPENSATE, 35),
            (D_ANSWER, 25),
            (D_VERIFY, 25),
            (D_QUERY, 15),
        ],
        regulator: Regulator::Nfra,
        age: Age::Elderly,
        amount: AmtKind::WmLoss,
        lag: (0, 30),
        lag0: (90, 370),
        products: &[
            "江南智能存款（挂钩黄金）",
            "江南汇利结构性存款",
            "江南鑫益结构性存款",
        ],
        thing: &["收益差额", "利息差额"],
        titles: &[
            "结构性存款只拿到保底收益",
            "结构性存款宣传误导",
            "说最高{rate}实际很低",
        ],
        facts: &[
            &[
                "{I}{d0}在{org}买了{amt}的{prod}，期限{n}个月",
                "{mgr}推荐{I}买了{prod}，说是存款、最高年化{rate}",
                "{I}{d0}把到期的定期{amt}转买了{prod}",
            ],
            &[
                "宣传单上大字写“最高{rate}”，小字写保底1.35%",
                "{mgr}说基本都能拿到最高收益",
                "挂钩黄金还是汇率，当时没人解释清楚",
            ],
            &[
                "{d1}到期只拿到了保底收益，比定期还低",
                "到期收益只有1.5%，跟宣传差太远",
                "{I}问为什么收益这么低，说是挂钩标的没达到条件",
            ],
            &["{I}觉得这是用最高收益误导客户", "早知道还不如存定期", ""],
        ],
        terse: &[
            "结构性存款只拿到保底收益",
            "说最高{rate}，实际1.35%",
            "结构性存款宣传误导",
        ],
        ..BASE
    },
    Scenario {
        key: "gold",
        weight: 8,
        topic: "贵金属产品回购",
        cats: &[((CAT_GOLD, None), 100)],
        reasons: &[
            (R_MARKETING, 35),
            (R_RULES, 30),
            (R_PRICING, 25),
            (R_DISCLOSURE, 10),
        ],
        channels: &[(CH_COUNTER, 60), (CH_PHONE, 30), (CH_APP, 10)],
        demands: &[
            (D_OTHER, 40),
            (D_COMPENSATE, 25),
            (D_ANSWER, 20),
            (D_VERIFY, 15),
        ],
        regulator: Regulator::Pboc,
        age: Age::Mixed,
        amount: AmtKind::Gold,
        dispute: Dispute::Fee,
        lag: (1, 30),
        lag0: (60, 1500),
        products: &["江南如意金条", "江南生肖纪念金", "江南积存金", "福禄工艺金"],
        thing: &["回购差价", "回购手续费"],
        asks: &["按当日金价回购", "兑现购买时的回购承诺"],
        titles: &["金条不给回购", "贵金属回购价太低", "{prod}回购问题"],
        facts: &[
            &[
                "{I}{d0}在{org}买了{n}克{prod}，花了{amt}",
                "{I}{d0}经{mgr}推荐购买了{prod}{n}克",
                "{d0}{I}在{org}买了{prod}，当时说是投资用的",
            ],
            &[
                "当时说随时可以按金价回购",
                "买的时候说是“投资金条”，保值增值",
                "",
            ],
            &[
                "{d1}{I}想卖掉，{org}说不回购，或者每克要扣十几块手续费",
                "回购价比金价低很多，{I}要损失{fee}",
                "{bank}说这款是工艺品金，不能回购",
            ],
            &["当初宣传和现在的说法完全不一样", ""],
        ],
        terse: &["金条不给回购", "回购价比金价低这么多", "积存金回购问题"],
        ..BASE
    },
    // ----- 借记卡、账户与支付 -----
    Scenario {
        key: "atm_swallow",
        weight: 12,
        topic: "ATM吞卡",
        cats: &[((CAT_CARD, Some(SUB_DEBIT_USE)), 100)],
        reasons: &[(R_SYSTEM, 60), (R_SERVICE, 30), (R_RULES, 10)],
        channels: &[(CH_SELF, 70), (CH_PHONE, 20), (CH_COUNTER, 10)],
        demands: &[
            (D_RESTORE, 30),
            (D_HURRY, 30),
            (D_VERIFY, 20),
            (D_COMPENSATE, 10),
            (D_APOLOGY, 10),
        ],
        regulator: Regulator::Pboc,
        transfer: 50,
        age: Age::Mixed,
        card: CardKind::Debit,
        lag: (0, 3),
        thing: &["被吞的银行卡", "银行卡"],
        titles: &["ATM吞卡", "取款机吞卡不给退", "自助机吞卡处理太慢"],
        facts: &[
            &[
                "{I}{d1}{tm}在{org}的ATM上取钱",
                "{d1}{tm}，{I}在{org}的自助取款机上办业务",
                "{I}{d1}在{org}门口的自助机查余额",
            ],
            &[
                "机器突然卡住，把{my}银行卡吞了",
                "操作到一半屏幕显示“交易超时”，卡没吐出来",
                "机器提示“卡片已被没收”",
            ],
            &[
                "当时是周末，网点没人，打客服说要工作日才能领",
                "{I}打了机器上的电话，{wait}都没人接",
                "第二天去领，又说要原开户行证明",
                "工作人员说吞的卡要剪掉，只能重新办卡",
            ],
            &[
                "{I}着急用钱，耽误了事",
                "{I}要求{bank}赔偿交通费和误工费",
                "",
            ],
        ],
        terse: &["ATM吞卡了", "取款机把卡吞了，没人管", "吞卡要等几天？"],
        ..BASE
    },
    Scenario {
        key: "atm_cash",
        weight: 10,
        topic: "ATM取款少吐钞",
        cats: &[
            ((CAT_CARD, Some(SUB_DEBIT_USE)), 80),
            ((CAT_CASH, None), 20),
        ],
        reasons: &[(R_SYSTEM, 55), (R_FUNDS, 30), (R_SERVICE, 15)],
        channels: &[(CH_SELF, 75), (CH_PHONE, 20), (CH_COUNTER, 5)],
        demands: &[(D_REFUND, 45), (D_QUERY, 25), (D_HURRY, 20), (D_VERIFY, 15)],
        regulator: Regulator::Pboc,
        transfer: 60,
        age: Age::Mixed,
        card: CardKind::Debit,
        amount: AmtKind::AtmCash,
        dispute: Dispute::Main,
        lag: (0, 7),
        thing: &["少吐的现金", "被扣的款项"],
        titles: &["ATM少吐钞", "取款没出钱但扣了款", "取款差错{amt}"],
        facts: &[
            &[
                "{I}{d1}{tm}在{org}的ATM取款{amt}",
                "{d1}{I}在{org}自助机取现{amt}",
                "{I}{d1}晚上在{org}门口的取款机取了{amt}",
            ],
            &[
                "机器响了半天，只吐出来一部分钱",
                "出钞口没有出钱，但账户已经扣款",
                "取出来的钱少了两张",
            ],
            &[
                "{I}当场打了{hotline}登记了差错",
                "已经过去{since}，钱还没退回来",
                "{bank}说要等清机核对，一直没结果",
                "网点说监控看不清，不能证明",
            ],
            &["{I}要求调监控查清楚", ""],
        ],
        terse: &["ATM没出钞但扣款{amt}", "取款少了两张", "取款差错什么时候退"],
        ..BASE
    },
    Scenario {
        key: "account_frozen",
        weight: 40,
        topic: "账户被冻结及非柜面交易受限",
        cats: &[
            ((CAT_PAY, Some(SUB_ACCOUNT)), 70),
            ((CAT_CARD, Some(SUB_DEBIT_USE)), 30),
        ],
        reasons: &[
            (R_RULES, 60),
            (R_SERVICE, 20),
            (R_DISCLOSURE, 10),
            (R_SYSTEM, 10),
        ],
        channels: &[(CH_COUNTER, 40), (CH_PHONE, 35), (CH_APP, 25)],
        demands: &[
            (D_RESTORE, 55),
            (D_VERIFY, 25),
            (D_ANSWER, 15),
            (D_HURRY, 15),
            (D_OTHER, 5),
        ],
        regulator: Regulator::Pboc,
        transfer: 130,
        age: Age::Young,
        card: CardKind::Debit,
        lag: (0, 20),
        migrants: 25,
        thing: &["账户", "银行卡", "借记卡"],
        asks: &["书面说明冻结的依据", "提高非柜面交易限额"],
        titles: &[
            "银行卡被冻结",
            "账户非柜面交易受限",
            "工资卡被限制交易",
            "账户无故止付",
        ],
        facts: &[
            &[
                "{I}{d1}发现{my}借记卡（尾号{tail}）被冻结了",
                "{d1}{I}转账时提示“账户状态异常，非柜面交易受限”",
                "{I}的工资卡{d1}突然被限制，微信、支付宝都不能绑卡付款",
                "{d1}{I}收到一笔朋友的转账后，账户就被止付了",
            ],
            &[
                "{org}说是涉嫌电信诈骗被公安冻结，让{I}自己去公安局问",
                "工作人员说是风控要求，要{I}提供工资流水和工作证明",
                "非柜面限额每天只有五百元，{I}房租都交不了",
                "{I}按要求去网点核实，又说要提供资金来源证明",
            ],
            &[
                "{I}是正常的工作收入，没有任何违法行为",
                "跑了{org}三趟，每次要的材料都不一样",
                "{I}每月的房贷要从这张卡扣，现在扣不了",
                "已经{since}了，问什么时候解除都说不知道",
            ],
            &[
                "{I}觉得{bank}这种一刀切的做法太不合理",
                "这已经严重影响了{my}正常生活",
                "",
            ],
        ],
        terse: &[
            "银行卡被冻结，什么原因",
            "非柜面交易受限，怎么解除",
            "工资卡被限制了，每天只能转五百",
            "账户被止付，材料都交了还不解除",
        ],
        ..BASE
    },
    Scenario {
        key: "mobile_app",
        weight: 35,
        topic: "手机银行故障",
        cats: &[
            ((CAT_PAY, Some(SUB_EPAY)), 80),
            ((CAT_CARD, Some(SUB_DEBIT_USE)), 20),
        ],
        reasons: &[(R_SYSTEM, 75), (R_SERVICE, 15), (R_RULES, 10)],
        channels: &[
            (CH_APP, 65),
            (CH_PHONE, 25),
            (CH_WECHAT, 5),
            (CH_COUNTER, 5),
        ],
        demands: &[
            (D_RESTORE, 35),
            (D_VERIFY, 30),
            (D_HURRY, 20),
            (D_ANSWER, 15),
            (D_OTHER, 10),
        ],
        regulator: Regulator::Pboc,
        transfer: 50,
        age: Age::Young,
        amount: AmtKind::Transfer,
        lag: (0, 5),
        thing: &["手机银行", "转账款项"],
        asks: &["尽快修复手机银行的问题", "退回被扣的款项"],
        titles: &[
            "手机银行闪退",
            "APP转账失败钱被扣",
            "手机银行登录不了",
            "APP太难用",
        ],
        facts: &[
            &[
                "{I}{d1}{tm}用{app}转账{amt}",
                "{d1}{I}打开{app}一直闪退",
                "{app}更新后{I}就登录不上了",
                "{d1}{I}在{app}上缴水电费",
            ],
            &[
                "页面一直转圈，最后提示“交易失败”，但钱被扣了",
                "短信验证码一直收不到",
                "提示“网络异常，请稍后再试”，试了好多次都不行",
                "登录时提示设备未绑定，要到柜台解绑",
            ],
            &[
                "{hotline}让{I}卸载重装，试了也没用",
                "{I}找人工客服，排了{wait}没接通",
                "钱到现在都没退回来",
                "{I}只好跑到{org}柜台办理",
            ],
            &["这么大的银行，APP这么不稳定", "{I}的工作被耽误了", ""],
        ],
        terse: &[
            "APP闪退",
            "转账失败钱却扣了",
            "验证码收不到",
            "手机银行又登录不上了",
            "APP更新后用不了",
        ],
        ..BASE
    },
    Scenario {
        key: "transfer",
        weight: 20,
        topic: "转账汇款延迟及退回",
        cats: &[
            ((CAT_PAY, Some(SUB_TRANSFER)), 80),
            ((CAT_PAY, Some(SUB_REMIT)), 20),
        ],
        reasons: &[
            (R_SYSTEM, 40),
            (R_RULES, 30),
            (R_SERVICE, 20),
            (R_PRICING, 10),
        ],
        channels: &[(CH_APP, 40), (CH_COUNTER, 30), (CH_WEB, 15), (CH_PHONE, 15)],
        demands: &[
            (D_QUERY, 35),
            (D_HURRY, 30),
            (D_VERIFY, 15),
            (D_REFUND, 15),
            (D_COMPENSATE, 10),
        ],
        regulator: Regulator::Pboc,
        transfer: 70,
        amount: AmtKind::Transfer,
        dispute: Dispute::Main,
        lag: (1, 10),
        thing: &["汇款", "款项", "转账资金"],
        titles: &["转账迟迟不到账", "跨行汇款被退回", "汇款{amt}去向不明"],
        facts: &[
            &[
                "{I}{d1}通过{org}柜台跨行汇款{amt}",
                "{I}{d1}在{app}上给外地的亲戚转了{amt}",
                "{d1}{I}给供货商转账{amt}",
                "{I}{d1}在网银上做了一笔{amt}的对外付款",
            ],
            &[
                "过了{n}天对方还没收到",
                "{d2}钱被退回来了，说收款行信息有误，但手续费{fee}不退",
                "转账显示“银行处理中”，一直没到账",
                "{bank}说是大额转账要人工审核",
            ],
            &[
                "{I}打{hotline}查询，客服也查不到钱在哪",
                "因为款项延迟，{I}被对方收了违约金",
                "{org}让{I}自己去问收款行",
                "",
            ],
        ],
        terse: &[
            "转账{amt}还没到账",
            "汇款被退回手续费不退",
            "转账处理中是什么意思",
        ],
        ..BASE
    },
    Scenario {
        key: "third_party",
        weight: 15,
        topic: "快捷支付异常扣款",
        cats: &[
            ((CAT_PAY, Some(SUB_NONBANK)), 70),
            ((CAT_PAY, Some(SUB_EPAY)), 30),
        ],
        reasons: &[
            (R_FUNDS, 45),
            (R_SERVICE, 25),
            (R_RULES, 20),
            (R_CHOICE, 10),
        ],
        channels: &[(CH_THIRD, 40), (CH_APP, 30), (CH_PHONE, 30)],
        demands: &[(D_REFUND, 45), (D_VERIFY, 25), (D_QUERY, 20), (D_OTHER, 10)],
        regulator: Regulator::Pboc,
        transfer: 80,
        age: Age::Young,
        card: CardKind::Debit,
        amount: AmtKind::SmallPay,
        dispute: Dispute::Main,
        lag: (0, 20),
        thing: &["被扣的款项", "重复扣款"],
        asks: &["解除快捷支付绑定", "说明扣款的商户和授权记录"],
        titles: &["快捷支付乱扣款", "第三方平台重复扣款", "自动续费扣款未授权"],
        facts: &[
            &[
                "{I}{d1}发现{my}借记卡通过第三方支付平台被扣了{n}笔，共{amt}",
                "{I}的银行卡绑定了快捷支付，{d1}被扣了{amt}的自动续费",
                "{d1}{I}在某购物平台付款，显示成功，但银行卡被重复扣款",
            ],
            &[
                "{I}从来没授权过这些扣款",
                "{bank}说是第三方支付机构发起的，让{I}找平台",
                "平台说是银行的问题，两边来回踢皮球",
            ],
            &["{I}要求{bank}关闭快捷支付并退回款项", "至今已经{since}", ""],
        ],
        terse: &["快捷支付被扣{amt}", "没授权的自动扣款", "重复扣款请退回"],
        ..BASE
    },
    Scenario {
        key: "debit_fraud",
        weight: 25,
        topic: "借记卡盗刷及电信诈骗",
        cats: &[((CAT_CARD, Some(SUB_DEBIT_FRAUD)), 100)],
        reasons: &[(R_FUNDS, 75), (R_INFO, 15), (R_SYSTEM, 10)],
        channels: &[(CH_PHONE, 45), (CH_COUNTER, 35), (CH_APP, 20)],
        demands: &[
            (D_REFUND, 30),
            (D_COMPENSATE, 25),
            (D_QUERY, 20),
            (D_VERIFY, 20),
            (D_HURRY, 10),
        ],
        regulator: Regulator::Both,
        transfer: 110,
        media: 10,
        age: Age::Mixed,
        card: CardKind::Debit,
        amount: AmtKind::Fraud,
        dispute: Dispute::Main,
        lag: (0, 15),
        thing: &["被盗刷的资金", "被骗的钱", "资金损失"],
        titles: &["借记卡被盗刷", "被骗转账银行没拦截", "卡里的钱不翼而飞"],
        facts: &[
            &[
                "{I}{d1}接到一个自称{bank}客服的电话，说{my}账户异常需要配合操作",
                "{d1}{tm}{I}的借记卡在外地被取现{n}笔，共{amt}",
                "{I}{d1}被冒充公检法的骗子骗走了{amt}",
                "{I}的借记卡一直在身上，{d1}却被盗刷了{amt}",
            ],
            &[
                "{I}按对方说的把验证码告诉了对方，卡里{amt}被转走",
                "{I}立即报了警，挂失了卡片",
                "骗子知道{my}姓名、身份证号和卡号，说得头头是道",
            ],
            &[
                "{I}认为{bank}没有及时拦截异常交易",
                "{I}怀疑是{bank}泄露了{my}信息",
                "{org}说是{I}自己泄露了验证码，不承担责任",
                "那么大金额的转账，{bank}也没有任何风险提示",
            ],
            &["{I}要求{bank}配合公安追回资金", "这是{I}大半辈子的积蓄", ""],
        ],
        terse: &[
            "借记卡被盗刷{amt}",
            "卡在身上钱被取走了",
            "被骗{amt}，银行为什么不拦截",
        ],
        ..BASE
    },
    Scenario {
        key: "small_fee",
        weight: 15,
        topic: "借记卡小额账户管理费及短信费扣收",
        cats: &[
            ((CAT_CARD, Some(SUB_DEBIT_USE)), 70),
            ((CAT_SAVING, None), 30),
        ],
        reasons: &[(R_PRICING, 60), (R_DISCLOSURE, 25), (R_CHOICE, 15)],
        channels: &[(CH_COUNTER, 40), (CH_PHONE, 35), (CH_APP, 25)],
        demands: &[(D_REFUND, 70), (D_VERIFY, 15), (D_OTHER, 15)],
        regulator: Regulator::Pboc,
        transfer: 60,
        age: Age::Elderly,
        card: CardKind::Debit,
        amount: AmtKind::SmallFee,
        dispute: Dispute::Fee,
        lag: (3, 60),
        thing: &["管理费", "短信费", "扣收的费用"],
        asks: &["免除今后的小额账户管理费", "取消短信通知服务"],
        titles: &["小额账户管理费乱扣", "短信费没开通也扣", "借记卡被扣{fee}"],
        facts: &[
            &[
                "{I}{d1}查流水发现{my}借记卡每季度被扣小额账户管理费",
                "{I}的银行卡每个月被扣短信通知费，已经扣了{n}个月",
                "{d1}{I}发现卡里被扣了{fee}的卡年费",
            ],
            &[
                "一共被扣了{fee}",
                "{I}从来没开通过短信通知",
                "这张卡是用来领补贴的，按规定应该免收",
                "办卡时没人说过要收费",
            ],
            &["{org}说可以免，但要{I}本人到柜台申请", ""],
        ],
        terse: &[
            "借记卡被扣管理费",
            "没开通短信为什么扣短信费",
            "乱扣费{fee}",
        ],
        ..BASE
    },
    Scenario {
        key: "account_close",
        weight: 15,
        topic: "银行卡异地注销难",
        cats: &[
            ((CAT_PAY, Some(SUB_ACCOUNT)), 70),
            ((CAT_CARD, Some(SUB_DEBIT_USE)), 30),
        ],
        reasons: &[(R_RULES, 60), (R_SERVICE, 30), (R_SYSTEM, 10)],
        channels: &[(CH_COUNTER, 50), (CH_PHONE, 40), (CH_APP, 10)],
        demands: &[(D_OTHER, 45), (D_HURRY, 25), (D_ANSWER, 15), (D_VERIFY, 15)],
        regulator: Regulator::Pboc,
        transfer: 60,
        card: CardKind::Debit,
        lag: (0, 15),
        migrants: 40,
        thing: &["销户", "销卡手续"],
        asks: &["就近办理销户", "异地注销银行卡"],
        titles: &["异地销户难", "销卡必须回开户行", "银行卡注销不了"],
        facts: &[
            &[
                "{I}{d1}想注销一张以前在{city}办的借记卡",
                "{I}以前在{city}工作时办了{bank}的卡，现在人在外地",
                "{d1}{I}到{org}申请销户",
            ],
            &[
                "{org}说必须回开户网点才能注销",
                "网点说卡上有欠费，要先补齐",
                "工作人员说要先解除所有第三方绑定才能销户",
                "排了{wait}的队，最后说系统不支持",
            ],
            &[
                "{I}为了销一张卡跑了好几趟",
                "来回的路费就好几百",
                "{I}不想再用这张卡，每年还被扣费",
                "",
            ],
        ],
        terse: &[
            "为什么不能异地销户",
            "销卡要回开户行太麻烦",
            "银行卡注销不了",
        ],
        ..BASE
    },
    Scenario {
        key: "account_open",
        weight: 15,
        topic: "开户受阻",
        cats: &[((CAT_PAY, Some(SUB_ACCOUNT)), 100)],
        reasons: &[(R_RULES, 55), (R_SERVICE, 35), (R_CHOICE, 10)],
        channels: &[(CH_COUNTER, 75), (CH_PHONE, 25)],
        demands: &[
            (D_OTHER, 40),
            (D_ANSWER, 25),
            (D_VERIFY, 20),
            (D_APOLOGY, 15),
        ],
        regulator: Regulator::Pboc,
        transfer: 70,
        age: Age::Young,
        lag: (0, 10),
        migrants: 45,
        thing: &["开户"],
        asks: &["正常办理开户", "按规定给办理一类账户"],
        titles: &["开户太难", "办卡被拒", "开工资卡被刁难"],
        facts: &[
            &[
                "{I}{d1}到{org}想办一张借记卡",
                "{I}是新入职的员工，单位要求办{bank}的工资卡，{d1}去{org}办理",
                "{d1}{I}陪家人到{org}开户",
            ],
            &[
                "工作人员要{I}提供工作证明、租房合同、社保证明",
                "柜员说{I}户籍不在本地，不能办",
                "工作人员问东问西，最后说只能开二类户",
                "说今天开卡名额已满，让{I}改天再来",
            ],
            &[
                "{I}拿出了单位的证明也不行",
                "{I}跑了三次还是没办成",
                "工资马上要发了，没有卡很着急",
                "",
            ],
        ],
        terse: &["开个卡这么难", "办卡被拒", "为什么只能开二类户"],
        ..BASE
    },
    Scenario {
        key: "debit_promo",
        weight: 8,
        topic: "借记卡营销活动未兑现",
        cats: &[((CAT_CARD, Some(SUB_DEBIT_PROMO)), 100)],
        reasons: &[(R_MARKETING, 60), (R_DISCLOSURE, 25), (R_SERVICE, 15)],
        channels: &[(CH_COUNTER, 40), (CH_APP, 35), (CH_PHONE, 25)],
        demands: &[(D_OTHER, 50), (D_ANSWER, 30), (D_VERIFY, 20)],
        regulator: Regulator::Pboc,
        transfer: 40,
        card: CardKind::Debit,
        lag: (10, 60),
        lag0: (20, 90),
        thing: &["礼品", "活动奖励"],
        asks: &["兑现活动承诺", "补发礼品"],
        titles: &["开卡礼品不兑现", "绑卡立减没到账", "存款送礼是忽悠"],
        facts: &[
            &[
                "{I}{d0}参加了{org}的“新客存款送好礼”活动",
                "{bank}搞“绑卡立减”活动，{I}按要求绑了卡",
                "{I}{d0}在{org}开卡时，工作人员说存满五万送一桶油",
            ],
            &[
                "到现在礼品也没兑现",
                "立减金额一直没到账",
                "活动结束后才说{I}不符合条件",
            ],
            &["{org}说活动已经结束，不再补发", ""],
        ],
        terse: &["活动礼品没兑现", "绑卡立减没到账", "存款送油是骗人的"],
        ..BASE
    },
    Scenario {
        key: "bill",
        weight: 5,
        topic: "票据托收及贴现",
        cats: &[((CAT_PAY, Some(SUB_BILL)), 100)],
        reasons: &[
            (R_RULES, 40),
            (R_SERVICE, 30),
            (R_PRICING, 15),
            (R_SYSTEM, 15),
        ],
        channels: &[
            (CH_COUNTER, 50),
            (CH_BACK, 25),
            (CH_WEB, 15),
            (CH_PHONE, 10),
        ],
        demands: &[
            (D_HURRY, 35),
            (D_VERIFY, 25),
            (D_COMPENSATE, 15),
            (D_REFUND, 15),
            (D_QUERY, 15),
        ],
        regulator: Regulator::Pboc,
        transfer: 40,
        age: Age::Working,
        amount: AmtKind::Bill,
        dispute: Dispute::Main,
        lag: (1, 20),
        lag0: (30, 180),
        thing: &["票款", "贴现利息", "票据款项"],
        titles: &["承兑汇票托收不到账", "贴现利息多收", "票据被退回"],
        facts: &[
            &[
                "{my}公司{d0}收到一张{amt}的银行承兑汇票，在{org}办理托收",
                "{I}{d1}在{org}申请贴现一张{amt}的电子银行承兑汇票",
                "{my}公司通过{org}开了一张{amt}的承兑汇票",
            ],
            &[
                "票据到期{n}天了，款还没到账",
                "贴现利息比当初说好的高，多收了{fee}",
                "票据被退回，理由是背书不连续，但{bank}之前审核过",
                "{org}把票据信息录错了，导致对方拒收",
            ],
            &["公司资金链本来就紧张", "对方单位已经在催款了", ""],
        ],
        terse: &["汇票托收款未到账", "贴现利息多收了", "票据被退回"],
        ..BASE
    },
    Scenario {
        key: "fx",
        weight: 10,
        topic: "外汇购汇及境外汇款",
        cats: &[((CAT_FX, None), 80), ((CAT_PAY, Some(SUB_REMIT)), 20)],
        reasons: &[
            (R_RULES, 40),
            (R_SERVICE, 25),
            (R_PRICING, 20),
            (R_SYSTEM, 15),
        ],
        channels: &[(CH_COUNTER, 55), (CH_APP, 20), (CH_PHONE, 15), (CH_WEB, 10)],
        demands: &[
            (D_HURRY, 35),
            (D_QUERY, 25),
            (D_REFUND, 15),
            (D_VERIFY, 15),
            (D_ANSWER, 10),
        ],
        regulator: Regulator::Pboc,
        transfer: 60,
        age: Age::Mixed,
        amount: AmtKind::Fx,
        dispute: Dispute::Fee,
        lag: (1, 20),
        thing: &["汇款", "手续费", "入账款项"],
        titles: &["境外汇款迟迟不到", "购汇被拒", "外汇手续费太高"],
        facts: &[
            &[
                "{I}{d1}想给在{country}读书的孩子汇学费",
                "{I}{d1}到{org}购汇{cur}",
                "{d1}{I}在{app}上办理境外汇款，金额折合{amt}",
                "{I}有一笔从{country}汇入的{cur}款项，{d1}还没入账",
            ],
            &[
                "{org}说{I}的购汇用途要补材料，让{I}提供录取通知书、学费单",
                "汇款过了{n}天对方还没收到，中转行又扣了{fee}",
                "成交的汇率比{app}上显示的差了很多",
                "工作人员对外汇业务不熟悉，来回让{I}补材料",
            ],
            &[
                "{I}耽误了孩子的开学缴费",
                "{bank}收的电报费和手续费{fee}从来没说过",
                "{I}打{hotline}，说要等总行国际业务部处理",
                "",
            ],
        ],
        terse: &["境外汇款{n}天没到", "购汇太麻烦了", "外汇手续费{fee}没说过"],
        ..BASE
    },
    Scenario {
        key: "etc",
        weight: 12,
        topic: "ETC扣费",
        cats: &[
            ((CAT_MID, None), 60),
            ((CAT_CARD, Some(SUB_DEBIT_USE)), 25),
            ((CAT_CARD, Some(SUB_CREDIT)), 15),
        ],
        reasons: &[(R_SYSTEM, 45), (R_PRICING, 30), (R_SERVICE, 25)],
        channels: &[
            (CH_PHONE, 50),
            (CH_APP, 25),
            (CH_COUNTER, 20),
            (CH_WECHAT, 5),
        ],
        demands: &[(D_REFUND, 65), (D_VERIFY, 20), (D_QUERY, 15)],
        regulator: Regulator::Both,
        transfer: 50,
        card: CardKind::Debit,
        amount: AmtKind::Toll,
        dispute: Dispute::Fee,
        lag: (1, 20),
        lag0: (60, 1500),
        migrants: 20,
        thing: &["多扣的通行费", "重复扣的费用"],
        titles: &["ETC多扣费", "ETC扣费有误", "ETC扣了{fee}不退"],
        facts: &[
            &[
                "{I}{d0}在{org}办理了ETC，绑的是{bank}的卡",
                "{I}的车装的是{bank}的ETC",
                "{I}{d1}开车走{hw}",
            ],
            &[
                "{d1}同一段路被扣了两次费，多扣了{fee}",
                "ETC显示扣费失败，出口又让{I}现金交了一次",
                "查账单发现同一趟被扣了{n}次费用",
                "ETC设备突然失效，事后被扣了滞纳金",
            ],
            &[
                "{I}打ETC客服，又让{I}找银行",
                "{org}说ETC是高速公司的事，他们管不了",
                "已经{since}了，多扣的钱还没退",
                "",
            ],
        ],
        terse: &["ETC多扣了{fee}", "ETC扣费错误请退还", "ETC扣了两次费"],
        ..BASE
    },
    // ----- 网点服务、特殊群体 -----
    Scenario {
        key: "queue",
        weight: 20,
        topic: "网点排队时间过长",
        cats: &[
            ((CAT_OTHER, None), 50),
            ((CAT_SAVING, None), 30),
            ((CAT_CARD, Some(SUB_DEBIT_USE)), 20),
        ],
        reasons: &[(R_SERVICE, 80), (R_SYSTEM, 10), (R_RULES, 10)],
        channels: &[(CH_COUNTER, 85), (CH_PHONE, 15)],
        demands: &[
            (D_OTHER, 40),
            (D_APOLOGY, 25),
            (D_ANSWER, 20),
            (D_VERIFY, 15),
        ],
        transfer: 40,
        age: Age::Mixed,
        lag: (0, 3),
        thing: &["排队", "窗口服务"],
        asks: &["增加服务窗口", "改进网点服务"],
        titles: &["排队太久", "网点只开一个窗口", "办个业务等了{wait}"],
        facts: &[
            &[
                "{I}{d1}{tm}去{org}办理业务",
                "{d1}{I}到{org}取钱",
                "{I}{d1}上午到{org}，取号时前面有三十多人",
                "{d1}{I}到{org}办理定期转存",
            ],
            &[
                "排了{wait}还没轮到",
                "只开了一个窗口，其他窗口都挂着“暂停服务”",
                "等了{wait}，工作人员说系统慢，让{I}改天再来",
                "大厅里老人很多，连座位都没有",
            ],
            &[
                "{I}去问{lobby}，对方爱理不理",
                "工作人员在窗口后面聊天、玩手机",
                "快到中午直接关了窗口吃饭去了",
                "",
            ],
            &["{I}请了半天假，白白浪费了", "希望{bank}多开几个窗口", ""],
        ],
        terse: &["排队{wait}", "只开一个窗口", "网点排队太久了"],
        ..BASE
    },
    Scenario {
        key: "attitude",
        weight: 30,
        topic: "工作人员服务态度差",
        cats: &[
            ((CAT_OTHER, None), 40),
            ((CAT_SAVING, None), 25),
            ((CAT_CARD, Some(SUB_DEBIT_USE)), 20),
            ((CAT_CARD, Some(SUB_CREDIT)), 15),
        ],
        reasons: &[(R_SERVICE, 95), (R_OTHER, 5)],
        channels: &[(CH_COUNTER, 65), (CH_PHONE, 30), (CH_APP, 5)],
        demands: &[(D_APOLOGY, 50), (D_OTHER, 30), (D_ANSWER, 20)],
        transfer: 50,
        age: Age::Mixed,
        lag: (0, 5),
        thing: &["服务"],
        asks: &["对涉事员工严肃处理", "给出整改措施"],
        titles: &["服务态度恶劣", "柜员态度差", "客服挂电话"],
        facts: &[
            &[
                "{I}{d1}到{org}办理业务",
                "{d1}{I}打{hotline}咨询问题",
                "{I}{d1}在{org}柜台存钱",
                "{I}{d1}到{org}咨询贷款的事",
            ],
            &[
                "{teller}态度非常恶劣，说话很冲",
                "{I}问了两遍，对方不耐烦地说“跟你说了你也听不懂”",
                "{lobby}当众对{I}大声呵斥",
                "客服直接挂了{my}电话",
            ],
            &[
                "{I}要求见负责人，对方说领导不在",
                "旁边的人都看着，{I}觉得很没面子",
                "{I}要工号，对方拒绝提供",
                "",
            ],
            &["这样的服务态度必须处理", ""],
        ],
        terse: &["服务态度太差", "客服直接挂电话", "柜员态度恶劣"],
        ..BASE
    },
    Scenario {
        key: "cash",
        weight: 10,
        topic: "拒收现金及零钱兑换",
        cats: &[((CAT_CASH, None), 100)],
        reasons: &[(R_SERVICE, 50), (R_RULES, 40), (R_CHOICE, 10)],
        channels: &[(CH_COUNTER, 90), (CH_PHONE, 10)],
        demands: &[
            (D_OTHER, 45),
            (D_APOLOGY, 20),
            (D_ANSWER, 20),
            (D_VERIFY, 15),
        ],
        regulator: Regulator::Pboc,
        transfer: 60,
        age: Age::Elderly,
        amount: AmtKind::Cash,
        lag: (0, 5),
        thing: &["现金业务", "兑换"],
        asks: &["正常办理现金存取和兑换", "整改拒收现金的行为"],
        titles: &["拒收硬币", "零钱兑换不给办", "拒收现金"],
        facts: &[
            &[
                "{I}{d1}拿着{amt}的硬币到{org}想存进卡里",
                "{d1}{I}到{org}想换一些零钱",
                "{I}{d1}带着一张破损的人民币到{org}兑换",
                "{I}{d1}到{org}交费，想用现金支付",
            ],
            &[
                "{teller}说硬币太多不收，让{I}去别的网点",
                "工作人员说零钱兑换要提前预约，今天没有",
                "柜员说残币不能兑换，也没给{I}鉴定",
                "工作人员说只收手机支付，不收现金",
            ],
            &[
                "拒收现金是违法的",
                "{I}年纪大了不会用手机支付",
                "跑了两个网点都这样",
                "",
            ],
        ],
        terse: &["银行不收硬币", "零钱兑换不给办", "拒收现金"],
        ..BASE
    },
    Scenario {
        key: "elderly_service",
        weight: 20,
        topic: "老年客户柜面服务",
        cats: &[
            ((CAT_SAVING, None), 50),
            ((CAT_OTHER, None), 30),
            ((CAT_CARD, Some(SUB_DEBIT_USE)), 20),
        ],
        reasons: &[(R_SERVICE, 60), (R_RULES, 30), (R_SYSTEM, 10)],
        channels: &[(CH_COUNTER, 70), (CH_PHONE, 25), (CH_SELF, 5)],
        demands: &[
            (D_OTHER, 40),
            (D_APOLOGY, 20),
            (D_ANSWER, 20),
            (D_HURRY, 20),
        ],
        transfer: 70,
        media: 10,
        age: Age::Senior,
        lag: (0, 7),
        thing: &["柜面服务", "上门服务"],
        asks: &["提供上门服务", "保留柜面人工服务", "为老年人开辟绿色通道"],
        titles: &["老人办业务太难", "网点不帮老人办理", "上门服务申请没人理"],
        facts: &[
            &[
                "{I}{d1}到{org}取养老钱",
                "{I}腿脚不好，{d1}让家人陪着到{org}办理存单转存",
                "{d1}{I}到{org}修改密码",
                "{I}{d1}到{org}想办一本存折",
            ],
            &[
                "工作人员让{I}到自助机上自己操作，{I}根本不会",
                "{lobby}一直推{I}下载{app}，说柜台不办这个业务",
                "柜台说必须本人到场，但{I}卧床不起，申请上门服务没人理",
                "工作人员说{I}签字不清楚，要重新签好几遍",
            ],
            &[
                "等了{wait}也没人帮忙",
                "{I}在自助机前急得满头大汗",
                "家属代办又说要公证的委托书",
                "自助机要做人脸识别，{I}试了好几次都不通过",
                "",
            ],
            &["{bank}对老年人太不友好了", "希望{bank}保留人工服务", ""],
        ],
        terse: &["老人不会用自助机，没人帮忙", "为什么不给老人办柜台业务"],
        ..BASE
    },
    Scenario {
        key: "other_facility",
        weight: 6,
        topic: "网点无障碍服务缺失",
        cats: &[((CAT_OTHER, None), 70), ((CAT_SAVING, None), 30)],
        reasons: &[(R_SERVICE, 45), (R_SYSTEM, 40), (R_RULES, 15)],
        channels: &[(CH_COUNTER, 80), (CH_PHONE, 20)],
        demands: &[(D_OTHER, 50), (D_APOLOGY, 25), (D_ANSWER, 25)],
        transfer: 60,
        media: 12,
        age: Age::Mixed,
        lag: (0, 10),
        thing: &["无障碍服务"],
        asks: &["完善无障碍设施", "为残障人士提供协助服务"],
        titles: &["网点没有无障碍通道", "残障人士办业务被拒", "盲人取钱没人帮"],
        facts: &[
            &[
                "{I}{d1}坐轮椅到{org}办业务",
                "{I}视力不好，{d1}到{org}办理业务",
                "{d1}{I}陪听障的家人到{org}办理业务",
            ],
            &[
                "网点门口只有台阶，没有无障碍通道",
                "柜员坚持要本人签字，不接受按指印或者见证",
                "网点没有手语服务，也没人愿意写字沟通",
                "看不见屏幕没法用自助机，工作人员不肯协助",
            ],
            &["在门口等了{wait}才有人出来", "最后业务也没办成", ""],
        ],
        terse: &["网点没有无障碍通道", "残障人士办业务太难"],
        ..BASE
    },
    Scenario {
        key: "pii_leak",
        weight: 15,
        topic: "个人信息泄露",
        cats: &[((CAT_PII, None), 100)],
        reasons: &[(R_INFO, 90), (R_SERVICE, 10)],
        channels: &[(CH_PHONE, 50), (CH_COUNTER, 30), (CH_APP, 20)],
        demands: &[
            (D_VERIFY, 35),
            (D_DELETE, 30),
            (D_STOP, 15),
            (D_APOLOGY, 10),
            (D_ANSWER, 10),
        ],
        regulator: Regulator::Pboc,
        transfer: 110,
        media: 10,
        lag: (1, 30),
        thing: &["个人信息", "泄露的信息"],
        titles: &[
            "个人信息被泄露",
            "刚办完业务就接到推销电话",
            "身份证复印件随意放",
        ],
        facts: &[
            &[
                "{I}{d1}在{org}办完业务，第二天就接到了贷款推销电话",
                "{I}最近频繁接到骚扰电话，对方能准确说出{my}姓名和在{bank}的贷款情况",
                "{d1}{I}发现{my}身份证复印件被网点随手放在柜台上",
                "{I}的个人资料被{bank}员工拍照发到了微信群里",
            ],
            &[
                "对方连{my}身份证号、卡号后四位{tail}都知道",
                "{I}只在{bank}留过这个手机号",
                "{org}工作人员承认资料没有及时收好",
            ],
            &[
                "{I}怀疑是{bank}内部泄露了{my}信息",
                "{I}担心被诈骗，很不放心",
                "",
            ],
        ],
        terse: &[
            "我的信息被泄露了",
            "怎么知道我在你们银行贷款的",
            "个人信息泄露",
        ],
        ..BASE
    },
    Scenario {
        key: "marketing_sms",
        weight: 20,
        topic: "营销短信和推销电话骚扰",
        cats: &[
            ((CAT_PII, None), 60),
            ((CAT_OTHER, None), 20),
            ((CAT_CARD, Some(SUB_CREDIT)), 20),
        ],
        reasons: &[(R_MARKETING, 60), (R_INFO, 35), (R_SERVICE, 5)],
        channels: &[(CH_SMS, 45), (CH_PHONE, 45), (CH_APP, 10)],
        demands: &[
            (D_STOP, 60),
            (D_DELETE, 25),
            (D_APOLOGY, 10),
            (D_ANSWER, 10),
        ],
        transfer: 60,
        lag: (0, 15),
        thing: &["营销短信", "推销电话"],
        titles: &["营销短信骚扰", "推销电话打个不停", "退订了还在发短信"],
        facts: &[
            &[
                "{I}每天都收到{bank}的营销短信",
                "{d1}以来{I}接到{bank}的推销电话十几次",
                "{bank}的客户经理天天打电话让{I}办信用卡、买理财",
            ],
            &[
                "回复TD退订也没有用",
                "{I}已经明确拒绝了，对方还是打",
                "短信里全是贷款、分期的广告",
                "晚上九点多还在打营销电话",
            ],
            &[
                "{I}要求{bank}把{my}号码从营销名单里删除",
                "严重影响{my}工作和休息",
                "",
            ],
        ],
        terse: &["别再发营销短信了", "退订了还在发", "推销电话一天好几个"],
        ..BASE
    },
    Scenario {
        key: "pension",
        weight: 10,
        topic: "养老金发放",
        cats: &[
            ((CAT_MID, None), 45),
            ((CAT_AGENCY, None), 35),
            ((CAT_SAVING, None), 20),
        ],
        reasons: &[
            (R_RULES, 35),
            (R_SERVICE, 30),
            (R_SYSTEM, 20),
            (R_FUNDS, 15),
        ],
        channels: &[(CH_COUNTER, 60), (CH_PHONE, 40)],
        demands: &[
            (D_HURRY, 35),
            (D_QUERY, 25),
            (D_RESTORE, 20),
            (D_VERIFY, 15),
            (D_REFUND, 10),
        ],
        transfer: 60,
        age: Age::Senior,
        card: CardKind::Debit,
        amount: AmtKind::Pension,
        lag: (0, 10),
        thing: &["养老金", "被扣的养老金"],
        titles: &["养老金没到账", "养老金被扣", "领养老金太难"],
        facts: &[
            &[
                "{I}的养老金一直发到{bank}的卡上",
                "{I}每月在{org}领养老金{amt}",
                "{d1}{I}到{org}取养老金",
            ],
            &[
                "这个月到了发放日钱还没到账",
                "卡里的养老金被划走还了欠款",
                "{org}说要先做资格认证，{I}不会用手机刷脸",
                "{I}卡里的养老金被冻结，说要核实身份",
            ],
            &[
                "{I}就靠这点钱生活",
                "工作人员让{I}自己去社保局问",
                "这已经是第{n}个月出问题了",
                "",
            ],
        ],
        terse: &["养老金还没到账", "养老金被扣了"],
        ..BASE
    },
    Scenario {
        key: "social_card",
        weight: 10,
        topic: "社保卡激活及补换",
        cats: &[
            ((CAT_AGENCY, None), 60),
            ((CAT_CARD, Some(SUB_DEBIT_USE)), 40),
        ],
        reasons: &[(R_RULES, 45), (R_SERVICE, 40), (R_SYSTEM, 15)],
        channels: &[(CH_COUNTER, 70), (CH_PHONE, 30)],
        demands: &[
            (D_HURRY, 40),
            (D_RESTORE, 30),
            (D_ANSWER, 20),
            (D_VERIFY, 10),
        ],
        transfer: 50,
        age: Age::Elderly,
        lag: (0, 20),
        thing: &["社保卡", "社保卡金融功能"],
        titles: &["社保卡补办太慢", "社保卡激活不了", "社保卡来回跑"],
        facts: &[
            &[
                "{I}{d1}到{org}激活社保卡",
                "{I}的社保卡丢了，{d1}去{org}补办",
                "{d1}{I}到{org}换第三代社保卡",
            ],
            &[
                "工作人员说要本人到场，还要预约",
                "说要等一个月才能拿到新卡",
                "激活时说金融账户要另外开通，还要设置密码",
                "{org}让{I}去社保局，社保局又让来银行",
            ],
            &["{I}看病报销用不了", "来回跑了好几趟", ""],
        ],
        terse: &["社保卡补办要等一个月", "社保卡激活不了"],
        ..BASE
    },
    Scenario {
        key: "deposit",
        weight: 15,
        topic: "存款利率及大额存单",
        cats: &[((CAT_SAVING, None), 100)],
        reasons: &[
            (R_RULES, 40),
            (R_PRICING, 30),
            (R_DISCLOSURE, 20),
            (R_SERVICE, 10),
        ],
        channels: &[(CH_COUNTER, 60), (CH_PHONE, 30), (CH_APP, 10)],
        demands: &[
            (D_ANSWER, 30),
            (D_OTHER, 30),
            (D_COMPENSATE, 20),
            (D_VERIFY, 20),
        ],
        transfer: 60,
        age: Age::Elderly,
        amount: AmtKind::Deposit,
        lag: (0, 20),
        lag0: (360, 1900),
        thing: &["利息损失", "利息差额"],
        asks: &["提供大额存单额度", "按原利率计息"],
        titles: &["大额存单买不到", "定期自动转存利率降了", "存款利息少算"],
        facts: &[
            &[
                "{I}{d1}到{org}想买大额存单",
                "{I}有一笔{amt}的定期{d1}到期",
                "{I}{d0}在{org}存了{n}年期定期{amt}，利率{rate}",
            ],
            &[
                "工作人员说大额存单额度抢完了，只能每天早上在{app}上抢",
                "{bank}到期自动转存，利率降了很多，也没通知{I}",
                "存款利率调整后，{I}提前支取按活期计息，损失利息{fee}",
                "柜员一直劝{I}别存定期，改买理财",
            ],
            &[
                "{I}每天早上准时抢，一次都没抢到",
                "{I}觉得额度分配不公平，都给了熟人",
                "{I}要求按原利率补回利息",
                "",
            ],
        ],
        terse: &["大额存单根本抢不到", "定期到期自动转存利率降了"],
        ..BASE
    },
    Scenario {
        key: "inheritance",
        weight: 8,
        topic: "已故亲属存款支取",
        cats: &[((CAT_SAVING, None), 100)],
        reasons: &[(R_RULES, 65), (R_SERVICE, 35)],
        channels: &[(CH_COUNTER, 75), (CH_PHONE, 25)],
        demands: &[(D_OTHER, 45), (D_HURRY, 30), (D_ANSWER, 20), (D_VERIFY, 15)],
        transfer: 50,
        amount: AmtKind::Estate,
        lag: (20, 200),
        heir: true,
        thing: &["存款支取", "继承手续"],
        asks: &["按简化流程办理存款继承", "一次性告知所需材料"],
        titles: &["已故亲属存款取不出", "继承存款太难", "存款继承要求不合理"],
        facts: &[
            &[
                "{dec}去年因病去世，在{org}留有存款{amt}",
                "{dec}生前在{bank}有一笔{amt}的定期存款",
                "{dec}过世后，家里整理遗物时发现了{bank}的存折，余额约{amt}",
            ],
            &[
                "{I}作为继承人到{org}办理支取，被要求提供继承公证书",
                "{org}要求所有继承人都到场，但有的继承人在国外",
                "工作人员说必须去公证处办继承公证，费用好几千",
                "{I}已经按小额存款简化流程准备了材料，{org}还是不认",
            ],
            &[
                "前后跑了{n}趟都没办成",
                "每次去要的材料都不一样",
                "工作人员态度冷漠",
                "",
            ],
        ],
        terse: &["已故父母的存款取不出来"],
        ..BASE
    },
    Scenario {
        key: "treasury",
        weight: 4,
        topic: "储蓄国债额度",
        cats: &[((CAT_TREASURY, None), 100)],
        reasons: &[(R_RULES, 55), (R_SERVICE, 25), (R_MARKETING, 20)],
        channels: &[(CH_COUNTER, 70), (CH_PHONE, 20), (CH_APP, 10)],
        demands: &[(D_ANSWER, 40), (D_VERIFY, 35), (D_OTHER, 25)],
        regulator: Regulator::Pboc,
        transfer: 60,
        age: Age::Senior,
        amount: AmtKind::Bond,
        lag: (0, 5),
        thing: &["国债额度"],
        asks: &["公开国债额度的分配情况"],
        titles: &["国债买不到", "国债额度去哪了"],
        facts: &[
            &[
                "{I}{d1}一早到{org}排队买{n}年期储蓄国债",
                "{d1}是国债发行日，{I}七点就去{org}排队",
                "{I}{d1}想在{app}上买电子式国债",
            ],
            &[
                "九点一开门就说额度已经卖完了",
                "工作人员说额度都被预约了，根本没对外卖",
                "{app}一开售就显示售罄",
            ],
            &["{I}怀疑额度给了内部人", "柜员推荐{I}改买理财", ""],
        ],
        terse: &["国债一开门就卖完了"],
        ..BASE
    },
    Scenario {
        key: "tax_refund",
        weight: 3,
        topic: "个税退税款未到账",
        cats: &[((CAT_TREASURY, None), 100)],
        reasons: &[(R_RULES, 45), (R_SYSTEM, 40), (R_SERVICE, 15)],
        channels: &[(CH_PHONE, 50), (CH_APP, 30), (CH_COUNTER, 20)],
        demands: &[(D_QUERY, 40), (D_HURRY, 40), (D_VERIFY, 20)],
        regulator: Regulator::Pboc,
        transfer: 50,
        age: Age::Young,
        card: CardKind::Debit,
        amount: AmtKind::TaxRefund,
        dispute: Dispute::Main,
        lag: (3, 30),
        thing: &["退税款"],
        titles: &["退税款没到账", "个税退税被退回"],
        facts: &[
            &[
                "{I}{d1}在个税APP上申请了退税{amt}，选择退到{bank}的卡",
                "{I}的个税年度汇算退税{amt}，收款账户是{bank}的借记卡",
            ],
            &[
                "税务显示已经退库，但过了{n}天卡里还没到账",
                "退税被退回，说{my}卡状态异常",
                "{bank}说卡是二类户，超过限额不能入账",
            ],
            &["{I}打{hotline}，客服说查不到", ""],
        ],
        terse: &["退税款没到账", "个税退税被退回"],
        ..BASE
    },
    Scenario {
        key: "student",
        weight: 6,
        topic: "学生校园卡",
        cats: &[
            ((CAT_CARD, Some(SUB_DEBIT_USE)), 70),
            ((CAT_PAY, Some(SUB_EPAY)), 30),
        ],
        reasons: &[
            (R_PRICING, 30),
            (R_SYSTEM, 30),
            (R_RULES, 25),
            (R_SERVICE, 15),
        ],
        channels: &[(CH_APP, 40), (CH_PHONE, 30), (CH_COUNTER, 30)],
        demands: &[
            (D_REFUND, 40),
            (D_VERIFY, 25),
            (D_RESTORE, 20),
            (D_ANSWER, 15),
        ],
        regulator: Regulator::Pboc,
        transfer: 40,
        age: Age::Teen,
        card: CardKind::Debit,
        amount: AmtKind::SmallPay,
        dispute: Dispute::Main,
        lag: (0, 20),
        lag0: (30, 700),
        migrants: 25,
        thing: &["被扣的费用", "充值款"],
        titles: &["校园卡充值不到账", "校园卡乱扣费", "学生卡被限制"],
        facts: &[
            &[
                "{I}在上学，{d0}学校统一在{bank}办了校园卡",
                "{I}{d1}用校园卡在食堂充值{amt}",
                "{d1}{I}发现校园卡被扣了{n}笔费用",
            ],
            &[
                "充值显示成功，但饭卡里没钱",
                "卡里被扣了小额管理费和短信费",
                "学校统一办卡时没说有年费",
                "卡被限制了非柜面交易，生活费转不进来",
            ],
            &[
                "{I}去{org}问，让{I}去找学校",
                "学生没有收入，每一分钱都很重要",
                "",
            ],
        ],
        terse: &["校园卡充值没到账", "学生卡为什么扣费"],
        ..BASE
    },
    Scenario {
        key: "outlet",
        weight: 5,
        topic: "网点撤并及营业安排",
        cats: &[((CAT_OTHER, None), 100)],
        reasons: &[(R_SERVICE, 40), (R_RULES, 30), (R_OTHER, 30)],
        channels: &[(CH_COUNTER, 60), (CH_PHONE, 40)],
        demands: &[(D_OTHER, 50), (D_ANSWER, 50)],
        transfer: 40,
        age: Age::Elderly,
        lag: (0, 20),
        thing: &["网点服务"],
        asks: &["保留网点或者设流动服务点", "网点变更前提前公告"],
        titles: &["网点撤了也不通知", "网点营业时间随意变"],
        facts: &[
            &[
                "{I}常去的{org}突然撤并了",
                "{I}常去的网点搬走了，也没提前通知",
                "{d1}{I}到{org}办事，营业时间改了也没公告",
            ],
            &[
                "{I}现在要坐一个小时的车去别的网点",
                "门口的公告只贴了一周",
                "",
            ],
            &["对老年人很不方便", ""],
        ],
        terse: &["网点撤了也不说一声"],
        ..BASE
    },
];

// ---------------------------------------------------------------------------
// Content: same-event bursts and the rising topic
// ---------------------------------------------------------------------------

/// A weekend core-system upgrade at 淳安江南村镇银行 (starts Friday night).
static BURST_OUTAGE: Scenario = Scenario {
    key: "burst_outage",
    topic: "系统升级期间手机银行无法使用",
    cats: &[
        ((CAT_PAY, Some(SUB_EPAY)), 55),
        ((CAT_CARD, Some(SUB_DEBIT_USE)), 30),
        ((CAT_PAY, Some(SUB_TRANSFER)), 15),
    ],
    reasons: &[(R_SYSTEM, 80), (R_DISCLOSURE, 12), (R_SERVICE, 8)],
    channels: &[(CH_APP, 45), (CH_PHONE, 40), (CH_WECHAT, 10), (CH_SELF, 5)],
    demands: &[
        (D_RESTORE, 45),
        (D_ANSWER, 20),
        (D_VERIFY, 20),
        (D_HURRY, 15),
        (D_COMPENSATE, 10),
        (D_OTHER, 5),
    ],
    regulator: Regulator::Pboc,
    transfer: 30,
    media: 15,
    age: Age::Mixed,
    card: CardKind::Debit,
    amount: AmtKind::Transfer,
    lag: (0, 0),
    thing: &["手机银行", "转账功能"],
    asks: &["以后系统升级必须提前通知", "说明手机银行恢复的时间"],
    titles: &[
        "系统升级手机银行无法使用",
        "周末手机银行转账失败",
        "手机银行系统升级不提前通知",
        "手机银行登录不了",
    ],
    facts: &[
        &[
            "从周五晚上开始，手机银行一直登录不上，提示“系统升级中”",
            "这个周末{bank}的手机银行完全用不了，一打开就显示系统升级",
            "周五夜里开始手机银行就登录不了，转账失败，页面提示系统升级维护",
            "{I}用手机银行转账{amt}，提示转账失败，说是系统升级",
        ],
        &[
            "{I}急着给人转{amt}，一直转账失败",
            "在超市刷卡也刷不了，提示“发卡行系统故障”",
            "去ATM取钱也取不出来",
            "转账失败了好几次，钱却被扣了",
        ],
        &[
            "事先没有收到任何系统升级的通知",
            "打{hotline}一直占线，根本打不进去",
            "{hotline}只说在系统升级，不知道什么时候恢复",
            "",
        ],
        &[
            "{I}的货款今天必须付，耽误了生意谁负责",
            "周末网点也不开门，{I}完全没办法",
            "",
        ],
    ],
    terse: &[
        "手机银行登录不了，系统升级也不提前通知",
        "转账失败！手机银行什么时候恢复",
        "系统升级搞了一整天，手机银行还是用不了",
        "手机银行转账失败，钱被扣了",
        "卡刷不了，手机银行也登录不了",
    ],
    ..BASE
};

/// A 理财 product sold at 温州瑞安支行 as if it were capital-protected.
static BURST_MISSELLING: Scenario = Scenario {
    key: "burst_wm",
    topic: "“江南稳盈180天持有期2号”误导销售",
    cats: &[((CAT_WM, None), 100)],
    reasons: &[
        (R_MARKETING, 55),
        (R_DISCLOSURE, 20),
        (R_YIELD, 15),
        (R_CHOICE, 10),
    ],
    channels: &[
        (CH_COUNTER, 45),
        (CH_PHONE, 35),
        (CH_APP, 10),
        (CH_WECHAT, 10),
    ],
    demands: &[
        (D_COMPENSATE, 40),
        (D_VERIFY, 20),
        (D_QUERY, 20),
        (D_OTHER, 15),
        (D_APOLOGY, 10),
    ],
    regulator: Regulator::Nfra,
    transfer: 220,
    media: 20,
    age: Age::Elderly,
    amount: AmtKind::WmLoss,
    dispute: Dispute::Fee,
    lag: (0, 25),
    lag0: (180, 184),
    migrants: 3,
    products: &["江南稳盈180天持有期2号"],
    thing: &["亏损的本金", "本金损失"],
    asks: &[
        "按保本承诺兑付本金",
        "调取购买时的录音录像和风险测评原件",
        "对涉事理财经理严肃处理",
    ],
    titles: &[
        "江南稳盈180天持有期2号亏损",
        "理财经理承诺保本，稳盈180天亏损{fee}",
        "稳盈180天误导销售",
        "瑞安支行理财误导销售",
    ],
    facts: &[
        &[
            "{I}{d0}在{org}买了{amt}的{prod}",
            "{d0}{mgr}打电话叫{I}去{org}，推荐购买{prod}{amt}",
            "{I}{d0}本来是去{org}存定期的，{mgr}推荐买了{prod}，金额{amt}",
        ],
        &[
            "{mgr}当时反复说这个产品保本，“比定期利息高，不会亏”",
            "{mgr}说是保本型的，年化{rate}",
            "{mgr}承诺到期保本保息，还说很多老客户都买了",
        ],
        &[
            "风险测评是{mgr}拿着{my}身份证代做的",
            "风险测评问卷是{mgr}勾的，{I}只是签了字",
            "{I}的风险测评结果是保守型，却被安排买了中风险产品",
            "购买时没有录音录像，也没有人讲过风险",
        ],
        &[
            "{d1}到期赎回，亏损{fee}",
            "{d1}到期一看亏了{pct}，少了{fee}",
            "到期后本金亏损{fee}，{mgr}却说市场波动跟{bank}无关",
        ],
        &[
            "同一批买的好几个老邻居都亏了",
            "{I}去找{org}，负责人说要等总行统一答复",
            "",
        ],
    ],
    terse: &[
        "稳盈180天说保本，到期亏损{fee}",
        "客户经理承诺保本，稳盈180天亏了",
        "风险测评是客户经理代做的，稳盈180天亏损",
        "江南稳盈180天持有期2号亏损，要求赔偿",
    ],
    ..BASE
};

/// Duplicate ETC tolls for lorries signed up at 宁波北仑支行.
static BURST_ETC: Scenario = Scenario {
    key: "burst_etc",
    topic: "ETC通行费重复扣费",
    cats: &[
        ((CAT_MID, None), 60),
        ((CAT_CARD, Some(SUB_DEBIT_USE)), 30),
        ((CAT_CARD, Some(SUB_CREDIT)), 10),
    ],
    reasons: &[(R_SYSTEM, 70), (R_PRICING, 20), (R_SERVICE, 10)],
    channels: &[
        (CH_PHONE, 45),
        (CH_APP, 25),
        (CH_COUNTER, 20),
        (CH_WECHAT, 10),
    ],
    demands: &[(D_REFUND, 70), (D_VERIFY, 20), (D_QUERY, 15), (D_HURRY, 15)],
    regulator: Regulator::Both,
    transfer: 60,
    card: CardKind::Debit,
    amount: AmtKind::Toll,
    dispute: Dispute::Fee,
    lag: (0, 3),
    lag0: (60, 1500),
    migrants: 30,
    thing: &["重复扣的通行费", "多扣的通行费"],
    titles: &["ETC重复扣费", "ETC通行费重复扣款", "货车ETC多扣通行费"],
    facts: &[
        &[
            "{I}的货车装的是在{org}办理的ETC",
            "{I}是跑运输的，车上的ETC是在{org}办的",
            "{I}{d1}开车走{hw}，用的是{bank}的ETC",
        ],
        &[
            "{d1}同一段路的通行费被扣了两次，重复扣费{fee}",
            "{d1}开始ETC通行费重复扣费，每一趟都多扣一笔",
            "查了一下，最近{n}次通行费都是重复扣费，多扣了{fee}",
            "{d1}通行费扣了{amt}，比平时多了一倍，是重复扣费",
        ],
        &[
            "打{hotline}说是系统问题，会退，但一直没退",
            "{org}说是高速公司的问题，让{I}自己去查",
            "问了其他开货车的朋友，也都被重复扣费了",
            "",
        ],
        &[
            "{I}跑一趟车本来就挣不了多少",
            "多扣的通行费要马上退回来",
            "",
        ],
    ],
    terse: &[
        "ETC重复扣费{fee}",
        "ETC通行费扣了两次",
        "北仑办的ETC重复扣费，请退款",
        "ETC多扣通行费{fee}，什么时候退",
    ],
    ..BASE
};

/// An outsourced collection agency working for the 绍兴 branch.
static BURST_COLLECTION: Scenario = Scenario {
    key: "burst_collection",
    topic: "外包催收机构骚扰借款人亲友",
    cats: &[((CAT_COLLECTION, None), 100)],
    reasons: &[(R_COLLECTION, 90), (R_INFO, 10)],
    channels: &[
        (CH_PHONE, 55),
        (CH_APP, 20),
        (CH_COUNTER, 15),
        (CH_WECHAT, 10),
    ],
    demands: &[
        (D_STOP, 60),
        (D_APOLOGY, 15),
        (D_VERIFY, 15),
        (D_DELETE, 10),
        (D_OTHER, 10),
    ],
    regulator: Regulator::Nfra,
    transfer: 200,
    media: 12,
    card: CardKind::Credit,
    amount: AmtKind::Debt,
    lag: (0, 7),
    migrants: 15,
    thing: &["催收骚扰"],
    asks: &["提供外包催收机构的名称", "终止与该催收公司的合作"],
    titles: &["外包催收骚扰家人", "催收爆通讯录", "外包催收威胁恐吓"],
    facts: &[
        &[
            "{I}在{bank}的信用卡逾期了，欠款{amt}，现在天天被外包催收骚扰",
            "{I}的消费贷逾期了两期，欠{amt}，{bank}转给了外包催收公司",
            "{I}{d0}在{bank}办的信用卡，最近因为生意不好逾期了，随后就被转给外包催收",
        ],
        &[
            "{d1}起一家外包催收公司天天打电话催收，一天打{n}个",
            "{bank}委托的外包催收人员打电话给{my}父母和同事，说{I}“欠钱不还”",
            "外包催收公司把{my}通讯录里的人都打了一遍，催收{I}还钱",
            "外包催收的人自称“律师”，说明天就去{my}单位上门催收",
        ],
        &[
            "催收员还在电话里骂人、威胁",
            "爆通讯录，连多年不联系的同学都接到了电话",
            "他们还给{my}同事发短信，说{I}是“老赖”",
            "晚上十点以后还在打，家里老人都被吓到了",
        ],
        &[
            "{I}不是不还，只是希望协商分期",
            "{I}要求{bank}立即制止外包催收的骚扰",
            "",
        ],
    ],
    terse: &[
        "外包催收打电话给我家人同事",
        "催收爆通讯录，请制止",
        "外包催收公司威胁恐吓",
        "催收员骂人，一天{n}个电话，打遍通讯录",
    ],
    ..BASE
};

/// The rising topic: a new mobile-banking version that forces face
/// verification ([`RISING_TERM`]).
static RISING_FACE: Scenario = Scenario {
    key: "face_rising",
    topic: "手机银行新版本人脸识别无法通过",
    cats: &[
        ((CAT_PAY, Some(SUB_EPAY)), 75),
        ((CAT_CARD, Some(SUB_DEBIT_USE)), 15),
        ((CAT_PAY, Some(SUB_ACCOUNT)), 10),
    ],
    reasons: &[
        (R_SYSTEM, 55),
        (R_RULES, 25),
        (R_CHOICE, 15),
        (R_SERVICE, 5),
    ],
    channels: &[(CH_APP, 55), (CH_PHONE, 30), (CH_COUNTER, 15)],
    demands: &[
        (D_RESTORE, 40),
        (D_OTHER, 30),
        (D_ANSWER, 15),
        (D_HURRY, 15),
    ],
    regulator: Regulator::Pboc,
    transfer: 40,
    age: Age::Elderly,
    amount: AmtKind::Transfer,
    lag: (0, 5),
    thing: &["转账功能", "手机银行"],
    asks: &["保留短信验证码等其他验证方式", "取消强制人脸识别"],
    titles: &[
        "手机银行人脸识别失败",
        "新版本强制人脸识别",
        "人脸识别一直通不过",
    ],
    facts: &[
        &[
            "{I}{d1}把手机银行升级到新版本后，转账时必须人脸识别",
            "手机银行新版本上线后，登录也要人脸识别",
            "{d1}手机银行提示更新新版本，更新后每次转账都要人脸识别",
            "手机银行升级新版本后，{I}改个限额都要先做人脸识别",
        ],
        &[
            "{I}试了十几次，一直提示“人脸识别失败，请正对屏幕”",
            "光线、角度都换了，还是识别不通过",
            "眨眼、摇头的动作{I}总是做不对",
            "人脸识别失败超过五次，账户被锁了24小时",
        ],
        &[
            "{I}急着给家里转{amt}，转不出去",
            "打{hotline}说只能到网点柜台办",
            "{org}柜台说要{I}本人去重新采集照片",
            "{hotline}说新版本就是这样，不能关闭人脸识别",
        ],
        &[
            "{I}只是想要个别的验证办法，一直没人给解决",
            "老版本用得好好的，为什么强制升级",
            "",
        ],
    ],
    terse: &[
        "新版本人脸识别一直失败",
        "手机银行人脸识别通不过，转不了账",
        "升级后强制人脸识别，老人根本用不了",
        "人脸识别失败，账户被锁",
        "新版本的人脸识别太难用了",
    ],
    ..BASE
};

#[cfg(test)]
mod tests {
    use std::collections::{HashMap, HashSet};

    use serde_json::Value;
    use xiaobao_domain::taxonomy::Taxonomy;

    use super::*;

    const JRT0169: &str = include_str!("../../../data/taxonomy/jrt0169.json");
    const SOURCES: &str = include_str!("../../../data/taxonomy/sources.json");
    const DEMANDS: &str = include_str!("../../../data/taxonomy/demands.json");
    const FLAGS: &str = include_str!("../../../data/taxonomy/vulnerable_flags.json");
    const ROLES: &str = include_str!("../../../data/taxonomy/complainant_roles.json");

    fn end() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
    }

    /// The end date, 20:00 China time.
    fn evening(day: NaiveDate) -> DateTime<Utc> {
        day.and_hms_opt(12, 0, 0).unwrap().and_utc()
    }

    fn all_scenarios() -> Vec<&'static Scenario> {
        let mut all: Vec<&'static Scenario> = SCENARIOS.iter().collect();
        all.extend([
            &BURST_OUTAGE,
            &BURST_MISSELLING,
            &BURST_ETC,
            &BURST_COLLECTION,
            &RISING_FACE,
        ]);
        all
    }

    /// Names of the taxonomy files, read independently of the domain crate.
    struct Names {
        channels: HashSet<String>,
        categories: HashMap<String, HashSet<String>>,
        reasons: HashSet<String>,
        sources: HashSet<String>,
        demands: HashSet<String>,
        flags: HashSet<String>,
        roles: HashSet<String>,
    }

    fn list_names(v: &Value) -> HashSet<String> {
        v.as_array()
            .expect("a list")
            .iter()
            .map(|e| e["name"].as_str().expect("a name").to_string())
            .collect()
    }

    fn names() -> Names {
        let parse = |s: &str| serde_json::from_str::<Value>(s).expect("taxonomy JSON");
        let jrt = parse(JRT0169);
        let categories = jrt["business_categories"]
            .as_array()
            .expect("categories")
            .iter()
            .map(|c| {
                let children = match c.get("children") {
                    Some(ch) => list_names(ch),
                    None => HashSet::new(),
                };
                (c["name"].as_str().unwrap().to_string(), children)
            })
            .collect();
        Names {
            channels: list_names(&jrt["channels"]),
            categories,
            reasons: list_names(&jrt["reasons"]),
            sources: list_names(&parse(SOURCES)["items"]),
            demands: list_names(&parse(DEMANDS)["items"]),
            flags: list_names(&parse(FLAGS)["items"]),
            roles: list_names(&parse(ROLES)["items"]),
        }
    }

    fn check_category(n: &Names, cat: &str, sub: Option<&str>) {
        let children = n
            .categories
            .get(cat)
            .unwrap_or_else(|| panic!("unknown category {cat}"));
        if let Some(sub) = sub {
            assert!(
                children.contains(sub),
                "{sub} is not a subcategory of {cat}"
            );
        }
    }

    fn gb11643_valid(id: &str) -> bool {
        let b = id.as_bytes();
        if b.len() != 18 || !b[..17].iter().all(u8::is_ascii_digit) {
            return false;
        }
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        let sum: u32 = b[..17]
            .iter()
            .zip(weights)
            .map(|(d, w)| u32::from(d - b'0') * w)
            .sum();
        let expected = b"10X98765432"[(sum % 11) as usize];
        b[17] == expected
    }

    fn luhn_valid(number: &str) -> bool {
        let mut sum = 0;
        for (i, c) in number.chars().rev().enumerate() {
            let Some(mut d) = c.to_digit(10) else {
                return false;
            };
            if i % 2 == 1 {
                d *= 2;
                if d > 9 {
                    d -= 9;
                }
            }
            sum += d;
        }
        sum % 10 == 0
    }

    #[test]
    fn complaints_same_seed_same_output() {
        let a = generate(42, 2_000, end(), 120);
        let b = generate(42, 2_000, end(), 120);
        assert_eq!(a, b);
        let c = generate(43, 2_000, end(), 120);
        assert_ne!(a, c, "another seed gives other complaints");
        assert_eq!(
            demo_jsonl(42, 300, end(), 30),
            demo_jsonl(42, 300, end(), 30)
        );
    }

    #[test]
    fn complaints_counts_are_exact() {
        for (count, days) in [
            (0, 1),
            (1, 1),
            (7, 1),
            (10, 7),
            (250, 30),
            (3_000, 365),
            (2_000, 730),
        ] {
            let s = stream(1, count, end(), days);
            assert_eq!(s.len(), count, "size hint for {count}/{days}");
            let all: Vec<_> = s.collect();
            assert_eq!(all.len(), count, "{count} complaints over {days} days");
            for (i, c) in all.iter().enumerate() {
                assert_eq!(c.external_id, format!("DEMO-{:06}", i + 1));
            }
        }
    }

    #[test]
    fn complaints_dates_inside_window_and_sorted() {
        let days = 365;
        let start = end() - Days::new(days - 1);
        let all = generate(5, 5_000, end(), days as u32);
        for c in &all {
            let d = c.received_on();
            assert!(start <= d && d <= end(), "{d} outside {start}..={}", end());
        }
        assert!(all.windows(2).all(|w| w[0].received_at <= w[1].received_at));
        // Decisions and states are consistent with the age of the complaint.
        for c in &all {
            let decided = matches!(
                c.target_state,
                ComplaintState::DecisionNotified
                    | ComplaintState::Closed
                    | ComplaintState::UnderReview
            );
            assert_eq!(decided, c.handling_days.is_some(), "{c:?}");
            assert_eq!(decided, c.outcome.is_some());
            assert_eq!(
                c.target_state == ComplaintState::Closed,
                c.satisfaction.is_some()
            );
            if let Some(h) = c.handling_days {
                assert!(c.received_on() + Days::new(u64::from(h)) <= end());
            }
        }
        // Weekdays carry more than weekends.
        let weekend = all
            .iter()
            .filter(|c| matches!(c.received_on().weekday(), Weekday::Sat | Weekday::Sun))
            .count();
        assert!(weekend * 100 < all.len() * 22, "weekend share {weekend}");
    }

    #[test]
    fn complaints_id_numbers_pass_gb11643() {
        let all = generate(6, 5_000, end(), 365);
        for c in &all {
            let id = &c.complainant_id_number;
            assert!(gb11643_valid(id), "{id}");
            let birth = NaiveDate::parse_from_str(&id[6..14], "%Y%m%d").expect("birth date");
            let age = age_on(birth, end());
            assert!((18..=94).contains(&age), "{id}: age {age}");
            assert_eq!(c.complainant_phone.len(), 11);
            assert!(c.complainant_phone.starts_with('1'));
        }
        assert!(gb11643_valid("11010519491231002X"));
        assert!(!gb11643_valid("110105194912310021"));
    }

    #[test]
    fn complaints_card_numbers_pass_luhn() {
        let all = generate(7, 5_000, end(), 365);
        let cards: Vec<&str> = all
            .iter()
            .filter_map(|c| c.complainant_card_number.as_deref())
            .collect();
        assert!(cards.len() > 1_000, "{} cards", cards.len());
        for card in cards {
            assert!(luhn_valid(card), "{card}");
            assert!(card.starts_with("62"), "{card}");
            assert!(card.len() == 16 || card.len() == 19, "{card}");
        }
        assert!(
            luhn_valid("6222020200112233445") == (luhn_check_digit(b"622202020011223344") == b'5')
        );
    }

    #[test]
    fn complaints_taxonomy_names_exist() {
        let n = names();
        for s in all_scenarios() {
            for ((cat, sub), w) in s.cats {
                assert!(*w > 0, "{}", s.key);
                check_category(&n, cat, *sub);
            }
            for (ch, _) in s.channels {
                assert!(n.channels.contains(*ch), "{}: channel {ch}", s.key);
            }
            for (r, _) in s.reasons {
                assert!(n.reasons.contains(*r), "{}: reason {r}", s.key);
            }
            for (d, _) in s.demands {
                assert!(n.demands.contains(*d), "{}: demand {d}", s.key);
            }
        }
        for f in [
            F_ELDERLY,
            F_MINOR,
            F_DISABLED,
            F_NEWCOMER,
            F_RURAL,
            F_LOWINCOME,
            F_FOREIGN,
            F_OTHER,
        ] {
            assert!(n.flags.contains(f), "{f}");
        }
        for r in [ROLE_SELF, ROLE_GUARDIAN, ROLE_AGENT, ROLE_HEIR] {
            assert!(n.roles.contains(r), "{r}");
        }
        for s in [
            SRC_OWN,
            SRC_12378,
            SRC_12363,
            SRC_PETITION,
            SRC_MEDIA,
            SRC_OTHER,
        ] {
            assert!(n.sources.contains(s), "{s}");
        }
        for c in generate(8, 5_000, end(), 365) {
            assert!(n.sources.contains(&c.source), "{}", c.source);
            assert!(n.channels.contains(&c.channel), "{}", c.channel);
            check_category(&n, &c.business_category, c.business_subcategory.as_deref());
            assert!(n.reasons.contains(&c.reason), "{}", c.reason);
            assert!(
                n.roles.contains(&c.complainant_role),
                "{}",
                c.complainant_role
            );
            assert!(!c.demands.is_empty());
            for d in &c.demands {
                assert!(n.demands.contains(d), "{d}");
            }
            for f in &c.vulnerable_flags {
                assert!(n.flags.contains(f), "{f}");
            }
        }
    }

    #[test]
    fn complaints_every_input_validates() {
        let tax = Taxonomy::embedded().expect("embedded taxonomy");
        let now = evening(end());
        for seed in [9, 10] {
            for c in generate(seed, 5_000, end(), 365) {
                let input = c.to_input();
                if let Err(errors) = input.validate(tax, now) {
                    panic!("{} does not validate: {errors:?}\n{input:?}", c.external_id);
                }
                assert_eq!(input.tags.len(), usize::from(c.event_cluster.is_some()));
            }
        }
        // The last day is accepted on its own evening.
        let last = generate(9, 400, end(), 3);
        assert!(last.iter().any(|c| c.received_on() == end()));
    }

    #[test]
    fn complaints_bursts_and_rising_topic_present() {
        let days = 365;
        let s = stream(11, 5_000, end(), days);
        let events = s.events().to_vec();
        let all: Vec<_> = s.collect();
        assert_eq!(events.len(), 5, "{events:?}");
        for ev in &events {
            let members: Vec<_> = all
                .iter()
                .filter(|c| c.event_cluster.as_deref() == Some(ev.cluster.as_str()))
                .collect();
            assert_eq!(members.len(), ev.count, "{}", ev.cluster);
            for c in &members {
                assert!(
                    ev.orgs.contains(&c.org_code),
                    "{}: {}",
                    ev.cluster,
                    c.org_code
                );
                let d = c.received_on();
                assert!(ev.first_day <= d && d <= ev.last_day);
            }
            // The shared words are in the texts.
            let term = &ev.key_terms[0];
            let with = members
                .iter()
                .filter(|c| c.content.contains(term.as_str()))
                .count();
            assert!(
                with * 100 >= members.len() * 90,
                "{}: {with}/{} with {term}",
                ev.cluster,
                members.len()
            );
        }
        let by_prefix = |p: &str| events.iter().find(|e| e.cluster.starts_with(p)).unwrap();

        let outage = by_prefix("outage-VB_CA");
        assert!((30..=80).contains(&outage.count), "outage {}", outage.count);
        let times: Vec<_> = all
            .iter()
            .filter(|c| c.event_cluster.as_deref() == Some(outage.cluster.as_str()))
            .map(|c| c.received_at)
            .collect();
        let span = *times.iter().max().unwrap() - *times.iter().min().unwrap();
        assert!(span <= chrono::Duration::hours(48), "outage spans {span}");
        assert_eq!(outage.first_day.weekday(), Weekday::Fri);

        let wm = by_prefix("wm-misselling-WZ02");
        assert!(wm.count >= 20, "misselling {}", wm.count);
        assert!((wm.last_day - wm.first_day).num_days() <= 30);
        assert_eq!(wm.orgs, ["WZ02"]);

        let etc = by_prefix("etc-double-charge-NB03");
        assert!(etc.count >= 20);
        assert_eq!(etc.orgs, ["NB03"]);
        let coll = by_prefix("collection-agency-SX");
        assert!(coll.count >= 15);
        assert!(coll.orgs.iter().all(|o| o.starts_with("SX")));

        // The rising term: nearly absent before the trend, frequent at the end.
        let rise = by_prefix("app-face-verification");
        assert!(rise.key_terms.iter().any(|t| t == RISING_TERM));
        let share = |from: NaiveDate, to: NaiveDate| {
            let window: Vec<_> = all
                .iter()
                .filter(|c| (from..=to).contains(&c.received_on()))
                .collect();
            let hits = window
                .iter()
                .filter(|c| c.content.contains(RISING_TERM))
                .count();
            (hits as f64 / window.len().max(1) as f64, hits)
        };
        let start = end() - Days::new(u64::from(days) - 1);
        let (before, _) = share(start, rise.first_day - Days::new(1));
        let (recent, hits) = share(end() - Days::new(6), end());
        assert!(before < 0.01, "before {before}");
        assert!(
            recent > 0.08 && recent > 10.0 * before,
            "recent {recent}, before {before}"
        );
        assert!(hits >= 10);
        let mid =
            rise.first_day + Days::new((rise.last_day - rise.first_day).num_days() as u64 / 2);
        let (_, early) = share(rise.first_day, mid);
        let (_, late) = share(mid + Days::new(1), rise.last_day);
        assert!(late > early, "rising: {early} then {late}");
    }

    #[test]
    fn complaints_texts_vary() {
        let all = generate(13, 6_000, end(), 365);
        let ordinary: Vec<_> = all
            .iter()
            .filter(|c| c.event_cluster.is_none())
            .take(5_000)
            .collect();
        assert_eq!(ordinary.len(), 5_000);
        let distinct: HashSet<&str> = ordinary.iter().map(|c| c.content.as_str()).collect();
        assert!(
            distinct.len() * 100 >= ordinary.len() * 60,
            "{} distinct",
            distinct.len()
        );
        let titles: HashSet<&str> = ordinary.iter().map(|c| c.title.as_str()).collect();
        assert!(titles.len() > 150, "{} titles", titles.len());
        for c in &ordinary {
            assert!(!c.content.trim().is_empty());
            assert!(
                !c.content.contains('{') && !c.title.contains('{'),
                "{}",
                c.content
            );
            assert!(c.title.chars().count() <= 60, "{}", c.title);
        }
        // Every scenario turns up.
        let topics: HashSet<&str> = all.iter().map(|c| c.business_category.as_str()).collect();
        assert!(topics.len() >= 12, "{topics:?}");
    }

    #[test]
    fn complaints_no_shared_id_numbers() {
        let all = generate(17, 20_000, end(), 365);
        let mut seen: HashMap<&str, (&str, &str)> = HashMap::new();
        for c in &all {
            let who = (c.complainant_name.as_str(), c.complainant_phone.as_str());
            if let Some(prev) = seen.insert(c.complainant_id_number.as_str(), who) {
                assert_eq!(prev, who, "{} shared", c.complainant_id_number);
            }
        }
        assert!(seen.len() > 19_000);
    }

    #[test]
    fn complaints_scenario_tables_are_sound() {
        const SLOTS: [&str; 40] = [
            "I", "my", "me", "dec", "bank", "org", "city", "d0", "d1", "d2", "today", "tm", "wait",
            "since", "amt", "fee", "dispute", "n", "rate", "pct", "tail", "card", "prod", "thing",
            "mgr", "teller", "lobby", "app", "hotline", "age", "merchant", "coll", "hw", "cur",
            "country", "name", "cname", "rr", "phone", "id",
        ];
        assert!(SCENARIOS.len() >= 35, "{} scenarios", SCENARIOS.len());
        let keys: HashSet<&str> = all_scenarios().iter().map(|s| s.key).collect();
        assert_eq!(keys.len(), SCENARIOS.len() + 5, "scenario keys are unique");
        let total: u32 = SCENARIOS.iter().map(|s| s.weight).sum();
        let cards: u32 = SCENARIOS
            .iter()
            .filter(|s| s.key.starts_with("cc_"))
            .map(|s| s.weight)
            .sum();
        let loans: u32 = SCENARIOS
            .iter()
            .filter(|s| s.cats.iter().any(|((c, _), _)| *c == CAT_LOAN))
            .map(|s| s.weight)
            .sum();
        assert!(
            cards > loans && loans * 10 > total * 15 / 10,
            "cards {cards}, loans {loans}"
        );
        for s in all_scenarios() {
            assert!(
                !s.topic.is_empty() && !s.facts.is_empty() && !s.titles.is_empty(),
                "{}",
                s.key
            );
            assert!(!s.cats.is_empty() && !s.channels.is_empty() && !s.reasons.is_empty());
            assert!(
                s.demands.len() >= 2 && s.demands.iter().all(|(_, w)| *w > 0),
                "{}",
                s.key
            );
            assert!(
                s.facts[0].iter().all(|t| !t.is_empty()),
                "{}: first step can be skipped",
                s.key
            );
            assert!(!s.thing.is_empty(), "{}", s.key);
            let strings = s
                .facts
                .iter()
                .flat_map(|step| step.iter())
                .chain(s.terse)
                .chain(s.titles)
                .chain(s.asks)
                .chain(s.thing);
            for t in strings {
                let mut rest = *t;
                while let Some(open) = rest.find('{') {
                    let close = rest[open..].find('}').expect("closed slot") + open;
                    let key = &rest[open + 1..close];
                    assert!(SLOTS.contains(&key), "{}: unknown slot {key} in {t}", s.key);
                    rest = &rest[close + 1..];
                }
            }
            // Story steps are written for every voice: no first or second
            // person outside quotations.
            for t in s.facts.iter().flat_map(|step| step.iter()) {
                let mut plain = String::new();
                let mut quoted = false;
                for ch in t.chars() {
                    match ch {
                        '“' => quoted = true,
                        '”' => quoted = false,
                        _ if !quoted => plain.push(ch),
                        _ => {}
                    }
                }
                assert!(
                    !plain.contains('我') && !plain.contains("你们"),
                    "{}: {t}",
                    s.key
                );
            }
        }
    }

    #[test]
    fn complaints_analysis_lines_are_json() {
        let jsonl = demo_jsonl(3, 500, end(), 60);
        let all = generate(3, 500, end(), 60);
        let lines: Vec<&str> = jsonl.lines().collect();
        assert_eq!(lines.len(), 500);
        for (line, c) in lines.iter().zip(&all) {
            let v: Value = serde_json::from_str(line).expect("JSON line");
            assert_eq!(v["id"], c.external_id.as_str());
            assert_eq!(v["text"], c.content.as_str());
            assert_eq!(v["org"], c.org_code.as_str());
            assert_eq!(v["business_category"], c.business_category.as_str());
            assert_eq!(v["channel"], c.channel.as_str());
            let at = v["received_at"].as_str().unwrap();
            assert_eq!(&at[..10], c.received_on().to_string());
            assert!(at.ends_with("+08:00"));
        }
        let mut buf = Vec::new();
        write_demo_jsonl(&mut buf, 3, 500, end(), 60).unwrap();
        assert_eq!(String::from_utf8(buf).unwrap(), jsonl);
    }
}
