//! A search of the corpus of public postmortems shipped with rift: how many entries match, how
//! they spread over modes, systems and years, and the best hits with the passage that matched.
//!
//! ```sh
//! cargo run -p rift-corpus --example search                       # "split brain"
//! cargo run -p rift-corpus --example search -- '"health check" +lost'
//! ```

use std::error::Error;
use std::io::Write;

use rift_corpus::{Corpus, CorpusIndex, Filters};

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
    // Quotes make a phrase, `+word` requires a word; an empty query lists every entry.
    let query = std::env::args().nth(1);
    search(
        query.as_deref().unwrap_or("split brain"),
        &mut std::io::stdout().lock(),
    )
}

fn search(query: &str, out: &mut dyn Write) -> Result<(), Box<dyn Error>> {
    // The entries are Markdown files with TOML front matter; loading checks every one.
    let corpus = Corpus::load(&rift_corpus::default_dir())?;

    // The index is built into a cache folder named by a hash of the entries. `rift` keeps it
    // in `rift_corpus::cache_dir()` and reuses it; this example builds it afresh in a
    // temporary folder, removed when `cache` goes out of scope.
    let cache = tempfile::tempdir()?;
    let index = CorpusIndex::open_or_build(&corpus, cache.path())?;

    // Filters narrow by mode, system or years: `Filters { mode: Some(Label::Asymmetric), .. }`.
    let found = index.search(query, &Filters::default(), 5)?;
    let total = corpus.entries.len();
    writeln!(out, "{} of {total} entries match {query:?}", found.total)?;
    for (facet, counts) in found.facets.iter().filter(|(_, c)| !c.is_empty()) {
        let counts: Vec<String> = counts.iter().map(|(k, n)| format!("{k} {n}")).collect();
        writeln!(out, "  {facet:<7} {}", counts.join(", "))?;
    }
    for hit in &found.hits {
        writeln!(
            out,
            "\n{}  {}  {}  (score {:.2})",
            hit.id, hit.date, hit.primary, hit.score
        )?;
        writeln!(out, "  {}", hit.title)?;
        writeln!(out, "  {}", hit.snippet.replace('\n', " "))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn finds_split_brains() {
        let mut out = Vec::new();
        super::search("split brain", &mut out).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert!(out.contains(" entries match \"split brain\""), "{out}");
        assert!(!out.starts_with("0 of"), "{out}");
    }
}
