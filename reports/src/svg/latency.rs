//! Client request latency over time (the quorum acknowledgement latency as the clients saw it):
//! the median, the 99th percentile and the slowest request per 10 s bin on a log scale, failed
//! requests as bars below, and the episodes shaded behind.

use std::fmt::Write;

use rift_classify::Episode;
use rift_ingest::{LATENCY_BIN_NS, LatencyBin};

use super::{Figure, PLOT_W, Scale, open};
use crate::svg::timeline::mode_color;

const PLOT_H: f64 = 160.0;
const BARS_H: f64 = 40.0;

/// The figure over `[t0, t1)` (ns), or `None` without answered requests.
pub fn figure(t0: i64, t1: i64, bins: &[LatencyBin], episodes: &[Episode]) -> Option<Figure> {
    let answered: Vec<&LatencyBin> = bins.iter().filter(|b| b.answered > 0).collect();
    if answered.is_empty() {
        return None;
    }
    let lo = answered
        .iter()
        .map(|b| b.p50_ms)
        .fold(f64::INFINITY, f64::min)
        .max(0.1);
    let hi = answered
        .iter()
        .map(|b| b.max_ms)
        .fold(0.0, f64::max)
        .max(lo * 10.0);
    let (l0, l1) = (lo.log10().floor(), hi.log10().ceil());
    let x0 = 60.0;
    let top = 10.0;
    let scale = Scale {
        t0,
        t1,
        x0,
        x1: x0 + PLOT_W,
    };
    let y = |ms: f64| top + PLOT_H - (ms.max(lo).log10() - l0) / (l1 - l0).max(1.0) * PLOT_H;
    let width = scale.width();
    let bars_top = top + PLOT_H + 10.0;
    let height = bars_top + BARS_H + 64.0;
    let mut s = open(width, height, "client request latency over time");
    for e in episodes.iter().filter(|e| e.mode.is_network()) {
        let (a, b) = (scale.x(e.start_ns), scale.x(e.end_ns));
        let _ = write!(
            s,
            r#"<rect x="{a:.1}" y="{top:.1}" width="{:.1}" height="{:.1}" fill="{}" fill-opacity="0.12"/>"#,
            (b - a).max(1.0),
            PLOT_H + 10.0 + BARS_H,
            mode_color(e.mode)
        );
    }
    let mut p = l0;
    while p <= l1 {
        let ms = 10f64.powf(p);
        let yy = y(ms);
        let _ = write!(
            s,
            r##"<line x1="{x0:.1}" y1="{yy:.1}" x2="{:.1}" y2="{yy:.1}" stroke="#e0e0e0"/>"##,
            x0 + PLOT_W
        );
        let name = if ms >= 1000.0 {
            format!("{} s", ms / 1000.0)
        } else {
            format!("{ms} ms")
        };
        super::label(&mut s, x0 - 6.0, yy + 4.0, "end", &name);
        p += 1.0;
    }
    let bin_w = (scale.x(t0 + LATENCY_BIN_NS) - scale.x(t0)).max(1.0);
    let line = |s: &mut String, pick: &dyn Fn(&LatencyBin) -> f64, color: &str, w: f64| {
        let points: Vec<String> = answered
            .iter()
            .map(|b| format!("{:.1},{:.1}", scale.x(b.start_ns) + bin_w / 2.0, y(pick(b))))
            .collect();
        let _ = write!(
            s,
            r#"<polyline points="{}" fill="none" stroke="{color}" stroke-width="{w}"/>"#,
            points.join(" ")
        );
    };
    line(&mut s, &|b| b.max_ms, "#bdbdbd", 1.0);
    line(&mut s, &|b| b.p99_ms, "#ef6c00", 1.6);
    line(&mut s, &|b| b.p50_ms, "#1565c0", 1.8);
    let most_failed = bins.iter().map(|b| b.failed).max().unwrap_or(0).max(1);
    for b in bins.iter().filter(|b| b.failed > 0) {
        let h = b.failed as f64 / most_failed as f64 * BARS_H;
        let _ = write!(
            s,
            r##"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{h:.1}" fill="#c62828"><title>{} failed</title></rect>"##,
            scale.x(b.start_ns),
            bars_top + BARS_H - h,
            (bin_w - 0.5).max(0.8),
            b.failed
        );
    }
    super::label(
        &mut s,
        x0 - 6.0,
        bars_top + BARS_H - 2.0,
        "end",
        &format!("{most_failed} failed"),
    );
    super::time_axis(&mut s, t0, t1, scale.x0, scale.x1, bars_top + BARS_H + 4.0);
    let ly = bars_top + BARS_H + 48.0;
    let mut lx = x0;
    for (name, color) in [
        ("median", "#1565c0"),
        ("99th percentile", "#ef6c00"),
        ("slowest", "#bdbdbd"),
        ("failed requests", "#c62828"),
    ] {
        let _ = write!(
            s,
            r#"<rect x="{lx:.1}" y="{:.1}" width="14" height="4" fill="{color}"/>"#,
            ly - 5.0
        );
        super::label(&mut s, lx + 18.0, ly, "start", name);
        lx += 30.0 + super::text_width(name);
    }
    s.push_str("</svg>");
    Some(Figure {
        id: "latency".to_owned(),
        title: "Client request latency".to_owned(),
        caption: "Per 10 s, the median, 99th percentile and slowest of the client requests that were answered (log scale), and below them the requests that failed or timed out; episodes shaded. In a consensus store an answered write has been acknowledged by a quorum, so this is the quorum acknowledgement latency as the clients saw it.".to_owned(),
        svg: s,
    })
}
