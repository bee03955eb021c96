//! The scenario: what a replay runs. A hand-written TOML file, a corpus sketch and an incident's
//! inferred timeline all become a [`Scenario`]; the simulator, `rift synth` and `rift export`
//! read nothing else.

use std::collections::BTreeSet;
use std::fmt;
use std::path::Path;

use rift_ingest::model::Channel;
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::time::SimTime;

/// A duration written as `100ms`, `1.5s`, `2m` (or a bare number of seconds), kept in microseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Dur(pub SimTime);

impl Dur {
    /// From milliseconds.
    pub const fn ms(ms: u64) -> Self {
        Dur(SimTime(ms * 1_000))
    }

    /// In microseconds.
    pub fn us(self) -> u64 {
        self.0.0
    }
}

impl fmt::Display for Dur {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let us = self.0.0;
        if us == 0 {
            f.write_str("0s")
        } else if us.is_multiple_of(1_000_000) {
            write!(f, "{}s", us / 1_000_000)
        } else if us.is_multiple_of(1_000) {
            write!(f, "{}ms", us / 1_000)
        } else {
            write!(f, "{}us", us)
        }
    }
}

impl Serialize for Dur {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Dur {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Text(String),
            Int(u64),
            Float(f64),
        }
        let ns = match Raw::deserialize(d)? {
            Raw::Text(s) if s.trim() == "0" || s.trim() == "0s" => 0,
            Raw::Text(s) => rift_ingest::parse_duration(&s).map_err(serde::de::Error::custom)?,
            Raw::Int(0) => 0,
            Raw::Int(n) => n as i64 * 1_000_000_000,
            Raw::Float(x) if x >= 0.0 && x.is_finite() => (x * 1e9).round() as i64,
            Raw::Float(x) => {
                return Err(serde::de::Error::custom(format!(
                    "invalid duration {x}: it must be a non-negative number of seconds or a string such as \"500ms\""
                )));
            }
        };
        Ok(Dur(SimTime((ns / 1_000) as u64)))
    }
}

/// A whole scenario file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// A short name, shown in tables and reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// What happened, in a sentence or two.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The wall-clock time of t = 0 (RFC 3339). Synthetic telemetry and exports are stamped from it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub epoch: Option<String>,
    /// How long to simulate.
    pub duration: Dur,
    /// The seed used when none is given on the command line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// The members and the client hosts.
    pub cluster: Cluster,
    /// Consensus and network settings.
    #[serde(default)]
    pub protocol: Protocol,
    /// The client workload.
    #[serde(default)]
    pub workload: Workload,
    /// The faults, in any order; overlapping phases combine.
    #[serde(default, rename = "phase", skip_serializing_if = "Vec::is_empty")]
    pub phases: Vec<Phase>,
}

/// The members and the client hosts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cluster {
    /// Member names, in order.
    pub nodes: Vec<String>,
    /// The leader at t = 0; without one the cluster elects one first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leader: Option<String>,
    /// The term at t = 0 (with `leader`).
    #[serde(default = "one")]
    pub term: u64,
    /// Hosts outside the cluster: the client workload, the load balancer and the probers.
    #[serde(default = "default_clients")]
    pub clients: Vec<String>,
}

fn one() -> u64 {
    1
}

fn default_clients() -> Vec<String> {
    vec!["client".to_owned()]
}

/// How a write is acknowledged.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Commit {
    /// Acknowledged once a majority holds it (Raft).
    #[default]
    Majority,
    /// Acknowledged as soon as the leader has it (w=1, asynchronous replication).
    W1,
}

/// How the leader serves reads.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Reads {
    /// Confirm leadership with a heartbeat round first (Raft's ReadIndex): never stale.
    #[default]
    Quorum,
    /// Serve locally while the leader's lease holds (it heard from a majority within the election
    /// timeout).
    Lease,
    /// Serve locally whenever the node believes it leads.
    Local,
}

