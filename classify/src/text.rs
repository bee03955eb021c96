//! The human-readable verdict.

use std::fmt::Write;

use crate::episode::{EdgeDirection, Episode, EpisodeEdge, Transient};
use crate::gap::{Gap, GapKind};
use crate::{Mode, Subtype, Verdict};

/// Edges listed per episode; `--json` has them all.
const MAX_EDGES: usize = 8;

fn time_of_day(ts: &str) -> &str {
    ts.get(11..23).unwrap_or(ts)
}

fn secs(s: f64) -> String {
    if s >= 100.0 || s.fract() == 0.0 {
        format!("{s:.0} s")
    } else {
        format!("{s:.1} s")
    }
}

fn ms(v: f64) -> String {
    if v >= 1000.0 {
        secs(v / 1000.0)
    } else {
        format!("{v:.0} ms")
    }
}

/// One edge of an episode in words: `heartbeat: n2 → n1 down  p=0.00 n=200`.
pub fn edge(e: &EpisodeEdge) -> String {
    let flow = e
        .flow
        .as_ref()
        .map(|f| format!(" flow {f}"))
        .unwrap_or_default();
    let what = match e.direction {
        EdgeDirection::OneWay => format!("{} → {} {}", e.from, e.to, e.state),
        EdgeDirection::Both => format!("{} ⇹ {} {} both ways", e.from, e.to, e.state),
        EdgeDirection::Unknown => {
            format!(
                "{} ⇄ {} round trips {} (direction unknown)",
                e.from, e.to, e.state
            )
        }
    };
    let est = match e.p {
        Some(p) => format!("  p={p:.2} n={}", e.n),
        None => String::new(),
    };
    format!("{}{flow}: {what}{est}", e.channel)
}

/// What an episode was, as data: the terminal's headline ([`headline`]) and the report's
/// sentence are both rendered from it. Each mode carries the kinds it can have, so that a
/// renderer names every one (no catch-all lets a new kind fall through unnoticed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Description<'a> {
    /// The subject was cut off completely.
    Complete,
    /// One direction failed.
    Asymmetric(OneWay<'a>),
    /// Some paths failed while others held.
    Partial(PartialKind),
    /// The workload failed where a liveness check passed, or observers disagreed.
    Gray(GrayKind),
    /// The fault came and went again and again.
    Flapping(FlappingKind),
    /// A node stopped reporting: not the network.
    Crash(CrashKind),
    /// Nothing failed.
    Healthy,
}

/// Which way an asymmetric episode's one-way edges point.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OneWay<'a> {
    /// Every one-way edge ends at `node`: it does not hear `from`.
    DoesNotHear {
        /// The node that does not hear.
        node: &'a str,
        /// Whom it does not hear, in edge order, without repeats in a row.
        from: Vec<&'a str>,
    },
    /// Every one-way edge starts at `node`: `by` do not hear it.
    NotHeardBy {
        /// The node not heard.
        node: &'a str,
        /// Who does not hear it.
        by: Vec<&'a str>,
    },
    /// The one-way edges point several ways (or none is one-way).
    Mixed,
}

/// The kinds of a partial episode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PartialKind {
    /// A pair cut while a third node reaches both.
    NonTransitive,
    /// Some flows (or channels) of a pair failed while others passed.
    PerFlow,
    /// Traffic lost in part, for a lasting spell.
    Lossy,
    /// No kind recorded.
    Unspecified,
}

/// The kinds of a gray episode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GrayKind {
    /// Health checks (or heartbeats) passed while the workload failed.
    HealthPassesDataFails,
    /// Some observers reached the subject while others could not.
    ObserversDisagree,
    /// No kind recorded.
    Unspecified,
}

/// The kinds of a flapping episode: what each down phase looked like.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlappingKind {
    /// Each down phase cut the subject off.
    Complete,
    /// Each down phase was one way.
    Asymmetric,
    /// Each down phase cut some paths.
    Partial,
    /// No kind recorded.
    Unspecified,
}

/// The kinds of a crash episode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CrashKind {
    /// The node restarted after its silence.
    Restarted,
    /// No restart was seen.
    Silent,
    /// No kind recorded.
    Unspecified,
}

impl PartialKind {
    fn subtype(self) -> Option<Subtype> {
        match self {
            PartialKind::NonTransitive => Some(Subtype::NonTransitive),
            PartialKind::PerFlow => Some(Subtype::PerFlow),
            PartialKind::Lossy => Some(Subtype::Lossy),
            PartialKind::Unspecified => None,
        }
    }
}

