//! rift-reach: the second stage of the pipeline (`ingest → reach → classify → replay → reports`).
//!
//! It turns the observations table of [`rift_ingest`] into a [`Timeline`]: for every window
//! (1 s by default), channel and **ordered** pair of nodes, a delivery estimate with a Wilson
//! interval and sample size, and a state — up, lossy, down, or unknown. The timeline is stored as
//! change points ([`Segment`]s) per edge, so a long incident stays small.
//!
//! # The estimator
//!
//! Per window, channel and pair {a, b}:
//!
//! 1. **One-way evidence** (a sender's count paired with the receiver's) pins a direction:
//!    p(a→b) = delivered / attempts, state by the thresholds ([`Thresholds`]).
//! 2. **Round-trip evidence** (requests a→b answered b→a, pooled over both orientations)
//!    measures the product q = p(a→b)·p(b→a):
//!    - q up ⇒ both directions are up (q is a lower bound on each);
//!    - q not up and the reverse direction is known up from one-way evidence ⇒
//!      p(a→b) ≈ q / p(b→a) (basis `combined`);
//!    - otherwise the direction that failed cannot be told: the direction's state is `unknown`
//!      and the pair's round-trip series ([`Timeline::round_trips`]) carries the failure.
//! 3. A window with no evidence for a series carries the previous state forward for up to the
//!    fill time (default 5 s) — probes are not sent every window — and is a gap after that.
//!
//! Segments pool the counts of their windows, so a segment's estimate is the pooled estimate.
//!
//! ```no_run
//! use rift_reach::TimelineBuilder;
//! # fn demo(observations: &polars::prelude::DataFrame) -> Result<(), rift_reach::Error> {
//! let mut builder = TimelineBuilder::new();
//! builder.add(observations)?;
//! let timeline = builder.finish();
//! for (key, segments) in &timeline.edges {
//!     println!("{} {}→{}: {} segments", key.channel, key.src, key.dst, segments.len());
//! }
//! # Ok(()) }
//! ```

// Input decides nothing here by panicking: a value that may be missing is an error or a
// skipped row, never an `unwrap` (tests may unwrap; clippy.toml allows it there).
#![deny(clippy::unwrap_used, clippy::expect_used)]

mod build;
mod error;
mod estimate;
pub mod format;
pub mod model;
mod snapshot;
pub mod synthetic;
mod trail;

pub use build::{MAX_CELLS, MAX_WINDOWS, TimelineBuilder};
pub use error::Error;
pub use estimate::wilson;
pub use model::{
    Basis, Direction, EdgeKey, EdgeState, Estimate, PairKey, Segment, Thresholds, Timeline,
    WindowIdx, segment_at,
};
pub use snapshot::Snapshot;
pub use trail::{Trace, TraceKey, Trail};
