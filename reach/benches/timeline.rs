//! Criterion benchmark of timeline construction.
//! Timeline construction from seeded synthetic observations: per-node heartbeat counters of a
//! cluster where one node is isolated for a third of the time.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rift_ingest::ObservationsBuilder;
use rift_ingest::model::{Channel, Evidence, NodeId, Observation};
use rift_reach::TimelineBuilder;

fn observations(nodes: usize, seconds: i64) -> polars::prelude::DataFrame {
    let mut b = ObservationsBuilder::new();
    let names: Vec<String> = (0..nodes).map(|i| format!("n{i}")).collect();
    for t in 0..seconds {
        let cut = t >= seconds / 3 && t < 2 * seconds / 3;
        for (i, s) in names.iter().enumerate() {
            for (j, d) in names.iter().enumerate() {
                if i == j {
                    continue;
                }
                let lost = cut && (i == 0 || j == 0);
                b.push(Observation {
                    ts_ns: (1_767_225_600 + t) * 1_000_000_000,
                    src: NodeId(s.clone()),
                    dst: NodeId(d.clone()),
                    channel: Channel::Heartbeat,
                    flow: None,
                    evidence: Evidence::OneWay,
                    attempts: 10,
                    delivered: if lost { 0 } else { 10 },
                    latency_ms: None,
                    reporter: s.clone(),
                    origin: format!("counters.csv:{t}"),
                });
            }
        }
    }
    b.take_frame()
}

fn bench(c: &mut Criterion) {
    let df = observations(20, 300);
    let mut g = c.benchmark_group("timeline");
    g.throughput(Throughput::Elements(df.height() as u64));
    g.sample_size(20);
    g.bench_function("build_20_nodes_300s", |b| {
        b.iter(|| {
            let mut tb = TimelineBuilder::new();
            tb.add(&df)
                .expect("synthetic observations follow the schema");
            tb.finish()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