impl GrayKind {
    fn subtype(self) -> Option<Subtype> {
        match self {
            GrayKind::HealthPassesDataFails => Some(Subtype::HealthPassesDataFails),
            GrayKind::ObserversDisagree => Some(Subtype::ObserversDisagree),
            GrayKind::Unspecified => None,
        }
    }
}

impl FlappingKind {
    /// The subtype's name as the verdict prints it: `complete`, `asymmetric`, `partial`.
    pub fn subtype(self) -> Option<Subtype> {
        match self {
            FlappingKind::Complete => Some(Subtype::FlappingComplete),
            FlappingKind::Asymmetric => Some(Subtype::FlappingAsymmetric),
            FlappingKind::Partial => Some(Subtype::FlappingPartial),
            FlappingKind::Unspecified => None,
        }
    }
}

impl CrashKind {
    fn subtype(self) -> Option<Subtype> {
        match self {
            CrashKind::Restarted => Some(Subtype::Restarted),
            CrashKind::Silent => Some(Subtype::Silent),
            CrashKind::Unspecified => None,
        }
    }
}

/// The structured description of an episode. A subtype the classifier never gives a mode reads
/// as that mode's `Unspecified`.
pub fn describe(e: &Episode) -> Description<'_> {
    let st = e.subtype;
    match e.mode {
        Mode::Complete => Description::Complete,
        Mode::Asymmetric => Description::Asymmetric(one_way(e)),
        Mode::Partial => Description::Partial(match st {
            Some(Subtype::NonTransitive) => PartialKind::NonTransitive,
            Some(Subtype::PerFlow) => PartialKind::PerFlow,
            Some(Subtype::Lossy) => PartialKind::Lossy,
            _ => PartialKind::Unspecified,
        }),
        Mode::Gray => Description::Gray(match st {
            Some(Subtype::HealthPassesDataFails) => GrayKind::HealthPassesDataFails,
            Some(Subtype::ObserversDisagree) => GrayKind::ObserversDisagree,
            _ => GrayKind::Unspecified,
        }),
        Mode::Flapping => Description::Flapping(match st {
            Some(Subtype::FlappingComplete) => FlappingKind::Complete,
            Some(Subtype::FlappingAsymmetric) => FlappingKind::Asymmetric,
            Some(Subtype::FlappingPartial) => FlappingKind::Partial,
            _ => FlappingKind::Unspecified,
        }),
        Mode::Crash => Description::Crash(match st {
            Some(Subtype::Restarted) => CrashKind::Restarted,
            Some(Subtype::Silent) => CrashKind::Silent,
            _ => CrashKind::Unspecified,
        }),
        Mode::Healthy => Description::Healthy,
    }
}

/// Whom an asymmetric episode's one-way edges point to or from.
fn one_way(e: &Episode) -> OneWay<'_> {
    let edges: Vec<&EpisodeEdge> = e
        .edges
        .iter()
        .filter(|x| x.direction == EdgeDirection::OneWay)
        .collect();
    let Some(first) = edges.first() else {
        return OneWay::Mixed;
    };
    let list = |f: &dyn Fn(&EpisodeEdge) -> &str| {
        let mut v: Vec<&str> = edges.iter().map(|x| f(x)).collect();
        v.dedup();
        v
    };
    if edges.iter().all(|x| x.to == first.to) {
        OneWay::DoesNotHear {
            node: first.to.0.as_str(),
            from: list(&|x| x.from.0.as_str()),
        }
    } else if edges.iter().all(|x| x.from == first.from) {
        OneWay::NotHeardBy {
            node: first.from.0.as_str(),
            by: list(&|x| x.to.0.as_str()),
        }
    } else {
        OneWay::Mixed
    }
}

impl OneWay<'_> {
    /// `n1 does not hear n2, n3` or `n1 is not heard by n2, n3`; `None` when mixed.
    pub fn phrase(&self) -> Option<String> {
        match self {
            OneWay::DoesNotHear { node, from } => {
                Some(format!("{node} does not hear {}", from.join(", ")))
            }
            OneWay::NotHeardBy { node, by } => {
                Some(format!("{node} is not heard by {}", by.join(", ")))
            }
            OneWay::Mixed => None,
        }
    }
}

