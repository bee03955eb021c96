//! An incident export: a folder of files, read into observation batches, events and accounting.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use polars::prelude::*;
use serde::Serialize;

use crate::accounting::{Accounting, FileAccount};
pub use crate::clock::{ClockSkew, SkewEvidence};
use crate::config::{IncidentConfig, SourceKind};
use crate::discover::discover;
use crate::error::{Error, SinkError};
use crate::inert;
use crate::input;
use crate::logs::read::sniff;
use crate::logs::{self, LogPlan, Profile};
use crate::metrics::{self, Invariants};
use crate::model::{Channel, Event, Observation};
use crate::nodes::NodeResolver;
pub use crate::progress::{NoProgress, Progress};
use crate::source::counters::PairStore;
use crate::source::probes::SeenProbes;
use crate::source::settings::Configured;
use crate::source::{FileEntry, Reading, SOURCES};
use crate::system::DetectorSettings;
use crate::table::{events_frame, observations_schema};
use crate::tally::Tally;
use crate::time::{self, DATE_HINT, ZONE_HINT, parse_duration};

/// Settings for reading an export.
#[derive(Clone, Debug)]
pub struct ReadOptions {
    /// Observation rows per batch handed to [`IncidentFolder::stream`]'s callback.
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
    /// The year of log times that name none (`--year`): wins over `[logs] year`.
    pub year: Option<i32>,
    /// The date (`YYYY-MM-DD`) of log times that name only the time of day (`--date`): wins
    /// over `[logs] date`.
    pub date: Option<String>,
    /// The IANA time zone of log times that name none (`--timezone`): wins over `[logs]
    /// timezone`; a `[[source]]`'s own `timezone` still wins for its file.
    pub timezone: Option<String>,
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
            year: None,
            date: None,
            timezone: None,
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
    /// The other names each node is known by (member ids, IPs, host names, URLs), as the
    /// members tables, `incident.toml`, the logs and the metrics tie them together.
    pub identities: BTreeMap<String, Vec<String>>,
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

/// The result of reading an export with [`IncidentFolder::read`].
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
    /// The failure detector's settings, as a system's log line gave them.
    pub detector: Option<DetectorSettings>,
    /// Each system's detector settings the export gave, [`Ingested::detector`] first.
    pub detectors: Vec<DetectorSettings>,
}

/// What [`IncidentFolder::stream`] returns besides the batches.
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
    /// The failure detector's settings, as a system's log line gave them (see
    /// [`crate::system`]), with the `file:line` of the line.
    pub detector: Option<DetectorSettings>,
    /// Each system's detector settings the export gave (its logs', else its configuration's,
    /// else its defaults), [`StreamReport::detector`] first.
    pub detectors: Vec<DetectorSettings>,
    /// What reading each file's times assumed (a year, a zone), in words, by the file's path
    /// in the folder; files that assumed nothing are not listed.
    pub assumed: BTreeMap<String, Vec<String>>,
}

/// An incident export folder, its `incident.toml` and its files.
#[derive(Debug)]
pub struct IncidentFolder {
    root: PathBuf,
    config: IncidentConfig,
    files: Vec<FileEntry>,
    options: ReadOptions,
}

