//! Writing a synthetic export: the checks on the output folder, the simulator run the logs come
//! from, every format, and the truth beside the export.

use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::Error;
use crate::rng::Seed;
use crate::scenario::{Flow, Scenario};
use crate::sim::Sim;
use crate::synth::config::Config;
use crate::synth::counters::Counters;
use crate::synth::format::{Format, Out};
use crate::synth::logs::Logs;
use crate::synth::members::Members;
use crate::synth::probes::{CLIENT, HEALTH, PROBE};
use crate::synth::service::Service;
use crate::synth::truth::Truth;
use crate::synth::world::World;
use crate::variant::Variant;
use crate::work;

/// The wall clock of t = 0 when the scenario has no `epoch`, so that output never depends on
/// when it was made.
pub const DEFAULT_EPOCH: &str = "2026-01-01T00:00:00Z";

/// Settings of [`synth_with`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SynthOptions {
    /// The mode the scenario is meant to show, written to `truth.json` as `mode`.
    pub mode: Option<String>,
    /// Replace a non-empty `OUT/export` (it is removed first) instead of refusing.
    pub force: bool,
    /// How members answer requests and health checks.
    pub service: Service,
    /// Where the scenario came from (its file, as given), named in errors; the scenario's name
    /// when empty.
    pub origin: String,
}

/// One file written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SynthFile {
    /// Path relative to the output folder (`export/counters.csv`, `truth.json`).
    pub path: PathBuf,
    /// Data rows (CSV rows without the header, log lines); `None` for `incident.toml`,
    /// `scenario.toml` and `truth.json`.
    pub rows: Option<usize>,
    /// Size in bytes.
    pub bytes: usize,
}

/// What [`synth`] wrote.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SynthReport {
    /// The seed used.
    pub seed: Seed,
    /// The export folder (`OUT/export`).
    pub export: PathBuf,
    /// The ground truth (`OUT/truth.json`).
    pub truth: PathBuf,
    /// Every file, export files first (sorted by path), then `scenario.toml` and `truth.json`.
    pub files: Vec<SynthFile>,
    /// Role changes the simulator logged, over all members.
    pub role_changes: usize,
}

/// Writes `scenario` as an incident export in `out/export/`, its ground truth in
/// `out/truth.json` and the scenario itself in `out/scenario.toml`, every random choice drawn
/// from `seed`.
///
/// Fails with [`Error::Io`] naming the path when a folder cannot be made or a file cannot be
/// written, or when `out/export` exists and is not empty (see [`synth_with`] to replace it),
/// with [`Error::Scenario`] when the scenario's `epoch` is not an RFC 3339 time, and with
/// [`Error::Budget`] if the simulation runs away.
pub fn synth(scenario: &Scenario, seed: Seed, out: &Path) -> Result<SynthReport, Error> {
    synth_with(scenario, seed, out, &SynthOptions::default())
}

