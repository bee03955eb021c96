//! An incident's inferred timeline as a scenario: members and client hosts from the timeline,
//! the leader and term at the start from the logs' leader events, protocol settings from the
//! detector in use, and one phase per network episode (one per down interval for flapping ones),
//! with the episode's refined onset and heal and its directed edges.

use std::collections::BTreeSet;

use rift_classify::{EdgeDirection, Episode, Mode, Verdict};
use rift_ingest::model::{Channel, Event, EventKind};
use rift_reach::{EdgeState, Timeline, WindowIdx};

use crate::error::Error;
use crate::scenario::{Cluster, Dur, Flap, Phase, Protocol, Scenario, Workload};
use crate::time::SimTime;

fn dur_ns(ns: i64) -> Dur {
    Dur(SimTime((ns.max(0) / 1_000) as u64))
}

/// Builds the scenario that replays `verdict` (inferred from `timeline` and `events`).
pub fn scenario_from_incident(
    verdict: &Verdict,
    timeline: &Timeline,
    events: &[Event],
) -> Result<Scenario, Error> {
    let c = &verdict.classification;
    let epoch = timeline.epoch_ns;
    let end_ns = timeline.window_start(WindowIdx(timeline.windows));

    // Members talk to each other on the heartbeat channel or write logs; the rest are clients.
    let mut members: BTreeSet<String> = BTreeSet::new();
    for key in timeline.edges.keys() {
        if key.channel == Channel::Heartbeat {
            members.insert(key.src.to_string());
            members.insert(key.dst.to_string());
        }
    }
    // A prober's word, from its table, that a host answered its request is no log of its own.
    for e in events.iter().filter(|e| !e.is_answered_failure()) {
        if timeline.nodes.contains(&e.node) {
            members.insert(e.node.to_string());
        }
    }
    let nodes: Vec<String> = timeline
        .nodes
        .iter()
        .map(|n| n.to_string())
        .filter(|n| members.contains(n))
        .collect();
    if nodes.is_empty() {
        return Err(Error::Incident(
            "no cluster members found: replay needs member-to-member evidence (heartbeat counters or logs) to know who is in the cluster".into(),
        ));
    }
    let mut clients: Vec<String> = timeline
        .nodes
        .iter()
        .map(|n| n.to_string())
        .filter(|n| !members.contains(n))
        .collect();
    if clients.is_empty() {
        clients.push("client".into());
    }

    // The replay starts when the leader in office before the first fault took over (or at the
    // timeline's start, if later), so that the simulated cluster starts as the real one stood.
    let first_fault = c
        .episodes
        .iter()
        .filter(|e| e.mode.is_network() || e.mode == Mode::Crash)
        .map(|e| e.start_ns)
        .min()
        .unwrap_or(end_ns);
    let before = events
        .iter()
        .filter(|e| e.kind == EventKind::LeaderChange && e.ts_ns < first_fault)
        .filter(|e| {
            e.peer
                .as_ref()
                .is_some_and(|p| nodes.iter().any(|n| n == p.as_str()))
        })
        .max_by_key(|e| e.ts_ns);
    let (leader, term, epoch) = match before {
        Some(e) => (
            e.peer.as_ref().map(|p| p.to_string()),
            e.term.unwrap_or(1),
            epoch.max(e.ts_ns),
        ),
        None => (None, 1, epoch),
    };
    let mut protocol = Protocol::default();
    if let Some(d) = &verdict.detector
        && d.detector.name == "raft"
    {
        if let Some(h) = d.parameters.get("heartbeat_ms") {
            protocol.heartbeat = dur_ns((h * 1e6) as i64);
        }
        if let Some(e) = d.parameters.get("election_timeout_ms") {
            protocol.election_timeout = dur_ns((e * 1e6) as i64);
        }
        protocol.prevote = d.guards.iter().any(|g| g == "prevote");
        protocol.checkquorum = d.guards.iter().any(|g| g == "checkquorum");
    }

    // Episodes seen only between clients and members, while members are cut from each other,
    // are the cut's consequence (the members lost their leader), not faults of their own.
    let is_member = |n: &str| nodes.iter().any(|m| m == n);
    let member_side = |e: &Episode| {
        e.edges
            .iter()
            .any(|x| is_member(x.from.as_str()) && is_member(x.to.as_str()))
    };
    let replayed: Vec<&Episode> = c
        .episodes
        .iter()
        .filter(|e| e.mode.is_network() || e.mode == Mode::Crash)
        .collect();
    let mut phases = Vec::new();
    for ep in &replayed {
        let consequence = !member_side(ep)
            && replayed
                .iter()
                .any(|o| member_side(o) && o.start_ns <= ep.end_ns && ep.start_ns <= o.end_ns);
        if !consequence {
            phases.extend(phases_of(ep, timeline, &nodes, epoch, end_ns));
        }
    }

    let scenario = Scenario {
        name: Some(
            verdict
                .title
                .clone()
                .unwrap_or_else(|| format!("{} incident", c.primary)),
        ),
        description: Some(format!(
            "Replay of the inferred timeline: {} episode(s), primary mode {}.",
            c.episodes.len(),
            c.primary
        )),
        epoch: Some(rift_ingest::format_ts(epoch)),
        duration: dur_ns(end_ns - epoch),
        seed: None,
        cluster: Cluster {
            nodes,
            leader,
            term,
            clients,
        },
        protocol,
        workload: Workload::default(),
        phases,
    };
    scenario
        .check()
        .map_err(|e| Error::Incident(e.to_string()))?;
    Ok(scenario)
}

