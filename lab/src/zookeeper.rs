//! ZooKeeper in the lab: one `QuorumPeerMain` per member (Debian's jar on Java), logging with
//! log4j in Debian's own layout to `logs/<member>.zookeeper.log`. The leader is whichever member
//! answers `srvr` with `Mode: leader`; the workload opens a session on the member itself and
//! writes or reads one znode, as a plain client does. The health check asks a status endpoint
//! beside each member, which runs `srvr` on the member's own client port from inside it, as a
//! container's health probe does; the metrics are `mntr` (Debian's package has no Prometheus
//! metrics provider).
//!
//! ZooKeeper cannot be told to hand leadership over. Its election picks the member with the
//! newest data and, among equals, the highest id: the lab gives the member the scenario wants as
//! leader the highest id and starts it first, so that it wins the first election.

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};
use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::error::LabError;
use crate::http;
use crate::jute::{self, Op, Session};
use crate::netns;
use crate::sidecar::Sidecars;
use crate::system::{
    Cluster, HealthAnswer, LabSpec, LabSystem, Output, Process, Reply, members_table, write_file,
};

const CLIENT_PORT: u16 = 2181;
/// The member's status endpoint: what a container's health probe runs (`srvr` on the member's
/// own client port, from inside the member), served over HTTP on a port of its own.
const STATUS_PORT: u16 = 8081;
const QUORUM_PORT: u16 = 2888;
const ELECTION_PORT: u16 = 3888;
/// Debian's jars: the server, and log4j with its slf4j binding (the server's own class path
/// lacks a binding, and without one it logs nothing).
const CLASS_PATH: &str =
    "/usr/share/java/zookeeper.jar:/usr/share/java/slf4j-log4j12.jar:/usr/share/java/log4j-1.2.jar";
/// Debian's log4j layout for ZooKeeper (`/etc/zookeeper/conf/log4j.properties`).
const LAYOUT: &str = "%d{ISO8601} - %-5p [%t:%C{1}@%L] - %m%n";
/// The `mntr` keys written to `metrics.csv`, as ZooKeeper names them.
const KEPT: &[&str] = &[
    "zk_server_state",
    "zk_avg_latency",
    "zk_max_latency",
    "zk_outstanding_requests",
    "zk_num_alive_connections",
    "zk_znode_count",
    "zk_quorum_size",
    "zk_learners",
    "zk_synced_followers",
    "zk_pending_syncs",
];

pub(crate) struct ZooKeeper {
    tick_ms: u64,
    init_limit: u64,
    sync_limit: u64,
    /// The workload's open session on each member, by member; one that failed is dropped and
    /// the next request opens a new one, as a client reconnects.
    sessions: Mutex<BTreeMap<usize, Session>>,
    /// Each member's status endpoint.
    sidecars: Sidecars,
}

impl ZooKeeper {
    pub(crate) fn new(spec: &LabSpec) -> Result<ZooKeeper, LabError> {
        Ok(ZooKeeper {
            tick_ms: spec.setting("tick_ms")?,
            init_limit: spec.setting("init_limit")?,
            sync_limit: spec.setting("sync_limit")?,
            sessions: Mutex::new(BTreeMap::new()),
            sidecars: Sidecars::default(),
        })
    }

    fn conf(&self, cluster: &Cluster, i: usize, data: &Path) -> String {
        let me = &cluster.members[i].host;
        let mut text = format!(
            "tickTime={tick}\ninitLimit={init}\nsyncLimit={sync}\ndataDir={dir}\n\
             clientPort={CLIENT_PORT}\nclientPortAddress={ip}\nadmin.enableServer=false\n\
             4lw.commands.whitelist=srvr,mntr,ruok,stat\n",
            tick = self.tick_ms,
            init = self.init_limit,
            sync = self.sync_limit,
            dir = data.display(),
            ip = me.ip,
        );
        for j in 0..cluster.members.len() {
            text.push_str(&format!(
                "server.{id}={ip}:{QUORUM_PORT}:{ELECTION_PORT}\n",
                id = myid(cluster, j),
                ip = cluster.members[j].host.ip,
            ));
        }
        text
    }
}

/// Member `i`'s id (`myid`): the highest for the member that is to lead, the others from 1 in
/// the order of the members.
fn myid(cluster: &Cluster, i: usize) -> usize {
    let n = cluster.members.len();
    match cluster.leader {
        Some(l) if l == i => n,
        Some(l) if i > l => i,
        _ => i + 1,
    }
}

fn addr(ip: Ipv4Addr, port: u16) -> SocketAddr {
    SocketAddr::V4(SocketAddrV4::new(ip, port))
}

fn client(cluster: &Cluster, i: usize) -> SocketAddr {
    addr(cluster.members[i].host.ip, CLIENT_PORT)
}

/// A `srvr` answer's `Mode:` (`leader`, `follower`, `standalone`).
fn mode(answer: &str) -> Option<&str> {
    answer
        .lines()
        .find_map(|l| l.strip_prefix("Mode:"))
        .map(str::trim)
}

