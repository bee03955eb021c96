//! NATS in the lab: one `nats-server` per member, clustered by routes to every other member,
//! with JetStream on, logging to `logs/<member>.nats.log` in the server's own layout. JetStream
//! runs Raft twice over: a metadata group of all members, and a group per stream. The workload
//! writes to and reads from one stream replicated on every member (`RIFT`, subjects `rift.>`):
//! a write is a publish that the stream's leader acknowledges once a quorum has it, a read asks
//! for the last message of a subject. The leader is the member that leads that stream (the
//! metadata group's leader before the stream exists); the lab puts both on the member the
//! scenario wants. The health check is the server's own `/healthz` on its monitoring port, which
//! Kubernetes probes and load balancers ask. NATS serves its monitoring as JSON; the metrics are
//! each route's counters from `/routez`, written as prometheus-nats-exporter (`-routez`, not in
//! Debian) writes them, the route's other end named only in its info series.

use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};
use std::path::Path;
use std::time::{Duration, Instant};

use crate::error::LabError;
use crate::http;
use crate::natsproto;
use crate::netns;
use crate::system::{
    Cluster, HealthAnswer, LabSpec, LabSystem, Output, Process, Reply, members_table, prom_sample,
    v_number, version_of, write_file,
};

const CLIENT_PORT: u16 = 4222;
const ROUTE_PORT: u16 = 6222;
const MONITOR_PORT: u16 = 8222;
/// The stream the workload writes to, replicated on every member, and its subjects.
const STREAM: &str = "RIFT";
const SUBJECTS: &str = "rift.>";
/// The name of the cluster, as the servers log it (`new metadata leader: n2/rift-lab`).
const CLUSTER_NAME: &str = "rift-lab";

pub(crate) struct Nats {
    /// How often a server pings each connection, routes included, and how many unanswered
    /// pings make the connection stale.
    ping_interval_s: u64,
    ping_max: u64,
}

impl Nats {
    pub(crate) fn new(spec: &LabSpec) -> Result<Nats, LabError> {
        Ok(Nats {
            ping_interval_s: spec.setting("ping_interval_s")?,
            ping_max: spec.setting("ping_max")?,
        })
    }

    fn conf(&self, cluster: &Cluster, i: usize, logs: &Path, data: &Path) -> String {
        let me = &cluster.members[i].host;
        let routes: Vec<String> = cluster
            .members
            .iter()
            .filter(|m| m.host.name != me.name)
            .map(|m| format!("    nats-route://{}:{ROUTE_PORT}", m.host.ip))
            .collect();
        format!(
            "server_name: {name}\nlisten: {ip}:{CLIENT_PORT}\nhttp: {ip}:{MONITOR_PORT}\n\
             logtime: true\nlog_file: \"{log}\"\nping_interval: \"{ping}s\"\nping_max: {max}\n\
             jetstream {{\n  store_dir: \"{store}\"\n}}\n\
             cluster {{\n  name: {CLUSTER_NAME}\n  listen: {ip}:{ROUTE_PORT}\n  routes: [\n{routes}\n  ]\n}}\n",
            name = me.name,
            ip = me.ip,
            log = logs.join(format!("{}.nats.log", me.name)).display(),
            ping = self.ping_interval_s,
            max = self.ping_max,
            store = data.join("jetstream").display(),
            routes = routes.join("\n"),
        )
    }
}

fn addr(ip: Ipv4Addr, port: u16) -> SocketAddr {
    SocketAddr::V4(SocketAddrV4::new(ip, port))
}

fn client(cluster: &Cluster, i: usize) -> SocketAddr {
    addr(cluster.members[i].host.ip, CLIENT_PORT)
}

/// Who member `i` says leads: the metadata group, and the stream when it exists (from its own
/// `/jsz`, which answers with what this member knows).
fn views(cluster: &Cluster, i: usize) -> Option<(String, Option<String>)> {
    let a = http::get(
        addr(cluster.members[i].host.ip, MONITOR_PORT),
        "/jsz?streams=true",
        Duration::from_millis(500),
    )
    .ok()
    .filter(|a| a.status == 200)?;
    leaders_in(&a.body)
}

/// The metadata leader and the workload stream's leader a `/jsz?streams=true` answer names.
fn leaders_in(body: &str) -> Option<(String, Option<String>)> {
    let v: serde_json::Value = serde_json::from_str(body).ok()?;
    let meta = v["meta_cluster"]["leader"].as_str()?.to_owned();
    let stream = v["account_details"].as_array().and_then(|accounts| {
        accounts.iter().find_map(|a| {
            a["stream_detail"].as_array()?.iter().find_map(|s| {
                (s["name"] == STREAM)
                    .then(|| s["cluster"]["leader"].as_str().map(str::to_owned))
                    .flatten()
            })
        })
    });
    Some((meta, stream))
}

