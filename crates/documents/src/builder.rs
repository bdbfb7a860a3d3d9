//! Assembles a [`Document`] block by block, keeping char offsets.

use crate::model::{Block, BlockKind, Document, Format, Page, Rect, TextLine};

/// A block about to be added; `lines` are char offsets relative to `text`.
pub(crate) struct NewBlock<'a> {
    pub page: u32,
    pub paragraph: u32,
    pub kind: BlockKind,
    pub text: &'a str,
    pub bbox: Option<Rect>,
    pub confidence: Option<f32>,
    pub lines: Vec<(usize, usize, Rect)>,
}

impl<'a> NewBlock<'a> {
    pub fn new(page: u32, paragraph: u32, kind: BlockKind, text: &'a str) -> Self {
        NewBlock {
            page,
            paragraph,
            kind,
            text,
            bbox: None,
            confidence: None,
            lines: Vec::new(),
        }
    }
}

pub(crate) struct Builder {
    format: Format,
    text: String,
    chars: usize,
    blocks: Vec<Block>,
    pages: Vec<Page>,
}

impl Builder {
    pub fn new(format: Format) -> Self {
        Builder {
            format,
            text: String::new(),
            chars: 0,
            blocks: Vec::new(),
            pages: Vec::new(),
        }
    }

    pub fn add_page(&mut self, page: Page) {
        self.pages.push(page);
    }

    /// Appends a block, preceded by `separator` unless it is the first.
    pub fn push(&mut self, separator: &str, block: NewBlock<'_>) {
        if !self.text.is_empty() {
            self.text.push_str(separator);
            self.chars += separator.chars().count();
        }
        let start = self.chars;
        let len = block.text.chars().count();
        self.text.push_str(block.text);
        self.chars += len;
        self.blocks.push(Block {
            page: block.page,
            paragraph: block.paragraph,
            char_start: start,
            char_end: start + len,
            bbox: block.bbox,
            confidence: block.confidence,
            kind: block.kind,
            lines: block
                .lines
                .into_iter()
                .map(|(s, e, bbox)| TextLine {
                    char_start: start + s,
                    char_end: start + e,
                    bbox,
                })
                .collect(),
        });
    }

    pub fn has_text(&self) -> bool {
        self.blocks.iter().any(|b| b.char_end > b.char_start)
    }

    pub fn finish(self) -> Document {
        Document {
            format: self.format,
            encoding: None,
            pages: self.pages,
            text: self.text,
            blocks: self.blocks,
        }
    }
}
