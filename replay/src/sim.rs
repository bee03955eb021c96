//! The simulation loop: one queue of messages and timers, the network, the members, the client
//! hosts and the detector models, advanced in simulated time.

use rift_ingest::model::Channel;

use crate::client::{Client, ClientMsg};
use crate::detect::{DetMsg, Model};
use crate::error::Error;
use crate::net::Net;
use crate::outcome::Outcome;
use crate::queue::Queue;
use crate::raft::{Entry, Node, RaftMsg, Settings};
use crate::record::Recorder;
use crate::rng::{Seed, Stream};
use crate::scenario::{Flow, Host, Scenario};
use crate::time::SimTime;
use crate::variant::Variant;

/// A message's content.
pub(crate) enum Body {
    Raft(RaftMsg),
    Client(ClientMsg),
    Det(u8, DetMsg),
}

/// A timer's purpose.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Timer {
    /// A member's timer (a leader's tick, or an election deadline); only the latest number is
    /// live.
    Tick(u64),
    /// A client host's next write.
    Write,
    /// A client host's next read.
    Read,
    /// A client request's deadline.
    Deadline(u64),
    /// A detector model's timer, with its own code.
    Det(u8, u64),
    /// A member's processes are killed.
    Crash,
    /// A crashed member starts again.
    Restart,
}

pub(crate) enum Ev {
    Msg {
        from: Host,
        to: Host,
        body: Body,
    },
    /// Messages sent one after another that arrive at the same time, in sending order: one
    /// queue entry instead of many (a leader's heartbeat round with fixed latency), handled
    /// exactly as the separate messages would be.
    Batch(Vec<(Host, Host, Body)>),
    Timer {
        host: Host,
        timer: Timer,
    },
}

/// What every component may touch while it handles an event.
pub(crate) struct Ctx {
    pub(crate) now: SimTime,
    pub(crate) q: Queue<Ev>,
    pub(crate) net: Net,
    pub(crate) rec: Recorder,
    /// The cluster's committed log: every entry a leader has committed, in index order.
    pub(crate) committed: Vec<Entry>,
    /// The highest leader term the storage layer has seen (fencing).
    pub(crate) fence: u64,
    /// The highest log index of a write acknowledged to a client under the majority rule.
    pub(crate) acked_index: u64,
    /// The next write id.
    pub(crate) next_write: u64,
    /// Per member: whether it knows a leader (what etcd's `/health` reports).
    pub(crate) has_leader: Vec<bool>,
    /// Messages sent since the last queue entry that all arrive at `batch_at`.
    batch: Vec<(Host, Host, Body)>,
    batch_at: u64,
}

impl Ctx {
    /// Sends `body` over the network.
    pub(crate) fn send(&mut self, from: Host, to: Host, channel: Channel, flow: Flow, body: Body) {
        if let Some(at) = self.net.deliver_at(self.now, from, to, channel, flow) {
            // Consecutive messages with one arrival time would take consecutive places in the
            // queue; they share one entry instead.
            if !self.batch.is_empty() && self.batch_at != at.0 {
                self.flush();
            }
            self.batch_at = at.0;
            self.batch.push((from, to, body));
        }
    }

    /// Queues the messages sent since the last queue entry.
    #[expect(
        clippy::expect_used,
        reason = "the batch was checked to hold one message"
    )]
    pub(crate) fn flush(&mut self) {
        match self.batch.len() {
            0 => {}
            1 => {
                let (from, to, body) = self.batch.pop().expect("one message");
                self.q.push(self.batch_at, Ev::Msg { from, to, body });
            }
            _ => {
                let batch = std::mem::take(&mut self.batch);
                self.q.push(self.batch_at, Ev::Batch(batch));
            }
        }
    }

    /// Fires `timer` at `host` after `after`.
    pub(crate) fn after(&mut self, after: SimTime, host: Host, timer: Timer) {
        self.flush();
        self.q.push(self.now.0 + after.0, Ev::Timer { host, timer });
    }

    /// Fires `timer` at `host` at `at`.
    pub(crate) fn at(&mut self, at: SimTime, host: Host, timer: Timer) {
        self.flush();
        self.q.push(at.0, Ev::Timer { host, timer });
    }
}

