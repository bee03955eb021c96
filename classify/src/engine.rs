//! The classifier: from a timeline to episodes.
//!
//! The timeline is cut at every change point into spans over which no series changes. Each span
//! with a fault is read by the rules of [`crate::rules`], in order; a rule consumes the pair
//! faults it explains, so each fault is explained once. Findings of the same kind that touch
//! the same nodes and follow each other within the merge gap become one episode. Flapping is
//! found per pair and channel on the whole timeline and then absorbs the episodes it explains.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use petgraph::unionfind::UnionFind;
use rift_ingest::model::{Channel, Event, EventKind, NodeId, REFUSED};
use rift_ingest::origin_file;
use rift_reach::{
    Direction, EdgeState, Estimate, Segment, Thresholds, Timeline, Trail, WindowIdx, segment_at,
};

use crate::episode::{EdgeDirection, Episode, EpisodeEdge, EvidenceRow, Flaps, Transient};
use crate::mode::{Mode, Subtype};
use crate::options::Options;
use crate::rules::{RULES, Span};

/// Channels that carry the workload.
pub(crate) fn is_data(c: Channel) -> bool {
    matches!(c, Channel::Data | Channel::Probe)
}

/// Channels that say a node is alive.
pub(crate) fn is_liveness(c: Channel) -> bool {
    matches!(c, Channel::Health | Channel::Heartbeat)
}

fn find(segs: Option<&[Segment]>, w: WindowIdx) -> Option<&Segment> {
    segment_at(segs?, w)
}

#[derive(Clone, Copy, Default)]
pub(crate) struct Series<'a> {
    fwd: Option<&'a [Segment]>,
    rev: Option<&'a [Segment]>,
    rt: Option<&'a [Segment]>,
}

#[derive(Clone, Copy)]
pub(crate) struct Status<'a> {
    pub(crate) fwd: Option<&'a Segment>,
    pub(crate) rev: Option<&'a Segment>,
    pub(crate) rt: Option<&'a Segment>,
}

impl<'a> Series<'a> {
    pub(crate) fn at(&self, w: WindowIdx) -> Status<'a> {
        Status {
            fwd: find(self.fwd, w),
            rev: find(self.rev, w),
            rt: find(self.rt, w),
        }
    }

    /// Like [`Series::at`] for windows visited in increasing order: each cursor only moves
    /// forward, so a sweep over the timeline costs one pass over the segments.
    pub(crate) fn advance(&self, cursor: &mut [usize; 3], w: WindowIdx) -> Status<'a> {
        let step = |segs: Option<&'a [Segment]>, c: &mut usize| -> Option<&'a Segment> {
            let segs = segs?;
            while *c < segs.len() && segs[*c].end <= w {
                *c += 1;
            }
            segs.get(*c).filter(|s| s.contains(w))
        };
        let [f, r, t] = cursor;
        Status {
            fwd: step(self.fwd, f),
            rev: step(self.rev, r),
            rt: step(self.rt, t),
        }
    }

    fn all(&self) -> impl Iterator<Item = &'a Segment> {
        [self.fwd, self.rev, self.rt]
            .into_iter()
            .flatten()
            .flat_map(|s| s.iter())
    }
}

/// The series of pair {x, y} on a channel (and flow) in the maps being built, and whether x < y
/// in node order; `None` for a node not in the timeline.
fn series_of<'m, 'a>(
    pairs: &'m mut BTreeMap<PairId, Series<'a>>,
    flows: &'m mut BTreeMap<PairId, BTreeMap<&'a str, Series<'a>>>,
    ix: &HashMap<&str, u32>,
    (channel, x, y): (Channel, &str, &str),
    flow: Option<&'a str>,
) -> Option<(&'m mut Series<'a>, bool)> {
    let (&x, &y) = (ix.get(x)?, ix.get(y)?);
    let key = (channel, x.min(y), x.max(y));
    let series = match flow {
        None => pairs.entry(key).or_default(),
        Some(f) => flows.entry(key).or_default().entry(f).or_default(),
    };
    Some((series, x < y))
}

pub(crate) fn state(s: Option<&Segment>) -> Option<EdgeState> {
    s.map(|s| s.state)
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Fault {
    pub(crate) dir: Direction,
    pub(crate) down: bool,
    pub(crate) est: Option<Estimate>,
}

impl Fault {
    /// Down both ways, or down in its round trips (the direction unknown): a candidate for a cut.
    pub(crate) fn is_cut(&self) -> bool {
        self.down && matches!(self.dir, Direction::Both | Direction::Unknown)
    }
}

impl Status<'_> {
    pub(crate) fn fault(&self) -> Option<Fault> {
        let f = state(self.fwd).filter(|s| s.is_fault());
        let r = state(self.rev).filter(|s| s.is_fault());
        let est = |s: Option<&Segment>| s.and_then(|s| s.estimate);
        let worst = |a: Option<Estimate>, b: Option<Estimate>| match (a, b) {
            (Some(x), Some(y)) => Some(if x.p <= y.p { x } else { y }),
            (x, y) => x.or(y),
        };
        let (dir, down, est) = match (f, r) {
            (Some(a), Some(b)) => (
                Direction::Both,
                a == EdgeState::Down && b == EdgeState::Down,
                worst(est(self.fwd), est(self.rev)),
            ),
            (Some(a), None) => (Direction::Forward, a == EdgeState::Down, est(self.fwd)),
            (None, Some(b)) => (Direction::Reverse, b == EdgeState::Down, est(self.rev)),
            (None, None) => {
                let rt = self.rt.filter(|s| s.state.is_fault())?;
                (Direction::Unknown, rt.state == EdgeState::Down, rt.estimate)
            }
        };
        Some(Fault { dir, down, est })
    }

    pub(crate) fn is_up(&self) -> bool {
        self.fault().is_none()
            && [self.fwd, self.rev, self.rt]
                .iter()
                .any(|s| state(*s) == Some(EdgeState::Up))
    }
}

