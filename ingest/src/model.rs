//! The vocabulary shared by every stage: column names, channels, evidence kinds, node ids.
//!
//! # The observations table
//!
//! | column | polars type | meaning |
//! |---|---|---|
//! | `ts` | `Datetime(ns, UTC)` | end of the measured interval (counters) or the time the probe was sent |
//! | `src`, `dst` | `Categorical` | sender and receiver of the measured traffic |
//! | `channel` | `Enum` | `heartbeat`, `data`, `health`, `probe`, `indirect` ([`Channel`]) |
//! | `flow` | `String`, nullable | flow tuple / port / path id where known |
//! | `evidence` | `Enum` | `one_way` or `round_trip` ([`Evidence`]) |
//! | `attempts`, `delivered` | `UInt32` | messages sent by `src` and how many arrived (one way) or came back (round trip) |
//! | `latency_ms` | `Float32`, nullable | where known |
//! | `reporter` | `Categorical` | the node or tool that reported the row |
//! | `origin` | `String` | where the row came from: `file:line` (Parquet: `file:row N`); a row paired from two input lines lists both, separated by `;` |
//!
//! # The events table
//!
//! | column | polars type | meaning |
//! |---|---|---|
//! | `ts` | `Datetime(ns, UTC)` | when it happened |
//! | `node` | `Categorical` | the node the event is about |
//! | `kind` | `Categorical` | [`EventKind`] as a string |
//! | `peer` | `Categorical`, nullable | the other node, where the event names one |
//! | `term` | `UInt64`, nullable | the consensus term, where known |
//! | `detail` | `String` | free text, e.g. the HTTP status of a failed health check |
//! | `origin` | `String` | `file:line` |

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Column names of the observations and events tables.
pub mod col {
    /// Timestamp, `Datetime(ns, UTC)`.
    pub const TS: &str = "ts";
    /// Sender of the measured traffic.
    pub const SRC: &str = "src";
    /// Receiver of the measured traffic.
    pub const DST: &str = "dst";
    /// [`super::Channel`] of the traffic.
    pub const CHANNEL: &str = "channel";
    /// Flow tuple, port or path id, nullable.
    pub const FLOW: &str = "flow";
    /// [`super::Evidence`] kind.
    pub const EVIDENCE: &str = "evidence";
    /// Messages sent.
    pub const ATTEMPTS: &str = "attempts";
    /// Messages delivered (one way) or answered (round trip).
    pub const DELIVERED: &str = "delivered";
    /// Latency in milliseconds, nullable.
    pub const LATENCY_MS: &str = "latency_ms";
    /// Node or tool that reported the row.
    pub const REPORTER: &str = "reporter";
    /// `file:line` the row came from.
    pub const ORIGIN: &str = "origin";
    /// Events: the node the event is about.
    pub const NODE: &str = "node";
    /// Events: the [`super::EventKind`].
    pub const KIND: &str = "kind";
    /// Events: the other node, nullable.
    pub const PEER: &str = "peer";
    /// Events: consensus term, nullable.
    pub const TERM: &str = "term";
    /// Events: free text.
    pub const DETAIL: &str = "detail";
}

/// What kind of traffic an observation measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// Peer and control traffic: consensus heartbeats, gossip, replication streams' keep-alives.
    Heartbeat,
    /// The real workload: client requests, replication of data.
    Data,
    /// A health-check endpoint (a load balancer's `/health` probe).
    Health,
    /// A synthetic data-plane probe.
    Probe,
    /// A third node probing on someone's behalf (SWIM indirect probes).
    Indirect,
}

impl Channel {
    /// Every channel, in the order used for output.
    pub const ALL: [Channel; 5] = [
        Channel::Heartbeat,
        Channel::Data,
        Channel::Health,
        Channel::Probe,
        Channel::Indirect,
    ];

