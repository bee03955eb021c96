//! An incident export: a folder of files, read into observation batches, events and accounting.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use polars::prelude::*;
use rustc_hash::FxHashSet;
use serde::Serialize;

use crate::accounting::{Accounting, FileAccount, SkipReason};
pub use crate::clock::{ClockSkew, SkewEvidence};
use crate::config::{IncidentConfig, SourceKind};
use crate::discover::{FileEntry, discover};
use crate::error::Error;
use crate::inert;
use crate::input;
use crate::logs::read::{LogSettings, read_log, sniff};
use crate::logs::{self, LogFile, Profile};
use crate::metrics::{self, Invariants, LatencyBins, MetricFile, MetricTable};
use crate::model::{Channel, Event, Evidence, Observation, ObservationRow};
use crate::nodes::NodeResolver;
use crate::row::{Format, read_table};
use crate::source::counters::{CountersFile, CountersSettings, PairStore};
use crate::source::members::MembersFile;
use crate::source::probes::{ProbeFile, ProbeSettings, SeenProbes};
use crate::table::{ObservationsBuilder, events_frame, observations_schema};
use crate::time::parse_duration;

/// Receives progress while an export is read. Implementations must be cheap: `advance` is called
/// for every buffer read.
pub trait Progress: Sync {
    /// Reading starts; `total_bytes` is the size of all files on disk.
    fn start(&self, _total_bytes: u64) {}
    /// `bytes` more bytes were read from disk.
    fn advance(&self, _bytes: u64) {}
    /// Reading moves on to the file at `rel`.
    fn file(&self, _rel: &str) {}
    /// Reading is done.
    fn finish(&self) {}
}

/// A [`Progress`] that shows nothing.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoProgress;

impl Progress for NoProgress {}

/// Settings for reading an export.
#[derive(Clone, Debug)]
pub struct ReadOptions {
    /// Observation rows per batch handed to [`Export::stream`]'s callback.
    pub batch_rows: usize,
    /// Read every log file with this profile instead of sniffing (overrides `incident.toml`).
    pub log_profile: Option<String>,
    /// Extra log profile files (TOML) besides the built-in ones.
    pub profiles: Vec<PathBuf>,
    /// At most this many distinct nodes: beyond it reading stops with
    /// [`Error::TooManyNodes`], so that a mislabelled column cannot exhaust memory.
    pub max_nodes: usize,
    /// Read files that symbolic links in the export lead to outside it, and settings files
    /// that `incident.toml` names outside it (`--follow-symlinks`). Off, such a link is listed
    /// as not read and such a setting is refused, so that nothing outside the folder handed
    /// over reaches the output.
    pub follow_links_outside: bool,
}

/// Most profile files an export may add (`[logs] profiles` and `--profiles` together): 32,
/// twice the built-in set. Each is compiled and tried on the first lines of every log.
pub const MAX_PROFILE_FILES: usize = 32;

/// The default of [`ReadOptions::max_nodes`]: larger than any cluster whose incidents rift is
/// for, small enough that the timeline of every pair stays in memory.
pub const DEFAULT_MAX_NODES: usize = 10_000;

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            batch_rows: 1 << 16,
            log_profile: None,
            profiles: Vec::new(),
            max_nodes: DEFAULT_MAX_NODES,
            follow_links_outside: false,
        }
    }
}

/// What an export holds, in brief.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Summary {
    /// Every node named by an observation or event, sorted.
    pub nodes: Vec<String>,
    /// Channels with at least one observation.
    pub channels: Vec<Channel>,
    /// Earliest observation or event, ns since the epoch.
    pub start_ns: Option<i64>,
    /// Latest observation or event, ns since the epoch.
    pub end_ns: Option<i64>,
    /// Observation rows produced.
    pub observations: u64,
    /// Event rows produced.
    pub events: u64,
    /// Nodes whose clock was found off from their peers' (from paired counters) and whose
    /// counts and log lines were moved onto the common clock.
    pub clock_skews: Vec<ClockSkew>,
    /// What a reader should know about the export as a whole: node names that print alike,
    /// aliases `incident.toml` gives to two nodes.
    pub notes: Vec<String>,
}

