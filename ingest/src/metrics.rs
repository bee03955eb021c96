//! Metric exports: Prometheus text snapshots, `query_range` JSON and long CSV metric tables.
//!
//! Every format becomes [`Sample`]s (time, node, metric, labels, value). Which metrics rift
//! reads, and what each means, is a system's data (`ingest/systems/*.toml`, see
//! [`crate::system`]); once node names are resolved, [`interpret`] turns each meaning into
//! evidence:
//!
//! | meaning | becomes |
//! |---|---|
//! | `peer_sent_bytes` at A (peer B), `peer_received_bytes` at B (peer A) | one-way A→B observations on `heartbeat`, in units of one message (`bytes_per_message`): what A wrote beyond an idle link's keep-alives against what B read in the same second |
//! | `peer_active` | `peer_down` / `peer_up` events when A's view of B flips |
//! | `has_leader` | `no_leader` events; has-leader gaps in [`Invariants`] |
//! | `is_leader` | `role_change` events |
//! | `leader_changes` | `leader_change` events; leader changes per minute |
//! | `heartbeat_failures` | `stall` events (the member's own stall) |
//! | `committed` | the commit index; regressions in [`Invariants`] |
//! | `member_id` | an alias: the member id of the node |
//!
//! Counters become deltas; a value lower than the previous one is a reset (the delta is the new
//! value). Everything else is counted as not used, with the reason the system gives (etcd's
//! round-trip histogram, for one, repeats its last good value during an outage). When the same
//! series is in several files (1 s CSV and 5 s snapshots), the file with the most samples of it
//! is used.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

use serde::Serialize;

use crate::accounting::{FileAccount, SkipReason};
use crate::error::Error;
use crate::inert;
use crate::input;
use crate::input::Line;
use crate::model::{Channel, Event, EventKind, Evidence, NodeId, Observation};
use crate::nodes::NodeResolver;
use crate::progress::Progress;
use crate::row::{Fields, RowSink, find_column};
use crate::source::columns::{self, TsColumn};
use crate::system::{self, Meaning, MetricSeries, System};
use crate::time::{TsError, epoch_in_unit, read_ts};

/// A metric series as a file names it, before node names are resolved.
#[derive(Debug, PartialEq, Eq, Hash)]
pub(crate) struct Series {
    pub(crate) node: String,
    pub(crate) name: String,
    pub(crate) labels: Vec<(String, String)>,
}

impl Series {
    fn label(&self, k: &str) -> Option<&str> {
        self.labels
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.as_str())
    }
}

/// One metric sample. Its series is shared by all the samples of the series, so a sample costs
/// 32 bytes however many labels it has.
#[derive(Clone, Debug)]
pub(crate) struct Sample {
    pub(crate) series: Arc<Series>,
    pub(crate) ts_ns: i64,
    pub(crate) value: f64,
    pub(crate) line: u64,
}

/// One [`Series`] per distinct (node, name, labels) of a file.
#[derive(Default)]
struct Interned(HashMap<Arc<Series>, ()>);

impl Interned {
    fn get(&mut self, series: Series) -> Arc<Series> {
        if let Some((k, _)) = self.0.get_key_value(&series) {
            return k.clone();
        }
        let k = Arc::new(series);
        self.0.insert(k.clone(), ());
        k
    }
}

/// The samples of one metrics file.
pub(crate) struct MetricFile {
    pub(crate) account: usize,
    pub(crate) rel: String,
    pub(crate) samples: Vec<Sample>,
}

/// The most metric samples an export keeps, of the series rift reads (the others are counted
/// and dropped as they are read). A kept sample takes 32 bytes while the files are read, and up
/// to about 300 once both ends of a link's byte counters are paired into observations: 5 million
/// keep a run under 2 GiB. That is an hour of 1 s samples of 1,400 series, a day at a 15 s step
/// of 870: a five-member etcd cluster has about 70. Larger exports are better read from per-peer
/// counters, which rift pairs in bounded memory.
pub(crate) const MAX_SAMPLES: usize = 5_000_000;

/// The samples a reader keeps, up to the room the export has left.
pub(crate) struct Kept {
    pub(crate) out: Vec<Sample>,
    room: usize,
    /// The line of the first sample past the room.
    overflow: Option<u64>,
}

impl Kept {
    pub(crate) fn new(room: usize) -> Self {
        Kept {
            out: Vec::new(),
            room,
            overflow: None,
        }
    }

    fn push(&mut self, s: Sample) {
        if self.out.len() < self.room {
            self.out.push(s);
        } else if self.overflow.is_none() {
            self.overflow = Some(s.line);
        }
    }

    /// The samples, or the error that names where the room ran out.
    pub(crate) fn finish(self, path: &Path) -> Result<Vec<Sample>, Error> {
        match self.overflow {
            None => Ok(self.out),
            Some(line) => Err(Error::TooManySamples {
                at: format!("{}:{line}", path.display()),
                limit: MAX_SAMPLES,
            }),
        }
    }
}

/// Checks a sample's metric and label against the systems' metrics (`crate::system`); counts it
/// as used or skipped. Returns whether to keep it.
fn admit(s: &Sample, account: &mut FileAccount) -> bool {
    let series = &s.series;
    match system::metric(&series.name) {
        Ok((_, meaning)) => {
            if let Some(skip) = meaning
                .skip
                .iter()
                .find(|k| series.label(&k.label) == Some(k.value.as_str()))
            {
                account.skip(SkipReason::NotUsed(skip.why.clone()), s.line, String::new);
                return false;
            }
            account.rows_used += 1;
            true
        }
        Err(why) => {
            account.skip(SkipReason::NotUsed(why.to_owned()), s.line, || {
                inert::clip(&series.name)
            });
            false
        }
    }
}

fn parse_labels(s: &str) -> Option<Vec<(String, String)>> {
    let mut out = Vec::new();
    let mut rest = s.trim();
    while !rest.is_empty() {
        let eq = rest.find('=')?;
        let key = rest[..eq].trim().trim_start_matches(',').trim().to_owned();
        let after = rest[eq + 1..].trim_start();
        let after = after.strip_prefix('"')?;
        let mut val = String::new();
        let mut chars = after.char_indices();
        let mut end = None;
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some((_, 'n')) => val.push('\n'),
                    Some((_, o)) => val.push(o),
                    None => return None,
                },
                '"' => {
                    end = Some(i);
                    break;
                }
                c => val.push(c),
            }
        }
        let end = end?;
        out.push((key, val));
        rest = after[end + 1..]
            .trim_start()
            .trim_start_matches(',')
            .trim_start();
    }
    Some(out)
}

