//! Exit codes of the `rift` binary, defined once.

/// How `rift` ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ExitCode {
    /// The command did what was asked.
    Success = 0,
    /// Something failed that is not the input's fault (I/O on output, an internal error).
    Failure = 1,
    /// The command line is wrong (clap prints the usage).
    Usage = 2,
    /// The input cannot be read: a missing export folder, a file that is not what it claims, a
    /// malformed `incident.toml`.
    BadInput = 3,
}

impl ExitCode {
    /// The exit code for an error chain.
    pub(crate) fn of(err: &anyhow::Error) -> Self {
        if err.chain().any(|e| {
            e.downcast_ref::<rift_ingest::Error>()
                .is_some_and(is_input_error)
                || e.downcast_ref::<rift_classify::detector::SettingsError>()
                    .is_some()
                || e.downcast_ref::<crate::cmd::NoEvidence>().is_some()
                || e.downcast_ref::<crate::cmd::corpus::BadCorpus>().is_some()
                || e.downcast_ref::<rift_replay::Error>().is_some_and(|e| {
                    matches!(
                        e,
                        rift_replay::Error::Scenario { .. } | rift_replay::Error::Io { .. }
                    )
                })
        }) {
            ExitCode::BadInput
        } else if err
            .chain()
            .any(|e| e.downcast_ref::<crate::cmd::UsageError>().is_some())
        {
            ExitCode::Usage
        } else {
            ExitCode::Failure
        }
    }
}

fn is_input_error(e: &rift_ingest::Error) -> bool {
    !matches!(e, rift_ingest::Error::Sink(_))
}
