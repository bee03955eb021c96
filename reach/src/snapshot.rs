//! One window of one channel as a directed graph, with the queries the classifier needs.

use std::collections::BTreeMap;

use petgraph::algo::tarjan_scc;
use petgraph::graphmap::DiGraphMap;
use rift_ingest::model::{Channel, NodeId};

use crate::model::{EdgeState, Timeline, WindowIdx};

/// The state of every measured direction on one channel at one window.
#[derive(Clone, Debug, PartialEq)]
pub struct Snapshot {
    /// The channel.
    pub channel: Channel,
    /// The window.
    pub window: WindowIdx,
    /// Nodes with any evidence on the channel over the whole timeline, sorted.
    pub nodes: Vec<NodeId>,
    /// The state of each measured direction (all flows).
    pub edges: BTreeMap<(NodeId, NodeId), EdgeState>,
    /// Pairs whose round trips fail in this window (`a < b`).
    pub failing_round_trips: Vec<(NodeId, NodeId)>,
}

impl Snapshot {
    /// The snapshot of `channel` at window `w`.
    pub fn at(timeline: &Timeline, channel: Channel, w: WindowIdx) -> Self {
        let mut nodes = std::collections::BTreeSet::new();
        let mut edges = BTreeMap::new();
        for (k, segs) in timeline
            .edges
            .iter()
            .filter(|(k, _)| k.channel == channel && k.flow.is_none())
        {
            nodes.insert(k.src.clone());
            nodes.insert(k.dst.clone());
            if let Some(s) = segs.iter().find(|s| s.contains(w)) {
                edges.insert((k.src.clone(), k.dst.clone()), s.state);
            }
        }
        let failing_round_trips = timeline
            .round_trips
            .iter()
            .filter(|(k, _)| k.channel == channel && k.flow.is_none())
            .filter(|(_, segs)| segs.iter().any(|s| s.contains(w) && s.state.is_fault()))
            .map(|(k, _)| (k.a.clone(), k.b.clone()))
            .collect();
        Snapshot {
            channel,
            window: w,
            nodes: nodes.into_iter().collect(),
            edges,
            failing_round_trips,
        }
    }

    /// The state of `src → dst`, `None` if not measured in this window.
    pub fn state(&self, src: &str, dst: &str) -> Option<EdgeState> {
        self.edges.get(&(src.into(), dst.into())).copied()
    }

    fn up_graph(&self) -> DiGraphMap<usize, ()> {
        let index: BTreeMap<&NodeId, usize> =
            self.nodes.iter().enumerate().map(|(i, n)| (n, i)).collect();
        let mut g = DiGraphMap::new();
        for i in 0..self.nodes.len() {
            g.add_node(i);
        }
        for ((s, d), state) in &self.edges {
            if *state == EdgeState::Up {
                g.add_edge(index[s], index[d], ());
            }
        }
        g
    }

    /// Strongly connected components over the up edges, each sorted, largest first.
    pub fn components(&self) -> Vec<Vec<NodeId>> {
        let mut comps: Vec<Vec<NodeId>> = tarjan_scc(&self.up_graph())
            .into_iter()
            .map(|c| {
                let mut v: Vec<NodeId> = c.into_iter().map(|i| self.nodes[i].clone()).collect();
                v.sort();
                v
            })
            .collect();
        comps.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        comps
    }

    /// Pairs `(a, b)` where a→b is up and b→a is down or lossy.
    pub fn asymmetric_pairs(&self) -> Vec<(NodeId, NodeId)> {
        self.edges
            .iter()
            .filter(|((s, d), st)| {
                **st == EdgeState::Up
                    && self
                        .edges
                        .get(&(d.clone(), s.clone()))
                        .is_some_and(|r| r.is_fault())
            })
            .map(|((s, d), _)| (s.clone(), d.clone()))
            .collect()
    }

    /// True if `side` and the other nodes are cut apart: at least one direction across the cut
    /// is measured, and every measured direction across it is down.
    pub fn is_cut(&self, side: &[&str]) -> bool {
        let inside = |n: &NodeId| side.contains(&n.as_str());
        let crossing: Vec<EdgeState> = self
            .edges
            .iter()
            .filter(|((s, d), _)| inside(s) != inside(d))
            .map(|(_, st)| *st)
            .collect();
        !crossing.is_empty() && crossing.iter().all(|s| *s == EdgeState::Down)
    }

    /// Triples `(a, b, c)` with a↔c and b↔c up both ways while a→b or b→a is down (`a < b`).
    pub fn non_transitive(&self) -> Vec<(NodeId, NodeId, NodeId)> {
        let up = |x: &NodeId, y: &NodeId| {
            self.edges.get(&(x.clone(), y.clone())) == Some(&EdgeState::Up)
        };
        let down = |x: &NodeId, y: &NodeId| {
            self.edges.get(&(x.clone(), y.clone())) == Some(&EdgeState::Down)
        };
        let mut out = Vec::new();
        for (i, a) in self.nodes.iter().enumerate() {
            for b in &self.nodes[i + 1..] {
                if !(down(a, b) || down(b, a)) {
                    continue;
                }
                for c in &self.nodes {
                    if c != a && c != b && up(a, c) && up(c, a) && up(b, c) && up(c, b) {
                        out.push((a.clone(), b.clone(), c.clone()));
                    }
                }
            }
        }
        out
    }
}
