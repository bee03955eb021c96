//! Killing rift while it writes: a report under its final name is always whole, and a corpus
//! index whose build was cut short is never used.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Runs `rift args` with `env`, killing it (SIGKILL) after `after` unless it ends first.
fn run_killed(args: &[&str], env: &[(&str, &Path)], after: Duration) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rift"));
    cmd.args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("rift starts");
    let start = Instant::now();
    while start.elapsed() < after {
        if child.try_wait().unwrap().is_some() {
            return;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let _ = child.kill();
    child.wait().unwrap();
}

/// How long a whole run takes, and its standard output.
fn timed(args: &[&str], env: &[(&str, &Path)]) -> (Duration, Vec<u8>) {
    let start = Instant::now();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rift"));
    cmd.args(args).current_dir(env!("CARGO_MANIFEST_DIR"));
    for (k, v) in env {
        cmd.env(k, v);
    }
    let o = cmd.output().unwrap();
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    (start.elapsed(), o.stdout)
}

/// Kill points spread over a run of length `whole`, from the very start to past its end.
fn kill_points(whole: Duration, n: u32) -> impl Iterator<Item = Duration> {
    (0..n).map(move |i| whole * i / (n - 1) + Duration::from_millis(u64::from(i % 3)))
}

#[test]
fn a_killed_report_write_leaves_no_half_written_report() {
    let dir = tempfile::tempdir().unwrap();
    // The same file name as the killed runs: the report links its figures by that name.
    std::fs::create_dir_all(dir.path().join("reference")).unwrap();
    let reference = dir.path().join("reference/report.md");
    let base = [
        "report",
        "examples/etcd-asymmetric",
        "--compare",
        "none",
        "--format",
        "md",
        "-o",
    ];
    let args = |out: &Path| {
        let mut a: Vec<String> = base.iter().map(|s| s.to_string()).collect();
        a.push(out.to_str().unwrap().to_owned());
        a
    };
    let ref_args = args(&reference);
    let ref_args: Vec<&str> = ref_args.iter().map(String::as_str).collect();
    let (whole, _) = timed(&ref_args, &[]);
    let expected = std::fs::read(&reference).unwrap();

    for (i, at) in kill_points(whole, 16).enumerate() {
        let out_dir = dir.path().join(format!("run-{i}"));
        std::fs::create_dir_all(&out_dir).unwrap();
        let out = out_dir.join("report.md");
        let a = args(&out);
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        run_killed(&a, &[], at);
        if out.exists() {
            assert!(
                std::fs::read(&out).unwrap() == expected,
                "killed after {at:?}: the report under its final name is not the whole report"
            );
            // Figures are written before the document that links to them.
            for figure in std::fs::read_dir(reference.with_extension("figures")).unwrap() {
                let name = figure.unwrap().file_name();
                assert!(
                    out_dir.join("report.figures").join(&name).is_file(),
                    "{name:?}"
                );
            }
        }
    }
}

#[test]
fn a_killed_corpus_index_build_is_never_used() {
    let dir = tempfile::tempdir().unwrap();
    let args = ["corpus", "search", "partition", "--limit", "50"];
    let fresh = dir.path().join("fresh");
    let (whole, expected) = timed(&args, &[("RIFT_CACHE_DIR", &fresh)]);

    for (i, at) in kill_points(whole, 16).enumerate() {
        let cache = dir.path().join(format!("cache-{i}"));
        run_killed(&args, &[("RIFT_CACHE_DIR", &cache)], at);
        // The next search answers exactly as a clean one does, from a complete index.
        let (_, got) = timed(&args, &[("RIFT_CACHE_DIR", &cache)]);
        assert_eq!(
            String::from_utf8_lossy(&got),
            String::from_utf8_lossy(&expected),
            "killed after {at:?}"
        );
        let indexes: Vec<_> = std::fs::read_dir(&cache)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("corpus-"))
            .collect();
        assert_eq!(indexes.len(), 1, "one index in use: {indexes:?}");
    }
}
