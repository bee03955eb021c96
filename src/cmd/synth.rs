//! `rift synth`: a scenario written as synthetic telemetry — an incident export in the formats
//! `rift ingest` reads — with the ground truth beside it.

use std::io::Write;
use std::path::PathBuf;

use clap::Parser;
use rift_classify::Mode;
use rift_replay::synth::{MODES, Service, SynthOptions, random_scenario, synth_with};
use rift_replay::{Scenario, Seed};

use super::UsageError;
use super::replay::{DEFAULT_SEED, load_scenario};
use crate::args::VerdictArgs;

/// Write a scenario as synthetic telemetry in the formats rift reads, with the ground truth
/// beside it.
///
/// OUT/export gets counters, health, client and probe tables, etcd logs, members.csv and
/// incident.toml; OUT/truth.json the faults; OUT/scenario.toml the scenario as run. The same
/// scenario and seed give the same bytes.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// A scenario file (.toml), `corpus:ID` for a corpus entry's sketch, an incident export
    /// folder (its inferred timeline), or `random:MODE:N` for the round-trip tests' random
    /// scenario N of a mode.
    pub(crate) scenario: String,
    /// The output folder; the export goes in OUT/export, the truth in OUT/truth.json.
    #[arg(long, value_name = "OUT")]
    pub(crate) out: PathBuf,
    /// The seed of every random choice; printed with the result [default: the scenario's, else 1].
    #[arg(long, value_name = "N")]
    pub(crate) seed: Option<u64>,
    /// The mode the scenario is meant to show (complete, asymmetric, partial, gray, flapping),
    /// recorded in truth.json.
    #[arg(long, value_name = "MODE", value_parser = network_mode)]
    pub(crate) mode: Option<String>,
    /// How members answer the client's requests and health checks.
    #[arg(long, value_enum, default_value = "etcd")]
    pub(crate) service: ServiceArg,
    /// Replace OUT/export when it is not empty.
    #[arg(long)]
    pub(crate) force: bool,
}

/// How members answer, for `--service`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum ServiceArg {
    /// As etcd does: a member with no leader, or whose leader has no quorum, answers /health with
    /// 503 and lets requests time out.
    Etcd,
    /// Whenever the request and the answer get through: the tables show the network alone.
    Network,
}

impl From<ServiceArg> for Service {
    fn from(s: ServiceArg) -> Self {
        match s {
            ServiceArg::Etcd => Service::Etcd,
            ServiceArg::Network => Service::Network,
        }
    }
}

fn network_mode(s: &str) -> Result<String, String> {
    match s.parse::<Mode>() {
        Ok(m) if m.is_network() => Ok(m.as_str().to_owned()),
        _ => Err(format!(
            "unknown mode '{s}': use complete, asymmetric, partial, gray or flapping"
        )),
    }
}

/// The default classification settings, for a SCENARIO that is an incident folder.
fn default_verdict_args() -> VerdictArgs {
    #[derive(Parser)]
    struct Defaults {
        #[command(flatten)]
        verdict: VerdictArgs,
    }
    Defaults::parse_from(["rift"]).verdict
}

/// `random:MODE:N`: the round-trip tests' scenario.
fn random(spec: &str) -> Result<Scenario, UsageError> {
    let bad = || {
        UsageError(format!(
            "'random:{spec}' is not a random scenario: write random:MODE:N with MODE one of {} and N a number",
            MODES.join(", ")
        ))
    };
    let (mode, n) = spec.split_once(':').ok_or_else(bad)?;
    let n: u64 = n.parse().map_err(|_| bad())?;
    if !MODES.contains(&mode) {
        return Err(bad());
    }
    Ok(random_scenario(mode, n))
}

pub(crate) fn run(args: &Args, out: &mut dyn Write) -> anyhow::Result<()> {
    let scenario = match args.scenario.strip_prefix("random:") {
        Some(spec) => random(spec)?,
        None => load_scenario(&args.scenario, None, &default_verdict_args())?,
    };
    let seed = Seed(args.seed.or(scenario.seed).unwrap_or(DEFAULT_SEED));
    let opts = SynthOptions {
        mode: args.mode.clone(),
        force: args.force,
        service: args.service.into(),
        origin: args.scenario.clone(),
    };
    let report = synth_with(&scenario, seed, &args.out, &opts).map_err(|e| match e {
        rift_replay::Error::Io { ref source, .. }
            if source.kind() == std::io::ErrorKind::AlreadyExists =>
        {
            anyhow::Error::new(UsageError(e.to_string()))
        }
        // Failing to write the output is not the input's fault (exit 1).
        rift_replay::Error::Io { .. } => anyhow::anyhow!("{e}"),
        e => e.into(),
    })?;
    writeln!(
        out,
        "synthesised '{}' with seed {}",
        scenario.name.as_deref().unwrap_or("unnamed scenario"),
        seed.0
    )?;
    let paths: Vec<String> = report
        .files
        .iter()
        .map(|f| args.out.join(&f.path).display().to_string())
        .collect();
    let width = paths.iter().map(String::len).max().unwrap_or(0);
    for (path, f) in paths.iter().zip(&report.files) {
        match f.rows {
            Some(n) if path.ends_with(".log") => writeln!(out, "  {path:<width$}  {n:>7} lines")?,
            Some(n) => writeln!(out, "  {path:<width$}  {n:>7} rows")?,
            None => writeln!(out, "  {path}")?,
        }
    }
    writeln!(
        out,
        "{} role changes from the simulator; classify it with: rift classify {}",
        report.role_changes,
        report.export.display()
    )?;
    Ok(())
}
