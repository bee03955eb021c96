//! `rift graph`: infer the directional reachability timeline and export it.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use rift_ingest::model::{Channel, Event};
use rift_ingest::system::DetectorSettings;
use rift_ingest::{
    Accounting, DurationError, IncidentFolder, Invariants, ReadOptions, parse_duration, parse_ts,
};
use rift_reach::export::{Exporter, View, dot::Dot, json::Json, matrix::Matrix, text::Text};
use rift_reach::{Thresholds, Timeline, TimelineBuilder, Trail, WindowIdx};

use super::{NoEvidence, UsageError};
use crate::progress::Bar;

/// Output formats of `rift graph`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// Summary of every period when a direction was not up.
    Text,
    /// The whole timeline, schema `rift.timeline/1`.
    Json,
    /// Graphviz digraph of one window (`--at`, else the first faulty window).
    Dot,
    /// src × dst grid per channel, at `--at` or at every change.
    Matrix,
}

/// Infer the directional reachability timeline of an incident export.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The incident export folder.
    pub(crate) dir: PathBuf,
    #[command(flatten)]
    pub(crate) timeline: TimelineArgs,
    /// Only this channel.
    #[arg(long, value_parser = channel)]
    pub(crate) channel: Option<Channel>,
    /// One moment: an RFC 3339 time, a time of day on the incident's first day (03:00:10), or an
    /// offset from the start (+20s).
    #[arg(long, value_name = "TIME")]
    pub(crate) at: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub(crate) format: Format,
}

/// How observations become a timeline; shared by the commands that build one.
/// The highest `--max-nodes`: a hundred times the default, past which the pairs of nodes alone
/// (10^12) outgrow any timeline.
const MAX_NODES_LIMIT: usize = 1_000_000;

#[derive(Debug, clap::Args)]
pub(crate) struct TimelineArgs {
    /// Window length (e.g. 1s, 500ms, 1m).
    #[arg(long, default_value = "1s", value_parser = duration)]
    pub(crate) window: i64,
    /// How long a direction without new evidence keeps its last state.
    #[arg(long, default_value = "5s", value_parser = duration_or_zero)]
    pub(crate) fill: i64,
    /// Delivery at or above which a direction is up.
    #[arg(long, default_value_t = 0.9)]
    pub(crate) up: f64,
    /// Delivery at or below which a direction is down (lossy between).
    #[arg(long, default_value_t = 0.1)]
    pub(crate) down: f64,
    #[command(flatten)]
    pub(crate) logs: LogArgs,
}

/// How an export is read; shared by every command that reads one.
#[derive(Debug, clap::Args)]
pub(crate) struct LogArgs {
    /// Read every log file with this profile instead of sniffing each file's first lines
    /// (`rift profiles` lists them).
    #[arg(long, value_name = "NAME")]
    pub(crate) log_profile: Option<String>,
    /// Add log profiles from a TOML file (repeatable); a profile with a built-in name replaces it.
    #[arg(long = "profiles", value_name = "FILE")]
    pub(crate) profiles: Vec<PathBuf>,
    /// Stop with an error when the export names more distinct nodes than this (a column that
    /// is not a node name read as one would otherwise exhaust memory).
    #[arg(
        long,
        value_name = "N",
        default_value_t = rift_ingest::DEFAULT_MAX_NODES,
        value_parser = super::count::<1, MAX_NODES_LIMIT>
    )]
    pub(crate) max_nodes: usize,
    /// Also read files that symbolic links in the export lead to outside it, and settings
    /// files incident.toml names outside it (off: such links are listed as not read).
    #[arg(long)]
    pub(crate) follow_symlinks: bool,
}

impl LogArgs {
    /// The read options these flags ask for.
    pub(crate) fn read_options(&self) -> ReadOptions {
        ReadOptions {
            log_profile: self.log_profile.clone(),
            profiles: self.profiles.clone(),
            max_nodes: self.max_nodes,
            follow_links_outside: self.follow_symlinks,
            ..ReadOptions::default()
        }
    }
}

