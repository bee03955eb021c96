//! Timeline output formats, one per file: [`json`] (versioned schema, also read back), [`dot`]
//! (Graphviz of one window), [`matrix`] (src × dst grids) and [`text`] (for the terminal).

pub mod dot;
pub mod json;
pub mod matrix;
pub mod text;

use std::io::{self, Write};

use rift_ingest::model::Channel;

use crate::model::{Timeline, WindowIdx};

/// What part of a timeline to write.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct View {
    /// Only this channel (all channels when `None`).
    pub channel: Option<Channel>,
    /// Only this window (formats that show one window pick one when `None`).
    pub at: Option<WindowIdx>,
}

impl View {
    /// The channels of `timeline` this view shows.
    pub fn channels(&self, timeline: &Timeline) -> Vec<Channel> {
        timeline
            .channels()
            .into_iter()
            .filter(|c| self.channel.is_none_or(|x| x == *c))
            .collect()
    }
}

/// An output format for a timeline.
pub trait Format {
    /// Writes `timeline`, restricted to `view`, to `out`.
    fn write(&self, timeline: &Timeline, view: &View, out: &mut dyn Write) -> io::Result<()>;
}

/// Time of day with milliseconds (`03:00:03.789`) for compact listings.
pub(crate) fn clock(ns: i64) -> String {
    let full = rift_ingest::format_ts(ns);
    full[11..23].to_owned()
}

/// The first window at which anything on the view's channels is not up, else window 0.
pub fn first_fault(timeline: &Timeline, view: &View) -> WindowIdx {
    let keep = |c: Channel| view.channel.is_none_or(|x| x == c);
    let edges = timeline
        .edges
        .iter()
        .filter(|(k, _)| k.flow.is_none() && keep(k.channel))
        .map(|(_, s)| s);
    let rts = timeline
        .round_trips
        .iter()
        .filter(|(k, _)| k.flow.is_none() && keep(k.channel))
        .map(|(_, s)| s);
    edges
        .chain(rts)
        .flat_map(|segs| {
            segs.iter()
                .filter(|s| s.state != crate::model::EdgeState::Up)
                .map(|s| s.start)
        })
        .min()
        .unwrap_or(WindowIdx(0))
}
