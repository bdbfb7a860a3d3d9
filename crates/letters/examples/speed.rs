//! How long writing a long letter takes: an opinion letter of 60 opinions
//! (six PDF pages) written N times as PDF and as DOCX, in one process.
//!
//! `cargo run --release -p xiaobao-letters --example speed -- 500`

use std::time::Instant;

use xiaobao_letters::{Block, Letter, LetterError, to_docx, to_pdf};

type Writer = fn(&Letter) -> Result<Vec<u8>, LetterError>;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let runs: u32 = std::env::args()
        .nth(1)
        .map(|n| n.parse())
        .transpose()?
        .unwrap_or(200);
    let rows = (1..=60)
        .map(|i| {
            vec![
                i.to_string(),
                format!("第{i}条宣传语：本产品收益稳定，历史业绩优异，年化收益高达 8%，购买即享高额回报。"),
                "夸大收益".to_string(),
                format!("删除“收益稳定”“高额回报”等表述，补充风险揭示，并标明业绩比较基准的测算依据（意见编号 OP-{i:03}）。"),
            ]
        })
        .collect();
    let letter = Letter {
        title: "消保审查意见书".into(),
        reference: Some("审查编号：SC20261127000001".into()),
        blocks: vec![
            Block::Heading("审查意见".into()),
            Block::Table {
                header: vec![
                    "序号".into(),
                    "问题原文".into(),
                    "问题类型".into(),
                    "修改意见".into(),
                ],
                rows,
                widths: vec![1, 5, 2, 6],
            },
            Block::Signature(vec![
                "某某银行消费者权益保护部".into(),
                "2026年11月27日".into(),
            ]),
        ],
    };
    let writers: [(&str, Writer); 2] = [("PDF", to_pdf), ("DOCX", to_docx)];
    for (name, write) in writers {
        let size = write(&letter)?.len();
        let start = Instant::now();
        for _ in 0..runs {
            std::hint::black_box(write(std::hint::black_box(&letter))?);
        }
        let each = start.elapsed().as_secs_f64() * 1000.0 / f64::from(runs);
        println!("{name}: {each:.2} ms per letter, {size} bytes ({runs} runs)");
    }
    Ok(())
}
