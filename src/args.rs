//! The flags several commands share (how an incident folder is read, how its timeline is built,
//! how it becomes a verdict), and the pipeline settings they ask for.

use std::path::PathBuf;

use rift_classify::FlapRule;
use rift_classify::detector::{InUse, Source};
use rift_ingest::{DurationError, ReadOptions, parse_duration};
use rift_pipeline::{TimelineSettings, VerdictSettings};
use rift_reach::Thresholds;

use crate::cmd::UsageError;

/// The highest `--max-nodes`: a hundred times the default, past which the pairs of nodes alone
/// (10^12) outgrow any timeline.
const MAX_NODES_LIMIT: usize = 1_000_000;

/// How observations become a timeline; shared by the commands that build one.
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
        value_parser = crate::cmd::count::<1, MAX_NODES_LIMIT>
    )]
    pub(crate) max_nodes: usize,
    /// Also read files that symbolic links in the export lead to outside it, and settings
    /// files incident.toml names outside it (off: such links are listed as not read).
    #[arg(long)]
    pub(crate) follow_symlinks: bool,
    /// The year of log times that name none (syslog, klog, Redis before 5); wins over
    /// incident.toml's `[logs] year` and over the year rift infers from the export.
    #[arg(long, value_name = "YYYY", value_parser = clap::value_parser!(i32).range(1970..=9999))]
    pub(crate) year: Option<i32>,
    /// The date of log times that name only the time of day (logback's HH:mm:ss.SSS); wins
    /// over incident.toml's `[logs] date`.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = rift_ingest::check_date)]
    pub(crate) date: Option<String>,
    /// The IANA time zone of log times that name none (Europe/Berlin, America/New_York); wins
    /// over incident.toml's `[logs] timezone`, not over a `[[source]]`'s own.
    #[arg(long, value_name = "ZONE", value_parser = rift_ingest::check_zone)]
    pub(crate) timezone: Option<String>,
}

impl LogArgs {
    /// The read options these flags ask for.
    pub(crate) fn read_options(&self) -> ReadOptions {
        ReadOptions {
            log_profile: self.log_profile.clone(),
            profiles: self.profiles.clone(),
            max_nodes: self.max_nodes,
            follow_links_outside: self.follow_symlinks,
            year: self.year,
            date: self.date.clone(),
            timezone: self.timezone.clone(),
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

impl TimelineArgs {
    /// The pipeline settings these flags ask for.
    pub(crate) fn settings(&self) -> Result<TimelineSettings, UsageError> {
        let thresholds = Thresholds::new(self.up, self.down).map_err(|e| {
            UsageError(format!(
                "invalid thresholds --down {} --up {}: {e}",
                self.down, self.up
            ))
        })?;
        Ok(TimelineSettings {
            read: self.logs.read_options(),
            window_ns: self.window,
            fill_ns: self.fill,
            thresholds,
        })
    }
}

/// How an incident is turned into a verdict (shared with `rift replay`).
#[derive(Debug, clap::Args)]
pub(crate) struct VerdictArgs {
    /// The failure detector in use (raft, phi-accrual, swim, sentinel, vrrp, zab, lb-health,
    /// bidirectional-probes, data-plane-probes). Overrides incident.toml and what the logs say.
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

impl VerdictArgs {
    /// The pipeline settings these flags ask for.
    pub(crate) fn settings(&self) -> Result<VerdictSettings, UsageError> {
        let detector = self
            .detector
            .as_deref()
            .map(|name| InUse::named(name, Source::Flag))
            .transpose()
            .map_err(|e| UsageError(format!("--detector: {e}")))?;
        Ok(VerdictSettings {
            timeline: self.timeline.settings()?,
            detector,
            classify: rift_classify::Options {
                min_duration_ns: self.min_duration,
                merge_gap_ns: self.merge_gap,
                flap: FlapRule {
                    cycles: self.flap_cycles,
                    window_ns: self.flap_window,
                    min_dwell_ns: self.flap_dwell,
                },
                echo_gap_ns: self.echo_gap,
            },
        })
    }
}
