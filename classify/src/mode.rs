//! The taxonomy: modes, partial subtypes, and the rule for the primary mode.

use std::fmt;

use serde::{Deserialize, Serialize};

/// What the network (or a node) did during an episode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// A cut where every measured edge across it is down both ways on every measured channel.
    Complete,
    /// One direction of a pair down while the other is up, on the same channel.
    Asymmetric,
    /// An edge or a cut changing state repeatedly.
    Flapping,
    /// The health or heartbeat channel up while the data channel is down, or observers
    /// disagreeing about one node.
    Gray,
    /// Non-transitive reachability, some flows failing while others pass, or a lasting loss rate.
    Partial,
    /// A node stopped reporting (and possibly restarted): not a network mode.
    Crash,
    /// Nothing at fault.
    Healthy,
}

impl Mode {
    /// Every mode, in severity order (the tie-break of the primary-mode rule).
    pub const ALL: [Mode; 7] = [
        Mode::Complete,
        Mode::Asymmetric,
        Mode::Flapping,
        Mode::Gray,
        Mode::Partial,
        Mode::Crash,
        Mode::Healthy,
    ];

    /// The name used in output and in the detector catalogue.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Complete => "complete",
            Mode::Asymmetric => "asymmetric",
            Mode::Flapping => "flapping",
            Mode::Gray => "gray",
            Mode::Partial => "partial",
            Mode::Crash => "crash",
            Mode::Healthy => "healthy",
        }
    }

    /// True for the five network modes.
    pub fn is_network(self) -> bool {
        !matches!(self, Mode::Crash | Mode::Healthy)
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Mode {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Mode::ALL
            .into_iter()
            .find(|m| m.as_str() == s)
            .ok_or_else(|| format!("unknown mode '{s}'"))
    }
}

/// The refinement of a mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Subtype {
    /// Partial: A↔C and B↔C up while A↮B.
    NonTransitive,
    /// Partial: some flows (or channels) of a pair fail while others pass.
    PerFlow,
    /// Partial: a lasting loss rate between the thresholds.
    Lossy,
    /// Gray: health or heartbeats pass while the workload fails.
    HealthPassesDataFails,
    /// Gray: some observers see the node, others do not.
    ObserversDisagree,
    /// Flapping of a cut (every direction of the pair down while down).
    #[serde(rename = "complete")]
    FlappingComplete,
    /// Flapping of one direction.
    #[serde(rename = "asymmetric")]
    FlappingAsymmetric,
    /// Flapping whose down phases are neither clean cuts nor one-way.
    #[serde(rename = "partial")]
    FlappingPartial,
    /// Crash: the node stopped reporting and a restart was seen.
    Restarted,
    /// Crash: the node stopped reporting; no restart was seen.
    Silent,
}

impl Subtype {
    /// The name used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Subtype::NonTransitive => "non-transitive",
            Subtype::PerFlow => "per-flow",
            Subtype::Lossy => "lossy",
            Subtype::HealthPassesDataFails => "health-passes-data-fails",
            Subtype::ObserversDisagree => "observers-disagree",
            Subtype::FlappingComplete => "complete",
            Subtype::FlappingAsymmetric => "asymmetric",
            Subtype::FlappingPartial => "partial",
            Subtype::Restarted => "restarted",
            Subtype::Silent => "silent",
        }
    }
}

impl fmt::Display for Subtype {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
