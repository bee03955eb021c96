//! The kinds of file an incident folder holds, one module each behind the [`Source`] trait: how a
//! file of the kind is recognised, how its files are read into observations and events, and how
//! their lines are accounted.
//!
//! [`SOURCES`] lists them. Its order is the order of recognition (the first source that claims a
//! file gets it) and of reading (members first, because they name the nodes every other file
//! refers to). Adding a kind of file is one module here and one line in the list (and, for a
//! name users can write in `incident.toml`, one variant of [`SourceKind`]).

pub(crate) mod columns;
pub(crate) mod config;
pub(crate) mod counters;
pub(crate) mod logs;
pub(crate) mod members;
pub(crate) mod metrics;
pub(crate) mod probes;
pub(crate) mod settings;
pub(crate) mod unrecognised;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::accounting::FileAccount;
use crate::config::{IncidentConfig, SourceKind, SourceSpec};
use crate::error::Error;
use crate::logs::{LogFile, LogPlan, Profile};
use crate::metrics::{Invariants, MetricFile};
use crate::model::{Channel, Event};
use crate::nodes::NodeResolver;
use crate::progress::Progress;
use crate::row::Format;
use crate::system::DetectorSettings;
use crate::tally::Tally;

/// One kind of file: how it is recognised and read.
///
/// Recognition asks every source in [`SOURCES`] order, first by content, then by name, then (for
/// tables) by columns; a file that `incident.toml` gives a kind is not asked about.
pub(crate) trait Source: Sync {
    /// The kinds this source reads.
    fn kinds(&self) -> &'static [SourceKind];

    /// The kind of the file if its first bytes alone say it (before its name is looked at).
    fn by_content(&self, _file: &Candidate<'_>) -> Option<SourceKind> {
        None
    }

    /// The kind of the file if its name alone says it.
    fn by_name(&self, _file: &Candidate<'_>) -> Option<SourceKind> {
        None
    }

    /// The kind of a table (CSV, NDJSON, Parquet) from its name and columns.
    fn by_columns(&self, _file: &Candidate<'_>) -> Option<SourceKind> {
        None
    }

    /// Reads `files` (indexes into [`Reading::files`], in folder order), all of this source's
    /// kinds: rows become observations ([`Tally::push`]) or events, or what the source keeps
    /// for [`crate::folder`] to settle once every file is read; each line is counted in the
    /// file's account.
    fn read(&self, files: &[usize], reading: &mut Reading<'_>) -> Result<(), Error>;
}

/// Every kind of file, in the order of recognition and reading.
pub(crate) static SOURCES: &[&dyn Source] = &[
    &members::Members,
    &config::Config,
    &settings::Settings,
    &logs::Logs,
    &metrics::Metrics,
    &counters::Counters,
    &probes::Probes,
    &unrecognised::Unrecognised,
];

/// What recognition knows of a file.
pub(crate) struct Candidate<'a> {
    /// The file name without compression suffixes, lower case as written.
    pub(crate) name: &'a str,
    pub(crate) path: &'a Path,
    /// The table format its name gives, if any.
    pub(crate) format: Option<Format>,
    /// Its column names, lower-cased (tables only; empty otherwise).
    pub(crate) columns: &'a [String],
}

impl Candidate<'_> {
    /// Whether the file has a column named one of `names`.
    pub(crate) fn has(&self, names: &[&str]) -> bool {
        self.columns.iter().any(|c| names.contains(&c.as_str()))
    }
}

/// Tells what a file holds: asks every source in turn by content, by name, then by columns.
pub(crate) fn recognise(file: &Candidate<'_>) -> SourceKind {
    if let Some(kind) = SOURCES.iter().find_map(|s| s.by_content(file)) {
        return kind;
    }
    if let Some(kind) = SOURCES.iter().find_map(|s| s.by_name(file)) {
        return kind;
    }
    if file.format.is_none() {
        return SourceKind::Unknown;
    }
    SOURCES
        .iter()
        .find_map(|s| s.by_columns(file))
        .or_else(|| logs::exported_rows(file))
        .unwrap_or(SourceKind::Unknown)
}

/// One file of an incident folder.
#[derive(Clone, Debug)]
pub(crate) struct FileEntry {
    /// Path relative to the folder, with `/` separators.
    pub(crate) rel: String,
    pub(crate) path: PathBuf,
    pub(crate) kind: SourceKind,
    pub(crate) format: Option<Format>,
    pub(crate) size: u64,
    /// Why the file cannot be read, when it cannot (it is then of kind `Unknown`).
    pub(crate) unreadable: Option<String>,
}

