//! The shipped entries parse, are unique, and are written in the project's own words.

use std::collections::BTreeSet;
use std::path::Path;

use rift_corpus::{Corpus, default_dir};

#[test]
fn every_shipped_entry_parses_with_unique_ids_and_sources() {
    let corpus = Corpus::load(&default_dir()).unwrap_or_else(|e| panic!("{e}"));
    for e in &corpus.entries {
        assert!(e.meta.source.starts_with("http"), "{}", e.meta.id);
        assert!(e.year().is_some(), "{}: date {}", e.meta.id, e.meta.date);
        let sentences = e
            .body
            .split(['.', '!', '?'])
            .filter(|s| s.trim().len() > 3)
            .count();
        assert!(
            (2..=8).contains(&sentences),
            "{}: {sentences} sentences",
            e.meta.id
        );
    }
}

fn words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '\''))
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// No run of 12 words of the reference texts (which carry no licence) appears in the corpus.
#[test]
fn no_twelve_word_run_of_the_reference_texts_appears_in_the_corpus() {
    const RUN: usize = 12;
    let reference = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/reference");
    assert!(
        reference.is_dir(),
        "the reference texts are expected at {}",
        reference.display()
    );
    let mut runs: BTreeSet<String> = BTreeSet::new();
    for f in std::fs::read_dir(&reference)
        .unwrap()
        .filter_map(|e| e.ok())
    {
        if f.path().extension().is_some_and(|x| x == "md") {
            let w = words(&std::fs::read_to_string(f.path()).unwrap());
            for run in w.windows(RUN) {
                runs.insert(run.join(" "));
            }
        }
    }
    let corpus_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<_> = std::fs::read_dir(default_dir())
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    files.push(corpus_dir.join("FORMAT.md"));
    let mut copied = Vec::new();
    for f in files {
        // The source URL is a fact, often a long one: it is left out of the check.
        let text: String = std::fs::read_to_string(&f)
            .unwrap()
            .lines()
            .filter(|l| !l.starts_with("source = "))
            .collect::<Vec<_>>()
            .join("\n");
        let w = words(&text);
        if let Some(run) = w
            .windows(RUN)
            .map(|r| r.join(" "))
            .find(|r| runs.contains(r))
        {
            copied.push(format!("{}: '{run}'", f.display()));
        }
    }
    assert!(copied.is_empty(), "{}", copied.join("\n"));
}