/// A pair fault in one span.
pub(crate) struct PairFault {
    pub(crate) channel: Channel,
    pub(crate) a: u32,
    pub(crate) b: u32,
    pub(crate) fault: Fault,
    pub(crate) status_rev_up: bool,
    pub(crate) status_fwd_up: bool,
    /// Explained by a rule already.
    pub(crate) consumed: bool,
    /// The pair is down both ways (or in its round trips) on another channel in the span.
    pub(crate) cut_elsewhere: bool,
    /// Only its round trips are down, in a run that began with the other node's host answering
    /// this one's requests (refusing the connection, when the flag is set, else with an error
    /// status): the node named here did not serve; the path worked.
    pub(crate) refusing: Option<(u32, bool)>,
}

/// One edge of a finding; `dir` is relative to `a → b`.
#[derive(Clone, Debug)]
pub(crate) struct FEdge {
    pub(crate) channel: Channel,
    pub(crate) a: u32,
    pub(crate) b: u32,
    pub(crate) dir: Direction,
    pub(crate) flow: Option<String>,
    pub(crate) down: bool,
    pub(crate) est: Option<Estimate>,
}

impl FEdge {
    pub(crate) fn from_fault(f: &PairFault) -> Self {
        FEdge {
            channel: f.channel,
            a: f.a,
            b: f.b,
            dir: f.fault.dir,
            flow: None,
            down: f.fault.down,
            est: f.fault.est,
        }
    }

    /// (channel, from, to, direction, flow): the identity of the edge in an episode.
    fn key(&self) -> EdgeId {
        let (from, to) = match self.dir {
            Direction::Reverse => (self.b, self.a),
            _ => (self.a, self.b),
        };
        (
            self.channel,
            from,
            to,
            EdgeDirection::from_reach(self.dir),
            self.flow.clone(),
        )
    }
}

/// What a rule found in one span.
#[derive(Clone, Debug)]
pub(crate) struct Finding {
    pub(crate) mode: Mode,
    pub(crate) subtype: Option<Subtype>,
    pub(crate) subject: BTreeSet<u32>,
    pub(crate) edges: Vec<FEdge>,
    pub(crate) notes: Vec<String>,
}

/// An episode edge's identity: channel, from, to, direction, flow.
type EdgeId = (Channel, u32, u32, EdgeDirection, Option<String>);

/// An episode edge's worst state so far: down (else lossy), lowest p, largest n.
type EdgeWorst = (bool, Option<f64>, u64);

/// The mode and subject of a draft absorbed by a flapping draft.
type Absorbed = (Mode, BTreeSet<u32>);

/// A flapping draft, the drafts it absorbed, and the pairs that flapped in it.
type Flapping = (Draft, Vec<Absorbed>, Vec<(u32, u32)>);

/// A pair on a channel: (channel, a, b) with a < b.
pub(crate) type PairId = (Channel, u32, u32);

/// An episode while it is being assembled.
#[derive(Clone, Debug)]
struct Draft {
    mode: Mode,
    subtype: Option<Subtype>,
    start: u32,
    end: u32,
    subject: BTreeSet<u32>,
    edges: BTreeMap<EdgeId, EdgeWorst>,
    edge_windows: f64,
    notes: BTreeSet<String>,
    flaps: Option<(u32, f64)>,
}

impl Draft {
    fn absorb(&mut self, f: &Finding, s: u32, e: u32) {
        self.start = self.start.min(s);
        self.end = self.end.max(e);
        self.subject.extend(f.subject.iter().copied());
        for edge in &f.edges {
            let entry = self.edges.entry(edge.key()).or_insert((false, None, 0));
            entry.0 |= edge.down;
            if let Some(est) = edge.est {
                entry.1 = Some(entry.1.map_or(est.p, |p: f64| p.min(est.p)));
                entry.2 = entry.2.max(est.n);
            }
            self.edge_windows += EdgeDirection::from_reach(edge.dir).weight() * f64::from(e - s);
        }
        self.notes.extend(f.notes.iter().cloned());
    }

    fn merge(&mut self, other: Draft) {
        self.start = self.start.min(other.start);
        self.end = self.end.max(other.end);
        self.subject.extend(other.subject);
        for (k, v) in other.edges {
            let entry = self.edges.entry(k).or_insert((false, None, 0));
            entry.0 |= v.0;
            entry.1 = match (entry.1, v.1) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            entry.2 = entry.2.max(v.2);
        }
        self.edge_windows += other.edge_windows;
        self.notes.extend(other.notes);
    }

