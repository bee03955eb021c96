//! Collects what happens during a run and turns it into an [`Outcome`].

use std::collections::{BTreeMap, BTreeSet};

use crate::client::Client;
use crate::detect::Model;
use crate::outcome::{
    Detection, Leadership, Messages, Observers, Outcome, Reads, Role, RoleChange, Span, Spans,
    WriteTally, Writes, round_ms,
};
use crate::raft::{Entry, Settings};
use crate::scenario::{Fault, Host, Scenario};
use crate::time::SimTime;
use crate::variant::Variant;

struct Change {
    t: SimTime,
    node: Host,
    role: Role,
    term: u64,
    lead: Option<Host>,
    reason: &'static str,
}

/// A suspicion raised by a detector (0 is Raft itself).
struct Suspicion {
    t: SimTime,
    detector: usize,
    observer: Host,
    subject: Host,
}

/// What a run has seen so far.
pub(crate) struct Recorder {
    changes: Vec<Change>,
    suspicions: Vec<Suspicion>,
    commits: Vec<SimTime>,
    elections: usize,
    pre_votes: usize,
    violations: usize,
}

impl Recorder {
    pub(crate) fn new(_scenario: &Scenario) -> Self {
        Recorder {
            changes: Vec::new(),
            suspicions: Vec::new(),
            commits: Vec::new(),
            elections: 0,
            pre_votes: 0,
            violations: 0,
        }
    }

    pub(crate) fn role(
        &mut self,
        t: SimTime,
        node: Host,
        role: Role,
        term: u64,
        lead: Option<Host>,
        reason: &'static str,
    ) {
        self.changes.push(Change {
            t,
            node,
            role,
            term,
            lead,
            reason,
        });
    }

    pub(crate) fn election(&mut self) {
        self.elections += 1;
    }

    pub(crate) fn pre_vote(&mut self) {
        self.pre_votes += 1;
    }

    pub(crate) fn suspect(&mut self, t: SimTime, detector: usize, observer: Host, subject: Host) {
        self.suspicions.push(Suspicion {
            t,
            detector,
            observer,
            subject,
        });
    }

    pub(crate) fn committed(&mut self, t: SimTime) {
        self.commits.push(t);
    }

    pub(crate) fn safety_violation(&mut self) {
        self.violations += 1;
    }

    /// Who led when (from the role changes in time order), the windows with two leaders or
    /// more, and how many times leadership moved.
    fn leaderships(
        &self,
        name: &dyn Fn(Host) -> String,
        end: SimTime,
    ) -> (Vec<Leadership>, Vec<Span>, usize) {
        // Leaderships and dual-leader windows, from the role changes in time order.
        let mut leading: BTreeMap<Host, (SimTime, u64)> = BTreeMap::new();
        let mut leaders = Vec::new();
        let mut dual = Vec::new();
        let mut dual_since: Option<(SimTime, BTreeSet<Host>)> = None;
        let mut leader_changes = 0;
        let mut last_leader: Option<Host> = None;
        for c in &self.changes {
            let was = leading.len();
            if c.role == Role::Leader {
                leading.insert(c.node, (c.t, c.term));
                if c.reason != "initial" && last_leader != Some(c.node) {
                    leader_changes += 1;
                }
                last_leader = Some(c.node);
            } else if let Some((from, term)) = leading.remove(&c.node) {
                leaders.push(Leadership {
                    node: name(c.node),
                    term,
                    from: round_ms(from.secs()),
                    to: round_ms(c.t.secs()),
                });
            }
            let now = leading.len();
            if now >= 2 {
                let set: BTreeSet<Host> = leading.keys().copied().collect();
                match &mut dual_since {
                    Some((_, s)) => s.extend(set),
                    None => dual_since = Some((c.t, set)),
                }
            } else if was >= 2
                && let Some((from, set)) = dual_since.take()
            {
                dual.push(Span {
                    from: round_ms(from.secs()),
                    to: round_ms(c.t.secs()),
                    nodes: set.into_iter().map(name).collect(),
                });
            }
        }
        if let Some((from, set)) = dual_since.take() {
            dual.push(Span {
                from: round_ms(from.secs()),
                to: round_ms(end.secs()),
                nodes: set.into_iter().map(name).collect(),
            });
        }
        for (node, (from, term)) in leading {
            leaders.push(Leadership {
                node: name(node),
                term,
                from: round_ms(from.secs()),
                to: round_ms(end.secs()),
            });
        }
        leaders.sort_by(|a, b| a.from.total_cmp(&b.from).then(a.node.cmp(&b.node)));
        (leaders, dual, leader_changes)
    }

