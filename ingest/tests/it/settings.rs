//! A system's configuration files in the export (`zoo.cfg`, `sentinel.conf`, …): the failure
//! detector's settings they set, and the timeouts of log lines that follow from them.

use std::path::Path;

use rift_ingest::model::col;

use crate::{account, read, strings, write};

/// Copies the ZooKeeper 3.4 version fixture (two members' logs; 3.4 never logs its settings)
/// into `dir`.
fn zookeeper_34(dir: &Path) {
    let from =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/versions/zookeeper/3.4");
    for f in ["zk-a.log", "zk-b.log", "incident.toml"] {
        std::fs::copy(from.join(f), dir.join(f)).unwrap();
    }
}

/// The `last_heard` events read: (node, peer, time).
fn last_heard(got: &rift_ingest::Ingested) -> Vec<(String, String, String)> {
    let [kind, node, peer, ts] =
        [col::KIND, col::NODE, col::PEER, col::TS].map(|c| strings(&got.events, c));
    (0..kind.len())
        .filter(|&i| kind[i] == "last_heard")
        .map(|i| (node[i].clone(), peer[i].clone(), ts[i].clone()))
        .collect()
}

/// That zk-a's log dates zk-b's last word to it at `ts`.
fn assert_zk_a_last_heard_zk_b(got: &rift_ingest::Ingested, ts: &str) {
    let want = ("zk-a".to_owned(), "zk-b".to_owned(), ts.to_owned());
    assert!(last_heard(got).contains(&want), "{:?}", last_heard(got));
}

#[test]
fn zoo_cfg_gives_a_34_follower_its_read_timeout() {
    let dir = tempfile::tempdir().unwrap();
    zookeeper_34(dir.path());
    let without = read(dir.path());
    assert!(
        last_heard(&without).is_empty(),
        "{:?}",
        last_heard(&without)
    );

    write(
        dir.path(),
        "zoo.cfg",
        "# the ensemble's settings\ntickTime=2000\ninitLimit=10\nsyncLimit=5\ndataDir=/var/lib/zookeeper\nclientPort=2181\n\nserver.1=zk-a.example.internal:2888:3888\n",
    );
    let got = read(dir.path());
    // zk-a's read of its leader timed out at 02:31:52.377: syncLimit × tickTime = 10 s before,
    // zk-b's last word reached it.
    assert_zk_a_last_heard_zk_b(&got, "2019-06-11 02:31:42.377000000+00:00");
    let d = got.detector.as_ref().unwrap();
    assert_eq!(d.detector, "zab");
    assert_eq!(d.parameters["tick_ms"], 2000.0);
    assert_eq!(d.parameters["sync_limit"], 5.0);
    assert_eq!(d.origin, "zoo.cfg:2");
    assert_eq!(d.reason, "tickTime 2000 ms, syncLimit 5, initLimit 10");
    // Every line is accounted for: the three settings used, the rest skipped with a reason.
    let acc = account(&got, "zoo.cfg");
    assert_eq!(acc.kind.as_str(), "settings");
    assert_eq!((acc.rows_read, acc.rows_used), (8, 3));
    assert_eq!(acc.rows_read, acc.rows_used + acc.rows_skipped());
    assert_eq!(
        acc.notes,
        [
            "read as zookeeper's configuration of every node (its name names none): tick_ms = 2000, init_limit = 10, sync_limit = 5"
        ]
    );
}

#[test]
fn a_node_s_own_file_wins_over_the_shared_one() {
    let dir = tempfile::tempdir().unwrap();
    zookeeper_34(dir.path());
    write(dir.path(), "zoo.cfg", "tickTime=2000\nsyncLimit=5\n");
    write(dir.path(), "zk-a.zoo.cfg", "tickTime=1000\nsyncLimit=3\n");
    let got = read(dir.path());
    // zk-a's own file: 3 × 1 s.
    assert_zk_a_last_heard_zk_b(&got, "2019-06-11 02:31:49.377000000+00:00");
}

