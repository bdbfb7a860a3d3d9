//! Duplicate check at intake: before a complaint is registered, the open
//! complaints it may repeat — from the same complainant (matched on the blind
//! index of phone or ID number, never by decrypting) or about the same event
//! (similar text in the last 30 days) — so the handler can merge instead
//! (令2020年第3号 Art. 18 ¶3).

use std::collections::HashSet;

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use xiaobao_domain::actor::Actor;
use xiaobao_domain::complaint::china_date;
use xiaobao_domain::intake::ComplaintInput;
use xiaobao_pii::PiiField;
use xiaobao_store::StoreError;
use xiaobao_store::complaints::ComplaintSummary;

use crate::Services;

/// Why an open complaint looks like the new one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Likeness {
    /// Same phone or ID number.
    SameComplainant,
    /// Similar text about the same matter.
    SameEvent,
}

impl Likeness {
    pub fn label_zh(self) -> &'static str {
        match self {
            Likeness::SameComplainant => "同一投诉人",
            Likeness::SameEvent => "内容相似",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct SimilarComplaint {
    pub complaint: ComplaintSummary,
    pub likeness: Likeness,
    /// Jaccard similarity of character bigrams (1.0 for the same complainant).
    pub similarity: f64,
}

/// Texts at least this similar (character-bigram Jaccard) count as the same event.
const SAME_EVENT: f64 = 0.35;

fn bigrams(text: &str) -> HashSet<(char, char)> {
    let chars: Vec<char> = text.chars().filter(|c| c.is_alphanumeric()).collect();
    chars.windows(2).map(|w| (w[0], w[1])).collect()
}

fn jaccard(a: &HashSet<(char, char)>, b: &HashSet<(char, char)>) -> f64 {
    let inter = a.intersection(b).count();
    let union = a.len() + b.len() - inter;
    if union == 0 {
        0.0
    } else {
        inter as f64 / union as f64
    }
}

impl Services {
    /// Open complaints that the new input may repeat, most likely first.
    pub async fn similar_open_complaints(
        &self,
        actor: &Actor,
        input: &ComplaintInput,
        now: DateTime<Utc>,
    ) -> Result<Vec<SimilarComplaint>, StoreError> {
        let complainant = input.complainant.clone().unwrap_or_default();
        let index = |field: PiiField, raw: &Option<String>| {
            raw.as_deref()
                .filter(|s| !s.trim().is_empty())
                .and_then(|r| self.pii.search_index(field, r).ok().flatten())
        };
        let phone = index(PiiField::Phone, &complainant.phone);
        let id_number = index(PiiField::IdNumber, &complainant.id_number);
        let since = china_date(now) - Duration::days(30);
        let mut found: Vec<SimilarComplaint> = Vec::new();
        if phone.is_some() || id_number.is_some() {
            for c in self
                .store
                .similar_open_complaints(
                    actor,
                    phone.as_deref(),
                    id_number.as_deref(),
                    &[],
                    since,
                    5,
                )
                .await?
            {
                found.push(SimilarComplaint {
                    complaint: c,
                    likeness: Likeness::SameComplainant,
                    similarity: 1.0,
                });
            }
        }
        let masked = xiaobao_text::pii::mask_text(&input.content);
        let mut terms = xiaobao_text::terms(&masked);
        terms.sort_by_key(|t| std::cmp::Reverse(t.chars().count()));
        terms.dedup();
        terms.truncate(6);
        if !terms.is_empty() {
            let mine = bigrams(&masked);
            for c in self
                .store
                .similar_open_complaints(actor, None, None, &terms, since, 50)
                .await?
            {
                if found.iter().any(|f| f.complaint.id == c.id) {
                    continue;
                }
                let similarity = jaccard(&mine, &bigrams(&c.excerpt));
                if similarity >= SAME_EVENT {
                    found.push(SimilarComplaint {
                        complaint: c,
                        likeness: Likeness::SameEvent,
                        similarity,
                    });
                }
            }
        }
        found.sort_by(|a, b| b.similarity.total_cmp(&a.similarity));
        found.truncate(5);
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_duplicates_are_similar_and_others_are_not() {
        let a = bigrams("手机银行升级后人脸识别一直失败，无法转账");
        let b = bigrams("手机银行升级以后人脸识别总是失败，转账不了");
        let c = bigrams("信用卡年费未经告知被扣收，要求退还");
        assert!(jaccard(&a, &b) >= SAME_EVENT, "{}", jaccard(&a, &b));
        assert!(jaccard(&a, &c) < 0.1);
        assert_eq!(jaccard(&HashSet::new(), &HashSet::new()), 0.0);
    }
}
