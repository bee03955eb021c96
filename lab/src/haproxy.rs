//! HAProxy in the lab: the etcd cluster of [`crate::etcd`] behind an HAProxy on the client's
//! host, as an application runs a local load balancer in front of a cluster. HAProxy checks
//! each member's `/health` on the metrics port (`option httpchk`, `check port 2381`) every
//! `inter`, takes a member out after `fall` failed checks and back after `rise` passed ones, and
//! logs each change to its standard output (RFC 5424, the host named `client`). The workload
//! goes through it to etcd's JSON gateway on the client port: the loop for member `nK` asks for
//! server `nK` (`use-server`), which HAProxy honours while that server is up and otherwise
//! sends to another. A cut of the client port alone leaves the check green while the requests
//! die: the gray failure a load balancer's health check cannot see.

use std::net::{SocketAddr, SocketAddrV4};
use std::path::Path;
use std::time::Duration;

use base64::Engine as _;

use crate::error::LabError;
use crate::etcd::{CLIENT_PORT, Etcd, METRICS_PORT};
use crate::http;
use crate::netns;
use crate::system::{
    Cluster, HealthAnswer, LabSpec, LabSystem, Output, Process, Reply, version_of, write_file,
};

/// The header that asks HAProxy for one server, and the one it answers with the server used.
const ASK_SERVER: &str = "X-Rift-Server";
const SERVED_BY: &str = "X-Served-By";

/// The backend's name in `haproxy.cfg` and in HAProxy's log (`Server etcd/n1 is DOWN`).
const BACKEND: &str = "etcd";

/// The export's `incident.toml`: the members' logs state etcd's Raft settings, but the detector
/// under review is HAProxy's check, whose settings rift reads from `config/client.haproxy.cfg`.
const INCIDENT_TOML: &str = "\
# The failure detector under review: HAProxy's health checks of the etcd members. Its inter,
# fall and rise come from config/client.haproxy.cfg.
[detector]
name = \"lb-health\"
";

pub(crate) struct Haproxy {
    etcd: Etcd,
    inter_ms: u64,
    fall: u64,
    rise: u64,
}

impl Haproxy {
    pub(crate) fn new(spec: &LabSpec) -> Result<Haproxy, LabError> {
        Ok(Haproxy {
            etcd: Etcd::new(spec)?,
            inter_ms: spec.setting("inter_ms")?,
            fall: spec.setting("fall")?,
            rise: spec.setting("rise")?,
        })
    }

    /// The frontend: the client's own address, on etcd's client port.
    fn frontend(cluster: &Cluster) -> SocketAddr {
        SocketAddr::V4(SocketAddrV4::new(cluster.client.ip, CLIENT_PORT))
    }

    /// `haproxy.cfg`: logs to standard output, the backend of every member checked on its
    /// `/health`, the server a request asks for used while it is up.
    fn config(&self, cluster: &Cluster) -> String {
        let mut text = format!(
            "# HAProxy in front of the lab's etcd members, on the client's host.\n\
             global\n    \
                 log stdout format rfc5424 local0 info\n    \
                 log-send-hostname {client}\n\
             \n\
             defaults\n    \
                 mode http\n    \
                 log global\n    \
                 timeout connect 1s\n    \
                 timeout client 10s\n    \
                 timeout server 2s\n\
             \n\
             frontend etcd-client\n    \
                 bind {front}\n    \
                 no log\n    \
                 default_backend {BACKEND}\n\
             \n\
             backend {BACKEND}\n    \
                 option httpchk GET /health\n    \
                 http-after-response set-header {SERVED_BY} %[srv_name]\n    \
                 default-server check port {METRICS_PORT} inter {inter} fall {fall} rise {rise}\n",
            client = cluster.client.name,
            front = Self::frontend(cluster),
            inter = self.inter_ms,
            fall = self.fall,
            rise = self.rise,
        );
        for m in &cluster.members {
            text.push_str(&format!(
                "    use-server {name} if {{ req.hdr({ASK_SERVER}) -m str {name} }}\n",
                name = m.host.name
            ));
        }
        for m in &cluster.members {
            text.push_str(&format!(
                "    server {} {}:{CLIENT_PORT}\n",
                m.host.name, m.host.ip
            ));
        }
        text
    }
}

impl LabSystem for Haproxy {
    fn version(&self) -> Result<String, LabError> {
        let haproxy = version_of(
            "haproxy",
            |t| {
                t.lines()
                    .find_map(|l| l.strip_prefix("HAProxy version "))
                    .and_then(|v| v.split_whitespace().next())
                    .map(str::to_owned)
            },
            "`HAProxy version` line",
        )?;
        Ok(format!(
            "{haproxy} in front of etcd {}",
            self.etcd.version()?
        ))
    }

    fn start(
        &self,
        cluster: &Cluster,
        i: usize,
        logs: &Path,
        data: &Path,
    ) -> Result<Vec<Process>, LabError> {
        self.etcd.start(cluster, i, logs, data)
    }

