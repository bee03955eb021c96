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
    /// malformed `incident.toml`, a postmortem text that is too large or not text.
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
                || e.downcast_ref::<rift_reach::Error>().is_some_and(|e| {
                    matches!(
                        e,
                        rift_reach::Error::SpanTooLong(_) | rift_reach::Error::TooManyCells { .. }
                    )
                })
                || e.downcast_ref::<crate::cmd::corpus::BadCorpus>().is_some()
                || e.downcast_ref::<crate::cmd::UnreadableInput>().is_some()
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

/// The message printed for an error: its chain joined with ": ", leaving out a cause whose text
/// the message before it already ends with (an error that names its cause in its own message).
pub(crate) fn message(err: &anyhow::Error) -> String {
    let mut out = String::new();
    for e in err.chain() {
        let text = e.to_string();
        if out.ends_with(&text) {
            continue;
        }
        if !out.is_empty() {
            out.push_str(": ");
        }
        out.push_str(&text);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cause_already_named_in_its_parent_is_printed_once() {
        let io = std::io::Error::new(std::io::ErrorKind::InvalidData, "not valid UTF-8");
        let err = anyhow::Error::new(rift_ingest::Error::Io {
            path: "x/garbage.csv".into(),
            source: io,
        })
        .context("reading 'x'");
        assert_eq!(
            message(&err),
            "reading 'x': cannot read 'x/garbage.csv': not valid UTF-8"
        );
    }
}
