//! Building a timeline from observation batches.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use polars::prelude::*;
use rift_ingest::intern::Interner;
use rift_ingest::model::{Channel, Evidence, NodeId, col};
use rift_ingest::observations_schema;
use rustc_hash::FxHashMap;

use crate::error::Error;
use crate::estimate::{Counts, Last, Verdict, direction, narrow, pooled, remember};
use crate::model::{Basis, EdgeKey, EdgeState, PairKey, Segment, Thresholds, Timeline, WindowIdx};
use crate::trail::{Recorder, Trace, Trail};

pub(crate) const NO_FLOW: u32 = u32::MAX;

/// A series group by name: channel, the pair's two nodes (sorted), flow. Sorting by name makes
/// the output order independent of input order.
type GroupName = (Channel, String, String, Option<String>);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct AccKey {
    pub(crate) channel: Channel,
    pub(crate) evidence: Evidence,
    pub(crate) src: u32,
    pub(crate) dst: u32,
    pub(crate) flow: u32,
}

/// Attempts and deliveries per absolute window, dense from `base`.
#[derive(Default)]
struct Dense {
    base: i64,
    n: Vec<u32>,
    k: Vec<u32>,
}

impl Dense {
    /// The cells this series would hold with window `w` added.
    fn cells_with(&self, w: i64) -> u64 {
        match self.range() {
            None => 1,
            Some((lo, hi)) => (hi.max(w + 1) - lo.min(w)) as u64,
        }
    }

    fn add(&mut self, w: i64, n: u32, k: u32) {
        if self.n.is_empty() {
            self.base = w;
        }
        if w < self.base {
            let shift = (self.base - w) as usize;
            self.n.splice(0..0, std::iter::repeat_n(0, shift));
            self.k.splice(0..0, std::iter::repeat_n(0, shift));
            self.base = w;
        }
        let i = (w - self.base) as usize;
        if i >= self.n.len() {
            self.n.resize(i + 1, 0);
            self.k.resize(i + 1, 0);
        }
        self.n[i] = self.n[i].saturating_add(n);
        self.k[i] = self.k[i].saturating_add(k.min(n));
    }

    fn get(&self, w: i64) -> Counts {
        let i = w - self.base;
        if i < 0 || i as usize >= self.n.len() {
            return Counts::default();
        }
        Counts {
            n: u64::from(self.n[i as usize]),
            k: u64::from(self.k[i as usize]),
        }
    }

    fn range(&self) -> Option<(i64, i64)> {
        (!self.n.is_empty()).then(|| (self.base, self.base + self.n.len() as i64))
    }
}

/// Most windows a timeline spans: 1,000,000 (11.6 days of 1 s windows).
pub const MAX_WINDOWS: i64 = 1_000_000;

/// Most (series, window) cells the builder holds: 256 M, 2 GiB of counts.
pub const MAX_CELLS: u64 = 1 << 28;

/// The earliest and latest windows seen, with where their observations came from.
struct Extent {
    lo: i64,
    hi: i64,
    lo_origin: String,
    hi_origin: String,
}

/// Folds observation batches into per-window counts, then into a [`Timeline`].
///
/// Memory is about 8 bytes per (series, window) that has evidence, whatever the number of input
/// rows, so batches can be streamed from [`rift_ingest::IncidentFolder::stream`].
pub struct TimelineBuilder {
    window_ns: i64,
    fill_ns: i64,
    thresholds: Thresholds,
    nodes: Interner,
    flows: Interner,
    series_ids: FxHashMap<AccKey, usize>,
    series: Vec<(AccKey, Dense)>,
    /// The category mapping `code_nodes` is valid for (held, so that it cannot be freed and
    /// another take its place).
    code_mapping: Option<Arc<CategoricalMapping>>,
    /// Node id per category id of `code_mapping`, `u32::MAX` when not seen yet.
    code_nodes: Vec<u32>,
    recorder: Recorder,
    extent: Option<Extent>,
    cells: u64,
}

