//! `rift lab`: record a real cluster through a scenario's faults in network namespaces.

use std::io::Write;
use std::path::PathBuf;

use rift_lab::{BUILTIN, RunOptions, SYSTEMS};

use crate::args::VerdictArgs;

/// Record a real cluster of a real system through a scenario's faults, in Linux network
/// namespaces (needs root and the system's Debian packages: see `rift lab check`).
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, clap::Subcommand)]
pub(crate) enum Command {
    /// Start a cluster, put a workload and probes on it, apply the scenario's faults with the
    /// script `rift export --to iptables` writes, and write DIR/export/ (what an operator would
    /// export) and DIR/truth.json (the faults as applied).
    Run {
        /// A built-in scenario (`rift lab list`) or a scenario file.
        scenario: String,
        /// The system to run.
        #[arg(long, default_value = "etcd")]
        system: String,
        /// Where the recording goes; with --repeat, one folder per seed inside it (seed-S).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Members in the cluster.
        #[arg(long, default_value = "3", value_parser = super::count::<3, 20>)]
        nodes: usize,
        /// Vary which member plays each role and the faults' timing by this seed (without one
        /// the scenario runs as written).
        #[arg(long)]
        seed: Option<u64>,
        /// Record K times, with seeds S, S+1, … (S is --seed, or 1).
        #[arg(long, value_name = "K", default_value = "1", value_parser = super::count::<1, 100>)]
        repeat: usize,
        /// The mode of a scenario file's fault, written to truth.json (built-in scenarios know
        /// theirs).
        #[arg(long, value_parser = ["complete", "asymmetric", "partial", "gray", "flapping", "crash", "healthy"])]
        mode: Option<String>,
        /// Run the system as a variant of `rift replay --compare` names it, where it has the
        /// setting (etcd: current+prevote, current+election=500ms, current+heartbeat=50ms).
        #[arg(long, value_name = "VARIANT")]
        variant: Option<String>,
        /// Change one of the system's lab settings by its name (repeatable): KEY=VALUE, a
        /// setting in ms or s also as a duration (down_after_ms=5s).
        #[arg(long, value_name = "KEY=VALUE")]
        set: Vec<String>,
    },
    /// Say what a run of the system needs and whether this machine has it; prints the
    /// apt-get line for what is missing and installs nothing.
    Check {
        /// The system to check.
        #[arg(long, default_value = "etcd")]
        system: String,
    },
    /// Remove what an interrupted or killed run left behind: processes in the lab's network
    /// namespaces, its fault scripts, and the namespaces.
    Clean,
    /// List the built-in scenarios and the systems the lab runs.
    List,
    /// Classify a recording and replay it, and lay the real cluster's outcome (from its own
    /// logs and its client) beside the simulator's: who took leadership and when, how soon the
    /// cluster reacted, two leaders at once, terms, failed writes and the longest stretch
    /// without an acknowledged one.
    Compare {
        /// A recording of `rift lab run` (the folder with truth.json and export/).
        dir: PathBuf,
        /// The simulator's variants, as `rift replay --compare` takes them.
        #[arg(long, value_name = "LIST", default_value = "current")]
        compare: String,
        /// The seed of the simulator's random choices.
        #[arg(long, value_name = "N")]
        seed: Option<u64>,
        /// Print the comparison as JSON (schema rift.lab-compare/1).
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        verdict: VerdictArgs,
    },
}

pub(crate) fn run(args: &Args, out: &mut dyn Write) -> anyhow::Result<()> {
    match &args.command {
        Command::Run {
            scenario,
            system,
            out: dir,
            nodes,
            seed,
            repeat,
            mode,
            variant,
            set,
        } => {
            let seeds: Vec<Option<u64>> = if *repeat > 1 {
                let s = seed.unwrap_or(1);
                (0..*repeat as u64).map(|k| Some(s + k)).collect()
            } else {
                vec![*seed]
            };
            for s in seeds {
                let folder = match (s, *repeat > 1) {
                    (Some(s), true) => dir.join(format!("seed-{s}")),
                    _ => dir.clone(),
                };
                let opts = RunOptions {
                    system: system.clone(),
                    scenario: scenario.clone(),
                    out: folder.clone(),
                    nodes: *nodes,
                    seed: s,
                    mode: mode.clone(),
                    variant: variant.clone(),
                    set: set.clone(),
                };
                eprintln!(
                    "rift lab: recording {scenario} on {system} into {}",
                    folder.display()
                );
                let truth = rift_lab::record(&opts, &mut |line| eprintln!("  {line}"))?;
                writeln!(
                    out,
                    "{}: {} on {} ({} rules applied, leader before the fault {}); read it with: rift classify {}",
                    folder.display(),
                    truth.scenario,
                    truth.system,
                    truth.applied.len(),
                    truth.leader_at_injection.as_deref().unwrap_or("unknown"),
                    folder.join("export").display()
                )?;
            }
            Ok(())
        }
        Command::Check { system } => {
            let c = rift_lab::check(system)?;
            write!(out, "{c}")?;
            match c.error() {
                Some(e) => Err(e.into()),
                None => Ok(()),
            }
        }
        Command::Clean => {
            let done = rift_lab::clean()?;
            if done.is_empty() {
                writeln!(out, "nothing to clean")?;
            }
            for line in done {
                writeln!(out, "{line}")?;
            }
            Ok(())
        }
        Command::Compare {
            dir,
            compare,
            seed,
            json,
            verdict,
        } => super::lab_compare::run(dir, compare, *seed, *json, verdict, out),
        Command::List => {
            writeln!(out, "scenarios:")?;
            for b in BUILTIN {
                let (s, _, _) = rift_lab::find_scenario(b.name)?;
                writeln!(
                    out,
                    "  {:<18} {:<10} {}",
                    b.name,
                    b.mode,
                    s.description.unwrap_or_default()
                )?;
            }
            writeln!(out, "systems: {}", SYSTEMS.join(", "))?;
            Ok(())
        }
    }
}
