//! The tantivy index of the corpus: built in a cache folder outside the source tree, named by a
//! hash of the entries' content (so that it is rebuilt when they change), and built atomically
//! (into a temporary folder renamed into place once complete, so that an interrupted build is
//! never used).

use std::collections::BTreeMap;
use std::ops::Bound;
use std::path::{Path, PathBuf};

use serde::Serialize;
use tantivy::collector::{Count, FacetCollector, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, MoreLikeThisQuery, Occur, Query, QueryParser, RangeQuery,
    TermQuery,
};
use tantivy::schema::{
    FAST, Facet, FacetOptions, Field, INDEXED, IndexRecordOption, OwnedValue, STORED, STRING,
    Schema, TextFieldIndexing, TextOptions, Value,
};
use tantivy::{IndexReader, ReloadPolicy, TantivyDocument, Term};

use crate::Corpus;
use crate::entry::{Entry, Label, System};
use crate::error::CorpusError;

/// Bumped when the schema or what is indexed changes, so that old caches are not reused.
const SCHEMA_VERSION: u32 = 1;
/// The marker written last into a complete index folder.
const READY: &str = "READY";
/// The lock file in the cache folder that processes sharing the cache take turns through.
const LOCK: &str = ".lock";

/// Where rift keeps caches: `$RIFT_CACHE_DIR`, else `$XDG_CACHE_HOME/rift`, else
/// `~/.cache/rift`, else a `rift-cache` folder in the system's temporary folder.
pub fn cache_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("RIFT_CACHE_DIR") {
        return PathBuf::from(d);
    }
    if let Some(d) = std::env::var_os("XDG_CACHE_HOME") {
        return PathBuf::from(d).join("rift");
    }
    if let Some(h) = std::env::var_os("HOME") {
        return PathBuf::from(h).join(".cache/rift");
    }
    std::env::temp_dir().join("rift-cache")
}

/// FNV-1a, 64 bits: a hash that is the same on every machine and release.
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// The hash of everything the index is built from.
pub fn content_hash(corpus: &Corpus) -> String {
    let mut text = format!("rift-corpus-index/{SCHEMA_VERSION}\n");
    for e in &corpus.entries {
        text.push_str(&serde_json::to_string(e).unwrap_or_default());
        text.push('\n');
    }
    format!("{:016x}", fnv(text.as_bytes()))
}

#[derive(Clone, Copy)]
struct Fields {
    id: Field,
    title: Field,
    body: Field,
    org: Field,
    tags: Field,
    rationale: Field,
    detector: Field,
    modes: Field,
    primary: Field,
    systems: Field,
    year: Field,
    date: Field,
    facets: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer("en_stem")
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
        .set_stored();
    let fields = Fields {
        id: b.add_text_field("id", STRING | STORED),
        title: b.add_text_field("title", text.clone()),
        body: b.add_text_field("body", text.clone()),
        org: b.add_text_field("org", text.clone()),
        tags: b.add_text_field("tags", text.clone()),
        rationale: b.add_text_field("rationale", text.clone()),
        detector: b.add_text_field("detector", text),
        modes: b.add_text_field("modes", STRING | STORED),
        primary: b.add_text_field("primary", STRING | STORED),
        systems: b.add_text_field("systems", STRING | STORED),
        year: b.add_u64_field("year", INDEXED | FAST | STORED),
        date: b.add_text_field("date", STORED),
        facets: b.add_facet_field("facets", FacetOptions::default()),
    };
    (b.build(), fields)
}

fn system_name(s: System) -> String {
    crate::entry::vocabulary_name(&s)
}

/// Parses a system name of the corpus vocabulary.
pub fn parse_system(s: &str) -> Option<System> {
    serde_json::from_value(serde_json::Value::String(s.to_owned())).ok()
}

fn document(e: &Entry, f: &Fields) -> TantivyDocument {
    let m = &e.meta;
    let mut d = TantivyDocument::default();
    d.add_text(f.id, &m.id);
    d.add_text(f.title, &m.title);
    d.add_text(f.body, &e.body);
    d.add_text(f.org, &m.org);
    d.add_text(f.tags, m.tags.join(" "));
    d.add_text(f.rationale, &m.mode.rationale);
    if let Some(det) = &m.detector {
        d.add_text(
            f.detector,
            format!(
                "{} {}",
                det.name,
                det.assumed.as_deref().unwrap_or_default()
            ),
        );
    }
    d.add_text(f.primary, m.mode.primary.as_str());
    for l in std::iter::once(&m.mode.primary).chain(&m.mode.secondary) {
        d.add_text(f.modes, l.as_str());
    }
    d.add_facet(f.facets, Facet::from(&format!("/mode/{}", m.mode.primary)));
    for s in &m.systems {
        let name = system_name(*s);
        d.add_text(f.systems, &name);
        d.add_facet(f.facets, Facet::from(&format!("/system/{name}")));
    }
    if let Some(y) = e.year() {
        d.add_u64(f.year, u64::from(y));
        d.add_facet(f.facets, Facet::from(&format!("/year/{y}")));
    }
    d.add_text(f.date, &m.date);
    d
}

