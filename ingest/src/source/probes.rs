//! Probe and client-operation tables: each row is one request from a prober or client to a
//! target and whether an answer came back in time. They become `round_trip` observations (a
//! failed request says only that one of the two directions failed) on the `health`, `data` or
//! `probe` channel, and health checks that change outcome become `health_down` / `health_up`
//! events.
//!
//! A failed row that the target's host answered also gives a `peer_down` event from the prober
//! (at the first row of each run of them): a connection refused (the error or the status says
//! so: nothing listens on the port, so the process is down or not serving), or, in a health or
//! probe table, an HTTP error status the target gave itself (`503` from its health endpoint;
//! not `502` or `504`, a gateway's word about what is behind it). The row stays a failed
//! request; the event's detail ([`REFUSED`], [`ANSWERED`]) tells the classifier that the path
//! worked. A target that answers nothing and reports nothing itself is how a crash shows.
//!
//! The row's timestamp is used as it is: in the recordings rift reads it is the time the request
//! was sent, which is when the network was crossed.

use std::collections::BTreeMap;
use std::collections::hash_map::Entry;
use std::hash::{Hash, Hasher};

use rustc_hash::{FxHashMap, FxHasher};

use crate::accounting::{FileAccount, SkipReason};
use crate::config::SourceKind;
use crate::error::Error;
use crate::model::{ANSWERED, Channel, Event, EventKind, Evidence, NodeId, Observation, REFUSED};
use crate::nodes::NodeResolver;
use crate::row::{self, Fields, Format, RowSink, find_column, read_table};
use crate::source::columns::{self, TsColumn};
use crate::source::{Candidate, Reading, Source, empty_table, note_empty};

/// Health-check, client-operation and synthetic-probe tables: each row is one request and
/// whether it was answered, an observation of the round trip from prober to target.
pub(crate) struct Probes;

impl Source for Probes {
    fn kinds(&self) -> &'static [SourceKind] {
        &[SourceKind::Health, SourceKind::Client, SourceKind::Probe]
    }

    fn by_columns(&self, file: &Candidate<'_>) -> Option<SourceKind> {
        if file.has(&["op", "operation"]) || file.name.starts_with("client") {
            Some(SourceKind::Client)
        } else if file.name.starts_with("health") || file.has(&["http_status", "healthy", "health"])
        {
            Some(SourceKind::Health)
        } else if file.name.starts_with("probe") {
            Some(SourceKind::Probe)
        } else {
            None
        }
    }

    fn read(&self, files: &[usize], reading: &mut Reading<'_>) -> Result<(), Error> {
        for &i in files {
            let (f, format) = reading.table(i)?;
            let spec = reading.spec(i);
            let settings = ProbeSettings {
                name: f.rel.clone(),
                format,
                kind: f.kind,
                channel: spec.and_then(|s| s.channel),
                prober: spec
                    .and_then(|s| s.prober.clone())
                    .or_else(|| reading.config.probes.prober.clone())
                    .unwrap_or_else(|| "client".to_owned()),
                columns: reading.columns_of(i),
            };
            let mut rows = Vec::new();
            let acc = &mut reading.accounts[i];
            let seen = &mut reading.seen_probes;
            let mut file = ProbeFile::new(&reading.resolver, acc, settings, &mut rows, seen);
            let empty = empty_table(read_table(&f.path, format, &mut file, reading.progress))?;
            reading.events.extend(file.finish());
            note_empty(acc, empty);
            for o in &rows {
                reading.tally.push(&o.as_row());
            }
            if let Some(e) = reading.tally.error.take() {
                return Err(e);
            }
        }
        Ok(())
    }
}

/// Settings for reading one probe file.
pub(crate) struct ProbeSettings<'a> {
    pub(crate) name: String,
    pub(crate) format: Format,
    pub(crate) kind: SourceKind,
    pub(crate) channel: Option<Channel>,
    pub(crate) prober: String,
    pub(crate) columns: &'a BTreeMap<String, String>,
}

