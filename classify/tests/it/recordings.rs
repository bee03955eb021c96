//! The etcd recordings in `tests/fixtures/recordings/` classify to their injected fault from the
//! whole export (logs, metrics, probes and clients). rift reads only `export/`; `truth.json` is
//! read here, to check the answer.

use std::collections::BTreeSet;
use std::path::PathBuf;

use rift_classify::{EdgeDirection, Episode, Mode};
use serde_json::Value;

use crate::{classify_dir, root};

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

fn check(name: &str) {
    let t = truth(name);
    let (c, _) = classify_dir(&recording(name).join("export"));
    let mode: Mode = serde_json::from_value(t["mode"].clone()).unwrap();
    assert_eq!(c.primary, mode, "{name}: primary mode");
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
    assert_eq!(
        claimed(main, &nodes, &edges),
        edges,
        "{name}: directed edges of {main:#?}"
    );
    let onset = t["start_ms"].as_i64().unwrap() * 1_000_000;
    let heal = t["end_ms"].as_i64().unwrap() * 1_000_000;
    assert!(
        (main.start_ns - onset).abs() <= 2_000_000_000,
        "{name}: onset {}",
        main.start
    );
    assert!(
        (main.end_ns - heal).abs() <= 2_000_000_000,
        "{name}: heal {}",
        main.end
    );
}

#[test]
fn etcd_complete_isolates_n1_both_ways() {
    check("etcd-complete");
}

#[test]
fn etcd_asymmetric_is_n1_unheard_by_its_followers() {
    check("etcd-asymmetric");
}

#[test]
fn etcd_partial_cuts_n1_from_n2_only() {
    check("etcd-partial-nontransitive");
}

#[test]
fn etcd_gray_fails_clients_of_n2_while_health_passes() {
    check("etcd-gray");
}
