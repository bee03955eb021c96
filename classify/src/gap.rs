//! The gap analysis: for each episode, the four questions of a postmortem review.
//!
//! 1. Which mode did the network show? (the episode)
//! 2. Which mode did the detector assume? (its catalogue entry)
//! 3. Was the mismatch in the detector's **design** (it cannot see this mode: `blind`, `masks`
//!    or `partial` in the catalogue) or in its **deployment** (it can, but the fault was shorter
//!    than its detection lag with these settings)?
//! 4. What change would close the gap, and at what false-positive cost?
//!
//! Where the events show the detector acting (an event of a kind the catalogue lists under
//! `fires`, about a node of the episode, from its start to a minute after its end), the
//! measured lag from the episode's onset is reported; otherwise the catalogue's expected lag.

use rift_ingest::model::Event;
use serde::Serialize;

use crate::detector::{Coverage, InUse, Kind, catalogue, find};
use crate::episode::Episode;
use crate::mode::Mode;

/// Where a mismatch lies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GapKind {
    /// The detector sees this mode and nothing says it missed it.
    None,
    /// The detector cannot see this mode as designed.
    Design,
    /// It could, but its settings or probe paths missed it.
    Deployment,
}

impl GapKind {
    /// The name used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            GapKind::None => "none",
            GapKind::Design => "design",
            GapKind::Deployment => "deployment",
        }
    }
}

/// Detection lag, measured or expected.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Lag {
    /// From the episode's onset to the first event of the detector acting, ms.
    pub measured_ms: Option<f64>,
    /// The event: kind, node and `file:line`.
    pub measured_event: Option<String>,
    /// The catalogue's expected lag with these parameters, ms.
    pub expected_min_ms: Option<f64>,
    /// The catalogue's expected lag with these parameters, ms.
    pub expected_max_ms: Option<f64>,
    /// The formula in words.
    pub formula: String,
}

/// A change that would close the gap.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Fix {
    /// The change.
    pub change: String,
    /// Its false-positive cost.
    pub cost: String,
    /// Guards it consists of that are already in use.
    pub already_on: Vec<String>,
}

/// The four answers for one episode.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Gap {
    /// The episode's id.
    pub episode: usize,
    /// 1. The mode the network showed (mode, or mode/subtype).
    pub network: String,
    /// 2. The mode the detector's model assumes.
    pub assumed: Mode,
    /// The assumption behind the model, in a few words.
    pub assumption: String,
    /// The model in words.
    pub model: String,
    /// How the detector fares in the network's mode.
    pub coverage: Coverage,
    /// Why, from the catalogue.
    pub why: String,
    /// 3. Where the mismatch lies.
    pub gap: GapKind,
    /// The reasoning behind `gap`.
    pub reason: String,
    /// Detection lag.
    pub lag: Lag,
    /// 4. Changes that would close the gap, with their cost.
    pub fixes: Vec<Fix>,
    /// Guards in use and what they do in this mode.
    pub guards: Vec<String>,
}

/// Answers the four questions for every network episode.
pub fn analyse(episodes: &[Episode], detector: &InUse, events: &[Event]) -> Vec<Gap> {
    episodes
        .iter()
        .filter(|e| e.mode.is_network())
        .map(|e| one(e, detector, events))
        .collect()
}

/// The mode whose catalogue row applies: a flapping episode is judged as flapping.
fn network_name(e: &Episode) -> String {
    match e.subtype {
        Some(s) => format!("{}/{}", e.mode, s),
        None => e.mode.to_string(),
    }
}

