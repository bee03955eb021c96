//! RabbitMQ in the lab: one broker per member (`rabbit@<address>`, Erlang long names), each
//! with its own `epmd`, clustered at boot from a fixed list of peers (`classic_config`), logging
//! to `logs/<member>.rabbitmq.log`. Members watch each other over Erlang distribution, whose
//! `net_ticktime` decides when a silent peer is taken as down, and the partition-handling mode
//! (`pause_minority` in the lab) decides what a member does then. The workload publishes to and
//! reads from one quorum queue (`rift`, replicated on every member by Raft) through each
//! member's management API; its leader is the cluster's leader here, and the lab puts it on the
//! member the scenario wants by declaring the queue there (`x-queue-leader-locator:
//! client-local`). The health check connects to each member's AMQP port, as the RabbitMQ
//! cluster operator's readiness probe does, so that the workload's port (the management API) and
//! the check's differ;
//! the metrics are the Prometheus plugin's page, whose `erlang_vm_dist_*` series count each
//! distribution link's bytes in each direction.

use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};
use std::path::Path;
use std::time::{Duration, Instant};

use crate::error::LabError;
use crate::http;
use crate::netns;
use crate::system::{
    Cluster, HealthAnswer, LabSpec, LabSystem, Output, Process, Reply, members_table, prom_sample,
    write_file,
};

const AMQP_PORT: u16 = 5672;
const DIST_PORT: u16 = 25672;
const MANAGEMENT_PORT: u16 = 15672;
const PROMETHEUS_PORT: u16 = 15692;
/// The quorum queue the workload uses.
const QUEUE: &str = "rift";
/// `guest:guest`, which `loopback_users = none` lets in from the client's namespace.
const AUTH: &str = "Basic Z3Vlc3Q6Z3Vlc3Q=";
/// The cookie every member shares (Erlang distribution's only credential).
const COOKIE: &str = "RIFTLABCOOKIE";
/// Where Debian keeps the broker's own scripts (`/usr/sbin`'s wrappers switch to the
/// `rabbitmq` user, which cannot write the run's folders).
const SBIN: &str = "/usr/lib/rabbitmq/bin";

pub(crate) struct RabbitMq {
    /// Erlang distribution's tick time: a peer silent for 0.75 to 1.25 of it is down.
    net_ticktime_s: u64,
    /// `pause_minority` (1) or `ignore` (0).
    pause_minority: bool,
}

impl RabbitMq {
    pub(crate) fn new(spec: &LabSpec) -> Result<RabbitMq, LabError> {
        Ok(RabbitMq {
            net_ticktime_s: spec.setting("net_ticktime_s")?,
            pause_minority: spec.setting("pause_minority")? != 0,
        })
    }

    fn node_name(ip: Ipv4Addr) -> String {
        format!("rabbit@{ip}")
    }

    fn conf(&self, cluster: &Cluster, i: usize) -> String {
        let ip = cluster.members[i].host.ip;
        let mut text = format!(
            "listeners.tcp.default = {ip}:{AMQP_PORT}\n\
             management.tcp.ip = {ip}\n\
             management.tcp.port = {MANAGEMENT_PORT}\n\
             prometheus.tcp.ip = {ip}\n\
             prometheus.tcp.port = {PROMETHEUS_PORT}\n\
             loopback_users = none\n\
             cluster_partition_handling = {mode}\n\
             log.console = false\n\
             log.file.level = info\n\
             cluster_formation.peer_discovery_backend = classic_config\n",
            mode = if self.pause_minority {
                "pause_minority"
            } else {
                "ignore"
            }
        );
        for (k, m) in cluster.members.iter().enumerate() {
            text.push_str(&format!(
                "cluster_formation.classic_config.nodes.{} = {}\n",
                k + 1,
                Self::node_name(m.host.ip)
            ));
        }
        text
    }

    fn advanced(&self) -> String {
        format!(
            "[{{kernel, [{{net_ticktime, {}}}, {{inet_dist_listen_min, {DIST_PORT}}}, \
             {{inet_dist_listen_max, {DIST_PORT}}}]}}].\n",
            self.net_ticktime_s
        )
    }
}

fn management(cluster: &Cluster, i: usize) -> SocketAddr {
    SocketAddr::V4(SocketAddrV4::new(
        cluster.members[i].host.ip,
        MANAGEMENT_PORT,
    ))
}

/// A management API request to member `i`: the answer, or why there was none.
fn api(
    cluster: &Cluster,
    i: usize,
    method: &str,
    path: &str,
    body: &str,
    timeout: Duration,
) -> Result<http::Answer, String> {
    http::request(
        management(cluster, i),
        method,
        path,
        &[
            ("Authorization", AUTH),
            ("Content-Type", "application/json"),
        ],
        body,
        timeout,
    )
}

