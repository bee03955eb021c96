//! Failure-detector models that run beside the cluster on the same network: a fixed timeout and
//! phi-accrual on all-to-all heartbeats, SWIM with k indirect probes, per-direction probes,
//! synthetic data-plane probes from the client hosts, and a load balancer's `/health` checks.
//! Each raises suspicions (observer, subject) that the outcome judges against the faults.
//! Parameters come from the detector catalogue, overridden by the variant.

use rift_ingest::model::Channel;

use crate::rng::{Seed, Stream};
use crate::scenario::{Flow, Host, Scenario};
use crate::sim::{Body, Ctx, Timer};
use crate::time::SimTime;
use crate::variant::{ModelKind, Variant};

/// What detector messages say.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Heartbeat,
    Ping,
    Ack,
    PingReq,
    IndirectPing,
    IndirectAck,
    Probe,
    ProbeOk,
}

/// A detector message.
#[derive(Clone, Copy, Debug)]
pub(crate) struct DetMsg {
    kind: Kind,
    seq: u64,
    /// The probe's target or origin, for indirect probes.
    about: Host,
    /// Per-direction probes: the last sequence number received from the recipient.
    echo: u64,
}

/// A detector model.
pub(crate) trait Model {
    /// Its name in tables.
    fn name(&self) -> &str;
    /// How long after a fault a suspicion may still be caused by it.
    fn horizon(&self) -> SimTime;
    /// Schedules its first timers; `id` is its index among the run's models.
    fn start(&mut self, ctx: &mut Ctx, id: u8);
    /// A timer fired at `host`.
    fn timer(&mut self, ctx: &mut Ctx, id: u8, host: Host, code: u64);
    /// A message arrived.
    fn message(&mut self, ctx: &mut Ctx, id: u8, from: Host, to: Host, m: DetMsg);
    /// `(observers, members)` when it watched from a sample of the members only.
    fn sampled(&self) -> Option<(usize, usize)> {
        None
    }
}

/// The first `n` hosts: the members.
fn hosts(n: usize) -> impl Iterator<Item = Host> {
    (0..n).map(|i| Host(i as u32))
}

/// Past this many members, the models that exchange messages between every pair of members
/// (timeout, phi, bidi) run on a sample of observers: 200 members all to all are 39,800 pairs, about
/// what a phi-accrual model of one simulated hour handles in seconds; 2,000 members would be
/// 4 million pairs and take gigabytes and minutes per model.
pub(crate) const ALL_PAIRS_MEMBERS: usize = 200;

/// Pairs watched past [`ALL_PAIRS_MEMBERS`]: the observers are as many as keep the pairs at
/// about what 200 members have all to all.
const PAIR_BUDGET: usize = 40_000;

/// At least this many observers, however large the cluster, so that a fault still has members
/// on its ends that watch it.
const MIN_OBSERVERS: usize = 16;

/// How many members observe in a model that keeps a view of every pair: all of them up to
/// [`ALL_PAIRS_MEMBERS`], then as many as [`PAIR_BUDGET`] allows.
pub(crate) fn observer_count(members: usize) -> usize {
    if members <= ALL_PAIRS_MEMBERS {
        members
    } else {
        (PAIR_BUDGET / members).max(MIN_OBSERVERS).min(members)
    }
}

/// The observers, as a slot per member (`None` for members that only answer): every member, or
/// a deterministic sample of [`observer_count`]: the ends of the scenario's faults first (a
/// one-way fault is seen by its receiver), in host order, then members spread evenly over the rest.
fn observers(scenario: &Scenario) -> Vec<Option<u32>> {
    let n = scenario.members();
    let want = observer_count(n);
    let mut chosen = vec![false; n];
    let mut count = 0;
    if want < n {
        let mut ends: Vec<usize> = scenario
            .faults()
            .iter()
            .flat_map(|f| [f.to.ix(), f.from.ix()])
            .filter(|&h| h < n)
            .collect();
        ends.sort_unstable();
        ends.dedup();
        for h in ends.into_iter().take(want) {
            chosen[h] = true;
            count += 1;
        }
        let rest: Vec<usize> = (0..n).filter(|&h| !chosen[h]).collect();
        let more = want - count;
        for i in 0..more {
            chosen[rest[i * rest.len() / more]] = true;
        }
    } else {
        chosen.iter_mut().for_each(|c| *c = true);
    }
    let mut slot = 0;
    chosen
        .into_iter()
        .map(|c| {
            c.then(|| {
                slot += 1;
                slot - 1
            })
        })
        .collect()
}

