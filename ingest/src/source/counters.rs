//! Counters tables: per-node (`node, peer, sent, received, acked`) or per-edge
//! (`src, dst, sent, delivered`) message counts, per interval or as running totals.
//!
//! A one-way observation needs both ends: the sender's `sent` to a peer and the receiver's
//! `received` from it. Rows from all counters files are folded into a [`PairStore`], keyed by
//! directed edge and time bucket (the pairing resolution, default 1 s), in dense per-edge arrays:
//! input order does not matter and memory is about 20 bytes per (edge, bucket). Halves that land
//! in neighbouring buckets because of clock jitter are joined. A sender's count with no
//! receiver's count becomes a round-trip observation when an ack count exists, and is counted as
//! skipped otherwise.

use std::collections::{BTreeMap, HashMap};

use rustc_hash::FxHashMap;

use crate::accounting::{FileAccount, SkipReason};
use crate::clock::{self, ClockSkew, SkewEvidence};
use crate::config::SourceKind;
use crate::error::Error;
use crate::intern::Interner;
use crate::model::{Channel, Event, EventKind, Evidence, NodeId, ObservationRow};
use crate::nodes::NodeResolver;
use crate::row::{self, Fields, Format, RowSink, find_column, read_table};
use crate::source::columns::{self, TsColumn};
use crate::source::{Candidate, Reading, Source, empty_table, note_empty};

/// Counters tables. Their rows wait in [`Reading::pairs`] until every file is read: a direction
/// is measured by pairing what its sender counted with what its receiver counted.
pub(crate) struct Counters;

impl Source for Counters {
    fn kinds(&self) -> &'static [SourceKind] {
        &[SourceKind::Counters]
    }

    fn by_columns(&self, file: &Candidate<'_>) -> Option<SourceKind> {
        (file.has(columns::SENT)
            || file.has(columns::RECEIVED)
            || file.has(columns::ACKED)
            || file.has(columns::DELIVERED))
        .then_some(SourceKind::Counters)
    }

    fn read(&self, files: &[usize], reading: &mut Reading<'_>) -> Result<(), Error> {
        let defaults = &reading.config.counters;
        for &i in files {
            let (f, format) = reading.table(i)?;
            let spec = reading.spec(i);
            let settings = CountersSettings {
                name: f.rel.clone(),
                format,
                channel: spec.and_then(|s| s.channel),
                default_channel: defaults.channel.unwrap_or(Channel::Heartbeat),
                cumulative: spec.and_then(|s| s.cumulative).or(defaults.cumulative),
                columns: reading.columns_of(i),
            };
            let acc = &mut reading.accounts[i];
            let mut file = CountersFile::new(&mut reading.pairs, &reading.resolver, acc, settings);
            let empty = empty_table(read_table(&f.path, format, &mut file, reading.progress))?;
            let (file, restarts) = file.finish()?;
            note_empty(acc, empty);
            reading.counter_files.push((file, i));
            reading.events.extend(restarts);
        }
        Ok(())
    }
}
use crate::time::{format_duration, format_ts};

const HAS_SENT: u8 = 1;
const HAS_RECV: u8 = 2;
const HAS_ACKED: u8 = 4;
const NO_FLOW: u32 = u32::MAX;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct SeriesKey {
    src: u32,
    dst: u32,
    channel: Channel,
    flow: u32,
}

/// Dense per-bucket cells of one directed edge, struct-of-arrays to keep them small.
#[derive(Default)]
struct Cells {
    /// The halves come from per-node rows (each end's own counts, stamped by its own clock),
    /// not from per-edge rows that carry both.
    per_node: bool,
    /// The bucket of index 0. Cells below `first` are room kept for earlier buckets.
    base: i64,
    /// The earliest bucket given.
    first: i64,
    flags: Vec<u8>,
    sent: Vec<u32>,
    recv: Vec<u32>,
    acked: Vec<u32>,
    sent_row: Vec<u32>,
    recv_row: Vec<u32>,
    /// A fingerprint of the whole row that gave each bucket's sender half (time to the
    /// nanosecond, ends, channel, flow, counts): a row of the same file with the same
    /// fingerprint repeats it. Dropped once reading is done.
    sent_fp: Vec<u32>,
}

impl Cells {
    fn slot(&mut self, bucket: i64) -> usize {
        if self.flags.is_empty() {
            self.base = bucket;
            self.first = bucket;
        }
        if bucket < self.base {
            // Growing the front by a quarter of the length at least keeps a file in reverse
            // time order linear; the room below `first` is at most a quarter more cells.
            let need = (self.base - bucket) as usize;
            let shift = need.max(self.flags.len() / 4);
            fn prepend<T: Copy + Default>(v: &mut Vec<T>, n: usize) {
                if !v.is_empty() {
                    v.splice(0..0, std::iter::repeat_n(T::default(), n));
                }
            }
            prepend(&mut self.flags, shift);
            prepend(&mut self.sent, shift);
            prepend(&mut self.recv, shift);
            prepend(&mut self.acked, shift);
            prepend(&mut self.sent_row, shift);
            prepend(&mut self.sent_fp, shift);
            prepend(&mut self.recv_row, shift);
            self.base -= shift as i64;
        }
        self.first = self.first.min(bucket);
        let i = (bucket - self.base) as usize;
        if i >= self.flags.len() {
            let n = i + 1;
            self.flags.resize(n, 0);
            self.sent.resize(n, 0);
            self.recv.resize(n, 0);
            self.sent_row.resize(n, 0);
            self.sent_fp.resize(n, 0);
            self.recv_row.resize(n, 0);
            if !self.acked.is_empty() {
                self.acked.resize(n, 0);
            }
        }
        i
    }

    /// The first and last bucket that hold `half`, and how many do.
    fn bounds(&self, half: u8) -> Option<(i64, i64, usize)> {
        let mut held = (0..self.flags.len()).filter(|&i| self.flags[i] & half != 0);
        let first = held.next()?;
        let (last, count) = held.fold((first, 1), |(_, n), i| (i, n + 1));
        Some((self.base + first as i64, self.base + last as i64, count))
    }