/// A parsed exposition line: name, labels, value, own timestamp (ns, or why it is not taken).
type SampleLine = (
    String,
    Vec<(String, String)>,
    f64,
    Option<Result<i64, TsError>>,
);

/// Parses one Prometheus exposition sample line: `name{labels} value [timestamp_ms]`.
fn parse_sample_line(line: &str) -> Option<SampleLine> {
    let (name, rest) = match line.find('{') {
        Some(b) => {
            // The last `}` after the first `{`: a `}` before it is not a label set.
            let close = line.rfind('}').filter(|&c| c > b)?;
            (
                &line[..b],
                (parse_labels(&line[b + 1..close])?, &line[close + 1..]),
            )
        }
        None => {
            let sp = line.find(char::is_whitespace)?;
            (&line[..sp], (Vec::new(), &line[sp..]))
        }
    };
    let (labels, rest) = rest;
    let mut parts = rest.split_whitespace();
    let value: f64 = match parts.next()? {
        "+Inf" => f64::INFINITY,
        "-Inf" => f64::NEG_INFINITY,
        v => v.parse().ok()?,
    };
    let ts = parts.next().map(|t| epoch_in_unit(t, 1_000_000));
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
    {
        return None;
    }
    Some((name.to_owned(), labels, value, ts))
}

/// The scrape time (or why it is not taken) and node a comment line announces
/// (`# scrape ts_ms=… node=…`), if any.
fn scrape_marker(line: &str) -> Option<(Result<i64, TsError>, Option<String>)> {
    let mut ts = None;
    let mut node = None;
    for tok in line.trim_start_matches('#').split_whitespace() {
        if let Some((k, v)) = tok.split_once('=') {
            match k {
                "ts_ms" => ts = Some(epoch_in_unit(v, 1_000_000)),
                "ts" | "ts_iso" | "time" if ts.is_none() => {
                    ts = Some(read_ts(v).map(|(ns, _)| ns));
                }
                "node" | "instance" | "member" => node = Some(v.to_owned()),
                _ => {}
            }
        }
    }
    ts.map(|t| (t, node))
}

/// Reads a Prometheus text file: one or several scrapes, each preceded by a comment line that
/// carries its time (`ts_ms=` or `ts=`), or samples with their own timestamps.
pub(crate) fn read_prom(
    path: &Path,
    rel: &str,
    file_node: &str,
    account: &mut FileAccount,
    room: usize,
    progress: &dyn Progress,
) -> Result<Vec<Sample>, Error> {
    let mut lines = input::Lines::new(input::open(path, progress)?);
    let mut out = Kept::new(room);
    let mut interned = Interned::default();
    let mut scrape: Option<(i64, String)> = None;
    let mut line_no = 0u64;
    while let Some(line) = lines.next_line().map_err(|e| Error::io(path, e))? {
        line_no += 1;
        account.rows_read += 1;
        let Line::Text(line) = line else {
            account.skip(SkipReason::TooLong, line_no, String::new);
            continue;
        };
        let Ok(line) = std::str::from_utf8(line) else {
            account.skip(SkipReason::InvalidUtf8, line_no, String::new);
            continue;
        };
        let line = line.trim();
        if line.is_empty() {
            account.skip(SkipReason::Blank, line_no, String::new);
            continue;
        }
        if line.starts_with('#') {
            match scrape_marker(line) {
                Some((Ok(ts), node)) => {
                    scrape = Some((ts, node.unwrap_or_else(|| file_node.to_owned())));
                    account.rows_used += 1;
                }
                Some((Err(e), _)) => {
                    // The samples that follow have no time until the next good marker.
                    scrape = None;
                    account.skip(SkipReason::from(e), line_no, || inert::clip(line));
                }
                None => account.skip(SkipReason::Comment, line_no, String::new),
            }
            continue;
        }
        let Some((name, labels, value, own_ts)) = parse_sample_line(line) else {
            account.skip(SkipReason::Malformed, line_no, || inert::clip(line));
            continue;
        };
        let (ts, node) = match (own_ts, &scrape) {
            (Some(Err(e)), _) => {
                account.skip(SkipReason::from(e), line_no, || inert::clip(line));
                continue;
            }
            (Some(Ok(t)), Some((_, n))) => (t, n.clone()),
            (Some(Ok(t)), None) => (t, file_node.to_owned()),
            (None, Some((t, n))) => (*t, n.clone()),
            (None, None) => {
                account.skip(SkipReason::BadTimestamp, line_no, || {
                    format!("{}: a sample before any scrape time (expected a `# … ts_ms=…` line or a sample timestamp)", inert::clip(rel))
                });
                continue;
            }
        };
        if value.is_nan() {
            account.skip(SkipReason::NotANumber, line_no, || inert::clip(line));
            continue;
        }
        let s = Sample {
            series: interned.get(Series { node, name, labels }),
            ts_ns: ts,
            value,
            line: line_no,
        };
        if admit(&s, account) {
            out.push(s);
        }
    }
    out.finish(path)
}

/// Reads a Prometheus `query_range` (or `query`) JSON response: a matrix or vector result. Each
/// value point is one row of the accounting. The node is the series' `instance` (host part),
/// `node` or `member` label.
///
/// The response is read as a stream, one series at a time, and never held as a JSON tree: what
/// stays is one 32-byte [`Sample`] per point. It is read up to
/// [`MAX_WHOLE_FILE_BYTES`](input::MAX_WHOLE_FILE_BYTES), as a file read whole would be: its
/// samples take about as much memory as its text.
pub(crate) fn read_query_json(
    path: &Path,
    file_node: &str,
    account: &mut FileAccount,
    room: usize,
    progress: &dyn Progress,
) -> Result<Vec<Sample>, Error> {
    let limit = input::MAX_WHOLE_FILE_BYTES;
    let reader = std::io::Read::take(input::open(path, progress)?, limit + 1);
    let mut de = serde_json::Deserializer::from_reader(reader);
    let mut query = query::Reader {
        file_node,
        account,
        out: Kept::new(room),
        row: 0,
        found: false,
    };
    let parsed =
        serde::de::DeserializeSeed::deserialize(&mut query, &mut de).and_then(|()| de.end());
    if let Err(e) = parsed {
        if e.is_io() {
            return Err(Error::io(path, e.into()));
        }
        let reason = if e.is_eof() && de_read_past(path, limit) {
            format!(
                "it is longer than {} bytes, the most rift reads of a query response",
                input::thousands(limit)
            )
        } else {
            format!(
                "not a Prometheus query response: {} (line {}, column {})",
                inert::clip(&e.to_string()),
                e.line(),
                e.column()
            )
        };
        return Err(Error::BadHeader {
            path: path.to_owned(),
            reason,
        });
    }
    if !query.found {
        return Err(Error::BadHeader {
            path: path.to_owned(),
            reason: "no data.result array: expected the JSON body of /api/v1/query_range"
                .to_owned(),
        });
    }
    query.out.finish(path)
}

