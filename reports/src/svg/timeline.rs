//! Episodes and events on one time axis: one lane per episode, then one lane per node with its
//! events as marks coloured by what they say.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use rift_classify::{Episode, Mode, Transient};
use rift_ingest::model::{Event, EventKind, NodeId};

use super::{Figure, Scale, open, short};
use crate::text;

/// Node lanes at most; the nodes with most events are kept.
const MAX_NODES: usize = 40;

/// The colour of a mode's bars.
pub(crate) fn mode_color(m: Mode) -> &'static str {
    match m {
        Mode::Complete => "#b71c1c",
        Mode::Asymmetric => "#e65100",
        Mode::Partial => "#f9a825",
        Mode::Gray => "#6d4c41",
        Mode::Flapping => "#8e24aa",
        Mode::Crash => "#455a64",
        _ => "#9e9e9e",
    }
}

/// What an event says, for its colour and the legend.
pub(crate) fn category(k: EventKind) -> (&'static str, &'static str) {
    use EventKind::*;
    match k {
        Election | RoleChange | LeaderChange | NoLeader => ("election or leadership", "#1e88e5"),
        PeerDown | Suspect | Unreachable | MemberFailed | BackendDown | ProbeAlert => {
            ("peer marked down or suspected", "#d32f2f")
        }
        HealthDown => ("health check failing", "#880e4f"),
        PeerUp | HealthUp => ("peer or health back up", "#43a047"),
        Start | Shutdown | Restart | Stall => ("start, stop, restart or stall", "#616161"),
        LastHeard | Relay => ("last heard, relayed opinion", "#9e9e9e"),
    }
}

/// The figure over `[t0, t1)` (ns).
pub fn figure(
    t0: i64,
    t1: i64,
    episodes: &[Episode],
    transients: &[Transient],
    events: &[Event],
) -> Figure {
    let mut per_node: BTreeMap<&NodeId, Vec<&Event>> = BTreeMap::new();
    for e in events.iter().filter(|e| e.ts_ns >= t0 && e.ts_ns < t1) {
        per_node.entry(&e.node).or_default().push(e);
    }
    let all_nodes = per_node.len();
    let mut nodes: Vec<(&NodeId, Vec<&Event>)> = per_node.into_iter().collect();
    if nodes.len() > MAX_NODES {
        nodes.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(b.0)));
        nodes.truncate(MAX_NODES);
        nodes.sort_by(|a, b| a.0.cmp(b.0));
    }
    let row_h = 18.0;
    let scale = Scale::labelled(t0, t1);
    let (x0, width) = (scale.x0, scale.width());
    let top = 6.0;
    let ep_rows = episodes.len() + usize::from(!transients.is_empty());
    let mut s = String::new();
    let mut y = top;
    for e in episodes {
        let (a, b) = (scale.x(e.start_ns), scale.x(e.end_ns));
        let name = match e.subtype {
            Some(st) => format!("{} {} ({st})", e.id, e.mode),
            None => format!("{} {}", e.id, e.mode),
        };
        super::label(&mut s, x0 - 6.0, y + 13.0, "end", &short(&name, 26));
        let _ = write!(
            s,
            r#"<rect x="{a:.1}" y="{:.1}" width="{:.1}" height="12" rx="2" fill="{}"><title>{}</title></rect>"#,
            y + 3.0,
            (b - a).max(1.5),
            mode_color(e.mode),
            text::html(&format!(
                "episode {}: {} {}–{}",
                e.id,
                e.mode,
                text::time_of_day(e.start_ns),
                text::time_of_day(e.end_ns)
            ))
        );
        y += row_h;
    }
    if !transients.is_empty() {
        super::label(&mut s, x0 - 6.0, y + 13.0, "end", "transients");
        for tr in transients {
            if let Some(ts) = rift_ingest::parse_ts(&tr.start) {
                let a = scale.x(ts);
                let b = scale.x(ts + (tr.duration_s * 1e9) as i64);
                let _ = write!(
                    s,
                    r#"<rect x="{a:.1}" y="{:.1}" width="{:.1}" height="8" fill="{}" fill-opacity="0.6"><title>{}</title></rect>"#,
                    y + 5.0,
                    (b - a).max(1.5),
                    mode_color(tr.mode),
                    text::html(&format!("transient {} at {}", tr.mode, tr.start))
                );
            }
        }
        y += row_h;
    }
    if ep_rows > 0 && !nodes.is_empty() {
        let _ = write!(
            s,
            r##"<line x1="0" y1="{y:.1}" x2="{width:.1}" y2="{y:.1}" stroke="#ccc"/>"##
        );
    }
    let mut used: BTreeSet<&'static str> = BTreeSet::new();
    for (i, (node, evs)) in nodes.iter().enumerate() {
        if i % 2 == 0 {
            let _ = write!(
                s,
                r##"<rect x="0" y="{y:.1}" width="{width:.1}" height="{row_h:.1}" fill="#fafafa"/>"##
            );
        }
        node_lane(&mut s, &scale, y, node, evs, &mut used);
        y += row_h;
    }
    super::time_axis(&mut s, t0, t1, scale.x0, scale.x1, y + 4.0);
    let height = legend(&mut s, width, y + 40.0, episodes, used);
    let mut s = open(width, height, "incident timeline") + &s;
    s.push_str("</svg>");
    let mut caption = "Episodes (one lane each) and the events of each node on one axis (UTC). Hover over a mark for the event and the file and line it came from.".to_owned();
    if all_nodes > nodes.len() {
        let _ = write!(
            caption,
            " The {} nodes with most events of {all_nodes} are drawn.",
            nodes.len()
        );
    }
    Figure {
        id: "timeline".to_owned(),
        title: "Timeline".to_owned(),
        caption,
        svg: s,
    }
}

