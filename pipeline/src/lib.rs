//! rift-pipeline: the stages behind one entry point. An incident folder becomes a timeline
//! ([`timeline`]: ingest → reach), the timeline a verdict with the detector in use
//! ([`verdict`]: → classify), the verdict a scenario to replay ([`ReplayInput`],
//! [`scenario_of_incident`]: → replay), and the verdict a list of similar public incidents
//! ([`similar`]: → corpus); [`events`] lists what the nodes logged and concluded. The `rift`
//! commands call these and print what they return.
//!
//! ```no_run
//! use rift_pipeline::{VerdictSettings, verdict};
//!
//! let dir = std::path::Path::new("examples/asymmetric-leader");
//! let (incident, verdict) = verdict(dir, &VerdictSettings::default(), &rift_ingest::NoProgress)?;
//! println!("{} windows", incident.timeline.windows);
//! print!("{}", rift_classify::text::render(&verdict));
//! # Ok::<(), rift_pipeline::Error>(())
//! ```

#![deny(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rift_classify::detector::{InUse, SettingsError};
use rift_classify::{Options, Verdict, classify};
use rift_corpus::{Corpus, CorpusIndex};
use rift_ingest::model::Event;
pub use rift_ingest::origin_file;
use rift_ingest::system::DetectorSettings;
use rift_ingest::{
    Accounting, Blame, IncidentFolder, Invariants, Progress, ReadOptions, SourceKind,
};
use rift_reach::{Thresholds, Timeline, TimelineBuilder, Trail};
use rift_replay::{Scenario, scenario_from_incident};
use rift_reports::Similar;
use serde::Serialize;

/// How an incident folder is read into a timeline.
#[derive(Clone, Debug)]
pub struct TimelineSettings {
    /// How the folder is read.
    pub read: ReadOptions,
    /// Window length, ns.
    pub window_ns: i64,
    /// How long a direction without new evidence keeps its last state, ns.
    pub fill_ns: i64,
    /// Delivery thresholds of up and down.
    pub thresholds: Thresholds,
}

impl Default for TimelineSettings {
    /// The settings `rift` uses without flags: 1 s windows, 5 s fill, up at 0.9, down at 0.1.
    fn default() -> Self {
        TimelineSettings {
            read: ReadOptions::default(),
            window_ns: 1_000_000_000,
            fill_ns: 5_000_000_000,
            thresholds: Thresholds::default(),
        }
    }
}

/// How an incident becomes a verdict.
#[derive(Clone, Debug, Default)]
pub struct VerdictSettings {
    /// How the timeline is built.
    pub timeline: TimelineSettings,
    /// The detector in use as the user named it; `None` leaves it to `incident.toml`, then to
    /// what the logs say.
    pub detector: Option<InUse>,
    /// How findings become episodes.
    pub classify: Options,
}

/// What reading an incident folder gave: the timeline, its trail, the events, what became of
/// every input line, the invariants its metrics carry, and the detector settings its logs gave.
#[derive(Debug)]
pub struct Incident {
    /// The folder, as opened.
    pub folder: IncidentFolder,
    /// The directional reachability timeline.
    pub timeline: Timeline,
    /// Which observations decided each window.
    pub trail: Trail,
    /// The events of the folder, in time order.
    pub events: Vec<Event>,
    /// Every file and what became of its lines.
    pub accounting: Accounting,
    /// What the metrics say of the cluster's operation.
    pub invariants: Invariants,
    /// The detector settings a system's log gave.
    pub detector: Option<DetectorSettings>,
    /// Each system's detector settings the export gave, [`Incident::detector`] first.
    pub detectors: Vec<DetectorSettings>,
}