    fn client_processes(&self, cluster: &Cluster, data: &Path) -> Result<Vec<Process>, LabError> {
        let cfg = data.join("haproxy.cfg");
        write_file(&cfg, &self.config(cluster))?;
        let mut cmd = netns::exec(&cluster.client.name, "haproxy");
        cmd.arg("-f").arg(&cfg).arg("-db").env("TZ", "UTC");
        Ok(vec![Process {
            label: "haproxy",
            cmd,
            output: Output::LogAndErrors,
        }])
    }

    fn client_ready(&self, cluster: &Cluster) -> bool {
        http::connect(Self::frontend(cluster), Duration::from_millis(500)).is_ok()
    }

    fn leaders(&self, cluster: &Cluster) -> Vec<usize> {
        self.etcd.leaders(cluster)
    }

    fn identify(&self, cluster: &mut Cluster) -> Result<(), LabError> {
        self.etcd.identify(cluster)
    }

    fn move_leader(&self, cluster: &Cluster, from: usize, to: usize) -> Result<(), LabError> {
        self.etcd.move_leader(cluster, from, to)
    }

    fn scrape(&self, cluster: &Cluster, i: usize) -> Result<String, String> {
        self.etcd.scrape(cluster, i)
    }

    fn health(&self, cluster: &Cluster, i: usize) -> HealthAnswer {
        self.etcd.health(cluster, i)
    }

    fn select_metrics(&self, cluster: &Cluster, page: &str) -> Vec<[String; 4]> {
        self.etcd.select_metrics(cluster, page)
    }

    fn keep_raw(&self, line: &str) -> bool {
        self.etcd.keep_raw(line)
    }

    fn members_csv(&self, cluster: &Cluster) -> String {
        self.etcd.members_csv(cluster)
    }

    fn endpoint(&self, cluster: &Cluster, i: usize) -> String {
        format!(
            "http://{} {BACKEND}/{}",
            Self::frontend(cluster),
            cluster.members[i].host.name
        )
    }

    fn request(&self, cluster: &Cluster, i: usize, op: &str, key: &str, value: &str) -> Reply {
        let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
        let (path, body) = match op {
            "put" => (
                "/v3/kv/put",
                format!(r#"{{"key":"{}","value":"{}"}}"#, b64(key), b64(value)),
            ),
            _ => ("/v3/kv/range", format!(r#"{{"key":"{}"}}"#, b64(key))),
        };
        let name = cluster.members[i].host.name.as_str();
        let answer = http::request(
            Self::frontend(cluster),
            "POST",
            path,
            &[(ASK_SERVER, name), ("Content-Type", "application/json")],
            &body,
            Duration::from_secs(6),
        );
        let (served_by, result, error) = match answer {
            Ok(a) => {
                let served_by = a
                    .header(SERVED_BY)
                    .and_then(|s| cluster.members.iter().position(|m| m.host.name == s))
                    .filter(|&j| j != i);
                let first_line = a.body.lines().next().unwrap_or("").trim();
                match a.status {
                    200 => (served_by, "ok", String::new()),
                    504 => (
                        served_by,
                        "timeout",
                        format!("HTTP 504 from the load balancer: {first_line}"),
                    ),
                    s => (
                        served_by,
                        "error",
                        format!("HTTP {s} from the load balancer: {first_line}"),
                    ),
                }
            }
            Err(e) if e == "timed out" => (None, "timeout", e),
            Err(e) => (None, "error", e),
        };
        Reply {
            served_by,
            result,
            error,
        }
    }

    fn settings(&self) -> serde_json::Value {
        let mut s = self.etcd.settings();
        s["haproxy_inter_ms"] = self.inter_ms.into();
        s["haproxy_fall"] = self.fall.into();
        s["haproxy_rise"] = self.rise.into();
        s
    }

    fn config_files(&self) -> &'static [&'static str] {
        &["haproxy.cfg"]
    }

    fn incident_toml(&self) -> Option<String> {
        Some(INCIDENT_TOML.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::system::test_cluster;

    #[test]
    fn the_configuration_checks_health_on_the_metrics_port_and_serves_the_client_port() {
        let spec = LabSpec::of("haproxy").unwrap();
        let h = Haproxy::new(&spec).unwrap();
        let cfg = h.config(&test_cluster(3, None));
        assert!(cfg.contains("bind 10.77.0.100:2379"));
        assert!(cfg.contains("option httpchk GET /health"));
        assert!(cfg.contains("default-server check port 2381 inter 1000 fall 3 rise 2"));
        assert!(cfg.contains("server n3 10.77.0.13:2379"));
        assert!(cfg.contains("use-server n2 if { req.hdr(X-Rift-Server) -m str n2 }"));
        assert!(cfg.contains("log-send-hostname client"));
    }
}
