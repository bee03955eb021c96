//! `counters.csv`: per-node heartbeat counters, the per-node shape ingest pairs into one-way
//! observations: `ts, node, peer, channel, [flow,] sent, received`, where `sent` is what `node`
//! sent to `peer` during the second that ends at `ts` and `received` what it heard from `peer`.
//!
//! Every member sends a heartbeat to every other member once per heartbeat interval (the
//! scenario's `protocol.heartbeat`), starting at a random phase per direction, as a failure
//! detector's all-to-all heartbeats do. Each message is drawn on the `heartbeat` channel of the
//! `gossip` flow from the faults in force when it is sent. When a fault between members is
//! limited to the `raft` or `gossip` flow, the table gets a `flow` column and a series per flow,
//! so that the per-flow difference is visible.

use std::fmt::Write;

use rift_ingest::model::Channel;

use crate::error::Error;
use crate::rng::Stream;
use crate::scenario::Flow;
use crate::synth::format::{Format, Out, field};
use crate::synth::links::{Way, crosses};
use crate::synth::world::World;
use crate::time::SimTime;

/// Writes `counters.csv`.
pub(crate) struct Counters;

/// One direction and flow: its stream, and when its next heartbeat leaves.
struct Sender {
    way: Way,
    rng: Stream,
    next: u64,
}

impl Format for Counters {
    #[expect(clippy::expect_used, reason = "writing to a String cannot fail")]
    fn write(&self, w: &World, out: &mut Out) -> Result<(), Error> {
        let n = w.scenario.members();
        if n < 2 {
            return Ok(());
        }
        let per_flow =
            w.links.has_member_flow(n, Flow::Raft) || w.links.has_member_flow(n, Flow::Gossip);
        let flows: &[Flow] = if per_flow {
            &[Flow::Gossip, Flow::Raft]
        } else {
            &[Flow::Gossip]
        };
        let hb = w.scenario.protocol.heartbeat.us().max(1);
        let end = w.scenario.end().0;
        // senders[(a * n + b) * flows + f]: a → b on flow f, each on its own stream and phase.
        let mut senders = Vec::with_capacity(n * n * flows.len());
        for a in w.members() {
            for b in w.members() {
                for &flow in flows {
                    let name = format!(
                        "synth/counters/{}->{}/{}",
                        w.name(a),
                        w.name(b),
                        flow.as_str()
                    );
                    let mut rng = Stream::new(w.seed, &name);
                    let next = if a == b { end } else { rng.range(0, hb) };
                    let way = Way {
                        from: a,
                        to: b,
                        channel: Channel::Heartbeat,
                        flow,
                    };
                    senders.push(Sender { way, rng, next });
                }
            }
        }
        let header = if per_flow {
            "ts,node,peer,channel,flow,sent,received"
        } else {
            "ts,node,peer,channel,sent,received"
        };
        let mut file = out.file("counters.csv", Some(header))?;
        // (sent, delivered) of the current second, per sender.
        let mut counts = vec![(0u32, 0u32); senders.len()];
        let mut row = String::new();
        for sec in 0..w.seconds() {
            let until = ((sec + 1) * 1_000_000).min(end);
            for (s, c) in senders.iter_mut().zip(counts.iter_mut()) {
                *c = (0, 0);
                while s.next < until {
                    let keep = w.links.keep(s.way, SimTime(s.next));
                    c.0 += 1;
                    c.1 += u32::from(crosses(&mut s.rng, keep));
                    s.next += hb;
                }
            }
            let ts = w.ts(SimTime::from_secs(sec + 1));
            for a in w.members() {
                for b in w.members().filter(|&b| b != a) {
                    for (fi, flow) in flows.iter().enumerate() {
                        let sent = counts[(a.ix() * n + b.ix()) * flows.len() + fi].0;
                        let heard = counts[(b.ix() * n + a.ix()) * flows.len() + fi].1;
                        row.clear();
                        let (node, peer) = (field(w.name(a)), field(w.name(b)));
                        write!(row, "{ts},{node},{peer},heartbeat,").expect("writing to a String");
                        if per_flow {
                            write!(row, "{},", flow.as_str()).expect("writing to a String");
                        }
                        write!(row, "{sent},{heard}").expect("writing to a String");
                        file.row(&row)?;
                    }
                }
            }
        }
        file.close()
    }
}
