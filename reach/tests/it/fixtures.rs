//! Each fixture's fault appears on the right edges, in the right direction, with onset and heal
//! within one window of the truth (the fault lasts from second 20 to second 40; counters report
//! at the end of each 1 s interval, so they see it one window late).

use rift_ingest::model::Channel::{Data, Health, Heartbeat};
use rift_reach::{Direction, EdgeState, Snapshot, Timeline, WindowIdx};

use crate::timeline;

const ONSET: u32 = 20;
const HEAL: u32 = 40;

/// The fault segments of a direction: (start, end, state).
fn faults(
    t: &Timeline,
    ch: rift_ingest::model::Channel,
    src: &str,
    dst: &str,
) -> Vec<(u32, u32, EdgeState)> {
    let key = rift_reach::EdgeKey {
        channel: ch,
        src: src.into(),
        dst: dst.into(),
        flow: None,
    };
    t.edges[&key]
        .iter()
        .filter(|s| s.state != EdgeState::Up)
        .map(|s| (s.start.0, s.end.0, s.state))
        .collect()
}

fn assert_window(got: u32, want: u32) {
    assert!(
        got == want || got == want + 1,
        "window {got}, expected {want} (or one later)"
    );
}

fn assert_one_fault(t: &Timeline, src: &str, dst: &str) {
    let f = faults(t, Heartbeat, src, dst);
    assert_eq!(f.len(), 1, "{src}→{dst}: {f:?}");
    assert_window(f[0].0, ONSET);
    assert_window(f[0].1, HEAL);
    assert_eq!(f[0].2, EdgeState::Down);
}

fn mid() -> WindowIdx {
    WindowIdx(30)
}

#[test]
fn healthy_has_every_direction_up() {
    let t = timeline("healthy");
    assert_eq!(t.nodes.len(), 4);
    for (k, segs) in &t.edges {
        assert!(
            segs.iter().all(|s| s.state == EdgeState::Up),
            "{k:?}: {segs:?}"
        );
    }
    for (k, segs) in &t.round_trips {
        assert!(segs.iter().all(|s| s.state == EdgeState::Up), "{k:?}");
    }
}

#[test]
fn complete_isolation_cuts_n1_off_both_ways() {
    let t = timeline("complete-n1-isolated");
    for peer in ["n2", "n3"] {
        assert_one_fault(&t, "n1", peer);
        assert_one_fault(&t, peer, "n1");
    }
    assert!(faults(&t, Heartbeat, "n2", "n3").is_empty());
    let snap = Snapshot::at(&t, Heartbeat, mid());
    assert!(snap.is_cut(&["n1"]));
    assert_eq!(snap.components()[0].len(), 2);
    // Probes from the client to n1 fail, direction unknown (round trips only).
    assert_eq!(
        t.fault(Health, "client", "n1", mid()),
        Some(Direction::Unknown)
    );
}

#[test]
fn asymmetric_leader_sends_but_does_not_hear() {
    let t = timeline("asymmetric-leader-deaf");
    for peer in ["n2", "n3"] {
        assert_one_fault(&t, peer, "n1");
        assert!(
            faults(&t, Heartbeat, "n1", peer).is_empty(),
            "n1→{peer} stays up"
        );
        assert_eq!(
            t.fault(Heartbeat, "n1", peer, mid()),
            Some(Direction::Reverse)
        );
    }
    let snap = Snapshot::at(&t, Heartbeat, mid());
    let asym = snap.asymmetric_pairs();
    assert_eq!(asym.len(), 2);
    assert!(asym.iter().all(|(up_src, _)| up_src.as_str() == "n1"));
    // The load balancer file mapped by incident.toml resolves IPs to node names.
    assert!(t.round_trip(Health, "lb", "n2", WindowIdx(5)).is_some());
}

#[test]
fn nontransitive_n1_n2_cut_while_both_reach_n3() {
    let t = timeline("nontransitive-n1-n2");
    assert_one_fault(&t, "n1", "n2");
    assert_one_fault(&t, "n2", "n1");
    for (a, b) in [("n1", "n3"), ("n3", "n1"), ("n2", "n3"), ("n3", "n2")] {
        assert!(faults(&t, Heartbeat, a, b).is_empty());
    }
    let snap = Snapshot::at(&t, Heartbeat, mid());
    assert_eq!(snap.non_transitive().len(), 1);
    assert!(!snap.is_cut(&["n1"]));
}

#[test]
fn one_failing_flow_is_partial() {
    let t = timeline("partial-one-flow");
    let f = faults(&t, Heartbeat, "n1", "n2");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].2, EdgeState::Lossy);
    assert_window(f[0].0, ONSET);
    let seg = t.segment(Heartbeat, "n1", "n2", mid()).unwrap();
    assert!((seg.estimate.unwrap().p - 2.0 / 3.0).abs() < 0.01);
    assert_eq!(
        t.flow_segment(Heartbeat, "n1", "n2", "f2", mid())
            .unwrap()
            .state,
        EdgeState::Down
    );
    for flow in ["f1", "f3"] {
        assert_eq!(
            t.flow_segment(Heartbeat, "n1", "n2", flow, mid())
                .unwrap()
                .state,
            EdgeState::Up
        );
    }
    assert_eq!(t.state(Heartbeat, "n2", "n1", mid()), Some(EdgeState::Up));
}

#[test]
fn gray_health_up_while_data_down_on_n2() {
    let t = timeline("gray-n2-data");
    for w in [WindowIdx(25), mid(), WindowIdx(35)] {
        assert_eq!(t.fault(Data, "client", "n2", w), Some(Direction::Unknown));
        assert_eq!(t.fault(Health, "client", "n2", w), None);
        assert_eq!(t.state(Health, "client", "n2", w), Some(EdgeState::Up));
    }
    let rt = t.round_trip(Data, "client", "n2", mid()).unwrap();
    assert_eq!((rt.start.0, rt.end.0), (ONSET, HEAL));
    for n in ["n1", "n3"] {
        assert_eq!(t.fault(Data, "client", n, mid()), None);
    }
    assert!(t.edges.keys().all(|k| k.channel != Heartbeat
        || faults(&t, Heartbeat, k.src.as_str(), k.dst.as_str()).is_empty()));
}

#[test]
fn flapping_link_changes_state_every_three_seconds() {
    let t = timeline("flapping-n1-n3");
    for (a, b) in [("n1", "n3"), ("n3", "n1")] {
        let f = faults(&t, Heartbeat, a, b);
        let starts: Vec<u32> = f.iter().map(|s| s.0).collect();
        assert_eq!(starts.len(), 4, "{f:?}");
        for (got, want) in starts.iter().zip([20, 26, 32, 38]) {
            assert_window(*got, want);
        }
        assert!(f.iter().all(|s| s.2 == EdgeState::Down));
    }
    assert!(faults(&t, Heartbeat, "n1", "n2").is_empty());
}
