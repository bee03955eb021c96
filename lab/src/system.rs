//! A system in the lab: the `[lab]` table of its data file (packages, programs, ports, detector
//! settings) and its start-up module (how to start a member, find the leader, move leadership,
//! read its metrics and be its client).

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use std::process::Command;

use serde::Deserialize;

use crate::error::LabError;
use crate::netns::Host;

/// The systems the lab can run, by the name of their data file's `name`.
pub const SYSTEMS: &[&str] = &[
    "etcd",
    "haproxy",
    "keepalived",
    "nats",
    "rabbitmq",
    "redis",
    "zookeeper",
];

/// What the lab needs besides the system: program and Debian package.
const LAB_PROGRAMS: &[(&str, &str)] = &[
    ("ip", "iproute2"),
    ("iptables", "iptables"),
    ("bash", "bash"),
];

/// The `[lab]` table of a system's data file.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabSpec {
    /// Each program the lab runs, and the Debian package that holds it.
    pub programs: BTreeMap<String, String>,
    /// The ports of each channel and flow, as `rift export --ports` takes them (`2379,2380`,
    /// `7946/udp`): faults limited to a channel or a flow drop only these.
    pub ports: BTreeMap<String, String>,
    /// The failure detector's settings the lab starts members with, by parameter name (`heartbeat_ms`,
    /// `election_ms`, …).
    pub settings: BTreeMap<String, u64>,
    /// What `rift lab run --variant` may change, named as `rift replay --compare` names it: a
    /// guard (`prevote`) turns the setting it names on, `heartbeat=`/`election=` set theirs
    /// (a duration, in ms).
    #[serde(default)]
    pub variants: BTreeMap<String, String>,
}

impl LabSpec {
    /// The `[lab]` table of a built-in system.
    pub fn of(name: &str) -> Result<LabSpec, LabError> {
        let unknown = || LabError::UnknownSystem {
            name: name.to_owned(),
            known: SYSTEMS.join(", "),
        };
        if !SYSTEMS.contains(&name) {
            return Err(unknown());
        }
        let sys = rift_ingest::system::find(name).ok_or_else(unknown)?;
        let table = sys.lab.clone().ok_or_else(unknown)?;
        LabSpec::deserialize(toml::Value::Table(table)).map_err(|e| LabError::Scenario {
            origin: format!("ingest/systems/{name}.toml [lab]"),
            reason: e.to_string(),
        })
    }

    /// The table with a variant of `rift replay --compare` (`current+prevote`,
    /// `current+election=500ms`) and settings by their own names (`down_after_ms=5000`, or a
    /// duration for a setting in ms or s) applied, in that order.
    pub fn adjusted(
        &self,
        system: &str,
        variant: Option<&str>,
        sets: &[String],
    ) -> Result<LabSpec, LabError> {
        let mut spec = self.clone();
        if let Some(text) = variant {
            let bad = |reason: String| LabError::Setting {
                flag: "--variant",
                given: text.to_owned(),
                system: system.to_owned(),
                reason,
            };
            let can = || {
                if self.variants.is_empty() {
                    "the lab runs it with no variant of `rift replay --compare`; --set changes its settings".to_owned()
                } else {
                    format!(
                        "it can take {}",
                        self.variants.keys().cloned().collect::<Vec<_>>().join(", ")
                    )
                }
            };
            let v = rift_replay::Variant::parse(text).map_err(|e| bad(e.to_string()))?;
            if v.base != rift_replay::Base::Current {
                return Err(bad(
                    "a recording runs the system itself: start the variant with current (current+prevote)".into(),
                ));
            }
            for g in v.guards() {
                let key = self
                    .variants
                    .get(g)
                    .ok_or_else(|| bad(format!("it has no setting for {g}; {}", can())))?;
                spec.settings.insert(key.clone(), 1);
            }
            for (k, value) in v.values() {
                let key = self
                    .variants
                    .get(k)
                    .ok_or_else(|| bad(format!("it has no setting for {k}; {}", can())))?;
                spec.settings
                    .insert(key.clone(), setting_value(key, value).map_err(&bad)?);
            }
        }
        for s in sets {
            let bad = |reason: String| LabError::Setting {
                flag: "--set",
                given: s.clone(),
                system: system.to_owned(),
                reason,
            };
            let known = || self.settings.keys().cloned().collect::<Vec<_>>().join(", ");
            let (key, value) = s.split_once('=').ok_or_else(|| {
                bad(format!(
                    "write it as KEY=VALUE; its settings are {}",
                    known()
                ))
            })?;
            let key = key.trim();
            if !self.settings.contains_key(key) {
                return Err(bad(format!(
                    "no setting {key}; its settings are {}",
                    known()
                )));
            }
            spec.settings.insert(
                key.to_owned(),
                setting_value(key, value.trim()).map_err(&bad)?,
            );
        }
        Ok(spec)
    }

