//! Integration tests of rift-ingest.

mod accounting;
mod bad_input;
mod formats;
mod metrics;
mod overrides;
mod profiles;
mod recordings;
mod settings;

use std::path::{Path, PathBuf};

use rift_ingest::{IncidentFolder, Ingested, NoProgress, ReadOptions};

pub(crate) fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/incidents")
        .join(name)
}

pub(crate) fn read(dir: &Path) -> Ingested {
    IncidentFolder::open(dir, &ReadOptions::default())
        .unwrap()
        .read(&NoProgress)
        .unwrap()
}

/// A column as strings (nulls as empty strings).
pub(crate) fn strings(df: &polars::prelude::DataFrame, name: &str) -> Vec<String> {
    use polars::prelude::DataType;
    let c = df.column(name).unwrap().cast(&DataType::String).unwrap();
    c.str()
        .unwrap()
        .iter()
        .map(|v| v.unwrap_or_default().to_owned())
        .collect()
}

/// The account of the file at `path`.
pub(crate) fn account<'a>(got: &'a Ingested, path: &str) -> &'a rift_ingest::FileAccount {
    got.accounting
        .files
        .iter()
        .find(|f| f.path == path)
        .unwrap()
}

pub(crate) fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}
