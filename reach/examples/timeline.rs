//! The reachability timeline of an incident export: every period when a direction was not up,
//! with its estimate, then the src × dst grid at the first moment anything failed.
//!
//! ```sh
//! cargo run -p rift-reach --example timeline                      # the shipped example
//! cargo run -p rift-reach --example timeline -- path/to/export
//! ```

use std::error::Error;
use std::io::Write;
use std::path::{Path, PathBuf};

use rift_ingest::inert::escape_keep_lines;
use rift_ingest::{IncidentFolder, NoProgress, ReadOptions};
use rift_reach::TimelineBuilder;
use rift_reach::format::{Format, View, first_fault, matrix::Matrix, text::Text};

/// The small hand-made export shipped at the workspace root: a leader that cannot hear.
fn shipped() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/asymmetric-leader")
}

fn main() -> std::process::ExitCode {
    // The error's own message, as `rift` prints it (a `main` that returns it prints its
    // debug form).
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn Error>> {
    let dir = std::env::args_os()
        .nth(1)
        .map_or_else(shipped, PathBuf::from);
    timeline(&dir, &mut std::io::stdout().lock())
}

fn timeline(dir: &Path, out: &mut dyn Write) -> Result<(), Box<dyn Error>> {
    // Ingest streams the observations in batches; the builder counts each batch into its
    // windows as it arrives, so the whole table is never held at once. The defaults are those
    // of `rift graph`: 1 s windows, up at 90 % delivery, down at 10 %, 5 s fill.
    let export = IncidentFolder::open(dir, &ReadOptions::default())?;
    let mut builder = TimelineBuilder::new();
    export.stream(&NoProgress, &mut |batch| Ok(builder.add(&batch)?))?;
    let timeline = builder.finish();

    // The timeline is change points per direction; the formats render it.
    let mut shown = Vec::new();
    Text.write(&timeline, &View::default(), &mut shown)?;
    let at = first_fault(&timeline, &View::default());
    writeln!(shown, "\nat the first fault:")?;
    let moment = View {
        at: Some(at),
        ..View::default()
    };
    Matrix.write(&timeline, &moment, &mut shown)?;

    // Node names come from the export: control characters are escaped on the way out.
    write!(
        out,
        "{}",
        escape_keep_lines(&String::from_utf8_lossy(&shown))
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn shows_the_shipped_timeline() {
        let mut out = Vec::new();
        super::timeline(&super::shipped(), &mut out).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert!(out.contains("n2 → n1  down"), "{out}");
        assert!(out.contains("at the first fault:"), "{out}");
    }
}
