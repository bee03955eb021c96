//! How a cut begins: which direction failed first, and which episodes are one fault.
//!
//! Two things make one network fault look like something else in real recordings:
//!
//! 1. **Staggered onset.** The links of a cut rarely fail in the same instant (rules are applied
//!    one by one, a switch port goes before its neighbour), so for a second or two the cut looks
//!    partial. A partial episode that ends where a complete episode begins, and whose peer links
//!    all cross that episode's cut, is the complete cut's onset.
//! 2. **The transport echo of a one-way drop.** TCP needs both directions: when A→B is dropped,
//!    B's segments still reach A but A's acknowledgements do not, so B's connections to A stall
//!    after a retransmission timeout and B→A goes quiet too. Within a second or two every
//!    measure shows both directions dead, as in a complete cut. What still tells them apart is
//!    the onset: the dropped direction stops first, the echo only after at least one
//!    retransmission timeout, while the two directions of a clean cut stop within a heartbeat
//!    of each other. Stream read timeouts in the logs say when each side last heard the other
//!    (`last_heard` events, to the millisecond). When, for every pair across a complete cut
//!    with such evidence, the same side's direction stopped first by at least
//!    [`Options::echo_gap_ns`](crate::Options), the cut is reported as asymmetric, with the
//!    directions that stopped first, and a note giving the times. A pair failing both ways
//!    while both ends reach a third node is judged the same way. Only links with steady
//!    traffic count: a link neither of whose ends leads carries only keep-alives, so it must
//!    lead by more than a keep-alive interval ([`IDLE_ECHO_GAP_NS`]).
//! 3. **Heal.** A cut healed when its last pair was reported up again (`peer_up`), which can be
//!    a few seconds before the service behind it recovered.

use std::collections::{BTreeMap, BTreeSet};

use rift_ingest::model::{Channel, Event, EventKind, HeardSlack, LOST_LEADER, NodeId};

use crate::episode::{EdgeDirection, Episode, EpisodeEdge};
use crate::mode::Mode;

/// How far from a complete episode's start a `last_heard` event counts as its onset (a read
/// timeout is 5 s in etcd; onset windows are a few seconds wide).
const ONSET_SLACK_NS: i64 = 8_000_000_000;

fn crosses(e: &EpisodeEdge, subject: &BTreeSet<&NodeId>) -> bool {
    subject.contains(&e.from) != subject.contains(&e.to)
}

fn peer_channel(ep: &Episode) -> Option<Channel> {
    ep.edges
        .iter()
        .find(|e| e.direction == EdgeDirection::Both)
        .map(|e| e.channel)
}

/// True when `before` starts no later than `after`, ends within `gap_ns` of `after`'s start
/// (or inside it), and does not outlast it.
fn leads_into(before: &Episode, after: &Episode, gap_ns: i64) -> bool {
    before.start_ns <= after.start_ns
        && before.end_ns + gap_ns >= after.start_ns
        && before.end_ns <= after.end_ns
        && !std::ptr::eq(before, after)
}

fn absorb_into(target: &mut Episode, other: Episode, note: Option<String>) {
    target.start_ns = target.start_ns.min(other.start_ns);
    target.start = rift_ingest::format_ts(target.start_ns);
    target.edge_seconds += other.edge_seconds;
    target.evidence.extend(other.evidence);
    target
        .evidence
        .sort_by(|a, b| (&a.ts, &a.origin).cmp(&(&b.ts, &b.origin)));
    target.evidence.dedup();
    target.evidence_total += other.evidence_total;
    for c in other.channels {
        if !target.channels.contains(&c) {
            target.channels.push(c);
        }
    }
    target.channels.sort();
    target.notes.extend(note);
}

