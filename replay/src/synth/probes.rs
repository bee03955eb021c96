//! The round-trip tables: `health.csv` (a load balancer's `/health` checks, from the first
//! client host, on the `health` channel), `client.csv` (every client host's requests, a put and
//! a get each second, on the `data` channel) and `probe.csv` (every client host's data-plane
//! probes, on the `probe` channel). Every member is a target.
//!
//! A row succeeds only when the request reaches the member and the answer comes back, each
//! drawn from the faults in force when it is sent, within the timeout (extra delay counts), and
//! the member can serve it ([`serving`]): one cut off from its quorum answers `/health` with 503
//! and lets requests time out, as etcd does. Its timestamp is when the request was sent, as
//! ingest expects; a failed row's latency is the timeout, as a prober that gave up would write.

use rift_ingest::model::Channel;

use crate::error::Error;
use crate::rng::Stream;
use crate::scenario::{Flow, Host};
use crate::synth::format::{Format, Out, field};
use crate::synth::links::{Way, crosses};
use crate::synth::service::serving;
use crate::synth::world::World;
use crate::time::SimTime;

/// One of the round-trip tables.
pub(crate) struct RoundTrips {
    file: &'static str,
    header: &'static str,
    channel: Channel,
    flow: Flow,
    /// Only the first client host probes (the load balancer), or all of them.
    first_only: bool,
    /// Offsets of the requests within each second, ms, with the operation written for each.
    at: &'static [(u64, &'static str)],
    /// The timeout; `None` for the workload's own.
    timeout: Option<SimTime>,
    /// The status written for an answer, for none, and for a member that cannot serve.
    pass: &'static str,
    fail: &'static str,
    unavailable: &'static str,
}

/// Writes `health.csv`.
pub(crate) const HEALTH: RoundTrips = RoundTrips {
    file: "health.csv",
    header: "ts,prober,target,http_status,latency_ms",
    channel: Channel::Health,
    flow: Flow::Health,
    first_only: true,
    at: &[(500, "")],
    timeout: Some(SimTime::from_secs(1)),
    pass: "200",
    fail: "0",
    unavailable: "503",
};

/// Writes `client.csv`.
pub(crate) const CLIENT: RoundTrips = RoundTrips {
    file: "client.csv",
    header: "ts,client,target,op,result,latency_ms",
    channel: Channel::Data,
    flow: Flow::Client,
    first_only: false,
    at: &[(250, "put"), (750, "get")],
    timeout: None,
    pass: "ok",
    fail: "timeout",
    unavailable: "timeout",
};

/// Writes `probe.csv`.
pub(crate) const PROBE: RoundTrips = RoundTrips {
    file: "probe.csv",
    header: "ts,prober,target,result,latency_ms",
    channel: Channel::Probe,
    flow: Flow::Probe,
    first_only: false,
    at: &[(100, "")],
    timeout: Some(SimTime::from_secs(1)),
    pass: "ok",
    fail: "timeout",
    unavailable: "timeout",
};

/// How one request went.
enum Answer {
    /// Answered in time, after this long.
    Ok(SimTime),
    /// The request or its answer was lost, or came too late.
    Lost,
    /// The member got it but cannot serve (no leader, or its leader has no quorum).
    Unavailable,
}

impl RoundTrips {
    /// One request at `t`. Always makes the same draws, however it goes.
    fn one(&self, w: &World, rng: &mut Stream, way: Way, t: SimTime, timeout: SimTime) -> Answer {
        let p = &w.scenario.protocol;
        let (latency, jitter) = (p.latency.us(), p.jitter.us());
        let sent = crosses(rng, w.links.keep(way, t));
        let there = latency + rng.range(0, jitter) + w.links.delay(way, t).0;
        // The member takes 1–5 ms to answer.
        let answer_at = SimTime(t.0 + there + rng.range(1_000, 5_000));
        let answered = crosses(rng, w.links.keep(way.back(), answer_at));
        let back = latency + rng.range(0, jitter) + w.links.delay(way.back(), answer_at).0;
        let rtt = SimTime(answer_at.0 + back - t.0);
        if !(sent && answered && rtt <= timeout) {
            Answer::Lost
        } else if !serving(w, way.to, SimTime(t.0 + there)) {
            Answer::Unavailable
        } else {
            Answer::Ok(rtt)
        }
    }
}

impl Format for RoundTrips {
    fn write(&self, w: &World, out: &mut Out) -> Result<(), Error> {
        let probers: Vec<Host> = w
            .clients()
            .take(if self.first_only { 1 } else { usize::MAX })
            .collect();
        if probers.is_empty() || w.scenario.members() == 0 {
            return Ok(());
        }
        let timeout = self.timeout.unwrap_or(w.scenario.workload.timeout.0);
        let timeout_ms = timeout.0.div_ceil(1_000);
        let end = w.scenario.end();
        let mut streams: Vec<Stream> = Vec::new();
        for &p in &probers {
            for m in w.members() {
                let name = format!("synth/{}/{}->{}", self.channel, w.name(p), w.name(m));
                streams.push(Stream::new(w.seed, &name));
            }
        }
        let mut file = out.file(self.file, Some(self.header))?;
        for sec in 0..w.seconds() {
            for &(offset_ms, op) in self.at {
                let t = SimTime::from_ms(sec * 1_000 + offset_ms);
                if t >= end {
                    continue;
                }
                let ts = w.ts(t);
                for (i, &p) in probers.iter().enumerate() {
                    for m in w.members() {
                        let rng = &mut streams[i * w.scenario.members() + m.ix()];
                        let way = Way {
                            from: p,
                            to: m,
                            channel: self.channel,
                            flow: self.flow,
                        };
                        let (status, ms) = match self.one(w, rng, way, t, timeout) {
                            Answer::Ok(rtt) => (self.pass, rtt.0.div_ceil(1_000)),
                            Answer::Lost => (self.fail, timeout_ms),
                            Answer::Unavailable => (self.unavailable, timeout_ms),
                        };
                        let op = if op.is_empty() {
                            String::new()
                        } else {
                            format!("{op},")
                        };
                        file.row(&format!(
                            "{ts},{},{},{op}{status},{ms}",
                            field(w.name(p)),
                            field(w.name(m))
                        ))?;
                    }
                }
            }
        }
        file.close()
    }
}