/// Notes for node names that look alike: the same Unicode "skeleton" (UTS #39: `n1` with a
/// zero-width space, or with a Cyrillic `п`, has the skeleton of `n1`) yet different names, so
/// that two nodes printed the same are told apart. Each name is shown escaped.
fn confusable_notes(nodes: &[String]) -> Vec<String> {
    let mut by_skeleton: std::collections::BTreeMap<String, Vec<&str>> = Default::default();
    for n in nodes {
        let visible: String = n.chars().filter(|c| !inert::is_hazard(*c)).collect();
        let skeleton: String = unicode_security::skeleton(&visible).collect();
        by_skeleton.entry(skeleton).or_default().push(n);
    }
    by_skeleton
        .into_values()
        .filter(|names| names.len() > 1)
        .map(|names| {
            let shown: Vec<String> = names
                .iter()
                .map(|n| format!("'{}'", inert::clip(n)))
                .collect();
            format!(
                "node names {} look alike but are different names, read as different nodes: check which the export means",
                shown.join(" and ")
            )
        })
        .collect()
}

/// The result of reading an export with [`Export::read`].
#[derive(Debug)]
pub struct Ingested {
    /// The observations table.
    pub observations: DataFrame,
    /// The events table.
    pub events: DataFrame,
    /// Every file and what became of its rows.
    pub accounting: Accounting,
    /// Nodes, channels and time span.
    pub summary: Summary,
    /// Operational invariants from metric exports.
    pub invariants: Invariants,
}

/// What [`Export::stream`] returns besides the batches.
#[derive(Debug)]
pub struct StreamReport {
    /// The events table.
    pub events: DataFrame,
    /// The same events as rows, in time order.
    pub event_rows: Vec<Event>,
    /// Every file and what became of its rows.
    pub accounting: Accounting,
    /// Nodes, channels and time span.
    pub summary: Summary,
    /// Operational invariants from metric exports.
    pub invariants: Invariants,
}

/// An incident export folder, its `incident.toml` and its files.
#[derive(Debug)]
pub struct Export {
    root: PathBuf,
    config: IncidentConfig,
    files: Vec<FileEntry>,
    options: ReadOptions,
}

struct Tally<'s> {
    nodes: FxHashSet<String>,
    channels: BTreeSet<Channel>,
    start: Option<i64>,
    end: Option<i64>,
    observations: u64,
    builder: ObservationsBuilder,
    batch_rows: usize,
    sink: &'s mut dyn FnMut(DataFrame) -> Result<(), String>,
    error: Option<Error>,
    latency: LatencyBins,
    max_nodes: usize,
}

impl Tally<'_> {
    fn span(&mut self, ts: i64) {
        self.start = Some(self.start.map_or(ts, |s| s.min(ts)));
        self.end = Some(self.end.map_or(ts, |e| e.max(ts)));
    }

    fn push(&mut self, o: &ObservationRow<'_>) {
        if self.error.is_some() {
            return;
        }
        for node in [o.src, o.dst] {
            if !self.nodes.contains(node) {
                if self.nodes.len() >= self.max_nodes {
                    self.error = Some(Error::TooManyNodes {
                        at: o.origin.to_owned(),
                        name: node.chars().take(80).collect(),
                        limit: self.max_nodes,
                    });
                    return;
                }
                self.nodes.insert(node.to_owned());
            }
        }
        self.channels.insert(o.channel);
        self.span(o.ts_ns);
        self.observations += 1;
        if o.channel == Channel::Data && o.evidence == Evidence::RoundTrip {
            self.latency.add(o.ts_ns, o.delivered > 0, o.latency_ms);
        }
        self.builder.push_row(o);
        if self.builder.len() >= self.batch_rows {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if self.builder.is_empty() || self.error.is_some() {
            return;
        }
        let df = self.builder.take_frame();
        if let Err(e) = (self.sink)(df) {
            self.error = Some(Error::Sink(e));
        }
    }
}

