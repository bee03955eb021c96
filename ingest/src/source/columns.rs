//! The column names rift recognises without an `incident.toml` mapping.

use crate::accounting::{FileAccount, SkipReason};
use crate::inert;
use crate::row::Fields;
use crate::time::{EpochUnit, TsError, epoch_in_unit, read_ts};

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
/// What went wrong with a failed request: the error or the body that came back.
pub(crate) const ERROR: &[&str] = &[
    "error",
    "err",
    "error_message",
    "message",
    "reason",
    "detail",
    "body",
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
#[derive(Clone, Debug)]
pub(crate) struct TsColumn {
    pub(crate) idx: usize,
    name: String,
    unit_ns: Option<i64>,
    /// Rows whose epoch unit was told by magnitude, per unit (seconds to nanoseconds).
    inferred: [u64; 4],
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
        TsColumn {
            idx,
            name: name.to_owned(),
            unit_ns,
            inferred: [0; 4],
        }
    }

    /// The row's timestamp in ns, `Ok(None)` if missing, `Err` if present but unparseable or
    /// outside the window rift accepts.
    pub(crate) fn read(&mut self, f: &Fields<'_>) -> Result<Option<i64>, TsError> {
        let Some(v) = f.get(self.idx) else {
            return Ok(None);
        };
        match self.unit_ns {
            Some(unit) => epoch_in_unit(v, unit).map(Some),
            None => {
                let (ns, unit) = read_ts(v)?;
                if let Some(unit) = unit {
                    self.inferred[unit as usize] += 1;
                }
                Ok(Some(ns))
            }
        }
    }

    /// The row's timestamp, or `None` after counting the row in `account` as skipped with the
    /// reason (missing, unparseable, outside the window).
    pub(crate) fn take(
        &mut self,
        f: &Fields<'_>,
        line: u64,
        account: &mut FileAccount,
    ) -> Option<i64> {
        match self.read(f) {
            Ok(Some(ts)) => Some(ts),
            Ok(None) => {
                account.skip(
                    SkipReason::MissingField("timestamp".into()),
                    line,
                    String::new,
                );
                None
            }
            Err(e) => {
                let v = inert::clip(f.get(self.idx).unwrap_or_default());
                account.skip(SkipReason::from(e), line, || format!("'{v}'"));
                None
            }
        }
    }

    /// Counts a table row as read and returns its timestamp, or `None` once the row is
    /// counted as skipped (no timestamp column found in the header, or the cell gives none).
    pub(crate) fn start_row(
        ts: &mut Option<TsColumn>,
        f: &Fields<'_>,
        line: u64,
        account: &mut FileAccount,
    ) -> Option<i64> {
        account.rows_read += 1;
        ts.as_mut()?.take(f, line, account)
    }

    /// What the file's account should say about units told by magnitude: which was assumed
    /// and why, and whether the column mixes magnitudes.
    pub(crate) fn unit_note(&self) -> Option<String> {
        let used: Vec<(EpochUnit, u64)> = [
            EpochUnit::Seconds,
            EpochUnit::Milliseconds,
            EpochUnit::Microseconds,
            EpochUnit::Nanoseconds,
        ]
        .into_iter()
        .map(|u| (u, self.inferred[u as usize]))
        .filter(|(_, n)| *n > 0)
        .collect();
        let column = inert::clip(&self.name);
        let fix = "name the column ts_s, ts_ms, ts_us or ts_ns (or map one with `columns = { ts = \"…\" }` in incident.toml) to say";
        match used.as_slice() {
            [] => None,
            [(unit, _)] => Some(format!(
                "column '{column}' holds epoch numbers with no unit in its name: read as {}; {fix}",
                unit.describe()
            )),
            _ => {
                let parts: Vec<String> = used
                    .iter()
                    .map(|(u, n)| format!("{n} rows as {}", u.describe()))
                    .collect();
                Some(format!(
                    "column '{column}' mixes magnitudes of epoch numbers, read as different units by their size: {}; {fix}",
                    parts.join(", ")
                ))
            }
        }
    }
}

/// The cell `idx` of a row, or `None` once the row is counted in `account` as skipped for
/// missing the `field`.
pub(crate) fn required<'f>(
    f: &'f Fields<'_>,
    idx: usize,
    field: &str,
    line: u64,
    account: &mut FileAccount,
) -> Option<&'f str> {
    let v = f.get(idx);
    if v.is_none() {
        account.skip(SkipReason::MissingField(field.into()), line, String::new);
    }
    v
}