/// [`synth`] with options: the mode for the truth, and whether to replace an existing export.
#[expect(
    clippy::expect_used,
    reason = "a constant epoch and a truth document built here"
)]
pub fn synth_with(
    scenario: &Scenario,
    seed: Seed,
    out: &Path,
    opts: &SynthOptions,
) -> Result<SynthReport, Error> {
    let origin = if opts.origin.is_empty() {
        scenario
            .name
            .clone()
            .unwrap_or_else(|| "the scenario".to_owned())
    } else {
        opts.origin.clone()
    };
    let refuse = |message: String| Error::Scenario {
        origin: origin.clone(),
        line: None,
        message,
    };
    let epoch_ns = match &scenario.epoch {
        None => rift_ingest::parse_ts(DEFAULT_EPOCH).expect("the default epoch is an RFC 3339 time"),
        Some(text) => scenario.epoch_ns().ok_or_else(|| refuse(format!("epoch = \"{text}\" is not a time: write an RFC 3339 time such as \"{DEFAULT_EPOCH}\"")))?,
    };
    // What it would write and simulate is counted before the output folder is touched.
    let flows = if scenario
        .phases
        .iter()
        .any(|p| matches!(p.flow, Some(Flow::Raft | Flow::Gossip)))
    {
        2
    } else {
        1
    };
    work::check_synth(scenario, flows)
        .and_then(|()| work::check_variant(scenario, &Variant::current()))
        .map_err(|e| refuse(e.to_string()))?;
    let export = out.join("export");
    // Nothing is written until every output has its place: the export folder, and the two
    // files beside it, none of them through a link.
    let (scenario_path, truth_path) = (out.join("scenario.toml"), out.join("truth.json"));
    prepare(&export, opts.force)?;
    for path in [&scenario_path, &truth_path] {
        clear(path, opts.force)?;
    }
    create_dir(out)?;
    std::fs::create_dir(&export).map_err(|source| Error::Io {
        path: export.clone(),
        source,
    })?;
    let outcome = Sim::new(scenario, &Variant::current(), seed).run()?;
    let role_changes = outcome.roles.len();
    let world = World::new(scenario, seed, epoch_ns, outcome.roles, opts.service);

    let formats: [&dyn Format; 7] = [
        &Config, &Members, &Counters, &HEALTH, &CLIENT, &PROBE, &Logs,
    ];
    let mut written = Out::new(&export, Path::new("export"));
    for f in formats {
        f.write(&world, &mut written)?;
    }
    let mut files = written.files;
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let truth = Truth::of(&world, opts.mode.as_deref());
    let mut json = serde_json::to_string_pretty(&truth).expect("the truth always serialises");
    json.push('\n');
    // The scenario as run, so that `rift replay OUT/scenario.toml --seed N` shows the same run.
    let toml = scenario.to_toml();
    for (name, text) in [("scenario.toml", &toml), ("truth.json", &json)] {
        write(&out.join(name), text.as_bytes())?;
        files.push(SynthFile {
            path: PathBuf::from(name),
            rows: None,
            bytes: text.len(),
        });
    }
    Ok(SynthReport {
        seed,
        export,
        truth: truth_path,
        files,
        role_changes,
    })
}

fn create_dir(dir: &Path) -> Result<(), Error> {
    std::fs::create_dir_all(dir).map_err(|source| Error::Io {
        path: dir.to_owned(),
        source,
    })
}

/// Writes a new file: one that exists already, or a link left where it goes, is an error rather
/// than written through.
fn write(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .and_then(|mut f| f.write_all(bytes))
        .map_err(|source| Error::Io {
            path: path.to_owned(),
            source,
        })
}

/// `AlreadyExists` with what to do: the error `rift synth` shows as a wrong command line.
fn taken(path: &Path, what: &str) -> Error {
    Error::Io {
        path: path.to_owned(),
        source: io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("{what}: choose another output folder, or pass --force to replace it"),
        ),
    }
}

/// Makes room for the file `path`: refuses anything already there unless `force`, which removes
/// it (a link itself, never what it points to).
fn clear(path: &Path, force: bool) -> Result<(), Error> {
    let io_err = |source| Error::Io {
        path: path.to_owned(),
        source,
    };
    match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(io_err(e)),
        Ok(_) if !force => Err(taken(path, "already exists")),
        Ok(meta) if meta.is_dir() => std::fs::remove_dir_all(path).map_err(io_err),
        Ok(_) => std::fs::remove_file(path).map_err(io_err),
    }
}

