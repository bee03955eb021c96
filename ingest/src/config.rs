//! `incident.toml`: optional settings an export carries beside its data.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::model::Channel;

/// Defines [`SourceKind`] from one line per kind: variant, the name users write in
/// `incident.toml` and rift prints, and what it holds.
macro_rules! source_kinds {
    ($($(#[$doc:meta])* $kind:ident = $name:literal,)*) => {
        /// What rift reads a file as: the kinds of file it reads, and how a file is not read.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum SourceKind {
            $($(#[$doc])* #[serde(rename = $name)] $kind,)*
        }

        impl SourceKind {
            /// The name used in `incident.toml` and in output.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(SourceKind::$kind => $name,)*
                }
            }
        }
    };
}

source_kinds! {
    /// Per-node (or per-edge) message counters: sent / received / acked.
    Counters = "counters",
    /// Health-check results (`/health` probes).
    Health = "health",
    /// Client operation results (the real workload).
    Client = "client",
    /// Synthetic data-plane probe results.
    Probe = "probe",
    /// Node names and their aliases (IPs, member ids, URLs).
    Members = "members",
    /// A node's log, read with a log profile.
    Log = "log",
    /// A metrics export (Prometheus text, `query_range` JSON, or a metric table).
    Metrics = "metrics",
    /// `incident.toml` itself.
    Config = "config",
    /// A system's configuration file (`sentinel.conf`, `zoo.cfg`): its failure detector's
    /// settings.
    Settings = "settings",
    /// Skipped on request.
    Ignore = "ignore",
    /// Not recognised.
    Unknown = "unknown",
}

/// Settings for one file of the export, overriding what rift detects.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceSpec {
    /// Path relative to the export folder.
    pub path: String,
    /// What the file holds.
    pub kind: Option<SourceKind>,
    /// Channel of every row (overrides a `channel` column and the default).
    pub channel: Option<Channel>,
    /// Name of the prober/client when the file has no such column.
    pub prober: Option<String>,
    /// Counters only: the counts are running totals (`true`) or per-interval counts (`false`).
    pub cumulative: Option<bool>,
    /// Map from rift's column names to this file's: `{ ts = "time", target = "backend" }`.
    #[serde(default)]
    pub columns: BTreeMap<String, String>,
    /// Logs and metric files: the node the file belongs to (default: the file name up to its
    /// first dot).
    pub node: Option<String>,
    /// Logs: the profile to read the file with (default: sniffed from its first lines).
    pub profile: Option<String>,
    /// Logs: the IANA time zone of its times that name none (default: `[logs] timezone`, else
    /// UTC).
    pub timezone: Option<String>,
    /// Logs: the envelope field that names each line's node (default: `[logs] node_field`, else
    /// the envelope's own: syslog's host, a pod, a container, a log stream).
    pub node_field: Option<String>,
}

/// Settings for node logs.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogsConfig {
    /// Extra profile files (TOML), relative to the export folder.
    #[serde(default)]
    pub profiles: Vec<String>,
    /// Read every log file with this profile instead of sniffing.
    pub profile: Option<String>,
    /// The year of timestamps that carry none (syslog, klog), when no other file gives it.
    pub year: Option<i32>,
    /// The date (`YYYY-MM-DD`) of log times that name only the time of day (logback's default
    /// `HH:mm:ss.SSS`), when no other file gives it.
    pub date: Option<String>,
    /// The IANA time zone of log times that name none (default UTC).
    pub timezone: Option<String>,
    /// The envelope field that names each line's node, in files that hold several nodes: a
    /// dotted path into JSON records (`kubernetes.pod.name`, `labels.instance`) or `host`,
    /// `program`, `service`, `pod`, `container` or a Loki label of text envelopes.
    pub node_field: Option<String>,
    /// The line of `incident.toml` that names each of `profiles` (0 when unknown).
    #[serde(skip)]
    pub(crate) profile_lines: Vec<usize>,
}

/// Settings for counters tables.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CountersConfig {
    /// Counts are running totals rather than per-interval counts (default: told by `_total`
    /// column names).
    pub cumulative: Option<bool>,
    /// How close in time a sender's and a receiver's rows must be to be paired (default `1s`).
    pub pair_resolution: Option<String>,
    /// Channel of counters rows without a `channel` column (default `heartbeat`).
    pub channel: Option<Channel>,
}

