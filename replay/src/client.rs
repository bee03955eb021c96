//! The client workload: each client host writes and reads at a steady rate through the member it
//! believes leads, follows "not leader" hints, and gives a request up after the workload's timeout,
//! trying the next member.

use std::collections::{BTreeMap, BTreeSet};

use rift_ingest::model::Channel;

use crate::rng::Stream;
use crate::scenario::{Flow, Host, Scenario};
use crate::sim::{Body, Ctx, Timer};
use crate::time::SimTime;

/// Client requests and answers.
pub(crate) enum ClientMsg {
    Write {
        req: u64,
        write: u64,
    },
    Read {
        req: u64,
    },
    /// Not the leader; `hint` is the leader this member follows.
    NotLeader {
        req: u64,
        hint: Option<Host>,
    },
    /// The leader appended the write (the w=1 acknowledgement).
    Appended {
        req: u64,
        write: u64,
    },
    /// A majority holds the write at `index` (the Raft acknowledgement).
    Committed {
        req: u64,
        write: u64,
        index: u64,
    },
    /// The storage layer refused the leader's fencing token: at append (`w1`) or at commit.
    Fenced {
        req: u64,
        w1: bool,
    },
    /// A read answered from the state at commit `index`.
    ReadOk {
        req: u64,
        index: u64,
    },
}

#[derive(Clone, Copy)]
enum Pending {
    Write {
        write: u64,
    },
    /// A read; `floor` is the highest acknowledged write index when it was sent.
    Read {
        floor: u64,
    },
}

/// One client host.
pub(crate) struct Client {
    host: Host,
    members: u32,
    target: Host,
    write_every: Option<SimTime>,
    read_every: Option<SimTime>,
    timeout: SimTime,
    w1: bool,
    next_req: u64,
    pending: BTreeMap<u64, Pending>,
    rng: Stream,
    pub(crate) attempted: BTreeSet<u64>,
    pub(crate) acked_w1: BTreeSet<u64>,
    pub(crate) acked_majority: BTreeSet<u64>,
    pub(crate) fenced_w1: usize,
    pub(crate) fenced_majority: usize,
    pub(crate) timed_out: usize,
    pub(crate) reads: usize,
    pub(crate) served: usize,
    pub(crate) stale: usize,
}

/// The request message for a pending request.
fn request(req: u64, p: Pending) -> ClientMsg {
    match p {
        Pending::Write { write } => ClientMsg::Write { req, write },
        Pending::Read { .. } => ClientMsg::Read { req },
    }
}

fn every(rate: f64) -> Option<SimTime> {
    (rate > 0.0).then(|| SimTime(((1e6 / rate).round() as u64).max(1)))
}

impl Client {
    pub(crate) fn new(host: Host, scenario: &Scenario, rng: Stream, leader: Option<Host>) -> Self {
        let w = &scenario.workload;
        Client {
            host,
            members: scenario.members() as u32,
            target: leader.unwrap_or(Host(0)),
            write_every: every(w.writes_per_s),
            read_every: every(w.reads_per_s),
            timeout: w.timeout.0,
            w1: scenario.protocol.commit == crate::scenario::Commit::W1,
            next_req: 1,
            pending: BTreeMap::new(),
            rng,
            attempted: BTreeSet::new(),
            acked_w1: BTreeSet::new(),
            acked_majority: BTreeSet::new(),
            fenced_w1: 0,
            fenced_majority: 0,
            timed_out: 0,
            reads: 0,
            served: 0,
            stale: 0,
        }
    }

    /// Schedules the first requests at a random phase.
    pub(crate) fn start(&mut self, ctx: &mut Ctx) {
        if let Some(p) = self.write_every {
            let at = SimTime(self.rng.range(0, p.0));
            ctx.at(at, self.host, Timer::Write);
        }
        if let Some(p) = self.read_every {
            let at = SimTime(self.rng.range(0, p.0));
            ctx.at(at, self.host, Timer::Read);
        }
    }

    fn send(&mut self, ctx: &mut Ctx, what: Pending) {
        let req = self.next_req;
        self.next_req += 1;
        self.pending.insert(req, what);
        let body = Body::Client(request(req, what));
        ctx.send(self.host, self.target, Channel::Data, Flow::Client, body);
        ctx.after(self.timeout, self.host, Timer::Deadline(req));
    }

    fn rotate(&mut self) {
        self.target = Host((self.target.0 + 1) % self.members.max(1));
    }

    pub(crate) fn timer(&mut self, ctx: &mut Ctx, timer: Timer) {
        match timer {
            Timer::Write => {
                if let Some(p) = self.write_every {
                    ctx.after(p, self.host, Timer::Write);
                }
                let write = ctx.next_write;
                ctx.next_write += 1;
                self.attempted.insert(write);
                self.send(ctx, Pending::Write { write });
            }
            Timer::Read => {
                if let Some(p) = self.read_every {
                    ctx.after(p, self.host, Timer::Read);
                }
                self.reads += 1;
                let floor = ctx.acked_index;
                self.send(ctx, Pending::Read { floor });
            }
            Timer::Deadline(req) => {
                if let Some(p) = self.pending.remove(&req) {
                    if let Pending::Write { .. } = p {
                        self.timed_out += 1;
                    }
                    self.rotate();
                }
            }
            Timer::Tick(_) | Timer::Det(..) | Timer::Crash | Timer::Restart => {}
        }
    }

    pub(crate) fn answer(&mut self, ctx: &mut Ctx, m: ClientMsg) {
        match m {
            ClientMsg::NotLeader { req, hint } => {
                // Follow a hint at once, within the request's own deadline; with no leader known,
                // wait for the deadline and try the next member then.
                if let Some(&p) = self.pending.get(&req)
                    && let Some(h) = hint
                    && h != self.target
                {
                    self.target = h;
                    let body = Body::Client(request(req, p));
                    ctx.send(self.host, h, Channel::Data, Flow::Client, body);
                }
            }
            ClientMsg::Appended { req, write } => {
                self.acked_w1.insert(write);
                if self.w1 {
                    self.pending.remove(&req);
                }
            }
            ClientMsg::Committed { req, write, index } => {
                self.acked_majority.insert(write);
                ctx.acked_index = ctx.acked_index.max(index);
                self.pending.remove(&req);
            }
            ClientMsg::Fenced { req, w1 } => {
                if w1 {
                    self.fenced_w1 += 1;
                } else {
                    self.fenced_majority += 1;
                }
                if w1 == self.w1 {
                    self.pending.remove(&req);
                }
            }
            ClientMsg::ReadOk { req, index } => {
                if let Some(Pending::Read { floor }) = self.pending.remove(&req) {
                    self.served += 1;
                    if index < floor {
                        self.stale += 1;
                    }
                }
            }
            ClientMsg::Write { .. } | ClientMsg::Read { .. } => {}
        }
    }
}
