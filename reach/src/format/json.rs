//! The timeline as JSON, schema `rift.timeline/1`.
//!
//! ```text
//! {
//!   "schema": "rift.timeline/1",
//!   "epoch": "2026-11-22T02:59:43.000Z",   // start of window 0 (informative)
//!   "epoch_ns": 1795316383000000000,        // start of window 0, ns since the Unix epoch
//!   "window_ns": 1000000000,
//!   "windows": 67,
//!   "thresholds": { "up": 0.9, "down": 0.1 },
//!   "fill_windows": 5,
//!   "nodes": ["client", "n1", …],
//!   "edges": [                               // one per channel, ordered pair, flow (null = all)
//!     { "channel": "data", "src": "client", "dst": "n2", "flow": null,
//!       "segments": [
//!         { "start_window": 0, "end_window": 20,     // [start, end) in windows
//!           "start": "…Z", "end": "…Z",              // the same as times (informative)
//!           "state": "up" | "lossy" | "down" | "unknown",
//!           "basis": "one_way" | "round_trip" | "combined",
//!           "p": 1.0, "lo": 0.83, "hi": 1.0, "n": 40 } ] } ],   // p/lo/hi/n absent when unknown
//!   "round_trips": [                         // one per channel, unordered pair (a < b), flow
//!     { "channel": "data", "a": "client", "b": "n2", "flow": null, "segments": [ … ] } ]
//! }
//! ```
//!
//! Readers must ignore fields they do not know; a change that removes or redefines a field
//! bumps the schema version.

use std::collections::BTreeMap;
use std::io::{self, Write};

use rift_ingest::format_ts;
use rift_ingest::model::{Channel, NodeId};
use serde::{Deserialize, Serialize};

use super::{Format, View};
use crate::error::Error;
use crate::model::{
    Basis, EdgeKey, EdgeState, Estimate, PairKey, Segment, Thresholds, Timeline, WindowIdx,
};

/// The schema identifier written in every document.
pub const SCHEMA: &str = "rift.timeline/1";

#[derive(Serialize, Deserialize)]
struct SegmentDoc {
    start_window: u32,
    end_window: u32,
    /// Where the evidence of the state ends, when the state is carried on after it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    evidence_end_window: Option<u32>,
    #[serde(default, skip_deserializing)]
    start: String,
    #[serde(default, skip_deserializing)]
    end: String,
    state: EdgeState,
    basis: Basis,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    p: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    lo: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    hi: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    n: Option<u64>,
}

#[derive(Serialize, Deserialize)]
struct EdgeDoc {
    channel: Channel,
    src: NodeId,
    dst: NodeId,
    flow: Option<String>,
    segments: Vec<SegmentDoc>,
}

#[derive(Serialize, Deserialize)]
struct PairDoc {
    channel: Channel,
    a: NodeId,
    b: NodeId,
    flow: Option<String>,
    segments: Vec<SegmentDoc>,
}

#[derive(Serialize, Deserialize)]
struct TimelineDoc {
    schema: String,
    #[serde(default, skip_deserializing)]
    epoch: String,
    epoch_ns: i64,
    window_ns: i64,
    windows: u32,
    thresholds: Thresholds,
    fill_windows: u32,
    nodes: Vec<NodeId>,
    edges: Vec<EdgeDoc>,
    round_trips: Vec<PairDoc>,
}

fn seg_doc(t: &Timeline, s: &Segment) -> SegmentDoc {
    SegmentDoc {
        start_window: s.start.0,
        end_window: s.end.0,
        evidence_end_window: (s.evidence_end != s.end).then_some(s.evidence_end.0),
        start: format_ts(t.window_start(s.start)),
        end: format_ts(t.window_start(s.end)),
        state: s.state,
        basis: s.basis,
        p: s.estimate.map(|e| e.p),
        lo: s.estimate.map(|e| e.lo),
        hi: s.estimate.map(|e| e.hi),
        n: s.estimate.map(|e| e.n),
    }
}

fn segment(d: SegmentDoc) -> Segment {
    let estimate = match (d.p, d.lo, d.hi, d.n) {
        (Some(p), Some(lo), Some(hi), Some(n)) => Some(Estimate { p, lo, hi, n }),
        _ => None,
    };
    Segment {
        start: WindowIdx(d.start_window),
        end: WindowIdx(d.end_window),
        evidence_end: WindowIdx(d.evidence_end_window.unwrap_or(d.end_window)),
        state: d.state,
        basis: d.basis,
        estimate,
    }
}

/// Writes the timeline as `rift.timeline/1` JSON.
#[derive(Clone, Copy, Debug, Default)]
pub struct Json;

impl Format for Json {
    fn write(&self, t: &Timeline, view: &View, out: &mut dyn Write) -> io::Result<()> {
        let keep = |c: Channel| view.channel.is_none_or(|x| x == c);
        let doc = TimelineDoc {
            schema: SCHEMA.to_owned(),
            epoch: format_ts(t.epoch_ns),
            epoch_ns: t.epoch_ns,
            window_ns: t.window_ns,
            windows: t.windows,
            thresholds: t.thresholds,
            fill_windows: t.fill_windows,
            nodes: t.nodes.clone(),
            edges: t
                .edges
                .iter()
                .filter(|(k, _)| keep(k.channel))
                .map(|(k, segs)| EdgeDoc {
                    channel: k.channel,
                    src: k.src.clone(),
                    dst: k.dst.clone(),
                    flow: k.flow.clone(),
                    segments: segs.iter().map(|s| seg_doc(t, s)).collect(),
                })
                .collect(),
            round_trips: t
                .round_trips
                .iter()
                .filter(|(k, _)| keep(k.channel))
                .map(|(k, segs)| PairDoc {
                    channel: k.channel,
                    a: k.a.clone(),
                    b: k.b.clone(),
                    flow: k.flow.clone(),
                    segments: segs.iter().map(|s| seg_doc(t, s)).collect(),
                })
                .collect(),
        };
        serde_json::to_writer_pretty(&mut *out, &doc).map_err(io::Error::other)?;
        writeln!(out)
    }
}

/// Reads a `rift.timeline/1` document.
pub fn read(text: &str) -> Result<Timeline, Error> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| Error::BadJson(e.to_string()))?;
    let schema = value
        .get("schema")
        .and_then(|s| s.as_str())
        .unwrap_or("(none)");
    if schema != SCHEMA {
        return Err(Error::BadJson(format!(
            "schema '{schema}' is not supported (expected '{SCHEMA}')"
        )));
    }
    let doc: TimelineDoc =
        serde_json::from_value(value).map_err(|e| Error::BadJson(e.to_string()))?;
    let edges: BTreeMap<EdgeKey, Vec<Segment>> = doc
        .edges
        .into_iter()
        .map(|e| {
            let key = EdgeKey {
                channel: e.channel,
                src: e.src,
                dst: e.dst,
                flow: e.flow,
            };
            (key, e.segments.into_iter().map(segment).collect())
        })
        .collect();
    let round_trips: BTreeMap<PairKey, Vec<Segment>> = doc
        .round_trips
        .into_iter()
        .map(|p| {
            let key = PairKey {
                channel: p.channel,
                a: p.a,
                b: p.b,
                flow: p.flow,
            };
            (key, p.segments.into_iter().map(segment).collect())
        })
        .collect();
    Ok(Timeline {
        nodes: doc.nodes,
        epoch_ns: doc.epoch_ns,
        window_ns: doc.window_ns,
        windows: doc.windows,
        thresholds: doc.thresholds,
        fill_windows: doc.fill_windows,
        edges,
        round_trips,
    })
}
