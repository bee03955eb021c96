//! `rift synth`, and the round trip it exists for: random scenarios of each mode are written as
//! synthetic exports, classified in process the way `rift classify` does it, and compared with
//! their truth — the primary mode, the affected edges, and their direction.
//!
//! Members answer as etcd does (a member without a leader or a quorum fails requests and health
//! checks), or, to see the network alone, always (`Service::Network`). The default runs take 10
//! and 5 seeds per mode (`RIFT_ROUNDTRIP_SEEDS` changes both; `RIFT_ROUNDTRIP_LOG=FILE` keeps the
//! episodes of every round trip that missed something in `FILE.etcd` and `FILE.network`); the
//! ignored `synth_round_trip_at_scale` takes at least 200 of each and prints the recovery rates:
//!
//! ```sh
//! cargo test --release --test it synth_round_trip_at_scale -- --ignored --nocapture
//! ```

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;

use rift_classify::{Classification, EdgeDirection, Options, classify};
use rift_ingest::{IncidentFolder, NoProgress, ReadOptions};
use rift_reach::TimelineBuilder;
use rift_replay::Seed;
use rift_replay::synth::{MODES, Service, SynthOptions, Truth, random_scenario, synth_with};

use crate::{rift, stderr, stdout};

/// Classifies an export with the defaults of `rift classify` (1 s windows, 5 s fill, up ≥ 0.9,
/// down ≤ 0.1, the default classifier options).
fn classify_export(dir: &Path) -> Classification {
    let export =
        IncidentFolder::open(dir, &ReadOptions::default()).expect("the synthetic export opens");
    let mut builder = TimelineBuilder::new();
    let report = export
        .stream(&NoProgress, &mut |df| Ok(builder.add(&df)?))
        .expect("the synthetic export reads");
    let (timeline, trail) = builder.finish_traced();
    classify(
        &timeline,
        Some(&trail),
        &report.event_rows,
        &Options::default(),
    )
}

type Pair = (String, String);

/// What one round trip recovered.
struct Outcome {
    /// The primary mode is the truth's.
    mode: bool,
    /// The main episode's pairs among the truth's nodes are the truth's pairs.
    edges: bool,
    /// …and each is directed as the truth says; `None` where the direction cannot be measured
    /// (gray: the client's requests are round trips).
    direction: Option<bool>,
    /// The main episode starts and ends within 2 s of the truth (3 s for the end of a flapping
    /// one, as in the recordings' test).
    timing: bool,
    detail: String,
}

fn unordered((a, b): &Pair) -> Pair {
    if a <= b {
        (a.clone(), b.clone())
    } else {
        (b.clone(), a.clone())
    }
}

