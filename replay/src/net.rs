//! The simulated network: per-direction, per-channel delivery as the scenario's faults say at the
//! moment a message is sent.

use std::collections::HashMap;

use rift_ingest::model::Channel;

use crate::rng::{Seed, Stream};
use crate::scenario::{Fault, Flow, Host, Scenario, Transport};
use crate::time::SimTime;

/// Delivers or drops messages.
pub(crate) struct Net {
    latency: u64,
    jitter: u64,
    /// Over TCP: how long a connection keeps delivering after its reverse direction is cut.
    tcp_stall: Option<u64>,
    faults: Vec<Fault>,
    by_pair: HashMap<(Host, Host), Vec<usize>>,
    rng: Stream,
    pub(crate) sent: u64,
    pub(crate) dropped: u64,
}

impl Net {
    pub(crate) fn new(scenario: &Scenario, seed: Seed) -> Self {
        let faults = scenario.faults();
        let mut by_pair: HashMap<(Host, Host), Vec<usize>> = HashMap::new();
        for (i, f) in faults.iter().enumerate() {
            by_pair.entry((f.from, f.to)).or_default().push(i);
        }
        Net {
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
        if let Some(ids) = self.by_pair.get(&(from, to)) {
            for &i in ids {
                let f = &self.faults[i];
                if f.active(now) && f.matches(channel, flow) {
                    keep *= 1.0 - f.loss;
                    extra += f.delay.0;
                }
            }
        }
        if let Some(stall) = self.tcp_stall
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
    fn acks_cut(&self, now: SimTime, from: Host, to: Host, channel: Channel, flow: Flow, stall: u64) -> bool {
        let Some(ids) = self.by_pair.get(&(from, to)) else {
            return false;
        };
        let since = SimTime(now.0.saturating_sub(stall));
        ids.iter().any(|&i| {
            let f = &self.faults[i];
            f.loss >= 1.0
                && f.matches(channel, flow)
                && f.intervals().iter().any(|&(s, e)| s <= since && now < e)
        })
    }

    /// The faults, for judging whether a suspicion was true.
    pub(crate) fn faults(&self) -> &[Fault] {
        &self.faults
    }
}