/// A parameter of a model (times in ms): the variant's value, else its entry's default.
#[expect(
    clippy::expect_used,
    reason = "a test builds every model, reading each parameter it has"
)]
fn param(scenario: &Scenario, variant: &Variant, kind: ModelKind, key: &str) -> f64 {
    variant.value(key).unwrap_or_else(|| {
        kind.entry()
            .default(key, &scenario.protocol)
            .expect("every parameter a model reads has a default in its entry")
    })
}

fn ms(x: f64) -> SimTime {
    SimTime((x * 1000.0).round().max(1.0) as u64)
}

/// How often a model's hosts act.
fn interval(scenario: &Scenario, variant: &Variant, kind: ModelKind) -> SimTime {
    let key = match kind {
        ModelKind::Phi => "heartbeat_interval_ms",
        ModelKind::Swim => "probe_interval_ms",
        ModelKind::Timeout | ModelKind::Bidi | ModelKind::Probes | ModelKind::Lb => "interval_ms",
    };
    ms(param(scenario, variant, kind, key))
}

/// Events a variant's model adds per simulated second (timers, messages and their answers):
/// what the work bound counts for it, with the observers it would run on.
pub(crate) fn events_per_s(scenario: &Scenario, variant: &Variant) -> f64 {
    let Some(kind) = variant.model() else {
        return 0.0;
    };
    let n = scenario.members() as f64;
    let s = observer_count(scenario.members()) as f64;
    let clients = scenario.cluster.clients.len() as f64;
    let per_round = match kind {
        // Every member's timer, a heartbeat to each observer.
        ModelKind::Timeout | ModelKind::Phi => n + n * s,
        // Each member's probe, its ack, and when it times out, k requests of three hops back.
        ModelKind::Swim => {
            n * (3.0 + 4.0 * param(scenario, variant, kind, "indirect_checks").max(0.0))
        }
        // Every member's timer, a probe both ways on every pair with an observer.
        ModelKind::Bidi => n + 2.0 * s * n,
        ModelKind::Probes => clients + 2.0 * clients * n,
        ModelKind::Lb => 1.0 + 2.0 * n,
    };
    per_round / interval(scenario, variant, kind).secs()
}

/// The models a variant runs.
pub(crate) fn models(scenario: &Scenario, variant: &Variant, seed: Seed) -> Vec<Box<dyn Model>> {
    let Some(kind) = variant.model() else {
        return Vec::new();
    };
    let param = |key: &str| param(scenario, variant, kind, key);
    let every = interval(scenario, variant, kind);
    let rng = Stream::new(seed, &format!("detector/{}", kind.as_str()));
    let members = scenario.members();
    let clients: Vec<Host> = (0..scenario.cluster.clients.len())
        .map(|j| Host((members + j) as u32))
        .collect();
    let model: Box<dyn Model> = match kind {
        ModelKind::Timeout => Box::new(Heartbeats::new(
            "timeout",
            observers(scenario),
            every,
            Judge::Timeout(ms(param("timeout_ms"))),
            rng,
        )),
        ModelKind::Phi => Box::new(Heartbeats::new(
            "phi",
            observers(scenario),
            every,
            Judge::Phi {
                threshold: param("phi_threshold"),
                pause: ms(param("acceptable_pause_ms")),
            },
            rng,
        )),
        ModelKind::Swim => Box::new(Swim::new(
            members,
            every,
            ms(param("probe_timeout_ms")),
            param("indirect_checks") as usize,
            rng,
        )),
        ModelKind::Bidi => Box::new(Bidi::new(
            observers(scenario),
            every,
            param("failures") as u64,
            rng,
        )),
        ModelKind::Probes => Box::new(Checks::new(
            "probes",
            clients,
            members,
            every,
            param("failures") as u32,
            1,
            Channel::Probe,
            Flow::Probe,
            rng,
        )),
        ModelKind::Lb => Box::new(Checks::new(
            "lb",
            clients.into_iter().take(1).collect(),
            members,
            every,
            param("unhealthy_threshold") as u32,
            param("healthy_threshold") as u32,
            Channel::Health,
            Flow::Health,
            rng,
        )),
    };
    vec![model]
}

