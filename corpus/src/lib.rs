//! rift-corpus: the corpus of public network postmortems.
//!
//! This crate will own the entries in `corpus/entries/` (one Markdown file per incident with TOML
//! front matter), the tantivy index built from them, search with filters by mode, system and year,
//! similar-incident lookup, and the classifier that labels a postmortem text with a failure mode
//! and the phrases that decided it.
//!
//! It has no public items yet.
