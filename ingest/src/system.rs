//! Systems as data: what rift knows of one real system (etcd, …) is one TOML file under
//! `ingest/systems/`: the log profiles that read its logs, what each of its metrics means, the
//! line of its logs that gives its failure detector's settings, and the detector of the
//! catalogue it runs. Ingest reads all of it; classify receives the detector's settings as
//! [`DetectorSettings`], with the `file:line` they came from.
//!
//! Adding a system is one file there and one line in [`BUILTIN`].
//!
//! ```
//! let etcd = rift_ingest::system::find("etcd").expect("etcd is built in");
//! assert_eq!(etcd.detector, "raft");
//! assert!(etcd.profiles.iter().any(|p| p == "etcd-zap"));
//! ```

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

/// Compiles the named files of `ingest/systems/` in, as (file name, TOML text).
macro_rules! builtin_systems {
    ($($file:literal),* $(,)?) => {
        &[$(($file, include_str!(concat!("../systems/", $file)))),*]
    };
}

/// The built-in systems, as (file name, TOML text).
pub const BUILTIN: &[(&str, &str)] = builtin_systems![
    "etcd.toml",
    "haproxy.toml",
    "keepalived.toml",
    "nats.toml",
    "rabbitmq.toml",
    "redis.toml",
    "zookeeper.toml"
];

/// One system.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct System {
    /// Short name; log profiles name their system with it.
    pub name: String,
    /// A one-line description.
    pub title: String,
    /// The log profiles that read its logs.
    pub profiles: Vec<String>,
    /// The failure detector of the catalogue it runs.
    pub detector: String,
    /// The guards it always has on.
    #[serde(default)]
    pub guards: Vec<String>,
    /// What two members that say they lead at the same time tell of the links between them.
    #[serde(default)]
    pub two_leaders: Option<TwoLeaders>,
    /// The line of its logs that gives the detector's settings.
    pub settings: Option<SettingsLine>,
    /// The detector's settings as its log states them one to a line, each kept by a profile
    /// rule's `remember`.
    #[serde(default)]
    pub stated: Vec<Stated>,
    /// The detector's settings the software fixes (compiled in, no option changes them): what
    /// its logs cannot state and an operator cannot set otherwise.
    #[serde(default)]
    pub fixed: Vec<Fixed>,
    /// The detector's settings the software uses where its configuration sets none (HAProxy's
    /// `inter 2000`, `fall 3`, `rise 2`): under those a configuration file sets, and alone when
    /// the export holds no such file. Never taken for a setting a log stated.
    #[serde(default)]
    pub defaults: Vec<Fixed>,
    /// Its configuration files, where an export holds them, and the settings each sets.
    #[serde(default)]
    pub config: Vec<ConfigFile>,
    /// What its metrics mean.
    #[serde(default)]
    pub metrics: Metrics,
    /// How `rift lab` runs it: its Debian packages, programs and ports. The table is read by
    /// rift-lab, which owns its keys.
    #[serde(default)]
    pub lab: Option<toml::Table>,
}

/// What two members leading at once tell of the links between them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TwoLeaders {
    /// Each leader announces itself to the other unasked, and either one steps down or makes
    /// the other step down within an announcement of hearing it (VRRP masters): while both
    /// lead, neither hears the other.
    NeitherHears,
}

/// A log line that gives the detector's settings: a JSON object with `line` in it, among the
/// first `within_lines` lines of a log.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettingsLine {
    /// Text the line contains.
    pub line: String,
    /// How far into a log the line is looked for.
    pub within_lines: u64,
    /// What the line says of the version.
    pub version: Option<Said>,
    /// Parameters of the detector, from durations on the line.
    #[serde(default)]
    pub parameter: Vec<ParameterKey>,
    /// Guards, from flags on the line.
    #[serde(default)]
    pub guard: Vec<GuardKey>,
}

/// A field of the settings line and how the reason shows it (`{}` is the value).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Said {
    /// The field.
    pub key: String,
    /// How it is shown.
    pub says: String,
    /// What is shown without the field.
    pub default: String,
}