/// Whether the file decompresses to more than `limit` bytes (an end of input seen at the limit).
fn de_read_past(path: &Path, limit: u64) -> bool {
    input::open(path, &crate::progress::NoProgress).is_ok_and(|r| {
        std::io::copy(&mut std::io::Read::take(r, limit + 1), &mut std::io::sink())
            .is_ok_and(|n| n > limit)
    })
}

/// Streaming the `query_range` response: the outer object, `data`, `result`, each series.
mod query {
    use std::collections::BTreeMap;
    use std::fmt;
    use std::sync::Arc;

    use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

    use super::{Sample, Series, admit};
    use crate::accounting::{FileAccount, SkipReason};
    use crate::inert;
    use crate::time::{TsError, in_window, ns_from_f64};

    pub(super) struct Reader<'a> {
        pub(super) file_node: &'a str,
        pub(super) account: &'a mut FileAccount,
        pub(super) out: super::Kept,
        /// Points seen so far: the row number of the accounting.
        pub(super) row: u64,
        /// `data.result` was found.
        pub(super) found: bool,
    }

    /// A value point as read: its time and value, or why it is not used.
    enum Point {
        Good(i64, f64),
        Bad(SkipReason),
    }

    fn point(p: &serde_json::Value) -> Point {
        let Some(a) = p.as_array() else {
            return Point::Bad(SkipReason::Malformed);
        };
        let (Some(t), Some(v)) = (
            a.first().and_then(serde_json::Value::as_f64),
            a.get(1)
                .and_then(serde_json::Value::as_str)
                .and_then(|v| v.parse::<f64>().ok()),
        ) else {
            return Point::Bad(SkipReason::Malformed);
        };
        match ns_from_f64(t * 1e9).map_or(Err(TsError::OutsideWindow), in_window) {
            Ok(ns) => Point::Good(ns, v),
            Err(e) => Point::Bad(SkipReason::from(e)),
        }
    }

    /// The points of one series, kept compact until its labels are known (a series may give
    /// its `values` before its `metric`), with the first bad point's text per reason.
    #[derive(Default)]
    struct Points {
        points: Vec<Point>,
        first_bad: BTreeMap<String, String>,
    }

    impl Points {
        fn push(&mut self, p: &serde_json::Value) {
            let parsed = point(p);
            if let Point::Bad(reason) = &parsed {
                self.first_bad
                    .entry(reason.to_string())
                    .or_insert_with(|| inert::clip(&p.to_string()));
            }
            self.points.push(parsed);
        }
    }

    impl<'de> DeserializeSeed<'de> for &mut Reader<'_> {
        type Value = ();
        fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_map(Object {
                reader: self,
                level: Level::Top,
            })
        }
    }

    #[derive(Clone, Copy)]
    enum Level {
        Top,
        Data,
    }

    struct Object<'r, 'a> {
        reader: &'r mut Reader<'a>,
        level: Level,
    }

    impl<'de> Visitor<'de> for Object<'_, '_> {
        type Value = ();
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            while let Some(key) = map.next_key::<String>()? {
                match (self.level, key.as_str()) {
                    (Level::Top, "data") => map.next_value_seed(Nested {
                        reader: &mut *self.reader,
                        level: Level::Data,
                    })?,
                    (Level::Data, "result") => {
                        self.reader.found = true;
                        map.next_value_seed(Results(&mut *self.reader))?;
                    }
                    _ => {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
            }
            Ok(())
        }
    }

    struct Nested<'r, 'a> {
        reader: &'r mut Reader<'a>,
        level: Level,
    }

    impl<'de> DeserializeSeed<'de> for Nested<'_, '_> {
        type Value = ();
        fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_map(Object {
                reader: self.reader,
                level: self.level,
            })
        }
    }

    struct Results<'r, 'a>(&'r mut Reader<'a>);

    impl<'de> DeserializeSeed<'de> for Results<'_, '_> {
        type Value = ();
        fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_seq(self)
        }
    }

    impl<'de> Visitor<'de> for Results<'_, '_> {
        type Value = ();
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("the result array")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            while seq.next_element_seed(SeriesSeed(&mut *self.0))?.is_some() {}
            Ok(())
        }
    }

    struct SeriesSeed<'r, 'a>(&'r mut Reader<'a>);

    impl<'de> DeserializeSeed<'de> for SeriesSeed<'_, '_> {
        type Value = ();
        fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_map(self)
        }
    }

    impl<'de> Visitor<'de> for SeriesSeed<'_, '_> {
        type Value = ();
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a series object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            let mut labels: Vec<(String, String)> = Vec::new();
            let mut points = Points::default();
            let mut had_values = false;
            while let Some(key) = map.next_key::<String>()? {
                match key.as_str() {
                    "metric" => {
                        let m: BTreeMap<String, serde_json::Value> = map.next_value()?;
                        labels = m
                            .into_iter()
                            .filter_map(|(k, v)| v.as_str().map(|s| (k, s.to_owned())))
                            .collect();
                    }
                    "values" => {
                        had_values = true;
                        map.next_value_seed(PointsSeed(&mut points))?;
                    }
                    "value" if !had_values => {
                        let v: serde_json::Value = map.next_value()?;
                        points.push(&v);
                    }
                    _ => {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
            }
            self.0.emit(labels, points);
            Ok(())
        }
    }

    struct PointsSeed<'p>(&'p mut Points);

    impl<'de> DeserializeSeed<'de> for PointsSeed<'_> {
        type Value = ();
        fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_seq(self)
        }
    }

    impl<'de> Visitor<'de> for PointsSeed<'_> {
        type Value = ();
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an array of [time, \"value\"] points")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            while let Some(p) = seq.next_element::<serde_json::Value>()? {
                self.0.push(&p);
            }
            Ok(())
        }
    }

    impl Reader<'_> {
        fn emit(&mut self, mut labels: Vec<(String, String)>, points: Points) {
            let get = |k: &str| labels.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
            let name = get("__name__").unwrap_or_default();
            let node = get("node")
                .or_else(|| get("member"))
                .or_else(|| get("instance"))
                .unwrap_or_else(|| self.file_node.to_owned());
            labels.retain(|(k, _)| k != "__name__");
            let series = Arc::new(Series { node, name, labels });
            for p in points.points {
                self.row += 1;
                self.account.rows_read += 1;
                match p {
                    Point::Good(ts_ns, value) => {
                        let s = Sample {
                            series: series.clone(),
                            ts_ns,
                            value,
                            line: self.row,
                        };
                        if admit(&s, self.account) {
                            self.out.push(s);
                        }
                    }
                    Point::Bad(reason) => {
                        let detail = points
                            .first_bad
                            .get(&reason.to_string())
                            .cloned()
                            .unwrap_or_default();
                        self.account.skip(reason, self.row, || detail);
                    }
                }
            }
        }
    }
}

