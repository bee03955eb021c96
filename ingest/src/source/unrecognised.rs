//! Files rift does not read: not recognised, skipped on request (`kind = "ignore"`), or not
//! readable at all. Their lines are counted as skipped with the reason, so that nothing is left
//! out silently.

use crate::accounting::SkipReason;
use crate::config::SourceKind;
use crate::error::Error;
use crate::input;
use crate::source::{Reading, Source};

/// Files that are counted, not read.
pub(crate) struct Unrecognised;

impl Source for Unrecognised {
    fn kinds(&self) -> &'static [SourceKind] {
        &[SourceKind::Unknown, SourceKind::Ignore]
    }

    fn read(&self, files: &[usize], reading: &mut Reading<'_>) -> Result<(), Error> {
        for &i in files {
            let f = &reading.files[i];
            if let Some(why) = &f.unreadable {
                reading.accounts[i].notes.push(format!("not read: {why}"));
                continue;
            }
            reading.progress.file(&f.rel);
            let lines = input::count_lines(&f.path, reading.progress)?;
            let acc = &mut reading.accounts[i];
            acc.rows_read = lines;
            let (reason, hint) = if f.kind == SourceKind::Ignore {
                (SkipReason::Ignored, "kind = \"ignore\" in incident.toml")
            } else {
                (
                    SkipReason::NoReader,
                    "not recognised; name its kind in incident.toml ([[source]] path = …, kind = …)",
                )
            };
            acc.skip_n(reason, lines, 1, || hint.to_owned());
        }
        Ok(())
    }
}