/// A duration field of the settings line that sets a detector parameter (in ms).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParameterKey {
    /// The field.
    pub key: String,
    /// The detector's parameter.
    pub parameter: String,
    /// How the reason shows it (`{}` is the value in ms).
    pub says: String,
}

/// A detector parameter a log states on a line of its own (ZooKeeper's `tickTime set to 2000`),
/// kept by a profile rule under the name `remembered`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stated {
    /// The name the rule keeps it under.
    pub remembered: String,
    /// The detector's parameter.
    pub parameter: String,
    /// How the reason shows it (`{}` is the value).
    pub says: String,
}

/// A configuration file of the system (`sentinel.conf`, `zoo.cfg`): how it is named, and the
/// lines that set the detector's settings.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// A regex over the file's name (lower case, without a compression suffix). Its capture
    /// `node`, where it matched, names the node whose file it is (`n1.sentinel.conf`); a file
    /// that names none sets every node.
    pub name: String,
    /// The lines that set a setting.
    #[serde(default)]
    pub set: Vec<ConfigKey>,
    /// `name`, compiled when the system file is read.
    #[serde(skip)]
    pub(crate) name_regex: Option<regex::Regex>,
}

/// A line of a configuration file that sets one setting.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigKey {
    /// A regex over the line; its capture `value` is the number.
    pub line: String,
    /// The name the setting goes by, as a profile rule's `remember` keeps it (and as the
    /// system's `[[stated]]` maps it to the detector's parameter).
    pub remembered: String,
    /// What the value is multiplied by (1000 for a file that gives seconds where the setting
    /// is in ms).
    #[serde(default = "one")]
    pub scale: f64,
    /// `line`, compiled when the system file is read.
    #[serde(skip)]
    pub(crate) line_regex: Option<regex::Regex>,
}

fn one() -> f64 {
    1.0
}

/// A setting of the detector the software fixes.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fixed {
    /// The detector's parameter.
    pub parameter: String,
    /// Its value (ms for a time).
    pub value: f64,
    /// How the reason shows it.
    pub says: String,
}

/// Where a setting was found: the file and its line.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Origin {
    pub(crate) rel: String,
    pub(crate) line: u64,
}

impl System {
    /// The detector's settings from what a log stated or a configuration file set
    /// (`remembered`, with where each was found), over those the software fixes, when any of
    /// them is there. The origin is the first place a setting was found, else `read_from` (the
    /// log that showed the system) for fixed settings alone.
    pub(crate) fn settings_stated(
        &self,
        remembered: &BTreeMap<String, (f64, Origin)>,
        read_from: Option<&str>,
    ) -> Option<DetectorSettings> {
        let mut parameters = BTreeMap::new();
        let mut said = Vec::new();
        let mut first: Option<&Origin> = None;
        for s in &self.stated {
            if let Some((v, origin)) = remembered.get(&s.remembered) {
                parameters.insert(s.parameter.clone(), *v);
                said.push(s.says.replace("{}", &v.to_string()));
                first = Some(first.map_or(origin, |f| f.min(origin)));
            }
        }
        for f in &self.fixed {
            if !parameters.contains_key(&f.parameter) {
                parameters.insert(f.parameter.clone(), f.value);
                said.push(format!("{} (fixed in {})", f.says, self.name));
            }
        }
        for d in &self.defaults {
            if !parameters.contains_key(&d.parameter) {
                parameters.insert(d.parameter.clone(), d.value);
                said.push(format!("{} ({}'s default)", d.says, self.name));
            }
        }
        let origin = match (first, read_from) {
            (Some(first), _) => format!("{}:{}", first.rel, first.line),
            (None, Some(rel)) if !self.fixed.is_empty() => rel.to_owned(),
            (None, _) => return None,
        };
        Some(DetectorSettings {
            system: self.name.clone(),
            detector: self.detector.clone(),
            parameters,
            guards: self.guards.clone(),
            origin,
            reason: said.join(", "),
        })
    }

