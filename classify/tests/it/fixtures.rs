//! The hand-built fixtures classify to their modes, with the right edges and onsets.

use rift_classify::{EdgeDirection, Mode, Subtype};
use rift_ingest::model::Channel;

use crate::{classify_dir, root, subject};

fn fixture(name: &str) -> rift_classify::Classification {
    classify_dir(&root().join("tests/fixtures/incidents").join(name)).0
}

/// Every fixture's fault runs from second 20 to second 40.
fn assert_fault_span(e: &rift_classify::Episode) {
    assert_eq!(e.start, "2026-01-01T00:00:20.000Z", "onset of {e:?}");
    assert_eq!(e.end, "2026-01-01T00:00:40.000Z", "end of {e:?}");
}

#[test]
fn healthy_is_not_an_incident() {
    let c = fixture("healthy");
    assert_eq!(c.primary, Mode::Healthy);
    assert!(c.episodes.is_empty(), "{:?}", c.episodes);
    assert!(!c.is_incident());
}

#[test]
fn isolated_node_is_a_complete_cut() {
    let c = fixture("complete-n1-isolated");
    assert_eq!(c.primary, Mode::Complete);
    assert_eq!(c.episodes.len(), 1, "{:?}", c.episodes);
    let e = &c.episodes[0];
    assert_eq!(subject(e), ["n1"]);
    assert_fault_span(e);
    let hb: Vec<_> = e
        .edges
        .iter()
        .filter(|x| x.channel == Channel::Heartbeat)
        .map(|x| (x.from.0.as_str(), x.to.0.as_str(), x.direction))
        .collect();
    assert_eq!(
        hb,
        [
            ("n1", "n2", EdgeDirection::Both),
            ("n1", "n3", EdgeDirection::Both)
        ]
    );
    // Probes and clients see it too, without a direction.
    assert!(e.channels.contains(&Channel::Health) && e.channels.contains(&Channel::Data));
    // Every edge traces back to input lines.
    assert!(
        e.evidence
            .iter()
            .any(|r| r.origin.starts_with("counters.csv:"))
    );
    assert!(
        e.evidence
            .iter()
            .any(|r| r.origin.starts_with("health.csv:"))
    );
}

#[test]
fn deaf_leader_is_asymmetric_with_the_direction() {
    let c = fixture("asymmetric-leader-deaf");
    assert_eq!(c.primary, Mode::Asymmetric);
    assert_eq!(c.episodes.len(), 1, "{:?}", c.episodes);
    let e = &c.episodes[0];
    assert_fault_span(e);
    let edges: Vec<_> = e
        .edges
        .iter()
        .map(|x| (x.channel, x.from.0.as_str(), x.to.0.as_str(), x.direction))
        .collect();
    assert_eq!(
        edges,
        [
            (Channel::Heartbeat, "n2", "n1", EdgeDirection::OneWay),
            (Channel::Heartbeat, "n3", "n1", EdgeDirection::OneWay)
        ]
    );
    assert!(
        e.confidence >= 0.8,
        "one-way evidence is firm: {}",
        e.confidence
    );
}

#[test]
fn triangle_with_one_side_cut_is_non_transitive() {
    let c = fixture("nontransitive-n1-n2");
    assert_eq!(c.primary, Mode::Partial);
    let e = &c.episodes[0];
    assert_eq!(e.subtype, Some(Subtype::NonTransitive));
    assert_eq!(subject(e), ["n1", "n2"]);
    assert_eq!(e.edges[0].direction, EdgeDirection::Both);
    assert_fault_span(e);
}

#[test]
fn one_failing_flow_is_partial_per_flow() {
    let c = fixture("partial-one-flow");
    assert_eq!(c.primary, Mode::Partial);
    assert_eq!(c.episodes.len(), 1, "{:?}", c.episodes);
    let e = &c.episodes[0];
    assert_eq!(e.subtype, Some(Subtype::PerFlow));
    let edges: Vec<_> = e
        .edges
        .iter()
        .map(|x| {
            (
                x.from.0.as_str(),
                x.to.0.as_str(),
                x.flow.as_deref(),
                x.direction,
            )
        })
        .collect();
    assert_eq!(edges, [("n1", "n2", Some("f2"), EdgeDirection::OneWay)]);
    assert_fault_span(e);
}