    /// A setting the start-up module needs.
    pub(crate) fn setting(&self, key: &str) -> Result<u64, LabError> {
        self.settings
            .get(key)
            .copied()
            .ok_or_else(|| LabError::Scenario {
                origin: "the system's [lab] table".into(),
                reason: format!("it has no settings.{key}"),
            })
    }
}

/// A setting's value: a whole number, or for a setting in ms (`_ms`) or s (`_s`) a duration
/// (`500ms`, `2s`) in that unit.
fn setting_value(key: &str, value: &str) -> Result<u64, String> {
    if let Ok(n) = value.parse::<u64>() {
        return Ok(n);
    }
    let unit_ns: i64 = if key.ends_with("_ms") {
        1_000_000
    } else if key.ends_with("_s") {
        1_000_000_000
    } else {
        return Err(format!("{key} takes a whole number, not '{value}'"));
    };
    let ns = rift_ingest::parse_duration(value).map_err(|e| e.to_string())?;
    if ns % unit_ns != 0 {
        return Err(format!(
            "{key} is in whole {}, and '{value}' is not",
            if unit_ns == 1_000_000 { "ms" } else { "s" }
        ));
    }
    Ok((ns / unit_ns) as u64)
}

/// What `rift lab check` found for one system.
#[derive(Clone, Debug)]
pub struct Check {
    /// The system.
    pub system: String,
    /// Whether rift runs as root.
    pub root: bool,
    /// Each program the run needs, its package and whether it was found.
    pub programs: Vec<(String, String, bool)>,
}

impl Check {
    /// Whether a run can start.
    pub fn ready(&self) -> bool {
        self.root && self.programs.iter().all(|p| p.2)
    }

    /// The Debian packages of the missing programs, each once.
    pub fn missing_packages(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for (_, pkg, found) in &self.programs {
            if !found && !out.contains(&pkg.as_str()) {
                out.push(pkg);
            }
        }
        out
    }

    /// The error a run gives when it cannot start.
    pub fn error(&self) -> Option<LabError> {
        if !self.root {
            return Some(LabError::NotRoot);
        }
        let missing: Vec<&str> = self
            .programs
            .iter()
            .filter(|p| !p.2)
            .map(|p| p.0.as_str())
            .collect();
        (!missing.is_empty()).then(|| LabError::Missing {
            system: self.system.clone(),
            missing: missing.join(", "),
            packages: self.missing_packages().join(" "),
        })
    }
}

impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "rift lab check --system {}", self.system)?;
        writeln!(
            f,
            "  root            {}",
            if self.root {
                "yes"
            } else {
                "no: run rift lab as root (sudo)"
            }
        )?;
        for (prog, pkg, found) in &self.programs {
            let state = if *found { "found" } else { "missing" };
            writeln!(f, "  {prog:<15} {state:<8} (Debian package {pkg})")?;
        }
        let missing = self.missing_packages();
        if missing.is_empty() {
            if self.root {
                writeln!(
                    f,
                    "ready: rift lab run SCENARIO --system {} --out DIR",
                    self.system
                )?;
            }
        } else {
            writeln!(f, "install what is missing with:")?;
            writeln!(f, "  apt-get install -y {}", missing.join(" "))?;
        }
        Ok(())
    }
}

/// Checks what a run of `system` needs; installs nothing.
pub fn check(system: &str) -> Result<Check, LabError> {
    let spec = LabSpec::of(system)?;
    let mut programs: Vec<(String, String, bool)> = LAB_PROGRAMS
        .iter()
        .map(|(p, k)| (p.to_string(), k.to_string(), on_path(p)))
        .collect();
    for (p, k) in &spec.programs {
        programs.push((p.clone(), k.clone(), on_path(p)));
    }
    Ok(Check {
        system: system.to_owned(),
        // SAFETY: geteuid has no preconditions.
        root: unsafe { libc::geteuid() } == 0,
        programs,
    })
}