    /// The position in [`Channel::ALL`]: the physical code of the table's enum column.
    #[expect(
        clippy::expect_used,
        reason = "a fixed list of the variants, not input"
    )]
    pub fn index(self) -> u8 {
        Channel::ALL
            .iter()
            .position(|&x| x == self)
            .expect("ALL lists every variant") as u8
    }

    /// The name used in tables, files and flags.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Heartbeat => "heartbeat",
            Channel::Data => "data",
            Channel::Health => "health",
            Channel::Probe => "probe",
            Channel::Indirect => "indirect",
        }
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Channel {
    type Err = String;

    /// Accepts the channel names and a few common synonyms (`peer`, `raft`, `gossip` for
    /// heartbeat; `client`, `workload` for data).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "heartbeat" | "peer" | "raft" | "gossip" | "control" => Ok(Channel::Heartbeat),
            "data" | "client" | "workload" | "replication" => Ok(Channel::Data),
            "health" | "healthcheck" | "health_check" => Ok(Channel::Health),
            "probe" | "synthetic" => Ok(Channel::Probe),
            "indirect" => Ok(Channel::Indirect),
            other => Err(format!(
                "unknown channel '{other}' (expected one of heartbeat, data, health, probe, indirect)"
            )),
        }
    }
}

/// How an observation's counts relate to the two directions of a pair.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Evidence {
    /// `attempts` were sent by `src`, `delivered` of them arrived at `dst`: pins the direction.
    OneWay,
    /// `src` sent `attempts` requests to `dst` and `delivered` replies came back: a failure says
    /// only that one of the two directions failed.
    RoundTrip,
}

impl Evidence {
    /// Both kinds, in output order.
    pub const ALL: [Evidence; 2] = [Evidence::OneWay, Evidence::RoundTrip];

    /// The position in [`Evidence::ALL`]: the physical code of the table's enum column.
    #[expect(
        clippy::expect_used,
        reason = "a fixed list of the variants, not input"
    )]
    pub fn index(self) -> u8 {
        Evidence::ALL
            .iter()
            .position(|&x| x == self)
            .expect("ALL lists every variant") as u8
    }

    /// The name used in tables.
    pub fn as_str(self) -> &'static str {
        match self {
            Evidence::OneWay => "one_way",
            Evidence::RoundTrip => "round_trip",
        }
    }
}

impl fmt::Display for Evidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Evidence {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "one_way" => Ok(Evidence::OneWay),
            "round_trip" => Ok(Evidence::RoundTrip),
            other => Err(format!(
                "unknown evidence '{other}' (expected one_way or round_trip)"
            )),
        }
    }
}

/// The canonical name of a node, after aliases (IPs, member ids, host names) are resolved.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct NodeId(pub String);

impl NodeId {
    /// The name as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for NodeId {
    fn from(s: &str) -> Self {
        NodeId(s.to_owned())
    }
}

/// In the `detail` of a [`EventKind::LeaderChange`]: its peer is the leader the node lost, not
/// the one it now follows.
pub const LOST_LEADER: &str = "lost leader";

/// How the `detail` of a [`EventKind::PeerDown`] from a prober's table of requests begins when
/// the request's connection was refused: the row is a failed round trip whose target's host
/// answered, so the path worked and the target's process did not serve.
pub const REFUSED: &str = "connection refused:";

/// How the `detail` of a [`EventKind::PeerDown`] from a prober's health or probe table begins
/// when the target answered the check with an HTTP error status of its own: the row is a failed
/// round trip that the target answered, so the path worked and its service said it could not
/// serve.
pub const ANSWERED: &str = "answered with an error:";

