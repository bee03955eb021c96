//! The etcd recordings in `../shared/incidents/` classify correctly from probes and clients.
//! Their `truth.json` is never read by rift.

use rift_classify::Mode;

use crate::{classify_dir, root, subject};

fn recording(name: &str) -> Option<rift_classify::Classification> {
    let dir = root().join("../shared/incidents").join(name).join("export");
    if !dir.is_dir() {
        eprintln!("skipping: {} is not there", dir.display());
        return None;
    }
    Some(classify_dir(&dir).0)
}

#[test]
fn etcd_gray_is_gray_on_n2() {
    let Some(c) = recording("etcd-gray") else {
        return;
    };
    assert_eq!(c.primary, Mode::Gray);
    let e = c.episodes.iter().find(|e| e.mode == Mode::Gray).unwrap();
    assert_eq!(subject(e), ["n2"]);
    // Injected 03:00:03.789 – 03:00:23.907.
    assert!(e.start.as_str() >= "2026-11-22T03:00:02" && e.start.as_str() <= "2026-11-22T03:00:05");
    assert!(
        e.duration_s() >= 18.0 && e.duration_s() <= 23.0,
        "{}",
        e.duration_s()
    );
}

#[test]
fn etcd_complete_cuts_off_n1() {
    let Some(c) = recording("etcd-complete") else {
        return;
    };
    assert_eq!(c.primary, Mode::Complete);
    let main = c
        .episodes
        .iter()
        .max_by(|a, b| a.edge_seconds.total_cmp(&b.edge_seconds))
        .unwrap();
    assert_eq!(subject(main), ["n1"]);
    assert!(main.duration_s() >= 18.0, "{}", main.duration_s());
    // Only the client measured n1: the verdict says so.
    assert!(
        main.notes
            .iter()
            .any(|n| n.starts_with("seen from client only")),
        "{:?}",
        main.notes
    );
}

/// From the client's seat, a leader that cannot send to its peers looks cut off: only round
/// trips are measured, so the direction is not known and the confidence says so.
#[test]
fn etcd_asymmetric_points_at_n1_with_unknown_direction() {
    let Some(c) = recording("etcd-asymmetric") else {
        return;
    };
    let main = &c.episodes[0];
    assert_eq!(subject(main), ["n1"]);
    assert!(main.confidence < 0.7, "{}", main.confidence);
    assert!(main.notes.iter().any(|n| n.contains("round trips only")));
}

#[test]
fn etcd_partial_points_at_n2() {
    let Some(c) = recording("etcd-partial-nontransitive") else {
        return;
    };
    let main = c
        .episodes
        .iter()
        .max_by(|a, b| a.edge_seconds.total_cmp(&b.edge_seconds))
        .unwrap();
    assert_eq!(subject(main), ["n2"]);
}
