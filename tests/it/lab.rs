//! `rift lab`: a short etcd recording, a short Redis Sentinel one, a short keepalived one, a
//! short NATS one, a short one of etcd behind HAProxy and a short RabbitMQ one end to end, read
//! back by `rift classify` and `rift events`; and what the lab says when it cannot run.
//!
//! The recordings need root, iproute2, iptables, etcd, Redis, keepalived, nats-server, haproxy
//! and rabbitmq-server (`.ci/run` installs them on Debian); without them the test prints what
//! `rift lab check` said and passes.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use crate::{rift, stderr, stdout};

/// Ten seconds of baseline, the leader cut off both ways for ten, ten of recovery.
const SHORT: &str = r#"
name = "short-complete"
description = "The leader n1 is cut off from the other members for 10 s."
duration = "30s"
[cluster]
nodes = ["n1", "n2", "n3"]
leader = "n1"
[[phase]]
name = "isolate"
start = "10s"
end = "20s"
isolate = ["n1"]
"#;

/// A run that lasts long enough to be interrupted.
const LONG: &str = r#"
name = "long-healthy"
duration = "120s"
[cluster]
nodes = ["n1", "n2", "n3"]
"#;

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The lab's network namespaces that exist now.
fn lab_namespaces() -> String {
    let ns = Command::new("ip").args(["netns", "list"]).output().unwrap();
    String::from_utf8_lossy(&ns.stdout)
        .lines()
        .filter(|l| l.starts_with("rlab-"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The PIDs of members of the long run that still run.
fn members_left() -> String {
    let o = Command::new("pgrep")
        .args(["-f", "initial-cluster-token rift-lab-long-healthy"])
        .output()
        .unwrap();
    String::from_utf8_lossy(&o.stdout).trim().to_owned()
}

/// Starts `rift lab run` on the long scenario and returns once its probes run.
fn start_long_run(dir: &Path, name: &str) -> Child {
    let scenario = dir.join("long.toml");
    std::fs::write(&scenario, LONG).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_rift"))
        .args(["lab", "run", scenario.to_str().unwrap(), "--out"])
        .arg(dir.join(name))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let err = child.stderr.take().unwrap();
    let mut lines = BufReader::new(err).lines();
    // The first line after the leader is known comes when the probes start; stop reading at
    // the move or the start of the window.
    for line in lines.by_ref() {
        let line = line.unwrap();
        assert!(!line.starts_with("error"), "{line}");
        if line.contains("leader_elected") {
            break;
        }
    }
    std::thread::sleep(std::time::Duration::from_secs(4));
    // Keep the pipe drained so the run never blocks on it.
    std::thread::spawn(move || for _ in lines {});
    child
}

/// Whether this machine can run the lab with `system`; says why not.
fn lab_ready(system: &str) -> bool {
    let check = rift(&["lab", "check", "--system", system]);
    if !check.status.success() {
        eprintln!(
            "skipped: this machine cannot run the lab\n{}{}",
            stdout(&check),
            stderr(&check)
        );
    }
    check.status.success()
}

/// One test, so that no two runs of the lab share the machine: a recording end to end, then a
/// run stopped with Ctrl-C, then a run killed outright and cleaned up after.
#[test]
fn the_lab_records_etcd_and_leaves_nothing_behind() {
    if lab_ready("etcd") {
        a_short_recording_reads_back_as_the_fault_it_applied("etcd", &["n1.log"], 2_000);
        ctrl_c_stops_a_run_and_removes_what_it_made();
        a_killed_run_is_cleaned_up_by_rift_lab_clean();
    }
    // Redis with Sentinel: two processes a member, logs that say nothing while all is well,
    // and an old master that keeps serving its clients while it is cut off.
    if lab_ready("redis") {
        // Sentinel's first word, +sdown, comes down-after-milliseconds (2 s in the lab) after
        // the last reply, and its logs do not say how long that is: the onset may be that
        // much later.
        a_short_recording_reads_back_as_the_fault_it_applied(
            "redis",
            &["n1.redis.log", "n1.sentinel.log"],
            4_000,
        );
    }
    if lab_ready("keepalived") {
        a_short_keepalived_recording_shows_the_backup_that_took_over();
    }
    if lab_ready("nats") {
        a_short_nats_recording_shows_the_majority_electing_a_new_leader();
    }
    if lab_ready("haproxy") {
        a_short_haproxy_recording_takes_the_cut_off_member_out();
    }
    if lab_ready("rabbitmq") {
        a_short_rabbitmq_recording_shows_the_tick_timeout_and_the_paused_minority();
    }
}

fn ctrl_c_stops_a_run_and_removes_what_it_made() {
    let dir = tempfile::tempdir().unwrap();
    let mut run = start_long_run(dir.path(), "int");
    let sent = Command::new("kill")
        .args(["-INT", &run.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let status = run.wait().unwrap();
    assert_eq!(status.code(), Some(1), "{status}");
    assert_eq!(lab_namespaces(), "", "namespaces left after Ctrl-C");
    assert_eq!(members_left(), "", "members of the long run still running");
    assert!(!dir.path().join("int/truth.json").exists());
}

fn a_killed_run_is_cleaned_up_by_rift_lab_clean() {
    let dir = tempfile::tempdir().unwrap();
    let mut run = start_long_run(dir.path(), "kill");
    run.kill().unwrap();
    run.wait().unwrap();
    assert_ne!(
        lab_namespaces(),
        "",
        "a killed run cannot remove its namespaces"
    );
    let o = rift(&["lab", "clean"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("removed network namespace rlab-n1"),
        "{}",
        stdout(&o)
    );
    assert_eq!(lab_namespaces(), "", "namespaces left after rift lab clean");
    assert_eq!(members_left(), "", "members of the long run still running");
}

/// Records the short scenario on `system`, checks the truth it wrote and that each of `files`
/// is in the export; returns the folder, the export and when the cut went in (ms).
fn record_short(system: &str, files: &[&str]) -> (tempfile::TempDir, std::path::PathBuf, i64) {
    record_short_with(system, files, &[])
}

/// [`record_short`] with more options of `rift lab run` (`--set …`).
fn record_short_with(
    system: &str,
    files: &[&str],
    options: &[&str],
) -> (tempfile::TempDir, std::path::PathBuf, i64) {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("short.toml");
    std::fs::write(&scenario, SHORT).unwrap();
    let rec = dir.path().join("rec");
    let mut args = vec![
        "lab",
        "run",
        scenario.to_str().unwrap(),
        "--system",
        system,
        "--out",
        rec.to_str().unwrap(),
        "--mode",
        "complete",
    ];
    args.extend_from_slice(options);
    let o = rift(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(lab_namespaces(), "", "namespaces left after the run");

    let truth = json(&rec.join("truth.json"));
    assert_eq!(truth["mode"], "complete");
    assert_eq!(truth["leader_at_injection"], "n1");
    // Isolating n1 among three members: four one-way DROP rules in, the same four out.
    let applied = truth["applied"].as_array().unwrap();
    let ins = applied
        .iter()
        .filter(|a| a["command"].as_str().unwrap().contains(" -I INPUT "))
        .count();
    let outs = applied
        .iter()
        .filter(|a| a["command"].as_str().unwrap().contains(" -D INPUT "))
        .count();
    assert_eq!((ins, outs), (4, 4), "{applied:#?}");
    let window = truth["observation_window"]["start_ms"].as_i64().unwrap();
    let start = truth["start_ms"].as_i64().unwrap();
    let end = truth["end_ms"].as_i64().unwrap();
    assert!(
        (start - window - 10_000).abs() < 500,
        "the cut went in {} ms after the window began",
        start - window
    );
    assert!(
        (end - start - 10_000).abs() < 500,
        "the cut lasted {} ms",
        end - start
    );

    let export = rec.join("export");
    for f in files
        .iter()
        .chain(&["health.csv", "client.csv", "members.csv"])
    {
        let len = std::fs::metadata(export.join(f)).map_or(0, |m| m.len());
        assert!(len > 0, "{f} is missing or empty");
    }
    (dir, export, start)
}

/// The onset of the earliest episode `rift classify --json` found, in ms.
fn onset_ms(v: &serde_json::Value) -> i64 {
    v["episodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["start_ns"].as_i64())
        .min()
        .expect("an episode")
        / 1_000_000
}

fn a_short_recording_reads_back_as_the_fault_it_applied(
    system: &str,
    n1_logs: &[&str],
    onset_within_ms: i64,
) {
    let logs: Vec<String> = n1_logs.iter().map(|l| format!("logs/{l}")).collect();
    let mut files: Vec<&str> = logs.iter().map(String::as_str).collect();
    files.extend(["metrics.csv.gz", "metrics-raw/n1.prom.gz"]);
    let (_dir, export, start) = record_short(system, &files);

    let o = rift(&["classify", export.to_str().unwrap(), "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["primary"], "complete", "{}", stdout(&o));
    let cut_off: Vec<&str> = v["episodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["mode"] == "complete")
        .flat_map(|e| e["subject"].as_array().unwrap())
        .filter_map(|n| n.as_str())
        .collect();
    // n1, and no other member. While the cluster has no leader every client request fails,
    // which can read as the client cut off for those seconds.
    assert!(
        cut_off.contains(&"n1") && cut_off.iter().all(|s| ["n1", "client"].contains(s)),
        "{cut_off:?}\n{}",
        stdout(&o)
    );
    let onset = onset_ms(&v) - start;
    assert!(
        onset.abs() <= onset_within_ms,
        "onset {onset} ms from the cut"
    );
}

/// keepalived: a backup that stops hearing the cut-off master takes the address while the
/// master keeps it (two masters), and its own log is all that says so: the edge from n1 to it,
/// about three advert intervals after the cut.
fn a_short_keepalived_recording_shows_the_backup_that_took_over() {
    let (_dir, export, start) = record_short("keepalived", &["logs/n1.keepalived.log"]);
    assert!(
        !export.join("metrics.csv.gz").exists(),
        "keepalived serves no metrics"
    );
    let o = rift(&["events", export.to_str().unwrap(), "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let events: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let took_over: Vec<&str> = events["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "election" && e["peer"] == "n1" && e["node"] != "n1")
        .filter_map(|e| e["node"].as_str())
        .collect();
    // The best backup, usually alone: another whose timer fires before the new master's first
    // advert reaches it takes over too.
    assert!(!took_over.is_empty(), "{}", stdout(&o));

    let o = rift(&["classify", export.to_str().unwrap(), "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let cut_from_n1 = v["episodes"].as_array().unwrap().iter().any(|e| {
        e["edges"].as_array().unwrap().iter().any(|x| {
            x["from"] == "n1" && took_over.iter().any(|t| x["to"] == *t) && x["state"] == "down"
        })
    });
    assert!(cut_from_n1, "{}", stdout(&o));
    // Three advert intervals and the skew, and keepalived's whole seconds.
    let onset = onset_ms(&v) - start;
    assert!(onset.abs() <= 5_000, "onset {onset} ms from the cut");
}

/// NATS with JetStream: the two members left together elect a metadata leader among them (one
/// says it leads, the other names it). The cut-off leader may go on saying it leads past the
/// end of a 10 s cut (its lost-quorum check is slower), so nothing is asked of it.
fn a_short_nats_recording_shows_the_majority_electing_a_new_leader() {
    let (_dir, export, start) = record_short(
        "nats",
        &["logs/n1.nats.log", "config/n1.nats.conf", "metrics.csv.gz"],
    );
    let o = rift(&["events", export.to_str().unwrap(), "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let events: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let during: Vec<&serde_json::Value> = events["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| {
            let ms = e["ts_ns"].as_i64().unwrap() / 1_000_000;
            ms >= start && ms <= start + 10_000
        })
        .collect();
    // Both may say they lead, one after the other, when the first to win loses the next term
    // at once: one of those that said so is named by the other member.
    let took_over: Vec<&str> = during
        .iter()
        .filter(|e| e["kind"] == "role_change" && e["node"] != "n1")
        .filter_map(|e| e["node"].as_str())
        .collect();
    assert!(!took_over.is_empty(), "no member took over: {}", stdout(&o));
    assert!(
        during.iter().any(|e| e["kind"] == "leader_change"
            && e["node"] != "n1"
            && e["peer"] != e["node"]
            && took_over.iter().any(|t| e["peer"] == *t)),
        "no other member names one of {took_over:?}: {}",
        stdout(&o)
    );
    let o = rift(&["ingest", export.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("ping_interval_ms = 2000"),
        "{}",
        stdout(&o)
    );
}

/// etcd behind HAProxy: the load balancer's check takes the cut-off member out of the backend
/// after `fall` failed checks `inter` apart (3 × 1 s in the lab), its log says so, and the review
/// weighs that check with the settings haproxy.cfg gave, not the catalogue's defaults.
fn a_short_haproxy_recording_takes_the_cut_off_member_out() {
    let (_dir, export, start) = record_short(
        "haproxy",
        &[
            "logs/client.haproxy.log",
            "logs/n1.log",
            "config/client.haproxy.cfg",
            "incident.toml",
        ],
    );
    let o = rift(&["events", export.to_str().unwrap(), "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let events: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let down = events["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "backend_down" && e["node"] == "client" && e["peer"] == "n1")
        .unwrap_or_else(|| panic!("HAProxy never took n1 out: {}", stdout(&o)));
    let after = down["ts_ns"].as_i64().unwrap() / 1_000_000 - start;
    assert!(
        (1_000..=6_000).contains(&after),
        "n1 taken out {after} ms after the cut"
    );

    let o = rift(&["classify", export.to_str().unwrap(), "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let d = &v["detector"];
    assert_eq!(d["detector"], "lb-health", "{}", stdout(&o));
    assert_eq!(
        (
            d["parameters"]["interval_ms"].as_f64(),
            d["parameters"]["unhealthy_threshold"].as_f64(),
            d["parameters"]["healthy_threshold"].as_f64()
        ),
        (Some(1000.0), Some(3.0), Some(2.0)),
        "{d}"
    );
    assert!(
        d["settings_from"]
            .as_str()
            .is_some_and(|s| s.starts_with("config/client.haproxy.cfg")),
        "{d}"
    );
}

/// RabbitMQ with pause_minority, net_ticktime 4 s (so that the 10 s cut outlasts it): both
/// other members take n1 down 3 to 5 s after they last heard it (Erlang's tick timeout, 0.75 to
/// 1.25 net_ticktime), n1 pauses itself as a minority, its links to both are found down, and the
/// review weighs the tick timeout with the net_ticktime that advanced.config gave.
fn a_short_rabbitmq_recording_shows_the_tick_timeout_and_the_paused_minority() {
    let (_dir, export, start) = record_short_with(
        "rabbitmq",
        &[
            "logs/n1.rabbitmq.log",
            "config/n1.advanced.config",
            "metrics.csv.gz",
        ],
        &["--set", "net_ticktime_s=4"],
    );
    let o = rift(&["events", export.to_str().unwrap(), "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let events: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let events = events["events"].as_array().unwrap();
    for member in ["n2", "n3"] {
        let down = events
            .iter()
            .find(|e| e["kind"] == "peer_down" && e["node"] == member && e["peer"] == "n1")
            .unwrap_or_else(|| panic!("{member} never took n1 down: {}", stdout(&o)));
        let after = down["ts_ns"].as_i64().unwrap() / 1_000_000 - start;
        assert!(
            (2_500..=6_500).contains(&after),
            "{member} took n1 down {after} ms after the cut"
        );
    }
    assert!(
        events.iter().any(|e| e["kind"] == "role_change"
            && e["node"] == "n1"
            && e["detail"].as_str().is_some_and(|d| d.contains("minority"))),
        "n1 did not pause as a minority: {}",
        stdout(&o)
    );

    // The links from n1 to both others are found down in one network episode. Which mode
    // weighs most is not asked: with a tick check every second the two sides' timeouts may lie
    // far enough apart to read as one way, and the other members' clients, whose requests hang
    // until n1 is taken down, read as gray.
    let o = rift(&["classify", export.to_str().unwrap(), "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let n1_cut = v["episodes"].as_array().unwrap().iter().any(|e| {
        matches!(e["mode"].as_str(), Some("complete" | "asymmetric"))
            && ["n2", "n3"].iter().all(|m| {
                e["edges"].as_array().unwrap().iter().any(|x| {
                    x["state"] == "down"
                        && ((x["from"] == "n1" && x["to"] == *m)
                            || (x["from"] == *m && x["to"] == "n1"))
                })
            })
    });
    assert!(n1_cut, "{}", stdout(&o));
    let d = &v["detector"];
    assert_eq!(d["detector"], "net-tick", "{d}");
    assert_eq!(
        d["parameters"]["net_ticktime_ms"].as_f64(),
        Some(4000.0),
        "{d}"
    );
}

#[test]
fn an_unknown_scenario_or_system_is_named_with_what_exists() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x");
    let o = rift(&["lab", "run", "no-such", "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("no scenario 'no-such'"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("one-way-link"), "{}", stderr(&o));
    let o = rift(&["lab", "check", "--system", "galera"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("no system 'galera' in the lab; the lab runs: etcd"),
        "{}",
        stderr(&o)
    );
    assert!(!out.exists(), "nothing is written for a refused run");
}

#[test]
fn the_list_names_every_scenario_with_its_mode() {
    let o = rift(&["lab", "list"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    for (name, mode) in [
        ("complete-leader", "complete"),
        ("one-way-link", "asymmetric"),
        ("gray-leader", "gray"),
        ("flapping-leader", "flapping"),
        ("healthy", "healthy"),
    ] {
        assert!(
            text.lines()
                .any(|l| l.split_whitespace().take(2).eq([name, mode])),
            "{name} {mode} not in:\n{text}"
        );
    }
}

/// `rift lab compare` on a recorded etcd cut: rift's verdict against the injected mode, the
/// real cluster's reaction and new leaders from its logs beside the simulator's, as a person
/// reads them.
#[test]
fn compare_lays_the_real_clusters_outcome_beside_the_simulators() {
    let dir = crate::root_fixture("lab/etcd/complete-leader-s1");
    let o = rift(&["lab", "compare", dir.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.contains("rift says  complete, the injected mode"),
        "{text}"
    );
    // n3's election timer fired 1.2 s into the cut and it won; once healed, n1's higher term
    // cost one more election, which n3 won again.
    assert!(
        text.contains("first reaction          +1.22 s n3 election"),
        "{text}"
    );
    assert!(
        text.contains("n3 +1.23 s (term 4), n3 +15.63 s (term 13)"),
        "{text}"
    );
    insta::assert_snapshot!("lab_compare_etcd_complete_leader", text);

    let o = rift(&[
        "lab",
        "compare",
        dir.to_str().unwrap(),
        "--json",
        "--compare",
        "current,raft+prevote",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["schema"], "rift.lab-compare/1");
    assert_eq!(v["rift_right"], true);
    assert_eq!(v["real"]["max_term"], 13);
    assert_eq!(v["simulated"].as_array().unwrap().len(), 2);
    assert_eq!(v["simulated"][1]["variant"], "raft+prevote");
}

#[test]
fn compare_names_what_it_needs_when_the_folder_is_not_a_recording() {
    let dir = tempfile::tempdir().unwrap();
    let o = rift(&["lab", "compare", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("truth.json beside export/"),
        "{}",
        stderr(&o)
    );
    std::fs::write(
        dir.path().join("truth.json"),
        r#"{"schema": "rift.truth/1"}"#,
    )
    .unwrap();
    let o = rift(&["lab", "compare", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("not the truth of a lab recording"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_variant_the_system_has_no_setting_for_is_refused_before_anything_runs() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x");
    let o = rift(&[
        "lab",
        "run",
        "healthy",
        "--variant",
        "current+lease",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(
            "--variant 'current+lease' cannot run on etcd: it has no setting for lease; it can take election, heartbeat, prevote"
        ),
        "{}",
        stderr(&o)
    );
    let o = rift(&[
        "lab",
        "run",
        "healthy",
        "--system",
        "redis",
        "--set",
        "down_after=5s",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("no setting down_after"),
        "{}",
        stderr(&o)
    );
    assert!(!out.exists(), "nothing is written for a refused run");
}

/// The same cut on etcd run with `--variant current+prevote`: one election, and none when the
/// cut-off member comes back (without PreVote, complete-leader-s1 paid a second one at term 13),
/// as the simulator's `current` (PreVote on, read from the log) says too.
#[test]
fn compare_shows_what_prevote_changed_on_the_real_etcd() {
    let dir = crate::root_fixture("lab/etcd/complete-leader-prevote");
    let truth: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("truth.json")).unwrap()).unwrap();
    assert_eq!(truth["changed"][0], "--variant current+prevote");
    assert_eq!(truth["cluster"]["pre_vote"], true);
    let o = rift(&["lab", "compare", dir.to_str().unwrap(), "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["rift_right"], true);
    assert_eq!(v["real"]["new_leaders"].as_array().unwrap().len(), 1, "{v}");
    assert_eq!(v["real"]["max_term"], 4);
    assert_eq!(v["simulated"][0]["max_term"], 4);
    assert!(
        v["simulated"][0]["settings"]
            .as_str()
            .unwrap()
            .contains("prevote on"),
        "{v}"
    );
}