/// Joins onset episodes and tells one-way cuts from clean ones (see the module docs).
pub(crate) fn join(
    episodes: &mut Vec<Episode>,
    events: &[Event],
    gap_ns: i64,
    echo_gap_ns: i64,
    window_ns: i64,
) {
    bridge(episodes, gap_ns);
    let heard = last_heard(events);
    let leaders = Leaders::from_events(events);
    let mut i = 0;
    while i < episodes.len() {
        if episodes[i].mode != Mode::Complete {
            i += 1;
            continue;
        }
        // 1. Staggered onset: partial episodes whose peer links cross this cut.
        loop {
            let c = &episodes[i];
            let subject: BTreeSet<&NodeId> = c.subject.iter().collect();
            let Some(channel) = peer_channel(c) else {
                break;
            };
            let found = episodes.iter().position(|p| {
                p.mode == Mode::Partial && leads_into(p, c, gap_ns) && {
                    let peer: Vec<_> = p.edges.iter().filter(|e| e.channel == channel).collect();
                    !peer.is_empty() && peer.iter().all(|e| crosses(e, &subject))
                }
            });
            let Some(j) = found else { break };
            let p = episodes.remove(j);
            if j < i {
                i -= 1;
            }
            let lead_ms = (episodes[i].start_ns - p.start_ns) / 1_000_000;
            // A partial stretch that began with the cut adds nothing to say.
            let note = if lead_ms >= 1000 {
                Some(format!(
                    "its first {:.0} s looked partial: the links of the cut failed one after another",
                    lead_ms as f64 / 1e3
                ))
            } else if lead_ms > 0 {
                Some(format!(
                    "its first {lead_ms} ms looked partial: the links of the cut failed one after another"
                ))
            } else {
                None
            };
            absorb_into(&mut episodes[i], p, note);
        }
        // 2. Transport echo: which direction stopped first, from the last-heard times.
        if echo_gap_ns > 0 {
            let one = one_way(&episodes[i], &heard, &leaders, echo_gap_ns);
            if one.is_none() {
                // A clean cut: both directions stopped together, when they last delivered —
                // earlier than the window the episode starts in, or inside it.
                if let Some(t) = cut_onset(&episodes[i], &heard) {
                    let c = &mut episodes[i];
                    let inside = t < c.start_ns + window_ns && t < c.end_ns;
                    if inside && c.start_ns - t <= MAX_ONSET_SHIFT_NS {
                        c.start_ns = t;
                        c.start = rift_ingest::format_ts(t);
                    }
                }
            }
            if let Some((edges, note, onset)) = one {
                let c = &mut episodes[i];
                make_one_way(c, edges, note, onset);
                // An asymmetric episode of the same directed edges that leads into it is its
                // onset, seen before the reverse direction stalled.
                let directed: BTreeSet<(NodeId, NodeId)> = c
                    .edges
                    .iter()
                    .filter(|e| e.direction == EdgeDirection::OneWay)
                    .map(|e| (e.from.clone(), e.to.clone()))
                    .collect();
                let c = &episodes[i];
                if let Some(j) = episodes.iter().position(|a| {
                    a.mode == Mode::Asymmetric
                        && leads_into(a, c, gap_ns)
                        && a.edges.iter().all(|e| {
                            e.direction == EdgeDirection::OneWay
                                && directed.contains(&(e.from.clone(), e.to.clone()))
                        })
                }) {
                    let a = episodes.remove(j);
                    if j < i {
                        i -= 1;
                    }
                    absorb_into(&mut episodes[i], a, None);
                }
            }
        }
        i += 1;
    }
    // A pair failing both ways while both ends reach a third node can be a one-way drop of one
    // pair and its echo, too.
    if echo_gap_ns > 0 {
        for c in episodes.iter_mut().filter(|e| {
            e.mode == Mode::Partial && e.subtype == Some(crate::mode::Subtype::NonTransitive)
        }) {
            if let Some((edges, note, onset)) = one_way(c, &heard, &leaders, echo_gap_ns) {
                make_one_way(c, edges, note, onset);
            }
        }
    }
    // The cut healed when its last pair reconnected: a finer end than the window in which the
    // service behind it (elections, clients' timeouts) had recovered too.
    for c in episodes.iter_mut().filter(|e| {
        matches!(e.mode, Mode::Complete | Mode::Asymmetric)
            || e.subtype == Some(crate::mode::Subtype::NonTransitive)
    }) {
        if let Some(t) = reconnected(c, events)
            && t > c.start_ns
            && t < c.end_ns
            && c.end_ns - t <= MAX_ONSET_SHIFT_NS
        {
            c.end_ns = t;
            c.end = rift_ingest::format_ts(t);
        }
    }
    absorb_consequences(episodes, events, gap_ns, window_ns);
    for (k, e) in episodes.iter_mut().enumerate() {
        e.id = k + 1;
    }
}

