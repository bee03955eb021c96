//! Integration tests of rift-reach: the timeline of each hand-built fixture export.

mod fixtures;
mod json;
mod round_trip;

use std::path::Path;

use rift_ingest::{Export, NoProgress, ReadOptions};
use rift_reach::{Timeline, TimelineBuilder};

/// Builds the timeline of a fixture export with default settings, streaming small batches.
pub(crate) fn timeline(name: &str) -> Timeline {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/incidents")
        .join(name);
    let export = Export::open(
        &dir,
        &ReadOptions {
            batch_rows: 100,
            ..ReadOptions::default()
        },
    )
    .unwrap();
    let mut b = TimelineBuilder::new();
    export
        .stream(&NoProgress, &mut |df| b.add(&df).map_err(|e| e.to_string()))
        .unwrap();
    b.finish()
}
