//! keepalived in the lab: on each member keepalived's VRRP process, advertising by unicast to the
//! other members, and a small HTTP service standing for what the virtual address fronts. The
//! first member starts with the highest priority; the master is whichever member holds the
//! virtual address (two during a split brain). keepalived logs to its console, which the lab
//! writes to the member's log file (`n1.keepalived.log`), in the layout `--log-file` gives.
//!
//! keepalived serves no metrics. The health check asks each member's status port, the workload
//! its service port, each by the member's own address: a probe of the virtual address would
//! reach whichever member the client's ARP cache names, which a row cannot attribute.

use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::error::LabError;
use crate::http;
use crate::netns;
use crate::sidecar::Sidecars;
use crate::stop;
use crate::system::{
    Cluster, HealthAnswer, LabSpec, LabSystem, Output, Process, Reply, members_table, v_number,
    version_of, write_file,
};

/// The service behind the virtual address.
const SERVICE_PORT: u16 = 8080;
/// The service's status page, which the health check asks.
const STATUS_PORT: u16 = 8081;
const VIRTUAL_ROUTER_ID: u8 = 51;
const INSTANCE: &str = "VI_1";
/// The virtual address: on the lab's bridge network, above every member and client.
const VIP: Ipv4Addr = Ipv4Addr::new(10, 77, 0, 250);
/// The wanted master's priority; the others get less, in member order.
const TOP_PRIORITY: u32 = 150;

pub(crate) struct Keepalived {
    advert_ms: u64,
    /// Where each member's configuration and pid file live (`data/<member>/`).
    dirs: Mutex<Vec<Option<PathBuf>>>,
    /// Each member's HTTP service, on a thread inside its namespace.
    responders: Sidecars,
}

impl Keepalived {
    pub(crate) fn new(spec: &LabSpec) -> Result<Keepalived, LabError> {
        Ok(Keepalived {
            advert_ms: spec.setting("advert_ms")?,
            dirs: Mutex::new(Vec::new()),
            responders: Sidecars::default(),
        })
    }

    /// Member `i`'s configuration with member `top` as the wanted master.
    fn conf(&self, cluster: &Cluster, i: usize, top: usize) -> String {
        let me = &cluster.members[i].host;
        let peers: String = cluster
            .members
            .iter()
            .enumerate()
            .filter(|&(j, _)| j != i)
            .map(|(_, m)| format!("    {}\n", m.host.ip))
            .collect();
        // The wanted master first, then the others in member order, ten apart.
        let rank = if i == top {
            0
        } else {
            1 + i - usize::from(i > top)
        };
        let priority = TOP_PRIORITY - 10 * rank as u32;
        let advert = self.advert_ms as f64 / 1000.0;
        format!(
            "global_defs {{\n  router_id {name}\n  enable_script_security\n}}\n\
             vrrp_instance {INSTANCE} {{\n  state BACKUP\n  interface eth0\n  \
             virtual_router_id {VIRTUAL_ROUTER_ID}\n  priority {priority}\n  advert_int {advert}\n  \
             unicast_src_ip {ip}\n  unicast_peer {{\n{peers}  }}\n  \
             virtual_ipaddress {{\n    {VIP}/24\n  }}\n}}\n",
            name = me.name,
            ip = me.ip,
        )
    }

    fn dir(&self, i: usize) -> Result<PathBuf, LabError> {
        self.dirs
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(i)
            .cloned()
            .flatten()
            .ok_or_else(|| LabError::Cluster(format!("member {} was not started", i + 1)))
    }
}

impl Drop for Keepalived {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Whether the virtual address is on member `name`'s interface.
fn holds_vip(name: &str) -> bool {
    Command::new("ip")
        .args([
            "-n",
            &netns::ns_of(name),
            "-4",
            "-o",
            "addr",
            "show",
            "dev",
            "eth0",
        ])
        .output()
        .is_ok_and(|o| {
            String::from_utf8_lossy(&o.stdout)
                .split_whitespace()
                .any(|w| w.split('/').next() == Some(&VIP.to_string()))
        })
}

fn at(cluster: &Cluster, i: usize, port: u16) -> SocketAddr {
    SocketAddr::V4(SocketAddrV4::new(cluster.members[i].host.ip, port))
}

impl LabSystem for Keepalived {
    fn version(&self) -> Result<String, LabError> {
        // keepalived prints its banner on standard error: `Keepalived v2.2.7 (01/16,2022)`.
        version_of(
            "keepalived",
            |t| v_number(t).map(|v| format!("keepalived {v}")),
            "version",
        )
    }

    fn start(
        &self,
        cluster: &Cluster,
        i: usize,
        _logs: &Path,
        data: &Path,
    ) -> Result<Vec<Process>, LabError> {
        let me = &cluster.members[i].host;
        let name = me.name.clone();
        let dir = data.join(&me.name);
        let conf = dir.join("keepalived.conf");
        write_file(&conf, &self.conf(cluster, i, 0))?;
        {
            let mut dirs = self.dirs.lock().unwrap_or_else(|p| p.into_inner());
            if dirs.len() <= i {
                dirs.resize(i + 1, None);
            }
            dirs[i] = Some(dir.clone());
        }
        self.responders.start(
            i,
            &me.name,
            &[SERVICE_PORT, STATUS_PORT],
            Arc::new(move |_| (200, format!("{name}\n"))),
        )?;
        let mut cmd = netns::exec(&me.name, "keepalived");
        // In the foreground, VRRP only, logging in detail to the console and not to syslog.
        cmd.args([
            "--dont-fork",
            "--log-console",
            "--log-detail",
            "--no-syslog",
            "--vrrp",
        ])
        .arg("--use-file")
        .arg(&conf)
        .arg("--pid")
        .arg(dir.join("keepalived.pid"))
        .arg("--vrrp_pid")
        .arg(dir.join("vrrp.pid"))
        .env("TZ", "UTC");
        Ok(vec![Process {
            label: "keepalived",
            cmd,
            output: Output::Log,
        }])
    }

