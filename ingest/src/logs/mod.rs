//! Node logs: profiles, sniffing, and turning recognised lines into observations and events.
//!
//! Log lines are read file by file into [`read::Pending`] records that still carry raw names
//! (member ids, URLs, IPs). Once every file is read, [`resolve`] learns the aliases the logs
//! announce, resolves every name, drops evidence about nodes that had announced their shutdown,
//! and settles each line's accounting as used or skipped.

pub(crate) mod envelope;
mod formula;
mod others;
mod pattern;
pub(crate) mod profile;
pub(crate) mod read;
mod units;

use std::collections::{BTreeMap, BTreeSet};

use crate::accounting::{FileAccount, SkipReason};
use crate::clock::{self, ClockSkew, SkewEvidence};
use crate::logs::others::OtherMembers;
use crate::logs::profile::Direction;
use crate::logs::read::{CLUSTER_LEADER, Out, Pending};
use crate::model::{
    Channel, Event, EventKind, Evidence, NodeId, Observation, leaders_at_once, leading_role,
};
use crate::nodes::{NodeResolver, Settled};
use crate::system::TwoLeaders;

pub use profile::{Profile, ProfileError, RuleSummary, Wording, builtin, wording};
pub use read::BY_WORDING;

/// The recognised lines of one log file.
pub(crate) struct LogFile {
    /// Index of the file's account.
    pub(crate) account: usize,
    /// Path relative to the export, for `file:line` origins.
    pub(crate) rel: String,
    /// The node the file belongs to, as named by `incident.toml` or the file name.
    pub(crate) node: String,
    /// Other names of `node`: the file's own name when its envelopes named the node.
    pub(crate) also: Vec<String>,
    pub(crate) lines: Vec<Pending>,
    /// The detector settings a line of the file gave (its system's settings line).
    pub(crate) detector: Option<crate::system::DetectorSettings>,
    /// The system its profile reads, when rift knows it as data.
    pub(crate) system: Option<&'static crate::system::System>,
    /// What reading the file's times assumed (a year, a zone), in words.
    pub(crate) assumed: Vec<String>,
    /// What two of its system's members leading at once tell (its system's data file).
    pub(crate) two_leaders: Option<crate::system::TwoLeaders>,
}

/// Which profile reads each log file, and the year for timestamps without one.
pub(crate) struct LogPlan {
    pub(crate) chosen: Vec<Option<usize>>,
    pub(crate) why: Vec<String>,
    pub(crate) year: Option<i32>,
    /// Where the year came from, in words.
    pub(crate) year_from: String,
    /// The date of times that name only the time of day, and where it came from, in words.
    pub(crate) date: Option<(chrono::NaiveDate, String)>,
    /// For each file no profile reads: the reason its lines are skipped, and why, in words.
    pub(crate) why_none: Vec<Option<(SkipReason, String)>>,
    /// For each file, the zone of its times that name none and where it was given (`None`:
    /// UTC).
    pub(crate) zones: Vec<Option<(chrono_tz::Tz, String)>>,
    /// For each file, the envelopes its lines came in, in words, when they came in any.
    pub(crate) wrapped: Vec<Option<String>>,
    /// For each file, whether some of its lines came in an envelope whose time names neither
    /// year nor zone.
    pub(crate) local_time: Vec<bool>,
    /// For each file, whether its first lines' times named only the time of day, whatever the
    /// layout of its profile.
    pub(crate) dayless: Vec<bool>,
    /// For each file, whether some of its first lines fit no profile's layout: lines that may
    /// continue the record above them.
    pub(crate) ragged: Vec<bool>,
    /// For each file, the width a terminal may have cut its lines at.
    pub(crate) width: Vec<Option<usize>>,
}

impl LogPlan {
    pub(crate) fn profile_for(&self, file: usize) -> Option<usize> {
        self.chosen[file]
    }

    /// Whether file `i`, read with `profile`, has times that need a year to be read.
    pub(crate) fn needs_year(&self, i: usize, profile: &Profile) -> bool {
        profile.has_year_free_layout() || self.local_time[i]
    }

    /// Whether file `i`, read with `profile`, has times that need a date to be read.
    pub(crate) fn needs_date(&self, i: usize, profile: &Profile) -> bool {
        profile.has_date_free_layout() || self.dayless[i]
    }
}

/// The names a log file goes by that say what it is, not whose: a system log's
/// (`syslog`, `messages`), a stream's (`stdout`, `current`), or a bare `log`.
pub(crate) const GENERIC_LOG_NAMES: &[&str] = &[
    "syslog", "messages", "daemon", "stdout", "stderr", "current", "output", "error", "log",
    "logs", "out", "console",
];

/// The names of a program's own logs, which every node writes under the same name (Cassandra's
/// `system.log` and `debug.log`, a JVM's `gc.log`, a `server.log`): what they are, not whose.
pub(crate) const PROGRAM_LOG_NAMES: &[&str] = &["system", "debug", "server", "gc"];

/// The node a log file belongs to when `incident.toml` does not say: the file name up to its
/// first dot (`logs/n1.stderr.log` → `n1`), or past the dots of an IPv4 address the name
/// starts with (`10.0.0.7.log` → `10.0.0.7`, `10.0.0.7_4647.log` → `10.0.0.7_4647`) or ends
/// with before its log extensions (`etcd-10.0.0.7.log` → `etcd-10.0.0.7`, as Rancher names
/// its etcd members).
pub(crate) fn node_of_file(rel: &str) -> String {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let quad: Vec<&str> = name.split('.').take(4).collect();
    let octet = |p: &str| (1..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit());
    let is_ip = quad.len() == 4
        && quad[..3].iter().all(|p| octet(p))
        && quad[3].bytes().take_while(u8::is_ascii_digit).count() > 0
        && quad[3].bytes().take_while(u8::is_ascii_digit).count() <= 3;
    let whole = log_stem(name);
    let labels: Vec<&str> = whole.split('.').collect();
    // `NAME-A.B.C.D`: the first octet after a separator, the other three whole labels.
    let ends_with_ip =
        labels.len() >= 4 && labels[labels.len() - 3..].iter().all(|p| octet(p)) && {
            let first = labels[labels.len() - 4];
            let digits = first.bytes().rev().take_while(u8::is_ascii_digit).count();
            let head = &first[..first.len() - digits];
            (1..=3).contains(&digits) && head.ends_with(['-', '_', '@'])
        };
    let ip_stem;
    let stem = if is_ip {
        ip_stem = quad.join(".");
        ip_stem.as_str()
    } else if ends_with_ip {
        whole
    } else if let Some(host) = glog_host(name) {
        host
    } else {
        name.split('.').next().unwrap_or(name)
    };
    // docker's json-file driver names a container's log `ID-json.log`: the container is the
    // id (shortened as `docker ps` shows it), not `ID-json`.
    match stem.strip_suffix("-json") {
        Some(id) if id.len() == 64 && id.bytes().all(|b| b.is_ascii_hexdigit()) => {
            id[..12].to_owned()
        }
        _ => stem.to_owned(),
    }
}

