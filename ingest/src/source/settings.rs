//! A system's configuration files (`sentinel.conf`, `keepalived.conf`, `zoo.cfg`, etcd's YAML):
//! the failure detector's settings they set. Each system's data file names its files and the
//! lines that set each setting (`[[config]]`); a file named after a node (`n1.sentinel.conf`)
//! sets that node's, one that names none (`sentinel.conf`) every node's.
//!
//! They are read before the logs because a log line's timeout can follow from them: a
//! sentinel's `+sdown` comes `down-after-milliseconds` after the last reply, a VRRP backup's
//! timeout three adverts and a skew after the last advert. What a node's own log states wins
//! over its file.

use std::collections::BTreeMap;

use crate::accounting::SkipReason;
use crate::config::SourceKind;
use crate::error::Error;
use crate::input::{self, Line, Lines};
use crate::source::{Candidate, Reading, Source};
use crate::system::{self, DetectorSettings, Origin, System};

/// Configuration files.
pub(crate) struct Settings;

/// Most bytes of a configuration file rift reads: 1 MiB, as for its own settings files.
const MAX_BYTES: u64 = input::MAX_CONFIG_BYTES;

impl Source for Settings {
    fn kinds(&self) -> &'static [SourceKind] {
        &[SourceKind::Settings]
    }

    fn by_name(&self, file: &Candidate<'_>) -> Option<SourceKind> {
        which(file.name).map(|_| SourceKind::Settings)
    }

    fn read(&self, files: &[usize], reading: &mut Reading<'_>) -> Result<(), Error> {
        for &i in files {
            let f = &reading.files[i];
            reading.progress.file(&f.rel);
            let name = input::logical_name(&f.path);
            let fixed = reading.spec(i).and_then(|s| s.node.clone());
            let acc = &mut reading.accounts[i];
            let Some((sys, config, named)) = which(&name) else {
                let lines = input::count_lines(&f.path, reading.progress)?;
                acc.rows_read = lines;
                acc.skip_n(SkipReason::NoReader, lines, 1, || {
                    "no built-in system names a configuration file so; name the file as its system does (sentinel.conf, keepalived.conf, zoo.cfg, etcd.conf.yml)".to_owned()
                });
                continue;
            };
            if f.size > MAX_BYTES {
                acc.notes.push(format!(
                    "not read: a configuration file of {} bytes is larger than rift reads ({} bytes)",
                    input::thousands(f.size),
                    input::thousands(MAX_BYTES)
                ));
                continue;
            }
            // A node incident.toml names wins over the one in the file's name.
            let node = fixed.or(named);
            let mut lines = Lines::new(input::open(&f.path, reading.progress)?);
            let mut set = Vec::new();
            loop {
                let n = lines.lines() + 1;
                let text = match lines.next_line().map_err(|e| Error::io(&f.path, e))? {
                    None => break,
                    Some(Line::TooLong) => {
                        acc.rows_read += 1;
                        acc.skip(SkipReason::TooLong, n, || "a line over 1 MiB".to_owned());
                        continue;
                    }
                    Some(Line::Text(t)) => t,
                };
                acc.rows_read += 1;
                let Ok(text) = std::str::from_utf8(text) else {
                    acc.skip(SkipReason::InvalidUtf8, n, || {
                        "the line is not UTF-8".to_owned()
                    });
                    continue;
                };
                let trimmed = text.trim();
                if trimmed.is_empty() {
                    acc.skip(SkipReason::Blank, n, String::new);
                    continue;
                }
                if trimmed.starts_with(['#', ';', '!']) || trimmed.starts_with("//") {
                    acc.skip(SkipReason::Comment, n, String::new);
                    continue;
                }
                // A line may set several (HAProxy's `server app1 10.0.0.1:80 check inter 2s
                // fall 3 rise 2`): each setting at most once, by the first key that reads it.
                let mut found: Vec<(&str, f64)> = Vec::new();
                for k in &config.set {
                    let Some(v) = k
                        .line_regex
                        .as_ref()
                        .and_then(|r| r.captures(text))
                        .and_then(|c| c.name("value")?.as_str().parse::<f64>().ok())
                        .map(|v| v * k.scale)
                        .filter(|v| v.is_finite())
                    else {
                        continue;
                    };
                    if !found.iter().any(|(name, _)| *name == k.remembered) {
                        found.push((&k.remembered, v));
                    }
                }
                match found.is_empty() {
                    false => {
                        acc.rows_used += 1;
                        for (name, v) in found {
                            set.push((name.to_owned(), v, n));
                        }
                    }
                    true => acc.skip(
                        SkipReason::NotUsed(format!(
                            "a setting of {} that is not one of its failure detector's",
                            sys.name
                        )),
                        n,
                        || crate::inert::clip(trimmed).to_string(),
                    ),
                }
            }
            acc.notes.push(format!(
                "read as {}'s configuration{}: {}",
                sys.name,
                match &node {
                    Some(n) => format!(" of node {n}"),
                    None => " of every node (its name names none)".to_owned(),
                },
                if set.is_empty() {
                    "it sets none of the failure detector's settings".to_owned()
                } else {
                    let said: Vec<String> =
                        set.iter().map(|(k, v, _)| format!("{k} = {v}")).collect();
                    said.join(", ")
                }
            ));
            for (name, value, line) in set {
                let origin = Origin {
                    rel: f.rel.clone(),
                    line,
                };
                reading
                    .configured
                    .set(sys, node.as_deref(), name, value, origin);
            }
        }
        Ok(())
    }
}

