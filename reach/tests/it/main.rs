//! Integration tests of rift-reach: the timeline of each hand-built fixture export.

mod fixtures;
mod json;
mod round_trip;

use std::path::Path;

use rift_ingest::{IncidentFolder, NoProgress, ReadOptions};
use rift_reach::{Timeline, TimelineBuilder};

/// Builds the timeline of a fixture export with default settings, streaming small batches.
pub(crate) fn timeline(name: &str) -> Timeline {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/incidents")
        .join(name);
    let export = IncidentFolder::open(
        &dir,
        &ReadOptions {
            batch_rows: 100,
            ..ReadOptions::default()
        },
    )
    .unwrap();
    let mut b = TimelineBuilder::new();
    export
        .stream(&NoProgress, &mut |df| Ok(b.add(&df)?))
        .unwrap();
    b.finish()
}
