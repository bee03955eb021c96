//! What a run produced: the role timeline, dual-leader windows, unavailability, elections,
//! detection by each detector model, and the write and read accounting.

use serde::Serialize;

/// A member's role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Follows a leader (or waits for one).
    Follower,
    /// Asking whether it could win, without raising its term (PreVote).
    PreCandidate,
    /// Campaigning at a new term.
    Candidate,
    /// Leads its term.
    Leader,
}

impl Role {
    /// The name used in tables.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Follower => "follower",
            Role::PreCandidate => "pre-candidate",
            Role::Candidate => "candidate",
            Role::Leader => "leader",
        }
    }
}

/// One change of a member's role or term.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RoleChange {
    /// Seconds since the start of the scenario.
    pub t: f64,
    /// The member.
    pub node: String,
    /// Its new role.
    pub role: Role,
    /// Its term after the change.
    pub term: u64,
    /// The leader it now follows, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub leader: Option<String>,
    /// Why: `election timeout`, `won election`, `higher term`, `lost quorum`, `heard leader`, ….
    pub reason: &'static str,
}

/// A stretch of time.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Span {
    /// Start, seconds since the start of the scenario.
    pub from: f64,
    /// End.
    pub to: f64,
    /// Who was involved (for dual-leader windows: the members that each believed they led).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub nodes: Vec<String>,
}

impl Span {
    /// Its length in seconds.
    pub fn len(&self) -> f64 {
        self.to - self.from
    }
}

/// Spans with their total and longest.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Spans {
    /// How many.
    pub count: usize,
    /// Their total length in seconds.
    pub total_s: f64,
    /// The longest, in seconds.
    pub longest_s: f64,
    /// The spans themselves.
    pub spans: Vec<Span>,
}

impl Spans {
    /// Totals `spans`.
    pub fn of(spans: Vec<Span>) -> Self {
        Spans {
            count: spans.len(),
            total_s: round_ms(spans.iter().map(Span::len).sum::<f64>() + 0.0),
            longest_s: round_ms(spans.iter().map(Span::len).fold(0.0, f64::max)),
            spans,
        }
    }
}

/// A member leading a term.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Leadership {
    /// The leader.
    pub node: String,
    /// Its term.
    pub term: u64,
    /// When it became leader.
    pub from: f64,
    /// When it stopped (or the end of the run).
    pub to: f64,
}

/// How one detector did.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Detection {
    /// The detector model.
    pub detector: String,
    /// Per fault phase: seconds from the phase's start to the first suspicion that involves a
    /// member of an affected link, or `None` when it never noticed.
    pub time_to_detect_s: Vec<Option<f64>>,
    /// Suspicions raised.
    pub suspicions: usize,
    /// Suspicions of a peer whose links with the observer were healthy (both ways, and for the
    /// detector's own horizon before).
    pub false_suspicions: usize,
    /// When the model watched from a sample of the members only (a model that keeps a view of
    /// every pair, past 200 members): how many observed. Its detection and suspicions are
    /// theirs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub observers: Option<Observers>,
}

/// The observers of a model that watched from a sample of the members.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Observers {
    /// Members that observed: the ends of the faults first, then members spread evenly.
    pub observers: usize,
    /// Members in the cluster.
    pub members: usize,
}

/// Write accounting under one acknowledgement rule.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct WriteTally {
    /// Writes the client was told succeeded.
    pub acknowledged: usize,
    /// Acknowledged, and in the committed log at the end.
    pub durable: usize,
    /// Acknowledged, not committed at the end, but still held by some member: lost if that member's
    /// log is overwritten.
    pub at_risk: usize,
    /// Acknowledged, and held by no member at the end.
    pub lost: usize,
    /// Refused by the storage layer's fencing check.
    pub fenced: usize,
}

/// Jepsen-style write accounting.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Writes {
    /// Distinct writes the client sent.
    pub attempted: usize,
    /// Writes that never got an answer in time.
    pub timed_out: usize,
    /// Acknowledged once a majority held them (Raft's rule).
    pub majority: WriteTally,
    /// Acknowledged as soon as a leader appended them (w=1).
    pub w1: WriteTally,
}

/// Read accounting.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Reads {
    /// Reads sent.
    pub attempted: usize,
    /// Reads answered.
    pub served: usize,
    /// Answered with a state that misses a write acknowledged before the read was sent.
    pub stale: usize,
}

/// Message counts.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Messages {
    /// Sent.
    pub sent: u64,
    /// Dropped by a fault.
    pub dropped: u64,
}

/// Everything one run produced.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Outcome {
    /// The variant's name (`raft`, `raft+prevote`, `swim`, …).
    pub variant: String,
    /// The protocol settings in words.
    pub settings: String,
    /// Every role change of every member, in time order.
    pub roles: Vec<RoleChange>,
    /// Who led when.
    pub leaders: Vec<Leadership>,
    /// Windows in which two or more members each believed they led.
    pub dual_leader: Spans,
    /// Stretches with no client write committed, longer than the workload's timeout.
    pub unavailable: Spans,
    /// Elections started (candidates at a new term).
    pub elections: usize,
    /// Pre-votes started.
    pub pre_votes: usize,
    /// Times the cluster's leader changed hands.
    pub leader_changes: usize,
    /// The highest term reached.
    pub max_term: u64,
    /// Detection by Raft itself and by each detector model run beside it.
    pub detection: Vec<Detection>,
    /// Write accounting.
    pub writes: Writes,
    /// Read accounting.
    pub reads: Reads,
    /// Messages.
    pub messages: Messages,
}

/// Rounds seconds to the millisecond, so JSON output is short and stable.
pub fn round_ms(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}