/// Whether a status/result value means success; `None` when rift cannot tell.
fn outcome(v: &str) -> Option<bool> {
    if let Ok(code) = v.parse::<u32>() {
        return match code {
            0 => Some(false),
            1 => Some(true),
            100..=399 => Some(true),
            400..=599 => Some(false),
            _ => None,
        };
    }
    match v.to_ascii_lowercase().as_str() {
        "ok" | "true" | "yes" | "success" | "succeeded" | "up" | "healthy" | "pass" | "passed"
        | "passing" | "serving" | "alive" => Some(true),
        "fail" | "failed" | "failure" | "false" | "no" | "down" | "unhealthy" | "timeout"
        | "timed_out" | "timedout" | "error" | "err" | "refused" | "unreachable" | "critical"
        | "dead" | "not_serving" | "reset" => Some(false),
        _ => None,
    }
}

/// The probe rows of the files read so far, by a fingerprint of what they say, to tell a second
/// export of the same rows (the same file twice, or overlapping exports) from new evidence.
#[derive(Default)]
pub(crate) struct SeenProbes {
    files: Vec<String>,
    /// Fingerprint → (file, line) of its first row.
    rows: FxHashMap<u64, (u32, u64)>,
}

struct HealthSample {
    ts: i64,
    prober: NodeId,
    target: NodeId,
    ok: bool,
    detail: String,
    origin: String,
}

/// Reads one probe or client file.
pub(crate) struct ProbeFile<'a> {
    resolver: &'a NodeResolver,
    account: &'a mut FileAccount,
    settings: ProbeSettings<'a>,
    out: &'a mut Vec<Observation>,
    seen: &'a mut SeenProbes,
    /// This file's index in `seen.files`.
    file: u32,
    ts: Option<TsColumn>,
    target: usize,
    prober: Option<usize>,
    status: usize,
    status_name: String,
    latency: Option<usize>,
    flow: Option<usize>,
    channel_col: Option<usize>,
    error: Option<usize>,
    health: Vec<HealthSample>,
    /// Every row's pair (an index into `pairs`), time, how the target's host answered a failed
    /// request (if it did) and line: the runs of answered failures, for their `peer_down`
    /// events.
    refusals: Vec<(u32, i64, Answered, u64)>,
    pairs: FxHashMap<(NodeId, NodeId), u32>,
}

/// How the target's host answered a failed request, where it did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Answered {
    /// No answer from the host is known: a timeout, an error that does not say.
    No,
    /// The connection was refused.
    Refused,
    /// The target gave this HTTP error status.
    Status(u16),
}

/// How the host answered the failed request of a row with `status` and `error`: in a health
/// or probe table, an HTTP error status is the target's own answer, but for a gateway's (502,
/// 504), which speaks for what is behind it.
fn answered(status: &str, error: Option<&str>, kind: SourceKind) -> Answered {
    if status.eq_ignore_ascii_case("refused") || error.is_some_and(refused) {
        return Answered::Refused;
    }
    match status.trim().parse::<u16>() {
        Ok(code @ 400..=599)
            if code != 502
                && code != 504
                && matches!(kind, SourceKind::Health | SourceKind::Probe) =>
        {
            Answered::Status(code)
        }
        _ => Answered::No,
    }
}

/// Whether a failed request's error says the target's host refused the connection.
fn refused(error: &str) -> bool {
    let e = error.to_ascii_lowercase();
    e.contains("refused") || e.contains("econnrefused")
}

impl<'a> ProbeFile<'a> {
    pub(crate) fn new(
        resolver: &'a NodeResolver,
        account: &'a mut FileAccount,
        settings: ProbeSettings<'a>,
        out: &'a mut Vec<Observation>,
        seen: &'a mut SeenProbes,
    ) -> Self {
        let file = seen.files.len() as u32;
        seen.files.push(settings.name.clone());
        ProbeFile {
            resolver,
            account,
            settings,
            out,
            seen,
            file,
            ts: None,
            target: 0,
            prober: None,
            status: 0,
            status_name: String::new(),
            latency: None,
            flow: None,
            channel_col: None,
            error: None,
            health: Vec::new(),
            refusals: Vec::new(),
            pairs: FxHashMap::default(),
        }
    }

    fn default_channel(&self) -> Channel {
        match self.settings.kind {
            SourceKind::Health => Channel::Health,
            SourceKind::Probe => Channel::Probe,
            _ => Channel::Data,
        }
    }