/// What an event row records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// A health check of `node` started failing (`peer` is the prober).
    HealthDown,
    /// A health check of `node` passed again after failing (`peer` is the prober).
    HealthUp,
    /// `node` restarted (its running totals went back down).
    Restart,
    /// `node` announced that it started (a start-up banner in its log).
    Start,
    /// `node` announced an orderly shutdown; evidence about it afterwards is not a fault.
    Shutdown,
    /// `node`'s election timer fired: it stopped hearing its leader (`peer`, where known).
    Election,
    /// `node` changed its own role (`detail`: follower, candidate, leader, …; `term` where known).
    RoleChange,
    /// `node`'s view of the leader changed (`peer`: the new leader, or the lost one, when
    /// `detail` contains [`LOST_LEADER`]).
    LeaderChange,
    /// `node` has no leader (a gauge, a health endpoint or its own log said so).
    NoLeader,
    /// `node` states its own verdict that `peer` is down or inactive: its failure detector's,
    /// whatever fed it (its probes, the silence of `peer`'s updates through a lease, a store or
    /// an apiserver, a quorum it counted itself); or `node` found `peer`'s process down: a
    /// connection `peer`'s host refused (the host answered, nothing listened), which says nothing
    /// against the path between them.
    PeerDown,
    /// `node`'s failure detector or membership marked `peer` up, active or joined again.
    PeerUp,
    /// `node` suspects `peer` (first-hand, before a final verdict).
    Suspect,
    /// `node` could not reach `peer` (a probe, dial or request failed without an answer).
    Unreachable,
    /// A membership layer `node` runs (a gossip protocol, a cluster's leader) declared `peer`
    /// failed or removed it: the group's verdict, often learnt from others.
    MemberFailed,
    /// A load balancer or proxy took `peer` out of service.
    BackendDown,
    /// A synthetic probe raised an alert about `peer`.
    ProbeAlert,
    /// `node` itself stalled (disk, GC, CPU, a paused process). Never network evidence.
    Stall,
    /// `node` repeated another node's opinion about `peer`. Never first-hand evidence.
    Relay,
    /// `node` last heard from `peer` at this time (inferred from a read timeout).
    LastHeard,
}

/// Which events a person asks for: of one node, of one kind, from a time, until a time (each
/// when given; the times inclusive).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EventFilter {
    /// Only this node.
    pub node: Option<NodeId>,
    /// Only this kind.
    pub kind: Option<EventKind>,
    /// Not before this time, ns since the epoch.
    pub since_ns: Option<i64>,
    /// Not after this time, ns since the epoch.
    pub until_ns: Option<i64>,
}

impl EventFilter {
    /// Whether `e` is one of the events asked for.
    pub fn matches(&self, e: &Event) -> bool {
        self.node.as_ref().is_none_or(|n| *n == e.node)
            && self.kind.is_none_or(|k| k == e.kind)
            && self.since_ns.is_none_or(|t| e.ts_ns >= t)
            && self.until_ns.is_none_or(|t| e.ts_ns <= t)
    }
}

impl EventKind {
    /// Every kind, in output order.
    pub const ALL: [EventKind; 19] = [
        EventKind::HealthDown,
        EventKind::HealthUp,
        EventKind::Restart,
        EventKind::Start,
        EventKind::Shutdown,
        EventKind::Election,
        EventKind::RoleChange,
        EventKind::LeaderChange,
        EventKind::NoLeader,
        EventKind::PeerDown,
        EventKind::PeerUp,
        EventKind::Suspect,
        EventKind::Unreachable,
        EventKind::MemberFailed,
        EventKind::BackendDown,
        EventKind::ProbeAlert,
        EventKind::Stall,
        EventKind::Relay,
        EventKind::LastHeard,
    ];

    /// The name used in the events table.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::HealthDown => "health_down",
            EventKind::HealthUp => "health_up",
            EventKind::Restart => "restart",
            EventKind::Start => "start",
            EventKind::Shutdown => "shutdown",
            EventKind::Election => "election",
            EventKind::RoleChange => "role_change",
            EventKind::LeaderChange => "leader_change",
            EventKind::NoLeader => "no_leader",
            EventKind::PeerDown => "peer_down",
            EventKind::PeerUp => "peer_up",
            EventKind::Suspect => "suspect",
            EventKind::Unreachable => "unreachable",
            EventKind::MemberFailed => "member_failed",
            EventKind::BackendDown => "backend_down",
            EventKind::ProbeAlert => "probe_alert",
            EventKind::Stall => "stall",
            EventKind::Relay => "relay",
            EventKind::LastHeard => "last_heard",
        }
    }
}

impl FromStr for EventKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        EventKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = EventKind::ALL.iter().map(|k| k.as_str()).collect();
                format!(
                    "unknown event kind '{s}' (expected one of {})",
                    names.join(", ")
                )
            })
    }
}

