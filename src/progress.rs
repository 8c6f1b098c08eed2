//! Progress display for long steps (indicatif): spinners and bars on standard error, hidden
//! when quiet or when standard error is not a terminal, so logs and CI output stay clean.

use indicatif::{ProgressBar, ProgressStyle};
use std::time::Duration;

/// Hands out progress indicators, or hidden ones when `quiet`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Progress {
    pub quiet: bool,
}

impl Progress {
    pub fn new(quiet: bool) -> Self {
        Self { quiet }
    }

    /// A spinner for a step of unknown length; call `finish_and_clear` when done.
    pub fn spinner(&self, message: &str) -> ProgressBar {
        if self.quiet {
            return ProgressBar::hidden();
        }
        let pb = ProgressBar::new_spinner().with_message(message.to_string());
        pb.set_style(
            ProgressStyle::with_template("{spinner} {msg} {elapsed}").expect("valid template"),
        );
        pb.enable_steady_tick(Duration::from_millis(120));
        pb
    }

    /// A bar over `len` items.
    pub fn bar(&self, len: u64, message: &str) -> ProgressBar {
        if self.quiet {
            return ProgressBar::hidden();
        }
        let pb = ProgressBar::new(len).with_message(message.to_string());
        pb.set_style(
            ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} {elapsed} (eta {eta})")
                .expect("valid template")
                .progress_chars("=> "),
        );
        pb
    }
}
