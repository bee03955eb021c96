//! Redis Sentinel in the lab: on each member a `redis-server` (the first one starts as the
//! master, the others as its replicas) and a `redis-sentinel` watching the master, each logging
//! to a file of its own (`n1.redis.log`, `n1.sentinel.log`: one node, two processes). The
//! master is whichever server answers `ROLE` with `master`; the workload asks the member's
//! sentinel for the master and writes there, as a Sentinel-aware client does, and reads from
//! the member itself.

use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};
use std::path::Path;
use std::time::{Duration, Instant};

use crate::error::LabError;
use crate::netns;
use crate::resp::{self, Value};
use crate::system::{
    Cluster, HealthAnswer, LabSpec, LabSystem, Output, Process, Reply, members_table, version_of,
    write_file,
};

const REDIS_PORT: u16 = 6379;
const SENTINEL_PORT: u16 = 26379;
/// The name the sentinels monitor the master by.
const MASTER_NAME: &str = "mymaster";

pub(crate) struct Redis {
    down_after_ms: u64,
    /// repl-timeout (Redis takes whole seconds); the master pings its replicas every second, so
    /// a healthy but idle link never reaches it.
    repl_timeout_ms: u64,
    failover_timeout_ms: u64,
    quorum: u64,
}

impl Redis {
    pub(crate) fn new(spec: &LabSpec) -> Result<Redis, LabError> {
        Ok(Redis {
            down_after_ms: spec.setting("down_after_ms")?,
            repl_timeout_ms: spec.setting("repl_timeout_ms")?,
            failover_timeout_ms: spec.setting("failover_timeout_ms")?,
            quorum: spec.setting("quorum")?,
        })
    }
}

fn addr(ip: Ipv4Addr, port: u16) -> SocketAddr {
    SocketAddr::V4(SocketAddrV4::new(ip, port))
}

fn server(cluster: &Cluster, i: usize) -> SocketAddr {
    addr(cluster.members[i].host.ip, REDIS_PORT)
}

fn sentinel(cluster: &Cluster, i: usize) -> SocketAddr {
    addr(cluster.members[i].host.ip, SENTINEL_PORT)
}

/// A sentinel's run id (40 hex digits), fixed by the member's name so that a recording's ids
/// follow from its scenario.
fn sentinel_id(name: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut out = String::new();
    for round in 0..3u8 {
        for b in name.bytes().chain([round]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        out.push_str(&format!("{h:016x}"));
    }
    out.truncate(40);
    out
}

/// `ROLE`'s first element, or why there was none.
fn role(at: SocketAddr, timeout: Duration) -> Result<String, String> {
    match resp::call(at, &["ROLE"], timeout)? {
        Value::Array(Some(v)) => v
            .first()
            .and_then(Value::text)
            .map(str::to_owned)
            .ok_or_else(|| "an empty ROLE reply".into()),
        other => Err(format!("{other:?}")),
    }
}

/// Whether member `i`'s sentinel sees member `i` as a replica in sync with priority 1.
fn sentinel_sees_best(cluster: &Cluster, i: usize) -> bool {
    let Ok(Value::Array(Some(replicas))) = resp::call(
        sentinel(cluster, i),
        &["SENTINEL", "REPLICAS", MASTER_NAME],
        Duration::from_secs(1),
    ) else {
        return false;
    };
    let ip = cluster.members[i].host.ip.to_string();
    replicas.iter().any(|r| {
        let Value::Array(Some(kv)) = r else {
            return false;
        };
        let field = |k: &str| {
            kv.chunks(2)
                .find(|p| p[0].text() == Some(k))
                .and_then(|p| p.get(1)?.text())
        };
        field("ip") == Some(ip.as_str())
            && field("slave-priority") == Some("1")
            && field("master-link-status") == Some("ok")
    })
}

/// Runs a command that must succeed; the error names it.
fn must(at: SocketAddr, args: &[&str]) -> Result<Value, LabError> {
    let command = || format!("redis {at} {}", args.join(" "));
    match resp::call(at, args, Duration::from_secs(2)) {
        Ok(Value::Error(e)) => Err(LabError::Command {
            command: command(),
            detail: e,
        }),
        Ok(v) => Ok(v),
        Err(e) => Err(LabError::Command {
            command: command(),
            detail: e,
        }),
    }
}

/// Field `f` of an `INFO` value made of `key=value` pairs (`ip=10.77.0.12,port=6379,…`).
fn info_field<'a>(value: &'a str, f: &str) -> &'a str {
    value
        .split(',')
        .find_map(|kv| kv.strip_prefix(f)?.strip_prefix('='))
        .unwrap_or("")
}