    fn nodes(&self) -> BTreeSet<u32> {
        let mut n = self.subject.clone();
        for k in self.edges.keys() {
            n.insert(k.1);
            n.insert(k.2);
        }
        n
    }
}

/// The classifier's result before the primary-mode rule is applied.
pub(crate) struct Found {
    pub(crate) episodes: Vec<Episode>,
    pub(crate) transients: Vec<Transient>,
}

pub(crate) struct Engine<'a> {
    pub(crate) timeline: &'a Timeline,
    trail: Option<&'a Trail>,
    options: &'a Options,
    pub(crate) pairs: BTreeMap<(Channel, u32, u32), Series<'a>>,
    /// Position of each pair series in `pairs`' order.
    pub(crate) position: HashMap<PairId, usize>,
    /// For each pair series, in `pairs`' order, the index of its node pair in `slots`.
    pub(crate) slot_of: Vec<usize>,
    /// The distinct node pairs (a < b) over all channels.
    pub(crate) slots: Vec<(u32, u32)>,
    pub(crate) flows: BTreeMap<PairId, Vec<(&'a str, Series<'a>)>>,
    pub(crate) restarts: HashMap<&'a str, Vec<(i64, &'a str)>>,
    /// When each node wrote something of its own in its log (an election, a peer it lost, a
    /// role it took), in time order: a node that writes its log is running.
    pub(crate) logged: HashMap<&'a str, Vec<i64>>,
    pub(crate) channels: Vec<Channel>,
    pub(crate) reporters: HashSet<u32>,
    /// Nodes outside the cluster that only probe it: never a witness that the network between
    /// members is whole.
    pub(crate) probers: BTreeSet<u32>,
    /// (channel, prober, target) → when each run of failed requests the target's host answered
    /// began, in time order, and whether it refused the connection (else the target answered
    /// with an error status): either way the path between them worked.
    pub(crate) refusals: HashMap<(Channel, u32, u32), Vec<(i64, bool)>>,
}

fn windows(ns: i64, window_ns: i64) -> u32 {
    ((ns + window_ns - 1) / window_ns).clamp(0, i64::from(u32::MAX)) as u32
}

/// Moves episodes shorter than the minimum duration (flapping aside) to the transients.
pub(crate) fn split_transients(found: &mut Found, min_duration_ns: i64, window_ns: i64) {
    let min = i64::from(windows(min_duration_ns, window_ns)) * window_ns;
    let (keep, short): (Vec<Episode>, Vec<Episode>) = std::mem::take(&mut found.episodes)
        .into_iter()
        .partition(|e| e.mode == Mode::Flapping || e.end_ns - e.start_ns >= min);
    found.episodes = keep;
    for (i, e) in found.episodes.iter_mut().enumerate() {
        e.id = i + 1;
    }
    found
        .transients
        .extend(short.into_iter().map(|e| Transient {
            mode: e.mode,
            start: e.start,
            duration_s: (e.end_ns - e.start_ns) as f64 / 1e9,
            subject: e.subject,
        }));
}

