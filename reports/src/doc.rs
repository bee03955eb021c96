//! The report as data: everything the templates show, computed once from the pipeline's
//! results. Both formats render the same [`Report`].

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use rift_classify::gap::{Gap, GapKind};
use rift_classify::{EdgeDirection, Episode, Mode, Verdict};
use rift_ingest::model::{Channel, Event, leaders_at_once};
use rift_ingest::{Accounting, Invariants, LATENCY_BIN_NS, LatencyBin, format_ts};
use rift_reach::{EdgeKey, Timeline, WindowIdx};
use rift_replay::{Comparison, TABLE_LEGEND};
use serde::Serialize;

use crate::similar::Similar;
use crate::svg::{self, Figure};
use crate::text::{duration, list, time_of_day};

/// Rows of the events table at most; the timeline figure shows them all.
const MAX_EVENT_ROWS: usize = 200;
/// Edges listed per episode at most.
const MAX_EPISODE_EDGES: usize = 16;
/// Nodes named in the summary at most.
const MAX_NODES_NAMED: usize = 40;
/// Episodes with a graph snapshot at most.
const MAX_SNAPSHOT_EPISODES: usize = 3;

/// What a report is made from.
pub struct Inputs<'a> {
    /// The export folder, as the user named it.
    pub source: &'a str,
    /// The verdict and gap analysis.
    pub verdict: &'a Verdict,
    /// The reachability timeline.
    pub timeline: &'a Timeline,
    /// The export's events.
    pub events: &'a [Event],
    /// What became of every input line.
    pub accounting: &'a Accounting,
    /// Operational invariants from the metrics.
    pub invariants: &'a Invariants,
    /// The replay comparison, or why there is none.
    pub replay: Result<&'a Comparison, String>,
    /// The command that reproduces the replay.
    pub replay_command: String,
    /// Similar public incidents, or why there are none.
    pub similar: Result<Vec<Similar>, String>,
    /// The program and version that wrote the report.
    pub generator: String,
}

/// The report, ready for a template.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// The incident's title.
    pub title: String,
    /// The export folder.
    pub source: String,
    /// `rift 0.1.0`.
    pub generator: String,
    /// Start of the evidence (RFC 3339).
    pub start: String,
    /// End of the evidence (RFC 3339).
    pub end: String,
    /// Length of the evidence.
    pub span: String,
    /// Window length.
    pub window: String,
    /// Nodes of the timeline.
    pub nodes: Vec<String>,
    /// Channels of the timeline.
    pub channels: Vec<String>,
    /// 1. The summary.
    pub summary: Summary,
    /// The episodes.
    pub episodes: Vec<EpisodeView>,
    /// Findings too short to count, one line each.
    pub transients: Vec<String>,
    /// 2. Events in time order (at most 200).
    pub events: Vec<EventRow>,
    /// Events in all.
    pub events_total: usize,
    /// 3. The pictures.
    pub figures: Figures,
    /// The detector in use, in words.
    pub detector: Option<DetectorView>,
    /// 4. The four questions, per episode.
    pub gaps: Vec<GapView>,
    /// 5. The replay comparison.
    pub replay: ReplayView,
    /// 6. Operational invariants.
    pub invariants: InvariantsView,
    /// 7. Similar public incidents.
    pub similar: SimilarView,
    /// 8. Input accounting.
    pub accounting: AccountingView,
}

/// Section 1.
#[derive(Clone, Debug, Serialize)]
pub struct Summary {
    /// The primary mode.
    pub verdict: String,
    /// The secondary modes.
    pub secondary: Vec<String>,
    /// Two sentences a reviewer can paste.
    pub sentences: Vec<String>,
    /// The nodes the episodes are about.
    pub affected: Vec<String>,
    /// The failing directed edges.
    pub edges: Vec<String>,
    /// Onset of the first network episode.
    pub onset: String,
    /// From the first onset to the last heal.
    pub duration: String,
    /// Confidence of the primary episode.
    pub confidence: String,
}

/// One episode.
#[derive(Clone, Debug, Serialize)]
pub struct EpisodeView {
    /// 1-based number.
    pub id: usize,
    /// Mode (and subtype).
    pub mode: String,
    /// In a few words.
    pub headline: String,
    /// Start, time of day.
    pub start: String,
    /// End, time of day.
    pub end: String,
    /// Length.
    pub duration: String,
    /// 0–1, two decimals.
    pub confidence: String,
    /// The failing edges in words.
    pub edges: Vec<String>,
    /// Caveats.
    pub notes: Vec<String>,
    /// The input rows where its series turned.
    pub evidence: Vec<EvidenceView>,
    /// Such rows in all.
    pub evidence_total: usize,
}

/// One evidence row.
#[derive(Clone, Debug, Serialize)]
pub struct EvidenceView {
    /// Time of day.
    pub at: String,
    /// Channel.
    pub channel: String,
    /// `src → dst`.
    pub edge: String,
    /// failing / recovered.
    pub turn: String,
    /// `delivered/attempts`.
    pub delivered: String,
    /// `file:line`.
    pub origin: String,
}

