//! Errors of the ingest stage.

use std::path::PathBuf;

/// What can stop an export from being read at all. Bad rows never produce an error: they are
/// counted as skipped in [`crate::Accounting`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The export folder does not exist or is not a folder.
    #[error("incident export '{}' not found: pass the folder that holds the exported files", path.display())]
    MissingFolder {
        /// The path given.
        path: PathBuf,
    },
    /// The export folder holds no file rift can read.
    #[error("incident export '{}' holds no files: expected counters, probe or members tables (see `rift ingest --help`)", path.display())]
    EmptyFolder {
        /// The folder.
        path: PathBuf,
    },
    /// A file could not be opened or read.
    #[error("cannot read '{}': {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A table's header (or first record) is unusable: nothing in the file can be read.
    #[error("{}: {reason}", path.display())]
    BadHeader {
        /// The file.
        path: PathBuf,
        /// What is wrong and what to do.
        reason: String,
    },
    /// A table file holds nothing, not even a header (cut off before anything was written).
    /// The export goes on without it; the file's account says so.
    #[error("{}: the file is empty: expected a header line naming the columns", path.display())]
    EmptyTable {
        /// The file.
        path: PathBuf,
    },
    /// `incident.toml` is malformed.
    #[error("{}:{line}:{column}: {reason}", path.display())]
    BadConfig {
        /// The file.
        path: PathBuf,
        /// 1-based line of the problem (0 when unknown).
        line: usize,
        /// 1-based column of the problem (0 when unknown).
        column: usize,
        /// What is wrong and what to do.
        reason: String,
    },
    /// A Parquet file could not be decoded.
    #[error("cannot read Parquet file '{}': {source}", path.display())]
    Parquet {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: polars::error::PolarsError,
    },
    /// The export names more distinct nodes than the limit: a column that is not a node name
    /// read as one, or an export wider than rift reads by default. Reading stops there, so
    /// memory stays bounded.
    #[error(
        "{at}: more than {limit} distinct node names (the next is '{name}'): check that the file's node columns name nodes, or raise the limit with --max-nodes"
    )]
    TooManyNodes {
        /// `file:line` of the first row beyond the limit.
        at: String,
        /// The node name beyond the limit (at most 80 characters of it).
        name: String,
        /// The limit.
        limit: usize,
    },
    /// The metric files hold more samples of the series rift reads than it keeps
    /// (5,000,000): reading stops there, so memory stays
    /// bounded.
    #[error(
        "{at}: the metric files hold more than {} samples of the series rift reads: export a longer step, a shorter time range or fewer series, or per-peer counters, which rift reads at any size",
        crate::input::thousands(*limit as u64)
    )]
    TooManySamples {
        /// `file:line` of the first sample beyond the limit.
        at: String,
        /// The limit.
        limit: usize,
    },
    /// A file's decoder found it corrupt (a Parquet file cut short or damaged).
    #[error("cannot read '{}': the file is corrupt ({reason}); export it again, or move it out of the export folder", path.display())]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What the decoder said.
        reason: String,
    },
    /// A counters row lies far outside its direction's time span, or the counters outgrow the
    /// pairing store: reading stops there, so that memory stays bounded.
    #[error("{at}: {reason}")]
    CountersTooWide {
        /// `file:line` of the row.
        at: String,
        /// What is wrong and what to do.
        reason: String,
    },
    /// A log profile is malformed, or a profile named in settings does not exist.
    #[error("{0}")]
    BadProfile(String),
    /// A flag that says how to read the logs' times (`--date`, `--timezone`) is malformed.
    #[error("{0}")]
    BadFlag(String),
    /// The sink that receives observation batches failed; its error is the source.
    #[error("{0}")]
    Sink(#[source] SinkError),
}

/// What the callback of [`crate::IncidentFolder::stream`] returns when it cannot take a batch:
/// its own error, kept whole so that the caller can tell what failed (`downcast_ref`).
pub type SinkError = Box<dyn std::error::Error + Send + Sync>;

/// Whose doing an error is: what `rift` answers with its exit code, and what a caller of the
/// libraries can tell a user. Every library error says which with a `blame` method.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Blame {
    /// The command line asks for something that cannot be (a flag value, a variant, a path
    /// that does not exist).
    CommandLine,
    /// The input the user handed over cannot be read as what it claims to be (a file, a
    /// folder, settings, a scenario, a corpus entry).
    Input,
    /// Something around rift failed: writing the output, a cache folder, the disk.
    Environment,
    /// rift itself went wrong: one of its stages handed the next something it should not have.
    Bug,
}

impl Error {
    /// Whose doing the error is: everything but a failing batch sink is the input's (the sink's
    /// own error, its source, says whose that is).
    pub fn blame(&self) -> Blame {
        match self {
            Error::Sink(_) => Blame::Environment,
            _ => Blame::Input,
        }
    }

    pub(crate) fn io(path: &std::path::Path, source: std::io::Error) -> Self {
        Error::Io {
            path: path.to_owned(),
            source,
        }
    }
}
