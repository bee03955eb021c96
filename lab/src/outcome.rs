//! What the real cluster of a recording did about its fault, from its own logs and its client:
//! who took leadership and when, how soon a member first reacted, how long two members both
//! said they led, the highest term, and the client's writes. `rift lab compare` lays it beside
//! the simulator's outcome for the same recording.

use rift_ingest::model::{Event, EventKind, LeaderSpell, leader_spells};
use rift_replay::VariantOutcome;
use serde::Serialize;

/// The real cluster's outcome; times in seconds from the fault's start. What is about the
/// fault (the reaction, the new leaders) is read from its start to the window's end; what
/// is about the run (two leaders, terms, writes), over the whole observation window.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RealOutcome {
    /// The first sign in any member's log that its failure detector or its cluster reacted
    /// (an election, a role or leader change, a peer suspected, down or unreachable, no
    /// leader), from the fault's start on.
    pub first_reaction: Option<Reaction>,
    /// Each member that took leadership from the fault's start to the window's end, in order.
    pub new_leaders: Vec<Took>,
    /// Seconds of the window in which two members both said they led.
    pub dual_leader_s: f64,
    /// The highest term any member's log gave in the window.
    pub max_term: Option<u64>,
    /// The client's writes in the window.
    pub writes: ClientWrites,
}

/// A member's first reaction to the fault.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Reaction {
    /// Seconds after the fault's start.
    pub after_s: f64,
    /// The member.
    pub node: String,
    /// What it did (an events-table kind).
    pub kind: String,
    /// The line that says so (`file:line`).
    pub origin: String,
}

/// A member that took leadership.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Took {
    /// The member.
    pub node: String,
    /// Seconds after the fault's start.
    pub at_s: f64,
    /// The term, where its log gives one.
    pub term: Option<u64>,
}

/// The client's writes (`client.csv`, `op` = `put`) over a stretch.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ClientWrites {
    /// Writes sent.
    pub sent: usize,
    /// Writes that failed or timed out.
    pub failed: usize,
    /// The longest stretch in which no write was acknowledged, s (from one acknowledged
    /// write's answer to the next, or from the stretch's start or to its end).
    pub longest_unacknowledged_s: f64,
    /// Rows of `client.csv` that could not be read (no time, no result).
    pub skipped_rows: usize,
}

/// The event kinds that show a failure detector or the cluster reacting.
const REACTIONS: &[EventKind] = &[
    EventKind::Election,
    EventKind::RoleChange,
    EventKind::LeaderChange,
    EventKind::NoLeader,
    EventKind::Suspect,
    EventKind::PeerDown,
    EventKind::Unreachable,
    EventKind::MemberFailed,
];

/// The outcome of a recording from its `events` (in time order) and the text of its
/// `client.csv`, for the fault starting at `fault_ns` in the observation window `window`
/// (`[start, end]`, ns). `crashed` holds the members found crashed, with when: a crashed
/// member's log says nothing of its end, so a spell as leader it was in ends at its crash.
pub fn real_outcome(
    events: &[Event],
    client_csv: Option<&str>,
    fault_ns: i64,
    window: (i64, i64),
    crashed: &[(String, i64)],
) -> RealOutcome {
    let (start_ns, end_ns) = window;
    let secs = |ns: i64| ((ns - fault_ns) as f64 / 1e6).round() / 1e3;
    let within = |e: &&Event| e.ts_ns >= fault_ns && e.ts_ns <= end_ns;
    let in_window = |e: &&Event| e.ts_ns >= start_ns && e.ts_ns <= end_ns;
    let first_reaction = events
        .iter()
        .filter(within)
        // A prober's word that a host answered a failed request is no member reacting.
        .find(|e| REACTIONS.contains(&e.kind) && !e.is_answered_failure())
        .map(|e| Reaction {
            after_s: secs(e.ts_ns),
            node: e.node.0.clone(),
            kind: e.kind.as_str().to_owned(),
            origin: e.origin.clone(),
        });
    // A spell still open when a member's log ends runs on to the window's end.
    let spells: Vec<LeaderSpell> = leader_spells(events)
        .into_iter()
        .map(|sp| {
            let to_ns = if sp.open {
                end_ns.max(sp.from_ns)
            } else {
                sp.to_ns
            };
            let crash = crashed
                .iter()
                .filter(|(n, at)| *n == sp.node.0 && *at >= sp.from_ns && *at < to_ns)
                .map(|(_, at)| *at)
                .min();
            LeaderSpell {
                to_ns: crash.unwrap_or(to_ns),
                ..sp
            }
        })
        .collect();
    let new_leaders = spells
        .iter()
        .filter(|sp| sp.from_ns >= fault_ns && sp.from_ns <= end_ns)
        .map(|sp| Took {
            node: sp.node.0.clone(),
            at_s: secs(sp.from_ns),
            term: sp.term,
        })
        .collect();
    let dual_ns = two_at_once(&spells, start_ns, end_ns);
    let max_term = events.iter().filter(in_window).filter_map(|e| e.term).max();
    RealOutcome {
        first_reaction,
        new_leaders,
        dual_leader_s: (dual_ns as f64 / 1e6).round() / 1e3,
        max_term,
        writes: client_csv.map_or_else(ClientWrites::default, |text| {
            client_writes(text, start_ns / 1_000_000, end_ns / 1_000_000)
        }),
    }
}

