//! rift-classify: the third stage of the pipeline (`ingest → reach → classify → replay → reports`).
//!
//! It reads a [`Timeline`] and says what the network did — complete, asymmetric, partial, gray
//! or flapping — when, between whom and on what evidence; it tells a crashed node and a healthy
//! period apart from a partition; and it compares the finding with the model of the failure
//! detector in use ([`detector`], [`gap`]). [`classify`] gives the [`Classification`];
//! [`Verdict::new`] adds the gap analysis, and [`text::render`] shows it as `rift classify` does.
//!
//! ```
//! use rift_classify::detector::{InUse, Source};
//! use rift_classify::gap::GapKind;
//! use rift_classify::{Mode, Options, Verdict, classify, text};
//! use rift_ingest::model::Channel;
//! use rift_reach::EdgeState;
//! use rift_reach::synthetic::{mesh, names, timeline};
//!
//! // Three nodes for a minute; from second 20 to 40 nothing n0 sends arrives, while n0 still
//! // hears the others.
//! let nodes = names(3);
//! let edges = mesh(&nodes, Channel::Heartbeat, 60, |src, _dst, w| {
//!     if src == 0 && (20..40).contains(&w) { EdgeState::Down } else { EdgeState::Up }
//! });
//! let classification = classify(&timeline(nodes, edges, 60), None, &[], &Options::default());
//! assert_eq!(classification.primary, Mode::Asymmetric);
//! let headline = text::headline(&classification.episodes[0]);
//! assert_eq!(headline, "asymmetric: n0 is not heard by n1, n2");
//!
//! // Raft assumes that a link works both ways or not at all: a one-way cut is a design gap.
//! let raft = InUse::named("raft", Source::Flag)?;
//! let verdict = Verdict::new(None, classification, Some(raft), &[]);
//! assert_eq!(verdict.gaps[0].gap, GapKind::Design);
//! print!("{}", text::render(&verdict));
//! # Ok::<(), rift_classify::detector::SettingsError>(())
//! ```
//!
//! # The rules
//!
//! The timeline is cut wherever any series changes. In each span with a fault, the rules run in
//! this order, each consuming the pair faults it explains:
//!
//! 1. **crash** — a node that reports rows elsewhere in the incident reports nothing in the span
//!    while others do; its faults are the crash (`restarted` if a restart event follows).
//! 2. **refused** — round trips whose run began with the target's host answering (refusing
//!    the connection, or an error status from its health endpoint): the path worked; a crash of
//!    the process when a refusing target logged nothing in the span, else a service that
//!    stopped serving (explained, with a note).
//! 3. **partial / per-flow** — some flows of a pair are down while others are up.
//! 4. **gray / health-passes-data-fails** — a pair fails on `data` or `probe` while `health` or
//!    `heartbeat` is up for the same pair; the gray node is the pair's server.
//! 5. **asymmetric** — one direction down, the other measured up, on the same channel.
//! 6. **partial / non-transitive** — a↮b on a channel where some c reaches both.
//! 7. **complete** — the nodes split into components joined only by pairs that are down on every
//!    measured channel; every component but the largest is cut off.
//! 8. **gray / observers-disagree** — a↮b inside one component while both a and b reach other
//!    nodes on that channel, and no third node proves transitivity; the gray node is the one
//!    that does not report, where the trail tells.
//! 9. what is left: lossy faults are **partial / lossy**; a pair down on one channel and up on
//!    another is **partial / per-flow**; a one-way fault whose reverse is not measured is
//!    **asymmetric**; a pair down while both stay connected is **partial / non-transitive**.
//!
//! Findings of one mode that share a node and follow each other within the merge gap form an
//! episode. A pair **flaps** when at least 3 down phases (each ≥ 2 s, separated by up phases
//! ≥ 2 s, or shorter ones whose evidence shows them up beyond doubt) start within 60 s ([`FlapRule`]); the flapping episode absorbs the episodes it
//! explains and keeps what they were as its subtype (`complete`, `asymmetric`, `partial`).
//! Episodes shorter than the minimum duration (3 s) are listed as transients.
//!
//! **Primary mode**: the network mode with the most edge-seconds (failing directed edges ×
//! seconds; an edge failing both ways counts twice), ties broken by severity: complete,
//! asymmetric, flapping, gray, partial. The other modes present are secondary, by edge-seconds.
//! A crash is primary only when no network mode is present; with no episode the incident is
//! healthy.

// Input decides nothing here by panicking: a value that may be missing is an error or a
// skipped row, never an `unwrap` (tests may unwrap; clippy.toml allows it there).
#![deny(clippy::unwrap_used, clippy::expect_used)]

pub mod detector;
mod engine;
mod episode;
pub mod gap;
mod mode;
mod onset;
mod options;
mod rules;
pub mod text;