impl<'a> Engine<'a> {
    pub(crate) fn new(
        timeline: &'a Timeline,
        trail: Option<&'a Trail>,
        events: &'a [Event],
        options: &'a Options,
    ) -> Self {
        let ix: HashMap<&str, u32> = timeline
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.0.as_str(), i as u32))
            .collect();
        let mut pairs: BTreeMap<(Channel, u32, u32), Series> = BTreeMap::new();
        let mut flows: BTreeMap<(Channel, u32, u32), BTreeMap<&str, Series>> = BTreeMap::new();
        for (k, segs) in &timeline.edges {
            let flow = k.flow.as_deref();
            if let Some((series, forward)) = series_of(
                &mut pairs,
                &mut flows,
                &ix,
                (k.channel, &k.src.0, &k.dst.0),
                flow,
            ) {
                if forward {
                    series.fwd = Some(segs);
                } else {
                    series.rev = Some(segs);
                }
            }
        }
        for (k, segs) in &timeline.round_trips {
            if let Some((series, _)) = series_of(
                &mut pairs,
                &mut flows,
                &ix,
                (k.channel, &k.a.0, &k.b.0),
                k.flow.as_deref(),
            ) {
                series.rt = Some(segs);
            }
        }
        let mut restarts: HashMap<&str, Vec<(i64, &str)>> = HashMap::new();
        // A start banner is a restart too when it comes after the node went quiet: the process
        // that speaks again is a new one.
        for e in events
            .iter()
            .filter(|e| matches!(e.kind.as_str(), "restart" | "start"))
        {
            restarts
                .entry(e.node.0.as_str())
                .or_default()
                .push((e.ts_ns, e.origin.as_str()));
        }
        let mut logged: HashMap<&str, Vec<i64>> = HashMap::new();
        for e in events.iter().filter(|e| own_words(e.kind)) {
            logged.entry(e.node.0.as_str()).or_default().push(e.ts_ns);
        }
        for times in logged.values_mut() {
            times.sort_unstable();
        }
        let reporters = trail
            .map(|t| {
                t.reporting
                    .keys()
                    .filter_map(|n| ix.get(n.0.as_str()).copied())
                    .collect()
            })
            .unwrap_or_default();
        // The tables each node's requests were written in, and the channels of what it asked
        // there: what a prober says in them (a refused connection) is no log of its own, and
        // concerns the requests of that table only.
        let mut asked_in: HashMap<(&str, &str), BTreeSet<Channel>> = HashMap::new();
        if let Some(t) = trail {
            for (k, rows) in &t.turns {
                for r in rows {
                    asked_in
                        .entry((k.src.0.as_str(), origin_file(&r.origin)))
                        .or_default()
                        .insert(k.channel);
                }
            }
        }
        let mut refusals: HashMap<(Channel, u32, u32), Vec<(i64, bool)>> = HashMap::new();
        for e in events.iter().filter(|e| e.is_answered_failure()) {
            let Some(channels) = asked_in.get(&(e.node.0.as_str(), origin_file(&e.origin))) else {
                continue;
            };
            if let (Some(&p), Some(&t)) = (
                ix.get(e.node.0.as_str()),
                e.peer.as_ref().and_then(|n| ix.get(n.0.as_str())),
            ) {
                let refused = e.detail.starts_with(REFUSED);
                for &c in channels {
                    refusals
                        .entry((c, p, t))
                        .or_default()
                        .push((e.ts_ns, refused));
                }
            }
        }
        for times in refusals.values_mut() {
            times.sort_unstable();
        }
        // Outside probers (a monitoring host, the client): they ask and never answer, and log
        // nothing of their own. Nodes that only ask but log events are members whose peers'
        // side is not in the export. What a prober's own table of requests says (a refused
        // connection) is no log of its own.
        let probers = trail
            .map(|t| {
                let mut asks = HashSet::new();
                let mut answers = HashSet::new();
                for k in t.turns.keys() {
                    asks.extend(ix.get(k.src.0.as_str()).copied());
                    answers.extend(ix.get(k.dst.0.as_str()).copied());
                }
                let logged: HashSet<&str> = events
                    .iter()
                    .filter(|e| {
                        !asked_in.contains_key(&(e.node.0.as_str(), origin_file(&e.origin)))
                    })
                    .map(|e| e.node.0.as_str())
                    .collect();
                asks.into_iter()
                    .filter(|n| !answers.contains(n))
                    .filter(|&n| !logged.contains(timeline.nodes[n as usize].0.as_str()))
                    .collect()
            })
            .unwrap_or_default();
        let position: HashMap<PairId, usize> =
            pairs.keys().enumerate().map(|(i, k)| (*k, i)).collect();
        let mut slot_ids: HashMap<(u32, u32), usize> = HashMap::new();
        let mut slots: Vec<(u32, u32)> = Vec::new();
        let slot_of = pairs
            .keys()
            .map(|&(_, a, b)| {
                *slot_ids.entry((a, b)).or_insert_with(|| {
                    slots.push((a, b));
                    slots.len() - 1
                })
            })
            .collect();
        Engine {
            position,
            slot_of,
            slots,
            channels: timeline.channels(),
            timeline,
            trail,
            options,
            pairs,
            flows: flows
                .into_iter()
                .map(|(k, v)| (k, v.into_iter().collect()))
                .collect(),
            restarts,
            logged,
            reporters,
            probers,
            refusals,
        }
    }

    pub(crate) fn name(&self, i: u32) -> &'a NodeId {
        &self.timeline.nodes[i as usize]
    }

    /// Window boundaries where any series changes.
    fn boundaries(&self) -> Vec<u32> {
        let mut set = BTreeSet::from([0, self.timeline.windows]);
        let all = self
            .pairs
            .values()
            .chain(self.flows.values().flat_map(|v| v.iter().map(|(_, s)| s)));
        for series in all {
            for seg in series.all() {
                set.insert(seg.start.0);
                set.insert(seg.end.0.min(self.timeline.windows));
            }
        }
        if let Some(trail) = self.trail {
            for runs in trail.reporting.values() {
                for (s, e) in runs {
                    set.insert(s.0);
                    set.insert(e.0);
                }
            }
        }
        set.into_iter().collect()
    }

    /// True if node `i` reports at some time but not in `[s, e)`, while another node does, and
    /// its log says nothing of its own in that time. A node that never reports anything of its
    /// own (a backend only a load balancer's checks show, a host only pinged) is never silent:
    /// its answers stopping is the fault itself, not word that it stopped.
    pub(crate) fn silent(&self, i: u32, s: u32, e: u32) -> bool {
        let Some(trail) = self.trail else {
            return false;
        };
        let name = self.name(i);
        if !trail.own_reporters.contains(name) && !self.logged.contains_key(name.0.as_str()) {
            return false;
        }
        let (from, mut to) = (
            self.timeline.window_start(WindowIdx(s)),
            self.timeline.window_start(WindowIdx(e)),
        );
        // Silent up to a restart inside the span: what it says from then on is the new
        // process's, which does not undo the silence before it.
        let mut e = e;
        if let Some(t) = self
            .restarts
            .get(name.0.as_str())
            .and_then(|ts| ts.iter().map(|(t, _)| *t).find(|&t| t > from && t < to))
            && let Some(w) = self.timeline.window_of(t)
            && w.0 > s
        {
            to = t;
            e = w.0;
        }
        if self.logged_between(i, from, to) {
            return false;
        }
        let overlaps =
            |runs: &Vec<(WindowIdx, WindowIdx)>| runs.iter().any(|(a, b)| a.0 < e && s < b.0);
        let Some(own) = trail.reporting.get(self.name(i)) else {
            return false;
        };
        !overlaps(own)
            && trail
                .reporting
                .iter()
                .any(|(n, runs)| n != self.name(i) && overlaps(runs))
    }

    /// The node of pair {a, b} whose host answered the other's failed requests on `channel` at
    /// the start of a run that began in windows `[s, e)` (or the window before), and whether it refused
    /// the connections (else it answered with an error status): the prober's round trips
    /// failed on a path that worked.
    pub(crate) fn refusing(
        &self,
        channel: Channel,
        (a, b): (u32, u32),
        s: u32,
        e: u32,
    ) -> Option<(u32, bool)> {
        let (from, to) = (
            self.timeline.window_start(WindowIdx(s.saturating_sub(1))),
            self.timeline.window_start(WindowIdx(e)),
        );
        [(a, b), (b, a)].into_iter().find_map(|(p, t)| {
            let runs = self.refusals.get(&(channel, p, t))?;
            let k = runs.partition_point(|&(x, _)| x < from);
            runs.get(k)
                .filter(|&&(x, _)| x < to)
                .map(|&(_, refused)| (t, refused))
        })
    }

    /// Whether node `i` wrote something of its own in its log in windows `[s, e)`.
    pub(crate) fn logged_in(&self, i: u32, s: u32, e: u32) -> bool {
        self.logged_between(
            i,
            self.timeline.window_start(WindowIdx(s)),
            self.timeline.window_start(WindowIdx(e)),
        )
    }

    /// Whether node `i` wrote something of its own in its log in `[from, to)` (ns).
    fn logged_between(&self, i: u32, from: i64, to: i64) -> bool {
        self.logged
            .get(self.name(i).0.as_str())
            .is_some_and(|times| {
                let k = times.partition_point(|&t| t < from);
                times.get(k).is_some_and(|&t| t < to)
            })
    }

    /// The findings of span `[s, e)`: the rules of [`crate::rules::RULES`] in their order.
    fn analyse(&self, s: u32, e: u32, cursors: &mut [[usize; 3]]) -> Vec<Finding> {
        let mut span = Span::read(self, s, e, cursors);
        if span.faults.is_empty() && self.flows.is_empty() {
            return Vec::new();
        }
        let mut out = Vec::new();
        for rule in RULES {
            out.extend((rule.apply)(&mut span));
        }
        for f in &mut out {
            f.notes.extend(span.notes.iter().cloned());
        }
        group(out, self.timeline.nodes.len())
    }

    fn run(&self) -> Vec<Draft> {
        let bounds = self.boundaries();
        let gap = windows(self.options.merge_gap_ns, self.timeline.window_ns);
        let mut open: Vec<Draft> = Vec::new();
        let mut done: Vec<Draft> = Vec::new();
        let mut cursors = vec![[0usize; 3]; self.pairs.len()];
        for pair in bounds.windows(2) {
            let (s, e) = (pair[0], pair[1]);
            if s >= e {
                continue;
            }
            // Close drafts that can no longer be extended.
            let (keep, closed): (Vec<Draft>, Vec<Draft>) =
                open.into_iter().partition(|d| d.end + gap >= s);
            done.extend(closed);
            open = keep;
            for f in self.analyse(s, e, &mut cursors) {
                // A draft of the same mode whose every failed link is among this finding's is
                // the same fault, seen before all its links had failed: the fuller reading
                // names the subject (a cut first seen on one of a node's links is that node's).
                let pairs: BTreeSet<(u32, u32)> = f
                    .edges
                    .iter()
                    .map(|x| (x.a.min(x.b), x.a.max(x.b)))
                    .collect();
                let subsumed = |d: &Draft| {
                    d.subject.is_disjoint(&f.subject)
                        && !d.edges.is_empty()
                        && d.edges
                            .keys()
                            .all(|k| pairs.contains(&(k.1.min(k.2), k.1.max(k.2))))
                };
                for d in open.iter_mut() {
                    if d.mode == f.mode && d.subtype == f.subtype && subsumed(d) {
                        d.subject = f.subject.clone();
                    }
                }
                // A cut whose pairs were each first seen down one way with the other way not
                // measured (a VRRP backup that sends nothing until it takes over, so the way
                // back shows only then) is one cut from the first direction's failure on: that
                // reading becomes the cut's.
                if f.mode == Mode::Complete {
                    let within = |d: &Draft| {
                        d.mode == Mode::Asymmetric
                            && d.end >= s
                            && d.notes
                                .contains(crate::rules::remainder::REVERSE_UNMEASURED)
                            && !d.edges.is_empty()
                            && d.edges
                                .keys()
                                .all(|k| pairs.contains(&(k.1.min(k.2), k.1.max(k.2))))
                    };
                    for d in open.iter_mut().filter(|d| within(d)) {
                        d.mode = Mode::Complete;
                        d.subtype = f.subtype;
                        d.notes.remove(crate::rules::remainder::REVERSE_UNMEASURED);
                        d.subject = f.subject.clone();
                    }
                }
                let hits: Vec<usize> = open
                    .iter()
                    .enumerate()
                    .filter(|(_, d)| {
                        d.mode == f.mode
                            && d.subtype == f.subtype
                            && !d.subject.is_disjoint(&f.subject)
                    })
                    .map(|(i, _)| i)
                    .collect();
                match hits.split_first() {
                    None => {
                        let mut d = Draft {
                            mode: f.mode,
                            subtype: f.subtype,
                            start: s,
                            end: e,
                            subject: BTreeSet::new(),
                            edges: BTreeMap::new(),
                            edge_windows: 0.0,
                            notes: BTreeSet::new(),
                            flaps: None,
                        };
                        d.absorb(&f, s, e);
                        open.push(d);
                    }
                    Some((&first, rest)) => {
                        for &i in rest.iter().rev() {
                            let other = open.remove(i);
                            open[first].merge(other);
                        }
                        open[first].absorb(&f, s, e);
                    }
                }
            }
        }
        done.extend(open);
        done.sort_by_key(|d| (d.start, d.end, d.mode));
        self.flapping(done)
    }

    /// Finds flapping pairs and folds the episodes they explain into flapping episodes.
    fn flapping(&self, drafts: Vec<Draft>) -> Vec<Draft> {
        let rule = &self.options.flap;
        let dwell = windows(rule.min_dwell_ns, self.timeline.window_ns).max(1);
        let span = windows(rule.window_ns, self.timeline.window_ns).max(1);
        let mut flaps: Vec<(u32, u32, u32, u32, u32, f64)> = Vec::new(); // a, b, start, end, cycles, period
        for (&(_, a, b), series) in &self.pairs {
            let phases = phases(series, self.timeline.windows, self.timeline.thresholds);
            // Down phases, merging those separated by a short up phase, unless the evidence
            // shows that short phase up beyond doubt (a byte counter that moved again in
            // full: TCP's backoff after a heal can leave a connection up for a second only).
            let mut downs: Vec<(u32, u32)> = Vec::new();
            let mut firm_up = false;
            for p in phases {
                if !p.down {
                    firm_up |= p.firm;
                    continue;
                }
                match downs.last_mut() {
                    Some(last) if p.start.saturating_sub(last.1) < dwell && !firm_up => {
                        last.1 = p.end;
                    }
                    _ => downs.push((p.start, p.end)),
                }
                firm_up = false;
            }
            downs.retain(|(s, e)| e - s >= dwell);
            let mut marked = vec![false; downs.len()];
            let mut j = 0;
            for i in 0..downs.len() {
                j = j.max(i);
                while j + 1 < downs.len() && downs[j + 1].0 < downs[i].0 + span {
                    j += 1;
                }
                if (j - i + 1) as u32 >= rule.cycles {
                    marked[i..=j].iter_mut().for_each(|m| *m = true);
                }
            }
            let mut i = 0;
            while i < downs.len() {
                if !marked[i] {
                    i += 1;
                    continue;
                }
                let first = i;
                while i + 1 < downs.len() && marked[i + 1] {
                    i += 1;
                }
                let cycles = (i - first + 1) as u32;
                let period = if cycles > 1 {
                    f64::from(downs[i].0 - downs[first].0) / f64::from(cycles - 1)
                } else {
                    0.0
                };
                flaps.push((a, b, downs[first].0, downs[i].1, cycles, period));
                i += 1;
            }
        }
        if flaps.is_empty() {
            return drafts;
        }
        let secs = self.timeline.window_ns as f64 / 1e9;
        let mut rest: Vec<Draft> = Vec::new();
        // Each flapping draft with the modes and subjects of the drafts it absorbed, and the
        // pairs that flapped in it.
        let mut flapping: Vec<Flapping> = Vec::new();
        for (a, b, s, e, cycles, period) in flaps {
            let seed = Draft {
                mode: Mode::Flapping,
                subtype: None,
                start: s,
                end: e,
                subject: BTreeSet::from([a, b]),
                edges: BTreeMap::new(),
                edge_windows: 0.0,
                notes: BTreeSet::from([format!(
                    "{} went down {cycles} times, about every {:.0} s",
                    pair_name(self, a, b),
                    period * secs
                )]),
                flaps: Some((cycles, period * secs)),
            };
            // Join a flapping draft on overlapping nodes and time, else start one.
            match flapping.iter_mut().find(|(d, _, _)| {
                !d.subject.is_disjoint(&seed.subject) && d.start <= e && s <= d.end
            }) {
                Some((d, _, pairs)) => {
                    let (c0, p0) = d.flaps.unwrap_or((0, 0.0));
                    d.merge(seed);
                    d.flaps = Some((c0.max(cycles), p0.max(period * secs)));
                    pairs.push((a, b));
                }
                None => flapping.push((seed, Vec::new(), vec![(a, b)])),
            }
        }
        for d in drafts {
            // A draft that one of the flapping pairs lies in, at the same time.
            let host = flapping.iter_mut().find(|(f, _, pairs)| {
                let nodes = d.nodes();
                d.mode != Mode::Crash
                    && d.start < f.end
                    && f.start < d.end
                    && pairs
                        .iter()
                        .any(|(a, b)| nodes.contains(a) && nodes.contains(b))
            });
            match host {
                Some((f, modes, _)) => {
                    modes.push((d.mode, d.subject.clone()));
                    let flaps = f.flaps;
                    let notes = std::mem::take(&mut f.notes);
                    f.merge(Draft {
                        notes: BTreeSet::new(),
                        ..d
                    });
                    f.notes = notes;
                    f.flaps = flaps;
                }
                None => rest.push(d),
            }
        }
        for (mut f, modes, _) in flapping {
            let count = |m: Mode| modes.iter().filter(|x| x.0 == m).count();
            f.subtype = Some(
                if count(Mode::Complete) > 0 && count(Mode::Complete) >= count(Mode::Asymmetric) {
                    Subtype::FlappingComplete
                } else if count(Mode::Asymmetric) > 0 {
                    Subtype::FlappingAsymmetric
                } else {
                    Subtype::FlappingPartial
                },
            );
            // A cut that comes and goes: the subject is the side that was cut off.
            if let Some((Mode::Complete, side)) = modes.first()
                && modes.iter().all(|(m, s)| *m == Mode::Complete && s == side)
            {
                f.subject = side.clone();
            }
            rest.push(f);
        }
        rest.sort_by_key(|d| (d.start, d.end, d.mode));
        rest
    }

    /// Every draft as an episode, short ones included: [`split_transients`] sets those apart
    /// once the onset joins have had a chance to absorb them.
    fn finish(&self, drafts: Vec<Draft>) -> Found {
        let ts = |w: u32| self.timeline.window_start(WindowIdx(w));
        let secs = self.timeline.window_ns as f64 / 1e9;
        let mut episodes = Vec::new();
        for d in drafts {
            let subject: Vec<NodeId> = d.subject.iter().map(|&n| self.name(n).clone()).collect();
            let edges: Vec<EpisodeEdge> = d
                .edges
                .iter()
                .map(|((ch, from, to, dir, flow), (down, p, n))| EpisodeEdge {
                    channel: *ch,
                    from: self.name(*from).clone(),
                    to: self.name(*to).clone(),
                    direction: *dir,
                    flow: flow.clone(),
                    state: if *down { "down" } else { "lossy" },
                    p: *p,
                    n: *n,
                })
                .collect();
            let channels: BTreeSet<Channel> = edges.iter().map(|e| e.channel).collect();
            let (evidence, evidence_total) = self.evidence(&d);
            let mut ep = Episode {
                id: 0,
                mode: d.mode,
                subtype: d.subtype,
                start: rift_ingest::format_ts(ts(d.start)),
                end: rift_ingest::format_ts(ts(d.end)),
                start_ns: ts(d.start),
                end_ns: ts(d.end),
                subject,
                edges,
                channels: channels.into_iter().collect(),
                edge_seconds: d.edge_windows * secs,
                confidence: 0.0,
                notes: d.notes.into_iter().collect(),
                flaps: d.flaps.map(|(cycles, period_s)| Flaps { cycles, period_s }),
                evidence,
                evidence_total,
            };
            ep.confidence = confidence(&ep, self.options);
            episodes.push(ep);
        }
        for (i, e) in episodes.iter_mut().enumerate() {
            e.id = i + 1;
        }
        Found {
            episodes,
            transients: Vec::new(),
        }
    }

    /// The input rows where the episode's series turned, from five windows before its start to
    /// a window after its end.
    fn evidence(&self, d: &Draft) -> (Vec<EvidenceRow>, usize) {
        let Some(trail) = self.trail else {
            return (Vec::new(), 0);
        };
        let from = self
            .timeline
            .window_start(WindowIdx(d.start.saturating_sub(5)));
        let to = self.timeline.window_start(WindowIdx(d.end + 1));
        let pairs: BTreeSet<(Channel, u32, u32)> = d
            .edges
            .keys()
            .map(|k| (k.0, k.1.min(k.2), k.1.max(k.2)))
            .collect();
        let mut rows: Vec<EvidenceRow> = Vec::new();
        for (ch, a, b) in pairs {
            for (key, t) in trail.turns_between(ch, &self.name(a).0, &self.name(b).0, from, to) {
                rows.push(EvidenceRow {
                    ts: rift_ingest::format_ts(t.ts_ns),
                    channel: ch,
                    src: key.src.clone(),
                    dst: key.dst.clone(),
                    turn: if t.ok { "recovered" } else { "failing" },
                    delivered: t.delivered,
                    attempts: t.attempts,
                    origin: t.origin.clone(),
                });
            }
        }
        rows.sort_by(|x, y| (&x.ts, &x.origin).cmp(&(&y.ts, &y.origin)));
        let total = rows.len();
        rows.truncate(24);
        (rows, total)
    }
}

