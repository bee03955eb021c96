//! Random but well-formed scenarios of each network mode, for round-trip tests: synthesise one,
//! classify the export, and compare with the truth.
//!
//! Every scenario has 3–7 members `n1`, `n2`, …, one client host `client`, a random leader at
//! term 1, etcd's default protocol settings, a light workload (a write and a read a second), a
//! length of 60–120 s, and one fault that starts 15–30 s in and lasts 10–30 s:
//!
//! | mode | the fault |
//! |---|---|
//! | `complete` | a minority (at most ⌊(n−1)/2⌋ members) cut off both ways, by `isolate` or `partition` |
//! | `asymmetric` | one member's outgoing, or incoming, direction to all or some peers dropped |
//! | `partial` | one pair cut both ways while both still reach the others, or a lasting loss of 30–50 % on one pair |
//! | `gray` | the client's data channel to one member dropped (one direction); heartbeats, health checks and probes pass |
//! | `flapping` | one pair, or one member, cut both ways for 3–6 s, up for 3–6 s, 3–5 times |
//!
//! Any other mode name gives a scenario without a fault (healthy).

use crate::rng::{Seed, Stream};
use crate::scenario::{Cluster, Dur, Flap, Phase, Protocol, Scenario, Workload};
use crate::time::SimTime;
use rift_ingest::model::Channel;

/// The modes [`random_scenario`] knows.
pub const MODES: [&str; 5] = ["complete", "asymmetric", "partial", "gray", "flapping"];

/// A random scenario showing `mode`, the same for the same `mode` and `seed`; its own `seed` is
/// `seed`.
pub fn random_scenario(mode: &str, seed: u64) -> Scenario {
    let mut rng = Stream::new(Seed(seed), &format!("synth/random/{mode}"));
    let n = rng.range(3, 8) as usize;
    let nodes: Vec<String> = (1..=n).map(|i| format!("n{i}")).collect();
    let leader = nodes[rng.range(0, n as u64) as usize].clone();
    let ms = |ms: u64| Dur(SimTime::from_ms(ms));
    let start = rng.range(15_000, 30_001);
    let len = rng.range(10_000, 30_001);
    let mut duration = rng.range(60, 121) * 1_000;
    let mut phase = Phase {
        name: Some(mode.to_owned()),
        start: ms(start),
        end: Some(ms(start + len)),
        drop: Vec::new(),
        partition: Vec::new(),
        isolate: Vec::new(),
        loss: 1.0,
        delay: None,
        channels: Vec::new(),
        flow: None,
        flap: None,
        crash: Vec::new(),
    };
    let shuffled = shuffle(&mut rng, &nodes);
    let (a, b) = (shuffled[0].clone(), shuffled[1].clone());
    match mode {
        "complete" => {
            let k = rng.range(1, (n as u64 - 1) / 2 + 1) as usize;
            let minority: Vec<String> = shuffled[..k].to_vec();
            if k == 1 && rng.chance(0.5) {
                phase.isolate = minority;
            } else {
                let rest = nodes
                    .iter()
                    .filter(|x| !minority.contains(x))
                    .cloned()
                    .collect();
                phase.partition = vec![minority, rest];
            }
        }
        "asymmetric" => {
            let peers = &shuffled[1..];
            let some = if rng.chance(0.5) {
                peers.len()
            } else {
                rng.range(1, peers.len() as u64 + 1) as usize
            };
            let outgoing = rng.chance(0.5);
            phase.drop = peers[..some]
                .iter()
                .map(|p| {
                    if outgoing {
                        format!("{a}->{p}")
                    } else {
                        format!("{p}->{a}")
                    }
                })
                .collect();
        }
        "partial" => {
            phase.drop = vec![format!("{a}<->{b}")];
            if rng.chance(0.5) {
                phase.loss = rng.range(30, 51) as f64 / 100.0;
            }
        }
        "gray" => {
            phase.drop = vec![if rng.chance(0.5) {
                format!("client->{a}")
            } else {
                format!("{a}->client")
            }];
            phase.channels = vec![Channel::Data];
        }
        "flapping" => {
            let down = rng.range(3_000, 6_001);
            let up = rng.range(3_000, 6_001);
            let cycles = rng.range(3, 6);
            if rng.chance(0.5) {
                phase.drop = vec![format!("{a}<->{b}")];
            } else {
                phase.isolate = vec![a.clone()];
            }
            phase.flap = Some(Flap {
                down: ms(down),
                up: ms(up),
            });
            // The last down phase ends the fault.
            phase.end = Some(ms(start + cycles * (down + up) - up));
        }
        _ => {}
    }
    let end = phase.end.map_or(0, |e| e.us() / 1_000);
    duration = duration.max(end + 20_000);
    Scenario {
        name: Some(format!("random {mode} #{seed}")),
        description: Some(format!(
            "A random {mode} fault made by rift's synth::random_scenario."
        )),
        epoch: None,
        duration: ms(duration),
        seed: Some(seed),
        cluster: Cluster {
            nodes,
            leader: Some(leader),
            term: 1,
            clients: vec!["client".to_owned()],
        },
        protocol: Protocol::default(),
        // One write and one read a second: roles are what the logs need, and a heavy workload
        // makes the simulator slow while the cluster has no leader.
        workload: Workload {
            writes_per_s: 1.0,
            reads_per_s: 1.0,
            ..Workload::default()
        },
        phases: if MODES.contains(&mode) {
            vec![phase]
        } else {
            Vec::new()
        },
    }
}

/// `items` in a random order (Fisher–Yates).
fn shuffle(rng: &mut Stream, items: &[String]) -> Vec<String> {
    let mut v = items.to_vec();
    for i in (1..v.len()).rev() {
        let j = rng.range(0, i as u64 + 1) as usize;
        v.swap(i, j);
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_scenarios_are_well_formed_and_repeatable() {
        for mode in MODES {
            for seed in 0..50 {
                let s = random_scenario(mode, seed);
                s.check()
                    .unwrap_or_else(|e| panic!("{mode} #{seed}: {e}\n{}", s.to_toml()));
                let again = Scenario::parse(&s.to_toml(), "again").unwrap();
                assert_eq!(s, again);
                assert_eq!(s, random_scenario(mode, seed));
                assert!((3..=7).contains(&s.members()));
                let ph = &s.phases[0];
                assert!(ph.start >= Dur::ms(15_000) && ph.start <= Dur::ms(30_000));
                assert!(s.duration >= Dur::ms(60_000));
                assert!(ph.end.unwrap() <= s.duration);
            }
        }
        assert!(random_scenario("healthy", 1).phases.is_empty());
    }

    #[test]
    fn complete_cuts_a_minority_and_flapping_cycles_three_times() {
        for seed in 0..50 {
            let s = random_scenario("complete", seed);
            let faults = s.faults();
            let n = s.members();
            // A member cut off from a majority is on the minority side.
            let cut_off = (0..n)
                .filter(|&h| faults.iter().filter(|f| f.from.ix() == h).count() >= n - (n - 1) / 2)
                .count();
            assert!((1..=(n - 1) / 2).contains(&cut_off), "{}", s.to_toml());
            assert!(
                faults
                    .iter()
                    .all(|f| faults.iter().any(|g| g.from == f.to && g.to == f.from))
            );
            let f = random_scenario("flapping", seed).faults().remove(0);
            assert!(f.intervals().len() >= 3);
        }
    }
}
