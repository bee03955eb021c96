//! The corpus entries a command reads (`--entries`, else the shipped corpus): a corpus that
//! fails to load is shown as a diagnostic, pointing into the entry that breaks a rule.

use std::path::PathBuf;

use miette::{GraphicalReportHandler, GraphicalTheme};
use rift_corpus::{Corpus, CorpusError};

/// The corpus failed to load; the diagnostic has already been printed.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub(crate) struct BadCorpus(pub(crate) CorpusError);

/// Loads the corpus in `entries` (default: the shipped one), printing a diagnostic on failure.
pub(crate) fn load(entries: Option<PathBuf>) -> anyhow::Result<Corpus> {
    let dir = entries.unwrap_or_else(rift_corpus::default_dir);
    Corpus::load(&dir).map_err(|e| {
        let mut shown = String::new();
        if GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
            .render_report(&mut shown, &e)
            .is_ok()
        {
            eprint!("{}", crate::inert::text(&shown));
        }
        BadCorpus(e).into()
    })
}
