//! What the fuzz targets run: each function hands arbitrary bytes to one of rift's parsers the way
//! a user's export or file would reach it, and returns normally whatever the bytes are. An error
//! is an answer; a panic, a hang, an allocation that outgrows the input or a broken accounting is
//! a finding.
//!
//! Shared by the cargo-fuzz targets in `fuzz/fuzz_targets/` and by the test that replays the
//! committed corpora (`tests/it/fuzz_corpus.rs`), so a crash found by fuzzing stays a test.

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use rift_classify::{Options, classify};
use rift_ingest::{IncidentFolder, NoProgress, ReadOptions};
use rift_reach::TimelineBuilder;

/// One fuzz target: its name and the function it runs on each input.
pub(crate) type Target = (&'static str, fn(&[u8]));

/// The targets: those that run the whole pipeline on an export, then those that run one of
/// ingest's readers alone (`rift_ingest::fuzzing`), tens of times faster, on the same bytes.
pub(crate) const TARGETS: [Target; 12] = [
    ("counters", counters),
    ("parquet", parquet),
    ("table", table),
    ("log", log),
    ("metrics", metrics),
    ("incident", incident),
    ("profile", profile),
    ("scenario", scenario),
    ("front_matter", front_matter),
    ("log_reader", log_reader),
    ("table_reader", table_reader),
    ("metrics_reader", metrics_reader),
];

/// Per-direction counters as CSV or NDJSON; the first byte picks the format.
pub(crate) fn counters(data: &[u8]) {
    let (name, body) = pick(data, &["counters.csv", "counters.ndjson"]);
    export_with(&[(name, body)], None);
}

/// Per-direction counters as Parquet.
pub(crate) fn parquet(data: &[u8]) {
    export_with(&[("counters.parquet", data)], None);
}

/// Health checks, client results, load-balancer probes and the member list; the first byte picks
/// which.
pub(crate) fn table(data: &[u8]) {
    let (name, body) = pick(
        data,
        &[
            "health.csv",
            "client.csv",
            "probes.csv",
            "members.csv",
            "lb.ndjson",
        ],
    );
    export_with(&[(name, body)], None);
}

/// A node's log; the first byte picks a built-in profile, or none to let the sniffer choose.
pub(crate) fn log(data: &[u8]) {
    let Some((&first, body)) = data.split_first() else {
        return;
    };
    let names = profile_names();
    let profile = match usize::from(first) % (names.len() + 1) {
        0 => None,
        i => Some(names[i - 1].as_str()),
    };
    export_with(&[("logs/n1.log", body)], profile);
}

/// Metrics: Prometheus text, a `query_range` response, or the long CSV (`ts,node,metric,value`);
/// the first byte picks which.
pub(crate) fn metrics(data: &[u8]) {
    let (name, body) = pick(
        data,
        &["metrics-raw/n1.prom", "query_range.json", "metrics.csv"],
    );
    export_with(&[(name, body)], None);
}

/// `incident.toml`, parsed on its own and as the configuration of a small export.
pub(crate) fn incident(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = rift_ingest::IncidentConfig::parse(text, Path::new("incident.toml"));
    }
    export_with(
        &[("incident.toml", data), ("counters.csv", SMALL_COUNTERS)],
        None,
    );
}

/// A log profile file (`rift ingest --profiles`).
pub(crate) fn profile(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = rift_ingest::Profile::parse(text, "profile.toml");
    }
}

/// A `rift replay` scenario: parsed, checked, its faults and links listed, written back.
pub(crate) fn scenario(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(s) = rift_replay::Scenario::parse(text, "scenario.toml") else {
        return;
    };
    if s.check().is_err() {
        return;
    }
    for phase in &s.phases {
        let _ = s.phase_links(phase);
    }
    let _ = s.faults();
    let _ = s.to_toml();
}

/// A corpus entry: front matter and text, and the diagnostic a bad one is shown with.
pub(crate) fn front_matter(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match rift_corpus::Entry::parse(text, Path::new("entries/x.md")) {
        Ok(entry) => {
            let _ = entry.year();
            let _ = entry.sketch_toml();
        }
        Err(e) => {
            let mut shown = String::new();
            let _ = miette::GraphicalReportHandler::new_themed(
                miette::GraphicalTheme::unicode_nocolor(),
            )
            .render_report(&mut shown, &e);
        }
    }
}

/// A node log read by one built-in profile alone (the line reader, the profile's layout and
/// timestamp parsing, its rules): the first byte picks the profile as in [`log`], its top bit
/// a year for year-less timestamps.
pub(crate) fn log_reader(data: &[u8]) {
    let Some((&first, body)) = data.split_first() else {
        return;
    };
    let year = (first & 0x80 != 0).then_some(2024);
    let path = scratch_file("n1.log", body);
    rift_ingest::fuzzing::log(&path, usize::from(first & 0x7f), year);
}

