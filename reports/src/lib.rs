//! rift-reports: the last stage of the pipeline (`ingest → reach → classify → replay →
//! reports`), review reports.
//!
//! [`Report::build`] gathers what a postmortem review reads from the pipeline's results: the
//! summary, the timeline, the pictures ([`svg`]), the four questions of the gap analysis, the
//! replay comparison, the operational invariants, similar public incidents ([`similar`]) and
//! the accounting of the input. A [`Format`] renders it with the minijinja templates in
//! `reports/templates/`: [`Html`], one self-contained file with inline SVG and no script, or
//! [`Markdown`], for pasting into a postmortem document. [`write()`] puts the result in place
//! atomically.
//!
//! Everything that came from input files is escaped on the way out ([`text`]).

// Input decides nothing here by panicking: a value that may be missing is an error or a
// skipped row, never an `unwrap` (tests may unwrap; clippy.toml allows it there).
#![deny(clippy::unwrap_used, clippy::expect_used)]

mod doc;
mod error;
pub mod format;
pub mod similar;
pub mod svg;
pub mod text;
mod write;

pub use doc::{
    AccountingView, DetectorView, EpisodeView, EventRow, EvidenceView, Figures, FileRow, FixView,
    GapView, Inputs, InvariantsView, ReplayView, Report, SimilarView, Story, Summary, WritesRow,
};
pub use error::Error;
pub use format::{Format, Html, Markdown, Rendered};
pub use similar::Similar;
pub use svg::Figure;
pub use write::{atomic, write};