/// Round trips between other hosts and the member a cut isolates (either end of a one-way cut)
/// that fail while the cut lasts are its consequence — the member lost its leader and answers nothing, or cannot answer — not a
/// partial fault of their own: they join the cut's episode (its weight, evidence and a note),
/// which keeps its own onset and edges.
fn absorb_consequences(episodes: &mut Vec<Episode>, events: &[Event], gap_ns: i64, window_ns: i64) {
    let mut i = 0;
    while i < episodes.len() {
        if episodes[i].mode == Mode::Crash {
            absorb_crash_consequences(episodes, i, events, gap_ns, window_ns);
            i += 1;
            continue;
        }
        if !matches!(episodes[i].mode, Mode::Asymmetric | Mode::Complete) {
            i += 1;
            continue;
        }
        loop {
            let c = &episodes[i];
            // A one-way cut isolates both of its ends from each other: either may have lost its
            // leader (the one that does not hear it, or the leader no one hears).
            let mut subject: BTreeSet<&NodeId> = c.subject.iter().collect();
            if c.mode == Mode::Asymmetric {
                for e in c
                    .edges
                    .iter()
                    .filter(|e| e.direction == EdgeDirection::OneWay)
                {
                    subject.extend([&e.from, &e.to]);
                }
            }
            let found = episodes.iter().position(|p| {
                p.mode == Mode::Partial
                    && !std::ptr::eq(p, c)
                    && p.start_ns + gap_ns >= c.start_ns
                    && p.end_ns <= c.end_ns + gap_ns
                    && !p.edges.is_empty()
                    && p.edges.iter().all(|e| {
                        e.direction == EdgeDirection::Unknown
                            && (subject.contains(&e.from) || subject.contains(&e.to))
                    })
            });
            let Some(j) = found else { break };
            i = absorb_consequence(episodes, i, j, true, |hosts| {
                if hosts.is_empty() {
                    "round trips between the members the cut separates failed meanwhile: a consequence of the cut, counted with it".to_owned()
                } else {
                    format!(
                        "requests between {hosts} and the cut-off member failed meanwhile: a consequence of the cut, counted with it"
                    )
                }
            });
        }
        i += 1;
    }
}

/// Moves episode `j` into episode `i` as its consequence, with the note `note` makes of the
/// hosts of `j`'s edges (those of `i`'s subject left out when `outside`); `i` keeps its onset
/// and its end.
/// Returns `i`'s index after the removal.
fn absorb_consequence(
    episodes: &mut Vec<Episode>,
    mut i: usize,
    j: usize,
    outside: bool,
    note: impl FnOnce(&str) -> String,
) -> usize {
    let p = episodes.remove(j);
    if j < i {
        i -= 1;
    }
    let hosts: BTreeSet<String> = p
        .edges
        .iter()
        .flat_map(|e| [e.from.to_string(), e.to.to_string()])
        .filter(|h| !outside || !episodes[i].subject.iter().any(|s| s.as_str() == h))
        .collect();
    let note = note(&hosts.into_iter().collect::<Vec<_>>().join(", "));
    let c = &mut episodes[i];
    let start = (c.start_ns, c.start.clone());
    let end = (c.end_ns, c.end.clone());
    let outlasted = (p.end_ns > c.end_ns).then(|| p.end.clone());
    absorb_into(c, p, Some(note));
    // The episode is the network's fault: what failed after its evidence healed (a cluster
    // electing again once the cut member is back) is said, not counted as the fault lasting.
    (c.start_ns, c.start) = start;
    (c.end_ns, c.end) = end;
    if let Some(until) = outlasted {
        c.notes.push(format!(
            "requests kept failing until {until}, after the episode's end: the service took \
             that long to recover"
        ));
    }
    i
}