    /// Moves `half` (`HAS_SENT`, with its acks, or `HAS_RECV`) by `by` buckets.
    fn shift(&mut self, half: u8, by: i64) {
        let mut moved = Vec::new();
        for i in 0..self.flags.len() {
            if self.flags[i] & half == 0 {
                continue;
            }
            let bucket = self.base + i as i64;
            if half == HAS_SENT {
                let acked = (self.flags[i] & HAS_ACKED != 0).then(|| self.acked[i]);
                moved.push((bucket, self.sent[i], acked, self.sent_row[i]));
                self.sent[i] = 0;
                self.flags[i] &= !(HAS_SENT | HAS_ACKED);
            } else {
                moved.push((bucket, self.recv[i], None, self.recv_row[i]));
                self.recv[i] = 0;
                self.flags[i] &= !HAS_RECV;
            }
        }
        for (bucket, value, acked, row) in moved {
            if half == HAS_SENT {
                self.add_sent(bucket + by, value, acked, row);
            } else {
                self.add_recv(bucket + by, value, row);
            }
        }
    }

    /// The buckets given, `[lo, hi)`.
    fn range(&self) -> Option<(i64, i64)> {
        (!self.flags.is_empty()).then(|| (self.first, self.base + self.flags.len() as i64))
    }

    /// A row that gave a half of `bucket`.
    fn row_at(&self, bucket: i64) -> Option<u32> {
        let i = usize::try_from(bucket.checked_sub(self.base)?).ok()?;
        let flags = *self.flags.get(i)?;
        if flags & HAS_SENT != 0 {
            Some(self.sent_row[i])
        } else if flags & HAS_RECV != 0 {
            Some(self.recv_row[i])
        } else {
            None
        }
    }

    /// The row that gave this bucket's sender half, when it is of the file whose rows start at
    /// `first_row` and its fingerprint is `fp`: the row being added repeats it.
    fn repeats(&self, bucket: i64, first_row: u32, fp: u32) -> Option<u32> {
        let i = usize::try_from(bucket.checked_sub(self.base)?).ok()?;
        if self.flags.get(i)? & HAS_SENT == 0 {
            return None;
        }
        let row = self.sent_row[i];
        (row >= first_row && self.sent_fp.get(i) == Some(&fp)).then_some(row)
    }

    /// The row that gave this bucket's sender (`HAS_SENT`) or receiver (`HAS_RECV`) half, when
    /// it is a row before `first_row`, that is, from an earlier file.
    fn given_before(&self, bucket: i64, half: u8, first_row: u32) -> Option<u32> {
        let i = usize::try_from(bucket.checked_sub(self.base)?).ok()?;
        if self.flags.get(i)? & half == 0 {
            return None;
        }
        let row = if half == HAS_SENT {
            self.sent_row[i]
        } else {
            self.recv_row[i]
        };
        (row < first_row).then_some(row)
    }

    fn add_sent(&mut self, bucket: i64, sent: u32, acked: Option<u32>, row: u32) {
        self.add_sent_fp(bucket, sent, acked, row, 0);
    }

    fn add_sent_fp(&mut self, bucket: i64, sent: u32, acked: Option<u32>, row: u32, fp: u32) {
        let i = self.slot(bucket);
        if self.flags[i] & HAS_SENT == 0 {
            self.sent_row[i] = row;
            if let Some(f) = self.sent_fp.get_mut(i) {
                *f = fp;
            }
        }
        self.flags[i] |= HAS_SENT;
        self.sent[i] = self.sent[i].saturating_add(sent);
        if let Some(a) = acked {
            if self.acked.is_empty() {
                self.acked.resize(self.flags.len(), 0);
            }
            self.flags[i] |= HAS_ACKED;
            self.acked[i] = self.acked[i].saturating_add(a);
        }
    }

    fn add_recv(&mut self, bucket: i64, recv: u32, row: u32) {
        let i = self.slot(bucket);
        if self.flags[i] & HAS_RECV == 0 {
            self.recv_row[i] = row;
        }
        self.flags[i] |= HAS_RECV;
        self.recv[i] = self.recv[i].saturating_add(recv);
    }

    /// Joins a lone sender half and a lone receiver half in neighbouring buckets (the two ends'
    /// clocks or sampling put them on either side of a bucket boundary).
    fn join_neighbours(&mut self) {
        let full = HAS_SENT | HAS_RECV;
        for i in 0..self.flags.len().saturating_sub(1) {
            let (a, b) = (self.flags[i], self.flags[i + 1]);
            let lone = |f: u8| f & full != 0 && f & full != full;
            if !(lone(a) && lone(b) && (a & full) != (b & full)) {
                continue;
            }
            if b & HAS_SENT != 0 {
                self.sent[i] = self.sent[i + 1];
                self.sent_row[i] = self.sent_row[i + 1];
                if b & HAS_ACKED != 0 {
                    self.acked[i] = self.acked[i + 1];
                }
            } else {
                self.recv[i] = self.recv[i + 1];
                self.recv_row[i] = self.recv_row[i + 1];
            }
            self.flags[i] |= b;
            self.flags[i + 1] = 0;
        }
    }
}

/// One counters file's rows in the global row-id space, and which of them were used.
struct FileRows {
    name: String,
    format: Format,
    base: u32,
    accepted: Vec<u64>,
    used: Vec<u64>,
}

fn set_bit(bits: &mut Vec<u64>, i: u32) {
    let w = (i / 64) as usize;
    if w >= bits.len() {
        bits.resize(w + 1, 0);
    }
    bits[w] |= 1 << (i % 64);
}