/// One node's lane: its label, and one mark per pixel column and event category whose title
/// lists the events it stands for; the categories drawn are added to `used`.
fn node_lane(
    s: &mut String,
    scale: &Scale,
    y: f64,
    node: &NodeId,
    evs: &[&Event],
    used: &mut BTreeSet<&'static str>,
) {
    super::label(s, scale.x0 - 6.0, y + 13.0, "end", &short(&node.0, 24));
    // One mark per pixel column and category; the title lists what it stands for.
    let mut marks: BTreeMap<(i64, &'static str), Vec<&Event>> = BTreeMap::new();
    for e in evs {
        let (cat, _) = category(e.kind);
        marks
            .entry((scale.x(e.ts_ns).round() as i64, cat))
            .or_default()
            .push(e);
    }
    for ((x, cat), es) in &marks {
        used.insert(cat);
        let color = category(es[0].kind).1;
        let mut tip = String::new();
        for e in es.iter().take(4) {
            let _ = write!(
                tip,
                "{} {} {}{} ({}); ",
                text::time_of_day(e.ts_ns),
                e.kind.as_str(),
                e.peer.as_ref().map(|p| format!("{p} ")).unwrap_or_default(),
                e.detail,
                e.origin
            );
        }
        if es.len() > 4 {
            let _ = write!(tip, "and {} more", es.len() - 4);
        }
        let _ = write!(
            s,
            r#"<rect x="{:.1}" y="{:.1}" width="3" height="12" fill="{color}"><title>{}</title></rect>"#,
            *x as f64 - 1.5,
            y + 3.0,
            text::html(tip.trim_end_matches("; "))
        );
    }
}

/// The legend from `top` down: the episodes' modes, then the event categories drawn (`used`);
/// returns the figure's height.
fn legend(
    s: &mut String,
    width: f64,
    top: f64,
    episodes: &[Episode],
    mut used: BTreeSet<&'static str>,
) -> f64 {
    let mut flow = super::Flow {
        x: 8.0,
        y: top,
        x0: 8.0,
        max_x: width - 8.0,
        line_h: 18.0,
    };
    let modes: BTreeSet<Mode> = episodes.iter().map(|e| e.mode).collect();
    for m in modes {
        let name = m.to_string();
        let (lx, ly) = flow.place(30.0 + super::text_width(&name));
        let _ = write!(
            s,
            r#"<rect x="{lx:.1}" y="{:.1}" width="14" height="10" fill="{}"/>"#,
            ly - 9.0,
            mode_color(m)
        );
        super::label(s, lx + 18.0, ly, "start", &name);
    }
    if flow.x > flow.x0 {
        flow.x = flow.x0;
        flow.y += flow.line_h;
    }
    for e in EventKind::ALL {
        let (cat, color) = category(e);
        if !used.remove(cat) {
            continue;
        }
        let (lx, ly) = flow.place(22.0 + super::text_width(cat));
        let _ = write!(
            s,
            r#"<rect x="{lx:.1}" y="{:.1}" width="3" height="12" fill="{color}"/>"#,
            ly - 10.0
        );
        super::label(s, lx + 8.0, ly, "start", cat);
    }
    flow.y + 12.0
}
