//! The human-readable verdict.

use std::fmt::Write;

use crate::episode::{EdgeDirection, Episode, EpisodeEdge};
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

/// What an episode was, in a few words: `asymmetric: n1 does not hear n2, n3`.
pub fn headline(e: &Episode) -> String {
    let names: Vec<&str> = e.subject.iter().map(|n| n.0.as_str()).collect();
    let subject = names.join(", ");
    match (e.mode, e.subtype) {
        (Mode::Complete, _) => format!("complete: {subject} cut off"),
        (Mode::Crash, Some(s)) => format!("crash ({s}): {subject} stopped reporting"),
        (Mode::Gray, Some(s)) => format!("gray ({s}) on {subject}"),
        (Mode::Flapping, Some(Subtype::FlappingComplete)) if e.subject.len() == 1 => {
            format!("flapping (complete): {subject} cut off again and again")
        }
        (Mode::Flapping, Some(s)) => format!("flapping ({s}) between {subject}"),
        (Mode::Asymmetric, _) => asymmetric(e).unwrap_or(format!("asymmetric between {subject}")),
        (m, Some(s)) => format!("{m} ({s}) between {subject}"),
        (m, None) => format!("{m}: {subject}"),
    }
}

/// "n1 does not hear n2, n3" when every one-way edge ends at one node, "n1 is not heard by
/// n2, n3" when every one starts at one node.
fn asymmetric(e: &Episode) -> Option<String> {
    let one_way: Vec<&EpisodeEdge> = e
        .edges
        .iter()
        .filter(|x| x.direction == EdgeDirection::OneWay)
        .collect();
    let first = one_way.first()?;
    let list = |f: &dyn Fn(&EpisodeEdge) -> &str| {
        let mut v: Vec<&str> = one_way.iter().map(|x| f(x)).collect();
        v.dedup();
        v.join(", ")
    };
    if one_way.iter().all(|x| x.to == first.to) {
        Some(format!(
            "asymmetric: {} does not hear {}",
            first.to,
            list(&|x| x.from.0.as_str())
        ))
    } else if one_way.iter().all(|x| x.from == first.from) {
        Some(format!(
            "asymmetric: {} is not heard by {}",
            first.from,
            list(&|x| x.to.0.as_str())
        ))
    } else {
        None
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
    if !c.transients.is_empty() {
        let _ = writeln!(w);
        let _ = writeln!(
            w,
            "transients ({} findings shorter than the minimum duration, not classified):",
            c.transients.len()
        );
        for t in &c.transients {
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
    let _ = writeln!(w);
    match &v.detector {
        None => {
            let _ = writeln!(
                w,
                "detector  unknown: name it with --detector or [detector] in incident.toml for the gap analysis"
            );
        }
        Some(d) => {
            let from = d.source.describe();
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
    out
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
