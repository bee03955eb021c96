//! Building the polars tables from rows.

use polars::prelude::*;

use crate::model::{Channel, Event, Evidence, Observation, col};

fn categorical() -> DataType {
    DataType::from_categories(Categories::global())
}

fn enum_of(names: &[&str]) -> DataType {
    let cats = FrozenCategories::new(names.iter().copied())
        .expect("enum categories are a fixed list of distinct names");
    DataType::from_frozen_categories(cats)
}

fn channel_dtype() -> DataType {
    enum_of(&Channel::ALL.map(Channel::as_str))
}

fn evidence_dtype() -> DataType {
    enum_of(&Evidence::ALL.map(Evidence::as_str))
}

fn ts_dtype() -> DataType {
    DataType::Datetime(TimeUnit::Nanoseconds, Some(TimeZone::UTC))
}

/// The schema of the observations table (see [`crate::model`]).
pub fn observations_schema() -> Schema {
    Schema::from_iter([
        Field::new(col::TS.into(), ts_dtype()),
        Field::new(col::SRC.into(), categorical()),
        Field::new(col::DST.into(), categorical()),
        Field::new(col::CHANNEL.into(), channel_dtype()),
        Field::new(col::FLOW.into(), DataType::String),
        Field::new(col::EVIDENCE.into(), evidence_dtype()),
        Field::new(col::ATTEMPTS.into(), DataType::UInt32),
        Field::new(col::DELIVERED.into(), DataType::UInt32),
        Field::new(col::LATENCY_MS.into(), DataType::Float32),
        Field::new(col::REPORTER.into(), categorical()),
        Field::new(col::ORIGIN.into(), DataType::String),
    ])
}

/// Collects observation rows column by column and turns them into a DataFrame with the
/// documented schema.
#[derive(Default, Debug)]
pub struct ObservationsBuilder {
    ts: Vec<i64>,
    src: Vec<String>,
    dst: Vec<String>,
    channel: Vec<&'static str>,
    flow: Vec<Option<String>>,
    evidence: Vec<&'static str>,
    attempts: Vec<u32>,
    delivered: Vec<u32>,
    latency: Vec<Option<f32>>,
    reporter: Vec<String>,
    origin: Vec<String>,
}

impl ObservationsBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Rows collected so far.
    pub fn len(&self) -> usize {
        self.ts.len()
    }

    /// True when no row has been pushed.
    pub fn is_empty(&self) -> bool {
        self.ts.is_empty()
    }

    /// Appends one row.
    pub fn push(&mut self, o: Observation) {
        self.ts.push(o.ts_ns);
        self.src.push(o.src.0);
        self.dst.push(o.dst.0);
        self.channel.push(o.channel.as_str());
        self.flow.push(o.flow);
        self.evidence.push(o.evidence.as_str());
        self.attempts.push(o.attempts);
        self.delivered.push(o.delivered);
        self.latency.push(o.latency_ms);
        self.reporter.push(o.reporter);
        self.origin.push(o.origin);
    }

    /// Builds the DataFrame and leaves the builder empty.
    pub fn take_frame(&mut self) -> DataFrame {
        let b = std::mem::take(self);
        let len = b.ts.len();
        let ts = Int64Chunked::from_vec(col::TS.into(), b.ts)
            .into_datetime(TimeUnit::Nanoseconds, Some(TimeZone::UTC))
            .into_column();
        let cast = |c: Column, dt: &DataType| {
            c.cast(dt)
                .expect("casting strings to a categorical or enum of their own names")
        };
        let columns = vec![
            ts,
            cast(Column::new(col::SRC.into(), b.src), &categorical()),
            cast(Column::new(col::DST.into(), b.dst), &categorical()),
            cast(
                Column::new(col::CHANNEL.into(), b.channel),
                &channel_dtype(),
            ),
            Column::new(col::FLOW.into(), b.flow),
            cast(
                Column::new(col::EVIDENCE.into(), b.evidence),
                &evidence_dtype(),
            ),
            Column::new(col::ATTEMPTS.into(), b.attempts),
            Column::new(col::DELIVERED.into(), b.delivered),
            Column::new(col::LATENCY_MS.into(), b.latency),
            cast(
                Column::new(col::REPORTER.into(), b.reporter),
                &categorical(),
            ),
            Column::new(col::ORIGIN.into(), b.origin),
        ];
        DataFrame::new(len, columns).expect("all observation columns have one value per row")
    }
}

/// Builds the events table (see [`crate::model`]) from rows.
pub fn events_frame(events: &[Event]) -> DataFrame {
    let ts = Int64Chunked::from_vec(col::TS.into(), events.iter().map(|e| e.ts_ns).collect())
        .into_datetime(TimeUnit::Nanoseconds, Some(TimeZone::UTC))
        .into_column();
    let strs = |name: &str, f: &dyn Fn(&Event) -> String| {
        Column::new(name.into(), events.iter().map(f).collect::<Vec<_>>())
    };
    let cat = |c: Column| c.cast(&categorical()).expect("strings cast to categorical");
    let columns = vec![
        ts,
        cat(strs(col::NODE, &|e| e.node.0.clone())),
        cat(strs(col::KIND, &|e| e.kind.as_str().to_owned())),
        cat(Column::new(
            col::PEER.into(),
            events
                .iter()
                .map(|e| e.peer.as_ref().map(|p| p.0.clone()))
                .collect::<Vec<_>>(),
        )),
        Column::new(
            col::TERM.into(),
            events.iter().map(|e| e.term).collect::<Vec<_>>(),
        ),
        strs(col::DETAIL, &|e| e.detail.clone()),
        strs(col::ORIGIN, &|e| e.origin.clone()),
    ];
    DataFrame::new(events.len(), columns).expect("all event columns have one value per row")
}