/// A `/routez` answer as prometheus-nats-exporter (`-routez`) writes it: per route, an info
/// series naming the other end (`remote_id`, `remote_name`, `ip`) and the route's counters
/// under the server's id and the route's `rid`, which tie them to the info series.
fn routez_page(body: &str) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(body).ok()?;
    let server = v["server_id"].as_str()?;
    let routes = v["routes"].as_array()?;
    let mut page = format!(
        "gnatsd_routez_num_routes{{server_id=\"{server}\"}} {}\n",
        routes.len()
    );
    for r in routes {
        let rid = r["rid"].as_u64()?;
        let text = |k: &str| r[k].as_str().unwrap_or("").replace(['"', '\\', '\n'], "");
        page.push_str(&format!(
            "gnatsd_routez_route_info{{server_id=\"{server}\",rid=\"{rid}\",remote_id=\"{}\",remote_name=\"{}\",account=\"\",ip=\"{}\",compression=\"\"}} 1\n",
            text("remote_id"),
            text("remote_name"),
            text("ip"),
        ));
        for key in ["in_msgs", "out_msgs", "in_bytes", "out_bytes"] {
            page.push_str(&format!(
                "gnatsd_routez_route_{key}{{server_id=\"{server}\",rid=\"{rid}\"}} {}\n",
                r[key].as_u64().unwrap_or(0)
            ));
        }
    }
    Some(page)
}

/// A JetStream API answer's error, if it has one (`{"error": {"code": 503, "description": …}}`).
fn api_error(answer: &str) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(answer).ok()?;
    let e = v.get("error")?;
    Some(format!(
        "{} {}",
        e["code"].as_u64().unwrap_or(0),
        e["description"].as_str().unwrap_or("")
    ))
}

/// Asks the JetStream API through member `i`; `Err` for no answer or an error answer.
fn api(cluster: &Cluster, i: usize, subject: &str, body: &str) -> Result<String, String> {
    let answer = natsproto::request(client(cluster, i), subject, body, Duration::from_secs(2))?;
    match api_error(&answer) {
        Some(e) => Err(e),
        None => Ok(answer),
    }
}

impl LabSystem for Nats {
    fn version(&self) -> Result<String, LabError> {
        // `nats-server: v2.9.10`
        version_of(
            "nats-server",
            |t| v_number(t).map(|v| format!("NATS {v}")),
            "version",
        )
    }

    fn start(
        &self,
        cluster: &Cluster,
        i: usize,
        logs: &Path,
        data: &Path,
    ) -> Result<Vec<Process>, LabError> {
        let me = &cluster.members[i].host;
        let dir = data.join(&me.name);
        let conf = dir.join("nats.conf");
        write_file(&conf, &self.conf(cluster, i, logs, &dir))?;
        let mut cmd = netns::exec(&me.name, "nats-server");
        cmd.arg("-c").arg(&conf).env("TZ", "UTC");
        Ok(vec![Process {
            label: "nats",
            cmd,
            output: Output::Errors,
        }])
    }

    fn leaders(&self, cluster: &Cluster) -> Vec<usize> {
        (0..cluster.members.len())
            .filter(|&i| {
                let me = &cluster.members[i].host.name;
                views(cluster, i).is_some_and(|(meta, stream)| stream.unwrap_or(meta) == *me)
            })
            .collect()
    }

