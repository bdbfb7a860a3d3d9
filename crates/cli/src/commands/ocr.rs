//! `xiaobao ocr FILE...` — prints the text of scanned pages and screenshots, offline,
//! with the embedded PP-OCRv4 models.
//!
//! `--format json` keeps each line's box and confidence, so a reviewer's tool can
//! mark a finding on the page image. Files are recognised by content (PNG, JPEG, TIFF,
//! WebP), not by name. A file that cannot be read is reported and skipped; the exit
//! status is then 2.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, anyhow};
use clap::{Args, ValueEnum};
use serde::Serialize;
use xiaobao_ocr::{OcrEngine, OcrOptions, PageText, decode_image};

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OcrFormat {
    /// The recognised lines, in reading order.
    Text,
    /// A JSON array, one object per file, with each line's box and confidence.
    Json,
}

/// Arguments of `xiaobao ocr`.
#[derive(Debug, Args)]
pub struct OcrArgs {
    /// Images to read: PNG, JPEG, TIFF or WebP (detected from content).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: OcrFormat,
}

#[derive(Serialize)]
struct FileResult<'a> {
    file: String,
    #[serde(flatten)]
    page: &'a Recognised,
}

/// What one file gave: one image, or a PDF whose pages without a text layer
/// were read by OCR (blocks carry their page and box).
#[derive(Serialize)]
#[serde(untagged)]
enum Recognised {
    Image(PageText),
    Pdf {
        text: String,
        blocks: Vec<xiaobao_documents::Block>,
    },
}

impl Recognised {
    fn text(&self) -> String {
        match self {
            Recognised::Image(p) => p.text(),
            Recognised::Pdf { text, .. } => format!("{text}\n"),
        }
    }
}

pub fn run(args: OcrArgs) -> anyhow::Result<ExitCode> {
    let engine = OcrEngine::new().map_err(|e| anyhow!("{e}"))?;
    let options = OcrOptions::default();
    let mut had_error = false;
    let mut pages: Vec<(String, Recognised)> = Vec::new();
    let many = args.files.len() > 1;
    let stdout = std::io::stdout();
    for path in &args.files {
        match read_page(&engine, &options, path) {
            Ok(page) => {
                if args.format == OcrFormat::Text {
                    let mut out = stdout.lock();
                    if many {
                        writeln!(out, "==> {} <==", path.display())?;
                    }
                    write!(out, "{}", page.text())?;
                    out.flush()?;
                } else {
                    pages.push((path.display().to_string(), page));
                }
            }
            Err(e) => {
                eprintln!("错误 error: {}: {e:#}", path.display());
                had_error = true;
            }
        }
    }
    if args.format == OcrFormat::Json {
        let results: Vec<FileResult<'_>> = pages
            .iter()
            .map(|(file, page)| FileResult {
                file: file.clone(),
                page,
            })
            .collect();
        let mut out = stdout.lock();
        serde_json::to_writer_pretty(&mut out, &results)?;
        writeln!(out)?;
    }
    Ok(if had_error {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

fn read_page(engine: &OcrEngine, options: &OcrOptions, path: &Path) -> anyhow::Result<Recognised> {
    let bytes = std::fs::read(path).with_context(|| "无法读取文件".to_string())?;
    if bytes.starts_with(b"%PDF-") {
        // Pages with a text layer are read as text, scanned pages by OCR.
        let reader = xiaobao_documents::EmbeddedOcr::with_options(options.clone());
        let name = path.file_name().and_then(|n| n.to_str());
        let doc = xiaobao_documents::read_document(
            &bytes,
            name,
            &xiaobao_documents::Limits::default(),
            Some(&reader),
        )
        .map_err(|e| anyhow!("{e}"))?;
        return Ok(Recognised::Pdf {
            text: doc.text,
            blocks: doc.blocks,
        });
    }
    let image = decode_image(&bytes).map_err(|e| anyhow!("{e}"))?;
    engine
        .recognize(&image, options)
        .map(Recognised::Image)
        .map_err(|e| anyhow!("{e}"))
}
