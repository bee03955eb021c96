//! Simulator speed.
//!
//! - `textbook`: the textbook asymmetric scenario (5 members, 50 ms heartbeats, 6 s, every
//!   follower-to-leader link cut at 2.05 s) under plain Raft, with and without the client
//!   workload; `scripts/bench.sh c` sets it against the Python reference in the same run.
//! - `cluster_1000`: a 1000-member cluster with 50 ms heartbeats, 500 ms election timeouts, 10
//!   writes and 10 reads a second, for 60 simulated seconds with the leader isolated for 10 s;
//!   the figure is simulated seconds per wall second (1 h takes 60× one iteration).

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use rift_replay::{Scenario, Seed, Sim, Variant};

fn textbook(workload: bool) -> Scenario {
    let mut text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/textbook-asymmetric.toml"
    ))
    .unwrap()
    .replace("duration = \"10s\"", "duration = \"6s\"");
    if !workload {
        text.push_str("\n[workload]\nwrites_per_s = 0\nreads_per_s = 0\n");
    }
    Scenario::parse(&text, "textbook").unwrap()
}

/// `n` members, 50 ms heartbeats, the leader isolated from 30 s to 40 s of `secs`.
pub fn cluster(n: usize, secs: u64, jitter: &str) -> Scenario {
    let nodes: Vec<String> = (0..n).map(|i| format!("\"n{i}\"")).collect();
    let text = format!(
        r#"
duration = "{secs}s"
[cluster]
nodes = [{}]
leader = "n0"
[protocol]
heartbeat = "50ms"
election_timeout = "500ms"
jitter = "{jitter}"
[[phase]]
start = "30s"
end = "40s"
isolate = ["n0"]
"#,
        nodes.join(", ")
    );
    Scenario::parse(&text, "cluster").unwrap()
}

fn bench(c: &mut Criterion) {
    let raft = Variant::parse("raft").unwrap();
    let mut g = c.benchmark_group("textbook");
    for (name, s) in [
        ("no_workload", textbook(false)),
        ("workload", textbook(true)),
    ] {
        g.bench_function(name, |b| {
            b.iter(|| black_box(Sim::new(&s, &raft, Seed(1)).run().unwrap()))
        });
    }
    g.finish();

    let current = Variant::current();
    let mut g = c.benchmark_group("cluster_1000");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    for jitter in ["0s", "200us"] {
        let s = cluster(1000, 60, jitter);
        g.bench_function(format!("60s_jitter_{jitter}"), |b| {
            b.iter(|| black_box(Sim::new(&s, &current, Seed(1)).run().unwrap()))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