/// What can stop the pipeline.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The folder cannot be opened.
    #[error(transparent)]
    Open(rift_ingest::Error),
    /// The folder cannot be read to its end (the timeline's own error is the source's source).
    #[error("reading '{}'", dir.display())]
    Read {
        /// The folder.
        dir: PathBuf,
        /// Why.
        #[source]
        source: rift_ingest::Error,
    },
    /// The folder was read but holds nothing to build a timeline from.
    #[error(
        "'{0}' holds no reachability evidence: no counter, metric, log, health, probe or client row gave any; \
         run `rift ingest {0}` to see what each file gave"
    )]
    NoEvidence(String),
    /// The `[detector]` table of `incident.toml` is wrong.
    #[error("{}", path.display())]
    Detector {
        /// The settings file.
        path: PathBuf,
        /// What is wrong.
        #[source]
        source: SettingsError,
    },
    /// A scenario cannot be made or loaded.
    #[error(transparent)]
    Replay(#[from] rift_replay::Error),
    /// A replay input names nothing that exists.
    #[error(
        "'{0}' does not exist: give an incident export folder, a scenario .toml file, or corpus:ID"
    )]
    NoSuchInput(String),
    /// A corpus entry id that is not in the corpus.
    #[error(
        "no corpus entry '{0}': `rift corpus list` shows the ids, `rift corpus search` finds one"
    )]
    NoSuchEntry(String),
    /// A corpus entry without a scenario sketch.
    #[error(
        "corpus entry '{0}' has no scenario sketch to replay; entries with one are tagged `replayable` (`rift corpus search replayable`)"
    )]
    NoSketch(String),
}

impl Error {
    /// Whose doing the error is.
    pub fn blame(&self) -> Blame {
        match self {
            Error::Open(e) | Error::Read { source: e, .. } => e.blame(),
            Error::NoEvidence(_) => Blame::Input,
            Error::Detector { source, .. } => source.blame(),
            Error::Replay(e) => e.blame(),
            Error::NoSuchInput(_) | Error::NoSuchEntry(_) | Error::NoSketch(_) => {
                Blame::CommandLine
            }
        }
    }
}

/// Reads the incident folder `dir` into a timeline (ingest → reach), telling `progress` what is
/// read.
pub fn timeline(
    dir: &Path,
    settings: &TimelineSettings,
    progress: &dyn Progress,
) -> Result<Incident, Error> {
    let folder = IncidentFolder::open(dir, &settings.read).map_err(Error::Open)?;
    let mut builder = TimelineBuilder::new()
        .window_ns(settings.window_ns)
        .fill_ns(settings.fill_ns)
        .thresholds(settings.thresholds);
    // The timeline's own error (a span beyond its limits) stays whole, as the source of the
    // read's error, so that it is told apart from a file that cannot be read.
    let report = folder
        .stream(progress, &mut |df| Ok(builder.add(&df)?))
        .map_err(|source| Error::Read {
            dir: dir.to_owned(),
            source,
        })?;
    let (timeline, trail) = builder.finish_traced();
    if timeline.windows == 0 {
        return Err(Error::NoEvidence(dir.display().to_string()));
    }
    Ok(Incident {
        folder,
        timeline,
        trail,
        events: report.event_rows,
        accounting: report.accounting,
        invariants: report.invariants,
        detector: report.detector,
        detectors: report.detectors,
    })
}

/// Every event an incident folder gave, in time order (events of one moment in file and line
/// order), with what reading their times assumed.
#[derive(Clone, Debug)]
pub struct Events {
    /// The events, in time order.
    pub events: Vec<Event>,
    /// What reading each file's times assumed (a year, a zone), by its path in the folder.
    pub assumed: BTreeMap<String, Vec<String>>,
    /// The earliest observation or event, ns since the epoch: what `+20s` counts from.
    pub start_ns: Option<i64>,
}

/// The schema of [`Events::document`].
pub const EVENTS_SCHEMA: &str = "rift.events/1";

/// Events as a versioned document ([`EVENTS_SCHEMA`]).
#[derive(Clone, Debug, Serialize)]
pub struct EventsDoc<'a> {
    /// [`EVENTS_SCHEMA`].
    pub schema: &'static str,
    /// The events, in time order.
    pub events: Vec<EventRow<'a>>,
}

