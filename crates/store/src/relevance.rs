//! Relevance of a search's newest matches, computed from their words.
//!
//! SQLite's FTS5 ranks with `bm25()`, which first counts, for every phrase
//! of the query, the rows holding it anywhere in the table. A search in a
//! branch's scope asks for the branch's organisation facets too, each held
//! by tens of thousands of complaints, so that count cost more than finding
//! the matches. Every match holds every word anyway, so the part of BM25
//! that tells rare words from common ones changes little among them; the
//! words' frequency in each text, against its length, is what orders them.
//! That is computed here on the matches' segmented words, as PostgreSQL's
//! `ts_rank` does without any table-wide statistics.

/// BM25's term-frequency saturation and length normalisation, with their
/// usual values.
const K1: f64 = 1.2;
const B: f64 = 0.75;

/// The relevance of each text (segmented words, separated by whitespace) to
/// the query words: higher is more relevant. Words are compared without
/// regard to case, like the full-text index.
pub(crate) fn scores(words: &str, texts: &[&str]) -> Vec<f64> {
    let words: Vec<String> = words.split_whitespace().map(str::to_lowercase).collect();
    let counted: Vec<(Vec<u32>, usize)> = texts
        .iter()
        .map(|text| {
            let mut frequencies = vec![0u32; words.len()];
            let mut length = 0;
            for token in text.split_whitespace() {
                length += 1;
                for (word, frequency) in words.iter().zip(frequencies.iter_mut()) {
                    if token.len() == word.len() && token.to_lowercase() == *word {
                        *frequency += 1;
                    }
                }
            }
            (frequencies, length)
        })
        .collect();
    let total: usize = counted.iter().map(|(_, length)| length).sum();
    let average = if counted.is_empty() {
        1.0
    } else {
        (total as f64 / counted.len() as f64).max(1.0)
    };
    counted
        .iter()
        .map(|(frequencies, length)| {
            let norm = K1 * (1.0 - B + B * *length as f64 / average);
            frequencies
                .iter()
                .map(|&f| {
                    let f = f64::from(f);
                    f * (K1 + 1.0) / (f + norm)
                })
                .sum()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::scores;

    #[test]
    fn more_occurrences_rank_higher() {
        let s = scores(
            "年费",
            &["年费 扣收 信用卡", "年费 年费 扣收", "扣收 信用卡 年费"],
        );
        assert!(s[1] > s[0]);
        assert_eq!(s[0], s[2], "the position of a word does not matter");
    }

    #[test]
    fn shorter_texts_rank_higher_for_the_same_occurrences() {
        let s = scores(
            "年费",
            &["年费 扣收", "年费 扣收 信用卡 客服 电话 无人 接听 投诉"],
        );
        assert!(s[0] > s[1]);
    }

    #[test]
    fn every_word_counts_and_case_is_ignored() {
        let s = scores(
            "ATM 吞卡",
            &["atm 吞卡 网点", "ATM 网点 取款", "网点 取款 排队"],
        );
        assert!(s[0] > s[1]);
        assert!(s[1] > s[2]);
        assert_eq!(s[2], 0.0);
    }

    #[test]
    fn no_texts_no_scores() {
        assert!(scores("年费", &[]).is_empty());
        assert_eq!(scores("", &["年费"]), vec![0.0]);
    }
}
