//! Round trips whose failures the target's host answered: it refused the connection (nothing
//! listened on the port) or its health endpoint gave an error status. The path worked and the
//! process did not serve. A refused process crashed when its node logged nothing meanwhile; a
//! node that kept logging, or answered with a status, stopped serving on its own (paused as a
//! minority, restarting its application, not current with its leader) and the network is not
//! to blame.

use std::collections::BTreeMap;

use super::Span;
use crate::engine::{FEdge, Finding};

pub(super) fn apply(span: &mut Span<'_, '_>) -> Vec<Finding> {
    let engine = span.engine;
    // Per node: the faults it explains, and whether every run of them was a refusal.
    let mut by_node: BTreeMap<u32, (Vec<FEdge>, bool)> = BTreeMap::new();
    for f in span.open() {
        if let Some((n, refused)) = f.refusing {
            f.consumed = true;
            let entry = by_node.entry(n).or_insert((Vec::new(), true));
            entry.0.push(FEdge::from_fault(f));
            entry.1 &= refused;
        }
    }
    let mut out = Vec::new();
    for (n, (edges, refused)) in by_node {
        let name = engine.name(n);
        if !refused {
            span.notes.push(format!(
                "{name} answered checks with an error status: its service said it could not \
                 serve, which is not the network"
            ));
            continue;
        }
        if engine.logged_in(n, span.start, span.end) {
            span.notes.push(format!(
                "{name}'s host refused connections while {name} kept logging: its service \
                 stopped taking them (paused, or restarting its application), which is not \
                 the network"
            ));
            continue;
        }
        let note = format!(
            "{name}'s host refused connections (nothing listened on the port) and {name} \
             logged nothing meanwhile: its process was down, the path to it worked"
        );
        out.push(super::crash::crashed(span, n, edges, note));
    }
    out
}

#[cfg(test)]
mod tests {
    use rift_ingest::model::{ANSWERED, Channel, Event, EventKind, REFUSED};

    use super::super::testing::{client_fails_on_n1, name, run};
    use crate::mode::{Mode, Subtype};

    fn refusal() -> Event {
        Event {
            ts_ns: 500_000_000,
            node: name(2),
            kind: EventKind::PeerDown,
            peer: Some(name(1)),
            term: None,
            detail: format!("{REFUSED} n1's host answered"),
            origin: "client.csv:3".to_owned(),
        }
    }

    fn logged(node: u32, ts_ns: i64) -> Event {
        Event {
            ts_ns,
            node: name(node),
            kind: EventKind::RoleChange,
            peer: None,
            term: None,
            detail: "minority".to_owned(),
            origin: format!("n{node}.log:9"),
        }
    }

    #[test]
    fn refused_requests_to_a_node_that_keeps_logging_are_not_the_network() {
        let (t, trail) = client_fails_on_n1(Channel::Heartbeat);
        let events = [refusal(), logged(1, 2_000_000_000)];
        let (found, open) = run(&t, Some(&trail), &events, "refused");
        assert!(found.is_empty(), "{found:?}");
        assert_eq!(open, 0, "the refused round trips are explained");
    }

    #[test]
    fn refused_requests_to_a_node_that_logs_nothing_are_its_process_down() {
        let (t, trail) = client_fails_on_n1(Channel::Heartbeat);
        let (found, open) = run(&t, Some(&trail), &[refusal()], "refused");
        assert_eq!(open, 0);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].mode, Mode::Crash);
        assert_eq!(found[0].subtype, Some(Subtype::Silent));
        assert_eq!(found[0].subject, [1].into());
        assert!(found[0].notes[0].contains("the path to it worked"));
    }

    #[test]
    fn checks_a_node_answered_with_an_error_status_are_never_its_crash() {
        let (t, trail) = client_fails_on_n1(Channel::Heartbeat);
        let mut answered = refusal();
        answered.detail = format!("{ANSWERED} n1 answered with status 503");
        let (found, open) = run(&t, Some(&trail), &[answered], "refused");
        assert!(found.is_empty(), "{found:?}");
        assert_eq!(open, 0);
    }

    #[test]
    fn requests_that_got_no_answer_stay_for_the_network_rules() {
        let (t, trail) = client_fails_on_n1(Channel::Heartbeat);
        // A peer_down that is not a refusal (a log line's own verdict) explains nothing here.
        let mut verdict = refusal();
        verdict.detail = "+sdown slave n1".to_owned();
        let (found, open) = run(&t, Some(&trail), &[verdict], "refused");
        assert!(found.is_empty());
        assert_eq!(open, 1);
        let (found, open) = run(&t, Some(&trail), &[], "refused");
        assert!(found.is_empty());
        assert_eq!(open, 1);
    }
}