/// One row of the observations table, as readers produce it.
#[derive(Clone, Debug, PartialEq)]
pub struct Observation {
    /// Nanoseconds since the Unix epoch, UTC.
    pub ts_ns: i64,
    /// Sender of the measured traffic.
    pub src: NodeId,
    /// Receiver of the measured traffic.
    pub dst: NodeId,
    /// Channel of the traffic.
    pub channel: Channel,
    /// Flow tuple, port or path id.
    pub flow: Option<String>,
    /// Evidence kind.
    pub evidence: Evidence,
    /// Messages sent.
    pub attempts: u32,
    /// Messages delivered (one way) or answered (round trip).
    pub delivered: u32,
    /// Latency where known.
    pub latency_ms: Option<f32>,
    /// Who reported the row.
    pub reporter: String,
    /// `file:line` it came from.
    pub origin: String,
}

impl Observation {
    /// The row, borrowed.
    pub fn as_row(&self) -> ObservationRow<'_> {
        ObservationRow {
            ts_ns: self.ts_ns,
            src: &self.src.0,
            dst: &self.dst.0,
            channel: self.channel,
            flow: self.flow.as_deref(),
            evidence: self.evidence,
            attempts: self.attempts,
            delivered: self.delivered,
            latency_ms: self.latency_ms,
            reporter: &self.reporter,
            origin: &self.origin,
        }
    }
}

/// One row of the observations table with borrowed strings: what sources that hold their names
/// elsewhere (the counters pairing store) hand over without an allocation per row.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ObservationRow<'a> {
    /// Nanoseconds since the Unix epoch, UTC.
    pub ts_ns: i64,
    /// Sender of the measured traffic.
    pub src: &'a str,
    /// Receiver of the measured traffic.
    pub dst: &'a str,
    /// Channel of the traffic.
    pub channel: Channel,
    /// Flow tuple, port or path id.
    pub flow: Option<&'a str>,
    /// Evidence kind.
    pub evidence: Evidence,
    /// Messages sent.
    pub attempts: u32,
    /// Messages delivered (one way) or answered (round trip).
    pub delivered: u32,
    /// Latency where known.
    pub latency_ms: Option<f32>,
    /// Who reported the row.
    pub reporter: &'a str,
    /// `file:line` it came from.
    pub origin: &'a str,
}

/// One row of the events table.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    /// Nanoseconds since the Unix epoch, UTC.
    pub ts_ns: i64,
    /// The node the event is about.
    pub node: NodeId,
    /// What happened.
    pub kind: EventKind,
    /// The other node, where the event names one.
    pub peer: Option<NodeId>,
    /// Consensus term, where known.
    pub term: Option<u64>,
    /// Free text.
    pub detail: String,
    /// `file:line` it came from.
    pub origin: String,
}

impl Event {
    /// Whether this is a prober's word, from its table of requests, that the target's host
    /// answered a failed request ([`REFUSED`], [`ANSWERED`]): about the target's service, not
    /// a member's detector acting nor the network.
    pub fn is_answered_failure(&self) -> bool {
        self.kind == EventKind::PeerDown
            && (self.detail.starts_with(REFUSED) || self.detail.starts_with(ANSWERED))
    }
}

/// How exact a `last_heard` time is, in ns: the silence began after the last arrival, by up to
/// the peer's send period (`period_ns`), and the timeout can fire late, which puts the last
/// arrival up to `late_ns` before the time the event gives.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HeardSlack {
    /// How often the peer sends what the timeout watches.
    pub period_ns: i64,
    /// How late the timeout can fire.
    pub late_ns: i64,
}

/// The detail of a `last_heard` event: the read timeout that dated it and how exact that makes
/// it (`None`: unknown, a setting it needs is known nowhere). [`last_heard_slack`] reads it
/// back.
pub fn last_heard_detail(timeout_ns: i64, slack: Option<HeardSlack>) -> String {
    let mut out = format!("read timed out {} s later", timeout_ns as f64 / 1e9);
    match slack {
        None => {
            out.push_str(", ");
            out.push_str(SLACK_UNKNOWN);
        }
        Some(s) => {
            if s.period_ns > 0 {
                out.push_str(&format!("{SENDS}{} s", s.period_ns as f64 / 1e9));
            }
            if s.late_ns > 0 {
                out.push_str(&format!("{LATE}{} s late", s.late_ns as f64 / 1e9));
            }
        }
    }
    out
}

