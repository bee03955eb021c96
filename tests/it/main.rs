//! End-to-end tests of the `rift` binary.

mod arguments;
mod browser;
mod cli;
mod corpus;
mod durability;
mod envelopes;
mod events;
mod export;
mod fidelity;
mod fuzz_corpus;
#[allow(dead_code)]
#[path = "../../fuzz/harness.rs"]
mod fuzz_harness;
mod hostile;
mod hostile_export;
mod lab;
mod netns;
mod outputs;
mod recordings;
mod reference;
mod report;
mod sketches;
mod synth;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub(crate) fn rift(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rift"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the rift binary runs")
}

pub(crate) fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub(crate) fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A file under the project's `tests/fixtures/`.
pub(crate) fn root_fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

pub(crate) fn shared(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared")
        .join(rel)
}

/// Makes a FIFO at `path` (`mkfifo`), for tests of what rift does with one.
pub(crate) fn mkfifo(path: impl AsRef<Path>) {
    let status = Command::new("mkfifo")
        .arg(path.as_ref())
        .status()
        .expect("mkfifo runs");
    assert!(status.success(), "mkfifo {}", path.as_ref().display());
}
