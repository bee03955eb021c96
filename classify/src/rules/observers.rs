//! Observers disagree: x is down from y while another node reaches x, and y itself reaches
//! others; the observers' own link is not measured, so the fault is in how they see x.

use std::collections::{BTreeSet, HashMap};

use rift_ingest::model::Channel;

use super::Span;
use crate::engine::{FEdge, Finding, pair_name};
use crate::mode::{Mode, Subtype};

pub(super) fn apply(span: &mut Span<'_, '_>) -> Vec<Finding> {
    let engine = span.engine;
    if !span.faults.iter().any(|f| !f.consumed && f.fault.down) {
        return Vec::new();
    }
    // Pairs measured up per (channel, node).
    let mut up_degree: HashMap<(Channel, u32), u32> = HashMap::new();
    for (channel, a, b) in span.ups() {
        *up_degree.entry((channel, a)).or_default() += 1;
        *up_degree.entry((channel, b)).or_default() += 1;
    }
    // Whether x reaches a node other than `not` on the channel.
    let has_other_up = |channel: Channel, x: u32, not: u32| {
        let all = up_degree.get(&(channel, x)).copied().unwrap_or(0);
        all > u32::from(span.is_up(channel, x, not))
    };
    let mut judged: Vec<(usize, BTreeSet<u32>)> = Vec::new();
    for (i, f) in span.faults.iter().enumerate() {
        if f.consumed || !f.fault.is_cut() {
            continue;
        }
        // x is disputed when it reaches others while y cannot reach it and y reaches others.
        // An outside prober's view is disputed by the members reaching x on any channel: a
        // client whose checks of x fail while x serves its peers disagrees with them.
        let disputed = |x: u32, y: u32| {
            let x_reached = if engine.probers.contains(&y) {
                engine.channels.iter().any(|&c| has_other_up(c, x, y))
            } else {
                has_other_up(f.channel, x, y)
            };
            x_reached && has_other_up(f.channel, y, x)
        };
        let mut subject: BTreeSet<u32> = [(f.a, f.b), (f.b, f.a)]
            .into_iter()
            .filter(|&(x, y)| disputed(x, y))
            .map(|(x, _)| x)
            .collect();
        // Of two disputed nodes, an outside prober is the observer and the other the one
        // observed; else the one that does not report is the one observed.
        let is_prober = |n: u32| engine.probers.contains(&n);
        let reports = |n: u32| engine.reporters.contains(&n);
        for observer in [&is_prober as &dyn Fn(u32) -> bool, &reports] {
            if subject.len() == 2 {
                let observed: BTreeSet<u32> =
                    subject.iter().copied().filter(|&n| !observer(n)).collect();
                if observed.len() == 1 {
                    subject = observed;
                }
            }
        }
        if !subject.is_empty() {
            judged.push((i, subject));
        }
    }
    let mut out = Vec::new();
    for (i, subject) in judged {
        let f = &mut span.faults[i];
        f.consumed = true;
        out.push(Finding {
            mode: Mode::Gray,
            subtype: Some(Subtype::ObserversDisagree),
            subject,
            edges: vec![FEdge::from_fault(f)],
            notes: vec![format!(
                "on {}, {} fails while both nodes reach others",
                f.channel,
                pair_name(engine, f.a, f.b)
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
    fn a_pair_down_while_both_reach_others_is_observers_disagree() {
        // n0 and n1 cannot reach each other; n0 reaches n2, n1 reaches n3, n2 reaches n3: no
        // node reaches both (not non-transitive) and no side is cut off (not complete).
        let t = Build::nodes(4)
            .pair(Channel::Heartbeat, 0, 1, EdgeState::Down)
            .pair(Channel::Heartbeat, 0, 2, EdgeState::Up)
            .pair(Channel::Heartbeat, 1, 3, EdgeState::Up)
            .pair(Channel::Heartbeat, 2, 3, EdgeState::Up)
            .timeline();
        let (found, open) = run(&t, None, &[], "observers-disagree");
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].mode, found[0].subtype),
            (Mode::Gray, Some(Subtype::ObserversDisagree))
        );
        assert_eq!(found[0].subject, [0, 1].into());
        assert_eq!(
            found[0].notes,
            ["on heartbeat, n0–n1 fails while both nodes reach others"]
        );
        assert_eq!(open, 0);
    }

    #[test]
    fn a_client_that_cannot_reach_a_member_the_others_reach_disputes_that_member() {
        // The client n2 reaches n0 but not n1, which n0 reaches on the same channel: gray on
        // n1, not a partition between the client and n1.
        let (t, trail) = super::super::testing::client_fails_on_n1(Channel::Data);
        let (found, open) = run(&t, Some(&trail), &[], "non-transitive");
        assert!(found.is_empty(), "{found:?}");
        assert_eq!(open, 1);
        let (found, open) = run(&t, Some(&trail), &[], "observers-disagree");
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].mode, found[0].subtype),
            (Mode::Gray, Some(Subtype::ObserversDisagree))
        );
        assert_eq!(found[0].subject, [1].into());
        assert_eq!(open, 0);
    }

    #[test]
    fn a_node_that_reaches_nobody_else_is_not_disputed() {
        // n1 reaches nobody (its link to n2 is lossy, which keeps it in n2's component, so no
        // cut takes the fault first): the pair n0–n1 is left for the remainder.
        let t = Build::nodes(3)
            .pair(Channel::Heartbeat, 0, 1, EdgeState::Down)
            .pair(Channel::Heartbeat, 0, 2, EdgeState::Up)
            .pair(Channel::Heartbeat, 1, 2, EdgeState::Lossy)
            .timeline();
        let (found, open) = run(&t, None, &[], "observers-disagree");
        assert!(found.is_empty());
        assert_eq!(open, 2);
    }
}
