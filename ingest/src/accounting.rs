//! Accounting: every input row is used or counted as skipped with a reason.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use crate::config::SourceKind;

/// Why a row was not used.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum SkipReason {
    /// The row does not parse as a record of its table (wrong field count, bad quoting, bad JSON).
    Malformed,
    /// A required field is empty or missing.
    MissingField(String),
    /// The timestamp does not parse.
    BadTimestamp,
    /// A count is negative.
    NegativeCount,
    /// A count is not a number (including NaN and infinities).
    NotANumber,
    /// The status/result value is not one rift knows how to read.
    UnknownStatus,
    /// A node refers to itself (src = dst).
    SelfLoop,
    /// The first sample of a cumulative counter: it sets the baseline but measures nothing.
    CounterBaseline,
    /// A sender's or receiver's counter with no counterpart from the other end and no ack count:
    /// no delivery rate can be computed from one end alone.
    Unpaired,
    /// The line is blank.
    Blank,
    /// The file's kind has no reader in this version of rift (logs, metric tables).
    NoReader,
    /// `incident.toml` says to ignore the file.
    Ignored,
    /// A log line that fits its profile's layout but that no rule reads: it says nothing about
    /// the network (most lines of a log).
    NotRecognised,
    /// The line is not valid UTF-8.
    InvalidUtf8,
    /// The line is longer than rift holds (1 MiB);
    /// it was read past, not held.
    TooLong,
    /// The timestamp parses but lies outside the window rift accepts
    /// ([`TS_MIN_NS`](crate::time::TS_MIN_NS) to [`TS_MAX_NS`](crate::time::TS_MAX_NS)).
    OutsideWindow,
    /// The row repeats an earlier row of the same file exactly.
    Repeated,
    /// No log profile fits the file.
    NoProfile,
    /// The file's lines fit a log profile, but their times cannot be read.
    UnreadableTimes,
    /// The line is about a node that had announced its shutdown (or had not started yet):
    /// silence from a stopped process is not a network fault.
    NodeStopped,
    /// A comment or metadata line (Prometheus `# HELP` / `# TYPE`).
    Comment,
    /// A connection that ended because one of its ends was told to change whom it connects to
    /// (a failover, an operator's command), not because of the network.
    Reconfigured,
    /// A log line that continues the record above it (a wrapped message, a record printed over
    /// several lines): it was read with that record, at the record's first line.
    Continuation,
    /// A metric series rift does not turn into evidence, with the reason.
    NotUsed(String),
    /// The row repeats what an earlier file already gave (the same file twice, or two exports
    /// that overlap in time).
    Duplicate,
    /// The row names a node beyond the export's node limit (`--max-nodes`); reading then stops
    /// with an error.
    OverNodeLimit,
    /// The row's time lies too far from the rest of its direction's counts, or the counters
    /// outgrow the store; reading then stops with an error.
    OverLimit,
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SkipReason::Malformed => f.write_str("malformed row"),
            SkipReason::MissingField(c) => write!(f, "missing {c}"),
            SkipReason::BadTimestamp => f.write_str("unparseable timestamp"),
            SkipReason::NegativeCount => f.write_str("negative count"),
            SkipReason::NotANumber => f.write_str("count is not a number"),
            SkipReason::UnknownStatus => f.write_str("unrecognised status/result value"),
            SkipReason::SelfLoop => f.write_str("source and target are the same node"),
            SkipReason::CounterBaseline => f.write_str("baseline of a cumulative counter"),
            SkipReason::Unpaired => f.write_str("no counterpart from the other end"),
            SkipReason::Blank => f.write_str("blank line"),
            SkipReason::NoReader => f.write_str("no reader for this file type in this version"),
            SkipReason::Ignored => f.write_str("ignored by incident.toml"),
            SkipReason::OverLimit => f.write_str("beyond the span or size rift holds"),
            SkipReason::Duplicate => f.write_str("already given by another file"),
            SkipReason::OverNodeLimit => f.write_str("names a node beyond --max-nodes"),
            SkipReason::NotRecognised => f.write_str("not recognised (no profile rule reads it)"),
            SkipReason::InvalidUtf8 => f.write_str("not valid UTF-8"),
            SkipReason::TooLong => write!(
                f,
                "line longer than {} bytes",
                crate::input::thousands(crate::input::MAX_LINE_BYTES as u64)
            ),
            SkipReason::OutsideWindow => write!(
                f,
                "timestamp outside {} – {}",
                &crate::time::format_ts(crate::time::TS_MIN_NS)[..10],
                &crate::time::format_ts(crate::time::TS_MAX_NS)[..10]
            ),
            SkipReason::Repeated => f.write_str("repeats an earlier line of the same file"),
            SkipReason::NoProfile => f.write_str("no log profile fits this file"),
            SkipReason::UnreadableTimes => {
                f.write_str("its lines fit a log profile but their times cannot be read")
            }
            SkipReason::NodeStopped => {
                f.write_str("about a node that had shut down or not yet started")
            }
            SkipReason::Comment => f.write_str("comment or metadata line"),
            SkipReason::Reconfigured => {
                f.write_str("a connection ended by a reconfiguration, not the network")
            }
            SkipReason::Continuation => f.write_str("continues the record above it (read with it)"),
            SkipReason::NotUsed(why) => write!(f, "not used: {why}"),
        }
    }
}

