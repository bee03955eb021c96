//! Non-transitive: a pair down both ways while a third node of the cluster reaches both of them
//! on the same channel. An outside prober (the client) reaching both is not such a witness: it
//! says the members still answer, not that the network between them routes around the cut. Nor
//! is a pair with a prober at one end such a pair: a client that cannot reach a member the
//! others reach is an observer that disagrees about that member (gray, the observers rule).

use std::collections::BTreeSet;

use super::Span;
use crate::engine::{FEdge, Finding};
use crate::mode::{Mode, Subtype};

pub(super) fn apply(span: &mut Span<'_, '_>) -> Vec<Finding> {
    let engine = span.engine;
    let nodes = engine.timeline.nodes.len() as u32;
    // Which open cuts have a witness, judged before any is consumed (consuming changes no
    // measurement, so the order does not matter).
    let witnessed: Vec<(usize, u32)> = span
        .faults
        .iter()
        .enumerate()
        .filter(|(_, f)| {
            !f.consumed
                && f.fault.is_cut()
                && !engine.probers.contains(&f.a)
                && !engine.probers.contains(&f.b)
        })
        .filter_map(|(i, f)| {
            (0..nodes)
                .find(|&z| {
                    z != f.a
                        && z != f.b
                        && !engine.probers.contains(&z)
                        && span.is_up(f.channel, f.a, z)
                        && span.is_up(f.channel, f.b, z)
                })
                .map(|z| (i, z))
        })
        .collect();
    let mut out = Vec::new();
    for (i, z) in witnessed {
        let f = &mut span.faults[i];
        f.consumed = true;
        out.push(Finding {
            mode: Mode::Partial,
            subtype: Some(Subtype::NonTransitive),
            subject: BTreeSet::from([f.a, f.b]),
            edges: vec![FEdge::from_fault(f)],
            notes: vec![format!(
                "{} and {} both reach {} on {}",
                engine.name(f.a),
                engine.name(f.b),
                engine.name(z),
                f.channel
            )],
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use rift_ingest::model::Channel;
    use rift_reach::EdgeState;

    use super::super::testing::{Build, run};
    use crate::mode::{Mode, Subtype};

    #[test]
    fn a_pair_cut_while_a_third_node_reaches_both_is_non_transitive() {
        let t = Build::nodes(3)
            .pair(Channel::Heartbeat, 0, 1, EdgeState::Down)
            .mesh(Channel::Heartbeat)
            .timeline();
        let (found, open) = run(&t, None, &[], "non-transitive");
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].mode, found[0].subtype),
            (Mode::Partial, Some(Subtype::NonTransitive))
        );
        assert_eq!(found[0].subject, [0, 1].into());
        assert_eq!(found[0].notes, ["n0 and n1 both reach n2 on heartbeat"]);
        assert_eq!(open, 0);
    }

    #[test]
    fn a_witness_on_another_channel_does_not_count() {
        let t = Build::nodes(3)
            .pair(Channel::Heartbeat, 0, 1, EdgeState::Down)
            .mesh(Channel::Health)
            .timeline();
        let (found, open) = run(&t, None, &[], "non-transitive");
        assert!(found.is_empty());
        assert_eq!(open, 1);
    }
}
