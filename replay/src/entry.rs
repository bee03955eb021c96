//! Where a detector model finds the words a variant may name it by and its parameters: its entry
//! in the detector catalogue (`classify/detectors/`), or, for a model the catalogue does not
//! describe (`timeout`), an entry of the same shape in `replay/models/`.
//!
//! A variant starts with an entry's name or any of its aliases, so naming a model another way is
//! an edit of its TOML. A parameter the variant does not set takes the entry's default; there
//! is no other default in Rust.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use rift_classify::detector::{self, Detector, ParameterError};
use serde::Deserialize;

use crate::scenario::Protocol;

/// The entries of the models the catalogue does not describe, by file.
const FILES: [(&str, &str); 1] = [("timeout.toml", include_str!("../models/timeout.toml"))];

/// An entry of `replay/models/`: the part of a catalogue entry that replay reads.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct OwnEntry {
    /// The model's name, in variants and in parameter errors.
    name: String,
    /// Other words a variant may start with.
    aliases: Vec<String>,
    /// The default of each parameter.
    parameters: BTreeMap<String, ParameterDefault>,
    /// What rift accepts for each parameter, `[least, most]`.
    ranges: BTreeMap<String, [f64; 2]>,
}

/// The default of a parameter of an entry of `replay/models/`.
#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(untagged)]
enum ParameterDefault {
    /// A number, as in the catalogue.
    Value(f64),
    /// The scenario's value of one of its `[protocol]` settings, in ms.
    Setting(Setting),
}

/// A `[protocol]` setting of the scenario that a default may name.
#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Setting {
    /// The leader's heartbeat interval.
    Heartbeat,
    /// The (least) election timeout.
    ElectionTimeout,
}

/// The entries of `replay/models/`, in a fixed order.
fn own() -> &'static [OwnEntry] {
    static OWN: OnceLock<Vec<OwnEntry>> = OnceLock::new();
    OWN.get_or_init(|| {
        FILES
            .iter()
            .map(|(file, text)| {
                toml::from_str(text)
                    .unwrap_or_else(|e| panic!("built-in model file {file} is invalid: {e}"))
            })
            .collect()
    })
}

/// A detector model's entry.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Entry {
    /// An entry of the detector catalogue.
    Catalogue(&'static Detector),
    /// An entry of `replay/models/`.
    Own(&'static OwnEntry),
}

/// The entry `word` names (its name or one of its aliases, case-insensitively): the catalogue's
/// first, then those of `replay/models/`. The catalogue's guards and the `raft` entry are found
/// too; they are entries of no model.
pub(crate) fn find(word: &str) -> Option<Entry> {
    detector::find(word).map(Entry::Catalogue).or_else(|| {
        let word = word.trim().to_ascii_lowercase();
        own()
            .iter()
            .find(|e| e.name == word || e.aliases.contains(&word))
            .map(Entry::Own)
    })
}

impl Entry {
    /// The entry's name.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Entry::Catalogue(d) => &d.name,
            Entry::Own(e) => &e.name,
        }
    }

    /// The words a variant may start with to name it: the name, then the aliases.
    #[cfg(test)]
    pub(crate) fn words(self) -> Vec<&'static str> {
        let (name, aliases) = match self {
            Entry::Catalogue(d) => (&d.name, &d.aliases),
            Entry::Own(e) => (&e.name, &e.aliases),
        };
        std::iter::once(name)
            .chain(aliases)
            .map(String::as_str)
            .collect()
    }

    /// Checks `value` for the parameter `key`: one of the entry's parameters, finite, and within
    /// its range.
    pub(crate) fn check_parameter(self, key: &str, value: f64) -> Result<(), ParameterError> {
        let e = match self {
            Entry::Catalogue(d) => return d.check_parameter(key, value),
            Entry::Own(e) => e,
        };
        if !e.parameters.contains_key(key) {
            let known: Vec<&str> = e.parameters.keys().map(String::as_str).collect();
            return Err(ParameterError::Unknown {
                detector: e.name.clone(),
                known: known.join(", "),
            });
        }
        detector::check_range(&e.name, value, e.ranges.get(key).copied())
    }

    /// The default of the parameter `key` for a scenario with the settings `protocol` (times in
    /// ms); `None` when the entry has no such parameter.
    pub(crate) fn default(self, key: &str, protocol: &Protocol) -> Option<f64> {
        let default = match self {
            Entry::Catalogue(d) => return d.parameters.get(key).copied(),
            Entry::Own(e) => *e.parameters.get(key)?,
        };
        let ms = |us: u64| us as f64 / 1000.0;
        Some(match default {
            ParameterDefault::Value(x) => x,
            ParameterDefault::Setting(Setting::Heartbeat) => ms(protocol.heartbeat.us()),
            ParameterDefault::Setting(Setting::ElectionTimeout) => {
                ms(protocol.election_timeout.us())
            }
        })
    }
}