pub(crate) fn duration(s: &str) -> Result<i64, DurationError> {
    parse_duration(s)
}

pub(crate) fn duration_or_zero(s: &str) -> Result<i64, DurationError> {
    if s.trim().trim_end_matches(|c: char| c.is_ascii_alphabetic()) == "0" {
        Ok(0)
    } else {
        parse_duration(s)
    }
}

fn channel(s: &str) -> Result<Channel, String> {
    s.parse()
}

/// Resolves `--at` against the timeline.
fn window_at(t: &Timeline, at: &str) -> Result<WindowIdx, UsageError> {
    let at = at.trim();
    let ts = if let Some(offset) = at.strip_prefix('+') {
        parse_duration(offset)
            .map(|d| t.epoch_ns + d)
            .map_err(|e| UsageError(e.to_string()))?
    } else if let Some(ts) = parse_ts(at) {
        ts
    } else {
        let day = rift_ingest::format_ts(t.epoch_ns)[..10].to_owned();
        parse_ts(&format!("{day}T{at}Z")).ok_or_else(|| {
            UsageError(format!(
                "invalid --at '{at}': use an RFC 3339 time, a time of day (03:00:10) or +20s"
            ))
        })?
    };
    t.window_of(ts).ok_or_else(|| {
        UsageError(format!(
            "--at {at} is outside the incident ({} – {})",
            rift_ingest::format_ts(t.epoch_ns),
            rift_ingest::format_ts(t.window_start(WindowIdx(t.windows)))
        ))
    })
}

/// What reading an export gave: the timeline, its trail, the export's events, what became of
/// every input line, and the invariants its metrics carry.
pub(crate) struct Built {
    pub(crate) export: IncidentFolder,
    pub(crate) timeline: Timeline,
    pub(crate) trail: Trail,
    pub(crate) events: Vec<Event>,
    pub(crate) accounting: Accounting,
    pub(crate) invariants: Invariants,
    /// The detector settings a system's log gave.
    pub(crate) detector: Option<DetectorSettings>,
}

/// Reads the export at `dir` into a timeline.
pub(crate) fn build(dir: &Path, args: &TimelineArgs) -> anyhow::Result<Built> {
    if !(0.0..=1.0).contains(&args.down) || !(0.0..=1.0).contains(&args.up) || args.down >= args.up
    {
        return Err(UsageError(format!(
            "invalid thresholds --down {} --up {}: need 0 ≤ down < up ≤ 1",
            args.down, args.up
        ))
        .into());
    }
    let export = IncidentFolder::open(dir, &args.logs.read_options())?;
    let mut builder = TimelineBuilder::new()
        .window_ns(args.window)
        .fill_ns(args.fill)
        .thresholds(Thresholds {
            up: args.up,
            down: args.down,
        });
    let bar = Bar::new();
    // The timeline's own error (a span beyond its limits) reaches the caller whole, as the
    // source of the read's error, so that it counts as the input's fault.
    let report = export
        .stream(&bar, &mut |df| Ok(builder.add(&df)?))
        .with_context(|| format!("reading '{}'", dir.display()))?;
    let (timeline, trail) = builder.finish_traced();
    if timeline.windows == 0 {
        return Err(NoEvidence(dir.display().to_string()).into());
    }
    Ok(Built {
        export,
        timeline,
        trail,
        events: report.event_rows,
        accounting: report.accounting,
        invariants: report.invariants,
        detector: report.detector,
    })
}

pub(crate) fn run(args: &Args, out: &mut dyn Write) -> anyhow::Result<()> {
    let timeline = build(&args.dir, &args.timeline)?.timeline;
    let at = args
        .at
        .as_deref()
        .map(|a| window_at(&timeline, a))
        .transpose()?;
    let view = View {
        channel: args.channel,
        at,
    };
    let exporter: &dyn Exporter = match args.format {
        Format::Text => &Text,
        Format::Json => &Json,
        Format::Dot => &Dot,
        Format::Matrix => &Matrix,
    };
    exporter.write(&timeline, &view, out)?;
    Ok(())
}
