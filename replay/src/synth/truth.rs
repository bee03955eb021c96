//! `truth.json`, beside the export (never inside it: rift must not read the answer). Its fields
//! follow the recordings' `truth.json` — `scenario`, `mode`, `start`/`end` (RFC 3339) with
//! `start_ms`/`end_ms`, `intervals` when a fault was in force, `affected_edges` as `[from, to]`,
//! `nodes` with their IP and member id — and add the `seed`, the `service` model, the `epoch`
//! and every phase with its own edges, channels (empty: all), flow, loss, delay and flap cycle.
//! Schema `rift.synth-truth/1`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::synth::links::merge;
use crate::synth::service::Service;
use crate::synth::world::World;
use crate::time::SimTime;

/// The ground truth of a synthetic export.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Truth {
    /// `rift.synth-truth/1`.
    pub schema: String,
    /// The scenario's name (`unnamed` without one).
    pub scenario: String,
    /// The mode the caller said the scenario shows (`--mode`); absent when not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    /// The seed of every random draw.
    pub seed: u64,
    /// How members answered requests (`etcd` or `network`).
    pub service: Service,
    /// Wall clock of t = 0 (RFC 3339).
    pub epoch: String,
    /// Wall clock of t = 0, ms since the Unix epoch.
    pub epoch_ms: i64,
    /// The scenario's length, ms.
    pub duration_ms: u64,
    /// The first fault's start (RFC 3339); absent without faults.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    /// The last fault's end (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<String>,
    /// The first fault's start, ms since the Unix epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_ms: Option<i64>,
    /// The last fault's end, ms since the Unix epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_ms: Option<i64>,
    /// When any fault was in force (flapping faults: each down phase), merged.
    pub intervals: Vec<TruthInterval>,
    /// Every directed link some phase affects, `[from, to]`, in host order.
    pub affected_edges: Vec<[String; 2]>,
    /// The phases, in scenario order.
    pub phases: Vec<TruthPhase>,
    /// Every host: `ip`, and `member_id` for members.
    pub nodes: BTreeMap<String, BTreeMap<String, String>>,
}

/// A span of time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TruthInterval {
    /// Start (RFC 3339).
    pub start: String,
    /// End, exclusive (RFC 3339).
    pub end: String,
    /// Start, ms since the Unix epoch.
    pub start_ms: i64,
    /// End, ms since the Unix epoch.
    pub end_ms: i64,
}

/// One phase of the scenario.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TruthPhase {
    /// Its name, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Start (RFC 3339).
    pub start: String,
    /// End, exclusive (RFC 3339).
    pub end: String,
    /// Start, ms since the Unix epoch.
    pub start_ms: i64,
    /// End, ms since the Unix epoch.
    pub end_ms: i64,
    /// When it was in force: one interval, or one per down phase when it flaps.
    pub intervals: Vec<TruthInterval>,
    /// The directed links it affects, `[from, to]`.
    pub edges: Vec<[String; 2]>,
    /// The channels it affects; empty means all.
    pub channels: Vec<String>,
    /// The flow it affects, when only one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flow: Option<String>,
    /// The share of messages lost.
    pub loss: f64,
    /// Extra one-way latency, ms.
    pub delay_ms: f64,
    /// The down/up cycle, ms, when it flaps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flap_ms: Option<[u64; 2]>,
}

impl Truth {
    /// The ground truth of `w`'s scenario.
    pub(crate) fn of(w: &World, mode: Option<&str>) -> Truth {
        let s = w.scenario;
        let ms = |t: SimTime| w.ns(t).div_euclid(1_000_000);
        let interval = |(a, b): (SimTime, SimTime)| TruthInterval {
            start: w.ts(a),
            end: w.ts(b),
            start_ms: ms(a),
            end_ms: ms(b),
        };
        let edge =
            |f: &crate::scenario::Fault| [w.name(f.from).to_owned(), w.name(f.to).to_owned()];
        let faults = w.links.faults();
        let mut phases = Vec::new();
        for (i, ph) in s.phases.iter().enumerate() {
            let of_phase: Vec<_> = faults.iter().filter(|f| f.phase == i).collect();
            let Some(first) = of_phase.first() else {
                continue;
            };
            phases.push(TruthPhase {
                name: ph.name.clone(),
                start: w.ts(first.start),
                end: w.ts(first.end),
                start_ms: ms(first.start),
                end_ms: ms(first.end),
                intervals: first.intervals().into_iter().map(interval).collect(),
                edges: of_phase.iter().map(|f| edge(f)).collect(),
                channels: ph.channels.iter().map(|c| c.as_str().to_owned()).collect(),
                flow: ph.flow.map(|f| f.as_str().to_owned()),
                loss: ph.loss,
                delay_ms: first.delay.0 as f64 / 1e3,
                flap_ms: first.flap.map(|(d, u)| [d.0 / 1_000, u.0 / 1_000]),
            });
        }
        let merged = merge(
            faults
                .iter()
                .flat_map(|f| f.intervals())
                .map(|(a, b)| (a.0, b.0))
                .collect(),
        );
        let mut edges: Vec<_> = faults.iter().map(|f| (f.from, f.to)).collect();
        edges.sort();
        edges.dedup();
        let start = faults.iter().map(|f| f.start).min();
        let end = faults.iter().map(|f| f.end).max();
        let mut nodes = BTreeMap::new();
        for h in w.members().chain(w.clients()) {
            let mut about = BTreeMap::from([("ip".to_owned(), w.ips[h.ix()].clone())]);
            if let Some(id) = w.ids.get(h.ix()) {
                about.insert("member_id".to_owned(), id.clone());
            }
            nodes.insert(w.name(h).to_owned(), about);
        }
        Truth {
            schema: "rift.synth-truth/1".to_owned(),
            scenario: s.name.clone().unwrap_or_else(|| "unnamed".to_owned()),
            mode: mode.map(str::to_owned),
            seed: w.seed.0,
            service: w.service,
            epoch: w.ts(SimTime(0)),
            epoch_ms: ms(SimTime(0)),
            duration_ms: s.end().0 / 1_000,
            start: start.map(|t| w.ts(t)),
            end: end.map(|t| w.ts(t)),
            start_ms: start.map(ms),
            end_ms: end.map(ms),
            intervals: merged
                .into_iter()
                .map(|(a, b)| interval((SimTime(a), SimTime(b))))
                .collect(),
            affected_edges: edges
                .into_iter()
                .map(|(a, b)| [w.name(a).to_owned(), w.name(b).to_owned()])
                .collect(),
            phases,
            nodes,
        }
    }
}
