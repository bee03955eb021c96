//! Classification of a 100-node, one-hour timeline (1 s windows, heartbeat channel): node n0
//! cut off from minute 20 to 40, n1→n2 down one way from minute 5 to 10, n3–n4 flapping
//! 5 s down / 5 s up from minute 45 to 50, every other direction up. The noisy variant adds a
//! one-second lossy blip to every direction every two minutes, at a different offset per
//! direction, so that almost every window is a change point.

use criterion::{Criterion, criterion_group, criterion_main};
use rift_classify::{Options, classify};
use rift_ingest::model::Channel;
use rift_reach::synthetic::{self, mesh, names};
use rift_reach::{EdgeState, Timeline};

const NODES: usize = 100;
const WINDOWS: u32 = 3600;

fn timeline(noisy: bool) -> Timeline {
    let nodes = names(NODES);
    let down = |on: bool| if on { EdgeState::Down } else { EdgeState::Up };
    let edges = mesh(&nodes, Channel::Heartbeat, WINDOWS, |s, d, w| {
        if s == 0 || d == 0 {
            down((1200..2400).contains(&w))
        } else if (s, d) == (1, 2) {
            down((300..600).contains(&w))
        } else if (s.min(d), s.max(d)) == (3, 4) {
            down((2700..3000).contains(&w) && (w / 5) % 2 == 0)
        } else if noisy && w % 120 == ((s * 31 + d * 17) % 120) as u32 {
            // A one-window lossy blip every 120 windows, at an offset of its own.
            EdgeState::Lossy
        } else {
            EdgeState::Up
        }
    });
    Timeline {
        epoch_ns: 1_767_225_600_000_000_000,
        ..synthetic::timeline(nodes, edges, WINDOWS)
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
