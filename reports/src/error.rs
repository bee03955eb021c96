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
    #[error(
        "cannot write '{}': {reason}; give -o a file in a folder that exists and that you may write to",
        path.display()
    )]
    Write {
        /// The file.
        path: PathBuf,
        /// Why, as the operating system said it.
        reason: std::io::Error,
    },
}
