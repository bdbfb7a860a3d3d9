//! Complaint files in and out: imports from XLSX/CSV/JSON Lines through the
//! same intake path as the API, and exports of any filtered list to XLSX with
//! personal data masked and no row cap.

use std::io::Write;

use chrono::{DateTime, NaiveDate, Utc};
use xiaobao_domain::actor::Actor;
use xiaobao_domain::complaint::china_date;
use xiaobao_domain::names::from_name;
use xiaobao_domain::taxonomy::Dimension;
use xiaobao_ingest::FileError;
use xiaobao_ingest::complaints::{
    Cell, ComplaintExportWriter, ExportColumn, ReadOptions, read_complaints,
};
use xiaobao_store::complaints::{ComplaintFilter, ComplaintRow};

use crate::Services;
use crate::intake::{ImportReport, IntakeError, RowError};

/// Why an import or export failed as a whole.
#[derive(Debug, thiserror::Error)]
pub enum TransferError {
    #[error(transparent)]
    File(#[from] FileError),
    #[error(transparent)]
    Intake(#[from] IntakeError),
    #[error(transparent)]
    Store(#[from] xiaobao_store::StoreError),
    #[error("导出失败 export failed: {0}")]
    Export(String),
}

const EXPORT_CHUNK: i64 = 2_000;

impl Services {
    /// Reads a complaint file (format sniffed from its content) and imports it
    /// all-or-nothing; see [`Services::import_complaints`].
    pub async fn import_file(
        &self,
        actor: &Actor,
        bytes: &[u8],
        dry_run: bool,
        now: DateTime<Utc>,
    ) -> Result<ImportReport, TransferError> {
        // The segmenter's dictionary and the knowledge base's tables load
        // on first use; load them while the file is being read instead of
        // when its first rows are prepared.
        let warm_up = {
            let services = self.clone();
            std::thread::spawn(move || services.warm_up_preparation())
        };
        let parsed = read_complaints(bytes, &ReadOptions::default());
        // Preparation waits for the tables in any case.
        let _ = warm_up.join();
        let parsed = parsed?;
        let rows = parsed
            .into_iter()
            .map(|p| {
                let input = p.input.map_err(|errs| {
                    errs.into_iter()
                        .map(|e| RowError {
                            row: e.row,
                            column: e.column,
                            message: e.message,
                        })
                        .collect()
                });
                (p.row, input)
            })
            .collect();
        Ok(self.import_complaints(actor, rows, dry_run, now).await?)
    }

    /// Writes every complaint matching `filter` in the actor's scope as XLSX
    /// to `out`, newest first; personal data masked. Returns the row count.
    pub async fn export_xlsx<W: Write + Send>(
        &self,
        actor: &Actor,
        filter: &ComplaintFilter,
        out: W,
    ) -> Result<u64, TransferError> {
        let columns: Vec<ExportColumn> = EXPORT_HEADERS
            .iter()
            .map(|(h, w)| ExportColumn::new(*h).with_width(*w))
            .collect();
        let export_err =
            |e: xiaobao_ingest::complaints::ExportError| TransferError::Export(e.to_string());
        let mut writer = ComplaintExportWriter::new(columns).map_err(export_err)?;
        let today = china_date(Utc::now());
        let at_risk = i64::from(self.policy().at_risk_threshold_days);
        let mut after: Option<(String, String)> = None;
        loop {
            let chunk = self
                .store
                .export_chunk(
                    actor,
                    filter,
                    after.as_ref().map(|(a, b)| (a.as_str(), b.as_str())),
                    EXPORT_CHUNK,
                    today,
                    at_risk,
                )
                .await?;
            for row in &chunk {
                writer
                    .write_row(&self.export_cells(row))
                    .map_err(export_err)?;
            }
            match chunk.last() {
                Some(last) if chunk.len() as i64 == EXPORT_CHUNK => {
                    after = Some((last.received_at.clone(), last.id.clone()));
                }
                _ => break,
            }
        }
        let rows = writer.rows_written();
        writer.finish_to(out).map_err(export_err)?;
        Ok(rows)
    }

    fn export_cells<'a>(&self, r: &'a ComplaintRow) -> Vec<Cell<'a>> {
        let name = |dim: Dimension, code: &str| -> Cell<'a> {
            Cell::from(
                self.taxonomy()
                    .lookup(dim, code)
                    .map(|e| e.name.clone())
                    .unwrap_or_else(|| code.to_string()),
            )
        };
        let date = |s: &Option<String>| -> Cell<'a> {
            s.as_deref()
                .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                .map(Cell::from)
                .unwrap_or(Cell::Empty)
        };
        let received = NaiveDate::parse_from_str(&r.received_on, "%Y-%m-%d")
            .map(Cell::from)
            .unwrap_or(Cell::Empty);
        vec![
            Cell::from(r.number.as_str()),
            received,
            name(Dimension::Source, &r.source),
            name(Dimension::Channel, &r.channel),
            name(Dimension::BusinessCategory, &r.business_category),
            name(Dimension::Reason, &r.reason),
            Cell::from(r.title.as_str()),
            Cell::from(r.content.as_str()),
            Cell::from(r.name_masked.as_deref()),
            Cell::from(r.phone_masked.as_deref()),
            Cell::from(r.org_name.as_str()),
            Cell::from(r.assignee.as_deref()),
            Cell::from(state_label(&r.state)),
            date(&r.due_on),
            date(&r.finished_on),
            r.amount_fen.map(Cell::AmountFen).unwrap_or(Cell::Empty),
            r.compensation_fen
                .map(Cell::AmountFen)
                .unwrap_or(Cell::Empty),
            Cell::from(
                r.satisfaction
                    .as_deref()
                    .map(satisfaction_label)
                    .unwrap_or(""),
            ),
            Cell::from(r.external_id.as_deref()),
        ]
    }
}

const EXPORT_HEADERS: [(&str, f64); 19] = [
    ("投诉编号", 20.0),
    ("收到日期", 12.0),
    ("投诉来源", 14.0),
    ("办理渠道", 12.0),
    ("业务类别", 12.0),
    ("投诉原因", 22.0),
    ("标题", 30.0),
    ("投诉内容（已脱敏）", 60.0),
    ("投诉人（已脱敏）", 12.0),
    ("联系电话（已脱敏）", 14.0),
    ("责任机构", 16.0),
    ("处理人", 12.0),
    ("状态", 12.0),
    ("办理期限", 12.0),
    ("办结/告知日期", 12.0),
    ("争议金额（元）", 12.0),
    ("补偿金额（元）", 12.0),
    ("满意度", 10.0),
    ("外部编号", 16.0),
];

fn state_label(state: &str) -> &'static str {
    from_name::<xiaobao_domain::complaint::ComplaintState>(state)
        .map(|s| s.label_zh())
        .unwrap_or("")
}

fn satisfaction_label(s: &str) -> &'static str {
    from_name::<xiaobao_domain::complaint::Satisfaction>(s)
        .map(|s| s.label_zh())
        .unwrap_or("")
}
