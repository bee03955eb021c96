//! The real etcd recordings in `../shared/incidents` are read as they are, with full accounting.

use std::path::Path;

use crate::read;

const RECORDINGS: [&str; 4] = [
    "etcd-asymmetric",
    "etcd-complete",
    "etcd-gray",
    "etcd-partial-nontransitive",
];

#[test]
fn every_recording_ingests_with_full_accounting() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/incidents");
    if !root.is_dir() {
        panic!("the shared recordings are expected at {}", root.display());
    }
    for name in RECORDINGS {
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
    }
}
