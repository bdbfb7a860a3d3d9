//! Escalation-risk language and vulnerable-customer cues.
//!
//! Two things a complaint handler must notice in the first minute:
//!
//! * **escalation risk** — the customer threatens to go to the media, a court,
//!   the police or the regulator (12378, 12363, 金融监管总局), mentions a group
//!   action, or, most urgently, self-harm. These tickets need a senior handler
//!   and often a report upward;
//! * **vulnerable customers** — elderly, minors and students, disabled,
//!   pregnant, new urban residents (新市民), rural and low-income customers,
//!   the seriously ill. Consumer-protection rules expect them to get extra
//!   care (适老化, 特殊群体), and statistics on them are reported.
//!
//! Matching is a dictionary scan (Aho–Corasick, leftmost-longest) over the
//! normalised text, plus an age pattern (`78岁` → elderly, `16岁` → minor).
//! Cheap guards keep obvious false positives out: a negation just before the
//! cue in the same clause (`不会起诉`, `没有报警`, but not `不得不起诉`), known
//! harmless compounds (`资金监管`, `人民银行征信中心`, `装聋作哑`), and digit
//! boundaries for hotline numbers (`123780` is not 12378).

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::normalize::{Normalized, normalize_with_map};
use crate::pii::ByteToChar;

/// Which of the two families a tag belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignalGroup {
    /// The complaint may escalate outside the bank.
    Escalation,
    /// The complainant may belong to a group needing extra care.
    Vulnerable,
}

/// A specific signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignalTag {
    /// Media exposure threats (媒体, 曝光, 记者).
    Media,
    /// Courts, lawyers, arbitration.
    Litigation,
    /// Police reports.
    Police,
    /// Regulators and public hotlines (12378, 12363, 金融监管总局).
    Regulator,
    /// Petitions (信访).
    Petition,
    /// Self-harm or extreme statements. The most urgent tag.
    SelfHarm,
    /// Group action (集体投诉, 维权群).
    GroupAction,
    /// Elderly customer (老年人).
    Elderly,
    /// Minor (未成年人).
    Minor,
    /// Student.
    Student,
    /// Disabled customer (残障人士).
    Disabled,
    /// Pregnant customer.
    Pregnant,
    /// New urban resident or migrant worker (新市民).
    NewCitizen,
    /// Rural resident (农村居民).
    Rural,
    /// Low-income or hardship (低收入人群).
    LowIncome,
    /// Serious illness.
    SeriousIllness,
    /// Foreign national (外籍人士).
    Foreigner,
}

impl SignalTag {
    /// The tag's family.
    pub fn group(self) -> SignalGroup {
        match self {
            SignalTag::Media
            | SignalTag::Litigation
            | SignalTag::Police
            | SignalTag::Regulator
            | SignalTag::Petition
            | SignalTag::SelfHarm
            | SignalTag::GroupAction => SignalGroup::Escalation,
            _ => SignalGroup::Vulnerable,
        }
    }

    /// Display name in Chinese (vulnerable-group names follow
    /// `data/taxonomy/vulnerable_flags.json` where it has them).
    pub fn label_zh(self) -> &'static str {
        match self {
            SignalTag::Media => "媒体曝光",
            SignalTag::Litigation => "诉讼仲裁",
            SignalTag::Police => "报警",
            SignalTag::Regulator => "监管投诉",
            SignalTag::Petition => "信访",
            SignalTag::SelfHarm => "极端言行",
            SignalTag::GroupAction => "群体维权",
            SignalTag::Elderly => "老年人",
            SignalTag::Minor => "未成年人",
            SignalTag::Student => "学生",
            SignalTag::Disabled => "残障人士",
            SignalTag::Pregnant => "孕产妇",
            SignalTag::NewCitizen => "新市民",
            SignalTag::Rural => "农村居民",
            SignalTag::LowIncome => "低收入人群",
            SignalTag::SeriousIllness => "重病患者",
            SignalTag::Foreigner => "外籍人士",
        }
    }
}

/// One cue found in a text. Offsets are chars of the caller's text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignalMatch {
    /// The signal.
    pub tag: SignalTag,
    /// The words as found (normalised).
    pub word: String,
    /// First char in the input text.
    pub start: usize,
    /// One past the last char in the input text.
    pub end: usize,
}