/// The member whose node the queue's leader is, as member `i` sees it.
fn queue_leader(cluster: &Cluster, i: usize) -> Option<usize> {
    let a = api(
        cluster,
        i,
        "GET",
        &format!("/api/queues/%2F/{QUEUE}"),
        "",
        Duration::from_millis(900),
    )
    .ok()?;
    if a.status != 200 {
        return None;
    }
    let v: serde_json::Value = serde_json::from_str(&a.body).ok()?;
    let leader = v.get("leader").and_then(|l| l.as_str())?;
    cluster
        .members
        .iter()
        .position(|m| RabbitMq::node_name(m.host.ip) == leader)
}

/// Declares the quorum queue through member `i`, its leader there.
fn declare(cluster: &Cluster, i: usize) -> Result<(), String> {
    let body = serde_json::json!({
        "durable": true,
        "auto_delete": false,
        "arguments": {"x-queue-type": "quorum", "x-queue-leader-locator": "client-local"},
    });
    let a = api(
        cluster,
        i,
        "PUT",
        &format!("/api/queues/%2F/{QUEUE}"),
        &body.to_string(),
        Duration::from_secs(10),
    )?;
    match a.status {
        200..=299 => Ok(()),
        s => Err(format!("HTTP {s}: {}", a.body.trim())),
    }
}

/// Whether member `i` sees every member running in its cluster.
fn clustered(cluster: &Cluster, i: usize) -> bool {
    let Ok(a) = api(
        cluster,
        i,
        "GET",
        "/api/nodes",
        "",
        Duration::from_millis(900),
    ) else {
        return false;
    };
    let Ok(v) = serde_json::from_str::<serde_json::Value>(&a.body) else {
        return false;
    };
    let running: Vec<&str> = v
        .as_array()
        .into_iter()
        .flatten()
        .filter(|n| n["running"].as_bool() == Some(true))
        .filter_map(|n| n["name"].as_str())
        .collect();
    cluster
        .members
        .iter()
        .all(|m| running.contains(&RabbitMq::node_name(m.host.ip).as_str()))
}

