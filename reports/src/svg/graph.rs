//! The cluster as a directed graph at one moment: each direction is its own arrow, offset from
//! its reverse, so a pair with one direction down shows one red dashed arrow beside a green one.
//!
//! Clusters of more than 16 nodes are drawn around the fault: the nodes with most failing
//! directions are drawn one by one and the rest become one "others" node, whose arrows carry the
//! worst state of the directions they stand for.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use rift_ingest::model::{Channel, NodeId};
use rift_reach::{EdgeState, Timeline, WindowIdx};

use super::{Figure, open, severity, short};
use crate::text;

/// Clusters up to this size are drawn whole.
const WHOLE_UP_TO: usize = 16;
/// Nodes drawn one by one at most in a larger cluster.
const MAX_NODES: usize = 12;

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

/// A drawn node: one node, or the group of all the others.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Vertex<'a> {
    Node(&'a NodeId),
    Others,
}

/// What the directions an arrow stands for did.
#[derive(Clone, Debug, Default)]
struct Arrow {
    worst: Option<EdgeState>,
    count: BTreeMap<EdgeState, usize>,
    /// The estimate, for an arrow that stands for one direction.
    estimate: Option<(f64, u64)>,
}

impl Arrow {
    fn add(&mut self, s: EdgeState, estimate: Option<(f64, u64)>) {
        if severity(Some(s)) > severity(self.worst) {
            self.worst = Some(s);
        }
        *self.count.entry(s).or_default() += 1;
        self.estimate = if self.count.values().sum::<usize>() == 1 {
            estimate
        } else {
            None
        };
    }

    fn total(&self) -> usize {
        self.count.values().sum()
    }
}

/// The radius of a node's circle.
const NODE_R: f64 = 15.0;

/// One direction at the moment: sender, receiver, state, and (delivery, sample size) where the
/// evidence gives them.
type Direction<'a> = (&'a NodeId, &'a NodeId, EdgeState, Option<(f64, u64)>);

/// The graph of `channel` at window `w`.
pub fn snapshot(t: &Timeline, channel: Channel, w: WindowIdx, id: &str, title: &str) -> Figure {
    let (directed, round_trips, all) = directions_at(t, channel, w);
    // Which nodes are drawn one by one.
    let mut note = String::new();
    let singles = drawn_one_by_one(&all);
    let others = all.len() - singles.len();
    let vertex = |n: &NodeId| -> Vertex<'_> {
        match singles.iter().find(|s| **s == n) {
            Some(s) => Vertex::Node(s),
            None => Vertex::Others,
        }
    };
    let mut arrows: BTreeMap<(Vertex, Vertex), Arrow> = BTreeMap::new();
    let mut inside = Arrow::default();
    for (a, b, s, est) in &directed {
        let key = (vertex(a), vertex(b));
        if key == (Vertex::Others, Vertex::Others) {
            inside.add(*s, None);
        } else {
            arrows.entry(key).or_default().add(*s, *est);
        }
    }
    let mut lines: BTreeMap<(Vertex, Vertex), Arrow> = BTreeMap::new();
    for (a, b, s) in &round_trips {
        let key = (vertex(a), vertex(b));
        if key == (Vertex::Others, Vertex::Others) {
            inside.add(*s, None);
        } else {
            lines.entry(key).or_default().add(*s, None);
        }
    }
    if others > 0 {
        let faulty_inside = inside.total() - inside.count.get(&EdgeState::Up).copied().unwrap_or(0);
        let _ = write!(
            note,
            " The {others} other nodes are drawn as one; among themselves {} of {} directions were not up.",
            faulty_inside,
            inside.total()
        );
    }
    let mut vertices: Vec<Vertex> = singles.iter().map(|n| Vertex::Node(n)).collect();
    if others > 0 {
        vertices.push(Vertex::Others);
    }
    let n = vertices.len().max(1);
    let radius = if n == 1 {
        0.0
    } else {
        (60.0 + 14.0 * n as f64).min(200.0)
    };
    let (cx, cy) = (radius + 80.0, radius + 40.0);
    let width = (2.0 * radius + 160.0).max(360.0);
    let height = 2.0 * radius + 110.0;
    let pos: BTreeMap<Vertex, (f64, f64)> = vertices
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let a = -std::f64::consts::FRAC_PI_2 + i as f64 / n as f64 * std::f64::consts::TAU;
            (*v, (cx + radius * a.cos(), cy + radius * a.sin()))
        })
        .collect();
    let name = |v: Vertex| match v {
        Vertex::Node(n) => n.0.clone(),
        Vertex::Others => format!("{others} others"),
    };
    let mut s = open(
        width,
        height,
        &format!("{channel} reachability graph: {title}"),
    );
    markers(&mut s, id);
    for ((a, b), arrow) in &arrows {
        let Some(st) = arrow.worst else { continue };
        let (Some(&(x1, y1)), Some(&(x2, y2))) = (pos.get(a), pos.get(b)) else {
            continue;
        };
        arrow_line(
            &mut s,
            id,
            ((x1, y1), (x2, y2)),
            st,
            &tip(&name(*a), &name(*b), arrow, "→"),
        );
    }
    for ((a, b), arrow) in &lines {
        let Some(st) = arrow.worst else { continue };
        let (Some(&(x1, y1)), Some(&(x2, y2))) = (pos.get(a), pos.get(b)) else {
            continue;
        };
        let (color, _, w) = stroke(st);
        let _ = write!(
            s,
            r#"<line x1="{x1:.1}" y1="{y1:.1}" x2="{x2:.1}" y2="{y2:.1}" stroke="{color}" stroke-width="{w}" stroke-dasharray="1 4" stroke-linecap="round"><title>{}</title></line>"#,
            text::html(&format!(
                "round trips: {}",
                tip(&name(*a), &name(*b), arrow, "⇄")
            ))
        );
    }
    for (v, &(px, py)) in &pos {
        let faulty = match v {
            Vertex::Node(n) => all.get(n).copied().unwrap_or(0) > 0,
            Vertex::Others => false,
        };
        vertex_mark(&mut s, *v, (px, py), &name(*v), faulty);
        let (lx, ly) = if radius > 0.0 {
            (
                cx + (px - cx) * (1.0 + 30.0 / radius),
                cy + (py - cy) * (1.0 + 30.0 / radius) + 4.0,
            )
        } else {
            (px, py + NODE_R + 14.0)
        };
        super::label(&mut s, lx, ly, "middle", &short(&name(*v), 14));
    }
    legend(&mut s, id, height - 12.0);
    s.push_str("</svg>");
    let one_way: Vec<String> = arrows
        .iter()
        .filter(|((a, b), x)| {
            x.worst.is_some_and(EdgeState::is_fault)
                && arrows
                    .get(&(*b, *a))
                    .is_some_and(|r| r.worst == Some(EdgeState::Up))
        })
        .map(|((a, b), _)| format!("{} → {}", name(*a), name(*b)))
        .collect();
    let caption = caption(
        channel,
        &text::time_of_day(t.window_start(w))[..12],
        &one_way,
        &note,
    );
    Figure {
        id: id.to_owned(),
        title: title.to_owned(),
        caption,
        svg: s,
    }
}

