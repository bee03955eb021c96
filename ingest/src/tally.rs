//! Where observation rows go as sources produce them: counted, checked against the node limit,
//! batched into frames for the caller's sink, and summed up for the summary.

use std::collections::BTreeSet;

use polars::prelude::DataFrame;
use rustc_hash::FxHashSet;

use crate::error::{Error, SinkError};
use crate::metrics::LatencyBins;
use crate::model::{Channel, Evidence, ObservationRow};
use crate::table::ObservationsBuilder;

/// Observation rows on their way to the caller, and what the summary says of them.
pub(crate) struct Tally<'s> {
    pub(crate) nodes: FxHashSet<String>,
    pub(crate) channels: BTreeSet<Channel>,
    pub(crate) start: Option<i64>,
    pub(crate) end: Option<i64>,
    pub(crate) observations: u64,
    pub(crate) builder: ObservationsBuilder,
    pub(crate) batch_rows: usize,
    pub(crate) sink: &'s mut dyn FnMut(DataFrame) -> Result<(), SinkError>,
    pub(crate) error: Option<Error>,
    pub(crate) latency: LatencyBins,
    pub(crate) max_nodes: usize,
}

impl<'s> Tally<'s> {
    /// A tally that hands batches of `batch_rows` rows to `sink` and stops with
    /// [`Error::TooManyNodes`] beyond `max_nodes` nodes.
    pub(crate) fn new(
        sink: &'s mut dyn FnMut(DataFrame) -> Result<(), SinkError>,
        batch_rows: usize,
        max_nodes: usize,
    ) -> Self {
        Tally {
            nodes: FxHashSet::default(),
            channels: BTreeSet::new(),
            start: None,
            end: None,
            observations: 0,
            builder: ObservationsBuilder::new(),
            batch_rows: batch_rows.max(1),
            sink,
            error: None,
            latency: LatencyBins::default(),
            max_nodes,
        }
    }

    pub(crate) fn span(&mut self, ts: i64) {
        self.start = Some(self.start.map_or(ts, |s| s.min(ts)));
        self.end = Some(self.end.map_or(ts, |e| e.max(ts)));
    }

    pub(crate) fn push(&mut self, o: &ObservationRow<'_>) {
        if self.error.is_some() {
            return;
        }
        for node in [o.src, o.dst] {
            if !self.nodes.contains(node) {
                if self.nodes.len() >= self.max_nodes {
                    self.error = Some(Error::TooManyNodes {
                        at: o.origin.to_owned(),
                        name: node.chars().take(80).collect(),
                        limit: self.max_nodes,
                    });
                    return;
                }
                self.nodes.insert(node.to_owned());
            }
        }
        self.channels.insert(o.channel);
        self.span(o.ts_ns);
        self.observations += 1;
        if o.channel == Channel::Data && o.evidence == Evidence::RoundTrip {
            self.latency.add(o.ts_ns, o.delivered > 0, o.latency_ms);
        }
        self.builder.push_row(o);
        if self.builder.len() >= self.batch_rows {
            self.flush();
        }
    }

    pub(crate) fn flush(&mut self) {
        if self.builder.is_empty() || self.error.is_some() {
            return;
        }
        let df = self.builder.take_frame();
        if let Err(e) = (self.sink)(df) {
            self.error = Some(Error::Sink(e));
        }
    }
}