/// Members that observe and the index of each observer's row in per-pair tables.
struct Watch {
    /// Per member, its observer slot.
    slot: Vec<Option<u32>>,
    /// Observers.
    count: usize,
}

impl Watch {
    fn new(slot: Vec<Option<u32>>) -> Self {
        let count = slot.iter().flatten().count();
        Watch { slot, count }
    }

    fn n(&self) -> usize {
        self.slot.len()
    }

    fn observes(&self, h: usize) -> bool {
        self.slot[h].is_some()
    }

    /// The row of `obs`'s view of `subj` in a table of `count × n` rows, when `obs` observes.
    fn row(&self, obs: usize, subj: usize) -> Option<usize> {
        self.slot[obs].map(|s| s as usize * self.n() + subj)
    }

    /// The row of pair (a, b) in a table of `2 × count × n` rows that holds every ordered pair
    /// with an observer at either end; with every member observing, `a * n + b`.
    fn pair(&self, a: usize, b: usize) -> Option<usize> {
        self.row(a, b)
            .or_else(|| self.row(b, a).map(|r| self.count * self.n() + r))
    }

    /// Observers when they are a sample, for the outcome.
    fn sampled(&self) -> Option<(usize, usize)> {
        (self.count < self.n()).then_some((self.count, self.n()))
    }
}

/// Starts each host's periodic timer (code 0) at a random phase within one interval.
fn stagger(
    ctx: &mut Ctx,
    rng: &mut Stream,
    id: u8,
    hosts: impl IntoIterator<Item = Host>,
    interval: SimTime,
) {
    for h in hosts {
        let at = SimTime(rng.range(0, interval.0));
        ctx.at(at, h, Timer::Det(id, 0));
    }
}

fn send(ctx: &mut Ctx, id: u8, from: Host, to: Host, channel: Channel, flow: Flow, m: DetMsg) {
    ctx.send(from, to, channel, flow, Body::Det(id, m));
}

fn msg(kind: Kind, seq: u64, about: Host) -> DetMsg {
    DetMsg {
        kind,
        seq,
        about,
        echo: 0,
    }
}

/// How a heartbeat model judges silence.
enum Judge {
    /// Suspect after this long without a heartbeat.
    Timeout(SimTime),
    /// Suspect when phi exceeds the threshold (Akka's estimate, with the acceptable pause added
    /// to the mean and a 100 ms floor on the deviation).
    Phi { threshold: f64, pause: SimTime },
}

/// All-to-all heartbeats, judged by each receiver: the fixed-timeout and phi-accrual models.
/// Every member sends; only observers receive and judge (all members, up to
/// [`ALL_PAIRS_MEMBERS`]).
struct Heartbeats {
    name: &'static str,
    watch: Watch,
    interval: SimTime,
    judge: Judge,
    /// `last[watch.row(obs, subj)]`: when `obs` last heard `subj`.
    last: Vec<Option<SimTime>>,
    /// Inter-arrival statistics per (obs, subj): count, mean, M2 (Welford), in seconds.
    stats: Vec<(u32, f64, f64)>,
    suspected: Vec<bool>,
    rng: Stream,
}

impl Heartbeats {
    fn new(
        name: &'static str,
        observers: Vec<Option<u32>>,
        interval: SimTime,
        judge: Judge,
        rng: Stream,
    ) -> Self {
        let watch = Watch::new(observers);
        let rows = watch.count * watch.n();
        Heartbeats {
            name,
            watch,
            interval,
            judge,
            last: vec![None; rows],
            stats: vec![(0, 0.0, 0.0); rows],
            suspected: vec![false; rows],
            rng,
        }
    }

    fn phi(&self, k: usize, since: f64, pause: SimTime) -> f64 {
        let (count, mean, m2) = self.stats[k];
        let (mean, std) = if count < 2 {
            let m = self.interval.secs();
            (m, m / 4.0)
        } else {
            (mean, (m2 / f64::from(count - 1)).sqrt())
        };
        let mean = mean + pause.secs();
        let std = std.max(0.1);
        let y = (since - mean) / std;
        let e = (-y * (1.5976 + 0.070566 * y * y)).exp();
        if since > mean {
            -(e / (1.0 + e)).log10()
        } else {
            -(1.0 - 1.0 / (1.0 + e)).log10()
        }
    }
}

impl Model for Heartbeats {
    fn name(&self) -> &str {
        self.name
    }

