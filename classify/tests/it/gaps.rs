//! The gap analysis: design and deployment gaps, measured and expected lag.

use rift_classify::Verdict;
use rift_classify::detector::{Detector, InUse, Source, find};
use rift_classify::gap::GapKind;

use crate::{classify_dir, root};

#[test]
fn a_cut_shorter_than_the_health_check_lag_is_a_deployment_gap() {
    let (c, events) = classify_dir(&root().join("tests/fixtures/incidents/complete-n1-isolated"));
    let lb = InUse::named("lb-health", Source::Flag).unwrap();
    let v = Verdict::new(None, c, Some(lb), &events);
    let g = &v.gaps[0];
    assert_eq!(g.gap, GapKind::Deployment, "{}", g.reason);
    assert!(
        g.reason.contains("lasted 20.0 s, less than the 30.0 s"),
        "{}",
        g.reason
    );
    assert_eq!(g.lag.measured_ms, None);
    assert!(!g.fixes.is_empty());
}

#[test]
fn an_event_of_the_detector_acting_gives_the_measured_lag() {
    let (c, events) = classify_dir(&root().join("tests/fixtures/incidents/complete-n1-isolated"));
    // A detector that acts on the health flips of this export: the client's first failed
    // check of n1 is at 00:00:20.500, 500 ms after the onset.
    let mut d: Detector = find("raft").unwrap().clone();
    d.fires = vec!["health_down".into()];
    let d: &'static Detector = Box::leak(Box::new(d));
    let inuse = InUse {
        detector: d,
        parameters: d.parameters.clone(),
        guards: Vec::new(),
        source: Source::Flag,
        settings_from: None,
    };
    let v = Verdict::new(None, c, Some(inuse), &events);
    let g = &v.gaps[0];
    assert_eq!(g.gap, GapKind::None);
    assert_eq!(g.lag.measured_ms, Some(500.0));
    let ev = g.lag.measured_event.as_deref().unwrap();
    assert!(ev.starts_with("health_down on n1 at health.csv:"), "{ev}");
}

#[test]
fn guards_in_use_are_marked_on_the_fixes() {
    let (c, events) = classify_dir(&root().join("tests/fixtures/incidents/asymmetric-leader-deaf"));
    let table = toml::from_str("name = \"raft\"\nguards = [\"checkquorum\"]").unwrap();
    let raft = InUse::from_table(&table).unwrap().unwrap();
    let v = Verdict::new(None, c, Some(raft), &events);
    let g = &v.gaps[0];
    let fix = g
        .fixes
        .iter()
        .find(|f| f.change.contains("PreVote"))
        .unwrap();
    assert_eq!(fix.already_on, ["checkquorum"]);
    assert!(
        g.guards
            .iter()
            .any(|x| x.starts_with("checkquorum (mitigates)")),
        "{:?}",
        g.guards
    );
}