/// The phases that replay one episode.
fn phases_of(
    ep: &Episode,
    timeline: &Timeline,
    members: &[String],
    epoch: i64,
    end_ns: i64,
) -> Vec<Phase> {
    let is_member = |n: &str| members.iter().any(|m| m == n);
    let member_edges = ep
        .edges
        .iter()
        .any(|e| is_member(e.from.as_str()) && is_member(e.to.as_str()));
    let mut drop = BTreeSet::new();
    let mut channels = BTreeSet::new();
    let mut loss: f64 = 0.0;
    for e in &ep.edges {
        let (from, to) = (e.from.to_string(), e.to.to_string());
        // Round trips from a client that fail beside a member cut are its consequence (the
        // member lost its leader), not a separate fault.
        if member_edges && !(is_member(&from) && is_member(&to)) {
            continue;
        }
        drop.insert(match e.direction {
            EdgeDirection::OneWay => format!("{from}->{to}"),
            EdgeDirection::Both | EdgeDirection::Unknown => format!("{from}<->{to}"),
        });
        channels.insert(e.channel);
        let l = match (e.state, e.p) {
            ("lossy", Some(p)) => 1.0 - p,
            _ => 1.0,
        };
        loss = loss.max(l);
    }
    // A crashed member is replayed as killed and started again, not cut off: cut off, it would
    // go on campaigning and depose the leader when the cut heals, which a restarted member
    // does not.
    let crash: Vec<String> = if ep.mode == Mode::Crash {
        drop.clear();
        channels.clear();
        loss = 1.0;
        ep.subject
            .iter()
            .map(|s| s.to_string())
            .filter(|s| is_member(s))
            .collect()
    } else {
        Vec::new()
    };
    if drop.is_empty() && crash.is_empty() {
        return Vec::new();
    }
    // A member-to-member edge seen on the heartbeat channel stands for the whole peer connection;
    // only a gray episode is about particular channels.
    let channels: Vec<Channel> = if ep.mode == Mode::Gray {
        channels.into_iter().collect()
    } else {
        Vec::new()
    };
    let base = Phase {
        name: Some(format!("episode {} ({})", ep.id, ep.mode)),
        start: dur_ns(ep.start_ns - epoch),
        end: Some(dur_ns(ep.end_ns.min(end_ns) - epoch)),
        drop: drop.into_iter().collect(),
        partition: Vec::new(),
        isolate: Vec::new(),
        loss: if loss > 0.0 {
            (loss * 1000.0).round() / 1000.0
        } else {
            1.0
        },
        delay: None,
        channels,
        flow: None,
        flap: None::<Flap>,
        crash,
    };
    if ep.mode != Mode::Flapping {
        return vec![base];
    }
    // Flapping: one phase per down interval seen on the episode's edges.
    let mut down: Vec<(i64, i64)> = Vec::new();
    for e in &ep.edges {
        for (key, segs) in &timeline.edges {
            if key.src != e.from || key.dst != e.to || key.channel != e.channel {
                continue;
            }
            for s in segs
                .iter()
                .filter(|s| matches!(s.state, EdgeState::Down | EdgeState::Lossy))
            {
                let (a, b) = (timeline.window_start(s.start), timeline.window_start(s.end));
                if b > ep.start_ns && a < ep.end_ns {
                    down.push((a.max(ep.start_ns), b.min(ep.end_ns)));
                }
            }
        }
    }
    let merged = crate::time::merge_intervals(down);
    if merged.is_empty() {
        return vec![base];
    }
    merged
        .into_iter()
        .enumerate()
        .map(|(i, (a, b))| Phase {
            name: Some(format!("episode {} (flapping, down #{})", ep.id, i + 1)),
            start: dur_ns(a - epoch),
            end: Some(dur_ns(b - epoch)),
            ..base.clone()
        })
        .collect()
}