fn on_path(program: &str) -> bool {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin".into(), "/sbin".into()])
        .any(|dir| is_executable(&dir.join(program)))
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt as _;
    p.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// One member as the cluster knows it.
#[derive(Clone, Debug)]
pub(crate) struct Member {
    pub(crate) host: Host,
    /// The system's own id for it (etcd's member id), once known.
    pub(crate) id: Option<String>,
}

/// What a run knows of its cluster, handed to the start-up module.
#[derive(Clone, Debug)]
pub(crate) struct Cluster {
    pub(crate) members: Vec<Member>,
    pub(crate) client: Host,
    /// A token unique to the run (etcd's initial-cluster-token).
    pub(crate) token: String,
    /// The member the scenario wants as leader, for a system that can only choose it at the
    /// start (ZooKeeper).
    pub(crate) leader: Option<usize>,
}

/// The result of one client request.
pub(crate) struct Reply {
    /// The member that served it, when not the one the loop is for (a write sent to the master
    /// a sentinel named).
    pub(crate) served_by: Option<usize>,
    /// `ok`, `timeout` or `error`.
    pub(crate) result: &'static str,
    /// The client's error message; empty on success.
    pub(crate) error: String,
}

/// One process of a member: a short label (`etcd`, `redis`, `sentinel`) and its command.
pub(crate) struct Process {
    /// Names the process's error output, `logs/<member>.<label>.stderr.log`.
    pub(crate) label: &'static str,
    pub(crate) cmd: Command,
    /// Where what it prints goes.
    pub(crate) output: Output,
}

/// Where a process's output goes, under the export's `logs/`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Output {
    /// It writes its log itself: both its outputs go to `<host>.<label>.stderr.log`.
    Errors,
    /// What it prints is its log (keepalived logging to its console): both go to
    /// `<host>.<label>.log`.
    Log,
    /// Its standard output is its log and its error output is not (HAProxy logging to stdout
    /// and repeating each warning on stderr): `<host>.<label>.log` and
    /// `<host>.<label>.stderr.log`.
    LogAndErrors,
}

/// What a health check got back.
pub(crate) struct HealthAnswer {
    /// What was checked (`http://10.77.0.11:2381/health`, `redis://10.77.0.11:6379 PING`).
    pub(crate) url: String,
    /// The status as the check reports it: an HTTP status (0 without an answer), or `ok`,
    /// `error`, `timeout`.
    pub(crate) status: String,
    /// The answer's body or the error.
    pub(crate) body: String,
    /// Whether an answer came back at all.
    pub(crate) answered: bool,
}

