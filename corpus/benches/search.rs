//! Corpus search latency (p50 and p99 over a fixed query mix) on the shipped corpus and on a
//! generated 100 k-entry corpus, and the index build time of the latter.
//!
//! `cargo bench -p rift-corpus --bench search`. The p99 figures are printed by the bench itself
//! (criterion reports means and medians); BENCHMARKS.md records them.

use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use rift_corpus::{Corpus, CorpusIndex, Entry, Filters, Label, default_dir, parse_system};

const QUERIES: &[&str] = &[
    "split brain",
    "switch",
    "bgp route leak",
    "\"health check\"",
    "dns timeout",
    "packet loss nic driver",
    "partition elasticsearch",
    "flapping link",
    "",
    "one-way asymmetric",
];

fn filters(i: usize) -> Filters {
    match i % 4 {
        0 => Filters::default(),
        1 => Filters {
            mode: Some(Label::Complete),
            ..Filters::default()
        },
        2 => Filters {
            system: parse_system("switch"),
            ..Filters::default()
        },
        _ => Filters {
            years: Some((2010, 2015)),
            ..Filters::default()
        },
    }
}

/// A deterministic generator (64-bit LCG) for the synthetic corpus.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) as usize
    }
}

/// `n` entries made of the shipped ones' sentences, recombined.
fn generated(base: &Corpus, n: usize) -> Corpus {
    let sentences: Vec<&str> = base
        .entries
        .iter()
        .flat_map(|e| e.body.split(". "))
        .collect();
    let mut rng = Lcg(42);
    let mut entries: Vec<Entry> = (0..n)
        .map(|i| {
            let mut e = base.entries[rng.next() % base.entries.len()].clone();
            e.meta.id = format!("gen-{i:06}");
            e.meta.source = format!("https://example.com/{i}");
            e.meta.date = format!("{}", 1990 + rng.next() % 36);
            e.meta.mode.primary = Label::ALL[rng.next() % Label::ALL.len()];
            e.body = (0..4)
                .map(|_| sentences[rng.next() % sentences.len()])
                .collect::<Vec<_>>()
                .join(". ");
            e
        })
        .collect();
    entries.sort_by(|a, b| a.meta.id.cmp(&b.meta.id));
    Corpus { entries }
}

fn percentiles(index: &CorpusIndex, rounds: usize) -> (Duration, Duration) {
    let mut times = Vec::with_capacity(rounds * QUERIES.len());
    for r in 0..rounds {
        for (i, q) in QUERIES.iter().enumerate() {
            let t = Instant::now();
            let found = index.search(q, &filters(i + r), 10).unwrap();
            std::hint::black_box(found);
            times.push(t.elapsed());
        }
    }
    times.sort();
    let at = |p: f64| times[((times.len() as f64 * p) as usize).min(times.len() - 1)];
    (at(0.5), at(0.99))
}

fn bench(c: &mut Criterion) {
    let shipped = Corpus::load(&default_dir()).unwrap();
    let cache = tempfile::tempdir().unwrap();
    let index = CorpusIndex::open_or_build(&shipped, cache.path()).unwrap();
    let (p50, p99) = percentiles(&index, 100);
    println!(
        "shipped corpus ({} entries): search p50 {p50:?}, p99 {p99:?}",
        shipped.entries.len()
    );
    c.bench_function("search shipped corpus, query mix", |b| {
        let mut i = 0;
        b.iter(|| {
            i += 1;
            index
                .search(QUERIES[i % QUERIES.len()], &filters(i), 10)
                .unwrap()
        })
    });

    let big = generated(&shipped, 100_000);
    let big_cache = tempfile::tempdir().unwrap();
    let t = Instant::now();
    let big_index = CorpusIndex::open_or_build(&big, big_cache.path()).unwrap();
    println!(
        "generated corpus (100000 entries): index built in {:?}",
        t.elapsed()
    );
    let (p50, p99) = percentiles(&big_index, 20);
    println!("generated corpus (100000 entries): search p50 {p50:?}, p99 {p99:?}");
    let mut g = c.benchmark_group("100k");
    g.sample_size(20);
    g.bench_function("search 100k corpus, query mix", |b| {
        let mut i = 0;
        b.iter(|| {
            i += 1;
            big_index
                .search(QUERIES[i % QUERIES.len()], &filters(i), 10)
                .unwrap()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
