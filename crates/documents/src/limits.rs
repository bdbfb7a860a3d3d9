//! Bounds on what one document may cost to read.

/// Limits checked before the expensive work is done. The defaults suit
/// marketing material and agreements; a bank may raise them for archives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Size of the file itself.
    pub max_bytes: u64,
    /// Pages of a PDF (a sheet counts as a page in a workbook).
    pub max_pages: usize,
    /// Sum of the declared uncompressed sizes of a DOCX/XLSX archive; the
    /// ZIP reader stops every entry at its declared size, so this bounds
    /// memory and time whatever the compression ratio.
    pub max_zip_uncompressed: u64,
    /// Entries in a DOCX/XLSX archive.
    pub max_zip_entries: usize,
    /// Width × height of one image, checked from its header before decoding.
    pub max_image_pixels: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 50 * 1024 * 1024,
            max_pages: 2_000,
            max_zip_uncompressed: 200 * 1024 * 1024,
            max_zip_entries: 10_000,
            max_image_pixels: 64_000_000,
        }
    }
}

impl Limits {
    pub(crate) fn zip(&self) -> xiaobao_ingest::container::ZipLimits {
        xiaobao_ingest::container::ZipLimits {
            max_uncompressed_bytes: self.max_zip_uncompressed,
            max_entries: self.max_zip_entries,
        }
    }

    /// Bound on one decompressed PDF stream (page content, fonts, images).
    pub(crate) fn stream_bytes(&self) -> usize {
        usize::try_from(self.max_zip_uncompressed).unwrap_or(usize::MAX)
    }
}
