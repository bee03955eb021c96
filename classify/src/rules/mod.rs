//! The classification rules, one module each.
//!
//! The engine cuts the timeline into spans over which no series changes and hands each span
//! with a fault to the rules in [`RULES`] order. A rule reads the span (its pair faults, the
//! pairs measured up, the engine's flows, restarts and reporters), returns its findings, and
//! marks the pair faults it explains as consumed, so that each fault is explained once: a later
//! rule sees only what the earlier ones left.
//!
//! A new rule is a module here with an `apply(&mut Span) -> Vec<Finding>` and one line in
//! [`RULES`], at the place its question belongs.

mod asymmetric;
mod complete;
mod crash;
mod gray;
mod non_transitive;
mod observers;
mod per_flow;
mod refused;
pub(crate) mod remainder;

use rift_ingest::model::Channel;
use rift_reach::{Direction, EdgeState, WindowIdx};

use crate::engine::{Engine, Finding, PairFault, PairId};

/// One classification rule.
pub(crate) struct Rule {
    /// What the rule is called in the documentation and the tests.
    #[cfg_attr(
        not(test),
        expect(dead_code, reason = "the tests pick a rule by its name")
    )]
    pub(crate) name: &'static str,
    /// Reads the span, consumes the faults it explains, returns its findings.
    pub(crate) apply: fn(&mut Span<'_, '_>) -> Vec<Finding>,
}

/// The rules in the order they run. The order is the argument of the classifier: a fault is
/// given to the most specific explanation first.
///
/// 1. `crash`: a node that stopped reporting explains every fault it touches; the network is
///    not to blame for a silent host.
/// 2. `refused`: round trips that failed although the target's host answered (it refused the
///    connection, or its health endpoint gave an error status) are the process, not the
///    network: a crash when the connection was refused and the node logged nothing meanwhile,
///    else a service that stopped serving.
/// 3. `per-flow`: some flows of a pair failing while others pass is a property of the flows,
///    whatever the pair's aggregate looks like.
/// 4. `gray`: the workload failing while the liveness channel passes is the gray failure, and
///    must be told before the data fault is read as a plain cut.
/// 5. `asymmetric`: one direction down while the other is measured up.
/// 6. `non-transitive`: a pair down both ways while a third node reaches both.
/// 7. `complete`: what is left down both ways, grouped into the components it separates.
/// 8. `observers-disagree`: a pair down while both of its nodes reach others, the observers'
///    own link unmeasured.
/// 9. `remainder`: every fault still unexplained, named for what is known of it.
pub(crate) const RULES: &[Rule] = &[
    Rule {
        name: "crash",
        apply: crash::apply,
    },
    Rule {
        name: "refused",
        apply: refused::apply,
    },
    Rule {
        name: "per-flow",
        apply: per_flow::apply,
    },
    Rule {
        name: "gray",
        apply: gray::apply,
    },
    Rule {
        name: "asymmetric",
        apply: asymmetric::apply,
    },
    Rule {
        name: "non-transitive",
        apply: non_transitive::apply,
    },
    Rule {
        name: "complete",
        apply: complete::apply,
    },
    Rule {
        name: "observers-disagree",
        apply: observers::apply,
    },
    Rule {
        name: "remainder",
        apply: remainder::apply,
    },
];

/// What the rules read of one span `[start, end)` of windows.
pub(crate) struct Span<'e, 'a> {
    pub(crate) engine: &'e Engine<'a>,
    pub(crate) start: u32,
    pub(crate) end: u32,
    /// The pair faults of the span, in the engine's pair order.
    pub(crate) faults: Vec<PairFault>,
    /// Per pair series (in the engine's pair order): measured up.
    up: Vec<bool>,
    /// Per node pair (the engine's slots): channels measured, and channels that show no way
    /// through it ([`PairFault::severs`]).
    pub(crate) measured: Vec<(u32, u32)>,
    /// What a rule explained without a finding of its own, said of every finding of the span.
    pub(crate) notes: Vec<String>,
}