/// One variant of the simulator's replay, on the same terms as [`RealOutcome`]: times in
/// seconds from the fault's start.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SimulatedOutcome {
    /// The variant's name.
    pub variant: String,
    /// Its settings, as the simulator states them.
    pub settings: String,
    /// The first role change from the fault's start on: seconds after it, the member, its
    /// new role.
    pub first_reaction: Option<(f64, String, String)>,
    /// Who took leadership from the fault's start on: member, seconds after it, term.
    pub new_leaders: Vec<(String, f64, u64)>,
    /// Seconds of the observation window in which two members both led.
    pub dual_leader_s: f64,
    /// The highest term of the run.
    pub max_term: u64,
    /// Writes the simulated client sent.
    pub writes_sent: usize,
    /// Writes that timed out.
    pub writes_timed_out: usize,
    /// The longest stretch without an acknowledged write, s.
    pub longest_unacknowledged_s: f64,
}

/// A variant's outcome projected onto the recording's clock. The simulator counts seconds
/// from its epoch (`epoch_ns`, ns since the Unix epoch; the recording's own clock when
/// unknown); the fault starts at `fault_ns` and two leaders count within `window` (ns).
pub fn simulated_outcome(
    v: &VariantOutcome,
    epoch_ns: Option<i64>,
    fault_ns: i64,
    window: (i64, i64),
) -> SimulatedOutcome {
    let at = |ns: i64| epoch_ns.map_or(0.0, |e| (ns - e) as f64 / 1e9);
    let (fault_t, from, to) = (at(fault_ns), at(window.0), at(window.1));
    let o = &v.outcome;
    SimulatedOutcome {
        variant: o.variant.clone(),
        settings: o.settings.clone(),
        first_reaction: o.roles.iter().find(|r| r.t >= fault_t).map(|r| {
            (
                round(r.t - fault_t),
                r.node.clone(),
                r.role.as_str().to_owned(),
            )
        }),
        new_leaders: o
            .leaders
            .iter()
            .filter(|l| l.from >= fault_t)
            .map(|l| (l.node.clone(), round(l.from - fault_t), l.term))
            .collect(),
        dual_leader_s: round(
            o.dual_leader
                .spans
                .iter()
                .map(|s| (s.to.min(to) - s.from.max(from)).max(0.0))
                .sum(),
        ),
        max_term: o.max_term,
        writes_sent: o.writes.attempted,
        writes_timed_out: o.writes.timed_out,
        longest_unacknowledged_s: round(o.unavailable.longest_s),
    }
}

/// Seconds to the millisecond, without a negative zero.
fn round(s: f64) -> f64 {
    (s * 1e3).round() / 1e3 + 0.0
}

/// How long, within `[from, to]`, two or more members were in a spell as leader at once, ns.
fn two_at_once(spells: &[LeaderSpell], from: i64, to: i64) -> i64 {
    let mut edges: Vec<(i64, i32)> = Vec::new();
    for sp in spells {
        let (a, b) = (sp.from_ns.max(from), sp.to_ns.min(to));
        if a < b {
            edges.push((a, 1));
            edges.push((b, -1));
        }
    }
    // Ends before starts at the same instant: a hand-over at one moment is no overlap.
    edges.sort_unstable();
    let (mut leading, mut since, mut total) = (0, 0, 0);
    for (t, d) in edges {
        if leading >= 2 {
            total += t - since;
        }
        leading += d;
        since = t;
    }
    total
}

