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
    // An outside prober joins no sides: reaching two members, it does not join them. It is
    // placed after the members are grouped, with the largest group it reaches (or alone, cut
    // off, when it reaches none).
    let mut prober_ups: Vec<(u32, u32)> = Vec::new();
    for (&(a, b), &(measured, down)) in engine.slots.iter().zip(&span.measured) {
        if measured == 0 {
            continue;
        }
        present[a as usize] = true;
        present[b as usize] = true;
        if engine.probers.contains(&a) || engine.probers.contains(&b) {
            if down < measured {
                prober_ups.push((a, b));
            }
            continue;
        }
        if down < measured {
            uf.union(a, b);
        }
    }
    // Cuts that all touch one node and reach at least two others, with nothing measured up
    // that would join that node to anyone: the simplest reading is that node cut off from the
    // rest, whose own links to each other no one measured. Each of the others alone would
    // explain one edge; the one node explains them all.
    let mut star = star_centre(span);
    if let Some(c) = star {
        let rest: Vec<u32> = (0..present.len() as u32)
            .filter(|&n| n != c && present[n as usize] && !engine.probers.contains(&n))
            .collect();
        if rest.windows(2).all(|w| uf.equiv(w[0], w[1])) {
            // Measured whole already: nothing is taken on trust.
            star = None;
        } else {
            for w in rest.windows(2) {
                uf.union(w[0], w[1]);
            }
        }
    }
    let size = |uf: &UnionFind<u32>, n: u32| {
        (0..present.len() as u32)
            .filter(|&m| present[m as usize] && !engine.probers.contains(&m) && uf.equiv(m, n))
            .count()
    };
    for p in engine.probers.iter().copied() {
        let best = prober_ups
            .iter()
            .filter_map(|&(a, b)| match (a == p, b == p) {
                (true, false) => Some(b),
                (false, true) => Some(a),
                _ => None,
            })
            .filter(|m| !engine.probers.contains(m))
            .max_by_key(|&m| (size(&uf, m), std::cmp::Reverse(m)));
        if let Some(m) = best {
            uf.union(p, m);
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
            .open()
            .filter(|f| f.severs() && side.contains(&f.a) != side.contains(&f.b))
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
        if star.is_some() {
            notes.push(
                "the other nodes' links to each other are not measured; taken as whole, since one cut-off node explains every failed link".into(),
            );
        } else if let Some(&only) = only
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

/// The node every open cut touches, when the cuts reach at least two other nodes and none of
/// its pairs is measured up.
fn star_centre(span: &mut Span<'_, '_>) -> Option<u32> {
    let cuts: Vec<(u32, u32)> = span.open_cuts().map(|f| (f.a, f.b)).collect();
    let (a, b) = *cuts.first()?;
    let centre = [a, b]
        .into_iter()
        .find(|&c| cuts.iter().all(|&(x, y)| x == c || y == c))?;
    let other_end = |x: u32, y: u32| if x == centre { y } else { x };
    let others: BTreeSet<u32> = cuts.iter().map(|&(x, y)| other_end(x, y)).collect();
    let joined = span.ups().any(|(_, x, y)| {
        (x == centre || y == centre) && !span.engine.probers.contains(&other_end(x, y))
    });
    (others.len() >= 2 && !joined).then_some(centre)
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
    fn a_silent_direction_with_its_reverse_unmeasured_joins_no_one_across_a_cut() {
        // n0's round trips to both fail; on the data channel only n1's and n2's streams into
        // n0 are known to have stopped. Over TCP that is what either direction's cut leaves, so
        // nothing joins n0 to the others.
        let t = Build::nodes(3)
            .round_trip(Channel::Heartbeat, 0, 1, EdgeState::Down)
            .round_trip(Channel::Heartbeat, 0, 2, EdgeState::Down)
            .pair(Channel::Heartbeat, 1, 2, EdgeState::Up)
            .edge(Channel::Data, 1, 0, None, EdgeState::Down)
            .edge(Channel::Data, 2, 0, None, EdgeState::Down)
            .timeline();
        let (found, open) = run(&t, None, &[], "complete");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].subject, [0].into());
        assert_eq!(found[0].edges.len(), 4);
        assert_eq!(open, 0);
    }

    #[test]
    fn one_node_that_every_failed_link_touches_is_the_one_cut_off() {
        // n0 fails with n1 and with n2; nothing measures n1–n2. Either of them alone would
        // explain one failed link, n0 explains both.
        let t = Build::nodes(3)
            .round_trip(Channel::Heartbeat, 0, 1, EdgeState::Down)
            .round_trip(Channel::Heartbeat, 0, 2, EdgeState::Down)
            .timeline();
        let (found, open) = run(&t, None, &[], "complete");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].subject, [0].into());
        assert_eq!(found[0].edges.len(), 2);
        assert!(
            found[0].notes.iter().any(|n| n.contains("taken as whole")),
            "{:?}",
            found[0].notes
        );
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