/// What became of a counters row offered to the [`PairStore`].
enum Added {
    Used,
    /// Every half of it was already given by this earlier row of another file.
    Duplicate(u32),
    /// It repeats this earlier row of the same file exactly.
    Repeated(u32),
    /// Adding it would stretch its direction or the store past their limits; why.
    TooWide(String),
}

/// The smallest clock difference, in pairing buckets, that [`PairStore::align_clocks`] corrects:
/// a bucket of difference is what the pairing already joins.
const MIN_SKEW_BUCKETS: i64 = 2;

/// The fewest buckets each end of an edge must have reported for its clocks to be compared.
const MIN_SKEW_SAMPLES: usize = 10;

/// Most buckets one direction's counts span: 2,000,000 (23 days of 1 s buckets).
const MAX_SPAN: i64 = 2_000_000;

/// Most (direction, bucket) cells the store holds: 64 M, about 1.3 GiB.
const MAX_CELLS: u64 = 1 << 26;

/// When a row's every half (sender's, receiver's) is one an earlier file already gave, one of
/// those earlier rows.
fn all_given(
    has_sent: bool,
    dup_sent: Option<u32>,
    has_recv: bool,
    dup_recv: Option<u32>,
) -> Option<u32> {
    let all = (!has_sent || dup_sent.is_some()) && (!has_recv || dup_recv.is_some());
    if all { dup_sent.or(dup_recv) } else { None }
}

/// Pairs counters from every counters file of an export.
pub(crate) struct PairStore {
    resolution_ns: i64,
    /// At most this many distinct nodes (`--max-nodes`).
    max_nodes: usize,
    /// Cells held by all series.
    cells: u64,
    nodes: Interner,
    flows: Interner,
    series: FxHashMap<SeriesKey, Cells>,
    files: Vec<FileRows>,
    next_base: u64,
    clamped: BTreeMap<usize, u64>,
}

impl PairStore {
    pub(crate) fn new(resolution_ns: i64, max_nodes: usize) -> Self {
        PairStore {
            resolution_ns,
            max_nodes,
            cells: 0,
            nodes: Interner::default(),
            flows: Interner::default(),
            series: FxHashMap::default(),
            files: Vec::new(),
            next_base: 0,
            clamped: BTreeMap::new(),
        }
    }

    /// The id of node `n`; `None` when it is new and the store already holds `max_nodes`.
    fn node(&mut self, n: &NodeId) -> Option<u32> {
        if let Some(i) = self.nodes.get(n.as_str()) {
            return Some(i);
        }
        (self.nodes.len() < self.max_nodes).then(|| self.nodes.intern(n.as_str()))
    }

    fn node_name(&self, i: u32) -> &str {
        self.nodes.name(i)
    }

    fn flow(&mut self, f: Option<&str>) -> u32 {
        f.map_or(NO_FLOW, |f| self.flows.intern(f))
    }

    fn bucket(&self, ts: i64) -> i64 {
        // Round to the nearest bucket: exporters sample near whole seconds on both ends.
        ts.saturating_add(self.resolution_ns / 2)
            .div_euclid(self.resolution_ns)
    }

    /// Starts a new file; returns its index. `Err` when the export has more rows than the row-id
    /// space (2³² rows), which is far beyond what one incident holds.
    fn begin_file(&mut self, name: &str, format: Format) -> usize {
        self.files.push(FileRows {
            name: name.to_owned(),
            format,
            base: self.next_base.min(u64::from(u32::MAX)) as u32,
            accepted: Vec::new(),
            used: Vec::new(),
        });
        self.files.len() - 1
    }

    fn end_file(&mut self, file: usize, lines: u64) {
        self.next_base = u64::from(self.files[file].base) + lines + 1;
    }

    fn row_id(&self, file: usize, line: u64) -> u32 {
        (u64::from(self.files[file].base) + line).min(u64::from(u32::MAX)) as u32
    }

    fn locate(&self, row: u32) -> (usize, u32) {
        let f = self
            .files
            .partition_point(|f| f.base <= row)
            .saturating_sub(1);
        (f, row - self.files[f].base)
    }

    fn mark_used(&mut self, row: u32) {
        let (f, line) = self.locate(row);
        set_bit(&mut self.files[f].used, line);
    }

