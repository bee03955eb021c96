//! Integration tests of rift-classify.

mod catalogue;
mod fixtures;
mod gaps;
mod props;
mod recordings;

use std::path::{Path, PathBuf};

use rift_classify::{Classification, Options, classify};
use rift_ingest::model::Event;
use rift_ingest::{IncidentFolder, NoProgress, ReadOptions};
use rift_reach::TimelineBuilder;

/// The repository root.
pub(crate) fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Reads an export and classifies it with the default options.
pub(crate) fn classify_dir(dir: &Path) -> (Classification, Vec<Event>) {
    classify_dir_with(dir, &Options::default())
}

/// Reads an export and classifies it with `options`.
pub(crate) fn classify_dir_with(dir: &Path, options: &Options) -> (Classification, Vec<Event>) {
    let export = IncidentFolder::open(dir, &ReadOptions::default()).expect("export opens");
    let mut builder = TimelineBuilder::new();
    let report = export
        .stream(&NoProgress, &mut |df| Ok(builder.add(&df)?))
        .expect("export reads");
    let (timeline, trail) = builder.finish_traced();
    let c = classify(&timeline, Some(&trail), &report.event_rows, options);
    (c, report.event_rows)
}

/// Node names of an episode's subject.
pub(crate) fn subject(e: &rift_classify::Episode) -> Vec<&str> {
    e.subject.iter().map(|n| n.0.as_str()).collect()
}
