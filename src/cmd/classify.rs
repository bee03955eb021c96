//! `rift classify`: the verdict on an incident and the detector gap analysis.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use rift_classify::detector::{InUse, Source};
use rift_classify::{FlapRule, Options, Verdict, classify, text};

use super::UsageError;
use super::graph::{Built, TimelineArgs, build, duration, duration_or_zero};

/// Classify an incident export and compare it with the failure detector in use.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The incident export folder.
    pub(crate) dir: PathBuf,
    /// Print the verdict as JSON (schema rift.verdict/1).
    #[arg(long)]
    pub(crate) json: bool,
    #[command(flatten)]
    pub(crate) verdict: VerdictArgs,
}

/// How an incident is turned into a verdict (shared with `rift replay`).
#[derive(Debug, clap::Args)]
pub(crate) struct VerdictArgs {
    /// The failure detector in use (raft, phi-accrual, swim, lb-health, bidirectional-probes,
    /// data-plane-probes). Overrides incident.toml and what the logs say.
    #[arg(long, value_name = "NAME")]
    pub(crate) detector: Option<String>,
    #[command(flatten)]
    pub(crate) timeline: TimelineArgs,
    /// Findings shorter than this are listed as transients.
    #[arg(long, default_value = "3s", value_parser = duration_or_zero)]
    pub(crate) min_duration: i64,
    /// Findings of one kind closer than this are one episode.
    #[arg(long, default_value = "2s", value_parser = duration_or_zero)]
    pub(crate) merge_gap: i64,
    /// Flapping: down phases needed within --flap-window.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(2..))]
    pub(crate) flap_cycles: u32,
    /// Flapping: the sliding window.
    #[arg(long, default_value = "60s", value_parser = duration)]
    pub(crate) flap_window: i64,
    /// Flapping: shortest down or up phase that counts.
    #[arg(long, default_value = "2s", value_parser = duration)]
    pub(crate) flap_dwell: i64,
    /// A cut is one-way when one direction kept delivering at least this much longer than the
    /// other (read from stream read timeouts in the logs); `0` turns the rule off.
    #[arg(long, default_value = "250ms", value_parser = duration_or_zero)]
    pub(crate) echo_gap: i64,
}

/// Reads the incident in `dir`, classifies it and runs the gap analysis.
pub(crate) fn verdict(dir: &Path, args: &VerdictArgs) -> anyhow::Result<(Built, Verdict)> {
    let flag = args
        .detector
        .as_deref()
        .map(|name| InUse::named(name, Source::Flag))
        .transpose()
        .map_err(|e| UsageError(format!("--detector: {e}")))?;
    let built = build(dir, &args.timeline)?;
    let config = built.export.config();
    let detector = match flag {
        Some(d) => Some(d),
        None => match InUse::from_table(&config.detector)
            .with_context(|| format!("{}", dir.join("incident.toml").display()))?
        {
            Some(d) => Some(d),
            None => built.detector.as_ref().and_then(InUse::from_settings),
        },
    };
    let options = Options {
        min_duration_ns: args.min_duration,
        merge_gap_ns: args.merge_gap,
        flap: FlapRule {
            cycles: args.flap_cycles,
            window_ns: args.flap_window,
            min_dwell_ns: args.flap_dwell,
        },
        echo_gap_ns: args.echo_gap,
    };
    let classification = classify(&built.timeline, Some(&built.trail), &built.events, &options);
    let title = config
        .incident
        .get("title")
        .and_then(|t| t.as_str())
        .map(str::to_owned);
    let verdict = Verdict::new(title, classification, detector, &built.events);
    Ok((built, verdict))
}

pub(crate) fn run(args: &Args, out: &mut dyn Write) -> anyhow::Result<()> {
    let (_, verdict) = verdict(&args.dir, &args.verdict)?;
    if args.json {
        serde_json::to_writer_pretty(&mut *out, &verdict)?;
        writeln!(out)?;
    } else {
        out.write_all(text::render(&verdict).as_bytes())?;
    }
    Ok(())
}
