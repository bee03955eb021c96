//! A scenario replayed in the deterministic cluster simulator under several variants, side by
//! side: the cluster's own settings, Raft with PreVote and CheckQuorum, and two failure-detector
//! models run beside it. Prints the outcome table and what happened under each variant.
//!
//! ```sh
//! cargo run -p rift-replay --example compare                      # a shipped scenario
//! cargo run -p rift-replay --example compare -- path/to/scenario.toml
//! ```

use std::error::Error;
use std::io::Write;
use std::path::{Path, PathBuf};

use rift_replay::{Scenario, Seed, Variant, compare};

/// The variants, as `rift replay --compare` takes them.
const VARIANTS: &str = "current,current+prevote+checkquorum,phi,swim";

/// A scenario shipped in `replay/scenarios/`: the leader n1 stops hearing its followers for
/// 15 s while they still hear it.
fn shipped() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/n1-cannot-hear.toml")
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
    let path = std::env::args_os()
        .nth(1)
        .map_or_else(shipped, PathBuf::from);
    replay(&path, &mut std::io::stdout().lock())
}

fn replay(path: &Path, out: &mut dyn Write) -> Result<(), Box<dyn Error>> {
    let scenario = Scenario::load(path)?;

    // Every random choice flows from one seed (the scenario's, else 1): the same seed gives
    // the same run, byte for byte, and every variant runs with it.
    let seed = Seed(scenario.seed.unwrap_or(1));
    let variants = Variant::parse_list(VARIANTS)?;
    let comparison = compare(&scenario, &variants, seed)?;

    // The table (its columns explained by `TABLE_LEGEND`), then each variant's story.
    write!(out, "{}", comparison.to_text())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn replays_the_shipped_scenario() {
        let mut out = Vec::new();
        super::replay(&super::shipped(), &mut out).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert!(
            out.starts_with("replay of n1 cannot hear: 3 members"),
            "{out}"
        );
        assert!(out.contains("\ncurrent+prevote+checkquorum "), "{out}");
    }
}