impl Export {
    /// Opens an export folder: reads `incident.toml` if present and lists the files.
    ///
    /// Fails if the folder does not exist, `incident.toml` is malformed, or the folder holds no
    /// files at all.
    pub fn open(root: &Path, options: &ReadOptions) -> Result<Self, Error> {
        if !root.is_dir() {
            return Err(Error::MissingExport {
                path: root.to_owned(),
            });
        }
        let real_root = std::fs::canonicalize(root).map_err(|e| Error::io(root, e))?;
        let config_path = root.join("incident.toml");
        let inside = (!options.follow_links_outside).then_some(real_root.as_path());
        let config = match std::fs::symlink_metadata(&config_path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => IncidentConfig::default(),
            _ => IncidentConfig::load_within(&config_path, inside)?,
        };
        let files = discover(root, &config, options.follow_links_outside)?;
        if files.iter().all(|f| f.kind == SourceKind::Config) {
            return Err(Error::EmptyExport {
                path: root.to_owned(),
            });
        }
        Ok(Export {
            root: root.to_owned(),
            config,
            files,
            options: options.clone(),
        })
    }

    /// The export folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The parsed `incident.toml` (defaults when there is none).
    pub fn config(&self) -> &IncidentConfig {
        &self.config
    }

    /// The files recognised as node logs, as (path relative to the export, full path).
    pub fn log_files(&self) -> Vec<(&str, &Path)> {
        self.files
            .iter()
            .filter(|f| f.kind == SourceKind::Log)
            .map(|f| (f.rel.as_str(), f.path.as_path()))
            .collect()
    }

    /// Total size of the export's files on disk.
    pub fn total_bytes(&self) -> u64 {
        self.files.iter().map(|f| f.size).sum()
    }

    /// Reads the whole export into one observations table.
    pub fn read(&self, progress: &dyn Progress) -> Result<Ingested, Error> {
        let mut frames: Vec<DataFrame> = Vec::new();
        let report = self.stream(progress, &mut |df| {
            frames.push(df);
            Ok(())
        })?;
        let mut observations = DataFrame::empty_with_schema(&observations_schema());
        for df in &frames {
            observations
                .vstack_mut(df)
                .map_err(|e| Error::Sink(format!("cannot append an observation batch: {e}")))?;
        }
        observations.rechunk_mut_par();
        Ok(Ingested {
            observations,
            events: report.events,
            accounting: report.accounting,
            summary: report.summary,
            invariants: report.invariants,
        })
    }