/// Reads a long metric table (`ts, node, metric, labels, value`, as CSV, NDJSON or Parquet).
pub(crate) struct MetricTable<'a> {
    account: &'a mut FileAccount,
    file_node: String,
    out: Kept,
    ts: Option<TsColumn>,
    interned: Interned,
    node: Option<usize>,
    metric: usize,
    labels: Option<usize>,
    value: usize,
}

impl<'a> MetricTable<'a> {
    pub(crate) fn new(account: &'a mut FileAccount, file_node: String, room: usize) -> Self {
        MetricTable {
            account,
            file_node,
            out: Kept::new(room),
            ts: None,
            interned: Interned::default(),
            node: None,
            metric: 0,
            labels: None,
            value: 0,
        }
    }

    /// The samples kept, or the error that names where the export's room for them ran out.
    pub(crate) fn finish(self, path: &Path) -> Result<Vec<Sample>, Error> {
        self.account
            .notes
            .extend(self.ts.as_ref().and_then(TsColumn::unit_note));
        self.out.finish(path)
    }
}

impl RowSink for MetricTable<'_> {
    fn header(&mut self, cols: &[String]) -> Result<(), String> {
        let none = BTreeMap::new();
        // Prefer an integer epoch column over an ISO one when both are present.
        let ts = ["ts_ms", "ts_ns", "ts_us", "ts_s"]
            .iter()
            .find_map(|n| cols.iter().position(|c| c.eq_ignore_ascii_case(n)))
            .or_else(|| find_column(cols, "ts", columns::TS, &none))
            .ok_or("metric table has no timestamp column (ts, ts_ms, timestamp, time)")?;
        self.ts = Some(TsColumn::new(ts, &cols[ts]));
        self.node = find_column(cols, "node", &["node", "instance", "host", "member"], &none);
        self.metric = find_column(cols, "metric", &["metric", "__name__", "name"], &none)
            .ok_or("metric table has no metric column (metric, __name__)")?;
        self.labels = find_column(cols, "labels", &["labels", "label"], &none);
        self.value = find_column(cols, "value", &["value", "val"], &none)
            .ok_or("metric table has no value column")?;
        Ok(())
    }

    fn row(&mut self, line: u64, f: &Fields<'_>) {
        let Some(ts) = TsColumn::start_row(&mut self.ts, f, line, self.account) else {
            return;
        };
        let Some(name) = columns::required(f, self.metric, "metric", line, self.account) else {
            return;
        };
        let Some(value) = f.get(self.value).and_then(|v| v.trim().parse::<f64>().ok()) else {
            return self.account.skip(SkipReason::NotANumber, line, || {
                f.get(self.value).unwrap_or_default().to_owned()
            });
        };
        if value.is_nan() {
            return self
                .account
                .skip(SkipReason::NotANumber, line, || "NaN".to_owned());
        }
        let labels = match self.labels.and_then(|i| f.get(i)) {
            Some(l) => match parse_labels(l) {
                Some(l) => l,
                None => {
                    return self.account.skip(SkipReason::Malformed, line, || {
                        format!("labels: {}", inert::clip(l))
                    });
                }
            },
            None => Vec::new(),
        };
        let series = Series {
            node: self
                .node
                .and_then(|i| f.get(i))
                .unwrap_or(&self.file_node)
                .to_owned(),
            name: name.trim().to_owned(),
            labels,
        };
        let s = Sample {
            series: self.interned.get(series),
            ts_ns: ts,
            value,
            line,
        };
        if admit(&s, self.account) {
            self.out.push(s);
        }
    }

    fn skipped(&mut self, line: u64, reason: SkipReason, detail: String) {
        self.account.rows_read += 1;
        self.account.skip(reason, line, || detail);
    }
}

