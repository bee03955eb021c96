//! The index: BM25 search with filters, snippets and facets; rebuilt when entries change; an
//! interrupted build is never used.

use rift_corpus::{Corpus, CorpusIndex, Filters, Label, default_dir, parse_system};

fn shipped() -> Corpus {
    Corpus::load(&default_dir()).unwrap()
}

#[test]
fn search_ranks_highlights_and_counts_facets() {
    let cache = tempfile::tempdir().unwrap();
    let c = shipped();
    let index = CorpusIndex::open_or_build(&c, cache.path()).unwrap();
    assert!(index.built);
    assert_eq!(index.doc_count(), c.entries.len() as u64);
    let found = index.search("split brain", &Filters::default(), 5).unwrap();
    assert!(found.total >= 5, "{found:?}");
    assert_eq!(found.hits.len(), 5);
    assert!(found.hits.windows(2).all(|w| w[0].score >= w[1].score));
    let top = &found.hits[0];
    assert!(
        top.highlighted
            .iter()
            .any(|&(a, b)| top.snippet[a..b].eq_ignore_ascii_case("split")),
        "{top:?}"
    );
    let modes: u64 = found.facets["mode"].values().sum();
    assert_eq!(modes, found.total as u64, "one primary mode per entry");
}

#[test]
fn filters_narrow_by_mode_system_and_year() {
    let cache = tempfile::tempdir().unwrap();
    let c = shipped();
    let index = CorpusIndex::open_or_build(&c, cache.path()).unwrap();
    let all = index.search("", &Filters::default(), 500).unwrap();
    assert_eq!(all.total, c.entries.len());
    let filters = Filters {
        mode: Some(Label::Asymmetric),
        ..Filters::default()
    };
    let asym = index.search("", &filters, 500).unwrap();
    let want = c
        .entries
        .iter()
        .filter(|e| {
            e.meta.mode.primary == Label::Asymmetric
                || e.meta.mode.secondary.contains(&Label::Asymmetric)
        })
        .count();
    assert_eq!(asym.total, want);
    assert!(want > 0);
    let filters = Filters {
        system: parse_system("dns"),
        years: Some((2015, 2020)),
        ..Filters::default()
    };
    let dns = index.search("", &filters, 500).unwrap();
    for h in &dns.hits {
        let e = c.get(&h.id).unwrap();
        let y = e.year().unwrap();
        assert!((2015..=2020).contains(&y), "{}", h.id);
        assert!(
            e.meta.systems.contains(&parse_system("dns").unwrap()),
            "{}",
            h.id
        );
    }
}

#[test]
fn similar_entries_exclude_the_entry_itself() {
    let cache = tempfile::tempdir().unwrap();
    let c = shipped();
    let index = CorpusIndex::open_or_build(&c, cache.path()).unwrap();
    let e = &c.entries[0];
    let found = index.similar_to_entry(e, 5).unwrap();
    assert!(!found.hits.is_empty());
    assert!(found.hits.iter().all(|h| h.id != e.meta.id));
    let by_text = index
        .similar_to_text(
            "a switch loop flooded the network and the cluster split",
            None,
            3,
        )
        .unwrap();
    assert_eq!(by_text.hits.len(), 3);
}

#[test]
fn the_index_is_reused_rebuilt_on_change_and_never_half_built() {
    let cache = tempfile::tempdir().unwrap();
    let mut c = shipped();
    let first = CorpusIndex::open_or_build(&c, cache.path()).unwrap();
    assert!(first.built);
    let again = CorpusIndex::open_or_build(&c, cache.path()).unwrap();
    assert!(!again.built, "an up-to-date index is reused");
    assert_eq!(again.dir, first.dir);
    drop((first, again));

    // An interrupted build leaves a temporary folder and an index folder without its marker:
    // neither is used.
    c.entries[0].body.push_str(" An extra sentence.");
    let hash = rift_corpus::content_hash(&c);
    let half = cache.path().join(format!("corpus-{hash}"));
    std::fs::create_dir_all(&half).unwrap();
    std::fs::write(half.join("meta.json"), b"{ truncated").unwrap();
    std::fs::create_dir_all(cache.path().join(format!(".corpus-{hash}.tmp-1-2"))).unwrap();
    let rebuilt = CorpusIndex::open_or_build(&c, cache.path()).unwrap();
    assert!(rebuilt.built);
    let found = rebuilt
        .search("extra sentence", &Filters::default(), 1)
        .unwrap();
    assert_eq!(
        found.hits[0].id, c.entries[0].meta.id,
        "the new content is what is searched"
    );
    let mut left: Vec<String> = std::fs::read_dir(cache.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(
        left,
        [".lock".to_owned(), format!("corpus-{hash}")],
        "old indexes and leftovers are swept"
    );
}
