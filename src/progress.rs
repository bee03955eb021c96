//! The progress bar on long reads and the spinner on long steps, hidden when stderr is not a
//! terminal.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Shows bytes read against the export's size.
pub(crate) struct Bar {
    bar: ProgressBar,
}

impl Bar {
    pub(crate) fn new() -> Self {
        let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} {msg:30!} {bar:30} {bytes}/{total_bytes} {elapsed}",
            )
            .expect("the progress template is valid"),
        );
        Bar { bar }
    }
}

impl rift_ingest::Progress for Bar {
    fn start(&self, total_bytes: u64) {
        self.bar.set_length(total_bytes);
    }

    fn advance(&self, bytes: u64) {
        self.bar.inc(bytes);
    }

    fn file(&self, rel: &str) {
        self.bar.set_message(crate::inert::text(rel).into_owned());
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// A spinner with a message for a step that has no measurable progress (a replay); cleared
/// when dropped.
pub(crate) struct Spinner {
    bar: ProgressBar,
}

impl Spinner {
    pub(crate) fn new(msg: String) -> Self {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg} {elapsed}")
                .expect("the spinner template is valid"),
        );
        bar.set_message(msg);
        bar.enable_steady_tick(Duration::from_millis(120));
        Spinner { bar }
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}