/// One run of a scenario under one variant.
pub struct Sim<'s> {
    scenario: &'s Scenario,
    variant: Variant,
    ctx: Ctx,
    settings: Settings,
    nodes: Vec<Node>,
    clients: Vec<Client>,
    models: Vec<Box<dyn Model>>,
    /// Which members are down (crashed and not started again).
    down: Vec<bool>,
    steps: u64,
}

/// Events a run may handle before it gives up: far more than any scenario needs.
const STEP_BUDGET: u64 = 20_000_000_000;

impl<'s> Sim<'s> {
    /// Prepares a run.
    pub fn new(scenario: &'s Scenario, variant: &Variant, seed: Seed) -> Self {
        let settings = Settings::new(scenario, variant);
        let members = scenario.members();
        let mut ctx = Ctx {
            now: SimTime(0),
            q: Queue::new(),
            net: Net::new(scenario, seed),
            rec: Recorder::new(scenario),
            committed: Vec::new(),
            fence: 0,
            acked_index: 0,
            next_write: 1,
            has_leader: vec![false; members],
            batch: Vec::new(),
            batch_at: 0,
        };
        let leader = scenario
            .cluster
            .leader
            .as_deref()
            .and_then(|l| scenario.host(l));
        let mut nodes = Vec::with_capacity(members);
        let mut start = Stream::new(seed, "start");
        for i in 0..members {
            let host = Host(i as u32);
            let rng = Stream::new(seed, &format!("raft/{}", scenario.cluster.nodes[i]));
            let phase = SimTime(start.range(0, settings.tick.0.max(1)));
            let mut node = Node::new(host, &settings, rng, scenario.cluster.term, leader, phase);
            node.start(&mut ctx, &settings);
            nodes.push(node);
        }
        let mut clients = Vec::new();
        for (j, name) in scenario.cluster.clients.iter().enumerate() {
            let host = Host((members + j) as u32);
            let mut c = Client::new(
                host,
                scenario,
                Stream::new(seed, &format!("client/{name}")),
                leader,
            );
            c.start(&mut ctx);
            clients.push(c);
        }
        for c in scenario.crashes() {
            ctx.at(c.start, c.host, Timer::Crash);
            if c.end < scenario.end() {
                ctx.at(c.end, c.host, Timer::Restart);
            }
        }
        let mut models = crate::detect::models(scenario, variant, seed);
        for (i, m) in models.iter_mut().enumerate() {
            m.start(&mut ctx, i as u8);
        }
        ctx.flush();
        Sim {
            scenario,
            variant: variant.clone(),
            ctx,
            settings,
            nodes,
            clients,
            models,
            down: vec![false; members],
            steps: 0,
        }
    }

    /// Handles the next event; false when the scenario's end is reached.
    pub fn step(&mut self) -> Result<bool, Error> {
        let end = self.scenario.end();
        let Some((t, ev)) = self.ctx.q.pop() else {
            return Ok(false);
        };
        if t >= end.0 {
            return Ok(false);
        }
        self.steps += 1;
        if self.steps > STEP_BUDGET {
            return Err(Error::Budget {
                steps: self.steps,
                at: SimTime(t),
            });
        }
        self.ctx.now = SimTime(t);
        let members = self.nodes.len();
        match ev {
            Ev::Msg { from, to, body } => self.deliver(from, to, body),
            Ev::Batch(batch) => {
                for (from, to, body) in batch {
                    self.deliver(from, to, body);
                }
            }
            Ev::Timer { host, timer } => match timer {
                Timer::Tick(_) if self.down[host.ix()] => {}
                Timer::Tick(generation) => {
                    self.nodes[host.ix()].tick(&mut self.ctx, &self.settings, generation)
                }
                Timer::Crash => {
                    self.down[host.ix()] = true;
                    self.nodes[host.ix()].crash(&mut self.ctx, &self.settings);
                }
                Timer::Restart => {
                    self.down[host.ix()] = false;
                    self.nodes[host.ix()].restart(&mut self.ctx, &self.settings);
                }
                Timer::Write | Timer::Read | Timer::Deadline(_) => {
                    self.clients[host.ix() - members].timer(&mut self.ctx, timer)
                }
                Timer::Det(i, code) => self.models[i as usize].timer(&mut self.ctx, i, host, code),
            },
        }
        self.ctx.flush();
        Ok(true)
    }