/// While a member is down the others lose the leader it held or re-form without it, and a
/// client's requests to them fail for a while: an episode that starts after the crash and ends
/// within it, made only of round trips on the client's channels (health checks, requests),
/// joins the crash's episode as its consequence instead of reading as the client cut off.
fn absorb_crash_consequences(
    episodes: &mut Vec<Episode>,
    mut i: usize,
    events: &[Event],
    gap_ns: i64,
    window_ns: i64,
) {
    loop {
        let c = &episodes[i];
        let found = episodes.iter().position(|p| {
            !std::ptr::eq(p, c)
                && p.mode.is_network()
                && p.start_ns + gap_ns >= c.start_ns
                && p.end_ns <= c.end_ns + gap_ns
                && !p.edges.is_empty()
                && p.edges.iter().all(|e| {
                    e.direction == EdgeDirection::Unknown && e.channel != Channel::Heartbeat
                })
        });
        if let Some(j) = found {
            i = absorb_consequence(episodes, i, j, false, |hosts| {
                format!(
                    "requests between {hosts} failed meanwhile: a consequence of the crash (the others lost its leadership or re-formed without it), counted with it"
                )
            });
            continue;
        }
        // The others hear a restarted member again only once it speaks to them (a VRRP backup
        // sends nothing until it takes over): links to it that fail from the crash's last
        // window on, past its end, are the others' view lagging its restart, not a fault of
        // their own.
        let c = &episodes[i];
        let restarted_at_end = events.iter().any(|e| {
            matches!(e.kind, EventKind::Restart | EventKind::Start)
                && c.subject.contains(&e.node)
                && (e.ts_ns - c.end_ns).abs() <= window_ns
        });
        let lagging = episodes.iter().position(|p| {
            restarted_at_end
                && !std::ptr::eq(p, c)
                && p.mode.is_network()
                && p.start_ns >= c.start_ns
                && p.start_ns + window_ns >= c.end_ns
                && p.start_ns < c.end_ns
                && p.end_ns > c.end_ns
                && !p.edges.is_empty()
                && p.edges
                    .iter()
                    .all(|e| c.subject.contains(&e.from) || c.subject.contains(&e.to))
        });
        let Some(j) = lagging else { return };
        i = absorb_consequence(episodes, i, j, false, |hosts| {
            format!(
                "links between {hosts} still failed from within the crash on: the others hear the restarted member only once it speaks to them, counted with the crash"
            )
        });
    }
}

/// Turns an episode whose peer links failed both ways into the one-way cut `edges` describe: the
/// both-ways peer edges are replaced, the note added, and the onset moved to when the dropped
/// directions last delivered (a finer onset than the window the episode starts in).
fn make_one_way(c: &mut Episode, edges: Vec<EpisodeEdge>, note: String, onset: i64) {
    let peer = peer_channel(c);
    let mut kept: Vec<EpisodeEdge> = c
        .edges
        .iter()
        .filter(|e| Some(e.channel) != peer || e.direction != EdgeDirection::Both)
        .cloned()
        .collect();
    kept.splice(0..0, edges);
    c.edges = kept;
    c.mode = Mode::Asymmetric;
    c.subtype = None;
    c.edge_seconds /= 2.0;
    c.notes.push(note);
    if onset < c.start_ns && c.start_ns - onset <= MAX_ONSET_SHIFT_NS {
        c.start_ns = onset;
        c.start = rift_ingest::format_ts(onset);
    }
}

/// When the last pair of an episode's peer links was reported up again (a `peer_up` event from
/// either end) after its start, if every pair was.
fn reconnected(c: &Episode, events: &[Event]) -> Option<i64> {
    let channel = c
        .edges
        .iter()
        .find(|e| e.channel == Channel::Heartbeat)
        .map(|e| e.channel)?;
    let mut pairs: BTreeSet<(NodeId, NodeId)> = BTreeSet::new();
    for e in c.edges.iter().filter(|e| e.channel == channel) {
        let (a, b) = if e.from <= e.to {
            (e.from.clone(), e.to.clone())
        } else {
            (e.to.clone(), e.from.clone())
        };
        pairs.insert((a, b));
    }
    let mut last = None;
    for (a, b) in &pairs {
        let up = events
            .iter()
            .filter(|e| e.kind == EventKind::PeerUp && e.ts_ns > c.start_ns)
            .filter(|e| {
                let p = e.peer.as_ref();
                (e.node == *a && p == Some(b)) || (e.node == *b && p == Some(a))
            })
            .map(|e| e.ts_ns)
            .min()?;
        last = Some(last.map_or(up, |l: i64| l.max(up)));
    }
    last
}

