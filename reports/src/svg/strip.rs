//! Every direction of one channel over time: one row per `src → dst` (and per pair whose only
//! evidence is round trips), one column per time bin.

use std::fmt::Write;

use std::collections::BTreeMap;

use rift_ingest::model::{Channel, NodeId};
use rift_reach::{EdgeState, Segment, Timeline};

use super::{Bins, Figure, Scale, binned, open, row_runs, short, span, state_legend};
use crate::text;

/// Rows drawn in full when a channel has at most this many series.
const ALL_ROWS_UP_TO: usize = 40;
/// Rows drawn at most; the others are counted in the caption.
const MAX_ROWS: usize = 120;
/// Columns at most.
const MAX_COLS: u32 = 720;
const PLOT_W: f64 = 720.0;

struct Row {
    name: String,
    /// Every series the row stands for, for its tooltip.
    tip: String,
    cells: Vec<Option<EdgeState>>,
    faulty: usize,
    /// Series the row stands for.
    members: usize,
    src: Option<String>,
    dst: Option<String>,
}

/// Rows of one sender (then of one receiver) with the same history become one row, when at
/// least this many share it: a node cut off from 99 others is two rows, not 198.
const GROUP_FROM: usize = 3;

fn group(rows: Vec<Row>) -> Vec<Row> {
    type Key = (String, Vec<Option<EdgeState>>);
    let merge = |rows: Vec<Row>, by_src: bool| -> Vec<Row> {
        let mut groups: BTreeMap<Key, Vec<usize>> = BTreeMap::new();
        for (i, r) in rows.iter().enumerate() {
            let end = if by_src { &r.src } else { &r.dst };
            if let (Some(e), true) = (end, r.members == 1) {
                groups
                    .entry((e.clone(), r.cells.clone()))
                    .or_default()
                    .push(i);
            }
        }
        let mut first_of: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for members in groups.into_values().filter(|m| m.len() >= GROUP_FROM) {
            first_of.insert(members[0], members);
        }
        let merged: std::collections::BTreeSet<usize> =
            first_of.values().flatten().copied().collect();
        let mut out = Vec::new();
        let mut rows: Vec<Option<Row>> = rows.into_iter().map(Some).collect();
        for i in 0..rows.len() {
            if let Some(members) = first_of.get(&i) {
                let parts: Vec<Row> = members.iter().filter_map(|&j| rows[j].take()).collect();
                let others: Vec<String> = parts
                    .iter()
                    .filter_map(|r| if by_src { r.dst.clone() } else { r.src.clone() })
                    .collect();
                let end = if by_src { &parts[0].src } else { &parts[0].dst };
                let end = end.clone().unwrap_or_default();
                let (name, tip) = if by_src {
                    (
                        format!("{end} → {} nodes", others.len()),
                        format!("{end} → {}", others.join(", ")),
                    )
                } else {
                    (
                        format!("{} nodes → {end}", others.len()),
                        format!("{} → {end}", others.join(", ")),
                    )
                };
                out.push(Row {
                    name,
                    tip,
                    cells: parts[0].cells.clone(),
                    faulty: parts[0].faulty,
                    members: parts.len(),
                    src: None,
                    dst: None,
                });
            } else if !merged.contains(&i)
                && let Some(r) = rows[i].take()
            {
                out.push(r);
            }
        }
        out
    };
    merge(merge(rows, true), false)
}

/// One figure per channel of the timeline.
pub fn figures(t: &Timeline) -> Vec<Figure> {
    super::per_channel(t, figure)
}

fn figure(t: &Timeline, channel: Channel) -> Option<Figure> {
    let bins = Bins::new(t.windows, MAX_COLS);
    let mut rows: Vec<Row> = Vec::new();
    let mut push = |name: String, segs: &[Segment], src: Option<&NodeId>, dst: Option<&NodeId>| {
        let cells = binned(segs, &bins);
        let faulty = cells
            .iter()
            .filter(|c| c.is_some_and(|s| s != EdgeState::Up))
            .count();
        rows.push(Row {
            tip: name.clone(),
            name,
            cells,
            faulty,
            members: 1,
            src: src.map(|n| n.0.clone()),
            dst: dst.map(|n| n.0.clone()),
        });
    };
    for (k, segs) in &t.edges {
        if k.channel == channel && k.flow.is_none() {
            push(
                format!("{} → {}", k.src, k.dst),
                segs,
                Some(&k.src),
                Some(&k.dst),
            );
        }
    }
    for (k, segs) in &t.round_trips {
        if k.channel == channel && k.flow.is_none() {
            push(format!("{} ⇄ {} (round trip)", k.a, k.b), segs, None, None);
        }
    }
    if rows.is_empty() {
        return None;
    }
    let total = rows.len();
    let all_up = rows.iter().filter(|r| r.faulty == 0).count();
    if total > ALL_ROWS_UP_TO {
        rows.retain(|r| r.faulty > 0);
        rows = group(rows);
        // Most affected first; the sort is stable, so ties keep src/dst order.
        rows.sort_by_key(|r| std::cmp::Reverse(r.faulty));
        rows.truncate(MAX_ROWS);
    }
    let shown: usize = rows.iter().map(|r| r.members).sum();
    let drawn = rows.len();
    let row_h = if drawn <= 12 { 14.0 } else { 10.0 };
    let name_w = rows
        .iter()
        .map(|r| super::text_width(&short(&r.name, 32)))
        .fold(24.0, f64::max)
        + 10.0;
    let x0 = name_w;
    let width = x0 + PLOT_W + 48.0;
    let top = 8.0;
    let height = top + drawn as f64 * row_h + 52.0;
    let id = format!("strip-{}", channel.as_str());
    let mut s = open(
        width,
        height,
        &format!("{channel} delivery per direction over time"),
    );
    let cell_w = PLOT_W / f64::from(bins.count);
    let _ = write!(
        s,
        r##"<rect x="{x0:.1}" y="{top:.1}" width="{PLOT_W:.1}" height="{:.1}" fill="{}"/>"##,
        drawn as f64 * row_h,
        super::fill(None)
    );
    for (i, r) in rows.iter().enumerate() {
        let y = top + i as f64 * row_h;
        row_runs(&mut s, &r.cells, x0, y, cell_w, row_h - 1.0);
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end"><title>{}</title>{}</text>"#,
            x0 - 6.0,
            y + row_h - 3.0,
            text::html(&r.tip),
            text::html(&short(&r.name, 32))
        );
    }
    let (t0, t1) = span(t);
    let axis_y = top + drawn as f64 * row_h + 4.0;
    let scale = Scale {
        t0,
        t1,
        x0,
        x1: x0 + PLOT_W,
    };
    super::time_axis(&mut s, t0, t1, scale.x0, scale.x1, axis_y);
    state_legend(&mut s, x0, axis_y + 38.0);
    s.push_str("</svg>");
    let mut caption = format!(
        "Each row is one direction on the {channel} channel; time runs left to right (UTC). {} ",
        bins.caption(t.window_ns, "column", "")
    );
    if shown < total {
        let _ = write!(
            caption,
            "{shown} of {total} series are drawn: the ones that were ever not up, most affected first; {all_up} stayed up throughout."
        );
    }
    if drawn < shown {
        caption.push_str(" Directions from one sender (or to one receiver) with the same history share a row; hover over its name for the list.");
    }
    Some(Figure {
        id,
        title: format!("Reachability over time: {channel}"),
        caption: caption.trim_end().to_owned(),
        svg: s,
    })
}