/// One event of an [`EventsDoc`].
#[derive(Clone, Debug, Serialize)]
pub struct EventRow<'a> {
    /// RFC 3339 UTC with milliseconds.
    pub ts: String,
    /// Nanoseconds since the epoch.
    pub ts_ns: i64,
    /// The node the event is about.
    pub node: &'a str,
    /// What happened (`election`, `role_change`, `peer_down`, …).
    pub kind: &'static str,
    /// The other node, where the event names one.
    pub peer: Option<&'a str>,
    /// The consensus term, where known.
    pub term: Option<u64>,
    /// What the line or series said, in brief.
    pub detail: &'a str,
    /// `file:line` it came from.
    pub origin: &'a str,
    /// What reading its time assumed (a year, a zone), in words.
    pub assumed: &'a [String],
}

impl Events {
    /// `events` (some or all of these) as a versioned document.
    pub fn document<'a>(&'a self, events: &[&'a Event]) -> EventsDoc<'a> {
        EventsDoc {
            schema: EVENTS_SCHEMA,
            events: events
                .iter()
                .map(|e| EventRow {
                    ts: rift_ingest::format_ts(e.ts_ns),
                    ts_ns: e.ts_ns,
                    node: &e.node.0,
                    kind: e.kind.as_str(),
                    peer: e.peer.as_ref().map(|p| p.0.as_str()),
                    term: e.term,
                    detail: &e.detail,
                    origin: &e.origin,
                    assumed: self.assumed_for(e),
                })
                .collect(),
        }
    }

    /// What reading the time of `e` assumed: the assumptions of the file its origin names.
    pub fn assumed_for(&self, e: &Event) -> &[String] {
        self.assumed
            .get(place(&e.origin).0)
            .map_or(&[], Vec::as_slice)
    }
}

/// Reads every event of the incident folder `dir` (ingest alone: no timeline is built).
pub fn events(dir: &Path, read: &ReadOptions, progress: &dyn Progress) -> Result<Events, Error> {
    let folder = IncidentFolder::open(dir, read).map_err(Error::Open)?;
    let report = folder
        .stream(progress, &mut |_| Ok(()))
        .map_err(|source| Error::Read {
            dir: dir.to_owned(),
            source,
        })?;
    let mut events = report.event_rows;
    // Events of one moment in the order their files say them: by file, then line.
    events.sort_by(|a, b| (a.ts_ns, place(&a.origin)).cmp(&(b.ts_ns, place(&b.origin))));
    Ok(Events {
        events,
        assumed: report.assumed,
        start_ns: report.summary.start_ns,
    })
}

/// A `file:line` origin as (file, line), so that line 8 comes before line 10.
fn place(origin: &str) -> (&str, u64) {
    match origin.rsplit_once(':') {
        Some((file, line)) => (file, line.parse().unwrap_or(0)),
        None => (origin, 0),
    }
}

/// Reads the incident folder `dir`, classifies it and compares it with the detector in use
/// (ingest → reach → classify).
pub fn verdict(
    dir: &Path,
    settings: &VerdictSettings,
    progress: &dyn Progress,
) -> Result<(Incident, Verdict), Error> {
    let incident = timeline(dir, &settings.timeline, progress)?;
    let detector = detector_in_use(settings.detector.clone(), &incident)?;
    let classification = classify(
        &incident.timeline,
        Some(&incident.trail),
        &incident.events,
        &settings.classify,
    );
    let title = incident
        .folder
        .config()
        .incident
        .get("title")
        .and_then(|t| t.as_str())
        .map(str::to_owned);
    let verdict = Verdict::new(title, classification, detector, &incident.events);
    Ok((incident, verdict))
}

/// The detector in use: as the user named it, else as `incident.toml` names it, else as a
/// system's log line gives it, else unknown.
/// A detector the user names without its settings takes those the export gives for it (an
/// HAProxy configuration's `inter`, `fall` and `rise` for `lb-health`).
pub fn detector_in_use(named: Option<InUse>, incident: &Incident) -> Result<Option<InUse>, Error> {
    if let Some(mut d) = named {
        d.fill_from(&incident.detectors, &[]);
        return Ok(Some(d));
    }
    let table = &incident.folder.config().detector;
    let from_settings = InUse::from_table(table).map_err(|source| Error::Detector {
        path: incident.folder.root().join("incident.toml"),
        source,
    })?;
    if let Some(mut d) = from_settings {
        let set: Vec<&str> = table.keys().map(String::as_str).collect();
        d.fill_from(&incident.detectors, &set);
        return Ok(Some(d));
    }
    Ok(incident.detector.as_ref().and_then(InUse::from_settings))
}

/// What `rift replay` is handed: a corpus entry's sketch, a scenario file, or an incident folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReplayInput {
    /// `corpus:ID`: the scenario sketch of a corpus entry.
    Sketch(String),
    /// A scenario file.
    Scenario(PathBuf),
    /// An incident folder, replayed as its inferred timeline.
    Incident(PathBuf),
}

