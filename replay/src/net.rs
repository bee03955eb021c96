//! The simulated network: per-direction, per-channel delivery as the scenario's faults say at the
//! moment a message is sent.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use rift_ingest::model::Channel;

use crate::rng::{Seed, Stream};
use crate::scenario::{Fault, Flow, Host, Scenario, Transport};
use crate::time::SimTime;

/// A hasher for host pairs: the pair packed into one word and multiplied (the map is looked up
/// for every message).
#[derive(Default)]
struct PairHasher(u64);

impl Hasher for PairHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }

    fn write_u32(&mut self, n: u32) {
        self.0 = (self.0.rotate_left(32) ^ u64::from(n)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

type PairMap = HashMap<(Host, Host), Vec<usize>, BuildHasherDefault<PairHasher>>;

/// Delivers or drops messages.
pub(crate) struct Net {
    latency: u64,
    jitter: u64,
    /// Over TCP: how long a connection keeps delivering after its reverse direction is cut.
    tcp_stall: Option<u64>,
    faults: Vec<Fault>,
    by_pair: PairMap,
    /// Outside `[quiet_before, quiet_after)` no fault (or TCP stall) is in force.
    quiet_before: SimTime,
    quiet_after: SimTime,
    rng: Stream,
    pub(crate) sent: u64,
    pub(crate) dropped: u64,
}

impl Net {
    pub(crate) fn new(scenario: &Scenario, seed: Seed) -> Self {
        let faults = scenario.faults();
        let mut by_pair = PairMap::default();
        for (i, f) in faults.iter().enumerate() {
            by_pair.entry((f.from, f.to)).or_default().push(i);
        }
        let stall = scenario.protocol.tcp_stall.0;
        let quiet_before = faults
            .iter()
            .map(|f| f.start)
            .min()
            .unwrap_or(SimTime(u64::MAX));
        let quiet_after = faults
            .iter()
            .map(|f| f.end.plus(stall))
            .max()
            .unwrap_or(SimTime(0));
        Net {
            quiet_before,
            quiet_after,
            latency: scenario.protocol.latency.us(),
            jitter: scenario.protocol.jitter.us(),
            tcp_stall: (scenario.protocol.transport == Transport::Tcp)
                .then_some(scenario.protocol.tcp_stall.us()),
            faults,
            by_pair,
            rng: Stream::new(seed, "network"),
            sent: 0,
            dropped: 0,
        }
    }

    /// When a message sent now from `from` to `to` arrives, or `None` if it is lost.
    pub(crate) fn deliver_at(
        &mut self,
        now: SimTime,
        from: Host,
        to: Host,
        channel: Channel,
        flow: Flow,
    ) -> Option<SimTime> {
        self.sent += 1;
        let mut keep = 1.0;
        let mut extra = 0;
        let quiet = now < self.quiet_before || now >= self.quiet_after;
        if !quiet && let Some(ids) = self.by_pair.get(&(from, to)) {
            for &i in ids {
                let f = &self.faults[i];
                if f.active(now) && f.matches(channel, flow) {
                    keep *= 1.0 - f.loss;
                    extra += f.delay.0;
                }
            }
        }
        if let Some(stall) = self.tcp_stall
            && !quiet
            && flow != Flow::Gossip
            && self.acks_cut(now, to, from, channel, flow, stall)
        {
            keep = 0.0;
        }
        if keep < 1.0 && !self.rng.chance(keep) {
            self.dropped += 1;
            return None;
        }
        let jitter = if self.jitter > 0 {
            self.rng.range(0, self.jitter)
        } else {
            0
        };
        Some(SimTime(now.0 + self.latency + jitter + extra))
    }

    /// Whether every message `from → to` has been lost for at least `stall` up to `now`: a TCP
    /// connection the other way has then stopped hearing acknowledgements.
    fn acks_cut(
        &self,
        now: SimTime,
        from: Host,
        to: Host,
        channel: Channel,
        flow: Flow,
        stall: u64,
    ) -> bool {
        let Some(ids) = self.by_pair.get(&(from, to)) else {
            return false;
        };
        let cut = |t: SimTime| {
            ids.iter().any(|&i| {
                let f = &self.faults[i];
                f.loss >= 1.0 && f.matches(channel, flow) && f.active(t)
            })
        };
        // Sampled across the window, so back-to-back phases count as one cut.
        (0..=4).all(|k| cut(SimTime(now.0.saturating_sub(stall * k / 4))))
    }

    /// The faults, for judging whether a suspicion was true.
    pub(crate) fn faults(&self) -> &[Fault] {
        &self.faults
    }
}