fn one(e: &Episode, d: &InUse, events: &[Event]) -> Gap {
    let det = d.detector;
    let row = det.modes.get(&e.mode);
    let coverage = row.map_or(Coverage::Blind, |r| r.verdict);
    let why = row.map_or_else(
        || "not described in the catalogue".to_owned(),
        |r| r.why.clone(),
    );
    let expected = d.expected_lag_ms();
    let measured = measured(e, d, events);
    let duration_ms = (e.end_ns - e.start_ns) as f64 / 1e6;
    let watches = e
        .channels
        .iter()
        .any(|c| det.observes.iter().any(|o| o == c.as_str()));
    let (gap, reason) = match coverage {
        Coverage::Blind | Coverage::Masks | Coverage::Partial => (
            GapKind::Design,
            format!(
                "{} assumes {}; {} faults {}",
                det.name,
                det.assumption,
                e.mode,
                match coverage {
                    Coverage::Blind => "are invisible to it",
                    Coverage::Masks => "keep it from firing or make it fire with the wrong picture",
                    _ => "are only partly seen by it",
                }
            ),
        ),
        Coverage::Detects => match (&measured, expected) {
            (Some(_), _) => (
                GapKind::None,
                "the detector acted on this episode (measured lag below)".to_owned(),
            ),
            (None, Some((min, _))) if duration_ms < min => (
                GapKind::Deployment,
                format!(
                    "the fault lasted {:.1} s, less than the {:.1} s it takes {} to fire with these settings",
                    duration_ms / 1e3,
                    min / 1e3,
                    det.name
                ),
            ),
            _ if !watches => (
                GapKind::None,
                format!(
                    "{} watches {}, which this export does not measure; its design covers this mode",
                    det.name,
                    det.observes.join(", ")
                ),
            ),
            _ => (
                GapKind::None,
                "the detector's model covers this mode; no event records it acting".to_owned(),
            ),
        },
        Coverage::Mitigates | Coverage::None => (
            GapKind::Design,
            format!("{} is a guard: it detects nothing by itself", det.name),
        ),
    };
    let fixes = if gap == GapKind::None {
        Vec::new()
    } else {
        det.mitigations
            .iter()
            .filter(|m| m.modes.contains(&e.mode))
            .map(|m| Fix {
                change: m.change.clone(),
                cost: m.cost.clone(),
                already_on: m
                    .guards
                    .iter()
                    .filter(|g| d.guards.contains(g))
                    .cloned()
                    .collect(),
            })
            .collect()
    };
    let guards = d
        .guards
        .iter()
        .filter_map(|g| find(g))
        .filter(|g| g.kind == Kind::Guard)
        .filter_map(|g| {
            g.modes
                .get(&e.mode)
                .map(|r| format!("{} ({}): {}", g.name, r.verdict.as_str(), r.why))
        })
        .collect();
    Gap {
        episode: e.id,
        network: network_name(e),
        assumed: det.assumes,
        assumption: det.assumption.clone(),
        model: det.model.clone(),
        coverage,
        why,
        gap,
        reason,
        lag: Lag {
            measured_ms: measured.as_ref().map(|m| m.0),
            measured_event: measured.map(|m| m.1),
            expected_min_ms: expected.map(|x| x.0),
            expected_max_ms: expected.map(|x| x.1),
            formula: det.lag.text.clone(),
        },
        fixes,
        guards,
    }
}

/// The first event of the detector acting about a node of the episode, within a minute of its
/// end: (lag ms, description).
fn measured(e: &Episode, d: &InUse, events: &[Event]) -> Option<(f64, String)> {
    let nodes: Vec<&str> = e
        .subject
        .iter()
        .map(|n| n.0.as_str())
        .chain(
            e.edges
                .iter()
                .flat_map(|x| [x.from.0.as_str(), x.to.0.as_str()]),
        )
        .collect();
    let until = e.end_ns + 60_000_000_000;
    events
        .iter()
        .filter(|ev| ev.ts_ns >= e.start_ns && ev.ts_ns <= until)
        .filter(|ev| d.detector.fires.iter().any(|k| k == ev.kind.as_str()))
        // What a prober's table says of a host that answered is no detector acting.
        .filter(|ev| !ev.is_answered_failure())
        .find(|ev| {
            nodes.contains(&ev.node.0.as_str())
                || ev
                    .peer
                    .as_ref()
                    .is_some_and(|p| nodes.contains(&p.0.as_str()))
        })
        .map(|ev| {
            (
                (ev.ts_ns - e.start_ns) as f64 / 1e6,
                format!("{} on {} at {}", ev.kind.as_str(), ev.node, ev.origin),
            )
        })
}

/// Every catalogue entry's verdict for `mode`: (name, kind, verdict).
pub fn coverage_of(mode: Mode) -> Vec<(&'static str, Kind, Coverage)> {
    catalogue()
        .iter()
        .filter_map(|d| {
            d.modes
                .get(&mode)
                .map(|r| (d.name.as_str(), d.kind, r.verdict))
        })
        .collect()
}