    fn horizon(&self) -> SimTime {
        match self.judge {
            Judge::Timeout(t) => t.plus(self.interval),
            Judge::Phi { pause, .. } => SimTime(pause.0 + 10 * self.interval.0),
        }
    }

    fn start(&mut self, ctx: &mut Ctx, id: u8) {
        stagger(ctx, &mut self.rng, id, hosts(self.watch.n()), self.interval);
    }

    fn timer(&mut self, ctx: &mut Ctx, id: u8, host: Host, _code: u64) {
        ctx.after(self.interval, host, Timer::Det(id, 0));
        let me = host.ix();
        for j in 0..self.watch.n() {
            if j == me {
                continue;
            }
            let to = Host(j as u32);
            if self.watch.observes(j) {
                send(
                    ctx,
                    id,
                    host,
                    to,
                    Channel::Heartbeat,
                    Flow::Gossip,
                    msg(Kind::Heartbeat, 0, host),
                );
            }
            // Judge the silence of j, as seen from here.
            let Some(k) = self.watch.row(me, j) else {
                continue;
            };
            let Some(last) = self.last[k] else { continue };
            let since = ctx.now.since(last);
            let suspect = match self.judge {
                Judge::Timeout(t) => since > t,
                Judge::Phi { threshold, pause } => self.phi(k, since.secs(), pause) > threshold,
            };
            if suspect && !self.suspected[k] {
                self.suspected[k] = true;
                ctx.rec.suspect(ctx.now, usize::from(id) + 1, host, to);
            }
        }
    }

    fn message(&mut self, ctx: &mut Ctx, _id: u8, from: Host, to: Host, _m: DetMsg) {
        let Some(k) = self.watch.row(to.ix(), from.ix()) else {
            return;
        };
        if let Some(prev) = self.last[k] {
            let x = ctx.now.since(prev).secs();
            let (c, mean, m2) = &mut self.stats[k];
            *c = c.saturating_add(1);
            let d = x - *mean;
            *mean += d / f64::from(*c);
            *m2 += d * (x - *mean);
        }
        self.last[k] = Some(ctx.now);
        self.suspected[k] = false;
    }

    fn sampled(&self) -> Option<(usize, usize)> {
        self.watch.sampled()
    }
}

/// SWIM: each member probes one member per interval (round-robin over a shuffled list); with no
/// ack within the timeout it asks k random members to probe for it; with no ack by the end of the
/// interval it suspects the target.
struct Swim {
    n: usize,
    interval: SimTime,
    timeout: SimTime,
    k: usize,
    order: Vec<Vec<Host>>,
    cursor: Vec<usize>,
    /// Per member: the current probe (target, seq, acked).
    probe: Vec<Option<(Host, u64, bool)>>,
    seq: u64,
    suspected: Vec<bool>,
    rng: Stream,
}

const SWIM_PROBE: u64 = 0;
const SWIM_TIMEOUT: u64 = 1;

impl Swim {
    fn new(n: usize, interval: SimTime, timeout: SimTime, k: usize, rng: Stream) -> Self {
        Swim {
            n,
            interval,
            timeout,
            k,
            order: vec![Vec::new(); n],
            cursor: vec![0; n],
            probe: vec![None; n],
            seq: 0,
            suspected: vec![false; n * n],
            rng,
        }
    }

    fn next_target(&mut self, me: usize) -> Option<Host> {
        if self.n < 2 {
            return None;
        }
        if self.cursor[me] >= self.order[me].len() {
            let mut list: Vec<Host> = (0..self.n)
                .filter(|&j| j != me)
                .map(|j| Host(j as u32))
                .collect();
            for i in (1..list.len()).rev() {
                let j = self.rng.range(0, i as u64 + 1) as usize;
                list.swap(i, j);
            }
            self.order[me] = list;
            self.cursor[me] = 0;
        }
        let t = self.order[me][self.cursor[me]];
        self.cursor[me] += 1;
        Some(t)
    }

    fn acked(&mut self, ctx: &mut Ctx, me: Host, seq: u64) {
        if let Some((target, s, acked)) = &mut self.probe[me.ix()]
            && *s == seq
        {
            *acked = true;
            let k = me.ix() * self.n + target.ix();
            self.suspected[k] = false;
            let _ = ctx;
        }
    }
}

impl Model for Swim {
    fn name(&self) -> &str {
        "swim"
    }

