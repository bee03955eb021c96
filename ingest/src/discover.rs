//! Finding the files of an export and telling what each one holds.

use std::io::BufRead;
use std::path::{Path, PathBuf};

use polars::prelude::*;

use crate::config::{IncidentConfig, SourceKind};
use crate::error::Error;
use crate::export::NoProgress;
use crate::input;
use crate::parquet;
use crate::row::Format;
use crate::source::columns;

/// One file of an export.
#[derive(Clone, Debug)]
pub(crate) struct FileEntry {
    /// Path relative to the export folder, with `/` separators.
    pub(crate) rel: String,
    pub(crate) path: PathBuf,
    pub(crate) kind: SourceKind,
    pub(crate) format: Option<Format>,
    pub(crate) size: u64,
    /// Why the file cannot be read, when it cannot (it is then of kind `Unknown`).
    pub(crate) unreadable: Option<String>,
}

/// One entry found under an export folder: a readable file and its size, or why it cannot be read.
pub(crate) type Found = (String, PathBuf, Result<u64, String>);

/// Lists the files under `root` (hidden files and folders excluded, symlinked folders not
/// followed), sorted by relative path so that every run reads them in the same order. What is
/// there but cannot be read (a link that leads nowhere, a FIFO, a file without read permission) is
/// listed with the reason, so that it is accounted for instead of silently left out.
pub(crate) fn walk(root: &Path) -> Result<Vec<Found>, Error> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|e| Error::io(&dir, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| Error::io(&dir, e))?;
            let path = entry.path();
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            let ft = entry.file_type().map_err(|e| Error::io(&path, e))?;
            if ft.is_dir() {
                stack.push(path);
                continue;
            }
            let rel = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            let found = match std::fs::metadata(&path) {
                Err(e) if ft.is_symlink() => {
                    Err(format!("a symbolic link that leads nowhere readable ({e})"))
                }
                Err(e) => Err(e.to_string()),
                Ok(meta) if meta.is_dir() => {
                    Err("a link to a folder: links to folders are not followed".to_owned())
                }
                Ok(meta) if !meta.is_file() => {
                    Err("not a regular file (a FIFO, socket or device)".to_owned())
                }
                Ok(meta) => match std::fs::File::open(&path) {
                    Ok(_) => Ok(meta.len()),
                    Err(e) => Err(format!("cannot be opened ({e})")),
                },
            };
            out.push((rel, path, found));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

/// The column names of a table file, read from its first line (or Parquet schema).
fn sniff_columns(path: &Path, format: Format) -> Result<Vec<String>, Error> {
    match format {
        Format::Csv => {
            let mut r = input::open(path, &NoProgress)?;
            // Bytes, not a string: a header that is not UTF-8 names no known column, and the
            // file is then counted as not recognised instead of stopping the whole export.
            let mut bytes = Vec::new();
            r.read_until(b'\n', &mut bytes)
                .map_err(|e| Error::io(path, e))?;
            let line = String::from_utf8_lossy(&bytes);
            let delimiter = if input::logical_name(path).ends_with(".tsv") {
                b'\t'
            } else {
                b','
            };
            let mut rdr = csv::ReaderBuilder::new()
                .has_headers(false)
                .delimiter(delimiter)
                .from_reader(line.as_bytes());
            Ok(rdr
                .records()
                .next()
                .and_then(Result::ok)
                .map(|r| {
                    r.iter()
                        .map(|s| s.trim().trim_start_matches('\u{feff}').to_lowercase())
                        .collect()
                })
                .unwrap_or_default())
        }
        Format::Ndjson => {
            let r = input::open(path, &NoProgress)?;
            for line in r.lines().take(16) {
                let Ok(line) = line else { break };
                if let Ok(serde_json::Value::Object(o)) = serde_json::from_str(line.trim()) {
                    return Ok(o.keys().map(|k| k.to_lowercase()).collect());
                }
            }
            Ok(Vec::new())
        }
        Format::Parquet => {
            let bytes: polars_buffer::Buffer<u8> = input::read_all(path, &NoProgress)?.into();
            // A file the decoder cannot make sense of names no known column: it is then counted
            // as not recognised, and reading it as counters (if named so) says what is wrong.
            // A file whose structure would make the decoder abort is reported as corrupt here,
            // as reading it would.
            parquet::check(path, &bytes)?;
            Ok(input::guarded(|| {
                ParquetReader::new(std::io::Cursor::new(&bytes[..]))
                    .schema()
                    .map(|s| s.iter_names().map(|n| n.to_lowercase()).collect())
                    .unwrap_or_default()
            })
            .unwrap_or_default())
        }
    }
}

