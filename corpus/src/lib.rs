//! rift-corpus: the corpus of public network postmortems.
//!
//! Entries live in `corpus/entries/`, one Markdown file per incident with TOML front matter
//! (`corpus/FORMAT.md`): the organisation, date, systems involved, source URL, how the network
//! failed (rift's modes), the failure detector involved, the consequence, and a short summary in
//! the project's own words. [`Corpus::load`] reads and checks them: malformed front matter is a
//! [`CorpusError`] with a miette diagnostic pointing at the span; duplicate ids and duplicate
//! sources name both files. [`CorpusIndex`] searches them (BM25 with filters and facets, or
//! "incidents like this one"), and [`TextClassifier`] reads a postmortem's text into one of
//! rift's modes ([`rift_classify::Mode`]).
//!
//! ```
//! use rift_corpus::{Corpus, CorpusIndex, Filters};
//!
//! let corpus = Corpus::load(&rift_corpus::default_dir())?;
//! // The index is built once into a cache folder (rift uses `cache_dir()`) and reused.
//! let cache = tempfile::tempdir()?;
//! let index = CorpusIndex::open_or_build(&corpus, cache.path())?;
//! let found = index.search("split brain", &Filters::default(), 3)?;
//! assert!(found.total > 0);
//! for hit in &found.hits {
//!     println!("{}  {}  {}", hit.date, hit.primary, hit.title);
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

// Input decides nothing here by panicking: a value that may be missing is an error or a
// skipped row, never an `unwrap` (tests may unwrap; clippy.toml allows it there).
#![deny(clippy::unwrap_used, clippy::expect_used)]

mod entry;
mod error;
mod index;
mod textclass;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use entry::{
    Consequence, DetectorLabel, Entry, FrontMatter, Kind, Label, ModeLabel, Scope, System,
    vocabulary_name,
};
pub use error::{CorpusError, FrontMatterError};
pub use index::{
    CorpusIndex, Filters, Found, Hit, SEARCH_SCHEMA, SIMILAR_SCHEMA, cache_dir, content_hash,
    parse_system,
};
pub use textclass::{
    Evaluation, Evidence, TextClassifier, TextVerdict, draft_entry, leave_one_out, reading_text,
    training_text,
};

/// The entries folder of the source tree.
pub fn default_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("entries")
}

/// The loaded corpus, entries sorted by id.
#[derive(Clone, Debug, Default)]
pub struct Corpus {
    /// The entries.
    pub entries: Vec<Entry>,
}

impl Corpus {
    /// Reads every `*.md` file of `dir` (not recursively) as an entry.
    pub fn load(dir: &Path) -> Result<Corpus, CorpusError> {
        let io = |path: &Path, source| CorpusError::Io {
            path: path.to_owned(),
            source,
        };
        let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| io(dir, e))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "md"))
            .collect();
        paths.sort();
        let mut entries = Vec::with_capacity(paths.len());
        for p in &paths {
            let text = std::fs::read_to_string(p).map_err(|e| io(p, e))?;
            entries.push(Entry::parse(&text, p)?);
        }
        let mut ids: BTreeMap<&str, &Path> = BTreeMap::new();
        let mut sources: BTreeMap<&str, &Path> = BTreeMap::new();
        for e in &entries {
            if let Some(first) = ids.insert(&e.meta.id, &e.path) {
                return Err(CorpusError::DuplicateId {
                    id: e.meta.id.clone(),
                    first: first.to_owned(),
                    second: e.path.clone(),
                });
            }
            if let Some(first) = sources.insert(&e.meta.source, &e.path) {
                return Err(CorpusError::DuplicateSource {
                    url: e.meta.source.clone(),
                    first: first.to_owned(),
                    second: e.path.clone(),
                });
            }
        }
        entries.sort_by(|a, b| a.meta.id.cmp(&b.meta.id));
        Ok(Corpus { entries })
    }

    /// The entries whose primary or secondary mode is `mode` and that name `system` (each
    /// when given), in id order.
    pub fn list(&self, mode: Option<Label>, system: Option<System>) -> Vec<&Entry> {
        self.entries
            .iter()
            .filter(|e| {
                mode.is_none_or(|m| e.meta.mode.primary == m || e.meta.mode.secondary.contains(&m))
            })
            .filter(|e| system.is_none_or(|s| e.meta.systems.contains(&s)))
            .collect()
    }

    /// The entry with this id.
    pub fn get(&self, id: &str) -> Option<&Entry> {
        self.entries
            .binary_search_by(|e| e.meta.id.as_str().cmp(id))
            .ok()
            .map(|i| &self.entries[i])
    }
}