/// The start-up module of a system.
pub(crate) trait LabSystem: Send + Sync {
    /// The version the programs report.
    fn version(&self) -> Result<String, LabError>;
    /// The processes of member `i`, each writing its own log under `logs` (named after the
    /// member, so that rift reads them as one node) and its state under `data`, which is also
    /// where they run from. Both paths are absolute.
    fn start(
        &self,
        cluster: &Cluster,
        i: usize,
        logs: &Path,
        data: &Path,
    ) -> Result<Vec<Process>, LabError>;
    /// The members the system reports as leader (from the client namespace).
    fn leaders(&self, cluster: &Cluster) -> Vec<usize>;
    /// Fills in each member's id (from the client namespace).
    fn identify(&self, cluster: &mut Cluster) -> Result<(), LabError>;
    /// Hands leadership from member `from` to member `to` (from the client namespace).
    fn move_leader(&self, cluster: &Cluster, from: usize, to: usize) -> Result<(), LabError>;
    /// Whether members serve metrics at all; without them no `metrics.csv.gz` is written.
    fn serves_metrics(&self) -> bool {
        true
    }
    /// One scrape of member `i`'s metrics page (from the client namespace); `Err` says why
    /// there was none.
    fn scrape(&self, cluster: &Cluster, i: usize) -> Result<String, String>;
    /// One health check of member `i` (from the client namespace).
    fn health(&self, cluster: &Cluster, i: usize) -> HealthAnswer;
    /// How long the members may take, from their start, to form a cluster with one leader.
    fn start_within(&self) -> std::time::Duration {
        std::time::Duration::from_secs(20)
    }
    /// The name of `health.csv`'s status column: `http_status`, or `result` for a check that is
    /// not HTTP.
    fn health_column(&self) -> &'static str {
        "http_status"
    }
    /// The rows of `metrics.csv` for one scrape: (metric, labels, peer, value).
    fn select_metrics(&self, cluster: &Cluster, page: &str) -> Vec<[String; 4]>;
    /// Whether a line of the metrics page is kept in the raw export.
    fn keep_raw(&self, line: &str) -> bool;
    /// The members table an operator would export (`members.csv`).
    fn members_csv(&self, cluster: &Cluster) -> String;
    /// The client's endpoint for member `i`, as `client.csv` names it.
    fn endpoint(&self, cluster: &Cluster, i: usize) -> String;
    /// One request of the workload for member `i` (from the client namespace).
    fn request(&self, cluster: &Cluster, i: usize, op: &str, key: &str, value: &str) -> Reply;
    /// The settings the members run with, for the truth.
    fn settings(&self) -> serde_json::Value;
    /// The configuration files each member (and the client's host) keeps in its data folder
    /// (`data/<host>/`), which the export carries as an operator's would
    /// (`config/<host>.<file>`): rift reads the failure detector's settings from them.
    fn config_files(&self) -> &'static [&'static str] {
        &[]
    }
    /// Stops what the module runs inside the lab's own process (keepalived's stand-in service).
    fn stop(&self) {}
    /// Member `i`'s processes were killed: what the module runs for it inside the lab's own
    /// process goes down with them (it starts again with the member's [`LabSystem::start`]).
    fn crashed(&self, _i: usize) {}
    /// The processes the client's host runs besides the workload (a load balancer in front of
    /// the members), started once the cluster has its leader, in the client's namespace.
    fn client_processes(&self, _cluster: &Cluster, _data: &Path) -> Result<Vec<Process>, LabError> {
        Ok(Vec::new())
    }
    /// The `incident.toml` the export carries, where the detector under study is not the one
    /// the members' logs state (a load balancer's health check in front of a cluster whose
    /// logs state its own): what an operator reviewing it writes.
    fn incident_toml(&self) -> Option<String> {
        None
    }
    /// Whether what [`LabSystem::client_processes`] started serves (from the client namespace).
    fn client_ready(&self, _cluster: &Cluster) -> bool {
        true
    }
}

/// A members table: `header`, a row per member from `row(member)` (its name, id and address
/// first), and the client's row with its name and address, `blanks` empty columns after.
pub(crate) fn members_table(
    cluster: &Cluster,
    header: &str,
    blanks: usize,
    row: impl Fn(&Member) -> String,
) -> String {
    let mut text = format!("{header}\n");
    for m in &cluster.members {
        text.push_str(&format!(
            "{},{},{},{}\n",
            m.host.name,
            m.id.as_deref().unwrap_or(""),
            m.host.ip,
            row(m)
        ));
    }
    text.push_str(&format!(
        "{},,{}{}\n",
        cluster.client.name,
        cluster.client.ip,
        ",".repeat(blanks)
    ));
    text
}

/// The version `program --version` prints (on its output or its error output), as `read` finds
/// it; the error names what it looked for.
pub(crate) fn version_of(
    program: &str,
    read: impl Fn(&str) -> Option<String>,
    looked_for: &str,
) -> Result<String, LabError> {
    let command = format!("{program} --version");
    let out = Command::new(program)
        .arg("--version")
        .output()
        .map_err(|e| LabError::Command {
            command: command.clone(),
            detail: e.to_string(),
        })?;
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    read(&text).ok_or_else(|| LabError::Command {
        command,
        detail: format!("no {looked_for} in {text:?}"),
    })
}

/// `name{labels} value [timestamp]` → (name, labels, value).
pub(crate) fn prom_sample(line: &str) -> Option<(&str, &str, &str)> {
    let (name, labels, rest) = match line.find('{') {
        Some(open) => {
            let close = line.rfind('}')?;
            (&line[..open], &line[open + 1..close], &line[close + 1..])
        }
        None => {
            let (n, r) = line.split_once(char::is_whitespace)?;
            (n, "", r)
        }
    };
    let value = rest.split_whitespace().next()?;
    Some((name, labels, value))
}

