//! Gray failure: the workload (data or probes) fails between two nodes while a liveness channel
//! (health checks or heartbeats) between them passes.

use std::cmp::Ordering;
use std::collections::BTreeSet;

use rift_ingest::model::Channel;

use super::Span;
use crate::engine::{FEdge, Finding, PairFault, is_data, is_liveness, pair_name};
use crate::mode::{Mode, Subtype};

pub(super) fn apply(span: &mut Span<'_, '_>) -> Vec<Finding> {
    let engine = span.engine;
    let live_up = |span: &Span<'_, '_>, f: &PairFault| -> Vec<Channel> {
        engine
            .channels
            .iter()
            .copied()
            .filter(|&c| is_liveness(c) && span.is_up(c, f.a, f.b))
            .collect()
    };
    let candidates: Vec<usize> = (0..span.faults.len())
        .filter(|&i| {
            let f = &span.faults[i];
            !f.consumed && is_data(f.channel) && !live_up(span, f).is_empty()
        })
        .collect();
    let mut out = Vec::new();
    for &i in &candidates {
        let f = &span.faults[i];
        let live = live_up(span, f);
        let note = format!(
            "{} fails on {} while {} passes",
            pair_name(engine, f.a, f.b),
            f.channel,
            live.iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>()
                .join(" and ")
        );
        out.push(Finding {
            mode: Mode::Gray,
            subtype: Some(Subtype::HealthPassesDataFails),
            subject: server(span, &candidates, f),
            edges: vec![FEdge::from_fault(f)],
            notes: vec![note],
        });
    }
    for &i in &candidates {
        span.faults[i].consumed = true;
    }
    out
}

/// The node of the fault's pair that serves: the one with the larger share of its pairs on the
/// fault's channel among the gray candidates; on a tie the one with fewer measured pairs (an
/// observer probes many nodes); then the one that does not report; else both.
fn server(span: &Span<'_, '_>, candidates: &[usize], fault: &PairFault) -> BTreeSet<u32> {
    let (channel, a, b) = (fault.channel, fault.a, fault.b);
    let engine = span.engine;
    let degree = |n: u32| {
        engine
            .pairs
            .keys()
            .filter(|k| k.0 == channel && (k.1 == n || k.2 == n))
            .count()
            .max(1)
    };
    let share = |n: u32| {
        let bad = candidates
            .iter()
            .map(|&i| &span.faults[i])
            .filter(|f| f.channel == channel && (f.a == n || f.b == n))
            .count();
        // Compare bad/degree exactly: as a fraction scaled by the other's degree.
        (bad, degree(n))
    };
    let ((ba, da), (bb, db)) = (share(a), share(b));
    match (ba * db).cmp(&(bb * da)).then(db.cmp(&da)) {
        Ordering::Greater => BTreeSet::from([a]),
        Ordering::Less => BTreeSet::from([b]),
        Ordering::Equal => match (engine.reporters.contains(&a), engine.reporters.contains(&b)) {
            (true, false) => BTreeSet::from([b]),
            (false, true) => BTreeSet::from([a]),
            _ => BTreeSet::from([a, b]),
        },
    }
}

#[cfg(test)]
mod tests {
    use rift_ingest::model::Channel;
    use rift_reach::{Direction, EdgeState};

    use super::super::testing::{Build, run};
    use crate::mode::{Mode, Subtype};

    #[test]
    fn data_failing_while_health_passes_is_gray_on_the_server() {
        // n0 serves n1 and n2: both fail on data to it while its health checks pass.
        let t = Build::nodes(3)
            .pair(Channel::Data, 0, 1, EdgeState::Down)
            .pair(Channel::Data, 0, 2, EdgeState::Down)
            .pair(Channel::Data, 1, 2, EdgeState::Up)
            .mesh(Channel::Health)
            .timeline();
        let (found, open) = run(&t, None, &[], "gray");
        assert_eq!(found.len(), 2);
        for f in &found {
            assert_eq!(
                (f.mode, f.subtype),
                (Mode::Gray, Some(Subtype::HealthPassesDataFails))
            );
            assert_eq!(f.subject, [0].into());
            assert_eq!(f.edges[0].dir, Direction::Both);
        }
        assert_eq!(found[0].notes, ["n0–n1 fails on data while health passes"]);
        assert_eq!(open, 0);
    }

    #[test]
    fn data_failing_with_liveness_down_too_is_not_gray() {
        let t = Build::nodes(2)
            .pair(Channel::Data, 0, 1, EdgeState::Down)
            .pair(Channel::Health, 0, 1, EdgeState::Down)
            .timeline();
        let (found, open) = run(&t, None, &[], "gray");
        assert!(found.is_empty());
        assert_eq!(open, 2);
    }
}