/// The corpus index, open for searching.
pub struct CorpusIndex {
    index: tantivy::Index,
    reader: IndexReader,
    fields: Fields,
    /// Where the index lives.
    pub dir: PathBuf,
    /// True when this call built it (false: an up-to-date cache was reused).
    pub built: bool,
}

fn tv(dir: &Path) -> impl Fn(tantivy::TantivyError) -> CorpusError + '_ {
    move |e| CorpusError::Index {
        dir: dir.to_owned(),
        reason: e.to_string(),
    }
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> CorpusError + '_ {
    move |source| CorpusError::Cache {
        path: path.to_owned(),
        source,
    }
}

impl CorpusIndex {
    /// Opens the index of `corpus` under `cache`, building it first if no complete index of this
    /// exact content is there.
    ///
    /// Processes that share the cache take turns through a lock file (`cache/.lock`): opening
    /// an index holds it shared, building one (and sweeping old ones away) holds it alone. So a
    /// build never deletes a folder another process is building or about to open, and the
    /// second of two first searches waits for the first build and uses it.
    pub fn open_or_build(corpus: &Corpus, cache: &Path) -> Result<CorpusIndex, CorpusError> {
        let hash = content_hash(corpus);
        let dir = cache.join(format!("corpus-{hash}"));
        std::fs::create_dir_all(cache).map_err(io(cache))?;
        let lock_path = cache.join(LOCK);
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(io(&lock_path))?;
        lock.lock_shared().map_err(io(&lock_path))?;
        let mut built = false;
        if !dir.join(READY).is_file() {
            // Building needs the cache alone; between the two locks another process may have
            // built the same index, so it is looked for again.
            lock.unlock().map_err(io(&lock_path))?;
            lock.lock().map_err(io(&lock_path))?;
            if !dir.join(READY).is_file() {
                // A folder without the marker was never completed (rift only renames complete
                // indexes into place): it is in the way, not in use.
                if dir.exists() {
                    std::fs::remove_dir_all(&dir).map_err(io(&dir))?;
                }
                let tmp = cache.join(format!(".corpus-{hash}.tmp-{}", std::process::id()));
                if tmp.exists() {
                    std::fs::remove_dir_all(&tmp).map_err(io(&tmp))?;
                }
                build(corpus, &tmp)?;
                std::fs::rename(&tmp, &dir).map_err(io(&dir))?;
                built = true;
                sweep(cache, &dir);
            }
        }
        let index = tantivy::Index::open_in_dir(&dir).map_err(tv(&dir))?;
        let (_, fields) = schema();
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(tv(&dir))?;
        // The reader holds its files open: a later sweep by another process cannot take them.
        drop(lock);
        Ok(CorpusIndex {
            index,
            reader,
            fields,
            dir,
            built,
        })
    }
}

/// Builds a complete index in `dir` and marks it ready.
fn build(corpus: &Corpus, dir: &Path) -> Result<(), CorpusError> {
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let (schema, fields) = schema();
    let index = tantivy::Index::create_in_dir(dir, schema).map_err(tv(dir))?;
    let mut writer = index
        .writer_with_num_threads::<TantivyDocument>(1, 50_000_000)
        .map_err(tv(dir))?;
    for e in &corpus.entries {
        writer.add_document(document(e, &fields)).map_err(tv(dir))?;
    }
    writer.commit().map_err(tv(dir))?;
    writer.wait_merging_threads().map_err(tv(dir))?;
    std::fs::write(dir.join(READY), b"").map_err(io(dir))?;
    Ok(())
}

