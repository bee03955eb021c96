//! How a cut begins: joining the episodes that are one fault seen at its onset.
//!
//! Two things make one network fault look like several episodes in real recordings:
//!
//! 1. **Staggered onset.** The links of a cut rarely fail in the same instant (rules are applied
//!    one by one, a switch port goes before its neighbour), so for a second or two the cut looks
//!    partial. A partial or asymmetric episode that ends where a complete episode begins, and
//!    whose peer links all cross that episode's cut, is the complete cut's onset.
//! 2. **The transport echo of a one-way drop.** TCP needs both directions: when A→B is dropped,
//!    B's segments still reach A but A's acknowledgements do not, so B's connections to A stall
//!    within a retransmission timeout and B→A goes quiet too. The evidence then shows A→B failing
//!    first (an asymmetric episode: B stops hearing A while A still hears B) and both directions
//!    failing a few seconds later (a complete episode). When an asymmetric episode whose edges
//!    all leave (or all enter) a complete episode's subject ends where that episode begins, rift
//!    reads the reverse direction's loss as the echo of the one-way drop and reports one
//!    asymmetric episode with the first episode's directed edges.

use std::collections::BTreeSet;

use rift_ingest::model::{Channel, NodeId};

use crate::episode::{EdgeDirection, Episode};
use crate::mode::Mode;

fn crosses(e: &crate::episode::EpisodeEdge, subject: &BTreeSet<&NodeId>) -> bool {
    subject.contains(&e.from) != subject.contains(&e.to)
}

fn peer_channel(ep: &Episode) -> Option<Channel> {
    ep.edges
        .iter()
        .find(|e| e.direction == EdgeDirection::Both)
        .map(|e| e.channel)
}

/// True when `before` ends within `gap_ns` of `after`'s start and starts before it.
fn leads_into(before: &Episode, after: &Episode, gap_ns: i64) -> bool {
    before.start_ns < after.start_ns
        && before.end_ns + gap_ns >= after.start_ns
        && before.end_ns <= after.end_ns
}

fn absorb_into(target: &mut Episode, other: Episode, note: String) {
    target.start_ns = target.start_ns.min(other.start_ns);
    target.start = rift_ingest::format_ts(target.start_ns);
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
    target.notes.push(note);
}

/// Joins onset episodes into the complete episodes they lead into (see the module docs).
pub(crate) fn join(episodes: &mut Vec<Episode>, gap_ns: i64) {
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
            let note = format!(
                "its first {:.0} s looked partial: the links of the cut failed one after another",
                (episodes[i].start_ns - p.start_ns) as f64 / 1e9
            );
            episodes[i].edge_seconds += p.edge_seconds;
            absorb_into(&mut episodes[i], p, note);
        }
        // 2. Transport echo: an asymmetric episode out of (or into) the subject leads into it.
        let c = &episodes[i];
        let subject: BTreeSet<&NodeId> = c.subject.iter().collect();
        let found = episodes.iter().position(|a| {
            a.mode == Mode::Asymmetric
                && leads_into(a, c, gap_ns)
                && !a.edges.is_empty()
                && a.edges.iter().all(|e| e.direction == EdgeDirection::OneWay)
                && (a
                    .edges
                    .iter()
                    .all(|e| subject.contains(&e.from) && !subject.contains(&e.to))
                    || a.edges
                        .iter()
                        .all(|e| !subject.contains(&e.from) && subject.contains(&e.to)))
        });
        if let Some(j) = found {
            let a = episodes.remove(j);
            if j < i {
                i -= 1;
            }
            let c = &mut episodes[i];
            let pairs: Vec<String> = a
                .edges
                .iter()
                .map(|e| format!("{}→{}", e.from, e.to))
                .collect();
            let note = format!(
                "{} failed first; the reverse direction kept delivering for {:.0} s and then \
                 stopped too. On TCP a one-way drop stalls the reverse direction of the same \
                 connections, so that later loss is read as an echo of {}, not a second fault",
                pairs.join(", "),
                (c.start_ns - a.start_ns) as f64 / 1e9,
                pairs.join(", ")
            );
            let peer = peer_channel(c);
            let mut edges: Vec<_> = c
                .edges
                .iter()
                .filter(|e| Some(e.channel) != peer)
                .cloned()
                .collect();
            let mut directed = a.edges.clone();
            for d in &mut directed {
                if let Some(full) = c.edges.iter().find(|e| {
                    e.channel == d.channel
                        && ((e.from == d.from && e.to == d.to)
                            || (e.from == d.to && e.to == d.from))
                }) {
                    d.n += full.n;
                }
            }
            edges.splice(0..0, directed);
            c.mode = Mode::Asymmetric;
            c.subtype = None;
            c.edges = edges;
            c.edge_seconds = c.edge_seconds / 2.0 + a.edge_seconds;
            c.confidence = c.confidence.min(a.confidence);
            absorb_into(c, a, note);
        }
        i += 1;
    }
    for (k, e) in episodes.iter_mut().enumerate() {
        e.id = k + 1;
    }
}