/// Aliases metric files announce: (node, member id) from the label of a member-id metric
/// (etcd's `etcd_server_id{server_id}`).
pub(crate) fn aliases(files: &[MetricFile]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for f in files {
        for s in &f.samples {
            let Ok((_, m)) = system::metric(&s.series.name) else {
                continue;
            };
            if m.means == Meaning::MemberId
                && let Some(id) = m.id_label.as_deref().and_then(|l| s.series.label(l))
            {
                out.push((s.series.node.clone(), id.to_owned()));
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Operational invariants the metrics and client results show, kept for reports.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Invariants {
    /// Leader changes seen, per node: (ts, how many since the previous sample).
    pub leader_changes: BTreeMap<String, Vec<(i64, u64)>>,
    /// Spans in which a node reported no leader: (node, start ns, end ns).
    pub no_leader: Vec<(String, i64, i64)>,
    /// Points where a commit index went backwards: (node, ts, origin).
    pub commit_regressions: Vec<(String, i64, String)>,
    /// Client requests on the data channel per [`LATENCY_BIN_NS`] bin, in time order: how long
    /// the answered ones took. In a consensus store each answered write (and linearizable read)
    /// waited for a quorum to acknowledge it, so this is the quorum acknowledgement latency as
    /// the clients saw it.
    pub request_latency: Vec<LatencyBin>,
}

/// The bin of [`Invariants::request_latency`]: 10 s.
pub const LATENCY_BIN_NS: i64 = 10_000_000_000;

/// Client requests of one bin.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct LatencyBin {
    /// Start of the bin, ns since the epoch.
    pub start_ns: i64,
    /// Requests answered.
    pub answered: u64,
    /// Requests that failed or timed out.
    pub failed: u64,
    /// Median latency of the answered ones, ms.
    pub p50_ms: f64,
    /// 99th percentile, ms (nearest rank).
    pub p99_ms: f64,
    /// Slowest, ms.
    pub max_ms: f64,
}

/// Collects client request outcomes into [`LatencyBin`]s.
#[derive(Debug, Default)]
pub(crate) struct LatencyBins {
    bins: BTreeMap<i64, (Vec<f32>, u64)>,
}

impl LatencyBins {
    /// Counts one request: answered with `latency_ms` (if known), or failed.
    pub(crate) fn add(&mut self, ts_ns: i64, answered: bool, latency_ms: Option<f32>) {
        let bin = self
            .bins
            .entry(ts_ns.div_euclid(LATENCY_BIN_NS) * LATENCY_BIN_NS)
            .or_default();
        match (answered, latency_ms) {
            (true, Some(ms)) => bin.0.push(ms),
            (true, None) => {}
            (false, _) => bin.1 += 1,
        }
    }

    /// The bins in time order.
    pub(crate) fn finish(self) -> Vec<LatencyBin> {
        self.bins
            .into_iter()
            .map(|(start_ns, (mut v, failed))| {
                v.sort_by(f32::total_cmp);
                let rank = |q: f64| -> f64 {
                    if v.is_empty() {
                        return 0.0;
                    }
                    let i = ((q * v.len() as f64).ceil() as usize).clamp(1, v.len()) - 1;
                    f64::from(v[i])
                };
                LatencyBin {
                    start_ns,
                    answered: v.len() as u64,
                    failed,
                    p50_ms: rank(0.5),
                    p99_ms: rank(0.99),
                    max_ms: v.last().map_or(0.0, |x| f64::from(*x)),
                }
            })
            .collect()
    }
}

impl Invariants {
    /// Leader changes per minute over all nodes, keyed by the minute's start (ns), counting each
    /// change once (the largest count any node saw in that minute).
    pub fn leader_changes_per_minute(&self) -> BTreeMap<i64, u64> {
        let mut per: BTreeMap<i64, BTreeMap<&str, u64>> = BTreeMap::new();
        for (node, v) in &self.leader_changes {
            for (ts, n) in v {
                let m = ts.div_euclid(60_000_000_000) * 60_000_000_000;
                *per.entry(m).or_default().entry(node).or_default() += n;
            }
        }
        per.into_iter()
            .map(|(m, by)| (m, by.values().copied().max().unwrap_or(0)))
            .collect()
    }
}

type SeriesKey = (NodeId, String, Vec<(String, String)>);

/// A series under resolved node names: its node, and the peers its labels name.
fn series_key(series: &Series, resolver: &NodeResolver) -> SeriesKey {
    // The label naming the peer, as its system's data file says: its value is a node's name
    // in whatever form the system uses (a member id, `rabbit@host`, an address).
    let peer_label = system::metric(&series.name)
        .ok()
        .and_then(|(_, m)| m.peer_label.as_deref());
    let mut labels: Vec<(String, String)> = series
        .labels
        .iter()
        .filter(|(k, _)| k != "instance" && k != "job" && k != "node" && k != "member")
        .map(|(k, v)| {
            let v = if Some(k.as_str()) == peer_label && v != "0" {
                resolver.resolve(v).0
            } else {
                v.clone()
            };
            (k.clone(), v)
        })
        .collect();
    labels.sort();
    (resolver.resolve(&series.node), series.name.clone(), labels)
}

/// Turns samples into observations, events and invariants (names resolved with `resolver`).
/// One end's byte count of a link for one second: what it wrote to or read from the other.
#[derive(Clone, Copy, Debug)]
struct HalfPoint {
    /// Bytes since the previous sample.
    bytes: f64,
    ts_ns: i64,
    /// The file (index among the metric files) and line it came from.
    file: u32,
    line: u64,
    /// Seconds since the previous sample.
    dt: f32,
}

/// One end of a link, a point per second in time order: 40 bytes a point, where a map would
/// take twice that. Its system says how many bytes make a message, and what an idle link writes.
#[derive(Debug, Default)]
struct Half {
    points: Vec<(i64, HalfPoint)>,
    bytes_per_message: f64,
    idle_bytes_per_s: f64,
}

impl Half {
    fn new(system: &System) -> Self {
        Half {
            points: Vec::new(),
            bytes_per_message: system.metrics.bytes_per_message,
            idle_bytes_per_s: system.metrics.idle_link_bytes_per_s,
        }
    }

    /// Attempts and deliveries in one second: what the sender (this end, point `sp`) wrote
    /// beyond an idle link's own keep-alives is what the receiver (point `rp`) should have
    /// read. Byte counters show progress, not packet loss (TCP retransmits): the receiver
    /// reading at least half of it in the same second is delivery; reading nothing is a stall.
    /// `None` when neither end moved.
    fn delivery(&self, sp: &HalfPoint, rp: &HalfPoint) -> Option<(u32, u32)> {
        let unit = self.bytes_per_message;
        let (sb, rbytes, dt) = (sp.bytes, rp.bytes, f64::from(sp.dt));
        let payload = sb - self.idle_bytes_per_s * dt.max(0.0);
        Some(if payload <= 0.0 {
            if rbytes <= 0.0 {
                return None;
            }
            let n = (rbytes / unit).ceil().clamp(1.0, 1e9) as u32;
            (n, n)
        } else {
            let n = (payload / unit).ceil().clamp(1.0, 1e9) as u32;
            if rbytes >= 0.5 * payload {
                (n, n)
            } else {
                (n, ((rbytes / unit).ceil() as u32).min(n))
            }
        })
    }

    /// Sets the point of second `b`; samples arrive in time order, so this appends, or replaces
    /// the last point when two samples round to the same second.
    fn insert(&mut self, b: i64, p: HalfPoint) {
        match self.points.last_mut() {
            Some(last) if last.0 == b => last.1 = p,
            Some(last) if last.0 > b => match self.points.binary_search_by_key(&b, |e| e.0) {
                Ok(i) => self.points[i].1 = p,
                Err(i) => self.points.insert(i, (b, p)),
            },
            _ => self.points.push((b, p)),
        }
    }

    fn get(&self, b: i64) -> Option<&HalfPoint> {
        self.points
            .binary_search_by_key(&b, |e| e.0)
            .ok()
            .map(|i| &self.points[i].1)
    }

    fn buckets(&self) -> impl Iterator<Item = i64> + '_ {
        self.points.iter().map(|e| e.0)
    }
}

pub(crate) fn interpret(
    files: Vec<MetricFile>,
    resolver: &NodeResolver,
    accounts: &mut [FileAccount],
    observations: &mut Vec<Observation>,
    events: &mut Vec<Event>,
) -> Invariants {
    let rels: Vec<String> = files.iter().map(|f| f.rel.clone()).collect();
    let series = best_series(files, resolver, accounts);
    let names = peer_names(&series, resolver);
    let mut inv = Invariants::default();
    // Byte counters: (src, dst) → one point per second for each end. Each series is dropped
    // once read, so what stays is these points, not the samples.
    let mut links = Links::default();
    for ((node, name, labels), (fi, samples)) in series {
        let Ok((system, metric)) = system::metric(&name) else {
            continue;
        };
        let at = At {
            node: &node,
            name: &name,
            labels: &labels,
            file: fi,
            rels: &rels,
            samples: &samples,
            names: &names,
        };
        match metric.means {
            Meaning::PeerSentBytes | Meaning::PeerReceivedBytes => {
                links.add(system, metric, &at);
            }
            Meaning::PeerActive => peer_flips(metric, &at, events),
            Meaning::HasLeader => leader_gaps(&at, events, &mut inv),
            Meaning::IsLeader => role_flips(&at, events),
            Meaning::LeaderChanges | Meaning::HeartbeatFailures => {
                increments(metric.means, &at, events, &mut inv);
            }
            Meaning::Committed => {
                for (i, s) in samples.iter().enumerate().skip(1) {
                    if s.value < samples[i - 1].value {
                        inv.commit_regressions
                            .push((node.0.clone(), s.ts_ns, at.origin(s.line)));
                    }
                }
            }
            Meaning::MemberId | Meaning::PeerInfo => {}
            Meaning::PeerLastHeard => last_heard(metric, &at, resolver, observations),
        }
    }
    links.pair(&rels, observations);
    inv
}

/// Groups samples by resolved series and keeps each series from the file that has most samples
/// of it (a finer export of the same series), counting the others as not used. Each series is
/// (file index, samples in time order).
fn best_series(
    files: Vec<MetricFile>,
    resolver: &NodeResolver,
    accounts: &mut [FileAccount],
) -> BTreeMap<SeriesKey, (usize, Vec<Sample>)> {
    let mut by_series: BTreeMap<SeriesKey, BTreeMap<usize, Vec<Sample>>> = BTreeMap::new();
    let rels: Vec<String> = files.iter().map(|f| f.rel.clone()).collect();
    let accs: Vec<usize> = files.iter().map(|f| f.account).collect();
    for (fi, f) in files.into_iter().enumerate() {
        // Each series is resolved once, then its samples are moved under the resolved key.
        let mut groups: HashMap<*const Series, Vec<Sample>> = HashMap::new();
        for s in f.samples {
            groups.entry(Arc::as_ptr(&s.series)).or_default().push(s);
        }
        for samples in groups.into_values() {
            let Some(first) = samples.first() else {
                continue;
            };
            let key = series_key(&first.series, resolver);
            by_series
                .entry(key)
                .or_default()
                .entry(fi)
                .or_default()
                .extend(samples);
        }
    }
    let mut series: BTreeMap<SeriesKey, (usize, Vec<Sample>)> = BTreeMap::new();
    for (key, per_file) in by_series {
        let best = per_file
            .iter()
            .max_by_key(|(fi, v)| (v.len(), std::cmp::Reverse(**fi)))
            .map(|(fi, _)| *fi)
            .unwrap_or(0);
        for (fi, v) in per_file {
            if fi == best {
                let mut v = v;
                v.sort_by_key(|s| s.ts_ns);
                series.insert(key.clone(), (fi, v));
            } else {
                let acc = &mut accounts[accs[fi]];
                acc.rows_used -= v.len() as u64;
                acc.skip_n(
                    SkipReason::NotUsed("a finer export of the same series is used".into()),
                    v.len() as u64,
                    v[0].line,
                    || format!("{} of {} is read from {}", key.1, key.0, rels[best]),
                );
            }
        }
    }
    series
}

/// One series being interpreted: whose, which, and where its samples came from.
struct At<'a> {
    node: &'a NodeId,
    name: &'a str,
    labels: &'a [(String, String)],
    /// Index of its file among the metric files.
    file: usize,
    rels: &'a [String],
    samples: &'a [Sample],
    /// The peers info series name ([`peer_names`]).
    names: &'a PeerNames,
}

impl At<'_> {
    fn label(&self, k: &str) -> Option<&str> {
        label_of(self.labels, k)
    }

    /// The peer `metric` is about: its peer label, else the peer the info series it names
    /// gives for the same node and the same values of the shared labels.
    fn peer(&self, metric: &MetricSeries) -> Option<&str> {
        if let Some(p) = metric.peer_label.as_deref().and_then(|l| self.label(l)) {
            return Some(p);
        }
        let from = metric.peer_from.as_ref()?;
        let on: Option<Vec<String>> = from
            .on
            .iter()
            .map(|k| self.label(k).map(str::to_owned))
            .collect();
        self.names
            .get(&(self.node.clone(), from.series.clone(), on?))
            .map(String::as_str)
    }

    fn origin(&self, line: u64) -> String {
        format!("{}:{}", self.rels[self.file], line)
    }

    /// What each sample added since the previous one (NaN for the first); a counter (`_total`)
    /// that went down was reset, and added its new value.
    fn deltas(&self) -> Vec<f64> {
        let counter = self.name.ends_with("_total");
        let mut prev: Option<f64> = None;
        let mut deltas = Vec::with_capacity(self.samples.len());
        for s in self.samples {
            let d = match prev {
                Some(p) if counter && s.value < p => s.value,
                Some(p) => s.value - p,
                None => f64::NAN,
            };
            deltas.push(d);
            prev = Some(s.value);
        }
        deltas
    }

    fn event(&self, s: &Sample, kind: EventKind, peer: Option<NodeId>, detail: String) -> Event {
        Event {
            ts_ns: s.ts_ns,
            node: self.node.clone(),
            kind,
            peer,
            term: None,
            detail,
            origin: self.origin(s.line),
        }
    }
}

