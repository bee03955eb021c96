//! A terminal summary: what was measured, and every period when a direction was not up.

use std::io::{self, Write};

use rift_ingest::format_ts;

use super::{Format, View, clock};
use crate::model::{Direction, EdgeState, Segment, Timeline, WindowIdx};

/// Writes the human-readable summary.
#[derive(Clone, Copy, Debug, Default)]
pub struct Text;

fn estimate(s: &Segment) -> String {
    match s.estimate {
        Some(e) => format!("p={:.2} [{:.2}, {:.2}] n={}", e.p, e.lo, e.hi, e.n),
        None => "no estimate".to_owned(),
    }
}

fn span(t: &Timeline, s: &Segment) -> String {
    let secs = (i64::from(s.end.0 - s.start.0) * t.window_ns) as f64 / 1e9;
    format!(
        "{}–{} ({secs:.0}s)",
        clock(t.window_start(s.start)),
        clock(t.window_start(s.end))
    )
}

impl Format for Text {
    fn write(&self, t: &Timeline, view: &View, out: &mut dyn Write) -> io::Result<()> {
        let names: Vec<&str> = t.nodes.iter().map(|n| n.as_str()).collect();
        writeln!(out, "nodes     {}", names.join(", "))?;
        writeln!(
            out,
            "span      {} – {} ({} windows of {} ms)",
            format_ts(t.epoch_ns),
            format_ts(t.window_start(WindowIdx(t.windows))),
            t.windows,
            t.window_ns / 1_000_000
        )?;
        writeln!(
            out,
            "states    up ≥ {}, down ≤ {}, lossy between",
            t.thresholds.up, t.thresholds.down
        )?;
        for c in view.channels(t) {
            let dirs = t
                .edges
                .keys()
                .filter(|k| k.channel == c && k.flow.is_none())
                .count();
            let pairs = t
                .round_trips
                .keys()
                .filter(|k| k.channel == c && k.flow.is_none())
                .count();
            writeln!(out)?;
            writeln!(
                out,
                "channel {c}: {dirs} directions, {pairs} round-trip pairs"
            )?;
            if let Some(w) = view.at {
                writeln!(out, "  at {}:", format_ts(t.window_start(w)))?;
                for (k, segs) in t.edges.iter().filter(|(k, _)| k.channel == c) {
                    if let Some(s) = segs.iter().find(|s| s.contains(w)) {
                        let flow = k
                            .flow
                            .as_deref()
                            .map(|f| format!(" flow {f}"))
                            .unwrap_or_default();
                        writeln!(
                            out,
                            "  {} → {}{flow}  {}  {} ({})",
                            k.src,
                            k.dst,
                            s.state,
                            estimate(s),
                            s.basis.as_str()
                        )?;
                    }
                }
                continue;
            }
            let mut lines: Vec<(WindowIdx, String)> = Vec::new();
            for (k, segs) in t.edges.iter().filter(|(k, _)| k.channel == c) {
                for s in segs.iter().filter(|s| s.state.is_fault()) {
                    let flow = k
                        .flow
                        .as_deref()
                        .map(|f| format!(" flow {f}"))
                        .unwrap_or_default();
                    lines.push((
                        s.start,
                        format!(
                            "  {}  {} → {}{flow}  {}  {} ({})",
                            span(t, s),
                            k.src,
                            k.dst,
                            s.state,
                            estimate(s),
                            s.basis.as_str()
                        ),
                    ));
                }
            }
            for (k, segs) in t.round_trips.iter().filter(|(k, _)| k.channel == c) {
                for s in segs.iter().filter(|s| s.state.is_fault()) {
                    let unknown = (s.start.0..s.end.0).any(|w| {
                        t.fault(c, k.a.as_str(), k.b.as_str(), WindowIdx(w))
                            == Some(Direction::Unknown)
                    });
                    if k.flow.is_none() && !unknown {
                        continue;
                    }
                    let flow = k
                        .flow
                        .as_deref()
                        .map(|f| format!(" flow {f}"))
                        .unwrap_or_default();
                    lines.push((
                        s.start,
                        format!(
                            "  {}  {} ⇄ {}{flow}  round trips {}, direction unknown  {}",
                            span(t, s),
                            k.a,
                            k.b,
                            if s.state == EdgeState::Down {
                                "fail"
                            } else {
                                "lossy"
                            },
                            estimate(s)
                        ),
                    ));
                }
            }
            lines.sort();
            if lines.is_empty() {
                writeln!(out, "  every measured direction up throughout")?;
            }
            for (_, l) in lines {
                writeln!(out, "{l}")?;
            }
        }
        Ok(())
    }
}
