//! The fuzz targets' committed inputs, replayed: every seed, and every input that once crashed a
//! target (`fuzz/regressions/<target>/`), must run through the same harness as `cargo fuzz` does
//! without a panic and with every line read accounted for.

use std::path::Path;

use super::fuzz_harness::TARGETS;

#[test]
fn every_committed_fuzz_input_runs_clean() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut ran = 0;
    for (target, run) in TARGETS {
        let mut inputs = Vec::new();
        for folder in ["corpus", "regressions"] {
            let Ok(entries) = std::fs::read_dir(root.join(folder).join(target)) else {
                continue;
            };
            inputs.extend(entries.map(|e| e.unwrap().path()));
        }
        inputs.sort();
        assert!(
            inputs.iter().any(|p| p.starts_with(root.join("corpus"))),
            "{target}: no seeds in fuzz/corpus/{target} (python3 fuzz/make_seeds.py)"
        );
        for input in inputs {
            let data = std::fs::read(&input).unwrap();
            let outcome = std::panic::catch_unwind(|| run(&data));
            assert!(
                outcome.is_ok(),
                "{}: the {target} target panicked",
                input.display()
            );
            ran += 1;
        }
    }
    assert!(ran >= TARGETS.len());
}
