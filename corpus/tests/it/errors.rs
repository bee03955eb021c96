//! A malformed entry is a diagnostic naming the file, line and span; the same incident twice
//! names both files (ids equal file names, so two entries cannot share one).

use miette::{GraphicalReportHandler, GraphicalTheme};
use rift_corpus::{Corpus, CorpusError};

const GOOD: &str = r#"+++
id = "acme-2024-switch"
title = "Acme: a switch firmware bug drops one direction"
org = "Acme"
date = "2024-03"
kind = "incident"
systems = ["switch"]
source = "https://example.com/acme"
consequence = ["unavailability"]
scope = "datacenter"
tags = ["firmware"]

[mode]
primary = "asymmetric"
confidence = 0.8
rationale = "Traffic flowed one way only."
+++
A switch upgrade left one direction dropping. The other direction kept working for an hour.
"#;

fn render(e: &CorpusError) -> String {
    let mut out = String::new();
    GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
        .with_width(100)
        .render_report(&mut out, e)
        .unwrap();
    out
}

fn load_one(name: &str, text: &str) -> Result<Corpus, CorpusError> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(name), text).unwrap();
    Corpus::load(dir.path())
}

#[test]
fn a_good_entry_loads() {
    let c = load_one("acme-2024-switch.md", GOOD).unwrap();
    let e = &c.entries[0];
    assert_eq!(e.meta.mode.primary.as_str(), "asymmetric");
    assert_eq!(e.year(), Some(2024));
    assert!(e.body.starts_with("A switch upgrade"));
}

#[test]
fn an_unknown_mode_points_at_the_value() {
    let bad = GOOD.replace("primary = \"asymmetric\"", "primary = \"asymetric\"");
    let err = load_one("acme-2024-switch.md", &bad).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("acme-2024-switch.md:14:11:"), "{text}");
    assert!(text.contains("unknown variant `asymetric`"), "{text}");
    let shown = render(&err);
    assert!(shown.contains("primary = \"asymetric\""), "{shown}");
    assert!(shown.contains("here"), "{shown}");
}

#[test]
fn unclosed_front_matter_and_a_wrong_id_are_explained() {
    let err = load_one(
        "acme-2024-switch.md",
        &GOOD.replacen("+++\nA switch", "A switch", 1),
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("not closed"), "{err}");
    let err = load_one("other-name.md", GOOD).unwrap_err().to_string();
    assert!(err.contains("differs from the file name"), "{err}");
    let err = load_one("acme-2024-switch.md", "no front matter")
        .unwrap_err()
        .to_string();
    assert!(err.contains(":1:1:") && err.contains("+++"), "{err}");
}

#[test]
fn the_same_incident_twice_names_both_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("acme-2024-switch.md"), GOOD).unwrap();
    let twin = GOOD.replace("acme-2024-switch", "acme-2024-switch-again");
    std::fs::write(dir.path().join("acme-2024-switch-again.md"), &twin).unwrap();
    let err = Corpus::load(dir.path()).unwrap_err().to_string();
    assert!(
        err.contains("acme-2024-switch.md") && err.contains("acme-2024-switch-again.md"),
        "{err}"
    );
    assert!(err.contains("same source"), "{err}");
}
