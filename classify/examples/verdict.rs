//! The verdict on an incident export, built with the calls `rift classify` makes: the primary
//! mode, each episode with its failing edges, and where the failure detector in use falls short
//! and what would close the gap.
//!
//! ```sh
//! cargo run -p rift-classify --example verdict                    # the shipped etcd export
//! cargo run -p rift-classify --example verdict -- path/to/export
//! ```

use std::error::Error;
use std::io::Write;
use std::path::{Path, PathBuf};

use rift_classify::detector::InUse;
use rift_classify::{Options, Verdict, classify, text};
use rift_ingest::inert::escape;
use rift_ingest::{IncidentFolder, NoProgress, ReadOptions};
use rift_reach::TimelineBuilder;

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
    verdict(&dir, &mut std::io::stdout().lock())
}

fn verdict(dir: &Path, out: &mut dyn Write) -> Result<(), Box<dyn Error>> {
    // ingest → reach: the observations become a timeline as they are read. `finish_traced`
    // also keeps the trail, the input rows behind each series, which the verdict quotes.
    let export = IncidentFolder::open(dir, &ReadOptions::default())?;
    let mut builder = TimelineBuilder::new();
    let report = export.stream(&NoProgress, &mut |batch| Ok(builder.add(&batch)?))?;
    let (timeline, trail) = builder.finish_traced();

    // The detector in use: `[detector]` in incident.toml, else what a system's log said
    // (etcd's start-up line names Raft with its timeouts).
    let config = export.config();
    let detector = InUse::choose(None, &config.detector, report.detector.as_ref())?;

    // classify: the timeline into episodes (the events tell a restarted node from a cut one),
    // then the gap analysis of each episode against the detector's model. The options are
    // `rift classify`'s defaults.
    let events = &report.event_rows;
    let classification = classify(&timeline, Some(&trail), events, &Options::default());
    let title = config.incident.get("title").and_then(|t| t.as_str());
    let verdict = Verdict::new(title.map(str::to_owned), classification, detector, events);

    // What came from the export (node names, log lines) is escaped before it reaches a terminal.
    let c = &verdict.classification;
    if let Some(title) = &verdict.title {
        writeln!(out, "incident  {}", escape(title))?;
    }
    if let Some(d) = &verdict.detector {
        let source = d.describe_source();
        writeln!(out, "detector  {}, {}", d.detector.name, escape(&source))?;
    }
    writeln!(out, "verdict   {}", c.primary)?;
    for episode in &c.episodes {
        let headline = text::headline(episode);
        writeln!(out, "\nepisode {}  {}", episode.id, escape(&headline))?;
        writeln!(
            out,
            "  {} – {} ({:.1} s), confidence {:.2}",
            episode.start,
            episode.end,
            episode.duration_s(),
            episode.confidence
        )?;
        for edge in &episode.edges {
            writeln!(out, "  {}", escape(&text::edge(edge)))?;
        }
        for gap in verdict.gaps.iter().filter(|g| g.episode == episode.id) {
            writeln!(out, "  gap: {} — {}", gap.gap.as_str(), gap.reason)?;
            for fix in &gap.fixes {
                writeln!(out, "  fix: {}", fix.change)?;
            }
        }
    }
    // `rift classify` prints `text::render(&verdict)`: all of this, with the evidence rows,
    // the notes and each fix's false-positive cost.
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn classifies_the_shipped_export() {
        let mut out = Vec::new();
        super::verdict(&super::shipped(), &mut out).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert!(out.contains("verdict   asymmetric"), "{out}");
        assert!(
            out.contains("asymmetric: n1 is not heard by n2, n3"),
            "{out}"
        );
        assert!(out.contains("gap: design"), "{out}");
    }
}
