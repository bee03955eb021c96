//! Finding the files of an export and telling what each one holds.

use std::path::{Path, PathBuf};

use polars::prelude::*;

use crate::config::{IncidentConfig, SourceKind};
use crate::error::Error;
use crate::inert;
use crate::input::{self, Line};
use crate::parquet;
use crate::progress::NoProgress;
use crate::row::{self, Format};
use crate::source::{self, Candidate, FileEntry};

/// One entry found under an export folder: a readable file and its size, or why it cannot be read.
pub(crate) type Found = (String, PathBuf, Result<u64, String>);

/// Lists the files under `root` (hidden files and folders excluded, symlinked folders not
/// followed), sorted by relative path so that every run reads them in the same order. What is
/// there but cannot be read (a link that leads nowhere or out of the export, a FIFO, a file
/// without read permission, a folder whose path is too long for the system) is listed with the
/// reason, so that it is accounted for instead of silently left out. A symbolic link is read
/// only when the file it leads to lies inside the export, unless `follow_outside`.
pub(crate) fn walk(root: &Path, follow_outside: bool) -> Result<Vec<Found>, Error> {
    let real_root = std::fs::canonicalize(root).map_err(|e| Error::io(root, e))?;
    let mut out = Vec::new();
    let rel_of = |path: &Path| {
        path.strip_prefix(root)
            .unwrap_or(path)
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/")
    };
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if dir == root => return Err(Error::io(&dir, e)),
            Err(e) => {
                out.push((
                    rel_of(&dir),
                    dir.clone(),
                    Err(format!("a folder that cannot be listed ({e})")),
                ));
                continue;
            }
        };
        for entry in entries {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => {
                    out.push((
                        rel_of(&dir),
                        dir.clone(),
                        Err(format!("a folder that cannot be listed to its end ({e})")),
                    ));
                    break;
                }
            };
            let path = entry.path();
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            let rel = rel_of(&path);
            let ft = match entry.file_type() {
                Ok(ft) => ft,
                Err(e) => {
                    out.push((rel, path, Err(format!("cannot be examined ({e})"))));
                    continue;
                }
            };
            if ft.is_dir() {
                stack.push(path);
                continue;
            }
            let found = if ft.is_symlink() {
                link_target(&path, &real_root, follow_outside)
            } else {
                Ok(())
            }
            .and_then(|()| readable(&path));
            out.push((rel, path, found));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

/// Why the symbolic link at `path` is not followed, if it is not: it leads nowhere, or to a file
/// outside the export (`real_root`) and `follow_outside` is off.
fn link_target(path: &Path, real_root: &Path, follow_outside: bool) -> Result<(), String> {
    let target = std::fs::canonicalize(path)
        .map_err(|e| format!("a symbolic link that leads nowhere readable ({e})"))?;
    if follow_outside || target.starts_with(real_root) {
        return Ok(());
    }
    Err(format!(
        "a symbolic link to a file outside the export ({}); pass {FOLLOW_FLAG} to read it",
        inert::clip(&target.to_string_lossy())
    ))
}

/// The flag that lets links and configured paths lead out of the export.
pub(crate) const FOLLOW_FLAG: &str = "--follow-symlinks";

/// The size of the regular file at `path`, or why it cannot be read.
fn readable(path: &Path) -> Result<u64, String> {
    match std::fs::metadata(path) {
        Err(e) => Err(e.to_string()),
        Ok(meta) if meta.is_dir() => {
            Err("a link to a folder: links to folders are not followed".to_owned())
        }
        Ok(meta) if !meta.is_file() => {
            Err("not a regular file (a FIFO, socket or device)".to_owned())
        }
        Ok(meta) => match std::fs::File::open(path) {
            Ok(_) => Ok(meta.len()),
            Err(e) => Err(format!("cannot be opened ({e})")),
        },
    }
}

/// The most bytes sniffing reads from the start of a file: the header line of a CSV table and
/// the first lines of an NDJSON one.
const SNIFF_BYTES: u64 = input::MAX_LINE_BYTES as u64 + 2;

