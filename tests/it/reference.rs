//! The fast counters path against a slow reference: a synthetic export's per-node counters are
//! summed per direction and window the plain way (a map over every row, no pairing store, no
//! category ids, no batches), and every direction's state in every window with evidence must be
//! the state `rift graph` gives it.

use std::collections::BTreeMap;
use std::fs;

use serde_json::Value;

use super::{rift, stderr, stdout};

/// Twelve members for six minutes, with a one-way cut, an isolation, a flapping link and a lossy
/// direction, so that every state occurs.
const SCENARIO: &str = r#"
name = "reference"
duration = "6m"
epoch = "2026-11-22T03:00:00Z"

[cluster]
nodes = ["n0", "n1", "n2", "n3", "n4", "n5", "n6", "n7", "n8", "n9", "n10", "n11"]
leader = "n7"
term = 2

[[phase]]
start = "60s"
end = "120s"
drop = ["n1->n2"]

[[phase]]
start = "150s"
end = "210s"
isolate = ["n0"]

[[phase]]
start = "240s"
end = "300s"
drop = ["n3<->n4"]
flap = { down = "5s", up = "5s" }

[[phase]]
start = "100s"
end = "200s"
drop = ["n5->n6"]
loss = 0.5
"#;

/// A direction's segments: `[start, end)` windows and the state.
type Segments = Vec<(i64, i64, String)>;

#[derive(Default)]
struct Cell {
    sent: Option<u64>,
    received: Option<u64>,
}

fn state(p: f64) -> &'static str {
    if p >= 0.9 {
        "up"
    } else if p <= 0.1 {
        "down"
    } else {
        "lossy"
    }
}

#[test]
fn counters_states_match_a_plain_per_row_sum() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("reference.toml");
    fs::write(&scenario, SCENARIO).unwrap();
    let out = dir.path().join("synth");
    let o = rift(&[
        "synth",
        scenario.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--seed",
        "3",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    // Counters alone: the logs would add their own heartbeat evidence to some windows.
    let export = dir.path().join("counters-only");
    fs::create_dir(&export).unwrap();
    let csv = fs::read_to_string(out.join("export/counters.csv")).unwrap();
    fs::write(export.join("counters.csv"), &csv).unwrap();

    let o = rift(&[
        "graph",
        export.to_str().unwrap(),
        "--format",
        "json",
        "--channel",
        "heartbeat",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let timeline: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let epoch = timeline["epoch_ns"].as_i64().unwrap();
    let window = timeline["window_ns"].as_i64().unwrap();

    // The reference: (src, dst, window) -> what the sender sent and the receiver received.
    let mut cells: BTreeMap<(String, String, i64), Cell> = BTreeMap::new();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("ts,node,peer,channel,sent,received"),
        "the synthetic counters' header"
    );
    for line in lines {
        let f: Vec<&str> = line.split(',').collect();
        let ts = rift_ingest::parse_ts(f[0]).unwrap();
        // A count ends its interval at ts: it belongs to the window that starts one second
        // earlier.
        let w = ((ts - 1).div_euclid(window) * window - epoch) / window;
        let (node, peer) = (f[1].to_owned(), f[2].to_owned());
        let (sent, received): (u64, u64) = (f[4].parse().unwrap(), f[5].parse().unwrap());
        let c = cells.entry((node.clone(), peer.clone(), w)).or_default();
        *c.sent.get_or_insert(0) += sent;
        let c = cells.entry((peer, node, w)).or_default();
        *c.received.get_or_insert(0) += received;
    }

    let mut segments: BTreeMap<(String, String), Segments> = BTreeMap::new();
    for e in timeline["edges"].as_array().unwrap() {
        assert!(e["flow"].is_null());
        let segs = e["segments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["start_window"].as_i64().unwrap(),
                    s["end_window"].as_i64().unwrap(),
                    s["state"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        let key = (
            e["src"].as_str().unwrap().to_owned(),
            e["dst"].as_str().unwrap().to_owned(),
        );
        segments.insert(key, segs);
    }

    let mut compared = 0;
    let mut by_state: BTreeMap<&str, u64> = BTreeMap::new();
    let mut differ = Vec::new();
    for ((src, dst, w), c) in &cells {
        let (Some(sent), Some(received)) = (c.sent, c.received) else {
            continue;
        };
        if sent == 0 {
            continue;
        }
        let expected = state(received.min(sent) as f64 / sent as f64);
        let got = segments
            .get(&(src.clone(), dst.clone()))
            .and_then(|segs| segs.iter().find(|(a, b, _)| a <= w && w < b))
            .map_or("none", |(_, _, s)| s.as_str());
        compared += 1;
        *by_state.entry(expected).or_default() += 1;
        if got != expected {
            differ.push(format!(
                "{src}→{dst} window {w}: reference {expected} ({received}/{sent}), rift {got}"
            ));
        }
    }
    assert!(
        differ.is_empty(),
        "{} of {compared} direction-windows differ; first: {:#?}",
        differ.len(),
        &differ[..differ.len().min(10)]
    );
    assert_eq!(compared, 12 * 11 * 360, "every direction in every window");
    for s in ["up", "lossy", "down"] {
        assert!(
            by_state.get(s).copied().unwrap_or(0) > 0,
            "no {s} window: {by_state:?}"
        );
    }
}
