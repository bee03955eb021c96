//! The fault matrix the lab records: replay scenario files under `lab/scenarios/`, each with the
//! mode its fault is (what `rift classify` should answer).

use std::path::Path;

use rift_replay::Scenario;

use crate::error::LabError;

/// A scenario shipped with rift.
#[derive(Clone, Copy, Debug)]
pub struct BuiltinScenario {
    /// Its name, as `rift lab run` takes it.
    pub name: &'static str,
    /// The mode of the fault it injects.
    pub mode: &'static str,
    /// The scenario file.
    pub text: &'static str,
}

macro_rules! builtin {
    ($($name:literal => $mode:literal),* $(,)?) => {
        &[$(BuiltinScenario {
            name: $name,
            mode: $mode,
            text: include_str!(concat!("../scenarios/", $name, ".toml")),
        }),*]
    };
}

/// The scenarios shipped with rift, in the order `rift lab list` shows them.
pub const BUILTIN: &[BuiltinScenario] = builtin![
    "complete-leader" => "complete",
    "complete-follower" => "complete",
    "asym-leader-mute" => "asymmetric",
    "asym-leader-deaf" => "asymmetric",
    "one-way-link" => "asymmetric",
    "partial-followers" => "partial",
    "lossy-leader" => "partial",
    "gray-leader" => "gray",
    "flapping-leader" => "flapping",
    "crash-leader" => "crash",
    "healthy" => "healthy",
];

/// A built-in scenario by name, or a scenario file by path: the scenario, its mode where known,
/// and where it came from.
pub fn find_scenario(name: &str) -> Result<(Scenario, Option<String>, String), LabError> {
    if let Some(b) = BUILTIN.iter().find(|b| b.name == name) {
        let s = Scenario::parse(b.text, &format!("lab/scenarios/{name}.toml")).map_err(|e| {
            LabError::Scenario {
                origin: name.to_owned(),
                reason: e.to_string(),
            }
        })?;
        return Ok((s, Some(b.mode.to_owned()), name.to_owned()));
    }
    let path = Path::new(name);
    if path.is_file() {
        let s = Scenario::load(path).map_err(|e| LabError::Scenario {
            origin: name.to_owned(),
            reason: e.to_string(),
        })?;
        return Ok((s, None, name.to_owned()));
    }
    Err(LabError::UnknownScenario {
        name: name.to_owned(),
        known: BUILTIN
            .iter()
            .map(|b| b.name)
            .collect::<Vec<_>>()
            .join(", "),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_scenario_parses_and_checks() {
        for b in BUILTIN {
            let (s, mode, _) = find_scenario(b.name).unwrap();
            s.check().unwrap_or_else(|e| panic!("{}: {e}", b.name));
            assert_eq!(s.name.as_deref(), Some(b.name));
            assert_eq!(mode.as_deref(), Some(b.mode));
            assert_eq!(s.cluster.leader.as_deref(), Some("n1"), "{}", b.name);
        }
    }
}