    fn horizon(&self) -> SimTime {
        SimTime(self.interval.0 * (self.n as u64 + 2))
    }

    fn start(&mut self, ctx: &mut Ctx, id: u8) {
        stagger(ctx, &mut self.rng, id, hosts(self.n), self.interval);
    }

    fn timer(&mut self, ctx: &mut Ctx, id: u8, host: Host, code: u64) {
        let me = host.ix();
        match code {
            SWIM_PROBE => {
                // Judge the previous probe first.
                if let Some((target, _, false)) = self.probe[me] {
                    let k = me * self.n + target.ix();
                    if !self.suspected[k] {
                        self.suspected[k] = true;
                        ctx.rec.suspect(ctx.now, usize::from(id) + 1, host, target);
                    }
                }
                ctx.after(self.interval, host, Timer::Det(id, SWIM_PROBE));
                let Some(target) = self.next_target(me) else {
                    return;
                };
                self.seq += 1;
                self.probe[me] = Some((target, self.seq, false));
                send(
                    ctx,
                    id,
                    host,
                    target,
                    Channel::Heartbeat,
                    Flow::Gossip,
                    msg(Kind::Ping, self.seq, host),
                );
                ctx.after(self.timeout, host, Timer::Det(id, SWIM_TIMEOUT));
            }
            _ => {
                let Some((target, seq, false)) = self.probe[me] else {
                    return;
                };
                let mut helpers: Vec<Host> = (0..self.n)
                    .filter(|&j| j != me && j != target.ix())
                    .map(|j| Host(j as u32))
                    .collect();
                for i in (1..helpers.len()).rev() {
                    let j = self.rng.range(0, i as u64 + 1) as usize;
                    helpers.swap(i, j);
                }
                for h in helpers.into_iter().take(self.k) {
                    send(
                        ctx,
                        id,
                        host,
                        h,
                        Channel::Indirect,
                        Flow::Gossip,
                        msg(Kind::PingReq, seq, target),
                    );
                }
            }
        }
    }

    fn message(&mut self, ctx: &mut Ctx, id: u8, from: Host, to: Host, m: DetMsg) {
        let reply = |ctx: &mut Ctx, dst: Host, channel: Channel, kind: Kind, about: Host| {
            send(
                ctx,
                id,
                to,
                dst,
                channel,
                Flow::Gossip,
                msg(kind, m.seq, about),
            );
        };
        match m.kind {
            Kind::Ping => reply(ctx, from, Channel::Heartbeat, Kind::Ack, to),
            Kind::Ack => self.acked(ctx, to, m.seq),
            // A helper probes the target on the origin's behalf.
            Kind::PingReq => reply(ctx, m.about, Channel::Indirect, Kind::IndirectPing, from),
            Kind::IndirectPing => reply(ctx, from, Channel::Indirect, Kind::IndirectAck, m.about),
            // The helper forwards the target's answer to the origin.
            Kind::IndirectAck => reply(ctx, m.about, Channel::Indirect, Kind::Ack, from),
            _ => {}
        }
    }
}

/// Per-direction probes: every member probes every other each interval and says in each probe
/// the last sequence number it received from the recipient. A receiver that misses `failures`
/// probes in a row suspects the sender's direction to it; a sender whose numbers the other side
/// stops echoing suspects its own direction to that side. Only pairs with an observer at one
/// end probe (every pair, up to [`ALL_PAIRS_MEMBERS`] members), and only observers judge.
struct Bidi {
    watch: Watch,
    interval: SimTime,
    failures: u64,
    seq: Vec<u64>,
    /// `got[watch.pair(a, b)]`: last seq a received from b, and when.
    got: Vec<(u64, SimTime)>,
    /// `echoed[watch.pair(a, b)]`: the last of a's own seqs that b echoed, and when it moved.
    echoed: Vec<(u64, SimTime)>,
    suspected_in: Vec<bool>,
    suspected_out: Vec<bool>,
    rng: Stream,
}

impl Bidi {
    fn new(observers: Vec<Option<u32>>, interval: SimTime, failures: u64, rng: Stream) -> Self {
        let watch = Watch::new(observers);
        let n = watch.n();
        // Rows of pairs with an observer first, then of the other members' side of them.
        let rows = watch.count * n * if watch.count < n { 2 } else { 1 };
        Bidi {
            watch,
            interval,
            failures,
            seq: vec![0; n],
            got: vec![(0, SimTime(0)); rows],
            echoed: vec![(0, SimTime(0)); rows],
            suspected_in: vec![false; rows],
            suspected_out: vec![false; rows],
            rng,
        }
    }
}