impl FileEntry {
    /// The table format of a file that must be a table.
    pub(crate) fn table_format(&self) -> Result<Format, Error> {
        self.format.ok_or_else(|| Error::BadHeader {
            path: self.path.clone(),
            reason: format!(
                "a {} table must be CSV, NDJSON or Parquet (optionally .gz or .zst); rename it or set its kind in incident.toml",
                self.kind.as_str()
            ),
        })
    }
}

/// Everything the sources share while a folder is read, and what each keeps until every file
/// is read.
pub(crate) struct Reading<'r> {
    pub(crate) files: &'r [FileEntry],
    pub(crate) config: &'r IncidentConfig,
    pub(crate) progress: &'r dyn Progress,
    /// The account of each file, by index.
    pub(crate) accounts: Vec<FileAccount>,
    pub(crate) resolver: NodeResolver,
    pub(crate) tally: Tally<'r>,
    pub(crate) events: Vec<Event>,
    /// Counters: the rows of both ends of every edge, paired once all are read.
    pub(crate) pairs: counters::PairStore,
    /// Counters: (store file, account) of each counters file.
    pub(crate) counter_files: Vec<(usize, usize)>,
    /// Probes: what the probe rows read so far said, to tell repeated exports apart.
    pub(crate) seen_probes: probes::SeenProbes,
    /// Logs: the profiles, which profile reads each file, and the recognised lines.
    pub(crate) profiles: Vec<Profile>,
    pub(crate) log_plan: LogPlan,
    pub(crate) logs: Vec<LogFile>,
    /// Metrics: the samples of each metric file.
    pub(crate) metrics: Vec<MetricFile>,
    /// What the metrics say of the cluster's operation, once interpreted.
    pub(crate) invariants: Invariants,
    /// The detector's settings the configuration files set (read before the logs).
    pub(crate) configured: settings::Configured,
    /// The detector settings the first log that gives them gave.
    pub(crate) detector: Option<DetectorSettings>,
    /// Each system's detector settings, as its logs or configuration gave them (or its
    /// defaults), [`Reading::detector`]'s system first.
    pub(crate) detectors: Vec<DetectorSettings>,
    /// What reading each file's times assumed, by its path in the folder.
    pub(crate) assumed: BTreeMap<String, Vec<String>>,
}

impl<'r> Reading<'r> {
    /// What `incident.toml` says about file `i`.
    pub(crate) fn spec(&self, i: usize) -> Option<&'r SourceSpec> {
        self.config.source(&self.files[i].rel)
    }

    /// Table file `i` as reading starts on it (progress is told): the file and its format.
    pub(crate) fn table(&self, i: usize) -> Result<(&'r FileEntry, Format), Error> {
        let f = &self.files[i];
        self.progress.file(&f.rel);
        Ok((f, f.table_format()?))
    }

    /// The column names `incident.toml` maps for file `i`.
    pub(crate) fn columns_of(&self, i: usize) -> &'r BTreeMap<String, String> {
        static NONE: BTreeMap<String, String> = BTreeMap::new();
        self.spec(i).map_or(&NONE, |s| &s.columns)
    }

    /// The node a per-node file (a log, a metrics export) belongs to: as `incident.toml` names
    /// it, else the file name up to its first dot.
    pub(crate) fn node_of(&self, i: usize) -> String {
        self.spec(i)
            .and_then(|s| s.node.clone())
            .unwrap_or_else(|| crate::logs::node_of_file(&self.files[i].rel))
    }
}

/// The channel of a table row: the one the settings fix for the whole file, else the row's
/// `channel` cell, else the table's default. `Err` is the reason a cell names no channel.
pub(crate) fn row_channel(
    fixed: Option<Channel>,
    cell: Option<&str>,
    default: Channel,
) -> Result<Channel, String> {
    match (fixed, cell) {
        (Some(c), _) => Ok(c),
        (None, Some(v)) => v.parse::<Channel>(),
        (None, None) => Ok(default),
    }
}

/// Whether reading a table found it empty: such a file (cut off before its header was written)
/// is noted in its account instead of stopping the read.
pub(crate) fn empty_table(read: Result<(), Error>) -> Result<bool, Error> {
    match read {
        Ok(()) => Ok(false),
        Err(Error::EmptyTable { .. }) => Ok(true),
        Err(e) => Err(e),
    }
}

/// Notes in `acc` that its file was found empty.
pub(crate) fn note_empty(acc: &mut FileAccount, empty: bool) {
    if empty {
        acc.notes
            .push("not read: the file is empty (not even a header line)".to_owned());
    }
}
