//! The trail from a timeline back to its input: which nodes reported when, and the input rows at
//! which each series turned from delivering to failing and back.

use std::collections::{BTreeMap, BTreeSet};

use rift_ingest::model::{Channel, Evidence, NodeId};

use crate::build::{AccKey, NO_FLOW};
use crate::model::WindowIdx;

/// How many turns are kept per series; later ones are counted in [`Trail::truncated`].
const MAX_TURNS: usize = 512;

/// One input row at which a series turned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trace {
    /// Time of the row, ns since the epoch.
    pub ts_ns: i64,
    /// True if the row delivered at least the up threshold.
    pub ok: bool,
    /// Attempts of the row.
    pub attempts: u32,
    /// Deliveries of the row.
    pub delivered: u32,
    /// `file:line` of the row.
    pub origin: String,
}

/// A series of the trail: channel, evidence kind, direction and flow.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TraceKey {
    /// Channel.
    pub channel: Channel,
    /// One-way or round-trip evidence.
    pub evidence: Evidence,
    /// Sender (for round trips, the requester).
    pub src: NodeId,
    /// Receiver (for round trips, the responder).
    pub dst: NodeId,
    /// Flow, `None` for rows without one.
    pub flow: Option<String>,
}

/// Which nodes reported when, and where each series turned.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Trail {
    /// Per node, the runs of windows `[start, end)` in which it reported any row, answered a
    /// request (the responder of a round trip that got an answer) or was heard (the sender of
    /// one-way traffic that arrived).
    pub reporting: BTreeMap<NodeId, Vec<(WindowIdx, WindowIdx)>>,
    /// The nodes that reported a row of their own at some time (from their log or their
    /// metrics), as opposed to only answering others' requests or being heard by them: a
    /// backend a load balancer checks, a host only pinged.
    pub own_reporters: BTreeSet<NodeId>,
    /// Per series, the rows at which it turned (the first row of the series is a turn), in
    /// input order.
    pub turns: BTreeMap<TraceKey, Vec<Trace>>,
    /// Turns not kept because a series turned more than 512 times.
    pub truncated: u64,
}

impl Trail {
    /// True if `node` reported any row in window `w`.
    pub fn reported(&self, node: &str, w: WindowIdx) -> bool {
        self.reporting
            .get(&NodeId(node.to_owned()))
            .is_some_and(|runs| {
                let i = runs.partition_point(|r| r.1 <= w);
                runs.get(i).is_some_and(|r| r.0 <= w)
            })
    }

    /// The turns of both directions of pair {a, b} on `channel` (all evidence kinds and flows)
    /// with `from_ns ≤ ts < to_ns`, in time order.
    pub fn turns_between(
        &self,
        channel: Channel,
        a: &str,
        b: &str,
        from_ns: i64,
        to_ns: i64,
    ) -> Vec<(&TraceKey, &Trace)> {
        let mut out: Vec<(&TraceKey, &Trace)> = self
            .turns
            .iter()
            .filter(|(k, _)| {
                k.channel == channel
                    && ((k.src.0 == a && k.dst.0 == b) || (k.src.0 == b && k.dst.0 == a))
            })
            .flat_map(|(k, ts)| ts.iter().map(move |t| (k, t)))
            .filter(|(_, t)| from_ns <= t.ts_ns && t.ts_ns < to_ns)
            .collect();
        out.sort_by(|x, y| (x.1.ts_ns, &x.1.origin).cmp(&(y.1.ts_ns, &y.1.origin)));
        out
    }
}

/// A set of absolute window numbers, as a bitmap from a 64-aligned base.
#[derive(Default)]
struct Bits {
    base: i64,
    words: Vec<u64>,
}

