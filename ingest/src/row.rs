//! Reading tabular files (CSV, NDJSON, Parquet) row by row, with their line numbers, through
//! one interface so that every format gives the same rows.

use std::path::Path;

use polars::prelude::*;

use crate::accounting::SkipReason;
use crate::error::Error;
use crate::inert;
use crate::input::{self, Line};
use crate::parquet;
use crate::progress::Progress;

/// A table file format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Format {
    Csv,
    Ndjson,
    Parquet,
}

impl Format {
    /// Tells the format from a file's logical name (compression suffix removed).
    pub(crate) fn from_name(name: &str) -> Option<Self> {
        if name.ends_with(".csv") || name.ends_with(".tsv") {
            Some(Format::Csv)
        } else if name.ends_with(".ndjson") || name.ends_with(".jsonl") || name.ends_with(".json") {
            Some(Format::Ndjson)
        } else if name.ends_with(".parquet") {
            Some(Format::Parquet)
        } else {
            None
        }
    }
}

/// The fields of one row, in header order. Empty strings read as missing.
pub(crate) enum Fields<'a> {
    Csv(&'a csv::StringRecord),
    Owned(&'a [Option<String>]),
}

impl Fields<'_> {
    pub(crate) fn get(&self, idx: usize) -> Option<&str> {
        let v = match self {
            Fields::Csv(r) => r.get(idx),
            Fields::Owned(v) => v.get(idx).and_then(|f| f.as_deref()),
        }?;
        let v = v.trim();
        (!v.is_empty()).then_some(v)
    }
}

/// Receives a table's header and rows.
pub(crate) trait RowSink {
    /// The column names. An error here means the file cannot be read as this kind of table.
    fn header(&mut self, columns: &[String]) -> Result<(), String>;
    /// One well-formed row; `line` is 1-based (the CSV physical line, the NDJSON line, or the
    /// Parquet row number).
    fn row(&mut self, line: u64, fields: &Fields<'_>);
    /// A row that is not used: it does not parse, is blank or too long.
    fn skipped(&mut self, line: u64, reason: SkipReason, detail: String);
}

/// The file of an `origin` (`logs/n1.log:4`, `probes.parquet:row 7`); of a row read from
/// several places (`a.csv:3;b.csv:9`), the first one's.
pub fn origin_file(origin: &str) -> &str {
    let first = origin.split(';').next().unwrap_or(origin);
    first.rsplit_once(':').map_or(first, |(file, _)| file)
}

/// Where a row came from, as written in `origin`.
pub(crate) fn origin(file: &str, format: Format, line: u64) -> String {
    let mut s = String::new();
    push_origin(&mut s, file, format, line);
    s
}

/// Appends [`origin`] to `out`, without allocating once `out` has grown.
pub(crate) fn push_origin(out: &mut String, file: &str, format: Format, line: u64) {
    out.push_str(file);
    out.push_str(match format {
        Format::Parquet => ":row ",
        _ => ":",
    });
    out.push_str(itoa::Buffer::new().format(line));
}

/// Reads a table file into `sink`.
pub(crate) fn read_table(
    path: &Path,
    format: Format,
    sink: &mut dyn RowSink,
    progress: &dyn Progress,
) -> Result<(), Error> {
    match format {
        Format::Csv => read_csv(path, sink, progress),
        Format::Ndjson => read_ndjson(path, sink, progress),
        Format::Parquet => read_parquet(path, sink, progress),
    }
}

fn bad_header(path: &Path, reason: String) -> Error {
    Error::BadHeader {
        path: path.to_owned(),
        reason,
    }
}

/// The field delimiter of a delimited table: a tab in a `.tsv` file (compressed or not), else
/// a comma.
pub(crate) fn delimiter(path: &Path) -> u8 {
    if input::logical_name(path).ends_with(".tsv") {
        b'\t'
    } else {
        b','
    }
}

/// The fields of one line of a delimited table at `path` (no header is taken from it).
pub(crate) fn csv_fields(path: &Path, line: &[u8]) -> Option<csv::StringRecord> {
    let text = String::from_utf8_lossy(line);
    csv::ReaderBuilder::new()
        .has_headers(false)
        .delimiter(delimiter(path))
        .from_reader(text.as_bytes())
        .records()
        .next()
        .and_then(Result::ok)
}

fn read_csv(path: &Path, sink: &mut dyn RowSink, progress: &dyn Progress) -> Result<(), Error> {
    let reader = input::CsvInput::new(input::open(path, progress)?);
    let delimiter = delimiter(path);
    // Records end at a newline only: a lone carriage return inside a line (a corrupted or
    // mixed-ending file) would otherwise start a second record on the same line number, and
    // rows are told apart by their line.
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .delimiter(delimiter)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_reader(reader);
    let header = match rdr.headers() {
        Ok(h) => h
            .iter()
            .map(|s| s.trim().trim_start_matches('\u{feff}').to_owned())
            .collect::<Vec<_>>(),
        Err(e) => {
            return Err(match csv_fatal(path, e) {
                Ok(detail) => bad_header(path, detail),
                Err(e) => e,
            });
        }
    };
    if rdr.get_ref().too_long.first() == Some(&1) {
        return Err(bad_header(
            path,
            format!(
                "its first line (the header) is longer than {} bytes: this is not a table rift reads",
                input::thousands(input::MAX_LINE_BYTES as u64)
            ),
        ));
    }
    if header.iter().all(String::is_empty) {
        return Err(Error::EmptyTable {
            path: path.to_owned(),
        });
    }
    sink.header(&header).map_err(|r| bad_header(path, r))?;
    let mut record = csv::StringRecord::new();
    loop {
        for line in rdr.get_mut().too_long.drain(..) {
            sink.skipped(line, SkipReason::TooLong, String::new());
        }
        match rdr.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = record.position().map_or(0, |p| p.line());
                if record.len() != header.len() {
                    if record.len() == 1 && record.get(0).is_some_and(|f| f.trim().is_empty()) {
                        sink.skipped(line, SkipReason::Blank, String::new());
                    } else {
                        sink.skipped(
                            line,
                            SkipReason::Malformed,
                            format!("expected {} fields, found {}", header.len(), record.len()),
                        );
                    }
                    continue;
                }
                sink.row(line, &Fields::Csv(&record));
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                let detail = csv_fatal(path, e)?;
                sink.skipped(line, SkipReason::Malformed, detail);
            }
        }
    }
    for line in rdr.get_mut().too_long.drain(..) {
        sink.skipped(line, SkipReason::TooLong, String::new());
    }
    Ok(())
}