/// A table read by the CSV or NDJSON reader alone, every field of every row looked at; the
/// first byte picks the format (even: CSV).
pub(crate) fn table_reader(data: &[u8]) {
    let Some((&first, body)) = data.split_first() else {
        return;
    };
    let ndjson = first % 2 == 1;
    let path = scratch_file(if ndjson { "t.ndjson" } else { "t.csv" }, body);
    rift_ingest::fuzzing::table(&path, ndjson);
}

/// Metrics read by their reader alone: Prometheus text, a `query_range` response or the long
/// CSV table, picked by the first byte as in [`metrics`].
pub(crate) fn metrics_reader(data: &[u8]) {
    let (name, body) = pick(data, &["n1.prom", "query_range.json", "metrics.csv"]);
    let path = scratch_file(name, body);
    match name {
        "n1.prom" => rift_ingest::fuzzing::prom(&path),
        "query_range.json" => rift_ingest::fuzzing::query_range(&path),
        _ => rift_ingest::fuzzing::table(&path, false),
    }
}

/// libFuzzer's panic hook aborts (a finding); this keeps it from firing inside a decoder that
/// rift runs guarded, where a panic becomes an error naming the file, as it does for a user.
/// Called by the fuzz targets only: in a test process an abort would take every test down.
pub(crate) fn abort_on_unguarded_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let report = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !rift_ingest::decoding_untrusted() {
                report(info);
                std::process::abort();
            }
        }));
    });
}

/// Two minutes of a healthy three-member cluster, the background of the `incident` target.
const SMALL_COUNTERS: &[u8] = b"ts,node,peer,sent,received\n\
2024-01-01T00:00:00Z,n1,n2,10,10\n2024-01-01T00:00:00Z,n2,n1,10,10\n\
2024-01-01T00:00:01Z,n1,n2,10,10\n2024-01-01T00:00:01Z,n2,n1,10,10\n";

/// Splits off the first byte and uses it to choose among `names`.
fn pick<'a>(data: &'a [u8], names: &[&'static str]) -> (&'static str, &'a [u8]) {
    match data.split_first() {
        Some((&first, body)) => (names[usize::from(first) % names.len()], body),
        None => (names[0], data),
    }
}

fn profile_names() -> &'static Vec<String> {
    static NAMES: OnceLock<Vec<String>> = OnceLock::new();
    NAMES.get_or_init(|| {
        rift_ingest::builtin_profiles()
            .map(|ps| ps.into_iter().map(|p| p.name).collect())
            .unwrap_or_default()
    })
}

thread_local! {
    static SCRATCH: RefCell<Option<tempfile::TempDir>> = const { RefCell::new(None) };
}

/// A fresh, empty export folder for this thread (the same path each time, emptied).
fn scratch() -> PathBuf {
    SCRATCH.with(|s| {
        let mut s = s.borrow_mut();
        let dir = s.get_or_insert_with(|| {
            let shm = Path::new("/dev/shm");
            let base = if shm.is_dir() {
                tempfile::tempdir_in(shm)
            } else {
                tempfile::tempdir()
            };
            base.expect("a scratch folder for the fuzz harness")
        });
        let root = dir.path().join("export");
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).expect("the scratch export folder");
        root
    })
}

/// Writes `body` as the one file `name` of a fresh scratch folder.
fn scratch_file(name: &str, body: &[u8]) -> PathBuf {
    let path = scratch().join(name);
    std::fs::write(&path, body).expect("writing the scratch file");
    path
}

/// Writes `files` into a fresh export and runs what `rift classify` runs on it: read, build the
/// timeline, classify. Checks that every line read is used or skipped.
fn export_with(files: &[(&str, &[u8])], log_profile: Option<&str>) {
    let root = scratch();
    for (name, body) in files {
        let path = root.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("the scratch export's folders");
        }
        std::fs::write(&path, body).expect("writing the scratch export");
    }
    let options = ReadOptions {
        batch_rows: 1024,
        log_profile: log_profile.map(str::to_owned),
        ..ReadOptions::default()
    };
    let Ok(export) = IncidentFolder::open(&root, &options) else {
        return;
    };
    let mut builder = TimelineBuilder::new();
    let Ok(report) = export.stream(&NoProgress, &mut |df| Ok(builder.add(&df)?)) else {
        return;
    };
    for file in &report.accounting.files {
        let skipped: u64 = file.skipped.values().sum();
        assert_eq!(
            file.rows_read,
            file.rows_used + skipped,
            "{}: {} lines read, {} used, {:?} skipped",
            file.path,
            file.rows_read,
            file.rows_used,
            file.skipped
        );
    }
    let (timeline, trail) = builder.finish_traced();
    if timeline.windows > 0 {
        let _ = classify(
            &timeline,
            Some(&trail),
            &report.event_rows,
            &Options::default(),
        );
    }
}