/// What an episode was, in a few words: `asymmetric: n1 does not hear n2, n3`.
pub fn headline(e: &Episode) -> String {
    let names: Vec<&str> = e.subject.iter().map(|n| n.0.as_str()).collect();
    let subject = names.join(", ");
    let of = |mode: Mode, st: Option<Subtype>| match st {
        Some(s) => format!("{mode} ({s}) between {subject}"),
        None => format!("{mode}: {subject}"),
    };
    match describe(e) {
        Description::Complete => format!("complete: {subject} cut off"),
        Description::Asymmetric(way) => match way.phrase() {
            Some(p) => format!("asymmetric: {p}"),
            None => format!("asymmetric between {subject}"),
        },
        Description::Partial(k) => of(Mode::Partial, k.subtype()),
        Description::Gray(k) => match k.subtype() {
            Some(s) => format!("gray ({s}) on {subject}"),
            None => of(Mode::Gray, None),
        },
        Description::Flapping(FlappingKind::Complete) if e.subject.len() == 1 => {
            format!("flapping (complete): {subject} cut off again and again")
        }
        Description::Flapping(k) => match k.subtype() {
            Some(s) => format!("flapping ({s}) between {subject}"),
            None => of(Mode::Flapping, None),
        },
        Description::Crash(k) => match k.subtype() {
            Some(s) => format!("crash ({s}): {subject} stopped reporting"),
            None => of(Mode::Crash, None),
        },
        Description::Healthy => of(Mode::Healthy, e.subtype),
    }
}

