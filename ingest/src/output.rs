//! Writing a file named with `-o`, the same way for every command that writes one.
//!
//! - A **regular file** (or a name that does not exist yet) is written to a temporary file in the
//!   same folder and renamed into place once complete, so that an interrupted run never leaves a
//!   half-written file under the final name.
//! - A **symbolic link** is written through: the file it leads to is replaced the same way, and
//!   the link stays a link. A link that leads nowhere is refused, since where it would create a
//!   file is rarely what was meant.
//! - Anything else that exists — a device such as `/dev/null` or `/dev/stdout`, a FIFO, a
//!   terminal — is opened and written directly. Renaming over it would turn the device into a
//!   regular file (as root, for every program on the machine).
//! - A folder is refused.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// An output file being written; [`OutFile::finish`] makes it appear under its name.
pub struct OutFile {
    sink: Sink,
}

enum Sink {
    /// A temporary file beside the destination, renamed to it by `finish`.
    Staged {
        tmp: tempfile::NamedTempFile,
        dest: PathBuf,
    },
    /// A device, FIFO or terminal, written as it is.
    Direct(File),
}

impl OutFile {
    /// Opens `path` for writing as the module documentation says. `prefix` names the temporary
    /// file (`.rift-report-`), so a leftover of a killed run says what made it. The file is
    /// created with the usual permissions of a new file (0644 less the umask), not the
    /// owner-only ones of a temporary file.
    pub fn create(path: &Path, prefix: &str) -> io::Result<OutFile> {
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => Err(io::Error::new(
                io::ErrorKind::IsADirectory,
                "it is a folder; name a file in it",
            )),
            Ok(meta) if !meta.is_file() => {
                // A device, FIFO or socket: write into it, never replace it.
                let file = OpenOptions::new().write(true).open(path)?;
                Ok(OutFile {
                    sink: Sink::Direct(file),
                })
            }
            Ok(_) => {
                // A regular file, perhaps behind symbolic links: the file itself is replaced.
                let dest = if std::fs::symlink_metadata(path)?.file_type().is_symlink() {
                    std::fs::canonicalize(path)?
                } else {
                    path.to_owned()
                };
                Self::staged(dest, prefix)
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                if std::fs::symlink_metadata(path).is_ok() {
                    return Err(io::Error::new(
                        io::ErrorKind::NotFound,
                        "it is a symbolic link that leads nowhere; name the file to write, or remove the link",
                    ));
                }
                Self::staged(path.to_owned(), prefix)
            }
            Err(e) => Err(e),
        }
    }

    fn staged(dest: PathBuf, prefix: &str) -> io::Result<OutFile> {
        let dir = match dest.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let mut builder = tempfile::Builder::new();
        builder.prefix(prefix);
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644));
        let tmp = builder.tempfile_in(dir).map_err(plain)?;
        Ok(OutFile {
            sink: Sink::Staged { tmp, dest },
        })
    }

    /// The open file, for writers that need a [`File`] (the Parquet writer).
    pub fn file(&self) -> &File {
        match &self.sink {
            Sink::Staged { tmp, .. } => tmp.as_file(),
            Sink::Direct(f) => f,
        }
    }

    /// Whether the output is written in place (a device, FIFO or terminal) rather than renamed
    /// into place.
    pub fn is_direct(&self) -> bool {
        matches!(self.sink, Sink::Direct(_))
    }

    /// Completes the file: synced and renamed to its name (a staged file), or flushed (a device).
    pub fn finish(self) -> io::Result<()> {
        match self.sink {
            Sink::Staged { tmp, dest } => {
                tmp.as_file().sync_all().map_err(plain)?;
                tmp.persist(&dest).map_err(|e| plain(e.error))?;
                Ok(())
            }
            Sink::Direct(mut f) => f.flush(),
        }
    }
}

impl Write for OutFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.sink {
            Sink::Staged { tmp, .. } => tmp.write(buf),
            Sink::Direct(f) => f.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.sink {
            Sink::Staged { tmp, .. } => tmp.flush(),
            Sink::Direct(f) => f.flush(),
        }
    }
}

/// Writes `bytes` to `path` as [`OutFile`] does.
pub fn write(path: &Path, prefix: &str, bytes: &[u8]) -> io::Result<()> {
    let mut out = OutFile::create(path, prefix)?;
    out.write_all(bytes)?;
    out.finish()
}

/// The operating system's reason alone, without the temporary file's random name that the
/// `tempfile` errors append (" at path …").
fn plain(e: io::Error) -> io::Error {
    let text = e.to_string();
    let reason = text.split(" at path ").next().unwrap_or(&text).to_owned();
    io::Error::new(e.kind(), reason)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_or_regular_file_is_replaced_whole() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.txt");
        write(&p, ".t-", b"one").unwrap();
        write(&p, ".t-", b"two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        // Nothing but the file is left in the folder.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn a_link_is_written_through_and_stays_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.txt");
        std::fs::write(&real, "old").unwrap();
        let link = dir.path().join("link.txt");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write(&link, ".t-", b"new").unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read(&real).unwrap(), b"new");
        // A link that leads nowhere is refused with the reason.
        let dangling = dir.path().join("dangling");
        std::os::unix::fs::symlink(dir.path().join("missing/x"), &dangling).unwrap();
        let e = write(&dangling, ".t-", b"x").unwrap_err();
        assert!(e.to_string().contains("leads nowhere"), "{e}");
    }

    #[cfg(unix)]
    #[test]
    fn a_device_is_written_into_not_replaced() {
        let out = OutFile::create(Path::new("/dev/null"), ".t-").unwrap();
        assert!(out.is_direct());
        write(Path::new("/dev/null"), ".t-", b"gone").unwrap();
        let meta = std::fs::metadata("/dev/null").unwrap();
        assert!(!meta.is_file());
        let e = write(Path::new("/"), ".t-", b"x").unwrap_err();
        assert!(e.to_string().contains("is a folder"), "{e}");
    }
}
