//! Metric exports: Prometheus text snapshots, `query_range` JSON and long tables become
//! per-direction observations and events.

use crate::{read, strings, write};

/// (src, dst, delivered > 0) of every observation.
fn directions(got: &rift_ingest::Ingested) -> Vec<(String, String, bool)> {
    let o = &got.observations;
    let (s, d, k) = (
        strings(o, "src"),
        strings(o, "dst"),
        strings(o, "delivered"),
    );
    (0..o.height())
        .map(|i| (s[i].clone(), d[i].clone(), k[i] != "0"))
        .collect()
}

const MEMBERS: &str = "name,member_id,ip\na,aaaa,10.0.0.1\nb,bbbb,10.0.0.2\n";

/// `query_range` JSON: `a` writes to `b` every second, `b` reads it for three seconds and then
/// nothing (the counter stays flat): a→b is delivered, then down.
#[test]
fn query_range_bytes_become_one_way_observations() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "members.csv", MEMBERS);
    let values = |step: u64| {
        (0..7)
            .map(|i| {
                let v = if step == 0 { 1000 * i } else { 1000 * i.min(3) };
                format!("[{}, \"{v}\"]", 1_700_000_000 + i)
            })
            .collect::<Vec<_>>()
            .join(",")
    };
    let doc = format!(
        r#"{{"status":"success","data":{{"resultType":"matrix","result":[
{{"metric":{{"__name__":"etcd_network_peer_sent_bytes_total","instance":"10.0.0.1:2381","To":"bbbb"}},"values":[{}]}},
{{"metric":{{"__name__":"etcd_network_peer_received_bytes_total","instance":"10.0.0.2:2381","From":"aaaa"}},"values":[{}]}},
{{"metric":{{"__name__":"etcd_network_peer_round_trip_time_seconds_sum","instance":"10.0.0.1:2381","To":"bbbb"}},"values":[[1700000000,"0.1"]]}}
]}}}}"#,
        values(0),
        values(1)
    );
    write(dir.path(), "prom.json", &doc);
    let got = read(dir.path());
    let f = &got.accounting.files[1];
    assert_eq!(f.path, "prom.json");
    assert_eq!((f.rows_read, f.rows_used), (15, 14), "{f:?}");
    assert!(
        f.skipped.keys().any(|k| k.contains("round-trip histogram")),
        "{f:?}"
    );
    let d = directions(&got);
    assert!(d.iter().all(|(s, t, _)| s == "a" && t == "b"), "{d:?}");
    let ok: Vec<bool> = d.iter().map(|x| x.2).collect();
    assert_eq!(ok, [true, true, true, false, false, false], "{d:?}");
}

/// Two Prometheus snapshots in one file, each after its scrape marker: gauges that flip become
/// events; a counter that goes back down is a reset, not negative progress.
#[test]
fn prometheus_snapshots_give_events_and_survive_resets() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "members.csv", MEMBERS);
    let scrape = |ms: u64, has_leader: u8, active: u8, sent: u64| {
        format!(
            "# scrape ts_ms={ms} node=a\n# HELP etcd_server_has_leader x\n# TYPE etcd_server_has_leader gauge\n\
             etcd_server_has_leader {has_leader}\n\
             etcd_network_active_peers{{Local=\"aaaa\",Remote=\"bbbb\"}} {active}\n\
             etcd_network_peer_sent_bytes_total{{To=\"bbbb\"}} {sent}\n\
             etcd_server_leader_changes_seen_total 2\n"
        )
    };
    let text = [
        scrape(1_700_000_000_000, 1, 1, 50_000),
        scrape(1_700_000_005_000, 0, 0, 60_000),
        scrape(1_700_000_010_000, 1, 1, 500),
    ]
    .concat();
    write(dir.path(), "a.prom", &text);
    let got = read(dir.path());
    let f = got
        .accounting
        .files
        .iter()
        .find(|f| f.path == "a.prom")
        .unwrap();
    assert_eq!(f.rows_read, f.rows_used + f.rows_skipped());
    assert_eq!(f.skipped.get("comment or metadata line"), Some(&6));
    let ev = &got.events;
    let kinds: Vec<(String, String, String)> = {
        let (n, k, p) = (
            strings(ev, "node"),
            strings(ev, "kind"),
            strings(ev, "peer"),
        );
        (0..ev.height())
            .map(|i| (n[i].clone(), k[i].clone(), p[i].clone()))
            .collect()
    };
    for want in [
        ("a", "no_leader", ""),
        ("a", "peer_down", "b"),
        ("a", "peer_up", "b"),
    ] {
        assert!(
            kinds
                .iter()
                .any(|(n, k, p)| (n.as_str(), k.as_str(), p.as_str()) == want),
            "{want:?} not in {kinds:?}"
        );
    }
    assert_eq!(got.invariants.no_leader.len(), 1);
    // Without b's received bytes there is nothing to pair: no observation, no panic on the
    // reset from 60000 to 500.
    assert_eq!(got.observations.height(), 0);
}

/// A sample before any scrape time cannot be placed: it is counted, with what to do.
#[test]
fn a_sample_without_a_time_is_counted_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.prom", "etcd_server_has_leader 1\n");
    let got = read(dir.path());
    let f = &got.accounting.files[0];
    assert_eq!(f.skipped.get("unparseable timestamp"), Some(&1), "{f:?}");
    assert!(
        f.examples["unparseable timestamp"]
            .detail
            .contains("ts_ms=")
    );
}