/// The column names of a table file, read from its first line (or Parquet schema).
fn sniff_columns(path: &Path, format: Format) -> Result<Vec<String>, Error> {
    match format {
        Format::Csv => {
            // Bytes, not a string: a header that is not UTF-8 names no known column, and the
            // file is then counted as not recognised instead of stopping the whole export. A
            // first line longer than a line may be names none either.
            let head = input::head(path, SNIFF_BYTES)?;
            let mut lines = input::Lines::new(&head[..]);
            let Ok(Some(Line::Text(bytes))) = lines.next_line() else {
                return Ok(Vec::new());
            };
            Ok(row::csv_fields(path, bytes)
                .map(|r| {
                    r.iter()
                        .map(|s| s.trim().trim_start_matches('\u{feff}').to_lowercase())
                        .collect()
                })
                .unwrap_or_default())
        }
        Format::Ndjson => {
            let head = input::head(path, SNIFF_BYTES)?;
            let mut lines = input::Lines::new(&head[..]);
            for _ in 0..16 {
                let Ok(Some(line)) = lines.next_line() else {
                    break;
                };
                let Line::Text(line) = line else { continue };
                if let Ok(serde_json::Value::Object(o)) = serde_json::from_slice(line) {
                    return Ok(o.keys().map(|k| k.to_lowercase()).collect());
                }
            }
            Ok(Vec::new())
        }
        Format::Parquet => {
            let bytes = parquet::read(path, &NoProgress)?;
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

/// The year of the first dated row of a CSV or NDJSON table (its first timestamp column, as the
/// table readers find it), for logs whose timestamps name none.
pub(crate) fn first_year(path: &Path, format: Format) -> Option<i32> {
    if format == Format::Parquet {
        return None;
    }
    let columns = sniff_columns(path, format).ok()?;
    let ts = columns
        .iter()
        .position(|c| crate::source::columns::TS.contains(&c.as_str()))?;
    let head = input::head(path, SNIFF_BYTES * 2).ok()?;
    let mut lines = input::Lines::new(&head[..]);
    let skip = usize::from(format == Format::Csv);
    for _ in 0..16 + skip {
        let Ok(Some(Line::Text(line))) = lines.next_line() else {
            return None;
        };
        let cell = match format {
            Format::Csv => row::csv_fields(path, line).and_then(|r| r.get(ts).map(str::to_owned)),
            Format::Ndjson => serde_json::from_slice::<serde_json::Value>(line)
                .ok()
                .and_then(|v| {
                    let o = v.as_object()?;
                    let key = o.keys().find(|k| k.to_lowercase() == columns[ts])?;
                    o.get(key).map(|x| match x {
                        serde_json::Value::String(s) => s.clone(),
                        other => other.to_string(),
                    })
                }),
            Format::Parquet => return None,
        };
        if let Some(ns) = cell.and_then(|c| crate::time::read_ts(&c).ok()) {
            return Some(crate::logs::read::year_of(ns.0));
        }
    }
    None
}

/// Lists and classifies the files of an export.
pub(crate) fn discover(
    root: &Path,
    config: &IncidentConfig,
    follow_outside: bool,
) -> Result<Vec<FileEntry>, Error> {
    let mut out = Vec::new();
    for (rel, path, found) in walk(root, follow_outside)? {
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
        if matches!(format, Some(Format::Csv | Format::Ndjson))
            && size > 0
            && input::looks_like_parquet(&input::head(&path, 4)?)
        {
            out.push(FileEntry {
                rel,
                path,
                kind: SourceKind::Unknown,
                format: None,
                size,
                unreadable: Some(input::PARQUET_HINT.to_owned()),
            });
            continue;
        }
        let kind = match config.source(&rel).and_then(|s| s.kind) {
            Some(kind) => kind,
            None => {
                let cols = match format {
                    Some(f) if name != "incident.toml" && size > 0 => sniff_columns(&path, f)?,
                    _ => Vec::new(),
                };
                source::recognise(&Candidate {
                    name: &name,
                    path: &path,
                    format,
                    columns: &cols,
                })
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

    fn detect(name: &str, format: Option<Format>, columns: &[String]) -> SourceKind {
        source::recognise(&Candidate {
            name,
            path: Path::new(name),
            format,
            columns,
        })
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