/// The first word of `text` that is `v` and a number (`v2.2.7`), without the `v`.
pub(crate) fn v_number(text: &str) -> Option<&str> {
    text.split_whitespace().find_map(|w| {
        w.strip_prefix('v')
            .filter(|v| v.starts_with(|c: char| c.is_ascii_digit()))
    })
}

/// A cluster of `n` members `n1`… at 10.77.0.11… and the client at 10.77.0.100, the member
/// `leader` wanted as leader, for the start-up modules' tests.
#[cfg(test)]
pub(crate) fn test_cluster(n: usize, leader: Option<usize>) -> Cluster {
    use std::net::Ipv4Addr;
    Cluster {
        members: (0..n)
            .map(|i| Member {
                host: Host {
                    name: format!("n{}", i + 1),
                    ip: Ipv4Addr::new(10, 77, 0, 11 + i as u8),
                },
                id: None,
            })
            .collect(),
        client: Host {
            name: "client".into(),
            ip: Ipv4Addr::new(10, 77, 0, 100),
        },
        token: "t".into(),
        leader,
    }
}

/// Writes a member's file (a configuration, its id), making its folder first.
pub(crate) fn write_file(path: &Path, text: &str) -> Result<(), LabError> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(LabError::io(dir))?;
    }
    std::fs::write(path, text).map_err(LabError::io(path))
}

/// The start-up module of a system.
pub(crate) fn module(system: &str, spec: &LabSpec) -> Result<Box<dyn LabSystem>, LabError> {
    match system {
        "etcd" => Ok(Box::new(crate::etcd::Etcd::new(spec)?)),
        "haproxy" => Ok(Box::new(crate::haproxy::Haproxy::new(spec)?)),
        "keepalived" => Ok(Box::new(crate::keepalived::Keepalived::new(spec)?)),
        "nats" => Ok(Box::new(crate::nats::Nats::new(spec)?)),
        "rabbitmq" => Ok(Box::new(crate::rabbitmq::RabbitMq::new(spec)?)),
        "redis" => Ok(Box::new(crate::redis::Redis::new(spec)?)),
        "zookeeper" => Ok(Box::new(crate::zookeeper::ZooKeeper::new(spec)?)),
        _ => Err(LabError::UnknownSystem {
            name: system.to_owned(),
            known: SYSTEMS.join(", "),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_variant_and_settings_change_the_lab_table_by_the_systems_own_names() {
        let etcd = LabSpec::of("etcd").unwrap();
        let got = etcd
            .adjusted("etcd", Some("current+prevote+election=500ms"), &[])
            .unwrap();
        assert_eq!(got.settings["pre_vote"], 1);
        assert_eq!(got.settings["election_ms"], 500);
        assert_eq!(got.settings["heartbeat_ms"], 100);
        let redis = LabSpec::of("redis").unwrap();
        let got = redis
            .adjusted(
                "redis",
                None,
                &["down_after_ms=5s".into(), "quorum=3".into()],
            )
            .unwrap();
        assert_eq!(
            (got.settings["down_after_ms"], got.settings["quorum"]),
            (5000, 3)
        );
    }

    #[test]
    fn what_a_system_cannot_run_with_is_refused_with_what_it_can() {
        let err = |system: &str, variant: Option<&str>, set: &[&str]| {
            let sets: Vec<String> = set.iter().map(|s| s.to_string()).collect();
            LabSpec::of(system)
                .unwrap()
                .adjusted(system, variant, &sets)
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            err("etcd", Some("current+lease"), &[]),
            "--variant 'current+lease' cannot run on etcd: it has no setting for lease; it can take election, heartbeat, prevote"
        );
        assert!(err("etcd", Some("raft+prevote"), &[]).contains("start the variant with current"));
        assert!(
            err("redis", Some("current+prevote"), &[])
                .contains("the lab runs it with no variant of `rift replay --compare`")
        );
        assert_eq!(
            err("redis", None, &["down_after=5000"]),
            "--set 'down_after=5000' cannot run on redis: no setting down_after; its settings are down_after_ms, failover_timeout_ms, quorum, repl_timeout_ms"
        );
        assert!(err("redis", None, &["quorum=two"]).contains("quorum takes a whole number"));
        assert!(err("redis", None, &["down_after_ms=1500us"]).contains("whole ms"));
        assert!(err("redis", None, &["quorum"]).contains("write it as KEY=VALUE"));
    }
}
