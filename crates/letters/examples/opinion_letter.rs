//! Writes a sample opinion letter as DOCX and PDF into the given directory
//! (default: the current one), for looking at in Word, WPS or a PDF reader.

use xiaobao_letters::{Block, Letter, to_docx, to_pdf};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args().nth(1).unwrap_or_else(|| ".".into());
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
            Block::Heading("一、审查结论".into()),
            Block::Paragraph(
                "经审查，“稳盈1号”理财产品宣传材料存在夸大收益、承诺保本等问题，需按下列意见修改后重新报审。\n\
                 审查依据：《银行保险机构消费者权益保护管理办法》（国家金融监督管理总局令2023年第7号）。"
                    .into(),
            ),
            Block::Heading("二、具体意见".into()),
            Block::Table {
                header: vec!["序号".into(), "问题原文".into(), "问题类型".into(), "修改意见".into()],
                rows,
                widths: vec![1, 5, 2, 6],
            },
            Block::Paragraph("请于收到本意见书之日起五个工作日内完成修改，并将修改稿连同本意见书一并提交复审。".into()),
            Block::Signature(vec!["某某银行消费者权益保护部".into(), "2026年11月27日".into()]),
        ],
    };
    std::fs::write(format!("{dir}/opinion-letter.docx"), to_docx(&letter)?)?;
    std::fs::write(format!("{dir}/opinion-letter.pdf"), to_pdf(&letter)?)?;
    Ok(())
}