/// Renders the verdict for a terminal.
pub fn render(v: &Verdict) -> String {
    let c = &v.classification;
    let mut out = String::new();
    let w = &mut out;
    if let Some(t) = &v.title {
        let _ = writeln!(w, "incident  {t}");
    }
    let _ = writeln!(w, "span      {} – {}", c.start, c.end);
    let names: Vec<&str> = c.nodes.iter().map(|n| n.0.as_str()).collect();
    if names.len() > 12 {
        let _ = writeln!(
            w,
            "nodes     {}, … ({} nodes)",
            names[..10].join(", "),
            names.len()
        );
    } else {
        let _ = writeln!(w, "nodes     {}", names.join(", "));
    }
    let _ = writeln!(
        w,
        "channels  {}",
        c.channels
            .iter()
            .map(|n| n.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let _ = writeln!(w);
    if c.episodes.is_empty() {
        let _ = writeln!(
            w,
            "verdict   healthy: no direction was down or lossy for long enough to count"
        );
    } else {
        if c.primary == Mode::Crash {
            let _ = writeln!(
                w,
                "verdict   crash: a node stopped reporting; no network fault was found"
            );
        } else {
            let _ = writeln!(w, "verdict   {}", c.primary);
        }
        if !c.secondary.is_empty() {
            let _ = writeln!(
                w,
                "also      {}",
                c.secondary
                    .iter()
                    .map(|m| m.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        let scores: Vec<String> = c
            .scores
            .iter()
            .map(|s| {
                format!(
                    "{} {} edge-s",
                    s.mode,
                    secs(s.edge_seconds).trim_end_matches(" s")
                )
            })
            .collect();
        let _ = writeln!(w, "weight    {}", scores.join(", "));
    }
    for e in &c.episodes {
        episode(w, e);
    }
    transients(w, &c.transients);
    detector(w, v);
    out
}

/// One episode: its headline, confidence, edges, notes and the evidence rows.
fn episode(w: &mut String, e: &Episode) {
    let _ = writeln!(w);
    let _ = writeln!(
        w,
        "episode {}  {} – {} ({})  {}",
        e.id,
        time_of_day(&e.start),
        time_of_day(&e.end),
        secs(e.duration_s()),
        headline(e)
    );
    let _ = writeln!(w, "  confidence {:.2}", e.confidence);
    for x in e.edges.iter().take(MAX_EDGES) {
        let _ = writeln!(w, "  {}", edge(x));
    }
    if e.edges.len() > MAX_EDGES {
        let _ = writeln!(w, "  … {} more edges in --json", e.edges.len() - MAX_EDGES);
    }
    for n in &e.notes {
        let _ = writeln!(w, "  note: {n}");
    }
    if !e.evidence.is_empty() {
        let _ = writeln!(
            w,
            "  evidence ({} rows where a series turned):",
            e.evidence_total
        );
        for r in e.evidence.iter().take(6) {
            let _ = writeln!(
                w,
                "    {} {} {}→{} {} {}/{}  {}",
                time_of_day(&r.ts),
                r.channel,
                r.src,
                r.dst,
                r.turn,
                r.delivered,
                r.attempts,
                r.origin
            );
        }
        if e.evidence_total > 6 {
            let _ = writeln!(w, "    … {} more in --json", e.evidence_total - 6);
        }
    }
}

/// Findings shorter than the minimum duration.
fn transients(w: &mut String, transients: &[Transient]) {
    if !transients.is_empty() {
        let _ = writeln!(w);
        let _ = writeln!(
            w,
            "transients ({} findings shorter than the minimum duration, not classified):",
            transients.len()
        );
        for t in transients {
            let _ = writeln!(
                w,
                "  {} {} {} ({})",
                time_of_day(&t.start),
                t.mode,
                t.subject
                    .iter()
                    .map(|n| n.0.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                secs(t.duration_s)
            );
        }
    }
}

/// The detector in use, its settings and guards, and the gap analysis.
fn detector(w: &mut String, v: &Verdict) {
    let _ = writeln!(w);
    match &v.detector {
        None => {
            let _ = writeln!(
                w,
                "detector  unknown: name it with --detector or [detector] in incident.toml for the gap analysis"
            );
        }
        Some(d) => {
            let from = d.describe_source();
            let _ = writeln!(w, "detector  {} — {}", d.detector.title, from);
            let params: Vec<String> = d
                .parameters
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            if !params.is_empty() {
                let _ = writeln!(w, "          {}", params.join(", "));
            }
            if !d.guards.is_empty() {
                let _ = writeln!(w, "guards    {}", d.guards.join(", "));
            }
            for g in &v.gaps {
                gap(w, g);
            }
        }
    }
}

fn gap(w: &mut String, g: &Gap) {
    let _ = writeln!(w);
    let _ = writeln!(w, "gap analysis, episode {}", g.episode);
    let _ = writeln!(w, "  network showed   {}", g.network);
    let _ = writeln!(w, "  detector assumed {} ({})", g.assumption, g.assumed);
    let _ = writeln!(w, "  coverage         {}: {}", g.coverage.as_str(), g.why);
    let kind = match g.gap {
        GapKind::None => "no gap",
        GapKind::Design => "design gap",
        GapKind::Deployment => "deployment gap",
    };
    let _ = writeln!(w, "  mismatch         {kind}: {}", g.reason);
    match (g.lag.measured_ms, &g.lag.measured_event) {
        (Some(m), Some(ev)) => {
            let _ = writeln!(w, "  detection lag    measured {} ({ev})", ms(m));
        }
        _ => {
            if let (Some(lo), Some(hi)) = (g.lag.expected_min_ms, g.lag.expected_max_ms) {
                let _ = writeln!(
                    w,
                    "  detection lag    expected {} – {} (no event records the detector acting)",
                    ms(lo),
                    ms(hi)
                );
            }
        }
    }
    for f in &g.fixes {
        let on = if f.already_on.is_empty() {
            String::new()
        } else {
            format!(" [already on: {}]", f.already_on.join(", "))
        };
        let _ = writeln!(w, "  fix              {}{on}", f.change);
        let _ = writeln!(w, "    cost           {}", f.cost);
    }
    for gd in &g.guards {
        let _ = writeln!(w, "  guard            {gd}");
    }
}

#[cfg(test)]
mod tests {
    use rift_ingest::model::Channel;
    use rift_reach::EdgeState;
    use rift_reach::synthetic::{mesh, names, timeline};

    use super::{Description, OneWay, describe, headline};
    use crate::{Options, classify};

    #[test]
    fn the_headline_is_rendered_from_the_description() {
        // n0 hears neither n1 nor n2 from second 10 to 30; everything else is up.
        let nodes = names(3);
        let edges = mesh(&nodes, Channel::Heartbeat, 40, |s, d, w| {
            if d == 0 && s != 0 && (10..30).contains(&w) {
                EdgeState::Down
            } else {
                EdgeState::Up
            }
        });
        let c = classify(&timeline(nodes, edges, 40), None, &[], &Options::default());
        let ep = &c.episodes[0];
        assert_eq!(
            describe(ep),
            Description::Asymmetric(OneWay::DoesNotHear {
                node: "n0",
                from: vec!["n1", "n2"]
            })
        );
        assert_eq!(headline(ep), "asymmetric: n0 does not hear n1, n2");
    }
}