    /// The configuration file `name` (lower case, without a compression suffix) is, and the
    /// node it names, if it is one of the system's.
    pub(crate) fn config_file(&self, name: &str) -> Option<(&ConfigFile, Option<String>)> {
        self.config.iter().find_map(|c| {
            let m = c.name_regex.as_ref()?.captures(name)?;
            Some((c, m.name("node").map(|n| n.as_str().to_owned())))
        })
    }
}

/// A boolean field of the settings line that turns a guard on.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GuardKey {
    /// The field.
    pub key: String,
    /// The guard of the catalogue.
    pub guard: String,
    /// How the reason shows it on, and off.
    pub on: String,
    /// How the reason shows it off.
    pub off: String,
}

/// What a system's metrics mean.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Metrics {
    /// Bytes per observation unit for byte counters (about one heartbeat message).
    #[serde(default = "default_bytes_per_message")]
    pub bytes_per_message: f64,
    /// Bytes per second an idle peer link writes anyway.
    #[serde(default)]
    pub idle_link_bytes_per_s: f64,
    /// The series rift reads.
    #[serde(default)]
    pub series: Vec<MetricSeries>,
    /// The series it exports that are not evidence.
    #[serde(default)]
    pub not_used: Vec<NotUsed>,
}

fn default_bytes_per_message() -> f64 {
    64.0
}

/// One metric rift reads, and what it means.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricSeries {
    /// The metric name.
    pub name: String,
    /// What it means.
    pub means: Meaning,
    /// The label that names the peer (peer byte counters and peer liveness).
    pub peer_label: Option<String>,
    /// Where the peer is named instead when no label of the series names it: in another
    /// series of the same node (an exporter's info series) with the same values of some labels.
    pub peer_from: Option<PeerFrom>,
    /// The label that carries the member id (`member_id`).
    pub id_label: Option<String>,
    /// Series of it that are not evidence.
    #[serde(default)]
    pub skip: Vec<SkipSeries>,
}

/// A series that names the peers of another's series: prometheus-nats-exporter counts each
/// route's bytes under `server_id` and `rid`, and names the route's other end only in
/// `gnatsd_routez_route_info{server_id, rid, remote_name, ip, …}`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeerFrom {
    /// The series that names the peer (its meaning is `peer_info`).
    pub series: String,
    /// The labels both series share, which tie one of them to the other.
    pub on: Vec<String>,
    /// The labels of `series` that may name the peer, the first that is not empty used.
    pub labels: Vec<String>,
}

/// Series of a metric that are not evidence: those whose `label` is `value`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SkipSeries {
    /// The label.
    pub label: String,
    /// Its value.
    pub value: String,
    /// Why such a series is not used.
    pub why: String,
}

/// Metrics that are not evidence: by exact name or name prefix.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotUsed {
    /// The exact name.
    pub name: Option<String>,
    /// A name prefix.
    pub prefix: Option<String>,
    /// Why.
    pub why: String,
}

/// What a metric means to rift.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Meaning {
    /// Bytes a node wrote to the peer its `peer_label` names (a counter).
    PeerSentBytes,
    /// Bytes a node read from the peer its `peer_label` names (a counter).
    PeerReceivedBytes,
    /// Whether a node sees the peer its `peer_label` names as active (a gauge).
    PeerActive,
    /// Whether a node has a leader (a gauge).
    HasLeader,
    /// Whether a node is the leader (a gauge).
    IsLeader,
    /// Leader changes a node has seen (a counter).
    LeaderChanges,
    /// Heartbeats a node failed to send in time: its own stall (a counter).
    HeartbeatFailures,
    /// Proposals committed: the commit index (a counter that must not go down).
    Committed,
    /// The node's member id, in its `id_label` (an alias).
    MemberId,
    /// Seconds since the node last heard from the peer its `peer_label` names (a gauge, such as
    /// a replica's age of its master's last data, or a master's age of a replica's last
    /// acknowledgement): each sample shows the peer's traffic delivered that long before it.
    PeerLastHeard,
    /// A series whose labels name the peers of another metric's series (`peer_from`); its
    /// value says nothing.
    PeerInfo,
}