    /// Adds one counters row: the sender's half (`sent`, `acked`) and the receiver's half
    /// (`recv`). A per-node row (`per_node`) is stamped by its reporter `src`, and its `recv`
    /// counts what `src` heard from `dst`; a per-edge row carries both ends of `src → dst`.
    /// Halves an earlier file already gave are left out; a row with nothing new is a duplicate.
    #[expect(
        clippy::too_many_arguments,
        reason = "one counters row, all fields needed"
    )]
    fn add(
        &mut self,
        file: usize,
        line: u64,
        ts: i64,
        (src, dst, channel, flow): (u32, u32, Channel, u32),
        per_node: bool,
        sent: Option<u32>,
        recv: Option<u32>,
        acked: Option<u32>,
    ) -> Added {
        let bucket = self.bucket(ts);
        let sender = SeriesKey {
            src,
            dst,
            channel,
            flow,
        };
        let receiver = if per_node {
            SeriesKey {
                src: dst,
                dst: src,
                channel,
                flow,
            }
        } else {
            sender
        };
        let has_sent = sent.is_some() || acked.is_some();
        let fp = {
            use std::hash::{Hash, Hasher};
            let mut h = rustc_hash::FxHasher::default();
            (ts, src, dst, channel, flow, sent, recv, acked).hash(&mut h);
            h.finish() as u32
        };
        if has_sent {
            let first_row = self.files[file].base;
            if let Some(row) = self
                .series
                .get(&sender)
                .and_then(|c| c.repeats(bucket, first_row, fp))
            {
                return Added::Repeated(row);
            }
        }
        let dup_sent = self.earlier(has_sent, sender, bucket, HAS_SENT, file);
        let dup_recv = self.earlier(recv.is_some(), receiver, bucket, HAS_RECV, file);
        if let Some(earlier) = all_given(has_sent, dup_sent, recv.is_some(), dup_recv) {
            return Added::Duplicate(earlier);
        }
        // One series holding both halves is checked once.
        let rooms = if per_node {
            [(has_sent, sender), (recv.is_some(), receiver)]
        } else {
            [(true, sender), (false, receiver)]
        };
        for (present, key) in rooms {
            if let Err(why) = self.room(present, key, bucket) {
                return Added::TooWide(why);
            }
        }
        let row = self.accept(file, line);
        if has_sent && dup_sent.is_none() {
            let cells = self.series.entry(sender).or_default();
            cells.per_node |= per_node;
            cells.add_sent_fp(bucket, sent.unwrap_or(0), acked, row, fp);
        }
        if let Some(r) = recv.filter(|_| dup_recv.is_none()) {
            let cells = self.series.entry(receiver).or_default();
            cells.per_node |= per_node;
            cells.add_recv(bucket, r, row);
        }
        Added::Used
    }

    /// Checks that `key`'s cells can take `bucket` within [`MAX_SPAN`] and [`MAX_CELLS`], and
    /// counts the cells it would add; `Err` says why not.
    fn room(&mut self, present: bool, key: SeriesKey, bucket: i64) -> Result<(), String> {
        if !present {
            return Ok(());
        }
        let Some(cells) = self.series.get(&key) else {
            self.cells += 1;
            return Ok(());
        };
        let Some((lo, hi)) = cells.range() else {
            return Ok(());
        };
        let (new_lo, new_hi) = (lo.min(bucket), hi.max(bucket + 1));
        let span = new_hi.saturating_sub(new_lo);
        if span > MAX_SPAN {
            let far = if bucket < lo { hi - 1 } else { lo };
            let other = cells
                .row_at(far)
                .map_or_else(String::new, |r| format!(" ({})", self.origin_of(r)));
            let at = |b: i64| format_ts(b.saturating_mul(self.resolution_ns));
            return Err(format!(
                "its time, {}, is more than {MAX_SPAN} buckets of {} from the same direction's counts at {}{other}: a timestamp that far from the others is most likely wrong (a clock reset, a misread column); correct or remove that row",
                at(bucket),
                format_duration(self.resolution_ns),
                at(far),
            ));
        }
        self.cells += (span - (hi - lo)) as u64;
        if self.cells > MAX_CELLS {
            return Err(format!(
                "the counters need more than {MAX_CELLS} (direction, bucket) cells; set a longer [counters] pair_resolution in incident.toml, or split the export by time"
            ));
        }
        Ok(())
    }

    /// Marks a row as accepted; returns its row id.
    fn accept(&mut self, file: usize, line: u64) -> u32 {
        let row = self.row_id(file, line);
        let base = self.files[file].base;
        set_bit(&mut self.files[file].accepted, row - base);
        row
    }

    /// The row of an earlier file that already gave this half of `key`'s `bucket`, if the row
    /// being added carries the half (`present`) and one did. A second export of the same time
    /// (the same file twice, or overlapping exports) repeats such halves and adds nothing.
    fn earlier(
        &self,
        present: bool,
        key: SeriesKey,
        bucket: i64,
        half: u8,
        file: usize,
    ) -> Option<u32> {
        if !present {
            return None;
        }
        self.series
            .get(&key)?
            .given_before(bucket, half, self.files[file].base)
    }

    /// `file:line` of a row id.
    fn origin_of(&self, row: u32) -> String {
        let (f, line) = self.locate(row);
        format!("{}:{line}", self.files[f].name)
    }

    /// Finds nodes whose clock is off from the others' and moves the counts they reported back
    /// onto the common clock. Each end stamps its own counts, so a sender's `sent` and the
    /// receiver's `received` for one edge start and end together in true time: when both ends
    /// of an edge are shifted by the same amount, that amount is the difference of the two
    /// clocks. The clocks are then placed relative to one another, and the common clock is the
    /// one most nodes keep (the median), so one node that is off is the one moved.
    pub(crate) fn align_clocks(&mut self) -> Vec<ClockSkew> {
        // Reading is done: no row is compared with the fingerprints any more.
        for cells in self.series.values_mut() {
            cells.sent_fp = Vec::new();
        }
        let offsets = self.clock_offsets();
        let mut skews = Vec::new();
        for (node, by, peers) in offsets {
            if by.abs() < MIN_SKEW_BUCKETS {
                continue;
            }
            for (key, cells) in &mut self.series {
                if !cells.per_node {
                    continue;
                }
                if key.src == node {
                    cells.shift(HAS_SENT, -by);
                }
                if key.dst == node {
                    cells.shift(HAS_RECV, -by);
                }
            }
            skews.push(ClockSkew {
                node: self.nodes.name(node).to_owned(),
                offset_ns: by.saturating_mul(self.resolution_ns),
                peers,
                evidence: SkewEvidence::Counters,
            });
        }
        skews.sort_by(|a, b| a.node.cmp(&b.node));
        skews
    }

    /// Each node's clock against the common one, in buckets (positive: ahead), and how many of
    /// its peers' edges agree with that within a bucket.
    fn clock_offsets(&self) -> Vec<(u32, i64, usize)> {
        // (a, b) with a < b → estimates of clock(b) − clock(a), one per edge between them whose
        // two ends start and end shifted alike.
        let mut pair: BTreeMap<(u32, u32), Vec<i64>> = BTreeMap::new();
        for (key, cells) in &self.series {
            if !cells.per_node || key.src == key.dst {
                continue;
            }
            let (Some(sent), Some(recv)) = (cells.bounds(HAS_SENT), cells.bounds(HAS_RECV)) else {
                continue;
            };
            // Both ends must have reported for a while, and about equally often: a few rows
            // say nothing about clocks.
            let (ns, nr) = (sent.2, recv.2);
            if ns.min(nr) < MIN_SKEW_SAMPLES || ns.abs_diff(nr) > ns.max(nr) / 10 + 1 {
                continue;
            }
            let (first, last) = (recv.0 - sent.0, recv.1 - sent.1);
            if (first - last).abs() > 1 {
                continue;
            }
            // The receiver's clock against the sender's.
            let d = (first + last).div_euclid(2);
            if key.src < key.dst {
                pair.entry((key.src, key.dst)).or_default().push(d);
            } else {
                pair.entry((key.dst, key.src)).or_default().push(-d);
            }
        }
        let diff: BTreeMap<(u32, u32), i64> = pair
            .into_iter()
            .filter_map(|(k, mut v)| Some((k, clock::median(&mut v)?)))
            .collect();
        clock::place(&diff, 1)
    }

    /// Emits every observation, one edge at a time (freeing each edge's cells as it goes), in
    /// a deterministic order: by src, dst, channel, flow name, then time.
    pub(crate) fn drain(&mut self, emit: &mut dyn FnMut(&ObservationRow<'_>)) {
        let mut keys: Vec<SeriesKey> = self.series.keys().copied().collect();
        let name = |k: &SeriesKey| {
            (
                self.nodes.name(k.src),
                self.nodes.name(k.dst),
                k.channel,
                (k.flow != NO_FLOW).then(|| self.flows.name(k.flow)),
            )
        };
        keys.sort_by(|a, b| name(a).cmp(&name(b)));
        let mut origin = String::new();
        for key in keys {
            let Some(mut cells) = self.series.remove(&key) else {
                continue;
            };
            cells.join_neighbours();
            for i in 0..cells.flags.len() {
                let f = cells.flags[i];
                let ts_ns = (cells.base + i as i64).saturating_mul(self.resolution_ns);
                let (evidence, delivered, rows) = if f & HAS_SENT != 0 && f & HAS_RECV != 0 {
                    (
                        Evidence::OneWay,
                        cells.recv[i],
                        [Some(cells.sent_row[i]), Some(cells.recv_row[i])],
                    )
                } else if f & HAS_ACKED != 0 {
                    (
                        Evidence::RoundTrip,
                        cells.acked[i],
                        [Some(cells.sent_row[i]), None],
                    )
                } else {
                    continue;
                };
                for &r in rows.iter().flatten() {
                    self.mark_used(r);
                }
                let attempts = cells.sent[i];
                if attempts == 0 {
                    // Nothing was sent in this bucket: no evidence either way.
                    continue;
                }
                if delivered > attempts {
                    let (file, _) = self.locate(cells.sent_row[i]);
                    *self.clamped.entry(file).or_insert(0) += 1;
                }
                origin.clear();
                for (n, &r) in rows.iter().flatten().enumerate() {
                    if n > 0 {
                        origin.push(';');
                    }
                    let (file, line) = self.locate(r);
                    let file = &self.files[file];
                    row::push_origin(&mut origin, &file.name, file.format, u64::from(line));
                }
                let src = self.nodes.name(key.src);
                emit(&ObservationRow {
                    ts_ns,
                    src,
                    dst: self.nodes.name(key.dst),
                    channel: key.channel,
                    flow: (key.flow != NO_FLOW).then(|| self.flows.name(key.flow)),
                    evidence,
                    attempts,
                    delivered: delivered.min(attempts),
                    latency_ms: None,
                    reporter: src,
                    origin: &origin,
                });
            }
        }
    }

    /// Fills each file's `rows_used` and its `Unpaired` skips after [`PairStore::drain`].
    /// `files` pairs each store-side file index with its index in `accounts`.
    pub(crate) fn settle(&self, files: &[(usize, usize)], accounts: &mut [FileAccount]) {
        for &(file, acc_idx) in files {
            let acc = &mut accounts[acc_idx];
            let rows = &self.files[file];
            let mut used = 0u64;
            let mut unpaired = 0u64;
            let mut first_unpaired = None;
            for (w, acc_bits) in rows.accepted.iter().enumerate() {
                let used_bits = rows.used.get(w).copied().unwrap_or(0);
                used += u64::from((acc_bits & used_bits).count_ones());
                let lone = acc_bits & !used_bits;
                if lone != 0 {
                    unpaired += u64::from(lone.count_ones());
                    first_unpaired.get_or_insert(w as u64 * 64 + u64::from(lone.trailing_zeros()));
                }
            }
            acc.rows_used += used;
            acc.skip_n(SkipReason::Unpaired, unpaired, first_unpaired.unwrap_or(0), || {
                "a sender's count with no receiver's count for the same edge and time, and no ack count"
                    .into()
            });
            if let Some(n) = self.clamped.get(&file) {
                acc.notes.push(format!(
                    "{n} pairs where the receiver counted more than the sender sent (delivered capped at sent)"
                ));
            }
        }
    }
}

