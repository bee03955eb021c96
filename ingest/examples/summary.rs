//! What an incident export holds, file by file: how each file was read, how many of its lines
//! were used or skipped and why, the nodes and channels found, and the failure detector's
//! settings when a system's log gave them.
//!
//! ```sh
//! cargo run -p rift-ingest --example summary                      # the shipped etcd export
//! cargo run -p rift-ingest --example summary -- path/to/export
//! ```

use std::error::Error;
use std::io::Write;
use std::path::{Path, PathBuf};

use rift_ingest::inert::escape;
use rift_ingest::{IncidentFolder, NoProgress, ReadOptions, format_ts};

/// The etcd export shipped at the workspace root.
fn shipped() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/etcd-asymmetric")
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
    summary(&dir, &mut std::io::stdout().lock())
}

fn summary(dir: &Path, out: &mut dyn Write) -> Result<(), Box<dyn Error>> {
    // Opening lists the files and reads `incident.toml`; nothing else is read yet.
    let export = IncidentFolder::open(dir, &ReadOptions::default())?;
    // `stream` hands the observations to a callback batch by batch (reach builds its timeline
    // there); this summary needs only what comes back once every file is read.
    let report = export.stream(&NoProgress, &mut |_batch| Ok(()))?;

    // Every line of every file is used or skipped with a reason: rows_read = used + skipped.
    // Names and reasons come from the export, so they are escaped before they reach a terminal.
    writeln!(out, "{}", escape(&dir.display().to_string()))?;
    for file in &report.accounting.files {
        writeln!(
            out,
            "  {:<28} {:<9} {:>6} rows, {:>6} used, {:>5} skipped",
            escape(&file.path),
            file.kind.as_str(),
            file.rows_read,
            file.rows_used,
            file.rows_skipped()
        )?;
        for (reason, count) in &file.skipped {
            writeln!(out, "      {count} × {}", escape(reason))?;
        }
    }

    let summary = &report.summary;
    writeln!(out, "nodes     {}", escape(&summary.nodes.join(", ")))?;
    let channels: Vec<&str> = summary.channels.iter().map(|c| c.as_str()).collect();
    writeln!(out, "channels  {}", channels.join(", "))?;
    if let (Some(start), Some(end)) = (summary.start_ns, summary.end_ns) {
        writeln!(out, "span      {} – {}", format_ts(start), format_ts(end))?;
    }
    writeln!(
        out,
        "rows      {} observations, {} events",
        summary.observations, summary.events
    )?;

    // A system's start-up line (etcd's, say) gives its failure detector and settings; classify
    // compares the incident with that detector.
    match &report.detector {
        Some(settings) => writeln!(
            out,
            "detector  {} ({}), from {}",
            settings.detector,
            escape(&settings.reason),
            escape(&settings.origin)
        )?,
        None => writeln!(out, "detector  no log line named it")?,
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn summarises_the_shipped_export() {
        let mut out = Vec::new();
        super::summary(&super::shipped(), &mut out).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert!(out.contains("  logs/n1.log "), "{out}");
        assert!(out.contains("nodes     client, n1, n2, n3"), "{out}");
        assert!(out.contains("detector  raft (etcd 3.4.23"), "{out}");
    }
}
