//! The report's pictures, drawn as standalone SVG documents with no scripts, no external
//! references and every input-derived string escaped.
//!
//! - [`strip`]: per channel, every direction over time (rows are `src → dst`, columns time).
//! - [`matrix`]: per channel, `src × dst` grids at successive moments.
//! - [`graph`]: the cluster as a directed graph at the key moments, edges coloured by state.
//! - [`belief`]: what each node believed about its peers and its role, over what the network did.
//! - [`timeline`]: episodes and events on one time axis.
//! - [`latency`]: client request latency and failures over time.
//!
//! Long incidents are downsampled: a column stands for several windows and shows the worst state
//! among them (down, then lossy, then unknown, then up), so a short outage is never averaged
//! away. Runs of equal cells are drawn as one rectangle, which keeps large clusters small.

pub mod belief;
pub mod graph;
pub mod latency;
pub mod matrix;
pub mod strip;
pub mod timeline;

use std::fmt::Write;

use rift_reach::{EdgeState, Segment, Timeline, WindowIdx};
use serde::Serialize;

use crate::text;

/// One picture of the report.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Figure {
    /// A file-name-safe id, unique in the report (also the prefix of its SVG ids).
    pub id: String,
    /// The heading above it.
    pub title: String,
    /// What it shows and how to read it.
    pub caption: String,
    /// The SVG document.
    pub svg: String,
}

/// The fill of each state, shared by every picture and the legends.
pub(crate) fn fill(state: Option<EdgeState>) -> &'static str {
    match state {
        Some(EdgeState::Up) => "#b7dfb0",
        Some(EdgeState::Lossy) => "#f0a830",
        Some(EdgeState::Down) => "#c62828",
        Some(EdgeState::Unknown) => "#9575cd",
        None => "#f2f2f2",
    }
}

/// Severity order used when a column covers several windows.
pub(crate) fn severity(state: Option<EdgeState>) -> u8 {
    match state {
        None => 0,
        Some(EdgeState::Up) => 1,
        Some(EdgeState::Unknown) => 2,
        Some(EdgeState::Lossy) => 3,
        Some(EdgeState::Down) => 4,
    }
}

/// How windows map to columns.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Bins {
    /// Windows per column.
    pub(crate) per: u32,
    /// Columns.
    pub(crate) count: u32,
    /// Windows in all.
    pub(crate) windows: u32,
}

impl Bins {
    /// At most `max` columns over `windows` windows.
    pub(crate) fn new(windows: u32, max: u32) -> Bins {
        let max = max.max(1);
        let per = windows.div_ceil(max).max(1);
        Bins {
            per,
            count: windows.div_ceil(per).max(1),
            windows,
        }
    }

    /// How one `unit` (column, grid) relates to the windows, for a caption: "Each column covers
    /// 5 s and shows the worst state{of} within it." or "Each column is one 1 s window."
    pub(crate) fn caption(&self, window_ns: i64, unit: &str, of: &str) -> String {
        let per = f64::from(self.per) * window_ns as f64 / 1e9;
        if self.per > 1 {
            format!(
                "Each {unit} covers {} and shows the worst state{of} within it.",
                text::duration(per)
            )
        } else {
            format!("Each {unit} is one {} window.", text::duration(per))
        }
    }

    /// The windows of column `c`.
    pub(crate) fn range(&self, c: u32) -> (u32, u32) {
        let a = c * self.per;
        (a, (a + self.per).min(self.windows))
    }
}

/// The worst state of a series in each column.
pub(crate) fn binned(segments: &[Segment], bins: &Bins) -> Vec<Option<EdgeState>> {
    let mut out = vec![None; bins.count as usize];
    for s in segments {
        let first = s.start.0 / bins.per;
        let last = s.end.0.saturating_sub(1) / bins.per;
        for c in first..=last.min(bins.count - 1) {
            let cell = &mut out[c as usize];
            if severity(Some(s.state)) > severity(*cell) {
                *cell = Some(s.state);
            }
        }
    }
    out
}

/// Appends runs of equal cells of one row as rectangles; `None` cells are left to the
/// background.
pub(crate) fn row_runs(
    out: &mut String,
    cells: &[Option<EdgeState>],
    x0: f64,
    y: f64,
    cell_w: f64,
    h: f64,
) {
    let mut i = 0;
    while i < cells.len() {
        let s = cells[i];
        let mut j = i + 1;
        while j < cells.len() && cells[j] == s {
            j += 1;
        }
        if s.is_some() {
            let _ = write!(
                out,
                r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{}"/>"#,
                x0 + i as f64 * cell_w,
                y,
                (j - i) as f64 * cell_w,
                h,
                fill(s)
            );
        }
        i = j;
    }
}