/// All cues of one text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignalReport {
    /// Cues in text order.
    pub matches: Vec<SignalMatch>,
    /// Distinct tags, in [`SignalTag`] order.
    pub tags: Vec<SignalTag>,
    /// Any escalation tag.
    pub escalation: bool,
    /// Any vulnerable-customer tag.
    pub vulnerable: bool,
    /// Self-harm language: needs immediate attention.
    pub urgent: bool,
}

const LEXICON: &[(SignalTag, &[&str])] = &[
    (
        SignalTag::Media,
        &[
            "媒体",
            "曝光",
            "记者",
            "电视台",
            "报社",
            "新闻",
            "热搜",
            "微博",
            "抖音",
            "快手",
            "小红书",
            "发到网上",
            "网上曝光",
            "发朋友圈",
            "舆论",
            "黑猫投诉",
            "自媒体",
        ],
    ),
    (
        SignalTag::Litigation,
        &[
            "起诉",
            "法院",
            "律师",
            "诉讼",
            "打官司",
            "仲裁",
            "法律途径",
            "法律手段",
            "追究法律责任",
            "上诉",
            "律师函",
            "法律程序",
        ],
    ),
    (
        SignalTag::Police,
        &[
            "报警",
            "公安",
            "派出所",
            "经侦",
            "报案",
            "打110",
            "拨打110",
            "报110",
            "警察",
        ],
    ),
    (
        SignalTag::Regulator,
        &[
            "12378",
            "12363",
            "12315",
            "12345",
            "监管",
            "银保监",
            "银监",
            "金融监管总局",
            "国家金融监督管理总局",
            "人民银行",
            "人行",
            "央行",
            "消协",
            "消费者协会",
            "市长热线",
            "市民热线",
            "金融办",
            "纪委",
            "投诉到监管",
        ],
    ),
    (SignalTag::Petition, &["信访", "上访", "信访局", "信访办"]),
    (
        SignalTag::SelfHarm,
        &[
            "自杀",
            "跳楼",
            "轻生",
            "不想活",
            "活不下去",
            "寻死",
            "喝农药",
            "割腕",
            "同归于尽",
            "以死相逼",
            "一死了之",
            "走投无路",
            "跳河",
        ],
    ),
    (
        SignalTag::GroupAction,
        &[
            "集体投诉",
            "联名",
            "群体",
            "维权群",
            "拉横幅",
            "聚集",
            "集体维权",
            "联合投诉",
            "很多人都",
            "一起维权",
            "受害者群",
        ],
    ),
    (
        SignalTag::Elderly,
        &[
            "老人",
            "老年",
            "老年人",
            "高龄",
            "年迈",
            "老大爷",
            "老太太",
            "老奶奶",
            "老爷爷",
            "退休老人",
            "七十多岁",
            "八十多岁",
            "九十多岁",
            "七旬",
            "八旬",
            "九旬",
            "独居老人",
            "空巢老人",
        ],
    ),
    (
        SignalTag::Minor,
        &[
            "未成年",
            "未成年人",
            "小学生",
            "初中生",
            "中学生",
            "高中生",
            "未满十八",
        ],
    ),
    (
        SignalTag::Student,
        &["学生", "大学生", "在校生", "研究生", "校园贷", "学生卡"],
    ),
    (
        SignalTag::Disabled,
        &[
            "残疾",
            "残障",
            "盲人",
            "视障",
            "失明",
            "聋",
            "聋哑",
            "听障",
            "听力障碍",
            "轮椅",
            "瘫痪",
            "智力障碍",
            "行动不便",
            "卧床",
            "残疾证",
        ],
    ),
    (
        SignalTag::Pregnant,
        &["孕妇", "怀孕", "孕期", "产妇", "哺乳期", "待产"],
    ),
    (
        SignalTag::NewCitizen,
        &[
            "新市民",
            "外来务工",
            "农民工",
            "进城务工",
            "外地务工",
            "务工人员",
        ],
    ),
    (SignalTag::Rural, &["农民", "农村", "村民", "农户", "种地"]),
    (
        SignalTag::LowIncome,
        &["低保", "贫困", "困难户", "特困", "失业", "下岗", "低收入"],
    ),
    (
        SignalTag::SeriousIllness,
        &[
            "重病",
            "癌症",
            "住院",
            "化疗",
            "尿毒症",
            "白血病",
            "大病",
            "重症",
            "绝症",
        ],
    ),
    (SignalTag::Foreigner, &["外籍", "外国人", "外国友人"]),
];

