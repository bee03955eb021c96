//! Outcomes a reviewer reads: dual leaders, lost writes under w=1, fencing, stale reads, and a
//! gray failure that no election fixes.

use rift_replay::outcome::Role;

use super::{run, three};

const LEADER_CUT_OFF: &str = r#"
[[phase]]
start = "10s"
end = "25s"
partition = [["n1"], ["n2", "n3"]]
"#;

#[test]
fn a_cut_off_leader_overlaps_its_successor_and_w1_loses_what_it_acknowledged() {
    let o = run(&three(LEADER_CUT_OFF), "current");
    let new = o
        .leaders
        .iter()
        .find(|l| l.from > 10.0)
        .expect("the majority elects");
    assert_ne!(new.node, "n1");
    // With CheckQuorum n1 steps down within two election timeouts of the cut.
    let down = o
        .roles
        .iter()
        .find(|r| r.node == "n1" && r.role != Role::Leader && r.t > 10.0)
        .unwrap();
    assert!(down.t < 12.1, "{down:?}");
    assert_eq!(
        o.writes.majority.lost, 0,
        "majority commit never loses an acknowledged write"
    );
    assert!(
        o.writes.w1.lost > 0,
        "n1 acknowledged writes under w=1 that its successor erased"
    );
}

#[test]
fn without_checkquorum_the_old_leader_leads_on_alone() {
    let o = run(&three(LEADER_CUT_OFF), "raft");
    assert!(o.dual_leader.total_s > 10.0, "{:?}", o.dual_leader);
    assert_eq!(o.dual_leader.spans[0].nodes.len(), 2);
}

/// Two client hosts, one on each side of the cut: `c1` keeps using the old leader.
const SPLIT_CLIENTS: &str = r#"
duration = "40s"
[cluster]
nodes = ["n1", "n2", "n3"]
leader = "n1"
term = 3
clients = ["c1", "c2"]
[[phase]]
start = "10s"
end = "25s"
partition = [["n1", "c1"], ["n2", "n3", "c2"]]
"#;

#[test]
fn fencing_refuses_the_deposed_leaders_writes() {
    let plain = run(SPLIT_CLIENTS, "raft+w1");
    let fenced = run(SPLIT_CLIENTS, "raft+w1+fencing");
    assert!(fenced.writes.w1.fenced > 0);
    assert!(
        fenced.writes.w1.lost < plain.writes.w1.lost,
        "{} vs {}",
        fenced.writes.w1.lost,
        plain.writes.w1.lost
    );
}

#[test]
fn local_reads_on_a_deposed_leader_are_stale_and_read_index_is_not() {
    let local = run(SPLIT_CLIENTS, "raft+local-reads");
    assert!(local.reads.stale > 0);
    let safe = run(SPLIT_CLIENTS, "raft");
    assert_eq!(safe.reads.stale, 0);
}

#[test]
fn gray_data_path_failure_keeps_the_leader_and_stops_commits() {
    let gray = r#"
[[phase]]
start = "10s"
end = "30s"
drop = ["n1<->n2", "n1<->n3"]
channels = ["data"]
"#;
    let o = run(&three(gray), "current");
    assert_eq!(o.leader_changes, 0, "heartbeats pass, so no one times out");
    assert!(o.unavailable.longest_s > 15.0, "{:?}", o.unavailable);
    let probes = run(&three(gray), "probes+interval_ms=1000");
    let raft = &probes.detection[0];
    assert_eq!(raft.time_to_detect_s, vec![None], "Raft never notices");
}

#[test]
fn one_way_cut_over_tcp_silences_both_directions_but_not_over_datagrams() {
    let mute = r#"
[[phase]]
start = "10s"
end = "25s"
drop = ["n1->n2", "n1->n3"]
"#;
    let tcp = run(&three(mute), "current");
    assert!(
        tcp.max_term > 8,
        "n1 hears nothing over TCP and keeps campaigning"
    );
    let dgram = three(mute).replace("term = 3", "term = 3\n[protocol]\ntransport = \"datagram\"");
    let o = run(&dgram, "current");
    assert!(
        o.max_term <= 5,
        "n1 hears the new leader's heartbeats and follows"
    );
}
