//! One file per subcommand.

pub(crate) mod classify;
pub(crate) mod completions;
pub(crate) mod corpus;
pub(crate) mod events;
pub(crate) mod export;
pub(crate) mod graph;
pub(crate) mod ingest;
pub(crate) mod lab;
pub(crate) mod lab_compare;
pub(crate) mod man;
pub(crate) mod profiles;
pub(crate) mod replay;
pub(crate) mod report;
pub(crate) mod synth;

/// Parses a count given on the command line, accepting only `LO..=HI`: every numeric flag has a
/// range, so that no value asks for more memory or time than the machine has (a `--limit` of
/// 2^64 would size a result list before a single hit is found).
pub(crate) fn count<const LO: usize, const HI: usize>(s: &str) -> Result<usize, String> {
    let out_of_range = || format!("expected a whole number from {LO} to {HI}");
    let n: u128 = s.trim().parse().map_err(|_| out_of_range())?;
    usize::try_from(n)
        .ok()
        .filter(|n| (LO..=HI).contains(n))
        .ok_or_else(out_of_range)
}

/// The most hits a corpus search or a similar-incidents list shows: more than the corpus holds
/// for years to come, and small enough to rank in memory at once.
pub(crate) const MAX_HITS: usize = 10_000;

/// A file named on the command line (a postmortem text, a profile) that cannot be read as one.
#[derive(Debug, thiserror::Error)]
#[error("cannot read {path}: {reason}")]
pub(crate) struct UnreadableInput {
    /// The file, quoted, or `standard input`.
    pub(crate) path: String,
    /// Why, and what to do.
    pub(crate) reason: String,
}

/// A flag value that clap accepted but that makes no sense (e.g. `--at` outside the incident).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub(crate) struct UsageError(pub(crate) String);