/// The host in a log file name of glog's convention, which klog and CockroachDB keep:
/// `PROGRAM.HOST.USER.log.LEVEL.DATE-TIME.PID` (`kube-apiserver.master-1.root.log.INFO.
/// 20230415-101112.1`), and CockroachDB's `PROGRAM.HOST.USER.DATE-TIME.PID.log`
/// (`cockroach.db-3.root.2023-08-07T23_34_14Z.010878.log`). The program is the first name, the
/// node the host.
fn glog_host(name: &str) -> Option<&str> {
    static GLOG: std::sync::LazyLock<Option<regex::Regex>> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"^[\w-]+\.(?P<host>[\w.-]+?)\.[\w-]+\.(?:log\.(?:INFO|WARNING|ERROR|FATAL)\.\d{8}-\d{6}\.\d+|\d{4}-\d\d-\d\dT\d\d_\d\d_\d\dZ\.\d+\.log)$",
        )
        .ok()
    });
    let caps = GLOG.as_ref()?.captures(name)?;
    caps.name("host").map(|m| m.as_str())
}

/// A file name without its log extensions, nor a rotation's number after one (`.log.1`).
fn log_stem(name: &str) -> &str {
    const EXTENSIONS: &[&str] = &[
        "log", "txt", "json", "jsonl", "ndjson", "out", "err", "stdout", "stderr", "gz", "zst",
        "bz2", "xz", "csv",
    ];
    let known = |ext: &str| EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str());
    let mut stem = name;
    while let Some((head, ext)) = stem.rsplit_once('.') {
        let rotated = !ext.is_empty()
            && ext.bytes().all(|b| b.is_ascii_digit())
            && head.rsplit_once('.').is_some_and(|(_, e)| known(e));
        if !(known(ext) || rotated) {
            break;
        }
        stem = head;
    }
    stem
}

/// Other names a log file's name gives its node ([`node_of_file`]): the whole name without its
/// log extensions when that is a DNS name (`consul-server-1.dc1.log` names `consul-server-1`,
/// also known as `consul-server-1.dc1`), and `IP:PORT` for a file named `IP-PORT` or `IP_PORT`
/// (a colon is no character for a file name everywhere).
pub(crate) fn names_of_file(rel: &str) -> Vec<String> {
    let node = node_of_file(rel);
    let stem = log_stem(rel.rsplit('/').next().unwrap_or(rel));
    let mut out = Vec::new();
    if stem != node
        && stem.starts_with(node.as_str())
        && stem.starts_with(|c: char| c.is_ascii_alphabetic())
        && stem[node.len()..].starts_with('.')
    {
        out.push(stem.to_owned());
    }
    if let Some((ip, port)) = node.rsplit_once(['-', '_'])
        && !port.is_empty()
        && port.len() <= 5
        && port.bytes().all(|b| b.is_ascii_digit())
        && ip.parse::<std::net::IpAddr>().is_ok()
    {
        out.push(format!("{ip}:{port}"));
    }
    out
}

/// When each node was stopped: from a shutdown announcement to its next start announcement,
/// and before its first start announcement.
#[derive(Clone, Debug, Default)]
pub(crate) struct Stops {
    /// Per node, its announcements: time, up (start) or not (shutdown), and where it was logged.
    marks: BTreeMap<NodeId, Vec<(i64, bool, String)>>,
    /// Nodes whose own log shows them at work before their first start announcement (a log
    /// that begins mid-run and later shows a restart): they were not stopped before it.
    running_before: std::collections::BTreeSet<NodeId>,
}

impl Stops {
    /// Learns start (`up = true`) and shutdown (`up = false`) announcements from events.
    pub(crate) fn learn(&mut self, events: &[Event]) {
        for e in events {
            let up = match e.kind {
                EventKind::Start => true,
                EventKind::Shutdown => false,
                _ => continue,
            };
            self.marks
                .entry(e.node.clone())
                .or_default()
                .push((e.ts_ns, up, e.origin.clone()));
        }
        // In time order; at one instant in the order they were logged (a stable sort).
        for v in self.marks.values_mut() {
            v.sort_by_key(|m| m.0);
        }
    }

    /// True when `node` had shut down (or not yet started) at `ts`.
    #[cfg(test)]
    pub(crate) fn stopped(&self, node: &NodeId, ts: i64) -> bool {
        self.stopped_at(node, ts, "")
    }

    /// True when `node` had shut down (or not yet started) at `ts`, for a line logged at
    /// `origin` (`file:line`, or empty). At the very instant of an announcement, a line of the
    /// same file is ordered by its line number; any other counts as up when its time is of whole
    /// seconds (a clock of whole seconds gives the lines logged just before the announcement the
    /// same time), and otherwise comes after the announcements, in the order they were logged.
    pub(crate) fn stopped_at(&self, node: &NodeId, ts: i64, origin: &str) -> bool {
        let Some(marks) = self.marks.get(node) else {
            return false;
        };
        let before = marks.partition_point(|m| m.0 < ts);
        let through = marks.partition_point(|m| m.0 <= ts);
        if through > before {
            let at = &marks[before..through];
            let here = file_line(origin);
            let same_file = |m: &&(i64, bool, String)| {
                here.zip(file_line(&m.2))
                    .is_some_and(|((file, _), (f, _))| file == f)
            };
            let Some((_, line)) = here.filter(|_| at.iter().any(|m| same_file(&m))) else {
                return ts % 1_000_000_000 != 0 && !marks[through - 1].1;
            };
            let above = at
                .iter()
                .rev()
                .filter(same_file)
                .find(|m| file_line(&m.2).is_some_and(|(_, n)| n < line));
            if let Some(m) = above {
                return !m.1;
            }
        }
        match before.checked_sub(1) {
            Some(j) => !marks[j].1,
            None => marks.first().is_some_and(|m| m.1) && !self.running_before.contains(node),
        }
    }

    /// True when an observation's ends include a stopped node.
    pub(crate) fn hides(&self, o: &Observation) -> bool {
        self.stopped_at(&o.src, o.ts_ns, &o.origin) || self.stopped_at(&o.dst, o.ts_ns, &o.origin)
    }