impl Default for TimelineBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl TimelineBuilder {
    /// A builder with 1 s windows, 5 s fill and the default thresholds (up ≥ 0.9, down ≤ 0.1).
    pub fn new() -> Self {
        TimelineBuilder {
            window_ns: 1_000_000_000,
            fill_ns: 5_000_000_000,
            thresholds: Thresholds::default(),
            nodes: Interner::default(),
            flows: Interner::default(),
            series_ids: FxHashMap::default(),
            series: Vec::new(),
            code_mapping: None,
            code_nodes: Vec::new(),
            recorder: Recorder::default(),
            extent: None,
            cells: 0,
        }
    }

    /// Sets the window length in ns (must be positive; set it before adding observations).
    pub fn window_ns(mut self, ns: i64) -> Self {
        self.window_ns = ns.max(1);
        self
    }

    /// Sets how long a series without evidence keeps its last state, in ns (0 disables).
    pub fn fill_ns(mut self, ns: i64) -> Self {
        self.fill_ns = ns.max(0);
        self
    }

    /// Sets the thresholds.
    pub fn thresholds(mut self, t: Thresholds) -> Self {
        self.thresholds = t;
        self
    }

    fn node(&mut self, s: &str) -> u32 {
        self.nodes.intern(s)
    }

    fn flow(&mut self, s: Option<&str>) -> u32 {
        s.map_or(NO_FLOW, |s| self.flows.intern(s))
    }

    /// The index of series `key`, created on first use.
    fn series(&mut self, key: AccKey) -> usize {
        if let Some(&i) = self.series_ids.get(&key) {
            return i;
        }
        self.series.push((key, Dense::default()));
        self.series_ids.insert(key, self.series.len() - 1);
        self.series.len() - 1
    }

    /// The builder's node id of each category id in `codes`, through `names` (the batch's
    /// category mapping). Ids are remembered per mapping, so a name is looked up once. A missing
    /// value (`u32::MAX`) stays missing.
    fn node_ids_of(&mut self, names: &Names, codes: &[u32]) -> Result<Vec<u32>, Error> {
        if !self
            .code_mapping
            .as_ref()
            .is_some_and(|m| Arc::ptr_eq(m, &names.0))
        {
            self.code_mapping = Some(names.0.clone());
            self.code_nodes.clear();
        }
        let mut out = Vec::with_capacity(codes.len());
        for (row, &code) in codes.iter().enumerate() {
            if code == u32::MAX {
                out.push(u32::MAX);
                continue;
            }
            let slot = code as usize;
            if slot >= self.code_nodes.len() {
                self.code_nodes.resize(slot + 1, u32::MAX);
            }
            if self.code_nodes[slot] == u32::MAX {
                let name = names.0.cat_to_str(code).ok_or_else(|| Error::BadRow {
                    row,
                    reason: format!("category {code} has no name"),
                })?;
                self.code_nodes[slot] = self.node(name);
            }
            out.push(self.code_nodes[slot]);
        }
        Ok(out)
    }