fn label_of<'a>(labels: &'a [(String, String)], k: &str) -> Option<&'a str> {
    labels.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str())
}

/// (node, info series, values of the labels it shares) → the peer it names.
type PeerNames = HashMap<(NodeId, String, Vec<String>), String>;

/// The peers each info series names (`peer_from`): for every series of a metric that takes its
/// peer from one, the peer named by the first non-empty label of the info series of the same
/// node with the same values of the shared labels, as the export's names resolve it.
fn peer_names(
    series: &BTreeMap<SeriesKey, (usize, Vec<Sample>)>,
    resolver: &NodeResolver,
) -> PeerNames {
    let mut wanted: Vec<&'static system::PeerFrom> = Vec::new();
    for (_, name, _) in series.keys() {
        if let Ok((_, m)) = system::metric(name)
            && let Some(from) = &m.peer_from
            && !wanted.iter().any(|w| std::ptr::eq(*w, from))
        {
            wanted.push(from);
        }
    }
    let mut out = PeerNames::new();
    for (node, name, labels) in series.keys() {
        for from in wanted.iter().filter(|w| &w.series == name) {
            let on: Option<Vec<String>> = from
                .on
                .iter()
                .map(|k| label_of(labels, k).map(str::to_owned))
                .collect();
            let peer = from
                .labels
                .iter()
                .find_map(|k| label_of(labels, k).filter(|v| !v.is_empty()));
            if let (Some(on), Some(peer)) = (on, peer) {
                out.insert((node.clone(), name.clone(), on), resolver.resolve(peer).0);
            }
        }
    }
    out
}

