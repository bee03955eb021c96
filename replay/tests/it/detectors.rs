//! Each detector model notices a member cut off both ways, and none cries wolf on a healthy run.

use super::{run, three};

const ISOLATE: &str = r#"
[[phase]]
start = "10s"
end = "30s"
isolate = ["n2"]
"#;

#[test]
fn every_model_detects_an_isolated_member_within_its_expected_lag() {
    // (variant, latest acceptable detection in seconds)
    for (v, within) in [
        ("timeout", 1.5),
        ("phi", 8.0),
        ("swim", 6.0),
        ("bidi", 5.0),
        ("lb+interval_ms=2000", 8.5),
    ] {
        let o = run(&three(ISOLATE), v);
        let d = o.detection.last().unwrap();
        let t = d.time_to_detect_s[0].unwrap_or_else(|| panic!("{v} never noticed: {d:?}"));
        assert!(t <= within, "{v} took {t} s");
        assert_eq!(d.false_suspicions, 0, "{v}: {d:?}");
    }
}

#[test]
fn probes_see_a_member_cut_off_from_its_peers_through_its_lost_leader() {
    // The client's path to n2 works; n2 fails the probes once it has no leader.
    let o = run(&three(ISOLATE), "probes+interval_ms=1000");
    let t = o.detection.last().unwrap().time_to_detect_s[0].expect("probes notice");
    // No leader after an election timeout (1–2 s), then three failed probes.
    assert!((2.0..=6.0).contains(&t), "{t}");
}

#[test]
fn no_false_suspicions_on_a_healthy_cluster() {
    for v in ["current", "timeout", "phi", "swim", "bidi", "probes", "lb"] {
        let o = run(&three(""), v);
        for d in &o.detection {
            assert_eq!(d.suspicions, 0, "{v}: {d:?}");
        }
    }
}