impl<'e, 'a> Span<'e, 'a> {
    /// Reads the span starting at window `start` from every pair series. `cursors` (one per
    /// pair series) only move forward: spans are read in time order.
    pub(crate) fn read(
        engine: &'e Engine<'a>,
        start: u32,
        end: u32,
        cursors: &mut [[usize; 3]],
    ) -> Self {
        let w = WindowIdx(start);
        let mut faults = Vec::new();
        let mut up = vec![false; engine.pairs.len()];
        let mut measured = vec![(0, 0); engine.slots.len()];
        for (i, (&(channel, a, b), series)) in engine.pairs.iter().enumerate() {
            let st = series.advance(&mut cursors[i], w);
            if st.fwd.is_none() && st.rev.is_none() && st.rt.is_none() {
                continue;
            }
            let m = &mut measured[engine.slot_of[i]];
            m.0 += 1;
            if let Some(fault) = st.fault() {
                let refusing = st
                    .rt
                    .filter(|_| fault.dir == Direction::Unknown)
                    .and_then(|seg| engine.refusing(channel, (a, b), seg.start.0, seg.end.0));
                faults.push(PairFault {
                    channel,
                    a,
                    b,
                    fault,
                    status_fwd_up: shown_up(st.fwd, w),
                    status_rev_up: shown_up(st.rev, w),
                    consumed: false,
                    cut_elsewhere: false,
                    refusing,
                });
            } else if st.is_up() {
                up[i] = true;
            }
        }
        // A target whose health endpoint answers a prober with an error status says that its
        // service cannot serve: the prober's other requests to it that got no answer in the
        // same span failed with the service, on a path the answers show working.
        let answering: Vec<(u32, u32, u32)> = faults
            .iter()
            .filter_map(|f| match f.refusing {
                Some((t, false)) => Some((f.a, f.b, t)),
                _ => None,
            })
            .collect();
        for f in faults
            .iter_mut()
            .filter(|f| f.refusing.is_none() && f.fault.dir == Direction::Unknown && f.fault.down)
        {
            if let Some(&(_, _, t)) = answering.iter().find(|(a, b, _)| (*a, *b) == (f.a, f.b)) {
                f.refusing = Some((t, false));
            }
        }
        // A pair cut on one channel whose other channels show one direction silent and the
        // other not measured up: over TCP, that silence follows a cut of either direction, so
        // it shows no way through either.
        let cut: Vec<(Channel, u32, u32)> = faults
            .iter()
            .filter(|f| f.fault.is_cut())
            .map(|f| (f.channel, f.a, f.b))
            .collect();
        for f in &mut faults {
            f.cut_elsewhere = cut
                .iter()
                .any(|&(c, a, b)| c != f.channel && (a, b) == (f.a, f.b));
        }
        // A request the target's host answered shows the path working, however it failed.
        for f in faults.iter().filter(|f| f.severs() && f.refusing.is_none()) {
            let slot = engine.position[&(f.channel, f.a, f.b)];
            measured[engine.slot_of[slot]].1 += 1;
        }
        Span {
            engine,
            start,
            end,
            faults,
            up,
            measured,
            notes: Vec::new(),
        }
    }

    /// The span's first window.
    pub(crate) fn window(&self) -> WindowIdx {
        WindowIdx(self.start)
    }

    /// Whether pair {x, y} is measured up on `channel` in this span.
    pub(crate) fn is_up(&self, channel: Channel, x: u32, y: u32) -> bool {
        self.engine
            .position
            .get(&(channel, x.min(y), x.max(y)))
            .is_some_and(|&i| self.up[i])
    }

    /// The pair series measured up, as (channel, a, b).
    pub(crate) fn ups(&self) -> impl Iterator<Item = PairId> + '_ {
        self.engine
            .pairs
            .keys()
            .zip(&self.up)
            .filter(|(_, up)| **up)
            .map(|(k, _)| *k)
    }

    /// The faults no rule has explained yet.
    pub(crate) fn open(&mut self) -> impl Iterator<Item = &mut PairFault> {
        self.faults.iter_mut().filter(|f| !f.consumed)
    }

    /// The faults no rule has explained yet that are down both ways (or whose round trips are
    /// down): the candidates for a cut.
    pub(crate) fn open_cuts(&mut self) -> impl Iterator<Item = &mut PairFault> {
        self.open().filter(|f| f.fault.is_cut())
    }
}

/// Whether a direction is shown up by evidence in the span from `w` on: a state carried past
/// its last evidence says only that nothing contradicted it yet, which is no way through when
/// the other direction has just stopped (the reporter of the carried state may be the one cut
/// off, its silence not yet a verdict).
fn shown_up(s: Option<&rift_reach::Segment>, w: WindowIdx) -> bool {
    s.is_some_and(|s| s.state == EdgeState::Up && s.evidence_end > w)
}

impl PairFault {
    /// Whether the fault shows no way through the pair on its channel: down both ways (or its
    /// round trips down), or one way down with the reverse not measured up while the pair is
    /// cut on another channel.
    pub(crate) fn severs(&self) -> bool {
        let reverse_up = match self.fault.dir {
            Direction::Forward => self.status_rev_up,
            Direction::Reverse => self.status_fwd_up,
            _ => false,
        };
        self.fault.is_cut()
            || (self.fault.down && self.is_one_way() && !reverse_up && self.cut_elsewhere)
    }

    /// Whether the fault is down in one direction only.
    pub(crate) fn is_one_way(&self) -> bool {
        matches!(self.fault.dir, Direction::Forward | Direction::Reverse)
    }
}

#[cfg(test)]
pub(crate) mod testing {
    //! Hand-built spans: a timeline of ten one-second windows whose series hold one state each,
    //! and the span over all of it.

    use std::collections::BTreeMap;

    use rift_ingest::model::{Channel, Event, Evidence, NodeId};
    use rift_reach::{
        EdgeKey, EdgeState, PairKey, Segment, Timeline, Trace, TraceKey, Trail, WindowIdx,
        synthetic,
    };

