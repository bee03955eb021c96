//! Errors of the reach stage.

/// What can go wrong building or reading a timeline.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An observations table lacks a column or has it with the wrong type.
    #[error("observations table: column '{column}': {reason}")]
    BadColumn {
        /// The column.
        column: String,
        /// What is wrong.
        reason: String,
    },
    /// A row of an observations table holds a value outside the schema.
    #[error("observations table row {row}: {reason}")]
    BadRow {
        /// 0-based row index within the batch.
        row: usize,
        /// What is wrong.
        reason: String,
    },
    /// The observations span more windows than a timeline holds ([`crate::MAX_WINDOWS`]): a
    /// timestamp far from the others (a clock reset to 1970, a misread column) would stretch it
    /// over years. The message names both ends and where their observations came from.
    #[error("{0}")]
    SpanTooLong(String),
    /// Series spread thinly over long spans would need more (series, window) cells than the
    /// limit.
    #[error(
        "the timeline would need more than {limit} (direction, window) cells for {series} series spread over long spans: pass a longer --window"
    )]
    TooManyCells {
        /// Series so far.
        series: usize,
        /// The limit.
        limit: u64,
    },
    /// A timeline JSON document cannot be read.
    #[error("timeline JSON: {0}")]
    BadJson(String),
    /// Delivery thresholds that do not order up above down within [0, 1].
    #[error("need 0 ≤ down < up ≤ 1")]
    Thresholds {
        /// At or above: up.
        up: f64,
        /// At or below: down.
        down: f64,
    },
}

impl Error {
    /// Whose doing the error is: a malformed observations table is rift's own (ingest writes
    /// it), the rest the input's (a span or a spread the timeline cannot hold, a timeline
    /// document, thresholds asked for).
    pub fn blame(&self) -> rift_ingest::Blame {
        match self {
            Error::BadColumn { .. } | Error::BadRow { .. } => rift_ingest::Blame::Bug,
            Error::Thresholds { .. } => rift_ingest::Blame::CommandLine,
            Error::SpanTooLong(_) | Error::TooManyCells { .. } | Error::BadJson(_) => {
                rift_ingest::Blame::Input
            }
        }
    }
}