/// One event.
#[derive(Clone, Debug, Serialize)]
pub struct EventRow {
    /// Time of day.
    pub at: String,
    /// The node.
    pub node: String,
    /// The kind.
    pub kind: String,
    /// The peer, if any.
    pub peer: String,
    /// Term, if known.
    pub term: String,
    /// Free text.
    pub detail: String,
    /// `file:line`.
    pub origin: String,
}

/// Section 3.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Figures {
    /// Episodes and events on one axis.
    pub timeline: Option<Figure>,
    /// Per channel, every direction over time.
    pub strips: Vec<Figure>,
    /// Per channel, sender × receiver grids over time.
    pub matrices: Vec<Figure>,
    /// Graph snapshots at the key moments.
    pub snapshots: Vec<Figure>,
    /// Detector belief against network truth.
    pub belief: Option<Figure>,
    /// Client request latency over time.
    pub latency: Option<Figure>,
}

impl Figures {
    /// Every figure, in report order.
    pub fn all(&self) -> Vec<&Figure> {
        self.timeline
            .iter()
            .chain(&self.strips)
            .chain(&self.matrices)
            .chain(&self.snapshots)
            .chain(&self.belief)
            .chain(&self.latency)
            .collect()
    }
}

/// The detector in use.
#[derive(Clone, Debug, Serialize)]
pub struct DetectorView {
    /// Its catalogue title.
    pub title: String,
    /// Where rift learnt of it.
    pub source: String,
    /// `name=value` parameters.
    pub parameters: String,
    /// Guards in use.
    pub guards: String,
}

/// The four questions for one episode.
#[derive(Clone, Debug, Serialize)]
pub struct GapView {
    /// The episode.
    pub episode: usize,
    /// 1. What the network showed.
    pub network: String,
    /// 2. What the detector assumed, and the assumption in words.
    pub assumed: String,
    /// How the detector fares in this mode, and why.
    pub coverage: String,
    /// 3. none / design / deployment.
    pub gap: String,
    /// The reasoning.
    pub reason: String,
    /// The measured detection lag, if an event shows the detector acting.
    pub lag_measured: String,
    /// The expected lag with these settings.
    pub lag_expected: String,
    /// 4. Changes that would close the gap.
    pub fixes: Vec<FixView>,
    /// Guards in use and what they do here.
    pub guards: Vec<String>,
}

/// One change.
#[derive(Clone, Debug, Serialize)]
pub struct FixView {
    /// The change.
    pub change: String,
    /// Its false-positive cost.
    pub cost: String,
    /// Parts of it already in use.
    pub already_on: String,
}

/// Section 5.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ReplayView {
    /// Whether a replay ran.
    pub ran: bool,
    /// Why not, or what was replayed.
    pub note: String,
    /// The seed.
    pub seed: u64,
    /// The command that gives the same result.
    pub command: String,
    /// Column names.
    pub header: Vec<String>,
    /// One row per variant.
    pub rows: Vec<Vec<String>>,
    /// What the columns mean.
    pub legend: String,
    /// Each variant's story.
    pub stories: Vec<Story>,
    /// Write accounting per variant.
    pub writes: Vec<WritesRow>,
}

/// One variant's story.
#[derive(Clone, Debug, Serialize)]
pub struct Story {
    /// The variant.
    pub variant: String,
    /// Its settings.
    pub settings: String,
    /// Sentences.
    pub lines: Vec<String>,
}

/// One variant's writes.
#[derive(Clone, Debug, Serialize)]
pub struct WritesRow {
    /// The variant.
    pub variant: String,
    /// Writes attempted.
    pub attempted: usize,
    /// Timed out at the client.
    pub timed_out: usize,
    /// Majority commit: acknowledged / durable / at risk / lost / fenced.
    pub majority: [usize; 5],
    /// w=1: acknowledged / durable / at risk / lost / fenced.
    pub w1: [usize; 5],
    /// Stale reads.
    pub stale_reads: usize,
}

/// Section 6.
#[derive(Clone, Debug, Default, Serialize)]
pub struct InvariantsView {
    /// Whether the metrics had any.
    pub any: bool,
    /// Leader changes per minute: (minute, count).
    pub leader_changes: Vec<(String, u64)>,
    /// Leader changes in all.
    pub leader_changes_total: u64,
    /// Has-leader gaps: (node, from, to, length).
    pub no_leader: Vec<[String; 4]>,
    /// Commit index regressions: (node, at, origin).
    pub regressions: Vec<[String; 3]>,
    /// What the client requests show, in sentences.
    pub requests: Vec<String>,
    /// Whether the metrics said anything about leadership (changes, gaps, commit index).
    pub leadership: bool,
    /// Two nodes that each said they led at once, by their own role changes: (the two, from,
    /// to, length).
    pub two_leaders: Vec<[String; 4]>,
}

