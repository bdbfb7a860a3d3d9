//! Throughput of near-duplicate clustering on synthetic complaints.
//!
//! ```text
//! cargo run --release -p xiaobao-text --example cluster_bench -- 100000
//! ```
//!
//! Texts are built from independent fragment choices (so most are unrelated)
//! plus groups of near-copies, 50–150 characters each. Prints the time spent
//! in `cluster` and what it found.

use std::time::Instant;

use chrono::{Days, NaiveDate};
use xiaobao_text::{ClusterOptions, Document, Segmenter, cluster};

const WHO: [&str; 12] = [
    "信用卡中心",
    "手机银行",
    "网点柜台",
    "客服热线",
    "ATM",
    "理财经理",
    "催收人员",
    "贷款审批部门",
    "网点保安",
    "大堂经理",
    "智能柜台",
    "外包催收公司",
];
const WHAT: [&str; 16] = [
    "在未告知的情况下扣除了年费",
    "转账显示成功但对方一直没有收到",
    "态度恶劣并且当众大声呵斥老人",
    "登录时反复闪退无法使用",
    "每天打十几个电话骚扰家人和同事",
    "推销保险时说和存款一样保本",
    "房贷审批拖了两个月还没有结果",
    "分期手续费折算成年化利率远高于宣传",
    "排队三个小时只开了一个窗口",
    "征信报告出现一笔从未办理过的贷款",
    "吞卡后二十四小时无人处理",
    "提前还款被收取高额违约金",
    "把我的欠款信息告诉了我的亲戚",
    "理财产品到期后迟迟不兑付",
    "账户被冻结且不说明原因",
    "拒绝兑换残损人民币",
];
const ASK: [&str; 8] = [
    "希望给个说法",
    "要求退还费用",
    "要求道歉",
    "请核实处理",
    "要求赔偿损失",
    "要求删除不良记录",
    "请领导重视",
    "否则向监管部门反映",
];
/// Common characters for the free-text part of each synthetic complaint.
const COMMON: &str = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严龙飞";
const WHEN: [&str; 6] = [
    "上周",
    "昨天下午",
    "本月初",
    "去年年底",
    "前天上午",
    "三月中旬",
];

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    let mut rng = Rng(42);
    let start_date = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap_or_default();
    let mut docs = Vec::with_capacity(n);
    let mut i = 0;
    while docs.len() < n {
        let date = start_date
            .checked_add_days(Days::new(rng.next() % 90))
            .unwrap_or(start_date);
        let common: Vec<char> = COMMON.chars().collect();
        let free = |rng: &mut Rng, n: u64| -> String {
            (0..n + rng.next() % n)
                .map(|_| common[(rng.next() % common.len() as u64) as usize])
                .collect()
        };
        if i % 100 == 0 {
            // a group event: 25 near-copies of an event-specific text
            let template = format!(
                "本人于{}在{}购买了{}理财产品{}万元，到期后{}，多次到网点均被推诿",
                rng.pick(&WHEN),
                rng.pick(&["城东支行", "开发区支行", "人民路支行"]),
                free(&mut rng, 4),
                rng.next() % 50 + 1,
                free(&mut rng, 20),
            );
            for k in 0..25 {
                if docs.len() >= n {
                    break;
                }
                let text = format!("{template}，{}，联系电话1380000{:04}", rng.pick(&ASK), k);
                docs.push(Document::new(format!("G{i}-{k}"), date, text));
            }
        } else {
            let free = free(&mut rng, 20);
            let text = format!(
                "{}{}的{}，金额{}元，{}，{}。{}",
                rng.pick(&WHEN),
                rng.pick(&WHO),
                rng.pick(&WHAT),
                rng.next() % 100_000,
                free,
                rng.pick(&ASK),
                rng.pick(&[
                    "",
                    "已经打了三次客服电话。",
                    "网点说会反馈上级但一直没有消息。",
                    "家里老人为这事很着急。"
                ]),
            );
            docs.push(Document::new(format!("U{i}"), date, text));
        }
        i += 1;
    }
    let chars: usize = docs.iter().map(|d| d.text.chars().count()).sum();
    let seg = Segmenter::shared();
    let t = Instant::now();
    let report = match cluster(&docs, &ClusterOptions::default(), seg) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let elapsed = t.elapsed();
    println!(
        "{} docs ({:.1} chars avg): {:.2?}, {:.1} µs/doc; {} clusters, {} docs clustered, {} major candidates, largest {}",
        docs.len(),
        chars as f64 / docs.len() as f64,
        elapsed,
        elapsed.as_secs_f64() * 1e6 / docs.len() as f64,
        report.clusters.len(),
        report.clustered_docs,
        report.clusters.iter().filter(|c| c.major_candidate).count(),
        report.clusters.first().map_or(0, |c| c.size),
    );
}
