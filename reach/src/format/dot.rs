//! One window of one or all channels as a Graphviz digraph.
//!
//! Each measured direction is an arrow coloured by state (up green, lossy orange, down red,
//! unknown grey dotted), labelled with its delivery estimate. A pair whose round trips fail
//! with no direction pinned is drawn as a dashed red line without arrowheads, labelled `?`.

use std::io::{self, Write};

use rift_ingest::format_ts;

use super::{Format, View, first_fault};
use crate::model::{Direction, EdgeState, Timeline};

/// Writes Graphviz DOT.
#[derive(Clone, Copy, Debug, Default)]
pub struct Dot;

fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

impl Format for Dot {
    fn write(&self, t: &Timeline, view: &View, out: &mut dyn Write) -> io::Result<()> {
        let w = view.at.unwrap_or_else(|| first_fault(t, view));
        writeln!(
            out,
            "// rift reachability at {} (window {})",
            format_ts(t.window_start(w)),
            w.0
        )?;
        writeln!(out, "digraph reachability {{")?;
        writeln!(out, "  rankdir=LR;")?;
        writeln!(out, "  node [shape=ellipse];")?;
        for n in &t.nodes {
            writeln!(out, "  {};", quote(n.as_str()))?;
        }
        for c in view.channels(t) {
            for (k, segs) in t
                .edges
                .iter()
                .filter(|(k, _)| k.channel == c && k.flow.is_none())
            {
                let Some(s) = segs.iter().find(|s| s.contains(w)) else {
                    continue;
                };
                let (color, style) = match s.state {
                    EdgeState::Up => ("darkgreen", "solid"),
                    EdgeState::Lossy => ("orange", "dashed"),
                    EdgeState::Down => ("red", "bold"),
                    EdgeState::Unknown => ("grey", "dotted"),
                };
                let p = s
                    .estimate
                    .map(|e| format!(" {:.2}", e.p))
                    .unwrap_or_default();
                writeln!(
                    out,
                    "  {} -> {} [color={color}, style={style}, label={}];",
                    quote(k.src.as_str()),
                    quote(k.dst.as_str()),
                    quote(&format!("{c} {}{p}", s.state))
                )?;
            }
            for k in t
                .round_trips
                .keys()
                .filter(|k| k.channel == c && k.flow.is_none())
            {
                if t.fault(c, k.a.as_str(), k.b.as_str(), w) == Some(Direction::Unknown) {
                    writeln!(
                        out,
                        "  {} -> {} [dir=none, color=red, style=dashed, label={}];",
                        quote(k.a.as_str()),
                        quote(k.b.as_str()),
                        quote(&format!("{c} round trips fail ?"))
                    )?;
                }
            }
        }
        writeln!(out, "}}")
    }
}
