//! `rift corpus`: the shipped corpus checks clean; a malformed entry is shown with its span.

use crate::{rift, stderr, stdout};

#[test]
fn the_shipped_corpus_checks_clean() {
    let o = rift(&["corpus", "check"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).ends_with("entries, all valid\n"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn a_malformed_entry_is_shown_with_file_line_and_span() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("x-2020-y.md"),
        "+++\nid = \"x-2020-y\"\ntitle = \"t\"\norg = \"o\"\ndate = \"2020\"\nkind = \"incident\"\nsystems = [\"swich\"]\n",
    )
    .unwrap();
    let o = rift(&["corpus", "--entries", dir.path().to_str().unwrap(), "check"]);
    assert_eq!(o.status.code(), Some(3));
    let err = stderr(&o);
    assert!(err.contains("x-2020-y.md:1:1"), "{err}");
    assert!(err.contains("not closed"), "{err}");
    std::fs::write(
        dir.path().join("x-2020-y.md"),
        "+++\nid = \"x-2020-y\"\ntitle = \"t\"\norg = \"o\"\ndate = \"2020\"\nkind = \"incident\"\nsystems = [\"swich\"]\n+++\nbody.\n",
    )
    .unwrap();
    let o = rift(&["corpus", "--entries", dir.path().to_str().unwrap(), "check"]);
    let err = stderr(&o);
    assert!(err.contains("x-2020-y.md:7:12"), "{err}");
    assert!(err.contains("systems = [\"swich\"]"), "{err}");
    assert!(err.contains("unknown variant `swich`"), "{err}");
}

#[test]
fn an_unknown_id_or_mode_is_a_usage_error() {
    let o = rift(&["corpus", "show", "no-such-entry"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("rift corpus list"), "{}", stderr(&o));
    let o = rift(&["corpus", "list", "--mode", "sideways"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("complete, asymmetric"),
        "{}",
        stderr(&o)
    );
}

fn rift_cached(cache: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_rift"))
        .args(args)
        .env("RIFT_CACHE_DIR", cache)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap()
}

#[test]
fn search_prints_ranked_hits_with_facets_as_text_and_json() {
    let cache = tempfile::tempdir().unwrap();
    let o = rift_cached(
        cache.path(),
        &["corpus", "search", "split brain", "--limit", "3"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("entries match"), "{text}");
    assert!(text.contains(" 1. ") && text.contains("**"), "{text}");
    let o = rift_cached(
        cache.path(),
        &[
            "corpus",
            "search",
            "switch",
            "--mode",
            "complete",
            "--year",
            "2010..2014",
            "--json",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["schema"], "rift.corpus.search/1");
    let hits = v["hits"].as_array().unwrap();
    assert!(!hits.is_empty());
    for h in hits {
        let y: u32 = h["date"].as_str().unwrap()[..4].parse().unwrap();
        assert!((2010..=2014).contains(&y), "{h}");
    }
    assert!(
        v["facets"]["mode"]
            .as_object()
            .unwrap()
            .contains_key("complete")
    );
    let o = rift_cached(cache.path(), &["corpus", "search", "x", "--year", "soon"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn similar_takes_an_id_or_a_file() {
    let cache = tempfile::tempdir().unwrap();
    let o = rift_cached(
        cache.path(),
        &["corpus", "similar", "github-2012-mlag-split", "--json"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        v["hits"]
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h["id"] != "github-2012-mlag-split")
    );
    let file = cache.path().join("pm.txt");
    std::fs::write(
        &file,
        "A DNS resolver stopped answering and every service lookup timed out.",
    )
    .unwrap();
    let o = rift_cached(cache.path(), &["corpus", "similar", file.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = rift_cached(cache.path(), &["corpus", "similar", "no-such-thing"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn classify_reads_stdin_and_add_drafts_an_entry_that_checks_once_filled_in() {
    use std::io::Write as _;
    let text = "Our switch flapped for an hour and the cluster kept losing quorum.";
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_rift"))
        .args(["corpus", "classify", "-", "--json"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["schema"], "rift.corpus.classify/1");
    assert_eq!(v["verdict"]["primary"], "flapping");
    assert!(
        v["verdict"]["evidence"][0]["phrase"]
            .as_str()
            .unwrap()
            .contains("flapped")
    );

    let dir = tempfile::tempdir().unwrap();
    let pm = dir.path().join("pm.txt");
    std::fs::write(&pm, format!("# Switch trouble\n{text}\n")).unwrap();
    let entry = dir.path().join("acme-2025-switch-flap.md");
    let o = rift(&[
        "corpus",
        "add",
        pm.to_str().unwrap(),
        "--id",
        "acme-2025-switch-flap",
        "--source",
        "https://example.com/pm",
        "-o",
        entry.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let draft = std::fs::read_to_string(&entry).unwrap();
    assert!(draft.contains("primary = \"flapping\""), "{draft}");
    assert!(draft.contains("title = \"Switch trouble\""), "{draft}");
    // Filled in, the draft is a valid entry.
    let filled = draft
        .replace("org = \"\"", "org = \"Acme\"")
        .replace("date = \"\"", "date = \"2025\"")
        .replace("systems = []", "systems = [\"switch\"]");
    std::fs::write(&entry, filled).unwrap();
    std::fs::remove_file(&pm).unwrap();
    let o = rift(&["corpus", "--entries", dir.path().to_str().unwrap(), "check"]);
    assert!(o.status.success(), "{}", stderr(&o));
}

/// Many processes building the first index of one cache at once: each waits for the one build
/// instead of deleting another's folder, and all give the same answer.
#[test]
fn concurrent_first_searches_share_one_build() {
    let cache = tempfile::tempdir().unwrap();
    let children: Vec<std::process::Child> = (0..12)
        .map(|_| {
            std::process::Command::new(env!("CARGO_BIN_EXE_rift"))
                .args(["corpus", "search", "split brain", "--json"])
                .env("RIFT_CACHE_DIR", cache.path())
                .current_dir(env!("CARGO_MANIFEST_DIR"))
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let outputs: Vec<std::process::Output> = children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect();
    for o in &outputs {
        assert!(o.status.success(), "{}", stderr(o));
        assert_eq!(o.stdout, outputs[0].stdout);
    }
    // One index folder is left, and no half-built one.
    let mut names: Vec<String> = std::fs::read_dir(cache.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != ".lock")
        .collect();
    names.sort();
    assert_eq!(names.len(), 1, "{names:?}");
    assert!(names[0].starts_with("corpus-"), "{names:?}");
}

/// A postmortem text that cannot be read as one — missing, not UTF-8, too large, not a regular
/// file, from a file or from standard input — is bad input (exit 3) with the reason, read in
/// bounded time and memory.
#[test]
fn texts_that_cannot_be_read_are_refused_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let p = |name: &str| dir.path().join(name).to_string_lossy().into_owned();
    std::fs::write(
        p("latin1.txt"),
        b"the r\xe9plica could not reach the primary",
    )
    .unwrap();
    let big = "the link flapped. ".repeat((5 << 20) / 18);
    std::fs::write(p("big.txt"), &big).unwrap();
    let fifo = p("fifo");
    crate::mkfifo(&fifo);
    for (args, reason) in [
        (
            vec!["corpus", "classify", "/no/such/text"],
            "No such file or directory",
        ),
        (
            vec!["corpus", "classify", &p("latin1.txt")],
            "it is not UTF-8 text (byte 6 is not)",
        ),
        (
            vec!["corpus", "similar", &p("big.txt")],
            "it holds more than 4 MiB, the most a postmortem text may hold",
        ),
        (
            vec!["corpus", "add", &fifo],
            "it is not a regular file (a folder, FIFO or device)",
        ),
    ] {
        let o = rift(&args);
        assert_eq!(o.status.code(), Some(3), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(reason), "{args:?}: {}", stderr(&o));
        assert_eq!(
            stderr(&o).matches("cannot read").count(),
            1,
            "{}",
            stderr(&o)
        );
    }
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_rift"))
        .args(["corpus", "classify", "-"])
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The writer stops when rift has read its fill and closed the pipe.
    let _ = std::io::Write::write_all(&mut child.stdin.take().unwrap(), big.as_bytes());
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(3));
    assert!(
        stderr(&o).contains("cannot read standard input: it holds more than 4 MiB"),
        "{}",
        stderr(&o)
    );
}

/// A corpus folder that cannot be read is shown once, as a diagnostic.
#[test]
fn a_missing_entries_folder_is_reported_once() {
    let o = rift(&["corpus", "--entries", "/no/such/entries", "list"]);
    assert_eq!(o.status.code(), Some(3));
    assert_eq!(
        stderr(&o).matches("cannot read '/no/such/entries'").count(),
        1,
        "{}",
        stderr(&o)
    );
}
