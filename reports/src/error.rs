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

impl Error {
    /// Whose doing the error is: a template is rift's own, a file that cannot be written the
    /// environment's.
    pub fn blame(&self) -> rift_ingest::Blame {
        match self {
            Error::Template(..) => rift_ingest::Blame::Bug,
            Error::Write { .. } => rift_ingest::Blame::Environment,
        }
    }
}