    /// Reads the export, handing observation batches (DataFrames with the observations schema)
    /// to `sink` as they are produced, so that memory stays bounded by the batch size plus the
    /// counters pairing store.
    pub fn stream(
        &self,
        progress: &dyn Progress,
        sink: &mut dyn FnMut(DataFrame) -> Result<(), String>,
    ) -> Result<StreamReport, Error> {
        progress.start(self.total_bytes());
        let mut resolver = NodeResolver::new();
        let mut notes = Vec::new();
        for (node, aliases) in &self.config.nodes {
            let at = format!("incident.toml:{}", self.config.node_line(node));
            for a in std::iter::once(node).chain(aliases) {
                notes.extend(resolver.declare(node, a, &at));
            }
        }
        let mut accounts: Vec<FileAccount> = self
            .files
            .iter()
            .map(|f| FileAccount::new(f.rel.clone(), f.kind))
            .collect();
        let no_columns = Default::default();
        let columns_of = |f: &FileEntry| {
            self.config
                .source(&f.rel)
                .map_or(&no_columns, |s| &s.columns)
        };

        // Members first, so that every other file names nodes consistently.
        for (f, acc) in self.files.iter().zip(accounts.iter_mut()) {
            if f.kind == SourceKind::Members {
                progress.file(&f.rel);
                let format = table_format(f)?;
                let mut sink = MembersFile::new(&mut resolver, acc, columns_of(f));
                let empty = empty_table(read_table(&f.path, format, &mut sink, progress))?;
                note_empty(acc, empty);
            }
        }

        let mut tally = Tally {
            nodes: FxHashSet::default(),
            channels: BTreeSet::new(),
            start: None,
            end: None,
            observations: 0,
            builder: ObservationsBuilder::new(),
            batch_rows: self.options.batch_rows.max(1),
            sink,
            error: None,
            latency: LatencyBins::default(),
            max_nodes: self.options.max_nodes,
        };

        let resolution = match &self.config.counters.pair_resolution {
            Some(r) => parse_duration(r).map_err(|e| Error::BadConfig {
                path: self.root.join("incident.toml"),
                line: 0,
                column: 0,
                reason: e.to_string(),
            })?,
            None => 1_000_000_000,
        };
        let profiles = self.profiles()?;
        let log_plan = self.plan_logs(&profiles)?;
        let log_files = self.read_logs(&profiles, &log_plan, &mut accounts, progress)?;
        let mut metric_files: Vec<MetricFile> = Vec::new();
        let mut store = PairStore::new(resolution, self.options.max_nodes);
        let mut counter_files = Vec::new();
        let mut seen = SeenProbes::default();
        let mut events: Vec<Event> = Vec::new();
        for (i, f) in self.files.iter().enumerate() {
            let spec = self.config.source(&f.rel);
            match f.kind {
                SourceKind::Counters => {
                    progress.file(&f.rel);
                    let format = table_format(f)?;
                    let settings = CountersSettings {
                        name: f.rel.clone(),
                        format,
                        channel: spec.and_then(|s| s.channel),
                        default_channel: self.config.counters.channel.unwrap_or(Channel::Heartbeat),
                        cumulative: spec
                            .and_then(|s| s.cumulative)
                            .or(self.config.counters.cumulative),
                        columns: columns_of(f),
                    };
                    let mut reader =
                        CountersFile::new(&mut store, &resolver, &mut accounts[i], settings);
                    let empty = empty_table(read_table(&f.path, format, &mut reader, progress))?;
                    let (file, restarts) = reader.finish()?;
                    note_empty(&mut accounts[i], empty);
                    counter_files.push((file, i));
                    events.extend(restarts);
                }
                SourceKind::Health | SourceKind::Client | SourceKind::Probe => {
                    progress.file(&f.rel);
                    let format = table_format(f)?;
                    let settings = ProbeSettings {
                        name: f.rel.clone(),
                        format,
                        kind: f.kind,
                        channel: spec.and_then(|s| s.channel),
                        prober: spec
                            .and_then(|s| s.prober.clone())
                            .or_else(|| self.config.probes.prober.clone())
                            .unwrap_or_else(|| "client".to_owned()),
                        columns: columns_of(f),
                    };
                    let mut rows = Vec::new();
                    let mut reader =
                        ProbeFile::new(&resolver, &mut accounts[i], settings, &mut rows, &mut seen);
                    let empty = empty_table(read_table(&f.path, format, &mut reader, progress))?;
                    events.extend(reader.finish());
                    note_empty(&mut accounts[i], empty);
                    for o in &rows {
                        tally.push(&o.as_row());
                    }
                }
                // Read above, in parallel.
                SourceKind::Log => {}
                SourceKind::Metrics => {
                    progress.file(&f.rel);
                    let node = spec
                        .and_then(|s| s.node.clone())
                        .unwrap_or_else(|| logs::node_of_file(&f.rel));
                    let acc = &mut accounts[i];
                    // The samples of all metric files share one budget.
                    let room = metrics::MAX_SAMPLES
                        - metric_files.iter().map(|m| m.samples.len()).sum::<usize>();
                    let samples = match f.format {
                        Some(Format::Ndjson) if metrics::is_query_json(&f.path) => {
                            metrics::read_query_json(&f.path, &node, acc, room, progress)?
                        }
                        Some(format) => {
                            let mut table = MetricTable::new(acc, node, room);
                            let empty =
                                empty_table(read_table(&f.path, format, &mut table, progress))?;
                            let samples = table.finish(&f.path)?;
                            note_empty(acc, empty);
                            samples
                        }
                        None => metrics::read_prom(&f.path, &f.rel, &node, acc, room, progress)?,
                    };
                    metric_files.push(MetricFile {
                        account: i,
                        rel: f.rel.clone(),
                        samples,
                    });
                }
                SourceKind::Unknown if f.unreadable.is_some() => {
                    let why = f.unreadable.as_deref().unwrap_or_default();
                    accounts[i].notes.push(format!("not read: {why}"));
                }
                SourceKind::Unknown | SourceKind::Ignore => {
                    progress.file(&f.rel);
                    let lines = input::count_lines(&f.path, progress)?;
                    let acc = &mut accounts[i];
                    acc.rows_read = lines;
                    let reason = if f.kind == SourceKind::Ignore {
                        SkipReason::Ignored
                    } else {
                        SkipReason::NoReader
                    };
                    let hint = match f.kind {
                        SourceKind::Unknown => {
                            "not recognised; name its kind in incident.toml ([[source]] path = …, kind = …)"
                        }
                        _ => "kind = \"ignore\" in incident.toml",
                    };
                    acc.skip_n(reason, lines, 1, || hint.to_owned());
                }
                SourceKind::Members | SourceKind::Config => {}
            }
            if let Some(e) = tally.error.take() {
                return Err(e);
            }
        }

        // Logs and metrics: learn the names they announce, then resolve and settle them.
        logs::learn_aliases(&log_files, &mut resolver);
        for (node, id) in metrics::aliases(&metric_files) {
            let canonical = resolver.resolve(&node);
            resolver.add_alias(canonical.as_str(), &id);
        }
        // Clocks that disagree, found from the counters both ends of an edge reported.
        let mut clock_skews = store.align_clocks();
        for skew in &clock_skews {
            let note = skew.note("its counts");
            for &(_, i) in &counter_files {
                accounts[i].notes.push(note.clone());
            }
        }
        let mut derived: Vec<Observation> = Vec::new();
        let stops = logs::settle(
            log_files,
            &resolver,
            &mut clock_skews,
            &mut accounts,
            &mut derived,
            &mut events,
        );
        let metric_accounts: Vec<usize> = metric_files.iter().map(|m| m.account).collect();
        let mut from_metrics = Vec::new();
        let mut metric_events = Vec::new();
        let invariants = metrics::interpret(
            metric_files,
            &resolver,
            &mut accounts,
            &mut from_metrics,
            &mut metric_events,
        );
        let before = from_metrics.len();
        from_metrics.retain(|o| !stops.hides(o));
        if before > from_metrics.len()
            && let Some(&i) = metric_accounts.first()
        {
            accounts[i].notes.push(format!(
                    "{} observations from metrics fall after a node's shutdown announcement and are not used",
                    before - from_metrics.len()
                ));
        }
        events.extend(metric_events);
        derived.extend(from_metrics);
        derived.sort_by(|a, b| {
            (a.ts_ns, &a.src, &a.dst, a.channel, &a.origin)
                .cmp(&(b.ts_ns, &b.src, &b.dst, b.channel, &b.origin))
        });
        for o in &derived {
            tally.push(&o.as_row());
        }

        store.drain(&mut |o| tally.push(o));
        store.settle(&counter_files, &mut accounts);
        tally.flush();
        if let Some(e) = tally.error.take() {
            return Err(e);
        }

        events.sort_by(|a, b| {
            (a.ts_ns, &a.node, a.kind, &a.origin).cmp(&(b.ts_ns, &b.node, b.kind, &b.origin))
        });
        for e in &events {
            tally.span(e.ts_ns);
            tally.nodes.insert(e.node.0.clone());
        }
        progress.finish();
        let nodes = {
            let mut nodes: Vec<String> = tally.nodes.into_iter().collect();
            nodes.sort();
            nodes
        };
        notes.extend(confusable_notes(&nodes));
        let summary = Summary {
            nodes,
            notes,
            channels: tally.channels.into_iter().collect(),
            start_ns: tally.start,
            end_ns: tally.end,
            observations: tally.observations,
            events: events.len() as u64,
            clock_skews,
        };
        let mut invariants = invariants;
        invariants.request_latency = std::mem::take(&mut tally.latency).finish();
        Ok(StreamReport {
            events: events_frame(&events),
            event_rows: events,
            accounting: Accounting {
                files: accounts
                    .into_iter()
                    .filter(|a| a.kind != SourceKind::Config)
                    .collect(),
            },
            summary,
            invariants,
        })
    }

