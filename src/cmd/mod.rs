//! One file per subcommand.

pub(crate) mod classify;
pub(crate) mod corpus;
pub(crate) mod export;
pub(crate) mod graph;
pub(crate) mod ingest;
pub(crate) mod profiles;
pub(crate) mod replay;
pub(crate) mod report;
pub(crate) mod synth;

/// A flag value that clap accepted but that makes no sense (e.g. `--at` outside the incident).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub(crate) struct UsageError(pub(crate) String);

/// The export was read but holds nothing to build a timeline from.
#[derive(Debug, thiserror::Error)]
#[error(
    "'{0}' holds no reachability evidence: no counter, metric, log, health, probe or client row gave any; \
     run `rift ingest {0}` to see what each file gave"
)]
pub(crate) struct NoEvidence(pub(crate) String);
