//! Classification of a 100-node, one-hour timeline (1 s windows, heartbeat channel): node n00
//! cut off from minute 20 to 40, n01→n02 down one way from minute 5 to 10, n03–n04 flapping
//! 5 s down / 5 s up from minute 45 to 50, every other direction up. The noisy variant adds a
//! one-second lossy blip to every direction every two minutes, at a different offset per
//! direction, so that almost every window is a change point.

use std::collections::BTreeMap;

use criterion::{Criterion, criterion_group, criterion_main};
use rift_classify::{Options, classify};
use rift_ingest::model::{Channel, NodeId};
use rift_reach::{Basis, EdgeKey, EdgeState, Estimate, Segment, Thresholds, Timeline, WindowIdx};

const NODES: usize = 100;
const WINDOWS: u32 = 3600;

fn seg(start: u32, end: u32, state: EdgeState) -> Segment {
    let (p, n) = if state == EdgeState::Up {
        (1.0, 10)
    } else {
        (0.0, 10)
    };
    Segment {
        start: WindowIdx(start),
        end: WindowIdx(end),
        state,
        basis: Basis::OneWay,
        estimate: Some(Estimate {
            p,
            lo: p,
            hi: p,
            n: u64::from(end - start) * n,
        }),
    }
}

/// Run-length encodes the state of each window.
fn series(state: impl Fn(u32) -> EdgeState) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::new();
    for w in 0..WINDOWS {
        let state = state(w);
        match out.last_mut() {
            Some(s) if s.state == state => s.end = WindowIdx(w + 1),
            _ => out.push(seg(w, w + 1, state)),
        }
    }
    out
}

/// Down where `down(w)` holds, up elsewhere.
fn down_when(down: impl Fn(u32) -> bool) -> impl Fn(u32) -> EdgeState {
    move |w| {
        if down(w) {
            EdgeState::Down
        } else {
            EdgeState::Up
        }
    }
}

fn timeline(noisy: bool) -> Timeline {
    let name = |i: usize| NodeId(format!("n{i:02}"));
    let mut edges = BTreeMap::new();
    for s in 0..NODES {
        for d in 0..NODES {
            if s == d {
                continue;
            }
            let segs = if s == 0 || d == 0 {
                series(down_when(|w| (1200..2400).contains(&w)))
            } else if (s, d) == (1, 2) {
                series(down_when(|w| (300..600).contains(&w)))
            } else if (s.min(d), s.max(d)) == (3, 4) {
                series(down_when(|w| (2700..3000).contains(&w) && (w / 5) % 2 == 0))
            } else if noisy {
                let offset = ((s * 31 + d * 17) % 120) as u32;
                // A one-window lossy blip every 120 windows.
                series(|w| {
                    if w % 120 == offset {
                        EdgeState::Lossy
                    } else {
                        EdgeState::Up
                    }
                })
            } else {
                vec![seg(0, WINDOWS, EdgeState::Up)]
            };
            edges.insert(
                EdgeKey {
                    channel: Channel::Heartbeat,
                    src: name(s),
                    dst: name(d),
                    flow: None,
                },
                segs,
            );
        }
    }
    Timeline {
        nodes: (0..NODES).map(name).collect(),
        epoch_ns: 1_767_225_600_000_000_000,
        window_ns: 1_000_000_000,
        windows: WINDOWS,
        thresholds: Thresholds::default(),
        fill_windows: 5,
        edges,
        round_trips: BTreeMap::new(),
    }
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("classify");
    g.sample_size(10);
    let t = timeline(false);
    g.bench_function("100 nodes, 1 h, 3 faults", |b| {
        b.iter(|| classify(&t, None, &[], &Options::default()))
    });
    let t = timeline(true);
    g.bench_function("100 nodes, 1 h, 3 faults, noisy", |b| {
        b.iter(|| classify(&t, None, &[], &Options::default()))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
