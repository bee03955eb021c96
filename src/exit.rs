//! Exit codes of the `rift` binary, defined once.

use rift_ingest::Blame;

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
    /// The exit code for an error chain, from whose doing each error in it says it is: the
    /// input's anywhere in the chain wins, then the command line's; the rest (the environment,
    /// a bug, an error that says nothing) is a failure.
    pub(crate) fn of(err: &anyhow::Error) -> Self {
        let blames: Vec<Blame> = err.chain().filter_map(blame).collect();
        if blames.contains(&Blame::Input) {
            ExitCode::BadInput
        } else if blames.contains(&Blame::CommandLine) {
            ExitCode::Usage
        } else {
            ExitCode::Failure
        }
    }
}

/// Whose doing one error of a chain is, when it is one of rift's.
fn blame(e: &(dyn std::error::Error + 'static)) -> Option<Blame> {
    if let Some(e) = e.downcast_ref::<rift_pipeline::Error>() {
        Some(e.blame())
    } else if let Some(e) = e.downcast_ref::<rift_ingest::Error>() {
        Some(e.blame())
    } else if let Some(e) = e.downcast_ref::<rift_reach::Error>() {
        Some(e.blame())
    } else if let Some(e) = e.downcast_ref::<rift_classify::detector::SettingsError>() {
        Some(e.blame())
    } else if let Some(e) = e.downcast_ref::<rift_replay::Error>() {
        Some(e.blame())
    } else if let Some(e) = e.downcast_ref::<rift_corpus::CorpusError>() {
        Some(e.blame())
    } else if let Some(e) = e.downcast_ref::<rift_reports::Error>() {
        Some(e.blame())
    } else if let Some(e) = e.downcast_ref::<rift_lab::LabError>() {
        Some(e.blame())
    } else if e.downcast_ref::<crate::cmd::UsageError>().is_some() {
        Some(Blame::CommandLine)
    } else if e.downcast_ref::<crate::cmd::UnreadableInput>().is_some()
        || e.downcast_ref::<crate::entries::BadCorpus>().is_some()
    {
        Some(Blame::Input)
    } else {
        None
    }
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