/// Turns a csv error into a per-row detail (`Ok`) or a fatal I/O error (`Err`).
fn csv_fatal(path: &Path, e: csv::Error) -> Result<String, Error> {
    match e.into_kind() {
        csv::ErrorKind::Io(io) => Err(Error::io(path, io)),
        csv::ErrorKind::Utf8 { err, .. } => {
            Ok(format!("invalid UTF-8 in field {}", err.field() + 1))
        }
        other => Ok(format!("{other:?}")),
    }
}

fn json_field(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::Null => None,
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        other => Some(other.to_string()),
    }
}

fn read_ndjson(path: &Path, sink: &mut dyn RowSink, progress: &dyn Progress) -> Result<(), Error> {
    let mut lines = input::Lines::new(input::open(path, progress)?);
    let mut header: Option<Vec<String>> = None;
    let mut values: Vec<Option<String>> = Vec::new();
    let mut line = 0u64;
    while let Some(next) = lines.next_line().map_err(|e| Error::io(path, e))? {
        line += 1;
        let bytes = match next {
            Line::Text(t) => t,
            Line::TooLong => {
                sink.skipped(line, SkipReason::TooLong, String::new());
                continue;
            }
        };
        let text = match std::str::from_utf8(bytes) {
            Ok(t) => t.trim(),
            Err(_) => {
                sink.skipped(line, SkipReason::Malformed, "invalid UTF-8".into());
                continue;
            }
        };
        if text.is_empty() {
            sink.skipped(line, SkipReason::Blank, String::new());
            continue;
        }
        let obj: serde_json::Map<String, serde_json::Value> = match serde_json::from_str(text) {
            Ok(o) => o,
            Err(e) => {
                sink.skipped(
                    line,
                    SkipReason::Malformed,
                    format!("not a JSON object: {e}"),
                );
                continue;
            }
        };
        let cols = match &header {
            Some(h) => h,
            None => {
                let h: Vec<String> = obj.keys().cloned().collect();
                sink.header(&h)
                    .map_err(|r| bad_header(path, format!("line {line}: {r}")))?;
                header.insert(h)
            }
        };
        values.clear();
        values.extend(cols.iter().map(|c| obj.get(c).and_then(json_field)));
        sink.row(line, &Fields::Owned(&values));
    }
    if header.is_none() {
        return Err(Error::EmptyTable {
            path: path.to_owned(),
        });
    }
    Ok(())
}

