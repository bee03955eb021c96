//! The review report of an incident export, as Markdown on standard output: every stage of the
//! pipeline in turn, the way `rift report --format md -o -` runs them (the pictures are left
//! out; `rift report` writes them as SVG files beside the document).
//!
//! ```sh
//! cargo run -p rift-reports --example markdown                    # the shipped etcd export
//! cargo run -p rift-reports --example markdown -- path/to/export > report.md
//! ```

use std::error::Error;
use std::io::Write;
use std::path::{Path, PathBuf};

use rift_classify::detector::InUse;
use rift_classify::{Options, Verdict, classify};
use rift_corpus::{Corpus, CorpusIndex};
use rift_ingest::{IncidentFolder, NoProgress, ReadOptions};
use rift_reach::TimelineBuilder;
use rift_replay::{Seed, Variant, compare, scenario_from_incident};
use rift_reports::{Format, Inputs, Markdown, Report};

/// The variants the report's replay compares, as `rift replay --compare` takes them.
const VARIANTS: &str = "current,current+prevote+checkquorum,bidi";
/// The seed of the replay; the report prints it, and the same seed gives the same table.
const SEED: u64 = 1;

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
    markdown(&dir, &mut std::io::stdout().lock())
}

fn markdown(dir: &Path, out: &mut dyn Write) -> Result<(), Box<dyn Error>> {
    // ingest → reach: the timeline, the rows behind it, the events and the accounting.
    let export = IncidentFolder::open(dir, &ReadOptions::default())?;
    let mut builder = TimelineBuilder::new();
    let read = export.stream(&NoProgress, &mut |batch| Ok(builder.add(&batch)?))?;
    let (timeline, trail) = builder.finish_traced();
    let events = &read.event_rows;

    // classify: the verdict and the gap analysis against the detector in use, as
    // `cargo run -p rift-classify --example verdict` shows step by step.
    let config = export.config();
    let detector = InUse::choose(None, &config.detector, read.detector.as_ref())?;
    let title = config.incident.get("title").and_then(|t| t.as_str());
    let verdict = Verdict::new(
        title.map(str::to_owned),
        classify(&timeline, Some(&trail), events, &Options::default()),
        detector,
        events,
    );

    // replay: the inferred timeline as a scenario, run under each variant with one seed.
    let scenario = scenario_from_incident(&verdict, &timeline, events)?;
    let comparison = compare(&scenario, &Variant::parse_list(VARIANTS)?, Seed(SEED))?;

    // corpus: public incidents of the same mode, from an index built in a temporary folder.
    let corpus = Corpus::load(&rift_corpus::default_dir())?;
    let cache = tempfile::tempdir()?;
    let index = CorpusIndex::open_or_build(&corpus, cache.path())?;
    let similar = rift_reports::similar::find(&index, &corpus, &verdict, 3)?;

    // reports: gather it all, then render. A section whose input is an `Err` says why it is
    // empty instead (`rift report --compare none` leaves the replay out that way).
    let source = dir.display().to_string();
    let report = Report::build(&Inputs {
        source: &source,
        verdict: &verdict,
        timeline: &timeline,
        events,
        accounting: &read.accounting,
        invariants: &read.invariants,
        replay: Ok(&comparison),
        replay_command: format!("rift replay {source} --compare {VARIANTS} --seed {SEED}"),
        similar: Ok(similar),
        generator: format!("rift-reports {} (example)", env!("CARGO_PKG_VERSION")),
    });
    // The templates escape everything that came from the export for Markdown.
    let rendered = Markdown { figures: None }.render(&report)?;
    out.write_all(rendered.document.as_bytes())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn reports_on_the_shipped_export() {
        let mut out = Vec::new();
        super::markdown(&super::shipped(), &mut out).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert!(
            out.starts_with("# etcd 3.4: the leader n1 could not send"),
            "{out}"
        );
        assert!(out.contains("current+prevote+checkquorum"), "{out}");
    }
}
