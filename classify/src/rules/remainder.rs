//! What is left: every fault no earlier rule explained, named for what is known of it — lossy,
//! failing on one channel while others pass, one way with the other way unmeasured, or a pair
//! cut while both stay connected to the rest.

use std::collections::BTreeSet;

use super::Span;
use crate::engine::{FEdge, Finding, pair_name};
use crate::mode::{Mode, Subtype};

/// The note of a one-way fault whose reverse was not measured up: asymmetric for want of a
/// better name, and the start of a cut when the reverse is found down next.
pub(crate) const REVERSE_UNMEASURED: &str = "the reverse direction is not measured up";

pub(super) fn apply(span: &mut Span<'_, '_>) -> Vec<Finding> {
    let engine = span.engine;
    let mut judged = Vec::new();
    for (i, f) in span.faults.iter().enumerate().filter(|(_, f)| !f.consumed) {
        let (a, b) = (f.a, f.b);
        let other_channel_up = engine
            .channels
            .iter()
            .any(|&c| c != f.channel && span.is_up(c, a, b));
        let (subtype, mode, note) = if !f.fault.down {
            (Some(Subtype::Lossy), Mode::Partial, None)
        } else if other_channel_up {
            (
                Some(Subtype::PerFlow),
                Mode::Partial,
                Some(format!(
                    "{} fails on {} while other channels pass",
                    pair_name(engine, a, b),
                    f.channel
                )),
            )
        } else if f.is_one_way() {
            (None, Mode::Asymmetric, Some(REVERSE_UNMEASURED.to_owned()))
        } else {
            (
                Some(Subtype::NonTransitive),
                Mode::Partial,
                Some(format!(
                    "{} fails while both stay connected to the rest",
                    pair_name(engine, a, b)
                )),
            )
        };
        judged.push((
            i,
            Finding {
                mode,
                subtype,
                subject: BTreeSet::from([a, b]),
                edges: vec![FEdge::from_fault(f)],
                notes: note.into_iter().collect(),
            },
        ));
    }
    judged
        .into_iter()
        .map(|(i, finding)| {
            span.faults[i].consumed = true;
            finding
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use rift_ingest::model::Channel;
    use rift_reach::EdgeState;

    use super::super::testing::{Build, run};
    use crate::mode::{Mode, Subtype};

    #[test]
    fn a_lossy_pair_is_partial_lossy() {
        let t = Build::nodes(2)
            .pair(Channel::Heartbeat, 0, 1, EdgeState::Lossy)
            .timeline();
        let (found, open) = run(&t, None, &[], "remainder");
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].mode, found[0].subtype),
            (Mode::Partial, Some(Subtype::Lossy))
        );
        assert_eq!(open, 0);
    }

    #[test]
    fn one_way_down_with_the_reverse_unmeasured_is_asymmetric_with_a_note() {
        let t = Build::nodes(2)
            .edge(Channel::Heartbeat, 0, 1, None, EdgeState::Down)
            .timeline();
        let (found, _) = run(&t, None, &[], "remainder");
        assert_eq!(found[0].mode, Mode::Asymmetric);
        assert_eq!(found[0].notes, ["the reverse direction is not measured up"]);
    }

    #[test]
    fn down_on_one_channel_while_another_passes_is_per_flow() {
        let t = Build::nodes(2)
            .pair(Channel::Data, 0, 1, EdgeState::Down)
            .pair(Channel::Probe, 0, 1, EdgeState::Up)
            .timeline();
        let (found, _) = run(&t, None, &[], "remainder");
        assert_eq!(
            (found[0].mode, found[0].subtype),
            (Mode::Partial, Some(Subtype::PerFlow))
        );
        assert_eq!(
            found[0].notes,
            ["n0–n1 fails on data while other channels pass"]
        );
    }
}