/// The writes of the lab's `client.csv` (`ts_ms`, `op`, `result`, `latency_ms` by name) sent
/// from `from_ms` to `to_ms`.
fn client_writes(text: &str, from_ms: i64, to_ms: i64) -> ClientWrites {
    // A quoted error may hold commas and line breaks: the csv reader keeps them in their cell.
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let header = rdr.headers().cloned().unwrap_or_default();
    let col = |name: &str| header.iter().position(|h| h.trim() == name);
    let mut out = ClientWrites::default();
    let (Some(ts), Some(op), Some(result)) = (col("ts_ms"), col("op"), col("result")) else {
        out.skipped_rows = rdr.records().count();
        return out;
    };
    let latency = col("latency_ms");
    // Answer times of acknowledged writes.
    let mut acked: Vec<i64> = Vec::new();
    for row in rdr.records() {
        let Ok(cells) = row else {
            out.skipped_rows += 1;
            continue;
        };
        let Some(sent) = cells.get(ts).and_then(|c| c.trim().parse::<i64>().ok()) else {
            out.skipped_rows += 1;
            continue;
        };
        let (Some(o), Some(r)) = (cells.get(op), cells.get(result)) else {
            out.skipped_rows += 1;
            continue;
        };
        if o.trim() != "put" || sent < from_ms || sent > to_ms {
            continue;
        }
        out.sent += 1;
        if r.trim() == "ok" {
            let took = latency
                .and_then(|l| cells.get(l))
                .and_then(|c| c.trim().parse::<f64>().ok())
                .unwrap_or(0.0);
            acked.push(sent + took.round() as i64);
        } else {
            out.failed += 1;
        }
    }
    acked.sort_unstable();
    let mut last = from_ms;
    let mut longest = 0;
    for a in acked.into_iter().chain([to_ms]) {
        let a = a.clamp(from_ms, to_ms);
        longest = longest.max(a - last);
        last = last.max(a);
    }
    out.longest_unacknowledged_s = longest as f64 / 1e3;
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rift_ingest::model::NodeId;

    fn event(ms: i64, node: &str, kind: EventKind, detail: &str) -> Event {
        Event {
            ts_ns: ms * 1_000_000,
            node: NodeId(node.into()),
            kind,
            peer: None,
            term: None,
            detail: detail.into(),
            origin: format!("logs/{node}.log:{ms}"),
        }
    }

    #[test]
    fn the_first_reaction_the_new_leader_and_two_leaders_at_once_are_read_from_the_logs() {
        let events = vec![
            event(500, "n1", EventKind::RoleChange, "leader"),
            event(900, "n2", EventKind::PeerDown, ""),
            event(1_000, "n2", EventKind::Start, ""),
            event(12_300, "n3", EventKind::Election, ""),
            event(13_100, "n3", EventKind::RoleChange, "leader"),
            event(15_000, "n1", EventKind::RoleChange, "follower"),
            event(20_000, "n3", EventKind::PeerUp, ""),
        ];
        let got = real_outcome(&events, None, 10_000_000_000, (0, 30_000_000_000), &[]);
        let first = got.first_reaction.unwrap();
        assert_eq!((first.after_s, first.node.as_str()), (2.3, "n3"));
        assert_eq!(first.kind, "election");
        assert_eq!(
            got.new_leaders,
            [Took {
                node: "n3".into(),
                at_s: 3.1,
                term: None
            }]
        );
        // n1 led until 15 s, n3 from 13.1 s (a spell lasts to the member's next change, or
        // its last event).
        assert_eq!(got.dual_leader_s, 1.9);
        // Only what came after the fault's start is a reaction to it.
        let late = real_outcome(&events, None, 14_000_000_000, (0, 30_000_000_000), &[]);
        assert_eq!(late.first_reaction.unwrap().kind, "role_change");
        assert!(late.new_leaders.is_empty());
    }

    #[test]
    fn a_leader_named_by_another_ends_a_spell_and_saying_it_leads_twice_is_one_take() {
        let mut named = event(14_000, "n1", EventKind::LeaderChange, "");
        named.peer = Some(NodeId("n3".into()));
        let events = vec![
            event(500, "n1", EventKind::RoleChange, "leader"),
            event(12_000, "n3", EventKind::RoleChange, "leader"),
            event(12_200, "n3", EventKind::RoleChange, "leader"),
            named,
        ];
        let got = real_outcome(&events, None, 10_000_000_000, (0, 30_000_000_000), &[]);
        assert_eq!(got.new_leaders.len(), 1, "{:?}", got.new_leaders);
        assert_eq!(got.dual_leader_s, 2.0);
    }

    #[test]
    fn a_crashed_leaders_spell_ends_at_its_crash_not_when_it_starts_again() {
        // n1 led, was killed at 10 s without a word, and its start banner came at 22 s; n3
        // took over at 11.5 s.
        let events = vec![
            event(500, "n1", EventKind::RoleChange, "leader"),
            event(11_500, "n3", EventKind::RoleChange, "leader"),
            event(22_000, "n1", EventKind::Start, ""),
        ];
        let window = (0, 30_000_000_000);
        let blind = real_outcome(&events, None, 10_000_000_000, window, &[]);
        assert_eq!(blind.dual_leader_s, 10.5);
        let crashed = [("n1".to_owned(), 10_000_000_000)];
        let got = real_outcome(&events, None, 10_000_000_000, window, &crashed);
        assert_eq!(got.dual_leader_s, 0.0);
    }

    #[test]
    fn writes_failed_and_the_longest_stretch_without_an_acknowledged_one() {
        let csv = "ts_iso,ts_ms,node,endpoint,op,key,result,latency_ms,error\n\
                   x,1000,n1,e,put,k,ok,10,\"\"\n\
                   x,1500,n1,e,get,k,ok,3,\"\"\n\
                   x,2000,n1,e,put,k,timeout,2000,\"timed out,\nand again\"\n\
                   x,4000,n2,e,put,k,error,5,\"no leader\"\n\
                   x,6000,n1,e,put,k,ok,40,\"\"\n\
                   x,notatime,n1,e,put,k,ok,40,\"\"\n\
                   x,9000,n1,e,put,k,ok,20,\"\"\n";
        let w = client_writes(csv, 1_000, 8_000);
        assert_eq!((w.sent, w.failed, w.skipped_rows), (4, 2, 1));
        // From the write acknowledged at 1.01 s to the next at 6.04 s.
        assert_eq!(w.longest_unacknowledged_s, 5.03);
    }
}
