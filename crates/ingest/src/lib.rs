//! Files in and out of xiaobao.
//!
//! * [`complaints`]: complaint spreadsheets. Import from XLSX, CSV (UTF-8 or
//!   GB18030/GBK) and JSON Lines into [`xiaobao_domain::intake::ComplaintInput`]
//!   rows with per-cell errors, the import template, and streaming XLSX/CSV
//!   export of complaint lists.
//! * [`sniff`]: recognising a file from its content rather than its name, and
//!   decoding text files whatever encoding Excel in China saved them in.
//! * [`kb_workbook`]: the forbidden-words knowledge base as an Excel workbook.
//! * [`container`]: ZIP (Office Open XML) checks done before anything is
//!   decompressed: corrupt archives, encryption, size bombs.
//!
//! Every failure on user input is an error value with a Chinese message; nothing
//! here panics on a file's content.

pub mod complaints;
pub mod container;
pub mod error;
pub mod kb_workbook;
pub mod sniff;

pub use error::FileError;