/// How a counters file's columns map onto rift's.
enum Shape {
    PerNode {
        node: usize,
        peer: usize,
        sent: Option<usize>,
        recv: Option<usize>,
        acked: Option<usize>,
    },
    PerEdge {
        src: usize,
        dst: usize,
        sent: Option<usize>,
        delivered: Option<usize>,
        acked: Option<usize>,
    },
}

/// Settings for reading one counters file.
pub(crate) struct CountersSettings<'a> {
    pub(crate) name: String,
    pub(crate) format: Format,
    pub(crate) channel: Option<Channel>,
    pub(crate) default_channel: Channel,
    pub(crate) cumulative: Option<bool>,
    pub(crate) columns: &'a BTreeMap<String, String>,
}

/// A row of a cumulative file waiting to be turned into deltas.
#[derive(Clone, Copy)]
struct CumRow {
    series: (u32, u32, Channel, u32),
    ts: i64,
    line: u64,
    values: [Option<u64>; 3],
}

/// Reads one counters file into the [`PairStore`].
pub(crate) struct CountersFile<'a> {
    store: &'a mut PairStore,
    resolver: &'a NodeResolver,
    account: &'a mut FileAccount,
    settings: CountersSettings<'a>,
    file: usize,
    shape: Option<Shape>,
    ts: Option<TsColumn>,
    channel_col: Option<usize>,
    flow_col: Option<usize>,
    cumulative: bool,
    pending: Vec<CumRow>,
    last_line: u64,
    /// Node names as written in the file, resolved once each: store node ids.
    raw_nodes: FxHashMap<String, u32>,
    /// The last timestamp text and its value (the rows of one sampling instant share it).
    last_ts: Option<(String, i64)>,
    /// Why the file cannot be read to the end, from the first row that showed it (a node beyond
    /// the node limit, a time far outside its direction's span).
    stopped: Option<Error>,
}

