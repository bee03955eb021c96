//! Some flows of a pair fail while others pass: the fault belongs to the flows, whatever the
//! pair's aggregate shows.

use std::collections::BTreeSet;

use super::Span;
use crate::engine::{FEdge, Finding};
use crate::mode::{Mode, Subtype};

pub(super) fn apply(span: &mut Span<'_, '_>) -> Vec<Finding> {
    let engine = span.engine;
    let w = span.window();
    let mut out = Vec::new();
    for (&(channel, a, b), flows) in &engine.flows {
        let mut bad = Vec::new();
        let mut good = 0;
        for (flow, series) in flows {
            let st = series.at(w);
            match st.fault() {
                Some(f) if f.down => bad.push(FEdge {
                    channel,
                    a,
                    b,
                    dir: f.dir,
                    flow: Some((*flow).to_owned()),
                    down: true,
                    est: f.est,
                }),
                None if st.is_up() => good += 1,
                _ => {}
            }
        }
        if bad.is_empty() || good == 0 {
            continue;
        }
        for f in span
            .open()
            .filter(|f| f.channel == channel && f.a == a && f.b == b)
        {
            f.consumed = true;
        }
        out.push(Finding {
            mode: Mode::Partial,
            subtype: Some(Subtype::PerFlow),
            subject: BTreeSet::from([a, b]),
            notes: vec![format!(
                "{} of {} flows between {} and {} fail while {good} pass",
                bad.len(),
                flows.len(),
                engine.name(a),
                engine.name(b)
            )],
            edges: bad,
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
    fn some_flows_failing_while_others_pass_is_partial_per_flow() {
        let t = Build::nodes(2)
            .edge(Channel::Data, 0, 1, Some("a"), EdgeState::Down)
            .edge(Channel::Data, 1, 0, Some("a"), EdgeState::Down)
            .edge(Channel::Data, 0, 1, Some("b"), EdgeState::Up)
            .edge(Channel::Data, 1, 0, Some("b"), EdgeState::Up)
            .pair(Channel::Data, 0, 1, EdgeState::Down)
            .timeline();
        let (found, open) = run(&t, None, &[], "per-flow");
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].mode, found[0].subtype),
            (Mode::Partial, Some(Subtype::PerFlow))
        );
        assert_eq!(found[0].edges.len(), 1);
        assert_eq!(found[0].edges[0].flow.as_deref(), Some("a"));
        assert_eq!(
            found[0].notes,
            ["1 of 2 flows between n0 and n1 fail while 1 pass"]
        );
        // The pair's aggregate fault is explained by its flows.
        assert_eq!(open, 0);
    }

    #[test]
    fn every_flow_failing_is_left_to_the_other_rules() {
        let t = Build::nodes(2)
            .edge(Channel::Data, 0, 1, Some("a"), EdgeState::Down)
            .edge(Channel::Data, 0, 1, Some("b"), EdgeState::Down)
            .pair(Channel::Data, 0, 1, EdgeState::Down)
            .timeline();
        let (found, open) = run(&t, None, &[], "per-flow");
        assert!(found.is_empty());
        assert_eq!(open, 1);
    }
}