impl From<crate::time::TsError> for SkipReason {
    fn from(e: crate::time::TsError) -> Self {
        match e {
            crate::time::TsError::Unparseable => SkipReason::BadTimestamp,
            crate::time::TsError::OutsideWindow => SkipReason::OutsideWindow,
        }
    }
}

/// Where one skipped row was, to show the user an example.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SkipExample {
    /// 1-based line (or Parquet row).
    pub line: u64,
    /// More detail than the reason, e.g. the offending value.
    pub detail: String,
}

/// The accounting of one input file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FileAccount {
    /// Path relative to the export folder.
    pub path: String,
    /// What rift read the file as.
    pub kind: SourceKind,
    /// Data rows (or lines) read, excluding a header.
    pub rows_read: u64,
    /// Rows that became observations, events or node aliases.
    pub rows_used: u64,
    /// Rows skipped, by reason. `rows_read == rows_used + sum(skipped)`.
    pub skipped: BTreeMap<String, u64>,
    /// The first skipped row of each reason.
    pub examples: BTreeMap<String, SkipExample>,
    /// Columns present in the file that rift does not use.
    pub ignored_columns: Vec<String>,
    /// Other things worth knowing (counter resets, rows sorted, …).
    pub notes: Vec<String>,
}

impl FileAccount {
    pub(crate) fn new(path: String, kind: SourceKind) -> Self {
        FileAccount {
            path,
            kind,
            rows_read: 0,
            rows_used: 0,
            skipped: BTreeMap::new(),
            examples: BTreeMap::new(),
            ignored_columns: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// Counts one skipped row.
    pub(crate) fn skip(&mut self, reason: SkipReason, line: u64, detail: impl FnOnce() -> String) {
        self.skip_n(reason, 1, line, detail);
    }

    pub(crate) fn skip_n(
        &mut self,
        reason: SkipReason,
        n: u64,
        line: u64,
        detail: impl FnOnce() -> String,
    ) {
        if n == 0 {
            return;
        }
        let key = reason.to_string();
        *self.skipped.entry(key.clone()).or_insert(0) += n;
        // The example is the earliest line, also when counts are added out of order.
        match self.examples.get_mut(&key) {
            Some(e) if e.line <= line => {}
            Some(e) => {
                *e = SkipExample {
                    line,
                    detail: detail(),
                }
            }
            None => {
                self.examples.insert(
                    key,
                    SkipExample {
                        line,
                        detail: detail(),
                    },
                );
            }
        }
    }

    /// Takes back one row counted as skipped for `reason`: a later look at the file used it.
    /// The example stays unless it was that row and none is left.
    pub(crate) fn unskip(&mut self, reason: SkipReason) {
        let key = reason.to_string();
        if let Some(n) = self.skipped.get_mut(&key) {
            *n -= 1;
            if *n == 0 {
                self.skipped.remove(&key);
                self.examples.remove(&key);
            }
        }
    }

    /// Rows skipped for any reason.
    pub fn rows_skipped(&self) -> u64 {
        self.skipped.values().sum()
    }
}

/// The accounting of a whole export.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Accounting {
    /// One entry per file, in path order.
    pub files: Vec<FileAccount>,
}

impl Accounting {
    /// Rows read over all files.
    pub fn rows_read(&self) -> u64 {
        self.files.iter().map(|f| f.rows_read).sum()
    }

    /// Rows used over all files.
    pub fn rows_used(&self) -> u64 {
        self.files.iter().map(|f| f.rows_used).sum()
    }

    /// Rows skipped over all files.
    pub fn rows_skipped(&self) -> u64 {
        self.files.iter().map(FileAccount::rows_skipped).sum()
    }

    /// Skipped rows over all files, by reason.
    pub fn skipped_by_reason(&self) -> BTreeMap<String, u64> {
        let mut out = BTreeMap::new();
        for f in &self.files {
            for (r, n) in &f.skipped {
                *out.entry(r.clone()).or_insert(0) += n;
            }
        }
        out
    }
}