/// Redis replication ages, as redis_exporter names them: a replica's age of its master's last
/// data and a master's age of a replica's last acknowledgement. Each new time heard is one
/// delivered observation from the peer; an age that only grows adds nothing (the logs tell
/// when a side gave up).
#[test]
fn replication_ages_say_when_each_side_last_heard_the_other() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "members.csv", MEMBERS);
    let mut rows = String::from("ts_ms,node,metric,labels,value\n");
    for (i, age) in [0, 1, 0, 1, 2, 3, 4].iter().enumerate() {
        let ts = 1_700_000_000_000u64 + 1000 * i as u64;
        rows.push_str(&format!(
            "{ts},b,redis_master_last_io_seconds_ago,\"master_host=\"\"10.0.0.1\"\",master_port=\"\"6379\"\"\",{age}\n"
        ));
        rows.push_str(&format!(
            "{ts},a,redis_connected_slave_lag_seconds,\"slave_ip=\"\"10.0.0.2\"\",slave_state=\"\"online\"\"\",0\n"
        ));
    }
    write(dir.path(), "metrics.csv", &rows);
    let got = read(dir.path());
    let d = directions(&got);
    let a_to_b = d.iter().filter(|x| x.0 == "a" && x.1 == "b").count();
    let b_to_a = d.iter().filter(|x| x.0 == "b" && x.1 == "a").count();
    // The ages 0, 1, 0, 1, 2, 3, 4 a second apart: b heard a at 0 s and at 2 s, and nothing
    // after; a heard b every second.
    assert_eq!((a_to_b, b_to_a), (2, 7), "{d:?}");
    assert!(d.iter().all(|x| x.2), "{d:?}");
}

/// prometheus-nats-exporter's route counters: each server counts a route's bytes under its
/// `rid`, and only the route's info series names the other end (by `ip` in 2.9). `a` keeps
/// writing to `b`; `b` reads it for three seconds and then nothing, while `b`'s own writes keep
/// reaching `a`: a→b goes down, b→a stays up.
#[test]
fn route_counters_name_their_peer_through_the_routes_info_series() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "members.csv", MEMBERS);
    let mut rows = String::from("ts_ms,node,metric,labels,value\n");
    let info = |node: &str, rid: u32, ip: &str| {
        format!(
            "{node},gnatsd_routez_route_info,\"server_id=\"\"S{node}\"\",rid=\"\"{rid}\"\",remote_id=\"\"X\"\",remote_name=\"\"\"\",ip=\"\"{ip}\"\"\",1"
        )
    };
    let count = |node: &str, rid: u32, key: &str, v: u64| {
        format!(
            "{node},gnatsd_routez_route_{key},\"server_id=\"\"S{node}\"\",rid=\"\"{rid}\"\"\",{v}"
        )
    };
    for i in 0..7u64 {
        let ts = 1_700_000_000_000u64 + 1000 * i;
        for line in [
            info("a", 6, "10.0.0.2"),
            info("b", 9, "10.0.0.1"),
            count("a", 6, "out_bytes", 300 * i),
            count("b", 9, "in_bytes", 300 * i.min(3)),
            count("b", 9, "out_bytes", 300 * i),
            count("a", 6, "in_bytes", 300 * i),
        ] {
            rows.push_str(&format!("{ts},{line}\n"));
        }
    }
    write(dir.path(), "metrics.csv", &rows);
    let got = read(dir.path());
    let d = directions(&got);
    let way = |s: &str, t: &str| -> Vec<bool> {
        d.iter()
            .filter(|x| x.0 == s && x.1 == t)
            .map(|x| x.2)
            .collect()
    };
    assert_eq!(
        way("a", "b"),
        [true, true, true, false, false, false],
        "{d:?}"
    );
    assert_eq!(way("b", "a"), [true; 6], "{d:?}");
}

/// RabbitMQ's Prometheus plugin names a distribution connection's peer by its Erlang node name
/// (`peer="rabbit@10.0.0.2"`): the label is resolved to the member it names, so what `a` wrote
/// to `b` meets what `b` read from `a`.
#[test]
fn a_peer_label_in_the_systems_own_form_names_the_member() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "members.csv", MEMBERS);
    let mut rows = String::from("ts_ms,node,metric,labels,value\n");
    for i in 0..6u64 {
        let ts = 1_700_000_000_000 + 1000 * i;
        let read = 4000 * i.min(3);
        rows.push_str(&format!(
            "{ts},a,erlang_vm_dist_send_bytes,\"peer=\"\"rabbit@10.0.0.2\"\"\",{}\n\
             {ts},b,erlang_vm_dist_recv_bytes,\"peer=\"\"rabbit@10.0.0.1\"\"\",{read}\n",
            4000 * i
        ));
    }
    write(dir.path(), "metrics.csv", &rows);
    let got = read(dir.path());
    let d = directions(&got);
    assert!(!d.is_empty(), "no observations from the byte counters");
    assert!(d.iter().all(|(s, t, _)| s == "a" && t == "b"), "{d:?}");
    let ok: Vec<bool> = d.iter().map(|x| x.2).collect();
    assert_eq!(ok, [true, true, true, false, false], "{d:?}");
}
