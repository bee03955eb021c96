use std::path::PathBuf;

/// Why a lab command could not do its work. Every message says what to do next.
#[derive(Debug, thiserror::Error)]
pub enum LabError {
    /// The lab needs root to make namespaces and firewall rules.
    #[error("rift lab needs root to make network namespaces and iptables rules: run it with sudo")]
    NotRoot,
    /// Programs the system or the lab needs are missing.
    #[error(
        "{system} cannot run in the lab: {missing} not found; install with: apt-get install -y {packages}"
    )]
    Missing {
        /// The system.
        system: String,
        /// The missing programs, comma-separated.
        missing: String,
        /// The Debian packages that hold them.
        packages: String,
    },
    /// No such system, or it has no lab section.
    #[error("no system '{name}' in the lab; the lab runs: {known}")]
    UnknownSystem {
        /// What was asked for.
        name: String,
        /// What exists.
        known: String,
    },
    /// No such built-in scenario and no such file.
    #[error("no scenario '{name}': name a built-in one ({known}) or a scenario file")]
    UnknownScenario {
        /// What was asked for.
        name: String,
        /// The built-in ones.
        known: String,
    },
    /// The scenario cannot be recorded as given.
    #[error("scenario {origin}: {reason}")]
    Scenario {
        /// Its name or file.
        origin: String,
        /// What is wrong.
        reason: String,
    },
    /// A previous run left namespaces behind.
    #[error(
        "network namespaces of an earlier lab run are still there ({names}): run `rift lab clean` first"
    )]
    Leftovers {
        /// Their names.
        names: String,
    },
    /// The output folder already holds a recording.
    #[error("{} already holds a recording: choose another --out or remove it", .0.display())]
    OutExists(PathBuf),
    /// A command the lab runs failed.
    #[error("`{command}` failed: {detail}")]
    Command {
        /// The command line.
        command: String,
        /// Its exit status and what it printed.
        detail: String,
    },
    /// A `--variant` or `--set` the system cannot run with.
    #[error("{flag} '{given}' cannot run on {system}: {reason}")]
    Setting {
        /// `--variant` or `--set`.
        flag: &'static str,
        /// What was given.
        given: String,
        /// The system.
        system: String,
        /// Why, and what it can run with.
        reason: String,
    },
    /// The cluster did not do what the run needs (elect a leader, move leadership, …).
    #[error("{0}")]
    Cluster(String),
    /// Ctrl-C or SIGTERM: the run stopped what it had started.
    #[error("interrupted: everything the run started was stopped and its namespaces removed")]
    Interrupted,
    /// Reading or writing a file.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What failed.
        source: std::io::Error,
    },
}

impl LabError {
    pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> LabError {
        let path = path.into();
        move |source| LabError::Io { path, source }
    }
}

impl LabError {
    /// Whose doing the error is: the command line's (an unknown system or scenario, an output
    /// folder in use), the input's (a scenario file that cannot be recorded), or the machine's.
    pub fn blame(&self) -> rift_ingest::Blame {
        use rift_ingest::Blame;
        match self {
            LabError::UnknownSystem { .. }
            | LabError::UnknownScenario { .. }
            | LabError::OutExists(_)
            | LabError::Setting { .. } => Blame::CommandLine,
            LabError::Scenario { .. } => Blame::Input,
            _ => Blame::Environment,
        }
    }
}
