//! `rift events`: what each node logged and concluded, as one timeline of the cluster.

use crate::{rift, stderr, stdout};

const ETCD: &str = "examples/etcd-asymmetric";

fn json(args: &[&str]) -> serde_json::Value {
    let mut all = vec!["events", ETCD, "--json"];
    all.extend_from_slice(args);
    let o = rift(&all);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    serde_json::from_str(&stdout(&o)).expect("rift events --json writes JSON")
}

fn events(doc: &serde_json::Value) -> &Vec<serde_json::Value> {
    doc["events"].as_array().expect("an events list")
}

#[test]
fn the_json_lists_every_event_in_time_order_with_its_origin() {
    let doc = json(&[]);
    assert_eq!(doc["schema"], "rift.events/1");
    let all = events(&doc);
    assert_eq!(
        all.len(),
        227,
        "the events rift ingest counts on this export"
    );
    // A line no etcd rule reads, read by its wording: the election a leadership transfer
    // starts. n1's slow reads while cut off from its leader (`apply request took too long`) are
    // known to the etcd profile as no stall, and the wording rules leave them alone.
    let worded: Vec<(&str, &str)> = all
        .iter()
        .filter(|e| {
            e["detail"]
                .as_str()
                .unwrap()
                .starts_with("by its wording: ")
        })
        .map(|e| (e["kind"].as_str().unwrap(), e["origin"].as_str().unwrap()))
        .collect();
    assert_eq!(worded, [("election", "logs/n1.log:69")]);
    let mut last = (0, String::new(), 0);
    for e in all {
        for key in [
            "ts", "ts_ns", "node", "kind", "peer", "term", "origin", "assumed",
        ] {
            assert!(e.get(key).is_some(), "{key} missing in {e}");
        }
        let ts = e["ts_ns"].as_i64().unwrap();
        assert_eq!(e["ts"], rift_ingest::format_ts(ts));
        let (file, line) = e["origin"].as_str().unwrap().rsplit_once(':').unwrap();
        let line: u64 = line.parse().unwrap();
        assert!(
            std::path::Path::new(ETCD).join(file).is_file(),
            "{file} is a file of the export"
        );
        let here = (ts, file.to_owned(), line);
        assert!(
            // One row may give two events (a health check's health_down and the prober's
            // word that the target answered it): equal places are allowed, never going back.
            here.0 > last.0 || (here.0 == last.0 && (here.1 != last.1 || here.2 >= last.2)),
            "{here:?} after {last:?}"
        );
        last = here;
    }
    // The leader n1 could not send: its followers elected n2 or n3 (term above 2).
    assert!(
        all.iter()
            .any(|e| e["kind"] == "election" && e["node"] != "n1")
    );
}

#[test]
fn filters_narrow_by_node_kind_and_time() {
    let all = json(&[]);
    let n2 = json(&["--node", "n2", "--kind", "role_change"]);
    let n2 = events(&n2);
    assert!(!n2.is_empty());
    assert!(
        n2.iter()
            .all(|e| e["node"] == "n2" && e["kind"] == "role_change")
    );
    let expected = events(&all)
        .iter()
        .filter(|e| e["node"] == "n2" && e["kind"] == "role_change")
        .count();
    assert_eq!(n2.len(), expected);

    // --since and --until are inclusive, and take an offset from the start or a time of day.
    let window = json(&["--since", "03:03:20", "--until", "2026-11-22T03:03:30Z"]);
    let window = events(&window);
    let (from, to) = (
        rift_ingest::parse_ts("2026-11-22T03:03:20Z").unwrap(),
        rift_ingest::parse_ts("2026-11-22T03:03:30Z").unwrap(),
    );
    let expected = events(&all)
        .iter()
        .filter(|e| (from..=to).contains(&e["ts_ns"].as_i64().unwrap()))
        .count();
    assert!(expected > 0);
    assert_eq!(window.len(), expected);
}