/// Every direction of `channel` that holds evidence at window `w`; the round trips where no
/// direction is known (or that fail); and every node of the channel with how many of its
/// directions and round trips were not up.
#[expect(
    clippy::type_complexity,
    reason = "three lists read once by the one caller"
)]
fn directions_at<'a>(
    t: &'a Timeline,
    channel: Channel,
    w: WindowIdx,
) -> (
    Vec<Direction<'a>>,
    Vec<(&'a NodeId, &'a NodeId, EdgeState)>,
    BTreeMap<&'a NodeId, usize>,
) {
    let mut directed: Vec<Direction> = Vec::new();
    let mut all: BTreeMap<&NodeId, usize> = BTreeMap::new();
    for (k, segs) in &t.edges {
        if k.channel != channel || k.flow.is_some() {
            continue;
        }
        all.entry(&k.src).or_default();
        all.entry(&k.dst).or_default();
        if let Some(seg) = rift_reach::segment_at(segs, w) {
            directed.push((&k.src, &k.dst, seg.state, seg.estimate.map(|e| (e.p, e.n))));
        }
    }
    let known: BTreeSet<(&NodeId, &NodeId)> = directed
        .iter()
        .flat_map(|(a, b, _, _)| [(*a, *b), (*b, *a)])
        .collect();
    let mut round_trips: Vec<(&NodeId, &NodeId, EdgeState)> = Vec::new();
    for (k, segs) in &t.round_trips {
        if k.channel != channel || k.flow.is_some() {
            continue;
        }
        all.entry(&k.a).or_default();
        all.entry(&k.b).or_default();
        if let Some(seg) = rift_reach::segment_at(segs, w)
            && (!known.contains(&(&k.a, &k.b)) || seg.state.is_fault())
        {
            round_trips.push((&k.a, &k.b, seg.state));
        }
    }
    for (a, b, s) in directed
        .iter()
        .map(|(a, b, s, _)| (*a, *b, *s))
        .chain(round_trips.iter().copied())
    {
        if s != EdgeState::Up {
            *all.entry(a).or_default() += 1;
            *all.entry(b).or_default() += 1;
        }
    }
    (directed, round_trips, all)
}

