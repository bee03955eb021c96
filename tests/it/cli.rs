//! What a person reads: help, errors, exit codes, the shipped example.

use crate::{rift, stderr, stdout};

#[test]
fn help_texts() {
    insta::assert_snapshot!("help", stdout(&rift(&["--help"])));
    insta::assert_snapshot!("help_ingest", stdout(&rift(&["ingest", "--help"])));
    insta::assert_snapshot!("help_graph", stdout(&rift(&["graph", "--help"])));
}

#[test]
fn a_missing_export_is_exit_3_with_one_clear_line() {
    let o = rift(&["graph", "no/such/dir"]);
    assert_eq!(o.status.code(), Some(3));
    insta::assert_snapshot!("missing_export", stderr(&o));
}

#[test]
fn at_outside_the_incident_is_a_usage_error() {
    let o = rift(&["graph", "examples/asymmetric-leader", "--at", "+2h"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("outside the incident"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn bad_thresholds_are_a_usage_error() {
    let o = rift(&[
        "graph",
        "examples/asymmetric-leader",
        "--up",
        "0.1",
        "--down",
        "0.5",
    ]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn the_shipped_example_shows_the_one_way_fault() {
    let o = rift(&["graph", "examples/asymmetric-leader"]);
    assert!(o.status.success(), "{}", stderr(&o));
    insta::assert_snapshot!("example_graph", stdout(&o));
}

#[test]
fn matrix_and_dot_of_one_moment() {
    let m = rift(&[
        "graph",
        "examples/asymmetric-leader",
        "--format",
        "matrix",
        "--channel",
        "heartbeat",
        "--at",
        "+30s",
    ]);
    assert!(m.status.success(), "{}", stderr(&m));
    insta::assert_snapshot!("example_matrix", stdout(&m));
    let d = rift(&[
        "graph",
        "examples/asymmetric-leader",
        "--format",
        "dot",
        "--channel",
        "heartbeat",
        "--at",
        "00:00:30",
    ]);
    let dot = stdout(&d);
    assert!(
        dot.contains("\"n2\" -> \"n1\" [color=red, style=bold"),
        "{dot}"
    );
    assert!(dot.contains("\"n1\" -> \"n2\" [color=darkgreen"), "{dot}");
}

#[test]
fn ingest_prints_the_accounting() {
    let o = rift(&["ingest", "examples/asymmetric-leader"]);
    assert!(o.status.success(), "{}", stderr(&o));
    insta::assert_snapshot!("example_ingest", stdout(&o));
    let j = rift(&["ingest", "examples/asymmetric-leader", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&j.stdout).unwrap();
    assert_eq!(v["schema"], "rift.ingest/1");
    assert_eq!(v["summary"]["nodes"].as_array().unwrap().len(), 5);
}

#[test]
fn ingest_writes_parquet() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("obs.parquet");
    let o = rift(&[
        "ingest",
        "examples/asymmetric-leader",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(std::fs::metadata(&out).unwrap().len() > 1000);
}

#[test]
fn same_input_gives_byte_identical_json() {
    let a = rift(&["graph", "examples/asymmetric-leader", "--format", "json"]);
    let b = rift(&["graph", "examples/asymmetric-leader", "--format", "json"]);
    assert!(a.status.success());
    assert_eq!(a.stdout, b.stdout);
}