/// Settings for probe and client tables.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProbesConfig {
    /// Name of the prober/client host when a file has no prober column (default `client`).
    pub prober: Option<String>,
}

/// The parsed `incident.toml`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IncidentConfig {
    /// Free-form description of the incident.
    #[serde(default)]
    pub incident: BTreeMap<String, toml::Value>,
    /// Node names and their aliases: `n1 = ["10.77.0.11", "ccb6f22cf2508085"]`.
    #[serde(default)]
    pub nodes: BTreeMap<String, Vec<String>>,
    /// Counters settings.
    #[serde(default)]
    pub counters: CountersConfig,
    /// Probe settings.
    #[serde(default)]
    pub probes: ProbesConfig,
    /// Log settings.
    #[serde(default)]
    pub logs: LogsConfig,
    /// Per-file overrides.
    #[serde(default, rename = "source")]
    pub sources: Vec<SourceSpec>,
    /// The detector in use and its settings (read by the classifier).
    #[serde(default)]
    pub detector: BTreeMap<String, toml::Value>,
    /// The line of each `[nodes]` entry.
    #[serde(skip)]
    node_lines: BTreeMap<String, usize>,
}

impl IncidentConfig {
    /// Reads and validates `incident.toml` (a regular file of at most
    /// 1 MiB).
    pub fn load(path: &Path) -> Result<Self, Error> {
        Self::load_within(path, None)
    }

    /// [`IncidentConfig::load`], refusing a file whose real path lies outside `inside`.
    pub(crate) fn load_within(path: &Path, inside: Option<&Path>) -> Result<Self, Error> {
        let text = crate::input::read_named(path, inside).map_err(|reason| Error::BadConfig {
            path: path.to_owned(),
            line: 0,
            column: 0,
            reason,
        })?;
        Self::parse(&text, path)
    }

    /// Parses `incident.toml` text; `path` is used in error messages.
    pub fn parse(text: &str, path: &Path) -> Result<Self, Error> {
        let mut config: IncidentConfig = toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map(|s| line_col(text, s.start)).unwrap_or((0, 0));
            Error::BadConfig {
                path: path.to_owned(),
                line,
                column,
                reason: crate::inert::clip(e.message()),
            }
        })?;
        if let Some(r) = &config.counters.pair_resolution {
            crate::time::parse_duration(r).map_err(|reason| Error::BadConfig {
                path: path.to_owned(),
                line: find_line(text, "pair_resolution"),
                column: 1,
                reason: format!("counters.pair_resolution: {reason}"),
            })?;
        }
        let section = text
            .lines()
            .position(|l| l.trim() == "[nodes]")
            .unwrap_or(0);
        config.node_lines = config
            .nodes
            .keys()
            .map(|n| {
                let at = text
                    .lines()
                    .enumerate()
                    .skip(section)
                    .find(|(_, l)| l.trim_start().starts_with(n.as_str()))
                    .map_or(0, |(i, _)| i + 1);
                (n.clone(), at)
            })
            .collect();
        config.logs.profile_lines = config
            .logs
            .profiles
            .iter()
            .map(|p| find_line(text, p))
            .collect();
        Ok(config)
    }

    /// The line of `incident.toml` that declares `node` under `[nodes]` (0 when unknown).
    pub(crate) fn node_line(&self, node: &str) -> usize {
        self.node_lines.get(node).copied().unwrap_or(0)
    }

    /// The spec for a file (by path relative to the export), if `incident.toml` has one.
    pub fn source(&self, rel: &str) -> Option<&SourceSpec> {
        self.sources
            .iter()
            .find(|s| s.path.trim_start_matches("./") == rel)
    }
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before
        .rfind('\n')
        .map_or(before.len(), |p| before.len() - p - 1)
        + 1;
    (line, column)
}

fn find_line(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .map_or(0, |i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_config_names_line_and_column() {
        let err = IncidentConfig::parse(
            "[counters]\ncumulative = \"yes\"\n",
            Path::new("incident.toml"),
        )
        .unwrap_err()
        .to_string();
        assert!(err.starts_with("incident.toml:2:14:"), "{err}");
    }

    #[test]
    fn unknown_key_is_an_error() {
        let err = IncidentConfig::parse("[probes]\nprobr = \"lb\"\n", Path::new("incident.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("probr"), "{err}");
    }
}
