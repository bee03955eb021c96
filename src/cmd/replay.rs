//! `rift replay`: an incident's inferred timeline, a scenario file or a corpus sketch, run in the
//! deterministic cluster simulator under one or more variants.

use std::io::Write;
use std::path::PathBuf;

use rift_pipeline::ReplayInput;
use rift_replay::{Comparison, Scenario, Seed, Variant, compare};

use super::UsageError;
use crate::args::VerdictArgs;
use crate::progress::Bar;

/// The seed used when neither `--seed` nor the scenario gives one.
pub(crate) const DEFAULT_SEED: u64 = 1;

/// Replay an incident, a scenario file or a corpus sketch in the deterministic cluster simulator,
/// and compare detectors and guards on the same timeline.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// An incident export folder, a scenario file (.toml), or `corpus:ID` for a corpus entry's
    /// sketch.
    pub(crate) input: String,
    /// Variants to run side by side, comma-separated: `current` (the incident's own settings),
    /// `raft` (textbook Raft), guards added with `+` (prevote, checkquorum, lease, local-reads,
    /// fencing, w1), settings as `+election=500ms`, or a detector model beside the cluster
    /// (timeout, phi, swim, bidi, probes, lb).
    #[arg(long, value_name = "LIST", default_value = "current")]
    pub(crate) compare: String,
    /// The seed of every random choice; printed with the result [default: the scenario's, else 1].
    #[arg(long, value_name = "N")]
    pub(crate) seed: Option<u64>,
    /// Print the comparison as JSON (schema rift.replay/1).
    #[arg(long)]
    pub(crate) json: bool,
    /// Print the scenario that would be replayed, as a scenario file, and stop.
    #[arg(long)]
    pub(crate) print_scenario: bool,
    /// Also list every role change of each variant.
    #[arg(long)]
    pub(crate) roles: bool,
    /// The corpus entries folder, for `corpus:ID` (default: the corpus shipped with rift).
    #[arg(long, value_name = "DIR")]
    pub(crate) entries: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) verdict: VerdictArgs,
}

/// Loads what `input` names: a corpus sketch, a scenario file, or an incident folder.
pub(crate) fn load_scenario(
    input: &str,
    entries: Option<PathBuf>,
    verdict_args: &VerdictArgs,
) -> anyhow::Result<Scenario> {
    Ok(match ReplayInput::parse(input)? {
        ReplayInput::Sketch(id) => rift_pipeline::sketch(&crate::entries::load(entries)?, &id)?,
        ReplayInput::Scenario(path) => Scenario::load(&path)?,
        ReplayInput::Incident(dir) => {
            let settings = verdict_args.settings()?;
            let (incident, verdict) = rift_pipeline::verdict(&dir, &settings, &Bar::new())?;
            rift_pipeline::scenario_of_incident(&incident, &verdict)?
        }
    })
}

pub(crate) fn run(args: &Args, out: &mut dyn Write) -> anyhow::Result<()> {
    let variants =
        Variant::parse_list(&args.compare).map_err(|e| UsageError(format!("--compare: {e}")))?;
    if variants.is_empty() {
        return Err(UsageError("--compare: name at least one variant, e.g. current".into()).into());
    }
    let scenario = load_scenario(&args.input, args.entries.clone(), &args.verdict)?;
    if args.print_scenario {
        out.write_all(scenario.to_toml().as_bytes())?;
        return Ok(());
    }
    let seed = Seed(args.seed.or(scenario.seed).unwrap_or(DEFAULT_SEED));
    let result: Comparison = compare(&scenario, &variants, seed).map_err(|e| {
        // A variant that asks for too much is named with the flag that asked for it.
        let named = matches!(e, rift_replay::Error::TooMuchWork { .. });
        let e = anyhow::Error::new(e);
        if named { e.context("--compare") } else { e }
    })?;
    if args.json {
        serde_json::to_writer_pretty(&mut *out, &result)?;
        writeln!(out)?;
        return Ok(());
    }
    out.write_all(result.to_text().as_bytes())?;
    if args.roles {
        for v in &result.variants {
            writeln!(out, "\nrole changes under {}:", v.outcome.variant)?;
            for r in &v.outcome.roles {
                writeln!(
                    out,
                    "  {:>9.3} s  {:<8} {:<13} term {:<4} {}{}",
                    r.t,
                    r.node,
                    r.role.as_str(),
                    r.term,
                    r.reason,
                    r.leader
                        .as_ref()
                        .map(|l| format!(" (leader {l})"))
                        .unwrap_or_default()
                )?;
            }
        }
    }
    Ok(())
}
