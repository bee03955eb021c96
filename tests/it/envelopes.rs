//! Logs as operators have them: wrapped by syslog, journald, docker, compose, kubectl, Loki,
//! Elasticsearch, CloudWatch or Cloud Logging, several nodes to a file. Each excerpt under
//! `tests/fixtures/envelopes/` holds the files an operator would export and `expected.json`,
//! the events `rift events --json` must give: every event, in order, with every key the
//! expected event names equal (`ts`, `node`, `kind`, `peer`, `origin`, where given).

use std::path::{Path, PathBuf};

use crate::{rift, stderr, stdout};

const ROOT: &str = "tests/fixtures/envelopes";

/// Lines of each version of each built-in profile's system:
/// `tests/fixtures/versions/PROFILE/VERSION/`, checked the same way.
const VERSIONS: &str = "tests/fixtures/versions";

/// Every excerpt folder: the folders under `root` with an `expected.json`, at any depth.
fn excerpts(root: &str) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        if entries.iter().any(|p| p.ends_with("expected.json")) {
            out.push(dir.to_owned());
            return;
        }
        for p in entries.into_iter().filter(|p| p.is_dir()) {
            walk(&p, out);
        }
    }
    let mut out = Vec::new();
    walk(Path::new(root), &mut out);
    out
}

/// What went wrong with one excerpt, or nothing.
fn check(dir: &Path) -> Option<String> {
    let expected: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("expected.json")).expect("expected.json"),
    )
    .unwrap_or_else(|e| panic!("{}/expected.json: {e}", dir.display()));
    let o = rift(&["events", dir.to_str().unwrap(), "--json"]);
    if o.status.code() != Some(0) {
        return Some(format!("exit {:?}: {}", o.status.code(), stderr(&o)));
    }
    let got: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    let (want, got) = (
        expected["events"].as_array().expect("expected events"),
        got["events"].as_array().expect("events"),
    );
    let mut wrong = Vec::new();
    for (i, w) in want.iter().enumerate() {
        let Some(g) = got.get(i) else {
            wrong.push(format!("event {i} missing: want {w}"));
            continue;
        };
        for (k, v) in w.as_object().expect("an object") {
            if g.get(k) != Some(v) {
                wrong.push(format!("event {i}: {k} is {}, want {v} (event {g})", g[k]));
            }
        }
    }
    if got.len() > want.len() {
        wrong.push(format!(
            "{} more events than expected: {}",
            got.len() - want.len(),
            got[want.len()]
        ));
    }
    (!wrong.is_empty()).then(|| wrong.join("\n  "))
}

#[test]
fn every_excerpt_gives_the_events_its_lines_say() {
    let all = excerpts(ROOT);
    assert!(all.len() >= 80, "{} excerpts", all.len());
    all_give_their_events(&all);
}

#[test]
fn every_version_of_every_profile_gives_the_events_its_lines_say() {
    all_give_their_events(&excerpts(VERSIONS));
}

/// Each built-in profile names at least two versions of its system, and each named version has
/// its lines under [`VERSIONS`] (and nothing else is there).
#[test]
fn every_builtin_profile_is_checked_on_two_versions_or_more() {
    let mut wrong = Vec::new();
    for p in rift_ingest::builtin_profiles().unwrap() {
        let dir = Path::new(VERSIONS).join(&p.name);
        let mut found: Vec<String> = std::fs::read_dir(&dir)
            .map(|d| {
                d.filter_map(|e| e.ok())
                    .filter(|e| e.path().join("expected.json").is_file())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        found.sort();
        let mut listed = p.versions.clone();
        listed.sort();
        if listed.len() < 2 {
            wrong.push(format!(
                "{}: versions = {listed:?}, two or more wanted",
                p.name
            ));
        }
        if found != listed {
            wrong.push(format!(
                "{}: versions = {listed:?}, but {} holds {found:?}",
                p.name,
                dir.display()
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

fn all_give_their_events(all: &[PathBuf]) {
    let failed: Vec<String> = all
        .iter()
        .filter_map(|d| check(d).map(|why| format!("{}:\n  {why}", d.display())))
        .collect();
    assert!(
        failed.is_empty(),
        "{} of {} excerpts differ:\n{}",
        failed.len(),
        all.len(),
        failed.join("\n")
    );
}

/// Three keys of each event `rift events --json` gives on `dir`.
fn events_of(dir: &Path, keys: [&str; 3]) -> Vec<(String, String, String)> {
    let o = rift(&["events", dir.to_str().unwrap(), "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let key = |e: &serde_json::Value, k: &str| e[k].as_str().unwrap_or_default().to_owned();
    doc["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (key(e, keys[0]), key(e, keys[1]), key(e, keys[2])))
        .collect()
}

fn owned(v: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    v.iter()
        .map(|(a, b, c)| ((*a).to_owned(), (*b).to_owned(), (*c).to_owned()))
        .collect()
}

/// A zap-shaped JSON line (`ts`, `msg`, as etcd writes) whose message is an hclog JSON line:
/// the wrapper must not be taken for etcd's log, nor the file read with etcd's profile.
#[test]
fn a_json_line_inside_a_json_message_is_read_with_its_own_profile() {
    let dir = tempfile::tempdir().unwrap();
    let hclog = |t: &str, m: &str| {
        serde_json::json!({"@level": "warn", "@message": m, "@module": "storage.raft", "@timestamp": t})
            .to_string()
    };
    let lines: Vec<String> = [
        (
            "2025-02-10T08:00:01.250Z",
            "heartbeat timeout reached, starting election",
        ),
        (
            "2025-02-10T08:00:01.900Z",
            "entering candidate state: node=\"Node at 10.9.0.2:8201 [Candidate]\" term=8",
        ),
        ("2025-02-10T08:00:02.100Z", "some unrelated line"),
    ]
    .iter()
    .map(|(t, m)| {
        serde_json::json!({"level": "info", "ts": t, "logger": "shipper", "msg": hclog(t, m)})
            .to_string()
    })
    .collect();
    std::fs::write(dir.path().join("vault-2.log"), lines.join("\n") + "\n").unwrap();
    let o = rift(&["ingest", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("profile hclog-json"), "{text}");
    assert!(!text.contains("etcd"), "{text}");
    assert_eq!(
        events_of(dir.path(), ["ts", "node", "kind"]),
        owned(&[
            ("2025-02-10T08:00:01.250Z", "vault-2", "election"),
            ("2025-02-10T08:00:01.900Z", "vault-2", "role_change"),
        ])
    );
}

/// One syslog file of four hosts: each line's node is the host its envelope names, and lines
/// other programs wrote are not read as the system's.
#[test]
fn a_syslog_file_of_several_hosts_gives_each_line_its_host() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("messages"),
        "Feb 10 08:00:01 cn-a consul[301]: raft: Heartbeat timeout from \"10.9.0.3:8300\" reached, starting election\n\
         Feb 10 08:00:01 cn-b sshd[77]: raft: Heartbeat timeout from \"10.9.0.3:8300\" reached, starting election\n\
         Feb 10 08:00:02 cn-c consul[288]: raft: Node at 10.9.0.4:8300 [Candidate] entering Candidate state in term 12\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("incident.toml"), "[logs]\nyear = 2025\n").unwrap();
    assert_eq!(
        events_of(dir.path(), ["node", "kind", "origin"]),
        owned(&[
            ("cn-a", "election", "messages:1"),
            ("cn-c", "role_change", "messages:3"),
        ]),
        "sshd's line is not consul's"
    );
}