/// Synthesises `mode` with `seed`, classifies it, and compares it with the truth the way the
/// recordings are compared (`classify/tests/it/recordings.rs`): the episode of the truth's mode
/// with the most edge-seconds (without one, the primary mode's), its edges among the nodes the
/// truth names.
fn round_trip(mode: &str, seed: u64, service: Service) -> Outcome {
    let scenario = random_scenario(mode, seed);
    let dir = tempfile::tempdir().expect("a temporary folder");
    let opts = SynthOptions {
        mode: Some(mode.to_owned()),
        service,
        ..SynthOptions::default()
    };
    synth_with(&scenario, Seed(seed), dir.path(), &opts).expect("the scenario synthesises");
    let truth: Truth = serde_json::from_slice(
        &std::fs::read(dir.path().join("truth.json")).expect("truth.json is written"),
    )
    .expect("truth.json reads back");
    let c = classify_export(&dir.path().join("export"));

    let want: BTreeSet<Pair> = truth
        .affected_edges
        .iter()
        .map(|[a, b]| (a.clone(), b.clone()))
        .collect();
    let nodes: BTreeSet<&String> = want.iter().flat_map(|(a, b)| [a, b]).collect();
    let largest = |m: &str| {
        c.episodes
            .iter()
            .filter(|e| e.mode.as_str() == m)
            .max_by(|a, b| a.edge_seconds.total_cmp(&b.edge_seconds))
    };
    let main = largest(mode).or_else(|| largest(c.primary.as_str()));
    let mut directed = BTreeSet::new();
    let mut pairs = BTreeSet::new();
    let mut unknown = false;
    for e in main.iter().flat_map(|ep| &ep.edges) {
        let (a, b) = (e.from.0.clone(), e.to.0.clone());
        if !(nodes.contains(&a) && nodes.contains(&b)) {
            continue;
        }
        pairs.insert(unordered(&(a.clone(), b.clone())));
        match e.direction {
            EdgeDirection::OneWay => {
                directed.insert((a, b));
            }
            EdgeDirection::Both => {
                directed.insert((b.clone(), a.clone()));
                directed.insert((a, b));
            }
            EdgeDirection::Unknown => unknown = true,
        }
    }
    let want_pairs: BTreeSet<Pair> = want.iter().map(unordered).collect();
    let timing = main.is_some_and(|ep| {
        let ms = |ns: i64| ns / 1_000_000;
        let (onset, heal) = (
            truth.intervals[0].start_ms,
            truth.intervals[truth.intervals.len() - 1].end_ms,
        );
        let slack = if mode == "flapping" { 3_000 } else { 2_000 };
        (ms(ep.start_ns) - onset).abs() <= 2_000 && (ms(ep.end_ns) - heal).abs() <= slack
    });
    let mut detail = format!(
        "{mode} #{seed} (rift synth random:{mode}:{seed} --service {}): primary {} (secondary {:?})\n  truth     {:?} {} – {}\n  recovered {:?}{}",
        service.as_str(),
        c.primary,
        c.secondary.iter().map(|m| m.as_str()).collect::<Vec<_>>(),
        want,
        truth.start.as_deref().unwrap_or("-"),
        truth.end.as_deref().unwrap_or("-"),
        directed,
        if unknown {
            " + edges of unknown direction"
        } else {
            ""
        },
    );
    for ep in &c.episodes {
        let _ = write!(
            detail,
            "\n  episode {} {}{} {} – {} ({:.0} edge-s) {:?}",
            ep.id,
            ep.mode,
            ep.subtype.map(|s| format!("/{s:?}")).unwrap_or_default(),
            ep.start,
            ep.end,
            ep.edge_seconds,
            ep.edges
                .iter()
                .map(|e| format!("{}:{}{}{}", e.channel, e.from, e.direction.arrow(), e.to))
                .collect::<Vec<_>>()
        );
    }
    Outcome {
        mode: c.primary.as_str() == mode,
        edges: main.is_some() && pairs == want_pairs,
        direction: (mode != "gray").then(|| !unknown && directed == want),
        timing,
        detail,
    }
}

/// Recovery counts of one mode.
#[derive(Default)]
struct Rates {
    runs: usize,
    mode: usize,
    edges: usize,
    direction: usize,
    direction_runs: usize,
    timing: usize,
    /// Round trips that fail the test.
    failures: Vec<String>,
    /// Round trips that pass it but miss the primary mode (a known gap) or the timing.
    misses: Vec<String>,
}

impl Rates {
    fn pct(n: usize, of: usize) -> String {
        if of == 0 {
            "n/a".to_owned()
        } else {
            format!("{:.1} %", 100.0 * n as f64 / of as f64)
        }
    }
}

