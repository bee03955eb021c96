//! Building the polars tables from rows.

use std::sync::Arc;

use polars::prelude::*;
use rustc_hash::FxHashMap;

use crate::model::{Channel, Event, Evidence, Observation, ObservationRow, col};

fn categorical() -> DataType {
    DataType::from_categories(Categories::global())
}

#[expect(
    clippy::expect_used,
    reason = "the enum names are constants, not input"
)]
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
/// documented schema. Node names become category ids as they are pushed (each distinct name is
/// looked up once), so a row costs no allocation.
pub struct ObservationsBuilder {
    /// Keeps the global category mapping alive while ids from it are held.
    mapping: Arc<CategoricalMapping>,
    names: FxHashMap<String, u32>,
    ts: Vec<i64>,
    src: Vec<u32>,
    dst: Vec<u32>,
    channel: Vec<u8>,
    flow: StringChunkedBuilder,
    evidence: Vec<u8>,
    attempts: Vec<u32>,
    delivered: Vec<u32>,
    latency: Vec<Option<f32>>,
    reporter: Vec<u32>,
    origin: StringChunkedBuilder,
}

impl Default for ObservationsBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for ObservationsBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ObservationsBuilder")
            .field("rows", &self.len())
            .finish_non_exhaustive()
    }
}

impl ObservationsBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        ObservationsBuilder {
            mapping: Categories::global().mapping(),
            names: FxHashMap::default(),
            ts: Vec::new(),
            src: Vec::new(),
            dst: Vec::new(),
            channel: Vec::new(),
            flow: StringChunkedBuilder::new(col::FLOW.into(), 0),
            evidence: Vec::new(),
            attempts: Vec::new(),
            delivered: Vec::new(),
            latency: Vec::new(),
            reporter: Vec::new(),
            origin: StringChunkedBuilder::new(col::ORIGIN.into(), 0),
        }
    }

    /// Rows collected so far.
    pub fn len(&self) -> usize {
        self.ts.len()
    }

    /// True when no row has been pushed.
    pub fn is_empty(&self) -> bool {
        self.ts.is_empty()
    }

    #[expect(
        clippy::expect_used,
        reason = "node names are input, but their number is bounded by ReadOptions::max_nodes"
    )]
    fn category(&mut self, name: &str) -> u32 {
        if let Some(&id) = self.names.get(name) {
            return id;
        }
        let id = self
            .mapping
            .insert_cat(name)
            .expect("fewer than 2^32 distinct node names");
        self.names.insert(name.to_owned(), id);
        id
    }

    /// Appends one row.
    pub fn push(&mut self, o: Observation) {
        self.push_row(&o.as_row());
    }

    /// Appends one row given with borrowed strings.
    pub fn push_row(&mut self, o: &ObservationRow<'_>) {
        let (src, dst, reporter) = (
            self.category(o.src),
            self.category(o.dst),
            self.category(o.reporter),
        );
        self.ts.push(o.ts_ns);
        self.src.push(src);
        self.dst.push(dst);
        self.channel.push(o.channel.index());
        self.flow.append_option(o.flow);
        self.evidence.push(o.evidence.index());
        self.attempts.push(o.attempts);
        self.delivered.push(o.delivered);
        self.latency.push(o.latency_ms);
        self.reporter.push(reporter);
        self.origin.append_value(o.origin);
    }

    /// Builds the DataFrame and leaves the builder empty (its name cache is kept).
    #[expect(
        clippy::expect_used,
        reason = "the columns are built here, one value per pushed row"
    )]
    pub fn take_frame(&mut self) -> DataFrame {
        let len = self.ts.len();
        let ts = Int64Chunked::from_vec(col::TS.into(), std::mem::take(&mut self.ts))
            .into_datetime(TimeUnit::Nanoseconds, Some(TimeZone::UTC))
            .into_column();
        let nodes = |name: &str, ids: &mut Vec<u32>| {
            let ids = UInt32Chunked::from_vec(name.into(), std::mem::take(ids));
            Categorical32Chunked::from_cats_and_dtype(ids, categorical()).into_column()
        };
        let enums = |name: &str, codes: &mut Vec<u8>, dtype: DataType| {
            let codes = UInt8Chunked::from_vec(name.into(), std::mem::take(codes));
            Categorical8Chunked::from_cats_and_dtype(codes, dtype).into_column()
        };
        let strings = |b: &mut StringChunkedBuilder, name: &str| {
            std::mem::replace(b, StringChunkedBuilder::new(name.into(), 0))
                .finish()
                .into_column()
        };
        let columns = vec![
            ts,
            nodes(col::SRC, &mut self.src),
            nodes(col::DST, &mut self.dst),
            enums(col::CHANNEL, &mut self.channel, channel_dtype()),
            strings(&mut self.flow, col::FLOW),
            enums(col::EVIDENCE, &mut self.evidence, evidence_dtype()),
            Column::new(col::ATTEMPTS.into(), std::mem::take(&mut self.attempts)),
            Column::new(col::DELIVERED.into(), std::mem::take(&mut self.delivered)),
            Column::new(col::LATENCY_MS.into(), std::mem::take(&mut self.latency)),
            nodes(col::REPORTER, &mut self.reporter),
            strings(&mut self.origin, col::ORIGIN),
        ];
        DataFrame::new(len, columns).expect("all observation columns have one value per row")
    }
}

/// Builds the events table (see [`crate::model`]) from rows.
#[expect(
    clippy::expect_used,
    reason = "the columns are built here, one value per event, of types that cast"
)]
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
