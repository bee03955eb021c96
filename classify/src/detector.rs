//! The detector catalogue: what each failure detector and protocol guard assumes, what it
//! watches, how it fares in each mode, its detection lag, and the changes that close its gaps.
//!
//! The catalogue is data: one TOML file per entry under `classify/detectors/`, compiled in.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::mode::Mode;

const FILES: [(&str, &str); 13] = [
    ("raft.toml", include_str!("../detectors/raft.toml")),
    (
        "phi-accrual.toml",
        include_str!("../detectors/phi-accrual.toml"),
    ),
    ("swim.toml", include_str!("../detectors/swim.toml")),
    ("sentinel.toml", include_str!("../detectors/sentinel.toml")),
    ("vrrp.toml", include_str!("../detectors/vrrp.toml")),
    ("zab.toml", include_str!("../detectors/zab.toml")),
    ("net-tick.toml", include_str!("../detectors/net-tick.toml")),
    (
        "lb-health.toml",
        include_str!("../detectors/lb-health.toml"),
    ),
    (
        "bidirectional-probes.toml",
        include_str!("../detectors/bidirectional-probes.toml"),
    ),
    (
        "data-plane-probes.toml",
        include_str!("../detectors/data-plane-probes.toml"),
    ),
    ("prevote.toml", include_str!("../detectors/prevote.toml")),
    (
        "checkquorum.toml",
        include_str!("../detectors/checkquorum.toml"),
    ),
    ("fencing.toml", include_str!("../detectors/fencing.toml")),
];

/// A failure detector or a protocol guard.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Detector {
    /// Short name, used by `--detector` and `incident.toml`.
    pub name: String,
    /// Human title.
    pub title: String,
    /// `detector` or `guard`.
    pub kind: Kind,
    /// Other names it answers to.
    pub aliases: Vec<String>,
    /// Where it is found.
    pub systems: String,
    /// The network mode its model takes faults to be.
    pub assumes: Mode,
    /// The assumption behind the model, in a few words.
    pub assumption: String,
    /// The model it assumes, in words.
    pub model: String,
    /// Channels it watches.
    pub observes: Vec<String>,
    /// The paths it observes, in words.
    pub paths: String,
    /// Event kinds that mean it acted.
    pub fires: Vec<String>,
    /// Default parameters.
    pub parameters: BTreeMap<String, f64>,
    /// What rift accepts for each parameter, `[least, most]`.
    #[serde(default)]
    pub ranges: BTreeMap<String, [f64; 2]>,
    /// Detection lag as a function of the parameters.
    pub lag: LagModel,
    /// How it fares in each network mode.
    pub modes: BTreeMap<Mode, ModeCoverage>,
    /// Changes that close its gaps.
    #[serde(default)]
    pub mitigations: Vec<Mitigation>,
}

/// A parameter value that cannot be used.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ParameterError {
    /// The detector has no such parameter.
    #[error("not a parameter of {detector}; its parameters are {known}")]
    Unknown {
        /// The detector.
        detector: String,
        /// Its parameters.
        known: String,
    },
    /// NaN or infinite.
    #[error("{value} is not a number: give a finite value")]
    NotFinite {
        /// The value given.
        value: f64,
    },
    /// Outside what rift accepts.
    #[error("{value} is outside what rift accepts for {detector}: between {least} and {most}")]
    OutOfRange {
        /// The value given.
        value: f64,
        /// The detector.
        detector: String,
        /// The least accepted.
        least: f64,
        /// The most accepted.
        most: f64,
    },
}

