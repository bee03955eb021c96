//! Errors of the ingest stage.

use std::path::PathBuf;

/// What can stop an export from being read at all. Bad rows never produce an error: they are
/// counted as skipped in [`crate::Accounting`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The export folder does not exist or is not a folder.
    #[error("incident export '{}' not found: pass the folder that holds the exported files", path.display())]
    MissingExport {
        /// The path given.
        path: PathBuf,
    },
    /// The export folder holds no file rift can read.
    #[error("incident export '{}' holds no files: expected counters, probe or members tables (see `rift ingest --help`)", path.display())]
    EmptyExport {
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
    /// A log profile is malformed, or a profile named in settings does not exist.
    #[error("{0}")]
    BadProfile(String),
    /// The sink that receives observation batches failed.
    #[error("{0}")]
    Sink(String),
}

impl Error {
    pub(crate) fn io(path: &std::path::Path, source: std::io::Error) -> Self {
        Error::Io {
            path: path.to_owned(),
            source,
        }
    }
}
