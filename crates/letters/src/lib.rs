//! Formal letters — the review platform's opinion letter (消保审查意见书), the
//! complaint module's decision notices — written as DOCX and PDF bytes.
//!
//! A [`Letter`] is structure only: a title, an optional document number and a
//! list of [`Block`]s. [`to_docx`] and [`to_pdf`] lay it out on A4 paper with
//! 25 mm margins, in the conventions of Chinese official letters: a centred
//! title, headings in a bolder face, body paragraphs indented by two
//! characters, bordered tables, and the signer and date at the right.
//!
//! Both writers are pure functions: no files, no network and no fonts are
//! needed where the letter is made. The DOCX names the fonts every Chinese
//! office suite has (宋体 for text, 黑体 for headings); the PDF uses the
//! standard Chinese font every PDF reader supplies (see [`to_pdf`]), so the
//! files stay a few kilobytes and identical wherever they are produced.

mod docx;
mod error;
mod pdf;
mod table;
mod text;

use serde::{Deserialize, Serialize};

pub use error::LetterError;

/// A letter to be written out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Letter {
    /// The centred title, e.g. "消保审查意见书".
    pub title: String,
    /// The document number line under the title, e.g.
    /// "审查编号：SC20261127000001".
    pub reference: Option<String>,
    pub blocks: Vec<Block>,
}

/// One part of a letter's body, in reading order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Block {
    /// A section heading.
    Heading(String),
    /// Body text, wrapped to the page width and indented by two characters;
    /// a `'\n'` inside starts a new line.
    Paragraph(String),
    /// A bordered table. `header` is the first row (shaded, repeated at the
    /// top of every page the table continues on); `widths` are relative
    /// column weights, one per column, or empty for equal columns. Rows may
    /// be shorter than the widest row: missing cells are left empty.
    Table {
        header: Vec<String>,
        rows: Vec<Vec<String>>,
        widths: Vec<u16>,
    },
    /// Lines set flush right, such as the signing department and the date.
    Signature(Vec<String>),
}

/// The letter as a Word document (WordprocessingML, ISO/IEC 29500), which
/// Word, WPS and LibreOffice open and let the user edit before sending.
///
/// Text is kept exactly, including characters outside the Basic
/// Multilingual Plane; only characters XML cannot carry (control characters
/// other than tab and line break) are left out.
pub fn to_docx(letter: &Letter) -> Result<Vec<u8>, LetterError> {
    docx::write(letter)
}

/// The letter as a PDF for printing and archiving.
///
/// The text is set in "STSong-Light", one of the standard Chinese fonts of
/// the PDF specification that are referenced but not embedded: Acrobat,
/// pdf.js, PDFium and poppler (with poppler-data) all supply a Song face for
/// it. Embedding a Chinese font would add megabytes to every letter (or need
/// a subsetting step and a font file at run time); the standard font needs
/// neither and prints the same. Characters are encoded as UCS-2 through the
/// predefined CMap "UniGB-UCS2-H", and a `/ToUnicode` map lets readers copy
/// and search the text.
///
/// UCS-2 cannot encode characters outside the Basic Multilingual Plane
/// (emoji, CJK extension B and later); each is printed as "□" instead.
/// Headings are the same face, larger and drawn with a thin outline to
/// look bold, since the standard bold Chinese faces are not supplied by all
/// readers.
pub fn to_pdf(letter: &Letter) -> Result<Vec<u8>, LetterError> {
    pdf::write(letter)
}
