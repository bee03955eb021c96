//! The timeline JSON schema: written, read back unchanged, and a committed sample of schema
//! version 1 still reads.

use rift_reach::format::{Format, View, json};

use crate::timeline;

#[test]
fn json_round_trips() {
    let t = timeline("asymmetric-leader-deaf");
    let mut buf = Vec::new();
    json::Json.write(&t, &View::default(), &mut buf).unwrap();
    let back = json::read(std::str::from_utf8(&buf).unwrap()).unwrap();
    // Compare through the debug form: a mismatch then prints one line, not two whole timelines.
    assert!(back == t, "timeline changed through JSON");
}

#[test]
fn schema_v1_sample_still_reads() {
    let text = include_str!("../compat/timeline-v1.json");
    let t = json::read(text).unwrap();
    assert_eq!(t.windows, 61);
    assert_eq!(t.nodes.len(), 5);
    let w = rift_reach::WindowIdx(30);
    assert_eq!(
        t.state(rift_ingest::model::Channel::Heartbeat, "n2", "n1", w),
        Some(rift_reach::EdgeState::Down)
    );
}

#[test]
fn other_schema_versions_are_refused() {
    let err = json::read(r#"{"schema":"rift.timeline/9"}"#)
        .unwrap_err()
        .to_string();
    assert!(err.contains("rift.timeline/9"), "{err}");
}