impl LabSystem for Redis {
    fn version(&self) -> Result<String, LabError> {
        version_of(
            "redis-server",
            |t| {
                t.split_whitespace()
                    .find_map(|w| w.strip_prefix("v="))
                    .map(|v| format!("Redis {v}"))
            },
            "`v=`",
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
        let master = cluster.members[0].host.ip;
        let mut redis = format!(
            "bind {ip}\nport {REDIS_PORT}\nprotected-mode no\ndaemonize no\n\
             logfile {log}\ndir {dir}\nsave \"\"\nappendonly no\n\
             repl-timeout {timeout}\nrepl-ping-replica-period 1\n",
            ip = me.ip,
            log = logs.join(format!("{}.redis.log", me.name)).display(),
            dir = dir.display(),
            timeout = self.repl_timeout_ms.div_ceil(1000),
        );
        if i > 0 {
            redis.push_str(&format!("replicaof {master} {REDIS_PORT}\n"));
        }
        let sentinel = format!(
            "bind {ip}\nport {SENTINEL_PORT}\nprotected-mode no\ndaemonize no\n\
             logfile {log}\ndir {dir}\nsentinel myid {id}\n\
             sentinel monitor {MASTER_NAME} {master} {REDIS_PORT} {quorum}\n\
             sentinel down-after-milliseconds {MASTER_NAME} {down}\n\
             sentinel failover-timeout {MASTER_NAME} {failover}\n\
             sentinel parallel-syncs {MASTER_NAME} 1\n",
            ip = me.ip,
            log = logs.join(format!("{}.sentinel.log", me.name)).display(),
            dir = dir.display(),
            id = sentinel_id(&me.name),
            quorum = self.quorum,
            down = self.down_after_ms,
            failover = self.failover_timeout_ms,
        );
        let mut out = Vec::new();
        for (label, program, text) in [
            ("redis", "redis-server", redis),
            ("sentinel", "redis-sentinel", sentinel),
        ] {
            let conf = dir.join(format!("{label}.conf"));
            write_file(&conf, &text)?;
            let mut cmd = netns::exec(&me.name, program);
            cmd.arg(&conf).env("TZ", "UTC");
            out.push(Process {
                label,
                cmd,
                output: Output::Errors,
            });
        }
        Ok(out)
    }

    fn leaders(&self, cluster: &Cluster) -> Vec<usize> {
        (0..cluster.members.len())
            .filter(|&i| {
                role(server(cluster, i), Duration::from_millis(500)).is_ok_and(|r| r == "master")
            })
            .collect()
    }

    fn identify(&self, cluster: &mut Cluster) -> Result<(), LabError> {
        for m in &mut cluster.members {
            m.id = Some(sentinel_id(&m.host.name));
        }
        // Each sentinel learns the others from their hello messages, every 2 s on the master.
        let want = cluster.members.len() as i64 - 1;
        let until = Instant::now() + Duration::from_secs(20);
        loop {
            let known: Vec<i64> = (0..cluster.members.len())
                .map(|i| {
                    match resp::call(
                        sentinel(cluster, i),
                        &["SENTINEL", "SENTINELS", MASTER_NAME],
                        Duration::from_secs(1),
                    ) {
                        Ok(Value::Array(Some(v))) => v.len() as i64,
                        _ => -1,
                    }
                })
                .collect();
            if known.iter().all(|&k| k >= want) {
                return Ok(());
            }
            if Instant::now() >= until {
                return Err(LabError::Cluster(format!(
                    "the sentinels did not all find each other within 20 s (each knows {known:?} others)"
                )));
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    fn move_leader(&self, cluster: &Cluster, _from: usize, to: usize) -> Result<(), LabError> {
        // Sentinel promotes the replica with the lowest priority number and cannot be told
        // which, so the wanted one is made the best for the time of the move. Sentinel reads
        // the priorities from the replicas' INFO, every 10 s: the failover is asked for once
        // the wanted one's sentinel has seen its priority, and again if another won.
        let limit = Duration::from_secs(40);
        let until = Instant::now() + limit;
        let mut last = String::new();
        let mut asked: Option<Instant> = None;
        while Instant::now() < until {
            // Done when the wanted one is the only master: the old one is turned into a replica
            // by the sentinels a little after the promotion.
            let masters = self.leaders(cluster);
            if masters == [to] {
                must(
                    server(cluster, to),
                    &["CONFIG", "SET", "replica-priority", "100"],
                )?;
                return Ok(());
            }
            if masters.contains(&to) {
                std::thread::sleep(Duration::from_millis(300));
                continue;
            }
            for i in 0..cluster.members.len() {
                let p = if i == to { "1" } else { "100" };
                // A member that is the master now refuses nothing; one that cannot be reached
                // is tried again on the next round.
                let _ = resp::call(
                    server(cluster, i),
                    &["CONFIG", "SET", "replica-priority", p],
                    Duration::from_secs(1),
                );
            }
            let due = asked.is_none_or(|t| t.elapsed() > Duration::from_secs(12));
            if due && sentinel_sees_best(cluster, to) {
                match resp::call(
                    sentinel(cluster, to),
                    &["SENTINEL", "FAILOVER", MASTER_NAME],
                    Duration::from_secs(2),
                ) {
                    Ok(Value::Simple(_)) => asked = Some(Instant::now()),
                    // INPROG while another failover runs, NOGOODSLAVE before the replicas sync.
                    Ok(other) => last = format!("{other:?}"),
                    Err(e) => last = e,
                }
            }
            std::thread::sleep(Duration::from_millis(300));
        }
        Err(LabError::Command {
            command: format!("SENTINEL FAILOVER {MASTER_NAME}"),
            detail: format!(
                "{} did not become the master within {} s{}",
                cluster.members[to].host.name,
                limit.as_secs(),
                if last.is_empty() {
                    String::new()
                } else {
                    format!(" (last answer: {last})")
                }
            ),
        })
    }

    fn scrape(&self, cluster: &Cluster, i: usize) -> Result<String, String> {
        let timeout = Duration::from_millis(450);
        let text = |v: Value| match v {
            Value::Bulk(Some(s)) => Ok(s),
            other => Err(format!("{other:?}")),
        };
        let repl = text(resp::call(
            server(cluster, i),
            &["INFO", "replication"],
            timeout,
        )?)?;
        let sent = resp::call(sentinel(cluster, i), &["INFO", "sentinel"], timeout)
            .and_then(text)
            .unwrap_or_else(|e| format!("# Sentinel\r\nerror:{e}\r\n"));
        Ok(format!("{repl}{sent}").replace('\r', ""))
    }

    fn health(&self, cluster: &Cluster, i: usize) -> HealthAnswer {
        let at = server(cluster, i);
        let url = format!("redis://{at} PING");
        let (status, body, answered) = match resp::call(at, &["PING"], Duration::from_secs(2)) {
            Ok(Value::Simple(s)) if s == "PONG" => ("ok", s, true),
            Ok(Value::Error(e)) => ("error", e, true),
            Ok(other) => ("error", format!("{other:?}"), true),
            Err(e) if e == "timed out" => ("timeout", e, false),
            Err(e) => ("error", e, false),
        };
        HealthAnswer {
            url,
            status: status.into(),
            body,
            answered,
        }
    }

    fn health_column(&self) -> &'static str {
        "result"
    }

    fn select_metrics(&self, cluster: &Cluster, page: &str) -> Vec<[String; 4]> {
        let name_of = |ip: &str| {
            cluster
                .members
                .iter()
                .find(|m| m.host.ip.to_string() == ip)
                .map_or_else(String::new, |m| m.host.name.clone())
        };
        let mut rows = Vec::new();
        // The master a replica's lines are about (`master_host` comes first in INFO).
        let mut master = String::new();
        let mut row = |metric: &str, labels: String, peer: String, value: String| {
            rows.push([metric.to_owned(), labels, peer, value]);
        };
        for line in page.lines() {
            let Some((key, value)) = line.split_once(':') else {
                continue;
            };
            if key == "master_host" {
                master = value.to_owned();
            }
            match key {
                "role" => row(
                    "redis_instance_info",
                    format!("role=\"{value}\""),
                    String::new(),
                    "1".into(),
                ),
                "connected_slaves" => row(
                    "redis_connected_slaves",
                    String::new(),
                    String::new(),
                    value.into(),
                ),
                "master_host" => row(
                    "redis_master_host",
                    format!("master_host=\"{value}\""),
                    name_of(value),
                    "1".into(),
                ),
                // As redis_exporter labels them: the master they are about.
                "master_link_status" => row(
                    "redis_master_link_up",
                    format!("master_host=\"{master}\",master_port=\"{REDIS_PORT}\""),
                    name_of(&master),
                    u8::from(value == "up").to_string(),
                ),
                "master_last_io_seconds_ago" => row(
                    "redis_master_last_io_seconds_ago",
                    format!("master_host=\"{master}\",master_port=\"{REDIS_PORT}\""),
                    name_of(&master),
                    value.into(),
                ),
                "master_repl_offset" => row(
                    "redis_master_repl_offset",
                    String::new(),
                    String::new(),
                    value.into(),
                ),
                k if k.starts_with("slave") && k[5..].parse::<u32>().is_ok() => {
                    // slave0:ip=10.77.0.12,port=6379,state=online,offset=1234,lag=0
                    let field = |f: &str| info_field(value, f);
                    let ip = field("ip");
                    let labels = format!("slave_ip=\"{ip}\",slave_state=\"{}\"", field("state"));
                    row(
                        "redis_connected_slave_offset_bytes",
                        labels.clone(),
                        name_of(ip),
                        field("offset").into(),
                    );
                    row(
                        "redis_connected_slave_lag_seconds",
                        labels,
                        name_of(ip),
                        field("lag").into(),
                    );
                }
                k if k.starts_with("master") && k[6..].parse::<u32>().is_ok() => {
                    // master0:name=mymaster,status=ok,address=10.77.0.11:6379,slaves=2,sentinels=3
                    let field = |f: &str| info_field(value, f);
                    let address = field("address");
                    let ip = address.rsplit_once(':').map_or(address, |(h, _)| h);
                    row(
                        "redis_sentinel_master_status",
                        format!(
                            "master_address=\"{address}\",master_name=\"{}\",master_status=\"{}\"",
                            field("name"),
                            field("status")
                        ),
                        name_of(ip),
                        u8::from(field("status") == "ok").to_string(),
                    );
                    for (metric, f) in [
                        ("redis_sentinel_master_slaves", "slaves"),
                        ("redis_sentinel_master_sentinels", "sentinels"),
                    ] {
                        row(
                            metric,
                            format!("master_name=\"{}\"", field("name")),
                            String::new(),
                            field(f).into(),
                        );
                    }
                }
                _ => {}
            }
        }
        rows
    }

    fn keep_raw(&self, line: &str) -> bool {
        !line.trim().is_empty()
    }

    fn members_csv(&self, cluster: &Cluster) -> String {
        members_table(
            cluster,
            "name,member_id,ip,redis_url,sentinel_url",
            2,
            |m| {
                let ip = m.host.ip;
                format!("redis://{ip}:{REDIS_PORT},redis://{ip}:{SENTINEL_PORT}")
            },
        )
    }

    fn endpoint(&self, cluster: &Cluster, i: usize) -> String {
        format!("redis://{}", server(cluster, i))
    }

    fn request(&self, cluster: &Cluster, i: usize, op: &str, key: &str, value: &str) -> Reply {
        let failed = |served_by, e: String| Reply {
            served_by,
            result: if e.contains("timed out") {
                "timeout"
            } else {
                "error"
            },
            error: e,
        };
        let (target, args): (usize, Vec<&str>) = if op == "put" {
            // Where this member's sentinel says the master is.
            let asked = resp::call(
                sentinel(cluster, i),
                &["SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME],
                Duration::from_secs(1),
            );
            let ip = match &asked {
                Ok(Value::Array(Some(v))) => v.first().and_then(Value::text).map(str::to_owned),
                _ => None,
            };
            let Some(m) = ip.and_then(|ip| {
                cluster
                    .members
                    .iter()
                    .position(|m| m.host.ip.to_string() == ip)
            }) else {
                let why = match asked {
                    Ok(v) => format!("sentinel named no member: {v:?}"),
                    Err(e) => format!("sentinel: {e}"),
                };
                return failed(None, why);
            };
            (m, vec!["SET", key, value])
        } else {
            (i, vec!["GET", key])
        };
        let served_by = (target != i).then_some(target);
        match resp::call(server(cluster, target), &args, Duration::from_secs(2)) {
            Ok(Value::Error(e)) => failed(served_by, e),
            Ok(_) => Reply {
                served_by,
                result: "ok",
                error: String::new(),
            },
            Err(e) => failed(served_by, e),
        }
    }

    fn config_files(&self) -> &'static [&'static str] {
        &["redis.conf", "sentinel.conf"]
    }

    fn settings(&self) -> serde_json::Value {
        serde_json::json!({
            "down_after_ms": self.down_after_ms,
            "repl_timeout_ms": self.repl_timeout_ms,
            "failover_timeout_ms": self.failover_timeout_ms,
            "quorum": self.quorum,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentinel_ids_are_forty_hex_digits_fixed_by_the_name() {
        let a = sentinel_id("n1");
        assert_eq!(a.len(), 40);
        assert!(a.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(a, sentinel_id("n1"));
        assert_ne!(a, sentinel_id("n2"));
    }
}