pub(crate) fn pair_name(engine: &Engine<'_>, a: u32, b: u32) -> String {
    format!("{}–{}", engine.name(a), engine.name(b))
}

/// Runs of windows `(start, end, down)` over which pair `series` is at fault (`down`) or
/// measured up (`!down`), in time order.
fn phases(series: &Series<'_>, windows: u32, thresholds: Thresholds) -> Vec<Phase> {
    // Above the middle of the lossy band, a window is no down window's noise.
    let firm_above = (thresholds.up + thresholds.down) / 2.0;
    let mut cuts: BTreeSet<u32> = BTreeSet::new();
    for seg in series.all() {
        cuts.insert(seg.start.0);
        cuts.insert(seg.end.0.min(windows));
    }
    let cuts: Vec<u32> = cuts.into_iter().collect();
    let mut out: Vec<Phase> = Vec::new();
    for c in cuts.windows(2) {
        let w = WindowIdx(c[0]);
        let st = series.at(w);
        let down = if st.fault().is_some() {
            true
        } else if st.is_up() {
            false
        } else {
            continue;
        };
        // Up beyond doubt: every measured direction shows it up by evidence of its own in the
        // phase, with the whole of its 95 % interval above the middle of the lossy band.
        let firm = !down
            && [st.fwd, st.rev, st.rt].iter().flatten().all(|seg| {
                seg.state == EdgeState::Up
                    && seg.evidence_end > w
                    && seg.estimate.is_some_and(|e| e.lo > firm_above)
            });
        match out.last_mut() {
            Some(last) if last.end == c[0] && last.down == down => {
                last.end = c[1];
                last.firm &= firm;
            }
            _ => out.push(Phase {
                start: c[0],
                end: c[1],
                down,
                firm,
            }),
        }
    }
    out
}

