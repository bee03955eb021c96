//! A Raft member, following etcd's raft package closely: ticks of one heartbeat interval,
//! election timeouts drawn from `[timeout, 2 × timeout)` ticks, PreVote, CheckQuorum (with its
//! lease: members that heard from a leader within an election timeout ignore vote requests), the
//! answer to a stale leader's heartbeat that makes it step down, log matching, commit by majority
//! of the current term, and reads by ReadIndex, lease or locally.

use std::collections::BTreeMap;
use std::rc::Rc;

use rift_ingest::model::Channel;

use crate::client::ClientMsg;
use crate::outcome::Role;
use crate::rng::Stream;
use crate::scenario::{Commit, Flow, Host, Reads, Scenario};
use crate::sim::{Body, Ctx, Timer};
use crate::time::SimTime;
use crate::variant::Variant;

/// One log entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Entry {
    pub(crate) term: u64,
    /// The client write it carries; 0 for a leader's no-op.
    pub(crate) write: u64,
}

/// Raft messages. Every one carries the sender's term.
pub(crate) enum RaftMsg {
    Vote {
        term: u64,
        pre: bool,
        last_index: u64,
        last_term: u64,
    },
    VoteResp {
        term: u64,
        pre: bool,
        reject: bool,
    },
    App {
        term: u64,
        prev_index: u64,
        prev_term: u64,
        entries: Rc<[Entry]>,
        commit: u64,
    },
    AppResp {
        term: u64,
        reject: bool,
        /// The last matching index, or on reject the refused `prev_index`.
        index: u64,
        /// On reject, the member's last index.
        hint: u64,
    },
    Heartbeat {
        term: u64,
        commit: u64,
        round: u64,
    },
    HeartbeatResp {
        term: u64,
        round: u64,
    },
}

impl RaftMsg {
    fn term(&self) -> u64 {
        match *self {
            RaftMsg::Vote { term, .. }
            | RaftMsg::VoteResp { term, .. }
            | RaftMsg::App { term, .. }
            | RaftMsg::AppResp { term, .. }
            | RaftMsg::Heartbeat { term, .. }
            | RaftMsg::HeartbeatResp { term, .. } => term,
        }
    }

    /// Entries travel on the data channel; everything else is control traffic.
    fn channel(&self) -> Channel {
        match self {
            RaftMsg::App { entries, .. } if !entries.is_empty() => Channel::Data,
            _ => Channel::Heartbeat,
        }
    }
}

/// Settings shared by every member of a run.
pub(crate) struct Settings {
    pub(crate) members: usize,
    pub(crate) quorum: usize,
    pub(crate) tick: SimTime,
    pub(crate) election_ticks: u32,
    pub(crate) election_ticks_max: u32,
    pub(crate) election_timeout: SimTime,
    pub(crate) prevote: bool,
    pub(crate) checkquorum: bool,
    pub(crate) reads: Reads,
    pub(crate) commit: Commit,
    pub(crate) fencing: bool,
}

impl Settings {
    pub(crate) fn new(scenario: &Scenario, variant: &Variant) -> Self {
        let p = variant.protocol(&scenario.protocol);
        let tick = p.heartbeat.0;
        let ticks = |d: SimTime| ((d.0 + tick.0 / 2) / tick.0.max(1)).max(1) as u32;
        let election_ticks = ticks(p.election_timeout.0);
        let election_ticks_max = p
            .election_timeout_max
            .map_or(2 * election_ticks, |m| ticks(m.0).max(election_ticks) + 1);
        let members = scenario.members();
        Settings {
            members,
            quorum: members / 2 + 1,
            tick,
            election_ticks,
            election_ticks_max,
            election_timeout: p.election_timeout.0,
            prevote: p.prevote,
            checkquorum: p.checkquorum,
            reads: p.reads,
            commit: p.commit,
            fencing: p.fencing,
        }
    }

