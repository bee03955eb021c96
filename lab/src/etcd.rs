//! etcd in the lab: `etcd` members with zap logs to a file, `etcdctl` as the client, the leader
//! from `etcd_server_is_leader` on each member's metrics listener.

use std::net::{SocketAddr, SocketAddrV4};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::error::LabError;
use crate::http;
use crate::netns;
use crate::system::{
    Cluster, HealthAnswer, LabSpec, LabSystem, Output, Process, Reply, members_table, prom_sample,
    version_of,
};

pub(crate) const CLIENT_PORT: u16 = 2379;
const PEER_PORT: u16 = 2380;
pub(crate) const METRICS_PORT: u16 = 2381;

/// Server metrics kept in `metrics.csv` besides every `etcd_network_*` series.
const SERVER_METRICS: &[&str] = &[
    "etcd_server_has_leader",
    "etcd_server_health_failures",
    "etcd_server_health_success",
    "etcd_server_heartbeat_send_failures_total",
    "etcd_server_is_leader",
    "etcd_server_leader_changes_seen_total",
    "etcd_server_proposals_applied_total",
    "etcd_server_proposals_committed_total",
    "etcd_server_proposals_failed_total",
    "etcd_server_proposals_pending",
    "etcd_server_read_indexes_failed_total",
    "etcd_server_slow_read_indexes_total",
];

pub(crate) struct Etcd {
    heartbeat_ms: u64,
    election_ms: u64,
    pre_vote: bool,
}

impl Etcd {
    pub(crate) fn new(spec: &LabSpec) -> Result<Etcd, LabError> {
        Ok(Etcd {
            heartbeat_ms: spec.setting("heartbeat_ms")?,
            election_ms: spec.setting("election_ms")?,
            pre_vote: spec.settings.get("pre_vote").copied().unwrap_or(0) != 0,
        })
    }
}

fn url(ip: impl std::fmt::Display, port: u16) -> String {
    format!("http://{ip}:{port}")
}

impl LabSystem for Etcd {
    fn version(&self) -> Result<String, LabError> {
        version_of(
            "etcd",
            |t| {
                t.lines()
                    .find_map(|l| l.strip_prefix("etcd Version: "))
                    .map(|v| v.trim().to_owned())
            },
            "`etcd Version:` line",
        )
    }

    fn start(
        &self,
        cluster: &Cluster,
        i: usize,
        logs: &Path,
        _data: &Path,
    ) -> Result<Vec<Process>, LabError> {
        let me = &cluster.members[i].host;
        let log = logs.join(format!("{}.log", me.name));
        let initial: Vec<String> = cluster
            .members
            .iter()
            .map(|m| format!("{}={}", m.host.name, url(m.host.ip, PEER_PORT)))
            .collect();
        let mut cmd = netns::exec(&me.name, "etcd");
        cmd.args(["--name", &me.name])
            .args(["--data-dir", &format!("data/{}", me.name)])
            .args(["--listen-peer-urls", &url(me.ip, PEER_PORT)])
            .args(["--initial-advertise-peer-urls", &url(me.ip, PEER_PORT)])
            .args(["--listen-client-urls", &url(me.ip, CLIENT_PORT)])
            .args(["--advertise-client-urls", &url(me.ip, CLIENT_PORT)])
            .args(["--listen-metrics-urls", &url(me.ip, METRICS_PORT)])
            .args(["--initial-cluster", &initial.join(",")])
            .args(["--initial-cluster-state", "new"])
            .args(["--initial-cluster-token", &cluster.token])
            .args(["--heartbeat-interval", &self.heartbeat_ms.to_string()])
            .args(["--election-timeout", &self.election_ms.to_string()])
            .arg("--logger=zap")
            .arg(format!("--log-outputs={}", log.display()))
            .env("TZ", "UTC");
        if self.pre_vote {
            cmd.arg("--pre-vote");
        }
        Ok(vec![Process {
            label: "etcd",
            cmd,
            output: Output::Errors,
        }])
    }

