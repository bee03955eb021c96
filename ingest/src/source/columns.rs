//! The column names rift recognises without an `incident.toml` mapping.

use crate::row::Fields;
use crate::time::parse_ts;

/// Timestamp columns, best first. `ts_ms`-style names fix the unit.
pub(crate) const TS: &[&str] = &[
    "ts",
    "ts_ns",
    "ts_us",
    "ts_ms",
    "ts_s",
    "ts_iso",
    "timestamp",
    "time",
    "datetime",
    "date",
];
/// The node a probe or client operation targets.
pub(crate) const TARGET: &[&str] = &[
    "target", "node", "member", "host", "server", "backend", "instance", "dst", "endpoint", "url",
    "address",
];
/// The host that ran a probe or client operation.
pub(crate) const PROBER: &[&str] = &["prober", "client", "source", "src", "from"];
/// Health-check outcome.
pub(crate) const HEALTH_STATUS: &[&str] = &[
    "ok",
    "healthy",
    "success",
    "status",
    "http_status",
    "status_code",
    "code",
    "result",
    "up",
    "health",
];
/// Client operation outcome.
pub(crate) const CLIENT_RESULT: &[&str] = &[
    "result",
    "ok",
    "success",
    "status",
    "outcome",
    "http_status",
];
/// Latency in milliseconds.
pub(crate) const LATENCY: &[&str] = &[
    "latency_ms",
    "latency",
    "duration_ms",
    "rtt_ms",
    "elapsed_ms",
];
/// Flow tuple / port / path id.
pub(crate) const FLOW: &[&str] = &["flow", "flow_id", "port", "path_id"];
/// Channel of the row.
pub(crate) const CHANNEL: &[&str] = &["channel"];
/// Per-node counters: the reporting node.
pub(crate) const NODE: &[&str] = &["node", "reporter", "host", "instance", "local", "self"];
/// Per-node counters: the other end.
pub(crate) const PEER: &[&str] = &["peer", "remote", "neighbor", "neighbour"];
/// Per-edge counters: sender.
pub(crate) const SRC: &[&str] = &["src", "source", "from", "sender"];
/// Per-edge counters: receiver.
pub(crate) const DST: &[&str] = &["dst", "destination", "to", "receiver"];
/// Messages sent to the peer (per interval, or running totals with `_total`).
pub(crate) const SENT: &[&str] = &[
    "sent",
    "tx",
    "sent_total",
    "tx_total",
    "messages_sent",
    "sent_msgs",
];
/// Messages received from the peer.
pub(crate) const RECEIVED: &[&str] = &[
    "received",
    "recv",
    "rx",
    "received_total",
    "recv_total",
    "rx_total",
    "messages_received",
];
/// Messages sent to the peer that were acknowledged.
pub(crate) const ACKED: &[&str] = &["acked", "acks", "acked_total", "acks_total"];
/// Per-edge counters: messages that arrived at the receiver.
pub(crate) const DELIVERED: &[&str] = &["delivered", "delivered_total"];
/// Members tables: the canonical node name.
pub(crate) const MEMBER_NAME: &[&str] = &["name", "node", "member", "host", "hostname"];

/// A timestamp column and the unit its name implies.
#[derive(Clone, Copy, Debug)]
pub(crate) struct TsColumn {
    pub(crate) idx: usize,
    unit_ns: Option<i64>,
}

impl TsColumn {
    pub(crate) fn new(idx: usize, name: &str) -> Self {
        let unit_ns = match name.to_ascii_lowercase().as_str() {
            "ts_ns" => Some(1),
            "ts_us" => Some(1_000),
            "ts_ms" => Some(1_000_000),
            "ts_s" => Some(1_000_000_000),
            _ => None,
        };
        TsColumn { idx, unit_ns }
    }

    /// The row's timestamp in ns, `Err(())` if present but unparseable, `Ok(None)` if missing.
    pub(crate) fn read(&self, f: &Fields<'_>) -> Result<Option<i64>, ()> {
        let Some(v) = f.get(self.idx) else {
            return Ok(None);
        };
        let parsed = match self.unit_ns {
            Some(unit) => v
                .parse::<i64>()
                .ok()
                .and_then(|x| x.checked_mul(unit))
                .or_else(|| {
                    v.parse::<f64>()
                        .ok()
                        .filter(|x| x.is_finite() && (x * unit as f64).abs() < 9.2e18)
                        .map(|x| (x * unit as f64).round() as i64)
                }),
            None => parse_ts(v),
        };
        parsed.map(Some).ok_or(())
    }
}
