//! `src × dst` grids of one channel at successive moments: row = sender, column = receiver, so
//! a one-way fault is one red cell whose mirror across the diagonal stays green.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use rift_ingest::model::{Channel, NodeId};
use rift_reach::{EdgeState, Segment, Timeline};

use super::{Bins, Figure, binned, fill, open, row_runs, short, state_legend};
use crate::text;

/// Panels per channel at most.
const MAX_PANELS: u32 = 8;
/// The side of a panel's grid, px, for large clusters.
const GRID: f64 = 150.0;

/// One figure per channel with one-way or round-trip series.
pub fn figures(t: &Timeline) -> Vec<Figure> {
    super::per_channel(t, figure)
}

fn figure(t: &Timeline, channel: Channel) -> Option<Figure> {
    let bins = Bins::new(t.windows, MAX_PANELS);
    // Cells: per (src, dst), the worst state per panel. A pair known only from round trips
    // shows the round trip's state in both of its cells.
    let mut cells: BTreeMap<(&NodeId, &NodeId), Vec<Option<EdgeState>>> = BTreeMap::new();
    let mut nodes: BTreeSet<&NodeId> = BTreeSet::new();
    for (k, segs) in &t.edges {
        if k.channel == channel && k.flow.is_none() {
            cells.insert((&k.src, &k.dst), binned(segs, &bins));
            nodes.extend([&k.src, &k.dst]);
        }
    }
    let mut rt: Vec<(&NodeId, &NodeId, &Vec<Segment>)> = Vec::new();
    for (k, segs) in &t.round_trips {
        if k.channel == channel && k.flow.is_none() {
            rt.push((&k.a, &k.b, segs));
            nodes.extend([&k.a, &k.b]);
        }
    }
    for (a, b, segs) in rt {
        let v = binned(segs, &bins);
        cells.entry((a, b)).or_insert_with(|| v.clone());
        cells.entry((b, a)).or_insert(v);
    }
    if cells.is_empty() {
        return None;
    }
    let nodes: Vec<&NodeId> = nodes.into_iter().collect();
    let n = nodes.len();
    let cell = (GRID / n as f64).clamp(2.0, 16.0);
    let grid = cell * n as f64;
    let named = cell >= 9.0;
    let name_w = if named {
        nodes
            .iter()
            .map(|x| super::text_width(&short(&x.0, 10)))
            .fold(12.0, f64::max)
            + 6.0
    } else {
        0.0
    };
    let panel_w = (name_w + grid + 18.0).max(name_w + 122.0);
    let per_row = ((900.0 / panel_w).floor() as u32).clamp(1, bins.count);
    let panel_rows = bins.count.div_ceil(per_row);
    let panel_h = 18.0 + name_w + grid + 14.0;
    let width = (panel_w * f64::from(per_row)).max(560.0);
    let height = panel_h * f64::from(panel_rows) + 24.0;
    let mut s = open(
        width,
        height,
        &format!("{channel}: sender by receiver grids over time"),
    );
    for p in 0..bins.count {
        let px = f64::from(p % per_row) * panel_w;
        let py = f64::from(p / per_row) * panel_h;
        let (a, b) = bins.range(p);
        let from = t.window_start(rift_reach::WindowIdx(a));
        let to = t.window_start(rift_reach::WindowIdx(b));
        let title = if b - a == 1 {
            text::time_of_day(from)[..8].to_owned()
        } else {
            format!(
                "{}–{}",
                &text::time_of_day(from)[..8],
                &text::time_of_day(to)[..8]
            )
        };
        super::label(&mut s, px + name_w, py + 12.0, "start", &title);
        let gx = px + name_w;
        let gy = py + 18.0 + name_w;
        let _ = write!(
            s,
            r##"<rect x="{gx:.1}" y="{gy:.1}" width="{grid:.1}" height="{grid:.1}" fill="{}" stroke="#bbb" stroke-width="0.5"/>"##,
            fill(None)
        );
        for (r, src) in nodes.iter().enumerate() {
            let row: Vec<Option<EdgeState>> = nodes
                .iter()
                .map(|dst| cells.get(&(*src, *dst)).and_then(|v| v[p as usize]))
                .collect();
            row_runs(&mut s, &row, gx, gy + r as f64 * cell, cell, cell - 0.5);
        }
        // The diagonal: a node and itself.
        for i in 0..n {
            let _ = write!(
                s,
                r##"<rect x="{:.1}" y="{:.1}" width="{cell:.1}" height="{cell:.1}" fill="#ffffff"/>"##,
                gx + i as f64 * cell,
                gy + i as f64 * cell
            );
        }
        if named {
            for (i, x) in nodes.iter().enumerate() {
                let name = short(&x.0, 10);
                let _ = write!(
                    s,
                    r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
                    gx - 3.0,
                    gy + i as f64 * cell + cell - 3.0,
                    text::html(&name)
                );
                let cx = gx + i as f64 * cell + cell - 4.0;
                let _ = write!(
                    s,
                    r#"<text x="{cx:.1}" y="{:.1}" text-anchor="start" transform="rotate(-90 {cx:.1} {:.1})">{}</text>"#,
                    gy - 3.0,
                    gy - 3.0,
                    text::html(&name)
                );
            }
        }
    }
    state_legend(&mut s, 4.0, height - 8.0);
    s.push_str("</svg>");
    let mut caption = format!(
        "Rows are senders, columns receivers, on the {channel} channel: a one-way fault is a red cell whose mirror across the diagonal stays green. {}",
        bins.caption(t.window_ns, "grid", " of each direction")
    );
    if !named {
        let names: Vec<String> = nodes.iter().map(|x| x.0.clone()).collect();
        let _ = write!(caption, " Nodes in name order: {}.", text::list(&names, 12));
    }
    Some(Figure {
        id: format!("matrix-{}", channel.as_str()),
        title: format!("Sender × receiver over time: {channel}"),
        caption,
        svg: s,
    })
}