    /// Adds a batch of observations (a DataFrame with the observations schema; `src`, `dst`,
    /// `reporter`, `channel` and `evidence` may be strings or categoricals).
    pub fn add(&mut self, df: &DataFrame) -> Result<(), Error> {
        let batch = Batch::new(df)?;
        let src = self.node_ids_of(&batch.names, &batch.src)?;
        let dst = self.node_ids_of(&batch.names, &batch.dst)?;
        let reporter = match &batch.reporter {
            Some((names, codes)) => Some(self.node_ids_of(names, codes)?),
            None => None,
        };
        let mut last: Option<(AccKey, usize)> = None;
        for row in 0..batch.len() {
            let ts = batch.ts[row];
            let unknown = |what: &str, code: u8| Error::BadRow {
                row,
                reason: format!("{what} code {code} is not one rift knows"),
            };
            let code = batch.channel[row];
            let ch = *Channel::ALL
                .get(usize::from(code))
                .ok_or_else(|| unknown("channel", code))?;
            let code = batch.evidence[row];
            let ev = *Evidence::ALL
                .get(usize::from(code))
                .ok_or_else(|| unknown("evidence", code))?;
            let (n, k) = (batch.attempts[row], batch.delivered[row]);
            // One-way counts end their measured interval at `ts`, so such a row belongs to the
            // window that ends at or after it: a count for (T-1 s, T] lands in the window that
            // starts at T-1 s. Round trips are stamped when the request was sent.
            let w = match ev {
                Evidence::OneWay => ts.saturating_sub(1).div_euclid(self.window_ns),
                Evidence::RoundTrip => ts.div_euclid(self.window_ns),
            };
            let origin = || {
                batch
                    .origin
                    .as_ref()
                    .and_then(|o| o.get(row))
                    .unwrap_or_default()
                    .to_owned()
            };
            self.extend(w, origin)?;
            let f = self.flow(batch.flow.as_ref().and_then(|c| c.get(row)));
            let key = AccKey {
                channel: ch,
                evidence: ev,
                src: src[row],
                dst: dst[row],
                flow: NO_FLOW,
            };
            let all = match last {
                Some((k, i)) if k == key => i,
                _ => {
                    let i = self.series(key);
                    last = Some((key, i));
                    i
                }
            };
            self.add_to(all, w, n, k)?;
            let own = if f == NO_FLOW {
                all
            } else {
                let i = self.series(AccKey { flow: f, ..key });
                self.add_to(i, w, n, k)?;
                i
            };
            if let Some(&r) = reporter
                .as_ref()
                .map(|r| &r[row])
                .filter(|&&r| r != u32::MAX)
            {
                self.recorder.reported(r, w, true);
            }
            // A node that answered a request, or whose traffic arrived, was up, whether or not
            // it logged anything: many systems log only when something changes.
            if k > 0 {
                let up = match ev {
                    Evidence::RoundTrip => dst[row],
                    Evidence::OneWay => src[row],
                };
                self.recorder.reported(up, w, false);
            }
            let ok = f64::from(k) >= f64::from(n) * self.thresholds.up;
            self.recorder.row(own, ok, || Trace {
                ts_ns: ts,
                ok,
                attempts: n,
                delivered: k.min(n),
                origin: origin(),
            });
        }
        Ok(())
    }

    /// Widens the timeline's extent to window `w`, or fails when that would span more than
    /// [`MAX_WINDOWS`].
    fn extend(&mut self, w: i64, origin: impl Fn() -> String) -> Result<(), Error> {
        let Some(e) = &mut self.extent else {
            self.extent = Some(Extent {
                lo: w,
                hi: w,
                lo_origin: origin(),
                hi_origin: origin(),
            });
            return Ok(());
        };
        if w >= e.lo && w <= e.hi {
            return Ok(());
        }
        let (lo, hi) = (e.lo.min(w), e.hi.max(w));
        let windows = hi.saturating_sub(lo).saturating_add(1);
        if windows > MAX_WINDOWS {
            let (first_origin, last_origin) = if w < e.lo {
                (origin(), e.hi_origin.clone())
            } else {
                (e.lo_origin.clone(), origin())
            };
            let at = |w: i64| rift_ingest::format_ts(w.saturating_mul(self.window_ns));
            return Err(Error::SpanTooLong(format!(
                "the observations span {windows} windows of {} ({} at {first_origin} to {} at {last_origin}), more than the {MAX_WINDOWS} a timeline holds: a timestamp this far from the others is most likely wrong (a clock reset to 1970, a misread column); correct or remove that row, or pass a longer --window",
                rift_ingest::format_duration(self.window_ns),
                at(lo),
                at(hi),
            )));
        }
        if w < e.lo {
            e.lo = w;
            e.lo_origin = origin();
        } else {
            e.hi = w;
            e.hi_origin = origin();
        }
        Ok(())
    }

    /// Adds counts to series `i`, or fails when the builder would hold more than [`MAX_CELLS`].
    fn add_to(&mut self, i: usize, w: i64, n: u32, k: u32) -> Result<(), Error> {
        let dense = &mut self.series[i].1;
        let before = dense.n.len() as u64;
        let after = dense.cells_with(w);
        if after > before {
            self.cells += after - before;
            if self.cells > MAX_CELLS {
                return Err(Error::TooManyCells {
                    series: self.series.len(),
                    limit: MAX_CELLS,
                });
            }
        }
        self.series[i].1.add(w, n, k);
        Ok(())
    }