    /// Hands a message to its recipient.
    fn deliver(&mut self, from: Host, to: Host, body: Body) {
        let members = self.nodes.len();
        // Nothing reaches a crashed member's processes: its host refuses or drops it.
        if to.ix() < members && self.down[to.ix()] {
            return;
        }
        match body {
            Body::Raft(m) => self.nodes[to.ix()].step(&mut self.ctx, &self.settings, from, m),
            Body::Client(m) => {
                if to.ix() < members {
                    self.nodes[to.ix()].client(&mut self.ctx, &self.settings, from, m);
                } else {
                    self.clients[to.ix() - members].answer(&mut self.ctx, m);
                }
            }
            Body::Det(i, m) => self.models[i as usize].message(&mut self.ctx, i, from, to, m),
        }
    }

    /// Runs to the end and returns what happened.
    pub fn run(mut self) -> Result<Outcome, Error> {
        while self.step()? {}
        self.ctx.now = self.scenario.end();
        let Sim {
            scenario,
            variant,
            ctx,
            settings,
            nodes,
            clients,
            models,
            ..
        } = self;
        // What a detector should have found: the network's faults and the crashed members.
        let mut faults = ctx.net.faults().to_vec();
        faults.extend(scenario.crash_faults());
        let tails: Vec<&[Entry]> = nodes
            .iter()
            .map(|n| n.uncommitted(&ctx.committed))
            .collect();
        Ok(ctx.rec.finish(
            scenario,
            &variant,
            &settings,
            &ctx.committed,
            &tails,
            &clients,
            &models,
            &faults,
            ctx.net.sent,
            ctx.net.dropped,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::variant::Variant;

    fn run(phases: &str, seed: u64) -> Outcome {
        let text = format!(
            "name = \"t\"\nduration = \"40s\"\n[cluster]\nnodes = [\"n1\", \"n2\", \"n3\"]\nleader = \"n1\"\n{phases}"
        );
        let s = Scenario::parse(&text, "t.toml").unwrap();
        Sim::new(&s, &Variant::current(), Seed(seed)).run().unwrap()
    }

    #[test]
    fn a_crashed_leader_is_replaced_and_comes_back_a_follower_without_deposing_anyone() {
        let crash = "[[phase]]\nstart = \"10s\"\nend = \"25s\"\ncrash = [\"n1\"]\n";
        for seed in 1..=10 {
            let o = run(crash, seed);
            // One new leader, elected after the crash, among the two that stayed up; n1 does
            // not campaign while down, and after its restart it follows without an election
            // of its own deposing the new leader.
            let after: Vec<_> = o.leaders.iter().filter(|l| l.from > 0.0).collect();
            assert_eq!(after.len(), 1, "seed {seed}: {:?}", o.leaders);
            assert_ne!(after[0].node, "n1", "seed {seed}");
            assert!(
                after[0].from > 10.0 && after[0].from < 13.0,
                "seed {seed}: {:?}",
                after
            );
            assert!(after[0].to >= 40.0, "seed {seed}: {:?}", o.leaders);
            assert!(o.dual_leader.spans.is_empty(), "seed {seed}");
            assert!(o.max_term <= 3, "seed {seed}: term {}", o.max_term);
        }
    }

    #[test]
    fn an_isolated_leader_is_not_a_crashed_one() {
        // Cut off instead of killed, n1 keeps campaigning (no PreVote in etcd's default), and its
        // higher term disrupts the cluster when the cut heals.
        let cut = "[[phase]]\nstart = \"10s\"\nend = \"25s\"\nisolate = [\"n1\"]\n";
        let crash = "[[phase]]\nstart = \"10s\"\nend = \"25s\"\ncrash = [\"n1\"]\n";
        let (cut, crash) = (run(cut, 7), run(crash, 7));
        assert!(
            cut.max_term > crash.max_term,
            "{} vs {}",
            cut.max_term,
            crash.max_term
        );
    }
}
