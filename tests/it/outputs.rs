//! Where `-o` writes: a regular file is replaced whole, a symbolic link is written through, a
//! device is written into and never replaced, a folder is refused.

use std::path::Path;

use crate::{rift, stderr};

/// Every command that takes `-o FILE`, writing to `out`.
fn writers(out: &str) -> Vec<Vec<String>> {
    let owned = |a: &[&str]| a.iter().map(|s| (*s).to_owned()).collect();
    vec![
        owned(&["ingest", "examples/asymmetric-leader", "-o", out]),
        owned(&["report", "examples/asymmetric-leader", "-o", out]),
        owned(&[
            "report",
            "examples/asymmetric-leader",
            "--format",
            "md",
            "-o",
            out,
        ]),
        owned(&[
            "export",
            "replay/scenarios/textbook-asymmetric.toml",
            "--to",
            "iptables",
            "-o",
            out,
        ]),
        owned(&[
            "export",
            "replay/scenarios/textbook-asymmetric.toml",
            "--to",
            "jepsen",
            "-o",
            out,
        ]),
    ]
}

fn run(args: &[String]) -> std::process::Output {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    rift(&args)
}

#[cfg(unix)]
fn is_char_device(p: &Path) -> bool {
    use std::os::unix::fs::FileTypeExt;
    std::fs::metadata(p).unwrap().file_type().is_char_device()
}

#[cfg(unix)]
#[test]
fn a_device_named_with_o_is_written_into_and_stays_a_device() {
    for args in writers("/dev/null") {
        let o = run(&args);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        assert!(is_char_device(Path::new("/dev/null")), "{args:?}");
    }
    // /dev/stdout leads to this process's pipe: what is written arrives there.
    let o = run(&writers("/dev/stdout")[3]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout).starts_with("#!/usr/bin/env bash\n"),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_named_with_o_is_written_through_and_stays_a_link() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real");
    let link = dir.path().join("link");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    for args in writers(link.to_str().unwrap()) {
        std::fs::write(&real, "before").unwrap();
        let o = run(&args);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        let meta = std::fs::symlink_metadata(&link).unwrap();
        assert!(meta.file_type().is_symlink(), "{args:?} replaced the link");
        assert_ne!(std::fs::read(&real).unwrap(), b"before", "{args:?}");
    }
    // No temporary file is left behind (the Markdown report's figures folder is meant).
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["link", "link.figures", "real"]);
}

#[cfg(unix)]
#[test]
fn a_link_that_leads_nowhere_or_a_folder_is_refused_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let dangling = dir.path().join("dangling");
    std::os::unix::fs::symlink(dir.path().join("no/such/file"), &dangling).unwrap();
    for args in writers(dangling.to_str().unwrap()) {
        let o = run(&args);
        assert!(!o.status.success(), "{args:?}");
        assert!(
            stderr(&o).contains("a symbolic link that leads nowhere"),
            "{args:?}: {}",
            stderr(&o)
        );
    }
    for args in writers(dir.path().to_str().unwrap()) {
        let o = run(&args);
        assert!(!o.status.success(), "{args:?}");
        assert!(
            stderr(&o).contains("it is a folder; name a file in it"),
            "{args:?}: {}",
            stderr(&o)
        );
    }
}
