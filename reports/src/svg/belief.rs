//! Detector belief against network truth: for each node, the role it believed it had, and for
//! each peer it formed an opinion about, when it held that peer down beside what the timeline
//! says both directions of the pair did.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use rift_ingest::model::{Channel, Event, EventKind, NodeId};
use rift_reach::Timeline;

use super::{Bins, Figure, PLOT_W, Scale, binned, open, row_runs, short, span};
use crate::text;

/// Rows at most (role rows and peer rows together).
const MAX_ROWS: usize = 80;

/// Who formed an opinion about whom, from one event: (observer, subject).
fn opinion(e: &Event) -> Option<(&NodeId, &NodeId)> {
    use EventKind::*;
    match e.kind {
        PeerDown | PeerUp | Suspect | Unreachable | MemberFailed | BackendDown | ProbeAlert
        | Election | LastHeard => e.peer.as_ref().map(|p| (&e.node, p)),
        HealthDown | HealthUp => e.peer.as_ref().map(|p| (p, &e.node)),
        _ => None,
    }
}

/// Whether an event opens (`Some(true)`) or closes (`Some(false)`) a "held down" belief.
fn holds(kind: EventKind) -> Option<bool> {
    use EventKind::*;
    match kind {
        PeerDown | HealthDown | BackendDown | MemberFailed => Some(true),
        PeerUp | HealthUp => Some(false),
        _ => None,
    }
}

fn role_of(detail: &str) -> Option<(&'static str, &'static str)> {
    let d = detail.to_ascii_lowercase();
    if d.contains("pre-candidate") || d.contains("precandidate") {
        Some(("pre-candidate", "#ffe082"))
    } else if d.contains("candidate") {
        Some(("candidate", "#ffb300"))
    } else if d.contains("leader") && !d.contains("lost") && !d.contains("no leader") {
        Some(("leader", "#1e88e5"))
    } else if d.contains("follower") {
        Some(("follower", "#cfd8dc"))
    } else {
        None
    }
}