/// Consensus and network settings. The defaults are etcd 3.4's.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Protocol {
    /// Leader heartbeat interval; also the tick of the election timer.
    pub heartbeat: Dur,
    /// Election timeout; each node draws its own from `[timeout, 2 × timeout)` in whole ticks,
    /// unless `election_timeout_max` is set.
    pub election_timeout: Dur,
    /// Upper end of the election-timeout draw (exclusive).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub election_timeout_max: Option<Dur>,
    /// Pre-vote: a candidate first asks whether it could win, without raising its term.
    pub prevote: bool,
    /// A leader that has not heard from a majority within an election timeout steps down, and
    /// members that heard from a leader within one ignore vote requests.
    pub checkquorum: bool,
    /// How reads are served.
    pub reads: Reads,
    /// The storage layer rejects writes carrying an older leader's term.
    pub fencing: bool,
    /// When a write is acknowledged.
    pub commit: Commit,
    /// One-way network latency.
    pub latency: Dur,
    /// Uniform extra latency, up to this much, per message.
    pub jitter: Dur,
    /// How peer, client, health and probe traffic travels. Over `tcp`, a message from A to B
    /// also needs B's acknowledgements to reach A: once B→A has been cut for `tcp_stall`, A's
    /// connection to B stalls and nothing more of A's gets through. Gossip (SWIM, heartbeats of
    /// the detector models) always travels as datagrams.
    pub transport: Transport,
    /// How long a TCP sender keeps delivering after its acknowledgements stop (its window).
    pub tcp_stall: Dur,
}

/// How messages travel.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Transport {
    /// Connections that need both directions (etcd, most consensus systems).
    #[default]
    Tcp,
    /// Independent datagrams: each direction stands alone.
    Datagram,
}

impl Default for Protocol {
    fn default() -> Self {
        Protocol {
            heartbeat: Dur::ms(100),
            election_timeout: Dur::ms(1000),
            election_timeout_max: None,
            prevote: false,
            checkquorum: true,
            reads: Reads::Quorum,
            fencing: false,
            commit: Commit::Majority,
            latency: Dur(SimTime(500)),
            jitter: Dur(SimTime(200)),
            transport: Transport::Tcp,
            tcp_stall: Dur::ms(300),
        }
    }
}

/// The client workload.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Workload {
    /// Writes per second, from each client host.
    pub writes_per_s: f64,
    /// Reads per second, from each client host.
    pub reads_per_s: f64,
    /// A request with no answer within this long is given up and sent to another member.
    pub timeout: Dur,
}

impl Default for Workload {
    fn default() -> Self {
        Workload {
            writes_per_s: 10.0,
            reads_per_s: 10.0,
            timeout: Dur::ms(1000),
        }
    }
}

/// A fault active from `start` to `end`. The affected directions are the union of `drop`,
/// `partition` and `isolate`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Phase {
    /// A label for tables.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// When the fault begins.
    pub start: Dur,
    /// When it heals; without one it lasts to the end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<Dur>,
    /// Directed links: `"a->b"` (one way), `"a<->b"` (both ways); `*` stands for every member.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub drop: Vec<String>,
    /// Groups that cannot reach each other (both ways); hosts in no group are unaffected.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub partition: Vec<Vec<String>>,
    /// Members cut off from every other member, both ways (client hosts are unaffected).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub isolate: Vec<String>,
    /// The share of messages lost on the affected directions (1 = all).
    #[serde(default = "full_loss")]
    pub loss: f64,
    /// Extra one-way latency on the affected directions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay: Option<Dur>,
    /// Only these channels; all when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub channels: Vec<Channel>,
    /// Only this flow (`raft`, `client`, `health`, `probe`, `gossip`); all when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flow: Option<Flow>,
    /// The fault comes and goes: down for `down`, up for `up`, repeating from `start`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flap: Option<Flap>,
    /// Members that crash at `start` (every process killed at once, nothing said to anyone) and
    /// start again at `end` with what they had written to disk (down to the end without one).
    /// A crash is no network fault: a phase that crashes members cuts no links.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub crash: Vec<String>,
}

/// A member down from `start` to `end` (the scenario's end when it does not start again).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Crash {
    /// Index of the phase it comes from.
    pub phase: usize,
    /// The member.
    pub host: Host,
    /// When its processes are killed.
    pub start: SimTime,
    /// When they start again.
    pub end: SimTime,
}

fn full_loss() -> f64 {
    1.0
}