/// Opens an SVG document of the given size with the report's font settings.
pub(crate) fn open(width: f64, height: f64, label: &str) -> String {
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w:.0}" height="{h:.0}" viewBox="0 0 {w:.0} {h:.0}" role="img" aria-label="{label}" font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif" font-size="11">"#,
        w = width,
        h = height,
        label = text::html(label)
    )
}

/// A text element, escaped.
pub(crate) fn label(out: &mut String, x: f64, y: f64, anchor: &str, s: &str) {
    let _ = write!(
        out,
        r#"<text x="{x:.1}" y="{y:.1}" text-anchor="{anchor}">{}</text>"#,
        text::html(s)
    );
}

/// The legend of edge states, as a row of swatches starting at `(x, y)`.
pub(crate) fn state_legend(out: &mut String, x: f64, y: f64) {
    let items = [
        (Some(EdgeState::Up), "up"),
        (Some(EdgeState::Lossy), "lossy"),
        (Some(EdgeState::Down), "down"),
        (
            Some(EdgeState::Unknown),
            "round trips fail, direction unknown",
        ),
        (None, "no evidence"),
    ];
    let mut cx = x;
    for (s, name) in items {
        let _ = write!(
            out,
            r##"<rect x="{cx:.1}" y="{:.1}" width="10" height="10" fill="{}" stroke="#999" stroke-width="0.5"/>"##,
            y - 9.0,
            fill(s)
        );
        label(out, cx + 14.0, y, "start", name);
        cx += 26.0 + text_width(name);
    }
}

/// About how wide `s` is at the pictures' 11 px font (generous: a label that is too wide
/// only leaves a margin, one that is too narrow is cut off).
pub(crate) fn text_width(s: &str) -> f64 {
    s.chars().count() as f64 * 6.7
}

/// A horizontal time axis from `t0` to `t1` (ns) drawn between `x0` and `x1` at `y`, with
/// ticks at round intervals labelled as time of day.
pub(crate) fn time_axis(out: &mut String, t0: i64, t1: i64, x0: f64, x1: f64, y: f64) {
    // Spans are worked in i128: a time axis over the widest span an export may have (its ends
    // near the edges of i64 ns) neither overflows nor turns around.
    let (t0, t1) = (i128::from(t0.min(t1)), i128::from(t0.max(t1)));
    let span_ns = (t1 - t0).max(1);
    let span = span_ns as f64 / 1e9;
    let steps = [
        1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1800.0, 3600.0, 7200.0,
        21600.0, 43200.0, 86400.0,
    ];
    let target = span / 8.0;
    // Past a day a step, whole days: the axis keeps about eight ticks however long the span.
    let step = steps
        .iter()
        .copied()
        .find(|s| *s >= target)
        .unwrap_or_else(|| (target / 86400.0).ceil() * 86400.0);
    let _ = write!(
        out,
        r##"<line x1="{x0:.1}" y1="{y:.1}" x2="{x1:.1}" y2="{y:.1}" stroke="#666" stroke-width="0.8"/>"##
    );
    let step_ns = (step * 1e9) as i128;
    let mut t = t0.div_euclid(step_ns) * step_ns;
    if t < t0 {
        t += step_ns;
    }
    while t <= t1 {
        let x = x0 + (t - t0) as f64 / span_ns as f64 * (x1 - x0);
        let _ = write!(
            out,
            r##"<line x1="{x:.1}" y1="{y:.1}" x2="{x:.1}" y2="{:.1}" stroke="#666" stroke-width="0.8"/>"##,
            y + 4.0
        );
        // Within [t0, t1], both i64.
        let t_ns = i64::try_from(t).unwrap_or(i64::MAX);
        let tod = text::time_of_day(t_ns);
        let shown = if step >= 60.0 { &tod[..5] } else { &tod[..8] };
        label(out, x, y + 15.0, "middle", shown);
        t += step_ns;
    }
}

/// Places legend items left to right, wrapping to a new line at `max_x`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Flow {
    pub(crate) x: f64,
    pub(crate) y: f64,
    pub(crate) x0: f64,
    pub(crate) max_x: f64,
    pub(crate) line_h: f64,
}

