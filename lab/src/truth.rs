//! `truth.json`: what the lab did, beside the export and never inside it (rift must not read the
//! answer). The fields the recordings under `tests/fixtures/recordings/` have — `scenario`,
//! `mode`, `start`/`end` with `start_ms`/`end_ms`, `intervals`, `affected_edges`,
//! `leader_at_injection`, `cluster`, `nodes`, `observation_window` — plus the system, the seed,
//! which member played each role, and every fault rule as applied with the measured time it
//! went in or came out.

use std::collections::BTreeMap;

use serde::Serialize;

/// Now, in ms since the Unix epoch.
pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// `2026-12-04T10:11:12.345Z`, as every time rift writes.
pub(crate) fn iso(ms: i64) -> String {
    rift_ingest::format_ts(ms.saturating_mul(1_000_000))
}

/// A span of time.
#[derive(Clone, Debug, Serialize)]
pub struct Span {
    /// Start (RFC 3339).
    pub start: String,
    /// End (RFC 3339).
    pub end: String,
    /// Start, ms since the epoch.
    pub start_ms: i64,
    /// End, ms since the epoch.
    pub end_ms: i64,
}

impl Span {
    pub(crate) fn new(start_ms: i64, end_ms: i64) -> Span {
        Span {
            start: iso(start_ms),
            end: iso(end_ms),
            start_ms,
            end_ms,
        }
    }
}

/// One command of the fault script, as it ran.
#[derive(Clone, Debug, Serialize)]
pub struct Applied {
    /// When the script logged it done (RFC 3339).
    pub ts: String,
    /// The same, ms since the epoch.
    pub ts_ms: i64,
    /// When the schedule had it, seconds from the start of the window.
    pub scheduled_s: f64,
    /// The host it ran on.
    pub host: String,
    /// The command.
    pub command: String,
}

/// The observation window and the cluster's life around it.
#[derive(Clone, Debug, Serialize)]
pub struct Window {
    /// Start (RFC 3339).
    pub start: String,
    /// End (RFC 3339).
    pub end: String,
    /// Start, ms since the epoch.
    pub start_ms: i64,
    /// End, ms since the epoch.
    pub end_ms: i64,
    /// What the window covers.
    pub note: String,
    /// When the first member was started.
    pub cluster_start_ms: i64,
    /// When the members were told to stop (RFC 3339).
    pub shutdown_start: String,
    /// The same, ms since the epoch.
    pub shutdown_start_ms: i64,
}

/// The ground truth of one recording.
#[derive(Clone, Debug, Serialize)]
pub struct Truth {
    /// `rift.lab-truth/1`.
    pub schema: &'static str,
    /// The scenario's name.
    pub scenario: String,
    /// The system recorded.
    pub system: String,
    /// The mode of the injected fault, where known.
    pub mode: Option<String>,
    /// The seed that chose roles and timing (`null`: as written).
    pub seed: Option<u64>,
    /// The first fault's start, as applied (RFC 3339); absent without faults.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    /// The last fault's end, as applied.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<String>,
    /// The first fault's start, ms since the epoch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_ms: Option<i64>,
    /// The last fault's end, ms since the epoch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_ms: Option<i64>,
    /// When some fault was in force (each down phase of a flapping one), as applied.
    pub intervals: Vec<Span>,
    /// Every directed link a fault touched, `[from, to]`.
    pub affected_edges: Vec<[String; 2]>,
    /// The members whose processes the run killed (and started again, where the scenario says).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub crashed: Vec<String>,
    /// The scenario's description.
    pub description: String,
    /// The member that led just before the first fault (or at the start without one).
    pub leader_at_injection: Option<String>,
    /// How the faults were made.
    pub injection: String,
    /// Every rule of the fault script, as it ran.
    pub applied: Vec<Applied>,
    /// Which member played each of the written scenario's hosts.
    pub roles: BTreeMap<String, String>,
    /// The software and its detector settings.
    pub cluster: serde_json::Value,
    /// The settings the run was asked to change from the system's own (`--variant
    /// current+prevote`, `--set down_after_ms=5000`); `cluster` holds the values it ran with.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changed: Vec<String>,
    /// Every host: `ip`, and `member_id` where the system has one.
    pub nodes: BTreeMap<String, BTreeMap<String, String>>,
    /// What the export covers.
    pub observation_window: Window,
    /// Scrapes and health checks that got no answer.
    pub unanswered_probes: u64,
}

/// How the faults are made, for `truth.json`.
pub(crate) const INJECTION: &str = "the scenario's schedule as `rift export --to iptables --mode netns` writes it: \
DROP rules at the head of the receiving host's INPUT chain for the sender's address (silent drops: \
no RST, no ICMP), each deleted at its heal; `faults.sh` beside this file is the script that ran, \
and `applied` gives when each rule went in and came out";

/// What the observation window covers, for `truth.json`.
pub(crate) const WINDOW_NOTE: &str = "metrics, health checks and client requests cover exactly \
this window; the members' logs also hold the cluster's start-up before it and the orderly \
shutdown from shutdown_start on (SIGTERM to every member), which are not faults";