    fn leaders(&self, cluster: &Cluster) -> Vec<usize> {
        let mut out = Vec::new();
        for i in 0..cluster.members.len() {
            let Ok(a) = http::get(metrics_addr(cluster, i), "/metrics", Duration::from_secs(1))
            else {
                continue;
            };
            let leads = a
                .body
                .lines()
                .find_map(|l| l.strip_prefix("etcd_server_is_leader "))
                .and_then(|v| v.trim().parse::<f64>().ok())
                == Some(1.0);
            if leads {
                out.push(i);
            }
        }
        out
    }

    fn identify(&self, cluster: &mut Cluster) -> Result<(), LabError> {
        let ep = self.endpoint(cluster, 0);
        let out = etcdctl(&ep, &["member", "list"], Duration::from_secs(10))?;
        // id, status, name, peer URLs, client URLs, is learner
        for line in out.lines() {
            let parts: Vec<&str> = line.split(',').map(str::trim).collect();
            if parts.len() < 3 {
                continue;
            }
            if let Some(m) = cluster.members.iter_mut().find(|m| m.host.name == parts[2]) {
                m.id = Some(parts[0].to_owned());
            }
        }
        match cluster.members.iter().find(|m| m.id.is_none()) {
            Some(m) => Err(LabError::Cluster(format!(
                "etcdctl member list does not name {}: {out}",
                m.host.name
            ))),
            None => Ok(()),
        }
    }

    fn move_leader(&self, cluster: &Cluster, from: usize, to: usize) -> Result<(), LabError> {
        let id = cluster.members[to].id.clone().unwrap_or_default();
        etcdctl(
            &self.endpoint(cluster, from),
            &["move-leader", &id],
            Duration::from_secs(10),
        )
        .map(|_| ())
    }

    fn scrape(&self, cluster: &Cluster, i: usize) -> Result<String, String> {
        match http::get(
            metrics_addr(cluster, i),
            "/metrics",
            Duration::from_millis(900),
        ) {
            Ok(a) if a.status == 200 => Ok(a.body),
            Ok(a) => Err(format!("HTTP {}", a.status)),
            Err(e) => Err(e),
        }
    }

    fn health(&self, cluster: &Cluster, i: usize) -> HealthAnswer {
        http::health(metrics_addr(cluster, i), "/health")
    }

    fn select_metrics(&self, cluster: &Cluster, page: &str) -> Vec<[String; 4]> {
        let mut rows = Vec::new();
        for line in page.lines() {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((name, labels, value)) = prom_sample(line) else {
                continue;
            };
            let keep = name.starts_with("etcd_network_")
                || SERVER_METRICS.contains(&name)
                || (name == "grpc_server_handled_total"
                    && labels.contains("grpc_service=\"etcdserverpb.KV\"")
                    && value.parse::<f64>().is_ok_and(|v| v != 0.0));
            if !keep {
                continue;
            }
            let peer = peer_label(labels)
                .map(|id| {
                    cluster
                        .members
                        .iter()
                        .find(|m| m.id.as_deref() == Some(id))
                        .map_or(id, |m| m.host.name.as_str())
                })
                .unwrap_or("");
            rows.push([
                name.to_owned(),
                labels.to_owned(),
                peer.to_owned(),
                value.to_owned(),
            ]);
        }
        rows
    }

    fn keep_raw(&self, line: &str) -> bool {
        if let Some(rest) = line.strip_prefix('#') {
            let mut words = rest.split_whitespace();
            return matches!(words.next(), Some("HELP" | "TYPE"))
                && words.next().is_some_and(|f| f.starts_with("etcd_"));
        }
        line.starts_with("etcd_")
    }

    fn members_csv(&self, cluster: &Cluster) -> String {
        members_table(
            cluster,
            "name,member_id,ip,peer_url,client_url,metrics_url",
            3,
            |m| {
                let ip = m.host.ip;
                format!(
                    "{},{},{}",
                    url(ip, PEER_PORT),
                    url(ip, CLIENT_PORT),
                    url(ip, METRICS_PORT)
                )
            },
        )
    }

    fn endpoint(&self, cluster: &Cluster, i: usize) -> String {
        url(cluster.members[i].host.ip, CLIENT_PORT)
    }