    /// The profiles this export is read with: the built-in ones, then `[logs] profiles` from
    /// `incident.toml`, then [`ReadOptions::profiles`]. A later profile with the name of an
    /// earlier one replaces it.
    pub fn profiles(&self) -> Result<Vec<Profile>, Error> {
        let mut all = logs::builtin().map_err(|e| Error::BadProfile(e.to_string()))?;
        let named = &self.config.logs.profiles;
        let count = named.len() + self.options.profiles.len();
        if count > MAX_PROFILE_FILES {
            return Err(Error::BadProfile(format!(
                "{count} profile files are named ([logs] profiles in incident.toml and --profiles); the limit is {MAX_PROFILE_FILES}: merge them, or name only those the logs need"
            )));
        }
        let real_root = std::fs::canonicalize(&self.root).map_err(|e| Error::io(&self.root, e))?;
        let inside = (!self.options.follow_links_outside).then_some(real_root.as_path());
        let mut added = Vec::new();
        for (i, p) in named.iter().enumerate() {
            let path = self.root.join(p);
            let text = input::read_named(&path, inside).map_err(|reason| Error::BadConfig {
                path: self.root.join("incident.toml"),
                line: self.config.logs.profile_lines.get(i).copied().unwrap_or(0),
                column: 0,
                reason: format!("[logs] profiles: '{}': {reason}", inert::clip(p)),
            })?;
            added.push(
                Profile::parse(&text, &path.display().to_string())
                    .map_err(|e| Error::BadProfile(e.to_string()))?,
            );
        }
        for path in &self.options.profiles {
            added.push(Profile::load(path)?);
        }
        let mut compiled = 0usize;
        for p in added {
            compiled += p.compiled_bytes;
            if compiled > logs::profile::MAX_COMPILED_BYTES {
                return Err(Error::BadProfile(format!(
                    "the added profiles' regexes compile to more than {} bytes together (the limit), reaching it with profile '{}': fewer or simpler profiles",
                    input::thousands(logs::profile::MAX_COMPILED_BYTES as u64),
                    inert::clip(&p.name)
                )));
            }
            match all.iter().position(|q| q.name == p.name) {
                Some(i) => all[i] = p,
                None => all.push(p),
            }
        }
        Ok(all)
    }

