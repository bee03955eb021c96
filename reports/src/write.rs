//! Writing a report so that a reader never finds a half-written one under the final name: each
//! file is written to a temporary file in the same folder and renamed into place.

use std::io::Write;
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
                reason: plain(e),
            })?;
        }
        atomic(&p, content.as_bytes())?;
        written.push(p);
    }
    atomic(path, rendered.document.as_bytes())?;
    written.insert(0, path.to_owned());
    Ok(written)
}

/// Writes `bytes` to a temporary file beside `path`, then renames it to `path`.
pub fn atomic(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let err = |e| Error::Write {
        path: path.to_owned(),
        reason: plain(e),
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".rift-report-");
    // A report is for reading: the usual permissions of a new file (less the umask), not the
    // owner-only ones of a temporary file.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644));
    let mut tmp = builder.tempfile_in(dir).map_err(err)?;
    tmp.write_all(bytes).map_err(err)?;
    tmp.as_file().sync_all().map_err(err)?;
    tmp.persist(path).map_err(|e| err(e.error))?;
    Ok(())
}

/// The operating system's reason alone, without the temporary file's random name that the
/// `tempfile` errors append (" at path …").
fn plain(e: std::io::Error) -> std::io::Error {
    let text = e.to_string();
    let reason = text.split(" at path ").next().unwrap_or(&text).to_owned();
    std::io::Error::new(e.kind(), reason)
}
