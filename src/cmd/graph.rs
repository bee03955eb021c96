//! `rift graph`: infer the directional reachability timeline and export it.

use std::io::Write;
use std::path::PathBuf;

use rift_ingest::model::Channel;
use rift_ingest::{MomentError, parse_moment};
use rift_reach::format::{
    Format as TimelineFormat, View, dot::Dot, json::Json, matrix::Matrix, text::Text,
};
use rift_reach::{Timeline, WindowIdx};

use super::UsageError;
use crate::args::TimelineArgs;
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

fn channel(s: &str) -> Result<Channel, String> {
    s.parse()
}

/// Resolves `--at` against the timeline.
fn window_at(t: &Timeline, at: &str) -> Result<WindowIdx, UsageError> {
    let at = at.trim();
    let ts = parse_moment(at, t.epoch_ns).map_err(|e| match e {
        MomentError::Offset(e) => UsageError(e.to_string()),
        _ => UsageError(format!(
            "invalid --at '{at}': use an RFC 3339 time, a time of day (03:00:10) or +20s"
        )),
    })?;
    t.window_of(ts).ok_or_else(|| {
        UsageError(format!(
            "--at {at} is outside the incident ({} – {})",
            rift_ingest::format_ts(t.epoch_ns),
            rift_ingest::format_ts(t.window_start(WindowIdx(t.windows)))
        ))
    })
}

pub(crate) fn run(args: &Args, out: &mut dyn Write) -> anyhow::Result<()> {
    let settings = args.timeline.settings()?;
    let timeline = rift_pipeline::timeline(&args.dir, &settings, &Bar::new())?.timeline;
    let at = args
        .at
        .as_deref()
        .map(|a| window_at(&timeline, a))
        .transpose()?;
    let view = View {
        channel: args.channel,
        at,
    };
    let format: &dyn TimelineFormat = match args.format {
        Format::Text => &Text,
        Format::Json => &Json,
        Format::Dot => &Dot,
        Format::Matrix => &Matrix,
    };
    format.write(&timeline, &view, out)?;
    Ok(())
}
