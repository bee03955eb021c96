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
