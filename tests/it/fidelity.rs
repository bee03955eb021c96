//! Replaying the inferred timelines of two real etcd 3.4 incidents reproduces what the cluster
//! did. The real times below are read off the recordings' own logs (`export/logs/n*.log`).

use serde_json::Value;

use super::{rift, root_fixture, stdout};

/// Seconds since the Unix epoch of an RFC 3339 time.
fn at(ts: &str) -> f64 {
    rift_ingest::parse_ts(ts).expect("a valid time") as f64 / 1e9
}

struct Replayed {
    epoch: f64,
    variant: Value,
}

impl Replayed {
    fn of(incident: &str) -> Self {
        let dir = root_fixture(&format!("recordings/{incident}/export"));
        let out = rift(&["replay", dir.to_str().unwrap(), "--json", "--seed", "1"]);
        assert!(out.status.success(), "{}", super::stderr(&out));
        let json: Value = serde_json::from_str(&stdout(&out)).unwrap();
        assert_eq!(json["schema"], "rift.replay/1");
        Replayed {
            epoch: at(json["epoch"].as_str().unwrap()),
            variant: json["variants"][0].clone(),
        }
    }

    /// Role changes as (absolute time, node, role, term, reason).
    fn roles(&self) -> Vec<(f64, String, String, u64, String)> {
        self.variant["roles"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    self.epoch + r["t"].as_f64().unwrap(),
                    r["node"].as_str().unwrap().to_owned(),
                    r["role"].as_str().unwrap().to_owned(),
                    r["term"].as_u64().unwrap(),
                    r["reason"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    }

    /// The first change after `after` that `pick` accepts.
    fn first(
        &self,
        after: f64,
        pick: impl Fn(&(f64, String, String, u64, String)) -> bool,
    ) -> (f64, String, String, u64, String) {
        self.roles()
            .into_iter()
            .find(|r| r.0 > after && pick(r))
            .unwrap_or_else(|| panic!("no such role change after {after}"))
    }
}

fn close(what: &str, sim: f64, real: f64) {
    assert!(
        (sim - real).abs() <= 1.0,
        "{what}: replay {sim:.3}, real {real:.3} (off by {:.3} s)",
        sim - real
    );
}

#[test]
fn complete_partition_of_the_leader() {
    let r = Replayed::of("etcd-complete");
    let cut = at("2026-11-22T02:52:07.617Z");
    let heal = at("2026-11-22T02:52:27.712Z");
    // n1 (leader, term 3) steps down by CheckQuorum: real 02:52:09.261.
    let down = r.first(cut - 1.0, |x| x.1 == "n1" && x.2 == "follower");
    assert_eq!(down.4, "lost quorum");
    close(
        "old leader steps down",
        down.0,
        at("2026-11-22T02:52:09.261Z"),
    );
    // The majority side campaigns first: real n2 at 02:52:08.501.
    let campaign = r.first(cut - 1.0, |x| x.2 == "candidate" && x.1 != "n1");
    close("first campaign", campaign.0, at("2026-11-22T02:52:08.501Z"));
    let new = r.first(cut - 1.0, |x| x.2 == "leader");
    assert!(new.1 == "n2" || new.1 == "n3", "{new:?}");
    assert!(new.0 < heal);
    // Without PreVote n1 raised its term while cut off; after the heal its term deposes the
    // leader (real: n3 at 02:52:27.822) and one more election follows (real: n3, term 17, at
    // 02:52:29.922).
    let deposed = r.first(heal - 0.5, |x| {
        x.1 != "n1" && x.2 == "follower" && x.4 == "higher term" && x.3 > 10
    });
    close(
        "leader deposed after the heal",
        deposed.0,
        at("2026-11-22T02:52:27.822Z"),
    );
    let again = r.first(heal - 0.5, |x| x.2 == "leader");
    assert!(
        again.3 > 10,
        "the extra election runs at n1's inflated term: {again:?}"
    );
    close(
        "re-election after the heal",
        again.0,
        at("2026-11-22T02:52:29.922Z"),
    );
}

#[test]
fn asymmetric_partition_of_the_leader() {
    let r = Replayed::of("etcd-asymmetric");
    let cut = at("2026-11-22T03:03:24.174Z");
    let heal = at("2026-11-22T03:03:44.228Z");
    // A follower is elected: real n3 at 03:03:25.426 (term 4).
    let new = r.first(cut - 1.0, |x| x.2 == "leader");
    assert!(new.1 == "n2" || new.1 == "n3", "{new:?}");
    assert_eq!(new.3, 4);
    close("new leader", new.0, at("2026-11-22T03:03:25.426Z"));
    // n1 can hear but not send; over TCP it hears nothing either, and CheckQuorum deposes it:
    // real 03:03:25.894, still at term 3.
    let down = r.first(cut - 1.0, |x| x.1 == "n1" && x.2 == "follower");
    assert_eq!((down.3, down.4.as_str()), (3, "lost quorum"));
    close(
        "old leader steps down",
        down.0,
        at("2026-11-22T03:03:25.894Z"),
    );
    // The extra election after the heal: real n3 deposed at 03:03:44.312, re-elected at
    // 03:03:45.726 (term 16).
    let deposed = r.first(heal - 0.5, |x| {
        x.1 != "n1" && x.2 == "follower" && x.4 == "higher term" && x.3 > 10
    });
    close(
        "leader deposed after the heal",
        deposed.0,
        at("2026-11-22T03:03:44.312Z"),
    );
    let again = r.first(heal - 0.5, |x| x.2 == "leader");
    assert!(again.3 > 10, "{again:?}");
    close(
        "re-election after the heal",
        again.0,
        at("2026-11-22T03:03:45.726Z"),
    );
}

#[test]
fn prevote_would_have_spared_the_extra_election() {
    let dir = root_fixture("recordings/etcd-asymmetric/export");
    let out = rift(&[
        "replay",
        dir.to_str().unwrap(),
        "--json",
        "--compare",
        "current,current+prevote",
    ]);
    let json: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let terms: Vec<u64> = (0..2)
        .map(|i| json["variants"][i]["max_term"].as_u64().unwrap())
        .collect();
    assert!(
        terms[0] > 10,
        "without PreVote the cut-off member inflates its term"
    );
    assert_eq!(terms[1], 4, "with PreVote one election, at term 4");
}

#[test]
fn a_bad_scenario_names_the_file_line_and_fix() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    std::fs::write(
        &path,
        "duration = \"30s\"\n[cluster]\nnodes = [\"n1\", \"n2\"]\n[[phase]]\nstart = \"5s\"\ndrop = [\"n1->n9\"]\n",
    )
    .unwrap();
    let out = rift(&["replay", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3));
    let err = super::stderr(&out);
    assert!(
        err.contains("bad.toml") && err.contains("unknown host 'n9'"),
        "{err}"
    );
    let out = rift(&[
        "replay",
        "replay/scenarios/textbook-asymmetric.toml",
        "--compare",
        "raft+quorum",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(super::stderr(&out).contains("'quorum' is not a guard"));
}