/// The detector settings a system's log gave, and where.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DetectorSettings {
    /// The system.
    pub system: String,
    /// The detector of the catalogue.
    pub detector: String,
    /// Parameters read from the line.
    pub parameters: BTreeMap<String, f64>,
    /// Guards on: the system's own and those the line turns on, sorted.
    pub guards: Vec<String>,
    /// `file:line` of the line.
    pub origin: String,
    /// What was read, in words (`etcd 3.5.9, heartbeat 100 ms, …`).
    pub reason: String,
}

/// An invalid built-in system file.
#[derive(Clone, Debug, thiserror::Error)]
#[error("built-in system file systems/{file} is invalid: {reason}")]
pub struct SystemError {
    /// The file.
    pub file: String,
    /// What is wrong.
    pub reason: String,
}

/// The built-in systems, read once per process.
pub fn builtin() -> Result<&'static [System], SystemError> {
    static SYSTEMS: OnceLock<Result<Vec<System>, SystemError>> = OnceLock::new();
    SYSTEMS
        .get_or_init(|| {
            BUILTIN
                .iter()
                .map(|(file, text)| parse(file, text))
                .collect()
        })
        .as_deref()
        .map_err(Clone::clone)
}

fn parse(file: &str, text: &str) -> Result<System, SystemError> {
    let bad = |reason: String| SystemError {
        file: file.to_owned(),
        reason,
    };
    let mut system: System = toml::from_str(text).map_err(|e| bad(e.to_string()))?;
    let compile = |what: &str, re: &str, group: &str| {
        let r = regex::Regex::new(re).map_err(|e| bad(format!("config {what} '{re}': {e}")))?;
        match r.capture_names().flatten().any(|n| n == group) {
            true => Ok(r),
            false if group == "node" => Ok(r),
            false => Err(bad(format!(
                "config {what} '{re}' has no capture '{group}'"
            ))),
        }
    };
    for c in &mut system.config {
        c.name_regex = Some(compile("name", &c.name, "node")?);
        for k in &mut c.set {
            k.line_regex = Some(compile("line", &k.line, "value")?);
            if !(k.scale.is_finite() && k.scale > 0.0) {
                return Err(bad(format!(
                    "config line '{}': scale must be above 0",
                    k.line
                )));
            }
        }
    }
    for s in &system.metrics.series {
        let needs = match s.means {
            Meaning::PeerSentBytes
            | Meaning::PeerReceivedBytes
            | Meaning::PeerActive
            | Meaning::PeerLastHeard => (s.peer_label.is_some() || s.peer_from.is_some())
                .then_some(())
                .ok_or("peer_label or peer_from"),
            Meaning::MemberId => s.id_label.as_ref().map(|_| ()).ok_or("id_label"),
            _ => Ok(()),
        };
        needs.map_err(|key| bad(format!("metric {} needs {key}", s.name)))?;
    }
    for n in &system.metrics.not_used {
        if n.name.is_none() == n.prefix.is_none() {
            return Err(bad(format!(
                "a not_used entry names a metric by name or by prefix, one of them ({})",
                n.why
            )));
        }
    }
    Ok(system)
}

/// The built-in system named `name`.
pub fn find(name: &str) -> Option<&'static System> {
    builtin().ok()?.iter().find(|s| s.name == name)
}

/// What rift does with a metric name: the system and series that give it a meaning, or why it
/// is not used.
pub(crate) fn metric(name: &str) -> Result<(&'static System, &'static MetricSeries), &'static str> {
    static BY_NAME: OnceLock<BTreeMap<&'static str, (usize, usize)>> = OnceLock::new();
    let systems = builtin().unwrap_or_default();
    let by_name = BY_NAME.get_or_init(|| {
        let mut map = BTreeMap::new();
        for (i, s) in systems.iter().enumerate() {
            for (j, m) in s.metrics.series.iter().enumerate() {
                map.entry(m.name.as_str()).or_insert((i, j));
            }
        }
        map
    });
    if let Some(&(i, j)) = by_name.get(name) {
        return Ok((&systems[i], &systems[i].metrics.series[j]));
    }
    systems
        .iter()
        .flat_map(|s| &s.metrics.not_used)
        .find(|n| {
            n.name.as_deref() == Some(name)
                || n.prefix.as_deref().is_some_and(|p| name.starts_with(p))
        })
        .map_or(Err("a metric rift does not turn into evidence"), |n| {
            Err(n.why.as_str())
        })
}