const SLACK_UNKNOWN: &str = "how exactly unknown (a setting it needs is known nowhere)";
const SENDS: &str = ", the peer sends every ";
const LATE: &str = ", the timeout fires up to ";

/// How exact a `last_heard` event's time is, as [`last_heard_detail`] wrote it; `None` when
/// unknown.
pub fn last_heard_slack(detail: &str) -> Option<HeardSlack> {
    if detail.ends_with(SLACK_UNKNOWN) {
        return None;
    }
    let secs = |after: &str, unit: &str| -> Option<i64> {
        let (_, rest) = detail.split_once(after)?;
        let n = rest.split_once(unit).map_or(rest, |(n, _)| n);
        let secs: f64 = n.parse().ok()?;
        Some((secs * 1e9).round() as i64)
    };
    Some(HeardSlack {
        period_ns: secs(SENDS, " s").unwrap_or(0),
        late_ns: secs(LATE, " s late").unwrap_or(0),
    })
}

/// Whether a role a node changed to makes it the one that leads (a Raft leader, a VRRP or Redis
/// master, a MongoDB primary, Vault's active node).
pub fn leading_role(role: &str) -> bool {
    let r = role.trim();
    [
        "leader",
        "leading",
        "active",
        "master",
        "primary",
        "cluster-manager",
    ]
    .iter()
    .any(|l| r.eq_ignore_ascii_case(l))
}

/// Two nodes that each said they led over the same stretch of time: a split brain, as far as
/// their own role changes tell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeadersAtOnce {
    /// The two nodes, in the order their spells began.
    pub nodes: [NodeId; 2],
    /// When the later of the two began to lead, ns since the epoch.
    pub from_ns: i64,
    /// When the first of them stopped (or its log ended), ns since the epoch.
    pub to_ns: i64,
    /// The lines each began to lead at.
    pub origins: [String; 2],
}

/// A node's spell as leader, as its own log tells it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeaderSpell {
    /// The node.
    pub node: NodeId,
    /// The term it began to lead in, where its log gives one.
    pub term: Option<u64>,
    /// When it began to lead, ns since the epoch.
    pub from_ns: i64,
    /// When it stopped; for a spell still open when its log ends, the node's last event.
    pub to_ns: i64,
    /// Whether the spell was still open when the node's log ended.
    pub open: bool,
    /// The line it began to lead at.
    pub origin: String,
}

/// Each node's spells as leader, in the order they began (then by node). A spell runs from a
/// role change to a leading role until the node says otherwise: another role, a leader other
/// than itself, no leader, a start or a shutdown. A node that says it leads while it already
/// leads goes on with the same spell.
pub fn leader_spells(events: &[Event]) -> Vec<LeaderSpell> {
    // In time order, and lines of one instant in the order they were written (a keepalived
    // backup says its master's adverts timed out, then that it takes over, in one second).
    let line_of = |e: &Event| {
        e.origin
            .rsplit_once(':')
            .and_then(|(_, l)| l.parse::<u64>().ok())
            .unwrap_or(0)
    };
    let mut order: Vec<&Event> = events.iter().collect();
    order.sort_by_key(|e| (e.ts_ns, line_of(e)));
    let mut open: std::collections::BTreeMap<&NodeId, (i64, Option<u64>, &str)> =
        std::collections::BTreeMap::new();
    let mut last_seen: std::collections::BTreeMap<&NodeId, i64> = std::collections::BTreeMap::new();
    let mut out = Vec::new();
    for e in order {
        last_seen.insert(&e.node, e.ts_ns);
        let ends = match e.kind {
            EventKind::RoleChange if leading_role(&e.detail) => {
                open.entry(&e.node).or_insert((e.ts_ns, e.term, &e.origin));
                false
            }
            EventKind::RoleChange
            | EventKind::NoLeader
            | EventKind::Start
            | EventKind::Shutdown => true,
            EventKind::LeaderChange => e.peer.as_ref().is_some_and(|p| *p != e.node),
            _ => false,
        };
        if ends && let Some((from, term, origin)) = open.remove(&e.node) {
            out.push(LeaderSpell {
                node: e.node.clone(),
                term,
                from_ns: from,
                to_ns: e.ts_ns,
                open: false,
                origin: origin.to_owned(),
            });
        }
    }
    for (node, (from, term, origin)) in open {
        out.push(LeaderSpell {
            node: node.clone(),
            term,
            from_ns: from,
            to_ns: last_seen[node],
            open: true,
            origin: origin.to_owned(),
        });
    }
    out.sort_by(|a, b| (a.from_ns, &a.node).cmp(&(b.from_ns, &b.node)));
    out
}

