//! Accuracy measure for OCR output, shared by the tests and the benchmark so both
//! count errors the same way.

/// Character error rate: the Levenshtein distance between `reference` and
/// `recognised`, counted in characters, divided by the reference's length.
///
/// Both texts are compared after [`normalise`]: whitespace (including line breaks)
/// removed and full-width/half-width forms of the same punctuation unified, which
/// carry no meaning in Chinese text and which engines print either way. An empty
/// reference gives 0 for an empty result and 1 otherwise.
pub fn character_error_rate(reference: &str, recognised: &str) -> f64 {
    let reference: Vec<char> = normalise(reference).chars().collect();
    let recognised: Vec<char> = normalise(recognised).chars().collect();
    if reference.is_empty() {
        return if recognised.is_empty() { 0.0 } else { 1.0 };
    }
    levenshtein(&reference, &recognised) as f64 / reference.len() as f64
}

/// The form texts are compared in: no whitespace, full-width ASCII (U+FF01–U+FF5E) as
/// ASCII, curly quotes as straight ones.
pub fn normalise(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '“' | '”' => '"',
            '‘' | '’' => '\'',
            _ => c,
        })
        .collect()
}

fn levenshtein(a: &[char], b: &[char]) -> usize {
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        current[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_edits_per_reference_character() {
        assert_eq!(character_error_rate("理财非存款", "理财非存款"), 0.0);
        assert_eq!(character_error_rate("理财非存款", "理财菲存款"), 0.2);
        assert_eq!(character_error_rate("理财非存款", "理财存款"), 0.2);
        assert_eq!(character_error_rate("理财非存款", "理财非存款吗"), 0.2);
        assert_eq!(character_error_rate("", ""), 0.0);
        assert_eq!(character_error_rate("", "多"), 1.0);
    }

    #[test]
    fn ignores_whitespace_and_punctuation_width() {
        assert_eq!(
            character_error_rate(
                "“稳盈”年化2.80%，（中低风险）",
                "\"稳盈\" 年化2.80%,\n(中低风险)"
            ),
            0.0
        );
        // Different punctuation is still an error.
        assert!(character_error_rate("支取，提前", "支取、提前") > 0.0);
    }
}