    /// Health checks whose outcome changed, per (prober, target), in time order.
    pub(crate) fn finish(mut self) -> Vec<Event> {
        self.account
            .notes
            .extend(self.ts.as_ref().and_then(TsColumn::unit_note));
        self.health
            .sort_by(|a, b| (&a.prober, &a.target, a.ts).cmp(&(&b.prober, &b.target, b.ts)));
        let mut events = Vec::new();
        let mut last: Option<(&NodeId, &NodeId, bool)> = None;
        for s in &self.health {
            let changed = match last {
                Some((p, t, ok)) if p == &s.prober && t == &s.target => ok != s.ok,
                // The first check of a target is an event only when it fails.
                _ => !s.ok,
            };
            if changed {
                events.push(Event {
                    ts_ns: s.ts,
                    node: s.target.clone(),
                    kind: if s.ok {
                        EventKind::HealthUp
                    } else {
                        EventKind::HealthDown
                    },
                    peer: Some(s.prober.clone()),
                    term: None,
                    detail: s.detail.clone(),
                    origin: s.origin.clone(),
                });
            }
            last = Some((&s.prober, &s.target, s.ok));
        }
        events.extend(self.refusal_events());
        events
    }

    /// A `peer_down` at the first answered failure of each run of them (of one kind), per
    /// prober and target.
    fn refusal_events(&mut self) -> Vec<Event> {
        if self.refusals.iter().all(|r| r.2 == Answered::No) {
            return Vec::new();
        }
        let mut names = vec![None; self.pairs.len()];
        for (pair, &i) in &self.pairs {
            names[i as usize] = Some(pair);
        }
        self.refusals.sort_unstable();
        let mut events = Vec::new();
        let mut before: Option<(u32, Answered)> = None;
        for &(pair, ts, answered, line) in &self.refusals {
            let run_starts = answered != Answered::No && before != Some((pair, answered));
            before = Some((pair, answered));
            let Some((prober, target)) = names[pair as usize] else {
                continue;
            };
            let detail = match answered {
                Answered::No => continue,
                Answered::Refused => format!(
                    "{REFUSED} {target}'s host answered that nothing listens on the port, so \
                     the path worked"
                ),
                Answered::Status(code) => format!(
                    "{ANSWERED} {target} answered with status {code}: its service says it \
                     cannot serve, and the path worked"
                ),
            };
            if run_starts {
                events.push(Event {
                    ts_ns: ts,
                    node: prober.clone(),
                    kind: EventKind::PeerDown,
                    peer: Some(target.clone()),
                    term: None,
                    detail,
                    origin: row::origin(&self.settings.name, self.settings.format, line),
                });
            }
        }
        events
    }
}