/// The overlay, or `None` when the events hold no opinion and no role change.
pub fn figure(t: &Timeline, events: &[Event]) -> Option<Figure> {
    let channels = t.channels();
    let main = [Channel::Heartbeat, Channel::Data, Channel::Probe]
        .into_iter()
        .find(|c| channels.contains(c))
        .or_else(|| channels.first().copied())?;
    let (t0, t1) = span(t);
    // Roles per node.
    let mut roles: BTreeMap<&NodeId, Vec<(i64, &'static str, &'static str)>> = BTreeMap::new();
    for e in events.iter().filter(|e| e.kind == EventKind::RoleChange) {
        if let Some((name, color)) = role_of(&e.detail) {
            roles
                .entry(&e.node)
                .or_default()
                .push((e.ts_ns, name, color));
        }
    }
    // Opinions per (observer, subject).
    let mut opinions: BTreeMap<(&NodeId, &NodeId), Vec<&Event>> = BTreeMap::new();
    for e in events {
        if let Some((o, s)) = opinion(e)
            && o != s
        {
            opinions.entry((o, s)).or_default().push(e);
        }
    }
    if roles.is_empty() && opinions.is_empty() {
        return None;
    }
    let bins = Bins::new(t.windows, PLOT_W as u32);
    let series = |src: &NodeId, dst: &NodeId, c: Channel| {
        t.edges
            .iter()
            .find(|(k, _)| k.channel == c && k.flow.is_none() && &k.src == src && &k.dst == dst)
            .map(|(_, s)| binned(s, &bins))
    };
    let observers: BTreeSet<&NodeId> = roles
        .keys()
        .copied()
        .chain(opinions.keys().map(|(o, _)| *o))
        .collect();
    enum Row<'a> {
        Role(&'a NodeId),
        About(&'a NodeId, &'a NodeId, Channel),
    }
    let mut rows: Vec<Row> = Vec::new();
    for o in &observers {
        if roles.contains_key(o) {
            rows.push(Row::Role(o));
        }
        for ((_, s), evs) in opinions.iter().filter(|((x, _), _)| x == o) {
            let health = evs
                .iter()
                .all(|e| matches!(e.kind, EventKind::HealthDown | EventKind::HealthUp));
            let c = if health && channels.contains(&Channel::Health) {
                Channel::Health
            } else {
                main
            };
            rows.push(Row::About(o, s, c));
        }
    }
    let total_rows = rows.len();
    rows.truncate(MAX_ROWS);
    let row_h = 22.0;
    let scale = Scale::labelled(t0, t1);
    let (x0, width) = (scale.x0, scale.width());
    let top = 6.0;
    let height = top + rows.len() as f64 * row_h + 70.0;
    let cell_w = PLOT_W / f64::from(bins.count);
    let mut s = open(width, height, "detector belief against network truth");
    s.push_str(r##"<defs><pattern id="belief-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff" fill-opacity="0"/><line x1="0" y1="0" x2="0" y2="6" stroke="#212121" stroke-width="2"/></pattern></defs>"##);
    for (i, row) in rows.iter().enumerate() {
        let y = top + i as f64 * row_h;
        if i % 2 == 0 {
            let _ = write!(
                s,
                r##"<rect x="0" y="{y:.1}" width="{width:.1}" height="{row_h:.1}" fill="#fafafa"/>"##
            );
        }
        match row {
            Row::Role(n) => {
                role_row(&mut s, &scale, y, n, &roles[n], t1);
            }
            Row::About(o, subj, c) => {
                super::label(
                    &mut s,
                    x0 - 6.0,
                    y + 15.0,
                    "end",
                    &format!("{} about {}", short(&o.0, 10), short(&subj.0, 10)),
                );
                // Truth: upper band, can the observer hear the subject; lower band, can the
                // subject hear the observer.
                if let Some(cells) = series(subj, o, *c) {
                    row_runs(&mut s, &cells, x0, y + 4.0, cell_w, 6.0);
                }
                if let Some(cells) = series(o, subj, *c) {
                    row_runs(&mut s, &cells, x0, y + 12.0, cell_w, 6.0);
                }
                let evs = &opinions[&(*o, *subj)];
                let spans = held_spans(evs, t1);
                for (a, b) in spans {
                    let (xa, xb) = (scale.x(a), scale.x(b));
                    let _ = write!(
                        s,
                        r##"<rect x="{xa:.1}" y="{:.1}" width="{:.1}" height="16" fill="url(#belief-hatch)" stroke="#212121" stroke-width="1"><title>{}</title></rect>"##,
                        y + 3.0,
                        (xb - xa).max(1.5),
                        text::html(&format!(
                            "{o} held {subj} down {}–{}",
                            text::time_of_day(a),
                            text::time_of_day(b)
                        ))
                    );
                }
                point_marks(&mut s, &scale, y, o, subj, evs);
            }
        }
    }
    let axis_y = top + rows.len() as f64 * row_h + 4.0;
    super::time_axis(&mut s, t0, t1, scale.x0, scale.x1, axis_y);
    legend(&mut s, axis_y + 36.0);
    s.push_str("</svg>");
    let mut caption = format!(
        "For each node: the role it believed it had, and for each peer it formed an opinion about, the time it held that peer down (hatched) over what the timeline says on the {main} channel (upper band: the node hears the peer; lower band: the peer hears the node). A hatched span over green bands is a false suspicion; red bands with no hatching are a fault the node never noticed."
    );
    if total_rows > rows.len() {
        let _ = write!(
            caption,
            " The first {} of {total_rows} rows are drawn.",
            rows.len()
        );
    }
    Some(Figure {
        id: "belief".to_owned(),
        title: "Detector belief against network truth".to_owned(),
        caption,
        svg: s,
    })
}

/// A node's role lane: each role it believed it had, from the line that said so to the next.
fn role_row(
    s: &mut String,
    scale: &Scale,
    y: f64,
    n: &NodeId,
    v: &[(i64, &'static str, &'static str)],
    t1: i64,
) {
    super::label(
        s,
        scale.x0 - 6.0,
        y + 15.0,
        "end",
        &format!("{} role", short(&n.0, 18)),
    );
    for (j, (from, name, color)) in v.iter().enumerate() {
        let to = v.get(j + 1).map_or(t1, |x| x.0);
        let (a, b) = (scale.x(*from), scale.x(to));
        let _ = write!(
            s,
            r#"<rect x="{a:.1}" y="{:.1}" width="{:.1}" height="12" fill="{color}"><title>{}</title></rect>"#,
            y + 5.0,
            (b - a).max(0.8),
            text::html(&format!("{n} {name} from {}", text::time_of_day(*from)))
        );
    }
}

/// The spans over which `evs` (one observer's opinions of one subject) held the subject down:
/// from an opinion that opens such a state to the next that closes it, or to `t1`.
fn held_spans(evs: &[&Event], t1: i64) -> Vec<(i64, i64)> {
    let mut open_at: Option<i64> = None;
    let mut spans: Vec<(i64, i64)> = Vec::new();
    for e in evs {
        match holds(e.kind) {
            Some(true) => {
                open_at.get_or_insert(e.ts_ns);
            }
            Some(false) => {
                if let Some(a) = open_at.take() {
                    spans.push((a, e.ts_ns));
                }
            }
            None => {}
        }
    }
    if let Some(a) = open_at {
        spans.push((a, t1));
    }
    spans
}

/// Point opinions (suspicions, elections, timeouts): at most one mark per pixel column and kind.
fn point_marks(s: &mut String, scale: &Scale, y: f64, o: &NodeId, subj: &NodeId, evs: &[&Event]) {
    // Point opinions: at most one mark per pixel column and kind.
    let mut seen: BTreeSet<(i64, &str)> = BTreeSet::new();
    for e in evs.iter().filter(|e| holds(e.kind).is_none()) {
        let x = scale.x(e.ts_ns);
        if !seen.insert((x as i64, e.kind.as_str())) {
            continue;
        }
        let _ = write!(
            s,
            r##"<path d="M{:.1},{:.1} l4,-7 l4,7 z" fill="#212121"><title>{}</title></path>"##,
            x - 4.0,
            y + 20.0,
            text::html(&format!(
                "{} {}: {} about {}",
                text::time_of_day(e.ts_ns),
                e.kind.as_str(),
                o,
                subj
            ))
        );
    }
}

/// The legend at baseline `ly`: hatching, point marks, roles, then the states.
fn legend(s: &mut String, ly: f64) {
    let mut lx = 8.0;
    let _ = write!(
        s,
        r##"<rect x="{lx}" y="{:.1}" width="22" height="12" fill="url(#belief-hatch)" stroke="#212121"/>"##,
        ly - 10.0
    );
    super::label(s, lx + 28.0, ly, "start", "held the peer down");
    lx += 150.0;
    let _ = write!(
        s,
        r##"<path d="M{lx},{ly:.1} l4,-7 l4,7 z" fill="#212121"/>"##
    );
    super::label(s, lx + 12.0, ly, "start", "suspicion, election or timeout");
    lx += 200.0;
    for (name, color) in [
        ("leader", "#1e88e5"),
        ("candidate", "#ffb300"),
        ("follower", "#cfd8dc"),
    ] {
        let _ = write!(
            s,
            r#"<rect x="{lx}" y="{:.1}" width="12" height="12" fill="{color}"/>"#,
            ly - 10.0
        );
        super::label(s, lx + 16.0, ly, "start", name);
        lx += 30.0 + name.len() as f64 * 6.0;
    }
    super::state_legend(s, 8.0, ly + 20.0);
}
