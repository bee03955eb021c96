//! Public incidents like this one, from the corpus.

use rift_classify::{Mode, Verdict};
use rift_corpus::{Corpus, CorpusError, CorpusIndex, Filters, Hit, Label};
use serde::Serialize;

/// A corpus entry that looks like the incident.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Similar {
    /// Entry id (`rift corpus show ID`).
    pub id: String,
    /// Entry title.
    pub title: String,
    /// Who had the incident.
    pub org: String,
    /// When.
    pub date: String,
    /// The entry's primary mode.
    pub primary: String,
    /// The public postmortem (`http` or `https` only; empty otherwise).
    pub url: String,
    /// The passage of the entry's summary that matched.
    pub snippet: String,
    /// Why it was picked: the shared mode, or the words its text matched.
    pub why: String,
}

/// Up to `limit` entries: first those whose primary or secondary mode is the verdict's primary
/// mode, ranked by how well their text matches the mode, its subtype and the detector in use,
/// then the mode's other entries, newest first, then entries of other modes whose text matches.
/// Empty for a verdict with no network episode.
pub fn find(
    index: &CorpusIndex,
    corpus: &Corpus,
    verdict: &Verdict,
    limit: usize,
) -> Result<Vec<Similar>, CorpusError> {
    let c = &verdict.classification;
    let Some(label) = Label::ALL
        .into_iter()
        .find(|l| l.mode() == Some(c.primary) && c.primary != Mode::Healthy)
    else {
        return Ok(Vec::new());
    };
    let mut words: Vec<String> = vec![c.primary.to_string()];
    for e in c.episodes.iter().filter(|e| e.mode == c.primary) {
        if let Some(s) = e.subtype {
            words.extend(s.to_string().split(['-', '/', ' ']).map(str::to_owned));
        }
    }
    if let Some(d) = &verdict.detector {
        words.push(d.detector.name.clone());
    }
    words.sort();
    words.dedup();
    let filters = Filters {
        mode: Some(label),
        ..Filters::default()
    };
    let query = words.join(" ");
    let mut picked: Vec<(Hit, String)> = index
        .search(&query, &filters, limit)?
        .hits
        .into_iter()
        .map(|h| (h, format!("same mode ({})", c.primary)))
        .collect();
    // The mode's other entries, newest first.
    if picked.len() < limit {
        let mut rest = index
            .search("", &filters, corpus.entries.len().max(1))?
            .hits;
        rest.sort_by(|a, b| b.date.cmp(&a.date).then(a.id.cmp(&b.id)));
        fill(&mut picked, limit, rest, &|_| {
            format!("same mode ({})", c.primary)
        });
    }
    // Then entries of other modes whose text matches.
    if picked.len() < limit {
        let text = index.search(&query, &Filters::default(), limit * 2)?.hits;
        fill(&mut picked, limit, text, &|h| {
            let mut w: Vec<String> = h
                .highlighted
                .iter()
                .filter_map(|&(a, b)| h.snippet.get(a..b))
                .map(str::to_lowercase)
                .collect();
            w.sort();
            w.dedup();
            if w.is_empty() {
                "its text matches".to_owned()
            } else {
                format!("mentions {}", w.join(", "))
            }
        });
    }
    let hits = picked;
    Ok(hits
        .into_iter()
        .filter_map(|(h, why)| {
            let e = corpus.get(&h.id)?;
            Some(Similar {
                id: h.id,
                title: h.title,
                org: e.meta.org.clone(),
                date: h.date,
                primary: h.primary,
                url: Some(&e.meta.source)
                    .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
                    .cloned()
                    .unwrap_or_default(),
                snippet: h.snippet,
                why,
            })
        })
        .collect())
}

/// Adds `hits` not yet picked, with why, until `limit` are.
fn fill(
    picked: &mut Vec<(Hit, String)>,
    limit: usize,
    hits: Vec<Hit>,
    why: &dyn Fn(&Hit) -> String,
) {
    for h in hits {
        if picked.len() >= limit {
            break;
        }
        if picked.iter().all(|(x, _)| x.id != h.id) {
            let w = why(&h);
            picked.push((h, w));
        }
    }
}
