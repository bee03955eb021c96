//! One format of the synthetic export, behind a one-method trait, and the files it writes into:
//! rows go to disk as they are made, so a long scenario needs no more memory than a short one.

use std::borrow::Cow;
use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::synth::world::World;
use crate::synth::write::SynthFile;

/// Writes one kind of telemetry.
pub(crate) trait Format {
    /// Writes this kind's files into `out`; none when the scenario gives nothing to write (no
    /// client hosts for the probe tables). Fails when a file cannot be written.
    fn write(&self, world: &World, out: &mut Out) -> Result<(), Error>;
}

/// The export folder, and what has been written into it.
pub(crate) struct Out {
    root: PathBuf,
    /// Every file written, with paths relative to `prefix`.
    pub(crate) files: Vec<SynthFile>,
    prefix: PathBuf,
}

impl Out {
    /// Files go under `root`; the report names them under `prefix` (`export/…`).
    pub(crate) fn new(root: &Path, prefix: &Path) -> Self {
        Out {
            root: root.to_owned(),
            files: Vec::new(),
            prefix: prefix.to_owned(),
        }
    }

    /// Creates `rel` (with `/` separators) and its folders. With a `header`, the file is a
    /// table: the header is its first line and the lines after it are counted as rows.
    pub(crate) fn file(&mut self, rel: &str, header: Option<&str>) -> Result<Lines<'_>, Error> {
        let path = self.root.join(rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|source| Error::Io {
                path: dir.to_owned(),
                source,
            })?;
        }
        // The export folder was made empty for this run: a file already there is not ours.
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|source| Error::Io {
                path: path.clone(),
                source,
            })?;
        let mut lines = Lines {
            rel: self.prefix.join(rel),
            out: self,
            path,
            w: BufWriter::new(file),
            rows: 0,
            bytes: 0,
            table: header.is_some(),
        };
        if let Some(h) = header {
            lines.raw(h)?;
            lines.raw("\n")?;
        }
        Ok(lines)
    }
}

/// One file being written.
pub(crate) struct Lines<'o> {
    out: &'o mut Out,
    rel: PathBuf,
    path: PathBuf,
    w: BufWriter<File>,
    rows: usize,
    bytes: usize,
    table: bool,
}

impl Lines<'_> {
    /// Writes `text` as it is.
    pub(crate) fn raw(&mut self, text: &str) -> Result<(), Error> {
        self.w
            .write_all(text.as_bytes())
            .map_err(|source| Error::Io {
                path: self.path.clone(),
                source,
            })?;
        self.bytes += text.len();
        Ok(())
    }

    /// Writes one row (a line, without its newline).
    pub(crate) fn row(&mut self, line: &str) -> Result<(), Error> {
        self.raw(line)?;
        self.raw("\n")?;
        self.rows += 1;
        Ok(())
    }

    /// Flushes the file and records it.
    pub(crate) fn close(mut self) -> Result<(), Error> {
        self.w.flush().map_err(|source| Error::Io {
            path: self.path.clone(),
            source,
        })?;
        let rows = (self.table || self.rows > 0).then_some(self.rows);
        self.out.files.push(SynthFile {
            path: self.rel,
            rows,
            bytes: self.bytes,
        });
        Ok(())
    }
}

/// What a spreadsheet takes as the start of a formula (`=HYPERLINK(…)`, `@SUM(…)`, `+1`, `-1`)
/// at the start of a cell, and the tab and carriage return that hide one.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A CSV text field (a host name: free text): with a leading `'` when it would start a formula
/// in a spreadsheet (the usual neutralisation), and quoted when it holds a comma, a quote or a
/// line break. Numbers are written as they are, never through here.
pub(crate) fn field(s: &str) -> Cow<'_, str> {
    let s: Cow<'_, str> = if s.starts_with(FORMULA_STARTS) {
        format!("'{s}").into()
    } else {
        s.into()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\"")).into()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_only_when_needed() {
        assert_eq!(field("n1"), "n1");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }

    #[test]
    fn text_that_would_start_a_formula_is_neutralised() {
        assert_eq!(
            field("=HYPERLINK(\"http://x\",\"n1\")"),
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"n1\"\")\""
        );
        for (name, shown) in [
            ("+1", "'+1"),
            ("-5", "'-5"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tn1", "'\tn1"),
            ("\rn1", "\"'\rn1\""),
            ("n-1", "n-1"),
            ("n=1", "n=1"),
        ] {
            assert_eq!(field(name), shown, "{name:?}");
        }
    }

    #[test]
    fn tables_count_rows_and_name_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let mut out = Out::new(dir.path(), Path::new("export"));
        let mut t = out.file("sub/t.csv", Some("a,b")).unwrap();
        t.row("1,2").unwrap();
        t.close().unwrap();
        out.file("empty.csv", Some("a")).unwrap().close().unwrap();
        let f = &out.files[0];
        assert_eq!(
            (f.path.as_path(), f.rows, f.bytes),
            (Path::new("export/sub/t.csv"), Some(1), 8)
        );
        assert_eq!(out.files[1].rows, Some(0));
        assert_eq!(
            std::fs::read_to_string(dir.path().join("sub/t.csv")).unwrap(),
            "a,b\n1,2\n"
        );
    }
}
