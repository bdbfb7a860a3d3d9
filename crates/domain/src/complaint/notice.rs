//! Required content of a decision notice (处理决定告知).
//!
//! 令2020年第3号 Art. 19: when telling the complainant the decision, the institution
//! must explain 核实情况、依据和理由, and the remedies 申请核查、调解、仲裁、诉讼. The
//! check is tolerant to common wording variants (经核实 / 经调查 / 处理依据 / 原因 /
//! 复核 / 向人民法院起诉 …), ignores whitespace and accepts traditional characters.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A required element the notice text does not contain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MissingElement {
    /// 核实情况: what was found.
    VerifiedFacts,
    /// 依据: the rule or contract the decision rests on.
    Basis,
    /// 理由: why.
    Reasons,
    /// 申请核查 (Art. 20), often called 复核.
    RemedyReview,
    /// 调解.
    RemedyMediation,
    /// 仲裁.
    RemedyArbitration,
    /// 诉讼.
    RemedyLitigation,
}

impl MissingElement {
    pub const ALL: [MissingElement; 7] = [
        MissingElement::VerifiedFacts,
        MissingElement::Basis,
        MissingElement::Reasons,
        MissingElement::RemedyReview,
        MissingElement::RemedyMediation,
        MissingElement::RemedyArbitration,
        MissingElement::RemedyLitigation,
    ];

    pub fn label_zh(self) -> &'static str {
        match self {
            MissingElement::VerifiedFacts => "核实情况",
            MissingElement::Basis => "处理依据",
            MissingElement::Reasons => "处理理由",
            MissingElement::RemedyReview => "申请核查的救济途径",
            MissingElement::RemedyMediation => "调解的救济途径",
            MissingElement::RemedyArbitration => "仲裁的救济途径",
            MissingElement::RemedyLitigation => "诉讼的救济途径",
        }
    }

    /// Phrases any one of which satisfies the element (matched after normalisation).
    fn patterns(self) -> &'static [&'static str] {
        match self {
            MissingElement::VerifiedFacts => &[
                "核实情况",
                "核实的情况",
                "核实结果",
                "经核实",
                "经核查",
                "经查实",
                "经查",
                "经调查",
                "调查情况",
                "调查结果",
                "经了解",
                "查明",
                "核实",
            ],
            MissingElement::Basis => &["依据", "根据", "依照", "按照", "规定", "约定"],
            MissingElement::Reasons => &["理由", "原因", "鉴于", "由于", "因此"],
            MissingElement::RemedyReview => &[
                "申请核查",
                "提出核查",
                "提请核查",
                "核查申请",
                "请求核查",
                "要求核查",
                "申请复核",
                "提出复核",
                "复核申请",
                "请求复核",
            ],
            MissingElement::RemedyMediation => &["调解"],
            MissingElement::RemedyArbitration => &["仲裁"],
            MissingElement::RemedyLitigation => &["诉讼", "起诉", "向人民法院", "向法院"],
        }
    }
}

impl fmt::Display for MissingElement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label_zh())
    }
}

/// Traditional characters that occur in these phrases, mapped to simplified ones.
const TRADITIONAL: &[(char, char)] = &[
    ('實', '实'),
    ('據', '据'),
    ('調', '调'),
    ('訴', '诉'),
    ('訟', '讼'),
    ('請', '请'),
    ('覆', '复'),
    ('復', '复'),
    ('經', '经'),
    ('査', '查'),
    ('結', '结'),
    ('規', '规'),
    ('約', '约'),
    ('於', '于'),
    ('況', '况'),
    ('際', '际'),
    ('門', '门'),
    ('機', '机'),
    ('構', '构'),
    ('處', '处'),
    ('決', '决'),
    ('鑒', '鉴'),
    ('認', '认'),
    ('議', '议'),
    ('與', '与'),
    ('關', '关'),
    ('務', '务'),
    ('為', '为'),
    ('們', '们'),
];

fn normalize(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| {
            TRADITIONAL
                .iter()
                .find(|(t, _)| *t == c)
                .map_or(c, |(_, s)| *s)
        })
        .collect()
}

/// The Art. 19 elements missing from a decision notice, in [`MissingElement::ALL`]
/// order; empty when the notice is complete.
pub fn check_decision_notice(text: &str) -> Vec<MissingElement> {
    let text = normalize(text);
    MissingElement::ALL
        .into_iter()
        .filter(|el| !el.patterns().iter().any(|p| text.contains(p)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use MissingElement::*;

    const COMPLETE: &str = "经核实，您反映的年费扣收属实。依据《信用卡章程》第十条及双方约定，\
        理由如下：……我行决定退还年费。如您对处理决定有异议，可在收到本决定之日起30日内\
        向我行上级机构书面申请核查，也可申请调解，或依法申请仲裁、向人民法院提起诉讼。";

    #[test]
    fn complete_notice_has_nothing_missing() {
        assert!(check_decision_notice(COMPLETE).is_empty());
    }

    #[test]
    fn each_missing_element_is_reported() {
        let cases: [(&str, &str, MissingElement); 7] = [
            ("经核实，", "", VerifiedFacts),
            ("依据《信用卡章程》第十条及双方约定，", "", Basis),
            ("理由如下：……", "", Reasons),
            ("向我行上级机构书面申请核查，也可", "", RemedyReview),
            ("申请调解，或", "", RemedyMediation),
            ("申请仲裁、", "", RemedyArbitration),
            ("向人民法院提起诉讼", "", RemedyLitigation),
        ];
        for (remove, with, missing) in cases {
            let text = COMPLETE.replace(remove, with);
            assert_ne!(text, COMPLETE, "{remove}");
            let got = check_decision_notice(&text);
            assert!(
                got.contains(&missing),
                "{missing:?} not reported for {text}"
            );
        }
    }

    #[test]
    fn empty_text_misses_everything() {
        assert_eq!(check_decision_notice(""), MissingElement::ALL.to_vec());
    }

    #[test]
    fn wording_variants_are_accepted() {
        let variants = [
            "经调查，情况如下。根据合同规定，原因在于系统故障。您可申请复核、调解、仲裁或起诉。",
            "核实情况：已查明。处理依据：服务协议。处理理由：鉴于……。如不服，可提出核查申请，\
             或通过调解、仲裁、向法院起诉等途径解决。",
            "經 核 實，依 據 規 定，理 由 如 下。可 申 請 核 查、調 解、仲 裁、訴 訟。",
        ];
        for v in variants {
            assert!(
                check_decision_notice(v).is_empty(),
                "{v}: {:?}",
                check_decision_notice(v)
            );
        }
    }

    #[test]
    fn verification_wording_alone_does_not_count_as_the_review_remedy() {
        let text = "经核查，依据约定，理由如下。可申请调解、仲裁、诉讼。";
        assert_eq!(check_decision_notice(text), [RemedyReview]);
    }

    #[test]
    fn labels_are_chinese() {
        for el in MissingElement::ALL {
            assert!(
                el.to_string()
                    .chars()
                    .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
            );
        }
    }
}