use rift_ingest::model::{Channel, Event, NodeId};
use rift_reach::{Timeline, Trail};
use serde::Serialize;

pub use episode::{EdgeDirection, Episode, EpisodeEdge, EvidenceRow, Flaps, Transient};
pub use mode::{Mode, Subtype};
pub use options::{FlapRule, Options};

/// The verdict on an incident.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Classification {
    /// The primary mode (`healthy` when there is no episode).
    pub primary: Mode,
    /// The other modes present, by edge-seconds.
    pub secondary: Vec<Mode>,
    /// Edge-seconds per mode present, in the order of the primary-mode rule.
    pub scores: Vec<ModeScore>,
    /// The episodes, in time order.
    pub episodes: Vec<Episode>,
    /// Findings shorter than the minimum duration.
    pub transients: Vec<Transient>,
    /// Nodes of the timeline.
    pub nodes: Vec<NodeId>,
    /// Channels of the timeline.
    pub channels: Vec<Channel>,
    /// Start of the timeline (RFC 3339).
    pub start: String,
    /// End of the timeline (RFC 3339).
    pub end: String,
    /// Window length, ms.
    pub window_ms: f64,
}

/// The edge-seconds of one mode.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ModeScore {
    /// The mode.
    pub mode: Mode,
    /// Sum of its episodes' edge-seconds.
    pub edge_seconds: f64,
    /// Its episodes.
    pub episodes: usize,
}

impl Classification {
    /// True if there is at least one network episode.
    pub fn is_incident(&self) -> bool {
        self.episodes.iter().any(|e| e.mode.is_network())
    }
}

/// Classifies `timeline`. The `trail` (from [`rift_reach::TimelineBuilder::finish_traced`])
/// gives the evidence rows and tells crashes apart; `events` with kind `restart` mark restarts.
pub fn classify(
    timeline: &Timeline,
    trail: Option<&Trail>,
    events: &[Event],
    options: &Options,
) -> Classification {
    let mut found = engine::episodes(timeline, trail, events, options);
    onset::join(
        &mut found.episodes,
        events,
        options.merge_gap_ns,
        options.echo_gap_ns,
        timeline.window_ns,
    );
    engine::split_transients(&mut found, options.min_duration_ns, timeline.window_ns);
    let mut scores: Vec<ModeScore> = Vec::new();
    for mode in Mode::ALL {
        let eps: Vec<&Episode> = found.episodes.iter().filter(|e| e.mode == mode).collect();
        if !eps.is_empty() {
            scores.push(ModeScore {
                mode,
                edge_seconds: eps.iter().map(|e| e.edge_seconds).sum(),
                episodes: eps.len(),
            });
        }
    }
    // Stable sort: equal edge-seconds keep severity order.
    scores.sort_by(|a, b| {
        b.mode
            .is_network()
            .cmp(&a.mode.is_network())
            .then(b.edge_seconds.total_cmp(&a.edge_seconds))
    });
    let primary = scores.first().map_or(Mode::Healthy, |s| s.mode);
    let secondary = scores.iter().skip(1).map(|s| s.mode).collect();
    let end = timeline.window_start(rift_reach::WindowIdx(timeline.windows));
    Classification {
        primary,
        secondary,
        scores,
        episodes: found.episodes,
        transients: found.transients,
        nodes: timeline.nodes.clone(),
        channels: timeline.channels(),
        start: rift_ingest::format_ts(timeline.epoch_ns),
        end: rift_ingest::format_ts(end),
        window_ms: timeline.window_ns as f64 / 1e6,
    }
}

/// The JSON schema name of [`Verdict`].
pub const SCHEMA: &str = "rift.verdict/1";

/// Everything `rift classify` says: the classification, the detector in use and the gap
/// analysis.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Verdict {
    /// Always [`SCHEMA`].
    pub schema: &'static str,
    /// The incident's title, from `incident.toml`.
    pub title: Option<String>,
    /// The classification.
    #[serde(flatten)]
    pub classification: Classification,
    /// The detector in use, if named or inferred.
    pub detector: Option<detector::InUse>,
    /// One entry per network episode, when a detector is known.
    pub gaps: Vec<gap::Gap>,
}

impl Verdict {
    /// Classifies, then runs the gap analysis against `detector`.
    pub fn new(
        title: Option<String>,
        classification: Classification,
        detector: Option<detector::InUse>,
        events: &[Event],
    ) -> Self {
        let gaps = detector
            .as_ref()
            .map(|d| gap::analyse(&classification.episodes, d, events))
            .unwrap_or_default();
        Verdict {
            schema: SCHEMA,
            title,
            classification,
            detector,
            gaps,
        }
    }
}
