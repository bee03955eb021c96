//! Report speed after classification: a 100-node cluster over one hour of 1 s windows (9900
//! directions × 3600 windows), node n0 cut off both ways for the middle third, with 2000
//! events; the time to build the report (pictures included) and render it as HTML. Prints the
//! report's size once.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use rift_classify::detector::{InUse, Source};
use rift_classify::{Options, Verdict, classify};
use rift_ingest::model::{Channel, Event, EventKind, NodeId};
use rift_ingest::{Accounting, Invariants};
use rift_reach::synthetic::{self, mesh, names};
use rift_reach::{EdgeState, Timeline};
use rift_reports::{Format, Html, Inputs, Report};

const NODES: usize = 100;
const WINDOWS: u32 = 3600;
const EPOCH: i64 = 1_767_225_600_000_000_000;

fn timeline() -> Timeline {
    let nodes = names(NODES);
    let (a, b) = (WINDOWS / 3, 2 * WINDOWS / 3);
    let edges = mesh(&nodes, Channel::Heartbeat, WINDOWS, |s, d, w| {
        if (s == 0 || d == 0) && (a..b).contains(&w) {
            EdgeState::Down
        } else {
            EdgeState::Up
        }
    });
    Timeline {
        epoch_ns: EPOCH,
        ..synthetic::timeline(nodes, edges, WINDOWS)
    }
}

fn events() -> Vec<Event> {
    (0..2000)
        .map(|i| Event {
            ts_ns: EPOCH + (1200 + i as i64 % 1200) * 1_000_000_000,
            node: NodeId(format!("n{}", 1 + i % (NODES - 1))),
            kind: if i % 2 == 0 {
                EventKind::PeerDown
            } else {
                EventKind::Election
            },
            peer: Some(NodeId("n0".into())),
            term: Some(2),
            detail: "peer became inactive".into(),
            origin: format!("logs/n{}.log:{}", 1 + i % (NODES - 1), i),
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let t = timeline();
    let events = events();
    let classification = classify(&t, None, &events, &Options::default());
    let detector = InUse::named("raft", Source::Flag).ok();
    let verdict = Verdict::new(None, classification, detector, &events);
    let accounting = Accounting::default();
    let invariants = Invariants::default();
    let inputs = || Inputs {
        source: "big",
        verdict: &verdict,
        timeline: &t,
        events: &events,
        accounting: &accounting,
        invariants: &invariants,
        replay: Err("not run in this benchmark".into()),
        replay_command: String::new(),
        similar: Ok(Vec::new()),
        generator: "rift bench".into(),
    };
    let html = Html
        .render(&Report::build(&inputs()))
        .expect("the report renders");
    eprintln!("report_100_nodes_1h: {} bytes of HTML", html.document.len());
    let mut g = c.benchmark_group("report");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    g.bench_function("html_100_nodes_1h", |b| {
        b.iter(|| {
            let r = Report::build(&inputs());
            black_box(Html.render(&r).expect("the report renders"))
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