    /// Estimates every window and stores the change points.
    pub fn finish(self) -> Timeline {
        self.finish_traced().0
    }

    /// Like [`TimelineBuilder::finish`], and also returns the [`Trail`]: which nodes reported
    /// when, and the input rows at which each series turned from delivering to failing and back.
    pub fn finish_traced(self) -> (Timeline, Trail) {
        let (lo, hi) = self
            .series
            .iter()
            .filter_map(|(_, d)| d.range())
            .fold((i64::MAX, i64::MIN), |(lo, hi), (a, b)| {
                (lo.min(a), hi.max(b))
            });
        let (first, end) = if lo == i64::MAX { (0, 0) } else { (lo, hi) };
        let windows = (end - first).clamp(0, i64::from(u32::MAX)) as u32;
        let fill = ((self.fill_ns + self.window_ns - 1) / self.window_ns)
            .clamp(0, i64::from(u32::MAX)) as u32;
        let name = |i: u32| NodeId(self.nodes.name(i).to_owned());
        let flow_name = |f: u32| (f != NO_FLOW).then(|| self.flows.name(f).to_owned());

        // Group series by (channel, unordered pair, flow).
        let mut groups: BTreeMap<GroupName, (u32, u32, u32)> = BTreeMap::new();
        for (key, _) in &self.series {
            let (a, b) = if self.nodes.name(key.src) <= self.nodes.name(key.dst) {
                (key.src, key.dst)
            } else {
                (key.dst, key.src)
            };
            groups.insert(
                (
                    key.channel,
                    self.nodes.name(a).to_owned(),
                    self.nodes.name(b).to_owned(),
                    flow_name(key.flow),
                ),
                (a, b, key.flow),
            );
        }
        let empty = Dense::default();
        let series = |ev: Evidence, ch: Channel, s: u32, d: u32, f: u32| {
            self.series_ids
                .get(&AccKey {
                    channel: ch,
                    evidence: ev,
                    src: s,
                    dst: d,
                    flow: f,
                })
                .map_or(&empty, |&i| &self.series[i].1)
        };
        let mut edges = BTreeMap::new();
        let mut round_trips = BTreeMap::new();
        for ((channel, _, _, flow), (a, b, f)) in groups {
            let ow_ab = series(Evidence::OneWay, channel, a, b, f);
            let ow_ba = series(Evidence::OneWay, channel, b, a, f);
            let rt_ab = series(Evidence::RoundTrip, channel, a, b, f);
            let rt_ba = series(Evidence::RoundTrip, channel, b, a, f);
            let ranges = [ow_ab, ow_ba, rt_ab, rt_ba]
                .into_iter()
                .filter_map(Dense::range);
            let (start, stop) =
                ranges.fold((i64::MAX, i64::MIN), |(l, h), (x, y)| (l.min(x), h.max(y)));
            let mut fwd = Runs::new(fill);
            let mut rev = Runs::new(fill);
            let mut rts = Runs::new(fill);
            let has_rt = rt_ab.range().is_some() || rt_ba.range().is_some();
            let (mut last_fwd, mut last_rev): (Last, Last) = (None, None);
            for w in start..stop {
                let idx = (w - first) as u32;
                let mut rt = rt_ab.get(w);
                rt.add(rt_ba.get(w));
                let (own, back) = (ow_ab.get(w), ow_ba.get(w));
                let (vf, vr) = narrow(
                    (
                        direction(own, back, rt, &self.thresholds),
                        direction(back, own, rt, &self.thresholds),
                    ),
                    (last_fwd, last_rev),
                    &self.thresholds,
                );
                remember(&mut last_fwd, &vf);
                remember(&mut last_rev, &vr);
                fwd.push(idx, vf);
                rev.push(idx, vr);
                if rt.n > 0 {
                    let state = self.thresholds.state(rt.p());
                    rts.push(
                        idx,
                        Verdict::Known {
                            state,
                            basis: Basis::RoundTrip,
                            own: Counts::default(),
                            rt,
                            rev: Counts::default(),
                        },
                    );
                }
            }
            let edge = |s: u32, d: u32| EdgeKey {
                channel,
                src: name(s),
                dst: name(d),
                flow: flow.clone(),
            };
            for (key, runs) in [(edge(a, b), fwd), (edge(b, a), rev)] {
                let segs = runs.finish(true);
                if !segs.is_empty() {
                    edges.insert(key, segs);
                }
            }
            if has_rt {
                let segs = rts.finish(false);
                if !segs.is_empty() {
                    round_trips.insert(
                        PairKey {
                            channel,
                            a: name(a),
                            b: name(b),
                            flow: flow.clone(),
                        },
                        segs,
                    );
                }
            }
        }
        let mut nodes: BTreeSet<NodeId> = BTreeSet::new();
        for (key, _) in &self.series {
            nodes.insert(name(key.src));
            nodes.insert(name(key.dst));
        }
        let keys: Vec<AccKey> = self.series.iter().map(|(k, _)| *k).collect();
        let trail = self
            .recorder
            .finish(&keys, first, windows, &name, &flow_name);
        let timeline = Timeline {
            nodes: nodes.into_iter().collect(),
            epoch_ns: first * self.window_ns,
            window_ns: self.window_ns,
            windows,
            thresholds: self.thresholds,
            fill_windows: fill,
            edges,
            round_trips,
        };
        (timeline, trail)
    }
}

