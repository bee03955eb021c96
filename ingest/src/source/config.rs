//! `incident.toml`: read when the folder is opened (`crate::config`), nothing to read here.

use crate::config::SourceKind;
use crate::error::Error;
use crate::source::{Candidate, Reading, Source};

/// The folder's own settings file.
pub(crate) struct Config;

impl Source for Config {
    fn kinds(&self) -> &'static [SourceKind] {
        &[SourceKind::Config]
    }

    fn by_name(&self, file: &Candidate<'_>) -> Option<SourceKind> {
        (file.name == "incident.toml").then_some(SourceKind::Config)
    }

    fn read(&self, _files: &[usize], _reading: &mut Reading<'_>) -> Result<(), Error> {
        Ok(())
    }
}