    /// An event of a stopped node is hidden, and so is one that counts against a stopped peer
    /// (it went down, was unreachable, failed, or others said so); what a node logs of its own
    /// leadership (an election, a new or lost leader) after its peer stopped is still its own.
    fn hides_event(&self, e: &Event) -> bool {
        if life_cycle(e.kind) || (e.kind == EventKind::RoleChange && gives_up(&e.detail)) {
            return false;
        }
        self.stopped_at(&e.node, e.ts_ns, &e.origin)
            || (against_peer(e.kind)
                && e.peer
                    .as_ref()
                    .is_some_and(|p| self.stopped_at(p, e.ts_ns, &e.origin)))
    }
}

/// When each node was told to change whom it connects to, by channel ([`Out::Reconfigured`]): a
/// connection on that channel that fails around such a moment, the node's own or a peer's to
/// it, was ended by the change (a failover repointing a replica, an operator's command), not by
/// the network.
#[derive(Debug, Default)]
struct Reconfigurations(BTreeMap<(NodeId, Channel), Vec<i64>>);

/// How far before a reconfiguration line the node's own lines about the connections the change
/// closed come (a program logs the closing first, then the change, in the same instant), and how
/// long after it a peer may notice that its connection to the node ended (a round trip, and the
/// peer's next read).
const RECONFIGURED_BEFORE_NS: i64 = 100_000_000;
const RECONFIGURED_AFTER_NS: i64 = 1_000_000_000;

impl Reconfigurations {
    fn learn(files: &[LogFile], resolver: &Settled) -> Self {
        let mut out: BTreeMap<(NodeId, Channel), Vec<i64>> = BTreeMap::new();
        for f in files {
            for p in &f.lines {
                for o in &p.outs {
                    if let Out::Reconfigured(c, ts) = o {
                        out.entry((resolver.resolve(f.node_of(p)), *c))
                            .or_default()
                            .push(*ts);
                    }
                }
            }
        }
        Reconfigurations(out)
    }

    /// Whether a failure on `channel` at `ts` of a connection with `node` at one end follows
    /// from that node's reconfiguration.
    fn explain(&self, node: &NodeId, channel: Channel, ts: i64) -> bool {
        self.0.get(&(node.clone(), channel)).is_some_and(|v| {
            v.iter()
                .any(|&r| (r - RECONFIGURED_BEFORE_NS..=r + RECONFIGURED_AFTER_NS).contains(&ts))
        })
    }
}

/// The file and line number of an origin (`logs/n1.log:4`).
fn file_line(origin: &str) -> Option<(&str, u64)> {
    let (file, n) = origin.rsplit_once(':')?;
    Some((file, n.parse().ok()?))
}

/// An event a node's detector gives about another node, never about itself.
fn about_other(kind: EventKind) -> bool {
    matches!(
        kind,
        EventKind::PeerDown
            | EventKind::PeerUp
            | EventKind::Suspect
            | EventKind::Unreachable
            | EventKind::MemberFailed
    )
}

/// An event that says something went wrong with its peer.
fn against_peer(kind: EventKind) -> bool {
    !matches!(
        kind,
        EventKind::Election
            | EventKind::RoleChange
            | EventKind::LeaderChange
            | EventKind::NoLeader
            | EventKind::PeerUp
            | EventKind::HealthUp
    )
}

/// Whether a role change gives a role up rather than seeks one (a leader stepping down, losing
/// its leadership, falling back to follower). A node shutting down in order does that on its way
/// out, and its peers act on it; an election it starts on the way out is only the echo of its
/// own shutdown.
fn gives_up(detail: &str) -> bool {
    let d = detail
        .strip_prefix(read::BY_WORDING)
        .unwrap_or(detail)
        .to_ascii_lowercase();
    [
        "stepping down",
        "stepped down",
        "steps down",
        "step down",
        "lost",
        "losing",
    ]
    .iter()
    .any(|w| d.contains(w))
        || [
            "follower",
            "backup",
            "secondary",
            "standby",
            "replica",
            "slave",
        ]
        .contains(&d.trim())
}

/// A start, shutdown or restart announcement: what decides when a node was stopped, never hidden
/// by it.
pub(crate) fn life_cycle(kind: EventKind) -> bool {
    matches!(
        kind,
        EventKind::Start | EventKind::Shutdown | EventKind::Restart
    )
}

impl LogFile {
    /// The node that logged line `p`: the one its envelope names, else the file's.
    fn node_of<'a>(&'a self, p: &'a Pending) -> &'a str {
        p.node.as_deref().unwrap_or(&self.node)
    }
}

/// A file whose lines name two or more writers (Elasticsearch's `[node-a]`, each line its own)
/// holds several nodes, as a test run's or an aggregator's paste does: each such line is its
/// writer's. Lines whose envelope named a node keep it; a file with one writer is untouched.
pub(crate) fn split_by_self_name(files: &mut [LogFile]) {
    for f in files {
        let own = |p: &Pending| {
            p.outs.iter().find_map(|o| match o {
                Out::SelfName(n) if !n.is_empty() => Some(n.clone()),
                _ => None,
            })
        };
        let mut names = f.lines.iter().filter(|p| p.node.is_none()).filter_map(own);
        let Some(first) = names.next() else {
            continue;
        };
        if names.all(|n| n == first) {
            continue;
        }
        for p in f.lines.iter_mut().filter(|p| p.node.is_none()) {
            p.node = own(p);
        }
    }
}

