//! Integration tests of the simulator: the textbook scenario, outcomes a reviewer reads, the
//! detector models and determinism.

mod detectors;
mod determinism;
mod outcomes;
mod textbook;

use rift_replay::{Outcome, Scenario, Seed, Sim, Variant};

/// Runs `text` (a scenario file) under `variant` with seed 1.
pub(crate) fn run(text: &str, variant: &str) -> Outcome {
    let s = Scenario::parse(text, "test.toml").expect("test scenario parses");
    Sim::new(&s, &Variant::parse(variant).unwrap(), Seed(1))
        .run()
        .unwrap()
}

/// Three members, n1 leading at term 3, a client; `phases` appended.
pub(crate) fn three(phases: &str) -> String {
    format!(
        r#"
duration = "40s"
[cluster]
nodes = ["n1", "n2", "n3"]
leader = "n1"
term = 3
{phases}
"#
    )
}