impl Flow {
    /// Where an item `w` px wide goes.
    pub(crate) fn place(&mut self, w: f64) -> (f64, f64) {
        if self.x + w > self.max_x && self.x > self.x0 {
            self.x = self.x0;
            self.y += self.line_h;
        }
        let at = (self.x, self.y);
        self.x += w;
        at
    }
}

/// The width of a time plot, px.
pub(crate) const PLOT_W: f64 = 700.0;
/// The label column of the timeline and belief pictures: room for 24 characters.
pub(crate) const LABEL_W: f64 = 24.0 * 6.7 + 10.0;

/// Maps a time (ns) to an x position.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Scale {
    pub(crate) t0: i64,
    pub(crate) t1: i64,
    pub(crate) x0: f64,
    pub(crate) x1: f64,
}

impl Scale {
    /// `[t0, t1)` over [`PLOT_W`] px, right of a label column [`LABEL_W`] wide.
    pub(crate) fn labelled(t0: i64, t1: i64) -> Scale {
        Scale {
            t0,
            t1,
            x0: LABEL_W,
            x1: LABEL_W + PLOT_W,
        }
    }

    /// The width of a picture drawn on this scale, with room for the last axis label.
    pub(crate) fn width(&self) -> f64 {
        self.x1 + 48.0
    }

    pub(crate) fn x(&self, t: i64) -> f64 {
        // In i128 and with the ends in order, so that no span (however wide, or given the
        // wrong way round) overflows or panics in `clamp`.
        let (t0, t1) = (self.t0.min(self.t1), self.t0.max(self.t1));
        let (t, t0, t1) = (i128::from(t.clamp(t0, t1)), i128::from(t0), i128::from(t1));
        let f = (t - t0) as f64 / (t1 - t0).max(1) as f64;
        self.x0 + f * (self.x1 - self.x0)
    }
}

/// One figure per channel of the timeline, where `figure` draws one.
pub(crate) fn per_channel(
    t: &Timeline,
    figure: impl Fn(&Timeline, rift_ingest::model::Channel) -> Option<Figure>,
) -> Vec<Figure> {
    t.channels()
        .into_iter()
        .filter_map(|c| figure(t, c))
        .collect()
}

/// The timeline's time span, ns.
pub(crate) fn span(t: &Timeline) -> (i64, i64) {
    (t.epoch_ns, t.window_start(WindowIdx(t.windows)))
}

/// Shortens a label to `max` characters.
pub(crate) fn short(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_scales_hold_at_the_edges_of_time() {
        // Ends at the edges of i64 ns, the wrong way round, or equal: no panic, x within the plot.
        for (t0, t1) in [
            (i64::MIN, i64::MAX),
            (i64::MAX, i64::MIN),
            (5, 5),
            (0, 7_258_118_400_000_000_000),
        ] {
            let scale = Scale::labelled(t0, t1);
            for t in [i64::MIN, -1, 0, 1, i64::MAX, t0, t1] {
                let x = scale.x(t);
                assert!((scale.x0..=scale.x1).contains(&x), "{t0} {t1} {t}: {x}");
            }
            let mut out = String::new();
            time_axis(&mut out, t0, t1, 0.0, PLOT_W, 10.0);
            // About eight ticks, however long the span.
            let ticks = out.matches("<text").count();
            assert!(ticks <= 12, "{t0} {t1}: {ticks} ticks");
        }
    }

    #[test]
    fn bins_cover_every_window_once() {
        let b = Bins::new(3600, 720);
        assert_eq!((b.per, b.count), (5, 720));
        assert_eq!(b.range(719), (3595, 3600));
        let b = Bins::new(61, 720);
        assert_eq!((b.per, b.count), (1, 61));
    }

    #[test]
    fn a_column_shows_the_worst_state_it_covers() {
        let segs = [
            Segment {
                start: WindowIdx(0),
                end: WindowIdx(9),
                evidence_end: WindowIdx(9),
                state: EdgeState::Up,
                basis: rift_reach::Basis::OneWay,
                estimate: None,
            },
            Segment {
                start: WindowIdx(9),
                end: WindowIdx(10),
                evidence_end: WindowIdx(10),
                state: EdgeState::Down,
                basis: rift_reach::Basis::OneWay,
                estimate: None,
            },
        ];
        let b = Bins::new(10, 2);
        assert_eq!(
            binned(&segs, &b),
            vec![Some(EdgeState::Up), Some(EdgeState::Down)]
        );
    }
}