#[test]
fn the_text_is_a_merged_timeline_with_what_was_assumed() {
    let o = rift(&["events", ETCD, "--kind", "no_leader"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    let first = text.lines().next().unwrap();
    assert!(first.starts_with("2026-11-22T03:03:"), "{first}");
    assert!(
        first.contains("no_leader") && first.ends_with(')'),
        "{first}"
    );
    assert!(text.contains(" of 227 events, "), "{text}");
    // etcd's stderr lines carry a time without a zone: read as UTC, and said so.
    assert!(
        text.contains("logs/n1.stderr.log: assumed zone UTC: the timestamps name none"),
        "{text}"
    );
}

#[test]
fn a_wrong_kind_or_time_is_a_usage_error() {
    let o = rift(&["events", ETCD, "--kind", "elections"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("expected one of health_down"),
        "{}",
        stderr(&o)
    );
    let o = rift(&["events", ETCD, "--since", "yesterday"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--since 'yesterday': not a time"),
        "{}",
        stderr(&o)
    );
    assert!(stdout(&o).is_empty());
}

#[test]
fn control_characters_from_the_input_are_shown_inert() {
    let dir = tempfile::tempdir().unwrap();
    let mut rows = String::from("ts,prober,target,http_status\n");
    for s in 0..12 {
        let status = if (4..8).contains(&s) { 503 } else { 200 };
        rows.push_str(&format!(
            "2026-01-01T00:00:{s:02}Z,lb,\"n1\x1b[2J\",{status}\n"
        ));
    }
    std::fs::write(dir.path().join("health.csv"), rows).unwrap();
    let o = rift(&["events", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("health_down"), "{text}");
    assert!(!text.contains('\x1b'), "{text:?}");
    assert!(text.contains("n1\\u{1b}[2J"), "{text}");
}

/// `rift events --json | head` stops quietly when the reader goes away.
#[test]
fn a_closed_pipe_ends_the_json_quietly() {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_rift"))
        .args(["events", ETCD, "--json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The reader is gone before rift has read the export, let alone written.
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    assert_eq!(String::from_utf8_lossy(&o.stderr), "");
    assert_eq!(o.status.code(), Some(0));
}

/// `--date`, `--year` and `--timezone` say what the lines leave out, for a pasted log that has no
/// incident.toml beside it; what they set is said with the flag that set it.
#[test]
fn flags_give_the_date_year_and_zone_the_lines_leave_out() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("node1.log"),
        "14:14:40,273 | ClusterCoreDaemon | Cluster Node [akka.tcp://sys@10.0.0.1:2551] - Marking node(s) as UNREACHABLE [Member(address = akka.tcp://sys@10.0.0.5:2551, status = Up)]. Node roles []\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("lb-2.log"),
        "Mar 25 18:00:59 lb-2 Keepalived_vrrp[12]: (VI_1) Entering MASTER STATE\n",
    )
    .unwrap();
    let d = dir.path().to_str().unwrap();
    let o = rift(&[
        "events",
        d,
        "--json",
        "--date",
        "2018-03-21",
        "--year",
        "2021",
        "--timezone",
        "Europe/Berlin",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let at = |node: &str| {
        events(&doc)
            .iter()
            .find(|e| e["node"] == node)
            .unwrap_or_else(|| panic!("an event of {node}: {doc}"))
            .clone()
    };
    // Berlin is UTC+1 in March before the switch (25 March 2021 is before it).
    assert_eq!(at("node1")["ts"], "2018-03-21T13:14:40.273Z");
    assert_eq!(at("lb-2")["ts"], "2021-03-25T17:00:59.000Z");
    let assumed = at("node1")["assumed"].to_string();
    assert!(
        assumed.contains("from --date") && assumed.contains("from --timezone"),
        "{assumed}"
    );
    assert!(at("lb-2")["assumed"].to_string().contains("from --year"));
    // A malformed value is refused before anything is read.
    for (flag, value, says) in [
        (
            "--date",
            "21/03/2018",
            "is not a date; write it as YYYY-MM-DD",
        ),
        (
            "--timezone",
            "Mars/Olympus",
            "is not an IANA time zone name",
        ),
        ("--year", "99", "99 is not in 1970..=9999"),
    ] {
        let o = rift(&["events", d, flag, value]);
        assert_eq!(o.status.code(), Some(2), "{flag}");
        assert!(stderr(&o).contains(says), "{flag}: {}", stderr(&o));
        assert!(stdout(&o).is_empty());
    }
}
