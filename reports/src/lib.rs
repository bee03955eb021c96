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
//!
//! ```
//! use rift_classify::{Options, Verdict, classify};
//! use rift_ingest::model::Channel;
//! use rift_ingest::{Accounting, Invariants};
//! use rift_reach::EdgeState;
//! use rift_reach::synthetic::{mesh, names, timeline};
//! use rift_reports::{Format, Inputs, Markdown, Report};
//!
//! // Three nodes for a minute; n2 is cut off both ways from second 20 to 40.
//! let nodes = names(3);
//! let edges = mesh(&nodes, Channel::Heartbeat, 60, |src, dst, w| {
//!     let cut = (src == 2 || dst == 2) && (20..40).contains(&w);
//!     if cut { EdgeState::Down } else { EdgeState::Up }
//! });
//! let timeline = timeline(nodes, edges, 60);
//! let classification = classify(&timeline, None, &[], &Options::default());
//! let verdict = Verdict::new(None, classification, None, &[]);
//! let report = Report::build(&Inputs {
//!     source: "a synthetic timeline",
//!     verdict: &verdict,
//!     timeline: &timeline,
//!     events: &[],
//!     accounting: &Accounting::default(),
//!     invariants: &Invariants::default(),
//!     replay: Err("not replayed in this example".into()),
//!     replay_command: String::new(),
//!     similar: Ok(Vec::new()),
//!     generator: "rift-reports example".into(),
//! });
//! // Without a figures folder the Markdown leaves the pictures out: one document, no files.
//! let rendered = Markdown { figures: None }.render(&report)?;
//! assert!(rendered.files.is_empty());
//! assert!(rendered.document.contains("n2 cut off"));
//! print!("{}", rendered.document);
//! # Ok::<(), rift_reports::Error>(())
//! ```

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