/// The status endpoint's answer: 200 with the member's mode when `srvr` names one, 503 with
/// what it said otherwise (`This ZooKeeper instance is not currently serving requests`).
fn status(own: SocketAddr) -> (u16, String) {
    match jute::four(own, "srvr", Duration::from_millis(800)) {
        Ok(a) => match mode(&a) {
            Some(m) => (200, format!("Mode: {m}\n")),
            None => (
                503,
                format!("{}\n", a.lines().next().unwrap_or("no answer")),
            ),
        },
        Err(e) => (503, format!("srvr: {e}\n")),
    }
}

impl Drop for ZooKeeper {
    fn drop(&mut self) {
        self.stop();
    }
}

impl LabSystem for ZooKeeper {
    fn version(&self) -> Result<String, LabError> {
        let command = "java org.apache.zookeeper.version.VersionInfoMain";
        let out = Command::new("java")
            .args([
                "-cp",
                "/usr/share/java/zookeeper.jar",
                "org.apache.zookeeper.version.VersionInfoMain",
            ])
            .output()
            .map_err(|e| LabError::Command {
                command: command.into(),
                detail: e.to_string(),
            })?;
        // `Apache ZooKeeper, version 3.8.0 2024-12-29 17:54 UTC`
        let text = String::from_utf8_lossy(&out.stdout);
        text.split_once("version ")
            .and_then(|(_, rest)| rest.split_whitespace().next())
            .map(|v| format!("ZooKeeper {v}"))
            .ok_or_else(|| LabError::Command {
                command: command.into(),
                detail: format!("no version in {text:?}"),
            })
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
        let conf = dir.join("zoo.cfg");
        write_file(&conf, &self.conf(cluster, i, &dir))?;
        write_file(&dir.join("myid"), &format!("{}\n", myid(cluster, i)))?;
        let log4j = dir.join("log4j.properties");
        write_file(
            &log4j,
            &format!(
                "log4j.rootLogger=INFO, FILE\n\
                 log4j.appender.FILE=org.apache.log4j.FileAppender\n\
                 log4j.appender.FILE.File={log}\n\
                 log4j.appender.FILE.layout=org.apache.log4j.PatternLayout\n\
                 log4j.appender.FILE.layout.ConversionPattern={LAYOUT}\n",
                log = logs.join(format!("{}.zookeeper.log", me.name)).display(),
            ),
        )?;
        // The status endpoint asks the member's own client port from inside the member, as a
        // probe run in its container does: a fault on the client's path does not reach it.
        let own = addr(me.ip, CLIENT_PORT);
        self.sidecars
            .start(i, &me.name, &[STATUS_PORT], Arc::new(move |_| status(own)))?;
        let mut cmd = netns::exec(&me.name, "java");
        cmd.arg("-Xmx128m")
            .arg("-Duser.timezone=UTC")
            .arg(format!("-Dlog4j.configuration=file:{}", log4j.display()))
            .args(["-cp", CLASS_PATH])
            .arg("org.apache.zookeeper.server.quorum.QuorumPeerMain")
            .arg(&conf)
            .env("TZ", "UTC");
        Ok(vec![Process {
            label: "zookeeper",
            cmd,
            output: Output::Errors,
        }])
    }

    fn leaders(&self, cluster: &Cluster) -> Vec<usize> {
        (0..cluster.members.len())
            .filter(|&i| {
                jute::four(client(cluster, i), "srvr", Duration::from_millis(500))
                    .is_ok_and(|a| mode(&a) == Some("leader"))
            })
            .collect()
    }

    fn identify(&self, cluster: &mut Cluster) -> Result<(), LabError> {
        let ids: Vec<usize> = (0..cluster.members.len())
            .map(|i| myid(cluster, i))
            .collect();
        for (m, id) in cluster.members.iter_mut().zip(ids) {
            m.id = Some(id.to_string());
        }
        Ok(())
    }

    fn move_leader(&self, cluster: &Cluster, from: usize, to: usize) -> Result<(), LabError> {
        Err(LabError::Cluster(format!(
            "{} leads, not {}: ZooKeeper cannot be told to hand leadership over, and the lab \
             makes the wanted member win only the first election",
            cluster.members[from].host.name, cluster.members[to].host.name
        )))
    }

    fn scrape(&self, cluster: &Cluster, i: usize) -> Result<String, String> {
        jute::four(client(cluster, i), "mntr", Duration::from_millis(450))
    }

    fn health(&self, cluster: &Cluster, i: usize) -> HealthAnswer {
        http::health(addr(cluster.members[i].host.ip, STATUS_PORT), "/status")
    }

    fn select_metrics(&self, _cluster: &Cluster, page: &str) -> Vec<[String; 4]> {
        page.lines()
            .filter(|l| self.keep_raw(l))
            .filter_map(|l| {
                let (key, value) = l.split_once('\t')?;
                let value = value.trim();
                Some(if key == "zk_server_state" {
                    [
                        key.into(),
                        format!("state=\"{value}\""),
                        String::new(),
                        "1".into(),
                    ]
                } else {
                    [key.into(), String::new(), String::new(), value.into()]
                })
            })
            .collect()
    }