/// A run of windows over which a pair series is at fault (`down`) or up; an up phase is `firm`
/// when its evidence alone shows it up beyond doubt.
struct Phase {
    start: u32,
    end: u32,
    down: bool,
    firm: bool,
}

/// Merges findings of one span that share a mode, subtype and node (asymmetric and partial
/// findings, which arrive one pair at a time).
fn group(findings: Vec<Finding>, nodes: usize) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut joinable: BTreeMap<(Mode, Option<Subtype>), Vec<Finding>> = BTreeMap::new();
    for f in findings {
        if matches!(f.mode, Mode::Asymmetric | Mode::Partial) {
            joinable.entry((f.mode, f.subtype)).or_default().push(f);
        } else {
            out.push(f);
        }
    }
    for (_, fs) in joinable {
        let mut uf = UnionFind::<u32>::new(nodes);
        let members = |f: &Finding| -> Vec<u32> {
            f.edges
                .iter()
                .flat_map(|e| [e.a, e.b])
                .chain(f.subject.iter().copied())
                .collect()
        };
        for f in &fs {
            let m = members(f);
            for w in m.windows(2) {
                uf.union(w[0], w[1]);
            }
        }
        let mut by_root: BTreeMap<u32, Finding> = BTreeMap::new();
        for f in fs {
            let root = members(&f).first().map_or(u32::MAX, |&n| uf.find(n));
            match by_root.entry(root) {
                std::collections::btree_map::Entry::Vacant(v) => {
                    v.insert(f);
                }
                std::collections::btree_map::Entry::Occupied(mut o) => {
                    let o = o.get_mut();
                    o.subject.extend(f.subject);
                    o.edges.extend(f.edges);
                    for n in f.notes {
                        if !o.notes.contains(&n) {
                            o.notes.push(n);
                        }
                    }
                }
            }
        }
        out.extend(by_root.into_values());
    }
    out
}