impl LabSystem for RabbitMq {
    fn version(&self) -> Result<String, LabError> {
        // Debian installs the broker under /usr/lib/rabbitmq/lib/rabbitmq_server-<version>.
        let dir = Path::new("/usr/lib/rabbitmq/lib");
        let entries = std::fs::read_dir(dir).map_err(LabError::io(dir))?;
        entries
            .filter_map(|e| e.ok())
            .find_map(|e| {
                e.file_name()
                    .to_str()
                    .and_then(|n| n.strip_prefix("rabbitmq_server-"))
                    .map(|v| format!("RabbitMQ {v}"))
            })
            .ok_or_else(|| LabError::Command {
                command: format!("ls {}", dir.display()),
                detail: "no rabbitmq_server-<version> folder".into(),
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
        write_file(&dir.join("rabbitmq.conf"), &self.conf(cluster, i))?;
        write_file(&dir.join("advanced.config"), &self.advanced())?;
        write_file(
            &dir.join("enabled_plugins"),
            "[rabbitmq_management,rabbitmq_prometheus].\n",
        )?;
        let cookie = dir.join(".erlang.cookie");
        write_file(&cookie, COOKIE)?;
        {
            use std::os::unix::fs::PermissionsExt as _;
            std::fs::set_permissions(&cookie, std::fs::Permissions::from_mode(0o400))
                .map_err(LabError::io(&cookie))?;
        }
        // epmd first, in the member's namespace and in the foreground, so that the broker
        // finds it running rather than starting one the lab could not stop by its PID.
        let mut epmd = netns::exec(&me.name, "epmd");
        epmd.env("HOME", &dir);
        let mut broker = netns::exec(&me.name, &format!("{SBIN}/rabbitmq-server"));
        broker
            .env("HOME", &dir)
            .env("TZ", "UTC")
            .env("RABBITMQ_USE_LONGNAME", "true")
            .env("RABBITMQ_NODENAME", Self::node_name(me.ip))
            .env("RABBITMQ_CONFIG_FILE", dir.join("rabbitmq.conf"))
            .env("RABBITMQ_ADVANCED_CONFIG_FILE", dir.join("advanced.config"))
            .env("RABBITMQ_ENABLED_PLUGINS_FILE", dir.join("enabled_plugins"))
            .env("RABBITMQ_MNESIA_BASE", dir.join("mnesia"))
            .env("RABBITMQ_PID_FILE", dir.join("rabbitmq.pid"))
            .env("RABBITMQ_LOG_BASE", logs)
            .env(
                "RABBITMQ_LOGS",
                logs.join(format!("{}.rabbitmq.log", me.name)),
            )
            .env("RABBITMQ_DIST_PORT", DIST_PORT.to_string())
            // The script then runs the VM in its own place (as under systemd) instead of
            // waiting on it in a child: SIGTERM reaches the VM, and the PID the lab stops is
            // the broker's. A crash dump stays with the member's data, out of the export.
            .env("RUNNING_UNDER_SYSTEMD", "true")
            .env("ERL_CRASH_DUMP", dir.join("erl_crash.dump"))
            .env("RABBITMQ_UPGRADE_LOG", dir.join("upgrade.log"));
        Ok(vec![
            Process {
                label: "epmd",
                cmd: epmd,
                output: Output::Errors,
            },
            Process {
                label: "rabbitmq",
                cmd: broker,
                output: Output::Errors,
            },
        ])
    }

    fn leaders(&self, cluster: &Cluster) -> Vec<usize> {
        // The queue's leader as each member sees it: one member while all agree.
        let mut seen: Vec<usize> = (0..cluster.members.len())
            .filter_map(|i| queue_leader(cluster, i))
            .collect();
        seen.sort_unstable();
        seen.dedup();
        if seen.is_empty() && clustered(cluster, 0) {
            // Before the queue exists the cluster has no leader: once every member runs, the
            // queue is made through the first one.
            let _ = declare(cluster, 0);
        }
        seen
    }

    fn identify(&self, cluster: &mut Cluster) -> Result<(), LabError> {
        for m in &mut cluster.members {
            m.id = Some(Self::node_name(m.host.ip));
        }
        Ok(())
    }

    fn move_leader(&self, cluster: &Cluster, from: usize, to: usize) -> Result<(), LabError> {
        // A quorum queue's leader cannot be handed over through the API: the queue is made
        // again through the member that is to lead it, before the workload starts.
        let path = format!("/api/queues/%2F/{QUEUE}");
        let gone = api(cluster, from, "DELETE", &path, "", Duration::from_secs(10))
            .map_err(|e| LabError::Cluster(format!("deleting the queue: {e}")))?;
        if !(200..300).contains(&gone.status) && gone.status != 404 {
            return Err(LabError::Cluster(format!(
                "deleting the queue: HTTP {}",
                gone.status
            )));
        }
        let until = Instant::now() + Duration::from_secs(15);
        loop {
            crate::stop::check()?;
            match declare(cluster, to) {
                Ok(()) => return Ok(()),
                Err(e) if Instant::now() >= until => {
                    return Err(LabError::Cluster(format!(
                        "making the queue on {}: {e}",
                        cluster.members[to].host.name
                    )));
                }
                Err(_) => std::thread::sleep(Duration::from_millis(300)),
            }
        }
    }

    fn scrape(&self, cluster: &Cluster, i: usize) -> Result<String, String> {
        let addr = SocketAddr::V4(SocketAddrV4::new(
            cluster.members[i].host.ip,
            PROMETHEUS_PORT,
        ));
        match http::get(addr, "/metrics", Duration::from_millis(900)) {
            Ok(a) if a.status == 200 => Ok(a.body),
            Ok(a) => Err(format!("HTTP {}", a.status)),
            Err(e) => Err(e),
        }
    }

    fn health(&self, cluster: &Cluster, i: usize) -> HealthAnswer {
        // A connection to the AMQP port, as the RabbitMQ cluster operator's readiness probe
        // (`tcpSocket` on `amqp`) and a TCP load balancer check it: a node that pauses itself
        // in a minority closes its listeners, and is refused.
        let addr = SocketAddr::V4(SocketAddrV4::new(cluster.members[i].host.ip, AMQP_PORT));
        let url = format!("tcp://{addr}");
        match std::net::TcpStream::connect_timeout(&addr, Duration::from_secs(2)) {
            Ok(_) => HealthAnswer {
                url,
                status: "ok".into(),
                body: "connected".into(),
                answered: true,
            },
            Err(e) => {
                let refused = e.kind() == std::io::ErrorKind::ConnectionRefused;
                HealthAnswer {
                    url,
                    status: if refused { "refused" } else { "timeout" }.into(),
                    body: http::reason(&e),
                    answered: refused,
                }
            }
        }
    }

    fn health_column(&self) -> &'static str {
        "result"
    }

    fn start_within(&self) -> Duration {
        // Three brokers booting at once on two cores, each with its plugins, then clustering.
        Duration::from_secs(90)
    }

    fn select_metrics(&self, cluster: &Cluster, page: &str) -> Vec<[String; 4]> {
        let mut rows = Vec::new();
        for line in page
            .lines()
            .filter(|l| self.keep_raw(l) && !l.starts_with('#'))
        {
            let Some((name, labels, value)) = prom_sample(line) else {
                continue;
            };
            let peer = labels
                .split(',')
                .find_map(|kv| {
                    let (k, v) = kv.split_once('=')?;
                    (k.trim() == "peer").then(|| v.trim().trim_matches('"'))
                })
                .and_then(|node| {
                    cluster
                        .members
                        .iter()
                        .find(|m| RabbitMq::node_name(m.host.ip) == node)
                        .map(|m| m.host.name.clone())
                })
                .unwrap_or_default();
            rows.push([name.to_owned(), labels.to_owned(), peer, value.to_owned()]);
        }
        rows
    }

    fn keep_raw(&self, line: &str) -> bool {
        let name = line
            .strip_prefix("# HELP ")
            .or_else(|| line.strip_prefix("# TYPE "))
            .unwrap_or(line);
        // Each distribution connection's bytes each way and its state (what a peer's
        // silence shows in), and each quorum queue's Raft term.
        [
            "erlang_vm_dist_send_bytes",
            "erlang_vm_dist_recv_bytes",
            "erlang_vm_dist_node_state",
            "rabbitmq_raft_term_total",
        ]
        .iter()
        .any(|m| {
            name.strip_prefix(m)
                .is_some_and(|r| r.starts_with(['{', ' ']))
        })
    }

    fn members_csv(&self, cluster: &Cluster) -> String {
        members_table(
            cluster,
            "name,node_name,ip,amqp_url,management_url",
            2,
            |m| {
                format!(
                    "amqp://{ip}:{AMQP_PORT},http://{ip}:{MANAGEMENT_PORT}",
                    ip = m.host.ip
                )
            },
        )
    }

    fn endpoint(&self, cluster: &Cluster, i: usize) -> String {
        format!("http://{}/api", management(cluster, i))
    }

    fn request(&self, cluster: &Cluster, i: usize, op: &str, key: &str, value: &str) -> Reply {
        let (path, body) = match op {
            "put" => (
                "/api/exchanges/%2F/amq.default/publish".to_owned(),
                serde_json::json!({
                    "properties": {"delivery_mode": 2, "message_id": key},
                    "routing_key": QUEUE,
                    "payload": value,
                    "payload_encoding": "string",
                }),
            ),
            _ => (
                format!("/api/queues/%2F/{QUEUE}/get"),
                serde_json::json!({"count": 1, "ackmode": "ack_requeue_false", "encoding": "auto"}),
            ),
        };
        let fail = |result, error| Reply {
            served_by: None,
            result,
            error,
        };
        match api(
            cluster,
            i,
            "POST",
            &path,
            &body.to_string(),
            Duration::from_secs(5),
        ) {
            Ok(a) if a.status == 200 => {
                let routed = serde_json::from_str::<serde_json::Value>(&a.body)
                    .ok()
                    .and_then(|v| v.get("routed").and_then(|r| r.as_bool()));
                if op == "put" && routed == Some(false) {
                    fail("error", "the publish was not routed to the queue".into())
                } else {
                    fail("ok", String::new())
                }
            }
            Ok(a) => fail(
                "error",
                format!("HTTP {}: {}", a.status, a.body.lines().next().unwrap_or("")),
            ),
            Err(e) if e == "timed out" => fail("timeout", e),
            Err(e) => fail("error", e),
        }
    }

    fn settings(&self) -> serde_json::Value {
        serde_json::json!({
            "net_ticktime_s": self.net_ticktime_s,
            "cluster_partition_handling": if self.pause_minority { "pause_minority" } else { "ignore" },
        })
    }

    fn config_files(&self) -> &'static [&'static str] {
        &["rabbitmq.conf", "advanced.config"]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::system::test_cluster;

    #[test]
    fn every_member_lists_the_others_and_ticks_as_set() {
        let r = RabbitMq {
            net_ticktime_s: 8,
            pause_minority: true,
        };
        let conf = r.conf(&test_cluster(3, None), 1);
        assert!(conf.contains("listeners.tcp.default = 10.77.0.12:5672"));
        assert!(conf.contains("cluster_partition_handling = pause_minority"));
        assert!(conf.contains("cluster_formation.classic_config.nodes.3 = rabbit@10.77.0.13"));
        assert!(r.advanced().contains("{net_ticktime, 8}"));
    }
}