impl Detector {
    /// Checks `value` for the parameter `key`: one of the detector's parameters, finite, and
    /// within its range (`ranges` in the catalogue).
    pub fn check_parameter(&self, key: &str, value: f64) -> Result<(), ParameterError> {
        if !self.parameters.contains_key(key) {
            return Err(ParameterError::Unknown {
                detector: self.name.clone(),
                known: self
                    .parameters
                    .keys()
                    .map(String::as_str)
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
        check_range(&self.name, value, self.ranges.get(key).copied())
    }
}

/// Checks that `value` is finite and within `range` (when there is one) of `detector`.
pub fn check_range(
    detector: &str,
    value: f64,
    range: Option<[f64; 2]>,
) -> Result<(), ParameterError> {
    if !value.is_finite() {
        return Err(ParameterError::NotFinite { value });
    }
    match range {
        Some([least, most]) if !(least..=most).contains(&value) => {
            Err(ParameterError::OutOfRange {
                value,
                detector: detector.to_owned(),
                least,
                most,
            })
        }
        _ => Ok(()),
    }
}

/// Detector or guard.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Decides that a node or path failed.
    Detector,
    /// Changes what the protocol does with such a decision.
    Guard,
}

/// How a detector fares in one mode.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ModeCoverage {
    /// The verdict.
    pub verdict: Coverage,
    /// Why, in words.
    pub why: String,
}

/// Whether a detector sees a mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Coverage {
    /// It fires, and its decision matches what the network did.
    Detects,
    /// It sees some of it, or fires with the wrong picture.
    Partial,
    /// The mode keeps it from firing, or makes it fire wrongly.
    Masks,
    /// It cannot see the mode at all.
    Blind,
    /// (Guards) it limits the damage in this mode.
    Mitigates,
    /// (Guards) it changes nothing in this mode.
    None,
}

impl Coverage {
    /// How a detector with this coverage fares, as a verb phrase: "cannot see this mode".
    pub fn phrase(self) -> &'static str {
        match self {
            Coverage::Detects => "detects this mode",
            Coverage::Partial => "sees this mode only in part",
            Coverage::Masks => "is misled by this mode",
            Coverage::Blind => "cannot see this mode",
            Coverage::Mitigates => "limits the damage in this mode",
            Coverage::None => "changes nothing in this mode",
        }
    }

    /// The name used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Coverage::Detects => "detects",
            Coverage::Partial => "partial",
            Coverage::Masks => "masks",
            Coverage::Blind => "blind",
            Coverage::Mitigates => "mitigates",
            Coverage::None => "none",
        }
    }
}

/// One term of a lag formula: `coef × Π parameters`.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Term {
    /// The constant factor.
    pub coef: f64,
    /// The parameters multiplied (`log10_nodes` is log10 of the `nodes` parameter).
    pub of: Vec<String>,
}

/// Detection lag: sums of terms, in ms.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LagModel {
    /// Shortest lag.
    pub min_ms: Vec<Term>,
    /// Longest lag.
    pub max_ms: Vec<Term>,
    /// The formula in words.
    pub text: String,
}

/// A change that closes a gap.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Mitigation {
    /// The modes whose gap it closes.
    pub modes: Vec<Mode>,
    /// The change.
    pub change: String,
    /// Guards of the catalogue it consists of.
    pub guards: Vec<String>,
    /// Its false-positive cost.
    pub cost: String,
}

/// The whole catalogue, in a fixed order.
pub fn catalogue() -> &'static [Detector] {
    static CATALOGUE: OnceLock<Vec<Detector>> = OnceLock::new();
    CATALOGUE.get_or_init(|| {
        FILES
            .iter()
            .map(|(file, text)| {
                toml::from_str(text)
                    .unwrap_or_else(|e| panic!("built-in detector file {file} is invalid: {e}"))
            })
            .collect()
    })
}

/// The entry named `name` (or one of its aliases), case-insensitively.
pub fn find(name: &str) -> Option<&'static Detector> {
    let name = name.trim().to_ascii_lowercase();
    catalogue()
        .iter()
        .find(|d| d.name == name || d.aliases.contains(&name))
}

/// Names of the detectors (not the guards), for error messages.
pub fn names() -> Vec<&'static str> {
    catalogue()
        .iter()
        .filter(|d| d.kind == Kind::Detector)
        .map(|d| d.name.as_str())
        .collect()
}

/// Where the detector in use came from.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "from", rename_all = "snake_case")]
pub enum Source {
    /// Named on the command line.
    Flag,
    /// Named in `incident.toml`.
    IncidentToml,
    /// Inferred from what the logs say.
    Inferred {
        /// The file and line that gave it away.
        origin: String,
        /// What was read there.
        reason: String,
    },
}

