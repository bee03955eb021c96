//! What the classifier returns: episodes with their edges and evidence.

use rift_ingest::model::{Channel, NodeId};
use rift_reach::Direction;
use serde::Serialize;

use crate::mode::{Mode, Subtype};

/// One edge of an episode.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EpisodeEdge {
    /// The channel it was seen on.
    pub channel: Channel,
    /// For `one_way`, the sender whose traffic is lost; otherwise the first node of the pair.
    pub from: NodeId,
    /// For `one_way`, the receiver that does not get it; otherwise the second node.
    pub to: NodeId,
    /// `one_way` (only `from → to` fails), `both`, or `unknown` (round trips fail; which
    /// direction cannot be told).
    pub direction: EdgeDirection,
    /// The flow, for per-flow findings.
    pub flow: Option<String>,
    /// `down` or `lossy`: the worst state seen.
    pub state: &'static str,
    /// Lowest delivery estimate seen over the episode, where the evidence gives one.
    pub p: Option<f64>,
    /// Largest sample size behind an estimate of this edge.
    pub n: u64,
}

/// Which way an episode edge fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EdgeDirection {
    /// Only `from → to` fails.
    OneWay,
    /// Both directions fail.
    Both,
    /// Round trips fail; the failing direction cannot be told.
    Unknown,
}

impl EdgeDirection {
    pub(crate) fn from_reach(d: Direction) -> Self {
        match d {
            Direction::Forward | Direction::Reverse => EdgeDirection::OneWay,
            Direction::Both => EdgeDirection::Both,
            Direction::Unknown => EdgeDirection::Unknown,
        }
    }

    /// Directed edges this counts for in edge-seconds.
    pub(crate) fn weight(self) -> f64 {
        match self {
            EdgeDirection::Both => 2.0,
            EdgeDirection::OneWay | EdgeDirection::Unknown => 1.0,
        }
    }

    /// The arrow used in text output.
    pub fn arrow(self) -> &'static str {
        match self {
            EdgeDirection::OneWay => "→",
            EdgeDirection::Both => "⇹",
            EdgeDirection::Unknown => "⇄?",
        }
    }
}

/// An input row behind an episode.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EvidenceRow {
    /// Time of the row (RFC 3339, UTC).
    pub ts: String,
    /// Channel.
    pub channel: Channel,
    /// Sender or requester.
    pub src: NodeId,
    /// Receiver or responder.
    pub dst: NodeId,
    /// `failing` where the series turned from delivering to failing, `recovered` where it
    /// turned back.
    pub turn: &'static str,
    /// Deliveries of the row.
    pub delivered: u32,
    /// Attempts of the row.
    pub attempts: u32,
    /// `file:line` of the row.
    pub origin: String,
}

/// How often and how fast a flapping episode flapped.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Flaps {
    /// Down phases counted.
    pub cycles: u32,
    /// Mean time from one down phase's start to the next, seconds.
    pub period_s: f64,
}

/// A span of time with one finding.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Episode {
    /// 1-based number in time order.
    pub id: usize,
    /// The mode.
    pub mode: Mode,
    /// Its refinement, where the mode has one.
    pub subtype: Option<Subtype>,
    /// Start (RFC 3339).
    pub start: String,
    /// End, exclusive (RFC 3339).
    pub end: String,
    /// Start, ns since the epoch.
    pub start_ns: i64,
    /// End, ns since the epoch.
    pub end_ns: i64,
    /// The nodes the finding is about: the side that was cut off, the gray or crashed node,
    /// or every node of the affected edges.
    pub subject: Vec<NodeId>,
    /// The failing edges.
    pub edges: Vec<EpisodeEdge>,
    /// Channels the edges were seen on.
    pub channels: Vec<Channel>,
    /// Failing directed edges × seconds (an edge failing both ways counts twice).
    pub edge_seconds: f64,
    /// 0–1: how firmly the evidence supports the finding (see the crate docs).
    pub confidence: f64,
    /// Caveats and the reasoning in words.
    pub notes: Vec<String>,
    /// For flapping episodes, the cycles.
    pub flaps: Option<Flaps>,
    /// Input rows where the episode's series turned (at most 24; see `evidence_total`).
    pub evidence: Vec<EvidenceRow>,
    /// How many such rows there were in all.
    pub evidence_total: usize,
}

impl Episode {
    /// Duration in seconds.
    pub fn duration_s(&self) -> f64 {
        (self.end_ns - self.start_ns) as f64 / 1e9
    }
}

/// A finding shorter than the minimum episode length.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Transient {
    /// The mode it would have had.
    pub mode: Mode,
    /// Start (RFC 3339).
    pub start: String,
    /// Duration in seconds.
    pub duration_s: f64,
    /// Its subject.
    pub subject: Vec<NodeId>,
}
