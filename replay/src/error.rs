//! Errors of the replay crate.

use std::path::PathBuf;

/// What can go wrong loading or running a scenario.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A scenario file that does not parse or does not make sense.
    #[error("{origin}{}: {message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
    Scenario {
        /// The file or source it came from.
        origin: String,
        /// The line, when known.
        line: Option<usize>,
        /// What is wrong and what to do.
        message: String,
    },
    /// A file that could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// An unknown counterfactual variant.
    #[error("variant '{name}': {hint}")]
    Variant {
        /// The name given.
        name: String,
        /// What is known.
        hint: String,
    },
    /// An incident whose timeline has nothing to replay.
    #[error("{0}")]
    Incident(String),
    /// An export option that is malformed or names something the scenario does not have.
    #[error("{flag} {value}: {reason}")]
    ExportOption {
        /// The flag, as typed (`--addr`, `--ports`, …).
        flag: &'static str,
        /// The value given.
        value: String,
        /// What is wrong and what to write instead.
        reason: String,
    },
    /// A phase that the export target cannot express faithfully.
    #[error("cannot export {phase} to {target}: {reason}")]
    Unexportable {
        /// The target (`iptables`, `chaos-mesh`, `jepsen`).
        target: &'static str,
        /// The phase, as `phase N ("name")`.
        phase: String,
        /// Why, and what to do instead.
        reason: String,
    },
    /// A variant whose run would ask for more work than the limits allow; nothing was run.
    #[error("variant '{variant}': {excess}")]
    TooMuchWork {
        /// The variant, as given.
        variant: String,
        /// What it asks for, and the limit.
        excess: crate::work::Excess,
    },
    /// The simulation did not finish within its step budget.
    #[error(
        "the simulation stopped after {steps} steps at simulated time {at}: the step budget is exhausted"
    )]
    Budget {
        /// Steps taken.
        steps: u64,
        /// Simulated time reached.
        at: crate::time::SimTime,
    },
}

impl Error {
    /// Whose doing the error is: a scenario, a file or an incident that cannot be replayed is
    /// the input's; a variant, an export option or a target that cannot take the scenario, and
    /// a run asking for more than the limits, the command line's; a simulation that outruns its
    /// step budget (counted before it starts) rift's own.
    pub fn blame(&self) -> rift_ingest::Blame {
        use rift_ingest::Blame;
        match self {
            Error::Scenario { .. } | Error::Io { .. } | Error::Incident(_) => Blame::Input,
            Error::Variant { .. }
            | Error::ExportOption { .. }
            | Error::Unexportable { .. }
            | Error::TooMuchWork { .. } => Blame::CommandLine,
            Error::Budget { .. } => Blame::Bug,
        }
    }
}
