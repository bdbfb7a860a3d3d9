//! Export (and re-import) speed for a large complaint list.
//!
//! ```text
//! cargo run --release -p xiaobao-ingest --example export_bench -- [ROWS] [DIR]
//! ```
//!
//! Writes ROWS (default 200,000) masked complaint rows in the 21 import
//! columns to `DIR/export_bench.xlsx` and `.csv` (DIR defaults to the system
//! temp directory), reads the XLSX back with the importer, and prints times,
//! sizes and the process's peak resident memory.

use std::fs::File;
use std::io::BufWriter;
use std::path::PathBuf;
use std::time::Instant;

use chrono::{Duration, NaiveDate};
use xiaobao_ingest::complaints::{
    COLUMNS, Cell, ComplaintExportWriter, CsvExportWriter, ExportColumn, ReadOptions, read_xlsx,
};

const CHANNELS: [&str; 4] = ["电话渠道", "营业现场", "移动客户端", "网银渠道"];
const CONTENTS: [&str; 4] = [
    "客户反映信用卡年费未经告知被扣收，要求退还年费并说明收费依据。",
    "客户称在营业网点办理业务排队时间过长，柜员服务态度差，要求道歉。",
    "客户反映手机银行转账失败但账户已扣款，资金未到账，要求尽快核实处理。",
    "客户称接到催收电话频繁，影响正常生活，要求停止骚扰并规范催收行为。",
];

fn row(i: usize, day: NaiveDate) -> Vec<Cell<'static>> {
    let mut r = vec![Cell::Empty; COLUMNS.len()];
    r[0] = Cell::Date(day - Duration::days((i % 365) as i64));
    r[1] = Cell::from(CHANNELS[i % CHANNELS.len()]);
    r[2] = Cell::from("银行卡");
    r[3] = Cell::from("信用卡");
    r[4] = Cell::from("定价收费");
    r[5] = Cell::from(format!("{}（第 {i} 件）", CONTENTS[i % CONTENTS.len()]));
    r[7] = Cell::from("自有渠道");
    r[8] = Cell::from(format!("01{:02}", i % 40));
    r[9] = Cell::from(format!("WO{:010}", i));
    r[10] = Cell::from("张*");
    r[11] = Cell::from(format!("138****{:04}", i % 10_000));
    r[12] = Cell::from(format!("110101********{:04}", i % 10_000));
    r[13] = Cell::from(format!("6222 **** **** {:04}", i % 10_000));
    r[15] = Cell::from("申请退费、补偿");
    r[18] = Cell::AmountFen((i as i64 * 37) % 1_000_000);
    r
}

fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let rows: usize = args
        .next()
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(200_000);
    let dir: PathBuf = args.next().map_or_else(std::env::temp_dir, PathBuf::from);
    let day = NaiveDate::from_ymd_opt(2026, 11, 2).ok_or("date")?;
    let columns: Vec<ExportColumn> = COLUMNS
        .iter()
        .map(|c| ExportColumn::new(c.header).with_width(c.width))
        .collect();

    let xlsx_path = dir.join("export_bench.xlsx");
    let start = Instant::now();
    let mut writer = ComplaintExportWriter::new(columns.clone())?;
    for i in 0..rows {
        writer.write_row(&row(i, day))?;
    }
    let rows_done = start.elapsed();
    writer.finish_to(BufWriter::new(File::create(&xlsx_path)?))?;
    let xlsx_time = start.elapsed();
    let xlsx_size = std::fs::metadata(&xlsx_path)?.len();
    let rss_after_xlsx = peak_rss_mb();
    println!(
        "xlsx export: {rows} rows × {} columns in {:.2} s (rows {:.2} s + assemble {:.2} s), {:.0} rows/s, {:.1} MB, peak RSS {:.0} MB",
        COLUMNS.len(),
        xlsx_time.as_secs_f64(),
        rows_done.as_secs_f64(),
        (xlsx_time - rows_done).as_secs_f64(),
        rows as f64 / xlsx_time.as_secs_f64(),
        xlsx_size as f64 / 1e6,
        rss_after_xlsx.unwrap_or(f64::NAN),
    );

    let csv_path = dir.join("export_bench.csv");
    let start = Instant::now();
    let mut csv = CsvExportWriter::new(BufWriter::new(File::create(&csv_path)?), &columns)?;
    for i in 0..rows {
        csv.write_row(&row(i, day))?;
    }
    csv.finish()?;
    let csv_time = start.elapsed();
    println!(
        "csv export:  {rows} rows in {:.2} s, {:.0} rows/s, {:.1} MB",
        csv_time.as_secs_f64(),
        rows as f64 / csv_time.as_secs_f64(),
        std::fs::metadata(&csv_path)?.len() as f64 / 1e6,
    );

    let bytes = std::fs::read(&xlsx_path)?;
    let start = Instant::now();
    let parsed = read_xlsx(&bytes, &ReadOptions::default())?;
    let read_time = start.elapsed();
    let bad = parsed.iter().filter(|r| r.input.is_err()).count();
    println!(
        "xlsx import: {} rows in {:.2} s, {:.0} rows/s, {bad} rows with errors, peak RSS {:.0} MB",
        parsed.len(),
        read_time.as_secs_f64(),
        parsed.len() as f64 / read_time.as_secs_f64(),
        peak_rss_mb().unwrap_or(f64::NAN),
    );
    Ok(())
}
