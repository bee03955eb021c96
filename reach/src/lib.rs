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
//! ```
//! use rift_ingest::ObservationsBuilder;
//! use rift_ingest::model::{Channel, Evidence, NodeId, Observation};
//! use rift_reach::{EdgeState, TimelineBuilder, WindowIdx};
//!
//! // n1 sends n2 ten heartbeats a second and n2 counts those that arrive: all of them for ten
//! // seconds, then none for ten.
//! let mut rows = ObservationsBuilder::new();
//! for second in 0..20 {
//!     rows.push(Observation {
//!         ts_ns: second * 1_000_000_000,
//!         src: NodeId("n1".into()),
//!         dst: NodeId("n2".into()),
//!         channel: Channel::Heartbeat,
//!         flow: None,
//!         evidence: Evidence::OneWay,
//!         attempts: 10,
//!         delivered: if second < 10 { 10 } else { 0 },
//!         latency_ms: None,
//!         reporter: "n2".into(),
//!         origin: format!("counters.csv:{}", second + 2),
//!     });
//! }
//! let mut builder = TimelineBuilder::new();
//! builder.add(&rows.take_frame())?;
//! let timeline = builder.finish();
//!
//! let state = |w| timeline.state(Channel::Heartbeat, "n1", "n2", WindowIdx(w));
//! assert_eq!(state(5), Some(EdgeState::Up));
//! assert_eq!(state(15), Some(EdgeState::Down));
//! // Nothing was measured the other way: that direction has no series at all.
//! assert_eq!(timeline.state(Channel::Heartbeat, "n2", "n1", WindowIdx(15)), None);
//! for (key, segments) in &timeline.edges {
//!     println!("{} {}→{}: {} segments", key.channel, key.src, key.dst, segments.len());
//! }
//! # Ok::<(), rift_reach::Error>(())
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
