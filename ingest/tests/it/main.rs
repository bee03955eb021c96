//! Integration tests of rift-ingest.

mod bad_input;
mod formats;
mod metrics;
mod profiles;
mod recordings;

use std::path::{Path, PathBuf};

use rift_ingest::{Export, Ingested, NoProgress, ReadOptions};

pub(crate) fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/incidents")
        .join(name)
}

pub(crate) fn read(dir: &Path) -> Ingested {
    Export::open(dir, &ReadOptions::default())
        .unwrap()
        .read(&NoProgress)
        .unwrap()
}

pub(crate) fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}
