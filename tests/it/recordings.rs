//! The real etcd recordings: `rift graph` shows the client→node failures of `etcd-gray` on n2
//! only. The test compares with `truth.json`; rift itself never reads it.

use crate::{rift, root_fixture, shared, stderr};

#[test]
fn etcd_gray_shows_data_failures_on_n2_only() {
    let export = shared("incidents/etcd-gray/export");
    let o = rift(&["graph", export.to_str().unwrap(), "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let tl: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let truth: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(shared("incidents/etcd-gray/truth.json")).unwrap(),
    )
    .unwrap();
    let window_ms = tl["window_ns"].as_i64().unwrap() / 1_000_000;
    let epoch_ms = tl["epoch_ns"].as_i64().unwrap() / 1_000_000;
    let (start_ms, end_ms) = (
        truth["start_ms"].as_i64().unwrap(),
        truth["end_ms"].as_i64().unwrap(),
    );

    let mut faulty = Vec::new();
    for rt in tl["round_trips"].as_array().unwrap() {
        for s in rt["segments"].as_array().unwrap() {
            if s["state"] != "up" {
                faulty.push((
                    rt["channel"].as_str().unwrap().to_owned(),
                    rt["a"].clone(),
                    rt["b"].clone(),
                    s.clone(),
                ));
            }
        }
    }
    assert!(!faulty.is_empty());
    for (channel, a, b, _) in &faulty {
        assert_eq!(channel, "data", "health stays up in a gray failure");
        assert_eq!((a.as_str().unwrap(), b.as_str().unwrap()), ("client", "n2"));
    }
    let first = faulty
        .iter()
        .map(|f| f.3["start_window"].as_i64().unwrap())
        .min()
        .unwrap();
    let last = faulty
        .iter()
        .map(|f| f.3["end_window"].as_i64().unwrap())
        .max()
        .unwrap();
    let onset_ms = epoch_ms + first * window_ms;
    let heal_ms = epoch_ms + last * window_ms;
    assert!(
        (onset_ms - start_ms).abs() <= window_ms,
        "onset {onset_ms} vs truth {start_ms}"
    );
    // Client requests time out after 2 s, so the last failure is seen up to one request late.
    assert!(
        (heal_ms - end_ms).abs() <= 2 * window_ms,
        "heal {heal_ms} vs truth {end_ms}"
    );
    // Health probes of n2 pass throughout.
    let health_n2 = tl["round_trips"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["channel"] == "health" && r["b"] == "n2")
        .unwrap();
    assert!(
        health_n2["segments"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["state"] == "up")
    );
}

#[test]
fn every_recording_graphs_without_error() {
    for name in [
        "etcd-asymmetric",
        "etcd-complete",
        "etcd-gray",
        "etcd-partial-nontransitive",
    ] {
        let export = shared(&format!("incidents/{name}/export"));
        let o = rift(&["graph", export.to_str().unwrap()]);
        assert!(o.status.success(), "{name}: {}", stderr(&o));
    }
}

/// With the whole export, the gap analysis measures when raft acted on the asymmetric cut: the
/// first role change or election in the logs after the onset, about one election timeout later.
#[test]
fn etcd_asymmetric_reports_the_measured_detection_lag() {
    let export = root_fixture("recordings/etcd-asymmetric/export");
    let o = rift(&["classify", export.to_str().unwrap(), "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["primary"], "asymmetric");
    assert_eq!(v["detector"]["source"]["from"], "inferred");
    let lag = &v["gaps"][0]["lag"];
    let ms = lag["measured_ms"].as_f64().unwrap();
    assert!((800.0..=2500.0).contains(&ms), "{lag}");
    assert!(
        lag["measured_event"].as_str().unwrap().contains("logs/n"),
        "{lag}"
    );
}