impl Model for Bidi {
    fn name(&self) -> &str {
        "bidi"
    }

    fn horizon(&self) -> SimTime {
        SimTime(self.interval.0 * (self.failures + 2))
    }

    fn start(&mut self, ctx: &mut Ctx, id: u8) {
        stagger(ctx, &mut self.rng, id, hosts(self.watch.n()), self.interval);
    }

    fn timer(&mut self, ctx: &mut Ctx, id: u8, host: Host, _code: u64) {
        ctx.after(self.interval, host, Timer::Det(id, 0));
        let me = host.ix();
        self.seq[me] += 1;
        let limit = SimTime(self.interval.0 * self.failures);
        let grace = ctx.now.0 > limit.0 + self.interval.0;
        let judges = self.watch.observes(me);
        for j in (0..self.watch.n()).filter(|&j| j != me) {
            let to = Host(j as u32);
            let Some(k) = self.watch.pair(me, j) else {
                continue;
            };
            let mut m = msg(Kind::Probe, self.seq[me], host);
            m.echo = self.got[k].0;
            send(ctx, id, host, to, Channel::Probe, Flow::Probe, m);
            if !grace || !judges {
                continue;
            }
            if ctx.now.since(self.got[k].1) > limit && !self.suspected_in[k] {
                self.suspected_in[k] = true;
                ctx.rec.suspect(ctx.now, usize::from(id) + 1, host, to);
            }
            if ctx.now.since(self.echoed[k].1) > limit && !self.suspected_out[k] {
                self.suspected_out[k] = true;
                ctx.rec.suspect(ctx.now, usize::from(id) + 1, host, to);
            }
        }
    }

    fn message(&mut self, ctx: &mut Ctx, _id: u8, from: Host, to: Host, m: DetMsg) {
        let Some(k) = self.watch.pair(to.ix(), from.ix()) else {
            return;
        };
        if m.seq > self.got[k].0 {
            self.got[k] = (m.seq, ctx.now);
            self.suspected_in[k] = false;
        }
        if m.echo > self.echoed[k].0 {
            self.echoed[k] = (m.echo, ctx.now);
            self.suspected_out[k] = false;
        }
    }

    fn sampled(&self) -> Option<(usize, usize)> {
        self.watch.sampled()
    }
}

/// Checks from outside the cluster: each checker host asks each member every interval; after
/// `down` failures in a row the member is out, after `up` successes in a row it is back. Used for
/// data-plane probes (on the probe channel) and load-balancer health checks. A member answers
/// only while it knows a leader, as etcd's `/health` and any real request do.
struct Checks {
    name: &'static str,
    checkers: Vec<Host>,
    members: usize,
    interval: SimTime,
    down: u32,
    up: u32,
    channel: Channel,
    flow: Flow,
    /// Per (checker, member): outstanding seq, failures in a row, successes in a row, out?
    state: Vec<(u64, u32, u32, bool)>,
    seq: u64,
    rng: Stream,
}

impl Checks {
    #[allow(clippy::too_many_arguments)]
    fn new(
        name: &'static str,
        checkers: Vec<Host>,
        members: usize,
        interval: SimTime,
        down: u32,
        up: u32,
        channel: Channel,
        flow: Flow,
        rng: Stream,
    ) -> Self {
        let n = checkers.len() * members;
        Checks {
            name,
            checkers,
            members,
            interval,
            down: down.max(1),
            up: up.max(1),
            channel,
            flow,
            state: vec![(0, 0, 0, false); n],
            seq: 0,
            rng,
        }
    }

    fn slot(&self, checker: Host, member: Host) -> Option<usize> {
        let c = self.checkers.iter().position(|h| *h == checker)?;
        Some(c * self.members + member.ix())
    }
}

impl Model for Checks {
    fn name(&self) -> &str {
        self.name
    }

    fn horizon(&self) -> SimTime {
        SimTime(self.interval.0 * u64::from(self.down + 1))
    }

    fn start(&mut self, ctx: &mut Ctx, id: u8) {
        let checkers = self.checkers.clone();
        stagger(ctx, &mut self.rng, id, checkers, self.interval);
    }