/// The system whose logs the profile of system name `profile_system` reads, if it is one rift
/// knows as data.
pub(crate) fn of_profile(profile: &str) -> Option<&'static System> {
    builtin()
        .ok()?
        .iter()
        .find(|s| s.profiles.iter().any(|p| p == profile))
}

impl System {
    /// The detector of a system whose logs never state its settings (Redis Sentinel keeps them
    /// in its configuration file), named because a file at `rel` is in its logs: the system's
    /// own defaults stand for the parameters where it has them, else the catalogue's.
    pub(crate) fn unstated(&self, rel: &str) -> Option<DetectorSettings> {
        if self.settings.is_some() {
            return None;
        }
        let mut guards = self.guards.clone();
        guards.sort();
        let mut reason = format!("{} logs do not state the detector's settings", self.name);
        if !self.defaults.is_empty() {
            let said: Vec<String> = self.defaults.iter().map(|d| d.says.clone()).collect();
            reason.push_str(&format!("; {}'s defaults: {}", self.name, said.join(", ")));
        }
        Some(DetectorSettings {
            system: self.name.clone(),
            detector: self.detector.clone(),
            parameters: self
                .defaults
                .iter()
                .map(|d| (d.parameter.clone(), d.value))
                .collect(),
            guards,
            origin: rel.to_owned(),
            reason,
        })
    }
}

