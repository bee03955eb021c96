//! The cluster as a directed graph at one moment: each direction is its own arrow, offset from
//! its reverse, so a pair with one direction down shows one red dashed arrow beside a green one.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use rift_ingest::model::{Channel, NodeId};
use rift_reach::{EdgeState, Timeline, WindowIdx};

use super::{Figure, open, short};
use crate::text;

/// Clusters up to this size are drawn whole; larger ones only around the faults.
const WHOLE_UP_TO: usize = 16;
/// Nodes drawn at most.
const MAX_NODES: usize = 24;
/// Up edges are left out when there are more pairs than this.
const MAX_UP_PAIRS: usize = 60;

fn stroke(state: EdgeState) -> (&'static str, &'static str, f64) {
    match state {
        EdgeState::Up => ("#5b8f53", "", 1.2),
        EdgeState::Lossy => ("#d68400", "5 3", 2.0),
        EdgeState::Down => ("#c62828", "7 3", 2.4),
        EdgeState::Unknown => ("#7e57c2", "2 3", 1.8),
    }
}

const STATES: [EdgeState; 4] = [
    EdgeState::Up,
    EdgeState::Lossy,
    EdgeState::Down,
    EdgeState::Unknown,
];

/// The graph of `channel` at window `w`.
pub fn snapshot(t: &Timeline, channel: Channel, w: WindowIdx, id: &str, title: &str) -> Figure {
    let mut directed: BTreeMap<(&NodeId, &NodeId), (EdgeState, Option<(f64, u64)>)> =
        BTreeMap::new();
    let mut all: BTreeSet<&NodeId> = BTreeSet::new();
    for (k, segs) in &t.edges {
        if k.channel != channel || k.flow.is_some() {
            continue;
        }
        all.extend([&k.src, &k.dst]);
        if let Some(seg) = rift_reach::segment_at(segs, w) {
            directed.insert(
                (&k.src, &k.dst),
                (seg.state, seg.estimate.map(|e| (e.p, e.n))),
            );
        }
    }
    let mut round_trips: BTreeMap<(&NodeId, &NodeId), EdgeState> = BTreeMap::new();
    for (k, segs) in &t.round_trips {
        if k.channel != channel || k.flow.is_some() {
            continue;
        }
        all.extend([&k.a, &k.b]);
        let known = directed.contains_key(&(&k.a, &k.b)) || directed.contains_key(&(&k.b, &k.a));
        if let Some(seg) = rift_reach::segment_at(segs, w) {
            if !known || seg.state.is_fault() {
                round_trips.insert((&k.a, &k.b), seg.state);
            }
        }
    }
    let faulty = |n: &NodeId| {
        directed
            .iter()
            .any(|((a, b), (s, _))| *s != EdgeState::Up && (*a == n || *b == n))
            || round_trips
                .iter()
                .any(|((a, b), s)| *s != EdgeState::Up && (*a == n || *b == n))
    };
    let mut note = String::new();
    let nodes: Vec<&NodeId> = if all.len() <= WHOLE_UP_TO {
        all.iter().copied().collect()
    } else {
        let mut v: Vec<&NodeId> = all.iter().copied().filter(|n| faulty(n)).collect();
        let involved = v.len();
        v.truncate(MAX_NODES);
        let _ = write!(
            note,
            " Of {} nodes, the {} drawn are those with a direction not up at this moment{}.",
            all.len(),
            v.len(),
            if involved > v.len() {
                format!(" ({involved} had one; the first {MAX_NODES} by name)")
            } else {
                String::new()
            }
        );
        v
    };
    let shown: BTreeSet<&NodeId> = nodes.iter().copied().collect();
    let pairs = directed
        .keys()
        .filter(|(a, b)| shown.contains(a) && shown.contains(b))
        .count();
    let draw_up = pairs <= MAX_UP_PAIRS;
    if !draw_up {
        note.push_str(" Directions that were up are not drawn.");
    }
    let n = nodes.len().max(1);
    let radius = (60.0 + 14.0 * n as f64).min(230.0);
    let (cx, cy) = (radius + 70.0, radius + 40.0);
    let width = 2.0 * radius + 140.0;
    let height = 2.0 * radius + 110.0;
    let pos: BTreeMap<&NodeId, (f64, f64)> = nodes
        .iter()
        .enumerate()
        .map(|(i, x)| {
            let a = -std::f64::consts::FRAC_PI_2 + i as f64 / n as f64 * std::f64::consts::TAU;
            (*x, (cx + radius * a.cos(), cy + radius * a.sin()))
        })
        .collect();
    let mut s = open(
        width.max(360.0),
        height,
        &format!("{channel} reachability graph: {title}"),
    );
    s.push_str("<defs>");
    for st in STATES {
        let (color, _, _) = stroke(st);
        let _ = write!(
            s,
            r#"<marker id="{id}-{st}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="{color}"/></marker>"#,
            st = st.as_str()
        );
    }
    s.push_str("</defs>");
    let node_r = 15.0;
    for ((a, b), (st, est)) in &directed {
        if !draw_up && *st == EdgeState::Up {
            continue;
        }
        let (Some(&(x1, y1)), Some(&(x2, y2))) = (pos.get(a), pos.get(b)) else {
            continue;
        };
        let (dx, dy) = (x2 - x1, y2 - y1);
        let len = (dx * dx + dy * dy).sqrt().max(1.0);
        let (ux, uy) = (dx / len, dy / len);
        // Offset to the right of the direction of travel, so a → b and b → a run side by side.
        let (ox, oy) = (-uy * 4.0, ux * 4.0);
        let (sx, sy) = (x1 + ux * node_r + ox, y1 + uy * node_r + oy);
        let (ex, ey) = (x2 - ux * (node_r + 2.0) + ox, y2 - uy * (node_r + 2.0) + oy);
        let (color, dash, w) = stroke(*st);
        let tip = match est {
            Some((p, n)) => format!("{a} → {b}: {st} (delivery {p:.2}, n={n})"),
            None => format!("{a} → {b}: {st}"),
        };
        let _ = write!(
            s,
            r#"<line x1="{sx:.1}" y1="{sy:.1}" x2="{ex:.1}" y2="{ey:.1}" stroke="{color}" stroke-width="{w}" stroke-dasharray="{dash}" marker-end="url(#{id}-{st})"><title>{}</title></line>"#,
            text::html(&tip),
            st = st.as_str()
        );
    }
    for ((a, b), st) in &round_trips {
        if !draw_up && *st == EdgeState::Up {
            continue;
        }
        let (Some(&(x1, y1)), Some(&(x2, y2))) = (pos.get(a), pos.get(b)) else {
            continue;
        };
        let (color, _, w) = stroke(*st);
        let _ = write!(
            s,
            r#"<line x1="{x1:.1}" y1="{y1:.1}" x2="{x2:.1}" y2="{y2:.1}" stroke="{color}" stroke-width="{w}" stroke-dasharray="1 4" stroke-linecap="round"><title>{}</title></line>"#,
            text::html(&format!("{a} ⇄ {b}: round trips {st}"))
        );
    }
    for (x, (px, py)) in &pos {
        let ring = if faulty(x) { "#c62828" } else { "#555" };
        let _ = write!(
            s,
            r##"<circle cx="{px:.1}" cy="{py:.1}" r="{node_r}" fill="#fff" stroke="{ring}" stroke-width="1.5"><title>{}</title></circle>"##,
            text::html(&x.0)
        );
        let (lx, ly) = (
            cx + (px - cx) * (1.0 + 30.0 / radius),
            cy + (py - cy) * (1.0 + 30.0 / radius) + 4.0,
        );
        super::label(&mut s, lx, ly, "middle", &short(&x.0, 14));
    }
    let ly = height - 12.0;
    let mut lx = 8.0;
    for st in STATES {
        let (color, dash, w) = stroke(st);
        let _ = write!(
            s,
            r#"<line x1="{lx:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="{color}" stroke-width="{w}" stroke-dasharray="{dash}" marker-end="url(#{id}-{st})"/>"#,
            ly - 4.0,
            lx + 26.0,
            ly - 4.0,
            st = st.as_str()
        );
        let name = if st == EdgeState::Unknown {
            "direction unknown"
        } else {
            st.as_str()
        };
        super::label(&mut s, lx + 32.0, ly, "start", name);
        lx += 44.0 + name.len() as f64 * 6.0;
    }
    s.push_str("</svg>");
    let one_way: Vec<String> = directed
        .iter()
        .filter(|((a, b), (st, _))| {
            st.is_fault()
                && directed
                    .get(&(*b, *a))
                    .is_some_and(|r| r.0 == EdgeState::Up)
        })
        .map(|((a, b), _)| format!("{a} → {b}"))
        .collect();
    let mut caption = format!(
        "The {channel} channel at {} UTC. Each arrow is one direction, drawn to the right of its reverse.",
        &text::time_of_day(t.window_start(w))[..12]
    );
    if !one_way.is_empty() {
        let _ = write!(
            caption,
            " One-way: {} failed while the reverse stayed up.",
            text::list(&one_way, 6)
        );
    }
    caption.push_str(&note);
    Figure {
        id: id.to_owned(),
        title: title.to_owned(),
        caption,
        svg: s,
    }
}
