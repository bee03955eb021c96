//! Timelines built by hand, for tests, benchmarks and examples: one-second windows, series in
//! the states a test names, estimates that match the states (p = 1 up, 0.5 lossy, 0 otherwise,
//! ten samples a window).
//!
//! ```
//! use rift_ingest::model::Channel;
//! use rift_reach::EdgeState;
//! use rift_reach::synthetic::{mesh, names, timeline};
//!
//! // Three nodes for a minute; n0 cannot send to n1 from second 20 to 40.
//! let nodes = names(3);
//! let edges = mesh(&nodes, Channel::Heartbeat, 60, |src, dst, w| {
//!     if (src, dst) == (0, 1) && (20..40).contains(&w) {
//!         EdgeState::Down
//!     } else {
//!         EdgeState::Up
//!     }
//! });
//! let t = timeline(nodes, edges, 60);
//! assert_eq!(t.edges.len(), 6);
//! ```

use std::collections::BTreeMap;

use rift_ingest::model::{Channel, NodeId};

use crate::model::{Basis, EdgeKey, EdgeState, Estimate, Segment, Thresholds, Timeline, WindowIdx};

/// One second, the windows of a synthetic timeline.
pub const WINDOW_NS: i64 = 1_000_000_000;

/// Nodes `n0`, `n1`, … `n{count-1}`.
pub fn names(count: usize) -> Vec<NodeId> {
    (0..count).map(|i| NodeId(format!("n{i}"))).collect()
}

/// A segment over windows `[start, end)` in `state`, with the estimate of ten samples a window.
pub fn segment(start: u32, end: u32, state: EdgeState) -> Segment {
    let p = match state {
        EdgeState::Up => 1.0,
        EdgeState::Lossy => 0.5,
        _ => 0.0,
    };
    Segment {
        start: WindowIdx(start),
        end: WindowIdx(end),
        evidence_end: WindowIdx(end),
        state,
        basis: Basis::OneWay,
        estimate: Some(Estimate {
            p,
            lo: p,
            hi: p,
            n: 10 * u64::from(end.saturating_sub(start)),
        }),
    }
}

/// The state of each of `windows` windows, run-length encoded into segments.
pub fn series(windows: u32, state: impl Fn(u32) -> EdgeState) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::new();
    for w in 0..windows {
        let s = state(w);
        match out.last_mut() {
            Some(last) if last.state == s => {
                last.end = WindowIdx(w + 1);
                last.evidence_end = last.end;
                if let Some(e) = last.estimate.as_mut() {
                    e.n += 10;
                }
            }
            _ => out.push(segment(w, w + 1, s)),
        }
    }
    out
}

/// Every direction between `nodes` on `channel`, each in the state `state(src, dst, window)`
/// gives (indices into `nodes`).
pub fn mesh(
    nodes: &[NodeId],
    channel: Channel,
    windows: u32,
    state: impl Fn(usize, usize, u32) -> EdgeState,
) -> BTreeMap<EdgeKey, Vec<Segment>> {
    let mut edges = BTreeMap::new();
    for (s, src) in nodes.iter().enumerate() {
        for (d, dst) in nodes.iter().enumerate().filter(|(d, _)| *d != s) {
            edges.insert(
                EdgeKey {
                    channel,
                    src: src.clone(),
                    dst: dst.clone(),
                    flow: None,
                },
                series(windows, |w| state(s, d, w)),
            );
        }
    }
    edges
}

/// A timeline of `windows` one-second windows from the Unix epoch over `nodes` (sorted here)
/// and `edges`, with the default thresholds and fill, and no round trips.
pub fn timeline(
    mut nodes: Vec<NodeId>,
    edges: BTreeMap<EdgeKey, Vec<Segment>>,
    windows: u32,
) -> Timeline {
    nodes.sort();
    Timeline {
        nodes,
        epoch_ns: 0,
        window_ns: WINDOW_NS,
        windows,
        thresholds: Thresholds::default(),
        fill_windows: 5,
        edges,
        round_trips: BTreeMap::new(),
    }
}