    use super::Span;
    use crate::engine::{Engine, Finding};
    use crate::options::Options;

    pub(crate) const WINDOWS: u32 = 10;

    /// A timeline under construction: nodes n0, n1, … and series in one state throughout.
    #[derive(Default)]
    pub(crate) struct Build {
        nodes: usize,
        edges: BTreeMap<EdgeKey, Vec<Segment>>,
        round_trips: BTreeMap<PairKey, Vec<Segment>>,
    }

    pub(crate) fn name(i: u32) -> NodeId {
        NodeId(format!("n{i}"))
    }

    fn whole(state: EdgeState) -> Vec<Segment> {
        vec![synthetic::segment(0, WINDOWS, state)]
    }

    impl Build {
        pub(crate) fn nodes(n: usize) -> Self {
            Build {
                nodes: n,
                ..Build::default()
            }
        }

        /// The direction `src → dst` on `channel` (and `flow`) in `state`.
        pub(crate) fn edge(
            mut self,
            channel: Channel,
            src: u32,
            dst: u32,
            flow: Option<&str>,
            state: EdgeState,
        ) -> Self {
            let key = EdgeKey {
                channel,
                src: name(src),
                dst: name(dst),
                flow: flow.map(str::to_owned),
            };
            self.edges.insert(key, whole(state));
            self
        }

        /// Both directions of {a, b} on `channel`.
        pub(crate) fn pair(self, channel: Channel, a: u32, b: u32, state: EdgeState) -> Self {
            self.edge(channel, a, b, None, state)
                .edge(channel, b, a, None, state)
        }

        /// Every pair of nodes on `channel` up, except those already given.
        pub(crate) fn mesh(mut self, channel: Channel) -> Self {
            for a in 0..self.nodes as u32 {
                for b in (0..self.nodes as u32).filter(|&b| b != a) {
                    let key = EdgeKey {
                        channel,
                        src: name(a),
                        dst: name(b),
                        flow: None,
                    };
                    self.edges
                        .entry(key)
                        .or_insert_with(|| whole(EdgeState::Up));
                }
            }
            self
        }

        /// Round trips of {a, b} on `channel` in `state` (no one-way series).
        pub(crate) fn round_trip(
            mut self,
            channel: Channel,
            a: u32,
            b: u32,
            state: EdgeState,
        ) -> Self {
            let key = PairKey {
                channel,
                a: name(a.min(b)),
                b: name(a.max(b)),
                flow: None,
            };
            self.round_trips.insert(key, whole(state));
            self
        }

        pub(crate) fn timeline(self) -> Timeline {
            Timeline {
                round_trips: self.round_trips,
                ..synthetic::timeline(
                    (0..self.nodes as u32).map(name).collect(),
                    self.edges,
                    WINDOWS,
                )
            }
        }
    }

    /// n0 and n1 are members that talk on `members`; n2 is a client whose requests to n1
    /// fail throughout, written in its table `client.csv`.
    pub(crate) fn client_fails_on_n1(members: Channel) -> (Timeline, Trail) {
        let t = Build::nodes(3)
            .pair(members, 0, 1, EdgeState::Up)
            .round_trip(Channel::Data, 2, 0, EdgeState::Up)
            .round_trip(Channel::Data, 2, 1, EdgeState::Down)
            .timeline();
        let key = |dst: u32| TraceKey {
            channel: Channel::Data,
            evidence: Evidence::RoundTrip,
            src: name(2),
            dst: name(dst),
            flow: None,
        };
        let row = |line: u32, ok: bool| Trace {
            ts_ns: 0,
            ok,
            attempts: 1,
            delivered: u32::from(ok),
            origin: format!("client.csv:{line}"),
        };
        let all = vec![(WindowIdx(0), WindowIdx(WINDOWS))];
        let trail = Trail {
            reporting: [
                (name(0), all.clone()),
                (name(1), all.clone()),
                (name(2), all),
            ]
            .into_iter()
            .collect(),
            own_reporters: [name(0), name(1)].into_iter().collect(),
            turns: BTreeMap::from([(key(0), vec![row(2, true)]), (key(1), vec![row(3, false)])]),
            truncated: 0,
        };
        (t, trail)
    }

    /// Runs the rules before `rule` (by name) and then `rule` on the span over the whole
    /// timeline; returns what `rule` found and the faults left open after it.
    pub(crate) fn run(
        timeline: &Timeline,
        trail: Option<&Trail>,
        events: &[Event],
        rule: &str,
    ) -> (Vec<Finding>, usize) {
        let options = Options::default();
        let engine = Engine::new(timeline, trail, events, &options);
        let mut cursors = vec![[0usize; 3]; engine.pairs.len()];
        let mut span = Span::read(&engine, 0, WINDOWS, &mut cursors);
        for r in super::RULES {
            let found = (r.apply)(&mut span);
            if r.name == rule {
                let open = span.faults.iter().filter(|f| !f.consumed).count();
                return (found, open);
            }
        }
        panic!("no rule named {rule}");
    }
}