impl<'a> CountersFile<'a> {
    pub(crate) fn new(
        store: &'a mut PairStore,
        resolver: &'a NodeResolver,
        account: &'a mut FileAccount,
        settings: CountersSettings<'a>,
    ) -> Self {
        let file = store.begin_file(&settings.name, settings.format);
        CountersFile {
            store,
            resolver,
            account,
            settings,
            file,
            shape: None,
            ts: None,
            channel_col: None,
            flow_col: None,
            cumulative: false,
            pending: Vec::new(),
            last_line: 0,
            raw_nodes: FxHashMap::default(),
            last_ts: None,
            stopped: None,
        }
    }

    /// Finishes the file: turns running totals into deltas and records the file's extent.
    /// Returns the store-side file index for [`PairStore::settle`], and a `restart` event for
    /// every time a node's running totals went down (per-node files only: there the reporting
    /// node is known).
    ///
    /// Fails when a row showed that the file cannot be read usefully (see [`Error::TooManyNodes`]
    /// and [`Error::CountersTooWide`]).
    pub(crate) fn finish(mut self) -> Result<(usize, Vec<Event>), Error> {
        let restarts = if self.cumulative {
            self.feed_cumulative()
        } else {
            Vec::new()
        };
        self.store.end_file(self.file, self.last_line);
        self.account
            .notes
            .extend(self.ts.as_ref().and_then(TsColumn::unit_note));
        match self.stopped {
            Some(e) => Err(e),
            None => Ok((self.file, restarts)),
        }
    }

    /// Records why reading cannot go on usefully (the first reason only); the rest of the file
    /// is counted as skipped, and [`CountersFile::finish`] returns the error.
    fn stop(&mut self, line: u64, why: impl FnOnce(String) -> Error) {
        if self.stopped.is_none() {
            self.stopped = Some(why(format!("{}:{line}", self.settings.name)));
        }
    }

    /// The store's id of a node name as written in the file; `None` when it would be a new node
    /// beyond the limit.
    fn node(&mut self, raw: &str) -> Option<u32> {
        if let Some(&id) = self.raw_nodes.get(raw) {
            return Some(id);
        }
        let id = self.store.node(&self.resolver.resolve(raw))?;
        self.raw_nodes.insert(raw.to_owned(), id);
        Some(id)
    }

    fn feed_cumulative(&mut self) -> Vec<Event> {
        let mut rows = std::mem::take(&mut self.pending);
        let in_order = rows.windows(2).all(|w| w[0].ts <= w[1].ts);
        if !in_order {
            self.account
                .notes
                .push("rows were not in time order; sorted before taking deltas".into());
        }
        rows.sort_by_key(|r| (r.series.0, r.series.1, r.series.2, r.series.3, r.ts, r.line));
        // Per series: the last total and the last difference of each count.
        type Last = ([Option<u64>; 3], [u64; 3]);
        let mut last: HashMap<(u32, u32, Channel, u32), Last> = HashMap::new();
        let mut resets = 0u64;
        let mut wraps = 0u64;
        // (node, ts) -> first line, for the restart events.
        let mut restarts: BTreeMap<(u32, i64), u64> = BTreeMap::new();
        let per_node = matches!(self.shape, Some(Shape::PerNode { .. }));
        let mut previous: Option<CumRow> = None;
        for r in rows {
            // A row that repeats the one before it exactly (same series, time and totals).
            if let Some(p) =
                previous.filter(|p| (p.series, p.ts, p.values) == (r.series, r.ts, r.values))
            {
                self.account.skip(SkipReason::Repeated, r.line, || {
                    format!("duplicate of line {}", p.line)
                });
                continue;
            }
            previous = Some(r);
            let (prev, prev_delta) = last.entry(r.series).or_insert(([None; 3], [0; 3]));
            let mut delta = [None; 3];
            for k in 0..3 {
                if let Some(v) = r.values[k] {
                    if let Some(p) = prev[k] {
                        let d = if v >= p {
                            v - p
                        } else if let Some(d) = wrapped(p, v, prev_delta[k]) {
                            wraps += 1;
                            d
                        } else {
                            resets += 1;
                            if per_node {
                                let line = restarts.entry((r.series.0, r.ts)).or_insert(r.line);
                                *line = (*line).min(r.line);
                            }
                            v
                        };
                        delta[k] = Some(d);
                        prev_delta[k] = d;
                    }
                    prev[k] = Some(v);
                }
            }
            if delta.iter().all(Option::is_none) {
                self.account.skip(SkipReason::CounterBaseline, r.line, || {
                    "first sample of a running total: the next sample's difference is used".into()
                });
                continue;
            }
            let clamp = |v: Option<u64>| v.map(|v| v.min(u64::from(u32::MAX)) as u32);
            self.feed(
                r.line,
                r.ts,
                r.series,
                clamp(delta[0]),
                clamp(delta[1]),
                clamp(delta[2]),
            );
        }
        if resets > 0 {
            self.account.notes.push(format!(
                "{resets} counter resets (a running total went down; counted from zero again)"
            ));
        }
        if wraps > 0 {
            self.account.notes.push(format!(
                "{wraps} running totals wrapped around 2^32 or 2^64 (counted across the wrap)"
            ));
        }
        // A node whose totals went down at several neighbouring samples restarted once.
        let mut events: Vec<Event> = Vec::new();
        let mut last_seen: HashMap<u32, i64> = HashMap::new();
        for ((node, ts), line) in restarts {
            let previous = last_seen.insert(node, ts);
            if previous.is_some_and(|p| ts - p <= 10_000_000_000) {
                continue;
            }
            events.push(Event {
                ts_ns: ts,
                node: NodeId(self.store.node_name(node).to_owned()),
                kind: EventKind::Restart,
                peer: None,
                term: None,
                detail: "running totals went down: the process restarted".into(),
                origin: format!("{}:{line}", self.settings.name),
            });
        }
        events
    }

