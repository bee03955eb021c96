//! Complete: the nodes fall into components over every pair that is not down on all the
//! channels it is measured on; each component but the main one is cut off, and the faults
//! across its border are the cut.

use std::collections::{BTreeMap, BTreeSet};

use petgraph::unionfind::UnionFind;
use rift_reach::Direction;

use super::Span;
use crate::engine::{FEdge, Finding};
use crate::mode::Mode;

pub(super) fn apply(span: &mut Span<'_, '_>) -> Vec<Finding> {
    let engine = span.engine;
    if !span.faults.iter().any(|f| !f.consumed && f.fault.is_cut()) {
        return Vec::new();
    }
    let mut present = vec![false; engine.timeline.nodes.len()];
    let mut uf = UnionFind::<u32>::new(engine.timeline.nodes.len());
    for (&(a, b), &(measured, down)) in engine.slots.iter().zip(&span.measured) {
        if measured == 0 {
            continue;
        }
        present[a as usize] = true;
        present[b as usize] = true;
        if down < measured {
            uf.union(a, b);
        }
    }
    let mut comps: BTreeMap<u32, BTreeSet<u32>> = BTreeMap::new();
    for n in (0..present.len() as u32).filter(|&n| present[n as usize]) {
        comps.entry(uf.find(n)).or_default().insert(n);
    }
    if comps.len() < 2 {
        return Vec::new();
    }
    let degree = |c: &BTreeSet<u32>| {
        engine
            .slots
            .iter()
            .zip(&span.measured)
            .filter(|((a, b), m)| m.0 > 0 && (c.contains(a) || c.contains(b)))
            .count()
    };
    // The main component: the largest, then the best measured, then the first.
    let main = comps
        .iter()
        .max_by(|x, y| {
            (x.1.len(), degree(x.1))
                .cmp(&(y.1.len(), degree(y.1)))
                .then_with(|| y.0.cmp(x.0))
        })
        .map(|(k, _)| *k);
    let present = present.iter().filter(|p| **p).count();
    let mut out = Vec::new();
    for (root, side) in &comps {
        if Some(*root) == main {
            continue;
        }
        let edges: Vec<FEdge> = span
            .open_cuts()
            .filter(|f| side.contains(&f.a) != side.contains(&f.b))
            .map(|f| {
                f.consumed = true;
                FEdge::from_fault(f)
            })
            .collect();
        if edges.is_empty() {
            continue;
        }
        let mut notes = Vec::new();
        let seen_from: BTreeSet<u32> = edges
            .iter()
            .map(|e| if side.contains(&e.a) { e.b } else { e.a })
            .collect();
        let only = seen_from.first().filter(|_| seen_from.len() == 1);
        if let Some(&only) = only
            && present > side.len() + 1
        {
            notes.push(format!(
                "seen from {} only: the links between the cut-off side and the other nodes are not measured",
                engine.name(only)
            ));
        }
        if edges.iter().all(|e| e.dir == Direction::Unknown) {
            notes.push("round trips only: a cut that is down one way would look the same".into());
        }
        out.push(Finding {
            mode: Mode::Complete,
            subtype: None,
            subject: side.clone(),
            edges,
            notes,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use rift_ingest::model::Channel;
    use rift_reach::EdgeState;

    use super::super::testing::{Build, run};
    use crate::mode::Mode;

    #[test]
    fn a_node_cut_from_all_others_is_a_complete_partition_of_it() {
        let t = Build::nodes(4)
            .pair(Channel::Heartbeat, 0, 1, EdgeState::Down)
            .pair(Channel::Heartbeat, 0, 2, EdgeState::Down)
            .pair(Channel::Heartbeat, 0, 3, EdgeState::Down)
            .mesh(Channel::Heartbeat)
            .timeline();
        let (found, open) = run(&t, None, &[], "complete");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].mode, Mode::Complete);
        assert_eq!(found[0].subject, [0].into());
        assert_eq!(found[0].edges.len(), 3);
        assert!(found[0].notes.is_empty(), "{:?}", found[0].notes);
        assert_eq!(open, 0);
    }

    #[test]
    fn a_cut_seen_in_round_trips_only_says_so() {
        let t = Build::nodes(3)
            .round_trip(Channel::Heartbeat, 0, 2, EdgeState::Down)
            .round_trip(Channel::Heartbeat, 1, 2, EdgeState::Down)
            .round_trip(Channel::Heartbeat, 0, 1, EdgeState::Up)
            .timeline();
        let (found, _) = run(&t, None, &[], "complete");
        assert_eq!(found[0].subject, [2].into());
        assert_eq!(
            found[0].notes,
            ["round trips only: a cut that is down one way would look the same"]
        );
    }

    #[test]
    fn a_cut_measured_from_one_node_only_says_so() {
        // n3 is measured from n0 only; n1 and n2 reach n0 and each other.
        let t = Build::nodes(4)
            .pair(Channel::Heartbeat, 0, 3, EdgeState::Down)
            .pair(Channel::Heartbeat, 0, 1, EdgeState::Up)
            .pair(Channel::Heartbeat, 0, 2, EdgeState::Up)
            .pair(Channel::Heartbeat, 1, 2, EdgeState::Up)
            .timeline();
        let (found, _) = run(&t, None, &[], "complete");
        assert_eq!(found[0].subject, [3].into());
        assert!(
            found[0].notes[0].starts_with("seen from n0 only"),
            "{:?}",
            found[0].notes
        );
    }
}
