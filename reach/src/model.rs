//! The timeline and its vocabulary.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use rift_ingest::model::{Channel, NodeId};
use serde::{Deserialize, Serialize};

/// Index of a window: window `w` covers `[epoch + w·window, epoch + (w+1)·window)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct WindowIdx(pub u32);

/// The state of one direction of one pair in a window.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EdgeState {
    /// Delivery at or above the up threshold.
    Up,
    /// Delivery strictly between the thresholds.
    Lossy,
    /// Delivery at or below the down threshold.
    Down,
    /// The pair's round trips fail but the evidence cannot tell whether this direction failed.
    Unknown,
}

impl EdgeState {
    /// The name used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            EdgeState::Up => "up",
            EdgeState::Lossy => "lossy",
            EdgeState::Down => "down",
            EdgeState::Unknown => "unknown",
        }
    }

    /// Down or lossy.
    pub fn is_fault(self) -> bool {
        matches!(self, EdgeState::Down | EdgeState::Lossy)
    }
}

impl fmt::Display for EdgeState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a direction's estimate rests on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// Paired sender/receiver counts of this direction.
    OneWay,
    /// Round trips of the pair only.
    RoundTrip,
    /// Round trips of the pair read with one-way evidence: divided by the reverse direction's
    /// one-way estimate, or, while they keep failing, carrying on the down state this
    /// direction's one-way evidence last showed (or pinning it when the reverse was last shown
    /// up).
    Combined,
}

impl Basis {
    /// The name used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::OneWay => "one_way",
            Basis::RoundTrip => "round_trip",
            Basis::Combined => "combined",
        }
    }
}

/// Which direction of a pair is at fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// a→b is down or lossy, b→a is not.
    Forward,
    /// b→a is down or lossy, a→b is not.
    Reverse,
    /// Both directions are down or lossy.
    Both,
    /// The pair's round trips fail but the evidence cannot tell which direction.
    Unknown,
}

/// A delivery probability estimate.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    /// Point estimate.
    pub p: f64,
    /// Lower end of the 95 % interval.
    pub lo: f64,
    /// Upper end of the 95 % interval.
    pub hi: f64,
    /// Number of messages (or requests) the estimate rests on.
    pub n: u64,
}

/// A run of windows over which a series keeps one state.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Segment {
    /// First window of the run.
    pub start: WindowIdx,
    /// One past the last window of the run.
    pub end: WindowIdx,
    /// One past the last window with evidence of the state: before `end` when the state is
    /// carried across windows without evidence after it (up to the timeline's fill).
    pub evidence_end: WindowIdx,
    /// The state over the run.
    pub state: EdgeState,
    /// What the state rests on.
    pub basis: Basis,
    /// The pooled estimate; `None` for a direction in `unknown` state.
    pub estimate: Option<Estimate>,
}

impl Segment {
    /// True if window `w` lies in the run.
    pub fn contains(&self, w: WindowIdx) -> bool {
        self.start <= w && w < self.end
    }
}

/// A directed series: one direction of one pair on one channel, optionally one flow.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct EdgeKey {
    /// Channel.
    pub channel: Channel,
    /// Sender.
    pub src: NodeId,
    /// Receiver.
    pub dst: NodeId,
    /// `None` for all flows together; `Some` for one flow.
    pub flow: Option<String>,
}

/// An unordered pair (`a < b`) on one channel: the series of its round trips.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct PairKey {
    /// Channel.
    pub channel: Channel,
    /// The node whose name sorts first.
    pub a: NodeId,
    /// The other node.
    pub b: NodeId,
    /// `None` for all flows together; `Some` for one flow.
    pub flow: Option<String>,
}

/// Delivery thresholds that map an estimate to a state.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Thresholds {
    /// At or above: up.
    pub up: f64,
    /// At or below: down. Between: lossy.
    pub down: f64,
}

impl Thresholds {
    /// Thresholds that order `up` above `down`, both within [0, 1].
    pub fn new(up: f64, down: f64) -> Result<Self, crate::Error> {
        if !(0.0..=1.0).contains(&down) || !(0.0..=1.0).contains(&up) || down >= up {
            return Err(crate::Error::Thresholds { up, down });
        }
        Ok(Thresholds { up, down })
    }
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds { up: 0.9, down: 0.1 }
    }
}

impl Thresholds {
    /// The state of a delivery probability.
    pub fn state(&self, p: f64) -> EdgeState {
        if p >= self.up {
            EdgeState::Up
        } else if p <= self.down {
            EdgeState::Down
        } else {
            EdgeState::Lossy
        }
    }
}

/// The directional reachability graph over time.
#[derive(Clone, Debug, PartialEq)]
pub struct Timeline {
    /// Every node that appears in an observation, sorted.
    pub nodes: Vec<NodeId>,
    /// Start of window 0, ns since the Unix epoch (UTC), a multiple of the window length.
    pub epoch_ns: i64,
    /// Window length in ns.
    pub window_ns: i64,
    /// Number of windows.
    pub windows: u32,
    /// The thresholds used.
    pub thresholds: Thresholds,
    /// How many windows without evidence keep the previous state.
    pub fill_windows: u32,
    /// Directed series: per channel, ordered pair and (optionally) flow.
    pub edges: BTreeMap<EdgeKey, Vec<Segment>>,
    /// Round-trip series: per channel, unordered pair and (optionally) flow.
    pub round_trips: BTreeMap<PairKey, Vec<Segment>>,
}

