//! Progress on stderr for inputs long enough to wait for.
//!
//! A bar is drawn only when standard error is a terminal (indicatif hides it
//! otherwise), so scripts that capture stderr see nothing but errors, and
//! only for work of at least [`Progress::MIN_UNITS`] texts or
//! [`Progress::MIN_BYTES`] of input, so short runs stay quiet.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A progress bar on stderr, or nothing.
pub struct Progress(ProgressBar);

impl Progress {
    /// Work below this size (documents, or KiB for byte counts) finishes
    /// before a bar would be worth reading.
    pub const MIN_UNITS: u64 = 20_000;

    /// Input below this many bytes is short for a byte-counted bar.
    pub const MIN_BYTES: u64 = 8 << 20;

    /// A bar for `total` units of `what` (e.g. "分词", "分类").
    pub fn new(total: u64, what: &str) -> Progress {
        Progress::drawn_from(total, Self::MIN_UNITS, what)
    }

    /// A bar over `bytes` of input, counted in KiB.
    pub fn bytes(bytes: u64, what: &str) -> Progress {
        Progress::drawn_from(bytes / 1024, Self::MIN_BYTES / 1024, what)
    }

    fn drawn_from(total: u64, min: u64, what: &str) -> Progress {
        let bar = if total < min {
            ProgressBar::hidden()
        } else {
            let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
            if let Ok(style) =
                ProgressStyle::with_template("{msg} [{bar:32}] {percent:>3}% 剩余 {eta}")
            {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.set_message(what.to_string());
            bar
        };
        Progress(bar)
    }

    /// Whether nothing will be drawn.
    #[cfg(test)]
    pub fn is_hidden(&self) -> bool {
        self.0.is_hidden()
    }

    /// Marks `n` more units done (safe from any thread).
    pub fn inc(&self, n: u64) {
        self.0.inc(n);
    }

    /// Marks `bytes` more input done, for a bar made by [`Progress::bytes`].
    pub fn inc_bytes(&self, bytes: u64) {
        self.0.inc(bytes / 1024);
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.0.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_work_draws_nothing() {
        assert!(Progress::new(Progress::MIN_UNITS - 1, "分词").is_hidden());
        assert!(
            Progress::bytes(1 << 20, "分词").is_hidden(),
            "1 MiB is short"
        );
    }
}
