//! Writing a report so that a reader never finds a half-written one under the final name: each
//! file is written to a temporary file in the same folder and renamed into place (through a
//! symbolic link; a device is written into instead, see `rift_ingest::output`).

use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::format::Rendered;

/// Writes `rendered` to `path` and its files beside it; returns every path written, the
/// document first.
pub fn write(rendered: &Rendered, path: &Path) -> Result<Vec<PathBuf>, Error> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    let mut written = Vec::new();
    // Figures first: a document that exists links only to files that exist.
    for (rel, content) in &rendered.files {
        let p = dir.join(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::Write {
                path: parent.to_owned(),
                reason: e,
            })?;
        }
        atomic(&p, content.as_bytes())?;
        written.push(p);
    }
    atomic(path, rendered.document.as_bytes())?;
    written.insert(0, path.to_owned());
    Ok(written)
}

/// Writes `bytes` to `path` the way every `-o` is written (`rift_ingest::output`): renamed into
/// place when complete, through a symbolic link, into a device rather than over it.
pub fn atomic(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    rift_ingest::output::write(path, ".rift-report-", bytes).map_err(|reason| Error::Write {
        path: path.to_owned(),
        reason,
    })
}
