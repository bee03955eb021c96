//! Corpus sketches: every `[scenario]` in the shipped corpus parses and replays, the `replayable`
//! tag marks exactly the entries that carry one, and `rift replay corpus:ID` runs a sketch or says
//! why it cannot.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use rift_corpus::{Corpus, Entry, default_dir};
use rift_replay::{Scenario, Seed, Variant, compare};

use crate::{rift, stderr, stdout};

/// The corpus promises at least this many replayable entries.
const MIN_SKETCHES: usize = 30;

/// Sketches stay short: long incidents are scaled down to about ten minutes.
const MAX_SIMULATED: Duration = Duration::from_secs(10 * 60);

/// All sketches together, in a debug build; a replay that never ends fails here instead of
/// hanging the suite.
const BUDGET: Duration = Duration::from_secs(180);

/// The entry the CLI test replays: a 43-second cut that moved the MySQL primary to the west.
const CLI_ENTRY: &str = "github-2018-partition-failover";

fn shipped() -> Corpus {
    Corpus::load(&default_dir()).unwrap_or_else(|e| panic!("{e}"))
}

/// The entry's sketch, parsed as `rift replay corpus:ID` parses it.
fn sketch(e: &Entry) -> Option<Scenario> {
    let text = e.sketch_toml()?;
    let origin = format!("{} [scenario]", e.path.display());
    Some(Scenario::parse(&text, &origin).unwrap_or_else(|err| panic!("{err}")))
}

#[test]
fn every_sketch_parses_and_replays() {
    let corpus = shipped();
    let jobs: Vec<(String, Scenario)> = corpus
        .entries
        .iter()
        .filter_map(|e| sketch(e).map(|s| (e.meta.id.clone(), s)))
        .collect();
    assert!(
        jobs.len() >= MIN_SKETCHES,
        "only {} entries carry a [scenario] sketch; the corpus promises at least {MIN_SKETCHES}",
        jobs.len()
    );
    for (id, s) in &jobs {
        let members = s.cluster.nodes.len();
        assert!((3..=7).contains(&members), "{id}: {members} members");
        assert!(
            s.end().0 <= MAX_SIMULATED.as_micros() as u64,
            "{id}: simulates {:?}; scale it down to at most {MAX_SIMULATED:?}",
            s.duration
        );
        assert!(!s.phases.is_empty(), "{id}: a sketch without a fault");
        let d = s.description.as_deref().unwrap_or_default();
        assert!(
            d.ends_with('.') && !d.trim_end_matches('.').contains(". "),
            "{id}: the description should be one sentence: {d:?}"
        );
    }

    // Two workers, so the debug build stays quick on the 2-core CI machines; results come back
    // over a channel so that a stuck replay is reported by name.
    let jobs = Arc::new(jobs);
    let next = Arc::new(AtomicUsize::new(0));
    let (tx, rx) = mpsc::channel();
    for _ in 0..2 {
        let (jobs, next, tx) = (Arc::clone(&jobs), Arc::clone(&next), tx.clone());
        std::thread::spawn(move || {
            loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some((_, s)) = jobs.get(i) else { break };
                let result = compare(s, &[Variant::current()], Seed(1)).map_err(|e| e.to_string());
                if tx.send((i, result)).is_err() {
                    break;
                }
            }
        });
    }
    drop(tx);
    let deadline = Instant::now() + BUDGET;
    let mut done = vec![false; jobs.len()];
    for _ in 0..jobs.len() {
        let Ok((i, result)) = rx.recv_timeout(deadline.saturating_duration_since(Instant::now()))
        else {
            let stuck: Vec<&str> = (0..jobs.len())
                .filter(|&i| !done[i])
                .map(|i| jobs[i].0.as_str())
                .collect();
            panic!(
                "sketches still replaying after {BUDGET:?} (a replay that never ends?): {}",
                stuck.join(", ")
            );
        };
        done[i] = true;
        let (id, s) = &jobs[i];
        let c = result.unwrap_or_else(|e| panic!("{id}: {e}"));
        assert_eq!(c.variants.len(), 1, "{id}");
        assert_eq!(c.variants[0].outcome.variant, "current", "{id}");
        assert_eq!(c.phases.len(), s.phases.len(), "{id}");
        assert!(
            c.phases.iter().all(|p| !p.links.is_empty()),
            "{id}: a phase that cuts no link"
        );
    }
}

