//! Entry points for the parser fuzz targets (`fuzz/`): each runs one of ingest's readers alone on
//! one file — the line reader and a log profile, the CSV and NDJSON table readers, the Prometheus
//! text and `query_range` readers — without discovery, pairing, tables or a timeline, so that a
//! fuzzer runs tens of thousands of inputs a second through the code that touches the bytes.
//! The pipeline targets run the same readers inside `IncidentFolder::stream`, much more slowly.
//!
//! Each function returns normally whatever the file holds (an error is an answer) and panics
//! only when the reader breaks its own accounting: a line neither used nor skipped, or counted
//! twice. Not part of rift's API: hidden from the documentation, free to change.

use std::collections::BTreeSet;
use std::path::Path;

use crate::accounting::{FileAccount, SkipReason};
use crate::config::SourceKind;
use crate::logs::read::{LogSettings, read_log};
use crate::progress::NoProgress;
use crate::row::{Fields, Format, RowSink, read_table};

fn skipped(account: &FileAccount) -> u64 {
    account.skipped.values().sum()
}

/// Reads `path` as a node log with the built-in profile numbered `profile` (modulo their number),
/// its year-less timestamps in `year`.
pub fn log(path: &Path, profile: usize, year: Option<i32>) {
    let Ok(profiles) = crate::logs::profile::builtin_shared() else {
        return;
    };
    let Some(profile) = profiles.get(profile % profiles.len().max(1)) else {
        return;
    };
    let mut account = FileAccount::new("n1.log".into(), SourceKind::Log);
    let Ok(read) = read_log(
        path,
        &LogSettings {
            date: None,
            profile,
            year,
            zone: None,
            detector: crate::system::of_profile(&profile.name).map(|s| (s, "n1.log")),
            node_field: None,
            wrapped: false,
            join: true,
            width: Some(80),
            configured: None,
        },
        &mut account,
        &NoProgress,
    ) else {
        return;
    };
    assert_eq!(
        account.rows_read,
        read.lines.len() as u64 + skipped(&account),
        "log lines read, recognised and skipped: {account:?}"
    );
}

/// A table sink that reads every field of every row, as the sources do, and checks that each
/// line is reported once.
struct Checked {
    columns: usize,
    lines: BTreeSet<u64>,
}

impl Checked {
    fn once(&mut self, line: u64) {
        assert!(self.lines.insert(line), "line {line} reported twice");
    }
}

impl RowSink for Checked {
    fn header(&mut self, columns: &[String]) -> Result<(), String> {
        self.columns = columns.len();
        Ok(())
    }

    fn row(&mut self, line: u64, fields: &Fields<'_>) {
        self.once(line);
        for i in 0..self.columns {
            if let Some(v) = fields.get(i) {
                let _ = crate::time::parse_ts(v);
                let _ = v.parse::<f64>();
            }
        }
    }

    fn skipped(&mut self, line: u64, _reason: SkipReason, _detail: String) {
        self.once(line);
    }
}

/// Reads `path` as a table: CSV when `ndjson` is false, NDJSON otherwise.
pub fn table(path: &Path, ndjson: bool) {
    let format = if ndjson { Format::Ndjson } else { Format::Csv };
    let mut sink = Checked {
        columns: 0,
        lines: BTreeSet::new(),
    };
    let _ = read_table(path, format, &mut sink, &NoProgress);
}

/// Reads `path` as a Prometheus text export.
pub fn prom(path: &Path) {
    let mut account = FileAccount::new("n1.prom".into(), SourceKind::Metrics);
    if crate::metrics::read_prom(
        path,
        "n1.prom",
        "n1",
        &mut account,
        crate::metrics::MAX_SAMPLES,
        &NoProgress,
    )
    .is_ok()
    {
        assert_eq!(
            account.rows_read,
            account.rows_used + skipped(&account),
            "metric lines read, used and skipped: {account:?}"
        );
    }
}

/// Reads `path` as a Prometheus `query_range` response.
pub fn query_range(path: &Path) {
    let mut account = FileAccount::new("query_range.json".into(), SourceKind::Metrics);
    if crate::metrics::read_query_json(
        path,
        "n1",
        &mut account,
        crate::metrics::MAX_SAMPLES,
        &NoProgress,
    )
    .is_ok()
    {
        assert_eq!(
            account.rows_read,
            account.rows_used + skipped(&account),
            "metric points read, used and skipped: {account:?}"
        );
    }
}