/// The names behind a batch's category ids.
struct Names(Arc<CategoricalMapping>);

/// One batch of observations as plain columns: node columns as category ids, enums as their
/// index in [`Channel::ALL`] / [`Evidence::ALL`].
struct Batch {
    names: Names,
    ts: Vec<i64>,
    src: Vec<u32>,
    dst: Vec<u32>,
    channel: Vec<u8>,
    evidence: Vec<u8>,
    attempts: Vec<u32>,
    delivered: Vec<u32>,
    /// Category ids, `u32::MAX` where the reporter is missing.
    reporter: Option<(Names, Vec<u32>)>,
    flow: Option<StringChunked>,
    origin: Option<StringChunked>,
}

impl Batch {
    /// Casts each column to its documented type (a no-op for batches from
    /// [`rift_ingest::IncidentFolder::stream`]) and reads it out.
    fn new(df: &DataFrame) -> Result<Self, Error> {
        let schema = observations_schema();
        let bad = |column: &str, e: PolarsError| Error::BadColumn {
            column: column.into(),
            reason: e.to_string(),
        };
        let cast = |name: &str| -> Result<Column, Error> {
            let dtype = schema.get(name).ok_or_else(|| Error::BadColumn {
                column: name.into(),
                reason: "not a column of the observations schema".into(),
            })?;
            df.column(name)
                .and_then(|c| c.cast(dtype))
                .map_err(|e| bad(name, e))
        };
        let optional = |name: &str| -> Result<Option<Column>, Error> {
            match df.column(name) {
                Ok(_) => cast(name).map(Some),
                Err(_) => Ok(None),
            }
        };
        let no_nulls = |name: &str, c: &Column| -> Result<(), Error> {
            match c
                .is_null()
                .downcast_iter()
                .flat_map(|a| a.values_iter())
                .position(|b| b)
            {
                Some(row) => Err(Error::BadRow {
                    row,
                    reason: format!("{name} is null"),
                }),
                None => Ok(()),
            }
        };
        let cats = |name: &str, required: bool| -> Result<(Names, Vec<u32>), Error> {
            let c = cast(name)?;
            if required {
                no_nulls(name, &c)?;
            }
            let ca = c.cat32().map_err(|e| bad(name, e))?;
            let DataType::Categorical(_, mapping) = ca.dtype() else {
                unreachable!("cast to the categorical type of the schema")
            };
            let codes = ca
                .physical()
                .iter()
                .map(|c| c.unwrap_or(u32::MAX))
                .collect();
            Ok((Names(mapping.clone()), codes))
        };
        let required = |name: &str| -> Result<Column, Error> {
            let c = cast(name)?;
            no_nulls(name, &c)?;
            Ok(c)
        };
        let enum_codes = |name: &str| -> Result<Vec<u8>, Error> {
            let c = required(name)?;
            let ca = c.cat8().map_err(|e| bad(name, e))?;
            Ok(ca.physical().into_no_null_iter().collect())
        };
        let counts = |name: &str| -> Result<Vec<u32>, Error> {
            let c = required(name)?;
            let ca = c.u32().map_err(|e| bad(name, e))?;
            Ok(ca.into_no_null_iter().collect())
        };
        let ts = required(col::TS)?;
        let ts = ts.cast(&DataType::Int64).map_err(|e| bad(col::TS, e))?;
        let ts = ts
            .i64()
            .map_err(|e| bad(col::TS, e))?
            .into_no_null_iter()
            .collect();
        let (names, src) = cats(col::SRC, true)?;
        let (_, dst) = cats(col::DST, true)?;
        let strings = |c: Option<Column>, name: &str| -> Result<Option<StringChunked>, Error> {
            c.map(|c| {
                c.str()
                    .map(|s| s.rechunk().into_owned())
                    .map_err(|e| bad(name, e))
            })
            .transpose()
        };
        Ok(Batch {
            names,
            ts,
            src,
            dst,
            channel: enum_codes(col::CHANNEL)?,
            evidence: enum_codes(col::EVIDENCE)?,
            attempts: counts(col::ATTEMPTS)?,
            delivered: counts(col::DELIVERED)?,
            reporter: match df.column(col::REPORTER) {
                Ok(_) => Some(cats(col::REPORTER, false)?),
                Err(_) => None,
            },
            flow: strings(optional(col::FLOW)?, col::FLOW)?,
            origin: strings(optional(col::ORIGIN)?, col::ORIGIN)?,
        })
    }