/// The system whose configuration file a file named `name` is, the file's entry, and the node
/// the name gives.
fn which(name: &str) -> Option<(&'static System, &'static system::ConfigFile, Option<String>)> {
    system::builtin().ok()?.iter().find_map(|s| {
        let (c, node) = s.config_file(name)?;
        Some((s, c, node))
    })
}

/// One setting as a file set it.
#[derive(Clone, Debug)]
struct Set {
    value: f64,
    origin: Origin,
}

/// The settings the export's configuration files set, by system and node.
#[derive(Debug, Default)]
pub(crate) struct Configured {
    /// By system name, then node (`None`: every node), then setting.
    by_system: BTreeMap<String, BTreeMap<Option<String>, BTreeMap<String, Set>>>,
    /// The systems, by name.
    systems: BTreeMap<String, &'static System>,
}

impl Configured {
    fn set(
        &mut self,
        system: &'static System,
        node: Option<&str>,
        name: String,
        value: f64,
        origin: Origin,
    ) {
        self.systems.insert(system.name.clone(), system);
        // A setting given twice in one file: the later line is the one the system uses.
        self.by_system
            .entry(system.name.clone())
            .or_default()
            .entry(node.map(str::to_owned))
            .or_default()
            .insert(name, Set { value, origin });
    }

    /// Whether no file set anything.
    pub(crate) fn is_empty(&self) -> bool {
        self.by_system.is_empty()
    }

    /// The value of setting `name` for `node` (as its log file's name or envelope names it):
    /// its own file's, else the one every node shares.
    pub(crate) fn value(&self, node: &str, name: &str) -> Option<f64> {
        self.by_system.values().find_map(|nodes| {
            nodes
                .get(&Some(node.to_owned()))
                .and_then(|s| s.get(name))
                .or_else(|| nodes.get(&None).and_then(|s| s.get(name)))
                .map(|s| s.value)
        })
    }

    /// The systems the files set something for, by name.
    pub(crate) fn systems(&self) -> impl Iterator<Item = &'static System> + '_ {
        self.systems.values().copied()
    }

    /// The detector's settings the files set for `system` (the one the logs are of; without
    /// logs, the first system configured): the shared file's, filled in from the nodes' own.
    pub(crate) fn detector(&self, system: Option<&System>) -> Option<DetectorSettings> {
        let name = match system {
            Some(s) => s.name.as_str(),
            None => self.by_system.keys().next()?,
        };
        let sys = self.systems.get(name)?;
        let nodes = self.by_system.get(name)?;
        let mut found: BTreeMap<String, (f64, Origin)> = BTreeMap::new();
        for sets in nodes.values() {
            for (k, s) in sets {
                found
                    .entry(k.clone())
                    .or_insert_with(|| (s.value, s.origin.clone()));
            }
        }
        sys.settings_stated(&found, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configuration_files_are_known_by_their_system_names() {
        let (s, _, node) = which("n2.sentinel.conf").unwrap();
        assert_eq!((s.name.as_str(), node.as_deref()), ("redis", Some("n2")));
        let (s, _, node) = which("keepalived.conf").unwrap();
        assert_eq!((s.name.as_str(), node), ("keepalived", None));
        let (s, _, _) = which("zoo.cfg").unwrap();
        assert_eq!(s.name, "zookeeper");
        assert!(which("n1.log").is_none());
        assert!(which("notes.conf").is_none());
    }
}