/// A fault that comes and goes.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Flap {
    /// How long each down phase lasts.
    pub down: Dur,
    /// How long each up phase lasts.
    pub up: Dur,
}

/// What a message belongs to, for per-flow faults.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Flow {
    /// Raft peer traffic between members.
    Raft,
    /// Client requests and their answers.
    Client,
    /// Load-balancer health checks.
    Health,
    /// Synthetic data-plane probes.
    Probe,
    /// Failure-detector traffic (heartbeats, SWIM probes).
    Gossip,
}

impl Flow {
    /// The name used in scenario files.
    pub fn as_str(self) -> &'static str {
        match self {
            Flow::Raft => "raft",
            Flow::Client => "client",
            Flow::Health => "health",
            Flow::Probe => "probe",
            Flow::Gossip => "gossip",
        }
    }
}

/// Index of a host: members first, in `cluster.nodes` order, then client hosts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Host(pub u32);

impl Host {
    /// As an index into per-host tables.
    pub fn ix(self) -> usize {
        self.0 as usize
    }
}

/// One directed fault, resolved to host indexes.
#[derive(Clone, Debug, PartialEq)]
pub struct Fault {
    /// The phase it came from.
    pub phase: usize,
    /// Sender.
    pub from: Host,
    /// Receiver.
    pub to: Host,
    /// When it begins.
    pub start: SimTime,
    /// When it heals.
    pub end: SimTime,
    /// Affected channels; all when empty.
    pub channels: Vec<Channel>,
    /// Affected flow; all when `None`.
    pub flow: Option<Flow>,
    /// Share of messages lost.
    pub loss: f64,
    /// Extra latency.
    pub delay: SimTime,
    /// Down/up cycle, if flapping.
    pub flap: Option<(SimTime, SimTime)>,
}

impl Fault {
    /// Whether the fault is in force at `t` (in a down phase, when flapping).
    pub fn active(&self, t: SimTime) -> bool {
        if t < self.start || t >= self.end {
            return false;
        }
        match self.flap {
            None => true,
            Some((down, up)) => {
                let cycle = down.0 + up.0;
                cycle == 0 || (t.0 - self.start.0) % cycle < down.0
            }
        }
    }

    /// Whether it touches messages on `channel` of `flow`.
    pub fn matches(&self, channel: Channel, flow: Flow) -> bool {
        (self.channels.is_empty() || self.channels.contains(&channel))
            && self.flow.is_none_or(|f| f == flow)
    }

    /// Whether the fault is in force at some time in `[from, to]`, both ends included: what
    /// [`Fault::intervals`] would say, without listing them (a flapping fault may have many).
    pub fn in_force_within(&self, from: SimTime, to: SimTime) -> bool {
        if to < self.start {
            return false;
        }
        match self.flap {
            Some((down, up)) if down.0 + up.0 > 0 => {
                if self.end <= self.start {
                    return false;
                }
                // The last down phase that starts by `to` (and before the end) ends the latest.
                let cycle = down.0 + up.0;
                let i = (to.0.min(self.end.0 - 1) - self.start.0) / cycle;
                (self.start.0 + i * cycle + down.0).min(self.end.0) >= from.0
            }
            _ => self.end >= from,
        }
    }

    /// The intervals in which the fault is in force: one, or one per down phase when flapping.
    pub fn intervals(&self) -> Vec<(SimTime, SimTime)> {
        match self.flap {
            None => vec![(self.start, self.end)],
            Some((down, up)) if down.0 + up.0 > 0 => {
                let mut out = Vec::new();
                let mut t = self.start.0;
                while t < self.end.0 {
                    out.push((SimTime(t), SimTime((t + down.0).min(self.end.0))));
                    t += down.0 + up.0;
                }
                out
            }
            Some(_) => vec![(self.start, self.end)],
        }
    }
}

/// Why a scenario cannot be replayed: [`Scenario::check`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ScenarioError {
    /// A setting is missing, out of range or at odds with another; the message names it and
    /// says what to change.
    #[error("{0}")]
    Setting(String),
    /// A phase names links that cannot be read.
    #[error("{phase}: {reason}")]
    Phase {
        /// The phase: `[[phase]] #2 (name)`.
        phase: String,
        /// What is wrong with its links.
        reason: LinkError,
    },
    /// The scenario asks for more work than a run may do.
    #[error("{0}")]
    Work(crate::work::Excess),
}