impl Source {
    /// Where the detector was learnt of, in words: `named in incident.toml`.
    pub fn describe(&self) -> String {
        match self {
            Source::Flag => "named with --detector".to_owned(),
            Source::IncidentToml => "named in incident.toml".to_owned(),
            Source::Inferred { origin, reason } => format!("inferred from {origin} ({reason})"),
        }
    }
}

/// The detector in use: a catalogue entry with the incident's parameters and guards.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct InUse {
    /// The catalogue entry.
    #[serde(serialize_with = "by_name")]
    pub detector: &'static Detector,
    /// Parameters: the catalogue's defaults overridden by the incident's.
    pub parameters: BTreeMap<String, f64>,
    /// Guards in use.
    pub guards: Vec<String>,
    /// Where this came from.
    pub source: Source,
    /// For a detector the user named, where the parameters and guards the user left out came
    /// from when the export gave them (`config/lb-1.haproxy.cfg (inter 2000 ms, fall 3)`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub settings_from: Option<String>,
}

fn by_name<S: serde::Serializer>(d: &&'static Detector, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&d.name)
}

/// A detector setting that could not be used.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// The name is not in the catalogue.
    #[error(
        "unknown detector '{name}': known detectors are {known} (guards such as prevote go in incident.toml: [detector] guards = [..])"
    )]
    Unknown {
        /// The name given.
        name: String,
        /// The catalogue's names.
        known: String,
    },
    /// A setting has the wrong type or an unknown guard.
    #[error("[detector] {key}: {reason}")]
    Bad {
        /// The key.
        key: String,
        /// What is wrong with it.
        reason: String,
    },
}

impl InUse {
    /// The entry `name` with its default parameters.
    pub fn named(name: &str, source: Source) -> Result<Self, SettingsError> {
        let detector = find(name)
            .filter(|d| d.kind == Kind::Detector)
            .ok_or_else(|| SettingsError::Unknown {
                name: name.to_owned(),
                known: names().join(", "),
            })?;
        Ok(InUse {
            detector,
            parameters: detector.parameters.clone(),
            guards: Vec::new(),
            source,
            settings_from: None,
        })
    }

    /// Where the detector in use came from, in words, and where its settings came from when
    /// that was elsewhere.
    pub fn describe_source(&self) -> String {
        match &self.settings_from {
            Some(from) => format!("{}; its settings from {from}", self.source.describe()),
            None => self.source.describe(),
        }
    }

    /// Takes the settings the export gave for this detector (`found`, each system's) for the
    /// parameters and guards the user did not set (`user_set`: the parameter names and
    /// `guards` when given): a detector named on the command line or in `incident.toml` keeps
    /// the values the export states for it rather than the catalogue's defaults.
    pub fn fill_from(
        &mut self,
        found: &[rift_ingest::system::DetectorSettings],
        user_set: &[&str],
    ) {
        let Some(f) = found
            .iter()
            .find(|f| find(&f.detector).is_some_and(|d| std::ptr::eq(d, self.detector)))
        else {
            return;
        };
        let mut took = false;
        for (k, v) in &f.parameters {
            if !user_set.contains(&k.as_str()) && self.parameters.contains_key(k) {
                self.parameters.insert(k.clone(), *v);
                took = true;
            }
        }
        if !user_set.contains(&"guards") && !f.guards.is_empty() {
            for g in &f.guards {
                if !self.guards.contains(g) {
                    self.guards.push(g.clone());
                }
            }
            took = true;
        }
        if took {
            self.settings_from = Some(format!("{} ({})", f.origin, f.reason));
        }
    }