/// `peer_up` / `peer_down` events when a node's view of a peer flips.
fn peer_flips(metric: &MetricSeries, at: &At<'_>, events: &mut Vec<Event>) {
    let Some(peer) = at.peer(metric) else {
        return;
    };
    for (i, s) in at.samples.iter().enumerate().skip(1) {
        let was = at.samples[i - 1].value > 0.0;
        let is = s.value > 0.0;
        if was != is {
            let kind = if is {
                EventKind::PeerUp
            } else {
                EventKind::PeerDown
            };
            let detail = format!("{} went to {}", at.name, s.value);
            events.push(at.event(s, kind, Some(NodeId(peer.to_owned())), detail));
        }
    }
}

/// One delivered observation, peer → node on the data channel, at each new time the node last
/// heard the peer (the sample's time less its age, less the second the age rounds away). Only
/// what was heard is evidence. A silence is not: over TCP one side's silence follows a cut of
/// either direction (the stalled acknowledgements hold back the other side's sends), and how
/// long a quiet peer may be depends on settings the gauge does not say; the node's logs tell
/// when it gave up on the peer.
fn last_heard(
    metric: &MetricSeries,
    at: &At<'_>,
    resolver: &NodeResolver,
    observations: &mut Vec<Observation>,
) {
    let Some(peer) = at.peer(metric) else {
        return;
    };
    let peer = resolver.resolve(peer);
    if &peer == at.node {
        return;
    }
    let mut last: Option<i64> = None;
    let obs = |ts_ns: i64, line: u64| Observation {
        ts_ns,
        src: peer.clone(),
        dst: at.node.clone(),
        channel: Channel::Data,
        flow: None,
        evidence: Evidence::OneWay,
        attempts: 1,
        delivered: 1,
        latency_ms: None,
        reporter: at.node.0.clone(),
        origin: at.origin(line),
    };
    for s in at.samples {
        if !(s.value.is_finite() && s.value >= 0.0) {
            continue;
        }
        // The gauge counts whole seconds, rounded down: an age of v says the peer was heard
        // after ts − v − 1 s, which is all that is sure. A time within the second of the last
        // one is the same.
        let heard = s.ts_ns - ((s.value.floor() + 1.0) * 1e9) as i64;
        if last.is_some_and(|l| heard < l + 1_000_000_000) {
            continue;
        }
        last = Some(heard);
        observations.push(obs(heard, s.line));
    }
}

/// `no_leader` events, and the has-leader gaps of the invariants.
fn leader_gaps(at: &At<'_>, events: &mut Vec<Event>, inv: &mut Invariants) {
    let node = at.node;
    let mut gap: Option<i64> = None;
    for (i, s) in at.samples.iter().enumerate() {
        let has = s.value > 0.0;
        if !has && gap.is_none() {
            gap = Some(s.ts_ns);
            if i > 0 {
                let detail = format!("{} went to 0", at.name);
                events.push(at.event(s, EventKind::NoLeader, None, detail));
            }
        } else if has && let Some(g) = gap.take() {
            inv.no_leader.push((node.0.clone(), g, s.ts_ns));
        }
    }
    if let (Some(g), Some(last)) = (gap, at.samples.last()) {
        inv.no_leader.push((node.0.clone(), g, last.ts_ns));
    }
}

/// `role_change` events when a node becomes or stops being the leader.
fn role_flips(at: &At<'_>, events: &mut Vec<Event>) {
    for (i, s) in at.samples.iter().enumerate().skip(1) {
        let (was, is) = (at.samples[i - 1].value > 0.0, s.value > 0.0);
        if was != is {
            let detail = if is { "leader" } else { "not leader" }.to_owned();
            events.push(at.event(s, EventKind::RoleChange, None, detail));
        }
    }
}

/// `leader_change` (and the leader changes of the invariants) or `stall` events where a counter
/// went up.
fn increments(means: Meaning, at: &At<'_>, events: &mut Vec<Event>, inv: &mut Invariants) {
    let leader = means == Meaning::LeaderChanges;
    for (s, d) in at.samples.iter().zip(&at.deltas()) {
        if d.is_finite() && *d > 0.0 {
            if leader {
                inv.leader_changes
                    .entry(at.node.0.clone())
                    .or_default()
                    .push((s.ts_ns, *d as u64));
            }
            let kind = if leader {
                EventKind::LeaderChange
            } else {
                EventKind::Stall
            };
            events.push(at.event(s, kind, None, format!("{} +{d}", at.name)));
        }
    }
}

/// Both ends' byte counters of every link, a point per second.
#[derive(Default)]
struct Links {
    sent: HashMap<(NodeId, NodeId), Half>,
    recv: HashMap<(NodeId, NodeId), Half>,
}