/// The nodes drawn one by one: all of them on a small cluster, else those with the most links
/// not up (at least a quarter of the most any node has), at most [`MAX_NODES`].
fn drawn_one_by_one<'a>(all: &BTreeMap<&'a NodeId, usize>) -> Vec<&'a NodeId> {
    if all.len() <= WHOLE_UP_TO {
        all.keys().copied().collect()
    } else {
        let max = all.values().copied().max().unwrap_or(0);
        let mut v: Vec<(&NodeId, usize)> = all
            .iter()
            .filter(|(_, d)| **d > 0 && **d * 4 >= max)
            .map(|(n, d)| (*n, *d))
            .collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        v.truncate(MAX_NODES);
        v.into_iter().map(|(n, _)| n).collect()
    }
}

/// A node (a circle) or the others drawn as one (a dashed box), ringed red when `faulty`.
fn vertex_mark(s: &mut String, v: Vertex<'_>, (px, py): (f64, f64), name: &str, faulty: bool) {
    let ring = if faulty { "#c62828" } else { "#555" };
    match v {
        Vertex::Node(_) => {
            let _ = write!(
                s,
                r##"<circle cx="{px:.1}" cy="{py:.1}" r="{NODE_R}" fill="#fff" stroke="{ring}" stroke-width="1.5"><title>{}</title></circle>"##,
                text::html(name)
            );
        }
        Vertex::Others => {
            let _ = write!(
                s,
                r##"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="8" fill="#f5f5f5" stroke="#555" stroke-width="1.5" stroke-dasharray="3 2"><title>{}</title></rect>"##,
                px - NODE_R - 6.0,
                py - NODE_R,
                2.0 * NODE_R + 12.0,
                2.0 * NODE_R,
                text::html(name)
            );
        }
    }
}

/// The legend of the edge states at baseline `ly`.
fn legend(s: &mut String, id: &str, ly: f64) {
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
        let label = if st == EdgeState::Unknown {
            "direction unknown"
        } else {
            st.as_str()
        };
        super::label(s, lx + 32.0, ly, "start", label);
        lx += 44.0 + super::text_width(label);
    }
}

/// The arrowheads, one per state.
fn markers(s: &mut String, id: &str) {
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
}

/// One direction from `a` to `b` in state `st`, drawn to the right of its reverse.
fn arrow_line(
    s: &mut String,
    id: &str,
    ((x1, y1), (x2, y2)): ((f64, f64), (f64, f64)),
    st: EdgeState,
    title: &str,
) {
    let (dx, dy) = (x2 - x1, y2 - y1);
    let len = (dx * dx + dy * dy).sqrt().max(1.0);
    let (ux, uy) = (dx / len, dy / len);
    // Offset to the right of the direction of travel, so a → b and b → a run side by side.
    let (ox, oy) = (-uy * 4.0, ux * 4.0);
    let (sx, sy) = (x1 + ux * NODE_R + ox, y1 + uy * NODE_R + oy);
    let (ex, ey) = (x2 - ux * (NODE_R + 2.0) + ox, y2 - uy * (NODE_R + 2.0) + oy);
    let (color, dash, w) = stroke(st);
    let _ = write!(
        s,
        r#"<line x1="{sx:.1}" y1="{sy:.1}" x2="{ex:.1}" y2="{ey:.1}" stroke="{color}" stroke-width="{w}" stroke-dasharray="{dash}" marker-end="url(#{id}-{st})"><title>{}</title></line>"#,
        text::html(title),
        st = st.as_str()
    );
}

/// The caption: the channel and moment, the one-way failures, and what was folded.
fn caption(channel: Channel, at: &str, one_way: &[String], note: &str) -> String {
    let mut caption = format!(
        "The {channel} channel at {} UTC. Each arrow is one direction, drawn to the right of its reverse.",
        at
    );
    if !one_way.is_empty() {
        let _ = write!(
            caption,
            " One-way: {} failed while the reverse stayed up.",
            text::list(one_way, 6)
        );
    }
    caption.push_str(note);
    caption
}

/// What an arrow or a round-trip line stands for, from `a` to `b`: its state with the delivery
/// when it is one series, else how many directions are in each state.
fn tip(a: &str, b: &str, arrow: &Arrow, sep: &str) -> String {
    match (arrow.total(), arrow.estimate, arrow.worst) {
        (1, Some((p, n)), Some(st)) => format!("{a} {sep} {b}: {st} (delivery {p:.2}, n={n})"),
        (1, None, Some(st)) => format!("{a} {sep} {b}: {st}"),
        _ => {
            let counts: Vec<String> = arrow
                .count
                .iter()
                .map(|(st, k)| format!("{k} {st}"))
                .collect();
            format!("{a} {sep} {b}: {}", counts.join(", "))
        }
    }
}