/// Every overlap of at least `min_ns` between two nodes' spells as leader ([`leader_spells`]),
/// in time order.
pub fn leaders_at_once(events: &[Event], min_ns: i64) -> Vec<LeadersAtOnce> {
    let spells = leader_spells(events);
    let mut out = Vec::new();
    for (i, a) in spells.iter().enumerate() {
        for b in &spells[i + 1..] {
            let (from, to) = (a.from_ns.max(b.from_ns), a.to_ns.min(b.to_ns));
            if a.node != b.node && to - from >= min_ns {
                out.push(LeadersAtOnce {
                    nodes: [a.node.clone(), b.node.clone()],
                    from_ns: from,
                    to_ns: to,
                    origins: [a.origin.clone(), b.origin.clone()],
                });
            }
        }
    }
    out.sort_by_key(|o| (o.from_ns, o.nodes.clone()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(ms: i64, node: &str, kind: EventKind, detail: &str, peer: Option<&str>) -> Event {
        Event {
            ts_ns: ms * 1_000_000,
            node: NodeId(node.into()),
            kind,
            peer: peer.map(|p| NodeId(p.into())),
            term: None,
            detail: detail.into(),
            origin: format!("{node}.log:{ms}"),
        }
    }

    #[test]
    fn a_spell_as_leader_ends_when_the_node_says_it_no_longer_leads() {
        let events = vec![
            event(9_000, "a", EventKind::Stall, "", None),
            event(1_000, "a", EventKind::RoleChange, "leader", None),
            event(2_000, "a", EventKind::RoleChange, "leader", None),
            event(4_000, "a", EventKind::LeaderChange, "", Some("b")),
            event(1_500, "b", EventKind::RoleChange, "master", None),
            event(6_000, "b", EventKind::NoLeader, "", None),
            event(7_000, "c", EventKind::RoleChange, "primary", None),
            event(8_000, "c", EventKind::LeaderChange, "", Some("c")),
        ];
        let spells = leader_spells(&events);
        let spells: Vec<(&str, i64, i64, bool)> = spells
            .iter()
            .map(|s| {
                (
                    s.node.0.as_str(),
                    s.from_ns / 1_000_000,
                    s.to_ns / 1_000_000,
                    s.open,
                )
            })
            .collect();
        assert_eq!(
            spells,
            [
                ("a", 1_000, 4_000, false),
                ("b", 1_500, 6_000, false),
                ("c", 7_000, 8_000, true)
            ]
        );
        let both = leaders_at_once(&events, 2_000_000_000);
        assert_eq!(both.len(), 1);
        assert_eq!(both[0].nodes, [NodeId("a".into()), NodeId("b".into())]);
        assert_eq!(
            (both[0].from_ns, both[0].to_ns),
            (1_500_000_000, 4_000_000_000)
        );
        assert_eq!(both[0].origins, ["a.log:1000", "b.log:1500"]);
    }

    #[test]
    fn a_last_heard_detail_gives_its_slack_back() {
        let exact = HeardSlack::default();
        let period = HeardSlack {
            period_ns: 250_000_000,
            late_ns: 0,
        };
        let both = HeardSlack {
            period_ns: 1_000_000_000,
            late_ns: 2_000_000_000,
        };
        for slack in [Some(exact), Some(period), Some(both), None] {
            let detail = last_heard_detail(5_000_000_000, slack);
            assert!(detail.starts_with("read timed out 5 s later"), "{detail}");
            assert_eq!(last_heard_slack(&detail), slack, "{detail}");
        }
        assert_eq!(
            last_heard_detail(5_000_000_000, Some(both)),
            "read timed out 5 s later, the peer sends every 1 s, the timeout fires up to 2 s late"
        );
    }
}
