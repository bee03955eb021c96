//! Errors of the corpus, with miette diagnostics that show the offending span.

use std::path::PathBuf;

use miette::{Diagnostic, NamedSource, SourceSpan};
use rift_ingest::Blame;

/// Malformed front matter: the file, line and column, and the span within the file.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("{location}: {message}")]
#[diagnostic(
    code(rift::corpus::front_matter),
    help("the entry format is described in corpus/FORMAT.md")
)]
pub struct FrontMatterError {
    /// `file:line:column`.
    pub location: String,
    /// What is wrong.
    pub message: String,
    #[source_code]
    pub(crate) src: NamedSource<String>,
    #[label("here")]
    pub(crate) span: SourceSpan,
}

/// What can stop the corpus from loading.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[non_exhaustive]
pub enum CorpusError {
    /// An entry's front matter does not parse or breaks a rule.
    #[error(transparent)]
    #[diagnostic(transparent)]
    FrontMatter(Box<FrontMatterError>),
    /// Two entries have the same id.
    #[error("duplicate id '{id}' in {} and {}: ids must be unique", first.display(), second.display())]
    #[diagnostic(code(rift::corpus::duplicate_id))]
    DuplicateId {
        /// The id.
        id: String,
        /// The first file.
        first: PathBuf,
        /// The second file.
        second: PathBuf,
    },
    /// Two entries have the same source URL (the same incident twice).
    #[error("{} and {} have the same source {url}: one incident, one entry", first.display(), second.display())]
    #[diagnostic(code(rift::corpus::duplicate_source))]
    DuplicateSource {
        /// The URL.
        url: String,
        /// The first file.
        first: PathBuf,
        /// The second file.
        second: PathBuf,
    },
    /// The search index could not be built or opened.
    #[error("corpus index in '{}': {reason}", dir.display())]
    #[diagnostic(
        code(rift::corpus::index),
        help("the index is a cache: delete the folder and run the command again")
    )]
    Index {
        /// The index folder.
        dir: PathBuf,
        /// What went wrong.
        reason: String,
    },
    /// A file or folder of the index cache could not be read or written.
    #[error("cannot read '{}': {source}", path.display())]
    #[diagnostic(code(rift::corpus::cache))]
    Cache {
        /// The path.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A file or folder could not be read.
    #[error("cannot read '{}': {source}", path.display())]
    #[diagnostic(code(rift::corpus::io))]
    Io {
        /// The path.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
}

impl CorpusError {
    /// Whose doing the error is: an entry that breaks a rule, or entries that cannot be read,
    /// are the input's; an index that cannot be built, opened or cached is the environment's.
    pub fn blame(&self) -> Blame {
        match self {
            CorpusError::Index { .. } | CorpusError::Cache { .. } => Blame::Environment,
            CorpusError::FrontMatter(_)
            | CorpusError::DuplicateId { .. }
            | CorpusError::DuplicateSource { .. }
            | CorpusError::Io { .. } => Blame::Input,
        }
    }
}
