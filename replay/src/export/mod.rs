//! Exports of a scenario as fault schedules for real injectors, one format per file behind the
//! [`Exporter`] trait: an iptables/tc script ([`iptables`]), Chaos Mesh `NetworkChaos` manifests
//! ([`chaos_mesh`]) and Jepsen grudges ([`jepsen`]). Each output is deterministic and says in a
//! header comment which scenario it came from and which side of a link each rule acts on.

pub mod chaos_mesh;
pub mod iptables;
pub mod jepsen;
mod options;
mod plan;

use std::fmt;
use std::str::FromStr;

pub use chaos_mesh::ChaosMesh;
pub use iptables::Iptables;
pub use jepsen::Jepsen;
pub use options::{DEFAULT_LABEL_KEY, ExportOptions, Mode, Port, Proto};

use crate::error::Error;
use crate::scenario::Scenario;

/// Writes a scenario in one injector's format.
pub trait Exporter {
    /// The whole output. Fails when an option is wrong or when the format cannot express one of
    /// the scenario's faults exactly (the error names the phase and what to do instead).
    fn write(&self, scenario: &Scenario, opts: &ExportOptions) -> Result<String, Error>;
}

/// The formats `rift export --to` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ExportTarget {
    /// A bash script of iptables and tc commands.
    Iptables,
    /// Chaos Mesh `NetworkChaos` manifests.
    ChaosMesh,
    /// An EDN vector of Jepsen grudges.
    Jepsen,
}

impl ExportTarget {
    /// Every target, in the order used in help texts.
    pub const ALL: [ExportTarget; 3] = [
        ExportTarget::Iptables,
        ExportTarget::ChaosMesh,
        ExportTarget::Jepsen,
    ];

    /// The name used by `--to`.
    pub fn as_str(self) -> &'static str {
        match self {
            ExportTarget::Iptables => "iptables",
            ExportTarget::ChaosMesh => "chaos-mesh",
            ExportTarget::Jepsen => "jepsen",
        }
    }

    /// The exporter that writes this format.
    pub fn exporter(self) -> &'static dyn Exporter {
        match self {
            ExportTarget::Iptables => &Iptables,
            ExportTarget::ChaosMesh => &ChaosMesh,
            ExportTarget::Jepsen => &Jepsen,
        }
    }
}

impl fmt::Display for ExportTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ExportTarget {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        ExportTarget::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| Error::ExportOption {
                flag: "--to",
                value: s.to_owned(),
                reason: "use iptables, chaos-mesh or jepsen".into(),
            })
    }
}

/// Writes `scenario` in the format of `target`.
pub fn export(
    scenario: &Scenario,
    target: ExportTarget,
    opts: &ExportOptions,
) -> Result<String, Error> {
    target.exporter().write(scenario, opts)
}