    fn request(&self, cluster: &Cluster, i: usize, op: &str, key: &str, value: &str) -> Reply {
        let ep = self.endpoint(cluster, i);
        let args: Vec<&str> = match op {
            "put" => vec!["put", key, value],
            _ => vec!["get", key],
        };
        match etcdctl_timed(&ep, &args, Duration::from_secs(2), Duration::from_secs(10)) {
            Ok(_) => Reply {
                served_by: None,
                result: "ok",
                error: String::new(),
            },
            Err(msg) => Reply {
                served_by: None,
                result: if msg.contains("deadline exceeded") {
                    "timeout"
                } else {
                    "error"
                },
                error: msg,
            },
        }
    }

    fn settings(&self) -> serde_json::Value {
        serde_json::json!({
            "heartbeat_ms": self.heartbeat_ms,
            "election_timeout_ms": self.election_ms,
            "pre_vote": self.pre_vote,
        })
    }
}

/// Where member `i` serves its metrics and `/health`.
fn metrics_addr(cluster: &Cluster, i: usize) -> SocketAddr {
    SocketAddr::V4(SocketAddrV4::new(cluster.members[i].host.ip, METRICS_PORT))
}

/// The last `To`, `From` or `Remote` label's value: the peer a series is about.
fn peer_label(labels: &str) -> Option<&str> {
    let mut found = None;
    for key in ["To=\"", "From=\"", "Remote=\""] {
        let mut at = 0;
        while let Some(p) = labels[at..].find(key) {
            let start = at + p;
            let boundary = start == 0 || labels.as_bytes()[start - 1] == b',';
            let v = start + key.len();
            let end = labels[v..].find('"').map_or(labels.len(), |e| v + e);
            if boundary && found.is_none_or(|(s, _)| s < start) {
                found = Some((start, &labels[v..end]));
            }
            at = end;
        }
    }
    found.map(|(_, v)| v)
}

/// `etcdctl --endpoints=EP ARGS…` with 2 s dial and 5 s command timeouts; its stdout.
fn etcdctl(ep: &str, args: &[&str], limit: Duration) -> Result<String, LabError> {
    etcdctl_timed(ep, args, Duration::from_secs(5), limit).map_err(|detail| LabError::Command {
        command: format!("etcdctl --endpoints={ep} {}", args.join(" ")),
        detail,
    })
}

/// Runs etcdctl, killed after `limit`; `Err` is its last `Error:` line (or last line).
fn etcdctl_timed(
    ep: &str,
    args: &[&str],
    command_timeout: Duration,
    limit: Duration,
) -> Result<String, String> {
    let mut child = Command::new("etcdctl")
        .arg(format!("--endpoints={ep}"))
        .arg("--dial-timeout=2s")
        .arg(format!("--command-timeout={}s", command_timeout.as_secs()))
        .args(args)
        .env("ETCDCTL_API", "3")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run etcdctl: {e}"))?;
    let until = Instant::now() + limit;
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if Instant::now() < until => std::thread::sleep(Duration::from_millis(10)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return Err("Error: context deadline exceeded".to_owned());
            }
        }
    }
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    if out.status.success() {
        return Ok(String::from_utf8_lossy(&out.stdout).into_owned());
    }
    let err = String::from_utf8_lossy(&out.stderr);
    let msg = err
        .lines()
        .rfind(|l| l.starts_with("Error:"))
        .or_else(|| err.lines().rfind(|l| !l.trim().is_empty()))
        .map(|l| l.trim().to_owned())
        .unwrap_or_else(|| format!("exit status {}", out.status));
    Err(msg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sample_line_splits_into_name_labels_and_value() {
        assert_eq!(
            prom_sample("etcd_network_peer_sent_bytes_total{To=\"8e9e05c52164694d\"} 1234"),
            Some((
                "etcd_network_peer_sent_bytes_total",
                "To=\"8e9e05c52164694d\"",
                "1234"
            ))
        );
        assert_eq!(
            prom_sample("etcd_server_is_leader 1"),
            Some(("etcd_server_is_leader", "", "1"))
        );
    }

    #[test]
    fn the_peer_is_the_last_peer_label() {
        assert_eq!(peer_label("Local=\"a\",Remote=\"b\""), Some("b"));
        assert_eq!(peer_label("To=\"x\""), Some("x"));
        assert_eq!(peer_label("MyTo=\"x\""), None);
    }
}
