//! Prints what the reader makes of a file: format, pages, blocks and text.
//! `cargo run -p xiaobao-documents --example dump -- FILE`

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: dump FILE");
        std::process::exit(2);
    };
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    };
    let limits = xiaobao_documents::Limits::default();
    match xiaobao_documents::read_document(&bytes, Some(&path), &limits, None) {
        Ok(doc) => {
            println!(
                "format: {:?}, pages: {}, blocks: {}",
                doc.format,
                doc.pages.len(),
                doc.blocks.len()
            );
            let chars: Vec<char> = doc.text.chars().collect();
            for b in &doc.blocks {
                let text: String = chars[b.char_start..b.char_end].iter().collect();
                println!(
                    "p{} ¶{} {:?} {:?} {text}",
                    b.page, b.paragraph, b.kind, b.bbox
                );
            }
        }
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    }
}