impl Links {
    /// Adds the byte counter `at` of `system` (what its node wrote to or read from a peer).
    fn add(&mut self, system: &System, metric: &MetricSeries, at: &At<'_>) {
        let is_sent = metric.means == Meaning::PeerSentBytes;
        let Some(peer) = at.peer(metric) else {
            return;
        };
        let peer = NodeId(peer.to_owned());
        let node = at.node;
        if peer == *node {
            return;
        }
        let key = if is_sent {
            (node.clone(), peer)
        } else {
            (peer, node.clone())
        };
        let half = if is_sent {
            &mut self.sent
        } else {
            &mut self.recv
        }
        .entry(key)
        .or_insert_with(|| Half::new(system));
        let samples = at.samples;
        for (i, (s, d)) in samples.iter().zip(&at.deltas()).enumerate() {
            if d.is_finite() && i > 0 {
                let dt = (s.ts_ns as f64 - samples[i - 1].ts_ns as f64) / 1e9;
                let b = s
                    .ts_ns
                    .saturating_add(500_000_000)
                    .div_euclid(1_000_000_000);
                half.insert(
                    b,
                    HalfPoint {
                        bytes: *d,
                        ts_ns: s.ts_ns,
                        file: at.file as u32,
                        line: s.line,
                        dt: dt as f32,
                    },
                );
            }
        }
    }

    /// Pairs what A wrote to B with what B read from A, second by second, into one-way
    /// observations of A→B.
    fn pair(&self, rels: &[String], observations: &mut Vec<Observation>) {
        let origin = |fi: u32, line: u64| format!("{}:{}", rels[fi as usize], line);
        let mut keys: Vec<&(NodeId, NodeId)> = self.sent.keys().chain(self.recv.keys()).collect();
        keys.sort();
        keys.dedup();
        let empty = Half::default();
        for key in keys {
            let s = self.sent.get(key).unwrap_or(&empty);
            let r = self.recv.get(key).unwrap_or(&empty);
            let mut buckets: Vec<i64> = s.buckets().chain(r.buckets()).collect();
            buckets.sort_unstable();
            buckets.dedup();
            let mut taken_r: std::collections::HashSet<i64> = std::collections::HashSet::new();
            for b in buckets {
                let Some(sp) = s.get(b) else {
                    continue;
                };
                let found = [b, b - 1, b + 1]
                    .into_iter()
                    .find(|x| !taken_r.contains(x) && r.get(*x).is_some());
                let Some(rb) = found else { continue };
                taken_r.insert(rb);
                let Some(rp) = r.get(rb) else { continue };
                let Some((attempts, delivered)) = s.delivery(sp, rp) else {
                    continue;
                };
                observations.push(Observation {
                    ts_ns: sp.ts_ns.max(rp.ts_ns),
                    src: key.0.clone(),
                    dst: key.1.clone(),
                    channel: Channel::Heartbeat,
                    flow: None,
                    evidence: Evidence::OneWay,
                    attempts,
                    delivered,
                    latency_ms: None,
                    reporter: key.1.0.clone(),
                    origin: format!("{};{}", origin(sp.file, sp.line), origin(rp.file, rp.line)),
                });
            }
        }
    }
}

/// True when a JSON file looks like a Prometheus API response (sniffed from its start).
pub(crate) fn is_query_json(path: &Path) -> bool {
    let Ok(mut r) = input::open(path, &crate::progress::NoProgress) else {
        return false;
    };
    let mut head = vec![0u8; 4096];
    let mut n = 0;
    while n < head.len() {
        match std::io::Read::read(&mut r, &mut head[n..]) {
            Ok(0) | Err(_) => break,
            Ok(k) => n += k,
        }
    }
    let head = String::from_utf8_lossy(&head[..n]);
    head.contains("\"resultType\"") || head.contains("\"result\"") && head.contains("\"status\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_closing_brace_before_the_opening_one_is_malformed_not_a_panic() {
        assert_eq!(parse_sample_line("x} {a=\"b\" 1"), None);
    }

    #[test]
    fn samples_past_the_room_stop_the_read_at_the_first_one_beyond() {
        let series = Arc::new(Series {
            node: "n1".into(),
            name: "etcd_server_has_leader".into(),
            labels: Vec::new(),
        });
        let mut kept = Kept::new(2);
        for line in 1..=4 {
            kept.push(Sample {
                series: series.clone(),
                ts_ns: 0,
                value: 1.0,
                line,
            });
        }
        assert_eq!(kept.out.len(), 2);
        let e = kept.finish(Path::new("m.prom")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "m.prom:3: the metric files hold more than 5,000,000 samples of the series rift reads: export a longer step, a shorter time range or fewer series, or per-peer counters, which rift reads at any size"
        );
        let mut room = Kept::new(2);
        room.push(Sample {
            series,
            ts_ns: 0,
            value: 1.0,
            line: 1,
        });
        assert_eq!(room.finish(Path::new("m.prom")).unwrap().len(), 1);
    }

    #[test]
    fn exposition_lines_parse() {
        let (n, l, v, t) = parse_sample_line(
            r#"etcd_network_peer_sent_bytes_total{To="7e1a4a622685c848"} 123456 1795316584164"#,
        )
        .unwrap();
        assert_eq!(n, "etcd_network_peer_sent_bytes_total");
        assert_eq!(l, vec![("To".to_owned(), "7e1a4a622685c848".to_owned())]);
        assert_eq!(v, 123456.0);
        assert_eq!(t, Some(Ok(1_795_316_584_164_000_000)));
        let (_, l, v, t) = parse_sample_line(r#"x{a="q\"b",b="c"} 1.5e3"#).unwrap();
        assert_eq!(l[0].1, "q\"b");
        assert_eq!((v, t), (1500.0, None));
        assert!(parse_sample_line("not a sample").is_none());
        assert!(parse_sample_line(r#"x{a="b} 1"#).is_none());
    }

    #[test]
    fn scrape_markers_carry_time_and_node() {
        let (ts, node) = scrape_marker(
            "# elab_scrape ts_iso=2026-11-22T03:03:04.164Z ts_ms=1795316584164 node=n1",
        )
        .unwrap();
        assert_eq!(ts, Ok(1_795_316_584_164_000_000));
        assert_eq!(node.as_deref(), Some("n1"));
        // Times past 2262 (or before 1970) in either notation are refused, not overflowed.
        for line in [
            "# s ts_ms=9223372036854775807",
            "# s ts=2300-01-01T00:00:00Z",
        ] {
            assert_eq!(scrape_marker(line).unwrap().0, Err(TsError::OutsideWindow));
        }
        let (.., t) = parse_sample_line("x 1 9223372036854775807").unwrap();
        assert_eq!(t, Some(Err(TsError::OutsideWindow)));
        assert!(scrape_marker("# HELP x y").is_none());
    }
}