    /// The settings in words, for tables.
    pub(crate) fn describe(&self) -> String {
        let on = |b: bool| if b { "on" } else { "off" };
        format!(
            "heartbeat {} ms, election {}–{} ms, prevote {}, checkquorum {}, reads {}, commit {}, fencing {}",
            self.tick.0 / 1000,
            self.tick.0 / 1000 * u64::from(self.election_ticks),
            self.tick.0 / 1000 * u64::from(self.election_ticks_max - 1),
            on(self.prevote),
            on(self.checkquorum),
            match self.reads {
                Reads::Quorum => "read-index",
                Reads::Lease => "lease",
                Reads::Local => "local",
            },
            match self.commit {
                Commit::Majority => "majority",
                Commit::W1 => "w=1",
            },
            on(self.fencing),
        )
    }
}

/// The log: entries up to `base` are the cluster's committed log (shared); the rest are this
/// member's own.
struct Log {
    base: u64,
    tail: Vec<Entry>,
}

impl Log {
    fn last(&self) -> u64 {
        self.base + self.tail.len() as u64
    }

    fn term(&self, i: u64, committed: &[Entry]) -> Option<u64> {
        if i == 0 {
            Some(0)
        } else if i <= self.base {
            committed.get(i as usize - 1).map(|e| e.term)
        } else {
            self.tail.get((i - self.base - 1) as usize).map(|e| e.term)
        }
    }

    fn get(&self, i: u64, committed: &[Entry]) -> Option<Entry> {
        if i == 0 {
            None
        } else if i <= self.base {
            committed.get(i as usize - 1).copied()
        } else {
            self.tail.get((i - self.base - 1) as usize).copied()
        }
    }

    fn last_term(&self, committed: &[Entry]) -> u64 {
        self.term(self.last(), committed).unwrap_or(0)
    }

    /// Raft's up-to-date check for a candidate's log.
    fn up_to_date(&self, index: u64, term: u64, committed: &[Entry]) -> bool {
        let lt = self.last_term(committed);
        term > lt || (term == lt && index >= self.last())
    }

    /// Entries `from..=last`, at most `max`.
    fn slice(&self, from: u64, max: usize, committed: &[Entry]) -> Vec<Entry> {
        (from..=self.last())
            .take(max)
            .filter_map(|i| self.get(i, committed))
            .collect()
    }

    /// Appends `entries` after `prev`, truncating a conflicting suffix. Returns the last new index.
    fn append_after(&mut self, prev: u64, entries: &[Entry], committed: &[Entry]) -> u64 {
        for (k, e) in entries.iter().enumerate() {
            let i = prev + 1 + k as u64;
            match self.term(i, committed) {
                Some(t) if t == e.term => continue,
                Some(_) if i <= self.base => return prev + k as u64,
                Some(_) => {
                    self.tail.truncate((i - self.base - 1) as usize);
                    self.tail.push(*e);
                }
                None => self.tail.push(*e),
            }
        }
        prev + entries.len() as u64
    }

    /// Forgets its own copy of entries the cluster has committed, once there are enough of them.
    fn compact(&mut self, commit: u64) {
        if commit > self.base + 256 {
            let n = (commit - self.base) as usize;
            self.tail.drain(..n.min(self.tail.len()));
            self.base = commit;
        }
    }
}

struct PendingRead {
    client: Host,
    req: u64,
    index: u64,
    round: u64,
    /// Followers that answered a heartbeat of this round or a later one.
    acks: usize,
}

/// One member.
pub(crate) struct Node {
    id: Host,
    term: u64,
    vote: Option<Host>,
    role: Role,
    lead: Option<Host>,
    /// Ticks since the last check, counted by a leader (it ticks every interval).
    election_elapsed: u32,
    randomized: u32,
    /// The node's ticks fall at `phase + k × tick`.
    phase: SimTime,
    /// When the election timer was last reset: a follower's timer is not ticked one interval at
    /// a time but computed from this, and its timer event fires only at the deadline.
    reset_at: SimTime,
    /// Only the timer event with this number is live.
    timer_gen: u64,
    /// The vote round (`ballot`) in which each member last answered; answers are counted once.
    answered: Vec<u64>,
    ballot: u64,
    yes: usize,
    no: usize,
    log: Log,
    commit: u64,
    // Leader state.
    next: Vec<u64>,
    matched: Vec<u64>,
    active: Vec<bool>,
    heard: Vec<SimTime>,
    acked_round: Vec<u64>,
    above_commit: usize,
    round: u64,
    writes: BTreeMap<u64, (Host, u64)>,
    reads: Vec<PendingRead>,
    rng: Stream,
}

