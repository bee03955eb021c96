//! The whole pipeline on an incident export, as `rift classify` and `rift report` run it: the
//! verdict in the words `rift classify` prints, the scenario replay would run, and the public
//! incidents most like it.
//!
//! ```sh
//! cargo run -p rift-pipeline --example review                    # the shipped etcd export
//! cargo run -p rift-pipeline --example review -- path/to/export
//! ```

use std::error::Error;
use std::io::Write;
use std::path::{Path, PathBuf};

use rift_ingest::NoProgress;
use rift_ingest::inert::escape;
use rift_pipeline::{VerdictSettings, scenario_of_incident, similar, verdict};

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
    review(&dir, &mut std::io::stdout().lock())
}

fn review(dir: &Path, out: &mut dyn Write) -> Result<(), Box<dyn Error>> {
    // ingest → reach → classify, with `rift classify`'s defaults; the detector in use is the
    // one incident.toml names, else the one a system's log line gives.
    let (incident, verdict) = verdict(dir, &VerdictSettings::default(), &NoProgress)?;
    out.write_all(rift_classify::text::render(&verdict).as_bytes())?;

    // replay: the faults of the verdict, on the inferred timeline, as a scenario file.
    let scenario = scenario_of_incident(&incident, &verdict)?;
    writeln!(
        out,
        "\nreplayable as a scenario of {} members, phases: {} (`rift replay {}`)",
        scenario.cluster.nodes.len(),
        scenario.phases.len(),
        escape(&dir.display().to_string())
    )?;

    // corpus: the public incidents most like this one, from the index rift caches.
    let corpus = rift_corpus::Corpus::load(&rift_corpus::default_dir())?;
    match similar(&corpus, &verdict, 3) {
        Ok(found) => {
            writeln!(out, "\nsimilar public incidents:")?;
            for s in found {
                writeln!(out, "  {} ({})", escape(&s.title), escape(&s.id))?;
            }
        }
        Err(why) => writeln!(out, "\nno similar public incidents: {}", escape(&why))?,
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn reviews_the_shipped_export() {
        let mut out = Vec::new();
        super::review(&super::shipped(), &mut out).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert!(out.contains("asymmetric"), "{out}");
        assert!(
            out.contains("replayable as a scenario of 3 members"),
            "{out}"
        );
    }
}
