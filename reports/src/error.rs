//! Errors of report rendering and writing.

use std::path::PathBuf;

/// What can go wrong making a report.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A template failed to parse or render (a bug in the shipped templates).
    #[error("report template {0}: {1:#}")]
    Template(&'static str, #[source] minijinja::Error),
    /// A file could not be written.
    #[error("cannot write '{}': {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}