impl Node {
    pub(crate) fn new(
        id: Host,
        s: &Settings,
        rng: Stream,
        term: u64,
        leader: Option<Host>,
        phase: SimTime,
    ) -> Self {
        let n = s.members;
        let mut node = Node {
            id,
            term,
            vote: leader,
            role: Role::Follower,
            lead: leader,
            election_elapsed: 0,
            randomized: s.election_ticks,
            phase,
            reset_at: SimTime(0),
            timer_gen: 0,
            answered: vec![0; n],
            ballot: 1,
            yes: 0,
            no: 0,
            log: Log {
                base: 0,
                tail: Vec::new(),
            },
            commit: 0,
            // Leader state is sized when the node first leads.
            next: Vec::new(),
            matched: Vec::new(),
            active: Vec::new(),
            heard: Vec::new(),
            acked_round: Vec::new(),
            above_commit: 0,
            round: 0,
            writes: BTreeMap::new(),
            reads: Vec::new(),
            rng,
        };
        node.reset_timeout(s);
        node
    }

    /// Records the starting role; the initial leader starts leading.
    pub(crate) fn start(&mut self, ctx: &mut Ctx, s: &Settings) {
        if self.lead == Some(self.id) {
            self.become_leader(ctx, s, "initial");
        } else {
            let lead = self.lead;
            self.record(ctx, "initial", lead);
            self.arm(ctx, s);
        }
    }

    /// The member's processes are killed: what it held in memory is gone (its role, whom it
    /// followed, its timer, the requests it was serving), and it does nothing until it starts
    /// again. Its term, vote and log were on disk.
    pub(crate) fn crash(&mut self, ctx: &mut Ctx, s: &Settings) {
        let term = self.term;
        self.reset(s, term, ctx.now);
        self.role = Role::Follower;
        // No timer of its survives.
        self.timer_gen += 1;
        self.record(ctx, "crashed", None);
    }

    /// Starts again after a crash: a follower of no one with the term, vote and log it had,
    /// whose election timer starts now.
    pub(crate) fn restart(&mut self, ctx: &mut Ctx, s: &Settings) {
        let term = self.term;
        self.reset(s, term, ctx.now);
        self.role = Role::Follower;
        self.record(ctx, "restarted", None);
        self.arm(ctx, s);
    }

    /// The index of the last tick at or before `t` (−1 before the first).
    fn tick_index(&self, t: SimTime, s: &Settings) -> i64 {
        (t.0 as i64 - self.phase.0 as i64).div_euclid(s.tick.0.max(1) as i64)
    }

    fn tick_time(&self, k: i64, s: &Settings) -> SimTime {
        SimTime((self.phase.0 as i64 + k * s.tick.0 as i64).max(0) as u64)
    }

    /// Ticks since the election timer was reset.
    fn elapsed(&self, now: SimTime, s: &Settings) -> u32 {
        (self.tick_index(now, s) - self.tick_index(self.reset_at, s)).max(0) as u32
    }

    /// Schedules this node's next timer event: the next tick for a leader, the tick at which
    /// the election timeout runs out for everyone else.
    fn arm(&mut self, ctx: &mut Ctx, s: &Settings) {
        self.timer_gen += 1;
        let at = if self.role == Role::Leader {
            self.tick_time(self.tick_index(ctx.now, s) + 1, s)
        } else {
            let due = self.tick_index(self.reset_at, s) + i64::from(self.randomized);
            self.tick_time(due.max(self.tick_index(ctx.now, s) + 1), s)
        };
        ctx.at(at, self.id, Timer::Tick(self.timer_gen));
    }