    fn plan_logs(&self, profiles: &[Profile]) -> Result<LogPlan, Error> {
        let by_name = |name: &str, whence: &str| -> Result<usize, Error> {
            profiles.iter().position(|p| p.name == name).ok_or_else(|| {
                let names: Vec<&str> = profiles.iter().map(|p| p.name.as_str()).collect();
                Error::BadProfile(format!(
                    "unknown log profile '{name}' ({whence}); known profiles: {}",
                    names.join(", ")
                ))
            })
        };
        let forced = match (&self.options.log_profile, &self.config.logs.profile) {
            (Some(n), _) => Some((by_name(n, "--log-profile")?, "named by --log-profile")),
            (None, Some(n)) => Some((
                by_name(n, "incident.toml [logs] profile")?,
                "named in incident.toml",
            )),
            _ => None,
        };
        let mut plan = LogPlan {
            chosen: vec![None; self.files.len()],
            why: vec![String::new(); self.files.len()],
            year: self.config.logs.year,
        };
        let mut sniffed_year = None;
        for (i, f) in self.files.iter().enumerate() {
            if f.kind != SourceKind::Log {
                continue;
            }
            let spec_profile = self.config.source(&f.rel).and_then(|s| s.profile.clone());
            if let Some(name) = spec_profile {
                plan.chosen[i] = Some(by_name(&name, &format!("[[source]] {}", f.rel))?);
                plan.why[i] = "named in incident.toml".to_owned();
            } else if let Some((p, why)) = forced {
                plan.chosen[i] = Some(p);
                plan.why[i] = why.to_owned();
            }
            let s = sniff(&f.path, profiles)?;
            sniffed_year = sniffed_year.or(s.year);
            if plan.chosen[i].is_none() {
                plan.chosen[i] = s.profile;
                plan.why[i] = format!(
                    "sniffed: its layout fits {:.0}% of the first lines",
                    s.share * 100.0
                );
            }
        }
        plan.year = plan.year.or(sniffed_year);
        Ok(plan)
    }
}

impl Export {
    /// Reads every log file with its profile, several files at a time (one per core).
    fn read_logs(
        &self,
        profiles: &[Profile],
        plan: &LogPlan,
        accounts: &mut [FileAccount],
        progress: &dyn Progress,
    ) -> Result<Vec<LogFile>, Error> {
        let jobs: Vec<usize> = (0..self.files.len())
            .filter(|&i| self.files[i].kind == SourceKind::Log)
            .collect();
        let start: Vec<FileAccount> = jobs.iter().map(|&i| accounts[i].clone()).collect();
        let next = std::sync::atomic::AtomicUsize::new(0);
        let done = std::sync::Mutex::new(Vec::new());
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(jobs.len())
            .max(1);
        std::thread::scope(|scope| {
            for _ in 0..threads {
                scope.spawn(|| {
                    loop {
                        let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(&i) = jobs.get(k) else { break };
                        let mut acc = start[k].clone();
                        let r = self.read_log_file(i, profiles, plan, &mut acc, progress);
                        if let Ok(mut d) = done.lock() {
                            d.push((i, acc, r));
                        }
                    }
                });
            }
        });
        let mut done = done.into_inner().unwrap_or_default();
        done.sort_by_key(|d| d.0);
        let mut out = Vec::new();
        for (i, acc, r) in done {
            accounts[i] = acc;
            if let Some(f) = r? {
                out.push(f);
            }
        }
        Ok(out)
    }