/// Longer phrases that contain a cue but are harmless; when one of them is
/// the leftmost-longest match, the cue inside is not reported.
const HARMLESS: &[&str] = &[
    "资金监管",
    "监管账户",
    "监管户",
    "监管资金",
    "预售资金监管",
    "人民银行征信中心",
    "中国人民银行征信中心",
    "征信中心",
    "装聋作哑",
    "老人机",
    "新闻联播",
    "特殊群体",
    "人行道",
    "农村商业银行",
    "农村信用社",
    "农村信用合作社",
    "农村合作银行",
    "农商银行",
];

struct Lexicon {
    automaton: Option<AhoCorasick>,
    /// For each pattern: its tag, or `None` for a harmless phrase.
    tags: Vec<Option<SignalTag>>,
}

static LEX: LazyLock<Lexicon> = LazyLock::new(|| {
    let mut patterns: Vec<&str> = Vec::new();
    let mut tags = Vec::new();
    for (tag, words) in LEXICON {
        for w in *words {
            patterns.push(w);
            tags.push(Some(*tag));
        }
    }
    for w in HARMLESS {
        patterns.push(w);
        tags.push(None);
    }
    let automaton = AhoCorasickBuilder::new()
        .match_kind(MatchKind::LeftmostLongest)
        .build(&patterns)
        .ok();
    Lexicon { automaton, tags }
});

/// Ages: `78岁`, `16周岁`.
static AGE: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"(\d{1,3})\s*周?岁").ok());

/// A negation ending right before the cue (optionally followed by a light
/// verb such as 去/向/再) cancels it.
static NEGATION: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?:不会|不想|不打算|不准备|不需要|不用|不必|不愿意?|没有|没|未|并未|从未|无意|别|不)(?:再|去|要|向|到|找|跟|会)?$").ok()
});

/// Scans `text` for escalation and vulnerable-customer cues.
pub fn scan(text: &str) -> SignalReport {
    let normalized = normalize_with_map(text);
    let norm = normalized.text();
    let chars: Vec<char> = norm.chars().collect();
    let b2c = ByteToChar::new(norm);
    let byte_to_char = |b: usize| b2c.get(b);
    let mut found: Vec<(SignalTag, usize, usize)> = Vec::new();

    if let Some(ac) = LEX.automaton.as_ref() {
        for m in ac.find_iter(norm) {
            let Some(tag) = LEX.tags.get(m.pattern().as_usize()).copied().flatten() else {
                continue;
            };
            let (start, end) = (byte_to_char(m.start()), byte_to_char(m.end()));
            let word = &norm[m.start()..m.end()];
            if word.bytes().all(|b| b.is_ascii_digit())
                && (start > 0 && chars[start - 1].is_ascii_digit()
                    || chars.get(end).is_some_and(char::is_ascii_digit))
            {
                continue;
            }
            if negated(&chars, start) {
                continue;
            }
            found.push((tag, start, end));
        }
    }
    if let Some(age) = AGE.as_ref() {
        for caps in age.captures_iter(norm) {
            let (Some(whole), Some(num)) = (caps.get(0), caps.get(1)) else {
                continue;
            };
            let start = byte_to_char(whole.start());
            if start > 0 && chars[start - 1].is_ascii_digit() {
                continue;
            }
            let Ok(years) = num.as_str().parse::<u32>() else {
                continue;
            };
            let tag = match years {
                65..=120 => SignalTag::Elderly,
                6..=17 => SignalTag::Minor,
                _ => continue,
            };
            found.push((tag, start, byte_to_char(whole.end())));
        }
    }
    found.sort_by_key(|&(tag, start, end)| (start, end, tag));
    found.dedup();
    report(&normalized, &chars, found)
}

fn report(
    normalized: &Normalized,
    chars: &[char],
    found: Vec<(SignalTag, usize, usize)>,
) -> SignalReport {
    let matches: Vec<SignalMatch> = found
        .into_iter()
        .map(|(tag, start, end)| {
            let (os, oe) = normalized.original_span(start, end);
            SignalMatch {
                tag,
                word: chars[start..end].iter().collect(),
                start: os,
                end: oe,
            }
        })
        .collect();
    let mut tags: Vec<SignalTag> = matches.iter().map(|m| m.tag).collect();
    tags.sort();
    tags.dedup();
    SignalReport {
        escalation: tags.iter().any(|t| t.group() == SignalGroup::Escalation),
        vulnerable: tags.iter().any(|t| t.group() == SignalGroup::Vulnerable),
        urgent: tags.contains(&SignalTag::SelfHarm),
        matches,
        tags,
    }
}