    /// This member's entries that the cluster has not committed.
    pub(crate) fn uncommitted<'a>(&'a self, committed: &[Entry]) -> &'a [Entry] {
        let c = committed.len() as u64;
        if c <= self.log.base {
            &self.log.tail
        } else {
            let skip = ((c - self.log.base) as usize).min(self.log.tail.len());
            &self.log.tail[skip..]
        }
    }

    fn record(&self, ctx: &mut Ctx, reason: &'static str, lead: Option<Host>) {
        ctx.has_leader[self.id.ix()] = lead.is_some();
        ctx.rec
            .role(ctx.now, self.id, self.role, self.term, lead, reason);
    }

    fn reset_timeout(&mut self, s: &Settings) {
        self.randomized = self
            .rng
            .range(u64::from(s.election_ticks), u64::from(s.election_ticks_max))
            as u32;
    }

    fn send(&self, ctx: &mut Ctx, to: Host, m: RaftMsg) {
        let ch = m.channel();
        ctx.send(self.id, to, ch, Flow::Raft, Body::Raft(m));
    }

    fn peers(&self, s: &Settings) -> impl Iterator<Item = Host> + use<> {
        let me = self.id;
        (0..s.members as u32).map(Host).filter(move |h| *h != me)
    }

    /// Raft's `reset`: a new term forgets the vote.
    fn reset(&mut self, s: &Settings, term: u64, now: SimTime) {
        if term != self.term {
            self.term = term;
            self.vote = None;
        }
        self.lead = None;
        self.election_elapsed = 0;
        self.reset_at = now;
        self.reset_timeout(s);
        self.new_ballot();
        self.writes.clear();
        self.reads.clear();
    }

    fn become_follower(
        &mut self,
        ctx: &mut Ctx,
        s: &Settings,
        term: u64,
        lead: Option<Host>,
        reason: &'static str,
    ) {
        let was = (self.role, self.term, self.lead);
        self.reset(s, term, ctx.now);
        self.lead = lead;
        self.role = Role::Follower;
        if was != (self.role, self.term, self.lead) {
            self.record(ctx, reason, lead);
        }
        self.arm(ctx, s);
    }

    fn become_leader(&mut self, ctx: &mut Ctx, s: &Settings, reason: &'static str) {
        let term = self.term;
        self.reset(s, term, ctx.now);
        self.lead = Some(self.id);
        self.role = Role::Leader;
        let last = self.log.last();
        let n = s.members;
        self.next.resize(n, 1);
        self.matched.resize(n, 0);
        self.active.resize(n, false);
        self.heard.resize(n, SimTime(0));
        self.acked_round.resize(n, 0);
        for p in 0..n {
            self.next[p] = last + 1;
            self.matched[p] = 0;
            self.active[p] = true;
            self.heard[p] = ctx.now;
            self.acked_round[p] = 0;
        }
        self.above_commit = 0;
        self.matched[self.id.ix()] = last;
        self.record(ctx, reason, Some(self.id));
        self.arm(ctx, s);
        // The storage layer learns the new leader's token when it takes office.
        ctx.fence = ctx.fence.max(term);
        // A new leader commits an entry of its own term first.
        self.log.tail.push(Entry { term, write: 0 });
        let last = self.log.last();
        self.matched[self.id.ix()] = last;
        self.broadcast_append(ctx, s);
        self.maybe_commit(ctx, s);
    }

    fn campaign(&mut self, ctx: &mut Ctx, s: &Settings, pre: bool) {
        let lead = self.lead;
        let was_pre = self.role == Role::PreCandidate;
        if pre {
            // etcd's becomePreCandidate: the term and the vote stay.
            self.role = Role::PreCandidate;
            self.lead = None;
            self.new_ballot();
            ctx.rec.pre_vote();
            self.record(ctx, "election timeout", None);
        } else {
            let term = self.term + 1;
            self.reset(s, term, ctx.now);
            self.vote = Some(self.id);
            self.role = Role::Candidate;
            ctx.rec.election();
            let reason = if was_pre {
                "won pre-vote"
            } else {
                "election timeout"
            };
            self.record(ctx, reason, None);
        }
        self.arm(ctx, s);
        if let Some(l) = lead
            && l != self.id
        {
            ctx.rec.suspect(ctx.now, 0, self.id, l);
        }
        self.tally(self.id, true);
        if self.won(s) {
            if pre {
                self.campaign(ctx, s, false);
            } else {
                self.become_leader(ctx, s, "won election");
            }
            return;
        }
        let term = if pre { self.term + 1 } else { self.term };
        let last_index = self.log.last();
        let last_term = self.log.last_term(&ctx.committed);
        for p in self.peers(s) {
            self.send(
                ctx,
                p,
                RaftMsg::Vote {
                    term,
                    pre,
                    last_index,
                    last_term,
                },
            );
        }
    }

    /// Forgets the votes of the last round.
    fn new_ballot(&mut self) {
        self.ballot += 1;
        self.yes = 0;
        self.no = 0;
    }

    /// Counts `from`'s answer, once per round.
    fn tally(&mut self, from: Host, granted: bool) {
        if self.answered[from.ix()] != self.ballot {
            self.answered[from.ix()] = self.ballot;
            if granted {
                self.yes += 1;
            } else {
                self.no += 1;
            }
        }
    }

    fn won(&self, s: &Settings) -> bool {
        self.yes >= s.quorum
    }

    fn lost(&self, s: &Settings) -> bool {
        self.no > s.members - s.quorum
    }

    /// A timer event: a leader's tick, or the end of everyone else's election timeout.
    pub(crate) fn tick(&mut self, ctx: &mut Ctx, s: &Settings, generation: u64) {
        if generation != self.timer_gen {
            return;
        }
        if self.role != Role::Leader {
            if self.elapsed(ctx.now, s) >= self.randomized {
                self.reset_at = ctx.now;
                self.campaign(ctx, s, s.prevote);
            } else {
                // The timer was reset since this event was scheduled.
                self.arm(ctx, s);
            }
            return;
        }
        self.arm(ctx, s);
        self.election_elapsed += 1;
        if self.election_elapsed >= s.election_ticks {
            self.election_elapsed = 0;
            if s.checkquorum {
                let active = (0..s.members)
                    .filter(|&p| p == self.id.ix() || self.active[p])
                    .count();
                if active < s.quorum {
                    for p in self.peers(s) {
                        if !self.active[p.ix()] {
                            ctx.rec.suspect(ctx.now, 0, self.id, p);
                        }
                    }
                    let term = self.term;
                    self.become_follower(ctx, s, term, None, "lost quorum");
                    return;
                }
            }
            for p in 0..s.members {
                if p != self.id.ix() {
                    self.active[p] = false;
                }
            }
        }
        self.broadcast_heartbeat(ctx, s);
    }

    fn broadcast_heartbeat(&mut self, ctx: &mut Ctx, s: &Settings) {
        let term = self.term;
        let round = self.round;
        for p in self.peers(s) {
            let commit = self.matched[p.ix()].min(self.commit);
            self.send(
                ctx,
                p,
                RaftMsg::Heartbeat {
                    term,
                    commit,
                    round,
                },
            );
        }
    }

    fn broadcast_append(&mut self, ctx: &mut Ctx, s: &Settings) {
        // Followers that are caught up share one copy of the new entries.
        let mut shared = None;
        for p in self.peers(s) {
            self.send_append_with(ctx, p, &mut shared);
        }
    }

    fn send_append(&mut self, ctx: &mut Ctx, to: Host) {
        self.send_append_with(ctx, to, &mut None);
    }

    /// Sends `to` the entries from its next index; `shared` caches the batch by start index.
    fn send_append_with(
        &mut self,
        ctx: &mut Ctx,
        to: Host,
        shared: &mut Option<(u64, Rc<[Entry]>)>,
    ) {
        let next = self.next[to.ix()].max(1);
        let prev_index = next - 1;
        let Some(prev_term) = self.log.term(prev_index, &ctx.committed) else {
            self.next[to.ix()] = self.log.last() + 1;
            return;
        };
        let entries = match shared {
            Some((from, batch)) if *from == next => Rc::clone(batch),
            _ => {
                let batch: Rc<[Entry]> = self.log.slice(next, 64, &ctx.committed).into();
                *shared = Some((next, Rc::clone(&batch)));
                batch
            }
        };
        if !entries.is_empty() {
            self.next[to.ix()] = next + entries.len() as u64;
        }
        let commit = self.commit;
        self.send(
            ctx,
            to,
            RaftMsg::App {
                term: self.term,
                prev_index,
                prev_term,
                entries,
                commit,
            },
        );
    }

    /// Tells `to` that the log matches up to `index` (with `index` 0: only our term).
    fn accept(&self, ctx: &mut Ctx, to: Host, index: u64) {
        let term = self.term;
        let m = RaftMsg::AppResp {
            term,
            reject: false,
            index,
            hint: 0,
        };
        self.send(ctx, to, m);
    }

    /// Handles a message from another member.
    pub(crate) fn step(&mut self, ctx: &mut Ctx, s: &Settings, from: Host, m: RaftMsg) {
        if !self.at_term_of(ctx, s, from, &m) {
            return;
        }
        match m {
            RaftMsg::Vote {
                term,
                pre,
                last_index,
                last_term,
            } => self.on_vote(ctx, from, term, pre, (last_index, last_term)),
            RaftMsg::VoteResp { pre, reject, .. } => self.on_vote_resp(ctx, s, from, pre, reject),
            RaftMsg::App {
                prev_index,
                prev_term,
                entries,
                commit,
                ..
            } => self.on_append(ctx, s, from, (prev_index, prev_term), &entries, commit),
            RaftMsg::Heartbeat { commit, round, .. } => {
                self.follow(ctx, s, from);
                if self.role != Role::Follower {
                    return;
                }
                let c = commit.min(self.log.last());
                self.commit_to(ctx, c);
                let term = self.term;
                self.send(ctx, from, RaftMsg::HeartbeatResp { term, round });
            }
            RaftMsg::AppResp {
                reject,
                index,
                hint,
                ..
            } => self.on_append_resp(ctx, s, from, reject, index, hint),
            RaftMsg::HeartbeatResp { round, .. } => self.on_heartbeat_resp(ctx, s, from, round),
        }
    }

    /// Brings this member to the term of `m` when it is newer (unless a leader lease holds a
    /// vote off); answers a message from an older term where the protocol asks to. Whether `m`
    /// is then handled.
    fn at_term_of(&mut self, ctx: &mut Ctx, s: &Settings, from: Host, m: &RaftMsg) -> bool {
        let mt = m.term();
        if mt > self.term {
            if let RaftMsg::Vote { .. } = *m {
                let elapsed = if self.role == Role::Leader {
                    self.election_elapsed
                } else {
                    self.elapsed(ctx.now, s)
                };
                let in_lease = s.checkquorum && self.lead.is_some() && elapsed < s.election_ticks;
                if in_lease {
                    return false;
                }
            }
            match *m {
                RaftMsg::Vote { pre: true, .. } => {}
                RaftMsg::VoteResp {
                    pre: true,
                    reject: false,
                    ..
                } => {}
                RaftMsg::App { .. } | RaftMsg::Heartbeat { .. } => {
                    self.become_follower(ctx, s, mt, Some(from), "higher term")
                }
                _ => self.become_follower(ctx, s, mt, None, "higher term"),
            }
        } else if mt < self.term {
            match *m {
                RaftMsg::App { .. } | RaftMsg::Heartbeat { .. } if s.checkquorum || s.prevote => {
                    // Tell a stale leader about the newer term, so it steps down.
                    self.accept(ctx, from, 0);
                }
                RaftMsg::Vote { pre: true, .. } => {
                    let term = self.term;
                    self.send(
                        ctx,
                        from,
                        RaftMsg::VoteResp {
                            term,
                            pre: true,
                            reject: true,
                        },
                    );
                }
                _ => {}
            }
            return false;
        }
        true
    }

    fn on_vote(
        &mut self,
        ctx: &mut Ctx,
        from: Host,
        term: u64,
        pre: bool,
        (last_index, last_term): (u64, u64),
    ) {
        let can_vote = self.vote == Some(from)
            || (self.vote.is_none() && self.lead.is_none())
            || (pre && term > self.term);
        let grant = can_vote && self.log.up_to_date(last_index, last_term, &ctx.committed);
        // A grant answers at the candidate's term, a refusal at ours.
        let term = if grant { term } else { self.term };
        let reject = !grant;
        self.send(ctx, from, RaftMsg::VoteResp { term, pre, reject });
        if grant && !pre {
            self.reset_at = ctx.now;
            self.vote = Some(from);
        }
    }

    fn on_vote_resp(&mut self, ctx: &mut Ctx, s: &Settings, from: Host, pre: bool, reject: bool) {
        let mine = match self.role {
            Role::PreCandidate => pre,
            Role::Candidate => !pre,
            _ => false,
        };
        if !mine {
            return;
        }
        self.tally(from, !reject);
        if self.won(s) {
            if pre {
                self.campaign(ctx, s, false);
            } else {
                self.become_leader(ctx, s, "won election");
            }
        } else if self.lost(s) {
            let term = self.term;
            self.become_follower(ctx, s, term, None, "lost election");
        }
    }

    fn on_append(
        &mut self,
        ctx: &mut Ctx,
        s: &Settings,
        from: Host,
        (prev_index, prev_term): (u64, u64),
        entries: &[Entry],
        commit: u64,
    ) {
        self.follow(ctx, s, from);
        if self.role != Role::Follower {
            return;
        }
        let term = self.term;
        if prev_index < self.commit {
            let index = self.commit;
            self.accept(ctx, from, index);
            return;
        }
        if self.log.term(prev_index, &ctx.committed) == Some(prev_term) {
            let last = self.log.append_after(prev_index, entries, &ctx.committed);
            self.commit_to(ctx, commit.min(last));
            self.accept(ctx, from, last);
        } else {
            let hint = self.log.last();
            let m = RaftMsg::AppResp {
                term,
                reject: true,
                index: prev_index,
                hint,
            };
            self.send(ctx, from, m);
        }
    }

    fn on_append_resp(
        &mut self,
        ctx: &mut Ctx,
        s: &Settings,
        from: Host,
        reject: bool,
        index: u64,
        hint: u64,
    ) {
        if self.role != Role::Leader {
            return;
        }
        let p = from.ix();
        self.active[p] = true;
        self.heard[p] = ctx.now;
        if reject {
            // Step back from the refused position (etcd's MaybeDecrTo); a refusal of a
            // position already matched is stale.
            if index <= self.matched[p] {
                return;
            }
            self.next[p] = index.min(hint + 1).max(self.matched[p] + 1).max(1);
            self.send_append(ctx, from);
        } else {
            if index > self.matched[p] {
                if self.matched[p] <= self.commit && index > self.commit {
                    self.above_commit += 1;
                }
                self.matched[p] = index;
                self.maybe_commit(ctx, s);
            }
            self.next[p] = self.next[p].max(index + 1);
            if self.next[p] <= self.log.last() {
                self.send_append(ctx, from);
            }
        }
    }

    fn on_heartbeat_resp(&mut self, ctx: &mut Ctx, s: &Settings, from: Host, round: u64) {
        if self.role != Role::Leader {
            return;
        }
        let p = from.ix();
        self.active[p] = true;
        self.heard[p] = ctx.now;
        if self.matched[p] < self.log.last() && self.next[p] > self.log.last() {
            // Everything was sent and not all acknowledged: resend from the match.
            self.next[p] = self.matched[p] + 1;
            self.send_append(ctx, from);
        }
        let old = self.acked_round[p];
        if round > old {
            self.acked_round[p] = round;
            let mut any = false;
            for r in self
                .reads
                .iter_mut()
                .filter(|r| r.round > old && r.round <= round)
            {
                r.acks += 1;
                any = true;
            }
            if any {
                self.serve_confirmed_reads(ctx, s);
            }
        }
    }

    /// A heartbeat or append at our term: follow its sender.
    fn follow(&mut self, ctx: &mut Ctx, s: &Settings, from: Host) {
        match self.role {
            Role::Follower => {
                self.reset_at = ctx.now;
                if self.lead != Some(from) {
                    self.lead = Some(from);
                    self.record(ctx, "heard leader", Some(from));
                }
            }
            Role::Candidate | Role::PreCandidate => {
                let term = self.term;
                self.become_follower(ctx, s, term, Some(from), "heard leader");
            }
            Role::Leader => {}
        }
    }

    fn commit_to(&mut self, ctx: &mut Ctx, c: u64) {
        if c > self.commit {
            self.commit = c;
            self.log.compact(c.min(ctx.committed.len() as u64));
        }
    }

    fn maybe_commit(&mut self, ctx: &mut Ctx, s: &Settings) {
        if self.above_commit + 1 < s.quorum {
            return;
        }
        let mut m: Vec<u64> = self.matched.clone();
        m[self.id.ix()] = self.log.last();
        m.sort_unstable_by(|a, b| b.cmp(a));
        let q = m[s.quorum - 1];
        if q <= self.commit || self.log.term(q, &ctx.committed) != Some(self.term) {
            return;
        }
        for i in self.commit + 1..=q {
            let Some(e) = self.log.get(i, &ctx.committed) else {
                break;
            };
            if i > ctx.committed.len() as u64 {
                ctx.committed.push(e);
                if e.write != 0 {
                    ctx.rec.committed(ctx.now);
                }
            } else if ctx.committed[i as usize - 1] != e {
                ctx.rec.safety_violation();
            }
            if let Some((client, req)) = self.writes.remove(&i) {
                let body = if s.fencing && self.term < ctx.fence {
                    ClientMsg::Fenced { req, w1: false }
                } else {
                    ctx.fence = ctx.fence.max(self.term);
                    ClientMsg::Committed {
                        req,
                        write: e.write,
                        index: i,
                    }
                };
                ctx.send(
                    self.id,
                    client,
                    Channel::Data,
                    Flow::Client,
                    Body::Client(body),
                );
            }
        }
        self.commit_to(ctx, q);
        self.serve_confirmed_reads(ctx, s);
        self.above_commit = (0..s.members)
            .filter(|&p| p != self.id.ix() && self.matched[p] > self.commit)
            .count();
    }

    fn serve_confirmed_reads(&mut self, ctx: &mut Ctx, s: &Settings) {
        // ReadIndex needs an entry of the leader's own term committed first: until then the
        // leader may not know the latest commit.
        let own_commit = self.log.term(self.commit, &ctx.committed) == Some(self.term);
        if !own_commit || !self.reads.iter().any(|r| r.acks + 1 >= s.quorum) {
            return;
        }
        let (ready, wait): (Vec<_>, Vec<_>) = std::mem::take(&mut self.reads)
            .into_iter()
            .partition(|r| r.acks + 1 >= s.quorum);
        self.reads = wait;
        for r in ready {
            self.answer_read(ctx, r.client, r.req, r.index.max(self.commit));
        }
    }

    fn answer_read(&self, ctx: &mut Ctx, client: Host, req: u64, index: u64) {
        let m = ClientMsg::ReadOk { req, index };
        ctx.send(
            self.id,
            client,
            Channel::Data,
            Flow::Client,
            Body::Client(m),
        );
    }

    /// Handles a client request.
    pub(crate) fn client(&mut self, ctx: &mut Ctx, s: &Settings, from: Host, m: ClientMsg) {
        if self.role != Role::Leader {
            if let ClientMsg::Write { req, .. } | ClientMsg::Read { req } = m {
                let hint = self.lead;
                let m = ClientMsg::NotLeader { req, hint };
                ctx.send(self.id, from, Channel::Data, Flow::Client, Body::Client(m));
            }
            return;
        }
        match m {
            ClientMsg::Write { req, write } => {
                // Under w=1 the client hears at once; the storage layer checks the fencing token.
                let fenced = s.fencing && self.term < ctx.fence;
                let w1 = if fenced {
                    ClientMsg::Fenced { req, w1: true }
                } else {
                    ctx.fence = ctx.fence.max(self.term);
                    ClientMsg::Appended { req, write }
                };
                ctx.send(self.id, from, Channel::Data, Flow::Client, Body::Client(w1));
                if fenced && s.commit == Commit::W1 {
                    return;
                }
                self.log.tail.push(Entry {
                    term: self.term,
                    write,
                });
                let index = self.log.last();
                self.matched[self.id.ix()] = index;
                self.writes.insert(index, (from, req));
                self.broadcast_append(ctx, s);
                self.maybe_commit(ctx, s);
            }
            ClientMsg::Read { req } => match s.reads {
                Reads::Local => self.answer_read(ctx, from, req, self.commit),
                Reads::Lease => {
                    let since = SimTime(ctx.now.0.saturating_sub(s.election_timeout.0));
                    let fresh = (0..s.members)
                        .filter(|&p| p == self.id.ix() || self.heard[p] >= since)
                        .count();
                    if fresh >= s.quorum {
                        self.answer_read(ctx, from, req, self.commit);
                    }
                }
                Reads::Quorum => {
                    self.round += 1;
                    let round = self.round;
                    self.reads.push(PendingRead {
                        client: from,
                        req,
                        index: self.commit,
                        round,
                        acks: 0,
                    });
                    if s.quorum == 1 {
                        self.serve_confirmed_reads(ctx, s);
                    } else {
                        self.broadcast_heartbeat(ctx, s);
                    }
                }
            },
            _ => {}
        }
    }
}