impl SettingsLine {
    /// The settings `raw` (line `line` of the log at `rel`) gives for `system`, if it is the
    /// settings line.
    pub(crate) fn read(
        &self,
        system: &System,
        raw: &str,
        rel: &str,
        line: u64,
    ) -> Option<DetectorSettings> {
        if line > self.within_lines || !raw.contains(&self.line) {
            return None;
        }
        let v: serde_json::Value = serde_json::from_str(raw).ok()?;
        let text = |key: &str| v.get(key).and_then(|x| x.as_str());
        let mut said = Vec::new();
        if let Some(version) = &self.version {
            said.push(match text(&version.key) {
                Some(x) => version.says.replace("{}", x),
                None => version.default.clone(),
            });
        }
        let mut parameters = BTreeMap::new();
        for p in &self.parameter {
            let ms = text(&p.key)
                .and_then(|s| crate::time::parse_duration(s).ok())
                .map(|ns| ns as f64 / 1e6);
            if let Some(ms) = ms {
                parameters.insert(p.parameter.clone(), ms);
                said.push(p.says.replace("{}", &ms.to_string()));
            }
        }
        let mut guards = system.guards.clone();
        for g in &self.guard {
            match v.get(&g.key).and_then(|x| x.as_bool()) {
                Some(true) => {
                    guards.push(g.guard.clone());
                    said.push(g.on.clone());
                }
                Some(false) => said.push(g.off.clone()),
                None => {}
            }
        }
        guards.sort();
        Some(DetectorSettings {
            system: system.name.clone(),
            detector: system.detector.clone(),
            parameters,
            guards,
            origin: format!("{rel}:{line}"),
            reason: said.join(", "),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_a_system_fixes_stand_when_its_logs_are_read_and_a_stated_one_wins() {
        let nats = find("nats").unwrap();
        let none = BTreeMap::new();
        let got = nats
            .settings_stated(&none, Some("logs/n1.nats.log"))
            .unwrap();
        assert_eq!(got.detector, "raft");
        assert_eq!(got.parameters["heartbeat_ms"], 1000.0);
        assert_eq!(got.parameters["election_timeout_ms"], 4000.0);
        assert_eq!(got.guards, ["checkquorum"]);
        assert_eq!(got.origin, "logs/n1.nats.log");
        assert!(
            got.reason.contains("heartbeat 1000 ms (fixed in nats)"),
            "{}",
            got.reason
        );
        // Without a log of the system nothing says it ran; a system that fixes nothing needs a
        // stated setting.
        assert!(nats.settings_stated(&none, None).is_none());
        let etcd = find("etcd").unwrap();
        assert!(etcd.settings_stated(&none, Some("n1.log")).is_none());
        // A setting stated in a log wins over the fixed one, and names its line.
        let mut zk = find("zookeeper").unwrap().clone();
        zk.fixed = vec![Fixed {
            parameter: "tick_ms".into(),
            value: 2000.0,
            says: "tick 2000 ms".into(),
        }];
        let origin = Origin {
            rel: "zk1.log".into(),
            line: 7,
        };
        let stated = BTreeMap::from([("tick_ms".to_owned(), (500.0, origin))]);
        let got = zk.settings_stated(&stated, Some("zk1.log")).unwrap();
        assert_eq!(got.parameters["tick_ms"], 500.0);
        assert_eq!(got.origin, "zk1.log:7");
    }

    #[test]
    fn every_builtin_system_reads_and_names_known_profiles() {
        let systems = builtin().unwrap();
        let profiles = crate::builtin_profiles().unwrap();
        for s in systems {
            for p in &s.profiles {
                let profile = profiles.iter().find(|q| &q.name == p);
                let profile = profile.unwrap_or_else(|| panic!("{}: no profile {p}", s.name));
                assert_eq!(profile.system, s.name, "profile {p} reads another system");
            }
        }
    }

    #[test]
    fn every_setting_a_timeout_needs_is_stated_by_a_log_or_set_by_a_configuration() {
        let systems = builtin().unwrap();
        let profiles = crate::builtin_profiles().unwrap();
        for p in &profiles {
            let system = systems.iter().find(|s| s.profiles.contains(&p.name));
            let configured: Vec<&str> = system
                .iter()
                .flat_map(|s| &s.config)
                .flat_map(|c| &c.set)
                .map(|k| k.remembered.as_str())
                .collect();
            let remembered: Vec<&str> = p
                .rules
                .iter()
                .filter_map(|r| r.remember.as_deref())
                .collect();
            for r in &p.rules {
                let lengths = [&r.last_heard, &r.peer_sends_every, &r.timeout_late];
                let lengths = lengths.into_iter().flatten();
                for n in lengths.flat_map(|l| l.settings()) {
                    assert!(
                        configured.contains(&n) || remembered.contains(&n),
                        "profile {}, rule '{}': no log line states {n} and no configuration file sets it",
                        p.name,
                        r.msg
                    );
                }
            }
        }
    }

    #[test]
    fn etcd_metrics_have_meanings_and_the_rest_say_why_not() {
        let (system, series) = metric("etcd_network_active_peers").unwrap();
        assert_eq!(
            (system.name.as_str(), series.means),
            ("etcd", Meaning::PeerActive)
        );
        assert_eq!(
            metric("etcd_network_peer_round_trip_time_seconds_bucket").unwrap_err(),
            "the round-trip histogram repeats its last good value during an outage"
        );
        assert_eq!(
            metric("node_cpu_seconds_total").unwrap_err(),
            "a metric rift does not turn into evidence"
        );
    }

    #[test]
    fn the_etcd_start_up_line_gives_the_raft_settings() {
        let etcd = find("etcd").unwrap();
        let line = r#"{"level":"info","msg":"starting an etcd server","etcd-version":"3.5.9","heartbeat-interval":"50ms","election-timeout":"500ms","pre-vote":true}"#;
        let got = etcd
            .settings
            .as_ref()
            .unwrap()
            .read(etcd, line, "n1.log", 3)
            .unwrap();
        assert_eq!(got.detector, "raft");
        assert_eq!(got.parameters["heartbeat_ms"], 50.0);
        assert_eq!(got.parameters["election_timeout_ms"], 500.0);
        assert_eq!(got.guards, ["checkquorum", "prevote"]);
        assert_eq!(got.origin, "n1.log:3");
        assert_eq!(
            got.reason,
            "etcd 3.5.9, heartbeat 50 ms, election timeout 500 ms, pre-vote on"
        );
        let late = etcd
            .settings
            .as_ref()
            .unwrap()
            .read(etcd, line, "n1.log", 401);
        assert!(late.is_none(), "only the first lines are looked at");
    }
}
