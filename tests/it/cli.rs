//! What a person reads: help, errors, exit codes, the shipped example.

use crate::{rift, stderr, stdout};

#[test]
fn help_texts() {
    insta::assert_snapshot!("help", stdout(&rift(&["--help"])));
    insta::assert_snapshot!("help_ingest", stdout(&rift(&["ingest", "--help"])));
    insta::assert_snapshot!("help_graph", stdout(&rift(&["graph", "--help"])));
    insta::assert_snapshot!("help_classify", stdout(&rift(&["classify", "--help"])));
    insta::assert_snapshot!("help_events", stdout(&rift(&["events", "--help"])));
    insta::assert_snapshot!("help_replay", stdout(&rift(&["replay", "--help"])));
    insta::assert_snapshot!("help_report", stdout(&rift(&["report", "--help"])));
    insta::assert_snapshot!("help_lab", stdout(&rift(&["lab", "--help"])));
    insta::assert_snapshot!("help_lab_run", stdout(&rift(&["lab", "run", "--help"])));
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

#[test]
fn classify_gives_the_verdict_and_the_gap_on_the_shipped_example() {
    let o = rift(&["classify", "examples/asymmetric-leader"]);
    assert!(o.status.success(), "{}", stderr(&o));
    insta::assert_snapshot!("example_classify", stdout(&o));
}

#[test]
fn classify_json_follows_its_schema() {
    let o = rift(&["classify", "examples/asymmetric-leader", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("valid JSON");
    assert_eq!(v["schema"], "rift.verdict/1");
    assert_eq!(v["primary"], "asymmetric");
    let e = &v["episodes"][0];
    assert_eq!(e["start"], "2026-01-01T00:00:20.000Z");
    assert_eq!(e["edges"][0]["from"], "n2");
    assert_eq!(e["edges"][0]["to"], "n1");
    assert_eq!(e["edges"][0]["direction"], "one_way");
    assert!(
        e["evidence"][0]["origin"]
            .as_str()
            .unwrap()
            .starts_with("counters.csv:")
    );
    assert_eq!(v["detector"]["detector"], "raft");
    assert_eq!(v["detector"]["source"]["from"], "incident_toml");
    assert_eq!(v["gaps"][0]["gap"], "design");
    let again = rift(&["classify", "examples/asymmetric-leader", "--json"]);
    assert_eq!(o.stdout, again.stdout, "same input, same bytes");
}

#[test]
fn detector_flag_overrides_incident_toml() {
    let o = rift(&[
        "classify",
        "examples/asymmetric-leader",
        "--detector",
        "lb-health",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("Load-balancer /health checks — named with --detector"));
}

/// An export holding a load balancer's `haproxy.cfg` beside the example's counters.
fn export_with_haproxy_cfg(incident_toml: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        "examples/asymmetric-leader/counters.csv",
        dir.path().join("counters.csv"),
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("config")).unwrap();
    std::fs::write(
        dir.path().join("config/lb-1.haproxy.cfg"),
        "backend app\n    option httpchk GET /ready\n    \
         default-server check inter 500ms fall 2 rise 4\n    server n1 10.0.0.1:80\n",
    )
    .unwrap();
    if let Some(text) = incident_toml {
        std::fs::write(dir.path().join("incident.toml"), text).unwrap();
    }
    dir
}

#[test]
fn a_named_detector_takes_the_settings_the_export_gives_for_it() {
    let dir = export_with_haproxy_cfg(None);
    let path = dir.path().to_str().unwrap();
    let o = rift(&["classify", path, "--detector", "lb-health"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("named with --detector; its settings from config/lb-1.haproxy.cfg:3 (inter 500 ms, fall 2, rise 4)"),
        "{out}"
    );
    assert!(
        out.contains("healthy_threshold=4, interval_ms=500, unhealthy_threshold=2"),
        "{out}"
    );
    // What incident.toml sets stays as set; the rest comes from the export.
    let dir = export_with_haproxy_cfg(Some(
        "[detector]\nname = \"lb-health\"\nunhealthy_threshold = 5\n",
    ));
    let o = rift(&["classify", dir.path().to_str().unwrap(), "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let p = &v["detector"]["parameters"];
    assert_eq!(
        (
            p["unhealthy_threshold"].as_f64(),
            p["interval_ms"].as_f64(),
            p["healthy_threshold"].as_f64()
        ),
        (Some(5.0), Some(500.0), Some(4.0)),
        "{}",
        v["detector"]
    );
    // A detector the export gives nothing for keeps the catalogue's defaults.
    let o = rift(&["classify", path, "--detector", "raft", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        v["detector"].get("settings_from").is_none(),
        "{}",
        v["detector"]
    );
}

#[test]
fn an_unknown_detector_is_a_usage_error_listing_the_known_ones() {
    let o = rift(&[
        "classify",
        "examples/asymmetric-leader",
        "--detector",
        "kafka",
    ]);
    assert_eq!(o.status.code(), Some(2));
    insta::assert_snapshot!("unknown_detector", stderr(&o));
}

#[test]
fn a_bad_detector_table_is_bad_input_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        "examples/asymmetric-leader/counters.csv",
        dir.path().join("counters.csv"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("incident.toml"),
        "[detector]\nname = \"raft\"\nelection_timeout_ms = \"soon\"\n",
    )
    .unwrap();
    let o = rift(&["classify", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("incident.toml") && err.contains("election_timeout_ms"),
        "{err}"
    );
}

#[test]
fn an_export_without_reachability_evidence_is_bad_input_not_healthy() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("members.csv"), "name,ip\nn1,10.0.0.1\n").unwrap();
    for cmd in ["classify", "graph"] {
        let o = rift(&[cmd, dir.path().to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(3), "{cmd}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("holds no reachability evidence"),
            "{}",
            stderr(&o)
        );
        assert!(stdout(&o).is_empty());
    }
}

#[test]
fn an_incident_with_nothing_to_replay_is_bad_input() {
    // Synthetic probes alone: evidence for a timeline, but no member-to-member traffic that
    // tells who is in the cluster.
    let dir = tempfile::tempdir().unwrap();
    let mut rows = String::from("ts,prober,target,ok\n");
    for s in 0..30 {
        rows.push_str(&format!(
            "2026-01-01T00:00:{s:02}Z,p1,n1,{}\n",
            !(10..=20).contains(&s)
        ));
    }
    std::fs::write(dir.path().join("probe.csv"), rows).unwrap();
    let o = rift(&["replay", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("no cluster members found"),
        "{}",
        stderr(&o)
    );
    assert!(stdout(&o).is_empty());
}

#[test]
fn classify_json_schema_is_stable() {
    let o = rift(&[
        "classify",
        "tests/fixtures/incidents/gray-n2-data",
        "--json",
        "--detector",
        "lb-health",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    insta::assert_snapshot!("gray_classify_json", stdout(&o));
}

#[test]
fn colour_follows_the_flag_and_no_color() {
    let coloured = |o: &std::process::Output| stdout(o).contains("\u{1b}[");
    let run = |args: &[&str], no_color: Option<&str>| {
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_rift"));
        c.args(args).env_remove("NO_COLOR");
        if let Some(v) = no_color {
            c.env("NO_COLOR", v);
        }
        c.output().unwrap()
    };
    // Not a terminal: auto is plain.
    assert!(!coloured(&run(&["classify", "--help"], None)));
    assert!(coloured(&run(
        &["--color", "always", "classify", "--help"],
        None
    )));
    assert!(coloured(&run(
        &["classify", "--color=always", "--help"],
        None
    )));
    assert!(!coloured(&run(
        &["--color", "never", "classify", "--help"],
        None
    )));
    // NO_COLOR turns auto off; an explicit --color always still wins; an empty one is unset.
    assert!(!coloured(&run(&["classify", "--help"], Some("1"))));
    assert!(coloured(&run(
        &["--color", "always", "classify", "--help"],
        Some("1")
    )));
    // The last --color before `--` counts.
    assert!(!coloured(&run(
        &[
            "--color", "always", "--color", "never", "classify", "--help"
        ],
        None
    )));
    let o = run(
        &[
            "--color",
            "sometimes",
            "classify",
            "examples/etcd-asymmetric",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("invalid value 'sometimes' for '--color <WHEN>'"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn completions_for_every_shell_name_the_commands() {
    for (shell, marker) in [
        ("bash", "complete -F _rift"),
        ("zsh", "#compdef rift"),
        ("fish", "complete -c rift"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion:arg-completer[rift]"),
    ] {
        let o = rift(&["completions", shell]);
        assert!(o.status.success(), "{shell}: {}", stderr(&o));
        let script = stdout(&o);
        assert!(script.contains(marker), "{shell}: {script}");
        assert!(
            script.contains("classify") && script.contains("follow-symlinks"),
            "{shell}"
        );
    }
    let o = rift(&["completions", "tcsh"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn the_manual_page_prints_or_is_written_per_command() {
    let o = rift(&["man"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let page = stdout(&o);
    assert!(page.contains(".TH rift 1"), "{page}");
    assert!(page.contains("classify"), "{page}");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("man1");
    let o = rift(&["man", "--dir", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    for page in [
        "rift.1",
        "rift-classify.1",
        "rift-corpus-search.1",
        "rift-man.1",
    ] {
        let text = std::fs::read_to_string(out.join(page)).unwrap();
        assert!(text.starts_with(".ie"), "{page}: {text}");
    }
    // No page for clap's built-in `help` pseudo-command.
    assert!(!out.join("rift-help.1").exists());
}

/// `rift profiles NAME` shows what each rule reads, concludes and why; an unknown name is a
/// usage error that lists the names.
#[test]
fn a_profile_shows_its_rules_with_what_each_line_shows() {
    insta::assert_snapshot!("help_profiles", stdout(&rift(&["profiles", "--help"])));
    let o = rift(&["profiles", "memberlist"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.starts_with("memberlist (memberlist): "), "{text}");
    assert!(
        text.contains("\nprograms  consul, nomad, vault, serf, memberlist, go-hclog, dockerd\n"),
        "{text}"
    );
    // An unanswered fallback ping is a round trip, never one direction.
    let ping = text
        .lines()
        .find(|l| l.contains("allback"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(ping.contains("A⇄B failed (request)"), "{ping}");
    let o = rift(&["profiles", "no-such"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no profile named 'no-such'; the profiles are: etcd-zap"));
}