    fn keep_raw(&self, line: &str) -> bool {
        line.split_once('\t')
            .is_some_and(|(k, _)| KEPT.contains(&k))
    }

    fn members_csv(&self, cluster: &Cluster) -> String {
        members_table(
            cluster,
            "name,myid,ip,client_address,quorum_address",
            2,
            |m| {
                let ip = m.host.ip;
                format!("{ip}:{CLIENT_PORT},{ip}:{QUORUM_PORT}:{ELECTION_PORT}")
            },
        )
    }

    fn endpoint(&self, cluster: &Cluster, i: usize) -> String {
        format!("zk://{}", client(cluster, i))
    }

    fn request(&self, cluster: &Cluster, i: usize, op: &str, key: &str, value: &str) -> Reply {
        // One znode per key, at the top (`/elab/n1/7` is `/elab-n1-7`).
        let path = format!("/{}", key.trim_start_matches('/').replace('/', "-"));
        let timeout = Duration::from_secs(2);
        let held = self
            .sessions
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&i);
        let answer = held
            .map_or_else(|| Session::open(client(cluster, i), timeout), Ok)
            .and_then(|mut session| {
                let code = if op == "put" {
                    match session.call(&Op::Create(&path, value.as_bytes()), timeout)? {
                        -110 => session.call(&Op::Set(&path, value.as_bytes()), timeout)?,
                        c => c,
                    }
                } else {
                    // A key not written yet reads as absent, not as a failure.
                    match session.call(&Op::Get(&path), timeout)? {
                        -101 => 0,
                        c => c,
                    }
                };
                self.sessions
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .insert(i, session);
                Ok(code)
            });
        let (result, error) = match answer {
            Ok(0) => ("ok", String::new()),
            Ok(code) => ("error", jute::error_name(code)),
            Err(e) if e.contains("timed out") => ("timeout", e),
            Err(e) => ("error", e),
        };
        Reply {
            served_by: None,
            result,
            error,
        }
    }

    fn stop(&self) {
        let held = std::mem::take(&mut *self.sessions.lock().unwrap_or_else(|p| p.into_inner()));
        for session in held.into_values() {
            session.close();
        }
        self.sidecars.stop_all();
    }

    fn crashed(&self, i: usize) {
        self.sidecars.stop_member(i);
    }

    fn config_files(&self) -> &'static [&'static str] {
        &["zoo.cfg"]
    }

    fn settings(&self) -> serde_json::Value {
        serde_json::json!({
            "tick_ms": self.tick_ms,
            "init_limit": self.init_limit,
            "sync_limit": self.sync_limit,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::system::test_cluster;

    fn zk() -> ZooKeeper {
        ZooKeeper {
            tick_ms: 500,
            init_limit: 10,
            sync_limit: 4,
            sessions: Mutex::new(BTreeMap::new()),
            sidecars: Sidecars::default(),
        }
    }

    #[test]
    fn the_wanted_leader_has_the_highest_id_and_the_ids_are_one_to_n() {
        let ids = |c: &Cluster| (0..3).map(|i| myid(c, i)).collect::<Vec<_>>();
        assert_eq!(ids(&test_cluster(3, None)), [1, 2, 3]);
        assert_eq!(ids(&test_cluster(3, Some(0))), [3, 1, 2]);
        assert_eq!(ids(&test_cluster(3, Some(1))), [1, 3, 2]);
        assert_eq!(ids(&test_cluster(3, Some(2))), [1, 2, 3]);
    }

    #[test]
    fn each_member_lists_every_server_by_its_id() {
        let z = zk();
        let conf = z.conf(&test_cluster(3, Some(1)), 0, Path::new("/d/n1"));
        assert!(conf.contains("server.1=10.77.0.11:2888:3888\n"));
        assert!(conf.contains("server.3=10.77.0.12:2888:3888\n"));
        assert!(conf.contains("server.2=10.77.0.13:2888:3888\n"));
        assert!(conf.contains("tickTime=500\ninitLimit=10\nsyncLimit=4\n"));
        assert!(conf.contains("clientPortAddress=10.77.0.11\n"));
    }

    #[test]
    fn mntr_keeps_the_state_as_a_label_and_the_chosen_numbers() {
        let z = zk();
        let page = "zk_version\t3.8.0\nzk_server_state\tleader\nzk_synced_followers\t2\n\
                    zk_open_file_descriptor_count\t70\n";
        let rows = z.select_metrics(&test_cluster(3, None), page);
        assert_eq!(
            rows,
            vec![
                [
                    "zk_server_state".to_owned(),
                    "state=\"leader\"".into(),
                    String::new(),
                    "1".into()
                ],
                [
                    "zk_synced_followers".to_owned(),
                    String::new(),
                    String::new(),
                    "2".into()
                ],
            ]
        );
    }
}