    fn len(&self) -> usize {
        self.ts.len()
    }
}

/// Run-length encodes one series' verdicts into segments, carrying a state across gaps of up
/// to `fill` windows.
struct Runs {
    fill: u32,
    out: Vec<(Segment, Counts, Counts, Counts)>,
    open: Option<(WindowIdx, u32, EdgeState, Basis, Counts, Counts, Counts)>,
}

impl Runs {
    fn new(fill: u32) -> Self {
        Runs {
            fill,
            out: Vec::new(),
            open: None,
        }
    }

    fn close(&mut self, end: u32) {
        if let Some((start, last, state, basis, own, rt, rev)) = self.open.take() {
            let seg = Segment {
                start,
                end: WindowIdx(end),
                evidence_end: WindowIdx((last + 1).min(end)),
                state,
                basis,
                estimate: None,
            };
            self.out.push((seg, own, rt, rev));
        }
    }

    fn push(&mut self, w: u32, v: Verdict) {
        let Some((state, basis)) = v.class() else {
            return;
        };
        let (own, rt, rev) = match v {
            Verdict::Known { own, rt, rev, .. } => (own, rt, rev),
            Verdict::Ambiguous { rt } => (Counts::default(), rt, Counts::default()),
            Verdict::NoData => return,
        };
        if let Some((_, last, s, b, ..)) = self.open {
            let gap = w - last - 1;
            if gap > self.fill {
                self.close(last + 1 + self.fill);
            } else if (s, b) != (state, basis) {
                self.close(w);
            }
        }
        match &mut self.open {
            Some((_, last, _, _, o, r, v)) => {
                *last = w;
                o.add(own);
                r.add(rt);
                v.add(rev);
            }
            None => self.open = Some((WindowIdx(w), w, state, basis, own, rt, rev)),
        }
    }

    /// Closes the last run at its last evidence and computes pooled estimates. A direction in
    /// `unknown` state gets no estimate of its own when `directional`.
    fn finish(mut self, directional: bool) -> Vec<Segment> {
        if let Some((_, last, ..)) = self.open {
            self.close(last + 1);
        }
        self.out
            .into_iter()
            .map(|(mut seg, own, rt, rev)| {
                seg.estimate = (!(directional && seg.state == EdgeState::Unknown)).then(|| {
                    if directional {
                        pooled(seg.basis, own, rt, rev)
                    } else {
                        let (p, lo, hi) = crate::estimate::wilson(rt.k, rt.n);
                        crate::model::Estimate { p, lo, hi, n: rt.n }
                    }
                });
                seg
            })
            .collect()
    }
}
