//! src × dst grids: one per channel for one window, or one per change point.
//!
//! Cells: `U` up, `L` lossy, `D` down, `?` unknown direction (the pair's round trips fail),
//! `.` not measured, `-` the diagonal.

use std::io::{self, Write};

use rift_ingest::format_ts;

use super::{Format, View};
use crate::model::{EdgeState, Timeline, WindowIdx};
use crate::snapshot::Snapshot;

/// Writes text matrices.
#[derive(Clone, Copy, Debug, Default)]
pub struct Matrix;

fn cell(state: Option<EdgeState>) -> &'static str {
    match state {
        Some(EdgeState::Up) => "U",
        Some(EdgeState::Lossy) => "L",
        Some(EdgeState::Down) => "D",
        Some(EdgeState::Unknown) => "?",
        None => ".",
    }
}

fn grid(t: &Timeline, snap: &Snapshot, out: &mut dyn Write) -> io::Result<()> {
    let nodes = &snap.nodes;
    let width = nodes
        .iter()
        .map(|n| n.as_str().chars().count())
        .max()
        .unwrap_or(1)
        .max(8);
    write!(out, "{:>width$}", "src\\dst")?;
    for n in nodes {
        write!(out, " {:>width$}", n.as_str())?;
    }
    writeln!(out)?;
    for s in nodes {
        write!(out, "{:>width$}", s.as_str())?;
        for d in nodes {
            let c = if s == d {
                "-"
            } else {
                cell(snap.state(s.as_str(), d.as_str()))
            };
            write!(out, " {c:>width$}")?;
        }
        writeln!(out)?;
    }
    let _ = t;
    Ok(())
}

impl Format for Matrix {
    fn write(&self, t: &Timeline, view: &View, out: &mut dyn Write) -> io::Result<()> {
        writeln!(
            out,
            "legend: U up, L lossy, D down, ? direction unknown (round trips fail), . not measured"
        )?;
        for c in view.channels(t) {
            let windows: Vec<WindowIdx> = match view.at {
                Some(w) => vec![w],
                None => t.change_points(Some(c)),
            };
            let mut last: Option<Snapshot> = None;
            for (i, &w) in windows.iter().enumerate() {
                let snap = Snapshot::at(t, c, w);
                if last.as_ref().is_some_and(|l| l.edges == snap.edges) {
                    continue;
                }
                let until = windows.get(i + 1).map_or(t.windows, |n| n.0);
                writeln!(out)?;
                if view.at.is_some() {
                    writeln!(
                        out,
                        "channel {c} at {} (window {})",
                        format_ts(t.window_start(w)),
                        w.0
                    )?;
                } else {
                    writeln!(
                        out,
                        "channel {c} from {} to {} (windows {}..{})",
                        format_ts(t.window_start(w)),
                        format_ts(t.window_start(WindowIdx(until))),
                        w.0,
                        until
                    )?;
                }
                grid(t, &snap, out)?;
                last = Some(snap);
            }
        }
        Ok(())
    }
}