/// Learns the aliases the logs announce (names, member ids, URLs) into `resolver`.
pub(crate) fn learn_aliases(files: &[LogFile], resolver: &mut NodeResolver) {
    // The nodes the files were written by are known names first: two names of one node resolve
    // to the one a file is named after, and a DNS name's first label finds it.
    let writers: std::collections::BTreeSet<&str> = files
        .iter()
        .flat_map(|f| {
            let by_line = f.lines.iter().filter_map(|p| p.node.as_deref());
            std::iter::once(f.node.as_str()).chain(by_line)
        })
        .collect();
    for node in writers {
        resolver.know(node);
    }
    // A member that names itself by host and port (a raft server's address, an Akka node's)
    // and names peers on its own host at other ports shares the host with them.
    for f in files {
        let ported = |s: &str| {
            let (h, p) = s.trim().rsplit_once(':')?;
            (!h.is_empty()
                && !h.contains(':')
                && !p.is_empty()
                && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| (h.to_lowercase(), p.to_owned()))
        };
        let selves: Vec<(String, String)> = f
            .lines
            .iter()
            .flat_map(|p| &p.outs)
            .filter_map(|o| match o {
                Out::SelfId(id) => ported(id),
                _ => None,
            })
            .collect();
        if selves.is_empty() {
            continue;
        }
        for o in f.lines.iter().flat_map(|p| &p.outs) {
            let (Out::Obs { peer, .. }
            | Out::Event {
                peer: Some(peer), ..
            }) = o
            else {
                continue;
            };
            if let Some((h, port)) = ported(peer)
                && selves.iter().any(|(sh, _)| *sh == h)
                && selves.iter().all(|(sh, sp)| *sh != h || *sp != port)
            {
                resolver.share_host(&h);
            }
        }
    }
    for f in files {
        for other in &f.also {
            let canonical = resolver.resolve(&f.node);
            resolver.add_alias(canonical.as_str(), other);
        }
    }
    // Twice, so that an alias announced in one file can use a name announced in a later one.
    for _ in 0..2 {
        for f in files {
            for p in &f.lines {
                let node = f.node_of(p);
                for o in &p.outs {
                    match o {
                        Out::SelfName(name) => {
                            let canonical = resolver.known(name).unwrap_or_else(|| name.clone());
                            resolver.add_alias(&canonical, node);
                        }
                        Out::SelfId(id) => {
                            let me = resolver.resolve(node);
                            resolver.add_alias(me.as_str(), id);
                        }
                        Out::Alias(names) => {
                            let canonical = names
                                .iter()
                                .find_map(|n| resolver.known(n))
                                .unwrap_or_else(|| resolver.resolve(&names[0]).0);
                            for n in names {
                                resolver.add_alias(&canonical, n);
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
    }
    // A node that suspects, or could not reach, a peer whose DNS name's first label is its own
    // (`consul-server-0` suspecting `consul-server-0.dc1`) speaks of another node.
    let mut apart = rustc_hash::FxHashSet::default();
    for f in files {
        for p in &f.lines {
            let node = f.node_of(p);
            for o in &p.outs {
                match o {
                    Out::Obs {
                        peer, ok: false, ..
                    }
                    | Out::Event {
                        peer: Some(peer),
                        about_peer: false,
                        kind:
                            EventKind::Suspect
                            | EventKind::Unreachable
                            | EventKind::PeerDown
                            | EventKind::MemberFailed,
                        ..
                    } => {
                        apart.insert((node, peer.as_str()));
                    }
                    _ => {}
                }
            }
        }
    }
    // Each pair once; keeping one apart changes no other pair.
    let mut apart: Vec<_> = apart.into_iter().collect();
    apart.sort_unstable();
    for (node, peer) in apart {
        let me = resolver.resolve(node);
        resolver.keep_apart(me.as_str(), peer);
    }
    // A peer named by a DNS name whose first label is a node (`vault-2.vault-internal`) is that
    // node: said as an alias, so that `rift ingest` lists the name with the node's others.
    let mut peers = std::collections::BTreeSet::new();
    for f in files {
        for p in &f.lines {
            for o in &p.outs {
                match o {
                    Out::Obs { peer, .. }
                    | Out::Event {
                        peer: Some(peer), ..
                    } => {
                        peers.insert(peer.as_str());
                    }
                    _ => {}
                }
            }
        }
    }
    for peer in peers {
        resolver.adopt_dns_name(peer);
    }
}

/// Moves the lines of each node in `skews` back by its clock's offset, with a note.
fn shift_clocks(
    files: &mut [LogFile],
    resolver: &Settled,
    skews: &[ClockSkew],
    accounts: &mut [FileAccount],
) {
    for f in files {
        let mut moved: Vec<&ClockSkew> = Vec::new();
        for p in &mut f.lines {
            let me = resolver.resolve(p.node.as_deref().unwrap_or(&f.node));
            let Some(skew) = skews.iter().find(|s| s.node == me.as_str()) else {
                continue;
            };
            for o in &mut p.outs {
                if let Out::Obs { ts_ns, .. } | Out::Event { ts_ns, .. } = o {
                    *ts_ns = ts_ns.saturating_sub(skew.offset_ns);
                }
            }
            if !moved.iter().any(|m| std::ptr::eq(*m, skew)) {
                moved.push(skew);
            }
        }
        let zone_assumed = f.assumed.iter().any(|a| a.starts_with("zone "));
        for skew in moved {
            accounts[f.account].notes.push(skew.note("its lines"));
            // A whole number of hours off, in a file whose times name no zone: more likely the
            // zone it was written in than a clock that was wrong.
            if zone_assumed && let Some(zone) = clock::zone_like(skew.offset_ns) {
                accounts[f.account].notes.push(format!(
                    "its times name no zone and are {} its peers', a whole zone's difference: they were likely written in {zone}; if so, say it with timezone in incident.toml ([[source]] or [logs]) rather than trust the correction",
                    skew.offset()
                ));
            }
        }
    }
}

/// The fewest leader elections two nodes must both have logged for their clocks to be compared.
const MIN_SHARED_ELECTIONS: usize = 2;

/// How closely the elections two nodes logged must agree on their clocks' difference: a node
/// logs an election when the leader's first message reaches it, within a heartbeat of the others.
const ELECTION_AGREEMENT_NS: i64 = 1_000_000_000;

/// The smallest clock difference the elections correct: below it, the times nodes log an
/// election at differ by the heartbeat and the network, not by their clocks.
const MIN_ELECTION_SKEW_NS: i64 = 2_000_000_000;

/// Clocks found off from the leader elections the nodes logged. Each line that names the leader
/// of a term is a sample: two nodes logging the same (term, leader) at times `d` apart had
/// clocks `d` apart. A pair is compared when it shares [`MIN_SHARED_ELECTIONS`] elections whose
/// samples agree within [`ELECTION_AGREEMENT_NS`]: a node cut off during an election learns its
/// leader late, but never late by the same amount twice.
fn election_skews(files: &[LogFile], resolver: &Settled) -> Vec<ClockSkew> {
    // (term, leader) → node → when it first logged that election.
    let mut seen: BTreeMap<(u64, NodeId), BTreeMap<NodeId, i64>> = BTreeMap::new();
    for f in files {
        for (p, o) in f
            .lines
            .iter()
            .flat_map(|p| p.outs.iter().map(move |o| (p, o)))
        {
            let me = resolver.resolve(f.node_of(p));
            if let Out::Event {
                ts_ns,
                term: Some(term),
                peer: Some(leader),
                elected: true,
                ..
            } = o
            {
                let at = seen
                    .entry((*term, resolver.resolve(leader)))
                    .or_default()
                    .entry(me.clone())
                    .or_insert(*ts_ns);
                *at = (*at).min(*ts_ns);
            }
        }
    }
    let mut samples: BTreeMap<(NodeId, NodeId), Vec<i64>> = BTreeMap::new();
    for by_node in seen.values() {
        for (a, ta) in by_node {
            for (b, tb) in by_node.range(a..).skip(1) {
                samples
                    .entry((a.clone(), b.clone()))
                    .or_default()
                    .push(tb - ta);
            }
        }
    }
    let diff: BTreeMap<(NodeId, NodeId), i64> = samples
        .into_iter()
        .filter_map(|(pair, mut d)| {
            let median = clock::median(&mut d)?;
            let agree = d.len() >= MIN_SHARED_ELECTIONS
                && d.iter()
                    .all(|x| (x - median).abs() <= ELECTION_AGREEMENT_NS);
            agree.then_some((pair, median))
        })
        .collect();
    let mut placed = clock::place(&diff, ELECTION_AGREEMENT_NS);
    placed.retain(|(_, offset, _)| offset.abs() >= MIN_ELECTION_SKEW_NS);
    placed
        .into_iter()
        .map(|(node, offset_ns, peers)| ClockSkew {
            node: node.as_str().to_owned(),
            offset_ns,
            peers,
            evidence: SkewEvidence::Elections,
        })
        .collect()
}

/// The members lines name as their peers, where the name alone is enough to tell a member
/// (Sentinel's `<id> voted for <id>` names the voter; its `+vote-for-leader <id>` alone does not).
/// Empty when no line names a peer only by a name others must tie (no rule says `peer_tied`).
fn named_peers(files: &[LogFile], resolver: &crate::nodes::Settled) -> BTreeSet<NodeId> {
    let outs = || {
        files
            .iter()
            .flat_map(|f| f.lines.iter().flat_map(|p| &p.outs))
    };
    let tied = outs().any(|o| {
        matches!(
            o,
            Out::Event {
                peer_tied: true,
                ..
            }
        )
    });
    if !tied {
        return BTreeSet::new();
    }
    let names: BTreeSet<&str> = outs()
        .filter_map(|o| match o {
            Out::Obs { peer, .. } => Some(peer.as_str()),
            Out::Event {
                peer: Some(peer),
                peer_tied: false,
                ..
            } => Some(peer.as_str()),
            _ => None,
        })
        .filter(|p| *p != CLUSTER_LEADER)
        .collect();
    names.into_iter().map(|p| resolver.resolve(p)).collect()
}

/// Resolves names and turns recognised lines into observations and events, settling each line's
/// accounting. Evidence about nodes `stops` marks as stopped is dropped (counted).
///
/// A node whose clock was found off from the paired counters (`skews`) has its lines moved with
/// its counts; the other nodes' clocks are then checked against the leader elections the nodes
/// logged, and what that finds is moved and added to `skews`.
pub(crate) fn settle(
    mut files: Vec<LogFile>,
    resolver: &NodeResolver,
    skews: &mut Vec<ClockSkew>,
    accounts: &mut [FileAccount],
    observations: &mut Vec<Observation>,
    events: &mut Vec<Event>,
) -> Stops {
    let resolver = &crate::nodes::Settled::new(resolver);
    shift_clocks(&mut files, resolver, skews, accounts);
    let mut from_elections: Vec<ClockSkew> = election_skews(&files, resolver)
        .into_iter()
        .filter(|s| !skews.iter().any(|c| c.node == s.node))
        .collect();
    shift_clocks(&mut files, resolver, &from_elections, accounts);
    skews.append(&mut from_elections);
    skews.sort_by(|a, b| a.node.cmp(&b.node));
    // Start and shutdown announcements first: they decide what the other lines mean.
    let mut all_events = Vec::new();
    for f in &files {
        for p in &f.lines {
            let me = resolver.resolve(f.node_of(p));
            for o in &p.outs {
                if let Out::Event {
                    ts_ns,
                    kind: kind @ (EventKind::Start | EventKind::Shutdown),
                    detail,
                    ..
                } = o
                {
                    all_events.push(Event {
                        ts_ns: *ts_ns,
                        node: me.clone(),
                        kind: *kind,
                        peer: None,
                        term: None,
                        detail: detail.clone(),
                        origin: format!("{}:{}", f.rel, p.line),
                    });
                }
            }
        }
    }
    let mut stops = Stops::default();
    stops.learn(&all_events);
    // A failure that holds until the node logs its peer up again ends at a line that names the
    // peer by any of its names (a member id, its address).
    for f in &mut files {
        read::hold(&mut f.lines, &|a, b| {
            a == b || resolver.resolve(a) == resolver.resolve(b)
        });
    }
    let leads = Leads::learn(&files, resolver);
    // The members whose leaders, when two lead at once, did not hear each other.
    let deaf_leaders: BTreeSet<NodeId> = files
        .iter()
        .filter(|f| f.two_leaders == Some(TwoLeaders::NeitherHears))
        .flat_map(|f| f.lines.iter().map(|p| resolver.resolve(f.node_of(p))))
        .collect();
    let mut others = OtherMembers::learn(&files, resolver);
    let reconfigured = Reconfigurations::learn(&files, resolver);
    let named = named_peers(&files, resolver);
    let first_event = events.len();
    for f in &files {
        // The earliest line of each node the file holds.
        let mut earliest: BTreeMap<NodeId, i64> = BTreeMap::new();
        for p in &f.lines {
            let me = resolver.resolve(f.node_of(p));
            for o in &p.outs {
                if let Out::Obs { ts_ns, .. } | Out::Event { ts_ns, .. } = o {
                    let e = earliest.entry(me.clone()).or_insert(*ts_ns);
                    *e = (*e).min(*ts_ns);
                }
            }
        }
        for (me, t) in earliest {
            let first_start = stops.marks.get(&me).and_then(|m| m.first()).filter(|m| m.1);
            // Its own lines before its start announcement: a process was logging (a start-up
            // banner that comes late, or a log that begins mid-run).
            if first_start.is_some_and(|s| t < s.0) {
                stops.running_before.insert(me);
            }
        }
    }

    for f in files {
        let account = &mut accounts[f.account];
        for p in f.lines {
            let me = resolver.resolve(p.node.as_deref().unwrap_or(&f.node));
            let origin = format!("{}:{}", f.rel, p.line);
            let (mut used, mut stopped, mut self_loop) = (false, false, false);
            let (mut leaderless, mut changed) = (false, false);
            for o in p.outs {
                match o {
                    Out::Obs {
                        ts_ns,
                        peer,
                        dir,
                        ok,
                        channel,
                        ..
                    } => {
                        // The node's own connection, ended by its own reconfiguration: whoever
                        // the peer was.
                        if !ok && reconfigured.explain(&me, channel, ts_ns) {
                            changed = true;
                            continue;
                        }
                        let peers = if peer == CLUSTER_LEADER {
                            match leads.at(&me, ts_ns) {
                                Some(l) => vec![l],
                                None => {
                                    leaderless = true;
                                    continue;
                                }
                            }
                        } else if let Some(all) = others.meant(&me, &peer, ts_ns) {
                            all
                        } else {
                            vec![resolver.resolve(&peer)]
                        };
                        if ok && dir != Direction::ToPeer {
                            for p in &peers {
                                others.heard(&me, p, ts_ns);
                            }
                        }
                        for peer in peers {
                            if peer == me {
                                self_loop = true;
                                continue;
                            }
                            if !ok && reconfigured.explain(&peer, channel, ts_ns) {
                                changed = true;
                                continue;
                            }
                            let o = observation(ts_ns, &me, peer, dir, ok, channel, &origin);
                            if stops.hides(&o) {
                                stopped = true;
                            } else {
                                used = true;
                                observations.push(o);
                            }
                        }
                    }
                    Out::Event {
                        ts_ns,
                        kind,
                        peer,
                        term,
                        detail,
                        about_peer,
                        peer_tied,
                        ..
                    } => {
                        // A node's detector says nothing of itself (serf lists its own join
                        // among its members', an Akka leader moves itself to Up). Only a line
                        // that names the node by one of its own names is dropped, not one whose
                        // peer shares its host: that may be another node.
                        let names_me = peer
                            .as_deref()
                            .is_some_and(|p| p == me.0 || resolver.exactly(p) == Some(&*me.0));
                        if !about_peer && about_other(kind) && names_me {
                            self_loop = true;
                            continue;
                        }
                        let peer = match peer {
                            Some(p) if p == CLUSTER_LEADER => leads.at(&me, ts_ns),
                            // A name no line ties to a node, and no other line names as
                            // a peer, names no one.
                            Some(p) if peer_tied => resolver.known(&p).map(NodeId).or_else(|| {
                                let n = resolver.resolve(&p);
                                named.contains(&n).then_some(n)
                            }),
                            // A node that says it took the lead names no one: the new leader
                            // is itself.
                            None if kind == EventKind::LeaderChange && leading_role(&detail) => {
                                Some(me.clone())
                            }
                            p => p.map(|p| resolver.resolve(&p)),
                        };
                        if let Some(p) = &peer
                            && !about_peer
                        {
                            others.event(&me, p, kind);
                        }
                        // An event about the peer is the peer's, seen by this node.
                        let (node, peer) = match peer {
                            Some(p) if about_peer => (p, Some(me.clone())),
                            peer => (me.clone(), peer),
                        };
                        let e = Event {
                            ts_ns,
                            kind,
                            peer: peer.filter(|p| *p != node || kind == EventKind::LeaderChange),
                            node,
                            term,
                            detail,
                            origin: origin.clone(),
                        };
                        if life_cycle(kind) {
                            used = true;
                            events.push(e);
                        } else if changed && against_peer(kind) {
                            // What the line said of the connection the change ended.
                        } else if stops.hides_event(&e) {
                            stopped = true;
                        } else {
                            used = true;
                            events.push(e);
                        }
                    }
                    Out::Alias(..)
                    | Out::SelfId(_)
                    | Out::SelfName(_)
                    | Out::Reconfigured(..)
                    | Out::Standing { .. } => used = true,
                }
            }
            if used {
                account.rows_used += 1;
            } else if changed {
                account.skip(SkipReason::Reconfigured, p.line, || {
                    "a connection that ended as one of its ends was told to change whom it connects to (a failover or an operator's command, logged within a second)".to_owned()
                });
            } else if stopped {
                account.skip(SkipReason::NodeStopped, p.line, || {
                    "evidence about a node after its shutdown announcement".to_owned()
                });
            } else if self_loop {
                account.skip(SkipReason::SelfLoop, p.line, || {
                    format!("the line names {me} itself")
                });
            } else if leaderless {
                account.skip(SkipReason::NotRecognised, p.line, || {
                    "it speaks of the node's leader, and no single node said it led at that time"
                        .to_owned()
                });
            } else {
                account.skip(SkipReason::NotRecognised, p.line, String::new);
            }
        }
    }
    let deaf = two_leaders(&events[first_event..], &deaf_leaders, observations);
    observations.extend(deaf);
    stops
}

/// How long two members must both lead before their overlap counts: longer than the
/// announcement interval and the logs' one-second resolution together.
const TWO_LEADERS_MIN_NS: i64 = 2_000_000_000;

/// For members whose leaders stop leading at once when they hear each other (`nodes`): while
/// two of them said they led, neither heard the other. One failed delivery each way per second
/// of the overlap, after its first second, from the members' own role changes in `events`;
/// not for a direction the logs show delivered during the overlap (`seen`: a master that heard
/// the other and could not make it yield, its own adverts being lost, says so).
fn two_leaders(
    events: &[Event],
    nodes: &BTreeSet<NodeId>,
    seen: &[Observation],
) -> Vec<Observation> {
    let ours: Vec<Event> = events
        .iter()
        .filter(|e| nodes.contains(&e.node))
        .cloned()
        .collect();
    let mut out = Vec::new();
    for both in leaders_at_once(&ours, TWO_LEADERS_MIN_NS) {
        let (from, to) = (both.from_ns, both.to_ns);
        let [a, b] = &both.nodes;
        let origin = format!(
            "two leaders at once: {} and {}",
            both.origins[0], both.origins[1]
        );
        let heard = |src: &NodeId, dst: &NodeId| {
            seen.iter().any(|o| {
                o.src == *src && o.dst == *dst && o.delivered > 0 && (from..to).contains(&o.ts_ns)
            })
        };
        let ways: Vec<(&NodeId, &NodeId)> = [(a, b), (b, a)]
            .into_iter()
            .filter(|(src, dst)| !heard(src, dst))
            .collect();
        // The overlap is read from the two spells, not reported by either member while it
        // lasts: the rows are put down to the member whose own line began it (the later one to
        // lead), so that a member whose spell only lingers in its last line (killed while it
        // led) is not taken for one that kept reporting.
        let reporter = b.0.clone();
        let mut t = from + 1_000_000_000;
        while t < to {
            for &(src, dst) in &ways {
                // Each one's own silence: it did not hear the other.
                let mut o = observation(
                    t,
                    dst,
                    src.clone(),
                    Direction::FromPeer,
                    false,
                    Channel::Heartbeat,
                    &origin,
                );
                o.reporter.clone_from(&reporter);
                out.push(o);
            }
            t += 1_000_000_000;
        }
    }
    out
}

/// Who said it leads, and when: each node's own role changes (to a leading role and away from
/// it), its starts and its shutdowns.
struct Leads(BTreeMap<NodeId, Vec<(i64, bool)>>);

impl Leads {
    fn learn(files: &[LogFile], resolver: &Settled) -> Leads {
        let mut spells: BTreeMap<NodeId, Vec<(i64, bool)>> = BTreeMap::new();
        for f in files {
            for p in &f.lines {
                for o in &p.outs {
                    let Out::Event {
                        ts_ns,
                        kind,
                        detail,
                        about_peer: false,
                        ..
                    } = o
                    else {
                        continue;
                    };
                    let leads = match kind {
                        EventKind::RoleChange => leading_role(detail),
                        EventKind::Start | EventKind::Shutdown => false,
                        _ => continue,
                    };
                    let me = resolver.resolve(f.node_of(p));
                    spells.entry(me).or_default().push((*ts_ns, leads));
                }
            }
        }
        for s in spells.values_mut() {
            s.sort_by_key(|x| x.0);
        }
        Leads(spells)
    }

    /// The one node other than `me` that last said it leads at `ts`; none when no node or
    /// several did.
    fn at(&self, me: &NodeId, ts: i64) -> Option<NodeId> {
        let mut found = None;
        for (node, spells) in &self.0 {
            let leads = spells.iter().take_while(|s| s.0 <= ts).last();
            if node == me || !leads.is_some_and(|s| s.1) {
                continue;
            }
            if found.is_some() {
                return None;
            }
            found = Some(node.clone());
        }
        found
    }
}

fn observation(
    ts_ns: i64,
    me: &NodeId,
    peer: NodeId,
    dir: Direction,
    ok: bool,
    channel: Channel,
    origin: &str,
) -> Observation {
    let (src, dst, evidence) = match dir {
        Direction::ToPeer => (me.clone(), peer, Evidence::OneWay),
        Direction::FromPeer => (peer, me.clone(), Evidence::OneWay),
        Direction::RoundTrip => (me.clone(), peer, Evidence::RoundTrip),
    };
    Observation {
        ts_ns,
        src,
        dst,
        channel,
        flow: None,
        evidence,
        attempts: 1,
        delivered: u32::from(ok),
        latency_ms: None,
        reporter: me.0.clone(),
        origin: origin.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(ts: i64, node: &str, kind: EventKind) -> Event {
        Event {
            ts_ns: ts,
            node: NodeId::from(node),
            kind,
            peer: None,
            term: None,
            detail: String::new(),
            origin: String::new(),
        }
    }

    #[test]
    fn two_masters_at_once_did_not_hear_each_other_while_both_led() {
        let s = 1_000_000_000;
        let role = |ts: i64, node: &str, role: &str| Event {
            detail: role.to_owned(),
            origin: format!("{node}.log:{ts}"),
            ..ev(ts * s, node, EventKind::RoleChange)
        };
        let events = [
            role(0, "n1", "master"),
            role(0, "n2", "backup"),
            role(10, "n2", "master"),
            role(16, "n2", "backup"),
            // n3 leads for a second only as n1 yields to it: an ordinary hand-over.
            role(30, "n3", "master"),
            role(30, "n1", "backup"),
            ev(40 * s, "n3", EventKind::Shutdown),
        ];
        let nodes: BTreeSet<NodeId> = ["n1", "n2", "n3"].into_iter().map(NodeId::from).collect();
        let got: Vec<(i64, String, String)> = two_leaders(&events, &nodes, &[])
            .into_iter()
            .map(|o| {
                assert_eq!(o.delivered, 0);
                assert_eq!(o.evidence, Evidence::OneWay);
                (o.ts_ns / s, o.src.0.to_string(), o.dst.0.to_string())
            })
            .collect();
        let mut want = Vec::new();
        for t in 11..16 {
            want.push((t, "n1".to_owned(), "n2".to_owned()));
            want.push((t, "n2".to_owned(), "n1".to_owned()));
        }
        assert_eq!(got, want);
        // A system whose leaders may overlap for other reasons gives nothing.
        assert!(two_leaders(&events, &BTreeSet::new(), &[]).is_empty());
        // A master that logged hearing the other during the overlap heard it: only the other
        // way is claimed.
        let heard = observation(
            12 * s,
            &NodeId::from("n1"),
            NodeId::from("n2"),
            Direction::FromPeer,
            true,
            Channel::Heartbeat,
            "n1.log:12",
        );
        let got = two_leaders(&events, &nodes, &[heard]);
        assert_eq!(got.len(), 5);
        assert!(got.iter().all(|o| o.src.0 == "n1" && o.dst.0 == "n2"));
    }

    #[test]
    fn a_node_is_stopped_after_shutdown_until_it_starts_again() {
        let mut s = Stops::default();
        s.learn(&[
            ev(10, "n1", EventKind::Start),
            ev(50, "n1", EventKind::Shutdown),
            ev(80, "n1", EventKind::Start),
        ]);
        let n1 = NodeId::from("n1");
        assert!(s.stopped(&n1, 5), "before its first start");
        assert!(!s.stopped(&n1, 10) && !s.stopped(&n1, 49));
        assert!(s.stopped(&n1, 50) && s.stopped(&n1, 79));
        assert!(!s.stopped(&n1, 80));
        assert!(
            !s.stopped(&NodeId::from("n2"), 60),
            "no announcement, never stopped"
        );
        let second = 1_000_000_000;
        s.learn(&[ev(90 * second, "n1", EventKind::Shutdown)]);
        assert!(
            !s.stopped(&n1, 90 * second),
            "a whole second at the shutdown line's own: logged in its second, before it"
        );
        assert!(s.stopped(&n1, 90 * second + 1));
        s.learn(&[
            ev(95 * second, "n1", EventKind::Shutdown),
            ev(95 * second, "n1", EventKind::Start),
        ]);
        assert!(
            !s.stopped(&n1, 95 * second) && !s.stopped(&n1, 96 * second),
            "a restart within one second: up after it, as logged"
        );
        s.running_before.insert(n1.clone());
        assert!(
            !s.stopped(&n1, 5),
            "its own log shows it at work before the start"
        );
    }

    #[test]
    fn at_the_instant_of_a_shutdown_its_own_file_orders_the_lines() {
        let mut s = Stops::default();
        let at = 90_000_000_000 + 984_000_000;
        s.learn(&[Event {
            origin: "logs/n1.log:4".to_owned(),
            ..ev(at, "n1", EventKind::Shutdown)
        }]);
        let n1 = NodeId::from("n1");
        assert!(
            !s.stopped_at(&n1, at, "logs/n1.log:1"),
            "logged above the shutdown line in the same millisecond: before it"
        );
        assert!(s.stopped_at(&n1, at, "logs/n1.log:5"));
        assert!(
            s.stopped_at(&n1, at, "logs/n2.log:1"),
            "another file's line at a finer instant than a second: after it"
        );
        assert!(s.stopped_at(&n1, at + 1, "logs/n1.log:1"));
    }

    #[test]
    fn after_its_peer_stopped_a_node_keeps_its_own_leadership_events() {
        let mut s = Stops::default();
        s.learn(&[
            ev(10, "n1", EventKind::Start),
            ev(50, "n1", EventKind::Shutdown),
        ]);
        let about_n1 = |kind| Event {
            peer: Some(NodeId::from("n1")),
            ..ev(60, "n2", kind)
        };
        assert!(!s.hides_event(&about_n1(EventKind::LeaderChange)));
        assert!(!s.hides_event(&about_n1(EventKind::Election)));
        assert!(s.hides_event(&about_n1(EventKind::PeerDown)));
        assert!(s.hides_event(&about_n1(EventKind::Unreachable)));
        // What the stopped node logs itself is hidden, whatever it is: after the stop signal
        // (its own `received signal`, or the service manager's `Stopping …`) a daemon's lines
        // are its way out.
        assert!(s.hides_event(&ev(60, "n1", EventKind::Election)));
    }

    /// A log of `node` naming the leader of each `(term, leader, when)`, in seconds.
    fn elections(node: &str, seen: &[(u64, &str, i64)]) -> LogFile {
        let lines = seen
            .iter()
            .enumerate()
            .map(|(i, &(term, leader, s))| Pending {
                line: i as u64 + 1,
                node: None,
                outs: vec![Out::Event {
                    ts_ns: s * 1_000_000_000,
                    kind: EventKind::LeaderChange,
                    peer: Some(leader.to_owned()),
                    term: Some(term),
                    detail: String::new(),
                    elected: true,
                    about_peer: false,
                    peer_tied: false,
                }],
            })
            .collect();
        LogFile {
            account: 0,
            rel: format!("{node}.log"),
            node: node.to_owned(),
            also: Vec::new(),
            lines,
            detector: None,
            system: None,
            assumed: Vec::new(),
            two_leaders: None,
        }
    }

    #[test]
    fn elections_find_a_clock_off_but_not_a_member_that_learned_its_leader_late() {
        let resolver = NodeResolver::new();
        let on_time = [(2, "n1", 100), (3, "n3", 200), (4, "n1", 300)];
        let files = vec![
            elections("n1", &on_time),
            elections("n2", &[(2, "n1", 3700), (3, "n3", 3800), (4, "n1", 3900)]),
            elections("n3", &on_time),
        ];
        let skews = election_skews(&files, &Settled::new(&resolver));
        assert_eq!(skews.len(), 1, "{skews:?}");
        assert_eq!(
            (skews[0].node.as_str(), skews[0].offset_ns),
            ("n2", 3_600_000_000_000)
        );
        assert_eq!(skews[0].peers, 2);

        // n2 was cut off at term 3 and heard of it a minute late; at term 2 it was on time.
        let files = vec![
            elections("n1", &on_time),
            elections("n2", &[(2, "n1", 100), (3, "n3", 260)]),
            elections("n3", &on_time),
        ];
        assert!(election_skews(&files, &Settled::new(&resolver)).is_empty());

        // One shared election is not enough to judge a clock.
        let files = vec![
            elections("n1", &on_time[..1]),
            elections("n2", &[(2, "n1", 3700)]),
        ];
        assert!(election_skews(&files, &Settled::new(&resolver)).is_empty());
    }

    #[test]
    fn the_node_of_a_log_file_is_its_name_up_to_the_first_dot() {
        assert_eq!(node_of_file("logs/n1.stderr.log"), "n1");
        assert_eq!(node_of_file("cass-a.log"), "cass-a");
        assert_eq!(node_of_file("logs/10.2.0.17.log"), "10.2.0.17");
        assert_eq!(node_of_file("10.2.0.17_4647.log.gz"), "10.2.0.17_4647");
        assert_eq!(node_of_file("10.2.log"), "10");
        assert_eq!(node_of_file("etcd-10.9.0.14.log"), "etcd-10.9.0.14");
        assert_eq!(node_of_file("etcd-10.9.0.14.log.1"), "etcd-10.9.0.14");
        assert_eq!(node_of_file("consul-server-1.dc1.log"), "consul-server-1");
        assert_eq!(node_of_file("etcd-3.4.log"), "etcd-3");
        // glog's names and CockroachDB's: the host.
        assert_eq!(
            node_of_file("kube-apiserver.master-1.root.log.INFO.20230415-101112.1"),
            "master-1"
        );
        assert_eq!(
            node_of_file(
                "logs/cockroach.db-3.us-east.internal.root.2023-08-07T23_34_14Z.010878.log"
            ),
            "db-3.us-east.internal"
        );
        assert_eq!(
            names_of_file("consul-server-1.dc1.log"),
            ["consul-server-1.dc1"]
        );
        assert_eq!(
            names_of_file("logs/cm-master1.example.com.log.1"),
            ["cm-master1.example.com"]
        );
        assert!(names_of_file("logs/n1.stderr.log").is_empty());
        assert!(names_of_file("logs/10.2.0.17.log").is_empty());
        assert_eq!(names_of_file("10.2.0.17_4647.log.gz"), ["10.2.0.17:4647"]);
        assert_eq!(
            names_of_file("192.168.31.101-19380.log"),
            ["192.168.31.101:19380"]
        );
        assert!(names_of_file("etcd-2.log").is_empty());
        let docker = format!(
            "containers/{0}/{0}-json.log",
            "4f9c0e2b7a3d".repeat(5) + "4f9c"
        );
        assert_eq!(node_of_file(&docker), "4f9c0e2b7a3d");
    }
}