/// Removes older indexes and leftovers of interrupted builds from the cache.
fn sweep(cache: &Path, keep: &Path) {
    let Ok(rd) = std::fs::read_dir(cache) else {
        return;
    };
    for e in rd.filter_map(Result::ok) {
        let name = e.file_name().to_string_lossy().into_owned();
        let stale = name.starts_with("corpus-") || name.starts_with(".corpus-");
        if stale && e.path() != keep {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// Filters of a search.
#[derive(Clone, Debug, Default)]
pub struct Filters {
    /// Only entries with this primary or secondary mode.
    pub mode: Option<Label>,
    /// Only entries that involve this system.
    pub system: Option<System>,
    /// Only entries from these years (inclusive).
    pub years: Option<(u32, u32)>,
}

/// One search hit.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Hit {
    /// Entry id.
    pub id: String,
    /// Entry title.
    pub title: String,
    /// Entry date.
    pub date: String,
    /// Primary mode.
    pub primary: String,
    /// BM25 score.
    pub score: f32,
    /// A passage of the summary around the matched terms.
    pub snippet: String,
    /// Byte ranges of `snippet` that matched.
    pub highlighted: Vec<(usize, usize)>,
}

/// The result of a search.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Found {
    /// How many entries matched.
    pub total: usize,
    /// The best ones, best first.
    pub hits: Vec<Hit>,
    /// Counts of the matching entries by `mode`, `system` and `year`.
    pub facets: BTreeMap<String, BTreeMap<String, u64>>,
}

/// The schema of [`Found::as_search`]'s document.
pub const SEARCH_SCHEMA: &str = "rift.corpus.search/1";
/// The schema of [`Found::as_similar`]'s document.
pub const SIMILAR_SCHEMA: &str = "rift.corpus.similar/1";

impl Found {
    /// This result as the document of a search for `query` ([`SEARCH_SCHEMA`]): the query,
    /// how many entries matched, the best hits and the facets, keys in name order.
    pub fn as_search(&self, query: &str) -> serde_json::Value {
        serde_json::json!({
            "schema": SEARCH_SCHEMA,
            "query": query,
            "total": self.total,
            "hits": self.hits,
            "facets": self.facets,
        })
    }

    /// This result as the document of the entries similar to `target` ([`SIMILAR_SCHEMA`]).
    pub fn as_similar(&self, target: &str) -> serde_json::Value {
        serde_json::json!({
            "schema": SIMILAR_SCHEMA,
            "target": target,
            "hits": self.hits,
        })
    }
}

impl CorpusIndex {
    fn filtered(&self, text: Box<dyn Query>, filters: &Filters) -> Box<dyn Query> {
        let f = &self.fields;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, text)];
        if let Some(m) = filters.mode {
            clauses.push((
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_text(f.modes, m.as_str()),
                    IndexRecordOption::Basic,
                )),
            ));
        }
        if let Some(s) = filters.system {
            clauses.push((
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_text(f.systems, &system_name(s)),
                    IndexRecordOption::Basic,
                )),
            ));
        }
        if let Some((a, b)) = filters.years {
            clauses.push((
                Occur::Must,
                Box::new(RangeQuery::new(
                    Bound::Included(Term::from_field_u64(f.year, u64::from(a))),
                    Bound::Included(Term::from_field_u64(f.year, u64::from(b))),
                )),
            ));
        }
        Box::new(BooleanQuery::new(clauses))
    }

    /// Searches with BM25 over title, summary, tags, rationale, organisation and detector.
    /// An empty query matches every entry (the filters still apply).
    pub fn search(
        &self,
        query: &str,
        filters: &Filters,
        limit: usize,
    ) -> Result<Found, CorpusError> {
        let f = &self.fields;
        let text: Box<dyn Query> = if query.trim().is_empty() {
            Box::new(AllQuery)
        } else {
            let mut parser = QueryParser::for_index(
                &self.index,
                vec![f.title, f.body, f.tags, f.rationale, f.org, f.detector],
            );
            parser.set_field_boost(f.title, 2.0);
            parser.set_field_boost(f.tags, 1.5);
            parser.parse_query_lenient(query).0
        };
        let q = self.filtered(text, filters);
        self.run(q.as_ref(), limit, None)
    }

    /// Entries like `id`: the terms that make its text stand out, plus its mode and systems.
    pub fn similar_to_entry(&self, entry: &Entry, limit: usize) -> Result<Found, CorpusError> {
        let f = &self.fields;
        let searcher = self.reader.searcher();
        let hits = searcher
            .search(
                &TermQuery::new(
                    Term::from_field_text(f.id, &entry.meta.id),
                    IndexRecordOption::Basic,
                ),
                &TopDocs::with_limit(1).order_by_score(),
            )
            .map_err(tv(&self.dir))?;
        let Some(&(_, addr)) = hits.first() else {
            return Ok(Found {
                total: 0,
                hits: Vec::new(),
                facets: BTreeMap::new(),
            });
        };
        let mlt = mlt_builder().with_document(addr);
        let q = self.with_labels(Box::new(mlt), &entry.meta.mode.primary, &entry.meta.systems);
        self.run(q.as_ref(), limit, Some(&entry.meta.id))
    }

    /// Entries like a text (a postmortem not in the corpus), optionally of a mode.
    pub fn similar_to_text(
        &self,
        text: &str,
        mode: Option<Label>,
        limit: usize,
    ) -> Result<Found, CorpusError> {
        let f = &self.fields;
        let mlt = mlt_builder()
            .with_document_fields(vec![(f.body, vec![OwnedValue::Str(text.to_owned())])]);
        let q = match mode {
            Some(m) => self.with_labels(Box::new(mlt), &m, &[]),
            None => Box::new(mlt) as Box<dyn Query>,
        };
        self.run(q.as_ref(), limit, None)
    }

    fn with_labels(
        &self,
        text: Box<dyn Query>,
        mode: &Label,
        systems: &[System],
    ) -> Box<dyn Query> {
        let f = &self.fields;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Should, text)];
        clauses.push((
            Occur::Should,
            Box::new(BoostQuery::new(
                Box::new(TermQuery::new(
                    Term::from_field_text(f.primary, mode.as_str()),
                    IndexRecordOption::Basic,
                )),
                2.0,
            )),
        ));
        for s in systems {
            clauses.push((
                Occur::Should,
                Box::new(TermQuery::new(
                    Term::from_field_text(f.systems, &system_name(*s)),
                    IndexRecordOption::Basic,
                )),
            ));
        }
        Box::new(BooleanQuery::new(clauses))
    }

    fn run(
        &self,
        q: &dyn Query,
        limit: usize,
        exclude: Option<&str>,
    ) -> Result<Found, CorpusError> {
        let f = &self.fields;
        let searcher = self.reader.searcher();
        let mut facets = FacetCollector::for_field("facets");
        for root in ["/mode", "/system", "/year"] {
            facets.add_facet(root);
        }
        let want = limit.max(1) + usize::from(exclude.is_some());
        let (top, total, counts) = searcher
            .search(
                q,
                &(TopDocs::with_limit(want).order_by_score(), Count, facets),
            )
            .map_err(tv(&self.dir))?;
        let mut snippets = tantivy::snippet::SnippetGenerator::create(&searcher, q, f.body)
            .map_err(tv(&self.dir))?;
        snippets.set_max_num_chars(160);
        let mut hits = Vec::new();
        for (score, addr) in top {
            let doc: TantivyDocument = searcher.doc(addr).map_err(tv(&self.dir))?;
            let get = |field: Field| {
                doc.get_first(field)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_owned()
            };
            let id = get(f.id);
            if Some(id.as_str()) == exclude {
                continue;
            }
            let snippet = snippets.snippet_from_doc(&doc);
            let (fragment, highlighted) = if snippet.fragment().is_empty() {
                let body = get(f.body);
                (body.chars().take(160).collect::<String>(), Vec::new())
            } else {
                (
                    snippet.fragment().to_owned(),
                    snippet
                        .highlighted()
                        .iter()
                        .map(|r| (r.start, r.end))
                        .collect(),
                )
            };
            hits.push(Hit {
                id,
                title: get(f.title),
                date: get(f.date),
                primary: get(f.primary),
                score,
                snippet: fragment,
                highlighted,
            });
            if hits.len() == limit {
                break;
            }
        }
        let mut by: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
        for root in ["/mode", "/system", "/year"] {
            let name = root.trim_start_matches('/').to_owned();
            let m = by.entry(name).or_default();
            for (facet, n) in counts.get(root) {
                let leaf = facet
                    .to_path()
                    .last()
                    .map(|s| s.to_string())
                    .unwrap_or_default();
                m.insert(leaf, n);
            }
        }
        let total = total - usize::from(exclude.is_some() && total > 0);
        Ok(Found {
            total,
            hits,
            facets: by,
        })
    }

    /// The number of entries indexed.
    pub fn doc_count(&self) -> u64 {
        self.reader.searcher().num_docs()
    }
}

fn mlt_builder() -> tantivy::query::MoreLikeThisQueryBuilder {
    MoreLikeThisQuery::builder()
        .with_min_doc_frequency(1)
        .with_max_doc_frequency(u64::MAX)
        .with_min_term_frequency(1)
        .with_max_query_terms(25)
        .with_min_word_length(3)
}