#[test]
fn sentinel_conf_gives_the_watchers_settings() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "members.csv",
        "name,ip\nredis-1,10.0.0.1\nredis-2,10.0.0.2\nredis-3,10.0.0.3\n",
    );
    write(
        dir.path(),
        "redis-2.sentinel.log",
        "1234:X 05 Mar 2024 10:11:00.000 # oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo\n\
         1234:X 05 Mar 2024 10:11:20.000 # +sdown master mymaster 10.0.0.1 6379\n",
    );
    write(
        dir.path(),
        "redis-2.sentinel.conf",
        "port 26379\nsentinel monitor mymaster 10.0.0.1 6379 2\nsentinel down-after-milliseconds mymaster 5000\nsentinel failover-timeout mymaster 60000\n",
    );
    let got = read(dir.path());
    let d = got.detector.as_ref().unwrap();
    assert_eq!(d.detector, "sentinel");
    assert_eq!(d.parameters["down_after_ms"], 5000.0);
    assert_eq!(d.parameters["quorum"], 2.0);
    assert_eq!(d.origin, "redis-2.sentinel.conf:2");
    let acc = account(&got, "redis-2.sentinel.conf");
    assert_eq!((acc.rows_read, acc.rows_used), (4, 2));
    assert_eq!(
        acc.examples.values().next().unwrap().detail,
        "port 26379",
        "{:?}",
        acc.examples
    );
    assert!(acc.notes[0].contains("of node redis-2"), "{:?}", acc.notes);
}

/// Copies the HAProxy 1.8 version fixture (two load balancers' syslog; HAProxy never logs its
/// check settings) into `dir`.
fn haproxy_18(dir: &Path) {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/versions/haproxy/1.8");
    for f in ["lb-1.log", "lb-2.log", "incident.toml"] {
        std::fs::copy(from.join(f), dir.join(f)).unwrap();
    }
}

#[test]
fn haproxy_cfg_gives_the_checks_inter_fall_and_rise_several_to_a_line() {
    let dir = tempfile::tempdir().unwrap();
    haproxy_18(dir.path());
    // Without the file, HAProxy's own defaults stand, and the reason says they are assumed.
    let without = read(dir.path());
    let d = without.detector.as_ref().unwrap();
    assert_eq!(d.detector, "lb-health");
    assert_eq!(d.parameters["interval_ms"], 2000.0);
    assert_eq!(d.parameters["unhealthy_threshold"], 3.0);
    assert_eq!(d.parameters["healthy_threshold"], 2.0);
    assert_eq!(
        d.reason,
        "haproxy logs do not state the detector's settings; haproxy's defaults: inter 2000 ms, fall 3, rise 2"
    );

    write(
        dir.path(),
        "haproxy.cfg",
        "global\n    log /dev/log local0\n\ndefaults\n    mode http\n    timeout check 2s\n    default-server inter 3s fall 2\n\nbackend be_api\n    option httpchk GET /health\n    server api-1 10.0.0.11:8080 check\n    server api-2 10.0.0.12:8080 check inter 1500 fastinter 500 downinter 5s\n",
    );
    let got = read(dir.path());
    let d = got.detector.as_ref().unwrap();
    // The later line's `inter` wins; `fastinter` and `downinter` set nothing; `rise`, set
    // nowhere, is HAProxy's default.
    assert_eq!(d.parameters["interval_ms"], 1500.0);
    assert_eq!(d.parameters["unhealthy_threshold"], 2.0);
    assert_eq!(d.parameters["healthy_threshold"], 2.0);
    assert_eq!(d.origin, "haproxy.cfg:7");
    assert_eq!(
        d.reason,
        "inter 1500 ms, fall 2, rise 2 (haproxy's default)"
    );
    let acc = account(&got, "haproxy.cfg");
    assert_eq!((acc.rows_read, acc.rows_used), (12, 2));
    assert_eq!(acc.rows_read, acc.rows_used + acc.rows_skipped());
    assert_eq!(
        acc.notes,
        [
            "read as haproxy's configuration of every node (its name names none): inter_ms = 3000, fall = 2, inter_ms = 1500"
        ]
    );
}