/// Rows read from a Parquet file at a time, to bound memory on large files.
const PARQUET_SLICE: usize = 1 << 20;

fn read_parquet(path: &Path, sink: &mut dyn RowSink, progress: &dyn Progress) -> Result<(), Error> {
    // The Parquet decoder panics on some corrupt files; that becomes an error naming the file.
    input::guarded(|| decode_parquet(path, sink, progress)).map_err(|reason| Error::Corrupt {
        path: path.to_owned(),
        reason,
    })?
}

fn decode_parquet(
    path: &Path,
    sink: &mut dyn RowSink,
    progress: &dyn Progress,
) -> Result<(), Error> {
    let bytes = parquet::read(path, progress)?;
    let bytes = &bytes[..];
    let pq = |e| Error::Parquet {
        path: path.to_owned(),
        source: e,
    };
    let total = ParquetReader::new(std::io::Cursor::new(bytes))
        .num_rows()
        .map_err(pq)?;
    let mut header_sent = false;
    let mut values: Vec<Option<String>> = Vec::new();
    let mut offset = 0usize;
    loop {
        let df = ParquetReader::new(std::io::Cursor::new(bytes))
            .with_slice(Some((offset, PARQUET_SLICE)))
            .finish()
            .map_err(pq)?;
        if !header_sent {
            let cols: Vec<String> = df
                .get_column_names()
                .iter()
                .map(|c| c.to_string())
                .collect();
            sink.header(&cols).map_err(|r| bad_header(path, r))?;
            header_sent = true;
        }
        let columns: Vec<Column> = df
            .columns()
            .iter()
            .map(|c| {
                let c = if matches!(c.dtype(), DataType::Datetime(_, _)) {
                    // Epoch integers keep full precision; parse_ts tells the unit by magnitude.
                    c.cast(&DataType::Datetime(TimeUnit::Nanoseconds, None))
                        .and_then(|c| c.cast(&DataType::Int64))
                } else {
                    Ok(c.clone())
                };
                c.and_then(|c| c.cast(&DataType::String))
            })
            .collect::<PolarsResult<_>>()
            .map_err(pq)?;
        let strs: Vec<&StringChunked> = columns
            .iter()
            .map(|c| c.str())
            .collect::<PolarsResult<_>>()
            .map_err(pq)?;
        for i in 0..df.height() {
            values.clear();
            values.extend(strs.iter().map(|s| s.get(i).map(str::to_owned)));
            sink.row((offset + i + 1) as u64, &Fields::Owned(&values));
        }
        offset += df.height();
        if df.height() == 0 || offset >= total {
            break;
        }
    }
    Ok(())
}

/// The columns a header has, as an error message shows them: a short, escaped excerpt, since
/// a header can be as long as a line may be and hold anything.
pub(crate) fn found(cols: &[String]) -> String {
    inert::clip(&cols.join(", "))
}

/// Finds a column by rift's name: a user mapping first, then the built-in aliases, matched
/// case-insensitively.
pub(crate) fn find_column(
    header: &[String],
    canonical: &str,
    aliases: &[&str],
    user: &std::collections::BTreeMap<String, String>,
) -> Option<usize> {
    if let Some(name) = user.get(canonical) {
        return header.iter().position(|h| h.eq_ignore_ascii_case(name));
    }
    aliases
        .iter()
        .find_map(|a| header.iter().position(|h| h.eq_ignore_ascii_case(a)))
}