impl Bits {
    fn set(&mut self, w: i64) {
        let aligned = w.div_euclid(64) * 64;
        if self.words.is_empty() {
            self.base = aligned;
        } else if aligned < self.base {
            let shift = ((self.base - aligned) / 64) as usize;
            self.words.splice(0..0, std::iter::repeat_n(0, shift));
            self.base = aligned;
        }
        let bit = (w - self.base) as usize;
        if bit / 64 >= self.words.len() {
            self.words.resize(bit / 64 + 1, 0);
        }
        self.words[bit / 64] |= 1 << (bit % 64);
    }

    /// Runs of set windows as `[start, end)` relative to `first`, clipped to `[0, windows)`.
    fn runs(&self, first: i64, windows: u32) -> Vec<(WindowIdx, WindowIdx)> {
        let mut out: Vec<(WindowIdx, WindowIdx)> = Vec::new();
        for (i, word) in self.words.iter().enumerate() {
            let mut word = *word;
            while word != 0 {
                let bit = word.trailing_zeros() as i64;
                word &= word - 1;
                let w = self.base + i as i64 * 64 + bit - first;
                if w < 0 || w >= i64::from(windows) {
                    continue;
                }
                let w = w as u32;
                match out.last_mut() {
                    Some(last) if last.1.0 == w => last.1 = WindowIdx(w + 1),
                    _ => out.push((WindowIdx(w), WindowIdx(w + 1))),
                }
            }
        }
        out
    }
}

#[derive(Default)]
struct Turns {
    last_ok: Option<bool>,
    kept: Vec<Trace>,
    dropped: u64,
}

/// Collects the trail while a timeline is built: per node id, the windows it reported in; per
/// series index (the builder's), the turns.
#[derive(Default)]
pub(crate) struct Recorder {
    reporting: Vec<Bits>,
    /// Ids of the nodes that reported a row of their own.
    own: BTreeSet<u32>,
    turns: Vec<Turns>,
}

impl Recorder {
    /// Node `node` was up in window `w`: it reported a row (`own`), answered or was heard.
    pub(crate) fn reported(&mut self, node: u32, w: i64, own: bool) {
        if own {
            self.own.insert(node);
        }
        let node = node as usize;
        if node >= self.reporting.len() {
            self.reporting.resize_with(node + 1, Bits::default);
        }
        self.reporting[node].set(w);
    }

    /// Records a row of series `series`; `trace` is only called when the row is a turn.
    pub(crate) fn row(&mut self, series: usize, ok: bool, trace: impl FnOnce() -> Trace) {
        if series >= self.turns.len() {
            self.turns.resize_with(series + 1, Turns::default);
        }
        let t = &mut self.turns[series];
        if t.last_ok == Some(ok) {
            return;
        }
        t.last_ok = Some(ok);
        if t.kept.len() < MAX_TURNS {
            t.kept.push(trace());
        } else {
            t.dropped += 1;
        }
    }

    /// The trail; `keys` are the series' keys by index.
    pub(crate) fn finish(
        self,
        keys: &[AccKey],
        first: i64,
        windows: u32,
        name: &dyn Fn(u32) -> NodeId,
        flow_name: &dyn Fn(u32) -> Option<String>,
    ) -> Trail {
        let reporting = self
            .reporting
            .iter()
            .enumerate()
            .map(|(n, bits)| (name(n as u32), bits.runs(first, windows)))
            .filter(|(_, runs)| !runs.is_empty())
            .collect();
        let mut truncated = 0;
        let turns = self
            .turns
            .into_iter()
            .zip(keys)
            .filter(|(t, _)| t.last_ok.is_some())
            .map(|(t, k)| {
                truncated += t.dropped;
                let key = TraceKey {
                    channel: k.channel,
                    evidence: k.evidence,
                    src: name(k.src),
                    dst: name(k.dst),
                    flow: (k.flow != NO_FLOW).then(|| flow_name(k.flow)).flatten(),
                };
                (key, t.kept)
            })
            .collect();
        Trail {
            reporting,
            own_reporters: self.own.iter().map(|&n| name(n)).collect(),
            turns,
            truncated,
        }
    }
}