    /// The spans without a committed write for longer than a client waits.
    fn unavailable(&self, scenario: &Scenario, end: SimTime) -> Vec<Span> {
        // Unavailability: gaps between committed client writes longer than the client timeout
        // (or three write intervals, when writes are rarer than that).
        let w = &scenario.workload;
        let mut unavailable = Vec::new();
        if w.writes_per_s > 0.0 {
            let threshold = (w.timeout.0.secs()).max(3.0 / w.writes_per_s);
            let mut prev = SimTime(0);
            for &t in self.commits.iter().chain(std::iter::once(&end)) {
                if t.since(prev).secs() > threshold {
                    unavailable.push(Span {
                        from: round_ms(prev.secs()),
                        to: round_ms(t.secs()),
                        nodes: Vec::new(),
                    });
                }
                prev = t;
            }
        }
        unavailable
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn finish(
        self,
        scenario: &Scenario,
        variant: &Variant,
        settings: &Settings,
        committed: &[Entry],
        tails: &[&[Entry]],
        clients: &[Client],
        models: &[Box<dyn Model>],
        faults: &[Fault],
        sent: u64,
        dropped: u64,
    ) -> Outcome {
        let hosts = scenario.hosts();
        let name = |h: Host| hosts[h.ix()].to_owned();
        let end = scenario.end();

        let roles: Vec<RoleChange> = self
            .changes
            .iter()
            .map(|c| RoleChange {
                t: round_ms(c.t.secs()),
                node: name(c.node),
                role: c.role,
                term: c.term,
                leader: c.lead.map(name),
                reason: c.reason,
            })
            .collect();

        let (leaders, dual, leader_changes) = self.leaderships(&name, end);

        let unavailable = self.unavailable(scenario, end);

        // Detection.
        let raft_horizon = SimTime(settings.tick.0 * (u64::from(settings.election_ticks_max) + 1));
        let mut detectors: Vec<(String, SimTime)> = vec![("raft".to_owned(), raft_horizon)];
        detectors.extend(models.iter().map(|m| (m.name().to_owned(), m.horizon())));
        let members = scenario.members();
        // Per phase: the pairs its faults touch (either way) and their members, built once.
        let mut touched_by: Vec<Touched> = vec![Default::default(); scenario.phases.len()];
        for f in faults {
            if let Some((pairs, hosts)) = touched_by.get_mut(f.phase) {
                pairs.extend([(f.from, f.to), (f.to, f.from)]);
                hosts.extend([f.from, f.to]);
            }
        }
        let sampled: Vec<Option<(usize, usize)>> = std::iter::once(None)
            .chain(models.iter().map(|m| m.sampled()))
            .collect();
        let detection = detectors
            .iter()
            .enumerate()
            .map(|(d, (dname, horizon))| {
                let mine: Vec<&Suspicion> =
                    self.suspicions.iter().filter(|s| s.detector == d).collect();
                let time_to_detect_s = touched_by
                    .iter()
                    .enumerate()
                    .map(|(p, (pairs, touched))| {
                        let start = scenario.phases[p].start.0;
                        mine.iter()
                            .find(|s| {
                                s.t >= start
                                    && (pairs.contains(&(s.observer, s.subject))
                                        || (s.observer.ix() >= members
                                            && touched.contains(&s.subject)))
                            })
                            .map(|s| round_ms(s.t.since(start).secs()))
                    })
                    .collect();
                let false_suspicions = mine
                    .iter()
                    .filter(|s| {
                        if s.observer.ix() < members {
                            !pair_faulty(faults, s.observer, s.subject, s.t, *horizon)
                        } else {
                            // A check from outside the cluster judges the member as a whole.
                            !node_faulty(faults, s.subject, s.t, *horizon)
                        }
                    })
                    .count();
                Detection {
                    detector: dname.clone(),
                    time_to_detect_s,
                    suspicions: mine.len(),
                    false_suspicions,
                    observers: sampled[d]
                        .map(|(observers, members)| Observers { observers, members }),
                }
            })
            .collect();

        let (writes, reads) = writes_and_reads(committed, tails, clients);

        let max_term = self.changes.iter().map(|c| c.term).max().unwrap_or(0);
        let mut settings_text = settings.describe();
        if self.violations > 0 {
            settings_text.push_str(&format!(
                "; {} committed entries disagreed (a safety violation)",
                self.violations
            ));
        }
        Outcome {
            variant: variant.name().to_owned(),
            settings: settings_text,
            roles,
            leaders,
            dual_leader: Spans::of(dual),
            unavailable: Spans::of(unavailable),
            elections: self.elections,
            pre_votes: self.pre_votes,
            leader_changes,
            max_term,
            detection,
            writes,
            reads,
            messages: Messages { sent, dropped },
        }
    }
}

/// What became of the clients' writes (durable, at risk in a log tail, lost, fenced) and reads.
fn writes_and_reads(
    committed: &[Entry],
    tails: &[&[Entry]],
    clients: &[Client],
) -> (Writes, Reads) {
    // Writes.
    let in_log: BTreeSet<u64> = committed
        .iter()
        .map(|e| e.write)
        .filter(|w| *w != 0)
        .collect();
    let held: BTreeSet<u64> = tails
        .iter()
        .flat_map(|t| t.iter().map(|e| e.write))
        .filter(|w| *w != 0 && !in_log.contains(w))
        .collect();
    let tally = |acked: &BTreeSet<u64>, fenced: usize| {
        let durable = acked.iter().filter(|w| in_log.contains(w)).count();
        let at_risk = acked.iter().filter(|w| held.contains(w)).count();
        WriteTally {
            acknowledged: acked.len(),
            durable,
            at_risk,
            lost: acked.len() - durable - at_risk,
            fenced,
        }
    };
    let union = |f: fn(&Client) -> &BTreeSet<u64>| -> BTreeSet<u64> {
        clients.iter().flat_map(|c| f(c).iter().copied()).collect()
    };
    let attempted = union(|c| &c.attempted).len();
    let writes = Writes {
        attempted,
        timed_out: clients.iter().map(|c| c.timed_out).sum(),
        majority: tally(
            &union(|c| &c.acked_majority),
            clients.iter().map(|c| c.fenced_majority).sum(),
        ),
        w1: tally(
            &union(|c| &c.acked_w1),
            clients.iter().map(|c| c.fenced_w1).sum(),
        ),
    };
    let reads = Reads {
        attempted: clients.iter().map(|c| c.reads).sum(),
        served: clients.iter().map(|c| c.served).sum(),
        stale: clients.iter().map(|c| c.stale).sum(),
    };
    (writes, reads)
}

/// The pairs a phase's faults touch (either way), and their members.
type Touched = (BTreeSet<(Host, Host)>, BTreeSet<Host>);

/// Whether a fault touched any link of `node` in the `horizon` up to `t`.
fn node_faulty(faults: &[Fault], node: Host, t: SimTime, horizon: SimTime) -> bool {
    let from = SimTime(t.0.saturating_sub(horizon.0));
    faults
        .iter()
        .any(|f| (f.from == node || f.to == node) && f.in_force_within(from, t))
}

/// Whether a fault touched the pair (either direction) in the `horizon` up to `t`.
fn pair_faulty(faults: &[Fault], a: Host, b: Host, t: SimTime, horizon: SimTime) -> bool {
    let from = SimTime(t.0.saturating_sub(horizon.0));
    faults.iter().any(|f| {
        ((f.from == a && f.to == b) || (f.from == b && f.to == a)) && f.in_force_within(from, t)
    })
}
