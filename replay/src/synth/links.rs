//! The delivery model of synthetic telemetry: a message sent from A to B at time t on a channel
//! and flow arrives with probability Π(1 − loss) over the faults in force on that link at t that
//! match the channel and flow, as in the simulator's network.
//!
//! Unlike the simulator, the formats here do not model TCP's echo (a one-way cut stalling the
//! reverse direction of a connection): the counters are datagram heartbeats (the `gossip` flow,
//! which the simulator also sends as datagrams), and requests and probes are round trips that
//! need both directions anyway.

use std::collections::BTreeMap;

use rift_ingest::model::Channel;

use crate::rng::Stream;
use crate::scenario::{Fault, Flow, Host, Scenario};
use crate::time::SimTime;

/// Which messages: from a host to another, on a channel and flow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Way {
    pub(crate) from: Host,
    pub(crate) to: Host,
    pub(crate) channel: Channel,
    pub(crate) flow: Flow,
}

impl Way {
    /// The answers' way back.
    pub(crate) fn back(self) -> Way {
        Way {
            from: self.to,
            to: self.from,
            ..self
        }
    }
}

/// The scenario's faults, by directed link.
pub(crate) struct Links {
    faults: Vec<Fault>,
    by_pair: BTreeMap<(Host, Host), Vec<usize>>,
}

impl Links {
    pub(crate) fn new(scenario: &Scenario) -> Self {
        let faults = scenario.faults();
        let mut by_pair: BTreeMap<(Host, Host), Vec<usize>> = BTreeMap::new();
        for (i, f) in faults.iter().enumerate() {
            by_pair.entry((f.from, f.to)).or_default().push(i);
        }
        Links { faults, by_pair }
    }

    /// Every directed fault.
    pub(crate) fn faults(&self) -> &[Fault] {
        &self.faults
    }

    /// The faults in force on `way` at `t`.
    fn on(&self, way: Way, t: SimTime) -> impl Iterator<Item = &Fault> {
        self.by_pair
            .get(&(way.from, way.to))
            .into_iter()
            .flatten()
            .map(|&i| &self.faults[i])
            .filter(move |f| f.active(t) && f.matches(way.channel, way.flow))
    }

    /// The share of messages sent on `way` at `t` that arrive.
    pub(crate) fn keep(&self, way: Way, t: SimTime) -> f64 {
        self.on(way, t).map(|f| 1.0 - f.loss).product()
    }

    /// The extra one-way latency of a message sent on `way` at `t`.
    pub(crate) fn delay(&self, way: Way, t: SimTime) -> SimTime {
        SimTime(self.on(way, t).map(|f| f.delay.0).sum())
    }

    /// Whether any fault limits itself to `flow` on a link between two of the first `members`
    /// hosts (then the counters carry a flow column).
    pub(crate) fn has_member_flow(&self, members: usize, flow: Flow) -> bool {
        self.faults
            .iter()
            .any(|f| f.flow == Some(flow) && f.from.ix() < members && f.to.ix() < members)
    }
}

/// Whether one message gets through when a share `keep` does. Always draws, so that what a
/// stream yields later does not depend on the faults.
pub(crate) fn crosses(rng: &mut Stream, keep: f64) -> bool {
    rng.unit() < keep
}

/// Merges intervals (µs) into disjoint sorted ones.
pub(crate) fn merge(v: Vec<(u64, u64)>) -> Vec<(u64, u64)> {
    crate::time::merge_intervals(v)
}

/// The intersection of two sets of disjoint sorted intervals.
pub(crate) fn intersect(a: &[(u64, u64)], b: &[(u64, u64)]) -> Vec<(u64, u64)> {
    let mut out = Vec::new();
    for &(s1, e1) in a {
        for &(s2, e2) in b {
            let (s, e) = (s1.max(s2), e1.min(e2));
            if s < e {
                out.push((s, e));
            }
        }
    }
    merge(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Seed;

    const FLAPPY: &str = r#"
duration = "60s"
[cluster]
nodes = ["n1", "n2", "n3"]
[[phase]]
start = "10s"
end = "30s"
drop = ["n1->n2"]
loss = 0.5
channels = ["heartbeat"]
[[phase]]
start = "20s"
end = "30s"
drop = ["n1->n2"]
loss = 0.5
delay = "200ms"
"#;

    #[test]
    fn overlapping_faults_multiply_and_respect_channels() {
        let s = Scenario::parse(FLAPPY, "f.toml").unwrap();
        let l = Links::new(&s);
        let ab = Way {
            from: Host(0),
            to: Host(1),
            channel: Channel::Heartbeat,
            flow: Flow::Gossip,
        };
        let at = SimTime::from_secs;
        assert_eq!(l.keep(ab, at(5)), 1.0);
        assert_eq!(l.keep(ab, at(15)), 0.5);
        assert_eq!(l.keep(ab, at(25)), 0.25);
        let data = Way {
            channel: Channel::Data,
            flow: Flow::Client,
            ..ab
        };
        assert_eq!(l.keep(data, at(25)), 0.5);
        assert_eq!(l.keep(ab.back(), at(25)), 1.0);
        assert_eq!(l.delay(ab, at(25)), SimTime::from_ms(200));
    }

    #[test]
    fn intervals_merge_and_intersect() {
        assert_eq!(merge(vec![(5, 9), (1, 3), (2, 4)]), vec![(1, 4), (5, 9)]);
        assert_eq!(
            intersect(&[(0, 10)], &[(2, 4), (8, 12)]),
            vec![(2, 4), (8, 10)]
        );
    }

    #[test]
    fn crossing_always_draws() {
        let mut a = Stream::new(Seed(3), "x");
        let mut b = Stream::new(Seed(3), "x");
        assert!(crosses(&mut a, 1.0));
        assert!(!crosses(&mut b, 0.0));
        assert_eq!(a.unit(), b.unit());
    }
}