/// The segment of a series that holds window `w`, if any (segments sorted and disjoint).
pub fn segment_at(segments: &[Segment], w: WindowIdx) -> Option<&Segment> {
    let i = segments.partition_point(|s| s.end <= w);
    segments.get(i).filter(|s| s.contains(w))
}

impl Timeline {
    /// The window holding `ts_ns`, if it lies within the timeline.
    pub fn window_of(&self, ts_ns: i64) -> Option<WindowIdx> {
        if ts_ns < self.epoch_ns {
            return None;
        }
        // Saturating: a timeline read back from JSON may hold any epoch and window.
        let w = ts_ns.saturating_sub(self.epoch_ns) / self.window_ns.max(1);
        (w < i64::from(self.windows)).then_some(WindowIdx(w as u32))
    }

    /// Start of window `w`, ns since the epoch.
    pub fn window_start(&self, w: WindowIdx) -> i64 {
        self.epoch_ns
            .saturating_add(i64::from(w.0).saturating_mul(self.window_ns))
    }

    /// Channels with any series, in channel order.
    pub fn channels(&self) -> Vec<Channel> {
        let set: BTreeSet<Channel> = self
            .edges
            .keys()
            .map(|k| k.channel)
            .chain(self.round_trips.keys().map(|k| k.channel))
            .collect();
        set.into_iter().collect()
    }

    /// The segment of direction `src → dst` (all flows) on `channel` at window `w`.
    pub fn segment(
        &self,
        channel: Channel,
        src: &str,
        dst: &str,
        w: WindowIdx,
    ) -> Option<&Segment> {
        self.segment_of(channel, src, dst, None, w)
    }

    /// The segment of flow `flow` of direction `src → dst` on `channel` at window `w`.
    pub fn flow_segment(
        &self,
        channel: Channel,
        src: &str,
        dst: &str,
        flow: &str,
        w: WindowIdx,
    ) -> Option<&Segment> {
        self.segment_of(channel, src, dst, Some(flow), w)
    }

    fn segment_of(
        &self,
        channel: Channel,
        src: &str,
        dst: &str,
        flow: Option<&str>,
        w: WindowIdx,
    ) -> Option<&Segment> {
        let key = EdgeKey {
            channel,
            src: src.into(),
            dst: dst.into(),
            flow: flow.map(str::to_owned),
        };
        self.edges.get(&key).and_then(|s| segment_at(s, w))
    }

    /// The state of direction `src → dst` on `channel` at window `w`, `None` without evidence.
    pub fn state(&self, channel: Channel, src: &str, dst: &str, w: WindowIdx) -> Option<EdgeState> {
        self.segment(channel, src, dst, w).map(|s| s.state)
    }

    /// The round-trip segment of pair {a, b} (all flows) on `channel` at window `w`.
    pub fn round_trip(&self, channel: Channel, a: &str, b: &str, w: WindowIdx) -> Option<&Segment> {
        let (a, b) = if a <= b { (a, b) } else { (b, a) };
        let key = PairKey {
            channel,
            a: a.into(),
            b: b.into(),
            flow: None,
        };
        self.round_trips.get(&key).and_then(|s| segment_at(s, w))
    }

    /// Which direction of pair {a, b} is at fault at window `w` on `channel`, from a's point of
    /// view (`Forward` is a→b); `None` when nothing is at fault.
    pub fn fault(&self, channel: Channel, a: &str, b: &str, w: WindowIdx) -> Option<Direction> {
        let fwd = self
            .state(channel, a, b, w)
            .is_some_and(EdgeState::is_fault);
        let rev = self
            .state(channel, b, a, w)
            .is_some_and(EdgeState::is_fault);
        match (fwd, rev) {
            (true, true) => Some(Direction::Both),
            (true, false) => Some(Direction::Forward),
            (false, true) => Some(Direction::Reverse),
            (false, false) => self
                .round_trip(channel, a, b, w)
                .filter(|s| s.state.is_fault())
                .map(|_| Direction::Unknown),
        }
    }

    /// The windows at which any series (all flows) on `channel` changes state, plus window 0.
    pub fn change_points(&self, channel: Option<Channel>) -> Vec<WindowIdx> {
        let mut set = BTreeSet::from([WindowIdx(0)]);
        let keep = |c: Channel| channel.is_none_or(|x| x == c);
        let all = self
            .edges
            .iter()
            .filter(|(k, _)| k.flow.is_none() && keep(k.channel))
            .map(|(_, s)| s)
            .chain(
                self.round_trips
                    .iter()
                    .filter(|(k, _)| k.flow.is_none() && keep(k.channel))
                    .map(|(_, s)| s),
            );
        for segs in all {
            for s in segs {
                set.insert(s.start);
                if s.end.0 < self.windows {
                    set.insert(s.end);
                }
            }
        }
        set.into_iter().collect()
    }
}