    /// Reads an `incident.toml` `[detector]` table: `name`, `guards = [..]`, and parameters.
    /// Returns `None` when the table names no detector.
    pub fn from_table(
        table: &BTreeMap<String, toml::Value>,
    ) -> Result<Option<Self>, SettingsError> {
        let Some(name) = table.get("name") else {
            return Ok(None);
        };
        let name = name.as_str().ok_or_else(|| SettingsError::Bad {
            key: "name".into(),
            reason: "must be a string".into(),
        })?;
        let mut inuse = InUse::named(name, Source::IncidentToml)?;
        for (key, value) in table {
            match key.as_str() {
                "name" => {}
                "guards" => {
                    let list = value.as_array().ok_or_else(|| SettingsError::Bad {
                        key: key.clone(),
                        reason: "must be a list of guard names".into(),
                    })?;
                    for g in list {
                        let g = g.as_str().and_then(find).filter(|d| d.kind == Kind::Guard);
                        let g = g.ok_or_else(|| SettingsError::Bad {
                            key: key.clone(),
                            reason: format!(
                                "unknown guard; known guards are {}",
                                catalogue()
                                    .iter()
                                    .filter(|d| d.kind == Kind::Guard)
                                    .map(|d| d.name.as_str())
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        })?;
                        inuse.guards.push(g.name.clone());
                    }
                }
                _ => {
                    let v = match value {
                        toml::Value::Integer(i) => *i as f64,
                        toml::Value::Float(f) => *f,
                        toml::Value::String(s) => rift_ingest::parse_duration(s)
                            .map(|ns| ns as f64 / 1e6)
                            .map_err(|e| SettingsError::Bad {
                                key: key.clone(),
                                reason: e.to_string(),
                            })?,
                        _ => {
                            return Err(SettingsError::Bad {
                                key: key.clone(),
                                reason: "must be a number or a duration such as \"500ms\"".into(),
                            });
                        }
                    };
                    inuse
                        .detector
                        .check_parameter(key, v)
                        .map_err(|e| SettingsError::Bad {
                            key: key.clone(),
                            reason: e.to_string(),
                        })?;
                    inuse.parameters.insert(key.clone(), v);
                }
            }
        }
        inuse.guards.sort();
        inuse.guards.dedup();
        Ok(Some(inuse))
    }

    /// Expected detection lag `(min, max)` in ms with these parameters; `None` for a guard
    /// without a lag of its own.
    pub fn expected_lag_ms(&self) -> Option<(f64, f64)> {
        let lag = &self.detector.lag;
        if lag.min_ms.is_empty() && lag.max_ms.is_empty() {
            return None;
        }
        let value = |p: &str| -> f64 {
            if p == "log10_nodes" {
                self.parameters
                    .get("nodes")
                    .copied()
                    .unwrap_or(1.0)
                    .max(1.0)
                    .log10()
            } else {
                self.parameters.get(p).copied().unwrap_or(0.0)
            }
        };
        let sum = |terms: &[Term]| -> f64 {
            terms
                .iter()
                .map(|t| t.coef * t.of.iter().map(|p| value(p)).product::<f64>())
                .sum::<f64>()
                .max(0.0)
        };
        Some((sum(&lag.min_ms), sum(&lag.max_ms)))
    }
}

impl SettingsError {
    /// Whose doing the error is: the detector settings come from the user (`incident.toml`,
    /// `--detector`).
    pub fn blame(&self) -> rift_ingest::Blame {
        rift_ingest::Blame::Input
    }
}

impl InUse {
    /// The detector in use: the one the user `named` (`--detector`), else the one the
    /// `[detector]` table of `incident.toml` names, else the one a system's log line gave
    /// (`from_logs`), else unknown.
    pub fn choose(
        named: Option<InUse>,
        table: &BTreeMap<String, toml::Value>,
        from_logs: Option<&rift_ingest::system::DetectorSettings>,
    ) -> Result<Option<InUse>, SettingsError> {
        if named.is_some() {
            return Ok(named);
        }
        Ok(InUse::from_table(table)?.or_else(|| from_logs.and_then(InUse::from_settings)))
    }

    /// The detector a system's log named, with the settings its line gave (read by ingest, see
    /// [`rift_ingest::system`]): the catalogue's defaults, overridden by the parameters read,
    /// and the guards on. `None` when the system names a detector the catalogue lacks.
    pub fn from_settings(settings: &rift_ingest::system::DetectorSettings) -> Option<Self> {
        let mut inuse = InUse::named(&settings.detector, Source::Flag).ok()?;
        inuse
            .parameters
            .extend(settings.parameters.iter().map(|(k, v)| (k.clone(), *v)));
        inuse.guards = settings.guards.clone();
        inuse.source = Source::Inferred {
            origin: settings.origin.clone(),
            reason: settings.reason.clone(),
        };
        Some(inuse)
    }
}