impl RowSink for ProbeFile<'_> {
    fn header(&mut self, cols: &[String]) -> Result<(), String> {
        let user = self.settings.columns;
        let find = |canon: &str, aliases: &[&str]| find_column(cols, canon, aliases, user);
        let what = self.settings.kind.as_str();
        let ts = find("ts", columns::TS).ok_or_else(|| {
            format!(
                "{what} table has no timestamp column (expected one of {}; found {})",
                columns::TS.join(", "),
                row::found(cols)
            )
        })?;
        self.ts = Some(TsColumn::new(ts, &cols[ts]));
        self.target = find("target", columns::TARGET).ok_or_else(|| {
            format!(
                "{what} table has no target column (expected one of {}; found {}); map it with `columns = {{ target = \"…\" }}` in incident.toml",
                columns::TARGET.join(", "),
                row::found(cols)
            )
        })?;
        let status_aliases = if self.settings.kind == SourceKind::Health {
            columns::HEALTH_STATUS
        } else {
            columns::CLIENT_RESULT
        };
        self.status = find("status", status_aliases).ok_or_else(|| {
            format!(
                "{what} table has no status/result column (expected one of {}; found {})",
                status_aliases.join(", "),
                row::found(cols)
            )
        })?;
        self.status_name = cols[self.status].clone();
        self.prober = find("prober", columns::PROBER).filter(|&i| i != self.target);
        self.latency = find("latency_ms", columns::LATENCY);
        self.flow = find("flow", columns::FLOW);
        self.channel_col = find("channel", columns::CHANNEL);
        self.error = find("error", columns::ERROR).filter(|&i| i != self.status);
        let used = [
            Some(ts),
            Some(self.target),
            Some(self.status),
            self.prober,
            self.latency,
            self.flow,
            self.channel_col,
            self.error,
        ];
        // Other time columns repeat the timestamp in another format: not worth a warning.
        self.account.ignored_columns = (0..cols.len())
            .filter(|i| {
                !used.contains(&Some(*i))
                    && !columns::TS.iter().any(|t| cols[*i].eq_ignore_ascii_case(t))
            })
            .map(|i| cols[i].clone())
            .collect();
        Ok(())
    }

    fn row(&mut self, line: u64, f: &Fields<'_>) {
        let Some(ts) = TsColumn::start_row(&mut self.ts, f, line, self.account) else {
            return;
        };
        let Some(target) = columns::required(f, self.target, "target", line, self.account) else {
            return;
        };
        let Some(status) = f.get(self.status) else {
            let name = self.status_name.clone();
            return self
                .account
                .skip(SkipReason::MissingField(name), line, String::new);
        };
        let Some(ok) = outcome(status) else {
            let v = status.to_owned();
            return self
                .account
                .skip(SkipReason::UnknownStatus, line, || format!("'{v}'"));
        };
        let mut target = self.resolver.resolve(target);
        let mut prober = match self.prober.and_then(|i| f.get(i)) {
            Some(p) => self.resolver.resolve(p),
            None => self.resolver.resolve(&self.settings.prober),
        };
        if prober == target {
            return self
                .account
                .skip(SkipReason::SelfLoop, line, || format!("'{target}'"));
        }
        let channel = match super::row_channel(
            self.settings.channel,
            self.channel_col.and_then(|c| f.get(c)),
            self.default_channel(),
        ) {
            Ok(c) => c,
            Err(e) => return self.account.skip(SkipReason::UnknownStatus, line, || e),
        };
        let latency_ms = self
            .latency
            .and_then(|i| f.get(i))
            .and_then(|v| v.parse::<f32>().ok())
            .filter(|v| v.is_finite() && *v >= 0.0);
        let flow = self.flow.and_then(|i| f.get(i));
        let mut h = FxHasher::default();
        (
            ts,
            prober.as_str(),
            target.as_str(),
            channel,
            flow,
            ok,
            latency_ms.map(f32::to_bits),
        )
            .hash(&mut h);
        match self.seen.rows.entry(h.finish()) {
            Entry::Occupied(e) if e.get().0 != self.file => {
                let (file, first) = *e.get();
                let earlier = &self.seen.files[file as usize];
                return self.account.skip(SkipReason::Duplicate, line, || {
                    format!("{earlier}:{first} already gives the same result")
                });
            }
            Entry::Occupied(_) => {}
            Entry::Vacant(e) => {
                e.insert((self.file, line));
            }
        }
        let origin = row::origin(&self.settings.name, self.settings.format, line);
        let answered = if ok {
            Answered::No
        } else {
            answered(
                status,
                self.error.and_then(|i| f.get(i)),
                self.settings.kind,
            )
        };
        if self.error.is_some() || answered != Answered::No || !self.refusals.is_empty() {
            let key = (prober, target);
            let pair = match self.pairs.get(&key) {
                Some(&i) => i,
                None => {
                    let i = self.pairs.len() as u32;
                    self.pairs.insert(key.clone(), i);
                    i
                }
            };
            self.refusals.push((pair, ts, answered, line));
            (prober, target) = key;
        }
        if channel == Channel::Health {
            self.health.push(HealthSample {
                ts,
                prober: prober.clone(),
                target: target.clone(),
                ok,
                detail: format!("{} {status}", self.status_name),
                origin: origin.clone(),
            });
        }
        self.account.rows_used += 1;
        self.out.push(Observation {
            ts_ns: ts,
            src: prober.clone(),
            dst: target,
            channel,
            flow: flow.map(str::to_owned),
            evidence: Evidence::RoundTrip,
            attempts: 1,
            delivered: u32::from(ok),
            latency_ms,
            reporter: prober.0,
            origin,
        });
    }

    fn skipped(&mut self, line: u64, reason: SkipReason, detail: String) {
        self.account.rows_read += 1;
        self.account.skip(reason, line, || detail);
    }
}

#[cfg(test)]
mod tests {
    use super::outcome;

    #[test]
    fn statuses() {
        assert_eq!(outcome("200"), Some(true));
        assert_eq!(outcome("503"), Some(false));
        assert_eq!(outcome("timeout"), Some(false));
        assert_eq!(outcome("OK"), Some(true));
        assert_eq!(outcome("maybe"), None);
    }
}