#[test]
fn the_replayable_tag_marks_exactly_the_entries_with_a_sketch() {
    let corpus = shipped();
    let mismatched: Vec<String> = corpus
        .entries
        .iter()
        .filter_map(|e| {
            let tagged = e.meta.tags.iter().any(|t| t == "replayable");
            match (tagged, e.meta.scenario.is_some()) {
                (true, false) => Some(format!(
                    "{}: tagged replayable but has no [scenario]",
                    e.meta.id
                )),
                (false, true) => Some(format!(
                    "{}: has a [scenario] but no replayable tag",
                    e.meta.id
                )),
                _ => None,
            }
        })
        .collect();
    assert!(mismatched.is_empty(), "{}", mismatched.join("\n"));
}

#[test]
fn replay_of_a_corpus_sketch_prints_the_comparison_as_json() {
    let corpus = shipped();
    let entry = corpus
        .get(CLI_ENTRY)
        .expect("the CLI test's entry is in the corpus");
    let s = sketch(entry).expect("the CLI test's entry has a sketch");

    let o = rift(&["replay", &format!("corpus:{CLI_ENTRY}"), "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("--json prints JSON");
    assert_eq!(v["schema"], "rift.replay/1");
    // Without a name of its own, a sketch is named after its entry.
    assert_eq!(v["scenario"], entry.meta.title.as_str());
    assert_eq!(v["seed"], 1);
    assert_eq!(v["members"], serde_json::json!(s.cluster.nodes));
    let variants = v["variants"].as_array().expect("variants");
    assert_eq!(variants.len(), 1);
    assert_eq!(variants[0]["variant"], "current");

    let phases = v["phases"].as_array().expect("phases");
    assert_eq!(phases.len(), s.phases.len());
    for (got, want) in phases.iter().zip(&s.phases) {
        assert_eq!(got["name"], want.name.as_deref().unwrap_or_default());
        assert_eq!(got["start"].as_f64(), Some(want.start.0.secs()));
        let end = want.end.map_or(s.end(), |e| e.0);
        assert_eq!(got["end"].as_f64(), Some(end.secs()));
    }
    // The sketch's one phase is a partition of the east primary from both west replicas.
    let links: Vec<&str> = phases[0]["links"]
        .as_array()
        .expect("links")
        .iter()
        .filter_map(|l| l.as_str())
        .collect();
    assert_eq!(
        links,
        [
            "mysql-east->mysql-west1",
            "mysql-east->mysql-west2",
            "mysql-west1->mysql-east",
            "mysql-west2->mysql-east",
        ]
    );
    // As in the incident, the cut lasts long enough for a west replica to take over.
    let leaders = variants[0]["leaders"].as_array().expect("leaders");
    assert!(
        leaders.iter().any(|l| l["node"]
            .as_str()
            .is_some_and(|n| n.starts_with("mysql-west"))),
        "{leaders:?}"
    );
}

#[test]
fn replay_of_an_entry_without_a_sketch_says_it_has_none() {
    let corpus = shipped();
    let bare = corpus
        .entries
        .iter()
        .find(|e| e.meta.scenario.is_none())
        .expect("some entry has no sketch");
    let o = rift(&["replay", &format!("corpus:{}", bare.meta.id)]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains(&bare.meta.id), "{err}");
    assert!(err.contains("no scenario sketch"), "{err}");
    assert!(err.contains("replayable"), "{err}");
    assert!(stdout(&o).is_empty(), "{}", stdout(&o));
}