/// Why a phase's links cannot be read: [`Scenario::phase_links`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    /// A `drop` entry that is not `a->b` or `a<->b`.
    #[error("drop entry '{0}' is not a link: write \"a->b\" (one way) or \"a<->b\" (both ways)")]
    NotALink(String),
    /// A host the cluster does not have.
    #[error("unknown host '{name}'; hosts are {hosts}")]
    UnknownHost {
        /// The name given.
        name: String,
        /// The hosts there are, comma-separated.
        hosts: String,
    },
    /// A host listed in two partition groups.
    #[error("host '{0}' is in two partition groups")]
    InTwoGroups(String),
}

impl Scenario {
    /// Reads and checks a scenario file.
    pub fn load(path: &Path) -> Result<Scenario, Error> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.to_owned(),
            source,
        })?;
        Scenario::parse(&text, &path.display().to_string())
    }

    /// Parses and checks scenario text; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Scenario, Error> {
        let scenario: Scenario = toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].lines().count().max(1));
            Error::Scenario {
                origin: origin.to_owned(),
                line,
                message: e.message().to_owned(),
            }
        })?;
        scenario.check().map_err(|message| Error::Scenario {
            origin: origin.to_owned(),
            line: None,
            message: message.to_string(),
        })?;
        Ok(scenario)
    }

    /// The scenario as TOML.
    #[expect(
        clippy::expect_used,
        reason = "a scenario holds only types TOML writes"
    )]
    pub fn to_toml(&self) -> String {
        toml::to_string(self).expect("a scenario always serialises")
    }

    /// Every host: members, then client hosts.
    pub fn hosts(&self) -> Vec<&str> {
        self.cluster
            .nodes
            .iter()
            .chain(&self.cluster.clients)
            .map(String::as_str)
            .collect()
    }

    /// The index of a host by name.
    pub fn host(&self, name: &str) -> Option<Host> {
        self.hosts()
            .iter()
            .position(|h| *h == name)
            .map(|i| Host(i as u32))
    }

    /// Number of members.
    pub fn members(&self) -> usize {
        self.cluster.nodes.len()
    }

    /// The end of the simulation.
    pub fn end(&self) -> SimTime {
        self.duration.0
    }

    /// Checks names, times and numbers, the links of every phase, and the work the scenario
    /// asks for; the error says what to change.
    pub fn check(&self) -> Result<(), ScenarioError> {
        let n = &self.cluster.nodes;
        if n.is_empty() {
            return Err(ScenarioError::Setting(
                "[cluster] nodes is empty: list the members, e.g. nodes = [\"n1\", \"n2\", \"n3\"]"
                    .into(),
            ));
        }
        let mut seen = BTreeSet::new();
        for h in self.hosts() {
            if h.is_empty() || h.contains("->") || h.contains('*') || h.contains("<->") {
                return Err(ScenarioError::Setting(format!(
                    "host name '{h}' is not allowed: names cannot be empty or contain '->', '<->' or '*'"
                )));
            }
            if !seen.insert(h) {
                return Err(ScenarioError::Setting(format!(
                    "host '{h}' is listed twice in [cluster] nodes/clients"
                )));
            }
        }
        if let Some(l) = &self.cluster.leader
            && !n.contains(l)
        {
            return Err(ScenarioError::Setting(format!(
                "[cluster] leader '{l}' is not a member; members are {}",
                n.join(", ")
            )));
        }
        if self.duration.us() == 0 {
            return Err(ScenarioError::Setting(
                "duration must be positive, e.g. duration = \"60s\"".into(),
            ));
        }
        let p = &self.protocol;
        if p.heartbeat.us() == 0 || p.election_timeout.us() == 0 {
            return Err(ScenarioError::Setting(
                "[protocol] heartbeat and election_timeout must be positive".into(),
            ));
        }
        if p.election_timeout < p.heartbeat {
            return Err(ScenarioError::Setting(format!(
                "[protocol] election_timeout ({}) is shorter than heartbeat ({}): followers would time out between heartbeats",
                p.election_timeout, p.heartbeat
            )));
        }
        if let Some(max) = p.election_timeout_max
            && max <= p.election_timeout
        {
            return Err(ScenarioError::Setting(
                "[protocol] election_timeout_max must be above election_timeout".into(),
            ));
        }
        let w = &self.workload;
        for (what, v) in [
            ("writes_per_s", w.writes_per_s),
            ("reads_per_s", w.reads_per_s),
        ] {
            if !(v.is_finite() && (0.0..=100_000.0).contains(&v)) {
                return Err(ScenarioError::Setting(format!(
                    "[workload] {what} = {v}: use a rate between 0 and 100000"
                )));
            }
        }
        if w.timeout.us() == 0 {
            return Err(ScenarioError::Setting(
                "[workload] timeout must be positive".into(),
            ));
        }
        for (i, ph) in self.phases.iter().enumerate() {
            let at = format!(
                "[[phase]] #{} ({})",
                i + 1,
                ph.name.as_deref().unwrap_or("unnamed")
            );
            if let Some(end) = ph.end
                && end <= ph.start
            {
                return Err(ScenarioError::Setting(format!(
                    "{at}: end ({end}) is not after start ({})",
                    ph.start
                )));
            }
            if ph.start >= self.duration {
                return Err(ScenarioError::Setting(format!(
                    "{at}: starts at {} but the scenario lasts {}",
                    ph.start, self.duration
                )));
            }
            if !(ph.loss.is_finite() && (0.0..=1.0).contains(&ph.loss)) {
                return Err(ScenarioError::Setting(format!(
                    "{at}: loss = {} must be between 0 and 1",
                    ph.loss
                )));
            }
            let cuts = !(ph.drop.is_empty() && ph.partition.is_empty() && ph.isolate.is_empty());
            if !ph.crash.is_empty() {
                if cuts || ph.flap.is_some() || ph.delay.is_some() || ph.loss < 1.0 {
                    return Err(ScenarioError::Setting(format!(
                        "{at}: crashes members and also names a network fault; a crash is no network fault: put each in a [[phase]] of its own"
                    )));
                }
                for name in &ph.crash {
                    if !n.contains(name) {
                        return Err(ScenarioError::Setting(format!(
                            "{at}: crash names '{name}', which is not a member; members are {}",
                            n.join(", ")
                        )));
                    }
                }
                continue;
            }
            if !cuts {
                return Err(ScenarioError::Setting(format!(
                    "{at}: names no links; add drop = [\"a->b\"], partition = [[..], [..]], isolate = [..] or crash = [..]"
                )));
            }
            if let Some(f) = ph.flap
                && f.down.us() == 0
            {
                return Err(ScenarioError::Setting(format!(
                    "{at}: flap.down must be positive"
                )));
            }
            self.phase_links(ph)
                .map_err(|reason| ScenarioError::Phase { phase: at, reason })?;
        }
        crate::work::check_scenario(self).map_err(ScenarioError::Work)
    }

    /// The directed links a phase cuts, as host pairs, deduplicated and sorted.
    pub fn phase_links(&self, ph: &Phase) -> Result<Vec<(Host, Host)>, LinkError> {
        let known = |name: &str| {
            self.host(name).ok_or_else(|| LinkError::UnknownHost {
                name: name.to_owned(),
                hosts: self.hosts().join(", "),
            })
        };
        let members: Vec<Host> = (0..self.members()).map(|i| Host(i as u32)).collect();
        let side = |name: &str| -> Result<Vec<Host>, LinkError> {
            if name.trim() == "*" {
                Ok(members.clone())
            } else {
                known(name.trim()).map(|h| vec![h])
            }
        };
        let mut links = BTreeSet::new();
        for spec in &ph.drop {
            let (a, b, both) = if let Some((a, b)) = spec.split_once("<->") {
                (a, b, true)
            } else if let Some((a, b)) = spec.split_once("->") {
                (a, b, false)
            } else {
                return Err(LinkError::NotALink(spec.clone()));
            };
            for x in side(a)? {
                for y in side(b)? {
                    if x != y {
                        links.insert((x, y));
                        if both {
                            links.insert((y, x));
                        }
                    }
                }
            }
        }
        let mut grouped: Vec<Vec<Host>> = Vec::new();
        for g in &ph.partition {
            grouped.push(g.iter().map(|n| known(n)).collect::<Result<_, _>>()?);
        }
        for (i, g) in grouped.iter().enumerate() {
            for other in grouped.iter().skip(i + 1) {
                for &x in g {
                    for &y in other {
                        if x == y {
                            return Err(LinkError::InTwoGroups(self.hosts()[x.ix()].to_owned()));
                        }
                        links.insert((x, y));
                        links.insert((y, x));
                    }
                }
            }
        }
        for name in &ph.isolate {
            let x = known(name)?;
            for &y in &members {
                if x != y {
                    links.insert((x, y));
                    links.insert((y, x));
                }
            }
        }
        Ok(links.into_iter().collect())
    }

    /// Every member's crash, in the order of the phases.
    pub fn crashes(&self) -> Vec<Crash> {
        let mut out = Vec::new();
        for (i, ph) in self.phases.iter().enumerate() {
            for name in &ph.crash {
                if let Some(host) = self.host(name) {
                    out.push(Crash {
                        phase: i,
                        host,
                        start: ph.start.0,
                        end: ph.end.map_or(self.end(), |e| e.0),
                    });
                }
            }
        }
        out
    }

    /// A crash as the faults a detector should find: every link of the crashed member, both
    /// ways, from its crash to its restart (nothing reaches it or comes from it meanwhile).
    pub fn crash_faults(&self) -> Vec<Fault> {
        let hosts = self.hosts().len() as u32;
        let mut out = Vec::new();
        for c in self.crashes() {
            for other in (0..hosts).map(Host).filter(|h| *h != c.host) {
                for (from, to) in [(c.host, other), (other, c.host)] {
                    out.push(Fault {
                        phase: c.phase,
                        from,
                        to,
                        start: c.start,
                        end: c.end,
                        channels: Vec::new(),
                        flow: None,
                        loss: 1.0,
                        delay: SimTime(0),
                        flap: None,
                    });
                }
            }
        }
        out
    }

    /// Every directed fault of every phase.
    pub fn faults(&self) -> Vec<Fault> {
        let mut out = Vec::new();
        for (i, ph) in self.phases.iter().enumerate() {
            let Ok(links) = self.phase_links(ph) else {
                continue;
            };
            for (from, to) in links {
                out.push(Fault {
                    phase: i,
                    from,
                    to,
                    start: ph.start.0,
                    end: ph.end.map_or(self.end(), |e| e.0.min(self.end())),
                    channels: ph.channels.clone(),
                    flow: ph.flow,
                    loss: ph.loss,
                    delay: ph.delay.map_or(SimTime(0), |d| d.0),
                    flap: ph.flap.map(|f| (f.down.0, f.up.0)),
                });
            }
        }
        out
    }

    /// The wall-clock epoch in nanoseconds, if the scenario has one.
    pub fn epoch_ns(&self) -> Option<i64> {
        self.epoch.as_deref().and_then(rift_ingest::parse_ts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The leader n1 cannot send from 10 s to 30 s (phase `mute`), while n2 <-> n3 flaps.
    const ASYM: &str = include_str!("../scenarios/leader-mute.toml");

    #[test]
    fn one_way_drop_from_a_member_to_all() {
        let s = Scenario::parse(ASYM, "asym.toml").unwrap();
        let links: Vec<_> = s.phase_links(&s.phases[0]).unwrap();
        assert_eq!(links, vec![(Host(0), Host(1)), (Host(0), Host(2))]);
        let f = &s.faults()[0];
        assert!(f.active(SimTime::from_secs(10)));
        assert!(!f.active(SimTime::from_secs(30)));
        assert_eq!(s.protocol.heartbeat, Dur::ms(100));
    }

    #[test]
    fn what_is_wrong_with_a_scenario_is_told_by_kind() {
        let mut s = Scenario::parse(ASYM, "asym.toml").unwrap();
        s.phases[0].drop = vec!["n1->n9".into()];
        // A phase without a name is told by its number alone.
        s.phases[0].name = None;
        let err = s.check().unwrap_err();
        assert_eq!(
            err,
            ScenarioError::Phase {
                phase: "[[phase]] #1 (unnamed)".into(),
                reason: LinkError::UnknownHost {
                    name: "n9".into(),
                    hosts: "n1, n2, n3, client".into()
                },
            }
        );
        assert_eq!(
            err.to_string(),
            "[[phase]] #1 (unnamed): unknown host 'n9'; hosts are n1, n2, n3, client"
        );
        s.phases[0].drop = vec!["n1 n2".into()];
        assert!(matches!(
            s.check(),
            Err(ScenarioError::Phase {
                reason: LinkError::NotALink(_),
                ..
            })
        ));
        s.phases[0].drop = vec!["n1->n2".into()];
        s.protocol.election_timeout = Dur::ms(10);
        assert!(
            matches!(s.check(), Err(ScenarioError::Setting(m)) if m.contains("election_timeout"))
        );
    }

    #[test]
    fn partition_and_isolate_cut_both_ways() {
        let text = ASYM.replace(
            "drop = [\"n1->*\"]",
            "partition = [[\"n1\"], [\"n2\", \"n3\"]]",
        );
        let s = Scenario::parse(&text, "p.toml").unwrap();
        assert_eq!(s.phase_links(&s.phases[0]).unwrap().len(), 4);
        let text = ASYM.replace("drop = [\"n1->*\"]", "isolate = [\"n2\"]");
        let s = Scenario::parse(&text, "i.toml").unwrap();
        assert_eq!(s.phase_links(&s.phases[0]).unwrap().len(), 4);
    }

    #[test]
    fn flapping_fault_alternates() {
        let text = ASYM.replace(
            "end = \"30s\"",
            "end = \"30s\"\nflap = { down = \"2s\", up = \"3s\" }",
        );
        let s = Scenario::parse(&text, "f.toml").unwrap();
        let f = &s.faults()[0];
        assert!(f.active(SimTime::from_secs(11)));
        assert!(!f.active(SimTime::from_secs(13)));
        assert!(f.active(SimTime::from_secs(15)));
        assert_eq!(f.intervals().len(), 4);
    }

    #[test]
    fn in_force_within_agrees_with_the_intervals() {
        let text = ASYM.replace(
            "end = \"30s\"",
            "end = \"30s\"\nflap = { down = \"2s\", up = \"3s\" }",
        );
        let flapping = Scenario::parse(&text, "f.toml").unwrap().faults()[0].clone();
        let steady = Scenario::parse(ASYM, "a.toml").unwrap().faults()[0].clone();
        for f in [flapping, steady] {
            for from in (0..25).map(|s| SimTime::from_ms(s * 500)) {
                for len in [0, 400, 1_000, 2_500, 9_000] {
                    let to = from.plus(SimTime::from_ms(len));
                    let listed = f.intervals().iter().any(|&(s, e)| s <= to && e >= from);
                    assert_eq!(f.in_force_within(from, to), listed, "{f:?} {from} {to}");
                }
            }
        }
    }

    #[test]
    fn errors_name_the_line_and_the_fix() {
        let e = Scenario::parse(&ASYM.replace("n1->*", "n9->n1"), "bad.toml").unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.contains("bad.toml") && msg.contains("unknown host 'n9'"),
            "{msg}"
        );
        let text = ASYM.replace("end = \"30s\"", "end = \"soon\"");
        let line = text.lines().position(|l| l == "end = \"soon\"").unwrap() + 1;
        let msg = Scenario::parse(&text, "bad.toml").unwrap_err().to_string();
        assert!(msg.contains(&format!("bad.toml:{line}:")), "{msg}");
        let e = Scenario::parse(&ASYM.replace("drop", "dorp"), "bad.toml").unwrap_err();
        assert!(e.to_string().contains("unknown field `dorp`"), "{e}");
    }

    #[test]
    fn round_trips_through_toml() {
        let s = Scenario::parse(ASYM, "asym.toml").unwrap();
        let again = Scenario::parse(&s.to_toml(), "again.toml").unwrap();
        assert_eq!(s, again);
    }
}