    fn feed(
        &mut self,
        line: u64,
        ts: i64,
        series: (u32, u32, Channel, u32),
        a: Option<u32>,
        b: Option<u32>,
        acked: Option<u32>,
    ) {
        let per_node = match self.shape {
            Some(Shape::PerNode { .. }) => true,
            Some(Shape::PerEdge { .. }) => false,
            None => return,
        };
        let added = self
            .store
            .add(self.file, line, ts, series, per_node, a, b, acked);
        match added {
            Added::Used => {}
            Added::Duplicate(earlier) => {
                let earlier = self.store.origin_of(earlier);
                self.account.skip(SkipReason::Duplicate, line, || {
                    format!("{earlier} already gives the same counts for this direction and time")
                });
            }
            Added::Repeated(earlier) => {
                let (_, earlier) = self.store.locate(earlier);
                self.account.skip(SkipReason::Repeated, line, || {
                    format!("duplicate of line {earlier}")
                });
            }
            Added::TooWide(reason) => {
                self.stop(line, |at| Error::CountersTooWide { at, reason });
                self.account.skip(SkipReason::OverLimit, line, String::new);
            }
        }
    }
}

/// The difference from running total `prev` to a smaller `now` when the counter wrapped around
/// its width (2^32 or 2^64) rather than restarted: the difference across the wrap must be in
/// line with the series' last difference (`last_delta`), as a restart's would not be.
fn wrapped(prev: u64, now: u64, last_delta: u64) -> Option<u64> {
    let plausible = last_delta.saturating_mul(4).max(1024);
    [1u128 << 32, 1u128 << 64].into_iter().find_map(|width| {
        let prev = u128::from(prev);
        let across = (width.checked_sub(prev)?) + u128::from(now);
        (prev < width && across <= u128::from(plausible)).then_some(across as u64)
    })
}

/// Parses a count: a non-negative integer, or a float with an integral value (Prometheus writes
/// counters as floats).
fn parse_count(v: &str) -> Result<u64, SkipReason> {
    if let Ok(n) = v.parse::<u64>() {
        return Ok(n);
    }
    if v.starts_with('-') && v[1..].parse::<u64>().is_ok() {
        return Err(SkipReason::NegativeCount);
    }
    match v.parse::<f64>() {
        Ok(f) if !f.is_finite() => Err(SkipReason::NotANumber),
        Ok(f) if f < 0.0 => Err(SkipReason::NegativeCount),
        Ok(f) if f < 1.8e19 => Ok(f.round() as u64),
        _ => Err(SkipReason::NotANumber),
    }
}