/// Confidence of an episode, 0–1:
///
/// - 0.9 to start with;
/// - × 0.7 for a complete or asymmetric episode whose edges rest on round trips only
///   (the failing direction is not measured);
/// - × 0.8 for a complete episode seen on a single channel;
/// - × 0.7 for a crash with no restart seen;
/// - × (0.5 + n / 60), capped at 1, where n is the largest sample behind an edge;
/// - × (0.5 + duration / (4 × minimum duration)), capped at 1.
pub(crate) fn confidence(ep: &Episode, options: &Options) -> f64 {
    let mut c = 0.9;
    let unknown = ep
        .edges
        .iter()
        .all(|e| e.direction == EdgeDirection::Unknown);
    if matches!(ep.mode, Mode::Complete | Mode::Asymmetric) && unknown {
        c *= 0.7;
    }
    if ep.mode == Mode::Complete && ep.channels.len() < 2 {
        c *= 0.8;
    }
    if ep.subtype == Some(Subtype::Silent) {
        c *= 0.7;
    }
    let n = ep.edges.iter().map(|e| e.n).max().unwrap_or(0);
    c *= (0.5 + n as f64 / 60.0).min(1.0);
    let min_s = options.min_duration_ns as f64 / 1e9;
    if min_s > 0.0 {
        c *= (0.5 + ep.duration_s() / (4.0 * min_s)).min(1.0);
    }
    (c * 100.0).round() / 100.0
}

/// Runs the classifier.
pub(crate) fn episodes(
    timeline: &Timeline,
    trail: Option<&Trail>,
    events: &[Event],
    options: &Options,
) -> Found {
    let engine = Engine::new(timeline, trail, events, options);
    let drafts = engine.run();
    engine.finish(drafts)
}

/// Whether a node's event of this kind is in its own words about what it is doing, so that it
/// was running when it wrote it: not a check of it from outside (a health check, a balancer's
/// verdict, an alert) and not its start or stop, which sit at the edges of a crash.
fn own_words(kind: EventKind) -> bool {
    !matches!(
        kind,
        EventKind::HealthDown
            | EventKind::HealthUp
            | EventKind::BackendDown
            | EventKind::ProbeAlert
            | EventKind::Start
            | EventKind::Restart
            | EventKind::Shutdown
            | EventKind::LastHeard
    )
}
