//! One file per subcommand.

pub(crate) mod classify;
pub(crate) mod graph;
pub(crate) mod ingest;

/// A flag value that clap accepted but that makes no sense (e.g. `--at` outside the incident).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub(crate) struct UsageError(pub(crate) String);
