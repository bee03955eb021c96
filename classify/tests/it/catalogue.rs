//! The detector catalogue is complete and its formulas evaluate.

use rift_classify::Mode;
use rift_classify::detector::{Coverage, InUse, Kind, Source, catalogue, find};

const REQUIRED: [&str; 13] = [
    "raft",
    "phi-accrual",
    "swim",
    "sentinel",
    "vrrp",
    "zab",
    "net-tick",
    "lb-health",
    "bidirectional-probes",
    "data-plane-probes",
    "prevote",
    "checkquorum",
    "fencing",
];

#[test]
fn every_required_entry_describes_every_network_mode() {
    for name in REQUIRED {
        let d = find(name).unwrap_or_else(|| panic!("{name} is missing"));
        for m in Mode::ALL.into_iter().filter(|m| m.is_network()) {
            let row = d
                .modes
                .get(&m)
                .unwrap_or_else(|| panic!("{name} lacks {m}"));
            assert!(!row.why.is_empty());
            let guard_verdict = matches!(row.verdict, Coverage::Mitigates | Coverage::None);
            assert_eq!(guard_verdict, d.kind == Kind::Guard, "{name} {m}");
        }
        for m in &d.mitigations {
            assert!(!m.cost.is_empty(), "{name}: a fix without its cost");
            for g in &m.guards {
                assert_eq!(find(g).map(|d| d.kind), Some(Kind::Guard), "{name}: {g}");
            }
        }
    }
    assert_eq!(catalogue().len(), REQUIRED.len());
}

#[test]
fn lag_follows_the_parameters() {
    let raft = InUse::named("etcd", Source::Flag).unwrap();
    assert_eq!(raft.expected_lag_ms(), Some((1000.0, 2000.0)));
    let lb = InUse::named("lb-health", Source::Flag).unwrap();
    assert_eq!(lb.expected_lag_ms(), Some((30_000.0, 60_000.0)));
    let phi = InUse::named("phi-accrual", Source::Flag).unwrap();
    let (lo, hi) = phi.expected_lag_ms().unwrap();
    assert_eq!(lo, 4000.0);
    assert!(
        (hi - (8.0 * 1000.0 * 10f64.ln() + 3000.0)).abs() < 1.0,
        "{hi}"
    );
    let swim = InUse::named("memberlist", Source::Flag).unwrap();
    let (lo, _) = swim.expected_lag_ms().unwrap();
    assert!(
        (lo - (500.0 + 4.0 * 3f64.log10() * 1000.0)).abs() < 1e-6,
        "{lo}"
    );
    // A guard detects nothing: it has no lag and cannot be named as the detector.
    assert!(find("fencing").unwrap().lag.min_ms.is_empty());
    let err = InUse::named("prevote", Source::Flag)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("guards such as prevote go in incident.toml"),
        "{err}"
    );
}

#[test]
fn incident_toml_settings_override_the_defaults() {
    let table: std::collections::BTreeMap<String, toml::Value> = toml::from_str(
        r#"
name = "raft"
election_timeout_ms = "3s"
heartbeat_ms = 300
guards = ["prevote", "check-quorum"]
"#,
    )
    .unwrap();
    let d = InUse::from_table(&table).unwrap().unwrap();
    assert_eq!(d.parameters["election_timeout_ms"], 3000.0);
    assert_eq!(d.guards, ["checkquorum", "prevote"]);
    assert_eq!(d.expected_lag_ms(), Some((3000.0, 6000.0)));

    let bad: std::collections::BTreeMap<String, toml::Value> =
        toml::from_str("name = \"raft\"\nprobe_interval_ms = 5").unwrap();
    let err = InUse::from_table(&bad).unwrap_err().to_string();
    assert!(err.contains("not a parameter of raft"), "{err}");
    let unknown: std::collections::BTreeMap<String, toml::Value> =
        toml::from_str("name = \"kafka\"").unwrap();
    let err = InUse::from_table(&unknown).unwrap_err().to_string();
    assert!(
        err.contains("unknown detector 'kafka'") && err.contains("raft"),
        "{err}"
    );
}

#[test]
fn etcd_logs_give_raft_with_their_settings() {
    let dir = crate::root().join("tests/fixtures/recordings/etcd-gray/export");
    let folder = rift_ingest::IncidentFolder::open(&dir, &Default::default()).unwrap();
    let settings = folder.read(&rift_ingest::NoProgress).unwrap().detector;
    let settings = settings.expect("an etcd log names its settings");
    let d = InUse::from_settings(&settings).expect("raft is in the catalogue");
    assert_eq!(d.detector.name, "raft");
    assert_eq!(d.parameters["election_timeout_ms"], 1000.0);
    assert_eq!(d.parameters["heartbeat_ms"], 100.0);
    assert_eq!(d.guards, ["checkquorum"]);
    match d.source {
        Source::Inferred { origin, reason } => {
            assert_eq!(origin, "logs/n1.log:4");
            assert!(reason.contains("pre-vote off"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn every_parameter_has_a_range_around_its_default() {
    for d in catalogue() {
        for (key, default) in &d.parameters {
            let [least, most] = d
                .ranges
                .get(key)
                .unwrap_or_else(|| panic!("{}: {key} has no range", d.name));
            assert!(least <= default && default <= most, "{}: {key}", d.name);
        }
        assert!(
            d.ranges.keys().all(|k| d.parameters.contains_key(k)),
            "{}: a range for no parameter",
            d.name
        );
    }
}

#[test]
fn detector_values_out_of_range_are_refused_with_the_key() {
    let table = |text: &str| -> std::collections::BTreeMap<String, toml::Value> {
        toml::from_str(&format!("name = \"phi-accrual\"\n{text}")).unwrap()
    };
    for (text, shown) in [
        (
            "phi_threshold = -5",
            "-5 is outside what rift accepts for phi-accrual: between 0.1 and 1000",
        ),
        ("phi_threshold = 0", "0 is outside"),
        ("phi_threshold = nan", "NaN is not a number"),
        ("phi_threshold = inf", "inf is not a number"),
        (
            "heartbeat_interval_ms = 1e300",
            "is outside what rift accepts for phi-accrual: between 1 and 86400000",
        ),
        ("heartbeat_interval_ms = \"500us\"", "0.5 is outside"),
    ] {
        let e = InUse::from_table(&table(text)).unwrap_err().to_string();
        let key = text.split(' ').next().unwrap();
        assert!(
            e.starts_with(&format!("[detector] {key}: ")) && e.contains(shown),
            "{text}: {e}"
        );
    }
    let ok = InUse::from_table(&table("phi_threshold = 12\nacceptable_pause_ms = \"2s\""))
        .unwrap()
        .unwrap();
    assert_eq!(ok.parameters["acceptable_pause_ms"], 2000.0);
}