    fn timer(&mut self, ctx: &mut Ctx, id: u8, host: Host, _code: u64) {
        ctx.after(self.interval, host, Timer::Det(id, 0));
        for j in 0..self.members {
            let member = Host(j as u32);
            let Some(k) = self.slot(host, member) else {
                return;
            };
            // The previous check had until now to answer.
            if self.state[k].0 != 0 {
                let (_, fails, _, out) = &mut self.state[k];
                *fails += 1;
                if *fails >= self.down && !*out {
                    *out = true;
                    ctx.rec.suspect(ctx.now, usize::from(id) + 1, host, member);
                }
                self.state[k].2 = 0;
            }
            self.seq += 1;
            self.state[k].0 = self.seq;
            send(
                ctx,
                id,
                host,
                member,
                self.channel,
                self.flow,
                msg(Kind::Probe, self.seq, host),
            );
        }
    }

    fn message(&mut self, ctx: &mut Ctx, id: u8, from: Host, to: Host, m: DetMsg) {
        match m.kind {
            Kind::Probe if ctx.has_leader.get(to.ix()).copied().unwrap_or(false) => {
                let ok = msg(Kind::ProbeOk, m.seq, to);
                send(ctx, id, to, from, self.channel, self.flow, ok);
            }
            Kind::ProbeOk => {
                let Some(k) = self.slot(to, from) else { return };
                let up = self.up;
                let (pending, fails, oks, out) = &mut self.state[k];
                if *pending != m.seq {
                    return;
                }
                *pending = 0;
                *fails = 0;
                *oks += 1;
                if *out && *oks >= up {
                    *out = false;
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn members(n: usize, phases: &str) -> Scenario {
        let nodes: Vec<String> = (0..n).map(|i| format!("\"n{i}\"")).collect();
        let text = format!(
            "duration = \"10s\"\n[cluster]\nnodes = [{}]\n{phases}",
            nodes.join(", ")
        );
        Scenario::parse(&text, "big.toml").unwrap()
    }

    #[test]
    fn every_model_reads_each_of_its_parameters_from_its_entry() {
        // Building a model and counting its work read every parameter it has; `param` stops
        // at one its entry lacks.
        let s = members(3, "");
        for kind in ModelKind::ALL {
            let v = Variant::parse(kind.as_str()).unwrap();
            let built = models(&s, &v, Seed(1));
            assert_eq!(built.len(), 1, "{kind:?}");
            assert_eq!(built[0].name(), kind.as_str());
            assert!(events_per_s(&s, &v) > 0.0, "{kind:?}");
        }
    }

    #[test]
    fn the_timeout_model_keeps_the_scenarios_timing_unless_the_variant_sets_it() {
        let mut s = members(3, "");
        s.protocol.heartbeat = crate::scenario::Dur(SimTime(37_001));
        s.protocol.election_timeout = crate::scenario::Dur(SimTime(420_003));
        let v = Variant::parse("timeout").unwrap();
        assert_eq!(interval(&s, &v, ModelKind::Timeout), SimTime(37_001));
        assert_eq!(param(&s, &v, ModelKind::Timeout, "timeout_ms"), 420.003);
        let v = Variant::parse("fixed-timeout+interval_ms=20").unwrap();
        assert_eq!(interval(&s, &v, ModelKind::Timeout), SimTime(20_000));
    }

    #[test]
    fn past_the_all_pairs_size_a_sample_watches_with_the_faulted_ends_in_it() {
        assert_eq!(observer_count(ALL_PAIRS_MEMBERS), ALL_PAIRS_MEMBERS);
        assert_eq!(observer_count(300), 133);
        assert_eq!(observer_count(10_000), MIN_OBSERVERS);
        let s = members(
            300,
            "[[phase]]\nstart = \"1s\"\nend = \"5s\"\ndrop = [\"n250->n299\"]\n",
        );
        let slots = observers(&s);
        let watching: Vec<usize> = (0..300).filter(|&h| slots[h].is_some()).collect();
        assert_eq!(watching.len(), 133);
        assert!(watching.contains(&250) && watching.contains(&299));
        // Slots number the observers in host order, and the choice is the same every time.
        assert_eq!(slots[watching[132]], Some(132));
        assert_eq!(observers(&s), slots);
        // Up to the limit, everyone watches.
        let small = members(ALL_PAIRS_MEMBERS, "");
        assert!(observers(&small).iter().all(Option::is_some));
    }
}