/// Whether the clause text just before `start` ends in a negation.
fn negated(chars: &[char], start: usize) -> bool {
    let Some(re) = NEGATION.as_ref() else {
        return false;
    };
    let mut from = start;
    while from > 0 && start - from < 8 && !is_clause_break(chars[from - 1]) {
        from -= 1;
    }
    let before: String = chars[from..start].iter().collect();
    if before.ends_with("不得不") || before.ends_with("不能不") || before.ends_with("不然")
    {
        return false;
    }
    re.is_match(&before)
}

fn is_clause_break(c: char) -> bool {
    matches!(c, ',' | '.' | '!' | '?' | ';' | '。' | '、' | '\n') || c.is_whitespace()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(text: &str) -> Vec<SignalTag> {
        scan(text).tags
    }

    #[test]
    fn must_detect() {
        use SignalTag::*;
        let cases: &[(&str, &[SignalTag])] = &[
            ("再不解决我就找媒体曝光", &[Media]),
            ("我已经请了律师，准备去法院起诉", &[Litigation]),
            ("如果不解决就起诉你们", &[Litigation]),
            ("不得不起诉了", &[Litigation]),
            ("已经报警了", &[Police]),
            ("我要打12378投诉", &[Regulator]),
            ("已向金融监管總局反映", &[Regulator]),
            ("投诉到人民银行", &[Regulator]),
            ("准备去信访", &[Petition]),
            ("逼得我想自杀", &[SelfHarm]),
            ("再这样我就跳楼", &[SelfHarm]),
            ("我们几十个人建了维权群，准备集体投诉", &[GroupAction]),
            ("我父亲是老人，不会用手机银行", &[Elderly]),
            ("客户78岁，行动不便", &[Elderly, Disabled]),
            ("儿子16岁还是初中生", &[Minor]),
            ("我是盲人，柜台拒绝代办", &[Disabled]),
            ("怀孕八个月还让我排队", &[Pregnant]),
            ("我是外来务工人员", &[NewCitizen]),
            ("大学生被诱导办理校园贷", &[Student]),
            ("家里低保户，母亲癌症住院", &[LowIncome, SeriousIllness]),
        ];
        for (text, want) in cases {
            let mut want = want.to_vec();
            want.sort();
            assert_eq!(tags(text), want, "{text}");
        }
    }

    #[test]
    fn must_not_detect() {
        let cases = [
            "我不会起诉，只希望退钱",
            "没有报警",
            "暂时不想曝光，希望协商",
            "这是预售资金监管账户的问题",
            "人民银行征信中心的报告有误",
            "工作人员装聋作哑",
            "转账到123780账户",
            "卡号6212378000001",
            "客户35岁",
            "信用卡年费被乱收",
            "某农村商业银行的人行道旁网点",
            "为特殊群体开设绿色通道",
        ];
        for text in cases {
            assert!(
                scan(text).matches.is_empty(),
                "{text}: {:?}",
                scan(text).matches
            );
        }
    }

    #[test]
    fn flags_and_offsets() {
        let text = "ＡＢ我要去法院起訴";
        let r = scan(text);
        assert!(r.escalation && !r.vulnerable && !r.urgent);
        let chars: Vec<char> = text.chars().collect();
        let words: Vec<String> = r
            .matches
            .iter()
            .map(|m| chars[m.start..m.end].iter().collect())
            .collect();
        assert_eq!(words, vec!["法院".to_string(), "起訴".to_string()]);
        assert_eq!(r.matches[1].word, "起诉");
        let urgent = scan("活不下去了");
        assert!(urgent.urgent && urgent.escalation);
    }

    #[test]
    fn every_tag_is_reachable() {
        for (tag, words) in LEXICON {
            let r = scan(&format!("客户说{}", words[0]));
            assert!(r.tags.contains(tag), "{tag:?} via {}", words[0]);
            assert!(!tag.label_zh().is_empty());
        }
    }
}
