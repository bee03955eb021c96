//! Every direction of one channel over time: one row per `src → dst` (and per pair whose only
//! evidence is round trips), one column per time bin.

use std::fmt::Write;

use rift_ingest::model::Channel;
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
    cells: Vec<Option<EdgeState>>,
    faulty: usize,
}

/// One figure per channel of the timeline.
pub fn figures(t: &Timeline) -> Vec<Figure> {
    t.channels()
        .into_iter()
        .filter_map(|c| figure(t, c))
        .collect()
}

fn figure(t: &Timeline, channel: Channel) -> Option<Figure> {
    let bins = Bins::new(t.windows, MAX_COLS);
    let mut rows: Vec<Row> = Vec::new();
    let mut push = |name: String, segs: &[Segment]| {
        let cells = binned(segs, &bins);
        let faulty = cells
            .iter()
            .filter(|c| c.is_some_and(|s| s != EdgeState::Up))
            .count();
        rows.push(Row {
            name,
            cells,
            faulty,
        });
    };
    for (k, segs) in &t.edges {
        if k.channel == channel && k.flow.is_none() {
            push(format!("{} → {}", k.src, k.dst), segs);
        }
    }
    for (k, segs) in &t.round_trips {
        if k.channel == channel && k.flow.is_none() {
            push(format!("{} ⇄ {} (round trip)", k.a, k.b), segs);
        }
    }
    if rows.is_empty() {
        return None;
    }
    let total = rows.len();
    let all_up = rows.iter().filter(|r| r.faulty == 0).count();
    if total > ALL_ROWS_UP_TO {
        rows.retain(|r| r.faulty > 0);
        // Most affected first; the sort is stable, so ties keep src/dst order.
        rows.sort_by(|a, b| b.faulty.cmp(&a.faulty));
        rows.truncate(MAX_ROWS);
    }
    let shown = rows.len();
    let row_h = if shown <= 12 { 14.0 } else { 10.0 };
    let name_w = rows
        .iter()
        .map(|r| short(&r.name, 32).chars().count())
        .max()
        .unwrap_or(4) as f64
        * 6.2
        + 10.0;
    let x0 = name_w;
    let width = x0 + PLOT_W + 48.0;
    let top = 8.0;
    let height = top + shown as f64 * row_h + 52.0;
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
        shown as f64 * row_h,
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
            text::html(&r.name),
            text::html(&short(&r.name, 32))
        );
    }
    let (t0, t1) = span(t);
    let axis_y = top + shown as f64 * row_h + 4.0;
    let scale = Scale {
        t0,
        t1,
        x0,
        x1: x0 + PLOT_W,
    };
    super::time_axis(&mut s, t0, t1, scale.x0, scale.x1, axis_y);
    state_legend(&mut s, x0, axis_y + 38.0);
    s.push_str("</svg>");
    let per = bins.per as f64 * t.window_ns as f64 / 1e9;
    let mut caption = format!(
        "Each row is one direction on the {channel} channel; time runs left to right (UTC). "
    );
    if bins.per > 1 {
        let _ = write!(
            caption,
            "Each column covers {} and shows the worst state within it. ",
            text::duration(per)
        );
    } else {
        let _ = write!(
            caption,
            "Each column is one {} window. ",
            text::duration(per)
        );
    }
    if shown < total {
        let _ = write!(
            caption,
            "{shown} of {total} series are drawn: the ones that were ever not up, most affected first; {all_up} stayed up throughout."
        );
    }
    Some(Figure {
        id,
        title: format!("Reachability over time: {channel}"),
        caption: caption.trim_end().to_owned(),
        svg: s,
    })
}