/// Tells what a file holds from its name and columns.
fn detect(name: &str, format: Option<Format>, cols: &[String]) -> SourceKind {
    let has = |names: &[&str]| cols.iter().any(|c| names.contains(&c.as_str()));
    if name == "incident.toml" {
        return SourceKind::Config;
    }
    if name.ends_with(".log") || name.contains(".log.") || name.ends_with(".txt") {
        return SourceKind::Log;
    }
    if name.ends_with(".prom") || name.ends_with(".prom.txt") {
        return SourceKind::Metrics;
    }
    if format.is_none() {
        return SourceKind::Unknown;
    }
    if has(&["member_id", "peer_url", "client_url"])
        || name.starts_with("members")
        || name.starts_with("nodes")
    {
        return SourceKind::Members;
    }
    if has(&["metric", "__name__"]) && has(&["value"]) {
        return SourceKind::Metrics;
    }
    if has(columns::SENT)
        || has(columns::RECEIVED)
        || has(columns::ACKED)
        || has(columns::DELIVERED)
    {
        return SourceKind::Counters;
    }
    if has(&["op", "operation"]) || name.starts_with("client") {
        return SourceKind::Client;
    }
    if name.starts_with("health") || has(&["http_status", "healthy", "health"]) {
        return SourceKind::Health;
    }
    if name.starts_with("probe") {
        return SourceKind::Probe;
    }
    SourceKind::Unknown
}

/// Lists and classifies the files of an export.
pub(crate) fn discover(root: &Path, config: &IncidentConfig) -> Result<Vec<FileEntry>, Error> {
    let mut out = Vec::new();
    for (rel, path, found) in walk(root)? {
        let size = match found {
            Ok(size) => size,
            Err(why) => {
                out.push(FileEntry {
                    rel,
                    path,
                    kind: SourceKind::Unknown,
                    format: None,
                    size: 0,
                    unreadable: Some(why),
                });
                continue;
            }
        };
        let name = input::logical_name(&path);
        let format = Format::from_name(&name);
        let kind = match config.source(&rel).and_then(|s| s.kind) {
            Some(kind) => kind,
            None if format == Some(Format::Ndjson) && crate::metrics::is_query_json(&path) => {
                SourceKind::Metrics
            }
            None => {
                let cols = match format {
                    Some(f) if name != "incident.toml" && size > 0 => sniff_columns(&path, f)?,
                    _ => Vec::new(),
                };
                detect(&name, format, &cols)
            }
        };
        out.push(FileEntry {
            rel,
            path,
            kind,
            format,
            size,
            unreadable: None,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cols(s: &str) -> Vec<String> {
        s.split(',').map(str::to_owned).collect()
    }

    #[test]
    fn the_shared_recordings_files_are_recognised() {
        let csv = Some(Format::Csv);
        assert_eq!(
            detect(
                "health.csv",
                csv,
                &cols("ts_iso,ts_ms,node,url,http_status,latency_ms,body")
            ),
            SourceKind::Health
        );
        assert_eq!(
            detect(
                "client.csv",
                csv,
                &cols("ts_iso,ts_ms,node,endpoint,op,key,result,latency_ms,error")
            ),
            SourceKind::Client
        );
        assert_eq!(
            detect(
                "members.csv",
                csv,
                &cols("name,member_id,ip,peer_url,client_url,metrics_url")
            ),
            SourceKind::Members
        );
        assert_eq!(
            detect(
                "metrics.csv",
                csv,
                &cols("ts_iso,ts_ms,node,metric,labels,peer,value")
            ),
            SourceKind::Metrics
        );
        assert_eq!(detect("n1.log", None, &[]), SourceKind::Log);
        assert_eq!(detect("n1.prom", None, &[]), SourceKind::Metrics);
        assert_eq!(
            detect("x.csv", csv, &cols("ts,node,peer,sent,received")),
            SourceKind::Counters
        );
    }
}
