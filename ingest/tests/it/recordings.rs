//! The real etcd recordings in `tests/fixtures/recordings` are read as they are, with full
//! accounting: logs by the etcd profiles, metrics by the metric readers.

use std::path::Path;

use crate::read;

#[test]
fn every_recording_ingests_with_full_accounting() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/recordings");
    let mut names: Vec<String> = std::fs::read_dir(&root)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("export").is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.len() >= 4, "{names:?}");
    for name in &names {
        let name = name.as_str();
        let got = read(&root.join(name).join("export"));
        assert_eq!(got.summary.nodes, ["client", "n1", "n2", "n3"], "{name}");
        for f in &got.accounting.files {
            assert_eq!(
                f.rows_read,
                f.rows_used + f.rows_skipped(),
                "{name}/{}",
                f.path
            );
        }
        for table in ["health.csv", "client.csv", "members.csv"] {
            let f = got
                .accounting
                .files
                .iter()
                .find(|f| f.path == table)
                .unwrap();
            assert!(
                f.rows_read > 0 && f.rows_used == f.rows_read,
                "{name}/{table}: {f:?}"
            );
        }
        assert!(got.observations.height() > 800, "{name}");
        for f in &got.accounting.files {
            if f.path.ends_with(".log") && !f.path.ends_with("stderr.log") {
                assert!(
                    f.notes.iter().any(|n| n.contains("profile etcd-zap")),
                    "{name}/{}: {:?}",
                    f.path,
                    f.notes
                );
                assert!(f.rows_used > 20, "{name}/{}: {f:?}", f.path);
            }
            if f.path.starts_with("metrics") {
                assert!(f.rows_used > 0, "{name}/{}: {f:?}", f.path);
            }
        }
        // The 1 s table is preferred to the 5 s snapshots for the same series.
        let raw = got
            .accounting
            .files
            .iter()
            .find(|f| f.path == "metrics-raw/n1.prom.gz")
            .unwrap();
        assert!(
            raw.skipped
                .contains_key("not used: a finer export of the same series is used"),
            "{name}: {raw:?}"
        );
        // Elections and leader changes from the logs, and the metrics' invariants.
        let kinds = got
            .events
            .column("kind")
            .unwrap()
            .cast(&polars::prelude::DataType::String)
            .unwrap();
        let kinds: Vec<&str> = kinds.str().unwrap().iter().flatten().collect();
        for k in ["start", "shutdown", "leader_change", "role_change"] {
            assert!(kinds.contains(&k), "{name}: no {k} event");
        }
        // A gray fault never disturbs raft; a cut of the leader costs at least one election.
        match name {
            "etcd-gray" | "gray-leader" => assert!(got.invariants.leader_changes.is_empty()),
            "etcd-asymmetric" | "etcd-complete" | "asym-leader-deaf" | "complete-leader-n2" => {
                assert!(!got.invariants.leader_changes.is_empty(), "{name}")
            }
            _ => {}
        }
    }
}

#[test]
fn each_node_is_listed_with_the_names_the_export_ties_to_it() {
    let dir =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/recordings/etcd-gray/export");
    let got = read(&dir);
    let n1 = &got.summary.identities["n1"];
    // Its IP and URLs (members table) and its member id (members table and the logs' start-up
    // lines) are one node.
    assert!(
        n1.iter().any(|a| a.parse::<std::net::IpAddr>().is_ok()),
        "{n1:?}"
    );
    assert!(n1.iter().any(|a| a.starts_with("http://")), "{n1:?}");
    assert!(
        n1.iter()
            .any(|a| a.len() == 16 && a.chars().all(|c| c.is_ascii_hexdigit())),
        "{n1:?}"
    );
    // No two nodes share a name.
    let mut all: Vec<&String> = got.summary.identities.values().flatten().collect();
    let n = all.len();
    all.sort();
    all.dedup();
    assert_eq!(all.len(), n);
}