impl IncidentFolder {
    /// Opens an export folder: reads `incident.toml` if present and lists the files.
    ///
    /// Fails if the folder does not exist, `incident.toml` is malformed, or the folder holds no
    /// files at all.
    pub fn open(root: &Path, options: &ReadOptions) -> Result<Self, Error> {
        if !root.is_dir() {
            return Err(Error::MissingFolder {
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
            return Err(Error::EmptyFolder {
                path: root.to_owned(),
            });
        }
        Ok(IncidentFolder {
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
            observations.vstack_mut(df).map_err(|e| {
                Error::Sink(format!("cannot append an observation batch: {e}").into())
            })?;
        }
        observations.rechunk_mut_par();
        Ok(Ingested {
            observations,
            events: report.events,
            accounting: report.accounting,
            summary: report.summary,
            invariants: report.invariants,
            detector: report.detector,
            detectors: report.detectors,
        })
    }

    /// Reads the export, handing observation batches (DataFrames with the observations schema)
    /// to `sink` as they are produced, so that memory stays bounded by the batch size plus the
    /// counters pairing store.
    ///
    /// Every kind of file is read by its *source* (members first, so that all
    /// files name nodes alike); what several sources learn only together (the aliases logs and
    /// metrics announce, clock offsets from counters, shutdowns from logs) is settled once
    /// every file is read.
    pub fn stream(
        &self,
        progress: &dyn Progress,
        sink: &mut dyn FnMut(DataFrame) -> Result<(), SinkError>,
    ) -> Result<StreamReport, Error> {
        progress.start(self.total_bytes());
        let mut notes = Vec::new();
        let resolver = self.declared_nodes(&mut notes);
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
        let mut reading = Reading {
            files: &self.files,
            config: &self.config,
            progress,
            accounts: self
                .files
                .iter()
                .map(|f| FileAccount::new(f.rel.clone(), f.kind))
                .collect(),
            resolver,
            tally: Tally::new(sink, self.options.batch_rows, self.options.max_nodes),
            events: Vec::new(),
            pairs: PairStore::new(resolution, self.options.max_nodes),
            counter_files: Vec::new(),
            seen_probes: SeenProbes::default(),
            profiles,
            log_plan,
            logs: Vec::new(),
            metrics: Vec::new(),
            invariants: Invariants::default(),
            configured: Default::default(),
            detector: None,
            detectors: Vec::new(),
            assumed: BTreeMap::new(),
        };
        for source in SOURCES {
            let files: Vec<usize> = (0..self.files.len())
                .filter(|&i| source.kinds().contains(&self.files[i].kind))
                .collect();
            if !files.is_empty() {
                source.read(&files, &mut reading)?;
            }
            if let Some(e) = reading.tally.error.take() {
                return Err(e);
            }
        }
        let clock_skews = settle(&mut reading)?;
        progress.finish();
        Ok(report(reading, clock_skews, notes))
    }

    /// The node names and aliases `incident.toml` declares, with notes on aliases it gives to
    /// two nodes.
    fn declared_nodes(&self, notes: &mut Vec<String>) -> NodeResolver {
        let mut resolver = NodeResolver::new();
        for (node, aliases) in &self.config.nodes {
            let at = format!("incident.toml:{}", self.config.node_line(node));
            for a in std::iter::once(node).chain(aliases) {
                notes.extend(resolver.declare(node, a, &at));
            }
        }
        resolver
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
        let root = self.root.as_path();
        let mut plan = LogPlan {
            chosen: vec![None; self.files.len()],
            why: vec![String::new(); self.files.len()],
            year: self.options.year.or(self.config.logs.year),
            year_from: if self.options.year.is_some() {
                "--year".to_owned()
            } else {
                "[logs] year in incident.toml".to_owned()
            },
            date: match (&self.options.date, &self.config.logs.date) {
                (Some(d), _) => Some((
                    given(root, d, "--date", time::read_date, DATE_HINT)?,
                    "--date".to_owned(),
                )),
                (None, Some(d)) => Some((
                    given(root, d, "[logs] date", time::read_date, DATE_HINT)?,
                    "[logs] date in incident.toml".to_owned(),
                )),
                (None, None) => None,
            },
            why_none: vec![None; self.files.len()],
            zones: vec![None; self.files.len()],
            wrapped: vec![None; self.files.len()],
            local_time: vec![false; self.files.len()],
            dayless: vec![false; self.files.len()],
            ragged: vec![false; self.files.len()],
            width: vec![None; self.files.len()],
        };
        let zone = |name: &str, whence: &str| -> Result<(chrono_tz::Tz, String), Error> {
            let tz = given(
                root,
                name,
                &format!("{whence} timezone"),
                time::read_zone,
                ZONE_HINT,
            )?;
            Ok((tz, format!("{whence} timezone in incident.toml")))
        };
        let export_zone = match (&self.options.timezone, &self.config.logs.timezone) {
            (Some(name), _) => Some((
                given(root, name, "--timezone", time::read_zone, ZONE_HINT)?,
                "--timezone".to_owned(),
            )),
            (None, Some(name)) => Some(zone(name, "[logs]")?),
            (None, None) => None,
        };
        let mut sniffed_year = None;
        let mut sniffed_date = None;
        let mut text_year = None;
        // Each log file's first lines, tried with every profile on the cores at once; taken in
        // the files' order below, errors too.
        let sniffs = crate::par::map(self.files.len(), |i| {
            let f = &self.files[i];
            (f.kind == SourceKind::Log).then(|| sniff(&f.path, profiles))
        });
        for ((i, f), sniffed) in self.files.iter().enumerate().zip(sniffs) {
            // Only log files were sniffed.
            let Some(sniffed) = sniffed else { continue };
            plan.zones[i] = match self
                .config
                .source(&f.rel)
                .and_then(|s| s.timezone.as_deref())
            {
                Some(name) => Some(zone(name, &format!("[[source]] {}", f.rel))?),
                None => export_zone.clone(),
            };
            let spec_profile = self.config.source(&f.rel).and_then(|s| s.profile.clone());
            if let Some(name) = spec_profile {
                plan.chosen[i] = Some(by_name(&name, &format!("[[source]] {}", f.rel))?);
                plan.why[i] = "named in incident.toml".to_owned();
            } else if let Some((p, why)) = forced {
                plan.chosen[i] = Some(p);
                plan.why[i] = why.to_owned();
            }
            let s = sniffed?;
            plan.wrapped[i].clone_from(&s.wrapped);
            plan.local_time[i] = s.local_time;
            plan.dayless[i] = s.dayless;
            plan.ragged[i] = s.share < 1.0 || s.votes.0 < s.votes.1;
            plan.width[i] = s.width;
            if sniffed_year.is_none()
                && let Some(y) = s.year
            {
                sniffed_year = Some((y, format!("the dated lines of {}", f.rel)));
            }
            if sniffed_date.is_none()
                && let Some(d) = s.date
            {
                sniffed_date = Some((d, format!("the first dated line of {}", f.rel)));
            }
            if text_year.is_none()
                && let Some((y, date)) = &s.year_in_text
            {
                text_year = Some((
                    *y,
                    format!(
                        "a date its lines print on their own day ('{}' in {})",
                        inert::clip(date),
                        f.rel
                    ),
                ));
            }
            if plan.chosen[i].is_none() {
                plan.why_none[i] = s.why_none;
                plan.chosen[i] = s.profile;
                let (votes, lines) = s.votes;
                plan.why[i] = if votes == lines {
                    format!(
                        "sniffed: its layout fits {:.0}% of the first lines",
                        s.share * 100.0
                    )
                } else {
                    format!(
                        "sniffed: its layout fits {:.0}% of the first lines, not counting {} lines around its records (continuations, a banner above them)",
                        s.share * 100.0,
                        lines - votes
                    )
                };
            }
        }
        // Other files are read for a year only when a log needs one and nothing gave it.
        let needed = plan.year.is_none()
            && (0..self.files.len())
                .any(|i| plan.chosen[i].is_some_and(|p| plan.needs_year(i, &profiles[p])));
        let year = match (needed, sniffed_year) {
            (false, _) => None,
            (true, Some(y)) => Some(y),
            (true, None) => self
                .year_of_tables()
                .or(text_year)
                .or_else(|| self.year_of_modification(profiles, &plan)),
        };
        if let Some((y, from)) = year {
            plan.year = Some(y);
            plan.year_from = from;
        }
        // A log whose times name only the time of day is read from the date of the first dated
        // line of another file, else from the day it was last written.
        let dayless = (0..self.files.len())
            .any(|i| plan.chosen[i].is_some_and(|p| plan.needs_date(i, &profiles[p])));
        if plan.date.is_none() && dayless {
            plan.date = sniffed_date.or_else(|| self.date_of_modification(profiles, &plan));
        }
        Ok(plan)
    }

    /// The year of the first dated row of the folder's tables (health checks, client results,
    /// probes, counters, metric tables), for logs whose timestamps name none.
    fn year_of_tables(&self) -> Option<(i32, String)> {
        self.files
            .iter()
            .filter(|f| f.unreadable.is_none() && f.kind != SourceKind::Log)
            .find_map(|f| {
                let y = crate::discover::first_year(&f.path, f.format?)?;
                Some((y, format!("the dated rows of {}", f.rel)))
            })
    }

    /// The day a log whose times name only the time of day was last written (its modification
    /// time), when no other file dates it.
    fn date_of_modification(
        &self,
        profiles: &[Profile],
        plan: &LogPlan,
    ) -> Option<(chrono::NaiveDate, String)> {
        self.files.iter().enumerate().find_map(|(i, f)| {
            if !plan.needs_date(i, &profiles[plan.chosen[i]?]) {
                return None;
            }
            let ns = modified_ns(&f.path)?;
            Some((
                crate::logs::read::date_of(ns),
                format!("the day {} was last written", f.rel),
            ))
        })
    }

    /// The year a log whose timestamps name none was last written in (its modification time),
    /// when nothing in the folder dates it.
    fn year_of_modification(&self, profiles: &[Profile], plan: &LogPlan) -> Option<(i32, String)> {
        self.files.iter().enumerate().find_map(|(i, f)| {
            let p = &profiles[plan.chosen[i]?];
            if !plan.needs_year(i, p) {
                return None;
            }
            let y = crate::logs::read::year_of(modified_ns(&f.path)?);
            Some((y, format!("the modification time of {}", f.rel)))
        })
    }
}

/// Each system's detector settings the export gives, `chosen` (the one the incident is read
/// with) first, then every other system of its logs and configuration files the same way: what
/// its logs stated, else what its configuration set, else its defaults. A detector the user
/// names takes its settings from here rather than from the catalogue.
fn every_detector(
    log_files: &[logs::LogFile],
    configured: &Configured,
    chosen: &Option<DetectorSettings>,
) -> Vec<DetectorSettings> {
    let mut detectors: Vec<DetectorSettings> = chosen.iter().cloned().collect();
    let systems = log_files
        .iter()
        .filter_map(|f| f.system)
        .chain(configured.systems());
    for s in systems {
        if detectors.iter().any(|d| d.system == s.name) {
            continue;
        }
        let of_system = || {
            log_files
                .iter()
                .filter(|f| f.system.is_some_and(|k| k.name == s.name))
        };
        let found = of_system()
            .find_map(|f| f.detector.clone())
            .or_else(|| configured.detector(Some(s)))
            .or_else(|| of_system().next().and_then(|f| s.unstated(&f.rel)));
        detectors.extend(found);
    }
    detectors
}

/// What the sources learn only together, once every file is read: the aliases logs and metrics
/// announce, the clocks that disagree (from paired counters), the lines of logs put on the
/// common clock, metrics interpreted (without what falls after a node's shutdown), and the
/// paired counters. Observations go to the tally in a fixed order; returns the clock skews.
fn settle(reading: &mut Reading<'_>) -> Result<Vec<ClockSkew>, Error> {
    let mut log_files = std::mem::take(&mut reading.logs);
    logs::split_by_self_name(&mut log_files);
    // What a log stated, else what the configuration files set, else the system's defaults.
    let system = log_files.iter().find_map(|f| f.system);
    reading.detector = log_files
        .iter()
        .find_map(|f| f.detector.clone())
        .or_else(|| reading.configured.detector(system))
        .or_else(|| {
            log_files
                .iter()
                .find_map(|f| f.system.and_then(|s| s.unstated(&f.rel)))
        });
    reading.detectors = every_detector(&log_files, &reading.configured, &reading.detector);
    reading.assumed.extend(
        log_files
            .iter()
            .filter(|f| !f.assumed.is_empty())
            .map(|f| (f.rel.clone(), f.assumed.clone())),
    );
    let metric_files = std::mem::take(&mut reading.metrics);
    let resolver = &mut reading.resolver;
    let accounts = &mut reading.accounts;
    logs::learn_aliases(&log_files, resolver);
    for (node, id) in metrics::aliases(&metric_files) {
        let canonical = resolver.resolve(&node);
        resolver.add_alias(canonical.as_str(), &id);
    }
    let mut clock_skews = reading.pairs.align_clocks();
    for skew in &clock_skews {
        let note = skew.note("its counts");
        for &(_, i) in &reading.counter_files {
            accounts[i].notes.push(note.clone());
        }
    }
    let mut derived: Vec<Observation> = Vec::new();
    let events = &mut reading.events;
    let stops = logs::settle(
        log_files,
        resolver,
        &mut clock_skews,
        accounts,
        &mut derived,
        events,
    );
    let metric_accounts: Vec<usize> = metric_files.iter().map(|m| m.account).collect();
    let mut from_metrics = Vec::new();
    let mut metric_events = Vec::new();
    let invariants = metrics::interpret(
        metric_files,
        resolver,
        accounts,
        &mut from_metrics,
        &mut metric_events,
    );
    reading.invariants = invariants;
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
    let tally = &mut reading.tally;
    for o in &derived {
        tally.push(&o.as_row());
    }
    reading.pairs.drain(&mut |o| tally.push(o));
    reading.pairs.settle(&reading.counter_files, accounts);
    tally.flush();
    if let Some(e) = tally.error.take() {
        return Err(e);
    }
    events.sort_by(|a, b| {
        (a.ts_ns, &a.node, a.kind, &a.origin).cmp(&(b.ts_ns, &b.node, b.kind, &b.origin))
    });
    for e in events.iter() {
        tally.span(e.ts_ns);
        tally.nodes.insert(e.node.0.clone());
    }
    Ok(clock_skews)
}

/// The report of a finished read: the summary, the events table, the accounting.
fn report(
    reading: Reading<'_>,
    clock_skews: Vec<ClockSkew>,
    mut notes: Vec<String>,
) -> StreamReport {
    let Reading {
        tally,
        events,
        accounts,
        mut invariants,
        detector,
        detectors,
        assumed,
        resolver,
        ..
    } = reading;
    let mut nodes: Vec<String> = tally.nodes.iter().cloned().collect();
    nodes.sort();
    notes.extend(confusable_notes(&nodes));
    let summary = Summary {
        identities: resolver.identities(&nodes),
        nodes,
        notes,
        channels: tally.channels.iter().copied().collect(),
        start_ns: tally.start,
        end_ns: tally.end,
        observations: tally.observations,
        events: events.len() as u64,
        clock_skews,
    };
    invariants.request_latency = tally.latency.finish();
    StreamReport {
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
        detector,
        detectors,
        assumed,
    }
}

impl IncidentFolder {
    /// Reads the export and writes the observations table to a Parquet file batch by batch
    /// (memory stays bounded as for [`IncidentFolder::stream`]).
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
            writer.write_batch(&df).map_err(SinkError::from)
        })?;
        writer.finish().map_err(pq)?;
        file.finish().map_err(|e| Error::io(out, e))?;
        Ok(report)
    }
}

/// When a file was last written, in nanoseconds since the epoch.
fn modified_ns(path: &Path) -> Option<i64> {
    let modified = std::fs::metadata(path).ok()?.modified().ok()?;
    let ns = modified
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_nanos();
    i64::try_from(ns).ok()
}

/// A date or zone given on the command line (`label` starts with `--`) or in `incident.toml`,
/// read by `parse`, or refused with the place it was given and what it should look like.
fn given<T>(
    root: &Path,
    text: &str,
    label: &str,
    parse: fn(&str) -> Option<T>,
    hint: &str,
) -> Result<T, Error> {
    parse(text).ok_or_else(|| {
        let reason = format!("{label} '{}': {hint}", inert::clip(text));
        if label.starts_with("--") {
            Error::BadFlag(reason)
        } else {
            Error::BadConfig {
                path: root.join("incident.toml"),
                line: 0,
                column: 0,
                reason,
            }
        }
    })
}
