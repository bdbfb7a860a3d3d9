//! The shape of a table, shared by both writers so that a table the DOCX
//! accepts is one the PDF accepts, with the same proportions.

use crate::LetterError;

/// A4 width minus 25 mm margins on both sides, in points.
pub(crate) const CONTENT_WIDTH_PT: f32 = 595.276 - 2.0 * MARGIN_PT;
/// 25 mm.
pub(crate) const MARGIN_PT: f32 = 70.866;
/// One character of table text (10.5 pt, 五号) and the padding either side.
pub(crate) const MIN_COLUMN_PT: f32 = 20.0;

/// Columns of a table and the share of the text width each one takes.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Shape {
    /// Fractions of the text width, summing to 1.
    pub fractions: Vec<f32>,
}

/// Works out the columns of a table: as many as its widest row (header
/// included). `None` for a table without any cell, which is not drawn.
pub(crate) fn shape(
    header: &[String],
    rows: &[Vec<String>],
    widths: &[u16],
) -> Result<Option<Shape>, LetterError> {
    let columns = rows
        .iter()
        .map(Vec::len)
        .chain(std::iter::once(header.len()))
        .max()
        .unwrap_or(0);
    if columns == 0 {
        return Ok(None);
    }
    let max = (CONTENT_WIDTH_PT / MIN_COLUMN_PT) as usize;
    if columns > max {
        return Err(LetterError::TooManyColumns { columns, max });
    }
    let weights: Vec<f32> = if widths.is_empty() {
        vec![1.0; columns]
    } else if widths.len() != columns {
        return Err(LetterError::WidthCount {
            widths: widths.len(),
            columns,
        });
    } else {
        widths.iter().map(|&w| f32::from(w)).collect()
    };
    let total: f32 = weights.iter().sum();
    let mut fractions = Vec::with_capacity(columns);
    for (i, w) in weights.iter().enumerate() {
        let fraction = if total > 0.0 { w / total } else { 0.0 };
        if fraction * CONTENT_WIDTH_PT < MIN_COLUMN_PT {
            return Err(LetterError::ColumnTooNarrow { column: i + 1 });
        }
        fractions.push(fraction);
    }
    Ok(Some(Shape { fractions }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(n: usize) -> Vec<String> {
        vec![String::from("格"); n]
    }

    #[test]
    fn columns_come_from_the_widest_row_and_weights_are_proportions() {
        let s = shape(&cells(2), &[cells(3), cells(1)], &[1, 2, 1])
            .unwrap()
            .unwrap();
        assert_eq!(s.fractions, vec![0.25, 0.5, 0.25]);
        let s = shape(&[], &[cells(4)], &[]).unwrap().unwrap();
        assert_eq!(s.fractions.len(), 4);
        assert_eq!(shape(&[], &[vec![], vec![]], &[]).unwrap(), None);
    }

    #[test]
    fn bad_widths_are_errors() {
        assert_eq!(
            shape(&cells(3), &[], &[1, 2]),
            Err(LetterError::WidthCount {
                widths: 2,
                columns: 3
            })
        );
        assert_eq!(
            shape(&cells(2), &[], &[1, 0]),
            Err(LetterError::ColumnTooNarrow { column: 2 })
        );
        assert_eq!(
            shape(&cells(2), &[], &[0, 0]),
            Err(LetterError::ColumnTooNarrow { column: 1 })
        );
        assert_eq!(
            shape(&cells(2), &[], &[1, 1000]),
            Err(LetterError::ColumnTooNarrow { column: 1 })
        );
        assert!(matches!(
            shape(&cells(40), &[], &[]),
            Err(LetterError::TooManyColumns { columns: 40, .. })
        ));
        // The error text is what the user reads.
        assert!(
            LetterError::ColumnTooNarrow { column: 2 }
                .to_string()
                .contains("第 2 列过窄")
        );
    }
}