/// Runs `seeds` round trips of every mode, one thread per mode.
fn run(seeds: u64, service: Service) -> Vec<(&'static str, Rates)> {
    std::thread::scope(|s| {
        let handles: Vec<_> = MODES
            .iter()
            .map(|&mode| {
                s.spawn(move || {
                    let mut r = Rates::default();
                    for seed in 0..seeds {
                        let o = round_trip(mode, seed, service);
                        r.runs += 1;
                        r.mode += usize::from(o.mode);
                        r.edges += usize::from(o.edges);
                        r.timing += usize::from(o.timing);
                        if let Some(d) = o.direction {
                            r.direction_runs += 1;
                            r.direction += usize::from(o.edges && d);
                        }
                        let gap = KNOWN_GAPS
                            .iter()
                            .any(|(s, m, _)| *s == service && *m == mode);
                        if !((o.mode || gap) && o.edges && o.direction.unwrap_or(true)) {
                            r.failures.push(o.detail);
                        } else if !(o.mode && o.timing) {
                            r.misses.push(o.detail);
                        }
                    }
                    (mode, r)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a round-trip thread finishes"))
            .collect()
    })
}

fn table(results: &[(&str, Rates)]) -> String {
    let mut t = format!(
        "{:<11} {:>5}  {:>9}  {:>9}  {:>9}  {:>9}\n",
        "mode", "seeds", "mode", "edges", "direction", "timing"
    );
    for (mode, r) in results {
        let _ = writeln!(
            t,
            "{:<11} {:>5}  {:>9}  {:>9}  {:>9}  {:>9}",
            mode,
            r.runs,
            Rates::pct(r.mode, r.runs),
            Rates::pct(r.edges, r.runs),
            Rates::pct(r.direction, r.direction_runs),
            Rates::pct(r.timing, r.runs)
        );
    }
    t
}

fn seeds_from_env(default: u64) -> u64 {
    std::env::var("RIFT_ROUNDTRIP_SEEDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Where the classifier is known to miss the primary mode, by service model: the test still
/// requires the edges and their direction (in the episode of the mode, or of the primary mode
/// when the mode is not found), and the `known_gap_*` tests below pin each shortfall.
const KNOWN_GAPS: &[(Service, &str, &str)] = &[
    (
        Service::Etcd,
        "asymmetric",
        "without PreVote the member that cannot hear its peers keeps calling elections at \
         higher terms; the whole cluster loses its leader again and again, the client's \
         requests to every member fail, and those round trips (one edge per member and \
         channel) can outweigh the asymmetric edges as partial (non-transitive); about one \
         seed in ten",
    ),
    (
        Service::Network,
        "complete",
        "members cut off from each other are still reached by the client host, which joins \
         the two sides into one component: the cut reads as partial (non-transitive) or gray \
         (observers disagree)",
    ),
];

/// Prints the rates of `service` and keeps the details (`RIFT_ROUNDTRIP_LOG=FILE`: every round
/// trip that missed something, in `FILE.<service>`); returns the rates table and the round trips
/// that failed: missed the mode (but for [`KNOWN_GAPS`]), the edges or their direction. The
/// timing is reported, not required.
fn report<'r>(service: Service, results: &'r [(&str, Rates)]) -> (String, Vec<&'r str>) {
    let report = format!("--service {}\n{}", service.as_str(), table(results));
    println!("{report}");
    let failures: Vec<&str> = results
        .iter()
        .flat_map(|(_, r)| &r.failures)
        .map(|s| s.as_str())
        .collect();
    if let Some(path) = std::env::var_os("RIFT_ROUNDTRIP_LOG") {
        let mut path = std::path::PathBuf::from(path);
        path.as_mut_os_string()
            .push(format!(".{}", service.as_str()));
        let misses = results.iter().flat_map(|(_, r)| &r.misses);
        let all: Vec<&str> = failures
            .iter()
            .copied()
            .chain(misses.map(|s| s.as_str()))
            .collect();
        std::fs::write(&path, format!("{report}\n{}\n", all.join("\n")))
            .expect("RIFT_ROUNDTRIP_LOG is writable");
    }
    (report, failures)
}

/// Every round trip must pass (see [`report`]).
fn check(service: Service, results: &[(&str, Rates)]) {
    let (report, failures) = report(service, results);
    assert!(
        failures.is_empty(),
        "{report}\n{}",
        failures
            .iter()
            .take(10)
            .copied()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn synth_round_trip_recovers_every_mode() {
    check(Service::Etcd, &run(seeds_from_env(10), Service::Etcd));
}

#[test]
fn synth_round_trip_of_the_network_alone() {
    check(Service::Network, &run(seeds_from_env(5), Service::Network));
}

/// At scale a few round trips fail (the rates are in the report): at least 95 % of each mode's
/// must pass.
#[test]
#[ignore = "slow: at least 200 seeds per mode; run with --release --ignored --nocapture"]
fn synth_round_trip_at_scale() {
    let seeds = seeds_from_env(200).max(200);
    let mut low = Vec::new();
    for service in [Service::Etcd, Service::Network] {
        let results = run(seeds, service);
        report(service, &results);
        for (mode, r) in &results {
            if r.failures.len() * 20 > r.runs {
                low.push(format!(
                    "--service {} {mode}: {} of {} failed",
                    service.as_str(),
                    r.failures.len(),
                    r.runs
                ));
            }
        }
    }
    assert!(low.is_empty(), "{}", low.join("\n"));
}

/// One round trip recovers everything: the primary mode, the edges and their direction.
fn assert_recovered(mode: &str, seed: u64, service: Service) {
    let o = round_trip(mode, seed, service);
    assert!(
        o.mode && o.edges && o.direction != Some(false),
        "{}",
        o.detail
    );
}

/// n2 does not hear n1 and n3, so it has no leader and fails the client's requests; those
/// failures are the cut's consequence and join its episode, so the primary mode stays
/// asymmetric.
#[test]
fn asymmetric_node_unavailable_to_clients_stays_asymmetric() {
    assert_recovered("asymmetric", 5, Service::Etcd);
}

/// The complete gap of [`KNOWN_GAPS`]: n1 is isolated from the other members while the client
/// reaches every member, as in the recordings' injection; the primary mode should be complete.
#[test]
#[ignore = "known classifier gap: a client that reaches both sides joins them into one component"]
fn known_gap_complete_cut_bridged_by_the_client() {
    assert_recovered("complete", 2, Service::Network);
}

const SCENARIO: &str = "replay/scenarios/textbook-asymmetric.toml";

#[test]
fn synth_help() {
    insta::assert_snapshot!("help_synth", stdout(&rift(&["synth", "--help"])));
}

#[test]
fn synth_prints_the_seed_and_every_file_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let out = dir.path().display().to_string();
    let o = rift(&[
        "synth",
        SCENARIO,
        "--out",
        &out,
        "--seed",
        "5",
        "--mode",
        "asymmetric",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.starts_with("synthesised 'textbook asymmetric' with seed 5\n"),
        "{text}"
    );
    for f in [
        "export/counters.csv",
        "export/logs/n0.log",
        "export/members.csv",
        "truth.json",
    ] {
        assert!(text.contains(f), "{f}: {text}");
        assert!(dir.path().join(f).is_file(), "{f}");
    }
    let truth: Truth =
        serde_json::from_slice(&std::fs::read(dir.path().join("truth.json")).unwrap()).unwrap();
    assert_eq!((truth.seed, truth.mode.as_deref()), (5, Some("asymmetric")));

    let again = rift(&["synth", SCENARIO, "--out", &out]);
    assert_eq!(again.status.code(), Some(2), "{}", stderr(&again));
    assert!(stderr(&again).contains("--force"), "{}", stderr(&again));
    let forced = rift(&["synth", SCENARIO, "--out", &out, "--seed", "5", "--force"]);
    assert!(forced.status.success(), "{}", stderr(&forced));

    let bad = rift(&["synth", SCENARIO, "--out", &out, "--mode", "crash"]);
    assert_eq!(bad.status.code(), Some(2), "{}", stderr(&bad));
}

#[test]
fn a_synthetic_export_classifies_with_the_cli() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let out = dir.path().display().to_string();
    let o = rift(&["synth", SCENARIO, "--out", &out]);
    assert!(o.status.success(), "{}", stderr(&o));
    let export = dir.path().join("export").display().to_string();
    let c = rift(&["classify", &export, "--json"]);
    assert!(c.status.success(), "{}", stderr(&c));
    let v: serde_json::Value = serde_json::from_slice(&c.stdout).unwrap();
    // Every follower's heartbeats to n0 are lost, one way. (With CheckQuorum off n0 keeps
    // leading without a quorum, so no member can serve and the client's requests all fail:
    // the primary mode is the client's side of that, see KNOWN_GAPS.)
    let asym = v["episodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["mode"] == "asymmetric")
        .unwrap_or_else(|| panic!("{v:#}"));
    let edges: BTreeSet<(String, String, String)> = asym["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let s = |k: &str| e[k].as_str().unwrap().to_owned();
            (s("from"), s("to"), s("direction"))
        })
        .collect();
    let want: BTreeSet<(String, String, String)> = ["n1", "n2", "n3", "n4"]
        .iter()
        .map(|n| (n.to_string(), "n0".to_owned(), "one_way".to_owned()))
        .collect();
    assert_eq!(edges, want, "{v:#}");
    // The detector comes from the synthetic logs' start-up line.
    assert_eq!(v["detector"]["source"]["from"], "inferred", "{v:#}");
    assert_eq!(v["detector"]["parameters"]["heartbeat_ms"], 50.0, "{v:#}");
}