    fn read_log_file(
        &self,
        i: usize,
        profiles: &[Profile],
        plan: &LogPlan,
        acc: &mut FileAccount,
        progress: &dyn Progress,
    ) -> Result<Option<LogFile>, Error> {
        let f = &self.files[i];
        progress.file(&f.rel);
        let node = self
            .config
            .source(&f.rel)
            .and_then(|s| s.node.clone())
            .unwrap_or_else(|| logs::node_of_file(&f.rel));
        let Some(p) = plan.profile_for(i) else {
            let lines = input::count_lines(&f.path, progress)?;
            acc.rows_read = lines;
            acc.skip_n(SkipReason::NoProfile, lines, 1, || {
                "name its profile in incident.toml ([[source]] path = …, profile = …) or with --log-profile; `rift profiles` lists them".to_owned()
            });
            return Ok(None);
        };
        let profile = &profiles[p];
        acc.notes.push(format!(
            "read as {} logs with profile {} ({}), node {node}",
            profile.system, profile.name, plan.why[i]
        ));
        let settings = LogSettings {
            profile,
            year: plan.year,
        };
        let lines = read_log(&f.path, &settings, acc, progress)?;
        Ok(Some(LogFile {
            account: i,
            rel: f.rel.clone(),
            node,
            lines,
        }))
    }
}

/// Which profile reads each log file, and the year for timestamps without one.
struct LogPlan {
    chosen: Vec<Option<usize>>,
    why: Vec<String>,
    year: Option<i32>,
}

impl LogPlan {
    fn profile_for(&self, file: usize) -> Option<usize> {
        self.chosen[file]
    }
}

/// Whether reading a table found it empty: such a file (cut off before its header was written)
/// is noted in its account instead of stopping the export.
fn empty_table(read: Result<(), Error>) -> Result<bool, Error> {
    match read {
        Ok(()) => Ok(false),
        Err(Error::EmptyTable { .. }) => Ok(true),
        Err(e) => Err(e),
    }
}

fn note_empty(acc: &mut FileAccount, empty: bool) {
    if empty {
        acc.notes
            .push("not read: the file is empty (not even a header line)".to_owned());
    }
}

fn table_format(f: &FileEntry) -> Result<Format, Error> {
    f.format.ok_or_else(|| Error::BadHeader {
        path: f.path.clone(),
        reason: format!(
            "a {} table must be CSV, NDJSON or Parquet (optionally .gz or .zst); rename it or set its kind in incident.toml",
            f.kind.as_str()
        ),
    })
}

impl Export {
    /// Reads the export and writes the observations table to a Parquet file batch by batch
    /// (memory stays bounded as for [`Export::stream`]).
    pub fn write_parquet(
        &self,
        out: &Path,
        progress: &dyn Progress,
    ) -> Result<StreamReport, Error> {
        // Written beside its final name and renamed there once complete, so that an
        // interrupted run never leaves a truncated table under that name (a device is written
        // into, never replaced: `crate::output`).
        let file = crate::output::OutFile::create(out, ".rift-observations-")
            .map_err(|e| Error::io(out, e))?;
        let pq = |e: PolarsError| Error::Parquet {
            path: out.to_owned(),
            source: e,
        };
        let mut writer = ParquetWriter::new(file.file())
            .batched(&observations_schema())
            .map_err(pq)?;
        let report = self.stream(progress, &mut |df| {
            writer.write_batch(&df).map_err(|e| e.to_string())
        })?;
        writer.finish().map_err(pq)?;
        file.finish().map_err(|e| Error::io(out, e))?;
        Ok(report)
    }
}