/// The longest stretch of thinner evidence that can join two complete episodes of one cut.
const BRIDGE_MAX_NS: i64 = 10_000_000_000;

/// Joins two complete episodes of the same subject when the stretch between them is covered by
/// episodes that only involve the subject's links (a direction whose reverse was not measured
/// for a few seconds, a prober's round trips to it): the evidence thinned out, the cut did not
/// heal. An empty stretch is a heal and is left alone.
fn bridge(episodes: &mut Vec<Episode>, gap_ns: i64) {
    episodes.sort_by_key(|e| (e.start_ns, e.end_ns));
    let mut i = 0;
    while i < episodes.len() {
        if episodes[i].mode != Mode::Complete {
            i += 1;
            continue;
        }
        let (c1, subject) = (&episodes[i], episodes[i].subject.clone());
        let next = episodes.iter().position(|c2| {
            c2.mode == Mode::Complete
                && c2.subject == subject
                && c2.start_ns >= c1.end_ns
                && c2.start_ns - c1.end_ns <= BRIDGE_MAX_NS
        });
        let Some(j) = next else {
            i += 1;
            continue;
        };
        let (from, to) = (c1.end_ns, episodes[j].start_ns);
        let between: Vec<usize> = (0..episodes.len())
            .filter(|&k| k != i && k != j)
            .filter(|&k| episodes[k].start_ns < to && episodes[k].end_ns > from)
            .collect();
        // A crash in between is no thinning of the evidence: the member was down, not cut.
        let involved = |e: &Episode| {
            e.mode.is_network()
                && e.mode != Mode::Flapping
                && !e.edges.is_empty()
                && e.edges
                    .iter()
                    .all(|x| subject.contains(&x.from) || subject.contains(&x.to))
        };
        let mut cursor = from;
        let mut spans: Vec<(i64, i64)> = between
            .iter()
            .map(|&k| (episodes[k].start_ns, episodes[k].end_ns))
            .collect();
        spans.sort_unstable();
        for (s, e) in &spans {
            if *s > cursor + gap_ns {
                break;
            }
            cursor = cursor.max(*e);
        }
        let covered = to <= from || cursor + gap_ns >= to;
        if !covered || !between.iter().all(|&k| involved(&episodes[k])) {
            i += 1;
            continue;
        }
        let note = format!(
            "the evidence thinned out from {} to {} but every failing link still involved {}: \
             one cut, not two",
            &rift_ingest::format_ts(from)[11..19],
            &rift_ingest::format_ts(to)[11..19],
            subject
                .iter()
                .map(|n| n.0.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
        let mut absorbed: Vec<usize> = between;
        absorbed.push(j);
        absorbed.sort_unstable();
        for &k in absorbed.iter().rev() {
            let e = episodes.remove(k);
            let target = &mut episodes[i - absorbed.iter().filter(|&&x| x < i).count()];
            target.end_ns = target.end_ns.max(e.end_ns);
            target.end = rift_ingest::format_ts(target.end_ns);
            if e.mode == Mode::Complete {
                for edge in &e.edges {
                    if let Some(t) = target.edges.iter_mut().find(|t| {
                        t.channel == edge.channel && t.from == edge.from && t.to == edge.to
                    }) {
                        t.n = t.n.max(edge.n);
                    }
                }
            }
            absorb_into(target, e, None);
        }
        let i2 = i - absorbed.iter().filter(|&&x| x < i).count();
        episodes[i2].notes.push(note);
        i = i2;
    }
}

/// How far a cut's onset may move before the window its episode starts in.
const MAX_ONSET_SHIFT_NS: i64 = 3_000_000_000;

/// The latest time any direction across a complete cut still delivered around its start.
fn cut_onset(c: &Episode, heard: &Heard) -> Option<i64> {
    let channel = peer_channel(c)?;
    let subject: BTreeSet<&NodeId> = c.subject.iter().collect();
    c.edges
        .iter()
        .filter(|e| e.channel == channel && crosses(e, &subject))
        .flat_map(|e| {
            [
                delivered_until(heard, &e.from, &e.to, c.start_ns),
                delivered_until(heard, &e.to, &e.from, c.start_ns),
            ]
        })
        .flatten()
        .map(|(t, ..)| t)
        .max()
}

/// How much earlier one direction of an idle link must have stopped for the link to be read as
/// one-way: an idle link carries only keep-alives (every 5/3 s in etcd), so the last delivery of
/// each direction can lie that far apart even when both were cut at once.
const IDLE_ECHO_GAP_NS: i64 = 2_000_000_000;

/// Who each node followed, over time, from its leader changes: a link carries steady traffic
/// when one of its ends leads (heartbeats every heartbeat interval), and is idle otherwise.
struct Leaders {
    /// node → (ts, the leader it then followed, or none).
    views: BTreeMap<NodeId, Vec<(i64, Option<NodeId>)>>,
}

impl Leaders {
    fn from_events(events: &[Event]) -> Leaders {
        let mut views: BTreeMap<NodeId, Vec<(i64, Option<NodeId>)>> = BTreeMap::new();
        for e in events.iter().filter(|e| e.kind == EventKind::LeaderChange) {
            let Some(p) = &e.peer else { continue };
            let now = if e.detail.contains(LOST_LEADER) {
                None
            } else {
                Some(p.clone())
            };
            views
                .entry(e.node.clone())
                .or_default()
                .push((e.ts_ns, now));
        }
        for v in views.values_mut() {
            v.sort_by_key(|x| x.0);
        }
        Leaders { views }
    }

    /// The leaders some node followed just before `t`; `None` when no node's view is known.
    fn at(&self, t: i64) -> Option<BTreeSet<NodeId>> {
        if self.views.is_empty() {
            return None;
        }
        Some(
            self.views
                .values()
                .filter_map(|v| {
                    let i = v.partition_point(|x| x.0 < t);
                    i.checked_sub(1).and_then(|j| v[j].1.clone())
                })
                .collect(),
        )
    }

    /// The gap one direction of the pair a–b must lead by at `t`.
    fn gap(&self, a: &NodeId, b: &NodeId, t: i64, busy_gap: i64) -> i64 {
        match self.at(t) {
            Some(leaders) if !leaders.contains(a) && !leaders.contains(b) => {
                IDLE_ECHO_GAP_NS.max(busy_gap)
            }
            _ => busy_gap,
        }
    }
}

/// (observer, peer) → the times the observer last heard the peer, each with its origin and how
/// exact it is (`None`: unknown).
type Heard = BTreeMap<(NodeId, NodeId), Vec<(i64, String, Option<HeardSlack>)>>;

fn last_heard(events: &[Event]) -> Heard {
    let mut out: Heard = BTreeMap::new();
    for e in events.iter().filter(|e| e.kind == EventKind::LastHeard) {
        if let Some(p) = &e.peer {
            out.entry((e.node.clone(), p.clone())).or_default().push((
                e.ts_ns,
                e.origin.clone(),
                rift_ingest::model::last_heard_slack(&e.detail),
            ));
        }
    }
    out
}

/// The latest time `to` heard `from` around `onset_ns`, with its origin and how exact it is
/// (`None`: unknown).
fn delivered_until<'h>(
    heard: &'h Heard,
    from: &NodeId,
    to: &NodeId,
    onset_ns: i64,
) -> Option<(i64, &'h str, Option<HeardSlack>)> {
    heard
        .get(&(to.clone(), from.clone()))?
        .iter()
        .filter(|(t, ..)| (t - onset_ns).abs() <= ONSET_SLACK_NS)
        .max_by_key(|(t, ..)| *t)
        .map(|(t, o, slack)| (*t, o.as_str(), *slack))
}

/// When every pair across a complete cut that has last-heard evidence for both directions shows
/// the same side's direction stopping first by at least `echo_gap_ns`, the directed edges of the
/// one-way cut, a note, and the onset (the latest time a dropped direction still delivered);
/// else `None`.
fn one_way(
    c: &Episode,
    heard: &Heard,
    leaders: &Leaders,
    echo_gap_ns: i64,
) -> Option<(Vec<EpisodeEdge>, String, i64)> {
    let channel = peer_channel(c)?;
    let subject: BTreeSet<&NodeId> = c.subject.iter().collect();
    // A cut: the pairs across it, oriented out of the subject, which must all agree. A pair
    // fault (non-transitive): each pair failing both ways, each judged on its own.
    let cut = c.mode == Mode::Complete;
    let mut pairs: Vec<(NodeId, NodeId, u64)> = Vec::new();
    for e in c.edges.iter().filter(|e| {
        e.channel == channel
            && if cut {
                crosses(e, &subject)
            } else {
                e.direction == EdgeDirection::Both
            }
    }) {
        let (s, o) = if !cut || subject.contains(&e.from) {
            (e.from.clone(), e.to.clone())
        } else {
            (e.to.clone(), e.from.clone())
        };
        if !pairs.iter().any(|p| p.0 == s && p.1 == o) {
            pairs.push((s, o, e.n));
        }
    }
    if pairs.is_empty() {
        return None;
    }
    // +1: the subject's outbound stopped first; -1: its inbound did.
    let mut verdict: Option<i8> = None;
    let mut sides: Vec<Option<i8>> = vec![None; pairs.len()];
    let mut reasons = Vec::new();
    let mut onset = i64::MIN;
    for (k, (s, o, _)) in pairs.iter().enumerate() {
        // A time whose slack is unknown tells no direction.
        let (Some((out, Some(out_slack))), Some((inb, Some(inb_slack)))) = (
            delivered_until(heard, s, o, c.start_ns).map(|(t, o, s)| ((t, o), s)),
            delivered_until(heard, o, s, c.start_ns).map(|(t, o, s)| ((t, o), s)),
        ) else {
            if cut {
                continue;
            }
            return None;
        };
        let lead = inb.0 - out.0;
        // Each side's time is only as exact as its timer and its peer's send period.
        // A clean cut can still show one side's last arrival earlier, by up to that side's
        // send period plus how late the other side's timeout fired; a lead within that tells
        // nothing.
        let need = leaders.gap(s, o, c.start_ns, echo_gap_ns);
        let need_out = need.max(out_slack.period_ns + inb_slack.late_ns);
        let need_in = need.max(inb_slack.period_ns + out_slack.late_ns);
        let side = if lead >= need_out {
            1
        } else if -lead >= need_in {
            -1
        } else if cut && need_out.min(need_in) > echo_gap_ns {
            // An idle link across a cut, or one whose times are coarse, says little either
            // way; the others decide.
            continue;
        } else {
            return None;
        };
        if cut && verdict.is_some_and(|v| v != side) {
            return None;
        }
        verdict = Some(side);
        sides[k] = Some(side);
        let (first, later) = if side == 1 { (out, inb) } else { (inb, out) };
        // Each pair's dropped direction delivered until just before the cut; an idle link's
        // last delivery can be a keep-alive interval earlier, so the latest is the onset.
        onset = onset.max(first.0);
        let (a, b) = if side == 1 { (s, o) } else { (o, s) };
        reasons.push(format!(
            "{a}→{b} last delivered at {} ({}), {b}→{a} at {} ({}), {:.2} s later",
            &rift_ingest::format_ts(first.0)[11..23],
            first.1,
            &rift_ingest::format_ts(later.0)[11..23],
            later.1,
            (later.0 - first.0) as f64 / 1e9
        ));
    }
    let common = verdict?;
    let edges = pairs
        .iter()
        .zip(&sides)
        .map(|((s, o, n), side)| {
            let side = side.unwrap_or(common);
            let (from, to) = if side == 1 {
                (s.clone(), o.clone())
            } else {
                (o.clone(), s.clone())
            };
            EpisodeEdge {
                channel,
                from,
                to,
                direction: EdgeDirection::OneWay,
                flow: None,
                state: "down",
                p: Some(0.0),
                n: *n,
            }
        })
        .collect();
    let note = format!(
        "one-way at the onset: {}. TCP stalls the reverse of a one-way drop after a \
         retransmission timeout, so the later loss of the reverse direction is read as its echo",
        reasons.join("; ")
    );
    Some((edges, note, onset))
}
