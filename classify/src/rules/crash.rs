//! A node that stopped reporting while others kept reporting: the faults it touches are the
//! crash (or the restart), not the network.

use std::collections::BTreeSet;

use super::Span;
use crate::engine::{FEdge, Finding};
use crate::mode::{Mode, Subtype};

pub(super) fn apply(span: &mut Span<'_, '_>) -> Vec<Finding> {
    let engine = span.engine;
    let touched: BTreeSet<u32> = span.faults.iter().flat_map(|f| [f.a, f.b]).collect();
    let mut out = Vec::new();
    for n in touched {
        if !engine.silent(n, span.start, span.end) {
            continue;
        }
        let edges: Vec<FEdge> = span
            .open()
            .filter(|f| f.a == n || f.b == n)
            .map(|f| {
                f.consumed = true;
                FEdge::from_fault(f)
            })
            .collect();
        let note = format!(
            "{} reported nothing while other nodes kept reporting",
            engine.name(n)
        );
        out.push(crashed(span, n, edges, note));
    }
    out
}

/// The crash of node `n` in `span`, with `edges` and `note`, and the restart after the span's
/// start where one was seen.
pub(super) fn crashed(span: &Span<'_, '_>, n: u32, edges: Vec<FEdge>, note: String) -> Finding {
    let engine = span.engine;
    let from = engine.timeline.window_start(span.window());
    let restart = engine
        .restarts
        .get(engine.name(n).0.as_str())
        .and_then(|ts| ts.iter().find(|(t, _)| *t >= from));
    let mut notes = vec![note];
    if let Some((t, origin)) = restart {
        notes.push(format!(
            "{} restarted at {} ({origin})",
            engine.name(n),
            rift_ingest::format_ts(*t)
        ));
    }
    Finding {
        mode: Mode::Crash,
        subtype: Some(if restart.is_some() {
            Subtype::Restarted
        } else {
            Subtype::Silent
        }),
        subject: BTreeSet::from([n]),
        edges,
        notes,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use rift_ingest::model::{Channel, Event, EventKind};
    use rift_reach::{EdgeState, Trail, WindowIdx};

    use super::super::testing::{Build, WINDOWS, name, run};
    use crate::mode::{Mode, Subtype};

    /// n0, n1, n2 on heartbeats, n2 cut off both ways; who reported when is `reporting`.
    fn cut_n2(reporting: &[(u32, u32, u32)]) -> (rift_reach::Timeline, Trail) {
        let t = Build::nodes(3)
            .pair(Channel::Heartbeat, 0, 2, EdgeState::Down)
            .pair(Channel::Heartbeat, 1, 2, EdgeState::Down)
            .mesh(Channel::Heartbeat)
            .timeline();
        let mut runs: BTreeMap<_, Vec<_>> = BTreeMap::new();
        for &(n, s, e) in reporting {
            runs.entry(name(n))
                .or_default()
                .push((WindowIdx(s), WindowIdx(e)));
        }
        // Every node reported rows of its own (its log, its metrics).
        let trail = Trail {
            own_reporters: runs.keys().cloned().collect(),
            reporting: runs,
            ..Trail::default()
        };
        (t, trail)
    }

    #[test]
    fn a_node_silent_while_others_report_is_a_crash_and_takes_its_faults() {
        let (t, trail) = cut_n2(&[(0, 0, WINDOWS), (1, 0, WINDOWS), (2, 12, 20)]);
        let (found, open) = run(&t, Some(&trail), &[], "crash");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].mode, Mode::Crash);
        assert_eq!(found[0].subtype, Some(Subtype::Silent));
        assert_eq!(found[0].subject, [2].into());
        assert_eq!(found[0].edges.len(), 2);
        assert_eq!(open, 0);
        assert_eq!(
            found[0].notes,
            ["n2 reported nothing while other nodes kept reporting"]
        );
    }

    #[test]
    fn a_restart_after_the_silence_makes_it_a_restart_with_its_origin() {
        let (t, trail) = cut_n2(&[(0, 0, WINDOWS), (1, 0, WINDOWS), (2, 12, 20)]);
        let restart = Event {
            ts_ns: 3_000_000_000,
            node: name(2),
            kind: EventKind::Restart,
            peer: None,
            term: None,
            detail: String::new(),
            origin: "n2.log:7".to_owned(),
        };
        let (found, _) = run(&t, Some(&trail), &[restart], "crash");
        assert_eq!(found[0].subtype, Some(Subtype::Restarted));
        assert!(
            found[0].notes[1].ends_with("(n2.log:7)"),
            "{:?}",
            found[0].notes
        );
    }

    #[test]
    fn a_node_known_only_by_its_answers_is_not_a_crash_when_they_stop() {
        // n2 writes nothing of its own: it was up only as far as its answers to the others'
        // checks show, and those answers stopping is the cut itself.
        let (t, mut trail) = cut_n2(&[(0, 0, WINDOWS), (1, 0, WINDOWS), (2, 12, 20)]);
        trail.own_reporters.remove(&name(2));
        let (found, open) = run(&t, Some(&trail), &[], "crash");
        assert!(found.is_empty(), "{found:?}");
        assert_eq!(open, 2);
    }

    #[test]
    fn a_node_that_reports_is_not_a_crash() {
        let (t, trail) = cut_n2(&[(0, 0, WINDOWS), (1, 0, WINDOWS), (2, 0, WINDOWS)]);
        let (found, open) = run(&t, Some(&trail), &[], "crash");
        assert!(found.is_empty());
        assert_eq!(open, 2);
        // Without a trail nobody is known to be silent.
        let (found, _) = run(&t, None, &[], "crash");
        assert!(found.is_empty());
    }
}