    fn leaders(&self, cluster: &Cluster) -> Vec<usize> {
        (0..cluster.members.len())
            .filter(|&i| holds_vip(&cluster.members[i].host.name))
            .collect()
    }

    fn identify(&self, cluster: &mut Cluster) -> Result<(), LabError> {
        // keepalived knows its peers by address; the router id is the member's name.
        for m in &mut cluster.members {
            m.id = Some(m.host.name.clone());
        }
        Ok(())
    }

    fn move_leader(&self, cluster: &Cluster, _from: usize, to: usize) -> Result<(), LabError> {
        // Give `to` the highest priority everywhere and have every member reload: with
        // preemption on, the master steps down when it hears the higher priority.
        for i in 0..cluster.members.len() {
            let dir = self.dir(i)?;
            let conf = dir.join("keepalived.conf");
            write_file(&conf, &self.conf(cluster, i, to))?;
            let pid_file = dir.join("keepalived.pid");
            let pid: i32 = std::fs::read_to_string(&pid_file)
                .map_err(LabError::io(&pid_file))?
                .trim()
                .parse()
                .map_err(|_| LabError::Cluster(format!("{} holds no pid", pid_file.display())))?;
            // SAFETY: kill with a pid read from the pid file of a process this run started.
            if unsafe { libc::kill(pid, libc::SIGHUP) } != 0 {
                return Err(LabError::Command {
                    command: format!("kill -HUP {pid}"),
                    detail: std::io::Error::last_os_error().to_string(),
                });
            }
        }
        let limit = Duration::from_secs(20);
        let until = Instant::now() + limit;
        while Instant::now() < until {
            stop::check()?;
            if self.leaders(cluster) == [to] {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        Err(LabError::Cluster(format!(
            "{} did not become the only holder of {VIP} within {} s of the reload",
            cluster.members[to].host.name,
            limit.as_secs()
        )))
    }

    fn serves_metrics(&self) -> bool {
        false
    }

    fn scrape(&self, _cluster: &Cluster, _i: usize) -> Result<String, String> {
        Err("keepalived serves no metrics".into())
    }

    fn health(&self, cluster: &Cluster, i: usize) -> HealthAnswer {
        http::health(at(cluster, i, STATUS_PORT), "/status")
    }

    fn select_metrics(&self, _cluster: &Cluster, _page: &str) -> Vec<[String; 4]> {
        Vec::new()
    }

    fn keep_raw(&self, _line: &str) -> bool {
        false
    }

    fn members_csv(&self, cluster: &Cluster) -> String {
        members_table(
            cluster,
            "name,router_id,ip,virtual_ip,service_url",
            2,
            |m| format!("{VIP},http://{}:{SERVICE_PORT}", m.host.ip),
        )
    }

    fn endpoint(&self, cluster: &Cluster, i: usize) -> String {
        format!("http://{}", at(cluster, i, SERVICE_PORT))
    }

    fn request(&self, cluster: &Cluster, i: usize, op: &str, key: &str, _value: &str) -> Reply {
        let path = format!("/{op}{key}");
        match http::get(at(cluster, i, SERVICE_PORT), &path, Duration::from_secs(2)) {
            Ok(a) if a.status == 200 => Reply {
                served_by: None,
                result: "ok",
                error: String::new(),
            },
            Ok(a) => Reply {
                served_by: None,
                result: "error",
                error: format!("HTTP {}", a.status),
            },
            Err(e) => Reply {
                served_by: None,
                result: if e == "timed out" { "timeout" } else { "error" },
                error: e,
            },
        }
    }

    fn config_files(&self) -> &'static [&'static str] {
        &["keepalived.conf"]
    }

    fn settings(&self) -> serde_json::Value {
        serde_json::json!({
            "advert_ms": self.advert_ms,
            "virtual_router_id": VIRTUAL_ROUTER_ID,
            "virtual_ip": VIP.to_string(),
            "priorities": "150 for the wanted master, then 140, 130, … in member order",
            "preempt": true,
        })
    }

    fn stop(&self) {
        self.responders.stop_all();
    }

    fn crashed(&self, i: usize) {
        self.responders.stop_member(i);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::system::test_cluster;

    #[test]
    fn the_wanted_master_has_the_top_priority_and_each_member_lists_the_others() {
        let k = Keepalived {
            advert_ms: 1000,
            dirs: Mutex::new(Vec::new()),
            responders: Sidecars::default(),
        };
        let c = test_cluster(3, None);
        let priority = |i, top| {
            let conf = k.conf(&c, i, top);
            let line = conf
                .lines()
                .find(|l| l.trim().starts_with("priority"))
                .unwrap();
            line.split_whitespace()
                .nth(1)
                .unwrap()
                .parse::<u32>()
                .unwrap()
        };
        assert_eq!(
            [priority(0, 0), priority(1, 0), priority(2, 0)],
            [150, 140, 130]
        );
        assert_eq!(
            [priority(0, 2), priority(1, 2), priority(2, 2)],
            [140, 130, 150]
        );
        let conf = k.conf(&c, 1, 0);
        assert!(conf.contains("unicast_src_ip 10.77.0.12"));
        assert!(conf.contains("    10.77.0.11\n    10.77.0.13\n"));
        assert!(conf.contains("advert_int 1\n"));
    }
}