    fn identify(&self, cluster: &mut Cluster) -> Result<(), LabError> {
        // Members go by their server names; the stream is made once the cluster has a leader.
        let n = cluster.members.len();
        let config = serde_json::json!({
            "name": STREAM,
            "subjects": [SUBJECTS],
            "num_replicas": n,
            "storage": "file",
        });
        let until = Instant::now() + Duration::from_secs(15);
        let mut last = String::new();
        while Instant::now() < until {
            crate::stop::check()?;
            match api(
                cluster,
                0,
                &format!("$JS.API.STREAM.CREATE.{STREAM}"),
                &config.to_string(),
            ) {
                Ok(_) => {
                    last.clear();
                    break;
                }
                Err(e) => last = e,
            }
            std::thread::sleep(Duration::from_millis(300));
        }
        if !last.is_empty() {
            return Err(LabError::Cluster(format!(
                "the stream {STREAM} could not be made: {last}"
            )));
        }
        // Until the stream has a leader, the members name none for it.
        let until = Instant::now() + Duration::from_secs(10);
        while Instant::now() < until {
            crate::stop::check()?;
            if (0..n).any(|i| views(cluster, i).is_some_and(|(_, s)| s.is_some())) {
                break;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        let meta = (0..n).find_map(|i| views(cluster, i).map(|(m, _)| m));
        let to = cluster
            .members
            .iter()
            .position(|m| Some(&m.host.name) == meta.as_ref());
        if let (Some(to), [from]) = (to, self.leaders(cluster).as_slice())
            && *from != to
        {
            self.move_leader(cluster, *from, to)?;
        }
        Ok(())
    }

    fn move_leader(&self, cluster: &Cluster, from: usize, to: usize) -> Result<(), LabError> {
        // NATS 2.9 steps a leader down without a say in who follows: step down until the
        // wanted member leads, a bounded number of times. The metadata group first, then the
        // stream.
        let name = cluster.members[to].host.name.clone();
        let groups = [
            (
                "the metadata group",
                "$JS.API.META.LEADER.STEPDOWN".to_owned(),
            ),
            (
                "the stream",
                format!("$JS.API.STREAM.LEADER.STEPDOWN.{STREAM}"),
            ),
        ];
        for (g, (what, subject)) in groups.iter().enumerate() {
            let leads = |c: &Cluster| {
                (0..c.members.len()).find_map(|i| {
                    views(c, i).and_then(|(meta, stream)| {
                        let l = if g == 0 { Some(meta) } else { stream };
                        l.filter(|l| *l == c.members[i].host.name)
                    })
                })
            };
            for _ in 0..12 {
                crate::stop::check()?;
                if leads(cluster).as_ref() == Some(&name) {
                    break;
                }
                // Asked through the member the move is to, and then a new leader awaited.
                let before =
                    leads(cluster).unwrap_or_else(|| cluster.members[from].host.name.clone());
                let _ = api(cluster, to, subject, "");
                let until = Instant::now() + Duration::from_secs(6);
                while Instant::now() < until && leads(cluster).is_none_or(|l| l == before) {
                    std::thread::sleep(Duration::from_millis(200));
                }
            }
            if leads(cluster).as_ref() != Some(&name) {
                return Err(LabError::Cluster(format!(
                    "{name} did not come to lead {what} after twelve step-downs"
                )));
            }
        }
        Ok(())
    }

    fn scrape(&self, cluster: &Cluster, i: usize) -> Result<String, String> {
        let a = http::get(
            addr(cluster.members[i].host.ip, MONITOR_PORT),
            "/routez",
            Duration::from_millis(450),
        )?;
        if a.status != 200 {
            return Err(format!("/routez answered {}", a.status));
        }
        routez_page(&a.body).ok_or_else(|| "/routez did not answer routes as JSON".to_owned())
    }

    fn health(&self, cluster: &Cluster, i: usize) -> HealthAnswer {
        http::health(addr(cluster.members[i].host.ip, MONITOR_PORT), "/healthz")
    }

    fn select_metrics(&self, cluster: &Cluster, page: &str) -> Vec<[String; 4]> {
        // The member each route goes to, by its id on this page (`rid`), from its info line.
        let label = |labels: &str, key: &str| {
            labels.split(',').find_map(|kv| {
                let (k, v) = kv.split_once('=')?;
                (k.trim() == key).then(|| v.trim().trim_matches('"').to_owned())
            })
        };
        let samples: Vec<(&str, &str, &str)> = page
            .lines()
            .filter(|l| self.keep_raw(l))
            .filter_map(prom_sample)
            .collect();
        let mut peer_of_route = std::collections::BTreeMap::new();
        for (name, labels, _) in &samples {
            if *name == "gnatsd_routez_route_info"
                && let (Some(rid), Some(ip)) = (label(labels, "rid"), label(labels, "ip"))
            {
                let peer = cluster
                    .members
                    .iter()
                    .find(|m| m.host.ip.to_string() == ip)
                    .map_or(ip, |m| m.host.name.clone());
                peer_of_route.insert(rid, peer);
            }
        }
        samples
            .into_iter()
            .map(|(name, labels, value)| {
                let peer = label(labels, "rid")
                    .and_then(|rid| peer_of_route.get(&rid).cloned())
                    .unwrap_or_default();
                [name.to_owned(), labels.to_owned(), peer, value.to_owned()]
            })
            .collect()
    }

    fn keep_raw(&self, line: &str) -> bool {
        line.starts_with("gnatsd_routez_")
    }

    fn members_csv(&self, cluster: &Cluster) -> String {
        members_table(
            cluster,
            "name,server_name,ip,client_address,route_address",
            2,
            |m| {
                let ip = m.host.ip;
                format!("{ip}:{CLIENT_PORT},{ip}:{ROUTE_PORT}")
            },
        )
    }

    fn endpoint(&self, cluster: &Cluster, i: usize) -> String {
        format!("nats://{}", client(cluster, i))
    }

    fn request(&self, cluster: &Cluster, i: usize, op: &str, key: &str, value: &str) -> Reply {
        // One subject per key (`/elab/n1/7` is `rift.elab.n1.7`).
        let subject = format!(
            "rift.{}",
            key.trim_matches('/').replace(['/', ' ', '*', '>'], ".")
        );
        let answer = if op == "put" {
            natsproto::request(client(cluster, i), &subject, value, Duration::from_secs(2))
                .and_then(|a| api_error(&a).map_or(Ok(()), Err))
        } else {
            let ask = serde_json::json!({ "last_by_subj": subject }).to_string();
            match api(
                cluster,
                i,
                &format!("$JS.API.STREAM.MSG.GET.{STREAM}"),
                &ask,
            ) {
                // A key not written yet reads as absent, not as a failure.
                Err(e) if e.starts_with("404 ") => Ok(()),
                other => other.map(|_| ()),
            }
        };
        let (result, error) = match answer {
            Ok(()) => ("ok", String::new()),
            Err(e) if e.contains("timed out") => ("timeout", e),
            Err(e) => ("error", e),
        };
        Reply {
            served_by: None,
            result,
            error,
        }
    }

    fn config_files(&self) -> &'static [&'static str] {
        &["nats.conf"]
    }

    fn settings(&self) -> serde_json::Value {
        serde_json::json!({
            "ping_interval_s": self.ping_interval_s,
            "ping_max": self.ping_max,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::system::test_cluster;

    #[test]
    fn each_member_routes_to_every_other_one() {
        let nats = Nats {
            ping_interval_s: 2,
            ping_max: 2,
        };
        let conf = nats.conf(
            &test_cluster(3, None),
            1,
            Path::new("/l"),
            Path::new("/d/n2"),
        );
        assert!(conf.contains("server_name: n2\nlisten: 10.77.0.12:4222\n"));
        assert!(conf.contains("nats-route://10.77.0.11:6222\n"));
        assert!(conf.contains("nats-route://10.77.0.13:6222\n"));
        assert!(!conf.contains("nats-route://10.77.0.12"));
        assert!(conf.contains("ping_interval: \"2s\"\nping_max: 2\n"));
        assert!(conf.contains("log_file: \"/l/n2.nats.log\""));
    }

    #[test]
    fn routez_is_written_as_the_exporter_writes_it_and_each_route_names_its_member() {
        let body = r#"{"server_id":"NSELF","num_routes":2,"routes":[
            {"rid":6,"remote_id":"NPEER2","ip":"10.77.0.12","port":6222,"in_msgs":6,
             "out_msgs":10,"in_bytes":5744,"out_bytes":8050},
            {"rid":9,"remote_id":"NPEER3","ip":"10.77.0.13","port":41234,"in_msgs":17,
             "out_msgs":20,"in_bytes":5743,"out_bytes":7853}]}"#;
        let page = routez_page(body).unwrap();
        assert!(page.contains(
            "gnatsd_routez_route_info{server_id=\"NSELF\",rid=\"9\",remote_id=\"NPEER3\",remote_name=\"\",account=\"\",ip=\"10.77.0.13\",compression=\"\"} 1\n"
        ));
        assert!(
            page.contains("gnatsd_routez_route_in_bytes{server_id=\"NSELF\",rid=\"6\"} 5744\n")
        );
        let nats = Nats {
            ping_interval_s: 2,
            ping_max: 2,
        };
        let rows = nats.select_metrics(&test_cluster(3, None), &page);
        let out_bytes: Vec<(&str, &str)> = rows
            .iter()
            .filter(|r| r[0] == "gnatsd_routez_route_out_bytes")
            .map(|r| (r[2].as_str(), r[3].as_str()))
            .collect();
        assert_eq!(out_bytes, [("n2", "8050"), ("n3", "7853")]);
        assert!(routez_page("not json").is_none());
    }

    #[test]
    fn the_leaders_are_read_from_jsz() {
        let body = r#"{"meta_cluster":{"name":"rift-lab","leader":"n2","cluster_size":3},
            "account_details":[{"name":"$G","stream_detail":[{"name":"RIFT",
            "cluster":{"name":"rift-lab","leader":"n3","replicas":[]}}]}]}"#;
        assert_eq!(leaders_in(body), Some(("n2".into(), Some("n3".into()))));
        let before = r#"{"meta_cluster":{"leader":"n1"}}"#;
        assert_eq!(leaders_in(before), Some(("n1".into(), None)));
        assert_eq!(
            api_error(
                r#"{"type":"x","error":{"code":503,"err_code":10008,"description":"JetStream system temporarily unavailable"}}"#
            ),
            Some("503 JetStream system temporarily unavailable".into())
        );
        assert_eq!(api_error(r#"{"stream":"RIFT","seq":4}"#), None);
    }
}
