//! Asymmetric: one direction of a pair down while the other is measured up.

use std::collections::BTreeSet;

use rift_reach::Direction;

use super::Span;
use crate::engine::{FEdge, Finding};
use crate::mode::Mode;

pub(super) fn apply(span: &mut Span<'_, '_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for f in span.open().filter(|f| f.fault.down) {
        let other_up = match f.fault.dir {
            Direction::Forward => f.status_rev_up,
            Direction::Reverse => f.status_fwd_up,
            _ => false,
        };
        if other_up {
            f.consumed = true;
            out.push(Finding {
                mode: Mode::Asymmetric,
                subtype: None,
                subject: BTreeSet::from([f.a, f.b]),
                edges: vec![FEdge::from_fault(f)],
                notes: Vec::new(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use rift_ingest::model::Channel;
    use rift_reach::{Direction, EdgeState};

    use super::super::testing::{Build, run};
    use crate::mode::Mode;

    #[test]
    fn one_direction_down_with_the_other_up_is_asymmetric_in_that_direction() {
        let t = Build::nodes(3)
            .edge(Channel::Heartbeat, 1, 0, None, EdgeState::Down)
            .mesh(Channel::Heartbeat)
            .timeline();
        let (found, open) = run(&t, None, &[], "asymmetric");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].mode, Mode::Asymmetric);
        let e = &found[0].edges[0];
        // Pairs are kept as (a < b): n1 → n0 is the reverse of n0 → n1.
        assert_eq!((e.a, e.b, e.dir), (0, 1, Direction::Reverse));
        assert_eq!(open, 0);
    }

    #[test]
    fn one_direction_down_with_the_other_unmeasured_is_left_open() {
        let t = Build::nodes(2)
            .edge(Channel::Heartbeat, 0, 1, None, EdgeState::Down)
            .timeline();
        let (found, open) = run(&t, None, &[], "asymmetric");
        assert!(found.is_empty());
        assert_eq!(open, 1);
    }
}