#[test]
fn workload_failing_under_green_health_is_gray() {
    let c = fixture("gray-n2-data");
    assert_eq!(c.primary, Mode::Gray);
    assert_eq!(c.episodes.len(), 1, "{:?}", c.episodes);
    let e = &c.episodes[0];
    assert_eq!(subject(e), ["n2"]);
    assert_eq!(e.subtype, Some(Subtype::HealthPassesDataFails));
    assert_eq!(e.channels, [Channel::Data]);
    assert_fault_span(e);
}

#[test]
fn link_toggling_every_three_seconds_is_flapping() {
    let c = fixture("flapping-n1-n3");
    assert_eq!(c.primary, Mode::Flapping);
    assert_eq!(c.episodes.len(), 1, "{:?}", c.episodes);
    let e = &c.episodes[0];
    assert_eq!(subject(e), ["n1", "n3"]);
    // Down 3 s, up 3 s from second 20: down phases start at 20, 26, 32, 38.
    let flaps = e
        .flaps
        .as_ref()
        .expect("flapping episodes count their cycles");
    assert_eq!(flaps.cycles, 4);
    assert!((flaps.period_s - 6.0).abs() < 1e-9, "{flaps:?}");
    // n1–n3 down while both reach n2: the down phases are non-transitive.
    assert_eq!(e.subtype, Some(Subtype::FlappingPartial));
    assert_eq!(e.start, "2026-01-01T00:00:20.000Z");
}

#[test]
fn a_crash_is_not_a_partition() {
    let c = fixture("crash-n3");
    assert_eq!(c.primary, Mode::Crash, "{:?}", c.episodes);
    assert!(!c.is_incident());
    assert!(c.episodes.iter().all(|e| e.mode != Mode::Complete));
    let e = &c.episodes[0];
    assert_eq!(subject(e), ["n3"]);
    assert_fault_span(e);
}

#[test]
fn asymmetric_gap_against_raft_is_a_design_gap_with_prevote_and_checkquorum() {
    use rift_classify::detector::{InUse, Source};
    use rift_classify::gap::GapKind;
    let dir = root().join("tests/fixtures/incidents/asymmetric-leader-deaf");
    let (c, events) = classify_dir(&dir);
    let raft = InUse::named("raft", Source::Flag).unwrap();
    let v = rift_classify::Verdict::new(None, c, Some(raft), &events);
    assert_eq!(v.gaps.len(), 1);
    let g = &v.gaps[0];
    assert_eq!(g.network, "asymmetric");
    assert_eq!(g.assumed, Mode::Complete);
    assert!(
        g.assumption.contains("symmetric reachability"),
        "{}",
        g.assumption
    );
    assert_eq!(g.gap, GapKind::Design);
    let fixes: Vec<&str> = g.fixes.iter().map(|f| f.change.as_str()).collect();
    assert!(
        fixes
            .iter()
            .any(|f| f.contains("PreVote") && f.contains("CheckQuorum")),
        "{fixes:?}"
    );
    assert!(
        fixes.iter().any(|f| f.contains("bidirectional")),
        "{fixes:?}"
    );
    assert!(g.fixes.iter().all(|f| !f.cost.is_empty()));
    assert_eq!(g.lag.expected_min_ms, Some(1000.0));
    assert_eq!(g.lag.expected_max_ms, Some(2000.0));
}

#[test]
fn a_node_whose_counters_restart_from_zero_crashed_and_restarted() {
    let (c, events) = classify_dir(&root().join("tests/fixtures/incidents/crash-n3-restart"));
    let restarts: Vec<_> = events
        .iter()
        .filter(|e| e.kind.as_str() == "restart")
        .map(|e| {
            (
                e.node.0.as_str(),
                rift_ingest::format_ts(e.ts_ns),
                e.origin.as_str(),
            )
        })
        .collect();
    assert_eq!(
        restarts,
        [(
            "n3",
            "2026-01-01T00:00:41.000Z".to_owned(),
            "counters.csv:206"
        )]
    );
    assert_eq!(c.primary, Mode::Crash);
    let e = &c.episodes[0];
    assert_eq!(e.subtype, Some(Subtype::Restarted));
    assert_eq!(subject(e), ["n3"]);
    assert_fault_span(e);
    assert!(
        e.notes.iter().any(|n| n.contains("restarted at")),
        "{:?}",
        e.notes
    );
}