/// Section 7.
#[derive(Clone, Debug, Default, Serialize)]
pub struct SimilarView {
    /// Why the list is empty, if it is.
    pub note: String,
    /// The entries.
    pub items: Vec<Similar>,
}

/// Section 8.
#[derive(Clone, Debug, Default, Serialize)]
pub struct AccountingView {
    /// Files read.
    pub files: Vec<FileRow>,
    /// Lines read.
    pub read: u64,
    /// Lines used.
    pub used: u64,
    /// Lines skipped.
    pub skipped: u64,
    /// Skipped lines by reason.
    pub by_reason: Vec<(String, u64)>,
}

/// One file.
#[derive(Clone, Debug, Serialize)]
pub struct FileRow {
    /// Path within the export.
    pub path: String,
    /// What rift read it as.
    pub kind: String,
    /// Lines read.
    pub read: u64,
    /// Lines used.
    pub used: u64,
    /// Lines skipped.
    pub skipped: u64,
    /// `reason: n (first at line L: detail)`.
    pub reasons: Vec<String>,
}

impl Report {
    /// Builds the report.
    pub fn build(i: &Inputs<'_>) -> Report {
        let v = i.verdict;
        let c = &v.classification;
        let t = i.timeline;
        let (t0, t1) = svg::span(t);
        let title = v.title.clone().unwrap_or_else(|| {
            // The export's own folder name, or its parent's when it is called `export`.
            let p = std::path::Path::new(i.source);
            let name = p
                .file_name()
                .filter(|n| *n != "export")
                .or_else(|| p.parent().and_then(|q| q.file_name()))
                .map_or_else(|| i.source.to_owned(), |n| n.to_string_lossy().into_owned());
            format!("Incident {name}")
        });
        let mut figures = Figures {
            timeline: Some(svg::timeline::figure(
                t0,
                t1,
                &c.episodes,
                &c.transients,
                i.events,
            )),
            strips: svg::strip::figures(t),
            matrices: svg::matrix::figures(t),
            snapshots: Vec::new(),
            belief: svg::belief::figure(t, i.events),
            latency: svg::latency::figure(t0, t1, &i.invariants.request_latency, &c.episodes),
        };
        for (n, (label, channel, w)) in moments(t, &c.episodes).into_iter().enumerate() {
            figures.snapshots.push(svg::graph::snapshot(
                t,
                channel,
                w,
                &format!("graph-{}", n + 1),
                &label,
            ));
        }
        Report {
            title,
            source: i.source.to_owned(),
            generator: i.generator.clone(),
            start: c.start.clone(),
            end: c.end.clone(),
            span: duration((t1 - t0) as f64 / 1e9),
            window: duration(t.window_ns as f64 / 1e9),
            nodes: {
                let mut v: Vec<String> = c
                    .nodes
                    .iter()
                    .take(MAX_NODES_NAMED)
                    .map(|n| n.0.clone())
                    .collect();
                if c.nodes.len() > MAX_NODES_NAMED {
                    v.push(format!("… ({} nodes)", c.nodes.len()));
                }
                v
            },
            channels: c.channels.iter().map(|c| c.as_str().to_owned()).collect(),
            summary: summary(v),
            episodes: c.episodes.iter().map(episode).collect(),
            transients: c
                .transients
                .iter()
                .map(|tr| {
                    format!(
                        "{} at {} for {} ({})",
                        tr.mode,
                        tr.start.get(11..23).unwrap_or(&tr.start),
                        duration(tr.duration_s),
                        tr.subject
                            .iter()
                            .map(|n| n.0.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                })
                .collect(),
            events: table_events(i.events, &c.episodes)
                .into_iter()
                .map(event)
                .collect(),
            events_total: i.events.len(),
            figures,
            detector: v.detector.as_ref().map(|d| DetectorView {
                title: d.detector.title.clone(),
                source: d.describe_source(),
                parameters: d
                    .parameters
                    .iter()
                    .map(|(k, x)| format!("{k}={x}"))
                    .collect::<Vec<_>>()
                    .join(", "),
                guards: if d.guards.is_empty() {
                    "none".to_owned()
                } else {
                    d.guards.join(", ")
                },
            }),
            gaps: v.gaps.iter().map(gap).collect(),
            replay: replay(&i.replay, &i.replay_command),
            invariants: invariants(i.invariants, &c.episodes, i.events),
            similar: match &i.similar {
                Ok(items) if items.is_empty() => SimilarView {
                    note: "No corpus entry shares this incident's primary mode.".to_owned(),
                    items: Vec::new(),
                },
                Ok(items) => SimilarView {
                    note: String::new(),
                    items: items.clone(),
                },
                Err(why) => SimilarView {
                    note: why.clone(),
                    items: Vec::new(),
                },
            },
            accounting: accounting(i.accounting),
        }
    }
}

fn mode_name(e: &Episode) -> String {
    match e.subtype {
        Some(s) => format!("{} ({s})", e.mode),
        None => e.mode.to_string(),
    }
}

/// One failing direction: from, to, and what follows the arrow (a flow, or that the direction
/// is unknown).
type Directed = (String, String, String);

/// The failing directed edges of an episode (both directions listed for `both`).
fn directed(e: &Episode) -> Vec<Directed> {
    let mut out = Vec::new();
    for x in &e.edges {
        let flow = x
            .flow
            .as_ref()
            .map(|f| format!(" [{f}]"))
            .unwrap_or_default();
        let (a, b) = (x.from.0.clone(), x.to.0.clone());
        match x.direction {
            EdgeDirection::OneWay => out.push((a, b, flow)),
            EdgeDirection::Both => {
                out.push((a.clone(), b.clone(), flow.clone()));
                out.push((b, a, flow));
            }
            EdgeDirection::Unknown => out.push((a, b, format!("{flow} (direction unknown)"))),
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Directions in words, those of one sender (then of one receiver) folded into one phrase when
/// there are at least three: `n0 → n1, n2, n3 and 96 more`.
fn compact(edges: &[Directed]) -> Vec<String> {
    let arrow = |d: &Directed| {
        if d.2.contains("direction unknown") {
            "⇄"
        } else {
            "→"
        }
    };
    let mut left: Vec<&Directed> = edges.iter().collect();
    let mut out = Vec::new();
    loop {
        let mut by: BTreeMap<(bool, &str), usize> = BTreeMap::new();
        for d in &left {
            if d.2.is_empty() {
                *by.entry((true, d.0.as_str())).or_default() += 1;
                *by.entry((false, d.1.as_str())).or_default() += 1;
            }
        }
        let Some(((from_side, node), n)) = by
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
            .map(|(k, n)| (*k, *n))
        else {
            break;
        };
        if n < 3 {
            break;
        }
        let node = node.to_owned();
        let (group, rest): (Vec<&Directed>, Vec<&Directed>) = left
            .into_iter()
            .partition(|d| d.2.is_empty() && if from_side { d.0 == node } else { d.1 == node });
        let names: Vec<String> = group
            .iter()
            .map(|d| if from_side { d.1.clone() } else { d.0.clone() })
            .collect();
        out.push(if from_side {
            format!("{node} → {}", list(&names, 3))
        } else {
            format!("{} → {node}", list(&names, 3))
        });
        left = rest;
    }
    out.extend(
        left.into_iter()
            .map(|d| format!("{} {} {}{}", d.0, arrow(d), d.1, d.2)),
    );
    out
}

fn summary(v: &Verdict) -> Summary {
    let c = &v.classification;
    let network: Vec<&Episode> = c.episodes.iter().filter(|e| e.mode.is_network()).collect();
    let main = c
        .episodes
        .iter()
        .filter(|e| e.mode == c.primary)
        .max_by(|a, b| {
            a.edge_seconds
                .total_cmp(&b.edge_seconds)
                .then(b.id.cmp(&a.id))
        });
    let secondary: Vec<String> = c.secondary.iter().map(Mode::to_string).collect();
    let Some(main) = main else {
        return Summary {
            verdict: c.primary.to_string(),
            secondary,
            sentences: vec![
                format!(
                    "Between {} and {} UTC no direction was down or lossy for long enough to count: rift finds no network incident in this export.",
                    c.start.get(11..19).unwrap_or(&c.start),
                    c.end.get(11..19).unwrap_or(&c.end)
                ),
                "If the incident was real, check the input accounting below: the evidence that would show it may have been skipped or not exported.".to_owned(),
            ],
            affected: Vec::new(),
            edges: Vec::new(),
            onset: String::new(),
            duration: String::new(),
            confidence: String::new(),
        };
    };
    let scope: Vec<&Episode> = if network.is_empty() {
        vec![main]
    } else {
        network
    };
    let mut affected: Vec<String> = scope
        .iter()
        .flat_map(|e| e.subject.iter().map(|n| n.0.clone()))
        .collect();
    affected.sort();
    affected.dedup();
    let mut all: Vec<Directed> = scope.iter().flat_map(|e| directed(e)).collect();
    all.sort();
    all.dedup();
    let edges = compact(&all);
    let onset = scope
        .iter()
        .map(|e| e.start_ns)
        .min()
        .unwrap_or(main.start_ns);
    let heal = scope.iter().map(|e| e.end_ns).max().unwrap_or(main.end_ns);
    let main_edges = directed(main);
    let (known, unknown): (Vec<Directed>, Vec<Directed>) = main_edges
        .iter()
        .cloned()
        .partition(|d| !d.2.contains("direction unknown"));
    let mut on = Vec::new();
    if !known.is_empty() {
        on.push(format!(
            "{} failing direction{} ({})",
            known.len(),
            if known.len() == 1 { "" } else { "s" },
            list(&compact(&known), 4)
        ));
    }
    if !unknown.is_empty() {
        let pairs: Vec<String> = unknown
            .iter()
            .map(|d| format!("{} ⇄ {}", d.0, d.1))
            .collect();
        on.push(format!(
            "{} pair{} whose failing direction the evidence cannot tell ({})",
            unknown.len(),
            if unknown.len() == 1 { "" } else { "s" },
            list(&pairs, 4)
        ));
    }
    let mut first = format!(
        "From {} to {} UTC ({}) {}, on {}; confidence {:.2}.",
        time_of_day(onset),
        time_of_day(heal),
        duration((heal - onset) as f64 / 1e9),
        what_happened(main),
        on.join(" and "),
        main.confidence
    );
    if !secondary.is_empty() {
        first.pop();
        let _ = write!(first, "; also seen: {}.", secondary.join(", "));
    }
    let second = match (&v.detector, v.gaps.iter().find(|g| g.episode == main.id)) {
        (Some(d), Some(g)) => {
            let acted = match (g.lag.measured_ms, &g.lag.measured_event) {
                (Some(ms), Some(ev)) => format!(
                    "it first acted {} after the onset ({ev})",
                    duration(ms / 1e3)
                ),
                _ => match (g.lag.expected_min_ms, g.lag.expected_max_ms) {
                    (Some(a), Some(b)) => format!(
                        "it would act within {}–{} with these settings, but no event shows it acting",
                        duration(a / 1e3),
                        duration(b / 1e3)
                    ),
                    _ => "no event shows it acting".to_owned(),
                },
            };
            let kind = match g.gap {
                GapKind::None => "no gap in its design or deployment".to_owned(),
                k => format!("a {} gap", k.as_str()),
            };
            format!(
                "The failure detector in use, {}, assumes {} and {}, so this was {kind}; {acted}.",
                d.detector.title,
                g.assumption,
                g.coverage.phrase()
            )
        }
        (Some(d), None) => format!(
            "The failure detector in use is {}; the gap analysis has nothing to compare for a {} finding.",
            d.detector.title, c.primary
        ),
        (None, _) => "No failure detector was named in incident.toml or recognised in the logs, so the detector gap was not analysed; name it with --detector.".to_owned(),
    };
    Summary {
        verdict: c.primary.to_string(),
        secondary,
        sentences: vec![first, second],
        affected,
        edges,
        onset: format_ts(onset),
        duration: duration((heal - onset) as f64 / 1e9),
        confidence: format!("{:.2}", main.confidence),
    }
}

/// What an episode was, as the start of a sentence: "the network cut n1 off completely".
fn what_happened(e: &Episode) -> String {
    use rift_classify::text::{CrashKind, Description, GrayKind, PartialKind, describe};
    let names: Vec<String> = e.subject.iter().map(|n| n.0.clone()).collect();
    let subject = list(&names, 4);
    match describe(e) {
        Description::Complete => format!("the network cut {subject} off completely"),
        Description::Asymmetric(way) => match way.phrase() {
            Some(p) => format!("the network failed in one direction only: {p}"),
            None => format!("the network failed in one direction only between {subject}"),
        },
        Description::Partial(PartialKind::NonTransitive) => format!(
            "the network failed partially between {subject}: some pairs could not reach each other while both reached a third node"
        ),
        Description::Partial(PartialKind::PerFlow) => format!(
            "the network failed partially between {subject}: some flows failed while others of the same pair passed"
        ),
        Description::Partial(PartialKind::Lossy) => {
            format!("the network between {subject} lost part of the traffic for a lasting spell")
        }
        Description::Partial(PartialKind::Unspecified) => {
            format!("the network failed partially between {subject}")
        }
        Description::Gray(GrayKind::ObserversDisagree) => format!(
            "the network failed gray around {subject}: some observers reached it while others could not"
        ),
        Description::Gray(GrayKind::HealthPassesDataFails | GrayKind::Unspecified) => format!(
            "the network failed gray on {subject}: health checks passed while the workload failed"
        ),
        Description::Flapping(_) if e.subject.len() == 1 => {
            format!("the network cut {subject} off again and again (flapping)")
        }
        Description::Flapping(kind) => match kind.subtype() {
            Some(st) => {
                format!("the network between {subject} failed again and again (flapping, {st})")
            }
            None => format!("the network between {subject} failed again and again (flapping)"),
        },
        Description::Crash(CrashKind::Restarted | CrashKind::Silent | CrashKind::Unspecified) => {
            format!("no network fault was seen: {subject} crashed")
        }
        Description::Healthy => rift_classify::text::headline(e),
    }
}

fn episode(e: &Episode) -> EpisodeView {
    EpisodeView {
        id: e.id,
        mode: mode_name(e),
        headline: rift_classify::text::headline(e),
        start: time_of_day(e.start_ns),
        end: time_of_day(e.end_ns),
        duration: duration(e.duration_s()),
        confidence: format!("{:.2}", e.confidence),
        edges: {
            let mut v: Vec<String> = e
                .edges
                .iter()
                .take(MAX_EPISODE_EDGES)
                .map(rift_classify::text::edge)
                .collect();
            if e.edges.len() > MAX_EPISODE_EDGES {
                v.push(format!(
                    "… and {} more (`rift classify --json` lists them all)",
                    e.edges.len() - MAX_EPISODE_EDGES
                ));
            }
            v
        },
        notes: e.notes.clone(),
        evidence: e
            .evidence
            .iter()
            .map(|r| EvidenceView {
                at: r.ts.get(11..23).unwrap_or(&r.ts).to_owned(),
                channel: r.channel.as_str().to_owned(),
                edge: format!("{} → {}", r.src, r.dst),
                turn: r.turn.to_owned(),
                delivered: format!("{}/{}", r.delivered, r.attempts),
                origin: r.origin.clone(),
            })
            .collect(),
        evidence_total: e.evidence_total,
    }
}

/// The events of the table: all of them when they fit; otherwise those from 30 s before the
/// first network episode to 30 s after the last, without last-heard times and relayed opinions,
/// and at most [`MAX_EVENT_ROWS`] of those.
fn table_events<'e>(events: &'e [Event], episodes: &[Episode]) -> Vec<&'e Event> {
    if events.len() <= MAX_EVENT_ROWS {
        return events.iter().collect();
    }
    let net = episodes.iter().filter(|e| e.mode.is_network());
    let from = net.clone().map(|e| e.start_ns).min();
    let to = net.map(|e| e.end_ns).max();
    let margin = 30_000_000_000;
    events
        .iter()
        .filter(|e| {
            !matches!(
                e.kind,
                rift_ingest::model::EventKind::LastHeard | rift_ingest::model::EventKind::Relay
            )
        })
        .filter(|e| match (from, to) {
            (Some(a), Some(b)) => e.ts_ns >= a - margin && e.ts_ns <= b + margin,
            _ => true,
        })
        .take(MAX_EVENT_ROWS)
        .collect()
}

fn event(e: &Event) -> EventRow {
    EventRow {
        at: time_of_day(e.ts_ns),
        node: e.node.0.clone(),
        kind: e.kind.as_str().to_owned(),
        peer: e.peer.as_ref().map(|p| p.0.clone()).unwrap_or_default(),
        term: e.term.map(|t| t.to_string()).unwrap_or_default(),
        detail: e.detail.clone(),
        origin: e.origin.clone(),
    }
}

fn gap(g: &Gap) -> GapView {
    let ms = |x: f64| duration(x / 1e3);
    GapView {
        episode: g.episode,
        network: g.network.clone(),
        assumed: format!("{} ({})", g.assumed, g.assumption),
        coverage: format!("{}: {}", g.coverage.as_str(), g.why),
        gap: g.gap.as_str().to_owned(),
        reason: g.reason.clone(),
        lag_measured: match (g.lag.measured_ms, &g.lag.measured_event) {
            (Some(x), Some(e)) => format!("{} ({e})", ms(x)),
            (Some(x), None) => ms(x),
            _ => "no event records the detector acting".to_owned(),
        },
        lag_expected: match (g.lag.expected_min_ms, g.lag.expected_max_ms) {
            (Some(a), Some(b)) => format!(
                "{} – {} ({})",
                ms(a),
                ms(b),
                g.lag.formula.trim_end_matches('.')
            ),
            _ => g.lag.formula.clone(),
        },
        fixes: g
            .fixes
            .iter()
            .map(|f| FixView {
                change: f.change.clone(),
                cost: f.cost.clone(),
                already_on: f.already_on.join(", "),
            })
            .collect(),
        guards: g.guards.clone(),
    }
}

fn replay(r: &Result<&Comparison, String>, command: &str) -> ReplayView {
    let cmp = match r {
        Ok(c) => *c,
        Err(why) => {
            return ReplayView {
                note: why.clone(),
                command: command.to_owned(),
                ..ReplayView::default()
            };
        }
    };
    let (header, rows) = cmp.table();
    ReplayView {
        ran: true,
        note: format!(
            "The inferred timeline replayed as {}: {} members, {} simulated, {} fault phase{}.",
            cmp.scenario,
            cmp.members.len(),
            duration(cmp.duration_s),
            cmp.phases.len(),
            if cmp.phases.len() == 1 { "" } else { "s" }
        ),
        seed: cmp.seed,
        command: command.to_owned(),
        header: header.into_iter().map(str::to_owned).collect(),
        rows,
        legend: TABLE_LEGEND.to_owned(),
        stories: cmp
            .variants
            .iter()
            .map(|v| Story {
                variant: v.outcome.variant.clone(),
                settings: v.outcome.settings.clone(),
                lines: v.story.clone(),
            })
            .collect(),
        writes: cmp
            .variants
            .iter()
            .map(|v| {
                let w = &v.outcome.writes;
                let tally = |t: &rift_replay::outcome::WriteTally| {
                    [t.acknowledged, t.durable, t.at_risk, t.lost, t.fenced]
                };
                WritesRow {
                    variant: v.outcome.variant.clone(),
                    attempted: w.attempted,
                    timed_out: w.timed_out,
                    majority: tally(&w.majority),
                    w1: tally(&w.w1),
                    stale_reads: v.outcome.reads.stale,
                }
            })
            .collect(),
    }
}

/// How long two nodes must both say they lead before the report names them: longer than a
/// hand-over, in which the old leader says it stepped down within a second of the new one.
const TWO_LEADERS_MIN_NS: i64 = 2_000_000_000;

fn invariants(inv: &Invariants, episodes: &[Episode], events: &[Event]) -> InvariantsView {
    let per_minute = inv.leader_changes_per_minute();
    let two_leaders: Vec<[String; 4]> = leaders_at_once(events, TWO_LEADERS_MIN_NS)
        .into_iter()
        .map(|b| {
            [
                format!("{} and {}", b.nodes[0], b.nodes[1]),
                time_of_day(b.from_ns),
                time_of_day(b.to_ns),
                duration((b.to_ns - b.from_ns) as f64 / 1e9),
            ]
        })
        .collect();
    InvariantsView {
        any: !inv.leader_changes.is_empty()
            || !inv.no_leader.is_empty()
            || !inv.commit_regressions.is_empty()
            || !inv.request_latency.is_empty()
            || !two_leaders.is_empty(),
        two_leaders,
        leader_changes_total: per_minute.values().sum(),
        leader_changes: per_minute
            .into_iter()
            .map(|(m, n)| (time_of_day(m)[..5].to_owned(), n))
            .collect(),
        no_leader: inv
            .no_leader
            .iter()
            .map(|(n, a, b)| {
                [
                    n.clone(),
                    time_of_day(*a),
                    time_of_day(*b),
                    duration((b - a) as f64 / 1e9),
                ]
            })
            .collect(),
        regressions: inv
            .commit_regressions
            .iter()
            .map(|(n, at, origin)| [n.clone(), time_of_day(*at), origin.clone()])
            .collect(),
        requests: requests(&inv.request_latency, episodes),
        leadership: !inv.leader_changes.is_empty()
            || !inv.no_leader.is_empty()
            || !inv.commit_regressions.is_empty(),
    }
}

/// The client requests in sentences: the usual latency before the first episode, the worst
/// 10 s, and how many failed during the episodes.
fn requests(bins: &[LatencyBin], episodes: &[Episode]) -> Vec<String> {
    let answered: u64 = bins.iter().map(|b| b.answered).sum();
    let failed: u64 = bins.iter().map(|b| b.failed).sum();
    if answered + failed == 0 {
        return Vec::new();
    }
    let ms = |x: f64| duration(x / 1e3);
    let mut out = vec![format!(
        "{answered} client requests answered and {failed} failed or timed out."
    )];
    let net: Vec<&Episode> = episodes.iter().filter(|e| e.mode.is_network()).collect();
    let first = net.iter().map(|e| e.start_ns).min();
    let mut before: Vec<f64> = bins
        .iter()
        .filter(|b| b.answered > 0 && first.is_none_or(|f| b.start_ns + LATENCY_BIN_NS <= f))
        .map(|b| b.p50_ms)
        .collect();
    before.sort_by(f64::total_cmp);
    if let Some(m) = before.get(before.len() / 2) {
        out.push(format!(
            "Before the first episode the median request took {}.",
            ms(*m)
        ));
    }
    if let Some(w) = bins.iter().filter(|b| b.answered > 0).max_by(|a, b| {
        a.p99_ms
            .total_cmp(&b.p99_ms)
            .then(b.start_ns.cmp(&a.start_ns))
    }) {
        out.push(format!(
            "The slowest 10 s began at {}: 99th percentile {}, slowest {}.",
            &time_of_day(w.start_ns)[..8],
            ms(w.p99_ms),
            ms(w.max_ms)
        ));
    }
    let during: u64 = bins
        .iter()
        .filter(|b| {
            net.iter()
                .any(|e| b.start_ns < e.end_ns && b.start_ns + LATENCY_BIN_NS > e.start_ns)
        })
        .map(|b| b.failed)
        .sum();
    if !net.is_empty() && failed > 0 {
        out.push(format!(
            "{during} of the {failed} failures fell in 10 s bins that overlap an episode."
        ));
    }
    out
}

fn accounting(a: &Accounting) -> AccountingView {
    AccountingView {
        files: a
            .files
            .iter()
            .map(|f| FileRow {
                path: f.path.clone(),
                kind: serde_json::to_value(f.kind)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default(),
                read: f.rows_read,
                used: f.rows_used,
                skipped: f.rows_skipped(),
                reasons: f
                    .skipped
                    .iter()
                    .map(|(r, n)| match f.examples.get(r) {
                        Some(ex) if ex.detail.is_empty() => {
                            format!("{r}: {n} (first at line {})", ex.line)
                        }
                        Some(ex) => format!("{r}: {n} (first at line {}: {})", ex.line, ex.detail),
                        None => format!("{r}: {n}"),
                    })
                    .collect(),
            })
            .collect(),
        read: a.rows_read(),
        used: a.rows_used(),
        skipped: a.rows_skipped(),
        by_reason: a.skipped_by_reason().into_iter().collect(),
    }
}

/// The key moments for graph snapshots: before the first episode, the worst window of each of
/// the largest network episodes, and after the last one heals.
fn moments(t: &Timeline, episodes: &[Episode]) -> Vec<(String, Channel, WindowIdx)> {
    let mut net: Vec<&Episode> = episodes.iter().filter(|e| e.mode.is_network()).collect();
    if net.is_empty() {
        return Vec::new();
    }
    net.sort_by(|a, b| {
        b.edge_seconds
            .total_cmp(&a.edge_seconds)
            .then(a.id.cmp(&b.id))
    });
    net.truncate(MAX_SNAPSHOT_EPISODES);
    net.sort_by_key(|e| e.id);
    let channel_of = |e: &Episode| {
        e.edges
            .first()
            .map(|x| x.channel)
            .or_else(|| e.channels.first().copied())
    };
    let Some(first_channel) = channel_of(net[0]) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if let Some(w) = t.window_of(net[0].start_ns).filter(|w| w.0 > 0) {
        let w = WindowIdx(w.0 - 1);
        out.push((
            format!("Before: {} UTC", &time_of_day(t.window_start(w))[..8]),
            first_channel,
            w,
        ));
    }
    for e in &net {
        let Some(channel) = channel_of(e) else {
            continue;
        };
        if let Some(w) = worst_window(t, e, channel) {
            out.push((
                format!(
                    "During episode {} ({}): {} UTC",
                    e.id,
                    e.mode,
                    &time_of_day(t.window_start(w))[..8]
                ),
                channel,
                w,
            ));
        }
    }
    let last_end = net.iter().map(|e| e.end_ns).max().unwrap_or(0);
    if let Some(w) = t.window_of(last_end + t.window_ns) {
        out.push((
            format!("After: {} UTC", &time_of_day(t.window_start(w))[..8]),
            first_channel,
            w,
        ));
    }
    out
}

/// The window of an episode that shows it best: the middle of the longest stretch with the most of
/// its directed edges failing on `channel`.
fn worst_window(t: &Timeline, e: &Episode, channel: Channel) -> Option<WindowIdx> {
    let a = t.window_of(e.start_ns)?.0;
    let b = t
        .window_of(e.end_ns - 1)
        .map_or(t.windows, |w| w.0 + 1)
        .max(a + 1);
    let mut diff = vec![0i64; (b - a + 1) as usize];
    let mut keys: BTreeSet<EdgeKey> = BTreeSet::new();
    for x in e.edges.iter().filter(|x| x.channel == channel) {
        let flow = x.flow.clone();
        let mut add = |src: &rift_ingest::model::NodeId, dst: &rift_ingest::model::NodeId| {
            keys.insert(EdgeKey {
                channel,
                src: src.clone(),
                dst: dst.clone(),
                flow: flow.clone(),
            });
        };
        add(&x.from, &x.to);
        if x.direction != EdgeDirection::OneWay {
            add(&x.to, &x.from);
        }
    }
    for k in &keys {
        for s in t.edges.get(k).into_iter().flatten() {
            if !s.state.is_fault() {
                continue;
            }
            let (sa, sb) = (s.start.0.max(a), s.end.0.min(b));
            if sa < sb {
                diff[(sa - a) as usize] += 1;
                diff[(sb - a) as usize] -= 1;
            }
        }
    }
    let mut counts = Vec::with_capacity((b - a) as usize);
    let mut run = 0;
    for w in a..b {
        run += diff[(w - a) as usize];
        counts.push(run);
    }
    let best = counts.iter().copied().max().unwrap_or(0);
    if best == 0 {
        // An episode seen only in round trips gets its middle.
        return Some(WindowIdx((a + b) / 2));
    }
    // The middle of the longest stretch at the most failing directions: the steady state of the
    // fault rather than its first, still partial, window.
    let (mut longest, mut at, mut i) = (0usize, 0usize, 0usize);
    while i < counts.len() {
        if counts[i] != best {
            i += 1;
            continue;
        }
        let start = i;
        while i < counts.len() && counts[i] == best {
            i += 1;
        }
        if i - start > longest {
            (longest, at) = (i - start, start + (i - start) / 2);
        }
    }
    Some(WindowIdx(a + at as u32))
}
