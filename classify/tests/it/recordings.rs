//! The etcd recordings in `tests/fixtures/recordings/` classify to their injected fault from the
//! whole export (logs, metrics, probes and clients). rift reads only `export/`; `truth.json` is
//! read here, to check the answer.

use std::collections::BTreeSet;
use std::path::PathBuf;

use rift_classify::{EdgeDirection, Episode, Mode};
use serde_json::Value;

use crate::{classify_dir, classify_dir_with, root};

fn recording(name: &str) -> PathBuf {
    root().join("tests/fixtures/recordings").join(name)
}

fn truth(name: &str) -> Value {
    let text = std::fs::read_to_string(recording(name).join("truth.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The directed edges an episode claims among `nodes`: `both` counts as two, an edge whose
/// direction is unknown counts as whichever of its two directions `truth` names.
fn claimed(
    e: &Episode,
    nodes: &BTreeSet<String>,
    truth: &BTreeSet<(String, String)>,
) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for x in &e.edges {
        let (a, b) = (x.from.0.clone(), x.to.0.clone());
        if !(nodes.contains(&a) && nodes.contains(&b)) {
            continue;
        }
        match x.direction {
            EdgeDirection::OneWay => {
                out.insert((a, b));
            }
            EdgeDirection::Both => {
                out.insert((a.clone(), b.clone()));
                out.insert((b, a));
            }
            EdgeDirection::Unknown => {
                for d in [(a.clone(), b.clone()), (b, a)] {
                    if truth.contains(&d) {
                        out.insert(d);
                    }
                }
            }
        }
    }
    out
}

/// What is wrong with rift's answer for one recording, if anything.
fn check(name: &str) -> Result<(), String> {
    let t = truth(name);
    let (c, _) = classify_dir(&recording(name).join("export"));
    let mode: Mode = serde_json::from_value(t["mode"].clone()).unwrap();
    if c.primary != mode {
        return Err(format!("{name}: primary {:?}, truth {mode:?}", c.primary));
    }
    let main = c
        .episodes
        .iter()
        .filter(|e| e.mode == mode)
        .max_by(|a, b| a.edge_seconds.total_cmp(&b.edge_seconds))
        .unwrap();
    let edges: BTreeSet<(String, String)> = t["affected_edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p[0].as_str().unwrap().to_owned(),
                p[1].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let nodes: BTreeSet<String> = edges
        .iter()
        .flat_map(|(a, b)| [a.clone(), b.clone()])
        .collect();
    let got = claimed(main, &nodes, &edges);
    if got != edges {
        return Err(format!("{name}: edges {got:?}, truth {edges:?}"));
    }
    // A flapping episode spans all of its on-periods.
    let intervals = t["intervals"].as_array().unwrap();
    let onset = intervals[0]["start_ms"].as_i64().unwrap() * 1_000_000;
    let heal = intervals[intervals.len() - 1]["end_ms"].as_i64().unwrap() * 1_000_000;
    // A flapping episode ends with the last down phase of any pair that flapped, the client's
    // included: its requests time out 2 s after they were sent, so the last failures show up
    // to one timeout plus a window after the network healed.
    let heal_slack = if mode == Mode::Flapping {
        3_000_000_000
    } else {
        2_000_000_000
    };
    if (main.start_ns - onset).abs() > 2_000_000_000 || (main.end_ns - heal).abs() > heal_slack {
        return Err(format!(
            "{name}: episode {} – {}, truth {} – {}",
            main.start,
            main.end,
            rift_ingest::format_ts(onset),
            rift_ingest::format_ts(heal)
        ));
    }
    Ok(())
}

/// Every recording: the primary mode, the directed edges among the nodes the truth names, and
/// onset and heal within 2 s.
#[test]
fn every_recording_matches_its_injected_fault() {
    let mut names: Vec<String> = std::fs::read_dir(root().join("tests/fixtures/recordings"))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("truth.json").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.len() >= 4, "{names:?}");
    let wrong: Vec<String> = names.iter().filter_map(|n| check(n).err()).collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The gap analysis measures when raft acted, from the logs.
#[test]
fn the_detection_lag_is_measured_from_the_logs() {
    let (c, events) = classify_dir(&recording("etcd-asymmetric").join("export"));
    let e = c
        .episodes
        .iter()
        .find(|e| e.mode == Mode::Asymmetric)
        .unwrap();
    let acted: Vec<&rift_ingest::model::Event> = events
        .iter()
        .filter(|ev| ev.ts_ns >= e.start_ns && ev.kind.as_str() == "election")
        .collect();
    assert!(!acted.is_empty());
    assert!(acted.iter().all(|ev| ev.origin.starts_with("logs/")));
}

/// The clean cuts are not one-way by a hair: their pairs do not even agree on which direction
/// stopped first, so no echo gap, however small, turns them asymmetric.
#[test]
fn clean_cuts_stay_complete_at_any_echo_gap() {
    let options = rift_classify::Options {
        echo_gap_ns: 1_000_000,
        ..rift_classify::Options::default()
    };
    for name in ["etcd-complete", "complete-follower", "complete-leader-n2"] {
        let (c, _) = classify_dir_with(&recording(name).join("export"), &options);
        assert_eq!(c.primary, Mode::Complete, "{name}");
    }
}