impl ReplayInput {
    /// What `input` names.
    pub fn parse(input: &str) -> Result<Self, Error> {
        if let Some(id) = input.strip_prefix("corpus:") {
            return Ok(ReplayInput::Sketch(id.to_owned()));
        }
        let path = Path::new(input);
        if path.is_dir() {
            Ok(ReplayInput::Incident(path.to_owned()))
        } else if path.exists() {
            Ok(ReplayInput::Scenario(path.to_owned()))
        } else {
            Err(Error::NoSuchInput(input.to_owned()))
        }
    }
}

/// The scenario sketch of corpus entry `id`, named after the entry when it has no name.
pub fn sketch(corpus: &Corpus, id: &str) -> Result<Scenario, Error> {
    let entry = corpus
        .get(id)
        .ok_or_else(|| Error::NoSuchEntry(id.to_owned()))?;
    let text = entry
        .sketch_toml()
        .ok_or_else(|| Error::NoSketch(id.to_owned()))?;
    let origin = format!("{} [scenario]", entry.path.display());
    let mut s = Scenario::parse(&text, &origin)?;
    if s.name.is_none() {
        s.name = Some(entry.meta.title.clone());
    }
    Ok(s)
}

/// The scenario of an incident: its verdict's faults on its inferred timeline. Who is a member
/// is read from the logs; what a client's or prober's own table says (a refused connection)
/// does not make it one.
pub fn scenario_of_incident(
    incident: &Incident,
    verdict: &Verdict,
) -> Result<Scenario, rift_replay::Error> {
    let tables: std::collections::HashSet<&str> = incident
        .accounting
        .files
        .iter()
        .filter(|f| {
            matches!(
                f.kind,
                SourceKind::Health | SourceKind::Client | SourceKind::Probe
            )
        })
        .map(|f| f.path.as_str())
        .collect();
    let logged: Vec<Event> = incident
        .events
        .iter()
        .filter(|e| !tables.contains(origin_file(&e.origin)))
        .cloned()
        .collect();
    scenario_from_incident(verdict, &incident.timeline, &logged)
}

/// The `n` public incidents of `corpus` most like `verdict` (its modes, its systems, its
/// words), from the index cached beside the corpus; `Err` says why there are none, in words
/// for the report.
pub fn similar(corpus: &Corpus, verdict: &Verdict, n: usize) -> Result<Vec<Similar>, String> {
    let index = CorpusIndex::open_or_build(corpus, &rift_corpus::cache_dir())
        .map_err(|e| format!("the corpus index could not be opened: {}.", with_causes(&e)))?;
    rift_reports::similar::find(&index, corpus, verdict, n)
        .map_err(|e| format!("the corpus search failed: {e}."))
}

/// An error and its causes, joined with ": ".
fn with_causes(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        out.push_str(": ");
        out.push_str(&c.to_string());
        cause = c.source();
    }
    out
}