impl RowSink for CountersFile<'_> {
    fn header(&mut self, cols: &[String]) -> Result<(), String> {
        let user = self.settings.columns;
        let find = |canon: &str, aliases: &[&str]| find_column(cols, canon, aliases, user);
        let ts = find("ts", columns::TS).ok_or_else(|| {
            format!(
                "counters table has no timestamp column (expected one of {}; found {}); map it with `columns = {{ ts = \"…\" }}` in incident.toml",
                columns::TS.join(", "),
                row::found(cols)
            )
        })?;
        self.ts = Some(TsColumn::new(ts, &cols[ts]));
        self.channel_col = find("channel", columns::CHANNEL);
        self.flow_col = find("flow", columns::FLOW);
        let sent = find("sent", columns::SENT);
        let acked = find("acked", columns::ACKED);
        let shape = match (find("node", columns::NODE), find("peer", columns::PEER)) {
            (Some(node), Some(peer)) => Shape::PerNode {
                node,
                peer,
                sent,
                recv: find("received", columns::RECEIVED),
                acked,
            },
            _ => match (find("src", columns::SRC), find("dst", columns::DST)) {
                (Some(src), Some(dst)) => Shape::PerEdge {
                    src,
                    dst,
                    sent,
                    delivered: find("delivered", columns::DELIVERED),
                    acked,
                },
                _ => {
                    return Err(format!(
                        "counters table needs `node` and `peer` columns (per-node counters) or `src` and `dst` (per-edge counters); found {}",
                        row::found(cols)
                    ));
                }
            },
        };
        let value_cols: Vec<usize> = match &shape {
            Shape::PerNode {
                sent, recv, acked, ..
            } => [*sent, *recv, *acked].into_iter().flatten().collect(),
            Shape::PerEdge {
                sent,
                delivered,
                acked,
                ..
            } => [*sent, *delivered, *acked].into_iter().flatten().collect(),
        };
        if value_cols.is_empty() {
            return Err(format!(
                "counters table has no count columns (expected sent, received, acked or delivered; found {})",
                row::found(cols)
            ));
        }
        self.cumulative = self.settings.cumulative.unwrap_or_else(|| {
            value_cols
                .iter()
                .any(|&i| cols[i].to_ascii_lowercase().ends_with("_total"))
        });
        if self.cumulative {
            self.account
                .notes
                .push("counts are running totals; differences between samples are used".into());
        }
        let mut known: Vec<usize> = value_cols;
        known.push(ts);
        known.extend(self.channel_col);
        known.extend(self.flow_col);
        match &shape {
            Shape::PerNode { node, peer, .. } => known.extend([*node, *peer]),
            Shape::PerEdge { src, dst, .. } => known.extend([*src, *dst]),
        }
        self.account.ignored_columns = (0..cols.len())
            .filter(|i| !known.contains(i))
            .map(|i| cols[i].clone())
            .collect();
        self.shape = Some(shape);
        Ok(())
    }

    fn row(&mut self, line: u64, f: &Fields<'_>) {
        self.account.rows_read += 1;
        self.last_line = self.last_line.max(line);
        let Some(ts_col) = self.ts.as_mut() else {
            return;
        };
        let raw_ts = f.get(ts_col.idx);
        let cached = match (&self.last_ts, raw_ts) {
            (Some((raw, ts)), Some(v)) if raw == v => Some(*ts),
            _ => None,
        };
        let ts = match cached {
            Some(ts) => ts,
            None => {
                let Some(ts) = ts_col.take(f, line, self.account) else {
                    return;
                };
                if let Some(v) = raw_ts {
                    self.last_ts = Some((v.to_owned(), ts));
                }
                ts
            }
        };
        let (a_idx, b_idx, c_idx, src_idx, dst_idx, what) = match self.shape {
            Some(Shape::PerNode {
                node,
                peer,
                sent,
                recv,
                acked,
            }) => (sent, recv, acked, node, peer, ("node", "peer")),
            Some(Shape::PerEdge {
                src,
                dst,
                sent,
                delivered,
                acked,
            }) => (sent, delivered, acked, src, dst, ("src", "dst")),
            None => return,
        };
        let (Some(src), Some(dst)) = (f.get(src_idx), f.get(dst_idx)) else {
            let missing = if f.get(src_idx).is_none() {
                what.0
            } else {
                what.1
            };
            return self
                .account
                .skip(SkipReason::MissingField(missing.into()), line, String::new);
        };
        let (Some(src), Some(dst)) = (self.node(src), self.node(dst)) else {
            let name: String = [src, dst]
                .into_iter()
                .find(|n| !self.raw_nodes.contains_key(*n))
                .unwrap_or(src)
                .chars()
                .take(80)
                .collect();
            let limit = self.store.max_nodes;
            self.stop(line, |at| Error::TooManyNodes { at, name, limit });
            return self
                .account
                .skip(SkipReason::OverNodeLimit, line, String::new);
        };
        if src == dst {
            let name = self.store.node_name(src).to_owned();
            return self
                .account
                .skip(SkipReason::SelfLoop, line, || format!("'{name}'"));
        }
        let channel = match super::row_channel(
            self.settings.channel,
            self.channel_col.and_then(|c| f.get(c)),
            self.settings.default_channel,
        ) {
            Ok(c) => c,
            Err(e) => return self.account.skip(SkipReason::UnknownStatus, line, || e),
        };
        let mut values = [None; 3];
        for (k, idx) in [a_idx, b_idx, c_idx].into_iter().enumerate() {
            let Some(v) = idx.and_then(|i| f.get(i)) else {
                continue;
            };
            match parse_count(v) {
                Ok(n) => values[k] = Some(n),
                Err(reason) => {
                    let v = v.to_owned();
                    return self.account.skip(reason, line, || format!("'{v}'"));
                }
            }
        }
        if values.iter().all(Option::is_none) {
            return self
                .account
                .skip(SkipReason::MissingField("counts".into()), line, String::new);
        }
        let flow = self.flow_col.and_then(|c| f.get(c));
        let series = (src, dst, channel, self.store.flow(flow));
        if self.cumulative {
            self.pending.push(CumRow {
                series,
                ts,
                line,
                values,
            });
        } else {
            let clamp = |v: Option<u64>| v.map(|v| v.min(u64::from(u32::MAX)) as u32);
            self.feed(
                line,
                ts,
                series,
                clamp(values[0]),
                clamp(values[1]),
                clamp(values[2]),
            );
        }
    }

    fn skipped(&mut self, line: u64, reason: SkipReason, detail: String) {
        self.account.rows_read += 1;
        self.last_line = self.last_line.max(line);
        self.account.skip(reason, line, || detail);
    }
}

#[cfg(test)]
mod tests {
    use super::{Cells, HAS_RECV, HAS_SENT, wrapped};

    #[test]
    fn cells_filled_backwards_hold_what_cells_filled_forwards_do() {
        let (mut forwards, mut backwards) = (Cells::default(), Cells::default());
        for b in 100..1100 {
            forwards.add_sent(b, b as u32, None, b as u32);
        }
        for b in (100..1100).rev() {
            backwards.add_sent(b, b as u32, None, b as u32);
            backwards.add_recv(b + 3, 1, 0);
        }
        assert_eq!(backwards.range(), Some((100, 1103)));
        assert_eq!(backwards.bounds(HAS_SENT), forwards.bounds(HAS_SENT));
        assert_eq!(backwards.bounds(HAS_RECV), Some((103, 1102, 1000)));
        for b in 100..1100 {
            assert_eq!(backwards.row_at(b), Some(b as u32));
        }
        assert_eq!(backwards.row_at(99), None);
        // The room kept below the first bucket stays within a quarter of the length.
        assert!(
            backwards.flags.len() <= 1003 * 5 / 4,
            "{}",
            backwards.flags.len()
        );
    }

    #[test]
    fn a_total_that_wraps_is_counted_across_the_wrap_and_a_restart_is_not() {
        let top32 = u64::from(u32::MAX);
        assert_eq!(wrapped(top32 - 5, 4, 10), Some(10));
        assert_eq!(wrapped(u64::MAX - 1, 3, 5), Some(5));
        // A first difference is judged against a small floor.
        assert_eq!(wrapped(top32 - 5, 4, 0), Some(10));
        // Far from the top: the process restarted and counts from zero.
        assert_eq!(wrapped(3_000_000_000, 100, 10), None);
        assert_eq!(wrapped(500, 3, 10), None);
    }
}