/// Leaves no `export` or an empty folder: refuses a non-empty one, or a link in its place,
/// unless `force`, which removes it (a link itself, never what it points to).
fn prepare(export: &Path, force: bool) -> Result<(), Error> {
    let io_err = |source| Error::Io {
        path: export.to_owned(),
        source,
    };
    let meta = match std::fs::symlink_metadata(export) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io_err(e)),
    };
    if !meta.is_dir() {
        return clear(export, force).map_err(|e| match e {
            Error::Io { source, .. } if source.kind() == io::ErrorKind::AlreadyExists => {
                taken(export, "the export folder's place holds a link or a file")
            }
            e => e,
        });
    }
    let mut entries = std::fs::read_dir(export).map_err(io_err)?;
    if entries.next().is_none() {
        return std::fs::remove_dir(export).map_err(io_err);
    }
    if !force {
        return Err(taken(export, "the export folder is not empty"));
    }
    std::fs::remove_dir_all(export).map_err(io_err)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCENARIO: &str = include_str!("../../scenarios/n1-cannot-hear.toml");

    fn read_all(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
        let mut out = Vec::new();
        let mut stack = vec![dir.to_owned()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else {
                    out.push((
                        p.strip_prefix(dir).unwrap().to_owned(),
                        std::fs::read(&p).unwrap(),
                    ));
                }
            }
        }
        out.sort();
        out
    }

    #[test]
    fn synth_same_seed_gives_byte_identical_files() {
        let s = Scenario::parse(SCENARIO, "s.toml").unwrap();
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let ra = synth(&s, Seed(7), a.path()).unwrap();
        synth(&s, Seed(7), b.path()).unwrap();
        let (fa, fb) = (read_all(a.path()), read_all(b.path()));
        assert_eq!(fa.len(), ra.files.len());
        assert_eq!(fa, fb);
        let c = tempfile::tempdir().unwrap();
        synth(&s, Seed(8), c.path()).unwrap();
        assert_ne!(fa, read_all(c.path()));
    }

    #[test]
    fn synth_writes_the_export_and_the_truth_beside_it() {
        let s = Scenario::parse(SCENARIO, "s.toml").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let opts = SynthOptions {
            mode: Some("asymmetric".into()),
            ..SynthOptions::default()
        };
        let r = synth_with(&s, Seed(1), dir.path(), &opts).unwrap();
        let names: Vec<String> = r
            .files
            .iter()
            .map(|f| f.path.display().to_string())
            .collect();
        assert_eq!(
            names,
            [
                "export/client.csv",
                "export/counters.csv",
                "export/health.csv",
                "export/incident.toml",
                "export/logs/n1.log",
                "export/logs/n2.log",
                "export/logs/n3.log",
                "export/members.csv",
                "export/probe.csv",
                "scenario.toml",
                "truth.json"
            ]
        );
        // 3 members × 2 peers × 40 s.
        assert_eq!(r.files[1].rows, Some(240));
        let truth: Truth =
            serde_json::from_slice(&std::fs::read(dir.path().join("truth.json")).unwrap()).unwrap();
        assert_eq!(truth.mode.as_deref(), Some("asymmetric"));
        assert_eq!(truth.start.as_deref(), Some("2026-01-01T00:00:10.000Z"));
        assert_eq!(truth.affected_edges, [["n2", "n1"], ["n3", "n1"]]);
        assert!(!dir.path().join("export/truth.json").exists());
    }

    #[test]
    fn synth_counts_the_cut_direction_only() {
        let s = Scenario::parse(SCENARIO, "s.toml").unwrap();
        let dir = tempfile::tempdir().unwrap();
        synth(&s, Seed(1), dir.path()).unwrap();
        let text = std::fs::read_to_string(dir.path().join("export/counters.csv")).unwrap();
        // n1's row at 00:00:15: it sends to n2 and hears nothing back.
        assert!(
            text.contains("2026-01-01T00:00:15.000Z,n1,n2,heartbeat,10,0\n"),
            "{text}"
        );
        assert!(
            text.contains("2026-01-01T00:00:15.000Z,n2,n1,heartbeat,10,10\n"),
            "{text}"
        );
        assert!(
            text.contains("2026-01-01T00:00:05.000Z,n1,n2,heartbeat,10,10\n"),
            "{text}"
        );
    }

    #[test]
    fn synth_refuses_a_non_empty_export_unless_forced() {
        let s = Scenario::parse(SCENARIO, "s.toml").unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("export")).unwrap();
        std::fs::write(dir.path().join("export/stale.csv"), "x\n").unwrap();
        let e = synth(&s, Seed(1), dir.path()).unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("export") && msg.contains("--force"), "{msg}");
        let opts = SynthOptions {
            force: true,
            ..SynthOptions::default()
        };
        synth_with(&s, Seed(1), dir.path(), &opts).unwrap();
        assert!(!dir.path().join("export/stale.csv").exists());
    }

    #[cfg(unix)]
    #[test]
    fn synth_never_writes_through_a_link_and_replaces_only_with_force() {
        use std::os::unix::fs::symlink;
        let s = Scenario::parse(SCENARIO, "s.toml").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "keep\n").unwrap();
        let victims = dir.path().join("victims");
        std::fs::create_dir(&victims).unwrap();
        std::fs::write(victims.join("f"), "keep\n").unwrap();
        let out = dir.path().join("out");
        std::fs::create_dir(&out).unwrap();
        for (name, target) in [("truth.json", &victim), ("export", &victims)] {
            let link = out.join(name);
            symlink(target, &link).unwrap();
            let e = synth(&s, Seed(1), &out).unwrap_err();
            let msg = e.to_string();
            assert!(
                matches!(&e, Error::Io { source, .. } if source.kind() == io::ErrorKind::AlreadyExists)
                    && msg.contains(name)
                    && msg.contains("--force"),
                "{msg}"
            );
            let force = SynthOptions {
                force: true,
                ..SynthOptions::default()
            };
            synth_with(&s, Seed(1), &out, &force).unwrap();
            assert!(
                !std::fs::symlink_metadata(&link).unwrap().is_symlink(),
                "{name}"
            );
            std::fs::remove_dir_all(&out).unwrap();
            std::fs::create_dir(&out).unwrap();
        }
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep\n");
        assert_eq!(
            std::fs::read_to_string(victims.join("f")).unwrap(),
            "keep\n"
        );
        // A dangling link is refused too.
        symlink(dir.path().join("nowhere"), out.join("scenario.toml")).unwrap();
        assert!(synth(&s, Seed(1), &out).is_err());
        assert!(!dir.path().join("nowhere").exists());
    }

    #[test]
    fn synth_refuses_existing_output_files_unless_forced() {
        let s = Scenario::parse(SCENARIO, "s.toml").unwrap();
        let dir = tempfile::tempdir().unwrap();
        synth(&s, Seed(1), dir.path()).unwrap();
        std::fs::remove_dir_all(dir.path().join("export")).unwrap();
        // truth.json and scenario.toml of the last run are still there.
        let msg = synth(&s, Seed(1), dir.path()).unwrap_err().to_string();
        assert!(
            msg.contains("scenario.toml: already exists") && msg.contains("--force"),
            "{msg}"
        );
        assert!(
            !dir.path().join("export").exists(),
            "nothing is written when refused"
        );
    }

    #[test]
    fn host_names_that_start_a_formula_are_neutralised_and_numbers_stay_numbers() {
        let text = SCENARIO
            .replace(
                "[\"n1\", \"n2\", \"n3\"]",
                "[\"=HYPERLINK(1)\", \"-5\", \"n3\"]",
            )
            .replace("leader = \"n1\"", "leader = \"-5\"")
            .replace("[\"n2->n1\", \"n3->n1\"]", "[\"n3->-5\"]");
        let s = Scenario::parse(&text, "s.toml").unwrap();
        let dir = tempfile::tempdir().unwrap();
        synth(&s, Seed(1), dir.path()).unwrap();
        for file in ["counters.csv", "health.csv", "members.csv"] {
            let text = std::fs::read_to_string(dir.path().join("export").join(file)).unwrap();
            for line in text.lines().skip(1) {
                let cells: Vec<&str> = line.split(',').collect();
                assert!(
                    !cells.iter().any(|c| c.starts_with(['=', '+', '@', '-'])),
                    "{file}: {line}"
                );
            }
            assert!(
                text.contains(",'-5,") || text.starts_with("name") && text.contains("\n'-5,"),
                "{file}: {text}"
            );
        }
        let counters = std::fs::read_to_string(dir.path().join("export/counters.csv")).unwrap();
        assert!(
            counters.contains("'=HYPERLINK(1),'-5,heartbeat,10,10\n"),
            "{counters}"
        );
    }

    #[test]
    fn synth_names_the_path_it_cannot_write() {
        let s = Scenario::parse(SCENARIO, "s.toml").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("not-a-dir");
        std::fs::write(&file, "x").unwrap();
        let e = synth(&s, Seed(1), &file).unwrap_err();
        assert!(matches!(e, Error::Io { .. }), "{e:?}");
        assert!(e.to_string().contains("not-a-dir"), "{e}");
    }
}
